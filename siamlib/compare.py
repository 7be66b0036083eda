"""Contract what-if: replay months under the current params and a draft, side by side.

A commercial team asks "had this draft contract applied over the last year, who would have
been red and what would each supplier have paid?". :func:`replay` answers it from one
computation of the data (:func:`siamlib.workbook.compute_period` at the last month, whose
measure values already cover the 12 months before it, as the reports' trends do):

1. the measure values of the months are computed once, under the current params;
2. :func:`change_scope` compares the relevant params sections of the draft with the current
   ones: a draft that changes only levels, weights, charges or credit rules (``"scoring"``)
   is re-scored from the same values (:func:`rescore`, no clock or measure recomputation);
   a draft that changes exclusions, disputes or adds a measure/scope (``"measures"``) or
   calendars, SLA targets, pause/clock rules or the estate (``"clocks"``) is computed again
   from the already loaded tables (clocks and measures, not the load);
3. :func:`compare` lines both up: per supplier and month the RAG of each level, the weighted
   score and the net credits, with differences and totals.

Everything here is pure (frames and params in, frames out); ``siam compare`` writes the CSV
and HTML through :mod:`siamlib.compare_report`.

Examples
--------
>>> import pandas as pd
>>> from siamlib.params import load_params
>>> p = load_params()
>>> change_scope(p, p)
'none'
>>> values = pd.DataFrame({"supplier_id": ["hosting"], "period": ["2026-06"],
...     "measure": ["sla_resolution_attainment"], "scope": ["priority=1"],
...     "value": [0.88], "numerator": [88.0], "denominator": [100.0]})
>>> s = rescore(values, p, "2026-06", 1)
>>> s.summary.loc[s.summary["supplier_id"] == "hosting", "credits"].tolist()  # 30% x 28,800
[8640.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from siamlib import periods
from siamlib.compute_cache import CLOCK_KEYS
from siamlib.measures import scope_key
from siamlib.params import Params

MAX_MONTHS = 12
"""Months one replay covers: the values of one computation reach 12 months back (the trend
window), and the month before the first is kept as earn-back history."""

SCOPES = ("none", "scoring", "measures", "clocks")
"""What a draft changes, least to most work: nothing; only scoring (levels, weights, charge,
at-risk %, credit regime); measure values (exclusions, upheld disputes, a new measure or
scope); clocks (calendars, SLA targets, clock/pause rules, the estate's suppliers, groups,
time zone or aged-ticket threshold)."""

LEVEL_COLUMNS = [
    "supplier_id",
    "period",
    "service_level",
    "measure",
    "scope",
    "name",
    "unit",
    "actual",
    "expected",
    "minimum",
    "weight",
    "rag",
    "points",
]
SUMMARY_COLUMNS = ["supplier_id", "period", "weighted_score", "credits", "green", "amber", "red"]

# The maintenance window decides which planned outages the gate blocks (OUT-030), never a
# figure: the replay runs no gate, so a draft changing it alone changes nothing here.
_NO_FIGURE_KEYS = ("recipients", "maintenance_window")
# Every other contract key is scoring at least: a key added to the contract later (as
# small_samples was) is re-scored, never silently taken to change nothing.


@dataclass
class Scored:
    """One params' view of the months: level rows and per supplier/month summary."""

    levels: pd.DataFrame  # LEVEL_COLUMNS
    summary: pd.DataFrame  # SUMMARY_COLUMNS
    ledgers: pd.DataFrame  # the credit ledger lines of the months (siamlib.credits)


@dataclass
class Comparison:
    """Both params' results lined up (see :func:`compare`)."""

    period: str
    months: list[str]
    scope: str  # one of SCOPES: what the draft changed
    levels: pd.DataFrame
    summary: pd.DataFrame
    totals: pd.DataFrame
    currency: str = "GBP"


