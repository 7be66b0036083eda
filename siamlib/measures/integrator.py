"""Service Integrator measures: aged tickets, collaboration, gaming signals, watermelons.

The integrator does not resolve tickets, so it is judged on how the estate behaves as a whole:
aged tickets going down, tickets moving cleanly between suppliers (few handoffs, no ping-pong,
right first time routing, short dispatch), work escalating the right way (no push-to-front),
honest clock stops, and how the parties rate each other's collaboration.

Collaboration measures read ``ticket_events`` in ticket order (``event_seq``). Events whose
``supplier_id`` (or ``assignment_group``, ``support_level``) is missing are skipped for the
measure that needs that column, so ``a, <missing>, b`` is one handoff ``a -> b``.

Per-supplier summaries carry one extra row, ``supplier_id == ALL``, for the whole estate.
In the measure values (:func:`measure_values`) estate-wide values are reported on the
integrator: with scope ``""`` for integrator-family measures (whose definition is estate-wide)
and with scope ``"suppliers=all"`` for per-supplier measures (collaboration, clock stops).

Examples
--------
>>> ev = _example_events({"T1": ["sd", "integrator", "net", "integrator", "host"]})
>>> ping_pong(ev)[["ticket_id", "sequence", "ping_pong"]].to_dict("records")
[{'ticket_id': 'T1', 'sequence': 'sd > integrator > net > integrator > host', 'ping_pong': True}]
>>> int(handoffs(ev)["handoffs"].iloc[0])
4
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib.common import ALL
from siamlib.measures import MEASURE_VALUE_COLUMNS, scope_key
from siamlib.periods import period_bounds
from siamlib.schema import DONE_STATUSES, OPEN_STATUSES, coerce
from siamlib.schema import isin as schema_isin

ESTATE_SCOPE = scope_key({"suppliers": "all"})

HoursBetween = Callable[[pd.Series, pd.Series], pd.Series]


# ------------------------------------------------------------------------------- helpers ----
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

    Measures that only count (as :func:`measure_values` emits) group, sort and filter by
    ticket many times per period; integers do that an order of magnitude faster than
    strings. Missing ids stay missing.

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


# ---------------------------------------------------------------------------- aged tickets --
class EventTimeline:
    """Events ordered per ticket, for asking "last event before instant ``at``" many times.

    :func:`open_at` needs, per ticket, the last event (by ``event_seq``) before an instant and
    the last one naming a supplier. Sorting the events once and answering each instant with a
    few array operations keeps the monthly aged-ticket trend linear in the events instead of
    filtering and grouping the whole log again for every instant.

    Parameters
    ----------
    tickets, events : DataFrame
        ``tickets`` (one row per ``ticket_id``) and ``ticket_events``. Events of tickets not in
        ``tickets`` are ignored, as in :func:`open_at`.

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "net"]})
    >>> t = pd.DataFrame({"ticket_id": ["T1"]})
    >>> tl = EventTimeline(t, ev)
    >>> answer = tl.last_before(pd.Timestamp("2026-03-02 09:30Z"))  # rows: T1, unknown
    >>> tl.supplier_names(answer["supplier"]).tolist()
    ['sd', nan]
    """

    def __init__(self, tickets: pd.DataFrame, events: pd.DataFrame):
        self.ids = pd.Index(tickets["ticket_id"]).unique()
        self.n = len(self.ids)
        self._positions: tuple | None = None
        self._answers: dict[np.datetime64, pd.DataFrame] = {}  # a period's end is the next's start
        code = self.ids.get_indexer(events["ticket_id"])
        seq = events["event_seq"].to_numpy(dtype="float64", na_value=np.nan)
        # Ticket, then event_seq, then original row descending, so that the last row of a
        # ticket's prefix is the first of its highest event_seq, as groupby-idxmax picks:
        # a stable sort of the reversed rows, mapped back (no row-number key to hold).
        order = len(code) - 1 - np.lexsort((seq[::-1], code[::-1]))
        order = order[(code[order] >= 0) & ~np.isnan(seq[order])]
        del seq
        # Narrow integer types: this object lives through the whole compute stage.
        self.code = code[order].astype(np.int32 if self.n < 2**31 - 1 else np.int64)
        del code
        self.at = events["event_at"].to_numpy(dtype="datetime64[us]")[order]  # UTC instants
        status = events["status"]
        self.has_status = status.notna().to_numpy(dtype=bool)[order]
        self.open = status.isin(OPEN_STATUSES).to_numpy(dtype=bool)[order]
        supplier = events["supplier_id"]
        # Supplier codes, not strings: a Python string per event would cost more memory
        # than the rest of the timeline together.
        sup_code, names = pd.factorize(supplier)
        self.suppliers = pd.array(names, dtype="str")  # take(-1) gives missing on an array
        self.supplier = sup_code[order].astype(np.int32)
        self.named = self.supplier >= 0

    def supplier_names(self, codes) -> pd.Series:
        """Supplier ids of the codes in :meth:`last_before`'s ``supplier`` (-1: missing)."""
        return pd.Series(self.suppliers.take(np.asarray(codes), allow_fill=True), dtype="str")

    def positions(self, ticket_ids: pd.Series) -> np.ndarray:
        """Row of each of ``ticket_ids`` in :meth:`last_before` (``n`` when not known)."""
        cached = self._positions
        if cached is not None and cached[0] is ticket_ids.array:
            return cached[1]  # the same tickets column asked again: skip the string lookup
        pos = self.ids.get_indexer(ticket_ids)
        pos[pos < 0] = self.n
        self._positions = (ticket_ids.array, pos)  # holding the array keeps its identity unique
        return pos

    def _last(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Codes and row numbers of the last of ``rows`` (sorted) per ticket."""
        c = self.code[rows]
        last = np.ones(len(rows), dtype=bool)
        last[:-1] = c[1:] != c[:-1]
        return c[last], rows[last]

    def last_before(self, at: pd.Timestamp) -> pd.DataFrame:
        """Per ticket (by position in ``tickets``): the last event before ``at``.

        Returns
        -------
        DataFrame
            One row per ticket id (in :attr:`ids` order) plus a last row for unknown tickets:
            ``has_event`` (an event before ``at`` with a status), ``open`` (that event's status
            is open) and ``supplier``, the code of the last supplier named before ``at`` (-1
            when none; :meth:`supplier_names` turns codes into ids). Kept per instant, so
            small: a period's end, asked again as the next period's start, costs nothing.
        """
        cut = np.datetime64(pd.Timestamp(at).tz_convert("UTC").tz_localize(None), "us")
        if cut in self._answers:
            return self._answers[cut]
        before = self.at < cut  # NaT compares False: such events are never "before"
        has_event = np.zeros(self.n + 1, dtype=bool)
        is_open = np.zeros(self.n + 1, dtype=bool)
        supplier = np.full(self.n + 1, -1, dtype=self.supplier.dtype)
        codes, rows = self._last(np.flatnonzero(before))
        has_event[codes] = self.has_status[rows]
        is_open[codes] = self.open[rows]
        codes, rows = self._last(np.flatnonzero(before & self.named))
        supplier[codes] = self.supplier[rows]
        answer = pd.DataFrame({"has_event": has_event, "open": is_open, "supplier": supplier})
        self._answers[cut] = answer
        return answer


def open_at(
    tickets: pd.DataFrame,
    at: pd.Timestamp,
    *,
    events: pd.DataFrame | EventTimeline | None = None,
):
    """Which tickets were open at instant ``at``, and which supplier held them.

    A ticket is open at ``at`` when it was opened before ``at`` and was not in a done status
    (resolved, closed, cancelled) just before ``at``.

    - With ``events``: the status and supplier of the ticket's last event before ``at`` decide
      (the supplier is the last known one, falling back to ``tickets.supplier_id``). A reopened
      ticket is therefore closed between its resolution and its reopening.
    - Tickets-only approximation (no events, or no event before ``at``): open when
      ``opened_at < at`` and ``resolved_at`` (else ``closed_at``) is missing or ``>= at``; a
      ticket whose current status is open counts as open from ``opened_at`` on. A reopened
      ticket counts as open for the whole span up to its latest resolution, and a done ticket
      without any end timestamp counts as closed. The holder is ``tickets.supplier_id``.

    Parameters
    ----------
    tickets : DataFrame
        ``tickets`` table.
    at : Timestamp
        Timezone-aware instant.
    events : DataFrame or EventTimeline, optional
        ``ticket_events`` table, or an :class:`EventTimeline` of it built once when asking
        about many instants.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``supplier_id`` (holder at ``at``), ``opened_at``, ``age_days``
        (float days since ``opened_at``), one row per open ticket.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["A", "B"], "supplier_id": ["net", "host"],
    ...     "opened_at": pd.to_datetime(["2026-01-01", "2026-02-20"], utc=True),
    ...     "resolved_at": pd.to_datetime([None, "2026-02-25"], utc=True),
    ...     "closed_at": pd.to_datetime([None, None], utc=True), "status": ["assigned", "closed"]})
    >>> open_at(t, pd.Timestamp("2026-03-01", tz="UTC"))[["ticket_id", "age_days"]]
      ticket_id  age_days
    0         A      59.0
    """
    at = pd.Timestamp(at)
    t = tickets
    end = t["resolved_at"].fillna(t["closed_at"])
    now_open = t["status"].isin(OPEN_STATUSES)
    done_no_end = end.isna() & t["status"].isin(DONE_STATUSES)
    is_open = (t["opened_at"] < at) & (now_open | (end >= at).fillna(False) & ~done_no_end)
    holder = t["supplier_id"]
    if isinstance(events, pd.DataFrame) and len(events):
        events = EventTimeline(t, events)
    if isinstance(events, EventTimeline):
        last = events.last_before(at).iloc[events.positions(t["ticket_id"])].set_axis(t.index)
        ev_open = (t["opened_at"] < at) & last["open"]
        is_open = is_open.where(~last["has_event"], ev_open)
        named = events.supplier_names(last["supplier"]).set_axis(t.index)
        holder = named.fillna(holder)
    is_open = is_open.fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "ticket_id": t["ticket_id"],
            "supplier_id": holder,
            "opened_at": t["opened_at"],
            "age_days": (at - t["opened_at"]).dt.total_seconds() / 86400,
        }
    )
    return out.loc[is_open].reset_index(drop=True)


def aged_tickets(
    tickets: pd.DataFrame,
    at: pd.Timestamp,
    aged_after_days: int = 30,
    *,
    events: pd.DataFrame | EventTimeline | None = None,
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Open and aged tickets at instant ``at``, per holding supplier and for the estate.

    A ticket is *aged* when it is open at ``at`` (see :func:`open_at`) and was opened more than
    ``aged_after_days`` days before ``at``.

    Parameters
    ----------
    tickets, events : DataFrame
        ``tickets`` and (optionally, for exact open intervals) ``ticket_events``.
    at : Timestamp
        Timezone-aware instant.
    aged_after_days : int
        Ageing threshold in days (``params.estate.aged_after_days``).
    suppliers : iterable of str, optional
        Suppliers to list even when they hold nothing (zeros).

    Returns
    -------
    DataFrame
        ``supplier_id``, ``open``, ``aged``, ``aged_share`` (aged / open, NaN when nothing is
        open); the last row has ``supplier_id == ALL``.

    Examples
    --------
    >>> none = pd.to_datetime([None] * 3, utc=True)
    >>> t = pd.DataFrame({"ticket_id": ["A", "B", "C"], "supplier_id": ["net", "net", "host"],
    ...     "opened_at": pd.to_datetime(["2026-01-01", "2026-02-20", "2026-01-10"], utc=True),
    ...     "resolved_at": none, "closed_at": none, "status": "assigned"})
    >>> aged_tickets(t, pd.Timestamp("2026-03-01", tz="UTC"), 30)
      supplier_id  open  aged  aged_share
    0        host     1     1    1.000000
    1         net     2     1    0.500000
    2       (all)     3     2    0.666667
    """
    o = open_at(tickets, at, events=events)
    o["aged"] = o["age_days"] > aged_after_days
    per = o.groupby("supplier_id").agg(open=("ticket_id", "size"), aged=("aged", "sum"))
    per = per.astype("int64")
    out = _with_all(per, {"open": len(o), "aged": int(o["aged"].sum())}, suppliers)
    out["aged_share"] = (out["aged"] / out["open"].where(out["open"] > 0)).astype("float64")
    return out


