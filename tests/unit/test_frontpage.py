"""The board's front page: exact sentences from small hand-made frames."""

from __future__ import annotations

import pandas as pd

from siamlib import frontpage, scorecard

OCT = (pd.Timestamp("2026-09-30 23:00", tz="UTC"), pd.Timestamp("2026-10-31 23:59", tz="UTC"))
CARD_COLUMNS = [
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "name",
    "unit",
    "direction",
    "expected",
    "minimum",
    "actual",
    "rag",
    "previous_actual",
]


def _cards(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CARD_COLUMNS)


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# Hosting misses availability (red) and P2 resolution (amber); network meets its one level.
CARDS = _cards(
    ["host", "AVAIL", "availability", "", "Service availability", "%", "higher"]
    + [99.5, 99.0, 98.6, "red", 99.8],
    ["host", "P2-RES", "sla_resolution_attainment", "priority=2", "Resolution within target"]
    + ["%", "higher", 90.0, 80.0, 85.0, "amber", 85.0],
    ["host", "CSAT", "satisfaction", "", "Customer satisfaction", "score 1-5", "higher"]
    + [4.2, 3.8, 4.5, "green", 4.4],
    ["net", "REOPEN", "reopen_rate", "", "Reopen rate", "%", "lower", 3.0, 6.0, 2.0, "green", 2.5],
)
LEAGUE = pd.DataFrame(
    {
        "supplier_id": ["net", "host"],
        "supplier_name": ["Meridian Networks", "Summit Hosting"],
        "weighted_score": [100.0, 40.0],
    }
)
# An unplanned 6.5-hour outage of email on 14 October (09:00-15:30 London time), a planned
# one that must not count, and a failed change on erp causing 3 incidents.
OUTAGES = pd.DataFrame(
    {
        "outage_id": ["O1", "O2"],
        "service": ["email", "email"],
        "supplier_id": ["host", "host"],
        "start_at": [_ts("2026-10-14 08:00"), _ts("2026-10-20 01:00")],
        "end_at": [_ts("2026-10-14 14:30"), _ts("2026-10-20 05:00")],
        "planned": [False, True],
    }
)
CHANGES = pd.DataFrame(
    {
        "change_id": ["C7"],
        "supplier_id": ["host"],
        "service": ["erp"],
        "planned_start": [_ts("2026-10-03 20:00")],
        "actual_start": [_ts("2026-10-03 20:10")],
        "outcome": ["failed"],
        "incidents_caused": [3],
    }
)


def _bundle(**frames) -> dict:
    meta = {"period": "2026-10", "currency": "GBP", "timezone": "Europe/London"}
    base = {
        "league": LEAGUE,
        "cards": CARDS,
        "drivers": frontpage.drivers(OUTAGES, None, CHANGES, OCT),
    }
    frames = {**base, **frames}
    # The credit figures as Work.bundle computes them into the board bundle's meta.
    meta["board_headline"] = scorecard.board_headline(
        frames.get("ledger", pd.DataFrame()),
        frames.get("at_risk", pd.DataFrame()),
        frames.get("quality_scores"),
    )
    return {"meta": meta, "frames": frames}


def test_drivers_keep_unplanned_outages_and_failed_changes_of_the_period():
    d = frontpage.drivers(OUTAGES, None, CHANGES, OCT)
    assert d[["kind", "ref", "hours", "incidents"]].to_dict("records") == [
        {"kind": "outage", "ref": "O1", "hours": 6.5, "incidents": 0},
        {"kind": "change", "ref": "C7", "hours": 0.0, "incidents": 3},
    ]


def test_an_outage_running_past_the_period_end_counts_only_its_hours_inside():
    late = OUTAGES.iloc[:1].assign(start_at=_ts("2026-10-31 20:00"), end_at=_ts("2026-11-01 10:00"))
    # 20:00 to the period end at 23:59 is 3 h 59 min.
    assert round(frontpage.drivers(late, None, None, OCT)["hours"].iloc[0], 4) == round(239 / 60, 4)


