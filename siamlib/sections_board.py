"""Report sections of the board summary: the front page, league table, credits.

Kept apart from :mod:`siamlib.sections` (which re-exports them) so that module stays under
the size rule. Nothing is computed here: the figures come with the board bundle.

>>> import pandas as pd
>>> b = {"meta": {"period": "2026-10", "currency": "GBP"}, "frames": {"league": pd.DataFrame(
...     {"supplier_id": ["h"], "supplier_name": ["Summit"], "weighted_score": [53.9]})}}
>>> "Summit" in league_table(b)
True
"""

from __future__ import annotations

import altair as alt

from siamlib import charts, present
from siamlib.sections_base import _f, _in_board_order, _money, _named, _names

# What the Alerts tile says when there is none: every kind of alert the page can show.
NO_ALERTS = "no clock-stop signal, watermelon, ping-pong signal or blocked data"
SCOPE_HEADING = "Scope conformance"  # the front page's, and the board email's, heading


def front_page(bundle: dict) -> str:
    """The board's first screen (:mod:`siamlib.frontpage`): what the board is asked to decide
    first, then the tiles, the credits against the at-risk pool, the alerts and one sentence
    per supplier in the board's one order (:func:`siamlib.frontpage.board_order`, stated in a
    caption), coloured by its worst level. Headings are ``h2``: the page's ``h1`` is the
    report title (:func:`siamlib.sections.intro`), and no level is skipped. Under the tiles,
    only what they do not say (the agreed exclusions, what was waived); after the alerts, the
    levels the small-sample rule left unscored though their month alone fails, and the
    suppliers whose scope conformance is a finding or cannot be judged."""
    from siamlib import frontpage, frontpage_money

    fp = frontpage.front_page(bundle)
    cur = fp.currency
    owing = ", ".join(name for name, _ in fp.owing)
    items = [
        {
            "label": f"Service credits due, {fp.period}",
            "value": present.fmt_money(fp.credits_due, cur),
            "sub": (f"from {owing}; " if owing else "")
            + f"{present.fmt_percent(fp.share, 1)} of {present.fmt_money(fp.at_risk, cur)} "
            "at risk",
            "rag": fp.credits_rag,
        },
    ]
    if fp.owed:
        # Money the customer pays back is shown on its own, never netted into the credits,
        # in a colour of its own: no RAG, and not the grey that means "not scored".
        items.append(
            {
                "label": "Earn-back due back to "
                + ("the supplier" if len(fp.owed) == 1 else f"{len(fp.owed)} suppliers"),
                "value": present.fmt_money(fp.earn_back_due, cur),
                "sub": f"to {', '.join(name for name, _ in fp.owed)}; net "
                f"{present.fmt_money(fp.net_credits, cur)} to the customer",
                "rag": present.REPAID,
            }
        )
    items += [
        {
            "label": "Suppliers with a red level",
            "value": f"{sum(s.rag == 'red' for s in fp.suppliers)} of {len(fp.suppliers)}",
            "sub": f"{sum(s.rag == 'amber' for s in fp.suppliers)} more with amber only",
            "rag": "red" if any(s.rag == "red" for s in fp.suppliers) else "green",
        },
        {
            "label": "Alerts",
            "value": str(len(fp.alerts)),
            "sub": "; ".join(dict.fromkeys(a.split(",")[0] for a in fp.alerts)) or NO_ALERTS,
            "rag": "amber" if fp.alerts else "green",
        },
    ]
    asks = "".join(f"<li>{present.esc(d)}</li>" for d in fp.decisions)
    decisions = "<h2>For decision</h2>" + (
        f'<ol class="decisions" style="margin:4px 0 12px">{asks}</ol>'
        if asks
        else "<p>Nothing for decision: no credit due, no red level, no alert.</p>"
    )
    alerts = "".join(f"<li>{present.esc(a)}</li>" for a in fp.alerts)
    alert_html = (
        f'<h2>Alerts</h2><ul class="alerts" style="margin:4px 0 12px">{alerts}</ul>'
        if alerts
        else f"<p>No alerts: {NO_ALERTS} this month.</p>"
    )
    # Levels the small-sample rule left unscored whose month alone fails: told, not charged.
    unscored = "".join(f"<li>{present.esc(u)}</li>" for u in fp.unscored)
    if unscored:
        alert_html += (
            f"<h2>{frontpage_money.UNSCORED_HEADING}</h2>"
            f'<ul class="unscored" style="margin:4px 0 12px">{unscored}</ul>'
        )
    # Scope conformance that is a finding (work outside a supplier's Responsible scope) or
    # cannot be judged (the RACI and the equaliser disagree), in plain words (no RACI terms):
    # the supplier and integrator reports say it in RACI terms.
    scope = "".join(f"<li>{present.esc(x)}</li>" for x in fp.scope)
    if scope:
        alert_html += (
            f'<h2>{SCOPE_HEADING}</h2><ul class="scope" style="margin:4px 0 12px">{scope}</ul>'
        )
    lines = "".join(
        f'<p class="front-line rag-{s.rag}" style="border-left:6px solid '
        f"{charts.RAG_COLOURS[s.rag]};padding:4px 10px;margin:6px 0;"
        f'background:{present.RAG_BACKGROUND[s.rag]}"><b>{present.esc(s.name)}</b>'
        f"{present.esc(s.sentence.removeprefix(s.name))}</p>"
        for s in fp.suppliers
    )
    return (
        '<section class="front-page">'
        + decisions
        + "<h2>This month at a glance</h2>"
        + present.tiles(items)
        + (f'<p class="note">{present.esc(fp.figures_note)}</p>' if fp.figures_note else "")
        + alert_html
        + "<h2>Suppliers</h2>"
        + f'<p class="note">Suppliers {present.esc(frontpage.ORDER_CAPTION)}.</p>'
        + lines
        + "</section>"
    )


