"""Aged tickets: tickets open at an instant, those open longer than the estate's ageing limit.

A ticket is open at an instant when it was opened before it and was not in a done status just
before it (see :func:`open_at`, which also says which supplier held it then); it is aged when it
is open longer than ``aged_after_days``. :class:`EventTimeline` sorts the events once so that the
monthly trend asks for many instants cheaply.

Per-supplier summaries carry one extra row, ``supplier_id == ALL``, for the whole estate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from siamlib.common import ALL, DEFAULT_AGE_BUCKETS, bucket_labels
from siamlib.measures.events import (
    _example_events,  # noqa: F401  (the doctests' events)
    _with_all,
)
from siamlib.periods import period_bounds
from siamlib.schema import DONE_STATUSES, OPEN_STATUSES


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


def is_aged(age_days: pd.Series, aged_after_days: int) -> pd.Series:
    """Whether an open ticket of ``age_days`` is aged: open *more* than ``aged_after_days``.

    >>> is_aged(pd.Series([30.0, 30.5]), 30).tolist()
    [False, True]
    """
    return age_days > aged_after_days


def aged_at(
    tickets: pd.DataFrame,
    at: pd.Timestamp,
    aged_after_days: int = 30,
    *,
    events: pd.DataFrame | EventTimeline | None = None,
) -> pd.DataFrame:
    """The tickets aged at instant ``at``: :func:`open_at`'s rows opened more than
    ``aged_after_days`` days before ``at`` (the one definition of *aged*).

    Examples
    --------
    >>> none = pd.to_datetime([None] * 2, utc=True)
    >>> t = pd.DataFrame({"ticket_id": ["A", "B"], "supplier_id": "net", "status": "assigned",
    ...     "opened_at": pd.to_datetime(["2026-01-01", "2026-01-30"], utc=True),
    ...     "resolved_at": none, "closed_at": none})
    >>> aged_at(t, pd.Timestamp("2026-03-01", tz="UTC"), 30)["ticket_id"].tolist()  # 59, 30 days
    ['A']
    """
    o = open_at(tickets, at, events=events)
    return o[is_aged(o["age_days"], aged_after_days)].reset_index(drop=True)


def backlog_held(
    tickets: pd.DataFrame,
    events: pd.DataFrame | EventTimeline,
    at: Iterable[pd.Timestamp],
    *,
    buckets: Sequence[int] = DEFAULT_AGE_BUCKETS,
) -> pd.DataFrame:
    """The backlog at each instant of ``at`` by age bucket, per supplier holding the tickets.

    The tower reports' backlog chart, from :func:`open_at` (the one definition of "open at an
    instant" and of who held a ticket then, which the aged-ticket measures and their evidence
    use): a ticket counts for the supplier holding it at the instant, not the one that
    resolved it later, and a reopened ticket is not open between its resolution and its
    reopening. A bucket holds the tickets open *more* than the edge below it and at most its
    own edge, so the last bucket is :func:`is_aged` with the last edge as threshold: the
    tickets of the aged-ticket evidence (5.5 days is in 6-10; 30.5 in >30).

    Returns
    -------
    DataFrame
        ``supplier_id``, ``at``, ``bucket`` (:func:`siamlib.common.bucket_labels`), ``count``;
        every bucket for every supplier holding or of record and every instant (0 when empty).

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "net", "sd"]})  # net holds it 10:00-11:00
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "supplier_id": ["sd"], "status": "resolved",
    ...     "opened_at": pd.Timestamp("2026-03-02 09:00Z"),
    ...     "resolved_at": pd.Timestamp("2026-03-02 11:00Z"), "closed_at": pd.NaT})
    >>> b = backlog_held(t, ev, [pd.Timestamp("2026-03-02 10:30Z")])
    >>> b[b["count"] > 0][["supplier_id", "bucket", "count"]].to_dict("records")
    [{'supplier_id': 'net', 'bucket': '0-5', 'count': 1}]
    """
    labels = np.asarray(bucket_labels(buckets), dtype=object)
    moments = sorted({pd.Timestamp(a) for a in at})
    timeline = events if isinstance(events, EventTimeline) else EventTimeline(tickets, events)
    parts = []
    for moment in moments:
        o = open_at(tickets, moment, events=timeline)
        o["at"] = moment
        o["bucket"] = labels[np.searchsorted(np.asarray(buckets), o["age_days"], side="left")]
        parts.append(o[["supplier_id", "at", "bucket"]])
    rows = pd.concat(parts, ignore_index=True)
    counts = rows.groupby(["supplier_id", "at", "bucket"]).size().rename("count")
    who = pd.Index(tickets["supplier_id"]).union(pd.Index(rows["supplier_id"])).dropna().unique()
    grid = pd.MultiIndex.from_product(
        [who, pd.Index(moments), labels], names=["supplier_id", "at", "bucket"]
    )
    out = counts.reindex(grid, fill_value=0).reset_index()
    return out.astype({"count": "int64"})


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
    o["aged"] = is_aged(o["age_days"], aged_after_days)
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
    return aged_ticket_trend(
        tickets, [period], aged_after_days, events=events, tz=tz, suppliers=suppliers
    )


def _reduction(a: pd.DataFrame, b: pd.DataFrame, period: str) -> pd.DataFrame:
    """:func:`aged_ticket_reduction`'s rows from :func:`aged_tickets` at its two instants."""
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
    at: dict[pd.Timestamp, pd.DataFrame] = {}

    def aged(instant: pd.Timestamp) -> pd.DataFrame:
        # A month's end is the next month's start: each instant is counted once.
        if instant not in at:
            at[instant] = aged_tickets(
                tickets, instant, aged_after_days, events=events, suppliers=suppliers
            )
        return at[instant]

    frames = []
    for p in periods:
        start, end = period_bounds(p, tz)
        frames.append(_reduction(aged(start), aged(end), p))
    return pd.concat(frames, ignore_index=True)
