"""Contract params: calendars, clock rules, SLA targets, service levels, credit regime.

The rules a contract file must keep (units, directions, bands, scopes, overlaps) are checked
here; rules that need the estate too are in :func:`siamlib.params.load_params`.

>>> ServiceLevel(id="X", measure="reopen_rate", expected=3, minimum=6, weight=100).minimum
6.0
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import (
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from siamlib.common import DEFAULT_AGE_BUCKETS, DEFAULT_TZ, bucket_labels
from siamlib.params.base import (
    _HHMM,
    DAYS,
    UNIT_RANGES,
    EffectiveDated,
    Money,
    Percent,
    Slug,
    Status,
    TimeZone,
    _Strict,
    check_pausable,
    fraction_hint,
    in_force,
    no_gaps,
    overlapping,
)


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

    timezone: TimeZone = DEFAULT_TZ
    weekly_hours: dict[Literal[DAYS], list[tuple[str, str]]]  # type: ignore[valid-type]
    holidays: HolidayRegion | None = None
    extra_holidays: list[dt.date] = Field(default_factory=list)

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
    # a target longer than a (leap) year of hours is a typo, not a service level
    target_hours: float = Field(gt=0, le=8784)
    calendar: str = "business"


class Band(_Strict):
    """A credit band: actual level in [from, to) attracts ``amount`` (negative = reward)."""

    from_level: float = Field(alias="from")
    to_level: float = Field(alias="to")
    amount: Money

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
    pool_allocation_pct: Percent = Field(default=0, ge=0, le=100)
    bands: list[Band] = Field(default_factory=list)
    # Fewest records (the scorecard's denominator) a month must count for the level to be
    # scored on that month alone; below it the contract's small_samples policy applies.
    min_volume: int | None = Field(default=None, ge=1, le=100000)

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
        if higher and m.unit == "%":
            self._check_not_fractions()
        if (higher and self.minimum > self.expected) or (
            not higher and self.minimum < self.expected
        ):
            raise ValueError(
                f"minimum {self.minimum} is better than expected {self.expected} for a "
                f"{m.direction}-is-better measure"
            )
        self._check_scope_keys(m)
        self._check_bands(lo, hi)
        self._check_band_gaps(lo, hi, higher)
        return self

    def _check_not_fractions(self) -> None:
        # AVAIL written 0.995 / 0.99 turned red into green (a £7,200 credit gone). A lower-is-
        # better level may be small (a reopen rate of at most 0.5 %): that is not checked.
        for name in ("expected", "minimum"):
            v = getattr(self, name)
            if 0 < v < 1:
                raise ValueError(
                    f"{name}: {v:g} {fraction_hint(v)}; a higher-is-better per-cent level "
                    f"between 0 and 1 is never meant ({self.measure})"
                )

    def _check_scope_keys(self, m) -> None:
        allowed = ", ".join(m.scope_keys) or "none (remove the scope)"
        for k, v in self.scope.items():
            if k not in m.scope_keys:
                raise ValueError(
                    f"scope.{k}: unknown scope key for measure {m.id}; allowed: {allowed}"
                )
            if k == "age":
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

    def _check_band_gaps(self, lo: float, hi: float, higher: bool) -> None:
        """Refuse a level range no band covers, worse than a band that pays a credit.

        A level in no band pays nothing (:func:`siamlib.credits._band_amounts`), so a gap
        between two bands, or below the lowest band of a higher-is-better measure, paid less
        than the better band beside it (probe 8: bands [0, 85) 5,000 and [90, 95) 2,000 paid
        nothing at 87 %, exit 0). The neutral zone between a credit band and a reward band,
        and levels better than every band, are not judged: paying nothing there is meant. The
        worse end of a measure without an upper bound (hours, counts) cannot be covered by a
        band, so it is not judged either (docs/params.md).
        """
        spans = sorted((b.from_level, b.to_level, b.amount) for b in self.bands)
        if not spans:
            return
        holes = [(lo, spans[0][0])] if spans[0][0] > lo else []
        holes += [(t, f) for (_, t, _), (f, _, _) in zip(spans, spans[1:], strict=False) if f > t]
        if spans[-1][1] < hi:
            holes.append((spans[-1][1], hi))
        for a, b in holes:
            if math.isinf(b):
                continue
            better = [s for s in spans if (s[0] >= b if higher else s[1] <= a)]
            paying = [s for s in better if s[2] > 0]
            if paying:
                f, t, amount = paying[0] if higher else paying[-1]
                raise ValueError(
                    f"bands leave {a:g}-{b:g} without a band, so a level there would pay "
                    f"nothing though the better band {f:g}-{t:g} pays {amount:g}; add a band "
                    f"for {a:g}-{b:g} (amount 0 if no credit is meant)"
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
    # One cause (outage, change, problem) driving misses in several levels: which credit
    # stands (siamlib.waivers, all causes at once). "all" keeps every credit (no waiver).
    one_credit_per_cause: Literal["largest", "first_listed", "all"] = "largest"


class SmallSamples(_Strict):
    """What a level counting fewer records than its ``min_volume`` is scored on.

    - ``rolling``: the sums of numerators and denominators of the ``months`` months up to the
      period; grey when even those count fewer than ``min_volume``.
    - ``grey``: not scored, no credit; the scorecard's note says why.
    """

    policy: Literal["rolling", "grey"] = "rolling"
    months: int = Field(default=3, ge=2, le=12)


class Contract(_Strict):
    supplier_id: Slug
    # plausibility bound: a charge of 10^11 or more a month is a typo (extra zeros)
    monthly_charge: Money = Field(ge=0, lt=1e11)
    at_risk_pct: Percent = Field(default=0, ge=0, le=100)
    calendars: dict[str, Calendar]
    clock: ClockRules = ClockRules()
    sla_targets: list[SlaTarget] = Field(default_factory=list)
    service_levels: list[ServiceLevel] = Field(default_factory=list)
    credit_regime: CreditRegime = CreditRegime()
    small_samples: SmallSamples = SmallSamples()
    recipients: list[EmailStr] = Field(default_factory=list)
    # The agreed maintenance window: a planned outage outside it is blocked by the gate
    # (OUT-030), so relabelling an outage "planned" cannot take its minutes out of availability.
    maintenance_window: str | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.maintenance_window is not None and self.maintenance_window not in self.calendars:
            raise ValueError(
                f"maintenance_window: unknown calendar {self.maintenance_window!r}; "
                f"defined: {', '.join(self.calendars)}"
            )
        for i, t in enumerate(self.sla_targets):
            if t.calendar not in self.calendars:
                raise ValueError(
                    f"sla_targets[{i}].calendar: unknown calendar {t.calendar!r}; "
                    f"defined: {', '.join(self.calendars)}"
                )
        overlapping(self.sla_targets, lambda t: f"priority {t.priority} {t.clock}", "sla_targets")
        no_gaps(
            self.sla_targets,
            lambda t: f"priority {t.priority} {t.clock}",
            "sla_targets",
            " (tickets opened then would have no target and fall out of the levels)",
        )
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
        if sl.min_volume is not None:
            from siamlib.measures.catalogue import COUNTED

            if sl.measure not in COUNTED:
                raise ValueError(
                    f"{where}.min_volume: {sl.measure} has no record counts to compare with a "
                    f"minimum volume; set min_volume only on: {', '.join(sorted(COUNTED))}"
                )
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
