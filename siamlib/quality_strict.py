"""Data-quality rules with fixed numbers: dates against the rest of a record, and the same
record under another id.

These rules carry their own number (``PRB-030``, ``IMP-030``, ``TKT-050`` ...),
high above the numbered catalogue (:func:`siamlib.quality_rules.build_rules` numbers the
others in order), so rules added in the order of the catalogue never move them and they
never move another rule's id. :func:`strict_rules` lists them per table as
``(number, entry)``, ``entry`` shaped as :func:`siamlib.quality_cross._cross_rules`'
entries; a number the catalogue already uses is refused (:func:`fixed_numbers`).

- **Dates against the rest of the record** (PRB-030, IMP-030): a month typo in a date that
  decides the month a row counts in moves it to another period (INT-PROACTIVE counts
  problems by ``opened_at``, INT-CSI improvements by ``delivered_at``). A month typo is
  visible only where the record holds another date it contradicts: a reactive problem raised
  weeks before any incident linked to it, an improvement delivered before it was approved.
  A month typo that contradicts nothing in the record (a delivery keyed a month late, a
  proactive problem's opening) cannot be told from a real date; docs/data-quality.md says so.
  Blocking, as IMP-015: the date decides the month a count level counts the row in (three
  deliveries a month, eight problems), and quarantining the row would move that count too.
- **The origin against the incidents** (PRB-031): a reactive problem relabelled proactive
  moves INT-PROACTIVE's share; a problem raised within days after the incident it links
  answers that incident, so it cannot be proactive. Blocking, as PRB-030.
- **The same ticket under another id** (TKT-050): an extract merged from two sources, or a
  record re-keyed, counts twice. The id rules (TKT-003, TKT-040 ...) compare ids; this
  compares content: every copy fails and blocks its supplier, as a repeated id does (which
  copy is the record is unknown). Changes, problems and improvements copied under a new id
  are CHG-028, PRB-021 and IMP-018 (:mod:`siamlib.quality_probe`), which judge every row: a
  ticket needs a time off the whole minute here, as real logs timed to the minute hold
  genuine twins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib import schema
from siamlib.calendar import calendar_for
from siamlib.params import Calendar, Params
from siamlib.quality_cross import _NAT, _event_ticket_rows, _flag, _ticket_order, _us

# How far before the first incident linked to it a reactive problem may be raised. A reactive
# problem answers incidents: the demo raises each 0 to 3 days after its first linked incident
# (at most 1.6 hours before it, where the link is to an earlier record of the same fault); a
# month typo in opened_at puts it 28 to 31 days before. A proactive problem is raised before
# the incidents it prevents, so only reactive ones are judged.
REACTIVE_LEAD = pd.Timedelta(days=7)


# ------------------------------------------------------- dates against the rest of the record --
def _reactive_not_before_incidents(tables) -> pd.Series:
    """PRB-030: a reactive problem is raised no more than :data:`REACTIVE_LEAD` before the
    first incident linked to it (``tickets.problem_id``). Problems no ticket links to, and
    proactive ones, are not judged. INT-PROACTIVE counts problems by ``opened_at``: a reactive
    problem's opening keyed a month early moved it to another month's share."""
    pr, tk = tables["problems"], tables["tickets"]
    linked = tk[["problem_id", "opened_at"]].dropna()
    first = linked.groupby(linked["problem_id"].astype("str"))["opened_at"].min()
    first_us = (
        pd.Series(_us(first), index=first.index) if len(first) else pd.Series([], dtype="int64")
    )
    key = pr["problem_id"].astype("str").where(pr["problem_id"].notna(), None)
    inc = key.map(first_us).to_numpy(dtype="float64", na_value=np.nan)
    opened = _us(pr["opened_at"])
    reactive = pr["origin"].eq("reactive").fillna(False).to_numpy(dtype=bool)
    applies = reactive & ~np.isnan(inc) & (opened != _NAT)
    lead = REACTIVE_LEAD.value // 1000  # us
    ok = ~applies | (opened >= np.where(applies, inc, 0) - lead)
    return _flag(pd.Series(ok, index=pr.index), pd.Series(applies, index=pr.index))


def _proactive_not_after_fresh_incident(tables) -> pd.Series:
    """PRB-031: a problem recorded as proactive does not answer one fresh incident: it is not
    raised within :data:`REACTIVE_LEAD` after the only incident linked to it that was opened
    by then (``tickets.problem_id``).

    A reactive problem answers an incident; a proactive one comes from a trend, which takes
    more than one incident (or from none: raised ahead of the incidents it prevents). So a
    "proactive" problem raised days after a single linked incident, with no other incident
    of it before, answers that incident. INT-PROACTIVE counts problems by ``origin``: probe 8
    relabelled the demo's reactive problems ``proactive`` (41 of its 43 are raised 11 to 65
    hours after their one earlier incident) and INT-PROACTIVE went from 0 % red to 100 %
    green, the integrator's £2,700 credit gone, exit 0.

    Not judged, so a genuine proactive problem is never blocked for being quick: one with two
    or more incidents before it (a trend, however new), with none, or raised more than 7 days
    after its one incident. A reactive problem relabelled proactive in those shapes (the
    demo's one raised after a burst of 30 incidents) is not caught (docs/data-quality.md).
    """
    pr, tk = tables["problems"], tables["tickets"]
    linked = tk[["problem_id", "opened_at"]].dropna()
    key = pr["problem_id"].astype("str").where(pr["problem_id"].notna(), None)
    opened = _us(pr["opened_at"])
    proactive = pr["origin"].eq("proactive").fillna(False).to_numpy(dtype=bool)
    # Each linked incident beside the opening of its problem (one row per incident).
    inc = pd.DataFrame({"problem": linked["problem_id"].astype("str").to_numpy(),
                        "at": _us(linked["opened_at"])})  # fmt: skip
    raised = pd.Series(opened, index=key.to_numpy()).groupby(level=0).min()
    inc["raised"] = inc["problem"].map(raised)
    before = inc[inc["raised"].notna() & (inc["at"] <= inc["raised"])]
    per = before.groupby("problem")["at"].agg(["count", "max"])
    n = key.map(per["count"]).fillna(0).to_numpy(dtype="int64")
    last = key.map(per["max"]).to_numpy(dtype="float64", na_value=np.nan)
    applies = proactive & (n == 1) & (opened != _NAT)
    lead = REACTIVE_LEAD.value // 1000  # us
    ok = ~applies | (opened - np.where(applies, last, 0) > lead)
    return _flag(pd.Series(ok, index=pr.index), pd.Series(applies, index=pr.index))


def _delivered_after_approval(tables) -> pd.Series:
    """IMP-030: an improvement is not delivered before it was approved (both dates given).
    INT-CSI counts deliveries by ``delivered_at``: a delivery keyed a month early moved it to
    the month before (IMP-014 checks both dates against ``raised_at`` only)."""
    df = tables["improvements"]
    a, d = df["approved_at"], df["delivered_at"]
    return _flag(d >= a, a.notna() & d.notna())


def maintenance_windows(params: Params) -> dict[str, Calendar]:
    """Each supplier's agreed maintenance window (its contract's ``maintenance_window``
    calendar), for the suppliers whose contract names one.

    >>> from siamlib.params import load_params
    >>> sorted(maintenance_windows(load_params()))[:2]
    ['applications', 'euc']
    """
    return {
        sup: c.calendars[c.maintenance_window]
        for sup, c in params.contracts.items()
        if c.maintenance_window is not None
    }


def _planned_in_window(windows: Mapping[str, Calendar]):
    """OUT-030: every minute of a planned outage is inside its supplier's maintenance window.

    An ongoing planned outage (no ``end_at``) is judged by its start. Outages of suppliers
    without a window, unplanned ones and those ending before they start (OUT's ordering rule)
    are not judged. Availability leaves planned minutes out whatever their time: an unplanned
    outage relabelled ``planned`` took 1,440 minutes out of hosting's October (AVAIL red to
    green, -£7,200) with nothing else in the record to contradict it, but a contract's window
    does.
    """

    def derive(tables) -> pd.Series:
        df = tables["outages"]
        planned = df["planned"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        start, end = _us(df["start_at"]), _us(df["end_at"])
        ongoing = end == _NAT
        sup = df["supplier_id"].astype("str").to_numpy()
        applies = planned & (start != _NAT) & (ongoing | (end >= start))
        ok = np.ones(len(df), dtype=bool)
        judged = np.zeros(len(df), dtype=bool)
        for supplier, cal in windows.items():
            rows = np.flatnonzero(applies & (sup == supplier))
            if not len(rows):
                continue
            judged[rows] = True
            a = start[rows]
            # An ongoing outage: its first minute must be in the window.
            b = np.where(ongoing[rows], a + _MINUTE, end[rows])
            bc = calendar_for(cal, pd.Timestamp(a.min(), unit="us", tz="UTC"),
                              pd.Timestamp(b.max(), unit="us", tz="UTC"))  # fmt: skip
            inside = bc.business_seconds_until(pd.to_datetime(b, unit="us", utc=True)) - (
                bc.business_seconds_until(pd.to_datetime(a, unit="us", utc=True))
            )
            ok[rows] = np.abs(inside - (b - a) / 1e6) < 1.0
        return _flag(pd.Series(ok, index=df.index), pd.Series(judged, index=df.index))

    return derive


# ---------------------------------------------------------- the same record under another id --
def _seconds(s: pd.Series) -> np.ndarray:
    """Timestamps to the second, as int64 (NaT: ``_NAT``): a copy may lose sub-seconds."""
    us = _us(s)
    return np.where(us == _NAT, _NAT, us // 1_000_000)


def _content(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``columns`` of ``df`` as comparable values: timestamps to the second, text as text."""
    out = {}
    for c in columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[c] = _seconds(s)
        elif pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.astype("Float64").to_numpy("float64", na_value=np.nan)
        else:
            out[c] = s.astype("str").where(s.notna(), "\x00").to_numpy(dtype=object)
    return pd.DataFrame(out, index=df.index)


