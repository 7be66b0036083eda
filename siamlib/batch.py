"""The monthly batch: load, validate and compute once, then render every report in parallel.

One driver process loads the dataset and params, runs the data-quality gate once, computes
every measure once, and writes a small per-report input bundle (only that supplier's rows).
Report notebooks then run in parallel worker processes (or on a Dask cluster), each loading
just its bundle; HTML is exported in the worker, in-process.

Outputs are published atomically: a run is written into ``reports/.runs/<period>-<run id>/``
and ``reports/<period>`` is a symbolic link switched to it in one ``rename`` when the run is
complete, so a reader (or a crash, or ``kill -9``) never sees a half-written pack. A run limited
to some suppliers carries the other suppliers' reports over from the previous run.

Besides the reports, evidence, ``index.html`` and ``manifest.json``, every run folder holds
``figures.csv`` (:mod:`siamlib.figures`, the same bytes as ``siam figures``; the manifest's
``figures_sha256`` is its SHA-256), ``data-quality.json`` (the gate's full results) and
``bundles/<report>/`` (each report's input, which ``siam send`` delivers), all from the one
computation the reports use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from siamlib import __version__, cache, figures, index, io, kernels, levels, paths, quality, report
from siamlib.common import BOARD, FIGURES_NAME
from siamlib.params import Params, load_params, params_files
from siamlib.periods import check_period

NOTEBOOKS = {
    "tower": paths.NOTEBOOKS_DIR / "supplier_report.ipynb",
    "integrator": paths.NOTEBOOKS_DIR / "integrator_report.ipynb",
    "board": paths.NOTEBOOKS_DIR / "board_summary.ipynb",
}
BUNDLES = "bundles"  # bundles/<report>/ in the run folder: what delivery sends
QUALITY_NAME = index.QUALITY_NAME  # the gate's full results (quality.to_json)
CHANGES_NAME = index.CHANGES_NAME  # a re-issue's changed figures (siamlib.reissue)


class ReportsFolderError(ValueError):
    """The reports folder cannot be written (not a folder, read-only, full): nothing published.

    A ``ValueError`` like the other bad-input errors, so ``siam run`` reports it in one line
    with exit code 2 instead of a traceback.
    """


def check_reports_folder(reports_dir: Path) -> None:
    """Fail fast, before any work, when ``reports_dir`` cannot hold a new run.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "a-file"
    >>> _ = f.write_text("x")
    >>> check_reports_folder(f / "reports")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siamlib.batch.ReportsFolderError: reports folder .../a-file/reports: cannot write there (...)
    """
    runs = Path(reports_dir) / ".runs"
    try:
        runs.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=runs):
            pass
    except OSError as exc:
        raise ReportsFolderError(
            f"reports folder {reports_dir}: cannot write there ({exc.strerror or exc})"
        ) from exc


def _folder_error(reports_dir: Path, run_folder: Path, exc: OSError) -> ReportsFolderError:
    # Drop the unpublished run at once: on a full disk its files are what is in the way.
    shutil.rmtree(run_folder, ignore_errors=True)
    where = exc.filename or reports_dir
    return ReportsFolderError(
        f"reports folder {reports_dir}: cannot write {where} ({exc.strerror or exc}); "
        "nothing was published"
    )


@dataclass
class Job:
    """One report to render."""

    name: str  # report name: supplier id or "board-summary"
    kind: str  # tower | integrator | board
    notebook: str
    parameters: dict
    out_html: str
    title: str
    timeout: int = 600


@dataclass
class RunResult:
    """What a batch run did; also written as ``manifest.json``."""

    period: str
    run_id: str
    folder: str
    status: str = "ok"  # ok | failed
    reports: dict[str, dict] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    figures_sha256: str = ""
    # A re-issue (siamlib.reissue): the published run whose figures this one changes
    # (run_id, folder under .runs/, date) and how many figures changed; empty otherwise.
    supersedes: dict = field(default_factory=dict)
    # Every record-counted level against its evidence rows (siamlib.levels.reconcile).
    reconciliation: dict = field(default_factory=dict)
    # What the compute stage read from its cache and what it computed (siamlib.compute_cache).
    cache: dict = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [n for n, r in self.reports.items() if r["status"] != "ok"]

    @property
    def blocked(self) -> list[str]:
        return [n for n, r in self.reports.items() if r["status"] == "blocked"]

    @property
    def exit_code(self) -> int:
        """0 when all is well; 1 when a report failed or was blocked (also in a dry run)."""
        if self.status == "dry-run":
            return 1 if self.blocked else 0
        unbacked = bool(self.reconciliation.get("mismatches"))  # a figure its evidence lacks
        return 1 if self.failed or self.status != "ok" or unbacked else 0


def run_job(job: Job) -> report.ReportOutcome:
    """Render one report (runs in a worker process or on a Dask worker).

    Takes a warm kernel when this process has one (:mod:`siamlib.kernels`).
    """
    return report.render(
        job.notebook,
        job.parameters,
        job.out_html,
        title=job.title,
        name=job.name,
        timeout=job.timeout,
        km=kernels.take(),
    )


def _worker_ready() -> None:
    """A no-op job: submitting one per worker starts every worker (and its warm-up) now."""


@contextlib.contextmanager
def render_pool(n_reports: int, jobs_n: int = 2, executor: str = "local", warm: bool = True):
    """The local render workers, started now so they warm kernels while the driver computes.

    Yields ``None`` when reports do not run in local worker processes (Dask, or ``jobs_n``
    of 1, or no report), and then :func:`execute_jobs` starts kernels as reports need them.
    The workers warm at most ``n_reports`` kernels between them (none if not ``warm``); on
    leaving, warming stops and kernels not taken are shut down
    (:func:`siamlib.kernels.warm_worker`).
    """
    if executor != "local" or jobs_n <= 1 or n_reports <= 0:
        yield None
        return
    import multiprocessing as mp

    # spawn: workers must not inherit the driver's large frames or threads.
    ctx = mp.get_context("spawn")
    budget, stop = ctx.Value("i", n_reports if warm else 0), ctx.Event()
    pool = ProcessPoolExecutor(
        max_workers=jobs_n, mp_context=ctx, initializer=kernels.warm_worker, initargs=(budget, stop)
    )
    try:
        for _ in range(jobs_n):  # workers are spawned on demand: one no-op job each
            pool.submit(_worker_ready)
        yield pool
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


def _versions() -> dict:
    """Versions of the workbook, Python, every package that can change a figure
    (:func:`siamlib.cache.package_versions`) and the git commit of the checkout."""
    out = {"siamlib": __version__, **cache.package_versions()}
    try:
        out["git_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out["git_commit"] = None
    return out


def input_hashes(data_dir: Path, params_dir: Path) -> dict:
    """SHA-256 of every input file (dataset and params), for the manifest and provenance."""
    return {
        "data_dir": str(data_dir),
        "params_dir": str(params_dir),
        "data": io.dataset_hashes(data_dir),
        "params": {
            str(p.relative_to(params_dir)): io.sha256_file(p) for p in params_files(params_dir)
        },
    }


def plan_jobs(
    params: Params,
    period: str,
    bundles_dir: Path,
    out_dir: Path,
    suppliers: list[str] | None = None,
    timeout: int = 600,
) -> list[Job]:
    """The reports to render: one per tower, the integrator's, and the board summary."""
    estate = params.estate
    wanted = set(suppliers) if suppliers else None
    jobs = []
    for s in estate.suppliers:
        if wanted is not None and s.id not in wanted:
            continue
        kind = "integrator" if s.role == "integrator" else "tower"
        jobs.append(
            Job(
                name=s.id,
                kind=kind,
                notebook=str(NOTEBOOKS[kind]),
                parameters={
                    "supplier_id": s.id,
                    "period": period,
                    "bundle_dir": str(bundles_dir / s.id),
                    "params_dir": str(params.root),
                },
                out_html=str(out_dir / f"{s.id}.html"),
                title=f"{s.name}: performance report {period}",
                timeout=timeout,
            )
        )
    if wanted is None or BOARD in wanted:
        jobs.append(
            Job(
                name=BOARD,
                kind="board",
                notebook=str(NOTEBOOKS["board"]),
                parameters={
                    "period": period,
                    "bundle_dir": str(bundles_dir / BOARD),
                    "params_dir": str(params.root),
                },
                out_html=str(out_dir / f"{BOARD}.html"),
                title=f"{estate.name}: board summary {period}",
                timeout=timeout,
            )
        )
    return jobs


