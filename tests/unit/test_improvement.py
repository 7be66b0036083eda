"""Continual-improvement register: throughput, ageing, benefit realisation.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import schema
from siamlib.measures.improvement import (
    benefit_realisation,
    improvement_ageing,
    register_throughput,
)
from siamlib.measures.integrator import ALL


def make_register(*rows: dict) -> pd.DataFrame:
    base = {
        "supplier_id": "network",
        "title": "an improvement",
        "raised_at": "2026-01-10T10:00Z",
        "approved_at": None,
        "delivered_at": None,
        "estimated_benefit": None,
        "realised_benefit": None,
        "status": "proposed",
    }
    df = pd.DataFrame([{**base, "improvement_id": f"I{i}", **r} for i, r in enumerate(rows)])
    return schema.coerce("improvements", df)


# ----------------------------------------------------------------------------- throughput ---
def test_throughput_counts_each_event_in_the_period_of_its_own_date():
    reg = make_register(
        {
            "raised_at": "2026-02-03T09:00Z",
            "approved_at": "2026-03-02T09:00Z",
            "delivered_at": "2026-03-20T09:00Z",
            "status": "delivered",
        },
        {"raised_at": "2026-03-05T09:00Z"},
        {
            "supplier_id": "hosting",
            "raised_at": "2026-03-06T09:00Z",
            "approved_at": "2026-03-07T09:00Z",
            "status": "approved",
        },
        {"supplier_id": "hosting", "raised_at": "2026-03-08T09:00Z", "status": "rejected"},
    )
    t = register_throughput(reg, ["2026-02", "2026-03"], suppliers=["euc"])
    got = {(r.supplier_id, r.period): (r.raised, r.approved, r.delivered) for r in t.itertuples()}
    # February: network raised I0. March: network raised I1, approved and delivered I0;
    # hosting raised I2 and I3 (rejected entries were still raised), approved I2.
    assert got == {
        ("euc", "2026-02"): (0, 0, 0),
        ("hosting", "2026-02"): (0, 0, 0),
        ("network", "2026-02"): (1, 0, 0),
        (ALL, "2026-02"): (1, 0, 0),
        ("euc", "2026-03"): (0, 0, 0),
        ("hosting", "2026-03"): (2, 1, 0),
        ("network", "2026-03"): (1, 1, 1),
        (ALL, "2026-03"): (3, 2, 1),
    }
    assert t["supplier_id"].tolist()[-1] == ALL  # each period closes with its ALL row


def test_throughput_uses_the_reporting_time_zone():
    # 31 March 23:30 UTC is 1 April 00:30 in London (BST).
    reg = make_register({"delivered_at": "2026-03-31T23:30Z", "status": "delivered"})
    utc = register_throughput(reg, ["2026-03", "2026-04"])
    london = register_throughput(reg, ["2026-03", "2026-04"], tz="Europe/London")

    def pick(t):
        return t[t.supplier_id == ALL].set_index("period")["delivered"].to_dict()

    assert pick(utc) == {"2026-03": 1, "2026-04": 0}
    assert pick(london) == {"2026-03": 0, "2026-04": 1}


# --------------------------------------------------------------------------------- ageing ---
def test_ageing_keeps_entries_open_at_the_instant_with_whole_day_buckets():
    at = pd.Timestamp("2026-04-01T00:00Z")
    reg = make_register(
        {"raised_at": "2026-03-02T00:00Z"},  # 30 days: 0-30
        {"raised_at": "2026-03-01T00:00Z"},  # 31 days: 31-90
        {"raised_at": "2025-10-03T00:00Z"},  # 180 days: 91-180
        {"raised_at": "2025-10-02T00:00Z"},  # 181 days: 181+
        {
            "raised_at": "2026-03-30T12:00Z",
            "delivered_at": "2026-04-02T00:00Z",
            "status": "delivered",
        },  # delivered after the instant: open then, 1.5 -> 1 day
        {
            "raised_at": "2026-01-01T00:00Z",
            "delivered_at": "2026-03-31T00:00Z",
            "status": "delivered",
        },  # delivered before: closed
        {"raised_at": "2026-01-01T00:00Z", "status": "delivered"},  # no date: closed
        {"raised_at": "2026-01-01T00:00Z", "status": "rejected"},  # never open
        {"raised_at": "2026-04-01T00:00Z"},  # raised at the instant: not yet
    )
    a = improvement_ageing(reg, at).set_index("improvement_id")
    assert a["age_days"].to_dict() == {"I0": 30, "I1": 31, "I2": 180, "I3": 181, "I4": 1}
    assert a["bucket"].to_dict() == {
        "I0": "0-30",
        "I1": "31-90",
        "I2": "91-180",
        "I3": "181+",
        "I4": "0-30",
    }


def test_ageing_bucket_edges_are_an_argument():
    reg = make_register({"raised_at": "2026-03-25T00:00Z"}, {"raised_at": "2026-03-01T00:00Z"})
    a = improvement_ageing(reg, pd.Timestamp("2026-04-01T00:00Z"), buckets=(7,))
    assert a["bucket"].tolist() == ["0-7", "8+"]  # 7 days, 31 days
    assert improvement_ageing(reg.iloc[:0], pd.Timestamp("2026-04-01T00:00Z")).empty


# ----------------------------------------------------------------------- benefit realised ---
def test_benefit_realisation_over_the_trailing_twelve_months():
    reg = make_register(
        # period 2026-03 (UTC): window 2025-04-01 (inclusive) .. 2026-04-01 (exclusive)
        {
            "delivered_at": "2025-04-01T00:00Z",
            "estimated_benefit": 1000.0,
            "realised_benefit": 900.0,
            "status": "delivered",
        },
        {
            "delivered_at": "2025-03-31T23:59Z",
            "estimated_benefit": 5000.0,
            "realised_benefit": 0.0,
            "status": "delivered",
        },  # before the window
        {
            "delivered_at": "2026-03-31T12:00Z",
            "estimated_benefit": 1000.0,
            "status": "delivered",
        },  # nothing realised yet: 0
        {
            "delivered_at": "2026-02-01T00:00Z",
            "estimated_benefit": None,
            "realised_benefit": 700.0,
            "status": "delivered",
        },  # no estimate: left out
        {
            "supplier_id": "hosting",
            "delivered_at": "2026-01-15T00:00Z",
            "estimated_benefit": 200.0,
            "realised_benefit": 300.0,
            "status": "delivered",
        },
    )
    r = benefit_realisation(reg, "2026-03", suppliers=["euc"]).set_index("supplier_id")
    # network: (900 + 0) / (1000 + 1000) = 0.45; hosting 300 / 200 = 1.5 (beat the estimate)
    assert r.loc["network", "realisation"] == pytest.approx(0.45)
    assert r.loc["hosting", "realisation"] == pytest.approx(1.5)
    assert math.isnan(r.loc["euc", "realisation"])
    # estate: (900 + 0 + 300) / (1000 + 1000 + 200) = 1200 / 2200
    assert r.loc[ALL, "realisation"] == pytest.approx(1200 / 2200)
    assert r.loc[ALL, "delivered"] == 3


def test_benefit_realisation_window_length_is_an_argument():
    reg = make_register(
        {
            "delivered_at": "2026-01-15T00:00Z",
            "estimated_benefit": 100.0,
            "realised_benefit": 50.0,
            "status": "delivered",
        },
        {
            "delivered_at": "2026-03-15T00:00Z",
            "estimated_benefit": 100.0,
            "realised_benefit": 100.0,
            "status": "delivered",
        },
    )
    one = benefit_realisation(reg, "2026-03", months=1).set_index("supplier_id")
    assert one.loc[ALL, "realisation"] == 1.0  # March only
    three = benefit_realisation(reg, "2026-03", months=3).set_index("supplier_id")
    assert three.loc[ALL, "realisation"] == 0.75  # (50 + 100) / 200


# ----------------------------------------------------------------------------- properties ---
dates = st.one_of(st.none(), st.integers(0, 120))


@settings(max_examples=25, deadline=None)
@given(entries=st.lists(st.tuples(st.integers(0, 120), dates, dates), min_size=1, max_size=10))
def test_throughput_totals_match_the_dated_events(entries):
    start = pd.Timestamp("2026-01-01T00:00Z")

    def at(d):
        return None if d is None else (start + pd.Timedelta(days=d)).isoformat()

    reg = make_register(
        *(
            {
                "raised_at": at(r),
                "approved_at": at(a),
                "delivered_at": at(d),
                "supplier_id": ["euc", "network"][i % 2],
            }
            for i, (r, a, d) in enumerate(entries)
        )
    )
    periods = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]  # covers day 0..120
    t = register_throughput(reg, periods)
    totals = t[t.supplier_id == ALL][["raised", "approved", "delivered"]].sum()
    assert totals["raised"] == len(entries)
    assert totals["approved"] == sum(a is not None for _, a, _ in entries)
    assert totals["delivered"] == sum(d is not None for _, _, d in entries)
    per = t[t.supplier_id != ALL].groupby("period")[["raised", "approved", "delivered"]].sum()
    alls = t[t.supplier_id == ALL].set_index("period")[["raised", "approved", "delivered"]]
    pd.testing.assert_frame_equal(per, alls.loc[per.index])
