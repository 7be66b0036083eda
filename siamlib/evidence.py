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
      cannot store (control characters other than tab, LF, CR) are dropped from the workbook
      only.

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
from collections.abc import Mapping
from pathlib import Path

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

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_BASENAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# XML 1.0 cannot hold these; openpyxl refuses them.
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        s = out[name]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[name] = s.map(
                lambda v: _ILLEGAL_XLSX.sub("", v) if isinstance(v, str) else v,
            )
    return out


def write_evidence(
    frames: Mapping[str, pd.DataFrame], folder: Path | str, basename: str
) -> list[Path]:
    """Write each frame as ``<basename>-<name>.csv`` and all as ``<basename>.xlsx``.

    See the module notes for the export rules (atomic files, formula injection neutralised,
    ISO 8601 UTC timestamps). Returns the paths written: the CSVs in frame order, then the
    workbook. Filtering to one supplier is :func:`evidence_frames`' job, done before.

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

    contents = pd.DataFrame(
        {
            "sheet": _sheet_names(list(prepared)),
            "frame": list(prepared),
            "rows": [len(f) for f in prepared.values()],
            "holds": [EVIDENCE.get(n, "") for n in prepared],
        }
    )
    target = folder / f"{basename}.xlsx"
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        _xlsx_safe(prepare(contents)).to_excel(xw, sheet_name="contents", index=False)
        for sheet, frame in zip(contents["sheet"], prepared.values(), strict=True):
            _xlsx_safe(frame).to_excel(xw, sheet_name=sheet, index=False)
    written.append(target)
    return written
