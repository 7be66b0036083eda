"""Where a ticket's work ends: its last resolution, and who held it then.

A ticket's *resolution* is its first event after its last event in an open status (for a
ticket never open, its first event): the event that stopped its clocks for the last time.
Everything after it is administration of a finished ticket: the service desk confirming with
the user and closing it, a queue tidy-up, a relabelled group. The workbook therefore

- attributes a ticket to the supplier holding it at that resolution (its *resolver*), not to
  whoever closed it (the importers set ``tickets.supplier_id`` so, and gate rule TKT-032
  checks it), and
- measures the holder of its later events as that resolver (:func:`held_by_resolver`): a
  ticket passed to the service desk for closure is no hand-off, no bounce and no
  out-of-scope work.

Before this, a resolved ticket reassigned for closure moved its resolution clock to the
closing supplier. In the public ServiceNow log 19 of 20,768 imported tickets were resolved by
one supplier and closed by another (for example INC0006460: resolved by Group 5 of euc,
closed by Group 70 of the service desk).

>>> ev = pd.DataFrame({"ticket_id": ["T1"] * 4, "event_seq": [1, 2, 3, 4],
...     "status": ["assigned", "resolved", "resolved", "closed"],
...     "supplier_id": ["desk", "euc", "desk", "desk"]})
>>> after_resolution(ev).tolist()
[False, False, True, True]
>>> held_by_resolver(ev)["supplier_id"].tolist()
['desk', 'euc', 'euc', 'euc']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from siamlib.schema import OPEN_STATUSES
from siamlib.schema import isin as schema_isin

HOLDER_COLUMNS = ("assignment_group", "supplier_id", "support_level")


def after_stop(first: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """Which events come after their ticket's last resolution (arrays in ticket, event order).

    Parameters
    ----------
    first : numpy.ndarray of bool
        True on the first event of each ticket (events grouped by ticket, in event order).
    is_open : numpy.ndarray of bool
        True where the event's status is an open one (``siamlib.schema.OPEN_STATUSES``).

    Returns
    -------
    numpy.ndarray of bool
        True for every event after the first event that follows the ticket's last open one
        (after its first event, for a ticket never open). A ticket open at its end has none.

    Examples
    --------
    >>> after_stop(np.array([1, 0, 0, 1, 0], bool), np.array([1, 0, 0, 0, 0], bool)).tolist()
    [False, False, True, False, True]
    """
    return _stops(first, is_open)[0]


def resolution_rows(first: np.ndarray, is_open: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per ticket: (position of its last open event or -1, position of its resolution event).

    The one definition of a ticket's resolution, shared by the compute stage
    (:func:`held_by_resolver`) and the gate (``quality_cross``, rule TKT-032). Arrays are in
    ticket, event order and not empty; a ticket open at its end gets the position one past
    its last event, so callers test ``stop <= last`` for "stopped".

    Examples
    --------
    >>> last_open, stop = resolution_rows(np.array([1, 0, 0, 1, 0], bool),
    ...                                   np.array([1, 0, 0, 0, 0], bool))
    >>> last_open.tolist(), stop.tolist()
    ([0, -1], [1, 3])
    """
    rows = np.arange(len(first))
    start = np.flatnonzero(first)
    last_open = np.maximum.reduceat(np.where(is_open, rows, -1), start)
    return last_open, np.where(last_open >= 0, last_open + 1, start)


def _stops(first: np.ndarray, is_open: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(:func:`after_stop`, the position of each event's ticket's resolution event)."""
    m = len(first)
    if not m:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    stop = resolution_rows(first, is_open)[1][np.cumsum(first) - 1]
    return np.arange(m) > stop, stop


def _order(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(rows in ticket, event_seq, event_at order; ticket code of each of those rows).

    Rows without a ticket id or an event_seq are left out: they cannot be placed in a
    ticket's history (the gate quarantines them, EVT-002/EVT-004 and the like).
    """
    code = pd.factorize(events["ticket_id"])[0]
    seq = pd.to_numeric(events["event_seq"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    ok = (code >= 0) & ~np.isnan(seq)
    if ok.all() and len(code) > 1:
        # Extracts usually come grouped by ticket in event_seq order: then no sort is needed
        # (each ticket one run of codes, seq strictly rising within it, so no tie to break).
        same = code[1:] == code[:-1]
        runs = len(code) - int(same.sum())
        if runs == int(code.max()) + 1 and (seq[1:][same] > seq[:-1][same]).all():
            return np.arange(len(code)), code
    keys = [seq, code]  # np.lexsort: the last key sorts first
    if "event_at" in events.columns:
        at = events["event_at"]
        if isinstance(at.dtype, pd.DatetimeTZDtype):
            at = at.dt.tz_convert("UTC").dt.tz_localize(None)
        at = at.to_numpy(dtype="datetime64[us]").astype("int64")  # NaT sorts first: harmless
        keys.insert(0, at)
    rows = np.flatnonzero(ok)
    order = rows[np.lexsort(tuple(k[rows] for k in keys))]
    return order, code[order]


def _resolution_rows(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(rows after their ticket's last resolution, each one's resolution row), as rows of
    ``events`` (``iloc`` positions)."""
    order, code = _order(events)
    if not len(order):
        return order, order
    first = np.r_[True, code[1:] != code[:-1]]
    is_open = np.asarray(schema_isin(events["status"], OPEN_STATUSES), dtype=bool)[order]
    after, stop = _stops(first, is_open)
    return order[after], order[stop[after]]


def after_resolution(events: pd.DataFrame) -> np.ndarray:
    """Per event row (in ``events``' own order): whether it comes after its ticket's last
    resolution (see :func:`after_stop`). Events are ordered per ticket by ``event_seq`` then
    ``event_at``, as the measures read them; rows without a ticket id or ``event_seq`` are
    never after.

    Examples
    --------
    >>> ev = pd.DataFrame({"ticket_id": ["T1", "T2", "T1"], "event_seq": [2, 1, 1],
    ...                    "status": ["resolved", "resolved", "assigned"]})
    >>> after_resolution(ev).tolist()
    [False, False, False]
    """
    out = np.zeros(len(events), dtype=bool)
    out[_resolution_rows(events)[0]] = True
    return out


def held_by_resolver(events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with every event after its ticket's last resolution held by the resolver:
    its ``assignment_group``, ``supplier_id`` and ``support_level`` are the resolution
    event's (statuses and times untouched, so clocks, reopens, cancellations and the
    open-at-an-instant history read the same).

    The measures read these: a ticket passed on for closure after its resolution is no
    hand-off, no bounce, no routing step and no out-of-scope work of the closing supplier.

    Examples
    --------
    >>> ev = pd.DataFrame({"ticket_id": ["T1"] * 3, "event_seq": [1, 2, 3],
    ...     "status": ["assigned", "resolved", "closed"], "supplier_id": ["a", "a", "b"]})
    >>> held_by_resolver(ev)[["status", "supplier_id"]].values.tolist()
    [['assigned', 'a'], ['resolved', 'a'], ['closed', 'a']]
    """
    rows, src = _resolution_rows(events)
    cols = [c for c in HOLDER_COLUMNS if c in events.columns]
    if not len(rows) or not cols:
        return events
    take = np.arange(len(events))
    take[rows] = src
    out = events.copy(deep=False)
    for c in cols:
        out[c] = pd.Series(events[c].array.take(take), index=events.index, name=c)
    return out
