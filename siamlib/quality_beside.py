"""The data-quality gate on the other core: validate in a worker process while the driver computes.

The gate (:func:`siamlib.quality.validate`) and the compute stage read the same tables and
neither changes them, so on a large estate the driver runs them side by side: a spawned
process reads the dataset folder itself (a fork would inherit the driver's threads) and
validates it, while the driver computes on the tables it loaded. The computation is
*speculative*: the gate can quarantine rows (:mod:`siamlib.quarantine`), and then the caller
throws it away and computes again without them. On clean data, the usual case, the run costs
the longer of the two instead of their sum.

What it costs: the worker holds a second copy of the tables while it validates (the driver's
peak is unchanged; the machine's is higher by about the tables' size), and it pays its own
``import great_expectations``. So :func:`worth_it` keeps small estates in one process.

>>> worth_it(10_000), worth_it(2_000_000)
(False, True)
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from siamlib import io, procs, quality
from siamlib.params import Params

T = TypeVar("T")
MIN_EVENTS = 200_000  # below this the gate takes about as long as the worker's start-up


def worth_it(n_events: int) -> bool:
    """Whether an event log of ``n_events`` rows is large enough to validate beside."""
    return n_events >= MIN_EVENTS


def _validate_folder(
    data_dir: str, params: Params, window, period: str | None = None
) -> tuple[quality.QualityResult, float]:
    """Worker side: read the dataset folder and validate it (and time the validation)."""
    t = time.perf_counter()
    tables = io.read_dataset(data_dir)
    result = quality.validate(tables, params, window, period=period)
    return result, time.perf_counter() - t


def validate_beside(
    data_dir: Path | str,
    params: Params,
    window,
    compute: Callable[[], T],
    tables: dict | None = None,
    *,
    period: str | None = None,
) -> tuple[quality.QualityResult, T | None, BaseException | None, float]:
    """Validate ``data_dir`` in a worker process while ``compute()`` runs here.

    ``period`` is the reported month, as for :func:`siamlib.quality.validate`.

    Returns ``(quality_result, computed, error, validate_seconds)``: ``computed`` is what
    ``compute`` returned, or ``None`` with ``error`` the exception it raised (bad rows the
    gate may quarantine can make a computation fail; the caller decides once the gate has
    spoken). If the worker dies (out of memory), the gate runs here on ``tables``.
    """
    ctx = mp.get_context("spawn")
    # watch_parent: a driver killed mid-run must not leave the gate's worker behind.
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=procs.watch_parent) as pool:
        future = pool.submit(_validate_folder, str(data_dir), params, window, period)
        computed, error = None, None
        try:
            computed = compute()
        except Exception as exc:  # noqa: BLE001 - kept, and raised by the caller if it stands
            error = exc
        try:
            result, seconds = future.result()
        except BrokenProcessPool:
            if tables is None:
                raise
            t = time.perf_counter()
            result = quality.validate(tables, params, window, period=period)
            seconds = time.perf_counter() - t
    return result, computed, error, seconds
