"""Every path option of every command, given something unusable: one line, exit 2, nothing written.

The matrix runs the real ``siam`` app in-process (typer's CliRunner) over a tiny demo dataset.
Each bad case must fail before any long work: exit code 2, a single ``error:`` line on stderr
naming the option and the path, no traceback, and no file written anywhere.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from siamlib import demo
from siamlib.cli import app

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return demo.write_demo(tmp_path_factory.mktemp("demo"), n_tickets=300)


@pytest.fixture
def place(tmp_path) -> Path:
    """A scratch folder holding one plain file, one empty folder and one read-only folder."""
    (tmp_path / "plain.txt").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield tmp_path
    ro.chmod(stat.S_IRWXU)


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _invoke(args: list[str]):
    return CliRunner().invoke(app, args, env={"SIAM_SMTP_HOST": ""})


# (command and options before the path, the option, where it points relative to the scratch
# folder, and the words the message must contain besides the option and path)
MISSING = "no/such/thing"
CASES = [
    # --data: a dataset folder to read
    (["run", "--period", PERIOD, "--dry-run"], "--data", MISSING, "no such folder"),
    (["run", "--period", PERIOD], "--data", "plain.txt", "not a folder"),
    (["validate"], "--data", MISSING, "no such folder"),
    (["validate"], "--data", "plain.txt", "not a folder"),
    (["figures", "--period", PERIOD], "--data", MISSING, "no such folder"),
    (["figures", "--period", PERIOD], "--data", "plain.txt", "not a folder"),
    # --params: a params folder to read
    (["run", "--period", PERIOD, "--dry-run"], "--params", MISSING, "no such folder"),
    (["run", "--period", PERIOD], "--params", "plain.txt", "not a folder"),
    (["validate"], "--params", "plain.txt", "not a folder"),
    (["figures", "--period", PERIOD], "--params", MISSING, "no such folder"),
    (["send", "--period", PERIOD, "--dry-run"], "--params", "plain.txt", "not a folder"),
    # --reports: written by run, read by send
    (["run", "--period", PERIOD], "--reports", "plain.txt", "not a folder"),
    (["run", "--period", PERIOD], "--reports", "plain.txt/reports", "is a file"),
    (["run", "--period", PERIOD], "--reports", "read-only", "read-only"),
    (["send", "--period", PERIOD, "--dry-run"], "--reports", MISSING, "no such folder"),
    (["send", "--period", PERIOD, "--dry-run"], "--reports", "plain.txt", "not a folder"),
    (["send", "--period", PERIOD, "--dry-run"], "--reports", "empty", "no published pack"),
    # --out: a file (validate, figures) or a folder (demo-data, docs)
    (["validate"], "--out", "empty", "is a folder"),
    (["validate"], "--out", "read-only/results.json", "read-only"),
    (["validate"], "--out", "results.txt", "unsupported file type"),
    (["figures", "--period", PERIOD], "--out", "empty", "is a folder"),
    (["figures", "--period", PERIOD], "--out", "read-only/figures.csv", "read-only"),
    (["figures", "--period", PERIOD], "--out", "plain.txt/figures.csv", "is a file"),
    (["figures", "--period", PERIOD], "--out", "figures.xlsx", "unsupported file type"),
    (["demo-data", "--tickets", "10"], "--out", "plain.txt", "not a folder"),
    (["demo-data", "--tickets", "10"], "--out", "read-only", "read-only"),
    (["docs"], "--out", "plain.txt", "not a folder"),
    (["docs"], "--out", "read-only/docs", "read-only"),
    # --outbox: a folder send writes into
    (["send", "--period", PERIOD, "--dry-run"], "--outbox", "plain.txt", "not a folder"),
    (["send", "--period", PERIOD, "--dry-run"], "--outbox", "read-only", "read-only"),
]


@pytest.mark.parametrize(
    ("command", "option", "where", "words"),
    CASES,
    ids=[f"{c[0][0]} {c[1]} {c[2]}" for c in CASES],
)
def test_an_unusable_path_is_one_line_exit_2_and_nothing_written(
    dataset, place, command, option, where, words
):
    target = place / where
    args = [*command, option, str(target)]
    if option != "--data" and command[0] in ("run", "validate", "figures"):
        args += ["--data", str(dataset)]
    if option != "--reports" and command[0] in ("run", "send"):
        args += ["--reports", str(place / "empty")]
    if option != "--outbox" and command[0] == "send":
        args += ["--outbox", str(place / "outbox")]
    before = _tree(place)

    result = _invoke(args)

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    assert words in lines[0]
    assert option in lines[0] or command[0] == "send" and words == "no published pack"
    assert str(target) in lines[0] or str(target.parent) in lines[0]
    assert _tree(place) == before


@pytest.mark.parametrize("command", ["run", "figures", "send"])
@pytest.mark.parametrize("period", ["2026-13", "26-10", ""])
def test_a_bad_period_is_one_line_exit_2(dataset, place, command, period):
    args = [command, "--period", period]
    if command != "figures":
        args += ["--reports", str(place / "empty")]
    if command != "send":
        args += ["--data", str(dataset)]
    before = _tree(place)
    result = _invoke(args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: --period {period!r}: not a month; pass YYYY-MM, e.g. 2026-10"]
    assert _tree(place) == before


@pytest.mark.parametrize("tickets", ["0", "-5"])
def test_demo_data_with_no_tickets_is_one_line_exit_2(place, tickets):
    result = _invoke(["demo-data", "--tickets", tickets, "--out", str(place / "d")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: --tickets {tickets}: must be at least 1; " + (
        "pass e.g. --tickets 300"
    )
    assert not (place / "d").exists()
