"""Causes: linking tickets to outages/changes/problems; actual with and without a cause."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib.causes import CAUSES_COLUMNS, LINK_COLUMNS, level_causes, link_causes, waive_credits


def _ts(*values):
    return pd.to_datetime(list(values), utc=True)


def _tickets():
    return pd.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "service": ["email", "email", "web", "email"],
            "opened_at": _ts(
                "2026-10-01 10:00", "2026-10-03 10:00", "2026-10-01 11:00", "2026-10-01 12:00"
            ),
            "change_id": [None, "CHG1", None, ""],
            "problem_id": [None, None, "PRB1", None],
        }
    )


def _outages(planned=False, end="2026-10-02 09:00"):
    return pd.DataFrame(
        {
            "outage_id": ["OUT1"],
            "service": ["email"],
            "start_at": _ts("2026-10-01 09:00"),
            "end_at": _ts(end) if end else pd.Series([pd.NaT], dtype="datetime64[ns, UTC]"),
            "planned": [planned],
        }
    )


def test_link_causes_links_tickets_on_the_outage_service_opened_during_it():
    links = link_causes(_tickets(), _outages())
    # T1 and T4: email, opened inside 09:00..next day 09:00; T2 after the end; T3 other service
    assert links[links.cause_kind == "outage"]["ticket_id"].tolist() == ["T1", "T4"]
    assert list(links.columns) == LINK_COLUMNS


def test_link_causes_links_changes_and_problems_by_id_and_ignores_blank_ids():
    links = link_causes(_tickets())
    assert links.values.tolist() == [["change", "CHG1", "T2"], ["problem", "PRB1", "T3"]]


def test_planned_outage_is_not_a_cause():
    links = link_causes(_tickets(), _outages(planned=True))
    assert "outage" not in set(links.cause_kind)


def test_ongoing_outage_covers_every_later_ticket_on_its_service():
    links = link_causes(_tickets(), _outages(end=None))
    # T1, T2 (Oct 3) and T4 are email tickets opened after the start
    assert links[links.cause_kind == "outage"]["ticket_id"].tolist() == ["T1", "T2", "T4"]


def test_cause_drives_the_miss_when_the_level_passes_without_its_tickets():
    # P2: 10 tickets, 6 met -> 60%; minimum 80%. Outage O1 holds 3 breached tickets:
    # without them 6/7 = 85.7% >= 80 -> drives the miss.
    # Problem P9 holds 1 breached ticket: without it 6/9 = 66.7% < 80 -> does not drive it.
    lt = pd.DataFrame(
        {
            "service_level": ["P2"] * 10,
            "ticket_id": [f"T{i}" for i in range(10)],
            "met": [True] * 6 + [False] * 4,
        }
    )
    links = pd.DataFrame(
        {
            "cause_kind": ["outage"] * 3 + ["problem"],
            "cause_id": ["O1"] * 3 + ["P9"],
            "ticket_id": ["T6", "T7", "T8", "T9"],
        }
    )
    table = level_causes(lt, links, {"P2": 80.0})
    assert list(table.columns) == CAUSES_COLUMNS
    o1 = table[table.cause_id == "O1"].iloc[0]
    p9 = table[table.cause_id == "P9"].iloc[0]
    assert (o1.records, o1.breached, o1.actual) == (3, 3, 60.0)
    assert o1.actual_without == pytest.approx(600 / 7)
    assert bool(o1.drives_miss) is True
    assert p9.actual_without == pytest.approx(600 / 9)
    assert bool(p9.drives_miss) is False


def test_cause_on_a_met_level_never_drives_a_miss():
    # 2 of 2 met = 100% >= 90: nothing missed, nothing to drive
    lt = pd.DataFrame({"service_level": ["A", "A"], "ticket_id": ["X", "Y"], "met": [True, True]})
    links = pd.DataFrame({"cause_kind": ["change"], "cause_id": ["C1"], "ticket_id": ["X"]})
    assert not level_causes(lt, links, {"A": 90.0}).drives_miss.any()


def test_unknown_rule_is_rejected_naming_the_key():
    with pytest.raises(ValueError, match="one_credit_per_cause"):
        waive_credits(pd.DataFrame(), pd.DataFrame(), "smallest", [])


def test_level_evidence_flags_are_used_so_actual_matches_the_scorecard():
    # Level evidence: 4 counted (den), 2 met (num) -> 50%; a 5th row not in the denominator
    # is linked too but changes nothing. Without C1 (ticket B, met): 1/3 = 33.3%.
    lt = pd.DataFrame(
        {
            "service_level": ["L"] * 5,
            "ticket_id": ["A", "B", "C", "D", "E"],
            "in_denominator": [True, True, True, True, False],
            "in_numerator": [True, True, False, False, False],
        }
    )
    links = pd.DataFrame({"cause_kind": "change", "cause_id": "C1", "ticket_id": ["B", "E"]})
    row = level_causes(lt, links, {"L": 40.0}).iloc[0]
    assert (row.records, row.breached, row.actual) == (1, 0, 50.0)
    assert row.actual_without == pytest.approx(100 / 3)
    assert not row.drives_miss


def test_an_outage_without_an_id_is_never_named_and_stops_nothing():
    # Two unplanned hosting email outages in June, one without an id (the gate blocks such
    # rows; the computation must still finish): only the named one can be a cause.
    from siamlib.causes import downtime_causes
    from tests.fixtures.fixture_params import fixture_params

    p = fixture_params()
    ts = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    outages = pd.DataFrame(
        {
            "outage_id": ["O1", None],
            "supplier_id": "hosting",
            "service": "email",
            "start_at": [ts("2026-06-03 09:00"), ts("2026-06-10 09:00")],
            "end_at": [ts("2026-06-03 21:00"), ts("2026-06-10 21:00")],
            "planned": False,
        }
    ).astype({"outage_id": "string"})
    card = pd.DataFrame(
        {
            "supplier_id": ["hosting"],
            "service_level": ["AVAIL"],
            "measure": ["availability"],
            "scope": [""],
            "actual": [90.0],
            "minimum": [99.0],
        }
    )
    table = downtime_causes(outages, card, p, "2026-06")
    assert table["cause_id"].tolist() == ["O1"]


# --- downtime causes: the cause test mirrors the availability measure --------------------
# June 2026 (Europe/London, no clock change): 30 days = 43,200 agreed minutes per service on
# the 24x7 "always" calendar. The levels below are scoped to hosting's email service, so
# availability = (43,200 - downtime) / 43,200 and the 99% minimum allows 432 minutes.


def _downtime(rows):
    """Hosting email outages from (id, start, end, planned) tuples, all in June 2026."""
    ts = lambda s: pd.Timestamp(f"2026-06-{s}", tz="UTC")  # noqa: E731
    return pd.DataFrame(
        {
            "outage_id": [r[0] for r in rows],
            "supplier_id": "hosting",
            "service": "email",
            "start_at": [ts(r[1]) for r in rows],
            "end_at": [ts(r[2]) for r in rows],
            "planned": [r[3] for r in rows],
        }
    )


def _avail_card(actual, minimum=99.0):
    return pd.DataFrame(
        {
            "supplier_id": ["hosting"],
            "service_level": ["AVAIL"],
            "measure": ["availability"],
            "scope": ["service=email"],
            "actual": [actual],
            "minimum": [minimum],
        }
    )


def _measured(outages):
    """The availability measure's email figure (%), the figure the card reports."""
    from siamlib.measures.tower import availability
    from tests.fixtures.fixture_params import fixture_params

    a = availability(outages, "2026-06", fixture_params())
    a = a[(a.supplier_id == "hosting") & (a.service == "email")]
    return 100.0 * float(a.numerator.sum()) / float(a.denominator.sum())


