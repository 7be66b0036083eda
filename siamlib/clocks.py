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

import numpy as np
import pandas as pd

from siamlib.calendar import NAT, US_PER_HOUR, utc_microseconds
from siamlib.clock_intervals import (
    _BIG,
    _CANCELLED,
    _COMPLETED,
    _DONE,
    _OPEN,
    _crossing,
    _flags,
    _labels,
    _Run,
    _run,
    _seg_sum,
    _target_us,
    _ts,
)
from siamlib.params import Params
from siamlib.schema import TICKET_STATUSES, TIMESTAMP_DTYPE

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
