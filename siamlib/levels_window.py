"""Level evidence over a small sample's rolling window, and the check of figures against rows.

A level whose month counted fewer records than its ``min_volume`` is, under the contract's
``small_samples: {policy: rolling, months: N}``, scored on the sums of the N months up to the
period (:func:`siamlib.samples.apply_small_samples`): its card keeps the month's ``numerator``
and ``denominator`` and adds the ``scored_numerator``/``scored_denominator`` its figure is
computed from, with ``scored_on`` saying ``rolling N months (A..B)``. So that those sums can be
checked from rows, the level's evidence lists the records of every month of the window, each
row with the ``period`` it counted in: :func:`window_parts` builds the earlier months' rows
with the very functions that build the month's (:func:`siamlib.levels.level_rows`,
:func:`siamlib.levels.record_rows`), one call per month for those levels only (a handful of
records). SLA attainment counts each ticket against its own target (the clocks'
``*_target_h``), as each month's measure value did, so a window month whose level had another
target lists exactly the records that month's value counted.

A window month whose values the completeness notes blank for the level's measure (month
outside the data window, source table absent: the workbook blanks every noted month before
scoring, ``scorecard._window_values`` the window's months again) added nothing to the sums,
so it lists nothing either.

:func:`reconcile` checks every record-listed level against its rows twice: the card's month
counts against the rows of its month, and the scored counts against all its rows (the
window's, for a level scored on one).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from siamlib import periods

ROLLING = "rolling "
"""How ``scored_on`` starts for a level scored on a rolling window (:mod:`siamlib.samples`)."""


def rolled(cards: pd.DataFrame) -> pd.DataFrame:
    """The levels of ``cards`` scored on a rolling window (none without ``scored_on``).

    >>> cards = pd.DataFrame({"service_level": ["P1", "P2", "P3"],
    ...     "scored_on": ["rolling 3 months (2026-08..2026-10)", "month", "not scored"]})
    >>> rolled(cards)["service_level"].tolist()
    ['P1']
    """
    if "scored_on" not in cards.columns:
        return cards.iloc[:0]
    return cards[cards["scored_on"].astype("str").str.startswith(ROLLING)]


def window_months(
    cards: pd.DataFrame, params, period: str, notes: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Per earlier month of the rolling windows of ``cards``' rolled levels, those levels
    whose window holds it (the supplier's contract ``small_samples.months`` up to
    ``period``), less the months ``notes`` blank for their measure; months oldest first.

    >>> from siamlib.params import load_params
    >>> cards = pd.DataFrame({"supplier_id": ["euc"], "service_level": ["P1-RES"],
    ...     "measure": ["sla_resolution_attainment"],
    ...     "scored_on": ["rolling 3 months (2026-08..2026-10)"]})
    >>> list(window_months(cards, load_params(), "2026-10"))
    ['2026-08', '2026-09']
    >>> notes = pd.DataFrame({"period": ["2026-08"], "measure": ["sla_resolution_attainment"],
    ...     "note": ["month outside the data window"]})
    >>> list(window_months(cards, load_params(), "2026-10", notes))
    ['2026-09']
    """
    levels = rolled(cards)
    noted = set()
    if notes is not None and len(notes):
        noted = set(zip(notes["period"].astype("str"), notes["measure"], strict=True))
    rows: dict[str, list[int]] = {}
    pairs = zip(levels["supplier_id"], levels["measure"], strict=True)
    for i, (supplier, measure) in enumerate(pairs):
        n = params.contract(supplier).small_samples.months
        for month in periods.previous_periods(period, n)[:-1]:
            if (month, measure) not in noted:
                rows.setdefault(month, []).append(i)
    return {m: levels.iloc[rows[m]] for m in sorted(rows)}


