"""siamlib.levels.reconcile: each record-counted level against the sums of its evidence rows."""

import pandas as pd

from siamlib import levels
from siamlib.batch import RunResult


def _cards() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier_id": ["euc", "euc", "euc"],
            "service_level": ["P3-RES", "REOPEN", "AVAIL"],
            "measure": ["sla_resolution_attainment", "reopen_rate", "availability"],
            "numerator": [2.0, None, 40.0],
            "denominator": [3.0, None, 42.0],
        }
    )


def test_levels_whose_rows_sum_to_the_card_reconcile_and_others_are_named():
    # P3-RES: 3 tickets counted, 2 met -> reconciles. REOPEN: nothing counted on the card
    # (missing = 0) but one row in the evidence -> does not. AVAIL is not record-counted.
    records = pd.DataFrame(
        {
            "supplier_id": "euc",
            "service_level": ["P3-RES", "P3-RES", "P3-RES", "REOPEN"],
            "in_denominator": [True, True, True, True],
            "in_numerator": [True, True, False, False],
        }
    )
    rec = levels.reconcile(_cards(), records)
    assert rec.set_index("service_level")["reconciles"].to_dict() == {
        "P3-RES": True,
        "REOPEN": False,
    }
    summary = levels.reconciliation_summary(rec)
    assert (summary["levels_checked"], summary["levels_reconciled"]) == (2, 1)
    assert summary["mismatches"] == [
        "euc REOPEN: numerator 0 against 0 in the evidence, denominator 0 against 1"
    ]


def test_a_run_whose_evidence_does_not_back_a_figure_exits_one():
    ok = RunResult("2026-10", "r", "f", reconciliation={"mismatches": []})
    bad = RunResult("2026-10", "r", "f", reconciliation={"mismatches": ["euc REOPEN: ..."]})
    assert (ok.exit_code, bad.exit_code) == (0, 1)