def aged_ticket_reduction(
    tickets: pd.DataFrame,
    period: str,
    aged_after_days: int = 30,
    *,
    events: pd.DataFrame | EventTimeline | None = None,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Aged open tickets at the start and at the end of ``period``, and the reduction.

    ``reduction = 1 - aged_end / aged_start`` (NaN when nothing was aged at the start; negative
    when the aged backlog grew). Start and end are local midnights of the period bounds in
    ``tz``; each ticket counts for the supplier holding it at that instant.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``open_start``, ``aged_start``, ``aged_share_start``,
        ``open_end``, ``aged_end``, ``aged_share_end``, ``reduction``; last row ``ALL``.

    Examples
    --------
    Ten tickets aged at the start of March, six still open at its end: 1 - 6/10 = 40 %.

    >>> t = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(10)], "supplier_id": "net",
    ...     "opened_at": pd.Timestamp("2026-01-01", tz="UTC"),
    ...     "resolved_at": pd.to_datetime(["2026-03-10"] * 4 + [None] * 6, utc=True),
    ...     "closed_at": pd.to_datetime([None] * 10, utc=True),
    ...     "status": ["closed"] * 4 + ["assigned"] * 6})
    >>> r = aged_ticket_reduction(t, "2026-03")
    >>> r.loc[r.supplier_id == ALL, ["aged_start", "aged_end", "reduction"]].to_dict("records")
    [{'aged_start': 10, 'aged_end': 6, 'reduction': 0.4}]
    """
    start, end = period_bounds(period, tz)
    if isinstance(events, pd.DataFrame) and len(events):
        events = EventTimeline(tickets, events)  # sorted once for both instants
    a = aged_tickets(tickets, start, aged_after_days, events=events, suppliers=suppliers)
    b = aged_tickets(tickets, end, aged_after_days, events=events, suppliers=suppliers)
    out = a.merge(b, on="supplier_id", how="outer", suffixes=("_start", "_end"))
    for c in ("open_start", "aged_start", "open_end", "aged_end"):
        out[c] = out[c].fillna(0).astype("int64")
    out["reduction"] = 1 - out["aged_end"] / out["aged_start"].where(out["aged_start"] > 0)
    out.insert(1, "period", period)
    # Keep the ALL row last after the outer merge's sort.
    out = pd.concat([out[out["supplier_id"] != ALL], out[out["supplier_id"] == ALL]])
    cols = ["supplier_id", "period", "open_start", "aged_start", "aged_share_start"]
    cols += ["open_end", "aged_end", "aged_share_end", "reduction"]
    return out[cols].reset_index(drop=True)


def aged_ticket_trend(
    tickets: pd.DataFrame,
    periods: Sequence[str],
    aged_after_days: int = 30,
    *,
    events: pd.DataFrame | EventTimeline | None = None,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """:func:`aged_ticket_reduction` for several periods stacked (for a monthly trend chart).

    Examples
    --------
    >>> none = pd.to_datetime([None], utc=True)
    >>> t = pd.DataFrame({"ticket_id": ["A"], "supplier_id": ["net"], "status": ["assigned"],
    ...     "opened_at": pd.to_datetime(["2026-01-01"], utc=True), "resolved_at": none,
    ...     "closed_at": none})
    >>> tr = aged_ticket_trend(t, ["2026-01", "2026-02", "2026-03"])
    >>> tr[tr.supplier_id == ALL][["period", "aged_start", "aged_end"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'period': '2026-01', 'aged_start': 0, 'aged_end': 1},
     {'period': '2026-02', 'aged_start': 1, 'aged_end': 1},
     {'period': '2026-03', 'aged_start': 1, 'aged_end': 1}]
    """
    if isinstance(events, pd.DataFrame) and len(events):
        events = EventTimeline(tickets, events)  # sorted once for every period
    frames = [
        aged_ticket_reduction(
            tickets, p, aged_after_days, events=events, tz=tz, suppliers=suppliers
        )
        for p in periods
    ]
    return pd.concat(frames, ignore_index=True)


# -------------------------------------------------------------------------- collaboration ----
def handoffs(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Cross-supplier handoffs and group reassignments per ticket.

    A *handoff* is a change of ``supplier_id`` between consecutive events of a ticket (events
    without a supplier are skipped); a *reassignment* is a change of ``assignment_group``
    likewise. Moves into and out of the integrator's dispatch count: they are moves between
    parties. The first assignment is neither.

    Parameters
    ----------
    events : DataFrame
        ``ticket_events``.
    period : str, optional
        ``YYYY-MM``: only tickets resolved in the period (by ``tickets.resolved_at`` in ``tz``);
        ``tickets`` is then required. Default: every ticket in ``events``.
    tickets : DataFrame, optional
        ``tickets`` table.
    tz : str
        Reporting time zone.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``events``, ``handoffs``, ``reassignments``, one row per ticket that has
        events. The period measure is ``handoffs.mean()``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "a", "b", None, "c"], "T2": ["a"]})
    >>> handoffs(ev)
      ticket_id  events  handoffs  reassignments
    0        T1       5         2              2
    1        T2       1         0              0
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    sup = _collapse(ev, "supplier_id")
    grp = _collapse(ev, "assignment_group")
    out = pd.DataFrame(
        {
            "events": ev.groupby("ticket_id").size().reindex(ids, fill_value=0),
            "handoffs": (sup.groupby("ticket_id").size() - 1).reindex(ids, fill_value=0),
            "reassignments": (grp.groupby("ticket_id").size() - 1).reindex(ids, fill_value=0),
        },
        index=ids,
    ).astype("int64")
    return out.reset_index()


def handoff_matrix(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Handoffs per ordered supplier pair (``from -> to``), for a heat-map or chord chart.

    Returns
    -------
    DataFrame
        ``from_supplier``, ``to_supplier``, ``handoffs`` (moves), ``tickets`` (distinct tickets
        making that move), sorted by pair.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a"], "T2": ["a", "b"]})
    >>> handoff_matrix(ev)
      from_supplier to_supplier  handoffs  tickets
    0             a           b         2        2
    1             b           a         1        1
    """
    sup = _collapse(_restrict(events, period, tickets, tz), "supplier_id")
    sup["from_supplier"] = sup.groupby("ticket_id", sort=False)["supplier_id"].shift()
    moves = sup[sup["from_supplier"].notna()].rename(columns={"supplier_id": "to_supplier"})
    out = moves.groupby(["from_supplier", "to_supplier"]).agg(
        handoffs=("ticket_id", "size"), tickets=("ticket_id", "nunique")
    )
    return out.astype("int64").reset_index()


