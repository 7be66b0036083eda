"""Business-hours calendars: hand-computed crossings of nights, weekends, holidays and DST.

All dates are 2026. Europe/London is GMT (UTC+0) until 29 March 01:00 UTC, BST (UTC+1) until
25 October 01:00 UTC. America/New_York is EDT (UTC-4) in July.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siamlib.calendar import (
    BusinessCalendar,
    CalendarRangeError,
    business_hours_between,
    calendar_for,
    clear_cache,
    utc_microseconds,
)
from siamlib.params import DAYS, Calendar

WEEKDAYS = DAYS[:5]
LONDON_8_17 = Calendar(
    timezone="Europe/London", weekly_hours={d: [("08:00", "17:00")] for d in WEEKDAYS}
)
LONDON_8_17_ENG = Calendar(
    timezone="Europe/London",
    weekly_hours={d: [("08:00", "17:00")] for d in WEEKDAYS},
    holidays={"country": "GB", "subdivision": "ENG"},
)
LONDON_24X7 = Calendar(
    timezone="Europe/London", weekly_hours={d: [("00:00", "24:00")] for d in DAYS}
)
LONDON_NIGHT = Calendar(
    timezone="Europe/London", weekly_hours={d: [("00:00", "03:00")] for d in DAYS}
)
NEW_YORK_9_17_US = Calendar(
    timezone="America/New_York",
    weekly_hours={d: [("09:00", "17:00")] for d in WEEKDAYS},
    holidays={"country": "US"},
)


def hours(cal: Calendar, a: str, b: str) -> float:
    return business_hours_between(
        cal, pd.Series(pd.to_datetime([a])), pd.Series(pd.to_datetime([b]))
    )[0]


# ------------------------------------------------------------------- hand-computed cases ----
def test_friday_night_to_monday_morning_is_one_and_a_half_business_hours():
    # The measures.md example. 9 Jan 2026 is a Friday, 12 Jan a Monday; January is GMT.
    # Fri 21:00 is after hours; Monday counts 08:00-09:30 = 1 h 30 = 1.5 h.
    # Wall clock: Fri 21:00 -> Mon 09:30 = 3 h (to midnight) + 48 h + 9.5 h = 60.5 h.
    a, b = "2026-01-09T21:00Z", "2026-01-12T09:30Z"
    assert hours(LONDON_8_17, a, b) == 1.5
    assert (pd.Timestamp(b) - pd.Timestamp(a)) / pd.Timedelta(hours=1) == 60.5


def test_weekend_crossing_counts_friday_afternoon_and_monday_morning_only():
    # Fri 16:00 -> 17:00 = 1 h; Sat, Sun = 0; Mon 08:00 -> 10:00 = 2 h; total 3 h.
    assert hours(LONDON_8_17, "2026-01-09T16:00Z", "2026-01-12T10:00Z") == 3.0


def test_english_summer_bank_holiday_is_not_business_time():
    # Fri 28 Aug 16:00 BST (15:00Z) -> Tue 1 Sep 10:00 BST (09:00Z).
    # Fri 16:00-17:00 = 1 h; Mon 31 Aug is the Late Summer Bank Holiday = 0; Tue 08:00-10:00
    # = 2 h; total 3 h. Without the holiday region Monday adds its 9 h: 12 h.
    a, b = "2026-08-28T15:00Z", "2026-09-01T09:00Z"
    assert hours(LONDON_8_17_ENG, a, b) == 3.0
    assert hours(LONDON_8_17, a, b) == 12.0


def test_extra_holidays_are_not_business_time():
    cal = LONDON_8_17.model_copy(update={"extra_holidays": [dt.date(2026, 1, 12)]})
    # Mon 12 Jan becomes a holiday: Mon 08:00 -> Tue 10:00 = 0 + 2 h.
    assert hours(cal, "2026-01-12T08:00Z", "2026-01-13T10:00Z") == 2.0


def test_spring_forward_sunday_has_23_hours_on_a_24x7_calendar():
    # Local midnight 29 Mar = 00:00Z (GMT); local midnight 30 Mar = 29 Mar 23:00Z (BST).
    assert hours(LONDON_24X7, "2026-03-29T00:00Z", "2026-03-29T23:00Z") == 23.0


def test_autumn_sunday_has_25_hours_on_a_24x7_calendar():
    # Local midnight 25 Oct = 24 Oct 23:00Z (BST); local midnight 26 Oct = 26 Oct 00:00Z (GMT).
    assert hours(LONDON_24X7, "2026-10-24T23:00Z", "2026-10-26T00:00Z") == 25.0


def test_night_span_loses_the_skipped_hour_in_spring():
    # 00:00-03:00 local on 29 Mar: 00:00-01:00 GMT (00:00Z-01:00Z), the clock jumps to 02:00
    # BST, then 02:00-03:00 BST (01:00Z-02:00Z): 2 h, as one UTC interval 00:00Z-02:00Z.
    assert hours(LONDON_NIGHT, "2026-03-28T12:00Z", "2026-03-29T12:00Z") == 2.0
    bc = BusinessCalendar(LONDON_NIGHT, "2026-03-29T00:00Z", "2026-03-29T12:00Z")
    iv = bc.intervals()
    assert iv["start"].tolist() == [pd.Timestamp("2026-03-29T00:00Z")]
    assert iv["end"].tolist() == [pd.Timestamp("2026-03-29T02:00Z")]


def test_night_span_counts_the_repeated_hour_twice_in_autumn():
    # 00:00-03:00 local on 25 Oct: 00:00-02:00 BST (24 Oct 23:00Z - 01:00Z), the clock falls
    # back to 01:00 GMT, then 01:00-03:00 GMT (01:00Z-03:00Z): 2 h + 2 h = 4 h.
    assert hours(LONDON_NIGHT, "2026-10-24T12:00Z", "2026-10-25T12:00Z") == 4.0
    # An ordinary night has 3 h: 26 Oct 00:00-03:00 GMT.
    assert hours(LONDON_NIGHT, "2026-10-25T12:00Z", "2026-10-26T12:00Z") == 3.0


def test_new_york_calendar_uses_local_hours_and_us_holidays():
    # Thu 2 Jul 20:00Z = 16:00 EDT -> Mon 6 Jul 14:00Z = 10:00 EDT.
    # Thu 16:00-17:00 = 1 h; Fri 3 Jul is Independence Day (observed) = 0; weekend 0;
    # Mon 09:00-10:00 = 1 h; total 2 h.
    assert hours(NEW_YORK_9_17_US, "2026-07-02T20:00Z", "2026-07-06T14:00Z") == 2.0


def test_reversed_or_missing_bounds_give_zero_or_nan():
    a = pd.Series(pd.to_datetime(["2026-01-12T12:00Z", None, "2026-01-12T09:00Z"], utc=True))
    b = pd.Series(pd.to_datetime(["2026-01-12T10:00Z", "2026-01-12T10:00Z", None], utc=True))
    out = business_hours_between(LONDON_8_17, a, b)
    assert out[0] == 0.0
    assert np.isnan(out[1]) and np.isnan(out[2])


def test_business_seconds_until_counts_from_the_calendar_start():
    # From Mon 12 Jan 00:00Z: 08:00-17:00 Monday = 9 h, then Tue 08:00-09:15 = 1.25 h.
    bc = BusinessCalendar(LONDON_8_17, "2026-01-12T00:00Z", "2026-01-20T00:00Z")
    got = bc.business_seconds_until(pd.to_datetime(["2026-01-12T07:00Z", "2026-01-13T09:15Z"]))
    assert got.tolist() == [0.0, 10.25 * 3600]


def test_lookup_outside_the_range_raises_a_clear_error():
    bc = BusinessCalendar(LONDON_8_17, "2026-01-12T00:00Z", "2026-01-20T00:00Z")
    with pytest.raises(CalendarRangeError, match="outside the calendar range"):
        bc.business_seconds_until(pd.to_datetime(["2026-02-01T00:00Z"]))


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_microseconds(pd.Series(pd.to_datetime(["2026-01-12 10:00"])))


def test_large_lookups_use_the_minute_table_with_identical_results():
    bc = BusinessCalendar(LONDON_8_17_ENG, "2026-01-01T00:00Z", "2027-01-01T00:00Z")
    rng = np.random.default_rng(5)
    ts = rng.integers(bc.start_us, bc.end_us + 1, 60_000)
    ts[:2] = [bc.start_us, bc.end_us]
    assert np.array_equal(bc.business_us_until(ts), bc._search(ts))


def test_instant_at_inverts_business_time():
    # 10 business hours from Mon 12 Jan 00:00Z: Monday gives 9 h, the 10th ends Tue 09:00Z.
    bc = BusinessCalendar(LONDON_8_17, "2026-01-12T00:00Z", "2026-01-20T00:00Z")
    t = bc.instant_at(np.array([10 * 3600 * 1_000_000]))
    assert pd.Timestamp(t[0], unit="us", tz="UTC") == pd.Timestamp("2026-01-13T09:00Z")


def test_calendar_for_builds_each_calendar_once_per_range():
    clear_cache()
    a = calendar_for(LONDON_8_17, "2026-02-01T00:00Z", "2026-03-01T00:00Z")
    same_params = Calendar.model_validate(LONDON_8_17.model_dump())
    assert calendar_for(same_params, "2026-06-01T00:00Z", "2026-07-01T00:00Z") is a
    wider = calendar_for(LONDON_8_17, "2025-12-01T00:00Z", "2026-03-01T00:00Z")
    assert wider is not a and wider.covers("2025-12-01T00:00Z", "2026-12-31T00:00Z")


# ------------------------------------------------------------------------- properties ----
def _brute_force_seconds(cal: Calendar, a: pd.Timestamp, b: pd.Timestamp) -> float:
    """Minute by minute: a minute counts when its local wall-clock reading is inside a span
    of its local weekday and its local date is no holiday (independent of the index)."""
    import holidays

    tz = zoneinfo.ZoneInfo(cal.timezone)
    off = set(cal.extra_holidays)
    if cal.holidays is not None:
        off |= set(
            holidays.country_holidays(
                cal.holidays.country, subdiv=cal.holidays.subdivision, years=range(2025, 2028)
            )
        )
    spans = {i: cal.weekly_hours.get(d, []) for i, d in enumerate(DAYS)}
    total = 0
    m = a.to_pydatetime()
    while m < b:
        local = m.astimezone(tz)
        hm = local.hour * 60 + local.minute
        if local.date() not in off:
            for s, e in spans[local.weekday()]:
                if _m(s) <= hm < _m(e):
                    total += 60
                    break
        m += dt.timedelta(minutes=1)
    return float(total)


def _m(hhmm: str) -> int:
    h, mm = hhmm.split(":")
    return int(h) * 60 + int(mm)


half_hours = st.integers(0, 48).map(lambda k: f"{k // 2:02d}:{30 * (k % 2):02d}")


@st.composite
def schedules(draw):
    weekly = {}
    for d in DAYS:
        cuts = sorted(set(draw(st.lists(st.integers(0, 48), min_size=0, max_size=4))))
        pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        if pairs:
            weekly[d] = [(f"{a // 2:02d}:{30 * (a % 2):02d}", f"{b // 2:02d}:{30 * (b % 2):02d}")
                         for a, b in pairs]  # fmt: skip
    if not weekly:
        weekly["sun"] = [("01:00", "02:30")]
    tz = draw(st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe"]))
    return Calendar(timezone=tz, weekly_hours=weekly)


# Windows around the 2026 transitions of the three zones (Lord Howe shifts by 30 minutes).
AROUND = [
    pd.Timestamp(x)
    for x in (
        "2026-03-28T12:00Z",  # London
        "2026-10-24T12:00Z",
        "2026-03-07T12:00Z",  # New York
        "2026-10-31T12:00Z",
        "2026-04-04T06:00Z",  # Lord Howe
        "2026-10-03T06:00Z",
    )
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cal=schedules(),
    base=st.sampled_from(AROUND),
    a_min=st.integers(0, 36 * 60),
    length=st.integers(0, 36 * 60),
)
def test_business_time_matches_a_minute_by_minute_walk_across_dst(cal, base, a_min, length):
    a = base + pd.Timedelta(minutes=a_min)
    b = a + pd.Timedelta(minutes=length)
    bc = BusinessCalendar(cal, base - pd.Timedelta(days=1), base + pd.Timedelta(days=4))
    got = bc.business_seconds_between(pd.DatetimeIndex([a]), pd.DatetimeIndex([b]))[0]
    assert got == _brute_force_seconds(cal, a, b)


@settings(max_examples=60, deadline=None)
@given(
    cal=schedules(),
    offsets=st.lists(st.integers(0, 20 * 86_400_000_000), min_size=2, max_size=30),
)
def test_b_is_monotone_and_business_time_never_exceeds_wall_time(cal, offsets):
    bc = BusinessCalendar(cal, "2026-03-20T00:00Z", "2026-04-10T00:00Z")
    ts = np.sort(np.asarray(offsets, dtype=np.int64)) + bc.start_us
    b = bc.business_us_until(ts)
    assert (np.diff(b) >= 0).all()
    assert (np.diff(b) <= np.diff(ts)).all()
    # Additivity: business time from the first to the last instant is the sum of the steps.
    assert b[-1] - b[0] == np.diff(b).sum()
