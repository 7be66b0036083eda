"""Cross-table and within-row rule builders of the data-quality catalogue.

Each builder returns a ``derive`` function: tables -> one boolean per row of the rule's table
(``True`` passes, ``False`` fails, ``<NA>`` where the rule does not apply), which
:mod:`siamlib.quality_runner` validates with Great Expectations like every other rule.
:func:`_cross_rules` lists them per table (ids follow the order there);
:func:`siamlib.quality_rules.build_rules` numbers them. Split from :mod:`siamlib.quality_rules`
to keep each module small; ``docs/data-quality.md`` says what each rule checks and why.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import resolution, schema
from siamlib.common import fold_text

Derive = Callable[[Mapping[str, pd.DataFrame]], pd.Series]


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
    if isinstance(s.dtype, pd.CategoricalDtype):  # the event log's (schema.COMPACT): by category
        cat = _codes(pd.Series(s.cat.categories, dtype="object"), categories)
        return np.append(cat, -1)[s.cat.codes.to_numpy()]
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
    is a ``resolved``), when the last open event came, and the supplier of record the events
    give, ``last_supplier``: the last event naming a supplier up to the final stop (the
    resolver; for a ticket still open, the last naming one; ``""`` when none does)."""

    has: np.ndarray
    last_status: np.ndarray
    reopens: np.ndarray
    stopped: np.ndarray
    stop_at: np.ndarray
    stop_resolved: np.ndarray
    last_open_at: np.ndarray
    last_supplier: np.ndarray


_HISTORY: dict = {}  # one entry: weak references to the frames it was computed from
_ROWS: dict = {}  # the same, for _event_ticket_rows


def _cached(cache: dict, frames: tuple, compute):
    """``compute()`` once for these very frames (weak references: a new run recomputes, and
    the value is dropped with the frames, so ten million rows are not held after a run)."""
    hit = cache.get("key")
    if hit and all(ref() is f for ref, f in zip(hit, frames, strict=True)):
        return cache["value"]
    value = compute()
    cache.clear()
    cache.update(key=tuple(weakref.ref(f) for f in frames), value=value)
    weakref.finalize(frames[0], cache.clear)
    return value


def _event_ticket_rows(tables) -> np.ndarray:
    """Row of each event's ticket in ``tickets`` (first occurrence; -1: no such ticket),
    computed once per run: the history rules, EVT-016 and EVT-017 read it."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    return _cached(_ROWS, (tk, ev), lambda: _positions(ev["ticket_id"], tk["ticket_id"]))


def _history(tables) -> _History:
    """The events of every ticket, in event_seq order, reduced per ticket (no Python loop per
    ticket: one sort, then segment reductions, as in siamlib.clocks). Cached for the frames
    of one run: five rules read it."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    return _cached(_HISTORY, (tk, ev), lambda: _reduce_history(tables))


def _reduce_history(tables) -> _History:
    tk, ev = tables["tickets"], tables["ticket_events"]
    n = len(tk)
    tpos = _event_ticket_rows(tables)
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
        last_open, stop = resolution.resolution_rows(first, is_open)
        stopped = stop <= last
        stop_c = np.minimum(stop, last)
        # The supplier of record holds the ticket at its last resolution (siamlib.resolution):
        # the last event naming a supplier up to the one stopping the clock.
        seg = np.cumsum(first) - 1
        upto = np.where(stopped, stop_c, last)[seg]
        named = np.maximum.reduceat(np.where((sup >= 0) & (rows <= upto), rows, -1), start)
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


def _events_holder(tables) -> pd.Series:
    """TKT-032's second supplier: the one the events say resolved the ticket, where the
    ticket row names another. Its figures lose the ticket too (the ticket is quarantined),
    so its report must show the finding, not only the relabelled supplier's."""
    tk = tables["tickets"]
    h = _history(tables)
    sup = tk["supplier_id"].astype("str").to_numpy(dtype=object, na_value="")
    other = h.has & (h.last_supplier != "") & (sup != h.last_supplier)
    return pd.Series(np.where(other, h.last_supplier, None), index=tk.index, dtype="object")


def _no_event_after_close(tables) -> pd.Series:
    ev, tk = tables["ticket_events"], tables["tickets"]
    pos = _event_ticket_rows(tables)
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


