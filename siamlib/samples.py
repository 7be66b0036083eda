"""Small samples: 95% Wilson intervals and the contract's rule for levels on few records.

A rate on one ticket is 0 % or 100 %: it says little about the service, and a credit resting
on it is one a supplier would contest. Two rules make that visible and fair:

Wilson interval
    Every scorecard level on a *count proportion* (records meeting a condition / records
    counted, :data:`PROPORTIONS`) gets the 95% Wilson score interval of its counts, in the
    shown unit (per cent): ``centre = (p + z^2/2n) / (1 + z^2/n)``, ``half = z / (1 + z^2/n)
    x sqrt(p(1-p)/n + z^2/4n^2)``, ``z = 1.96``. Unlike the normal approximation it stays
    inside [0, 1] and is not zero-width at 0/n or n/n. No records: NaN (no interval).

Minimum volume
    A service level may set ``min_volume`` (records counted, the scorecard's denominator). A
    level whose month counted fewer is a *small sample*, and the contract's
    ``small_samples.policy`` decides: ``rolling`` scores it on the sums of numerators and
    denominators of the ``small_samples.months`` months up to the period (the value is
    ``sum(numerator) / sum(denominator)``); when even that window counted fewer than
    ``min_volume`` records, or the measure has no counts to sum, the level is grey. ``grey``:
    no figure, no credit. The note says which applied.

Unscored, yet failing
    A level left unscored still has its month's own counts: where they fall worse than the
    level's limit, the scorecard says so (:func:`flag_unscored_failures`), so the board hears
    of it; it stays grey and attracts no credit.

>>> lo, hi = wilson_interval(1, 1)
>>> round(lo, 4), hi       # one ticket met: anywhere from 20.7 % to 100 %
(0.2065, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from siamlib.measures.catalogue import COUNTED, MEASURES, PROPORTIONS  # noqa: F401 (re-exported)

Z95 = 1.959963984540054  # two-sided 95% normal quantile

SAMPLE_COLUMNS = [
    "ci_low",
    "ci_high",
    "small_sample",
    "scored_on",
    "scored_numerator",
    "scored_denominator",
]
"""Columns the small-sample rule adds to a scorecard: the 95% interval (shown unit) of the
figure scored, whether the month was a small sample, what the level was scored on (``month``,
``rolling 3 months (2026-08..2026-10)`` or ``not scored``) and the counts it was scored on."""
UNSCORED_COLUMNS = ["month_actual", "month_missed", "unscored_fail"]
"""What the month alone shows of a level the rule left unscored (:func:`flag_unscored_failures`)."""


def wilson_interval(successes, trials, z: float = Z95):
    """95% Wilson score interval of ``successes`` out of ``trials`` (fractions in [0, 1]).

    Works on scalars and arrays; ``trials`` of 0 or NaN give NaN bounds.

    Examples
    --------
    >>> [round(float(x), 4) for x in wilson_interval(9, 10)]    # p = 0.9, n = 10
    [0.5958, 0.9821]
    >>> [float(x) for x in wilson_interval(0, 0)]
    [nan, nan]
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_ok = np.where(n > 0, n, np.nan)
        p = k / n_ok
        denom = 1 + z**2 / n_ok
        centre = (p + z**2 / (2 * n_ok)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n_ok + z**2 / (4 * n_ok**2))
        # clip: floating-point noise at p = 0 or 1 must not leave [0, 1]
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def rolling_counts(
    values: pd.DataFrame, measure: str, scope: str, months: list[str]
) -> tuple[float, float]:
    """Sums of numerator and denominator of one measure and scope over ``months``.

    Months without a row (or with NaN counts) add nothing; NaN when no month has counts.

    >>> v = pd.DataFrame({"measure": ["m"] * 3, "scope": [""] * 3,
    ...                   "period": ["2026-08", "2026-09", "2026-10"],
    ...                   "numerator": [3.0, 4.0, 1.0], "denominator": [3.0, 5.0, 1.0]})
    >>> rolling_counts(v, "m", "", ["2026-08", "2026-09", "2026-10"])   # 3+4+1, 3+5+1
    (8.0, 9.0)
    """
    rows = _window_rows(values, measure, scope, months)
    den = rows["denominator"].astype(float)
    if den.notna().sum() == 0:
        return float("nan"), float("nan")
    return float(rows["numerator"].astype(float).sum()), float(den.sum())


