"""Report sections: the data behind each chart and table is the figure it stands for."""

from __future__ import annotations

import pandas as pd

from siamlib import sections
from siamlib.measures.improvement import register_throughput


def _ts(*values):
    return pd.to_datetime(list(values), utc=True)


# Three entries in March 2026: net raised 2 (one approved and delivered), host raised 1.
REGISTER = pd.DataFrame(
    {
        "improvement_id": ["I1", "I2", "I3"],
        "supplier_id": ["net", "net", "host"],
        "raised_at": _ts("2026-03-03", "2026-03-04", "2026-03-10"),
        "approved_at": _ts("2026-03-05", None, None),
        "delivered_at": _ts("2026-03-20", None, None),
    }
)


def _bundle(frames: dict) -> dict:
    meta = {"period": "2026-03", "currency": "GBP", "timezone": "Europe/London"}
    return {"meta": meta, "frames": frames}


def test_improvement_chart_counts_each_register_entry_once():
    # The throughput frame carries an estate-total row besides net and host; the chart's bars
    # must add up to the register itself: 3 raised, 1 approved, 1 delivered in March.
    thr = register_throughput(REGISTER, ["2026-03"], tz="UTC")
    chart = sections.improvements_chart(_bundle({"improvements": thr}))
    bars = chart.data.set_index("stage")["initiatives"]
    assert bars.to_dict() == {"approved": 1, "delivered": 1, "raised": 3}


def test_trends_table_names_the_level_and_the_local_monday_of_each_trend():
    week = pd.Timestamp("2026-05-31 23:00", tz="UTC")  # Monday 1 June 00:00 in London (BST)
    tr = pd.DataFrame(
        {
            "by": ["ci"],
            "key": ["vpn-03"],
            "start_week": [week],
            "detected_week": [week + pd.Timedelta(weeks=1)],
            "end_week": [week + pd.Timedelta(weeks=3)],
            "weeks": [4],
            "peak_week": [week],
            "peak_count": [30],
            "baseline_mean": [6.0],
            "threshold": [13.3],
            "problem_id": [None],
            "problem_opened_at": [pd.NaT],
            "lag_days": [float("nan")],
            "response": ["no problem raised"],
        }
    )
    html = sections.trends_table(_bundle({"trend_response": tr}))
    assert "configuration item" in html and "vpn-03" in html and "2026-06-01" in html
    empty = sections.trends_table(_bundle({"trend_response": tr.iloc[:0]}))
    assert "No incident trends" in empty


def test_scope_table_shows_each_suppliers_conformance_in_per_cent():
    sc = pd.DataFrame(
        {
            "supplier_id": ["hosting"],
            "period": ["2026-03"],
            "work_items": [40],
            "in_scope": [30],
            "out_of_scope": [10],
            "out_of_scope_share": [0.25],
            "conformance": [0.75],
        }
    )
    html = sections.scope_table(_bundle({"scope_conformance": sc}))
    assert "hosting" in html and ">75<" in html and "75.0" not in html
    assert "No work items" in sections.scope_table(_bundle({}))
