"""What an import returns: the tables built, the rejected rows and a summary accounting for
every input row.

Every row read is *used* (it became an event or a record), *collapsed* (it changed nothing the
data model keeps, e.g. an update of a field we do not import, or an exact duplicate) or
*rejected* (with a reason, written to the rejects file). :meth:`ImportSummary.check` enforces
``rows_read == rows_used + rows_collapsed + rows_rejected``.

Examples
--------
>>> s = ImportSummary(source="x.csv", kind="eventlog", rows_read=5, rows_used=3,
...                   rows_collapsed=1, rows_rejected=1, rejected_by_reason={"bad timestamp": 1},
...                   built={"tickets": 1, "ticket_events": 3})
>>> s.check().tickets_built
1
>>> print(s.to_text().splitlines()[1])
  rows read             5
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

# Columns of the rejects file before the original columns of the row.
REJECT_COLUMNS = ("source_row", "reason")


class ImporterError(ValueError):
    """The source cannot be imported at all (empty, unreadable, columns missing).

    Row-level problems never raise: they become rejects with a reason.
    """


@dataclass
class ImportSummary:
    """Counts that account for every input row, and what the import found along the way."""

    source: str
    kind: str
    rows_read: int
    rows_used: int
    rows_collapsed: int
    rows_rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    # Cases (tickets) with a rejected row: every row of such a case is rejected.
    cases_rejected: int = 0
    built: dict[str, int] = field(default_factory=dict)  # table -> rows written
    # Source values with no mapping, per field: {"status": {"Foo": 3}, "team": {...}}.
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    # Other counts worth knowing (DST adjustments, out-of-order rows, fallbacks used...).
    counts: dict[str, int] = field(default_factory=dict)
    checks: dict[str, float] = field(default_factory=dict)  # plausibility ratios
    notes: list[str] = field(default_factory=list)
    window: tuple[str, str] | None = None  # ISO UTC, [start, end)
    # A return merged into a dataset: per table and supplier, the periods replaced and the
    # rows removed and added (see siamlib.importers.returns.merge_return).
    replaced: list[dict] = field(default_factory=list)

    @property
    def tickets_built(self) -> int:
        return self.built.get("tickets", 0)

    @property
    def events_built(self) -> int:
        return self.built.get("ticket_events", 0)

    def check(self) -> ImportSummary:
        """Raise ``AssertionError`` unless every row read is accounted for; return self."""
        accounted = self.rows_used + self.rows_collapsed + self.rows_rejected
        if accounted != self.rows_read:
            raise AssertionError(
                f"{self.source}: {self.rows_read} rows read but {accounted} accounted for "
                f"(used {self.rows_used} + collapsed {self.rows_collapsed} + rejected "
                f"{self.rows_rejected})"
            )
        if sum(self.rejected_by_reason.values()) != self.rows_rejected:
            raise AssertionError(f"{self.source}: rejects by reason do not add up")
        return self

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self)

    def to_text(self) -> str:
        """The summary as printed by ``siam import``."""
        w = 22
        lines = [
            f"import {self.kind}: {self.source}",
            f"  {'rows read':<{w}}{self.rows_read}",
            f"  {'rows used':<{w}}{self.rows_used}",
        ]
        if "ticket_events" in self.built:
            lines.append(
                f"  {'rows collapsed':<{w}}{self.rows_collapsed}"
                "  (changed neither status nor assignment)"
            )
        lines.append(f"  {'rows rejected':<{w}}{self.rows_rejected}")
        for reason, n in sorted(self.rejected_by_reason.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {n:>8}  {reason}")
        if "ticket_events" in self.built:
            lines.append(
                f"  {'cases rejected':<{w}}{self.cases_rejected}  (every row of a case with a "
                "rejected row)"
            )
        for table, n in self.built.items():
            lines.append(f"  {table + ' built':<{w}}{n}")
        for what, values in self.unmapped.items():
            if values:
                top = ", ".join(f"{k!r} ({v})" for k, v in list(values.items())[:10])
                more = f" and {len(values) - 10} more" if len(values) > 10 else ""
                lines.append(f"  unmapped {what}: {top}{more}")
        for what, n in self.counts.items():
            if n:
                lines.append(f"  {what.replace('_', ' ')}: {n}")
        for what, v in self.checks.items():
            lines.append(f"  check: {what.replace('_', ' ')} = {v:.4f}")
        if self.window:
            lines.append(f"  {'window':<{w}}{self.window[0]} .. {self.window[1]}")
        for r in self.replaced:
            lines.append(
                f"  replaced {r['table']} of {r['supplier_id']} for {', '.join(r['periods'])}: "
                f"{r['rows_removed']} row(s) removed, {r['rows_added']} added"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class ImportResult:
    """Tables built (data-model names -> frames), rejected rows, and the summary."""

    tables: dict[str, pd.DataFrame]
    rejects: pd.DataFrame  # source_row, reason, then the row's original columns
    summary: ImportSummary
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None  # UTC, [start, end)
    meta: dict = field(default_factory=dict)  # mapping, time zone... (for dataset.json)


def row_offsets(df: pd.DataFrame) -> np.ndarray:
    """Each row's offset from the first data row: the index when it is a unique integer one.

    :func:`siamlib.importers.files.read_source` leaves blank rows out of its frame but keeps
    their place in the index, so ``offset + first_row`` is the row a spreadsheet shows; any
    other index counts rows by position.

    >>> row_offsets(pd.DataFrame({"a": [1, 2]}, index=[0, 3])).tolist()
    [0, 3]
    """
    idx = df.index
    if pd.api.types.is_integer_dtype(idx.dtype) and idx.is_unique:
        return idx.to_numpy(dtype="int64")
    return np.arange(len(df), dtype="int64")


def make_rejects(
    raw: pd.DataFrame, positions, reasons, first_row: int, offsets=None
) -> pd.DataFrame:
    """Rejects frame: 1-based source row (as a spreadsheet numbers it), reason, original row.

    ``positions`` are 0-based positions in ``raw``; ``first_row`` is the spreadsheet row number
    of the first data row (header rows + 1); ``offsets`` (default: positions) gives each row of
    ``raw`` its offset from ``first_row`` (see :func:`row_offsets`).

    >>> raw = pd.DataFrame({"a": ["x", "y"]})
    >>> make_rejects(raw, [1], ["bad"], first_row=2).to_dict("records")
    [{'source_row': 3, 'reason': 'bad', 'a': 'y'}]
    """
    positions = np.asarray(positions, dtype="int64")
    offsets = np.arange(len(raw)) if offsets is None else np.asarray(offsets, dtype="int64")
    picked = raw.iloc[positions].reset_index(drop=True)
    head = pd.DataFrame(
        {
            "source_row": offsets[positions] + first_row,
            "reason": pd.Series(np.asarray(reasons, dtype=object), dtype="str"),
        }
    )
    clash = [c for c in picked.columns if c in REJECT_COLUMNS]
    picked = picked.rename(columns={c: f"source_{c}" for c in clash})
    return pd.concat([head, picked], axis=1)
