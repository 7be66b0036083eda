"""Reporting periods: calendar months in the estate time zone, as UTC bounds."""

import pandas as pd
import pytest

from siamlib import periods


def test_a_london_month_starts_at_local_midnight():
    # 1 March 2026 is GMT (UTC+0); 1 April 2026 is BST (UTC+1) -> 31 March 23:00 UTC.
    start, end = periods.period_bounds("2026-03", "Europe/London")
    assert start == pd.Timestamp("2026-03-01T00:00Z")
    assert end == pd.Timestamp("2026-03-31T23:00Z")


def test_period_of_uses_local_time():
    s = pd.Series(pd.to_datetime(["2026-03-31T23:30Z", "2026-03-31T22:59Z"], utc=True))
    # 23:30 UTC on 31 March is 00:30 BST on 1 April.
    assert periods.period_of(s, "Europe/London").tolist() == ["2026-04", "2026-03"]


def test_previous_periods_cross_the_year():
    assert periods.previous_periods("2026-01", 3) == ["2025-11", "2025-12", "2026-01"]


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-1", "26-01", "2026/01", "", None, "2026-10\n", "٢٠٢٦-10"]
)
def test_a_bad_period_is_refused(bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        periods.check_period(bad)


WINDOW = (pd.Timestamp("2016-02-01T00:00Z"), pd.Timestamp("2016-05-15T00:00Z"))


def test_a_month_the_window_covers_only_in_part_is_refused_as_a_reporting_period():
    # The window ends mid-May: May overlaps it but is not covered; its missing second half
    # would read as days without tickets or outages (availability: up-time), so it is refused.
    assert [periods.overlaps(p, WINDOW) for p in ("2016-01", "2016-02", "2016-05", "2016-06")] == [
        False,
        True,
        True,
        False,
    ]
    assert [periods.covers(WINDOW, p) for p in ("2016-02", "2016-04", "2016-05")] == [
        True,
        True,
        False,
    ]
    assert periods.check_in_window("2016-04", WINDOW) == "2016-04"
    with pytest.raises(periods.PeriodOutsideWindow, match="2016-05 is only partly covered"):
        periods.check_in_window("2016-05", WINDOW)


@pytest.mark.parametrize("period", ["2016-01", "2016-06", "2026-10"])
def test_a_period_outside_the_window_is_an_error_naming_the_window(period):
    with pytest.raises(periods.PeriodOutsideWindow) as err:
        periods.check_in_window(period, WINDOW, "Europe/London", where="data/sn")
    msg = str(err.value)
    assert isinstance(err.value, ValueError)
    assert msg.startswith(f"data/sn: period {period} is outside the data window")
    # May is only partly inside the window: the months offered are the whole ones.
    assert "2016-02-01 to 2016-05-15" in msg
    assert "pick a month from 2016-02 to 2016-04, the months it covers in full" in msg
    assert "\n" not in msg
