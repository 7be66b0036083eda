"""Re-issue: what changed between two figures files of the same period.

When a period already published is run again (an upheld dispute, a corrected import), the
new pack supersedes the old one and must say exactly what changed. :func:`changes` compares
the two figures files (:mod:`siamlib.figures`) row by row and **every column** of a matched
row: a figure shown anywhere is a row of the figures file, so every figure that moved is
listed, and no column is left out of the comparison.

Rows are matched within their ``kind`` on:

* ``level``: supplier, measure and scope (a service level's id may be re-issued under a new
  name, the measure and scope it scores may not: a new id is listed as a change of its
  ``service_level``);
* ``credit``: supplier, service level and ledger line;
* ``headline``: supplier (``board-summary`` for the board's) and measure (the figure's name:
  weighted score, levels met, net credits...);
* ``blocked``: supplier; any other kind: supplier, service level, measure, scope and line;

with a running number when a file has several rows of the same key (e.g. two earn-backs),
in the file's order. A matched row changed in each other column that differs (``actual``,
``rag``, ``points``, ``amount``, ``explanation``...); a row only in the old file is
``removed``, only in the new file ``added``: one row per column holding a value, besides the
service level, measure, scope and line every change row names.

Each changed figure is one row of ``CHANGE_COLUMNS`` (``field`` names what changed,
``before``/``after`` its values as text, ``difference`` after - before when numeric).
Numbers are compared at the figures file's 10 significant digits, so the same inputs give
no change. Pure: frames in, frame out; :mod:`siamlib.batch` writes ``changes.csv``.

>>> import pandas as pd
>>> old = pd.DataFrame({"kind": ["credit"], "supplier_id": ["euc"], "service_level": ["P1"],
...     "line": ["credit"], "amount": [8640.0]})
>>> new = old.assign(amount=[0.0])
>>> changes(old, new)[["supplier_id", "field", "before", "after", "difference"]].values.tolist()
[['euc', 'amount', '8640', '0', -8640.0]]
"""

from __future__ import annotations

import io as _stdio
import re

import numpy as np
import pandas as pd

from siamlib.figures import _KIND_ORDER, FIGURE_COLUMNS

CHANGE_COLUMNS = [
    "supplier_id",
    "kind",
    "service_level",
    "measure",
    "scope",
    "line",
    "field",
    "change",
    "before",
    "after",
    "difference",
]
_NUMERIC = {
    "actual",
    "expected",
    "minimum",
    "numerator",
    "denominator",
    "weight",
    "points",
    "amount",
}
_KEYS = {
    "blocked": ["supplier_id"],
    "level": ["supplier_id", "measure", "scope"],
    "credit": ["supplier_id", "service_level", "line"],
    "headline": ["supplier_id", "measure"],
}
_LABELS = ("limit_kind",)  # figures columns that name, not measure (siamlib.figures)
# What names a row, and the key of a kind without its own (_KEYS).
_IDENT = ["supplier_id", "service_level", "measure", "scope", "line"]


def read_figures_text(text: str) -> pd.DataFrame:
    """A figures file's text as a frame (every column text; numbers parsed by :func:`changes`).

    >>> read_figures_text("kind,supplier_id,amount\\ncredit,euc,10\\n")["amount"].tolist()
    ['10']
    """
    return pd.read_csv(_stdio.StringIO(text), dtype=str, keep_default_na=False)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float | int | np.floating):
        return f"{float(value):.10g}"
    return str(value)


def _prepare(frame: pd.DataFrame, kind: str, columns: list[str]) -> pd.DataFrame:
    """The rows of ``kind``, every column as comparable text, ``n`` numbering repeated keys."""
    rows = frame[frame["kind"].map(_text) == kind].copy()
    for col in columns:
        if col not in rows.columns:
            rows[col] = ""
        rows[col] = rows[col].map(lambda v: _text(float(v)) if _is_number(v) else _text(v))
    rows["n"] = rows.groupby(_KEYS.get(kind, _IDENT)).cumcount()
    return rows[[*columns, "n"]]


def _is_number(v) -> bool:
    if isinstance(v, int | float | np.floating):
        return not np.isnan(v)
    return isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None


def changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Every figure that differs between the ``old`` and ``new`` figures (see module doc).

    Rows are in the new file's supplier order, then kind (blocked, level, credit, headline,
    any other), service level and line.
    """
    extra = [c for c in (*old.columns, *new.columns) if c not in FIGURE_COLUMNS]
    # A label derived from the measure (limit_kind), not a figure: compared only when both
    # files have it, so a pack published before the column existed is not all "changed".
    labels = {c for c in _LABELS if c not in old.columns or c not in new.columns}
    columns = [c for c in FIGURE_COLUMNS if c != "kind" and c not in labels]
    columns += list(dict.fromkeys(extra))
    kinds = [*_KEYS, *sorted({*map(_text, old["kind"]), *map(_text, new["kind"])} - {*_KEYS})]
    out = []
    for kind in kinds:
        keys = [*_KEYS.get(kind, _IDENT), "n"]
        a, b = _prepare(old, kind, columns), _prepare(new, kind, columns)
        both = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
        for rec in both.to_dict("records"):
            out.extend(_row_changes(rec, kind, keys, columns))
    frame = pd.DataFrame(out, columns=CHANGE_COLUMNS)
    if frame.empty:
        return frame.astype({c: "str" for c in CHANGE_COLUMNS if c != "difference"})
    order = list(dict.fromkeys([*new.get("supplier_id", pd.Series(dtype=str)).map(_text)]))
    rank = {s: i for i, s in enumerate(order)}
    frame["_s"] = frame["supplier_id"].map(rank).fillna(len(rank))
    frame["_k"] = frame["kind"].map(_KIND_ORDER).fillna(len(_KIND_ORDER))
    frame = frame.sort_values(["_s", "_k", "service_level", "line"], kind="stable")
    return frame.drop(columns=["_s", "_k"]).reset_index(drop=True)


def _row_changes(rec: dict, kind: str, keys: list[str], columns: list[str]) -> list[dict]:
    """The change rows of one matched (or unmatched) row: one per column that differs."""
    where = rec["_merge"]
    side = "_new" if where != "left_only" else "_old"

    def value(col: str, suffix: str) -> str:
        return _text(rec[col] if col in keys else rec.get(f"{col}{suffix}"))

    ident = {"kind": kind, **{c: value(c, side) for c in _IDENT}}
    out = []
    for f in columns:
        # A key is the same on both sides; an added or removed row's identity is in ``ident``.
        if f in keys or (where != "both" and f in _IDENT):
            continue
        before = value(f, "_old") if where != "right_only" else ""
        after = value(f, "_new") if where != "left_only" else ""
        if before == after:  # equal, or empty on the only side there is
            continue
        change = {"both": "changed", "left_only": "removed", "right_only": "added"}[where]
        diff = np.nan
        if f in _NUMERIC and _is_number(before or "0") and _is_number(after or "0"):
            diff = round(float(after or 0) - float(before or 0), 10)
        out.append(
            {
                **ident,
                "field": f,
                "change": change,
                "before": before,
                "after": after,
                "difference": diff,
            }
        )
    return out


def run_date(run_id: str) -> str:
    """The date (``YYYY-MM-DD``, UTC) a run id was started: ids begin ``YYYYMMDDTHHMMSSZ``.

    >>> run_date("20261103T091500Z-a1b2c3")
    '2026-11-03'
    """
    stamp = str(run_id)[:8]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() else str(run_id)
