"""The data-quality runner: the rule catalogue run through Great Expectations.

:func:`run_rules` validates every table of a dataset against a list of
:class:`~siamlib.quality_rules.Rule` and returns a :class:`~siamlib.quality_policy.QualityResult`
(the tidy results table, per supplier where the rows carry one, and the quarantine list).
Great Expectations is imported lazily in :func:`_gx` (it takes seconds to import).
:mod:`siamlib.quality` re-exports :func:`run_rules` and serves :func:`siamlib.quality.validate`
on top of it.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from siamlib import quarantine as qr
from siamlib import schema
from siamlib.quality_cross import _event_ticket_rows, _flag, _positions
from siamlib.quality_policy import ALL, UNATTRIBUTED, QualityResult, results_frame
from siamlib.quality_rules import Rule, _as_utc
from siamlib.quality_units import (
    _event_units,
    _month_fields,
    _pct,
    _rows_per,
    _tickets_all,
    _tickets_per,
    _worst,
    window_fields,
    window_tickets,
)

N_EXAMPLES = 5
# Tables without which no figure can be computed: absent or empty, every rule on them fails
# (a run with no tickets must not score 99 and pass).
REQUIRED_TABLES = ("tickets", "ticket_events")


def _gx():
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under 1 GB (an md5 of a full-frame hash) for batch
    # metadata we never store; on our narrow per-column frames that is most of the run time.
    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        # In memory only, and no Data Docs site: our reports render results themselves.
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        # Progress bars would print into notebooks and logs.
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx, gx.get_context(mode="ephemeral", project_config=config)


def _exception_message(info) -> str:
    """The message of a GX ``exception_info`` (flat, or keyed by metric id in GX 1.x)."""
    if not info:
        return ""
    if isinstance(info, Mapping) and "raised_exception" in info:
        return str(info.get("exception_message") or "") if info.get("raised_exception") else ""
    if isinstance(info, Mapping):
        msgs = [_exception_message(v) for v in info.values()]
        return "; ".join(dict.fromkeys(m for m in msgs if m))
    return str(info)


def _examples(df: pd.DataFrame, table: str, positions: list[int], n: int) -> list[str]:
    """Up to ``n`` distinct readable ids of the rows at ``positions``, in order.

    Ids are the table key (``INC1``, or ``INC1#3`` for compound keys); a row whose key is
    missing is named by its 1-based position, ``(row 12)``.
    """
    if not positions:
        return []
    sub = df.iloc[positions]
    cols = [k for k in schema.TABLES[table].key if k in df.columns]
    rows = [f"(row {p + 1})" for p in positions]
    if not cols:
        return _unique_first(rows, n)
    missing = sub[cols].isna().any(axis=1).to_numpy()
    labels = sub[cols[0]].astype("str")
    for k in cols[1:]:
        labels = labels + "#" + sub[k].astype("str")
    return _unique_first(
        (r if m else lab for lab, r, m in zip(labels.tolist(), rows, missing, strict=True)), n
    )


def _unique_first(values: Iterable, n: int) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))[:n]


def _attribution(
    df: pd.DataFrame,
    suppliers: list[str],
    table: str = "",
    tickets: pd.DataFrame | None = None,
    positions: np.ndarray | None = None,
) -> pd.Series:
    """The supplier each row of ``df`` counts against (``UNATTRIBUTED`` when unknown).

    A ticket event counts against its ticket's supplier of record, not the supplier that
    logged it: quarantining an event takes its whole ticket out of that supplier's measures,
    so that supplier's report must show the finding (events of tickets not in ``tickets``
    fall back to the event's own supplier).

    >>> t = pd.DataFrame({"ticket_id": ["T1"], "supplier_id": ["hosting"]})
    >>> e = pd.DataFrame({"ticket_id": ["T1", "T9"], "supplier_id": ["service-desk"] * 2})
    >>> _attribution(e, ["hosting", "service-desk"], "ticket_events", t).tolist()
    ['hosting', 'service-desk']
    """
    if "supplier_id" not in df.columns:
        return pd.Series(UNATTRIBUTED, index=df.index, dtype="str")
    s = df["supplier_id"].astype("str")  # the event log's is a categorical (schema.COMPACT)
    if table == "ticket_events" and tickets is not None and not tickets.empty:
        # first row of each ticket id; the gate's rules already looked it up (same frames)
        pos = _positions(df["ticket_id"], tickets["ticket_id"]) if positions is None else positions
        owner = tickets["supplier_id"].astype("str").to_numpy()[pos]
        s = pd.Series(np.where(pos >= 0, owner, s.to_numpy()), index=df.index, dtype="str")
    return s.where(s.isin(suppliers), UNATTRIBUTED).astype("str")


def _needed_columns(rule: Rule) -> tuple[str, ...]:
    """Columns a table rule's expectation reads; ``()`` for table-structure rules."""
    if rule.expectation == "ExpectTableColumnsToMatchSet":
        return ()
    k = rule.kwargs
    if "column" in k:
        return (k["column"],)
    if "column_list" in k:
        return tuple(k["column_list"])
    if "column_A" in k:
        return (k["column_A"], k["column_B"])
    return tuple(schema.TABLES[rule.table].column_names)


def _gx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as handed to GX: nullable integers as float64.

    GX 1.x vectorises ``expect_column_values_to_be_between`` only for numpy int/float and
    datetime columns; a pandas nullable ``Int64`` column takes a per-value Python path (minutes
    on millions of rows). float64 holds every count and priority exactly and keeps NA as NaN.
    """
    ints = [
        c
        for c in df.columns
        if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype)
        and pd.api.types.is_integer_dtype(df[c].dtype)
    ]
    return df.astype(dict.fromkeys(ints, "float64")) if ints else df


@dataclass
class _Outcome:
    success: bool = False
    count: int = 0
    elements: int = 0
    index: list = field(default_factory=list)  # failing row positions: some (pass 1), all (2)
    examples: list = field(default_factory=list)  # for table-level expectations
    error: str = ""


def _read_result(res, rule: Rule) -> _Outcome:
    """Take what we need from a GX result, as plain Python values (never its JSON)."""
    err = _exception_message(getattr(res, "exception_info", None))
    if err:
        return _Outcome(error=f"{rule.expectation} raised: {err}")
    r = res.result or {}
    out = _Outcome(success=bool(res.success))
    if rule.expectation == "ExpectTableColumnsToMatchSet":
        missing = ((r.get("details") or {}).get("mismatched") or {}).get("missing") or []
        out.examples = [str(m) for m in missing]
        out.count = len(missing)
        out.elements = len(rule.kwargs["column_set"])
        return out
    out.count = int(r.get("unexpected_count") or 0)
    out.elements = int(r.get("element_count") or 0)
    idx = r.get("unexpected_index_list")
    if idx is None:
        idx = r.get("partial_unexpected_index_list") or []
    out.index = [int(i) for i in idx]
    if not out.success and out.count == 0:
        out.count = max(len(out.index), 1)
    return out


def _run_suite(gx, batch, rules: list[Rule], result_format: dict) -> dict[str, _Outcome]:
    """Validate ``rules`` on one batch; each rule gets an outcome, errors included.

    The rules run as one suite (GX shares metrics between them); if the suite call itself
    raises, each expectation is retried alone so one bad expectation cannot lose the others.
    """
    outcomes: dict[str, _Outcome] = {}
    expectations = {}
    for rule in rules:
        try:
            cls = getattr(gx.expectations, rule.expectation)
            expectations[rule.rule_id] = cls(
                **rule.kwargs,
                meta={"rule_id": rule.rule_id, "table": rule.table, "severity": rule.severity},
                description=rule.description,
            )
        except Exception as exc:  # noqa: BLE001 - any construction failure is reported per rule
            outcomes[rule.rule_id] = _Outcome(error=f"cannot build {rule.expectation}: {exc}")
    by_id = {r.rule_id: r for r in rules}
    raw = {}
    if expectations:
        suite = gx.ExpectationSuite(name=f"siam-{rules[0].table}-{len(rules)}")
        for e in expectations.values():
            suite.add_expectation(e)
        try:
            # GX raises deprecation and future warnings from inside its metrics on pandas 3;
            # they would repeat in every notebook and log without telling the reader anything.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                suite_result = batch.validate(suite, result_format=result_format)
            for res in suite_result.results:
                raw[(res.expectation_config.meta or {}).get("rule_id")] = res
        except Exception:  # noqa: BLE001 - fall back to one expectation at a time
            for rule_id, e in expectations.items():
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        raw[rule_id] = batch.validate(e, result_format=result_format)
                except Exception as exc:  # noqa: BLE001
                    outcomes[rule_id] = _Outcome(error=f"{by_id[rule_id].expectation}: {exc}")
    for rule_id in expectations:
        if rule_id in outcomes:
            continue
        if rule_id not in raw:
            outcomes[rule_id] = _Outcome(error="no result returned by Great Expectations")
            continue
        try:
            outcomes[rule_id] = _read_result(raw[rule_id], by_id[rule_id])
        except Exception as exc:  # noqa: BLE001 - e.g. a result GX could not build on pandas 3
            outcomes[rule_id] = _Outcome(error=f"unreadable result: {exc}")
    return outcomes


def run_rules(
    tables: Mapping[str, pd.DataFrame],
    rules: list[Rule],
    suppliers: Iterable[str],
    *,
    window: tuple | None = None,
    period: str | None = None,
    months: Mapping[str, Sequence[str]] | None = None,
    tz: str = "UTC",
    n_examples: int = N_EXAMPLES,
) -> QualityResult:
    """Run ``rules`` (:func:`~siamlib.quality_rules.build_rules`) on ``tables``: the engine behind
    :func:`siamlib.quality.validate`.

    Tables missing from ``tables`` are treated as empty. Each rule is guarded: a rule whose
    derived column cannot be computed, whose expectation cannot be built or raises, or whose
    result cannot be read becomes an error row (``passed=False``, severity kept, ``error`` set)
    and every other rule still reports.

    ``period`` (the reported month, ``YYYY-MM`` in time zone ``tz``) fills, for the per-supplier
    rows of quarantine rules, the month's rows (:func:`siamlib.quarantine.month_rows`), how many
    of them fail and their share: the counts :func:`siamlib.quality_policy.over_month` blocks
    on; for a ticket-event rule, in tickets (``month_unit``: a failing event takes its whole
    ticket out, :func:`_tickets_all`). ``None`` leaves them 0 (the window's limit only).
    ``months`` (result row's supplier, ``all`` or ``(unattributed)`` -> the months whose data
    its figures of ``period`` read, :func:`siamlib.completeness.scored_months`; absent:
    ``period`` alone) applies the same limit to each of them: a row's month columns hold the
    reported month's counts unless an earlier month is over the limit, then that month's
    (``month`` names it; the latest such). A ticket-event quarantine rule's window columns
    (``window_elements`` ...) count tickets the same way over the whole window
    (:func:`siamlib.quality_units.window_tickets`), with or without ``period``; other rules'
    are their element and unexpected counts.
    """
    t0 = time.perf_counter()
    gx, context = _gx()
    suppliers = list(suppliers)
    unknown = sorted({r.table for r in rules} - set(schema.TABLES))
    if unknown:
        raise ValueError(f"rules for tables outside the data model: {', '.join(unknown)}")
    frames = {
        name: (tables[name] if name in tables else schema.empty(name)).reset_index(drop=True)
        for name in schema.TABLES
    }
    # One asset and batch definition serve every frame: each new asset re-serialises the
    # context's configuration (tens of ms each).
    batch_def = (
        context.data_sources.add_pandas("siam")
        .add_dataframe_asset("frames")
        .add_batch_definition_whole_dataframe("whole")
    )
    fmt_summary = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": n_examples,
        "include_unexpected_rows": False,
        "return_unexpected_index_query": False,
    }
    fmt_detail = {**fmt_summary, "result_format": "COMPLETE"}
    fmt_pass = {**fmt_summary, "result_format": "BOOLEAN_ONLY"}
    outcomes: dict[str, _Outcome] = {}
    detail: dict[str, _Outcome] = {}
    also: dict[str, pd.Series] = {}  # rule id -> a second supplier per row (Rule.also_counts)
    for name in REQUIRED_TABLES:
        if frames[name].empty:
            why = "absent" if name not in tables else "empty"
            for r in rules:
                if r.table == name:
                    outcomes[r.rule_id] = _Outcome(
                        error=f"the {name} table is {why}: no figure can be computed without "
                        f"it; export {name} into the dataset"
                    )

    def run_frame(asset_name: str, data: pd.DataFrame, group: list[Rule]) -> None:
        try:
            batch = batch_def.get_batch(batch_parameters={"dataframe": data})
        except Exception as exc:  # noqa: BLE001
            for r in group:
                outcomes[r.rule_id] = _Outcome(error=f"cannot load {asset_name} into GX: {exc}")
            return
        # First pass: pass or fail only. Most rules pass, and GX then skips the metrics the
        # counts and examples need (about a quarter of the gate's time on a small estate). A
        # passing rule without `mostly` has no failing row and its rows are the frame's; a
        # rule with `mostly` may pass with failing rows, so it is counted like a failure.
        outcomes.update(_run_suite(gx, batch, group, fmt_pass))
        failed = []
        for r in group:
            o = outcomes[r.rule_id]
            if o.error:
                continue
            if not o.success or "mostly" in r.kwargs:
                failed.append(r)
            elif r.expectation != "ExpectTableColumnsToMatchSet":
                o.count, o.elements = 0, len(data)
        # Second pass, those rules only: counts and the first examples; for per-supplier
        # rules the full list of failing rows, to split counts and examples by supplier.
        summary = [r for r in failed if not r.per_supplier]
        if summary:
            outcomes.update(_run_suite(gx, batch, summary, fmt_summary))
        full = [r for r in failed if r.per_supplier]
        if full:
            detail.update(_run_suite(gx, batch, full, fmt_detail))
            for r in full:
                d = detail[r.rule_id]
                # The estate row's examples: the first failing rows, as the summary gives them.
                outcomes[r.rule_id] = d if d.error else replace(d, index=d.index[:n_examples])

    for name in dict.fromkeys(r.table for r in rules if r.frame == "table"):
        df = frames[name]
        group = []
        derived = {}
        for r in rules:
            if r.table != name or r.frame != "table" or r.rule_id in outcomes:
                continue
            if r.derive is not None:
                try:
                    s = r.derive(frames)
                    if len(s) != len(df):
                        raise ValueError(f"derived column has {len(s)} rows, table {len(df)}")
                    derived[r.derived_column] = s.reset_index(drop=True).astype("boolean")
                    if r.also_counts is not None and r.per_supplier:
                        also[r.rule_id] = r.also_counts(frames).reset_index(drop=True)
                except Exception as exc:  # noqa: BLE001 - reported as this rule's error row
                    outcomes[r.rule_id] = _Outcome(error=f"cannot compute the check: {exc!r}")
                    continue
            group.append(r)
        if not group:
            continue
        work = _gx_frame(df.assign(**derived) if derived else df)
        # One GX batch per column: GX copies the whole batch frame for every expectation
        # (its null filter), so narrow frames save most of the time on wide, long tables.
        by_columns: dict[tuple, list[Rule]] = {}
        for r in group:
            by_columns.setdefault(_needed_columns(r), []).append(r)
        for cols, rs in by_columns.items():
            # Structure rules need the table's columns only: give them no rows.
            data = work[[c for c in cols if c in work.columns]] if cols else df.iloc[:0]
            run_frame(f"{name}:{'+'.join(cols) or 'columns'}", data, rs)

    # Timestamp types of every table checked on one small frame: one row per timestamp column.
    dtype_rules = [r for r in rules if r.frame == "dtypes" and r.rule_id not in outcomes]
    if dtype_rules:
        rows = [
            (
                name,
                c.name,
                str(frames[name][c.name].dtype) if c.name in frames[name] else "(missing)",
            )
            for name in dict.fromkeys(r.table for r in dtype_rules)
            for c in schema.TABLES[name].columns
            if c.type == "timestamp"
        ]
        dtypes = pd.DataFrame(rows, columns=["table", "column", "dtype"])
        for r in dtype_rules:
            dtypes[f"__{r.rule_id}"] = _flag(
                dtypes["dtype"] == schema.TIMESTAMP_DTYPE, dtypes["table"] == r.table
            )
        run_frame("timestamp-dtypes", dtypes, dtype_rules)
        for r in dtype_rules:
            o = outcomes[r.rule_id]
            if not o.error:
                o.examples = [f"{dtypes['column'][i]} ({dtypes['dtype'][i]})" for i in o.index]
                o.elements = int((dtypes["table"] == r.table).sum())
                o.index = []
    records = []
    quarantined = []
    attribution: dict[str, pd.Series] = {}
    in_month: dict[tuple[str, str], np.ndarray] = {}  # (table, month) -> its rows of the month
    known_events: list[np.ndarray] = []

    def month_of(table: str, month: str) -> np.ndarray:
        if (table, month) not in in_month:
            known = None
            if table == "ticket_events":
                if not known_events:
                    known_events.append(_event_ticket_rows(frames))
                known = known_events[0]
            in_month[table, month] = qr.month_rows(frames, table, month, tz, ticket_rows=known)
        return in_month[table, month]

    units: list[np.ndarray] = []  # each event's ticket (_event_units), each ticket's supplier
    win: dict = {}  # each supplier's tickets of the window (window_tickets)

    def event_units() -> list[np.ndarray]:
        if not units:
            tk, tpos = frames["tickets"], _event_ticket_rows(frames)  # cached for these frames
            units.append(_event_units(frames["ticket_events"]["ticket_id"], tpos, len(tk)))
            units.append(_attribution(tk, suppliers).to_numpy())
        return units

    def months_of(who: str) -> list[str]:
        return list((months or {}).get(who) or [period])

    wanted = sorted({m for w in [ALL, *suppliers, UNATTRIBUTED] for m in months_of(w)})

    for rule in rules:
        o = outcomes.get(rule.rule_id) or _Outcome(error="not run")
        base = {
            "rule_id": rule.rule_id,
            "table": rule.table,
            "column": rule.column,
            "severity": rule.severity,
            "description": rule.description,
        }
        d = detail.get(rule.rule_id)
        if d is not None and d.error:
            o = _Outcome(error=f"per-supplier breakdown failed: {d.error}")
        if o.error:
            records.append({**base, "passed": False, "error": o.error})
            continue
        if not rule.per_supplier:
            records.append(
                {
                    **base,
                    "passed": o.success,
                    "element_count": o.elements,
                    "unexpected_count": o.count,
                    "unexpected_pct": _pct(o.count, o.elements),
                    "examples": o.examples,
                }
            )
            continue
        df = frames[rule.table]
        if rule.table not in attribution:
            known = _event_ticket_rows(frames) if rule.table == "ticket_events" else None
            attribution[rule.table] = _attribution(
                df, suppliers, rule.table, frames["tickets"], positions=known
            )
        attr = attribution[rule.table]
        bad_pos = np.unique(np.asarray(d.index if d is not None else [], dtype=np.int64))
        # The rows of the reported month and of each month its figures read: for quarantine
        # rules (the limit), when a month is given.
        checked = bool(period) and rule.severity == "quarantine"
        inm = {m: month_of(rule.table, m) for m in wanted} if checked else {}
        # A failing ticket event takes its whole ticket out (quarantine.quarantine): the month
        # limit counts tickets, the share of the month's tickets the rule removes (in events,
        # one bad event of a ticket with ten weighed a tenth of what it takes out).
        # The window's limit likewise counts the tickets taken out (window_tickets), with or
        # without a month.
        in_tickets = rule.table == "ticket_events" and rule.severity == "quarantine"
        by_ticket = in_tickets and bool(inm)
        if in_tickets:
            unit, owner = event_units()
            tk_in = {m: month_of("tickets", m) for m in inm}
        in_all = {
            m: _tickets_all(unit, len(owner), tk_in[m], x, bad_pos)
            if by_ticket
            else (int(x.sum()), int(x[bad_pos].sum()))
            for m, x in inm.items()
        }
        unit_of = "tickets" if by_ticket else rule.table
        estate_row = {
            **base,
            "scope": "supplier",
            "passed": o.success,
            "element_count": len(df),
            "unexpected_count": o.count,
            "unexpected_pct": _pct(o.count, len(df)),
            "examples": _examples(df, rule.table, o.index, n_examples),
            **_month_fields(period, _worst(period, months_of(ALL), in_all), unit_of),
        }
        records.append(estate_row)
        counts, examples = pd.Series(dtype="int64"), {}
        second = also.get(rule.rule_id)
        # Rows also counted against a second supplier (Rule.also_counts, <NA> where it is the
        # row's own): that supplier sees the failures, as a share of those rows.
        rows_per = _rows_per(attr, second)
        failing = pd.DataFrame({"who": pd.Series([], dtype="str"), "pos": bad_pos[:0]})
        if d is not None and d.index and rule.severity == "quarantine":
            quarantined.append(_quarantine_rows(df, rule, np.asarray(d.index), attr))
        if d is not None and d.index:
            failing = pd.DataFrame({"who": attr.to_numpy()[np.asarray(d.index, dtype=np.int64)]})
            failing["pos"] = np.asarray(d.index, dtype=np.int64)
            if second is not None:
                who2 = second.iloc[failing["pos"]].astype("object").to_numpy()
                own = pd.Series(who2).isin(suppliers).to_numpy() & (
                    who2 != failing["who"].to_numpy()
                )
                extra = pd.DataFrame({"who": who2[own], "pos": failing["pos"].to_numpy()[own]})
                failing = pd.concat([failing, extra.astype({"who": "str"})], ignore_index=True)
            counts = failing["who"].value_counts()
            # A few more candidates than needed: duplicate keys collapse to one example.
            firsts = failing.groupby("who", sort=False).head(4 * n_examples)
            for who, pos in firsts.groupby("who", sort=False)["pos"]:
                examples[who] = _examples(df, rule.table, pos.tolist(), n_examples)
        per_month = {}  # month -> (rows per supplier, failing rows per supplier)
        for m, x in inm.items():
            if by_ticket:
                per_month[m] = _tickets_per(unit, owner, tk_in[m], x, attr, second, failing)
                continue
            per_month[m] = (
                _rows_per(attr[x], None if second is None else second[x]),
                failing.loc[x[failing["pos"].to_numpy()], "who"].value_counts(),
            )
        in_window = {}  # supplier -> the window columns, in tickets (ticket-event rules)
        if in_tickets:
            whole, win_rows, win_bad = window_tickets(unit, owner, attr, second, failing, win)
            estate_row.update(window_fields(*whole, "tickets"))
            for who in {*win_rows.index, *win_bad.index}:
                in_window[who] = window_fields(win_rows.get(who, 0), win_bad.get(who, 0), "tickets")
        who_list = list(suppliers) + ([UNATTRIBUTED] if UNATTRIBUTED in counts.index else [])
        for who in who_list:
            bad = int(counts.get(who, 0))
            total = int(rows_per.get(who, 0))
            records.append(
                {
                    **base,
                    "supplier_id": who,
                    "scope": "supplier",
                    "passed": bad == 0,
                    "element_count": total,
                    "unexpected_count": bad,
                    "unexpected_pct": _pct(bad, total),
                    "examples": examples.get(who, []),
                    **_month_fields(
                        period, _worst(period, months_of(who), per_month, who), unit_of
                    ),
                    **in_window.get(who, window_fields(0, 0, "tickets") if in_tickets else {}),
                }
            )
    try:
        from great_expectations import __version__ as gx_version
    except ImportError:  # pragma: no cover - GX is a declared dependency
        gx_version = ""
    return QualityResult(
        results=results_frame(records),
        window=None if window is None else tuple(_as_utc(w).isoformat() for w in window),
        suppliers=suppliers,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 3),
        gx_version=gx_version,
        quarantined=qr.quarantined_frame(
            pd.concat(quarantined, ignore_index=True) if quarantined else ()
        ),
        period=period or "",
    )


def _quarantine_rows(df: pd.DataFrame, rule: Rule, pos: np.ndarray, attr: pd.Series):
    """The quarantine list entries of one failed quarantine rule: every failing row."""
    pos = np.unique(pos.astype(np.int64))
    tid = (
        df["ticket_id"].iloc[pos].astype("str").where(df["ticket_id"].iloc[pos].notna(), "")
        if rule.table in ("tickets", "ticket_events") and "ticket_id" in df.columns
        else pd.Series("", index=df.index[pos])
    )
    return pd.DataFrame(
        {
            "table": rule.table,
            "row_key": qr.row_labels(df, rule.table, pos),
            "ticket_id": tid.to_numpy(),
            "supplier_id": attr.to_numpy()[pos],
            "rule_id": rule.rule_id,
            "reason": f"{rule.table}.{rule.column}: {rule.description}",
        }
    )