def level_status_chart(bundle: dict) -> alt.LayerChart:
    """Every supplier's service levels and their RAG, narrow enough to read on a phone: a row
    per measure (its name read across, never rotated), a column per supplier in the board's
    order (names upright, word over word), the RAG's letter in every cell and a legend in
    words ("grey: not scored"). The board's "Service levels" section and its email's key chart.

    >>> import pandas as pd
    >>> cards = pd.DataFrame({"supplier_id": ["h", "h"], "service_level": ["P2", "AV"],
    ...     "name": ["Resolution (priority 2)", "Availability"], "rag": ["red", "grey"],
    ...     "actual": [76.9, None]})
    >>> spec = level_status_chart({"meta": {"period": "2026-10"}, "frames": {"cards": cards}}
    ...                           ).to_dict()
    >>> spec["layer"][0]["encoding"]["y"]["field"], spec["layer"][1]["mark"]["type"]
    ('measure', 'text')
    >>> "not scored" in spec["layer"][0]["encoding"]["color"]["legend"]["labelExpr"]
    True
    """
    from siamlib import frontpage
    from siamlib.sections_base import RAG_LETTERS, RAG_SCALE

    names = _names(bundle)
    order = [names.get(i, i) for i in frontpage.board_order(bundle)]
    c = _named(bundle, _f(bundle, "cards")).rename(columns={"service_level": "service level"})
    c = c.assign(
        letter=c["rag"].map(RAG_LETTERS).fillna(RAG_LETTERS["grey"]),
        status=c["rag"].map(charts.RAG_WORDS).fillna(charts.RAG_WORDS["grey"]),
    )
    # Rows are measures in scope, not level ids: a level re-issued under a new id is one row.
    c = c.drop(columns=["measure"], errors="ignore").rename(columns={"name": "measure"})
    # Names under the grid, word over word (lines run downwards: over the grid they overlap).
    names_axis = alt.Axis(labelAngle=0, labelExpr=charts.WORDS_OVER_LINES, labelFontSize=11)
    base = alt.Chart(c).encode(
        x=alt.X("supplier:N", title=None, sort=order or None, axis=names_axis),
        y=alt.Y(
            "measure:N",
            title=None,
            sort=list(dict.fromkeys(c["measure"])),
            axis=alt.Axis(labelExpr=charts.BRACKET_OVER_LINES, labelFontSize=12, labelLimit=200),
        ),
    )
    legend = alt.Legend(orient="bottom", columns=2, labelExpr=charts.RAG_LABEL_EXPR)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("rag:N", scale=RAG_SCALE, title="RAG (letter in each cell)", legend=legend),
        tooltip=["supplier", "service level", "measure", alt.Tooltip("actual:Q", format=",.2f")]
        + ["status"],
    )
    dark = "datum.rag == 'red' || datum.rag == 'green'"  # white reads on the dark fills
    letters = base.mark_text(fontSize=13, fontWeight="bold").encode(
        text="letter:N", color=alt.condition(dark, alt.value("white"), alt.value("#1d2430"))
    )
    title = f"RAG status of every service level, {bundle['meta']['period']}"
    described = f"{title}: one row per measure, one column per supplier (worst first), each "
    described += "cell's letter its status: R red (limit missed), A amber (below expected), "
    described += "G green (met), – grey (not scored)"
    return alt.layer(cells, letters, title=title).properties(
        width=alt.Step(64), height=alt.Step(34), description=described
    )


