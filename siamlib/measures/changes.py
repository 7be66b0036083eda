"""Change measures: change success rate, emergency change ratio, change-caused incidents.

Changes count in the month they were completed (``actual_end``). Conventions are those of every
tower measure (see :mod:`siamlib.measures.tower`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from siamlib.measures._base import (
    COMPLETED_CHANGE_OUTCOMES,
    DEFAULT_TZ,
    Periods,
    _not_cancelled,
    _period_in,
    _periods,
    _ratio,
    _tally,
    _utc,
)

if TYPE_CHECKING:
    pass


def _completed_changes(
    changes: pd.DataFrame, by: list[str], periods: list[str], tz: str
) -> tuple[pd.Series, pd.DataFrame]:
    done = changes["outcome"].isin(COMPLETED_CHANGE_OUTCOMES) & changes["actual_end"].notna()
    rows = changes[by].copy()
    rows["period"] = _period_in(_utc(changes["actual_end"]).where(done), periods, tz)
    rows["denominator"] = done.astype("float64").to_numpy()
    return done, rows


def change_success(
    changes: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Change success rate: successful / completed changes, by ``actual_end``.

    Completed means outcome successful, failed or backed out, with an actual end in the
    period; cancelled and pending changes are not counted. The change failure rate is
    ``1 - value``.

    Returns
    -------
    DataFrame
        ``by``, ``period``, ``failed``, ``backed_out``, ``numerator`` (successful),
        ``denominator`` (completed), ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"supplier_id": "network",
    ...     "outcome": ["successful", "successful", "failed", "backed_out", "cancelled"],
    ...     "actual_end": pd.to_datetime(["2026-04-02T12:00Z"] * 4 + [None])})
    >>> change_success(changes, "2026-04", tz="UTC")["value"].item()
    0.5
    """
    periods, by = _periods(periods), list(by)
    done, rows = _completed_changes(changes, by, periods, tz)
    for name in ("successful", "failed", "backed_out"):
        col = "numerator" if name == "successful" else name
        rows[col] = (done & changes["outcome"].eq(name)).astype("float64").to_numpy()
    out = _tally(rows, by, periods, ["failed", "backed_out", "numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def emergency_change_ratio(
    changes: pd.DataFrame,
    periods: Periods,
    *,
    by: Sequence[str] = ("supplier_id",),
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Share of completed changes that were emergency changes, by ``actual_end``.

    Same population as :func:`change_success` (successful, failed or backed out).

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame({"supplier_id": "hosting", "outcome": "successful",
    ...     "change_type": ["emergency", "normal", "standard", "normal"],
    ...     "actual_end": pd.to_datetime(["2026-04-02T12:00Z"] * 4)})
    >>> emergency_change_ratio(changes, "2026-04", tz="UTC")["value"].item()
    0.25
    """
    periods, by = _periods(periods), list(by)
    done, rows = _completed_changes(changes, by, periods, tz)
    rows["numerator"] = (done & changes["change_type"].eq("emergency")).astype("float64")
    out = _tally(rows, by, periods, ["numerator", "denominator"])
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def change_caused_incidents(
    tickets: pd.DataFrame,
    changes: pd.DataFrame,
    periods: Periods,
    *,
    tz: str = DEFAULT_TZ,
) -> pd.DataFrame:
    """Incidents caused by a change, by the month they were opened, per supplier.

    An incident counts against the supplier that implemented the change
    (``changes.supplier_id``); when the change is not in the changes table, against the
    incident's supplier of record. Cancelled tickets and service requests are not counted.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``value`` (count).

    Examples
    --------
    >>> import pandas as pd
    >>> tickets = pd.DataFrame({"ticket_type": "incident", "status": "closed",
    ...     "supplier_id": "service-desk", "change_id": ["C1", None, "C1"],
    ...     "opened_at": pd.to_datetime(["2026-04-02T12:00Z", "2026-04-03T12:00Z",
    ...                                  "2026-05-01T12:00Z"])})
    >>> changes = pd.DataFrame({"change_id": ["C1"], "supplier_id": ["hosting"]})
    >>> change_caused_incidents(tickets, changes, ["2026-04", "2026-05"], tz="UTC").to_dict("list")
    {'supplier_id': ['hosting', 'hosting'], 'period': ['2026-04', '2026-05'], 'value': [1.0, 1.0]}
    """
    periods = _periods(periods)
    caused = tickets["ticket_type"].eq("incident") & tickets["change_id"].notna()
    df = tickets[_not_cancelled(tickets) & caused]
    owner = changes.drop_duplicates("change_id").set_index("change_id")["supplier_id"]
    rows = pd.DataFrame(
        {
            "supplier_id": df["change_id"]
            .map(owner)
            .astype("str")
            .where(df["change_id"].isin(owner.index), df["supplier_id"])
            .to_numpy(),
            "period": _period_in(_utc(df["opened_at"]), periods, tz),
            "value": 1.0,
        }
    )
    return _tally(rows, ["supplier_id"], periods, ["value"])
