"""Nothing of a report's PDF falls off its page: every line of text and every chart of every
report of the demo pack lies inside the page's content box, as WeasyPrint lays it out (the
layout the PDF is drawn from). A table wider than the page used to lose its right-hand
columns ("counted", "small sample", "Why no figure") with no sign that they were missing."""

from __future__ import annotations

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from siamlib import delivery, workbook

pytestmark = [pytest.mark.e2e]

REPORTS = ["board-summary", "integrator", "hosting", "service-desk", "euc", "network"]
REPORTS += ["applications"]


def _outside(static_html: str) -> list[tuple[int, str, float]]:
    """(page, what, how far past the content box in CSS px) for every text and image box
    that does not fit inside its page's content box (margin boxes such as page numbers sit
    in the margin by design and are not walked)."""
    doc = weasyprint.HTML(string=static_html).render()
    out = []
    for number, page in enumerate(doc.pages, start=1):
        pb = page._page_box
        right = pb.position_x + pb.margin_width() - pb.margin_right
        bottom = pb.position_y + pb.margin_height() - pb.margin_bottom
        body = [c for c in pb.children if not isinstance(c, boxes.MarginBox)]
        for top in body:
            for b in top.descendants():
                if isinstance(b, boxes.TextBox) and b.text.strip():
                    what = b.text[:30]
                elif isinstance(b, boxes.ReplacedBox):
                    what = "image"
                else:
                    continue
                past = max(b.position_x + b.width - right, b.position_y + b.height - bottom)
                if past > 0.5:
                    out.append((number, what, round(past, 1)))
    return out


@pytest.mark.parametrize("name", REPORTS)
def test_every_table_of_the_pdf_fits_its_page(pack, name):
    bundle = workbook.load_bundle(pack.folder / "bundles" / name)
    outside = _outside(delivery.render_static_html(bundle, pngs=[]))
    assert outside == [], f"{name}: text past the page's content box: {outside[:8]}"


@pytest.mark.parametrize("name", ["board-summary", "integrator", "hosting"])
def test_every_chart_of_the_pdf_fits_its_page(pack, name):
    bundle = workbook.load_bundle(pack.folder / "bundles" / name)
    page = delivery.render_static_html(bundle)  # every chart, as PNGs
    assert "data:image/png" in page
    outside = _outside(page)
    assert outside == [], f"{name}: past the page's content box: {outside[:8]}"


def test_the_check_sees_a_table_wider_than_the_page():
    # Control: a table of unbreakable numbers wider than A4 landscape is reported, so a pass
    # above means the tables fit, not that the walk found nothing.
    row = "".join(
        f'<td style="white-space:nowrap">{i:,}{i:,}{i:,}</td>' for i in range(10**6, 10**6 + 40)
    )
    page = f"<html><body><table><tr>{row}</tr></table></body></html>"
    assert _outside(page)


def _pages_of(static_html: str, *texts: str) -> dict[str, set[int]]:
    """The PDF pages each text's line boxes are on (WeasyPrint's layout)."""
    doc = weasyprint.HTML(string=static_html).render()
    found: dict[str, set[int]] = {t: set() for t in texts}
    for number, page in enumerate(doc.pages, start=1):
        for top in page._page_box.children:
            for b in top.descendants():
                if isinstance(b, boxes.TextBox):
                    for t in texts:
                        if b.text.startswith(t):
                            found[t].add(number)
    return found


def test_the_scorecards_caption_stays_on_the_page_of_its_table(pack):
    # The hosting scorecard's caption was five lines long and split from its table across
    # pages 1 and 2; a one-line caption moves with the table (break-inside: avoid).
    bundle = workbook.load_bundle(pack.folder / "bundles" / "hosting")
    pages = _pages_of(delivery.render_static_html(bundle, pngs=[]), "Scorecard for", "P1-RES")
    assert len(pages["Scorecard for"]) == 1, pages
    assert pages["Scorecard for"] <= pages["P1-RES"], pages


def _heading_and_first_line_pages(filler_mm: int) -> tuple[int, int]:
    """Pages of an h2 with its one-line note and of the first supplier line after them,
    pushed down the page by ``filler_mm`` of other content, under the PDF's stylesheet."""
    from siamlib import mailrender

    lines = "".join(f'<p class="front-line">Supplier {i}: a line.</p>' for i in range(6))
    page = (
        f"<html><head><style>{mailrender.PDF_CSS}</style></head><body>"
        f'<div style="height:{filler_mm}mm"></div><h2>Suppliers</h2>'
        f'<p class="note">Suppliers in the board\'s order.</p>{lines}</body></html>'
    )
    found = {}
    for number, pg in enumerate(weasyprint.HTML(string=page).render().pages, start=1):
        for b in pg._page_box.descendants():
            if isinstance(b, boxes.TextBox):
                for key, text in (("heading", "Suppliers"), ("line", "Supplier 0")):
                    if b.text.startswith(text) and key not in found:
                        found[key] = number
    return found["heading"], found["line"]


def test_a_heading_and_its_note_never_end_a_page_without_the_block_they_introduce():
    # The board's "Suppliers" heading and its one-line note sat alone at the foot of page 1
    # of the 20,000-ticket demo's PDF, the supplier lines on page 2. Every push down the page
    # (A4 landscape: 180 mm of content) keeps the heading on the first line's page.
    pages = [_heading_and_first_line_pages(mm) for mm in range(150, 181, 2)]
    assert all(h == line for h, line in pages), pages
