"""Fixtures of the hardening tests (helpers are in ``tests/hardening/support.py``)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from siamlib import demo, io
from siamlib.params import load_params
from tests.hardening.support import (
    ATTR_PAYLOAD,
    PAYLOADS,
    PERIOD,
    SCRIPT_PAYLOAD,
    SECRET_ENV,
    SIAM,
    SMALL_TICKETS,
    copy_params,
    inject_payloads,
    yaml_quote,
)


@dataclass
class HostilePack:
    root: Path
    data_dir: Path
    params_dir: Path
    reports_dir: Path
    hostile_name: str
    proc: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """The demo estate with 1,500 tickets, written once per session."""
    return demo.write_demo(tmp_path_factory.mktemp("small") / "data", n_tickets=SMALL_TICKETS)


@pytest.fixture(scope="session")
def hostile_pack(tmp_path_factory) -> HostilePack:
    """One `siam run` (jobs=2) over hostile data and params, with SMTP secrets in its env.

    Ticket ``service``, ``category`` and ``ci`` cells hold HTML/JS and formula payloads, and
    hosting's display name carries both HTML payloads. One tower, the integrator and the board
    summary are rendered (the three report notebooks). Shared by the injection and the secrets
    tests so the slow run happens once.
    """
    root = tmp_path_factory.mktemp("hostile")
    params_dir = copy_params(root / "params")
    estate = params_dir / "estate.yaml"
    text = estate.read_text(encoding="utf-8")
    hostile_name = f"Summit {SCRIPT_PAYLOAD} Hosting {ATTR_PAYLOAD}"
    assert "name: Summit Hosting\n" in text
    estate.write_text(
        text.replace("name: Summit Hosting\n", f"name: {yaml_quote(hostile_name)}\n"),
        encoding="utf-8",
    )
    # The payloads planted in ticket services are services of the estate (the integrator's),
    # so the gate's service rule lets them through to the pages, where escaping is tested.
    doc = yaml.safe_load(estate.read_text(encoding="utf-8"))
    integrator = next(s for s in doc["suppliers"] if s["role"] == "integrator")
    integrator["services"] = [*integrator.get("services", []), *PAYLOADS]
    estate.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    params = load_params(params_dir)
    tables = demo.generate(n_tickets=SMALL_TICKETS, params=params)
    tables["tickets"] = inject_payloads(tables["tickets"], ["service", "category", "ci"])
    start, end = demo.window(params)
    info = io.DatasetInfo(
        name="hostile", source="tests/hardening", window_start=start.isoformat(),
        window_end=end.isoformat(),
    )  # fmt: skip
    data_dir = root / "data"
    io.write_dataset(data_dir, tables, info)
    reports_dir = root / "reports"
    env = dict(os.environ, **SECRET_ENV)
    proc = subprocess.run(
        [str(SIAM), "run", "--period", PERIOD, "--data", str(data_dir), "--params",
         str(params_dir), "--reports", str(reports_dir), "--jobs", "2", "--no-progress",
         "--suppliers", "hosting,integrator,board-summary"],
        env=env, capture_output=True, text=True, timeout=3600, cwd=root,
    )  # fmt: skip
    return HostilePack(root, data_dir, params_dir, reports_dir, hostile_name, proc)
