"""The email body fits a phone: at 375 px no table, image or text runs past the viewport (and
the page never scrolls sideways); at 1024 px the body is one column of at most 640 px. Real
Chromium with JavaScript off, as a mail client shows it, for the board summary, a tower and
the integrator, their key charts inlined as the client resolves ``cid:`` parts. A screenshot
of each is kept under the artefacts."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import sync_playwright

from siamlib import batch, mailrender
from tests.e2e.helpers import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDTHS = [375, 1024]
REPORTS = [batch.BOARD, "hosting", "integrator"]

# Every table and image, and the page itself, against the viewport's width.
MEASURE_JS = """() => {
  const w = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table, img, p, h1, h2, li')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                     Math.round(e.getBoundingClientRect().width) + 'px');
  const column = document.querySelector('table.wrap').getBoundingClientRect();
  return {scroll: document.documentElement.scrollWidth, client: w, wide: wide,
          column: Math.round(column.width), left: Math.round(column.left)};
}"""


def _body(bundle: dict) -> str:
    """The email body with its charts as data URIs (what a client shows for ``cid:`` parts)."""
    pngs = mailrender.chart_pngs(bundle, "email")
    refs = [(f"c{i}@siam", title) for i, (_, title, _) in enumerate(pngs)]
    body = mailrender.render_email_html(bundle, refs)
    for (cid, _), (_, _, png) in zip(refs, pngs, strict=True):
        uri = "data:image/png;base64," + base64.b64encode(png).decode()
        body = body.replace(f'src="cid:{cid}"', f'src="{uri}"')
    return body


@pytest.fixture(scope="module")
def measured(work, tmp_path_factory, artifacts) -> dict[tuple[str, int], dict]:
    folder = tmp_path_factory.mktemp("email-widths")
    out = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(java_script_enabled=False, offline=True)
        context.route("http*://**/*", lambda route: route.abort())
        page = context.new_page()
        for name in REPORTS:
            path = folder / f"{name}.html"
            path.write_text(_body(work.bundle(name)), encoding="utf-8")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                out[name, width] = page.evaluate(MEASURE_JS)
                shot = artifacts / f"email-width-{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
        browser.close()
    return out


@pytest.mark.parametrize("name", REPORTS)
def test_no_table_or_chart_of_the_email_is_wider_than_a_phone(measured, name):
    m = measured[name, 375]
    assert m["scroll"] <= m["client"], f"{name} at 375 px scrolls sideways: {m}"
    assert m["wide"] == [], f"{name} at 375 px: past the right edge {m['wide']}"
    assert m["column"] <= 375


@pytest.mark.parametrize("name", REPORTS)
def test_on_a_wide_screen_the_email_is_one_centred_column_of_at_most_640_px(measured, name):
    m = measured[name, 1024]
    assert m["scroll"] <= m["client"] and m["wide"] == [], m
    assert m["column"] == 640 and m["left"] == (m["client"] - 640) // 2, m


def test_a_screenshot_per_email_and_width_is_kept(measured, artifacts):
    for name in REPORTS:
        for width in WIDTHS:
            shot = artifacts / f"email-width-{name}-{width}.png"
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot


def test_the_boards_service_level_chart_is_drawn_narrow_enough_to_read_on_a_phone(work):
    # The RAG grid (a column per measure, 1,400 px at scale 1.5: 933 CSS px) was shrunk to
    # 375 px and unreadable; the level-status chart (a row per measure) is at most 600 CSS px
    # wide, so a phone shows it at 60% of its size or more (the grid: 38%).
    pngs = {name: png for name, _, png in mailrender.chart_pngs(work.bundle(batch.BOARD))}
    png = pngs["level_status_chart"]
    width = int.from_bytes(png[16:20], "big") / 1.5  # PNG IHDR width, at the email's scale
    assert width <= 600, width
