"""SLA attainment: the share of tickets that met their response or resolution target.

One function, :func:`sla_attainment`, for both clocks and both denominator styles (ServiceNow's
completed tickets, Jira's completed plus breached-still-open). Conventions are those of every
tower measure (see :mod:`siamlib.measures.tower`).

Examples
--------
>>> import pandas as pd
>>> clocks = pd.DataFrame({
...     "ticket_id": ["T1", "T2", "T3"], "supplier_id": "hosting", "priority": [1, 1, 2],
...     "opened_at": pd.to_datetime(["2026-04-01 09:00Z"] * 3),
...     "first_response_at": pd.to_datetime(["2026-04-01 09:05Z"] * 3),
...     "resolved_at": pd.to_datetime(["2026-04-01 10:00Z", "2026-04-02 10:00Z", None]),
...     "status": ["closed", "resolved", "in_progress"],
...     "resolution_target_h": [4.0, 4.0, 8.0], "resolution_breached": [False, True, False]})
>>> sla_attainment(clocks, "2026-04", by=["supplier_id"], tz="UTC")[
...     ["supplier_id", "period", "numerator", "denominator", "value"]]
  supplier_id   period  numerator  denominator  value
0     hosting  2026-04        1.0          2.0    0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from siamlib.measures._base import (
    _BIG,
    Periods,
    _bounds_us,
    _explode_periods,
    _finish,
    _flag,
    _not_cancelled,
    _period_in,
    _periods,
    _ratio,
    _resolved,
    _tally,
    _tz,
    _us,
    _utc,
)

if TYPE_CHECKING:
    from siamlib.params import Params


Clock = Literal["resolution", "response"]
Denominator = Literal["completed", "completed_plus_breached_open"]
_JIRA = "completed_plus_breached_open"


def _denominator_per_row(
    supplier: pd.Series, denominator: Denominator | None, params: Params | None
) -> np.ndarray:
    """Per ticket: does its supplier count breached-still-open tickets (Jira style)?"""
    if denominator is not None:
        if denominator not in ("completed", _JIRA):
            raise ValueError(f"denominator must be 'completed' or {_JIRA!r}, got {denominator!r}")
        return np.full(len(supplier), denominator == _JIRA)
    if params is None:
        return np.zeros(len(supplier), dtype=bool)
    modes = {s: c.clock.attainment_denominator for s, c in params.contracts.items()}
    return supplier.map(modes).eq(_JIRA).to_numpy(dtype=bool)


def sla_attainment(
    clocks: pd.DataFrame,
    periods: Periods,
    *,
    clock: Clock = "resolution",
    denominator: Denominator | None = None,
    params: Params | None = None,
    by: Sequence[str] = ("supplier_id", "priority"),
    tz: str | None = None,
) -> pd.DataFrame:
    """Share of tickets that met their response or resolution target, per group and period.

    ``met / counted``, where *met* = tickets that completed the clock in the period without
    breaching it, and *counted* depends on ``denominator``:

    - ``"completed"`` (ServiceNow style): tickets that completed the clock in the period;
    - ``"completed_plus_breached_open"`` (Jira style): those plus tickets still open at the
      period end whose clock had already breached by then.

    The resolution clock completes at ``resolved_at`` (tickets resolved or closed); the
    response clock at ``first_response_at`` (or at ``resolved_at`` when a ticket was resolved
    without a separate first response). Cancelled tickets and tickets without a target or
    breach flag are not counted.

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks (see module docstring).
    periods : str or iterable of str
        ``YYYY-MM`` reporting months.
    clock : {"resolution", "response"}
    denominator : {"completed", "completed_plus_breached_open"}, optional
        Force one denominator for everyone. Default: each supplier's contract
        ``clock.attainment_denominator`` when ``params`` is given, else ``"completed"``.
    params : Params, optional
        Contracts (default denominator) and the estate time zone.
    by : sequence of str
        Grouping columns of ``clocks``.
    tz : str, optional
        Reporting time zone; default ``params.estate.timezone``, else :data:`DEFAULT_TZ`.

    Returns
    -------
    DataFrame
        ``by`` columns, ``period``, ``completed`` (tickets that completed the clock),
        ``breached_open`` (breached tickets open at period end that were counted),
        ``numerator`` (met), ``denominator`` and ``value`` (NaN when the denominator is 0).

    Notes
    -----
    The breach verdict is ``response_breached`` for the response clock and, for the
    resolution clock, ``ever_breached`` when the frame has it (any reopen cycle over target,
    the contract's verdict under ``reopen: restart``), else ``resolution_breached``.

    Whether an open ticket had *already* breached at a past period end is judged from the
    column ``<clock>_breached_at`` (the instant the clock reached its target) when the clocks
    frame has it; where that is missing, from the breach flag as at the extract, counted only
    from the earliest moment the breach can have happened (``opened_at`` + target hours, as
    business time never runs faster than wall time).

    Examples
    --------
    One P1 ticket resolved in time, one resolved late, one still open and already late:

    >>> import pandas as pd
    >>> clocks = pd.DataFrame({
    ...     "ticket_id": ["T1", "T2", "T3"], "supplier_id": "euc", "priority": 1,
    ...     "opened_at": pd.to_datetime(["2026-04-01 09:00Z"] * 3),
    ...     "first_response_at": pd.to_datetime(["2026-04-01 09:05Z"] * 3),
    ...     "resolved_at": pd.to_datetime(["2026-04-01 10:00Z", "2026-04-02 10:00Z", None]),
    ...     "status": ["closed", "resolved", "in_progress"],
    ...     "resolution_target_h": 4.0, "resolution_breached": [False, True, True]})
    >>> for d in ("completed", "completed_plus_breached_open"):
    ...     r = sla_attainment(clocks, "2026-04", denominator=d, tz="UTC")
    ...     print(d, r["numerator"].item(), r["denominator"].item(), r["value"].item())
    completed 1.0 2.0 0.5
    completed_plus_breached_open 1.0 3.0 0.3333333333333333
    """
    if clock not in ("resolution", "response"):
        raise ValueError(f"clock must be 'resolution' or 'response', got {clock!r}")
    periods = _periods(periods)
    tz = _tz(tz, params)
    by = list(by)
    target_col, flag_col = f"{clock}_target_h", f"{clock}_breached"
    if clock == "resolution" and "ever_breached" in clocks.columns:
        # Under reopen 'restart' only ever_breached (any cycle over target) is the verdict;
        # under 'resume' it equals resolution_breached.
        flag_col = "ever_breached"
    # Only the columns read below: the row filters then copy a few columns of the per-ticket
    # clocks, not all thirty (hundreds of MB at a million tickets).
    read = ["status", "opened_at", "resolved_at", "supplier_id", target_col, flag_col]
    read += ["first_response_at"] * (clock == "response")
    read += [f"{clock}_breached_at"] * (f"{clock}_breached_at" in clocks.columns)
    df = clocks[list(dict.fromkeys(by + read))]
    df = df[_not_cancelled(df) & df[target_col].notna() & df[flag_col].notna()]
    df = df.reset_index(drop=True)

    resolved_at = _utc(df["resolved_at"]).where(_resolved(df))
    if clock == "resolution":
        done_at = resolved_at
    else:
        done_at = _utc(df["first_response_at"]).fillna(resolved_at)
    breached = _flag(df[flag_col]).to_numpy()
    jira = _denominator_per_row(df["supplier_id"], denominator, params)

    rows = df[by].copy()
    rows["period"] = _period_in(done_at, periods, tz)
    rows["completed"] = done_at.notna().astype("float64").to_numpy()
    rows["numerator"] = (done_at.notna().to_numpy() & ~breached).astype("float64")
    rows["breached_open"] = 0.0

    # Breached-still-open tickets, for every requested period end at once: a ticket counts at
    # end e when opened < e, breached before e, and its clock had not completed by e.
    _, ends = _bounds_us(periods, tz)
    opened = _us(df["opened_at"])
    target_us = (df[target_col].to_numpy(dtype="float64") * 3_600_000_000).astype(np.int64)
    breach_at = opened + target_us
    if f"{clock}_breached_at" in df.columns:
        known = _us(df[f"{clock}_breached_at"])
        breach_at = np.where(known == _BIG, breach_at, known)
    lo = np.maximum(
        np.searchsorted(ends, opened, side="right"),
        np.searchsorted(ends, breach_at, side="right"),
    )
    hi = np.searchsorted(ends, _us(done_at), side="right")  # ends at or before completion
    hi = np.where(breached & jira, hi, 0)
    pos, idx = _explode_periods(lo, hi)
    extra = df[by].iloc[pos].reset_index(drop=True)
    extra["period"] = np.asarray(periods, dtype=object)[idx]
    extra["breached_open"] = 1.0
    extra[["completed", "numerator"]] = 0.0

    sums = ["completed", "breached_open", "numerator"]
    out = _tally(pd.concat([rows, extra], ignore_index=True), by, periods, sums, groups=df)
    out["denominator"] = out["completed"] + out["breached_open"]
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return _finish(out, by, ["numerator", "denominator", "value"])
