"""siamlib.quality_beside: the gate in a worker process while the driver computes gives the
figures, frames, gate results, quarantine list and evidence of the sequential run, and caches
only what it keeps (real spawned processes)."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import io, quality, quality_beside, workbook
from tests.fixtures import datasets
from tests.fixtures.fixture_params import fixture_params
from tests.unit.test_compute_cache import assert_same_work

PARAMS = fixture_params()
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def clean_data(tmp_path_factory):
    return datasets.small_demo(tmp_path_factory.mktemp("clean_data"), seed=3)


@pytest.fixture(scope="module")
def dirty_data(tmp_path_factory, clean_data):
    """The same estate with two quarantined rows."""
    return datasets.with_quarantined_rows(clean_data, tmp_path_factory.mktemp("dirty_data"))


@pytest.mark.parametrize("data", ["clean_data", "dirty_data"])
def test_validating_beside_gives_the_sequential_runs_work_and_caches_only_what_it_keeps(
    data, request, tmp_path
):
    # Beside the gate the driver computes on every row; on the dirty estate the gate then
    # quarantines two rows, so that speculative computation is redone without them and only
    # the redone one is stored: a second run reads everything from the cache, and both equal
    # the sequential run (figures, frames, gate results, quarantine list, evidence).
    folder = request.getfixturevalue(data)
    stages: dict = {}
    beside = workbook.compute_period(
        folder, PARAMS, PERIOD, beside=True, stages=stages, cache_dir=tmp_path
    )
    alone = workbook.compute_period(folder, PARAMS, PERIOD, beside=False)
    assert_same_work(beside, alone)
    assert stages["validate"] > 0 and "waiting_for_validate" in stages
    assert (len(beside.quarantined) > 0) == (data == "dirty_data")
    again = workbook.compute_period(folder, PARAMS, PERIOD, beside=False, cache_dir=tmp_path)
    assert again.cache_use["misses"] == []
    assert_same_work(again, alone)


def test_a_computation_that_fails_is_handed_back_with_the_gates_result(clean_data):
    tables = io.read_dataset(clean_data)

    def fails():
        raise KeyError("a column the gate would have caught")

    window = io.read_dataset_info(clean_data).window
    result, computed, error, seconds = quality_beside.validate_beside(
        clean_data, PARAMS, window, fails, tables
    )
    assert computed is None and isinstance(error, KeyError) and seconds > 0
    pd.testing.assert_frame_equal(result.results, quality.validate(tables, PARAMS, window).results)
