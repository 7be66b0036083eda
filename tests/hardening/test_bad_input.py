"""Bad input, generated: malformed tables, exports and params pushed through the pipeline.

Every case must end in a result (figures, with data-quality findings when the gate runs) or in
a *domain* error that names the problem: :class:`siamlib.schema.SchemaError` (a table does not
fit the data model), :class:`siamlib.importers.ImporterError` (an export cannot be imported)
or :class:`siamlib.params.ParamsError` (a params file is wrong). Any other exception type is a
defect: the user would see a traceback.

Levels (cost per case grows, so the case counts shrink):

- **compute level**, ``SIAM_FUZZ_CASES`` cases (default 200; the full run is
  ``SIAM_FUZZ_CASES=1000 .venv/bin/python -m pytest tests/hardening/test_bad_input.py -k fuzz``):
  seeded random mutations of a small valid estate -> ``schema.coerce`` -> SLA clocks, handoff
  attribution and the core tower measures; every ``SIAM_FUZZ_VALIDATE_EVERY``-th case (default
  40) also goes through the Great Expectations gate (``quality.validate``).
- **import level**: mutated ServiceNow exports written as files (non-UTF-8 bytes, empty files,
  huge cells, missing columns...) -> ``import_servicenow`` -> the compute level.
- **params level**: mutated YAML -> ``load_params``.
- **whole period**: a few hostile datasets -> ``workbook.compute_period`` (gate + every
  measure + bundles + evidence), one rendered through ``batch.run``.
"""

from __future__ import annotations

import gzip
import random
import re
import shutil
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siamlib import batch, clocks, demo, io, quality, schema, workbook
from siamlib.importers import SAMPLE, ImporterError, import_servicenow
from siamlib.measures import tower
from siamlib.params import ParamsError, load_params
from tests.hardening.support import PERIOD, copy_params, env_int, published_problems

FUZZ_CASES = env_int("SIAM_FUZZ_CASES", 200)
VALIDATE_EVERY = env_int("SIAM_FUZZ_VALIDATE_EVERY", 40)
FUZZ_SEED = env_int("SIAM_FUZZ_SEED", 8)
DOMAIN_ERRORS = (schema.SchemaError, ImporterError, ParamsError)
# The clocks refuse data they cannot measure (duplicate or missing ticket ids, unknown statuses,
# suppliers without a contract) with a plain ValueError whose message starts with the table;
# `siam run` prints it as "error: tickets: duplicate ticket_id INC..." with exit code 2.
TABLE_MESSAGE = re.compile(rf"^({'|'.join(schema.TABLES)})[.:] ")


def is_domain_error(exc: BaseException) -> bool:
    """A domain error type, or a ValueError whose message names the table at fault."""
    if isinstance(exc, DOMAIN_ERRORS):
        return True
    return type(exc) is ValueError and bool(TABLE_MESSAGE.match(str(exc)))


HUGE = "Ω" + "x" * 100_000


# --------------------------------------------------------------------------- fixtures ----
@pytest.fixture(scope="module")
def params():
    return load_params()


@pytest.fixture(scope="module")
def base(params) -> dict[str, pd.DataFrame]:
    """A small valid estate: 60 tickets with their events, a few rows of the other tables."""
    tables = demo.generate(n_tickets=400, seed=5, params=params)
    # Plain text columns (the demo holds the event log as categoricals): the mutations below
    # write values no category list knows, as another tool's file would.
    tables = {
        k: v.astype({c: object for c in v.columns if isinstance(v[c].dtype, pd.CategoricalDtype)})
        for k, v in tables.items()
    }
    t = tables["tickets"]
    # Tickets of the reporting month and the one before, so the measures have work to do.
    recent = t[t["opened_at"] >= pd.Timestamp("2026-09-01", tz="UTC")]
    keep = set(recent["ticket_id"].head(60))
    out = {
        "tickets": t[t["ticket_id"].isin(keep)],
        "ticket_events": tables["ticket_events"][tables["ticket_events"]["ticket_id"].isin(keep)],
    }
    for name in ("problems", "changes", "outages", "improvements", "surveys"):
        out[name] = tables[name].head(15)
    return {k: v.reset_index(drop=True) for k, v in out.items()}