# --------------------------------------------------------------------------- what changed
def _level_keys(params: Params) -> set[tuple[str, str, str]]:
    return {
        (c.supplier_id, sl.measure, scope_key(sl.scope))
        for c in params.contracts.values()
        for sl in c.service_levels
    }


def change_scope(current: Params, draft: Params) -> str:
    """What ``draft`` changes compared with ``current`` (one of :data:`SCOPES`).

    Sections that feed the clocks (contract ``calendars``, ``clock``, ``sla_targets`` and the
    estate) win over those that feed the measure values (exclusions, with upheld disputes,
    and any level measuring a measure/scope the current params never compute), which win
    over those used only when scoring (every other contract key: ``monthly_charge``,
    ``at_risk_pct``, ``service_levels``, ``credit_regime``, ``small_samples``...). RACI,
    delivery, recipients and the maintenance window (the gate's OUT-030) change no figure.

    >>> from siamlib.params import load_params
    >>> p = load_params()
    >>> c = p.contracts["hosting"]
    >>> sl = c.service_levels[0].model_copy(update={"minimum": 10.0})
    >>> cheaper = c.model_copy(update={"service_levels": [sl, *c.service_levels[1:]]})
    >>> change_scope(p, p.model_copy(update={"contracts": {**p.contracts, "hosting": cheaper}}))
    'scoring'
    >>> slow = c.model_copy(update={"clock": c.clock.model_copy(update={"reopen": "restart"})})
    >>> change_scope(p, p.model_copy(update={"contracts": {**p.contracts, "hosting": slow}}))
    'clocks'
    """
    if current.estate != draft.estate or set(current.contracts) != set(draft.contracts):
        return "clocks"
    pairs = [(current.contracts[k], draft.contracts[k]) for k in current.contracts]
    if any(getattr(a, key) != getattr(b, key) for a, b in pairs for key in CLOCK_KEYS):
        return "clocks"
    if current.exclusions != draft.exclusions or not _level_keys(draft) <= _level_keys(current):
        return "measures"

    def scored(contract) -> dict:
        return contract.model_dump(exclude=set(_NO_FIGURE_KEYS))

    if any(scored(a) != scored(b) for a, b in pairs):
        return "scoring"
    return "none"


# --------------------------------------------------------------------------- scoring
def month_window(period: str, months: int) -> list[str]:
    """The ``months`` reporting months ending at ``period``, oldest first.

    >>> month_window("2026-10", 3)
    ['2026-08', '2026-09', '2026-10']
    """
    periods.check_period(period)
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"--months {months}: must be between 1 and {MAX_MONTHS}")
    return periods.previous_periods(period, months)


def rescore(
    values: pd.DataFrame,
    params: Params,
    period: str,
    months: int,
    *,
    notes: pd.DataFrame | None = None,
    work=None,
    memo: dict | None = None,
) -> Scored:
    """Score ``months`` months up to ``period`` from measure values (no clock work).

    Each month is scored against the levels in force on its first day
    (:func:`siamlib.scorecard.trend`) and its ledger is
    :func:`siamlib.credits.service_credits` with the earlier months (one more than shown) as
    earn-back history: the same functions the monthly run uses. With ``work`` (the
    :class:`siamlib.workbook.Work` the values came from) one cause, one credit applies in
    every month and earn-back source as in the monthly run, so the current params' figures
    of the last month are the pack's; without it (values only) every missed level's credit
    stands. ``memo``: a dict kept across re-scorings of the same ``work`` (the causes'
    links and level evidence are worked out once).
    """
    from siamlib import credits, scorecard

    shown = month_window(period, months)
    by_supplier = dict(tuple(values.groupby("supplier_id", sort=False)))
    # One pass scores every month of a supplier (scorecard.trend).
    histories = {
        s.id: scorecard.trend(
            by_supplier.get(s.id, values.iloc[:0]),
            params,
            s.id,
            period,
            months=months + 1,
            notes=notes,
        )
        for s in params.estate.suppliers
    }
    month_causes = {} if work is None else _month_causes(work, histories, params, shown, memo)
    level_parts, summary_rows, ledger_parts = [], [], []
    for s in params.estate.suppliers:
        history = histories[s.id]
        # Each month's ledger reads the same stack as its earn-back history;
        # credits.month_ledgers computes each month's credit lines once and skips months
        # that cannot owe anything.
        ledgers = credits.month_ledgers(
            history,
            params.contract(s.id),
            shown,
            currency=params.estate.currency,
            causes={m: tables[s.id] for m, tables in month_causes.items()},
        )
        cards = dict(tuple(history.groupby("period", sort=False)))
        level_parts.append(history.loc[history["period"].isin(shown), LEVEL_COLUMNS])
        for month in shown:
            card = cards.get(month, history.iloc[:0])
            ledger = ledgers[month]
            ledger_parts.append(ledger)
            counts = scorecard.rag_counts(card)
            summary_rows.append(
                {
                    "supplier_id": s.id,
                    "period": month,
                    "weighted_score": scorecard.weighted_score(card),
                    "credits": round(float(ledger["amount"].sum()), 2),
                    "green": counts["green"],
                    "amber": counts["amber"],
                    "red": counts["red"],
                }
            )
    ledgers = [x for x in ledger_parts if not x.empty]
    return Scored(
        levels=pd.concat(level_parts, ignore_index=True),
        summary=pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS),
        ledgers=pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame(),
    )


