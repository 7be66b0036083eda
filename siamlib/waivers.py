"""One cause, one credit: which credits stand when causes link them (the waiver).

The causes table (:mod:`siamlib.causes`) says which causes drive which levels' misses. Two
credit lines *conflict* when one cause drives both misses:

- a record cause (``outage``, ``change``, ``problem``, ``major_incident``) links every pair of
  the levels it drives: the one outage cost them all, so one of their credits stands;
- an ``incident`` cause (one credit per incident: the tickets that failed level X, id X) links
  X with each other level it drives, and only with X: a level met without X's failed
  tickets was missed by X's incidents, so its credit and X's are one. Two levels both met
  without X's failures are not linked to each other by that: they may be failed by different
  tickets (a response level failing every ticket would otherwise make P1's and P2's
  resolution credits, disjoint incidents, one credit).

Which credits stand is decided on the whole conflict graph at once, never cause by cause, so
the order of the rows cannot change it:

``largest``       the set of credits with the largest total in which no two conflict
                  (ties: the set holding the larger credits first, then the levels listed
                  first in the contract). Within one cause, that is its largest credit. It is
                  *monotone*: a level that also fails only adds conflicts of its own credit,
                  so the credits that stood before still may, and the total never goes down.
``first_listed``  in the order of the contract's ``service_levels``, a credit stands unless it
                  conflicts with one already standing (the contract's choice; not monotone:
                  a small first-listed credit can displace a larger one).
``all``           every credit stands (no waiver).

Every other credit becomes a ``waived`` line (amount 0) naming the credit that stands in its
place, at least as large under ``largest``; when no single conflicting credit is as large
(its conflicts stand in two separate groups), the line names them all and their total,
which is at least the waived amount. The line keeps what was given up in ``waived_amount``
(0 on every other line), decided here once: the reports say it, no total of credits due
counts it.

Examples
--------
An outage drives AVAIL's and P2's misses; RESPONSE fails every incident, so P2 is met without
RESPONSE's failures. The largest total with no two credits sharing a cause is AVAIL + RESPONSE
(7,200 + 2,880 = 10,080 against P2's 5,760 alone):

>>> led = pd.DataFrame({"line": "credit", "service_level": ["P2", "RESPONSE", "AVAIL"],
...     "amount": [5760.0, 2880.0, 7200.0], "explanation": ""})
>>> c = pd.DataFrame({"service_level": ["P2", "AVAIL", "P2", "RESPONSE"],
...     "cause_kind": ["outage", "outage", "incident", "incident"],
...     "cause_id": ["O1", "O1", "RESPONSE", "RESPONSE"], "drives_miss": True})
>>> out = waive_credits(led, c, "largest", ["AVAIL", "P2", "RESPONSE"])
>>> out[["service_level", "line", "amount"]].values.tolist()
[['P2', 'waived', 0.0], ['RESPONSE', 'credit', 2880.0], ['AVAIL', 'credit', 7200.0]]
>>> out["waived_amount"].tolist()  # what P2's waiver gave up; in no total of credits due
[5760.0, 0.0, 0.0]
>>> print(out.loc[0, "explanation"])
5,760 waived: same cause as AVAIL (outage O1); one cause, one credit (the largest credit stands)
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pandas as pd

from siamlib import credit_words as words

RULES = ("largest", "first_listed", "all")
# How a waived line names the rule: the board reads these words, not the params' keys.
RULE_WORDS = {
    "largest": "the largest credit stands",
    "first_listed": "the first-listed level keeps its credit",
}
TOTAL_WORDS = "the largest total stands"
"""The ``largest`` rule's words when a credit gives way to several smaller ones together."""
ONE_CAUSE = "one cause, one credit"
"""The rule's name as every waived line and the board's front page say it."""


