"""Faults: killed batches, crashing or hanging report kernels, unwritable or full reports folders.

What a user must never see: a half-written pack at ``reports/<period>``, a traceback instead of a
message, or one bad report taking the others down.

The kill loop count comes from ``SIAM_KILL_LOOPS`` (2 by default, stratified over the run); the
full check is
``SIAM_KILL_LOOPS=20 .venv/bin/python -m pytest tests/hardening/test_faults.py -k kill``.
Kill points are drawn from a seeded generator (``SIAM_KILL_SEED``) so a failure can be replayed;
loop ``i`` of ``n`` kills at a random point of the ``i``-th ``n``-th of the run.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from siamlib import batch, report
from siamlib.cli import app
from tests.hardening.support import PERIOD, SIAM, env_int, published_problems

KILL_LOOPS = env_int("SIAM_KILL_LOOPS", 2)
KILL_SEED = env_int("SIAM_KILL_SEED", 20261128)


def _run_cmd(data: Path, reports: Path) -> list[str]:
    return [
        str(SIAM), "run", "--period", PERIOD, "--data", str(data), "--reports", str(reports),
        "--suppliers", "hosting,board-summary", "--jobs", "2", "--no-progress",
    ]  # fmt: skip


def _live_run(reports: Path) -> str | None:
    link = reports / PERIOD
    if not link.is_symlink():
        return None
    return json.loads((link.resolve() / "manifest.json").read_text("utf-8"))["run_id"]


def _kill_after(cmd: list[str], delay: float, cwd: Path) -> tuple[int, float]:
    """Start ``cmd`` in its own process group, SIGKILL the whole group after ``delay`` s.

    Returns the exit code (``-SIGKILL`` when killed) and the seconds the process ran.
    """
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait(), time.monotonic() - start


def _assert_complete_or_absent(reports: Path, context: str) -> None:
    problems = published_problems(reports)
    assert problems == [], f"{context}: {problems}"
    # Nothing half-written under the published name either (atomic writes leave .tmp files).
    link = reports / PERIOD
    if link.exists():
        leftovers = [p.name for p in link.resolve().rglob("*.tmp")]
        assert leftovers == [], f"{context}: temporary files in the published run {leftovers}"


# ------------------------------------------------------------------------------- kill -9 ----
@pytest.mark.slow
def test_kill_9_at_random_points_never_publishes_a_partial_pack(small_dataset, tmp_path):
    rng = random.Random(KILL_SEED)
    reports = tmp_path / "reports"

    # A kill before anything was ever published leaves no pack at all (or a complete one).
    fresh = tmp_path / "fresh-reports"
    _kill_after(_run_cmd(small_dataset, fresh), rng.uniform(0.5, 20.0), tmp_path)
    _assert_complete_or_absent(fresh, "kill on an empty reports folder")

    start = time.monotonic()
    first = subprocess.run(_run_cmd(small_dataset, reports), cwd=tmp_path, capture_output=True)
    typical = time.monotonic() - start  # the kill window: 0.5 s .. one whole run
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    _assert_complete_or_absent(reports, "first run")
    live = {_live_run(reports)}

    # Stratified kill points: loop i draws from the i-th slice of 0.5 s .. 80 % of a run, so
    # the loops cover the whole run (load, compute, render, publish) and most really kill.
    # A run that finishes before its kill point shows runs got faster (the first one starts
    # cold): the window shrinks to what it took.
    history = []
    for i in range(KILL_LOOPS):
        window = max(0.8 * typical, 1.0) - 0.5
        delay = 0.5 + window * (i + rng.random()) / KILL_LOOPS
        before = _live_run(reports)
        code, ran = _kill_after(_run_cmd(small_dataset, reports), delay, tmp_path)
        if code == 0:
            typical = min(typical, ran)
        history.append((round(delay, 1), code))
        context = f"loop {i}, killed after {delay:.1f} s of a {typical:.0f} s run"
        _assert_complete_or_absent(reports, context)
        after = _live_run(reports)
        # Either the earlier run is still live, or the killed run had already published.
        assert after is not None, context
        assert after == before or after not in live, context
        live.add(after)

    killed = sum(code == -signal.SIGKILL for _, code in history)
    print(f"\nkill -9: {KILL_LOOPS} loops (seed {KILL_SEED}), typical run {typical:.0f} s, "
          f"{killed} killed mid-run; (delay s, exit code): {history}")  # fmt: skip
    assert killed >= 1, f"no run was killed mid-way: {history}"
    rerun = subprocess.run(_run_cmd(small_dataset, reports), cwd=tmp_path, capture_output=True)
    assert rerun.returncode == 0, f"{history}: {rerun.stderr.decode()[-2000:]}"
    _assert_complete_or_absent(reports, "rerun")
    manifest = json.loads((reports / PERIOD / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "ok"
    assert {n for n, r in manifest["reports"].items() if r["status"] == "ok"} >= {
        "hosting",
        "board-summary",
    }
    # Killed runs' folders are cleaned up: only the live run of the period remains.
    runs = sorted(p.name for p in (reports / ".runs").iterdir())
    assert runs == [(reports / PERIOD).resolve().name], history


# -------------------------------------------------- the driver alone killed or terminated ----
def _processes_of_run(runtime: Path) -> list:
    """Every live process of one run: they all inherit its private JUPYTER_RUNTIME_DIR."""
    import psutil

    mine = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("JUPYTER_RUNTIME_DIR") == str(runtime):
                mine.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return mine


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "exit_code"),
    [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGKILL, -signal.SIGKILL)],
    ids=["sigterm", "sigkill"],
)
def test_a_driver_stopped_alone_leaves_no_worker_or_kernel_running(
    small_dataset, tmp_path, sig, exit_code
):
    # A scheduler's timeout or `kill PID` signals the driver only, not its process group:
    # its render workers and their kernels must not outlive it.
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    reports = tmp_path / "reports"
    proc = subprocess.Popen(
        _run_cmd(small_dataset, reports),
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(
            lambda: [p for p in _processes_of_run(runtime) if "ipykernel" in " ".join(p.cmdline())],
            120,
            "a warm kernel",
        )
        os.kill(proc.pid, sig)
        assert proc.wait(timeout=300) == exit_code
        _wait_for(lambda: not _processes_of_run(runtime), 60, "the workers and kernels to end")
        if sig == signal.SIGTERM:
            # Shut down, not just ended: no socket file left. (After a SIGKILL a kernel caught
            # mid-start is ended by its parent poller, which may leave its files behind.)
            assert _kernel_files(runtime) == []
        _assert_complete_or_absent(reports, f"driver stopped by {sig.name}")
    finally:
        for leftover in _processes_of_run(runtime):
            leftover.kill()
        if proc.poll() is None:
            proc.kill()


def _kernel_files(runtime: Path) -> list[str]:
    return sorted(p.name for p in runtime.iterdir() if p.name.startswith(("siam-", "kernel-")))


# ------------------------------------------------------------------ one report goes wrong ----
def _notebook(path: Path, *code: str) -> str:
    params = nbformat.v4.new_code_cell(
        "supplier_id = ''\nperiod = ''", metadata={"tags": ["parameters"]}
    )
    cells = [params] + [nbformat.v4.new_code_cell(c) for c in code]
    meta = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=meta), path)
    return str(path)


def _job(name: str, notebook: str, out: Path, timeout: int = 600) -> batch.Job:
    return batch.Job(
        name=name, kind="tower", notebook=notebook, parameters={"supplier_id": name,
        "period": PERIOD}, out_html=str(out / f"{name}.html"), title=name, timeout=timeout,
    )  # fmt: skip


@pytest.mark.slow
def test_a_crashed_or_hung_kernel_fails_only_its_own_report(tmp_path):
    out = tmp_path / "out"
    ok = _notebook(tmp_path / "ok.ipynb", "print('fine')")
    crash = _notebook(tmp_path / "crash.ipynb", "import os\nos._exit(1)")
    hang = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(600)")
    raises = _notebook(tmp_path / "raises.ipynb", "raise RuntimeError('bad data in cell 2')")
    jobs = [
        _job("crashes", crash, out),
        _job("hangs", hang, out, timeout=10),
        _job("raises", raises, out),
        _job("fine-a", ok, out),
        _job("fine-b", ok, out),
    ]
    outcomes = batch.execute_jobs(jobs, jobs_n=2, progress=False)
    status = {n: o.status for n, o in outcomes.items()}
    assert status == {
        "crashes": "failed",
        "hangs": "failed",
        "raises": "failed",
        "fine-a": "ok",
        "fine-b": "ok",
    }
    assert "bad data in cell 2" in outcomes["raises"].error
    assert "RuntimeError" in outcomes["raises"].error
    assert "Dead" in outcomes["crashes"].error or "died" in outcomes["crashes"].error.lower()
    assert "timed out" in outcomes["hangs"].error.lower() or "Timeout" in outcomes["hangs"].error
    # A failed report leaves no file at its final path.
    assert sorted(p.name for p in out.iterdir()) == ["fine-a.html", "fine-b.html"]


@pytest.mark.slow
def test_batch_with_a_crashing_report_still_publishes_the_others(
    small_dataset, tmp_path, monkeypatch
):
    crash = _notebook(tmp_path / "crash.ipynb", "import os\nos._exit(1)")
    monkeypatch.setitem(batch.NOTEBOOKS, "tower", Path(crash))
    reports = tmp_path / "reports"
    result = batch.run(
        PERIOD,
        data_dir=small_dataset,
        reports_dir=reports,
        suppliers=["hosting", "board-summary"],
        jobs=2,
        progress=False,
    )
    assert result.exit_code == 1
    assert result.reports["hosting"]["status"] == "failed"
    assert result.reports["board-summary"]["status"] == "ok"
    assert published_problems(reports) == []
    pack = (reports / PERIOD).resolve()
    assert (pack / "board-summary.html").is_file() and not (pack / "hosting.html").exists()
    index = (pack / "index.html").read_text("utf-8")
    assert "failed" in index


# -------------------------------------------------------------- unwritable or full folders ----
def test_reports_folder_under_a_file_is_a_clear_error_not_a_traceback(small_dataset, tmp_path):
    # Running as root, chmod 0555 would not stop the writes; a path under a regular file fails
    # for every user (ENOTDIR), the same way a read-only mount fails (EROFS): mkdir is refused.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports folder should be\n", encoding="utf-8")
    reports = blocker / "reports"
    result = CliRunner().invoke(
        app,
        ["run", "--period", PERIOD, "--data", str(small_dataset), "--reports", str(reports),
         "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"error: --reports {reports}: {blocker} is a file" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_full_disk_while_writing_reports_fails_cleanly(small_dataset, tmp_path):
    # RLIMIT_FSIZE makes every write beyond the limit fail with EFBIG, as ENOSPC would on a
    # full disk; SIGXFSZ is ignored so the write fails instead of killing the process.
    limit = 64 * 1024  # evidence and bundles fit; the ~1 MB HTML pages do not

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    reports = tmp_path / "reports"
    proc = subprocess.run(
        _run_cmd(small_dataset, reports),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=3600,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (1, 2), proc.stderr[-3000:]
    assert published_problems(reports) == []
    if proc.returncode == 1:  # the pack was published and says which reports failed, and why
        manifest = json.loads((reports / PERIOD / "manifest.json").read_text("utf-8"))
        errors = [r.get("error", "") for r in manifest["reports"].values()]
        assert all("File too large" in e for e in errors), errors
    else:
        assert "error: reports folder" in proc.stderr


@pytest.mark.slow
def test_a_report_write_failure_leaves_no_file(tmp_path):
    # The HTML write is atomic: a failing write leaves neither the page nor a temporary file.
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    nb = _notebook(tmp_path / "nb.ipynb", "print('fine')")
    outcome = report.render(nb, {"period": PERIOD}, blocker / "r.html", title="t", timeout=120)
    assert outcome.status == "failed" and str(blocker) in outcome.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "nb.ipynb"]
