"""Service Integrator measures: aged tickets, collaboration, gaming signals, watermelons.

The integrator does not resolve tickets, so it is judged on how the estate behaves as a whole:
aged tickets going down, tickets moving cleanly between suppliers (few handoffs, no ping-pong,
right first time routing, short dispatch), work escalating the right way (no push-to-front),
honest clock stops, and how the parties rate each other's collaboration.

This module assembles the family's measure values (:func:`measure_values`); the measures live
in one module per concern: :mod:`siamlib.measures.aged` (aged tickets),
:mod:`siamlib.measures.collaboration` (handoffs, ping-pong, routing, dispatch, push-to-front,
360 ratings), :mod:`siamlib.measures.gaming` (clock stops, watermelons), on the event helpers of
:mod:`siamlib.measures.events`. Every name stays importable from here.

Collaboration measures read ``ticket_events`` in ticket order (``event_seq``). Events whose
``supplier_id`` (or ``assignment_group``, ``support_level``) is missing are skipped for the
measure that needs that column, so ``a, <missing>, b`` is one handoff ``a -> b``.

Per-supplier summaries carry one extra row, ``supplier_id == ALL``, for the whole estate.
In the measure values (:func:`measure_values`) estate-wide values are reported on the
integrator: with scope ``""`` for integrator-family measures (whose definition is estate-wide)
and with scope ``"suppliers=all"`` for per-supplier measures (collaboration, clock stops).

Examples
--------
>>> ev = _example_events({"T1": ["sd", "integrator", "net", "integrator", "host"]})
>>> ping_pong(ev)[["ticket_id", "sequence", "ping_pong"]].to_dict("records")
[{'ticket_id': 'T1', 'sequence': 'sd > integrator > net > integrator > host', 'ping_pong': True}]
>>> int(handoffs(ev)["handoffs"].iloc[0])
4
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib.common import ALL
from siamlib.common import ratio as _ratio
from siamlib.measures import MEASURE_VALUE_COLUMNS, scope_key

# The measures live in one module per concern; re-exported (noqa: F401) for notebooks,
# other modules and tests that import them from here.
from siamlib.measures.aged import (  # noqa: F401
    EventTimeline,
    aged_ticket_reduction,
    aged_ticket_trend,
    aged_tickets,
    open_at,
)
from siamlib.measures.collaboration import (  # noqa: F401
    HoursBetween,
    _bounces,
    collaboration_score,
    dispatch_stats,
    dispatch_time,
    handoff_matrix,
    handoffs,
    ping_pong,
    ping_pong_by_supplier,
    ping_pong_pairs,
    push_to_front,
    push_to_front_by_supplier,
    routing_accuracy,
)
from siamlib.measures.events import (  # noqa: F401
    _EVENT_ORDER,
    _coded_ids,
    _collapse,
    _example_events,
    _in_event_order,
    _isin,
    _resolved_ids,
    _restrict,
    _sorted,
    _split_by_resolution,
    _with_all,
)
from siamlib.measures.gaming import paused_share, watermelon, watermelon_values  # noqa: F401
from siamlib.periods import period_bounds
from siamlib.schema import empty

ESTATE_SCOPE = scope_key({"suppliers": "all"})


# -------------------------------------------------------------------------- measure values ---
def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    return empty(name) if df is None else df


def measure_values(
    clocks: pd.DataFrame | None,
    tables: Mapping[str, pd.DataFrame],
    params,
    periods: Sequence[str],
    *,
    apply_exclusions: bool = True,
    timeline: EventTimeline | None = None,
) -> pd.DataFrame:
    """The integrator family's measure values (long contract of :mod:`siamlib.measures`).

    For the integrator (``params.estate.integrator.id``), scope ``""``, estate-wide:
    ``aged_ticket_reduction``, ``aged_tickets``, ``cross_supplier_handoffs``,
    ``ping_pong_rate``, ``ping_pong_count``, ``routing_accuracy``, ``dispatch_time`` (median
    business hours on the integrator contract's ``business`` calendar; actual hours when it
    has none), ``push_to_front_violations`` (integrator events ignored),
    ``proactive_problem_share``, ``trend_to_problem_days``, ``repeat_incident_rate``,
    ``problem_linked_share``, ``improvement_delivery``, ``improvement_ageing``,
    ``benefit_realisation``; and, scope
    ``"suppliers=all"``, the estate-wide ``collaboration_score``, ``paused_share`` and
    ``pause_before_resolution_share``.

    For every supplier, scope ``""``: ``collaboration_score`` (how others rate it),
    ``paused_share`` and ``pause_before_resolution_share`` (its own resolved tickets); for every
    tower, scope ``""``: ``ping_pong_rate`` and ``ping_pong_count`` (tickets it touched, bounces
    it took part in), ``aged_tickets`` (held at period end), ``push_to_front_violations``.

    Tickets count in the period they were resolved (``tickets.resolved_at`` in the estate time
    zone), problems in the period they were opened, improvements by their own dates, surveys by
    their ``period``; trends (per service, category and CI, see
    :func:`siamlib.measures.problems.detect_trends`) by the week they started, the median lag
    taken over those that got a problem record. Values with empty denominators are NaN.
    Tickets listed in ``params.exclusions`` are removed from tickets, events and clocks first
    unless ``apply_exclusions`` is False (as in the tower measures).

    Parameters
    ----------
    clocks : DataFrame or None
        Per-ticket clocks from ``siamlib.clocks`` (None: clock-stop rows are NaN).
    tables : mapping of str to DataFrame
        Tables by name: ``tickets``, ``ticket_events``, ``problems``, ``improvements``,
        ``surveys`` (missing tables count as empty).
    params : siamlib.params.Params
        Uses ``estate.integrator``, ``estate.suppliers``, ``estate.aged_after_days``,
        ``estate.timezone``.
    periods : sequence of str
        ``YYYY-MM`` periods.
    apply_exclusions : bool
        Leave the tickets in ``params.exclusions`` out (default).
    timeline : EventTimeline, optional
        An :class:`EventTimeline` of ``ticket_events`` the caller has already built (over
        these tickets or more) for the aged-ticket measures; built here when not given.

    Returns
    -------
    DataFrame
        Columns ``MEASURE_VALUE_COLUMNS``.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> mv = measure_values(None, {}, load_params(), ["2026-03"])
    >>> mv.query("measure == 'aged_ticket_reduction'")[["supplier_id", "value"]]
      supplier_id  value
    0  integrator    NaN
    """
    # Imported here: those modules build on this one's helpers.
    from siamlib.measures import improvement as _improvement
    from siamlib.measures import problems as _problems
    from siamlib.measures import routes as _routes

    estate = params.estate
    tz, aged_days, integ = estate.timezone, estate.aged_after_days, estate.integrator.id
    suppliers = [s.id for s in estate.suppliers]
    towers = [s for s in suppliers if s != integ]
    tickets = _table(tables, "tickets")
    events = _table(tables, "ticket_events")
    problems = _table(tables, "problems")
    improvements = _table(tables, "improvements")
    surveys = _table(tables, "surveys")
    if clocks is None:
        clocks = pd.DataFrame(
            {
                "supplier_id": pd.Series([], dtype="str"),
                "resolved_at": pd.Series([], dtype="datetime64[us, UTC]"),
                "resolution_h": pd.Series([], dtype="float64"),
                "paused_h": pd.Series([], dtype="float64"),
                "pause_before_resolution": pd.Series([], dtype="boolean"),
            }
        )
    if apply_exclusions:
        excluded = [e.ticket_id for e in params.exclusions.exclusions]
        tickets = tickets[~tickets["ticket_id"].isin(excluded)]
        if tickets["ticket_id"].hasnans or not tickets["ticket_id"].is_unique:
            events = events[~events["ticket_id"].isin(excluded)]
        # else the log is left whole (no copy of it): the per-period cut and the timeline
        # below keep only events of tickets in ``tickets``, so excluded tickets drop out there.
        clocks = clocks[~clocks["ticket_id"].isin(excluded)] if "ticket_id" in clocks else clocks
    named = tickets  # ticket ids as given: what a caller's timeline knows them by
    tickets, events = _coded_ids(tickets, events)
    hours_between = None
    calendars = params.contracts[integ].calendars if integ in params.contracts else {}
    if "business" in calendars:
        from siamlib.calendar import business_hours_between

        def hours_between(a: pd.Series, b: pd.Series) -> pd.Series:
            return business_hours_between(calendars["business"], a, b)

    responses = _problems.incident_trends(tickets, problems, tz=tz)
    designed = _routes.estate_pairs(estate)

    rows: list[dict] = []

    def emit(supplier, period, measure, value, num=np.nan, den=np.nan, scope=""):
        rows.append(
            {
                "supplier_id": supplier,
                "period": period,
                "measure": measure,
                "scope": scope,
                "value": float(value) if pd.notna(value) else np.nan,
                "numerator": float(num) if pd.notna(num) else np.nan,
                "denominator": float(den) if pd.notna(den) else np.nan,
            }
        )

    def by_id(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.set_index("supplier_id")

    if timeline is not None:
        aged_in, aged_events = named, timeline
    else:
        aged_in, aged_events = tickets, (EventTimeline(tickets, events) if len(events) else None)
    parts = _split_by_resolution(tickets, events, periods, tz)
    for period in periods:
        start, end = period_bounds(period, tz)
        in_scope = {"tickets": tickets, "tz": tz}
        # Per period: the tickets resolved in it and their events, cut once (period None
        # below means "these are already the period's"), else each measure restricts.
        if parts:
            t_p, ev_rows = parts[period]
            ev_p, per_p = events.take(ev_rows).reset_index(drop=True), None
        else:
            t_p, ev_p, per_p = tickets, events, period

        red = by_id(
            aged_ticket_reduction(
                aged_in, period, aged_days, events=aged_events, tz=tz, suppliers=suppliers
            )
        )
        a = red.loc[ALL]
        emit(
            integ,
            period,
            "aged_ticket_reduction",
            a["reduction"],
            a["aged_start"] - a["aged_end"],
            a["aged_start"],
        )
        emit(integ, period, "aged_tickets", a["aged_end"])
        for s in towers:
            emit(s, period, "aged_tickets", red.loc[s, "aged_end"])

        # Scored: moves along the estate's designed routes left out (siamlib.measures.routes);
        # the raw figures are kept beside them for the report.
        h = _routes.route_handoffs(ev_p, designed, per_p, **in_scope)
        n = len(h)
        for m, col in (
            ("cross_supplier_handoffs", "adjusted"),
            ("cross_supplier_handoffs_raw", "handoffs"),
        ):
            emit(integ, period, m, _ratio(h[col].sum(), n), h[col].sum(), n)
        rp = _routes.route_ping_pong(ev_p, designed, per_p, **in_scope)
        bounced = rp["adjusted"].sum()
        emit(integ, period, "ping_pong_rate", _ratio(bounced, len(rp)), bounced, len(rp))
        emit(integ, period, "ping_pong_count", bounced)

        pp = by_id(ping_pong_by_supplier(ev_p, per_p, suppliers=suppliers, **in_scope))
        for s, key, raw in [(integ, ALL, "_raw"), *((t, t, "") for t in towers)]:
            r = pp.loc[key]
            emit(
                s,
                period,
                "ping_pong_rate" + raw,
                r["ping_pong_rate"],
                r["ping_pong_tickets"],
                r["tickets"],
            )
            if not raw:
                emit(s, period, "ping_pong_count", r["ping_pong_tickets"])

        ra = routing_accuracy(ev_p, t_p, integ, per_p, tz=tz)["routed_right"].dropna()
        emit(integ, period, "routing_accuracy", _ratio(ra.sum(), len(ra)), ra.sum(), len(ra))

        dt_ = dispatch_time(ev_p, integ, per_p, hours_between=hours_between, **in_scope)
        ds = dispatch_stats(dt_)
        emit(integ, period, "dispatch_time", ds["median_h"])

        v = push_to_front(ev_p, per_p, ignore_suppliers=[integ], **in_scope)
        ptf = by_id(push_to_front_by_supplier(v, suppliers=suppliers))
        emit(integ, period, "push_to_front_violations", ptf.loc[ALL, "violations"])
        for s in towers:
            emit(s, period, "push_to_front_violations", ptf.loc[s, "violations"])

        ps = _problems.proactive_share(problems, period, tz=tz)
        emit(integ, period, "proactive_problem_share", *ps[["value", "numerator", "denominator"]])
        started = responses["start_week"]
        lags = responses.loc[(started >= start) & (started < end), "lag_days"].dropna()
        emit(integ, period, "trend_to_problem_days", lags.median() if len(lags) else np.nan)
        rr = _problems.repeat_incident_rate(tickets, period, tz=tz)
        emit(integ, period, "repeat_incident_rate", *rr[["value", "numerator", "denominator"]])
        pl = _problems.problem_linked_share(tickets, period, tz=tz)
        emit(integ, period, "problem_linked_share", *pl[["value", "numerator", "denominator"]])

        thr = _improvement.register_throughput(improvements, [period], tz=tz)
        emit(
            integ,
            period,
            "improvement_delivery",
            thr.loc[thr["supplier_id"] == ALL, "delivered"].sum(),
        )
        age = _improvement.improvement_ageing(improvements, end)["age_days"]
        emit(integ, period, "improvement_ageing", age.median() if len(age) else np.nan)
        br = by_id(_improvement.benefit_realisation(improvements, period, tz=tz)).loc[ALL]
        emit(
            integ, period, "benefit_realisation", br["realisation"], br["realised"], br["estimated"]
        )

        cs = by_id(collaboration_score(surveys, period, suppliers=suppliers))
        gs = by_id(paused_share(clocks, period, tz=tz, suppliers=suppliers))
        for s, key, scope in [(integ, ALL, ESTATE_SCOPE), *((x, x, "") for x in suppliers)]:
            c = cs.loc[key]
            emit(
                s, period, "collaboration_score", c["score"], c["score_sum"], c["responses"], scope
            )
            g = gs.loc[key]
            emit(s, period, "paused_share", g["paused_share"], g["paused_h"], g["clock_h"], scope)
            emit(
                s,
                period,
                "pause_before_resolution_share",
                g["pause_before_resolution_share"],
                g["paused_before_resolution"],
                g["tickets"],
                scope,
            )

    out = pd.DataFrame(rows, columns=MEASURE_VALUE_COLUMNS)
    for col in ("supplier_id", "period", "measure", "scope"):
        out[col] = out[col].astype("str")
    for col in ("value", "numerator", "denominator"):
        out[col] = out[col].astype("float64")
    return out
