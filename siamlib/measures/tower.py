"""Tower measures: what each resolver supplier is judged on, per reporting month.

Every function is pure and vectorised. Periods are ``YYYY-MM`` months in the estate's reporting
time zone (``params.estate.timezone``): a record belongs to the month in which its *counting
date* falls in that zone (see each function). Rates are fractions in [0, 1]; a rate whose
denominator is empty is NaN, never an error.

Every function returns one row per group (``by`` columns, default the supplier) and requested
period, for every group seen anywhere in the input, so a month without records shows up as a
row with a zero denominator and a NaN value. Ratio results carry ``numerator``,
``denominator`` and ``value``; means carry the sum in ``numerator`` and the count in
``denominator``.

Inputs are the tables of :mod:`siamlib.schema` plus the per-ticket *clocks* frame of
:mod:`siamlib.clocks`, of which these columns are used: ``ticket_id, supplier_id, priority,
opened_at, first_response_at, resolved_at, status, response_target_h, resolution_target_h,
response_h, resolution_h, resolution_actual_h, response_breached, resolution_breached``
(optionally ``response_breached_at`` / ``resolution_breached_at``, see :func:`sla_attainment`).
Whether a ticket is resolved, open or cancelled is read from ``status`` and ``resolved_at``,
so the same rules apply to the clocks frame and to the tickets table.

:func:`measure_values` assembles everything into the *measure values* long table of
:mod:`siamlib.measures` for every tower supplier.

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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from siamlib.measures import MEASURE_VALUE_COLUMNS, scope_key
from siamlib.params import Estate
from siamlib.periods import check_period, period_bounds
from siamlib.schema import TIMESTAMP_DTYPE

if TYPE_CHECKING:
    from siamlib.params import Calendar, Params

#: Reporting time zone used when neither ``tz`` nor ``params`` is given (the estate default).
DEFAULT_TZ: str = Estate.model_fields["timezone"].default

#: Statuses of a ticket whose fix has been delivered; only these count as "resolved".
RESOLVED_STATUSES = ("resolved", "closed")
#: Change outcomes that count as a completed (implemented) change.
COMPLETED_CHANGE_OUTCOMES = ("successful", "failed", "backed_out")
#: Default ageing buckets: upper edges, in whole days since opened, of 0-5, 6-10, 11-30, >30.
DEFAULT_AGE_BUCKETS = (5, 10, 30)
PRIORITIES = (1, 2, 3, 4)

Clock = Literal["resolution", "response"]
Denominator = Literal["completed", "completed_plus_breached_open"]
Periods = str | Iterable[str]
_JIRA = "completed_plus_breached_open"
_BIG = np.iinfo(np.int64).max


# ------------------------------------------------------------------------------- helpers ----
def _periods(periods: Periods) -> list[str]:
    """Validated, sorted, de-duplicated list of periods."""
    items = [periods] if isinstance(periods, str) else list(periods)
    return sorted({check_period(p) for p in items})


def _tz(tz: str | None, params: Params | None = None) -> str:
    if tz is not None:
        return tz
    return params.estate.timezone if params is not None else DEFAULT_TZ


def _utc(s: pd.Series) -> pd.Series:
    """Timestamps as tz-aware UTC microseconds (inputs may carry another unit or zone)."""
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        s = pd.to_datetime(s, utc=True)
    return s.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)


def _us(s: pd.Series, missing: int = _BIG) -> np.ndarray:
    """UTC timestamps as int64 microseconds since the epoch; missing becomes ``missing``."""
    s = _utc(s)
    out = s.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT")).astype(np.int64)
    return np.where(s.isna().to_numpy(), missing, out)


def _bounds_us(periods: list[str], tz: str) -> tuple[np.ndarray, np.ndarray]:
    starts, ends = zip(*(period_bounds(p, tz) for p in periods), strict=True)
    conv = [pd.Series(list(x)).astype(TIMESTAMP_DTYPE) for x in (starts, ends)]
    return _us(conv[0]), _us(conv[1])


def _period_in(ts: pd.Series, periods: list[str], tz: str) -> np.ndarray:
    """The requested period each timestamp falls in (``None`` outside them or when missing).

    Same months as :func:`siamlib.periods.period_of`, found by binary search on the requested
    periods' bounds: formatting a period label per row is the slow part on large frames.
    """
    starts, ends = _bounds_us(periods, tz)
    us = _us(ts)
    i = np.clip(np.searchsorted(starts, us, side="right") - 1, 0, None)
    inside = (us >= starts[i]) & (us < ends[i]) & ts.notna().to_numpy()
    return np.where(inside, np.asarray(periods, dtype=object)[i], None)


def _flag(s: pd.Series) -> pd.Series:
    """A nullable boolean column as plain bool, missing -> False."""
    return s.astype("boolean").fillna(False).astype(bool)


def _resolved(df: pd.DataFrame) -> pd.Series:
    """Tickets whose fix was delivered: resolved/closed with a resolution time."""
    return df["resolved_at"].notna() & df["status"].isin(RESOLVED_STATUSES)


def _not_cancelled(df: pd.DataFrame) -> pd.Series:
    return df["status"].ne("cancelled")


def _explode_periods(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions and period indices for the half-open index ranges ``[lo, hi)`` per row.

    Lets one pass over the rows say, for every requested period at once, whether a ticket was
    open at that period's end, without a Python loop over periods.
    """
    n = np.clip(hi - lo, 0, None)
    rows = np.repeat(np.arange(len(lo)), n)
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    return rows, np.repeat(lo, n) + offsets


