"""Report section: the fairness panel (:mod:`siamlib.fairness`), formatted only.

Kept apart from :mod:`siamlib.sections` (which re-exports :func:`fairness_panel`) so that
module stays under the size rule. Nothing is computed here: the bundle's ``fairness_*``
frames come from :func:`siamlib.fairness.panel_for`.

>>> b = {"meta": {"period": "2026-10"}, "frames": {}}
>>> "No credit was waived" in fairness_panel(b)
True
"""

from __future__ import annotations

import pandas as pd

from siamlib import present
from siamlib.sections_base import _f, _named


def route_table(bundle: dict) -> str:
    """Raw and adjusted (designed routes left out) handoff and ping-pong figures."""
    r = _f(bundle, "fairness_routes")
    if r.empty:
        return "<p>No designed routes are declared in estate.yaml.</p>"
    show = r.drop(columns=["measure"]).rename(
        columns={
            "raw": "raw (all moves)",
            "adjusted": "adjusted (scored)",
            "designed_share": "share along designed routes",
        }
    )
    return present.table(
        show,
        formats={"share along designed routes": present.fmt_percent},
        caption="Designed routes: the scored level uses the adjusted figure",
    )


def fairness_panel(bundle: dict) -> str:
    """Credits waived and why, small-sample levels, designed-route share, gaming alerts."""
    parts = []  # the heading is the layout's ("Fairness"), in the notebook and the PDF alike
    waived = _f(bundle, "fairness_waived")
    if waived.empty:
        parts.append("<p>No credit was waived this month (one cause, one credit).</p>")
    else:
        parts.append(present.table(_named(bundle, waived), caption="Credits waived and why"))
    small = _f(bundle, "fairness_small")
    if small.empty:
        parts.append("<p>No service level rests on a small sample this month.</p>")
    else:
        show = _named(bundle, small).rename(
            columns={"denominator": "counted this month", "note": "what applied and why"}
        )
        parts.append(
            present.table(show, caption="Small-sample levels (below the contract's minimum volume)")
        )
    parts.append(route_table(bundle))
    alerts = _f(bundle, "fairness_alerts")
    if alerts.empty:
        parts.append("<p>No clock-stop gaming or watermelon signal this month.</p>")
    else:
        items = "".join(f"<li>{present.esc(a)}</li>" for a in alerts["alert"])
        parts.append(f"<p>Clock-stop and watermelon alerts:</p><ul>{items}</ul>")
    return "\n".join(parts)


def scope_lived_table(bundle: dict) -> str:
    """Contracted and actual split of the operations work per party, drift flagged."""
    s = _f(bundle, "scope_lived")
    if s.empty:
        return ""
    names = {**(bundle["meta"].get("supplier_names") or {}), "retained": "retained organisation"}
    show = pd.DataFrame(
        {
            "capability": s["name"],
            "party": s["party"].map(lambda i: names.get(i, i)),
            "contracted share (%)": s["contracted_share"],
            "actual share of work items (%)": s["actual_share"].round(1),
            "work items": s["work_items"],
            "actual share of held hours (%)": s["held_share"].round(1),
            "drift": s["drift"].map({True: "drift", False: ""}),
        }
    )
    return present.table(
        show,
        caption="Scope as lived: the equaliser's contracted split beside the split the data "
        "shows (operations capabilities, this month); drift beyond the agreed tolerance",
    )