AS_OF = pd.Timestamp("2026-11-01", tz="UTC")
WINDOW = (pd.Timestamp("2025-09-30 23:00", tz="UTC"), AS_OF)
TZ = "Europe/London"


# ------------------------------------------------------------------------- mutations ----
Mutation = Callable[[dict, random.Random], None]


def _rows(df: pd.DataFrame, rng: random.Random, share: float = 0.3) -> pd.Index:
    """Labels of a random share of the rows (at least one)."""
    n = len(df)
    k = max(1, int(n * share)) if n else 0
    return df.index[sorted(rng.sample(range(n), k))]


def _obj(df: pd.DataFrame, col: str) -> None:
    df[col] = df[col].astype(object)


def m_wrong_type_priority(t, rng):
    df = t["tickets"]
    _obj(df, "priority")
    df.loc[_rows(df, rng), "priority"] = rng.choice(["high", "P1", "1.5x", "", "None"])


def m_wrong_type_timestamp(t, rng):
    name, col = rng.choice([("tickets", "opened_at"), ("ticket_events", "event_at"),
                            ("tickets", "resolved_at"), ("outages", "start_at")])  # fmt: skip
    df = t[name]
    _obj(df, col)
    df.loc[_rows(df, rng), col] = rng.choice(["yesterday", "31/02/2026 10:00", "2026-13-01", 42])


def m_naive_timestamps(t, rng):
    name, col = rng.choice([("tickets", "opened_at"), ("ticket_events", "event_at")])
    t[name][col] = t[name][col].dt.tz_localize(None)


def m_missing_column(t, rng):
    name = rng.choice(list(t))
    col = rng.choice(list(t[name].columns))
    t[name] = t[name].drop(columns=[col])


def m_nat(t, rng):
    name, col = rng.choice([("tickets", "opened_at"), ("tickets", "resolved_at"),
                            ("tickets", "first_response_at"), ("ticket_events", "event_at"),
                            ("outages", "end_at"), ("changes", "actual_start")])  # fmt: skip
    df = t[name]
    df.loc[_rows(df, rng), col] = pd.NaT


def m_negative_duration(t, rng):
    df = t["tickets"]
    rows = _rows(df, rng)
    # 36 s .. 500 h before opening, in whole seconds (the columns hold microseconds).
    hours = pd.to_timedelta([rng.randrange(36, 1_800_000) for _ in rows], unit="s").as_unit("us")
    col = rng.choice(["resolved_at", "first_response_at", "closed_at"])
    df.loc[rows, col] = df.loc[rows, "opened_at"] - hours


def m_negative_outage(t, rng):
    df = t["outages"]
    rows = _rows(df, rng)
    df.loc[rows, "end_at"] = df.loc[rows, "start_at"] - pd.Timedelta(hours=3)


def m_future(t, rng):
    name, col = rng.choice([("tickets", "opened_at"), ("tickets", "resolved_at"),
                            ("ticket_events", "event_at"), ("outages", "start_at")])  # fmt: skip
    df = t[name]
    years = rng.choice([1, 5, 200])
    df.loc[_rows(df, rng), col] = pd.Timestamp("2026-11-01", tz="UTC") + pd.DateOffset(years=years)


def m_ancient(t, rng):
    df = t["tickets"]
    df.loc[_rows(df, rng), "opened_at"] = pd.Timestamp("1970-01-01", tz="UTC")


def m_duplicate_ids(t, rng):
    name = rng.choice(["tickets", "ticket_events", "problems", "outages"])
    df = t[name]
    t[name] = pd.concat([df, df.loc[_rows(df, rng)]], ignore_index=True)


def m_conflicting_duplicate(t, rng):
    df = t["tickets"]
    dup = df.loc[_rows(df, rng, 0.1)].copy()
    dup["supplier_id"] = "network"
    dup["priority"] = 1
    t["tickets"] = pd.concat([df, dup], ignore_index=True)


