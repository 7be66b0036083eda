"""Unit tests stand on their own params: none reads the live ``params/`` folder, which users
edit for their own estate, except the tests of the shipped params themselves.

The scan reads each unit test's syntax tree (comments and docstrings may still name
``params/...``) and lists every direct read of the live folder with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from siamlib import paths
from siamlib.params import load_params
from tests.fixtures.fixture_params import (
    FIXTURE_PARAMS_DIR,
    LIVE_PARAMS_READERS,
    fixture_params,
)

UNIT = Path(__file__).resolve().parent

# Names bound to the live folder or to files in it when siamlib is imported.
LIVE_NAMES = {"PARAMS_DIR", "MAPPINGS_DIR", "SERVICENOW_MAPPING", "TEMPLATES_DIR"}
# Functions that read the live folder when not given theirs: name -> (position, keyword).
DEFAULTING = {
    "load_params": (0, "root"),
    "params_files": (0, "root"),
    "load_estate": (0, "params_root"),
    "import_servicenow": (1, "mapping"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            ids.add(id(first.value))
    return ids


def live_reads(source: str) -> list[tuple[int, str]]:
    """Every direct read of the live params folder in ``source``: (line, what)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in LIVE_NAMES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in LIVE_NAMES:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.alias) and node.name in LIVE_NAMES:
            found.append((node.lineno, f"import {node.name}"))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in DEFAULTING:
                at, keyword = DEFAULTING[name]
                given = node.args[at] if len(node.args) > at else None
                given = next((k.value for k in node.keywords if k.arg == keyword), given)
                if given is None or (isinstance(given, ast.Constant) and given.value is None):
                    found.append((node.lineno, f"{name}() without a folder"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and node.value.startswith("params/")
        ):
            found.append((node.lineno, f"path {node.value!r}"))
        elif (
            # the project root joined with "params" (tmp_path / "params" is a copy, not a read)
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value == "params"
            and any(w in ast.unparse(node.left) for w in ("ROOT", "parents"))
        ):
            found.append((node.lineno, f"{ast.unparse(node)}"))
    return sorted(found)


def test_no_unit_test_reads_the_live_params_folder_outside_the_allow_list():
    offenders = [
        f"{path.name}:{line}: {what}"
        for path in sorted(UNIT.glob("*.py"))
        if path.name not in LIVE_PARAMS_READERS | {"test_fixtures.py"}
        for line, what in live_reads(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "read tests/fixtures/params instead:\n" + "\n".join(offenders)


def test_the_scan_finds_each_kind_of_live_read_and_ignores_comments_and_docstrings():
    source = '''"""Suppliers from params/estate.yaml."""
from siamlib.importers.mapping import SERVICENOW_MAPPING
p = load_params()  # params/exclusions.yaml
q = load_params(None)
r = load_params(FOLDER)
m = paths.PARAMS_DIR / "mappings"
e = load_estate()
t = "params/templates/surveys.csv"
u = ROOT / "params"
v = tmp_path / "params"
w = import_servicenow(EDGE, tz="Europe/London")
x = import_servicenow(EDGE, MAPPING) or load_estate(params_root=ROOT)
'''
    assert live_reads(source) == [
        (2, "import SERVICENOW_MAPPING"),
        (3, "load_params() without a folder"),
        (4, "load_params() without a folder"),
        (6, "PARAMS_DIR"),
        (7, "load_estate() without a folder"),
        (8, "path 'params/templates/surveys.csv'"),
        (9, "ROOT / 'params'"),
        (11, "import_servicenow() without a folder"),
    ]


def test_library_defaults_read_the_fixture_folder_in_unit_tests():
    # tests/unit/conftest.py points the default folder at the fixture for the whole module.
    assert paths.PARAMS_DIR == FIXTURE_PARAMS_DIR
    assert load_params().root == FIXTURE_PARAMS_DIR


def test_the_fixture_params_hold_the_estate_the_unit_tests_compute_by_hand():
    p = fixture_params()
    assert p.root == FIXTURE_PARAMS_DIR
    assert p.estate.integrator.id == "integrator"
    assert sorted(s.id for s in p.estate.towers) == [
        "applications",
        "euc",
        "hosting",
        "network",
        "service-desk",
    ]
    # Summit Hosting: 240,000 a month with 12% at risk (test_credits, test_scorecard).
    hosting = p.contract("hosting")
    assert (hosting.monthly_charge, hosting.at_risk_pct) == (240_000, 12)
    assert {e.ticket_id for e in p.exclusions.exclusions} == {"INC0000042", "INC0000777"}
