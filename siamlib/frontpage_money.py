"""The board front page's money lines: what the board decides, the agreed exclusions, what was
waived, and the levels left unscored that would have failed.

Pure formatting of figures the board bundle already holds (the ledgers' lines with their
``reason``, ``waived_amount`` and the :func:`siamlib.scorecard.board_headline` figures; the
scorecards' :func:`siamlib.samples.flag_unscored_failures` columns): nothing here adds up a
credit or decides one. Money the customer owes a supplier this month (earn-back) is "due back
to" it, in every line.

>>> print(decisions([], (("Summit", 7200.0),), (), (), "GBP",
...                 {"Summit": (1, "Service availability 98.65%, below its 99% minimum")})[0])
Approve the service credit of £7,200 due from Summit: Service availability 98.65%, below its \
99% minimum.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from siamlib import present
from siamlib.measures.catalogue import MEASURES

ONE_CAUSE = "one cause, one credit"  # the rule's name, as the waived lines say it
DUE_BACK = "due back to"  # the one phrase for money the customer owes a supplier this month
# The heading of the levels the small-sample rule left unscored though their month alone fails
# (:func:`unscored_notes`), on the front page and in the board's email.
UNSCORED_HEADING = "Not scored, though worse than the limit"
# What a level counts, as a reader names it (by the measure's first source table).
_NOUNS = {"tickets": "tickets", "changes": "changes", "surveys": "survey responses"}
_NOUNS |= {"problems": "problems", "improvements": "improvements"}


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def by_amount(amounts) -> list[tuple[str, float]]:
    """``{supplier: amount}`` as pairs, largest first (then by supplier, for a stable text).

    >>> by_amount({"b": 1.0, "a": 2.0, "c": 1.0})
    [('a', 2.0), ('b', 1.0), ('c', 1.0)]
    """
    return sorted((amounts or {}).items(), key=lambda kv: (-kv[1], kv[0]))


def credit_reasons(
    ledger: pd.DataFrame, names: Mapping[str, str], currency: str
) -> dict[str, tuple[int, str]]:
    """What each supplier's credits (or earn-back) are for, from its ledger lines' reasons.

    Parameters
    ----------
    ledger : DataFrame
        The board's ledger lines (``supplier_id``, ``line``, ``amount``, ``reason``).
    names : mapping
        Supplier id -> name.
    currency : str
        The estate's currency.

    Returns
    -------
    dict
        Supplier name -> (credit lines, words): one credit's reason alone; several, each with
        its amount (``£1,440 for Reopen rate ...; £720 for ...``); a cap and earn-back lines
        said after them. Waived lines are not here: they cost nothing (:func:`fairness_note`).

    Examples
    --------
    >>> led = pd.DataFrame({"supplier_id": ["d", "d"], "line": ["credit", "credit"],
    ...     "amount": [1440.0, 720.0], "reason": ["Reopen rate 15%", "CSAT 2.98"]})
    >>> credit_reasons(led, {"d": "Beacon"}, "GBP")
    {'Beacon': (2, '£1,440 for Reopen rate 15%; £720 for CSAT 2.98')}
    """
    if ledger is None or ledger.empty or "reason" not in ledger.columns:
        return {}
    money = functools.partial(present.fmt_money, currency=currency)
    out = {}
    for sid, own in ledger.groupby("supplier_id", sort=False):
        rows = own.to_dict("records")
        credits = [r for r in rows if r["line"] in ("credit", "reward") and r["amount"]]
        parts = (
            [str(credits[0]["reason"])]
            if len(credits) == 1
            else [f"{money(r['amount'])} for {r['reason']}" for r in credits]
        )
        parts += [
            f"less {money(-r['amount'])} to cap the credits at the amount at risk"
            for r in rows
            if r["line"] == "cap"
        ]
        parts += [str(r["reason"]) for r in rows if r["line"] == "earn_back"]
        if parts:
            out[names.get(sid, sid)] = (len(credits), "; ".join(parts))
    return out


def decisions(lines, owing, owed, found_alerts, currency: str, why=None) -> tuple[str, ...]:
    """What the board is asked to do this month, from the front page's own figures.

    Approve each credit due (largest first) naming the level(s) it is for and their figures
    (``why``: :func:`credit_reasons`), note each earn-back due back, ask each supplier with a
    red level for a recovery plan, and discuss the alerts. Nothing here is a new figure:
    every amount and level is one the front page states.

    >>> from siamlib.frontpage import LevelLine, SupplierLine
    >>> red = SupplierLine("h", "Summit", 53.9, "red", False, (
    ...     LevelLine("AVAIL", "Service availability", "red", ""),
    ...     LevelLine("CSAT", "Customer satisfaction", "amber", "")), "")
    >>> for d in decisions([red], (("Summit", 7200.0),), (("Keystone", 4500.0),), ("x",), "GBP"):
    ...     print(d)
    Approve the service credit of £7,200 due from Summit.
    Note the earn-back of £4,500 due back to Keystone.
    Ask Summit for a recovery plan for Service availability.
    Discuss the alert below and the answer it asks for.
    """
    why = why or {}
    out = []
    for n, v in owing:
        count, text = why.get(n, (1, ""))
        out.append(
            f"Approve the service credit{'s' * (count > 1)} of {present.fmt_money(v, currency)} "
            f"due from {n}{f': {text}' if text else ''}."
        )
    for n, v in owed:
        text = why.get(n, (0, ""))[1]
        out.append(
            f"Note the earn-back of {present.fmt_money(v, currency)} {DUE_BACK} {n}"
            f"{f': {text}' if text else ''}."
        )
    for line in lines:
        reds = [lv.label for lv in line.levels if lv.rag == "red"]
        if reds and not line.blocked:
            out.append(f"Ask {line.name} for a recovery plan for {_and(reds)}.")
    if found_alerts:
        n = len(found_alerts)
        out.append(
            f"Discuss the {'alert' if n == 1 else f'{n} alerts'} below and the answer"
            f"{'' if n == 1 else 's'} {'it asks' if n == 1 else 'they ask'} for."
        )
    return tuple(out)


def exclusions_note(exclusions: pd.DataFrame | None, names: Mapping[str, str]) -> str:
    """The agreed exclusions, per supplier: how many tickets and which, removed before any
    figure (and so before any credit); ``""`` when there are none.

    ``exclusions`` is the board's per-supplier count and ids
    (:func:`siamlib.report_cuts.exclusions_by_supplier`).

    >>> ex = pd.DataFrame({"supplier_id": ["h", "n"], "tickets": [1, 2],
    ...     "ticket_ids": ["INC0000042", "INC0000777, INC0000801"]})
    >>> print(exclusions_note(ex, {"h": "Summit", "n": "Meridian"}))
    Agreed exclusions, removed before any figure or credit: Summit 1 ticket (INC0000042); \
