"""Per-ticket SLA clocks: response and resolution time in business hours, pauses, breaches.

Each ticket is measured on the contract of its resolver of record (``tickets.supplier_id``):
that contract's clock rules (:class:`siamlib.params.ClockRules`) and the SLA targets in force on
the ticket's opened date (local date in the estate's reporting zone), each target on its own
named calendar (:mod:`siamlib.calendar`).

Everything is measured *as at* ``as_of``: events after it are ignored, tickets opened after it
are left out, and open clocks run up to it. Events of tickets missing from ``tickets`` are
ignored.

How the clocks run
------------------
The ``ticket_events`` of a ticket, ordered by ``event_seq``, cut its life into intervals
``[event_at, next event_at)`` (the last one ends at ``as_of``), each in the status of its
event. An interval is

- *running* in an open status (``new`` .. ``awaiting_problem``) that is not a pause status of
  the contract,
- *paused* in one of the contract's ``pause_statuses``,
- *stopped* in ``resolved``, ``closed`` or ``cancelled``.

Its business time is ``B(end) - B(start)`` on the ticket's calendar. Intervals are clipped to
start no earlier than ``opened_at``; an interval whose next event is earlier than its own
(out-of-order data) counts zero.

- ``resolution_h``: business hours running, summed over every open cycle (reopens included);
  ``paused_h``: business hours paused (both on the resolution target's calendar).
- ``response_h``: business hours from ``opened_at`` to the first response on the response
  target's calendar. The response clock ends at ``first_response_at``, or, when none was
  recorded, when the ticket first entered a stopped status (a resolution answers the caller),
  or at ``as_of``. With ``response_pause: before_first_response`` paused intervals before that
  end are left out; with ``none`` they count.
- ``reopen: resume``: one clock across all cycles, so ``resolution_breached`` (clock over
  target) and ``ever_breached`` agree. ``reopen: restart``: each cycle (from opening or a reopen
  to the next stop) is measured on its own; ``resolution_breached``, ``elapsed_share``,
  ``at_risk_band`` and ``resolution_breached_at`` judge the latest cycle (``last_cycle_h``),
  ``ever_breached`` is true when any cycle went over target — the contract's verdict.
- A clock is breached when it is *over* its target (exactly on target is met).
  ``<clock>_breached_at`` is the instant the clock reached the target.

Decisions for what the data does not say
----------------------------------------
- A ticket without events (at ``as_of``) is one running interval from ``opened_at`` in status
  ``new``, stopped at ``resolved_at`` (status ``resolved``) and ``closed_at`` (``closed``, or
  ``cancelled`` when the ticket's status is cancelled). A cancelled ticket without either time
  is taken as cancelled when opened. If the first event comes after ``opened_at``, the gap is
  running time in status ``new``.
- Cancelled tickets (status ``cancelled`` at ``as_of``) are excluded from breach: their breach
  flags and at-risk band are missing.
- A ticket with no target for a clock (e.g. the integrator's contract has none) has missing
  target, breach and share; its hours are still measured, on the contract's ``business``
  calendar (or its first calendar when there is no ``business``).
- Several targets in force for one priority and clock: the one with the latest
  ``effective_from`` wins.
- ``at_risk_band`` is given for open, not cancelled tickets with a target only (missing
  otherwise). Band edges are the contract's ``at_risk_bands``, lower edges inclusive, e.g.
  ``<50%``, ``50-75%``, ``75-85%``, ``85-95%``, ``>95%`` (95% up to and including 100%), and
  ``breached`` over 100%.
- ``pause_before_resolution``: a completed ticket whose last open status before its final
  resolution (entry into ``resolved`` or ``closed``) was a pause status.
- In :func:`time_by_supplier` an interval is held by the supplier of the latest event that
  names one (``ticket_events.supplier_id``); intervals before the first such event belong to
  the first supplier named, and tickets naming none to their resolver of record.

No Python loop runs per ticket or per event: intervals are arrays, calendars are looked up per
distinct calendar (a handful), and sums are ``np.bincount``.

Examples
--------
>>> import pandas as pd
>>> from siamlib.params import load_params
>>> tickets = pd.DataFrame({
...     "ticket_id": ["T1"], "ticket_type": ["incident"], "supplier_id": ["hosting"],
...     "service": ["email"], "priority": [3], "opened_at": pd.to_datetime(["2026-04-10 20:00Z"]),
...     "first_response_at": pd.to_datetime(["2026-04-13 08:30Z"]),
...     "resolved_at": [pd.NaT], "closed_at": [pd.NaT], "status": ["in_progress"]})
>>> events = pd.DataFrame({"ticket_id": ["T1", "T1"], "event_seq": [1, 2],
...     "event_at": pd.to_datetime(["2026-04-10 20:00Z", "2026-04-13 08:30Z"]),
...     "status": ["new", "in_progress"], "supplier_id": ["hosting", "hosting"]})
>>> c = ticket_clocks(tickets, events, load_params(), pd.Timestamp("2026-04-13 12:00Z"))
>>> c[["response_h", "resolution_h", "resolution_actual_h", "at_risk_band"]].to_dict("records")
[{'response_h': 1.5, 'resolution_h': 5.0, 'resolution_actual_h': 64.0, 'at_risk_band': '<50%'}]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import calendar as calmod
from siamlib.calendar import NAT, US_PER_DAY, US_PER_HOUR, utc_microseconds
from siamlib.params import Params
from siamlib.schema import OPEN_STATUSES, TICKET_STATUSES, TIMESTAMP_DTYPE

_CODE = {s: i for i, s in enumerate(TICKET_STATUSES)}
_OPEN = np.array([s in OPEN_STATUSES for s in TICKET_STATUSES])
_DONE = ~_OPEN
_COMPLETED = np.array([s in ("resolved", "closed") for s in TICKET_STATUSES])
_NEW, _RESOLVED, _CLOSED, _CANCELLED = (
    _CODE[s] for s in ("new", "resolved", "closed", "cancelled")
)
_BIG = np.iinfo(np.int64).max
_EPOCH = dt.date(1970, 1, 1)
# Largest side-by-side per-minute table (calendars x minutes) built for B() look-ups: 8 years
# of two calendars; beyond it look-ups go calendar by calendar.
_STACK_MAX_CELLS = 8 * 1_100_000
_STACK_MIN_QUERY = 50_000  # look-ups at least this large build and use the table
_STACKS: dict = {}

#: Columns of :func:`ticket_clocks` and their dtypes.
CLOCK_DTYPES = {
    "ticket_id": "str",
    "supplier_id": "str",
    "ticket_type": "str",
    "priority": "Int64",
    "service": "str",
    "opened_at": TIMESTAMP_DTYPE,
    "first_response_at": TIMESTAMP_DTYPE,
    "resolved_at": TIMESTAMP_DTYPE,
    "status": "str",
    "response_target_h": "float64",
    "resolution_target_h": "float64",
    "response_calendar": "str",
    "resolution_calendar": "str",
    "response_h": "float64",
    "resolution_h": "float64",
    "paused_h": "float64",
    "resolution_actual_h": "float64",
    "cycles": "Int64",
    "last_cycle_h": "float64",
    "response_breached": "boolean",
    "resolution_breached": "boolean",
    "ever_breached": "boolean",
    "response_breached_at": TIMESTAMP_DTYPE,
    "resolution_breached_at": TIMESTAMP_DTYPE,
    "elapsed_share": "float64",
    "at_risk_band": "str",
    "pause_before_resolution": "bool",
    "is_open": "bool",
    "completed": "bool",
    "cancelled": "bool",
}
CLOCK_COLUMNS = tuple(CLOCK_DTYPES)
#: Columns of :func:`time_by_supplier` and their dtypes.
HOLD_DTYPES = {
    "ticket_id": "str",
    "supplier_id": "str",
    "held_h": "float64",
    "held_actual_h": "float64",
    "paused_h": "float64",
}
HOLD_COLUMNS = tuple(HOLD_DTYPES)


# ------------------------------------------------------------------------------ helpers ----
def _arrow(values) -> pa.Array | pa.ChunkedArray:
    """A column as an Arrow string array (zero-copy for pandas' Arrow-backed ``str``)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        arr = values
    else:
        arr = pa.array(values, from_pandas=True)
    if not pa.types.is_large_string(arr.type):
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)
        arr = arr.cast(pa.large_string())
    return arr


