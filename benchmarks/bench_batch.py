"""Measurements behind ``make bench``: our batch, the naive approach and the floor.

Three ways of producing the same number of reports from one demo estate:

- *ours*: :func:`siamlib.batch.run` (load, validate and compute once, per-report bundles,
  notebooks executed with papermill from Python in a process pool, HTML exported in-process).
  It runs in a fresh Python process (this file with ``--measure``) so that its peak RSS is the
  batch driver's own and not the benchmark's (which generated the estate).
- *naive*: per supplier and for the board, command-line ``papermill`` on the report notebook
  with no bundle (so each notebook loads, validates and computes all data itself through
  :func:`siamlib.workbook.open_report`) followed by command-line ``jupyter nbconvert --to html``,
  ``jobs`` at a time from a thread pool.
- *floor*: the same number of trivial notebooks (a parameters cell and ``import pandas,
  altair``) run through our own path (:func:`siamlib.batch.execute_jobs`, same parallelism).

Nothing here asserts a time; the functions return figures for :mod:`run_all` to print.
Run ``.venv/bin/python benchmarks/run_all.py --help`` for the command line.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# The --measure process imports siamlib from this checkout even without an editable install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BIN = Path(sys.executable).parent
MB = 1024 * 1024


def children_rusage() -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS in MB of waited-for descendants so far.

    ``ru_maxrss`` of ``RUSAGE_CHILDREN`` is the largest single descendant, not a sum.
    """
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


def self_rusage() -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS in MB of this process."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident set size of this process now (Linux ``/proc/self/statm``)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


class TreeMemorySampler:
    """Peak of the summed RSS of this process and all its descendants, sampled in a thread.

    ``RUSAGE_CHILDREN`` cannot give this: it reports the largest single descendant, and a child
    forked from a large driver inherits the driver's RSS as its own high-water mark. Summing RSS
    counts pages shared between processes more than once, so the figure errs high.
    """

    def __init__(self, interval: float = 0.25):
        import threading

        self.interval = interval
        self.peak_total_mb = 0.0
        self.peak_descendant_mb = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                self.peak_descendant_mb = max(self.peak_descendant_mb, rss / MB)
            self.peak_total_mb = max(self.peak_total_mb, total / MB)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- ours -------
def _measure_in_this_process(spec: dict) -> dict:
    """Run one batch and return its figures (called in the fresh ``--measure`` process)."""
    from siamlib import batch, io

    if spec.get("cache_dir"):  # the run's compute cache (workers inherit the environment)
        os.environ["SIAM_CACHE_DIR"] = spec["cache_dir"]
    rss_before = current_rss_mb()
    t0 = time.perf_counter()
    with TreeMemorySampler() as tree:
        result = batch.run(
            spec["period"],
            data_dir=spec["data_dir"],
            params_dir=spec.get("params_dir"),
            reports_dir=spec["reports_dir"],
            jobs=spec["jobs"],
            progress=False,
            timeout=spec["timeout"],
        )
    wall = time.perf_counter() - t0
    cpu_self, peak_self = self_rusage()
    cpu_children, peak_child = children_rusage()
    reports = {
        name: {
            "status": r["status"],
            "seconds": r.get("seconds"),
            "timings": r.get("timings", {}),
            "error": r.get("error"),
        }
        for name, r in result.reports.items()
    }
    # Read after the peak was taken: the same tables the driver held during the run.
    tables = io.read_dataset(spec["data_dir"])
    table_bytes = {k: int(df.memory_usage(deep=True).sum()) for k, df in tables.items()}
    return {
        "status": result.status,
        "figures_sha256": result.figures_sha256,
        "cache": result.cache,
        "stages": result.stages,
        "wall_s": wall,
        "cpu_driver_s": cpu_self,
        "cpu_workers_s": cpu_children,
        "rss_before_run_mb": rss_before,
        "peak_rss_driver_mb": peak_self,
        "peak_rss_largest_child_mb": peak_child,
        "peak_rss_tree_mb": tree.peak_total_mb,
        "peak_rss_largest_descendant_sampled_mb": tree.peak_descendant_mb,
        "tables_mb": sum(table_bytes.values()) / MB,
        "tables_mb_by_table": {k: v / MB for k, v in table_bytes.items()},
        "rows": {k: len(df) for k, df in tables.items()},
        "reports": reports,
    }


def measure_ours(
    data_dir: Path,
    reports_dir: Path,
    period: str,
    jobs: int,
    timeout: int,
    log: Path,
    cache_dir: Path | None = None,
    params_dir: Path | None = None,
) -> dict:
    """Run :func:`siamlib.batch.run` in a fresh process and return its figures.

    ``cache_dir``: the compute cache the run reads and writes (``SIAM_CACHE_DIR``).
    """
    spec = {
        "data_dir": str(data_dir),
        "reports_dir": str(reports_dir),
        "period": period,
        "jobs": jobs,
        "timeout": timeout,
        "cache_dir": str(cache_dir) if cache_dir else None,
        "params_dir": str(params_dir) if params_dir else None,
    }
    out = log.with_suffix(".json")
    with log.open("w") as fh:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", json.dumps(spec), str(out)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if proc.returncode != 0 or not out.exists():
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"batch measurement failed (exit {proc.returncode}):\n{tail}")
    return json.loads(out.read_text())


