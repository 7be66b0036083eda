"""Altair charts for the reports, and the offline renderer the notebooks use.

Why a renderer of our own: Altair 6's default renderer loads Vega from a CDN, and its
``mimetype`` renderer emits Vega-Lite v6, which JupyterLab 4's built-in (offline) Vega
extension does not display. :func:`enable_offline_renderer` emits the chart under the
``application/vnd.vegalite.v5+json`` mimetype, which JupyterLab 4 draws with the Vega it
bundles, and which our report template turns into a chart drawn by the Vega bundle inlined once
per page. For email, :func:`to_png` renders charts to PNG with vl-convert (no browser).

>>> import pandas as pd
>>> c = bar(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}), x="k:N", y="v:Q", title="T")
>>> spec = chart_spec(c)
>>> spec["mark"]["type"]
'bar'
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"
RAG_COLOURS = {"green": "#2e7d32", "amber": "#f0a500", "red": "#c62828", "grey": "#9e9e9e"}
# Money due back to a supplier (earn-back): no RAG, never the grey that means "not scored".
REPAID_COLOUR = "#0072B2"
# Colour-blind-safe palette (Okabe-Ito) for suppliers and series.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000"]
WIDTH = 640
# A RAG point's shape, so its status never rests on colour alone (WCAG 1.4.1).
# What a level trend panel with no figure in any month says (charts.level_trends).
NO_FIGURE = "no figure in these months"
RAG_SHAPES = {"green": "circle", "amber": "triangle-up", "red": "cross", "grey": "square"}
RAG_WORDS = {
    "green": "green: met",
    "amber": "amber: below expected",
    "red": "red: limit missed",
    "grey": "grey: not scored",
}
# A RAG legend in words ("grey: not scored"), never a bare colour name.
RAG_LABEL_EXPR = (
    " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in RAG_WORDS.items()) + " : datum.label"
)
RAG_LEGEND = alt.Legend(labelExpr=RAG_LABEL_EXPR)
# Axis labels over lines, never rotated: words ("Summit / Hosting"), or a name's bracket
# ("Resolution within target / (priority 2)").
WORDS_OVER_LINES = "split(datum.label, ' ')"
BRACKET_OVER_LINES = (
    "indexof(datum.label, ' (') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' (')), "
    "substring(datum.label, indexof(datum.label, ' (') + 1)] : datum.label"
)


# A chart's metadata asking the report page to keep it at its own size and let it scroll
# sideways in its box on a narrow screen (its labels stay readable), never shrink it.
SCROLL = {"siam": {"scroll": True}}


def keeps_size(spec: dict) -> bool:
    """True when a chart asks to keep its size and scroll on a narrow screen (:data:`SCROLL`).

    >>> keeps_size({"usermeta": SCROLL}), keeps_size({"mark": "bar"})
    (True, False)
    """
    meta = spec.get("usermeta")
    return isinstance(meta, dict) and bool((meta.get("siam") or {}).get("scroll"))


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec as a plain dict (data inlined)."""
    return chart.to_dict()


def _renderer(spec: dict, **_: object) -> dict:
    spec = dict(spec)
    # JupyterLab's bundled Vega-Lite 5 draws these specs; the schema URL only selects the
    # renderer there. The report template restores v6 for the page's own bundle.
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    text = " ".join(text) if isinstance(text, list) else text
    return {VEGALITE_MIMETYPE: spec, "text/plain": f"<chart: {text or 'untitled'}>"}


alt.renderers.register("siam", _renderer)


def enable_offline_renderer() -> None:
    """Render Altair charts offline, in JupyterLab and in our HTML reports."""
    alt.renderers.enable("siam")
    alt.data_transformers.disable_max_rows()


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes with vl-convert (used for email and PDF)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


def _upright(x):
    """A nominal x axis (supplier names) without an axis of its own: labels upright, words
    over lines, not rotated to a tiny vertical text.

    >>> _upright(alt.X("supplier:N", title=None)).to_dict()["axis"]["labelAngle"]
    0
    >>> _upright("period:O")
    'period:O'
    """
    if isinstance(x, alt.X) and str(x.shorthand).endswith(":N") and x._get("axis") is alt.Undefined:
        return x.copy().axis(labelAngle=0, labelExpr=WORDS_OVER_LINES, labelFontSize=12)
    return x


def _chart(df, x, y, title, color, tooltip, height) -> alt.Chart:
    """A chart with the report's size, palette and default tooltip; the caller sets the mark."""
    enc = {"x": _upright(x), "y": y, "tooltip": tooltip or [x, y]}
    if color:
        enc["color"] = alt.Color(color, scale=alt.Scale(range=PALETTE))
    return alt.Chart(df, title=title).properties(width=WIDTH, height=height).encode(**enc)


