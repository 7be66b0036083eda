"""Integrator measures: hand-computed cases per measure, plus property tests.

Expected values are worked out by hand in the comments. Periods are taken in UTC unless a
test is about the reporting time zone, so month boundaries are plain to read.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siamlib import schema
from siamlib.calendar import business_hours_between
from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.measures.catalogue import MEASURES
from siamlib.measures.integrator import (
    ALL,
    ESTATE_SCOPE,
    aged_ticket_reduction,
    aged_ticket_trend,
    aged_tickets,
    collaboration_score,
    dispatch_stats,
    dispatch_time,
    handoff_matrix,
    handoffs,
    measure_values,
    open_at,
    paused_share,
    ping_pong,
    ping_pong_by_supplier,
    ping_pong_pairs,
    push_to_front,
    push_to_front_by_supplier,
    routing_accuracy,
    watermelon,
    watermelon_values,
)
from siamlib.params import Calendar
from tests.fixtures.fixture_params import fixture_params

T0 = pd.Timestamp("2026-03-02 09:00", tz="UTC")  # a Monday


def ts(text: str | None) -> pd.Timestamp:
    return pd.NaT if text is None else pd.Timestamp(text, tz="UTC")


def make_events(sequences: dict, *, start: pd.Timestamp = T0, last_status: str = "resolved"):
    """Events, one per hour per ticket; an entry is a supplier id (or None) or a dict of columns.

    The group defaults to ``<supplier>-g`` and the status to ``assigned`` (``last_status`` for a
    ticket's last event).
    """
    rows = []
    for tid, seq in sequences.items():
        for i, entry in enumerate(seq):
            e = entry if isinstance(entry, dict) else {"supplier_id": entry}
            sup = e.get("supplier_id")
            rows.append(
                {
                    "ticket_id": tid,
                    "event_seq": i + 1,
                    "event_at": start + pd.Timedelta(hours=i),
                    "status": last_status if i == len(seq) - 1 else "assigned",
                    "assignment_group": None if sup is None else f"{sup}-g",
                    "supplier_id": sup,
                    "support_level": None,
                    **e,
                }
            )
    return schema.coerce("ticket_events", pd.DataFrame(rows))


TICKET_DEFAULTS = {
    "ticket_type": "incident",
    "supplier_id": "net",
    "service": "vpn",
    "category": "connectivity",
    "ci": None,
    "priority": 3,
    "opened_at": "2026-01-01T00:00Z",
    "first_response_at": None,
    "resolved_at": None,
    "closed_at": None,
    "status": "assigned",
    "reopen_count": 0,
    "problem_id": None,
    "change_id": None,
    "satisfaction": None,
}


def make_tickets(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame([{**TICKET_DEFAULTS, "ticket_id": f"T{i}", **r} for i, r in enumerate(rows)])
    return schema.coerce("tickets", df)


def resolved_tickets(ids, when="2026-03-10T12:00Z", **cols) -> pd.DataFrame:
    return make_tickets(
        *({"ticket_id": t, "resolved_at": when, "status": "resolved", **cols} for t in ids)
    )


def row(frame: pd.DataFrame, key: str, value) -> pd.Series:
    return frame.set_index(key).loc[value]


# ---------------------------------------------------------------------------- ping-pong -----
def test_a_b_a_is_ping_pong_but_a_b_c_and_a_a_b_are_not():
    ev = make_events({"ABA": ["a", "b", "a"], "ABC": ["a", "b", "c"], "AAB": ["a", "a", "b"]})
    pp = ping_pong(ev).set_index("ticket_id")
    assert pp["ping_pong"].to_dict() == {"AAB": False, "ABA": True, "ABC": False}
    assert pp.loc["ABA", "sequence"] == "a > b > a"
    assert pp.loc["AAB", "sequence"] == "a > b"  # consecutive repeats collapsed


def test_returning_after_a_third_supplier_is_a_revisit_not_ping_pong():
    pp = row(ping_pong(make_events({"T": ["a", "b", "c", "a"]})), "ticket_id", "T")
    assert not pp["ping_pong"]
    assert pp["revisit"]  # 4 steps, 3 distinct suppliers


def test_missing_suppliers_are_skipped_before_collapsing():
    # a, -, a, b, -, a  ->  a > b > a
    pp = row(ping_pong(make_events({"T": ["a", None, "a", "b", None, "a"]})), "ticket_id", "T")
    assert pp["sequence"] == "a > b > a"
    assert pp["ping_pong"]
    assert pp["steps"] == 3


def test_alternating_needs_three_uninterrupted_moves_between_two_suppliers():
    ev = make_events(
        {
            "ABA": ["a", "b", "a"],  # 2 moves
            "ABAB": ["a", "b", "a", "b"],  # 3 moves
            "ABABA": ["a", "b", "a", "b", "a"],  # 4 moves
            "ABACA": ["a", "b", "a", "c", "a"],  # two separate 2-move bounces
        }
    )
    pp = ping_pong(ev).set_index("ticket_id")
    assert pp["max_alternations"].to_dict() == {"ABA": 2, "ABAB": 3, "ABABA": 4, "ABACA": 2}
    assert pp["alternating"].to_dict() == {
        "ABA": False,
        "ABAB": True,
        "ABABA": True,
        "ABACA": False,
    }
    # bounce positions: ABAB 0 (a>b>a) and 1 (b>a>b); ABACA 0 (a>b>a) and 2 (a>c>a)
    assert pp.loc["ABAB", "bounces"] == 2
    assert pp.loc["ABACA", "bounces"] == 2
    assert ping_pong(ev, min_alternations=4)["alternating"].sum() == 1  # only ABABA


def test_ping_pong_pairs_say_who_got_the_ticket_back_from_whom():
    ev = make_events({"T1": ["a", "b", "a", "b"], "T2": ["c", "b", "c"], "T3": ["a", "b", "a"]})
    pairs = ping_pong_pairs(ev).set_index(["returned_to", "returned_by"])
    # T1: a>b>a (a back from b), b>a>b (b back from a); T2: c back from b; T3: a back from b
    assert pairs["bounces"].to_dict() == {("a", "b"): 2, ("b", "a"): 1, ("c", "b"): 1}
    assert pairs["tickets"].to_dict() == {("a", "b"): 2, ("b", "a"): 1, ("c", "b"): 1}


def test_ping_pong_rate_per_supplier_counts_tickets_touched_and_bounces_taken_part_in():
    ev = make_events(
        {
            "T1": ["si", "net", "si", "host"],  # si>net>si: si and net involved; host not
            "T2": ["si", "host"],
            "T3": ["si", "net", "host", "si"],  # revisit, no bounce
        }
    )
    r = ping_pong_by_supplier(ev, suppliers=["euc"]).set_index("supplier_id")
    # touched: si T1 T2 T3 = 3, net T1 T3 = 2, host T1 T2 T3 = 3, euc 0
    assert r["tickets"].to_dict() == {"euc": 0, "host": 3, "net": 2, "si": 3, ALL: 3}
    assert r["ping_pong_tickets"].to_dict() == {"euc": 0, "host": 0, "net": 1, "si": 1, ALL: 1}
    assert r.loc["net", "ping_pong_rate"] == pytest.approx(1 / 2)
    assert r.loc["si", "ping_pong_rate"] == pytest.approx(1 / 3)
    assert r.loc[ALL, "ping_pong_rate"] == pytest.approx(1 / 3)
    assert math.isnan(r.loc["euc", "ping_pong_rate"])  # touched nothing: empty denominator


def test_period_keeps_tickets_resolved_in_it_and_needs_the_tickets_table():
    ev = make_events({"MAR": ["a", "b", "a"], "APR": ["a", "b", "a"]})
    t = pd.concat(
        [
            resolved_tickets(["MAR"], "2026-03-31T22:00Z"),
            resolved_tickets(["APR"], "2026-04-01T00:00Z"),
        ]
    )
    assert ping_pong(ev, "2026-03", tickets=t)["ticket_id"].tolist() == ["MAR"]
    # 2026-03-31 22:00 UTC is 23:00 BST, still March in London; midnight UTC is April there
    assert ping_pong(ev, "2026-04", tickets=t, tz="Europe/London")["ticket_id"].tolist() == ["APR"]
    with pytest.raises(ValueError, match="tickets are needed"):
        ping_pong(ev, "2026-03")


# ----------------------------------------------------------------------------- handoffs -----
def test_handoffs_count_supplier_changes_and_reassignments_count_group_changes():
    ev = make_events(
        {
            # a, a, b, -, c: a>b, b>c = 2 handoffs; groups a-g, a-g, b-g, -, c-g = 2 changes
            "T1": ["a", "a", "b", None, "c"],
            # same supplier, two groups, then b: 1 handoff, 2 reassignments
            "T2": [
                {"supplier_id": "a", "assignment_group": "a-L1"},
                {"supplier_id": "a", "assignment_group": "a-L2"},
                {"supplier_id": "b"},
            ],
            "T3": ["a"],
        }
    )
    h = handoffs(ev).set_index("ticket_id")
    assert h["handoffs"].to_dict() == {"T1": 2, "T2": 1, "T3": 0}
    assert h["reassignments"].to_dict() == {"T1": 2, "T2": 2, "T3": 0}
    assert h["events"].to_dict() == {"T1": 5, "T2": 3, "T3": 1}


def test_handoff_matrix_counts_moves_per_ordered_pair():
    ev = make_events({"T1": ["sd", "si", "net", "si", "host"], "T2": ["sd", "si", "net"]})
    m = handoff_matrix(ev).set_index(["from_supplier", "to_supplier"])["handoffs"].to_dict()
    assert m == {("sd", "si"): 2, ("si", "net"): 2, ("net", "si"): 1, ("si", "host"): 1}


# --------------------------------------------------------------------------- aged tickets ---
def test_aged_ticket_reduction_from_ten_to_six_is_forty_per_cent():
    # 10 tickets opened 1 Jan; 4 resolved 10 March. 1 March: all 10 open, 59 days old (aged).
    # 1 April: 6 open, 90 days old (aged). 1 - 6 / 10 = 0.4.
    t = make_tickets(
        *({"resolved_at": "2026-03-10T00:00Z", "status": "closed"} for _ in range(4)),
        *({} for _ in range(6)),
    )
    r = row(aged_ticket_reduction(t, "2026-03", 30), "supplier_id", ALL)
    assert (r["aged_start"], r["aged_end"]) == (10, 6)
    assert r["reduction"] == pytest.approx(0.4)
    assert r["aged_share_end"] == pytest.approx(1.0)


def test_aged_means_open_for_strictly_more_than_the_threshold():
    at = ts("2026-03-01T00:00Z")
    t = make_tickets(
        {"opened_at": "2026-01-30T00:00Z"},  # exactly 30 days before: not aged
        {"opened_at": "2026-01-29T23:59Z"},  # 30 days and 1 minute: aged
        {"opened_at": "2026-03-01T00:00Z"},  # opened at the instant: not open yet
    )
    r = row(aged_tickets(t, at, 30), "supplier_id", ALL)
    assert (r["open"], r["aged"]) == (2, 1)
    assert r["aged_share"] == pytest.approx(0.5)


def test_reduction_is_nan_without_aged_tickets_at_the_start_and_negative_when_backlog_grows():
    # Opened 20 Feb: 9 days old on 1 March (not aged), 40 days old on 1 April (aged).
    t = make_tickets({"opened_at": "2026-02-20T00:00Z"})
    r = row(aged_ticket_reduction(t, "2026-03", 30), "supplier_id", ALL)
    assert (r["aged_start"], r["aged_end"]) == (0, 1)
    assert math.isnan(r["reduction"])
    # Two aged at the start (opened in January), one more ages in: 1 - 3 / 2 = -0.5
    t2 = make_tickets({}, {}, {"opened_at": "2026-02-20T00:00Z"})
    assert row(aged_ticket_reduction(t2, "2026-03"), "supplier_id", ALL)["reduction"] == -0.5


def test_events_show_a_reopened_ticket_closed_between_resolution_and_reopen():
    # Resolved 20 Feb, reopened 5 Mar, resolved again 20 Mar (tickets.resolved_at = 20 Mar).
    t = make_tickets({"ticket_id": "R", "resolved_at": "2026-03-20T00:00Z", "status": "resolved"})
    ev = schema.coerce(
        "ticket_events",
        pd.DataFrame(
            {
                "ticket_id": "R",
                "event_seq": [1, 2, 3, 4],
                "event_at": pd.to_datetime(
                    ["2026-01-01", "2026-02-20", "2026-03-05", "2026-03-20"], utc=True
                ),
                "status": ["assigned", "resolved", "in_progress", "resolved"],
                "assignment_group": "g",
                "supplier_id": "net",
                "support_level": 2,
            }
        ),
    )
    at = ts("2026-03-01T00:00Z")
    # tickets only: resolved_at (20 Mar) >= 1 Mar, so open (the documented approximation)
    assert len(open_at(t, at)) == 1
    # events: last event before 1 March is 'resolved', so not open
    assert len(open_at(t, at, events=ev)) == 0
    assert len(open_at(t, ts("2026-03-10T00:00Z"), events=ev)) == 1  # reopened on 5 March


def test_with_events_an_open_ticket_counts_for_the_supplier_holding_it_then():
    t = make_tickets({"ticket_id": "M", "supplier_id": "host"})  # holder at extract: host
    ev = make_events({"M": ["net", None, "host"]}, start=ts("2026-01-01T00:00Z"))
    ev.loc[ev["event_seq"] == 3, "event_at"] = ts("2026-03-15T00:00Z")
    ev["status"] = "assigned"
    r = aged_ticket_reduction(t, "2026-03", 30, events=ev, suppliers=["euc"])
    r = r.set_index("supplier_id")
    # 1 March: last named supplier before it is net (the None event is skipped); 1 April: host
    assert r["aged_start"].to_dict() == {"euc": 0, "host": 0, "net": 1, ALL: 1}
    assert r["aged_end"].to_dict() == {"euc": 0, "host": 1, "net": 0, ALL: 1}
    assert list(r.index)[-1] == ALL


def test_done_tickets_without_an_end_date_are_not_open():
    t = make_tickets(
        {"status": "cancelled"}, {"status": "closed", "closed_at": "2026-02-01T00:00Z"}
    )
    assert open_at(t, ts("2026-03-01T00:00Z")).empty


def test_aged_ticket_trend_stacks_one_row_per_supplier_per_period():
    t = make_tickets({}, {"opened_at": "2026-02-20T00:00Z", "supplier_id": "host"})
    tr = aged_ticket_trend(t, ["2026-02", "2026-03"])
    allrows = tr[tr["supplier_id"] == ALL].set_index("period")
    # 1 Feb: T0 31 days old (aged), T1 not opened. 1 Mar: T0 aged, T1 9 days.
    # 1 Apr: both aged.
    assert allrows["aged_start"].to_dict() == {"2026-02": 1, "2026-03": 1}
    assert allrows["aged_end"].to_dict() == {"2026-02": 1, "2026-03": 2}
    assert len(tr) == 2 * 3  # host, net, ALL per period


# ------------------------------------------------------------------------------- routing ----
def test_routing_accuracy_compares_first_supplier_after_dispatch_with_resolver():
    ev = make_events(
        {
            "RIGHT": ["sd", "si", "net"],
            "WRONG": ["si", "net", "host"],
            "NODISPATCH": ["sd", "net"],
            "KEPT": ["sd", "si"],
            "OPEN": ["si", "net"],
            "REDISPATCH": ["si", "net", "si", "host"],
        }
    )
    t = pd.concat(
        [
            resolved_tickets(["RIGHT"], supplier_id="net"),
            resolved_tickets(["WRONG", "REDISPATCH"], supplier_id="host"),
            resolved_tickets(["NODISPATCH"], supplier_id="net"),
            resolved_tickets(["KEPT"], supplier_id="si"),
            make_tickets({"ticket_id": "OPEN", "supplier_id": "net"}),
        ]
    )
    r = routing_accuracy(ev, t, "si").set_index("ticket_id")
    # NODISPATCH never reached si; OPEN is not resolved: both absent.
    assert sorted(r.index) == ["KEPT", "REDISPATCH", "RIGHT", "WRONG"]
    assert r.loc["RIGHT", "routed_right"]
    assert not r.loc["WRONG", "routed_right"]
    assert not r.loc["REDISPATCH", "routed_right"]  # the first dispatch went to net
    assert pd.isna(r.loc["KEPT", "routed_right"])  # never routed on: out of the denominator
    # 1 right of 3 routed
    assert r["routed_right"].dropna().mean() == pytest.approx(1 / 3)


# ------------------------------------------------------------------------------ dispatch ----
def dispatch_events() -> pd.DataFrame:
    rows = [
        ("09:00", "assigned", "sd"),
        ("09:30", "assigned", "si"),
        ("10:00", "in_progress", "si"),
        ("11:15", "assigned", "net"),
        ("12:00", "assigned", "si"),
        ("12:45", "assigned", "host"),
        ("14:00", "resolved", "host"),
    ]
    return schema.coerce(
        "ticket_events",
        pd.DataFrame(
            {
                "ticket_id": "T",
                "event_seq": range(1, len(rows) + 1),
                "event_at": [ts(f"2026-03-02T{h}Z") for h, _, _ in rows],
                "status": [s for _, s, _ in rows],
                "assignment_group": [f"{x}-g" for _, _, x in rows],
                "supplier_id": [x for _, _, x in rows],
                "support_level": None,
            }
        ),
    )


def test_dispatch_time_sums_every_spell_held_by_the_integrator():
    # 09:30-10:00 (0.5 h) + 10:00-11:15 (1.25 h) + 12:00-12:45 (0.75 h) = 2.5 h
    d = dispatch_time(dispatch_events(), "si")
    assert d.to_dict("records") == [{"ticket_id": "T", "dispatch_h": 2.5}]


def test_dispatch_time_counts_an_open_last_spell_only_up_to_as_at():
    ev = make_events({"Q": ["sd", "si"]}, last_status="assigned")  # in dispatch from 10:00
    assert dispatch_time(ev, "si")["dispatch_h"].tolist() == [0.0]
    as_at = T0 + pd.Timedelta(hours=4)  # 13:00: three hours in dispatch
    assert dispatch_time(ev, "si", as_at=as_at)["dispatch_h"].tolist() == [3.0]
    done = make_events({"D": ["sd", "si"]})  # resolved by the integrator: no open spell
    assert dispatch_time(done, "si", as_at=as_at)["dispatch_h"].tolist() == [0.0]


def test_dispatch_time_in_business_hours_skips_the_weekend():
    # Held from Friday 17:00 to Monday 09:00 UTC; business hours 08:00-18:00 on weekdays:
    # Friday 17:00-18:00 (1 h) + Monday 08:00-09:00 (1 h) = 2 h, against 64 actual hours.
    cal = Calendar(
        timezone="UTC",
        weekly_hours={d: [("08:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
    )
    ev = make_events({"W": ["si", "net"]})
    ev["event_at"] = [ts("2026-03-06T17:00Z"), ts("2026-03-09T09:00Z")]
    assert dispatch_time(ev, "si")["dispatch_h"].tolist() == [64.0]
    business = dispatch_time(ev, "si", hours_between=lambda a, b: business_hours_between(cal, a, b))
    assert business["dispatch_h"].tolist() == [2.0]


def test_dispatch_stats_median_and_90th_percentile():
    d = pd.DataFrame({"ticket_id": list("ABCDE"), "dispatch_h": [1.0, 2.0, 3.0, 4.0, 10.0]})
    s = dispatch_stats(d)
    # median 3; p90 at position 0.9 * 4 = 3.6: 4 + 0.6 * (10 - 4) = 7.6; mean 20 / 5 = 4
    assert (s["tickets"], s["median_h"], s["mean_h"]) == (5.0, 3.0, 4.0)
    assert s["p90_h"] == pytest.approx(7.6)
    assert math.isnan(dispatch_stats(d.iloc[:0])["median_h"])


# ------------------------------------------------------------------------- push-to-front ----
def levels(sups_and_levels):
    return [{"supplier_id": s, "support_level": lv} for s, lv in sups_and_levels]


def test_push_to_front_flags_starting_high_and_going_down_a_level():
    ev = make_events(
        {
            "UP": levels([("sd", 1), ("net", 2), ("net", 3)]),  # fine
            "SKIP": levels([("sd", 1), ("net", 3)]),  # L1 -> L3 is an escalation: fine
            "HIGH": levels([("net", 2), ("net", 3)]),  # started at L2
            "DOWN": levels([("sd", 1), ("app", 3), ("app", 2), (None, None), ("sd", 1)]),
        }
    )
    v = push_to_front(ev)
    got = sorted(zip(v["ticket_id"], v["kind"], v["supplier_id"], strict=True))
    # DOWN: 3 -> 2 handed down by app; 2 -> 1 (skipping the level-less event) by app again
    assert got == [
        ("DOWN", "level_down", "app"),
        ("DOWN", "level_down", "app"),
        ("HIGH", "started_high", "net"),
    ]
    by = push_to_front_by_supplier(v, suppliers=["sd"]).set_index("supplier_id")
    assert by["violations"].to_dict() == {"app": 2, "net": 1, "sd": 0, ALL: 3}
    assert by["tickets"].to_dict() == {"app": 1, "net": 1, "sd": 0, ALL: 2}


def test_push_to_front_can_ignore_the_dispatch_desk():
    # sd L1 -> si L1 -> net L2 -> si L1 (bounced to dispatch) -> host L2
    ev = make_events({"T": levels([("sd", 1), ("si", 1), ("net", 2), ("si", 1), ("host", 2)])})
    assert push_to_front(ev)["supplier_id"].tolist() == ["net"]  # net handed down to si
    assert push_to_front(ev, ignore_suppliers=["si"]).empty  # 1, 2, 2: no drop


# ------------------------------------------------------------------------ gaming signals ----
def make_clocks(rows: list[dict]) -> pd.DataFrame:
    base = {
        "ticket_id": None,
        "supplier_id": "euc",
        "ticket_type": "incident",
        "priority": 3,
        "service": "laptops",
        "opened_at": ts("2026-03-01T09:00Z"),
        "first_response_at": ts("2026-03-01T09:10Z"),
        "resolved_at": ts("2026-03-05T09:00Z"),
        "status": "resolved",
        "response_target_h": 1.0,
        "resolution_target_h": 24.0,
        "response_h": 0.2,
        "resolution_h": 10.0,
        "paused_h": 0.0,
        "resolution_actual_h": 96.0,
        "response_breached": False,
        "resolution_breached": False,
        "ever_breached": False,
        "elapsed_share": 0.4,
        "at_risk_band": "<50%",
        "pause_before_resolution": False,
        "is_open": False,
        "completed": True,
    }
    df = pd.DataFrame([{**base, "ticket_id": f"C{i}", **r} for i, r in enumerate(rows)])
    return df.astype({"pause_before_resolution": "boolean", "resolved_at": "datetime64[us, UTC]"})


def test_paused_share_and_pause_before_resolution_per_supplier():
    c = make_clocks(
        [
            {"resolution_h": 6.0, "paused_h": 4.0, "pause_before_resolution": True},
            {"resolution_h": 10.0, "paused_h": 0.0},
            {"resolution_h": 8.0, "paused_h": None, "pause_before_resolution": None},
            {"resolution_h": None, "paused_h": 50.0, "pause_before_resolution": True},
            {"supplier_id": "net", "resolution_h": 5.0, "paused_h": 5.0},
            {"resolved_at": ts("2026-04-01T00:00Z"), "paused_h": 99.0},  # April: not counted
        ]
    )
    r = paused_share(c, "2026-03").set_index("supplier_id")
    # euc: paused 4 + 0 + 0 (missing) = 4 over (6+4) + (10+0) + (8+0) = 28 -> 1/7;
    # the row without resolution_h is out of the hours, in the ticket count.
    assert r.loc["euc", "paused_share"] == pytest.approx(4 / 28)
    # tickets 4, paused before resolution 2 (C0 and C3; the missing flag is not paused)
    assert r.loc["euc", "pause_before_resolution_share"] == pytest.approx(2 / 4)
    assert r.loc["net", "paused_share"] == pytest.approx(0.5)
    # estate: paused 4 + 5 = 9 over 28 + 10 = 38; 2 of 5 tickets paused before resolution
    assert r.loc[ALL, "paused_share"] == pytest.approx(9 / 38)
    assert r.loc[ALL, "pause_before_resolution_share"] == pytest.approx(2 / 5)


def test_paused_share_is_nan_for_a_supplier_without_resolved_tickets():
    r = paused_share(make_clocks([{}]), "2026-03", suppliers=["hosting"]).set_index("supplier_id")
    assert math.isnan(r.loc["hosting", "paused_share"])
    assert r.loc["hosting", "tickets"] == 0


# ---------------------------------------------------------------------------- watermelon ----
def values(rows):
    return pd.DataFrame(
        [
            {"supplier_id": s, "period": "2026-03", "measure": m, "scope": sc, "value": v}
            for s, m, sc, v in rows
        ]
    )


def test_watermelon_is_green_sla_with_a_red_experience_signal():
    v = values(
        [
            ("a", "sla_resolution_attainment", "", 0.97),
            ("a", "sla_resolution_attainment", "priority=1", 0.96),  # not overall: ignored
            ("a", "ping_pong_rate", "", 0.08),  # > 5 %: red
            ("b", "sla_resolution_attainment", "", 0.99),
            ("b", "sla_response_attainment", "", 0.90),  # worst overall 0.90: not green
            ("b", "reopen_rate", "", 0.30),
            ("c", "sla_resolution_attainment", "", 0.95),  # exactly expected: green
            ("c", "satisfaction", "", 3.6),  # >= 3.5: not red
            ("c", "reopen_rate", "", 0.10),  # not above 10 %: not red
            ("d", "reopen_rate", "", 0.50),  # no SLA values
        ]
    )
    w = watermelon(v).set_index("supplier_id")
    assert w.loc["a", "watermelon"]
    assert w.loc["a", "red_signals"] == "ping_pong_rate"
    assert w.loc["a", "sla_attainment"] == pytest.approx(0.97)  # overall scope only
    assert not w.loc["b", "watermelon"]
    assert w.loc["b", "sla_attainment"] == pytest.approx(0.90)
    assert w.loc["c", "sla_green"]
    assert not w.loc["c", "watermelon"]
    assert pd.isna(w.loc["d", "watermelon"])
    # per-supplier expected levels: a expected 0.98 is no longer green on 0.97
    assert (
        not watermelon(v, sla_expected={"a": 0.98}).set_index("supplier_id").loc["a", "watermelon"]
    )
    # every scope: a's priority-1 attainment 0.96 is the worst (still >= 0.95)
    every = watermelon(v, sla_scope=None).set_index("supplier_id")
    assert every.loc["a", "sla_attainment"] == pytest.approx(0.96)
    assert every.loc["a", "watermelon"]
    strict = watermelon(v, sla_scope=None, sla_expected=0.965).set_index("supplier_id")
    assert not strict.loc["a", "sla_green"]


def test_watermelon_names_which_time_target_figure_is_the_lower_one():
    # Beacon: response 97.5 %, resolution 100 %; the check reads the lower, and says which.
    v = values(
        [
            ("desk", "sla_response_attainment", "", 0.975),
            ("desk", "sla_resolution_attainment", "", 1.0),
            ("euc", "sla_resolution_attainment", "", 0.93),
            ("euc", "sla_response_attainment", "", 0.99),
        ]
    )
    w = watermelon(v).set_index("supplier_id")
    assert w.loc["desk", "sla_measure"] == "sla_response_attainment"
    assert w.loc["euc", "sla_measure"] == "sla_resolution_attainment"
    assert w.loc["desk", "sla_attainment"] == pytest.approx(0.975)


def test_watermelon_values_are_measure_values_of_one_zero_or_nan():
    v = values(
        [
            ("a", "sla_resolution_attainment", "", 0.97),
            ("a", "satisfaction", "", 2.9),
            ("b", "sla_resolution_attainment", "", 0.97),
            ("c", "satisfaction", "", 2.0),
        ]
    )
    mv = watermelon_values(watermelon(v))
    assert list(mv.columns) == MEASURE_VALUE_COLUMNS
    got = dict(zip(mv["supplier_id"], mv["value"], strict=True))
    assert got["a"] == 1.0 and got["b"] == 0.0 and math.isnan(got["c"])
    assert set(mv["measure"]) == {"watermelon_flag"} <= set(MEASURES)


# ---------------------------------------------------------------------------- 360 scores ----
def test_collaboration_score_excludes_self_ratings_other_periods_and_satisfaction():
    s = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(6)],
            "supplier_id": ["net", "net", "net", "net", "host", "net"],
            "period": ["2026-03", "2026-03", "2026-03", "2026-02", "2026-03", "2026-03"],
            "survey_type": ["collaboration"] * 5 + ["satisfaction"],
            "respondent": ["host", "euc", "net", "host", "net", "customer"],
            "score": [4.0, 2.0, 5.0, 1.0, 3.0, 1.0],
        }
    )
    r = collaboration_score(s, "2026-03", suppliers=["euc"]).set_index("supplier_id")
    # net: 4 and 2 (self-rating 5, February 1 and the satisfaction survey left out) = 3.0
    assert r.loc["net", "score"] == 3.0
    assert r.loc["host", "score"] == 3.0
    assert math.isnan(r.loc["euc", "score"])
    assert (r.loc[ALL, "responses"], r.loc[ALL, "score"]) == (3, 3.0)  # (4 + 2 + 3) / 3


# ------------------------------------------------------------------------ measure values ----
@pytest.fixture(scope="module")
def params():
    return fixture_params()


def mini_estate() -> dict[str, pd.DataFrame]:
    """Three tickets resolved in March 2026 (London), through the real estate's suppliers."""
    ev = make_events(
        {
            "T1": ["service-desk", "integrator", "network", "integrator", "hosting"],
            "T2": ["service-desk", "integrator", "hosting"],
            "T3": ["service-desk", "integrator", "euc"],
            "INC0000042": ["integrator", "network", "integrator", "network"],  # excluded
        }
    )
    t = pd.concat(
        [
            resolved_tickets(["T1", "T2", "INC0000042"], supplier_id="hosting"),
            resolved_tickets(["T3"], supplier_id="euc"),
        ],
        ignore_index=True,
    )
    return {"tickets": t, "ticket_events": ev}


def test_measure_values_follow_the_contract_and_the_catalogue(params):
    mv = measure_values(None, mini_estate(), params, ["2026-03"])
    assert list(mv.columns) == MEASURE_VALUE_COLUMNS
    assert not mv.duplicated(["supplier_id", "period", "measure", "scope"]).any()
    assert set(mv["measure"]) <= set(MEASURES)
    assert set(mv["supplier_id"]) == {s.id for s in params.estate.suppliers}
    assert set(mv["scope"]) == {"", ESTATE_SCOPE}
    assert str(mv["value"].dtype) == "float64" and str(mv["supplier_id"].dtype) == "str"


def test_measure_values_hand_computed_for_a_small_estate(params):
    mv = measure_values(None, mini_estate(), params, ["2026-03"])
    get = mv.set_index(["supplier_id", "measure", "scope"])
    # raw handoffs: T1 4, T2 2, T3 2 -> 8 / 3 (INC0000042 is an agreed exclusion)
    h = get.loc[("integrator", "cross_supplier_handoffs_raw", "")]
    assert (h["numerator"], h["denominator"]) == (8.0, 3.0)
    # scored: designed route service-desk > integrator > towers leaves out sd > integ and
    # integ > tower moves: T1 keeps only network > integrator (1), T2 and T3 none -> 1 / 3
    h = get.loc[("integrator", "cross_supplier_handoffs", "")]
    assert (h["numerator"], h["denominator"]) == (1.0, 3.0)
    # ping-pong: T1 integrator > network > integrator; 1 of 3 tickets
    assert get.loc[("integrator", "ping_pong_rate", ""), "value"] == pytest.approx(1 / 3)
    # network touched T1 only, and took part in its bounce: 1 / 1; hosting 0 / 2
    assert get.loc[("network", "ping_pong_rate", ""), "value"] == 1.0
    assert get.loc[("hosting", "ping_pong_rate", ""), "value"] == 0.0
    # routing: T1 first routed to network, resolved by hosting (wrong); T2, T3 right -> 2 / 3
    assert get.loc[("integrator", "routing_accuracy", ""), "value"] == pytest.approx(2 / 3)
    # no clocks, surveys, problems or improvements: NaN, not an error
    assert math.isnan(get.loc[("euc", "paused_share", ""), "value"])
    assert math.isnan(get.loc[("integrator", "collaboration_score", ESTATE_SCOPE), "value"])
    assert get.loc[("integrator", "improvement_delivery", ""), "value"] == 0.0


def test_a_median_and_a_count_level_carry_the_records_they_are_computed_from(params):
    # The scorecard's "counted" of INT-DISPATCH (a median) and INT-CSI (a count) is the
    # measure value's denominator: the tickets the median is over, the entries counted.
    tables = mini_estate()
    when = pd.to_datetime(["2026-03-10 12:00", "2026-03-20 12:00", "2026-02-10 12:00"], utc=True)
    tables["improvements"] = schema.coerce(
        "improvements",
        pd.DataFrame(
            {
                "improvement_id": ["CSI1", "CSI2", "CSI3"],
                "supplier_id": ["network", "euc", "hosting"],
                "title": ["Runbook", "Self-heal", "Patching"],
                "raised_at": pd.to_datetime(["2026-01-05"] * 3, utc=True),
                "approved_at": pd.to_datetime([None] * 3, utc=True),
                "delivered_at": when,  # two in March, one in February
                "estimated_benefit": [None] * 3,
                "realised_benefit": [None] * 3,
                "status": ["delivered"] * 3,
            }
        ),
    )
    mv = measure_values(None, tables, params, ["2026-03"])
    get = mv.set_index(["supplier_id", "measure", "scope"])
    dispatch = get.loc[("integrator", "dispatch_time", "")]
    # T1, T2 and T3 passed the integrator's queue (INC0000042 is an agreed exclusion)
    assert math.isnan(dispatch["numerator"]) and dispatch["denominator"] == 3.0
    delivered = get.loc[("integrator", "improvement_delivery", "")]
    assert (delivered["value"], delivered["denominator"]) == (2.0, 2.0)
    assert math.isnan(delivered["numerator"])


def test_measure_values_can_keep_excluded_tickets(params):
    mv = measure_values(None, mini_estate(), params, ["2026-03"], apply_exclusions=False)
    h = mv.set_index(["supplier_id", "measure", "scope"]).loc[
        ("integrator", "cross_supplier_handoffs_raw", "")
    ]
    assert (h["numerator"], h["denominator"]) == (11.0, 4.0)  # + 3 handoffs of INC0000042


def test_measure_values_on_the_demo_estate_keep_rates_in_range(params):
    from siamlib import clocks, demo

    tables = demo.generate(n_tickets=2_000, seed=3)
    c = clocks.ticket_clocks(
        tables["tickets"],
        tables["ticket_events"],
        params,
        pd.Timestamp(demo.WINDOW_END, tz=params.estate.timezone),
    )
    mv = measure_values(c, tables, params, ["2026-08", "2026-09"])
    rates = mv[mv["measure"].map(lambda m: MEASURES[m].unit == "%")]
    bounded = rates[rates["measure"] != "benefit_realisation"]  # may beat the estimate
    assert bounded["value"].dropna().between(0, 1).all()
    assert mv.loc[mv["measure"] == "aged_ticket_reduction", "value"].dropna().le(1).all()
    assert not mv.duplicated(["supplier_id", "period", "measure", "scope"]).any()


# ---------------------------------------------------------------------------- properties ----
suppliers = st.sampled_from(["a", "b", "c", None])
sequences = st.dictionaries(
    st.sampled_from([f"T{i}" for i in range(6)]),
    st.lists(suppliers, min_size=1, max_size=8),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seqs=sequences, seed=st.integers(0, 2**16))
def test_collaboration_measures_do_not_depend_on_row_order(seqs, seed):
    ev = make_events(seqs)
    shuffled = ev.sample(frac=1, random_state=seed)
    pd.testing.assert_frame_equal(ping_pong(ev), ping_pong(shuffled))
    pd.testing.assert_frame_equal(handoffs(ev), handoffs(shuffled))
    pd.testing.assert_frame_equal(handoff_matrix(ev), handoff_matrix(shuffled))
    pd.testing.assert_frame_equal(ping_pong_pairs(ev), ping_pong_pairs(shuffled))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seqs=sequences)
