"""Checks on the paths a user passes, made before any long work starts.

Every CLI path option (data, params, reports, out, outbox, mapping, source file) goes through
one of these, so a missing folder, a file where a folder belongs, a folder where a file
belongs or a read-only target is a one-line :class:`PathError` naming the option, the path,
the problem and the fix, not a traceback after minutes of computing. Names with spaces or
non-ASCII characters are ordinary paths here.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> existing_dir(d, "--data") == d
True
>>> existing_dir(d / "nope", "--data")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
siamlib.pathcheck.PathError: --data .../nope: no such folder; pass an existing folder
>>> _ = (d / "f.txt").write_text("x")
>>> existing_file(d, "--mapping")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
siamlib.pathcheck.PathError: --mapping ...: is a folder, not a file; pass the file's path
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class PathError(ValueError):
    """A path given on the command line cannot be used. The message names option and path."""


def _err(option: str, path: Path, problem: str) -> PathError:
    return PathError(f"{option} {path}: {problem}")


def existing_dir(path: Path | str, option: str) -> Path:
    """``path`` must be an existing, readable folder."""
    path = Path(path)
    if not path.exists():
        raise _err(option, path, "no such folder; pass an existing folder")
    if not path.is_dir():
        raise _err(option, path, "is a file, not a folder; pass a folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise _err(option, path, "folder cannot be read (permission denied)")
    return path


def existing_file(path: Path | str, option: str) -> Path:
    """``path`` must be an existing, readable, non-empty regular file."""
    path = Path(path)
    if not path.exists():
        raise _err(option, path, "no such file; check the path")
    if path.is_dir():
        raise _err(option, path, "is a folder, not a file; pass the file's path")
    if not os.access(path, os.R_OK):
        raise _err(option, path, "file cannot be read (permission denied)")
    return path


def _read_only(path: Path) -> bool:
    # Root may write anywhere, so os.access says yes; a folder or file with no write bit at all
    # was made read-only on purpose, and we respect that for every user.
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & 0o222) or not os.access(path, os.W_OK)


def _probe_writable(folder: Path, option: str, shown: Path) -> None:
    if _read_only(folder):
        raise _err(option, shown, f"{folder} is read-only; pass a folder you can write to")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise _err(option, shown, f"cannot write there ({exc.strerror or exc})") from exc


def writable_dir(path: Path | str, option: str, *, create: bool = True) -> Path:
    """``path`` must be a folder we can write into.

    With ``create`` (the default) a missing folder is made (with parents); without it nothing
    is written: a missing folder passes when its nearest existing parent is a writable folder.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise _err(option, path, "is a file, not a folder; pass a folder")
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise _err(option, path, f"{existing} is a file, so no folder can be made there")
    if not create:
        if existing is not None:
            _probe_writable(existing, option, path)
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _err(option, path, f"cannot create the folder ({exc.strerror or exc})") from exc
    _probe_writable(path, option, path)
    return path


def writable_file(
    path: Path | str, option: str, suffixes: tuple[str, ...] = (), *, create: bool = True
) -> Path:
    """``path`` must name a file we can (over)write: not a folder, its folder writable.

    ``suffixes`` (e.g. ``(".csv", ".json")``) limits the accepted file types; ``create=False``
    checks without making the file's folder.
    """
    path = Path(path)
    if path.is_dir():
        raise _err(option, path, "is a folder; pass a file name, e.g. results.json")
    if suffixes and path.suffix.lower() not in suffixes:
        raise _err(option, path, f"unsupported file type; use one of {', '.join(suffixes)}")
    writable_dir(path.parent, option, create=create)
    if path.exists() and _read_only(path):
        raise _err(option, path, "file is read-only; pass another file or make it writable")
    return path
