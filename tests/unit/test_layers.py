"""The import layers of docs/architecture.md hold: `lint-imports` keeps the contract in
pyproject.toml ([tool.importlinter]); a module importing from a higher layer fails here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_imports_from_a_higher_layer():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_siamlib_module_is_over_the_size_limit():
    # A module should read in one sitting (issue 14 item 9): about 700 lines at most.
    big = {
        p.name
        for p in (ROOT / "siamlib").rglob("*.py")
        if len(p.read_text(encoding="utf-8").splitlines()) > 720
    }
    assert not big, sorted(big)
