"""Scope as lived: actual split per party beside the contracted share, drift flag."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from siamlib.scope_lived import held_by_capability, lived_split
from tests.fixtures.fixture_params import fixture_params

RACI = fixture_params().raci  # incident-management: integrator 15, service-desk 25, towers 15


def _items(**counts):
    return pd.DataFrame(
        {
            "capability": ["incident-management"] * sum(counts.values()),
            "supplier_id": [p for p, n in counts.items() for _ in range(n)],
        }
    )


def _row(out, party):
    return out[(out["capability"] == "incident-management") & (out["party"] == party)].iloc[0]


def test_party_beyond_the_tolerance_drifts():
    # 10 items: integrator 4 (40% vs 15%: +25 > 15 drifts), service-desk 3 (30% vs 25%: +5)
    out = lived_split(_items(integrator=4, **{"service-desk": 3}, euc=3), RACI)
    assert _row(out, "integrator")["actual_share"] == 40.0 and _row(out, "integrator")["drift"]
    assert not _row(out, "service-desk")["drift"]
    # euc 30% vs 15%: exactly 15 points is within the tolerance, not a drift
    assert _row(out, "euc")["gap"] == 15.0 and not _row(out, "euc")["drift"]


def test_held_hours_share_per_party():
    held = pd.DataFrame(
        {
            "capability": ["incident-management"] * 2,
            "supplier_id": ["euc", "integrator"],
            "held_h": [3.0, 1.0],
        }
    )
    out = lived_split(_items(euc=1), RACI, held)
    assert _row(out, "euc")["held_share"] == 75.0  # 3 / (3 + 1)


def test_held_hours_take_the_capability_of_the_ticket_type():
    a = pd.DataFrame(
        {"ticket_id": ["T1", "T2"], "supplier_id": ["euc", "euc"], "held_h": [1.0, 2.0]}
    )
    t = pd.DataFrame({"ticket_id": ["T1", "T2"], "ticket_type": ["incident", "other"]})
    out = held_by_capability(a, t, {"incident": "incident-management"})
    assert out["held_h"].tolist() == [1.0]  # an unmapped kind is left out


@given(
    st.lists(
        st.sampled_from(["integrator", "service-desk", "euc", "hosting"]), min_size=1, max_size=30
    )
)
def test_actual_shares_of_a_capability_sum_to_100(parties):
    items = pd.DataFrame({"capability": "incident-management", "supplier_id": parties})
    out = lived_split(items, RACI)
    inc = out[out["capability"] == "incident-management"]
    assert abs(inc["actual_share"].sum() - 100) < 1e-6
