"""Params written in the wrong unit: a fraction where per cent is meant, a dot used as a
thousands separator in money.

Each loaded silently and moved money (probe 05, hosting, 2026-10): ``at_risk_pct: 0.12`` cut
the AVAIL credit from £7,200 to £72, ``monthly_charge: 240.000`` (read by YAML as 240) to
£7.20, ``pool_allocation_pct: 0.25`` and an AVAIL level written ``expected: 0.995, minimum:
0.99`` each turned the £7,200 credit into another level's £5,760. Each is now refused before
any work with an error naming the file, the key and the problem; values that are meant still
load (a lower-is-better per-cent level such as a reopen rate of at most 0.5 %, a share of 0
or 1 %, money in pounds and pence).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from string import Template

import pytest

from siamlib.params import Contract, ParamsError, Raci, load_model, load_params
from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR
from tests.unit.test_params_yaml_booleans import RACI, _contract, _refusal, _write

FRACTIONS = "values between 0 and 1 are refused as fractions"
AVAIL = (
    "{id: AVAIL, measure: availability, expected: 99.5, minimum: 99.0, weight: 10, "
    "pool_allocation_pct: 25}"
)
BANDED = Template(
    """\
supplier_id: hosting
monthly_charge: 240000
calendars:
  always:
    weekly_hours: {mon: [['00:00', '24:00']]}
service_levels:
  - id: AVAIL
    measure: availability
    expected: 99.5
    minimum: 99
    weight: 100
    bands:
      - {from: 0, to: 99, amount: $amount}
      - {from: 99, to: 100, amount: 0}
credit_regime: {type: bands}
"""
)


@pytest.fixture
def params_copy(tmp_path) -> Path:
    dst = tmp_path / "params"
    shutil.copytree(FIXTURE_PARAMS_DIR, dst)
    return dst


def _replace(path: Path, old: str, new: str) -> None:
    """Edit the YAML text itself (a dump would rewrite ``240.000`` as ``240.0``)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(root: Path) -> str:
    with pytest.raises(ParamsError) as exc:
        load_params(root)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def _hosting(root: Path) -> Path:
    return root / "contracts" / "hosting.yaml"


# ------------------------------------------------------------ fractions for per cent (probe 05)
def test_at_risk_pct_written_as_a_fraction_is_refused_naming_file_and_key(params_copy):
    # 0.12 for 12: the at-risk pool was £288 instead of £28,800, the AVAIL credit £72
    _replace(_hosting(params_copy), "at_risk_pct: 12", "at_risk_pct: 0.12")
    assert _error(params_copy).endswith(
        "contracts/hosting.yaml: at_risk_pct: 0.12 looks like a fraction: write per cent "
        f"(12 for 12 %); {FRACTIONS}"
    )


def test_a_pool_allocation_written_as_a_fraction_is_refused_naming_the_level(params_copy):
    new = AVAIL.replace("pool_allocation_pct: 25", "pool_allocation_pct: 0.25")
    _replace(_hosting(params_copy), AVAIL, new)
    # AVAIL is the ninth level of the fixture hosting contract
    assert _error(params_copy).endswith(
        "contracts/hosting.yaml: service_levels[8].pool_allocation_pct: 0.25 looks like a "
        f"fraction: write per cent (25 for 25 %); {FRACTIONS}"
    )


def test_a_higher_is_better_per_cent_level_written_as_fractions_is_refused(params_copy):
    # AVAIL 98.65 % against 0.995 / 0.99: red became green and its £7,200 credit went
    avail = AVAIL.replace("99.5", "0.995").replace("99.0", "0.99")
    _replace(_hosting(params_copy), AVAIL, avail)
    assert _error(params_copy).endswith(
        "contracts/hosting.yaml: service_levels[8].expected: 0.995 looks like a fraction: "
        "write per cent (99.5 for 99.5 %); a higher-is-better per-cent level between 0 and 1 "
        "is never meant (availability)"
    )


@pytest.mark.parametrize(
    ("expected", "minimum", "refused"),
    [(95, "0.9", "minimum: 0.9"), ("0.5", 0, "expected: 0.5"), ("0.95", "0.9", "expected: 0.95")],
)
def test_either_bound_of_a_higher_is_better_per_cent_level_below_1_is_refused(
    tmp_path, expected, minimum, refused
):
    # sla_resolution_attainment: higher is better, in per cent
    msg = _refusal(_contract(tmp_path, expected=expected, minimum=minimum), Contract)
    assert f"contracts/hosting.yaml: service_levels[0].{refused} looks like a fraction" in msg


def test_a_raci_drift_tolerance_written_as_a_fraction_is_refused(tmp_path):
    text = RACI.substitute(share=50).replace("drift_tolerance_pct: 15", "drift_tolerance_pct: 0.15")
    msg = _refusal(_write(tmp_path, "raci.yaml", text), Raci)
    assert msg.endswith(
        "raci.yaml: drift_tolerance_pct: 0.15 looks like a fraction: write per cent "
        f"(15 for 15 %); {FRACTIONS}"
    )


