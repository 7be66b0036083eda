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

from dataclasses import replace

from siamlib.measures import catalogue_derived, catalogue_integrator, catalogue_tower
from siamlib.measures.measure import Measure

# The entries live in three modules by family; their order here is the order of
# docs/measures.md and of the report appendix.
MEASURES: dict[str, Measure] = {
    m.id: m
    for m in (
        *catalogue_tower.ENTRIES,
        *catalogue_integrator.ENTRIES,
        *catalogue_derived.ENTRIES,
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


def limit_kind(measure: str) -> str | None:
    """What a level's contract limit (params ``minimum``) is for ``measure``: ``"minimum"``
    where higher is better, ``"maximum"`` where lower is better (a reopen rate of at most
    6 %); ``None`` for an id the catalogue does not know.

    >>> limit_kind("sla_resolution_attainment"), limit_kind("reopen_rate"), limit_kind("x")
    ('minimum', 'maximum', None)
    """
    m = MEASURES.get(measure)
    if m is None:
        return None
    return "maximum" if m.direction == "lower" else "minimum"