# --------------------------------------------------------------------------- naive ------
def naive_jobs(period: str, data_dir: Path, params_dir: Path) -> list[dict]:
    """One naive job per report of the batch: notebook and command-line parameters."""
    from siamlib import batch
    from siamlib.params import load_params

    params = load_params(params_dir)
    out = []
    for job in batch.plan_jobs(params, period, Path("unused"), Path("unused")):
        p = {"period": period, "data_dir": str(data_dir), "params_dir": str(params_dir)}
        if job.kind != "board":
            p["supplier_id"] = job.name
        out.append({"name": job.name, "notebook": job.notebook, "parameters": p})
    return out


def _naive_one(job: dict, work: Path) -> dict:
    """papermill CLI then nbconvert CLI for one report; every byte of data loaded here."""
    executed = work / f"{job['name']}.ipynb"
    cmd = [str(BIN / "papermill"), job["notebook"], str(executed), "--no-progress-bar"]
    for key, value in job["parameters"].items():
        cmd += ["-r", key, value]  # -r: raw strings (a period like 2026-10 stays a string)
    steps = {}
    t0 = time.perf_counter()
    log = work / f"{job['name']}.log"
    with log.open("w") as fh:
        for step, argv in (
            ("papermill", cmd),
            (
                "nbconvert",
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            ),
        ):
            t = time.perf_counter()
            proc = subprocess.run(argv, cwd=work, stdout=fh, stderr=subprocess.STDOUT, check=False)
            steps[step] = time.perf_counter() - t
            if proc.returncode != 0:
                return {
                    "status": "failed",
                    "seconds": time.perf_counter() - t0,
                    "timings": steps,
                    "error": f"{step} exit {proc.returncode}; see {log}",
                }
    return {"status": "ok", "seconds": time.perf_counter() - t0, "timings": steps}


def run_naive(period: str, data_dir: Path, params_dir: Path, work: Path, jobs: int) -> dict:
    """Run every naive job, ``jobs`` at a time; wall and CPU time of the whole set."""
    work.mkdir(parents=True, exist_ok=True)
    todo = naive_jobs(period, data_dir, params_dir)
    cpu0, _ = children_rusage()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = pool.map(lambda j: _naive_one(j, work), todo)
        results = dict(zip([j["name"] for j in todo], done, strict=True))
    wall = time.perf_counter() - t0
    cpu1, peak = children_rusage()
    return {
        "status": "ok" if all(r["status"] == "ok" for r in results.values()) else "failed",
        "total_s": wall,
        "cpu_s": cpu1 - cpu0,
        "peak_rss_largest_child_mb": peak,
        "reports": results,
    }


# --------------------------------------------------------------------------- floor ------
TRIVIAL_PARAMETERS = """\
# Parameters: the same names the report notebooks take.
supplier_id: str = ""
period: str = ""
bundle_dir: str = ""
params_dir: str = ""
"""


def write_trivial_notebook(path: Path) -> Path:
    """A notebook with a tagged parameters cell and ``import pandas, altair``; nothing else."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(TRIVIAL_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import pandas, altair")]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def run_floor(period: str, params_dir: Path, work: Path, jobs: int, timeout: int) -> dict:
    """As many trivial notebooks as the batch has reports, through our execute/export path."""
    from siamlib import batch
    from siamlib.params import load_params

    nb = write_trivial_notebook(work / "trivial.ipynb")
    planned = batch.plan_jobs(
        load_params(params_dir), period, work / "bundles", work, None, timeout
    )
    for job in planned:
        job.notebook = str(nb)
    cpu0, _ = children_rusage()
    t0 = time.perf_counter()
    # Cold kernels: the floor is what a notebook costs at least (kernel start and imports).
    outcomes = batch.execute_jobs(planned, jobs_n=jobs, progress=False, warm=False)
    wall = time.perf_counter() - t0
    cpu1, peak = children_rusage()
    reports = {
        n: {"status": o.status, "seconds": o.seconds, "timings": o.timings, "error": o.error}
        for n, o in outcomes.items()
    }
    return {
        "status": "ok" if all(r["status"] == "ok" for r in reports.values()) else "failed",
        "total_s": wall,
        "cpu_s": cpu1 - cpu0,
        "peak_rss_largest_child_mb": peak,
        "reports": reports,
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        figures = _measure_in_this_process(json.loads(sys.argv[2]))
        Path(sys.argv[3]).write_text(json.dumps(figures, indent=2, default=str))
    else:
        sys.exit("internal helper of benchmarks/run_all.py; run that instead")
