"""Strict YAML loading for params and mapping files.

PyYAML quietly keeps the last of two equal keys, so ``monthly_charge`` written twice changes
money without a word. :func:`load_yaml_mapping` refuses that and every other way a file can
fail to be a YAML mapping (a folder, an empty file, binary or non-UTF-8 bytes, a bad date, a
list at the top), each as a one-line :class:`YamlFileError` naming the file; callers add
their own error type (``siamlib.params.ParamsError``).

YAML 1.1 (PyYAML) also reads an unquoted number with a leading zero as octal (``025`` is 21)
and one with colons as base 60 (``24:00`` is 1440), so a figure would change without a word:
such a number is refused, naming the key and the line. Quoted, it stays text.

A plain float keeps the text it was written as (:class:`WrittenFloat`), for checks the number
alone cannot make: ``monthly_charge: 240.000`` is 240 to YAML, but written with three
decimals it is a thousands separator, not money (:func:`siamlib.params.base.money_problem`).

Examples
--------
>>> load_yaml_text("a: 1\\nb: [x, y]\\n", "demo.yaml")
{'a': 1, 'b': ['x', 'y']}
>>> load_yaml_text("a: 1\\na: 2\\n", "demo.yaml")
Traceback (most recent call last):
...
siamlib.yamlload.YamlFileError: demo.yaml: a: duplicate key at line 2 (first at line 1); keep one
>>> load_yaml_text("pct: 025\\n", "demo.yaml")
Traceback (most recent call last):
...
siamlib.yamlload.YamlFileError: demo.yaml: pct: 025 at line 1 is read by YAML 1.1 as the octal \
number 21; write 25, or quote it
>>> load_yaml_text("a: 0\\nb: 0.5\\nc: 1_000\\nd: '025'\\ne: '24:00'\\n", "demo.yaml")
{'a': 0, 'b': 0.5, 'c': 1000, 'd': '025', 'e': '24:00'}
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class YamlFileError(ValueError):
    """A file is not a readable YAML mapping. The message is one line naming the file."""


class WrittenFloat(float):
    """A float read from a plain YAML scalar, with the text it was written as (``.text``).

    Validation turns it into a plain ``float``; until then a check can see what YAML alone
    cannot tell apart (``240.000`` from ``240``).

    >>> v = load_yaml_text("charge: 240.000", "x.yaml")["charge"]
    >>> (v, v.text)
    (240.0, '240.000')
    """

    text: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    def __reduce__(self):
        return WrittenFloat, (float(self), self.text)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class _OddNumber(Exception):
    def __init__(self, problem: str, line: int, key: str | None = None):
        super().__init__(problem)
        self.problem, self.line, self.key = problem, line, key


def _odd_number(text: str) -> str | None:
    """What YAML 1.1 makes of a number written in octal or base-60 form; ``None`` for any
    other number (``0``, ``0.5``, ``1_000``, ``25``, ``0x1F``).

    >>> _odd_number("012")
    'is read by YAML 1.1 as the octal number 10; write 12, or quote it'
    >>> _odd_number("8:30")
    'is read by YAML 1.1 as the base-60 number 510; write 8.5 if hours:minutes were meant, \
or quote it'
    >>> [_odd_number(t) for t in ("0", "-0", "0.5", "1_000", "25", "0x1F", "025.5")]
    [None, None, None, None, None, None, None]
    """
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    if ":" in digits:
        value = 0.0
        for part in digits.split(":"):
            value = value * 60 + float(part)
        shown = f"{sign * value:g}" if "." in digits else str(int(sign * value))
        hours, minutes = digits.split(":")[:2]
        meant = sign * (float(hours) + float(minutes) / 60)
        return (
            f"is read by YAML 1.1 as the base-60 number {shown}; write {meant:g} if "
            "hours:minutes were meant, or quote it"
        )
    if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
        meant = sign * int(digits)
        return (
            f"is read by YAML 1.1 as the octal number {sign * int(digits, 8)}; write {meant}, "
            "or quote it"
        )
    return None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that fails on a key written twice in one mapping (merge keys ``<<`` aside)
    and on a plain number YAML 1.1 reads as octal (``025``) or base 60 (``24:00``)."""

    def _check_number(self, node, key: object = None) -> None:
        plain = isinstance(node, ScalarNode) and node.tag in _NUMBER_TAGS and node.style is None
        if plain and (problem := _odd_number(node.value)):
            line = node.start_mark.line + 1
            raise _OddNumber(f"{node.value} at line {line} {problem}", line, key)

    def construct_yaml_int(self, node):
        self._check_number(node)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node):
        self._check_number(node)
        value = super().construct_yaml_float(node)
        return WrittenFloat(value, node.value) if isinstance(node, ScalarNode) else value

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            seen: dict[object, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: SafeLoader reports it below
                    continue
                line = key_node.start_mark.line + 1
                if first is not None:
                    raise _DuplicateKey(str(key), line, first)
                seen[key] = line
                self._check_number(value_node, key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(_NUMBER_TAGS[0], _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor(_NUMBER_TAGS[1], _StrictLoader.construct_yaml_float)


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""


def load_yaml_text(text: str, name: str) -> object:
    """Parse YAML text strictly; errors are one line starting with ``name``.

    >>> load_yaml_text("when: 2026-02-30", "x.yaml")
    Traceback (most recent call last):
    ...
    siamlib.yamlload.YamlFileError: x.yaml: invalid value (day is out of range for month); ...
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise YamlFileError(
            f"{name}: {exc.key}: duplicate key at line {exc.line} (first at line {exc.first}); "
            "keep one"
        ) from None
    except _OddNumber as exc:
        where = f"{exc.key}: " if exc.key is not None else ""
        raise YamlFileError(f"{name}: {where}{exc.problem}") from None
    except ConstructorError as exc:
        problem = " ".join(str(exc.problem or exc).split())
        raise YamlFileError(f"{name}: invalid YAML{_where(exc)}: {problem}") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise YamlFileError(f"{name}: invalid YAML{_where(exc)}: {problem}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. a date like 2026-02-30 that matches YAML's timestamp pattern but is no date
        raise YamlFileError(
            f"{name}: invalid value ({exc}); quote it if it is text, or fix the date/number"
        ) from None


def load_yaml_mapping(path: Path, name: str | None = None) -> dict:
    """Read one YAML file whose top level must be a mapping.

    Parameters
    ----------
    path : Path
        The file.
    name : str, optional
        How errors name the file (default: ``str(path)``).

    Returns
    -------
    dict
        The parsed top-level mapping.

    Raises
    ------
    YamlFileError
        Missing file, a folder, unreadable, empty, binary or non-UTF-8, invalid YAML, a key
        written twice, or a top level that is not a mapping.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "list.yaml"
    >>> _ = f.write_text("- a\\n- b\\n", encoding="utf-8")
    >>> load_yaml_mapping(f, "list.yaml")
    Traceback (most recent call last):
    ...
    siamlib.yamlload.YamlFileError: list.yaml: the top level is a list, expected a mapping of keys
    """
    name = name or str(path)
    if path.is_dir():
        raise YamlFileError(f"{name}: is a folder, expected a YAML file; move the folder away")
    if not path.exists():
        raise YamlFileError(f"{name}: file not found")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise YamlFileError(f"{name}: binary file (NUL bytes), expected YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError(
            f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from None
    data = load_yaml_text(text.removeprefix("\ufeff"), name)
    if data is None:
        raise YamlFileError(f"{name}: empty file (no keys), expected a YAML mapping")
    if not isinstance(data, dict):
        kind = {list: "a list", str: "text", int: "a number", float: "a number"}.get(
            type(data), type(data).__name__
        )
        raise YamlFileError(f"{name}: the top level is {kind}, expected a mapping of keys")
    return data
