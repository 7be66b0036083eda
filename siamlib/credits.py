"""Service credits: agreed exclusions, the three credit regimes, the cap and earn-back.

Everything here works on a scorecard (:func:`siamlib.scorecard.scorecard`) and the supplier's
:class:`~siamlib.params.Contract`; each ledger line says *why* it has its amount.

Regimes (``contract.credit_regime.type``)
    ``pool``        at-risk amount = monthly charge x at-risk %; each missed level costs
                    at-risk amount x its ``pool_allocation_pct``.
    ``bands``       each level's ``bands`` map the actual (shown unit) to an amount; bands are
                    ``[from, to)`` except the top band, which also includes its ``to`` (so 100%
                    falls in a band ending at 100). A negative amount is a reward
                    (earn-back band). The trigger is not used: the bands say it all.
    ``percentage``  credit = (expected - actual) percentage points of the monthly charge
                    (actual - expected for lower-is-better); meant for per-cent measures.

Missed
    ``trigger: below_minimum`` - the level is red; ``below_expected`` - red or amber. A grey
    level (no data) never attracts a credit.

Cap
    Credits of a period (the positive lines) are capped at the at-risk amount, in every regime.
    When they add up to more, a separate ``cap`` line with a negative amount brings the total
    down to the cap. Rewards and earn-backs are not capped. A contract with ``at_risk_pct: 0``
    therefore pays no credit; the cap line says so.

Earn-back (``credit_regime.earn_back``)
    A credit from period Q is earned back in period Q + N when the same measure and scope is
    green (meets its expected level) in each of the N periods after Q. The earn-back line is
    the negative of what was actually paid for it (after Q's cap, pro rata). Without a history
    holding Q and every period between, nothing is earned back: the run stops a supplier's
    report when the data window does not cover Q (:func:`siamlib.completeness.window_blocks`).
    When none of the contract's service levels was in force in Q, no credit was charged then:
    an ``earn_back`` line of amount 0 says that none is due back.

Examples
--------
>>> import pandas as pd
>>> from siamlib.params import load_params
>>> from siamlib.scorecard import scorecard
>>> p = load_params()
>>> values = pd.DataFrame({
...     "supplier_id": ["hosting"], "period": ["2026-06"],
...     "measure": ["sla_resolution_attainment"], "scope": ["priority=1"],
...     "value": [0.88], "numerator": [88.0], "denominator": [100.0]})
>>> ledger = service_credits(scorecard(values, p, "hosting", "2026-06"), p.contract("hosting"))
>>> print(ledger.loc[0, "reason"])  # the explanation's words, then its arithmetic
Resolution within target (priority 1) 88%, below its 90% minimum
>>> ledger.loc[0, "explanation"].removeprefix(ledger.loc[0, "reason"])
': 30% of the £28,800 at risk = £8,640'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from siamlib.completeness import earn_back_months, earn_back_window
from siamlib.credit_words import level_text as _level
from siamlib.credit_words import money as _money
from siamlib.credit_words import num as _num
from siamlib.credit_words import pct as _pct
from siamlib.credit_words import shortfall_text as _shortfall_text
from siamlib.params import Contract, Exclusion, Exclusions
from siamlib.waivers import waive_credits

LEDGER_COLUMNS = [
    "supplier_id",
    "period",
    "line",
    "service_level",
    "measure",
    "scope",
    "actual",
    "expected",
    "minimum",
    "regime",
    "amount",
    "currency",
    "explanation",
    "source_period",
    "cause_id",
    "name",
    "reason",
    "waived_amount",
]
"""Ledger columns. ``line`` is ``credit`` (amount > 0 or a zero-allocation miss), ``reward``
(negative band), ``cap`` (negative adjustment down to the at-risk amount) or ``earn_back``
(negative, repaying the credit of ``source_period``) or ``waived`` (amount 0: one cause, one
credit, see :func:`siamlib.waivers.waive_credits`; ``cause_id`` names the cause, "" elsewhere;
``waived_amount`` the credit it gave up, 0 elsewhere and in no total). ``name`` is the level's
name, ``reason`` the explanation's words before its arithmetic (the level's figure against its
limit, or the credit earned back): what the board's decision list names; "" on a cap line."""

