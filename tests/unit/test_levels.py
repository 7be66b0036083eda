"""Level evidence: the tickets each SLA level counted, flags adding up to the scorecard."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import levels
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


# ---------------------------------------------- weighted levels: availability, satisfaction ----
def _frame(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    return rows[rows["service_level"] == level].reset_index(drop=True)


def _figure(rows: pd.DataFrame) -> float:
    """The level's figure as a reader recomputes it: SUM(adds_to_numerator) / SUM(adds_to_...)."""
    return rows["adds_to_numerator"].sum() / rows["adds_to_denominator"].sum()


# April 2026 in Europe/London: 2026-03-31T23:00Z to 2026-04-30T23:00Z, 30 days of 24x7 =
# 43,200 agreed minutes for each of hosting's three services (email, storage, erp-hosting):
# 129,600 in all.
#   O1 email unplanned 10 Apr 01:00-04:00Z: 180 min.
#   O2 email unplanned 10 Apr 03:00-05:00Z: 120 min, 60 of them already O1's -> adds 60.
#   O3 email planned   12 Apr 00:00-02:00Z: a window, counts nothing.
#   O4 email unplanned 12 Apr 01:00-03:00Z: 120 min, 60 inside O3's window -> 60.
#   O5 storage unplanned 31 Mar 22:00-23:30Z: 30 min inside April.
#   O6 storage unplanned from 30 Apr 22:00Z, still running: 60 min to the period end.
#   O7 email unplanned in March only: not in April, not listed.
# Downtime: email 180 + 60 + 60 = 300, storage 30 + 60 = 90, erp-hosting 0; 390 in all.
# AVAIL = (129,600 - 390) / 129,600 = 129,210 / 129,600 = 99.6991 %;
# AVAIL-EMAIL (scope service=email) = (43,200 - 300) / 43,200 = 99.3056 %.
OUTAGES = pd.DataFrame(
    {
        "outage_id": ["O1", "O2", "O3", "O4", "O5", "O6", "O7"],
        "service": ["email"] * 4 + ["storage"] * 2 + ["email"],
        "supplier_id": "hosting",
        "start_at": _utc(
            ["2026-04-10 01:00", "2026-04-10 03:00", "2026-04-12 00:00", "2026-04-12 01:00"]
            + ["2026-03-31 22:00", "2026-04-30 22:00", "2026-03-10 01:00"]
        ),
        "end_at": _utc(
            ["2026-04-10 04:00", "2026-04-10 05:00", "2026-04-12 02:00", "2026-04-12 03:00"]
            + ["2026-03-31 23:30", None, "2026-03-10 02:00"]
        ),
        "planned": pd.array([False, False, True, False, False, False, False], dtype="boolean"),
    }
)


def _hosting_card() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier_id": "hosting",
            "service_level": ["AVAIL", "AVAIL-EMAIL"],
            "measure": "availability",
            "scope": ["", "service=email"],
        }
    )


def test_availability_lists_agreed_minutes_per_service_and_each_outage_counted_once():
    rows = record_rows(
        CLOCKS.iloc[:0], {"tickets": CLOCKS, "outages": OUTAGES}, _hosting_card(), PARAMS, "2026-04"
    )
    avail = _frame(rows, "AVAIL")
    got = avail[["record_kind", "record_id", "minutes", "adds_to_numerator"]]
    assert got.values.tolist() == [
        ["service", "email", 43200.0, 43200.0],
        ["outage", "O1", 180.0, -180.0],
        ["outage", "O2", 60.0, -60.0],
        ["outage", "O3", 0.0, 0.0],
        ["outage", "O4", 60.0, -60.0],
        ["service", "erp-hosting", 43200.0, 43200.0],
        ["service", "storage", 43200.0, 43200.0],
        ["outage", "O5", 30.0, -30.0],
        ["outage", "O6", 60.0, -60.0],
    ]
    assert avail["adds_to_denominator"].sum() == 129_600
    assert avail["adds_to_numerator"].sum() == pytest.approx(129_210)
    assert _figure(avail) == pytest.approx(129_210 / 129_600)
    why = avail.set_index("record_id")["reason"]
    assert "60.00 already counted for an earlier outage" in why["O2"]
    assert "60.00 inside a planned window" in why["O4"]
    assert why["O3"].startswith("planned window")
    assert "still running" in why["O6"]
    email = _frame(rows, "AVAIL-EMAIL")
    assert set(email["service"]) == {"email"}
    assert _figure(email) == pytest.approx((43_200 - 300) / 43_200)


def test_availability_rows_add_up_to_the_measure_figure():
    from siamlib.measures.tower import availability

    rows = record_rows(
        CLOCKS.iloc[:0], {"tickets": CLOCKS, "outages": OUTAGES}, _hosting_card(), PARAMS, "2026-04"
    )
    a = availability(OUTAGES, "2026-04", PARAMS)
    a = a[a["supplier_id"] == "hosting"]
    card = (
        _hosting_card()
        .iloc[:1]
        .assign(numerator=a["numerator"].sum(), denominator=a["denominator"].sum())
    )
    rec = levels.reconcile(card, rows)
    assert rec[["service_level", "reconciles"]].values.tolist() == [["AVAIL", True]]
    assert rec["evidence_numerator"].item() == pytest.approx(129_210)


