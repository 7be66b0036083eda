"""siamlib.reissue: the changes between two figures files (hand-written frames)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import figures, reissue

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


# ------------------------------------------------- every figure of the file that moved is listed
def _figures(cells: dict | None = None) -> pd.DataFrame:
    """A small figures file (every column of siamlib.figures): a level, a waived credit line,
    the supplier's headline figures and the board's."""
    rows = [
        {"kind": "level", "supplier_id": "hosting", "service_level": "P2-RES",
         "measure": "sla_resolution_attainment", "scope": "priority=2", "actual": 76.92307692,
         "expected": 95.0, "minimum": 88.0, "rag": "red", "numerator": 30.0,
         "denominator": 39.0, "weight": 20.0, "points": 0.0},
        {"kind": "level", "supplier_id": "hosting", "service_level": "REOPEN",
         "measure": "reopen_rate", "scope": "", "actual": 4.78, "expected": 3.0,
         "minimum": 6.0, "rag": "amber", "numerator": 13.0, "denominator": 272.0,
         "weight": 10.0, "points": 4.07},
        {"kind": "credit", "supplier_id": "hosting", "service_level": "P2-RES",
         "measure": "sla_resolution_attainment", "scope": "priority=2", "actual": 76.92307692,
         "expected": 95.0, "minimum": 88.0, "line": "waived", "amount": 0.0, "currency": "GBP",
         "explanation": "waived: caused by the email outage"},
        {"kind": "headline", "supplier_id": "hosting", "measure": "weighted_score",
         "actual": 53.86, "rag": "red", "weight": 30.0, "points": 16.158},
        {"kind": "headline", "supplier_id": "hosting", "measure": "net_credits", "actual": 0.0,
         "rag": "green", "currency": "GBP"},
        {"kind": "headline", "supplier_id": "board-summary", "measure": "net_credits",
         "actual": 9360.0, "rag": "amber", "currency": "GBP"},
    ]  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=figures.FIGURE_COLUMNS).astype(object)
    for (i, col), value in (cells or {}).items():
        frame.loc[i, col] = value
    return frame


def test_the_weighted_score_moving_alone_is_listed():
    # The auditor's re-issue: Summit Hosting's weighted score 53.9 -> 53.8 with no other row
    # of the figures file covering it.
    old = _figures()
    new = _figures({(3, "actual"): 53.75, (3, "points"): 16.125})
    out = reissue.changes(old, new)
    assert out[["supplier_id", "kind", "measure", "field", "change"]].values.tolist() == [
        ["hosting", "headline", "weighted_score", "actual", "changed"],
        ["hosting", "headline", "weighted_score", "points", "changed"],
    ]
    assert out.loc[0, ["before", "after"]].tolist() == ["53.86", "53.75"]
    assert out.loc[0, "difference"] == pytest.approx(-0.11)


def test_a_credit_lines_actual_moving_without_its_amount_is_listed():
    # The waived line's actual 76.92 -> 78.95 (one ticket excluded); its amount stays 0.
    old = _figures()
    new = _figures({(2, "actual"): 78.94736842})
    out = reissue.changes(old, new)
    assert out[["supplier_id", "kind", "service_level", "line", "field"]].values.tolist() == [
        ["hosting", "credit", "P2-RES", "waived", "actual"]
    ]
    assert out.loc[0, ["before", "after"]].tolist() == ["76.92307692", "78.94736842"]


def test_nothing_moved_gives_no_rows_even_with_two_levels_on_one_measure():
    # Two levels scoring the same measure and scope (matched in file order, not crossed),
    # the old file read back from its text, the new one as computed.
    stretch = dict(service_level="P2-STRETCH", expected=99.0, minimum=97.0, weight=5.0)
    frame = pd.concat([_figures(), _figures().iloc[[0]].assign(**stretch)], ignore_index=True)
    old = reissue.read_figures_text(figures.to_csv_text(frame))
    assert reissue.changes(old, frame).empty
    assert list(reissue.changes(old, frame).columns) == reissue.CHANGE_COLUMNS


def test_a_renamed_level_and_a_changed_explanation_are_listed():
    new = _figures({(0, "service_level"): "P2-RES-2026H2", (2, "explanation"): "credit"})
    out = reissue.changes(_figures(), new)
    got = out[["kind", "field", "before", "after"]].values.tolist()
    assert got == [
        ["level", "service_level", "P2-RES", "P2-RES-2026H2"],
        ["credit", "explanation", "waived: caused by the email outage", "credit"],
    ]


_FIELDS = [c for c in figures.FIGURE_COLUMNS if c not in ("kind", "supplier_id")]


@settings(max_examples=60, deadline=None)
@given(
    row=st.integers(min_value=0, max_value=5),
    column=st.sampled_from(_FIELDS),
    value=st.one_of(st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)),
                    st.sampled_from(["red", "x", "P9"])),
)  # fmt: skip
def test_any_one_cell_that_moves_is_listed(row, column, value):
    # Whatever the row and column, a cell of the figures file that moved is in the changes:
    # as one changed field, or (a key column) as its row removed and another added.
    old = _figures()
    new = _figures({(row, column): value})
    moved = figures.to_csv_text(old) != figures.to_csv_text(new)
    out = reissue.changes(old, new)
    assert moved == (not out.empty)
    if moved and set(out["change"]) == {"changed"}:
        assert out["field"].tolist() == [column]


def test_a_pack_published_before_limit_kind_existed_is_not_all_changed():
    # The old figures file has no limit_kind column (a label, not a figure): no change rows.
    new = _figures({(0, "limit_kind"): "minimum", (1, "limit_kind"): "maximum"})
    old = reissue.read_figures_text(figures.to_csv_text(new.drop(columns=["limit_kind"])))
    assert reissue.changes(old, new).empty
    # ...while both files having it, a changed label is listed.
    moved = reissue.changes(
        new, new.assign(limit_kind=["maximum", "maximum", *new["limit_kind"][2:]])
    )
    assert moved["field"].tolist() == ["limit_kind"]