def test_each_supplier_gets_one_sentence_worst_first_with_gap_trend_and_driver():
    # The outage drove the availability miss (390 minutes of downtime); the failed change is
    # linked to P2 tickets, but P2 is amber (not missed): it drives no miss and is not named.
    causes = pd.DataFrame(
        {
            "supplier_id": ["host", "host"],
            "service_level": ["AVAIL", "P2-RES"],
            "cause_kind": ["outage", "change"],
            "cause_id": ["O1", "C7"],
            "records": [390, 3],
            "breached": [390, 2],
            "drives_miss": [True, False],
        }
    )
    fp = frontpage.front_page(_bundle(causes=causes))
    assert [s.supplier_id for s in fp.suppliers] == ["host", "net"]
    assert fp.suppliers[0].sentence == (
        "Summit Hosting (weighted score 40.0 of 100) is below expected on 2 of 3 levels "
        "(1 red, 1 amber): "
        "Service availability red at 98.6% against 99.5% expected and its 99% minimum (0.9 "
        "percentage points "
        "short; worse "
        "than last month, 99.8%); Resolution within target, P2 amber at 85% against 90% "
        "expected (5 percentage points short; same as last month, 85%); main driver: an "
        "unplanned "
        "outage of email on 14 Oct (O1): 390 minutes of downtime for Service availability."
    )
    assert fp.suppliers[0].rag == "red"
    assert fp.suppliers[1].sentence == (
        "Meridian Networks (weighted score 100.0 of 100) met all 1 of its service levels."
    )


def test_a_lower_is_better_level_reports_how_far_over_target_it_is():
    cards = _cards(
        ["net", "REOPEN", "reopen_rate", "", "Reopen rate", "%", "lower", 3.0, 6.0, 7.25]
        + ["red", 8.0]
    )
    fp = frontpage.front_page(_bundle(cards=cards, drivers=None))
    line = next(s for s in fp.suppliers if s.supplier_id == "net")
    assert line.levels[0].text == (
        "Reopen rate red at 7.25% against 3% expected and its 6% maximum (4.25 percentage "
        "points over; better "
        "than last month, "
        "8%)"
    )


def test_a_level_scored_on_a_rolling_window_says_so_in_the_boards_sentence():
    # 3 of 4 in the month alone; scored on 9 of 10 over three months (small samples, rolling).
    row = pd.Series({"name": "Resolution within target", "scope": "", "unit": "%",
                     "direction": "higher", "expected": 95.0, "actual": 90.0, "rag": "amber",
                     "previous_actual": 100.0, "scored_on": "rolling 3 months (2026-08..2026-10)",
                     "scored_numerator": 9.0, "scored_denominator": 10.0})  # fmt: skip
    assert frontpage.level_text(row) == (
        "Resolution within target amber at 90% (3 months rolling: 9 of 10) against 95% "
        "expected (5 percentage points short; worse than last month, 100%)"
    )


def test_credits_due_are_set_against_the_at_risk_pool():
    ledger = pd.DataFrame({"supplier_id": ["host", "host", "net"], "amount": [3000.0, -300.0, 0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1800.0]})
    fp = frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk))
    # Hosting owes 3,000 - 300 = 2,700 of a 10,800 pool = 25 %; network owes nothing.
    assert fp.net_credits == 2700 and fp.credits_due == 2700 and fp.at_risk == 10800
    assert fp.earn_back_due == 0 and fp.owed == ()
    assert fp.owing == (("Summit Hosting", 2700.0),) and fp.share == 0.25


def test_earn_back_owed_to_one_supplier_is_never_netted_into_the_credits_others_owe():
    # Hosting owes 3,000; network earned back 500 charged in an earlier month. The board must
    # see 3,000 due (27.8 % of the 10,800 pool) and 500 payable, not a net 2,500 (23.1 %).
    ledger = pd.DataFrame({"supplier_id": ["host", "net"], "amount": [3000.0, -500.0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1800.0]})
    fp = frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk))
    assert (fp.credits_due, fp.earn_back_due, fp.net_credits) == (3000, 500, 2500)
    assert fp.owing == (("Summit Hosting", 3000.0),) and fp.owed == (("Meridian Networks", 500.0),)
    assert round(fp.share, 3) == 0.278


