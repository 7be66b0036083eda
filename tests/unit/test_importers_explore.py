"""Source-checking helpers behind notebooks/explore_import.ipynb (BPI-shaped fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siamlib import paths
from siamlib.importers.explore import (
    coverage,
    group_suppliers,
    mapping_gaps,
    rejects_by_reason,
    rejects_chart,
    resolve,
    run_import,
    volume_chart,
    volumes_by_supplier_month,
)
from tests.fixtures.fixture_params import FIXTURE_BPI_MAPPING

BPI = "tests/unit/fixtures/importers/bpi2013_volvo_small.csv"
BPI_MAPPING = FIXTURE_BPI_MAPPING


@pytest.fixture(scope="module")
def bpi():
    return run_import("eventlog", BPI, BPI_MAPPING)


def test_coverage_shares_are_of_rows_read(bpi):
    cov = coverage(bpi).set_index("outcome")
    # 20 rows: 16 used, 1 collapsed, 3 rejected; all 16 events name a group.
    assert cov["rows"].tolist() == [16, 1, 3, 20, 16, 16]
    assert cov.loc["used (became an event)", "share"] == pytest.approx(16 / 20)
    assert cov.loc["rejected", "share"] == pytest.approx(3 / 20)
    assert cov.loc["events with an assignment group", "share"] == 1.0


def test_mapping_gaps_list_every_unmapped_value(bpi):
    gaps = mapping_gaps(bpi)
    assert sorted(map(tuple, gaps.values.tolist())) == [
        ("organisation", "Org line Z9", 1),
        ("status", "Accepted / Pending Review", 1),
        ("team", "X11", 1),
    ]


def test_rejects_by_reason_adds_up_to_the_rejected_rows(bpi):
    rej = rejects_by_reason(bpi)
    assert rej["rows"].sum() == bpi.summary.rows_rejected == 3
    assert rej["share"].sum() == pytest.approx(3 / 20)


def test_group_suppliers_counts_events_per_group(bpi):
    g = group_suppliers(bpi.tables["ticket_events"]).set_index("assignment_group")
    # N15 2nd holds 5 events of case 1-364285768; N4 3rd all 5 of case 1-631247893.
    assert g.loc["N15 2nd", "events"] == 5
    assert g.loc["N4 3rd", "supplier_id"] == "network"
    assert g["events"].sum() == 16


def test_volumes_by_supplier_month_count_tickets_by_opening_month(bpi):
    v = volumes_by_supplier_month(bpi.tables["tickets"], "Europe/London")
    assert v.values.tolist() == [
        ["2012-05", "applications", 1],
        ["2012-06", "service-desk", 1],
        ["2012-07", "hosting", 1],
        ["2012-08", "network", 1],
    ]


def test_charts_are_built_from_the_frames(bpi):
    v = volumes_by_supplier_month(bpi.tables["tickets"], "Europe/London")
    spec = volume_chart(v).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["field"] == "supplier_id"
    assert rejects_chart(rejects_by_reason(bpi)).to_dict()["encoding"]["y"]["field"] == "reason"


def test_paths_resolve_from_the_project_root_and_bad_importer_is_refused():
    assert resolve(BPI) == paths.ROOT / BPI
    assert resolve("/tmp/x.csv") == Path("/tmp/x.csv")
    assert resolve(None) is None
    with pytest.raises(ValueError, match="unknown importer 'jira'"):
        run_import("jira", BPI)
    with pytest.raises(ValueError, match="needs a mapping file"):
        run_import("eventlog", BPI)