Meridian 2 tickets (INC0000777, INC0000801).
    """
    if exclusions is None or exclusions.empty:
        return ""
    said = "; ".join(
        f"{names.get(r['supplier_id'], r['supplier_id'])} {present.fmt_number(r['tickets'], '', 0)}"
        f" ticket{'s' * (int(r['tickets']) != 1)} ({r['ticket_ids']})"
        for r in exclusions.to_dict("records")
    )
    return f"Agreed exclusions, removed before any figure or credit: {said}."


def fairness_note(
    ledger: pd.DataFrame,
    cards: pd.DataFrame,
    blocked: set[str],
    waived: float,
    names: Mapping[str, str],
    currency: str,
) -> str:
    """ " Fairness: ..." when credits were waived or levels rest on small samples, else "".

    ``waived`` is the board's total given up (:func:`siamlib.scorecard.board_headline`),
    said with the levels whose credits were waived; ``ledger`` is the unblocked suppliers'.

    >>> ledger = pd.DataFrame({"supplier_id": ["h", "h"], "line": ["credit", "waived"],
    ...     "name": ["Service availability", "Resolution within target (priority 2)"]})
    >>> cards = pd.DataFrame({"supplier_id": ["h", "e"], "small_sample": [True, False]})
    >>> fairness_note(ledger, cards, set(), 5760.0, {"h": "Summit"}, "GBP")
    ' Fairness: £5,760 waived under one cause, one credit (Summit: Resolution within target \
(priority 2)); 1 level on a small sample.'
    """
    parts = []
    if not ledger.empty and "line" in ledger.columns:
        lines = ledger[ledger["line"] == "waived"]
        n = len(lines)
        blank = pd.Series("", index=lines.index, dtype="object")
        ids = lines.get("service_level", blank).astype(str)
        level = lines.get("name", blank).fillna("").astype(str)
        level = level.where(level != "", ids)
        which = "; ".join(
            f"{names.get(sid, sid)}: {', '.join(map(str, lv))}"
            for sid, lv in level.groupby(lines["supplier_id"], sort=False)
        )
        if n and waived:
            money = present.fmt_money(waived, currency)
            parts.append(f"{money} waived under {ONE_CAUSE} ({which})")
        elif n:
            parts.append(f"{n} credit{'s' * (n != 1)} waived ({ONE_CAUSE})")
    if not cards.empty and "small_sample" in cards.columns:
        own = cards[~cards["supplier_id"].isin(blocked)]
        n = int(own["small_sample"].fillna(False).astype(bool).sum())
        if n:
            parts.append(
                f"{n} level{'s' * (n != 1)} on {'a ' * (n == 1)}small sample{'s' * (n != 1)}"
            )
    return f" Fairness: {'; '.join(parts)}." if parts else ""


def _noun(measure: str, n: float) -> str:
    source = (
        MEASURES[measure].sources[0] if measure in MEASURES and MEASURES[measure].sources else ""
    )
    noun = _NOUNS.get(source, "records")
    return noun.removesuffix("s") if n == 1 else noun


def unscored_notes(cards: pd.DataFrame, names: Mapping[str, str]) -> tuple[str, ...]:
    """The levels the small-sample rule left unscored whose month alone fails its limit
    (the scorecards' ``unscored_fail``), one sentence each: information, not money.

    >>> cards = pd.DataFrame({"supplier_id": ["h"], "measure": ["sla_resolution_attainment"],
    ...     "name": ["Resolution within target (priority 1)"], "unit": ["%"],
    ...     "direction": ["higher"], "minimum": [90.0], "denominator": [6.0],
    ...     "month_actual": [500 / 6], "month_missed": [1.0], "unscored_fail": [True]})
    >>> print(unscored_notes(cards, {"h": "Summit"})[0])
    Summit: Resolution within target (priority 1) not scored: 6 tickets, 1 missed (83.33%, \
below its 90% minimum); no credit under the small-sample rule.
    """
    if cards is None or cards.empty or "unscored_fail" not in cards.columns:
        return ()
    rows = cards[cards["unscored_fail"].fillna(False).astype(bool)].to_dict("records")
    return tuple(
        f"{names.get(r['supplier_id'], r['supplier_id'])}: {r['name']} not scored: "
        f"{month_alone(r)}; no credit under the small-sample rule."
        for r in rows
    )


def month_alone(row: Mapping) -> str:
    """What the month alone shows of a level left unscored: its counts, figure and limit.

    >>> month_alone({"measure": "reopen_rate", "unit": "%", "direction": "lower",
    ...     "minimum": 6.0, "denominator": 8.0, "month_actual": 12.5, "month_missed": 1.0})
    '8 tickets, 1 counted against it (12.5%, above its 6% maximum)'
    """
    higher = row["direction"] == "higher"
    n = float(row["denominator"])
    counted = f"{present.fmt_number(n, '', 0)} {_noun(str(row['measure']), n)}"
    if not present.is_missing(row.get("month_missed")):
        against = "missed" if higher else "counted against it"
        counted += f", {present.fmt_number(row['month_missed'], '', 0)} {against}"
    pct = "%" if row["unit"] == "%" else ""
    limit = f"{present.fmt_number(row['minimum'], pct, 2)} {present.limit_name(row['direction'])}"
    return (
        f"{counted} ({present.level_value(row['month_actual'], row['unit'])}, "
        f"{'below' if higher else 'above'} its {limit})"
    )
