"""Import mutations: bad ServiceNow CSVs through the importer Python API.

The clean source is the first rows of the committed sample export, written as plain CSV. A
case's ``apply(folder, clean_text)`` writes the mutated source into ``folder`` and returns its
path; ``extra["into"]`` says whether the import goes to a fresh folder or to one that already
holds a dataset (which must be refused without ``replace``).
"""

from __future__ import annotations

import csv
import gzip
import io as stdio
from pathlib import Path

from tests.hardening.corpus.outcome import Case

CLEAN_ROWS = 400
MAPPED = (
    "number",
    "sys_updated_at",
    "sys_mod_count",
    "incident_state",
    "assignment_group",
    "priority",
    "category",
    "cmdb_ci",
    "opened_at",
    "resolved_at",
    "problem_id",
    "rfc",
)
FORMULAS = ('=HYPERLINK("http://x.example","y")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)")


def clean_text(sample: Path) -> str:
    """Header and the first ``CLEAN_ROWS`` rows of the sample export."""
    with gzip.open(sample, "rt", encoding="utf-8", newline="") as fh:
        lines = [next(fh) for _ in range(CLEAN_ROWS + 1)]
    return "".join(lines)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(stdio.StringIO(text)))


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = stdio.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _bytes(name: str, fn):
    def apply(folder: Path, text: str) -> Path:
        p = folder / name
        p.write_bytes(fn(text))
        return p

    return apply


def _cells(column: str, values, every: int = 37):
    """Put ``values`` (cycled) into ``column`` of every ``every``-th data row."""

    def fn(text: str) -> bytes:
        rows = _rows(text)
        j = rows[0].index(column)
        for k, i in enumerate(range(1, len(rows), every)):
            rows[i][j] = values[k % len(values)]
        return _csv(rows).encode("utf-8")

    return fn


def _drop(column: str):
    def fn(text: str) -> bytes:
        rows = _rows(text)
        j = rows[0].index(column)
        return _csv([r[:j] + r[j + 1 :] for r in rows]).encode("utf-8")

    return fn


def import_cases() -> list[Case]:
    cases: list[Case] = []

    def add(what, fn, name="export.csv", into="fresh"):
        cases.append(
            Case(
                f"imports/{what}", "imports", _bytes(name, fn), names=(name,), extra={"into": into}
            )
        )

    add("utf16", lambda t: t.encode("utf-16"))
    add("utf8-bom", lambda t: t.encode("utf-8-sig"))
    add("crlf-line-ends", lambda t: t.replace("\n", "\r\n").encode("utf-8"))
    add("semicolon-delimiter", lambda t: _csv(_rows(t), ";").encode("utf-8"))
    add("tab-delimiter", lambda t: _csv(_rows(t), "\t").encode("utf-8"))
    add("empty-file", lambda t: b"")
    add("whitespace-only", lambda t: b"\n\n  \n")
    add("header-only", lambda t: t.splitlines(keepends=True)[0].encode("utf-8"))
    add("binary-garbage", lambda t: bytes(range(256)) * 16)
    add(
        "latin1-bytes",
        lambda t: _cells("category", ["Caf\u00e9 r\u00e9seau"])(t).decode().encode("latin-1"),
    )
    add("header-repeated-mid-file", lambda t: (t + t.splitlines(keepends=True)[0]).encode("utf-8"))
    add("trailing-blank-lines", lambda t: (t + "\n\n\n").encode("utf-8"))
    add("truncated-gzip", lambda t: gzip.compress(t.encode())[:300], name="export.csv.gz")
    for col in MAPPED:
        add(f"missing-column/{col}", _drop(col))
    add("duplicate-column", lambda t: _csv([r + [r[0]] for r in _rows(t)]).encode("utf-8"))
    for col in ("sys_updated_at", "opened_at"):
        add(f"garbage-dates/{col}", _cells(col, ["31/02/2016 25:61", "yesterday", "2016-99-99"]))
        add(f"dates-in-2200/{col}", _cells(col, ["1/1/2200 10:00"]))
    add("unknown-state", _cells("incident_state", ["Wibble"]))
    add("unknown-priority", _cells("priority", ["9 - Whenever"]))
    for col in ("incident_state", "priority", "number", "assignment_group", "category"):
        add(f"formula-cells/{col}", _cells(col, list(FORMULAS)))
    add("negative-sequence", _cells("sys_mod_count", ["-5"]))
    add("into-existing-dataset/same-source", lambda t: t.encode("utf-8"), into="existing")
    add(
        "into-existing-dataset/other-rows",
        lambda t: "".join(t.splitlines(keepends=True)[:50]).encode("utf-8"),
        into="existing",
    )
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate import case ids"
    return cases