def _bounces(ev: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Collapsed supplier sequence with, per step, whether it starts an A -> B -> A bounce."""
    c = _collapse(ev, "supplier_id")
    g = c.groupby("ticket_id", sort=False)["supplier_id"]
    c["next_supplier"] = g.shift(-1)
    bounce = c["supplier_id"].eq(g.shift(-2)).fillna(False).astype(bool)
    return c, bounce


def ping_pong(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    min_alternations: int = 3,
) -> pd.DataFrame:
    """Ping-pong per ticket: bouncing back to the supplier it just left.

    The ticket's supplier sequence is taken in event order, missing suppliers skipped and
    consecutive repeats collapsed (``a, a, b`` -> ``a > b``). Then:

    - ``ping_pong``: the sequence contains ``A > B > A`` (a *bounce*): B sent the ticket back to
      the supplier it came from. ``a > b > c`` and ``a > a > b`` are not ping-pong;
      ``a > b > c > a`` is not either (a *revisit*, flagged separately).
    - ``alternating``: the process-mining variant, at least ``min_alternations`` uninterrupted
      moves back and forth between the same two suppliers (3: ``A > B > A > B``).
      ``max_alternations`` is the longest such run (``A > B > A`` = 2 moves).
    - ``revisit``: some supplier appears again after the ticket left it.

    Parameters
    ----------
    events : DataFrame
        ``ticket_events``.
    period, tickets, tz
        As in :func:`handoffs`.
    min_alternations : int
        Moves needed for ``alternating``.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``sequence`` (e.g. ``"a > b > a"``; the evidence string), ``steps``,
        ``bounces``, ``ping_pong``, ``max_alternations``, ``alternating``, ``revisit``, one
        row per ticket with events. Evidence rows: ``df[df.ping_pong]``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a"], "T2": ["a", "b", "c"],
    ...                       "T3": ["a", "a", "b"], "T4": ["a", "b", "a", "b"]})
    >>> ping_pong(ev)[["ticket_id", "ping_pong", "max_alternations", "alternating"]]
      ticket_id  ping_pong  max_alternations  alternating
    0        T1       True                 2        False
    1        T2      False                 1        False
    2        T3      False                 1        False
    3        T4       True                 3         True
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    c, bounce = _bounces(ev)
    tid = c["ticket_id"]
    # Runs of consecutive bounce positions: k positions in a row = k + 1 alternating moves.
    run_id = (~bounce).groupby(tid).cumsum()
    run_len = bounce.groupby([tid, run_id]).transform("sum")
    steps = c.groupby("ticket_id").size()
    longest = run_len.groupby(tid).max()
    out = pd.DataFrame(
        {
            "sequence": (c["supplier_id"].astype("str") + " > ").groupby(tid).sum().str[:-3],
            "steps": steps,
            "bounces": bounce.groupby(tid).sum(),
            "longest": longest,
            "unique": c.groupby("ticket_id")["supplier_id"].nunique(),
        }
    ).reindex(ids)
    out["sequence"] = out["sequence"].fillna("")
    for col in ("steps", "bounces", "longest", "unique"):
        out[col] = out[col].fillna(0).astype("int64")
    out["ping_pong"] = out["bounces"] > 0
    out["max_alternations"] = np.where(out["steps"] >= 2, out["longest"] + 1, 0).astype("int64")
    out["alternating"] = out["max_alternations"] >= min_alternations
    out["revisit"] = out["steps"] > out["unique"]
    cols = ["sequence", "steps", "bounces", "ping_pong", "max_alternations", "alternating"]
    return out[[*cols, "revisit"]].reset_index()


