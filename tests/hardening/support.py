"""Helpers for the hardening tests: small datasets, params copies, output audits.

The hardening suite attacks the workbook from outside (hostile data, killed processes, broken
folders) and checks what a user would see: the files under ``reports/``, the exit code and the
message. Helpers here only read outputs; they never stand in for the code under test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

from siamlib import paths

PERIOD = "2026-10"
SMALL_TICKETS = 1_500  # the smallest demo estate that still holds the excluded tickets
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
ATTR_PAYLOAD = '"><img src=x onerror=alert(1)>'
FORMULA_PAYLOADS = (
    '=HYPERLINK("http://x.example","y")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
)
PAYLOADS = (SCRIPT_PAYLOAD, ATTR_PAYLOAD, *FORMULA_PAYLOADS)
SIAM = Path(sys.executable).parent / "siam"  # the `siam` of the venv running the tests


def env_int(name: str, default: int) -> int:
    """An integer knob from the environment (loop and case counts)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def copy_params(target: Path) -> Path:
    """A private copy of the project's params folder (tests edit it freely)."""
    shutil.copytree(paths.PARAMS_DIR, target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_problems(reports_dir: Path, period: str = PERIOD) -> list[str]:
    """Why ``reports/<period>`` is not a complete published run ([] when it is, or is absent).

    Complete means: the link resolves to a run folder holding ``manifest.json`` and
    ``index.html``, every file the manifest lists exists, and every report file with a recorded
    SHA-256 has exactly that hash.
    """
    link = reports_dir / period
    if not link.exists() and not link.is_symlink():
        return []
    if not link.is_symlink():
        return [f"{link} is not a symbolic link"]
    target = link.resolve()
    if not target.is_dir():
        return [f"{link} points at {target}, which is not a folder"]
    manifest = target / "manifest.json"
    if not manifest.is_file():
        return [f"{target} has no manifest.json"]
    m = json.loads(manifest.read_text(encoding="utf-8"))
    problems = []
    if not (target / "index.html").is_file():
        problems.append(f"{target} has no index.html")
    if Path(m["folder"]).name != target.name:
        problems.append(f"manifest folder {m['folder']} is not {target.name}")
    for name, entry in m["reports"].items():
        listed = [entry.get("file"), *entry.get("evidence", [])]
        for rel in filter(None, listed):
            if not (target / rel).is_file():
                problems.append(f"{name}: {rel} listed but missing")
        if entry.get("file") and entry.get("sha256"):
            f = target / entry["file"]
            if f.is_file() and sha256(f) != entry["sha256"]:
                problems.append(f"{name}: {entry['file']} does not match its sha256")
        if entry.get("status") == "ok" and not entry.get("file"):
            problems.append(f"{name}: status ok but no file")
    return problems


class HtmlAudit(HTMLParser):
    """Collect what matters for script injection: script elements, on* handlers, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []  # attrs + body length of every <script>
        self.handlers: list[tuple[str, str]] = []  # (tag, attribute) for on* attributes
        self.images: list[dict] = []
        self.text: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, _ in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name))
        if tag == "img":
            self.images.append(a)
        if tag == "script":
            self._in_script = {"attrs": a, "body": ""}
            self.scripts.append(self._in_script)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["body"] += data
        else:
            self.text.append(data)

    @property
    def executable_scripts(self) -> list[dict]:
        """Scripts a browser would run (JSON data blocks are inert)."""
        return [s for s in self.scripts if s["attrs"].get("type") != "application/json"]


def audit_html(text: str) -> HtmlAudit:
    parser = HtmlAudit()
    parser.feed(text)
    parser.close()
    return parser


# Credentials that must never reach an output file or a log line.
SECRET_ENV = {
    "SIAM_SMTP_HOST": "127.0.0.1",
    "SIAM_SMTP_USER": "reports-bot-u7q",
    "SIAM_SMTP_PASSWORD": "sekrit-xyz-9f3",
}


def yaml_quote(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def inject_payloads(tickets, columns: list[str]):
    """Copy of ``tickets`` with every payload planted in each column (6 rows in 9).

    Columns are shifted against each other so one row carries different payloads.
    """
    import numpy as np

    out = tickets.copy()
    idx = np.arange(len(out))
    for k, col in enumerate(columns):
        slot = (idx + k) % 9
        pick = slot < len(PAYLOADS)
        out.loc[pick, col] = np.asarray(PAYLOADS, dtype=object)[slot[pick]]
    return out