def test_a_grey_availability_level_lists_nothing_and_so_reconciles():
    # No outages table: the level is grey (numerator and denominator blanked, see
    # siamlib.completeness), so its agreed minutes are not listed against an empty figure.
    card = _hosting_card().iloc[:1].assign(numerator=float("nan"), denominator=float("nan"))
    rows = record_rows(CLOCKS.iloc[:0], {"tickets": CLOCKS}, card, PARAMS, "2026-04")
    assert rows.empty
    assert levels.reconcile(card, rows)["reconciles"].all()


# euc, April 2026. Surveys: R1 4 and R2 5 (counted), R3 no score (listed, left out), R4 a
# 360 collaboration rating and R5 of March (neither listed). Closure scores: T1 (closed in
# April) 3, counted; T6 cancelled in April with a score 1, left out; T2 (no score) and T4
# (resolved in March) not listed. CSAT = (4 + 5 + 3) / 3 = 4.0.
SURVEYS = pd.DataFrame(
    {
        "response_id": ["R1", "R2", "R3", "R4", "R5"],
        "supplier_id": "euc",
        "period": ["2026-04"] * 4 + ["2026-03"],
        "survey_type": ["satisfaction"] * 3 + ["collaboration", "satisfaction"],
        "respondent": ["customer"] * 3 + ["network", "customer"],
        "score": [4.0, 5.0, None, 1.0, 2.0],
    }
)


def test_satisfaction_lists_every_response_with_its_score_and_whether_it_counted():
    tickets = CLOCKS.assign(
        satisfaction=[3.0, None, None, 5.0, None, 1.0],
        resolved_at=CLOCKS["resolved_at"].fillna(pd.Timestamp("2026-04-02 09:00", tz="UTC")),
    )
    card = _card(("CSAT", "satisfaction", ""))
    rows = record_rows(
        CLOCKS.iloc[:0], {"tickets": tickets, "surveys": SURVEYS}, card, PARAMS, "2026-04"
    )
    got = rows[["record_kind", "record_id", "score", "in_denominator", "adds_to_numerator"]]
    got = got.fillna({"score": -1.0})
    assert got.values.tolist() == [
        ["survey", "R1", 4.0, True, 4.0],
        ["survey", "R2", 5.0, True, 5.0],
        ["survey", "R3", -1.0, False, 0.0],  # no score
        ["ticket", "T1", 3.0, True, 3.0],
        ["ticket", "T6", 1.0, False, 0.0],
    ]
    assert rows["reason"].tolist()[2:] == [
        "no score: left out",
        "closure survey of a ticket resolved in 2026-04",
        "ticket cancelled: left out",
    ]
    from siamlib.measures.tower import satisfaction

    want = satisfaction(SURVEYS, tickets, "2026-04", tz=PARAMS.estate.timezone).iloc[0]
    assert (rows["adds_to_numerator"].sum(), rows["adds_to_denominator"].sum()) == (12.0, 3.0)
    assert (want["numerator"], want["denominator"]) == (12.0, 3.0)
    assert _figure(rows) == want["value"] == 4.0


def test_a_weighted_row_missing_from_the_evidence_is_a_named_mismatch():
    rows = record_rows(
        CLOCKS.iloc[:0], {"tickets": CLOCKS, "outages": OUTAGES}, _hosting_card(), PARAMS, "2026-04"
    )
    card = _hosting_card().iloc[:1].assign(numerator=129_210.0, denominator=129_600.0)
    assert levels.reconcile(card, rows)["reconciles"].all()
    dropped = rows[rows["record_id"] != "O1"]  # 180 minutes of downtime gone
    summary = levels.reconciliation_summary(levels.reconcile(card, dropped))
    assert summary["mismatches"] == [
        "hosting AVAIL: numerator 129210 against 129390 in the evidence, denominator 129600 "
        "against 129600"
    ]


# ------------------------------------------------------------------- on the demo estate ----
def test_every_availability_and_satisfaction_figure_is_recomputed_from_its_evidence(tmp_path):
    from siamlib import demo
    from siamlib.workbook import compute_period, write_evidence

    folder = demo.write_demo(tmp_path / "estate", n_tickets=3000)
    work = compute_period(folder, PARAMS, "2026-10", validate=False)
    # What a supplier does with a spreadsheet: its levels CSV, SUM(adds_to_numerator) /
    # SUM(adds_to_denominator) per level, against the actual on its scorecard CSV.
    checked = set()
    for s in work.params.estate.towers:
        write_evidence(work, s.id, tmp_path)
        card = pd.read_csv(tmp_path / f"{s.id}-2026-10-scorecard.csv", encoding="utf-8-sig")
        rows = pd.read_csv(tmp_path / f"{s.id}-2026-10-levels.csv", encoding="utf-8-sig")
        assert set(rows["supplier_id"]) == {s.id}
        for level in card[card["measure"].isin(["availability", "satisfaction"])].itertuples():
            mine = _frame(rows, level.service_level)
            scale = 100 if level.measure == "availability" else 1
            assert len(mine) and _figure(mine) * scale == pytest.approx(level.actual, abs=1e-9)
            checked.add((s.id, level.measure))
    assert len(checked) == 9  # four towers with AVAIL, five with CSAT
    # The manifest's check (siamlib.batch): every one of them, and the integrator's handoff
    # and 360 levels, reconciles with its evidence rows.
    cards = pd.concat(work.cards.values(), ignore_index=True)
    rec = levels.reconcile(cards, work.evidence("board-summary")["levels"])
    weighted = ["availability", "satisfaction", "cross_supplier_handoffs", "collaboration_score"]
    assert len(rec[rec["measure"].isin(weighted)]) == cards["measure"].isin(weighted).sum() == 11
    assert rec["reconciles"].all(), rec[~rec["reconciles"]]
