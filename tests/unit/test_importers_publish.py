"""Import folders are swapped in whole: the old folder survives any failure while building."""

from __future__ import annotations

import json

import pytest

from siamlib.importers.publish import building, holds_dataset


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_new_folder_appears_only_when_the_build_is_done(tmp_path):
    out = tmp_path / "ds ünï"
    with building(out) as tmp:
        (tmp / "tickets.parquet").write_bytes(b"x")
        assert not out.exists()
    assert _names(out) == ["tickets.parquet"]
    assert _names(tmp_path) == ["ds ünï"]  # no build folder left beside it


def test_a_replacement_holds_only_the_new_files(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "old.parquet").write_text("old")
    with building(out) as tmp:
        (tmp / "new.parquet").write_text("new")
        assert _names(out) == ["old.parquet"]  # readers still see the old folder
    assert _names(out) == ["new.parquet"]
    assert _names(tmp_path) == ["ds"]


def test_a_failure_while_building_leaves_the_old_folder_untouched(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "dataset.json").write_text('{"name": "old"}')
    with pytest.raises(RuntimeError, match="disk full"), building(out) as tmp:
        (tmp / "dataset.json").write_text('{"name": "half"}')
        raise RuntimeError("disk full")
    assert json.loads((out / "dataset.json").read_text()) == {"name": "old"}
    assert _names(tmp_path) == ["ds"]


def test_keep_old_starts_from_the_old_files_without_changing_them(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "tickets.parquet").write_text("tickets")
    (out / "surveys.parquet").write_text("old surveys")
    with building(out, keep_old=True) as tmp:
        # Writers replace files by renaming new ones onto them, never in place.
        (tmp / "new").write_text("new surveys")
        (tmp / "new").rename(tmp / "surveys.parquet")
        assert (out / "surveys.parquet").read_text() == "old surveys"
    assert (out / "surveys.parquet").read_text() == "new surveys"
    assert (out / "tickets.parquet").read_text() == "tickets"


def test_a_folder_holds_a_dataset_with_dataset_json_or_any_table_file(tmp_path):
    assert not holds_dataset(tmp_path / "missing")
    assert not holds_dataset(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    assert not holds_dataset(tmp_path)
    (tmp_path / "surveys.parquet").write_bytes(b"x")
    assert holds_dataset(tmp_path)