def _downtime_causes(outages):
    from siamlib.causes import downtime_causes
    from tests.fixtures.fixture_params import fixture_params

    return downtime_causes(outages, _avail_card(_measured(outages)), fixture_params(), "2026-06")


def _p2_and_avail(causes_avail, p2_cause="O1"):
    """A ledger with AVAIL (7,200) and P2 (5,760) credits, and the causes of both levels:
    the AVAIL rows given, plus the P2 level driven by ``p2_cause``'s tickets."""
    ledger = pd.DataFrame(
        {
            "line": ["credit", "credit"],
            "service_level": ["AVAIL", "P2"],
            "amount": [7200.0, 5760.0],
            "explanation": ["AVAIL missed", "P2 missed"],
        }
    )
    p2 = pd.DataFrame(
        {"service_level": ["P2"], "cause_kind": ["outage"], "cause_id": [p2_cause]}
    ).assign(drives_miss=True)
    return ledger, pd.concat([causes_avail, p2], ignore_index=True)


def test_two_overlapping_records_of_one_outage_are_one_cause_and_keep_the_waiver():
    # O1 09:00-21:00 (720 min) and O2 10:00-22:00 (720 min) overlap: the measure merges them,
    # 09:00-22:00 = 780 min -> (43,200 - 780) / 43,200 = 98.1944% < 99: missed.
    # Each record alone leaves the other's 720 min (98.3333%, still missed), so testing the
    # records one by one finds no cause. As one event "O1" (the earliest): without it 0 min,
    # 100% >= 99 -> drives AVAIL. P2 is driven by O1 too: AVAIL 7,200 stands, P2 5,760 waived.
    out = _downtime([("O1", "03 09:00", "03 21:00", False), ("O2", "03 10:00", "03 22:00", False)])
    assert _measured(out) == pytest.approx(100 * (43200 - 780) / 43200)
    table = _downtime_causes(out)
    assert table[["cause_id", "records", "breached"]].values.tolist() == [["O1", 780, 780]]
    row = table.iloc[0]
    assert row.actual_without == pytest.approx(100.0)
    assert bool(row.drives_miss) is True
    assert row.cause_records == "O1, O2"
    led = waive_credits(*_p2_and_avail(table), "largest", ["AVAIL", "P2"])
    assert led[["line", "amount"]].values.tolist() == [["credit", 7200.0], ["waived", 0.0]]
    assert led.loc[1, "cause_id"] == "O1"
    assert led.loc[1, "explanation"] == (
        "5,760 waived: same cause as AVAIL (outage O1; overlapping records O1, O2: one "
        "outage); one cause, one credit (the largest credit stands)"
    )


