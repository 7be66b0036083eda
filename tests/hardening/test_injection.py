"""Injection: hostile text in the data and params never runs in a report or a spreadsheet, and
supplier ids cannot steer files out of the reports folder.

The batch runs once (fixture ``hostile_pack``) on the demo estate with ``<script>`` tags,
attribute-breaking markup and spreadsheet formulas planted in ticket ``service``, ``category``
and ``ci`` cells and in a supplier's display name.
"""

from __future__ import annotations

import csv
import io as stdio
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from siamlib.cli import app
from siamlib.params import ParamsError, load_params
from tests.hardening.support import (
    ATTR_PAYLOAD,
    FORMULA_PAYLOADS,
    PERIOD,
    SCRIPT_PAYLOAD,
    audit_html,
    copy_params,
    yaml_quote,
)

FORMULA_START = ("=", "+", "-", "@")
# Our own page scripts: the inlined Vega bundle and the chart-drawing script at the end.
KNOWN_SCRIPTS = 2


def _pack_files(pack, suffix: str) -> list[Path]:
    folder = (pack.reports_dir / PERIOD).resolve()
    return sorted(folder.rglob(f"*{suffix}"))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unsafe_cell(text: str) -> bool:
    """True for a cell a spreadsheet would read as a formula (negative numbers are data)."""
    return text.startswith(FORMULA_START) and not _is_number(text)


@pytest.mark.slow
def test_hostile_batch_completes(hostile_pack):
    assert hostile_pack.proc.returncode == 0, hostile_pack.proc.stderr[-3000:]
    assert (hostile_pack.reports_dir / PERIOD / "manifest.json").is_file()


@pytest.mark.slow
def test_html_reports_run_no_injected_script_or_handler(hostile_pack):
    pages = _pack_files(hostile_pack, ".html")
    assert {p.name for p in pages} >= {"hosting.html", "integrator.html", "board-summary.html"}
    for page in pages:
        a = audit_html(page.read_text(encoding="utf-8"))
        assert a.handlers == [], f"{page.name}: on* attributes {a.handlers}"
        assert not any(img.get("src") == "x" for img in a.images), page.name
        limit = 0 if page.name == "index.html" else KNOWN_SCRIPTS
        scripts = a.executable_scripts
        assert len(scripts) <= limit, f"{page.name}: {len(scripts)} executable scripts"
        assert all("alert(1)" not in s["body"] for s in scripts), page.name
        assert all(not s["attrs"].get("src") for s in scripts), page.name


@pytest.mark.slow
def test_hostile_text_is_shown_as_text(hostile_pack):
    # Not vacuous: the payloads reach the pages, as visible text.
    hosting = audit_html(_pack_files(hostile_pack, "hosting.html")[0].read_text("utf-8"))
    shown = "".join(hosting.text)
    assert SCRIPT_PAYLOAD in shown and ATTR_PAYLOAD in shown
    index = audit_html((hostile_pack.reports_dir / PERIOD / "index.html").read_text("utf-8"))
    assert hostile_pack.hostile_name in "".join(index.text)


@pytest.mark.slow
def test_evidence_csv_cells_are_neutralised(hostile_pack):
    files = _pack_files(hostile_pack, ".csv")
    assert files
    seen = set()
    for f in files:
        with f.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not _unsafe_cell(cell), f"{f.name}: {cell!r}"
                    seen.add(cell)
    # Not vacuous: formula payloads reached the evidence, each with its apostrophe.
    assert {"'" + p for p in FORMULA_PAYLOADS} <= seen


@pytest.mark.slow
def test_evidence_xlsx_cells_are_text_never_formulas(hostile_pack):
    files = _pack_files(hostile_pack, ".xlsx")
    assert files
    seen = set()
    for f in files:
        wb = openpyxl.load_workbook(f)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{f.name}!{cell.coordinate}: {cell.value!r}"
                    if isinstance(cell.value, str):
                        assert not _unsafe_cell(cell.value), f"{f.name}: {cell.value!r}"
                        seen.add(cell.value)
    assert {"'" + p for p in FORMULA_PAYLOADS} <= seen


@pytest.mark.slow
def test_csv_round_trip_of_a_payload_row_keeps_one_row(hostile_pack):
    # Quotes and commas inside payloads must not split or merge rows.
    f = next(p for p in _pack_files(hostile_pack, ".csv") if p.name.endswith("sla_tickets.csv"))
    text = f.read_text(encoding="utf-8")
    rows = list(csv.reader(stdio.StringIO(text, newline="")))
    width = len(rows[0])
    assert all(len(r) == width for r in rows)


# ------------------------------------------------------------------------- supplier ids ----
BAD_IDS = ["../x", "a/b", "Hosting", "h" * 33, "..", "hosting\n", "hosting/../../etc"]


@pytest.mark.parametrize("bad", BAD_IDS, ids=["dotdot", "slash", "upper", "long", "dots", "nl",
                                               "traversal"])  # fmt: skip
def test_params_reject_a_supplier_id_that_is_not_a_slug(tmp_path, bad):
    params_dir = copy_params(tmp_path / "params")
    estate = params_dir / "estate.yaml"
    text = estate.read_text(encoding="utf-8")
    estate.write_text(text.replace("  - id: hosting\n", f"  - id: {yaml_quote(bad)}\n"), "utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(params_dir)
    message = str(err.value)
    assert "estate.yaml" in message and "suppliers[3].id" in message
    assert "pattern" in message


def test_contract_file_must_match_a_known_slug(tmp_path):
    params_dir = copy_params(tmp_path / "params")
    contracts = params_dir / "contracts"
    text = (contracts / "hosting.yaml").read_text(encoding="utf-8")
    (contracts / "Evil.yaml").write_text(
        text.replace("supplier_id: hosting", "supplier_id: ../evil"), "utf-8"
    )
    with pytest.raises(ParamsError, match=r"contracts/Evil\.yaml: supplier_id"):
        load_params(params_dir)


@pytest.mark.parametrize("suppliers", ["../../etc", "hosting,../x", "/etc/passwd"])
def test_siam_run_rejects_a_traversal_supplier_with_exit_2(tmp_path, small_dataset, suppliers):
    reports = tmp_path / "reports"
    result = CliRunner().invoke(
        app,
        ["run", "--period", PERIOD, "--data", str(small_dataset), "--reports", str(reports),
         "--suppliers", suppliers, "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "unknown supplier" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not reports.exists()


@pytest.mark.slow
def test_email_body_and_pdf_source_escape_hostile_text(hostile_pack):
    # The email body and the static HTML WeasyPrint turns into the PDF, for the reports of the
    # hostile run; charts are left out (PNG rendering is delivery's concern). Subjects and the
    # text part are plain text, where markup is inert.
    from siamlib import delivery, workbook

    params = load_params(hostile_pack.params_dir)
    work = workbook.compute_period(hostile_pack.data_dir, params, PERIOD, validate=False)
    shown = ""
    for name in ["hosting", "integrator", workbook.BOARD]:
        bundle = work.bundle(name)
        pages = {
            "email": delivery.render_email_html(bundle, [("c1@siam", SCRIPT_PAYLOAD)]),
            "pdf source": delivery.render_static_html(bundle, pngs=[]),
        }
        for what, page in pages.items():
            a = audit_html(page)
            assert a.scripts == [], f"{name} {what}: script element"
            assert a.handlers == [], f"{name} {what}: {a.handlers}"
            assert not any(img.get("src") == "x" for img in a.images), f"{name} {what}"
            shown += "".join(a.text)
    # Not vacuous: the hostile supplier name reached the messages, as text.
    assert hostile_pack.hostile_name in shown
