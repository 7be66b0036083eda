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

from siamlib import schema

QUARANTINE_COLUMNS = ["table", "row_key", "ticket_id", "supplier_id", "rule_id", "reason"]
# A supplier with this many rows failing one quarantine rule, and more than BLOCK_PCT percent of
# its rows of that table, is blocked rather than quarantined: a few bad rows are removed cleanly,
# a large share says the supplier's extract itself is broken.
BLOCK_MIN_ROWS = 10
BLOCK_PCT = 5.0


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


def over_limit(unexpected_count: pd.Series, unexpected_pct: pd.Series) -> pd.Series:
    """True where a quarantine rule's failing rows are too many to quarantine (block instead).

    >>> over_limit(pd.Series([1, 10, 10]), pd.Series([50.0, 5.0, 5.1])).tolist()
    [False, False, True]
    """
    return (unexpected_count >= BLOCK_MIN_ROWS) & (unexpected_pct > BLOCK_PCT)


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