def test_a_duplicate_identical_record_is_the_same_outage():
    # OUT2 and OUT1: the same 09:00-21:00 outage recorded twice: 720 min counted once ->
    # 98.3333% < 99. Same start, so the event is named by the smaller id, OUT1; without the
    # event 100% -> drives. (Before: without either record the other's 720 min remain.)
    out = _downtime(
        [("OUT2", "03 09:00", "03 21:00", False), ("OUT1", "03 09:00", "03 21:00", False)]
    )
    table = _downtime_causes(out)
    assert table[["cause_id", "records"]].values.tolist() == [["OUT1", 720]]
    assert table.iloc[0].cause_records == "OUT1, OUT2"
    assert table.iloc[0].actual == pytest.approx(100 * (43200 - 720) / 43200)
    assert bool(table.iloc[0].drives_miss) is True


def test_an_unplanned_outage_inside_a_planned_window_is_not_downtime_nor_a_cause():
    # Planned P1 10 Jun 00:00-23:00; unplanned U1 00:10-22:00 inside it: 0 minutes counted.
    # O1 3 Jun 09:00-21:00: 720 min -> 98.3333% < 99. Without O1: 0 min -> 100% -> drives.
    # U1 adds no minute, so it is no cause of the miss (no row). Before: U1's 1,310 min were
    # counted in the test (planned window dropped), so "without O1" read 96.97%: no cause.
    out = _downtime(
        [
            ("P1", "10 00:00", "10 23:00", True),
            ("U1", "10 00:10", "10 22:00", False),
            ("O1", "03 09:00", "03 21:00", False),
        ]
    )
    assert _measured(out) == pytest.approx(100 * (43200 - 720) / 43200)
    table = _downtime_causes(out)
    assert table[["cause_id", "records"]].values.tolist() == [["O1", 720]]
    assert table.iloc[0].actual_without == pytest.approx(100.0)
    assert bool(table.iloc[0].drives_miss) is True


