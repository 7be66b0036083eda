"""Reporting periods: calendar months (``YYYY-MM``) in the estate's reporting time zone.

A period runs from local midnight on the 1st (inclusive) to local midnight on the 1st of the
next month (exclusive); bounds are returned as UTC timestamps so they compare with the data.

>>> start, end = period_bounds("2026-03", "Europe/London")
>>> str(start), str(end)
('2026-03-01 00:00:00+00:00', '2026-03-31 23:00:00+00:00')
>>> previous_periods("2026-02", 3)
['2025-12', '2026-01', '2026-02']
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

# ASCII digits only (``\d`` takes any script's), and ``\Z``: ``$`` also matches before a final
# line break, so '2026-10\n' would pass.
PERIOD_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z")


def check_period(period: str) -> str:
    """Return ``period`` if it is ``YYYY-MM``, else raise ``ValueError``."""
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise ValueError(f"period must look like YYYY-MM, got {period!r}")
    return period


def period_bounds(period: str, tz: str = "UTC") -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC start (inclusive) and end (exclusive) of a month in time zone ``tz``."""
    check_period(period)
    start = pd.Timestamp(f"{period}-01").tz_localize(tz)
    end = start + pd.offsets.MonthBegin(1)
    return start.tz_convert("UTC"), end.tz_convert("UTC")


class PeriodOutsideWindow(ValueError):
    """The period asked for has no overlap with the dataset's data window."""


def overlaps(period: str, window: tuple[pd.Timestamp, pd.Timestamp], tz: str = "UTC") -> bool:
    """Whether a month overlaps a data window ``[start, end)`` (a partial month does).

    >>> w = (pd.Timestamp("2026-03-10T00:00Z"), pd.Timestamp("2026-05-01T00:00Z"))
    >>> [overlaps(p, w) for p in ("2026-02", "2026-03", "2026-04", "2026-05")]
    [False, True, True, False]
    """
    start, end = period_bounds(period, tz)
    return bool(start < window[1] and end > window[0])


def covers(window: tuple[pd.Timestamp, pd.Timestamp], period: str, tz: str = "UTC") -> bool:
    """Whether a data window ``[start, end)`` holds the whole month (not only part of it).

    >>> w = (pd.Timestamp("2026-03-10T00:00Z"), pd.Timestamp("2026-05-01T00:00Z"))
    >>> [covers(w, p) for p in ("2026-03", "2026-04")]
    [False, True]
    """
    start, end = period_bounds(period, tz)
    return bool(window[0] <= start and window[1] >= end)


def check_in_window(
    period: str, window: tuple[pd.Timestamp, pd.Timestamp], tz: str = "UTC", where: str = ""
) -> str:
    """Return ``period`` if ``window`` covers the whole month, else raise
    :class:`PeriodOutsideWindow`.

    A month the window covers only in part is refused too: its days without data would count
    as days without tickets or outages (availability would count them as up-time).

    >>> w = (pd.Timestamp("2016-02-01T00:00Z"), pd.Timestamp("2017-03-01T00:00Z"))
    >>> check_in_window("2016-04", w)
    '2016-04'
    >>> try:
    ...     check_in_window("2026-10", w, where="data/sn")
    ... except PeriodOutsideWindow as exc:
    ...     print(*str(exc).split("; "), sep=chr(10))  # doctest: +ELLIPSIS
    data/sn: period 2026-10 is outside the data window 2016-02-01 to 2017-03-01 (end ...)
    pick a month from 2016-02 to 2017-02, the months it covers in full
    """
    if covers(window, period, tz):
        return period
    whole = whole_months(window, tz)
    how = "only partly covered by" if overlaps(period, window, tz) else "outside"
    pick = (
        f"pick a month from {whole[0]} to {whole[1]}, the months it covers in full"
        if whole
        else "it covers no whole month"
    )
    raise PeriodOutsideWindow(
        f"{where or 'dataset'}: period {period} is {how} the data window "
        f"{window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d} (end exclusive, dataset.json "
        f"window_start/window_end); {pick}"
    )


def whole_months(
    window: tuple[pd.Timestamp, pd.Timestamp], tz: str = "UTC"
) -> tuple[str, str] | None:
    """The first and last month a data window covers in full; ``None`` when it covers none.

    >>> w = (pd.Timestamp("2016-02-10T00:00Z"), pd.Timestamp("2017-03-01T00:00Z"))
    >>> whole_months(w), whole_months((w[0], pd.Timestamp("2016-03-01T00:00Z")))
    (('2016-03', '2017-02'), None)
    """
    # Its first and last month, less a partial one at each end.
    first = window[0].tz_convert(tz).tz_localize(None).to_period("M")
    last = (window[1] - pd.Timedelta(microseconds=1)).tz_convert(tz).tz_localize(None)
    last = last.to_period("M")
    first += 0 if covers(window, str(first), tz) else 1
    last -= 0 if covers(window, str(last), tz) else 1
    return (str(first), str(last)) if first <= last else None


def latest_month(window: tuple[pd.Timestamp, pd.Timestamp], tz: str = "UTC") -> str:
    """The last month a data window covers in full (the latest month a run can report), or,
    when it covers none, the month of its last instant (which :func:`check_in_window` refuses).

    >>> w = (pd.Timestamp("2016-02-01T00:00Z"), pd.Timestamp("2017-03-10T00:00Z"))
    >>> latest_month(w), latest_month((w[1] - pd.Timedelta(days=2), w[1]))
    ('2017-02', '2017-03')
    """
    whole = whole_months(window, tz)
    if whole:
        return whole[1]
    end = window[1] - pd.Timedelta(microseconds=1)
    return str(end.tz_convert(tz).tz_localize(None).to_period("M"))


def first_day(period: str) -> dt.date:
    """The first day of the period (the date used to pick effective-dated params)."""
    check_period(period)
    return dt.date(int(period[:4]), int(period[5:]), 1)


def previous_periods(period: str, n: int) -> list[str]:
    """The ``n`` periods ending with ``period``, oldest first."""
    p = pd.Period(check_period(period), freq="M")
    return [str(p - i) for i in range(n - 1, -1, -1)]


def period_of(ts: pd.Series, tz: str = "UTC") -> pd.Series:
    """The ``YYYY-MM`` period of each timestamp (missing stays missing).

    >>> s = pd.Series(pd.to_datetime(["2026-03-31T23:30Z", None], utc=True))
    >>> period_of(s, "Europe/London").tolist()
    ['2026-04', nan]
    """
    local = ts.dt.tz_convert(tz).dt.tz_localize(None)
    out = local.dt.to_period("M").astype("str")
    return out.where(ts.notna())
