"""``siam import ...`` commands: write the dataset, print the summary, fail clearly."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from siamlib import io, paths
from siamlib.cli import app
from siamlib.importers.servicenow import SAMPLE
from tests.fixtures.fixture_params import (
    FIXTURE_BPI_MAPPING,
    FIXTURE_PARAMS_DIR,
    FIXTURE_SERVICENOW_MAPPING,
)

FIXTURES = paths.ROOT / "tests" / "unit" / "fixtures" / "importers"
runner = CliRunner()


def test_import_servicenow_writes_dataset_rejects_and_prints_the_summary(tmp_path):
    out = tmp_path / "sn"
    res = runner.invoke(
        app,
        ["import", "servicenow", str(SAMPLE), "--mapping", str(FIXTURE_SERVICENOW_MAPPING)]
        + ["--out", str(out), "--tz", "Europe/London"],
    )
    assert res.exit_code == 0, res.output
    assert "rows read             4040" in res.output
    assert "data error: state -100" in res.output
    assert "cases rejected        1" in res.output
    # INC0028089 (6 rows, two in state -100) is rejected whole: 599 of the 600 incidents.
    assert len(io.read_table(out, "tickets")) == 599
    assert len(pd.read_csv(out / "rejects.csv")) == 6


def test_import_eventlog_needs_and_uses_a_mapping(tmp_path):
    out = tmp_path / "bpi"
    res = runner.invoke(
        app,
        [
            "import",
            "eventlog",
            str(FIXTURES / "bpi2013_volvo_small.csv"),
            "--mapping",
            str(FIXTURE_BPI_MAPPING),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "unmapped organisation: 'Org line Z9' (1)" in res.output
    assert len(io.read_table(out, "ticket_events")) == 16


def test_import_returns_checks_the_submitting_supplier(tmp_path):
    res = runner.invoke(
        app,
        ["import", "returns", str(FIXTURE_PARAMS_DIR / "templates" / "surveys.csv"),
         "--kind", "surveys", "--supplier", "network", "--out", str(tmp_path / "r")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "rows rejected         2" in res.output
    assert "not the submitting supplier 'network'" in res.output


def test_empty_file_exits_with_an_error_message(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    res = runner.invoke(
        app, ["import", "servicenow", str(tmp_path / "empty.csv"), "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 2
    assert "the file is empty" in res.output
    assert not (tmp_path / "x").exists()


def test_bad_time_zone_exits_with_an_error_message(tmp_path):
    res = runner.invoke(
        app, ["import", "servicenow", str(SAMPLE), "--out", str(tmp_path / "x"), "--tz", "Nowhere"]
    )
    assert res.exit_code != 0
    assert "unknown time zone 'Nowhere'" in res.output


def test_unknown_return_kind_exits_with_usage_error(tmp_path):
    res = runner.invoke(
        app, ["import", "returns", str(SAMPLE), "--kind", "tickets", "--out", str(tmp_path)]
    )
    assert res.exit_code == 2
    assert "--kind must be one of improvements, surveys" in res.output


BPI = FIXTURES / "bpi2013_volvo_small.csv"
BPI_MAPPING = FIXTURE_BPI_MAPPING


def _eventlog(out, *extra, source=BPI, mapping=BPI_MAPPING):
    args = ["import", "eventlog", str(source), "--mapping", str(mapping), "--out", str(out)]
    return runner.invoke(app, [*args, *extra])


def test_eventlog_into_a_folder_holding_a_dataset_exits_2_and_keeps_it(tmp_path):
    out = tmp_path / "ds"
    assert _eventlog(out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    res = _eventlog(out)
    assert res.exit_code == 2
    assert (
        "already holds a dataset; pass --replace to replace it whole, or choose another --out"
        in res.output
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_replace_rebuilds_the_folder_whole(tmp_path):
    out = tmp_path / "ds"
    runner.invoke(
        app, ["import", "returns", str(FIXTURES / "surveys_base.csv"), "--kind", "surveys",
              "--out", str(out)],
    )  # fmt: skip
    res = _eventlog(out, "--replace")
    assert res.exit_code == 0, res.output
    assert not (out / "surveys.parquet").exists()
    assert len(io.read_table(out, "ticket_events")) == 16


def test_returns_into_an_imported_event_log_merge_and_say_what_was_replaced(tmp_path):
    out = tmp_path / "ds"
    _eventlog(out)
    returns = ["import", "returns", "--kind", "surveys", "--out", str(out)]
    res = runner.invoke(app, [*returns, str(FIXTURES / "surveys_base.csv")])
    assert res.exit_code == 0, res.output
    resubmitted = str(FIXTURES / "surveys_euc_2026-09_resubmitted.csv")
    res = runner.invoke(app, [*returns, "--supplier", "euc", resubmitted])
    assert res.exit_code == 0, res.output
    assert "replaced surveys of euc for 2026-09: 2 row(s) removed, 1 added" in res.output
    assert len(io.read_table(out, "surveys")) == 3
    assert len(io.read_table(out, "ticket_events")) == 16


def test_names_with_spaces_and_non_ascii_work(tmp_path):
    folder = tmp_path / "Exports – Zürich"
    folder.mkdir()
    src = folder / "volvo log ü.csv"
    src.write_bytes(BPI.read_bytes())
    res = _eventlog(folder / "jeu de données", source=src)
    assert res.exit_code == 0, res.output


def test_out_pointing_at_a_file_exits_2_before_any_work(tmp_path):
    (tmp_path / "taken").write_text("x")
    res = _eventlog(tmp_path / "taken")
    assert res.exit_code == 2
    assert "--out" in res.output and "is a file, not a folder" in res.output
    assert (tmp_path / "taken").read_text() == "x"


def test_out_under_a_file_exits_2(tmp_path):
    (tmp_path / "taken").write_text("x")
    res = _eventlog(tmp_path / "taken" / "ds")
    assert res.exit_code == 2
    assert "is a file, so no folder can be made there" in res.output


def test_mapping_that_is_a_folder_or_missing_exits_2_and_writes_nothing(tmp_path):
    for mapping, problem in [
        (tmp_path, "is a folder, not a file"),
        (tmp_path / "nope.yaml", "no such file"),
    ]:
        res = _eventlog(tmp_path / "ds", mapping=mapping)
        assert res.exit_code == 2
        assert f"--mapping {mapping}: {problem}" in res.output
    assert not (tmp_path / "ds").exists()


def test_source_missing_or_a_folder_exits_2(tmp_path):
    for source, problem in [(tmp_path / "nope.csv", "no such file"), (tmp_path, "is a folder")]:
        res = _eventlog(tmp_path / "ds", source=source)
        assert res.exit_code == 2
        assert problem in res.output


def test_utf16_source_exits_2_naming_the_encoding(tmp_path):
    res = runner.invoke(
        app, ["import", "returns", str(FIXTURES / "surveys_utf16.csv"), "--kind", "surveys",
              "--out", str(tmp_path / "r")],
    )  # fmt: skip
    assert res.exit_code == 2
    assert "file is UTF-16; save it as UTF-8 CSV" in res.output
    assert not (tmp_path / "r").exists()


def test_placeholder_years_become_rejected_rows_not_a_traceback(tmp_path):
    lines = BPI.read_text(encoding="utf-8").splitlines()
    # Row 2's timestamp replaced by a year-9999 placeholder.
    first = lines[1].split(";")
    first[1] = "9999-12-31T23:59:00+02:00"
    (tmp_path / "x.csv").write_text("\n".join([lines[0], ";".join(first), *lines[2:]]) + "\n")
    res = _eventlog(tmp_path / "ds", source=tmp_path / "x.csv")
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "bad timestamp" in res.output


def test_replace_with_a_file_whose_rows_are_all_rejected_is_refused_and_keeps_the_dataset(
    tmp_path,
):
    out = tmp_path / "ds"
    assert _eventlog(out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    lines = BPI.read_text(encoding="utf-8").splitlines()
    rows = [";".join(["x", "not a time", *line.split(";")[2:]]) for line in lines[1:]]
    (tmp_path / "bad.csv").write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    res = _eventlog(out, "--replace", source=tmp_path / "bad.csv")
    assert res.exit_code == 2
    assert "bad.csv: column 'Change Date+Time': no value parses" in res.output
    assert "'not a time' (row 2)" in res.output
    assert "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_file_with_no_usable_row_exits_2_naming_the_main_reasons(tmp_path):
    # Every row's priority is a word the ServiceNow mapping does not know: every case is
    # rejected ('no priority'), so nothing could be imported.
    src = tmp_path / "words.csv"
    src.write_text(
        "number,incident_state,sys_mod_count,sys_updated_at,assignment_group,priority\n"
        "INC1,New,0,2/3/2026 09:00,Group 70,Moderate\n"
        "INC1,Resolved,1,2/3/2026 10:00,Group 70,Moderate\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    text = FIXTURE_SERVICENOW_MAPPING.read_text(encoding="utf-8")
    for col in ("category", "ci", "opened_at", "resolved_at", "problem_id", "change_id"):
        text = "\n".join(x for x in text.splitlines() if not x.startswith(f"  {col}:"))
    mapping.write_text(text + "\n", encoding="utf-8")
    res = runner.invoke(
        app, ["import", "servicenow", str(src), "--mapping", str(mapping), "--out",
              str(tmp_path / "o")],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "words.csv: no row can be used: all 2 rows were rejected: 2 no priority" in res.output
    assert "column 'priority', e.g. 'Moderate' (row 2)" in res.output
    assert "rows used" not in res.output
    assert not (tmp_path / "o").exists()


def _import_sample(out, *extra):
    return runner.invoke(
        app,
        ["import", "servicenow", str(SAMPLE), "--mapping", str(FIXTURE_SERVICENOW_MAPPING)]
        + ["--out", str(out), "--tz", "Europe/London", *extra],
    )


def test_a_log_ending_mid_month_cannot_be_reported_on_for_that_month(tmp_path):
    # The sample's last row is 7 Feb 2017 18:00: February 2017 is only part of the log, and
    # scoring it whole would count 21 days without data as days without tickets.
    out = tmp_path / "sn"
    assert _import_sample(out).exit_code == 0
    res = runner.invoke(app, ["figures", "--period", "2017-02", "--data", str(out)])
    assert res.exit_code == 2, res.output
    assert "period 2017-02 is only partly covered by the data window 2016-02-29 to 2017-02-07" in (
        res.output
    )


def test_extracted_at_declares_the_log_complete_up_to_the_export_time(tmp_path):
    out = tmp_path / "sn"
    res = _import_sample(out, "--extracted-at", "2017-03-01T06:30")
    assert res.exit_code == 0, res.output
    # 06:30 in London in March is GMT, so 06:30Z.
    assert io.read_dataset_info(out).window[1] == pd.Timestamp("2017-03-01 06:30", tz="UTC")


def test_extracted_at_before_the_last_row_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "sn"
    res = _import_sample(out, "--extracted-at", "2017-02-01")
    assert res.exit_code == 2
    assert "--extracted-at 2017-02-01: the log has rows up to 2017-02-07 18:00:00 UTC" in (
        res.output
    )
    assert not out.exists()
    res = _import_sample(out, "--extracted-at", "last tuesday")
    assert res.exit_code == 2 and "not a date or time" in res.output
    assert not out.exists()