def test_collaboration_invariants(seqs):
    ev = make_events(seqs)
    h = handoffs(ev).set_index("ticket_id")
    pp = ping_pong(ev).set_index("ticket_id")
    assert (h["handoffs"] <= h["events"] - 1).all()
    assert (h["handoffs"] == (pp["steps"] - 1).clip(lower=0)).all()
    assert (~pp["ping_pong"] | pp["revisit"]).all()  # a bounce returns to a supplier
    assert (~pp["alternating"] | pp["ping_pong"]).all()
    assert (pp["bounces"] <= (pp["steps"] - 2).clip(lower=0)).all()
    assert handoff_matrix(ev)["handoffs"].sum() == h["handoffs"].sum()
    rates = ping_pong_by_supplier(ev)["ping_pong_rate"].dropna()
    assert rates.between(0, 1).all()


@settings(max_examples=25, deadline=None)
@given(
    opened=st.lists(st.integers(0, 120), min_size=1, max_size=12),
    resolved_after=st.lists(st.one_of(st.none(), st.integers(0, 90)), min_size=12, max_size=12),
)
def test_aged_counts_are_bounded(opened, resolved_after):
    start = ts("2026-01-01T00:00Z")
    rows = []
    for i, d in enumerate(opened):
        r = resolved_after[i]
        o = start + pd.Timedelta(days=d)
        res = None if r is None else (o + pd.Timedelta(days=r)).isoformat()
        rows.append(
            {
                "opened_at": o.isoformat(),
                "resolved_at": res,
                "status": "assigned" if r is None else "resolved",
            }
        )
    t = make_tickets(*rows)
    red = aged_ticket_reduction(t, "2026-03", 30)
    assert (red["aged_start"] <= red["open_start"]).all()
    assert (red["aged_end"] <= red["open_end"]).all()
    assert red["reduction"].dropna().le(1).all()
    assert red[["aged_share_start", "aged_share_end"]].stack().dropna().between(0, 1).all()
    per = red[red["supplier_id"] != ALL]
    total = red[red["supplier_id"] == ALL].iloc[0]
    assert per["aged_end"].sum() == total["aged_end"]


