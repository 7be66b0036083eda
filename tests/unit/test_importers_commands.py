"""``siam import ...`` commands: write the dataset, print the summary, fail clearly."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from siamlib import io, paths
from siamlib.cli import app
from siamlib.importers.servicenow import SAMPLE

FIXTURES = paths.ROOT / "tests" / "unit" / "fixtures" / "importers"
runner = CliRunner()


def test_import_servicenow_writes_dataset_rejects_and_prints_the_summary(tmp_path):
    out = tmp_path / "sn"
    res = runner.invoke(
        app, ["import", "servicenow", str(SAMPLE), "--out", str(out), "--tz", "Europe/London"]
    )
    assert res.exit_code == 0, res.output
    assert "rows read             4040" in res.output
    assert "data error: state -100" in res.output
    assert len(io.read_table(out, "tickets")) == 600
    assert len(pd.read_csv(out / "rejects.csv")) == 2


def test_import_eventlog_needs_and_uses_a_mapping(tmp_path):
    out = tmp_path / "bpi"
    res = runner.invoke(
        app,
        [
            "import",
            "eventlog",
            str(FIXTURES / "bpi2013_volvo_small.csv"),
            "--mapping",
            str(paths.PARAMS_DIR / "mappings" / "bpi2013_volvo_example.yaml"),
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
        ["import", "returns", str(paths.PARAMS_DIR / "templates" / "surveys.csv"),
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
