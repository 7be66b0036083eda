"""Quarantine: rows failing a ``quarantine`` data-quality rule are taken out of every measure.

The data-quality gate (:mod:`siamlib.quality`) lists, for every failed rule of severity
``quarantine``, each failing row (table, row key, rule, reason) in
``QualityResult.quarantined``. :func:`quarantine` applies that list once, where computation
starts (:func:`siamlib.workbook.compute_period`, right after validation), and adds the rows
that depend on a quarantined row:

- a quarantined ticket takes its ticket events with it (the clocks and the integrator measures
  read them);
- a quarantined ticket event quarantines its whole ticket, and so every event of that ticket:
  half a status history would give a wrong clock.

Too many bad rows is not a quarantine but a block: a supplier with at least
:data:`BLOCK_MIN_ROWS` rows *and* more than :data:`BLOCK_PCT` percent of a table's rows failing
one quarantine rule is blocked (see :func:`over_limit`), as the data is then not trustworthy.
For a ticket-event rule both counts are in tickets (:mod:`siamlib.quality_units`): a failing
event takes its whole ticket out, so 156 of a tower's 2,459 tickets with one bad event each
are 6.3 % of what it loses, though only 0.5 % of its events.

The same limit is applied a second time to the reported month alone (:func:`over_month_limit`),
since the window's 13 months can hide a month whose figures the quarantine empties: 9 of a
tower's 12 October P2 tickets failing one rule are 0.3 % of its 13 months of tickets, yet they
may be every breach of its October P2 level, and taking them out would turn the level green
and drop its service credit. So a supplier is also blocked when at least
:data:`MONTH_BLOCK_MIN_ROWS` of its rows *of the month* and more than :data:`BLOCK_PCT` percent
of them fail one quarantine rule. A row belongs to the month when its life overlaps it
(:func:`month_rows`): the rows any measure of the month can read. A ticket-event rule's month
is counted in tickets (:func:`siamlib.quality_units._tickets_all`): a failing event takes its
whole ticket out, so the limit weighs the month's tickets with a failing event against the
month's tickets (180 of 1,800 tickets are 10 %, though their 360 events are 2 % of 18,000).

Why 5 rows: a month holds about a thirteenth of the window's rows, so the window's 10 would let
9 of 12 tickets through; below 5, failures are isolated keying errors the report lists by id,
and blocking on one or two rows of a quiet month (one row is more than 5 % of any month under
20 rows) would stop reports for noise. The share is the window's 5 %, of the month's rows.

Limits: up to 4 rows of a month can still be quarantined, and on a level with a very small
sample 4 rows can move its figure (the gate does not know the levels; the rows are listed by
id). The limit is applied to every month whose data the reported month's figures read (its
earn-back's and rolling small-sample windows, :func:`siamlib.completeness.scored_months`),
not to the reported month alone; a concentration in another month of the window is caught by
the window's limit only (``docs/data-quality.md``, *The month limit*).

Examples
--------
>>> import pandas as pd
>>> tickets = pd.DataFrame({"ticket_id": ["INC1", "INC2"], "supplier_id": ["x", "x"]})
>>> events = pd.DataFrame({"ticket_id": ["INC1", "INC2", "INC2"], "event_seq": [1, 1, 2]})
>>> listed = quarantined_frame([{"table": "tickets", "row_key": "INC2", "ticket_id": "INC2",
...     "supplier_id": "x", "rule_id": "TKT-017", "reason": "satisfaction out of 1-5"}])
>>> clean, q = quarantine({"tickets": tickets, "ticket_events": events}, listed)
>>> clean["tickets"]["ticket_id"].tolist(), clean["ticket_events"]["ticket_id"].tolist()
(['INC1'], ['INC1'])
>>> q[["table", "row_key", "rule_id"]].values.tolist()
[['tickets', 'INC2', 'TKT-017'], ['ticket_events', 'INC2#1', 'TKT-017'], \
['ticket_events', 'INC2#2', 'TKT-017']]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from siamlib import periods, schema

QUARANTINE_COLUMNS = ["table", "row_key", "ticket_id", "supplier_id", "rule_id", "reason"]
# A supplier with this many rows failing one quarantine rule, and more than BLOCK_PCT percent of
# its rows of that table, is blocked rather than quarantined: a few bad rows are removed cleanly,
# a large share says the supplier's extract itself is broken.
BLOCK_MIN_ROWS = 10
BLOCK_PCT = 5.0
# The reported month's minimum (its share is BLOCK_PCT of the supplier's rows of the month):
# lower than the window's, as a month holds about a thirteenth of its rows (see "Why 5 rows").
MONTH_BLOCK_MIN_ROWS = 5
# Rows still open while every one of these columns is missing: they last to the data's end, so
# they belong to every month from their first timestamp (a ticket, problem or outage in
# progress is read by the backlog, aged-ticket and availability measures of each month).
OPEN_WHILE_MISSING = {
    "tickets": ("resolved_at", "closed_at"),
    "problems": ("closed_at",),
    "outages": ("end_at",),
}


def quarantined_frame(records: Iterable[Mapping] | pd.DataFrame = ()) -> pd.DataFrame:
    """The quarantine list with every column of :data:`QUARANTINE_COLUMNS`, as strings.

    ``records`` are mappings, or a frame (its other columns are dropped).

    >>> quarantined_frame().columns.tolist() == QUARANTINE_COLUMNS
    True
    """
    if isinstance(records, pd.DataFrame):
        df = records.reindex(columns=QUARANTINE_COLUMNS)
    else:
        df = pd.DataFrame(list(records), columns=QUARANTINE_COLUMNS)
    df = df.astype(object).where(df.notna(), "")
    return df.astype({c: "str" for c in QUARANTINE_COLUMNS}).reset_index(drop=True)


def over_limit(
    unexpected_count: pd.Series, unexpected_pct: pd.Series, min_rows: int = BLOCK_MIN_ROWS
) -> pd.Series:
    """True where a quarantine rule's failing rows are too many to quarantine (block instead).

    At least ``min_rows`` rows and more than :data:`BLOCK_PCT` percent of them.

    >>> over_limit(pd.Series([1, 10, 10]), pd.Series([50.0, 5.0, 5.1])).tolist()
    [False, False, True]
    """
    return (unexpected_count >= min_rows) & (unexpected_pct > BLOCK_PCT)


def over_month_limit(month_count: pd.Series, month_pct: pd.Series) -> pd.Series:
    """:func:`over_limit` on the reported month's rows: at least :data:`MONTH_BLOCK_MIN_ROWS`.

    ``month_count`` failing rows of the month, ``month_pct`` their share (per cent) of the
    supplier's rows of the month. 9 of 12 (75 %) blocks; 4 of 12 does not (under 5 rows);
    5 of 200 (2.5 %) does not (not more than 5 %).

    >>> over_month_limit(pd.Series([9, 4, 5]), pd.Series([75.0, 33.3, 2.5])).tolist()
    [True, False, False]
    """
    return over_limit(month_count, month_pct, MONTH_BLOCK_MIN_ROWS)


def _us(s: pd.Series) -> np.ndarray:
    """Timestamps as float microseconds since the epoch (missing: NaN; exact below 2**53)."""
    t = pd.to_datetime(s, utc=True)
    out = t.array.as_unit("us").asi8.astype("float64")
    out[t.isna().to_numpy()] = np.nan
    return out


def month_rows(
    tables: Mapping[str, pd.DataFrame],
    table: str,
    period: str,
    tz: str = "UTC",
    ticket_rows: np.ndarray | None = None,
) -> np.ndarray:
    """Which rows of ``tables[table]`` belong to ``period`` (the month limit's rows).

    A row belongs to the month when its life overlaps the month (its bounds in the estate's
    time zone, :func:`siamlib.periods.period_bounds`, as every measure counts months): from its
    earliest timestamp to its latest, or to the data's end while it is still open
    (:data:`OPEN_WHILE_MISSING`). That is every row a measure of the month can read, whichever
    date it counts a row by (a ticket resolved, opened or still open in the month, a change
    ending in it, an outage overlapping it), and it holds for a row whose dates are out of
    order, which is often why it fails. A survey belongs to its ``period``. A ticket event
    belongs to the month of its ticket (a failing event takes its whole ticket out), found
    through ``ticket_rows`` (each event's row in ``tickets``, -1 when absent; computed when
    not given); an event of no known ticket, by its own ``event_at``.

    >>> tickets = pd.DataFrame({
    ...     "opened_at": pd.to_datetime(["2026-09-20", "2026-10-05", "2026-08-01",
    ...                                  "2026-11-02"], utc=True),
    ...     "resolved_at": pd.to_datetime(["2026-10-02", None, "2026-08-03", None], utc=True),
    ...     "closed_at": pd.to_datetime([None] * 4, utc=True)})
    >>> month_rows({"tickets": tickets}, "tickets", "2026-10").tolist()
    [True, True, False, False]
    """
    df = tables.get(table)
    if df is None or df.empty:
        return np.zeros(0 if df is None else len(df), dtype=bool)
    if table == "surveys":
        return (df["period"].astype("str") == period).to_numpy(dtype=bool)
    start, end = (t.value / 1000 for t in periods.period_bounds(period, tz))
    cols = [c.name for c in schema.TABLES[table].columns if c.type == "timestamp"]
    cols = [c for c in cols if c in df.columns]
    if not cols:  # no dates to place it by (a structure rule fails): every row counts
        return np.ones(len(df), dtype=bool)
    stamps = np.column_stack([_us(df[c]) for c in cols])
    with np.errstate(invalid="ignore"):
        first = np.fmin.reduce(stamps, axis=1)
        last = np.fmax.reduce(stamps, axis=1)
    still = [c for c in OPEN_WHILE_MISSING.get(table, ()) if c in df.columns]
    open_ = df[still].isna().all(axis=1).to_numpy() if still else np.zeros(len(df), bool)
    inside = (first < end) & (open_ | (last >= start))
    if table != "ticket_events" or "tickets" not in tables:
        return inside
    if ticket_rows is None:
        from siamlib.quality_cross import _positions

        ticket_rows = _positions(df["ticket_id"], tables["tickets"]["ticket_id"])
    own = month_rows(tables, "tickets", period, tz)
    pos = np.asarray(ticket_rows, dtype=np.int64)
    return np.where(pos >= 0, own[np.clip(pos, 0, None)] if len(own) else False, inside)


def row_labels(df: pd.DataFrame, table: str, positions: np.ndarray) -> list[str]:
    """Readable row keys (``INC1``, ``INC1#3`` for compound keys, ``(row 12)`` if keyless).

    >>> df = pd.DataFrame({"ticket_id": ["INC1", None], "event_seq": [3, 1]})
    >>> row_labels(df, "ticket_events", np.array([0, 1]))
    ['INC1#3', '(row 2)']
    """
    positions = np.asarray(positions, dtype=np.int64)
    cols = [k for k in schema.TABLES[table].key if k in df.columns]
    rows = [f"(row {p + 1})" for p in positions]
    if not cols or not len(positions):
        return rows
    sub = df.iloc[positions]
    missing = sub[cols].isna().any(axis=1).to_numpy()
    labels = sub[cols[0]].astype("str")
    for k in cols[1:]:
        labels = labels + "#" + sub[k].astype("str")
    return [r if m else lab for lab, r, m in zip(labels.tolist(), rows, missing, strict=True)]


def _keep(df: pd.DataFrame, table: str, keys: set[str]) -> pd.Series:
    """Rows of ``df`` whose key label is not in ``keys``.

    >>> df = pd.DataFrame({"problem_id": ["P1", None, "P3"]})
    >>> _keep(df, "problems", {"P3", "(row 2)"}).tolist()
    [True, False, False]
    """
    if not keys or df.empty:
        return pd.Series(True, index=df.index)
    labels = pd.Series(row_labels(df, table, np.arange(len(df))), index=df.index)
    return ~labels.isin(keys)


def _keyless(df: pd.DataFrame, keys: Iterable[str]) -> pd.Series:
    """Rows named by position (``(row N)``: their key is missing) among ``keys``."""
    pos = [int(k[5:-1]) - 1 for k in keys if k.startswith("(row ") and k.endswith(")")]
    hit = np.zeros(len(df), dtype=bool)
    pos = [p for p in pos if 0 <= p < len(df)]
    hit[pos] = True
    return pd.Series(hit, index=df.index)


def quarantine(
    tables: Mapping[str, pd.DataFrame], quality_result
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Take the quarantined rows, and the rows depending on them, out of the tables.

    Parameters
    ----------
    tables
        The validated tables (table name -> frame), as given to ``quality.validate``.
    quality_result
        A ``siamlib.quality.QualityResult`` (its ``quarantined`` list is used), the quarantine
        list itself, or ``None`` (nothing is quarantined: the run was not validated).

    Returns
    -------
    clean_tables : dict
        The same tables without the quarantined rows (frames not touched are the originals).
    quarantined : DataFrame
        Columns :data:`QUARANTINE_COLUMNS`: every row taken out, with the rule and the reason;
        dependent rows carry the rule of the row they depend on.
    """
    if quality_result is None:
        listed = quarantined_frame()
    elif isinstance(quality_result, pd.DataFrame):
        listed = quality_result
    else:
        listed = getattr(quality_result, "quarantined", None)
        listed = quarantined_frame() if listed is None else listed
    clean = dict(tables)
    if listed.empty:
        return clean, quarantined_frame()
    out = [listed]
    # Tickets to take out: those failing a ticket rule and those whose event failed one.
    by_ticket = listed[listed["table"].isin(["tickets", "ticket_events"])]
    by_ticket = by_ticket[by_ticket["ticket_id"] != ""].drop_duplicates("ticket_id")
    tids = pd.Series(by_ticket["ticket_id"].to_numpy(), dtype=object)
    first = by_ticket.set_index("ticket_id")
    if "tickets" in clean and (len(tids) or listed["table"].eq("tickets").any()):
        tk = clean["tickets"]
        own = listed.loc[listed["table"] == "tickets", "row_key"]
        hit = schema.isin(tk["ticket_id"], tids)
        extra = tk.loc[hit & ~tk["ticket_id"].isin(own), ["ticket_id", "supplier_id"]]
        if len(extra):
            src = first.loc[extra["ticket_id"]]
            out.append(_dependents("tickets", extra["ticket_id"], extra, src))
        clean["tickets"] = tk.loc[~(hit | _keyless(tk, own))]
    if "ticket_events" in clean and (len(tids) or listed["table"].eq("ticket_events").any()):
        ev = clean["ticket_events"]
        hit = schema.isin(ev["ticket_id"], tids)
        own = set(listed.loc[listed["table"] == "ticket_events", "row_key"])
        dep = ev.loc[hit]
        keys = pd.Series(row_labels(ev, "ticket_events", np.flatnonzero(hit)), index=dep.index)
        dep, keys = dep.loc[~keys.isin(own)], keys[~keys.isin(own)]
        if len(dep):
            src = first.loc[dep["ticket_id"]]
            out.append(_dependents("ticket_events", keys, dep, src))
        keyless = _keyless(ev, listed.loc[listed["table"] == "ticket_events", "row_key"])
        clean["ticket_events"] = ev.loc[~(hit | keyless)]
    for name in set(listed["table"]) - {"tickets", "ticket_events"}:
        if name in clean:
            keys = set(listed.loc[listed["table"] == name, "row_key"])
            clean[name] = clean[name].loc[_keep(clean[name], name, keys)]
    return clean, quarantined_frame(pd.concat(out, ignore_index=True))


def _dependents(table: str, keys, rows: pd.DataFrame, src: pd.DataFrame) -> pd.DataFrame:
    """List rows taken out because their ticket is quarantined, with the ticket's rule."""
    tid = rows["ticket_id"].astype("str").to_numpy()
    return pd.DataFrame(
        {
            "table": table,
            "row_key": np.asarray(keys, dtype=object),
            "ticket_id": tid,
            "supplier_id": src["supplier_id"].to_numpy(),
            "rule_id": src["rule_id"].to_numpy(),
            "reason": [f"belongs to quarantined ticket {t}" for t in tid],
        }
    )


def counts_by_rule(quarantined: pd.DataFrame) -> pd.DataFrame:
    """Rows quarantined per rule and table (dependent rows included).

    >>> q = quarantined_frame([{"table": "tickets", "rule_id": "TKT-017"},
    ...                        {"table": "ticket_events", "rule_id": "TKT-017"}])
    >>> counts_by_rule(q).values.tolist()
    [['TKT-017', 'ticket_events', 1], ['TKT-017', 'tickets', 1]]
    """
    if quarantined is None or quarantined.empty:
        return pd.DataFrame({"rule_id": [], "table": [], "rows": []})
    return quarantined.groupby(["rule_id", "table"], sort=True).size().rename("rows").reset_index()
