"""``make bench``: the monthly batch at several estate sizes, next to the naive way and the floor.

For each size a demo estate is generated (:func:`siamlib.demo.write_demo`) into a temporary
folder; then, in the same run and with the same parallelism:

1. *ours*: one :func:`siamlib.batch.run` with an empty compute cache, the *cold* run (stage
   timings, per-report seconds, peak RSS of the driver, peak summed RSS of the driver and all
   its workers and kernels, in-memory size of the loaded tables); then three incremental runs
   (:mod:`siamlib.compute_cache`): *unchanged* (the same inputs again), *levels changed* (one
   supplier's first service level with a lower minimum) and *appended month* (the period's
   tickets added to a history dataset whose previous month was run first, with its own cache);
2. *floor*: as many trivial notebooks (parameters cell + ``import pandas, altair``) through our
   execute/export path;
3. *naive*: command-line papermill + ``jupyter nbconvert`` per report, each notebook loading,
   validating and computing all data itself (only up to ``--naive-max-size``; never estimated).

One table is printed, and saved as JSON and Markdown under ``--out`` (``benchmarks/results/``,
git-ignored). Times are wall-clock seconds on whatever else the machine is doing; the load
average is recorded next to them. Nothing is asserted. Usage::

    .venv/bin/python benchmarks/run_all.py                       # 10k, 100k, 1M tickets
    SIAM_BENCH_QUICK=1 .venv/bin/python benchmarks/run_all.py    # 10k only
    .venv/bin/python benchmarks/run_all.py --sizes 10000 --jobs 2 --naive-max-size 0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_batch  # noqa: E402

from siamlib import paths  # noqa: E402

TARGETS = {
    "naive_over_ours": 8.0,  # at 1,000,000 tickets: at least
    "naive_over_appended": 8.0,  # at 1,000,000 tickets: at least
    "cold_over_appended": 3.0,  # at 1,000,000 tickets: at least
    "ours_over_floor": 1.3,  # per report: at most
    "growth": 1.1,  # time ratio / ticket ratio: at most (2x tickets -> at most 2.2x time)
    "memory": 3.0,  # peak RSS / tables in memory: at most
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    quick = os.environ.get("SIAM_BENCH_QUICK") == "1"
    ap = argparse.ArgumentParser(
        description="Batch benchmark: ours vs naive papermill/nbconvert CLI vs trivial floor."
    )
    ap.add_argument(
        "--sizes",
        default="10000" if quick else "10000,100000,1000000",
        help="comma-separated ticket counts (default: all three; 10000 when SIAM_BENCH_QUICK=1)",
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel reports (all three approaches)")
    ap.add_argument("--out", default=str(HERE / "results"), help="folder for JSON + Markdown")
    ap.add_argument(
        "--naive-max-size",
        type=int,
        default=1_000_000,
        help="measure the naive approach only up to this many tickets (never estimated beyond; "
        "default: every size, as the issue's 1M-ticket ratio needs it)",
    )
    ap.add_argument("--period", default="2026-10", help="reporting month of the batch")
    ap.add_argument("--seed", type=int, default=7, help="demo generator seed")
    ap.add_argument("--timeout", type=int, default=3600, help="per-cell timeout, seconds")
    ap.add_argument("--keep", action="store_true", help="keep the temporary estates and reports")
    return ap.parse_args(argv)


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def _mean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def _ok_seconds(reports: dict) -> list[float]:
    return [r["seconds"] for r in reports.values() if r["status"] == "ok"]


def measure_size(n: int, args: argparse.Namespace, root: Path) -> dict:
    """All three approaches on one freshly generated estate of ``n`` tickets."""
    from siamlib import demo

    work = root / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    row = {"tickets": n, "load_before": os.getloadavg()}
    print(f"\n== {n:,} tickets: generating the demo estate", flush=True)
    t0 = time.perf_counter()
    data_dir = demo.write_demo(work / "data", n_tickets=n, seed=args.seed)
    row["generate_s"] = time.perf_counter() - t0

    print(f"== {n:,} tickets: our batch (siamlib.batch.run, --jobs {args.jobs})", flush=True)
    cache = work / "cache"
    row["ours"] = _ours(n, "cold", data_dir, work, args, cache)
    row["unchanged"] = _ours(n, "unchanged", data_dir, work, args, cache)
    levels = _levels_changed(paths.PARAMS_DIR, work / "params-levels")
    row["levels"] = _ours(n, "levels", data_dir, work, args, cache, params_dir=levels)
    history = _history(data_dir, work / "history", args.period)
    previous = str(pd.Period(args.period, freq="M") - 1)
    _ours(n, "history", history, work, args, work / "cache-appended", period=previous)
    row["appended"] = _ours(n, "appended", data_dir, work, args, work / "cache-appended")

    print(f"== {n:,} tickets: floor (trivial notebooks, our path)", flush=True)
    row["floor"] = bench_batch.run_floor(
        args.period, paths.PARAMS_DIR, work / "floor", args.jobs, args.timeout
    )
    print(f"   status {row['floor']['status']}, total {row['floor']['total_s']:.1f} s", flush=True)

    if n <= args.naive_max_size:
        print(f"== {n:,} tickets: naive (papermill + nbconvert CLI per report)", flush=True)
        row["naive"] = bench_batch.run_naive(
            args.period, data_dir, paths.PARAMS_DIR, work / "naive", args.jobs
        )
        print(
            f"   status {row['naive']['status']}, total {row['naive']['total_s']:.1f} s",
            flush=True,
        )
    else:
        row["naive"] = {
            "status": "not measured",
            "reason": f"{n:,} tickets > --naive-max-size {args.naive_max_size:,}: every naive "
            "notebook loads, validates and computes the whole estate itself, which takes too "
            "long for a routine bench run; pass a larger --naive-max-size to measure it",
        }
    row["load_after"] = os.getloadavg()
    return row


def _ours(n, name, data_dir, work, args, cache, params_dir=None, period=None) -> dict:
    out = bench_batch.measure_ours(
        data_dir,
        work / f"reports-{name}",
        period or args.period,
        args.jobs,
        args.timeout,
        work / f"ours-{name}.log",
        cache_dir=cache,
        params_dir=params_dir,
    )
    hits = ", ".join(out["cache"].get("hits", [])) or "nothing"
    print(
        f"   {name}: status {out['status']}, total {out['stages'].get('total', 0):.1f} s, "
        f"read from the cache: {hits}",
        flush=True,
    )
    return out


def _levels_changed(params_dir: Path, out: Path) -> Path:
    """A copy of the params with hosting's first service level 1 point lower (minimum)."""
    import yaml

    shutil.copytree(params_dir, out, dirs_exist_ok=True)
    path = out / "contracts" / "hosting.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["service_levels"][0]["minimum"] -= 1
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out


