"""The board front page's money lines: each decision names its levels and figures, what was
waived is said with its amount, levels left unscored that would have failed are said in words,
and money back to a supplier is "due back to" it everywhere. Exact sentences from hand-made
frames."""

from __future__ import annotations

import pandas as pd

from siamlib import frontpage, frontpage_money
from tests.unit.test_frontpage import CARDS, LEAGUE, _bundle

# Hosting's availability fails (25% x 28,800 = 7,200); its P2 credit (20% x 28,800 = 5,760)
# is waived, one outage having caused both. Service desk owes two credits (10% and 5% of
# 14,400 = 1,440 and 720); the integrator earned back 4,500 charged in July.
LEDGER = pd.DataFrame(
    {
        "supplier_id": ["host", "host", "desk", "desk", "integ"],
        "line": ["credit", "waived", "credit", "credit", "earn_back"],
        "service_level": ["AVAIL", "P2-RES-2026H2", "REOPEN", "CSAT", "INT-AGED"],
        "amount": [7200.0, 0.0, 1440.0, 720.0, -4500.0],
        "waived_amount": [0.0, 5760.0, 0.0, 0.0, 0.0],
        "name": [
            "Service availability",
            "Resolution within target (priority 2)",
            "Reopen rate",
            "Customer satisfaction",
            "Aged ticket reduction",
        ],
        "reason": [
            "Service availability 98.65%, below its 99% minimum",
            "Resolution within target (priority 2) 76.92%, below its 88% minimum",
            "Reopen rate 15.12%, above its 6% maximum",
            "Customer satisfaction 2.98, below its 3.8 minimum (score 1-5)",
            "Aged ticket reduction credit of £4,500 for 2026-07 earned back",
        ],
        "explanation": [
            "Service availability 98.65%, below its 99% minimum: 25% of the £28,800 at risk "
            "= £7,200",
            "£5,760 waived: same cause as Service availability (outage OUT00228); one cause, "
            "one credit (the largest credit stands)",
            "x",
            "y",
            "z",
        ],
    }
)
NAMES = {"host": "Summit Hosting", "desk": "Beacon Service Desk"}
NAMES |= {"integ": "Keystone Service Integration"}


def test_each_credit_decision_names_the_level_it_is_for_and_its_figure():
    why = frontpage_money.credit_reasons(LEDGER, NAMES, "GBP")
    owing = (("Summit Hosting", 7200.0), ("Beacon Service Desk", 2160.0))
    owed = (("Keystone Service Integration", 4500.0),)
    got = frontpage_money.decisions([], owing, owed, (), "GBP", why)
    assert got == (
        "Approve the service credit of £7,200 due from Summit Hosting: Service availability "
        "98.65%, below its 99% minimum.",
        # several credits: each with its amount, compactly
        "Approve the service credits of £2,160 due from Beacon Service Desk: £1,440 for "
        "Reopen rate 15.12%, above its 6% maximum; £720 for Customer satisfaction 2.98, below "
        "its 3.8 minimum (score 1-5).",
        "Note the earn-back of £4,500 due back to Keystone Service Integration: Aged ticket "
        "reduction credit of £4,500 for 2026-07 earned back.",
    )


def test_a_capped_credit_says_the_cap_in_its_decision():
    ledger = pd.DataFrame(
        {
            "supplier_id": ["host", "host", "host"],
            "line": ["credit", "credit", "cap"],
            "amount": [8000.0, 4000.0, -2000.0],
            "reason": ["A 80%, below its 90% minimum", "B 70%, below its 80% minimum", ""],
        }
    )
    why = frontpage_money.credit_reasons(ledger, NAMES, "GBP")
    assert why["Summit Hosting"] == (
        2,
        "£8,000 for A 80%, below its 90% minimum; £4,000 for B 70%, below its 80% minimum; "
        "less £2,000 to cap the credits at the amount at risk",
    )


def test_the_waived_amount_is_said_on_the_front_page_and_kept_out_of_the_credits_due():
    at_risk = pd.DataFrame({"supplier_id": ["host"], "at_risk_amount": [28800.0]})
    fp = frontpage.front_page(_bundle(ledger=LEDGER.iloc[:2], at_risk=at_risk))
    assert fp.credits_due == 7200.0 and fp.waived == 5760.0
    assert fp.figures_note == (
        "Fairness: £5,760 waived under one cause, one credit (Summit Hosting: Resolution "
        "within target (priority 2))."
    )