def execute_jobs(
    jobs: list[Job],
    jobs_n: int = 2,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    pool: ProcessPoolExecutor | None = None,
    warm: bool = True,
) -> dict[str, report.ReportOutcome]:
    """Run report jobs in parallel; a failing job never stops the others.

    ``pool``: local workers already started (:func:`render_pool`, warm kernels); without it,
    a pool of ``jobs_n`` workers is started here, warming kernels unless ``warm`` is false.
    """
    from tqdm import tqdm

    outcomes: dict[str, report.ReportOutcome] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
    if executor == "dask":
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futures = {client.submit(run_job, j, pure=False): j for j in jobs}
            for fut in dask_completed(futures):
                job = futures[fut]
                try:
                    outcomes[job.name] = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker fails one report
                    outcomes[job.name] = report.ReportOutcome(
                        job.name, "failed", error=f"{type(exc).__name__}: {exc}"
                    )
                bar.update(1)
    elif jobs_n <= 1:
        for job in jobs:
            outcomes[job.name] = run_job(job)
            bar.update(1)
    else:
        with contextlib.ExitStack() as stack:
            if pool is None:
                pool = stack.enter_context(render_pool(len(jobs), jobs_n, warm=warm))
            futures = {pool.submit(run_job, j): j for j in jobs}
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    outcomes[job.name] = fut.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails one report
                    outcomes[job.name] = report.ReportOutcome(
                        job.name, "failed", error=f"{type(exc).__name__}: {exc}"
                    )
                bar.update(1)
    bar.close()
    return outcomes


