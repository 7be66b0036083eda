"""Params: a YAML boolean (yes/no/on/off/true/false) where a number is expected is refused.

Pydantic's lax mode would take ``at_risk_pct: yes`` as 1 (£7,200 of credits became £600 with
exit 0). Every numeric field of every params model (plain, optional, constrained, and numbers
inside lists and mappings) refuses a boolean with a ParamsError naming the file and the key;
boolean fields still take booleans and quoted numbers ('240000', '2.4e5') still load.
"""

from __future__ import annotations

import shutil
import types
from pathlib import Path
from string import Template
from typing import Annotated, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

import siamlib.params as sp
from siamlib.params import Contract, Estate, ParamsError, Raci, load_model, load_params
from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR

PROBLEM = (
    "a number is expected, got the boolean true (YAML reads yes/no/on/off/true/false as "
    "booleans; quote it if text was meant)"
)

# Tiny hand-written files; $names are filled per test (YAML text, so `yes` stays `yes`).
CONTRACT = Template(
    """\
supplier_id: hosting
monthly_charge: $charge
at_risk_pct: $at_risk
calendars:
  always:
    weekly_hours: {mon: [['00:00', '24:00']]}
clock:
  at_risk_bands: $bands
sla_targets:
  - {priority: 1, clock: resolution, target_hours: $hours, calendar: always}
service_levels:
  - id: P1-RES
    measure: sla_resolution_attainment
    scope: {priority: $priority}
    expected: $expected
    minimum: $minimum
    weight: 100
    pool_allocation_pct: 100
    min_volume: $min_volume
credit_regime:
  earn_back: {enabled: $earn_back, periods: 3}
  one_credit_per_incident: $per_incident
"""
)
CONTRACT_OK = dict(
    charge=240000,
    at_risk=12,
    bands="[0.5, 0.75]",
    hours=4,
    priority=1,
    expected=95,
    minimum=90,
    min_volume=10,
    earn_back="true",
    per_incident="false",
)

ESTATE = Template(
    """\
name: Tiny estate
aged_after_days: $aged
suppliers:
  - {id: hosting, name: Summit Hosting, role: tower}
  - {id: integrator, name: The Integrator, role: integrator}
assignment_groups:
  - {group: Hosting L2, supplier_id: hosting, support_level: $level}
"""
)

