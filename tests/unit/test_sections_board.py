"""The board summary's rendered front page: the reports' precision, and only period causes."""

from __future__ import annotations

import pandas as pd

from siamlib import scorecard, sections_board


def _board() -> dict:
    cols = ["supplier_id", "service_level", "measure", "scope", "name", "unit", "direction"]
    cards = pd.DataFrame(
        [
            ["host", "AVAIL", "availability", "", "Service availability", "%", "higher"]
            + [99.5, 99.0, 98.646532, "red", 99.980736],
            ["net", "P2-RES", "sla_resolution_attainment", "priority=2"]
            + ["Resolution within target", "%", "higher", 90.0, 85.0, 86.956522, "amber", 95.8],
        ],
        columns=[*cols, "expected", "minimum", "actual", "rag", "previous_actual"],
    )
    league = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "supplier_name": ["Summit Hosting", "Meridian Networks"],
            "weighted_score": [53.9, 75.1],
        }
    )
    # An old problem still open on network's service, 334 links over its life and two
    # suppliers; none of them drove a miss this period.
    found = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "service": ["email", "vpn"],
            "kind": ["outage", "problem"],
            "ref": ["O1", "PRB49"],
            "when": pd.to_datetime(["2026-10-13 06:00", "2025-11-02 09:00"], utc=True),
            "hours": [30.25, 0.0],
            "incidents": [0, 334],
        }
    )
    causes = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "service_level": ["AVAIL", "P2-RES"],
            "cause_kind": ["outage", "problem"],
            "cause_id": ["O1", "PRB49"],
            "records": [1815, 28],
            "breached": [1815, 4],
            "drives_miss": [True, False],
        }
    )
    meta = {"period": "2026-10", "currency": "GBP", "timezone": "Europe/London"}
    meta["board_headline"] = scorecard.board_headline(pd.DataFrame(), pd.DataFrame())
    frames = {"league": league, "cards": cards, "drivers": found, "causes": causes}
    return {"meta": meta, "frames": frames}


def test_the_rendered_front_page_shows_the_reports_precision_and_only_period_causes():
    html = sections_board.front_page(_board())
    assert (
        "Service availability red at 98.65% against 99.5% expected (0.85 points short; worse "
        "than last month, 99.98%); main driver: an unplanned outage of email on 13 Oct (O1): "
        "1,815 minutes of downtime for Service availability." in html
    )
    assert (
        "Resolution within target, P2 amber at 86.96% against 90% expected (3.04 points "
        "short; worse than last month, 95.8%).</p>" in html
    )
    assert html.count("main driver") == 1
    assert "PRB49" not in html and "334" not in html
