"""Continual improvement: throughput, ageing and benefit realisation of the register.

The ``improvements`` register lists initiatives per supplier with the dates they were raised,
approved and delivered, and the yearly benefit estimated at approval and realised since.
Each event counts in the period of its own date (in the reporting time zone), whatever the
entry's current status.

Examples
--------
>>> reg = _example_register()
>>> register_throughput(reg, ["2026-03"]).query("supplier_id == @ALL")[
...     ["raised", "approved", "delivered"]].iloc[0].tolist()
[2, 1, 2]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from siamlib.common import ALL
from siamlib.measures.events import _with_all
from siamlib.periods import period_bounds, period_of, previous_periods

_EVENTS = (("raised", "raised_at"), ("approved", "approved_at"), ("delivered", "delivered_at"))


def _example_register() -> pd.DataFrame:
    """A four-entry register for doctests."""

    def ts(*xs):
        return pd.to_datetime(list(xs), utc=True)

    return pd.DataFrame(
        {
            "improvement_id": ["I1", "I2", "I3", "I4"],
            "supplier_id": ["net", "net", "host", "host"],
            "title": ["a", "b", "c", "d"],
            "raised_at": ts("2025-10-01", "2026-03-03", "2026-03-10", "2026-01-15"),
            "approved_at": ts("2025-11-01", "2026-03-04", None, None),
            "delivered_at": ts("2026-03-05", "2026-03-20", None, None),
            "estimated_benefit": [1000.0, 500.0, None, None],
            "realised_benefit": [800.0, None, None, None],
            "status": ["delivered", "delivered", "proposed", "rejected"],
        }
    )


def register_throughput(
    improvements: pd.DataFrame,
    periods: Sequence[str],
    *,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Register entries raised, approved and delivered per supplier and period.

    Parameters
    ----------
    improvements : DataFrame
        ``improvements`` register.
    periods : sequence of str
        ``YYYY-MM`` periods to count.
    tz : str
        Reporting time zone.
    suppliers : iterable of str, optional
        Suppliers to list even without entries (zeros).

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``raised``, ``approved``, ``delivered``; per period the
        ``ALL`` row sums the suppliers.

    Examples
    --------
    >>> register_throughput(_example_register(), ["2026-03"])
      supplier_id   period  raised  approved  delivered
    0        host  2026-03       1         0          0
    1         net  2026-03       1         1          2
    2       (all)  2026-03       2         1          2
    """
    periods = list(periods)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "supplier_id": improvements["supplier_id"],
                    "period": period_of(improvements[col], tz),
                    "what": what,
                }
            )
            for what, col in _EVENTS
        ]
    )
    long = long[long["period"].isin(periods)]
    counts = long.groupby(["supplier_id", "period", "what"]).size().unstack("what")
    counts = counts.reindex(columns=[w for w, _ in _EVENTS])
    counts.columns.name = None
    ids = set(improvements["supplier_id"].dropna()) | set(suppliers or ())
    grid = pd.MultiIndex.from_product([sorted(ids), periods], names=["supplier_id", "period"])
    per = counts.reindex(grid).fillna(0).astype("int64").reset_index()
    total = per.groupby("period", sort=False)[["raised", "approved", "delivered"]].sum()
    total = total.reindex(periods, fill_value=0).reset_index().assign(supplier_id=ALL)
    out = pd.concat([per, total[per.columns]], ignore_index=True)
    # Per period: suppliers in id order, then the ALL row.
    out["_all"] = out["supplier_id"] == ALL
    out["_p"] = out["period"].map({p: i for i, p in enumerate(periods)})
    out = out.sort_values(["_p", "_all", "supplier_id"], ignore_index=True)
    out = out.drop(columns=["_all", "_p"])
    return out.astype({"supplier_id": "str", "period": "str"} | {w: "int64" for w, _ in _EVENTS})