def _window_rows(values: pd.DataFrame, measure: str, scope: str, months: list[str]):
    keep = values["measure"].eq(measure) & values["scope"].eq(scope)
    return values[keep & values["period"].isin(months)]


def months_without_counts(
    values: pd.DataFrame, measure: str, scope: str, months: list[str]
) -> list[str]:
    """The months of ``months`` that add nothing to :func:`rolling_counts` (no row, or NaN
    counts: a month outside the data window is blanked), so a note never claims them.

    >>> v = pd.DataFrame({"measure": ["m"] * 2, "scope": [""] * 2,
    ...                   "period": ["2026-09", "2026-10"], "denominator": [float("nan"), 1.0]})
    >>> months_without_counts(v, "m", "", ["2026-08", "2026-09", "2026-10"])
    ['2026-08', '2026-09']
    """
    rows = _window_rows(values, measure, scope, months)
    counted = set(rows.loc[rows["denominator"].astype(float).notna(), "period"])
    return [m for m in months if m not in counted]


def apply_small_samples(
    card: pd.DataFrame,
    values: pd.DataFrame | Callable[[str], pd.DataFrame],
    min_volume: dict[str, int],
    policy: str,
    months: list[str] | Mapping[str, list[str]],
) -> pd.DataFrame:
    """Score small-sample levels by the contract's policy; add :data:`SAMPLE_COLUMNS`.

    Parameters
    ----------
    card
        Scorecard rows before RAG (``service_level``, ``measure``, ``scope``, ``value``,
        ``numerator``, ``denominator``; ``value`` in the computed unit).
    values
        This supplier's measure values (every month the rolling window needs); or, for a
        card stacking several months (a ``period`` column), a function of the period giving
        the values that month's rolling window reads.
    min_volume
        Service level id -> minimum records counted (levels without one are never small).
    policy
        ``"rolling"`` or ``"grey"``.
    months
        The rolling window, oldest first, ending at the period; or, for a stacked card, the
        window of each period (period -> months).

    Returns
    -------
    DataFrame
        ``card`` with ``value`` replaced where the policy applies (NaN when not scored), the
        sample columns and ``small_note`` (the reason, ``""`` when the month was enough).

    Examples
    --------
    >>> card = pd.DataFrame({"service_level": ["P1"], "measure": ["sla_resolution_attainment"],
    ...     "scope": ["priority=1"], "value": [0.0], "numerator": [0.0], "denominator": [1.0]})
    >>> v = pd.DataFrame({"measure": ["sla_resolution_attainment"] * 3,
    ...     "scope": ["priority=1"] * 3, "period": ["2026-08", "2026-09", "2026-10"],
    ...     "numerator": [4.0, 5.0, 0.0], "denominator": [4.0, 5.0, 1.0]})
    >>> out = apply_small_samples(card, v, {"P1": 5}, "rolling",
    ...                           ["2026-08", "2026-09", "2026-10"])
    >>> float(out.loc[0, "value"]), out.loc[0, "scored_on"]    # (4 + 5 + 0) / (4 + 5 + 1)
    (0.9, 'rolling 3 months (2026-08..2026-10)')
    """
    out = card.copy()
    n = len(out)
    scored_on = ["month"] * n
    num = out["numerator"].astype(float).to_numpy().copy()
    den = out["denominator"].astype(float).to_numpy().copy()
    value = out["value"].astype(float).to_numpy().copy()
    small = np.zeros(n, dtype=bool)
    notes = [""] * n
    # One window for the whole card, or (stacked months) each row's period's own window.
    stacked = isinstance(months, Mapping)
    row_periods = out["period"].tolist() if stacked else [None] * n
    for i, (sl, measure, scope) in enumerate(
        zip(out["service_level"], out["measure"], out["scope"], strict=True)
    ):
        need = min_volume.get(sl)
        if need is None or np.isnan(den[i]) or den[i] == 0 or den[i] >= need:
            continue  # no rule, nothing counted (grey anyway), or enough records
        window_months = months[row_periods[i]] if stacked else months
        window = f"{window_months[0]}..{window_months[-1]}" if window_months else ""
        small[i] = True
        counted = f"{den[i]:g} counted in the month, below the minimum volume of {need}"
        if policy == "rolling":
            source = values(row_periods[i]) if callable(values) else values
            rn, rd = rolling_counts(source, measure, scope, window_months)
            gaps = months_without_counts(source, measure, scope, window_months)
            # Months with no counts (outside the data window, or nothing logged) are named.
            gap = f"; no counts in {', '.join(gaps)}" if gaps else ""
            if not np.isnan(rd) and rd >= need:
                num[i], den[i], value[i] = rn, rd, rn / rd
                scored_on[i] = f"rolling {len(window_months)} months ({window}{gap})"
                notes[i] = f"small sample: {counted}; scored on {scored_on[i]}: {rn:g} / {rd:g}"
                continue
            shown = "no counts" if np.isnan(rd) else f"{rd:g} counted"
            notes[i] = (
                f"small sample: {counted}, and {shown} over {len(window_months)} months "
                f"({window}{gap}); not scored, no credit"
            )
        else:
            notes[i] = f"small sample: {counted}; not scored, no credit (contract: grey)"
        value[i], scored_on[i] = np.nan, "not scored"
    out["value"] = value
    out["small_sample"] = small
    out["scored_on"] = pd.Series(scored_on, index=out.index, dtype="str")
    out["scored_numerator"] = num
    out["scored_denominator"] = den
    prop = out["measure"].isin(PROPORTIONS).to_numpy() & ~np.isnan(value)
    low, high = wilson_interval(np.where(prop, num, np.nan), np.where(prop, den, np.nan))
    out["ci_low"], out["ci_high"] = low, high
    out["small_note"] = pd.Series(notes, index=out.index, dtype="str")
    return out


