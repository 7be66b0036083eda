"""Benchmark: the compute stage of a monthly run (:func:`siamlib.workbook.compute_period`).

Load and compute once (validation off: ``bench_validate.py`` times it), as the batch driver
does, and print wall and CPU seconds and the peak RSS of this process. With ``--profile`` the
compute runs under :mod:`cProfile` and the siamlib functions with the largest cumulative time
are listed (profiling inflates every time; compare only within one profile). With
``--memory`` a thread samples this process's RSS every 10 ms while every measure of the two
registries, the clock step and the board's evidence rows run, and the steps with the highest
RSS are listed with the RSS they started at (what the step adds on top of what is held).

Usage::

    .venv/bin/python benchmarks/bench_compute.py                        # 100,000 and 1,000,000
    .venv/bin/python benchmarks/bench_compute.py --tickets 1000000 --profile
    .venv/bin/python benchmarks/bench_compute.py --tickets 1000000 --memory

Each size runs in a fresh process, so its peak RSS is its own. Data come from
:func:`siamlib.demo.write_demo` in a temporary folder. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MB = 1024 * 1024


class _RssTrace:
    """The RSS of this process sampled every 10 ms, attributed to the step running then."""

    def __init__(self):
        import os
        import threading

        self.page = os.sysconf("SC_PAGE_SIZE")
        self.step, self.steps = "other", {}
        threading.Thread(target=self._sample, daemon=True).start()

    def rss_mb(self) -> float:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * self.page / MB

    def _sample(self):
        while True:
            now = self.rss_mb()
            start_peak = self.steps.setdefault(self.step, [now, now])
            start_peak[1] = max(start_peak[1], now)
            time.sleep(0.01)

    def wrap(self, name, fn):
        import functools

        @functools.wraps(fn)
        def traced(*a, **k):
            outer, self.step = self.step, name
            self.steps.setdefault(name, [self.rss_mb()] * 2)
            try:
                return fn(*a, **k)
            finally:
                self.step = outer

        return traced

    def install(self):
        """Trace each registry entry, the clock step and the evidence rows (by name)."""
        import dataclasses

        from siamlib import compute_cache, levels, raci
        from siamlib.measures import registry_integrator, registry_tower

        for mod in (registry_tower, registry_integrator):
            old = mod.ENTRIES
            new = tuple(
                dataclasses.replace(e, compute=self.wrap(e.measure, e.compute)) for e in old
            )
            mod.ENTRIES = new
            for fn in vars(mod).values():  # the loops take the entries as a default argument
                kw = getattr(fn, "__kwdefaults__", None)
                if kw and kw.get("entries") is old:
                    kw["entries"] = new
        compute_cache.clock_frames = self.wrap("clocks (clock_frames)", compute_cache.clock_frames)
        levels.level_rows = self.wrap("evidence: level_rows", levels.level_rows)
        levels.record_rows = self.wrap("evidence: record_rows", levels.record_rows)
        raci.scope_conformance_items = self.wrap(
            "evidence: scope items", raci.scope_conformance_items
        )


def measure(folder: str, period: str, profile: bool, memory: bool = False) -> dict:
    """Load and compute ``period`` from the dataset ``folder`` in this process."""
    import cProfile
    import io
    import pstats

    from siamlib import workbook
    from siamlib.params import load_params

    trace = _RssTrace() if memory else None
    if trace:
        trace.install()
    params = load_params()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages: dict = {}
    prof = cProfile.Profile() if profile else None
    cpu0, t0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    work = workbook.compute_period(folder, params, period, validate=False, stages=stages)
    if prof:
        prof.disable()
    out = {
        "load_s": stages["load"],
        "compute_s": stages["compute"],
        "wall_s": time.perf_counter() - t0,
        "cpu_s": time.process_time() - cpu0,
        "rss_before_mb": base,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tables_mb": sum(t.memory_usage(deep=True).sum() for t in work.tables.values()) / MB,
        "tickets": len(work.tables["tickets"]),
        "events": len(work.tables["ticket_events"]),
    }
    if trace:
        trace.step = "evidence (other)"
        work.evidence("board-summary")  # the batch builds every report's rows from this
        time.sleep(0.05)
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        top = sorted(trace.steps.items(), key=lambda kv: -kv[1][1])[:15]
        out["memory"] = [{"step": k, "start_mb": a, "peak_mb": b} for k, (a, b) in top]
    if prof:
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats("siamlib", 25)
        out["profile"] = text.getvalue()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="list the costliest siamlib calls")
    ap.add_argument("--memory", action="store_true", help="list the steps with the highest RSS")
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # internal: folder, period
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(*args.measure, args.profile, args.memory)))
        return

    from siamlib import demo
    from siamlib.params import load_params

    print(f"{'tickets':>10} {'events':>11} {'load s':>7} {'compute s':>9} {'cpu s':>7} "
          f"{'tables MB':>9} {'peak RSS MB':>11} {'peak / tables':>13}")  # fmt: skip
    for n in args.tickets:
        with tempfile.TemporaryDirectory(prefix="siam-bench-compute-") as tmp:
            demo.write_demo(tmp, n_tickets=n, seed=args.seed, params=load_params())
            cmd = [sys.executable, __file__, "--measure", tmp, args.period]
            proc = subprocess.run(
                cmd + ["--profile"] * args.profile + ["--memory"] * args.memory,
                capture_output=True,
                text=True,
                check=True,
            )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['tickets']:>10,} {r['events']:>11,} {r['load_s']:>7.1f} {r['compute_s']:>9.1f} "
            f"{r['cpu_s']:>7.1f} {r['tables_mb']:>9.0f} {r['peak_rss_mb']:>11.0f} "
            f"{r['peak_rss_mb'] / r['tables_mb']:>12.1f}x"
        )
        if args.profile:
            print(r["profile"])
        for m in r.get("memory", []):
            print(
                f"   {m['step']:<40} RSS at its start {m['start_mb']:>6.0f} MB, "
                f"peak {m['peak_mb']:>6.0f} MB"
            )


if __name__ == "__main__":
    main()
