"""Ticket-event helpers shared by the integrator measures (private to :mod:`siamlib.measures`).

Events are read per ticket in event order (``ticket_id``, then ``event_seq``, then
``event_at``): checking and restoring that order, coding ticket ids as small integers, cutting
the log to the tickets resolved in a period (once for all periods), collapsing a column to its
runs (``a, a, b`` is ``a, b``; missing values skipped), and adding the estate-wide ``ALL`` row
to a per-supplier summary.

>>> ev = _example_events({"T1": ["a", "a", None, "b"]})
>>> _collapse(ev, "supplier_id")["supplier_id"].tolist()
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib.common import ALL
from siamlib.periods import period_bounds
from siamlib.schema import coerce
from siamlib.schema import isin as schema_isin


def _example_events(sequences: Mapping[str, Sequence[str | None]], **columns) -> pd.DataFrame:
    """Events for doctests: one hourly event per supplier, the last one ``resolved``."""
    rows = [
        {
            "ticket_id": tid,
            "event_seq": i + 1,
            "event_at": pd.Timestamp("2026-03-02 09:00Z") + pd.Timedelta(hours=i),
            "status": "resolved" if i == len(seq) - 1 else "assigned",
            "assignment_group": None if sup is None else f"{sup}-group",
            "supplier_id": sup,
            "support_level": None,
        }
        for tid, seq in sequences.items()
        for i, sup in enumerate(seq)
    ]
    df = pd.DataFrame(rows)
    for name, values in columns.items():
        df[name] = values
    return coerce("ticket_events", df)


_EVENT_ORDER = ["ticket_id", "event_seq", "event_at"]


def _in_event_order(events: pd.DataFrame) -> bool:
    """Whether ``events`` are already sorted by ticket, ``event_seq``, ``event_at``.

    One pass over adjacent rows; missing keys answer False (sorting puts them last).

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b"], "T2": ["c"]})
    >>> _in_event_order(ev), _in_event_order(ev.iloc[::-1])
    (True, False)
    """
    keys = [events[c] for c in _EVENT_ORDER]
    if len(events) < 2:
        return True
    if any(k.hasnans for k in keys):
        return False
    ordered = np.ones(len(events) - 1, dtype=bool)
    tied = np.ones(len(events) - 1, dtype=bool)
    for k in keys:  # lexicographic: a later key decides only where the earlier ones tie
        a, b = k.iloc[:-1].reset_index(drop=True), k.iloc[1:].reset_index(drop=True)
        ordered &= ~tied | (b >= a).to_numpy(dtype=bool)
        tied &= (b == a).to_numpy(dtype=bool)
    return bool(ordered.all())


def _sorted(events: pd.DataFrame) -> pd.DataFrame:
    # Sorting first makes every measure independent of the input row order; checking first
    # lets measure_values sort the whole log once and hand each measure a sorted slice.
    if _in_event_order(events):
        return events.reset_index(drop=True)
    return events.sort_values(_EVENT_ORDER, kind="stable").reset_index(drop=True)


def _isin(s: pd.Series, values) -> pd.Series:
    """:func:`siamlib.schema.isin` as a boolean Series on ``s``'s index."""
    return pd.Series(schema_isin(s, values), index=s.index)


