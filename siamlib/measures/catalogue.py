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

from dataclasses import dataclass, replace
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
    # Scope keys its measure values are emitted with (``priority``, ``service``, ``age``,
    # ``suppliers``); a service level's scope may use only these.
    scope_keys: tuple[str, ...] = ()
    # Roles of the suppliers whose measure values include it: a service level on it may sit
    # only in a contract of such a supplier (empty: never a monthly value, no service level).
    level_roles: tuple[str, ...] = ()
    # Data-model tables the value is computed from (set in _SOURCES below): a level whose
    # measure needs a table the dataset does not have is grey with a note, never scored.
    sources: tuple[str, ...] = ("tickets", "ticket_events")

    def display(self, value: float) -> float:
        """Value in the shown unit."""
        return round(value * self.scale, 10)


_M = Measure

MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        _M(
            "sla_response_attainment",
            "Response within target",
            "tower",
            "%",
            "higher",
            "Tickets whose first response came within the priority's response target, over "
            "tickets that completed their response clock in the period.",
            "siamlib.measures.tower.sla_attainment",
            100,
            formula=("tickets responded to within the response target / tickets counted"),
            counted=(
                "Tickets whose response clock completed in the month: by first_response_at in the "
                "reporting time zone (resolved_at when a ticket was resolved without a separate "
                "first response), per supplier of record and priority. With a contract's "
                "completed_plus_breached_open denominator, also tickets not yet responded to at "
                "the "
                "month end whose response target had already passed."
            ),
            edge_cases=(
                "Cancelled tickets and tickets without a target for their priority are not "
                "counted. "
                "Nothing counted: NaN (no value, not 0 %). Targets, pauses and breach flags come "
                "from the per-ticket clocks (siamlib.clocks). Agreed exclusions are removed first."
            ),
        ),
        _M(
            "sla_resolution_attainment",
            "Resolution within target",
            "tower",
            "%",
            "higher",
            "Tickets resolved within the priority's resolution target (business time, pauses "
            "excluded), over the attainment denominator chosen by the contract.",
            "siamlib.measures.tower.sla_attainment",
            100,
            formula=("tickets resolved within the resolution target / tickets counted"),
            counted=(
                "'completed' (ServiceNow style, default): tickets resolved or closed with "
                "resolved_at in the month (reporting time zone), per supplier of record and "
                "priority. 'completed_plus_breached_open' (Jira style, chosen in the contract's "
                "clock.attainment_denominator): plus tickets still open at the month end whose "
                "resolution clock had already breached; such a ticket counts at every month end "
                "until resolved, then once more as a late completion."
            ),
            edge_cases=(
                "Cancelled tickets never count. A reopened ticket counts when resolved again "
                "(latest "
                "resolved_at), breached if any cycle breached. Whether an open ticket had breached "
                "by a past month end comes from the clocks' breach time when given, else from the "
                "breach flag at extract time, no earlier than opened_at + target hours. Tickets "
                "without a target are not counted. Nothing counted: NaN. Agreed exclusions are "
                "removed first."
            ),
        ),
        _M(
            "availability",
            "Service availability",
            "tower",
            "%",
            "higher",
            "(Agreed service time - unplanned downtime inside it) / agreed service time.",
            "siamlib.measures.tower.availability",
            100,
            formula=(
                "(agreed service minutes - unplanned downtime minutes inside them) / agreed "
                "service "
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
            ),
        ),
        _M(
            "first_time_fix",
            "First-time fix",
            "tower",
            "%",
            "higher",
            "Resolved tickets never reassigned to another group, over all resolved tickets.",
            "siamlib.measures.tower.first_time_fix",
            100,
            formula=(
                "resolved tickets whose assignment group never changed after the first group of "
                "their supplier of record / resolved tickets"
            ),
            counted=(
                "Tickets resolved or closed with resolved_at in the month (reporting time zone), "
                "per "
                "supplier of record; group changes read from ticket_events in event order, from "
                "the "
                "first event held by the supplier of record on (routing by the service desk and "
                "the "
                "integrator's dispatch before that is the integrator's, measured by routing "
                "accuracy); events without a group are ignored; A -> B -> A is a change."
            ),
            edge_cases=(
                "Cancelled tickets are excluded. A ticket without assignment events counts as not "
                "reassigned; without a ticket_events table the measure is NaN. The function can "
                "also count from the ticket's very first group (after='first_group'). Nothing "
                "resolved: NaN."
            ),
        ),
        _M(
            "reopen_rate",
            "Reopen rate",
            "tower",
            "%",
            "lower",
            "Resolved tickets that were reopened at least once, over resolved tickets.",
            "siamlib.measures.tower.reopen_rate",
            100,
            formula=("resolved tickets with reopen_count > 0 / resolved tickets"),
            counted=(
                "Tickets resolved or closed with resolved_at (their latest resolution) in the "
                "month, "
                "in the reporting time zone, per supplier of record."
            ),
            edge_cases=(
                "Cancelled tickets are excluded. A reopened ticket that is not yet resolved again "
                "is "
                "not counted until it is. Nothing resolved: NaN. Agreed exclusions are removed "
                "first."
            ),
        ),
        _M(
            "mttr_business_hours",
            "Mean time to resolve (business)",
            "tower",
            "hours",
            "lower",
            "Mean business-hours resolution time of tickets resolved in the period.",
            "siamlib.measures.tower.mttr",
            1,
            formula=(
                "sum of business-hours resolution times / tickets resolved (numerator: hours, "
                "denominator: tickets)"
            ),
            counted=(
                "R means resolve. Tickets resolved or closed with resolved_at in the month "
                "(reporting time zone), per supplier of record; resolution time in business hours "
                "on "
                "the SLA calendar of the ticket's priority, paused time excluded, all reopen "
                "cycles "
                "included (resolution_h of siamlib.clocks)."
            ),
            edge_cases=(
                "Cancelled tickets and tickets without a resolution time are excluded; open "
                "tickets "
                "are not counted (see backlog). Nothing resolved: NaN."
            ),
        ),
        _M(
            "change_success_rate",
            "Change success rate",
            "tower",
            "%",
            "higher",
            "Successful changes over completed (successful, failed, backed-out) changes.",
            "siamlib.measures.tower.change_success",
            100,
            formula=("successful changes / (successful + failed + backed-out changes)"),
            counted=(
                "Changes with actual_end in the month (reporting time zone), per implementing "
                "supplier (changes.supplier_id). The change failure rate is 1 minus this."
            ),
            edge_cases=(
                "Cancelled and pending changes, and changes without actual_end, are not counted. "
                "No "
                "completed change: NaN."
            ),
        ),
        _M(
            "satisfaction",
            "Customer satisfaction",
            "tower",
            "score 1-5",
            "higher",
            "Mean satisfaction score (1-5) of the period's survey and ticket-closure responses.",
            "siamlib.measures.tower.satisfaction",
            1,
            formula=(
                "sum of scores / number of responses (numerator: sum, denominator: responses)"
            ),
            counted=(
                "Survey responses of type satisfaction in their own period, plus closure-survey "
                "scores (tickets.satisfaction) of tickets resolved in the month, per supplier; "
                "every "
                "response weighs the same."
            ),
            edge_cases=(
                "360 collaboration ratings, unscored tickets and cancelled tickets are left out. "
                "No "
                "response: NaN."
            ),
        ),
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
            formula=("emergency changes / (successful + failed + backed-out changes)"),
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
            formula=("count of incidents whose change_id is set"),
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
        # ---- integrator family (siamlib.measures.integrator / problems / improvement) ----
        _M(
            id="aged_ticket_reduction",
            name="Aged ticket reduction",
            family="integrator",
            unit="%",
            direction="higher",
            definition="1 - (open tickets older than the ageing threshold at period end / at "
            "period start), across all suppliers.",
            function="siamlib.measures.integrator.aged_ticket_reduction",
            scale=100,
            formula="1 - aged open tickets at period end / aged open tickets at period start "
            "(numerator: start - end; denominator: start)",
            counted="Tickets of every supplier open at the local midnight starting the month "
            "and at the one ending it (reporting time zone) and opened more than "
            "estate.aged_after_days days before that instant. Open: opened before the instant "
            "and in an open status per the ticket's last event before it (without such an "
            "event: resolved_at, else closed_at, missing or not before the instant).",
            edge_cases="Nothing aged at the start: NaN. Negative when the aged backlog grew. "
            "From events, a reopened ticket is not open between its resolution and its "
            "reopening (from the tickets table alone it would be); a cancelled ticket stops "
            "being open when cancelled. Agreed exclusions are removed first.",
        ),
        _M(
            id="aged_tickets",
            name="Aged open tickets",
            family="integrator",
            unit="count",
            direction="lower",
            definition="Open tickets older than the ageing threshold at the end of the period: "
            "the whole estate for the integrator, the tickets each tower holds for a tower.",
            function="siamlib.measures.integrator.aged_tickets",
            formula="count of tickets open at period end and opened more than "
            "estate.aged_after_days days before it",
            counted="As aged_ticket_reduction at the period end; the holder is the supplier of "
            "the ticket's last event naming one before that instant (else the resolver of "
            "record).",
            edge_cases="A count: 0 when nothing is aged. Agreed exclusions are removed first.",
        ),
        _M(
            id="cross_supplier_handoffs",
            name="Cross-supplier handoffs per ticket (designed routes excluded)",
            family="integrator",
            unit="per ticket",
            direction="lower",
            definition="Mean number of times a ticket moved between suppliers, over tickets "
            "resolved in the period.",
            function="siamlib.measures.integrator.handoffs",
            formula="sum of cross-supplier handoffs / tickets resolved in the period",
            counted="Tickets with resolved_at in the month (reporting time zone) that have "
            "events. A handoff is a change of supplier_id between consecutive events in "
            "event_seq order, events without a supplier skipped (a, -, b is one handoff). "
            "Moves along the estate's designed_routes (estate.yaml, e.g. service desk -> "
            "dispatch -> tower) are left out (siamlib.measures.routes); the raw figure is "
            "cross_supplier_handoffs_raw. Worked example: desk > integrator > a > b with the "
            "route [desk, integrator, towers] has 3 handoffs, 2 designed, so 1 counts.",
            edge_cases="The first assignment is not a handoff; group changes within one "
            "supplier are reassignments, not handoffs. No resolved tickets with events: NaN. "
            "Agreed exclusions are removed first.",
        ),
        _M(
            id="ping_pong_rate",
            name="Ping-pong rate",
            family="integrator",
            unit="%",
            direction="lower",
            definition="Tickets resolved in the period that bounced straight back to a "
            "supplier they had left (A -> B -> A), over tickets resolved; for a tower, over "
            "the tickets it touched.",
            function="siamlib.measures.integrator.ping_pong_by_supplier",
            scale=100,
            formula="tickets with a bounce / tickets resolved (tower: tickets it touched with "
            "a bounce it took part in / tickets it touched)",
            counted="Tickets with resolved_at in the month that have events. Supplier sequence "
            "in event_seq order, missing suppliers skipped, consecutive repeats collapsed; a "
            "bounce is A > B > A anywhere in it. Estate value on the integrator (scope ''); "
            "each tower's own value on the tower.",
            edge_cases="A > B > C and A > A > B are not ping-pong; A > B > C > A is a revisit "
            "(flagged in the evidence, not counted). The process-mining variant, at least 3 "
            "uninterrupted alternations (A > B > A > B), is flagged 'alternating' in the "
            "evidence. A tower sending a ticket back to the integrator's dispatch is a "
            "bounce. No tickets: NaN. Agreed exclusions are removed first. The integrator's "
            "estate value leaves out a bounce whose two moves are both along designed routes "
            "(the raw figure is ping_pong_rate_raw).",
        ),
        _M(
            id="cross_supplier_handoffs_raw",
            name="Cross-supplier handoffs per ticket (raw, designed routes included)",
            family="integrator",
            unit="per ticket",
            direction="lower",
            definition="As cross_supplier_handoffs, but counting every move, including those "
            "along the routes the operating model designs.",
            function="siamlib.measures.routes.route_handoffs",
            formula="sum of handoffs / tickets resolved in the period (adjusted = raw - "
            "designed moves, so adjusted <= raw)",
            counted="As cross_supplier_handoffs.",
            edge_cases="Shown beside the scored (adjusted) figure; a level should use the "
            "adjusted one. Worked example: 10 tickets desk > integrator > tower (2 moves each, "
            "both designed) and 1 of them then tower > tower2: raw 21 / 10 = 2.1, adjusted "
            "1 / 10 = 0.1.",
        ),
        _M(
            id="ping_pong_rate_raw",
            name="Ping-pong rate (raw, designed routes included)",
            family="integrator",
            unit="%",
            direction="lower",
            definition="As the estate ping_pong_rate, counting bounces along designed routes too.",
            function="siamlib.measures.routes.route_ping_pong",
            scale=100,
            formula="tickets with any bounce / tickets resolved",
            counted="As ping_pong_rate (estate value, integrator).",
            edge_cases="A bounce A > B > A is designed only when both A -> B and B -> A are "
            "designed moves; a tower sending a ticket back to dispatch is not. Worked example: "
            "routes [integrator, towers] and [towers, integrator]: integrator > a > integrator "
            "is left out of the adjusted rate, a > b > a is not.",
        ),
        _M(
            id="ping_pong_count",
            name="Ping-pong tickets",
            family="integrator",
            unit="count",
            direction="lower",
            definition="Tickets resolved in the period with at least one A -> B -> A bounce "
            "(for a tower: bounces it took part in).",
            function="siamlib.measures.integrator.ping_pong_by_supplier",
            formula="count of the ping_pong_rate numerator",
            counted="As ping_pong_rate.",
            edge_cases="A count: 0 when nothing bounced. Evidence rows (ticket, sequence) come "
            "from ping_pong().",
        ),
        _M(
            id="routing_accuracy",
            name="First-time-right routing",
            family="integrator",
            unit="%",
            direction="higher",
            definition="Tickets whose first supplier after dispatch was the supplier that "
            "resolved them.",
            function="siamlib.measures.integrator.routing_accuracy",
            scale=100,
            formula="tickets whose first supplier after dispatch is the resolver of record / "
            "dispatched tickets routed onwards",
            counted="Tickets with resolved_at in the month having at least one event held by "
            "the integrator. First supplier after dispatch: the first supplier other than the "
            "integrator in the events after the first integrator event; resolver of record: "
            "tickets.supplier_id.",
            edge_cases="Tickets never routed on from dispatch (resolved by the integrator) are "
            "left out; only the first dispatch counts. No dispatched tickets: NaN.",
        ),
        _M(
            id="dispatch_time",
            name="Integrator dispatch time",
            family="integrator",
            unit="hours",
            direction="lower",
            definition="Median business hours tickets spent in the integrator's dispatch queue.",
            function="siamlib.measures.integrator.dispatch_time",
            formula="median over tickets of the hours held by the integrator",
            counted="Tickets with resolved_at in the month with any event whose supplier is "
            "the integrator. Held: from such an event in an open status to the ticket's next "
            "event, in business hours of the integrator contract's 'business' calendar "
            "(actual hours when it has none). The tickets the median is over are the "
            "measure value's denominator (the scorecard's counted).",
            edge_cases="Several spells in dispatch add up; intervals in a done status do not "
            "count; events with a missing supplier are held by nobody. No dispatched "
            "tickets: NaN. The 90th percentile and mean come from dispatch_stats().",
        ),
        _M(
            id="push_to_front_violations",
            name="Push-to-front violations",
            family="integrator",
            unit="count",
            direction="lower",
            definition="Times work started above first line or went back down a support level "
            "(L3 -> L2 or L1, L2 -> L1), on tickets resolved in the period.",
            function="siamlib.measures.integrator.push_to_front",
            formula="started-high tickets + support-level drops",
            counted="Tickets with resolved_at in the month; support_level of consecutive "
            "events in event_seq order, skipping events without a level and the integrator's "
            "dispatch events. Started high (first level > 1): counted against the supplier "
            "receiving it; a drop: against the supplier handing it down. Estate total on the "
            "integrator, each tower's own count on the tower.",
            edge_cases="A ticket can have several violations; escalating straight from L1 to "
            "L3 is not one. No levels recorded: 0.",
        ),
        _M(
            id="proactive_problem_share",
            name="Proactive problem share",
            family="integrator",
            unit="%",
            direction="higher",
            definition="Problems raised proactively over all problems raised in the period.",
            function="siamlib.measures.problems.proactive_share",
            scale=100,
            formula="problems with origin 'proactive' / problems opened in the period",
            counted="Problems of every supplier with opened_at in the month (reporting time zone).",
            edge_cases="No problems opened: NaN. The origin is as recorded, not inferred from "
            "the trends found by the workbook.",
        ),
        _M(
            id="trend_to_problem_days",
            name="Trend-to-problem lag",
            family="integrator",
            unit="days",
            direction="lower",
            definition="Median days from a detected incident trend to the first problem record "
            "on it.",
            function="siamlib.measures.problems.trend_response",
            formula="median over trends starting in the period of (opened_at of the answering "
            "problem - trend start week) in days, floored at 0",
            counted="Trends per service, category and CI: weekly incident counts (Monday "
            "weeks, reporting time zone) against the mean of the 8 previous weeks; a week "
            "exceeds when count > mean + 3 x sqrt(mean) (Poisson 3 sigma) and count >= 5; 2 "
            "consecutive exceeding weeks make a trend; a run restarting within 8 weeks of the "
            "last is the same trend. Answering problem: the first with the same service, "
            "category or CI opened on or after the trend start minus 14 days.",
            edge_cases="Trends without a problem yet are left out of the median (listed as 'no "
            "problem raised'); no answered trend starting in the period: NaN. A problem raised "
            "up to 14 days before the trend counts with lag 0. One rise can show at several "
            "levels (CI and service) and each counts. Nothing can flag in the first 8 weeks "
            "of data.",
        ),
        _M(
            id="repeat_incident_rate",
            name="Repeat incident rate",
            family="integrator",
            unit="%",
            direction="lower",
            definition="Incidents opened in the period on a configuration item that had "
            "another incident in the 30 days before, over incidents opened on a CI.",
            function="siamlib.measures.problems.repeat_incident_rate",
            scale=100,
            formula="repeat incidents / incidents opened in the period with a CI",
            counted="Incidents by opened_at in the month (reporting time zone); the earlier "
            "incident may be from before the month.",
            edge_cases="Incidents without a CI are left out; of two opened at the same instant "
            "the later ticket id is the repeat. No incidents: NaN.",
        ),
        _M(
            id="problem_linked_share",
            name="Incidents linked to a problem",
            family="integrator",
            unit="%",
            direction="higher",
            definition="Incidents opened in the period that are linked to a problem record, "
            "over incidents opened.",
            function="siamlib.measures.problems.problem_linked_share",
            scale=100,
            formula="incidents with a problem_id / incidents opened in the period",
            counted="Incidents by opened_at in the month (reporting time zone); links as at "
            "the extract.",
            edge_cases="A recent month's value can still rise as incidents get linked later. "
            "No incidents: NaN.",
        ),
        _M(
            id="improvement_delivery",
            name="Improvements delivered",
            family="integrator",
            unit="count",
            direction="higher",
            definition="Improvement initiatives delivered in the period.",
            function="siamlib.measures.improvement.register_throughput",
            formula="count of register entries with delivered_at in the period",
            counted="Every supplier's entries in the improvements register, by delivered_at in "
            "the reporting time zone, whatever their current status. The entries counted are "
            "also the measure value's denominator (the scorecard's counted).",
            edge_cases="A count: 0 when nothing was delivered. Entries marked delivered "
            "without a date are not counted.",
        ),
        _M(
            id="improvement_ageing",
            name="Improvement register ageing",
            family="integrator",
            unit="days",
            direction="lower",
            definition="Median age in days since raised of the improvement register entries "
            "open at the end of the period.",
            function="siamlib.measures.improvement.improvement_ageing",
            formula="median of whole days from raised_at to the period end over open entries",
            counted="Every supplier's entries raised before the period end, not rejected and "
            "not delivered before it.",
            edge_cases="Rejections carry no date, so a rejected entry counts as never open; an "
            "entry delivered without a date counts as closed. No open entries: NaN. Buckets "
            "0-30, 31-90, 91-180, 181+ days come with the evidence.",
        ),
        _M(
            id="benefit_realisation",
            name="Benefit realisation",
            family="integrator",
            unit="%",
            direction="higher",
            definition="Realised over estimated benefit of delivered initiatives (last 12 months).",
            function="siamlib.measures.improvement.benefit_realisation",
            scale=100,
            formula="sum of realised_benefit / sum of estimated_benefit",
            counted="Entries with delivered_at in the 12 reporting months ending with the "
            "period and a positive estimated_benefit.",
            edge_cases="A missing realised_benefit counts as 0; above 100 % when benefits beat "
            "the estimate. Nothing estimated: NaN.",
        ),
        _M(
            id="collaboration_score",
            name="Collaboration (360) score",
            family="both",
            unit="score 1-5",
            direction="higher",
            definition="Mean 360 collaboration rating given by the other parties in the period.",
            function="siamlib.measures.integrator.collaboration_score",
            formula="sum of collaboration scores / collaboration responses",
            counted="Survey responses with survey_type 'collaboration' for the reporting month "
            "(surveys.period) rating the supplier; the mean over every rating in the estate "
            "is reported on the integrator with scope 'suppliers=all'.",
            edge_cases="Self-ratings (respondent = rated supplier) are left out. No "
            "responses: NaN.",
        ),
        _M(
            id="paused_share",
            name="Clock-stopped share",
            family="both",
            unit="%",
            direction="lower",
            definition="Share of the resolution clock time of a supplier's resolved tickets "
            "spent paused (clock stopped): a clock-stop gaming signal.",
            function="siamlib.measures.integrator.paused_share",
            scale=100,
            formula="sum of paused_h / sum of (resolution_h + paused_h)",
            counted="Per-ticket clocks (siamlib.clocks) with resolved_at in the month "
            "(reporting time zone), per resolver of record; the estate value is reported on "
            "the integrator with scope 'suppliers=all'.",
            edge_cases="Rows without resolution_h are left out; a missing paused_h counts as "
            "0. No clock time: NaN. A high share is a reason to read the evidence, not proof "
            "of gaming. Agreed exclusions are removed first.",
        ),
        _M(
            id="pause_before_resolution_share",
            name="Paused just before resolution",
            family="both",
            unit="%",
            direction="lower",
            definition="Resolved tickets whose clock was paused immediately before resolution, "
            "over resolved tickets: a clock-stop gaming signal.",
            function="siamlib.measures.integrator.paused_share",
            scale=100,
            formula="tickets with pause_before_resolution / tickets resolved in the period",
            counted="As paused_share.",
            edge_cases="A missing flag counts as not paused. No tickets: NaN.",
        ),
        _M(
            id="watermelon_flag",
            name="Watermelon flag",
            family="both",
            unit="flag",
            direction="lower",
            definition="1 when a supplier is green on SLA attainment but red on experience "
            "(reopens, satisfaction or ping-pong) in the period, else 0.",
            function="siamlib.measures.integrator.watermelon",
            formula="SLA green (the lower of overall response and resolution attainment >= "
            "expected) and (reopen_rate > 10 % or satisfaction < 3.5 or ping_pong_rate > 5 %)",
            counted="The tower and integrator measure values of the supplier-period (scope '' "
            "for the experience signals); thresholds are arguments with these defaults.",
            edge_cases="No SLA values: NaN; missing experience signals are never red. Computed "
            "from the combined measure values by watermelon_values(), not by the integrator "
            "measure_values().",
        ),
        # ---- clock family: per-ticket clocks (siamlib.clocks), the base of SLA measures ----
        _M(
            id="business_response_time",
            name="Business response time",
            family="clock",
            unit="hours",
            direction="lower",
            definition="Business hours from a ticket being logged to its first response, on "
            "the calendar named by the ticket's response target.",
            function="siamlib.clocks.ticket_clocks",
            formula="B(response end) - B(opened_at), where B(t) is the business time of the "
            "calendar up to t; under clock.response_pause 'before_first_response' minus the "
            "business time spent in pause statuses before the response (column response_h)",
            counted="Every ticket opened by the as-of instant, on the contract of its resolver "
            "of record (tickets.supplier_id), with the targets in force on its opened date "
            "(local date in the reporting time zone).",
            edge_cases="No first_response_at: the clock ends when the ticket first enters "
            "resolved/closed/cancelled, else runs to as-of. A response before opening counts "
            "0. Weekly hours are local to the calendar's IANA zone (a 24x7 calendar has 23 h "
            "and 25 h on DST days); public holidays of the calendar's region and its extra "
            "holidays count nothing. No response target: measured on the contract's "
            "'business' calendar, no verdict.",
        ),
        _M(
            id="business_resolution_time",
            name="Business resolution time",
            family="clock",
            unit="hours",
            direction="lower",
            definition="Business hours a ticket was open with its clock running (not in one of "
            "the contract's pause statuses), summed over all its open cycles.",
            function="siamlib.clocks.ticket_clocks",
            formula="sum over running intervals [event_at, next event_at) of B(end) - B(start) "
            "on the resolution target's calendar (column resolution_h); wall-clock "
            "opened_at -> last resolution is resolution_actual_h",
            counted="Every ticket opened by the as-of instant; events after as-of are ignored "
            "and open tickets are measured up to as-of. Contract and targets as for the "
            "response time.",
            edge_cases="Reopened tickets add up every cycle (reopen 'resume' and 'restart' "
            "alike; 'restart' only changes the verdict, see breach). A ticket without events "
            "runs from opened_at to resolved_at (or as-of) as status 'new'; time before the "
            "first event counts as 'new'; intervals are clipped to start at opened_at; "
            "out-of-order events count 0. Cancelled tickets are measured but never judged.",
        ),
        _M(
            id="paused_time",
            name="Paused (clock-stopped) time",
            family="clock",
            unit="hours",
            direction="lower",
            definition="Business hours a ticket spent in one of its contract's pause statuses "
            "(e.g. awaiting_user), excluded from its resolution time.",
            function="siamlib.clocks.ticket_clocks",
            formula="sum over paused intervals of B(end) - B(start) on the resolution "
            "target's calendar (column paused_h)",
            counted="As business resolution time; pause statuses are the contract's "
            "clock.pause_statuses.",
            edge_cases="resolved, closed and cancelled stop the clock, they do not pause it. "
            "pause_before_resolution flags a ticket whose last open status before its final "
            "resolution was a pause status (a clock-stop gaming signal).",
        ),
        _M(
            id="time_held_by_supplier",
            name="Time held by supplier",
            family="clock",
            unit="hours",
            direction="lower",
            definition="A ticket's business resolution time split by the supplier holding it, "
            "so each supplier answers for its own share across handoffs.",
            function="siamlib.clocks.time_by_supplier",
            formula="held_h = sum over running intervals held by the supplier of "
            "B(end) - B(start); per ticket the held_h of all suppliers add up to its "
            "business resolution time",
            counted="Every ticket opened by the as-of instant, one row per supplier that held "
            "it while open; the holder of an interval is the supplier (ticket_events."
            "supplier_id) of the latest event naming one; all measured on the resolver of "
            "record's resolution calendar.",
            edge_cases="Events before the first one naming a supplier belong to the first "
            "supplier named; a ticket naming none belongs to its resolver of record. "
            "held_actual_h is wall-clock time held in open statuses (pauses included), "
            "paused_h the business time paused while held.",
        ),
        _M(
            id="breach",
            name="SLA breach",
            family="clock",
            unit="flag",
            direction="lower",
            definition="Whether a ticket's response or resolution clock went over the target "
            "for its priority (columns response_breached, resolution_breached).",
            function="siamlib.clocks.ticket_clocks",
            formula="clock hours > target hours (exactly on target is met); "
            "<clock>_breached_at = the instant the clock reached the target",
            counted="Tickets with a target for their priority and clock; open tickets are "
            "judged on their clock at as-of (already over target).",
            edge_cases="Cancelled tickets and tickets without a target: missing, never true or "
            "false. Reopen 'resume': one clock over all cycles. Reopen 'restart': the "
            "resolution verdict is on the latest cycle alone (the contract's any-cycle "
            "verdict is ever_breached).",
        ),
        _M(
            id="ever_breached",
            name="Ever breached",
            family="clock",
            unit="flag",
            direction="lower",
            definition="Whether the resolution clock went over target in any cycle of the "
            "ticket: the contract's verdict when reopened tickets restart their clock.",
            function="siamlib.clocks.ticket_clocks",
            formula="any over cycles of (cycle running hours > resolution target); a cycle "
            "runs from opening or a reopen (an open status right after resolved/closed/"
            "cancelled) to the next stop",
            counted="As breach.",
            edge_cases="With reopen 'resume' the clock only grows, so it equals "
            "resolution_breached. Cancelled tickets and tickets without a target: missing.",
        ),
        _M(
            id="at_risk_band",
            name="At-risk band",
            family="clock",
            unit="band",
            direction="lower",
            definition="For a ticket still open, the share of its allowed resolution time "
            "already used, as a band (e.g. <50%, 50-75%, 75-85%, 85-95%, >95%, breached).",
            function="siamlib.clocks.ticket_clocks",
            formula="elapsed_share = resolution clock hours / resolution target hours; band by "
            "the contract's clock.at_risk_bands (lower edges inclusive); over 100%: breached",
            counted="Open tickets (an open status at as-of) with a resolution target.",
            edge_cases="Resolved, closed and cancelled tickets and tickets without a target "
            "have no band (missing). Exactly 100% is in the top band, not breached. Reopen "
            "'restart': the share of the current cycle.",
        ),
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
            "line; earn-back repays a credit after N following green periods; with "
            "one_credit_per_incident, a level missed only by incidents that failed another "
            "missed level is waived and one of the two credits stands (docs/credits.md).",
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
        _M(
            id="attainment_interval",
            name="95% interval of a rate (Wilson)",
            family="scorecard",
            unit="%",
            direction="higher",
            definition="The 95% Wilson score interval of each scorecard level on a record "
            "proportion, shown beside the rate (ci_low, ci_high).",
            function="siamlib.samples.wilson_interval",
            scale=100,
            formula="centre = (p + z^2/2n) / (1 + z^2/n); half = z / (1 + z^2/n) x "
            "sqrt(p(1-p)/n + z^2/4n^2); z = 1.96; interval = centre +- half",
            counted="The level's scored numerator and denominator (the month's, or the "
            "rolling window's for a small sample).",
            edge_cases="n = 0: no interval. Availability, paused share, benefit realisation "
            "and aged-ticket reduction are not record proportions: no interval. Worked "
            "example: 9 of 10 tickets met: 59.6-98.2 %; 1 of 1: 20.7-100 %.",
        ),
        _M(
            id="small_sample",
            name="Small-sample rule",
            family="scorecard",
            unit="flag",
            direction="lower",
            definition="A level whose month counted fewer records than its contract "
            "min_volume is flagged and scored as the contract's small_samples policy says: "
            "on a rolling window of months, or not at all (grey, no credit).",
            function="siamlib.samples.apply_small_samples",
            formula="rolling: value = sum(numerator) / sum(denominator) over the N months up "
            "to the period; grey when that sum of denominators is still below min_volume",
            counted="The scorecard's denominator (records counted in the month).",
            edge_cases="Nothing counted is grey anyway (not a small sample). Worked example: "
            "P1-RES min_volume 10, rolling 3 months: October 1 of 2 met (50 %, would be a "
            "credit); August-October 14 of 15: scored 93.3 %, amber, no credit.",
        ),
        _M(
            id="scope_drift",
            name="Scope as lived (drift from the equaliser)",
            family="scorecard",
            unit="percentage points",
            direction="lower",
            definition="Per operations capability and party, the actual share of the work "
            "items against the contracted share in the graphic equaliser; a drift when they "
            "differ by more than raci.yaml drift_tolerance_pct.",
            function="siamlib.scope_lived.lived_split",
            formula="actual share = party's work items / capability's work items x 100; gap "
            "= actual - contracted; drift = |gap| > tolerance",
            counted="The period's scope-conformance work items; held business hours of the "
            "tickets resolved in the period, by ticket type's capability.",
            edge_cases="A capability without work has no actual share and no drift; exactly "
            "at the tolerance is not a drift. Worked example: integrator contracted 15 %, "
            "handled 4 of 10 incident items: 40 %, gap +25 > 15: drift.",
        ),
    )
}


