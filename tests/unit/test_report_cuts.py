"""siamlib.report_cuts: one report's view of the period's frames (the board's data-quality
table here: its ``stopped`` column is the run's decision, siamlib.gate.stopped_reports)."""

from __future__ import annotations

import pandas as pd

from siamlib import evidence, quality
from siamlib import report_cuts as cuts
from tests.fixtures.fixture_params import fixture_params
from tests.unit.test_quality import WINDOW, bad_tables, good_tables

PARAMS = fixture_params()
SUPPLIERS = [s.id for s in PARAMS.estate.suppliers]


def test_the_boards_stopped_column_says_stopped_for_a_supplier_whose_month_has_no_data():
    # Every rule passes; euc's report is stopped by completeness alone (no data for the month).
    result = quality.validate(good_tables(), PARAMS, WINDOW, period="2026-01")
    incomplete = {"euc": "no rows in tickets for 2026-01: the data of the month is missing"}
    scores = cuts.quality_scores(result, PARAMS, "2026-01", incomplete)
    assert dict(zip(scores["supplier_id"], scores["stopped"], strict=True)) == {
        s: s == "euc" for s in SUPPLIERS
    }
    assert scores.loc[scores["supplier_id"] == "euc", "score"].item() == 100.0


def test_the_boards_stopped_column_marks_the_integrator_stopped_by_a_towers_blocking_row():
    # INC2, network's, has priority 7 (TKT-015, blocking): network's own report, and the
    # integrator's, whose estate-wide levels read every supplier's tickets.
    result = quality.validate(bad_tables("TKT-015"), PARAMS, WINDOW, period="2026-01")
    scores = cuts.quality_scores(result, PARAMS, "2026-01", {})
    stopped = dict(zip(scores["supplier_id"], scores["stopped"], strict=True))
    assert stopped == {s: s in ("integrator", "network") for s in SUPPLIERS}


def test_the_boards_exclusions_are_counted_and_named_per_supplier_in_estate_order():
    import pandas as pd

    excluded = pd.DataFrame(
        {"ticket_id": ["INC0000777", "INC0000042", "INC0000043"]}
        | {"supplier_id": ["network", "hosting", "hosting"]}
    )
    got = cuts.exclusions_by_supplier(excluded, SUPPLIERS)
    assert got.values.tolist() == [
        ["hosting", 2, "INC0000042, INC0000043"],
        ["network", 1, "INC0000777"],
    ]
    assert cuts.exclusions_by_supplier(excluded.iloc[:0], SUPPLIERS).empty


def test_another_suppliers_ticket_in_a_towers_out_of_scope_list_says_why_its_id_is_missing():
    # Hosting worked on INC2 (network's ticket) out of scope: the row counts (2 rows, as the
    # conformance figure), its id is withheld, and the cell says both; its own INC1 keeps its
    # id, and a change is its own record whatever the ticket table says.
    items = pd.DataFrame(
        {"kind": ["incident", "incident", "change"], "record_id": ["INC1", "INC2", "CHG9"]}
    )
    tickets = pd.DataFrame({"ticket_id": ["INC1", "INC2"], "supplier_id": ["hosting", "network"]})
    out = cuts.mask_foreign_records(items, tickets, "hosting")
    assert out["record_id"].tolist() == [
        "INC1",
        "(another supplier's ticket: id withheld, row still counted)",
        "CHG9",
    ]
    # the workbook's contents sheet says the same, and why
    about = evidence.EVIDENCE["out_of_scope_work"]
    assert cuts.FOREIGN_RECORD in about
    assert "never carry another supplier's ticket ids" in about and "counts" in about
