"""Level evidence: the records each service level of a scorecard counted, one row per record.

A scorecard line says "P3 resolution: 21 of 26 within target". The level evidence lists the
26 tickets, each with ``in_denominator`` (counted) and ``in_numerator`` (counted as met), so
the flags summed per level give back the scorecard's denominator and numerator exactly. The
flags come from the measure functions themselves (grouped per ticket), never from a second
copy of their rules, so the evidence cannot drift from the figure.

Count-based levels covered: response and resolution attainment (``LEVEL_MEASURES``, per
priority scope and overall), both counted by :func:`siamlib.measures.tower.sla_attainment`
with each supplier's own attainment denominator (a Jira-style contract also counts breached
tickets still open at the period end: ``in_denominator`` and not ``in_numerator``), with the
ticket's clock details (:func:`level_rows`, the breach evidence); and, in the compact
one-row-per-level-and-record layout of :func:`record_rows` (the ``levels`` evidence file),
also first-time fix, reopen rate (tickets) and change success and emergency change ratio
(changes), and the integrator's routing accuracy, ping-pong rate (estate-wide) and proactive
problem share.

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

from siamlib import schema
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
                if key != "priority" or not value.isdigit():
                    # The measure counts SLA attainment per priority only: a level in any
                    # other scope has no figure (grey, nothing counted), so no rows either.
                    continue
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


RECORD_MEASURES = frozenset(
    {
        *LEVEL_MEASURES,
        "reopen_rate",
        "first_time_fix",
        "change_success_rate",
        "emergency_change_ratio",
        "routing_accuracy",
        "ping_pong_rate",
        "proactive_problem_share",
    }
)
"""Measures whose levels list every record they count (:func:`record_rows`)."""


def reconcile(cards: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Each record-counted level of ``cards`` against the sums of its evidence rows.

    ``records`` is :func:`record_rows` of the same cards. One row per level of a
    :data:`RECORD_MEASURES` measure: the card's ``numerator``/``denominator`` (missing counts
    as 0), the evidence's ``in_numerator``/``in_denominator`` sums, and ``reconciles``.

    >>> cards = pd.DataFrame({"supplier_id": ["euc", "euc"], "service_level": ["R", "A"],
    ...     "measure": ["reopen_rate", "availability"], "numerator": [1.0, 9.0],
    ...     "denominator": [2.0, 10.0]})
    >>> records = pd.DataFrame({"supplier_id": "euc", "service_level": ["R", "R"],
    ...     "in_denominator": [True, True], "in_numerator": [True, False]})
    >>> reconcile(cards, records)[["service_level", "reconciles"]].values.tolist()
    [['R', True]]
    """
    keys = ["supplier_id", "service_level"]
    levels = cards[cards["measure"].isin(list(RECORD_MEASURES))]
    sums = (
        records.groupby(keys)[["in_denominator", "in_numerator"]].sum()
        if len(records)
        else pd.DataFrame(columns=["in_denominator", "in_numerator"])
    )
    out = levels[[*keys, "measure", "numerator", "denominator"]].reset_index(drop=True)
    found = sums.reindex(pd.MultiIndex.from_frame(out[keys])).fillna(0)
    out["evidence_numerator"] = found["in_numerator"].to_numpy(dtype=float)
    out["evidence_denominator"] = found["in_denominator"].to_numpy(dtype=float)
    out["reconciles"] = (out["numerator"].fillna(0).to_numpy() == out["evidence_numerator"]) & (
        out["denominator"].fillna(0).to_numpy() == out["evidence_denominator"]
    )
    return out


def reconciliation_summary(rec: pd.DataFrame) -> dict:
    """The manifest's record of :func:`reconcile`: levels checked, reconciled, mismatches.

    >>> rec = pd.DataFrame({"supplier_id": ["euc"], "service_level": ["R"], "numerator": [1.0],
    ...     "denominator": [2.0], "evidence_numerator": [1.0], "evidence_denominator": [3.0],
    ...     "reconciles": [False]})
    >>> reconciliation_summary(rec)["mismatches"]
    ['euc R: numerator 1 against 1 in the evidence, denominator 2 against 3']
    """
    bad = rec[~rec["reconciles"]]
    return {
        "levels_checked": int(len(rec)),
        "levels_reconciled": int(rec["reconciles"].sum()),
        "mismatches": [
            f"{r.supplier_id} {r.service_level}: numerator {r.numerator:g} against "
            f"{r.evidence_numerator:g} in the evidence, denominator {r.denominator:g} against "
            f"{r.evidence_denominator:g}"
            for r in bad.fillna(0).itertuples(index=False)
        ],
    }


RECORD_COLUMNS = [
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "record_kind",
    "record_id",
    "in_denominator",
    "in_numerator",
]


def _per_record(result: pd.DataFrame, id_col: str, kind: str, measure: str) -> pd.DataFrame:
    r = result[result["denominator"] > 0]
    return pd.DataFrame(
        {
            "supplier_id": r["supplier_id"].astype("str"),
            "measure": measure,
            "record_kind": kind,
            "record_id": r[id_col].astype("str"),
            "in_denominator": True,
            "in_numerator": r["numerator"].gt(0).to_numpy(),
        }
    )


