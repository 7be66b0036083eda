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

Weighted levels (:data:`WEIGHTED_MEASURES`: availability, satisfaction, the integrator's
handoffs, 360 collaboration score and aged-ticket reduction) count minutes, scores, moves or
+1/-1, not 0/1: their rows (:func:`weighted_rows`, in the same file) carry
``adds_to_numerator`` and ``adds_to_denominator``, whose sums per level are the scorecard's
numerator and denominator (every row has them: a count row adds its flags as 1 or 0). So every
such figure is ``SUM(adds_to_numerator) / SUM(adds_to_denominator)`` over its level's rows in a
spreadsheet, and :func:`reconcile` checks it for the pack's manifest. The integrator's dispatch
time (a median of its rows' ``minutes``, in hours) and improvements delivered (a count of its
rows) are checked on their figure (:data:`VALUE_MEASURES`); the integrator's makers live in
:mod:`siamlib.levels_integrator`.

Every row says the ``period`` it counted in. With ``windows=True`` a small-sample level scored
on a rolling window (:mod:`siamlib.samples`) also lists the records of the window's earlier
months, built by these same functions month by month (:mod:`siamlib.levels_window`), so its
rows sum to the card's ``scored_numerator``/``scored_denominator``, the figure's counts, and
its rows of the month to the month's ``numerator``/``denominator``.

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

import numpy as np
import pandas as pd

from siamlib import levels_integrator, levels_window, schema
from siamlib.levels_integrator import VALUE_MEASURES  # noqa: F401 (re-exported)
from siamlib.levels_window import reconcile, reconciliation_summary  # noqa: F401 (re-exported)
from siamlib.measures import tower
from siamlib.measures.registry_integrator import _table  # a table, or empty if absent

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
    "period",
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


