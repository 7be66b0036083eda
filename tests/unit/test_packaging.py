"""Packaging checks: pyproject.toml and environment.yml agree, and the `siam` command starts."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _by_name(requirements: list[str]) -> dict[str, Requirement]:
    parsed = [Requirement(r) for r in requirements]
    out = {canonicalize_name(r.name): r for r in parsed}
    assert len(out) == len(parsed), f"duplicate requirement names in {requirements}"
    return out


def _pyproject_requirements() -> dict[str, Requirement]:
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return _by_name(reqs)


def _environment_pip_requirements() -> dict[str, Requirement]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one `pip:` section"
    # Options such as `-e .` install the project itself; everything else is a requirement.
    return _by_name([r for r in pip_sections[0] if not r.lstrip().startswith("-")])


def test_environment_yml_pins_python_311_and_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    plain = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in plain
    assert "pip" in plain
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section, "environment.yml should install the workbook itself (-e .)"


def test_dependency_names_agree():
    py = _pyproject_requirements()
    env = _environment_pip_requirements()
    assert sorted(py) == sorted(env), (
        f"only in pyproject.toml: {sorted(set(py) - set(env))}; "
        f"only in environment.yml: {sorted(set(env) - set(py))}"
    )


def test_dependency_versions_and_extras_agree():
    py = _pyproject_requirements()
    env = _environment_pip_requirements()
    for name in sorted(set(py) & set(env)):
        assert py[name].specifier == env[name].specifier, name
        assert py[name].extras == env[name].extras, name


def test_every_dependency_has_lower_and_upper_bound():
    for name, req in _pyproject_requirements().items():
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators and "<" in operators, f"{name}: {req.specifier or 'unbounded'}"


def _lock_pins() -> dict[str, str]:
    """``name -> version`` of every requirement line of requirements.lock."""
    pins: dict[str, str] = {}
    for raw in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line.rstrip("\\").strip())
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not pinned with ==: {raw!r}"
        name = canonicalize_name(req.name)
        assert name not in pins, f"{name} pinned twice in requirements.lock"
        pins[name] = specs[0].version
    return pins


def test_lock_pins_every_dependency_named_in_pyproject():
    pins = _lock_pins()
    missing = sorted(set(_pyproject_requirements()) - set(pins))
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"


def test_lock_pins_satisfy_pyproject_ranges():
    pins = _lock_pins()
    outside = {
        name: f"{pins[name]} not in {req.specifier}"
        for name, req in _pyproject_requirements().items()
        if name in pins and not req.specifier.contains(pins[name], prereleases=True)
    }
    assert not outside, f"requirements.lock is out of step with pyproject.toml: {outside}"


def test_make_venv_installs_from_the_lock_and_the_project_without_deps():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LOCK        := requirements.lock" in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile
    assert "$(PY) -m pip install -r $(LOCK)" in makefile
    assert "$(PY) -m pip install --no-deps -e ." in makefile


def test_manifest_versions_name_every_package_that_can_change_a_figure():
    from siamlib.batch import _versions

    versions = _versions()
    for name in ["python", "pandas", "numpy", "pyarrow", "holidays", "great-expectations",
                 "pydantic", "pyyaml", "altair", "python-dateutil", "openpyxl"]:  # fmt: skip
        assert versions[name], f"{name}: no version recorded"
    assert versions["pandas"] == importlib.metadata.version("pandas")
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    assert "tzdata" in versions and "tz_database" in versions


def test_project_metadata():
    project = _pyproject()["project"]
    assert project["name"] == "siam-workbook"
    assert project["requires-python"] == ">=3.11,<3.12"
    assert project["scripts"] == {"siam": "siamlib.cli:app"}
    assert "dev" in project["optional-dependencies"]


def test_package_version_matches_pyproject():
    import siamlib

    assert siamlib.__version__ == _pyproject()["project"]["version"]


def test_siam_console_script_is_installed():
    """`make venv` installs the workbook (editable) so that `siam` is on the venv's PATH."""
    eps = importlib.metadata.entry_points(group="console_scripts", name="siam")
    assert [ep.value for ep in eps] == ["siamlib.cli:app"], (
        "the `siam` entry point is missing: run `make venv` (pip install --no-deps -e .)"
    )


def _registered_commands() -> list[str]:
    import typer.main

    from siamlib.cli import app

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return sorted(name for name, cmd in commands.items() if not getattr(cmd, "hidden", False))


def test_cli_registers_commands():
    assert _registered_commands(), "siamlib.cli.app has no commands"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([sys.executable, "-m", "siamlib.cli", "--help"], id="python-m"),
        pytest.param([str(Path(sysconfig.get_path("scripts")) / "siam"), "--help"], id="script"),
    ],
)
def test_siam_help_lists_every_command(argv):
    if argv[0] != sys.executable:
        assert Path(argv[0]).exists(), f"{argv[0]} not found: run `make venv`"
    result = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=120, env=_plain_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for command in _registered_commands():
        assert command in result.stdout, f"`{command}` missing from siam --help:\n{result.stdout}"


def _plain_env() -> dict[str, str]:
    env = dict(os.environ)
    env["COLUMNS"] = "200"  # rich wraps command names on narrow terminals
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    return env
