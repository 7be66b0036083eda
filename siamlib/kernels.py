"""Jupyter kernels for the report notebooks: local IPC kernels, and warm ones.

A report's notebook spends about 3.5 s before its first line of work: the kernel starts (about
1 s) and ``import pandas, altair, siamlib`` runs (about 2.5 s). In the batch, the render
workers are started *before* the driver loads, validates and computes, and each starts
kernels and runs the report notebooks' imports (:data:`WARM_CODE`) while the driver is busy,
so that a report takes a kernel that is ready (:func:`take`). A warm kernel is used for one
notebook only and shut down after it, as a cold one is: the notebook sees a fresh kernel in
which the same modules are already imported, nothing else (the warm-up runs silently, without
history, so execution counts start at 1 as in a cold kernel).

The warm-up is bounded: the batch gives its workers a shared budget (the number of reports
it will render), so no more kernels are started than reports need; a worker asked to stop
(the run failed before rendering) stops after the kernel it is starting. A kernel that fails
to start or to import is dropped and the report starts its own (the error, if it is real,
shows there). Kernels left unused when a worker exits are shut down by a ``multiprocessing``
finaliser; failing that, ipykernel's parent poller ends a kernel whose parent died. A worker
whose driver died (killed, or ended by a signal it could not handle) shuts its warm kernels
down and exits by itself (:func:`siamlib.procs.watch_parent`, :func:`shutdown_all`), so
nothing outlives a killed batch.

Examples
--------
>>> WARM_CODE.splitlines()[0]
'from IPython.display import HTML, display'
>>> take() is None  # no warm kernel in this process: the caller starts its own
True
"""

from __future__ import annotations

import collections
import functools
import uuid
from pathlib import Path

from siamlib import procs

# Every import line of the report notebooks (tests/unit/test_kernels.py keeps them in step).
WARM_CODE = (
    "from IPython.display import HTML, display\nfrom siamlib import charts, sections, workbook\n"
)
START_TIMEOUT = 120  # seconds for a kernel to start and run WARM_CODE

_WARM: collections.deque = collections.deque()  # this process's warm kernel managers
_LIVE: set = set()  # every kernel this process started and has not shut down (warm or in use)


@functools.cache
def ipc_kernel_manager() -> type:
    """A kernel manager talking to its kernel over local IPC sockets instead of TCP.

    The batch's kernels are local, so nothing needs a TCP port: IPC keeps code and outputs
    off the network stack entirely (and stops ipykernel warning, per report, that TCP
    traffic is unencrypted). It shuts its kernel down with a shutdown request only, without
    the SIGINT jupyter_client sends first, so a clean run logs no KeyboardInterrupt ERROR.
    Its kernels keep no IPython history on disk: report kernels never open, lock or (on a
    write error) move aside the user's ``~/.ipython`` history database.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            extra = [*(extra_arguments or []), "--HistoryManager.enabled=False"]
            return super().format_kernel_cmd(extra_arguments=extra)

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts (SIGINT) the kernel before every shutdown request, so
            # a kernel that is in a message handler or an event loop at that moment logs
            # "ERROR | KeyboardInterrupt caught in kernel" after a good run. Our kernels
            # are only shut down between cells (or after a cell timed out, and then the
            # failure is already reported): the shutdown request on the control channel,
            # followed by a kill if the kernel does not exit in time, is enough. Interrupts
            # outside shutdown are untouched.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            # One socket prefix per kernel, in the user's private runtime folder: the library
            # default ("kernel-ipc" in the working directory) lets kernels started at the
            # same time by two workers pick the same socket files.
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
            return str(runtime / f"siam-{uuid.uuid4().hex[:12]}-ipc")

    return IpcKernelManager


def start_warm(kernel_name: str = "python3", timeout: float = START_TIMEOUT):
    """Start a kernel and run :data:`WARM_CODE` in it silently; return its manager.

    Raises ``RuntimeError`` (after shutting the kernel down) when the imports fail.
    """
    from jupyter_core.utils import run_sync

    km = ipc_kernel_manager()(kernel_name=kernel_name)
    _LIVE.add(km)
    run_sync(km.start_kernel)()
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        msg_id = kc.execute(WARM_CODE, silent=True, store_history=False)
        while True:  # the reply to our request (nothing else talks to this kernel yet)
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"warm-up failed: {reply['content'].get('evalue', '')}")
    except BaseException:
        kc.stop_channels()
        shutdown(km)
        raise
    kc.stop_channels()
    return km


def shutdown(km) -> None:
    """Shut a kernel down (a request, then a kill if it does not exit); never raises."""
    from jupyter_core.utils import run_sync

    _LIVE.discard(km)
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)()
    except Exception:  # noqa: BLE001, S110 - the parent poller ends an orphaned kernel
        pass


def shutdown_all() -> None:
    """Shut down every kernel this process started and has not shut down: the warm ones and
    the one a report may be running in (at worker exit, and when its driver died; a kernel
    papermill started itself ends by ipykernel's parent poller)."""
    _WARM.clear()
    for km in list(_LIVE):
        shutdown(km)


def warm_worker(budget, stop, kernel_name: str = "python3") -> None:
    """``ProcessPoolExecutor`` initializer: start warm kernels while the budget lasts.

    ``budget`` is a shared ``multiprocessing.Value`` (kernels the batch still wants warmed,
    decremented by every worker before each kernel) and ``stop`` a shared ``Event`` (set when
    the run ends or fails before rendering). Never raises: an exception in an initializer
    would break the whole pool, and a report without a warm kernel starts its own.
    """
    from multiprocessing import util

    util.Finalize(None, shutdown_all, exitpriority=10)
    procs.watch_parent(on_exit=shutdown_all)  # a killed driver leaves nothing running
    while not stop.is_set():
        with budget.get_lock():
            if budget.value <= 0:
                return
            budget.value -= 1
        try:
            _WARM.append(start_warm(kernel_name))
        except Exception:  # noqa: BLE001 - the report will start (and report) its own kernel
            continue


def take():
    """A warm kernel manager of this process (removed from the pool), or ``None``."""
    return _WARM.popleft() if _WARM else None