def _off_minute(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Rows with a timestamp among ``columns`` not on a whole minute: timed to the second."""
    off = np.zeros(len(df), dtype=bool)
    for c in columns:
        if isinstance(df[c].dtype, pd.DatetimeTZDtype):
            us = _us(df[c])
            off |= (us != _NAT) & (us % _MINUTE != 0)
    return off


def _ticket_copied(tables) -> pd.Series:
    """TKT-050: no two tickets are the same record under different ids: every column of the
    ticket but its id alike (timestamps to the second), and the same event history (in
    ``event_seq`` order: each event's time to the second, status, assignment group, supplier
    and support level). Compared in three passes, each on the few rows the one before left:
    opening second and priority, then the ticket's columns, then the histories.

    Judged: tickets with events, timed to the second (the ticket or one of its events has a
    time off the whole minute). The public ServiceNow log is timed to the minute, and 43 of
    its 20,768 tickets have a twin alike in every column and event: two calls of one minute
    and category resolved as they were logged and closed by the same nightly job (31 with
    two events, 12 with three or four). Timed to the minute, alike proves nothing; timed to
    the second, every event of two tickets in the same second is a copy. Tickets without
    events are TKT-039's."""
    tk, ev = tables["tickets"], tables["ticket_events"]
    n = len(tk)
    tpos = _event_ticket_rows(tables)
    at = _us(ev["event_at"])
    linked = tpos >= 0
    has = np.bincount(tpos[linked], minlength=n) > 0
    off_ev = linked & (at != _NAT) & (at % _MINUTE != 0)
    timed = _off_minute(tk, _TICKET_COLUMNS) | (np.bincount(tpos[off_ev], minlength=n) > 0)
    applies = has & timed & tk[_TICKET_KEY].notna().all(axis=1).to_numpy()
    ok = np.ones(n, dtype=bool)
    cand = np.flatnonzero(applies)
    if len(cand) > 1:
        quick = _content(tk.iloc[cand], ["opened_at", "priority"])
        cand = cand[quick.duplicated(keep=False).to_numpy()]
    if len(cand) > 1:
        cand = cand[_content(tk.iloc[cand], _TICKET_COLUMNS).duplicated(keep=False).to_numpy()]
    if len(cand) > 1:
        pick = np.zeros(n, dtype=bool)
        pick[cand] = True
        mine = linked & pick[np.maximum(tpos, 0)]
        sub, tp = ev[mine], tpos[mine]
        seq = pd.to_numeric(sub["event_seq"], errors="coerce").to_numpy("float64", na_value=np.nan)
        order = _ticket_order(tp, seq, ~np.isnan(seq))
        order = np.arange(len(sub)) if order is None else order
        cols = ["event_at", "status", "assignment_group", "supplier_id", "support_level"]
        rows = pd.util.hash_pandas_object(_content(sub, cols), index=False).to_numpy()
        hist = pd.Series(rows[order]).groupby(tp[order], sort=False).agg(tuple)
        keys = _content(tk.iloc[hist.index.to_numpy()], _TICKET_COLUMNS)
        keys["history"] = hist.to_numpy()
        ok[hist.index.to_numpy()[keys.duplicated(keep=False).to_numpy()]] = False
    return _flag(pd.Series(ok, index=tk.index), pd.Series(applies, index=tk.index))


# ------------------------------------------------------------------------- the catalogue --
def fixed_numbers(prefix: str, numbers: Sequence[int], taken: int) -> list[int]:
    """``numbers`` checked free: above the ``taken`` numbered rules and each used once.

    >>> fixed_numbers("TKT", [50, 51], 41)
    [50, 51]
    >>> fixed_numbers("CHG", [30], 30)
    Traceback (most recent call last):
    ...
    ValueError: CHG-030 is both a fixed rule number and the 30th numbered changes rule: ...
    """
    out = list(numbers)
    for n in out:
        if n <= taken:
            raise ValueError(
                f"{prefix}-{n:03d} is both a fixed rule number and the {taken}th numbered "
                f"{_TABLE[prefix]} rule: give the fixed rule a higher number "
                "(siamlib.quality_strict)"
            )
    if len(set(out)) != len(out):
        raise ValueError(f"{prefix}: a fixed rule number is used twice (siamlib.quality_strict)")
    return out


_TABLE = {"TKT": "tickets", "CHG": "changes", "PRB": "problems", "IMP": "improvements",
          "EVT": "ticket_events", "OUT": "outages", "SRV": "surveys"}  # fmt: skip


def strict_rules(
    windows: Mapping[str, Calendar] | None = None,
) -> dict[str, list[tuple[int, tuple]]]:
    """The fixed-number rules per table, ``(number, entry)``.

    ``windows`` maps a supplier id to its contract's maintenance window (OUT-030); suppliers
    without one, or ``None``, are not judged by it.
    """
    alike = "timed to the second (a time off the whole minute) "
    return {
        "outages": [
            (30, ("planned", "blocking", "A planned outage lies inside its supplier's agreed "
                  "maintenance window (the contract's maintenance_window): planned minutes do "
                  "not count against availability, so planned time outside the window must be "
                  "recorded as an unplanned outage.", _planned_in_window(windows or {}))),
        ],
        "tickets": [
            (50, ("ticket_id", "blocking", "No two tickets with events " + alike + "are the "
                  "same record under different ticket_ids (every other column alike, times to "
                  "the second, and the same event history).", _ticket_copied)),
        ],
        "problems": [
            (30, ("opened_at", "blocking", "A reactive problem is raised no more than "
                  f"{REACTIVE_LEAD.days} days before the first incident linked to it "
                  "(tickets.problem_id).", _reactive_not_before_incidents)),
            (31, ("origin", "blocking", "A proactive problem is not raised within "
                  f"{REACTIVE_LEAD.days} days after the only incident linked to it opened by "
                  "then (a problem answering one fresh incident is reactive; a trend takes "
                  "more than one).",
                  _proactive_not_after_fresh_incident)),
        ],
        "improvements": [
            (30, ("delivered_at", "blocking", "An improvement is not delivered before it was "
                  "approved (the delivered count is by delivered_at).",
                  _delivered_after_approval)),
        ],
    }  # fmt: skip


_MINUTE = 60_000_000  # us
_TICKET_KEY = ["supplier_id", "ticket_type", "service", "priority", "opened_at"]
_TICKET_COLUMNS = [c for c in schema.TABLES["tickets"].column_names if c != "ticket_id"]
