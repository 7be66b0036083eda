"""Pool workers end with their driver (siamlib.procs.watch_parent): a real driver process,
a real ProcessPoolExecutor worker, the driver killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

DRIVER = """
import multiprocessing as mp, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from siamlib import procs

if __name__ == "__main__":
    init = procs.watch_parent if sys.argv[1] == "watched" else None
    pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=init)
    print(pool.submit(os.getpid).result(), flush=True)  # the worker, now idle
    time.sleep(600)
"""


def _orphaned_worker(tmp_path, mode: str) -> psutil.Process:
    """Start a driver with one idle pool worker, SIGKILL the driver; the worker's process."""
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    driver = subprocess.Popen(
        [sys.executable, str(script), mode], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    worker = psutil.Process(int(driver.stdout.readline()))
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait(timeout=30)
    return worker


def _ended_within(proc: psutil.Process, seconds: float) -> bool:
    try:
        proc.wait(timeout=seconds)
    except psutil.TimeoutExpired:
        return False
    return True


def test_a_watched_worker_ends_when_its_driver_is_killed(tmp_path):
    worker = _orphaned_worker(tmp_path, "watched")
    assert _ended_within(worker, 30)


@pytest.mark.slow
def test_without_the_watch_an_idle_worker_outlives_its_killed_driver(tmp_path):
    # The failure watch_parent exists for (so the test above can fail).
    worker = _orphaned_worker(tmp_path, "plain")
    try:
        time.sleep(3)  # three of the watched worker's polls
        assert worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE
    finally:
        worker.kill()