def m_supplier_without_rows(t, rng):
    gone = rng.choice(["hosting", "network", "euc", "applications", "service-desk"])
    for name in ("tickets", "ticket_events", "outages", "improvements", "surveys"):
        df = t[name]
        if "supplier_id" in df.columns:
            t[name] = df[df["supplier_id"] != gone].reset_index(drop=True)


def m_unknown_supplier(t, rng):
    name = rng.choice(["tickets", "ticket_events", "outages"])
    df = t[name]
    df.loc[_rows(df, rng), "supplier_id"] = rng.choice(["ghost", "../etc", None, "HOSTING"])


def m_huge_strings(t, rng):
    name, col = rng.choice([("tickets", "service"), ("tickets", "category"),
                            ("tickets", "ci"), ("ticket_events", "assignment_group"),
                            ("tickets", "ticket_id")])  # fmt: skip
    df = t[name]
    df.loc[_rows(df, rng, 0.1), col] = HUGE


def m_empty_table(t, rng):
    name = rng.choice(list(t))
    t[name] = t[name].iloc[:0]


def m_everything_empty(t, rng):
    for name in list(t):
        t[name] = t[name].iloc[:0]


def m_priority_out_of_range(t, rng):
    df = t["tickets"]
    df.loc[_rows(df, rng), "priority"] = rng.choice([0, 5, 9, -1, 10**6])


def m_unknown_status(t, rng):
    name = rng.choice(["tickets", "ticket_events"])
    df = t[name]
    df.loc[_rows(df, rng), "status"] = rng.choice(["wibble", "RESOLVED", "", None])


def m_bad_event_seq(t, rng):
    df = t["ticket_events"]
    df.loc[_rows(df, rng), "event_seq"] = rng.choice([0, -3, 1, None])


def m_orphan_events(t, rng):
    df = t["ticket_events"]
    df.loc[_rows(df, rng, 0.1), "ticket_id"] = "INC-NOT-THERE"


def m_events_only_for_some(t, rng):
    drop = set(t["tickets"].loc[_rows(t["tickets"], rng, 0.5), "ticket_id"])
    ev = t["ticket_events"]
    t["ticket_events"] = ev[~ev["ticket_id"].isin(drop)].reset_index(drop=True)


def m_null_ids(t, rng):
    name = rng.choice(["tickets", "ticket_events"])
    df = t[name]
    df.loc[_rows(df, rng, 0.1), "ticket_id"] = None


def m_negative_counts(t, rng):
    df = t["tickets"]
    df.loc[_rows(df, rng), "reopen_count"] = -2


def m_satisfaction_out_of_range(t, rng):
    df = t["tickets"]
    df.loc[_rows(df, rng), "satisfaction"] = rng.choice([0, 6, 99, -1])


def m_mixed_object_column(t, rng):
    df = t["tickets"]
    _obj(df, "service")
    rows = _rows(df, rng)
    df.loc[rows, "service"] = [rng.choice([7, 3.5, True, b"bytes", ("a",)]) for _ in rows]


def m_float_strings(t, rng):
    df = t["tickets"]
    _obj(df, "reopen_count")
    df.loc[_rows(df, rng), "reopen_count"] = rng.choice(["1", "2.0", "1e3", "x"])


def m_shuffled(t, rng):
    for name in t:
        t[name] = t[name].sample(frac=1.0, random_state=rng.randrange(2**31))


def m_status_resolved_without_time(t, rng):
    df = t["tickets"]
    rows = _rows(df, rng)
    df.loc[rows, "status"] = "resolved"
    df.loc[rows, "resolved_at"] = pd.NaT


def m_extra_columns(t, rng):
    t["tickets"]["extra_" + str(rng.randrange(99))] = "junk"


MUTATIONS: dict[str, Mutation] = {
    name.removeprefix("m_"): fn for name, fn in globals().items() if name.startswith("m_")
}


