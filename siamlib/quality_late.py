"""The data-quality rules added after the bad-input probes, tying a row to the rest of the
dataset: a ticket's dates and first response against its events, an event's group as the
estate spells it, the order of events at one instant, who answered a survey and how often,
a survey's month and an outage's length against the data window and the estate.

They are numbered after the id rules (:func:`late_rules`), so no older rule id moves; each is
a :data:`siamlib.quality_cross.Derive`: a row passes (True), fails (False) or is not
checked (<NA>). Each closes an input that moved money with exit 0 and no finding; the
probe's figure is in the rule's docstring and docs/data-quality.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import periods, schema
from siamlib.common import fold_text
from siamlib.params import Estate
from siamlib.quality_cross import (
    _NAT,
    Derive,
    _event_ticket_rows,
    _flag,
    _history,
    _ticket_order,
    _us,
)

Window = tuple[pd.Timestamp, pd.Timestamp]


# ------------------------------------------------------------------ who answered a survey ----
def _satisfaction_by_customer(tables) -> pd.Series:
    """SRV-014: a satisfaction response is the customer's (a supplier rating its own service
    would score itself; the importer refuses such rows, the gate the same in a dataset)."""
    sv = tables["surveys"]
    sat = sv["survey_type"].eq("satisfaction").fillna(False).astype(bool)
    return _flag(sv["respondent"].eq("customer"), sat & sv["respondent"].notna())


def _collaboration_by_party(estate) -> Derive | None:
    """SRV-015: a collaboration rating comes from a party of the estate: the retained
    organisation or one of its suppliers (an outsider's rating is no 360 rating)."""
    if estate is None:
        return None
    parties = ["retained", *(s.id for s in estate.suppliers)]

    def derive(tables):
        sv = tables["surveys"]
        collab = sv["survey_type"].eq("collaboration").fillna(False).astype(bool)
        ok = pd.Series(schema.isin(sv["respondent"], parties), index=sv.index)
        return _flag(ok, collab & sv["respondent"].notna())

    return derive


def _one_rating_per_party(tables) -> pd.Series:
    """SRV-016: one collaboration rating per respondent, rated supplier and period. A party's
    rating sent again under new response ids would outweigh the other parties' (a probe:
    hosting's rating of the integrator five times, INT-COLLAB green to red, +£1,800). Which
    copy is the party's word is unknown, so every copy fails. Satisfaction responses are
    the customers' (respondent 'customer', many a month): not judged."""
    sv = tables["surveys"]
    key = ["supplier_id", "period", "respondent"]
    applies = sv["survey_type"].eq("collaboration").fillna(False).astype(bool)
    applies &= sv[key].notna().all(axis=1)
    ok = pd.Series(True, index=sv.index)
    ok[applies] = ~sv.loc[applies, key].astype("str").duplicated(keep=False)
    return _flag(ok, applies)


def _period_in_window(estate, window: Window | None) -> Derive:
    """SRV-017: a survey response's period is a month the data window holds (in part or in
    whole, in the estate's time zone). A response keyed '2027-10' leaves its month unseen (a
    probe: applications' CSAT amber to red, +£1,260). Periods not written YYYY-MM are
    SRV-010's; without a window nothing is judged."""
    tz = estate.timezone if estate is not None else "UTC"

    def derive(tables):
        period = tables["surveys"]["period"]
        months = period.dropna().unique()
        valid = {m: periods.PERIOD_RE.match(str(m)) is not None for m in months}
        inside = {
            m: window is None or not ok or periods.overlaps(str(m), window, tz)
            for m, ok in valid.items()
        }
        applies = period.map(valid).fillna(False).astype(bool) & (window is not None)
        return _flag(period.map(inside).fillna(True).astype(bool), applies)

    return derive


# ---------------------------------------------------------------- an outage's length ----
def max_outage_days(estate) -> int:
    """The longest outage OUT-015 accepts: the estate's ``max_outage_days`` (default 7)."""
    default = Estate.model_fields["max_outage_days"].default
    return default if estate is None else estate.max_outage_days


def _outage_not_too_long(estate, window: Window | None) -> Derive:
    """OUT-015: an outage lasts at most :func:`max_outage_days`; one with no ``end_at`` is
    still down at the data window's end, as availability counts it (without a window it is
    not judged). A start keyed a month early took a 22-minute network outage to 30 days
    (AVAIL 99.98 to 71.74 %, +£4,500) and no other rule saw it; the demo's longest outage is
    30 hours. Blocking: an outage is never quarantined (``quality_rules.NEVER_QUARANTINED``)."""
    limit = pd.Timedelta(days=max_outage_days(estate)).value // 1000  # us
    last = None if window is None else pd.Timestamp(window[1]).value // 1000

    def derive(tables):
        df = tables["outages"]
        start, end = _us(df["start_at"]), _us(df["end_at"])  # naive: OUT-002's, an error here
        if last is not None:
            end = np.where(end == _NAT, last, end)
        applies = (start != _NAT) & (end != _NAT)
        ok = np.where(applies, end - np.where(applies, start, 0), 0) <= limit
        return _flag(pd.Series(ok, index=df.index), pd.Series(applies, index=df.index))

    return derive


# ------------------------------------------------- a change's end against its window ----
# How far from its approved window a completed change may end. Changes count in the month of
# their actual_end (change success): a failed June change whose actual_end month was keyed 10
# counted in October (a probe: hosting's CHANGE 100 to 83.3 %, +£2,880), and no other rule
# saw it (CHG-021 orders actual start and end, CHG-019 only bounds the date to the window).
# The demo's changes end within 6 hours of their planned start.
def change_slack_days(estate) -> int:
    """The slack CHG-025 allows: the estate's ``change_end_slack_days`` (default 7)."""
    default = Estate.model_fields["change_end_slack_days"].default
    return default if estate is None else estate.change_end_slack_days


def _change_ends_near_window(estate) -> Derive:
    """CHG-025: a change's actual_end is within :func:`change_slack_days` of its approved
    window (no earlier than that before ``planned_start``, no later than that after
    ``planned_end``). Changes without the three dates are not judged (CHG-008/009/023's)."""
    slack = pd.Timedelta(days=change_slack_days(estate)).value // 1000  # us

    def derive(tables):
        df = tables["changes"]
        ps, pe, ae = _us(df["planned_start"]), _us(df["planned_end"]), _us(df["actual_end"])
        applies = (ps != _NAT) & (pe != _NAT) & (ae != _NAT)
        ok = ~applies | ((ae >= ps - slack) & (ae <= np.maximum(pe, ps) + slack))
        return _flag(pd.Series(ok, index=df.index), pd.Series(applies, index=df.index))

    return derive


# ----------------------------------------- ids the same but for case, width or spaces ----
def _folded_ids(ids: np.ndarray) -> np.ndarray:
    """Ids as a reader reads them: printable ASCII lower-cased without spaces (nearly every
    id, in Arrow), anything else through :func:`siamlib.common.fold_text`."""
    arr = pa.array(ids, type=pa.string())
    plain = pc.ascii_is_printable(arr).to_numpy(zero_copy_only=False)
    out = pc.ascii_lower(pc.replace_substring(arr, " ", "")).to_numpy(zero_copy_only=False)
    out = out.astype(object)
    if not plain.all():
        out[~plain] = fold_text(pd.Series(ids[~plain], dtype="object"), spaces="").to_numpy()
    return out


def _id_unique_as_read(table: str, column: str) -> Derive:
    """TKT-040, PRB-020, CHG-026, OUT-016, IMP-017, SRV-018: no two rows' ids differ only in
    letter case, width, spaces or invisible characters. The key rules compare ids exactly:
    PRB0000052 and prb0000052 (an extract merged from two sources, one lower-casing) were
    two problems, INT-PROACTIVE 50 to 66.7 %; the same with three delivered improvements
    took INT-CSI from 3 to 6, with six breached P1 tickets a level's attainment. Which copy
    is the record is unknown, so every copy fails (exact repeats are the key rule's)."""

    def derive(tables):
        s = tables[table][column]
        present = s.notna()
        uniq = pd.unique(s[present].astype("str").to_numpy(dtype=object))
        clash = np.zeros(len(s), dtype=bool)
        if len(uniq) > 1:
            folded = pd.Series(_folded_ids(uniq))
            bad = uniq[folded.duplicated(keep=False).to_numpy()]
            if len(bad):
                clash = s.astype("object").isin(set(bad)).to_numpy()
        return _flag(pd.Series(~clash, index=s.index), present)

    return derive


def _id_rule(table: str, column: str) -> tuple:
    noun = {
        "tickets": "ticket",
        "problems": "problem",
        "changes": "change",
        "outages": "outage",
        "improvements": "improvement",
        "surveys": "survey response",
    }
    what = f"No two {noun[table]}s' {column}s differ only in letter case, width, spaces or "
    return (column, "blocking", what + "invisible characters.", _id_unique_as_read(table, column))


# --------------------------------------------------- events at one instant, in an order ----
def _ties_add_no_handoff(tables) -> pd.Series:
    """EVT-020: a ticket's events at one instant are in an order that adds no hand-off: no
    other order of them gives fewer changes of assignment group, from the group holding the
    ticket before the instant to the one holding it after.

    Events at one instant have no order but ``event_seq``; an export without a tie-breaker
    may list them either way, and the hand-off, ping-pong, routing and dispatch measures
    read the order (a probe swapped the service desk's work and the dispatch in one minute on
    180 tickets: SD > dispatch > SD in no time, INT-ROUTING green to red, +£2,700). No
    figure can be made independent of that order (who holds the ticket after the instant is
    the last event's group), so the ticket is quarantined when the order taken is not one of
    the fewest hand-offs: a return to a group or a second visit in no time. Events without a
    group are skipped, as those measures skip them. On the public ServiceNow log (ordered by
    ``sys_mod_count``) 839 tickets (4.0 %) have tied events of two groups; 124 (0.6 %) fail.

    With ``p`` the group before the instant, ``n`` the one after and ``D`` the tied events'
    groups (at least two), the fewest changes are ``|D - {p}|`` (``|D| - 1`` without ``p``),
    plus one unless ``n`` can come last (``n`` in ``D`` and not ``p``; without ``p``, in
    ``D``) or there is no ``n``.
    """
    ev = tables["ticket_events"]
    m = len(ev)
    ok, applies = np.ones(m, dtype=bool), np.zeros(m, dtype=bool)
    if not m:
        return _flag(pd.Series(ok, index=ev.index), pd.Series(applies, index=ev.index))
    grp = ev["assignment_group"]
    if not isinstance(grp.dtype, pd.CategoricalDtype):
        grp = grp.astype("category")
    code = grp.cat.codes.to_numpy().astype(np.int64)
    tpos, at = _event_ticket_rows(tables), _us(ev["event_at"])
    seq = pd.to_numeric(ev["event_seq"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    keep = (tpos >= 0) & (code >= 0) & (at != _NAT) & ~np.isnan(seq)
    order = _ticket_order(tpos, seq, keep)
    idx = np.arange(m) if order is None else order
    t, a, c = tpos[idx], at[idx], code[idx]
    k = len(idx)
    same = np.r_[False, t[1:] == t[:-1]] if k else np.zeros(0, dtype=bool)
    tie = same & np.r_[False, a[1:] == a[:-1]] if k else same
    if tie.any():
        start = np.flatnonzero(~tie)
        end = np.r_[start[1:], k] - 1
        block = np.cumsum(~tie) - 1
        width = int(c.max()) + 1
        distinct = np.bincount(np.unique(block * width + c) // width, minlength=len(start))
        prev = np.where(same[start], c[np.maximum(start - 1, 0)], -1)
        after = np.minimum(end + 1, k - 1)
        nxt = np.where((end + 1 < k) & same[after], c[after], -1)
        changed = np.r_[False, c[1:] != c[:-1]] & tie
        seen = np.add.reduceat(changed.astype(np.int64), start)
        seen += (prev >= 0) & (prev != c[start])
        seen += (nxt >= 0) & (nxt != c[end])
        p_in = np.maximum.reduceat((c == prev[block]).astype(np.int8), start) > 0
        n_in = np.maximum.reduceat((c == nxt[block]).astype(np.int8), start) > 0
        fewest = np.where(prev >= 0, distinct - p_in, distinct - 1)
        fewest += ~((nxt < 0) | (n_in & ((prev < 0) | (nxt != prev))))
        judged = (end > start) & (distinct > 1)
        ok[idx] = ~(judged & (seen > fewest))[block]
        applies[idx] = judged[block]
    return _flag(pd.Series(ok, index=ev.index), pd.Series(applies, index=ev.index))


# --------------------------------------------------------------- group names as spelt ----
def _group_spelt(estate) -> Derive | None:
    """EVT-019: an event's assignment group that is one of the estate's groups as a reader
    reads it (:func:`siamlib.common.fold_text`) is spelt as the estate spells it. The
    hand-off measures compare group names as written: 'EUC-Field\u200b' after 'EUC-Field'
    would count as a reassignment, and no other rule sees it (EVT-017 folds, as it must)."""
    if estate is None:
        return None
    groups = sorted({g.group for g in estate.assignment_groups})
    canon = dict(zip(fold_text(pd.Series(groups, dtype="object")), groups, strict=True))

    def derive(tables):
        grp = tables["ticket_events"]["assignment_group"]
        if not isinstance(grp.dtype, pd.CategoricalDtype):
            grp = grp.astype("category")
        cats = pd.Series(grp.cat.categories, dtype="object")
        want = fold_text(cats).map(canon)
        known = np.append(want.notna().to_numpy(), False)
        spelt = np.append((want == cats).to_numpy(), True)
        codes = grp.cat.codes.to_numpy()
        index = tables["ticket_events"].index
        return _flag(pd.Series(spelt[codes], index=index), pd.Series(known[codes], index=index))

    return derive


# ---------------------------------------------------------- a ticket against its events ----
# How long before its first event a ticket may have been opened. The event log holds a ticket's
# life, and the clocks count the time before its first event as running: a ticket opened days
# before the log shows it would be charged for time nobody can see (a probe moved 40 open
# tickets' opened_at back 45 days: INT-AGED green to red, a £9,000 swing). The public
# ServiceNow log's largest gap is 5.7 hours (99.9 % under 2.3 hours), the demo's none.
OPEN_GAP = pd.Timedelta(days=1)


def _ticket_events(tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event: its ticket's row (-1: none) and time (us); and the kept-event mask."""
    rows = _event_ticket_rows(tables)
    at = _us(tables["ticket_events"]["event_at"])
    return rows, at, (rows >= 0) & (at != _NAT)


def _first_at(rows: np.ndarray, at: np.ndarray, keep: np.ndarray, n: int) -> np.ndarray:
    """Per ticket, the earliest ``at`` of its kept events (int64 max: none)."""
    out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if keep.any():
        first = pd.Series(at[keep]).groupby(rows[keep]).min()
        out[first.index.to_numpy()] = first.to_numpy()
    return out


def _response_is_an_event(tables) -> pd.Series:
    """TKT-037: a ticket's ``first_response_at`` is the time of one of its events in a status
    other than new or cancelled, no later than its first event in a status that shows a
    resolver working it (``schema.WORKED_STATUSES``), and is given when there is such an
    event. The importers take it from the log (the first event in one of the mapping's
    ``response_statuses``, which hold all worked statuses). Probes: a response set to the
    resolution (hosting RESPONSE 98.5 to 4.6 %), to the opening event (network to 100 %), or
    blanked on 120 tickets whose events show it, each moved the response level unsaid."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    n, first = len(tk), tk["first_response_at"]
    if not len(ev):
        return _flag(pd.Series(True, index=tk.index), pd.Series(False, index=tk.index))
    rows, at, kept = _ticket_events(tables)
    worked = kept & schema.isin(ev["status"], schema.WORKED_STATUSES)
    responds = kept & ~schema.isin(ev["status"], ("new", "cancelled"))
    fr = np.append(_us(first), _NAT)
    hit = responds & (at == fr[rows])
    matched = np.bincount(rows[hit], minlength=n) > 0
    first_worked = _first_at(rows, at, worked, n)
    has_worked = first_worked < np.iinfo(np.int64).max
    given = first.notna().to_numpy()
    ok = np.where(given, matched & (fr[:-1] <= first_worked), ~has_worked)
    has_events = _history(tables).has
    return _flag(
        pd.Series(ok, index=tk.index), pd.Series(has_events & (given | has_worked), index=tk.index)
    )


def _opened_near_first_event(tables) -> pd.Series:
    """TKT-038: a ticket's ``opened_at`` is at most :data:`OPEN_GAP` before its first event
    (EVT-015 checks the other side: no event before the opening)."""
    tk = tables["tickets"]
    rows, at, kept = _ticket_events(tables)
    first = _first_at(rows, at, kept, len(tk))
    opened = _us(tk["opened_at"])
    has = (first < np.iinfo(np.int64).max) & (opened != _NAT)
    gap = OPEN_GAP.value // 1000  # us
    return _flag(pd.Series(first - opened <= gap, index=tk.index), pd.Series(has, index=tk.index))


def _has_events(tables) -> pd.Series:
    """TKT-039: a ticket has at least one event, when the dataset has ticket events. The
    clocks and hand-offs of a ticket without events are read from its own dates alone: a
    partial log (a probe took the events of 367 network tickets with pauses out: P2-RES
    87.0 to 69.6 %, +£5,400) would move figures unsaid."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    has = _history(tables).has  # the per-ticket reduction the history rules share (cached)
    return _flag(pd.Series(has, index=tk.index), pd.Series(len(ev) > 0, index=tk.index))


def late_rules(services=None, estate=None, window: Window | None = None) -> dict[str, list]:
    """Cross-table rules added after the id rules (so that no existing rule id moves); the
    same shape as :func:`_cross_rules`. ``window`` (UTC, end exclusive) is the dataset's."""
    days = max_outage_days(estate)
    return {
        "tickets": [
            ("first_response_at", "quarantine", "A ticket's first response is the time of one "
             "of its events in a status other than new or cancelled, no later than its first "
             "event in a worked status (in_progress, awaiting_*, resolved, closed), and is "
             "given when there is one (for a ticket with events).", _response_is_an_event),
            ("opened_at", "quarantine", "A ticket was opened at most 1 day before its first "
             "event (the clocks would count time the log does not show).",
             _opened_near_first_event),
            ("ticket_id", "quarantine", "A ticket has at least one event, when the dataset "
             "has ticket events (a partial log would move its clocks unseen).", _has_events),
            _id_rule("tickets", "ticket_id"),
            # TKT-041, retired (its id stays taken): a ticket handed on after its resolution
            # was quarantined; it is now its resolver's, and the measures hold its later
            # events by the resolver (siamlib.resolution), so such a hand-on moves no figure.
            ("supplier_id", "quarantine", "Retired (TKT-041).", None),
        ],
        "ticket_events": [
            ("assignment_group", "quarantine", "A ticket event's assignment_group that is one "
             "of the estate's groups (params/estate.yaml) but for spaces, invisible "
             "characters, width or case is spelt as the estate spells it (a variant would "
             "count as a hand-off).", _group_spelt(estate)),
            ("event_at", "quarantine", "A ticket's events at one instant are in an order that "
             "adds no hand-off (no other order of them changes assignment group fewer times).",
             _ties_add_no_handoff),
        ],
        "outages": [
            ("end_at", "blocking", f"An outage lasts at most {days} days (params/estate.yaml "
             "max_outage_days; one with no end_at, to the data window's end).",
             _outage_not_too_long(estate, window)),
            _id_rule("outages", "outage_id"),
        ],
        "problems": [_id_rule("problems", "problem_id")],
        "changes": [
            ("actual_end", "quarantine", f"A change's actual_end is within "
             f"{change_slack_days(estate)} days of its planned window (not earlier before "
             "planned_start, not later after planned_end; params/estate.yaml "
             "change_end_slack_days).", _change_ends_near_window(estate)),
            _id_rule("changes", "change_id"),
        ],
        "improvements": [_id_rule("improvements", "improvement_id")],
        "surveys": [
            ("respondent", "quarantine", "A satisfaction response's respondent is 'customer'.",
             _satisfaction_by_customer),
            ("respondent", "quarantine", "A collaboration rating's respondent is 'retained' or "
             "a supplier of the estate (params/estate.yaml).", _collaboration_by_party(estate)),
            ("respondent", "quarantine", "A collaboration rating is the only one by its "
             "respondent of its supplier in its period.", _one_rating_per_party),
            ("period", "blocking", "A survey response's period is a month the dataset window "
             "holds.", _period_in_window(estate, window)),
            _id_rule("surveys", "response_id"),
        ],
    }  # fmt: skip
