"""The pack's index page: the board summary first, then the suppliers worst first with the
board's RAG and credit; whether a page was built is its own column ("report built"); each
evidence link says what the file holds; header cells are column headers."""

from __future__ import annotations

import re

import pandas as pd

from siamlib import batch, index
from tests.fixtures.fixture_params import fixture_params


def _entry(name: str, title: str, status: str = "ok") -> dict:
    return {"status": status, "file": f"{name}.html", "title": title, "evidence": []}


def _result(**reports) -> batch.RunResult:
    result = batch.RunResult(period="2026-10", run_id="20261101T070000Z-abc123", folder="x")
    result.reports = reports
    return result


def _index() -> str:
    result = _result(
        euc={
            **_entry("euc", "Harbour End-User Computing"),
            "evidence": [
                "evidence/euc-2026-10-sla_tickets.csv",
                "evidence/euc-2026-10-credits.csv",
                "evidence/euc-2026-10.xlsx",
            ],
        }
    )
    return batch.render_index(result, fixture_params())


# A board bundle of three suppliers: Summit red (53.9, owes £7,200), Keystone green (earn-back
# of £4,500 due to it), Harbour amber (75.0, no credit). Worst first: Summit, Harbour, Keystone.
_LEAGUE = pd.DataFrame(
    {
        "supplier_id": ["integrator", "euc", "hosting"],
        "supplier_name": ["Keystone", "Harbour", "Summit"],
        "weighted_score": [95.0, 75.0, 53.9],
        "rag": ["green", "amber", "red"],
        "credits": [-4500.0, 0.0, 7200.0],
        "currency": ["GBP"] * 3,
    }
)
_BOARD = {"meta": {"currency": "GBP"}, "frames": {"league": _LEAGUE}}
_REPORTS = {
    "euc": _entry("euc", "Harbour report"),
    "board-summary": _entry("board-summary", "Board summary"),
    "hosting": _entry("hosting", "Summit report"),
    "integrator": _entry("integrator", "Keystone report"),
}


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body)


def test_board_summary_comes_first_then_suppliers_worst_first():
    page = batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(_BOARD))
    titles = [re.search(r">([^<]+)</a>", row).group(1) for row in _rows(page)]
    assert titles == ["Board summary", "Summit report", "Harbour report", "Keystone report"]


def test_each_supplier_row_shows_the_boards_rag_and_credit_in_words():
    page = batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(_BOARD))
    summit, harbour, keystone = _rows(page)[1:]
    assert (
        "red" in summit and "a level failed" in summit and "£7,200 due from the supplier" in summit
    )
    assert "amber" in harbour and ">none<" in harbour
    assert "£4,500 earn-back due back to the supplier" in keystone


def test_the_build_status_column_is_named_report_built_and_never_reads_as_a_verdict():
    page = batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(_BOARD))
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", page)
    assert "report built" in headers and "status" not in headers
    assert ">ok<" not in page
    summit = _rows(page)[1]
    assert re.search(r"status-ok'>yes<", summit)


def test_a_failed_report_says_so_in_the_report_built_column():
    reports = {**_REPORTS, "hosting": {**_entry("hosting", "Summit"), "status": "failed",
                                       "error": "boom"}}  # fmt: skip
    page = batch.render_index(_result(**reports), fixture_params(), index.standing(_BOARD))
    assert "status-failed'>no (failed: boom)<" in page


def test_a_supplier_blocked_by_the_data_gate_has_its_credit_withheld():
    scores = pd.DataFrame({"supplier_id": ["hosting"], "stopped": [True]})
    board = {"meta": {}, "frames": {"league": _LEAGUE, "quality_scores": scores}}
    got = {s["supplier_id"]: s for s in index.standing(board)}
    assert got["hosting"]["blocked"] and got["hosting"]["rag"] == "grey"
    page = batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(board))
    assert "withheld: data blocked" in page


