"""File I/O of the importers: read CSV / Excel sources as text, write the import outputs.

Everything here touches files; the conversion itself (:mod:`siamlib.importers.eventlog`,
:mod:`~siamlib.importers.servicenow`, :mod:`~siamlib.importers.returns`) is pure.

Reading
    Every cell is read as text (``""`` for an empty cell) so that nothing is guessed: the
    mapping decides what is missing and how to parse. CSV may be gzip-compressed (by suffix).
    A CSV that is not valid in the mapping's ``encoding`` is re-read with its
    ``fallback_encoding`` (cp1252 by default) and the summary says so; with no fallback it is
    an error naming the byte offset. Multi-row headers (``header_rows: 2``) are joined into one
    name per column: in Excel the value of a merged cell covers its whole range; in CSV an
    empty cell of an upper header row repeats the value on its left (how merged cells export).

Writing
    :func:`write_import` writes the tables as a dataset (``siamlib.io.write_dataset``), the
    rejected rows as CSV and the summary as JSON, into one folder.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_text("Case,When\\nA,2026-01-05 10:00\\n")
>>> src = read_source(d / "a.csv")
>>> src.frame.to_dict("records"), src.encoding
([{'Case': 'A', 'When': '2026-01-05 10:00'}], 'utf-8')
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from siamlib import io
from siamlib.evidence import prepare
from siamlib.importers.mapping import FileFormat, display_path
from siamlib.importers.result import ImporterError, ImportResult

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Importers of ticket logs: their dataset's window is the span the log speaks for.
LOG_IMPORTERS = ("servicenow", "eventlog")


@dataclass
class Source:
    """A source file read as text."""

    # One str column per source column, "" for empty cells. The index is each row's offset
    # from ``first_row``: blank rows are left out of the frame but keep their numbers, so
    # ``index + first_row`` is the row number a spreadsheet shows.
    frame: pd.DataFrame
    path: Path
    encoding: str | None  # None for Excel
    header_rows: int
    leading_blank_rows: int = 0  # blank lines above the header

    @property
    def first_row(self) -> int:
        """Spreadsheet row number of the first row under the header."""
        return self.leading_blank_rows + self.header_rows + 1

    @property
    def blank_rows(self) -> int:
        """Blank rows (no cell holds anything) between the data rows, left out of ``frame``."""
        if self.frame.empty:
            return 0
        return int(self.frame.index[-1]) + 1 - len(self.frame)


def read_source(path: Path | str, fmt: FileFormat | None = None) -> Source:
    """Read a CSV (optionally .gz) or Excel file as text according to ``fmt``.

    Raises :class:`ImporterError` for a missing, empty or undecodable file, or one with a
    header but no data rows.
    """
    fmt = fmt or FileFormat()
    path = Path(path)
    where = display_path(path)
    if not path.is_file():
        raise ImporterError(f"{where}: file not found")
    if path.stat().st_size == 0:
        raise ImporterError(f"{where}: the file is empty (0 bytes)")
    kind = fmt.kind
    if kind == "auto":
        kind = "excel" if path.suffix.lower() in EXCEL_SUFFIXES else "csv"
    if kind == "excel":
        (frame, lead), encoding = _read_excel(path, fmt, where), None
    else:
        (frame, lead), encoding = _read_csv(path, fmt, where)
    if frame.empty:
        raise ImporterError(f"{where}: no data rows (only {fmt.header_rows} header row(s))")
    return Source(
        frame=frame,
        path=path,
        encoding=encoding,
        header_rows=fmt.header_rows,
        leading_blank_rows=lead,
    )


_SNIFF_BYTES = 1 << 16
# Delimiters a spreadsheet may have used instead of the expected one (European Excel: ';').
_OTHER_DELIMITERS = (";", "\t", "|", ",")
_DELIMITER_NAMES = {"\t": "a tab", ",": "','", ";": "';'", "|": "'|'"}


def _head_bytes(path: Path, where: str) -> bytes:
    """The first bytes of the file, uncompressed when it is gzip."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head[:2] != b"\x1f\x8b":
        return head
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(_SNIFF_BYTES)
    except (EOFError, OSError, zlib.error) as exc:
        raise ImporterError(
            f"{where}: cannot read the gzip file ({exc}); is it complete and not corrupted?"
        ) from exc


