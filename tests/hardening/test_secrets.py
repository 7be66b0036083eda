"""Secrets: SMTP credentials come only from the environment and never reach an output or a log.

The batch (fixture ``hostile_pack``) ran with ``SIAM_SMTP_USER`` / ``SIAM_SMTP_PASSWORD`` set;
``siam send`` runs here against a real SMTP server on loopback (aiosmtpd, AUTH LOGIN/PLAIN) with
a wrong and then the right password. Every byte written (reports, evidence, manifests, .eml
files, the sent ledger) and everything printed is searched for the credentials.

Committed notebooks carry no outputs: ``tests/unit/test_code_quality.py`` checks every notebook
under ``notebooks/`` is stripped (CI fails otherwise).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from siamlib import batch
from siamlib.params import load_params
from tests.hardening.support import PERIOD, SECRET_ENV, SIAM

pytestmark = pytest.mark.slow

USER, PASSWORD = SECRET_ENV["SIAM_SMTP_USER"], SECRET_ENV["SIAM_SMTP_PASSWORD"]


def _needles(*secrets: str) -> list[bytes]:
    """Each secret as bytes, plus the encodings an SMTP exchange or a log could carry."""
    out = []
    for s in secrets:
        raw = s.encode()
        out += [raw, base64.b64encode(raw), base64.b64encode(b"\0" + USER.encode() + b"\0" + raw)]
    return out


def _leaks(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(folder)}: {n[:12]!r}..." for n in needles if n in data]
    return found


def test_batch_outputs_and_logs_never_carry_smtp_credentials(hostile_pack):
    assert hostile_pack.proc.returncode == 0, hostile_pack.proc.stderr[-2000:]
    needles = _needles(PASSWORD, USER)
    reports = hostile_pack.reports_dir
    assert len(list(reports.rglob("*.html"))) >= 3  # not vacuous: the pack is there
    assert _leaks(reports, needles) == []
    logs = (hostile_pack.proc.stdout + hostile_pack.proc.stderr).encode()
    assert [n for n in needles if n in logs] == []
    manifest = json.loads((reports / PERIOD / "manifest.json").read_text("utf-8"))
    assert "SIAM_SMTP" not in json.dumps(manifest)


# --------------------------------------------------------------------------- siam send ----
class _Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _smtp_server():
    sink = _Sink()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=False,  # loopback only; TLS is covered by tests/e2e/test_smtp.py
    )
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


def _send(reports: Path, outbox: Path, port: int, password: str, cwd: Path):
    env = dict(
        os.environ,
        SIAM_SMTP_HOST="127.0.0.1",
        SIAM_SMTP_PORT=str(port),
        SIAM_SMTP_SECURITY="none",
        SIAM_SMTP_USER=USER,
        SIAM_SMTP_PASSWORD=password,
    )
    # `siam send` sends the published pack (reports/<period>), never a recomputation.
    cmd = [str(SIAM), "send", "--period", PERIOD, "--reports", str(reports), "--outbox",
           str(outbox), "--only", "hosting"]  # fmt: skip
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600, cwd=cwd)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_siam_send_keeps_credentials_out_of_outbox_ledger_and_logs(small_dataset, tmp_path):
    assert load_params().contract("hosting").recipients  # a message to send exists
    outbox = tmp_path / "outbox"
    reports = tmp_path / "reports"
    published = batch.run(
        PERIOD, data_dir=small_dataset, reports_dir=reports, suppliers=["hosting"], jobs=1,
        progress=False,
    )  # fmt: skip
    assert published.reports["hosting"]["status"] == "ok", published.reports
    wrong = PASSWORD + "-wrong"
    with _smtp_server() as (controller, sink):
        refused = _send(reports, outbox, controller.port, wrong, tmp_path)
        assert refused.returncode == 1, refused.stderr[-2000:]
        assert sink.received == []
        ledger = json.loads((outbox / PERIOD / "sent-ledger.json").read_text("utf-8"))
        errors = [e.get("error", "") for e in ledger["entries"].values()]
        assert errors and all("Authentication" in e or "535" in e for e in errors), errors

        sent = _send(reports, outbox, controller.port, PASSWORD, tmp_path)
        assert sent.returncode == 0, sent.stderr[-2000:]
        assert len(sink.received) == 1

    needles = _needles(PASSWORD, wrong, USER)
    assert list((outbox / PERIOD).glob("*.eml"))
    assert _leaks(outbox, needles) == []
    for proc in (refused, sent):
        logs = (proc.stdout + proc.stderr).encode()
        assert [n for n in needles if n in logs] == []
    # What the server received (the message itself) carries no credentials either.
    assert [n for n in needles for m in sink.received if n in m] == []
