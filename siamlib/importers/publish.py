"""Publish an import folder whole or not at all.

An import is built in a temporary sibling of ``--out`` (same file system, so renames are
atomic) and swapped in when complete: a reader of ``--out`` sees the old folder or the new
one, never a mix of two datasets or a half-written folder, and any failure while building
leaves the old folder as it was.

When the new folder extends the old one (a supplier return added to an imported event log)
the old files are hard-linked into the build folder first; that is safe because every write
replaces a file by renaming a new one onto it (:func:`siamlib.io.atomic_path`), so the old
folder's files are never changed in place.

Examples
--------
>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "ds"
>>> with building(out) as tmp:
...     _ = (tmp / "a.txt").write_text("new")
>>> sorted(p.name for p in out.iterdir())
['a.txt']
>>> with building(out, keep_old=True) as tmp:
...     _ = (tmp / "b.txt").write_text("more")
>>> sorted(p.name for p in out.iterdir())
['a.txt', 'b.txt']
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from siamlib import schema

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def holds_dataset(folder: Path) -> bool:
    """True when ``folder`` holds a dataset (``dataset.json`` or any table file).

    >>> holds_dataset(Path("/nonexistent"))
    False
    """
    if not folder.is_dir():
        return False
    if (folder / "dataset.json").exists():
        return True
    return any((folder / f"{name}.parquet").exists() for name in schema.TABLES)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _link_tree(src: Path, dst: Path) -> None:
    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link_or_copy, dirs_exist_ok=True)


def _publish(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    # No atomic exchange: two renames, the old folder put back if the second one fails.
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def building(out: Path | str, *, keep_old: bool = False) -> Iterator[Path]:
    """Yield an empty build folder beside ``out``; on success it replaces ``out`` at once.

    With ``keep_old`` the build folder starts as a copy (hard links) of ``out``. On any
    exception the build folder is removed and ``out`` is untouched.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a dataset folder is shared
        if keep_old and out.is_dir():
            _link_tree(out, tmp)
        yield tmp
        _publish(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
