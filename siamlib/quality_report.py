"""Rendering and audit trail of the data-quality gate: HTML section, command-line summary, JSON.

Reads results only (never imports Great Expectations): the results table and the policy come
from :mod:`siamlib.quality_policy`. The functions are re-exported by :mod:`siamlib.quality`
(``quality.render_html`` ...), which is how callers use them.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from siamlib import quarantine as qr
from siamlib.common import BOARD
from siamlib.quality_policy import (
    ALL,
    RESULT_COLUMNS,
    UNATTRIBUTED,
    QualityResult,
    _frame,
    blocking_message,
    blocks,
    month_text,
    over_month,
    over_window,
    results_frame,
    score_table,
    supplier_score,
    supplier_view,
    window_text,
)
from siamlib.quality_rules import (
    Rule,
    build_rules,  # noqa: F401 - used by the doctests
)


def _plain(v):
    """A JSON-safe Python value from numpy / pandas scalars and containers."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple | np.ndarray | pd.Series):
        return [_plain(x) for x in list(v)]
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating | float):
        return None if math.isnan(v) or math.isinf(v) else float(v)
    if isinstance(v, pd.Timestamp | dt.datetime | dt.date):
        return v.isoformat()
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    return v if isinstance(v, int | str) else str(v)


def to_json(result: QualityResult) -> dict:
    """The result as a JSON-serialisable dict (for the run's audit trail); see :func:`from_json`.

    >>> import json
    >>> r = QualityResult(results_frame([{"rule_id": "A", "examples": ["X1"]}]))
    >>> json.loads(json.dumps(to_json(r)))["results"][0]["examples"]
    ['X1']
    """
    return {
        "created_at": result.created_at,
        "window": list(result.window) if result.window else None,
        "suppliers": list(result.suppliers),
        "seconds": _plain(result.seconds),
        "gx_version": result.gx_version,
        "period": result.period,
        "ok": bool(result.ok),
        "results": [
            {c: _plain(rec[c]) for c in RESULT_COLUMNS} for rec in result.results.to_dict("records")
        ],
        "quarantined": [
            {c: _plain(v) for c, v in rec.items()} for rec in result.quarantined.to_dict("records")
        ],
    }


def from_json(data: Mapping) -> QualityResult:
    """Rebuild a :class:`QualityResult` from :func:`to_json` output (no GX import needed).

    >>> r = QualityResult(results_frame([{"rule_id": "A", "passed": False}]), suppliers=["x"])
    >>> from_json(to_json(r)).results.equals(r.results)
    True
    """
    window = data.get("window")
    return QualityResult(
        results=results_frame(data.get("results") or []),
        window=tuple(window) if window else None,
        suppliers=list(data.get("suppliers") or []),
        created_at=data.get("created_at") or "",
        seconds=float(data.get("seconds") or 0.0),
        gx_version=data.get("gx_version") or "",
        quarantined=qr.quarantined_frame(data.get("quarantined") or []),
        period=data.get("period") or "",
    )


