"""Imported real data flows through the same clocks and measures as the demo estate."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import clocks
from siamlib.importers.servicenow import SAMPLE, import_servicenow
from siamlib.measures import tower
from tests.fixtures.fixture_params import FIXTURE_SERVICENOW_MAPPING, fixture_params


@pytest.fixture(scope="module")
def imported():
    return import_servicenow(SAMPLE, FIXTURE_SERVICENOW_MAPPING, tz="Europe/London")


def test_clocks_and_tower_measures_run_on_the_imported_sample(imported):
    params = fixture_params()
    t, ev = imported.tables["tickets"], imported.tables["ticket_events"]
    c = clocks.ticket_clocks(t, ev, params, imported.window[1])
    # 600 incidents, INC0028089 rejected whole (two rows in state -100).
    assert len(c) == len(t) == 599
    # Every imported incident is closed, so every one has a resolution time.
    assert c["resolution_h"].notna().all()
    assert not c["is_open"].any()
    mv = tower.measure_values(c, imported.tables, params, ["2016-03"])
    att = mv[(mv["measure"] == "sla_resolution_attainment") & (mv["scope"] == "")]
    # Resolved in March 2016 (London), per supplier of record, from the tickets themselves.
    resolved = t[t["resolved_at"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m") == "2016-03"]
    expected = resolved.groupby("supplier_id").size()
    got = att.set_index("supplier_id")["denominator"].dropna()
    pd.testing.assert_series_equal(got.astype("int64"), expected.astype("int64"), check_names=False)
    assert att["value"].dropna().between(0, 1).all()
    reopen = mv[(mv["measure"] == "reopen_rate") & (mv["scope"] == "")]
    assert reopen["value"].dropna().between(0, 1).all()
    assert not pd.isna(reopen["value"]).all()
