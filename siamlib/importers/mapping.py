"""Mapping files: how the columns and vocabulary of a source export map onto the data model.

A mapping file (``params/mappings/<source>.yaml``) says which columns hold the case id, the
timestamp (format and time zone), the status (possibly split over two columns), the team,
organisation, support level, priority and service; how source statuses and priorities map onto
ours; and which supplier each team or organisation belongs to. A new source with the same shape
as a known one needs a new mapping file, not new code. ``docs/importing.md`` documents every key.

Mapping files are validated with pydantic like the other params files: a bad file raises
:class:`siamlib.params.ParamsError` naming the file, the key and the problem. Supplier ids are
checked against the estate with :func:`check_against_estate` when an import starts.

Examples
--------
>>> m = EventLogMapping.model_validate({
...     "name": "tiny",
...     "columns": {"case_id": "Case", "timestamp": "When", "status": "State"},
...     "status_map": {"Open": "in_progress", "Done": "resolved"},
... })
>>> m.timestamps.timezone, m.format.header_rows
('UTC', 1)
>>> m.status_key_columns
['State']
"""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from siamlib import paths
from siamlib.params import (
    EffectiveDated,
    Estate,
    ParamsError,
    Slug,
    Status,
    _Strict,
    check_pausable,
    load_model,
)
from siamlib.schema import WORKED_STATUSES

MAPPINGS_DIR = paths.PARAMS_DIR / "mappings"
SERVICENOW_MAPPING = MAPPINGS_DIR / "servicenow.yaml"

# ``default_service`` may name this instead of a service: the first service the ticket's
# supplier lists in estate.yaml.
FROM_SUPPLIER = "from_supplier"


def _str_keys(v: object) -> object:
    # YAML reads unquoted keys such as -100 or 1 as numbers; source values are text.
    if isinstance(v, dict):
        return {str(k): val for k, val in v.items()}
    return v


class FileFormat(_Strict):
    """How to read the file: CSV or Excel, encoding, header rows, missing-value markers."""

    kind: Literal["auto", "csv", "excel"] = "auto"  # auto: by suffix (.xlsx/.xlsm = excel)
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    # Tried when the file is not valid in ``encoding`` (spreadsheet exports on Windows are
    # often cp1252); null turns the fallback off, so a wrongly encoded file is an error.
    fallback_encoding: str | None = "cp1252"
    header_rows: int = Field(default=1, ge=1, le=5)
    header_join: str = " "  # joins the parts of a multi-row header into one column name
    sheet: str | int = 0  # Excel sheet name or 0-based index
    missing_values: list[str] = Field(default_factory=lambda: [""])

    @field_validator("encoding", "fallback_encoding")
    @classmethod
    def _known_encoding(cls, v):
        import codecs

        if v is not None:
            try:
                codecs.lookup(v)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {v!r}") from exc
        return v


class Columns(_Strict):
    """Source column names for each field; only case id, timestamp and status are required."""

    case_id: str
    timestamp: str
    status: str
    sub_status: str | None = None  # second status column, joined to the first
    sequence: str | None = None  # update counter breaking timestamp ties (sys_mod_count)
    team: str | None = None  # resolver group / support team
    organisation: str | None = None  # organisation line holding the team
    support_level: str | None = None
    priority: str | None = None  # priority or impact, mapped to 1-4 by priority_map
    service: str | None = None  # product or business service
    category: str | None = None
    ci: str | None = None
    opened_at: str | None = None
    resolved_at: str | None = None  # used only when the events show no resolution
    closed_at: str | None = None  # used only with row_per_ticket (a list export)
    problem_id: str | None = None
    change_id: str | None = None


class Timestamps(_Strict):
    """Timestamp format and the time zone of the source's wall-clock times.

    ``format`` is a ``strptime`` format or ``ISO8601``; ISO 8601 values are accepted with any
    format (Excel date cells arrive that way). Values carrying an offset (``+01:00``, ``Z``)
    are converted with it; the others are local times in ``timezone``. A local time inside the
    spring-forward gap does not exist and is shifted forward by the gap (01:30 -> 02:00 local);
    a local time in the repeated autumn hour is read as its ``ambiguous`` occurrence:
    ``first`` (daylight time, the earlier instant) or ``second`` (standard time).

    The day and month order is the one ``format`` gives (``%d/%m`` day first, ``%m/%d`` month
    first). With ``check_date_order`` (the default) an import stops when the file's dates look
    to be in the other order (:mod:`siamlib.importers.checks`); set it to false only after
    checking the dates by hand.
    """

    format: str = "ISO8601"
    timezone: str = "UTC"
    ambiguous: Literal["first", "second"] = "first"
    check_date_order: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v):
        return check_timezone(v)


