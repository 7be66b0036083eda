"""Pure rendering of a report for email and PDF: the email body (static, CSS inlined, charts
as ``cid:`` images, tables Outlook's Word engine lays out), its plain-text alternative, and the
full static report WeasyPrint turns into a tagged (PDF/UA) A4 PDF.

Bundle in, text or bytes out; no file or network I/O (see :mod:`siamlib.delivery`).

>>> report_kind({"meta": {"period": "2026-10", "role": "integrator"}, "frames": {}})
'integrator'
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping

from siamlib import layout, present, sections
from siamlib.common import BOARD

# Which charts go into the email body and which sections make the full PDF: both follow the
# one layout per report kind (siamlib.layout), like the notebooks. The board's front page opens
# its PDF as it opens the notebook.
EMAIL_CHARTS: dict[str, list[str]] = {k: layout.email_charts(k) for k in layout.LAYOUT}
FULL_SECTIONS: dict[str, list[tuple[str, str]]] = {
    k: ([("", "front_page")] if k == "board" else []) + [(s.heading, s.id) for s in secs]
    for k, secs in layout.LAYOUT.items()
}

# Outlook (Word engine) ignores max-width, flex and inline-block: the layout is tables with
# explicit widths (a 640 px column), which phones shrink and Outlook keeps.
EMAIL_WIDTH = 640
EMAIL_CSS = """
body { margin: 0; padding: 0; background: #ffffff; color: #1d2430;
       font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.4; }
