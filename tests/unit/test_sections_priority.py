"""The attainment-by-priority chart: a level scored on a rolling window (a small sample) is
drawn at the figure the scorecard scored it on, labelled with its window, never as its month
alone; the chart's title travels with the layered chart (the email's alt text, the page's
label)."""

from __future__ import annotations

import pandas as pd

from siamlib import mailrender, sections

RES, RESP = "sla_resolution_attainment", "sla_response_attainment"


def _bundle() -> dict:
    # Meridian's P1 in the demo: 1 of 2 within target in the month (50%), but scored on three
    # months, 14 of 15 (93.33%, amber); P2 scored on its month, 40 of 46 (86.96%).
    values = pd.DataFrame(
        {
            "period": "2026-10",
            "measure": [RES, RES, RESP],
            "scope": ["priority=1", "priority=2", "priority=1"],
            "value": [1 / 2, 40 / 46, 1.0],
            "denominator": [2, 46, 2],
        }
    )
    card = pd.DataFrame(
        {
            "measure": [RES, RES],
            "scope": ["priority=1", "priority=2"],
            "unit": ["%", "%"],
            "rag": ["amber", "amber"],
            "actual": [14 / 15 * 100, 40 / 46 * 100],
            "scored_on": ["rolling 3 months (2026-08..2026-10)", "month"],
            "scored_numerator": [14.0, 40.0],
            "scored_denominator": [15.0, 46.0],
        }
    )
    return {"meta": {"period": "2026-10"}, "frames": {"values": values, "scorecard": card}}


def _rows(spec: dict) -> dict:
    return {(r["priority"], r["clock"]): r for r in spec["datasets"][spec["data"]["name"]]}


def test_a_level_scored_on_a_rolling_window_is_drawn_at_its_scored_figure_not_its_month():
    spec = sections.sla_priority_chart(_bundle()).to_dict()
    rows = _rows(spec)
    p1 = rows["P1", "resolution"]
    assert round(p1["attainment %"], 2) == 93.33  # the scorecard's 14 of 15, not 1 of 2 (50%)
    assert p1["window"] == "3 months\nrolling:\n14 of 15"
    assert p1["scored on"] == "rolling 3 months (2026-08..2026-10)"
    assert round(rows["P2", "resolution"]["attainment %"], 2) == 86.96  # its month: unchanged
    assert rows["P2", "resolution"]["window"] == ""
    assert rows["P1", "response"]["attainment %"] == 100.0  # no level of its own: measured
    assert "not its month alone" in spec["title"]["subtitle"]


def test_the_drawn_chart_labels_the_window_inside_its_bar():
    import vl_convert

    svg = vl_convert.vegalite_to_svg(sections.sla_priority_chart(_bundle()).to_dict())
    assert ">14 of 15<" in svg and ">3 months<" in svg and "not its month alone" in svg


def test_a_chart_of_months_alone_has_no_subtitle():
    b = _bundle()
    b["frames"]["scorecard"]["scored_on"] = "month"
    title = sections.sla_priority_chart(b).to_dict()["title"]
    assert title == {"text": "Within target by priority, 2026-10 (% of tickets completed)"}


def test_the_emails_image_of_the_chart_is_named_by_its_title_not_its_function():
    bundle = {**_bundle(), "meta": {"period": "2026-10", "role": "tower"}}
    names = {n: t for n, t, _ in mailrender.chart_pngs(bundle)}
    assert names["sla_priority_chart"] == (
        "Within target by priority, 2026-10 (% of tickets completed)"
    )


def test_a_scored_zero_is_written_where_its_invisible_bar_would_be():
    # The real log's euc in 2016-10: response 0 of 11 within target (red, scored), beside a
    # 2.56 % resolution bar. A 0 % bar has no height, so the chart read as if response had no
    # figure; it now says "0%" in the bar's place, and a grey level still says "not scored".
    b = _bundle()
    b["frames"]["values"].loc[2, "value"] = 0.0  # P1 response: 0 of 2
    rows = _rows(sections.sla_priority_chart(b).to_dict())
    assert rows["P1", "response"]["status"] == "0%"
    assert rows["P1", "response"]["attainment %"] == 0.0
    assert rows["P2", "resolution"]["status"] == ""  # a visible bar has no words