def _publish(period_link: Path, run_folder: Path) -> None:
    """Point ``reports/<period>`` at ``run_folder`` atomically (symlink + rename)."""
    tmp = period_link.with_name(f".{period_link.name}.{uuid.uuid4().hex}.link")
    os.symlink(os.path.relpath(run_folder, period_link.parent), tmp)
    if period_link.exists() and not period_link.is_symlink():
        # A plain folder from an older layout: move it aside, never delete a user's files.
        period_link.rename(period_link.with_name(f"{period_link.name}.old-{uuid.uuid4().hex[:8]}"))
    os.replace(tmp, period_link)


def _previous_run(period_link: Path) -> Path | None:
    if period_link.is_symlink():
        target = period_link.resolve()
        if (target / "manifest.json").exists():
            return target
    return None


def render_index(
    result: RunResult, params: Params, standings: list[dict] | None = None, quality: bool = True
) -> str:
    """The pack's ``index.html`` (:func:`siamlib.index.render_index`): the board summary
    first, then the suppliers worst first with their RAG and credit (``standings``); what the
    run checked, with a link to the data-quality gate's report when it ran (``quality``)."""
    return index.render_index(result, params.estate.name, standings, quality)


class _StageLog(dict):
    r"""Stage timings that also say each finished step on stderr (``--progress``).

    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     _StageLog()["load"] = 1.25
    >>> err.getvalue()
    'load: done in 1.2 s\n'
    """

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        print(f"{str(key).replace('_', ' ')}: done in {value:.1f} s", file=sys.stderr, flush=True)


