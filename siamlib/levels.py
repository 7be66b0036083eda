"""Level evidence: the records each service level of a scorecard counted, one row per record.

A scorecard line says "P3 resolution: 21 of 26 within target". The level evidence lists the
26 tickets, each with ``in_denominator`` (counted) and ``in_numerator`` (counted as met), so
the flags summed per level give back the scorecard's denominator and numerator exactly. The
flags come from the measure functions themselves (grouped per ticket), never from a second
copy of their rules, so the evidence cannot drift from the figure.

Count-based levels covered (``LEVEL_MEASURES``): response and resolution attainment (per
priority scope and overall), both counted by :func:`siamlib.measures.tower.sla_attainment`
with each supplier's own attainment denominator (a Jira-style contract also counts breached
tickets still open at the period end: ``in_denominator`` and not ``in_numerator``).

Examples
--------
>>> import pandas as pd
>>> from siamlib.params import load_params
>>> clocks = pd.DataFrame({
...     "ticket_id": ["T1", "T2", "T3"], "supplier_id": "euc", "priority": [3, 3, 4],
...     "service": "laptops", "opened_at": pd.to_datetime(["2026-04-01 09:00Z"] * 3),
...     "first_response_at": pd.to_datetime(["2026-04-01 09:05Z"] * 3),
...     "resolved_at": pd.to_datetime(["2026-04-01 10:00Z", "2026-04-09 10:00Z", None]),
...     "status": ["closed", "resolved", "in_progress"],
...     "response_target_h": 2.0, "response_breached": False,
...     "resolution_target_h": 24.0, "resolution_breached": [False, True, False]})
>>> card = pd.DataFrame({"supplier_id": "euc", "service_level": ["P3-RES"],
...     "measure": ["sla_resolution_attainment"], "scope": ["priority=3"]})
>>> rows = level_rows(clocks, card, load_params(), "2026-04")
>>> rows[["service_level", "ticket_id", "in_denominator", "in_numerator"]].values.tolist()
[['P3-RES', 'T1', True, True], ['P3-RES', 'T2', True, False]]
"""

from __future__ import annotations

import pandas as pd

from siamlib.measures import tower

LEVEL_MEASURES = {
    "sla_resolution_attainment": "resolution",
    "sla_response_attainment": "response",
}
"""Count-based measures with level evidence, and the clock each one counts."""

LEVEL_COLUMNS = [
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "ticket_id",
    "priority",
    "service",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "status",
    "target_h",
    "elapsed_h",
    "breached",
    "in_denominator",
    "in_numerator",
]

_DETAIL = ["ticket_id", "priority", "service", "opened_at", "first_response_at", "resolved_at"]
_DETAIL += ["status"]


def _candidates(clocks: pd.DataFrame, period: str, tz: str) -> pd.DataFrame:
    """Clock rows that can count in ``period``: the others completed both clocks before it
    started or were opened after it ended (cuts the per-ticket grouping to one month)."""
    start, end = tower.period_bounds(period, tz)
    done = clocks["status"].isin(tower.RESOLVED_STATUSES) & clocks["resolved_at"].lt(start)
    responded = clocks["first_response_at"].lt(start) | clocks["first_response_at"].isna()
    return clocks[~(done & responded) & clocks["opened_at"].lt(end)]


def _ticket_flags(clocks: pd.DataFrame, params, period: str, clock: str) -> pd.DataFrame:
    """Per ticket of ``clocks``: counted and met on ``clock`` in ``period``, as the measure
    counts them (the measure's own function, grouped by ticket)."""
    r = tower.sla_attainment(
        clocks,
        [period],
        clock=clock,
        params=params,
        by=["supplier_id", "priority", "ticket_id"],
    )
    r = r[r["denominator"] > 0]
    return pd.DataFrame(
        {
            "supplier_id": r["supplier_id"].astype("str"),
            "ticket_id": r["ticket_id"].astype("str"),
            "in_denominator": True,
            "in_numerator": r["numerator"].gt(0).to_numpy(),
        }
    )


def level_rows(clocks: pd.DataFrame, cards: pd.DataFrame, params, period: str) -> pd.DataFrame:
    """Every record counted by each count-based level of ``cards``, with its flags.

    Parameters
    ----------
    clocks : DataFrame
        Per-ticket clocks with the agreed exclusions already removed (the scorecard's input).
    cards : DataFrame
        Scorecard rows (``supplier_id``, ``service_level``, ``measure``, ``scope``) of any
        number of suppliers; levels of other measures are skipped.
    params : siamlib.params.Params
        Contracts (attainment denominator) and estate time zone.
    period : str
        ``YYYY-MM``.

    Returns
    -------
    DataFrame
        ``LEVEL_COLUMNS``: one row per (level, ticket counted); ``target_h``, ``elapsed_h``
        and ``breached`` are those of the level's clock. Per level,
        ``in_denominator.sum()`` is the scorecard's denominator and ``in_numerator.sum()``
        its numerator.
    """
    levels = cards[cards["measure"].isin(list(LEVEL_MEASURES))]
    tz = params.estate.timezone
    pool = _candidates(clocks, period, tz) if len(levels) else clocks.iloc[:0]
    parts = []
    for measure, clock in LEVEL_MEASURES.items():
        mine = levels[levels["measure"] == measure]
        if mine.empty:
            continue
        flags = _ticket_flags(pool, params, period, clock)
        # The breach verdict the measure reads (ever_breached under reopen: restart).
        verdict = f"{clock}_breached"
        if clock == "resolution" and "ever_breached" in pool.columns:
            verdict = "ever_breached"
        names = {f"{clock}_target_h": "target_h", f"{clock}_h": "elapsed_h", verdict: "breached"}
        detail = pool.reindex(columns=[*_DETAIL, *names]).rename(columns=names)
        counted = flags.merge(detail.astype({"ticket_id": "str"}), on="ticket_id", how="left")
        for level in mine.itertuples(index=False):
            rows = counted[counted["supplier_id"] == level.supplier_id]
            if level.scope:
                key, _, value = level.scope.partition("=")
                if key != "priority":
                    raise ValueError(
                        f"params/contracts/{level.supplier_id}.yaml: level "
                        f"{level.service_level} has scope {level.scope!r}, which the level "
                        "evidence cannot count per ticket; give it a priority=N scope or none"
                    )
                rows = rows[rows["priority"].astype("Int64") == int(value)]
            parts.append(
                rows.assign(service_level=level.service_level, measure=measure, scope=level.scope)
            )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LEVEL_COLUMNS})
    out = pd.concat(parts, ignore_index=True)[LEVEL_COLUMNS]
    return out.sort_values(
        ["supplier_id", "service_level", "ticket_id"], kind="stable", ignore_index=True
    )
