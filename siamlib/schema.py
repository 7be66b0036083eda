"""The SIAM data model, declared once.

Every table the workbook reads or writes is declared here: its columns, their logical types,
units and meaning, and the table's key. ``docs/data-model.md`` is generated from these
declarations (``siam docs`` / :func:`render_markdown`) and a test keeps the two in sync.

Logical types map to pandas dtypes:

=========  ==========================  ===============================================
type       pandas dtype                notes
=========  ==========================  ===============================================
str        ``str`` (pandas 3 string)   missing values are ``NaN``
category   ``str``                     value from a closed vocabulary (``values``)
int        ``Int64``                   nullable integer
float      ``float64``
bool       ``boolean``                 nullable boolean
timestamp  ``datetime64[us, UTC]``     always timezone-aware UTC
=========  ==========================  ===============================================

Text columns listed in :data:`COMPACT` (the event log's status, group and supplier) are held
as pandas categoricals with string categories instead (same values, a fraction of the memory).

Examples
--------
>>> import pandas as pd
>>> df = coerce("outages", pd.DataFrame({
...     "outage_id": ["O1"], "service": ["email"], "supplier_id": ["hosting"],
...     "start_at": ["2026-01-05 10:00Z"], "end_at": ["2026-01-05 11:30Z"], "planned": [False]}))
>>> str(df["start_at"].dtype)
'datetime64[us, UTC]'
>>> TABLES["tickets"].key
('ticket_id',)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TIMESTAMP_DTYPE = "datetime64[us, UTC]"

_DTYPES = {
    "str": "str",
    "category": "str",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "timestamp": TIMESTAMP_DTYPE,
}

# Canonical status vocabulary for tickets and events. Importers map source statuses onto these;
# contracts choose which of them stop the clock (see params.ClockRules).
TICKET_STATUSES = (
    "new",  # logged, not yet assigned to a resolver
    "assigned",  # in a resolver queue, not yet worked
    "in_progress",  # being worked by the resolver
    "awaiting_user",  # waiting for the caller / customer
    "awaiting_supplier",  # waiting for a third party or another supplier
    "awaiting_change",  # waiting for a scheduled change / maintenance window
    "awaiting_problem",  # parked against a problem record
    "resolved",  # fix delivered, awaiting confirmation
    "closed",  # confirmed or auto-closed; final
    "cancelled",  # withdrawn; excluded from service levels
)
OPEN_STATUSES = (
    "new",
    "assigned",
    "in_progress",
    "awaiting_user",
    "awaiting_supplier",
    "awaiting_change",
    "awaiting_problem",
)
DONE_STATUSES = ("resolved", "closed", "cancelled")
# Statuses that show a resolver working the ticket. A ticket's first response is no later than
# its first event in one of them (gate rule TKT-037); an import mapping's response_statuses
# hold all of them (and may add "assigned").
WORKED_STATUSES = (
    "in_progress",
    "awaiting_user",
    "awaiting_supplier",
    "awaiting_change",
    "awaiting_problem",
    "resolved",
    "closed",
)


@dataclass(frozen=True)
class Column:
    """One column of a table: logical type, unit and meaning."""

    name: str
    type: str
    description: str
    unit: str = ""
    required: bool = True  # False: values may be missing (NaN / NaT / <NA>)
    values: tuple[str, ...] = ()  # closed vocabulary for ``category`` columns
    references: str = ""  # "table.column" this column points to

    @property
    def dtype(self) -> str:
        return _DTYPES[self.type]


@dataclass(frozen=True)
class Table:
    """A table of the data model."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


C = Column

