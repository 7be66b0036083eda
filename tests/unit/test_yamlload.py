"""Strict YAML: a key written twice, and every file that is not a YAML mapping, is a one-line
error naming the file (and the key and line where there is one)."""

from __future__ import annotations

import shutil

import pytest

from siamlib.importers.mapping import load_mapping
from siamlib.params import ParamsError
from siamlib.yamlload import YamlFileError, load_yaml_mapping, load_yaml_text
from tests.fixtures.fixture_params import FIXTURE_SERVICENOW_MAPPING


def test_a_nested_key_written_twice_names_key_and_both_lines():
    text = "a:\n  b: 1\n  c: 2\n  b: 3\n"
    with pytest.raises(YamlFileError) as exc:
        load_yaml_text(text, "f.yaml")
    assert str(exc.value) == "f.yaml: b: duplicate key at line 4 (first at line 2); keep one"


def test_equal_keys_in_different_mappings_are_fine():
    assert load_yaml_text("a: {x: 1}\nb: {x: 2}\n", "f.yaml") == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_merge_key_may_be_overridden_by_an_explicit_key():
    text = "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\n"
    assert load_yaml_text(text, "f.yaml")["d"] == {"x": 3, "y": 2}


def test_python_tags_are_refused():
    with pytest.raises(YamlFileError, match=r"f.yaml: invalid YAML \(line 1"):
        load_yaml_text("a: !!python/object/apply:os.system [ls]\n", "f.yaml")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"# only a comment\n", "empty file"),
        (b"\x00\x01\x02", "binary file"),
        (b"name: caf\xe9\n", "not UTF-8 text (byte 9"),
        (b"- a\n", "the top level is a list"),
        (b"just text\n", "the top level is text"),
        (b"42\n", "the top level is a number"),
        (b"a: [1,\n", "invalid YAML (line 2"),
    ],
)
def test_files_that_are_not_yaml_mappings_are_named(tmp_path, content, problem):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    with pytest.raises(YamlFileError) as exc:
        load_yaml_mapping(path, "x.yaml")
    assert str(exc.value).startswith(f"x.yaml: {problem}")
    assert "\n" not in str(exc.value)


def test_a_folder_is_not_a_yaml_file(tmp_path):
    with pytest.raises(YamlFileError, match="x.yaml: is a folder"):
        load_yaml_mapping(tmp_path, "x.yaml")


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffa: 1\n".encode())
    assert load_yaml_mapping(path) == {"a": 1}


def test_a_mapping_file_with_a_key_written_twice_is_a_params_error(tmp_path):
    path = tmp_path / "m.yaml"
    shutil.copy(FIXTURE_SERVICENOW_MAPPING, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "ticket_type: request\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"m.yaml: ticket_type: duplicate key at line \d+"):
        load_mapping(path)


def test_a_plain_float_keeps_the_text_it_was_written_as():
    # money checks need it: 240.000 and 240 are the same number to YAML (probe 05)
    from siamlib.yamlload import WrittenFloat

    data = load_yaml_text("a: 240.000\nb: [1.50]\nc: 240000\nd: '240.000'\n", "f.yaml")
    assert data == {"a": 240.0, "b": [1.5], "c": 240000, "d": "240.000"}
    assert isinstance(data["a"], WrittenFloat) and data["a"].text == "240.000"
    assert data["b"][0].text == "1.50"
    assert type(data["c"]) is int and type(data["d"]) is str