# ----------------------------------------------------------------------- the pipeline ----
def compute_level(tables: dict[str, pd.DataFrame], params, gate: bool) -> dict:
    """Coerce, (optionally) validate, then the per-ticket clocks and core tower measures."""
    coerced = {name: schema.coerce(name, df) for name, df in tables.items()}
    out = {}
    if gate:
        result = quality.validate(coerced, params, WINDOW)
        assert set(quality.RESULT_COLUMNS) <= set(result.results.columns)
        out["quality"] = result
    t, e = coerced["tickets"], coerced["ticket_events"]
    c = clocks.ticket_clocks(t, e, params, AS_OF)
    out["clocks"] = c
    out["attribution"] = clocks.time_by_supplier(t, e, params, AS_OF)
    att = tower.sla_attainment(c, [PERIOD], params=params, tz=TZ)
    out["attainment"] = att
    out["mttr"] = tower.mttr(c, [PERIOD], tz=TZ)
    out["backlog"] = tower.backlog(t, AS_OF)
    out["ftf"] = tower.first_time_fix(t, e, [PERIOD], tz=TZ)
    # Invariants that hold for any input: one clock row per ticket id at most, rates in [0, 1].
    assert not c["ticket_id"].duplicated().any() or t["ticket_id"].duplicated().any()
    if "value" in att.columns and len(att):
        v = att["value"].dropna()
        assert ((v >= 0) & (v <= 1)).all(), att
    return out


def run_case(tables, params, gate: bool) -> str:
    """``"result"`` or ``"domain error: <Type>"``; any other exception propagates."""
    try:
        compute_level(tables, params, gate)
    except Exception as exc:
        if not is_domain_error(exc):
            raise
        return f"domain error: {type(exc).__name__}"
    return "result"


def _mutated(base, rng: random.Random) -> tuple[dict, list[str]]:
    tables = {k: v.copy() for k, v in base.items()}
    names = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 2, 3]))
    applied = []
    for name in names:
        try:
            MUTATIONS[name](tables, rng)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            continue  # an earlier mutation removed or retyped what this one changes
        applied.append(name)
    return tables, applied


def test_fuzz_malformed_tables_end_in_a_result_or_a_domain_error(base, params):
    rng = random.Random(FUZZ_SEED)
    outcomes: Counter[str] = Counter()
    per_mutation: Counter[str] = Counter()
    failures = []
    for i in range(FUZZ_CASES):
        case_seed = rng.randrange(2**32)
        tables, names = _mutated(base, random.Random(case_seed))
        per_mutation.update(names)
        try:
            outcomes[run_case(tables, params, gate=i % VALIDATE_EVERY == 0)] += 1
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            failures.append((i, case_seed, names, traceback.format_exception_only(exc)[-1]))
    print(f"\nfuzz: {FUZZ_CASES} cases (seed {FUZZ_SEED}): {dict(outcomes)}")
    print(f"mutations used: {dict(sorted(per_mutation.items()))}")
    assert not failures, "\n".join(
        f"case {i} (seed {s}, {'+'.join(n)}): {e.strip()}" for i, s, n, e in failures[:15]
    )
    assert sum(outcomes.values()) == FUZZ_CASES
    # Not vacuous: both endings happen, and every mutation ran at least once in a full run.
    assert outcomes["result"] > 0 and any(k.startswith("domain") for k in outcomes)
    if FUZZ_CASES >= 200:
        assert set(per_mutation) == set(MUTATIONS)


# ---------------------------------------------------------- hand-picked, named outcomes ----
@pytest.mark.parametrize(
    "mutation, message",
    [
        (
            "wrong_type_timestamp",
            r"tickets\.opened_at|ticket_events\.event_at|resolved_at|start_at",
        ),
        ("naive_timestamps", r"timezone-aware"),
        ("missing_column", r"missing columns"),
    ],
)
def test_schema_problems_name_the_table_and_column(base, params, mutation, message):
    tables = {k: v.copy() for k, v in base.items()}
    MUTATIONS[mutation](tables, random.Random(1))
    with pytest.raises(schema.SchemaError, match=message):
        compute_level(tables, params, gate=False)


