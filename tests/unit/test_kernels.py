"""siamlib.kernels: warm kernels (real kernels started and used; no mocks)."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import nbformat
import pytest

from siamlib import kernels, paths, report

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
REPORT_NOTEBOOKS = ["supplier_report", "integrator_report", "board_summary"]


def _probe(tmp_path: Path) -> Path:
    """A notebook that says whether siamlib.charts was imported before its first line."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import sys\n'siamlib.charts' in sys.modules"),
        nbformat.v4.new_code_cell("warm = 1\nwarm + 1"),
    ]
    nb.metadata["kernelspec"] = KERNELSPEC
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, str(path))
    return path


def _shown(nb) -> list[tuple[int, str]]:
    return [(c.execution_count, c.outputs[0]["data"]["text/plain"]) for c in nb.cells]


def test_warm_code_is_exactly_the_import_lines_of_the_report_notebooks():
    lines = set()
    for name in REPORT_NOTEBOOKS:
        nb = json.loads((paths.NOTEBOOKS_DIR / f"{name}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"]).splitlines()
                lines |= {ln for ln in src if ln.startswith(("import ", "from "))}
    assert lines == set(kernels.WARM_CODE.splitlines())


def test_a_warm_kernel_has_the_imports_done_and_otherwise_runs_like_a_cold_one(tmp_path):
    path = _probe(tmp_path)
    cold = report.execute(path, {})
    km = kernels.start_warm()
    warm = report.execute(path, {}, km=km)
    # Same counts and outputs (the warm-up left no history and no names behind) except that
    # the warm kernel had siamlib imported before the notebook began.
    assert _shown(cold) == [(1, "False"), (2, "2")]
    assert _shown(warm) == [(1, "True"), (2, "2")]
    assert not km.has_kernel  # used for one notebook, then shut down


def test_a_warm_kernel_is_shut_down_when_its_notebook_fails(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, str(tmp_path / "bad.ipynb"))
    km = kernels.start_warm()
    with pytest.raises(report.ReportError, match="ZeroDivisionError"):
        report.execute(tmp_path / "bad.ipynb", {}, km=km)
    assert not km.has_kernel


def test_warm_worker_starts_no_more_kernels_than_the_shared_budget_and_none_once_stopped():
    ctx = mp.get_context("spawn")
    budget, stop = ctx.Value("i", 2), ctx.Event()
    try:
        kernels.warm_worker(budget, stop)
        warmed = list(kernels._WARM)
        assert len(warmed) == 2 and budget.value == 0
        assert all(km.has_kernel for km in warmed)
        budget.value = 5
        stop.set()
        kernels.warm_worker(budget, stop)  # stopped: nothing more is started
        assert len(kernels._WARM) == 2 and budget.value == 5
        first = kernels.take()
        assert first is warmed[0] and len(kernels._WARM) == 1
        kernels.shutdown(first)
    finally:
        kernels.shutdown_all()
    assert not any(km.has_kernel for km in warmed) and kernels.take() is None


def test_report_kernels_keep_no_history_on_disk(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("get_ipython().history_manager.enabled")]
    )
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, str(tmp_path / "h.ipynb"))
    for km in (None, kernels.start_warm()):
        out = report.execute(tmp_path / "h.ipynb", {}, km=km)
        assert out.cells[0].outputs[0]["data"]["text/plain"] == "False"
