"""Scorecards: RAG, points, weighted score, effective-dated levels, trend and league table.

Expected values are worked out by hand in the comments; levels are in the shown unit (per cent
for rates), measure values in the computed unit (fractions).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.params import Contract
from siamlib.scorecard import (
    LEAGUE_COLUMNS,
    SCORECARD_COLUMNS,
    rag_counts,
    scorecard,
    scorecards,
    trend,
    weighted_score,
)
from tests.fixtures.fixture_params import fixture_params

CALENDARS = {"business": {"weekly_hours": {"mon": [["09:00", "17:00"]]}}}


def contract(levels: list[dict], **extra) -> Contract:
    return Contract.model_validate(
        {
            "supplier_id": "euc",
            "monthly_charge": 100000,
            "at_risk_pct": 10,
            "calendars": CALENDARS,
            "service_levels": levels,
            **extra,
        }
    )


def values(*rows: tuple) -> pd.DataFrame:
    """Rows of (supplier, period, measure, scope, value[, numerator, denominator])."""
    full = [r if len(r) == 7 else (*r, float("nan"), float("nan")) for r in rows]
    return pd.DataFrame(full, columns=MEASURE_VALUE_COLUMNS)


RES = {"id": "RES", "measure": "sla_resolution_attainment", "expected": 95, "minimum": 90}
REOPEN = {"id": "REOPEN", "measure": "reopen_rate", "expected": 3, "minimum": 6}
CSAT = {"id": "CSAT", "measure": "satisfaction", "expected": 4.2, "minimum": 3.8}

# Weights 50 / 30 / 20 for the worked example.
THREE = contract(
    [
        {**RES, "scope": {"priority": 1}, "weight": 50},
        {**REOPEN, "weight": 30},
        {**CSAT, "weight": 20},
    ]
)


def card_for(value: float, level: dict) -> pd.Series:
    c = contract([{**level, "weight": 100}])
    card = scorecard(values(("euc", "2026-03", level["measure"], "", value)), c, "euc", "2026-03")
    return card.iloc[0]


# ------------------------------------------------------------------------------------ RAG ----
@pytest.mark.parametrize(
    ("value", "rag"),
    [
        (0.97, "green"),  # 97 >= 95
        (0.95, "green"),  # exactly at expected is green
        (0.92, "amber"),  # 90 <= 92 < 95
        (0.90, "amber"),  # exactly at minimum is amber, not red
        (0.8999, "red"),  # 89.99 < 90
    ],
)
def test_rag_for_higher_is_better_including_boundaries(value, rag):
    assert card_for(value, RES)["rag"] == rag


@pytest.mark.parametrize(
    ("value", "rag"),
    [
        (0.02, "green"),  # 2 <= 3
        (0.03, "green"),  # exactly at expected
        (0.045, "amber"),  # 3 < 4.5 <= 6
        (0.06, "amber"),  # exactly at minimum
        (0.0601, "red"),  # 6.01 > 6
    ],
)
def test_rag_for_lower_is_better_is_reversed(value, rag):
    assert card_for(value, REOPEN)["rag"] == rag


def test_actual_is_shown_in_the_levels_unit():
    row = card_for(0.955, RES)
    assert row["actual"] == 95.5  # 0.955 x 100
    assert card_for(4.4, CSAT)["actual"] == 4.4  # score: scale 1


def test_missing_or_nan_value_is_grey_with_no_points():
    nan_row = card_for(float("nan"), RES)
    assert nan_row["rag"] == "grey" and math.isnan(nan_row["points"])
    c = contract([{**RES, "weight": 100}])
    card = scorecard(values(), c, "euc", "2026-03")
    assert card["rag"].tolist() == ["grey"]


def test_value_of_another_scope_supplier_or_period_is_not_used():
    c = contract([{**RES, "scope": {"priority": 1}, "weight": 100}])
    v = values(
        ("euc", "2026-03", "sla_resolution_attainment", "", 0.99),  # all priorities
        ("euc", "2026-03", "sla_resolution_attainment", "priority=2", 0.99),
        ("hosting", "2026-03", "sla_resolution_attainment", "priority=1", 0.99),
        ("euc", "2026-04", "sla_resolution_attainment", "priority=1", 0.99),
    )
    assert scorecard(v, c, "euc", "2026-03")["rag"].tolist() == ["grey"]


# ------------------------------------------------------------------------- points / score ----
def test_weighted_score_worked_example():
    v = values(
        ("euc", "2026-03", "sla_resolution_attainment", "priority=1", 0.92, 92.0, 100.0),
        ("euc", "2026-03", "reopen_rate", "", 0.04, 4.0, 100.0),
        ("euc", "2026-03", "satisfaction", "", 4.5),
    )
    card = scorecard(v, THREE, "euc", "2026-03").set_index("service_level")
    # RES: (90 - 92) / (90 - 95) x 50 = 0.4 x 50 = 20
    assert card.loc["RES", "points"] == pytest.approx(20.0)
    # REOPEN (lower is better): (6 - 4) / (6 - 3) x 30 = 2/3 x 30 = 20
    assert card.loc["REOPEN", "points"] == pytest.approx(20.0)
    # CSAT 4.5 is better than expected 4.2: clamped to 4.2 -> full weight 20
    assert card.loc["CSAT", "points"] == pytest.approx(20.0)
    # 20 + 20 + 20 = 60 out of 100
    assert weighted_score(card.reset_index()) == pytest.approx(60.0)
    assert card.loc["RES", "numerator"] == 92.0 and card.loc["RES", "denominator"] == 100.0


def test_worse_than_minimum_earns_no_points():
    # 85 is below the minimum 90: clamped to 90 -> (90 - 90) / (90 - 95) = 0
    assert card_for(0.85, RES)["points"] == 0.0
    # reopen 9% is worse than minimum 6%: clamped to 6 -> 0
    assert card_for(0.09, REOPEN)["points"] == 0.0


def test_weighted_score_renormalises_over_levels_with_data():
    v = values(
        ("euc", "2026-03", "sla_resolution_attainment", "priority=1", 0.92),
        ("euc", "2026-03", "reopen_rate", "", 0.04),
    )
    card = scorecard(v, THREE, "euc", "2026-03")
    # CSAT grey: (20 + 20) / (50 + 30) x 100 = 50
    assert weighted_score(card) == pytest.approx(50.0)


def test_weighted_score_is_nan_without_any_data():
    assert math.isnan(weighted_score(scorecard(values(), THREE, "euc", "2026-03")))


def test_expected_equal_to_minimum_is_all_or_nothing():
    level = {**RES, "expected": 95, "minimum": 95}
    assert card_for(0.95, level)["points"] == 100.0
    assert card_for(0.9499, level)["points"] == 0.0


# --------------------------------------------------------------------- effective dating ----
def test_hosting_p2_level_changes_on_2026_07_01():
    p = fixture_params()
    v = values(
        ("hosting", "2026-06", "sla_resolution_attainment", "priority=2", 0.91),
        ("hosting", "2026-07", "sla_resolution_attainment", "priority=2", 0.91),
    )
    june = scorecard(v, p, "hosting", "2026-06")
    july = scorecard(v, p, "hosting", "2026-07")
    p2_june = june[june["scope"] == "priority=2"].iloc[0]
    p2_july = july[july["scope"] == "priority=2"].iloc[0]
    assert (p2_june["service_level"], p2_june["expected"], p2_june["minimum"]) == (
        "P2-RES",
        90.0,
        85.0,
    )
    assert (p2_july["service_level"], p2_july["expected"], p2_july["minimum"]) == (
        "P2-RES-2026H2",
        92.0,
        88.0,
    )
    # 91 meets 90 in June (green) but not 92 in July (amber: 88 <= 91 < 92)
    assert (p2_june["rag"], p2_july["rag"]) == ("green", "amber")
    # one P2 level in force each month, weights still sum to 100
    assert len(july[july["scope"] == "priority=2"]) == 1
    assert june["weight"].sum() == 100 and july["weight"].sum() == 100


def test_previous_actual_follows_measure_and_scope_across_reissued_levels():
    p = fixture_params()
    v = values(
        ("hosting", "2026-06", "sla_resolution_attainment", "priority=2", 0.91),
        ("hosting", "2026-07", "sla_resolution_attainment", "priority=2", 0.935),
    )
    row = scorecard(v, p, "hosting", "2026-07").set_index("service_level").loc["P2-RES-2026H2"]
    assert row["previous_actual"] == 91.0
    assert row["change"] == pytest.approx(2.5)  # 93.5 - 91.0


def test_trend_scores_each_month_with_its_own_levels():
    p = fixture_params()
    t = trend(values(), p, "hosting", "2026-08", months=3)
    p2 = t[(t["measure"] == "sla_resolution_attainment") & (t["scope"] == "priority=2")]
    assert p2["period"].tolist() == ["2026-06", "2026-07", "2026-08"]
    assert p2["expected"].tolist() == [90.0, 92.0, 92.0]
    assert list(t.columns) == SCORECARD_COLUMNS


def small_p1() -> Contract:
    """P1 resolution needs 5 records a month, else the 3 months up to it (rolling)."""
    return contract(
        [{**RES, "scope": {"priority": 1}, "weight": 100, "min_volume": 5}],
        small_samples={"policy": "rolling", "months": 3},
    )


def p1_months(*months: str) -> pd.DataFrame:
    """euc's P1 resolution counts: January 4 / 4, February 2 / 3, March 1 / 2, April 9 / 10."""
    counts = {"2026-01": (4.0, 4.0), "2026-02": (2.0, 3.0), "2026-03": (1.0, 2.0),
              "2026-04": (9.0, 10.0)}  # fmt: skip
    res = "sla_resolution_attainment"
    return values(
        *(("euc", m, res, "priority=1", counts[m][0] / counts[m][1], *counts[m]) for m in months)
    )


