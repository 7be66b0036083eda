"""Every page fits every width: no horizontal overflow at phone (375 px), tablet (800 px) and
desktop (1400 px) widths in real Chromium, for the index, the board summary, a tower and the
integrator report. Wide tables and charts scroll inside their own box instead of widening the
page, and a table's caption wraps at the screen's edge (never cut mid-word by the table's
scroll box). One browser for all pages and widths; a screenshot of each is kept under the
artefacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from siamlib import batch
from tests.e2e.helpers import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

WIDTHS = [375, 800, 1400]
PAGES = ["index", batch.BOARD, "hosting", "integrator"]

# The page's own horizontal overflow: a document wider than the viewport scrolls sideways.
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const scrolls = e => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX);
  const boxed = e => { for (let a = e.parentElement; a; a = a.parentElement)
                         if (a !== document.body && scrolls(a)) return true;
                       return false; };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1 && !boxed(e))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  return {scroll: document.documentElement.scrollWidth, client: w, wide: wide};
}"""


# Captions past the viewport's right edge: a caption as wide as its scrolling table is cut
# mid-word at a phone's edge ("League table… out of 1…").
CAPTIONS_JS = """() => { const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('caption')]
    .filter(c => c.getBoundingClientRect().right > w + 1 || c.getBoundingClientRect().left < -1)
    .slice(0, 5).map(c => c.innerText.slice(0, 40)); }"""


# Words of table cells broken over two lines ("Resoluti / on", "a / m / be / r"): a column
# squeezed below its longest word. Hyphens and slashes are break points of their own.
BROKEN_WORDS_JS = """() => { const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (const m of n.data.matchAll(/[^\\s\\-\u2013\\/]{2,}/g)) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
        if (tops.size > 1) broken.push(m[0]);
      } } }
  return broken.slice(0, 10); }"""


# The front page: the first section of the board summary, starting on the first screen.
FIRST_SCREEN_JS = """() => { const f = document.querySelector('section.front-page');
  return f && f.getBoundingClientRect().top < window.innerHeight ? f.innerText : ''; }"""


@pytest.fixture(scope="module")
def measured(pack, artifacts) -> dict[tuple[str, int], dict]:
    out = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(offline=True)
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page = context.new_page()
        for name in PAGES:
            path = pack.link / "index.html" if name == "index" else pack.report_html(name)
            page.goto(path.as_uri())
            page.wait_for_function(
                """() => [...document.querySelectorAll('figure.siam-chart')]
                   .every(f => f.hasAttribute('data-drawn') || f.hasAttribute('data-error'))""",
                timeout=60_000,
            )
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                out[name, width] = page.evaluate(OVERFLOW_JS)
                out[name, width]["broken"] = page.evaluate(BROKEN_WORDS_JS)
                out[name, width]["captions"] = page.evaluate(CAPTIONS_JS)
                if name == batch.BOARD and width == 1400:  # what a board member sees first
                    out["first screen"] = page.evaluate(FIRST_SCREEN_JS)
                page.screenshot(path=str(artifacts / f"width-{name}-{width}.png"), full_page=True)
        browser.close()
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_horizontal_overflow(measured, name, width):
    m = measured[name, width]
    assert m["scroll"] <= m["client"], f"{name} at {width} px: {m}"
    assert m["wide"] == [], f"{name} at {width} px: elements past the right edge {m['wide']}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_table_caption_wraps_inside_the_screen(measured, name, width):
    assert measured[name, width]["captions"] == [], f"{name} at {width} px"


@pytest.mark.parametrize("width", WIDTHS[1:])
@pytest.mark.parametrize("name", PAGES)
def test_table_columns_are_never_narrower_than_their_words(measured, name, width):
    # At tablet and desktop widths a word in a table cell stays on one line (a phone may
    # break a long word rather than scroll; the table then scrolls in its own box anyway).
    assert measured[name, width]["broken"] == [], f"{name} at {width} px"


def test_a_screenshot_per_page_and_width_is_kept(measured, artifacts):
    for name in PAGES:
        for width in WIDTHS:
            shot = artifacts / f"width-{name}-{width}.png"
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot


def test_the_board_front_page_first_screen_names_the_failing_suppliers_and_the_money(
    measured, pack
):
    from siamlib import frontpage, present, workbook

    fp = frontpage.front_page(workbook.load_bundle(pack.folder / "bundles" / batch.BOARD))
    seen = measured["first screen"]
    failing = [s.name for s in fp.suppliers if s.rag == "red"]
    assert failing, "the demo estate has failing suppliers"
    for name in failing:
        assert name in seen, name
    assert present.fmt_money(fp.net_credits, fp.currency) in seen
    assert present.fmt_money(fp.at_risk, fp.currency) in seen