# Text a spreadsheet runs as a formula starts with one of these: evidence files neutralise
# such cells, and importers refuse them as record ids.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "tickets",
            "Incidents and service requests, one row per ticket, as at the data extract.",
            key=("ticket_id",),
            columns=(
                C("ticket_id", "str", "Ticket number, unique across the estate."),
                C(
                    "ticket_type",
                    "category",
                    "Incident or service request.",
                    values=("incident", "request"),
                ),
                C(
                    "supplier_id",
                    "str",
                    "Supplier holding the ticket at its last resolution (resolver of record).",
                    references="estate.suppliers.id",
                ),
                C("service", "str", "Business service affected or requested."),
                C("category", "str", "Ticket category (symptom or request type).", required=False),
                C("ci", "str", "Configuration item affected.", required=False),
                C("priority", "int", "Priority, 1 = critical .. 4 = low.", unit="1-4"),
                C("opened_at", "timestamp", "When the ticket was logged.", unit="UTC"),
                C(
                    "first_response_at",
                    "timestamp",
                    "First response by a resolver.",
                    unit="UTC",
                    required=False,
                ),
                C(
                    "resolved_at",
                    "timestamp",
                    "Last time the ticket was resolved "
                    "(latest resolution cycle); empty while open.",
                    unit="UTC",
                    required=False,
                ),
                C(
                    "closed_at",
                    "timestamp",
                    "When the ticket was closed.",
                    unit="UTC",
                    required=False,
                ),
                C("status", "category", "Status at extract time.", values=TICKET_STATUSES),
                C(
                    "reopen_count",
                    "int",
                    "Times the ticket left resolved for an open status.",
                    unit="count",
                ),
                C(
                    "problem_id",
                    "str",
                    "Linked problem record.",
                    required=False,
                    references="problems.problem_id",
                ),
                C(
                    "change_id",
                    "str",
                    "Change that caused this incident.",
                    required=False,
                    references="changes.change_id",
                ),
                C(
                    "satisfaction",
                    "float",
                    "Caller satisfaction score from the closure survey.",
                    unit="1-5",
                    required=False,
                ),
            ),
        ),
        Table(
            "ticket_events",
            "Status and assignment history: one row per status or assignment change. The base "
            "for clock stops, reopens, handoffs and ping-pong.",
            key=("ticket_id", "event_seq"),
            columns=(
                C(
                    "ticket_id",
                    "str",
                    "Ticket the event belongs to.",
                    references="tickets.ticket_id",
                ),
                C(
                    "event_seq",
                    "int",
                    "Order of the event within its ticket, from 1.",
                    unit="count",
                ),
                C("event_at", "timestamp", "When the change happened.", unit="UTC"),
                C("status", "category", "Status from this event on.", values=TICKET_STATUSES),
                C(
                    "assignment_group",
                    "str",
                    "Resolver group holding the ticket from this event on.",
                    required=False,
                ),
                C(
                    "supplier_id",
                    "str",
                    "Supplier of that group (effective-dated mapping).",
                    required=False,
                    references="estate.suppliers.id",
                ),
                C(
                    "support_level",
                    "int",
                    "Support level of the group: 1, 2 or 3.",
                    unit="1-3",
                    required=False,
                ),
            ),
        ),
        Table(
            "problems",
            "Problem records: the root-cause investigations behind incidents.",
            key=("problem_id",),
            columns=(
                C("problem_id", "str", "Problem number."),
                C(
                    "supplier_id",
                    "str",
                    "Supplier owning the problem.",
                    references="estate.suppliers.id",
                ),
                C("service", "str", "Service the problem affects."),
                C("category", "str", "Category of the incidents concerned.", required=False),
                C("ci", "str", "Configuration item concerned.", required=False),
                C("opened_at", "timestamp", "When the problem was raised.", unit="UTC"),
                C(
                    "root_cause_at",
                    "timestamp",
                    "When the root cause was identified.",
                    unit="UTC",
                    required=False,
                ),
                C(
                    "closed_at",
                    "timestamp",
                    "When the problem was closed.",
                    unit="UTC",
                    required=False,
                ),
                C(
                    "origin",
                    "category",
                    "Raised proactively (from trend analysis) or "
                    "reactively (after a major incident).",
                    values=("proactive", "reactive"),
                ),
                C(
                    "linked_incidents",
                    "int",
                    "Incidents linked to the problem at extract time (tickets.problem_id).",
                    unit="count",
                ),
            ),
        ),
        Table(
            "changes",
            "Change records and their outcome.",
            key=("change_id",),
            columns=(
                C("change_id", "str", "Change number."),
                C(
                    "supplier_id",
                    "str",
                    "Supplier implementing the change.",
                    references="estate.suppliers.id",
                ),
                C("service", "str", "Service changed."),
                C(
                    "change_type",
                    "category",
                    "Change model.",
                    values=("standard", "normal", "emergency"),
                ),
                C("planned_start", "timestamp", "Start of the approved window.", unit="UTC"),
                C("planned_end", "timestamp", "End of the approved window.", unit="UTC"),
                C("actual_start", "timestamp", "Actual start.", unit="UTC", required=False),
                C("actual_end", "timestamp", "Actual end.", unit="UTC", required=False),
                C(
                    "outcome",
                    "category",
                    "Result of the change.",
                    values=("successful", "failed", "backed_out", "cancelled", "pending"),
                ),
                C("incidents_caused", "int", "Incidents attributed to the change.", unit="count"),
            ),
        ),
        Table(
            "outages",
            "Service outages, planned (maintenance) and unplanned.",
            key=("outage_id",),
            columns=(
                C("outage_id", "str", "Outage record id."),
                C("service", "str", "Service unavailable."),
                C(
                    "supplier_id",
                    "str",
                    "Supplier accountable for the outage.",
                    references="estate.suppliers.id",
                ),
                C("start_at", "timestamp", "Start of the outage.", unit="UTC"),
                C(
                    "end_at",
                    "timestamp",
                    "End of the outage; empty while ongoing.",
                    unit="UTC",
                    required=False,
                ),
                C("planned", "bool", "True for agreed planned maintenance."),
            ),
        ),
        Table(
            "improvements",
            "Continual-improvement register: initiatives per supplier.",
            key=("improvement_id",),
            columns=(
                C("improvement_id", "str", "Register entry id."),
                C(
                    "supplier_id",
                    "str",
                    "Supplier owning the initiative.",
                    references="estate.suppliers.id",
                ),
                C("title", "str", "Short title of the initiative."),
                C("raised_at", "timestamp", "When it was raised.", unit="UTC"),
                C("approved_at", "timestamp", "When it was approved.", unit="UTC", required=False),
                C(
                    "delivered_at",
                    "timestamp",
                    "When it was delivered.",
                    unit="UTC",
                    required=False,
                ),
                C(
                    "estimated_benefit",
                    "float",
                    "Benefit estimated at approval, per year.",
                    unit="currency/year",
                    required=False,
                ),
                C(
                    "realised_benefit",
                    "float",
                    "Benefit realised so far, per year.",
                    unit="currency/year",
                    required=False,
                ),
                C(
                    "status",
                    "category",
                    "Register status.",
                    values=("proposed", "approved", "in_progress", "delivered", "rejected"),
                ),
            ),
        ),
        Table(
            "surveys",
            "Satisfaction and collaboration (360) survey responses.",
            key=("response_id",),
            columns=(
                C("response_id", "str", "Response id."),
                C("supplier_id", "str", "Supplier being rated.", references="estate.suppliers.id"),
                C("period", "str", "Month the response belongs to.", unit="YYYY-MM"),
                C(
                    "survey_type",
                    "category",
                    "Customer satisfaction, or a 360 collaboration rating by another party.",
                    values=("satisfaction", "collaboration"),
                ),
                C("respondent", "str", "Who answered: 'customer' or the rating party's id."),
                C("score", "float", "Score given.", unit="1-5"),
            ),
        ),
    )
}