def run(
    period: str,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
    reports_dir: Path | str | None = None,
    suppliers: list[str] | None = None,
    jobs: int = 2,
    dry_run: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = True,
    timeout: int = 600,
    use_cache: bool = True,
) -> RunResult:
    """Run the monthly batch for ``period``; see the module docstring.

    Raises :class:`siamlib.params.ParamsError` (bad params), ``FileNotFoundError``
    (no dataset) or :class:`ReportsFolderError` (reports folder not writable) before any work
    starts; :class:`ReportsFolderError` also when writing the run fails (disk full), with
    nothing published. Report failures do not raise: they are in the result, whose
    ``exit_code`` is 1 when anything failed. ``use_cache``: read and write the compute
    stage's cache (:mod:`siamlib.compute_cache`, in :func:`siamlib.cache.default_dir`) and
    reuse evidence workbooks whose cells are unchanged (:func:`siamlib.evidence.write_workbook`).
    """
    from siamlib import workbook

    check_period(period)
    t0 = time.perf_counter()
    data_dir = Path(data_dir) if data_dir else paths.DEMO_DATA_DIR
    params_dir = Path(params_dir) if params_dir else paths.PARAMS_DIR
    reports_dir = Path(reports_dir) if reports_dir else paths.REPORTS_DIR
    params = load_params(params_dir)
    known = {s.id for s in params.estate.suppliers} | {BOARD}
    unknown = sorted(set(suppliers or []) - known)
    if unknown:
        raise ValueError(f"--suppliers: unknown supplier(s) {', '.join(unknown)}")
    io.read_dataset_info(data_dir)  # fails early with a clear message if not a dataset
    if not dry_run:
        check_reports_folder(reports_dir)
    cache_dir = cache.default_dir() if use_cache else None
    if cache_dir is not None:  # written and pruned as the run goes: never among its files
        cache.check_location(
            cache_dir, data=data_dir, params=params_dir, reports=reports_dir, source_tree=paths.ROOT
        )

    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    run_folder = reports_dir / ".runs" / f"{period}-{run_id}"
    result = RunResult(period=period, run_id=run_id, folder=str(run_folder))
    result.versions = _versions()
    result.inputs = input_hashes(data_dir, params_dir)
    if progress:  # a line per step on stderr while the period is computed
        result.stages = _StageLog(result.stages)
    stages = result.stages
    stages["load_params"] = time.perf_counter() - t0

    jobs_list = plan_jobs(params, period, run_folder / BUNDLES, run_folder, suppliers, timeout)
    # Render workers start now and warm kernels on the other core while the driver computes.
    with render_pool(0 if dry_run else len(jobs_list), jobs, executor) as pool:
        # One core: no gate beside the compute (--jobs 1 asks for a single process).
        beside = None if jobs >= 2 else False
        work = workbook.compute_period(
            data_dir,
            params,
            period,
            stages=stages,
            beside=beside,
            cache_dir=cache_dir,
            data_hashes=result.inputs["data"],
            scheduler=scheduler if executor == "dask" else None,
        )
        result.cache = work.cache_use
        figures_text = figures.to_csv_text(figures.figures_frame(work))
        result.figures_sha256 = figures.text_sha256(figures_text)
        if dry_run:
            for j in jobs_list:
                reason = work.blocking_reason(j.name)
                entry = {"status": "blocked" if reason else "planned", "title": j.title}
                entry["kind"] = j.kind
                if reason:
                    entry["error"] = reason
                result.reports[j.name] = entry
            result.status = "dry-run"
            return result

        t = time.perf_counter()
        blocked = {}
        standings = None  # the board's standing of each supplier, when the board is built
        cards = [c for c in work.cards.values() if not c.empty]
        if cards:
            rec = levels.reconcile(
                pd.concat(cards, ignore_index=True), work.evidence(BOARD)["levels"]
            )
            result.reconciliation = levels.reconciliation_summary(rec)
            for line in result.reconciliation["mismatches"]:
                print(f"evidence does not reconcile: {line}", file=sys.stderr)
        changes = _reissue(_previous_run(reports_dir / period), figures_text, result)
        try:
            run_folder.mkdir(parents=True, exist_ok=True)
            # The figures and the gate's results come from the same Work the reports use.
            io.write_text_atomic(run_folder / FIGURES_NAME, figures_text)
            if changes is not None:
                io.write_text_atomic(
                    run_folder / CHANGES_NAME, changes.to_csv(index=False, lineterminator="\n")
                )
            if work.quality is not None:
                io.write_json_atomic(run_folder / QUALITY_NAME, quality.to_json(work.quality))
                # Every rule and its result; the reports show the failures and link here.
                io.write_text_atomic(
                    run_folder / quality.APPENDIX_NAME,
                    quality.render_appendix_html(
                        work.quality,
                        f"Data quality, {period}",
                        {s.id: s.name for s in params.estate.suppliers},
                        stopped=work.stopped_reports(),
                    ),
                )
            for job in jobs_list:
                reason = work.blocking_reason(job.name)
                if reason:
                    blocked[job.name] = reason
                    continue
                bundle = _with_changes(work.bundle(job.name), changes, result.supersedes)
                if job.name == BOARD:  # the index shows the board's order, RAG and credits
                    standings = index.standing(bundle)
                workbook.save_bundle(bundle, Path(job.parameters["bundle_dir"]))
            # Each report's evidence (CSVs and workbook) in a render worker, beside the others.
            evidence = {
                j.name: workbook.write_evidence(
                    work,
                    j.name,
                    run_folder / "evidence",
                    submit=pool.submit if pool else None,
                    cache_dir=cache_dir,
                )
                for j in jobs_list
                if j.name not in blocked
            }
        except OSError as exc:
            raise _folder_error(reports_dir, run_folder, exc) from exc
        stages["bundles_and_evidence"] = time.perf_counter() - t

        t = time.perf_counter()
        runnable = [j for j in jobs_list if j.name not in blocked]
        report.vega_bundle()  # build the page bundle once here, not once per worker
        outcomes = execute_jobs(runnable, jobs, executor, scheduler, progress, pool=pool)
        try:
            evidence = {n: v if isinstance(v, list) else v.result() for n, v in evidence.items()}
        except OSError as exc:
            raise _folder_error(reports_dir, run_folder, exc) from exc
        stages["render"] = time.perf_counter() - t

        for job in jobs_list:
            entry = {"title": job.title, "kind": job.kind}
            if job.name in blocked:
                entry.update(status="blocked", error=blocked[job.name])
            else:
                o = outcomes[job.name]
                entry.update(status=o.status, seconds=round(o.seconds, 3), timings=o.timings)
                if o.error:
                    entry["error"] = o.error
                if o.status == "ok":
                    entry["file"] = Path(job.out_html).name
                    entry["sha256"] = io.sha256_file(job.out_html)
                entry["evidence"] = [
                    str(Path(p).relative_to(run_folder)) for p in evidence.get(job.name, [])
                ]
            result.reports[job.name] = entry

    previous = _previous_run(reports_dir / period)
    try:
        if suppliers and previous is not None:
            _carry_over(previous, run_folder, result)
            _carry_over_bundles(previous, run_folder, result)
        result.status = "failed" if result.failed else "ok"
        stages["total"] = time.perf_counter() - t0
        page = render_index(result, params, standings, quality=work.quality is not None)
        io.write_text_atomic(run_folder / "index.html", page)
        io.write_json_atomic(run_folder / "manifest.json", asdict(result))
        _publish(reports_dir / period, run_folder)
    except OSError as exc:
        raise _folder_error(reports_dir, run_folder, exc) from exc
    if previous is not None and previous != run_folder and not result.supersedes:
        shutil.rmtree(previous, ignore_errors=True)  # same figures: nothing to keep
    _clean_stale_runs(reports_dir, period, keep=run_folder)
    return result


