"""Report sections: each function turns a report bundle into one piece of a report.

Notebooks stay thin: they call these functions and display what they return (escaped HTML from
:mod:`siamlib.present`, or Altair charts from :mod:`siamlib.charts`). Every figure states its
unit and period.

>>> b = {"meta": {"period": "2026-10", "currency": "GBP", "supplier_name": "X"},
...      "frames": {}}
>>> "2026-10" in title(b)
True
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from siamlib import charts, present
from siamlib.bundles import Headline
from siamlib.common import ALL
from siamlib.measures import gaming
from siamlib.measures.catalogue import MEASURES
from siamlib.measures.tower import bucket_labels
from siamlib.raci import NOT_ASSESSABLE
from siamlib.sections_base import _f, _in_board_order, _money, _named, _names
from siamlib.sections_board import (  # noqa: F401 (re-exported)
    credits_chart,
    front_page,
    league_table,
    level_status_chart,
    quality_scores_table,
)
from siamlib.sections_causes import causes_section  # noqa: F401 (re-exported)
from siamlib.sections_fairness import (  # noqa: F401 (re-exported)
    fairness_panel,
    route_table,
    scope_lived_table,
)
from siamlib.sections_priority import sla_priority_chart  # noqa: F401 (re-exported)


def title(bundle: dict) -> str:
    """Report heading text."""
    m = bundle["meta"]
    who = m.get("supplier_name") or m.get("estate", "")
    kind = "board summary" if m.get("role") == "board" else "performance report"
    return f"{who}: {kind} for {m['period']}"


def intro(bundle: dict, changes_table=None) -> str:
    """The opening paragraph (HTML), then a re-issue's changes (:func:`changes_section`, its
    table drawn by ``changes_table`` when given: the email's fits a phone)."""
    m = bundle["meta"]
    if m.get("role") == "board":
        text = (
            f"All suppliers of {m.get('estate', 'the estate')} side by side for "
            f"{m['period']}: weighted scores, RAG status of every contracted service level, "
            "service credits and data quality."
        )
    elif m.get("role") == "integrator":
        text = (
            f"How {m.get('supplier_name')} performed as service integrator in {m['period']}: "
            "aged-ticket reduction, collaboration between suppliers, proactive problem "
            "management and continual improvement, against its contract."
        )
    else:
        text = (
            f"How {m.get('supplier_name')} performed against its contracted service levels in "
            f"{m['period']}. Times are business hours on the contract calendar unless stated."
        )
    head = f"<h1>{present.esc(title(bundle))}</h1><p>{present.esc(text)}</p>"
    return head + changes_section(bundle, changes_table)


def changes_section(bundle: dict, changes_table=None) -> str:
    """A re-issued pack's "What changed since the pack of DATE" list (:mod:`siamlib.reissue`);
    ``""`` when the pack is not a re-issue. ``changes_table`` (the changes frame in, HTML out)
    draws the list instead of the full table."""
    reissue = bundle["meta"].get("reissue")
    if not reissue:
        return ""
    changes = _f(bundle, "changes")
    head = f"<h2>What changed since the pack of {present.esc(reissue.get('date', ''))}</h2>"
    if changes.empty:
        return head + "<p>None of this report's figures changed; other reports' did.</p>"
    cols = ["supplier_id", "service_level", "measure", "scope", "line", "field"]
    cols += ["change", "before", "after", "difference"]
    note = (
        f"<p class='note'>This pack re-issues run {present.esc(reissue.get('run_id', ''))}: "
        f"{len(changes)} figure(s) changed, each listed here and in changes.csv (every "
        "figure of figures.csv is compared; the data-quality score is not one of them: it "
        "describes the data, and data-quality.json holds it).</p>"
    )
    if changes_table is not None:
        return head + note + changes_table(changes)
    return head + note + present.table(changes.reindex(columns=cols), max_rows=500)