def level_rows(
    clocks: pd.DataFrame,
    cards: pd.DataFrame,
    params,
    period: str,
    *,
    windows: bool = False,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
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
    windows : bool
        Also list the records of the earlier months of the rolling window of each level
        scored on one (``scored_on``; :func:`siamlib.levels_window.window_parts`), less the
        months ``notes`` (:func:`siamlib.completeness.coverage_notes`) blank.

    Returns
    -------
    DataFrame
        ``LEVEL_COLUMNS``: one row per (level, month, ticket counted); ``target_h``,
        ``elapsed_h`` and ``breached`` are those of the level's clock. Per level, the
        ``in_denominator`` and ``in_numerator`` sums of the rows of ``period`` are the
        scorecard's denominator and numerator, of all its rows its scored ones.
    """
    levels = cards[cards["measure"].isin(list(LEVEL_MEASURES))]
    rolled = levels_window.rolled(levels) if windows else levels.iloc[:0]
    if len(rolled):  # the window's earlier months first, the month's rows last
        window = levels_window.window_clocks(clocks, rolled)
        month = level_rows(clocks, levels, params, period)
        parts = levels_window.window_parts(
            rolled, params, period, lambda lv, m: level_rows(window, lv, params, m), notes=notes
        )
        return _sorted(pd.concat([*parts, month], ignore_index=True), "ticket_id")
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
    out = pd.concat(parts, ignore_index=True).assign(period=period)[LEVEL_COLUMNS]
    return _sorted(out, "ticket_id")


def _sorted(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per supplier and level, its months in order, each month's records by ``key``."""
    by = ["supplier_id", "service_level", "period", key]
    return rows.sort_values(by, kind="stable", ignore_index=True)


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

WEIGHTED_MEASURES = frozenset(
    {
        "availability",
        "satisfaction",
        "cross_supplier_handoffs",
        "collaboration_score",
        "aged_ticket_reduction",
    }
)
"""Measures whose levels list their records with what each adds to the level's numerator
and denominator (minutes, scores, handoffs), not a 0/1 count (:func:`weighted_rows`)."""


RECORD_COLUMNS = ["supplier_id", "service_level", "measure", "scope", "period"]
RECORD_COLUMNS += ["record_kind", "record_id"]
RECORD_COLUMNS += ["in_denominator", "in_numerator", "adds_to_numerator", "adds_to_denominator"]
RECORD_COLUMNS += ["service", "start_at", "end_at", "minutes", "score", "reason"]
"""The ``levels`` evidence: what each row adds to its level's numerator and denominator (as
flags and as amounts) and, for weighted levels, the details and ``reason`` behind them."""


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
    windows: bool = False,
    notes: pd.DataFrame | None = None,
    aged: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per record-listed level of ``cards`` and record it counted (``RECORD_COLUMNS``).

    ``clocks`` and ``tables["tickets"]`` must be without the agreed exclusions (the
    scorecard's inputs); ``ticket_events`` and ``changes`` are read from ``tables``. Each
    measure's own function is run grouped per record, with the arguments
    :func:`siamlib.measures.tower.measure_values` gives it, so per level
    ``in_denominator.sum()`` and ``in_numerator.sum()`` are the scorecard's denominator and
    numerator. ``sla`` is :func:`level_rows` of the same inputs when the caller has it. The
    weighted levels' rows (:func:`weighted_rows`; ``outages`` and ``surveys`` read from
    ``tables`` too) follow, each level's rows together. ``windows`` and ``notes`` as in
    :func:`level_rows`: a level scored on a rolling window also lists its earlier months'
    records (this function run on each), so all its rows add up to the scored counts.
    ``aged``: the tickets aged at the period's start and end, when the caller has them
    (:func:`siamlib.levels_integrator.aged_rows`).

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
    makers.update(levels_integrator.count_makers(tables, params, period))
    if sla is None:
        sla = level_rows(clocks, cards, params, period, windows=windows, notes=notes)
    parts = [sla.assign(record_kind="ticket", record_id=sla["ticket_id"])]
    for measure, make in makers.items():
        # These measures are emitted in the empty scope only; a level in another scope has
        # no figure, so it counts no record either.
        only = cards["measure"].eq(measure) & cards["scope"].eq("")
        mine = cards.loc[only, ["supplier_id", "service_level", "scope"]]
        if mine.empty or (measure == "first_time_fix" and "ticket_events" not in tables):
            continue
        parts.append(make().merge(mine, on="supplier_id"))
    counted = _typed(pd.concat([_typed(p) for p in parts], ignore_index=True))
    counted["period"] = counted["period"].fillna(period)  # the SLA rows say theirs
    counted = _sorted(counted, "record_id")
    # A counted record adds 1 to the denominator, a met one 1 to the numerator.
    counted["adds_to_numerator"] = counted["in_numerator"].astype("float64")
    counted["adds_to_denominator"] = counted["in_denominator"].astype("float64")
    weighted = weighted_rows(tables, cards, params, period, resolved=resolved, aged=aged)
    out = [counted, weighted.assign(period=period)] if len(weighted) else [counted]
    if windows:  # the other measures' levels scored on a rolling window: its earlier months
        others = cards[~cards["measure"].isin(list(LEVEL_MEASURES))]
        out += levels_window.window_parts(
            others,
            params,
            period,
            lambda lv, m: record_rows(clocks, tables, lv, params, m),
            notes=notes,
        )
    out = pd.concat(out, ignore_index=True) if len(out) > 1 else out[0]
    return out.sort_values(
        ["supplier_id", "service_level", "period"], kind="stable", ignore_index=True
    )


_TYPES = {"in_denominator": "bool", "in_numerator": "bool", "minutes": "float64"}
_TYPES |= {"adds_to_numerator": "float64", "adds_to_denominator": "float64", "score": "float64"}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the ``RECORD_COLUMNS`` layout: missing columns empty, one dtype each."""
    out = frame.reindex(columns=RECORD_COLUMNS)
    for c in ("start_at", "end_at"):
        out[c] = pd.to_datetime(out[c], utc=True).astype(schema.TIMESTAMP_DTYPE)
    for c in ("service", "reason", "scope", "period", "record_id", "record_kind", "measure"):
        out[c] = out[c].astype("object")
    return out.astype(_TYPES)


# ------------------------------------------------------------- weighted levels ----
def _over_levels(rows: pd.DataFrame, levels: pd.DataFrame, scoped: str = "") -> pd.DataFrame:
    """``rows`` (per ``supplier_id``) under each level of ``levels``: scope ``""`` takes the
    supplier's rows, ``<scoped>=<value>`` those whose ``scoped`` column holds the value, and
    ``suppliers=all`` (when ``scoped`` is ``suppliers``) every row; a level in any other
    scope has no figure, so it lists nothing."""
    parts = []
    for level in levels.itertuples(index=False):
        mine = rows[rows["supplier_id"] == level.supplier_id]
        if level.scope:
            key, _, value = level.scope.partition("=")
            if not scoped or key != scoped:
                continue
            wide = level.scope == "suppliers=all"
            mine = rows.assign(supplier_id=level.supplier_id) if wide else mine[mine[key] == value]
        parts.append(
            mine.assign(service_level=level.service_level, measure=level.measure, scope=level.scope)
        )
    return pd.concat(parts, ignore_index=True) if parts else rows.iloc[:0]


def weighted_rows(
    tables: dict[str, pd.DataFrame],
    cards: pd.DataFrame,
    params,
    period: str,
    *,
    resolved: pd.DataFrame | None = None,
    aged: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The records behind each :data:`WEIGHTED_MEASURES` level of ``cards`` (``RECORD_COLUMNS``),
    then those of each :data:`VALUE_MEASURES` level.

    Per level, ``adds_to_numerator.sum()`` and ``adds_to_denominator.sum()`` are the
    scorecard's numerator and denominator, so the figure is their ratio (x 100 for a
    percentage); ``in_numerator``/``in_denominator`` say whether a row adds anything to them.
    The amounts come from the measures' own functions, run per record:

    - ``availability``: a ``service`` row per service of the supplier with its agreed service
      ``minutes`` in the period (added to both), then an ``outage`` row per outage overlapping
      the period, in start order, whose ``minutes`` (taken from the numerator) are the
      downtime it adds to its service's: inside the period's agreed time, outside planned
      windows, less what an earlier-starting outage already counted (``reason`` breaks them
      down); a planned window adds nothing.
    - ``satisfaction``: every satisfaction ``survey`` response of the period and every closure
      score of a ``ticket`` resolved in it: ``score`` and 1 when counted.
    - the integrator's ``cross_supplier_handoffs`` (per ticket resolved in the period: its
      handoffs off the designed routes, and 1) and ``collaboration_score`` (per 360
      ``rating``: its score and 1), and ``aged_ticket_reduction`` (per ticket aged at the
      period's start, 1 and 1; at its end, -1 and 0).
    - ``dispatch_time`` (a median) and ``improvement_delivery`` (a count): per ticket held by
      the integrator, its dispatch ``minutes``; per improvement delivered, 1
      (:mod:`siamlib.levels_integrator`).

    ``tables`` are the scorecard's inputs (tickets without the agreed exclusions);
    ``resolved`` the tickets resolved in ``period`` when the caller has cut them; ``aged`` as
    in :func:`record_rows`.
    """
    tz = params.estate.timezone
    start, end = tower.period_bounds(period, tz)
    if resolved is None and "tickets" in tables:
        t = tables["tickets"]
        resolved = t[t["resolved_at"].ge(start) & t["resolved_at"].lt(end)]
    li = levels_integrator
    makers = {
        "availability": (lambda lv: _availability_rows(tables, lv, params, period), "service"),
        "satisfaction": (lambda lv: _satisfaction_rows(tables, lv, resolved, period, tz), ""),
        "collaboration_score": (lambda lv: li.rating_rows(tables, lv, period), "suppliers"),
    }
    # The integrator's estate-wide levels, and the tables each needs.
    wide = {"tickets", "ticket_events"}
    estate = {
        "cross_supplier_handoffs": (lambda lv: li.handoff_rows(tables, params, period), wide),
        "aged_ticket_reduction": (lambda lv: li.aged_rows(tables, params, period, aged), set()),
        "dispatch_time": (lambda lv: li.dispatch_rows(tables, params, period), wide),
        "improvement_delivery": (lambda lv: li.delivery_rows(tables, params, period), set()),
    }
    makers |= {m: (make, "") for m, (make, _) in estate.items()}
    # A grey level (its source table absent...) was never scored: it lists nothing. A median
    # or a count has no denominator: its figure says whether it was scored.
    value = cards["measure"].isin(list(VALUE_MEASURES))
    value &= cards["actual"].notna() if "actual" in cards.columns else True
    if "denominator" in cards.columns:
        cards = cards[cards["denominator"].notna() | value]
    parts = []
    for measure, (make, scoped) in makers.items():
        levels = cards[cards["measure"].eq(measure)]
        if measure in estate:  # estate-wide, on the integrator only
            levels = levels[levels["supplier_id"].eq(params.estate.integrator.id)]
            if not estate[measure][1] <= set(tables):
                continue
        if not levels.empty:
            parts.append(_typed(_over_levels(make(levels), levels, scoped)))
    return pd.concat(parts, ignore_index=True) if parts else _typed(pd.DataFrame())


def _availability_rows(tables, levels: pd.DataFrame, params, period: str) -> pd.DataFrame:
    from siamlib.measures._base import _flag
    from siamlib.measures.availability import availability

    tz = params.estate.timezone
    start, end = tower.period_bounds(period, tz)
    every = _table(tables, "outages")
    every = every[every["supplier_id"].isin(set(levels["supplier_id"]))]
    # All of their outages: each one's service is in the measure's grid (agreed time).
    totals = availability(every, period, params, tz=tz)
    totals = totals[totals["supplier_id"].isin(set(levels["supplier_id"]))]
    o = every[every["start_at"].lt(end) & ~every["end_at"].le(start)]
    o = o.assign(planned=_flag(o["planned"]).to_numpy())
    o = o.sort_values(["supplier_id", "service", "start_at", "end_at", "outage_id"], kind="stable")
    o = o.reset_index(drop=True)
    # Each unplanned outage i through the measure itself, as a service of its own: the
    # downtime of its service's planned windows and outages started up to it ("upto": less
    # the previous outage's, what i adds), of i alone ("alone") and i beside the windows
    # ("free"); one call for all of them.
    planned = o["planned"].to_numpy()
    pos: list[int] = []
    keys: list[str] = []
    previous = np.full(len(o), -1)
    for idx in o.groupby(["supplier_id", "service"], sort=False).indices.values():
        windows, down = [i for i in idx if planned[i]], [i for i in idx if not planned[i]]
        for k, i in enumerate(down):
            previous[i] = down[k - 1] if k else -1
            for tag, members in (("upto", windows + down[: k + 1]), ("alone", [i])):
                pos.extend(members)
                keys.extend([f"\x1f{tag} {i}"] * len(members))
            pos.extend([*windows, i])
            keys.extend([f"\x1ffree {i}"] * (len(windows) + 1))
    got = availability(o.iloc[pos].assign(service=keys), period, params, tz=tz)
    got = got.set_index("service")["unplanned_minutes"]
    upto, alone, free = (
        got.reindex([f"\x1f{tag} {i}" for i in range(len(o))]).to_numpy()
        for tag in ("upto", "alone", "free")
    )
    before = np.where(previous >= 0, upto[previous], 0.0)
    minutes = np.where(planned, 0.0, upto - before)
    outages = pd.DataFrame(
        {
            "supplier_id": o["supplier_id"].to_numpy(),
            "record_kind": "outage",
            "record_id": o["outage_id"].astype("str").to_numpy(),
            "in_denominator": False,
            "in_numerator": minutes > 0,
            "adds_to_numerator": 0.0 - minutes,  # no "-0.0" for a planned window
            "adds_to_denominator": 0.0,
            "service": o["service"].to_numpy(),
            "start_at": o["start_at"].to_numpy(),
            "end_at": o["end_at"].to_numpy(),
            "minutes": minutes,
            "reason": [
                _outage_reason(*r, period)
                for r in zip(planned, alone, free, minutes, o["end_at"].isna(), strict=True)
            ],
        }
    )
    agreed, down = totals["agreed_minutes"].to_numpy(), totals["unplanned_minutes"].to_numpy()
    services = pd.DataFrame(
        {
            "supplier_id": totals["supplier_id"].to_numpy(),
            "record_kind": "service",
            "record_id": totals["service"].to_numpy(),
            "in_denominator": True,
            "in_numerator": True,
            "adds_to_numerator": agreed,
            "adds_to_denominator": agreed,
            "service": totals["service"].to_numpy(),
            "minutes": agreed,
            "reason": [
                f"agreed service time in {period}: {a:,.2f} min; unplanned downtime {d:,.2f} "
                f"min (its outage rows); available {a - d:,.2f} min"
                for a, d in zip(agreed, down, strict=True)
            ],
        }
    )
    both = pd.concat([_typed(services), _typed(outages)], ignore_index=True)
    return both.sort_values(["supplier_id", "service"], kind="stable", ignore_index=True)


def _outage_reason(planned, alone, free, minutes, running, period) -> str:
    if planned:
        return "planned window: not counted, nor unplanned downtime inside it"
    if not alone > 0:
        return f"no agreed service time inside {period}: not counted"
    said = [f"{alone:,.2f} min of agreed service time in {period}"]
    said[0] += " (still running: to the period end)" * bool(running)
    if alone - free > 1e-9:
        said.append(f"{alone - free:,.2f} inside a planned window")
    if free - minutes > 1e-9:
        said.append(f"{free - minutes:,.2f} already counted for an earlier outage")
    return "; ".join([*said, f"{minutes:,.2f} counted"])


def _satisfaction_rows(tables, levels, resolved, period: str, tz: str) -> pd.DataFrame:
    """Satisfaction responses, each through the measure grouped by response (or ticket)."""
    from siamlib.measures.satisfaction import satisfaction

    sups = set(levels["supplier_id"])
    sv = _table(tables, "surveys")
    sv = sv[sv["supplier_id"].isin(sups) & sv["period"].eq(period)]
    sv = sv[sv["survey_type"].eq("satisfaction")].rename(columns={"response_id": "record_id"})
    by = ["supplier_id", "record_id"]
    got = [sv[[*by, "score"]].merge(satisfaction(sv, None, period, by=by, tz=tz), how="left")]
    kinds, why = ["survey"] * len(got[0]), ["no score"] * len(got[0])
    if resolved is not None and "satisfaction" in resolved.columns:
        t = resolved[resolved["supplier_id"].isin(sups)].rename(columns={"ticket_id": "record_id"})
        t = t[pd.to_numeric(t["satisfaction"]).notna()]
        t = t.assign(score=pd.to_numeric(t["satisfaction"]).astype("float64"))
        none = sv.iloc[:0]  # the tickets' closure scores only
        got.append(t[[*by, "score"]].merge(satisfaction(none, t, period, by=by, tz=tz), how="left"))
        kinds += ["ticket"] * len(t)
        why += [f"ticket {status}" for status in t["status"]]
    got = pd.concat(got, ignore_index=True)
    counted = got["denominator"].fillna(0).gt(0).to_numpy()
    said = np.where(
        np.array(kinds) == "survey",
        f"satisfaction survey response for {period}",
        f"closure survey of a ticket resolved in {period}",
    )
    return pd.DataFrame(
        {
            "supplier_id": got["supplier_id"].to_numpy(),
            "record_kind": kinds,
            "record_id": got["record_id"].astype("str").to_numpy(),
            "in_denominator": counted,
            "in_numerator": got["numerator"].fillna(0).ne(0).to_numpy(),
            "adds_to_numerator": got["numerator"].fillna(0.0).to_numpy(),
            "adds_to_denominator": got["denominator"].fillna(0.0).to_numpy(),
            "score": got["score"].astype("float64").to_numpy(),
            "reason": np.where(counted, said, [f"{w}: left out" for w in why]),
        }
    )