def test_wrong_type_priority_is_a_schema_error_naming_the_column(base, params):
    tables = {k: v.copy() for k, v in base.items()}
    m_wrong_type_priority(tables, random.Random(1))
    with pytest.raises(schema.SchemaError, match=r"tickets\.priority: cannot convert to int"):
        compute_level(tables, params, gate=False)


@pytest.mark.slow
def test_gate_flags_negative_durations_and_future_times_as_blocking(base, params):
    tables = {k: v.copy() for k, v in base.items()}
    rng = random.Random(3)
    m_negative_duration(tables, rng)
    m_future(tables, rng)
    out = compute_level(tables, params, gate=True)
    r = out["quality"].results
    failing = r[(~r["passed"]) & (r["supplier_id"] == "all")]
    assert not out["quality"].ok
    assert (failing["severity"] == "blocking").any()
    assert len(out["clocks"]) > 0  # figures are still computed; reports are what gets blocked


@pytest.mark.slow
def test_duplicate_ticket_ids_are_blocking_in_the_gate_and_named_by_the_clocks(base, params):
    tables = {k: v.copy() for k, v in base.items()}
    t = tables["tickets"]
    tables["tickets"] = pd.concat([t, t.head(3)], ignore_index=True)
    coerced = {name: schema.coerce(name, df) for name, df in tables.items()}
    r = quality.validate(coerced, params, WINDOW).results
    dup = r[(~r["passed"]) & (r["table"] == "tickets") & (r["column"] == "ticket_id")]
    assert (dup["severity"] == "blocking").any()
    first = t["ticket_id"].iloc[0]
    with pytest.raises(ValueError, match=rf"^tickets: duplicate ticket_id .*{first}"):
        compute_level(tables, params, gate=False)


# ----------------------------------------------------------------------- import level ----
@pytest.fixture(scope="module")
def export_rows() -> pd.DataFrame:
    """The first 300 rows of the committed ServiceNow sample (text cells)."""
    return pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, nrows=300)


def _write_export(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    df.to_csv(
        path, index=False, encoding=encoding, errors="replace" if encoding != "utf-8" else "strict"
    )
    return path


EXPORT_MUTATIONS = {
    "garbage_times": lambda df, r: df.assign(
        sys_updated_at=r.choice(["soon", "32/13/2016 25:61", ""])
    ),
    "future_times": lambda df, r: df.assign(sys_updated_at="1/1/2199 10:00"),
    "no_case_column": lambda df, r: df.drop(columns=["number"]),
    "no_time_column": lambda df, r: df.drop(columns=["sys_updated_at"]),
    "huge_cells": lambda df, r: df.assign(category=HUGE, assignment_group=HUGE[:5000]),
    "unknown_states": lambda df, r: df.assign(incident_state="Teleported"),
    "bad_priorities": lambda df, r: df.assign(priority=r.choice(["9 - Apocalyptic", "", "high"])),
    "duplicated_rows": lambda df, r: pd.concat([df, df], ignore_index=True),
    "header_only": lambda df, r: df.iloc[:0],
    "negative_sequence": lambda df, r: df.assign(sys_mod_count="-1"),
    "resolved_before_opened": lambda df, r: df.assign(resolved_at="1/1/2000 00:00"),
}  # fmt: skip


def _import_case(path: Path, params) -> str:
    try:
        result = import_servicenow(path)
    except ImporterError as exc:
        assert str(path.name) in str(exc) or "file" in str(exc), str(exc)
        return "domain error: ImporterError"
    result.summary.check()  # every row is used, collapsed or rejected
    tables = dict(result.tables)
    if not tables.get("tickets", pd.DataFrame()).empty:
        for name in schema.TABLES:
            tables.setdefault(name, schema.empty(name))
        return "result, " + run_case(tables, params, gate=False)
    return "result (all rejected)"


@pytest.mark.parametrize("mutation", sorted(EXPORT_MUTATIONS))
def test_mutated_exports_import_or_fail_with_a_named_problem(
    tmp_path, export_rows, params, mutation
):
    df = EXPORT_MUTATIONS[mutation](export_rows.copy(), random.Random(mutation))
    outcome = _import_case(_write_export(df, tmp_path / "export.csv"), params)
    assert outcome.startswith(("result", "domain error"))


def test_non_utf8_export_is_read_with_the_fallback_and_said_so(tmp_path, export_rows, params):
    df = export_rows.copy()
    df["category"] = "Café – £5 ÿ"
    path = _write_export(df, tmp_path / "cp1252.csv", encoding="cp1252")
    result = import_servicenow(path)
    assert any("cp1252" in n for n in result.summary.notes)
    assert result.summary.tickets_built > 0


def test_undecodable_export_without_fallback_names_the_byte(tmp_path, export_rows):
    mapping = tmp_path / "m.yaml"
    text = (Path(__file__).resolve().parents[2] / "params/mappings/servicenow.yaml").read_text()
    no_fallback = text.replace("fallback_encoding: cp1252", "fallback_encoding: null")
    mapping.write_text(no_fallback, encoding="utf-8")
    path = tmp_path / "bad.csv"
    text = export_rows.assign(category="CAFE-MARK").to_csv(index=False)
    path.write_bytes(text.encode("utf-8").replace(b"CAFE-MARK", b"Caf\xe9", 1))  # cp1252 e
    with pytest.raises(ImporterError, match=r"bad\.csv: not valid utf-8 text \(byte \d+"):
        import_servicenow(path, mapping=mapping)


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\n\n", "empty|no data"), (b"number,sys_updated_at\n", "no data rows")],
)
def test_empty_exports_are_named_errors(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ImporterError, match=message):
        import_servicenow(path)


