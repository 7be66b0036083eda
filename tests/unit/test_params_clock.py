"""Params the SLA clocks read, refused when they cannot be meant (probe 8): a pause status on
the resolver's own time, and a time zone written as a legacy or fixed-offset name."""

from __future__ import annotations

import pytest

from siamlib.params import load_params
from tests.unit import test_params
from tests.unit.test_params import _edit, _error

# The params tests' fixture (a copy of the fixture params), not a copy of it.
params_copy = test_params.params_copy


@pytest.mark.parametrize("own", ["new", "assigned", "in_progress"])
def test_a_status_of_the_resolvers_own_time_is_refused_as_a_pause_status(params_copy, own):
    # Probe 8: in_progress as a pause status stopped hosting's clocks while it worked the
    # tickets; P3-RES went from 79.2 % red to 95.8 % green and its 2,880 credit went, exit 0.
    _edit(
        params_copy / "contracts/hosting.yaml",
        lambda d: d["clock"].update(pause_statuses=[own, "awaiting_user"]),
    )
    msg = _error(params_copy)
    assert "contracts/hosting.yaml" in msg and "clock.pause_statuses" in msg
    assert f"{own} cannot be a pause status" in msg and "awaiting_problem" in msg


def test_every_awaiting_status_still_loads_as_a_pause_status(params_copy):
    waits = ["awaiting_user", "awaiting_supplier", "awaiting_change", "awaiting_problem"]
    _edit(
        params_copy / "contracts/hosting.yaml",
        lambda d: d["clock"].update(pause_statuses=waits),
    )
    assert load_params(params_copy).contracts["hosting"].clock.pause_statuses == waits


@pytest.mark.parametrize(
    ("zone", "what"),
    [
        # Probe 8: 'EST' for Europe/London, RESPONSE green to red, +2,880, exit 0
        ("EST", "'EST' is a fixed UTC-05:00 with no summer time"),
        ("GMT", "'GMT' is a fixed UTC+00:00 with no summer time"),
        ("Etc/GMT+1", "'Etc/GMT+1' is a fixed UTC-01:00 with no summer time"),
        ("GB", "'GB' is a legacy alias"),
        ("EST5EDT", "'EST5EDT' is a legacy alias"),
    ],
)
def test_a_calendar_zone_written_as_a_legacy_or_fixed_offset_name_is_refused(
    params_copy, zone, what
):
    _edit(
        params_copy / "contracts/hosting.yaml",
        lambda d: d["calendars"]["business"].update(timezone=zone),
    )
    msg = _error(params_copy)
    assert "contracts/hosting.yaml" in msg and "calendars.business.timezone" in msg
    assert what in msg and "Area/Location" in msg


def test_the_estates_zone_is_checked_the_same_way(params_copy):
    _edit(params_copy / "estate.yaml", lambda d: d.update(timezone="GMT"))
    msg = _error(params_copy)
    assert "estate.yaml" in msg and "timezone" in msg and "'GMT' is a fixed UTC+00:00" in msg


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Asia/Kolkata", "America/New_York"])
def test_utc_and_region_zones_still_load(params_copy, zone):
    _edit(
        params_copy / "contracts/hosting.yaml",
        lambda d: d["calendars"]["business"].update(timezone=zone),
    )
    assert load_params(params_copy).contracts["hosting"].calendars["business"].timezone == zone
