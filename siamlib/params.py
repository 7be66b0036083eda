"""Contract and estate parameters: validated YAML under ``params/``.

Money, targets, calendars, credit regimes and recipients are data, not code. Every file is
validated with pydantic before any work starts; a bad file raises :class:`ParamsError` whose
message names the file, the key and the problem, e.g.::

    params/contracts/hosting.yaml: service_levels[1].weight: Input should be greater than 0

Layout of the folder::

    params/
      estate.yaml              suppliers, services, assignment groups -> supplier (effective-dated)
      contracts/<supplier>.yaml one contract per supplier
      raci.yaml                RACI / graphic equaliser per capability
      exclusions.yaml          agreed exclusions (ticket id, reason, approver)
      delivery.yaml            sender, subject templates, board recipients, publishing base URL

Examples
--------
>>> p = load_params()          # the project's own params/
>>> p.estate.supplier("hosting").role
'tower'
>>> sorted(p.contracts) == sorted(s.id for s in p.estate.suppliers)
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
import string
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from siamlib import paths
from siamlib.schema import DONE_STATUSES, TICKET_STATUSES
from siamlib.yamlload import YamlFileError, load_yaml_mapping

SLUG_RE = r"^[a-z][a-z0-9-]{1,31}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_RE)]
Status = Literal[TICKET_STATUSES]  # type: ignore[valid-type]
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


def in_force(items: Iterable[T], on: dt.date) -> list[T]:
    """The items in force on ``on`` (e.g. the first day of a reporting period)."""
    return [i for i in items if i.in_force(on)]


# --------------------------------------------------------------------------- estate
class Supplier(_Strict):
    id: Slug
    name: str = Field(min_length=1, max_length=120)
    role: Literal["tower", "integrator"]
    services: list[str] = Field(default_factory=list)


class AssignmentGroup(EffectiveDated):
    group: str = Field(min_length=1)
    supplier_id: Slug
    support_level: int | None = Field(default=None, ge=1, le=3)


class Estate(_Strict):
    name: str
    currency: str = Field(default="GBP", pattern=r"^[A-Z]{3}$")
    customer: str = "Retained organisation"
    timezone: str = "Europe/London"  # reporting months are calendar months in this zone
    aged_after_days: int = Field(default=30, ge=1)  # an open ticket older than this is "aged"
    suppliers: list[Supplier] = Field(min_length=1)
    assignment_groups: list[AssignmentGroup] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        # Checked here so a typo is a ParamsError naming estate.yaml, not a ZoneInfo traceback.
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {v!r}") from exc
        return v

    @model_validator(mode="after")
    def _consistent(self):
        ids = [s.id for s in self.suppliers]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate supplier ids: {', '.join(dupes)}")
        if sum(s.role == "integrator" for s in self.suppliers) != 1:
            raise ValueError("exactly one supplier must have role 'integrator'")
        for i, g in enumerate(self.assignment_groups):
            if g.supplier_id not in ids:
                raise ValueError(
                    f"assignment_groups[{i}].supplier_id: unknown supplier {g.supplier_id!r}"
                )
        # A service belongs to one supplier: its availability scope must find one contract.
        owner: dict[str, str] = {}
        for i, sup in enumerate(self.suppliers):
            for j, svc in enumerate(sup.services):
                if svc in owner:
                    raise ValueError(
                        f"suppliers[{i}].services[{j}]: service {svc!r} is already listed by "
                        f"supplier {owner[svc]!r}; list each service once"
                    )
                owner[svc] = sup.id
        try:
            overlapping(
                self.assignment_groups,
                lambda g: f"assignment group {g.group!r}",
                "assignment_groups",
            )
        except ValueError as exc:
            raise ValueError(f"overlapping effective dates: {exc}") from None
        return self

    def supplier(self, supplier_id: str) -> Supplier:
        for s in self.suppliers:
            if s.id == supplier_id:
                return s
        raise KeyError(supplier_id)

    @property
    def integrator(self) -> Supplier:
        return next(s for s in self.suppliers if s.role == "integrator")

    @property
    def towers(self) -> list[Supplier]:
        return [s for s in self.suppliers if s.role == "tower"]


# --------------------------------------------------------------------------- contracts
class HolidayRegion(_Strict):
    """Public holidays from the ``holidays`` package: country code and optional subdivision."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    subdivision: str | None = None

    @model_validator(mode="after")
    def _known(self):
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision, years=2026)
        except NotImplementedError as exc:
            raise ValueError(f"unknown holiday region: {exc}") from exc
        return self


