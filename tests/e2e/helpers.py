"""Helpers shared by the end-to-end tests (constants, Chromium launcher, text scanning)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from siamlib import paths

PERIOD = "2026-10"
N_TICKETS = 3000
SEED = 7
ARTIFACTS = paths.ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def tokens(text: str) -> set[str]:
    """Alphanumeric runs of ``text``: a ticket id is found whole, never inside a longer id."""
    return set(_TOKEN.findall(text))


@dataclass(frozen=True)
class Pack:
    """The session's published board pack (``reports/<period>``) and what the run said."""

    reports_dir: Path
    link: Path  # reports/<period>, a symbolic link
    folder: Path  # the run folder the link points at
    manifest: dict
    exit_code: int
    figures_sha256: str

    def report_html(self, name: str) -> Path:
        return self.folder / self.manifest["reports"][name]["file"]

    def evidence(self, name: str) -> list[Path]:
        return [self.folder / rel for rel in self.manifest["reports"][name]["evidence"]]


def write_failing_notebook(path: Path) -> Path:
    """A report-shaped notebook (papermill ``parameters`` cell) whose next cell raises."""
    import nbformat

    params_cell = nbformat.v4.new_code_cell(
        'supplier_id: str = "x"\nperiod: str = "2026-10"\n'
        'bundle_dir: str = ""\ndata_dir: str = ""\nparams_dir: str = ""'
    )
    params_cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(
        cells=[params_cell, nbformat.v4.new_code_cell('raise RuntimeError("boom")')],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(nb, path)
    return path


def execute_notebook_json(notebook: str, parameters: dict, cwd: str) -> str:
    """Run a notebook with :func:`siamlib.report.execute`; the executed notebook as JSON.

    Module-level so a spawned worker process can run it (the notebooks run in parallel).
    """
    import nbformat

    from siamlib import report

    return nbformat.writes(report.execute(notebook, parameters, cwd=cwd))
