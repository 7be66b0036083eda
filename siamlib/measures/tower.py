"""Tower measures: what each resolver supplier is judged on, per reporting month.

Every function is pure and vectorised. Periods are ``YYYY-MM`` months in the estate's reporting
time zone (``params.estate.timezone``): a record belongs to the month in which its *counting
date* falls in that zone (see each function). Rates are fractions in [0, 1]; a rate whose
denominator is empty is NaN, never an error.

Every function returns one row per group (``by`` columns, default the supplier) and requested
period, for every group seen anywhere in the input, so a month without records shows up as a
row with a zero denominator and a NaN value. Ratio results carry ``numerator``,
``denominator`` and ``value``; means carry the sum in ``numerator`` and the count in
``denominator``.

Inputs are the tables of :mod:`siamlib.schema` plus the per-ticket *clocks* frame of
:mod:`siamlib.clocks`, of which these columns are used: ``ticket_id, supplier_id, priority,
opened_at, first_response_at, resolved_at, status, response_target_h, resolution_target_h,
response_h, resolution_h, resolution_actual_h, response_breached, resolution_breached``
(optionally ``response_breached_at`` / ``resolution_breached_at``, see :func:`sla_attainment`).
Whether a ticket is resolved, open or cancelled is read from ``status`` and ``resolved_at``,
so the same rules apply to the clocks frame and to the tickets table.

:func:`measure_values` assembles everything into the *measure values* long table of
:mod:`siamlib.measures` for every tower supplier. The measures themselves live one concern per
module and are re-exported here:

- :mod:`siamlib.measures.sla`: :func:`sla_attainment`;
- :mod:`siamlib.measures.availability`: :func:`availability`;
- :mod:`siamlib.measures.tickets`: :func:`first_time_fix`, :func:`reopen_rate`, :func:`mttr`,
  :func:`backlog`;
- :mod:`siamlib.measures.changes`: :func:`change_success`, :func:`emergency_change_ratio`,
  :func:`change_caused_incidents`;
- :mod:`siamlib.measures.satisfaction`: :func:`satisfaction`;
- :mod:`siamlib.measures._base`: the shared period/timestamp/tally building blocks.

Examples
--------
>>> from siamlib.measures.tower import sla_attainment  # re-exported from siamlib.measures.sla
>>> sla_attainment.__module__
'siamlib.measures.sla'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd

from siamlib.common import DEFAULT_AGE_BUCKETS, DEFAULT_TZ, bucket_labels
from siamlib.measures import registry_tower
from siamlib.measures._base import (
    COMPLETED_CHANGE_OUTCOMES,
    PRIORITIES,
    RESOLVED_STATUSES,
    Periods,
)
from siamlib.measures.availability import availability
from siamlib.measures.changes import (
    change_caused_incidents,
    change_success,
    emergency_change_ratio,
)
from siamlib.measures.satisfaction import satisfaction
from siamlib.measures.sla import Clock, Denominator, sla_attainment
from siamlib.measures.tickets import backlog, first_time_fix, mttr, reopen_rate
from siamlib.periods import period_bounds

if TYPE_CHECKING:
    from siamlib.params import Params

# The public names of the tower measures, wherever they are defined (tests, the catalogue's
# function paths and the notebooks use ``siamlib.measures.tower.<name>``).
__all__ = [
    "COMPLETED_CHANGE_OUTCOMES",
    "DEFAULT_AGE_BUCKETS",
    "DEFAULT_TZ",
    "PRIORITIES",
    "RESOLVED_STATUSES",
    "Clock",
    "Denominator",
    "availability",
    "backlog",
    "bucket_labels",
    "change_caused_incidents",
    "change_success",
    "emergency_change_ratio",
    "first_time_fix",
    "measure_values",
    "mttr",
    "period_bounds",  # siamlib.levels reads the month bounds from here
    "reopen_rate",
    "satisfaction",
    "sla_attainment",
]


# ---------------------------------------------------------------------- measure values ----
def measure_values(
    clocks: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    params: Params,
    periods: Periods,
    *,
    apply_exclusions: bool = True,
    first_time_fix_after: Literal["first_group", "supplier_first_group"] = "supplier_first_group",
    timeline=None,
) -> pd.DataFrame:
    """All tower measures of every tower supplier and period, in the measure-values table.

    Rows (``measure``: scopes), one entry each in :mod:`siamlib.measures.registry_tower`:

    - ``sla_resolution_attainment``, ``sla_response_attainment``: ``""`` and
      ``priority=1`` .. ``priority=4``; each supplier's own attainment denominator;
    - ``availability``: ``""`` (all the supplier's services pooled: summed available over
      summed agreed minutes) and ``service=<name>``, on the contracts' ``always`` calendar;
    - ``first_time_fix``, ``reopen_rate``, ``change_success_rate``,
      ``emergency_change_ratio``: ``""``;
    - ``mttr_business_hours``, ``mttr_actual_hours``, ``satisfaction``: ``""`` (numerator is
      the sum, denominator the count);
    - ``change_caused_incidents``: ``""`` (count, no numerator/denominator);
    - ``backlog``: open tickets at the period end, ``""`` and ``age=<bucket>`` (count).

    Every supplier/period/measure/scope above has a row; NaN where nothing was counted (counts
    are 0). Tickets listed in ``params.exclusions`` are removed from every ticket-based measure
    first unless ``apply_exclusions`` is False. ``first_time_fix`` is NaN throughout when
    ``tables`` has no ``ticket_events``; it counts reassignments from the moment a ticket
    reached its supplier of record (``first_time_fix_after``), because in a SIAM estate nearly
    every tower ticket arrives through the service desk and the integrator's dispatch group,
    and that routing is measured on the integrator, not the tower.

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks (:mod:`siamlib.clocks`).
    tables : dict of DataFrame
        Data-model tables by name; ``tickets``, ``ticket_events``, ``changes``, ``outages`` and
        ``surveys`` are used; a missing table counts as empty.
    params : Params
    periods : str or iterable of str
    apply_exclusions : bool
    first_time_fix_after : {"supplier_first_group", "first_group"}
        See :func:`first_time_fix`.
    timeline : EventTimeline, optional
        The compute stage's timeline of ``tables``' tickets and events (only with
        ``apply_exclusions=False``): the backlog reuses its answers at the month ends.

    Returns
    -------
    DataFrame
        Columns :data:`siamlib.measures.MEASURE_VALUE_COLUMNS`.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> from siamlib import schema
    >>> params = load_params()
    >>> clocks = schema.empty("tickets").assign(
    ...     response_target_h=pd.Series(dtype="float64"),
    ...     resolution_target_h=pd.Series(dtype="float64"),
    ...     response_breached=pd.Series(dtype="boolean"),
    ...     resolution_breached=pd.Series(dtype="boolean"),
    ...     resolution_h=pd.Series(dtype="float64"),
    ...     resolution_actual_h=pd.Series(dtype="float64"))
    >>> mv = measure_values(clocks, {}, params, ["2026-04"])
    >>> mv.query("supplier_id == 'hosting' and measure == 'availability' and scope == ''")[
    ...     ["value", "denominator"]].iloc[0].tolist()
    [1.0, 129600.0]
    """
    # One generic loop over the tower entries of the measure registry.
    return registry_tower.values(
        clocks,
        tables,
        params,
        periods,
        apply_exclusions=apply_exclusions,
        first_time_fix_after=first_time_fix_after,
        timeline=timeline,
    )