def _carry_over(previous: Path, run_folder: Path, result: RunResult) -> None:
    """Copy the previous run's reports for suppliers not rendered in this run."""
    old = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in old.get("reports", {}).items():
        if name in result.reports:
            continue
        for rel in [entry.get("file"), *entry.get("evidence", [])]:
            if rel and (previous / rel).exists():
                target = run_folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(previous / rel, target)
        entry = dict(entry, carried_over_from=old.get("run_id"))
        result.reports[name] = entry


def _carry_over_bundles(previous: Path, run_folder: Path, result: RunResult) -> None:
    """Copy the previous run's bundles of carried-over reports, so delivery finds them."""
    for name, entry in result.reports.items():
        src = previous / BUNDLES / name
        dst = run_folder / BUNDLES / name
        if entry.get("carried_over_from") and src.is_dir() and not dst.exists():
            shutil.copytree(src, dst)


def _clean_stale_runs(reports_dir: Path, period: str, keep: Path) -> None:
    """Remove this period's run folders that no link points at (crashed or superseded runs)."""
    runs = reports_dir / ".runs"
    if not runs.is_dir():
        return
    live = {
        p.resolve()
        for p in reports_dir.iterdir()
        if p.is_symlink() and p.resolve().parent == runs.resolve()
    }
    live.add(keep.resolve())
    # Superseded packs stay in the run history: follow each live manifest's `supersedes`.
    for folder in list(live):
        live |= _superseded_chain(folder, runs)
    for folder in runs.glob(f"{period}-*"):
        if folder.resolve() not in live:
            shutil.rmtree(folder, ignore_errors=True)