RACI = Template(
    """\
parties: [retained, hosting]
drift_tolerance_pct: 15
capabilities:
  - id: incident-management
    name: Incident management
    stage: operations
    raci: {retained: A, hosting: R}
    share: {retained: 50, hosting: $share}
"""
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _contract(tmp_path: Path, **changes) -> Path:
    return _write(
        tmp_path, "contracts/hosting.yaml", CONTRACT.substitute({**CONTRACT_OK, **changes})
    )


def _refusal(path: Path, model) -> str:
    with pytest.raises(ParamsError) as exc:
        load_model(path, model)
    return str(exc.value)


# ------------------------------------------------------------------ the reported cases
@pytest.mark.parametrize("word", ["yes", "true", "on", "no", "off", "false", "Yes", "TRUE"])
def test_a_yaml_boolean_for_a_contracts_at_risk_pct_is_refused_naming_file_and_key(tmp_path, word):
    msg = _refusal(_contract(tmp_path, at_risk=word), Contract)
    value = "true" if word.lower() in ("yes", "true", "on") else "false"
    assert msg.endswith(
        f"contracts/hosting.yaml: at_risk_pct: a number is expected, got the boolean {value} "
        "(YAML reads yes/no/on/off/true/false as booleans; quote it if text was meant)"
    )
    assert " | " not in msg  # one problem, one line


def test_a_boolean_minimum_on_a_service_level_is_refused_naming_the_level(tmp_path):
    msg = _refusal(_contract(tmp_path, minimum="true"), Contract)
    assert msg.endswith(f"contracts/hosting.yaml: service_levels[0].minimum: {PROBLEM}")


def test_a_boolean_aged_after_days_in_the_estate_is_refused(tmp_path):
    path = _write(tmp_path, "estate.yaml", ESTATE.substitute(aged="yes", level=2))
    assert _refusal(path, Estate).endswith(f"estate.yaml: aged_after_days: {PROBLEM}")


def test_a_boolean_item_in_a_list_of_numbers_is_refused_naming_the_item(tmp_path):
    msg = _refusal(_contract(tmp_path, bands="[0.5, on]"), Contract)
    assert msg.endswith(f"contracts/hosting.yaml: clock.at_risk_bands[1]: {PROBLEM}")


def test_a_boolean_value_in_a_mapping_of_numbers_is_refused_naming_the_key(tmp_path):
    path = _write(tmp_path, "raci.yaml", RACI.substitute(share="yes"))
    assert _refusal(path, Raci).endswith(f"raci.yaml: capabilities[0].share.hosting: {PROBLEM}")


def test_a_boolean_for_an_optional_number_is_refused(tmp_path):
    msg = _refusal(_contract(tmp_path, min_volume="on"), Contract)
    assert msg.endswith(f"contracts/hosting.yaml: service_levels[0].min_volume: {PROBLEM}")
    path = _write(tmp_path, "estate.yaml", ESTATE.substitute(aged=30, level="yes"))
    assert _refusal(path, Estate).endswith(
        f"estate.yaml: assignment_groups[0].support_level: {PROBLEM}"
    )


def test_a_boolean_scope_priority_is_refused_asking_for_a_number_or_text(tmp_path):
    msg = _refusal(_contract(tmp_path, priority="yes"), Contract)
    assert "service_levels[0].scope.priority: a number or text is expected, got the boolean" in msg


def test_every_boolean_in_one_file_is_reported_on_the_one_line(tmp_path):
    msg = _refusal(_contract(tmp_path, at_risk="yes", hours="yes", minimum="no"), Contract)
    assert msg.count(" | ") == 2
    assert "at_risk_pct: a number" in msg
    assert "sla_targets[0].target_hours: a number" in msg
    assert "service_levels[0].minimum: a number is expected, got the boolean false" in msg


def test_load_params_refuses_at_risk_pct_yes_before_any_work(tmp_path):
    root = tmp_path / "params"
    shutil.copytree(FIXTURE_PARAMS_DIR, root)
    hosting = root / "contracts/hosting.yaml"
    text = hosting.read_text(encoding="utf-8")
    assert "at_risk_pct: 12\n" in text
    hosting.write_text(text.replace("at_risk_pct: 12\n", "at_risk_pct: yes\n"), encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_params(root)
    assert str(exc.value).endswith(f"contracts/hosting.yaml: at_risk_pct: {PROBLEM}")


# ------------------------------------------------------------------ what still loads
def test_boolean_fields_still_take_true_and_false(tmp_path):
    c = load_model(_contract(tmp_path, earn_back="true", per_incident="false"), Contract)
    assert c.credit_regime.earn_back.enabled is True
    assert c.credit_regime.one_credit_per_incident is False
    c = load_model(_contract(tmp_path, earn_back="no", per_incident="yes"), Contract)
    assert c.credit_regime.earn_back.enabled is False
    assert c.credit_regime.one_credit_per_incident is True


@pytest.mark.parametrize("charge", ["'240000'", "'2.4e5'", "240000.0", "2.4e+5"])
def test_numbers_written_as_quoted_text_still_load(tmp_path, charge):
    c = load_model(_contract(tmp_path, charge=charge, expected="'95.5'", priority="'1'"), Contract)
    assert c.monthly_charge == 240000.0
    assert c.service_levels[0].expected == 95.5
    assert c.service_levels[0].scope == {"priority": "1"}


def test_the_tiny_files_load_as_written(tmp_path):
    assert load_model(_contract(tmp_path), Contract).at_risk_pct == 12
    assert load_model(_write(tmp_path, "e.yaml", ESTATE.substitute(aged=30, level=2)), Estate)
    assert load_model(_write(tmp_path, "r.yaml", RACI.substitute(share=50)), Raci)


# ------------------------------------------------------------------ every numeric field
def _unwrap(tp) -> list:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        return [m for a in get_args(tp) for m in _unwrap(a)]
    return [tp]


def _with_a_boolean(tp):
    """A value for annotation ``tp`` with ``True`` where a number goes; None if none does."""
    members = _unwrap(tp)
    if bool in members:
        return None
    if any(m in (int, float) for m in members):
        return True
    for m in members:
        origin, args = get_origin(m), get_args(m)
        if origin is list and (inner := _with_a_boolean(args[0])) is not None:
            return [inner]
        if origin is dict and (inner := _with_a_boolean(args[1])) is not None:
            return {"k": inner}
        if origin is tuple and args:
            values = [_with_a_boolean(a) for a in args]
            if any(v is not None for v in values):
                return [True if v is not None else "x" for v in values]
    return None


def _params_models() -> list[type[BaseModel]]:
    return sorted(
        {
            v
            for v in vars(sp).values()
            if isinstance(v, type)
            and issubclass(v, BaseModel)
            and v.__module__.startswith("siamlib.params")
            and v is not sp.Params
        },
        key=lambda m: m.__name__,
    )


def refusals(value_for) -> dict[str, set[str]]:
    """Every field of every params model that ``value_for(annotation)`` gives a value for
    (``None``: skipped), validated with that value alone: ``Model.key`` -> the error types
    raised at the key (a field that takes the value fails the test)."""
    found = {}
    for model in _params_models():
        for name, field in model.model_fields.items():
            value = value_for(field.annotation)
            if value is None:
                continue
            key = field.alias or name
            with pytest.raises(ValidationError) as exc:
                model.model_validate({key: value})
            found[f"{model.__name__}.{key}"] = {
                e["type"] for e in exc.value.errors() if e["loc"][:1] == (key,)
            }
    return found


def test_every_numeric_field_of_every_params_model_refuses_a_boolean():
    found = refusals(_with_a_boolean)
    for field, kinds in found.items():
        assert kinds == {"bool_not_number"}, (field, kinds)
    checked = list(found)
    # the walk is not vacuous: the reported fields and the nested/optional kinds are in it
    for expected in (
        "Contract.at_risk_pct",
        "Contract.monthly_charge",
        "ServiceLevel.minimum",
        "ServiceLevel.pool_allocation_pct",
        "ServiceLevel.min_volume",
        "ServiceLevel.scope",
        "Estate.aged_after_days",
        "ClockRules.at_risk_bands",
        "Capability.share",
        "Band.from",
        "EarnBack.periods",
        "AssignmentGroup.support_level",
    ):
        assert expected in checked


@pytest.mark.parametrize(
    "annotation",
    [bool, Literal[True, False], bool | None, Literal["none", "all"]],
)
def test_no_boolean_field_is_treated_as_a_number(annotation):
    from siamlib.params.base import bool_where_number

    assert bool_where_number(annotation, True) is None
