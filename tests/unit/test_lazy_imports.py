"""siamlib.lazy_imports: rfc3987_syntax is not imported until used, and IRI format checks give
the real package's verdicts (real subprocesses: a fresh interpreter per check)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("rfc3987_syntax")


def _fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return done.stdout.strip()


def test_importing_the_render_and_gate_stack_after_siamlib_leaves_rfc3987_syntax_unloaded():
    code = (
        "import sys, siamlib, altair, nbformat, papermill, great_expectations; "
        "print(type(sys.modules['rfc3987_syntax']).__name__)"
    )
    assert _fresh(code) == "_Deferred"


IRIS = ["https://example.org/caf\u00e9?q=1#x", "not an iri", "mailto:board@example.org", ""]


def test_iri_format_checks_give_the_real_packages_verdicts():
    check = (
        "import json, jsonschema; "
        "v = jsonschema.Draft202012Validator({'format': 'iri'}, "
        "format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER); "
        f"print(json.dumps([v.is_valid(s) for s in {IRIS!r}]))"
    )
    real = _fresh(check)  # jsonschema imports the package itself
    deferred = _fresh("import siamlib; " + check)
    assert deferred == real
    assert real == "[true, false, true, false]"


def test_nothing_is_deferred_when_the_package_was_already_imported():
    code = (
        "import sys, rfc3987_syntax, siamlib; print(type(sys.modules['rfc3987_syntax']).__name__)"
    )
    assert _fresh(code) == "module"
