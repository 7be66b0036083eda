"""The pack's index page: each report's evidence links say what the file holds, and its
header cells are column headers."""

from __future__ import annotations

import re

from siamlib import batch
from tests.fixtures.fixture_params import fixture_params


def _index() -> str:
    result = batch.RunResult(period="2026-10", run_id="20261101T070000Z-abc123", folder="x")
    result.reports = {
        "euc": {
            "status": "ok",
            "file": "euc.html",
            "title": "Harbour End-User Computing",
            "evidence": [
                "evidence/euc-2026-10-sla_tickets.csv",
                "evidence/euc-2026-10-credits.csv",
                "evidence/euc-2026-10.xlsx",
            ],
        }
    }
    return batch.render_index(result, fixture_params())


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
