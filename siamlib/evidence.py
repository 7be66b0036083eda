"""Evidence: the ticket-level rows behind the measures, filtered per supplier and exported.

A report shows a figure; the evidence shows which tickets made it (breaching tickets,
excluded tickets with their approver, the credit ledger, aged tickets, ping-pong tickets,
out-of-scope work...). :func:`evidence_frames` takes whatever frames the caller has and keeps
only the rows of one supplier, so a supplier never receives another supplier's rows;
:func:`write_evidence` writes one CSV per frame plus one XLSX workbook with a sheet per frame.

Export rules
    - Every file is written atomically (:func:`siamlib.io.atomic_path`).
    - **Formula injection** is neutralised: a text cell (or column name) starting with ``=``,
      ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so
      spreadsheet programs show it as text instead of running it (e.g. ``=HYPERLINK(...)``
      in a ticket description). Numbers are left alone; text such as ``"-5"`` is prefixed.
    - Timestamps are written as ISO 8601 UTC (``2026-03-02T09:00:00Z``; fractions of a second
      only when present); naive timestamps are taken to be UTC already; dates as
      ``YYYY-MM-DD``.
    - CSV files are UTF-8 with CRLF line ends (RFC 4180); XLSX has a first ``contents``
      sheet listing the frames, their row counts and what they hold. Characters that XLSX
      cannot store (control characters other than tab, LF, CR; U+FFFE, U+FFFF) are dropped
      from the workbook only, and a text longer than a cell can hold (32,767 characters) is
      cut there.
    - A sheet holds at most 1,048,576 rows (Excel's limit, header included). A longer frame
      is split over several sheets (``breaches``, ``breaches-part2``...); the contents sheet
      gives each part its own line saying which rows it holds. The CSV always has every row.
    - Missing values (and empty text) are empty cells; numbers are written with 16
      significant digits, as spreadsheet programs keep them.

Examples
--------
>>> import pandas as pd, pathlib, tempfile
>>> frames = {"breaching_tickets": pd.DataFrame({
...     "ticket_id": ["T1", "T2"], "supplier_id": ["euc", "hosting"],
...     "short_description": ["=cmd|' /C calc'!A0", "disk full"]})}
>>> mine = evidence_frames(frames, "euc")
>>> mine["breaching_tickets"]["ticket_id"].tolist()
['T1']
>>> out = write_evidence(mine, pathlib.Path(tempfile.mkdtemp()), "euc-2026-03")
>>> [p.name for p in out]
['euc-2026-03-breaching_tickets.csv', 'euc-2026-03.xlsx']
>>> print(out[0].read_text().splitlines()[1])
T1,euc,'=cmd|' /C calc'!A0
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from siamlib.io import atomic_path

EVIDENCE: dict[str, str] = {
    "breaching_tickets": "Tickets that breached their response or resolution target.",
    "excluded_tickets": "Tickets removed by an agreed exclusion, with reason and approver.",
    "credit_ledger": "Service-credit ledger: one explained line per missed service level.",
    "aged_tickets": "Open tickets older than the ageing threshold at period end.",
    "ping_pong_tickets": "Tickets that returned to a supplier they had left (A -> B -> A).",
    "out_of_scope_work": "Work handled by a party not Responsible for it in the RACI.",
    "dropped_incident_credits": "Per-ticket credits dropped: one credit per incident.",
}
"""Known evidence frames and what they hold (used on the XLSX contents sheet). Other names
are accepted too."""

XLSX_MAX_ROWS = 1_048_576
"""Rows a worksheet can hold in Excel (and LibreOffice), header row included."""
XLSX_MAX_TEXT = 32_767
"""Characters a cell can hold in Excel; longer text is cut in the workbook (the CSV keeps it)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_BASENAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# XML 1.0 cannot hold these; spreadsheet programs refuse a file holding them.
# U+FFFE/U+FFFF stand as themselves: pyarrow's regex engine (RE2) has no \u escape.
_ILLEGAL_XLSX = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\ufffe\uffff]")