def bar(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    color: str | None = None,
    tooltip: list[str] | None = None,
    height: int = 260,
) -> alt.Chart:
    """A bar chart; ``x``/``y`` are Altair shorthands such as ``"priority:O"``."""
    return _chart(df, x, y, title, color, tooltip, height).mark_bar()


def line(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    color: str | None = None,
    tooltip: list[str] | None = None,
    height: int = 260,
) -> alt.Chart:
    """A line chart with points, e.g. a 12-month trend."""
    return _chart(df, x, y, title, color, tooltip, height).mark_line(point=True)


# A level-trend panel's height in pixels (the foot of a panel marks a month not scored).
PANEL_HEIGHT = 90


def level_trends(trend: pd.DataFrame, title: str | list[str], columns: int = 3) -> alt.FacetChart:
    """A small trend per service level: its actual each month (points coloured by RAG), with
    the target (``expected``, dashed green) and the ``minimum`` (dotted red) as lines, so a
    reader sees how far from target a level is and which way it moves.

    ``trend`` has one row per level and month: ``service_level``, ``unit``, ``period``,
    ``actual``, ``expected``, ``minimum``, ``rag``, optionally ``direction``: a lower-is-better
    level's panel says so and its tooltip names its limit a maximum (at most), not a minimum.
    Each panel keeps its own y scale (levels have different units).

    One panel per level *name* (``name``; the id without one): a level the contract re-issued
    under a new id within the window (P2-RES, then P2-RES-2026H2 with a higher target from
    2026-07) is one measure, so one panel whose dashed target steps, titled by the name with
    each id and the months it was in force (:func:`panel_titles`).

    >>> t = pd.DataFrame({"service_level": ["A", "A"], "unit": ["%", "%"],
    ...     "period": ["2026-09", "2026-10"], "actual": [91.0, 88.0], "expected": [95.0] * 2,
    ...     "minimum": [90.0] * 2, "rag": ["amber", "red"]})
    >>> spec = level_trends(t, "T").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["spec"]["layer"]]
    ['line', 'line', 'line', 'point', 'point', 'text']
    >>> spec["spec"]["layer"][3]["encoding"]["shape"]["field"]
    'rag'

    A month not scored (grey: small sample, nothing counted) has no actual to plot, so it
    would be a silent gap; it gets the legend's grey square at the foot of its panel instead
    (a fixed pixel height, never a y value that was not measured), with why in its tooltip.

    >>> spec["spec"]["layer"][4]["encoding"]["y"], spec["spec"]["layer"][4]["transform"]
    ({'value': 87}, [{'filter': "datum.rag == 'grey'"}])
    """
    lower = trend["direction"].eq("lower") if "direction" in trend else False
    df = trend.assign(
        level=panel_titles(trend),
        limit=pd.Series(lower, index=trend.index).map({True: "maximum", False: "minimum"}),
    )
    x = alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45))
    base = alt.Chart().encode(x=x)
    target = base.mark_line(color=RAG_COLOURS["green"], strokeDash=[6, 3]).encode(
        # 10 px of room under the lowest line: the not-scored squares sit there, on no value.
        y=alt.Y("expected:Q", title=None, scale=alt.Scale(zero=False, padding=10))
    )
    minimum = base.mark_line(color=RAG_COLOURS["red"], strokeDash=[2, 2]).encode(y="minimum:Q")
    actual = base.mark_line(color="#1d2430").encode(y="actual:Q")
    # RAG by shape as well as colour (a colour-blind reader, a grey print), legend in words.
    rag = {"scale": alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values()))}
    rag_marks = {
        "color": alt.Color("rag:N", title="RAG", legend=RAG_LEGEND, **rag),
        "shape": alt.Shape(
            "rag:N",
            scale=alt.Scale(domain=list(RAG_SHAPES), range=list(RAG_SHAPES.values())),
            title="RAG",
            legend=RAG_LEGEND,
        ),
    }
    points = base.mark_point(size=60, opacity=1, filled=True).encode(
        y="actual:Q",
        **rag_marks,
        tooltip=[
            "service_level",
            "period",
            alt.Tooltip("actual:Q", format=",.2f"),
            alt.Tooltip("expected:Q", title="target", format=",.2f"),
            alt.Tooltip("limit:N", title="limit"),
            alt.Tooltip("minimum:Q", title="minimum or maximum", format=",.2f"),
            "rag",
        ],
    )
    # A level with no figure in any month shown (no changes, surveys or outages in the data)
    # would be a panel of bare target lines, read as a chart that failed to draw: say so, once
    # per panel (the scorecard says why).
    empty = df["actual"].isna().groupby(df["level"]).transform("all")
    df["panel_note"] = np.where(empty & ~df["level"].duplicated(), NO_FIGURE, None)
    note = (
        alt.Chart()
        .transform_filter("isValid(datum.panel_note)")
        .mark_text(fontSize=11, fontStyle="italic", color="#3c4757")
        .encode(text="panel_note:N", x=alt.value(90), y=alt.value(45))
    )
    # Hover says why a month was not scored: the scorecard's note, as the scorecard says it.
    why = [alt.Tooltip("note:N", title="not scored")] if "note" in df else []
    unscored = (
        base.transform_filter("datum.rag == 'grey'")
        .mark_point(size=60, opacity=1, filled=True)
        .encode(
            y=alt.value(PANEL_HEIGHT - 3),
            **rag_marks,
            tooltip=["service_level", "period", *why],
        )
    )
    return (
        alt.layer(target, minimum, actual, points, unscored, note, data=df)
        .properties(width=180, height=PANEL_HEIGHT)
        .facet(facet=alt.Facet("level:N", title=None), columns=columns, title=title)
        .resolve_scale(y="independent")
    )


