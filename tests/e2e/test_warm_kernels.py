"""Warm kernels in the batch: reports take kernels started while the driver computed, and no
kernel outlives the run, whether it rendered or failed before rendering (real kernels, real
worker processes; the kernels' socket files are the evidence, in a private runtime folder).
"""

from __future__ import annotations

import pytest

from siamlib import batch
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _kernel_files(runtime) -> list[str]:
    return sorted(p.name for p in runtime.iterdir() if p.name.startswith(("siam-", "kernel-")))


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    folder = tmp_path / "runtime"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder))  # the workers inherit it
    return folder


def test_a_run_renders_with_warm_kernels_and_leaves_no_kernel_running(tmp_path, demo_data, runtime):
    result = batch.run(
        PERIOD,
        data_dir=demo_data,
        reports_dir=tmp_path / "reports",
        suppliers=["hosting", "network", batch.BOARD],
        jobs=2,
        progress=False,
    )
    assert [r["status"] for r in result.reports.values()] == ["ok"] * 3
    assert _kernel_files(runtime) == []


def test_a_run_failing_before_rendering_stops_warming_and_leaves_no_kernel_running(
    tmp_path, demo_data, runtime
):
    with pytest.raises(ValueError, match="outside"):
        batch.run("2019-01", data_dir=demo_data, reports_dir=tmp_path / "reports", jobs=2)
    assert _kernel_files(runtime) == []
