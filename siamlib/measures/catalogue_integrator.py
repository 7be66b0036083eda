"""Catalogue entries of the integrator's measures (continual improvement, collaboration, aged
tickets, trends to problems; family ``integrator``) and of the measures shared with the towers
(family ``both``).

Assembled, in this order, with the other entry modules by :mod:`siamlib.measures.catalogue`,
which documents the fields.
"""

from __future__ import annotations

from siamlib.measures.measure import Measure as _M

ENTRIES = (
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
        "route [desk, integrator, towers] has 3 handoffs, 2 designed, so 1 counts. Events "
        "after a ticket's last resolution are held by its resolver (siamlib.resolution): "
        "a ticket passed back to the desk for closure is no handoff.",
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
        "bounce is A > B > A anywhere in it; events after the last resolution are held by "
        "the resolver (desk > tower, resolved, > desk to close is no bounce). Estate value "
        "on the integrator (scope ''); "
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
        "dispatch events, and read events after the last resolution as the resolver's (a "
        "first-line closure is no drop). Started high (first level > 1): counted against "
        "the supplier "
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
        definition="Median days from a detected incident trend to the first problem record on it.",
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
        edge_cases="Self-ratings (respondent = rated supplier) are left out. No responses: NaN.",
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
)
