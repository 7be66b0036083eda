"""Repository hygiene: ruff is clean, and notebooks are stripped, thin and papermill-ready.

Notebooks are checked one test per file; with no notebooks yet, the parametrised tests are
reported as skipped ("got empty parameter set") by ``-ra``.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


# ---------------------------------------------------------------------------------- ruff ----
def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check_is_clean():
    result = _ruff("check", "--output-format=concise", ".")
    assert result.returncode == 0, (
        f"ruff check found problems (fix with `make format`):\n{result.stdout}{result.stderr}"
    )


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, (
        f"ruff format would change files (fix with `make format`):\n{result.stdout}{result.stderr}"
    )


# ----------------------------------------------------------------------------- notebooks ----
def _git_notebooks(*extra: str) -> list[Path] | None:
    """Notebooks under notebooks/ as git sees them, or None when git cannot answer."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", *extra, "--", "notebooks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    paths = (ROOT / p for p in result.stdout.split("\0") if p.endswith(".ipynb"))
    return sorted(p for p in paths if p.is_file() and ".ipynb_checkpoints" not in p.parts)


def notebook_files() -> list[Path]:
    """Committed notebooks plus new ones about to be committed (untracked, not ignored).

    Falls back to a glob of notebooks/ when the tree is not a git checkout.
    """
    found = _git_notebooks("--cached", "--others", "--exclude-standard")
    if found is None:
        found = sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return found


NOTEBOOK_FILES = notebook_files()
NOTEBOOK_IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOK_FILES]


def _read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def _unstripped_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def _parameters_cells(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    return [
        (i, cell.cell_type)
        for i, cell in enumerate(nb.cells)
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]


def test_no_notebook_is_gitignored():
    """A gitignored notebook would never be committed, so never checked or run."""
    ignored = _git_notebooks("--others", "--ignored", "--exclude-standard")
    if ignored is None:
        pytest.skip("not a git checkout: cannot ask git which notebooks are ignored")
    assert ignored == [], f"gitignored notebooks under notebooks/: {ignored}"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NOTEBOOK_IDS)
def test_notebook_is_stripped(path: Path):
    """No outputs and no execution counts: run `nbstripout` (the pre-commit hook does)."""
    dirty = _unstripped_cells(_read(path))
    assert dirty == [], f"{path.name}: cells {dirty} have outputs or execution counts"


_MAGIC = re.compile(r"^\s*[%!]")
_DEF_OR_CLASS = re.compile(r"^\s*(?:async\s+def|def|class)\s", re.MULTILINE)


def _defines_function_or_class(source: str) -> bool:
    # IPython magics and shell escapes are not Python; blank them out before parsing.
    code = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return bool(_DEF_OR_CLASS.search(code))
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NOTEBOOK_IDS)
def test_notebook_is_thin(path: Path):
    """Thin notebooks: logic lives in siamlib, so no code cell defines a function or class."""
    nb = _read(path)
    offending = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and _defines_function_or_class(cell.source)
    ]
    assert offending == [], (
        f"{path.name}: cells {offending} define a function or class; move it into siamlib"
    )


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NOTEBOOK_IDS)
def test_notebook_has_one_parameters_cell(path: Path):
    """papermill injects parameters after the single code cell tagged `parameters`."""
    tagged = _parameters_cells(_read(path))
    assert len(tagged) == 1, f"{path.name}: cells tagged `parameters`: {tagged} (want exactly 1)"
    assert tagged[0][1] == "code", f"{path.name}: the `parameters` cell must be a code cell"


def test_notebook_checkers_on_synthetic_notebooks():
    """Guard the checkers themselves, since they pass trivially while there are no notebooks."""
    v4 = nbformat.v4

    def params():
        return v4.new_code_cell("period = '2026-10'", metadata={"tags": ["parameters"]})

    clean = v4.new_notebook(cells=[v4.new_markdown_cell("# T"), params(), v4.new_code_cell("1")])
    assert _unstripped_cells(clean) == []
    assert _parameters_cells(clean) == [(1, "code")]

    ran = v4.new_code_cell("1", execution_count=3, outputs=[v4.new_output("execute_result")])
    assert _unstripped_cells(v4.new_notebook(cells=[params(), ran])) == [1]
    twice = v4.new_notebook(cells=[params(), params()])
    assert _parameters_cells(twice) == [(0, "code"), (1, "code")]
    assert _parameters_cells(v4.new_notebook(cells=[ran])) == []


def test_thin_rule_detects_definitions():
    assert _defines_function_or_class("def f():\n    return 1\n")
    assert _defines_function_or_class("%matplotlib inline\nclass A:\n    pass\n")
    assert _defines_function_or_class("if True:\n    async def g():\n        pass\n")
    assert not _defines_function_or_class("%load_ext autoreload\nx = lambda v: v\nx(1)\n")
    assert not _defines_function_or_class("print('def f(): not a definition')\n")