def ping_pong_pairs(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Bounces per ordered supplier pair: ``returned_to`` got the ticket back from ``returned_by``.

    Returns
    -------
    DataFrame
        ``returned_to``, ``returned_by``, ``bounces``, ``tickets``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a", "b"], "T2": ["c", "b", "c"]})
    >>> ping_pong_pairs(ev)
      returned_to returned_by  bounces  tickets
    0           a           b        1        1
    1           b           a        1        1
    2           c           b        1        1
    """
    c, bounce = _bounces(_restrict(events, period, tickets, tz))
    b = c[bounce].rename(columns={"supplier_id": "returned_to", "next_supplier": "returned_by"})
    out = b.groupby(["returned_to", "returned_by"]).agg(
        bounces=("ticket_id", "size"), tickets=("ticket_id", "nunique")
    )
    return out.astype("int64").reset_index()


def ping_pong_by_supplier(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Ping-pong rate per supplier, over the tickets it touched, and for the estate.

    For supplier S: ``ping_pong_rate = tickets touched by S with a bounce S took part in (as
    the supplier bounced back to, or the one bouncing) / tickets touched by S``. The ``ALL``
    row is the estate rate: tickets with any bounce / tickets (with events).

    Returns
    -------
    DataFrame
        ``supplier_id``, ``tickets``, ``ping_pong_tickets``, ``ping_pong_rate``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a", "c"], "T2": ["a", "c"]})
    >>> ping_pong_by_supplier(ev)
      supplier_id  tickets  ping_pong_tickets  ping_pong_rate
    0           a        2                  1             0.5
    1           b        1                  1             1.0
    2           c        2                  0             0.0
    3       (all)        2                  1             0.5
    """
    ev = _restrict(events, period, tickets, tz)
    c, bounce = _bounces(ev)
    touched = c[["ticket_id", "supplier_id"]].drop_duplicates()
    b = c[bounce]
    involved = pd.concat(
        [
            b[["ticket_id", "supplier_id"]],
            b[["ticket_id", "next_supplier"]].set_axis(["ticket_id", "supplier_id"], axis=1),
        ]
    ).drop_duplicates()
    per = pd.DataFrame(
        {
            "tickets": touched.groupby("supplier_id").size(),
            "ping_pong_tickets": involved.groupby("supplier_id").size(),
        }
    )
    per = per.fillna(0).astype("int64")
    total = {
        "tickets": int(ev["ticket_id"].nunique()),
        "ping_pong_tickets": int(b["ticket_id"].nunique()),
    }
    out = _with_all(per, total, suppliers)
    out["ping_pong_rate"] = out["ping_pong_tickets"] / out["tickets"].where(out["tickets"] > 0)
    out["ping_pong_rate"] = out["ping_pong_rate"].astype("float64")
    return out


def routing_accuracy(
    events: pd.DataFrame,
    tickets: pd.DataFrame,
    integrator_id: str,
    period: str | None = None,
    *,
    tz: str = "UTC",
) -> pd.DataFrame:
    """First-time-right routing of tickets that went through the integrator's dispatch.

    For each resolved ticket with at least one event held by ``integrator_id``: ``routed_to`` is
    the first other supplier after the first integrator event, ``resolver`` is
    ``tickets.supplier_id`` (the resolver of record), and ``routed_right`` says whether they are
    the same. Tickets never routed onwards (resolved in dispatch) have ``routed_to`` missing and
    ``routed_right`` ``<NA>``: they are not in the rate's denominator.

    Parameters
    ----------
    events, tickets : DataFrame
        ``ticket_events`` and ``tickets``.
    integrator_id : str
        The integrator's supplier id (``params.estate.integrator.id``).
    period : str, optional
        Only tickets resolved in the period; default every resolved ticket.
    tz : str
        Reporting time zone.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``routed_to``, ``resolver``, ``routed_right`` (nullable boolean). The
        measure is ``routed_right.mean()`` (missing values skipped).

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "si", "net"], "T2": ["si", "net", "host"]})
    >>> t = pd.DataFrame({"ticket_id": ["T1", "T2"], "supplier_id": ["net", "host"],
    ...     "resolved_at": pd.to_datetime(["2026-03-03", "2026-03-03"], utc=True)})
    >>> routing_accuracy(ev, t, "si")
      ticket_id routed_to resolver  routed_right
    0        T1       net      net          True
    1        T2       net     host         False
    """
    resolved = tickets[tickets["resolved_at"].notna()]
    ev = _restrict(events, period, resolved, tz)
    ev = ev[_isin(ev["ticket_id"], resolved["ticket_id"]) & ev["supplier_id"].notna()]
    ev = ev.reset_index(drop=True)
    is_int = (ev["supplier_id"] == integrator_id).astype(bool)
    pos = ev.groupby("ticket_id", sort=False).cumcount()
    first_int = pos.where(is_int).groupby(ev["ticket_id"]).transform("min")
    after = ev[(pos > first_int) & ~is_int]
    routed_to = after.groupby("ticket_id")["supplier_id"].first()
    ids = pd.Index(sorted(ev.loc[is_int, "ticket_id"].unique()), name="ticket_id")
    resolver = resolved.drop_duplicates("ticket_id").set_index("ticket_id")["supplier_id"]
    out = pd.DataFrame(
        {"routed_to": routed_to.reindex(ids), "resolver": resolver.reindex(ids)}, index=ids
    )
    right = (out["routed_to"] == out["resolver"]).astype("boolean")
    out["routed_right"] = right.where(out["routed_to"].notna(), pd.NA)
    return out.reset_index()


def dispatch_time(
    events: pd.DataFrame,
    integrator_id: str,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    hours_between: HoursBetween | None = None,
    as_at: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Hours each ticket spent in the integrator's dispatch queue.

    The time held by the integrator is the sum of the intervals from an event whose supplier is
    ``integrator_id`` and whose status is open to the ticket's next event. The last interval of
    a ticket still held by the integrator runs to ``as_at`` (not counted when ``as_at`` is
    None). Hours are actual (wall-clock) hours unless ``hours_between(start, end)`` is given,
    e.g. a business-hours calendar function returning float hours per row.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``dispatch_h``: tickets with any integrator event (in ``period``: resolved
        in the period). Summarise with :func:`dispatch_stats`.

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "si", "si", "net", "si", "host"]})
    >>> dispatch_time(ev, "si")  # held 2 h, then 1 h more after the bounce back
      ticket_id  dispatch_h
    0        T1         3.0
    """
    ev = _restrict(events, period, tickets, tz)
    nxt = ev.groupby("ticket_id", sort=False)["event_at"].shift(-1)
    if as_at is not None:
        nxt = nxt.fillna(pd.Timestamp(as_at))
    held = (ev["supplier_id"] == integrator_id).fillna(False).astype(bool)
    counted = held & ev["status"].isin(OPEN_STATUSES) & nxt.notna()
    start, end = ev.loc[counted, "event_at"], nxt[counted]
    end = end.where(end > start, start)
    if hours_between is None:
        hours = (end - start).dt.total_seconds() / 3600
    else:
        hours = pd.Series(np.asarray(hours_between(start, end), dtype=float), index=start.index)
    ids = pd.Index(sorted(ev.loc[held, "ticket_id"].unique()), name="ticket_id")
    per = hours.groupby(ev.loc[counted, "ticket_id"]).sum()
    out = per.reindex(ids, fill_value=0.0).astype("float64").rename("dispatch_h")
    return out.reset_index()


def dispatch_stats(dispatch: pd.DataFrame) -> pd.Series:
    """Count, median, 90th percentile and mean of :func:`dispatch_time` hours.

    Examples
    --------
    >>> d = pd.DataFrame({"ticket_id": list("ABCD"), "dispatch_h": [1.0, 2.0, 3.0, 10.0]})
    >>> dispatch_stats(d).round(6).to_dict()  # p90: 3 + 0.7 * (10 - 3)
    {'tickets': 4.0, 'median_h': 2.5, 'p90_h': 7.9, 'mean_h': 4.0}
    """
    h = dispatch["dispatch_h"].dropna()
    return pd.Series(
        {
            "tickets": float(len(h)),
            "median_h": float(h.median()) if len(h) else np.nan,
            "p90_h": float(h.quantile(0.9)) if len(h) else np.nan,
            "mean_h": float(h.mean()) if len(h) else np.nan,
        }
    )


def push_to_front(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    ignore_suppliers: Iterable[str] = (),
) -> pd.DataFrame:
    """Push-to-front violations: work should go L1 -> L2 -> L3, not start high or go down.

    Events with a missing ``support_level`` or a supplier in ``ignore_suppliers`` (e.g. the
    integrator's dispatch desk, which is not a resolver level) are skipped. Two kinds:

    - ``started_high``: the ticket's first support level is above 1; counted against the
      supplier that received it.
    - ``level_down``: the level drops between consecutive levelled events (L3 -> L2, L2 -> L1,
      L3 -> L1); counted against the supplier that handed it down (``from_supplier``).

    Returns
    -------
    DataFrame
        One row per violation: ``ticket_id``, ``event_seq``, ``kind``, ``from_level``,
        ``to_level``, ``from_supplier``, ``to_supplier``, ``supplier_id`` (counted against).

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "c"], "T2": ["a", "b"]},
    ...                      support_level=pd.array([1, 3, 2, 2, 3], dtype="Int64"))
    >>> push_to_front(ev)[["ticket_id", "kind", "from_level", "to_level", "supplier_id"]]
      ticket_id          kind  from_level  to_level supplier_id
    0        T1    level_down           3         2           b
    1        T2  started_high        <NA>         2           a
    """
    ev = _restrict(events, period, tickets, tz)
    keep = ev["support_level"].notna() & ~ev["supplier_id"].isin(list(ignore_suppliers))
    ev = ev[keep.astype(bool)].reset_index(drop=True)
    g = ev.groupby("ticket_id", sort=False)
    lvl = ev["support_level"].astype("Int64")
    prev_lvl = g["support_level"].shift().astype("Int64")
    prev_sup = g["supplier_id"].shift()
    first = g.cumcount() == 0
    started = (first & (lvl > 1)).fillna(False).astype(bool)
    down = (lvl < prev_lvl).fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "ticket_id": ev["ticket_id"],
            "event_seq": ev["event_seq"],
            "kind": np.where(started, "started_high", "level_down"),
            "from_level": prev_lvl,
            "to_level": lvl,
            "from_supplier": prev_sup,
            "to_supplier": ev["supplier_id"],
        }
    )
    out["supplier_id"] = out["to_supplier"].where(started, out["from_supplier"])
    out["kind"] = out["kind"].astype("str")
    return out[started | down].reset_index(drop=True)


def push_to_front_by_supplier(
    violations: pd.DataFrame, *, suppliers: Iterable[str] | None = None
) -> pd.DataFrame:
    """Count :func:`push_to_front` violations per supplier counted against, plus ``ALL``.

    Examples
    --------
    >>> v = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"], "supplier_id": ["b", "a", "b"],
    ...                   "kind": ["level_down", "started_high", "started_high"]})
    >>> push_to_front_by_supplier(v)
      supplier_id  started_high  level_down  violations  tickets
    0           a             1           0           1        1
    1           b             1           1           2        2
    2       (all)             2           1           3        3
    """
    v = violations
    per = pd.DataFrame(
        {
            "started_high": (v["kind"] == "started_high").groupby(v["supplier_id"]).sum(),
            "level_down": (v["kind"] == "level_down").groupby(v["supplier_id"]).sum(),
            "violations": v.groupby("supplier_id").size(),
            "tickets": v.groupby("supplier_id")["ticket_id"].nunique(),
        }
    ).fillna(0)
    per = per.astype("int64")
    total = {
        "started_high": int((v["kind"] == "started_high").sum()),
        "level_down": int((v["kind"] == "level_down").sum()),
        "violations": len(v),
        "tickets": int(v["ticket_id"].nunique()),
    }
    return _with_all(per, total, suppliers)


# -------------------------------------------------------------------------- gaming signals ---
def paused_share(
    clocks: pd.DataFrame,
    period: str | None = None,
    *,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Clock-stop signals per supplier: share of time paused, and pauses just before resolving.

    Over the clock rows resolved in ``period`` (``resolved_at`` in the period; all resolved rows
    when None):

    - ``paused_share = sum(paused_h) / sum(resolution_h + paused_h)``; rows without
      ``resolution_h`` are left out of both sums, missing ``paused_h`` counts as 0.
    - ``pause_before_resolution_share = tickets whose clock was paused immediately before
      resolution / tickets`` (a missing flag counts as not paused).

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks (``siamlib.clocks``): ``supplier_id``, ``resolved_at``,
        ``resolution_h``, ``paused_h``, ``pause_before_resolution``.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``tickets``, ``paused_h``, ``clock_h``, ``paused_share``,
        ``paused_before_resolution``, ``pause_before_resolution_share``; last row ``ALL``.

    Examples
    --------
    >>> c = pd.DataFrame({"supplier_id": ["a", "a", "b"],
    ...     "resolved_at": pd.to_datetime(["2026-03-02"] * 3, utc=True),
    ...     "resolution_h": [6.0, 2.0, 5.0], "paused_h": [2.0, 0.0, 0.0],
    ...     "pause_before_resolution": [True, False, False]})
    >>> paused_share(c, "2026-03")[["supplier_id", "paused_share",
    ...                             "pause_before_resolution_share"]]
      supplier_id  paused_share  pause_before_resolution_share
    0           a      0.200000                       0.500000
    1           b      0.000000                       0.000000
    2       (all)      0.133333                       0.333333
    """
    c = clocks[clocks["resolved_at"].notna()]
    if period is not None:
        start, end = period_bounds(period, tz)
        c = c[(c["resolved_at"] >= start) & (c["resolved_at"] < end)]
    valid = c["resolution_h"].notna()
    paused = c["paused_h"].fillna(0.0).where(valid, 0.0).astype("float64")
    clock = (c["resolution_h"].fillna(0.0) + paused).where(valid, 0.0).astype("float64")
    before = c["pause_before_resolution"].astype("boolean").fillna(False).astype("int64")
    frame = pd.DataFrame(
        {"supplier_id": c["supplier_id"], "paused_h": paused, "clock_h": clock, "pbr": before}
    )
    per = frame.groupby("supplier_id").agg(
        tickets=("pbr", "size"),
        paused_h=("paused_h", "sum"),
        clock_h=("clock_h", "sum"),
        paused_before_resolution=("pbr", "sum"),
    )
    per = per.astype(
        {"tickets": "int64", "paused_h": "float64", "clock_h": "float64"}
        | {"paused_before_resolution": "int64"}
    )
    total = {
        "tickets": len(frame),
        "paused_h": float(paused.sum()),
        "clock_h": float(clock.sum()),
        "paused_before_resolution": int(before.sum()),
    }
    out = _with_all(per, total, suppliers)
    out["paused_share"] = out["paused_h"] / out["clock_h"].where(out["clock_h"] > 0)
    out["pause_before_resolution_share"] = out["paused_before_resolution"] / out["tickets"].where(
        out["tickets"] > 0
    )
    return out.astype({"paused_share": "float64", "pause_before_resolution_share": "float64"})


