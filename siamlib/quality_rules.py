"""The data-quality rule catalogue: rules generated from the data model, the params and the window.

:func:`build_rules` is re-exported by :mod:`siamlib.quality` (``quality.build_rules``), as are
:class:`Rule` and the severities; the runner there turns each rule into a Great Expectations
expectation. ``docs/data-quality.md`` lists every rule, its severity and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from siamlib import schema
from siamlib.params import Params
from siamlib.quality_cross import Derive, _clean_id, _cross_rules
from siamlib.quality_late import late_rules
from siamlib.quality_probe import probe_rules
from siamlib.quality_strict import fixed_numbers, maintenance_windows, strict_rules

# blocking: a failure blocks the suppliers it touches. quarantine: failing rows are taken out of
# every measure (siamlib.quarantine), unless too many, then it blocks. warning: kept only where
# the column feeds no figure (docs/data-quality.md says why each is harmless).
SEVERITIES = ("blocking", "quarantine", "warning")
# Weight of a rule in the data-quality score: a blocking rule counts three times the others.
SEVERITY_WEIGHT = {"blocking": 3.0, "quarantine": 1.0, "warning": 1.0}
# Earliest plausible timestamp; the latest is the dataset window's end plus DATE_MARGIN.
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")
DATE_MARGIN = pd.Timedelta(days=1)
# Tables none of whose rows may be quarantined: a rule that would quarantine one blocks its
# supplier instead. Taking an outage out always drops real downtime and so always raises its
# supplier's availability (a probe: an outage's end after the window was quarantined, hosting
# went from 98.63 to 99.99 %, credit down £4,320); other tables' rows may move a figure
# either way, and quarantining them is said.
NEVER_QUARANTINED = frozenset({"outages"})
PREFIX = {
    "tickets": "TKT",
    "ticket_events": "EVT",
    "problems": "PRB",
    "changes": "CHG",
    "outages": "OUT",
    "improvements": "IMP",
    "surveys": "SRV",
}
# Plain-English row names for descriptions.
NOUN = {
    "tickets": "ticket",
    "ticket_events": "ticket event",
    "problems": "problem",
    "changes": "change",
    "outages": "outage",
    "improvements": "improvement",
    "surveys": "survey response",
}
# Required columns no measure, clock or credit reads: a gap is a harmless warning.
_WARNING_NOT_NULL = {"title"}
# Required columns a measure reads only for scoping (contract scope, exclusions, who answered
# a survey: SRV-014/015 cannot check a response without its respondent): a gap quarantines
# the row rather than stopping a report.
_QUARANTINE_NOT_NULL = {"service", "respondent"}
# Numeric ranges by the unit declared in the schema; (min, max, severity).
_UNIT_RANGES = {
    "1-4": (1, 4, "blocking"),
    "1-3": (1, 3, "quarantine"),
    "1-5": (1, 5, "quarantine"),
    "count": (0, None, "quarantine"),
}
_RANGE_OVERRIDES = {("ticket_events", "event_seq"): (1, None, "blocking")}
# ``\Z``, not ``$``: GX searches with ``re`` (``str.contains``), where ``$`` also matches
# before a final line break ('2026-10\n' passed and left its month unseen).
_PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])\Z"


# ----------------------------------------------------------------------------------- rules ----
@dataclass(frozen=True)
class Rule:
    """One data-quality rule: a Great Expectations expectation plus its identity and policy.

    ``expectation`` is the class name in ``great_expectations.expectations`` and ``kwargs`` its
    arguments. ``frame`` says what the expectation runs on: ``"table"`` (the table's rows, with
    any derived column added by ``derive``) or ``"dtypes"`` (one row per timestamp column of the
    table: ``column``, ``dtype``). ``per_supplier`` rules are broken down by the rows'
    ``supplier_id``; the others are estate-wide. ``also_counts`` (optional, tables -> one
    supplier id or <NA> per row) names a second supplier a failing row also counts against,
    besides the row's own attribution: EVT-017 counts a relabelled event against the supplier
    whose assignment group held it, whose figures lose it.
    """

    rule_id: str
    table: str
    column: str
    severity: str
    description: str
    expectation: str
    kwargs: dict = field(default_factory=dict)
    frame: str = "table"
    derive: Derive | None = None
    per_supplier: bool = True
    also_counts: Derive | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.rule_id}: severity must be one of {SEVERITIES}")

    @property
    def derived_column(self) -> str:
        return f"__{self.rule_id}" if self.derive is not None or self.frame == "dtypes" else ""


def with_article(word: str) -> str:
    """``word`` with its indefinite article: "an event", "a ticket".

    >>> with_article("improvement")
    'an improvement'
    """
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _as_utc(ts) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def build_rules(
    params: Params | Iterable[str],
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> list[Rule]:
    """Generate the rule catalogue from the data model, the params and the data window.

    Parameters
    ----------
    params
        Validated params (the known supplier ids come from ``params.estate``), or the known
        supplier ids themselves.
    window
        ``(start, end)`` of the dataset's declared window (start inclusive, end exclusive), e.g.
        ``siamlib.io.read_dataset_info(folder).window``; ``None`` leaves out the window rules.

    Returns
    -------
    list of Rule
        In suite order; rule ids are numbered per table (``TKT-001`` ...) in that order.

    Examples
    --------
    >>> rules = build_rules(["hosting", "network"])
    >>> [(r.rule_id, r.severity, r.description) for r in rules][2]
    ('TKT-003', 'blocking', 'No two tickets share a ticket_id.')
    >>> sorted({r.rule_id[:3] for r in rules})
    ['CHG', 'EVT', 'IMP', 'OUT', 'PRB', 'SRV', 'TKT']
    """
    suppliers = (
        [s.id for s in params.estate.suppliers] if isinstance(params, Params) else list(params)
    )
    services = (
        {s.id: tuple(s.services) for s in params.estate.suppliers}
        if isinstance(params, Params)
        else None
    )
    start = end = None
    if window is not None:
        start, end = (_as_utc(w) for w in window)
    estate = params.estate if isinstance(params, Params) else None
    cross = _cross_rules(services, estate)
    late = late_rules(services, estate, None if start is None else (start, end))
    probe = probe_rules(services, estate, None if start is None else (start, end))
    fixed = strict_rules(maintenance_windows(params) if isinstance(params, Params) else None)
    rules: list[Rule] = []
    for name, table in schema.TABLES.items():
        noun = NOUN[name]
        a_noun = with_article(noun).capitalize()
        specs: list[dict] = []
        specs.append(
            dict(column="(all columns)", severity="blocking", per_supplier=False,
                 description=f"The {name} table has every column of the data model.",
                 expectation="ExpectTableColumnsToMatchSet",
                 kwargs={"column_set": table.column_names, "exact_match": False})
        )  # fmt: skip
        ts_cols = [c.name for c in table.columns if c.type == "timestamp"]
        if ts_cols:
            specs.append(
                dict(column="(timestamp columns)", severity="blocking", per_supplier=False,
                     frame="dtypes", expectation="ExpectColumnValuesToBeInSet",
                     description=f"Timestamps in {name} are timezone-aware UTC "
                     f"({schema.TIMESTAMP_DTYPE}).", kwargs={"value_set": [True]})
            )  # fmt: skip
        if len(table.key) == 1:
            specs.append(
                dict(column=table.key[0], severity="blocking",
                     description=f"No two {noun}s share {with_article(table.key[0])}.",
                     expectation="ExpectColumnValuesToBeUnique",
                     kwargs={"column": table.key[0]})
            )  # fmt: skip
        else:
            specs.append(
                dict(column="+".join(table.key), severity="blocking",
                     description=f"No two {noun}s share the same "
                     f"{' and '.join(table.key)}.",
                     expectation="ExpectCompoundColumnsToBeUnique",
                     kwargs={"column_list": list(table.key)})
            )  # fmt: skip
        for c in table.columns:
            if c.required:
                sev = "blocking"
                if c.name in _WARNING_NOT_NULL:
                    sev = "warning"
                elif c.name in _QUARANTINE_NOT_NULL:
                    sev = "quarantine"
                specs.append(
                    dict(column=c.name, severity=sev,
                         description=f"Every {noun} has {with_article(c.name)}.",
                         expectation="ExpectColumnValuesToNotBeNull", kwargs={"column": c.name})
                )  # fmt: skip
        for c in table.columns:
            if c.values:
                specs.append(
                    dict(column=c.name, severity="blocking",
                         description=f"{a_noun}'s {c.name} is one of: {', '.join(c.values)}.",
                         expectation="ExpectColumnValuesToBeInSet",
                         kwargs={"column": c.name, "value_set": list(c.values)})
                )  # fmt: skip
            if c.references == "estate.suppliers.id":
                sev = "blocking" if c.required else "quarantine"
                specs.append(
                    dict(column=c.name, severity=sev,
                         description=f"{a_noun}'s {c.name} is a supplier of the estate "
                         "(params/estate.yaml).",
                         expectation="ExpectColumnValuesToBeInSet",
                         kwargs={"column": c.name, "value_set": list(suppliers)})
                )  # fmt: skip
            if c.name == "period" and c.unit == "YYYY-MM":
                specs.append(
                    dict(column=c.name, severity="blocking",
                         description=f"{a_noun}'s period is a month written YYYY-MM.",
                         expectation="ExpectColumnValuesToMatchRegex",
                         kwargs={"column": c.name, "regex": _PERIOD_RE})
                )  # fmt: skip
        for c in table.columns:
            rng = _RANGE_OVERRIDES.get((name, c.name)) or (
                _UNIT_RANGES.get(c.unit) if c.type in ("int", "float") else None
            )
            if rng:
                lo, hi, sev = rng
                what = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
                kwargs = {"column": c.name, "min_value": lo}
                if hi is not None:
                    kwargs["max_value"] = hi
                specs.append(
                    dict(column=c.name, severity=sev,
                         description=f"{a_noun}'s {c.name} is {what}.",
                         expectation="ExpectColumnValuesToBeBetween", kwargs=kwargs)
                )  # fmt: skip
        # Plausible dates: a year 1900 or 2200 ticket would shift a month's figures. Without a
        # window only the lower bound applies.
        latest = None if end is None else end + DATE_MARGIN
        for col in ts_cols:
            kwargs = {"column": col, "min_value": EARLIEST}
            what = f"not before {EARLIEST:%Y-%m-%d}"
            if latest is not None:
                kwargs.update(max_value=latest, strict_max=True)
                what += (
                    f" and before {latest:%Y-%m-%d %H:%M} UTC (the dataset window's end "
                    f"plus {DATE_MARGIN.days} day)"
                )
            specs.append(
                dict(column=col, severity="quarantine",
                     description=f"{a_noun}'s {col} is a plausible date: {what}.",
                     expectation="ExpectColumnValuesToBeBetween", kwargs=kwargs)
            )  # fmt: skip
        specs += _derived(cross.get(name, []))
        # Ids hold no invisible character (after the cross-table rules: no rule id moves). An
        # exclusion, dispute or evidence list names a row by its id: INC\u200b0000042 is not
        # INC0000042. The table's own id blocks; a link to another table's id quarantines.
        for c in table.columns:
            ref = (c.references or "").split(".")
            own = c.name in table.key
            if c.type != "str" or not (own or ref[0] in schema.TABLES):
                continue
            specs.append(
                dict(column=c.name, severity="blocking" if own else "quarantine",
                     description=f"{a_noun}'s {c.name} holds no invisible character "
                     "(control, format such as a zero-width space, BOM or bidi mark, or "
                     "non-ASCII space) and no leading or trailing space.",
                     derive=_clean_id(name, c.name),
                     expectation="ExpectColumnValuesToBeInSet", kwargs={"value_set": [True]})
            )  # fmt: skip
        specs += _derived(late.get(name, []))  # newer cross-table rules: after the id rules
        specs += _derived(probe.get(name, []))  # the seventh probe's: after those
        # Rules with a fixed number (quality_strict), above the numbered ones: neither moves.
        numbers = list(range(1, len(specs) + 1))
        numbers += fixed_numbers(PREFIX[name], [n for n, _ in fixed.get(name, [])], len(specs))
        specs += _derived([entry for _, entry in fixed.get(name, [])])
        for i, spec in zip(numbers, specs, strict=True):
            rule_id = f"{PREFIX[name]}-{i:03d}"
            if spec.pop("skip", False):
                continue
            if name in NEVER_QUARANTINED and spec["severity"] == "quarantine":
                spec["severity"] = "blocking"
            if spec.get("derive") is not None or spec.get("frame") == "dtypes":
                spec["kwargs"] = {**spec["kwargs"], "column": f"__{rule_id}"}
            rules.append(Rule(rule_id=rule_id, table=name, **spec))
    return rules


def _derived(cross: list) -> list[dict]:
    """Rule specs of :func:`siamlib.quality_cross._cross_rules`-shaped entries."""
    return [
        dict(column=col, severity=sev, description=desc, derive=derive, skip=derive is None,
             expectation="ExpectColumnValuesToBeInSet", kwargs={"value_set": [True]},
             **(more[0] if more else {}))
        for col, sev, desc, derive, *more in cross
    ]  # fmt: skip
