"""siamlib.scale_out: the clock step in supplier partitions on a real Dask LocalCluster (worker
processes, scheduler on loopback) equals the local computation, row for row."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import clocks, io, periods, scale_out, schema
from tests.fixtures import datasets
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_clocks_computed_in_supplier_partitions_equal_the_local_clocks(tmp_path, client):
    tables = io.read_dataset(datasets.small_demo(tmp_path, seed=11))
    tickets, events = tables["tickets"], tables["ticket_events"]
    as_of = periods.period_bounds("2026-10", PARAMS.estate.timezone)[1]
    local = clocks.clocks_and_attribution(tickets, events, PARAMS, as_of)
    spread = scale_out.clocks_and_attribution(client, tickets, events, PARAMS, as_of)
    assert tickets["supplier_id"].nunique() > 1  # several partitions, on two workers
    pd.testing.assert_frame_equal(spread[0], local[0])
    pd.testing.assert_frame_equal(spread[1], local[1])


def test_no_tickets_gives_the_local_empty_frames(client):
    tickets, events = schema.empty("tickets"), schema.empty("ticket_events")
    spread = scale_out.clocks_and_attribution(client, tickets, events, PARAMS, "2026-11-01T00:00Z")
    local = clocks.clocks_and_attribution(tickets, events, PARAMS, "2026-11-01T00:00Z")
    pd.testing.assert_frame_equal(spread[0], local[0])
