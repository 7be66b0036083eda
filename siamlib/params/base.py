"""Shared pieces of the params models: the error type, strict and effective-dated bases.

>>> in_force([EffectiveDated(effective_from=dt.date(2026, 4, 1))], dt.date(2026, 3, 31))
[]
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    model_validator,
)

from siamlib.schema import DONE_STATUSES, TICKET_STATUSES

SLUG_RE = r"^[a-z][a-z0-9-]{1,31}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
Status = Literal[TICKET_STATUSES]  # type: ignore[valid-type]


def _check_tz(v: str) -> str:
    # Checked here so a typo is a ParamsError naming the file, not a ZoneInfo traceback.
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {v!r}") from exc
    return v


TimeZone = Annotated[str, AfterValidator(_check_tz)]
"""An IANA time zone name (``Europe/London``), checked when the params load."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
# Kinds of work raci.work_mapping can map (siamlib.raci: ticket types, changes, problems).
WORK_KINDS = ("incident", "request", "change", "problem")
# Range of a level in each shown unit of the measure catalogue.
UNIT_RANGES = {
    "%": (0.0, 100.0),
    "score 1-5": (1.0, 5.0),
    "hours": (0.0, math.inf),
    "days": (0.0, math.inf),
    "count": (0.0, math.inf),
    "per ticket": (0.0, math.inf),
    "flag": (0.0, 1.0),
}


class ParamsError(ValueError):
    """A params file is missing, unreadable or invalid. The message names file, key, problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EffectiveDated(_Strict):
    """Something in force from ``effective_from`` (inclusive) to ``effective_to`` (exclusive)."""

    effective_from: dt.date = dt.date(2000, 1, 1)
    effective_to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must be after effective_from")
        return self

    def in_force(self, on: dt.date) -> bool:
        """True when in force on date ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def overlaps(self, other: EffectiveDated) -> bool:
        """True when the two are both in force on some day.

        >>> a = EffectiveDated(effective_to=dt.date(2026, 7, 1))
        >>> a.overlaps(EffectiveDated(effective_from=dt.date(2026, 7, 1)))
        False
        >>> a.overlaps(EffectiveDated(effective_from=dt.date(2026, 6, 30)))
        True
        """
        mine = self.effective_to or dt.date.max
        theirs = other.effective_to or dt.date.max
        return self.effective_from < theirs and other.effective_from < mine

    def span(self) -> str:
        """The dates in force, for error messages."""
        return f"{self.effective_from}..{self.effective_to or 'open'}"


T = TypeVar("T", bound=EffectiveDated)


def overlapping(items: list[T], key, label: str) -> None:
    """Refuse two items with the same ``key(item)`` in force on the same day, naming both.

    Today the later one would silently win, so the error names both entries and their dates.

    >>> a = EffectiveDated(effective_to=dt.date(2026, 7, 1))
    >>> overlapping([a, EffectiveDated()], lambda i: "x", "items")
    Traceback (most recent call last):
    ...
    ValueError: items[0] (2000-01-01..2026-07-01) and items[1] (2000-01-01..open) overlap ...
    """
    for j, b in enumerate(items):
        for i, a in enumerate(items[:j]):
            if key(a) == key(b) and a.overlaps(b):
                raise ValueError(
                    f"{label}[{i}] ({a.span()}) and {label}[{j}] ({b.span()}) overlap for "
                    f"{key(a)}; end the first (effective_to) where the second starts"
                )


def first_repeat(keys: Iterable) -> tuple[int, int, object] | None:
    """The first key seen twice, as ``(first index, second index, key)``; ``None`` if none.

    >>> first_repeat(["a", "b", "a"])
    (0, 2, 'a')
    >>> first_repeat([]) is None
    True
    """
    seen: dict = {}
    for i, k in enumerate(keys):
        if k in seen:
            return seen[k], i, k
        seen[k] = i
    return None


def in_force(items: Iterable[T], on: dt.date) -> list[T]:
    """The items in force on ``on`` (e.g. the first day of a reporting period)."""
    return [i for i in items if i.in_force(on)]


def check_pausable(statuses: list[str]) -> list[str]:
    """Refuse done statuses (resolved, closed, cancelled) as clock-stop statuses.

    >>> check_pausable(["awaiting_user"])
    ['awaiting_user']
    """
    bad = [s for s in statuses if s in DONE_STATUSES]
    if bad:
        raise ValueError(f"{', '.join(bad)} cannot be a pause status")
    return statuses
