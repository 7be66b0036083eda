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
    - **CSV** files are UTF-8 with a byte-order mark (so Excel reads "£" as "£", not "Â£")
      and CRLF line ends (RFC 4180). Timestamps are ISO 8601 UTC (``2026-03-02T09:00:00Z``;
      fractions of a second only when present; naive timestamps are taken to be UTC
      already); dates ``YYYY-MM-DD``; numbers to :data:`CSV_DIGITS` significant digits.
    - **XLSX** is written by xlsxwriter in ``constant_memory`` mode (rows streamed to disk).
      Timestamps and dates are real date cells: the wall-clock time in the estate's time zone
      (Excel has no time zones), number format ``yyyy-mm-dd hh:mm:ss`` or ``yyyy-mm-dd``;
      durations are ``[h]:mm:ss``. Every sheet has a bold frozen header row, an autofilter
      and column widths; number formats by column (:func:`column_kind`): integers ``0``,
      money (``amount``...) ``#,##0.00``, rates (``*_rate``, ``*_share``, fractions)
      ``0.0%``. Text is always a string cell, never a formula or link.
    - The first ``contents`` sheet has one row per sheet: the frame it holds, its row count,
      what it holds, and (for frames with times) the time zone the times are shown in.
      Characters that XLSX cannot store (control characters other than tab, LF, CR; U+FFFE,
      U+FFFF) are dropped from the workbook only, and a text longer than a cell can hold
      (32,767 characters) is cut there.
    - A sheet holds at most 1,048,576 rows (Excel's limit, header included). A longer frame
      is split over several sheets (``sla_tickets``, ``sla_tickets-part2``...); the contents sheet
      gives each part its own line saying which rows it holds. The CSV always has every row.
    - Missing values (and empty text) are empty cells.

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
>>> print(out[0].read_text(encoding="utf-8-sig").splitlines()[1])
T1,euc,'=cmd|' /C calc'!A0
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from siamlib import cache
from siamlib.common import DEFAULT_TZ  # the estate default (Estate.timezone)
from siamlib.io import atomic_path, write_bytes_atomic
from siamlib.schema import FORMULA_TRIGGERS

# What a tower's out-of-scope list shows for another supplier's ticket (siamlib.report_cuts
# masks it): said in the cell itself, so a reader of the CSV, with no contents sheet, sees why
# the id is missing and that the row still counts in the out-of-scope figure.
FOREIGN_RECORD = "(another supplier's ticket: id withheld, row still counted)"

EVIDENCE: dict[str, str] = {
    # the frames of every report's evidence (siamlib.workbook.Work.evidence)
    "sla_tickets": "Every ticket an SLA level counted, met or breached: in_denominator and "
    "in_numerator add up to the level's counted and met.",
    "levels": "Every record behind each level's figure: a level's actual is the sum of "
    "adds_to_numerator over the sum of adds_to_denominator of its rows (tickets, surveys, "
    "scheduled and outage minutes for availability).",
    "aged_tickets": "Open tickets older than the ageing threshold at period end.",
    "excluded": "Tickets removed by an agreed exclusion or upheld dispute, with reason and "
    "approver.",
    "out_of_scope_work": "Work handled by a party not Responsible for it in the RACI. In a "
    f'tower\'s list, a ticket of another supplier it worked on reads "{FOREIGN_RECORD}": a '
    "supplier's outputs never carry another "
    "supplier's ticket ids, yet the row counts, so the list adds up to the out-of-scope figure.",
    "causes": "Causes per level: actual with and without the cause's records (counted in "
    "unit: tickets, or downtime minutes); drives the miss?",
    "credits": "Service-credit ledger: one explained line per missed service level.",
    "scorecard": "The report's scorecard: every level's actual, expected, minimum, RAG, points.",
    "scorecards": "Every supplier's scorecard.",
    # other names callers use
    "breaching_tickets": "Tickets that breached their response or resolution target.",
    "credit_ledger": "Service-credit ledger: one explained line per missed service level.",
    "ping_pong_tickets": "Tickets that returned to a supplier they had left (A -> B -> A).",
    "dropped_incident_credits": "Per-ticket credits dropped: one credit per incident.",
}
"""Known evidence frames and what they hold (used on the XLSX contents sheet). Other names
are accepted too."""

XLSX_MAX_ROWS = 1_048_576
"""Rows a worksheet can hold in Excel (and LibreOffice), header row included."""
WORKBOOK_CREATED = dt.datetime(2000, 1, 1)
"""The creation date in every evidence workbook's file properties (see :func:`_write_xlsx`)."""
CSV_DIGITS = 12
"""Significant digits of a number in an evidence CSV: float noise (``-15.099999999999994``)
goes, the scorecard's ten decimals of a percentage stay (``98.6026597067``), so a level's
rows still add up to its actual to 1e-9."""
_FLOAT = f"%.{CSV_DIGITS}g"
XLSX_MAX_TEXT = 32_767
"""Characters a cell can hold in Excel; longer text is cut in the workbook (the CSV keeps it)."""


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


_EXCEL_EPOCH = np.datetime64("1899-12-30")  # day 0 of Excel's 1900 date system
_DAY = np.timedelta64(86_400_000_000, "us")
FORMATS: dict[str, str] = {
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
    "duration": "[h]:mm:ss",
    "integer": "0",
    "money": "#,##0.00;-#,##0.00",
    "rate": "0.0%",
}
"""Number format per column kind (see :func:`column_kind`); other columns keep General."""
_MONEY_RE = re.compile(r"(^|_)(amount|charge|credit_value|at_risk|value_gbp)$")
# a fraction 0..1 by the estate's naming (ping_pong_rate, paused_share); *_pct is 0..100
_RATE_RE = re.compile(r"(^|_)(rate|share)$")
_WIDTH_SAMPLE = 2_000  # rows looked at for a column's width: the head is representative
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _excel_days(local: np.ndarray) -> list:
    """Naive local ``datetime64`` values as Excel serial days (floats); NaT -> ``None``."""
    days = (local.astype("datetime64[us]") - _EXCEL_EPOCH) / _DAY
    out = days.tolist()
    for i in np.flatnonzero(np.isnat(local)):
        out[i] = None
    return out


def _object_times(s: pd.Series) -> str | None:
    """``"datetime"`` / ``"date"`` when every value of an object column is one, else None."""
    values = s.dropna()
    if values.empty:
        return None
    if all(isinstance(v, dt.datetime) for v in values):  # pd.Timestamp is one too
        return "datetime"
    if all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values):
        return "date"
    return None


