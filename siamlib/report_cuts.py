"""One report's view of the period's frames: its own rows, other parties pooled or masked.

Pure DataFrame-in / DataFrame-out helpers :meth:`siamlib.workbook.Work.bundle` uses to cut the
estate-wide computation down to what one supplier's report may show.

>>> import pandas as pd
>>> eq = pd.DataFrame({"capability_order": [1, 1, 1], "capability": ["c"] * 3, "name": ["n"] * 3,
...     "stage": ["s"] * 3, "party": ["a", "b", "si"], "share": [0.5, 0.25, 0.25]})
>>> own_equaliser(eq, "a", "si")[["party", "share"]].values.tolist()
[['a', 0.5], ['other suppliers', 0.25], ['si', 0.25]]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from siamlib import periods, schema
from siamlib.evidence import FOREIGN_RECORD


def mask_foreign_records(items: pd.DataFrame, tickets: pd.DataFrame, supplier_id: str):
    """A tower's out-of-scope list keeps every row it counts, but a ticket of another
    supplier it worked on is shown without its id (tower outputs never carry other suppliers'
    tickets; the row still counts, so the list reconciles with the conformance figure)."""
    owner = tickets.set_index("ticket_id")["supplier_id"]
    is_ticket = ~items["kind"].isin(["change", "problem"])  # changes, problems: own records
    foreign = is_ticket & (items["record_id"].map(owner) != supplier_id)
    out = items.copy()
    out["record_id"] = out["record_id"].astype("object").where(~foreign, FOREIGN_RECORD)
    return out


def quality_frames(result, params, supplier_id: str, period: str) -> dict[str, pd.DataFrame]:
    """A supplier report's data-quality frames: ``quality`` (its :func:`supplier_view`) and,
    for the integrator, ``quality_beside``: the rows quarantined in other suppliers' data its
    estate-wide levels read (:func:`siamlib.quality_policy.estate_quarantine`), left out of
    its figures too; absent when there are none (a tower's levels read its own rows only).

    ``result`` is the run's :class:`siamlib.quality.QualityResult`, ``params`` the params.
    """
    from siamlib import completeness
    from siamlib import quality_policy as qp

    frames = {"quality": qp.supplier_view(result, supplier_id)}
    whole = completeness.estate_tables(params, supplier_id, period)
    beside = qp.estate_quarantine(result, supplier_id, whole) if whole else None
    if beside is not None and not beside.empty:
        frames["quality_beside"] = beside
    return frames


def quality_scores(result, params, period: str, incomplete) -> pd.DataFrame:
    """The board's per-supplier data-quality table (:func:`siamlib.quality.score_table`),
    ``stopped`` being the run's own decision (:func:`siamlib.gate.stopped_reports`, behind
    :meth:`siamlib.workbook.Work.blocking_reason`): the gate's failures, the integrator's
    estate-wide rows, and ``incomplete`` (:func:`siamlib.completeness.period_blocks`: data
    missing for the period, months its figures read outside the data window)."""
    from siamlib import gate
    from siamlib import quality_policy as qp

    ids = [s.id for s in params.estate.suppliers]
    table = qp.score_table(result, ids)
    stopped = gate.stopped_reports(result, params, period, incomplete)
    table["stopped"] = table["supplier_id"].isin(list(stopped))
    return table


def stopped_table(params, stopped: Mapping[str, str]) -> pd.DataFrame:
    """``supplier_id, stopped`` for every supplier, from the run's stopped reports
    (:func:`siamlib.gate.stopped_reports`): what :func:`siamlib.scorecard.board_headline` leaves
    out of the board's totals when the run was not validated (no :func:`quality_scores`), so a
    supplier stopped for missing data is left out either way.

    >>> from siamlib.params import load_params
    >>> t = stopped_table(load_params(), {"hosting": "Report for hosting stopped: ..."})
    >>> t[t["stopped"]]["supplier_id"].tolist()
    ['hosting']
    """
    ids = [s.id for s in params.estate.suppliers]
    return pd.DataFrame({"supplier_id": ids, "stopped": [i in stopped for i in ids]})


def own_raci(table: pd.DataFrame, supplier_id: str, integrator_id: str) -> pd.DataFrame:
    """RACI rows of the retained organisation, the integrator and this supplier only."""
    return table[table["party"].isin(["retained", integrator_id, supplier_id])].reset_index(
        drop=True
    )


def own_equaliser(eq: pd.DataFrame, supplier_id: str, integrator_id: str) -> pd.DataFrame:
    """Graphic equaliser with the other suppliers' shares pooled as "other suppliers"."""
    keep = ["retained", integrator_id, supplier_id]
    party = eq["party"].where(eq["party"].isin(keep), "other suppliers")
    out = (
        eq.assign(party=party)
        .groupby(["capability_order", "capability", "name", "stage", "party"], sort=False)
        .agg(share=("share", "sum"))
        .reset_index()
    )
    return out


