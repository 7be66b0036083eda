"""siamlib.reissue: the changes between two figures files (hand-written frames)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import reissue

OLD = pd.DataFrame(
    {
        "kind": ["level", "level", "credit", "credit"],
        "supplier_id": ["hosting", "euc", "hosting", "hosting"],
        "service_level": ["P1-RES", "RES", "P1-RES", "P1-RES"],
        "measure": ["sla_resolution_attainment"] * 2 + ["", ""],
        "scope": ["priority=1", "", "", ""],
        "actual": [88.0, 97.0, None, None],
        "rag": ["red", "green", "", ""],
        "line": ["", "", "credit", "earn_back"],
        "amount": [None, None, 8640.0, -500.0],
    }
)


def test_upheld_dispute_changes_only_the_level_and_its_credit():
    # One breached P1 ticket excluded: 88 of 100 -> 88 of 99 = 88.888...% (still red, so
    # the 8,640 credit stays); the earn-back line disappears (removed), the euc row is equal.
    new = OLD.copy()
    new.loc[0, "actual"] = 88 / 99 * 100
    new = new.drop(index=3)
    out = reissue.changes(OLD, new)
    assert out[["supplier_id", "service_level", "field", "change"]].values.tolist() == [
        ["hosting", "P1-RES", "actual", "changed"],
        ["hosting", "P1-RES", "amount", "removed"],
    ]
    assert out.loc[0, ["before", "after"]].tolist() == ["88", "88.88888889"]
    assert out.loc[1, "difference"] == 500.0


def test_added_credit_line_is_listed_as_added():
    new = pd.concat([OLD, OLD.iloc[[2]].assign(supplier_id="euc", service_level="RES")])
    out = reissue.changes(OLD, new)
    assert out[["supplier_id", "change", "after"]].values.tolist() == [["euc", "added", "8640"]]


@settings(max_examples=10, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_identical_files_have_no_changes(amount):
    frame = OLD.assign(amount=[None, None, amount, -amount])
    text = frame.to_csv(index=False)
    assert reissue.changes(reissue.read_figures_text(text), reissue.read_figures_text(text)).empty