def _history(data_dir: Path, out: Path, period: str) -> Path:
    """The dataset before ``period``'s tickets arrived: those tickets and their events removed,
    the window ending where the period starts (appending them gives ``data_dir`` back)."""
    import dataclasses

    from siamlib import io, periods
    from siamlib.params import load_params

    tables, info = io.read_dataset(data_dir), io.read_dataset_info(data_dir)
    start = periods.period_bounds(period, load_params().estate.timezone)[0]
    t = tables["tickets"]
    new = t.loc[t["opened_at"] >= start, "ticket_id"]
    e = tables["ticket_events"]
    tables["tickets"] = t[t["opened_at"] < start]
    tables["ticket_events"] = e[~e["ticket_id"].isin(new)]
    io.write_dataset(out, tables, dataclasses.replace(info, window_end=start.isoformat()))
    return out


def derive(rows: list[dict]) -> list[dict]:
    """The table's figures (ratios against targets) from the measured rows."""
    out = []
    prev = None
    for row in rows:
        ours, floor, naive = row["ours"], row["floor"], row["naive"]
        st = ours["stages"]
        total = st.get("total")
        per_report = _mean(_ok_seconds(ours["reports"]))
        floor_per = _mean(_ok_seconds(floor["reports"]))
        peak_driver = ours["peak_rss_driver_mb"]
        d = {
            "tickets": row["tickets"],
            "events": ours["rows"].get("ticket_events"),
            "status": ours["status"],
            "stages_s": {k: round(v, 2) for k, v in st.items()},
            "total_s": total,
            "reports": len(ours["reports"]),
            "reports_ok": len(_ok_seconds(ours["reports"])),
            "per_report_mean_s": per_report,
            "cpu_s": ours["cpu_driver_s"] + ours["cpu_workers_s"],
            "peak_rss_driver_mb": peak_driver,
            "peak_rss_largest_child_mb": ours["peak_rss_largest_child_mb"],
            "peak_rss_tree_mb": ours.get("peak_rss_tree_mb"),
            "rss_before_run_mb": ours["rss_before_run_mb"],
            "tables_mb": ours["tables_mb"],
            "memory_ratio": peak_driver / ours["tables_mb"] if ours["tables_mb"] else None,
            "floor_total_s": floor["total_s"],
            "floor_per_report_s": floor_per,
            "floor_status": floor["status"],
            "floor_cpu_s": floor["cpu_s"],
            "ours_over_floor": per_report / floor_per if per_report and floor_per else None,
            "naive_status": naive["status"],
            "naive_total_s": naive.get("total_s"),
            "naive_cpu_s": naive.get("cpu_s"),
            "naive_per_report_s": _mean(_ok_seconds(naive.get("reports", {}))),
            "naive_reason": naive.get("reason"),
            "naive_over_ours": (
                naive["total_s"] / total
                if naive["status"] == "ok" and total and ours["status"] == "ok"
                else None
            ),
            "naive_over_appended": (
                naive["total_s"] / row["appended"]["stages"]["total"]
                if naive["status"] == "ok" and row["appended"]["status"] == "ok"
                else None
            ),
            "cold_over_appended": (
                total / row["appended"]["stages"]["total"]
                if total and row["appended"]["status"] == "ok"
                else None
            ),
            "unchanged_s": row["unchanged"]["stages"].get("total"),
            "levels_s": row["levels"]["stages"].get("total"),
            "appended_s": row["appended"]["stages"].get("total"),
            "cache_reads": {
                k: row[k]["cache"].get("hits", []) for k in ("unchanged", "levels", "appended")
            },
            "same_figures": {
                k: row[k]["figures_sha256"] == ours["figures_sha256"]
                for k in ("unchanged", "appended")
            },
            "growth": None,
            "load_before": row["load_before"],
            "load_after": row["load_after"],
        }
        if prev is not None and prev["total_s"] and total:
            d["growth"] = (total / prev["total_s"]) / (row["tickets"] / prev["tickets"])
        out.append(d)
        prev = d
    return out


