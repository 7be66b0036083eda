"""Run a report notebook with papermill from Python and export it to self-contained HTML.

Papermill is driven in-process (not through its command line) and the HTML export happens in the
same process with our own nbconvert template (``siamlib/templates/siam_report``): code hidden,
no require.js / MathJax / CDN, the Vega bundle inlined once per page. Pages are written
atomically, so a reader never sees half a report.

>>> html = to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")]),
...                title="Demo")
>>> "<h1" in html and "cdn" not in html.lower() and "require.js" not in html
True
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from siamlib import io, kernels, paths
from siamlib.charts import VEGALITE_MIMETYPE, keeps_size

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "siam_report"
REMOVE_TAGS = {"remove-cell", "remove_cell"}


class ReportError(RuntimeError):
    """A report notebook failed; the message says which cell and why."""


@functools.cache
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script (from vl-convert; no network).

    Building it takes seconds, so it is cached on disk per vl-convert version
    (``data/cache/``): the batch driver builds it once and every worker reads the file.
    """
    import importlib.metadata

    import vl_convert as vlc

    version = importlib.metadata.version("vl-convert-python")
    cached = paths.DATA_DIR / "cache" / f"vega-bundle-{version}.js"
    if cached.exists():
        bundle = cached.read_text(encoding="utf-8")
    else:
        bundle = vlc.javascript_bundle()
        with contextlib.suppress(OSError):  # a read-only checkout still works, just slower
            io.write_text_atomic(cached, bundle)
    if "</script" in bundle.lower():  # would end our inline <script> early
        raise RuntimeError("Vega bundle contains '</script'; cannot inline it safely")
    return bundle