def column_kind(name: str, s: pd.Series) -> str:
    """How an evidence column is shown in the workbook.

    ``datetime``, ``date`` and ``duration`` columns become real date/time cells; integer
    columns ``integer``; float columns named like money (``amount``, ``*_amount``...) ``money``
    and like a rate (``*_rate``, ``*_share``: fractions from 0 to 1) ``rate``; anything else
    ``general``.

    >>> import pandas as pd
    >>> column_kind("amount", pd.Series([1.5])), column_kind("ping_pong_rate", pd.Series([0.1]))
    ('money', 'rate')
    >>> column_kind("priority", pd.Series([1], dtype="Int64")), column_kind("n", pd.Series(["x"]))
    ('integer', 'general')
    """
    dtype = s.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "duration"
    if pd.api.types.is_bool_dtype(dtype):
        return "general"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        if _MONEY_RE.search(name):
            return "money"
        return "rate" if _RATE_RE.search(name) else "general"
    if pd.api.types.is_object_dtype(dtype):
        return _object_times(s) or "general"
    return "general"


def xlsx_column(s: pd.Series, kind: str, tz: str) -> list:
    """A raw evidence column as workbook cell values (``None`` is an empty cell).

    Times become Excel serial days of the wall-clock time in ``tz`` (Excel has no time
    zones; naive timestamps are taken to be UTC, as in the CSV); dates serial days; durations
    days; text is neutralised (see :func:`neutralise`) and cleaned of what XML cannot hold.

    >>> import pandas as pd
    >>> at = pd.Series(pd.to_datetime(["2026-07-01T11:00Z", None], utc=True))
    >>> xlsx_column(at, "datetime", "Europe/London")  # 12:00 BST = 46204.5
    [46204.5, None]
    """
    if kind == "datetime" and pd.api.types.is_object_dtype(s.dtype):
        stamps = [None if pd.isna(v) else pd.Timestamp(v) for v in s]
        utc = [t if t is None or t.tzinfo else t.tz_localize("UTC") for t in stamps]
        s = pd.Series(pd.to_datetime(utc, utc=True))
    if kind == "datetime":
        ts = s.dt.tz_localize("UTC") if s.dt.tz is None else s
        local = ts.dt.tz_convert(tz).dt.tz_localize(None)
        return _excel_days(local.to_numpy(dtype="datetime64[us]"))
    if kind == "date":
        days = pd.to_datetime(s).to_numpy(dtype="datetime64[us]")
        return _excel_days(days)
    if kind == "duration":
        out = (s / pd.Timedelta(days=1)).astype("float64")
        return [None if np.isnan(v) else v for v in out.tolist()]
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        hit = s.str.startswith(FORMULA_TRIGGERS).fillna(False).astype(bool)
        s = s.where(~hit, "'" + s)
    elif pd.api.types.is_object_dtype(s.dtype):
        s = s.map(_cell)
    return _xlsx_column(s)


