"""Collaboration: how tickets move between suppliers, and how the parties rate each other.

Handoffs (changes of supplier or assignment group), ping-pong (a ticket going ``A > B > A``),
routing accuracy (the integrator's first dispatch reaching the resolver), dispatch time (hours
the integrator holds an open ticket), push-to-front (work sent back down the support levels),
and the 360 collaboration score from surveys.

These measures read ``ticket_events`` in ticket order (``event_seq``). Events whose
``supplier_id`` (or ``assignment_group``, ``support_level``) is missing are skipped for the
measure that needs that column, so ``a, <missing>, b`` is one handoff ``a -> b``.
Per-supplier summaries carry one extra row, ``supplier_id == ALL``, for the whole estate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from siamlib.measures.events import (
    _collapse,
    _example_events,  # noqa: F401  (the doctests' events)
    _isin,
    _restrict,
    _with_all,
)
from siamlib.schema import OPEN_STATUSES

HoursBetween = Callable[[pd.Series, pd.Series], pd.Series]


def handoffs(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Cross-supplier handoffs and group reassignments per ticket.

    A *handoff* is a change of ``supplier_id`` between consecutive events of a ticket (events
    without a supplier are skipped); a *reassignment* is a change of ``assignment_group``
    likewise. Moves into and out of the integrator's dispatch count: they are moves between
    parties. The first assignment is neither.

    Parameters
    ----------
    events : DataFrame
        ``ticket_events``.
    period : str, optional
        ``YYYY-MM``: only tickets resolved in the period (by ``tickets.resolved_at`` in ``tz``);
        ``tickets`` is then required. Default: every ticket in ``events``.
    tickets : DataFrame, optional
        ``tickets`` table.
    tz : str
        Reporting time zone.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``events``, ``handoffs``, ``reassignments``, one row per ticket that has
        events. The period measure is ``handoffs.mean()``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "a", "b", None, "c"], "T2": ["a"]})
    >>> handoffs(ev)
      ticket_id  events  handoffs  reassignments
    0        T1       5         2              2
    1        T2       1         0              0
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    sup = _collapse(ev, "supplier_id")
    grp = _collapse(ev, "assignment_group")
    out = pd.DataFrame(
        {
            "events": ev.groupby("ticket_id").size().reindex(ids, fill_value=0),
            "handoffs": (sup.groupby("ticket_id").size() - 1).reindex(ids, fill_value=0),
            "reassignments": (grp.groupby("ticket_id").size() - 1).reindex(ids, fill_value=0),
        },
        index=ids,
    ).astype("int64")
    return out.reset_index()


def handoff_matrix(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Handoffs per ordered supplier pair (``from -> to``), for a heat-map or chord chart.

    Returns
    -------
    DataFrame
        ``from_supplier``, ``to_supplier``, ``handoffs`` (moves), ``tickets`` (distinct tickets
        making that move), sorted by pair.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a"], "T2": ["a", "b"]})
    >>> handoff_matrix(ev)
      from_supplier to_supplier  handoffs  tickets
    0             a           b         2        2
    1             b           a         1        1
    """
    sup = _collapse(_restrict(events, period, tickets, tz), "supplier_id")
    sup["from_supplier"] = sup.groupby("ticket_id", sort=False)["supplier_id"].shift()
    moves = sup[sup["from_supplier"].notna()].rename(columns={"supplier_id": "to_supplier"})
    out = moves.groupby(["from_supplier", "to_supplier"]).agg(
        handoffs=("ticket_id", "size"), tickets=("ticket_id", "nunique")
    )
    return out.astype("int64").reset_index()