def _codes(values, categories) -> np.ndarray:
    """Position of each value in ``categories``; -1 when missing or unknown.

    Arrow's hash look-up: on millions of strings far faster than a categorical or factorize.
    """
    arr = _arrow(values)
    if isinstance(categories, pa.Array | pa.ChunkedArray):
        vs = _arrow(categories)
    else:
        vs = pa.array([str(c) for c in categories], type=pa.large_string())
    idx = pc.fill_null(pc.index_in(arr, value_set=vs), -1)
    return np.asarray(idx.to_numpy(zero_copy_only=False), dtype=np.int64)


def _codes_by_run(values, categories) -> np.ndarray:
    """:func:`_codes` for a column made of runs of equal values (events grouped by ticket):
    looks up one value per run."""
    arr = _arrow(values)
    n = len(arr)
    if n < 2:
        return _codes(arr, categories)
    change = pc.fill_null(pc.not_equal(arr[1:], arr[:-1]), True)
    starts = np.flatnonzero(np.r_[True, np.asarray(change.to_numpy(zero_copy_only=False))])
    if len(starts) > n // 2:  # no real runs: look everything up
        return _codes(arr, categories)
    codes = _codes(arr.take(pa.array(starts)), categories)
    return np.repeat(codes, np.diff(np.r_[starts, n]))