def test_trend_scores_each_small_month_on_its_own_rolling_window():
    c, v = small_p1(), p1_months("2026-01", "2026-02", "2026-03", "2026-04")
    t = trend(v, c, "euc", "2026-04", months=3).set_index("period")
    # February: 2025-12..2026-02 = (4 + 2) / (4 + 3) = 6 / 7 = 85.714...%
    # March: 2026-01..2026-03 = (4 + 2 + 1) / (4 + 3 + 2) = 7 / 9 = 77.777...%
    # April: 10 records, scored on the month alone: 90%
    assert t["actual"].tolist() == pytest.approx([600 / 7, 700 / 9, 90.0])
    assert t["scored_on"].tolist() == [
        "rolling 3 months (2025-12..2026-02; no counts in 2025-12)",  # no December values
        "rolling 3 months (2026-01..2026-03)",
        "month",
    ]
    assert t["small_sample"].tolist() == [True, True, False]
    assert t["scored_denominator"].tolist() == [7.0, 9.0, 10.0]


def test_change_on_last_month_compares_with_last_months_scored_figure():
    # Same contract and values as above. March was small (2 records) and scored on
    # 2026-01..2026-03: 7 / 9 = 77.78 %; its raw month count, 1 / 2 = 50 %, was never shown.
    # April (10 records, 90 %) must compare with the 77.78 % March was scored on.
    c, v = small_p1(), p1_months("2026-01", "2026-02", "2026-03", "2026-04")
    row = scorecard(v, c, "euc", "2026-04").iloc[0]
    assert row["previous_actual"] == pytest.approx(700 / 9)
    assert row["change"] == pytest.approx(90 - 700 / 9)  # -> +12.22, not +40
    # The trend's March (compared with February, 6 / 7 = 85.71 % on its own window) too.
    t = trend(v, c, "euc", "2026-04", months=2).set_index("period")
    assert t.loc["2026-03", "previous_actual"] == pytest.approx(600 / 7)


