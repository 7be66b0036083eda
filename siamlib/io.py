"""File I/O for tables and outputs: Parquet datasets, atomic writes, hashes.

A *dataset* is a folder holding one Parquet file per table of the data model
(``tickets.parquet``, ``ticket_events.parquet`` ...) and ``dataset.json`` describing it
(name, source, the data window it covers, when it was built). Inputs are never modified:
writers always go to a temporary file beside the target and rename it into place, so a reader
(or a crash) never sees a half-written file.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(d / "a.txt", "hello")
>>> (d / "a.txt").read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from siamlib import schema


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it onto ``target``.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; published files get the usual permissions (0644 under umask 022)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_bytes_atomic(target: Path | str, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (fsync, then rename)."""
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_text_atomic(target: Path | str, text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    write_bytes_atomic(target, text.encode("utf-8"))


def write_json_atomic(target: Path | str, obj: object) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    write_text_atomic(target, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass
class DatasetInfo:
    """What ``dataset.json`` says about a dataset folder."""

    name: str
    source: str
    window_start: str  # ISO timestamp (UTC), inclusive
    window_end: str  # ISO timestamp (UTC), exclusive
    created_at: str = ""
    generator: dict | None = None

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(self.window_start), pd.Timestamp(self.window_end)


def write_dataset(
    folder: Path | str, tables: dict[str, pd.DataFrame], info: DatasetInfo
) -> dict[str, Path]:
    """Write each table (coerced to the data model) as Parquet, then ``dataset.json``.

    ``dataset.json`` is written last, so a folder without it is an incomplete dataset.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.json").unlink(missing_ok=True)
    written = {}
    for name, df in tables.items():
        df = schema.coerce(name, df)
        target = folder / f"{name}.parquet"
        with atomic_path(target) as tmp:
            df.to_parquet(tmp, index=False, compression="zstd")
        written[name] = target
    if not info.created_at:
        info.created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_json_atomic(folder / "dataset.json", asdict(info))
    return written


def read_dataset_info(folder: Path | str) -> DatasetInfo:
    """Read ``dataset.json`` of a dataset folder."""
    path = Path(folder) / "dataset.json"
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: not a complete dataset (no dataset.json); build it with "
            "`siam demo-data` or `siam import`"
        )
    return DatasetInfo(**json.loads(path.read_text(encoding="utf-8")))


def read_table(
    folder: Path | str, name: str, columns: list[str] | None = None, filters=None
) -> pd.DataFrame:
    """Read one table of a dataset; a missing table file gives an empty, typed table.

    ``columns`` prunes columns at read time; ``filters`` is passed to pyarrow
    (e.g. ``[("supplier_id", "==", "hosting")]``).
    """
    path = Path(folder) / f"{name}.parquet"
    if not path.exists():
        df = schema.empty(name)
        return df[columns] if columns else df
    df = pd.read_parquet(path, columns=columns, filters=filters)
    if columns is None:
        return schema.coerce(name, df)
    return df


def read_dataset(folder: Path | str) -> dict[str, pd.DataFrame]:
    """Read every table of the data model from a dataset folder."""
    return {name: read_table(folder, name) for name in schema.TABLES}


def dataset_hashes(folder: Path | str) -> dict[str, str]:
    """SHA-256 of every file in a dataset folder (for the run manifest)."""
    folder = Path(folder)
    return {p.name: sha256_file(p) for p in sorted(folder.glob("*")) if p.is_file()}