_CSS = (
    ".dq table{border-collapse:collapse;font-size:13px}"
    ".dq th,.dq td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    ".dq th{background:#f2f2f2}.dq .pass{color:#1a7f37}.dq .fail{color:#b42318;"
    "font-weight:bold}.dq .warn{color:#9a6700;font-weight:bold}.dq .num{text-align:right}"
)


def score_text(score: float) -> str:
    """A data-quality score as the reports write numbers: one decimal, no trailing ``.0``.

    >>> score_text(100.0), score_text(97.54), score_text(50)
    ('100', '97.5', '50')
    """
    return f"{float(score):.1f}".removesuffix(".0")


def supplier_label(supplier_id: str, names: Mapping[str, str] | None = None) -> str:
    """A supplier as a reader knows it: its name, the id in brackets (``Summit Hosting
    (hosting)``); the id alone when no name is known.

    >>> supplier_label("hosting", {"hosting": "Summit Hosting"}), supplier_label("x")
    ('Summit Hosting (hosting)', 'x')
    """
    name = (names or {}).get(supplier_id)
    return f"{name} ({supplier_id})" if name and name != supplier_id else supplier_id


def render_html(
    results: pd.DataFrame | QualityResult,
    supplier_id: str | None = None,
    *,
    only_failed: bool = False,
    beside: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    stopped: Mapping[str, str] | None = None,
) -> str:
    """A small self-contained HTML section (no script, no external files) for a report.

    ``supplier_id`` shows that supplier's data quality only (its own rows and the estate-wide
    rules); ``None`` shows the estate totals for the board, with a per-supplier score table.
    ``beside`` (the integrator's: :func:`siamlib.quality_policy.estate_quarantine`) adds the
    rows quarantined in other suppliers' data its estate-wide levels read, as a list of its
    own after the supplier's (see :func:`quarantine_lines`). ``names`` (supplier id -> name)
    names each supplier of the board's score table (:func:`supplier_label`). ``stopped`` (the
    run's decision, ``{report: reason}``, :func:`siamlib.gate.stopped_reports`) is what the
    per-supplier table's report column says; without it, the gate's results alone. All text
    is HTML-escaped.

    >>> df = results_frame([{"rule_id": "A<1>", "supplier_id": "x", "scope": "supplier",
    ...                      "description": "a & b", "passed": False}])
    >>> out = render_html(df, "x")
    >>> "A&lt;1&gt;" in out and "a &amp; b" in out and "<script" not in out
    True
    """
    df = _frame(results)
    view = supplier_view(df, supplier_id)
    # the counts are of every check run, before only_failed trims the table: "0 of 1 checks
    # passed" beside "1 of 167 checks failed" read as if a single check had been run
    n_all, n_fail = len(view), int((~view["passed"]).sum())
    if only_failed:
        view = view[~view["passed"]]
    e = html.escape
    score = supplier_score(df, supplier_id)
    parts = [f"<section class='dq'><style>{_CSS}</style>"]
    parts.append(
        f"<p>Data-quality score: <b>{score_text(score)}</b> / 100 "
        f"({n_all - n_fail} of {n_all} checks passed).</p>"
    )
    stop = blocking_message(df, supplier_id)
    if stop:
        parts.append(f"<p class='fail'>{e(stop.splitlines()[0])}</p>")
    parts.append(_lines_html(quarantine_lines(view)) + _lines_html(beside_lines(beside)))
    if supplier_id is None:
        suppliers = [s for s in dict.fromkeys(df["supplier_id"]) if s not in (ALL, UNATTRIBUTED)]
        if suppliers:
            head = ["supplier", "score", "blocking failed", "warnings failed"]
            parts.append(_head([*head, "rows quarantined", "report"]) + "<tbody>")
            table = score_table(df, suppliers)
            if stopped is not None:  # the run's decision, not the gate's results alone
                table["stopped"] = table["supplier_id"].isin(list(stopped))
            for r in table.itertuples(index=False):
                parts.append(
                    f"<tr><td>{e(supplier_label(r.supplier_id, names))}</td>"
                    f"<td class='num'>{score_text(r.score)}</td>"
                    f"<td class='num'>{r.blocking_failed}</td>"
                    f"<td class='num'>{r.warnings_failed}</td>"
                    f"<td class='num'>{r.rows_quarantined}</td>"
                    f"<td>{'<span class=fail>stopped</span>' if r.stopped else 'runs'}</td></tr>"
                )
            parts.append("</tbody></table>")
    head = ["rule", "table.column", "severity", "result", "rows failing", "%", "examples"]
    parts.append(_head([*head, "check"]) + "<tbody>")
    rows = zip(
        view.itertuples(index=False), blocks(view), over_month(view), over_window(view), strict=True
    )
    for r, blocked, in_month, in_window in rows:
        if r.error:
            status = "<span class='fail'>error</span>"
        elif r.passed:
            status = "<span class='pass'>pass</span>"
        elif r.severity == "quarantine" and not blocked:
            status = "<span class='warn'>quarantined</span>"
        else:
            cls = "fail" if blocked else "warn"
            status = f"<span class='{cls}'>fail</span>"
        desc = e(r.description) + (f"<br><i>{e(r.error)}</i>" if r.error else "")
        if in_month and not r.passed:
            desc += f"<br><i>{e(month_text(r))}</i>"
        if in_window and not r.passed and r.severity == "quarantine" and window_text(r):
            desc += f"<br><i>{e(window_text(r))}: too many to quarantine</i>"
        parts.append(
            f"<tr><td>{e(r.rule_id)}</td><td>{e(r.table)}.{e(r.column)}</td>"
            f"<td>{e(r.severity)}</td><td>{status}</td>"
            f"<td class='num'>{r.unexpected_count}</td>"
            f"<td class='num'>{r.unexpected_pct:.2f}</td>"
            f"<td>{e(', '.join(r.examples))}</td><td>{desc}</td></tr>"
        )
    parts.append("</tbody></table></section>")
    return "".join(parts)


def _head(labels: list[str]) -> str:
    """A table's opening and header row, each header cell a column header (``scope="col"``).

    >>> _head(["rule", "%"])
    '<table><thead><tr><th scope="col">rule</th><th scope="col">%</th></tr></thead>'
    """
    cells = "".join(f'<th scope="col">{html.escape(x)}</th>' for x in labels)
    return f"<table><thead><tr>{cells}</tr></thead>"


def _lines_html(lines: list[str]) -> str:
    """A block of :func:`quarantine_lines` as HTML: the total line, then a list; escaped."""
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines[1:])
    return f"<p class='warn'>{html.escape(lines[0])}</p><ul>{items}</ul>"