def test_the_note_under_the_credit_tiles_never_repeats_their_figures():
    # The tiles say the credits due, whom from, the share of the pool and the earn-back; the
    # note under them says only what they do not (here: nothing).
    ledger = pd.DataFrame({"supplier_id": ["host", "net"], "amount": [3000.0, -500.0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1800.0]})
    assert frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk)).figures_note == ""
    nothing = pd.DataFrame({"supplier_id": ["host"], "amount": [0.0]})
    fp = frontpage.front_page(_bundle(ledger=nothing, at_risk=at_risk))
    assert fp.credits_rag == "green" and fp.credits_due == 0 and fp.figures_note == ""


def test_the_note_under_the_credit_tiles_names_the_agreed_exclusions_per_supplier():
    exclusions = pd.DataFrame(
        {"supplier_id": ["host", "net"], "tickets": [1, 1], "ticket_ids": ["INC42", "INC777"]}
    )
    fp = frontpage.front_page(_bundle(exclusions=exclusions))
    assert fp.figures_note == (
        "Agreed exclusions, removed before any figure or credit: Summit Hosting 1 ticket "
        "(INC42); Meridian Networks 1 ticket (INC777)."
    )


def test_suppliers_are_ordered_by_red_levels_before_score():
    # Network scores lower (30) but has no red; hosting scores 40 with a red: hosting first.
    league = LEAGUE.assign(weighted_score=[30.0, 40.0])
    cards = CARDS.assign(rag=["red", "amber", "green", "amber"])
    fp = frontpage.front_page(_bundle(league=league, cards=cards))
    assert [(s.supplier_id, s.rag) for s in fp.suppliers] == [("host", "red"), ("net", "amber")]


def test_a_blocked_supplier_is_named_last_with_no_figures_and_its_credits_left_out():
    ledger = pd.DataFrame({"supplier_id": ["host", "net"], "amount": [3000.0, 500.0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1000.0]})
    scores = pd.DataFrame(
        {"supplier_id": ["host", "net"], "blocking_failed": [2, 0], "stopped": [True, False]}
    )
    fp = frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk, quality_scores=scores))
    assert [s.supplier_id for s in fp.suppliers] == ["net", "host"]
    assert fp.suppliers[1].blocked and "98.6" not in fp.suppliers[1].sentence
    assert (fp.net_credits, fp.at_risk) == (500, 1000)
    assert fp.alerts == (
        "Data blocked, Summit Hosting: 2 blocking data-quality rules failed; its report is "
        "stopped and its figures are left out of this page.",
    )


def test_gaming_and_watermelon_alerts_name_the_supplier_and_the_signal():
    paused = pd.DataFrame(
        {
            "supplier_id": ["host", "net", "(all)"],
            "paused_share": [0.10, 0.30, 0.20],
            "pause_before_resolution_share": [0.05, 0.10, 0.08],
        }
    )
    melon = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "sla_attainment": [0.964, float("nan")],
            "red_signals": ["reopen_rate", ""],
            "watermelon": pd.array([True, pd.NA], dtype="boolean"),
        }
    )
    fp = frontpage.front_page(_bundle(paused_share=paused, watermelon=melon))
    assert fp.alerts == (
        "Clock-stop signal, Meridian Networks: 30% of clock time paused and 10% of tickets "
        "paused just before resolution (a signal at 25% or more of either); ask why.",
        "Watermelon, Summit Hosting: 96.4% of tickets within target, the lower of response and "
        "resolution (all priorities; green at 95% or more), but experience red against the "
        "watermelon check's own fixed thresholds, not the contract's (reopen rate); ask what "
        "the time targets miss.",
    )


def test_a_level_scoped_to_a_service_takes_no_driver_from_another_service():
    cards = _cards(
        ["host", "AVAIL-ERP", "availability", "service=erp", "Service availability", "%"]
        + ["higher", 99.5, 99.0, 98.0, "red", 99.9]
    )
    line = frontpage.front_page(_bundle(cards=cards)).suppliers[0]
    assert line.levels[0].driver == ""
    assert "main driver" not in line.sentence