def sniff_text(head: bytes, fmt: FileFormat, where: str) -> None:
    """Raise :class:`ImporterError` when the bytes are not text a CSV reader should see.

    UTF-16 (what Excel's "Unicode Text" saves) is recognised by its byte-order mark or by NUL
    bytes in every other position and named, rather than decoded: its columns would then be
    reported as missing, which sends the user looking in the wrong place. Other NUL bytes, a
    zip (an Excel workbook under a .csv name) or a PDF mean the file is not a CSV at all.

    >>> sniff_text("a,b".encode("utf-16"), FileFormat(), "x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siamlib.importers.result.ImporterError: x.csv: file is UTF-16; save it as UTF-8 CSV ...
    >>> sniff_text("a,b".encode("utf-8-sig"), FileFormat(), "x.csv")
    """
    if fmt.encoding.replace("_", "-").lower().startswith("utf-16"):
        return
    sample = head[:4096]
    utf16 = sample[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not utf16 and len(sample) >= 4 and b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        utf16 = even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)
    if utf16:
        raise ImporterError(
            f"{where}: file is UTF-16; save it as UTF-8 CSV "
            "(an event-log mapping may instead set format.encoding: utf-16)"
        )
    if sample.startswith(b"PK\x03\x04"):
        raise ImporterError(
            f"{where}: is a zip file (an Excel workbook?), not a CSV; name it .xlsx or "
            "save it as CSV"
        )
    if b"\x00" in sample:
        raise ImporterError(
            f"{where}: holds binary data (NUL bytes), not CSV text; export the data as CSV"
        )


def check_delimiter(columns: list[str], fmt: FileFormat, where: str) -> None:
    """Raise when a one-column header holds another delimiter: the file uses that one.

    >>> check_delimiter(["number;state;opened_at"], FileFormat(), "x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siamlib.importers.result.ImporterError: x.csv: file uses ';' as delimiter, not ','; ...
    >>> check_delimiter(["number", "state"], FileFormat(), "x.csv")
    """
    if len(columns) != 1:
        return
    for d in _OTHER_DELIMITERS:
        if d != fmt.delimiter and d in str(columns[0]):
            want = _DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter))
            raise ImporterError(
                f"{where}: file uses {_DELIMITER_NAMES[d]} as delimiter, not {want}; save it "
                f"with {want} or set format.delimiter: {d!r} in the mapping"
            )


def _read_csv(path: Path, fmt: FileFormat, where: str) -> tuple[tuple[pd.DataFrame, int], str]:
    head = _head_bytes(path, where)
    sniff_text(head, fmt, where)
    lead = _leading_blank_lines(head)
    with path.open("rb") as fh:
        # gzip by its magic bytes, so a compressed file without .gz in its name reads too
        compression = "gzip" if fh.read(2) == b"\x1f\x8b" else "infer"
    tried = [fmt.encoding] + ([fmt.fallback_encoding] if fmt.fallback_encoding else [])
    last_error: UnicodeDecodeError | None = None
    for encoding in tried:
        try:
            raw = pd.read_csv(
                path,
                sep=fmt.delimiter,
                header=None,
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8-sig" if encoding.replace("_", "-").lower() == "utf-8" else encoding,
                compression=compression,
                # Blank lines are kept (then left out by _with_header) so that every row keeps
                # the number a spreadsheet shows it with.
                skip_blank_lines=False,
                skiprows=lead,
            )
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        except pd.errors.EmptyDataError as exc:
            raise ImporterError(f"{where}: the file is empty (no header row)") from exc
        except pd.errors.ParserError as exc:
            raise ImporterError(f"{where}: not a readable CSV: {exc}") from exc
        except (EOFError, OSError, zlib.error) as exc:  # truncated or corrupt .gz
            raise ImporterError(
                f"{where}: cannot read the file ({exc}); is it complete and not corrupted?"
            ) from exc
        except (ValueError, MemoryError) as exc:  # e.g. a field beyond the parser's limits
            raise ImporterError(f"{where}: not a readable CSV: {exc}") from exc
        check_delimiter(raw.iloc[0].tolist() if len(raw) else [], fmt, where)
        return (_with_header(raw, fmt, where, fill_right=True), lead), encoding
    assert last_error is not None
    raise ImporterError(
        f"{where}: not valid {' or '.join(tried)} text (byte {last_error.start}: "
        f"{last_error.reason}); re-save it as UTF-8 or set format.fallback_encoding in the "
        "mapping"
    )


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_excel(path: Path, fmt: FileFormat, where: str) -> tuple[pd.DataFrame, int]:
    import openpyxl

    try:
        # Not read-only: merged-cell ranges (multi-row headers) are only known in full mode.
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ImporterError(f"{where}: not a readable Excel workbook: {exc}") from exc
    try:
        ws = wb[fmt.sheet] if isinstance(fmt.sheet, str) else wb.worksheets[fmt.sheet]
    except (KeyError, IndexError) as exc:
        raise ImporterError(
            f"{where}: no sheet {fmt.sheet!r} (sheets: {', '.join(wb.sheetnames)})"
        ) from exc
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        if rng.min_row > fmt.header_rows:
            continue
        value = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, min(rng.max_row, fmt.header_rows) + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                rows[r - 1][c - 1] = value
    wb.close()
    if not rows:
        raise ImporterError(f"{where}: the sheet {ws.title!r} is empty")
    # Trailing fully empty rows are formatting left-overs, not data.
    while rows and not any(rows[-1]):
        rows.pop()
    raw = pd.DataFrame(rows, dtype="str")
    return _with_header(raw, fmt, where, fill_right=False), 0