def beside_html(beside: pd.DataFrame | None) -> str:
    """:func:`beside_lines` alone as an HTML section (``""`` when none): for a report whose
    own checks all passed, where :func:`render_html` of its failed checks would be empty.

    >>> beside_html(None)
    ''
    """
    block = _lines_html(beside_lines(beside))
    return f"<section class='dq'><style>{_CSS}</style>{block}</section>" if block else ""


def quarantine_lines(
    results: pd.DataFrame | QualityResult, beside: pd.DataFrame | None = None
) -> list[str]:
    """Plain-text lines on rows quarantined: a total line, then one line per rule; ``[]`` if none.

    Counted from the result rows given (a :func:`supplier_view`: the supplier's own rows, or
    the estate totals), for quarantine rules that failed without blocking. A quarantined
    ticket also takes its ticket events out (listed in ``QualityResult.quarantined``).
    ``beside`` (the integrator's) appends :func:`beside_lines`.

    >>> df = results_frame([{"rule_id": "TKT-017", "table": "tickets", "column": "satisfaction",
    ...     "severity": "quarantine", "passed": False, "unexpected_count": 1,
    ...     "unexpected_pct": 33.3, "examples": ["INC1"],
    ...     "description": "A ticket's satisfaction is between 1 and 5."}])
    >>> for line in quarantine_lines(df):
    ...     print(line)
    1 row quarantined (taken out of every measure; a ticket takes its events with it):
    TKT-017 tickets.satisfaction: 1 row quarantined, e.g. INC1 (rule: A ticket's satisfaction is between 1 and 5.)
    """  # noqa: E501
    df = _frame(results)
    q = df[(df["severity"] == "quarantine") & ~df["passed"] & ~blocks(df)]
    if q.empty:
        return beside_lines(beside)
    total = int(q["unexpected_count"].sum())
    lines = [
        f"{total} row{'s' * (total != 1)} quarantined (taken out of every measure; a ticket "
        "takes its events with it):"
    ]
    lines += [_rule_line(r) for r in q.itertuples(index=False)]
    return lines + beside_lines(beside)


