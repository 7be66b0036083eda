"""Gaming signals: clock stops (paused time) and watermelons (green SLAs, red experience).

:func:`paused_share` is the share of resolved tickets' clock time spent paused, and the share
of those tickets whose clock was paused just before resolution; :func:`watermelon` flags the
supplier-periods whose SLA is green while an experience signal (reopens, satisfaction,
ping-pong) is red.

Per-supplier summaries carry one extra row, ``supplier_id == ALL``, for the whole estate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.measures.events import _with_all
from siamlib.periods import period_bounds


def paused_share(
    clocks: pd.DataFrame,
    period: str | None = None,
    *,
    tz: str = "UTC",
    suppliers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Clock-stop signals per supplier: share of time paused, and pauses just before resolving.

    Over the clock rows resolved in ``period`` (``resolved_at`` in the period; all resolved rows
    when None):

    - ``paused_share = sum(paused_h) / sum(resolution_h + paused_h)``; rows without
      ``resolution_h`` are left out of both sums, missing ``paused_h`` counts as 0.
    - ``pause_before_resolution_share = tickets whose clock was paused immediately before
      resolution / tickets`` (a missing flag counts as not paused).

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks (``siamlib.clocks``): ``supplier_id``, ``resolved_at``,
        ``resolution_h``, ``paused_h``, ``pause_before_resolution``.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``tickets``, ``paused_h``, ``clock_h``, ``paused_share``,
        ``paused_before_resolution``, ``pause_before_resolution_share``; last row ``ALL``.

    Examples
    --------
    >>> c = pd.DataFrame({"supplier_id": ["a", "a", "b"],
    ...     "resolved_at": pd.to_datetime(["2026-03-02"] * 3, utc=True),
    ...     "resolution_h": [6.0, 2.0, 5.0], "paused_h": [2.0, 0.0, 0.0],
    ...     "pause_before_resolution": [True, False, False]})
    >>> paused_share(c, "2026-03")[["supplier_id", "paused_share",
    ...                             "pause_before_resolution_share"]]
      supplier_id  paused_share  pause_before_resolution_share
    0           a      0.200000                       0.500000
    1           b      0.000000                       0.000000
    2       (all)      0.133333                       0.333333
    """
    c = clocks[clocks["resolved_at"].notna()]
    if period is not None:
        start, end = period_bounds(period, tz)
        c = c[(c["resolved_at"] >= start) & (c["resolved_at"] < end)]
    valid = c["resolution_h"].notna()
    paused = c["paused_h"].fillna(0.0).where(valid, 0.0).astype("float64")
    clock = (c["resolution_h"].fillna(0.0) + paused).where(valid, 0.0).astype("float64")
    before = c["pause_before_resolution"].astype("boolean").fillna(False).astype("int64")
    frame = pd.DataFrame(
        {"supplier_id": c["supplier_id"], "paused_h": paused, "clock_h": clock, "pbr": before}
    )
    per = frame.groupby("supplier_id").agg(
        tickets=("pbr", "size"),
        paused_h=("paused_h", "sum"),
        clock_h=("clock_h", "sum"),
        paused_before_resolution=("pbr", "sum"),
    )
    per = per.astype(
        {"tickets": "int64", "paused_h": "float64", "clock_h": "float64"}
        | {"paused_before_resolution": "int64"}
    )
    total = {
        "tickets": len(frame),
        "paused_h": float(paused.sum()),
        "clock_h": float(clock.sum()),
        "paused_before_resolution": int(before.sum()),
    }
    out = _with_all(per, total, suppliers)
    out["paused_share"] = out["paused_h"] / out["clock_h"].where(out["clock_h"] > 0)
    out["pause_before_resolution_share"] = out["paused_before_resolution"] / out["tickets"].where(
        out["tickets"] > 0
    )
    return out.astype({"paused_share": "float64", "pause_before_resolution_share": "float64"})


# The watermelon check's default thresholds (one place: the report's table states them).
WATERMELON_SLA_EXPECTED = 0.95
WATERMELON_REOPEN_MAX = 0.10
WATERMELON_SATISFACTION_MIN = 3.5
WATERMELON_PING_PONG_MAX = 0.05


