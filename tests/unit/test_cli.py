"""The ``siam`` command in-process: version and help flags, ``siam figures`` on a tiny estate,
``siam validate`` refusing and stopping what ``siam run`` refuses and stops."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from siamlib import __version__, demo, figures
from siamlib.cli import app
from tests.fixtures.fixture_params import FIXTURE_DRAFT_DIR, FIXTURE_PARAMS_DIR
from tests.unit.test_gate import OCT_JAN, tower_tickets, write_folder
from tests.unit.test_quality import good_tables

PERIOD = "2026-10"


def _invoke(args: list[str]):
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["version"]])
def test_version_flags_and_command_print_only_the_version(args):
    result = _invoke(args)
    assert result.exit_code == 0 and result.output == f"{__version__}\n"


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["figures", "-h"], ["run", "-h"]])
def test_short_and_long_help_work(args):
    result = _invoke(args)
    assert result.exit_code == 0 and "Usage:" in result.output


def test_figures_is_listed_in_the_help():
    assert "figures" in _invoke(["-h"]).output


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``siam figures`` once to stdout and once to a file, both through awkward folder names."""
    root = tmp_path_factory.mktemp("cli")
    dataset = demo.write_demo(root / "demo", n_tickets=300)
    data = root / "données du mois"
    os.symlink(dataset, data)
    out = root / "résultats avec espaces" / "chiffres été.csv"
    to_stdout = _invoke(["figures", "--period", PERIOD, "--data", str(data)])
    to_file = _invoke(["figures", "--period", PERIOD, "--data", str(data), "--out", str(out)])
    return to_stdout, to_file, out


def test_figures_prints_the_csv_on_stdout_and_exits_0_or_1(runs):
    to_stdout, _, _ = runs
    assert to_stdout.exit_code in (0, 1), to_stdout.stderr
    lines = to_stdout.stdout.splitlines()
    assert lines[0] == ",".join(figures.FIGURE_COLUMNS)
    kinds = {line.split(",", 1)[0] for line in lines[1:]}
    assert "level" in kinds
    blocked = [line.split(",")[1] for line in lines[1:] if line.startswith("blocked,")]
    # Exit 1 exactly when the gate blocked a supplier, and then each one is named on stderr.
    assert to_stdout.exit_code == (1 if blocked else 0)
    for name in blocked:
        assert f"blocked: {name} (" in to_stdout.stderr


def test_figures_out_writes_the_same_bytes_as_stdout(runs):
    to_stdout, to_file, out = runs
    assert to_file.exit_code == to_stdout.exit_code, to_file.stderr
    assert to_file.stdout == ""
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    assert f"figures: {out}" in to_file.stderr


def test_compare_bad_draft_is_one_line_naming_the_drafts_file_and_key(tmp_path):
    import shutil

    draft = tmp_path / "draft"
    shutil.copytree(FIXTURE_DRAFT_DIR, draft)
    hosting = draft / "contracts" / "hosting.yaml"
    hosting.write_text(hosting.read_text().replace("minimum: 60", "minimum: sixty"))
    result = _invoke(
        ["compare", "--period", "2026-10", "--against", str(draft), "--data", str(tmp_path)]
        + ["--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "contracts/hosting.yaml: service_levels[2].minimum" in result.output
    assert not (tmp_path / "o").exists()


def test_compare_refuses_thirteen_months():
    result = _invoke(["compare", "--period", "2026-10", "--months", "13", "--against", "."])
    assert result.exit_code == 2 and "between 1 and 12" in result.output


# ------------------------------------------------- siam validate says what siam run would do
def _dry_run(period: str, data, params=FIXTURE_PARAMS_DIR):
    return _invoke(
        ["run", "--period", period, "--dry-run", "--no-progress", "--no-cache", "--jobs", "1"]
        + ["--data", str(data), "--params", str(params)]
    )


def test_validate_names_the_integrator_stopped_by_the_towers_quarantined_rows_as_run_does(
    tmp_path,
):
    # 4 of hosting's 10 January tickets and 4 of network's 10 scored 9 of 5: each tower is
    # under every limit (the month's is 5 rows), but the integrator's levels read all 20
    # tickets, 8 of them (40 %) out. The window holds every month January's figures read.
    data = write_folder(tmp_path, tower_tickets(4), OCT_JAN)
    checked = _invoke(["validate", "--data", str(data), "--params", str(FIXTURE_PARAMS_DIR)])
    lines = checked.stdout.strip().splitlines()
    assert checked.exit_code == 1, checked.output
    # No --period: the last month the window (January 2026) covers in full.
    assert lines[0] == "Period 2026-01: what `siam run --period 2026-01` would stop."
    assert any(line.startswith("Report for integrator stopped by") for line in lines)
    assert lines[-1] == "BLOCKED: reports stopped for integrator"
    run = _dry_run("2026-01", data)
    assert run.exit_code == checked.exit_code
    assert "blocked by data quality: integrator\n" in run.stderr


def test_validate_refuses_a_homoglyph_exclusion_with_the_runs_message_and_exit_2(tmp_path):
    import shutil

    # 'ІNC0000042' with a Cyrillic capital I (U+0406): no ticket has it, so it would exclude
    # nothing; the run refuses it before any work.
    params = tmp_path / "params"
    shutil.copytree(FIXTURE_PARAMS_DIR, params)
    exclusions = params / "exclusions.yaml"
    text = exclusions.read_text(encoding="utf-8")
    exclusions.write_text(text.replace("ticket_id: INC0000042", "ticket_id: \u0406NC0000042"))
    data = write_folder(tmp_path, good_tables())
    checked = _invoke(["validate", "--data", str(data), "--params", str(params)])
    run = _dry_run("2026-01", data, params)
    assert checked.exit_code == run.exit_code == 2
    message = (
        "error: exclusions.yaml: exclusions[0].ticket_id '\u0406NC0000042' holds U+0406 "
        "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I (not ASCII) and no ticket has that "
        "id: retype the id in plain letters and digits\n"
    )
    assert checked.stderr == run.stderr == message
    assert checked.stdout == ""


def test_validate_refuses_a_month_outside_the_data_window_as_run_does(tmp_path):
    data = write_folder(tmp_path, good_tables())
    checked = _invoke(["validate", "--period", "2026-03", "--data", str(data)])
    run = _dry_run("2026-03", data)
    assert checked.exit_code == run.exit_code == 2
    assert checked.stderr == run.stderr
    assert "period 2026-03 is outside the data window 2026-01-01 to 2026-02-01" in run.stderr
