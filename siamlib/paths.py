"""Project folders, built from the project root (never from the working directory).

The root is the folder holding ``pyproject.toml`` above this package; ``SIAM_ROOT`` overrides it
(used when the package is installed elsewhere, e.g. on Dask workers).

>>> (ROOT / "pyproject.toml").exists()
True
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("SIAM_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").exists() and (candidate / "siamlib").is_dir():
            return candidate
    return here.parent


ROOT = _find_root()
PARAMS_DIR = ROOT / "params"
DATA_DIR = ROOT / "data"
DEMO_DATA_DIR = DATA_DIR / "demo"
SAMPLES_DIR = DATA_DIR / "samples"
REPORTS_DIR = ROOT / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"
OUTBOX_DIR = ROOT / "outbox"
DOCS_DIR = ROOT / "docs"
