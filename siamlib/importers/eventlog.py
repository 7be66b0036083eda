"""Generic event-log importer: status-change rows of any tool -> ``tickets`` + ``ticket_events``.

A mapping file (:mod:`siamlib.importers.mapping`) names the columns and maps the vocabulary;
:func:`eventlog_to_model` is pure (DataFrame of text in, tables out) and
:func:`import_eventlog` adds the file reading. The ServiceNow importer is this importer with the
ServiceNow mapping (:mod:`siamlib.importers.servicenow`).

How rows become events (``docs/importing.md`` has the full rules):

0. File checks (:mod:`siamlib.importers.checks`) stop the import with an
   :class:`ImporterError`: no timestamp parses, the dates look to be in the other day/month
   order, an ``opened_at`` / ``resolved_at`` value does not parse, or no row is left.
   ``NULL`` (any case) is missing in every column, like the mapping's ``missing_values``.
1. Row checks, first failing reason wins: ``missing case id``, ``missing timestamp``, ``bad
   timestamp``, a ``reject_statuses`` reason (e.g. ServiceNow state -100), ``missing status``,
   ``unknown status``, ``unmapped group`` (a team/organisation no rule maps, unless the mapping
   sets ``unmapped_group_supplier``). A case with a rejected row is rejected whole (``case
   rejected: another row of this case was rejected (<reason>)``).
2. Rows of a case are put in time order (ties: the ``sequence`` column, then file order,
   bottom to top in a log listed newest first); a ``carry_statuses`` row takes the status
   of the row before it.
3. A row with no team and no organisation keeps the assignment of the row before it; before the
   first assignment the ticket is held by ``unassigned_supplier``.
4. Case checks: ``ticket never assigned to a group`` (when there is no
   ``unassigned_supplier``), ``no priority`` (when there is no ``default_priority``),
   ``no service``: every row of such a case is rejected.
5. A row that changes neither status, assignment group, supplier nor support level is
   *collapsed* (counted, not rejected); the others are the ticket's events.
6. Tickets are built from the events (see :func:`build_tickets`).

Examples
--------
>>> import pandas as pd
>>> from siamlib.importers.mapping import EventLogMapping
>>> m = EventLogMapping.model_validate({
...     "name": "tiny",
...     "columns": {"case_id": "Case", "timestamp": "When", "status": "State", "team": "Team"},
...     "timestamps": {"format": "%Y-%m-%d %H:%M", "timezone": "Europe/London"},
...     "status_map": {"Open": "in_progress", "Done": "resolved"},
...     "supplier_rules": [{"equals": "Desk", "supplier_id": "service-desk"}],
...     "default_priority": 3, "default_service": "service-desk"})
>>> df = pd.DataFrame({"Case": ["T1", "T1", "T1"], "State": ["Open", "Open", "Done"],
...                    "When": ["2026-07-01 09:00", "2026-07-01 09:05", "2026-07-01 10:00"],
...                    "Team": ["Desk", "Desk", "Desk"]})
>>> r = eventlog_to_model(df, m)
>>> r.summary.rows_read, r.summary.rows_used, r.summary.rows_collapsed, r.summary.rows_rejected
(3, 2, 1, 0)
>>> str(r.tables["tickets"].loc[0, "resolved_at"])
'2026-07-01 09:00:00+00:00'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from siamlib import paths, schema
from siamlib.importers.checks import (
    check_source_dates,
    check_timestamps,
    explain_nothing_used,
    reject_whole_cases,
)
from siamlib.importers.files import Source, read_source
from siamlib.importers.mapping import (
    FROM_SUPPLIER,
    EventLogMapping,
    check_against_estate,
    check_timezone,
    display_path,
    load_mapping,
)
from siamlib.importers.result import (
    ImporterError,
    ImportResult,
    ImportSummary,
    make_rejects,
    row_offsets,
)
from siamlib.importers.timestamps import parse_timestamps
from siamlib.importers.vocabulary import priorities, priority_lookup, support_levels  # noqa: F401 - priority_lookup: still importable from here
from siamlib.importers.window import log_window, month_window  # noqa: F401 - month_window: still importable from here
from siamlib.params import Estate, load_model
from siamlib.resolution import after_stop
from siamlib.schema import DONE_STATUSES, OPEN_STATUSES, TIMESTAMP_DTYPE

# Keys of the rows that make an event: a row repeating all of them is collapsed.
EVENT_KEYS = ("status", "assignment_group", "supplier_id", "support_level")
ROW_PER_TICKET_REPEATED = "more than one row for the ticket in a list export (row_per_ticket)"


def load_estate(params_root: Path | str | None = None) -> Estate:
    """The estate (suppliers, assignment groups) the imported data will be measured with.

    >>> load_estate().timezone
    'Europe/London'
    """
    root = Path(params_root) if params_root is not None else paths.PARAMS_DIR
    return load_model(root / "estate.yaml", Estate)


# Read as missing in every source, whatever the mapping's missing_values say: ServiceNow and
# database exports write a null as the text NULL (any case).
NULL_WORD = "NULL"


def _text(df: pd.DataFrame, col: str | None, missing: set[str]) -> pd.Series | None:
    """Column ``col`` as stripped text, missing values (and ``NULL``, any case) as NA."""
    if col is None:
        return None
    s = df[col].astype("str").str.strip()
    null = s.str.upper().eq(NULL_WORD)
    return s.mask(s.isin(missing) | null | df[col].isna())


def _lookup(key: pd.Series, fallback: pd.Series, table: dict[str, str]) -> pd.Series:
    """``table[key]``, else ``table[fallback]``, as text (missing when neither is a key)."""
    first = key.map(table).astype("str")
    return first.fillna(fallback.map(table).astype("str"))


def _counts(s: pd.Series) -> dict[str, int]:
    vc = s.dropna().value_counts()
    return {str(k): int(v) for k, v in vc.items()}


def map_suppliers(
    team: pd.Series | None,
    organisation: pd.Series | None,
    at: pd.Series,
    mapping: EventLogMapping,
    estate: Estate,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Supplier id and support level of each row's team/organisation at time ``at`` (UTC).

    Estate assignment groups (effective-dated, when ``use_estate_groups``) are tried first,
    then the mapping's ``supplier_rules`` in order; the first match wins. Returns
    ``(supplier_id, support_level, matched)``; rows with neither team nor organisation are
    unmatched and have no supplier.

    >>> from siamlib.importers.mapping import load_mapping, SERVICENOW_MAPPING
    >>> m = load_mapping(SERVICENOW_MAPPING)
    >>> team = pd.Series(["Group 70", "Group 25", "Group 120", None], dtype="str")
    >>> at = pd.Series(pd.to_datetime(["2026-01-01"] * 4, utc=True))
    >>> sup, lvl, ok = map_suppliers(team, None, at, m, load_estate())
    >>> sup.tolist(), ok.tolist()
    (['service-desk', 'applications', nan, nan], [True, True, False, False])
    """
    index = at.index
    supplier = np.full(len(index), None, dtype=object)
    level = np.full(len(index), np.nan)
    todo = np.zeros(len(index), dtype=bool)
    # Rules are evaluated once per distinct value, then spread to the rows.
    coded = {}
    for name, s in (("team", team), ("organisation", organisation)):
        if s is not None:
            codes, uniques = pd.factorize(s, use_na_sentinel=True)
            coded[name] = (codes, pd.Series(uniques, dtype="str"))
            todo |= codes >= 0
    tz = estate.timezone

    def rows(name: str, hit_u: np.ndarray) -> np.ndarray:
        codes, _ = coded[name]
        return np.where(codes >= 0, hit_u[np.maximum(codes, 0)], False)

    def window(item) -> np.ndarray:
        start = pd.Timestamp(item.effective_from).tz_localize(tz)
        ok = at >= start
        if item.effective_to is not None:
            ok &= at < pd.Timestamp(item.effective_to).tz_localize(tz)
        return ok.fillna(False).to_numpy(dtype=bool)

    earliest = at.min()

    def dated(item) -> bool:
        # Skip the per-row date test when the item is in force over the whole log.
        start = pd.Timestamp(item.effective_from).tz_localize(tz)
        return item.effective_to is not None or pd.isna(earliest) or start > earliest

    candidates: list[tuple[str, np.ndarray, object]] = []
    if mapping.use_estate_groups and "team" in coded:
        uniq = coded["team"][1]
        for g in estate.assignment_groups:
            candidates.append(("team", uniq.eq(g.group).to_numpy(dtype=bool), g))
    for rule in mapping.supplier_rules:
        uniq = coded[rule.field][1]
        if rule.equals is not None:
            match = uniq.isin(rule.values)
        elif rule.number_range is not None:
            got = uniq.str.extract(f"^(?:{rule.pattern})$", expand=True)[0]
            match = pd.to_numeric(got, errors="coerce").between(*rule.number_range)
        else:
            match = uniq.str.fullmatch(rule.pattern)
        candidates.append((rule.field, match.fillna(False).to_numpy(dtype=bool), rule))
    for field_name, hit_u, item in candidates:
        if not todo.any():
            break
        if not hit_u.any():
            continue
        hit = todo & rows(field_name, hit_u)
        if dated(item):
            hit &= window(item)
        supplier[hit] = item.supplier_id
        level[hit] = np.nan if item.support_level is None else item.support_level
        todo &= ~hit
    supplier = pd.Series(supplier, index=index, dtype="str")
    level = pd.Series(level, index=index).astype("Int64")
    matched = supplier.notna()
    return supplier, level, matched