# ---------------------------------------------------------------------- supplier sections
def headline(bundle: dict) -> str:
    """RAG tiles: weighted score, levels met, net credits, data quality.

    Every figure and RAG comes from ``meta["headline"]`` (:func:`siamlib.scorecard.headline`,
    computed with the bundle); this only formats them. The score's tile says what it is out of
    (the weight of the levels scored, when some are not) and what its colour means: the RAG of
    the worst level, the only RAG the contract defines, never a band of the score.
    """
    m = bundle["meta"]
    h = Headline.of(m)
    left_out = present.unscored_levels(_f(bundle, "scorecard"))
    basis = present.score_basis(h.scored_weight, h.scored_points, left_out)
    items = [
        {
            "label": f"Weighted score, {m['period']}",
            "value": present.fmt_score(h.weighted_score),
            "sub": f"{basis}; {present.worst_level_text(h.score_rag, h.red, h.amber)}",
            "rag": h.score_rag,
        },
        {
            "label": "Service levels met",
            "value": f"{h.green} of {h.levels}",
            # A level not scored (small sample, no data) is said, so the counts add up.
            "sub": f"{h.amber} amber, {h.red} red" + (f", {h.grey} not scored" if h.grey else ""),
            "rag": h.levels_rag,
        },
        {
            "label": f"Service credits, {m['period']}",
            "value": present.fmt_number(h.net_credits, m.get("currency", "GBP"), 0),
            "sub": "owed by the supplier, net of earn-back",
            "rag": h.credits_rag,
        }
        if h.net_credits >= 0
        else {  # the customer repays: said in words, not as a negative credit, and in a
            # colour of its own (no RAG, never the grey of "not scored")
            "label": f"Earn-back due back to the supplier, {m['period']}",
            "value": present.fmt_number(-h.net_credits, m.get("currency", "GBP"), 0),
            "sub": "credits of an earlier month earned back",
            "rag": present.REPAID,
        },
    ]
    if h.dq_rag is not None:
        items.append(
            {
                "label": "Data quality",
                "value": present.fmt_number(h.dq_score, "", 1),
                "sub": "out of 100",
                "rag": h.dq_rag,
            }
        )
    return present.tiles(items)


# How a level's points are earned (docs/assumptions.md, "Weighted score"), said beside them:
# a level exactly at its limit is amber yet earns no points, as a red one past it does.
POINTS_NOTE = (
    "Points: a level's full weight at or better than expected, none at its limit (the "
    "minimum, or the maximum where lower is better), in proportion between; a level worse "
    "than its limit earns none either. So a level exactly at its limit (amber: it met the "
    "contract, no credit) and one past it (red: a credit may be due) both show 0 points; the "
    "RAG tells them apart."
)


def scorecard_table(bundle: dict) -> str:
    """Every contracted service level: expected, minimum, actual, RAG, points, change.

    A ``note`` column gives the reason of each grey level when the scorecard has one.
    """
    card = _f(bundle, "scorecard")
    if card.empty:
        return "<p>No service levels are in force for this period.</p>"
    show = pd.DataFrame(
        {
            "service level": card["service_level"],
            "measure": card["name"],
            "unit": card["unit"],
            # The levels as bounds in the measure's direction: at least (a minimum) where
            # higher is better, at most (a maximum) where lower is better.
            "expected": _bounds(card, "expected"),
            "minimum or maximum": _bounds(card, "minimum"),
            "actual": card["actual"].round(2),
            "RAG": card["rag"],
            "weight": card["weight"],
            "points": card["points"].round(1),
            "change on last month (in its unit)": card["change"].round(2),
            # What the actual was scored on: the rolling window's count for a small sample.
            "counted": card.get("scored_denominator", card["denominator"]),
        }
    )
    if "ci_low" in card:  # 95% Wilson interval of record proportions; small samples flagged
        show.insert(6, "95% interval", present.interval_text(card["ci_low"], card["ci_high"]))
        month = card["denominator"].map(lambda n: "" if pd.isna(n) else f"{n:g}")
        show["small sample"] = (month + " this month").where(card["small_sample"].eq(True), "")
    # Why a grey level has no actual (no source table, month outside the data window...).
    note = card["note"].fillna("") if "note" in card else pd.Series("", index=card.index)
    if note.ne("").any():
        show["note"] = note.where(card["rag"].eq("grey"), "")
    return present.table(
        show,
        rag_column="RAG",
        numeric=["expected", "minimum or maximum", "actual", "weight", "points"]
        + ["change on last month (in its unit)"],
        # A short caption: a long one split across PDF pages away from its table.
        caption=f"Scorecard for {bundle['meta']['period']}",
    ) + (
        '<p class="note">Expected and the contract\'s limit: at least where higher is better, '
        "at most where lower is better; worse than the limit is red. Counted: tickets or "
        "records the actual is scored on, over the rolling window for a small sample; agreed "
        "minutes for availability; the tickets a median is taken over; the records a count "
        "counts. Change on last month: against last month's figure as computed on this "
        "month's data, which can differ from last month's report where tickets were reopened "
        f"or corrected since. {POINTS_NOTE}</p>"
    )


