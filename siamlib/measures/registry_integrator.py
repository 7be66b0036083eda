"""Registry entries of the integrator family and the loop behind ``integrator.measure_values``.

Each entry's ``compute`` takes a :class:`Period` (one reporting month of an
:class:`IntegratorRun`) and returns that month's rows: the integrator's (estate-wide, from the
``ALL`` summary row) and, for measures every supplier is judged on, each tower's or supplier's
own. Summaries several entries read (aged tickets, ping-pong, push-to-front, ratings, clock
stops) are computed once per month and shared.

Examples
--------
>>> [e.measure for e in ENTRIES][:2]
['aged_ticket_reduction', 'aged_tickets']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from siamlib.common import ALL
from siamlib.common import ratio as _ratio
from siamlib.measures import improvement as _improvement
from siamlib.measures import problems as _problems
from siamlib.measures import routes as _routes
from siamlib.measures.integrator import (
    ESTATE_SCOPE,
    EventTimeline,
    _coded_ids,
    _split_by_resolution,
    aged_ticket_trend,
    collaboration_score,
    dispatch_stats,
    dispatch_time,
    paused_share,
    ping_pong_by_supplier,
    push_to_front,
    push_to_front_by_supplier,
    routing_accuracy,
)
from siamlib.measures.registry import Entry, long_columns, stack
from siamlib.periods import period_bounds
from siamlib.schema import empty


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    df = tables.get(name)
    return empty(name) if df is None else df


class IntegratorRun:
    """The inputs of every month, agreed exclusions removed and ticket ids coded once."""

    def __init__(
        self,
        clocks: pd.DataFrame | None,
        tables: Mapping[str, pd.DataFrame],
        params,
        periods: Sequence[str],
        *,
        apply_exclusions: bool = True,
        timeline: EventTimeline | None = None,
    ):
        estate = params.estate
        self.tz, self.aged_days = estate.timezone, estate.aged_after_days
        self.integ = estate.integrator.id
        self.suppliers = [s.id for s in estate.suppliers]
        self.towers = [s for s in self.suppliers if s != self.integ]
        tickets = _table(tables, "tickets")
        events = _table(tables, "ticket_events")
        self.problems = _table(tables, "problems")
        self.improvements = _table(tables, "improvements")
        self.surveys = _table(tables, "surveys")
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
            # below keep only events of tickets in ``tickets``, so excluded tickets drop out.
            if "ticket_id" in clocks:
                clocks = clocks[~clocks["ticket_id"].isin(excluded)]
        self.clocks = clocks
        named = tickets  # ticket ids as given: what a caller's timeline knows them by
        self.tickets, self.events = _coded_ids(tickets, events)
        self.hours_between = dispatch_clock(params)
        self.responses = _problems.incident_trends(self.tickets, self.problems, tz=self.tz)
        self.designed = _routes.estate_pairs(estate)
        if timeline is not None:
            self.aged_in, self.aged_events = named, timeline
        else:
            self.aged_in = self.tickets
            self.aged_events = (
                EventTimeline(self.tickets, self.events) if len(self.events) else None
            )
        self.parts = _split_by_resolution(self.tickets, self.events, periods, self.tz)
        self.periods = list(periods)

    @cached_property
    def throughput(self) -> pd.DataFrame:
        """:func:`siamlib.measures.improvement.register_throughput` of every month."""
        return _improvement.register_throughput(self.improvements, self.periods, tz=self.tz)

    @cached_property
    def aged(self) -> pd.DataFrame:
        """:func:`aged_ticket_reduction` of every month, each instant counted once (a
        month's end is the next month's start)."""
        return aged_ticket_trend(
            self.aged_in,
            self.periods,
            self.aged_days,
            events=self.aged_events,
            tz=self.tz,
            suppliers=self.suppliers,
        )


def dispatch_clock(params):
    """How ``dispatch_time`` measures hours: the integrator's ``business`` calendar when its
    contract has one (business hours between two instants), else ``None`` (wall-clock)."""
    integ = params.estate.integrator.id
    calendars = params.contracts[integ].calendars if integ in params.contracts else {}
    if "business" not in calendars:
        return None
    from siamlib.calendar import business_hours_between

    def hours_between(a: pd.Series, b: pd.Series) -> pd.Series:
        return business_hours_between(calendars["business"], a, b)

    return hours_between


class Period:
    """One month of an :class:`IntegratorRun`: its tickets and events cut once."""

    def __init__(self, run: IntegratorRun, period: str):
        self.run, self.period = run, period
        self.start, self.end = period_bounds(period, run.tz)
        self.in_scope = {"tickets": run.tickets, "tz": run.tz}
        # The tickets resolved in the month and their events, cut once (period None below
        # means "these are already the month's"), else each measure restricts.
        if run.parts:
            t_p, ev_rows = run.parts[period]
            self.t_p, self.ev_p, self.per_p = t_p, run.events.take(ev_rows), None
            self.ev_p = self.ev_p.reset_index(drop=True)
        else:
            self.t_p, self.ev_p, self.per_p = run.tickets, run.events, period

    # ---- summaries shared by several entries, each computed once a month ----
    @cached_property
    def aged(self) -> pd.DataFrame:
        trend = self.run.aged
        red = trend[trend["period"] == self.period].set_index("supplier_id")
        return red.assign(fell=red["aged_start"] - red["aged_end"])

    @cached_property
    def ping_pong(self) -> pd.DataFrame:
        pp = ping_pong_by_supplier(
            self.ev_p, self.per_p, suppliers=self.run.suppliers, **self.in_scope
        )
        return pp.set_index("supplier_id")

    # Scored handoffs and ping-pong: moves along the estate's designed routes left out
    # (siamlib.measures.routes); the raw figures are kept beside them for the report.
    @cached_property
    def route_handoffs(self) -> pd.DataFrame:
        return _routes.route_handoffs(self.ev_p, self.run.designed, self.per_p, **self.in_scope)

    @cached_property
    def route_ping_pong(self) -> pd.DataFrame:
        return _routes.route_ping_pong(self.ev_p, self.run.designed, self.per_p, **self.in_scope)

    @cached_property
    def ping_pong_rates(self) -> pd.DataFrame:
        return _ping_pong_rates(self)

    @cached_property
    def ratings(self) -> pd.DataFrame:
        cs = collaboration_score(self.run.surveys, self.period, suppliers=self.run.suppliers)
        return cs.set_index("supplier_id")

    @cached_property
    def stops(self) -> pd.DataFrame:
        r = self.run
        gs = paused_share(r.clocks, self.period, tz=r.tz, suppliers=r.suppliers)
        return gs.set_index("supplier_id")

    # ---- rows ----
    def one(self, value, numerator=np.nan, denominator=np.nan) -> pd.DataFrame:
        """The integrator's single estate-wide row (columns value, numerator, denominator)."""
        row = {"value": value, "numerator": numerator, "denominator": denominator}
        return pd.DataFrame([{"supplier_id": self.run.integ, "scope": "", **row}])

    def pick(self, frame: pd.DataFrame, rows: list[tuple[str, str, str]]) -> pd.DataFrame:
        """Rows of a by-supplier summary: ``(supplier_id, summary row, scope)`` each."""
        out = frame.loc[[key for _, key, _ in rows]].reset_index(drop=True)
        out["supplier_id"] = [s for s, _, _ in rows]
        out["scope"] = [sc for _, _, sc in rows]
        return out

    def integrator_and_towers(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The integrator from the estate-wide row, every tower from its own."""
        r = self.run
        return self.pick(frame, [(r.integ, ALL, ""), *((t, t, "") for t in r.towers)])

    def estate_and_suppliers(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The estate-wide row on the integrator (``suppliers=all``), every supplier its own."""
        r = self.run
        return self.pick(frame, [(r.integ, ALL, ESTATE_SCOPE), *((x, x, "") for x in r.suppliers)])


# ------------------------------------------------------------------------ computations ----
def _handoffs(column: str):
    def compute(c: Period) -> pd.DataFrame:
        h = c.route_handoffs
        moved, n = h[column].sum(), len(h)
        return c.one(_ratio(moved, n), moved, n)

    return compute


def _ping_pong_rate(c: Period) -> pd.DataFrame:
    # Two entries read these rows (the rate and its count): worked out once a month.
    return c.ping_pong_rates


def _ping_pong_rates(c: Period) -> pd.DataFrame:
    # The integrator's is the scored (route-adjusted) estate rate, the towers' their own share
    # of the tickets they touched; the estate's raw rate is ping_pong_rate_raw.
    rp = c.route_ping_pong
    bounced, n = rp["adjusted"].sum(), len(rp)
    integ = pd.DataFrame(
        [
            {
                "supplier_id": c.run.integ,
                "scope": "",
                "ping_pong_rate": _ratio(bounced, n),
                "ping_pong_tickets": bounced,
                "tickets": n,
            }
        ]
    )
    towers = c.pick(c.ping_pong, [(t, t, "") for t in c.run.towers])
    return pd.concat([integ, towers], ignore_index=True)


def _routing_accuracy(c: Period) -> pd.DataFrame:
    r = c.run
    ra = routing_accuracy(c.ev_p, c.t_p, r.integ, c.per_p, tz=r.tz)["routed_right"].dropna()
    return c.one(_ratio(ra.sum(), len(ra)), ra.sum(), len(ra))


def _dispatch_time(c: Period) -> pd.DataFrame:
    """The median dispatch hours; the denominator is the tickets it is the median of."""
    r = c.run
    dt_ = dispatch_time(c.ev_p, r.integ, c.per_p, hours_between=r.hours_between, **c.in_scope)
    stats = dispatch_stats(dt_)
    return c.one(stats["median_h"], denominator=stats["tickets"])


def _push_to_front(c: Period) -> pd.DataFrame:
    r = c.run
    v = push_to_front(c.ev_p, c.per_p, ignore_suppliers=[r.integ], **c.in_scope)
    return c.integrator_and_towers(
        push_to_front_by_supplier(v, suppliers=r.suppliers).set_index("supplier_id")
    )


def _problem_share(share, source: str):
    def compute(c: Period) -> pd.DataFrame:
        s = share(getattr(c.run, source), c.period, tz=c.run.tz)
        return c.one(s["value"], s["numerator"], s["denominator"])

    return compute


def _trend_to_problem(c: Period) -> pd.DataFrame:
    started = c.run.responses["start_week"]
    inside = (started >= c.start) & (started < c.end)
    lags = c.run.responses.loc[inside, "lag_days"].dropna()
    return c.one(lags.median() if len(lags) else np.nan)


def _improvement_delivery(c: Period) -> pd.DataFrame:
    """The improvements delivered; the denominator is the register entries counted (the same
    number: a count is computed from the records it counts)."""
    thr = c.run.throughput  # every month's counts at once: each month's are its own
    delivered = thr.loc[(thr["supplier_id"] == ALL) & (thr["period"] == c.period), "delivered"]
    delivered = delivered.sum()
    return c.one(delivered, denominator=delivered)


def _improvement_ageing(c: Period) -> pd.DataFrame:
    age = _improvement.improvement_ageing(c.run.improvements, c.end)["age_days"]
    return c.one(age.median() if len(age) else np.nan)


def _benefit_realisation(c: Period) -> pd.DataFrame:
    br = _improvement.benefit_realisation(c.run.improvements, c.period, tz=c.run.tz)
    return c.pick(br.set_index("supplier_id"), [(c.run.integ, ALL, "")])


_COUNT = {"numerator": None, "denominator": None}
# A median or a count scored as a level: no numerator, and the records it is computed from as
# its denominator (the scorecard's "counted", figures.csv's denominator).
_COUNTED = {"numerator": None}
_INTEG = {"family": "integrator", "roles": ("integrator",)}
_BOTH = {"family": "integrator", "roles": ("tower", "integrator")}
_RATE = {"value": "ping_pong_rate", "numerator": "ping_pong_tickets", "denominator": "tickets"}
ENTRIES: tuple[Entry, ...] = (
    Entry(
        "aged_ticket_reduction",
        compute=lambda c: c.pick(c.aged, [(c.run.integ, ALL, "")]),
        value="reduction",
        numerator="fell",
        denominator="aged_start",
        **_INTEG,
    ),
    Entry(
        "aged_tickets",
        compute=lambda c: c.integrator_and_towers(c.aged),
        value="aged_end",
        **_COUNT,
        **_BOTH,
    ),
    # Scored without the designed routes' moves; the raw figure is kept beside it.
    Entry("cross_supplier_handoffs", compute=_handoffs("adjusted"), **_INTEG),
    Entry("cross_supplier_handoffs_raw", compute=_handoffs("handoffs"), **_INTEG),
    Entry("ping_pong_rate", compute=_ping_pong_rate, **_RATE, **_BOTH),
    Entry(
        "ping_pong_count",
        compute=_ping_pong_rate,  # the bounced tickets of the rate's numerator
        value="ping_pong_tickets",
        **_COUNT,
        **_BOTH,
    ),
    Entry(
        "ping_pong_rate_raw",
        compute=lambda c: c.pick(c.ping_pong, [(c.run.integ, ALL, "")]),
        **_RATE,
        **_INTEG,
    ),
    Entry("routing_accuracy", compute=_routing_accuracy, **_INTEG),
    Entry("dispatch_time", compute=_dispatch_time, **_COUNTED, **_INTEG),  # median hours
    Entry(
        "push_to_front_violations",
        compute=_push_to_front,
        value="violations",
        **_COUNT,
        **_BOTH,
    ),
    Entry(
        "proactive_problem_share",
        compute=_problem_share(_problems.proactive_share, "problems"),
        **_INTEG,
    ),
    Entry("trend_to_problem_days", compute=_trend_to_problem, **_COUNT, **_INTEG),  # median
    Entry(
        "repeat_incident_rate",
        compute=_problem_share(_problems.repeat_incident_rate, "tickets"),
        **_INTEG,
    ),
    Entry(
        "problem_linked_share",
        compute=_problem_share(_problems.problem_linked_share, "tickets"),
        **_INTEG,
    ),
    Entry("improvement_delivery", compute=_improvement_delivery, **_COUNTED, **_INTEG),
    Entry("improvement_ageing", compute=_improvement_ageing, **_COUNT, **_INTEG),  # median
    Entry(
        "benefit_realisation",
        compute=_benefit_realisation,
        value="realisation",
        numerator="realised",
        denominator="estimated",
        **_INTEG,
    ),
    Entry(
        "collaboration_score",
        compute=lambda c: c.estate_and_suppliers(c.ratings),
        value="score",
        numerator="score_sum",
        denominator="responses",
        scope_keys=("suppliers",),
        **_BOTH,
    ),
    Entry(
        "paused_share",
        compute=lambda c: c.estate_and_suppliers(c.stops),
        value="paused_share",
        numerator="paused_h",
        denominator="clock_h",
        scope_keys=("suppliers",),
        **_BOTH,
    ),
    Entry(
        "pause_before_resolution_share",
        compute=lambda c: c.estate_and_suppliers(c.stops),
        value="pause_before_resolution_share",
        numerator="paused_before_resolution",
        denominator="tickets",
        scope_keys=("suppliers",),
        **_BOTH,
    ),
)


def values(
    clocks: pd.DataFrame | None,
    tables: Mapping[str, pd.DataFrame],
    params,
    periods: Sequence[str],
    *,
    apply_exclusions: bool = True,
    timeline: EventTimeline | None = None,
    entries: tuple[Entry, ...] = ENTRIES,
) -> pd.DataFrame:
    """Every entry's rows for every period (see ``integrator.measure_values``)."""
    run = IntegratorRun(
        clocks, tables, params, periods, apply_exclusions=apply_exclusions, timeline=timeline
    )
    parts = []
    for period in periods:
        month = Period(run, period)
        parts += [long_columns(e, e.compute(month).assign(period=period)) for e in entries]
    return stack(parts)
