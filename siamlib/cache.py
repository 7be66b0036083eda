"""On-disk cache of computed frames for incremental runs (issue 18, step 2; not wired in yet).

An entry is a Parquet frame stored under a key made of content hashes (:func:`entry_key`):
the inputs it was computed from, the settings that shape it and the code version. Entries live
under the dataset folder (``DATA/.siam-cache/``), never under the source tree. Each file starts
with a header line holding the entry's key and the SHA-256 of the Parquet bytes after it; an
entry whose key or checksum does not match (corrupt, truncated, or written for another key) is
ignored and :func:`read_entry` returns ``None``: the caller recomputes.

>>> import tempfile, pandas as pd
>>> d = tempfile.mkdtemp()
>>> k = entry_key({"inputs": "abc", "settings": "def"})
>>> write_entry(d, k, pd.DataFrame({"x": [1, 2]}))
>>> read_entry(d, k)["x"].tolist()
[1, 2]
>>> read_entry(d, entry_key({"inputs": "other"})) is None
True
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from siamlib.io import write_bytes_atomic

CACHE_FOLDER = ".siam-cache"
_MAGIC = b"siam-cache/1"


def entry_key(parts: Mapping[str, str]) -> str:
    """Hex SHA-256 of ``parts`` (name -> hash or setting), independent of their order.

    Pure: the same parts give the same key in any process.

    >>> entry_key({"a": "1", "b": "2"}) == entry_key({"b": "2", "a": "1"})
    True
    >>> entry_key({"a": "1"}) == entry_key({"a": "2"})
    False
    """
    text = json.dumps({str(k): str(v) for k, v in parts.items()}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_version() -> str:
    """``siamlib.__version__`` plus the SHA-256 of every siamlib source file (sorted by path).

    Any edit of the code gives a new version, so no entry written by other code is read.
    """
    import siamlib

    root = Path(siamlib.__file__).parent
    h = hashlib.sha256(siamlib.__version__.encode("utf-8"))
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return f"{siamlib.__version__}+{h.hexdigest()[:16]}"


def cache_dir(data_dir: Path | str) -> Path:
    """The cache folder of a dataset: ``DATA/.siam-cache``."""
    return Path(data_dir) / CACHE_FOLDER


def write_entry(folder: Path | str, key: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` under ``key`` (atomically: a reader never sees half an entry)."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    body = buf.getvalue()
    header = b" ".join([_MAGIC, key.encode("ascii"), hashlib.sha256(body).hexdigest().encode()])
    write_bytes_atomic(Path(folder) / f"{key}.parquet", header + b"\n" + body)


def read_entry(folder: Path | str, key: str) -> pd.DataFrame | None:
    """The frame stored under ``key``, or ``None`` when absent, corrupt or foreign."""
    path = Path(folder) / f"{key}.parquet"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC or parts[1] != key.encode("ascii"):
        return None
    if hashlib.sha256(body).hexdigest().encode() != parts[2]:
        return None
    try:
        return pd.read_parquet(io.BytesIO(body))
    except (OSError, ValueError):
        return None