# Low-cardinality text columns held as pandas categoricals (string categories) by
# :func:`coerce`, hence by every table read from a dataset, and stored dictionary-encoded in
# Parquet. The event log is 90 % of the estate's memory and its status, group and supplier
# columns repeat a handful of values across ten million rows: as categoricals they take one
# byte a row instead of an Arrow string each (issue 18). Only the event log's columns: two
# categoricals compare only when their categories are equal, and the tickets' supplier and
# status are compared with the events' ones (the tickets are a tenth of the rows). The logical
# type stays ``str`` / ``category``: values, comparisons, ``isin`` and group keys are unchanged.
# Group-bys on these columns must use ``observed=True`` (pandas 3's default) so unused
# categories add no rows; string concatenation needs ``.astype("str")`` first.
COMPACT: dict[str, tuple[str, ...]] = {
    "ticket_events": ("status", "assignment_group", "supplier_id"),
}


def compact_dtype(s: pd.Series) -> pd.Series:
    """``s`` (text, missing allowed) as a categorical with string categories, sorted.

    Sorted categories make the codes independent of row order, so two reads of the same data
    give the same codes, and concatenating frames with the same categories keeps the dtype.

    >>> s = compact_dtype(pd.Series(["b", None, "a", "b"]))
    >>> s.cat.categories.tolist(), s.cat.codes.tolist()
    (['a', 'b'], [1, -1, 0, 1])
    >>> (s == "b").tolist()
    [True, False, False, True]
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        if cats.dtype == "str" and cats.is_monotonic_increasing:
            return s
        s = s.astype(object)
    s = s.astype("str").where(s.notna())
    cats = pd.Index(s.dropna().unique(), dtype="str").sort_values()
    return pd.Series(pd.Categorical(s, categories=cats), index=s.index, name=s.name)


class SchemaError(ValueError):
    """A table does not fit the data model (missing column, wrong type, bad key)."""


def empty(name: str) -> pd.DataFrame:
    """Return an empty frame of table ``name`` with the declared dtypes.

    >>> list(empty("outages").columns)
    ['outage_id', 'service', 'supplier_id', 'start_at', 'end_at', 'planned']
    """
    table = TABLES[name]
    compact = COMPACT.get(name, ())
    return pd.DataFrame(
        {
            c.name: compact_dtype(pd.Series([], dtype="str"))
            if c.name in compact
            else pd.Series([], dtype=c.dtype)
            for c in table.columns
        }
    )


def _holds_numbers(s: pd.Series) -> bool:
    """Whether an object column holds a number (or a boolean) that is not missing.

    >>> _holds_numbers(pd.Series(["2026-01-01T00:00Z", None, float("nan")], dtype=object))
    False
    >>> _holds_numbers(pd.Series(["2026-01-01T00:00Z", 20260101], dtype=object))
    True
    """
    kinds = s.map(type)
    numbers = [t for t in kinds.unique() if issubclass(t, (int, float, np.number))]
    return bool(numbers) and bool((kinds.isin(numbers) & s.notna()).any())


def _to_timestamp(s: pd.Series, table: str, column: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        if s.isna().all():
            return s.dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)
        raise SchemaError(
            f"{table}.{column}: timestamps must be timezone-aware (got naive {s.dtype}); "
            "localise them to the source time zone first"
        )
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        if s.notna().any():  # epoch numbers are ambiguous (s? ms? which zone?): refuse them
            raise SchemaError(f"{table}.{column}: numbers are not timestamps (got {s.dtype})")
        s = s.astype("object")
    elif s.dtype == object and _holds_numbers(s):
        # Numbers among texts: refused here, not left to pandas (whose reading of them is
        # changing: pandas 4 takes them as epoch offsets).
        raise SchemaError(f"{table}.{column}: numbers are not timestamps (a cell holds a number)")
    try:
        out = pd.to_datetime(s, utc=False, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise SchemaError(f"{table}.{column}: not a timestamp: {exc}") from exc
    if not isinstance(out.dtype, pd.DatetimeTZDtype):
        if out.notna().any():
            raise SchemaError(f"{table}.{column}: timestamps must carry a time zone")
        out = out.dt.tz_localize("UTC")
    return out.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)


def coerce(name: str, df: pd.DataFrame, *, extra: str = "drop") -> pd.DataFrame:
    """Return ``df`` with exactly the columns of table ``name``, in order, with declared dtypes.

    Raises :class:`SchemaError` naming the table and column when a column is missing or a value
    cannot be converted. ``extra="drop"`` drops undeclared columns; ``extra="keep"`` keeps them at
    the end. The input frame is never modified.

    >>> import pandas as pd
    >>> coerce("surveys", pd.DataFrame({"response_id": ["R1"]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    siamlib.schema.SchemaError: surveys: missing columns supplier_id, period, survey_type, ...
    """
    if name not in TABLES:
        raise SchemaError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    table = TABLES[name]
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        raise SchemaError(f"{name}: missing columns {', '.join(missing)}")
    out = {}
    for col in table.columns:
        s = df[col.name]
        try:
            if col.type == "timestamp":
                s = _to_timestamp(s, name, col.name)
            elif col.name in COMPACT.get(name, ()):
                s = compact_dtype(s)
            elif col.type in ("str", "category"):
                s = s.astype("str").where(s.notna())
                s = s.astype("str")
            elif col.type == "int":
                s = pd.to_numeric(s, errors="raise").astype("Int64")
            elif col.type == "float":
                s = pd.to_numeric(s, errors="raise").astype("float64")
            elif col.type == "bool":
                s = s.astype("boolean")
        except SchemaError:
            raise
        except (ValueError, TypeError) as exc:
            raise SchemaError(f"{name}.{col.name}: cannot convert to {col.type}: {exc}") from exc
        out[col.name] = s.reset_index(drop=True)
    result = pd.DataFrame(out)
    if extra == "keep":
        rest = [c for c in df.columns if c not in table.column_names]
        for c in rest:
            result[c] = df[c].reset_index(drop=True)
    return result


def render_markdown() -> str:
    """Render the data model as Markdown (the body of ``docs/data-model.md``)."""
    lines = [
        "# Data model",
        "",
        "Generated from `siamlib/schema.py` by `siam docs data-model`; do not edit by hand "
        "(a test checks this file matches the code).",
        "",
        "All timestamps are timezone-aware UTC. Missing values are allowed only where "
        "*required* is `no`. Ticket statuses use one vocabulary: "
        + ", ".join(f"`{s}`" for s in TICKET_STATUSES)
        + "; the open ones are "
        + ", ".join(f"`{s}`" for s in OPEN_STATUSES)
        + ". Which statuses stop the SLA clock is a contract parameter.",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## `{table.name}`",
            "",
            table.description,
            "",
            f"Key: {', '.join(f'`{k}`' for k in table.key)}",
            "",
            "| column | type | unit | required | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in table.columns:
            meaning = c.description
            if c.values:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in c.values) + "."
            if c.references:
                meaning += f" Refers to `{c.references}`."
            lines.append(
                f"| `{c.name}` | {c.type} | {c.unit} | {'yes' if c.required else 'no'} "
                f"| {meaning} |"
            )
        lines.append("")
    return "\n".join(lines)


def of_tickets(frame: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (a table with ``ticket_id``, e.g. the events) of ``tickets`` only.

    >>> events = pd.DataFrame({"ticket_id": ["A", "B", "A"], "event_seq": [1, 1, 2]})
    >>> of_tickets(events, pd.DataFrame({"ticket_id": ["A"]}))["event_seq"].tolist()
    [1, 2]
    """
    return frame[isin(frame["ticket_id"], tickets["ticket_id"])]


def isin(s: pd.Series, values) -> np.ndarray:
    """``s.isin(values)`` as a numpy bool array; missing values are never in.

    pandas 3's ``isin`` on ``str`` columns converts every value of ``values`` to a Python
    scalar first (seconds for a million ids); pyarrow's ``is_in`` does the same in C. Other
    dtypes, or values pyarrow cannot compare, take pandas' own path.

    >>> isin(pd.Series(["A", "B", None], dtype="str"), pd.Series(["B", "C"])).tolist()
    [False, True, False]
    >>> isin(pd.Series([1, 2, 3]), [3, 1]).tolist()
    [True, False, True]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pd.Series(values)
    try:
        arr = pa.array(s, from_pandas=True)
        vs = pa.array(values.dropna().drop_duplicates(), from_pandas=True)
        if vs.type != arr.type:
            vs = vs.cast(arr.type)
        hit = pc.is_in(arr, value_set=vs, skip_nulls=True)
        return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
    except (pa.ArrowException, TypeError, ValueError):
        return s.isin(values).to_numpy(dtype=bool, na_value=False)
