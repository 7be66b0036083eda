"""The integrator's aged-ticket, dispatch and improvement levels list the records behind
their figures, and a figure its rows do not give back is a named mismatch."""

from __future__ import annotations

import pandas as pd

from siamlib import levels
from siamlib.levels import record_rows
from siamlib.levels_integrator import aged_rows, delivery_rows, dispatch_rows
from siamlib.measures.aged import aged_ticket_reduction
from siamlib.schema import coerce
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()  # Europe/London, aged after 30 days, integrator "integrator"


def _utc(values):
    return pd.Series(pd.to_datetime(values, utc=True))


# October 2026 starts 2026-09-30 23:00Z (BST) and ends 2026-11-01 00:00Z (GMT).
#   A opened 1 Aug, still open          aged at start (61 d) and at end    adds 0 / 1
#   B opened 15 Aug, resolved 10 Oct    aged at start only                 adds 1 / 1
#   F opened 20 Aug, resolved 20 Oct    aged at start only                 adds 1 / 1
#   C opened 20 Sep, still open         11 days at start, 42 at end        adds -1 / 0
#   D opened 5 Oct, still open          27 days at end: never aged         no row
#   E opened 1 Jul, resolved 15 Sep     not open in October                no row
# Aged at start 3 (A, B, F), at end 2 (A, C): fell 1, reduction 1/3.
AGED = pd.DataFrame(
    {
        "ticket_id": ["A", "B", "C", "D", "E", "F"],
        "supplier_id": "network",
        "opened_at": _utc(
            ["2026-08-01", "2026-08-15", "2026-09-20", "2026-10-05", "2026-07-01", "2026-08-20"]
        ),
        "resolved_at": _utc(
            [None, "2026-10-10 12:00", None, None, "2026-09-15 12:00", "2026-10-20 12:00"]
        ),
        "closed_at": _utc([None] * 6),
        "status": ["assigned", "closed", "assigned", "assigned", "closed", "closed"],
    }
)
INT = "integrator"


def _card(level: str, measure: str, **figures) -> pd.DataFrame:
    """A scorecard line (``numerator``, ``denominator`` and ``actual`` missing unless given)."""
    line = {"supplier_id": INT, "service_level": level, "measure": measure, "scope": ""}
    line |= {"numerator": float("nan"), "denominator": float("nan"), "actual": float("nan")}
    return pd.DataFrame([line | figures])


def test_aged_rows_add_one_per_ticket_aged_at_the_start_and_take_one_per_ticket_aged_at_the_end():
    rows = aged_rows({"tickets": AGED}, PARAMS, "2026-10")
    got = rows.set_index("record_id")[["adds_to_numerator", "adds_to_denominator"]]
    assert got.to_dict("index") == {
        "A": {"adds_to_numerator": 0.0, "adds_to_denominator": 1.0},
        "B": {"adds_to_numerator": 1.0, "adds_to_denominator": 1.0},
        "C": {"adds_to_numerator": -1.0, "adds_to_denominator": 0.0},
        "F": {"adds_to_numerator": 1.0, "adds_to_denominator": 1.0},
    }
    assert rows.loc[rows["record_id"] == "C", "reason"].item().startswith("aged at the end")


def test_aged_rows_sum_to_the_measures_fall_and_start_count():
    measure = aged_ticket_reduction(AGED, "2026-10", 30, tz="Europe/London").iloc[-1]
    assert (measure["aged_start"], measure["aged_end"]) == (3, 2)  # by hand above
    rows = aged_rows({"tickets": AGED}, PARAMS, "2026-10")
    assert rows["adds_to_numerator"].sum() == measure["aged_start"] - measure["aged_end"] == 1
    assert rows["adds_to_denominator"].sum() == measure["aged_start"] == 3


def test_an_aged_level_reconciles_with_its_rows_and_a_lost_row_is_a_named_mismatch():
    card = _card("INT-AGED", "aged_ticket_reduction", numerator=1.0, denominator=3.0)
    rows = record_rows(AGED.iloc[:0], {"tickets": AGED}, card, PARAMS, "2026-10")
    assert levels.reconcile(card, rows)["reconciles"].all()
    lost = rows[rows["record_id"] != "C"]  # the ticket that aged in the month
    assert levels.reconciliation_summary(levels.reconcile(card, lost))["mismatches"] == [
        "integrator INT-AGED: numerator 1 against 2 in the evidence, denominator 3 against 3"
    ]