def _month_causes(
    work, histories: dict, params: Params, shown: list[str], memo: dict | None = None
) -> dict:
    """Causes tables (``{month: {supplier: causes}}``) where a waiver can happen.

    One cause, one credit needs two or more levels that may owe a credit, so only those
    suppliers' cards, in the shown months and their earn-back sources, are linked to causes;
    every other supplier and month gets no causes table, which gives the same ledger.
    """
    from siamlib import causes, credits

    wanted = set(shown) | {
        credits.earn_back_source(m, params.contract(sid)) for m in shown for sid in histories
    }
    wanted.discard(None)
    need: dict[str, set[str]] = {}
    for sid, history in histories.items():
        contract = params.contract(sid)
        rows = history[history["period"].isin(wanted) & history["actual"].notna()]
        if contract.credit_regime.type != "bands":
            rows = rows[credits.missed(rows, contract)]
        counts = rows.groupby("period").size()
        for month in counts[counts >= 2].index:
            need.setdefault(month, set()).add(sid)
    if not need:
        return {}
    memo = {} if memo is None else memo
    tickets, outages = work._kept("tickets"), work.tables.get("outages")
    clocks = work._kept("clocks")
    if "links" not in memo:
        memo["links"] = causes.link_causes(tickets, outages)
    links = memo["links"]
    out = {}
    for month, suppliers in sorted(need.items()):
        cards = {
            sid: (h[h["period"] == month] if sid in suppliers else h.iloc[:0]).reset_index(
                drop=True
            )
            for sid, h in histories.items()
        }
        out[month] = causes.cause_tables(
            tickets,
            clocks,
            outages,
            cards,
            params,
            month,
            links=links,
            memo=memo,
            notes=work.notes,
        )
    return out


# --------------------------------------------------------------------------- side by side
def _diff(a: pd.Series, b: pd.Series) -> pd.Series:
    return (b.astype(float) - a.astype(float)).round(10)