def watermelon(
    values: pd.DataFrame,
    *,
    sla_expected: float | Mapping[str, float] = WATERMELON_SLA_EXPECTED,
    sla_measures: Sequence[str] = ("sla_response_attainment", "sla_resolution_attainment"),
    sla_scope: str | None = "",
    reopen_max: float = WATERMELON_REOPEN_MAX,
    satisfaction_min: float = WATERMELON_SATISFACTION_MIN,
    ping_pong_max: float = WATERMELON_PING_PONG_MAX,
) -> pd.DataFrame:
    """Watermelon flags: green on SLA outside, red on experience inside.

    A supplier-period is a *watermelon* when

    - SLA is green: the worst value among its ``sla_measures`` rows of scope ``sla_scope``
      (default ``""``, the overall attainment; None: every scope, so one priority below target
      is enough to spoil it) is at or above ``sla_expected`` (a fraction; a mapping gives one
      per supplier, a supplier missing from it is never green), and
    - at least one experience signal (scope ``""``) is red: ``reopen_rate > reopen_max``
      (default 10 %), ``satisfaction < satisfaction_min`` (default 3.5 of 5),
      ``ping_pong_rate > ping_pong_max`` (default 5 %). Missing signals are not red.

    Parameters
    ----------
    values : DataFrame
        Measure values (long contract) from the tower and integrator families together.

    Returns
    -------
    DataFrame
        ``supplier_id``, ``period``, ``sla_attainment`` (worst), ``sla_measure`` (the measure
        that worst value is, so a reader is told whether it is response or resolution),
        ``reopen_rate``, ``satisfaction``, ``ping_pong_rate``, ``sla_green``, ``red_signals``
        (names joined by ``", "``), ``watermelon`` (nullable boolean, ``<NA>`` without SLA
        values).

    Examples
    --------
    >>> v = pd.DataFrame({"supplier_id": ["a", "a", "b", "b"], "period": "2026-03",
    ...     "measure": ["sla_resolution_attainment", "reopen_rate"] * 2, "scope": "",
    ...     "value": [0.97, 0.15, 0.90, 0.15]})
    >>> watermelon(v)[["supplier_id", "sla_green", "red_signals", "watermelon"]]
      supplier_id  sla_green  red_signals  watermelon
    0           a       True  reopen_rate        True
    1           b      False  reopen_rate       False
    """
    v = values[values["value"].notna()]
    keys = ["supplier_id", "period"]
    sla_rows = v[v["measure"].isin(list(sla_measures))]
    if sla_scope is not None:
        sla_rows = sla_rows[sla_rows["scope"] == sla_scope]
    sla = sla_rows.groupby(keys)["value"].min()
    # Which measure the worst value is (ties: the first in ``sla_measures``' order).
    ranked = sla_rows.assign(_order=sla_rows["measure"].map(list(sla_measures).index))
    worst = ranked.sort_values([*keys, "value", "_order"]).drop_duplicates(keys)
    which = worst.set_index(keys)["measure"]
    overall = v[v["scope"] == ""]
    signals = overall.groupby([*keys, "measure"])["value"].first().unstack("measure")
    out = pd.DataFrame(index=sla.index.union(signals.index))
    out["sla_attainment"] = sla
    out["sla_measure"] = which.reindex(out.index).astype("object")
    for name in ("reopen_rate", "satisfaction", "ping_pong_rate"):
        out[name] = signals.get(name, np.nan)
    out = out.reset_index()
    if isinstance(sla_expected, Mapping):
        expected = out["supplier_id"].map(dict(sla_expected)).astype("float64")
    else:
        expected = pd.Series(float(sla_expected), index=out.index)
    out["sla_green"] = (out["sla_attainment"] >= expected).fillna(False).astype(bool)
    red = pd.DataFrame(
        {
            "reopen_rate": out["reopen_rate"] > reopen_max,
            "satisfaction": out["satisfaction"] < satisfaction_min,
            "ping_pong_rate": out["ping_pong_rate"] > ping_pong_max,
        }
    ).fillna(False)
    names = pd.Series("", index=out.index, dtype="str")
    for col in red.columns:
        names = names + np.where(red[col], col + ", ", "")
    out["red_signals"] = names.str[:-2]
    flag = (out["sla_green"] & red.any(axis=1)).astype("boolean")
    out["watermelon"] = flag.where(out["sla_attainment"].notna(), pd.NA)
    return out


def watermelon_values(flags: pd.DataFrame) -> pd.DataFrame:
    """:func:`watermelon` flags as measure values (``watermelon_flag``: 1.0, 0.0 or NaN).

    Examples
    --------
    >>> f = pd.DataFrame({"supplier_id": ["a"], "period": ["2026-03"],
    ...                   "watermelon": pd.array([True], dtype="boolean")})
    >>> watermelon_values(f)[["supplier_id", "measure", "value"]]
      supplier_id          measure  value
    0           a  watermelon_flag    1.0
    """
    out = pd.DataFrame(
        {
            "supplier_id": flags["supplier_id"].astype("str"),
            "period": flags["period"].astype("str"),
            "measure": "watermelon_flag",
            "scope": "",
            "value": flags["watermelon"].astype("Float64").astype("float64"),
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )
    return out[MEASURE_VALUE_COLUMNS].reset_index(drop=True)
