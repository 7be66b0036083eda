"""Supplier returns: templates import cleanly; bad rows are rejected with every problem named."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from siamlib import schema
from siamlib.importers.result import ImporterError
from siamlib.importers.returns import (
    import_returns,
    merge_return,
    returns_to_model,
    template_path,
)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


IMPROVEMENT_HEADER = [
    "improvement_id",
    "supplier_id",
    "title",
    "raised_at",
    "approved_at",
    "delivered_at",
    "estimated_benefit",
    "realised_benefit",
    "status",
]


def improvements(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=IMPROVEMENT_HEADER, dtype="str")


@pytest.mark.parametrize("kind", ["improvements", "surveys"])
def test_templates_have_the_data_model_columns_and_import_cleanly(kind):
    header = pd.read_csv(template_path(kind), nrows=0).columns.tolist()
    assert header == schema.TABLES[kind].column_names
    r = import_returns(template_path(kind), kind)
    assert r.summary.rows_rejected == 0
    assert r.summary.rows_used == r.summary.rows_read == 2


def test_improvement_dates_are_local_midnights_in_the_estate_zone():
    r = import_returns(template_path("improvements"), "improvements")
    t = r.tables["improvements"]
    # 2026-06-02 London (BST, UTC+1) midnight = 2026-06-01 23:00 UTC.
    assert t.loc[0, "raised_at"] == ts("2026-06-01 23:00")
    assert t.loc[0, "realised_benefit"] == 12500.0
    assert pd.isna(t.loc[1, "approved_at"])


def test_every_problem_of_a_row_is_named_in_its_reason():
    df = improvements(
        [
            ["I1", "euc", "Good", "2026-05-01", "2026-05-10", "", "100", "", "approved"],
            ["I2", "acme", "", "2026-05-01", "2026-04-01", "", "-5", "", "done"],
            ["I1", "euc", "Dup", "2026-05-01", "", "", "", "", "proposed"],
            ["I3", "euc", "Late", "2026-05-01", "", "2026/06/01", "", "lots", "delivered"],
        ]
    )
    r = returns_to_model(df, "improvements")
    assert r.summary.rows_used == 1
    reasons = dict(zip(r.rejects["source_row"], r.rejects["reason"], strict=True))
    assert reasons == {
        3: "title: missing; supplier_id: not a supplier in estate.yaml; status: not one of "
        "proposed, approved, in_progress, delivered, rejected; approved_at: before raised_at; "
        "estimated_benefit: negative",
        4: "improvement_id: duplicate of an earlier row",
        5: "delivered_at: not a date YYYY-MM-DD; delivered_at: missing for status delivered; "
        "approved_at: missing for an approved status; realised_benefit: not a number",
    }
    assert r.summary.rows_read == r.summary.rows_used + r.summary.rows_rejected


def test_rows_of_another_supplier_are_rejected_when_the_submitter_is_given():
    df = improvements(
        [
            ["I1", "euc", "Mine", "2026-05-01", "", "", "", "", "proposed"],
            ["I2", "network", "Theirs", "2026-05-01", "", "", "", "", "proposed"],
        ]
    )
    r = returns_to_model(df, "improvements", supplier_id="euc")
    assert r.rejects["reason"].tolist() == ["supplier_id: not the submitting supplier 'euc'"]


def test_survey_rules():
    df = pd.DataFrame(
        {
            "Response ID": ["R1", "R2", "R3", "R4", "R5"],
            "Supplier ID": ["euc", "euc", "euc", "euc", "euc"],
            "Period": ["2026-09", "2026-09", "2026-13", "2026-09", "2026-10"],
            "Survey Type": ["satisfaction", "satisfaction", "collaboration", "collaboration",
                            "collaboration"],
            "Respondent": ["customer", "network", "euc", "nobody", "retained"],
            "Score": ["5", "4", "3", "0.5", "2"],
        }
    )  # fmt: skip
    r = returns_to_model(df, "surveys")
    assert r.rejects["reason"].tolist() == [
        "respondent: must be 'customer' for a satisfaction survey",
        "period: not YYYY-MM; respondent: rates itself",
        "score: not between 1 and 5; respondent: not 'retained' or a supplier id for a "
        "collaboration survey",
    ]
    assert r.tables["surveys"]["response_id"].tolist() == ["R1", "R5"]
    # Periods 2026-09..2026-10 in London: 1 Sep BST = 31 Aug 23:00Z; 1 Nov GMT = 00:00Z.
    assert r.window == (ts("2026-08-31 23:00"), ts("2026-11-01 00:00"))


def test_missing_required_columns_is_a_clear_error():
    df = pd.DataFrame({"response_id": ["R1"], "score": ["4"]})
    with pytest.raises(ImporterError, match=r"missing column\(s\) supplier_id, period"):
        returns_to_model(df, "surveys", source="s.csv")


def test_optional_columns_may_be_left_out_of_the_file():
    df = pd.DataFrame(
        {
            "improvement_id": ["I1"],
            "supplier_id": ["hosting"],
            "title": ["Patch faster"],
            "raised_at": ["2026-01-05"],
            "status": ["proposed"],
        }
    )
    r = returns_to_model(df, "improvements")
    assert r.summary.rows_used == 1
    assert r.tables["improvements"]["estimated_benefit"].isna().all()


def test_unknown_kind_is_refused():
    with pytest.raises(ImporterError, match="unknown return kind 'complaints'"):
        returns_to_model(pd.DataFrame({"a": ["1"]}), "complaints")


def test_excel_return_with_date_cells(tmp_path):
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(IMPROVEMENT_HEADER)
    ws.append(["I9", "network", "Fewer alarms", dt.datetime(2026, 2, 3), None, None, 1000, None,
               "proposed"])  # fmt: skip
    wb.save(tmp_path / "ret.xlsx")
    r = import_returns(tmp_path / "ret.xlsx", "improvements", supplier_id="network")
    assert r.summary.rows_rejected == 0
    # 3 Feb 2026 London (GMT) midnight = 00:00 UTC.
    assert r.tables["improvements"].loc[0, "raised_at"] == ts("2026-02-03")
    assert r.tables["improvements"].loc[0, "estimated_benefit"] == 1000.0


# ------------------------------------------------------------------ merging ---------------
def surveys_frame(rows):
    return pd.DataFrame(rows, columns=["response_id", "supplier_id", "period"], dtype="str")


def test_merge_replaces_only_the_submitting_suppliers_rows_of_the_covered_periods():
    old = surveys_frame(
        [["E8", "euc", "2026-08"], ["E9a", "euc", "2026-09"], ["E9b", "euc", "2026-09"],
         ["N9", "network", "2026-09"]]
    )  # fmt: skip
    new = surveys_frame([["E9c", "euc", "2026-09"]])
    merged, replaced = merge_return(old, new, "surveys", "Europe/London")
    assert merged["response_id"].tolist() == ["E8", "N9", "E9c"]
    assert replaced == [
        {"table": "surveys", "supplier_id": "euc", "periods": ["2026-09"],
         "rows_removed": 2, "rows_added": 1}
    ]  # fmt: skip


def test_merge_into_an_empty_table_removes_nothing():
    merged, replaced = merge_return(
        surveys_frame([]), surveys_frame([["N9", "network", "2026-09"]]), "surveys", "UTC"
    )
    assert merged["response_id"].tolist() == ["N9"]
    assert [(r["rows_removed"], r["rows_added"]) for r in replaced] == [(0, 1)]


def test_merge_of_improvements_goes_by_the_local_month_raised_and_by_id():
    old = pd.DataFrame(
        {
            "improvement_id": ["A", "B", "C"],
            "supplier_id": ["euc", "euc", "euc"],
            # A: 31 May 23:30 UTC = 1 June 00:30 London, so June; B: May; C: April.
            "raised_at": [ts("2026-05-31 23:30"), ts("2026-05-10 09:00"), ts("2026-04-02")],
        }
    )
    new = pd.DataFrame(
        {"improvement_id": ["C", "D"], "supplier_id": ["euc", "euc"],
         "raised_at": [ts("2026-06-03"), ts("2026-06-20")]}
    )  # fmt: skip
    merged, replaced = merge_return(old, new, "improvements", "Europe/London")
    # June is covered: A goes; C comes back with its corrected date; B (May) stays.
    assert merged["improvement_id"].tolist() == ["B", "C", "D"]
    assert replaced[0]["periods"] == ["2026-04", "2026-06"]
    assert (replaced[0]["rows_removed"], replaced[0]["rows_added"]) == (2, 2)


def test_implausible_dates_and_infinite_numbers_are_rejected():
    df = improvements(
        [["I1", "euc", "Typing slip", "1926-05-01", "", "", "", "", "proposed"],
         ["I2", "euc", "Infinite", "2026-05-01", "", "", "inf", "", "proposed"]]
    )  # fmt: skip
    r = returns_to_model(df, "improvements")
    assert r.rejects["reason"].tolist() == [
        "raised_at: not between 2000 and 2100",
        "estimated_benefit: not a finite number",
    ]
    assert r.window is None


def test_a_survey_period_outside_2000_to_2100_is_rejected():
    df = pd.DataFrame(
        {"response_id": ["R1"], "supplier_id": ["euc"], "period": ["0026-09"],
         "survey_type": ["satisfaction"], "respondent": ["customer"], "score": ["4"]}
    )  # fmt: skip
    assert returns_to_model(df, "surveys").rejects["reason"].tolist() == [
        "period: not between 2000 and 2100"
    ]