def compare(current: Scored, draft: Scored) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Line up two scorings: levels, per supplier/month summary, per supplier totals.

    ``levels``: one row per supplier, month and level of either params (outer join on
    supplier, month, measure and scope, so a level renamed in the draft still lines up),
    ``*_current``/``*_draft`` columns and ``rag_changed``. ``summary``: weighted score and
    net credits under both and ``score_diff``/``credits_diff`` (draft - current).
    ``totals``: per supplier the credits summed over the months, the mean weighted score
    and the months red under each, plus an ``all suppliers`` row.

    >>> cur = Scored(pd.DataFrame(columns=LEVEL_COLUMNS), pd.DataFrame({
    ...     "supplier_id": ["euc", "euc"], "period": ["2026-09", "2026-10"],
    ...     "weighted_score": [80.0, 60.0], "credits": [0.0, 1000.0],
    ...     "green": [1, 0], "amber": [0, 0], "red": [0, 1]}), pd.DataFrame())
    >>> new = Scored(cur.levels, cur.summary.assign(credits=[0.0, 0.0], red=[0, 0]),
    ...              pd.DataFrame())
    >>> _, summary, totals = compare(cur, new)
    >>> summary["credits_diff"].tolist()
    [0.0, -1000.0]
    >>> totals[["supplier_id", "credits_current", "credits_draft", "credits_diff"]].values.tolist()
    [['euc', 1000.0, 0.0, -1000.0], ['all suppliers', 1000.0, 0.0, -1000.0]]
    """
    key = ["supplier_id", "period", "measure", "scope"]
    shared = ["name", "unit", "actual"]
    own = ["service_level", "expected", "minimum", "weight", "rag", "points"]
    a = current.levels[key + shared + own]
    b = draft.levels[key + shared + own]
    levels = a.merge(b, on=key, how="outer", suffixes=("_current", "_draft"))
    for col in shared:
        levels[col] = levels[f"{col}_current"].combine_first(levels[f"{col}_draft"])
        levels = levels.drop(columns=[f"{col}_current", f"{col}_draft"])
    levels["rag_changed"] = levels["rag_current"].fillna("") != levels["rag_draft"].fillna("")
    levels["points_diff"] = _diff(levels["points_current"], levels["points_draft"])
    order = key[:2] + ["service_level_current", "service_level_draft", "measure", "scope"]
    order += ["name", "unit", "actual"]
    order += [f"{c}_{w}" for c in own[1:] for w in ("current", "draft")]
    levels = levels[order + ["points_diff", "rag_changed"]]
    levels = levels.sort_values(key, kind="stable").reset_index(drop=True)

    keys = ["supplier_id", "period"]
    summary = current.summary.merge(draft.summary, on=keys, suffixes=("_current", "_draft"))
    summary["score_diff"] = _diff(
        summary["weighted_score_current"], summary["weighted_score_draft"]
    )
    summary["credits_diff"] = _diff(summary["credits_current"], summary["credits_draft"]).round(2)
    cols = [
        *keys,
        "weighted_score_current",
        "weighted_score_draft",
        "score_diff",
        "red_current",
        "red_draft",
        "credits_current",
        "credits_draft",
        "credits_diff",
    ]
    summary = summary[cols]
    totals = _totals(summary)
    return levels, summary, totals


def _totals(summary: pd.DataFrame) -> pd.DataFrame:
    order = list(dict.fromkeys(summary["supplier_id"]))
    per = summary.groupby("supplier_id", sort=False).agg(
        months=("period", "size"),
        mean_score_current=("weighted_score_current", "mean"),
        mean_score_draft=("weighted_score_draft", "mean"),
        red_months_current=("red_current", lambda r: int((r > 0).sum())),
        red_months_draft=("red_draft", lambda r: int((r > 0).sum())),
        credits_current=("credits_current", "sum"),
        credits_draft=("credits_draft", "sum"),
    )
    per = per.reindex(order).reset_index()
    allrow = {
        "supplier_id": "all suppliers",
        "months": int(summary["period"].nunique()),
        "mean_score_current": summary["weighted_score_current"].mean(),
        "mean_score_draft": summary["weighted_score_draft"].mean(),
        "red_months_current": int(per["red_months_current"].sum()),
        "red_months_draft": int(per["red_months_draft"].sum()),
        "credits_current": float(summary["credits_current"].sum()),
        "credits_draft": float(summary["credits_draft"].sum()),
    }
    totals = pd.concat([per, pd.DataFrame([allrow])], ignore_index=True)
    for col in ("credits_current", "credits_draft"):
        totals[col] = totals[col].astype(float).round(2)
    totals["credits_diff"] = (totals["credits_draft"] - totals["credits_current"]).round(2)
    totals["score_diff"] = _diff(totals["mean_score_current"], totals["mean_score_draft"])
    return totals


# --------------------------------------------------------------------------- the replay
@dataclass
class Replay:
    """The current params' computation, kept so a draft can be re-scored fast."""

    period: str
    months: int
    params: Params
    work: object  # siamlib.workbook.Work (values, notes, tables)
    tables: dict[str, pd.DataFrame]
    info: object  # siamlib.io.DatasetInfo
    data_dir: object = None
    validate: bool = True
    current: Scored | None = None
    memo: dict = field(default_factory=dict)  # causes of ``work``, kept across drafts


