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

from siamlib import layout, present, sections, sections_board
from siamlib.common import BOARD
from siamlib.mail_findings import (  # noqa: F401 - ALERTS_INTRO, email_alerts re-exported
    ALERTS_INTRO,
    email_alerts,
    email_findings,
    findings_lines,
)
from siamlib.mail_findings import email_rows as _email_rows
from siamlib.mail_findings import sub as _sub

# Which charts go into the email body and which sections make the full PDF: both follow the
# one layout per report kind (siamlib.layout), like the notebooks. The board's front page opens
# its PDF as it opens the notebook.
EMAIL_CHARTS: dict[str, list[str]] = {k: layout.email_charts(k) for k in layout.LAYOUT}
FULL_SECTIONS: dict[str, list[tuple[str, str]]] = {
    k: ([("", "front_page")] if k == "board" else []) + [(s.heading, s.id) for s in secs]
    for k, secs in layout.LAYOUT.items()
}

# A fluid column: 100 % of a phone's width, at most 640 px (max-width) elsewhere. Outlook's
# Word engine ignores max-width, so a 640 px table only Outlook reads (an `[if mso]`
# conditional comment) holds the column there. Every table inside is 100 % wide with few
# columns (:func:`email_scorecard`, :func:`email_league`), so it fits 375 px.
EMAIL_WIDTH = 640
EMAIL_CSS = """
body { margin: 0; padding: 0; background: #ffffff; color: #1d2430;
       font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.4; }
table.wrap { width: 100%; max-width: 640px; border-collapse: collapse; margin: 0 auto; }
table.wrap > tbody > tr > td, table.wrap > tr > td { border: 0; padding: 12px; }
table.data { width: 100%; }
td, th { overflow-wrap: break-word; word-wrap: break-word; }
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
.rag-repaid { background: #dbe7f5; }
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
h2 + p.note, p.lead-in { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; margin: 6pt 0 10pt; font-size: 8pt; width: 100%;
        break-inside: avoid; page-break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding: 2pt 0; }
th, td { border: 0.5pt solid #c9d0db; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
td.num, th.num { text-align: right; }
.rag-green { background: #d7f0dd; } .rag-amber { background: #ffe8b3; }
.rag-red { background: #f8d0d0; } .rag-grey { background: #e5e7eb; }
.rag-repaid { background: #dbe7f5; }
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
        else [f for _, f in FULL_SECTIONS[kind] if f.endswith("_chart")]
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
        title = " ".join(title) if isinstance(title, list) else title  # a title on two lines
        out.append((name, str(title or name), png))
    return out


def _summary_table(bundle: Mapping) -> str:
    if report_kind(bundle) == "board":
        return email_league(bundle)
    return email_scorecard(bundle)


def email_changes(changes) -> str:
    """A re-issue's changed figures in three columns that fit a phone.

    Parameters
    ----------
    changes : DataFrame
        The bundle's ``changes`` frame (:mod:`siamlib.reissue`).

    Returns
    -------
    str
        A 100 %-wide table: which figure (and field), before, after; the full table is the
        PDF's and changes.csv's.
    """
    rows = []
    for r in changes.to_dict("records"):
        keys = ("supplier_id", "service_level", "measure", "scope", "line")
        said = [str(r[c]) for c in keys if c in r and not present.is_missing(r[c])]
        what = " · ".join(x for x in said if x)
        rows.append(
            (
                None,
                [
                    present.esc(what) + _sub(f"{r.get('field', '')}: {r.get('change', '')}"),
                    present.esc(present.fmt_cell(r.get("before"))),
                    present.esc(present.fmt_cell(r.get("after"))),
                ],
            )
        )
    head = [("figure", False), ("before", False), ("after", False)]
    return _email_rows(head, rows, "Figures changed since the pack re-issued")


def level_bounds(row: Mapping) -> str:
    """A level's expected value and contract limit in its direction and its own unit
    (:func:`siamlib.present.level_value`, as the level's actual beside it): ``expected at most
    3%; maximum 6%`` for a lower-is-better level. The email's HTML and plain-text parts both
    say it so, so a figure never reads in two units.

    >>> level_bounds({"expected": 4.2, "minimum": 3.8, "direction": "higher",
    ...     "unit": "score 1-5"})
    'expected at least 4.2 of 5; minimum 3.8 of 5'
    >>> level_bounds({"expected": 0.5, "minimum": 1.0, "direction": "lower", "unit": "hours"})
    'expected at most 30 minutes; maximum 1 hour'
    """
    d, unit = str(row.get("direction", "higher")), str(row.get("unit", ""))
    return (
        f"expected {'at most' if d == 'lower' else 'at least'} "
        f"{present.level_value(row['expected'], unit)}; {present.limit_name(d)} "
        f"{present.level_value(row['minimum'], unit)}"
    )


def level_label(row: Mapping, names) -> str:
    """A level's name, with its code in brackets only when another level of the card has the
    same name (``names``: every level name of the card, one per level).

    >>> level_label({"name": "Reopen rate", "service_level": "P2-RES-2026H2"}, ["Reopen rate"])
    'Reopen rate'
    >>> level_label({"name": "A", "service_level": "A-1"}, ["A", "A"])
    'A (A-1)'
    """
    name = row.get("name")
    if present.is_missing(name) or not name:
        return str(row["service_level"])
    shared = list(names).count(name) > 1
    return f"{name} ({row['service_level']})" if shared else str(name)


def email_scorecard(bundle: Mapping) -> str:
    """The email's scorecard, in three columns that fit a phone.

    Parameters
    ----------
    bundle : mapping
        A tower or integrator bundle (its ``scorecard`` frame).

    Returns
    -------
    str
        A 100 %-wide table, worst levels first (:func:`siamlib.frontpage.worst_first`): the
        level (:func:`level_label`; its expected value and limit in the measure's direction
        under its name, :func:`level_bounds`, and why a grey level has no figure), the actual
        in the level's own unit (labelled when scored on a rolling window,
        :func:`siamlib.present.scored_value`) and the RAG word; the attached PDF has every
        column.
    """
    from siamlib import frontpage

    card = bundle["frames"].get("scorecard")
    if card is None or card.empty:
        return "<p>No service levels are in force for this period.</p>"
    rows, names = [], card["name"].tolist() if "name" in card else []
    for r in frontpage.worst_first(card).to_dict("records"):
        rag = r["rag"] if r["rag"] in present.RAGS else "grey"
        why = _why_grey(r) if rag == "grey" else ""
        level = f"<b>{present.esc(level_label(r, names))}</b>"
        rows.append(
            (
                rag,
                [
                    level + _sub(level_bounds(r)) + _sub(str(why or "")),
                    present.esc(present.scored_value(r)),
                    present.rag_word(rag),
                ],
            )
        )
    head = [("service level", False), ("actual", True), ("RAG", False)]
    caption = (
        f"Scorecard for {bundle['meta']['period']}, worst first (red, amber, not scored, "
        "green): every level's actual against its expected value and the contract's limit (at "
        "least where higher is better, at most where lower is better); the PDF has every column"
    )
    return _email_rows(head, rows, caption)


def _league_words(row: Mapping, rag: str, cards=None) -> tuple[str, str]:
    """A league row's score basis (``out of 100``, or the weighting points scored and the
    levels left out, :func:`siamlib.present.score_basis`, from the board's ``cards``) and
    what its colour means (:func:`siamlib.present.worst_level_text`)."""
    own = None
    if cards is not None and not cards.empty and "supplier_id" in cards:
        own = cards[cards["supplier_id"] == row.get("supplier_id")]
    left_out = present.unscored_levels(own)
    basis = present.score_basis(row.get("scored_weight"), unscored=left_out)
    red, amber = (int(row.get(c, 0) or 0) for c in ("red", "amber"))
    return basis, present.worst_level_text(rag, red, amber)


def email_league(bundle: Mapping) -> str:
    """The board email's league table, in three columns that fit a phone.

    Parameters
    ----------
    bundle : mapping
        A board bundle (its ``league`` frame).

    Returns
    -------
    str
        A 100 %-wide table in the board's one order (:func:`siamlib.frontpage.board_order`,
        said in the caption): supplier (with what its colour means), weighted score (with
        the weight it was computed on) and net credits.
    """
    from siamlib import frontpage

    lg = bundle["frames"].get("league")
    if lg is None or lg.empty:
        return "<p>No supplier was scored this period.</p>"
    rags = frontpage.supplier_rags(dict(bundle))
    by = lg.set_index("supplier_id", drop=False)
    cur = bundle["meta"].get("currency", "GBP")
    rows = []
    cards = bundle["frames"].get("cards")
    for sid in frontpage.board_order(dict(bundle)):
        r, rag = by.loc[sid], rags.get(sid, "grey")
        basis, what = _league_words(r, rag, cards)
        rows.append(
            (
                rag,
                [
                    f"<b>{present.esc(r.get('supplier_name') or sid)}</b>" + _sub(what),
                    present.esc(present.fmt_score(r["weighted_score"])) + _sub(basis),
                    present.esc(present.fmt_money(r.get("credits"), cur)),
                ],
            )
        )
    head = [("supplier", False), ("weighted score", True), ("net credits", True)]
    caption = (
        f"League table, {bundle['meta']['period']} ({present.CREDIT_SIGNS}): suppliers "
        f"{frontpage.ORDER_CAPTION}"
    )
    return _email_rows(head, rows, caption)


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


def table_tiles(markup: str, width: int | str = "100%") -> str:
    """``markup`` with its flex tiles (:func:`siamlib.present.tiles`) as a two-column table:
    one tile per row (label and note, then the value), which Outlook and phones both keep.
    ``width``: the table's (``100%`` in the email, fluid; pixels for the PDF); the columns
    split it two thirds to one third.

    >>> from siamlib import present
    >>> t = table_tiles(present.tiles([{"label": "Score", "value": "91", "rag": "green"}]))
    >>> "<table" in t, "flex" in t, "91" in t, 'width="100%"' in t
    (True, False, True, True)
    """

    def one(m: re.Match) -> str:
        rows = "".join(
            f'<tr class="rag-{rag}"><td width="67%" bgcolor="'
            f'{present.TILE_BACKGROUND.get(rag, "#e5e7eb")}"><div class="label">{lab}</div>'
            + (f'<div class="sub">{sub}</div>' if sub else "")
            + '</td><td width="33%" class="num" bgcolor="'
            f'{present.TILE_BACKGROUND.get(rag, "#e5e7eb")}"><div class="value">{val}</div></td>'
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


def _front_page_lines(bundle: Mapping, tiles: list[str]) -> list[str]:
    """The board's front page as text, in the page's order: what is for decision first, then
    the tiles and what they do not say, alerts, the levels left unscored that would have
    failed, scope conformance to hear of, and one line a supplier (the board's order, said)."""
    from siamlib import frontpage, frontpage_money

    try:
        fp = frontpage.front_page(bundle)
    except (KeyError, ValueError, AttributeError, TypeError):
        return tiles
    asks = [f"{i}. {d}" for i, d in enumerate(fp.decisions, 1)]
    lines = ["For decision:", *(asks or ["Nothing for decision: no credit due, no red level, "
                                         "no alert."])]  # fmt: skip
    lines += ["", *tiles, *([fp.figures_note] if fp.figures_note else [])]
    if fp.alerts:
        lines += ["", "Alerts:", *[f"- {a}" for a in fp.alerts]]
    if fp.unscored:
        heading = frontpage_money.UNSCORED_HEADING
        lines += ["", f"{heading}:", *[f"- {u}" for u in fp.unscored]]
    if fp.scope:
        lines += ["", f"{sections_board.SCOPE_HEADING}:", *[f"- {x}" for x in fp.scope]]
    said = f"Suppliers ({frontpage.ORDER_CAPTION}):"
    return [*lines, "", said, *[f"- {s.sentence}" for s in fp.suppliers]]


def _league_lines(bundle: Mapping) -> list[str]:
    """The league table as text, in the board's one order, each supplier's colour in words."""
    from siamlib import frontpage

    lg = bundle["frames"].get("league")
    if lg is None or lg.empty:
        return []
    currency = bundle["meta"].get("currency", "GBP")
    rags, by = frontpage.supplier_rags(dict(bundle)), lg.set_index("supplier_id", drop=False)
    lines = ["", "League table (weighted score out of 100, on the weighting points of the "
             f"levels scored; {present.CREDIT_SIGNS}; suppliers "
             f"{frontpage.ORDER_CAPTION}):"]  # fmt: skip
    cards = bundle["frames"].get("cards")
    for sid in frontpage.board_order(dict(bundle)):
        r = by.loc[sid]
        basis, what = _league_words(r, rags.get(sid, "grey"), cards)
        score = present.fmt_score(r.get("weighted_score"))
        lines.append(
            f"- {r.get('supplier_name') or sid}: weighted score {score} ({basis}), net credits "
            f"{present.fmt_money(r.get('credits'), currency)} ({what})"
        )
    return lines


def _scorecard_lines(bundle: Mapping) -> list[str]:
    """A supplier's scorecard as text, worst levels first (as its email table): each level by
    name (:func:`level_label`), its figure (labelled when scored on a rolling window,
    :func:`siamlib.present.scored_value`) and bounds (:func:`level_bounds`) in the level's own
    unit, as the HTML part says them, its RAG, and why a grey level has no figure."""
    from siamlib import frontpage

    card = bundle["frames"].get("scorecard")
    if card is None or card.empty:
        return []
    lines = ["", f"Scorecard for {bundle['meta']['period']}, worst first:"]
    names = card["name"].tolist() if "name" in card else []
    for r in frontpage.worst_first(card).to_dict("records"):
        lines.append(
            f"- {level_label(r, names)}: {present.scored_value(r)} ({level_bounds(r)}) - "
            f"{str(r['rag']).upper()}"
            # a grey level says why it has no figure, as the HTML scorecard does
            + (f" ({_why_grey(r)})" if r["rag"] == "grey" and r.get("note") else "")
        )
    return lines


def _why_grey(row: Mapping) -> str:
    """Why a level has no figure (its note) and, when the small-sample rule left it unscored
    though its month alone fails, what the month shows
    (:func:`siamlib.frontpage_money.month_alone`)."""
    from siamlib import frontpage_money

    flag = row.get("unscored_fail")
    if present.is_missing(flag) or not flag:
        return str(row.get("note") or "")
    return f"{row.get('note')}; the month alone: {frontpage_money.month_alone(row)}"


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
    tiles = _tile_lines(_headline(bundle))
    if report_kind(bundle) == "board":
        lines += _front_page_lines(bundle, tiles)
        lines += _league_lines(bundle)
    else:
        lines += tiles + findings_lines(bundle) + _scorecard_lines(bundle)
    lines += ["", "The full report is attached as PDF."]
    if link:
        lines.append(f"Interactive report: {link}")
    return "\n".join(lines) + "\n"


def _fluid(markup: str) -> str:
    """Any other table of the body (the board's front page has none) 100 % wide, never a
    fixed width a phone cuts."""
    return markup.replace("<table>", '<table width="100%" cellpadding="0" cellspacing="0">')


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
        f'width="{EMAIL_WIDTH}" style="width:100%;max-width:{EMAIL_WIDTH}px;height:auto">'
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
        # Outlook only: a fixed 640 px column (it ignores max-width); others read the fluid one.
        f'<!--[if mso]><table role="presentation" width="{EMAIL_WIDTH}" align="center" '
        'cellpadding="0" cellspacing="0"><tr><td><![endif]-->'
        '<table class="wrap" role="presentation" width="100%" align="center" '
        'cellpadding="0" cellspacing="0"><tr><td>'
        f"{sections.intro(bundle, email_changes)}{_fluid(table_tiles(_headline(bundle)))}"
        f"{'' if report_kind(bundle) == 'board' else email_findings(bundle)}"
        f"<h2>{'League table' if report_kind(bundle) == 'board' else 'Scorecard'}</h2>"
        f"{_summary_table(bundle)}"
        f"<h2>Key charts</h2>{imgs}"
        "<p class='note'>The full report, with every section and its definitions, is attached "
        f"as PDF.</p>{link_html}</td></tr></table>"
        "<!--[if mso]></td></tr></table><![endif]--></body></html>"
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
        elif func.endswith("_chart"):
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