def record_rows(
    clocks: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    cards: pd.DataFrame,
    params,
    period: str,
    *,
    sla: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per count-based level of ``cards`` and record it counted (``RECORD_COLUMNS``).

    ``clocks`` and ``tables["tickets"]`` must be without the agreed exclusions (the
    scorecard's inputs); ``ticket_events`` and ``changes`` are read from ``tables``. Each
    measure's own function is run grouped per record, with the arguments
    :func:`siamlib.measures.tower.measure_values` gives it, so per level
    ``in_denominator.sum()`` and ``in_numerator.sum()`` are the scorecard's denominator and
    numerator. ``sla`` is :func:`level_rows` of the same inputs when the caller has it.

    Examples
    --------
    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2"], "supplier_id": "euc",
    ...     "status": "closed", "reopen_count": [0, 1],
    ...     "resolved_at": pd.to_datetime(["2026-04-02T12:00Z", "2026-04-03T12:00Z"])})
    >>> card = pd.DataFrame({"supplier_id": ["euc"], "service_level": ["REOPEN"],
    ...     "measure": ["reopen_rate"], "scope": [""]})
    >>> rows = record_rows(tickets.iloc[:0], {"tickets": tickets}, card, load_params(),
    ...                    "2026-04")
    >>> rows[["record_id", "in_denominator", "in_numerator"]].values.tolist()
    [['T1', True, False], ['T2', True, True]]
    """
    tz = params.estate.timezone
    tickets = tables["tickets"]
    start, end = tower.period_bounds(period, tz)
    resolved = tickets[tickets["resolved_at"].ge(start) & tickets["resolved_at"].lt(end)]
    per_ticket = ["supplier_id", "ticket_id"]
    per_change = ["supplier_id", "change_id"]
    makers = {
        "reopen_rate": lambda: _per_record(
            tower.reopen_rate(resolved, [period], by=per_ticket, tz=tz),
            "ticket_id",
            "ticket",
            "reopen_rate",
        ),
        "first_time_fix": lambda: _per_record(
            tower.first_time_fix(
                resolved,
                # Its resolved tickets' events only (a tenth of the log): the same count.
                schema.of_tickets(tables["ticket_events"], resolved),
                [period],
                after="supplier_first_group",
                by=per_ticket,
                tz=tz,
            ),
            "ticket_id",
            "ticket",
            "first_time_fix",
        ),
        "change_success_rate": lambda: _per_record(
            tower.change_success(tables["changes"], [period], by=per_change, tz=tz),
            "change_id",
            "change",
            "change_success_rate",
        ),
        "emergency_change_ratio": lambda: _per_record(
            tower.emergency_change_ratio(tables["changes"], [period], by=per_change, tz=tz),
            "change_id",
            "change",
            "emergency_change_ratio",
        ),
    }
    makers.update(_integrator_makers(tables, params, period))
    if sla is None:
        sla = level_rows(clocks, cards, params, period)
    parts = [
        sla.assign(record_kind="ticket", record_id=sla["ticket_id"]).reindex(columns=RECORD_COLUMNS)
    ]
    for measure, make in makers.items():
        # These measures are emitted in the empty scope only; a level in another scope has
        # no figure, so it counts no record either.
        only = cards["measure"].eq(measure) & cards["scope"].eq("")
        mine = cards.loc[only, ["supplier_id", "service_level", "scope"]]
        if mine.empty or (measure == "first_time_fix" and "ticket_events" not in tables):
            continue
        parts.append(make().merge(mine, on="supplier_id")[RECORD_COLUMNS])
    out = pd.concat(parts, ignore_index=True).astype(
        {"in_denominator": "bool", "in_numerator": "bool"}
    )
    return out.sort_values(
        ["supplier_id", "service_level", "record_id"], kind="stable", ignore_index=True
    )


def _integrator_makers(tables: dict[str, pd.DataFrame], params, period: str) -> dict:
    """Per-record makers of the integrator's count-based levels (estate-wide, scope "")."""
    from siamlib.measures import integrator, problems

    tz, integ = params.estate.timezone, params.estate.integrator.id

    def frame(ids: pd.Series, kind: str, measure: str, met: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "supplier_id": integ,
                "measure": measure,
                "record_kind": kind,
                "record_id": ids.astype("str").to_numpy(),
                "in_denominator": True,
                "in_numerator": met.astype(bool).to_numpy(),
            }
        )

    def routing() -> pd.DataFrame:
        r = integrator.routing_accuracy(
            tables["ticket_events"], tables["tickets"], integ, period, tz=tz
        )
        r = r[r["routed_right"].notna()]
        return frame(r["ticket_id"], "ticket", "routing_accuracy", r["routed_right"])

    def ping_pong() -> pd.DataFrame:
        r = integrator.ping_pong(tables["ticket_events"], period, tickets=tables["tickets"], tz=tz)
        return frame(r["ticket_id"], "ticket", "ping_pong_rate", r["ping_pong"])

    def proactive() -> pd.DataFrame:
        p = tables["problems"]
        p = p[problems._opened_in(p["opened_at"], period, tz)]
        return frame(
            p["problem_id"], "problem", "proactive_problem_share", p["origin"].eq("proactive")
        )

    return {
        "routing_accuracy": routing,
        "ping_pong_rate": ping_pong,
        "proactive_problem_share": proactive,
    }