def test_gzip_export_that_is_truncated_is_a_named_error(tmp_path, export_rows):
    good = tmp_path / "x.csv.gz"
    with gzip.open(good, "wt", encoding="utf-8") as fh:
        export_rows.to_csv(fh, index=False)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImporterError, match=r"cut\.csv\.gz: cannot read the gzip file"):
        import_servicenow(cut)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.text(max_size=12),
            st.text(max_size=20),
            st.sampled_from(["New", "Active", "Resolved", "Closed", "", "?", "x"]),
            st.text(max_size=8),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_text_export_imports_or_fails_with_a_named_problem(tmp_path, params, cells):
    df = pd.DataFrame(cells, columns=["number", "sys_updated_at", "incident_state", "priority"])
    df["sys_mod_count"] = [str(i) for i in range(len(df))]
    df["opened_at"] = df["sys_updated_at"]
    df["assignment_group"] = "Group 56"
    path = tmp_path / f"h{abs(hash(tuple(cells))) % 10**9}.csv"
    df.to_csv(path, index=False, encoding="utf-8")
    assert _import_case(path, params).startswith(("result", "domain error"))


# ----------------------------------------------------------------------- params level ----
PARAMS_MUTATIONS = [
    ("estate.yaml", ["suppliers", 0, "role"], "boss"),
    ("estate.yaml", ["suppliers"], []),
    ("estate.yaml", ["timezone"], "Mars/Olympus"),
    ("estate.yaml", ["aged_after_days"], "thirty"),
    ("estate.yaml", ["currency"], "pounds"),
    ("contracts/hosting.yaml", ["monthly_charge"], -5),
    ("contracts/hosting.yaml", ["at_risk_pct"], 250),
    ("contracts/hosting.yaml", ["service_levels", 0, "weight"], 0),
    ("contracts/hosting.yaml", ["service_levels", 0, "measure"], "made_up_measure"),
    ("contracts/hosting.yaml", ["sla_targets", 0, "target_hours"], "fast"),
    ("contracts/hosting.yaml", ["calendars"], {}),
    ("contracts/hosting.yaml", ["supplier_id"], "network"),
    ("contracts/hosting.yaml", ["recipients"], ["not-an-email"]),
    ("raci.yaml", ["parties"], ["retained", "nobody"]),
    ("exclusions.yaml", ["exclusions"], [{"ticket_id": "", "reason": "x"}]),
    ("delivery.yaml", ["base_url"], "javascript:alert(1)"),
]


def _set(doc, keys, value):
    for k in keys[:-1]:
        doc = doc[k]
    doc[keys[-1]] = value


