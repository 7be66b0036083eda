"""Presentation helpers for the report notebooks: escaped HTML tiles and tables.

Everything a notebook shows as HTML goes through here, so that every text (ticket fields,
supplier or service names from the data) is HTML-escaped in one place.

>>> t = tiles([{"label": "Score", "value": "87.5", "sub": "out of 100", "rag": "green"}])
>>> t.startswith('<div class="tiles"><div class="tile rag-green"><div class="label">Score')
True
>>> "&lt;script&gt;" in table(pd.DataFrame({"a": ["<script>"]}))
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import pandas as pd

RAGS = ("green", "amber", "red", "grey")


def esc(value: object) -> str:
    """HTML-escape any value (None / NaN become an en dash)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value is pd.NA or value is pd.NaT:
        return "–"
    return html.escape(str(value))


def fmt_number(value: object, unit: str = "", digits: int = 1) -> str:
    """Format a figure with its unit: ``95.5 %``, ``3.2 hours``, ``£1,200``.

    >>> fmt_number(95.456, "%"), fmt_number(1200, "GBP", 0), fmt_number(float("nan"), "%")
    ('95.5 %', '£1,200', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    symbols = {"GBP": "£", "EUR": "€", "USD": "$"}
    if unit in symbols:
        return f"{symbols[unit]}{float(value):,.{digits}f}"
    if len(unit) == 3 and unit.isupper():
        return f"{float(value):,.{digits}f} {unit}"
    text = f"{float(value):,.{digits}f}"
    return f"{text} {unit}".strip()


def tiles(items: Iterable[Mapping]) -> str:
    """RAG tiles: each item has label, value, optional sub and rag (green/amber/red/grey)."""
    out = []
    for it in items:
        rag = it.get("rag", "grey")
        rag = rag if rag in RAGS else "grey"
        sub = f'<div class="sub">{esc(it["sub"])}</div>' if it.get("sub") else ""
        out.append(
            f'<div class="tile rag-{rag}"><div class="label">{esc(it["label"])}</div>'
            f'<div class="value">{esc(it["value"])}</div>{sub}</div>'
        )
    return '<div class="tiles">' + "".join(out) + "</div>"


def table(
    df: pd.DataFrame,
    rag_column: str | None = None,
    numeric: Iterable[str] = (),
    max_rows: int = 200,
    caption: str | None = None,
) -> str:
    """An escaped HTML table; ``rag_column`` colours each row by its RAG value."""
    numeric = set(numeric)
    cols = list(df.columns)
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(c)}</th>' for c in cols)
    rows = []
    for rec in df.head(max_rows).itertuples(index=False):
        values = dict(zip(cols, rec, strict=True))
        cls = f' class="rag-{values[rag_column]}"' if rag_column and rag_column in values else ""
        cells = "".join(
            f'<td class="{"num" if c in numeric else ""}">{esc(values[c])}</td>' for c in cols
        )
        rows.append(f"<tr{cls}>{cells}</tr>")
    more = ""
    if len(df) > max_rows:
        more = (
            f'<p class="note">Showing {max_rows} of {len(df)} rows; '
            "all rows are in the evidence files.</p>"
        )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def provenance(meta: Mapping) -> str:
    """The provenance footer: period, run time, code version, hashes of inputs and params."""
    items = [
        ("Period", meta.get("period")),
        ("Run at (UTC)", meta.get("run_at")),
        ("Code version", meta.get("code_version")),
        ("Data window", meta.get("data_window")),
        ("Inputs", meta.get("inputs_sha256")),
        ("Params", meta.get("params_sha256")),
    ]
    body = "".join(f"<li><b>{esc(k)}:</b> {esc(v)}</li>" for k, v in items if v)
    return f'<div class="provenance"><h3>Provenance</h3><ul>{body}</ul></div>'