def clock_summary(clocks: pd.DataFrame, bounds) -> pd.DataFrame:
    """Per priority, tickets resolved in the period: count, breached, mean business hours."""
    start, end = bounds
    done = clocks[clocks["resolved_at"].ge(start) & clocks["resolved_at"].lt(end)]
    return (
        done.groupby("priority", observed=True)
        .agg(
            resolved=("ticket_id", "size"),
            breached=("resolution_breached", "sum"),
            mean_business_h=("resolution_h", "mean"),
            mean_paused_h=("paused_h", "mean"),
            mean_actual_h=("resolution_actual_h", "mean"),
        )
        .reset_index()
    )


def attribution(
    attribution: pd.DataFrame,
    own_tickets: pd.Series,
    supplier_id: str,
    integrator_id: str,
    clocks: pd.DataFrame,
    bounds,
) -> pd.DataFrame:
    """Who held this supplier's tickets resolved in the period: itself, integrator, others."""
    start, end = bounds
    resolved = clocks.loc[
        clocks["resolved_at"].ge(start) & clocks["resolved_at"].lt(end), "ticket_id"
    ]
    ids = attribution["ticket_id"]
    mine = attribution[schema.isin(ids, own_tickets) & schema.isin(ids, resolved)]
    holder = mine["supplier_id"].where(
        mine["supplier_id"].isin([supplier_id, integrator_id]), "other suppliers"
    )
    holder = holder.replace({supplier_id: "this supplier", integrator_id: "service integrator"})
    out = (
        mine.assign(holder=holder)
        .groupby("holder")
        .agg(held_business_h=("held_h", "sum"), paused_h=("paused_h", "sum"))
        .reset_index()
    )
    total = out["held_business_h"].sum()
    out["share"] = out["held_business_h"] / total if total else float("nan")
    return out


def exclusions_by_supplier(excluded: pd.DataFrame | None, order: list[str]) -> pd.DataFrame:
    """The agreed exclusions per supplier, as the board names them: how many tickets, which.

    >>> ex = pd.DataFrame({"ticket_id": ["INC9", "INC1", "INC2"], "supplier_id": ["b", "a", "b"]})
    >>> exclusions_by_supplier(ex, ["b", "a"]).values.tolist()
    [['b', 2, 'INC2, INC9'], ['a', 1, 'INC1']]
    """
    columns = ["supplier_id", "tickets", "ticket_ids"]
    if excluded is None or excluded.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    by = excluded.groupby("supplier_id")["ticket_id"].agg(lambda ids: sorted(map(str, ids)))
    rank = {sid: i for i, sid in enumerate(order)}
    ids = sorted(by.index, key=lambda sid: (rank.get(sid, len(rank)), sid))
    rows = [(sid, len(by[sid]), ", ".join(by[sid])) for sid in ids]
    return pd.DataFrame(rows, columns=columns)


def front_page_frames(work) -> dict[str, pd.DataFrame]:
    """What the board's front page needs besides the scorecards (:mod:`siamlib.frontpage`):
    each supplier's at-risk amount, the period's drivers, clock-stop signals and watermelons,
    the agreed exclusions per supplier and every supplier's scope conformance with its
    verdict (:func:`siamlib.raci.conformance_status`)."""
    from siamlib import credits, frontpage
    from siamlib.common import BOARD
    from siamlib.measures import integrator

    p = work.params
    t = work.tables
    order = [s.id for s in p.estate.suppliers]
    return {
        "exclusions": exclusions_by_supplier(work.excluded, order),
        "scope_conformance": work.scope_conformance(BOARD),
        "at_risk": credits.at_risk_frame(p),
        "drivers": frontpage.drivers(
            t.get("outages"), t.get("problems"), t.get("changes"), work.bounds
        ),
        "paused_share": integrator.paused_share(
            work._kept("clocks"), work.period, tz=p.estate.timezone
        ),
        "watermelon": integrator.watermelon(work.values[work.values["period"] == work.period]),
    }


def integrator_frames(work, trend_months: int) -> dict[str, pd.DataFrame]:
    """What the integrator report shows besides its scorecard: handoffs, ping-pong, trends,
    improvements, watermelons, over the ``trend_months`` to the period (``work``: a Work)."""
    from siamlib.measures import improvement, integrator, problems

    p = work.params
    tz = p.estate.timezone
    # The tickets the figures count: agreed exclusions out of every frame. The handoff and
    # ping-pong frames read only the events of ``t``'s tickets resolved in the period, so
    # the whole event log is given: no copy of it without the excluded tickets' rows.
    t, e = work._kept("tickets"), work.tables["ticket_events"]
    months = periods.previous_periods(work.period, trend_months)
    trends = problems.incident_trends(t, work.tables["problems"], tz=tz)
    return {
        "aged_trend": work.aged_trend,
        "handoff_matrix": integrator.handoff_matrix(e, work.period, tickets=t, tz=tz),
        "ping_pong_pairs": integrator.ping_pong_pairs(e, work.period, tickets=t, tz=tz),
        "paused_share": integrator.paused_share(work._kept("clocks"), work.period, tz=tz),
        "trend_response": trends,
        "improvements": improvement.register_throughput(work.tables["improvements"], months, tz=tz),
        "watermelon": integrator.watermelon(work.values[work.values["period"] == work.period]),
        "all_values": work.values[work.values["period"] == work.period],
    }
