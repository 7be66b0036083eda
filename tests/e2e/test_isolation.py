"""Supplier isolation: a tower supplier's report and evidence carry nothing of another
supplier's tickets, and never name another tower supplier.

Exempt by contract: the integrator's report and the board summary are estate-wide (the
integrator is judged on collaboration across all suppliers; the board sees every supplier side
by side), so they legitimately show every supplier's ids, names and tickets. Only TOWER
suppliers' outputs are scanned, and the exemption is checked below as a positive control: the
same scanner does find other suppliers in the estate-wide outputs, so it is able to fail.
"""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from siamlib import batch, report
from tests.e2e.helpers import tokens

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _text(path) -> str:
    """Every piece of text a reader of the file could see (XLSX: every cell value)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        cells = [
            str(v)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        return "\n".join(cells + wb.sheetnames)
    text = path.read_text(encoding="utf-8")
    # The inlined Vega library is third-party code, not report content; chart specs and data
    # stay in the scanned text (they are separate <script type="application/json"> blocks).
    return text.replace(report.vega_bundle(), "") if path.suffix == ".html" else text


def _mentions(text: str, needle: str) -> bool:
    """``needle`` as a whole word/slug (case-insensitive), not inside a longer name."""
    pattern = r"(?<![A-Za-z0-9-])" + re.escape(needle) + r"(?![A-Za-z0-9-])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def ticket_owner(demo_data) -> pd.Series:
    t = pd.read_parquet(demo_data / "tickets.parquet", columns=["ticket_id", "supplier_id"])
    return t.set_index("ticket_id")["supplier_id"]


def _outputs(pack, name):
    return [pack.report_html(name), *pack.evidence(name)]


def _foreign_tickets(text: str, owner: pd.Series, supplier_id: str) -> list[str]:
    found = owner.reindex(sorted(tokens(text) & set(owner.index)))
    return sorted(found[found != supplier_id].index)


@pytest.fixture(scope="module")
def tower_ids(params) -> list[str]:
    return [s.id for s in params.estate.suppliers if s.role == "tower"]


def test_scan_covers_every_tower_report_and_its_evidence(pack, tower_ids):
    assert len(tower_ids) >= 2
    for sid in tower_ids:
        files = _outputs(pack, sid)
        assert {p.suffix for p in files} == {".html", ".csv", ".xlsx"}, sid


def test_tower_outputs_hold_no_other_suppliers_tickets(pack, tower_ids, ticket_owner):
    leaks = {}
    for sid in tower_ids:
        for path in _outputs(pack, sid):
            foreign = _foreign_tickets(_text(path), ticket_owner, sid)
            if foreign:
                owners = ticket_owner[foreign].value_counts().to_dict()
                leaks[path.name] = f"{len(foreign)} tickets of {owners}, e.g. {foreign[:5]}"
    assert leaks == {}


def test_tower_outputs_never_name_another_tower_supplier(pack, towers):
    leaks = {}
    for sid in towers:
        others = [needle for o, name in towers.items() if o != sid for needle in (o, name)]
        for path in _outputs(pack, sid):
            text = _text(path)
            named = [n for n in others if _mentions(text, n)]
            if named:
                leaks[path.name] = named
    assert leaks == {}


def test_tower_evidence_does_show_the_suppliers_own_tickets(pack, tower_ids, ticket_owner):
    # The ticket scan finds ids when they are there: each tower's breach evidence lists some
    # of its own tickets (the demo estate has breaches for every tower).
    for sid in tower_ids:
        text = "".join(_text(p) for p in pack.evidence(sid) if p.suffix == ".csv")
        own = tokens(text) & set(ticket_owner.index)
        assert own and set(ticket_owner[sorted(own)]) == {sid}, sid


@pytest.mark.parametrize("exempt", ["integrator", batch.BOARD])
def test_estate_wide_reports_are_exempt_and_do_show_other_suppliers(
    pack, towers, ticket_owner, params, exempt
):
    # Positive control for the scanner, and the documented exemption: these reports are
    # estate-wide by contract, so they name the towers and carry their tickets.
    name = params.estate.integrator.id if exempt == "integrator" else exempt
    text = "".join(_text(p) for p in _outputs(pack, name))
    assert sum(_mentions(text, sid) for sid in towers) >= 2
    owners = set(ticket_owner.reindex(sorted(tokens(text) & set(ticket_owner.index))))
    assert len(owners & set(towers)) >= 2
