"""Level evidence of the Service Integrator's estate-wide levels, one row per record.

Each maker runs the measure's own function on the scorecard's inputs (tickets without the
agreed exclusions, after quarantine), so its rows give back the level's figure (see
:mod:`siamlib.levels` for the columns):

- counts (:func:`count_makers`): routing accuracy and ping-pong rate (tickets resolved in the
  period), proactive problem share (problems opened in it): 1 or 0 per record;
- weighted: handoffs off the designed routes per ticket (:func:`handoff_rows`), 360 ratings
  (:func:`rating_rows`) and the aged-ticket reduction (:func:`aged_rows`: +1/-1 per ticket
  aged at the period's start or end);
- the value checks (:data:`VALUE_MEASURES`): the dispatch-time median over its tickets'
  business minutes (:func:`dispatch_rows`) and the improvements delivered (:func:`delivery_rows`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from siamlib.measures.registry_integrator import _table  # a table, or empty if absent
from siamlib.periods import period_bounds

VALUE_MEASURES = {"dispatch_time": "median", "improvement_delivery": "count"}
"""Integrator measures that are neither a ratio of counts nor of amounts: the figure is the
median of its rows' ``minutes`` / 60 (hours), or the number of its rows ``in_numerator``.
:func:`siamlib.levels_window.reconcile` checks the card's ``actual`` against them."""


def count_makers(tables: dict[str, pd.DataFrame], params, period: str) -> dict:
    """Per-record makers of the integrator's count-based levels (estate-wide, scope "")."""
    from siamlib.measures import integrator, problems

    tz, integ = params.estate.timezone, params.estate.integrator.id

    def frame(ids: pd.Series, kind: str, measure: str, met: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "supplier_id": integ,
                "measure": measure,
                "record_kind": kind,
                "record_id": ids.astype("str").to_numpy(),
                "in_denominator": True,
                "in_numerator": met.astype(bool).to_numpy(),
            }
        )

    def routing() -> pd.DataFrame:
        r = integrator.routing_accuracy(
            tables["ticket_events"], tables["tickets"], integ, period, tz=tz
        )
        r = r[r["routed_right"].notna()]
        return frame(r["ticket_id"], "ticket", "routing_accuracy", r["routed_right"])

    def ping_pong() -> pd.DataFrame:
        r = integrator.ping_pong(tables["ticket_events"], period, tickets=tables["tickets"], tz=tz)
        return frame(r["ticket_id"], "ticket", "ping_pong_rate", r["ping_pong"])

    def proactive() -> pd.DataFrame:
        p = tables["problems"]
        p = p[problems._opened_in(p["opened_at"], period, tz)]
        return frame(
            p["problem_id"], "problem", "proactive_problem_share", p["origin"].eq("proactive")
        )

    return {
        "routing_accuracy": routing,
        "ping_pong_rate": ping_pong,
        "proactive_problem_share": proactive,
    }


def handoff_rows(tables, params, period: str) -> pd.DataFrame:
    """Per ticket resolved in ``period``: its handoffs off the designed routes (and 1)."""
    from siamlib.measures import routes

    tz, pairs = params.estate.timezone, routes.estate_pairs(params.estate)
    h = routes.route_handoffs(
        tables["ticket_events"], pairs, period, tickets=tables["tickets"], tz=tz
    )
    return pd.DataFrame(
        {
            "supplier_id": params.estate.integrator.id,
            "record_kind": "ticket",
            "record_id": h["ticket_id"].astype("str").to_numpy(),
            "in_denominator": True,
            "in_numerator": h["adjusted"].gt(0).to_numpy(),
            "adds_to_numerator": h["adjusted"].astype("float64").to_numpy(),
            "adds_to_denominator": 1.0,
            "reason": [
                f"resolved in {period}: {n} moves between suppliers, {d} along designed routes"
                for n, d in zip(h["handoffs"], h["designed"], strict=True)
            ],
        }
    )


