"""Shared pieces of the params models: the error type, strict and effective-dated bases.

>>> in_force([EffectiveDated(effective_from=dt.date(2026, 4, 1))], dt.date(2026, 3, 31))
[]
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import math
import re
import types
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from siamlib.schema import DONE_STATUSES, TICKET_STATUSES
from siamlib.yamlload import WrittenFloat

SLUG_RE = r"^[a-z][a-z0-9-]{1,31}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
Status = Literal[TICKET_STATUSES]  # type: ignore[valid-type]
# Open statuses in which a ticket waits for or is worked by its own resolver: never a pause.
RESOLVER_STATUSES = ("new", "assigned", "in_progress")


def _check_tz(v: str) -> str:
    # Checked here so a typo is a ParamsError naming the file, not a ZoneInfo traceback.
    try:
        zoneinfo.ZoneInfo(v)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {v!r}") from exc
    if v not in ("UTC", "Etc/UTC") and ("/" not in v or v.startswith("Etc/")):
        # Probe 8: hosting's business calendar written 'EST' (meant: Europe/London) loaded as
        # fixed UTC-5, its RESPONSE level went green to red, +2,880 credit, exit 0. Legacy
        # names (EST, GMT, GB, CET...) and Etc/GMT+N (POSIX sign: Etc/GMT+1 is UTC-1) are
        # where such slips hide; a region's Area/Location zone says what is meant.
        jan, jul = (dt.datetime(2026, m, 1, tzinfo=zoneinfo.ZoneInfo(v)) for m in (1, 7))
        what = (
            f"a fixed UTC{jan.strftime('%z')[:3]}:{jan.strftime('%z')[3:]} with no summer time"
            if jan.utcoffset() == jul.utcoffset()
            else "a legacy alias"
        )
        raise ValueError(
            f"{v!r} is {what}; write the region's IANA zone as Area/Location (e.g. "
            "Europe/London, America/New_York), or UTC"
        )
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


def fraction_hint(value: float) -> str:
    """What to write instead of a fraction where per cent is meant.

    >>> fraction_hint(0.995)
    'looks like a fraction: write per cent (99.5 for 99.5 %)'
    """
    pct = f"{value * 100:.6g}"
    return f"looks like a fraction: write per cent ({pct} for {pct} %)"


def _not_a_fraction(value: float) -> float:
    # 0.12 for 12 % at risk cut a £7,200 credit to £72; no contract shares less than 1 %
    if 0 < value < 1:
        raise ValueError(
            f"{value:g} {fraction_hint(value)}; values between 0 and 1 are refused as fractions"
        )
    return value


Percent = Annotated[float, AfterValidator(_not_a_fraction)]
"""A share in per cent (the ``*_pct`` fields): 0, or 1 to 100 with the field's bounds; a value
between 0 and 1 is a fraction written where per cent is meant (``0.12`` for 12 %)."""

# A dot or comma between groups of three digits: 240.000, 1.200.000, 240,000, 240,000.50
_DOT_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")
_COMMA_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d{1,2})?$")
_DECIMALS = re.compile(r"^[-+]?[\d_]*\.([\d_]+)$")


def money_problem(text: str) -> str | None:
    """Why an amount of money written as ``text`` is not what it looks like, or ``None``.

    Money has at most two decimals, so three after a dot are a thousands separator
    (``240.000`` is 240 to YAML, not 240,000); more decimals are no amount either. A comma
    between groups of three is a thousands separator too (text to YAML, no number).

    >>> money_problem("240.000")
    'looks like a dot used as a thousands separator (money has at most two decimals) and \
reads as 240; write 240000'
    >>> money_problem("240,000")
    'looks like a comma used as a thousands separator; write 240000'
    >>> money_problem("0.125")
    'has 3 decimals, but money has at most two; round it to two'
    >>> [money_problem(t) for t in ("240000", "240000.50", "2.4e5", "240.5", "1_000.00")]
    [None, None, None, None, None]
    """
    text = text.strip()
    if _DOT_THOUSANDS.match(text):
        meant = text.replace(".", "")
        reads = f" and reads as {float(text):g}" if text.count(".") == 1 else ""
        return (
            "looks like a dot used as a thousands separator (money has at most two decimals)"
            f"{reads}; write {meant.lstrip('+')}"
        )
    if _COMMA_THOUSANDS.match(text):
        return f"looks like a comma used as a thousands separator; write {text.replace(',', '')}"
    decimals = _DECIMALS.match(text)
    if decimals and len(decimals.group(1).replace("_", "")) > 2:
        n = len(decimals.group(1).replace("_", ""))
        return f"has {n} decimals, but money has at most two; round it to two"
    return None


def _money(value):
    # The text as written: a YAML float keeps it (siamlib.yamlload), quoted text is it.
    text = value.text if isinstance(value, WrittenFloat) else value
    if isinstance(text, str) and (problem := money_problem(text)):
        raise ValueError(f"{text.strip()} {problem}")
    return value


Money = Annotated[float, BeforeValidator(_money)]
"""An amount of money (``monthly_charge``, a band's ``amount``): refused when written with a
thousands separator or more than two decimals (:func:`money_problem`)."""


class ParamsError(ValueError):
    """A params file is missing, unreadable or invalid. The message names file, key, problem."""


# The error type of a YAML boolean where a number is expected (see _Strict._no_bool_numbers).
BOOL_NOT_NUMBER = "bool_not_number"
_NUMBERS = (int, float, decimal.Decimal, fractions.Fraction)


def _members(tp) -> list:
    """The types a value of annotation ``tp`` may take: ``Annotated`` unwrapped, unions split."""
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        return [m for arg in get_args(tp) for m in _members(arg)]
    return [tp]


def _takes_bool(tp) -> bool:
    if tp in (bool, Any, object):
        return True
    return get_origin(tp) is Literal and any(isinstance(a, bool) for a in get_args(tp))


def _takes_number(tp) -> bool:
    if isinstance(tp, type) and issubclass(tp, _NUMBERS) and not issubclass(tp, bool):
        return True
    return get_origin(tp) is Literal and any(
        isinstance(a, _NUMBERS) and not isinstance(a, bool) for a in get_args(tp)
    )


def _items(tp, value) -> list[tuple[str, object, object]]:
    """``(sub-path, annotation, item)`` for each item of a list, tuple or mapping value whose
    annotation is a container; nested models are left to their own validation."""
    for m in _members(tp):
        origin, args = get_origin(m) or m, get_args(m)
        if not isinstance(origin, type):
            continue
        if isinstance(value, Mapping) and issubclass(origin, Mapping):
            item_tp = args[1] if len(args) == 2 else Any
            return [(f".{k}", item_tp, v) for k, v in value.items()]
        if (
            isinstance(value, list | tuple)
            and issubclass(origin, Sequence | set | frozenset)
            and not issubclass(origin, str | bytes)
        ):
            if origin is tuple and args and args[-1] is not Ellipsis:
                # a fixed-length tuple: item i has its own annotation (extra items: pydantic)
                return [(f"[{i}]", a, v) for i, (a, v) in enumerate(zip(args, value, strict=False))]
            item_tp = args[0] if args else Any
            return [(f"[{i}]", item_tp, v) for i, v in enumerate(value)]
    return []


def _find_bool(tp, value, path: str = "") -> tuple[str, bool, list] | None:
    """``(sub-path, the boolean, the types allowed there)`` for the first boolean in ``value``
    where annotation ``tp`` expects a number and not a boolean; ``None`` if there is none."""
    members = _members(tp)
    if isinstance(value, bool):
        if any(_takes_bool(m) for m in members) or not any(_takes_number(m) for m in members):
            return None  # a bool field, or one pydantic refuses a boolean for anyway
        return path, value, members
    for sub, item_tp, item in _items(tp, value):
        found = _find_bool(item_tp, item, path + sub)
        if found is not None:
            return found
    return None


def bool_where_number(tp, value) -> str | None:
    """The sub-path (``""`` for the value itself) of the first boolean in ``value`` where
    annotation ``tp`` expects a number and not a boolean; ``None`` if there is none.

    YAML 1.1 reads ``yes``/``no``/``on``/``off``/``true``/``false`` as booleans, and pydantic
    (lax mode) would quietly take them as 1 and 0.

    >>> bool_where_number(float, True)
    ''
    >>> bool_where_number(dict[str, list[float]], {"a": [0.5, True]})
    'a[1]'
    >>> bool_where_number(bool, True) is None and bool_where_number(float, "2.4e5") is None
    True
    """
    found = _find_bool(tp, value)
    return None if found is None else found[0].removeprefix(".")


class _Strict(BaseModel):
    """Base of every params model: unknown keys are refused, instances are frozen, and a YAML
    boolean where a number is expected is refused (any field, list item or mapping value)."""

    # allow_inf_nan: YAML .inf and .nan parse as floats, and an infinite level or a NaN
    # credit amount would be scored or dropped silently; no params number may be either.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, value, info: ValidationInfo):
        field = cls.model_fields.get(info.field_name) if info.field_name else None
        if field is None:
            return value
        found = _find_bool(field.annotation, value)
        if found is None:
            return value
        sub, bad, members = found
        sub = sub.removeprefix(".")
        expected = "a number or text" if str in members else "a number"
        problem = (
            f"{expected} is expected, got the boolean {str(bad).lower()} (YAML reads "
            "yes/no/on/off/true/false as booleans; quote it if text was meant)"
        )
        raise PydanticCustomError(
            BOOL_NOT_NUMBER,
            "{sub}{problem}",
            {"sub": f"{sub}: " if sub else "", "path": sub, "problem": problem},
        )


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


def no_gaps(items: list[T], key, label: str, why: str) -> None:
    """Refuse a day on which no item with some ``key(item)`` is in force between two that are
    (``effective_to`` is exclusive: an entry ending 2026-10-01 is not in force that day).

    Run after :func:`overlapping`, so a key's items are in force one after another.

    >>> a = EffectiveDated(effective_to=dt.date(2026, 7, 1))
    >>> no_gaps([a, EffectiveDated(effective_from=dt.date(2026, 7, 1))], lambda i: "x", "t", "")
    >>> no_gaps([a, EffectiveDated(effective_from=dt.date(2026, 7, 2))], lambda i: "x", "t", "")
    Traceback (most recent call last):
    ...
    ValueError: t[0] (2000-01-01..2026-07-01) and t[1] (2026-07-02..open) leave x without ...
    """
    order = sorted(range(len(items)), key=lambda i: (str(key(items[i])), items[i].effective_from))
    for i, j in zip(order, order[1:], strict=False):
        a, b = items[i], items[j]
        if key(a) == key(b) and a.effective_to is not None and a.effective_to < b.effective_from:
            last = b.effective_from - dt.timedelta(days=1)
            raise ValueError(
                f"{label}[{i}] ({a.span()}) and {label}[{j}] ({b.span()}) leave {key(a)} "
                f"without an entry from {a.effective_to} to {last}{why}; effective_to is "
                "exclusive: end the first on the day the second starts"
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
    """Refuse statuses that cannot stop an SLA clock: done ones (resolved, closed,
    cancelled) and the ones where the ticket waits for or is worked by its own resolver
    (new, assigned, in_progress).

    Only an ``awaiting_*`` status waits on someone other than the resolver. Probe 8:
    ``pause_statuses: [in_progress, ...]`` loaded, stopped hosting's clocks while its staff
    worked, and P3-RES went from red to green (its 2,880 credit gone) with exit 0.

    >>> check_pausable(["awaiting_user"])
    ['awaiting_user']
    >>> check_pausable(["in_progress", "awaiting_user"])
    Traceback (most recent call last):
    ...
    ValueError: in_progress cannot be a pause status: the ticket waits for or is worked by \
its resolver there, so the clock would stop on the resolver's own time; pause statuses are \
awaiting_user, awaiting_supplier, awaiting_change, awaiting_problem
    """
    bad = [s for s in statuses if s in DONE_STATUSES]
    if bad:
        raise ValueError(f"{', '.join(bad)} cannot be a pause status")
    own = [s for s in statuses if s in RESOLVER_STATUSES]
    if own:
        allowed = ", ".join(s for s in TICKET_STATUSES if s.startswith("awaiting_"))
        raise ValueError(
            f"{', '.join(own)} cannot be a pause status: the ticket waits for or is worked by "
            "its resolver there, so the clock would stop on the resolver's own time; pause "
            f"statuses are {allowed}"
        )
    return statuses
