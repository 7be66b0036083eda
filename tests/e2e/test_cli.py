"""``siam run`` from the command line (a real subprocess, started outside the project folder)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pytest

from siamlib import paths, quality
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def siam_run(cwd, *options) -> subprocess.CompletedProcess:
    """``siam run <options>`` in a fresh Python process."""
    return subprocess.run(
        [sys.executable, "-m", "siamlib.cli", "run", "--no-progress", *map(str, options)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def _manifest(link):
    return json.loads((link.resolve() / "manifest.json").read_text(encoding="utf-8"))


def test_run_one_supplier_then_another_carries_the_first_over(tmp_path, demo_data):
    reports = tmp_path / "reports"
    link = reports / PERIOD
    # --jobs 1 renders in the driver process (the worker pool is covered by the session batch).
    common = ["--period", PERIOD, "--data", demo_data, "--reports", reports, "--jobs", "1"]
    first = siam_run(tmp_path, *common, "--suppliers", "hosting")
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"index: {link / 'index.html'}" in first.stdout
    assert (link / "index.html").is_file()
    m1 = _manifest(link)
    assert set(m1["reports"]) == {"hosting"} and m1["reports"]["hosting"]["status"] == "ok"
    folder1 = link.resolve()

    second = siam_run(tmp_path, *common, "--suppliers", "euc")
    assert second.returncode == 0, second.stderr[-3000:]
    folder2 = link.resolve()
    assert link.is_symlink() and folder2 != folder1  # the link was switched to the new run
    assert not folder1.exists()  # the superseded run folder is cleaned up
    m2 = _manifest(link)
    assert m2["reports"]["euc"]["status"] == "ok"
    assert "carried_over_from" not in m2["reports"]["euc"]
    assert m2["reports"]["hosting"]["carried_over_from"] == m1["run_id"]
    assert (folder2 / "hosting.html").is_file() and (folder2 / "euc.html").is_file()
    for rel in m2["reports"]["hosting"]["evidence"]:
        assert (folder2 / rel).is_file(), rel
    index = (link / "index.html").read_text(encoding="utf-8")
    assert 'href="hosting.html"' in index and 'href="euc.html"' in index
    assert "href='figures.csv'" in index and "href='data-quality.json'" in index
    # The bundles each report was rendered from stay in the pack (delivery sends them).
    assert (folder2 / "bundles" / "euc" / "meta.json").is_file()
    assert (folder2 / "bundles" / "hosting" / "meta.json").is_file()  # carried over too


def test_the_pack_figures_file_is_what_siam_figures_prints(tmp_path, demo_data):
    reports = tmp_path / "reports"
    run = siam_run(
        tmp_path,
        "--period",
        PERIOD,
        "--data",
        demo_data,
        "--reports",
        reports,
        "--suppliers",
        "board-summary",
        "--jobs",
        "1",
    )
    assert run.returncode == 0, run.stderr[-3000:]
    printed = subprocess.run(
        [sys.executable, "-m", "siamlib.cli", "figures", "--period", PERIOD, "--data", demo_data],
        cwd=tmp_path,
        capture_output=True,
        timeout=1200,
    )
    assert printed.returncode == 0, printed.stderr[-3000:]
    folder = (reports / PERIOD).resolve()
    pack_bytes = (folder / "figures.csv").read_bytes()
    assert pack_bytes == printed.stdout
    assert _manifest(reports / PERIOD)["figures_sha256"] == hashlib.sha256(pack_bytes).hexdigest()
    gate = json.loads((folder / "data-quality.json").read_text(encoding="utf-8"))
    assert gate == quality.to_json(quality.from_json(gate))  # the gate's full results


def test_bad_period_exits_2_with_a_clear_message(tmp_path, demo_data):
    reports = tmp_path / "reports"
    r = siam_run(tmp_path, "--period", "2026-13", "--data", demo_data, "--reports", reports)
    assert r.returncode == 2
    assert "2026-13" in r.stderr and "YYYY-MM" in r.stderr
    assert "Traceback" not in r.stderr
    assert not reports.exists()


def test_broken_params_exit_2_naming_file_and_key_before_any_work(tmp_path, demo_data):
    params = tmp_path / "params"
    shutil.copytree(paths.PARAMS_DIR, params)
    contract = params / "contracts" / "hosting.yaml"
    text = contract.read_text(encoding="utf-8")
    assert "  weight: 20\n" in text
    contract.write_text(text.replace("  weight: 20\n", "  weight: -20\n", 1), encoding="utf-8")
    reports = tmp_path / "reports"

    r = siam_run(
        tmp_path, "--period", PERIOD, "--data", demo_data, "--params", params, "--reports", reports
    )
    assert r.returncode == 2
    assert "hosting.yaml" in r.stderr and "weight" in r.stderr
    assert "Traceback" not in r.stderr
    assert not reports.exists()  # stopped before any work: nothing written
    assert "index:" not in r.stdout
