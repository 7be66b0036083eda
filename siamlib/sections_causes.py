"""The tower report's "Causes" section: formatting only (figures come from siamlib.causes).

Kept apart from :mod:`siamlib.sections` to keep that module under its size budget.
"""

from __future__ import annotations

import pandas as pd

from siamlib import present


def causes_section(bundle: dict) -> str:
    """Each level a cause drove: actual with and without the cause; the credits waived and why.

    Examples
    --------
    >>> causes_section({"meta": {}, "frames": {}})
    '<p>No outage, change or problem drove a missed service level this period.</p>'
    """
    causes = bundle["frames"].get("causes", pd.DataFrame())
    ledger = bundle["frames"].get("ledger", pd.DataFrame())
    driving = causes[causes["drives_miss"].astype(bool)] if len(causes) else causes
    if driving.empty:
        return "<p>No outage, change or problem drove a missed service level this period.</p>"
    cols = ["service_level", "cause_kind", "cause_id", "records", "breached"]
    cols += ["actual", "actual_without", "minimum"]
    show = driving[cols].rename(
        columns={
            "cause_kind": "cause",
            "cause_id": "record",
            "records": "records linked (downtime minutes for availability)",
            "breached": "of them missed",
            "actual": "actual (%)",
            "actual_without": "actual without the cause (%)",
            "minimum": "minimum (%)",
        }
    )
    pct = {c: (lambda v: f"{v:.2f}") for c in show.columns if c.endswith("(%)")}
    html = present.table(
        show,
        numeric=list(pct),
        formats=pct,
        caption="Levels missed because of one cause (met without its records or downtime)",
    )
    waived = ledger[ledger["line"] == "waived"] if len(ledger) else ledger
    if waived.empty:
        return html + "<p>No credit was waived: each cause drove at most one credit.</p>"
    return html + present.table(
        waived[["service_level", "explanation"]],
        caption="Credits waived: one cause, one credit (contract rule)",
    )
