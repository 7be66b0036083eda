"""Service credits: exclusions, pool / bands / percentage regimes, cap, earn-back, incidents.

Amounts are worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib.credits import (
    EXCLUDED_COLUMNS,
    LEDGER_COLUMNS,
    apply_exclusions,
    at_risk_amount,
    credit_history,
    incident_credits,
    month_ledgers,
    service_credits,
)
from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.params import Contract, Exclusion
from siamlib.scorecard import scorecard, trend
from tests.fixtures.fixture_params import fixture_params

CALENDARS = {"business": {"weekly_hours": {"mon": [["09:00", "17:00"]]}}}


def contract(levels: list[dict], regime: dict | None = None, **extra) -> Contract:
    return Contract.model_validate(
        {
            "supplier_id": "euc",
            "monthly_charge": 100000,
            "at_risk_pct": 10,
            "calendars": CALENDARS,
            "service_levels": levels,
            "credit_regime": regime or {"type": "pool"},
            **extra,
        }
    )


def level(i: int, weight: float, **extra) -> dict:
    """Resolution attainment for priority i: expected 95, minimum 90."""
    return {
        "id": f"P{i}-RES",
        "measure": "sla_resolution_attainment",
        "scope": {"priority": i},
        "expected": 95,
        "minimum": 90,
        "weight": weight,
        **extra,
    }


def card(c: Contract, period: str, *actuals: float) -> pd.DataFrame:
    """Scorecard of ``c`` with resolution attainment (fractions) for priorities 1, 2, ..."""
    rows = [
        ("euc", period, "sla_resolution_attainment", f"priority={i}", a, float("nan"), float("nan"))
        for i, a in enumerate(actuals, start=1)
    ]
    v = pd.DataFrame(rows, columns=MEASURE_VALUE_COLUMNS)
    return scorecard(v, c, "euc", period)


# ------------------------------------------------------------------------------ exclusions ----
EXCLUSIONS = [
    Exclusion(
        ticket_id="INC2",
        reason="Customer-caused delay",
        approver="J. Okafor",
        approved_on=dt.date(2026, 3, 10),
    ),
    Exclusion(
        ticket_id="INC9",  # not in the data: removes nothing, listed nowhere
        reason="Force majeure",
        approver="J. Okafor",
        approved_on=dt.date(2026, 3, 11),
    ),
]


def test_excluded_tickets_are_removed_and_listed_with_reason_and_approver():
    tickets = pd.DataFrame(
        {"ticket_id": ["INC1", "INC2", "INC3"], "supplier_id": ["euc", "hosting", "euc"]}
    )
    kept, listed = apply_exclusions(tickets, EXCLUSIONS)
    assert kept["ticket_id"].tolist() == ["INC1", "INC3"]
    assert list(listed.columns) == EXCLUDED_COLUMNS
    assert listed.to_dict("records") == [
        {
            "ticket_id": "INC2",
            "supplier_id": "hosting",
            "reason": "Customer-caused delay",
            "approver": "J. Okafor",
            "approved_on": dt.date(2026, 3, 10),
        }
    ]


def test_exclusions_apply_to_every_row_of_a_ticket_and_list_it_once():
    events = pd.DataFrame(
        {
            "ticket_id": ["INC2", "INC2", "INC1"],
            "event_seq": [1, 2, 1],
            "supplier_id": ["integrator", "hosting", "euc"],
        }
    )
    kept, listed = apply_exclusions(events, EXCLUSIONS)
    assert kept["ticket_id"].tolist() == ["INC1"]
    # one row per ticket; the supplier is the last row's (the ticket's latest holder)
    assert listed[["ticket_id", "supplier_id"]].values.tolist() == [["INC2", "hosting"]]


def test_exclusions_work_on_frames_without_supplier():
    clocks = pd.DataFrame({"ticket_id": ["INC2", "INC3"], "clock": ["resolution"] * 2})
    kept, listed = apply_exclusions(clocks, EXCLUSIONS)
    assert kept["ticket_id"].tolist() == ["INC3"]
    assert listed["ticket_id"].tolist() == ["INC2"] and listed["supplier_id"].isna().all()


def test_project_exclusions_model_is_accepted():
    p = fixture_params()
    tickets = pd.DataFrame({"ticket_id": ["INC0000042", "INC0000043"], "supplier_id": ["euc"] * 2})
    kept, listed = apply_exclusions(tickets, p.exclusions)
    assert kept["ticket_id"].tolist() == ["INC0000043"]
    assert listed.loc[0, "approved_on"] == dt.date(2026, 10, 6)


def test_frame_without_ticket_id_is_refused():
    with pytest.raises(ValueError, match="no ticket_id column"):
        apply_exclusions(pd.DataFrame({"id": ["INC2"]}), EXCLUSIONS)


# ------------------------------------------------------------------------------------ pool ----
def test_pool_credit_line_explains_the_amount():
    p = fixture_params()
    v = pd.DataFrame(
        [("hosting", "2026-06", "sla_resolution_attainment", "priority=1", 0.88, 88.0, 100.0)],
        columns=MEASURE_VALUE_COLUMNS,
    )
    ledger = service_credits(scorecard(v, p, "hosting", "2026-06"), p.contract("hosting"))
    assert list(ledger.columns) == LEDGER_COLUMNS
    line = ledger.iloc[0]
    # at-risk = 240,000 x 12% = 28,800; P1 allocation 30% -> 8,640
    assert line["amount"] == 8640.0
    # the level by its name, the limit in words, the pool share of the at-risk amount
    assert line["explanation"] == (
        "Resolution within target (priority 1) 88%, below its 90% minimum: 30% of the "
        "£28,800 at risk = £8,640"
    )
    # what the decision list names: the level and its figure against the limit
    assert line["name"] == "Resolution within target (priority 1)"
    assert line["reason"] == "Resolution within target (priority 1) 88%, below its 90% minimum"
    assert line["waived_amount"] == 0.0
    assert (line["line"], line["regime"], line["currency"]) == ("credit", "pool", "GBP")
    assert (line["actual"], line["expected"], line["minimum"]) == (88.0, 95.0, 90.0)
    assert len(ledger) == 1


def test_explanation_shows_enough_decimals_to_tell_actual_from_the_level():
    c = contract([level(1, 100, pool_allocation_pct=30)])
    ledger = service_credits(card(c, "2026-03", 0.89999), c)
    # 89.999 rounded to two decimals would read "90% < minimum 90%"
    assert ledger.loc[0, "explanation"].startswith(
        "Resolution within target (priority 1) 89.999%, below its 90% minimum"
    )


def test_pool_credits_are_capped_at_the_at_risk_amount_with_a_cap_line():
    # four levels of 40% allocation each: 160% of the pool
    c = contract([level(i, 25, pool_allocation_pct=40) for i in range(1, 5)])
    ledger = service_credits(card(c, "2026-03", 0.5, 0.6, 0.7, 0.8), c)
    credits = ledger[ledger["line"] == "credit"]
    # at-risk = 100,000 x 10% = 10,000; each miss 10,000 x 40% = 4,000
    assert credits["amount"].tolist() == [4000.0] * 4
    cap = ledger[ledger["line"] == "cap"].iloc[0]
    # 16,000 of credits, capped at 10,000: adjustment -6,000
    assert cap["amount"] == -6000.0
    assert "£16,000 exceed the cap" in cap["explanation"]
    assert ledger["amount"].sum() == 10000.0


def test_amber_levels_attract_no_pool_credit_under_below_minimum_trigger():
    c = contract([level(1, 50, pool_allocation_pct=30), level(2, 50, pool_allocation_pct=20)])
    ledger = service_credits(card(c, "2026-03", 0.92, 0.97), c)  # amber, green
    assert ledger.empty and list(ledger.columns) == LEDGER_COLUMNS


def test_below_expected_trigger_credits_amber_levels_too():
    c = contract(
        [level(1, 50, pool_allocation_pct=30), level(2, 50, pool_allocation_pct=20)],
        regime={"type": "pool", "trigger": "below_expected"},
    )
    ledger = service_credits(card(c, "2026-03", 0.92, 0.97), c)
    # P1 amber: 10,000 x 30% = 3,000; P2 green: nothing
    assert ledger[["service_level", "amount"]].values.tolist() == [["P1-RES", 3000.0]]
    assert ledger.loc[0, "explanation"].startswith(
        "Resolution within target (priority 1) 92%, below its 95% expected level"
    )


def test_grey_levels_never_attract_credits():
    c = contract([level(1, 100, pool_allocation_pct=30)])
    assert service_credits(card(c, "2026-03", float("nan")), c).empty


def test_lower_is_better_miss_is_explained_with_greater_than_its_maximum():
    c = contract(
        [
            {
                "id": "REOPEN",
                "measure": "reopen_rate",
                "expected": 3,
                "minimum": 6,
                "weight": 100,
                "pool_allocation_pct": 10,
            }
        ]
    )
    v = pd.DataFrame(
        [("euc", "2026-03", "reopen_rate", "", 0.075, 3.0, 40.0)], columns=MEASURE_VALUE_COLUMNS
    )
    ledger = service_credits(scorecard(v, c, "euc", "2026-03"), c)
    # 7.5% > 6%: 10,000 x 10% = 1,000. A reopen rate's limit is a maximum (at most 6%),
    # so the explanation names it so, never "minimum".
    assert ledger.loc[0, "explanation"] == (
        "Reopen rate 7.5%, above its 6% maximum: 10% of the £10,000 at risk = £1,000"
    )


# ----------------------------------------------------------------------------------- bands ----
BANDS = [
    {"from": 0, "to": 90, "amount": 3000},
    {"from": 90, "to": 95, "amount": 1000},
    {"from": 95, "to": 99, "amount": 0},
    {"from": 99, "to": 100, "amount": -500},  # reward band
]


@pytest.mark.parametrize(
    ("actual", "line", "amount"),
    [
        (0.85, "credit", 3000.0),  # [0, 90)
        (0.90, "credit", 1000.0),  # 90 is the bottom of [90, 95)
        (0.93, "credit", 1000.0),
        (0.995, "reward", -500.0),  # [99, 100)
        (1.00, "reward", -500.0),  # the top band includes its upper edge
    ],
)
def test_bands_map_actual_to_amount_and_negative_is_a_reward(actual, line, amount):
    c = contract([level(1, 100, bands=BANDS)], regime={"type": "bands"})
    ledger = service_credits(card(c, "2026-03", actual), c)
    assert ledger[["line", "amount"]].values.tolist() == [[line, amount]]
    assert ledger.loc[0, "regime"] == "bands"


def test_zero_band_writes_no_line():
    c = contract([level(1, 100, bands=BANDS)], regime={"type": "bands"})
    assert service_credits(card(c, "2026-03", 0.96), c).empty  # [95, 99) -> 0


def test_band_credits_are_capped_but_rewards_are_not():
    # at-risk 100,000 x 2% = 2,000; two levels at 85% -> 3,000 + 3,000 = 6,000 of credits
    c = contract(
        [level(1, 50, bands=BANDS), level(2, 50, bands=BANDS)],
        regime={"type": "bands"},
        at_risk_pct=2,
    )
    ledger = service_credits(card(c, "2026-03", 0.85, 0.85), c)
    assert ledger["line"].tolist() == ["credit", "credit", "cap"]
    assert ledger["amount"].tolist() == [3000.0, 3000.0, -4000.0]  # 2,000 - 6,000


# ------------------------------------------------------------------------------ percentage ----
def test_percentage_regime_credits_the_shortfall_in_points_of_the_charge():
    c = contract(
        [{**level(1, 100), "expected": 98, "minimum": 90}],
        regime={"type": "percentage"},
        at_risk_pct=30,
    )
    ledger = service_credits(card(c, "2026-03", 0.75), c)
    # 98% - 75% = 23 points x 100,000 = 23,000 (below the 30,000 at-risk amount)
    assert ledger[["line", "amount"]].values.tolist() == [["credit", 23000.0]]
    assert ledger.loc[0, "explanation"] == (
        "Resolution within target (priority 1) 75%, below its 90% minimum: 98% expected - "
        "75% = 23 percentage points of the £100,000 monthly charge = £23,000"
    )


def test_percentage_regime_is_capped_at_the_at_risk_amount():
    c = contract(
        [{**level(1, 100), "expected": 98, "minimum": 90}],
        regime={"type": "percentage"},
        at_risk_pct=12,
    )
    ledger = service_credits(card(c, "2026-03", 0.75), c)
    # 23,000 capped at 12,000: cap line -11,000
    assert ledger["amount"].tolist() == [23000.0, -11000.0]


# ------------------------------------------------------------------------------- earn-back ----
def ebc(periods: int = 2) -> Contract:
    return contract(
        [level(1, 60, pool_allocation_pct=30), level(2, 40, pool_allocation_pct=20)],
        regime={"type": "pool", "earn_back": {"enabled": True, "periods": periods}},
    )


def history(c: Contract, months: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.concat([card(c, p, *a) for p, a in months.items()], ignore_index=True)


def test_credit_is_earned_back_after_n_green_periods():
    c = ebc(periods=2)
    cards = history(
        c,
        {
            "2026-01": (0.85, 0.97),  # P1 red: 10,000 x 30% = 3,000
            "2026-02": (0.96, 0.97),  # P1 green
            "2026-03": (0.95, 0.97),  # P1 green (exactly at expected)
        },
    )
    ledger = service_credits(cards[cards["period"] == "2026-03"], c, history=cards)
    assert ledger[["line", "amount", "source_period"]].values.tolist() == [
        ["earn_back", -3000.0, "2026-01"]
    ]
    # the level by name, the one verb the reports use for money back to the supplier
    assert ledger.loc[0, "explanation"] == (
        "Resolution within target (priority 1) credit of £3,000 for 2026-01 earned back, "
        "due back to the supplier: expected met in each of the 2 following periods "
        "(2026-02..2026-03)"
    )
    assert ledger.loc[0, "reason"] == (
        "Resolution within target (priority 1) credit of £3,000 for 2026-01 earned back"
    )
    # over the whole history: credited in January, earned back in March
    full = credit_history(cards, c)
    assert full[["period", "line", "amount"]].values.tolist() == [
        ["2026-01", "credit", 3000.0],
        ["2026-03", "earn_back", -3000.0],
    ]


def test_a_credit_waived_in_the_source_period_is_never_earned_back():
    # January: P1 (30% of 10,000 = 3,000) and P2 (20% = 2,000) both red, driven by one
    # outage: under "largest" P1's 3,000 stands and P2 is waived (never paid). February and
    # March green on both: March earns back what January charged, 3,000, not 5,000.
    c = ebc(periods=2)
    cards = history(c, {"2026-01": (0.80, 0.80), "2026-02": (0.96, 0.96), "2026-03": (0.97, 0.97)})
    march = cards[cards["period"] == "2026-03"]
    one_outage = pd.DataFrame(
        {
            "service_level": ["P1-RES", "P2-RES"],
            "cause_kind": "outage",
            "cause_id": "OUT1",
            "drives_miss": True,
        }
    )
    charged = service_credits(cards[cards["period"] == "2026-01"], c, causes=one_outage)
    assert charged.groupby("line")["amount"].sum().to_dict() == {"credit": 3000.0, "waived": 0.0}
    blind = service_credits(march, c, history=cards)
    assert blind["amount"].sum() == -5000.0
    fair = service_credits(march, c, history=cards, source_causes=one_outage)
    assert fair[["service_level", "line", "amount"]].values.tolist() == [
        ["P1-RES", "earn_back", -3000.0]
    ]


def test_month_ledgers_give_each_months_credit_and_its_earn_back():
    c = ebc(periods=2)
    cards = history(
        c,
        {
            "2026-01": (0.85, 0.89),  # P1 and P2 red: 10,000 x 30% + 10,000 x 20% = 5,000
            "2026-02": (0.96, 0.93),  # P1 green, P2 amber: nothing owed
            "2026-03": (0.95, 0.97),  # P1 green again: its 3,000 earned back; P2 was amber
            "2026-04": (0.97, 0.97),  # nothing missed, no source two months back
        },
    )
    out = month_ledgers(cards, c, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"])
    assert out["2026-01"][["line", "service_level", "amount"]].values.tolist() == [
        ["credit", "P1-RES", 3000.0],
        ["credit", "P2-RES", 2000.0],
    ]
    assert out["2026-03"][["line", "service_level", "amount", "source_period"]].values.tolist() == [
        ["earn_back", "P1-RES", -3000.0, "2026-01"]
    ]
    # quiet months and a month without cards: the empty ledger, typed like any other
    for month in ("2026-02", "2026-04", "2026-05"):
        assert out[month].empty
        assert list(out[month].columns) == LEDGER_COLUMNS
    # the same ledgers as service_credits month by month with the stack as history
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        one = service_credits(cards[cards["period"] == month], c, history=cards)
        pd.testing.assert_frame_equal(out[month], one)


def test_month_ledgers_refuse_several_suppliers():
    c = ebc(periods=1)
    cards = history(c, {"2026-01": (0.85, 0.97)})
    two = pd.concat([cards, cards.assign(supplier_id="hosting")], ignore_index=True)
    with pytest.raises(ValueError, match="one supplier"):
        month_ledgers(two, c, ["2026-01"])


def test_no_earn_back_when_a_following_period_misses_expected():
    c = ebc(periods=2)
    cards = history(
        c,
        {
            "2026-01": (0.85, 0.97),
            "2026-02": (0.93, 0.97),  # P1 amber: not expected
            "2026-03": (0.99, 0.97),
        },
    )
    assert service_credits(cards[cards["period"] == "2026-03"], c, history=cards).empty


def test_no_earn_back_without_history_or_when_disabled():
    c = ebc(periods=1)
    cards = history(c, {"2026-01": (0.85, 0.97), "2026-02": (0.99, 0.97)})
    feb = cards[cards["period"] == "2026-02"]
    assert service_credits(feb, c).empty
    assert not service_credits(feb, c, history=cards).empty
    off = contract([level(1, 60, pool_allocation_pct=30), level(2, 40, pool_allocation_pct=20)])
    assert service_credits(feb, off, history=cards).empty


def test_an_earn_back_whose_source_month_is_before_the_contract_says_none_is_due():
    # Both levels in force from 2026-02-01, earn-back over 2 periods: March would give back
    # January's credits, but no level was in force in January, so nothing was charged then.
    start = {"effective_from": "2026-02-01"}
    c = contract(
        [
            level(1, 60, pool_allocation_pct=30, **start),
            level(2, 40, pool_allocation_pct=20, **start),
        ],
        regime={"type": "pool", "earn_back": {"enabled": True, "periods": 2}},
    )
    cards = history(c, {"2026-02": (0.96, 0.97), "2026-03": (0.99, 0.97)})
    march = service_credits(cards[cards["period"] == "2026-03"], c, history=cards)
    assert march[["line", "service_level", "amount", "source_period"]].values.tolist() == [
        ["earn_back", "", 0.0, "2026-01"]
    ]
    assert march.loc[0, "explanation"] == (
        "No earn-back in 2026-03: none of the euc contract's service levels was in force in "
        "2026-01, the month whose credits it would give back, so no credit was charged then "
        "and none is due back."
    )
    # the same line month by month, and none once the source month is February (in force)
    out = month_ledgers(cards, c, ["2026-03"])
    pd.testing.assert_frame_equal(out["2026-03"], march)
    april = history(c, {"2026-02": (0.96, 0.97), "2026-03": (0.99, 0.97), "2026-04": (0.99, 0.97)})
    assert service_credits(april[april["period"] == "2026-04"], c, history=april).empty


def test_earn_back_repays_what_was_paid_after_the_cap():
    # 2 x 80% allocations = 160% of the 10,000 pool: 16,000 capped to 10,000 (paid share 5/8)
    c = contract(
        [level(1, 50, pool_allocation_pct=80), level(2, 50, pool_allocation_pct=80)],
        regime={"type": "pool", "earn_back": {"enabled": True, "periods": 1}},
    )
    cards = history(c, {"2026-01": (0.85, 0.85), "2026-02": (0.99, 0.80)})
    ledger = service_credits(cards[cards["period"] == "2026-02"], c, history=cards)
    back = ledger[ledger["line"] == "earn_back"]
    # P1 paid 8,000 x 10,000 / 16,000 = 5,000 and is green in February; P2 stays red
    assert back[["service_level", "amount"]].values.tolist() == [["P1-RES", -5000.0]]


def test_earn_back_follows_a_level_reissued_under_a_new_id():
    p = fixture_params()
    hosting = p.contract("hosting")
    rows = [
        ("hosting", "2026-05", "sla_resolution_attainment", "priority=2", 0.80),  # red
        ("hosting", "2026-06", "sla_resolution_attainment", "priority=2", 0.95),
        ("hosting", "2026-07", "sla_resolution_attainment", "priority=2", 0.95),  # new id
        ("hosting", "2026-08", "sla_resolution_attainment", "priority=2", 0.95),
    ]
    v = pd.DataFrame(
        [(*r, float("nan"), float("nan")) for r in rows], columns=MEASURE_VALUE_COLUMNS
    )
    cards = trend(v, p, "hosting", "2026-08", months=4)
    ledger = service_credits(cards[cards["period"] == "2026-08"], hosting, history=cards)
    # 2026-05 P2-RES credit: 28,800 x 20% = 5,760; green in June (vs 90) and in July and
    # August (vs 92, level P2-RES-2026H2): 3 periods -> earned back in August
    assert ledger[["line", "service_level", "amount", "expected"]].values.tolist() == [
        ["earn_back", "P2-RES", -5760.0, 92.0]
    ]


# ---------------------------------------------------------------------------- per incident ----
def test_one_credit_per_incident_keeps_the_largest_and_lists_the_rest():
    breaches = pd.DataFrame(
        {
            "ticket_id": ["T1", "T1", "T1", "T2"],
            "service_level": ["P1-RES", "RESPONSE", "AVAIL", "P2-RES"],
            "amount": [500.0, 800.0, 800.0, 300.0],
        }
    )
    kept, dropped = incident_credits(breaches)
    # T1: 800 twice -> tie goes to the alphabetically first level, AVAIL
    assert kept[["ticket_id", "service_level", "amount"]].values.tolist() == [
        ["T1", "AVAIL", 800.0],
        ["T2", "P2-RES", 300.0],
    ]
    assert sorted(dropped["service_level"]) == ["P1-RES", "RESPONSE"]
    assert set(dropped["kept_service_level"]) == {"AVAIL"}
    assert kept["amount"].sum() == 1100.0  # 800 + 300, not 2,400


def test_incident_rule_switched_off_keeps_every_credit():
    breaches = pd.DataFrame(
        {"ticket_id": ["T1", "T1"], "service_level": ["A", "B"], "amount": [1.0, 2.0]}
    )
    kept, dropped = incident_credits(breaches, one_credit_per_incident=False)
    assert len(kept) == 2 and dropped.empty


# ------------------------------------------------------------------------------- checks ----
def test_card_with_two_periods_is_refused():
    c = ebc()
    cards = history(c, {"2026-01": (0.85, 0.97), "2026-02": (0.85, 0.97)})
    with pytest.raises(ValueError, match="one supplier and one period"):
        service_credits(cards, c)


def test_at_risk_amount_is_charge_times_at_risk_pct():
    assert at_risk_amount(contract([level(1, 100)], at_risk_pct=12.5)) == 12500.0


# ----------------------------------------------------------------------------- properties ----
@settings(max_examples=100, deadline=None)
@given(
    regime=st.sampled_from(["pool", "percentage", "bands"]),
    trigger=st.sampled_from(["below_minimum", "below_expected"]),
    charge=st.floats(0, 1e7),
    # shares in per cent: 0 or 1-100 (params refuse 0 < x < 1 as a fraction)
    at_risk=st.one_of(st.just(0.0), st.floats(1, 100)),
    allocations=st.lists(st.one_of(st.just(0.0), st.floats(1, 100)), min_size=3, max_size=3),
    actuals=st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=3, max_size=3),
    band_amounts=st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3),
)
def test_credits_never_exceed_the_at_risk_cap(
    regime, trigger, charge, at_risk, allocations, actuals, band_amounts
):
    bands = [
        {"from": 0, "to": 90, "amount": band_amounts[0]},
        {"from": 90, "to": 95, "amount": band_amounts[1]},
        {"from": 95, "to": 100, "amount": band_amounts[2]},
    ]
    weights = [40, 30, 30]
    c = contract(
        [
            level(i + 1, weights[i], pool_allocation_pct=allocations[i], bands=bands)
            for i in range(3)
        ],
        regime={"type": regime, "trigger": trigger},
        monthly_charge=charge,
        at_risk_pct=at_risk,
    )
    fractions = [float("nan") if a is None else a for a in actuals]
    ledger = service_credits(card(c, "2026-03", *fractions), c)
    paid = ledger.loc[ledger["line"].isin(["credit", "cap"]), "amount"].sum()
    assert paid <= at_risk_amount(c) + 0.01
    assert paid >= -0.01


def test_a_month_outside_the_data_window_neither_credits_nor_is_earned_back():
    # Data begins in February: January's red value (tickets from before the window) is not a
    # figure, so no January credit exists to be earned back in March.
    from siamlib.scorecard import trend

    c = ebc(periods=2)
    v = pd.DataFrame(
        [
            ("euc", p, "sla_resolution_attainment", "priority=1", a, float("nan"), float("nan"))
            for p, a in [("2026-01", 0.85), ("2026-02", 0.99), ("2026-03", 0.99)]
        ],
        columns=MEASURE_VALUE_COLUMNS,
    )
    notes = pd.DataFrame(
        {
            "period": ["2026-01"],
            "measure": ["sla_resolution_attainment"],
            "note": ["month outside the data window (2026-02-01 to 2026-04-01)"],
        }
    )
    cards = trend(v, c, "euc", "2026-03", months=3, notes=notes)
    assert cards.loc[cards["period"] == "2026-01", "rag"].unique().tolist() == ["grey"]
    assert credit_history(cards, c).empty
    # without the note January's red would be credited and earned back in March
    plain = trend(v, c, "euc", "2026-03", months=3)
    assert credit_history(plain, c)["line"].tolist() == ["credit", "earn_back"]


def _with_agreements(exclusions: list[str], upheld: list[str]):
    from siamlib.params import Dispute, Disputes, Exclusions, upheld_exclusions

    disputes = Disputes(
        disputes=[
            Dispute(id=f"D-{i}", ticket_id=t, raised_by="Summit Hosting", reason="clock ran",
                    status="upheld", decided_on=dt.date(2026, 11, 2), decided_by="J. Okafor")
            for i, t in enumerate(upheld, start=1)
        ]
    )  # fmt: skip
    on = dt.date(2026, 10, 6)
    listed = [
        Exclusion(ticket_id=t, reason="agreed", approver="J. Okafor", approved_on=on)
        for t in exclusions
    ]
    merged = Exclusions(exclusions=[*listed, *upheld_exclusions(disputes)])
    return fixture_params().model_copy(update={"exclusions": merged, "disputes": disputes})


def test_an_exclusion_or_dispute_naming_a_ticket_in_another_letter_case_is_refused():
    from siamlib.agreements import misnamed_exclusions

    # The data holds INC7 and INC9; the agreements name inc7 (exclusions[1]) and inc9 (an
    # upheld dispute): each would exclude nothing. INC5 is not in the data at all (an older
    # ticket, say): no message, it changes no figure.
    p = _with_agreements(["INC5", "inc7"], ["inc9"])
    assert misnamed_exclusions(pd.Series(["INC7", "INC9", "INC1"]), p) == [
        "exclusions.yaml: exclusions[1].ticket_id 'inc7' matches no ticket; the data has 'INC7' "
        "(ticket ids are matched exactly): correct the id",
        "disputes.yaml: dispute D-1 ticket_id 'inc9' matches no ticket; the data has 'INC9' "
        "(ticket ids are matched exactly): correct the id",
    ]
    assert misnamed_exclusions(pd.Series(["inc7", "inc9", "INC1"]), p) == []


@pytest.mark.parametrize(
    ("data_id", "shown"),
    [
        ("INC\u200b0000042", "'INC\\u200b0000042'"),  # a zero-width space inside
        ("\ufeffINC0000042", "'\\ufeffINC0000042'"),  # a byte-order mark in front
        ("INC0000042\u00a0", "'INC0000042\\xa0'"),  # a no-break space after
        ("ＩＮＣ0000042", "'ＩＮＣ0000042'"),  # full-width letters
        ("INC0000042\U000e0020", "'INC0000042\\U000e0020'"),  # a tag character (Cf)
        ("INC\u06dd0000042", "'INC\\u06dd0000042'"),  # Arabic end of ayah (Cf)
    ],
)
def test_an_exclusion_matching_a_ticket_only_through_unseen_characters_is_refused(data_id, shown):
    from siamlib.agreements import misnamed_exclusions

    # The agreed id and the data's look the same to a reader; an exact match fails, so the
    # exclusion would silently exclude nothing (the probe moved P3-RES from 100 to 87.5 %).
    p = _with_agreements(["INC0000042"], [])
    assert misnamed_exclusions(pd.Series([data_id, "INC1"]), p) == [
        f"exclusions.yaml: exclusions[0].ticket_id 'INC0000042' matches no ticket; the data has "
        f"{shown} (ticket ids are matched exactly): correct the id"
    ]


def test_an_exclusion_whose_own_id_hides_a_character_is_refused():
    from siamlib.agreements import misnamed_exclusions

    p = _with_agreements(["INC0000042\u200d"], [])
    assert misnamed_exclusions(pd.Series(["INC0000042"]), p) == [
        "exclusions.yaml: exclusions[0].ticket_id 'INC0000042\\u200d' matches no ticket; the "
        "data has 'INC0000042' (ticket ids are matched exactly): correct the id"
    ]


def test_a_misnamed_ticket_with_two_upheld_disputes_names_the_dispute_that_excludes_it():
    from siamlib.agreements import misnamed_exclusions

    # Two upheld disputes on inc9: the first (D-1) becomes the exclusion, so the message
    # names it, in disputes.yaml, not exclusions.yaml.
    p = _with_agreements([], ["inc9", "inc9"])
    assert misnamed_exclusions(pd.Series(["INC9"]), p) == [
        "disputes.yaml: dispute D-1 ticket_id 'inc9' matches no ticket; the data has 'INC9' "
        "(ticket ids are matched exactly): correct the id"
    ]


def test_an_exclusion_id_with_a_cyrillic_letter_matching_no_ticket_is_refused():
    from siamlib.agreements import misnamed_exclusions

    # 'ІNC0000042' starts with a Cyrillic capital I (U+0406): it looks like the data's
    # INC0000042 but folds to nothing else, so it would silently exclude nothing.
    p = _with_agreements(["\u0406NC0000042"], [])
    assert misnamed_exclusions(pd.Series(["INC0000042", "INC1"]), p) == [
        "exclusions.yaml: exclusions[0].ticket_id '\u0406NC0000042' holds U+0406 CYRILLIC "
        "CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I (not ASCII) and no ticket has that id: retype "
        "the id in plain letters and digits"
    ]


def test_an_upheld_dispute_id_with_a_greek_letter_matching_no_ticket_is_refused():
    from siamlib.agreements import misnamed_exclusions

    # Greek capital omicron (U+039F) for the letter O, in a ticket the data does not hold
    p = _with_agreements([], ["INC\u039f9"])
    assert misnamed_exclusions(pd.Series(["INC1"]), p) == [
        "disputes.yaml: dispute D-1 ticket_id 'INC\u039f9' holds U+039F GREEK CAPITAL LETTER "
        "OMICRON (not ASCII) and no ticket has that id: retype the id in plain letters and digits"
    ]


def test_a_non_ascii_exclusion_id_that_matches_a_ticket_exactly_is_accepted():
    from siamlib.agreements import misnamed_exclusions

    p = _with_agreements(["\u0406NC7"], [])
    assert misnamed_exclusions(pd.Series(["\u0406NC7", "INC1"]), p) == []


def test_a_plain_ascii_exclusion_id_matching_no_ticket_stays_accepted():
    from siamlib.agreements import misnamed_exclusions

    # a mistyped digit: a documented limitation (the ticket may be older than the data)
    p = _with_agreements(["INC0000043"], [])
    assert misnamed_exclusions(pd.Series(["INC0000042", "INC1"]), p) == []
