"""The data-quality rules added after the bad-input probes, tying a row to the rest of the
dataset: a ticket's dates and first response against its events, an event's group as the
estate spells it, who answered a survey.

They are numbered after the id rules (:func:`late_rules`), so no older rule id moves; each is
a :data:`siamlib.quality_cross.Derive`: a row passes (True), fails (False) or is not
checked (<NA>). Each closes an input that moved money with exit 0 and no finding; the
probe's figure is in the rule's docstring and docs/data-quality.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from siamlib import schema
from siamlib.common import fold_text
from siamlib.quality_cross import _NAT, Derive, _event_ticket_rows, _flag, _history, _us


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


def late_rules(services=None, estate=None) -> dict[str, list]:
    """Cross-table rules added after the id rules (so that no existing rule id moves); the
    same shape as :func:`_cross_rules`."""
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
        ],
        "ticket_events": [
            ("assignment_group", "quarantine", "A ticket event's assignment_group that is one "
             "of the estate's groups (params/estate.yaml) but for spaces, invisible "
             "characters, width or case is spelt as the estate spells it (a variant would "
             "count as a hand-off).", _group_spelt(estate)),
        ],
        "surveys": [
            ("respondent", "quarantine", "A satisfaction response's respondent is 'customer'.",
             _satisfaction_by_customer),
            ("respondent", "quarantine", "A collaboration rating's respondent is 'retained' or "
             "a supplier of the estate (params/estate.yaml).", _collaboration_by_party(estate)),
        ],
    }  # fmt: skip