def improvement_ageing(
    improvements: pd.DataFrame, at: pd.Timestamp, *, buckets: Sequence[int] = (30, 90, 180)
) -> pd.DataFrame:
    """Open register entries at instant ``at`` and their age in days since raised.

    An entry is open at ``at`` when it was raised before ``at``, is not ``rejected`` and was
    not delivered before ``at``. Rejections carry no date, so a rejected entry counts as never
    open; an entry ``delivered`` without a date counts as closed.

    Parameters
    ----------
    improvements : DataFrame
        ``improvements`` register.
    at : Timestamp
        Timezone-aware instant (e.g. the end of a period).
    buckets : sequence of int
        Upper edges in whole days of all but the last bucket: ``(30, 90, 180)`` gives
        ``0-30``, ``31-90``, ``91-180``, ``181+``.

    Returns
    -------
    DataFrame
        ``improvement_id``, ``supplier_id``, ``status``, ``raised_at``, ``age_days`` (whole
        days), ``bucket`` (str).

    Examples
    --------
    >>> improvement_ageing(_example_register(), pd.Timestamp("2026-04-01", tz="UTC"))[
    ...     ["improvement_id", "age_days", "bucket"]]
      improvement_id  age_days bucket
    0             I3        22   0-30
    """
    at = pd.Timestamp(at)
    imp = improvements
    delivered_later = imp["delivered_at"].isna() & (imp["status"] != "delivered")
    delivered_later = delivered_later | (imp["delivered_at"] >= at)
    is_open = (imp["raised_at"] < at) & (imp["status"] != "rejected") & delivered_later
    o = imp.loc[is_open.fillna(False).astype(bool)]
    age = ((at - o["raised_at"]).dt.total_seconds() // 86400).astype("int64")
    edges = list(buckets)
    lows = [0, *(e + 1 for e in edges)]
    labels = [f"{lo}-{hi}" for lo, hi in zip(lows, edges, strict=False)] + [f"{lows[-1]}+"]
    bucket = pd.cut(age, bins=[-1, *edges, np.inf], labels=labels).astype("str")
    out = pd.DataFrame(
        {
            "improvement_id": o["improvement_id"],
            "supplier_id": o["supplier_id"],
            "status": o["status"],
            "raised_at": o["raised_at"],
            "age_days": age,
            "bucket": bucket,
        }
    )
    return out.reset_index(drop=True)


def benefit_realisation(
    improvements: pd.DataFrame,
    period: str,
    *,
    months: int = 12,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Realised over estimated benefit of the entries delivered in the trailing ``months``.

    Entries count when ``delivered_at`` falls in the ``months`` periods ending with
    ``period`` and they have a positive ``estimated_benefit``; a missing
    ``realised_benefit`` counts as 0 (delivered, nothing realised yet). The value can exceed
    1 when benefits beat the estimate.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``delivered``, ``estimated``, ``realised``, ``realisation``
        (NaN when nothing estimated); last row ``ALL``.

    Examples
    --------
    >>> benefit_realisation(_example_register(), "2026-03")  # (800 + 0) / (1000 + 500)
      supplier_id  delivered  estimated  realised  realisation
    0         net          2     1500.0     800.0     0.533333
    1       (all)          2     1500.0     800.0     0.533333
    """
    start = period_bounds(previous_periods(period, months)[0], tz)[0]
    end = period_bounds(period, tz)[1]
    imp = improvements
    d = imp["delivered_at"]
    keep = (d >= start) & (d < end) & (imp["estimated_benefit"] > 0)
    e = imp.loc[keep.fillna(False).astype(bool)]
    frame = pd.DataFrame(
        {
            "supplier_id": e["supplier_id"],
            "estimated": e["estimated_benefit"].astype("float64"),
            "realised": e["realised_benefit"].fillna(0.0).astype("float64"),
        }
    )
    per = frame.groupby("supplier_id").agg(
        delivered=("estimated", "size"),
        estimated=("estimated", "sum"),
        realised=("realised", "sum"),
    )
    per = per.astype({"delivered": "int64", "estimated": "float64", "realised": "float64"})
    total = {
        "delivered": len(frame),
        "estimated": float(frame["estimated"].sum()),
        "realised": float(frame["realised"].sum()),
    }
    out = _with_all(per, total, suppliers)
    out["realisation"] = (out["realised"] / out["estimated"].where(out["estimated"] > 0)).astype(
        "float64"
    )
    return out
