"""One cause, one credit (siamlib.waivers.waive_credits): which credits stand when causes
link them, worked by hand; the rule is independent of row order and monotone.

Amounts are pool credits of an at-risk amount of 28,800 unless said otherwise.
"""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib.credits import service_credits
from siamlib.waivers import conflicts, waive_credits
from tests.fixtures.fixture_params import fixture_params

# --- one cause: the rule picks one credit -------------------------------------------------

_ORDER = ["AVAIL", "P2-RES", "P3-RES"]
# Per regime, the three credit amounts an outage driving all three misses would cost:
# pool: at-risk 28,800 x allocations 20% / 30% / 10% = 5,760 / 8,640 / 2,880
# bands: band amounts read off the contract bands, e.g. 3,000 / 1,500 / 4,000
# percentage: charge 100,000 x points short 2.5 / 4.0 / 1.0 = 2,500 / 4,000 / 1,000
_REGIMES = {
    "pool": [5760.0, 8640.0, 2880.0],
    "bands": [3000.0, 1500.0, 4000.0],
    "percentage": [2500.0, 4000.0, 1000.0],
}


def _cause_ledger(regime):
    return pd.DataFrame(
        {
            "line": ["credit"] * 3,
            "service_level": _ORDER,
            "regime": regime,
            "amount": _REGIMES[regime],
            "explanation": ["x"] * 3,
        }
    )


def _one_outage(levels=_ORDER):
    return pd.DataFrame(
        {
            "service_level": list(levels),
            "cause_kind": "outage",
            "cause_id": "OUT00228",
            "drives_miss": True,
        }
    )


@pytest.mark.parametrize(
    ("regime", "rule", "expected"),
    [
        # largest: the biggest of the three stands, the other two are waived (0)
        ("pool", "largest", [0.0, 8640.0, 0.0]),
        ("bands", "largest", [0.0, 0.0, 4000.0]),
        ("percentage", "largest", [0.0, 4000.0, 0.0]),
        # first_listed: AVAIL is first in the contract, whatever its size
        ("pool", "first_listed", [5760.0, 0.0, 0.0]),
        ("bands", "first_listed", [3000.0, 0.0, 0.0]),
        ("percentage", "first_listed", [2500.0, 0.0, 0.0]),
        # all: nothing waived
        ("pool", "all", [5760.0, 8640.0, 2880.0]),
        ("bands", "all", [3000.0, 1500.0, 4000.0]),
        ("percentage", "all", [2500.0, 4000.0, 1000.0]),
    ],
)
def test_one_cause_keeps_one_credit_per_rule_in_every_regime(regime, rule, expected):
    out = waive_credits(_cause_ledger(regime), _one_outage(), rule, _ORDER)
    assert out["amount"].tolist() == expected
    waived = out[out.line == "waived"]
    assert len(waived) == (0 if rule == "all" else 2)
    assert (waived.cause_id == "OUT00228").all()
    kept = out.loc[out.line == "credit", "service_level"].tolist()
    words = {  # as a board member reads the rule, not the params key
        "largest": "the largest credit stands",
        "first_listed": "the first-listed level keeps its credit",
    }
    if rule != "all":
        # what each waiver gave up, kept and said (no currency column: a plain number)
        gave_up = [a for a, w in zip(_REGIMES[regime], out.line == "waived", strict=True) if w]
        assert waived.waived_amount.tolist() == gave_up
        assert waived.explanation.tolist() == [
            f"{a:,.0f} waived: same cause as {kept[0]} (outage OUT00228); one cause, one credit "
            f"({words[rule]})"
            for a in gave_up
        ]


def test_cause_not_driving_the_miss_waives_nothing():
    causes = _one_outage().assign(drives_miss=[True, False, False])
    out = waive_credits(_cause_ledger("pool"), causes, "largest", _ORDER)
    assert (out.line == "credit").all() and (out.cause_id == "").all()


def test_a_credit_standing_against_two_causes_waives_both_others_on_an_equal_total():
    # O1 drives AVAIL + P2-RES, O2 drives P2-RES + P3-RES. No shared cause: {P2-RES} 8,640
    # or {AVAIL, P3-RES} 5,760 + 2,880 = 8,640. Equal totals: the set holding the larger
    # credit first stands, P2-RES; AVAIL is waived for O1, P3-RES for O2.
    causes = pd.concat(
        [
            _one_outage(["AVAIL", "P2-RES"]).assign(cause_id="O1"),
            _one_outage(["P2-RES", "P3-RES"]).assign(cause_id="O2"),
        ]
    )
    out = waive_credits(_cause_ledger("pool"), causes, "largest", _ORDER)
    assert out["amount"].tolist() == [0.0, 8640.0, 0.0]
    assert out["cause_id"].tolist() == ["O1", "", "O2"]


