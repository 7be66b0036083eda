"""The data-quality rule catalogue: rules generated from the data model, the params and the window.

:func:`build_rules` is re-exported by :mod:`siamlib.quality` (``quality.build_rules``), as are
:class:`Rule` and the severities; the runner there turns each rule into a Great Expectations
expectation. ``docs/data-quality.md`` lists every rule, its severity and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import schema
from siamlib.params import Params

# blocking: a failure blocks the suppliers it touches. quarantine: failing rows are taken out of
# every measure (siamlib.quarantine), unless too many, then it blocks. warning: kept only where
# the column feeds no figure (docs/data-quality.md says why each is harmless).
SEVERITIES = ("blocking", "quarantine", "warning")
# Weight of a rule in the data-quality score: a blocking rule counts three times the others.
SEVERITY_WEIGHT = {"blocking": 3.0, "quarantine": 1.0, "warning": 1.0}
# Earliest plausible timestamp; the latest is the dataset window's end plus DATE_MARGIN.
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")
DATE_MARGIN = pd.Timedelta(days=1)
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
_WARNING_NOT_NULL = {"title", "respondent"}
# Required columns a measure reads only for scoping (contract scope, exclusions): a gap
# quarantines the row rather than stopping a report.
_QUARANTINE_NOT_NULL = {"service"}
# Numeric ranges by the unit declared in the schema; (min, max, severity).
_UNIT_RANGES = {
    "1-4": (1, 4, "blocking"),
    "1-3": (1, 3, "quarantine"),
    "1-5": (1, 5, "quarantine"),
    "count": (0, None, "quarantine"),
}
_RANGE_OVERRIDES = {("ticket_events", "event_seq"): (1, None, "blocking")}
_PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


# ----------------------------------------------------------------------------------- rules ----
Derive = Callable[[Mapping[str, pd.DataFrame]], pd.Series]


@dataclass(frozen=True)
class Rule:
    """One data-quality rule: a Great Expectations expectation plus its identity and policy.

    ``expectation`` is the class name in ``great_expectations.expectations`` and ``kwargs`` its
    arguments. ``frame`` says what the expectation runs on: ``"table"`` (the table's rows, with
    any derived column added by ``derive``) or ``"dtypes"`` (one row per timestamp column of the
    table: ``column``, ``dtype``). ``per_supplier`` rules are broken down by the rows'
    ``supplier_id``; the others are estate-wide.
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

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.rule_id}: severity must be one of {SEVERITIES}")

    @property
    def derived_column(self) -> str:
        return f"__{self.rule_id}" if self.derive is not None or self.frame == "dtypes" else ""


def _flag(ok: pd.Series, applies: pd.Series) -> pd.Series:
    """Rule outcome per row: True passes, False fails, <NA> where the rule does not apply."""
    out = ok.astype("boolean")
    return out.mask(~applies.astype(bool))


def _ordered(table: str, later: str, earlier: str) -> Derive:
    def derive(tables):
        df = tables[table]
        a, b = df[later], df[earlier]
        return _flag(a >= b, a.notna() & b.notna())

    return derive


def _refers(
    table: str, column: str, target: str, target_column: str, *, if_present: bool = False
) -> Derive:
    def derive(tables):
        s = tables[table][column]
        applies = s.notna()
        if if_present and tables[target].empty:
            # The extract does not carry the target table at all: the link cannot be checked
            # and no figure looks it up (see docs/data-quality.md).
            applies = pd.Series(False, index=s.index)
        return _flag(
            pd.Series(schema.isin(s, tables[target][target_column]), index=s.index), applies
        )

    return derive


def _events_in_time_order(tables) -> pd.Series:
    ev = tables["ticket_events"].reset_index(drop=True)
    # Arrow sorts a million string ids several times faster than DataFrame.sort_values.
    keys = pa.table(
        {
            "t": pa.array(ev["ticket_id"], from_pandas=True),
            "s": pa.array(ev["event_seq"], from_pandas=True),
        }
    )
    order = pc.sort_indices(keys, sort_keys=[("t", "ascending"), ("s", "ascending")])
    order = order.to_numpy()
    tid = ev["ticket_id"].iloc[order].reset_index(drop=True)
    seq_ok = ev["event_seq"].notna().to_numpy()[order]
    at = ev["event_at"].iloc[order].reset_index(drop=True)
    prev = at.shift(1)
    same = tid.eq(tid.shift(1)).fillna(False).to_numpy(dtype=bool) & tid.notna().to_numpy()
    same[1:] &= seq_ok[1:] & seq_ok[:-1]
    same[:1] = False
    flag = _flag(at >= prev, pd.Series(same) & at.notna() & prev.notna())
    out = np.empty(len(ev), dtype=object)
    out[order] = flag.to_numpy(dtype=object)
    return pd.Series(out, index=ev.index).astype("boolean")