def _bounds(card: pd.DataFrame, column: str) -> pd.Series:
    """A scorecard's expected or limit column as bounds: ``at least 95``, ``at most 6``."""
    direction = card["direction"] if "direction" in card else pd.Series("higher", card.index)
    return pd.Series(
        [present.bound_text(v, d) for v, d in zip(card[column], direction, strict=True)],
        index=card.index,
        dtype="object",
    )


def score_trend_chart(bundle: dict) -> alt.Chart:
    """Weighted score per month over the last 12 months (the bundle's ``score_trend``)."""
    return charts.line(
        _f(bundle, "score_trend"),
        "period:O",
        alt.Y("score:Q", title="weighted score (0-100)", scale=alt.Scale(domain=[0, 100])),
        title=f"Weighted score, 12 months to {bundle['meta']['period']}",
        tooltip=["period", alt.Tooltip("score:Q", format=".1f")],
    )


def level_trend_chart(bundle: dict) -> alt.FacetChart:
    """A small trend per service level over 12 months, with its target and its limit (the
    contract's minimum, a maximum where lower is better) as lines."""
    return charts.level_trends(
        _f(bundle, "trend"),
        # Two lines: one would be wider than the panels (and cut on a phone).
        title=[
            f"Service levels, 12 months to {bundle['meta']['period']} (dashed: target; "
            "dotted: minimum, or maximum where lower is better;",
            "grey square at a panel's foot: a month not scored, small sample or nothing counted)",
        ],
    )


# What the clock table's three hour columns count (the contract measures business hours).
CLOCK_NOTE = (
    "Business hours: the contract's working hours with the clock running (what the targets "
    "judge). Paused hours: working hours on hold in a pause status. Elapsed hours: calendar "
    "time from opening to resolution, nights, weekends and pauses included."
)


def clock_table(bundle: dict) -> str:
    """Tickets resolved in the period by priority, breaches and mean times (hours)."""
    cs = _f(bundle, "clocks_summary").copy()
    if cs.empty:
        return "<p>No tickets were resolved in this period.</p>"
    cs = cs.round(2)
    cs.columns = [
        "priority",
        "resolved",
        "breached",
        "mean business hours",
        "mean paused hours",
        "mean elapsed hours",
    ]
    table = present.table(cs, numeric=cs.columns[1:], caption="Resolution clocks (hours)")
    return table + f"<p class='note'>{CLOCK_NOTE}</p>"


def attribution_chart(bundle: dict) -> alt.Chart:
    """Who held this supplier's resolved tickets: business hours by holder."""
    a = _f(bundle, "attribution")
    return charts.bar(
        a,
        alt.X("held_business_h:Q", title="business hours held (running clock)"),
        alt.Y("holder:N", title=None),
        title=f"Time attribution of tickets resolved in {bundle['meta']['period']} (hours)",
        tooltip=["holder", alt.Tooltip("held_business_h:Q", format=".1f")],
        height=120,
    )


def backlog_chart(bundle: dict) -> alt.Chart:
    """Open tickets at period end by age bucket (days since opened)."""
    v = _f(bundle, "values")
    period = bundle["meta"]["period"]
    b = v[(v["period"] == period) & (v["measure"] == "backlog") & (v["scope"] != "")].copy()
    b["age (days)"] = b["scope"].str.removeprefix("age=")
    return charts.bar(
        b,
        alt.X("age (days):N", sort=bucket_labels()),
        alt.Y("value:Q", title="open tickets"),
        title=f"Backlog at the end of {period} by age (days since opened)",
        tooltip=["age (days)", "value"],
        height=180,
    )


