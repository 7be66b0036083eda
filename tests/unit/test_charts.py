"""Charts carry their meaning: each level's small trend shows its target and minimum."""

from __future__ import annotations

import altair as alt
import nbformat
import pandas as pd
import pytest

from siamlib import charts


def _trend() -> pd.DataFrame:
    # Two levels over two months; A misses its minimum (88 < 90) in 2026-10.
    return pd.DataFrame(
        {
            "service_level": ["A", "A", "B", "B"],
            "unit": ["%", "%", "h", "h"],
            "period": ["2026-09", "2026-10"] * 2,
            "actual": [91.0, 88.0, 3.0, 2.5],
            "expected": [95.0, 95.0, 4.0, 4.0],
            "minimum": [90.0, 90.0, 6.0, 6.0],
            "rag": ["amber", "red", "green", "green"],
        }
    )


def test_level_trends_draw_target_and_minimum_lines_in_one_panel_per_level():
    spec = charts.level_trends(_trend(), "T").to_dict()
    layers = spec["spec"]["layer"]
    fields = [layer["encoding"]["y"].get("field") for layer in layers[:5]]
    # the fifth layer: months not scored, at the panel's foot (no field, a pixel place)
    assert fields == ["expected", "minimum", "actual", "actual", None]
    assert layers[5]["encoding"]["text"]["field"] == "panel_note"  # words for an empty panel
    assert spec["facet"]["field"] == "level"
    assert spec["resolve"]["scale"]["y"] == "independent"  # levels have different units
    levels = {row["level"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert levels == {"A (%)", "B (h)"}


def test_level_trends_render_to_png():
    png = charts.to_png(charts.level_trends(_trend(), "T"), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_outlines_only_the_worst_pair_and_starts_its_scale_at_zero():
    # 9 handoffs x->y is the worst pair; 3 y->x is not.
    d = pd.DataFrame({"a": ["x", "y"], "b": ["y", "x"], "n": [3, 9]})
    spec = charts.heatmap(d, "a", "b", "n", "T", ["a", "b", "n"]).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert [r["_worst"] for r in rows] == [False, True]
    cells, worst, labels = spec["layer"]
    assert cells["encoding"]["color"]["scale"]["domainMin"] == 0
    assert worst["transform"] == [{"filter": "datum._worst"}]
    assert labels["encoding"]["text"]["field"] == "n"


def test_level_trends_show_one_panel_per_level_name_and_date_a_level_reissued_in_the_window():
    # Hosting's P2 resolution level was re-issued from 2026-07 as P2-RES-2026H2 (expected 90
    # -> 92): one measure, one panel, titled by its name, each id with its months.
    name = "Resolution within target (priority 2)"
    t = pd.DataFrame(
        {
            "service_level": ["P2-RES", "P2-RES", "P2-RES-2026H2", "P2-RES-2026H2", "AVAIL"],
            "name": [name] * 4 + ["Service availability"],
            "unit": ["%"] * 5,
            "period": ["2026-05", "2026-06", "2026-07", "2026-08", "2026-08"],
            "actual": [91.0, 93.0, 90.0, 76.9, 98.6],
            "expected": [90.0, 90.0, 92.0, 92.0, 99.5],
            "minimum": [85.0, 85.0, 88.0, 88.0, 99.0],
            "rag": ["green", "green", "amber", "red", "red"],
        }
    )
    spec = charts.level_trends(t, "T").to_dict()
    levels = {row["level"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert levels == {
        f"{name} (%; P2-RES to 2026-06, P2-RES-2026H2 from 2026-07)",
        "Service availability (%)",
    }


def test_the_level_trend_shows_rag_by_shape_as_well_as_colour():
    t = pd.DataFrame(
        {
            "service_level": ["A"] * 4,
            "unit": ["%"] * 4,
            "period": ["2026-07", "2026-08", "2026-09", "2026-10"],
            "actual": [96.0, 91.0, 88.0, None],
            "expected": [95.0] * 4,
            "minimum": [90.0] * 4,
            "rag": ["green", "amber", "red", "grey"],
        }
    )
    points = charts.level_trends(t, "T").to_dict()["spec"]["layer"][3]
    shape = points["encoding"]["shape"]
    assert shape["field"] == "rag"
    assert dict(zip(shape["scale"]["domain"], shape["scale"]["range"], strict=True)) == {
        "green": "circle",
        "amber": "triangle-up",
        "red": "cross",
        "grey": "square",
    }
    assert "'grey: not scored'" in shape["legend"]["labelExpr"]


def test_a_heat_map_is_described_for_a_screen_reader_never_as_chart():
    from siamlib import report

    d = pd.DataFrame({"from_supplier": ["A"], "to_supplier": ["B"], "handoffs": [3]})
    spec = charts.heatmap(d, "to_supplier", "from_supplier", "handoffs", "Handoffs", []).to_dict()
    figure = report.chart_figure(spec)
    assert 'aria-label="chart"' not in figure
    assert 'aria-label="Handoffs: a heat map, one cell per from supplier (row)' in figure


def test_supplier_names_on_a_bar_charts_axis_stand_upright_over_lines():
    c = charts.bar(pd.DataFrame({"supplier": ["Summit Hosting"], "v": [1]}),
                   alt.X("supplier:N", title=None), "v:Q", title="T")  # fmt: skip
    axis = c.to_dict()["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == 0 and "split" in axis["labelExpr"]


# ------------------------------------------- the heat map on a phone (375 px), in Chromium ----
# Six suppliers handing tickets to each other, as the integrator's Collaboration section.
_NAMES = ["Beacon Service Desk", "Harbour End-User Computing", "Keystone Service Integration"]
_NAMES += ["Lattice Applications", "Meridian Networks", "Summit Hosting"]


def _handoffs() -> pd.DataFrame:
    pairs = [(a, b) for a in _NAMES for b in _NAMES if a != b]
    return pd.DataFrame(
        {
            "from_supplier": [a for a, _ in pairs],
            "to_supplier": [b for _, b in pairs],
            "handoffs": [10 * (i % 7) + 3 for i in range(len(pairs))],
        }
    )


def _heatmap_spec() -> dict:
    return charts.heatmap(
        _handoffs(), "to_supplier", "from_supplier", "handoffs", "Handoffs", []
    ).to_dict()


def test_a_heat_map_asks_the_page_to_keep_its_size_and_scroll():
    from siamlib import report

    assert charts.keeps_size(_heatmap_spec())
    assert '<figure class="siam-chart siam-scroll"' in report.chart_figure(_heatmap_spec())
    bars = charts.bar(pd.DataFrame({"a": ["x"], "n": [1]}), "a:N", "n:Q", "T").to_dict()
    assert '<figure class="siam-chart" ' in report.chart_figure(bars)  # others fit the screen


# The drawn heat map at a phone's width: its labels' font size as drawn on screen, the
# figure's scroll box, and whether the page itself scrolls sideways.
_MEASURE_JS = """() => {
  const fig = document.querySelector('figure.siam-chart'), svg = fig.querySelector('svg');
  const drawn = svg.getBoundingClientRect().width / Number(svg.getAttribute('width'));
  const label = [...svg.querySelectorAll('text')].find(t => t.textContent === 'Summit Hosting');
  return {scale: drawn, label_px: label ? label.getBoundingClientRect().height : 0,
          scrolls: fig.scrollWidth > fig.clientWidth,
          page: document.documentElement.scrollWidth, client: document.documentElement.clientWidth};
}"""


@pytest.mark.browser
def test_a_heat_map_stays_readable_on_a_phone_and_scrolls_in_its_own_box(tmp_path):
    from playwright.sync_api import sync_playwright

    from siamlib import report
    from tests.e2e.helpers import launch_chromium

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={charts.VEGALITE_MIMETYPE: _heatmap_spec()})
    ]
    nb.cells = [cell]
    page_file = tmp_path / "heat.html"
    page_file.write_text(report.to_html(nb, "Heat map"), encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(offline=True, viewport={"width": 375, "height": 900}).new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("figure.siam-chart[data-drawn]", timeout=60_000)
        seen = page.evaluate(_MEASURE_JS)
        browser.close()
    assert seen["scale"] > 0.99, seen  # drawn at its own size, not shrunk to the screen
    assert seen["label_px"] >= 10, seen  # a name is as tall as the chart's 11 px font
    assert seen["scrolls"], seen  # wider than the phone: it scrolls in its figure...
    assert seen["page"] <= seen["client"], seen  # ...and the page never scrolls sideways


# Any chart (not only a heat map) at a phone's and a tablet's width: drawn scale, the height
# of its box against the drawing's, and its scroll box.
_ANY_CHART_JS = """() => {
  const fig = document.querySelector('figure.siam-chart'), svg = fig.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const w = Number(svg.getAttribute('width')), h = Number(svg.getAttribute('height'));
  return {scale: box.width / w, box_h: box.height, drawn_h: h * box.width / w,
          scrolls: fig.scrollWidth > fig.clientWidth,
          page: document.documentElement.scrollWidth, client: document.documentElement.clientWidth};
}"""


def _seen_at(tmp_path, spec: dict, widths: list[int]) -> dict[int, dict]:
    from playwright.sync_api import sync_playwright

    from siamlib import report
    from tests.e2e.helpers import launch_chromium

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={charts.VEGALITE_MIMETYPE: spec})]
    nb.cells = [cell]
    page_file = tmp_path / "chart.html"
    page_file.write_text(report.to_html(nb, "Chart"), encoding="utf-8")
    seen = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(offline=True, viewport={"width": 375, "height": 900}).new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("figure.siam-chart[data-drawn]", timeout=60_000)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            seen[width] = page.evaluate(_ANY_CHART_JS)
        browser.close()
    return seen


@pytest.mark.browser
def test_every_chart_keeps_its_size_on_a_phone_and_fits_a_wider_screen_without_blank_bands(
    tmp_path,
):
    # A 900 px bar chart (the report's charts are 640 px plus axis and legend, the level
    # trends about 900): on a 375 px phone it was shrunk to about a third (4-5 px labels) in
    # a box that kept its full height (a blank band above and below).
    wide = charts.bar(pd.DataFrame({"a": ["x", "y"], "n": [1, 2]}), "a:N", "n:Q", "T")
    seen = _seen_at(tmp_path, wide.properties(width=900).to_dict(), [375, 800])
    phone, tablet = seen[375], seen[800]
    assert phone["scale"] > 0.99 and phone["scrolls"], phone  # its own size, scrolled
    assert phone["page"] <= phone["client"], phone  # the page never scrolls sideways
    assert tablet["scale"] < 0.95, tablet  # wider than a tablet's page: fitted to it...
    assert abs(tablet["box_h"] - tablet["drawn_h"]) < 2, tablet  # ...as tall as it is drawn


def _unscored_trend() -> pd.DataFrame:
    # A is not scored in 2026-09 (small sample: no actual, grey), red in 2026-10.
    return _trend().assign(
        actual=[float("nan"), 88.0, 3.0, 2.5],
        rag=["grey", "red", "green", "green"],
        note=["small sample: 4 counted in the month; not scored, no credit", "", "", ""],
    )


def test_a_month_not_scored_is_a_grey_square_at_the_panels_foot_with_why_not_a_gap():
    # Before: a grey month had no actual, so no point: a silent gap in the line although the
    # legend promises "grey: not scored".
    spec = charts.level_trends(_unscored_trend(), "T").to_dict()
    foot = spec["spec"]["layer"][4]
    assert foot["transform"] == [{"filter": "datum.rag == 'grey'"}]
    assert foot["encoding"]["y"] == {"value": charts.PANEL_HEIGHT - 3}  # a place, no value
    assert foot["encoding"]["shape"]["field"] == "rag"  # the legend's grey square
    assert {"field": "note", "title": "not scored", "type": "nominal"} in foot["encoding"][
        "tooltip"
    ]
    # the y scale leaves room under the lowest line, so the square sits on no value
    assert spec["spec"]["layer"][0]["encoding"]["y"]["scale"]["padding"] == 10


# The drawn grey marks of the panels (not the legend's), and the lowest red limit line.
_GREY_FOOT_JS = """() => {
  const marks = [...document.querySelectorAll('g.mark-symbol.role-mark path')]
    .filter(p => (p.getAttribute('fill') || '').toLowerCase() === '#9e9e9e')
    .map(p => p.getBoundingClientRect());
  const lines = [...document.querySelectorAll('g.mark-line.role-mark path')]
    .filter(p => (p.getAttribute('stroke') || '').toLowerCase() === '#c62828')
    .map(p => p.getBoundingClientRect());
  return {grey: marks.map(r => r.top), limit: Math.max(...lines.map(r => r.bottom))};
}"""


@pytest.mark.browser
def test_a_reader_sees_the_month_not_scored_below_the_limit_line_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from siamlib import report
    from tests.e2e.helpers import launch_chromium

    spec = charts.chart_spec(charts.level_trends(_unscored_trend(), "T"))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={charts.VEGALITE_MIMETYPE: spec})]
    nb.cells = [cell]
    page_file = tmp_path / "trend.html"
    page_file.write_text(report.to_html(nb, "Trend"), encoding="utf-8")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}).new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("figure.siam-chart[data-drawn]", timeout=60_000)
        seen = page.evaluate(_GREY_FOOT_JS)
        browser.close()
    assert len(seen["grey"]) == 1, seen  # A's 2026-09, drawn
    assert seen["grey"][0] >= seen["limit"] - 1, seen  # under the dotted limit, on no value


def test_a_level_with_no_figure_in_any_month_says_so_in_its_panel():
    # The real ServiceNow log has no changes table: CHANGE's panel had the target lines alone,
    # which read as a chart that failed to draw. B has no actual in either month: its panel
    # carries the words once; A (with figures) has none.
    t = _trend()
    t.loc[t["service_level"] == "B", ["actual", "rag"]] = [None, "grey"]
    spec = charts.level_trends(t, "T").to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    notes = [(r["level"], r["panel_note"]) for r in rows if r["panel_note"]]
    assert notes == [("B (h)", charts.NO_FIGURE)]
    import vl_convert

    assert vl_convert.vegalite_to_svg(spec).count(f">{charts.NO_FIGURE}<") == 1