def test_the_trend_rescores_only_the_month_before_its_first(monkeypatch):
    # Feb..Apr: the previous months are Jan..Mar; Feb and Mar are the trend's own months,
    # already scored on their windows, so only January is scored again for "previous"
    # (4 / 4 in the month, small: 2025-11..2026-01 gives 4 / 4 = 100 %, below 5 -> unscored).
    # February's previous is then none, March's February's 6 / 7, April's March's 7 / 9.
    from siamlib import scorecard as sc

    scored = []
    real = sc.apply_small_samples

    def counted(card, *args, **kwargs):
        scored.append(sorted(set(card["period"])))
        return real(card, *args, **kwargs)

    monkeypatch.setattr(sc, "apply_small_samples", counted)
    c, v = small_p1(), p1_months("2026-01", "2026-02", "2026-03", "2026-04")
    t = trend(v, c, "euc", "2026-04", months=3).set_index("period")
    assert scored == [["2026-02", "2026-03", "2026-04"], ["2026-01"]]
    assert math.isnan(t.loc["2026-02", "previous_actual"])
    assert t.loc[["2026-03", "2026-04"], "previous_actual"].tolist() == pytest.approx(
        [600 / 7, 700 / 9]
    )


def test_last_month_not_scored_for_a_small_sample_shows_no_change():
    # March: 2 records and nothing before it: 2 counted over the 3 months, below 5, so March
    # was not scored (grey); April then has no previous figure to compare with.
    c, v = small_p1(), p1_months("2026-03", "2026-04")
    row = scorecard(v, c, "euc", "2026-04").iloc[0]
    assert math.isnan(row["previous_actual"]) and math.isnan(row["change"])