def test_the_board_is_asked_to_approve_each_credit_note_each_earn_back_and_act_on_reds():
    ledger = pd.DataFrame({"supplier_id": ["host", "net"], "amount": [3000.0, -500.0]})
    at_risk = pd.DataFrame({"supplier_id": ["host", "net"], "at_risk_amount": [9000.0, 1800.0]})
    melon = pd.DataFrame(
        {
            "supplier_id": ["net"],
            "sla_attainment": [0.97],
            "red_signals": ["reopen_rate"],
            "watermelon": pd.array([True], dtype="boolean"),
        }
    )
    fp = frontpage.front_page(_bundle(ledger=ledger, at_risk=at_risk, watermelon=melon))
    # Hosting's one red level is availability (CARDS); its amber P2 asks for nothing.
    assert fp.decisions == (
        "Approve the service credit of £3,000 due from Summit Hosting.",
        "Note the earn-back of £500 due back to Meridian Networks.",
        "Ask Summit Hosting for a recovery plan for Service availability.",
        "Discuss the alert below and the answer it asks for.",
    )


# ---------------------------------------------------------------- causes and precision ----
# Hosting misses P2 resolution and availability (red) and is amber on reopen rate; network is
# amber on P2. Values as the scorecard stores them (unrounded).
PERIOD_CARDS = _cards(
    ["host", "P2-RES", "sla_resolution_attainment", "priority=2", "Resolution within target"]
    + ["%", "higher", 92.0, 88.0, 76.923077, "red", 100.0],
    ["host", "AVAIL", "availability", "", "Service availability", "%", "higher"]
    + [99.5, 99.0, 98.646532, "red", 99.980736],
    ["host", "REOPEN", "reopen_rate", "", "Reopen rate", "%", "lower"]
    + [3.0, 6.0, 4.779412, "amber", 4.291845],
    ["net", "P2-RES", "sla_resolution_attainment", "priority=2", "Resolution within target"]
    + ["%", "higher", 90.0, 85.0, 86.956522, "amber", 95.833333],
)
# The events the drivers frame holds: the period's outage, and old problems still open with
# many lifetime links (none of them in the period, one of them shared with another supplier).
FOUND = pd.DataFrame(
    {
        "supplier_id": ["host", "host", "host", "net"],
        "service": ["email", "email", "service-desk", "vpn"],
        "kind": ["outage", "problem", "problem", "problem"],
        "ref": ["O1", "PRB54", "PRB7", "PRB49"],
        "when": [_ts("2026-10-13 06:00"), _ts("2026-10-12 09:00")]
        + [_ts("2025-10-02 09:00"), _ts("2025-11-02 09:00")],
        "hours": [30.25, 0.0, 0.0, 0.0],
        "incidents": [0, 30, 7, 334],
    }
)


def _causes(*rows) -> pd.DataFrame:
    cols = ["supplier_id", "service_level", "cause_kind", "cause_id", "records", "breached"]
    return pd.DataFrame(list(rows), columns=[*cols, "drives_miss"])


# The period's causes, as each supplier's own report shows them: the outage drives both of
# hosting's red misses; network's problem has period links but drives no miss.
PERIOD_CAUSES = _causes(
    ["host", "P2-RES", "outage", "O1", 16, 9, True],
    ["host", "P2-RES", "problem", "PRB54", 9, 8, False],
    ["host", "AVAIL", "outage", "O1", 1815, 1815, True],
    ["net", "P2-RES", "problem", "PRB49", 28, 4, False],
)


def _period_page(causes: pd.DataFrame = PERIOD_CAUSES) -> frontpage.FrontPage:
    return frontpage.front_page(_bundle(cards=PERIOD_CARDS, drivers=FOUND, causes=causes))


def test_the_main_driver_is_the_cause_of_the_miss_with_the_periods_counts():
    host = _period_page().suppliers[0]
    assert host.sentence == (
        "Summit Hosting (weighted score 40.0 of 100) is below expected on 3 of 3 levels "
        "(2 red, 1 amber): Resolution within target, P2 red at 76.92% against 92% expected "
        "and its 88% minimum (15.08 percentage points short; worse than last month, 100%); "
        "Service availability red at 98.65% against 99.5% expected and its 99% minimum (0.85 "
        "percentage points short; worse than last "
        "month, 99.98%); "
        "Reopen rate amber at 4.78% against 3% expected (1.78 percentage points over; "
        "worse than last "
        "month, 4.29%); main driver: an unplanned outage of email on 13 Oct (O1): 16 linked "
        "tickets (9 missed) for Resolution within target, P2 and 1,815 minutes of downtime "
        "for Service availability."
    )
    # The old problem with 30 lifetime links is no driver of reopen rate: no cause row says so.
    assert [lv.driver for lv in host.levels][2] == ""
    assert "PRB7" not in host.sentence and "30 linked" not in host.sentence


