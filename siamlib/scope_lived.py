"""Scope as lived: the split of work the data shows, beside the graphic equaliser.

The equaliser (:func:`siamlib.raci.equaliser`) says how each capability's work should be
split between the parties (``share`` in ``raci.yaml``). For the operations capabilities,
the data shows the actual split: each party's share of the period's work items (the
scope-conformance items of :func:`siamlib.raci.scope_conformance_items`: tickets resolved or
held, changes, problems) and, where given, of the business hours it held tickets
(:mod:`siamlib.clocks` attribution). A party *drifts* when its actual share of work items
differs from its contracted share by more than ``drift_tolerance_pct`` percentage points
(``raci.yaml``, default 15): a sign of overlap or confusion over who does what.

    actual_share = party's work items in the capability / all work items in it x 100
    gap = actual_share - contracted_share;  drift = |gap| > tolerance

Worked example: incident management contracted integrator 15 %, tower 85 %; of 10 items
the integrator handled 4 and the tower 6: actual 40 % / 60 %, gap +25 / -25, both drift at
a 15-point tolerance.

>>> import pandas as pd
>>> from siamlib.params import load_params
>>> items = pd.DataFrame({"capability": ["incident-management"] * 2,
...     "supplier_id": ["integrator", "euc"]})
>>> out = lived_split(items, load_params().raci)
>>> inc = out[out["capability"] == "incident-management"].set_index("party")
>>> inc.loc[["integrator"], ["actual_share", "contracted_share", "drift"]].values.tolist()
[[50.0, 15.0, True]]
"""

from __future__ import annotations

import pandas as pd

LIVED_COLUMNS = [
    "capability",
    "name",
    "party",
    "contracted_share",
    "work_items",
    "actual_share",
    "held_h",
    "held_share",
    "gap",
    "drift",
]


def lived_split(
    items: pd.DataFrame,
    raci,
    held: pd.DataFrame | None = None,
    *,
    stage: str = "operations",
) -> pd.DataFrame:
    """Contracted and actual share per party for the capabilities of ``stage``.

    Parameters
    ----------
    items
        Work items with ``capability`` and ``supplier_id`` (the handling party).
    raci
        :class:`siamlib.params.Raci` (shares and ``drift_tolerance_pct``).
    held
        Optional held business hours: ``capability``, ``supplier_id``, ``held_h``.
    stage
        Lifecycle stage whose capabilities are compared.

    Returns
    -------
    DataFrame
        ``LIVED_COLUMNS``, one row per capability and party that is contracted a share or
        did some work; shares in per cent (NaN where the capability had no work).
    """
    tol = float(raci.drift_tolerance_pct)
    rows = []
    for cap in raci.capabilities:
        if cap.stage != stage:
            continue
        mine = items[items["capability"] == cap.id]
        counts = mine.groupby("supplier_id").size()
        total = int(counts.sum())
        hours = pd.Series(dtype=float)
        if held is not None and not held.empty:
            h = held[held["capability"] == cap.id]
            hours = h.groupby("supplier_id")["held_h"].sum()
        all_h = float(hours.sum())
        parties = list(dict.fromkeys([*cap.share, *counts.index, *hours.index]))
        for party in parties:
            n = int(counts.get(party, 0))
            actual = n / total * 100 if total else float("nan")
            contracted = float(cap.share.get(party, 0.0))
            gap = actual - contracted
            hh = float(hours.get(party, 0.0))
            rows.append(
                {
                    "capability": cap.id,
                    "name": cap.name,
                    "party": party,
                    "contracted_share": contracted,
                    "work_items": n,
                    "actual_share": round(actual, 10),
                    "held_h": hh,
                    "held_share": round(hh / all_h * 100, 10) if all_h else float("nan"),
                    "gap": round(gap, 10),
                    "drift": bool(total) and abs(gap) > tol,
                }
            )
    return pd.DataFrame(rows, columns=LIVED_COLUMNS)


def held_by_capability(
    attribution: pd.DataFrame, tickets: pd.DataFrame, work_mapping: dict[str, str]
) -> pd.DataFrame:
    """Held business hours per ticket and party with the ticket's capability.

    >>> a = pd.DataFrame({"ticket_id": ["T1"], "supplier_id": ["euc"], "held_h": [2.5]})
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "ticket_type": ["incident"]})
    >>> held_by_capability(a, t, {"incident": "incident-management"}).values.tolist()
    [['euc', 2.5, 'incident-management']]
    """
    kind = tickets.set_index("ticket_id")["ticket_type"].astype("object")
    cap = attribution["ticket_id"].map(kind).map(work_mapping)
    out = attribution[["supplier_id", "held_h"]].assign(capability=cap)
    return out[out["capability"].notna()].reset_index(drop=True)


def for_report(work, name: str) -> pd.DataFrame:
    """The lived split of one supplier or integrator report from a computed period.

    Work items are the period's scope-conformance items; held hours come from the time
    attribution of the tickets resolved in the period. A tower's report keeps its own rows
    and the integrator's (other suppliers' shares are not its business).
    """
    p = work.params
    held = held_by_capability(
        work._resolved_attribution(), work._kept("tickets"), p.raci.work_mapping
    )
    out = lived_split(work._scope_items(), p.raci, held)
    if p.estate.supplier(name).role != "integrator":
        out = out[out["party"].isin([name, p.estate.integrator.id])]
    return out.reset_index(drop=True)
