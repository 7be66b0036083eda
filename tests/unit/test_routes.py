"""Designed routes: moves the operating model designs are not charged (hand-computed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siamlib.measures.integrator import _example_events
from siamlib.measures.routes import designed_pairs, route_handoffs, route_ping_pong

PAIRS = designed_pairs([["desk", "integ", "towers"]], towers=["a", "b"])


def test_towers_step_expands_to_every_tower():
    assert sorted(PAIRS) == [("desk", "integ"), ("integ", "a"), ("integ", "b")]


def test_four_event_ticket_keeps_only_its_undesigned_move():
    # desk > integ (designed) > a (designed) > b (tower to tower): 3 handoffs, 1 charged
    ev = _example_events({"T1": ["desk", "integ", "a", "b"]})
    row = route_handoffs(ev, PAIRS).iloc[0]
    assert (row["handoffs"], row["designed"], row["adjusted"]) == (3, 2, 1)


def test_tower_returning_a_ticket_to_dispatch_is_still_a_bounce():
    # integ > a > integ: a -> integ is not designed, so the bounce counts
    ev = _example_events({"T1": ["integ", "a", "integ"]})
    assert route_ping_pong(ev, PAIRS)["adjusted"].tolist() == [True]


def test_bounce_along_a_designed_round_trip_is_left_out():
    pairs = designed_pairs([["integ", "towers", "integ"]], towers=["a"])
    ev = _example_events({"T1": ["integ", "a", "integ"]})
    assert route_ping_pong(ev, pairs)["adjusted"].tolist() == [False]


PARTIES = ["desk", "integ", "a", "b", None]


@given(st.lists(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=8), min_size=1, max_size=6))
def test_adjusted_figures_never_exceed_the_raw_ones(sequences):
    ev = _example_events({f"T{i}": seq for i, seq in enumerate(sequences)})
    h = route_handoffs(ev, PAIRS)
    assert (h["adjusted"] <= h["handoffs"]).all() and (h["adjusted"] >= 0).all()
    p = route_ping_pong(ev, PAIRS)
    assert (p["adjusted"] <= p["ping_pong"]).all()