@given(
    amounts=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3),
    drives=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_largest_never_charges_more_than_all_nor_goes_negative(amounts, drives):
    ledger = _cause_ledger("pool").assign(amount=amounts)
    causes = _one_outage().assign(drives_miss=drives)
    total = {
        r: waive_credits(ledger, causes, r, _ORDER)["amount"].sum()
        for r in ("largest", "all", "first_listed")
    }
    assert total["largest"] <= total["all"] + 1e-9
    assert total["first_listed"] <= total["all"] + 1e-9
    assert total["largest"] >= 0
    # one cause keeps at least one credit when it drives any miss
    if any(drives):
        assert (waive_credits(ledger, causes, "largest", _ORDER).line == "credit").sum() >= 1


def test_service_credits_waives_before_the_cap_in_the_real_ledger():
    # Pool contract from the shipped hosting params; P1-RES and P2-RES both red. One outage
    # drives both: under the default rule (largest) one credit stands, the other is waived
    # and the cap is worked out on what stands.
    p = fixture_params()
    contract = p.contract("hosting")
    levels = [sl for sl in contract.service_levels if sl.measure == "sla_resolution_attainment"]
    a, b = levels[0], levels[1]
    card = pd.DataFrame(
        {
            "supplier_id": "hosting",
            "period": "2026-06",
            "service_level": [a.id, b.id],
            "measure": [a.measure, b.measure],
            "scope": ["", ""],
            "unit": "%",
            "direction": "higher",
            "expected": [a.expected, b.expected],
            "minimum": [a.minimum, b.minimum],
            "actual": [0.0, 0.0],
            "rag": "red",
        }
    )
    plain = service_credits(card, contract)
    causes = pd.DataFrame(
        {
            "service_level": [a.id, b.id],
            "cause_kind": "outage",
            "cause_id": "OUT1",
            "drives_miss": True,
        }
    )
    waived = service_credits(card, contract, causes=causes)
    credits_plain = plain[plain.line == "credit"]
    assert (waived.line == "waived").sum() == 1
    assert waived.loc[waived.line == "credit", "amount"].sum() == credits_plain["amount"].max()
    assert waived.loc[waived.line == "waived", "cause_id"].tolist() == ["OUT1"]


# --- several causes: the credits linked through them -------------------------------------
def _ledger(amounts: dict[str, float], currency: str = "GBP") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": "credit",
            "service_level": list(amounts),
            "amount": list(amounts.values()),
            "currency": currency,
            "explanation": "x",
        }
    )


def _rows(kind: str, cid: str, levels: list[str], drives: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        {"service_level": levels, "cause_kind": kind, "cause_id": cid, "drives_miss": drives}
    )


def _by_level(out: pd.DataFrame) -> list[list]:
    cols = ["service_level", "line", "amount", "cause_id", "explanation"]
    return out[cols].sort_values("service_level").values.tolist()


# The probe's shape (hosting, October, a draft tightening the response targets to a minute).
# Pool credits of 28,800: AVAIL 25% = 7,200, P2 20% = 5,760, RESPONSE 5% = 1,440.
# Outage O1 drives AVAIL and P2 (both met without it). RESPONSE now fails every ticket, so
# without RESPONSE's failed tickets P2 has none left: incident cause RESPONSE drives P2 (and
# RESPONSE). Problem PRB1 drives P2 alone, which links nothing.
_PROBE = {"P2": 5760.0, "RESPONSE": 1440.0, "AVAIL": 7200.0}
_PROBE_ORDER = ["P2", "RESPONSE", "AVAIL"]  # hosting lists AVAIL after the ticket levels


def _probe_causes() -> pd.DataFrame:
    return pd.concat(
        [
            _rows("incident", "RESPONSE", ["P2", "RESPONSE"]),
            _rows("outage", "O1", ["P2", "AVAIL"]),
            _rows("problem", "PRB1", ["P2"]),
        ],
        ignore_index=True,
    )


