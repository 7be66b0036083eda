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


class DatasetError(ValueError):
    """A dataset folder cannot be read: one line naming the file, the key, the problem, the fix.

    A ``ValueError``, so the CLI reports it and exits 2 (nothing written). Messages that
    quote a library's multi-line text are folded onto one line.

    >>> str(DatasetError("t.parquet: bad" + chr(10) + "  value"))
    't.parquet: bad value'
    """

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class DatasetMissing(DatasetError, FileNotFoundError):
    """No dataset where one was expected (no folder, or no ``dataset.json`` in it).

    Both a :class:`DatasetError` (exit 2 like every bad input) and a ``FileNotFoundError``
    (what callers checked for before).
    """


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
    """What ``dataset.json`` says about a dataset folder.

    ``tables`` is not stored in ``dataset.json``: :func:`read_dataset_info` fills it with the
    tables whose Parquet file exists in the folder (the others are *absent*, read as empty).
    """

    name: str
    source: str
    window_start: str  # ISO timestamp (UTC), inclusive
    window_end: str  # ISO timestamp (UTC), exclusive
    created_at: str = ""
    generator: dict | None = None
    tables: list[str] | None = None

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(self.window_start), pd.Timestamp(self.window_end)


_INFO_KEYS = {
    "name": (str,),
    "source": (str,),
    "window_start": (str,),
    "window_end": (str,),
    "created_at": (str,),
    "generator": (dict, type(None)),
}
_REQUIRED_INFO_KEYS = ("name", "source", "window_start", "window_end")
_FIX = "rebuild the dataset with `siam demo-data` or `siam import`"


def dataset_info_from_dict(obj: object, path: Path | str = "dataset.json") -> DatasetInfo:
    """Check the parsed content of ``dataset.json`` and return it as a :class:`DatasetInfo`.

    Raises :class:`DatasetError` naming ``path``, the key and the problem.

    >>> dataset_info_from_dict({"name": "n", "source": "s",
    ...     "window_start": "2026-01-01T00:00:00+00:00",
    ...     "window_end": "2026-02-01T00:00:00+00:00"}).window[1].month
    2
    >>> try:
    ...     dataset_info_from_dict({"name": "n", "source": "s",
    ...         "window_start": "2026-02-01T00:00Z", "window_end": "2026-01-01T00:00Z"})
    ... except DatasetError as exc:
    ...     print(str(exc)[:66])
    dataset.json: window_end 2026-01-01T00:00Z is not after window_sta
    """
    if not isinstance(obj, dict):
        raise DatasetError(
            f"{path}: expected a JSON object with keys {', '.join(_REQUIRED_INFO_KEYS)}, "
            f"got {type(obj).__name__}; {_FIX}"
        )
    missing = [k for k in _REQUIRED_INFO_KEYS if k not in obj]
    if missing:
        raise DatasetError(f"{path}: missing key {', '.join(missing)}; {_FIX}")
    unknown = sorted(set(obj) - set(_INFO_KEYS))
    if unknown:
        raise DatasetError(
            f"{path}: unknown key {', '.join(unknown)} (known: {', '.join(_INFO_KEYS)}); "
            f"remove it or {_FIX}"
        )
    for key, types in _INFO_KEYS.items():
        if key in obj and not isinstance(obj[key], types):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise DatasetError(
                f"{path}: {key} must be {want}, got {type(obj[key]).__name__} "
                f"{json.dumps(obj[key], default=str)[:60]}; {_FIX}"
            )
    bounds = {}
    for key in ("window_start", "window_end"):
        try:
            ts = pd.Timestamp(obj[key])
        except (ValueError, TypeError, OverflowError):
            ts = None
        if ts is None or ts is pd.NaT:
            raise DatasetError(
                f"{path}: {key} {obj[key]!r} is not a timestamp; write ISO 8601 with an offset, "
                "e.g. 2026-01-01T00:00:00+00:00"
            )
        if ts.tzinfo is None:
            raise DatasetError(
                f"{path}: {key} {obj[key]!r} has no UTC offset; write ISO 8601 with an offset, "
                "e.g. 2026-01-01T00:00:00+00:00"
            )
        bounds[key] = ts
    if bounds["window_end"] <= bounds["window_start"]:
        raise DatasetError(
            f"{path}: window_end {obj['window_end']} is not after window_start "
            f"{obj['window_start']}; {_FIX}"
        )
    return DatasetInfo(**obj)


def present_tables(folder: Path | str) -> list[str]:
    """Tables of the data model whose Parquet file exists in ``folder`` (data-model order)."""
    folder = Path(folder)
    return [name for name in schema.TABLES if (folder / f"{name}.parquet").exists()]


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
    stored = asdict(info)
    stored.pop("tables")  # the files say which tables exist, not the JSON
    write_json_atomic(folder / "dataset.json", stored)
    return written


def read_dataset_info(folder: Path | str) -> DatasetInfo:
    """Read and check ``dataset.json`` of a dataset folder; ``tables`` lists the files present.

    Raises :class:`DatasetMissing` (also a ``FileNotFoundError``) when the folder or its
    ``dataset.json`` does not exist, and
    :class:`DatasetError` (a ``ValueError``) when it cannot be read or its content is wrong.
    """
    folder = Path(folder)
    path = folder / "dataset.json"
    if folder.exists() and not folder.is_dir():
        raise DatasetError(
            f"{folder}: is a file, not a dataset folder; pass the folder holding dataset.json"
        )
    if not path.exists():
        raise DatasetMissing(
            f"{path}: not a complete dataset (no dataset.json); build it with "
            "`siam demo-data` or `siam import`"
        )
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, expected the dataset's JSON file; {_FIX}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot be read ({type(exc).__name__}); {_FIX}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); {_FIX}"
        ) from None
    info = dataset_info_from_dict(obj, path)
    info.tables = present_tables(folder)
    return info


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
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, expected a Parquet file of table {name}; {_FIX}")
    try:
        df = pd.read_parquet(path, columns=columns, filters=filters)
    except (OSError, ValueError, TypeError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise DatasetError(
            f"{path}: table {name} cannot be read as Parquet ({detail}); {_FIX}"
        ) from None
    try:
        return schema.coerce(name, df) if columns is None else df
    except ValueError as exc:  # SchemaError names the column; say which file it came from
        raise DatasetError(f"{path}: {exc}") from None


def read_dataset(folder: Path | str) -> dict[str, pd.DataFrame]:
    """Read every table of the data model from a dataset folder."""
    return {name: read_table(folder, name) for name in schema.TABLES}


def dataset_hashes(folder: Path | str) -> dict[str, str]:
    """SHA-256 of every file in a dataset folder (for the run manifest)."""
    folder = Path(folder)
    return {p.name: sha256_file(p) for p in sorted(folder.glob("*")) if p.is_file()}
