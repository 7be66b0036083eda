"""The tower report's chart of attainment by priority (resolution and response clocks).

Kept apart from :mod:`siamlib.sections` (which re-exports it) so that module stays under the
size rule. The chart reads the month's measured values and, for each contracted level, the
scorecard's verdict: a level left unscored has no bar, and a level scored on a rolling window
(a small sample) shows the figure it was scored on, as the scorecard and the board state it,
never the month alone (two tickets, one missed, drawn as a 50% bar beside a 93.33% amber
level). Nothing here computes a figure: each bar is a value or a scorecard actual.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from siamlib import charts, present
from siamlib.sections_base import _f

RES, RESP = "sla_resolution_attainment", "sla_response_attainment"
CLOCKS = {RES: "resolution", RESP: "response"}


def window_label(card_row: dict) -> str:
    """A rolling-window bar's label, one short line per part so it fits inside its bar.

    >>> window_label({"scored_on": "rolling 3 months (2026-08..2026-10)", "unit": "%",
    ...     "scored_numerator": 14.0, "scored_denominator": 15.0})
    '3 months\\nrolling:\\n14 of 15'
    """
    said = present.rolling_text(card_row)  # "3 months rolling: 14 of 15"
    head, _, counts = said.partition(": ")
    months = head.removesuffix(" rolling")
    return "\n".join(x for x in (months, "rolling:" if counts else "rolling", counts) if x)


def _verdicts(bundle: dict) -> dict:
    """The scorecard's row per ``(measure, scope)`` (empty without a scorecard)."""
    card = _f(bundle, "scorecard")
    if card.empty or not {"measure", "scope", "rag"} <= set(card.columns):
        return {}
    return {(r["measure"], r["scope"]): r for r in card.to_dict("records")}


def sla_priority_chart(bundle: dict) -> alt.LayerChart:
    """Resolution and response attainment by priority for the period (per cent).

    A contracted level the scorecard left unscored (grey: a small sample, no data) has no
    bar, which would read as its score, but the words ``not scored`` in its place; a
    priority with no ticket completed reads ``no data``, and a scored 0 % (no bar to see)
    reads ``0%``. A level scored on a rolling window
    (the scorecard's ``scored_on``) is drawn at the scorecard's actual, labelled with its
    window and counts inside the bar, and the chart's subtitle says so.

    >>> import pandas as pd
    >>> v = pd.DataFrame({"period": "2026-10", "measure": ["sla_resolution_attainment"] * 2,
    ...     "scope": ["priority=1", "priority=2"], "value": [5 / 6, 0.77], "denominator": [6, 13]})
    >>> card = pd.DataFrame({"measure": ["sla_resolution_attainment"] * 2,
    ...     "scope": ["priority=1", "priority=2"], "rag": ["grey", "red"]})
    >>> spec = sla_priority_chart({"meta": {"period": "2026-10"},
    ...     "frames": {"values": v, "scorecard": card}}).to_dict()
    >>> [r["status"] for r in spec["datasets"][spec["data"]["name"]]]
    ['not scored', '']
    """
    v = _f(bundle, "values")
    period = bundle["meta"]["period"]
    sel = v[
        (v["period"] == period)
        & v["measure"].isin(list(CLOCKS))
        & v["scope"].str.startswith("priority=")
    ].copy()
    sel["priority"] = "P" + sel["scope"].str.removeprefix("priority=")
    sel["attainment %"] = sel["value"] * 100
    sel["clock"] = sel["measure"].map(CLOCKS)
    # The scorecard's verdict, not the month's raw value: a grey level was not scored, and a
    # small sample scored on a window is the window's figure.
    cards = _verdicts(bundle)
    rows = [cards.get(k, {}) for k in zip(sel["measure"], sel["scope"], strict=True)]
    grey = pd.Series([r.get("rag") == "grey" for r in rows], index=sel.index, dtype=bool)
    window = pd.Series(
        [str(r.get("scored_on") or "").startswith(present.ROLLING) for r in rows],
        index=sel.index,
        dtype=bool,
    )
    sel["scored on"] = [str(r.get("scored_on") or "month") for r in rows]
    sel["window"] = [window_label(r) if w else "" for r, w in zip(rows, window, strict=True)]
    scored = [r.get("actual") for r, w in zip(rows, window, strict=True) if w]
    sel.loc[window, "attainment %"] = scored
    sel["status"] = ""
    sel.loc[sel["attainment %"].isna(), "status"] = "no data"
    sel.loc[grey, "status"] = "not scored"
    sel.loc[sel["status"].ne(""), "attainment %"] = None
    # A scored 0 % has no bar to see, which reads as no figure (the real log's 0 of 11
    # responses beside its 2.6 % resolution bar): the figure is written in its place.
    sel.loc[sel["status"].eq("") & sel["attainment %"].eq(0), "status"] = "0%"
    title = alt.Title(
        f"Within target by priority, {period} (% of tickets completed)",
        subtitle=(
            "A small sample is drawn at the figure it is scored on, over the months named in "
            "its bar (as the scorecard), not its month alone"
        )
        if window.any()
        else alt.Undefined,
    )
    bars = charts.bar(
        sel,
        "priority:N",
        alt.Y("attainment %:Q", scale=alt.Scale(domain=[0, 100])),
        title="",
        color="clock:N",
        tooltip=[
            "priority",
            "clock",
            alt.Tooltip("attainment %:Q", format=".1f"),
            "denominator",
            "scored on",
        ],
    ).encode(xOffset="clock:N")
    words = (
        alt.Chart(sel)
        .transform_filter("datum.status != ''")
        .mark_text(baseline="bottom", dy=-3, fontSize=12, fontStyle="italic", color="#3c4757")
        .encode(
            x="priority:N",
            xOffset="clock:N",
            y=alt.datum(0),
            text="status:N",
            tooltip=["priority", "clock", "status", "denominator"],
        )
    )
    # The window and its counts inside the top of the bar (white on the bar's colour).
    windows = (
        alt.Chart(sel)
        .transform_filter("datum.window != ''")
        .mark_text(baseline="top", dy=4, fontSize=11, color="#fff", lineBreak="\n")
        .encode(x="priority:N", xOffset="clock:N", y="attainment %:Q", text="window:N")
    )
    # The title on the layer itself: the page's figure and the email's image take their label
    # (aria-label, alt text) from it, never the function's name.
    return alt.layer(bars, words, windows, title=title)