def test_a_credit_linked_to_two_others_gives_way_to_the_largest_total_that_shares_no_cause():
    # Conflicts: AVAIL-P2 (outage O1), P2-RESPONSE (one credit per incident). The sets with
    # no two credits sharing a cause: {AVAIL, RESPONSE} 8,640, {AVAIL} 7,200, {P2} 5,760,
    # {RESPONSE} 1,440. AVAIL and RESPONSE stand; P2 is waived against AVAIL (7,200 >= 5,760).
    # Processing the causes one by one, incident before outage, kept P2 and waived AVAIL.
    out = waive_credits(_ledger(_PROBE), _probe_causes(), "largest", _PROBE_ORDER)
    assert _by_level(out) == [
        ["AVAIL", "credit", 7200.0, "", "x"],
        [
            "P2",
            "waived",
            0.0,
            "O1",
            "£5,760 waived: same cause as AVAIL (outage O1); one cause, one credit (the "
            "largest credit stands)",
        ],
        ["RESPONSE", "credit", 1440.0, "", "x"],
    ]
    assert out["amount"].sum() == 8640.0


def test_the_probes_levels_from_their_tickets_waive_p2_and_keep_avail_and_response():
    from siamlib.causes import incident_causes, level_causes

    # P2: tickets A..J, A and B failed: 8 / 10 = 80% < 88%. RESPONSE: A..T (20), every one
    # failed: 0% < 90%. O1 (email) covers A, B, C: P2 without them 7 / 7 = 100% (driven);
    # RESPONSE without them 0 / 17 (not driven). Incident cause RESPONSE (all 20 tickets):
    # P2 has no ticket left (driven), RESPONSE none (driven). Incident cause P2 (A, B):
    # RESPONSE 0 / 18 (not driven), so it drives P2 alone and is left out.
    p2 = pd.DataFrame(
        {"service_level": "P2", "ticket_id": list("ABCDEFGHIJ"), "met": [False] * 2 + [True] * 8}
    )
    resp = pd.DataFrame(
        {"service_level": "RESPONSE", "ticket_id": list("ABCDEFGHIJKLMNOPQRST"), "met": False}
    )
    lt = pd.concat([p2, resp], ignore_index=True)
    minimums = {"P2": 88.0, "RESPONSE": 90.0}
    links = pd.DataFrame({"cause_kind": "outage", "cause_id": "O1", "ticket_id": list("ABC")})
    by_tickets = level_causes(lt, links, minimums)
    incidents = incident_causes(lt, minimums)
    assert incidents[["service_level", "cause_id"]].values.tolist() == [
        ["P2", "RESPONSE"],
        ["RESPONSE", "RESPONSE"],
    ]
    avail = _rows("outage", "O1", ["AVAIL"])  # 1,815 of O1's minutes: AVAIL met without them
    causes = pd.concat([by_tickets, avail, incidents], ignore_index=True)
    out = waive_credits(_ledger(_PROBE), causes, "largest", _PROBE_ORDER)
    assert out[["service_level", "line", "amount"]].values.tolist() == [
        ["P2", "waived", 0.0],
        ["RESPONSE", "credit", 1440.0],
        ["AVAIL", "credit", 7200.0],
    ]


def test_the_same_credits_and_causes_in_any_order_or_naming_give_the_same_ledger():
    ledger, causes = _ledger(_PROBE), _probe_causes()
    want = _by_level(waive_credits(ledger, causes, "largest", _PROBE_ORDER))
    cause_orders = [causes, causes.iloc[::-1], causes.iloc[[2, 3, 0, 4, 1]], causes.sample(frac=1)]
    for lines in itertools.permutations(range(len(ledger))):
        for c in cause_orders:
            got = waive_credits(ledger.iloc[list(lines)], c, "largest", _PROBE_ORDER)
            assert _by_level(got) == want
    # the outage as a change named C1: sorts before "incident", so it was taken first then
    as_change = causes.replace({"cause_kind": {"outage": "change"}, "cause_id": {"O1": "C1"}})
    got = waive_credits(ledger, as_change, "largest", _PROBE_ORDER)
    assert [r[:3] for r in _by_level(got)] == [r[:3] for r in want]