@settings(max_examples=25, deadline=None)
@given(
    hours=st.lists(
        st.tuples(st.floats(0, 100), st.one_of(st.none(), st.floats(0, 100)), st.booleans()),
        min_size=1,
        max_size=10,
    )
)
def test_clock_stop_shares_are_fractions(hours):
    c = make_clocks(
        [{"resolution_h": r, "paused_h": p, "pause_before_resolution": b} for r, p, b in hours]
    )
    r = paused_share(c, "2026-03")
    assert r["paused_share"].dropna().between(0, 1).all()
    assert r["pause_before_resolution_share"].dropna().between(0, 1).all()
    assert np.isfinite(r["clock_h"]).all()


# ----------------------------------------------------- fast paths agree with the definitions --
# measure_values codes ticket ids as integers, sorts the log once, cuts it per period and asks
# an EventTimeline for the last event before each instant. These properties pin each shortcut
# to the plain definition it replaces, on random logs with shuffled rows, ties in time,
# missing suppliers and statuses.
random_events = st.lists(
    st.tuples(
        st.sampled_from(["T0", "T1", "T2", "T3", "X9"]),  # X9: events of an unknown ticket
        st.integers(0, 60 * 24 * 70),  # minutes after 1 Feb 2026: into April
        st.sampled_from(["assigned", "in_progress", "resolved", "closed", None]),
        st.sampled_from(["net", "host", None]),
    ),
    min_size=0,
    max_size=25,
)


