"""The measure catalogue: one entry per measure the reports show.

Each entry says what the measure is, its unit and direction, and where its code lives; the
contract params refer to measures by id, and the report appendix and ``docs/measures.md`` are
checked against this table. Rates are computed as fractions in [0, 1] and shown in per cent
(``scale=100``); service levels in ``params/`` are written in the shown unit.

>>> MEASURES["sla_resolution_attainment"].direction
'higher'
>>> MEASURES["sla_resolution_attainment"].display(0.955)
95.5
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    family: Literal["clock", "tower", "integrator", "both", "scorecard"]
    unit: str  # shown unit: "%", "hours", "days", "count", "score 1-5", "per ticket"
    direction: Literal["higher", "lower"]
    definition: str
    function: str  # dotted path of the function computing it
    scale: float = 1.0  # value shown = computed value x scale
    formula: str = ""  # e.g. "resolved within target / resolved in period"
    counted: str = ""  # which records count, by which date
    edge_cases: str = ""  # empty denominators, open tickets, reopens, exclusions...

    def display(self, value: float) -> float:
        """Value in the shown unit."""
        return round(value * self.scale, 10)


_M = Measure

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        _M("sla_response_attainment", "Response within target", "tower", "%", "higher",
           "Tickets whose first response came within the priority's response target, over "
           "tickets that completed their response clock in the period.",
           "siamlib.measures.tower.sla_attainment", 100,
           formula=(
             "tickets responded to within the response target / tickets counted"
           ),
           counted=(
             "Tickets whose response clock completed in the month: by first_response_at in the "
             "reporting time zone (resolved_at when a ticket was resolved without a separate "
             "first response), per supplier of record and priority. With a contract's "
             "completed_plus_breached_open denominator, also tickets not yet responded to at the "
             "month end whose response target had already passed."
           ),
           edge_cases=(
             "Cancelled tickets and tickets without a target for their priority are not counted. "
             "Nothing counted: NaN (no value, not 0 %). Targets, pauses and breach flags come "
             "from the per-ticket clocks (siamlib.clocks). Agreed exclusions are removed first."
           )),
        _M("sla_resolution_attainment", "Resolution within target", "tower", "%", "higher",
           "Tickets resolved within the priority's resolution target (business time, pauses "
           "excluded), over the attainment denominator chosen by the contract.",
           "siamlib.measures.tower.sla_attainment", 100,
           formula=(
             "tickets resolved within the resolution target / tickets counted"
           ),
           counted=(
             "'completed' (ServiceNow style, default): tickets resolved or closed with "
             "resolved_at in the month (reporting time zone), per supplier of record and "
             "priority. 'completed_plus_breached_open' (Jira style, chosen in the contract's "
             "clock.attainment_denominator): plus tickets still open at the month end whose "
             "resolution clock had already breached; such a ticket counts at every month end "
             "until resolved, then once more as a late completion."
           ),
           edge_cases=(
             "Cancelled tickets never count. A reopened ticket counts when resolved again (latest "
             "resolved_at), breached if any cycle breached. Whether an open ticket had breached "
             "by a past month end comes from the clocks' breach time when given, else from the "
             "breach flag at extract time, no earlier than opened_at + target hours. Tickets "
             "without a target are not counted. Nothing counted: NaN. Agreed exclusions are "
             "removed first."
           )),
        _M("availability", "Service availability", "tower", "%", "higher",
           "(Agreed service time - unplanned downtime inside it) / agreed service time.",
           "siamlib.measures.tower.availability", 100,
           formula=(
             "(agreed service minutes - unplanned downtime minutes inside them) / agreed service "
             "minutes"
           ),
           counted=(
             "Outages (outages table) against the supplier accountable for them, per service "
             "(scope service=<name>); scope '' pools the supplier's services: summed available "
             "over summed agreed minutes. Agreed time is the month on the contract's 'always' "
             "calendar: 24x7, so months of 743, 744 or 745 hours as daylight saving changes in "
             "the reporting time zone."
           ),
           edge_cases=(
             "Overlapping outages of one service are merged, so no minute counts twice; outages "
             "are clipped to the month; an outage without end_at runs to the month end. Planned "
             "outages do not count, nor unplanned downtime inside a planned window (an overrun "
             "past the window does). A service without outages is 100 %. Off a 24x7 calendar, "
             "agreed time and downtime are both counted in business time."
           )),
        _M("first_time_fix", "First-time fix", "tower", "%", "higher",
           "Resolved tickets never reassigned to another group, over all resolved tickets.",
           "siamlib.measures.tower.first_time_fix", 100,
           formula=(
             "resolved tickets whose assignment group never changed after the first / resolved "
             "tickets"
           ),
           counted=(
             "Tickets resolved or closed with resolved_at in the month (reporting time zone), per "
             "supplier of record; group changes read from ticket_events in event order (events "
             "without a group are ignored; A -> B -> A is a change)."
           ),
           edge_cases=(
             "Cancelled tickets are excluded. A ticket without assignment events counts as not "
             "reassigned; without a ticket_events table the measure is NaN. Option (not the "
             "default): count only moves after the ticket first reached its supplier of record. "
             "Nothing resolved: NaN."
           )),
        _M("reopen_rate", "Reopen rate", "tower", "%", "lower",
           "Resolved tickets that were reopened at least once, over resolved tickets.",
           "siamlib.measures.tower.reopen_rate", 100,
           formula=(
             "resolved tickets with reopen_count > 0 / resolved tickets"
           ),
           counted=(
             "Tickets resolved or closed with resolved_at (their latest resolution) in the month, "
             "in the reporting time zone, per supplier of record."
           ),
           edge_cases=(
             "Cancelled tickets are excluded. A reopened ticket that is not yet resolved again is "
             "not counted until it is. Nothing resolved: NaN. Agreed exclusions are removed "
             "first."
           )),
        _M("mttr_business_hours", "Mean time to resolve (business)", "tower", "hours", "lower",
           "Mean business-hours resolution time of tickets resolved in the period.",
           "siamlib.measures.tower.mttr", 1,
           formula=(
             "sum of business-hours resolution times / tickets resolved (numerator: hours, "
             "denominator: tickets)"
           ),
           counted=(
             "R means resolve. Tickets resolved or closed with resolved_at in the month "
             "(reporting time zone), per supplier of record; resolution time in business hours on "
             "the SLA calendar of the ticket's priority, paused time excluded, all reopen cycles "
             "included (resolution_h of siamlib.clocks)."
           ),
           edge_cases=(
             "Cancelled tickets and tickets without a resolution time are excluded; open tickets "
             "are not counted (see backlog). Nothing resolved: NaN."
           )),
        _M("change_success_rate", "Change success rate", "tower", "%", "higher",
           "Successful changes over completed (successful, failed, backed-out) changes.",
           "siamlib.measures.tower.change_success", 100,
           formula=(
             "successful changes / (successful + failed + backed-out changes)"
           ),
           counted=(
             "Changes with actual_end in the month (reporting time zone), per implementing "
             "supplier (changes.supplier_id). The change failure rate is 1 minus this."
           ),
           edge_cases=(
             "Cancelled and pending changes, and changes without actual_end, are not counted. No "
             "completed change: NaN."
           )),
        _M("satisfaction", "Customer satisfaction", "tower", "score 1-5", "higher",
           "Mean satisfaction score (1-5) of the period's survey and ticket-closure responses.",
           "siamlib.measures.tower.satisfaction", 1,
           formula=(
             "sum of scores / number of responses (numerator: sum, denominator: responses)"
           ),
           counted=(
             "Survey responses of type satisfaction in their own period, plus closure-survey "
             "scores (tickets.satisfaction) of tickets resolved in the month, per supplier; every "
             "response weighs the same."
           ),
           edge_cases=(
             "360 collaboration ratings, unscored tickets and cancelled tickets are left out. No "
             "response: NaN."
           )),
        _M(
            "backlog",
            "Open tickets (backlog)",
            "tower",
            "count",
            "lower",
            "Tickets open at the month end, by age since opened (0-5, 6-10, 11-30, >30 days).",
            "siamlib.measures.tower.backlog",
            1,
            formula=(
                "count of tickets open at the month end; scope age=<bucket> splits it by whole "
                "days since opened"
            ),
            counted=(
                "Tickets opened before the month end and not resolved by then (resolved_at later "
                "or empty), per supplier of record, at the month end in the reporting time zone."
            ),
            edge_cases=(
                "Cancelled tickets count until their closed_at, then drop out. A reopened ticket "
                "(resolved_at empty again) counts as open since it was opened. Empty backlog: 0, "
                "not NaN."
            ),
        ),
        _M(
            "mttr_actual_hours",
            "Mean time to resolve (actual)",
            "tower",
            "hours",
            "lower",
            "Mean wall-clock hours from opening to resolution of tickets resolved in the period.",
            "siamlib.measures.tower.mttr",
            1,
            formula=(
                "sum of wall-clock resolution hours / tickets resolved (numerator: hours, "
                "denominator: tickets)"
            ),
            counted=(
                "R means resolve. Tickets resolved or closed with resolved_at in the month "
                "(reporting time zone), per supplier of record; elapsed time from opened_at to "
                "the latest resolved_at, pauses and out-of-hours time included "
                "(resolution_actual_h of siamlib.clocks)."
            ),
            edge_cases=(
                "Cancelled tickets and tickets without a resolution time are excluded; open "
                "tickets are not counted. Nothing resolved: NaN."
            ),
        ),
        _M(
            "emergency_change_ratio",
            "Emergency change ratio",
            "tower",
            "%",
            "lower",
            "Emergency changes over completed (successful, failed, backed-out) changes.",
            "siamlib.measures.tower.emergency_change_ratio",
            100,
            formula=(
                "emergency changes / (successful + failed + backed-out changes)"
            ),
            counted=(
                "Changes with actual_end in the month (reporting time zone), per implementing "
                "supplier; the same changes as the change success rate."
            ),
            edge_cases=(
                "Cancelled and pending changes are not counted, emergency or not. No completed "
                "change: NaN."
            ),
        ),
        _M(
            "change_caused_incidents",
            "Incidents caused by changes",
            "tower",
            "count",
            "lower",
            "Incidents attributed to a change, by the month they were opened.",
            "siamlib.measures.tower.change_caused_incidents",
            1,
            formula=(
                "count of incidents whose change_id is set"
            ),
            counted=(
                "Incidents (not service requests) opened in the month (reporting time zone) with "
                "a change_id, against the supplier that implemented the change "
                "(changes.supplier_id), or the incident's supplier of record when the change is "
                "not in the changes table."
            ),
            edge_cases=(
                "Cancelled tickets are not counted. None: 0, not NaN. Agreed exclusions are "
                "removed first."
            ),
        ),
        _M("aged_ticket_reduction", "Aged ticket reduction", "integrator", "%", "higher",
           "1 - (open tickets older than the ageing threshold at period end / at period "
           "start), across all suppliers.",
           "siamlib.measures.integrator.aged_ticket_reduction", 100),
        _M("cross_supplier_handoffs", "Cross-supplier handoffs per ticket", "integrator",
           "per ticket", "lower",
           "Mean number of times a ticket moved between suppliers, over tickets resolved in "
           "the period.",
           "siamlib.measures.integrator.handoffs", 1),
        _M("ping_pong_rate", "Ping-pong rate", "integrator", "%", "lower",
           "Tickets resolved in the period that returned to a supplier they had left "
           "(A -> B -> A), over tickets resolved.",
           "siamlib.measures.integrator.ping_pong", 100),
        _M("routing_accuracy", "First-time-right routing", "integrator", "%", "higher",
           "Tickets whose first supplier after dispatch was the supplier that resolved them.",
           "siamlib.measures.integrator.routing_accuracy", 100),
        _M("dispatch_time", "Integrator dispatch time", "integrator", "hours", "lower",
           "Median business hours tickets spent in the integrator's dispatch queue.",
           "siamlib.measures.integrator.dispatch_time", 1),
        _M("proactive_problem_share", "Proactive problem share", "integrator", "%", "higher",
           "Problems raised proactively over all problems raised in the period.",
           "siamlib.measures.problems.proactive_share", 100),
        _M("trend_to_problem_days", "Trend-to-problem lag", "integrator", "days", "lower",
           "Median days from a detected incident trend to the first problem record on it.",
           "siamlib.measures.problems.trend_response", 1),
        _M("improvement_delivery", "Improvements delivered", "integrator", "count", "higher",
           "Improvement initiatives delivered in the period.",
           "siamlib.measures.improvement.register_throughput", 1),
        _M("benefit_realisation", "Benefit realisation", "integrator", "%", "higher",
           "Realised over estimated benefit of delivered initiatives (last 12 months).",
           "siamlib.measures.improvement.benefit_realisation", 100),
        _M("collaboration_score", "Collaboration (360) score", "both", "score 1-5", "higher",
           "Mean 360 collaboration rating given by the other parties in the period.",
           "siamlib.measures.integrator.collaboration_score", 1),
        # ---- scorecard family: derived from the measure values and the contract ----
        _M(
            id="rag_status",
            name="RAG status",
            family="scorecard",
            unit="RAG",
            direction="higher",
            definition="Each service level's actual against its expected and minimum levels: "
            "green at or better than expected, amber between minimum and expected, red worse "
            "than minimum, grey with no data.",
            function="siamlib.scorecard.rag_status",
            formula="higher-is-better: green if actual >= expected, amber if actual >= "
            "minimum, else red; lower-is-better: the same with <=",
            counted="Service levels in force on the first day of the period; actual in the "
            "shown unit (computed value x scale).",
            edge_cases="Exactly at expected is green, exactly at minimum amber; a NaN actual "
            "(empty denominator, no value) is grey and never attracts a credit.",
        ),
        _M(
            id="weighted_score",
            name="Weighted score",
            family="scorecard",
            unit="points 0-100",
            direction="higher",
            definition="Sum over service levels of the points earned: full weight at or "
            "better than expected, nothing at or worse than minimum, linear in between.",
            function="siamlib.scorecard.weighted_score",
            formula="points = (worst - actual) / (worst - best) x weight, actual clamped to "
            "[best, worst], best = expected, worst = minimum; score = sum(points) / "
            "sum(weights of levels with data) x 100",
            counted="Service levels in force on the first day of the period (weights sum to 100).",
            edge_cases="Grey levels are left out and the other weights renormalised to 100; "
            "no level with data gives NaN; expected = minimum earns all or nothing.",
        ),
        _M(
            id="service_credit",
            name="Service credits",
            family="scorecard",
            unit="currency",
            direction="lower",
            definition="Money credited to the customer for missed service levels under the "
            "contract's regime (pool, bands or percentage), net of cap, rewards and "
            "earn-back.",
            function="siamlib.credits.service_credits",
            formula="pool: at-risk (charge x at-risk %) x allocation %; bands: amount of the "
            "band holding the actual; percentage: (expected - actual) points of the charge; "
            "credits capped at the at-risk amount",
            counted="Levels missed per the trigger (below minimum, or below expected) in "
            "the period, after agreed exclusions were removed from the tickets.",
            edge_cases="Grey levels attract nothing; the cap is its own negative ledger "
            "line; earn-back repays a credit after N following green periods; one incident "
            "breaching several levels keeps only its largest per-ticket credit.",
        ),
        _M(
            id="scope_conformance",
            name="Scope conformance (RACI)",
            family="scorecard",
            unit="%",
            direction="higher",
            definition="Share of the work a party handled that lies within its Responsible "
            "scope in the RACI for that kind of work.",
            function="siamlib.raci.scope_conformance",
            scale=100,
            formula="work items whose party has R for the capability / work items handled",
            counted="Work items = (ticket, resolver of record or supplier that held it), "
            "(change, supplier), (problem, supplier); period of the ticket's opened_at, the "
            "change's planned_start, the problem's opened_at; capability via work_mapping.",
            edge_cases="Kinds missing from work_mapping are left out; a party absent from "
            "the RACI counts as out of scope; the integrator holding tickets for dispatch "
            "is out of scope unless A is accepted (in_scope_letters='RA').",
        ),
    )
}