def watermelon(
    values: pd.DataFrame,
    *,
    sla_expected: float | Mapping[str, float] = 0.95,
    sla_measures: Sequence[str] = ("sla_response_attainment", "sla_resolution_attainment"),
    sla_scope: str | None = "",
    reopen_max: float = 0.10,
    satisfaction_min: float = 3.5,
    ping_pong_max: float = 0.05,
) -> pd.DataFrame:
    """Watermelon flags: green on SLA outside, red on experience inside.

    A supplier-period is a *watermelon* when

    - SLA is green: the worst value among its ``sla_measures`` rows of scope ``sla_scope``
      (default ``""``, the overall attainment; None: every scope, so one priority below target
      is enough to spoil it) is at or above ``sla_expected`` (a fraction; a mapping gives one
      per supplier, a supplier missing from it is never green), and
    - at least one experience signal (scope ``""``) is red: ``reopen_rate > reopen_max``
      (default 10 %), ``satisfaction < satisfaction_min`` (default 3.5 of 5),
      ``ping_pong_rate > ping_pong_max`` (default 5 %). Missing signals are not red.

    Parameters
    ----------
    values : DataFrame
        Measure values (long contract) from the tower and integrator families together.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``sla_attainment`` (worst), ``reopen_rate``,
        ``satisfaction``, ``ping_pong_rate``, ``sla_green``, ``red_signals`` (names joined by
        ``", "``), ``watermelon`` (nullable boolean, ``<NA>`` without SLA values).

    Examples
    --------
    >>> v = pd.DataFrame({"supplier_id": ["a", "a", "b", "b"], "period": "2026-03",
    ...     "measure": ["sla_resolution_attainment", "reopen_rate"] * 2, "scope": "",
    ...     "value": [0.97, 0.15, 0.90, 0.15]})
    >>> watermelon(v)[["supplier_id", "sla_green", "red_signals", "watermelon"]]
      supplier_id  sla_green  red_signals  watermelon
    0           a       True  reopen_rate        True
    1           b      False  reopen_rate       False
    """
    v = values[values["value"].notna()]
    keys = ["supplier_id", "period"]
    sla_rows = v[v["measure"].isin(list(sla_measures))]
    if sla_scope is not None:
        sla_rows = sla_rows[sla_rows["scope"] == sla_scope]
    sla = sla_rows.groupby(keys)["value"].min()
    overall = v[v["scope"] == ""]
    signals = overall.groupby([*keys, "measure"])["value"].first().unstack("measure")
    out = pd.DataFrame(index=sla.index.union(signals.index))
    out["sla_attainment"] = sla
    for name in ("reopen_rate", "satisfaction", "ping_pong_rate"):
        out[name] = signals.get(name, np.nan)
    out = out.reset_index()
    if isinstance(sla_expected, Mapping):
        expected = out["supplier_id"].map(dict(sla_expected)).astype("float64")
    else:
        expected = pd.Series(float(sla_expected), index=out.index)
    out["sla_green"] = (out["sla_attainment"] >= expected).fillna(False).astype(bool)
    red = pd.DataFrame(
        {
            "reopen_rate": out["reopen_rate"] > reopen_max,
            "satisfaction": out["satisfaction"] < satisfaction_min,
            "ping_pong_rate": out["ping_pong_rate"] > ping_pong_max,
        }
    ).fillna(False)
    names = pd.Series("", index=out.index, dtype="str")
    for col in red.columns:
        names = names + np.where(red[col], col + ", ", "")
    out["red_signals"] = names.str[:-2]
    flag = (out["sla_green"] & red.any(axis=1)).astype("boolean")
    out["watermelon"] = flag.where(out["sla_attainment"].notna(), pd.NA)
    return out


