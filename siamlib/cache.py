"""On-disk cache of computed frames and files (:mod:`siamlib.compute_cache`, the evidence
workbooks of :func:`siamlib.evidence.write_workbook`).

An entry is a Parquet frame, or a file's bytes (:func:`write_blob`), stored under a key made
of content hashes (:func:`entry_key`): the inputs it was computed from, the settings that
shape it, the code version and the versions of the packages that can change a figure
(:func:`environment`). Entries live in the user's cache folder (:func:`default_dir`), never
under the source tree and never in the dataset folder (inputs are not modified). Each file
starts with a header line holding the entry's key and the SHA-256 of the bytes after it; an
entry whose key or checksum does not match (corrupt, truncated, or written for another key) is
ignored and :func:`read_entry` (:func:`read_blob`) returns ``None``: the caller recomputes.
Frames are Parquet and files are copied, never unpickled or run, so a planted entry can at
worst be ignored or copied as a file. :func:`prune` keeps the folder under a size budget,
least recently used out first.

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

import contextlib
import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from siamlib.io import write_bytes_atomic

_MAGIC = b"siam-cache/1"
_KEY_RE = re.compile(r"[0-9a-f]{64}")  # an entry's file name: its key (entry_key)
MAX_BYTES = 4 << 30  # default size budget of the cache folder (SIAM_CACHE_MAX_MB overrides)


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


def default_dir() -> Path:
    """``$SIAM_CACHE_DIR``, else ``$XDG_CACHE_HOME/siam-workbook``, else ``~/.cache/siam-workbook``.

    >>> import os
    >>> os.environ["SIAM_CACHE_DIR"] = "/tmp/siam-cache-doctest"
    >>> str(default_dir())
    '/tmp/siam-cache-doctest'
    >>> del os.environ["SIAM_CACHE_DIR"]
    """
    if os.environ.get("SIAM_CACHE_DIR"):
        return Path(os.environ["SIAM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "siam-workbook"


def check_location(folder: Path | str, **kept_apart: Path | str | None) -> None:
    """Refuse a cache folder that is, holds or lies inside one of ``kept_apart``.

    The cache is written and pruned as a run goes: inside the dataset, the params, the
    reports or the source tree it would change inputs or published files. Raises
    ``ValueError`` naming ``SIAM_CACHE_DIR``, the folder and what it collides with.

    >>> check_location("/tmp/cache", data="/srv/data")
    >>> check_location("/srv/data/cache", data="/srv/data")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: cache folder /srv/data/cache (SIAM_CACHE_DIR) is inside the data folder ...
    """
    here = Path(folder).expanduser().resolve()
    for name, other in kept_apart.items():
        if other is None:
            continue
        there = Path(other).expanduser().resolve()
        if here == there:
            how = "is"
        elif there in here.parents:
            how = "is inside"
        elif here in there.parents:
            how = "holds"
        else:
            continue
        raise ValueError(
            f"cache folder {here} (SIAM_CACHE_DIR) {how} the {name.replace('_', ' ')} "
            f"folder {there}: set SIAM_CACHE_DIR to a folder of its own, or run with "
            "--no-cache"
        )


def package_versions() -> dict:
    """Python's version and those of the packages that can change a figure (None: absent).

    Parsing, time zones and holidays (pandas, numpy, pyarrow, dateutil, tzdata and the
    system's zone database, holidays), validation (pydantic, pyyaml, great-expectations),
    Excel sources (openpyxl) and charts and notebooks (altair, papermill, nbconvert).
    """
    import importlib.metadata as md
    import platform
    import zoneinfo

    pkgs = [
        "pandas", "numpy", "pyarrow", "python-dateutil", "tzdata", "holidays", "pydantic",
        "pydantic-core", "pyyaml", "great-expectations", "openpyxl", "altair",
        "vl-convert-python", "papermill", "nbconvert", "nbformat", "ipykernel",
    ]  # fmt: skip
    out: dict = {"python": platform.python_version()}
    for p in pkgs:
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = None
    # zoneinfo reads the system's zone files before the tzdata package; record their version.
    out["tz_database"] = None
    for root in zoneinfo.TZPATH:
        try:
            with open(os.path.join(root, "tzdata.zi"), encoding="utf-8") as fh:
                first = fh.readline().split()
        except OSError:
            continue
        if first[:2] == ["#", "version"] and len(first) > 2:
            out["tz_database"] = first[2]
            break
    return out


@functools.cache
def environment() -> str:
    """The code version and every figure-changing package version, as one string for keys."""
    return json.dumps({"code": code_version(), **package_versions()}, sort_keys=True)


def write_frames(folder: Path | str, key: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Store several frames under one key (one entry each; read back by :func:`read_frames`)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_entry(folder, entry_key({"key": key, "frame": name}), frame)


def read_frames(folder: Path | str, key: str, names: list[str]) -> dict | None:
    """All of ``names`` stored under ``key``, or ``None`` if any is absent, corrupt or foreign."""
    out = {}
    for name in names:
        sub = entry_key({"key": key, "frame": name})
        frame = read_entry(folder, sub)
        if frame is None:
            return None
        out[name] = frame
        touch(folder, sub, suffix=".parquet")
    return out


def prune(folder: Path | str, max_bytes: int | None = None) -> list[Path]:
    """Delete the least recently used entries until the folder holds at most ``max_bytes``.

    ``max_bytes`` defaults to ``$SIAM_CACHE_MAX_MB`` megabytes, else :data:`MAX_BYTES`.
    Returns the files deleted. Never raises for a file another process removed first.
    """
    if max_bytes is None:
        env = os.environ.get("SIAM_CACHE_MAX_MB", "")
        max_bytes = int(env) << 20 if env.isdigit() else MAX_BYTES
    entries = []
    for path in [*Path(folder).glob("*.parquet"), *Path(folder).glob("*.bin")]:
        if not _KEY_RE.fullmatch(path.stem):
            continue  # not an entry: whatever else is in the folder is never deleted
        with contextlib.suppress(OSError):
            st = path.stat()
            entries.append((st.st_mtime, st.st_size, path))
    total, deleted = sum(size for _, size, _ in entries), []
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= max_bytes:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            deleted.append(path)
        total -= size
    return deleted


def write_entry(folder: Path | str, key: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` under ``key`` (atomically: a reader never sees half an entry)."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    write_blob(folder, key, buf.getvalue(), suffix=".parquet")


def read_entry(folder: Path | str, key: str) -> pd.DataFrame | None:
    """The frame stored under ``key``, or ``None`` when absent, corrupt or foreign."""
    body = read_blob(folder, key, suffix=".parquet")
    if body is None:
        return None
    try:
        return pd.read_parquet(io.BytesIO(body))
    except (OSError, ValueError):
        return None


def write_blob(folder: Path | str, key: str, body: bytes, *, suffix: str = ".bin") -> None:
    """Store ``body`` under ``key``: a header line (magic, key, SHA-256 of ``body``), then it.

    Atomic, like every cache write. Used for frames (Parquet bytes) and for files a run
    writes that are a pure function of their inputs (the evidence workbooks).

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> write_blob(d, "k1", b"bytes")
    >>> read_blob(d, "k1"), read_blob(d, "k2")
    (b'bytes', None)
    """
    Path(folder).mkdir(parents=True, exist_ok=True)
    header = b" ".join([_MAGIC, key.encode("ascii"), hashlib.sha256(body).hexdigest().encode()])
    write_bytes_atomic(Path(folder) / f"{key}{suffix}", header + b"\n" + body)


def read_blob(folder: Path | str, key: str, *, suffix: str = ".bin") -> bytes | None:
    """The bytes stored under ``key``, or ``None`` when absent, corrupt or foreign."""
    try:
        data = (Path(folder) / f"{key}{suffix}").read_bytes()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC or parts[1] != key.encode("ascii"):
        return None
    if hashlib.sha256(body).hexdigest().encode() != parts[2]:
        return None
    return body


def touch(folder: Path | str, key: str, *, suffix: str = ".bin") -> None:
    """Mark an entry recently used, so that :func:`prune` deletes it last."""
    with contextlib.suppress(OSError):
        os.utime(Path(folder) / f"{key}{suffix}")
