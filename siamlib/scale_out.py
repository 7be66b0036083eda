"""The compute stage's per-ticket step on a Dask cluster: clocks in supplier partitions.

Every ticket's SLA clocks and the time each party held it depend on that ticket's own row and
events only (and the contract of the supplier that owns it), so the clock step splits by the
owning supplier with nothing shared: each partition (a supplier's tickets and their events) is
scattered to the cluster, computed there by the same function as locally
(:func:`siamlib.clocks.clocks_and_attribution`), gathered and put back in the local order
(by ticket id, stable). ``tests/unit/test_scale_out.py`` checks the result equals the local
one on a real ``LocalCluster``. The measures, scoring and evidence stay in the driver: the
integrator's measures read the whole estate's events (docs/performance.md, scale-out).

``siam run --executor dask --scheduler ADDRESS`` uses it (and sends the report jobs there).
"""

from __future__ import annotations

import pandas as pd

from siamlib import clocks, schema
from siamlib.params import Params


def partitions(tickets: pd.DataFrame, events: pd.DataFrame):
    """``(supplier_id, tickets, events)`` per owning supplier (a null owner is a partition too).

    >>> t = pd.DataFrame({"ticket_id": ["A", "B", "C"], "supplier_id": ["x", "y", "x"]})
    >>> e = pd.DataFrame({"ticket_id": ["A", "B", "C", "C"], "event_seq": [1, 1, 1, 2]})
    >>> [(s, tp["ticket_id"].tolist(), len(ep)) for s, tp, ep in partitions(t, e)]
    [('x', ['A', 'C'], 3), ('y', ['B'], 1)]
    """
    for supplier, part in tickets.groupby("supplier_id", observed=True, sort=True, dropna=False):
        yield supplier, part, schema.of_tickets(events, part)


def _in_local_order(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values("ticket_id", kind="stable").reset_index(drop=True)


def clocks_and_attribution(
    client, tickets: pd.DataFrame, events: pd.DataFrame, params: Params, as_of
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`siamlib.clocks.clocks_and_attribution`, one task per supplier on ``client``."""
    futures = []
    for _, part, part_events in partitions(tickets, events):
        t, e = client.scatter([part, part_events])
        futures.append(client.submit(clocks.clocks_and_attribution, t, e, params, as_of))
    results = client.gather(futures)
    if not results:  # no tickets: the local function's empty frames, with their dtypes
        return clocks.clocks_and_attribution(tickets, events, params, as_of)
    return _in_local_order([r[0] for r in results]), _in_local_order([r[1] for r in results])
