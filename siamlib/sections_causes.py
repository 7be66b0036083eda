"""The tower report's "Causes" section: formatting only (figures come from siamlib.causes).

Kept apart from :mod:`siamlib.sections` to keep that module under its size budget.
"""

from __future__ import annotations

import pandas as pd

from siamlib import present

CAPTION = (
    "Causes that each drove a missed level: the level is met without that one cause's "
    "tickets or downtime. A level can have more than one such cause (their tickets often "
    "overlap); it still has one credit, and the last column says which cause it stands or "
    "was waived under"
)
_UNIT = {"minutes": "downtime minutes", "tickets": "tickets"}


def _counted(value: object, unit: object) -> str:
    """A count with its unit, per row: ``16 tickets``, ``1,815 downtime minutes``.

    >>> _counted(1815, "minutes"), _counted(9, "tickets"), _counted(3, None)
    ('1,815 downtime minutes', '9 tickets', '3 tickets')
    """
    unit = "tickets" if present.is_missing(unit) else str(unit)
    return f"{present.fmt_cell(value)} {_UNIT.get(unit, unit)}"


def credit_effect(row: pd.Series, ledger: pd.DataFrame, currency: str = "GBP") -> str:
    """What became of the level's credit, as this cause's row should say it.

    The credit a level's miss triggers stands, or was waived under one cause (one cause, one
    credit): that cause's row says so with the ledger's reason; another cause's row of the
    same level points at it, so a reader never counts one credit twice.

    >>> led = pd.DataFrame({"service_level": ["AVAIL", "P2"], "line": ["credit", "waived"],
    ...     "amount": [7200.0, 0.0], "cause_id": ["", "OUT1"],
    ...     "explanation": ["...", "waived: same cause as AVAIL, outage OUT1 (...)"]})
    >>> credit_effect(pd.Series({"service_level": "AVAIL", "cause_id": "OUT1"}), led)
    'the level’s credit, £7,200, stands'
    >>> credit_effect(pd.Series({"service_level": "P2", "cause_id": "OUT1"}), led)
    'credit waived under this cause: same cause as AVAIL, outage OUT1 (...)'
    >>> credit_effect(pd.Series({"service_level": "P2", "cause_id": "PRB1"}), led)
    'one credit for the level: waived under OUT1 (row above or below)'
    """
    own = ledger[ledger["service_level"] == row["service_level"]] if len(ledger) else ledger
    if own.empty:
        return "no credit line for the level"
    waived = own[own["line"] == "waived"]
    if len(waived):
        w = waived.iloc[0]
        cause = str(w.get("cause_id") or "")
        if cause == str(row["cause_id"]):
            return "credit waived under this cause: " + str(w["explanation"]).removeprefix(
                "waived: "
            )
        return f"one credit for the level: waived under {cause} (row above or below)"
    credit = own[own["line"] == "credit"]
    if credit.empty:
        return "no credit line for the level"
    return f"the level’s credit, {present.fmt_money(credit['amount'].sum(), currency)}, stands"


def causes_section(bundle: dict) -> str:
    """Each level a cause drove: counts with their unit, actual with and without the cause,
    and what became of the level's one credit; then the credits waived and why.

    Examples
    --------
    >>> causes_section({"meta": {}, "frames": {}})
    '<p>No outage, change or problem drove a missed service level this period.</p>'
    """
    causes = bundle["frames"].get("causes", pd.DataFrame())
    ledger = bundle["frames"].get("ledger", pd.DataFrame())
    currency = bundle["meta"].get("currency", "GBP")
    driving = causes[causes["drives_miss"].astype(bool)] if len(causes) else causes
    if driving.empty:
        return "<p>No outage, change or problem drove a missed service level this period.</p>"
    unit = driving["unit"] if "unit" in driving.columns else pd.Series("tickets", driving.index)
    show = pd.DataFrame(
        {
            "service_level": driving["service_level"],
            "cause": driving["cause_kind"],
            "record": driving["cause_id"],
            "linked to the cause": [
                _counted(v, u) for v, u in zip(driving["records"], unit, strict=True)
            ],
            "of them missed": [
                _counted(v, u) for v, u in zip(driving["breached"], unit, strict=True)
            ],
            "actual (%)": driving["actual"],
            "actual without the cause (%)": driving["actual_without"],
            "missed below (%)": driving["minimum"],
            "the level's credit": [
                credit_effect(r, ledger, currency) for _, r in driving.iterrows()
            ],
        }
    )
    # Numbers as every other table shows them (present.fmt_cell): 100, 76.92.
    html = present.table(show, caption=CAPTION)
    waived = ledger[ledger["line"] == "waived"] if len(ledger) else ledger
    if waived.empty:
        return html + "<p>No credit was waived: each cause drove at most one credit.</p>"
    return html + present.table(
        waived[["service_level", "explanation"]],
        caption="Credits waived: one cause, one credit (contract rule)",
    )
