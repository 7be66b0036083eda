"""YAML 1.1 numbers that are not what they look like: PyYAML reads an unquoted ``025`` as the
octal number 21 and ``24:00`` as the base-60 number 1440. Each is refused, naming the file,
the key and the line; quoted, it stays text, and ordinary numbers load as before."""

from __future__ import annotations

import shutil

import pytest

from siamlib.params import ParamsError, load_params
from siamlib.yamlload import YamlFileError, load_yaml_text
from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR


def _refusal(text: str) -> str:
    with pytest.raises(YamlFileError) as exc:
        load_yaml_text(text, "f.yaml")
    assert "\n" not in str(exc.value)
    return str(exc.value)


# ------------------------------------------------------------------ octal
def test_a_leading_zero_number_is_refused_as_octal_naming_key_line_and_meant_value():
    text = "levels:\n  - {weight: 10, pool_allocation_pct: 025}\n"
    assert _refusal(text) == (
        "f.yaml: pool_allocation_pct: 025 at line 2 is read by YAML 1.1 as the octal number "
        "21; write 25, or quote it"
    )


def test_at_risk_pct_012_is_refused_not_read_as_10():
    assert _refusal("supplier_id: x\nat_risk_pct: 012\n") == (
        "f.yaml: at_risk_pct: 012 at line 2 is read by YAML 1.1 as the octal number 10; "
        "write 12, or quote it"
    )


@pytest.mark.parametrize("text", ["-012", "+012", "00", "0_12", "!!int 012"])
def test_every_octal_spelling_is_refused(text):
    assert "as the octal number" in _refusal(f"a: {text}\n")


def test_an_octal_item_in_a_list_is_refused_naming_its_line():
    assert _refusal("bands:\n  - 0.5\n  - 075\n") == (
        "f.yaml: 075 at line 3 is read by YAML 1.1 as the octal number 61; write 75, or quote it"
    )


# ------------------------------------------------------------------ base 60
def test_target_hours_24_00_is_refused_not_read_as_1440():
    text = "sla_targets:\n  - {priority: 3, clock: resolution, target_hours: 24:00}\n"
    assert _refusal(text) == (
        "f.yaml: target_hours: 24:00 at line 2 is read by YAML 1.1 as the base-60 number "
        "1440; write 24 if hours:minutes were meant, or quote it"
    )


@pytest.mark.parametrize(
    ("text", "read", "meant"),
    [("8:00", "480", "8"), ("1:30", "90", "1.5"), ("1:30.0", "90", "1.5")],
)
def test_every_base_60_number_is_refused(text, read, meant):
    msg = _refusal(f"target_hours: {text}\n")
    assert (
        f"target_hours: {text} at line 1 is read by YAML 1.1 as the base-60 number {read};" in msg
    )
    assert f"write {meant} if hours:minutes" in msg


# ------------------------------------------------------------------ what still loads
def test_quoted_octal_and_base_60_forms_stay_text():
    text = "a: '025'\nb: \"24:00\"\nc: ['08:00', '012']\n"
    assert load_yaml_text(text, "f.yaml") == {"a": "025", "b": "24:00", "c": ["08:00", "012"]}


def test_ordinary_numbers_load_as_before():
    text = "a: 0\nb: 0.5\nc: 1_000\nd: 25\ne: -3\nf: 025.5\ng: 0.25\nh: 1e3\ni: 0x1F\n"
    assert load_yaml_text(text, "f.yaml") == {
        "a": 0, "b": 0.5, "c": 1000, "d": 25, "e": -3, "f": 25.5, "g": 0.25, "h": "1e3", "i": 31
    }  # fmt: skip


def test_text_that_yaml_does_not_read_as_a_number_stays_text():
    # 09 and 08:00 are no YAML 1.1 octal/base-60 numbers (a digit 8 or 9, a leading zero)
    assert load_yaml_text("a: 09\nb: 08:00\nc: 0o17\n", "f.yaml") == {
        "a": "09", "b": "08:00", "c": "0o17"
    }  # fmt: skip


# ------------------------------------------------------------------ through load_params
@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "at_risk_pct: 12\n",
            "at_risk_pct: 012\n",
            "at_risk_pct: 012 at line 7 is read by YAML 1.1 as the octal number 10; write 12, "
            "or quote it",
        ),
        (
            "target_hours: 24, calendar: business}",
            "target_hours: 24:00, calendar: business}",
            "target_hours: 24:00 at line 65 is read by YAML 1.1 as the base-60 number 1440; "
            "write 24 if hours:minutes were meant, or quote it",
        ),
    ],
)
def test_load_params_refuses_an_octal_or_base_60_number_before_any_work(
    tmp_path, old, new, problem
):
    root = tmp_path / "params"
    shutil.copytree(FIXTURE_PARAMS_DIR, root)
    hosting = root / "contracts/hosting.yaml"
    text = hosting.read_text(encoding="utf-8")
    assert text.count(old) == 1
    hosting.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ParamsError) as exc:
        load_params(root)
    assert str(exc.value).endswith(f"contracts/hosting.yaml: {problem}")