EXCLUDED_COLUMNS = ["ticket_id", "supplier_id", "reason", "approver", "approved_on"]


# ------------------------------------------------------------------------------ exclusions
def _exclusion_frame(exclusions: Exclusions | Iterable[Exclusion]) -> pd.DataFrame:
    items = exclusions.exclusions if isinstance(exclusions, Exclusions) else list(exclusions)
    frame = pd.DataFrame(
        [(e.ticket_id, e.reason, e.approver, e.approved_on) for e in items],
        columns=["ticket_id", "reason", "approver", "approved_on"],
    )
    # A ticket approved twice is still one exclusion: the first approval is listed.
    return frame.drop_duplicates("ticket_id").astype(
        {"ticket_id": "str", "reason": "str", "approver": "str"}
    )


def apply_exclusions(
    frame: pd.DataFrame, exclusions: Exclusions | Iterable[Exclusion]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove agreed excluded tickets from ``frame`` before any calculation, and list them.

    ``frame`` is any table with a ``ticket_id`` column (tickets, ticket events, clocks).

    Returns
    -------
    kept
        ``frame`` without the rows of excluded tickets (index reset).
    excluded
        One row per excluded ticket present in ``frame``: ``ticket_id``, ``supplier_id``
        (the last row's supplier for that ticket - for tickets, the resolver of record; NaN
        when ``frame`` has no ``supplier_id``), ``reason``, ``approver``, ``approved_on``.
        Exclusions naming tickets not in ``frame`` are not listed.

    Examples
    --------
    >>> import datetime as dt
    >>> import pandas as pd
    >>> from siamlib.params import Exclusion
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2"], "supplier_id": ["euc", "euc"]})
    >>> ex = [Exclusion(ticket_id="T2", reason="Force majeure", approver="J. Okafor",
    ...                 approved_on=dt.date(2026, 10, 20))]
    >>> kept, listed = apply_exclusions(tickets, ex)
    >>> kept["ticket_id"].tolist(), listed[["ticket_id", "reason"]].values.tolist()
    (['T1'], [['T2', 'Force majeure']])
    """
    if "ticket_id" not in frame.columns:
        raise ValueError("apply_exclusions: the frame has no ticket_id column")
    agreed = _exclusion_frame(exclusions)
    hit = frame["ticket_id"].isin(agreed["ticket_id"])
    kept = frame.loc[~hit].reset_index(drop=True)
    removed = frame.loc[hit]
    if "supplier_id" in removed.columns:
        who = removed[["ticket_id", "supplier_id"]].drop_duplicates("ticket_id", keep="last")
    else:
        who = pd.DataFrame({"ticket_id": removed["ticket_id"].unique()})
        who["supplier_id"] = pd.Series(np.nan, index=who.index, dtype="str")
    listed = who.merge(agreed, on="ticket_id", how="left")[EXCLUDED_COLUMNS]
    listed = listed.astype({"ticket_id": "str", "supplier_id": "str"})
    return kept, listed.sort_values("ticket_id").reset_index(drop=True)


# ------------------------------------------------------------------------------ one period
def at_risk_amount(contract: Contract) -> float:
    """Monthly charge x at-risk %: the most a supplier can lose in credits in one period.

    >>> from siamlib.params import load_params
    >>> at_risk_amount(load_params().contract("hosting"))   # 240,000 x 12%
    28800.0
    """
    return round(contract.monthly_charge * contract.at_risk_pct / 100, 2)


def at_risk_frame(params) -> pd.DataFrame:
    """Every supplier's at-risk amount (``supplier_id``, ``at_risk_amount``), estate order:
    the pool the board's credits are a share of, in its bundle and in the figures file.

    >>> from siamlib.params import load_params
    >>> at_risk_frame(load_params())["at_risk_amount"].sum()
    np.float64(115800.0)
    """
    ids = [s.id for s in params.estate.suppliers]
    amounts = [at_risk_amount(params.contract(i)) for i in ids]
    return pd.DataFrame({"supplier_id": ids, "at_risk_amount": amounts})


def _check_card(card: pd.DataFrame) -> tuple[str, str]:
    suppliers = card["supplier_id"].unique()
    months = card["period"].unique()
    if len(suppliers) != 1 or len(months) != 1:
        raise ValueError(
            "service_credits: the card must hold one supplier and one period, got "
            f"suppliers {sorted(map(str, suppliers))} and periods {sorted(map(str, months))}"
        )
    return str(suppliers[0]), str(months[0])


def missed(card: pd.DataFrame, contract: Contract) -> pd.Series:
    """Which levels of ``card`` are missed as the contract's credit trigger says (red, or red
    and amber under ``below_expected``)."""
    if contract.credit_regime.trigger == "below_expected":
        return card["rag"].isin(["red", "amber"])
    return card["rag"] == "red"


def _band_amounts(card: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """The band each level's actual falls in: amount and the band's edges (NaN if none)."""
    levels = {sl.id: sl for sl in contract.service_levels}
    rows = []
    for sl_id, actual in zip(card["service_level"], card["actual"], strict=True):
        found = (np.nan, np.nan, np.nan)
        bands = levels[sl_id].bands if sl_id in levels else []
        top = max((b.to_level for b in bands), default=np.nan)
        for b in bands:
            inside = b.from_level <= actual < b.to_level or (
                actual == b.to_level and b.to_level == top
            )
            if inside:
                found = (b.amount, b.from_level, b.to_level)
                break
        rows.append(found)
    return pd.DataFrame(rows, columns=["amount", "band_from", "band_to"], index=card.index)


def _records(frame: pd.DataFrame) -> list[dict]:
    # rows as dicts for the explanations: iterrows builds a Series per row, ten times slower
    return frame.to_dict("records")


def _period_lines(
    card: pd.DataFrame,
    contract: Contract,
    currency: str,
    causes: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, float, float]:
    """Credit/reward lines and the cap line of one period; also gross credits and paid share."""
    supplier_id, period = _check_card(card)
    regime = contract.credit_regime.type
    at_risk = at_risk_amount(contract)
    levels = {sl.id: sl for sl in contract.service_levels}
    has = card["actual"].notna()
    card = card.assign(line="credit", regime=regime)

    if regime == "pool":
        hit = card[missed(card, contract) & has].copy()
        alloc = hit["service_level"].map(lambda i: levels[i].pool_allocation_pct).astype(float)
        hit["amount"] = (at_risk * alloc / 100).round(2)
        hit["reason"] = [_shortfall_text(r) for r in _records(hit)]
        hit["explanation"] = [
            f"{r['reason']}: {_pct(a)} of the {_money(at_risk, currency)} at risk = "
            f"{_money(r['amount'], currency)}"
            for r, a in zip(_records(hit), alloc, strict=True)
        ]
    elif regime == "percentage":
        hit = card[missed(card, contract) & has].copy()
        higher = hit["direction"] == "higher"
        points = (hit["expected"] - hit["actual"]).where(higher, hit["actual"] - hit["expected"])
        points = points.clip(lower=0).round(10)
        hit["amount"] = (contract.monthly_charge * points / 100).round(2)
        hit["reason"] = [_shortfall_text(r) for r in _records(hit)]
        hit["explanation"] = [
            f"{r['reason']}: "
            + (
                f"{_level(r['expected'], r['unit'])} expected - {_level(r['actual'], r['unit'])}"
                if r["direction"] == "higher"
                else f"{_level(r['actual'], r['unit'])} - {_level(r['expected'], r['unit'])} "
                "expected"
            )
            + f" = {_num(pts)} percentage points of the "
            f"{_money(contract.monthly_charge, currency)} monthly charge = "
            f"{_money(r['amount'], currency)}"
            for r, pts in zip(_records(hit), points, strict=True)
        ]
    else:  # bands
        band = _band_amounts(card, contract)
        hit = card.join(band)
        hit = hit[has & hit["amount"].notna() & (hit["amount"] != 0)].copy()
        hit["line"] = np.where(hit["amount"] < 0, "reward", "credit")
        hit["reason"] = [
            f"{r.get('name') or r['service_level']} {_level(r['actual'], r['unit'])} in band "
            f"[{_num(r['band_from'])}, {_num(r['band_to'])}"
            f"{']' if r['actual'] == r['band_to'] else ')'}"
            for r in _records(hit)
        ]
        hit["explanation"] = [
            f"{r['reason']}: {'credit' if r['amount'] > 0 else 'reward'} "
            f"{_money(r['amount'], currency)}"
            for r in _records(hit)
        ]

    hit["supplier_id"] = supplier_id
    hit["period"] = period
    hit["currency"] = currency
    hit["source_period"] = period
    lines = hit.reindex(columns=LEDGER_COLUMNS)
    if causes is not None and not causes.empty:
        # one cause, one credit: waive before the cap, so the cap sees only what stands
        lines = waive_credits(
            lines,
            causes,
            contract.credit_regime.one_credit_per_cause,
            [sl.id for sl in contract.service_levels],
            names=dict(
                zip(card["service_level"], card.get("name", card["service_level"]), strict=True)
            ),
        ).reindex(columns=LEDGER_COLUMNS)

    gross = float(lines.loc[lines["amount"] > 0, "amount"].sum())
    paid_share = 1.0
    if gross > at_risk + 0.005:
        cut = round(at_risk - gross, 2)
        paid_share = at_risk / gross
        cap = {
            "supplier_id": supplier_id,
            "period": period,
            "line": "cap",
            "service_level": "",
            "measure": "",
            "scope": "",
            "regime": regime,
            "amount": cut,
            "currency": currency,
            "source_period": period,
            "explanation": (
                f"Credits {_money(gross, currency)} exceed the cap: at-risk amount "
                f"{_pct(contract.at_risk_pct)} x monthly charge "
                f"{_money(contract.monthly_charge, currency)} = {_money(at_risk, currency)}; "
                f"adjustment {_money(cut, currency)}"
            ),
        }
        lines = pd.concat([lines, pd.DataFrame([cap])], ignore_index=True)
    return lines.reindex(columns=LEDGER_COLUMNS), gross, paid_share


_EMPTY: list[pd.DataFrame] = []
_NUMBERS = ["actual", "expected", "minimum", "amount", "waived_amount"]


def _empty_ledger() -> pd.DataFrame:
    # typed once: astype of fifteen columns costs more than the rest of a quiet month's ledger
    if not _EMPTY:
        _EMPTY.append(_typed(pd.DataFrame(columns=LEDGER_COLUMNS)))
    return _EMPTY[0].copy()


def _typed(ledger: pd.DataFrame) -> pd.DataFrame:
    text = ["supplier_id", "period", "line", "service_level", "measure", "scope", "regime"]
    text += ["currency", "explanation", "source_period", "cause_id", "name", "reason"]
    numbers = _NUMBERS
    # lines without a cause (name, reason) carry "" (not "nan"): clean text in evidence;
    # a line waiving nothing, 0
    ledger = ledger.assign(
        **{c: ledger[c].astype(object).fillna("") for c in ("cause_id", "name", "reason")},
        waived_amount=ledger["waived_amount"].astype(float).fillna(0.0),
    )
    wanted = {**dict.fromkeys(text, "str"), **dict.fromkeys(numbers, "float64")}
    # only the columns not yet of their type: converting a column to its own type is a copy
    todo = {c: t for c, t in wanted.items() if ledger[c].dtype != pd.api.types.pandas_dtype(t)}
    return ledger.astype(todo) if todo else ledger


# ------------------------------------------------------------------------------ earn-back
def earn_back_source(period: str, contract: Contract) -> str | None:
    """The period whose credits ``period`` may earn back (``None`` without earn-back).

    >>> from siamlib.params import load_params
    >>> c = load_params().contract("hosting")  # earn back over the 3 following periods
    >>> earn_back_source("2026-10", c)
    '2026-07'
    """
    months = earn_back_months(contract, period)
    return months[0] if months else None


def _before_contract(supplier_id: str, period: str, source: str, contract, currency: str):
    """The ``earn_back`` line (amount 0) saying none is due: no service level of the contract
    was in force in the source month, so no credit was charged then."""
    why = (
        f"No earn-back in {period}: none of the {supplier_id} contract's service levels was in "
        f"force in "
        f"{source}, the month whose credits it would give back, so no credit was charged then "
        "and none is due back."
    )
    line = {**dict.fromkeys(LEDGER_COLUMNS, ""), **dict.fromkeys(_NUMBERS[:3], np.nan)}
    line |= {"supplier_id": supplier_id, "period": period}
    line |= {"line": "earn_back", "regime": contract.credit_regime.type, "amount": 0.0}
    line |= {"waived_amount": 0.0}
    line |= {"currency": currency, "source_period": source, "explanation": why}
    return pd.DataFrame([line]).reindex(columns=LEDGER_COLUMNS)


def _earn_back_lines(
    card: pd.DataFrame,
    contract: Contract,
    history: pd.DataFrame,
    currency: str,
    source_causes: pd.DataFrame | None = None,
    source_lines: Callable[[str, pd.DataFrame], tuple] | None = None,
) -> pd.DataFrame:
    """Earn-back lines of ``card``'s period; ``source_lines(source, source_card)``, when
    given, returns the source period's ``_period_lines`` already computed (same result)."""
    supplier_id, period = _check_card(card)
    window = earn_back_months(contract, period)
    source, following = window[0], window[1:]
    n = len(following)
    if not earn_back_window(contract, period):
        return _before_contract(supplier_id, period, source, contract, currency)
    past = history[(history["supplier_id"] == supplier_id) & (history["period"] < period)]
    source_card = past[past["period"] == source]
    if source_card.empty:
        return _empty_ledger()
    # The source period's ledger as it was charged: one cause, one credit applied there too.
    if source_lines is None:
        lines, _, paid_share = _period_lines(source_card, contract, currency, source_causes)
    else:
        lines, _, paid_share = source_lines(source, source_card)
    credits = lines[(lines["line"] == "credit") & (lines["amount"] > 0)]
    if credits.empty:
        return _empty_ledger()
    after = pd.concat([past[past["period"].isin(following[:-1])], card], ignore_index=True)
    greens = (
        after[after["rag"] == "green"]
        .groupby(["measure", "scope"])["period"]
        .nunique()
        .rename("green_periods")
        .reset_index()
    )
    earned = credits.merge(greens, on=["measure", "scope"], how="left")
    earned = earned[earned["green_periods"] == n].copy()
    if earned.empty:
        return _empty_ledger()
    paid = (earned["amount"] * paid_share).round(2)
    span = f"{following[0]}..{following[-1]}" if n > 1 else following[0]
    # the level by its name, the one phrase the reports use for money owed back to a supplier
    names = (
        earned["name"].fillna("").where(earned["name"].fillna("") != "", earned["service_level"])
    )
    earned["reason"] = [
        f"{name} credit of {_money(p, currency)} for {source} earned back"
        for name, p in zip(names, paid, strict=True)
    ]
    earned["explanation"] = [
        f"{why}, due back to the supplier: expected met in "
        + (f"each of the {n} following periods" if n > 1 else "the following period")
        + f" ({span})"
        + (" (amount as paid after the cap)" if paid_share < 1 else "")
        for why in earned["reason"]
    ]
    current = card.set_index(["measure", "scope"])
    key = pd.MultiIndex.from_frame(earned[["measure", "scope"]])
    earned["actual"] = current["actual"].reindex(key).to_numpy()
    earned["expected"] = current["expected"].reindex(key).to_numpy()
    earned["minimum"] = current["minimum"].reindex(key).to_numpy()
    earned["amount"] = -paid
    earned["line"] = "earn_back"
    earned["period"] = period
    earned["source_period"] = source
    return earned.reindex(columns=LEDGER_COLUMNS)