def _width(header: str, values: list, kind: str) -> float:
    """Column width in characters: the header or the widest sampled value, within bounds."""
    if kind in ("datetime", "date"):
        fixed = 19 if kind == "datetime" else 10
        return min(max(fixed, len(header)) + 2, _MAX_WIDTH)
    step = max(1, len(values) // _WIDTH_SAMPLE)
    widest = max((len(str(v)) for v in values[::step] if v is not None), default=0)
    if kind == "money":
        widest += widest // 3  # thousands separators
    return float(min(max(widest, len(header), _MIN_WIDTH) + 2, _MAX_WIDTH))


def _plain(text: str) -> str:
    """Text that xlsxwriter stores as written, even when it looks like rich-text XML.

    In ``constant_memory`` mode xlsxwriter copies a string starting with ``<r>`` and ending
    with ``</r>`` into the sheet unescaped (it takes it for its own rich-text markup), so a
    ticket text could inject cells or formulas. Such a text is handed over as one escaped
    rich-text run, which reads back as the same text; it is cut further if the markup would
    pass the cell limit (xlsxwriter would otherwise cut the markup itself).

    >>> _plain("<r><t>x</t></r>")
    '<r><t xml:space="preserve">&lt;r&gt;&lt;t&gt;x&lt;/t&gt;&lt;/r&gt;</t></r>'
    >>> _plain("ok")
    'ok'
    """
    if not (text.startswith("<r>") and text.endswith("</r>")):
        return text
    head, tail = '<r><t xml:space="preserve">', "</t></r>"
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    room = XLSX_MAX_TEXT - len(head) - len(tail)
    while len((body).encode("utf-16-le")) // 2 > room:  # rare: only very long texts
        text = text[: -max(1, len(text) // 10)]
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return head + body + tail


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list], list[str], int, int]]):
    """Write the workbook with xlsxwriter, streaming rows (``constant_memory``).

    Each entry of ``sheets`` is ``(sheet name, header, columns as lists of cell values, column
    kinds, start, stop)``. Every sheet gets a frozen header row, an autofilter over its rows,
    column widths and number formats by kind (:data:`FORMATS`). Strings are written as
    strings, never as formulas or links, whatever they start with.
    """
    import xlsxwriter

    options = {
        "constant_memory": True,  # a row is written out when the next one starts
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        # A fixed creation date, not the clock: the same evidence gives the same bytes, so a
        # rerun can reuse the file (write_workbook's cache_dir). The run's time is in the
        # pack's manifest.
        book.set_properties({"created": WORKBOOK_CREATED})
        formats = {k: book.add_format({"num_format": f}) for k, f in FORMATS.items()}
        bold = book.add_format({"bold": True})
        for name, header, columns, kinds, start, stop in sheets:
            ws = book.add_worksheet(name)
            writers = []
            for c, (title, values, kind) in enumerate(zip(header, columns, kinds, strict=True)):
                ws.set_column(c, c, _width(title, values[start:stop], kind), formats.get(kind))
                ws.write_string(0, c, _plain(_xlsx_text(str(title)) or ""), bold)
                writers.append((c, values))
            ws.freeze_panes(1, 0)
            if header:
                ws.autofilter(0, 0, max(stop - start, 1), len(header) - 1)
            write_string, write_number, write_boolean = (
                ws.write_string,
                ws.write_number,
                ws.write_boolean,
            )
            for r in range(start, stop):
                row = r - start + 1
                for c, values in writers:
                    v = values[r]
                    if v is None:
                        continue
                    t = type(v)
                    if t is str:
                        write_string(row, c, _plain(v) if v.startswith("<r>") else v)
                    elif t is bool:
                        write_boolean(row, c, v)
                    else:
                        write_number(row, c, v)


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
    tz: str = DEFAULT_TZ,
    cache_dir: Path | str | None = None,
) -> list[Path]:
    """Write each frame as ``<basename>-<name>.csv`` and all as ``<basename>.xlsx``.

    See the module notes for the export rules (atomic files, formula injection neutralised,
    UTF-8 CSV with a BOM and ISO 8601 UTC timestamps, real date cells in ``tz`` in the
    workbook). Returns the paths written: the CSVs in frame order, then the workbook.
    Filtering to one supplier is :func:`evidence_frames`' job, done before. ``max_rows`` is
    the most rows a sheet may hold, header included (Excel's limit by default); a longer
    frame is split over several sheets. ``tz`` is the estate's time zone
    (``params.estate.timezone``): the workbook shows times as wall-clock times there.
    ``cache_dir``: reuse the workbook of identical cells (:func:`write_workbook`).

    >>> import pandas as pd, pathlib, tempfile, openpyxl
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> paths = write_evidence({"credit_ledger": pd.DataFrame({"amount": [8640.0]})}, d, "x")
    >>> openpyxl.load_workbook(paths[-1]).sheetnames
    ['contents', 'credit_ledger']
    """
    _check(frames, basename, max_rows, tz)  # nothing written for bad arguments
    written = write_csvs(frames, folder, basename)
    written.append(
        write_workbook(frames, folder, basename, max_rows=max_rows, tz=tz, cache_dir=cache_dir)
    )
    return written


