"""Catalogue entries of the tower measures: service levels by priority, availability, first-time
fix, reopens, changes, satisfaction, backlog (family ``tower``).

Assembled, in this order, with the other entry modules by :mod:`siamlib.measures.catalogue`,
which documents the fields.
"""

from __future__ import annotations

from siamlib.measures.measure import Measure as _M

ENTRIES = (
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
            "(latest resolved_at), breached if any cycle breached. resolved_at is the clocks' "
            "(siamlib.clocks), as at the reporting month's end: run on an extract reaching "
            "past that month, a ticket reopened after it still counts in the month of its "
            "earlier resolution (real ServiceNow log, 2016-06: INC0010074, resolved 8 June, "
            "reopened 11 July), whereas reopen rate and first-time fix count it by its latest "
            "resolution in the extract (July); they agree when the extract ends with the "
            "month. Whether an open ticket had breached "
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
            "past the window does); a planned outage outside the contract's maintenance "
            "window is blocked by the gate (OUT-030), not measured. A service without outages "
            "is 100 %. Off a 24x7 calendar, "
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
            "is not counted until it is. resolved_at and reopen_count are the tickets "
            "table's, as at the extract: a past month run on a later extract leaves out a "
            "ticket reopened after the month (resolution attainment, measured as at the "
            "month's end, still counts it there). Nothing resolved: NaN. Agreed exclusions "
            "are removed first."
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
        formula=("sum of scores / number of responses (numerator: sum, denominator: responses)"),
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
            "count of tickets open at the month end; scope age=<bucket> splits it by days "
            "since opened, a bucket holding ages above the edge below it up to its own (5.5 "
            "days is in 6-10, 30.5 in >30: the aged tickets' 'more than 30 days')"
        ),
        counted=(
            "Tickets open at the local midnight ending the month (reporting time zone), per "
            "supplier holding them then: as aged_tickets, the status and supplier of each "
            "ticket's last event before that instant (open: opened before it and not "
            "resolved, closed or cancelled; without such an event: resolved_at, else "
            "closed_at, missing or not before it), so a tower's backlog is the tickets of its "
            "aged-ticket evidence, not those another supplier resolved later."
        ),
        edge_cases=(
            "A reopened ticket is not open between its resolution and its reopening; a "
            "cancelled ticket stops being open when cancelled. Without a ticket_events table: "
            "open from the tickets table (resolved_at later or empty; cancelled tickets until "
            "closed_at), per supplier of record, by whole days. Empty backlog: 0, not NaN."
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
)