def credits_table(bundle: dict) -> str:
    """The service-credit ledger: one explained line per missed level."""
    led = _f(bundle, "ledger")
    if led.empty:
        return "<p>No service credits are due for this period.</p>"
    cols = ["supplier_id", "line", "service_level", "amount", "explanation"]
    show = led[[c for c in cols if c in led.columns]].copy()
    if "name" in led.columns and "service_level" in show.columns:  # the level by name, code after
        code = show["service_level"].fillna("").astype(str)
        name = led["name"].fillna("").astype(str)
        named = (name + " (" + code + ")").where(code != "", name)
        show["service_level"] = named.where(name != "", code)
    if bundle["meta"].get("role") != "board":
        show = show.drop(columns=["supplier_id"], errors="ignore")
    else:  # the board lists suppliers in its one order (siamlib.frontpage.board_order)
        show = _in_board_order(bundle, show)
    cur = bundle["meta"].get("currency", "GBP")
    if "line" in show.columns:  # the ledger's kinds as a reader says them
        show["line"] = show["line"].replace({"earn_back": "earn-back"})
    # The explanation is shown word for word as the ledger wrote it: the same text as in
    # figures.csv and the credits evidence, so a reader can search one for the other.
    return present.table(
        _named(bundle, show),
        numeric=["amount"],
        formats={"amount": _money(bundle)},
        caption=f"Service credits ({cur}; negative amounts are earn-back due back to the "
        "supplier, or rewards; a waived line's amount is 0 and its explanation says what it gave "
        "up)",
    )


def exclusions_table(bundle: dict) -> str:
    """Agreed exclusions removed before calculation."""
    ex = _f(bundle, "excluded")
    if ex.empty:
        return "<p>No agreed exclusions apply to this supplier's tickets.</p>"
    if bundle["meta"].get("role") not in (None, "board", "integrator"):
        ex = ex.drop(columns=["supplier_id"], errors="ignore")
    return present.table(
        _named(bundle, ex), caption="Agreed exclusions", tz=bundle["meta"].get("timezone", "UTC")
    )


def equaliser_chart(bundle: dict) -> alt.Chart:
    """The graphic equaliser: share of work per party for each capability (per cent)."""
    eq = _f(bundle, "equaliser").copy()
    names = {**_names(bundle), "retained": "retained organisation"}
    eq["party"] = eq["party"].map(lambda i: names.get(i, i))
    return (
        alt.Chart(eq, title="Graphic equaliser: who does the work (% per capability)")
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=None, title=None),
            x=alt.X("share:Q", title="share of work (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("party:N", scale=alt.Scale(range=charts.PALETTE)),
            tooltip=["name", "party", "share"],
        )
        .properties(width=charts.WIDTH, height=alt.Step(22))
    )


def raci_table(bundle: dict) -> str:
    """RACI letters per capability for the parties this report concerns."""
    r = _f(bundle, "raci")
    if r.empty:
        return ""
    wide = r.pivot_table(
        index=["stage", "name"], columns="party", values="letter", aggfunc="first"
    ).reset_index()
    names = {**_names(bundle), "retained": "retained organisation"}
    wide = wide.rename(columns=lambda c: names.get(c, c))
    return present.table(
        wide, caption="RACI (R responsible, A accountable, C consulted, I informed)"
    )


def quality_section(bundle: dict) -> str:
    """Data-quality results this report may show (own rows and estate-wide rules).

    The integrator's report also lists the rows quarantined in other suppliers' data its
    estate-wide levels read (frame ``quality_beside``): its figures are computed without
    them, so they are said where the figures are.
    """
    from siamlib import quality

    q = _f(bundle, "quality")
    if q.empty:
        return "<p>Data quality was not checked for this run.</p>"
    q, beside = _listed_examples(q), _listed_examples(_f(bundle, "quality_beside"))
    who = bundle["meta"].get("supplier_id")
    # One line (score, failures), then only the failed and warning checks; every rule is in
    # the pack's appendix file.
    line = present.esc(present.tidy_numbers(quality.summary_line(q, who, beside)))
    link = (
        f'<p class="dq-line"><b>{line}</b> The full rule list is in '
        f'<a href="{quality.APPENDIX_NAME}">{quality.APPENDIX_NAME}</a> in the pack.</p>'
    )
    if bool(q["passed"].astype(bool).all()):
        return link + present.tidy_numbers(quality.beside_html(beside))
    names = bundle["meta"].get("supplier_names") or {}
    html = quality.render_html(q, who, only_failed=True, beside=beside, names=names)
    return link + present.tidy_numbers(html)


