"""Ticket intervals for the SLA clocks: each ticket's life as arrays, on its calendars.

The machinery behind :mod:`siamlib.clocks` (whose docstring states the rules): the contract
rules as look-up arrays (:class:`_Setup`), the distinct calendars of a run and their business
time ``B()`` (:class:`_Calendars`), the SLA targets in force per ticket (:func:`_targets`), the
events put in ticket order (:func:`_event_order`) and cut, with the synthetic rows of tickets
missing events, into intervals ``[start, end)`` with their status, pause flag and business
duration (:func:`_run`, returning a :class:`_Run`). No Python loop runs per ticket or event.
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