def test_a_supplier_whose_report_names_no_cause_of_a_miss_gets_no_main_driver():
    # Network's report says no outage, change or problem drove a miss; the drivers frame still
    # holds an open problem with 334 lifetime links on its service. The board names none.
    net = next(s for s in _period_page().suppliers if s.supplier_id == "net")
    assert net.sentence == (
        "Meridian Networks (weighted score 100.0 of 100) is below expected on 1 of 1 levels "
        "(1 amber): Resolution within target, P2 amber at 86.96% against 90% expected (3.04 "
        "percentage points short; worse than last month, 95.83%)."
    )
    assert net.levels[0].driver == ""
    # With no causes frame at all, no level has a driver either.
    page = _period_page(causes=_causes())
    assert all(lv.driver == "" for s in page.suppliers for lv in s.levels)
    assert all("main driver" not in s.sentence for s in page.suppliers)


def test_two_causes_are_each_named_with_their_own_level_and_counts():
    causes = _causes(
        ["host", "P2-RES", "outage", "O1", 16, 8, True],
        ["host", "P2-RES", "problem", "PRB54", 9, 9, True],
        ["host", "AVAIL", "outage", "O1", 1815, 1815, True],
    )
    host = _period_page(causes).suppliers[0]
    assert host.sentence.endswith(
        "; main drivers: problem PRB54 on email: 9 linked tickets (9 missed) for Resolution "
        "within target, P2; an unplanned outage of email on 13 Oct (O1): 1,815 minutes of "
        "downtime for Service availability."
    )


def test_a_cause_missing_from_the_drivers_frame_is_still_named_from_the_causes():
    causes = _causes(["host", "AVAIL", "outage", "O9", 1, 1, True])
    host = _period_page(causes).suppliers[0]
    assert host.sentence.endswith(
        "; main driver: an unplanned outage (O9): 1 minute of downtime for Service availability."
    )


def test_levels_use_the_scorecards_two_decimals_and_never_round_up_to_100():
    # Last month's availability had downtime (99.98, not 100): the board says 99.98%.
    cards = _cards(
        ["host", "AVAIL", "availability", "", "Service availability", "%", "higher"]
        + [99.5, 99.0, 98.646532, "red", 99.980736],
        ["net", "AVAIL", "availability", "", "Service availability", "%", "higher"]
        + [99.5, 99.0, 99.2, "amber", 99.996],
    )
    fp = frontpage.front_page(_bundle(cards=cards, drivers=None))
    texts = {s.supplier_id: s.levels[0].text for s in fp.suppliers}
    assert texts["host"] == (
        "Service availability red at 98.65% against 99.5% expected and its 99% minimum (0.85 "
        "percentage points short; worse than last month, 99.98%)"
    )
    # 99.996 rounds to 100.00 at two decimals; it is not 100, so it keeps its third decimal.
    assert texts["net"] == (
        "Service availability amber at 99.2% against 99.5% expected (0.3 percentage points short; "
        "worse than last month, 99.996%)"
    )


def test_a_supplier_with_no_level_scored_is_grey_and_listed_after_amber_before_green():
    # Network's one level has no data this month: its line says so and is grey (never
    # "met all its levels", green), listed after hosting's red and before a green supplier.
    cards = pd.concat(
        [
            CARDS.assign(rag=CARDS["rag"].where(CARDS["supplier_id"] == "host", "grey")),
            _cards(["euc", "CSAT", "satisfaction", "", "Satisfaction", "score 1-5", "higher"]
                   + [4.2, 3.8, 4.5, "green", 4.4]),
        ],
        ignore_index=True,
    )  # fmt: skip
    league = pd.DataFrame(
        {
            "supplier_id": ["euc", "net", "host"],
            "supplier_name": ["Harbour", "Meridian Networks", "Summit Hosting"],
            "weighted_score": [100.0, float("nan"), 40.0],
        }
    )
    fp = frontpage.front_page(_bundle(league=league, cards=cards))
    assert [(s.supplier_id, s.rag) for s in fp.suppliers] == [
        ("host", "red"),
        ("net", "grey"),
        ("euc", "green"),
    ]
    assert fp.suppliers[1].sentence == (
        "Meridian Networks (weighted score – of 100) had no service level scored (1 in force)."
    )