# Which scopes each measure is emitted with, and for which suppliers: as its entry in the
# measure registry (siamlib.measures.registry; tests/unit/test_registry.py keeps the two equal).
# A service level outside these never finds a value.
_SCOPE_KEYS = {
    "sla_response_attainment": ("priority",),
    "sla_resolution_attainment": ("priority",),
    "availability": ("service",),
    "backlog": ("age",),
    "collaboration_score": ("suppliers",),
    "paused_share": ("suppliers",),
    "pause_before_resolution_share": ("suppliers",),
}
_ROLES_BY_FAMILY = {
    "tower": ("tower",),
    "integrator": ("integrator",),
    "both": ("tower", "integrator"),
    "clock": (),
    "scorecard": (),
}
_ROLES = {
    # integrator-family measures also emitted per tower (scope "")
    "aged_tickets": ("tower", "integrator"),
    "ping_pong_rate": ("tower", "integrator"),
    "ping_pong_count": ("tower", "integrator"),
    "push_to_front_violations": ("tower", "integrator"),
    "watermelon_flag": ("tower",),
}
MEASURES = {
    k: replace(
        m,
        scope_keys=_SCOPE_KEYS.get(k, ()),
        level_roles=_ROLES.get(k, _ROLES_BY_FAMILY[m.family]),
    )
    for k, m in MEASURES.items()
}
# Where a measure's value comes from other than the ticket log (tickets + ticket_events, the
# default). Measures derived from other figures (RAG, score, credits) need no table of their own.
_SOURCES: dict[str, tuple[str, ...]] = {
    "availability": ("outages",),
    "change_success_rate": ("changes",),
    "emergency_change_ratio": ("changes",),
    "change_caused_incidents": ("tickets", "changes"),
    "satisfaction": ("surveys", "tickets"),
    "proactive_problem_share": ("problems",),
    "trend_to_problem_days": ("tickets", "problems"),
    "repeat_incident_rate": ("tickets",),
    "problem_linked_share": ("tickets",),
    "improvement_delivery": ("improvements",),
    "improvement_ageing": ("improvements",),
    "benefit_realisation": ("improvements",),
    "collaboration_score": ("surveys",),
    "scope_conformance": ("tickets", "changes", "problems"),
    "attainment_interval": (),
    "small_sample": (),
    "scope_drift": ("tickets", "changes", "problems"),
    "rag_status": (),
    "weighted_score": (),
    "service_credit": (),
}
MEASURES = {k: replace(m, sources=_SOURCES.get(k, m.sources)) for k, m in MEASURES.items()}

# Measures whose value is a proportion of records (numerator and denominator are counts of
# tickets, changes, problems): the Wilson interval applies. Availability (minutes), paused
# share (hours), benefit realisation (money) and aged-ticket reduction (can be negative) are
# ratios of other quantities and get no interval.
PROPORTIONS = frozenset(
    {
        "sla_response_attainment",
        "sla_resolution_attainment",
        "first_time_fix",
        "reopen_rate",
        "change_success_rate",
        "emergency_change_ratio",
        "ping_pong_rate",
        "routing_accuracy",
        "proactive_problem_share",
        "repeat_incident_rate",
        "problem_linked_share",
        "pause_before_resolution_share",
    }
)

# Measures whose denominator counts records (a minimum volume can apply) and whose value is
# numerator / denominator (so a rolling window sums them): the proportions, plus the mean
# survey scores (score sum / responses) and handoffs per ticket (handoffs / tickets).
COUNTED = PROPORTIONS | {"satisfaction", "collaboration_score", "cross_supplier_handoffs"}
