"""Dataset I/O: atomic writes leave no partial file, datasets round-trip, inputs untouched."""

from __future__ import annotations

import os

import pytest

from siamlib import io, schema


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_published_files_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        io.write_text_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


def test_a_dataset_round_trips_and_needs_its_dataset_json(tmp_path):
    tables = {"outages": schema.empty("outages")}
    info = io.DatasetInfo("t", "test", "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00")
    io.write_dataset(tmp_path, tables, info)
    assert io.read_dataset_info(tmp_path).window[1].month == 2
    back = io.read_dataset(tmp_path)
    assert set(back) == set(schema.TABLES)  # missing tables read as empty, typed tables
    assert (
        back["tickets"].empty
        and list(back["tickets"].columns) == schema.TABLES["tickets"].column_names
    )
    (tmp_path / "dataset.json").unlink()
    with pytest.raises(FileNotFoundError, match="not a complete dataset"):
        io.read_dataset_info(tmp_path)


def test_hashes_change_when_a_file_changes(tmp_path):
    (tmp_path / "a.parquet").write_bytes(b"1")
    first = io.dataset_hashes(tmp_path)
    (tmp_path / "a.parquet").write_bytes(b"2")
    assert io.dataset_hashes(tmp_path) != first