def _events_after_open(tables) -> pd.Series:
    ev, tk = tables["ticket_events"], tables["tickets"]
    opened = tk.drop_duplicates("ticket_id").set_index("ticket_id")["opened_at"]
    t_open = ev["ticket_id"].map(opened)
    return _flag(ev["event_at"] >= t_open, ev["event_at"].notna() & t_open.notna())


def _status_agrees(tables) -> pd.Series:
    tk = tables["tickets"]
    done = tk["status"].isin(["resolved", "closed"])
    open_ = tk["status"].isin(schema.OPEN_STATUSES)
    has = tk["resolved_at"].notna()
    bad = (done & ~has) | (open_ & has)
    return _flag(~bad, done | open_)


def _improvement_dates(tables) -> pd.Series:
    df = tables["improvements"]
    raised = df["raised_at"]
    bad = pd.Series(False, index=df.index)
    applies = pd.Series(False, index=df.index)
    for col in ("approved_at", "delivered_at"):
        both = raised.notna() & df[col].notna()
        bad |= both & (df[col] < raised)
        applies |= both
    return _flag(~bad, applies)


# Cross-table and within-row rules: (table, column shown, severity, description, derive).
def _cross_rules() -> dict[str, list[tuple]]:
    return {
        "tickets": [
            ("resolved_at", "blocking", "A resolved ticket is not resolved before it was opened.",
             _ordered("tickets", "resolved_at", "opened_at")),
            ("first_response_at", "blocking",
             "A ticket's first response is not before it was opened.",
             _ordered("tickets", "first_response_at", "opened_at")),
            ("closed_at", "quarantine", "A ticket is not closed before it was resolved.",
             _ordered("tickets", "closed_at", "resolved_at")),
            ("resolved_at", "quarantine", "A resolved or closed ticket has a resolution time and "
             "an open ticket has none.", _status_agrees),
            ("problem_id", "quarantine", "A ticket's linked problem exists in the problems table "
             "(when the dataset has one).",
             _refers("tickets", "problem_id", "problems", "problem_id", if_present=True)),
            ("change_id", "quarantine", "A ticket's causing change exists in the changes table "
             "(when the dataset has one).",
             _refers("tickets", "change_id", "changes", "change_id", if_present=True)),
        ],
        "ticket_events": [
            ("ticket_id", "blocking", "Every ticket event belongs to a ticket in the tickets "
             "table.", _refers("ticket_events", "ticket_id", "tickets", "ticket_id")),
            ("event_at", "quarantine", "A ticket's events are in time order (event_seq order).",
             _events_in_time_order),
            ("event_at", "quarantine", "A ticket event is not before its ticket was opened.",
             _events_after_open),
        ],
        "problems": [
            ("root_cause_at", "quarantine", "A problem's root cause is not found before the "
             "problem was raised.", _ordered("problems", "root_cause_at", "opened_at")),
            ("closed_at", "quarantine", "A problem is not closed before it was raised.",
             _ordered("problems", "closed_at", "opened_at")),
        ],
        "changes": [
            ("planned_end", "quarantine", "A change's planned window ends after it starts.",
             _ordered("changes", "planned_end", "planned_start")),
            ("actual_end", "quarantine", "A change does not actually end before it actually "
             "started.", _ordered("changes", "actual_end", "actual_start")),
        ],
        "outages": [
            ("end_at", "blocking", "An outage does not end before it started.",
             _ordered("outages", "end_at", "start_at")),
        ],
        "improvements": [
            ("approved_at", "quarantine", "An improvement is not approved or delivered before it "
             "was raised.", _improvement_dates),
        ],
    }  # fmt: skip


def _a(word: str) -> str:
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
    start = end = None
    if window is not None:
        start, end = (_as_utc(w) for w in window)
    cross = _cross_rules()
    rules: list[Rule] = []
    for name, table in schema.TABLES.items():
        noun = NOUN[name]
        a_noun = _a(noun).capitalize()
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
                     description=f"No two {noun}s share {_a(table.key[0])}.",
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
                         description=f"Every {noun} has {_a(c.name)}.",
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
        for col, sev, desc, derive in cross.get(name, []):
            specs.append(
                dict(column=col, severity=sev, description=desc, derive=derive,
                     expectation="ExpectColumnValuesToBeInSet", kwargs={"value_set": [True]})
            )  # fmt: skip
        for i, spec in enumerate(specs, start=1):
            rule_id = f"{PREFIX[name]}-{i:03d}"
            if spec.pop("skip", False):
                continue
            if spec.get("derive") is not None or spec.get("frame") == "dtypes":
                spec["kwargs"] = {**spec["kwargs"], "column": f"__{rule_id}"}
            rules.append(Rule(rule_id=rule_id, table=name, **spec))
    return rules