def _listed_examples(q: pd.DataFrame) -> pd.DataFrame:
    """``q`` with ``examples`` as lists again: a saved bundle holds them as one string."""
    if "examples" not in q.columns:
        return q
    q = q.copy()
    q["examples"] = q["examples"].map(
        lambda v: [x for x in str(v).split(", ") if x] if isinstance(v, str) else v
    )
    return q


def definitions(measure_ids: list[str] | None = None, bundle: dict | None = None) -> str:
    """Appendix: definition, unit and direction of the measures shown."""
    if measure_ids is None and bundle is not None:
        card = _f(bundle, "scorecard")
        if card.empty:
            card = _f(bundle, "cards")
        measure_ids = sorted(set(card["measure"])) if not card.empty else sorted(MEASURES)
    rows = [
        {
            "measure": MEASURES[m].name,
            "unit": MEASURES[m].unit,
            "better when": MEASURES[m].direction,
            "definition": MEASURES[m].definition,
        }
        for m in measure_ids or []
        if m in MEASURES
    ]
    return present.table(pd.DataFrame(rows), caption="Measure definitions")


def provenance(bundle: dict) -> str:
    """Footer: period, run time, code version, input and params hashes."""
    return present.provenance(bundle["meta"])


# ---------------------------------------------------------------------- integrator sections
def aged_chart(bundle: dict) -> alt.Chart:
    """Aged open tickets at each month end, all suppliers (count)."""
    a = _f(bundle, "aged_trend")
    a = a[a["supplier_id"] != ALL]  # stacked bars add up to the estate total themselves
    a = _named(bundle, a).rename(columns={"aged_end": "aged", "open_end": "open"})
    return charts.bar(
        a,
        alt.X("period:O", title="month"),
        alt.Y("aged:Q", title="aged open tickets at month end"),
        title="Aged tickets (open longer than the ageing threshold) by month and supplier",
        color="supplier:N",
        tooltip=["period", "supplier", "aged", "open"],
    )


def handoff_chart(bundle: dict) -> alt.Chart:
    """Cross-supplier handoffs in the period: from -> to (count of every move).

    The matrix counts every move, designed routes included (the service desk's dispatch to
    the integrator, the integrator's to the towers), so its largest cell is usually a designed
    route, not a problem: the title says "largest", never "worst", and says the scored level
    leaves designed routes out (the fairness panel's designed-routes table has both figures).
    """
    h = _f(bundle, "handoff_matrix").copy()
    names = _names(bundle)
    for col in ("from_supplier", "to_supplier"):
        h[col] = h[col].map(lambda i: names.get(i, i))
    return charts.heatmap(
        h,
        "to_supplier",
        "from_supplier",
        "handoffs",
        title=f"Handoffs between suppliers, {bundle['meta']['period']} (every move, designed "
        "routes included; largest pair outlined)",
        tooltip=["from_supplier", "to_supplier", "handoffs", "tickets"],
    )


def ping_pong_table(bundle: dict) -> str:
    """Pairs of suppliers bouncing tickets back (A -> B -> A)."""
    pp = _f(bundle, "ping_pong_pairs").sort_values("tickets", ascending=False)
    names = _names(bundle)
    for col in ("returned_to", "returned_by"):
        if col in pp.columns:
            pp[col] = pp[col].map(lambda i: names.get(i, i))
    return present.table(pp, numeric=["bounces", "tickets"], caption="Ping-pong by supplier pair")


def gaming_chart(bundle: dict) -> alt.Chart:
    """Clock-stop gaming signal: share of clock time paused, per supplier (per cent)."""
    g = _f(bundle, "paused_share")
    g = _named(bundle, g[g["supplier_id"] != ALL])
    g["paused %"] = g["paused_share"] * 100
    g["paused just before resolution %"] = g["pause_before_resolution_share"] * 100
    long = g.melt(
        id_vars="supplier",
        value_vars=["paused %", "paused just before resolution %"],
        var_name="signal",
        value_name="per cent",
    )
    return charts.bar(
        long,
        alt.X("supplier:N", title=None),
        alt.Y("per cent:Q", title="% of tickets / clock time"),
        title=f"Clock-stop signals, {bundle['meta']['period']} (%)",
        color="signal:N",
        tooltip=["supplier", "signal", alt.Tooltip("per cent:Q", format=".1f")],
    ).encode(xOffset="signal:N")


