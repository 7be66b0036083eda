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
from siamlib.fairness import ESTATE_NOTE, alert_sentences
from siamlib.sections_base import _f, _named

NO_ALERT = "No clock-stop, watermelon or ping-pong signal this month."
# The board report's pointer to its front page, where each alert is stated once in full.
BOARD_POINTER = "The month's {n} alert{s} {are} stated in full on the front page (Alerts)"


def route_table(bundle: dict) -> str:
    """Raw and adjusted (designed routes left out) handoff and ping-pong figures, each row
    saying whose figure it is: the integrator's estate-wide level, or (a tower's report) the
    tower's own ping-pong rate with its red signal.

    >>> routes = pd.DataFrame({"measure": ["ping_pong_rate"] * 2,
    ...     "name": ["Ping-pong rate (%)"] * 2, "raw": [3.65, 17.8],
    ...     "adjusted": [3.65, float("nan")], "designed_share": [0.0, float("nan")],
    ...     "owner": ["integrator", "hosting"], "note": [ESTATE_NOTE, "red signal: above"]})
    >>> b = {"meta": {"supplier_names": {"integrator": "Keystone", "hosting": "Summit"}},
    ...      "frames": {"fairness_routes": routes}}
    >>> html = route_table(b)
    >>> "<td>Keystone (estate-wide)</td>" in html, "<td>Summit (own tickets)</td>" in html
    (True, True)
    >>> ">0%<" in html  # the designed share does not apply to ping-pong rows
    False
    """
    r = _f(bundle, "fairness_routes")
    if r.empty:
        return "<p>No designed routes are declared in estate.yaml.</p>"
    names = bundle["meta"].get("supplier_names") or {}
    if "owner" not in r.columns:  # a bundle written before rows named their owner
        r = r.assign(owner="", note="")
    estate = r["note"].fillna("").str.startswith(ESTATE_NOTE) | r["owner"].fillna("").eq("")
    whose = [
        f"{names.get(o, o) or 'the integrator'} ({'estate-wide' if e else 'own tickets'})"
        for o, e in zip(r["owner"].fillna(""), estate, strict=True)
    ]
    show = pd.DataFrame(
        {
            "whose figure": whose,
            "name": r["name"],
            "raw (all moves)": r["raw"],
            "adjusted (scored)": r["adjusted"],
            # The designed share applies to the handoff rows only: a ping-pong row shows "–".
            "share along designed routes": r["designed_share"].where(
                r["measure"].ne("ping_pong_rate")
            ),
            "what it covers": r["note"].fillna(""),
        }
    )
    return present.table(
        show,
        formats={"share along designed routes": present.fmt_percent},
        caption="Designed routes and ping-pong: estate-wide rows are the integrator's level "
        "over every supplier's tickets, each bounced ticket counted once (it is scored on the "
        "adjusted figure); an own-tickets row is this supplier's own share of the tickets it "
        "touched, a bounce counted against both suppliers in it, so the two rates differ in "
        "what they count; the designed-route share applies to handoffs only (–)",
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
    parts.append(alerts_section(bundle))
    return "\n".join(parts)


def alerts_section(bundle: dict) -> str:
    """The alerts about this report's suppliers, worded as the board's front page words them,
    each with the figures behind it (:func:`siamlib.fairness.alert_rows`: the value, what it
    is counted over and when it raises the alert).

    >>> rows = pd.DataFrame({"supplier_id": ["euc"], "kind": ["Clock-stop signal"],
    ...     "alert": ["Clock-stop signal, Harbour: 44% of clock time paused; ask why."],
    ...     "figure": ["clock time paused"], "value": [44.5], "shown": ["44%"],
    ...     "counted": ["1,310 of 2,945 business hours on the clock"],
    ...     "signal": ["signal at 25% or more"]})
    >>> html = alerts_section({"meta": {}, "frames": {"fairness_alerts": rows}})
    >>> "<li>Clock-stop signal, Harbour" in html, ">1,310 of 2,945 business hours" in html
    (True, True)
    """
    rows = _f(bundle, "fairness_alerts")
    said = alert_sentences(rows)
    if not said:
        return f"<p>{NO_ALERT}</p>"
    if bundle["meta"].get("role") == "board":
        # The board's front page states each alert in full; a second full statement here had
        # a board member read every alert twice more (this list and the table's alert column).
        n = len(said)
        # "lead-in": the PDF keeps this sentence on the page of the table it introduces.
        pointer = BOARD_POINTER.format(n=n, s="s" * (n != 1), are="is" if n == 1 else "are")
        out = f'<p class="lead-in">{pointer}'
        out += "; the figures behind them:</p>" if "figure" in rows.columns else ".</p>"
    else:
        items = "".join(f"<li>{present.esc(a)}</li>" for a in said)
        out = f"<p>Alerts the board reads this month, and asks about:</p><ul>{items}</ul>"
    if "figure" not in rows.columns:  # a pack written before the alerts carried figures
        return out
    show = pd.DataFrame(
        {
            "alert": rows["kind"] + ", " + _named(bundle, rows)["supplier"],
            "figure": rows["figure"],
            "value": rows["shown"],
            "counted": rows["counted"].fillna(""),
            "threshold": rows["signal"],
        }
    )
    return out + present.table(
        show,
        numeric=["value"],
        caption="The figures behind the alerts: each value, what it counts and the check's "
        "threshold for it (fixed thresholds, not the contract's levels)",
    )


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
        "shows (operations capabilities, this month); drift beyond the agreed tolerance. Work "
        "items are the tickets opened, changes planned and problems opened in the month; held "
        "hours are those of the tickets resolved in it, so a month resolving older tickets "
        "shows held hours beside few or no work items",
    )