def _random_log(rows, seed):
    """Tickets T0..T3 and an event log from ``rows``, event_seq in time order, rows shuffled."""
    base = ts("2026-02-01T00:00Z")
    ev = pd.DataFrame(
        [
            {
                "ticket_id": tid,
                "event_at": base + pd.Timedelta(minutes=m),
                "status": status,
                "supplier_id": sup,
                "assignment_group": None if sup is None else f"{sup}-g",
                "support_level": None,
            }
            for tid, m, status, sup in rows
        ],
        columns=["ticket_id", "event_at", "status", "supplier_id", "assignment_group"],
    )
    ev = ev.sort_values(["ticket_id", "event_at"], kind="stable")
    ev["event_seq"] = ev.groupby("ticket_id").cumcount() + 1
    ev["support_level"] = None
    ev = schema.coerce("ticket_events", ev.sample(frac=1, random_state=seed))
    resolved = ["2026-02-20T00:00Z", "2026-03-15T00:00Z", "2026-03-31T23:00Z", None]
    t = make_tickets(
        *(
            {"ticket_id": f"T{i}", "opened_at": "2026-01-20T00:00Z", "resolved_at": r}
            for i, r in enumerate(resolved)
        )
    )
    return t, ev


def _last_event_reference(t, ev, at):
    """Per ticket: status of the last event (by event_seq) before ``at`` and the last supplier
    named before ``at``, by the plain filter-and-group definition."""
    before = ev[ev["event_at"] < at].sort_values(["ticket_id", "event_seq"])
    status = before.groupby("ticket_id").tail(1).set_index("ticket_id")["status"]
    named = before[before["supplier_id"].notna()]
    holder = named.groupby("ticket_id").tail(1).set_index("ticket_id")["supplier_id"]
    return status.reindex(t["ticket_id"]), holder.reindex(t["ticket_id"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=random_events, seed=st.integers(0, 2**16), at_min=st.integers(0, 60 * 24 * 70))
def test_open_at_from_a_timeline_follows_the_last_event_before_the_instant(rows, seed, at_min):
    from siamlib.measures.integrator import EventTimeline

    t, ev = _random_log(rows, seed)
    at = ts("2026-02-01T00:00Z") + pd.Timedelta(minutes=at_min)
    status, holder = _last_event_reference(t, ev, at)
    got = open_at(t, at, events=EventTimeline(t, ev)).set_index("ticket_id")
    for tid, s, h in zip(t["ticket_id"], status, holder, strict=True):
        if pd.isna(s):  # no event with a status before the instant: the tickets-only rule
            expected_open = tid in set(open_at(t, at)["ticket_id"])
        else:
            expected_open = s in schema.OPEN_STATUSES
        assert (tid in got.index) == expected_open, (tid, s)
        if expected_open:
            assert got.loc[tid, "supplier_id"] == (h if pd.notna(h) else "net")
    pd.testing.assert_frame_equal(open_at(t, at, events=ev), got.reset_index())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=random_events, seed=st.integers(0, 2**16))
