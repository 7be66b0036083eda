"""The monthly batch publishes a complete pack: every report, its evidence, an index and a
manifest that says what went in (hashes), which code ran it, and how each report went."""

from __future__ import annotations

import hashlib
import re

import openpyxl
import pytest

from siamlib import batch, paths
from siamlib.params import params_files

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected_reports(params) -> set[str]:
    return {s.id for s in params.estate.suppliers} | {batch.BOARD}


def test_every_report_is_ok_and_the_run_exits_zero(pack, params):
    reports = pack.manifest["reports"]
    assert set(reports) == _expected_reports(params)
    assert {n: r["status"] for n, r in reports.items() if r["status"] != "ok"} == {}
    assert pack.manifest["status"] == "ok"
    assert pack.exit_code == 0


def test_manifest_records_that_every_record_counted_level_reconciles_with_its_evidence(pack):
    # The demo pack's count-based levels (SLA attainments, reopens, first-time fix, changes,
    # the integrator's routing, ping-pong and proactive share) each sum back from their rows.
    rec = pack.manifest["reconciliation"]
    assert rec["levels_checked"] >= 30
    assert rec["levels_reconciled"] == rec["levels_checked"]
    assert rec["mismatches"] == []


def test_period_link_points_at_the_run_folder(pack):
    assert pack.link.is_symlink()
    assert pack.folder.parent == (pack.reports_dir / ".runs").resolve()
    assert pack.folder.name == f"{pack.manifest['period']}-{pack.manifest['run_id']}"
    # Each report's input bundle stays in the pack: `siam send` delivers exactly it.
    for name in pack.manifest["reports"]:
        assert (pack.folder / "bundles" / name / "meta.json").is_file(), name


def test_manifest_hashes_every_input_file(pack, demo_data):
    inputs = pack.manifest["inputs"]
    data_files = sorted(p for p in demo_data.iterdir() if p.is_file())
    assert {p.name for p in data_files} >= {"dataset.json", "tickets.parquet"}
    assert inputs["data"] == {p.name: _sha256(p) for p in data_files}


def test_manifest_hashes_every_params_file(pack):
    recorded = pack.manifest["inputs"]["params"]
    files = params_files(paths.PARAMS_DIR)
    expected = {str(p.relative_to(paths.PARAMS_DIR)): _sha256(p) for p in files}
    assert "estate.yaml" in expected and "contracts/hosting.yaml" in expected
    assert recorded == expected


def test_manifest_records_versions(pack):
    v = pack.manifest["versions"]
    for key in ["siamlib", "python", "pandas", "numpy", "altair", "papermill", "nbconvert"]:
        assert v.get(key), key
    assert re.fullmatch(r"[0-9a-f]{40}", v["git_commit"] or "")


def test_manifest_records_what_the_compute_cache_gave_and_what_was_computed(pack):
    used = pack.manifest["cache"]
    assert sorted(used["hits"] + used["misses"]) == ["clocks", "gate", "values"]


def test_manifest_records_status_timing_and_hash_of_each_report(pack):
    for name, r in pack.manifest["reports"].items():
        assert r["status"] == "ok", name
        assert r["seconds"] > 0, name
        assert {"execute", "export", "write"} <= set(r["timings"]), name
        assert r["sha256"] == _sha256(pack.report_html(name)), name
    for stage in ["load", "validate", "compute", "render", "total"]:
        assert stage in pack.manifest["stages"], stage


def test_index_links_every_report_and_its_evidence(pack):
    index = (pack.link / "index.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"]+)"', index)) | set(re.findall(r"href='([^']+)'", index))
    for name, r in pack.manifest["reports"].items():
        assert r["file"] in hrefs, name
        for rel in r["evidence"]:
            assert rel in hrefs, rel
    assert "manifest.json" in hrefs
    for href in hrefs:
        assert (pack.link / href).is_file(), f"index links to a missing file: {href}"


def test_every_report_has_csv_and_xlsx_evidence(pack):
    for name in pack.manifest["reports"]:
        files = pack.evidence(name)
        csvs = [p for p in files if p.suffix == ".csv"]
        xlsx = [p for p in files if p.suffix == ".xlsx"]
        assert csvs and len(xlsx) == 1, name
        for p in files:
            assert p.is_file() and p.name.startswith(f"{name}-{pack.manifest['period']}"), p
        for p in csvs:
            assert p.read_text(encoding="utf-8").strip(), f"{p.name} has no header"
        sheets = openpyxl.load_workbook(xlsx[0], read_only=True).sheetnames
        assert sheets[0] == "contents" and len(sheets) == len(csvs) + 1, name


def test_every_report_page_has_title_and_provenance(pack):
    for name, r in pack.manifest["reports"].items():
        page = pack.report_html(name).read_text(encoding="utf-8")
        assert pack.manifest["period"] in page, name
        assert 'class="provenance"' in page, name
        assert "<title>" in page and r["title"].split(":")[0] in page, name
