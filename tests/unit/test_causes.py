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