def _blank(raw: pd.DataFrame) -> pd.Series:
    """Rows in which no cell holds anything but spaces (blank lines, rows of delimiters)."""
    blank = pd.Series(len(raw.columns) > 0, index=raw.index)
    for col in range(raw.shape[1]):
        # Column by column over the rows still blank: a data row drops out at its first cell.
        rest = raw.iloc[:, col][blank].fillna("").astype("str")
        blank[rest.index] = rest.str.strip().eq("")
        if not blank.any():
            break
    return blank


def _leading_blank_lines(head: bytes) -> int:
    """Blank lines above the header (skipped; counted so row numbers stay right).

    >>> _leading_blank_lines(b"\\n \\r\\nnumber,state\\n")
    2
    """
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    n = 0
    # The last piece may be cut off by the sniffing limit: only whole lines count.
    while n < len(lines) - 1 and not lines[n].strip():
        n += 1
    return n


def _with_header(raw: pd.DataFrame, fmt: FileFormat, where: str, fill_right: bool):
    n = fmt.header_rows
    if len(raw) < n:
        raise ImporterError(f"{where}: expected {n} header row(s), found {len(raw)} row(s)")
    head = raw.iloc[:n].fillna("").astype("str")
    parts = []
    for r in range(n):
        row = head.iloc[r].str.strip()
        if fill_right and r < n - 1:
            row = row.replace("", pd.NA).ffill().fillna("")
        parts.append(row.tolist())
    names = []
    for col_parts in zip(*parts, strict=True):
        kept: list[str] = []
        for p in col_parts:
            if p and (not kept or kept[-1] != p):
                kept.append(p)
        names.append(fmt.header_join.join(kept))
    empty_named = [i for i, name in enumerate(names) if not name]
    body = raw.iloc[n:].reset_index(drop=True).fillna("").astype("str")
    # Unnamed columns with no data are padding; unnamed columns holding data are an error.
    drop = [i for i in empty_named if not body.iloc[:, i].str.strip().any()]
    if len(drop) < len(empty_named):
        bad = [i + 1 for i in empty_named if i not in drop]
        raise ImporterError(f"{where}: column(s) {bad} hold data but have no header")
    keep = [i for i in range(len(names)) if i not in drop]
    names = [names[i] for i in keep]
    dupes = sorted({x for x in names if names.count(x) > 1})
    if dupes:
        raise ImporterError(f"{where}: duplicate column names: {', '.join(dupes)}")
    body = body.iloc[:, keep]
    body.columns = names
    # Blank rows hold no data: left out, while the index keeps every row's place in the file.
    return body[~_blank(body)]


def _old_part(out: Path, name: str, read):
    """Read a file of the dataset a return merges into; a broken one stops the import."""
    try:
        return read()
    except Exception as exc:  # pyarrow, json and pydantic raise many types for a bad file
        raise ImporterError(
            f"--out {out / name}: cannot be read ({type(exc).__name__}: {exc}); the return "
            "would merge into it. Rebuild the dataset or choose another --out"
        ) from exc


