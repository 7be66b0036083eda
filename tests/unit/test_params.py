"""Params: the project's files load; each kind of bad file fails before any work with an error
naming the file, the key and the problem."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from siamlib import paths
from siamlib.params import ParamsError, load_params


@pytest.fixture
def params_copy(tmp_path) -> Path:
    dst = tmp_path / "params"
    shutil.copytree(paths.PARAMS_DIR, dst)
    return dst


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _error(root: Path) -> str:
    with pytest.raises(ParamsError) as exc:
        load_params(root)
    return str(exc.value)


def test_the_project_params_load_with_one_contract_per_supplier():
    p = load_params()
    assert p.estate.integrator.id == "integrator"
    assert sorted(p.contracts) == sorted(s.id for s in p.estate.suppliers)
    assert len(p.estate.towers) == 5


def test_effective_dated_levels_pick_the_ones_in_force():
    hosting = load_params().contract("hosting")
    june = {s.id for s in hosting.service_levels_on(dt.date(2026, 6, 1))}
    july = {s.id for s in hosting.service_levels_on(dt.date(2026, 7, 1))}
    assert "P2-RES" in june and "P2-RES-2026H2" not in june
    assert "P2-RES-2026H2" in july and "P2-RES" not in july


def test_a_negative_weight_names_file_key_and_problem(params_copy):
    _edit(
        params_copy / "contracts/hosting.yaml", lambda d: d["service_levels"][1].update(weight=-5)
    )
    msg = _error(params_copy)
    assert "contracts/hosting.yaml" in msg
    assert "service_levels[1].weight" in msg
    assert "greater than 0" in msg


def test_weights_not_summing_to_100_are_rejected_with_the_date(params_copy):
    _edit(params_copy / "contracts/euc.yaml", lambda d: d["service_levels"][0].update(weight=30))
    msg = _error(params_copy)
    assert "contracts/euc.yaml" in msg and "sum to 110" in msg


def test_an_unknown_measure_is_rejected(params_copy):
    _edit(
        params_copy / "contracts/network.yaml",
        lambda d: d["service_levels"][0].update(measure="happiness"),
    )
    msg = _error(params_copy)
    assert "service_levels[0]" in msg and "unknown measure 'happiness'" in msg


def test_an_unknown_time_zone_is_rejected(params_copy):
    _edit(
        params_copy / "contracts/network.yaml",
        lambda d: d["calendars"]["business"].update(timezone="Europe/Atlantis"),
    )
    msg = _error(params_copy)
    assert "calendars.business.timezone" in msg and "Europe/Atlantis" in msg


def test_a_raci_capability_with_two_accountables_is_rejected(params_copy):
    _edit(
        params_copy / "raci.yaml",
        lambda d: d["capabilities"][0]["raci"].update(integrator="A"),
    )
    msg = _error(params_copy)
    assert "raci.yaml" in msg and "exactly one A" in msg and "demand-management" in msg


def test_a_bad_supplier_slug_is_rejected(params_copy):
    _edit(params_copy / "estate.yaml", lambda d: d["suppliers"][1].update(id="../etc"))
    msg = _error(params_copy)
    assert "estate.yaml" in msg and "suppliers[1].id" in msg


def test_a_missing_contract_is_named(params_copy):
    (params_copy / "contracts/euc.yaml").unlink()
    assert "no contract for supplier(s) euc" in _error(params_copy)


def test_invalid_yaml_reports_the_line(params_copy):
    (params_copy / "raci.yaml").write_text("parties: [a, b\ncapabilities: {", encoding="utf-8")
    msg = _error(params_copy)
    assert "raci.yaml" in msg and "invalid YAML" in msg and "line" in msg


def test_an_unknown_key_is_rejected_not_ignored(params_copy):
    _edit(params_copy / "contracts/hosting.yaml", lambda d: d.update(monthly_charg=1))
    msg = _error(params_copy)
    assert "monthly_charg" in msg and "Extra inputs are not permitted" in msg


def test_a_bad_recipient_address_is_rejected(params_copy):
    _edit(params_copy / "contracts/hosting.yaml", lambda d: d.update(recipients=["not-an-email"]))
    msg = _error(params_copy)
    assert "recipients[0]" in msg


def test_minimum_better_than_expected_is_rejected(params_copy):
    _edit(
        params_copy / "contracts/hosting.yaml",
        lambda d: d["service_levels"][0].update(expected=90, minimum=95),
    )
    assert "better than expected" in _error(params_copy)


def test_overlapping_assignment_group_dates_are_rejected(params_copy):
    def overlap(d):
        d["assignment_groups"].append({"group": "SD-L1", "supplier_id": "euc"})

    _edit(params_copy / "estate.yaml", overlap)
    assert "overlapping effective dates" in _error(params_copy)


def test_contract_file_name_must_match_its_supplier(params_copy):
    _edit(params_copy / "contracts/euc.yaml", lambda d: d.update(supplier_id="network"))
    msg = _error(params_copy)
    assert "contracts/euc.yaml" in msg and "does not match the file name" in msg