class SupplierRule(EffectiveDated):
    """Team or organisation -> supplier. The first rule that matches a row wins.

    Match with ``equals`` (one value or a list) or ``pattern`` (a regular expression matching
    the whole value); ``number_range: [low, high]`` further requires the pattern's first
    group to be a number in that inclusive range (e.g. ``Group (\\d+)`` with ``[20, 39]``).
    """

    field: Literal["team", "organisation"] = "team"
    equals: str | list[str] | None = None
    pattern: str | None = None
    number_range: tuple[int, int] | None = None
    supplier_id: Slug
    support_level: int | None = Field(default=None, ge=1, le=3)

    @model_validator(mode="after")
    def _one_matcher(self):
        if (self.equals is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'equals' or 'pattern'")
        if self.pattern is not None:
            try:
                compiled = re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(
                    f"pattern {self.pattern!r} is not a regular expression: {exc}"
                ) from None
            if self.number_range is not None and compiled.groups < 1:
                raise ValueError("number_range needs a pattern with a group, e.g. 'Group (\\d+)'")
        elif self.number_range is not None:
            raise ValueError("number_range needs a 'pattern'")
        if self.number_range is not None and self.number_range[0] > self.number_range[1]:
            raise ValueError("number_range: low is above high")
        return self

    @property
    def values(self) -> list[str]:
        """The ``equals`` values as a list."""
        if self.equals is None:
            return []
        return [self.equals] if isinstance(self.equals, str) else list(self.equals)


class EventLogMapping(_Strict):
    """A mapping file for an event log (one row per status or assignment change)."""

    name: str = Field(min_length=1)
    description: str = ""
    ticket_type: Literal["incident", "request"] = "incident"
    format: FileFormat = FileFormat()
    columns: Columns
    timestamps: Timestamps = Timestamps()
    # Status and sub-status are looked up as "<status><status_join><sub status>"; a row whose
    # combined value is not a key falls back to the status alone.
    status_join: str = " / "
    status_map: dict[str, Status] = Field(min_length=1)
    # Source statuses that mark a broken row: the row is rejected with the given reason.
    reject_statuses: dict[str, str] = Field(default_factory=dict)
    # Activities that record work without changing the status (an activity log's notes and
    # updates): the row keeps the status of the row before it ("new" before any status).
    carry_statuses: list[str] = Field(default_factory=list)
    # Informative only: the contract (params/contracts/*.yaml clock.pause_statuses) decides.
    suggested_pause_statuses: list[Status] = Field(default_factory=list)
    # Statuses that count as the first response by a resolver (tickets.first_response_at).
    # All of schema.WORKED_STATUSES (the gate's TKT-037 bound), and "assigned" if it counts.
    response_statuses: list[Status] = Field(default_factory=lambda: list(WORKED_STATUSES))
    priority_map: dict[str, int] = Field(default_factory=dict)
    default_priority: int | None = Field(default=None, ge=1, le=4)
    support_level_map: dict[str, int] = Field(default_factory=dict)
    # Level of a support_level value that names none (BPI 2013: "G97" is first line, "N15 2nd"
    # second); null leaves it to the supplier rule's level.
    default_support_level: int | None = Field(default=None, ge=1, le=3)
    # Look teams up in estate.yaml assignment_groups (effective-dated) before supplier_rules.
    use_estate_groups: bool = True
    supplier_rules: list[SupplierRule] = Field(default_factory=list)
    # Supplier for a team no rule maps; null rejects such rows with reason "unmapped group".
    unmapped_group_supplier: Slug | None = None
    # Supplier holding events before the first assignment and tickets never assigned; null
    # rejects the rows of never-assigned tickets.
    unassigned_supplier: Slug | None = None
    service_map: dict[str, str] = Field(default_factory=dict)
    default_service: str | None = None  # a service name, or "from_supplier"
    # A list export (one row per ticket, its current state; e.g. a ServiceNow incident list)
    # rather than a log of changes: resolved_at / closed_at come from the source columns, not
    # from the row's update time, and a ticket with more than one row is rejected.
    row_per_ticket: bool = False

    _keys_as_text = field_validator(
        "status_map", "reject_statuses", "priority_map", "support_level_map", "service_map",
        mode="before",
    )(_str_keys)  # fmt: skip

    @field_validator("priority_map")
    @classmethod
    def _priorities(cls, v):
        bad = [k for k, p in v.items() if not 1 <= p <= 4]
        if bad:
            raise ValueError(f"priorities must be 1-4 (check {', '.join(map(repr, bad))})")
        return v

    @field_validator("support_level_map")
    @classmethod
    def _levels(cls, v):
        bad = [k for k, p in v.items() if not 1 <= p <= 3]
        if bad:
            raise ValueError(f"support levels must be 1-3 (check {', '.join(map(repr, bad))})")
        return v

    @field_validator("response_statuses")
    @classmethod
    def _responses(cls, v):
        missing = [st for st in WORKED_STATUSES if st not in v]
        if missing or set(v) & {"new", "cancelled"}:
            raise ValueError(
                "must hold every status that shows a resolver working the ticket "
                f"({', '.join(WORKED_STATUSES)}), may add 'assigned', never 'new' or "
                f"'cancelled' (the gate's TKT-037 bounds a first response by them)"
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        return v

    @field_validator("suggested_pause_statuses")
    @classmethod
    def _pausable(cls, v):
        return check_pausable(v)

    @model_validator(mode="after")
    def _consistent(self):
        both = sorted(set(self.status_map) & set(self.reject_statuses))
        if both:
            raise ValueError(f"statuses both mapped and rejected: {', '.join(both)}")
        twice = sorted(
            set(self.carry_statuses) & (set(self.status_map) | set(self.reject_statuses))
        )
        if twice:
            raise ValueError(
                f"carry_statuses also in status_map or reject_statuses: {', '.join(twice)}"
            )
        if self.supplier_rules and not (self.columns.team or self.columns.organisation):
            raise ValueError("supplier_rules need columns.team or columns.organisation")
        for i, r in enumerate(self.supplier_rules):
            if getattr(self.columns, r.field) is None:
                raise ValueError(
                    f"supplier_rules[{i}].field: {r.field!r} but columns.{r.field} is not set"
                )
        return self

    @property
    def status_key_columns(self) -> list[str]:
        """The source columns forming the status key."""
        c = self.columns
        return [c.status] + ([c.sub_status] if c.sub_status else [])

    def source_columns(self) -> dict[str, str]:
        """Field -> source column for every column the mapping uses."""
        return {k: v for k, v in self.columns.model_dump().items() if v is not None}

    def supplier_ids(self) -> dict[str, str]:
        """Mapping key -> supplier id, for every supplier the mapping names."""
        out = {
            f"supplier_rules[{i}].supplier_id": r.supplier_id
            for i, r in enumerate(self.supplier_rules)
        }
        if self.unmapped_group_supplier:
            out["unmapped_group_supplier"] = self.unmapped_group_supplier
        if self.unassigned_supplier:
            out["unassigned_supplier"] = self.unassigned_supplier
        return out


def check_timezone(tz: str) -> str:
    """Return ``tz`` if it is an IANA time zone name, else raise ``ValueError``.

    >>> check_timezone("Europe/London")
    'Europe/London'
    """
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {tz!r} (use an IANA name such as Europe/London)"
        ) from None
    return tz


def display_path(path: Path | str) -> str:
    """``path`` relative to the project root when inside it (for messages).

    >>> display_path(paths.PARAMS_DIR / "estate.yaml")
    'params/estate.yaml'
    """
    p = Path(path)
    try:
        return str(p.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(p)


def load_mapping(path: Path | str) -> EventLogMapping:
    """Load and validate a mapping file; errors name the file, the key and the problem.

    >>> load_mapping(SERVICENOW_MAPPING).columns.case_id
    'number'
    """
    return load_model(Path(path), EventLogMapping)


def check_against_estate(mapping: EventLogMapping, estate: Estate, where: str = "mapping") -> None:
    """Raise :class:`ParamsError` when the mapping names a supplier the estate does not have.

    The imported data is measured with the estate's params, so every supplier id the mapping
    produces must be one of ``estate.suppliers``.

    >>> from siamlib.params import load_params
    >>> check_against_estate(load_mapping(SERVICENOW_MAPPING), load_params().estate)
    """
    known = {s.id for s in estate.suppliers}
    problems = [
        f"{where}: {key}: unknown supplier {sid!r} (estate.yaml has {', '.join(sorted(known))})"
        for key, sid in mapping.supplier_ids().items()
        if sid not in known
    ]
    if mapping.default_service is None and mapping.columns.service is None:
        problems.append(f"{where}: default_service: needed when columns.service is not set")
    if problems:
        raise ParamsError("\n".join(problems))