def league_table(bundle: dict) -> str:
    """All suppliers in the board's one order (:func:`siamlib.frontpage.board_order`, said in
    the caption), each row coloured by its worst level as the supplier's score tile is; the
    weight each score was computed on (100 unless some levels were not scored)."""
    from siamlib import frontpage

    lg = _f(bundle, "league")
    if lg.empty:
        return "<p>No supplier was scored this period.</p>"
    lg = lg.set_index("supplier_id", drop=False).loc[frontpage.board_order(bundle)]
    rags = frontpage.supplier_rags(bundle)
    lg = lg.assign(rag=lg["supplier_id"].map(rags)).reset_index(drop=True)
    cols = ["supplier_name", "role", "rag", "weighted_score", "scored_weight", "levels"]
    show = lg[[c for c in [*cols, "green", "amber", "red", "grey", "credits"] if c in lg.columns]]
    points = "weighting points scored (of 100)"
    show = show.rename(columns={"rag": "worst level", "scored_weight": points})
    return present.table(
        show,
        rag_column="worst level",
        numeric=["weighted_score", points, "credits", "green", "amber", "red", "grey"],
        formats={
            "weighted_score": present.fmt_score,
            points: lambda v: present.fmt_number(v, "", 1),
            "credits": _money(bundle),
        },
        caption=f"League table, {bundle['meta']['period']}: weighted score out of 100, on the "
        "weighting points of the levels scored (100 when every level was; the front page names "
        f"the levels not scored); {present.CREDIT_SIGNS}; suppliers {frontpage.ORDER_CAPTION}",
    )


def credits_chart(bundle: dict) -> alt.Chart:
    """Net service credits per supplier for the period (currency)."""
    from siamlib import frontpage

    order = [_names(bundle).get(i, i) for i in frontpage.board_order(bundle)]
    led = _f(bundle, "ledger")
    by = _named(bundle, led.groupby("supplier_id", as_index=False)["amount"].sum())
    # Who pays whom, in the legend: a bar below zero is money due back to the supplier.
    by["direction"] = by["amount"].map(
        lambda v: "earn-back due back to the supplier" if v < 0 else "owed by the supplier"
    )
    cur = bundle["meta"].get("currency", "")
    return charts.bar(
        by,
        alt.X("supplier:N", title=None, sort=order or None),
        alt.Y("amount:Q", title=cur),
        title=f"Service credits by supplier, {bundle['meta']['period']} ({cur})",
        tooltip=["supplier", "direction", alt.Tooltip("amount:Q", format=",.0f")],
        height=200,
    ).encode(
        color=alt.Color(
            "direction:N",
            title=None,
            # earn-back in a colour of its own, not the grey that means "not scored"
            scale=alt.Scale(
                domain=["owed by the supplier", "earn-back due back to the supplier"],
                range=[charts.RAG_COLOURS["red"], charts.REPAID_COLOUR],
            ),
            legend=alt.Legend(orient="top"),
        )
    )


def quality_scores_table(bundle: dict) -> str:
    """Data-quality score per supplier and whether its report was stopped (board order)."""
    q = _named(bundle, _in_board_order(bundle, _f(bundle, "quality_scores")))
    return present.table(
        q,
        formats={"score": lambda v: present.fmt_number(v, "", 1)},
        caption="Data quality by supplier (0-100)",
    )
