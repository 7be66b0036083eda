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


GOOD_INFO = {
    "name": "t",
    "source": "test",
    "window_start": "2026-01-01T00:00:00+00:00",
    "window_end": "2026-02-01T00:00:00+00:00",
}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "dataset.json: not JSON (Expecting property name"),
        ("[1, 2]", "dataset.json: expected a JSON object with keys name, source"),
        ({k: v for k, v in GOOD_INFO.items() if k != "window_end"}, "missing key window_end"),
        ({**GOOD_INFO, "name": 7}, "name must be str, got int 7"),
        ({**GOOD_INFO, "generator": "x"}, "generator must be dict or null, got str"),
        ({**GOOD_INFO, "window_start": "next tuesday"}, "window_start 'next tuesday' is not a"),
        ({**GOOD_INFO, "window_start": "2026-01-01"}, "window_start '2026-01-01' has no UTC"),
        ({**GOOD_INFO, "window_end": GOOD_INFO["window_start"]}, "window_end 2026-01-01T00:"),
        ({**GOOD_INFO, "windw": 1}, "unknown key windw"),
    ],
)
def test_a_bad_dataset_json_is_one_line_naming_the_file_and_the_key(tmp_path, content, says):
    import json

    text = content if isinstance(content, str) else json.dumps(content)
    (tmp_path / "dataset.json").write_text(text, encoding="utf-8")
    with pytest.raises(io.DatasetError) as err:
        io.read_dataset_info(tmp_path)
    msg = str(err.value)
    assert msg.startswith(str(tmp_path / "dataset.json")) and says in msg
    assert "\n" not in msg and isinstance(err.value, ValueError)


def test_a_folder_where_dataset_json_should_be_is_a_dataset_error(tmp_path):
    (tmp_path / "dataset.json").mkdir()
    with pytest.raises(io.DatasetError, match=r"dataset.json: is a folder"):
        io.read_dataset_info(tmp_path)


def test_a_corrupt_parquet_table_is_a_dataset_error_naming_the_file(tmp_path):
    (tmp_path / "tickets.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(io.DatasetError, match=r"tickets.parquet: table tickets cannot be read"):
        io.read_table(tmp_path, "tickets")
    (tmp_path / "outages.parquet").mkdir()
    with pytest.raises(io.DatasetError, match=r"outages.parquet: is a folder"):
        io.read_table(tmp_path, "outages")


def test_info_lists_the_tables_whose_files_exist_and_does_not_store_them(tmp_path):
    import json

    info = io.DatasetInfo(**GOOD_INFO)
    io.write_dataset(tmp_path, {"tickets": schema.empty("tickets")}, info)
    assert "tables" not in json.loads((tmp_path / "dataset.json").read_text())
    assert io.read_dataset_info(tmp_path).tables == ["tickets"]
    io.write_dataset(tmp_path, {"outages": schema.empty("outages")}, info)
    assert io.read_dataset_info(tmp_path).tables == ["tickets", "outages"]
