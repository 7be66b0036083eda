"""Benchmark: evidence export (:func:`siamlib.evidence.write_evidence`), new writer against old.

The old writer is ``siamlib/evidence.py`` as it was before the workbook moved to xlsxwriter
(hand-written XML streamed into a zip), loaded from git history as a module of its own, so it
exists only inside this script. Both write the same frames: CSV per frame plus one XLSX.

Frames are built synthetically with the columns and types of the real evidence (the
``breaches`` frame of :mod:`siamlib.levels`, 16 columns: text, nullable integers, UTC
timestamps, floats, booleans; plus ``aged_tickets`` at a tenth of the rows and a small credit
ledger), so a size of N means N breach rows, about what a month of N tickets gives the
integrator's report. Generating a demo estate of a million tickets takes longer than the
export itself and adds nothing to the comparison.

Each writer runs in a forked child (one at a time): seconds (wall and CPU) and the peak extra
memory of the write (RSS sampled every 20 ms, minus the RSS before it) are reported side by
side with new / old ratios. Usage::

    .venv/bin/python benchmarks/bench_evidence.py                     # 100,000 and 1,000,000
    .venv/bin/python benchmarks/bench_evidence.py --rows 100000 --old-ref <commit>

Nothing is asserted; the load average is printed before and after each size.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from siamlib import evidence as new_evidence  # noqa: E402

TARGET = "siamlib/evidence.py"


def old_ref() -> str:
    """The newest commit whose evidence writer does not use xlsxwriter."""
    commits = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--format=%H", "--", TARGET],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for commit in commits:
        if "xlsxwriter" not in _source(commit):
            return commit
    raise SystemExit(f"no commit of {TARGET} without xlsxwriter; pass --old-ref")


def _source(ref: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{TARGET}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def load_old(ref: str):
    """The evidence module at ``ref``, importable only here (``siam_bench_old_evidence``)."""
    folder = Path(tempfile.mkdtemp(prefix="siam-old-evidence-"))
    path = folder / "old_evidence.py"
    path.write_text(_source(ref), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("siam_bench_old_evidence", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def frames(n: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Evidence frames of realistic width: ``n`` breach rows, ``n // 10`` aged tickets."""
    rng = np.random.default_rng(seed)
    suppliers = np.array(["euc", "hosting", "network", "applications", "service-desk"])
    levels = np.array([f"P{p}-{k}" for p in range(1, 5) for k in ("RESP", "RES")])
    start = pd.Timestamp("2026-10-01T00:00Z").value // 1000
    opened = start + rng.integers(0, 31 * 86_400_000_000, n)
    first = opened + rng.integers(60_000_000, 4 * 3_600_000_000, n)
    resolved = first + rng.integers(0, 5 * 86_400_000_000, n)
    resolved_ts = pd.to_datetime(resolved, unit="us", utc=True)
    resolved_ts = resolved_ts.where(rng.random(n) > 0.05)  # some still open
    target = rng.choice([4.0, 8.0, 24.0, 72.0], n)
    elapsed = np.round(rng.gamma(2.0, 10.0, n), 3)
    breaches = pd.DataFrame(
        {
            "supplier_id": pd.array(rng.choice(suppliers, n), dtype="str"),
            "service_level": pd.array(rng.choice(levels, n), dtype="str"),
            "measure": pd.array(np.full(n, "resolution_within_target"), dtype="str"),
            "scope": pd.array(np.full(n, "incidents"), dtype="str"),
            "ticket_id": pd.array([f"INC{i:07d}" for i in range(n)], dtype="str"),
            "priority": pd.array(rng.integers(1, 5, n), dtype="Int64"),
            "service": pd.array(rng.choice(["email", "payroll", "vpn", "crm"], n), dtype="str"),
            "opened_at": pd.to_datetime(opened, unit="us", utc=True),
            "first_response_at": pd.to_datetime(first, unit="us", utc=True),
            "resolved_at": resolved_ts,
            "status": pd.array(rng.choice(["resolved", "closed", "open"], n), dtype="str"),
            "target_h": target,
            "elapsed_h": elapsed,
            "breached": pd.array(elapsed > target, dtype="boolean"),
            "in_denominator": np.ones(n, dtype=bool),
            "in_numerator": elapsed <= target,
        }
    )
    aged = breaches.iloc[: n // 10][
        ["ticket_id", "supplier_id", "priority", "service", "opened_at", "status"]
    ].reset_index(drop=True)
    credits = pd.DataFrame(
        {
            "supplier_id": ["euc", "hosting"],
            "period": ["2026-10", "2026-10"],
            "line": ["credit", "credit"],
            "amount": [8640.0, 1800.0],
            "currency": ["GBP", "GBP"],
            "explanation": ["P1-RES 88.0% < minimum 90.0%: 30% x £28,800 = £8,640", "£1,800"],
        }
    )
    return {"breaches": breaches, "aged_tickets": aged, "credits": credits}


def _child(module_name: str, ref: str, data, folder: str, conn) -> None:
    module = new_evidence if module_name == "new" else load_old(ref)
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    c0, t0 = time.process_time(), time.perf_counter()
    paths = module.write_evidence(data, folder, "bench")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    stop.set()
    sampler.join()
    xlsx = [p for p in paths if p.suffix == ".xlsx"][0]
    conn.send(
        {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mb": (max(peak[0], proc.memory_info().rss) - base) / 2**20,
            "xlsx_mb": xlsx.stat().st_size / 2**20,
        }
    )
    conn.close()


def measure(module_name: str, ref: str, data) -> dict:
    ctx = mp.get_context("fork")  # the child shares the frames instead of copying them
    with tempfile.TemporaryDirectory() as folder:
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_child, args=(module_name, ref, data, folder, child))
        p.start()
        result = parent.recv()
        p.join()
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--old-ref", default=None, help="commit of the old writer (default: found)")
    args = ap.parse_args(argv)
    ref = args.old_ref or old_ref()
    print(f"old writer: {TARGET} at {ref[:10]}; new writer: working tree")
    head = (
        "| breach rows | cells | old s (cpu) | new s (cpu) | new / old s "
        "| old peak MB | new peak MB | new / old MB | old / new XLSX MB |"
    )
    lines = [head, "|" + "---|" * 9]
    for n in args.rows:
        data = frames(n)
        cells = sum(f.size for f in data.values())
        load0 = os.getloadavg()
        old = measure("old", ref, data)
        new = measure("new", ref, data)
        load1 = os.getloadavg()
        lines.append(
            f"| {n:,} | {cells:,} | {old['seconds']:.1f} ({old['cpu']:.1f}) "
            f"| {new['seconds']:.1f} ({new['cpu']:.1f}) | {new['seconds'] / old['seconds']:.2f}x "
            f"| {old['peak_mb']:.0f} | {new['peak_mb']:.0f} "
            f"| {new['peak_mb'] / max(old['peak_mb'], 1):.2f}x "
            f"| {old['xlsx_mb']:.1f} / {new['xlsx_mb']:.1f} |"
        )
        print(lines[-1], flush=True)
        print(
            f"  load average before {'/'.join(f'{x:.1f}' for x in load0)}, "
            f"after {'/'.join(f'{x:.1f}' for x in load1)}",
            flush=True,
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
