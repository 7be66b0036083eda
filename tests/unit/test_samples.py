"""Small samples: Wilson intervals and the min_volume policy, on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from siamlib.samples import apply_small_samples, rolling_counts, wilson_interval

MONTHS = ["2026-08", "2026-09", "2026-10"]


def test_wilson_of_one_out_of_one_is_wide_and_reaches_one():
    # n=1, p=1, z=1.96: centre = (1 + 1.9208) / 4.8415 = 0.60327, half = 1.96/4.8415 *
    # sqrt(0 + 3.8415/4) = 0.39673 -> [0.2065, 1.0]
    low, high = wilson_interval(1, 1)
    assert low == pytest.approx(0.2065, abs=1e-4) and high == pytest.approx(1.0)


def test_wilson_of_nine_out_of_ten_matches_the_hand_computation():
    # n=10, p=0.9: denom = 1.38415, centre = (0.9 + 0.19208) / 1.38415 = 0.78899,
    # half = 1.96/1.38415 * sqrt(0.009 + 0.0096) = 0.19310 -> [0.5958, 0.9821]
    low, high = wilson_interval(9, 10)
    assert low == pytest.approx(0.5958, abs=1e-4) and high == pytest.approx(0.9821, abs=1e-4)


def test_wilson_of_nothing_counted_is_nan():
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


@given(st.integers(min_value=1, max_value=100000), st.data())
def test_wilson_interval_holds_the_observed_rate(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n + 1e-12 and k / n - 1e-12 <= high <= 1.0


def _values(nums, dens):
    return pd.DataFrame(
        {
            "measure": ["sla_resolution_attainment"] * 3,
            "scope": ["priority=1"] * 3,
            "period": MONTHS,
            "numerator": nums,
            "denominator": dens,
        }
    )


def _card(num, den):
    return pd.DataFrame(
        {
            "service_level": ["P1"],
            "measure": ["sla_resolution_attainment"],
            "scope": ["priority=1"],
            "value": [num / den if den else float("nan")],
            "numerator": [float(num)],
            "denominator": [float(den)],
        }
    )


def test_rolling_window_sums_numerators_and_denominators():
    # 3 + 4 + 0 met out of 3 + 5 + 1 counted
    assert rolling_counts(
        _values([3, 4, 0], [3, 5, 1]), "sla_resolution_attainment", "priority=1", MONTHS
    ) == (7.0, 9.0)


def test_small_sample_under_rolling_is_scored_on_the_window():
    out = apply_small_samples(
        _card(0, 1), _values([3, 4, 0], [3, 5, 1]), {"P1": 5}, "rolling", MONTHS
    ).iloc[0]
    # month: 0/1 < 5 -> window 7/9 = 0.7778, flagged small
    assert out["small_sample"] and out["value"] == pytest.approx(7 / 9)
    assert out["scored_denominator"] == 9 and "rolling 3 months" in out["small_note"]


def test_rolling_window_still_too_small_is_grey():
    out = apply_small_samples(
        _card(0, 1), _values([1, 0, 0], [1, 1, 1]), {"P1": 5}, "rolling", MONTHS
    ).iloc[0]
    assert math.isnan(out["value"]) and out["scored_on"] == "not scored"  # 3 < 5


def test_a_note_names_the_window_months_that_had_no_counts():
    nan = float("nan")
    # August and September blanked (outside the data window): 1 counted in October alone.
    out = apply_small_samples(
        _card(0, 1), _values([nan, nan, 0], [nan, nan, 1]), {"P1": 5}, "rolling", MONTHS
    ).iloc[0]
    assert out["small_note"] == (
        "small sample: 1 counted in the month, below the minimum volume of 5, and 1 counted "
        "over 3 months (2026-08..2026-10; no counts in 2026-08, 2026-09); not scored, no credit"
    )
    # Scored on the window: the months that added nothing are said beside it.
    out = apply_small_samples(
        _card(0, 1), _values([nan, 4, 0], [nan, 5, 1]), {"P1": 5}, "rolling", MONTHS
    ).iloc[0]
    assert out["scored_on"] == "rolling 3 months (2026-08..2026-10; no counts in 2026-08)"
    assert out["value"] == pytest.approx(4 / 6)


def test_grey_policy_leaves_a_small_level_without_a_figure():
    out = apply_small_samples(
        _card(0, 1), _values([3, 4, 0], [3, 5, 1]), {"P1": 5}, "grey", MONTHS
    ).iloc[0]
    assert math.isnan(out["value"]) and "contract: grey" in out["small_note"]


def test_enough_volume_is_scored_on_the_month_with_its_interval():
    out = apply_small_samples(
        _card(9, 10), _values([3, 4, 9], [3, 5, 10]), {"P1": 5}, "rolling", MONTHS
    ).iloc[0]
    assert not out["small_sample"] and out["value"] == 0.9 and out["scored_on"] == "month"
    assert out["ci_low"] == pytest.approx(0.5958, abs=1e-4)


# --- a level the rule left unscored whose month alone fails: the board is told --------------
def test_an_unscored_level_whose_month_is_worse_than_its_limit_is_flagged_with_its_counts():
    from siamlib.samples import flag_unscored_failures

    res = "sla_resolution_attainment"
    card = pd.DataFrame(
        {
            "service_level": ["P1-RES", "P2-RES", "REOPEN", "P3-RES", "CSAT"],
            "measure": [res, res, "reopen_rate", res, "satisfaction"],
            "direction": ["higher", "higher", "lower", "higher", "higher"],
            "minimum": [90.0, 88.0, 6.0, 80.0, 3.8],
            "numerator": [5.0, 9.0, 1.0, 2.0, 10.0],
            "denominator": [6.0, 9.0, 8.0, 4.0, 3.0],
            "scored_on": ["not scored", "not scored", "not scored", "month", "not scored"],
        }
    )
    out = flag_unscored_failures(card)
    # P1: 5 of 6 met = 83.33% < 90% minimum, 1 missed: flagged.
    # P2: 9 of 9 = 100%: not flagged. REOPEN: 1 of 8 reopened = 12.5% > 6% maximum: flagged,
    # the 1 reopened ticket counted against it. P3 was scored: no month figure of its own.
    # CSAT: 10 / 3 = 3.33 of 5 < 3.8: flagged; a mean has no records "missed".
    assert out["month_actual"].tolist()[:3] == pytest.approx([500 / 6, 100.0, 12.5])
    assert math.isnan(out.loc[3, "month_actual"])
    assert out.loc[4, "month_actual"] == pytest.approx(10 / 3)
    assert out["month_missed"].tolist()[:3] == [1.0, 0.0, 1.0]
    assert math.isnan(out.loc[3, "month_missed"]) and math.isnan(out.loc[4, "month_missed"])
    assert out["unscored_fail"].tolist() == [True, False, True, False, True]