def _check(frames: Mapping[str, pd.DataFrame], basename: str, max_rows: int, tz: str) -> None:
    """Refuse a bad basename, frame name, row limit or time zone before anything is written."""
    if not _BASENAME_RE.match(basename):
        raise ValueError(f"evidence basename {basename!r}: use letters, digits, '.', '_', '-'")
    if not 2 <= max_rows <= XLSX_MAX_ROWS:
        raise ValueError(f"max_rows must be from 2 to {XLSX_MAX_ROWS:,}, not {max_rows}")
    try:
        ZoneInfo(tz)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(
            f"evidence time zone {tz!r} is unknown; use an IANA name such as 'Europe/London'"
        ) from None
    for name in frames:
        if not _NAME_RE.match(name):
            raise ValueError(
                f"evidence frame name {name!r}: use lower-case letters, digits, '_' or '-'"
            )


def write_csvs(frames: Mapping[str, pd.DataFrame], folder: Path | str, basename: str) -> list[Path]:
    """Write each frame as ``<basename>-<name>.csv`` (see :func:`write_evidence`)."""
    _check(frames, basename, XLSX_MAX_ROWS, DEFAULT_TZ)
    folder = Path(folder)
    written: list[Path] = []
    for name, frame in frames.items():
        target = folder / f"{basename}-{name}.csv"
        with atomic_path(target) as tmp:
            # utf-8-sig: the BOM is how Excel knows the file is UTF-8 ("£", not "Â£").
            # CRLF as RFC 4180 says; it also makes the csv module quote a text holding a bare
            # CR, which a "\n" line end would leave unquoted and so break the row.
            # Numbers to CSV_DIGITS significant digits: no binary noise (-15.099999999999994).
            prepare(frame).to_csv(
                tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n", float_format=_FLOAT
            )
        written.append(target)
    return written