def test_a_small_sample_left_unscored_whose_month_fails_its_minimum_is_flagged_on_the_card():
    # March alone: 1 of 2 met = 50% < the 90% minimum, 1 missed; 2 counted over the 3 months,
    # below 5: not scored, no credit. The card says what the month alone shows.
    c, v = small_p1(), p1_months("2026-03")
    row = scorecard(v, c, "euc", "2026-03").iloc[0]
    assert row["rag"] == "grey" and row["scored_on"] == "not scored"
    assert (row["month_actual"], row["month_missed"], row["unscored_fail"]) == (50.0, 1.0, True)
    # April (10 records) is scored on its own month: nothing to flag.
    april = scorecard(p1_months("2026-04"), c, "euc", "2026-04").iloc[0]
    assert not april["unscored_fail"] and math.isnan(april["month_actual"])


def test_trend_defaults_to_twelve_months_ending_at_period():
    t = trend(values(), THREE, "euc", "2026-03")
    months = sorted(t["period"].unique())
    assert months[0] == "2025-04" and months[-1] == "2026-03" and len(months) == 12


def test_duplicate_measure_values_are_refused():
    v = values(
        ("euc", "2026-03", "reopen_rate", "", 0.04),
        ("euc", "2026-03", "reopen_rate", "", 0.05),
    )
    with pytest.raises(ValueError, match="more than one row"):
        scorecard(v, THREE, "euc", "2026-03")


def test_contract_for_another_supplier_is_refused():
    with pytest.raises(ValueError, match="contract is for 'euc'"):
        scorecard(values(), THREE, "hosting", "2026-03")


# --------------------------------------------------------------------------- league table ----
def test_league_table_ranks_suppliers_and_shows_credits():
    p = fixture_params()
    v = values(
        # hosting P1 at 88% is red: pool 30% x at-risk (240,000 x 12% = 28,800) = 8,640
        ("hosting", "2026-06", "sla_resolution_attainment", "priority=1", 0.88),
        ("hosting", "2026-06", "availability", "", 0.999),
        # euc: both levels with data green -> renormalised score 100
        ("euc", "2026-06", "sla_resolution_attainment", "priority=1", 0.99),
        ("euc", "2026-06", "availability", "", 0.999),
    )
    league = scorecards(v, p, "2026-06")
    assert list(league.columns) == LEAGUE_COLUMNS
    rows = league.set_index("supplier_id")
    assert rows.loc["euc", "rank"] == 1 and rows.loc["euc", "weighted_score"] == 100.0
    # hosting: P1 0 points of 20, AVAIL 10 of 10 -> 10 / 30 x 100 = 33.33
    assert rows.loc["hosting", "weighted_score"] == pytest.approx(100 / 3)
    assert rows.loc["hosting", "rank"] == 2
    assert rows.loc["hosting", "credits"] == 8640.0
    assert (rows.loc["hosting", "red"], rows.loc["hosting", "green"]) == (1, 1)
    assert rows.loc["hosting", "grey"] == 7  # 9 levels in force in June, 2 with data
    assert rows.loc["euc", "credits"] == 0.0
    # suppliers without data come last
    assert league["weighted_score"].isna().tolist()[-4:] == [True] * 4