def watermelon_values(flags: pd.DataFrame) -> pd.DataFrame:
    """:func:`watermelon` flags as measure values (``watermelon_flag``: 1.0, 0.0 or NaN).

    Examples
    --------
    >>> f = pd.DataFrame({"supplier_id": ["a"], "period": ["2026-03"],
    ...                   "watermelon": pd.array([True], dtype="boolean")})
    >>> watermelon_values(f)[["supplier_id", "measure", "value"]]
      supplier_id          measure  value
    0           a  watermelon_flag    1.0
    """
    out = pd.DataFrame(
        {
            "supplier_id": flags["supplier_id"].astype("str"),
            "period": flags["period"].astype("str"),
            "measure": "watermelon_flag",
            "scope": "",
            "value": flags["watermelon"].astype("Float64").astype("float64"),
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )
    return out[MEASURE_VALUE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- 360 ratings ----
def collaboration_score(
    surveys: pd.DataFrame,
    period: str | None = None,
    *,
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Mean 360 collaboration rating per rated supplier, and over the estate.

    Counts ``survey_type == "collaboration"`` responses of ``period`` (all when None); a party
    rating itself (``respondent == supplier_id``) is left out.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``responses``, ``score_sum``, ``score`` (mean; NaN without
        responses); last row ``ALL`` (mean of all responses).

    Examples
    --------
    >>> s = pd.DataFrame({"supplier_id": ["a", "a", "b", "a"], "period": "2026-03",
    ...     "survey_type": "collaboration", "respondent": ["b", "c", "a", "a"],
    ...     "score": [4.0, 3.0, 5.0, 5.0]})
    >>> collaboration_score(s, "2026-03")[["supplier_id", "responses", "score"]]
      supplier_id  responses  score
    0           a          2    3.5
    1           b          1    5.0
    2       (all)          3    4.0
    """
    s = surveys[(surveys["survey_type"] == "collaboration") & surveys["score"].notna()]
    s = s[(s["respondent"] != s["supplier_id"]).fillna(True).astype(bool)]
    if period is not None:
        s = s[s["period"] == period]
    per = s.groupby("supplier_id").agg(responses=("score", "size"), score_sum=("score", "sum"))
    per = per.astype({"responses": "int64", "score_sum": "float64"})
    total = {"responses": len(s), "score_sum": float(s["score"].sum())}
    out = _with_all(per, total, suppliers)
    out["score"] = out["score_sum"] / out["responses"].where(out["responses"] > 0)
    out["score"] = out["score"].astype("float64")
    return out


# -------------------------------------------------------------------------- measure values ---
def measure_values(
    clocks: pd.DataFrame | None,
    tables: Mapping[str, pd.DataFrame],
    params,
    periods: Sequence[str],
    *,
    apply_exclusions: bool = True,
    timeline: EventTimeline | None = None,
) -> pd.DataFrame:
    """The integrator family's measure values (long contract of :mod:`siamlib.measures`).

    One loop over the entries of :mod:`siamlib.measures.registry_integrator`, month by month.
    For the integrator (``params.estate.integrator.id``), scope ``""``, estate-wide:
    ``aged_ticket_reduction``, ``aged_tickets``, ``cross_supplier_handoffs``,
    ``ping_pong_rate``, ``ping_pong_count``, ``routing_accuracy``, ``dispatch_time`` (median
    business hours on the integrator contract's ``business`` calendar; actual hours when it
    has none), ``push_to_front_violations`` (integrator events ignored),
    ``proactive_problem_share``, ``trend_to_problem_days``, ``repeat_incident_rate``,
    ``problem_linked_share``, ``improvement_delivery``, ``improvement_ageing``,
    ``benefit_realisation``; and, scope
    ``"suppliers=all"``, the estate-wide ``collaboration_score``, ``paused_share`` and
    ``pause_before_resolution_share``.

    For every supplier, scope ``""``: ``collaboration_score`` (how others rate it),
    ``paused_share`` and ``pause_before_resolution_share`` (its own resolved tickets); for every
    tower, scope ``""``: ``ping_pong_rate`` and ``ping_pong_count`` (tickets it touched, bounces
    it took part in), ``aged_tickets`` (held at period end), ``push_to_front_violations``.

    Tickets count in the period they were resolved (``tickets.resolved_at`` in the estate time
    zone), problems in the period they were opened, improvements by their own dates, surveys by
    their ``period``; trends (per service, category and CI, see
    :func:`siamlib.measures.problems.detect_trends`) by the week they started, the median lag
    taken over those that got a problem record. Values with empty denominators are NaN.
    Tickets listed in ``params.exclusions`` are removed from tickets, events and clocks first
    unless ``apply_exclusions`` is False (as in the tower measures).

    Parameters
    ----------
    clocks : DataFrame or None
        Per-ticket clocks from ``siamlib.clocks`` (None: clock-stop rows are NaN).
    tables : mapping of str to DataFrame
        Tables by name: ``tickets``, ``ticket_events``, ``problems``, ``improvements``,
        ``surveys`` (missing tables count as empty).
    params : siamlib.params.Params
        Uses ``estate.integrator``, ``estate.suppliers``, ``estate.aged_after_days``,
        ``estate.timezone``.
    periods : sequence of str
        ``YYYY-MM`` periods.
    apply_exclusions : bool
        Leave the tickets in ``params.exclusions`` out (default).
    timeline : EventTimeline, optional
        An :class:`EventTimeline` of ``ticket_events`` the caller has already built (over
        these tickets or more) for the aged-ticket measures; built here when not given.

    Returns
    -------
    DataFrame
        Columns ``MEASURE_VALUE_COLUMNS``.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> mv = measure_values(None, {}, load_params(), ["2026-03"])
    >>> mv.query("measure == 'aged_ticket_reduction'")[["supplier_id", "value"]]
      supplier_id  value
    0  integrator    NaN
    """
    # One generic loop over the integrator entries of the measure registry (imported here:
    # the registry builds on this module's measures).
    from siamlib.measures import registry_integrator

    return registry_integrator.values(
        clocks, tables, params, periods, apply_exclusions=apply_exclusions, timeline=timeline
    )
