"""Reading a published pack back (siamlib.pack): refused when missing or altered."""

from __future__ import annotations

import hashlib
import json

import pytest

from siamlib import pack

PERIOD = "2026-10"


def _publish(root, figures_bytes: bytes, recorded: bytes | None = None):
    folder = root / ".runs" / f"{PERIOD}-run1"
    folder.mkdir(parents=True)
    (folder / "figures.csv").write_bytes(figures_bytes)
    sha = hashlib.sha256(figures_bytes if recorded is None else recorded).hexdigest()
    manifest = {"period": PERIOD, "run_id": "run1", "figures_sha256": sha, "reports": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / PERIOD).symlink_to(folder.relative_to(root))
    return folder


def test_an_intact_pack_is_read_through_its_link(tmp_path):
    folder = _publish(tmp_path, b"kind\nlevel\n")
    p = pack.read_pack(tmp_path, PERIOD)
    assert p.folder == folder.resolve()
    assert p.run_id == "run1"
    assert p.figures_sha256 == hashlib.sha256(b"kind\nlevel\n").hexdigest()


def test_no_pack_for_the_period_is_refused_with_the_command_to_run(tmp_path):
    with pytest.raises(pack.PackError, match=r"no published pack for 2026-10.*siam run"):
        pack.read_pack(tmp_path, PERIOD)


def test_a_figures_file_changed_after_publishing_is_refused(tmp_path):
    _publish(tmp_path, b"kind\nlevel\n", recorded=b"kind\ncredit\n")
    with pytest.raises(pack.PackError) as info:
        pack.read_pack(tmp_path, PERIOD)
    message = str(info.value)
    assert "figures.csv" in message and "differs from the manifest" in message
    assert "\n" not in message


def test_a_pack_without_its_figures_file_is_refused(tmp_path):
    folder = _publish(tmp_path, b"kind\n")
    (folder / "figures.csv").unlink()
    with pytest.raises(pack.PackError, match="figures.csv: missing from the pack"):
        pack.read_pack(tmp_path, PERIOD)
