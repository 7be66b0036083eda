"""Scorecards: each contracted service level's actual against its expected and minimum levels.

A scorecard has one row per service level **in force on the first day of the period**
(``contract.service_levels_on(periods.first_day(period))``), so a past period is always scored
against the levels that applied then. The actual comes from the *measure values* long table
(:mod:`siamlib.measures`), converted from the computed unit to the shown unit with the
catalogue's ``scale`` (rates: fraction x 100 = per cent), which is the unit the contract writes
its levels in.

RAG status
    ``green``  at or better than expected (``actual >= expected``; ``<=`` for lower-is-better);
    ``amber``  worse than expected but at or better than minimum;
    ``red``    worse than minimum;
    ``grey``   no data: the actual is NaN (empty denominator, or no row in the measure values),
               or the month/measure is in ``notes`` (outside the data window, source table
               absent); the ``note`` column says which.
    A value exactly at the minimum is amber, exactly at expected is green.

Points (weighted score)
    ``points = (worst - actual) / (worst - best) x weight`` with ``best = expected``,
    ``worst = minimum`` and the actual clamped to the range between them: a level at or better
    than expected earns its full weight, one at or worse than minimum earns 0, and points rise
    linearly in between. The same formula serves both directions because best and worst swap
    sides. Where expected equals minimum (no amber zone) the level earns its full weight when
    green and 0 otherwise. Grey levels have NaN points.

Examples
--------
>>> import pandas as pd
>>> from siamlib.params import load_params
>>> p = load_params()
>>> values = pd.DataFrame({
...     "supplier_id": ["hosting"], "period": ["2026-06"],
...     "measure": ["sla_resolution_attainment"], "scope": ["priority=1"],
...     "value": [0.92], "numerator": [92.0], "denominator": [100.0]})
>>> card = scorecard(values, p, "hosting", "2026-06")
>>> row = card.set_index("service_level").loc["P1-RES"]
>>> float(row["actual"]), row["rag"], float(row["points"])   # (90 - 92) / (90 - 95) x 20
(92.0, 'amber', 8.0)
>>> weighted_score(card)   # only P1-RES has data: 8 / 20 x 100
40.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from siamlib import periods, samples
from siamlib.measures import MEASURE_VALUE_COLUMNS, scope_key
from siamlib.measures.catalogue import MEASURES
from siamlib.params import Contract, Params
from siamlib.samples import SAMPLE_COLUMNS, apply_small_samples

RAG_ORDER = ("green", "amber", "red", "grey")

SCORECARD_COLUMNS = [
    "supplier_id",
    "period",
    "service_level",
    "measure",
    "scope",
    "name",
    "unit",
    "direction",
    "expected",
    "minimum",
    "actual",
    "rag",
    "weight",
    "points",
    "previous_actual",
    "change",
    "numerator",
    "denominator",
    *SAMPLE_COLUMNS,
    *samples.UNSCORED_COLUMNS,
    "note",
]
"""Scorecard columns. ``note`` says why a grey level has no actual ("no outages table in the
dataset", "month outside the data window (...)", "nothing counted in the month"); it is ``""``
for scored levels, and says why a small-sample level was scored on a rolling window or not at
all (:mod:`siamlib.samples`; one left unscored says its month's own figure, ``month_actual``,
and whether that fails its limit, ``unscored_fail``). ``ci_low``/``ci_high`` are the 95%
Wilson interval of the scored figure in the shown unit (NaN for measures that are not record
proportions)."""

NOTHING_COUNTED = "nothing counted in the month"

# The data-quality tile's RAG (95 or more green, 80 or more amber): params carry no such
# thresholds, so this is their one place. The weighted score has none: its tile takes the
# worst level's RAG (worst_rag). The bundle carries every RAG; the render layer shows it.
DQ_RAG = {"green": 95.0, "amber": 80.0}
# The board's credits tile: amber while the net credits stay under half the at-risk pool of
# the suppliers shown, red from half (green when nothing is owed).
CREDITS_RED_SHARE = 0.5

LEAGUE_COLUMNS = [
    "rank",
    "supplier_id",
    "supplier_name",
    "role",
    "weighted_score",
    "scored_weight",
    "rag",
    "levels",
    "green",
    "amber",
    "red",
    "grey",
    "credits",
    "currency",
]
"""League columns. ``scored_weight`` is the total weight of the levels with data (the score is
their points over it, x 100); ``rag`` the supplier's worst level (:func:`worst_rag`)."""


def _contract(params: Params | Contract, supplier_id: str) -> Contract:
    if isinstance(params, Contract):
        if params.supplier_id != supplier_id:
            raise ValueError(
                f"contract is for {params.supplier_id!r}, scorecard asked for {supplier_id!r}"
            )
        return params
    return params.contract(supplier_id)


def _check_values(values: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in MEASURE_VALUE_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"measure values: missing columns {', '.join(missing)}")
    key = ["supplier_id", "period", "measure", "scope"]
    dupes = values[values.duplicated(key, keep=False)]
    if not dupes.empty:
        first = dupes.iloc[0]
        raise ValueError(
            "measure values: more than one row for "
            f"{first['supplier_id']} {first['period']} {first['measure']} "
            f"scope={first['scope']!r}"
        )
    return values


def _label(measure: pd.Series, scope: pd.Series) -> pd.Series:
    name = measure.map(lambda m: MEASURES[m].name)
    shown = scope.str.replace("=", " ", regex=False).str.replace(";", ", ", regex=False)
    return name.where(scope == "", name + " (" + shown + ")")


def rag_status(
    actual: pd.Series, expected: pd.Series, minimum: pd.Series, direction: pd.Series
) -> pd.Series:
    """RAG of each actual against its expected and minimum levels (shown unit).

    ``direction`` holds ``"higher"`` or ``"lower"`` (is better). NaN actuals are ``"grey"``.

    >>> import pandas as pd
    >>> rag_status(pd.Series([95.0, 90.0, 89.9, None]), pd.Series([95.0] * 4),
    ...            pd.Series([90.0] * 4), pd.Series(["higher"] * 4)).tolist()
    ['green', 'amber', 'red', 'grey']
    >>> rag_status(pd.Series([3.0, 6.0, 6.1]), pd.Series([3.0] * 3), pd.Series([6.0] * 3),
    ...            pd.Series(["lower"] * 3)).tolist()
    ['green', 'amber', 'red']
    """
    higher = direction.to_numpy() == "higher"
    a = actual.to_numpy(dtype=float)
    e = expected.to_numpy(dtype=float)
    m = minimum.to_numpy(dtype=float)
    # NaN compares False, so a missing actual falls through to the default "grey".
    meets_expected = np.where(higher, a >= e, a <= e)
    meets_minimum = np.where(higher, a >= m, a <= m)
    below = np.where(higher, a < m, a > m)
    rag = np.select([meets_expected, meets_minimum, below], ["green", "amber", "red"], "grey")
    return pd.Series(rag, index=actual.index, dtype="str")


def score_points(
    actual: pd.Series,
    expected: pd.Series,
    minimum: pd.Series,
    weight: pd.Series,
    direction: pd.Series,
) -> pd.Series:
    """Points earned: ``(worst - actual) / (worst - best) x weight``, actual clamped.

    ``best`` is the expected level and ``worst`` the minimum level; NaN actual gives NaN.
    ``direction`` (``"higher"``/``"lower"``) only matters where expected equals minimum: then
    the level earns its full weight when it meets expected, else nothing.

    >>> import pandas as pd
    >>> score_points(pd.Series([92.0, 99.0, 80.0]), pd.Series([95.0] * 3),
    ...              pd.Series([90.0] * 3), pd.Series([20.0] * 3),
    ...              pd.Series(["higher"] * 3)).tolist()
    [8.0, 20.0, 0.0]
    """
    best = expected.astype(float)
    worst = minimum.astype(float)
    clamped = actual.astype(float).clip(
        lower=np.minimum(best, worst), upper=np.maximum(best, worst)
    )
    span = worst - best
    # expected == minimum leaves no range to interpolate over: all or nothing.
    flat = (rag_status(actual, expected, minimum, direction) == "green").astype(float)
    share = ((worst - clamped) / span.where(span != 0)).where(span != 0, flat)
    # "+ 0.0" turns the -0.0 of (worst - worst) / negative span into a plain 0.0.
    return (share * weight.astype(float) + 0.0).where(actual.notna())


def scorecard(
    values: pd.DataFrame,
    params: Params | Contract,
    supplier_id: str,
    period: str,
    *,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scorecard of one supplier for one period: one row per service level in force.

    Parameters
    ----------
    values
        Measure values long table (see :mod:`siamlib.measures`), any suppliers and periods.
    params
        The validated params bundle, or the supplier's :class:`~siamlib.params.Contract`.
    supplier_id, period
        Supplier and ``YYYY-MM`` period to score.
    notes
        Months and measures that must not be scored (``period``, ``measure``, ``note``; see
        :func:`siamlib.completeness.coverage_notes`): their values are ignored (this period's
        and the previous one's), the level is grey and ``note`` gives the reason.

    Returns
    -------
    DataFrame
        Columns ``SCORECARD_COLUMNS``: ``expected``, ``minimum``, ``actual``,
        ``previous_actual`` and ``change`` (actual - previous actual) are in the shown unit;
        ``previous_actual`` is the same measure and scope in the previous period (even where
        the level was re-issued under a new id); ``numerator``/``denominator`` are as counted.

    Examples
    --------
    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> card = scorecard(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS), load_params(),
    ...                  "hosting", "2026-07")
    >>> card.loc[card["service_level"] == "P2-RES-2026H2", ["expected", "rag"]].values.tolist()
    [[92.0, 'grey']]
    """
    periods.check_period(period)
    contract = _contract(params, supplier_id)
    return _cards(_check_values(values), contract, supplier_id, [period], notes)


def _cards(
    values: pd.DataFrame,
    contract: Contract,
    supplier_id: str,
    months: list[str],
    notes: pd.DataFrame | None,
) -> pd.DataFrame:
    """The scorecards of ``months`` stacked, scored in one pass (see :func:`scorecard`).

    Every step is the one-month card's, done on all months' level rows at once: each row
    reads its own month's and previous month's values, and its month's rolling window.
    """
    levels = _levels_by_month(contract, months)
    prev_of = {p: periods.previous_periods(p, 2)[0] for p in months}
    levels["prev"] = levels["period"].map(prev_of).astype("str")

    mine = values[values["supplier_id"] == supplier_id]
    noted: dict[tuple[str, str], str] = {}
    raw = mine
    if notes is not None and not notes.empty:
        from siamlib.completeness import blank_values

        # A month's card ignores the noted values of that month and the previous one; the
        # notes are keyed by month, so blanking every noted month blanks exactly those.
        shown = notes[notes["period"].isin(set(months) | set(prev_of.values()))]
        mine = blank_values(mine, shown)
        here = shown[shown["period"].isin(months)]
        noted = dict(
            zip(zip(here["period"], here["measure"], strict=True), here["note"], strict=True)
        )
    cur = mine[["period", "measure", "scope", "value", "numerator", "denominator"]]
    before = mine[["period", "measure", "scope", "value"]].rename(
        columns={"period": "prev", "value": "previous_value"}
    )
    card = levels.merge(cur, on=["period", "measure", "scope"], how="left").merge(
        before, on=["prev", "measure", "scope"], how="left"
    )
    # Small samples: below a level's min_volume the contract's policy (rolling window or
    # grey) decides what is scored; every proportion gets its Wilson interval.
    small = contract.small_samples
    windows = {p: periods.previous_periods(p, small.months) for p in months}
    card = apply_small_samples(
        card,
        _window_values(raw, notes, prev_of),
        {sl.id: sl.min_volume for sl in contract.service_levels if sl.min_volume},
        small.policy,
        windows,
    )
    card["previous_value"] = _previous_as_scored(card, contract, mine, raw, notes)
    scale = card["measure"].map(lambda m: MEASURES[m].scale).astype(float)
    card["ci_low"] = (card["ci_low"] * scale).round(10)
    card["ci_high"] = (card["ci_high"] * scale).round(10)
    # Rounding as Measure.display does, so 0.95 x 100 compares equal to an expected of 95.
    card["actual"] = (card["value"].astype(float) * scale).round(10)
    card["previous_actual"] = (card["previous_value"].astype(float) * scale).round(10)
    card["change"] = (card["actual"] - card["previous_actual"]).round(10)
    card["name"] = _label(card["measure"], card["scope"])
    card["unit"] = card["measure"].map(lambda m: MEASURES[m].unit).astype("str")
    card["direction"] = card["measure"].map(lambda m: MEASURES[m].direction).astype("str")
    card["rag"] = rag_status(card["actual"], card["expected"], card["minimum"], card["direction"])
    card["points"] = score_points(
        card["actual"], card["expected"], card["minimum"], card["weight"], card["direction"]
    )
    card["supplier_id"] = supplier_id
    card["numerator"] = card["numerator"].astype(float)
    card["denominator"] = card["denominator"].astype(float)
    grey = card["rag"].eq("grey")
    note = pd.Series(
        [noted.get(k) for k in zip(card["period"], card["measure"], strict=True)],
        index=card.index,
        dtype="object",
    )
    note = note.where(note.notna(), NOTHING_COUNTED).where(grey, "")
    card["note"] = card["small_note"].where(card["small_note"].ne(""), note)
    out = samples.flag_unscored_failures(card)[SCORECARD_COLUMNS].astype(
        {"supplier_id": "str", "period": "str", "rag": "str", "note": "str"}
    )
    out[["small_sample", "unscored_fail"]] = out[["small_sample", "unscored_fail"]].astype(bool)
    return out.reset_index(drop=True)


def _previous_as_scored(card, contract: Contract, mine, raw, notes) -> np.ndarray:
    """Each row's previous-month value as that month was scored: where last month's sample
    was small, its rolling-window figure (or none, when it was not scored), as its own card
    and the trend show it; the month's own value otherwise. A change "on last month" then
    compares like with like, instead of a raw month count the board never saw."""
    prev = card["previous_value"].astype(float).to_numpy()
    need = {sl.id: sl.min_volume for sl in contract.service_levels if sl.min_volume}
    if not need:
        return prev
    months = sorted(set(card["prev"]))
    # A previous month the card itself scores (all but the first of a trend) was scored
    # there, on the same values and window: its rows are read, not scored again.
    on, todo = ["period", "measure", "scope"], [p for p in months if p not in set(card["period"])]
    done = card.loc[card["period"].isin(months) & card["service_level"].isin(need)]
    last = _levels_by_month(contract, todo)
    last = last[last["service_level"].isin(need)]
    if not last.empty:
        last = last.merge(mine[[*on, "value", "numerator", "denominator"]], on=on, how="left")
        prev_of = {p: periods.previous_periods(p, 2)[0] for p in todo}
        windows = {p: periods.previous_periods(p, contract.small_samples.months) for p in todo}
        last = apply_small_samples(
            last, _window_values(raw, notes, prev_of), need, contract.small_samples.policy, windows
        )
    parts = [x[[*on, "value", "small_sample"]] for x in (done, last) if len(x)]
    if not parts:
        return prev
    scored = pd.concat(parts)
    scored = scored.loc[scored["small_sample"], [*on, "value"]]
    scored = scored.drop_duplicates(on).rename(columns={"period": "prev", "value": "scored"})
    scored["was_small"] = True
    keys = ["prev", "measure", "scope"]
    hit = card[keys].merge(scored, on=keys, how="left")
    was_small = hit["was_small"].eq(True).to_numpy()
    return np.where(was_small, hit["scored"].astype(float).to_numpy(), prev)


def _levels_by_month(contract: Contract, months: list[str]) -> pd.DataFrame:
    """The levels in force on each month's first day, months in order, with ``period``."""
    rows = [
        (p, sl.id, sl.measure, scope_key(sl.scope))
        + (float(sl.expected), float(sl.minimum), float(sl.weight))
        for p in months
        for sl in contract.service_levels_on(periods.first_day(p))
    ]
    cols = ["period", "service_level", "measure", "scope", "expected", "minimum", "weight"]
    return pd.DataFrame(rows, columns=cols).astype(
        {"period": "str", "service_level": "str", "measure": "str", "scope": "str"},
    )


def _window_values(values: pd.DataFrame, notes: pd.DataFrame | None, prev_of: dict[str, str]):
    """The values a month's rolling window reads: noted values of it and its previous month
    blank (as the month's own card reads them), computed only for months that need them."""
    if notes is None or notes.empty:
        return lambda period: values
    from siamlib.completeness import blank_values

    cache: dict[str, pd.DataFrame] = {}

    def of(period: str) -> pd.DataFrame:
        if period not in cache:
            own = notes[notes["period"].isin([period, prev_of[period]])]
            cache[period] = blank_values(values, own)
        return cache[period]

    return of


def weighted_score(card: pd.DataFrame) -> float:
    """Weighted score out of 100: the points of the levels with data, renormalised.

    Weights in force sum to 100, so with every level reporting the score is the sum of the
    points. Levels without data (grey) are left out and the remaining weights are scaled back
    up to 100 (``sum(points) / sum(weights with data) x 100``), so a missing figure neither
    rewards nor punishes; the grey count is shown beside the score. NaN when no level has data.

    >>> import pandas as pd
    >>> card = pd.DataFrame({"actual": [92.0, 97.0, None], "weight": [20.0, 30.0, 50.0],
    ...                      "points": [8.0, 30.0, None]})
    >>> weighted_score(card)   # (8 + 30) / (20 + 30) x 100
    76.0
    """
    has = card["actual"].notna()
    weight = float(card.loc[has, "weight"].sum())
    if weight <= 0:
        return float("nan")
    score = float(card.loc[has, "points"].sum()) / weight * 100
    return float(min(100.0, max(0.0, round(score, 10))))


def scored_totals(card: pd.DataFrame) -> tuple[float, float]:
    """The points and the weight of the levels with data: the score's numerator and divisor.

    Parameters
    ----------
    card : DataFrame
        A scorecard (``actual``, ``weight``, ``points``).

    Returns
    -------
    tuple of float
        ``(points, weight)``: weight 100 unless levels are grey ("60 points of the 80 weight").

    Examples
    --------
    >>> scored_totals(pd.DataFrame({"actual": [92.0, 97.0, None], "weight": [20.0, 30.0, 50.0],
    ...                             "points": [8.0, 30.0, None]}))
    (38.0, 50.0)
    """
    if card.empty:
        return 0.0, 0.0
    has = card["actual"].notna()
    return float(card.loc[has, "points"].sum()), float(card.loc[has, "weight"].sum())


def worst_rag(counts: Mapping[str, int]) -> str:
    """The RAG of a supplier: its worst scored level's.

    Parameters
    ----------
    counts : mapping of str to int
        Levels per RAG status (:func:`rag_counts`).

    Returns
    -------
    str
        ``red`` when a level is worse than its minimum (maximum where lower is better), else
        ``amber`` when one is worse than expected, else ``green``; ``grey``: none scored. The
        contracts define RAG per level only: a supplier's colour is never a band of its score.

    Examples
    --------
    >>> worst_rag({"green": 6, "amber": 3, "red": 0}), worst_rag({"grey": 2})
    ('amber', 'grey')
    """
    for rag in ("red", "amber", "green"):
        if counts.get(rag):
            return rag
    return "grey"


def rag_of(score: float, thresholds: Mapping[str, float]) -> str:
    """RAG of a 0-100 score against ``{"green": at_least, "amber": at_least}``; NaN is grey.

    >>> rag_of(95.0, DQ_RAG), rag_of(94.9, DQ_RAG), rag_of(79.9, DQ_RAG), rag_of(None, DQ_RAG)
    ('green', 'amber', 'red', 'grey')
    """
    if score is None or pd.isna(score):
        return "grey"
    return (
        "green"
        if score >= thresholds["green"]
        else "amber"
        if score >= thresholds["amber"]
        else "red"
    )


def headline(
    card: pd.DataFrame, ledger: pd.DataFrame, dq_score: float | None = None
) -> dict[str, object]:
    """The figures of a supplier report's headline tiles, computed once before rendering.

    ``weighted_score`` (:func:`weighted_score`, NaN with no level), the ``scored_points`` and
    ``scored_weight`` it divides (:func:`scored_totals`), its ``score_rag``: the worst level's
    (:func:`worst_rag`, as ``levels_rag``; 68 with no level below its minimum is amber);
    ``levels`` and the count per RAG status; ``net_credits`` (the ledger's total, net of
    earn-back) and ``credits_rag`` (green when nothing is owed); ``dq_score`` and ``dq_rag``
    (:data:`DQ_RAG`) when a data-quality score is given. Plain values: it travels in JSON.

    >>> card = pd.DataFrame({"actual": [92.0, 97.0, None], "weight": [20.0, 30.0, 50.0],
    ...     "points": [8.0, 30.0, None], "rag": ["amber", "green", "grey"]})
    >>> h = headline(card, pd.DataFrame({"amount": [250.0, -50.0]}))
    >>> h["weighted_score"], h["score_rag"], h["green"], h["levels_rag"], h["net_credits"]
    (76.0, 'amber', 1, 'amber', 200.0)
    """
    score = weighted_score(card) if not card.empty else float("nan")
    counts = rag_counts(card) if not card.empty else dict.fromkeys(RAG_ORDER, 0)
    credits = float(ledger["amount"].sum()) if not ledger.empty else 0.0
    points, weight = scored_totals(card)
    out: dict[str, object] = {
        "weighted_score": score,
        "score_rag": worst_rag(counts),
        "scored_points": points,
        "scored_weight": weight,
        "levels": len(card),
        **counts,
        "levels_rag": worst_rag(counts),
        "net_credits": credits,
        "credits_rag": "green" if credits <= 0 else "red",
    }
    if dq_score is not None:
        out.update(dq_score=float(dq_score), dq_rag=rag_of(dq_score, DQ_RAG))
        out["dq_thresholds"] = dict(DQ_RAG)
    return out


def board_headline(
    ledger: pd.DataFrame, at_risk: pd.DataFrame, quality_scores: pd.DataFrame | None = None
) -> dict[str, object]:
    """The board front page's credit figures, computed once before rendering.

    ``net_credits`` (the ledgers' total) and ``at_risk`` (the suppliers' at-risk amounts),
    both without the ``blocked`` suppliers (``stopped`` in the data-quality ``quality_scores``:
    their figures are withheld). Money flows both ways, so the net is also split by who pays
    whom: ``credits_due`` is the total of the suppliers whose ledger total is positive (they
    owe the customer; ``owing``: supplier -> amount) and ``earn_back_due`` that of the
    suppliers whose total is negative (the customer repays credits they earned back;
    ``owed``: supplier -> amount, positive). ``credits_due - earn_back_due == net_credits``.
    ``share`` is ``credits_due`` over the pool (NaN with no pool): an earn-back owed to one
    supplier does not shrink what the others owe. The tile's ``credits_rag``: green when no
    supplier owes credits, amber below :data:`CREDITS_RED_SHARE` of the pool, red from it.
    ``waived``: the credits given up under one cause, one credit (the ledgers'
    ``waived_amount``), said beside the credits, never counted in them.

    >>> ledger = pd.DataFrame({"supplier_id": ["a", "b", "c"], "amount": [300.0, 900.0, -100.0]})
    >>> risk = pd.DataFrame({"supplier_id": ["a", "b", "c"], "at_risk_amount": [1000.0] * 3})
    >>> h = board_headline(ledger, risk, pd.DataFrame({"supplier_id": ["a", "b", "c"],
    ...                                                 "stopped": [False, True, False]}))
    >>> h["net_credits"], h["credits_due"], h["earn_back_due"], h["at_risk"], h["share"]
    (200.0, 300.0, 100.0, 2000.0, 0.15)
    >>> h["owing"], h["owed"], h["credits_rag"]
    ({'a': 300.0}, {'c': 100.0}, 'amber')
    """
    blocked = []
    if quality_scores is not None and "stopped" in quality_scores.columns:
        blocked = sorted(quality_scores.loc[quality_scores["stopped"].astype(bool), "supplier_id"])
    if not ledger.empty:
        ledger = ledger[~ledger["supplier_id"].isin(blocked)]
    if not at_risk.empty:
        at_risk = at_risk[~at_risk["supplier_id"].isin(blocked)]
    per = (
        ledger.groupby("supplier_id", sort=True)["amount"].sum()
        if not ledger.empty
        else pd.Series(dtype="float64")
    )
    owing = {str(k): float(v) for k, v in per[per > 0].items()}
    waived = ledger.get("waived_amount", pd.Series(dtype="float64")).astype(float).sum()
    owed = {str(k): float(-v) for k, v in per[per < 0].items()}
    due = float(sum(owing.values()))
    pool = float(at_risk["at_risk_amount"].sum()) if not at_risk.empty else 0.0
    share = due / pool if pool else float("nan")
    # NaN (no pool) is not below the red share: owing credits against no pool is red.
    rag = "green" if due <= 0 else "amber" if share < CREDITS_RED_SHARE else "red"
    return {
        "net_credits": float(per.sum()),
        "credits_due": due,
        "earn_back_due": float(sum(owed.values())),
        "owing": owing,
        "owed": owed,
        "at_risk": pool,
        "share": share,
        "credits_rag": rag,
        "waived": float(waived),
        "credits_red_share": CREDITS_RED_SHARE,
        "blocked": blocked,
    }


def score_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """Weighted score per month of a stacked trend (:func:`trend`): ``period``, ``score``.

    >>> t = pd.DataFrame({"period": ["2026-09", "2026-10"], "actual": [92.0, 97.0],
    ...     "weight": [20.0, 20.0], "points": [8.0, 20.0]})
    >>> score_trend(t)["score"].tolist()
    [40.0, 100.0]
    """
    if trend.empty:
        return pd.DataFrame({"period": pd.Series(dtype="str"), "score": pd.Series(dtype=float)})
    return (
        trend.groupby("period")[list(trend.columns)]
        .apply(weighted_score)
        .rename("score")
        .reset_index()
    )


def trend(
    values: pd.DataFrame,
    params: Params | Contract,
    supplier_id: str,
    period: str,
    months: int = 12,
    *,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scorecards of the ``months`` periods ending at ``period``, oldest first, stacked.

    Each month is scored against the levels in force on its own first day, so a level
    re-issued mid-year (new id, new expected level) shows up from its effective month.
    ``notes`` as in :func:`scorecard`: a month outside the data window is grey, never scored.

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> t = trend(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS), load_params(), "hosting",
    ...           "2026-07", months=2)
    >>> t.loc[t["measure"].eq("sla_resolution_attainment") & t["scope"].eq("priority=2"),
    ...       ["period", "service_level", "expected"]].values.tolist()
    [['2026-06', 'P2-RES', 90.0], ['2026-07', 'P2-RES-2026H2', 92.0]]
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    periods.check_period(period)
    contract = _contract(params, supplier_id)
    shown = periods.previous_periods(period, months)
    return _cards(_check_values(values), contract, supplier_id, shown, notes)


def rag_counts(card: pd.DataFrame) -> dict[str, int]:
    """Number of levels per RAG status (every status present, zero when none).

    >>> rag_counts(pd.DataFrame({"rag": ["green", "red", "green"]}))
    {'green': 2, 'amber': 0, 'red': 1, 'grey': 0}
    """
    counts = card["rag"].value_counts()
    return {r: int(counts.get(r, 0)) for r in RAG_ORDER}


def scorecards(
    values: pd.DataFrame,
    params: Params,
    period: str,
    *,
    cards: Mapping[str, pd.DataFrame] | None = None,
    ledgers: Mapping[str, pd.DataFrame] | None = None,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Board league table: every supplier's weighted score, RAG counts and net credits.

    ``credits`` is the net service-credit ledger total of the period (credits, cap adjustment,
    rewards and earn-backs; see :func:`siamlib.credits.service_credits`), with earlier months
    scored from the same measure values as the earn-back history. Sorted by weighted score,
    best first (suppliers without data last); ``rank`` is 1 for the best score.

    ``cards`` and ``ledgers`` (by supplier id) are this period's scorecards and credit
    ledgers when the caller has already computed them (the batch has, for the reports);
    suppliers missing from them are scored here (with ``notes`` as in :func:`scorecard`).

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> league = scorecards(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS), load_params(),
    ...                     "2026-06")
    >>> len(league), int(league["grey"].sum()) > 0, float(league["credits"].sum())
    (6, True, 0.0)
    """
    from siamlib.credits import service_credits

    rows = []
    for supplier in params.estate.suppliers:
        if cards is not None and ledgers is not None and supplier.id in cards:
            card, ledger = cards[supplier.id], ledgers[supplier.id]
        else:
            contract = params.contract(supplier.id)
            earn_back = contract.credit_regime.earn_back
            months = earn_back.periods + 1 if earn_back.enabled else 1
            history = trend(values, params, supplier.id, period, months=months, notes=notes)
            card = history[history["period"] == period]
            ledger = service_credits(
                card, contract, history=history, currency=params.estate.currency
            )
        counts = rag_counts(card)
        rows.append(
            {
                "supplier_id": supplier.id,
                "supplier_name": supplier.name,
                "role": supplier.role,
                "weighted_score": weighted_score(card),
                "scored_weight": scored_totals(card)[1],
                "rag": worst_rag(counts),
                "levels": len(card),
                **counts,
                "credits": round(float(ledger["amount"].sum()), 2),
                "currency": params.estate.currency,
            }
        )
    league = pd.DataFrame(rows, columns=[c for c in LEAGUE_COLUMNS if c != "rank"])
    league = league.sort_values(
        ["weighted_score", "supplier_id"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)
    league.insert(0, "rank", league["weighted_score"].rank(ascending=False, method="min"))
    league["rank"] = league["rank"].astype("Int64")
    return league
