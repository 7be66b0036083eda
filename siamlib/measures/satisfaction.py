"""Customer satisfaction: the mean survey score (1-5) from surveys and ticket closure surveys.

Conventions are those of every tower measure (see :mod:`siamlib.measures.tower`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from siamlib.measures._base import (
    DEFAULT_TZ,
    Periods,
    _periods,
    _ratio,
    _resolved_rows,
    _tally,
)

if TYPE_CHECKING:
    pass


def satisfaction(
    surveys: pd.DataFrame,
    tickets: pd.DataFrame | None,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Mean customer satisfaction score (1-5) and number of responses.

    Responses are pooled from two sources, each response weighing the same:

    - ``surveys`` rows with ``survey_type == "satisfaction"``, in their own ``period``;
    - when ``tickets`` is given, closure-survey scores (``tickets.satisfaction``) of tickets
      resolved in the period (by ``resolved_at``), cancelled tickets excluded.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``survey_responses``, ``ticket_responses``, ``numerator`` (sum of
        scores), ``denominator`` (responses), ``value`` (mean score, NaN without responses).

    Examples
    --------
    >>> import pandas as pd
    >>> surveys = pd.DataFrame({"supplier_id": "euc", "period": "2026-04",
    ...     "survey_type": ["satisfaction", "satisfaction", "collaboration"],
    ...     "score": [4.0, 5.0, 1.0]})
    >>> satisfaction(surveys, None, "2026-04")[["value", "denominator"]].iloc[0].tolist()
    [4.5, 2.0]
    """
    periods, by = _periods(periods), list(by)
    s = surveys[surveys["survey_type"].eq("satisfaction") & surveys["score"].notna()]
    parts = [
        s[by].assign(
            period=s["period"].to_numpy(),
            numerator=s["score"].astype("float64").to_numpy(),
            denominator=1.0,
            survey_responses=1.0,
            ticket_responses=0.0,
        )
    ]
    groups = [s[by]]
    if tickets is not None:
        df, rows = _resolved_rows(tickets, by, periods, tz)
        score = pd.to_numeric(df["satisfaction"]).astype("float64")
        counted = rows["denominator"].to_numpy() * score.notna().to_numpy()
        rows["denominator"] = counted
        rows["numerator"] = score.fillna(0.0).to_numpy() * counted
        rows["survey_responses"] = 0.0
        rows["ticket_responses"] = counted
        parts.append(rows)
        groups.append(df[by])
    sums = ["survey_responses", "ticket_responses", "numerator", "denominator"]
    out = _tally(pd.concat(parts, ignore_index=True), by, periods, sums, pd.concat(groups))
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out
