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
      disputes.yaml            disputed tickets and the verdict; upheld ones act as exclusions
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
import re
import string
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from siamlib import paths
from siamlib.common import DEFAULT_TZ
from siamlib.params.base import (  # noqa: F401 - the public names of siamlib.params
    BOOL_NOT_NUMBER,
    DAYS,
    SLUG_RE,
    UNIT_RANGES,
    WORK_KINDS,
    EffectiveDated,
    Money,
    ParamsError,
    Percent,
    Slug,
    Status,
    TimeZone,
    _Strict,
    check_pausable,
    first_repeat,
    in_force,
    overlapping,
)
from siamlib.params.contract import (  # noqa: F401
    Band,
    Calendar,
    ClockRules,
    Contract,
    CreditRegime,
    EarnBack,
    HolidayRegion,
    ServiceLevel,
    SlaTarget,
)
from siamlib.params.disputes import Dispute, Disputes, upheld_exclusions  # noqa: F401
from siamlib.yamlload import YamlFileError, load_yaml_mapping


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


class DesignedRoute(_Strict):
    """A route the operating model designs: consecutive parties a ticket is meant to move
    through (supplier ids, or ``towers`` for any tower). Moves between consecutive steps are
    left out of the handoff and ping-pong measures (:mod:`siamlib.measures.routes`)."""

    name: str = Field(min_length=1, max_length=120)
    path: list[str] = Field(min_length=2)

    @field_validator("path")
    @classmethod
    def _moves(cls, v: list[str]) -> list[str]:
        # A ticket staying with one supplier is no handoff: such a step would design nothing.
        for j in range(1, len(v)):
            if v[j] == v[j - 1] and v[j] != "towers":
                raise ValueError(
                    f"step {j} repeats {v[j]!r}: a route moves between two parties; "
                    "remove the repeated step"
                )
        return v


def _one_spelling(names: list[tuple[str, str, str]], noun: str) -> None:
    """Refuse two spellings of one name as a reader reads it (``siamlib.common.fold_text``:
    case, width, spaces, invisible characters). A probe listed ``Email`` under network beside
    hosting's ``email``: compared exactly they were two services, and network's availability
    counted a service it never ran (99.9836 to 99.9877 %); a group ``sd-l1`` of another
    supplier beside ``SD-L1`` made every event of the service desk fail EVT-019."""
    import pandas as pd

    from siamlib.common import fold_text

    folded = fold_text(pd.Series([n for _, n, _ in names], dtype="object"), spaces="")
    first: dict[str, tuple[str, str]] = {}
    for (where, name, owner), key in zip(names, folded, strict=True):
        seen = first.setdefault(key, (name, owner))
        if seen[0] != name:
            raise ValueError(
                f"{where}: {noun} {name!r} is {seen[0]!r} ({seen[1]}) but for letter case, "
                f"width, spaces or invisible characters; spell each {noun} one way"
            )


class Estate(_Strict):
    name: str
    currency: str = Field(default="GBP", pattern=r"^[A-Z]{3}$")
    customer: str = "Retained organisation"
    timezone: TimeZone = DEFAULT_TZ  # reporting months are calendar months in this zone
    # an open ticket older than this is "aged"; more than ten years is a typo, not a policy
    aged_after_days: int = Field(default=30, ge=1, le=3650)
    # the longest outage the data-quality gate accepts (rule OUT-015): a start or end keyed a
    # month early or late would count a month of downtime; raise it for a known long outage
    max_outage_days: int = Field(default=7, ge=1, le=366)
    # how far outside its planned window a change may end (rule CHG-025): changes count in the
    # month of their actual_end, so an end keyed a month late would move it to another month;
    # over 31 days a month typo would pass, so the slack stays under a month
    change_end_slack_days: int = Field(default=7, ge=1, le=31)
    suppliers: list[Supplier] = Field(min_length=1)
    assignment_groups: list[AssignmentGroup] = Field(default_factory=list)
    designed_routes: list[DesignedRoute] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        ids = [s.id for s in self.suppliers]
        for i, r in enumerate(self.designed_routes):
            for j, step in enumerate(r.path):
                if step not in ids and step != "towers":
                    raise ValueError(
                        f"designed_routes[{i}].path[{j}]: unknown party {step!r}; use a "
                        f"supplier id ({', '.join(ids)}) or 'towers'"
                    )
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
        _one_spelling(
            [(f"suppliers[{i}].services[{j}]", svc, f"supplier {sup.id!r}")
             for i, sup in enumerate(self.suppliers) for j, svc in enumerate(sup.services)],
            "service",
        )  # fmt: skip
        _one_spelling(
            [(f"assignment_groups[{i}].group", g.group, f"assignment_groups[{i}]")
             for i, g in enumerate(self.assignment_groups)],
            "assignment group",
        )  # fmt: skip
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
    # Scope as lived (siamlib.scope_lived): a party whose actual share of an operations
    # capability's work items differs from its contracted share by more than this many
    # percentage points is flagged as drifting.
    drift_tolerance_pct: Percent = Field(default=15, gt=0, le=100)

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

    @field_validator("ticket_id")
    @classmethod
    def _bare(cls, v: str) -> str:
        # " INC1" never equals a ticket id, so the exclusion would silently do nothing
        if v != v.strip():
            raise ValueError(f"{v!r} has spaces around it; write the ticket id alone")
        return v