def _coded_ids(tickets: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``tickets`` and ``events`` with ``ticket_id`` replaced by the same integer code.

    Measures that only count (as :func:`siamlib.measures.integrator.measure_values` emits)
    group, sort and filter by ticket many times per period; integers do that an order of
    magnitude faster than strings. Missing ids stay missing.

    Examples
    --------
    >>> t, e = _coded_ids(pd.DataFrame({"ticket_id": ["B", "A"]}),
    ...                   pd.DataFrame({"ticket_id": ["A", "C", None]}))
    >>> t["ticket_id"].tolist(), e["ticket_id"].tolist()
    ([0, 1], [1, 2, <NA>])
    """
    both = pd.concat([tickets["ticket_id"], events["ticket_id"]], ignore_index=True)
    codes = pd.Series(pd.factorize(both)[0]).astype("Int64")
    codes = codes.mask(codes < 0)
    if not codes.hasnans:
        codes = codes.astype("int64")
    n = len(tickets)
    tickets = tickets.assign(ticket_id=codes.iloc[:n].array)
    events = events.assign(ticket_id=codes.iloc[n:].array)
    return tickets, events


def _resolved_ids(tickets: pd.DataFrame, period: str, tz: str) -> pd.Index:
    start, end = period_bounds(period, tz)
    r = tickets["resolved_at"]
    return pd.Index(tickets.loc[(r >= start) & (r < end), "ticket_id"].unique())


def _restrict(
    events: pd.DataFrame, period: str | None, tickets: pd.DataFrame | None, tz: str
) -> pd.DataFrame:
    """Events of the tickets resolved in ``period`` (all events when ``period`` is None)."""
    if period is None:
        return _sorted(events)
    if tickets is None:
        raise ValueError("tickets are needed to pick the tickets resolved in a period")
    return _sorted(events[_isin(events["ticket_id"], _resolved_ids(tickets, period, tz))])


def _split_by_resolution(
    tickets: pd.DataFrame, events: pd.DataFrame, periods: Sequence[str], tz: str
) -> dict[str, tuple[pd.DataFrame, np.ndarray]] | None:
    """Per period: the tickets resolved in it and the positions of their events, in order.

    ``events.take(rows)`` gives the same events, in the same order, as :func:`_restrict` picks
    for the period, found with one sort of the whole log instead of one filter and sort per
    measure and period; taking them one period at a time keeps a single month's copy in
    memory. Returns None when ``ticket_id`` is not a unique integer code (see
    :func:`_coded_ids`); callers then restrict per measure.

    Examples
    --------
    >>> t, ev = _coded_ids(pd.DataFrame({"ticket_id": ["T1", "T2"],
    ...     "resolved_at": pd.to_datetime(["2026-03-02", "2026-04-01"], utc=True)}),
    ...     _example_events({"T1": ["a", "b"], "T2": ["c"]}))
    >>> {p: rows.tolist() for p, (_, rows) in _split_by_resolution(t, ev, ["2026-03",
    ...     "2026-04"], "UTC").items()}
    {'2026-03': [0, 1], '2026-04': [2]}
    """
    ids = tickets["ticket_id"]
    n = len(tickets)
    if ids.dtype != "int64" or not np.array_equal(ids.to_numpy(), np.arange(n)):
        return None
    which = np.full(n + 1, -1, dtype="int64")  # the extra slot: events of unknown tickets
    resolved = tickets["resolved_at"]
    for k, period in enumerate(periods):
        start, end = period_bounds(period, tz)
        which[:n][((resolved >= start) & (resolved < end)).to_numpy(dtype=bool)] = k
    code = events["ticket_id"].to_numpy(dtype="float64", na_value=np.nan)
    code = np.where(np.isnan(code) | (code >= n), n, code).astype("int64")
    period_of = which[code]
    seq = events["event_seq"].to_numpy(dtype="float64", na_value=np.nan)
    at = events["event_at"]
    if np.isnan(seq).any() or at.hasnans:  # pandas' own ordering of missing keys
        keys = pd.DataFrame({"_period": period_of, **{c: events[c] for c in _EVENT_ORDER}})
        keys.index = np.arange(len(keys))
        keys = keys[keys["_period"] >= 0].sort_values(["_period", *_EVENT_ORDER], kind="stable")
        order = keys.index.to_numpy()
    else:  # complete keys: the same stable order from integer arrays, much faster
        at_us = at.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        order = np.lexsort((at_us, seq, code, period_of))
        order = order[period_of[order] >= 0]
    bounds = np.searchsorted(period_of[order], np.arange(len(periods) + 1))
    return {
        period: (tickets[which[:n] == k], order[bounds[k] : bounds[k + 1]])
        for k, period in enumerate(periods)
    }


def _collapse(ev: pd.DataFrame, column: str) -> pd.DataFrame:
    """Non-missing values of ``column`` per ticket with consecutive repeats removed.

    ``ev`` must be sorted. Returns ``ticket_id``, ``event_seq``, ``column``, ``pos`` (0-based).
    """
    ev = ev.loc[ev[column].notna(), ["ticket_id", "event_seq", column]]
    prev = ev.groupby("ticket_id", sort=False)[column].shift()
    keep = (prev.isna() | (ev[column] != prev)).fillna(True).astype(bool)
    out = ev.loc[keep].reset_index(drop=True)
    out["pos"] = out.groupby("ticket_id", sort=False).cumcount()
    return out


def _with_all(per_supplier: pd.DataFrame, total: dict, suppliers: Iterable[str] | None):
    """Reindex per-supplier rows to ``suppliers`` (zeros) and append the ALL row."""
    if suppliers is not None:
        per_supplier = per_supplier.reindex(
            sorted(set(suppliers) | set(per_supplier.index)), fill_value=0
        )
    per_supplier = per_supplier.sort_index()
    per_supplier.index.name = "supplier_id"
    total_row = pd.DataFrame([total], index=pd.Index([ALL], name="supplier_id"))
    out = pd.concat([per_supplier, total_row.astype(per_supplier.dtypes.to_dict())])
    return out.reset_index()
