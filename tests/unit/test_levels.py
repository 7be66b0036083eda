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
    # The integrator's aged-ticket reduction (weighted +1/-1), dispatch median and
    # improvements delivered are checked too, each on the rows the compute stage kept.
    integ = rec[rec["supplier_id"] == "integrator"].set_index("service_level")
    assert {"INT-AGED", "INT-DISPATCH", "INT-CSI"} <= set(integ.index)
    assert integ.loc["INT-AGED", "denominator"] > 0 and integ.loc["INT-CSI", "actual"] > 0
    assert rec["reconciles"].all(), rec[~rec["reconciles"]]


# ----------------------------------------- small samples scored on a rolling window ----
# euc's P1-RES has min_volume 10 and the contract scores small samples on rolling 3 months
# (tests/fixtures/params/contracts/euc.yaml). P1 tickets of euc, each resolved mid-month:
#   August 2026     A1..A8: A8 late                     -> 7 met of 8 (target then 8 h)
#   September 2026  S1..S4: all in time                 -> 4 met of 4
#   October 2026    O1 in time, O2 late                 -> 1 met of 2: a small sample (2 < 10)
# October is scored on August..October: (7 + 4 + 1) / (8 + 4 + 2) = 12 / 14 = 85.71 %.
# Not in the window: J1 (euc P1, July), S5 (euc P2, September), N1 (network P1, September).
# Reopened: A1 and O2. With REOPEN given min_volume 10 too, it counts every euc ticket
# resolved: October 1 of 2 (O2) is small, August..October (1 + 0 + 1) / (8 + 5 + 2) = 2 / 15.
_ROLL_IDS = [f"A{i}" for i in range(1, 9)] + [f"S{i}" for i in range(1, 5)] + ["O1", "O2"]
_ROLL_IDS += ["J1", "S5", "N1"]
_ROLL_DAYS = ["2026-08-12"] * 8 + ["2026-09-15"] * 4 + ["2026-10-14"] * 2
_ROLL_DAYS += ["2026-07-15", "2026-09-15", "2026-09-15"]


def _rolling_clocks() -> pd.DataFrame:
    late = {"A8", "O2"}
    return pd.DataFrame(
        {
            "ticket_id": _ROLL_IDS,
            "supplier_id": ["euc"] * 16 + ["network"],
            "priority": pd.array([1] * 15 + [2, 1], dtype="Int64"),
            "service": "laptops",
            "opened_at": _utc([f"{d} 09:00" for d in _ROLL_DAYS]),
            "first_response_at": _utc([f"{d} 09:10" for d in _ROLL_DAYS]),
            "resolved_at": _utc(
                [
                    f"{d} {'18' if t in late else '11'}:00"
                    for d, t in zip(_ROLL_DAYS, _ROLL_IDS, strict=True)
                ]
            ),
            "status": "closed",
            "response_target_h": 1.0,
            # The P1 resolution target was 8 h until September, 4 h since: each ticket counts
            # against its own clock's target, as its month's figure counted it.
            "resolution_target_h": [8.0] * 8 + [4.0] * 9,
            "response_breached": False,
            "resolution_breached": [t in late for t in _ROLL_IDS],
            "reopen_count": [int(t in {"A1", "O2"}) for t in _ROLL_IDS],
        }
    )


def _rolling_card(clocks: pd.DataFrame, notes=None, params=PARAMS) -> pd.DataFrame:
    """euc's October card scored by siamlib.scorecard on the measures' own values."""
    from siamlib import scorecard
    from siamlib.completeness import blank_values
    from siamlib.measures.tower import reopen_rate, sla_attainment

    months = ["2026-07", "2026-08", "2026-09", "2026-10"]
    sla = sla_attainment(clocks, months, params=params, by=["supplier_id", "priority"])
    sla = sla.assign(
        measure="sla_resolution_attainment", scope="priority=" + sla["priority"].astype(str)
    )
    reopen = reopen_rate(clocks, months, tz=params.estate.timezone).assign(
        measure="reopen_rate", scope=""
    )
    values = pd.concat([sla, reopen], ignore_index=True)[
        ["supplier_id", "period", "measure", "scope", "value", "numerator", "denominator"]
    ]
    if notes is not None:  # as the workbook does: noted months are blank before scoring
        values = blank_values(values, notes)
    card = scorecard.scorecard(values, params, "euc", "2026-10", notes=notes)
    return card[card["measure"].isin(["sla_resolution_attainment", "reopen_rate"])]


def _sums(rows: pd.DataFrame) -> tuple[int, int]:
    return int(rows["in_numerator"].sum()), int(rows["in_denominator"].sum())


