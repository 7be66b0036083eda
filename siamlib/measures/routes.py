"""Designed routes: moves the operating model asks for are not charged as handoffs.

``estate.yaml`` lists ``designed_routes``, each a path of parties (supplier ids, or
``towers`` for any tower). A *designed move* is a move between two consecutive steps of a
path (``service-desk -> integrator``, ``integrator -> <any tower>``). Then:

- adjusted handoffs of a ticket = its handoffs (changes of supplier, see
  :func:`siamlib.measures.integrator.handoffs`) minus its designed moves;
- a ping-pong bounce ``A > B > A`` is left out when both its moves (``A -> B`` and
  ``B -> A``) are designed: the design sends the ticket there and back.

So adjusted <= raw always. The integrator's scored ``cross_supplier_handoffs`` and estate
``ping_pong_rate`` use the adjusted figures; ``cross_supplier_handoffs_raw`` and
``ping_pong_rate_raw`` keep the raw ones for the report to show side by side.

>>> pairs = designed_pairs([["desk", "integ", "towers"]], towers=["a", "b"])
>>> sorted(pairs)
[('desk', 'integ'), ('integ', 'a'), ('integ', 'b')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from siamlib.measures.collaboration import _bounces
from siamlib.measures.events import _collapse, _restrict

TOWERS = "towers"


def designed_pairs(paths: Iterable[Sequence[str]], towers: Iterable[str]) -> set[tuple[str, str]]:
    """The ordered (from, to) supplier pairs the routes design, ``towers`` expanded."""
    towers = list(towers)
    out: set[tuple[str, str]] = set()
    for path in paths:
        for a, b in zip(path, path[1:], strict=False):
            for x in towers if a == TOWERS else [a]:
                for y in towers if b == TOWERS else [b]:
                    if x != y:
                        out.add((x, y))
    return out


def estate_pairs(estate) -> set[tuple[str, str]]:
    """:func:`designed_pairs` of an estate's ``designed_routes``."""
    return designed_pairs((r.path for r in estate.designed_routes), (t.id for t in estate.towers))


def _is_designed(a: pd.Series, b: pd.Series, pairs: set[tuple[str, str]]) -> np.ndarray:
    return np.array(
        [(x, y) in pairs for x, y in zip(a.astype("object"), b.astype("object"), strict=True)],
        dtype=bool,
    )


def route_handoffs(
    events: pd.DataFrame,
    pairs: set[tuple[str, str]],
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Per ticket with events: ``handoffs`` (raw), ``designed`` moves and ``adjusted``.

    Examples
    --------
    >>> from siamlib.measures.events import _example_events
    >>> ev = _example_events({"T1": ["desk", "integ", "a", "b"]})
    >>> route_handoffs(ev, {("desk", "integ"), ("integ", "a")})
      ticket_id  handoffs  designed  adjusted
    0        T1         3         2         1
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    sup = _collapse(ev, "supplier_id")
    prev = sup.groupby("ticket_id", sort=False)["supplier_id"].shift()
    moves = sup[prev.notna()].assign(from_supplier=prev[prev.notna()])
    moves["designed"] = _is_designed(moves["from_supplier"], moves["supplier_id"], pairs)
    g = moves.groupby("ticket_id")
    out = pd.DataFrame(
        {
            "handoffs": g.size().reindex(ids, fill_value=0),
            "designed": g["designed"].sum().reindex(ids, fill_value=0),
        },
        index=ids,
    ).astype("int64")
    out["adjusted"] = out["handoffs"] - out["designed"]
    return out.reset_index()


def route_ping_pong(
    events: pd.DataFrame,
    pairs: set[tuple[str, str]],
    period: str | None = None,
    *,
    tickets: pd.DataFrame | None = None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Per ticket with events: ``ping_pong`` (raw) and ``adjusted`` (a bounce left).

    Examples
    --------
    >>> from siamlib.measures.events import _example_events
    >>> ev = _example_events({"T1": ["integ", "a", "integ"], "T2": ["a", "b", "a"]})
    >>> route_ping_pong(ev, {("integ", "a"), ("a", "integ")})
      ticket_id  ping_pong  adjusted
    0        T1       True     False
    1        T2       True      True
    """
    ev = _restrict(events, period, tickets, tz)
    ids = pd.Index(ev["ticket_id"].unique(), name="ticket_id")
    c, bounce = _bounces(ev)
    b = c[bounce]
    there = _is_designed(b["supplier_id"], b["next_supplier"], pairs)
    back = _is_designed(b["next_supplier"], b["supplier_id"], pairs)
    kept = b.loc[~(there & back), "ticket_id"]
    return pd.DataFrame(
        {
            "ticket_id": ids,
            "ping_pong": ids.isin(b["ticket_id"]),
            "adjusted": ids.isin(kept),
        }
    )
