"""Level evidence: the tickets each SLA level counted, flags adding up to the scorecard."""

from __future__ import annotations

import pandas as pd

from siamlib.levels import LEVEL_COLUMNS, level_rows, record_rows
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()


def _utc(values):
    return pd.Series(pd.to_datetime(values, utc=True))


# April 2026, euc (completed denominator). T1 P3 met both clocks; T2 P3 resolved late, first
# response in time; T3 P4 answered late, resolved in time; T4 resolved in March (counts in no
# April level); T5 still open and late (not counted under "completed"); T6 cancelled.
CLOCKS = pd.DataFrame(
    {
        "ticket_id": ["T1", "T2", "T3", "T4", "T5", "T6"],
        "supplier_id": "euc",
        "priority": pd.array([3, 3, 4, 3, 3, 4], dtype="Int64"),
        "service": "laptops",
        "opened_at": _utc(
            ["2026-04-01 09:00"] * 3 + ["2026-03-02 09:00"] + ["2026-04-01 09:00"] * 2
        ),
        "first_response_at": _utc(
            ["2026-04-01 09:10"] * 2 + ["2026-04-02 09:00", "2026-03-02 09:10", None, None]
        ),
        "resolved_at": _utc(
            ["2026-04-01 12:00", "2026-04-20 12:00", "2026-04-03 12:00", "2026-03-03 12:00"]
            + [None, None]
        ),
        "status": ["closed", "resolved", "closed", "closed", "assigned", "cancelled"],
        "response_target_h": [2.0, 2.0, 4.0, 2.0, 2.0, 4.0],
        "resolution_target_h": [24.0, 24.0, 40.0, 24.0, 24.0, 40.0],
        "response_breached": [False, False, True, False, True, False],
        "resolution_breached": [False, True, False, False, True, False],
    }
)


def _card(*levels: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"supplier_id": "euc", "service_level": lv, "measure": m, "scope": sc}
            for lv, m, sc in levels
        ]
    )


def test_each_level_lists_the_tickets_it_counted_with_their_flags():
    card = _card(
        ("P3-RES", "sla_resolution_attainment", "priority=3"),
        ("RESPONSE", "sla_response_attainment", ""),
    )
    rows = level_rows(CLOCKS, card, PARAMS, "2026-04")
    assert list(rows.columns) == LEVEL_COLUMNS
    got = rows[["service_level", "ticket_id", "in_denominator", "in_numerator"]]
    # P3 resolution in April: T1 met, T2 late. Response, all priorities: T1, T2 met, T3 late;
    # T5 never answered, T4 answered in March, T6 cancelled.
    assert got.values.tolist() == [
        ["P3-RES", "T1", True, True],
        ["P3-RES", "T2", True, False],
        ["RESPONSE", "T1", True, True],
        ["RESPONSE", "T2", True, True],
        ["RESPONSE", "T3", True, False],
    ]
    assert rows.loc[rows["ticket_id"] == "T2", "breached"].tolist() == [True, False]


def test_levels_of_other_measures_have_no_rows():
    card = _card(("CSAT", "satisfaction", ""))
    assert level_rows(CLOCKS, card, PARAMS, "2026-04").empty


def test_a_level_in_a_scope_the_measure_does_not_count_lists_no_tickets():
    # sla_*_attainment is emitted per priority and overall only: a level scoped to a service
    # has no figure (grey, denominator missing), so it counts no ticket either.
    card = _card(("RES-LAPTOPS", "sla_resolution_attainment", "service=laptops"))
    assert level_rows(CLOCKS, card, PARAMS, "2026-04").empty


def test_record_rows_list_changes_and_problems_of_their_levels():
    # April 2026: C1 successful, C2 failed (both completed in April, euc), C3 still pending.
    # Problems: P1 proactive and P2 reactive opened in April, P3 proactive in March.
    changes = pd.DataFrame(
        {
            "change_id": ["C1", "C2", "C3"],
            "supplier_id": "euc",
            "change_type": ["normal", "emergency", "normal"],
            "outcome": ["successful", "failed", "pending"],
            "actual_end": _utc(["2026-04-10 12:00", "2026-04-11 12:00", None]),
        }
    )
    problems = pd.DataFrame(
        {
            "problem_id": ["P1", "P2", "P3"],
            "origin": ["proactive", "reactive", "proactive"],
            "opened_at": _utc(["2026-04-02 09:00", "2026-04-03 09:00", "2026-03-03 09:00"]),
        }
    )
    card = pd.DataFrame(
        {
            "supplier_id": ["euc", "integrator"],
            "service_level": ["CHANGE", "INT-PROACTIVE"],
            "measure": ["change_success_rate", "proactive_problem_share"],
            "scope": ["", ""],
        }
    )
    tables = {"tickets": CLOCKS, "changes": changes, "problems": problems}
    rows = record_rows(CLOCKS.iloc[:0], tables, card, PARAMS, "2026-04")
    got = rows[["service_level", "record_kind", "record_id", "in_denominator", "in_numerator"]]
    assert got.values.tolist() == [
        ["CHANGE", "change", "C1", True, True],
        ["CHANGE", "change", "C2", True, False],
        ["INT-PROACTIVE", "problem", "P1", True, True],
        ["INT-PROACTIVE", "problem", "P2", True, False],
    ]
