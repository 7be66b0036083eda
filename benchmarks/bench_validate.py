"""Benchmark: the data-quality gate (:func:`siamlib.quality.validate`) on demo estates.

Times one validation of the whole dataset (every rule of the catalogue, with the per-supplier
breakdown), as the batch driver runs it once per monthly run. ``import great_expectations`` is
timed separately (it is paid once per driver process). Two scenarios per size:

- *clean*: the demo estate as generated (no rule fails: one GX pass per table);
- *dirty*: the same with 1% of tickets given priority 9 and 1% of events pointed at a missing
  ticket (two rules fail for every supplier, so the second, per-supplier pass runs).

Usage::

    .venv/bin/python benchmarks/bench_validate.py                      # 20,000 and 1,000,000
    .venv/bin/python benchmarks/bench_validate.py --tickets 20000

Data come from :func:`siamlib.demo.generate`. The script prints a table and never asserts times. The
*cpu* column (process CPU time) is steadier than wall time on a busy machine.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from siamlib import demo, quality  # noqa: E402
from siamlib.params import load_params  # noqa: E402


def dirty(tables: dict[str, pd.DataFrame], share: float = 0.01, seed: int = 1) -> dict:
    """A copy of ``tables`` with ``share`` of priorities out of range and of events orphaned."""
    rng = np.random.default_rng(seed)
    out = dict(tables)
    tk = tables["tickets"].copy()
    pick = rng.random(len(tk)) < share
    tk.loc[pick, "priority"] = 9
    ev = tables["ticket_events"].copy()
    pick_ev = rng.random(len(ev)) < share
    ev.loc[pick_ev, "ticket_id"] = "MISSING"
    out["tickets"], out["ticket_events"] = tk, ev
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, nargs="*", default=[20_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    params = load_params()
    window = demo.window(params)
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401 - timed on purpose: the driver pays it once

    gx_import = time.perf_counter() - t0
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, GX import {gx_import:.1f} s"
    )
    print(
        f"{'tickets':>10} {'events':>11} {'all rows':>11} {'scenario':>8} {'rules':>6} "
        f"{'failed':>6} {'generate s':>10} {'validate s':>10} {'cpu s':>7}"
    )
    for n in args.tickets:
        t0 = time.perf_counter()
        tables = demo.generate(n_tickets=n, seed=args.seed, params=params)
        gen = time.perf_counter() - t0
        rows = sum(len(df) for df in tables.values())
        for scenario, data in (("clean", tables), ("dirty", dirty(tables))):
            t0, c0 = time.perf_counter(), time.process_time()
            result = quality.validate(data, params, window)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            res = result.results
            failed = res.loc[(res["supplier_id"] == quality.ALL) & ~res["passed"], "rule_id"]
            print(
                f"{n:>10,} {len(tables['ticket_events']):>11,} {rows:>11,} {scenario:>8} "
                f"{res['rule_id'].nunique():>6} {len(failed):>6} {gen:>10.1f} {took:>10.1f} "
                f"{cpu:>7.1f}"
            )
            if scenario == "dirty":
                print(f"{'':>10} failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
