"""Service availability: agreed minutes minus unplanned outage minutes, per service and month.

Outages are merged per service (overlaps counted once) and clipped to each reporting month;
agreed time comes from the contract's calendar (24x7 by default). Conventions are those of every
tower measure (see :mod:`siamlib.measures.tower`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from siamlib.measures._base import (
    _BIG,
    Periods,
    _bounds_us,
    _flag,
    _periods,
    _ratio,
    _tz,
    _us,
)

if TYPE_CHECKING:
    from siamlib.params import Calendar, Params


def _is_24x7(cal: Calendar) -> bool:
    full = [("00:00", "24:00")]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly = {d: [tuple(s) for s in cal.weekly_hours.get(d, [])] for d in days}
    return all(weekly[d] == full for d in days) and cal.holidays is None and not cal.extra_holidays


def _merge_intervals(iv: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Union of [start, end) intervals (int64 us) per key: overlaps counted once."""
    if iv.empty:
        return iv[[*keys, "start", "end"]]
    iv = iv.sort_values([*keys, "start", "end"], kind="stable").reset_index(drop=True)
    same = iv[keys].eq(iv[keys].shift()).all(axis=1)
    # Largest end seen so far within the key, excluding the row itself: a row opens a new
    # block when it starts after everything before it has ended.
    reach = iv.groupby(keys, sort=False, dropna=False)["end"].cummax()
    prev_reach = reach.groupby([iv[k] for k in keys], sort=False, dropna=False).shift()
    new_block = ~same | (iv["start"] > prev_reach)
    block = new_block.cumsum()
    merged = iv.groupby(block, sort=False).agg(
        **{k: (k, "first") for k in keys}, start=("start", "min"), end=("end", "max")
    )
    return merged.reset_index(drop=True)