def _events(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(ticket, UTC time, supplier, status) in order, one event each."""
    frame = pd.DataFrame(rows, columns=["ticket_id", "event_at", "supplier_id", "status"])
    frame["event_seq"] = frame.groupby("ticket_id").cumcount() + 1
    frame["event_at"] = pd.to_datetime(frame["event_at"], utc=True)
    frame["assignment_group"] = frame["supplier_id"] + "-group"
    frame["support_level"] = None
    return coerce("ticket_events", frame)


# The integrator's business calendar: Mon-Fri 08:00-18:00 Europe/London (BST, UTC+1).
#   T1 Mon 5 Oct, held 09:00-11:30 UTC (10:00-12:30 local)           2.5 business hours
#   T2 held Fri 9 Oct 16:00 UTC (17:00 local) to Mon 12 Oct 08:00    1 h Fri + 1 h Mon = 2
#   T3 Tue 6 Oct, held 09:00-09:30 UTC                                0.5
#   T4 held, but resolved in September: not October's               no row
# Median of 2.5, 2 and 0.5: 2 hours.
DISPATCH = _events(
    [
        ("T1", "2026-10-05 08:00", "service-desk", "assigned"),
        ("T1", "2026-10-05 09:00", INT, "assigned"),
        ("T1", "2026-10-05 11:30", "network", "assigned"),
        ("T1", "2026-10-05 15:00", "network", "resolved"),
        ("T2", "2026-10-09 16:00", INT, "assigned"),
        ("T2", "2026-10-12 08:00", "hosting", "assigned"),
        ("T2", "2026-10-12 10:00", "hosting", "resolved"),
        ("T3", "2026-10-06 09:00", INT, "assigned"),
        ("T3", "2026-10-06 09:30", "euc", "assigned"),
        ("T3", "2026-10-06 12:00", "euc", "resolved"),
        ("T4", "2026-09-07 09:00", INT, "assigned"),
        ("T4", "2026-09-07 10:00", "euc", "resolved"),
    ]
)
DISPATCHED = pd.DataFrame(
    {
        "ticket_id": ["T1", "T2", "T3", "T4"],
        "resolved_at": _utc(
            ["2026-10-05 15:00", "2026-10-12 10:00", "2026-10-06 12:00", "2026-09-07 10:00"]
        ),
    }
)


def test_dispatch_rows_list_each_held_ticket_with_its_business_minutes():
    rows = dispatch_rows({"tickets": DISPATCHED, "ticket_events": DISPATCH}, PARAMS, "2026-10")
    assert dict(zip(rows["record_id"], rows["minutes"], strict=True)) == {
        "T1": 150.0,
        "T2": 120.0,
        "T3": 30.0,
    }
    assert rows["minutes"].median() / 60 == 2.0


def test_a_dispatch_median_its_rows_do_not_give_back_is_a_named_mismatch():
    tables = {"tickets": DISPATCHED, "ticket_events": DISPATCH}
    card = _card("INT-DISPATCH", "dispatch_time", actual=2.0, denominator=3.0)
    rows = record_rows(DISPATCHED.iloc[:0], tables, card, PARAMS, "2026-10")
    assert levels.reconcile(card, rows)["reconciles"].all()
    wrong = card.assign(actual=2.5)
    assert levels.reconciliation_summary(levels.reconcile(wrong, rows))["mismatches"] == [
        "integrator INT-DISPATCH: actual 2.5 against 2 from the evidence"
    ]


def test_a_dispatch_level_counted_on_other_tickets_than_its_evidence_is_a_named_mismatch():
    # The median is right (2 h) but the card says it is over 4 tickets; the evidence lists 3.
    tables = {"tickets": DISPATCHED, "ticket_events": DISPATCH}
    card = _card("INT-DISPATCH", "dispatch_time", actual=2.0, denominator=4.0)
    rows = record_rows(DISPATCHED.iloc[:0], tables, card, PARAMS, "2026-10")
    assert levels.reconciliation_summary(levels.reconcile(card, rows))["mismatches"] == [
        "integrator INT-DISPATCH: numerator 0 against 0 in the evidence, denominator 4 against 3"
    ]


# Every supplier's register: CSI1 and CSI3 delivered in October (local time: CSI3 at
# 00:30 BST on 1 Oct is 30 Sep 23:30Z), CSI2 in September, CSI4 not delivered.
REGISTER = pd.DataFrame(
    {
        "improvement_id": ["CSI1", "CSI2", "CSI3", "CSI4"],
        "supplier_id": ["network", "euc", "integrator", "hosting"],
        "title": ["Runbook", "Self-heal", "Triage bot", "Patching"],
        "raised_at": _utc(["2026-06-01"] * 4),
        "approved_at": _utc([None] * 4),
        "delivered_at": _utc(["2026-10-14 12:00", "2026-09-20 12:00", "2026-09-30 23:30", None]),
    }
)


def test_delivery_rows_count_every_suppliers_improvement_delivered_in_the_local_month():
    rows = delivery_rows({"improvements": REGISTER}, PARAMS, "2026-10")
    assert sorted(rows["record_id"]) == ["CSI1", "CSI3"]
    card = _card("INT-CSI", "improvement_delivery", actual=2.0, denominator=2.0)
    rows = record_rows(
        REGISTER.iloc[:0], {"tickets": AGED, "improvements": REGISTER}, card, PARAMS, "2026-10"
    )
    assert levels.reconcile(card, rows)["reconciles"].all()
    assert levels.reconciliation_summary(levels.reconcile(card.assign(actual=3.0), rows))[
        "mismatches"
    ] == ["integrator INT-CSI: actual 3 against 2 from the evidence"]


def test_a_grey_dispatch_level_lists_nothing():
    tables = {"tickets": DISPATCHED, "ticket_events": DISPATCH}
    card = _card("INT-DISPATCH", "dispatch_time", actual=float("nan"), denominator=float("nan"))
    rows = record_rows(DISPATCHED.iloc[:0], tables, card, PARAMS, "2026-10")
    assert rows.empty
    assert levels.reconcile(card, rows).empty