def _rule_line(r, whose: str = "") -> str:
    """One quarantine rule's line: rule, column, (``whose`` rows,) count, examples, rule text."""
    n = int(r.unexpected_count)
    eg = f", e.g. {', '.join(r.examples)}" if len(r.examples) else ""
    return (
        f"{r.rule_id} {r.table}.{r.column}{whose}: {n} row{'s' * (n != 1)} quarantined{eg} "
        f"(rule: {r.description})"
    )


def _beside_total(beside: pd.DataFrame) -> int:
    """Distinct rows of the rules in ``beside`` not counted against the report's supplier."""
    if "rule_rows" not in beside.columns:
        return int(beside["unexpected_count"].sum())
    return int(beside.drop_duplicates(["rule_id", "table"])["rule_rows"].sum())


def beside_lines(beside: pd.DataFrame | None) -> list[str]:
    """Lines on rows quarantined in other suppliers' data an estate-wide report also leaves out.

    ``beside`` is :func:`siamlib.quality_policy.estate_quarantine` (the integrator's report);
    a total line, then one line per rule and supplier; ``[]`` when ``None`` or empty. These
    rows are not the report's supplier's, so they do not lower its data-quality score; they
    are listed because its figures are computed without them.

    >>> df = results_frame([{"rule_id": "TKT-033", "table": "tickets", "supplier_id": "all",
    ...     "scope": "supplier", "severity": "quarantine", "passed": False,
    ...     "unexpected_count": 6}, {"rule_id": "TKT-033", "table": "tickets",
    ...     "column": "first_response_at", "supplier_id": "hosting", "scope": "supplier",
    ...     "severity": "quarantine", "passed": False, "unexpected_count": 6,
    ...     "examples": ["INC7", "INC9"], "description": "Response not after resolution."}])
    >>> from siamlib.quality_policy import estate_quarantine
    >>> for line in beside_lines(estate_quarantine(df, "integrator", ["tickets"])):
    ...     print(line)
    Rows quarantined in other suppliers' data that the estate-wide measures here also leave out: 6 (TKT-033 hosting: 6):
    TKT-033 tickets.first_response_at, hosting: 6 rows quarantined, e.g. INC7, INC9 (rule: Response not after resolution.)
    """  # noqa: E501
    if beside is None or beside.empty:
        return []
    total = _beside_total(beside)
    # ``beside`` holds failed rows only, but a hand-built frame may not: keep those with rows.
    rows = beside[beside["unexpected_count"] > 0]
    parts = ", ".join(
        f"{r.rule_id} {r.supplier_id}: {int(r.unexpected_count)}" for r in rows.itertuples()
    )
    lines = [
        "Rows quarantined in other suppliers' data that the estate-wide measures here also "
        f"leave out: {total} ({parts}):"
    ]
    lines += [_rule_line(r, f", {r.supplier_id}") for r in rows.itertuples(index=False)]
    return lines


