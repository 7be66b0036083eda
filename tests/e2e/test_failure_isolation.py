"""One failing report never stops the others: it is marked failed with its error, the rest are
rendered, and the run exits non-zero.

The failure is real: a notebook whose cell raises ``RuntimeError("boom")`` executed by a real
kernel. Pointing ``batch.NOTEBOOKS`` at it is configuration (which notebook renders which
kind of report), not a stand-in for the code under test.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from siamlib import batch, workbook
from tests.e2e.helpers import PERIOD, write_failing_notebook

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def failing_notebook(tmp_path):
    return write_failing_notebook(tmp_path / "failing_report.ipynb")


def test_execute_jobs_continues_past_a_failing_notebook(tmp_path, work, params, failing_notebook):
    out = tmp_path / "out"
    bundles = tmp_path / "bundles"
    jobs = batch.plan_jobs(params, PERIOD, bundles, out, suppliers=["hosting", batch.BOARD])
    for job in jobs:
        workbook.save_bundle(work.bundle(job.name), job.parameters["bundle_dir"])
    broken = dataclasses.replace(
        jobs[0], name="broken", notebook=str(failing_notebook), out_html=str(out / "broken.html")
    )
    outcomes = batch.execute_jobs([broken, *jobs], jobs_n=2, progress=False)

    assert set(outcomes) == {"broken", "hosting", batch.BOARD}
    assert outcomes["broken"].status == "failed"
    assert "RuntimeError" in outcomes["broken"].error and "boom" in outcomes["broken"].error
    assert not (out / "broken.html").exists()
    for name in ["hosting", batch.BOARD]:
        assert outcomes[name].status == "ok", outcomes[name].error
        assert (out / f"{name}.html").is_file()


def test_run_with_one_broken_report_exits_1_and_publishes_the_rest(
    tmp_path, demo_data, params, failing_notebook, monkeypatch
):
    monkeypatch.setitem(batch.NOTEBOOKS, "integrator", failing_notebook)
    integrator = params.estate.integrator.id
    reports = tmp_path / "reports"
    result = batch.run(
        PERIOD,
        data_dir=demo_data,
        reports_dir=reports,
        suppliers=[integrator, "hosting"],
        jobs=2,
        progress=False,
    )

    assert result.exit_code == 1
    assert result.status == "failed"
    assert result.failed == [integrator]
    failed = result.reports[integrator]
    assert failed["status"] == "failed"
    assert "RuntimeError" in failed["error"] and "boom" in failed["error"]
    assert result.reports["hosting"]["status"] == "ok", result.reports["hosting"].get("error")

    # The pack is still published, and says what failed.
    folder = (reports / PERIOD).resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][integrator]["status"] == "failed"
    assert not (folder / f"{integrator}.html").exists()
    assert (folder / "hosting.html").is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "status-failed" in index and "boom" in index