def _proactive_lead(bundle: dict) -> str:
    """The scored problem level, said above the trends table: its figure and counts from the
    scorecard row (the trends table alone showed one June trend beside a level scored on the
    month's 8 problems), or ``""`` when the contract has no such level."""
    card = _f(bundle, "scorecard")
    if card.empty or "measure" not in card:
        return ""
    rows = card[card["measure"] == "proactive_problem_share"]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    unit, n, d = str(r["unit"]), r.get("scored_numerator"), r.get("scored_denominator")
    counts = (
        f" ({present.fmt_number(n, '', 0)} of {present.fmt_number(d, '', 0)} problems raised in "
        f"{bundle['meta']['period']} were raised proactively, not after incidents)"
        if not (present.is_missing(n) or present.is_missing(d))
        else ""
    )
    return (
        f"<p>Scored level: {present.esc(r['name'])} {present.level_value(r['actual'], unit)}"
        f"{counts}, against {present.level_value(r['expected'], unit)} expected and a "
        f"{present.level_value(r['minimum'], unit)} minimum: {present.rag_word(str(r['rag']))}. "
        "Each problem is listed in the evidence (records behind each level); the table "
        "below lists the incident trends detected and the problem records that followed.</p>"
    )


def trends_table(bundle: dict) -> str:
    """Incident trends (per service, category and CI) and whether a problem record followed.

    The rows are those the ``trend_to_problem_days`` measure counts
    (:func:`siamlib.measures.problems.incident_trends`).
    """
    lead = _proactive_lead(bundle)
    tr = _f(bundle, "trend_response")
    if tr.empty:
        return lead + (
            "<p>No incident trends were detected on any service, category or configuration "
            "item in the data.</p>"
        )
    tz = bundle["meta"].get("timezone", "UTC")

    def monday(col: str) -> pd.Series:  # weeks are UTC instants of the local Monday 00:00
        return tr[col].dt.tz_convert(tz).dt.strftime("%Y-%m-%d")

    show = pd.DataFrame(
        {
            "level": tr["by"].replace({"ci": "configuration item"}),
            "key": tr["key"],
            "started (week of)": monday("start_week"),
            "detected (week of)": monday("detected_week"),
            "last week": monday("end_week"),
            "weeks over threshold": tr["weeks"],
            "peak incidents in a week": tr["peak_count"],
            "baseline per week": tr["baseline_mean"].round(1),
            "problem": tr["problem_id"].fillna(""),
            "days to problem": tr["lag_days"].round(1),
            "response": tr["response"],
        }
    )
    return lead + present.table(
        show,
        numeric=["weeks over threshold", "peak incidents in a week", "baseline per week"]
        + ["days to problem"],
        caption="Incident trends (weekly counts over their 8-week baseline) and the problem "
        "records that followed",
    )


def scope_table(bundle: dict) -> str:
    """Scope conformance (RACI) of the period: work handled inside each party's R scope, and
    the verdict on it with why (:func:`siamlib.raci.conformance_status`): a figure where the
    RACI and the equaliser disagree is not assessable, not a 0% to act on."""
    sc = _f(bundle, "scope_conformance")
    if sc.empty:
        # say what a work item is: a month that only resolved older tickets (the real
        # ServiceNow log's 2016-10) has none, beside held hours in the scope-as-lived table
        return (
            "<p>No work items this period: no ticket opened, change planned or problem opened "
            "in the month.</p>"
        )
    names = _names(bundle)
    show = pd.DataFrame(
        {
            "supplier": sc["supplier_id"].map(lambda i: names.get(i, i)),
            "work items": sc["work_items"],
            "in scope": sc["in_scope"],
            "out of scope": sc["out_of_scope"],
            "conformance %": (sc["conformance"] * 100).round(1),
        }
    )
    if "status" in sc.columns:  # not assessable: no figure to read, "–" (not a 0% to act on)
        show["conformance %"] = show["conformance %"].where(sc["status"].ne(NOT_ASSESSABLE))
    if "status" in sc.columns:  # a pack written before the verdict shows the figures alone
        show["status"], show["why"] = sc["status"], sc["reason"]
    return present.table(
        show,
        numeric=["work items", "in scope", "out of scope", "conformance %"],
        caption=f"Scope conformance, {bundle['meta']['period']}: work items (tickets held, "
        "changes, problems) handled by a party Responsible (R) for them in the RACI (%), and "
        "the verdict: work where the equaliser contracts a party a share the RACI gives it no R "
        "for is not assessable",
    )


