"""Sending against a real SMTP server on loopback (aiosmtpd, started by each test).

The messages are built once per module from a small demo estate; every test parses what the
server received back into MIME parts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import ipaddress
import json
import re
import shutil
import socket
import ssl
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from siamlib import batch, delivery, demo, workbook
from siamlib.cli import app
from siamlib.params import load_params

PERIOD = "2026-10"
USER, PASSWORD = "reports", "s3cret-Pa55"


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def params():
    return load_params()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return demo.write_demo(tmp_path_factory.mktemp("demo"), n_tickets=2000)


@pytest.fixture(scope="module")
def messages(demo_dir, params):
    # validate=False: the data-quality gate has its own tests; here only delivery matters.
    work = workbook.compute_period(demo_dir, params, PERIOD, validate=False)
    names = ["service-desk", params.estate.integrator.id, delivery.BOARD]
    return [delivery.build_message(work.bundle(n), params) for n in names]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 / localhost: (cert file, key file)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class Recorder:
    """An SMTP handler that keeps what it accepts; ``reply(envelope, n)`` may refuse the n-th."""

    def __init__(self, reply=None):
        self.reply = reply or (lambda envelope, n: None)
        self.received: list = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        code = self.reply(envelope, self.attempts)
        if code:
            return code
        self.received.append(envelope)
        return "250 2.0.0 OK"

    def parsed(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.received]


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
def smtp_server(handler, **kwargs):
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        with contextlib.suppress(Exception):  # a test may have stopped it already
            controller.stop()


def _env(controller, security="none", **extra) -> dict:
    return {
        "SIAM_SMTP_HOST": "127.0.0.1",
        "SIAM_SMTP_PORT": str(controller.port),
        "SIAM_SMTP_SECURITY": security,
        **extra,
    }


def _settings(controller, security="none", **extra):
    return delivery.smtp_settings_from_env(_env(controller, security, **extra))


def _ledger(folder):
    return json.loads((folder / delivery.LEDGER_NAME).read_text())["entries"]


# ---------------------------------------------------------------------- intact delivery
def test_every_message_arrives_intact_with_resolvable_charts_and_pdf(messages, tmp_path, params):
    handler = Recorder()
    with smtp_server(handler) as server:
        summary = delivery.send_all(messages, tmp_path, _settings(server))
    assert summary.exit_code == 0 and summary.sent == [m.name for m in messages]
    assert len(handler.received) == len(messages)
    for envelope, msg, out in zip(handler.received, handler.parsed(), messages, strict=True):
        assert sorted(envelope.rcpt_tos) == sorted(out.recipients)
        html_part = msg.get_body(("html",))
        body = html_part.get_content()
        assert "<script" not in body.lower()
        assert len(body.encode()) < delivery.BODY_LIMIT
        related = {
            p["Content-ID"].strip("<>"): p.get_content()
            for p in msg.walk()
            if p.get_content_type() == "image/png"
        }
        refs = re.findall(r'src="cid:([^"]+)"', body)
        assert len(refs) >= 2
        assert all(related[r].startswith(b"\x89PNG") for r in refs)
        pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
        assert (
            msg.get_body(("plain",))
            .get_content()
            .startswith(out.message.get_body(("plain",)).get_content()[:40])
        )


def test_a_supplier_message_names_no_other_supplier(messages, params):
    tower = next(m for m in messages if m.name == "service-desk")
    others = [s.name for s in params.estate.suppliers if s.id != "service-desk"]
    text = tower.message.get_body(("plain",)).get_content()
    html = tower.message.get_body(("html",)).get_content()
    assert not [o for o in others if o in text or o in html]


def test_starttls_with_auth_delivers_and_keeps_the_password_out_of_every_output(
    messages, tmp_path, certificate
):
    cert_file, key_file = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    handler = Recorder()
    with smtp_server(
        handler,
        tls_context=tls,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=True,
    ) as server:
        env = _env(
            server,
            "starttls",
            SIAM_SMTP_USER=USER,
            SIAM_SMTP_PASSWORD=PASSWORD,
            SIAM_SMTP_CAFILE=str(cert_file),
        )
        lines: list[str] = []
        summary = delivery.send_all(
            messages[:1], tmp_path, delivery.smtp_settings_from_env(env), log=lines.append
        )
    assert summary.exit_code == 0 and len(handler.received) == 1
    delivery.write_outbox(messages[:1], tmp_path)
    for f in tmp_path.iterdir():
        assert PASSWORD.encode() not in f.read_bytes()
    assert not [line for line in lines if PASSWORD in line]


def test_implicit_tls_delivers(messages, tmp_path, certificate):
    cert_file, key_file = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    handler = Recorder()
    with smtp_server(handler, ssl_context=tls) as server:
        settings = _settings(server, "ssl", SIAM_SMTP_CAFILE=str(cert_file))
        summary = delivery.send_all(messages[:1], tmp_path, settings)
    assert summary.exit_code == 0 and len(handler.received) == 1


def test_a_wrong_password_fails_permanently_without_leaking_it(messages, tmp_path, certificate):
    cert_file, key_file = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    handler = Recorder()
    with smtp_server(
        handler, tls_context=tls, authenticator=_authenticator, auth_required=True
    ) as server:
        wrong = "not-the-Pa55word"
        settings = _settings(
            server,
            "starttls",
            SIAM_SMTP_USER=USER,
            SIAM_SMTP_PASSWORD=wrong,
            SIAM_SMTP_CAFILE=str(cert_file),
        )
        waits: list[float] = []
        summary = delivery.send_all(messages[:1], tmp_path, settings, sleep=waits.append)
    assert summary.exit_code == 1 and handler.received == []
    assert waits == []  # 535 is permanent: no retry
    entry = next(iter(_ledger(tmp_path).values()))
    assert entry["status"] == "failed" and "535" in entry["error"]
    assert wrong not in (tmp_path / delivery.LEDGER_NAME).read_text()


def test_a_certificate_the_client_does_not_trust_is_refused(messages, tmp_path, certificate):
    cert_file, key_file = certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    handler = Recorder()
    with smtp_server(handler, tls_context=tls, require_starttls=True) as server:
        summary = delivery.send_all(
            messages[:1], tmp_path, _settings(server, "starttls"), attempts=1
        )
    assert summary.exit_code == 1 and handler.received == []


# ---------------------------------------------------------------------- reliability
def test_a_temporary_451_is_retried_with_backoff_then_delivered(messages, tmp_path):
    handler = Recorder(lambda envelope, n: "451 4.3.0 try again later" if n == 1 else None)
    waits: list[float] = []
    with smtp_server(handler) as server:
        summary = delivery.send_all(
            messages[:1], tmp_path, _settings(server), backoff=0.5, sleep=waits.append
        )
    assert summary.exit_code == 0
    assert waits == [0.5]  # one retry after the first backoff step
    assert len(handler.received) == 1
    assert next(iter(_ledger(tmp_path).values()))["attempts"] == 2


def test_temporary_failures_back_off_exponentially_then_give_up(messages, tmp_path):
    handler = Recorder(lambda envelope, n: "421 4.3.2 busy")
    waits: list[float] = []
    with smtp_server(handler) as server:
        summary = delivery.send_all(
            messages[:1], tmp_path, _settings(server), attempts=4, backoff=1.0, sleep=waits.append
        )
    assert waits == [1.0, 2.0, 4.0]  # 1 x 2^0, 1 x 2^1, 1 x 2^2 between four attempts
    assert summary.exit_code == 1


def test_a_permanent_550_for_one_group_does_not_stop_the_others_and_a_rerun_sends_it_only(
    messages, tmp_path, params
):
    board = {str(a) for a in params.delivery.board_recipients}
    handler = Recorder(
        lambda envelope, n: (
            "550 5.7.1 mailbox unavailable" if board & set(envelope.rcpt_tos) else None
        )
    )
    with smtp_server(handler) as server:
        summary = delivery.send_all(messages, tmp_path, _settings(server), sleep=lambda s: None)
    assert summary.exit_code == 1
    assert list(summary.failed) == [delivery.BOARD]
    assert sorted(summary.sent) == sorted(m.name for m in messages if m.name != delivery.BOARD)
    assert len(handler.received) == len(messages) - 1
    by_report = {e["report"]: e for e in _ledger(tmp_path).values()}
    assert by_report[delivery.BOARD]["status"] == "failed"
    assert "550" in by_report[delivery.BOARD]["error"]
    assert by_report[delivery.BOARD]["attempts"] == 1

    fixed = Recorder()
    with smtp_server(fixed) as server:
        again = delivery.send_all(messages, tmp_path, _settings(server))
    assert again.exit_code == 0
    assert again.sent == [delivery.BOARD]
    assert sorted(again.skipped) == sorted(m.name for m in messages if m.name != delivery.BOARD)
    assert [sorted(e.rcpt_tos) for e in fixed.received] == [sorted(board)]


def test_a_server_that_dies_mid_batch_then_a_rerun_sends_only_what_is_missing(messages, tmp_path):
    first = Recorder()
    with smtp_server(first) as server:

        def log(line: str) -> None:
            if line.startswith(f"{messages[0].name}: sent"):
                server.stop()  # the server goes away after the first message

        summary = delivery.send_all(
            messages, tmp_path, _settings(server), attempts=2, sleep=lambda s: None, log=log
        )
    assert summary.sent == [messages[0].name]
    assert sorted(summary.failed) == sorted(m.name for m in messages[1:])
    assert summary.exit_code == 1

    second = Recorder()
    with smtp_server(second) as server:
        again = delivery.send_all(messages, tmp_path, _settings(server))
    assert again.exit_code == 0
    assert again.skipped == [messages[0].name]
    got = [m["X-SIAM-Report"] for m in second.parsed()]
    assert got == [f"{m.name} {PERIOD}" for m in messages[1:]]  # no duplicate of the first

    third = Recorder()
    with smtp_server(third) as server:
        done = delivery.send_all(messages, tmp_path, _settings(server))
    assert third.received == [] and done.sent == [] and done.exit_code == 0


class RefuseOne(Recorder):
    """Refuses one mailbox at RCPT time (550) and accepts the rest."""

    def __init__(self, refused: str):
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"


def test_a_refused_recipient_is_recorded_and_the_others_are_not_sent_twice(messages, tmp_path):
    tower = messages[0]
    handler = RefuseOne(tower.recipients[0])
    with smtp_server(handler) as server:
        summary = delivery.send_all([tower], tmp_path, _settings(server))
        again = delivery.send_all([tower], tmp_path, _settings(server))
    assert summary.exit_code == 1 and tower.name in summary.failed
    assert [e.rcpt_tos for e in handler.received] == [tower.recipients[1:]]
    entry = next(iter(_ledger(tmp_path).values()))
    assert entry["status"] == "sent"
    assert entry["refused"] == {tower.recipients[0]: "550 5.1.1 no such mailbox"}
    assert again.skipped == [tower.name] and len(handler.received) == 1


# ---------------------------------------------------------------------- command line
@pytest.fixture(scope="module")
def published(demo_dir, tmp_path_factory):
    """A real published pack (``siam run`` for the board summary only): the reports folder."""
    reports = tmp_path_factory.mktemp("published") / "reports"
    result = batch.run(
        PERIOD,
        data_dir=demo_dir,
        reports_dir=reports,
        suppliers=[delivery.BOARD],
        jobs=1,
        progress=False,
    )
    assert result.reports[delivery.BOARD]["status"] == "ok", result.reports
    return reports


def _siam_send(server, reports, outbox, *extra):
    return CliRunner().invoke(
        app,
        ["send", "--period", PERIOD, "--outbox", str(outbox), "--reports", str(reports), *extra],
        env=_env(server),
    )


def test_siam_send_sends_the_published_pack_with_its_run_and_figures_headers(
    published, tmp_path, params
):
    manifest = json.loads((published / PERIOD / "manifest.json").read_text(encoding="utf-8"))
    handler = Recorder()
    with smtp_server(handler) as server:
        result = _siam_send(server, published, tmp_path, "--only", delivery.BOARD)
    assert result.exit_code == 0, result.output
    assert len(handler.received) == 1
    assert sorted(handler.received[0].rcpt_tos) == sorted(
        str(a) for a in params.delivery.board_recipients
    )
    msg = handler.parsed()[0]
    assert msg["X-SIAM-Run"] == manifest["run_id"]
    assert msg["X-SIAM-Figures"].strip() == manifest["figures_sha256"]  # folded at 78
    assert msg["Auto-Submitted"] == "auto-generated"
    folder = tmp_path / PERIOD
    assert sorted(p.name for p in folder.iterdir()) == ["board-summary.eml", "sent-ledger.json"]


def test_a_rerun_sends_nothing_again_and_leaves_the_sent_eml_bytes_identical(published, tmp_path):
    handler = Recorder()
    with smtp_server(handler) as server:
        first = _siam_send(server, published, tmp_path)
        eml = tmp_path / PERIOD / f"{delivery.BOARD}.eml"
        sent_bytes = eml.read_bytes()
        again = _siam_send(server, published, tmp_path)
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert len(handler.received) == 1
    assert "sent 0, already sent 1" in again.output
    assert eml.read_bytes() == sent_bytes


def test_a_pack_whose_figures_changed_is_refused_and_nothing_is_sent(published, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(published, reports, symlinks=True)
    figures = reports / PERIOD / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8") + "credit,hosting\n", encoding="utf-8")
    handler = Recorder()
    with smtp_server(handler) as server:
        result = _siam_send(server, reports, tmp_path / "outbox")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "differs from the manifest" in result.stderr and "Traceback" not in result.output
    assert handler.received == [] and not (tmp_path / "outbox").exists()


def test_no_published_pack_is_refused_before_any_message(tmp_path):
    (tmp_path / "reports").mkdir()
    handler = Recorder()
    with smtp_server(handler) as server:
        result = _siam_send(server, tmp_path / "reports", tmp_path / "outbox")
    assert result.exit_code == 2
    assert "no published pack for 2026-10" in result.stderr
    assert handler.received == [] and not (tmp_path / "outbox").exists()


def test_a_received_html_body_shows_every_chart_in_chromium_with_javascript_off(messages, tmp_path):
    """What a board member sees: the received body in real Chromium, scripts disabled.

    A mail client resolves ``cid:`` references to the message's related image parts; the test
    does the same (inlining each part as the image it names) and then checks, in headless
    Debian Chromium with JavaScript off and the network blocked, that every image decoded.
    """
    import base64

    from playwright.sync_api import sync_playwright

    handler = Recorder()
    with smtp_server(handler) as server:
        delivery.send_all(messages, tmp_path, _settings(server))
    pages = []
    for i, msg in enumerate(handler.parsed()):
        body = msg.get_body(("html",)).get_content()
        parts = {
            p["Content-ID"].strip("<>"): p.get_content()
            for p in msg.walk()
            if p.get_content_type() == "image/png"
        }
        refs = re.findall(r'src="cid:([^"]+)"', body)
        for ref in refs:
            uri = "data:image/png;base64," + base64.b64encode(parts[ref]).decode()
            body = body.replace(f'src="cid:{ref}"', f'src="{uri}"')
        path = tmp_path / f"received-{i}.html"
        path.write_text(body, encoding="utf-8")
        pages.append((path, len(set(refs))))

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    args += ["--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        context = browser.new_context(java_script_enabled=False, offline=True)
        context.route("http*://**/*", lambda route: route.abort())
        for path, n_charts in pages:
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.getAttribute('src').slice(0, 5), e.naturalWidth])"
            )
            assert n_charts >= 2 and len(images) >= n_charts
            assert all(src == "data:" and width > 0 for src, width in images), path.name
            page.close()
        browser.close()
