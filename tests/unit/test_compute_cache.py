"""siamlib.compute_cache: a cached run gives the cold run's figures in every scenario, and reads
from the cache exactly what the change allows (real computations on a small demo estate)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from siamlib import compute_cache, figures, workbook
from tests.fixtures import datasets
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()
PERIOD = "2026-10"
FRAMES = ["clocks", "attribution", "values", "aged_trend", "aged_open"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return datasets.small_demo(tmp_path_factory.mktemp("data"), seed=5)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory, data):
    """The same estate with two quarantined rows."""
    return datasets.with_quarantined_rows(data, tmp_path_factory.mktemp("dirty"))


@pytest.fixture(scope="module")
def cold(data) -> workbook.Work:
    return workbook.compute_period(data, PARAMS, PERIOD)


@pytest.fixture(scope="module")
def filled(tmp_path_factory, data):
    """A cache folder as a first run on ``data`` leaves it (copied by each test that starts
    from it: the runs under test write to it)."""
    folder = tmp_path_factory.mktemp("filled")
    workbook.compute_period(data, PARAMS, PERIOD, cache_dir=folder)
    return folder


def _copy(filled, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache)
    return cache


def _with_hosting(**update):
    c = PARAMS.contracts["hosting"].model_copy(update=update)
    return PARAMS.model_copy(update={"contracts": {**PARAMS.contracts, "hosting": c}})


def _levels(**update):
    first = PARAMS.contracts["hosting"].service_levels[0].model_copy(update=update)
    return _with_hosting(service_levels=[first, *PARAMS.contracts["hosting"].service_levels[1:]])


def assert_same_work(a: workbook.Work, b: workbook.Work) -> None:
    pd.testing.assert_frame_equal(figures.figures_frame(a), figures.figures_frame(b))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    pd.testing.assert_frame_equal(a.quality.results, b.quality.results)
    assert a.quality.results["examples"].tolist() == b.quality.results["examples"].tolist()
    pd.testing.assert_frame_equal(a.quarantined, b.quarantined)
    for name in ["hosting", "integrator", "board-summary"]:
        ea, eb = a.evidence(name), b.evidence(name)
        assert list(ea) == list(eb)
        for key in ea:
            pd.testing.assert_frame_equal(ea[key], eb[key], obj=f"{name} {key}")


def test_a_rerun_on_the_same_inputs_reads_everything_and_gives_the_cold_figures(
    tmp_path, data, cold
):
    first = workbook.compute_period(data, PARAMS, PERIOD, cache_dir=tmp_path)
    again = workbook.compute_period(data, PARAMS, PERIOD, cache_dir=tmp_path)
    assert first.cache_use == {"hits": [], "misses": ["clocks", "gate", "values"]}
    assert again.cache_use == {"hits": ["clocks", "gate", "values"], "misses": []}
    assert_same_work(first, cold)
    assert_same_work(again, cold)


@pytest.mark.parametrize(
    ("draft", "hits", "misses"),
    [
        (_levels(minimum=10.0, expected=20.0, weight=20), ["clocks", "gate", "values"], []),
        (_with_hosting(monthly_charge=1.0), ["clocks", "gate", "values"], []),
        (_levels(scope={"priority": 3}), ["clocks", "gate"], ["values"]),
        (
            _with_hosting(
                clock=PARAMS.contracts["hosting"].clock.model_copy(update={"reopen": "restart"})
            ),
            ["gate"],
            ["clocks", "values"],
        ),
    ],
    ids=["targets", "charge", "scope", "clock-rule"],
)
def test_a_changed_contract_reads_only_what_it_leaves_valid_and_gives_the_cold_figures(
    tmp_path, data, filled, draft, hits, misses
):
    cached = workbook.compute_period(data, draft, PERIOD, cache_dir=_copy(filled, tmp_path))
    assert cached.cache_use == {"hits": hits, "misses": misses}
    assert_same_work(cached, workbook.compute_period(data, draft, PERIOD))


def test_changed_data_reads_nothing(tmp_path, filled, dirty):
    other = workbook.compute_period(dirty, PARAMS, PERIOD, cache_dir=_copy(filled, tmp_path))
    assert other.cache_use["hits"] == []


# A run beside the gate caches only what it keeps: tests/unit/test_quality_beside.py.


def test_a_corrupt_entry_is_recomputed_not_trusted(tmp_path, data, filled, cold):
    cache = _copy(filled, tmp_path)
    corrupted = list(cache.glob("*.parquet"))
    assert corrupted  # the first run stored its entries, so the corruption is real
    for path in corrupted:
        raw = bytearray(path.read_bytes())
        raw[-30] ^= 0xFF
        path.write_bytes(bytes(raw))
    again = workbook.compute_period(data, PARAMS, PERIOD, cache_dir=cache)
    assert again.cache_use["hits"] == []
    assert_same_work(again, cold)


def test_a_cache_folder_that_cannot_be_written_costs_speed_not_the_run(tmp_path, data, cold):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    work = workbook.compute_period(data, PARAMS, PERIOD, cache_dir=blocker / "cache")
    assert_same_work(work, cold)


def test_the_keys_follow_the_data_and_the_period_and_not_the_recipients():
    k = compute_cache.keys({"tickets.parquet": "a"}, PARAMS, PERIOD, None)
    assert compute_cache.keys({"tickets.parquet": "b"}, PARAMS, PERIOD, None)["gate"] != k["gate"]
    assert (
        compute_cache.keys({"tickets.parquet": "a"}, PARAMS, "2026-09", None)["values"]
        != (k["values"])
    )
    quiet = _with_hosting(recipients=[])
    assert compute_cache.keys({"tickets.parquet": "a"}, quiet, PERIOD, None) == k
