"""The ``siam`` command in-process: version and help flags, ``siam figures`` on a tiny estate."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from siamlib import __version__, demo, figures
from siamlib.cli import app
from tests.fixtures.fixture_params import FIXTURE_DRAFT_DIR

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
