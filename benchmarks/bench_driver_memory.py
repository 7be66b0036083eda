"""Benchmark: the batch driver's peak memory on an existing dataset, and where it falls.

One cold :func:`siamlib.batch.run` (empty compute cache, every report rendered) in this
process, which is the driver; prints, as JSON, its peak RSS (``getrusage``), the in-memory
size of the dataset's tables and their ratio (issue 18's target: at most 3x), the batch's
stage times, the figures file's SHA-256, and the steps with the highest RSS (a thread samples
the RSS every 10 ms and attributes it to the wrapped step running then).

Usage::

    .venv/bin/python benchmarks/bench_driver_memory.py DATA_DIR [--period 2026-10] [--jobs 2]

``DATA_DIR`` is a dataset folder, e.g. one written by
``siamlib.demo.write_demo(DIR, n_tickets=1_000_000, seed=7)``. Run it from a fresh process
per code version and compare within one machine state (docs/performance.md, session 30).
Nothing is asserted; reports and cache go to a temporary folder that is removed.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MB = 1024 * 1024
# (module, function) pairs whose running time the RSS samples are attributed to.
STEPS = (
    ("gate", "load_inputs"),
    ("quality_beside", "validate_beside"),
    ("workbook", "_compute"),
    ("compute_cache", "clock_frames"),
    ("compute_cache", "measure_values"),
    ("causes", "cause_tables"),
    ("levels", "level_rows"),
    ("raci", "scope_conformance_items"),
    ("levels", "reconcile"),
    ("figures", "figures_frame"),
    ("workbook", "save_bundle"),
    ("workbook", "write_evidence"),
    ("batch", "execute_jobs"),
)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:  # Linux: resident pages are the second field
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def _traced(stack: list[str]):
    """Wrap every step of :data:`STEPS` so that ``stack`` names the steps running."""
    import importlib

    for module, name in STEPS:
        mod = importlib.import_module(f"siamlib.{module}")
        fn = getattr(mod, name)

        @functools.wraps(fn)
        def wrapper(*a, _fn=fn, _name=name, **k):
            stack.append(_name)
            try:
                return _fn(*a, **k)
            finally:
                stack.pop()

        setattr(mod, name, wrapper)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="siam-bench-memory-"))
    os.environ["SIAM_CACHE_DIR"] = str(root / "cache")  # a cold run: nothing cached
    stack: list[str] = ["start"]
    peaks: dict[str, list[float]] = {}

    def sample() -> None:
        while True:
            step, now = "/".join(stack[-3:]), _rss_mb()
            seen = peaks.setdefault(step, [now, now])
            seen[1] = max(seen[1], now)
            time.sleep(0.01)

    threading.Thread(target=sample, daemon=True).start()
    _traced(stack)
    from siamlib import batch, io

    t0 = time.perf_counter()
    res = batch.run(
        args.period, data_dir=args.data, reports_dir=root / "reports", jobs=args.jobs,
        progress=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    peak = ru.ru_maxrss / 1024  # KiB on Linux
    tables = sum(df.memory_usage(deep=True).sum() for df in io.read_dataset(args.data).values())
    top = sorted(peaks.items(), key=lambda kv: -kv[1][1])[:12]
    print(json.dumps({
        "status": res.status, "figures_sha256": res.figures_sha256, "wall_s": round(wall, 1),
        "cpu_driver_s": round(ru.ru_utime + ru.ru_stime, 1), "peak_rss_driver_mb": round(peak),
        "tables_mb": round(tables / MB, 1), "peak_over_tables": round(peak / (tables / MB), 2),
        "stages": {k: round(v, 1) for k, v in res.stages.items()},
        "steps_by_peak_mb": [(k, round(a), round(b)) for k, (a, b) in top],
    }, indent=1))  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
