"""The fairness panel: waived lines, small samples, designed-route share, alerts."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib.fairness import fairness_panel, route_figures
from siamlib.sections_fairness import fairness_panel as render


def _ledger():
    # hand-written to the interface agreed with the causes helper: line "waived", amount 0
    return pd.DataFrame(
        {
            "supplier_id": ["hosting", "hosting", "hosting"],
            "service_level": ["AVAIL", "P2-RES", "P3-RES"],
            "line": ["credit", "waived", "credit"],
            "amount": [7200.0, 0.0, 2880.0],
            "explanation": ["AVAIL 98.6% < 99%", "waived: same cause as AVAIL, outage OUT7", "x"],
            "cause_id": ["OUT7", "OUT7", ""],
        }
    )


def test_panel_lists_only_waived_lines_with_their_reason():
    panel = fairness_panel(ledger=_ledger())
    assert panel.waived["service_level"].tolist() == ["P2-RES"]
    assert panel.waived["explanation"].iloc[0].startswith("waived: same cause as AVAIL")
    assert "waived: same cause as AVAIL" in render({"meta": {}, "frames": panel.frames()})


def test_ledger_without_cause_column_still_gives_the_panel():
    panel = fairness_panel(ledger=_ledger().drop(columns=["cause_id"]))
    assert panel.waived["cause_id"].tolist() == [""]


def test_small_sample_levels_are_listed():
    cards = pd.DataFrame(
        {
            "supplier_id": ["euc", "euc"],
            "service_level": ["P1-RES", "P2-RES"],
            "name": ["a", "b"],
            "denominator": [2.0, 40.0],
            "scored_on": ["rolling 3 months (2026-08..2026-10)", "month"],
            "note": ["small sample: ...", ""],
            "small_sample": [True, False],
        }
    )
    assert fairness_panel(cards=cards).small["service_level"].tolist() == ["P1-RES"]


def test_designed_share_is_the_raw_moves_left_out():
    # raw 3099 handoffs over 1808 tickets, adjusted 299: designed (3099 - 299) / 3099
    v = pd.DataFrame(
        {
            "supplier_id": ["integrator"] * 2,
            "scope": ["", ""],
            "measure": ["cross_supplier_handoffs", "cross_supplier_handoffs_raw"],
            "value": [299 / 1808, 3099 / 1808],
            "numerator": [299.0, 3099.0],
            "denominator": [1808.0, 1808.0],
        }
    )
    r = route_figures(v, "integrator").iloc[0]
    assert r["designed_share"] == pytest.approx(2800 / 3099)
    assert r["adjusted"] <= r["raw"]


def test_clock_stop_alert_reaches_the_panel():
    ps = pd.DataFrame(
        {"supplier_id": ["euc"], "paused_share": [0.34], "pause_before_resolution_share": [0.64]}
    )
    panel = fairness_panel(paused_share=ps, supplier_names={"euc": "Harbour"})
    assert panel.alerts and panel.alerts[0].startswith("Clock-stop signal, Harbour")
