"""What every report's footer says about its inputs: the code version, the hashes of the
dataset and params it was computed from, and the data window in the estate's local time.

>>> sorted(provenance(None, __import__("siamlib.params").params.load_params()))
['code_version', 'inputs_sha256', 'params_sha256']
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from siamlib import io, paths
from siamlib.params import Params


def window_words(window: tuple[pd.Timestamp, pd.Timestamp], tz: str) -> str:
    """The data window as a reader reads it: local dates and times, end exclusive.

    >>> w = (pd.Timestamp("2025-09-30T23:00Z"), pd.Timestamp("2026-11-01T00:00Z"))
    >>> window_words(w, "Europe/London")
    '1 Oct 2025 00:00 to 1 Nov 2026 00:00 Europe/London (end exclusive)'
    """
    start, end = (t.tz_convert(tz) for t in window)
    return f"{start.day} {start:%b %Y %H:%M} to {end.day} {end:%b %Y %H:%M} {tz} (end exclusive)"


def provenance(data_dir: Path | str | None, params: Params) -> dict:
    """Code version and hashes of the inputs and params, for every report's footer."""
    import subprocess

    from siamlib import __version__
    from siamlib.params import params_files

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    data_hash = ""
    if data_dir is not None and Path(data_dir).is_dir():
        files = io.dataset_hashes(data_dir)
        data_hash = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    files = {str(p.relative_to(params.root)): io.sha256_file(p) for p in params_files(params.root)}
    return {
        "code_version": f"siamlib {__version__}" + (f" (git {commit})" if commit else ""),
        "inputs_sha256": data_hash,
        "params_sha256": hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest(),
    }
