"""Catalogue entries of the per-ticket clocks (family ``clock``) and of the figures derived from
other figures: intervals, small samples, RAG, scores, credits, scope (family ``scorecard``).

Assembled, in this order, with the other entry modules by :mod:`siamlib.measures.catalogue`,
which documents the fields.
"""

from __future__ import annotations

from siamlib.measures.measure import Measure as _M

ENTRIES = (
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
        "is out of scope unless A is accepted (in_scope_letters='RA'). The reports give a "
        "verdict beside the figure (siamlib.raci.conformance_status): out-of-scope items "
        "where the equaliser contracts the party a share the RACI gives it no R for are not "
        "assessable; only items where it has neither are a finding (outside scope).",
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
