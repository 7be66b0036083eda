"""siamlib.report: how notebooks are executed (a real kernel; no mocks)."""

from __future__ import annotations

import nbformat
import pytest

from siamlib import kernels, report


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

    managers = [kernels.ipc_kernel_manager()() for _ in range(2)]
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


# A kernel in a GUI-style event loop (as with Qt or Tk) runs that loop outside any message
# handler; the probe's loop installs a SIGINT handler that notes each signal in a file, so
# an interrupt sent at shutdown is seen for certain (ipykernel itself logs "ERROR |
# KeyboardInterrupt caught in kernel" only when the signal lands inside a handler or loop).
def _event_loop_probe(marker) -> str:
    return (
        "import os, signal, time\n"
        "from ipykernel.eventloops import register_integration\n"
        f"note = lambda signum, frame: open({str(marker)!r}, 'a').write('SIGINT\\n')\n"
        "register_integration('probe_loop')(lambda kernel: (\n"
        "    signal.signal(signal.SIGINT, note), time.sleep(0.2)))\n"
        "get_ipython().run_line_magic('gui', 'probe_loop')\n"
        "os.getpid()"
    )


def test_a_clean_run_sends_no_interrupt_logs_no_error_and_leaves_no_kernel(tmp_path, capfd):
    import os
    import time

    marker = tmp_path / "signals.txt"
    path = _notebook(tmp_path, _event_loop_probe(marker), "time.sleep(1)", "1 + 1")
    out = report.execute(path, {})
    assert out.cells[2].outputs[0]["data"]["text/plain"] == "2"
    assert not marker.exists()  # no SIGINT reached the kernel
    err = capfd.readouterr().err  # the kernel writes to this process's stderr
    assert "KeyboardInterrupt" not in err
    assert "ERROR" not in err
    pid = int(out.cells[0].outputs[0]["data"]["text/plain"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel {pid} still running after the run")


def test_errors_the_kernel_logs_still_reach_stderr(tmp_path, capfd):
    path = _notebook(tmp_path, "get_ipython().kernel.log.error('disk full while saving')")
    report.execute(path, {})
    assert "ERROR | disk full while saving" in capfd.readouterr().err


def test_interrupting_a_running_kernel_still_signals_it(tmp_path):
    import asyncio

    marker = tmp_path / "signals.txt"

    async def interrupt_then_shut_down() -> None:
        km = kernels.ipc_kernel_manager()()
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            kc.execute(_event_loop_probe(marker) + "\ntime.sleep(0)")
            await asyncio.sleep(2)  # the loop is running and has its handler in place
            await km.interrupt_kernel()
            await asyncio.sleep(1)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()

    asyncio.run(interrupt_then_shut_down())
    assert marker.read_text() == "SIGINT\n"  # the interrupt, and none at shutdown