def improvements_chart(bundle: dict) -> alt.Chart:
    """Continual-improvement register throughput per month (count)."""
    im = _f(bundle, "improvements")
    im = im[im["supplier_id"] != ALL]  # the estate row already sums the suppliers
    long = im.melt(
        id_vars=["supplier_id", "period"],
        value_vars=["raised", "approved", "delivered"],
        var_name="stage",
        value_name="initiatives",
    )
    long = long.groupby(["period", "stage"], as_index=False)["initiatives"].sum()
    return charts.bar(
        long,
        "period:O",
        alt.Y("initiatives:Q", title="initiatives"),
        title="Continual improvement register: raised, approved, delivered per month (count)",
        color="stage:N",
        tooltip=["period", "stage", "initiatives"],
    ).encode(xOffset="stage:N")


def _signal_names(signals: object) -> str:
    """A watermelon's ``red_signals`` (measure ids) by the catalogue's display names.

    >>> _signal_names("reopen_rate, ping_pong_rate"), _signal_names(None)
    ('Reopen rate, Ping-pong rate', '')
    """
    ids = [x.strip() for x in str(signals or "").split(",") if x.strip()]
    return ", ".join(MEASURES[i].name if i in MEASURES else i for i in ids)


def watermelon_table(bundle: dict) -> str:
    """Suppliers meeting their ticket time targets overall but red on experience.

    The check uses fixed thresholds (:mod:`siamlib.measures.gaming`), not the contracts'
    levels, so its columns and caption say which: a reader must not take "SLA green" for the
    scorecard's RAG.
    """
    w = _f(bundle, "watermelon")
    if w.empty:
        return ""
    sla = present.fmt_percent(gaming.WATERMELON_SLA_EXPECTED, 0)
    yes_no = {True: "yes", False: "no"}
    show = _named(bundle, w).drop(columns=["period"], errors="ignore")
    show = show.assign(
        sla_green=show["sla_green"].map(yes_no),
        watermelon=show["watermelon"].map(lambda v: "–" if pd.isna(v) else yes_no[bool(v)]),
        red_signals=show["red_signals"].map(_signal_names),
    ).rename(
        columns={
            "sla_attainment": "within target, all priorities (lower of response and resolution)",
            "sla_measure": "which one that is",
            "sla_green": f"at least {sla}",
        }
    )
    if "which one that is" in show.columns:  # the lower figure named: response or resolution
        which = show["which one that is"].str.removeprefix("sla_").str.removesuffix("_attainment")
        show["which one that is"] = which.fillna("")
    caption = (
        f"Watermelon check: response and resolution within target at least {sla} over all "
        f"priorities, yet reopen rate over "
        f"{present.fmt_percent(gaming.WATERMELON_REOPEN_MAX, 0)}, satisfaction under "
        f"{present.fmt_number(gaming.WATERMELON_SATISFACTION_MIN, '', 1)} or ping-pong over "
        f"{present.fmt_percent(gaming.WATERMELON_PING_PONG_MAX, 0)} (fixed thresholds, not "
        "the contract's levels)"
    )
    # Two decimals, as the scorecard: a reopen rate of 3.05 % against a 3 % level must not
    # read "3%" here while the scorecard says amber.
    pct = lambda v: present.fmt_percent(v, 2)  # noqa: E731
    return present.table(
        show,
        formats={
            "within target, all priorities (lower of response and resolution)": pct,
            "reopen_rate": pct,
            "ping_pong_rate": pct,
            "satisfaction": lambda v: present.fmt_number(v, "", 2),
        },
        caption=caption,
    )