def test_one_more_failing_level_raises_the_credit_instead_of_lowering_it():
    # Before the draft RESPONSE is met: AVAIL 7,200 stands, P2 is waived (outage O1): 7,200.
    before = waive_credits(
        _ledger({"P2": 5760.0, "AVAIL": 7200.0}),
        _rows("outage", "O1", ["P2", "AVAIL"]),
        "largest",
        _PROBE_ORDER,
    )
    after = waive_credits(_ledger(_PROBE), _probe_causes(), "largest", _PROBE_ORDER)
    assert before["amount"].sum() == 7200.0
    assert after["amount"].sum() == 8640.0  # not 5,760


def test_a_credit_linking_two_separate_causes_does_not_lower_the_total():
    # B 9,000 and C 8,000 have nothing in common: 17,000. A (10,000) fails too, sharing
    # outage O1 with B and change C1 with C. Keeping A (the largest) would waive both: 10,000
    # (and so would "the largest of the connected group"). B + C = 17,000 is the largest
    # total with no shared cause: A is waived, naming both and their total.
    causes = pd.concat([_rows("outage", "O1", ["A", "B"]), _rows("change", "C1", ["A", "C"])])
    before = waive_credits(_ledger({"B": 9000.0, "C": 8000.0}), causes, "largest", list("ABC"))
    led = _ledger({"A": 10000.0, "B": 9000.0, "C": 8000.0})
    after = waive_credits(led, causes, "largest", list("ABC"))
    assert before["amount"].sum() == after["amount"].sum() == 17000.0
    assert after.loc[0, ["line", "cause_id"]].tolist() == ["waived", "O1, C1"]
    assert after.loc[0, "explanation"] == (
        "£10,000 waived: same cause as B (outage O1); same cause as C (change C1); one cause, "
        "one credit (together £17,000, at least this credit's £10,000: the largest total "
        "stands)"
    )


def test_one_level_failing_every_incident_does_not_make_two_other_levels_one_credit():
    # RESPONSE fails every ticket, so P1 (8,640) and P2 (5,760) are each met without its
    # failed tickets: each is one credit with RESPONSE (2,880), not with each other (P1's
    # and P2's incidents are different tickets). P1 + P2 = 14,400 stand, RESPONSE is waived.
    causes = _rows("incident", "RESPONSE", ["P1", "P2", "RESPONSE"])
    led = _ledger({"P1": 8640.0, "P2": 5760.0, "RESPONSE": 2880.0})
    out = waive_credits(led, causes, "largest", ["P1", "P2", "RESPONSE"])
    assert out["amount"].tolist() == [8640.0, 5760.0, 0.0]
    assert out.loc[2, "explanation"] == (
        "£2,880 waived: one credit per incident: P1 is met without the incidents that failed "
        "this level, and its credit stands; one cause, one credit (the largest credit stands)"
    )


def test_first_listed_keeps_the_earlier_listed_credit_along_a_chain_in_any_row_order():
    # Contract order AVAIL, P2, RESPONSE: AVAIL stands, P2 (sharing O1 with AVAIL) is waived,
    # RESPONSE (linked to P2 only, which no longer stands) stands.
    want = [["credit", 5760.0], ["waived", 0.0], ["credit", 1440.0]]
    order = ["AVAIL", "P2", "RESPONSE"]
    led = _ledger({"AVAIL": 5760.0, "P2": 7200.0, "RESPONSE": 1440.0})
    for c in (_probe_causes(), _probe_causes().iloc[::-1]):
        out = waive_credits(led, c, "first_listed", order)
        assert out[["line", "amount"]].values.tolist() == want
        assert out.loc[1, "explanation"] == (
            "£7,200 waived: same cause as AVAIL (outage O1); one cause, one credit (the "
            "first-listed level keeps its credit)"
        )


# --- properties over small random cause graphs ---------------------------------------------
_KINDS = ["outage", "change", "problem"]


@st.composite
def _estates(draw, min_levels: int = 2):
    """Levels L0.. with pool-like amounts (cents), record causes linking any of them, and
    incident causes (a level's failed tickets) driving their own level and some others."""
    n = draw(st.integers(min_levels, 6))
    levels = [f"L{i}" for i in range(n)]
    cents = draw(st.lists(st.integers(0, 1_000_000), min_size=n, max_size=n))
    amounts = {lv: c / 100 for lv, c in zip(levels, cents, strict=True)}
    parts = []
    for k in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(_KINDS))
        hit = sorted(draw(st.sets(st.sampled_from(levels), min_size=1)))
        drives = draw(st.lists(st.booleans(), min_size=len(hit), max_size=len(hit)))
        parts.append(_rows(kind, f"{kind[0].upper()}{k}", hit, drives))
    for center in sorted(draw(st.sets(st.sampled_from(levels)))):
        others = sorted(draw(st.sets(st.sampled_from(levels))) - {center})
        parts.append(_rows("incident", center, [center, *others]))
    causes = pd.concat(parts, ignore_index=True) if parts else _rows("outage", "O", [])
    return amounts, causes, draw(st.permutations(levels))