@functools.cache
def report_css() -> str:
    return (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")


def _json_for_script(obj: object) -> str:
    # Inside <script type="application/json">, "</" must not appear; "\u003c" is the same JSON.
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


@functools.cache
def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    # Rich output first, plain text last.
    priority = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg"]
    priority += ["text/plain"]
    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": priority}}),
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    return exporter


def has_charts(nb: nbformat.NotebookNode) -> bool:
    """True when any output carries a chart."""
    return any(
        VEGALITE_MIMETYPE in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


def chart_figure(spec: dict) -> str:
    """The page markup for one chart: its spec as inert JSON, drawn by the page's script."""
    label = html.escape(str(spec.get("description") or _title(spec) or "chart"))
    # A dense chart (a heat map) keeps its size on a phone and scrolls in its own box.
    kind = "siam-chart siam-scroll" if keeps_size(spec) else "siam-chart"
    return (
        f'<figure class="{kind}" role="img" aria-label="{label}">'
        f'<script type="application/json" class="siam-chart-spec">{_json_for_script(spec)}'
        "</script></figure>"
    )


# What each evidence file holds, as the pack's index names its link (the file's last name
# part: <report>-<period>-<frame>.csv; the workbook <report>-<period>.xlsx holds them all).
EVIDENCE_LABELS = {
    "sla_tickets": "SLA tickets",
    "levels": "records behind each level",
    "aged_tickets": "aged tickets",
    "excluded": "agreed exclusions",
    "out_of_scope_work": "out-of-scope work",
    "causes": "causes of missed levels",
    "credits": "credit ledger",
    "scorecard": "scorecard",
    "scorecards": "every supplier's scorecard",
}


def evidence_link(path: str, report: str, period: str) -> str:
    """An evidence file's link in the pack's index, labelled with what it holds.

    Parameters
    ----------
    path : str
        The file, relative to the run folder (``evidence/<report>-<period>-<frame>.csv`` or
        the workbook ``evidence/<report>-<period>.xlsx``).
    report, period : str
        The report's name and the period, to find the frame's name in the file's.

    Returns
    -------
    str
        ``<a>`` labelled with what the file holds and its format ("SLA tickets (CSV)"), its
        ``title`` the fuller description (:data:`siamlib.evidence.EVIDENCE`).

    Examples
    --------
    >>> evidence_link("evidence/euc-2026-10-sla_tickets.csv", "euc", "2026-10")
    '<a href="evidence/euc-2026-10-sla_tickets.csv" title="Every ticket an SLA level counted, \
met or breached: in_denominator and in_numerator add up to the level&#x27;s counted and met.">\
SLA tickets (CSV)</a>'
    >>> evidence_link("evidence/euc-2026-10.xlsx", "euc", "2026-10")[-41:]
    '>all evidence, one sheet each (Excel)</a>'
    """
    from siamlib.evidence import EVIDENCE

    file = Path(path)
    frame = file.stem.removeprefix(f"{report}-{period}").lstrip("-")
    if file.suffix.lower() == ".xlsx":
        text, title = "all evidence, one sheet each (Excel)", "Every evidence table of the report"
    else:
        text = f"{EVIDENCE_LABELS.get(frame, frame.replace('_', ' '))} ({file.suffix[1:].upper()})"
        title = EVIDENCE.get(frame, "")
    title_attr = f' title="{html.escape(title)}"' if title else ""
    return f'<a href="{html.escape(path)}"{title_attr}>{html.escape(text)}</a>'


def _title(spec: dict) -> str:
    title = spec.get("title")
    title = title.get("text", "") if isinstance(title, dict) else (title or "")
    return " ".join(title) if isinstance(title, list) else title  # a title on two lines


def strip_for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` ready for export.

    Drops cells tagged ``remove-cell`` and stderr output, and turns chart outputs into
    ``text/html`` figures (see :func:`chart_figure`).
    """
    nb = copy.deepcopy(nb)
    keep = []
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            for o in cell.outputs:
                spec = o.get("data", {}).get(VEGALITE_MIMETYPE)
                if spec is not None:
                    o["data"] = {"text/html": chart_figure(spec)}
        keep.append(cell)
    nb.cells = keep
    return nb


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Export an executed notebook to one self-contained HTML page (code hidden)."""
    charts = has_charts(nb)
    nb = strip_for_report(nb)
    resources = {
        "siam_title": title,
        "siam_css": report_css(),
        "siam_vega_bundle": vega_bundle() if charts else "",
        "metadata": {"name": title},
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


@dataclass
class ReportOutcome:
    """What happened to one report."""

    name: str
    status: str  # "ok" or "failed"
    path: str | None = None
    seconds: float = 0.0
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


def execute(
    notebook: Path | str,
    parameters: dict,
    *,
    kernel_name: str = "python3",
    timeout: int = 600,
    cwd: Path | str | None = None,
    km=None,
) -> nbformat.NotebookNode:
    """Execute a notebook with papermill (in this process) and return the executed notebook.

    ``km`` is a started kernel's manager (a warm kernel, :mod:`siamlib.kernels`), used for
    this notebook only and shut down after it; without it papermill starts a kernel.
    Raises :class:`ReportError` naming the failing cell when the notebook raises.
    """
    import papermill as pm

    warm = {"km": km} if km is not None else {}
    try:
        return pm.execute_notebook(
            str(notebook),
            None,  # keep the executed notebook in memory; nothing half-written on disk
            parameters=parameters,
            kernel_name=kernel_name,
            kernel_manager_class=kernels.ipc_kernel_manager(),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            cwd=str(cwd) if cwd else None,
            **warm,
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"{Path(notebook).name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}"
        ) from None
    finally:
        if km is not None:  # papermill shuts down only the kernels it started
            kernels.shutdown(km)


def render(
    notebook: Path | str,
    parameters: dict,
    out_html: Path | str,
    *,
    title: str,
    name: str | None = None,
    kernel_name: str = "python3",
    timeout: int = 600,
    km=None,
) -> ReportOutcome:
    """Execute ``notebook`` with ``parameters`` and write the HTML report atomically.

    Never raises for a failing notebook: the outcome says ``failed`` with the reason, and no
    file is written at ``out_html`` (an older report there is left as it was).
    """
    name = name or Path(out_html).stem
    t0 = time.perf_counter()
    outcome = ReportOutcome(name=name, status="failed")
    try:
        nb = execute(notebook, parameters, kernel_name=kernel_name, timeout=timeout, km=km)
        t1 = time.perf_counter()
        html = to_html(nb, title)
        t2 = time.perf_counter()
        io.write_text_atomic(out_html, html)
        outcome.status, outcome.path = "ok", str(out_html)
        outcome.timings = {"execute": t1 - t0, "export": t2 - t1, "write": time.perf_counter() - t2}
    except Exception as exc:  # noqa: BLE001 - one report's failure must not stop the batch
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.seconds = time.perf_counter() - t0
    return outcome
