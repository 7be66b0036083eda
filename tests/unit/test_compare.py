"""siamlib.compare: change scope, re-scoring and the side-by-side frames (hand-computed)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import compare
from tests.fixtures.fixture_params import fixture_params

P = fixture_params()


def _with_level(params, supplier, level_id, **update):
    c = params.contracts[supplier]
    levels = [sl.model_copy(update=update) if sl.id == level_id else sl for sl in c.service_levels]
    contracts = {**params.contracts, supplier: c.model_copy(update={"service_levels": levels})}
    return params.model_copy(update={"contracts": contracts})


def _values(actual: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier_id": ["hosting"],
            "period": ["2026-06"],
            "measure": ["sla_resolution_attainment"],
            "scope": ["priority=1"],
            "value": [actual],
            "numerator": [actual * 100],
            "denominator": [100.0],
        }
    )


def test_change_scope_levels_only_is_scoring_and_calendar_is_clocks():
    assert compare.change_scope(P, P) == "none"
    assert compare.change_scope(P, _with_level(P, "hosting", "P1-RES", minimum=50.0)) == "scoring"
    c = P.contracts["euc"]
    targets = [t.model_copy(update={"target_hours": 99.0}) for t in c.sla_targets]
    slower = P.model_copy(
        update={"contracts": {**P.contracts, "euc": c.model_copy(update={"sla_targets": targets})}}
    )
    assert compare.change_scope(P, slower) == "clocks"
    fewer = P.model_copy(update={"exclusions": P.exclusions.model_copy(update={"exclusions": []})})
    assert compare.change_scope(P, fewer) == "measures"


def test_a_contract_key_only_scoring_reads_is_scoring_and_recipients_change_nothing():
    c = P.contracts["euc"]

    def with_euc(**update):
        return P.model_copy(
            update={"contracts": {**P.contracts, "euc": c.model_copy(update=update)}}
        )

    grey = c.small_samples.model_copy(update={"policy": "grey"})
    assert compare.change_scope(P, with_euc(small_samples=grey)) == "scoring"
    assert compare.change_scope(P, with_euc(recipients=["other@example.org"])) == "none"
    # the window only says which planned outages the gate blocks (OUT-030): no figure moves
    assert compare.change_scope(P, with_euc(maintenance_window="always")) == "none"


def test_lowered_minimum_turns_red_amber_and_removes_the_pool_credit():
    # Hosting P1-RES: actual 88% < minimum 90% -> red, credit 30% x at-risk 28,800 = 8,640.
    # Draft minimum 85%: 88% is between 85 and expected 95 -> amber, no credit (trigger
    # below_minimum). Points: current 0 (clamped at minimum); draft (85 - 88) / (85 - 95) x 20
    # = 6.0. Only P1-RES has data, so the weighted score is 0 -> 6 / 20 x 100 = 30.
    draft = _with_level(P, "hosting", "P1-RES", minimum=85.0)
    cur = compare.rescore(_values(0.88), P, "2026-06", 1)
    new = compare.rescore(_values(0.88), draft, "2026-06", 1)
    levels, summary, totals = compare.compare(cur, new)
    row = levels[(levels["supplier_id"] == "hosting") & (levels["scope"] == "priority=1")]
    assert row[["rag_current", "rag_draft"]].values.tolist() == [["red", "amber"]]
    assert row["points_diff"].tolist() == [pytest.approx(6.0)]
    hosting = summary[summary["supplier_id"] == "hosting"].iloc[0]
    assert (hosting["credits_current"], hosting["credits_draft"]) == (8640.0, 0.0)
    assert hosting["weighted_score_draft"] == pytest.approx(30.0)
    every = totals[totals["supplier_id"] == "all suppliers"].iloc[0]
    assert every["credits_diff"] == -8640.0
    assert levels["rag_changed"].sum() == 1


def test_month_window_refuses_more_than_twelve_months():
    with pytest.raises(ValueError, match="between 1 and 12"):
        compare.month_window("2026-10", 13)


@settings(max_examples=5, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_same_params_never_differ(actual):
    s = compare.rescore(_values(actual), P, "2026-06", 1)
    _, summary, totals = compare.compare(s, s)
    assert (summary["credits_diff"] == 0).all()
    assert (totals["credits_current"] == totals["credits_draft"]).all()
