"""Worker processes that end with their driver.

A ``concurrent.futures.ProcessPoolExecutor`` worker waits for work on a queue whose two ends
it holds itself, so it never sees its driver die: a driver killed outright (SIGKILL, the
out-of-memory killer, a signal it does not handle) leaves its idle workers, and the kernels
they started, running for ever. Every pool of the workbook (the render workers of
:mod:`siamlib.batch`, the data-quality gate of :mod:`siamlib.quality_beside`) runs
:func:`watch_parent` in its workers: a daemon thread that ends the worker once its parent is
gone, after an optional clean-up (the render workers shut their kernels down).

>>> import threading
>>> t = watch_parent()  # in a process whose parent lives on, it just waits
>>> t.daemon, t.is_alive()
(True, True)
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable


def watch_parent(
    on_exit: Callable[[], None] | None = None, poll_s: float = 1.0
) -> threading.Thread:
    """Start a daemon thread ending this process (exit code 1) when its parent process dies.

    ``on_exit`` runs first (its errors are ignored: the process ends anyway). Polls the parent
    id every ``poll_s`` seconds: an orphan is re-parented (to init or a subreaper), so its
    parent id changes. Usable as a pool ``initializer`` as it is.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        if on_exit is not None:
            with contextlib.suppress(BaseException):  # ending the orphan matters more
                on_exit()
        os._exit(1)

    thread = threading.Thread(target=watch, name="siam-watch-parent", daemon=True)
    thread.start()
    return thread