# ------------------------------------------------------------- alerts, scope, ping-pong ----
def test_the_front_page_alerts_are_the_computed_rows_each_suppliers_report_carries():
    from siamlib import fairness

    # The bundle's computed alert rows (as Work.bundle writes them for every report): the page
    # states those, never a second computation from the frames beside them.
    pp = pd.DataFrame(
        {"supplier_id": ["host"], "scope": [""], "measure": ["ping_pong_rate"]}
        | {"value": [60 / 337], "numerator": [60.0], "denominator": [337.0]}
    )
    rows = fairness.alert_rows(values=pp, towers=["host"], supplier_names={"host": "Summit"})
    paused = pd.DataFrame(
        {"supplier_id": ["net"], "paused_share": [0.9], "pause_before_resolution_share": [0.9]}
    )
    fp = frontpage.front_page(_bundle(fairness_alerts=rows, paused_share=paused))
    assert fp.alerts == fairness.alert_sentences(rows)
    assert fp.alerts[0].startswith(
        "Ping-pong, Summit: 17.8% of the tickets it touched had a bounce it was party to"
    )
    assert fp.decisions[-1] == "Discuss the alert below and the answer it asks for."


def test_scope_findings_and_unassessable_conformance_are_named_on_the_front_page():
    scope = pd.DataFrame(
        {
            "supplier_id": ["net", "host"],
            "status": ["not assessable", "outside scope"],
            "reason": ["its 9 work items lie where the RACI and the graphic equaliser disagree"]
            + ["79 of its 342 work items (23.1%) outside its Responsible scope"],
        }
    )
    fp = frontpage.front_page(_bundle(scope_conformance=scope))
    # in the board's order: hosting (red) before network
    assert fp.scope == (
        "Summit Hosting (outside scope): 79 of its 342 work items (23.1%) outside its "
        "Responsible scope.",
        "Meridian Networks (not assessable): its 9 work items lie where the RACI and the "
        "graphic equaliser disagree.",
    )
    conforming = scope.assign(status="conforms")
    assert frontpage.front_page(_bundle(scope_conformance=conforming)).scope == ()


def test_the_front_page_states_scope_verdicts_in_plain_words_not_raci_terms():
    from siamlib.raci import conformance_status
    from tests.fixtures.fixture_params import fixture_params

    # Keystone: Accountable, not Responsible, for incidents yet contracted 15 % of them; Summit
    # Consulted on requests and contracted none: the board reads both without RACI letters.
    items = pd.DataFrame(
        {"supplier_id": ["integrator"] * 2 + ["hosting"] * 4, "period": "2026-10"}
        | {"capability": ["incident-management"] * 5 + ["request-fulfilment"]}
        | {"letter": ["A", "A", "R", "R", "R", "C"], "in_scope": [False] * 2 + [True] * 3}
        | {"in_scope": [False, False, True, True, True, False]}
    )
    scope = conformance_status(items, fixture_params().raci)
    said = " ".join(frontpage.front_page(_bundle(scope_conformance=scope)).scope)
    assert "responsibility chart and its agreed share of the work disagree" in said
    for jargon in ("equaliser", "Accountable (A)", "Responsible scope", "Consulted (C)"):
        assert jargon not in said


def test_a_red_level_names_the_limit_that_makes_it_red_and_an_amber_one_does_not():
    # Red "at 76.92% against 92% expected" did not say why red, not amber: 88% is the minimum.
    texts = {lv.service_level: lv.text for lv in _period_page().suppliers[0].levels}
    assert "red at 76.92% against 92% expected and its 88% minimum (" in texts["P2-RES"]
    assert "amber at 4.78% against 3% expected (1.78" in texts["REOPEN"]  # no limit: amber
    assert "maximum" not in texts["REOPEN"]