def eventlog_to_model(
    df: pd.DataFrame,
    mapping: EventLogMapping,
    *,
    estate: Estate | None = None,
    tz: str | None = None,
    source: str = "(data frame)",
    first_row: int | None = None,
    kind: str = "eventlog",
) -> ImportResult:
    """Build ``tickets`` and ``ticket_events`` from an event log read as text.

    Parameters
    ----------
    df : DataFrame
        One row per source row, cells as text (as :func:`siamlib.importers.files.read_source`
        returns them).
    mapping : EventLogMapping
        Columns and vocabulary of the source.
    estate : Estate, optional
        Suppliers and assignment groups; default: the project's ``params/estate.yaml``.
    tz : str, optional
        Time zone of the source's wall-clock times; default: the mapping's.
    source : str
        Name of the source, for messages and the summary.
    first_row : int, optional
        Spreadsheet row number of ``df``'s first row (default: header rows + 1).
    kind : str
        Importer name recorded in the summary.

    Returns
    -------
    ImportResult
        Tables, rejected rows (source row, reason, original row) and the summary; every row of
        ``df`` is used, collapsed or rejected.
    """
    estate = estate if estate is not None else load_estate()
    try:
        tz = check_timezone(tz or mapping.timestamps.timezone)
    except ValueError as exc:
        raise ImporterError(f"{source}: source time zone: {exc}") from None
    check_against_estate(mapping, estate, where=f"mapping {mapping.name!r}")
    cols = mapping.source_columns()
    absent = [f"columns.{k} = {v!r}" for k, v in cols.items() if v not in df.columns]
    if absent:
        raise ImporterError(
            f"{source}: mapping {mapping.name!r} names column(s) not in the file: "
            f"{'; '.join(absent)} (the file has: {', '.join(map(str, df.columns))})"
        )
    n = len(df)
    if n == 0:
        raise ImporterError(f"{source}: no data rows")
    first_row = first_row if first_row is not None else mapping.format.header_rows + 1
    offsets = row_offsets(df)
    df = df.reset_index(drop=True)
    rows = pd.Series(offsets + first_row, index=df.index)  # spreadsheet row numbers
    missing = set(mapping.format.missing_values) | {""}
    c = mapping.columns

    def text(col):
        return _text(df, col, missing)

    case = text(c.case_id)
    seq = (
        pd.to_numeric(text(c.sequence), errors="coerce")
        if c.sequence
        else pd.Series(np.nan, index=df.index)
    )
    stamp_text = text(c.timestamp)
    fmt = mapping.timestamps.format
    stamps = parse_timestamps(stamp_text, fmt, tz, mapping.timestamps.ambiguous)
    check_timestamps(
        stamp_text, stamps.utc, fmt, case=case, seq=seq if c.sequence else None, rows=rows,
        where=source, column=c.timestamp, check_order=mapping.timestamps.check_date_order,
    )  # fmt: skip
    status_raw = text(c.status)
    status_key = status_raw
    if c.sub_status:
        sub = text(c.sub_status)
        status_key = (status_raw + mapping.status_join + sub).where(sub.notna(), status_raw)
    status = _lookup(status_key, status_raw, mapping.status_map)
    reject_status = _lookup(status_key, status_raw, mapping.reject_statuses)
    team, org = text(c.team), text(c.organisation)
    supplier, level, matched = map_suppliers(team, org, stamps.utc, mapping, estate)
    has_assignment = pd.Series(False, index=df.index)
    for s in (team, org):
        if s is not None:
            has_assignment |= s.notna()
    # Without a valid time no effective-dated rule can match: such rows are rejected for their
    # timestamp, not reported as unmapped groups.
    unmapped = has_assignment & ~matched & stamps.utc.notna()
    if mapping.unmapped_group_supplier:
        supplier = supplier.mask(unmapped, mapping.unmapped_group_supplier)
    if c.support_level:
        col_level, level_unknown = support_levels(text(c.support_level), mapping)
        level = col_level.fillna(level)
    else:
        level_unknown = pd.Series(False, index=df.index)
    group = team if team is not None else org

    # -- row-level rejects: first failing reason wins --------------------------------------
    reason = pd.Series(pd.NA, index=df.index, dtype="str")
    ts_missing = stamps.utc.isna() & ~stamps.bad
    rules = [
        (case.isna(), "missing case id"),
        # an id like =HYPERLINK(...) or -2+3 is a spreadsheet formula, not a ticket number
        (
            case.str.startswith(schema.FORMULA_TRIGGERS).fillna(False).astype(bool),
            "case id starts with a spreadsheet formula character (= + - @)",
        ),
        (ts_missing, "missing timestamp"),
        (stamps.bad, "bad timestamp"),
    ]
    for cond, why in rules:
        reason = reason.mask(reason.isna() & cond, why)
    reason = reason.mask(reason.isna() & reject_status.notna(), reject_status)
    reason = reason.mask(reason.isna() & status_raw.isna(), "missing status")
    # Activities that change no status (notes, updates) keep the status of the row before.
    carry = status.isna() & (
        status_key.isin(mapping.carry_statuses) | status_raw.isin(mapping.carry_statuses)
    )
    reason = reason.mask(reason.isna() & status.isna() & ~carry, "unknown status")
    if not mapping.unmapped_group_supplier:
        reason = reason.mask(reason.isna() & unmapped, "unmapped group")
    if mapping.row_per_ticket:
        # Two rows of one ticket in a list export are two versions of it: neither is known
        # to be the current one.
        repeated = case.notna() & case.duplicated(keep=False)
        reason = reason.mask(reason.isna() & repeated, ROW_PER_TICKET_REPEATED)
    # A ticket rebuilt from some of its rows is a different ticket: reject the whole case.
    reason = reject_whole_cases(reason, case)

    # -- the rows kept so far, in time order per case --------------------------------------
    k = pd.DataFrame(
        {
            "pos": np.arange(n),
            "case": case,
            "event_at": stamps.utc,
            "seq": seq,
            "status": status,
            "assignment_group": group,
            "supplier_id": supplier,
            "support_level": level,
            "has_assignment": has_assignment,
        }
    )
    optional = {
        "category": c.category,
        "ci": c.ci,
        "problem_id": c.problem_id,
        "change_id": c.change_id,
    }
    for name, col in optional.items():
        k[name] = text(col) if col else pd.Series(pd.NA, index=df.index, dtype="str")
    prio_raw = text(c.priority)
    if prio_raw is not None:
        k["priority"], prio_unknown = priorities(prio_raw, mapping)
    else:
        k["priority"], prio_unknown = pd.NA, pd.Series(False, index=df.index)
    k["priority"] = k["priority"].astype("Int64")
    service_raw = text(c.service)
    if service_raw is not None:
        k["service"] = service_raw.map(mapping.service_map).astype("str").fillna(service_raw)
    else:
        k["service"] = pd.Series(pd.NA, index=df.index, dtype="str")
    for name in ("opened_at", "resolved_at", "closed_at"):
        col = getattr(c, name)
        k[f"src_{name}"] = (
            _source_dates(text(col), mapping, tz, rows, source, col)
            if col
            else pd.Series(pd.NaT, index=df.index, dtype=TIMESTAMP_DTYPE)
        )

    # Out-of-order rows: a row earlier in time than the row before it in the file (same case).
    file_order = k[reason.isna()].sort_values(["case", "pos"], kind="stable")
    same = file_order["case"].eq(file_order["case"].shift())
    back = int((same & (file_order["event_at"] < file_order["event_at"].shift())).sum())
    ahead = int((same & (file_order["event_at"] > file_order["event_at"].shift())).sum())
    # A log listed newest first (more of a case's rows step back in time than forward): rows
    # with the same time are in reverse order too, so file order breaks ties backwards.
    # Read forwards, 'Assign seriousness' and 'Take in charge ticket' in the same second came
    # out in_progress -> new.
    newest_first = back > ahead
    out_of_order = ahead if newest_first else back
    k["tie"] = -k["pos"] if newest_first else k["pos"]

    k = k[reason.isna()].sort_values(["case", "event_at", "seq", "tie"], kind="stable")
    k = k.reset_index(drop=True)
    code = pd.factorize(k["case"])[0]
    k["code"] = code
    if mapping.carry_statuses:
        # A carried activity keeps the status before it; before any status the ticket is new.
        k["status"] = k["status"].groupby(code).ffill().fillna("new")

    # -- carry the assignment over rows that have none -------------------------------------
    idx = pd.Series(np.where(k["has_assignment"], np.arange(len(k)), np.nan))
    carried = idx.groupby(code).ffill()
    got = carried.notna().to_numpy()
    src = carried.fillna(0).astype("int64").to_numpy()
    for name in ("assignment_group", "supplier_id", "support_level"):
        vals = k[name].to_numpy()[src]
        k[name] = pd.Series(vals, dtype=k[name].dtype).where(got)
    before_first_assignment = int((~got).sum())
    if mapping.unassigned_supplier:
        k["supplier_id"] = k["supplier_id"].fillna(mapping.unassigned_supplier)

    # -- case-level rejects ------------------------------------------------------------------
    g = k.groupby("code", sort=False)
    case_reason = pd.Series(pd.NA, index=k.index, dtype="str")
    never = ~g["has_assignment"].transform("any")
    if not mapping.unassigned_supplier:
        case_reason = case_reason.mask(never, "ticket never assigned to a group")
    prio = g["priority"].transform("last")
    if mapping.default_priority is not None:
        prio = prio.fillna(mapping.default_priority)
    case_reason = case_reason.mask(case_reason.isna() & prio.isna(), "no priority")
    # The supplier of record is the one holding the ticket at its last resolution
    # (siamlib.resolution), not whoever closed it; rows are in ticket and time order here.
    after = after_stop(
        k["code"].ne(k["code"].shift()).to_numpy(),
        k["status"].isin(OPEN_STATUSES).to_numpy(dtype=bool),
    )
    last_supplier = k["supplier_id"].where(~after).groupby(k["code"]).transform("last")
    last_supplier = last_supplier.fillna(g["supplier_id"].transform("last"))
    service = g["service"].transform("last")
    if mapping.default_service == FROM_SUPPLIER:
        first_service = {s.id: s.services[0] for s in estate.suppliers if s.services}
        service = service.fillna(last_supplier.map(first_service))
    elif mapping.default_service is not None:
        service = service.fillna(mapping.default_service)
    case_reason = case_reason.mask(case_reason.isna() & service.isna(), "no service")
    k["ticket_priority"], k["ticket_service"] = prio, service
    k["ticket_supplier"] = last_supplier
    if case_reason.notna().any():
        reason.iloc[k.loc[case_reason.notna(), "pos"].to_numpy()] = case_reason.dropna().values
        k = k[case_reason.isna()].reset_index(drop=True)
        k["code"] = pd.factorize(k["case"])[0]

    # -- collapse rows that change nothing we keep -------------------------------------------
    first = k["code"].ne(k["code"].shift())
    changed = first.copy()
    for name in EVENT_KEYS:
        v = k[name].astype("str").fillna("\0")
        changed |= v.ne(v.shift())
    events = k[changed].copy()
    events["event_seq"] = events.groupby("code").cumcount() + 1
    rows_collapsed = int((~changed).sum())
    if events.empty:
        raise ImporterError(
            explain_nothing_used(reason, _reason_columns(mapping), df, rows, where=source, fmt=fmt)
        )

    tickets = _build_tickets(events, k, mapping)
    ticket_events = schema.coerce(
        "ticket_events", events.rename(columns={"case": "ticket_id"}).reset_index(drop=True)
    )

    # -- rejects and summary -----------------------------------------------------------------
    rejected = reason.notna()
    rej_pos = np.flatnonzero(rejected.to_numpy())
    rejects = make_rejects(df, rej_pos, reason.to_numpy()[rej_pos], first_row, offsets)
    unmapped_report = {
        "status": _counts(
            status_key[status_raw.notna() & status.isna() & reject_status.isna() & ~carry]
        ),
        "team": _counts(team[unmapped]) if team is not None else {},
        "organisation": _counts(org[unmapped]) if org is not None else {},
        "priority": _counts(prio_raw[prio_unknown]) if prio_raw is not None else {},
        "support_level": _counts(text(c.support_level)[level_unknown]) if c.support_level else {},
    }
    window = log_window(tickets, events) if len(events) else None
    summary = ImportSummary(
        source=source,
        kind=kind,
        rows_read=n,
        rows_used=len(events),
        rows_collapsed=rows_collapsed,
        rows_rejected=int(rejected.sum()),
        rejected_by_reason=_counts(reason),
        cases_rejected=int(case[rejected].nunique()),
        built={"tickets": len(tickets), "ticket_events": len(ticket_events)},
        unmapped={k_: v for k_, v in unmapped_report.items() if v},
        counts={
            "dst_nonexistent_shifted": int(stamps.nonexistent.sum()),
            "dst_ambiguous_resolved": int(stamps.ambiguous.sum()),
            "rows_out_of_time_order": out_of_order,
            "file_newest_first": int(newest_first),
            "duplicate_rows": int(df.duplicated().sum()),
            "rows_before_first_assignment": before_first_assignment,
            "rows_mapped_to_unmapped_group_supplier": int(unmapped.sum())
            if mapping.unmapped_group_supplier
            else 0,
            **tickets.attrs.get("counts", {}),
        },
        window=(window[0].isoformat(), window[1].isoformat()) if window else None,
    )
    summary.check()
    if newest_first:
        summary.notes.append(
            "each case's rows are listed newest first: rows with the same time were put in "
            "bottom-to-top order"
        )
    tickets.attrs = {}
    return ImportResult(
        tables={"tickets": tickets, "ticket_events": ticket_events},
        rejects=rejects,
        summary=summary,
        window=window,
        meta={"mapping": mapping.name, "source_timezone": tz},
    )


