"""A dry run validates and computes, lists the reports it would render, and writes nothing.

``siam run --dry-run`` exits 0 on clean data and 1 when the data-quality gate blocks a
supplier (named on stderr); either way nothing is written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from siamlib import batch
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_dry_run_plans_every_report_and_writes_nothing(tmp_path, demo_data, params):
    reports = tmp_path / "reports"
    reports.mkdir()
    result = batch.run(
        PERIOD, data_dir=demo_data, reports_dir=reports, dry_run=True, progress=False
    )

    assert list(reports.iterdir()) == []
    assert result.status == "dry-run"
    expected = {s.id for s in params.estate.suppliers} | {batch.BOARD}
    assert set(result.reports) == expected
    assert {r["status"] for r in result.reports.values()} == {"planned"}
    assert result.reports["hosting"]["kind"] == "tower"
    assert result.reports[batch.BOARD]["kind"] == "board"
    assert result.figures_sha256  # it did compute
    assert result.exit_code == 0


def _siam_dry_run(cwd, data, reports) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "siamlib.cli", "run", "--dry-run", "--no-progress"]
        + ["--period", PERIOD, "--data", str(data), "--reports", str(reports)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_siam_run_dry_run_exits_0_on_clean_data(tmp_path, demo_data):
    reports = tmp_path / "reports"
    r = _siam_dry_run(tmp_path, demo_data, reports)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "reports planned, nothing written" in r.stdout
    assert "Traceback" not in r.stderr
    assert not reports.exists()


def test_a_cache_folder_inside_the_dataset_is_refused_before_any_work(tmp_path, demo_data):
    import os

    before = sorted(p.name for p in demo_data.iterdir())
    env = {**os.environ, "SIAM_CACHE_DIR": str(demo_data / "cache")}
    r = subprocess.run(
        [sys.executable, "-m", "siamlib.cli", "run", "--dry-run", "--no-progress"]
        + ["--period", PERIOD, "--data", str(demo_data), "--reports", str(tmp_path / "r")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert r.returncode == 2, r.stderr[-2000:]
    assert "(SIAM_CACHE_DIR) is inside the data folder" in r.stderr
    assert "--no-cache" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in demo_data.iterdir()) == before  # the dataset untouched


def test_siam_run_dry_run_exits_1_and_names_the_supplier_the_gate_blocks(tmp_path, demo_data):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    tickets = pd.read_parquet(data / "tickets.parquet")
    first = tickets.index[tickets["supplier_id"] == "hosting"][0]
    tickets.loc[first, "priority"] = 9  # priorities are 1..4: a blocking rule
    tickets.to_parquet(data / "tickets.parquet", index=False)
    reports = tmp_path / "reports"

    r = _siam_dry_run(tmp_path, data, reports)

    assert r.returncode == 1, r.stderr[-3000:]
    assert "blocked by data quality: " in r.stderr and "hosting" in r.stderr
    assert "Traceback" not in r.stderr
    assert not reports.exists()