def test_league_table_from_the_batchs_own_cards_and_ledgers_is_the_same():
    from siamlib.credits import service_credits

    p = fixture_params()
    v = values(
        ("hosting", "2026-05", "sla_resolution_attainment", "priority=1", 0.80),
        ("hosting", "2026-06", "sla_resolution_attainment", "priority=1", 0.99),
        ("euc", "2026-06", "availability", "", 0.95),
    )
    cards, ledgers = {}, {}
    for s in ("hosting", "euc"):  # the other suppliers are left to scorecards() itself
        history = trend(v, p, s, "2026-06")  # twelve months, as the batch scores them
        cards[s] = history[history["period"] == "2026-06"].reset_index(drop=True)
        ledgers[s] = service_credits(cards[s], p.contract(s), history=history)
    given = scorecards(v, p, "2026-06", cards=cards, ledgers=ledgers)
    pd.testing.assert_frame_equal(given, scorecards(v, p, "2026-06"))


def test_rag_counts_lists_every_status():
    card = scorecard(values(("euc", "2026-03", "reopen_rate", "", 0.09)), THREE, "euc", "2026-03")
    assert rag_counts(card) == {"green": 0, "amber": 0, "red": 1, "grey": 2}


# ----------------------------------------------------------------------------- properties ----
@settings(max_examples=100, deadline=None)
@given(
    res=st.one_of(st.none(), st.floats(0, 1)),
    reopen=st.one_of(st.none(), st.floats(0, 1)),
    csat=st.one_of(st.none(), st.floats(1, 5)),
)
def test_weighted_score_stays_between_0_and_100(res, reopen, csat):
    rows = [
        ("euc", "2026-03", m, s, float("nan") if x is None else x)
        for m, s, x in (
            ("sla_resolution_attainment", "priority=1", res),
            ("reopen_rate", "", reopen),
            ("satisfaction", "", csat),
        )
    ]
    card = scorecard(values(*rows), THREE, "euc", "2026-03")
    has = card["actual"].notna()
    points, weight = card.loc[has, "points"], card.loc[has, "weight"]
    assert ((points >= 0) & (points <= weight)).all()
    score = weighted_score(card)
    if has.any():
        assert 0 <= score <= 100
    else:
        assert math.isnan(score)


# ------------------------------------------------------------------------------------ notes ----
NOTES = pd.DataFrame(
    {
        "period": ["2026-02", "2026-03"],
        "measure": ["sla_resolution_attainment", "satisfaction"],
        "note": ["month outside the data window (2026-03-01 to 2026-05-01)", "no surveys table"],
    }
)


def test_a_noted_level_is_grey_with_its_note_whatever_its_value():
    v = values(
        ("euc", "2026-03", "satisfaction", "", 4.5),  # would be green (4.5 >= 4.2)
        ("euc", "2026-03", "reopen_rate", "", 0.02),  # 2 % <= 3 %: green, not noted
    )
    full = scorecard(v, THREE, "euc", "2026-03", notes=NOTES)
    assert list(full.columns) == SCORECARD_COLUMNS and SCORECARD_COLUMNS[-1] == "note"
    card = full.set_index("service_level")
    assert card.loc["CSAT", ["rag", "note"]].tolist() == ["grey", "no surveys table"]
    assert pd.isna(card.loc["CSAT", "actual"]) and pd.isna(card.loc["CSAT", "points"])
    assert card.loc["REOPEN", ["rag", "note"]].tolist() == ["green", ""]
    # RES has no value at all: grey, with the generic reason
    assert card.loc["RES", ["rag", "note"]].tolist() == ["grey", "nothing counted in the month"]


def test_a_noted_previous_month_gives_no_previous_actual_or_change():
    v = values(
        ("euc", "2026-02", "sla_resolution_attainment", "priority=1", 0.5),
        ("euc", "2026-03", "sla_resolution_attainment", "priority=1", 0.97),
    )
    row = scorecard(v, THREE, "euc", "2026-03", notes=NOTES).set_index("service_level").loc["RES"]
    assert row["actual"] == 97.0 and row["rag"] == "green"
    assert pd.isna(row["previous_actual"]) and pd.isna(row["change"])


def test_months_outside_the_window_are_grey_in_the_trend_never_green():
    v = values(
        ("euc", "2026-02", "sla_resolution_attainment", "priority=1", 1.0),
        ("euc", "2026-03", "sla_resolution_attainment", "priority=1", 0.92),
    )
    t = trend(v, THREE, "euc", "2026-03", months=2, notes=NOTES)
    res = t[t["service_level"] == "RES"].set_index("period")
    assert res["rag"].tolist() == ["grey", "amber"]
    assert res.loc["2026-02", "note"].startswith("month outside the data window")