def _source_dates(
    values: pd.Series, mapping: EventLogMapping, tz: str, rows: pd.Series, where: str, col: str
) -> pd.Series:
    """A source ``opened_at`` / ``resolved_at`` column in UTC; an unreadable value stops it."""
    fmt = mapping.timestamps.format
    parsed = parse_timestamps(values, fmt, tz, mapping.timestamps.ambiguous)
    check_source_dates(values, parsed.bad, fmt, rows=rows, where=where, column=col)
    return parsed.utc


def _reason_columns(mapping: EventLogMapping) -> dict[str, str]:
    """Reject reason -> the source column it is about (for the samples in messages)."""
    c = mapping.columns
    group = c.team or c.organisation
    out = {
        "missing case id": c.case_id,
        "case id starts with a spreadsheet formula character (= + - @)": c.case_id,
        "missing timestamp": c.timestamp,
        "bad timestamp": c.timestamp,
        "missing status": c.status,
        "unknown status": c.status,
        "unmapped group": group,
        "ticket never assigned to a group": group,
        "no priority": c.priority,
        "no service": c.service,
        ROW_PER_TICKET_REPEATED: c.case_id,
    }
    out.update({why: c.status for why in mapping.reject_statuses.values()})
    return {k: v for k, v in out.items() if v is not None}


