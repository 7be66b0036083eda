"""Building blocks shared by the tower measure modules (private to :mod:`siamlib.measures`).

Validated period lists, timestamps as UTC microsecond arrays, which requested period a timestamp
falls in, ticket-state masks and full-grid tallies. Conventions for every tower measure (counting
dates in the estate's reporting time zone, a row per group and period, NaN for an empty
denominator) are described in :mod:`siamlib.measures.tower`.

>>> _periods(["2026-05", "2026-04", "2026-05"])
['2026-04', '2026-05']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from siamlib.common import DEFAULT_AGE_BUCKETS, DEFAULT_TZ, ratio
from siamlib.periods import check_period, period_bounds
from siamlib.schema import TIMESTAMP_DTYPE

if TYPE_CHECKING:
    from siamlib.params import Params

__all__ = ["DEFAULT_AGE_BUCKETS", "DEFAULT_TZ"]

#: Statuses of a ticket whose fix has been delivered; only these count as "resolved".
RESOLVED_STATUSES = ("resolved", "closed")
#: Change outcomes that count as a completed (implemented) change.
COMPLETED_CHANGE_OUTCOMES = ("successful", "failed", "backed_out")
PRIORITIES = (1, 2, 3, 4)

Periods = str | Iterable[str]
_BIG = np.iinfo(np.int64).max


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


_ratio = ratio  # num / den, NaN where den is 0 (see siamlib.common.ratio)


def _finish(out: pd.DataFrame, keys: Sequence[str], first: Sequence[str]) -> pd.DataFrame:
    rest = [c for c in out.columns if c not in (*keys, "period", *first)]
    return out[[*keys, "period", *rest, *first]]


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