# ------------------------------------------------------------ an event against its group ----
def _event_group(estate) -> tuple[Derive | None, Derive | None]:
    """EVT-017: an event's supplier_id is the supplier its assignment_group belongs to on the
    event's date (params/estate.yaml, effective-dated in the estate's time zone, as the
    importers map them: siamlib.importers.eventlog.map_suppliers). Returns the check and its
    ``also_counts``: the group's supplier where it is not the ticket's supplier of record, whose
    figures (dispatch, routing, hand-offs) lose the relabelled event. ``(None, None)`` without
    the estate."""
    if estate is None:
        return None, None
    sup_ids = [s.id for s in estate.suppliers]
    groups = list(dict.fromkeys(g.group for g in estate.assignment_groups))

    def us(day) -> int:
        return pd.Timestamp(day).tz_localize(estate.timezone).tz_convert("UTC").value // 1000

    top = np.iinfo(np.int64).max
    spans: dict[int, list[tuple[int, int, int]]] = {}  # group -> (supplier, from, to) in us
    for g in estate.assignment_groups:
        spans.setdefault(groups.index(g.group), []).append(
            (sup_ids.index(g.supplier_id), us(g.effective_from),
             top if g.effective_to is None else us(g.effective_to))
        )  # fmt: skip
    cache: dict = {}

    def wanted(tables) -> np.ndarray:
        ev = tables["ticket_events"]

        def compute():
            # Code of the supplier each event's group maps to on its date; -1: none (a group
            # the estate does not list, no mapping in force then, or no event_at). Worked on
            # the group column's category codes: per-category lookups, one gather each.
            grp = ev["assignment_group"]
            if not isinstance(grp.dtype, pd.CategoricalDtype):
                grp = grp.astype("category")
            cats, c = list(grp.cat.categories), grp.cat.codes.to_numpy()
            at = _us(ev["event_at"])
            sup = np.full(len(cats) + 1, -1, dtype=np.int64)
            lo = np.full(len(cats) + 1, top, dtype=np.int64)
            dated = []
            # A group is matched as a reader reads it: 'SIAM-Dispatch ', 'siam-dispatch' or
            # 'SIAM-\u200bDispatch' is the estate's SIAM-Dispatch (a variant must not evade
            # the check).
            folded = fold_text(pd.Series(cats, dtype="object"))
            for k, gi in enumerate(_codes(folded, list(fold_text(pd.Series(groups))))):
                if gi >= 0:
                    sup[k], lo[k], hi = spans[gi][0]
                    if len(spans[gi]) > 1 or hi != top:
                        dated.append((k, spans[gi]))
            want = np.where(at >= lo[c], sup[c], -1)
            for k, group_spans in dated:  # a group that moved supplier, or stopped: by date
                rows = np.flatnonzero(c == k)
                a, w = at[rows], np.full(len(rows), -1, dtype=np.int64)
                for si, start, stop in group_spans:
                    w[(a >= start) & (a < stop)] = si
                want[rows] = w
            return want

        return _cached(cache, (ev,), compute)

    def derive(tables):
        ev = tables["ticket_events"]
        want = wanted(tables)
        have = _codes(ev["supplier_id"], sup_ids)
        return _flag(pd.Series(have == want, index=ev.index), pd.Series(want >= 0, index=ev.index))

    def also_counts(tables):
        ev, tk = tables["ticket_events"], tables["tickets"]
        want = wanted(tables)
        record = np.append(_codes(tk["supplier_id"], sup_ids), -1)[_event_ticket_rows(tables)]
        codes = np.where((want >= 0) & (want != record), want, -1)
        return pd.Series(pd.Categorical.from_codes(codes, categories=sup_ids), index=ev.index)

    return derive, also_counts


# ------------------------------------------------------------------ ids without invisibles ----
# Unicode control (Cc) and format (Cf: zero-width space, BOM, bidi marks, soft hyphen...)
# characters and the non-ASCII spaces (Zs but U+0020, Zl, Zp), in RE2 syntax (pyarrow), or a
# leading or trailing space.
_INVISIBLE_RE = (r"[\p{Cc}\p{Cf}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
                 r"\x{205f}\x{3000}]|^ | $")  # fmt: skip


def _invisible(s: pd.Series) -> np.ndarray:
    """True where a text value holds an invisible character or a leading or trailing space
    (False where missing). Vectorised in Arrow: printable ASCII without edge spaces (nearly
    every id) is settled by two byte scans; only other values meet the regex.

    >>> _invisible(pd.Series(["INC1", "INC\\u200b1", " INC1", "Café-1", "A\\u00a0B", None]))
    array([False,  True,  True, False,  True, False])
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.append(_invisible(pd.Series(s.cat.categories, dtype="object")), False)
        return cats[s.cat.codes.to_numpy()]
    arr = pa.array(s.astype("str") if s.dtype == object else s, from_pandas=True)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.string())
    edge = pc.or_(pc.starts_with(arr, " "), pc.ends_with(arr, " "))
    printable = pc.ascii_is_printable(arr)
    if pc.all(pc.and_(printable, pc.invert(edge))).as_py() is not False:
        return np.zeros(len(s), dtype=bool)  # the usual case: decided without a copy
    bad = pc.fill_null(edge, False).to_numpy(zero_copy_only=False).copy()
    other = ~pc.fill_null(printable, True).to_numpy(zero_copy_only=False)
    if other.any():
        rows = np.flatnonzero(other)
        hit = pc.match_substring_regex(arr.take(pa.array(rows)), _INVISIBLE_RE)
        bad[rows] |= pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
    return bad


def _clean_id(table: str, column: str) -> Derive:
    def derive(tables):
        s = tables[table][column]
        return _flag(pd.Series(~_invisible(s), index=s.index), s.notna())

    return derive


# Cross-table and within-row rules: (table, column shown, severity, description, derive[,
# more Rule fields]). ``services`` (supplier id -> its services, params/estate.yaml) and
# ``estate`` are None when build_rules was given supplier ids only: the rules needing them are
# then left out (their numbers kept). New rules go at the end of a table's list, so that no
# existing rule id moves.
def _cross_rules(
    services: Mapping[str, tuple[str, ...]] | None = None, estate=None
) -> dict[str, list]:
    group_check, group_owner = _event_group(estate)
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
            ("supplier_id", "quarantine", "A ticket's supplier of record is the supplier holding "
             "it at its last resolution (the last event naming one up to the first event after "
             "its last open one; for a ticket still open, the last naming one).",
             _supplier_matches_events,
             {"also_counts": _events_holder}),
            ("first_response_at", "quarantine", "A ticket's first response is not after it was "
             "resolved (the resolution answers the caller: a later response is a wrong date).",
             _ordered("tickets", "resolved_at", "first_response_at")),
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
            ("supplier_id", "quarantine", "A ticket event's supplier_id is the supplier its "
             "assignment_group belongs to on the event's date (params/estate.yaml, "
             "effective-dated); groups the estate does not list are left out.", group_check,
             {"also_counts": group_owner}),
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
