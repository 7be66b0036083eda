"""siamlib.report: how notebooks are executed (a real kernel; no mocks)."""

from __future__ import annotations

import nbformat
import pytest

from siamlib import report


def _notebook(tmp_path, *sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_kernels_talk_over_local_ipc_sockets_not_tcp(tmp_path):
    path = _notebook(
        tmp_path, "from ipykernel.kernelapp import IPKernelApp\nIPKernelApp.instance().transport"
    )
    out = report.execute(path, {})
    assert out.cells[0].outputs[0]["data"]["text/plain"] == "'ipc'"


def test_a_failing_cell_is_reported_with_its_number_and_error(tmp_path):
    path = _notebook(tmp_path, "x = 1", "raise ValueError('bad supplier')")
    with pytest.raises(report.ReportError, match=r"cell 2 raised ValueError: bad supplier"):
        report.execute(path, {})


def test_kernels_started_together_each_get_their_own_sockets(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    managers = [report._ipc_kernel_manager()() for _ in range(2)]
    assert managers[0].ip != managers[1].ip
    # Four kernels at once from two processes, as the batch's workers start them; with
    # shared socket files they would read each other's messages and fail to start.
    paths = []
    for i in range(4):
        (tmp_path / str(i)).mkdir()
        paths.append(_notebook(tmp_path / str(i), f"{i} * 10"))
    with ProcessPoolExecutor(2) as pool:
        outs = list(pool.map(report.execute, paths, [{}] * 4))
    assert [o.cells[0].outputs[0]["data"]["text/plain"] for o in outs] == ["0", "10", "20", "30"]
