"""Params: YAML ``.inf``, ``-.inf`` and ``.nan`` (and quoted 'inf'/'nan') are refused.

They parse as floats, and pydantic takes them by default: an ``expected: .inf`` level turned
amber into red with a new £1,800 credit, a band ``amount: .nan`` dropped a £1,000 credit, and
``amount: .inf`` ended in a traceback. Every params model refuses them (``allow_inf_nan`` off
on the shared base model) with a ParamsError naming the file and the key.
"""

from __future__ import annotations

import math

import pytest

from siamlib.params import Contract
from tests.unit.test_params_yaml_booleans import _contract, _refusal, _unwrap, refusals

FINITE = "a finite number is expected, got {} (.inf and .nan are refused)"


@pytest.mark.parametrize(
    ("key", "text", "shown", "where"),
    [
        ("expected", ".inf", "inf", "service_levels[0].expected"),
        ("minimum", "-.inf", "-inf", "service_levels[0].minimum"),
        ("at_risk", ".nan", "nan", "at_risk_pct"),
        ("hours", ".Inf", "inf", "sla_targets[0].target_hours"),
        ("expected", "'inf'", "'inf'", "service_levels[0].expected"),
        ("charge", "'NaN'", "'NaN'", "monthly_charge"),
    ],
)
def test_a_non_finite_number_is_refused_naming_file_and_key(tmp_path, key, text, shown, where):
    msg = _refusal(_contract(tmp_path, **{key: text}), Contract)
    assert msg.endswith(f"contracts/hosting.yaml: {where}: {FINITE.format(shown)}"), msg


def test_a_non_finite_item_in_a_list_of_numbers_is_refused(tmp_path):
    msg = _refusal(_contract(tmp_path, bands="[0.5, .inf]"), Contract)
    assert "clock.at_risk_bands.1: " in msg or "clock.at_risk_bands[1]: " in msg, msg


def _with_inf(tp):
    """A value for annotation ``tp`` with infinity where a float goes; None if none does."""
    members = _unwrap(tp)
    if float in members:
        return math.inf
    for m in members:
        args = getattr(m, "__args__", ())
        if getattr(m, "__origin__", None) is list and (inner := _with_inf(args[0])) is not None:
            return [inner]
        if getattr(m, "__origin__", None) is dict and (inner := _with_inf(args[1])) is not None:
            return {"k": inner}
    return None


def test_every_float_field_of_every_params_model_refuses_infinity():
    found = refusals(_with_inf)
    for field, kinds in found.items():
        assert "finite_number" in kinds, (field, kinds)
    # not vacuous: the fields of the reported cases are in the walk
    assert {"ServiceLevel.expected", "Contract.at_risk_pct", "Band.amount"} <= set(found)