def _standing_and_named(out: pd.DataFrame) -> tuple[set, dict]:
    stand = set(out.loc[out.line == "credit", "service_level"])
    named = {
        r.service_level: set(re.findall(r"\bL\d+\b", r.explanation))
        for r in out[out.line == "waived"].itertuples()
    }
    return stand, named


@settings(max_examples=80, deadline=None)
@given(estate=_estates(), data=st.data())
def test_any_row_order_gives_the_same_ledger_under_every_rule(estate, data):
    amounts, causes, order = estate
    ledger = _ledger(amounts)
    lines = data.draw(st.permutations(range(len(ledger))))
    rows = data.draw(st.permutations(range(len(causes))))
    for rule in ("largest", "first_listed", "all"):
        want = _by_level(waive_credits(ledger, causes, rule, order))
        got = waive_credits(ledger.iloc[list(lines)], causes.iloc[list(rows)], rule, order)
        assert _by_level(got) == want


@settings(max_examples=80, deadline=None)
@given(estate=_estates(), data=st.data())
def test_renaming_the_record_causes_changes_no_amount(estate, data):
    # The causes were once taken in (kind, id) order, each keeping a credit for the next:
    # which credits stand must not depend on what the causes are called, only on the levels
    # each drives. Record causes get other kinds and ids, sorting in another order.
    amounts, causes, order = estate
    ids = sorted(set(causes.loc[causes.cause_kind != "incident", "cause_id"]))
    names = data.draw(st.permutations(range(len(ids))))
    kinds = {cid: data.draw(st.sampled_from(_KINDS)) for cid in ids}
    pairs = zip(causes.cause_kind, causes.cause_id, strict=True)
    renamed = causes.assign(
        cause_kind=[kinds.get(c, k) for k, c in pairs],
        cause_id=[f"R{names[ids.index(c)]}" if c in ids else c for c in causes.cause_id],
    )
    for rule in ("largest", "first_listed"):
        want = waive_credits(_ledger(amounts), causes, rule, order)
        got = waive_credits(_ledger(amounts), renamed, rule, order)
        assert got[["line", "amount"]].values.tolist() == want[["line", "amount"]].values.tolist()


@settings(max_examples=150, deadline=None)
@given(estate=_estates())
def test_largest_keeps_the_largest_total_sharing_no_cause_and_names_credits_as_large(estate):
    amounts, causes, order = estate
    out = waive_credits(_ledger(amounts), causes, "largest", order)
    pairs = conflicts(causes, set(amounts))
    stand, named = _standing_and_named(out)
    # one cause, one credit: no two standing credits share a cause
    assert not any(a in stand and b in stand for a, b in pairs)
    # the largest such total (every subset tried)
    best = max(
        sum(amounts[lv] for lv in keep)
        for k in range(len(amounts) + 1)
        for keep in itertools.combinations(amounts, k)
        if not any(a in keep and b in keep for a, b in pairs)
    )
    assert out["amount"].sum() == pytest.approx(best)
    # each waived line names standing credits it shares a cause with, as large as it: one
    # at least as large, or several adding up to at least its amount
    for level, names in named.items():
        assert names and names <= stand
        assert all(tuple(sorted((level, s))) in pairs for s in names)
        if len(names) == 1:
            assert amounts[next(iter(names))] >= amounts[level]
        else:
            assert sum(amounts[s] for s in names) >= amounts[level] - 1e-9


