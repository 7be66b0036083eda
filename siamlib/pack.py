"""The published pack (``reports/<period>``) read back: its manifest, checked against its files.

:func:`siamlib.batch.run` publishes a run folder holding the reports, ``figures.csv``,
``data-quality.json``, ``bundles/<report>/`` and ``manifest.json``. Whatever reads a pack
afterwards (delivery) goes through :func:`read_pack`, which refuses a pack whose
``figures.csv`` no longer has the SHA-256 the manifest recorded.

>>> import tempfile
>>> read_pack(tempfile.mkdtemp(), "2026-10")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
siamlib.pack.PackError: .../2026-10: no published pack for 2026-10 (no manifest.json); run ...
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from siamlib import io, paths
from siamlib.common import FIGURES_NAME


class PackError(ValueError):
    """The published pack is missing, incomplete or does not match its manifest."""


@dataclass
class Pack:
    """A published run folder (``reports/<period>``) read back for delivery."""

    folder: Path
    manifest: dict

    @property
    def run_id(self) -> str:
        return str(self.manifest.get("run_id", ""))

    @property
    def figures_sha256(self) -> str:
        return str(self.manifest.get("figures_sha256", ""))


def read_pack(reports_dir: Path | str | None, period: str) -> Pack:
    """Open ``reports/<period>`` as :func:`siamlib.batch.run` published it, and check it.

    Raises :class:`PackError` when there is no pack, no manifest, or the SHA-256 of its
    ``figures.csv`` differs from the manifest's ``figures_sha256`` (the pack was altered or
    is from another run): delivery never sends figures it cannot vouch for.
    """
    reports_dir = Path(reports_dir) if reports_dir else paths.REPORTS_DIR
    link = reports_dir / period
    manifest_path = link / "manifest.json"
    if not manifest_path.is_file():
        raise PackError(
            f"{link}: no published pack for {period} (no manifest.json); "
            f"run `siam run --period {period}` first"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackError(f"{manifest_path}: cannot be read ({exc}); run siam run again") from None
    folder = link.resolve()
    figures_path = folder / FIGURES_NAME
    if not figures_path.is_file():
        raise PackError(
            f"{link / FIGURES_NAME}: missing from the pack; run `siam run --period {period}` again"
        )
    actual = io.sha256_file(figures_path)
    expected = str(manifest.get("figures_sha256", ""))
    if actual != expected:
        raise PackError(
            f"{link / FIGURES_NAME}: SHA-256 {actual[:12]} differs from the manifest's "
            f"figures_sha256 {expected[:12] or '(none)'}; the pack was altered, nothing sent; "
            f"run `siam run --period {period}` again"
        )
    return Pack(folder, manifest)


def figures_text(folder: Path | str) -> str | None:
    """The text of a run folder's ``figures.csv`` (``None`` when it has none)."""
    path = Path(folder) / FIGURES_NAME
    return path.read_text(encoding="utf-8") if path.is_file() else None