def test_the_fairness_note_counts_small_samples_of_unblocked_suppliers_only():
    ledger = pd.DataFrame({"supplier_id": ["h"], "line": ["credit"], "waived_amount": [0.0]})
    cards = pd.DataFrame({"supplier_id": ["h", "h", "x"], "small_sample": [True, None, True]})
    # x is blocked: its levels are left out of the page
    assert frontpage_money.fairness_note(ledger, cards, {"x"}, 0.0, {}, "GBP") == (
        " Fairness: 1 level on a small sample."
    )
    assert frontpage_money.fairness_note(ledger, cards.iloc[1:2], set(), 0.0, {}, "GBP") == ""
    # waived lines that gave up nothing (a zero allocation) are still counted
    zero = pd.DataFrame({"supplier_id": ["h"] * 3, "line": ["credit", "waived", "waived"]})
    assert frontpage_money.fairness_note(zero, cards.iloc[1:2], set(), 0.0, {}, "GBP") == (
        " Fairness: 2 credits waived (one cause, one credit)."
    )


# --- levels the small-sample rule left unscored that would have failed ---------------------
def _unscored_cards() -> pd.DataFrame:
    p1 = {
        "supplier_id": "host",
        "service_level": "P1-RES",
        "measure": "sla_resolution_attainment",
        "name": "Resolution within target (priority 1)",
        "unit": "%",
        "direction": "higher",
        "minimum": 90.0,
        "actual": float("nan"),
        "rag": "grey",
        "denominator": 6.0,
        "month_actual": 500 / 6,
        "month_missed": 1.0,
        "unscored_fail": True,
    }
    met = {**p1, "supplier_id": "net", "month_actual": 100.0, "month_missed": 0.0}
    return pd.DataFrame([p1, {**met, "unscored_fail": False}])


def test_an_unscored_level_that_would_have_failed_is_said_with_its_counts_and_no_credit():
    notes = frontpage_money.unscored_notes(_unscored_cards(), NAMES | {"net": "Meridian"})
    # 5 of 6 met: 83.33%, below the 90% minimum; the rule leaves it unscored and uncredited
    assert notes == (
        "Summit Hosting: Resolution within target (priority 1) not scored: 6 tickets, 1 "
        "missed (83.33%, below its 90% minimum); no credit under the small-sample rule.",
    )


def test_the_front_page_carries_the_unscored_failures_and_changes_no_money():
    cards = pd.concat([CARDS, _unscored_cards().iloc[:1]], ignore_index=True)
    ledger = pd.DataFrame({"supplier_id": ["host"], "line": ["credit"], "amount": [7200.0]})
    fp = frontpage.front_page(_bundle(cards=cards, ledger=ledger))
    assert fp.unscored == frontpage_money.unscored_notes(
        _unscored_cards(), {"host": "Summit Hosting"}
    )
    assert fp.credits_due == 7200.0 and fp.net_credits == 7200.0


def test_a_supplier_line_names_the_levels_left_out_of_its_score():
    cards = pd.concat(
        [
            CARDS.assign(weight=10.0, scored_on="month"),
            _unscored_cards().iloc[:1].assign(weight=20.0, scored_on="not scored"),
        ],
        ignore_index=True,
    )
    league = LEAGUE.assign(scored_weight=[100.0, 80.0])
    host = frontpage.front_page(_bundle(cards=cards, league=league)).suppliers[0]
    assert host.sentence.startswith(
        "Summit Hosting (weighted score 40.0 of 100, scored on 80 of 100 weighting points; "
        "Resolution within target (priority 1), 20 points, not scored: small sample) is "
        "below expected"
    )


def test_levels_beyond_the_few_named_are_listed_briefly_not_sent_to_a_scorecard():
    rows = [
        ["host", f"L{i}", "reopen_rate", "", f"Level {i}", "%", "lower", 3.0, 6.0, 4.0 + i]
        + ["amber", 4.0]
        for i in range(1, 6)
    ]
    cards = pd.DataFrame(rows, columns=list(CARDS.columns))
    host = frontpage.front_page(_bundle(cards=cards)).suppliers[0]
    assert "see the scorecard" not in host.sentence
    assert host.sentence.endswith(
        "; and 1 more below expected: Level 1 amber at 5% against 3% expected."
    )


def test_money_back_to_a_supplier_is_due_back_to_it_in_every_line():
    ledger = pd.DataFrame({"supplier_id": ["host", "net"], "amount": [3000.0, -500.0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1800.0]})
    fp = frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk))
    assert fp.decisions[1] == "Note the earn-back of £500 due back to Meridian Networks."
    assert not any("repaid" in d for d in fp.decisions)
    assert not any("payable" in d or "repayable" in d for d in fp.decisions)
    assert "payable" not in fp.figures_note