def write_import(
    result: ImportResult,
    out: Path | str,
    name: str | None = None,
    *,
    replace: bool = False,
    shrink: bool = False,
) -> dict[str, Path]:
    """Write an import into folder ``out``: dataset tables, rejects CSV and summary JSON.

    Event-log imports write ``rejects.csv`` and ``import_summary.json``; returns write
    ``rejects_<kind>.csv`` and ``import_summary_<kind>.json`` so they can be added to the
    folder of an imported event log. When every row was rejected, only the rejects and the
    summary are written (no dataset), so the rejects can still be looked at.

    The folder is built beside ``out`` and swapped in whole (:mod:`siamlib.importers.publish`),
    so a failure leaves the old ``out`` as it was.

    - A return *merges*: for each supplier in the file, its rows of the periods the file
      covers are replaced (:func:`~siamlib.importers.returns.merge_into`); other suppliers'
      rows, other periods and other tables are kept and the window is widened to cover both.
      A row whose id the dataset holds for another supplier is rejected, never merged.
      A rejected row removes nothing: the held rows of a (supplier, period) it may belong to
      are kept unless a valid row has their id. ``summary.replaced`` says what was replaced.
      A return that would replace a held (supplier, period) with fewer than half its rows
      raises :class:`ImporterError` unless ``shrink`` (``--shrink``): a truncated file
      would move that month's figures with nothing said (:func:`check_shrink`).
    - An event log into a folder that already holds a dataset raises :class:`ImporterError`
      unless ``replace``, which swaps in a folder holding only the new import.

    Examples
    --------
    >>> import tempfile
    >>> from siamlib.importers.returns import import_returns, template_path
    >>> out = Path(tempfile.mkdtemp())
    >>> sorted(write_import(import_returns(template_path("surveys"), "surveys"), out))
    ['rejects', 'summary', 'surveys']
    """
    from siamlib.importers.publish import building, holds_dataset
    from siamlib.importers.returns import KINDS, merge_into

    out = Path(out)
    kind = result.summary.kind
    is_return = kind in KINDS
    if not is_return and not replace and holds_dataset(out):
        raise ImporterError(
            f"--out {out}: already holds a dataset; pass --replace to replace it whole, or "
            "choose another --out"
        )
    if not is_return and replace and result.window is None and holds_dataset(out):
        # A rejects-only folder must not take the place of a dataset that reports are built on.
        raise ImporterError(
            f"--out {out}: every row of {result.summary.source} was rejected, so the dataset "
            "there is kept; import into another --out to look at the rejects"
        )
    suffix = f"_{kind}" if is_return else ""
    written: dict[str, Path] = {}
    with building(out, keep_old=is_return or not replace) as tmp:
        merged = None
        if is_return and result.window is not None and (tmp / f"{kind}.parquet").exists():
            old_rows = _old_part(out, f"{kind}.parquet", lambda: io.read_table(tmp, kind))
            # First: rows whose id the dataset holds for another supplier are rejected, which
            # may leave no row (then the dataset stays as it is) and narrows the window.
            merged = merge_into(result, old_rows)
            if not shrink:
                check_shrink(result)
        window = result.window
        tables = result.tables
        if window is not None:
            old_name, generator = None, {"importer": kind, **result.meta}
            if is_return and (tmp / "dataset.json").exists():
                old = _old_part(out, "dataset.json", lambda: io.read_dataset_info(tmp))
                old_name = old.name
                s, e = old.window
                # A ticket log's window is the span it speaks for: a return covers its own
                # months only, and widening the log's window to them would declare days
                # without tickets as complete.
                if (old.generator or {}).get("importer") in LOG_IMPORTERS:
                    window, generator = (s, e), old.generator
                else:
                    window = (min(s, window[0]), max(e, window[1]))
            if merged is not None:
                tables = {kind: merged}
            info = io.DatasetInfo(
                name=name or old_name or result.summary.source,
                source=result.summary.source,
                window_start=window[0].isoformat(),
                window_end=window[1].isoformat(),
                generator=generator,
            )
            written.update(
                {k: out / p.name for k, p in io.write_dataset(tmp, tables, info).items()}
            )
        rejects_path = tmp / f"rejects{suffix}.csv"
        with io.atomic_path(rejects_path) as part:
            prepare(result.rejects).to_csv(part, index=False, encoding="utf-8")
        written["rejects"] = out / rejects_path.name
        summary_path = tmp / f"import_summary{suffix}.json"
        io.write_text_atomic(
            summary_path, json.dumps(result.summary.to_dict(), indent=2, default=str) + "\n"
        )
        written["summary"] = out / summary_path.name
    return written


SHRINK_SHARE = 0.5  # a return keeping fewer than this share of a held month's rows is refused


def check_shrink(result: ImportResult) -> None:
    """Refuse a return that replaces a held (supplier, period) with fewer than half its rows.

    A return replaces its supplier's rows of the periods it covers, by design (a corrected
    resubmission). A file cut short (one row of a month's 36 survey responses) would then
    move that month's figures (a probe: CSAT 4.16 amber to 4.46 green) and only the import
    summary would say so. Replacing with fewer rows stays possible, deliberately, with
    ``--shrink``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(summary=SimpleNamespace(source="s.csv", kind="surveys", replaced=[
    ...     {"table": "surveys", "supplier_id": "hosting", "periods": ["2026-10"],
    ...      "rows_removed": 36, "rows_added": 1}]))
    >>> try:
    ...     check_shrink(r)
    ... except ImporterError as e:
    ...     print(str(e)[:71])
    s.csv: would replace hosting's 36 surveys rows of 2026-10 with 1 (fewer
    """
    s = result.summary
    for r in s.replaced:
        removed, added = int(r["rows_removed"]), int(r["rows_added"])
        if removed and added < removed * SHRINK_SHARE:
            raise ImporterError(
                f"{s.source}: would replace {r['supplier_id']}'s {removed} {r['table']} rows "
                f"of {', '.join(r['periods'])} with {added} (fewer than half): a return cut "
                "short would move that month's figures; check the file, or pass --shrink to "
                "replace them anyway"
            )
