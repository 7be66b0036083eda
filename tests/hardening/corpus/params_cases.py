"""Params mutations: every YAML file of ``params/``, generated from its data and its model.

The walk follows the pydantic model next to the loaded YAML, so "each required key" and "each
mapping level" come from the code's own models, not from a hand-kept list. Lists are followed
through their first element (one representative per level keeps the corpus fast).
"""

from __future__ import annotations

import re
import shutil
import types
import typing
from collections.abc import Iterator
from pathlib import Path

import yaml
from pydantic import BaseModel

from siamlib import params as P
from tests.hardening.corpus.outcome import Case

FILES: dict[str, type[BaseModel]] = {
    "estate.yaml": P.Estate,
    "raci.yaml": P.Raci,
    "exclusions.yaml": P.Exclusions,
    "delivery.yaml": P.Delivery,
}
# Per-key mutations (wrong types, numbers) on two contracts: a tower and the integrator.
DEEP_CONTRACTS = ("hosting", "integrator")


def _sub_model(annotation) -> tuple[str, type[BaseModel]] | None:
    """('model' | 'list' | 'dict', Model) when ``annotation`` holds a model, else None."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _sub_model(args[0])
    if origin in (typing.Union, types.UnionType):
        for a in args:
            found = _sub_model(a)
            if found:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "list", args[0]
    if origin is dict and len(args) == 2:
        v = args[1]
        if isinstance(v, type) and issubclass(v, BaseModel):
            return "dict", v
    return None


def _fields(model: type[BaseModel]) -> dict[str, tuple[str, object]]:
    """YAML key (alias when set) -> (field name, FieldInfo)."""
    return {(f.alias or n): (n, f) for n, f in model.model_fields.items()}


def walk(data, model: type[BaseModel], path=()) -> Iterator[tuple[tuple, type[BaseModel], dict]]:
    """Every mapping of ``data`` validated by a model: (path, model, mapping)."""
    if not isinstance(data, dict):
        return
    yield path, model, data
    fields = _fields(model)
    for key, value in data.items():
        if key not in fields:
            continue
        sub = _sub_model(fields[key][1].annotation)
        if sub is None:
            continue
        how, m = sub
        if how == "model":
            yield from walk(value, m, (*path, key))
        elif how == "list" and isinstance(value, list) and value:
            yield from walk(value[0], m, (*path, key, 0))
        elif how == "dict" and isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, m, (*path, key, k))


def label(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out or "top"


def _get(data, path):
    for p in path:
        data = data[p]
    return data


def _load(folder: Path, rel: str):
    return yaml.safe_load((folder / rel).read_text(encoding="utf-8"))


def _dump(folder: Path, rel: str, data) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    (folder / rel).write_text(text, encoding="utf-8")


def _edit(rel: str, path: tuple, fn) -> typing.Callable[[Path], None]:
    """A mutation that loads ``rel``, calls ``fn(mapping_at_path)`` and writes it back."""

    def apply(folder: Path) -> None:
        data = _load(folder, rel)
        fn(_get(data, path))
        _dump(folder, rel, data)

    return apply


def _case(rel: str, what: str, apply) -> Case:
    """A params case; its error must name the file (a contract: or its supplier id)."""
    p = Path(rel)
    names = (p.name, p.stem) if p.parent.name == "contracts" else (p.name,)
    return Case(f"params/{rel}/{what}", "params", apply, names=names)


def _wrong_type(value):
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, int | float):
        return "lots"
    if isinstance(value, str):
        return ["a", "list"]
    if isinstance(value, list):
        return "not-a-list"
    if isinstance(value, dict):
        return 42
    return {"a": "mapping"}


def _set(key, value):
    def fn(m):
        m[key] = value

    return fn


def _del(key):
    def fn(m):
        del m[key]

    return fn


def structural_cases(rel: str, model: type[BaseModel], data, deep: bool) -> list[Case]:
    """Delete each required key, add an unknown key at each level, wrong types, numbers."""
    cases = []
    for path, m, mapping in walk(data, model):
        where = label(path)
        cases.append(
            _case(rel, f"unknown-key@{where}", _edit(rel, path, _set("unexpected_key", 1)))
        )
        fields = _fields(m)
        for key in list(mapping):
            if key in fields and fields[key][1].is_required():
                cases.append(_case(rel, f"del@{where}.{key}", _edit(rel, path, _del(key))))
        if not deep:
            continue
        for key, value in mapping.items():
            if key not in fields:
                continue
            cases.append(
                _case(rel, f"type@{where}.{key}", _edit(rel, path, _set(key, _wrong_type(value))))
            )
            if isinstance(value, int | float) and not isinstance(value, bool):
                cases.append(_case(rel, f"negative@{where}.{key}", _edit(rel, path, _set(key, -1))))
                cases.append(_case(rel, f"huge@{where}.{key}", _edit(rel, path, _set(key, 1e15))))
    return cases


def _write(rel: str, content: bytes | None, make_dir: bool = False):
    def apply(folder: Path) -> None:
        target = folder / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        if make_dir:
            target.mkdir()
        elif content is not None:
            target.write_bytes(content)

    return apply


def file_cases(rel: str) -> list[Case]:
    """Empty, binary, a folder in its place, missing, and a duplicated top-level key."""
    out = [
        _case(rel, "empty-file", _write(rel, b"")),
        _case(rel, "binary-file", _write(rel, bytes(range(256)) * 4)),
        _case(rel, "directory", _write(rel, None, make_dir=True)),
        _case(rel, "missing", _write(rel, None)),
        _case(rel, "not-a-mapping", _write(rel, b"- just\n- a list\n")),
        _case(rel, "broken-yaml", _write(rel, b"key: [unclosed\n  other: {\n")),
    ]

    def dup(folder: Path) -> None:
        data = _load(folder, rel)
        key = next(iter(data))
        value = data[key]
        other = _wrong_type(value) if not isinstance(value, str) else value + " (second)"
        if isinstance(value, int | float) and not isinstance(value, bool):
            other = value + 1
        if isinstance(value, list):
            other = value[:1]
        line = yaml.safe_dump({key: other}, sort_keys=False, width=1000)
        with (folder / rel).open("a", encoding="utf-8") as fh:
            fh.write(line)

    out.append(_case(rel, "duplicate-top-key", dup))
    return out


def _levels(fn):
    """Edit every service level of a contract (``fn(level)``)."""

    def edit(contract):
        for sl in contract["service_levels"]:
            fn(sl)

    return edit


def _first_level(fn):
    def edit(contract):
        fn(contract["service_levels"][0])

    return edit


def _scoped(fn):
    """Edit the first service level that has a scope."""

    def edit(contract):
        sl = next(s for s in contract["service_levels"] if s.get("scope"))
        fn(sl)

    return edit


def _higher_per_cent(measure: str) -> bool:
    from siamlib.measures.catalogue import MEASURES

    m = MEASURES.get(measure)
    return m is not None and m.unit == "%" and m.direction == "higher"


def _thousands_dot(rel: str):
    """``monthly_charge: 240000`` written ``240.000`` (YAML reads 240): a text edit, as a dump
    would write the number YAML read."""

    def apply(folder: Path) -> None:
        path = folder / rel
        text = path.read_text(encoding="utf-8")
        charge = int(_load(folder, rel)["monthly_charge"])
        dotted = f"{charge // 1000}.{charge % 1000:03d}"
        new = re.sub(r"(?m)^monthly_charge: .*$", f"monthly_charge: {dotted}", text, count=1)
        path.write_text(new, encoding="utf-8")

    return apply


def semantic_cases(base: Path) -> list[Case]:
    """Named bad values: per cent > 100, levels swapped, scopes, dates, zones, ids."""
    cases: list[Case] = []
    contracts = sorted(p.stem for p in (base / "contracts").glob("*.yaml"))
    for sid in contracts:
        rel = f"contracts/{sid}.yaml"

        def over100(sl):
            sl["expected"], sl["minimum"] = 150, 140

        def swap(sl):
            sl["expected"], sl["minimum"] = sl["minimum"], sl["expected"]

        def typo(sl):
            sl["scope"] = {k.replace("priority", "priorty"): v for k, v in sl["scope"].items()}
            if "priorty" not in sl["scope"]:
                sl["scope"] = {f"{k}x": v for k, v in sl["scope"].items()}

        def nomatch(sl):
            sl["scope"] = {
                k: (99 if isinstance(v, int) else "no-such-value") for k, v in sl["scope"].items()
            }

        def weights(sl):
            sl["weight"] = sl["weight"] + 5

        def overlap(contract):
            sl = dict(contract["service_levels"][0])
            sl["id"] = sl["id"][:30] + "-B"
            sl["effective_from"] = "2026-01-01"
            contract["service_levels"].append(sl)

        def overlap_target(contract):
            t = dict(contract["sla_targets"][0])
            t["target_hours"] = t["target_hours"] * 10
            contract["sla_targets"].append(t)

        def bad_date(contract):
            contract["service_levels"][0]["effective_from"] = "2026-13-45"

        def inverted(contract):
            contract["service_levels"][0]["effective_from"] = "2026-06-01"
            contract["service_levels"][0]["effective_to"] = "2026-01-01"

        def cal(key, value):
            def edit(contract):
                first = next(iter(contract["calendars"].values()))
                first[key] = value

            return edit

        def holiday(country, sub):
            def edit(contract):
                first = next(iter(contract["calendars"].values()))
                first["holidays"] = {"country": country, "subdivision": sub}

            return edit

        def extra_holiday(contract):
            first = next(iter(contract["calendars"].values()))
            first["extra_holidays"] = ["2026-02-30"]

        def hours(contract):
            first = next(iter(contract["calendars"].values()))
            day = next(iter(first["weekly_hours"]))
            first["weekly_hours"][day] = [["18:00", "08:00"]]

        def funday(contract):
            first = next(iter(contract["calendars"].values()))
            first["weekly_hours"]["funday"] = [["08:00", "18:00"]]

        def unknown_measure(sl):
            sl["measure"] = "sla_resolution_attainmnet"

        def mismatch(contract):
            contract["supplier_id"] = "no-such-supplier"

        def bad_calendar_ref(contract):
            contract["sla_targets"][0]["calendar"] = "no-such-calendar"

        def bad_status(contract):
            contract.setdefault("clock", {})["pause_statuses"] = ["on_holiday"]

        def bad_email(contract):
            contract["recipients"] = ["not an email"]

        def at_risk_fraction(contract):  # 12 written 0.12 (probe 05: £7,200 credit to £72)
            contract["at_risk_pct"] = contract["at_risk_pct"] / 100

        def pool_fraction(contract):
            sl = next(s for s in contract["service_levels"] if s.get("pool_allocation_pct"))
            sl["pool_allocation_pct"] = sl["pool_allocation_pct"] / 100

        def level_fraction(contract):  # 99.5 / 99 written 0.995 / 0.99
            sl = next(s for s in contract["service_levels"] if _higher_per_cent(s["measure"]))
            sl["expected"], sl["minimum"] = sl["expected"] / 100, sl["minimum"] / 100

        named = {
            "percent-over-100": _first_level(over100),
            "expected-worse-than-minimum": _first_level(swap),
            "weights-not-100": _first_level(weights),
            "unknown-measure": _first_level(unknown_measure),
            "overlapping-levels": overlap,
            "overlapping-sla-targets": overlap_target,
            "bad-date": bad_date,
            "effective-dates-inverted": inverted,
            "bad-timezone": cal("timezone", "Europe/Londn"),
            "holiday-country-unknown": holiday("XX", None),
            "holiday-subdivision-unknown": holiday("GB", "ZZZ"),
            "holiday-date-invalid": extra_holiday,
            "hours-end-before-start": hours,
            "hours-unknown-day": funday,
            "supplier-id-mismatch": mismatch,
            "sla-target-unknown-calendar": bad_calendar_ref,
            "pause-status-unknown": bad_status,
            "recipient-not-email": bad_email,
        }
        data = _load(base, rel)
        if data.get("at_risk_pct"):
            named["at-risk-pct-as-fraction"] = at_risk_fraction
        if any(sl.get("pool_allocation_pct") for sl in data.get("service_levels", [])):
            named["pool-allocation-as-fraction"] = pool_fraction
        if any(_higher_per_cent(sl["measure"]) for sl in data.get("service_levels", [])):
            named["per-cent-level-as-fraction"] = level_fraction
        if not data.get("sla_targets"):
            del named["overlapping-sla-targets"], named["sla-target-unknown-calendar"]
        if any(s.get("scope") for s in data.get("service_levels", [])):
            named["scope-key-typo"] = _scoped(typo)
            named["scope-value-matches-nothing"] = _scoped(nomatch)
        for what, fn in named.items():
            cases.append(_case(rel, what, _edit(rel, (), fn)))
        if data.get("monthly_charge", 0) >= 1000:
            cases.append(_case(rel, "monthly-charge-thousands-dot", _thousands_dot(rel)))

    rel = "estate.yaml"

    def est(fn):
        return _edit(rel, (), fn)

    def group_unknown(e):
        e["assignment_groups"][0]["supplier_id"] = "no-such-supplier"

    def group_overlap(e):
        e["assignment_groups"].append(dict(e["assignment_groups"][1]))

    def two_integrators(e):
        e["suppliers"][1]["role"] = "integrator"

    def dup_supplier(e):
        e["suppliers"].append(dict(e["suppliers"][-1]))

    def no_suppliers(e):
        e["suppliers"] = []

    def traversal(e):
        e["suppliers"][-1]["id"] = "../etc"

    cases += [
        _case(rel, "bad-timezone", est(_set("timezone", "Mars/Olympus_Mons"))),
        _case(rel, "bad-currency", est(_set("currency", "pounds"))),
        _case(rel, "group-unknown-supplier", est(group_unknown)),
        _case(rel, "group-overlapping-dates", est(group_overlap)),
        _case(rel, "two-integrators", est(two_integrators)),
        _case(rel, "duplicate-supplier", est(dup_supplier)),
        _case(rel, "no-suppliers", est(no_suppliers)),
        _case(rel, "supplier-id-traversal", est(traversal)),
        _case(rel, "aged-after-days-zero", est(_set("aged_after_days", 0))),
    ]

    rel = "raci.yaml"

    def raci_party(r):
        r["parties"].append("no-such-supplier")

    def raci_two_a(r):
        cap = r["capabilities"][0]
        for p in list(cap["raci"])[:2]:
            cap["raci"][p] = "A"

    def raci_map(r):
        r.setdefault("work_mapping", {})["incident"] = "no-such-capability"

    cases += [
        _case(rel, "unknown-party", _edit(rel, (), raci_party)),
        _case(rel, "two-accountable", _edit(rel, (), raci_two_a)),
        _case(rel, "work-mapping-unknown-capability", _edit(rel, (), raci_map)),
    ]

    rel = "exclusions.yaml"

    def excl(fn):
        return _edit(rel, (), fn)

    def excl_unknown(x):
        x["exclusions"].append(
            {"ticket_id": "INC9999999", "reason": "no such ticket", "approver": "A. N. Other",
             "approved_on": "2026-10-01"}
        )  # fmt: skip

    def excl_dup(x):
        x["exclusions"].append(dict(x["exclusions"][0]))

    def excl_date(x):
        x["exclusions"][0]["approved_on"] = "yesterday"

    def excl_future(x):
        x["exclusions"][0]["approved_on"] = "2200-01-01"

    def excl_before_ticket(x):  # the window starts 2025-10: before any ticket was opened
        x["exclusions"][0]["approved_on"] = "2025-09-30"

    cases += [
        _case(rel, "unknown-ticket", excl(excl_unknown)),
        _case(rel, "duplicate-exclusion", excl(excl_dup)),
        _case(rel, "bad-date", excl(excl_date)),
        _case(rel, "approved-in-2200", excl(excl_future)),
        _case(rel, "approved-before-the-ticket-opened", excl(excl_before_ticket)),
    ]

    rel = "delivery.yaml"
    cases += [
        _case(rel, "javascript-base-url", _edit(rel, (), _set("base_url", "javascript:alert(1)"))),
        _case(rel, "sender-not-email", _edit(rel, (), _set("sender", "nobody"))),
    ]

    def extra_contract(folder: Path) -> None:
        shutil.copy(folder / "contracts" / "hosting.yaml", folder / "contracts" / "acme.yaml")

    def contracts_gone(folder: Path) -> None:
        shutil.rmtree(folder / "contracts")

    cases += [
        Case("params/contracts/acme.yaml/unknown-supplier-file", "params", extra_contract,
             names=("acme.yaml",)),
        Case("params/contracts/folder-missing", "params", contracts_gone, names=("contracts",)),
    ]  # fmt: skip
    return cases


def params_cases(base: Path) -> list[Case]:
    """Every params mutation, in a stable order (``base`` is a clean params folder)."""
    cases: list[Case] = []
    rels = [*FILES, *(f"contracts/{p.name}" for p in sorted((base / "contracts").glob("*.yaml")))]
    for rel in rels:
        model = FILES.get(rel, P.Contract)
        deep = rel in FILES or Path(rel).stem in DEEP_CONTRACTS
        cases += structural_cases(rel, model, _load(base, rel), deep)
        cases += file_cases(rel)
    cases += semantic_cases(base)
    ids = [c.id for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate case ids: {sorted(dupes)[:5]}"
    return cases