def test_without_the_boards_standing_the_index_says_where_the_verdict_is():
    page = batch.render_index(_result(**_REPORTS), fixture_params())
    assert "worst level (RAG)" not in page and "was not built in this run" in page
    assert re.search(r">([^<]+)</a>", _rows(page)[0]).group(1) == "Board summary"


def test_evidence_links_say_what_each_file_holds():
    links = re.findall(r'<a href="(evidence/[^"]+)"[^>]*>([^<]+)</a>', _index())
    assert links == [
        ("evidence/euc-2026-10-sla_tickets.csv", "SLA tickets (CSV)"),
        ("evidence/euc-2026-10-credits.csv", "credit ledger (CSV)"),
        ("evidence/euc-2026-10.xlsx", "all evidence, one sheet each (Excel)"),
    ]
    assert ">CSV<" not in _index()


def test_the_index_tables_header_cells_are_column_headers():
    cells = re.findall(r"<th\b[^>]*>", _index())
    assert cells and all('scope="col"' in c for c in cells)


def test_the_board_row_says_who_pays_whom_as_the_boards_tiles_never_only_the_net():
    # The board's headline: £9,360 due from Summit and Beacon, £4,500 earn-back due back to
    # Keystone; the net £4,860 is nobody's bill, so it never stands alone as "due from".
    head = {
        "net_credits": 4860.0,
        "credits_due": 9360.0,
        "earn_back_due": 4500.0,
        "owing": {"hosting": 7200.0, "service-desk": 2160.0},
        "owed": {"integrator": 4500.0},
    }
    board = {"meta": {"currency": "GBP", "board_headline": head}, "frames": {"league": _LEAGUE}}
    rows = _rows(batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(board)))
    assert (
        "£9,360 due from 2 suppliers; £4,500 earn-back due back to 1 supplier; net £4,860 to "
        "the customer" in rows[0]
    )
    assert "due from the suppliers (net)" not in rows[0] and "<td>–</td>" not in rows[0]
    assert len(rows) == 4  # the board's figure adds no row of its own


# ------------------------------------------------ what "run ok" means, and the gate's page ----
def _said(page: str) -> str:
    """The page's text, tags removed (what a reader reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_the_run_status_says_what_was_checked_and_that_it_is_no_verdict():
    result = _result(**_REPORTS)
    result.reconciliation = {"levels_checked": 52, "levels_reconciled": 52, "mismatches": []}
    text = _said(batch.render_index(result, fixture_params(), index.standing(_BOARD)))
    assert (
        "Run status: ok. Checked: the data-quality gate ran on the month's data and stopped no "
        "report (every rule and its result: data-quality.html); all 4 reports were built; 52 of "
        "52 service levels counted from records match the evidence rows behind them. This says "
        "the pack is complete and its figures trace to their records; it is not a verdict on "
        "any supplier" in text
    )
    assert "run ok" not in text


def test_the_index_links_the_data_quality_gates_report():
    page = batch.render_index(_result(**_REPORTS), fixture_params(), index.standing(_BOARD))
    assert page.count("<a href='data-quality.html'>data-quality.html</a>") == 2  # status, footer
    assert "<a href='data-quality.json'>" in page


def test_a_run_without_the_gate_says_no_rule_was_checked_and_links_no_missing_page():
    page = batch.render_index(_result(**_REPORTS), fixture_params(), quality=False)
    assert "the data-quality gate did not run: no rule was checked" in _said(page)
    assert "data-quality.html" not in page


def test_a_blocked_or_unreconciled_run_says_the_pack_is_not_complete():
    reports = {**_REPORTS, "hosting": {**_entry("hosting", "Summit"), "status": "blocked"}}
    result = _result(**reports)
    result.status = "failed"
    result.reconciliation = {"levels_checked": 9, "levels_reconciled": 8, "mismatches": ["x"]}
    text = _said(batch.render_index(result, fixture_params()))
    assert "Run status: failed." in text
    assert "stopped 1 report (hosting)" in text and "3 of 4 reports were built" in text
    assert "8 of 9 service levels" in text and "1 do not (listed in manifest.json)" in text
    assert 'The pack is not complete: see the "report built" column' in text
