from __future__ import annotations

import pandas as pd
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


def test_the_cache_lives_under_the_dataset(tmp_path):
    assert cache.cache_dir(tmp_path) == tmp_path / ".siam-cache"


def test_the_code_version_names_the_package_version():
    import siamlib

    assert cache.code_version().startswith(siamlib.__version__ + "+")


@settings(max_examples=25)
@given(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=5))
def test_the_key_does_not_depend_on_the_order_of_its_parts(parts):
    assert cache.entry_key(parts) == cache.entry_key(dict(reversed(list(parts.items()))))