def test_one_sorted_cut_per_period_equals_restricting_each_period(rows, seed):
    from siamlib.measures.integrator import _coded_ids, _restrict, _split_by_resolution

    t, ev = _random_log(rows, seed)
    t, ev = _coded_ids(t, ev)
    periods = ["2026-02", "2026-03", "2026-04"]
    parts = _split_by_resolution(t, ev, periods, "Europe/London")
    for p in periods:
        t_p, rows = parts[p]
        ev_p = ev.take(rows).reset_index(drop=True)
        expected = _restrict(ev, p, t, "Europe/London")
        pd.testing.assert_frame_equal(ev_p, expected)
        pd.testing.assert_frame_equal(_restrict(ev_p, None, None, "UTC"), expected)
        resolved_in_p = t[t["resolved_at"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m") == p]
        assert t_p["ticket_id"].tolist() == resolved_in_p["ticket_id"].tolist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=random_events, seed=st.integers(0, 2**16))
def test_event_order_check_says_yes_exactly_when_sorting_changes_nothing(rows, seed):
    from siamlib.measures.integrator import _EVENT_ORDER, _in_event_order

    _, ev = _random_log(rows, seed)
    ev = ev.reset_index(drop=True)
    ev.loc[ev.index[:2], "event_at"] = ev["event_at"].min()  # ties in time for some rows
    once = ev.sort_values(_EVENT_ORDER, kind="stable").reset_index(drop=True)
    assert _in_event_order(once)
    assert _in_event_order(ev) == ev.equals(once)