def rating_rows(tables, levels: pd.DataFrame, period: str) -> pd.DataFrame:
    """The 360 ratings behind a ``collaboration_score`` level (per rated supplier;
    :func:`siamlib.levels.weighted_rows` gives a ``suppliers=all`` level them all)."""
    from siamlib.measures.collaboration import collaboration_score

    sv = _table(tables, "surveys")
    sv = sv[sv["survey_type"].eq("collaboration") & sv["period"].eq(period)]
    if not levels["scope"].eq("suppliers=all").any():
        sv = sv[sv["supplier_id"].isin(set(levels["supplier_id"]))]
    # The measure once, each response its own group: the rated supplier and the respondent
    # both suffixed with the response id, so its self-rating test holds exactly as before.
    key = sv["supplier_id"] + "\x1f" + sv["response_id"]
    per = collaboration_score(
        sv.assign(supplier_id=key, respondent=sv["respondent"] + "\x1f" + sv["response_id"]),
        period,
    ).set_index("supplier_id")
    n = per["responses"].reindex(key).fillna(0).to_numpy(dtype="float64")
    why = np.where(sv["score"].isna(), "no score: left out", "self-rating: left out")
    return pd.DataFrame(
        {
            "supplier_id": sv["supplier_id"].to_numpy(),
            "record_kind": "rating",
            "record_id": sv["response_id"].astype("str").to_numpy(),
            "in_denominator": n > 0,
            "in_numerator": n > 0,
            "adds_to_numerator": per["score_sum"].reindex(key).fillna(0.0).to_numpy(),
            "adds_to_denominator": n,
            "score": sv["score"].astype("float64").to_numpy(),
            "reason": [
                f"360 collaboration rating of {rated} for {period}" if k else w
                for rated, k, w in zip(sv["supplier_id"], n > 0, why, strict=True)
            ],
        }
    )


def aged_rows(tables, params, period: str, aged=None) -> pd.DataFrame:
    """INT-AGED's tickets: every ticket aged at the start or at the end of ``period``.

    ``aged_ticket_reduction = (aged at start - aged at end) / aged at start``, estate-wide. A
    ticket aged at the start adds 1 to the denominator and 1 to the numerator; one aged at the
    end takes 1 from the numerator. So one aged at both adds 0, one that aged (or came back)
    during the month -1, and the rows' sums are the card's ``fell`` and ``aged_start``.
    ``aged`` is the pair of :func:`siamlib.measures.aged.aged_at` frames (start, end) when the
    caller has them (the compute stage keeps them); else they are computed from ``tables``.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> t = pd.DataFrame({"ticket_id": ["A", "B", "C"], "opened_at": pd.Timestamp("2026-01-01",
    ...     tz="UTC")})
    >>> first, last = t.iloc[[0, 1]], t.iloc[[1, 2]]    # A resolved, B still, C aged in
    >>> r = aged_rows({}, load_params(), "2026-10", (first, last))
    >>> r[["record_id", "adds_to_numerator", "adds_to_denominator"]].values.tolist()
    [['A', 1.0, 1.0], ['B', 0.0, 1.0], ['C', -1.0, 0.0]]
    """
    if aged is None or aged[0] is None:
        from siamlib.measures.aged import EventTimeline, aged_at

        tickets, events = tables["tickets"], _table(tables, "ticket_events")
        line = EventTimeline(tickets, events) if len(events) else None
        days = params.estate.aged_after_days
        bounds = period_bounds(period, params.estate.timezone)
        aged = [aged_at(tickets, at, days, events=line) for at in bounds]
    first, last = aged
    both = pd.concat([first[["ticket_id", "opened_at"]], last[["ticket_id", "opened_at"]]])
    both = both.drop_duplicates("ticket_id").sort_values("ticket_id", ignore_index=True)
    at_start = both["ticket_id"].isin(first["ticket_id"]).to_numpy()
    at_end = both["ticket_id"].isin(last["ticket_id"]).to_numpy()
    said = np.select(
        [at_start & ~at_end, at_start],
        [
            f"aged at the start of {period}, not aged and open at its end: adds 1 to the fall",
            f"aged at the start of {period} and still at its end: counted, adds nothing",
        ],
        f"aged at the end of {period}, not at its start (aged or reopened in the month): "
        "takes 1 from the fall",
    )
    return pd.DataFrame(
        {
            "supplier_id": params.estate.integrator.id,
            "record_kind": "ticket",
            "record_id": both["ticket_id"].astype("str").to_numpy(),
            "in_denominator": at_start,
            "in_numerator": at_start & ~at_end,
            "adds_to_numerator": at_start.astype("float64") - at_end,
            "adds_to_denominator": at_start.astype("float64"),
            "start_at": both["opened_at"].to_numpy(),
            "reason": said,
        }
    )