def panel_titles(trend: pd.DataFrame) -> pd.Series:
    """Each trend row's panel title: the level's name (its id without one), unit and
    direction, and, when the name had several ids in the window (a level re-issued by a
    contract change), each id with the months it was in force.

    >>> t = pd.DataFrame({"service_level": ["P2-RES", "P2-RES-2026H2", "AVAIL"],
    ...     "name": ["Resolution (P2)", "Resolution (P2)", "Availability"], "unit": "%",
    ...     "period": ["2026-06", "2026-07", "2026-07"]})
    >>> panel_titles(t).tolist()[1:]
    ['Resolution (P2) (%; P2-RES to 2026-06, P2-RES-2026H2 from 2026-07)', 'Availability (%)']
    """
    ids = trend["service_level"].astype(str)
    names = trend["name"].fillna(ids) if "name" in trend else ids
    lower = trend["direction"].eq("lower") if "direction" in trend else pd.Series(False, ids.index)
    titles = {}
    for name, rows in trend.assign(_name=names).groupby("_name", sort=False):
        spans = rows.groupby("service_level", sort=False)["period"].agg(["min", "max"])
        spans = spans.sort_values("min")
        dated = ""
        if len(spans) > 1:  # a contract change mid-window: each id with its months
            said = [
                f"{sl} {'to ' + hi if i == 0 else 'from ' + lo}"
                if i in (0, len(spans) - 1)
                else f"{sl} {lo}..{hi}"
                for i, (sl, lo, hi) in enumerate(spans.itertuples(name=None))
            ]
            dated = f"; {', '.join(said)}"
        better = ", lower is better" if lower[rows.index].any() else ""
        titles[name] = f"{name} ({rows['unit'].iloc[0]}{better}{dated})"
    return names.map(titles)


def heatmap(
    df: pd.DataFrame, x: str, y: str, value: str, title: str, tooltip: list[str]
) -> alt.LayerChart:
    """A count heat-map whose worst cell stands out: a sequential scale from zero (light to
    dark red), every cell labelled with its count, and the largest cell outlined in black.

    >>> d = pd.DataFrame({"a": ["x", "y"], "b": ["y", "x"], "n": [3, 9]})
    >>> spec = heatmap(d, "a", "b", "n", "T", ["a", "b", "n"]).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rect', 'rect', 'text']
    """
    top = df[value].max() if len(df) else 0
    data = df.assign(_worst=df[value].eq(top) & (top > 0))
    # Column names upright, word over word (a rotated name needed a tall, unreadable strip).
    upright = alt.Axis(labelAngle=0, labelExpr=WORDS_OVER_LINES, labelFontSize=11)
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:N", title="to", axis=upright),
        y=alt.Y(f"{y}:N", title="from", axis=alt.Axis(labelFontSize=11, labelLimit=220)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q", scale=alt.Scale(scheme="orangered", domainMin=0), title=value
        ),
        tooltip=tooltip,
    )
    worst = base.transform_filter("datum._worst").mark_rect(
        fill=None, stroke="#000", strokeWidth=2.5
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text(f"{value}:Q", format=",.0f"),
        color=alt.condition(f"datum.{value} > {top / 2:g}", alt.value("#fff"), alt.value("#000")),
    )
    # The title and description on the layer itself: the page's figure takes its label
    # (aria-label) from them, never a bare "chart".
    rows, cols = y.replace("_", " "), x.replace("_", " ")
    described = f"{title}: a heat map, one cell per {rows} (row) and {cols} (column), "
    described += f"labelled with its {value}"
    # A cell wide enough for its count and its column's longest word; on a phone the chart
    # keeps this size and scrolls sideways in its own box (SCROLL, read by
    # siamlib.report.chart_figure) rather than shrinking to unreadable 5-pixel labels.
    return alt.layer(cells, worst, labels, title=title).properties(
        width=alt.Step(78), height=alt.Step(34), description=described, usermeta=SCROLL
    )
