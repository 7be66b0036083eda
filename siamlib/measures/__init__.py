"""Measures: pure, vectorised functions over the data model.

Every measure family module (``tower``, ``integrator``, ``problems``, ``improvement``) exposes
its individual measure functions plus one ``measure_values(...)`` function returning the
*measure values* long table that scorecards, credits and reports consume:

==============  =======  =========================================================
column          dtype    meaning
==============  =======  =========================================================
supplier_id     str      supplier the value belongs to
period          str      ``YYYY-MM`` reporting month
measure         str      measure id from :mod:`siamlib.measures.catalogue`
scope           str      ``""`` (all) or ``key=value`` pairs joined by ``;`` in key
                         order, e.g. ``"priority=1"`` (matches a service level's scope)
value           float    computed value in the computed unit (rates as fractions);
                         NaN when the denominator is empty
numerator       float    what was counted above the line (NaN if not a ratio)
denominator     float    what was counted below the line (NaN if not a ratio); for the
                         median and the count scored as levels (``dispatch_time``,
                         ``improvement_delivery``) the records the figure is computed from
==============  =======  =========================================================

Where each measure's rows come from is its entry in :mod:`siamlib.measures.registry`.
See ``scope_key`` for turning a service level's scope dict into the ``scope`` string.
"""

from __future__ import annotations

MEASURE_VALUE_COLUMNS = [
    "supplier_id",
    "period",
    "measure",
    "scope",
    "value",
    "numerator",
    "denominator",
]


def scope_key(scope: dict | None) -> str:
    """Canonical string for a service level scope.

    >>> scope_key({"priority": 1})
    'priority=1'
    >>> scope_key({"service": "vpn", "priority": 2})
    'priority=2;service=vpn'
    >>> scope_key({})
    ''
    """
    if not scope:
        return ""
    return ";".join(f"{k}={scope[k]}" for k in sorted(scope))