def _f(x, fmt: str = "{:.1f}", none: str = "-") -> str:
    return none if x is None else fmt.format(x)


def _verdict(x, target: float, at_most: bool) -> str:
    if x is None:
        return ""
    return " ok" if (x <= target if at_most else x >= target) else " MISSED"


COLUMNS = [
    "tickets",
    "load / validate / compute / bundles+evidence / render (s)",
    "total batch (s)",
    "per report mean (s)",
    "peak RSS driver (MB)",
    "peak RSS driver + workers + kernels (MB)",
    "tables in memory (MB)",
    "naive total (s)",
    "floor total (s)",
    "naive / ours (>= 8x at 1M)",
    "per report ours / floor (<= 1.3x)",
    "time ratio / ticket ratio (<= 1.1)",
    "peak RSS / tables (<= 3x)",
    "cold / unchanged / levels changed / appended month (s)",
    "naive / appended (>= 8x at 1M)",
    "cold / appended (>= 3x at 1M)",
]


def table_rows(derived: list[dict]) -> list[list[str]]:
    rows = []
    for d in derived:
        st = d["stages_s"]
        stages = " / ".join(
            _f(st.get(k)) for k in ("load", "validate", "compute", "bundles_and_evidence", "render")
        )
        naive = (
            _f(d["naive_total_s"])
            if d["naive_status"] == "ok"
            else ("not measured" if d["naive_status"] == "not measured" else "FAILED")
        )
        ratio_naive = _f(d["naive_over_ours"], "{:.2f}x")
        if d["naive_over_ours"] is not None and d["tickets"] >= 1_000_000:
            ratio_naive += _verdict(d["naive_over_ours"], TARGETS["naive_over_ours"], False)
        status = (
            "" if d["status"] == "ok" else f" ({d['status']}: {d['reports_ok']}/{d['reports']})"
        )
        rows.append(
            [
                f"{d['tickets']:,}",
                stages,
                _f(d["total_s"]) + status,
                _f(d["per_report_mean_s"]),
                _f(d["peak_rss_driver_mb"], "{:.0f}"),
                _f(d["peak_rss_tree_mb"], "{:.0f}"),
                _f(d["tables_mb"], "{:.1f}"),
                naive,
                _f(d["floor_total_s"]),
                ratio_naive,
                _f(d["ours_over_floor"], "{:.2f}x")
                + _verdict(d["ours_over_floor"], TARGETS["ours_over_floor"], True),
                _f(d["growth"], "{:.2f}") + _verdict(d["growth"], TARGETS["growth"], True),
                _f(d["memory_ratio"], "{:.1f}x")
                + _verdict(d["memory_ratio"], TARGETS["memory"], True),
                " / ".join(_f(d[k]) for k in ("total_s", "unchanged_s", "levels_s", "appended_s")),
                _at_1m(d, "naive_over_appended"),
                _at_1m(d, "cold_over_appended"),
            ]
        )
    return rows