def _agreed_minutes(cal: Calendar | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Agreed service minutes from ``a`` to ``b`` (int64 UTC microseconds), elementwise.

    On a 24x7 calendar (or none) every instant counts, so this is plain elapsed time, with
    daylight-saving months 1 h shorter or longer; other calendars count business time only.
    """
    if cal is None or _is_24x7(cal):
        return np.clip(b - a, 0, None) / 60_000_000
    # Imported here: only business-hours agreed time needs the calendar machinery.
    from siamlib.calendar import business_hours_between

    def ts(x: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(x, unit="us", utc=True))

    return business_hours_between(cal, ts(a), ts(b)).to_numpy() * 60


def _clipped_minutes(
    iv: pd.DataFrame,
    keys: list[str],
    periods: list[str],
    starts: np.ndarray,
    ends: np.ndarray,
    cals: dict[str, Calendar | None],
) -> pd.DataFrame:
    """Agreed minutes covered by the (disjoint) intervals, per key and period."""
    p = pd.DataFrame({"period": periods, "p_start": starts, "p_end": ends})
    x = iv.merge(p, how="cross")
    x["a"] = np.maximum(x["start"], x["p_start"])
    x["b"] = np.maximum(np.minimum(x["end"], x["p_end"]), x["a"])
    x["minutes"] = 0.0
    for sup, rows in x.groupby("supplier_id").groups.items():
        sub = x.loc[rows]
        cal = cals.get(sup)
        x.loc[rows, "minutes"] = _agreed_minutes(cal, sub["a"].to_numpy(), sub["b"].to_numpy())
    return x.groupby([*keys, "period"], as_index=False)["minutes"].sum()


def availability(
    outages: pd.DataFrame,
    periods: Periods,
    params: Params | None = None,
    *,
    services: Iterable[tuple[str, str]] | None = None,
    calendar: str = "always",
    tz: str | None = None,
) -> pd.DataFrame:
    """Service availability per supplier, service and period.

    ``(agreed service time - unplanned downtime inside it) / agreed service time``.

    - Agreed service time is the period on the supplier's contract calendar ``calendar``
      (default ``"always"``: 24x7, so the whole month, with its daylight-saving length);
      downtime counts only inside agreed time.
    - Outages are counted against the supplier accountable for them (``outages.supplier_id``).
      Overlapping outages of the same supplier and service are merged, so no minute counts
      twice; each outage is clipped to the period; an outage without ``end_at`` is still
      running and counts up to the period end.
    - Planned outages do not count against availability. Unplanned downtime inside a planned
      window is not counted either; an overrun past the window is.

    Parameters
    ----------
    outages : DataFrame
        The ``outages`` table.
    periods : str or iterable of str
    params : Params, optional
        Gives the calendars, the reporting time zone and the services each supplier runs
        (reported at 100% when they had no outage). Without it the calendar is 24x7 and the
        services are those seen in ``outages``.
    services : iterable of (supplier_id, service), optional
        Services to report in addition to those with outages.
    calendar : str
        Name of the agreed-hours calendar in each supplier's contract (``KeyError`` if a
        contract lacks it). Off a 24x7 calendar, both the agreed time and the downtime are
        counted in that calendar's business time only (:mod:`siamlib.calendar`). Suppliers
        without a contract (or no ``params``) are measured 24x7.
    tz : str, optional
        Reporting time zone; default from ``params``, else :data:`DEFAULT_TZ`.

    Returns
    -------
    DataFrame
        ``supplier_id, service, period, agreed_minutes, unplanned_minutes, planned_minutes,
        numerator`` (agreed minus unplanned), ``denominator`` (agreed) and ``value``.

    Examples
    --------
    30 days of 24x7 with 3 h of unplanned downtime, plus a planned window that does not count:

    >>> import pandas as pd
    >>> outages = pd.DataFrame({
    ...     "outage_id": ["O1", "O2"], "service": "email", "supplier_id": "hosting",
    ...     "start_at": pd.to_datetime(["2026-04-10 01:00Z", "2026-04-12 01:00Z"]),
    ...     "end_at": pd.to_datetime(["2026-04-10 04:00Z", "2026-04-12 05:00Z"]),
    ...     "planned": [False, True]})
    >>> r = availability(outages, "2026-04", tz="UTC")
    >>> r[["unplanned_minutes", "planned_minutes", "agreed_minutes"]].iloc[0].tolist()
    [180.0, 240.0, 43200.0]
    >>> round(r["value"].item() * 100, 2)
    99.58
    """
    periods = _periods(periods)
    tz = _tz(tz, params)
    keys = ["supplier_id", "service"]
    starts, ends = _bounds_us(periods, tz)

    pairs = set(services or ())
    if params is not None:
        pairs.update((s.id, svc) for s in params.estate.towers for svc in s.services)
    pairs.update(zip(outages["supplier_id"], outages["service"], strict=True))
    grid = pd.DataFrame(sorted(pairs), columns=keys).merge(
        pd.DataFrame({"period": periods}), how="cross"
    )

    cals: dict[str, Calendar | None] = {}
    for sup in grid["supplier_id"].unique():
        contract = params.contracts.get(sup) if params is not None else None
        if contract is not None and calendar not in contract.calendars:
            raise KeyError(
                f"contract {sup!r} has no calendar {calendar!r}; "
                f"defined: {', '.join(contract.calendars)}"
            )
        cals[sup] = contract.calendars[calendar] if contract is not None else None
    agreed = pd.DataFrame(
        [
            (sup, period, minutes)
            for sup, cal in cals.items()
            for period, minutes in zip(periods, _agreed_minutes(cal, starts, ends), strict=True)
        ],
        columns=["supplier_id", "period", "agreed_minutes"],
    )
    grid = grid.merge(agreed, on=["supplier_id", "period"], how="left")

    iv = pd.DataFrame(
        {
            "supplier_id": outages["supplier_id"].to_numpy(),
            "service": outages["service"].to_numpy(),
            # A running outage lasts at least to the end of the last requested period.
            "start": _us(outages["start_at"]),
            "end": np.minimum(_us(outages["end_at"]), ends.max() if len(ends) else _BIG),
            "planned": _flag(outages["planned"]).to_numpy(),
        }
    )
    iv = iv[iv["end"] > iv["start"]]
    # Unplanned minutes outside planned windows = |all downtime| - |planned downtime|.
    down_all = _clipped_minutes(_merge_intervals(iv, keys), keys, periods, starts, ends, cals)
    down_planned = _clipped_minutes(
        _merge_intervals(iv[iv["planned"]], keys), keys, periods, starts, ends, cals
    )
    out = grid.merge(
        down_all.rename(columns={"minutes": "all_minutes"}), on=[*keys, "period"], how="left"
    ).merge(
        down_planned.rename(columns={"minutes": "planned_minutes"}),
        on=[*keys, "period"],
        how="left",
    )
    out[["all_minutes", "planned_minutes"]] = out[["all_minutes", "planned_minutes"]].fillna(0.0)
    out["unplanned_minutes"] = (out["all_minutes"] - out["planned_minutes"]).clip(lower=0)
    out["numerator"] = out["agreed_minutes"] - out["unplanned_minutes"]
    out["denominator"] = out["agreed_minutes"]
    out["value"] = _ratio(out["numerator"], out["denominator"])
    out = out.drop(columns="all_minutes").sort_values([*keys, "period"]).reset_index(drop=True)
    cols = ["agreed_minutes", "unplanned_minutes", "planned_minutes"]
    return out[[*keys, "period", *cols, "numerator", "denominator", "value"]]