def flag_unscored_failures(card: pd.DataFrame) -> pd.DataFrame:
    """Say what the month alone shows of each level the small-sample rule left unscored.

    A level not scored on a small sample earns no credit; the board must still hear when its
    month's own figure is worse than the contract's limit (a minimum, or a maximum where lower
    is better). This is information, never money: nothing here changes a RAG or a credit.

    Parameters
    ----------
    card
        Scorecard rows (``measure``, ``direction``, ``minimum`` in the shown unit, the month's
        ``numerator`` and ``denominator``, ``scored_on``).

    Returns
    -------
    DataFrame
        ``card`` with :data:`UNSCORED_COLUMNS`: for a level ``not scored``, ``month_actual``
        (the month's numerator over its denominator, shown unit), ``month_missed`` (records
        counted against the level: those not meeting it where higher is better, those
        counted by it where lower is better; NaN for a mean such as a satisfaction score) and
        ``unscored_fail`` (worse than the limit); NaN, NaN and False on every other level.

    Examples
    --------
    >>> card = pd.DataFrame({"measure": ["sla_resolution_attainment"], "direction": ["higher"],
    ...     "minimum": [90.0], "numerator": [5.0], "denominator": [6.0],
    ...     "scored_on": ["not scored"]})
    >>> out = flag_unscored_failures(card)   # 5 of 6 met: 83.33% < 90%, 1 missed
    >>> round(float(out.loc[0, "month_actual"]), 2), float(out.loc[0, "month_missed"])
    (83.33, 1.0)
    >>> bool(out.loc[0, "unscored_fail"])
    True
    """
    out = card.copy()
    unscored = out["scored_on"].astype("str").eq("not scored").to_numpy()
    num = out["numerator"].astype(float).to_numpy()
    den = out["denominator"].astype(float).to_numpy()
    scale = out["measure"].map(lambda m: MEASURES[m].scale).astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        month = np.where(unscored & (den > 0), np.round(num / den * scale, 10), np.nan)
    higher = out["direction"].eq("higher").to_numpy()
    against = np.where(higher, den - num, num)
    proportion = out["measure"].isin(PROPORTIONS).to_numpy()
    out["month_actual"] = month
    out["month_missed"] = np.where(proportion & ~np.isnan(month), against, np.nan)
    limit = out["minimum"].astype(float).to_numpy()
    out["unscored_fail"] = np.where(higher, month < limit, month > limit) & ~np.isnan(month)
    return out
