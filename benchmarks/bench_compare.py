"""Benchmark: contract what-if re-scoring (:mod:`siamlib.compare`) at 100,000 tickets.

Generates the demo estate (:func:`siamlib.demo.write_demo`, as ``siam demo-data --tickets
100000``) in a temporary folder, computes the months once under the current params
(:func:`siamlib.compare.prepare`, validation off: ``bench_validate.py`` times the gate), then
times the fast path: re-scoring 12 months under ``params/drafts/example`` (a draft changing
one level's minimum, so no clock or measure recomputation). Prints both times.

Usage::

    .venv/bin/python benchmarks/bench_compare.py [--tickets 100000] [--months 12]

Nothing is asserted; docs/performance.md records the measured numbers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from siamlib import compare, demo, paths
    from siamlib.params import load_params

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--period", default="2026-10")
    args = ap.parse_args()
    params = load_params()
    draft = load_params(paths.PARAMS_DIR / "drafts" / "example")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        folder = demo.write_demo(Path(tmp) / "data", n_tickets=args.tickets, seed=7)
        print(f"demo data, {args.tickets:,} tickets: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        replay = compare.prepare(args.period, args.months, params, folder, validate=False)
        print(
            f"compute once + score current, {args.months} months: {time.perf_counter() - t:.1f} s"
        )
        t = time.perf_counter()
        result = compare.against(replay, draft)
        seconds = time.perf_counter() - t
    print(
        f"re-score {args.months} months at {args.tickets:,} tickets under the draft "
        f"(change scope: {result.scope}): {seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
