"""Benchmark: the clock step locally and in supplier partitions on a Dask LocalCluster.

Times :func:`siamlib.clocks.clocks_and_attribution` on a whole demo estate in this process,
then :func:`siamlib.scale_out.clocks_and_attribution` on a ``LocalCluster`` (worker processes,
scheduler on loopback), and each partition's own compute time on its worker, so that the
per-partition costs can be scaled to a larger estate and cluster (docs/performance.md). Also
prints the driver's other stages at this size for the estimate (one ``compute_period`` without
the gate and without a cluster). Prints a table; asserts nothing. Usage::

    .venv/bin/python benchmarks/bench_scale_out.py --tickets 1000000 --workers 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from siamlib import clocks, demo, io, periods, scale_out, workbook  # noqa: E402
from siamlib.params import load_params  # noqa: E402


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--period", default="2026-10")
    args = ap.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    params = load_params()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        data = demo.write_demo(Path(tmp) / "data", n_tickets=args.tickets, seed=7)
        print(f"generated {args.tickets:,} tickets in {time.perf_counter() - t0:.1f} s")
        tables = io.read_dataset(data)
        tickets, events = tables["tickets"], tables["ticket_events"]
        as_of = periods.period_bounds(args.period, params.estate.timezone)[1]
        _, local_s = _timed(clocks.clocks_and_attribution, tickets, events, params, as_of)

        stages: dict = {}
        workbook.compute_period(data, params, args.period, validate=False, stages=stages)

        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            _, cluster_s = _timed(
                scale_out.clocks_and_attribution, client, tickets, events, params, as_of
            )
            rows = []
            for supplier, part, part_events in scale_out.partitions(tickets, events):
                t = time.perf_counter()
                tf, ef = client.scatter([part, part_events])
                scatter_s = time.perf_counter() - t
                fut = client.submit(_timed, clocks.clocks_and_attribution, tf, ef, params, as_of)
                (_, worker_s) = fut.result()
                rows.append((supplier, len(part), len(part_events), scatter_s, worker_s))

    print(f"\nestate: {len(tickets):,} tickets, {len(events):,} events, {args.workers} workers")
    print(f"clock step locally: {local_s:.1f} s; on the cluster, all partitions: {cluster_s:.1f} s")
    print(
        "driver stages of one compute without the gate (s): "
        + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    )
    print(f"\n{'partition':<14}{'tickets':>10}{'events':>12}{'scatter s':>11}{'worker s':>10}")
    for supplier, n_t, n_e, sc, ws in rows:
        print(f"{supplier!s:<14}{n_t:>10,}{n_e:>12,}{sc:>11.2f}{ws:>10.2f}")
    total_worker = sum(r[4] for r in rows)
    print(f"\nsum of partition compute: {total_worker:.1f} s; per ticket: "
          f"{total_worker / len(tickets) * 1e6:.1f} us")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
