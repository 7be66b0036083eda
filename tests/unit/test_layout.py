"""The one layout per report kind is what the notebooks, the PDF and the email show."""

import re
from pathlib import Path

import nbformat
import pytest

from siamlib import delivery, layout, sections

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
KIND_NOTEBOOK = {
    "tower": "supplier_report.ipynb",
    "integrator": "integrator_report.ipynb",
    "board": "board_summary.ipynb",
}
FRAME = {"intro", "front_page", "provenance"}  # opening and closing, not layout sections


def _notebook_sections(name: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    calls = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            calls += re.findall(r"sections\.(\w+)\(", cell.source)
    return [c for c in calls if c not in FRAME]


@pytest.mark.parametrize("kind", sorted(KIND_NOTEBOOK))
def test_notebook_shows_the_layout_sections_in_layout_order(kind):
    assert _notebook_sections(KIND_NOTEBOOK[kind]) == layout.section_ids(kind)


@pytest.mark.parametrize("kind", sorted(layout.LAYOUT))
def test_pdf_sections_follow_the_layout(kind):
    pdf = [f for _, f in delivery.FULL_SECTIONS[kind]]
    assert [f for f in pdf if f not in FRAME] == layout.section_ids(kind)


def test_the_board_pdf_opens_with_the_front_page():
    assert delivery.FULL_SECTIONS["board"][0] == ("", "front_page")


@pytest.mark.parametrize("kind", sorted(layout.LAYOUT))
def test_email_charts_are_layout_charts_in_layout_order(kind):
    ids = layout.section_ids(kind)
    charts = delivery.EMAIL_CHARTS[kind]
    assert 2 <= len(charts) <= 3
    assert all(layout.LAYOUT[kind][ids.index(c)].is_chart for c in charts)
    assert [i for i in ids if i in charts] == charts


@pytest.mark.parametrize("kind", sorted(layout.LAYOUT))
def test_every_layout_section_is_a_sections_function(kind):
    assert all(callable(getattr(sections, i, None)) for i in layout.section_ids(kind))


def test_pdf_headings_appear_in_layout_order_for_an_empty_board_bundle():
    # An empty bundle renders only the sections that need no data; whatever renders keeps order.
    b = {"meta": {"period": "2026-10", "role": "board", "estate": "Acme"}, "frames": {}}
    html = delivery.render_static_html(b, pngs=[])
    headings = re.findall(r"<h2>([^<]*)</h2>", html)
    order = [s.heading for s in layout.LAYOUT["board"] if s.heading]
    assert [h for h in order if h in headings] == headings
