"""Email delivery: an email-safe rendering and a PDF of each report, and reliable SMTP sending.

Mail clients strip JavaScript, block ``data:`` images and clip bodies over about 100 KB, so the
message body is a static summary (headline tiles, the scorecard or league table and two or three
key charts as PNG parts referenced by ``cid:``, CSS inlined) with a plain-text alternative; the
full report travels as a PDF (WeasyPrint, page numbers, figures never split) and, when a
``base_url`` is configured, a link points at the interactive HTML copy.

The rendering functions are pure (bundle in, text or bytes out). File and network I/O lives in
:func:`write_outbox`, :func:`send_all` and the ledger helpers. SMTP settings come only from
environment variables (:func:`smtp_settings_from_env`); nothing secret is ever written to a
message, the ledger or a log.

>>> b = {"meta": {"period": "2026-10", "role": "board", "estate": "Acme"},
...      "frames": {}}
>>> report_kind(b)
'board'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from siamlib import io, paths
from siamlib.mailrender import (  # noqa: F401 - the rendering API callers use from here
    BOARD,
    EMAIL_CHARTS,
    EMAIL_CSS,
    FULL_SECTIONS,
    PDF_CSS,
    chart_pngs,
    render_email_html,
    render_pdf,
    render_static_html,
    render_text,
    report_kind,
    report_name,
)
from siamlib.params import Params

BODY_LIMIT = 100_000  # bytes of HTML body; Gmail clips at about 102 KB
LEDGER_NAME = "sent-ledger.json"


class DeliveryError(RuntimeError):
    """Delivery cannot start (no SMTP settings, unknown report, bad outbox)."""


# ---------------------------------------------------------------------- recipients, messages
def recipients_for(params: Params, name: str) -> list[str]:
    """Who receives report ``name``: the supplier's contract recipients only; the integrator's
    plus ``delivery.integrator_recipients``; the board summary goes to ``board_recipients``.

    >>> from siamlib.params import load_params
    >>> recipients_for(load_params(), "board-summary")[0]
    'governance-board@northwind.example'
    """
    d = params.delivery
    if name == BOARD:
        out = list(d.board_recipients)
    else:
        supplier = params.estate.supplier(name)  # raises for an unknown supplier
        out = list(params.contract(name).recipients)
        if supplier.role == "integrator":
            out += list(d.integrator_recipients)
    seen: dict[str, None] = {}
    for a in out:
        seen.setdefault(str(a).lower(), None)
    return list(seen)


def subject_for(params: Params, bundle: Mapping) -> str:
    """The subject from the ``delivery.yaml`` templates ({estate}, {supplier}, {period})."""
    m = bundle["meta"]
    d = params.delivery
    template = d.board_subject_template if report_kind(bundle) == "board" else d.subject_template
    values = {
        "estate": params.estate.name,
        "supplier": m.get("supplier_name") or m.get("supplier_id") or "",
        "period": m["period"],
    }
    subject = template.format(**values)
    if m.get("reissue"):  # siamlib.reissue: the pack replaces one already published
        subject += f" (RE-ISSUE, replaces the pack of {m['reissue'].get('date', '')})"
    # A subject is one header line: no CR/LF from a template or a name.
    return re.sub(r"[\r\n]+", " ", subject)


def report_link(params: Params, period: str, name: str) -> str | None:
    """Where the interactive HTML is published (``base_url``), or ``None``."""
    base = params.delivery.base_url
    return f"{base.rstrip('/')}/{period}/{name}.html" if base else None


@dataclass
class Outgoing:
    """One message for one recipient group, and the hash that makes sending idempotent."""

    name: str
    period: str
    recipients: list[str]
    message: EmailMessage
    content_sha256: str
    html_bytes: int

    @property
    def key(self) -> str:
        """Ledger key: report + recipients + content."""
        raw = "|".join([self.name, self.period, ",".join(sorted(self.recipients))])
        return (
            f"{self.name}:{hashlib.sha256(raw.encode()).hexdigest()[:12]}:"
            + (self.content_sha256[:16])
        )


def build_message(
    bundle: Mapping,
    params: Params,
    *,
    link: str | None = None,
    pdf: bytes | None = None,
    date: dt.datetime | None = None,
) -> Outgoing:
    """Assemble one report's message: text + HTML alternative, related PNG charts, PDF.

    ``pdf=None`` renders the PDF here (WeasyPrint). The content hash covers the recipients,
    subject, both bodies and the PDF's bytes (which are reproducible: the same pack gives the
    same PDF), so rendering the same pack again gives the same ledger key, and a changed PDF
    is sent again.
    """
    name = report_name(bundle)
    period = bundle["meta"]["period"]
    recipients = recipients_for(params, name)
    sender = str(params.delivery.sender)
    domain = sender.rsplit("@", 1)[1]
    # Render every chart once: the email shows the key ones, the PDF all of them.
    full = chart_pngs(bundle, "full") if pdf is None else None
    if full is None:
        pngs = chart_pngs(bundle, "email")
    else:
        by_name = {n: (n, t, png) for n, t, png in full}
        pngs = [by_name[n] for n in EMAIL_CHARTS[report_kind(bundle)] if n in by_name]
    cids = [f"chart{i + 1}.{name}.{period}@{domain}" for i in range(len(pngs))]
    body_html = render_email_html(
        bundle, [(c, t) for c, (_, t, _) in zip(cids, pngs, strict=True)], link
    )
    body_text = render_text(bundle, link)
    subject = subject_for(params, bundle)
    if pdf is None:
        pdf = render_pdf(render_static_html(bundle, full))
    # The PDF is part of what was sent: a changed PDF is a new message, the same one is not.
    content = hashlib.sha256(
        "\x00".join(
            [name, period, ",".join(recipients), subject, body_text, body_html]
            + [hashlib.sha256(pdf).hexdigest()]
        ).encode()
    ).hexdigest()

    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Date"] = formatdate((date or dt.datetime.now(dt.UTC)).timestamp(), usegmt=True)
    # A stable Message-ID: if a crash ever makes us send twice, clients can tell it is the same.
    msg["Message-ID"] = f"<{content[:32]}.{name}.{period}@{domain}>"
    msg["X-SIAM-Report"] = f"{name} {period}"
    # RFC 3834: machine-sent, so auto-responders (out of office) must not answer it.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body_text)
    msg.add_alternative(body_html, subtype="html")
    html_part = msg.get_payload()[1]
    for cid, (_, _, png) in zip(cids, pngs, strict=True):
        # inline: shown where the body's cid: reference is, never listed as an attachment.
        html_part.add_related(
            png,
            "image",
            "png",
            cid=f"<{cid}>",
            disposition="inline",
            filename=f"{cid.split('@')[0]}.png",
        )
    msg.add_attachment(pdf, "application", "pdf", filename=f"{name}-{period}.pdf")
    return Outgoing(name, period, recipients, msg, content, len(body_html.encode("utf-8")))


# ---------------------------------------------------------------------- outbox and ledger (I/O)
def write_outbox(messages: list[Outgoing], folder: Path | str) -> list[Path]:
    """Write each message as ``<report>.eml`` under ``folder`` (atomically).

    A message the folder's ledger records as sent is never rewritten: its ``.eml`` keeps the
    bytes that went out (a rebuilt message differs at least in its ``Date``).
    """
    folder = Path(folder)
    sent = {k for k, e in read_ledger(folder)["entries"].items() if e.get("status") == "sent"}
    written = []
    for m in messages:
        target = folder / f"{m.name}.eml"
        if not (m.key in sent and target.exists()):
            io.write_bytes_atomic(target, m.message.as_bytes(policy=policy.SMTP))
        written.append(target)
    return written


def read_ledger(folder: Path | str) -> dict:
    """The sent ledger of an outbox folder (empty when none)."""
    path = Path(folder) / LEDGER_NAME
    if not path.exists():
        return {"entries": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def _record(folder: Path, ledger: dict, key: str, entry: dict) -> None:
    ledger["entries"][key] = entry
    io.write_json_atomic(folder / LEDGER_NAME, ledger)


# ---------------------------------------------------------------------- SMTP
@dataclass(frozen=True)
class SmtpSettings:
    """SMTP connection settings, from the environment only (see :func:`smtp_settings_from_env`)."""

    host: str
    port: int
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None
    timeout: float = 30.0


def smtp_settings_from_env(environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """Read ``SIAM_SMTP_HOST``, ``_PORT``, ``_SECURITY`` (starttls|ssl|none), ``_USER``,
    ``_PASSWORD`` and optionally ``SIAM_SMTP_CAFILE`` (a CA bundle to trust).

    >>> s = smtp_settings_from_env({"SIAM_SMTP_HOST": "mail.example", "SIAM_SMTP_PASSWORD": "pw9"})
    >>> s.port, s.security, "pw9" in repr(s)
    (587, 'starttls', False)
    """
    env = os.environ if environ is None else environ
    host = env.get("SIAM_SMTP_HOST", "").strip()
    if not host:
        raise DeliveryError("SIAM_SMTP_HOST is not set: set the SMTP environment variables")
    security = env.get("SIAM_SMTP_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "ssl", "none"):
        raise DeliveryError("SIAM_SMTP_SECURITY must be starttls, ssl or none")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    try:
        port = int(env.get("SIAM_SMTP_PORT") or default_port)
    except ValueError:
        raise DeliveryError("SIAM_SMTP_PORT must be a number") from None
    user = env.get("SIAM_SMTP_USER") or None
    password = env.get("SIAM_SMTP_PASSWORD") or None
    return SmtpSettings(host, port, security, user, password, env.get("SIAM_SMTP_CAFILE") or None)


def _connect(s: SmtpSettings) -> smtplib.SMTP:
    ctx = ssl.create_default_context(cafile=s.cafile) if s.security != "none" else None
    if s.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ctx)
    else:
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            conn.starttls(context=ctx)
    if s.user:
        conn.login(s.user, s.password or "")
    return conn


def _is_temporary(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Connection trouble (refused, reset, timeout, server gone) is worth another try.
    return isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _describe(exc: BaseException, settings: SmtpSettings) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for secret in (settings.password, settings.user):
        if secret:
            text = text.replace(secret, "***")
    return text[:500]


@dataclass
class SendSummary:
    """What :func:`send_all` did; ``exit_code`` is 1 when any message failed."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the ledger
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def send_all(
    messages: list[Outgoing],
    outbox: Path | str,
    settings: SmtpSettings,
    *,
    attempts: int = 4,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] = lambda _: None,
) -> SendSummary:
    """Send every message not yet in the ledger; record each outcome as soon as it is known.

    Temporary failures (4xx, lost connection) are retried ``attempts`` times with exponential
    backoff (``backoff``, 2x, 4x ... seconds); a permanent failure (5xx) is recorded and the
    other messages still go. The ledger is written atomically after every message, so a rerun
    after a crash sends only what is missing.
    """
    outbox = Path(outbox)
    outbox.mkdir(parents=True, exist_ok=True)
    ledger = read_ledger(outbox)
    summary = SendSummary()
    for m in messages:
        done = ledger["entries"].get(m.key)
        if done and done.get("status") == "sent":
            summary.skipped.append(m.name)
            log(f"{m.name}: already sent at {done.get('at')}, skipped")
            continue
        error, refused, tries = "", {}, 0
        for tries in range(1, attempts + 1):
            try:
                with _connect(settings) as conn:
                    refused = conn.send_message(m.message, to_addrs=m.recipients)
                error = ""
                break
            except (smtplib.SMTPException, OSError) as exc:
                error = _describe(exc, settings)
                if not _is_temporary(exc) or tries == attempts:
                    break
                delay = backoff * 2 ** (tries - 1)
                log(f"{m.name}: temporary failure ({error}); retry in {delay:g} s")
                sleep(delay)
        entry = {
            "report": m.name,
            "period": m.period,
            "recipients": m.recipients,
            "content_sha256": m.content_sha256,
            "message_id": m.message["Message-ID"],
            "attempts": tries,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if error:
            entry.update(status="failed", error=error)
            summary.failed[m.name] = error
            log(f"{m.name}: FAILED after {tries} attempt(s): {error}")
        else:
            entry["status"] = "sent"
            if refused:  # accepted for some recipients only: say so, do not resend to the rest
                entry["refused"] = {
                    addr: f"{code} {_text(reply)}" for addr, (code, reply) in refused.items()
                }
                summary.failed[m.name] = f"refused recipients: {', '.join(refused)}"
            summary.sent.append(m.name)
            log(f"{m.name}: sent to {len(m.recipients) - len(refused)} recipient(s)")
        _record(outbox, ledger, m.key, entry)
    return summary


def outbox_folder(period: str, outbox: Path | str | None = None) -> Path:
    """``<outbox>/<period>``; the default outbox is ``siamlib.paths.OUTBOX_DIR``.

    >>> outbox_folder("2026-10").relative_to(paths.ROOT).as_posix()
    'outbox/2026-10'
    """
    return (Path(outbox) if outbox else paths.OUTBOX_DIR) / period


@dataclass
class PeriodDelivery:
    """What :func:`deliver_period` did: the messages, the files written, the send summary."""

    period: str
    folder: Path
    messages: list[Outgoing]
    files: list[Path]
    summary: SendSummary | None = None  # None for a dry run

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code if self.summary else 0


def messages_for_pack(
    pack,
    params: Params,
    names: list[str] | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> list[Outgoing]:
    """One message per report of a published :class:`siamlib.pack.Pack`, from its bundles.

    Reports the gate blocked (or that failed) were not published and are not sent. Every
    message carries ``X-SIAM-Run`` (the manifest's run id) and ``X-SIAM-Figures`` (its
    ``figures_sha256``), so a recipient can tie it to the exact pack.
    """
    from siamlib import batch, bundles, workbook
    from siamlib.pack import PackError

    reports = pack.manifest.get("reports", {})
    period = str(pack.manifest.get("period", ""))
    out = []
    for name in names if names is not None else list(reports):
        entry = reports.get(name)
        if entry is None:
            raise PackError(
                f"{pack.folder}: report {name!r} is not in this pack; run `siam run --period "
                f"{period}` for it first"
            )
        if entry.get("status") != "ok":
            why = entry.get("error") or entry.get("status")
            log(f"{name}: not sent, {entry.get('status')} in the pack ({why})")
            continue
        if not recipients_for(params, name):
            # Said, not skipped in silence (probe 8: a contract with ``recipients: []`` left
            # its supplier without the pack and the log did not name it).
            where = (
                "params/delivery.yaml board_recipients"
                if name == BOARD
                else f"params/contracts/{name}.yaml recipients"
            )
            log(f"{name}: not sent, no recipients ({where} is empty)")
            continue
        bundle_dir = pack.folder / batch.BUNDLES / name
        if not (bundle_dir / "meta.json").is_file():
            raise PackError(
                f"{bundle_dir}: the report's bundle is missing from the pack; run `siam run "
                f"--period {period}` again"
            )
        log(f"{name}: building the message (charts, PDF)")
        try:
            bundle = workbook.load_bundle(bundle_dir)
        except bundles.BundleError as exc:
            raise PackError(
                f"{bundle_dir}: the report's bundle is not as published ({exc}); run `siam "
                f"run --period {period}` again"
            ) from None
        link = report_link(params, period, name)
        if link and not (pack.folder / f"{name}.html").is_file():
            link = None
        m = build_message(bundle, params, link=link)
        m.message["X-SIAM-Run"] = pack.run_id
        m.message["X-SIAM-Figures"] = pack.figures_sha256
        out.append(m)
    return out


def deliver_period(
    period: str,
    *,
    params_dir: Path | str | None = None,
    reports_dir: Path | str | None = None,
    outbox: Path | str | None = None,
    dry_run: bool = False,
    names: list[str] | None = None,
    environ: Mapping[str, str] | None = None,
    log: Callable[[str], None] = lambda _: None,
    **send_options,
) -> PeriodDelivery:
    """Send what was published: read ``reports/<period>`` (manifest, bundles, figures.csv),
    build one message per recipient group, write the ``.eml`` files to the outbox and, unless
    ``dry_run``, send them (see :func:`send_all`). Nothing is recomputed.

    SMTP settings and the pack (:func:`siamlib.pack.read_pack`) are checked before any
    message is built, so a missing setting or an altered pack fails fast with nothing written.
    """
    from siamlib.pack import read_pack
    from siamlib.params import load_params

    settings = None if dry_run else smtp_settings_from_env(environ)
    params = load_params(params_dir)
    known = {s.id for s in params.estate.suppliers} | {BOARD}
    unknown = sorted(set(names or []) - known)
    if unknown:
        raise DeliveryError(f"--only: unknown report(s) {', '.join(unknown)}; pass report names")
    pack = read_pack(reports_dir, period)
    messages = messages_for_pack(pack, params, names, log=log)
    folder = outbox_folder(period, outbox)
    files = write_outbox(messages, folder)
    for m, f in zip(messages, files, strict=True):
        log(f"{m.name}: {f} ({f.stat().st_size:,} bytes, HTML body {m.html_bytes:,} bytes)")
    result = PeriodDelivery(period, folder, messages, files)
    if settings is not None:
        result.summary = send_all(messages, folder, settings, log=log, **send_options)
    return result