def write_workbook(
    frames: Mapping[str, pd.DataFrame],
    folder: Path | str,
    basename: str,
    *,
    max_rows: int = XLSX_MAX_ROWS,
    tz: str = DEFAULT_TZ,
    cache_dir: Path | str | None = None,
) -> Path:
    """Write all frames as ``<basename>.xlsx`` (see :func:`write_evidence`); its path.

    The batch runs it in a render worker, beside the other reports' (the workbook costs
    about 10 microseconds a cell in xlsxwriter: a minute at a million-ticket estate).

    ``cache_dir`` (the compute cache's folder, :func:`siamlib.cache.default_dir`): the
    workbook's bytes are a pure function of its cells, so they are stored there under the
    SHA-256 of every cell, sheet name, header, number format and row range
    (:func:`workbook_key`), the code and xlsxwriter versions; a later run whose evidence is
    cell for cell the same (a re-issue, a changed target that moves no breach) copies them
    instead of writing the workbook again. A corrupt or foreign entry is ignored.
    """
    _check(frames, basename, max_rows, tz)
    folder = Path(folder)
    sheets = _sheets(frames, max_rows, tz)
    target = folder / f"{basename}.xlsx"
    key = workbook_key(sheets) if cache_dir is not None else None
    body = cache.read_blob(cache_dir, key) if key else None
    if body is not None:
        cache.touch(cache_dir, key)
        write_bytes_atomic(target, body)
        return target
    with atomic_path(target) as tmp:
        _write_xlsx(tmp, sheets)
    if key:
        try:
            cache.write_blob(cache_dir, key, target.read_bytes())
            cache.prune(cache_dir)
        except OSError:  # a full or read-only cache folder costs speed, never a run
            pass
    return target


def _sheets(frames: Mapping[str, pd.DataFrame], max_rows: int, tz: str) -> list[tuple]:
    """The contents sheet and every frame's sheets, as :func:`_write_xlsx` takes them."""
    per_sheet = max_rows - 1  # the header takes a row
    layout = [
        (name, part) for name, f in frames.items() for part in _parts(name, len(f), per_sheet)
    ]
    kinds = {name: [column_kind(str(c), f[c]) for c in f.columns] for name, f in frames.items()}
    timed = {n for n, k in kinds.items() if {"datetime", "date"} & set(k)}
    zone_note = f"Times are wall-clock times in {tz}; the CSV file gives them in UTC."
    contents = pd.DataFrame(
        {
            "sheet": _sheet_names([part[0] for _, part in layout]),
            "frame": [name for name, _ in layout],
            "rows": pd.Series([stop - start for _, (_, start, stop, _) in layout], dtype="int64"),
            "holds": [
                " ".join(filter(None, [EVIDENCE.get(n, ""), note, zone_note * (n in timed)]))
                for n, (_, _, _, note) in layout
            ],
        }
    )
    head = list(contents.columns)
    contents_kinds = ["general", "general", "integer", "general"]
    contents_cells = [_xlsx_column(contents[c]) for c in head]
    sheets = [("contents", head, contents_cells, contents_kinds, 0, len(contents))]
    cells = {
        name: [xlsx_column(f.iloc[:, i], kinds[name][i], tz) for i in range(f.shape[1])]
        for name, f in frames.items()
    }
    for sheet, (name, (_, start, stop, _)) in zip(contents["sheet"], layout, strict=True):
        header = [str(neutralise(str(c))) for c in frames[name].columns]
        sheets.append((sheet, header, cells[name], kinds[name], start, stop))
    return sheets


class _Sha256Sink:
    """A write-only file object that hashes what is written to it (no copy kept)."""

    def __init__(self):
        self.h = hashlib.sha256()

    def write(self, data) -> int:
        self.h.update(data)
        return len(data)


def workbook_key(sheets: list[tuple]) -> str:
    """The cache key of a workbook: a hash of its sheets' cells, the code and xlsxwriter.

    The cells are pickled into the hash: a pickle decodes to the values it was made from, so
    two different workbooks never share a key (equal cells held in other objects may pickle
    differently: a missed reuse, never a wrong one).

    >>> a = [("contents", ["x"], [[1.0, "a"]], ["general"], 0, 2)]
    >>> b = [("contents", ["x"], [[1, "a"]], ["general"], 0, 2)]
    >>> workbook_key(a) == workbook_key(a), workbook_key(a) == workbook_key(b)
    (True, False)
    """
    import xlsxwriter

    sink = _Sha256Sink()
    pickle.Pickler(sink, protocol=5).dump(sheets)
    return cache.entry_key(
        {
            "kind": "evidence-workbook",
            "cells": sink.h.hexdigest(),
            "xlsxwriter": xlsxwriter.__version__,
            "environment": cache.environment(),
        }
    )