# ------------------------------------------------------------------------------ public
def service_credits(
    card: pd.DataFrame,
    contract: Contract,
    history: pd.DataFrame | None = None,
    *,
    currency: str = "GBP",
    causes: pd.DataFrame | None = None,
    source_causes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Service-credit ledger of one supplier's period, one explained line per missed level.

    Parameters
    ----------
    card
        Scorecard of one supplier and one period (:func:`siamlib.scorecard.scorecard`).
    contract
        That supplier's contract (regime, trigger, charge, at-risk %, levels and bands).
    history
        Earlier scorecards of the supplier, stacked (e.g. :func:`siamlib.scorecard.trend`;
        rows of the card's period or later are ignored). Needed only for earn-back.
    currency
        ISO code used in the ledger and the explanations (the estate's currency).
    causes
        The supplier's causes table (:func:`siamlib.causes.level_causes`). When given, one
        cause driving several missed levels keeps one credit under the contract's
        ``credit_regime.one_credit_per_cause`` rule, decided on all the causes at once
        (:func:`siamlib.waivers.waive_credits`); the others become ``waived`` lines
        (amount 0), applied before the cap.
    source_causes
        The supplier's causes table of the earn-back source period
        (:func:`earn_back_source`): a credit waived then was never paid, so it is never
        earned back. Without it the source period's credits are taken as all paid.

    Returns
    -------
    DataFrame
        ``LEDGER_COLUMNS``: credit/reward lines, then the cap line if any, then earn-back
        lines. The net amount for the period is ``ledger["amount"].sum()``.

    Examples
    --------
    Percentage regime: 98% expected, 75% actual -> 23 points of a 100,000 charge = 23,000,
    capped at the 12% at-risk amount (12,000):

    >>> import pandas as pd
    >>> from siamlib.params import Contract
    >>> c = Contract.model_validate({
    ...     "supplier_id": "euc", "monthly_charge": 100000, "at_risk_pct": 12,
    ...     "calendars": {"business": {"weekly_hours": {"mon": [["09:00", "17:00"]]}}},
    ...     "credit_regime": {"type": "percentage"},
    ...     "service_levels": [{"id": "RES", "measure": "sla_resolution_attainment",
    ...                         "expected": 98, "minimum": 90, "weight": 100}]})
    >>> card = pd.DataFrame({"supplier_id": ["euc"], "period": ["2026-03"],
    ...     "service_level": ["RES"], "measure": ["sla_resolution_attainment"], "scope": [""],
    ...     "unit": ["%"], "direction": ["higher"], "expected": [98.0], "minimum": [90.0],
    ...     "actual": [75.0], "rag": ["red"]})
    >>> service_credits(card, c)[["line", "amount"]].values.tolist()
    [['credit', 23000.0], ['cap', -11000.0]]
    """
    if card.empty:
        return _empty_ledger()
    lines, _, _ = _period_lines(card, contract, currency, causes)
    parts = [lines]
    if contract.credit_regime.earn_back.enabled and history is not None and not history.empty:
        parts.append(_earn_back_lines(card, contract, history, currency, source_causes))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty_ledger()
    return _typed(pd.concat(parts, ignore_index=True))


def month_ledgers(
    cards: pd.DataFrame,
    contract: Contract,
    months: list[str],
    *,
    currency: str = "GBP",
    causes: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The ledger of each of ``months``, each with all of ``cards`` as its history.

    Gives, month by month, what ``service_credits(cards[cards["period"] == month], contract,
    history=cards, currency=currency, causes=causes[month], source_causes=causes[source])``
    gives (``causes``: each month's causes table of this supplier; a month without one has
    every credit stand), for a re-scoring of many months:
    each period's credit lines are computed once (a month's own, then again as the source of
    a later month's earn-back in ``service_credits``), and a month owes nothing, so gets the
    empty ledger without any work, when neither it nor its earn-back source has a missed
    level (pool and percentage regimes; under bands any level may fall in a band).

    Parameters
    ----------
    cards
        One supplier's scorecards, stacked (:func:`siamlib.scorecard.trend`).
    contract, currency
        As in :func:`service_credits`.
    months
        The periods whose ledgers are wanted (any of them may be absent from ``cards``).

    Examples
    --------
    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> from siamlib.scorecard import trend
    >>> p = load_params()
    >>> values = pd.DataFrame({"supplier_id": ["hosting"], "period": ["2026-06"],
    ...     "measure": ["sla_resolution_attainment"], "scope": ["priority=1"],
    ...     "value": [0.88], "numerator": [88.0], "denominator": [100.0]})
    >>> cards = trend(values, p, "hosting", "2026-07", months=2)
    >>> out = month_ledgers(cards, p.contract("hosting"), ["2026-06", "2026-07"])
    >>> [float(out[m]["amount"].sum()) for m in ["2026-06", "2026-07"]]
    [8640.0, 0.0]
    """
    if cards["supplier_id"].nunique() > 1:
        raise ValueError("month_ledgers: the cards must hold one supplier")
    regime = contract.credit_regime
    by_month = dict(tuple(cards.groupby("period", sort=False)))
    if regime.type == "bands":
        owing = set(by_month)
    else:
        owing = set(cards.loc[missed(cards, contract) & cards["actual"].notna(), "period"])
    memo: dict[str, tuple] = {}

    def lines_of(period: str, card: pd.DataFrame) -> tuple:
        if period not in memo:
            memo[period] = _period_lines(card, contract, currency, (causes or {}).get(period))
        return memo[period]

    out = {}
    for month in months:
        card = by_month.get(month)
        source = earn_back_source(month, contract)
        # Earn-back before the contract's levels were in force is said (amount 0).
        said = regime.earn_back.enabled and (
            source in owing or not earn_back_window(contract, month)
        )
        if card is None or not (month in owing or said):
            out[month] = _empty_ledger()
            continue
        parts = [lines_of(month, card)[0]]
        if regime.earn_back.enabled:
            parts.append(_earn_back_lines(card, contract, cards, currency, source_lines=lines_of))
        parts = [p for p in parts if not p.empty]
        out[month] = _typed(pd.concat(parts, ignore_index=True)) if parts else _empty_ledger()
    return out


def credit_history(
    cards: pd.DataFrame, contract: Contract, *, currency: str = "GBP"
) -> pd.DataFrame:
    """Ledgers of every period in a stack of one supplier's scorecards, oldest first.

    Each period's earn-back looks at the periods before it in ``cards``.

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> from siamlib.scorecard import trend
    >>> p = load_params()
    >>> cards = trend(pd.DataFrame(columns=["supplier_id", "period", "measure", "scope",
    ...     "value", "numerator", "denominator"]), p, "euc", "2026-06", months=3)
    >>> credit_history(cards, p.contract("euc")).empty
    True
    """
    ledgers = [
        service_credits(cards[cards["period"] == p], contract, history=cards, currency=currency)
        for p in sorted(cards["period"].unique())
    ]
    ledgers = [ledger for ledger in ledgers if not ledger.empty]
    if not ledgers:
        return _empty_ledger()
    return pd.concat(ledgers, ignore_index=True)


INCIDENT_DROPPED_COLUMNS = ["ticket_id", "service_level", "amount", "kept_service_level"]


def incident_credits(
    breaches: pd.DataFrame, one_credit_per_incident: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One credit per incident: keep the largest credit of each ticket, list the others.

    For per-ticket credit schemes: ``breaches`` has one row per (ticket, service level
    breached) with ``ticket_id``, ``service_level`` and ``amount`` (extra columns are kept).
    Ties keep the alphabetically first service level, so the result does not depend on row
    order. With ``one_credit_per_incident=False`` every row is kept.

    Returns
    -------
    kept
        One row per ticket: its largest credit.
    dropped
        The other rows, with ``kept_service_level`` naming the level whose credit was kept.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"ticket_id": ["T1", "T1", "T2"],
    ...                   "service_level": ["P1-RES", "RESPONSE", "P2-RES"],
    ...                   "amount": [500.0, 800.0, 300.0]})
    >>> kept, dropped = incident_credits(b)
    >>> kept[["ticket_id", "service_level"]].values.tolist()
    [['T1', 'RESPONSE'], ['T2', 'P2-RES']]
    >>> dropped[["ticket_id", "service_level", "kept_service_level"]].values.tolist()
    [['T1', 'P1-RES', 'RESPONSE']]
    """
    missing = [c for c in ("ticket_id", "service_level", "amount") if c not in breaches.columns]
    if missing:
        raise ValueError(f"incident_credits: missing columns {', '.join(missing)}")
    if not one_credit_per_incident:
        dropped = breaches.iloc[0:0].assign(kept_service_level=pd.Series(dtype="str"))
        return breaches.reset_index(drop=True), dropped.reset_index(drop=True)
    ordered = breaches.sort_values(
        ["ticket_id", "amount", "service_level"], ascending=[True, False, True]
    )
    first = ~ordered.duplicated("ticket_id", keep="first")
    kept = ordered[first]
    dropped = ordered[~first].merge(
        kept[["ticket_id", "service_level"]].rename(
            columns={"service_level": "kept_service_level"}
        ),
        on="ticket_id",
        how="left",
    )
    return kept.reset_index(drop=True), dropped.reset_index(drop=True)
