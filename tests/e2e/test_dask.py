"""Scale-out: the per-report jobs run on a Dask distributed cluster.

A real ``dask.distributed.LocalCluster`` (worker processes, a real scheduler on loopback) stands
in for a production cluster; the batch talks to it only through its address, exactly as
``siam run --executor dask --scheduler ADDRESS`` does.
"""

from __future__ import annotations

import json

import pytest

from siamlib import batch
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as c:
        yield c


def test_the_batch_computes_and_renders_on_a_dask_cluster_with_the_local_figures(
    tmp_path, demo_data, cluster, pack
):
    reports = tmp_path / "reports"
    result = batch.run(
        PERIOD,
        data_dir=demo_data,
        reports_dir=reports,
        suppliers=["hosting", batch.BOARD],
        executor="dask",
        scheduler=cluster.scheduler_address,
        progress=False,
        use_cache=False,  # the clocks are computed on the cluster, not read back
    )

    # The clock step ran in supplier partitions on the cluster: the figures are the pack's.
    assert result.cache == {"hits": [], "misses": []}
    assert result.figures_sha256 == pack.manifest["figures_sha256"]

    assert result.exit_code == 0, {n: r.get("error") for n, r in result.reports.items()}
    folder = (reports / PERIOD).resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {n: r["status"] for n, r in manifest["reports"].items()} == {
        "hosting": "ok",
        batch.BOARD: "ok",
    }
    for name in ("hosting", batch.BOARD):
        assert "siam-chart-spec" in (folder / f"{name}.html").read_text(encoding="utf-8")


def test_siam_run_with_dask_executor_needs_a_scheduler_address(tmp_path, demo_data):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "siamlib.cli", "run", "--period", PERIOD]
    cmd += ["--data", str(demo_data), "--reports", str(tmp_path), "--executor", "dask"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--scheduler" in done.stderr
