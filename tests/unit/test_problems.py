"""Proactive problem management: trend rule, trend response, repeat incidents, shares.

Expected values are worked out by hand in the comments. Weekly series start on Monday
2026-01-05 (UTC); week ``i`` starts 5 January + ``i`` weeks.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import schema
from siamlib.measures.problems import (
    TREND_COLUMNS,
    detect_trends,
    proactive_share,
    problem_linked_share,
    repeat_incident_rate,
    repeat_incidents,
    trend_response,
    trend_series,
)

WEEK0 = pd.Timestamp("2026-01-05", tz="UTC")  # a Monday


def week(i: int) -> pd.Timestamp:
    return WEEK0 + pd.Timedelta(weeks=i)


def weekly_incidents(series: dict[str, list[int]], *, by: str = "service") -> pd.DataFrame:
    """``series[key][i]`` incidents on ``key`` in week ``i`` (Wednesdays 10:00 UTC)."""
    rows = [
        {by: key, "opened_at": week(i) + pd.Timedelta(days=2, hours=10)}
        for key, counts in series.items()
        for i, n in enumerate(counts)
        for _ in range(n)
    ]
    return make_tickets(rows)


def make_tickets(rows: list[dict]) -> pd.DataFrame:
    base = {
        "ticket_type": "incident",
        "supplier_id": "network",
        "service": "vpn",
        "category": "connectivity",
        "ci": None,
        "priority": 3,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "status": "assigned",
        "reopen_count": 0,
        "problem_id": None,
        "change_id": None,
        "satisfaction": None,
    }
    df = pd.DataFrame([{**base, "ticket_id": f"I{i:04d}", **r} for i, r in enumerate(rows)])
    if df.empty:
        return schema.empty("tickets")
    return schema.coerce("tickets", df)


def make_problems(rows: list[dict]) -> pd.DataFrame:
    base = {
        "supplier_id": "network",
        "service": "vpn",
        "category": None,
        "ci": None,
        "root_cause_at": None,
        "closed_at": None,
        "origin": "reactive",
        "linked_incidents": 0,
    }
    df = pd.DataFrame([{**base, "problem_id": f"P{i}", **r} for i, r in enumerate(rows)])
    return schema.coerce("problems", df)


# ------------------------------------------------------------------------------- trends -----
def test_trend_series_baseline_is_the_mean_of_the_eight_previous_weeks():
    s = trend_series(weekly_incidents({"vpn": [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]}))
    assert s["baseline_mean"].iloc[:8].isna().all()  # fewer than 8 weeks of history
    # week 8: (1 + ... + 8) / 8 = 4.5, threshold 4.5 + 3 * sqrt(4.5) = 10.364
    assert s["baseline_mean"].iloc[8] == 4.5
    assert s["threshold"].iloc[8] == pytest.approx(4.5 + 3 * math.sqrt(4.5))
    assert not s["exceeds"].iloc[8]  # 9 < 10.36
    # week 9: (2 + ... + 9) / 8 = 5.5, threshold 5.5 + 3 * 2.345 = 12.54 < 20
    assert s["baseline_mean"].iloc[9] == 5.5
    assert s["exceeds"].iloc[9]


def test_two_consecutive_weeks_above_poisson_three_sigma_make_a_trend():
    # Baseline 2 a week: week 8 threshold 2 + 3 * sqrt(2) = 6.24 < 7.
    # Week 9 baseline (7 * 2 + 7) / 8 = 2.625, threshold 2.625 + 3 * 1.620 = 7.49 < 8.
    # Week 10 (3) is below: the trend ends on week 9.
    tr = detect_trends(weekly_incidents({"vpn": [2] * 8 + [7, 8, 3]}))
    assert list(tr.columns) == TREND_COLUMNS
    assert len(tr) == 1
    t = tr.iloc[0]
    assert (t["by"], t["key"]) == ("service", "vpn")
    assert (t["start_week"], t["detected_week"], t["end_week"]) == (week(8), week(9), week(9))
    assert (t["weeks"], t["peak_count"], t["peak_week"]) == (2, 8, week(9))
    assert t["baseline_mean"] == 2.0


def test_a_single_spike_week_is_not_a_trend():
    # week 8: 9 > 6.24 exceeds; week 9: 2 does not.
    assert detect_trends(weekly_incidents({"vpn": [2] * 8 + [9, 2, 2]})).empty


def test_small_counts_never_trend_below_the_minimum():
    # From nothing to 4 a week: 4 > 0 + 3 * sqrt(0) but 4 < 5.
    assert detect_trends(weekly_incidents({"vpn": [0] * 8 + [4, 4, 4], "x": [1]})).empty
    # 5, 5: week 8 baseline 0 (threshold 0); week 9 baseline 5 / 8 = 0.625,
    # threshold 0.625 + 3 * 0.791 = 3.00 < 5: a trend.
    tr = detect_trends(weekly_incidents({"vpn": [0] * 8 + [5, 5], "x": [1]}))
    assert tr["key"].tolist() == ["vpn"]
    assert detect_trends(weekly_incidents({"vpn": [0] * 8 + [5, 5], "x": [1]}), min_count=6).empty


def test_weeks_without_incidents_count_as_zero_in_the_baseline():
    # Only weeks 0, 8 and 9 have incidents. Week 8 baseline (1 + 7 x 0) / 8 = 0.125,
    # threshold 0.125 + 3 * 0.354 = 1.19 < 6. Week 9 baseline 6 / 8 = 0.75,
    # threshold 0.75 + 3 * 0.866 = 3.35 < 6.
    tr = detect_trends(weekly_incidents({"vpn": [1, 0, 0, 0, 0, 0, 0, 0, 6, 6]}))
    assert tr["start_week"].tolist() == [week(8)]


def test_nothing_can_trend_without_eight_weeks_of_history():
    # Data from week 0 ("x"): week 7 has only 7 weeks before it, so no baseline; week 8
    # exceeds (50 > 6.25 + 3 * 2.5) but alone it is not a trend.
    assert detect_trends(weekly_incidents({"vpn": [0] * 7 + [50, 50], "x": [1]})).empty


def test_runs_restarting_while_the_last_run_is_still_in_the_baseline_are_one_trend():
    # [1] x 8, [7, 7], [1] x 7, [8, 8]:
    # week 8: threshold 1 + 3 = 4 < 7; week 9: baseline 14 / 8 = 1.75, threshold 5.72 < 7.
    # weeks 10-16: 1 each. week 17: baseline (7 + 7 x 1) / 8 = 1.75, threshold 5.72 < 8;
    # week 18: baseline (7 x 1 + 8) / 8 = 1.875, threshold 5.98 < 8.
    # The second run starts 8 weeks after the first ended (week 9 -> 17): merged.
    counts = [1] * 8 + [7, 7] + [1] * 7 + [8, 8]
    tr = detect_trends(weekly_incidents({"vpn": counts}))
    assert len(tr) == 1
    t = tr.iloc[0]
    assert (t["start_week"], t["detected_week"], t["end_week"]) == (week(8), week(9), week(18))
    assert (t["weeks"], t["peak_count"], t["peak_week"]) == (4, 8, week(17))
    # Without merging, two trends.
    assert len(detect_trends(weekly_incidents({"vpn": counts}), merge_within_weeks=0)) == 2


def test_runs_further_apart_than_the_baseline_are_separate_trends():
    # One more quiet week: the second run starts at week 18, 9 weeks after week 9.
    # Its weeks 18/19 have baselines 1 (threshold 4) and (7 x 1 + 8) / 8 (5.98): both exceed.
    counts = [1] * 8 + [7, 7] + [1] * 8 + [8, 8]
    tr = detect_trends(weekly_incidents({"vpn": counts}))
    assert tr["start_week"].tolist() == [week(8), week(18)]
    assert len(detect_trends(weekly_incidents({"vpn": counts}), merge_within_weeks=9)) == 1


def test_keys_are_counted_separately_and_by_the_chosen_column():
    t = weekly_incidents({"vpn-gw1": [2] * 8 + [7, 8], "vpn-gw2": [2] * 10}, by="ci")
    assert detect_trends(t, "service").empty  # service vpn: 4 a week, then 9, 10: no trend
    tr = detect_trends(t, "ci")
    assert tr[["by", "key"]].values.tolist() == [["ci", "vpn-gw1"]]


def test_weeks_start_on_monday_in_the_reporting_time_zone():
    # Sunday 2026-06-07 23:30 UTC is Monday 00:30 in London (BST): the week of 8 June there.
    t = make_tickets([{"opened_at": "2026-06-07T23:30Z"}, {"opened_at": "2026-06-01T12:00Z"}])
    utc = trend_series(t)
    london = trend_series(t, tz="Europe/London")
    assert utc["count"].tolist() == [2]  # both in the UTC week of 1 June
    assert london["count"].tolist() == [1, 1]
    assert london["week_start"].tolist() == [
        pd.Timestamp("2026-05-31T23:00Z"),
        pd.Timestamp("2026-06-07T23:00Z"),
    ]


def test_requests_and_incidents_without_the_key_are_ignored():
    t = weekly_incidents({"vpn": [0] * 8 + [5, 5]})
    t["ticket_type"] = "request"
    assert trend_series(t).empty
    assert detect_trends(t).empty
    assert list(detect_trends(t).columns) == TREND_COLUMNS


# ------------------------------------------------------------------------ trend response ----
def one_trend(key: str = "vpn", by: str = "service") -> pd.DataFrame:
    # starts week 8 = Monday 2 March 2026
    return detect_trends(weekly_incidents({key: [2] * 8 + [7, 8]}, by=by), by)


def test_trend_response_takes_the_first_problem_on_the_key_and_its_lag():
    p = make_problems(
        [
            {"service": "vpn", "opened_at": "2026-03-09T12:00Z"},  # 7.5 days after 2 March
            {"service": "vpn", "opened_at": "2026-03-20T00:00Z"},  # later: not the first
            {"service": "email", "opened_at": "2026-03-03T00:00Z"},  # other key
            {"service": "vpn", "opened_at": "2026-02-01T00:00Z"},  # before the lookback
        ]
    )
    r = trend_response(one_trend(), p).iloc[0]
    assert r["problem_id"] == "P0"
    assert r["lag_days"] == 7.5
    assert r["response"] == "problem raised"


def test_a_problem_shortly_before_the_trend_answers_it_with_zero_lag():
    # trend start 2 March 00:00; lookback 14 days: from 16 Feb 00:00 (inclusive)
    edge = make_problems([{"service": "vpn", "opened_at": "2026-02-16T00:00Z"}])
    r = trend_response(one_trend(), edge).iloc[0]
    assert (r["problem_id"], r["lag_days"]) == ("P0", 0.0)
    early = make_problems([{"service": "vpn", "opened_at": "2026-02-15T23:59Z"}])
    r = trend_response(one_trend(), early).iloc[0]
    assert r["response"] == "no problem raised"
    assert pd.isna(r["problem_id"]) and math.isnan(r["lag_days"])


def test_trend_response_matches_each_trend_on_its_own_column():
    trends = pd.concat([one_trend("gw1", "ci"), one_trend("vpn", "service")], ignore_index=True)
    p = make_problems(
        [
            {"service": "other", "ci": "gw1", "opened_at": "2026-03-04T00:00Z"},  # 2 days
            {"service": "vpn", "ci": "gw9", "opened_at": "2026-03-12T00:00Z"},  # 10 days
        ]
    )
    r = trend_response(trends, p).set_index("key")
    assert r["problem_id"].to_dict() == {"gw1": "P0", "vpn": "P1"}
    assert r["lag_days"].to_dict() == {"gw1": 2.0, "vpn": 10.0}


def test_trend_response_of_no_trends_is_empty():
    r = trend_response(one_trend().iloc[:0], schema.empty("problems"))
    assert r.empty
    assert {"problem_id", "lag_days", "response"} <= set(r.columns)


# ----------------------------------------------------------------------- repeat incidents ----
def test_repeat_incidents_within_thirty_days_on_the_same_ci():
    t = make_tickets(
        [
            {"ci": "sw1", "opened_at": "2026-01-01T00:00Z"},  # I0001: first
            {"ci": "sw1", "opened_at": "2026-01-31T00:00Z"},  # I0002: exactly 30 days: repeat
            {"ci": "sw1", "opened_at": "2026-03-02T00:01Z"},  # I0003: 30 days 1 min: not
            {"ci": "sw2", "opened_at": "2026-01-02T00:00Z"},  # I0004: other CI
            {"ci": None, "opened_at": "2026-01-03T00:00Z"},  # I0005: no CI: left out
            {"ci": "sw1", "opened_at": "2026-01-05T00:00Z", "ticket_type": "request"},
        ]
    )
    t["ticket_id"] = ["I0001", "I0002", "I0003", "I0004", "I0005", "R0001"]
    r = repeat_incidents(t).set_index("ticket_id")
    assert sorted(r.index) == ["I0001", "I0002", "I0003", "I0004"]
    assert r["repeat"].to_dict() == {"I0001": False, "I0004": False, "I0002": True, "I0003": False}
    assert r.loc["I0002", "previous_ticket_id"] == "I0001"
    assert r.loc["I0003", "gap_days"] == pytest.approx(30 + 1 / 1440)


def test_repeat_incidents_by_service_and_category():
    t = make_tickets(
        [
            {"service": "vpn", "category": "access", "opened_at": "2026-03-01T00:00Z"},
            {"service": "vpn", "category": "access", "opened_at": "2026-03-05T00:00Z"},
            {"service": "vpn", "category": "slow", "opened_at": "2026-03-06T00:00Z"},
        ]
    )
    r = repeat_incidents(t, ("service", "category"))
    assert r["repeat"].tolist() == [False, True, False]


def test_repeat_incident_rate_looks_back_before_the_period():
    t = make_tickets(
        [
            {"ci": "sw1", "opened_at": "2026-02-20T00:00Z"},  # February: not counted itself
            {"ci": "sw1", "opened_at": "2026-03-05T00:00Z"},  # repeat of it (13 days)
            {"ci": "sw2", "opened_at": "2026-03-06T00:00Z"},
            {"ci": "sw3", "opened_at": "2026-03-07T00:00Z"},
        ]
    )
    r = repeat_incident_rate(t, "2026-03")
    assert r.to_dict() == {"value": pytest.approx(1 / 3), "numerator": 1.0, "denominator": 3.0}
    assert math.isnan(repeat_incident_rate(t, "2026-05")["value"])


# ------------------------------------------------------------------------------- shares -----
def test_problem_linked_share_counts_incidents_opened_in_the_period():
    t = make_tickets(
        [
            {"problem_id": "P1", "opened_at": "2026-03-01T00:00Z"},
            {"problem_id": None, "opened_at": "2026-03-15T00:00Z"},
            {"problem_id": None, "opened_at": "2026-03-31T00:00Z"},
            {"problem_id": "P1", "opened_at": "2026-04-01T00:00Z"},  # April
            {"problem_id": "P2", "opened_at": "2026-03-02T00:00Z", "ticket_type": "request"},
        ]
    )
    assert problem_linked_share(t, "2026-03").to_dict() == {
        "value": pytest.approx(1 / 3),
        "numerator": 1.0,
        "denominator": 3.0,
    }
    # In London, 31 March 23:30 UTC is 1 April 00:30: not in March there.
    t.loc[2, "opened_at"] = pd.Timestamp("2026-03-31T23:30Z")
    assert problem_linked_share(t, "2026-03", tz="Europe/London")["denominator"] == 2.0


def test_proactive_share_of_problems_opened_in_the_period():
    p = make_problems(
        [
            {"origin": "proactive", "opened_at": "2026-03-02T00:00Z"},
            {"origin": "reactive", "opened_at": "2026-03-09T00:00Z"},
            {"origin": "proactive", "opened_at": "2026-03-20T00:00Z"},
            {"origin": "reactive", "opened_at": "2026-03-21T00:00Z"},
            {"origin": "proactive", "opened_at": "2026-02-27T00:00Z"},  # February
        ]
    )
    assert proactive_share(p, "2026-03")["value"] == 0.5  # 2 of 4
    empty = proactive_share(p, "2026-06")
    assert math.isnan(empty["value"]) and empty["denominator"] == 0.0


# ---------------------------------------------------------------------------- properties ----
@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(0, 15), min_size=1, max_size=16),
    other=st.lists(st.integers(0, 15), min_size=1, max_size=16),
    seed=st.integers(0, 2**16),
)
def test_trends_do_not_depend_on_row_order_and_keys_do_not_interfere(counts, other, seed):
    n = max(len(counts), len(other))
    span = [1] + [0] * (n - 2) + [1] if n > 1 else [1]  # pins the weeks covered by the data
    t = weekly_incidents({"a": counts, "b": other, "z": span})
    shuffled = t.sample(frac=1, random_state=seed)
    pd.testing.assert_frame_equal(detect_trends(t), detect_trends(shuffled))
    both = detect_trends(t)
    alone = detect_trends(weekly_incidents({"a": counts, "z": span}))
    # key a's trends depend on key a's counts only
    pd.testing.assert_frame_equal(
        both[both["key"] == "a"].reset_index(drop=True),
        alone[alone["key"] == "a"].reset_index(drop=True),
    )
    assert (both["weeks"] >= 2).all()
    assert (both["peak_count"] >= 5).all()
    assert (both["start_week"] <= both["detected_week"]).all()
    assert (both["detected_week"] <= both["end_week"]).all()


@settings(max_examples=25, deadline=None)
@given(
    days=st.lists(st.integers(0, 90), min_size=1, max_size=20),
    cis=st.lists(st.sampled_from(["a", "b", "c"]), min_size=20, max_size=20),
    seed=st.integers(0, 2**16),
)
def test_repeat_rate_is_a_fraction_and_order_independent(days, cis, seed):
    start = pd.Timestamp("2026-02-01", tz="UTC")
    t = make_tickets(
        [{"ci": cis[i], "opened_at": start + pd.Timedelta(days=d)} for i, d in enumerate(days)]
    )
    r = repeat_incident_rate(t, "2026-03")
    assert np.isnan(r["value"]) or 0 <= r["value"] <= 1
    shuffled = t.sample(frac=1, random_state=seed)
    pd.testing.assert_series_equal(r, repeat_incident_rate(shuffled, "2026-03"))
    # each CI's first incident can never be a repeat
    rep = repeat_incidents(t)
    assert rep["repeat"].sum() <= len(rep) - t["ci"].nunique()