def test_an_outage_partly_outside_a_planned_window_counts_only_its_outside_part():
    # Planned P1 10 Jun 00:00-04:00; unplanned U1 02:00-12:00 (600 min): 120 inside the
    # window, 480 outside. O2 20 Jun 10:00-11:00: 60 min. Measure: 540 min -> 98.75% < 99.
    # Without U1: 60 min -> 99.8611% >= 99 -> U1 drives (records 480, not 600).
    # Without O2: 480 min -> 98.8889% < 99 -> O2 does not drive.
    out = _downtime(
        [
            ("P1", "10 00:00", "10 04:00", True),
            ("U1", "10 02:00", "10 12:00", False),
            ("O2", "20 10:00", "20 11:00", False),
        ]
    )
    assert _measured(out) == pytest.approx(100 * (43200 - 540) / 43200)
    table = _downtime_causes(out).set_index("cause_id")
    assert table.loc[["O2", "U1"], "records"].tolist() == [60, 480]
    assert table.loc["U1", "actual_without"] == pytest.approx(100 * (43200 - 60) / 43200)
    assert table.loc["O2", "actual_without"] == pytest.approx(100 * (43200 - 480) / 43200)
    assert table["drives_miss"].to_dict() == {"O2": False, "U1": True}


def test_two_separate_outages_that_miss_only_together_are_two_causes_and_waive_nothing():
    # O1 3 Jun 09:00-17:20 and O2 20 Jun 09:00-17:20: 500 min each, no overlap, so two
    # events. Together 1,000 min -> 97.6852% < 99; without either one 500 min remain ->
    # 98.8426% < 99, so neither alone drives the miss. The rule is "one cause": two separate
    # failures are two causes, none of which alone cost the level, so no credit is waived
    # (P2, driven by O1's tickets, keeps its 5,760 beside AVAIL's 7,200). Each row names its
    # one record.
    out = _downtime([("O1", "03 09:00", "03 17:20", False), ("O2", "20 09:00", "20 17:20", False)])
    table = _downtime_causes(out)
    assert table[["cause_id", "records", "cause_records"]].values.tolist() == [
        ["O1", 500, "O1"],
        ["O2", 500, "O2"],
    ]
    assert table.actual_without.tolist() == pytest.approx([100 * (43200 - 500) / 43200] * 2)
    assert not table.drives_miss.any()
    led = waive_credits(*_p2_and_avail(table), "largest", ["AVAIL", "P2"])
    assert led["line"].tolist() == ["credit", "credit"]
    assert led["amount"].sum() == 7200.0 + 5760.0


def test_tickets_during_overlapping_records_link_to_the_one_outage_event():
    # OUT1 09:00-21:00 and OUT2 10:00-22:00 (email) are one event named OUT1. T5 (21:30) is
    # only inside OUT2, T6 (12:00) inside both: both link to OUT1, once each; T7 (23:00)
    # after both, T8 on web: not linked.
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T5", "T6", "T7", "T8"],
            "service": ["email", "email", "email", "web"],
            "opened_at": _ts(
                "2026-10-01 21:30", "2026-10-01 12:00", "2026-10-01 23:00", "2026-10-01 12:00"
            ),
        }
    )
    outages = pd.DataFrame(
        {
            "outage_id": ["OUT2", "OUT1"],
            "service": ["email", "email"],
            "start_at": _ts("2026-10-01 10:00", "2026-10-01 09:00"),
            "end_at": _ts("2026-10-01 22:00", "2026-10-01 21:00"),
            "planned": [False, False],
        }
    )
    links = link_causes(tickets, outages)
    assert links.values.tolist() == [["outage", "OUT1", "T5"], ["outage", "OUT1", "T6"]]


# ------------------------------------------------------------------ one credit per incident
def _incident_levels():
    # Network P2, October: 9 resolution tickets (A..I), 38 response tickets (A..D and 34
    # others). A, B, C and D failed both their response and their resolution target; E also
    # failed resolution alone. Minimums: RESPONSE 90 %, P2-RES 85 %.
    # P2-RES: met F..I = 4 of 9 = 44.4 % (missed); RESPONSE: 34 of 38 = 89.47 % (missed).
    # Without the tickets that failed P2-RES (A..E), RESPONSE is 34 / 34 = 100 %: met.
    # Without the tickets that failed RESPONSE (A..D), P2-RES is 4 / 5 = 80 %: still missed.
    res = pd.DataFrame(
        {"service_level": "P2-RES", "ticket_id": list("ABCDEFGHI"),
         "met": [False] * 5 + [True] * 4}
    )  # fmt: skip
    others = [f"R{i}" for i in range(34)]
    resp = pd.DataFrame(
        {"service_level": "RESPONSE", "ticket_id": list("ABCD") + others,
         "met": [False] * 4 + [True] * 34}
    )  # fmt: skip
    return pd.concat([res, resp], ignore_index=True), {"P2-RES": 85.0, "RESPONSE": 90.0}