def _build_tickets(events: pd.DataFrame, rows: pd.DataFrame, mapping: EventLogMapping):
    """One ticket per case from its events (time-ordered) and all its kept rows.

    - ``status``: of the last event;
    - ``supplier_id``: the supplier holding the ticket at its last resolution (the first
      event after its last open one; :mod:`siamlib.resolution`), failing that the last known
      (worked out with the case-level checks, as the default service);
    - ``opened_at``: the source's opened time if given, never after the first event;
    - ``first_response_at``: first event in one of the mapping's ``response_statuses``;
    - ``reopen_count``: events moving from resolved/closed/cancelled to an open status;
    - ``resolved_at``: when resolved or closed at the end, the first move to resolved after the
      last open event (the latest resolution cycle); failing that the source's resolved time
      (if not before the last open event), failing that ``closed_at``;
    - ``closed_at``: when closed or cancelled at the end, when the final run of that status
      began;
    - priority, service, category, CI, problem and change: last value given.
    """
    e = events
    code = e["code"]
    g = e.groupby("code", sort=True)
    last = g.tail(1).set_index("code")
    prev_status = e["status"].shift().where(code.eq(code.shift()))
    is_open = e["status"].isin(OPEN_STATUSES)
    reopen = is_open & prev_status.isin(DONE_STATUSES)
    last_open_seq = e["event_seq"].where(is_open).groupby(code).max().fillna(0)
    after_open = e["event_seq"] > code.map(last_open_seq)
    final = code.map(last["status"])
    enter_resolved = (e["status"] == "resolved") & prev_status.ne("resolved")
    resolved_ev = e["event_at"].where(enter_resolved & after_open).groupby(code).min()
    not_final = e["event_seq"].where(e["status"] != final).groupby(code).max()
    after_not_final = e["event_seq"] > code.map(not_final).fillna(0)
    closed_ev = e["event_at"].where((e["status"] == final) & after_not_final).groupby(code).min()
    last_open_at = e["event_at"].where(is_open).groupby(code).max()

    r = rows.groupby("code", sort=True)
    first_event = g["event_at"].min()
    opened_src = r["src_opened_at"].min()
    opened = pd.concat([first_event, opened_src], axis=1).min(axis=1)
    response = e["event_at"].where(e["status"].isin(mapping.response_statuses)).groupby(code).min()

    status = last["status"]
    done = status.isin(("resolved", "closed"))
    closed_at = closed_ev.where(status.isin(("closed", "cancelled")))
    resolved_at = resolved_ev.where(done)
    src_resolved = r["src_resolved_at"].max()
    usable_src = src_resolved.where(
        src_resolved.notna() & ~(src_resolved < last_open_at.reindex(src_resolved.index))
    )
    need = done & resolved_at.isna()
    from_src = need & usable_src.notna()
    resolved_at = resolved_at.mask(from_src, usable_src)
    if mapping.row_per_ticket:
        # A list export's one row is the ticket's last update, not its resolution or close:
        # the tool's own resolved / closed fields say when those happened.
        src_closed = r["src_closed_at"].max()
        from_src = done & src_resolved.notna()
        resolved_at = resolved_at.mask(from_src, src_resolved)
        closed_at = closed_at.mask(closed_at.notna() & src_closed.notna(), src_closed)
    from_close = done & resolved_at.isna()
    resolved_at = resolved_at.mask(from_close, closed_at)
    # A first response is never after the resolution (only a list export, whose one row may
    # postdate its resolution, or a resolution taken from the source column can put it after).
    response = response.mask(response > resolved_at, resolved_at)

    tickets = pd.DataFrame(
        {
            "ticket_id": last["case"],
            "ticket_type": mapping.ticket_type,
            "supplier_id": r["ticket_supplier"].last(),
            "service": r["ticket_service"].last(),
            "category": r["category"].last(),
            "ci": r["ci"].last(),
            "priority": r["ticket_priority"].last(),
            "opened_at": opened,
            "first_response_at": response,
            "resolved_at": resolved_at,
            "closed_at": closed_at,
            "status": status,
            "reopen_count": reopen.groupby(code).sum(),
            "problem_id": r["problem_id"].last(),
            "change_id": r["change_id"].last(),
            "satisfaction": np.nan,
        }
    )
    out = schema.coerce("tickets", tickets.reset_index(drop=True))
    out.attrs["counts"] = {
        "tickets_reopened": int((out["reopen_count"] > 0).sum()),
        "resolved_at_from_source_column": int(from_src.sum()),
        "resolved_at_from_close": int(from_close.sum()),
        "opened_at_after_first_event_clamped": int((opened_src > first_event).sum()),
    }
    return out