def _reissue(previous: Path | None, figures_text: str, result: RunResult):
    """The changed figures when this run re-issues a published pack with other figures.

    ``None`` (not a re-issue) without a published pack or when the figures are the same
    bytes; otherwise records ``result.supersedes`` and returns :func:`siamlib.reissue.changes`.
    """
    from siamlib import pack, reissue

    old_text = pack.figures_text(previous) if previous is not None else None
    if old_text is None or old_text == figures_text:
        return None
    old_manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    changes = reissue.changes(
        reissue.read_figures_text(old_text), reissue.read_figures_text(figures_text)
    )
    run_id = str(old_manifest.get("run_id", previous.name))
    result.supersedes = {
        "run_id": run_id,
        "folder": previous.name,
        "date": reissue.run_date(run_id),
        "figures_sha256": old_manifest.get("figures_sha256", ""),
        "changed_figures": len(changes),
    }
    return changes


def _with_changes(bundle: dict, changes, supersedes: dict) -> dict:
    """A report's bundle with its own changed figures (all for the board) when re-issued."""
    if changes is None:
        return bundle
    name = bundle["meta"].get("supplier_id")
    own = changes if name is None else changes[changes["supplier_id"] == name]
    bundle["meta"]["reissue"] = {k: supersedes[k] for k in ("run_id", "date")}
    bundle["frames"]["changes"] = own.reset_index(drop=True)
    return bundle


def _superseded_chain(folder: Path, runs: Path) -> set[Path]:
    """Run folders that ``folder`` supersedes, directly or through earlier re-issues."""
    found: set[Path] = set()
    while True:
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return found
        name = (manifest.get("supersedes") or {}).get("folder")
        if not name or (runs / name).resolve() in found:
            return found
        folder = (runs / name).resolve()
        found.add(folder)


def main_exit(result: RunResult) -> int:  # pragma: no cover - tiny CLI helper
    """Print a one-line summary per report and return the exit code."""
    for name, r in sorted(result.reports.items()):
        extra = f" ({r['error']})" if r.get("error") else ""
        print(f"{r['status']:>8}  {name}{extra}", file=sys.stderr)
    return result.exit_code