class Calendar(_Strict):
    """Business hours: weekly hours in an IANA time zone, minus public holidays.

    ``weekly_hours`` maps a weekday (mon..sun) to a list of ``[start, end]`` local times
    ("HH:MM", end may be "24:00"); a missing day has no business hours.
    """

    timezone: str = "Europe/London"
    weekly_hours: dict[Literal[DAYS], list[tuple[str, str]]]  # type: ignore[valid-type]
    holidays: HolidayRegion | None = None
    extra_holidays: list[dt.date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {v!r}") from exc
        return v

    @field_validator("weekly_hours")
    @classmethod
    def _hours(cls, v):
        for day, spans in v.items():
            last = -1
            for start, end in spans:
                for t in (start, end):
                    if not _HHMM.match(t) or (t.startswith("24") and t != "24:00"):
                        raise ValueError(f"{day}: {t!r} is not a time HH:MM")
                a, b = _minutes(start), _minutes(end)
                if b <= a:
                    raise ValueError(f"{day}: {start}-{end} ends before it starts")
                if a < last:
                    raise ValueError(f"{day}: spans overlap or are out of order")
                last = b
        if not any(v.values()):
            raise ValueError("a calendar needs some business hours")
        return v


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def check_pausable(statuses: list[str]) -> list[str]:
    """Refuse done statuses (resolved, closed, cancelled) as clock-stop statuses.

    >>> check_pausable(["awaiting_user"])
    ['awaiting_user']
    """
    bad = [s for s in statuses if s in DONE_STATUSES]
    if bad:
        raise ValueError(f"{', '.join(bad)} cannot be a pause status")
    return statuses


class ClockRules(_Strict):
    """How the SLA clocks run; where real tools differ, the contract chooses.

    - ``pause_statuses``: statuses that stop the resolution clock.
    - ``response_pause``: ``none`` (response clock never pauses), ``before_first_response``
      (OTRS style: pauses count only before the first response).
    - ``reopen``: ``resume`` (multi-cycle: clock continues across reopens, default) or
      ``restart`` (each cycle measured on its own; breach if any cycle breaches).
    - ``attainment_denominator``: ``completed`` (tickets resolved in the period, ServiceNow
      style) or ``completed_plus_breached_open`` (Jira style).
    - ``at_risk_bands``: lower edges of the at-risk bands, as shares of the allowed time.
    """

    pause_statuses: list[Status] = Field(default_factory=lambda: ["awaiting_user"])
    response_pause: Literal["none", "before_first_response"] = "none"
    reopen: Literal["resume", "restart"] = "resume"
    attainment_denominator: Literal["completed", "completed_plus_breached_open"] = "completed"
    at_risk_bands: list[float] = Field(default_factory=lambda: [0.5, 0.75, 0.85, 0.95])

    @field_validator("pause_statuses")
    @classmethod
    def _pausable(cls, v):
        return check_pausable(v)

    @field_validator("at_risk_bands")
    @classmethod
    def _bands(cls, v):
        if any(a >= b for a, b in zip(v, v[1:], strict=False)) or any(not 0 < b < 1 for b in v):
            raise ValueError("at_risk_bands must be increasing shares between 0 and 1")
        return v


class SlaTarget(EffectiveDated):
    """Allowed business time for one clock and priority, on a named calendar."""

    priority: int = Field(ge=1, le=4)
    clock: Literal["response", "resolution"]
    target_hours: float = Field(gt=0)
    calendar: str = "business"


class Band(_Strict):
    """A credit band: actual level in [from, to) attracts ``amount`` (negative = reward)."""

    from_level: float = Field(alias="from")
    to_level: float = Field(alias="to")
    amount: float

    @model_validator(mode="after")
    def _ordered(self):
        if self.to_level <= self.from_level:
            raise ValueError("'to' must be above 'from'")
        return self


class ServiceLevel(EffectiveDated):
    """One contracted service level: a measure in a scope, with expected and minimum levels.

    Levels are in the measure's display unit (per cent for rates, see the measure catalogue).
    """

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    measure: str
    scope: dict[str, str | int] = Field(default_factory=dict)
    expected: float
    minimum: float
    weight: float = Field(gt=0, le=100)
    pool_allocation_pct: float = Field(default=0, ge=0, le=100)
    bands: list[Band] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_measure(self):
        from siamlib.measures.catalogue import MEASURES

        if self.measure not in MEASURES:
            raise ValueError(
                f"unknown measure {self.measure!r}; known: {', '.join(sorted(MEASURES))}"
            )
        m = MEASURES[self.measure]
        if not m.level_roles:
            raise ValueError(
                f"measure {self.measure!r} has no monthly values ({m.family} measure), so a "
                "service level on it would always be grey; use a tower or integrator measure"
            )
        lo, hi = UNIT_RANGES.get(m.unit, (-math.inf, math.inf))
        for name in ("expected", "minimum"):
            v = getattr(self, name)
            if not lo <= v <= hi:
                raise ValueError(
                    f"{name}: {v:g} is outside {_range(lo, hi)} for {self.measure} "
                    f"(unit {m.unit!r}); write the level in the measure's shown unit"
                )
        higher = m.direction == "higher"
        if (higher and self.minimum > self.expected) or (
            not higher and self.minimum < self.expected
        ):
            raise ValueError(
                f"minimum {self.minimum} is better than expected {self.expected} for a "
                f"{m.direction}-is-better measure"
            )
        self._check_scope_keys(m)
        self._check_bands(lo, hi)
        return self

    def _check_scope_keys(self, m) -> None:
        allowed = ", ".join(m.scope_keys) or "none (remove the scope)"
        for k, v in self.scope.items():
            if k not in m.scope_keys:
                raise ValueError(
                    f"scope.{k}: unknown scope key for measure {m.id}; allowed: {allowed}"
                )
            if k == "age":
                from siamlib.measures.tower import DEFAULT_AGE_BUCKETS, bucket_labels

                labels = bucket_labels(DEFAULT_AGE_BUCKETS)
                if str(v) not in labels:
                    raise ValueError(
                        f"scope.age: {v!r} is not an age bucket; allowed: {', '.join(labels)}"
                    )
            if k == "suppliers" and v != "all":
                raise ValueError(f"scope.suppliers: {v!r} never matches; the only value is 'all'")

    def _check_bands(self, lo: float, hi: float) -> None:
        for i, b in enumerate(self.bands):
            if not (lo <= b.from_level and b.to_level <= hi):
                raise ValueError(
                    f"bands[{i}]: {b.from_level:g}-{b.to_level:g} is outside {_range(lo, hi)} "
                    f"for {self.measure}"
                )
        order = sorted(range(len(self.bands)), key=lambda i: self.bands[i].from_level)
        for i, j in zip(order, order[1:], strict=False):
            if self.bands[i].to_level > self.bands[j].from_level:
                raise ValueError(
                    f"bands[{i}] ({self.bands[i].from_level:g}-{self.bands[i].to_level:g}) and "
                    f"bands[{j}] ({self.bands[j].from_level:g}-{self.bands[j].to_level:g}) "
                    "overlap; a level must fall in one band"
                )


def _range(lo: float, hi: float) -> str:
    return f"{lo:g}..{hi:g}" if hi != math.inf else f">= {lo:g}"


class EarnBack(_Strict):
    enabled: bool = False
    periods: int = Field(default=3, ge=1, le=12)


class CreditRegime(_Strict):
    """How missed service levels turn into money.

    - ``pool``: at-risk amount = monthly charge x at-risk %; a missed level (below minimum)
      costs at-risk amount x its pool allocation %; the total is capped at the at-risk amount.
    - ``bands``: each service level's ``bands`` map the actual level to an amount.
    - ``percentage``: credit % of the monthly charge = expected - actual (percentage points).
    """

    type: Literal["pool", "bands", "percentage"] = "pool"
    trigger: Literal["below_minimum", "below_expected"] = "below_minimum"
    earn_back: EarnBack = EarnBack()
    one_credit_per_incident: bool = True


class Contract(_Strict):
    supplier_id: Slug
    monthly_charge: float = Field(ge=0)
    at_risk_pct: float = Field(default=0, ge=0, le=100)
    calendars: dict[str, Calendar]
    clock: ClockRules = ClockRules()
    sla_targets: list[SlaTarget] = Field(default_factory=list)
    service_levels: list[ServiceLevel] = Field(default_factory=list)
    credit_regime: CreditRegime = CreditRegime()
    recipients: list[EmailStr] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        for i, t in enumerate(self.sla_targets):
            if t.calendar not in self.calendars:
                raise ValueError(
                    f"sla_targets[{i}].calendar: unknown calendar {t.calendar!r}; "
                    f"defined: {', '.join(self.calendars)}"
                )
        overlapping(self.sla_targets, lambda t: f"priority {t.priority} {t.clock}", "sla_targets")
        ids = [s.id for s in self.service_levels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate service level ids: {', '.join(dupes)}")
        overlapping(
            self.service_levels,
            lambda s: f"{s.measure} scope {_scope_text(s.scope)}",
            "service_levels",
        )
        for i, sl in enumerate(self.service_levels):
            self._check_level(i, sl)
        # Weights must sum to 100 on every date where the set of levels in force changes.
        edges = {s.effective_from for s in self.service_levels} | {
            s.effective_to for s in self.service_levels if s.effective_to
        }
        for day in sorted(edges):
            live = in_force(self.service_levels, day)
            if live and abs(sum(s.weight for s in live) - 100) > 1e-6:
                raise ValueError(
                    f"service_levels: weights in force on {day} sum to "
                    f"{sum(s.weight for s in live):g}, not 100"
                )
        if self.credit_regime.type == "bands":
            for i, s in enumerate(self.service_levels):
                if not s.bands:
                    raise ValueError(
                        f"service_levels[{i}].bands: required by credit_regime.type 'bands'"
                    )
        return self

    def _check_level(self, i: int, sl: ServiceLevel) -> None:
        from siamlib.measures.catalogue import MEASURES

        where = f"service_levels[{i}]"
        unit = MEASURES[sl.measure].unit
        if self.credit_regime.type == "percentage" and unit != "%":
            raise ValueError(
                f"{where}.measure: {sl.measure} is in {unit!r}, but credit_regime.type "
                "'percentage' credits expected - actual percentage points; use a per-cent "
                "measure or another regime"
            )

    def service_levels_on(self, on: dt.date) -> list[ServiceLevel]:
        """Service levels in force on ``on``."""
        return in_force(self.service_levels, on)

    def targets_on(self, on: dt.date) -> list[SlaTarget]:
        """SLA clock targets in force on ``on``."""
        return in_force(self.sla_targets, on)


def _scope_text(scope: dict) -> str:
    return ", ".join(f"{k}={scope[k]}" for k in sorted(scope)) or "(all)"


# --------------------------------------------------------------------------- RACI
RaciLetter = Literal["R", "A", "C", "I", "RA", "AR", "RC", "CR", ""]


class Capability(_Strict):
    id: Slug
    name: str
    stage: str = Field(description="Lifecycle stage: demand, portfolio, design, transition...")
    raci: dict[str, RaciLetter]
    share: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Graphic equaliser: % of the work per party"
    )

    @model_validator(mode="after")
    def _one_accountable(self):
        accountable = [p for p, r in self.raci.items() if "A" in r]
        if len(accountable) != 1:
            raise ValueError(
                f"capability {self.id!r} needs exactly one A (accountable), has "
                f"{len(accountable)}" + (f": {', '.join(accountable)}" if accountable else "")
            )
        if self.share and abs(sum(self.share.values()) - 100) > 1e-6:
            raise ValueError(f"capability {self.id!r}: shares sum to {sum(self.share.values())}")
        return self


class Raci(_Strict):
    parties: list[str] = Field(min_length=1)
    capabilities: list[Capability] = Field(min_length=1)
    work_mapping: dict[str, str] = Field(
        default_factory=dict,
        description="Kind of work (incident, request, change, problem) -> capability id",
    )

    @model_validator(mode="after")
    def _known_parties(self):
        caps = {c.id for c in self.capabilities}
        for what, ids in (
            ("parties", self.parties),
            ("capabilities", [c.id for c in self.capabilities]),
        ):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{what}: {', '.join(dupes)} listed twice; list each once")
        for work in self.work_mapping:
            if work not in WORK_KINDS:
                raise ValueError(
                    f"work_mapping.{work}: unknown kind of work; allowed: {', '.join(WORK_KINDS)}"
                )
        for i, c in enumerate(self.capabilities):
            for p in list(c.raci) + list(c.share):
                if p not in self.parties:
                    raise ValueError(f"capabilities[{i}]: unknown party {p!r}")
        for work, cap in self.work_mapping.items():
            if cap not in caps:
                raise ValueError(f"work_mapping.{work}: unknown capability {cap!r}")
        return self


# --------------------------------------------------------------------------- exclusions
class Exclusion(_Strict):
    ticket_id: str = Field(min_length=1)
    reason: str = Field(min_length=3)
    approver: str = Field(min_length=2)
    approved_on: dt.date


class Exclusions(_Strict):
    exclusions: list[Exclusion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _once(self):
        # One ticket, one agreed exclusion: a second entry hides which approval applies.
        first: dict[str, int] = {}
        for i, e in enumerate(self.exclusions):
            if e.ticket_id in first:
                raise ValueError(
                    f"exclusions[{first[e.ticket_id]}] and exclusions[{i}] both exclude ticket "
                    f"{e.ticket_id!r}; keep one"
                )
            first[e.ticket_id] = i
        return self


# --------------------------------------------------------------------------- delivery
class Delivery(_Strict):
    sender: EmailStr = "siam-reports@example.org"
    subject_template: str = "{estate}: {supplier} performance report {period}"
    board_subject_template: str = "{estate}: board summary {period}"
    board_recipients: list[EmailStr] = Field(default_factory=list)
    integrator_recipients: list[EmailStr] = Field(default_factory=list)
    base_url: str | None = Field(default=None, pattern=r"^https?://")

    @field_validator("subject_template", "board_subject_template")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
        except ValueError as exc:
            raise ValueError(f"{v!r}: {exc}; write braces as {{{{ and }}}}") from None
        unknown = sorted(names - {"estate", "supplier", "period"})
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; allowed: {{estate}}, {{supplier}}, "
                "{period}"
            )
        return v


# --------------------------------------------------------------------------- bundle
class Params(BaseModel):
    """All parameters, validated together (cross-file rules included)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    estate: Estate
    contracts: dict[str, Contract]
    raci: Raci
    exclusions: Exclusions
    delivery: Delivery

    def contract(self, supplier_id: str) -> Contract:
        return self.contracts[supplier_id]


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after", "function-before") or "[" in str(part):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _read_yaml(path: Path) -> dict:
    try:
        return load_yaml_mapping(path, _display(path))
    except YamlFileError as exc:
        raise ParamsError(str(exc)) from None


M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M]) -> M:
    """Load and validate one YAML file; errors name the file, the key and the problem.

    The file must be a UTF-8 YAML mapping without repeated keys (:mod:`siamlib.yamlload`).
    Several problems are joined into one line with `` | ``.
    """
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = _format_loc(err["loc"])
            msg = " ".join(err["msg"].removeprefix("Value error, ").split())
            problems.append(f"{_display(path)}: {key + ': ' if key else ''}{msg}")
        raise ParamsError(" | ".join(problems)) from None


def _check_levels_can_match(path: Path, contract: Contract, estate: Estate) -> None:
    """Refuse service levels that can never find a value: a measure not measured for the
    supplier's role, a priority without a target, a service or ``suppliers`` scope the estate
    does not give the supplier (each would leave the level grey and its credit silently 0)."""
    from siamlib.measures.catalogue import MEASURES

    sup = estate.supplier(contract.supplier_id)
    for i, sl in enumerate(contract.service_levels):
        where = f"{_display(path)}: service_levels[{i}]"
        roles = MEASURES[sl.measure].level_roles
        if sup.role not in roles:
            raise ParamsError(
                f"{where}.measure: {sl.measure} has no values for a {sup.role} supplier, so the "
                f"level would always be grey; it is measured for: {', '.join(roles)}"
            )
        if "priority" in sl.scope:
            clock = sl.measure.removeprefix("sla_").removesuffix("_attainment")
            p = sl.scope["priority"]
            have = sorted(
                {t.priority for t in contract.sla_targets if t.clock == clock and t.overlaps(sl)}
            )
            if str(p) not in {str(x) for x in have}:
                raise ParamsError(
                    f"{where}.scope.priority: no {clock} target for priority {p!r} while the "
                    f"level is in force, so it would always be grey; targets: "
                    f"{', '.join(map(str, have)) or 'none'} (add an sla_targets entry)"
                )
        if sl.bands and contract.credit_regime.type != "bands":
            raise ParamsError(
                f"{where}.bands: ignored by credit_regime.type "
                f"{contract.credit_regime.type!r}; remove them or set credit_regime.type: bands"
            )
        svc = sl.scope.get("service")
        if svc is not None and svc not in sup.services:
            raise ParamsError(
                f"{where}.scope.service: {svc!r} is not a service of {sup.id} in estate.yaml; "
                f"services: {', '.join(sup.services) or 'none'}"
            )
        if "suppliers" in sl.scope and sup.role != "integrator":
            raise ParamsError(
                f"{where}.scope.suppliers: the estate-wide value exists only for the "
                "integrator; remove the scope"
            )


def load_params(root: Path | str | None = None) -> Params:
    """Load and validate every params file under ``root`` (default: the project's ``params/``).

    Raises :class:`ParamsError` before any work starts if anything is wrong.
    """
    root = Path(root) if root is not None else paths.PARAMS_DIR
    estate = load_model(root / "estate.yaml", Estate)
    contracts: dict[str, Contract] = {}
    contract_dir = root / "contracts"
    if not contract_dir.is_dir():
        raise ParamsError(f"{_display(contract_dir)}: not a folder; expected contracts/<id>.yaml")
    for path in sorted(contract_dir.glob("*.yaml")):
        c = load_model(path, Contract)
        if c.supplier_id != path.stem:
            raise ParamsError(
                f"{_display(path)}: supplier_id: {c.supplier_id!r} does not match the file "
                f"name (expected {path.stem!r})"
            )
        if c.supplier_id not in {s.id for s in estate.suppliers}:
            raise ParamsError(
                f"{_display(path)}: supplier_id: {c.supplier_id!r} is not a supplier in estate.yaml"
            )
        _check_levels_can_match(path, c, estate)
        contracts[c.supplier_id] = c
    missing = [s.id for s in estate.suppliers if s.id not in contracts]
    if missing:
        raise ParamsError(
            f"{_display(contract_dir)}: no contract for supplier(s) {', '.join(missing)} "
            "(expected contracts/<supplier_id>.yaml)"
        )
    raci = load_model(root / "raci.yaml", Raci)
    suppliers = {s.id for s in estate.suppliers}
    unknown = [p for p in raci.parties if p not in suppliers and p != "retained"]
    if unknown:
        raise ParamsError(
            f"{_display(root / 'raci.yaml')}: parties: unknown party {', '.join(unknown)} "
            "(use 'retained' or a supplier id from estate.yaml)"
        )
    exclusions_path = root / "exclusions.yaml"
    exclusions = (
        load_model(exclusions_path, Exclusions) if exclusions_path.exists() else Exclusions()
    )
    delivery_path = root / "delivery.yaml"
    delivery = load_model(delivery_path, Delivery) if delivery_path.exists() else Delivery()
    return Params(
        root=root,
        estate=estate,
        contracts=contracts,
        raci=raci,
        exclusions=exclusions,
        delivery=delivery,
    )


def params_files(root: Path | str | None = None) -> list[Path]:
    """Every params file (for hashing into the run manifest)."""
    root = Path(root) if root is not None else paths.PARAMS_DIR
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())