def _labels(codes: np.ndarray, vocab) -> pd.Series:
    """Strings ``vocab[code]`` as a pandas ``str`` column (-1 -> missing), via Arrow's take."""
    codes = np.asarray(codes, dtype=np.int64)
    words = pa.array([str(v) for v in vocab] or [""], type=pa.large_string())
    taken = words.take(pa.array(np.maximum(codes, 0), mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"))


def _ts(us: np.ndarray) -> pd.Series:
    out = pd.Series(np.where(us == NAT, NAT, us).astype("datetime64[us]"))
    return out.dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)


def _flags(values: np.ndarray, missing: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(values.astype(bool), missing.astype(bool))


def _seg_sum(keys: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Per-key sums of int64 microseconds, exact (bincount's float64 is exact below 2**53)."""
    return np.rint(np.bincount(keys, weights=weights, minlength=n)).astype(np.int64)


@dataclass
class _Setup:
    """Contract rules as lookup arrays, indexed by supplier code (sorted contract ids)."""

    suppliers: list[str]
    pause: np.ndarray  # (supplier, status) -> pause status
    restart: np.ndarray  # supplier -> reopen == restart
    response_pause: np.ndarray  # supplier -> response_pause == before_first_response
    bands: list[list[float]]
    default_calendar: list[str]

    @classmethod
    def from_params(cls, params: Params) -> _Setup:
        suppliers = sorted(params.contracts)
        pause = np.zeros((len(suppliers), len(TICKET_STATUSES)), dtype=bool)
        restart = np.zeros(len(suppliers), dtype=bool)
        rpause = np.zeros(len(suppliers), dtype=bool)
        bands, default = [], []
        for i, s in enumerate(suppliers):
            c = params.contracts[s]
            for st in c.clock.pause_statuses:
                pause[i, _CODE[st]] = True
            restart[i] = c.clock.reopen == "restart"
            rpause[i] = c.clock.response_pause == "before_first_response"
            bands.append(list(c.clock.at_risk_bands))
            default.append("business" if "business" in c.calendars else next(iter(c.calendars)))
        return cls(suppliers, pause, restart, rpause, bands, default)


class _Calendars:
    """Distinct calendars of a run, numbered; B() and its inverse per calendar group."""

    def __init__(self, params: Params, setup: _Setup):
        self.params, self.setup = params, setup
        self.keys: dict[str, int] = {}
        self.named: dict[tuple[str, str], int] = {}
        self.defs: list = []
        self.built: list[calmod.BusinessCalendar | None] = []
        self._stack = None

    def id_of(self, supplier: str, name: str) -> int:
        if (supplier, name) in self.named:
            return self.named[(supplier, name)]
        cal = self.params.contracts[supplier].calendars[name]
        key = cal.model_dump_json()
        if key not in self.keys:
            self.keys[key] = len(self.defs)
            self.defs.append(cal)
            self.built.append(None)
        self.named[(supplier, name)] = self.keys[key]
        return self.keys[key]

    def build(self, lo_us: int, hi_us: int) -> None:
        lo = pd.Timestamp(lo_us, unit="us", tz="UTC")
        hi = pd.Timestamp(hi_us + US_PER_DAY, unit="us", tz="UTC")
        self.built = [calmod.calendar_for(c, lo, hi) for c in self.defs]
        self._range = (lo_us, hi_us)
        self._stack = None  # built on the first large look-up

    def _minute_stack(self, lo_us: int, hi_us: int):
        """All calendars' per-minute B() tables over [lo, hi] side by side, so one gather
        serves rows on different calendars (no per-calendar masks). ``None`` when a calendar
        has a minute only partly in business time, or the tables would be too big. The last
        few are cached: ticket_clocks and time_by_supplier of one run share them."""
        base = lo_us // calmod.US_PER_MINUTE
        cells = hi_us // calmod.US_PER_MINUTE + 1 - base
        if cells * len(self.built) > _STACK_MAX_CELLS:
            return None
        key = (tuple(id(bc) for bc in self.built), base, cells)
        if key not in _STACKS:
            if len(_STACKS) >= 2:
                _STACKS.pop(next(iter(_STACKS)))
            # Keep the calendars alive with their table so the id() key stays theirs.
            _STACKS[key] = (list(self.built), self._build_stack(base, cells))
        return _STACKS[key][1]

    def _build_stack(self, base: int, cells: int):
        edges = (base + np.arange(cells + 1, dtype=np.int64)) * calmod.US_PER_MINUTE
        cums, busys = [], []
        for bc in self.built:
            b = bc.business_us_until(edges)
            per = np.diff(b)
            if not ((per == 0) | (per == calmod.US_PER_MINUTE)).all():
                return None
            cums.append(b[:-1])
            busys.append((per == calmod.US_PER_MINUTE).astype(np.int8))
        return base, cells, np.concatenate(cums), np.concatenate(busys)

    def _groups(self, ids: np.ndarray):
        present = np.flatnonzero(np.bincount(ids, minlength=len(self.defs)))
        if len(present) == 1:
            yield int(present[0]), slice(None)
        else:
            for g in present:
                yield int(g), ids == g

    def until(self, ids: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """B(t) in microseconds, each t on its own calendar."""
        if len(ts) >= _STACK_MIN_QUERY and self._stack is None:
            self._stack = self._minute_stack(*self._range) or False
        if self._stack and len(ts) >= _STACK_MIN_QUERY:
            base, cells, cum, busy = self._stack
            m = ts // calmod.US_PER_MINUTE - base
            if m.min() >= 0 and m.max() < cells:
                k = ids * cells + m
                return cum[k] + busy[k] * (ts - (m + base) * calmod.US_PER_MINUTE)
        out = np.zeros(len(ts), dtype=np.int64)
        for g, m in self._groups(ids):
            out[m] = self.built[g].business_us_until(ts[m])
        return out

    def instant(self, ids: np.ndarray, b_us: np.ndarray) -> np.ndarray:
        """Earliest instant t with B(t) >= b (inverse of :meth:`until`)."""
        out = np.zeros(len(b_us), dtype=np.int64)
        for g, m in self._groups(ids):
            out[m] = self.built[g].instant_at(b_us[m])
        return out


def _targets(t: pd.DataFrame, sup: np.ndarray, opened: np.ndarray, params, setup, cals):
    """Targets (hours) and calendar ids per ticket and clock, from the contract in force on
    the ticket's opened date (local date in the reporting zone). One Python step per supplier
    and *era* (span of days between two effective dates of its targets), not per ticket."""
    tz = params.estate.timezone
    starts, offsets = calmod.offset_regimes(tz, int(opened.min()), int(opened.max()))
    off = offsets[np.searchsorted(starts, opened, side="right") - 1]
    day = (opened + off) // US_PER_DAY
    era = np.zeros(len(day), dtype=np.int64)
    for s, supplier in enumerate(setup.suppliers):
        edges = set()
        for tg in params.contracts[supplier].sla_targets:
            edges.add((tg.effective_from - _EPOCH).days)
            if tg.effective_to is not None:
                edges.add((tg.effective_to - _EPOCH).days)
        if edges:
            m = sup == s
            era[m] = np.searchsorted(np.array(sorted(edges)), day[m], side="right")
    key = sup.astype(np.int64) * 1_000_000 + era
    uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
    n_u = len(uniq)
    res = {c: np.full((n_u, 5), np.nan) for c in ("response", "resolution")}
    cal_id = {c: np.zeros((n_u, 5), dtype=np.int64) for c in ("response", "resolution")}
    cal_name = {c: np.zeros((n_u, 5), dtype=np.int64) for c in ("response", "resolution")}
    names: list[str] = []
    for u, k in enumerate(uniq):
        s = int(k // 1_000_000)
        on = _EPOCH + dt.timedelta(days=int(day[first[u]]))  # any day of the era will do
        supplier = setup.suppliers[s]
        chosen: dict[tuple[int, str], object] = {}
        for tg in params.contracts[supplier].targets_on(on):
            prev = chosen.get((tg.priority, tg.clock))
            if prev is None or tg.effective_from >= prev.effective_from:
                chosen[(tg.priority, tg.clock)] = tg
        for clock in ("response", "resolution"):
            for p in range(5):
                tg = chosen.get((p, clock))
                name = tg.calendar if tg is not None else setup.default_calendar[s]
                cal_id[clock][u, p] = cals.id_of(supplier, name)
                if name not in names:
                    names.append(name)
                cal_name[clock][u, p] = names.index(name)
                if tg is not None:
                    res[clock][u, p] = tg.target_hours
    prio = t["priority"].to_numpy(dtype="float64", na_value=np.nan)
    p = np.where((prio >= 1) & (prio <= 4), np.nan_to_num(prio), 0).astype(np.int64)
    out = {}
    for clock in ("response", "resolution"):
        name_of = _labels(cal_name[clock][inv, p], names)
        out[clock] = (res[clock][inv, p], cal_id[clock][inv, p], name_of)
    return out


def _target_us(hours: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(hours), -1, np.rint(np.nan_to_num(hours) * US_PER_HOUR)).astype(
        np.int64
    )


def _crossing(grp, start, bstart, dur, cal, target, cals) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by group: the instant each group's cumulative ``dur`` first exceeds
    ``target`` (per row, the group's target). Returns (group, instant) for crossing groups."""
    if len(grp) == 0:
        return grp, grp
    first = np.r_[True, grp[1:] != grp[:-1]]
    cs = np.cumsum(dur)
    base = (cs - dur)[first]
    cum_after = cs - np.repeat(base, np.diff(np.r_[np.flatnonzero(first), len(grp)]))
    cum_before = cum_after - dur
    hit = (cum_after > target) & (cum_before <= target)
    y = bstart[hit] + (target[hit] - cum_before[hit])
    return grp[hit], np.maximum(cals.instant(cal[hit], y), start[hit])


def _event_order(tix: np.ndarray, seq: np.ndarray, at: np.ndarray, st: np.ndarray) -> np.ndarray:
    """Permutation sorting events by (ticket, seq).

    Extracts usually hold each ticket's events together and in order, just not in ticket-id
    order: then only the runs are sorted (one per ticket) and expanded. Otherwise a single
    int64 key (ticket, seq) is sorted; ties on it (duplicate keys) fall back to a full sort
    by time then status, so any input order gives the same intervals.
    """
    n = len(tix)
    starts = np.flatnonzero(np.r_[True, tix[1:] != tix[:-1]])
    lengths = np.diff(np.r_[starts, n])
    in_runs = bool(np.all((tix[1:] != tix[:-1]) | (seq[1:] > seq[:-1])))
    if in_runs:
        ro = np.argsort(tix[starts], kind="stable")
        if np.all(np.diff(tix[starts][ro]) > 0):  # each ticket in one run
            ln = lengths[ro]
            return np.repeat(starts[ro] - (np.cumsum(ln) - ln), ln) + np.arange(n)
    lo, hi = int(seq.min()), int(seq.max())
    if hi - lo < 2**20 and int(tix.max()) < 2**42:
        key = tix * (hi - lo + 1) + (seq - lo)
        order = np.argsort(key, kind="stable")
        if np.all(np.diff(key[order]) > 0):
            return order
    return np.lexsort((st, at, seq, tix))


# ---------------------------------------------------------------------------- intervals ----
@dataclass
class _Run:
    t: pd.DataFrame  # tickets in scope, sorted by ticket_id
    n: int
    as_of: int
    opened: np.ndarray
    sup: np.ndarray
    setup: _Setup
    cals: _Calendars
    targets: dict
    tix: np.ndarray  # row -> ticket
    start: np.ndarray
    end: np.ndarray
    st: np.ndarray  # status code
    hold: np.ndarray | None
    hold_names: list[str]
    seg_start: np.ndarray
    seg_end: np.ndarray
    paused: np.ndarray
    running: np.ndarray
    b_start: np.ndarray  # B(start) on the resolution calendar
    dur: np.ndarray  # business microseconds of each interval (resolution calendar)


def _run(tickets, events, params: Params, as_of, holders: bool = False) -> _Run | None:
    as_of_us = int(utc_microseconds([pd.Timestamp(as_of)])[0])
    setup = _Setup.from_params(params)

    # ------------------------------------------------ tickets in scope, sorted by id
    opened_all = utc_microseconds(tickets["opened_at"])
    scope = (opened_all != NAT) & (opened_all <= as_of_us)
    t = tickets if scope.all() else tickets.loc[scope]
    ids = _arrow(t["ticket_id"])
    if pc.any(pc.is_null(ids)).as_py():
        raise ValueError("tickets: missing ticket_id")
    ascending = len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py()
    if not ascending:
        order = np.asarray(pc.sort_indices(ids).to_numpy(zero_copy_only=False))
        t = t.iloc[order]
        ids = ids.take(pa.array(order))
        dup = np.asarray(pc.equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False))
        if dup.any():
            dupes = ids.take(pa.array(np.flatnonzero(dup)[:5])).to_pylist()
            raise ValueError(f"tickets: duplicate ticket_id {', '.join(map(str, dupes))}")
    t = t.reset_index(drop=True)
    n = len(t)
    if n == 0:
        return None
    opened = utc_microseconds(t["opened_at"])
    sup = _codes(t["supplier_id"], setup.suppliers)
    if (sup < 0).any():
        bad = t.loc[sup < 0, ["ticket_id", "supplier_id"]].head(5).to_records(index=False)
        raise ValueError(
            "tickets: supplier_id without a contract in params (ticket, supplier): "
            + ", ".join(f"{a} {b!r}" for a, b in bad)
        )
    cals = _Calendars(params, setup)
    targets = _targets(t, sup, opened, params, setup, cals)
    cals.build(int(opened.min()), as_of_us)

    # ------------------------------------------------ real events, sorted by ticket, seq
    e_tix = _codes_by_run(events["ticket_id"], ids) if len(events) else np.empty(0, np.int64)
    e_at = utc_microseconds(events["event_at"])
    e_st = _codes(events["status"], TICKET_STATUSES) if len(events) else np.empty(0, np.int64)
    keep = (e_tix >= 0) & (e_at != NAT) & (e_at <= as_of_us)
    if (e_st[keep] < 0).any():
        bad = pd.Series(events["status"]).to_numpy()[keep & (e_st < 0)][:5]
        raise ValueError(f"ticket_events: unknown status {', '.join(map(repr, bad))}")
    seq = pd.Series(events["event_seq"])
    seq = seq.to_numpy(dtype="int64") if seq.notna().all() else seq.fillna(_BIG).to_numpy("int64")
    hold_names: list[str] = []
    e_hold = None
    if holders:
        hold_col = pd.Series(events["supplier_id"])
        seen = pc.unique(_arrow(hold_col).drop_null()).to_pylist() if len(events) else []
        hold_names = sorted(set(setup.suppliers) | set(seen))
        e_hold = _codes_by_run(hold_col, hold_names) if len(events) else np.empty(0, np.int64)
    if not keep.all():
        e_tix, e_at, e_st, seq = e_tix[keep], e_at[keep], e_st[keep], seq[keep]
        if e_hold is not None:
            e_hold = e_hold[keep]
    ordered = len(e_tix) < 2 or bool(
        np.all((e_tix[1:] > e_tix[:-1]) | ((e_tix[1:] == e_tix[:-1]) & (seq[1:] > seq[:-1])))
    )
    if not ordered:
        order = _event_order(e_tix, seq, e_at, e_st)
        e_tix, e_at, e_st = e_tix[order], e_at[order], e_st[order]
        if e_hold is not None:
            e_hold = e_hold[order]

    # ------------------------------------------------ synthetic rows
    n_real = np.bincount(e_tix, minlength=n)
    has_ev = n_real > 0
    real_start = np.cumsum(n_real) - n_real
    first_at = np.full(n, _BIG, dtype=np.int64)
    first_at[has_ev] = e_at[real_start[has_ev]]
    lead = has_ev & (first_at > opened)
    none = ~has_ev
    res_at = utc_microseconds(t["resolved_at"])
    clo_at = utc_microseconds(t["closed_at"])
    t_cancel = _codes(t["status"], ["cancelled"]) == 0
    r_ok = none & (res_at != NAT) & (res_at <= as_of_us)
    c_ok = none & (clo_at != NAT) & (clo_at <= as_of_us)
    x_ok = none & t_cancel & (clo_at == NAT)  # cancelled, time unknown: at opening
    s_tix = [np.flatnonzero(lead | none), np.flatnonzero(r_ok), np.flatnonzero(c_ok)]
    s_tix.append(np.flatnonzero(x_ok))
    s_at = [opened[s_tix[0]], res_at[s_tix[1]], clo_at[s_tix[2]], opened[s_tix[3]]]
    s_st = [
        np.full(len(s_tix[0]), _NEW),
        np.full(len(s_tix[1]), _RESOLVED),
        np.where(t_cancel[s_tix[2]], _CANCELLED, _CLOSED),
        np.full(len(s_tix[3]), _CANCELLED),
    ]
    s_ord = np.concatenate([np.full(len(a), k) for k, a in enumerate(s_tix)])
    s_tix_a, s_at_a = np.concatenate(s_tix), np.concatenate(s_at)
    s_st_a = np.concatenate(s_st).astype(np.int64)
    o = np.argsort(s_tix_a * 4 + s_ord, kind="stable")
    s_tix_a, s_at_a, s_st_a = s_tix_a[o], s_at_a[o], s_st_a[o]

    # Merge by position: a ticket's synthetic rows precede its real rows.
    n_syn = np.bincount(s_tix_a, minlength=n)
    seg_start = np.cumsum(n_syn + n_real) - (n_syn + n_real)
    nrows = int(n_syn.sum() + n_real.sum())
    if len(s_tix_a) == 0:
        tix, at, st, hold = e_tix, e_at, e_st, e_hold
    else:
        real_pos = seg_start[e_tix] + n_syn[e_tix] + (np.arange(len(e_tix)) - real_start[e_tix])
        syn_first = np.cumsum(n_syn) - n_syn
        syn_pos = seg_start[s_tix_a] + (np.arange(len(s_tix_a)) - syn_first[s_tix_a])
        tix = np.empty(nrows, dtype=np.int64)
        at = np.empty(nrows, dtype=np.int64)
        st = np.empty(nrows, dtype=np.int64)
        tix[real_pos], tix[syn_pos] = e_tix, s_tix_a
        at[real_pos], at[syn_pos] = e_at, s_at_a
        st[real_pos], st[syn_pos] = e_st, s_st_a
        hold = None
        if e_hold is not None:
            hold = np.full(nrows, -1, dtype=np.int64)
            hold[real_pos] = e_hold
        del real_pos, syn_pos

    # The per-event inputs are merged into tix/at/st/hold now; dropping them here keeps the
    # interval arrays below from stacking on top of them (the peak of the batch at 1M tickets).
    del e_tix, e_at, e_st, e_hold, seq, keep
    # ------------------------------------------------ intervals
    seg_end = np.r_[seg_start[1:], nrows]
    same_next = np.r_[tix[1:] == tix[:-1], False]
    start = np.maximum(at, opened[tix])
    end = np.where(same_next, np.r_[at[1:], 0], as_of_us)
    end = np.maximum(np.minimum(end, as_of_us), start)
    paused = setup.pause[sup[tix], st]
    running = _OPEN[st] & ~paused

    res_cal = targets["resolution"][1][tix]
    b_start = cals.until(res_cal, start)
    # Most intervals end where the next one starts: reuse its B() instead of a second look-up.
    b_end = np.empty(nrows, dtype=np.int64)
    reuse = same_next & (end == np.r_[start[1:], 0])
    b_end[:-1][reuse[:-1]] = b_start[1:][reuse[:-1]]
    other = ~reuse
    b_end[other] = cals.until(res_cal[other], end[other])
    del res_cal, reuse, other, same_next
    b_end -= b_start  # in place: the durations, without a third array of this size
    return _Run(
        t=t,
        n=n,
        as_of=as_of_us,
        opened=opened,
        sup=sup,
        setup=setup,
        cals=cals,
        targets=targets,
        tix=tix,
        start=start,
        end=end,
        st=st,
        hold=hold,
        hold_names=hold_names,
        seg_start=seg_start,
        seg_end=seg_end,
        paused=paused,
        running=running,
        b_start=b_start,
        dur=b_end,
    )


# ------------------------------------------------------------------------ ticket clocks ----
def _empty(dtypes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in dtypes.items()})


def ticket_clocks(
    tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of
) -> pd.DataFrame:
    """SLA clocks of every ticket opened by ``as_of``, measured as at ``as_of``.

    Parameters
    ----------
    tickets, events : DataFrame
        The ``tickets`` and ``ticket_events`` tables (:mod:`siamlib.schema`); events need
        ``ticket_id, event_seq, event_at, status``. Row order does not matter.
    params : siamlib.params.Params
        Contracts (calendars, clock rules, SLA targets) and the estate's reporting zone.
    as_of : timestamp-like, timezone-aware
        The instant the clocks are read at.

    Returns
    -------
    DataFrame
        One row per ticket, sorted by ``ticket_id``, columns :data:`CLOCK_COLUMNS`. Hours are
        float hours; ``*_breached``, ``pause_before_resolution`` are nullable booleans;
        ``status`` is the status at ``as_of``. See the module docstring for the rules.

    Examples
    --------
    Opened Friday 21:00, first response Monday 09:30 on a weekday 08:00-18:00 calendar, P3:

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "ticket_type": ["incident"],
    ...     "supplier_id": ["euc"], "service": ["laptops"], "priority": [3],
    ...     "opened_at": pd.to_datetime(["2026-01-09 21:00Z"]),
    ...     "first_response_at": pd.to_datetime(["2026-01-12 09:30Z"]),
    ...     "resolved_at": pd.to_datetime(["2026-01-12 11:00Z"]), "closed_at": [pd.NaT],
    ...     "status": ["resolved"]})
    >>> e = pd.DataFrame(columns=["ticket_id", "event_seq", "event_at", "status"])
    >>> c = ticket_clocks(t, e, load_params(), "2026-02-01T00:00Z")
    >>> c[["response_h", "resolution_h", "resolution_actual_h", "completed"]].to_dict("records")
    [{'response_h': 1.5, 'resolution_h': 3.0, 'resolution_actual_h': 62.0, 'completed': True}]
    """
    return _clocks_of(_run(tickets, events, params, as_of))


def clocks_and_attribution(
    tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`ticket_clocks` and :func:`time_by_supplier` from one pass over the events.

    The monthly batch needs both; building the ticket intervals once instead of twice halves
    the clock stage on large estates. The results equal the two functions' own.

    Examples
    --------
    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "ticket_type": ["incident"],
    ...     "supplier_id": ["hosting"], "service": ["email"], "priority": [1],
    ...     "opened_at": pd.to_datetime(["2026-05-05 10:00Z"]), "first_response_at": [pd.NaT],
    ...     "resolved_at": [pd.NaT], "closed_at": [pd.NaT], "status": ["resolved"]})
    >>> e = pd.DataFrame({"ticket_id": "T1", "event_seq": [1, 2],
    ...     "event_at": pd.to_datetime(["2026-05-05 10:00Z", "2026-05-05 12:30Z"]),
    ...     "status": ["assigned", "resolved"], "supplier_id": ["hosting", "hosting"]})
    >>> c, a = clocks_and_attribution(t, e, load_params(), "2026-05-06T00:00Z")
    >>> c["resolution_h"].item(), a["held_h"].item()
    (2.5, 2.5)
    """
    run = _run(tickets, events, params, as_of, holders=True)
    return _clocks_of(run), _attribution_of(run)


def _clocks_of(run: _Run | None) -> pd.DataFrame:
    """The body of :func:`ticket_clocks` on prepared intervals."""
    if run is None:
        return _empty(CLOCK_DTYPES)
    n, tix, st, setup, cals = run.n, run.tix, run.st, run.setup, run.cals
    seg_start, seg_end = run.seg_start, run.seg_end
    rows = np.arange(len(tix))
    last = seg_end - 1

    # Rows are grouped by ticket (every ticket has one at least): segment sums, exact int64.
    run_dur = np.where(run.running, run.dur, 0)
    resolution_us = np.add.reduceat(run_dur, seg_start)
    paused_us = np.add.reduceat(np.where(run.paused, run.dur, 0), seg_start)
    status = st[last]
    is_open = _OPEN[status]
    completed = _COMPLETED[status]
    cancelled = status == _CANCELLED

    # Cycles: a new one starts at a ticket's first row and at every reopen.
    prev_done = np.r_[False, _DONE[st[:-1]]] & np.r_[False, tix[1:] == tix[:-1]]
    cyc_first = np.r_[True, tix[1:] != tix[:-1]] | (_OPEN[st] & prev_done)
    cyc = np.cumsum(cyc_first) - 1
    cyc_us = np.add.reduceat(run_dur, np.flatnonzero(cyc_first))
    cyc_tix = tix[cyc_first]
    cycles = cyc[last] - cyc[seg_start] + 1
    last_cycle_us = cyc_us[cyc[last]]

    # Final stop: the row after the last open row (or the first row if never open).
    last_open = np.maximum.reduceat(np.where(_OPEN[st], rows, -1), seg_start)
    stop_row = np.where(last_open >= 0, np.minimum(last_open + 1, last), seg_start)
    stopped_at = np.where(_DONE[status], run.start[stop_row], NAT)
    pause_before = completed & (last_open >= 0) & run.paused[np.maximum(last_open, 0)]

    # ------------------------------------------------ targets
    resp_h, resp_cal, resp_name = run.targets["response"]
    res_h, res_cal, res_name = run.targets["resolution"]
    resp_t, res_t = _target_us(resp_h), _target_us(res_h)
    restart = setup.restart[run.sup]

    # ------------------------------------------------ response clock
    fr = utc_microseconds(run.t["first_response_at"])
    fr_ok = (fr != NAT) & (fr <= run.as_of)
    first_done = np.minimum.reduceat(np.where(_DONE[st], rows, _BIG), seg_start)
    first_stop = np.where(first_done < seg_end, run.start[np.minimum(first_done, last)], _BIG)
    resp_end = np.minimum(np.minimum(np.where(fr_ok, fr, _BIG), first_stop), run.as_of)
    resp_end = np.maximum(resp_end, run.opened)
    b_open = cals.until(resp_cal, run.opened)
    response_us = cals.until(resp_cal, resp_end) - b_open
    # Response rows: intervals clipped to [opened, resp_end); paused ones excluded under
    # before_first_response. Only the rows of tickets that need them are looked at: those
    # under that rule, and (for the breach instant) those whose response breached.
    r_pause = setup.response_pause[run.sup]
    if r_pause.any():
        pr = np.flatnonzero(r_pause[tix] & run.paused)
        r_e = np.minimum(run.end[pr], resp_end[tix[pr]])
        keep = r_e > run.start[pr]
        pr, r_e = pr[keep], r_e[keep]
        r_cal = resp_cal[tix[pr]]
        lost = cals.until(r_cal, r_e) - cals.until(r_cal, run.start[pr])
        response_us -= _seg_sum(tix[pr], lost, n)
    response_breached = (resp_t >= 0) & (response_us > resp_t)
    response_at = np.full(n, NAT, dtype=np.int64)
    if response_breached.any():
        rows_b = np.flatnonzero(response_breached[tix])
        rt = tix[rows_b]
        r_s = run.start[rows_b]
        r_e = np.minimum(run.end[rows_b], resp_end[rt])
        keep = r_e > r_s
        rows_b, rt, r_s, r_e = rows_b[keep], rt[keep], r_s[keep], r_e[keep]
        r_cal = resp_cal[rt]
        bs = cals.until(r_cal, r_s)
        d = cals.until(r_cal, r_e) - bs
        d = np.where(r_pause[rt] & run.paused[rows_b], 0, d)
        g, when = _crossing(rt, r_s, bs, d, r_cal, resp_t[rt], cals)
        response_at[g] = when

    # ------------------------------------------------ resolution clock
    clock_us = np.where(restart, last_cycle_us, resolution_us)
    has_res_t = res_t >= 0
    resolution_breached = has_res_t & (clock_us > res_t)
    cyc_breach = np.bincount(cyc_tix, weights=cyc_us > res_t[cyc_tix], minlength=n) > 0
    ever_breached = np.where(restart, has_res_t & cyc_breach, resolution_breached)
    resolution_at = np.full(n, NAT, dtype=np.int64)
    rows_b = np.flatnonzero(resolution_breached[tix] & run.running)
    if len(rows_b):
        rt = tix[rows_b]
        # Under restart only the latest cycle's rows count towards its breach instant.
        rows_b = rows_b[~restart[rt] | (cyc[rows_b] == cyc[last[rt]])]
        rt = tix[rows_b]
        g, when = _crossing(
            rt,
            run.start[rows_b],
            run.b_start[rows_b],
            run.dur[rows_b],
            res_cal[rt],
            res_t[rt],
            cals,
        )
        resolution_at[g] = when

    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has_res_t, clock_us / np.where(has_res_t, res_t, 1), np.nan)
    band = np.full(n, -1, dtype=np.int64)  # code into band_vocab; -1: no band
    band_vocab = ["breached"]
    banded = is_open & has_res_t
    for s in np.unique(run.sup[banded]):
        m = banded & (run.sup == s)
        edges = setup.bands[s]
        codes = []
        for label in _band_labels(edges):
            if label not in band_vocab:
                band_vocab.append(label)
            codes.append(band_vocab.index(label))
        band[m] = np.asarray(codes)[np.searchsorted(edges, share[m], side="right")]
    band[banded & (clock_us > res_t)] = 0

    actual_end = np.where(_DONE[status], stopped_at, run.as_of)
    t = run.t
    no_resp_t, no_res_t = resp_t < 0, ~has_res_t
    out = pd.DataFrame(
        {
            "ticket_id": t["ticket_id"].astype("str").array,
            "supplier_id": t["supplier_id"].astype("str").array,
            "ticket_type": t["ticket_type"].astype("str").array,
            "priority": t["priority"].astype("Int64").array,
            "service": t["service"].astype("str").array,
            "opened_at": _ts(run.opened),
            "first_response_at": _ts(np.where(fr_ok, fr, NAT)),
            "resolved_at": _ts(np.where(completed, stopped_at, NAT)),
            "status": _labels(status, TICKET_STATUSES).array,
            "response_target_h": resp_h,
            "resolution_target_h": res_h,
            "response_calendar": resp_name.array,
            "resolution_calendar": res_name.array,
            "response_h": response_us / US_PER_HOUR,
            "resolution_h": resolution_us / US_PER_HOUR,
            "paused_h": paused_us / US_PER_HOUR,
            "resolution_actual_h": (actual_end - run.opened) / US_PER_HOUR,
            "cycles": pd.arrays.IntegerArray(cycles, np.zeros(n, dtype=bool)),
            "last_cycle_h": last_cycle_us / US_PER_HOUR,
            "response_breached": _flags(response_breached, no_resp_t | cancelled),
            "resolution_breached": _flags(resolution_breached, no_res_t | cancelled),
            "ever_breached": _flags(ever_breached, no_res_t | cancelled),
            "response_breached_at": _ts(np.where(cancelled, NAT, response_at)),
            "resolution_breached_at": _ts(np.where(cancelled, NAT, resolution_at)),
            "elapsed_share": share,
            "at_risk_band": _labels(band, band_vocab).array,
            "pause_before_resolution": pause_before,
            "is_open": is_open,
            "completed": completed,
            "cancelled": cancelled,
        }
    )
    return out


def _band_labels(edges: list[float]) -> list[str]:
    """Labels of the at-risk bands for lower edges ``edges`` (shares of the target).

    >>> _band_labels([0.5, 0.75, 0.85, 0.95])
    ['<50%', '50-75%', '75-85%', '85-95%', '>95%']
    """
    pct = [f"{e * 100:g}" for e in edges]
    return (
        [f"<{pct[0]}%"]
        + [f"{a}-{b}%" for a, b in zip(pct, pct[1:], strict=False)]
        + [f">{pct[-1]}%"]
    )


# --------------------------------------------------------------------- time by supplier ----
def time_by_supplier(
    tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of
) -> pd.DataFrame:
    """Resolution time of each ticket split by the supplier holding it (handoff attribution).

    Measured on the ticket's resolution calendar (its resolver of record's contract), so per
    ticket ``held_h`` sums to :func:`ticket_clocks`' ``resolution_h``.

    Returns
    -------
    DataFrame
        ``ticket_id, supplier_id, held_h`` (business hours running while held),
        ``held_actual_h`` (wall-clock hours held in an open status, paused included),
        ``paused_h`` (business hours paused while held). One row per ticket and supplier that
        held it while open, sorted by ticket then supplier.

    Examples
    --------
    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "ticket_type": ["incident"],
    ...     "supplier_id": ["hosting"], "service": ["email"], "priority": [1],
    ...     "opened_at": pd.to_datetime(["2026-05-05 10:00Z"]), "first_response_at": [pd.NaT],
    ...     "resolved_at": [pd.NaT], "closed_at": [pd.NaT], "status": ["resolved"]})
    >>> e = pd.DataFrame({"ticket_id": "T1", "event_seq": [1, 2, 3],
    ...     "event_at": pd.to_datetime(["2026-05-05 10:00Z", "2026-05-05 10:30Z",
    ...                                 "2026-05-05 12:30Z"]),
    ...     "status": ["new", "assigned", "resolved"],
    ...     "supplier_id": ["integrator", "hosting", "hosting"]})
    >>> time_by_supplier(t, e, load_params(), "2026-05-06T00:00Z")[["supplier_id", "held_h"]]
      supplier_id  held_h
    0     hosting     2.0
    1  integrator     0.5
    """
    return _attribution_of(_run(tickets, events, params, as_of, holders=True))


def _attribution_of(run: _Run | None) -> pd.DataFrame:
    """The body of :func:`time_by_supplier` on intervals prepared with ``holders=True``."""
    if run is None:
        return _empty(HOLD_DTYPES)
    tix, hold = run.tix, run.hold
    nrows = len(tix)
    # Row numbers fit 32 bits far beyond any estate; halving these arrays matters because
    # this runs at the batch's memory peak (every interval array of the run is alive).
    idx = np.int32 if nrows < 2**31 - 1 else np.int64
    rows = np.arange(nrows, dtype=idx)
    valid = hold >= 0
    # Forward-fill the holder within each ticket, then back-fill the leading gap, then the
    # resolver of record for tickets that never name one.
    ff = np.maximum.accumulate(np.where(valid, rows, idx(-1)))
    h = np.where(ff >= run.seg_start[tix], hold[np.maximum(ff, 0)], -1)
    del ff
    bf = np.minimum.accumulate(np.where(valid, rows, idx(nrows))[::-1])[::-1]
    del rows, valid
    h = np.where((h < 0) & (bf < run.seg_end[tix]), hold[np.minimum(bf, nrows - 1)], h)
    del bf
    names = run.hold_names
    record = pd.Index(names).get_indexer(pd.Index(run.setup.suppliers))[run.sup]
    h = np.where(h < 0, record[tix], h)

    open_r = _OPEN[run.st]
    k = len(names)
    key = tix[open_r] * k + h[open_r]
    del h
    size = run.n * k
    count = np.bincount(key, minlength=size)
    dur = run.dur[open_r]
    held = _seg_sum(key, dur * run.running[open_r], size)
    paused = _seg_sum(key, dur * run.paused[open_r], size)
    del dur
    wall = _seg_sum(key, run.end[open_r] - run.start[open_r], size)
    present = np.flatnonzero(count)
    return pd.DataFrame(
        {
            "ticket_id": run.t["ticket_id"].astype("str").array.take(present // k),
            "supplier_id": _labels(present % k, names).array,
            "held_h": held[present] / US_PER_HOUR,
            "held_actual_h": wall[present] / US_PER_HOUR,
            "paused_h": paused[present] / US_PER_HOUR,
        }
    )
