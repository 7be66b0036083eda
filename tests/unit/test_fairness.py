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


def _route_values() -> pd.DataFrame:
    # Keystone's estate-wide ping-pong: raw 3.65 %, adjusted 3.65 %; Summit's own rate:
    # 60 of the 337 tickets it touched bounced = 17.80 %, above the 5 % red-signal threshold.
    return pd.DataFrame(
        {
            "supplier_id": ["integrator", "integrator", "hosting", "euc"],
            "scope": [""] * 4,
            "measure": ["ping_pong_rate", "ping_pong_rate_raw", "ping_pong_rate"]
            + ["ping_pong_rate"],
            "value": [0.0365, 0.0365, 60 / 337, 4 / 400],
            "numerator": [73.0, 73.0, 60.0, 4.0],
            "denominator": [2000.0, 2000.0, 337.0, 400.0],
        }
    )


def test_estate_wide_route_rows_name_the_integrator_as_their_owner():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator")
    assert panel.routes["owner"].tolist() == ["integrator"]
    names = {"integrator": "Keystone", "hosting": "Summit"}
    html = render({"meta": {"supplier_names": names}, "frames": panel.frames()})
    assert "<td>Keystone (estate-wide)</td>" in html


def test_a_towers_panel_shows_its_own_ping_pong_rate_and_its_red_signal():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator", own="hosting")
    own = panel.routes[panel.routes["owner"] == "hosting"].iloc[0]
    assert own["raw"] == pytest.approx(100 * 60 / 337)  # 17.80 %
    assert own["note"].startswith("red signal: above the 5% threshold")
    names = {"integrator": "Keystone", "hosting": "Summit"}
    html = render({"meta": {"supplier_names": names}, "frames": panel.frames()})
    assert "<td>Summit (own tickets)</td>" in html and "17.8" in html


def test_an_own_ping_pong_rate_at_or_below_the_threshold_is_not_called_red():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator", own="euc")
    own = panel.routes[panel.routes["owner"] == "euc"].iloc[0]
    assert own["raw"] == pytest.approx(1.0)
    assert own["note"].startswith("at or below the 5% red-signal threshold")