@settings(max_examples=150, deadline=None)
@given(estate=_estates(), data=st.data())
def test_one_more_failing_credit_never_lowers_the_total(estate, data):
    amounts, causes, order = estate
    before = waive_credits(_ledger(amounts), causes, "largest", order)["amount"].sum()
    # A new level fails: its credit joins some of the record causes that drive it, some
    # levels' incident causes drive it too, and its own failed tickets may drive others.
    new = f"L{len(amounts)}"
    old = sorted(amounts)
    records = causes[causes.cause_kind != "incident"][["cause_kind", "cause_id"]]
    joined = data.draw(st.sets(st.sampled_from(sorted(set(records.cause_id)) or ["-"])))
    parts = [causes]
    for kind, cid in records.drop_duplicates().itertuples(index=False):
        if cid in joined:
            parts.append(_rows(kind, cid, [new]))
    for center in sorted(data.draw(st.sets(st.sampled_from(old)))):
        parts.append(_rows("incident", center, [center, new]))
    own = sorted(data.draw(st.sets(st.sampled_from(old))))
    parts.append(_rows("incident", new, [new, *own]))
    grown = {**amounts, new: data.draw(st.integers(0, 1_000_000)) / 100}
    at = data.draw(st.integers(0, len(order)))
    after = waive_credits(
        _ledger(grown),
        pd.concat(parts, ignore_index=True),
        "largest",
        [*order[:at], new, *order[at:]],
    )["amount"].sum()
    assert after >= before - 1e-6


@settings(max_examples=100, deadline=None)
@given(estate=_estates())
def test_first_listed_names_an_earlier_listed_standing_credit(estate):
    amounts, causes, order = estate
    out = waive_credits(_ledger(amounts), causes, "first_listed", order)
    pairs = conflicts(causes, set(amounts))
    stand, named = _standing_and_named(out)
    assert not any(a in stand and b in stand for a, b in pairs)
    for level, names in named.items():
        assert len(names) == 1 and names <= stand
        assert order.index(next(iter(names))) < order.index(level)


# --- what a waiver gave up: kept, said, and in no total ------------------------------------
_NAMES = {"AVAIL": "Service availability", "P2": "Resolution within target (priority 2)"}


def test_a_waived_credit_keeps_the_amount_it_gave_up_and_says_it_with_level_names():
    # Outage OUT00228 drives AVAIL (25% x 28,800 = 7,200) and P2 (20% x 28,800 = 5,760): the
    # largest stands, P2's 5,760 is waived, and the line says how much and for what.
    out = waive_credits(
        _ledger({"P2": 5760.0, "AVAIL": 7200.0}),
        _rows("outage", "OUT00228", ["P2", "AVAIL"]),
        "largest",
        ["P2", "AVAIL"],
        names=_NAMES,
    )
    assert out[["service_level", "line", "amount", "waived_amount"]].values.tolist() == [
        ["P2", "waived", 0.0, 5760.0],
        ["AVAIL", "credit", 7200.0, 0.0],
    ]
    assert out.loc[0, "explanation"] == (
        "£5,760 waived: same cause as Service availability (outage OUT00228); one cause, one "
        "credit (the largest credit stands)"
    )


def test_without_waivers_every_line_has_nothing_waived():
    out = waive_credits(
        _ledger({"P2": 5760.0}), _rows("outage", "O1", ["P2"]), "largest", ["P2"], names=_NAMES
    )
    assert out["waived_amount"].tolist() == [0.0]


def test_the_waived_amount_enters_no_total_of_credits_due():
    from siamlib import scorecard

    # AVAIL's 7,200 stands, P2's 5,760 is waived: 7,200 is due, 5,760 is said as waived.
    ledger = waive_credits(
        _ledger({"P2": 5760.0, "AVAIL": 7200.0}),
        _rows("outage", "O1", ["P2", "AVAIL"]),
        "largest",
        ["P2", "AVAIL"],
    ).assign(supplier_id="hosting")
    risk = pd.DataFrame({"supplier_id": ["hosting"], "at_risk_amount": [28800.0]})
    head = scorecard.board_headline(ledger, risk)
    assert head["credits_due"] == head["net_credits"] == 7200.0
    assert head["waived"] == 5760.0
    assert scorecard.headline(pd.DataFrame(columns=["rag"]), ledger)["net_credits"] == 7200.0


def test_a_blocked_suppliers_waived_credit_is_left_out_of_the_boards_waived_total():
    from siamlib import scorecard

    ledger = pd.DataFrame(
        {"supplier_id": ["a", "b"], "amount": [0.0, 0.0], "waived_amount": [500.0, 900.0]}
    )
    risk = pd.DataFrame({"supplier_id": ["a", "b"], "at_risk_amount": [1000.0, 1000.0]})
    stopped = pd.DataFrame({"supplier_id": ["a", "b"], "stopped": [False, True]})
    assert scorecard.board_headline(ledger, risk, stopped)["waived"] == 500.0