def waive_credits(
    ledger: pd.DataFrame,
    causes: pd.DataFrame,
    rule: str,
    level_order: list[str],
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Apply one cause, one credit to a ledger's ``credit`` lines; any regime.

    Parameters
    ----------
    ledger
        Credit lines (``line``, ``service_level``, ``amount``, ``explanation``; ``currency``
        and ``cause_id`` when present). Lines other than ``credit`` are never waived.
    causes
        The supplier's causes table (``service_level``, ``cause_kind``, ``cause_id``,
        ``drives_miss``; ``cause_records`` when present).
    rule
        ``largest``, ``first_listed`` or ``all`` (module docstring).
    level_order
        The contract's service level ids, in the order listed (ties, ``first_listed``).
    names
        Service level id -> the level's name, as the explanation names the credit that
        stands (the id where none is given).

    Returns
    -------
    pandas.DataFrame
        The ledger, rows in the same order; each waived credit has ``line`` ``waived``, amount
        0, ``waived_amount`` the amount it gave up, ``cause_id`` the cause linking it to the
        credit named, and the reason in ``explanation``. ``cause_id`` is "" and
        ``waived_amount`` 0 on every other line. Apply before the cap.

    Examples
    --------
    >>> led = pd.DataFrame({"line": ["credit", "credit"], "service_level": ["AVAIL", "P2-RES"],
    ...                     "amount": [500.0, 800.0], "explanation": ["a", "b"]})
    >>> c = pd.DataFrame({"service_level": ["AVAIL", "P2-RES"], "cause_kind": ["outage"] * 2,
    ...                   "cause_id": ["O1", "O1"], "drives_miss": [True, True]})
    >>> out = waive_credits(led, c, "first_listed", ["AVAIL", "P2-RES"],
    ...                     names={"AVAIL": "Service availability"})
    >>> out[["line", "amount", "waived_amount"]].values.tolist()
    [['credit', 500.0, 0.0], ['waived', 0.0, 800.0]]
    >>> print(out.loc[1, "explanation"])
    800 waived: same cause as Service availability (outage O1); one cause, one credit (the \
first-listed level keeps its credit)
    """
    if rule not in RULES:
        raise ValueError(
            f"one_credit_per_cause: unknown rule {rule!r}; use one of {', '.join(RULES)}"
        )
    out = ledger.copy()
    # lines without a cause carry "" (a reindexed ledger brings NaN floats)
    out["cause_id"] = out.get("cause_id", pd.Series("", index=out.index)).astype(object)
    out["cause_id"] = out["cause_id"].where(out["cause_id"].notna(), "")
    out["waived_amount"] = 0.0
    if rule == "all" or causes.empty or out.empty:
        return out
    is_credit = out["line"] == "credit"
    lines = out.loc[is_credit, "service_level"].astype(str)
    amount: dict[str, Fraction] = {}  # exact, so that equal totals compare equal
    for level, value in zip(lines, out.loc[lines.index, "amount"], strict=True):
        value = float(value) if pd.notna(value) else 0.0  # no amount: nothing to keep
        amount[level] = amount.get(level, Fraction(0)) + Fraction(value)
    links = conflicts(causes, set(amount))
    if not links:
        return out
    adj: dict[str, set[str]] = {level: set() for level in amount}
    for a, b in links:
        adj[a].add(b)
        adj[b].add(a)
    rank = {sl: i for i, sl in enumerate(level_order)}
    rank = {level: rank.get(level, len(rank)) for level in amount}
    stand = standing(amount, adj, rank, rule)
    currency = _currency(out)
    said = {level: (names or {}).get(level) or level for level in amount}
    for level in sorted(set(amount) - stand):
        named = _named(level, adj[level] & stand, amount, rank, rule)
        reasons = [_reason(said[s], links[tuple(sorted((level, s)))], s) for s in named]
        words = RULE_WORDS[rule]
        if len(named) > 1:  # several smaller credits that together outweigh this one
            total = sum((amount[s] for s in named), Fraction(0))
            words = (
                f"together {_money(total, currency)}, at least this credit's "
                f"{_money(amount[level], currency)}: {TOTAL_WORDS}"
            )
        idx = lines.index[lines == level]
        out.loc[idx, "waived_amount"] = out.loc[idx, "amount"].astype(float).fillna(0.0)
        out.loc[idx, "line"] = "waived"
        out.loc[idx, "amount"] = 0.0
        out.loc[idx, "cause_id"] = ", ".join(dict.fromkeys(str(cid) for cid, _ in reasons))
        out.loc[idx, "explanation"] = (
            f"{_money(amount[level], currency)} waived: {'; '.join(t for _, t in reasons)}; "
            f"{ONE_CAUSE} ({words})"
        )
    return out


def conflicts(causes: pd.DataFrame, levels: set[str]) -> dict[tuple[str, str], list[tuple]]:
    """Pairs of ``levels`` (sorted) whose misses one driving cause links, with those causes.

    Each pair maps to its causes as ``(cause_kind, cause_id, rows)``, record causes first,
    then by kind and id (``rows``: the cause's rows of the table). A record cause links
    every pair of the levels it drives, an ``incident`` cause its own level with each other
    level it drives (module docstring). Rows not driving a miss link nothing.

    >>> c = pd.DataFrame({"service_level": ["A", "B", "C", "A", "B", "C"],
    ...     "cause_kind": ["outage"] * 3 + ["incident"] * 3, "cause_id": ["O1"] * 3 + ["A"] * 3,
    ...     "drives_miss": True})
    >>> {pair: [k for k, _, _ in ks] for pair, ks in conflicts(c, {"A", "B", "C"}).items()}
    {('A', 'B'): ['outage', 'incident'], ('A', 'C'): ['outage', 'incident'], ('B', 'C'): ['outage']}
    """
    driving = causes[causes["drives_miss"].eq(True)]
    links: dict[tuple[str, str], list[tuple]] = {}
    for (kind, cid), rows in driving.groupby(["cause_kind", "cause_id"], sort=True):
        hit = sorted(set(rows["service_level"].astype(str)) & levels)
        if kind == "incident":
            own = str(cid)
            pairs = [tuple(sorted((own, other))) for other in hit if own in hit and other != own]
        else:
            pairs = [(a, b) for i, a in enumerate(hit) for b in hit[i + 1 :]]
        for pair in pairs:
            links.setdefault(pair, []).append((kind, cid, rows))
    for found in links.values():
        found.sort(key=lambda k: (k[0] == "incident", str(k[0]), str(k[1])))
    return dict(sorted(links.items()))


def standing(
    amount: dict[str, Fraction], adj: dict[str, set[str]], rank: dict[str, int], rule: str
) -> set[str]:
    """The levels whose credits stand: no two conflicting, chosen by ``rule``.

    ``largest``: of the sets of credits no two of which conflict, the one with the largest
    total; among equal totals, the one whose credits, taken largest first (ties by ``rank``,
    then id), come first. Searched exactly, one connected group of conflicts at a time (a
    contract lists a handful of levels). ``first_listed``: by ``rank``, each credit stands
    unless a credit already standing conflicts with it.

    >>> adj = {"A": {"B", "C"}, "B": {"A"}, "C": {"A"}}
    >>> amounts = {"A": Fraction(10), "B": Fraction(9), "C": Fraction(8)}
    >>> sorted(standing(amounts, adj, {"A": 0, "B": 1, "C": 2}, "largest"))
    ['B', 'C']
    >>> sorted(standing(amounts, adj, {"A": 0, "B": 1, "C": 2}, "first_listed"))
    ['A']
    """
    if rule == "first_listed":
        stand: set[str] = set()
        for level in sorted(amount, key=lambda s: (rank[s], s)):
            if not adj[level] & stand:
                stand.add(level)
        return stand
    order = sorted(amount, key=lambda s: (-amount[s], rank[s], s))
    stand = set()
    seen: set[str] = set()
    for start in order:
        if start in seen:
            continue
        group, todo = {start}, [start]
        while todo:
            for other in adj[todo.pop()] - group:
                group.add(other)
                todo.append(other)
        seen |= group
        stand |= _heaviest([s for s in order if s in group], amount, adj)
    return stand


def _heaviest(order: list[str], amount: dict[str, Fraction], adj: dict[str, set[str]]) -> set:
    """The conflict-free subset of ``order`` with the largest total (exact amounts); of equal
    totals, the first in include-first order (the larger credits, as ``order`` lists them)."""
    n = len(order)
    weights = [amount[s] for s in order]
    where = {s: i for i, s in enumerate(order)}
    near = [{where[o] for o in adj[s] if o in where} for s in order]
    tail = [sum(weights[i:], Fraction(0)) for i in range(n + 1)]
    best: list = [None, ()]  # total, chosen positions

    def search(i: int, chosen: tuple, blocked: frozenset, total: Fraction) -> None:
        # a branch that cannot beat the best so far is dropped: one found later with an
        # equal total comes after it in include-first order, so the first found is kept
        if best[0] is not None and total + tail[i] <= best[0]:
            return
        if i == n:
            best[:] = [total, chosen]
            return
        if i not in blocked:
            search(i + 1, (*chosen, i), blocked | near[i], total + weights[i])
        search(i + 1, chosen, blocked, total)

    search(0, (), frozenset(), Fraction(0))
    return {order[i] for i in best[1]}


def _named(
    level: str, rivals: set[str], amount: dict[str, Fraction], rank: dict[str, int], rule: str
) -> list[str]:
    """The standing credits a waived line names: the first-listed one (``first_listed``), the
    largest when it is at least as large as the waived credit, else every one (``largest``:
    together they are at least as large, or the waived credit would stand instead)."""
    if rule == "first_listed":
        return [min(rivals, key=lambda s: (rank[s], s))]
    ranked = sorted(rivals, key=lambda s: (-amount[s], rank[s], s))
    return ranked[:1] if amount[ranked[0]] >= amount[level] else ranked


def _reason(kept: str, linked: list[tuple], kept_id: str) -> tuple[str, str]:
    """(cause id, words) saying why a credit gives way to the one named ``kept`` (id
    ``kept_id``): the first of the causes linking them (a record before one credit per
    incident)."""
    kind, cid, rows = linked[0]
    if kind != "incident":
        named = f"{kind} {cid}"
        ids = _record_ids(rows, cid)
        if ids != [cid]:  # one outage recorded several times: say which records
            named += f"; overlapping records {', '.join(ids)}: one outage"
        return str(cid), f"same cause as {kept} ({named})"
    if str(cid) == kept_id:
        return str(cid), (
            f"one credit per incident: this level is met without the incidents that failed "
            f"{kept}, whose credit stands"
        )
    return str(cid), (
        f"one credit per incident: {kept} is met without the incidents that failed this "
        f"level, and its credit stands"
    )


def _record_ids(rows: pd.DataFrame, cid: str) -> list[str]:
    """The record ids a cause's rows list in ``cause_records`` (the id alone by default)."""
    listed = rows["cause_records"].dropna() if "cause_records" in rows.columns else ()
    ids = [i for r in listed for i in str(r).split(", ") if i]
    return list(dict.fromkeys(ids)) or [cid]


def _currency(ledger: pd.DataFrame) -> str:
    if "currency" not in ledger.columns:
        return ""
    found = ledger["currency"].dropna().astype(str)
    return str(found.iloc[0]) if len(found) else ""


def _money(amount: Fraction, currency: str) -> str:
    """'£17,000' as the ledger writes money; a plain number without a currency."""
    if currency:
        return words.money(float(amount), currency)
    value = float(amount)
    return f"{value:,.0f}" if abs(value - round(value)) < 0.005 else f"{value:,.2f}"