def prepare(
    period: str,
    months: int,
    params: Params,
    data_dir=None,
    *,
    validate: bool = True,
) -> Replay:
    """Load the data and compute the months once under ``params`` (the slow part)."""
    from siamlib import paths, workbook

    month_window(period, months)
    data_dir = data_dir or paths.DEMO_DATA_DIR
    tables, info = workbook.load_inputs(data_dir)
    work = workbook.compute_period(
        data_dir, params, period, validate=validate, tables=tables, info=info
    )
    r = Replay(period, months, params, work, tables, info, data_dir, validate)
    r.current = rescore(
        work.values, params, period, months, notes=work.notes, work=work, memo=r.memo
    )
    return r


def against(replay: Replay, draft: Params) -> Comparison:
    """The comparison of ``draft`` with the prepared current params (fast when it can be)."""
    from siamlib import workbook

    scope = change_scope(replay.params, draft)
    if scope in ("none", "scoring"):
        work = replay.work  # same measure values: re-score only
    else:
        work = workbook.compute_period(
            replay.data_dir,
            draft,
            replay.period,
            validate=replay.validate,
            tables=replay.tables,
            info=replay.info,
        )
    memo = replay.memo if work is replay.work else None  # other data: other evidence
    scored = rescore(
        work.values, draft, replay.period, replay.months, notes=work.notes, work=work, memo=memo
    )
    levels, summary, totals = compare(replay.current, scored)
    return Comparison(
        period=replay.period,
        months=month_window(replay.period, replay.months),
        scope=scope,
        levels=levels,
        summary=summary,
        totals=totals,
        currency=replay.params.estate.currency,
    )


def replay(
    period: str,
    months: int,
    draft_dir,
    data_dir=None,
    params_dir=None,
    *,
    validate: bool = True,
) -> Comparison:
    """Replay ``months`` months up to ``period`` under the params and the draft folder.

    Raises :class:`siamlib.params.ParamsError` naming the draft's file and key when the
    draft is invalid (checked before any data is read).
    """
    from siamlib.params import load_params

    params = load_params(params_dir)
    draft = load_params(draft_dir)
    month_window(period, months)
    return against(prepare(period, months, params, data_dir, validate=validate), draft)


def long_summary(c: Comparison, measure: str) -> pd.DataFrame:
    """``measure`` (``credits`` or ``weighted_score``) per supplier and month, one row per
    params (``current``/``draft``): the shape a chart of both needs.

    >>> s = pd.DataFrame({"supplier_id": ["euc"], "period": ["2026-10"],
    ...     "credits_current": [10.0], "credits_draft": [0.0]})
    >>> c = Comparison("2026-10", ["2026-10"], "scoring", pd.DataFrame(), s, pd.DataFrame())
    >>> long_summary(c, "credits")[["params", "credits"]].values.tolist()
    [['current', 10.0], ['draft', 0.0]]
    """
    parts = [
        c.summary[["supplier_id", "period", f"{measure}_{which}"]]
        .rename(columns={f"{measure}_{which}": measure})
        .assign(params=which)
        for which in ("current", "draft")
    ]
    return pd.concat(parts, ignore_index=True)