@pytest.mark.parametrize("file, keys, value", PARAMS_MUTATIONS, ids=lambda v: str(v)[:30])
def test_bad_params_are_params_errors_naming_file_and_key(tmp_path, file, keys, value):
    root = copy_params(tmp_path / "params")
    path = root / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    _set(doc, keys, value)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_params(root)
    assert Path(file).name in str(err.value)


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xfe\x00bad", b"suppliers: [\n", b"- just\n- a list\n", HUGE.encode()]
)
def test_unreadable_estate_file_is_a_params_error(tmp_path, content):
    root = copy_params(tmp_path / "params")
    (root / "estate.yaml").write_bytes(content)
    with pytest.raises(ParamsError, match="estate.yaml"):
        load_params(root)


def test_missing_params_folder_is_a_params_error(tmp_path):
    with pytest.raises(ParamsError, match="file not found"):
        load_params(tmp_path / "nowhere")


# ---------------------------------------------------------------------- whole period ----
HOSTILE_PERIOD_CASES = {
    "negative+future+duplicates": ["negative_duration", "future", "duplicate_ids"],
    "supplier without rows+huge strings": ["supplier_without_rows", "huge_strings"],
    "nat+orphans+bad sequence": ["nat", "orphan_events", "bad_event_seq", "ancient"],
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HOSTILE_PERIOD_CASES))
def test_whole_period_on_hostile_data_gives_figures_and_quality_findings(base, params, case):
    tables = {k: v.copy() for k, v in base.items()}
    rng = random.Random(case)
    for name in HOSTILE_PERIOD_CASES[case]:
        MUTATIONS[name](tables, rng)
    tables = {name: schema.coerce(name, df) for name, df in tables.items()}
    info = io.DatasetInfo("hostile", "tests", WINDOW[0].isoformat(), WINDOW[1].isoformat())
    work = workbook.compute_period(None, params, PERIOD, tables=tables, info=info)
    assert not work.quality.ok
    for s in [*[s.id for s in params.estate.suppliers], workbook.BOARD]:
        if work.blocking_reason(s):
            assert "blocking" in work.blocking_reason(s) or work.blocking_reason(s).strip()
            continue
        bundle = work.bundle(s)
        assert bundle["meta"]["period"] == PERIOD
        assert all(isinstance(f, pd.DataFrame) for f in bundle["frames"].values())


@pytest.mark.slow
def test_whole_period_with_unknown_event_statuses_is_a_named_error(base, params):
    tables = {k: v.copy() for k, v in base.items()}
    tables["ticket_events"].loc[[0, 5], "status"] = "wibble"
    info = io.DatasetInfo("hostile", "tests", WINDOW[0].isoformat(), WINDOW[1].isoformat())
    with pytest.raises(ValueError, match=r"^ticket_events: unknown status 'wibble'"):
        workbook.compute_period(None, params, PERIOD, tables=tables, info=info)


@pytest.mark.slow
def test_batch_on_hostile_data_publishes_a_complete_pack_or_blocks(base, params, tmp_path):
    # One rendered case: an estate where hosting has no rows at all and other rows are broken.
    tables = {k: v.copy() for k, v in base.items()}
    rng = random.Random(11)
    tables["tickets"] = tables["tickets"][tables["tickets"]["supplier_id"] != "hosting"]
    m_negative_duration(tables, rng)
    m_future(tables, rng)
    info = io.DatasetInfo("hostile", "tests", WINDOW[0].isoformat(), WINDOW[1].isoformat())
    data_dir = tmp_path / "data"
    io.write_dataset(data_dir, tables, info)
    reports = tmp_path / "reports"
    result = batch.run(
        PERIOD, data_dir=data_dir, reports_dir=reports, suppliers=["hosting", batch.BOARD],
        jobs=2, progress=False,
    )  # fmt: skip
    assert published_problems(reports) == []
    for name, entry in result.reports.items():
        assert entry["status"] in ("ok", "blocked"), (name, entry)
        if entry["status"] == "blocked":
            assert entry["error"]
    shutil.rmtree(tmp_path / "data")
