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

import pandas as pd

from siamlib.common import ALL  # noqa: F401 (re-exported: the estate-wide row marker)
from siamlib.measures import scope_key

# The measures live in one module per concern; re-exported (noqa: F401) for notebooks,
# other modules and tests that import them from here.
from siamlib.measures.aged import (  # noqa: F401
    EventTimeline,
    aged_at,
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

ESTATE_SCOPE = scope_key({"suppliers": "all"})


# -------------------------------------------------------------------------- measure values ---


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

    One loop over the entries of :mod:`siamlib.measures.registry_integrator`, month by month.
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
    # One generic loop over the integrator entries of the measure registry (imported here:
    # the registry builds on this module's measures).
    from siamlib.measures import registry_integrator

    return registry_integrator.values(
        clocks, tables, params, periods, apply_exclusions=apply_exclusions, timeline=timeline
    )
