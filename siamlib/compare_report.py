"""Writing a what-if comparison (:mod:`siamlib.compare`): CSV files and one offline HTML page.

The page uses the reports' presentation (:func:`siamlib.present.table`, tiles and the
report stylesheet); every number on it is a cell of the comparison frames, formatted only.
No script, no network: the page opens offline.

>>> import inspect
>>> "out_dir" in inspect.signature(write_comparison).parameters
True
"""

from __future__ import annotations

from pathlib import Path

from siamlib import io, present
from siamlib.compare import Comparison

FILES = ("summary.csv", "levels.csv", "totals.csv", "compare.html")

_SCOPE_TEXT = {
    "none": "The draft changes no figure-bearing setting: both columns are the same.",
    "scoring": "The draft changes only levels, weights or credit rules: re-scored from the "
    "same measure values (no clock recomputation).",
    "measures": "The draft changes exclusions, disputes or measures: measure values "
    "recomputed from the same data.",
    "clocks": "The draft changes calendars, SLA targets, clock rules or the estate: clocks and "
    "measure values recomputed from the same data.",
}


def render_html(c: Comparison, title: str, draft_label: str) -> str:
    """The comparison as one self-contained HTML page (string)."""
    from siamlib import report

    money = lambda v: present.fmt_money(v, c.currency)  # noqa: E731 - a formatter, not logic
    every = c.totals[c.totals["supplier_id"] == "all suppliers"].iloc[0]
    tiles = present.tiles(
        [
            {"label": "Credits, current", "value": money(every["credits_current"])},
            {"label": "Credits, draft", "value": money(every["credits_draft"])},
            {"label": "Difference (draft - current)", "value": money(every["credits_diff"])},
            {
                "label": "Supplier-months with a red level",
                "value": f"{int(every['red_months_current'])} -> {int(every['red_months_draft'])}",
            },
        ]
    )
    credit_cols = {k: money for k in c.totals.columns if k.startswith("credits")}
    changed = c.levels[c.levels["rag_changed"]]
    body = [
        f"<h1>{present.esc(title)}</h1>",
        f"<p class='note'>Months {present.esc(c.months[0])} to {present.esc(c.months[-1])}; "
        f"draft: {present.esc(draft_label)}. {present.esc(_SCOPE_TEXT[c.scope])}</p>",
        tiles,
        "<h2>Totals per supplier</h2>",
        present.table(c.totals, formats=credit_cols),
        "<h2>Per supplier and month</h2>",
        present.table(c.summary, formats=credit_cols, max_rows=1000),
        f"<h2>Levels whose RAG changes ({len(changed)})</h2>",
        present.table(changed.drop(columns=["rag_changed"]), rag_column="rag_draft", max_rows=500)
        if len(changed)
        else "<p>No level changes colour under the draft.</p>",
        "<p class='provenance'>Every level of every month, both ways: levels.csv; "
        "per supplier and month: summary.csv; totals: totals.csv.</p>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{present.esc(title)}</title><style>{report.report_css()}</style></head>"
        "<body><main class='siam-report'>" + "".join(body) + "</main></body></html>"
    )


def write_comparison(c: Comparison, out_dir: Path | str, title: str, draft_label: str) -> list:
    """Write ``FILES`` under ``out_dir`` (atomically each); return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("summary", c.summary), ("levels", c.levels), ("totals", c.totals)):
        target = out / f"{name}.csv"
        io.write_text_atomic(target, frame.to_csv(index=False, lineterminator="\n"))
        written.append(target)
    page = out / "compare.html"
    io.write_text_atomic(page, render_html(c, title, draft_label))
    return [*written, page]
