"""Source wall-clock times -> UTC, with daylight-saving changes in the source zone."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib.importers.timestamps import parse_timestamps

FMT = "%d/%m/%Y %H:%M"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_spring_forward_gap_shifts_to_the_end_of_the_gap():
    # Europe/London 29 March 2026: 01:00 GMT -> 02:00 BST. 01:30 does not exist; shifted to
    # 02:00 BST = 01:00 UTC. 00:59 GMT = 00:59 UTC; 02:00 BST = 01:00 UTC.
    p = parse_timestamps(pd.Series(["29/3/2026 00:59", "29/3/2026 01:30", "29/3/2026 02:00"]),
                         FMT, "Europe/London")  # fmt: skip
    assert p.utc.tolist() == [
        ts("2026-03-29 00:59"),
        ts("2026-03-29 01:00"),
        ts("2026-03-29 01:00"),
    ]
    assert p.nonexistent.tolist() == [False, True, False]


def test_autumn_repeated_hour_reads_the_first_occurrence_by_default():
    # Europe/London 25 October 2026: 02:00 BST -> 01:00 GMT, so 01:00-01:59 happens twice.
    # first = BST (UTC+1): 01:30 -> 00:30 UTC; second = GMT: 01:30 -> 01:30 UTC.
    s = pd.Series(["25/10/2026 01:30", "25/10/2026 00:59", "25/10/2026 02:00"])
    first = parse_timestamps(s, FMT, "Europe/London")
    second = parse_timestamps(s, FMT, "Europe/London", ambiguous="second")
    assert first.utc.tolist() == [ts("2026-10-24 23:59") + pd.Timedelta(minutes=31),
                                  ts("2026-10-24 23:59"), ts("2026-10-25 02:00")]  # fmt: skip
    assert second.utc.iloc[0] == ts("2026-10-25 01:30")
    assert first.ambiguous.tolist() == [True, False, False]


def test_values_with_an_offset_keep_it_whatever_the_zone():
    s = pd.Series(["2012-05-11T13:00:00+02:00", "2012-05-11T13:00:00Z", "2012-05-11 13:00"])
    p = parse_timestamps(s, "ISO8601", "America/New_York")
    # +02:00 -> 11:00Z; Z stays; the naive value is New York EDT (UTC-4) -> 17:00Z.
    assert p.utc.tolist() == [
        ts("2012-05-11 11:00"),
        ts("2012-05-11 13:00"),
        ts("2012-05-11 17:00"),
    ]


def test_iso_values_are_accepted_alongside_the_format():
    p = parse_timestamps(pd.Series(["2/3/2026 09:00", "2026-03-02 09:00:00"]), FMT, "UTC")
    assert p.utc.tolist() == [ts("2026-03-02 09:00")] * 2
    assert not p.bad.any()


def test_day_first_is_not_read_month_first():
    p = parse_timestamps(pd.Series(["5/3/2016 12:00", "13/1/2016 08:00"]), FMT, "UTC")
    assert p.utc.tolist() == [ts("2016-03-05 12:00"), ts("2016-01-13 08:00")]


def test_unreadable_values_are_bad_and_missing_ones_are_not():
    p = parse_timestamps(pd.Series(["31/2/2026 10:00", "tomorrow", None]), FMT, "UTC")
    assert p.bad.tolist() == [True, True, False]
    assert p.utc.isna().all()


def test_empty_input_gives_empty_output():
    p = parse_timestamps(pd.Series([], dtype="str"), FMT, "UTC")
    assert len(p.utc) == 0 and str(p.utc.dtype) == "datetime64[us, UTC]"


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2030, 12, 31)))
def test_every_local_minute_maps_to_utc_and_back_except_inside_the_gap(local):
    local = local.replace(second=0, microsecond=0)
    text = f"{local.day}/{local.month}/{local.year} {local:%H:%M}"
    p = parse_timestamps(pd.Series([text]), FMT, "Europe/London")
    back = p.utc.iloc[0].tz_convert("Europe/London").tz_localize(None)
    if p.nonexistent.iloc[0]:
        # Shifted forward to the end of the one-hour gap: 02:00 local.
        assert back == pd.Timestamp(local).replace(hour=2, minute=0)
    else:
        assert back == pd.Timestamp(local)