def test_incidents_failing_two_levels_are_one_cause_of_both_misses():
    from siamlib.causes import incident_causes

    lt, minimums = _incident_levels()
    rows = incident_causes(lt, minimums)
    # Only the incidents that failed P2-RES drive both misses; RESPONSE's four do not clear
    # P2-RES (80 % < 85 %), so that cause drives one level and is left out.
    assert rows[["service_level", "cause_kind", "cause_id"]].values.tolist() == [
        ["P2-RES", "incident", "P2-RES"],
        ["RESPONSE", "incident", "P2-RES"],
    ]
    assert rows["actual_without"].round(2).tolist() == [100.0, 100.0]


def test_one_credit_per_incident_keeps_the_larger_credit_and_says_why():
    from siamlib.causes import incident_causes

    lt, minimums = _incident_levels()
    ledger = pd.DataFrame(
        {"line": ["credit", "credit"], "service_level": ["RESPONSE", "P2-RES"],
         "amount": [1800.0, 3600.0], "explanation": ["r", "p"]}
    )  # fmt: skip
    out = waive_credits(ledger, incident_causes(lt, minimums), "largest", ["RESPONSE", "P2-RES"])
    assert out[["service_level", "line", "amount"]].values.tolist() == [
        ["RESPONSE", "waived", 0.0],
        ["P2-RES", "credit", 3600.0],
    ]
    assert out.loc[0, "explanation"] == (
        "1,800 waived: one credit per incident: this level is met without the incidents that "
        "failed P2-RES, whose credit stands; one cause, one credit (the largest credit stands)"
    )


def test_levels_failed_by_different_incidents_keep_both_credits():
    from siamlib.causes import incident_causes

    # RESPONSE's four failures are tickets W..Z, none of which P2-RES counts: two sets of
    # incidents, two credits.
    lt, minimums = _incident_levels()
    lt.loc[lt["service_level"].eq("RESPONSE") & ~lt["met"], "ticket_id"] = list("WXYZ")
    assert incident_causes(lt, minimums).empty


def test_a_small_samples_causes_are_tested_over_its_rolling_window():
    from siamlib.causes import cause_tables
    from tests.unit.test_levels import PARAMS, _rolling_card, _rolling_clocks

    # euc's October P1 resolution is a small sample scored on August..October: 12 of 14 met
    # (85.71 %, below the 90 % minimum). The two late tickets, A8 (August) and O2 (October),
    # link to problem PRB1: without them the window is 12 / 12 = 100 %, so PRB1 drives the
    # miss. On October's rows alone the table would start from 1 / 2 = 50 %, a figure the
    # scorecard never showed.
    clocks = _rolling_clocks()
    card = _rolling_card(clocks)
    tickets = clocks[["ticket_id", "service", "opened_at"]].assign(
        change_id=None,
        problem_id=[("PRB1" if t in {"A8", "O2"} else None) for t in clocks["ticket_id"]],
    )
    cards = {s.id: card.iloc[:0] for s in PARAMS.estate.suppliers} | {"euc": card}
    row = (
        cause_tables(tickets, clocks, None, cards, PARAMS, "2026-10")["euc"]
        .set_index("service_level")
        .loc["P1-RES"]
    )
    assert (row["cause_id"], row["records"], row["breached"]) == ("PRB1", 2, 2)
    assert row["actual"] == pytest.approx(1200 / 14)
    assert row["actual"] == pytest.approx(card.set_index("service_level").loc["P1-RES", "actual"])
    assert row["actual_without"] == pytest.approx(100.0) and row["drives_miss"]


def _count_availability(monkeypatch):
    """Count the availability recomputations ``downtime_causes`` makes."""
    from siamlib.measures import tower

    calls = []
    real = tower.availability

    def counted(frame, *args, **kwargs):
        calls.append(sorted(frame["outage_id"]))
        return real(frame, *args, **kwargs)

    monkeypatch.setattr(tower, "availability", counted)
    return calls