class Exclusions(_Strict):
    exclusions: list[Exclusion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _once(self):
        # One ticket, one agreed exclusion: a second entry hides which approval applies.
        if rep := first_repeat(e.ticket_id for e in self.exclusions):
            i, j, tid = rep
            raise ValueError(
                f"exclusions[{i}] and exclusions[{j}] both exclude ticket {tid!r}; keep one"
            )
        return self


# --------------------------------------------------------------------------- delivery
class Delivery(_Strict):
    sender: EmailStr = "siam-reports@example.org"
    subject_template: str = "{period} {supplier}: SIAM performance"
    board_subject_template: str = "{period} SIAM board summary"
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
    disputes: Disputes = Disputes()

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
            if err["type"] == BOOL_NOT_NUMBER and err["ctx"]["path"]:
                # a list item or mapping value inside the field: at_risk_bands[2], share.euc
                sub = err["ctx"]["path"]
                key += sub if sub.startswith("[") or not key else f".{sub}"
                msg = err["ctx"]["problem"]
            if err["type"] == "finite_number":
                msg = (
                    f"a finite number is expected, got {err['input']!r} (.inf and .nan are refused)"
                )
            # A model's own check may start its message with the key below it ("scope.x: ...")
            joined = f"{key}.{msg}" if key and _SUBKEY.match(msg) else f"{key}: {msg}"
            problems.append(f"{_display(path)}: {joined if key else msg}")
        raise ParamsError(" | ".join(problems)) from None


_SUBKEY = re.compile(r"^[A-Za-z_][\w\[\]]*(\.[A-Za-z_][\w\[\]]*)*: ")


def _check_levels_can_match(path: Path, contract: Contract, estate: Estate) -> None:
    """Refuse service levels that can never find a value: a measure not measured for the
    supplier's role, a priority without a target, a service or ``suppliers`` scope the estate
    does not give the supplier (each would leave the level grey and its credit silently 0)."""
    from siamlib.measures.catalogue import MEASURES

    sup = estate.supplier(contract.supplier_id)
    if sup.role == "tower" and "always" not in contract.calendars:
        # availability counts agreed time on it; without it the run stops on a KeyError
        raise ParamsError(
            f"{_display(path)}: calendars.always: required for a tower (agreed service hours "
            f"for availability); defined: {', '.join(contract.calendars)}; add an 'always' "
            "calendar (24x7 unless the contract agrees other service hours)"
        )
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
        if sl.measure == "availability" and not sup.services:
            raise ParamsError(
                f"{where}.measure: availability needs services, but estate.yaml lists none for "
                f"{sup.id}; add its services there"
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


def _check_pool_money(path: Path, contract: Contract) -> None:
    """Refuse a pool regime whose credits are always 0 by one of its two factors."""
    if contract.credit_regime.type != "pool" or not contract.service_levels:
        return
    allocated = [s.id for s in contract.service_levels if s.pool_allocation_pct > 0]
    if allocated and contract.at_risk_pct == 0:
        raise ParamsError(
            f"{_display(path)}: at_risk_pct: 0 makes every pool credit 0 although service "
            f"levels {', '.join(allocated)} have a pool_allocation_pct; set the at-risk % "
            "(or the allocations to 0 if nothing is at risk)"
        )
    if not allocated and contract.at_risk_pct > 0:
        raise ParamsError(
            f"{_display(path)}: service_levels: no level has a pool_allocation_pct, so the "
            f"{contract.at_risk_pct:g}% at risk can never be credited; allocate the pool "
            "(or set at_risk_pct: 0)"
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
        _check_pool_money(path, c)
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
    if not exclusions_path.exists():
        # Required: a renamed or deleted file would silently put every agreed exclusion
        # back into the figures and the credits.
        raise ParamsError(
            f"{_display(exclusions_path)}: file missing; it holds the agreed exclusions "
            "(write `exclusions: []` when there are none)"
        )
    exclusions = load_model(exclusions_path, Exclusions)
    disputes_path = root / "disputes.yaml"
    disputes = load_model(disputes_path, Disputes) if disputes_path.exists() else Disputes()
    # Upheld disputes act as exclusions (siamlib.params.disputes); an agreed exclusion of the
    # same ticket stays the one listed.
    listed = {e.ticket_id for e in exclusions.exclusions}
    extra = [e for e in upheld_exclusions(disputes) if e.ticket_id not in listed]
    if extra:
        exclusions = Exclusions(exclusions=[*exclusions.exclusions, *extra])
    delivery_path = root / "delivery.yaml"
    delivery = load_model(delivery_path, Delivery) if delivery_path.exists() else Delivery()
    return Params(
        root=root,
        estate=estate,
        contracts=contracts,
        raci=raci,
        exclusions=exclusions,
        delivery=delivery,
        disputes=disputes,
    )


def params_files(root: Path | str | None = None) -> list[Path]:
    """Every params file (for hashing into the run manifest)."""
    root = Path(root) if root is not None else paths.PARAMS_DIR
    # Draft contracts (what-if, siamlib.compare) are not inputs of any pack.
    return sorted(
        p for p in root.rglob("*.yaml") if p.is_file() and "drafts" not in p.relative_to(root).parts
    )