def _tally(
    rows: pd.DataFrame,
    keys: Sequence[str],
    periods: list[str],
    sums: Sequence[str],
    groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum columns ``sums`` of ``rows`` by ``keys`` + ``period`` over a full grid.

    The grid is every key combination in ``groups`` (default: in ``rows``) times every
    requested period; combinations without rows get zeros.
    """
    keys = list(keys)
    groups = rows if groups is None else groups
    grid = groups[keys].drop_duplicates().merge(pd.DataFrame({"period": periods}), how="cross")
    inside = rows[rows["period"].isin(periods)]
    summed = inside.groupby([*keys, "period"], as_index=False, dropna=False)[list(sums)].sum()
    out = grid.merge(summed, on=[*keys, "period"], how="left")
    out[list(sums)] = out[list(sums)].fillna(0).astype("float64")
    return out.sort_values([*keys, "period"], kind="stable").reset_index(drop=True)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where den is 0 (an empty denominator is 'no value', not zero)."""
    return (num / den.where(den > 0)).astype("float64")


def _finish(out: pd.DataFrame, keys: Sequence[str], first: Sequence[str]) -> pd.DataFrame:
    rest = [c for c in out.columns if c not in (*keys, "period", *first)]
    return out[[*keys, "period", *rest, *first]]


# ---------------------------------------------------------------------- SLA attainment ----
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
    df = clocks[_not_cancelled(clocks)]
    df = df[df[target_col].notna() & df[flag_col].notna()].reset_index(drop=True)

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


# ------------------------------------------------------------------------ availability ----
def _is_24x7(cal: Calendar) -> bool:
    full = [("00:00", "24:00")]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly = {d: [tuple(s) for s in cal.weekly_hours.get(d, [])] for d in days}
    return all(weekly[d] == full for d in days) and cal.holidays is None and not cal.extra_holidays


def _merge_intervals(iv: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Union of [start, end) intervals (int64 us) per key: overlaps counted once."""
    if iv.empty:
        return iv[[*keys, "start", "end"]]
    iv = iv.sort_values([*keys, "start", "end"], kind="stable").reset_index(drop=True)
    same = iv[keys].eq(iv[keys].shift()).all(axis=1)
    # Largest end seen so far within the key, excluding the row itself: a row opens a new
    # block when it starts after everything before it has ended.
    reach = iv.groupby(keys, sort=False, dropna=False)["end"].cummax()
    prev_reach = reach.groupby([iv[k] for k in keys], sort=False, dropna=False).shift()
    new_block = ~same | (iv["start"] > prev_reach)
    block = new_block.cumsum()
    merged = iv.groupby(block, sort=False).agg(
        **{k: (k, "first") for k in keys}, start=("start", "min"), end=("end", "max")
    )
    return merged.reset_index(drop=True)


def _agreed_minutes(cal: Calendar | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Agreed service minutes from ``a`` to ``b`` (int64 UTC microseconds), elementwise.

    On a 24x7 calendar (or none) every instant counts, so this is plain elapsed time, with
    daylight-saving months 1 h shorter or longer; other calendars count business time only.
    """
    if cal is None or _is_24x7(cal):
        return np.clip(b - a, 0, None) / 60_000_000
    # Imported here: only business-hours agreed time needs the calendar machinery.
    from siamlib.calendar import business_hours_between

    def ts(x: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(x, unit="us", utc=True))

    return business_hours_between(cal, ts(a), ts(b)).to_numpy() * 60


def _clipped_minutes(
    iv: pd.DataFrame,
    keys: list[str],
    periods: list[str],
    starts: np.ndarray,
    ends: np.ndarray,
    cals: dict[str, Calendar | None],
) -> pd.DataFrame:
    """Agreed minutes covered by the (disjoint) intervals, per key and period."""
    p = pd.DataFrame({"period": periods, "p_start": starts, "p_end": ends})
    x = iv.merge(p, how="cross")
    x["a"] = np.maximum(x["start"], x["p_start"])
    x["b"] = np.maximum(np.minimum(x["end"], x["p_end"]), x["a"])
    x["minutes"] = 0.0
    for sup, rows in x.groupby("supplier_id").groups.items():
        sub = x.loc[rows]
        cal = cals.get(sup)
        x.loc[rows, "minutes"] = _agreed_minutes(cal, sub["a"].to_numpy(), sub["b"].to_numpy())
    return x.groupby([*keys, "period"], as_index=False)["minutes"].sum()


def availability(
    outages: pd.DataFrame,
    periods: Periods,
    params: Params | None = None,
    *,
    services: Iterable[tuple[str, str]] | None = None,
    calendar: str = "always",
    tz: str | None = None,
) -> pd.DataFrame:
    """Service availability per supplier, service and period.

    ``(agreed service time - unplanned downtime inside it) / agreed service time``.

    - Agreed service time is the period on the supplier's contract calendar ``calendar``
      (default ``"always"``: 24x7, so the whole month, with its daylight-saving length);
      downtime counts only inside agreed time.
    - Outages are counted against the supplier accountable for them (``outages.supplier_id``).
      Overlapping outages of the same supplier and service are merged, so no minute counts
      twice; each outage is clipped to the period; an outage without ``end_at`` is still
      running and counts up to the period end.
    - Planned outages do not count against availability. Unplanned downtime inside a planned
      window is not counted either; an overrun past the window is.

    Parameters
    ----------
    outages : DataFrame
        The ``outages`` table.
    periods : str or iterable of str
    params : Params, optional
        Gives the calendars, the reporting time zone and the services each supplier runs
        (reported at 100% when they had no outage). Without it the calendar is 24x7 and the
        services are those seen in ``outages``.
    services : iterable of (supplier_id, service), optional
        Services to report in addition to those with outages.
    calendar : str
        Name of the agreed-hours calendar in each supplier's contract (``KeyError`` if a
        contract lacks it). Off a 24x7 calendar, both the agreed time and the downtime are
        counted in that calendar's business time only (:mod:`siamlib.calendar`). Suppliers
        without a contract (or no ``params``) are measured 24x7.
    tz : str, optional
        Reporting time zone; default from ``params``, else :data:`DEFAULT_TZ`.

    Returns
    -------
    DataFrame
        ``supplier_id, service, period, agreed_minutes, unplanned_minutes, planned_minutes,
        numerator`` (agreed minus unplanned), ``denominator`` (agreed) and ``value``.

    Examples
    --------
    30 days of 24x7 with 3 h of unplanned downtime, plus a planned window that does not count:

    >>> import pandas as pd
    >>> outages = pd.DataFrame({
    ...     "outage_id": ["O1", "O2"], "service": "email", "supplier_id": "hosting",
    ...     "start_at": pd.to_datetime(["2026-04-10 01:00Z", "2026-04-12 01:00Z"]),
    ...     "end_at": pd.to_datetime(["2026-04-10 04:00Z", "2026-04-12 05:00Z"]),
    ...     "planned": [False, True]})
    >>> r = availability(outages, "2026-04", tz="UTC")
    >>> r[["unplanned_minutes", "planned_minutes", "agreed_minutes"]].iloc[0].tolist()
    [180.0, 240.0, 43200.0]
    >>> round(r["value"].item() * 100, 2)
    99.58
    """
    periods = _periods(periods)
    tz = _tz(tz, params)
    keys = ["supplier_id", "service"]
    starts, ends = _bounds_us(periods, tz)

    pairs = set(services or ())
    if params is not None:
        pairs.update((s.id, svc) for s in params.estate.towers for svc in s.services)
    pairs.update(zip(outages["supplier_id"], outages["service"], strict=True))
    grid = pd.DataFrame(sorted(pairs), columns=keys).merge(
        pd.DataFrame({"period": periods}), how="cross"
    )

    cals: dict[str, Calendar | None] = {}
    for sup in grid["supplier_id"].unique():
        contract = params.contracts.get(sup) if params is not None else None
        if contract is not None and calendar not in contract.calendars:
            raise KeyError(
                f"contract {sup!r} has no calendar {calendar!r}; "
                f"defined: {', '.join(contract.calendars)}"
            )
        cals[sup] = contract.calendars[calendar] if contract is not None else None
    agreed = pd.DataFrame(
        [
            (sup, period, minutes)
            for sup, cal in cals.items()
            for period, minutes in zip(periods, _agreed_minutes(cal, starts, ends), strict=True)
        ],
        columns=["supplier_id", "period", "agreed_minutes"],
    )
    grid = grid.merge(agreed, on=["supplier_id", "period"], how="left")

    iv = pd.DataFrame(
        {
            "supplier_id": outages["supplier_id"].to_numpy(),
            "service": outages["service"].to_numpy(),
            # A running outage lasts at least to the end of the last requested period.
            "start": _us(outages["start_at"]),
            "end": np.minimum(_us(outages["end_at"]), ends.max() if len(ends) else _BIG),
            "planned": _flag(outages["planned"]).to_numpy(),
        }
    )
    iv = iv[iv["end"] > iv["start"]]
    # Unplanned minutes outside planned windows = |all downtime| - |planned downtime|.
    down_all = _clipped_minutes(_merge_intervals(iv, keys), keys, periods, starts, ends, cals)
    down_planned = _clipped_minutes(
        _merge_intervals(iv[iv["planned"]], keys), keys, periods, starts, ends, cals
    )
    out = grid.merge(
        down_all.rename(columns={"minutes": "all_minutes"}), on=[*keys, "period"], how="left"
    ).merge(
        down_planned.rename(columns={"minutes": "planned_minutes"}),
        on=[*keys, "period"],
        how="left",
    )
    out[["all_minutes", "planned_minutes"]] = out[["all_minutes", "planned_minutes"]].fillna(0.0)
    out["unplanned_minutes"] = (out["all_minutes"] - out["planned_minutes"]).clip(lower=0)
    out["numerator"] = out["agreed_minutes"] - out["unplanned_minutes"]
    out["denominator"] = out["agreed_minutes"]
    out["value"] = _ratio(out["numerator"], out["denominator"])
    out = out.drop(columns="all_minutes").sort_values([*keys, "period"]).reset_index(drop=True)
    cols = ["agreed_minutes", "unplanned_minutes", "planned_minutes"]
    return out[[*keys, "period", *cols, "numerator", "denominator", "value"]]


# ------------------------------------------------------------- resolution-based rates ----
def _resolved_rows(
    frame: pd.DataFrame, by: list[str], periods: list[str], tz: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Non-cancelled tickets with their resolution period (NaN when not resolved)."""
    df = frame[_not_cancelled(frame)].reset_index(drop=True)
    rows = df[by].copy()
    resolved = _resolved(df)
    rows["period"] = _period_in(_utc(df["resolved_at"]).where(resolved), periods, tz)
    rows["denominator"] = resolved.astype("float64").to_numpy()
    return df, rows


def _reassignments(tickets: pd.DataFrame, events: pd.DataFrame, after: str) -> np.ndarray:
    """Assignment-group changes per row of ``tickets``, counted from the first group (or from
    the first group of the ticket's supplier of record when ``after="supplier_first_group"``).

    Works on integer codes of ticket ids, groups and suppliers: one hash of each id column,
    then sorting and comparing integers, which is what keeps this linear on large logs.
    """
    if after not in ("first_group", "supplier_first_group"):
        raise ValueError(f"after must be 'first_group' or 'supplier_first_group', got {after!r}")
    # Arrays over the whole log, no filtered copy of it: an event without a group counts for
    # nothing, nor does one of a ticket not in ``tickets`` (or without a ticket id).
    # Codes from the events' own ids (one hash of the log, no concatenated copy); tickets
    # look theirs up among the distinct ids, and those without events get none (-1).
    e_code, uniques = pd.factorize(events["ticket_id"])  # missing ids: -1
    ids = pd.Index(uniques)
    t_code = ids.get_indexer(tickets["ticket_id"])
    t_code[tickets["ticket_id"].isna().to_numpy(dtype=bool)] = -1
    keep = (e_code >= 0) & events["assignment_group"].notna().to_numpy(dtype=bool)
    seq = events["event_seq"].to_numpy(dtype="float64", na_value=np.nan)
    order = np.flatnonzero(keep)
    order = order[np.lexsort((seq[order], e_code[order]))]  # ticket, then event_seq, stable
    del keep, seq
    e_code = e_code[order]
    grp = pd.factorize(events["assignment_group"])[0][order]
    if after == "supplier_first_group":
        e_sup, names = pd.factorize(events["supplier_id"])
        t_sup = pd.Index(names).get_indexer(tickets["supplier_id"])  # -1: never held by it
        record = np.full(len(ids) + 1, -1)
        record[t_code[::-1]] = t_sup[::-1]  # reversed: the first row of a ticket id wins
        e_sup = e_sup[order]
        own = (e_sup >= 0) & (e_sup == record[e_code])
        # Keep events from the first one held by the supplier of record onwards.
        held = np.cumsum(own)
        first = np.r_[True, e_code[1:] != e_code[:-1]]
        before_ticket = np.maximum.accumulate(np.where(first, np.arange(len(own)), 0))
        keep = held - (held - own)[before_ticket] > 0
        e_code, grp = e_code[keep], grp[keep]
    # Rows are sorted by ticket, so a change is a row whose group differs from the row above
    # within the same ticket.
    same_ticket = np.r_[False, e_code[1:] == e_code[:-1]]
    moved = same_ticket & np.r_[False, grp[1:] != grp[:-1]]
    counts = np.bincount(e_code, weights=moved, minlength=len(ids) + 1)
    return np.where(t_code >= 0, counts[t_code], 0.0)


def first_time_fix(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    periods: Periods,
    *,
    after: Literal["first_group", "supplier_first_group"] = "first_group",
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of tickets resolved in the period that were never reassigned.

    A ticket is a first-time fix when its assignment group never changed after the first one
    (consecutive events with the same group, or without a group, are not changes; going back
    to an earlier group is). Counted per supplier of record (``tickets.supplier_id``), by
    ``resolved_at``; cancelled tickets are excluded. Tickets without any assignment event are
    counted as not reassigned.

    Parameters
    ----------
    tickets, events : DataFrame
        The ``tickets`` and ``ticket_events`` tables.
    periods : str or iterable of str
    after : {"first_group", "supplier_first_group"}
        ``"first_group"``: any reassignment after the ticket's first group counts.
        ``"supplier_first_group"``: only reassignments after the ticket first reached its
        supplier of record (routing before that is the integrator's, not the tower's).
    by : sequence of str
    tz : str

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (first-time fixes), ``denominator`` (resolved),
        ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"ticket_id": ["A", "B"], "supplier_id": "euc",
    ...     "status": "closed",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z", "2026-04-03T12:00Z"])})
    >>> events = pd.DataFrame({"ticket_id": ["A", "A", "B", "B"], "event_seq": [1, 2, 1, 2],
    ...     "assignment_group": ["EUC-Field", "EUC-Field", "EUC-Field", "EUC-Engineering"],
    ...     "supplier_id": "euc"})
    >>> first_time_fix(tickets, events, "2026-04", tz="UTC")["value"].item()
    0.5
    """
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(tickets, by, periods, tz)
    changes = _reassignments(df, events, after)
    rows["numerator"] = rows["denominator"] * (changes == 0)
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def reopen_rate(
    tickets: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of tickets resolved in the period that had been reopened at least once.

    Counted by ``resolved_at`` (the latest resolution), per supplier of record; cancelled
    tickets excluded. A ticket reopened and not yet re-resolved has no ``resolved_at`` and is
    not counted until it is resolved again.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (reopened), ``denominator`` (resolved), ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"supplier_id": "network", "status": "closed",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z"] * 4), "reopen_count": [0, 0, 2, 0]})
    >>> reopen_rate(tickets, "2026-04", tz="UTC")["value"].item()
    0.25
    """
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(tickets, by, periods, tz)
    reopened = pd.to_numeric(df["reopen_count"]).fillna(0).gt(0).to_numpy()
    rows["numerator"] = rows["denominator"] * reopened
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def mttr(
    clocks: pd.DataFrame,
    periods: Periods,
    *,
    basis: Literal["business", "actual"] = "business",
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Mean time to *resolve*, in hours, of tickets resolved in the period.

    ``basis="business"`` averages ``resolution_h`` (business hours on the SLA calendar, pauses
    excluded); ``basis="actual"`` averages ``resolution_actual_h`` (wall-clock hours from
    opening to the latest resolution). Counted by ``resolved_at``; cancelled tickets and
    tickets without the hours excluded.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (sum of hours), ``denominator`` (tickets),
        ``value`` (mean hours, NaN when none resolved).

    Examples
    --------
    >>> import pandas as pd
    >>> clocks = pd.DataFrame({"supplier_id": "hosting", "status": "resolved",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z"] * 3),
    ...     "resolution_h": [1.0, 2.0, 6.0], "resolution_actual_h": [1.0, 20.0, 30.0]})
    >>> mttr(clocks, "2026-04", tz="UTC")["value"].item()
    3.0
    >>> mttr(clocks, "2026-04", basis="actual", tz="UTC")["value"].item()
    17.0
    """
    col = {"business": "resolution_h", "actual": "resolution_actual_h"}.get(basis)
    if col is None:
        raise ValueError(f"basis must be 'business' or 'actual', got {basis!r}")
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(clocks, by, periods, tz)
    hours = pd.to_numeric(df[col]).astype("float64")
    rows["denominator"] = rows["denominator"] * hours.notna().to_numpy()
    rows["numerator"] = (hours.fillna(0.0) * rows["denominator"]).to_numpy()
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


# ----------------------------------------------------------------------------- backlog ----
def bucket_labels(buckets: Sequence[int] = DEFAULT_AGE_BUCKETS) -> list[str]:
    """Labels of ageing buckets given their inclusive upper edges in days.

    >>> bucket_labels((5, 10, 30))
    ['0-5', '6-10', '11-30', '>30']
    """
    edges = list(buckets)
    if edges != sorted(set(edges)) or (edges and edges[0] < 0):
        raise ValueError(f"buckets must be increasing non-negative day counts, got {buckets}")
    lows = [0] + [e + 1 for e in edges]
    return [f"{lo}-{hi}" for lo, hi in zip(lows, edges, strict=False)] + [f">{edges[-1]}"]


def backlog(
    frame: pd.DataFrame,
    at: pd.Timestamp | str | Iterable[pd.Timestamp | str],
    *,
    buckets: Sequence[int] = DEFAULT_AGE_BUCKETS,
    by: Sequence[str] = ("supplier_id",),
) -> pd.DataFrame:
    """Open tickets at one or more moments, by ageing bucket (whole days since opened).

    A ticket is open at ``at`` when it was opened at or before ``at`` and not resolved by then
    (``resolved_at`` later than ``at`` or empty). Cancelled tickets count as open until
    ``closed_at`` when the frame has that column (the tickets table), and are left out
    otherwise (the clocks frame does not say when they were withdrawn). Works on the tickets
    table or the clocks frame.

    Parameters
    ----------
    frame : DataFrame
        Tickets or clocks.
    at : timestamp(s)
        Moments (tz-aware) to take the backlog at, e.g. period ends.
    buckets : sequence of int
        Inclusive upper edges of the age buckets in days; a final open-ended bucket follows.
    by : sequence of str

    Returns
    -------
    DataFrame
        ``by``, ``at``, ``bucket`` (label, see :func:`bucket_labels`) and ``count``; every
        bucket appears for every group and moment (zero when empty).

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"supplier_id": "euc", "status": ["new", "closed", "assigned"],
    ...     "opened_at": pd.to_datetime(["2026-04-28T12:00Z", "2026-03-01T12:00Z",
    ...                                  "2026-03-15T12:00Z"]),
    ...     "resolved_at": pd.to_datetime([None, "2026-03-02T12:00Z", None])})
    >>> backlog(tickets, "2026-05-01T00:00Z")[["bucket", "count"]].to_dict("list")
    {'bucket': ['0-5', '6-10', '11-30', '>30'], 'count': [1, 0, 0, 1]}
    """
    by, labels = list(by), bucket_labels(buckets)
    ats = [at] if isinstance(at, (str, pd.Timestamp)) else list(at)
    moments = _utc(pd.Series(sorted({pd.Timestamp(a) for a in ats})))
    when = _us(moments)
    cancelled = frame["status"].eq("cancelled")
    if "closed_at" in frame.columns:
        gone = _utc(frame["resolved_at"]).where(~cancelled, _utc(frame["closed_at"]))
        keep = ~(cancelled & frame["closed_at"].isna())
    else:
        gone, keep = _utc(frame["resolved_at"]), ~cancelled
    df = frame[keep].reset_index(drop=True)
    gone = gone[keep].reset_index(drop=True)
    opened = _us(df["opened_at"])
    lo = np.searchsorted(when, opened, side="left")  # first moment >= opened
    hi = np.searchsorted(when, _us(gone), side="left")  # moments strictly before resolution
    pos, idx = _explode_periods(lo, hi)
    age_days = (when[idx] - opened[pos]) // 86_400_000_000
    rows = df[by].iloc[pos].reset_index(drop=True)
    rows["at"] = moments.iloc[idx].reset_index(drop=True)
    rows["bucket"] = np.asarray(labels, dtype=object)[
        np.searchsorted(np.asarray(buckets), age_days, side="left")
    ]
    grid = (
        df[by]
        .drop_duplicates()
        .merge(pd.DataFrame({"at": moments}), how="cross")
        .merge(pd.DataFrame({"bucket": labels}), how="cross")
    )
    counts = rows.groupby([*by, "at", "bucket"], as_index=False, dropna=False).size()
    out = grid.merge(counts, on=[*by, "at", "bucket"], how="left")
    out["count"] = out.pop("size").fillna(0).astype("int64")
    # The grid lists buckets in label order; a stable sort on the other keys keeps it.
    return out.sort_values([*by, "at"], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- changes ----
def _completed_changes(
    changes: pd.DataFrame, by: list[str], periods: list[str], tz: str
) -> tuple[pd.Series, pd.DataFrame]:
    done = changes["outcome"].isin(COMPLETED_CHANGE_OUTCOMES) & changes["actual_end"].notna()
    rows = changes[by].copy()
    rows["period"] = _period_in(_utc(changes["actual_end"]).where(done), periods, tz)
    rows["denominator"] = done.astype("float64").to_numpy()
    return done, rows


def change_success(
    changes: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Change success rate: successful / completed changes, by ``actual_end``.

    Completed means outcome successful, failed or backed out, with an actual end in the
    period; cancelled and pending changes are not counted. The change failure rate is
    ``1 - value``.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``failed``, ``backed_out``, ``numerator`` (successful),
        ``denominator`` (completed), ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"supplier_id": "network",
    ...     "outcome": ["successful", "successful", "failed", "backed_out", "cancelled"],
    ...     "actual_end": pd.to_datetime(["2026-04-02T12:00Z"] * 4 + [None])})
    >>> change_success(changes, "2026-04", tz="UTC")["value"].item()
    0.5
    """
    periods, by = _periods(periods), list(by)
    done, rows = _completed_changes(changes, by, periods, tz)
    for name in ("successful", "failed", "backed_out"):
        col = "numerator" if name == "successful" else name
        rows[col] = (done & changes["outcome"].eq(name)).astype("float64").to_numpy()
    out = _tally(rows, by, periods, ["failed", "backed_out", "numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def emergency_change_ratio(
    changes: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of completed changes that were emergency changes, by ``actual_end``.

    Same population as :func:`change_success` (successful, failed or backed out).

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"supplier_id": "hosting", "outcome": "successful",
    ...     "change_type": ["emergency", "normal", "standard", "normal"],
    ...     "actual_end": pd.to_datetime(["2026-04-02T12:00Z"] * 4)})
    >>> emergency_change_ratio(changes, "2026-04", tz="UTC")["value"].item()
    0.25
    """
    periods, by = _periods(periods), list(by)
    done, rows = _completed_changes(changes, by, periods, tz)
    rows["numerator"] = (done & changes["change_type"].eq("emergency")).astype("float64")
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def change_caused_incidents(
    tickets: pd.DataFrame,
    changes: pd.DataFrame,
    periods: Periods,
    *,
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Incidents caused by a change, by the month they were opened, per supplier.

    An incident counts against the supplier that implemented the change
    (``changes.supplier_id``); when the change is not in the changes table, against the
    incident's supplier of record. Cancelled tickets and service requests are not counted.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``value`` (count).

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"ticket_type": "incident", "status": "closed",
    ...     "supplier_id": "service-desk", "change_id": ["C1", None, "C1"],
    ...     "opened_at": pd.to_datetime(["2026-04-02T12:00Z", "2026-04-03T12:00Z",
    ...                                  "2026-05-01T12:00Z"])})
    >>> changes = pd.DataFrame({"change_id": ["C1"], "supplier_id": ["hosting"]})
    >>> change_caused_incidents(tickets, changes, ["2026-04", "2026-05"], tz="UTC").to_dict("list")
    {'supplier_id': ['hosting', 'hosting'], 'period': ['2026-04', '2026-05'], 'value': [1.0, 1.0]}
    """
    periods = _periods(periods)
    caused = tickets["ticket_type"].eq("incident") & tickets["change_id"].notna()
    df = tickets[_not_cancelled(tickets) & caused]
    owner = changes.drop_duplicates("change_id").set_index("change_id")["supplier_id"]
    rows = pd.DataFrame(
        {
            "supplier_id": df["change_id"]
            .map(owner)
            .astype("str")
            .where(df["change_id"].isin(owner.index), df["supplier_id"])
            .to_numpy(),
            "period": _period_in(_utc(df["opened_at"]), periods, tz),
            "value": 1.0,
        }
    )
    return _tally(rows, ["supplier_id"], periods, ["value"])


# ------------------------------------------------------------------------ satisfaction ----
def satisfaction(
    surveys: pd.DataFrame,
    tickets: pd.DataFrame | None,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Mean customer satisfaction score (1-5) and number of responses.

    Responses are pooled from two sources, each response weighing the same:

    - ``surveys`` rows with ``survey_type == "satisfaction"``, in their own ``period``;
    - when ``tickets`` is given, closure-survey scores (``tickets.satisfaction``) of tickets
      resolved in the period (by ``resolved_at``), cancelled tickets excluded.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``survey_responses``, ``ticket_responses``, ``numerator`` (sum of
        scores), ``denominator`` (responses), ``value`` (mean score, NaN without responses).

    Examples
    --------
    >>> import pandas as pd
    >>> surveys = pd.DataFrame({"supplier_id": "euc", "period": "2026-04",
    ...     "survey_type": ["satisfaction", "satisfaction", "collaboration"],
    ...     "score": [4.0, 5.0, 1.0]})
    >>> satisfaction(surveys, None, "2026-04")[["value", "denominator"]].iloc[0].tolist()
    [4.5, 2.0]
    """
    periods, by = _periods(periods), list(by)
    s = surveys[surveys["survey_type"].eq("satisfaction") & surveys["score"].notna()]
    parts = [
        s[by].assign(
            period=s["period"].to_numpy(),
            numerator=s["score"].astype("float64").to_numpy(),
            denominator=1.0,
            survey_responses=1.0,
            ticket_responses=0.0,
        )
    ]
    groups = [s[by]]
    if tickets is not None:
        df, rows = _resolved_rows(tickets, by, periods, tz)
        score = pd.to_numeric(df["satisfaction"]).astype("float64")
        counted = rows["denominator"].to_numpy() * score.notna().to_numpy()
        rows["denominator"] = counted
        rows["numerator"] = score.fillna(0.0).to_numpy() * counted
        rows["survey_responses"] = 0.0
        rows["ticket_responses"] = counted
        parts.append(rows)
        groups.append(df[by])
    sums = ["survey_responses", "ticket_responses", "numerator", "denominator"]
    out = _tally(pd.concat(parts, ignore_index=True), by, periods, sums, pd.concat(groups))
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


# ---------------------------------------------------------------------- measure values ----
def _long(
    frame: pd.DataFrame, measure: str, scope: pd.Series | str = "", ratio: bool = True
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "supplier_id": frame["supplier_id"].astype("str").to_numpy(),
            "period": frame["period"].astype("str").to_numpy(),
            "measure": measure,
            "scope": scope if isinstance(scope, str) else scope.to_numpy(),
            "value": frame["value"].astype("float64").to_numpy(),
        }
    )
    for col in ("numerator", "denominator"):
        out[col] = frame[col].astype("float64").to_numpy() if ratio else np.nan
    return out


def _with_totals(frame: pd.DataFrame, scope_col: str, sums: list[str]) -> pd.DataFrame:
    """Add the all-scope rows (scope '') by summing the scoped rows per supplier and period."""
    total = frame.groupby(["supplier_id", "period"], as_index=False)[sums].sum()
    total[scope_col] = ""
    return pd.concat([frame, total], ignore_index=True)


def measure_values(
    clocks: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    params: Params,
    periods: Periods,
    *,
    apply_exclusions: bool = True,
    first_time_fix_after: Literal["first_group", "supplier_first_group"] = "supplier_first_group",
) -> pd.DataFrame:
    """All tower measures of every tower supplier and period, in the measure-values table.

    Rows (``measure``: scopes):

    - ``sla_resolution_attainment``, ``sla_response_attainment``: ``""`` and
      ``priority=1`` .. ``priority=4``; each supplier's own attainment denominator;
    - ``availability``: ``""`` (all the supplier's services pooled: summed available over
      summed agreed minutes) and ``service=<name>``, on the contracts' ``always`` calendar;
    - ``first_time_fix``, ``reopen_rate``, ``change_success_rate``,
      ``emergency_change_ratio``: ``""``;
    - ``mttr_business_hours``, ``mttr_actual_hours``, ``satisfaction``: ``""`` (numerator is
      the sum, denominator the count);
    - ``change_caused_incidents``: ``""`` (count, no numerator/denominator);
    - ``backlog``: open tickets at the period end, ``""`` and ``age=<bucket>`` (count).

    Every supplier/period/measure/scope above has a row; NaN where nothing was counted (counts
    are 0). Tickets listed in ``params.exclusions`` are removed from every ticket-based measure
    first unless ``apply_exclusions`` is False. ``first_time_fix`` is NaN throughout when
    ``tables`` has no ``ticket_events``; it counts reassignments from the moment a ticket
    reached its supplier of record (``first_time_fix_after``), because in a SIAM estate nearly
    every tower ticket arrives through the service desk and the integrator's dispatch group,
    and that routing is measured on the integrator, not the tower.

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks (:mod:`siamlib.clocks`).
    tables : dict of DataFrame
        Data-model tables by name; ``tickets``, ``ticket_events``, ``changes``, ``outages`` and
        ``surveys`` are used; a missing table counts as empty.
    params : Params
    periods : str or iterable of str
    apply_exclusions : bool
    first_time_fix_after : {"supplier_first_group", "first_group"}
        See :func:`first_time_fix`.

    Returns
    -------
    DataFrame
        Columns :data:`siamlib.measures.MEASURE_VALUE_COLUMNS`.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> from siamlib import schema
    >>> params = load_params()
    >>> clocks = schema.empty("tickets").assign(
    ...     response_target_h=pd.Series(dtype="float64"),
    ...     resolution_target_h=pd.Series(dtype="float64"),
    ...     response_breached=pd.Series(dtype="boolean"),
    ...     resolution_breached=pd.Series(dtype="boolean"),
    ...     resolution_h=pd.Series(dtype="float64"),
    ...     resolution_actual_h=pd.Series(dtype="float64"))
    >>> mv = measure_values(clocks, {}, params, ["2026-04"])
    >>> mv.query("supplier_id == 'hosting' and measure == 'availability' and scope == ''")[
    ...     ["value", "denominator"]].iloc[0].tolist()
    [1.0, 129600.0]
    """
    from siamlib import schema

    periods = _periods(periods)
    tz = params.estate.timezone
    towers = [s.id for s in params.estate.towers]

    def table(name: str) -> pd.DataFrame:
        return tables[name] if name in tables else schema.empty(name)

    tickets = table("tickets")
    if apply_exclusions:
        excluded = {e.ticket_id for e in params.exclusions.exclusions}
        clocks = clocks[~clocks["ticket_id"].isin(excluded)]
        tickets = tickets[~tickets["ticket_id"].isin(excluded)]

    parts = []
    sla_sums = ["numerator", "denominator"]
    for clock in ("resolution", "response"):
        r = sla_attainment(clocks, periods, clock=clock, params=params, tz=tz)
        r = r[["supplier_id", "period", "priority", *sla_sums]].copy()
        r["scope"] = [scope_key({"priority": int(p)}) for p in r["priority"]]
        r = _with_totals(r, "scope", sla_sums)
        r["value"] = _ratio(r["numerator"], r["denominator"])
        parts.append(_long(r, f"sla_{clock}_attainment", r["scope"]))

    outages = table("outages")
    a = availability(outages[outages["supplier_id"].isin(towers)], periods, params, tz=tz)
    a = a.copy()
    a["scope"] = [scope_key({"service": s}) for s in a["service"]]
    a = _with_totals(a[["supplier_id", "period", "scope", *sla_sums]], "scope", sla_sums)
    a["value"] = _ratio(a["numerator"], a["denominator"])
    parts.append(_long(a, "availability", a["scope"]))

    if "ticket_events" in tables:
        ftf = first_time_fix(
            tickets, tables["ticket_events"], periods, after=first_time_fix_after, tz=tz
        )
        parts.append(_long(ftf, "first_time_fix"))
    parts += [
        _long(reopen_rate(tickets, periods, tz=tz), "reopen_rate"),
        _long(mttr(clocks, periods, tz=tz), "mttr_business_hours"),
        _long(mttr(clocks, periods, basis="actual", tz=tz), "mttr_actual_hours"),
        _long(change_success(table("changes"), periods, tz=tz), "change_success_rate"),
        _long(emergency_change_ratio(table("changes"), periods, tz=tz), "emergency_change_ratio"),
        _long(satisfaction(table("surveys"), tickets, periods, tz=tz), "satisfaction"),
        _long(
            change_caused_incidents(tickets, table("changes"), periods, tz=tz),
            "change_caused_incidents",
            ratio=False,
        ),
    ]

    ends = {p: period_bounds(p, tz)[1] for p in periods}
    b = backlog(tickets, list(ends.values()))
    b["period"] = b["at"].map({v: k for k, v in ends.items()})
    b["scope"] = [scope_key({"age": x}) for x in b["bucket"]]
    b = _with_totals(b[["supplier_id", "period", "scope", "count"]], "scope", ["count"])
    parts.append(_long(b.rename(columns={"count": "value"}), "backlog", b["scope"], ratio=False))

    found = pd.concat(parts, ignore_index=True)
    found = found[found["supplier_id"].isin(towers)]
    grid = _expected_rows(params, towers, periods)
    out = grid.merge(found, on=["supplier_id", "period", "measure", "scope"], how="outer")
    counts = out["measure"].isin(["change_caused_incidents", "backlog"])
    out.loc[counts, "value"] = out.loc[counts, "value"].fillna(0.0)
    ratios = ~counts & ~out["measure"].eq("first_time_fix")
    out.loc[ratios, ["numerator", "denominator"]] = out.loc[
        ratios, ["numerator", "denominator"]
    ].fillna(0.0)
    if "ticket_events" in tables:
        ftf = out["measure"].eq("first_time_fix")
        out.loc[ftf, ["numerator", "denominator"]] = out.loc[
            ftf, ["numerator", "denominator"]
        ].fillna(0.0)
    out = out.sort_values(["supplier_id", "period", "measure", "scope"]).reset_index(drop=True)
    for col in ("supplier_id", "period", "measure", "scope"):
        out[col] = out[col].astype("str")
    for col in ("value", "numerator", "denominator"):
        out[col] = out[col].astype("float64")
    return out[MEASURE_VALUE_COLUMNS]


def _expected_rows(params: Params, towers: list[str], periods: list[str]) -> pd.DataFrame:
    """The supplier/period/measure/scope rows :func:`measure_values` always returns."""
    prio = [""] + [scope_key({"priority": p}) for p in PRIORITIES]
    ages = [""] + [scope_key({"age": b}) for b in bucket_labels()]
    plain = [
        "first_time_fix",
        "reopen_rate",
        "mttr_business_hours",
        "mttr_actual_hours",
        "change_success_rate",
        "emergency_change_ratio",
        "satisfaction",
        "change_caused_incidents",
    ]
    rows = []
    for sup in towers:
        services = params.estate.supplier(sup).services
        avail = [""] + [scope_key({"service": s}) for s in services]
        for measure, scopes in [
            ("sla_resolution_attainment", prio),
            ("sla_response_attainment", prio),
            ("availability", avail),
            ("backlog", ages),
            *[(m, [""]) for m in plain],
        ]:
            rows += [(sup, p, measure, sc) for p in periods for sc in scopes]
    return pd.DataFrame(rows, columns=["supplier_id", "period", "measure", "scope"])