# ------------------------------------------------------------ small per-cent values that are meant
def test_a_lower_is_better_per_cent_level_may_be_below_1(params_copy):
    # a reopen rate of at most 0.2 % (red above 0.5 %) is a strict contract, not a fraction
    old = "{id: REOPEN, measure: reopen_rate, expected: 3, minimum: 6,"
    _replace(_hosting(params_copy), old, old.replace("3, minimum: 6", "0.2, minimum: 0.5"))
    levels = load_params(params_copy).contract("hosting").service_levels
    reopen = next(s for s in levels if s.id == "REOPEN")
    assert (reopen.expected, reopen.minimum) == (0.2, 0.5)


@pytest.mark.parametrize(
    ("changes", "at_risk", "minimum"),
    [
        ({"at_risk": 1}, 1.0, 90.0),  # 1 % at risk
        ({"at_risk": 100}, 100.0, 90.0),
        ({"expected": 1, "minimum": 0}, 12.0, 0.0),  # 0: no floor, not a fraction
        ({"expected": 100, "minimum": 1}, 12.0, 1.0),
    ],
)
def test_zero_one_and_100_per_cent_still_load(tmp_path, changes, at_risk, minimum):
    c = load_model(_contract(tmp_path, **changes), Contract)
    assert (c.at_risk_pct, c.service_levels[0].minimum) == (at_risk, minimum)


def test_a_share_of_0_still_loads(params_copy):
    new = AVAIL.replace("pool_allocation_pct: 25", "pool_allocation_pct: 0")
    _replace(_hosting(params_copy), AVAIL, new)
    levels = load_params(params_copy).contract("hosting").service_levels
    assert next(s for s in levels if s.id == "AVAIL").pool_allocation_pct == 0


# ------------------------------------------------------------ a dot for thousands in money
def test_monthly_charge_with_a_thousands_dot_is_refused_with_the_text_written(params_copy):
    # 240.000 is 240 to YAML: the AVAIL credit became £7.20 instead of £7,200
    _replace(_hosting(params_copy), "monthly_charge: 240000", "monthly_charge: 240.000")
    assert _error(params_copy).endswith(
        "contracts/hosting.yaml: monthly_charge: 240.000 looks like a dot used as a thousands "
        "separator (money has at most two decimals) and reads as 240; write 240000"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("240.000", "looks like a dot used as a thousands separator (money has at most two "
         "decimals) and reads as 240; write 240000"),
        ("'240.000'", "looks like a dot used as a thousands separator (money has at most two "
         "decimals) and reads as 240; write 240000"),  # quoted: read as 240 all the same
        ("1.200.000", "looks like a dot used as a thousands separator (money has at most two "
         "decimals); write 1200000"),
        ("240000.125", "has 3 decimals, but money has at most two; round it to two"),
        ("240,000", "looks like a comma used as a thousands separator; write 240000"),
        ("'240,000.50'", "looks like a comma used as a thousands separator; write 240000.50"),
    ],
)  # fmt: skip
def test_money_with_a_thousands_separator_or_three_decimals_is_refused(tmp_path, text, problem):
    msg = _refusal(_contract(tmp_path, charge=text), Contract)
    assert msg.endswith(f"contracts/hosting.yaml: monthly_charge: {text.strip(chr(39))} {problem}")


@pytest.mark.parametrize("text", ["240k", "12%", "£240000", "'240 000'"])
def test_money_with_a_suffix_a_symbol_or_a_space_stays_refused(tmp_path, text):
    msg = _refusal(_contract(tmp_path, charge=text), Contract)
    assert msg.endswith(
        "contracts/hosting.yaml: monthly_charge: Input should be a valid number, unable to "
        "parse string as a number"
    ), msg


@pytest.mark.parametrize(
    ("text", "value"),
    [("240000", 240000.0), ("240000.50", 240000.5), ("240000.0", 240000.0), ("2.4e5", 240000.0),
     ("'240000.25'", 240000.25), ("1_000", 1000.0), ("240.5", 240.5)],
)  # fmt: skip
def test_money_in_pounds_and_pence_or_with_an_exponent_loads(tmp_path, text, value):
    assert load_model(_contract(tmp_path, charge=text), Contract).monthly_charge == value


def test_a_band_amount_with_a_thousands_dot_is_refused(tmp_path):
    path = _write(tmp_path, "contracts/hosting.yaml", BANDED.substitute(amount="1.500"))
    assert _refusal(path, Contract).endswith(
        "contracts/hosting.yaml: service_levels[0].bands[0].amount: 1.500 looks like a dot used "
        "as a thousands separator (money has at most two decimals) and reads as 1.5; write 1500"
    )


@pytest.mark.parametrize(("text", "value"), [("1500", 1500.0), ("-250.50", -250.5)])
def test_a_band_amount_in_pounds_and_pence_loads(tmp_path, text, value):
    path = _write(tmp_path, "contracts/hosting.yaml", BANDED.substitute(amount=text))
    assert load_model(path, Contract).service_levels[0].bands[0].amount == value


# ------------------------------------------------------------ the fixture folders still load
@pytest.mark.parametrize(
    "folder", [FIXTURE_PARAMS_DIR, FIXTURE_PARAMS_DIR / "drafts" / "example"], ids=["main", "draft"]
)
def test_the_fixture_params_folders_still_load(folder):
    # the shipped params/ and its drafts: tests/unit/test_shipped_params.py
    assert load_params(folder).contracts