def import_eventlog(
    path: Path | str,
    mapping_path: Path | str,
    *,
    tz: str | None = None,
    params_root: Path | str | None = None,
) -> ImportResult:
    """Read an event-log file (CSV, .csv.gz or Excel) and import it with a mapping file.

    Examples
    --------
    >>> from siamlib import paths
    >>> fx = paths.ROOT / "tests/unit/fixtures/importers"
    >>> r = import_eventlog(fx / "bpi2013_volvo_small.csv",
    ...                     paths.PARAMS_DIR / "mappings/bpi2013_volvo_example.yaml")
    >>> r.summary.rows_read == r.summary.rows_used + r.summary.rows_collapsed \\
    ...     + r.summary.rows_rejected
    True
    """
    mapping = load_mapping(mapping_path)
    src = read_source(path, mapping.format)
    result = eventlog_to_model(
        src.frame,
        mapping,
        estate=load_estate(params_root),
        tz=tz,
        source=display_path(path),
        first_row=src.first_row,
    )
    _note_source(result, src, mapping.format.encoding)
    result.meta["mapping_file"] = display_path(mapping_path)
    return result


def _note_source(result: ImportResult, src: Source, expected: str) -> None:
    """Add what reading the file found to the summary: the encoding used, blank rows skipped."""
    _note_encoding(result, src.encoding, expected)
    # Blank rows carry no data: skipped (not rows read), counted so the numbers add up to
    # the rows a spreadsheet shows.
    result.summary.counts["blank_rows_skipped"] = src.blank_rows


def _note_encoding(result: ImportResult, used: str | None, expected: str) -> None:
    if used is not None and used != expected:
        result.summary.notes.append(
            f"the file is not valid {expected}; it was read as {used} (format.fallback_encoding)"
        )
    if used is not None:
        result.meta["encoding"] = used