table.wrap { width: 100%; border-collapse: collapse; }
table.wrap > tbody > tr > td, table.wrap > tr > td { border: 0; padding: 12px; }
h1 { font-size: 22px; margin: 4px 0 8px; }
h2 { font-size: 17px; margin: 20px 0 6px; border-bottom: 2px solid #d8dde6; }
h3 { font-size: 15px; margin: 14px 0 4px; }
p { margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 12px; table-layout: auto; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #d8dde6; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num, th.num { text-align: right; }
.rag-green { background: #d7f0dd; } .rag-amber { background: #ffe8b3; }
.rag-red { background: #f8d0d0; } .rag-grey { background: #e5e7eb; }
table.tiles td { padding: 6px 10px; border: 1px solid #c9d0db; }
.label { font-size: 11px; color: #3c4757; } .value { font-size: 20px; font-weight: bold; }
.sub { font-size: 11px; color: #3c4757; }
img.chart { display: block; height: auto; border: 0; margin: 8px 0 16px; }
.note { color: #3c4757; font-size: 12px; }
a { color: #0b5cad; }
"""

PDF_CSS = """
@page { size: A4 landscape; margin: 14mm 14mm 16mm; font-family: "DejaVu Sans", sans-serif;
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font-size: 9pt; color: #3c4757; }
        @bottom-left { content: string(doc-title); font-size: 9pt; color: #3c4757; } }
html, body { color: #1d2430; font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
h1 { font-size: 18pt; margin: 0 0 6pt; string-set: doc-title content(); }
h2 { font-size: 13pt; margin: 16pt 0 6pt; border-bottom: 1.5pt solid #d8dde6;
     break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; margin: 6pt 0 10pt; font-size: 8pt; width: 100%;
        break-inside: avoid; page-break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding: 2pt 0; }
th, td { border: 0.5pt solid #c9d0db; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num, th.num { text-align: right; }
.rag-green { background: #d7f0dd; } .rag-amber { background: #ffe8b3; }
.rag-red { background: #f8d0d0; } .rag-grey { background: #e5e7eb; }
.tiles { break-inside: avoid; page-break-inside: avoid; }
table.tiles { width: auto; } table.tiles td { padding: 2mm 3mm; }
.label, .sub { font-size: 8pt; color: #3c4757; } .value { font-size: 15pt; font-weight: bold; }
figure { margin: 6pt 0 12pt; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; max-height: 170mm; }
.note { color: #3c4757; font-size: 8.5pt; }
.provenance { margin-top: 16pt; font-size: 8pt; color: #3c4757; }
"""


def report_kind(bundle: Mapping) -> str:
    """``tower``, ``integrator`` or ``board`` from a bundle's ``meta.role``."""
    role = bundle["meta"].get("role", "tower")
    return role if role in ("integrator", "board") else "tower"


def report_name(bundle: Mapping) -> str:
    """The report's name: supplier id or ``board-summary``."""
    m = bundle["meta"]
    return BOARD if report_kind(bundle) == "board" else m.get("supplier_id") or m["report"]


def chart_pngs(bundle: Mapping, which: str = "email", scale: float = 1.5) -> list[tuple]:
    """Render the report's charts to PNG: list of ``(section name, title, png bytes)``.

    ``which`` is ``"email"`` (the 2-3 key charts) or ``"full"`` (every chart of the report).
    A chart whose data is missing from the bundle is left out rather than failing the message.
    """
    from siamlib import charts

    kind = report_kind(bundle)
    names = (
        EMAIL_CHARTS[kind]
        if which == "email"
        else [f for _, f in FULL_SECTIONS[kind] if f.endswith("_chart") or f == "rag_grid"]
    )
    out = []
    for name in names:
        try:
            chart = getattr(sections, name)(bundle)
            spec = chart.to_dict()
            png = charts.to_png(chart, scale=scale)
        except Exception:  # noqa: BLE001 - a chart without its data must not stop the message
            continue
        title = spec.get("title")
        title = title.get("text") if isinstance(title, dict) else title
        out.append((name, str(title or name), png))
    return out


def _summary_table(bundle: Mapping) -> str:
    if report_kind(bundle) == "board":
        return sections.league_table(bundle)
    return sections.scorecard_table(bundle)


def _headline(bundle: Mapping) -> str:
    """The tiles on top: the board's front page, a supplier's headline."""
    if report_kind(bundle) != "board":
        return sections.headline(bundle)
    try:
        return sections.front_page(bundle)
    except (KeyError, ValueError, AttributeError, TypeError):  # a bundle without its frames
        return ""


_TILES = re.compile(r'<div class="tiles siam-tiles".*?</div></div></div>(?=<|$)', re.S)
_TILE = re.compile(
    r'<div class="tile rag-(\w+)"[^>]*><div class="label">(.*?)</div>'
    r'<div class="value">(.*?)</div>(?:<div class="sub">(.*?)</div>)?</div>'
)


def table_tiles(markup: str, width: int = EMAIL_WIDTH) -> str:
    """``markup`` with its flex tiles (:func:`siamlib.present.tiles`) as a two-column table:
    one tile per row (label and note, then the value), which Outlook and phones both keep.

    >>> from siamlib import present
    >>> t = table_tiles(present.tiles([{"label": "Score", "value": "91", "rag": "green"}]))
    >>> "<table" in t, "flex" in t, "91" in t
    (True, False, True)
    """

    def one(m: re.Match) -> str:
        rows = "".join(
            f'<tr class="rag-{rag}"><td width="{width * 2 // 3}" bgcolor="'
            f'{present.RAG_BACKGROUND.get(rag, "#e5e7eb")}"><div class="label">{lab}</div>'
            + (f'<div class="sub">{sub}</div>' if sub else "")
            + f'</td><td width="{width // 3}" class="num" bgcolor="'
            f'{present.RAG_BACKGROUND.get(rag, "#e5e7eb")}"><div class="value">{val}</div></td>'
            "</tr>"
            for rag, lab, val, sub in _TILE.findall(m.group(0))
        )
        return (
            f'<table class="tiles" role="presentation" width="{width}" cellpadding="0" '
            f'cellspacing="0">{rows}</table>'
        )

    return _TILES.sub(one, markup)


def _tile_lines(tiles_html: str) -> list[str]:
    pat = re.compile(
        r'<div class="label">(.*?)</div><div class="value">(.*?)</div>'
        r'(?:<div class="sub">(.*?)</div>)?'
    )
    return [
        f"{html.unescape(lab)}: {html.unescape(val)}" + (f" ({html.unescape(sub)})" if sub else "")
        for lab, val, sub in pat.findall(tiles_html)
    ]


def _front_page_lines(bundle: Mapping) -> list[str]:
    """The board's front page as text: credits against the pool, alerts, one line a supplier."""
    from siamlib import frontpage

    try:
        fp = frontpage.front_page(bundle)
    except (KeyError, ValueError, AttributeError, TypeError):
        return []
    lines = [fp.credits_sentence]
    if fp.decisions:
        lines += ["", "For decision:", *[f"{i}. {d}" for i, d in enumerate(fp.decisions, 1)]]
    if fp.alerts:
        lines += ["", "Alerts:", *[f"- {a}" for a in fp.alerts]]
    return [*lines, "", "Suppliers, worst first:", *[f"- {s.sentence}" for s in fp.suppliers]]


def render_text(bundle: Mapping, link: str | None = None) -> str:
    """The plain-text alternative: title, headline figures, every scorecard line.

    >>> import pandas as pd
    >>> b = {"meta": {"period": "2026-10", "role": "board", "estate": "Acme"},
    ...      "frames": {"league": pd.DataFrame({"supplier_id": ["a"], "weighted_score": [91.0],
    ...                                         "credits": [0.0]})}}
    >>> print(render_text(b).splitlines()[0])
    Acme: board summary for 2026-10
    """
    lines = [sections.title(bundle), ""]
    lines += _tile_lines(_headline(bundle))
    frames = bundle["frames"]
    if report_kind(bundle) == "board":
        lines += _front_page_lines(bundle)
        lg = frames.get("league")
        if lg is not None and not lg.empty:
            currency = bundle["meta"].get("currency", "GBP")
            lines += ["", "League table (weighted score out of 100; credits: + owed by the "
                      "supplier, - earn-back repaid to it):"]  # fmt: skip
            for r in lg.to_dict("records"):
                name = r.get("supplier_name") or r.get("supplier_id")
                lines.append(
                    f"- {name}: {present.fmt_number(r.get('weighted_score'), '', 1)}"
                    f", credits {present.fmt_money(r.get('credits'), currency)}"
                )
    else:
        card = frames.get("scorecard")
        if card is not None and not card.empty:
            lines += ["", f"Scorecard for {bundle['meta']['period']}:"]
            for r in card.to_dict("records"):
                lines.append(
                    f"- {r['service_level']} {r['name']}: actual "
                    f"{present.fmt_number(r['actual'], '', 2)} {r['unit']} (expected "
                    f"{present.fmt_number(r['expected'], '', 2)}, minimum "
                    f"{present.fmt_number(r['minimum'], '', 2)}) - {str(r['rag']).upper()}"
                    # a grey level says why it has no figure, as the HTML scorecard does
                    + (f" ({r['note']})" if r["rag"] == "grey" and r.get("note") else "")
                )
    lines += ["", "The full report is attached as PDF."]
    if link:
        lines.append(f"Interactive report: {link}")
    return "\n".join(lines) + "\n"


def _email_table(markup: str) -> str:
    """Data tables at the column's explicit width (Outlook sizes tables by attribute)."""
    return markup.replace(
        "<table>", f'<table width="{EMAIL_WIDTH}" cellpadding="0" cellspacing="0">'
    )


def render_email_html(
    bundle: Mapping, chart_refs: list[tuple[str, str]], link: str | None = None
) -> str:
    """The email body: static HTML, CSS inlined, charts as ``<img src="cid:...">``.

    ``chart_refs`` is a list of ``(content id, alt text)``; the images travel as related MIME
    parts (see :func:`build_message`).

    >>> import pandas as pd
    >>> b = {"meta": {"period": "2026-10", "role": "board", "estate": "Acme"},
    ...      "frames": {"league": pd.DataFrame({"supplier_id": ["a"], "weighted_score": [91.0],
    ...                                         "credits": [0.0], "green": [3], "amber": [0],
    ...                                         "red": [0], "grey": [0]})}}
    >>> h = render_email_html(b, [("c1@x", "chart")])
    >>> "<script" in h, 'src="cid:c1@x"' in h, "<style" in h
    (False, True, False)
    """
    import css_inline

    imgs = "".join(
        f'<img class="chart" src="cid:{html.escape(cid)}" alt="{html.escape(alt)}" '
        f'width="{EMAIL_WIDTH}" style="width:100%;max-width:{EMAIL_WIDTH}px">'
        for cid, alt in chart_refs
    )
    link_html = (
        f'<p><a href="{html.escape(link)}">Open the interactive report</a> '
        "(charts with tooltips; works offline once downloaded).</p>"
        if link
        else ""
    )
    doc = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{present.esc(sections.title(bundle))}</title>"
        f"<style>{EMAIL_CSS}</style></head><body>"
        f'<table class="wrap" role="presentation" width="{EMAIL_WIDTH + 24}" align="center" '
        'cellpadding="0" cellspacing="0"><tr><td>'
        f"{sections.intro(bundle)}{table_tiles(_headline(bundle))}"
        f"<h2>Scorecard</h2>{_email_table(_summary_table(bundle))}"
        f"<h2>Key charts</h2>{imgs}"
        "<p class='note'>The full report, with every section and its definitions, is attached "
        f"as PDF.</p>{link_html}</td></tr></table></body></html>"
    )
    inliner = css_inline.CSSInliner(
        keep_style_tags=False, load_remote_stylesheets=False, keep_at_rules=False
    )
    return inliner.inline(doc)


def render_static_html(bundle: Mapping, pngs: list[tuple] | None = None) -> str:
    """The full report as static HTML for the PDF: every section, charts as PNG data URIs.

    >>> b = {"meta": {"period": "2026-10", "role": "board", "estate": "Acme"}, "frames": {}}
    >>> "<script" in render_static_html(b, pngs=[])
    False
    """
    kind = report_kind(bundle)
    if pngs is None:
        pngs = chart_pngs(bundle, "full")
    by_name = {name: (title, png) for name, title, png in pngs}
    parts = [sections.intro(bundle)]
    for heading, func in FULL_SECTIONS[kind]:
        if func in by_name:
            title, png = by_name[func]
            body = (
                f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
                f'alt="{html.escape(title)}"></figure>'
            )
        elif func.endswith("_chart") or func == "rag_grid":
            continue
        else:
            try:
                body = (
                    sections.definitions(bundle=bundle)
                    if func == "definitions"
                    else getattr(sections, func)(bundle)
                )
            except (KeyError, ValueError, AttributeError, TypeError):
                continue
        if not body:
            continue
        body = table_tiles(body, width=660)
        parts.append((f"<h2>{html.escape(heading)}</h2>" if heading else "") + body)
    parts.append(sections.provenance(bundle))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{present.esc(sections.title(bundle))}</title><style>{PDF_CSS}</style></head>"
        "<body>" + "".join(parts) + "</body></html>"
    )


def render_pdf(static_html: str) -> bytes:
    """PDF bytes of a static report page (WeasyPrint; no network: only data URIs are used).

    The PDF is tagged (PDF/UA-1: structure tree, marked content, document language), so a
    screen reader reads it in order; the same HTML gives the same bytes.
    """
    import weasyprint
    from weasyprint.urls import URLFetcher

    # Only data: URIs: a report PDF never reaches the network or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return weasyprint.HTML(string=static_html, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )
