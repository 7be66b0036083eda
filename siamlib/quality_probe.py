"""Data-quality rules added after the seventh bad-input probe: an event that names no holder
after an earlier event of its ticket did, a ticket cancelled after it was resolved, a change that
ended but is recorded as not done, and a record copied under a new id.

They are numbered after the rules of :mod:`siamlib.quality_late` (:func:`probe_rules`), so
no older rule id moves; each is a :data:`siamlib.quality_cross.Derive`: a row passes (True),
fails (False) or is not checked (<NA>). Each closes an input that moved figures with exit 0
and no finding; the probe's figure is in the rule's docstring and docs/data-quality.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from siamlib import schema
from siamlib.quality_cross import Derive, _codes, _flag

_COPY = (
    "{noun} is not a copy of another under a new id (every other column the same): it "
    "would count twice."
)
# Statuses a ticket reaches when it is resolved: a cancelled ticket never went through them.
_DONE = ("resolved", "closed")


def _event_names_holder(tables) -> pd.Series:
    """EVT-021: a ticket event names its supplier (``supplier_id``) when an earlier event of
    its ticket (``event_seq`` order) does. The collaboration measures skip an event with no
    supplier (``a, <missing>, b`` is one hand-off ``a -> b``), so blanking the holder of some
    events hides a party from a ticket's route: a probe blanked the group and supplier of the
    1,400 October dispatch events (``SIAM-Dispatch``) and INT-DISPATCH and INT-ROUTING went
    from green to grey, INT-HANDOFF from 0.17 to 0.94, the integrator's score 91.7 to 89.0,
    with exit 0. Events before the first one naming a supplier pass: the event-log importer
    leaves them without one when the source assigns no team yet and the mapping names no
    ``unassigned_supplier``. Neither the demo nor the public ServiceNow log (89,094 events)
    has an event without a supplier."""
    ev = tables["ticket_events"]
    missing = ev["supplier_id"].isna().to_numpy()
    ok = pd.Series(True, index=ev.index)
    if missing.any():
        ids = ev["ticket_id"]
        seq = pd.to_numeric(ev["event_seq"], errors="coerce").astype("float64")
        # Only the tickets holding a blank event: their first event naming a supplier.
        named = ~missing & schema.isin(ids, ids[missing])
        first = seq[named].groupby(ids[named].astype("str")).min()
        after = seq[missing].to_numpy() > ids[missing].astype("str").map(first).to_numpy(
            dtype="float64", na_value=np.inf
        )
        ok[missing] = ~after
    return _flag(ok, ev["ticket_id"].notna() & ev["event_seq"].notna())


def _not_cancelled_after_resolution(tables) -> pd.Series:
    """TKT-042: a cancelled ticket was never resolved: it has no ``resolved_at`` and no
    event in ``resolved`` or ``closed`` (a resolved ticket is closed or reopened, not
    cancelled). Cancelled tickets leave every SLA and reopen measure, and TKT-025 does not
    judge them (they are neither open nor done), so relabelling resolved tickets as cancelled
    took them out unsaid: five of hosting's October P2 tickets, resolved and closed, set
    to cancelled in the row and its last event moved P2-RES-2026H2 (76.9 to 73.5 %), CSAT,
    REOPEN and RESPONSE with exit 0. Neither the demo (217 cancelled tickets) nor the public
    ServiceNow log has a cancelled ticket with a resolution."""
    tk = tables["tickets"]
    cancelled = tk["status"].eq("cancelled").fillna(False).astype(bool)
    ok = pd.Series(True, index=tk.index)
    if cancelled.any():
        bad = tk["resolved_at"].notna() & cancelled
        ev = tables.get("ticket_events")
        if ev is not None and len(ev):
            codes = _codes(ev["status"], schema.TICKET_STATUSES)
            done = np.isin(codes, [schema.TICKET_STATUSES.index(s) for s in _DONE])
            bad |= cancelled & pd.Series(
                schema.isin(tk["ticket_id"], ev["ticket_id"][done]), index=tk.index
            )
        ok[bad] = False
    return _flag(ok, cancelled)


def _not_done_has_no_end(tables) -> pd.Series:
    """CHG-027: a pending or cancelled change has no ``actual_end`` (a change that ended is
    successful, failed or backed out). Change success and the emergency ratio count completed
    changes by ``actual_end`` and leave pending and cancelled ones out, and CHG-023 checks only
    that a completed change has an end, so relabelling a failed change ``pending`` dropped the
    failure unsaid: hosting's two failed changes of a month relabelled took CHANGE from
    83.3 % (red, a credit) to 100 %. Blocking, as IMP-015: quarantining the change would
    drop it from the count just as the relabelling did, and a month holds few changes (one
    failure moves a level by 10 points). The demo's 11 pending and cancelled changes have
    no actual dates; the public ServiceNow log has no changes table."""
    ch = tables["changes"]
    undone = ch["outcome"].isin(["pending", "cancelled"]).fillna(False).astype(bool)
    return _flag(ch["actual_end"].isna(), undone)


def _not_a_copy(table: str) -> Derive:
    """CHG-028, PRB-021, IMP-018: a row is not a copy of another under a new id (every
    column but the id the same, to the microsecond). The key rules compare ids, and TKT-040
    and its kind only ids that differ in case or spaces; a record exported twice by a merge
    of two extracts with different numbering counted twice: a delivered improvement copied
    as a new register entry raised INT-CSI's count, and successful changes copied lowered a
    change failure rate. Which copy is the record is unknown, so every copy fails; blocking,
    as a count cannot be set right by taking rows out. Not on tickets (the public
    ServiceNow log has tickets opened in the same minute on the same item) nor outages (an
    outage copied is one outage event to availability, siamlib.causes). The demo has no
    such copy in the three tables."""
    key = schema.TABLES[table].key[0]

    def derive(tables):
        df = tables[table]
        rest = [c for c in df.columns if c != key]
        copied = df.duplicated(rest, keep=False) if len(df) else pd.Series(False, index=df.index)
        return _flag(~copied.astype(bool), df[key].notna())

    return derive


def probe_rules(services=None, estate=None, window=None) -> dict[str, list]:
    """Rules added after :func:`siamlib.quality_late.late_rules` (so that no existing rule
    id moves); the same shape as :func:`siamlib.quality_cross._cross_rules`."""
    return {
        "tickets": [
            ("status", "quarantine", "A cancelled ticket was never resolved: it has no "
             "resolved_at and no event in resolved or closed.",
             _not_cancelled_after_resolution),
        ],
        "ticket_events": [
            ("supplier_id", "quarantine", "A ticket event names its supplier_id when an "
             "earlier event of its ticket does (an event with no holder drops out of "
             "hand-offs, routing and dispatch).", _event_names_holder),
        ],
        "changes": [
            ("actual_end", "blocking", "A pending or cancelled change has no actual_end (a "
             "change that ended is successful, failed or backed out).", _not_done_has_no_end),
            ("change_id", "blocking", _COPY.format(noun="A change"), _not_a_copy("changes")),
        ],
        "problems": [
            ("problem_id", "blocking", _COPY.format(noun="A problem"), _not_a_copy("problems")),
        ],
        "improvements": [
            ("improvement_id", "blocking", _COPY.format(noun="An improvement"),
             _not_a_copy("improvements")),
        ],
    }  # fmt: skip