def _bounces(ev: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Collapsed supplier sequence with, per step, whether it starts an A -> B -> A bounce."""
    c = _collapse(ev, "supplier_id")
    g = c.groupby("ticket_id", sort=False)["supplier_id"]
    c["next_supplier"] = g.shift(-1)
    bounce = c["supplier_id"].eq(g.shift(-2)).fillna(False).astype(bool)
    return c, bounce


def ping_pong(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    min_alternations: int = 3,
) -> pd.DataFrame:
    """Ping-pong per ticket: bouncing back to the supplier it just left.

    The ticket's supplier sequence is taken in event order, missing suppliers skipped and
    consecutive repeats collapsed (``a, a, b`` -> ``a > b``). Then:

    - ``ping_pong``: the sequence contains ``A > B > A`` (a *bounce*): B sent the ticket back to
      the supplier it came from. ``a > b > c`` and ``a > a > b`` are not ping-pong;
      ``a > b > c > a`` is not either (a *revisit*, flagged separately).
    - ``alternating``: the process-mining variant, at least ``min_alternations`` uninterrupted
      moves back and forth between the same two suppliers (3: ``A > B > A > B``).
      ``max_alternations`` is the longest such run (``A > B > A`` = 2 moves).
    - ``revisit``: some supplier appears again after the ticket left it.

    Parameters
    ----------
    events : DataFrame
        ``ticket_events``.
    period, tickets, tz
        As in :func:`handoffs`.
    min_alternations : int
        Moves needed for ``alternating``.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``sequence`` (e.g. ``"a > b > a"``; the evidence string), ``steps``,
        ``bounces``, ``ping_pong``, ``max_alternations``, ``alternating``, ``revisit``, one
        row per ticket with events. Evidence rows: ``df[df.ping_pong]``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a"], "T2": ["a", "b", "c"],
    ...                       "T3": ["a", "a", "b"], "T4": ["a", "b", "a", "b"]})
    >>> ping_pong(ev)[["ticket_id", "ping_pong", "max_alternations", "alternating"]]
      ticket_id  ping_pong  max_alternations  alternating
    0        T1       True                 2        False
    1        T2      False                 1        False
    2        T3      False                 1        False
    3        T4       True                 3         True
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    c, bounce = _bounces(ev)
    tid = c["ticket_id"]
    # Runs of consecutive bounce positions: k positions in a row = k + 1 alternating moves.
    run_id = (~bounce).groupby(tid).cumsum()
    run_len = bounce.groupby([tid, run_id]).transform("sum")
    steps = c.groupby("ticket_id").size()
    longest = run_len.groupby(tid).max()
    out = pd.DataFrame(
        {
            "sequence": (c["supplier_id"].astype("str") + " > ").groupby(tid).sum().str[:-3],
            "steps": steps,
            "bounces": bounce.groupby(tid).sum(),
            "longest": longest,
            "unique": c.groupby("ticket_id")["supplier_id"].nunique(),
        }
    ).reindex(ids)
    out["sequence"] = out["sequence"].fillna("")
    for col in ("steps", "bounces", "longest", "unique"):
        out[col] = out[col].fillna(0).astype("int64")
    out["ping_pong"] = out["bounces"] > 0
    out["max_alternations"] = np.where(out["steps"] >= 2, out["longest"] + 1, 0).astype("int64")
    out["alternating"] = out["max_alternations"] >= min_alternations
    out["revisit"] = out["steps"] > out["unique"]
    cols = ["sequence", "steps", "bounces", "ping_pong", "max_alternations", "alternating"]
    return out[[*cols, "revisit"]].reset_index()


