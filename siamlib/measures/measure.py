"""The record describing one measure: what it is, its unit and direction, where its code lives.

The catalogue (:mod:`siamlib.measures.catalogue`) holds one per measure; its entries are in
``catalogue_tower``, ``catalogue_integrator`` and ``catalogue_derived``.

>>> Measure("m", "M", "tower", "%", "higher", "d", "f", scale=100).display(0.5)
50.0
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
