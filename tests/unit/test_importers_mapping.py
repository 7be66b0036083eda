"""Mapping files: validation errors name the file, the key and the problem."""

from __future__ import annotations

import pytest

from siamlib.importers.eventlog import load_estate
from siamlib.importers.mapping import (
    check_against_estate,
    load_mapping,
)
from siamlib.params import ParamsError
from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR, FIXTURE_SERVICENOW_MAPPING

MINIMAL = """\
name: t
columns: {case_id: C, timestamp: T, status: S, team: G}
status_map: {Open: in_progress}
default_service: x
"""


def write(tmp_path, text: str):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_servicenow_mapping_reads_the_documented_vocabulary():
    m = load_mapping(FIXTURE_SERVICENOW_MAPPING)
    assert m.status_map["Awaiting Evidence"] == "awaiting_user"
    assert m.status_map["Awaiting Vendor"] == "awaiting_supplier"
    assert m.status_map["Awaiting Problem"] == "awaiting_problem"
    assert m.reject_statuses == {"-100": "data error: state -100"}
    assert m.priority_map["1 - Critical"] == 1
    assert m.format.missing_values == ["", "?"]


def test_unquoted_numeric_keys_are_read_as_text(tmp_path):
    m = load_mapping(write(tmp_path, MINIMAL + "reject_statuses: {-100: broken}\n"))
    assert m.reject_statuses == {"-100": "broken"}


def test_unknown_status_in_the_map_names_file_and_key(tmp_path):
    path = write(tmp_path, MINIMAL.replace("in_progress", "working"))
    with pytest.raises(ParamsError, match=r"m.yaml: status_map.Open: Input should be"):
        load_mapping(path)


def test_unknown_key_is_refused(tmp_path):
    with pytest.raises(ParamsError, match=r"m.yaml: colour: Extra inputs are not permitted"):
        load_mapping(write(tmp_path, MINIMAL + "colour: blue\n"))


def test_bad_time_zone_is_refused(tmp_path):
    text = MINIMAL + "timestamps: {timezone: Mars/Olympus}\n"
    with pytest.raises(ParamsError, match=r"timestamps.timezone: unknown time zone 'Mars/Olympus'"):
        load_mapping(write(tmp_path, text))


def test_priority_outside_one_to_four_is_refused(tmp_path):
    with pytest.raises(ParamsError, match=r"priority_map: priorities must be 1-4"):
        load_mapping(write(tmp_path, MINIMAL + "priority_map: {P0: 0}\n"))


def test_rule_needs_exactly_one_matcher(tmp_path):
    text = MINIMAL + "supplier_rules: [{supplier_id: euc}]\n"
    with pytest.raises(ParamsError, match=r"supplier_rules\[0\]: give exactly one of"):
        load_mapping(write(tmp_path, text))


def test_number_range_needs_a_capturing_pattern(tmp_path):
    text = (
        MINIMAL
        + "supplier_rules: [{pattern: 'Group \\d+', number_range: [1, 9], supplier_id: euc}]\n"
    )
    with pytest.raises(ParamsError, match=r"number_range needs a pattern with a group"):
        load_mapping(write(tmp_path, text))


def test_rule_on_an_unmapped_column_is_refused(tmp_path):
    text = MINIMAL + "supplier_rules: [{field: organisation, equals: X, supplier_id: euc}]\n"
    with pytest.raises(ParamsError, match=r"supplier_rules\[0\].field: 'organisation'"):
        load_mapping(write(tmp_path, text))


def test_status_both_mapped_and_rejected_is_refused(tmp_path):
    text = MINIMAL + "reject_statuses: {Open: nope}\n"
    with pytest.raises(ParamsError, match=r"statuses both mapped and rejected: Open"):
        load_mapping(write(tmp_path, text))


def test_pause_suggestion_cannot_be_a_done_status(tmp_path):
    text = MINIMAL + "suggested_pause_statuses: [resolved]\n"
    with pytest.raises(ParamsError, match=r"resolved cannot be a pause status"):
        load_mapping(write(tmp_path, text))


def test_response_statuses_missing_a_worked_status_are_refused_naming_it(tmp_path):
    text = MINIMAL + "response_statuses: [in_progress, resolved, closed]\n"
    with pytest.raises(ParamsError, match=r"response_statuses.*missing: awaiting_user"):
        load_mapping(write(tmp_path, text))


def test_response_statuses_may_add_assigned_but_never_new(tmp_path):
    worked = "in_progress, awaiting_user, awaiting_supplier, awaiting_change, awaiting_problem"
    ok = MINIMAL + f"response_statuses: [assigned, {worked}, resolved, closed]\n"
    assert "assigned" in load_mapping(write(tmp_path, ok)).response_statuses
    bad = MINIMAL + f"response_statuses: [new, {worked}, resolved, closed]\n"
    with pytest.raises(ParamsError, match=r"never 'new'"):
        load_mapping(write(tmp_path, bad))


def test_supplier_unknown_to_the_estate_is_named_with_its_key(tmp_path):
    text = MINIMAL + "supplier_rules: [{equals: X, supplier_id: acme}]\nunassigned_supplier: zeta\n"
    m = load_mapping(write(tmp_path, text))
    with pytest.raises(ParamsError) as err:
        check_against_estate(m, load_estate(FIXTURE_PARAMS_DIR), where="m.yaml")
    msg = str(err.value)
    assert "m.yaml: supplier_rules[0].supplier_id: unknown supplier 'acme'" in msg
    assert "m.yaml: unassigned_supplier: unknown supplier 'zeta'" in msg


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ParamsError, match=r"nope.yaml: file not found"):
        load_mapping(tmp_path / "nope.yaml")