def _at_1m(d: dict, key: str) -> str:
    text = _f(d[key], "{:.2f}x")
    if d[key] is not None and d["tickets"] >= 1_000_000:
        text += _verdict(d[key], TARGETS[key], False)
    return text


def markdown(derived: list[dict], meta: dict) -> str:
    rows = table_rows(derived)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    notes = [
        f"Machine: {meta['cpus']} CPUs, Python {meta['python']}, commit {meta['git_commit']}, "
        f"--jobs {meta['jobs']}, period {meta['period']}, started {meta['started']}.",
        "Load average (1/5/15 min) before and after each size: "
        + "; ".join(
            f"{d['tickets']:,}: {_loads(d['load_before'])} -> {_loads(d['load_after'])}"
            for d in derived
        )
        + ". Wall times on a shared machine: a load above the CPU count inflates every column.",
        "CPU seconds (driver + workers, steadier than wall time on a busy machine): "
        + "; ".join(
            f"{d['tickets']:,}: ours {d['cpu_s']:.1f}, floor {d['floor_cpu_s']:.1f}"
            + (f", naive {d['naive_cpu_s']:.1f}" if d["naive_cpu_s"] is not None else "")
            for d in derived
        )
        + ".",
        "Read from the compute cache (unchanged; levels changed; appended month), and whether "
        "the figures file equals the cold run's: "
        + "; ".join(
            f"{d['tickets']:,}: "
            + "; ".join(", ".join(v) or "nothing" for v in d["cache_reads"].values())
            + f" (same figures: {d['same_figures']})"
            for d in derived
        )
        + ".",
        "Driver RSS before the run (interpreter and imports, included in its peak): "
        + "; ".join(f"{d['tickets']:,}: {d['rss_before_run_mb']:.0f} MB" for d in derived)
        + ".",
    ]
    notes += [
        f"Naive at {d['tickets']:,}: {d['naive_reason']}."
        for d in derived
        if d["naive_status"] == "not measured"
    ]
    return "\n".join(lines) + "\n\n" + "\n\n".join(notes) + "\n"


def _loads(t) -> str:
    return "/".join(f"{x:.1f}" for x in t)


def print_table(derived: list[dict]) -> None:
    rows = [COLUMNS] + table_rows(derived)
    # Transposed (one line per figure): thirteen columns do not fit a terminal.
    width = max(len(c) for c in COLUMNS)
    print()
    for i, name in enumerate(COLUMNS):
        cells = [r[i] for r in rows[1:]]
        print(f"{name:<{width}}  " + "  ".join(f"{c:>24}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "git_commit": _git_commit(),
        "jobs": args.jobs,
        "period": args.period,
        "sizes": sizes,
        "naive_max_size": args.naive_max_size,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }
    root = Path(tempfile.mkdtemp(prefix="siam-bench-"))
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    raw: list[dict] = []
    try:
        for n in sizes:
            raw.append(measure_size(n, args, root))
            derived = derive(raw)
            # Saved after every size: a long run interrupted later keeps what it measured.
            payload = {"meta": meta, "table": derived, "raw": raw}
            for name in (f"bench-{stamp}", "latest"):
                (out_dir / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
                (out_dir / f"{name}.md").write_text(markdown(derived, meta))
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    derived = derive(raw)
    print_table(derived)
    print()
    print(markdown(derived, meta).split("\n\n", 1)[1])
    print(f"saved {out_dir / f'bench-{stamp}.json'} and .md (also latest.json, latest.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