def evidence_frames(
    frames: Mapping[str, pd.DataFrame],
    supplier_id: str,
    *,
    by: Mapping[str, str | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Keep only ``supplier_id``'s rows of each evidence frame.

    Parameters
    ----------
    frames
        Name -> frame, e.g. ``{"breaching_tickets": ..., "credit_ledger": ...}``; names are
        lower-case slugs (they become file and sheet names).
    supplier_id
        The supplier whose report the evidence goes with.
    by
        Per frame, the column naming the supplier a row belongs to (default ``supplier_id``),
        or ``None`` to keep a frame whole on purpose (e.g. the integrator's cross-supplier
        aged-ticket list). A frame without its filter column raises ``ValueError`` rather
        than leak other suppliers' rows.

    Returns
    -------
    dict
        Same names, same order, filtered frames with a fresh index.

    Examples
    --------
    >>> import pandas as pd
    >>> f = {"aged_tickets": pd.DataFrame({"ticket_id": ["A", "B"],
    ...                                    "supplier_id": ["euc", "network"]})}
    >>> evidence_frames(f, "network")["aged_tickets"]["ticket_id"].tolist()
    ['B']
    >>> len(evidence_frames(f, "integrator", by={"aged_tickets": None})["aged_tickets"])
    2
    """
    by = dict(by or {})
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if not _NAME_RE.match(name):
            raise ValueError(
                f"evidence frame name {name!r}: use lower-case letters, digits, '_' or '-'"
            )
        column = by.get(name, "supplier_id")
        if column is None:
            out[name] = frame.reset_index(drop=True)
            continue
        if column not in frame.columns:
            raise ValueError(
                f"evidence frame {name!r} has no {column!r} column to filter on; pass "
                f"by={{{name!r}: <column>}} or by={{{name!r}: None}} to keep it whole"
            )
        out[name] = frame.loc[frame[column] == supplier_id].reset_index(drop=True)
    return out


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    >>> neutralise("=1+1"), neutralise("@SUM(A1)"), neutralise("ok"), neutralise(-3)
    ("'=1+1", "'@SUM(A1)", 'ok', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _iso_utc(s: pd.Series) -> pd.Series:
    ts = s.dt.tz_convert("UTC") if isinstance(s.dtype, pd.DatetimeTZDtype) else s
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if (ts.dt.microsecond.fillna(0) != 0).any() else None
    text = ts.dt.strftime(fmt or "%Y-%m-%dT%H:%M:%SZ")
    return text.where(ts.notna())


def _cell(value: object) -> object:
    """Text form of the odd objects that end up in object columns (dates, timestamps)."""
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        ts = ts.tz_convert("UTC") if ts.tzinfo else ts
        return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if ts.microsecond else "%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it is exported: ISO 8601 UTC timestamps, formula text neutralised.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"at": pd.to_datetime(["2026-03-29T01:30+01:00"]),
    ...                    "note": ["+44 20 7946 0000"], "n": [-1]})
    >>> prepare(df).values.tolist()
    [['2026-03-29T00:30:00Z', "'+44 20 7946 0000", -1]]
    """
    out = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = _iso_utc(s)
        elif pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
            hit = s.str.startswith(FORMULA_TRIGGERS).fillna(False).astype(bool)
            s = s.where(~hit, "'" + s)
        elif pd.api.types.is_object_dtype(s.dtype):
            s = s.map(_cell)
        out[str(neutralise(str(name)))] = s.reset_index(drop=True)
    return pd.DataFrame(out, columns=list(out))


def _sheet_names(names: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, unique, never 'contents'."""
    used = {"contents"}
    result = []
    for name in names:
        base = name[:31]
        candidate, i = base, 1
        while candidate in used:
            i += 1
            suffix = f"~{i}"
            candidate = base[: 31 - len(suffix)] + suffix
        used.add(candidate)
        result.append(candidate)
    return result


def _xlsx_text(value: str) -> str | None:
    """Text as a cell holds it: no XML-illegal characters; empty text is an empty cell."""
    if _ILLEGAL_XLSX.search(value):
        value = _ILLEGAL_XLSX.sub("", value)
    return value[:XLSX_MAX_TEXT] or None


def _xlsx_cell(value: object) -> object:
    """One value as a cell value: ``None`` (empty), ``bool``, a number or ``str``.

    Follows what ``DataFrame.to_excel`` did: missing -> empty, infinity -> the text ``inf``,
    dates/times that slipped through as objects -> ISO text (see :func:`_cell`).
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if np.isinf(value):
            return "inf" if value > 0 else "-inf"
        return float(value)
    if isinstance(value, Decimal):
        return _xlsx_cell(float(value))  # Decimal("NaN") too
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400  # Excel counts time in days
    if isinstance(value, dt.date | pd.Timestamp):
        value = _cell(value)
    return _xlsx_text(str(value))


def _xlsx_column(s: pd.Series) -> list:
    """A column as a list of cell values (see :func:`_xlsx_cell`), vectorised where it can be."""
    numpy_kind = s.dtype.kind if isinstance(s.dtype, np.dtype) else ""  # not Int64, boolean...
    if numpy_kind in ("b", "i", "u"):
        return s.tolist()
    if not numpy_kind and s.dtype.kind in ("b", "i", "u", "f"):
        # nullable Int64 / Float64 / boolean (or Arrow numbers): the numpy path, then the
        # missing values emptied
        missing = s.isna().to_numpy(dtype=bool)
        kind = s.dtype.kind
        as_numpy = {"b": "bool", "i": "int64", "u": "uint64", "f": "float64"}[kind]
        fill = {"b": False, "f": np.nan}.get(kind, 0)
        out = _xlsx_column(pd.Series(s.to_numpy(dtype=as_numpy, na_value=fill)))
        for i in np.flatnonzero(missing):
            out[i] = None
        return out
    if numpy_kind == "f":
        x = s.to_numpy()
        out = x.tolist()
        for i in np.flatnonzero(~np.isfinite(x)):  # few: NaN and infinity only
            out[i] = _xlsx_cell(x[i])
        return out
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        bad = s.str.contains(_ILLEGAL_XLSX.pattern, regex=True).fillna(False).astype(bool)
        if bad.any():
            s = s.str.replace(_ILLEGAL_XLSX.pattern, "", regex=True)
        if (s.str.len() > XLSX_MAX_TEXT).any():
            s = s.str.slice(0, XLSX_MAX_TEXT)
        out = s.tolist()
        for i in np.flatnonzero(s.isna().to_numpy() | (s == "").fillna(False).to_numpy()):
            out[i] = None
        return out
    return [_xlsx_cell(v) for v in s.astype(object).tolist()]


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letter(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _xml_cells(values: list, letter: str, first_row: int) -> list[str]:
    """One ``<c>`` element per value (``""`` for an empty cell), rows from ``first_row``.

    Text is an inline string (escaped, whitespace kept), a bool ``t="b"``, a number ``%.16g``
    (what openpyxl writes and Excel keeps).
    """
    out = []
    for r, v in enumerate(values, start=first_row):
        if v is None:
            out.append("")
        elif type(v) is str:
            out.append(
                f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(v)}</t></is></c>"
            )
        elif type(v) is bool:
            out.append(f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>')
        else:
            out.append(f'<c r="{letter}{r}"><v>{v:.16g}</v></c>')
    return out


def _write_sheet(fh, header: list[str], columns: list[list], start: int, stop: int) -> None:
    """Write one worksheet part: the header row, then rows ``start:stop`` of ``columns``."""
    letters = [_column_letter(i) for i in range(len(header))]
    used = f"A1:{letters[-1]}{stop - start + 1}" if letters else "A1"
    fh.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN}"><dimension ref="{used}"/><sheetData>'.encode())
    head = [_xml_cells([_xlsx_text(str(h))], x, 1)[0] for h, x in zip(header, letters, strict=True)]
    fh.write(('<row r="1">' + "".join(head) + "</row>").encode("utf-8"))
    step = 20_000  # rows per chunk: bounded memory on million-row frames
    for lo in range(start, stop, step):
        hi = min(lo + step, stop)
        first = lo - start + 2
        cells = [
            _xml_cells(c[lo:hi], letter, first) for c, letter in zip(columns, letters, strict=True)
        ]
        rows = [
            f'<row r="{first + i}">' + "".join(row) + "</row>"
            for i, row in enumerate(zip(*cells, strict=True))
        ]
        fh.write("".join(rows).encode("utf-8"))
    fh.write(b"</sheetData></worksheet>")


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_XML_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list], int, int]]) -> None:
    """Write a minimal Office Open XML workbook: one worksheet per ``sheets`` entry.

    Each entry is ``(sheet name, header, columns as lists of cell values, start, stop)``.
    Writing the XML directly streams rows to the zip: no object per cell (openpyxl took
    minutes on the large evidence frames) and no third-party rewriting of the text (other
    writers turn control characters into ``_x000D_`` escapes or take ``<r>...</r>`` text for
    rich-text XML).
    """
    n = len(sheets)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    content_types = (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        f"{types}</Types>"
    )
    root_rels = (
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, *_) in enumerate(sheets, start=1)
    )
    workbook = (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{book}</sheets></workbook>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    book_rels = (
        f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
        f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    # level 1: a third of the default's time for a slightly larger file
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", book_rels)
        zf.writestr("xl/styles.xml", _STYLES)
        for i, (_, header, columns, start, stop) in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                _write_sheet(fh, header, columns, start, stop)


def _parts(name: str, n_rows: int, per_sheet: int) -> list[tuple[str, int, int, str]]:
    """How one frame is laid over sheets: ``(wanted sheet name, start, stop, note)`` each."""
    n_parts = max(1, -(-n_rows // per_sheet))
    if n_parts == 1:
        return [(name, 0, n_rows, "")]
    out = []
    for k in range(1, n_parts + 1):
        start, stop = (k - 1) * per_sheet, min(k * per_sheet, n_rows)
        suffix = f"-part{k}"
        sheet = name if k == 1 else name[: 31 - len(suffix)] + suffix
        note = (
            f"Part {k} of {n_parts}: rows {start + 1:,} to {stop:,} of {n_rows:,} (a sheet holds "
            f"at most {per_sheet:,} rows; the CSV file has every row)."
        )
        out.append((sheet, start, stop, note))
    return out


def write_evidence(
    frames: Mapping[str, pd.DataFrame],
    folder: Path | str,
    basename: str,
    *,
    max_rows: int = XLSX_MAX_ROWS,
) -> list[Path]:
    """Write each frame as ``<basename>-<name>.csv`` and all as ``<basename>.xlsx``.

    See the module notes for the export rules (atomic files, formula injection neutralised,
    ISO 8601 UTC timestamps). Returns the paths written: the CSVs in frame order, then the
    workbook. Filtering to one supplier is :func:`evidence_frames`' job, done before.
    ``max_rows`` is the most rows a sheet may hold, header included (Excel's limit by
    default); a longer frame is split over several sheets.

    >>> import pandas as pd, pathlib, tempfile, openpyxl
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> paths = write_evidence({"credit_ledger": pd.DataFrame({"amount": [8640.0]})}, d, "x")
    >>> openpyxl.load_workbook(paths[-1]).sheetnames
    ['contents', 'credit_ledger']
    """
    if not _BASENAME_RE.match(basename):
        raise ValueError(f"evidence basename {basename!r}: use letters, digits, '.', '_', '-'")
    folder = Path(folder)
    prepared: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if not _NAME_RE.match(name):
            raise ValueError(
                f"evidence frame name {name!r}: use lower-case letters, digits, '_' or '-'"
            )
        prepared[name] = prepare(frame)

    written: list[Path] = []
    for name, frame in prepared.items():
        target = folder / f"{basename}-{name}.csv"
        with atomic_path(target) as tmp:
            # CRLF as RFC 4180 says; it also makes the csv module quote a text holding a bare
            # CR, which a "\n" line end would leave unquoted and so break the row.
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
        written.append(target)

    per_sheet = max_rows - 1  # the header takes a row
    if not 2 <= max_rows <= XLSX_MAX_ROWS:
        raise ValueError(f"max_rows must be from 2 to {XLSX_MAX_ROWS:,}, not {max_rows}")
    layout = [
        (name, part) for name, f in prepared.items() for part in _parts(name, len(f), per_sheet)
    ]
    contents = pd.DataFrame(
        {
            "sheet": _sheet_names([part[0] for _, part in layout]),
            "frame": [name for name, _ in layout],
            "rows": [stop - start for _, (_, start, stop, _) in layout],
            "holds": [
                " ".join(filter(None, [EVIDENCE.get(name, ""), note]))
                for name, (_, _, _, note) in layout
            ],
        }
    )
    target = folder / f"{basename}.xlsx"
    cells = {name: [_xlsx_column(f[c]) for c in f.columns] for name, f in prepared.items()}
    sheets = [
        (
            "contents",
            list(contents.columns),
            [_xlsx_column(s) for _, s in prepare(contents).items()],
            0,
            len(contents),
        )
    ]
    for sheet, (name, (_, start, stop, _)) in zip(contents["sheet"], layout, strict=True):
        sheets.append((sheet, list(prepared[name].columns), cells[name], start, stop))
    with atomic_path(target) as tmp:
        _write_xlsx(tmp, sheets)
    written.append(target)
    return written
