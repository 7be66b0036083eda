"""The data-quality rule catalogue: rules generated from the data model, the params and the window.

:func:`build_rules` is re-exported by :mod:`siamlib.quality` (``quality.build_rules``), as are
:class:`Rule` and the severities; the runner there turns each rule into a Great Expectations
expectation. ``docs/data-quality.md`` lists every rule, its severity and why.
"""

from __future__ import annotations

import weakref
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


# -------------------------------------------- a ticket's row against its event history ----
# Status codes in schema.TICKET_STATUSES order; code -1 (missing or unknown, a blocking
# failure of its own) indexes the trailing False of each lookup.
def _lookup(statuses) -> np.ndarray:
    return np.array([s in statuses for s in schema.TICKET_STATUSES] + [False])


_OPEN = _lookup(schema.OPEN_STATUSES)
_DONE = _lookup(schema.DONE_STATUSES)  # resolved, closed, cancelled: the clock stops
_RESOLVED = schema.TICKET_STATUSES.index("resolved")
_NAT = np.iinfo(np.int64).min


def _us(s: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 microseconds (NaT: ``_NAT``); naive ones are refused (TKT-002)."""
    arr = s.array
    if not (isinstance(arr, pd.arrays.DatetimeArray) and arr.tz is not None):
        raise ValueError(f"{s.name} is not timezone-aware ({s.dtype})")
    return arr.as_unit("us").asi8


def _codes(s: pd.Series, categories) -> np.ndarray:
    """Codes of ``s`` in ``categories`` (-1: missing or not among them).

    >>> _codes(pd.Series(["b", "x", None]), ["a", "b"]).tolist()
    [1, -1, -1]
    """
    return pd.Index(list(categories)).get_indexer(s.astype("object")).astype(np.int64)


def _positions(s: pd.Series, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` (first occurrence) of each value of ``s``; -1 when absent."""
    try:
        arr = pa.array(s.astype("str") if isinstance(s.dtype, pd.CategoricalDtype) else s,
                       from_pandas=True)  # fmt: skip
        ks = pa.array(keys, from_pandas=True)
        if ks.type != arr.type:
            ks = ks.cast(arr.type)
        pos = pc.fill_null(pc.index_in(arr, value_set=ks), -1)
        return np.asarray(pos.to_numpy(zero_copy_only=False), dtype=np.int64)
    except (pa.ArrowException, TypeError, ValueError):
        first = pd.Index(keys).drop_duplicates()
        pos = first.get_indexer(s)
        return np.where(pos >= 0, pd.Index(keys).get_indexer(first)[pos], -1) if len(first) else pos


def _ticket_order(tpos: np.ndarray, seq: np.ndarray, ok: np.ndarray) -> np.ndarray | None:
    """Rows of the events to read, grouped by ticket and in event_seq order (rows not ``ok``
    left out); ``None`` when that is every row as it stands (extracts usually come so ordered:
    no sort and no gather then)."""
    if not len(tpos):
        return None
    first = np.r_[True, tpos[1:] != tpos[:-1]]
    if (
        ok.all()
        and np.bincount(tpos[first]).max() <= 1  # each ticket's events in one run
        and ((seq[1:] > seq[:-1]) | first[1:]).all()
    ):
        return None
    keep = np.flatnonzero(ok)
    tp, sq = tpos[keep], seq[keep].astype(np.int64)
    top = int(sq.max()) + 1 if len(sq) else 1
    if sq.min(initial=0) >= 0 and (int(tp.max(initial=0)) + 1) * top < 2**62:
        # One int64 key: a stable sort runs in near-linear time on a nearly ordered log.
        return keep[np.argsort(tp * top + sq, kind="stable")]
    return keep[np.lexsort((sq, tp))]


@dataclass
class _History:
    """Per ticket row (arrays as long as ``tickets``), what its events say: ``has`` (it has
    events), the last event's status code, the reopens (an open status right after resolved,
    closed or cancelled, as the clocks and importers count them), when the final stop came
    (``stop_at``, the first event after the last open one; ``stop_resolved`` when that event
    is a ``resolved``), when the last open event came, and the supplier of the last event
    naming one (``""`` when none does)."""

    has: np.ndarray
    last_status: np.ndarray
    reopens: np.ndarray
    stopped: np.ndarray
    stop_at: np.ndarray
    stop_resolved: np.ndarray
    last_open_at: np.ndarray
    last_supplier: np.ndarray


_HISTORY: dict = {}  # one entry: weak references to the frames it was computed from


def _history(tables) -> _History:
    """The events of every ticket, in event_seq order, reduced per ticket (no Python loop per
    ticket: one sort, then segment reductions, as in siamlib.clocks). Cached for the frames
    of one run: five rules read it."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    hit = _HISTORY.get("key")
    if hit and hit[0]() is tk and hit[1]() is ev:
        return _HISTORY["value"]
    n = len(tk)
    tpos = _positions(ev["ticket_id"], tk["ticket_id"])
    seq = pd.to_numeric(ev["event_seq"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    ok = (tpos >= 0) & ~np.isnan(seq)
    rows_ev = _ticket_order(tpos, seq, ok)
    tp = tpos[rows_ev] if rows_ev is not None else tpos
    st = _codes(ev["status"], schema.TICKET_STATUSES)
    at = _us(ev["event_at"])
    if rows_ev is not None:
        st, at = st[rows_ev], at[rows_ev]
    sup_s = ev["supplier_id"]
    sup_cats = (sup_s.cat.categories if isinstance(sup_s.dtype, pd.CategoricalDtype)
                else pd.Index(sup_s.dropna().unique()))  # fmt: skip
    sup = _codes(sup_s, sup_cats)
    sup = sup[rows_ev] if rows_ev is not None else sup
    m = len(tp)
    out = _History(
        has=np.zeros(n, dtype=bool), last_status=np.full(n, -1, dtype=np.int64),
        reopens=np.zeros(n, dtype=np.int64), stopped=np.zeros(n, dtype=bool),
        stop_at=np.full(n, _NAT), stop_resolved=np.zeros(n, dtype=bool),
        last_open_at=np.full(n, _NAT),
        last_supplier=np.full(n, "", dtype=object),
    )  # fmt: skip
    if m:
        rows = np.arange(m)
        first = np.r_[True, tp[1:] != tp[:-1]]
        start = np.flatnonzero(first)
        last = np.r_[start[1:], m] - 1
        t = tp[start]
        is_open = _OPEN[st]
        reopen = is_open & np.r_[False, _DONE[st[:-1]]] & ~first
        last_open = np.maximum.reduceat(np.where(is_open, rows, -1), start)
        stop = np.where(last_open >= 0, last_open + 1, start)
        stopped = stop <= last
        stop_c = np.minimum(stop, last)
        named = np.maximum.reduceat(np.where(sup >= 0, rows, -1), start)
        out.has[t] = True
        out.last_status[t] = st[last]
        out.reopens[t] = np.add.reduceat(reopen.astype(np.int64), start)
        out.stopped[t] = stopped
        out.stop_at[t] = np.where(stopped, at[stop_c], _NAT)
        out.stop_resolved[t] = stopped & (st[stop_c] == _RESOLVED)
        out.last_open_at[t] = np.where(last_open >= 0, at[np.maximum(last_open, 0)], _NAT)
        names = np.asarray(sup_cats.astype("str"), dtype=object)
        has_name = named >= 0
        out.last_supplier[t[has_name]] = names[sup[named[has_name]]]
    _HISTORY.clear()
    _HISTORY.update(key=(weakref.ref(tk), weakref.ref(ev)), value=out)
    return out


def _status_matches_events(tables) -> pd.Series:
    tk = tables["tickets"]
    h = _history(tables)
    status = _codes(tk["status"], schema.TICKET_STATUSES)
    ok = pd.Series(status == h.last_status, index=tk.index)
    return _flag(ok, pd.Series(h.has & (status >= 0) & (h.last_status >= 0), index=tk.index))


def _resolved_matches_events(tables) -> pd.Series:
    # resolved_at is the latest resolution: the entry into `resolved` right after the last open
    # event. Closed straight from an open status (no `resolved` event), an importer may take
    # the source's resolution time: then it lies between the last open event and the stop.
    tk = tables["tickets"]
    h = _history(tables)
    res = _us(tk["resolved_at"])
    applies = (h.has & h.stopped & (res != _NAT)
               & tk["status"].isin(["resolved", "closed"]).to_numpy(dtype=bool))  # fmt: skip
    exact = res == h.stop_at
    between = (res <= h.stop_at) & ((h.last_open_at == _NAT) | (res >= h.last_open_at))
    ok = np.where(h.stop_resolved, exact, between)
    return _flag(pd.Series(ok, index=tk.index), pd.Series(applies, index=tk.index))


def _reopens_match_events(tables) -> pd.Series:
    tk = tables["tickets"]
    h = _history(tables)
    rc = pd.to_numeric(tk["reopen_count"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    ok = pd.Series(rc == h.reopens, index=tk.index)
    return _flag(ok, pd.Series(h.has & ~np.isnan(rc), index=tk.index))


def _supplier_matches_events(tables) -> pd.Series:
    tk = tables["tickets"]
    h = _history(tables)
    sup = tk["supplier_id"].astype("str").to_numpy(dtype=object, na_value="")
    named = h.last_supplier != ""
    return _flag(pd.Series(sup == h.last_supplier, index=tk.index),
                 pd.Series(h.has & named & (sup != ""), index=tk.index))  # fmt: skip


def _no_event_after_close(tables) -> pd.Series:
    ev, tk = tables["ticket_events"], tables["tickets"]
    pos = _positions(ev["ticket_id"], tk["ticket_id"])
    closed = _us(tk["closed_at"])
    t_close = (
        np.where(pos >= 0, closed[np.maximum(pos, 0)], _NAT) if len(tk) else np.full(len(ev), _NAT)
    )
    at = _us(ev["event_at"])
    final = ev["status"].isin(["closed", "cancelled"]).to_numpy(dtype=bool)
    applies = (t_close != _NAT) & (at != _NAT) & (at > t_close)
    return _flag(pd.Series(final, index=ev.index), pd.Series(applies, index=ev.index))


def _improvement_delivered(tables) -> pd.Series:
    df = tables["improvements"]
    st = df["status"]
    delivered = (st == "delivered").to_numpy(dtype=bool, na_value=False)
    ok = delivered == df["delivered_at"].notna().to_numpy(dtype=bool)
    return _flag(pd.Series(ok, index=df.index), st.notna())


def _change_completed_has_end(tables) -> pd.Series:
    df = tables["changes"]
    done = df["outcome"].isin(["successful", "failed", "backed_out"])
    return _flag(df["actual_end"].notna(), done)


def _service_known(table: str, services: Mapping[str, tuple[str, ...]] | None) -> Derive | None:
    if services is None:
        return None
    known = sorted({svc for svcs in services.values() for svc in svcs})

    def derive(tables):
        s = tables[table]["service"]
        return _flag(pd.Series(schema.isin(s, known), index=s.index), s.notna())

    return derive


def _outage_service_of_supplier(services: Mapping[str, tuple[str, ...]] | None) -> Derive | None:
    if services is None:
        return None
    sep = "\x1f"
    pairs = [f"{sup}{sep}{svc}" for sup, svcs in services.items() for svc in svcs]

    def derive(tables):
        df = tables["outages"]
        sup, svc = df["supplier_id"], df["service"]
        key = sup.astype("str") + sep + svc.astype("str")
        applies = svc.notna() & pd.Series(schema.isin(sup, list(services)), index=df.index)
        return _flag(pd.Series(schema.isin(key, pairs), index=df.index), applies)

    return derive


# Cross-table and within-row rules: (table, column shown, severity, description, derive).
# ``services`` (supplier id -> its services, params/estate.yaml) is None when build_rules was
# given supplier ids only: the service rules are then left out (their numbers kept).
# New rules go at the end of a table's list, so that no existing rule id moves.
def _cross_rules(services: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, list]:
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
            ("service", "quarantine", "A ticket's service is a service of the estate "
             "(params/estate.yaml).", _service_known("tickets", services)),
            ("status", "quarantine", "A ticket's status is the status of its last event "
             "(event_seq order), for a ticket with events.", _status_matches_events),
            ("resolved_at", "quarantine", "A resolved or closed ticket's resolved_at is when its "
             "events last entered resolved (after the last open event); closed straight from an "
             "open status, between the last open event and the closure.",
             _resolved_matches_events),
            ("reopen_count", "quarantine", "A ticket's reopen_count is the number of reopens in "
             "its events (an open status right after resolved, closed or cancelled).",
             _reopens_match_events),
            ("supplier_id", "quarantine", "A ticket's supplier of record is the supplier of its "
             "last event naming one (the supplier holding it last).", _supplier_matches_events),
        ],
        "ticket_events": [
            ("ticket_id", "blocking", "Every ticket event belongs to a ticket in the tickets "
             "table.", _refers("ticket_events", "ticket_id", "tickets", "ticket_id")),
            ("event_at", "quarantine", "A ticket's events are in time order (event_seq order).",
             _events_in_time_order),
            ("event_at", "quarantine", "A ticket event is not before its ticket was opened.",
             _events_after_open),
            ("event_at", "quarantine", "A ticket event after its ticket's closed_at is in "
             "status closed or cancelled (no activity after closure).", _no_event_after_close),
        ],
        "problems": [
            ("root_cause_at", "quarantine", "A problem's root cause is not found before the "
             "problem was raised.", _ordered("problems", "root_cause_at", "opened_at")),
            ("closed_at", "quarantine", "A problem is not closed before it was raised.",
             _ordered("problems", "closed_at", "opened_at")),
            ("service", "quarantine", "A problem's service is a service of the estate "
             "(params/estate.yaml).", _service_known("problems", services)),
        ],
        "changes": [
            ("planned_end", "quarantine", "A change's planned window ends after it starts.",
             _ordered("changes", "planned_end", "planned_start")),
            ("actual_end", "quarantine", "A change does not actually end before it actually "
             "started.", _ordered("changes", "actual_end", "actual_start")),
            ("service", "quarantine", "A change's service is a service of the estate "
             "(params/estate.yaml).", _service_known("changes", services)),
            ("actual_end", "quarantine", "A completed change (successful, failed or backed out) "
             "has an actual_end.", _change_completed_has_end),
        ],
        "outages": [
            ("end_at", "blocking", "An outage does not end before it started.",
             _ordered("outages", "end_at", "start_at")),
            ("service", "blocking", "An outage's service is one of its supplier's services "
             "(params/estate.yaml): availability counts agreed time per service.",
             _outage_service_of_supplier(services)),
        ],
        "improvements": [
            ("approved_at", "quarantine", "An improvement is not approved or delivered before it "
             "was raised.", _improvement_dates),
            ("delivered_at", "blocking", "An improvement has a delivered_at if and only if its "
             "status is delivered (the delivered count is by delivered_at).",
             _improvement_delivered),
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
    services = (
        {s.id: tuple(s.services) for s in params.estate.suppliers}
        if isinstance(params, Params)
        else None
    )
    start = end = None
    if window is not None:
        start, end = (_as_utc(w) for w in window)
    cross = _cross_rules(services)
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
                     skip=derive is None, expectation="ExpectColumnValuesToBeInSet",
                     kwargs={"value_set": [True]})
            )  # fmt: skip
        for i, spec in enumerate(specs, start=1):
            rule_id = f"{PREFIX[name]}-{i:03d}"
            if spec.pop("skip", False):
                continue
            if spec.get("derive") is not None or spec.get("frame") == "dtypes":
                spec["kwargs"] = {**spec["kwargs"], "column": f"__{rule_id}"}
            rules.append(Rule(rule_id=rule_id, table=name, **spec))
    return rules
