"""Every report is one self-contained page: opened from disk in headless Chromium with the
network blocked, every chart draws, nothing is fetched, nothing fails, no console errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import sync_playwright

from siamlib import batch
from siamlib.params import load_params
from tests.e2e.helpers import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

REPORTS = [s.id for s in load_params().estate.suppliers] + [batch.BOARD]
SCREENSHOTS = {"hosting": "report-hosting.png", batch.BOARD: "report-board-summary.png"}
VEGA_MARKER = "window.vegaEmbed="
EXTERNAL_REF = re.compile(
    r"<(?:script|link|img|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)
DRAW_TIMEOUT_MS = 60_000


@dataclass
class PageVisit:
    """What Chromium saw while showing one report."""

    figures: int = 0
    drawn: int = 0
    with_svg: int = 0
    chart_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    non_file_requests: list[str] = field(default_factory=list)


def _visit(context, path, screenshot) -> PageVisit:
    seen = PageVisit()
    page = context.new_page()
    page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: seen.failed_requests.append(f"{r.url} {r.failure}"))
    page.on(
        "request",
        lambda r: seen.non_file_requests.append(r.url) if not r.url.startswith("file:") else 0,
    )
    page.goto(path.as_uri())
    # Each figure ends drawn (data-drawn) or failed (data-error): wait for all to settle.
    page.wait_for_function(
        """() => [...document.querySelectorAll('figure.siam-chart')]
                 .every(f => f.hasAttribute('data-drawn') || f.hasAttribute('data-error'))""",
        timeout=DRAW_TIMEOUT_MS,
    )
    seen.figures = page.locator("figure.siam-chart").count()
    seen.drawn = page.locator('figure.siam-chart[data-drawn="true"]').count()
    seen.with_svg = page.evaluate(
        """() => [...document.querySelectorAll('figure.siam-chart')]
                 .filter(f => f.querySelector('svg')).length"""
    )
    seen.chart_errors = page.eval_on_selector_all(
        "figure.siam-chart[data-error]", "fs => fs.map(f => f.getAttribute('data-error'))"
    )
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return seen


@pytest.fixture(scope="module")
def visits(pack, artifacts) -> dict[str, PageVisit]:
    """Open every report once in one offline browser context (one browser for the module)."""
    out = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(offline=True)

        def only_files(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_files)
        for name in REPORTS:
            shot = artifacts / SCREENSHOTS[name] if name in SCREENSHOTS else None
            out[name] = _visit(context, pack.report_html(name), shot)
        browser.close()
    return out


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_draws_offline(visits, name):
    v = visits[name]
    assert v.figures > 0, f"{name}: no charts on the page"
    assert v.chart_errors == []
    assert v.drawn == v.figures
    assert v.with_svg == v.figures


@pytest.mark.parametrize("name", REPORTS)
def test_nothing_is_fetched_and_nothing_fails(visits, name):
    v = visits[name]
    assert v.non_file_requests == []
    assert v.failed_requests == []
    assert v.console_errors == []
    assert v.page_errors == []


@pytest.mark.parametrize("name", REPORTS)
def test_page_is_self_contained(pack, name):
    html = pack.report_html(name).read_text(encoding="utf-8")
    lower = html.lower()
    assert EXTERNAL_REF.findall(html) == []
    for banned in ["require.js", "mathjax", "cdn."]:
        assert banned not in lower, banned
    assert html.count(VEGA_MARKER) == 1  # the Vega bundle is inlined once, not per chart
    assert html.count('class="siam-chart"') > 1  # ...while the page has several charts
    assert "@media print" in html


def test_index_page_needs_no_script_and_no_network(pack):
    html = (pack.link / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert EXTERNAL_REF.findall(html) == []


def test_screenshots_are_kept(visits, artifacts):
    for filename in SCREENSHOTS.values():
        shot = artifacts / filename
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
