from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import cache


def _frame():
    return pd.DataFrame({"ticket_id": ["T1", "T2"], "clock_h": [1.5, 2.0]})


def test_an_entry_reads_back_equal(tmp_path):
    key = cache.entry_key({"inputs": "h1", "code": cache.code_version()})
    cache.write_entry(tmp_path, key, _frame())
    pd.testing.assert_frame_equal(cache.read_entry(tmp_path, key), _frame())


def test_a_corrupt_entry_is_ignored(tmp_path):
    key = cache.entry_key({"inputs": "h1"})
    cache.write_entry(tmp_path, key, _frame())
    path = tmp_path / f"{key}.parquet"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # one flipped byte in the Parquet body: the checksum no longer matches
    path.write_bytes(bytes(data))
    assert cache.read_entry(tmp_path, key) is None


def test_a_foreign_entry_under_another_name_is_ignored(tmp_path):
    # An entry copied onto another key's file name: its header names the first key.
    k1, k2 = cache.entry_key({"inputs": "h1"}), cache.entry_key({"inputs": "h2"})
    cache.write_entry(tmp_path, k1, _frame())
    (tmp_path / f"{k2}.parquet").write_bytes((tmp_path / f"{k1}.parquet").read_bytes())
    assert cache.read_entry(tmp_path, k2) is None


def test_a_missing_entry_or_folder_reads_as_none(tmp_path):
    assert cache.read_entry(tmp_path / "absent", cache.entry_key({})) is None


def test_the_cache_lives_in_the_users_cache_folder_never_in_the_dataset(monkeypatch, tmp_path):
    monkeypatch.delenv("SIAM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_dir() == tmp_path / "xdg" / "siam-workbook"
    monkeypatch.setenv("SIAM_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.default_dir() == tmp_path / "mine"


def test_frames_stored_together_read_back_together_or_not_at_all(tmp_path):
    frames = {"a": _frame(), "b": _frame().head(1)}
    cache.write_frames(tmp_path, "k1", frames)
    back = cache.read_frames(tmp_path, "k1", ["a", "b"])
    pd.testing.assert_frame_equal(back["b"], frames["b"])
    assert cache.read_frames(tmp_path, "k1", ["a", "c"]) is None  # one missing: no entry
    assert cache.read_frames(tmp_path, "k2", ["a"]) is None


def test_prune_deletes_the_least_recently_used_entries_first(tmp_path):
    import os

    keys = {age: cache.entry_key({"age": age}) for age in ("old", "mid", "new")}
    for i, key in enumerate(keys.values()):
        cache.write_entry(tmp_path, key, _frame())
        os.utime(tmp_path / f"{key}.parquet", (1000 + i, 1000 + i))
    size = (tmp_path / f"{keys['old']}.parquet").stat().st_size
    deleted = cache.prune(tmp_path, max_bytes=2 * size)
    assert [p.name for p in deleted] == [f"{keys['old']}.parquet"]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(f"{keys[a]}.parquet" for a in ("mid", "new"))


def test_prune_never_deletes_a_file_that_is_not_an_entry(tmp_path):
    import os

    (tmp_path / "tickets.parquet").write_bytes(b"a dataset table" * 1000)
    (tmp_path / "notes.bin").write_bytes(b"someone's file" * 1000)
    for name in ("tickets.parquet", "notes.bin"):
        os.utime(tmp_path / name, (1, 1))  # the oldest files in the folder
    key = cache.entry_key({"k": "1"})
    cache.write_blob(tmp_path, key, b"x" * 10_000)
    assert cache.prune(tmp_path, max_bytes=0) == [tmp_path / f"{key}.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.bin", "tickets.parquet"]


@pytest.mark.parametrize(
    ("cache_dir", "how"),
    [("data", "is the data"), ("data/cache", "is inside the data"), (".", "holds the data")],
)
def test_a_cache_folder_in_or_around_the_data_is_refused_naming_both(tmp_path, cache_dir, how):
    with pytest.raises(ValueError, match=f"SIAM_CACHE_DIR\\) {how} folder .*--no-cache"):
        cache.check_location(tmp_path / cache_dir, data=tmp_path / "data")


def test_the_environment_names_the_code_and_the_figure_changing_packages():
    env = cache.environment()
    assert cache.code_version() in env and '"pandas"' in env and '"great-expectations"' in env


def test_the_code_version_names_the_package_version():
    import siamlib

    assert cache.code_version().startswith(siamlib.__version__ + "+")


@settings(max_examples=25)
@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=5))
def test_the_key_does_not_depend_on_the_order_of_its_parts(parts):
    assert cache.entry_key(parts) == cache.entry_key(dict(reversed(list(parts.items()))))
