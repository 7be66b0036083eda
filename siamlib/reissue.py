"""Re-issue: what changed between two figures files of the same period.

When a period already published is run again (an upheld dispute, a corrected import), the
new pack supersedes the old one and must say exactly what changed. :func:`changes` compares
the two figures files (:mod:`siamlib.figures`) row by row:

* a ``level`` row is identified by supplier, measure and scope (a service level's id may be
  re-issued under a new name, the measure and scope it scores may not); it changed when its
  ``actual``, ``rag``, ``points``, ``numerator``, ``denominator``, ``expected``,
  ``minimum`` or ``weight`` differs;
* a ``credit`` row is identified by supplier, service level and ledger line (with a running
  number when a level has several lines of the same kind, e.g. two earn-backs); it changed
  when its ``amount`` differs;
* a ``blocked`` row is identified by supplier;
* a row only in the old file is ``removed``, only in the new file ``added``.

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
_LEVEL_FIELDS = (
    "actual",
    "rag",
    "points",
    "numerator",
    "denominator",
    "expected",
    "minimum",
    "weight",
)
_NUMERIC = {"actual", "points", "numerator", "denominator", "expected", "minimum", "weight"}
_NUMERIC |= {"amount"}
_KEYS = {
    "level": ["supplier_id", "measure", "scope"],
    "credit": ["supplier_id", "service_level", "line", "n"],
    "blocked": ["supplier_id"],
}
_FIELDS = {"level": _LEVEL_FIELDS, "credit": ("amount",), "blocked": ("explanation",)}


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


def _prepare(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = frame[frame["kind"].astype(str) == kind].copy()
    for col in ("supplier_id", "service_level", "measure", "scope", "line", "explanation"):
        if col not in rows.columns:
            rows[col] = ""
        rows[col] = rows[col].map(_text)
    for col in _FIELDS[kind]:
        if col not in rows.columns:
            rows[col] = ""
        rows[col] = rows[col].map(lambda v: _text(float(v)) if _is_number(v) else _text(v))
    rows["n"] = rows.groupby(["supplier_id", "service_level", "line"]).cumcount()
    return rows


def _is_number(v) -> bool:
    if isinstance(v, int | float | np.floating):
        return not np.isnan(v)
    return isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", v) is not None


def changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Every figure that differs between the ``old`` and ``new`` figures (see module doc).

    Rows are in the new file's supplier order, then kind (blocked, level, credit).
    """
    out = []
    for kind, keys in _KEYS.items():
        a, b = _prepare(old, kind), _prepare(new, kind)
        both = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
        for rec in both.to_dict("records"):
            where = rec["_merge"]
            ident = {
                "supplier_id": rec["supplier_id"],
                "kind": kind,
                "service_level": rec.get("service_level")
                or rec.get("service_level_new")
                or rec.get("service_level_old")
                or "",
                "measure": rec.get("measure") or rec.get("measure_new") or rec.get("measure_old"),
                "scope": rec.get("scope", rec.get("scope_new", rec.get("scope_old", ""))),
                "line": rec.get("line") or rec.get("line_new") or rec.get("line_old") or "",
            }
            for f in _FIELDS[kind]:
                before = rec.get(f"{f}_old") if where != "right_only" else ""
                after = rec.get(f"{f}_new") if where != "left_only" else ""
                before, after = _text(before), _text(after)
                if where == "both" and before == after:
                    continue
                change = {"both": "changed", "left_only": "removed", "right_only": "added"}[where]
                diff = np.nan
                if f in _NUMERIC:
                    x = float(before) if before else 0.0
                    y = float(after) if after else 0.0
                    diff = round(y - x, 10) if (before or after) else np.nan
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
    frame = pd.DataFrame(out, columns=CHANGE_COLUMNS)
    if frame.empty:
        return frame.astype({c: "str" for c in CHANGE_COLUMNS if c != "difference"})
    order = list(dict.fromkeys([*new.get("supplier_id", pd.Series(dtype=str)).map(_text)]))
    rank = {s: i for i, s in enumerate(order)}
    kinds = {"blocked": 0, "level": 1, "credit": 2}
    frame["_s"] = frame["supplier_id"].map(rank).fillna(len(rank))
    frame["_k"] = frame["kind"].map(kinds)
    frame = frame.sort_values(["_s", "_k", "service_level", "line"], kind="stable")
    return frame.drop(columns=["_s", "_k"]).reset_index(drop=True)


def run_date(run_id: str) -> str:
    """The date (``YYYY-MM-DD``, UTC) a run id was started: ids begin ``YYYYMMDDTHHMMSSZ``.

    >>> run_date("20261103T091500Z-a1b2c3")
    '2026-11-03'
    """
    stamp = str(run_id)[:8]
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if stamp.isdigit() else str(run_id)