def test_a_small_sample_scored_on_its_window_lists_every_month_of_it():
    clocks = _rolling_clocks()
    card = _rolling_card(clocks)
    p1 = card.set_index("service_level").loc["P1-RES"]
    assert p1["scored_on"] == "rolling 3 months (2026-08..2026-10)"
    assert (p1["numerator"], p1["denominator"]) == (1, 2)
    assert (p1["scored_numerator"], p1["scored_denominator"]) == (12, 14)
    rows = level_rows(clocks, card, PARAMS, "2026-10", windows=True)
    mine = _frame(rows, "P1-RES")
    assert list(zip(mine["period"], mine["ticket_id"], mine["in_numerator"], strict=True)) == [
        *(("2026-08", f"A{i}", i != 8) for i in range(1, 9)),
        *(("2026-09", f"S{i}", True) for i in range(1, 5)),
        ("2026-10", "O1", True),
        ("2026-10", "O2", False),
    ]
    assert _sums(mine) == (12, 14)  # the scored counts
    assert _sums(mine[mine["period"] == "2026-10"]) == (1, 2)  # the month's
    # A level scored on its month lists that month only (P2-RES: S5 is September's), and so
    # does every level without windows (the month's rows, as siamlib.causes reads them).
    assert _frame(rows, "P2-RES").empty
    month_only = level_rows(clocks, card, PARAMS, "2026-10")
    assert set(month_only["period"]) == {"2026-10"}
    assert _sums(_frame(month_only, "P1-RES")) == (1, 2)


def test_a_window_month_the_notes_blank_lists_nothing():
    # September noted (e.g. only partly inside the data window): its values are blank, so the
    # window adds August and October: (7 + 1) / (8 + 2) = 8 / 10, still the minimum volume.
    notes = pd.DataFrame(
        {"period": ["2026-09"], "measure": ["sla_resolution_attainment"], "note": ["noted"]}
    )
    clocks = _rolling_clocks()
    card = _rolling_card(clocks, notes)
    p1 = card.set_index("service_level").loc["P1-RES"]
    assert (p1["scored_numerator"], p1["scored_denominator"]) == (8, 10)
    rows = _frame(level_rows(clocks, card, PARAMS, "2026-10", windows=True, notes=notes), "P1-RES")
    assert sorted(set(rows["period"])) == ["2026-08", "2026-10"]
    assert _sums(rows) == (8, 10)


def _with_reopen_min_volume():
    c = PARAMS.contracts["euc"]
    sls = [
        sl.model_copy(update={"min_volume": 10}) if sl.id == "REOPEN" else sl
        for sl in c.service_levels
    ]
    contracts = {**PARAMS.contracts, "euc": c.model_copy(update={"service_levels": sls})}
    return PARAMS.model_copy(update={"contracts": contracts})


def test_the_levels_file_reconciles_with_the_scored_counts_and_names_a_dropped_window_row():
    params = _with_reopen_min_volume()
    clocks = _rolling_clocks()
    card = _rolling_card(clocks, params=params)
    reopen = card.set_index("service_level").loc["REOPEN"]
    assert (reopen["scored_numerator"], reopen["scored_denominator"]) == (2, 15)
    tables = {"tickets": clocks}
    rows = record_rows(clocks, tables, card, params, "2026-10", windows=True)
    assert _sums(_frame(rows, "REOPEN")) == (2, 15)
    assert _frame(rows, "REOPEN")["period"].value_counts().sort_index().tolist() == [8, 5, 2]
    assert _sums(_frame(rows, "P1-RES")) == (12, 14)
    assert levels.reconcile(card, rows)["reconciles"].all()
    # The month's rows alone (the evidence before small samples listed their window) do not
    # back the figure: the check names what the figure rests on.
    month_only = record_rows(clocks, tables, card, params, "2026-10")
    summary = levels.reconciliation_summary(levels.reconcile(card, month_only))
    assert summary["mismatches"] == [
        "euc P1-RES: scored numerator 12 against 1 in the evidence of all its months, scored "
        "denominator 14 against 2",
        "euc REOPEN: scored numerator 2 against 1 in the evidence of all its months, scored "
        "denominator 15 against 2",
    ]
    dropped = rows[~((rows["service_level"] == "P1-RES") & (rows["record_id"] == "A3"))]
    summary = levels.reconciliation_summary(levels.reconcile(card, dropped))
    assert summary["mismatches"] == [
        "euc P1-RES: scored numerator 12 against 11 in the evidence of all its months, scored "
        "denominator 14 against 13"
    ]
    # A month row gone breaks both checks.
    dropped = rows[~((rows["service_level"] == "P1-RES") & (rows["record_id"] == "O2"))]
    summary = levels.reconciliation_summary(levels.reconcile(card, dropped))
    assert summary["mismatches"] == [
        "euc P1-RES: numerator 1 against 1 in the evidence, denominator 2 against 1; scored "
        "numerator 12 against 12 in the evidence of all its months, scored denominator 14 "
        "against 13"
    ]