def dispatch_rows(tables, params, period: str) -> pd.DataFrame:
    """INT-DISPATCH's tickets: each ticket resolved in ``period`` that the integrator held,
    with the ``minutes`` it spent in the dispatch queue (business minutes when the
    integrator's contract has a ``business`` calendar); the figure is their median in hours.

    Examples
    --------
    >>> from siamlib.measures.events import _example_events
    >>> from siamlib.params import load_params
    >>> ev = _example_events({"T1": ["sd", "integrator", "net"]})
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "resolved_at": pd.Timestamp("2026-03-02 12:00Z")})
    >>> r = dispatch_rows({"ticket_events": ev, "tickets": t}, load_params(), "2026-03")
    >>> r[["record_id", "minutes"]].values.tolist()   # 10:00 to 11:00 on a Monday
    [['T1', 60.0]]
    """
    from siamlib.measures.collaboration import dispatch_time
    from siamlib.measures.registry_integrator import dispatch_clock

    clock = dispatch_clock(params)
    d = dispatch_time(
        _table(tables, "ticket_events"),
        params.estate.integrator.id,
        period,
        tickets=tables["tickets"],
        tz=params.estate.timezone,
        hours_between=clock,
    )
    unit = "business hours" if clock is not None else "hours"
    return pd.DataFrame(
        {
            "supplier_id": params.estate.integrator.id,
            "record_kind": "ticket",
            "record_id": d["ticket_id"].astype("str").to_numpy(),
            "in_denominator": True,
            "in_numerator": False,
            "minutes": (d["dispatch_h"] * 60).to_numpy(dtype="float64"),
            "reason": [
                f"resolved in {period}: {h:.2f} {unit} in the integrator's dispatch queue"
                for h in d["dispatch_h"]
            ],
        }
    )


def delivery_rows(tables, params, period: str) -> pd.DataFrame:
    """INT-CSI's register entries: each improvement delivered in ``period`` (every supplier's),
    counted by the measure's own function run per entry.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> imp = pd.DataFrame({"improvement_id": ["CSI1", "CSI2"], "supplier_id": "net",
    ...     "title": ["Runbook", "Self-heal"], "raised_at": pd.Timestamp("2026-01-05", tz="UTC"),
    ...     "approved_at": pd.to_datetime([None] * 2, utc=True),
    ...     "delivered_at": pd.to_datetime(["2026-03-09", None], utc=True)})
    >>> delivery_rows({"improvements": imp}, load_params(), "2026-03")["record_id"].tolist()
    ['CSI1']
    """
    from siamlib.measures.improvement import register_throughput

    imp = _table(tables, "improvements")
    imp = imp[imp["delivered_at"].notna()] if "delivered_at" in imp.columns else imp.iloc[:0]
    per = register_throughput(
        imp.assign(supplier_id=imp["improvement_id"]), [period], tz=params.estate.timezone
    ).set_index("supplier_id")["delivered"]
    got = per.reindex(imp["improvement_id"]).fillna(0).to_numpy() > 0
    imp = imp[got]
    return pd.DataFrame(
        {
            "supplier_id": params.estate.integrator.id,
            "record_kind": "improvement",
            "record_id": imp["improvement_id"].astype("str").to_numpy(),
            "in_denominator": True,
            "in_numerator": True,
            "adds_to_numerator": 1.0,
            "end_at": imp["delivered_at"].to_numpy(),
            "reason": [
                f"{s}'s improvement delivered in {period}: {title}"
                for s, title in zip(imp["supplier_id"], imp["title"], strict=True)
            ],
        }
    )
