"""Shared by every test: the compute cache lives in a temporary folder, never in the user's;
Hypothesis has no per-example deadline."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import siamlib  # noqa: F401 - first: defers an unused parser build (siamlib.lazy_imports)

# Tests never assert wall times. Hypothesis' default 200 ms deadline per example would, and it
# fails by chance on a loaded 2-core machine (a 17 ms example once took 550 ms in the suite).
settings.register_profile("siam", deadline=None)
settings.load_profile("siam")


@pytest.fixture(scope="session", autouse=True)
def _private_compute_cache(tmp_path_factory):
    # Set in the environment so subprocesses (siam run, report workers) use it too. One folder
    # for the session's xdist workers (their base folders are siblings): entries are keyed by
    # content and written atomically (siamlib.cache), so a run on the same inputs in the other
    # worker reads what this one computed, as a user's second run would.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "siam-cache"
    folder.mkdir(exist_ok=True)
    os.environ["SIAM_CACHE_DIR"] = str(folder)
