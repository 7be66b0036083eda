"""Ticket-handling measures: first-time fix, reopen rate, MTTR and the aged backlog.

Rates count tickets by the month they were resolved in; the backlog counts tickets open at a
moment by ageing bucket. Conventions are those of every tower measure (see
:mod:`siamlib.measures.tower`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from siamlib.common import DEFAULT_AGE_BUCKETS, bucket_labels
from siamlib.measures._base import (
    DEFAULT_TZ,
    Periods,
    _explode_periods,
    _periods,
    _ratio,
    _resolved_rows,
    _tally,
    _us,
    _utc,
)

if TYPE_CHECKING:
    pass


def _reassignments(tickets: pd.DataFrame, events: pd.DataFrame, after: str) -> np.ndarray:
    """Assignment-group changes per row of ``tickets``, counted from the first group (or from
    the first group of the ticket's supplier of record when ``after="supplier_first_group"``).

    Works on integer codes of ticket ids, groups and suppliers: one hash of each id column,
    then sorting and comparing integers, which is what keeps this linear on large logs.
    """
    if after not in ("first_group", "supplier_first_group"):
        raise ValueError(f"after must be 'first_group' or 'supplier_first_group', got {after!r}")
    # Arrays over the whole log, no filtered copy of it: an event without a group counts for
    # nothing, nor does one of a ticket not in ``tickets`` (or without a ticket id).
    # Codes from the events' own ids (one hash of the log, no concatenated copy); tickets
    # look theirs up among the distinct ids, and those without events get none (-1).
    # int32 codes and positions: half the memory of pandas' int64 on a ten-million-row log.
    e_code, uniques = pd.factorize(events["ticket_id"])  # missing ids: -1
    e_code = e_code.astype(np.int32)
    ids = pd.Index(uniques)
    del uniques
    t_code = ids.get_indexer(tickets["ticket_id"])
    t_code[tickets["ticket_id"].isna().to_numpy(dtype=bool)] = -1
    keep = (e_code >= 0) & events["assignment_group"].notna().to_numpy(dtype=bool)
    order = np.flatnonzero(keep).astype(np.int32)
    del keep
    seq = events["event_seq"].to_numpy(dtype="float64", na_value=np.nan)[order]
    order = order[np.lexsort((seq, e_code[order]))]  # ticket, then event_seq, stable
    del seq
    e_code = e_code[order]
    grp = pd.factorize(events["assignment_group"])[0].astype(np.int32)[order]
    if after == "supplier_first_group":
        e_sup, names = pd.factorize(events["supplier_id"])
        t_sup = pd.Index(names).get_indexer(tickets["supplier_id"])  # -1: never held by it
        record = np.full(len(ids) + 1, -1, dtype=np.int32)
        record[t_code[::-1]] = t_sup[::-1]  # reversed: the first row of a ticket id wins
        e_sup = e_sup.astype(np.int32)[order]
        own = (e_sup >= 0) & (e_sup == record[e_code])
        del e_sup, record
        # Keep events from the first one held by the supplier of record onwards.
        held = np.cumsum(own, dtype=np.int32)
        first = np.r_[True, e_code[1:] != e_code[:-1]]
        before_ticket = np.where(first, np.arange(len(own), dtype=np.int32), 0)
        np.maximum.accumulate(before_ticket, out=before_ticket)
        keep = held - (held - own)[before_ticket] > 0
        del held, first, before_ticket, own
        e_code, grp = e_code[keep], grp[keep]
    del order
    # Rows are sorted by ticket, so a change is a row whose group differs from the row above
    # within the same ticket.
    same_ticket = np.r_[False, e_code[1:] == e_code[:-1]]
    moved = same_ticket & np.r_[False, grp[1:] != grp[:-1]]
    del same_ticket, grp
    counts = np.bincount(e_code, weights=moved, minlength=len(ids) + 1)
    return np.where(t_code >= 0, counts[t_code], 0.0)


def first_time_fix(
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    periods: Periods,
    *,
    after: Literal["first_group", "supplier_first_group"] = "first_group",
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of tickets resolved in the period that were never reassigned.

    A ticket is a first-time fix when its assignment group never changed after the first one
    (consecutive events with the same group, or without a group, are not changes; going back
    to an earlier group is). Counted per supplier of record (``tickets.supplier_id``), by
    ``resolved_at``; cancelled tickets are excluded. Tickets without any assignment event are
    counted as not reassigned.

    Parameters
    ----------
    tickets, events : DataFrame
        The ``tickets`` and ``ticket_events`` tables.
    periods : str or iterable of str
    after : {"first_group", "supplier_first_group"}
        ``"first_group"``: any reassignment after the ticket's first group counts.
        ``"supplier_first_group"``: only reassignments after the ticket first reached its
        supplier of record (routing before that is the integrator's, not the tower's).
    by : sequence of str
    tz : str

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (first-time fixes), ``denominator`` (resolved),
        ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"ticket_id": ["A", "B"], "supplier_id": "euc",
    ...     "status": "closed",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z", "2026-04-03T12:00Z"])})
    >>> events = pd.DataFrame({"ticket_id": ["A", "A", "B", "B"], "event_seq": [1, 2, 1, 2],
    ...     "assignment_group": ["EUC-Field", "EUC-Field", "EUC-Field", "EUC-Engineering"],
    ...     "supplier_id": "euc"})
    >>> first_time_fix(tickets, events, "2026-04", tz="UTC")["value"].item()
    0.5
    """
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(tickets, by, periods, tz)
    changes = _reassignments(df, events, after)
    rows["numerator"] = rows["denominator"] * (changes == 0)
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def reopen_rate(
    tickets: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of tickets resolved in the period that had been reopened at least once.

    Counted by ``resolved_at`` (the latest resolution), per supplier of record; cancelled
    tickets excluded. A ticket reopened and not yet re-resolved has no ``resolved_at`` and is
    not counted until it is resolved again.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (reopened), ``denominator`` (resolved), ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"supplier_id": "network", "status": "closed",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z"] * 4), "reopen_count": [0, 0, 2, 0]})
    >>> reopen_rate(tickets, "2026-04", tz="UTC")["value"].item()
    0.25
    """
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(tickets, by, periods, tz)
    reopened = pd.to_numeric(df["reopen_count"]).fillna(0).gt(0).to_numpy()
    rows["numerator"] = rows["denominator"] * reopened
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def mttr(
    clocks: pd.DataFrame,
    periods: Periods,
    *,
    basis: Literal["business", "actual"] = "business",
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Mean time to *resolve*, in hours, of tickets resolved in the period.

    ``basis="business"`` averages ``resolution_h`` (business hours on the SLA calendar, pauses
    excluded); ``basis="actual"`` averages ``resolution_actual_h`` (wall-clock hours from
    opening to the latest resolution). Counted by ``resolved_at``; cancelled tickets and
    tickets without the hours excluded.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``numerator`` (sum of hours), ``denominator`` (tickets),
        ``value`` (mean hours, NaN when none resolved).

    Examples
    --------
    >>> import pandas as pd
    >>> clocks = pd.DataFrame({"supplier_id": "hosting", "status": "resolved",
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z"] * 3),
    ...     "resolution_h": [1.0, 2.0, 6.0], "resolution_actual_h": [1.0, 20.0, 30.0]})
    >>> mttr(clocks, "2026-04", tz="UTC")["value"].item()
    3.0
    >>> mttr(clocks, "2026-04", basis="actual", tz="UTC")["value"].item()
    17.0
    """
    col = {"business": "resolution_h", "actual": "resolution_actual_h"}.get(basis)
    if col is None:
        raise ValueError(f"basis must be 'business' or 'actual', got {basis!r}")
    periods, by = _periods(periods), list(by)
    df, rows = _resolved_rows(clocks, by, periods, tz)
    hours = pd.to_numeric(df[col]).astype("float64")
    rows["denominator"] = rows["denominator"] * hours.notna().to_numpy()
    rows["numerator"] = (hours.fillna(0.0) * rows["denominator"]).to_numpy()
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def backlog(
    frame: pd.DataFrame,
    at: pd.Timestamp | str | Iterable[pd.Timestamp | str],
    *,
    buckets: Sequence[int] = DEFAULT_AGE_BUCKETS,
    by: Sequence[str] = ("supplier_id",),
) -> pd.DataFrame:
    """Open tickets at one or more moments, by ageing bucket (whole days since opened).

    A ticket is open at ``at`` when it was opened at or before ``at`` and not resolved by then
    (``resolved_at`` later than ``at`` or empty). Cancelled tickets count as open until
    ``closed_at`` when the frame has that column (the tickets table), and are left out
    otherwise (the clocks frame does not say when they were withdrawn). Works on the tickets
    table or the clocks frame.

    Parameters
    ----------
    frame : DataFrame
        Tickets or clocks.
    at : timestamp(s)
        Moments (tz-aware) to take the backlog at, e.g. period ends.
    buckets : sequence of int
        Inclusive upper edges of the age buckets in days; a final open-ended bucket follows.
    by : sequence of str

    Returns
    -------
    DataFrame
        ``by``, ``at``, ``bucket`` (label, see :func:`bucket_labels`) and ``count``; every
        bucket appears for every group and moment (zero when empty).

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"supplier_id": "euc", "status": ["new", "closed", "assigned"],
    ...     "opened_at": pd.to_datetime(["2026-04-28T12:00Z", "2026-03-01T12:00Z",
    ...                                  "2026-03-15T12:00Z"]),
    ...     "resolved_at": pd.to_datetime([None, "2026-03-02T12:00Z", None])})
    >>> backlog(tickets, "2026-05-01T00:00Z")[["bucket", "count"]].to_dict("list")
    {'bucket': ['0-5', '6-10', '11-30', '>30'], 'count': [1, 0, 0, 1]}
    """
    by, labels = list(by), bucket_labels(buckets)
    ats = [at] if isinstance(at, (str, pd.Timestamp)) else list(at)
    moments = _utc(pd.Series(sorted({pd.Timestamp(a) for a in ats})))
    when = _us(moments)
    cancelled = frame["status"].eq("cancelled")
    if "closed_at" in frame.columns:
        gone = _utc(frame["resolved_at"]).where(~cancelled, _utc(frame["closed_at"]))
        keep = ~(cancelled & frame["closed_at"].isna())
    else:
        gone, keep = _utc(frame["resolved_at"]), ~cancelled
    df = frame[keep].reset_index(drop=True)
    gone = gone[keep].reset_index(drop=True)
    opened = _us(df["opened_at"])
    lo = np.searchsorted(when, opened, side="left")  # first moment >= opened
    hi = np.searchsorted(when, _us(gone), side="left")  # moments strictly before resolution
    pos, idx = _explode_periods(lo, hi)
    age_days = (when[idx] - opened[pos]) // 86_400_000_000
    rows = df[by].iloc[pos].reset_index(drop=True)
    rows["at"] = moments.iloc[idx].reset_index(drop=True)
    rows["bucket"] = np.asarray(labels, dtype=object)[
        np.searchsorted(np.asarray(buckets), age_days, side="left")
    ]
    grid = (
        df[by]
        .drop_duplicates()
        .merge(pd.DataFrame({"at": moments}), how="cross")
        .merge(pd.DataFrame({"bucket": labels}), how="cross")
    )
    counts = rows.groupby([*by, "at", "bucket"], as_index=False, dropna=False).size()
    out = grid.merge(counts, on=[*by, "at", "bucket"], how="left")
    out["count"] = out.pop("size").fillna(0).astype("int64")
    # The grid lists buckets in label order; a stable sort on the other keys keeps it.
    return out.sort_values([*by, "at"], kind="stable").reset_index(drop=True)
