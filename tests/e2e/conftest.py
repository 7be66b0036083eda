"""Shared fixtures for the end-to-end tests: one small demo estate and one monthly batch per
session, real papermill kernels, real Chromium (Debian's ``/usr/bin/chromium``), no mocks.

Under pytest-xdist the dataset and the batch are built once for all workers: the first worker
to get the lock builds them into a folder the workers share, the others wait and reuse it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from filelock import FileLock

from siamlib import batch, workbook
from siamlib.params import load_params
from tests.e2e.helpers import ARTIFACTS, N_TICKETS, PERIOD, SEED, Pack


def _shared_root(tmp_path_factory, worker_id: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    # xdist workers each get basetemp/popen-gwN; their parent is common to the session.
    root = (base if worker_id == "master" else base.parent) / "siam-e2e"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="session")
def e2e_root(tmp_path_factory, worker_id) -> Path:
    return _shared_root(tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def demo_data(e2e_root) -> Path:
    """The session's small demo dataset (3,000 tickets, seed 7)."""
    from siamlib import demo

    folder = e2e_root / "data"
    with FileLock(str(e2e_root / "data.lock")):
        if not (folder / "dataset.json").exists():
            demo.write_demo(folder, n_tickets=N_TICKETS, seed=SEED)
    return folder


@pytest.fixture(scope="session")
def params():
    return load_params()


@pytest.fixture(scope="session")
def towers(params) -> dict[str, str]:
    """Tower supplier id -> display name."""
    return {s.id: s.name for s in params.estate.suppliers if s.role == "tower"}


@pytest.fixture(scope="session")
def pack(e2e_root, demo_data) -> Pack:
    """One full monthly batch (every supplier, the integrator, the board summary)."""
    reports = e2e_root / "reports"
    result_file = e2e_root / "batch-result.json"
    with FileLock(str(e2e_root / "batch.lock")):
        if not result_file.exists():
            result = batch.run(
                PERIOD, data_dir=demo_data, reports_dir=reports, jobs=2, progress=False
            )
            result_file.write_text(
                json.dumps({"exit_code": result.exit_code, "figures_sha256": result.figures_sha256})
            )
    said = json.loads(result_file.read_text())
    link = reports / PERIOD
    folder = link.resolve()
    return Pack(
        reports_dir=reports,
        link=link,
        folder=folder,
        manifest=json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
        exit_code=said["exit_code"],
        figures_sha256=said["figures_sha256"],
    )


@pytest.fixture(scope="session")
def work(demo_data, params) -> workbook.Work:
    """A second, independent computation of the period (for reproducibility and bundles)."""
    return workbook.compute_period(demo_data, params, PERIOD)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
