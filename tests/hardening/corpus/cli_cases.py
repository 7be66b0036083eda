"""CLI argument mutations, run in-process through typer's ``CliRunner`` on ``siamlib.cli.app``.

A case's ``apply(ctx)`` returns the argument list; ``ctx`` (:class:`CliPaths`) holds a clean
dataset and params folder, a plain file, a path under that file (nothing can be created
there: the stand-in for a read-only folder when tests run as root) and copies of the inputs
under names with spaces and non-ASCII letters. ``extra["harmless"]`` cases must behave like
the clean command (same exit code, no traceback): that is their ``unchanged`` outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.hardening.corpus.outcome import Case

PERIOD = "2026-10"


@dataclass
class CliPaths:
    root: Path
    data: Path
    params: Path
    csv: Path  # a clean ServiceNow export
    file: Path  # a plain file
    spaced_data: Path
    spaced_params: Path

    @property
    def missing(self) -> Path:
        return self.root / "no such folder" / "nope"

    @property
    def under_file(self) -> Path:
        return self.file / "sub"


def _case(what, build, names, **extra) -> Case:
    return Case(f"cli/{what}", "cli", build, names=tuple(names), extra=extra)


def cli_cases() -> list[Case]:
    cases: list[Case] = []

    def run(*args):
        return ["run", "--period", PERIOD, "--dry-run", "--no-progress", *args]

    bad_dirs = {
        "missing": lambda c: str(c.missing),
        "a-file": lambda c: str(c.file),
        "under-a-file": lambda c: str(c.under_file),
    }

    def inputs(c: CliPaths, opt: str, value: str, cmd: str = "run") -> list[str]:
        """--data and --params of the clean inputs, with ``opt`` replaced by ``value``
        (``siam send`` reads the published pack, so it takes --reports instead of --data)."""
        if cmd == "send":
            given = {"--reports": str(c.root / "reports"), "--params": str(c.params), opt: value}
        else:
            given = {"--data": str(c.data), "--params": str(c.params), opt: value}
        return [x for kv in given.items() for x in kv]

    commands = {
        "run": lambda: ["run", "--period", PERIOD, "--dry-run", "--no-progress"],
        "validate": lambda: ["validate"],
        "send": lambda: ["send", "--period", PERIOD, "--dry-run"],
    }
    for opt in ("--data", "--params", "--reports"):
        for what, path in bad_dirs.items():
            for cmd, head in commands.items():
                if (cmd == "send") != (opt == "--reports") and opt != "--params":
                    continue  # send takes --reports (the pack), the others --data
                cases.append(
                    _case(
                        f"{cmd}{opt}/{what}",
                        lambda c, o=opt, p=path, h=head, m=cmd: [*h(), *inputs(c, o, p(c), m)],
                        [opt],
                    )
                )
    for what in ("a-file", "under-a-file"):
        cases.append(
            _case(
                f"run--reports/{what}",
                lambda c, p=bad_dirs[what]: [
                    "run",
                    "--period",
                    PERIOD,
                    "--no-progress",
                    "--jobs",
                    "1",
                    "--suppliers",
                    "board-summary",
                    "--data",
                    str(c.data),
                    "--params",
                    str(c.params),
                    "--reports",
                    p(c),
                ],  # fmt: skip
                ["--reports"],
            )
        )
    for what, path in {
        "a-folder": lambda c: str(c.root),
        "under-a-file": lambda c: str(c.under_file / "results.json"),
    }.items():
        cases.append(
            _case(
                f"validate--out/{what}",
                lambda c, p=path: [
                    "validate",
                    "--data",
                    str(c.data),
                    "--params",
                    str(c.params),
                    "--out",
                    p(c),
                ],  # fmt: skip
                ["--out"],
            )
        )
    for period in ("2026-13", "26-10", "2026-1", "", "abcd-ef", "2026-10-01", "1900-01"):
        cases.append(
            _case(
                f"run--period/{period or 'empty'}",
                lambda c, p=period: [
                    "run",
                    "--period",
                    p,
                    "--dry-run",
                    "--no-progress",
                    "--data",
                    str(c.data),
                    "--params",
                    str(c.params),
                ],  # fmt: skip
                ["--period", period] if period else ["--period", "''"],
            )
        )
    for period in ("2026-13",):
        cases.append(
            _case(
                f"send--period/{period}",
                lambda c, p=period: [
                    "send",
                    "--period",
                    p,
                    "--dry-run",
                    "--params",
                    str(c.params),
                    "--outbox",
                    str(c.root / "outbox"),
                ],  # fmt: skip
                ["--period", period],
            )
        )
    cases.append(
        _case(
            "run--suppliers/unknown",
            lambda c: run("--data", str(c.data), "--params", str(c.params), "--suppliers", "acme"),
            ["--suppliers", "acme"],
        )
    )
    cases.append(
        _case(
            "run--jobs/0",
            lambda c: run("--data", str(c.data), "--params", str(c.params), "--jobs", "0"),
            ["--jobs"],
        )
    )
    for n in ("0", "-5"):
        cases.append(
            _case(
                f"demo-data--tickets/{n}",
                lambda c, n=n: ["demo-data", "--tickets", n, "--out", str(c.root / f"demo{n}")],
                ["--tickets"],
                must_not_exist=f"demo{n}/dataset.json",
            )
        )
    for what in ("a-file", "under-a-file"):
        cases.append(
            _case(
                f"demo-data--out/{what}",
                lambda c, p=bad_dirs[what]: ["demo-data", "--tickets", "150", "--out", p(c)],
                ["--out"],
            )
        )
    # import servicenow: the source file, --out, --mapping, --params
    for what, path in {
        "missing": lambda c: str(c.root / "no-such-export.csv"),
        "a-folder": lambda c: str(c.root),
    }.items():
        cases.append(
            _case(
                f"import-servicenow-file/{what}",
                lambda c, p=path: ["import", "servicenow", p(c), "--out", str(c.root / "imp1")],
                ["no-such-export.csv"] if what == "missing" else ["FILE", "corpus-cli"],
            )
        )
    for what in ("a-file", "under-a-file"):
        cases.append(
            _case(
                f"import-servicenow--out/{what}",
                lambda c, p=bad_dirs[what]: ["import", "servicenow", str(c.csv), "--out", p(c)],
                ["--out"],
            )
        )
    for what, path in {
        "missing": lambda c: str(c.root / "no-such-mapping.yaml"),
        "a-folder": lambda c: str(c.root),
    }.items():
        cases.append(
            _case(
                f"import-servicenow--mapping/{what}",
                lambda c, p=path: [
                    "import",
                    "servicenow",
                    str(c.csv),
                    "--out",
                    str(c.root / "imp2"),
                    "--mapping",
                    p(c),
                ],  # fmt: skip
                ["--mapping", "mapping"],
            )
        )
    cases.append(
        _case(
            "import-servicenow--params/missing",
            lambda c: [
                "import",
                "servicenow",
                str(c.csv),
                "--out",
                str(c.root / "imp3"),
                "--params",
                str(c.missing),
            ],  # fmt: skip
            ["--params"],
        )
    )
    cases.append(
        _case(
            "import-returns--kind/bogus",
            lambda c: [
                "import",
                "returns",
                str(c.csv),
                "--kind",
                "bogus",
                "--out",
                str(c.root / "imp4"),
            ],  # fmt: skip
            ["--kind"],
        )
    )
    cases.append(
        _case(
            "import-returns-file/missing",
            lambda c: [
                "import",
                "returns",
                str(c.root / "no-such-return.csv"),
                "--kind",
                "surveys",
                "--out",
                str(c.root / "imp5"),
            ],  # fmt: skip
            ["no-such-return.csv"],
        )
    )
    # Names with spaces and non-ASCII letters are ordinary paths: same result as the clean run.
    cases.append(
        _case(
            "validate/spaced-non-ascii-paths",
            lambda c: ["validate", "--data", str(c.spaced_data), "--params", str(c.spaced_params)],
            [],
            harmless=True,
        )
    )
    cases.append(
        _case(
            "demo-data--out/spaced-non-ascii",
            lambda c: ["demo-data", "--tickets", "150", "--out", str(c.root / "démo data ü")],
            [],
            harmless=True,
        )
    )
    cases.append(
        _case(
            "import-servicenow/spaced-non-ascii",
            lambda c: ["import", "servicenow", str(c.csv), "--out", str(c.root / "impört dir")],
            [],
            harmless=True,
        )
    )
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate cli case ids"
    return cases
