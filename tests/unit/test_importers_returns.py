"""Supplier returns: templates import cleanly; bad rows are rejected with every problem named."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from siamlib import io, schema
from siamlib.cli import app
from siamlib.importers.files import write_import
from siamlib.importers.result import ImporterError
from siamlib.importers.returns import (
    import_returns,
    merge_into,
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


def test_a_survey_response_without_a_respondent_is_rejected():
    df = pd.DataFrame(
        {"response_id": ["R1", "R2"], "supplier_id": ["euc", "euc"], "period": ["2026-09"] * 2,
         "survey_type": ["collaboration", "satisfaction"], "respondent": ["", "customer"],
         "score": ["2", "4"]}
    )  # fmt: skip
    r = returns_to_model(df, "surveys")
    assert r.rejects["reason"].tolist() == ["respondent: missing"]
    assert r.tables["surveys"]["response_id"].tolist() == ["R2"]


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


# ------------------------------------------------ ids that clash with the dataset's -------
SURVEY_HEADER = ["response_id", "supplier_id", "period", "survey_type", "respondent", "score"]


def surveys_return(rows, supplier_id=None):
    """A survey return of satisfaction rows [id, supplier, period, score], validated."""
    df = pd.DataFrame(
        [[i, s, p, "satisfaction", "customer", score] for i, s, p, score in rows],
        columns=SURVEY_HEADER,
        dtype="str",
    )
    return returns_to_model(df, "surveys", supplier_id=supplier_id)


def held(rows):
    """Survey rows a dataset holds (as a return of them builds them)."""
    return surveys_return(rows).tables["surveys"]


def rows_of(table, supplier):
    return table[table["supplier_id"] == supplier].reset_index(drop=True)


DATASET = [
    ["SD-1", "service-desk", "2026-10", "5"],
    ["SD-2", "service-desk", "2026-10", "4"],
    ["SD-3", "service-desk", "2026-09", "3"],
    ["H-1", "hosting", "2026-10", "2"],
    ["H-9", "hosting", "2026-09", "1"],
]


def test_a_row_with_another_suppliers_id_is_rejected_and_their_rows_stay():
    old = held(DATASET)
    r = surveys_return(
        [["SD-1", "hosting", "2026-10", "4"], ["H-2", "hosting", "2026-10", "4"],
         ["SD-3", "hosting", "2026-10", "4"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    pd.testing.assert_frame_equal(rows_of(merged, "service-desk"), rows_of(old, "service-desk"))
    # Hosting's rejected October rows may have been meant as its October row H-1: a rejected
    # row replaces nothing, so H-1 is kept (and its September row, outside the return).
    assert rows_of(merged, "hosting")["response_id"].tolist() == ["H-1", "H-9", "H-2"]
    assert dict(zip(r.rejects["source_row"], r.rejects["reason"], strict=True)) == {
        2: "response_id: SD-1 already in the dataset for supplier 'service-desk' (2026-10)",
        4: "response_id: SD-3 already in the dataset for supplier 'service-desk' (2026-09)",
    }
    assert r.rejects["supplier_id"].tolist() == ["hosting", "hosting"]  # the cells as read
    s = r.summary
    assert (s.rows_read, s.rows_used, s.rows_rejected, s.built) == (3, 1, 2, {"surveys": 1})
    assert s.rejected_by_reason == {
        "response_id: already in the dataset for supplier 'service-desk'": 2
    }
    assert s.replaced == [
        {"table": "surveys", "supplier_id": "hosting", "periods": ["2026-10"],
         "rows_removed": 0, "rows_added": 1, "rows_kept": 1}
    ]  # fmt: skip
    assert s.counts["rows_kept_for_rejects"] == 1 and "H-1" in s.notes[0]


def test_without_a_submitter_no_row_takes_another_suppliers_id():
    old = held(DATASET)
    # A file for several suppliers: each row speaks for the supplier it names, and still
    # cannot take (and so remove) another supplier's row.
    r = surveys_return(
        [["SD-2", "hosting", "2026-09", "1"], ["H-1", "service-desk", "2026-10", "1"],
         ["SD-4", "service-desk", "2026-10", "2"]]
    )  # fmt: skip
    merged = merge_into(r, old)
    pd.testing.assert_frame_equal(rows_of(merged, "hosting"), rows_of(old, "hosting"))
    # The rejected H-1 row names service-desk's October: its rows there are kept.
    assert rows_of(merged, "service-desk")["response_id"].tolist() == [
        "SD-1", "SD-2", "SD-3", "SD-4"
    ]  # fmt: skip
    assert r.rejects["reason"].tolist() == [
        "response_id: SD-2 already in the dataset for supplier 'service-desk' (2026-10)",
        "response_id: H-1 already in the dataset for supplier 'hosting' (2026-10)",
    ]
    # The rejected hosting row covers no period: hosting's September row stays.
    assert [(x["supplier_id"], x["periods"], x["rows_removed"]) for x in r.summary.replaced] == [
        ("service-desk", ["2026-10"], 0)
    ]


def test_an_id_repeated_in_the_file_and_taken_in_the_dataset_is_rejected_twice():
    old = held(DATASET)
    r = surveys_return(
        [["SD-1", "hosting", "2026-10", "4"], ["SD-1", "hosting", "2026-10", "5"],
         ["H-2", "hosting", "2026-10", "4"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    pd.testing.assert_frame_equal(rows_of(merged, "service-desk"), rows_of(old, "service-desk"))
    assert r.rejects["reason"].tolist() == [
        "response_id: SD-1 already in the dataset for supplier 'service-desk' (2026-10)",
        "response_id: duplicate of an earlier row",
    ]
    assert r.summary.rows_used == 1 and r.summary.replaced[0]["rows_added"] == 1


def test_a_survey_id_its_supplier_has_in_a_period_the_return_does_not_cover_is_rejected():
    old = held(DATASET)
    # H-9 is hosting's September response; the return covers October only. Moving it would
    # change September, which the return does not speak for. H-1 (October) is resubmitted.
    r = surveys_return(
        [["H-9", "hosting", "2026-10", "5"], ["H-1", "hosting", "2026-10", "5"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.rejects["reason"].tolist() == [
        "response_id: H-9 already in the dataset for 'hosting' in 2026-09, a period this "
        "return does not cover"
    ]
    assert merged.set_index("response_id")["score"].to_dict() == {
        "SD-1": 5.0, "SD-2": 4.0, "SD-3": 3.0, "H-9": 1.0, "H-1": 5.0
    }  # fmt: skip
    # A return covering both months may move it: September is replaced as a whole.
    r = surveys_return(
        [["H-9", "hosting", "2026-10", "5"], ["H-8", "hosting", "2026-09", "5"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.summary.rows_rejected == 0
    assert rows_of(merged, "hosting")["response_id"].tolist() == ["H-9", "H-8"]
    assert r.summary.replaced[0]["periods"] == ["2026-09", "2026-10"]


def test_a_return_whose_every_row_clashes_merges_nothing():
    old = held(DATASET)
    r = surveys_return([["SD-1", "hosting", "2026-11", "4"]], supplier_id="hosting")
    assert merge_into(r, old) is None
    assert (r.window, r.summary.window, r.summary.rows_used, r.summary.replaced) == (
        None, None, 0, [],
    )  # fmt: skip
    assert len(r.tables["surveys"]) == 0 and r.summary.rows_rejected == 1


def test_an_improvement_with_another_suppliers_id_is_rejected_and_an_own_one_moves():
    old = returns_to_model(
        improvements(
            [["CSI0002", "integrator", "Runbook", "2026-09-02", "", "", "", "", "proposed"],
             ["CSI0003", "hosting", "Patching", "2026-04-02", "", "", "", "", "proposed"]]
        ),
        "improvements",
    ).tables["improvements"]  # fmt: skip
    r = returns_to_model(
        improvements(
            [["CSI0002", "hosting", "Backups", "2026-10-05", "", "", "", "", "proposed"],
             ["CSI0003", "hosting", "Patching", "2026-10-01", "", "", "", "", "proposed"]]
        ),
        "improvements",
    )  # fmt: skip
    merged = merge_into(r, old)
    pd.testing.assert_frame_equal(rows_of(merged, "integrator"), rows_of(old, "integrator"))
    assert r.rejects["reason"].tolist() == [
        "improvement_id: CSI0002 already in the dataset for supplier 'integrator' (2026-09)"
    ]
    # Hosting's own CSI0003 moves to its corrected month (documented for improvements).
    assert merged["improvement_id"].tolist() == ["CSI0002", "CSI0003"]
    assert merged.loc[1, "raised_at"] == ts("2026-09-30 23:00")
    assert r.summary.replaced[0]["periods"] == ["2026-04", "2026-10"]


def test_merge_return_never_removes_another_suppliers_row():
    old = surveys_frame([["X1", "euc", "2026-09"], ["X2", "network", "2026-09"]])
    new = surveys_frame([["X2", "euc", "2026-10"]])
    with pytest.raises(ValueError, match="X2: another supplier's in the dataset"):
        merge_return(old, new, "surveys", "UTC")


# ------------------------------------------------ header names that repeat a column --------
def test_a_header_repeating_a_column_in_another_case_is_a_one_line_error_exit_2(tmp_path):
    src = tmp_path / "return.csv"
    src.write_text(
        "response_id,supplier_id,period,survey_type,respondent,score,Score\n"
        "SRV7000001,hosting,2026-10,satisfaction,customer,5,5\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["import", "returns", str(src), "--kind", "surveys", "--out", str(out)]
    )
    assert res.exit_code == 2, res.output
    assert res.output.strip().count("\n") == 0, res.output  # one line, no traceback
    assert "return.csv: duplicate column names: 'score', 'Score'" in res.output
    assert not out.exists()  # nothing written


def test_header_names_equal_once_spaces_and_case_are_ignored_are_refused_by_name():
    df = pd.DataFrame(
        [["R1", "euc", "2026-09", "satisfaction", "customer", "4", "x", "y"]],
        columns=[*SURVEY_HEADER, "Survey Type", " SURVEY_type "],
        dtype="str",
    )
    with pytest.raises(ImporterError, match=r"x\.csv: duplicate column names: 'survey_type', "):
        returns_to_model(df, "surveys", source="x.csv")


# ------------------------------------------------ rejected rows replace nothing ------------
FULL = [  # response_id, supplier_id, period, survey_type, respondent, score
    ["H-S1", "hosting", "2026-10", "satisfaction", "customer", "2"],
    ["H-S2", "hosting", "2026-10", "satisfaction", "customer", "1"],
    ["H-S3", "hosting", "2026-10", "satisfaction", "customer", "2"],
    ["H-C1", "hosting", "2026-10", "collaboration", "retained", "3"],
    ["H-S9", "hosting", "2026-09", "satisfaction", "customer", "1"],
    ["SD-1", "service-desk", "2026-10", "satisfaction", "customer", "5"],
]


def full_return(rows, supplier_id=None):
    df = pd.DataFrame(rows, columns=SURVEY_HEADER, dtype="str")
    return returns_to_model(df, "surveys", supplier_id=supplier_id)


def outside_hosting_october(t):
    return t[(t["supplier_id"] != "hosting") | (t["period"] != "2026-10")].reset_index(drop=True)


def test_rejected_satisfaction_rows_do_not_delete_the_periods_customer_responses():
    old = full_return(FULL).tables["surveys"]
    # Hosting re-sends October: its satisfaction rows now name itself as respondent (all
    # rejected), its collaboration row is valid and corrected.
    r = full_return(
        [["H-S1", "hosting", "2026-10", "satisfaction", "hosting", "5"],
         ["H-S2", "hosting", "2026-10", "satisfaction", "hosting", "5"],
         ["H-S3", "hosting", "2026-10", "satisfaction", "hosting", "5"],
         ["H-C1", "hosting", "2026-10", "collaboration", "retained", "4"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.summary.rows_rejected == 3
    by_id = merged.set_index("response_id")
    assert by_id.loc[["H-S1", "H-S2", "H-S3"], "score"].tolist() == [2.0, 1.0, 2.0]
    assert by_id.loc[["H-S1", "H-S2", "H-S3"], "respondent"].tolist() == ["customer"] * 3
    assert by_id.loc["H-C1", "score"] == 4.0  # the valid row still replaces its original
    pd.testing.assert_frame_equal(outside_hosting_october(merged), outside_hosting_october(old))
    assert r.summary.replaced == [
        {"table": "surveys", "supplier_id": "hosting", "periods": ["2026-10"],
         "rows_removed": 1, "rows_added": 1, "rows_kept": 3}
    ]  # fmt: skip
    assert r.summary.counts["rows_kept_for_rejects"] == 3
    assert "kept 3 surveys row(s) of hosting for 2026-10" in r.summary.to_text()
    assert "H-S1, H-S2, H-S3" in r.summary.to_text()


def test_scores_with_a_decimal_comma_are_rejected_and_their_originals_kept():
    old = full_return(FULL).tables["surveys"]
    r = full_return(
        [["H-S1", "hosting", "2026-10", "satisfaction", "customer", "4,5"],
         ["H-S4", "hosting", "2026-10", "satisfaction", "customer", "5"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.rejects["reason"].tolist() == ["score: not a number"]
    hosting_oct = merged[(merged["supplier_id"] == "hosting") & (merged["period"] == "2026-10")]
    # Nothing of October is lost: H-S1 keeps its valid original score, H-S4 is added.
    assert sorted(hosting_oct["response_id"]) == ["H-C1", "H-S1", "H-S2", "H-S3", "H-S4"]
    assert merged.set_index("response_id").loc["H-S1", "score"] == 2.0
    pd.testing.assert_frame_equal(outside_hosting_october(merged), outside_hosting_october(old))


def test_a_return_on_a_1_to_10_scale_uses_none_of_its_scores_and_keeps_the_originals():
    # Probe 8: hosting's October satisfaction sent on 1-10 (originals 2, 1, 2 doubled): the 2
    # (a 1) used to be merged as 2 on 1-5 while the 4s were rejected, moving CSAT.
    old = full_return(FULL).tables["surveys"]
    r = full_return(
        [["H-S1", "hosting", "2026-10", "satisfaction", "customer", "4"],
         ["H-S2", "hosting", "2026-10", "satisfaction", "customer", "2"],
         ["H-S3", "hosting", "2026-10", "satisfaction", "customer", "8"],
         ["H-C1", "hosting", "2026-10", "collaboration", "retained", "4"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.rejects["reason"].tolist() == [
        "score: another score of this supplier, period and survey type is above 5 (a return "
        "on another scale?)",
    ] * 2 + ["score: not between 1 and 5"]
    scores = merged.set_index("response_id")["score"]
    # the satisfaction originals stay; the collaboration rating (another type) is merged
    assert scores[["H-S1", "H-S2", "H-S3", "H-C1"]].tolist() == [2.0, 1.0, 2.0, 4.0]
    pd.testing.assert_frame_equal(outside_hosting_october(merged), outside_hosting_october(old))


def test_a_rejected_row_whose_period_cannot_be_read_keeps_every_covered_period():
    old = full_return(FULL).tables["surveys"]
    r = full_return(
        [["H-X", "hosting", "Oct 2026", "satisfaction", "customer", "5"],
         ["H-S5", "hosting", "2026-09", "satisfaction", "customer", "5"],
         ["H-S6", "hosting", "2026-10", "satisfaction", "customer", "5"]],
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    hosting = merged[merged["supplier_id"] == "hosting"]
    assert sorted(hosting["response_id"]) == [
        "H-C1", "H-S1", "H-S2", "H-S3", "H-S5", "H-S6", "H-S9"
    ]  # fmt: skip
    assert [x["rows_removed"] for x in r.summary.replaced] == [0]
    pd.testing.assert_frame_equal(rows_of(merged, "service-desk"), rows_of(old, "service-desk"))


def test_a_return_without_rejects_still_replaces_its_covered_period_whole():
    old = full_return(FULL).tables["surveys"]
    r = full_return(
        [["H-S7", "hosting", "2026-10", "satisfaction", "customer", "5"]], supplier_id="hosting"
    )
    merged = merge_into(r, old)
    assert sorted(merged["response_id"]) == ["H-S7", "H-S9", "SD-1"]
    assert "rows_kept_for_rejects" not in r.summary.counts and r.summary.notes == []


def test_a_rejected_improvement_keeps_the_entries_of_its_month():
    rows = [
        ["CSI1", "hosting", "Patching", "2026-10-02", "", "", "", "", "proposed"],
        ["CSI2", "hosting", "Backups", "2026-10-03", "", "", "", "", "proposed"],
        ["CSI3", "euc", "Imaging", "2026-10-03", "", "", "", "", "proposed"],
    ]
    old = returns_to_model(improvements(rows), "improvements").tables["improvements"]
    r = returns_to_model(
        improvements(
            [["CSI1", "hosting", "Patching", "2026-10-02", "", "", "-5", "", "proposed"],
             ["CSI4", "hosting", "Runbooks", "2026-10-09", "", "", "", "", "proposed"]]
        ),
        "improvements",
        supplier_id="hosting",
    )  # fmt: skip
    merged = merge_into(r, old)
    assert r.summary.rows_rejected == 1
    assert sorted(merged["improvement_id"]) == ["CSI1", "CSI2", "CSI3", "CSI4"]
    pd.testing.assert_frame_equal(rows_of(merged, "euc"), rows_of(old, "euc"))


def test_a_partly_rejected_return_written_into_a_dataset_loses_no_row(tmp_path):
    out = tmp_path / "ds"
    base = tmp_path / "base.csv"
    pd.DataFrame(FULL, columns=SURVEY_HEADER).to_csv(base, index=False)
    write_import(import_returns(base, "surveys"), out)
    before = io.read_table(out, "surveys")
    again = tmp_path / "again.csv"
    again.write_text(
        ",".join(SURVEY_HEADER) + "\n"
        "H-S1,hosting,2026-10,satisfaction,hosting,5\n"
        "H-C1,hosting,2026-10,collaboration,retained,4\n",
        encoding="utf-8",
    )
    write_import(import_returns(again, "surveys", supplier_id="hosting"), out)
    after = io.read_table(out, "surveys")
    assert sorted(after["response_id"]) == sorted(before["response_id"])
    pd.testing.assert_frame_equal(outside_hosting_october(after), outside_hosting_october(before))
    summary = json.loads((out / "import_summary_surveys.json").read_text())
    assert summary["counts"] == {"rows_kept_for_rejects": 3}
    assert summary["notes"][0].startswith("kept 3 surveys row(s) of hosting for 2026-10")


def test_a_return_cut_short_is_refused_unless_shrink_and_the_dataset_is_kept(tmp_path):
    # Hosting's October: 4 rows held (H-S1..3, H-C1); a file with 1 row would replace them.
    out = tmp_path / "ds"
    base = tmp_path / "base.csv"
    pd.DataFrame(FULL, columns=SURVEY_HEADER).to_csv(base, index=False)
    write_import(import_returns(base, "surveys"), out)
    before = io.read_table(out, "surveys")
    short = tmp_path / "short.csv"
    short.write_text(
        ",".join(SURVEY_HEADER) + "\nH-S7,hosting,2026-10,satisfaction,customer,5\n",
        encoding="utf-8",
    )
    with pytest.raises(ImporterError) as err:
        write_import(import_returns(short, "surveys", supplier_id="hosting"), out)
    assert str(err.value) == (
        f"{short}: would replace hosting's 4 surveys rows of 2026-10 with 1 (fewer than "
        "half): a return cut short would move that month's figures; check the file, or pass "
        "--shrink to replace them anyway"
    )
    pd.testing.assert_frame_equal(io.read_table(out, "surveys"), before)
    write_import(import_returns(short, "surveys", supplier_id="hosting"), out, shrink=True)
    after = io.read_table(out, "surveys")
    assert sorted(after.loc[after["supplier_id"] == "hosting", "response_id"]) == ["H-S7", "H-S9"]