def test_an_outage_outside_the_period_is_not_recomputed_and_is_no_cause(monkeypatch):
    # O1 3 Jun 09:00-21:00: 720 min -> 98.3333% < 99, without it 100% -> drives. M1 (May)
    # and J1 (July) count no June minute: availability is recomputed with all records and
    # without each event that reaches into June only (3 calls, not 5). E1 crosses the
    # period's start (31 May 22:00 - 1 Jun 00:00 UTC; June starts at London midnight, 23:00
    # UTC): its 60 June minutes make it a cause.
    out = _downtime([("O1", "03 09:00", "03 21:00", False)])
    others = _downtime([("E1", "01 00:00", "01 01:00", False), ("M1", "01 00:00", "01 00:00", 0)])
    others["start_at"] = _ts("2026-05-31 22:00", "2026-05-10 09:00")
    others["end_at"] = _ts("2026-06-01 00:00", "2026-05-10 21:00")
    july = _downtime([("J1", "01 00:00", "01 00:00", False)])
    july["start_at"], july["end_at"] = _ts("2026-07-02 09:00"), _ts("2026-07-02 21:00")
    out = pd.concat([out, others, july], ignore_index=True).astype({"planned": bool})
    from siamlib.causes import downtime_causes
    from tests.fixtures.fixture_params import fixture_params

    card = _avail_card(_measured(out))
    calls = _count_availability(monkeypatch)
    table = downtime_causes(out, card, fixture_params(), "2026-06")
    assert table[["cause_id", "records"]].values.tolist() == [["E1", 60], ["O1", 720]]
    # all records; without E1; without O1 (not without M1 nor without J1)
    assert calls == [["E1", "J1", "M1", "O1"], ["J1", "M1", "O1"], ["E1", "J1", "M1"]]


def test_two_missed_levels_recompute_availability_once_per_outage(monkeypatch):
    # Two missed availability levels of hosting (email, and all its services) and two June
    # outages on email: with all records, without O1, without O2 -> 3 recomputations, each
    # read by both levels (not 3 per level). Both levels' rows as each level alone gives.
    from siamlib.causes import downtime_causes
    from tests.fixtures.fixture_params import fixture_params

    out = _downtime([("O1", "03 09:00", "03 17:20", False), ("O2", "20 09:00", "20 17:20", False)])
    email = _avail_card(_measured(out))
    card = pd.concat([email, email.assign(service_level="ALLSVC", scope="")], ignore_index=True)
    p = fixture_params()
    one_by_one = [downtime_causes(out, card.iloc[[i]], p, "2026-06") for i in range(2)]
    calls = _count_availability(monkeypatch)
    table = downtime_causes(out, card, p, "2026-06")
    assert len(calls) == 3
    pd.testing.assert_frame_equal(table, pd.concat(one_by_one, ignore_index=True))
    assert table[["service_level", "cause_id"]].values.tolist() == [
        ["AVAIL", "O1"],
        ["AVAIL", "O2"],
        ["ALLSVC", "O1"],
        ["ALLSVC", "O2"],
    ]


def test_causes_of_several_months_reuse_the_links_and_events_given(monkeypatch):
    # The run works out the outage events and the ticket links once and passes them to this
    # month's causes and the earn-back months'; neither is worked out again here.
    from siamlib import causes

    outages = _outages().assign(supplier_id="hosting")
    events = causes.outage_events(outages)
    links = causes.link_causes(_tickets(), outages, events=events)
    assert links.values.tolist() == link_causes(_tickets(), outages).values.tolist()

    def again(*args, **kwargs):
        raise AssertionError("worked out again")

    monkeypatch.setattr(causes, "outage_events", again)
    monkeypatch.setattr(causes, "link_causes", again)
    from tests.fixtures.fixture_params import fixture_params

    p = fixture_params()
    trends = {s.id: pd.DataFrame({"period": []}) for s in p.estate.suppliers}
    out = causes.cause_tables_by_month(
        _tickets(), None, outages, trends, p, {"2026-10"}, links=links, events=events
    )
    assert set(out) == {"2026-10"}
    assert all(t.empty for t in out["2026-10"].values())