def render_markdown_rules(rules: Iterable[Rule]) -> str:
    """The rule catalogue as a Markdown table (for ``docs/data-quality.md``).

    >>> print(render_markdown_rules(build_rules(["x"])[2:3]))
    | rule | table | column | severity | check |
    |---|---|---|---|---|
    | TKT-003 | tickets | ticket_id | blocking | No two tickets share a ticket_id. |
    """
    lines = ["| rule | table | column | severity | check |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(f"| {r.rule_id} | {r.table} | {r.column} | {r.severity} | {r.description} |")
    return "\n".join(lines)


def summary_text(
    result: QualityResult, stopped: Mapping[str, str], stopping: Iterable[str] | None = None
) -> str:
    """A plain-text summary for the command line: failed rules, supplier scores, verdict.

    ``stopped`` is the run's decision, ``{report: reason}`` (:func:`siamlib.gate.stopped_reports`:
    the gate's blocking failures, the integrator's estate-wide rows and data missing for the
    period): the score table's ``stopped`` column, the reasons and the ``BLOCKED`` line name
    exactly those reports; ``OK`` when it is empty. ``stopping`` (the rule ids that stop a
    report, :func:`siamlib.gate.stopping_rules`) is what the header's ``blocking`` count
    counts; a failed rule over a limit that stops no report (the estate's total of a table no
    estate-wide level reads) is then listed on its own, with why. Without it, every result
    row over a limit counts as blocking.

    >>> r = QualityResult(results_frame([{"rule_id": "A", "table": "t", "column": "c",
    ...     "severity": "warning", "passed": False, "unexpected_count": 2}]), suppliers=["x"])
    >>> print(summary_text(r, {}).splitlines()[0])
    1 rules checked: 0 passed, 1 failed (0 blocking), 0 errors.
    >>> print(summary_text(r, {"x": "Report for x stopped: no rows"}).splitlines()[-1])
    BLOCKED: reports stopped for x
    """
    res = result.results
    top = res[res["supplier_id"] == ALL]
    failed = top[~top["passed"]]
    over = blocks(failed)
    stops = over if stopping is None else failed["rule_id"].isin(set(stopping))
    n_err = int((failed["error"] != "").sum())
    lines = [
        f"{len(top)} rules checked: {len(top) - len(failed)} passed, {len(failed)} failed "
        f"({int(stops.sum())} blocking), {n_err} errors."
    ]
    if not failed.empty:
        lines.append("")
        marks = zip(over_month(failed), over_window(failed), strict=True)
        for r, (in_month, in_window) in zip(failed.itertuples(index=False), marks, strict=True):
            counted = window_text(r) if in_window and r.severity == "quarantine" else ""
            what = (
                f"error: {r.error}"
                if r.error
                else f"{r.unexpected_count} rows ({r.unexpected_pct:g}%)"
                + (f", e.g. {', '.join(r.examples)}" if len(r.examples) else "")
                + (f"; {counted}: too many to quarantine" if counted else "")
                + (f"; {month_text(r)}" if in_month else "")
            )
            lines.append(
                f"{r.rule_id:<8} {r.severity:<8} {r.table}.{r.column}: {r.description} {what}"
            )
    quarantined = quarantine_lines(top)
    if quarantined:
        lines += ["", *quarantined]
    idle = failed[over & ~stops]
    if not idle.empty:
        lines += ["", "Over the quarantine limit in the estate's total, but stopping no report:"]
        lines += [_idle_line(r) for r in idle.itertuples(index=False)]
    # A supplier's month is in its own row, not the estate's: name each one over the limit.
    month = res[(res["supplier_id"] != ALL) & ~res["passed"] & over_month(res)]
    if not month.empty:
        lines += ["", "Quarantine too concentrated in a month the figures read (blocked):"]
        lines += [f"{r.rule_id} {r.supplier_id}: {month_text(r)}" for r in month.itertuples()]
    if result.suppliers:
        table = score_table(res, result.suppliers)
        table["stopped"] = table["supplier_id"].isin(list(stopped))
        lines += ["", table.to_string(index=False)]
    lines.append("")
    if not stopped:
        quar = (top["severity"] == "quarantine") & ~top["passed"]
        n = int(top.loc[quar, "unexpected_count"].sum())
        tail = f" ({n} row{'s' * (n != 1)} quarantined)" if n else ""
        lines.append(f"OK: no report stopped{tail}.")
        return "\n".join(lines)
    lines += [*stopped.values(), ""]
    names = ["the board summary" if n == BOARD else n for n in stopped]
    lines.append("BLOCKED: reports stopped for " + ", ".join(names))
    return "\n".join(lines)


def _idle_line(r) -> str:
    """Why an estate row over a limit stops no report: its rows are quarantined.

    >>> r = next(results_frame([{"rule_id": "CHG-020", "table": "changes", "column":
    ...     "planned_end", "severity": "quarantine", "unexpected_count": 12,
    ...     "unexpected_pct": 57.1}]).itertuples())
    >>> print(_idle_line(r))  # doctest: +NORMALIZE_WHITESPACE
    CHG-020 changes.planned_end: over the limit only in the estate's total (12 rows, 57.1%),
    which only the integrator's estate-wide levels read, and none of its levels in force
    reads changes; each supplier's own rows are within its limits, so the 12 rows are
    quarantined (taken out of every measure) and no report is stopped.
    """
    n = int(r.unexpected_count)
    total = f"{n} row{'s' * (n != 1)}, {r.unexpected_pct:g}%"
    if window_text(r):
        total += f"; {window_text(r)}"
    if bool(over_month(results_frame([r._asdict()])).iloc[0]):
        total += f"; {month_text(r)}"
    return (
        f"{r.rule_id} {r.table}.{r.column}: over the limit only in the estate's total "
        f"({total}), which only the integrator's estate-wide levels read, and none of its "
        f"levels in force reads {r.table}; each supplier's own rows are within its limits, "
        f"so the {n} row{'s' * (n != 1)} {'are' if n != 1 else 'is'} quarantined (taken out "
        "of every measure) and no report is stopped."
    )


APPENDIX_NAME = "data-quality.html"  # the full rule list, one file in the pack


def summary_line(
    results: pd.DataFrame | QualityResult,
    supplier_id: str | None = None,
    beside: pd.DataFrame | None = None,
) -> str:
    """Data quality in one plain-text line: score, checks failed, blocking ones, quarantine.

    ``beside`` (the integrator's, :func:`siamlib.quality_policy.estate_quarantine`) adds how
    many rows quarantined in other suppliers' data its estate-wide measures also leave out.

    >>> df = results_frame([{"rule_id": "A", "supplier_id": "x", "scope": "supplier",
    ...     "severity": "warning", "passed": False}, {"rule_id": "B", "supplier_id": "x",
    ...     "scope": "supplier", "passed": True}])
    >>> summary_line(df, "x")
    'Data quality 50 / 100: 1 of 2 checks failed (0 blocking).'
    """
    df = _frame(results)
    view = supplier_view(df, supplier_id)
    failed = view[~view["passed"]]
    n_block = int(blocks(failed).sum())
    line = (
        f"Data quality {score_text(supplier_score(df, supplier_id))} / 100: {len(failed)} of "
        f"{len(view)} checks failed ({n_block} blocking)"
    )
    quarantined = quarantine_lines(view)
    if quarantined:
        line += f"; {quarantined[0].split(' (')[0]}"
    if beside is not None and not beside.empty:
        n = _beside_total(beside)
        line += (
            f"; {n} row{'s' * (n != 1)} quarantined in other suppliers' data also left out of "
            "its estate-wide measures"
        )
    return line + "."


def render_appendix_html(
    result: QualityResult,
    title: str,
    names: Mapping[str, str] | None = None,
    stopped: Mapping[str, str] | None = None,
) -> str:
    """The pack's data-quality appendix: a standalone page with every rule and its result;
    ``names`` (supplier id -> name) names each supplier beside its id; ``stopped`` (the run's
    decision, as :func:`render_html`) marks the reports stopped.

    >>> r = QualityResult(results_frame([{"rule_id": "A", "passed": True}]), suppliers=["x"])
    >>> page = render_appendix_html(r, "Data quality, 2026-10")
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page and ">A<" in page
    True
    """
    e = html.escape
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{e(title)}</title><style>body{{font-family:'DejaVu Sans',Arial,sans-serif;"
        "margin:16px}table{display:block;max-width:100%;overflow-x:auto}</style></head><body>"
        f"<h1>{e(title)}</h1><p>{e(summary_line(result))} Every rule the gate ran, with its "
        "result, for the estate and each supplier.</p>"
        f"{render_html(result, names=names, stopped=stopped)}</body></html>"
    )