def window_parts(
    cards: pd.DataFrame,
    params,
    period: str,
    rows_of: Callable[[pd.DataFrame, str], pd.DataFrame],
    *,
    notes: pd.DataFrame | None = None,
) -> list[pd.DataFrame]:
    """``rows_of(levels, month)`` for each earlier month of the rolled levels' windows
    (:func:`window_months`), each with its ``period``: the month's function of the evidence
    run on that month, for those levels only."""
    return [
        rows_of(levels, month).assign(period=month)
        for month, levels in window_months(cards, params, period, notes).items()
    ]


def window_clocks(clocks: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """The clocks an SLA level of ``levels`` can count: its supplier's, of its priority when
    every level is priority-scoped (the measure counts per supplier and priority, so the
    others change nothing; a window month then scans a few hundred rows, not the estate).

    >>> clocks = pd.DataFrame({"supplier_id": ["euc", "euc", "hosting"], "priority": [1, 2, 1]})
    >>> levels = pd.DataFrame({"supplier_id": ["euc"], "scope": ["priority=1"]})
    >>> window_clocks(clocks, levels).index.tolist()
    [0]
    """
    keep = clocks["supplier_id"].isin(set(levels["supplier_id"]))
    scopes = set(levels["scope"])
    if "" not in scopes:
        wanted = {s.partition("=")[2] for s in scopes if s.startswith("priority=")}
        keep &= clocks["priority"].isin([int(p) for p in wanted if p.isdigit()])
    return clocks[keep]


# ------------------------------------------------------------------ reconciliation ----
def _same(a, b) -> np.ndarray:
    """Equal to a millionth (minutes are fractions), a missing count as 0."""
    a = pd.Series(a, dtype="float64").fillna(0).to_numpy()
    return np.isclose(a, pd.Series(b, dtype="float64").fillna(0).to_numpy(), 0, 1e-6)


def reconcile(cards: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Each record-listed level of ``cards`` against the sums of its evidence rows.

    ``records`` is :func:`siamlib.levels.record_rows` of the same cards. One row per level of
    a :data:`~siamlib.levels.RECORD_MEASURES` measure, and of a
    :data:`~siamlib.levels.WEIGHTED_MEASURES` one when ``records`` carries
    ``adds_to_numerator`` and ``adds_to_denominator`` (as ``record_rows`` always does): the
    card's ``numerator``/``denominator`` (missing counts as 0) against the sums of its rows
    of the card's month (``in_numerator``/``in_denominator`` for a count, ``adds_to_*`` for
    minutes, scores...: ``evidence_numerator``/``evidence_denominator``); when both carry
    ``period`` (scorecards and ``record_rows`` do), only the rows of the card's ``period``
    are the month's, else every row is. A card with ``scored_numerator`` and
    ``scored_denominator`` (the counts its figure was computed from,
    :mod:`siamlib.samples`) is also checked against the sums of all its rows
    (``evidence_scored_*``): the whole window's for a small sample scored on a rolling window
    (:func:`window_parts`), the month's otherwise. A scored level of a
    :data:`~siamlib.levels_integrator.VALUE_MEASURES` measure (when ``cards`` carry ``actual``
    and ``records`` ``minutes``) is checked on its figure: ``actual`` against
    ``evidence_actual``, the median of its month's rows' ``minutes`` / 60 or the number of
    them ``in_numerator``. ``reconciles``: every check holds (equal to a millionth).

    >>> cards = pd.DataFrame({"supplier_id": ["euc", "euc"], "service_level": ["R", "A"],
    ...     "measure": ["reopen_rate", "availability"], "numerator": [1.0, 9.0],
    ...     "denominator": [2.0, 10.0]})
    >>> records = pd.DataFrame({"supplier_id": "euc", "service_level": ["R", "R"],
    ...     "in_denominator": [True, True], "in_numerator": [True, False]})
    >>> reconcile(cards, records)[["service_level", "reconciles"]].values.tolist()
    [['R', True]]
    >>> records = pd.DataFrame({"supplier_id": "euc", "service_level": ["A", "A"],
    ...     "in_denominator": [True, False], "in_numerator": [True, True],
    ...     "adds_to_numerator": [10.0, -1.0], "adds_to_denominator": [10.0, 0.0]})
    >>> rec = reconcile(cards, records)
    >>> rec[["service_level", "evidence_numerator", "reconciles"]].values.tolist()
    [['R', 0.0, False], ['A', 9.0, True]]

    A small sample scored on August to October (1 of 2 in October, 9 of 10 in all), whose
    evidence lost an August row:

    >>> card = pd.DataFrame({"supplier_id": ["euc"], "service_level": ["P1"],
    ...     "measure": ["reopen_rate"], "period": ["2026-10"], "numerator": [1.0],
    ...     "denominator": [2.0], "scored_numerator": [9.0], "scored_denominator": [10.0]})
    >>> rows = pd.DataFrame({"supplier_id": "euc", "service_level": "P1",
    ...     "period": ["2026-08"] * 4 + ["2026-09"] * 3 + ["2026-10"] * 2,
    ...     "in_denominator": True, "in_numerator": [True] * 8 + [False]})
    >>> reconciliation_summary(reconcile(card, rows))["mismatches"]
    ['euc P1: scored numerator 9 against 8 in the evidence of all its months, scored \
denominator 10 against 9']
    """
    from siamlib.levels import RECORD_MEASURES, WEIGHTED_MEASURES

    keys = ["supplier_id", "service_level"]
    parts = ["adds_to_denominator", "adds_to_numerator"]
    weighted = set(parts) <= set(records.columns)
    measures = RECORD_MEASURES | (WEIGHTED_MEASURES if weighted else frozenset())
    levels = cards[cards["measure"].isin(list(measures))]
    flags = ["in_denominator", "in_numerator"]
    summed = [*flags, *parts] if weighted else flags
    by_month = "period" in records.columns and "period" in cards.columns
    group = [*keys, "period"] if by_month else keys
    scored = [c for c in ("scored_numerator", "scored_denominator") if c in cards.columns]
    out = levels[[*keys, "measure", "numerator", "denominator", *scored]].reset_index(drop=True)
    if len(records):
        per = records.groupby(group, dropna=False)[summed].sum()
        whole = per.groupby(level=keys).sum() if by_month else per
    else:
        per = whole = pd.DataFrame(columns=summed, dtype="float64")
    at = levels[group].astype({"period": "str"} if by_month else {})
    month = per.reindex(pd.MultiIndex.from_frame(at)).fillna(0)
    every = whole.reindex(pd.MultiIndex.from_frame(out[keys])).fillna(0)
    by_amount = out["measure"].isin(list(WEIGHTED_MEASURES)).to_numpy()

    def counted(found: pd.DataFrame, side: str) -> np.ndarray:
        got = found[f"in_{side}"].to_numpy(dtype=float)
        if weighted:
            got = np.where(by_amount, found[f"adds_to_{side}"].to_numpy(dtype=float), got)
        return got

    ok = np.ones(len(out), dtype=bool)
    for side in ("numerator", "denominator"):
        out[f"evidence_{side}"] = counted(month, side)
        ok &= _same(out[side], out[f"evidence_{side}"])
    for side in ("numerator", "denominator") if len(scored) == 2 else ():
        out[f"evidence_scored_{side}"] = counted(every, side)
        ok &= _same(out[f"scored_{side}"], out[f"evidence_scored_{side}"])
    out["reconciles"] = ok
    return pd.concat([out, _on_figure(cards, records, group)], ignore_index=True)


def _on_figure(cards: pd.DataFrame, records: pd.DataFrame, group: list) -> pd.DataFrame:
    """:func:`reconcile`'s check of the scored median and count levels on their ``actual``,
    and, when the cards carry it, on their ``denominator``: the records the figure is
    computed from (the scorecard's "counted"), against the evidence rows ``in_denominator``."""
    from siamlib.levels_integrator import VALUE_MEASURES

    if "actual" not in cards.columns or "minutes" not in records.columns:
        return pd.DataFrame()
    levels = cards[cards["measure"].isin(list(VALUE_MEASURES)) & cards["actual"].notna()]
    if levels.empty:
        return pd.DataFrame()
    counted = ["denominator"] if "denominator" in levels.columns else []
    keep = ["supplier_id", "service_level", "measure", "actual", *counted]
    out = levels[keep].reset_index(drop=True)
    rows = records.groupby(group, dropna=False)
    at = levels[group].astype({"period": "str"} if "period" in group else {})
    found = pd.DataFrame(
        {
            "median": rows["minutes"].median() / 60,
            "count": rows["in_numerator"].sum(),
            "rows": rows["in_denominator"].sum(),
        }
    ).reindex(pd.MultiIndex.from_frame(at))
    kind = out["measure"].map(VALUE_MEASURES)
    median, count = found["median"].to_numpy(), found["count"].fillna(0).to_numpy()
    out["evidence_actual"] = np.where(kind.eq("median"), median, count)
    # a median over no rows is no figure: it cannot back one
    out["reconciles"] = _same(out["actual"], out["evidence_actual"]) & (
        out["evidence_actual"].notna() | kind.eq("count")
    )
    if counted:
        out["evidence_denominator"] = found["rows"].fillna(0).to_numpy(dtype=float)
        out["reconciles"] &= _same(out["denominator"], out["evidence_denominator"])
    return out


def reconciliation_summary(rec: pd.DataFrame) -> dict:
    """The manifest's record of :func:`reconcile`: levels checked, reconciled, mismatches.

    >>> rec = pd.DataFrame({"supplier_id": ["euc"], "service_level": ["R"], "numerator": [1.0],
    ...     "denominator": [2.0], "evidence_numerator": [1.0], "evidence_denominator": [3.0],
    ...     "reconciles": [False]})
    >>> reconciliation_summary(rec)["mismatches"]
    ['euc R: numerator 1 against 1 in the evidence, denominator 2 against 3']
    """
    raw = rec[~rec["reconciles"]]
    bad = raw.fillna(0)
    said = [[] for _ in range(len(bad))]
    if "evidence_actual" in rec.columns:  # a median or a count, checked on its figure
        valued = raw["evidence_actual"].notna() | raw["actual"].notna()
        off = valued & ~_same(raw["actual"], raw["evidence_actual"])
        for i in np.flatnonzero(off | (valued & raw["evidence_actual"].isna())):
            said[i].append(
                f"actual {raw['actual'].iloc[i]:.10g} against "
                f"{raw['evidence_actual'].iloc[i]:.10g} from the evidence"
            )
    checks = [("", "in the evidence"), ("scored_", "in the evidence of all its months")]
    for prefix, where in checks:
        num, den = f"{prefix}numerator", f"{prefix}denominator"
        if f"evidence_{num}" not in bad.columns:
            continue
        got_num, got_den = bad[f"evidence_{num}"], bad[f"evidence_{den}"]
        off = ~(_same(bad[num], got_num) & _same(bad[den], got_den))
        said_num, said_den = num.replace("_", " "), den.replace("_", " ")
        for i in np.flatnonzero(off):
            said[i].append(
                f"{said_num} {bad[num].iloc[i]:.10g} against {got_num.iloc[i]:.10g} {where}, "
                f"{said_den} {bad[den].iloc[i]:.10g} against {got_den.iloc[i]:.10g}"
            )
    return {
        "levels_checked": int(len(rec)),
        "levels_reconciled": int(rec["reconciles"].sum()),
        "mismatches": [
            f"{sid} {sl}: " + "; ".join(s)
            for sid, sl, s in zip(bad["supplier_id"], bad["service_level"], said, strict=True)
        ],
    }