def ping_pong_pairs(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Bounces per ordered supplier pair: ``returned_to`` got the ticket back from ``returned_by``.

    Returns
    -------
    DataFrame
        ``returned_to``, ``returned_by``, ``bounces``, ``tickets``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a", "b"], "T2": ["c", "b", "c"]})
    >>> ping_pong_pairs(ev)
      returned_to returned_by  bounces  tickets
    0           a           b        1        1
    1           b           a        1        1
    2           c           b        1        1
    """
    c, bounce = _bounces(_restrict(events, period, tickets, tz))
    b = c[bounce].rename(columns={"supplier_id": "returned_to", "next_supplier": "returned_by"})
    out = b.groupby(["returned_to", "returned_by"]).agg(
        bounces=("ticket_id", "size"), tickets=("ticket_id", "nunique")
    )
    return out.astype("int64").reset_index()


def ping_pong_by_supplier(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Ping-pong rate per supplier, over the tickets it touched, and for the estate.

    For supplier S: ``ping_pong_rate = tickets touched by S with a bounce S took part in (as
    the supplier bounced back to, or the one bouncing) / tickets touched by S``. The ``ALL``
    row is the estate rate: tickets with any bounce / tickets (with events).

    Returns
    -------
    DataFrame
        ``supplier_id``, ``tickets``, ``ping_pong_tickets``, ``ping_pong_rate``.

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "a", "c"], "T2": ["a", "c"]})
    >>> ping_pong_by_supplier(ev)
      supplier_id  tickets  ping_pong_tickets  ping_pong_rate
    0           a        2                  1             0.5
    1           b        1                  1             1.0
    2           c        2                  0             0.0
    3       (all)        2                  1             0.5
    """
    ev = _restrict(events, period, tickets, tz)
    c, bounce = _bounces(ev)
    touched = c[["ticket_id", "supplier_id"]].drop_duplicates()
    b = c[bounce]
    involved = pd.concat(
        [
            b[["ticket_id", "supplier_id"]],
            b[["ticket_id", "next_supplier"]].set_axis(["ticket_id", "supplier_id"], axis=1),
        ]
    ).drop_duplicates()
    per = pd.DataFrame(
        {
            "tickets": touched.groupby("supplier_id").size(),
            "ping_pong_tickets": involved.groupby("supplier_id").size(),
        }
    )
    per = per.fillna(0).astype("int64")
    total = {
        "tickets": int(ev["ticket_id"].nunique()),
        "ping_pong_tickets": int(b["ticket_id"].nunique()),
    }
    out = _with_all(per, total, suppliers)
    out["ping_pong_rate"] = out["ping_pong_tickets"] / out["tickets"].where(out["tickets"] > 0)
    out["ping_pong_rate"] = out["ping_pong_rate"].astype("float64")
    return out


def routing_accuracy(
    events: pd.DataFrame,
    tickets: pd.DataFrame,
    integrator_id: str,
    period: str | None = None,
    *,
    tz: str = "UTC",
) -> pd.DataFrame:
    """First-time-right routing of tickets that went through the integrator's dispatch.

    For each resolved ticket with at least one event held by ``integrator_id``: ``routed_to`` is
    the first other supplier after the first integrator event, ``resolver`` is
    ``tickets.supplier_id`` (the resolver of record), and ``routed_right`` says whether they are
    the same. Tickets never routed onwards (resolved in dispatch) have ``routed_to`` missing and
    ``routed_right`` ``<NA>``: they are not in the rate's denominator.

    Parameters
    ----------
    events, tickets : DataFrame
        ``ticket_events`` and ``tickets``.
    integrator_id : str
        The integrator's supplier id (``params.estate.integrator.id``).
    period : str, optional
        Only tickets resolved in the period; default every resolved ticket.
    tz : str
        Reporting time zone.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``routed_to``, ``resolver``, ``routed_right`` (nullable boolean). The
        measure is ``routed_right.mean()`` (missing values skipped).

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "si", "net"], "T2": ["si", "net", "host"]})
    >>> t = pd.DataFrame({"ticket_id": ["T1", "T2"], "supplier_id": ["net", "host"],
    ...     "resolved_at": pd.to_datetime(["2026-03-03", "2026-03-03"], utc=True)})
    >>> routing_accuracy(ev, t, "si")
      ticket_id routed_to resolver  routed_right
    0        T1       net      net          True
    1        T2       net     host         False
    """
    resolved = tickets[tickets["resolved_at"].notna()]
    ev = _restrict(events, period, resolved, tz)
    ev = ev[_isin(ev["ticket_id"], resolved["ticket_id"]) & ev["supplier_id"].notna()]
    ev = ev.reset_index(drop=True)
    is_int = (ev["supplier_id"] == integrator_id).astype(bool)
    pos = ev.groupby("ticket_id", sort=False).cumcount()
    first_int = pos.where(is_int).groupby(ev["ticket_id"]).transform("min")
    after = ev[(pos > first_int) & ~is_int]
    routed_to = after.groupby("ticket_id")["supplier_id"].first()
    ids = pd.Index(sorted(ev.loc[is_int, "ticket_id"].unique()), name="ticket_id")
    resolver = resolved.drop_duplicates("ticket_id").set_index("ticket_id")["supplier_id"]
    out = pd.DataFrame(
        {"routed_to": routed_to.reindex(ids), "resolver": resolver.reindex(ids)}, index=ids
    )
    right = (out["routed_to"] == out["resolver"]).astype("boolean")
    out["routed_right"] = right.where(out["routed_to"].notna(), pd.NA)
    return out.reset_index()


def dispatch_time(
    events: pd.DataFrame,
    integrator_id: str,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    hours_between: HoursBetween | None = None,
    as_at: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Hours each ticket spent in the integrator's dispatch queue.

    The time held by the integrator is the sum of the intervals from an event whose supplier is
    ``integrator_id`` and whose status is open to the ticket's next event. The last interval of
    a ticket still held by the integrator runs to ``as_at`` (not counted when ``as_at`` is
    None). Hours are actual (wall-clock) hours unless ``hours_between(start, end)`` is given,
    e.g. a business-hours calendar function returning float hours per row.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``dispatch_h``: tickets with any integrator event (in ``period``: resolved
        in the period). Summarise with :func:`dispatch_stats`.

    Examples
    --------
    >>> ev = _example_events({"T1": ["sd", "si", "si", "net", "si", "host"]})
    >>> dispatch_time(ev, "si")  # held 2 h, then 1 h more after the bounce back
      ticket_id  dispatch_h
    0        T1         3.0
    """
    ev = _restrict(events, period, tickets, tz)
    nxt = ev.groupby("ticket_id", sort=False)["event_at"].shift(-1)
    if as_at is not None:
        nxt = nxt.fillna(pd.Timestamp(as_at))
    held = (ev["supplier_id"] == integrator_id).fillna(False).astype(bool)
    counted = held & ev["status"].isin(OPEN_STATUSES) & nxt.notna()
    start, end = ev.loc[counted, "event_at"], nxt[counted]
    end = end.where(end > start, start)
    if hours_between is None:
        hours = (end - start).dt.total_seconds() / 3600
    else:
        hours = pd.Series(np.asarray(hours_between(start, end), dtype=float), index=start.index)
    ids = pd.Index(sorted(ev.loc[held, "ticket_id"].unique()), name="ticket_id")
    per = hours.groupby(ev.loc[counted, "ticket_id"]).sum()
    out = per.reindex(ids, fill_value=0.0).astype("float64").rename("dispatch_h")
    return out.reset_index()


def dispatch_stats(dispatch: pd.DataFrame) -> pd.Series:
    """Count, median, 90th percentile and mean of :func:`dispatch_time` hours.

    Examples
    --------
    >>> d = pd.DataFrame({"ticket_id": list("ABCD"), "dispatch_h": [1.0, 2.0, 3.0, 10.0]})
    >>> dispatch_stats(d).round(6).to_dict()  # p90: 3 + 0.7 * (10 - 3)
    {'tickets': 4.0, 'median_h': 2.5, 'p90_h': 7.9, 'mean_h': 4.0}
    """
    h = dispatch["dispatch_h"].dropna()
    return pd.Series(
        {
            "tickets": float(len(h)),
            "median_h": float(h.median()) if len(h) else np.nan,
            "p90_h": float(h.quantile(0.9)) if len(h) else np.nan,
            "mean_h": float(h.mean()) if len(h) else np.nan,
        }
    )


def push_to_front(
    events: pd.DataFrame,
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
    ignore_suppliers: Iterable[str] = (),
) -> pd.DataFrame:
    """Push-to-front violations: work should go L1 -> L2 -> L3, not start high or go down.

    Events with a missing ``support_level`` or a supplier in ``ignore_suppliers`` (e.g. the
    integrator's dispatch desk, which is not a resolver level) are skipped. Two kinds:

    - ``started_high``: the ticket's first support level is above 1; counted against the
      supplier that received it.
    - ``level_down``: the level drops between consecutive levelled events (L3 -> L2, L2 -> L1,
      L3 -> L1); counted against the supplier that handed it down (``from_supplier``).

    Returns
    -------
    DataFrame
        One row per violation: ``ticket_id``, ``event_seq``, ``kind``, ``from_level``,
        ``to_level``, ``from_supplier``, ``to_supplier``, ``supplier_id`` (counted against).

    Examples
    --------
    >>> ev = _example_events({"T1": ["a", "b", "c"], "T2": ["a", "b"]},
    ...                      support_level=pd.array([1, 3, 2, 2, 3], dtype="Int64"))
    >>> push_to_front(ev)[["ticket_id", "kind", "from_level", "to_level", "supplier_id"]]
      ticket_id          kind  from_level  to_level supplier_id
    0        T1    level_down           3         2           b
    1        T2  started_high        <NA>         2           a
    """
    ev = _restrict(events, period, tickets, tz)
    keep = ev["support_level"].notna() & ~ev["supplier_id"].isin(list(ignore_suppliers))
    ev = ev[keep.astype(bool)].reset_index(drop=True)
    g = ev.groupby("ticket_id", sort=False)
    lvl = ev["support_level"].astype("Int64")
    prev_lvl = g["support_level"].shift().astype("Int64")
    prev_sup = g["supplier_id"].shift()
    first = g.cumcount() == 0
    started = (first & (lvl > 1)).fillna(False).astype(bool)
    down = (lvl < prev_lvl).fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "ticket_id": ev["ticket_id"],
            "event_seq": ev["event_seq"],
            "kind": np.where(started, "started_high", "level_down"),
            "from_level": prev_lvl,
            "to_level": lvl,
            "from_supplier": prev_sup,
            "to_supplier": ev["supplier_id"],
        }
    )
    out["supplier_id"] = out["to_supplier"].where(started, out["from_supplier"])
    out["kind"] = out["kind"].astype("str")
    return out[started | down].reset_index(drop=True)


def push_to_front_by_supplier(
    violations: pd.DataFrame, *, suppliers: Iterable[str] | None = None
) -> pd.DataFrame:
    """Count :func:`push_to_front` violations per supplier counted against, plus ``ALL``.

    Examples
    --------
    >>> v = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"], "supplier_id": ["b", "a", "b"],
    ...                   "kind": ["level_down", "started_high", "started_high"]})
    >>> push_to_front_by_supplier(v)
      supplier_id  started_high  level_down  violations  tickets
    0           a             1           0           1        1
    1           b             1           1           2        2
    2       (all)             2           1           3        3
    """
    v = violations
    per = pd.DataFrame(
        {
            "started_high": (v["kind"] == "started_high").groupby(v["supplier_id"]).sum(),
            "level_down": (v["kind"] == "level_down").groupby(v["supplier_id"]).sum(),
            "violations": v.groupby("supplier_id").size(),
            "tickets": v.groupby("supplier_id")["ticket_id"].nunique(),
        }
    ).fillna(0)
    per = per.astype("int64")
    total = {
        "started_high": int((v["kind"] == "started_high").sum()),
        "level_down": int((v["kind"] == "level_down").sum()),
        "violations": len(v),
        "tickets": int(v["ticket_id"].nunique()),
    }
    return _with_all(per, total, suppliers)


# --------------------------------------------------------------------------- 360 ratings ----
def collaboration_score(
    surveys: pd.DataFrame,
    period: str | None = None,
    *,
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Mean 360 collaboration rating per rated supplier, and over the estate.

    Counts ``survey_type == "collaboration"`` responses of ``period`` (all when None); a party
    rating itself (``respondent == supplier_id``) is left out.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``responses``, ``score_sum``, ``score`` (mean; NaN without
        responses); last row ``ALL`` (mean of all responses).

    Examples
    --------
    >>> s = pd.DataFrame({"supplier_id": ["a", "a", "b", "a"], "period": "2026-03",
    ...     "survey_type": "collaboration", "respondent": ["b", "c", "a", "a"],
    ...     "score": [4.0, 3.0, 5.0, 5.0]})
    >>> collaboration_score(s, "2026-03")[["supplier_id", "responses", "score"]]
      supplier_id  responses  score
    0           a          2    3.5
    1           b          1    5.0
    2       (all)          3    4.0
    """
    s = surveys[(surveys["survey_type"] == "collaboration") & surveys["score"].notna()]
    s = s[(s["respondent"] != s["supplier_id"]).fillna(True).astype(bool)]
    if period is not None:
        s = s[s["period"] == period]
    per = s.groupby("supplier_id").agg(responses=("score", "size"), score_sum=("score", "sum"))
    per = per.astype({"responses": "int64", "score_sum": "float64"})
    total = {"responses": len(s), "score_sum": float(s["score"].sum())}
    out = _with_all(per, total, suppliers)
    out["score"] = out["score_sum"] / out["responses"].where(out["responses"] > 0)
    out["score"] = out["score"].astype("float64")
    return out
