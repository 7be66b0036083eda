"""Shared by every test: the compute cache lives in a temporary folder, never in the user's."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_compute_cache(tmp_path_factory):
    # Set in the environment so subprocesses (siam run, report workers) use it too.
    os.environ["SIAM_CACHE_DIR"] = str(tmp_path_factory.mktemp("siam-cache"))
