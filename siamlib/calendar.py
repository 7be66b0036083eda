"""Business-hours calendars: weekly hours in a local time zone (with DST), minus holidays.

A :class:`BusinessCalendar` turns a :class:`siamlib.params.Calendar` into a cumulative index of
business time, so the business time between any two instants is two vectorised look-ups:
``B(b) - B(a)``, where ``B(t)`` is the business time from the calendar's ``start`` to ``t``.

Which instants are business time
--------------------------------
An instant counts when its *local wall-clock reading* (in the calendar's IANA zone) falls inside
one of the weekly spans of its local weekday, and its local date is not a public holiday (from
the ``holidays`` package region, observed/substitute days included) nor an ``extra_holidays``
date. Consequences on daylight-saving days, worked for Europe/London:

- a ``00:00-24:00`` schedule has 23 h on the spring-forward Sunday and 25 h on the autumn
  Sunday: every instant of the day counts, the day just has fewer or more of them;
- a span crossing the skipped hour (``00:00-03:00`` on 2026-03-29) loses it: 2 h;
- a span crossing the repeated hour (``00:00-03:00`` on 2026-10-25) counts it twice: 4 h;
- span edges that fall in a skipped hour simply have no instant; edges in a repeated hour are
  met twice and both passes count.

How it is computed
------------------
The zone's UTC-offset transitions in the range are found once (hourly sampling, refined to the
second). Each local day's spans become naive local intervals; within each constant-offset
regime they are shifted by the regime's offset and clipped to it, giving exact UTC business
intervals. Their cumulative lengths make ``B(t)`` one ``np.searchsorted`` over a few thousand
interval starts per year, exact to the microsecond (the resolution of the data model's
timestamps).

Range
-----
A calendar covers ``[start, end]`` (both tz-aware). Asking for an instant outside that range
raises :class:`CalendarRangeError` rather than silently extending: a calendar is immutable and
shared through the cache. :func:`calendar_for` is the way to get one: it returns a cached
calendar covering the requested range, built over whole UTC years so that a monthly run builds
each contract's calendars once.

Examples
--------
>>> from siamlib.params import Calendar
>>> weekdays = {d: [("08:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
>>> cal = Calendar(timezone="Europe/London", weekly_hours=weekdays)
>>> a = pd.Series(pd.to_datetime(["2026-01-09 21:00Z"]))   # Friday evening
>>> b = pd.Series(pd.to_datetime(["2026-01-12 09:30Z"]))   # Monday morning
>>> business_hours_between(cal, a, b).tolist()
[1.5]
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import numpy as np
import pandas as pd

from siamlib import params as params_mod

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
NAT = np.iinfo(np.int64).min  # how NaT is stored in int64 views of datetime64

_WEEKDAY = {d: i for i, d in enumerate(params_mod.DAYS)}  # mon=0 .. sun=6
# Padding around the requested range so that local days straddling its edges are complete.
_PAD_US = 3 * US_PER_DAY
# Look-ups of at least this many instants build (once) and use the per-minute table.
_MINUTE_TABLE_MIN_QUERY = 50_000


class CalendarRangeError(ValueError):
    """A timestamp lies outside the range a :class:`BusinessCalendar` was built for."""


# ----------------------------------------------------------------------------- helpers ----
def utc_microseconds(values) -> np.ndarray:
    """Timestamps as int64 microseconds since the Unix epoch (UTC); NaT becomes :data:`NAT`.

    Accepts a Series, DatetimeIndex, array or list of timezone-aware timestamps (or ISO strings
    with an offset). Naive timestamps are refused: their zone is unknown.

    >>> utc_microseconds(pd.Series(pd.to_datetime(["1970-01-01 00:00:01Z", None]))).tolist()
    [1000000, -9223372036854775808]
    """
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.arrays.DatetimeArray) and values.tz is not None:
        # Fast path for the data model's columns: a view when already in microseconds.
        return values.as_unit("us").asi8
    if isinstance(values, pd.Timestamp | dt.datetime | str):
        values = [values]
    idx = pd.DatetimeIndex(values)
    if idx.tz is None:
        if len(idx) and idx.notna().any():
            raise ValueError("timestamps must be timezone-aware (UTC in the data model)")
        idx = idx.tz_localize("UTC")
    return idx.tz_convert("UTC").as_unit("us").asi8


def _ts_us(value) -> int:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise ValueError(f"calendar range bounds must be timezone-aware, got {value!r}")
    return int(ts.tz_convert("UTC").as_unit("us").asm8.view(np.int64))


def _offsets_us(tz: str, instants_us: np.ndarray) -> np.ndarray:
    """UTC offset (local - UTC) in microseconds at each instant, vectorised through pandas."""
    idx = pd.DatetimeIndex(instants_us.astype("datetime64[us]")).tz_localize("UTC")
    local = idx.tz_convert(tz).tz_localize(None).as_unit("us").asi8
    return local - instants_us


def offset_regimes(tz: str, lo_us: int, hi_us: int) -> tuple[np.ndarray, np.ndarray]:
    """Constant-offset regimes of zone ``tz`` covering ``[lo_us, hi_us]``.

    Returns ``(starts, offsets)``: regime ``i`` runs from ``starts[i]`` (``starts[0] = lo_us``)
    to ``starts[i + 1]`` with UTC offset ``offsets[i]`` (microseconds). Transitions are found
    by hourly sampling refined to the second; zones never change offset twice in an hour.

    >>> lo = _ts_us("2026-03-28T00:00Z"); hi = _ts_us("2026-03-30T00:00Z")
    >>> starts, offsets = offset_regimes("Europe/London", lo, hi)
    >>> [str(pd.Timestamp(s, unit="us", tz="UTC")) for s in starts], (offsets // US_PER_HOUR)
    (['2026-03-28 00:00:00+00:00', '2026-03-29 01:00:00+00:00'], array([0, 1]))
    """
    hours = np.arange(lo_us, hi_us + US_PER_HOUR, US_PER_HOUR, dtype=np.int64)
    offs = _offsets_us(tz, hours)
    starts = [lo_us]
    offsets = [int(offs[0])]
    for k in np.flatnonzero(np.diff(offs)):
        seconds = hours[k] + np.arange(1, 3601, dtype=np.int64) * US_PER_SECOND
        sec_offs = _offsets_us(tz, seconds)
        first = int(np.flatnonzero(sec_offs != offs[k])[0])
        starts.append(int(seconds[first]))
        offsets.append(int(sec_offs[first]))
    return np.asarray(starts, dtype=np.int64), np.asarray(offsets, dtype=np.int64)


def _holiday_days(cal: params_mod.Calendar, first_day: int, last_day: int) -> np.ndarray:
    """Local holiday dates in ``[first_day, last_day]`` as day numbers since 1970-01-01."""
    days: set[dt.date] = set(cal.extra_holidays)
    if cal.holidays is not None:
        import holidays

        y0 = (np.datetime64(first_day, "D").astype(object)).year
        y1 = (np.datetime64(last_day, "D").astype(object)).year
        days |= set(
            holidays.country_holidays(
                cal.holidays.country,
                subdiv=cal.holidays.subdivision,
                years=range(y0, y1 + 1),
            )
        )
    return np.array(sorted(np.datetime64(d, "D").astype(np.int64) for d in days), dtype=np.int64)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _local_spans(cal: params_mod.Calendar, first_day: int, last_day: int):
    """Naive-local business spans (start, end) in microseconds for days in the range."""
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (mon=0)
    working = ~np.isin(days, _holiday_days(cal, first_day, last_day))
    starts, ends = [], []
    for day_name, spans in cal.weekly_hours.items():
        on = days[(weekday == _WEEKDAY[day_name]) & working] * US_PER_DAY
        for a, b in spans:
            starts.append(on + _minutes(a) * US_PER_MINUTE)
            ends.append(on + _minutes(b) * US_PER_MINUTE)
    if not starts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    s = np.concatenate(starts)
    e = np.concatenate(ends)
    order = np.argsort(s, kind="stable")
    return s[order], e[order]


def _merge(s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort and merge touching or overlapping intervals."""
    keep = e > s
    s, e = s[keep], e[keep]
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    if len(s) == 0:
        return s, e
    reach = np.maximum.accumulate(e)
    new = np.empty(len(s), dtype=bool)
    new[0] = True
    new[1:] = s[1:] > reach[:-1]
    group = np.cumsum(new) - 1
    out_s = s[new]
    out_e = np.zeros(len(out_s), dtype=np.int64)
    np.maximum.at(out_e, group, e)
    return out_s, out_e


# ---------------------------------------------------------------------------- calendar ----
class BusinessCalendar:
    """Cumulative business-time index of one calendar over ``[start, end]``.

    Parameters
    ----------
    cal : siamlib.params.Calendar
        Weekly hours, IANA time zone, holiday region and extra holidays.
    start, end : timestamp-like, timezone-aware
        Range covered (inclusive). Look-ups outside it raise :class:`CalendarRangeError`;
        use :func:`calendar_for` to get a cached calendar covering what you need.

    Examples
    --------
    >>> from siamlib.params import Calendar
    >>> always = Calendar(timezone="Europe/London",
    ...                   weekly_hours={d: [("00:00", "24:00")] for d in params_mod.DAYS})
    >>> bc = BusinessCalendar(always, "2026-03-28T00:00Z", "2026-04-01T00:00Z")
    >>> day = pd.to_datetime(["2026-03-29T00:00Z", "2026-03-29T23:00Z"])  # local midnights
    >>> float(np.diff(bc.business_seconds_until(day))[0]) / 3600   # spring-forward Sunday
    23.0
    """

    def __init__(self, cal: params_mod.Calendar, start, end):
        self.calendar = cal
        self.tz = cal.timezone
        zoneinfo.ZoneInfo(self.tz)  # fail early on an unknown zone
        self.start_us = _ts_us(start)
        self.end_us = _ts_us(end)
        if self.end_us < self.start_us:
            raise ValueError("calendar range: end is before start")
        lo, hi = self.start_us - _PAD_US, self.end_us + _PAD_US
        reg_start, reg_off = offset_regimes(self.tz, lo, hi)
        reg_end = np.append(reg_start[1:], hi)
        first_day = (lo + int(reg_off.min())) // US_PER_DAY - 1
        last_day = (hi + int(reg_off.max())) // US_PER_DAY + 1
        ls, le = _local_spans(cal, first_day, last_day)
        pieces_s, pieces_e = [], []
        for r0, r1, off in zip(reg_start, reg_end, reg_off, strict=True):
            # An instant t counts when its wall-clock reading t + off is a local business
            # instant; inside one regime that is the local span shifted back by the offset.
            pieces_s.append(np.maximum(ls - off, r0))
            pieces_e.append(np.minimum(le - off, r1))
        s, e = _merge(np.concatenate(pieces_s), np.concatenate(pieces_e))
        s, e = np.maximum(s, self.start_us), np.minimum(e, self.end_us)
        keep = e > s
        self._starts = s[keep]
        self._ends = e[keep]
        lengths = self._ends - self._starts
        self._cum = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self._lengths = lengths
        self._table = None  # per-minute look-up table, built lazily (see _minute_table)

    # ---------------------------------------------------------------- introspection
    @property
    def start(self) -> pd.Timestamp:
        """First instant covered (UTC)."""
        return pd.Timestamp(self.start_us, unit="us", tz="UTC")

    @property
    def end(self) -> pd.Timestamp:
        """Last instant covered (UTC)."""
        return pd.Timestamp(self.end_us, unit="us", tz="UTC")

    def covers(self, start, end) -> bool:
        """True when ``[start, end]`` lies inside the calendar's range.

        >>> from siamlib.params import Calendar
        >>> bc = BusinessCalendar(Calendar(weekly_hours={"mon": [("09:00", "17:00")]}),
        ...                       "2026-01-01T00:00Z", "2026-02-01T00:00Z")
        >>> bc.covers("2026-01-05T00:00Z", "2026-01-31T00:00Z"), bc.covers("2025-12-31T00:00Z",
        ...                                                              "2026-01-02T00:00Z")
        (True, False)
        """
        return self.start_us <= _ts_us(start) and _ts_us(end) <= self.end_us

    def intervals(self) -> pd.DataFrame:
        """The business intervals in UTC (``start`` inclusive, ``end`` exclusive).

        >>> from siamlib.params import Calendar
        >>> cal = Calendar(weekly_hours={"mon": [("09:00", "10:00")]})
        >>> BusinessCalendar(cal, "2026-07-06T00:00Z", "2026-07-07T00:00Z").intervals()
                              start                       end
        0 2026-07-06 08:00:00+00:00 2026-07-06 09:00:00+00:00
        """
        return pd.DataFrame(
            {
                "start": pd.to_datetime(self._starts, unit="us", utc=True),
                "end": pd.to_datetime(self._ends, unit="us", utc=True),
            }
        )

    # ---------------------------------------------------------------- look-ups
    def business_us_until(self, ts_us: np.ndarray) -> np.ndarray:
        """``B(t)`` in integer microseconds for int64 UTC microseconds (no NaT allowed).

        Raises :class:`CalendarRangeError` for an instant outside ``[start, end]``.
        """
        ts_us = np.asarray(ts_us, dtype=np.int64)
        if ts_us.size:
            lo, hi = int(ts_us.min()), int(ts_us.max())
            if lo < self.start_us or hi > self.end_us:
                bad = lo if lo < self.start_us else hi
                raise CalendarRangeError(
                    f"{pd.Timestamp(bad, unit='us', tz='UTC')} is outside the calendar range "
                    f"[{self.start}, {self.end}]; build one covering it with calendar_for()"
                )
        if ts_us.size >= _MINUTE_TABLE_MIN_QUERY and self._minute_table() is not None:
            base, cum_min, busy = self._table
            m = ts_us // US_PER_MINUTE - base
            into = ts_us - (m + base) * US_PER_MINUTE
            return cum_min[m].astype(np.int64) * US_PER_MINUTE + busy[m] * into
        return self._search(ts_us)

    def _search(self, ts_us: np.ndarray) -> np.ndarray:
        if len(self._starts) == 0:
            return np.zeros(ts_us.shape, dtype=np.int64)
        i = np.searchsorted(self._starts, ts_us, side="right") - 1
        ok = i >= 0
        ic = np.where(ok, i, 0)
        inside = np.clip(ts_us - self._starts[ic], 0, self._lengths[ic])
        return np.where(ok, self._cum[ic] + inside, 0)

    def _minute_table(self):
        """Per-minute table making ``B`` O(1): business minutes before each UTC minute, and
        whether the minute is business time. Built on first large look-up; ``None`` when some
        minute is only partly business time (an offset or range edge off the minute grid),
        in which case look-ups use the binary search."""
        if self._table is None:
            base = self.start_us // US_PER_MINUTE
            top = -(-self.end_us // US_PER_MINUTE)
            edges = np.arange(base, top + 1, dtype=np.int64) * US_PER_MINUTE
            b = self._search(np.clip(edges, self.start_us, self.end_us))
            per_minute = np.diff(b)
            whole = (per_minute == 0) | (per_minute == US_PER_MINUTE)
            if not whole.all() or b[-1] // US_PER_MINUTE >= np.iinfo(np.int32).max:
                self._table = False
            else:
                cum_min = (b[:-1] // US_PER_MINUTE).astype(np.int32)
                busy = (per_minute == US_PER_MINUTE).astype(np.int8)
                # One extra row so that t == end (the last covered instant) indexes safely.
                self._table = (base, np.append(cum_min, cum_min[-1]), np.append(busy, 0))
        return self._table or None

    def instant_at(self, b_us: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`business_us_until`: the earliest instant ``t`` (int64 UTC
        microseconds) with ``B(t) >= b``, for ``b`` in business microseconds. Used to find
        when a clock reached its target. ``b`` beyond the range's business time gives the
        end of the last business interval.

        >>> from siamlib.params import Calendar
        >>> cal = Calendar(weekly_hours={"mon": [("09:00", "17:00")]}, timezone="UTC")
        >>> bc = BusinessCalendar(cal, "2026-07-06T00:00Z", "2026-07-14T00:00Z")
        >>> t = bc.instant_at(np.array([10 * US_PER_HOUR]))     # 8 h on the 6th, 2 h on the 13th
        >>> str(pd.Timestamp(t[0], unit="us", tz="UTC"))
        '2026-07-13 11:00:00+00:00'
        """
        b_us = np.asarray(b_us, dtype=np.int64)
        if len(self._starts) == 0:
            return np.full(b_us.shape, self.start_us, dtype=np.int64)
        ends_cum = self._cum + self._lengths
        i = np.minimum(np.searchsorted(ends_cum, b_us, side="left"), len(self._starts) - 1)
        inside = np.clip(b_us - self._cum[i], 0, self._lengths[i])
        return np.maximum(self._starts[i] + inside, self.start_us)

    def business_seconds_until(self, ts) -> np.ndarray:
        """``B(t)``: business seconds from the calendar's ``start`` to each ``t`` (NaT -> NaN).

        ``B`` is non-decreasing, so business time between ``a`` and ``b`` is ``B(b) - B(a)``.

        >>> from siamlib.params import Calendar
        >>> cal = Calendar(weekly_hours={"mon": [("09:00", "17:00")]}, timezone="UTC")
        >>> bc = BusinessCalendar(cal, "2026-07-06T00:00Z", "2026-07-08T00:00Z")
        >>> bc.business_seconds_until(pd.to_datetime(["2026-07-06T10:00Z", None], utc=True))
        array([3600.,   nan])
        """
        us = utc_microseconds(ts)
        nat = us == NAT
        b = self.business_us_until(np.where(nat, self.start_us, us))
        out = b.astype(np.float64) / US_PER_SECOND
        out[nat] = np.nan
        return out

    def business_seconds_between(self, a, b) -> np.ndarray:
        """Business seconds from ``a`` to ``b`` elementwise: 0 when ``b <= a``, NaN for NaT.

        >>> from siamlib.params import Calendar
        >>> cal = Calendar(weekly_hours={"mon": [("09:00", "17:00")]}, timezone="UTC")
        >>> bc = BusinessCalendar(cal, "2026-07-06T00:00Z", "2026-07-08T00:00Z")
        >>> a = pd.to_datetime(["2026-07-06T08:00Z", "2026-07-06T12:00Z"], utc=True)
        >>> b = pd.to_datetime(["2026-07-07T08:00Z", "2026-07-06T11:00Z"], utc=True)
        >>> bc.business_seconds_between(a, b) / 3600
        array([8., 0.])
        """
        return np.maximum(self.business_seconds_until(b) - self.business_seconds_until(a), 0.0)


# ------------------------------------------------------------------------------ cache ----
_CACHE: dict[str, BusinessCalendar] = {}
_LOCK = threading.Lock()


def _year_floor(us: int) -> pd.Timestamp:
    return pd.Timestamp(year=pd.Timestamp(us, unit="us").year, month=1, day=1, tz="UTC")


def calendar_for(cal: params_mod.Calendar, start, end) -> BusinessCalendar:
    """A cached :class:`BusinessCalendar` for ``cal`` covering at least ``[start, end]``.

    Calendars are keyed by their parameters (two contracts with identical calendars share one)
    and built over whole UTC years; a request outside the cached range rebuilds it over the
    union, so a run builds each distinct calendar once.

    >>> from siamlib.params import Calendar
    >>> cal = Calendar(weekly_hours={"mon": [("09:00", "17:00")]})
    >>> bc = calendar_for(cal, "2026-03-05T00:00Z", "2026-04-01T00:00Z")
    >>> str(bc.start), str(bc.end)
    ('2026-01-01 00:00:00+00:00', '2027-01-01 00:00:00+00:00')
    >>> calendar_for(cal, "2026-06-01T00:00Z", "2026-07-01T00:00Z") is bc
    True
    """
    key = cal.model_dump_json()
    lo, hi = _ts_us(start), _ts_us(end)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit.start_us <= lo and hi <= hit.end_us:
            return hit
        if hit is not None:
            lo, hi = min(lo, hit.start_us), max(hi, hit.end_us)
        y0 = _year_floor(lo)
        y1 = _year_floor(hi) + pd.DateOffset(years=1)
        built = BusinessCalendar(cal, y0, y1)
        _CACHE[key] = built
        return built


def clear_cache() -> None:
    """Forget every cached calendar (e.g. after editing params in a long-lived process)."""
    with _LOCK:
        _CACHE.clear()


# ------------------------------------------------------------------------- convenience ----
def business_hours_between(cal: params_mod.Calendar, a: pd.Series, b: pd.Series) -> pd.Series:
    """Business hours from ``a`` to ``b`` on calendar ``cal``, elementwise.

    0 where ``b <= a``; NaN where either is missing. The result keeps ``a``'s index.

    >>> from siamlib.params import Calendar
    >>> cal = Calendar(timezone="Europe/London", holidays={"country": "GB", "subdivision": "ENG"},
    ...                weekly_hours={d: [("08:00", "17:00")] for d in params_mod.DAYS[:5]})
    >>> a = pd.Series(pd.to_datetime(["2026-08-28T16:00Z"]))   # Fri 17:00 BST
    >>> b = pd.Series(pd.to_datetime(["2026-09-01T08:00Z"]))   # Tue 09:00 BST
    >>> business_hours_between(cal, a, b).tolist()   # Mon 31 Aug is a bank holiday
    [1.0]
    """
    ua, ub = utc_microseconds(a), utc_microseconds(b)
    valid = np.concatenate([ua[ua != NAT], ub[ub != NAT]])
    out = np.full(len(ua), np.nan)
    if valid.size:
        bc = calendar_for(
            cal,
            pd.Timestamp(int(valid.min()), unit="us", tz="UTC"),
            pd.Timestamp(int(valid.max()), unit="us", tz="UTC"),
        )
        ok = (ua != NAT) & (ub != NAT)
        diff = bc.business_us_until(ub[ok]) - bc.business_us_until(ua[ok])
        out[ok] = np.maximum(diff, 0) / US_PER_HOUR
    index = a.index if isinstance(a, pd.Series) else None
    return pd.Series(out, index=index, dtype="float64")
