"""A dry run validates and computes, lists the reports it would render, and writes nothing."""

from __future__ import annotations

import pytest

from siamlib import batch
from tests.e2e.helpers import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_dry_run_plans_every_report_and_writes_nothing(tmp_path, demo_data, params):
    reports = tmp_path / "reports"
    reports.mkdir()
    result = batch.run(
        PERIOD, data_dir=demo_data, reports_dir=reports, dry_run=True, progress=False
    )

    assert list(reports.iterdir()) == []
    assert result.status == "dry-run"
    expected = {s.id for s in params.estate.suppliers} | {batch.BOARD}
    assert set(result.reports) == expected
    assert {r["status"] for r in result.reports.values()} == {"planned"}
    assert result.reports["hosting"]["kind"] == "tower"
    assert result.reports[batch.BOARD]["kind"] == "board"
    assert result.figures_sha256  # it did compute
