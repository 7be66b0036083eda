"""Data-quality gate: Great Expectations suites generated from the data model and the params.

One call, :func:`validate`, checks every table of a dataset in the driver process and returns a
:class:`QualityResult` whose ``results`` is a tidy table: one row per rule for the whole estate
(``supplier_id == "all"``), plus, for rules on rows that carry a supplier, one row per known
supplier and one ``"(unattributed)"`` row when failing rows have a missing or unknown supplier.

Rules are generated from :data:`siamlib.schema.TABLES` (required columns, keys, vocabularies,
units) and from the params (known supplier ids), plus cross-table rules (events refer to
tickets, timestamps in order ...). Every rule has an id (``TKT-003``), a table, a severity
(``blocking``, ``quarantine`` or ``warning``, see :data:`SEVERITIES`) and a plain-English
description, carried in the Great Expectations expectation's ``meta`` and ``description``.
Cross-table rules are computed in pandas into a derived boolean column (``True`` = row passes,
``<NA>`` = rule does not apply to the row) that is then validated by a Great Expectations
expectation, so all rules report through one mechanism. ``docs/data-quality.md`` lists the rules
and the policy.

The gate is split by concern: the rule catalogue in :mod:`siamlib.quality_rules`, the runner
and the policy (what blocks, the score) here, rendering and the audit trail in
:mod:`siamlib.quality_report`, and applying the quarantine in :mod:`siamlib.quarantine`; the
names callers use (``quality.build_rules``, ``quality.render_html`` ...) all work from here.

Great Expectations is imported lazily inside the functions that need it (it takes seconds to
import): importing :mod:`siamlib` or reading saved results (:func:`from_json`,
:func:`render_html`, :func:`supplier_score`) never imports it.

Examples
--------
>>> import pandas as pd
>>> from siamlib import schema
>>> from siamlib.params import load_params
>>> tickets = schema.coerce("tickets", pd.DataFrame({
...     "ticket_id": ["INC1", "INC2"], "ticket_type": ["incident", "incident"],
...     "supplier_id": ["hosting", "network"], "service": ["email", "wan"],
...     "category": [None, None], "ci": [None, None], "priority": [2, 7],
...     "opened_at": ["2026-01-05 10:00Z", "2026-01-06 10:00Z"],
...     "first_response_at": [None, None], "resolved_at": [None, None],
...     "closed_at": [None, None], "status": ["new", "new"], "reopen_count": [0, 0],
...     "problem_id": [None, None], "change_id": [None, None], "satisfaction": [None, None]}))
>>> window = (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
>>> r = validate({"tickets": tickets}, load_params(), window)
>>> res = r.results[~r.results["passed"]]
>>> bad = res[res["table"] == "tickets"]
>>> bad[["rule_id", "supplier_id", "unexpected_count", "examples"]].values.tolist()
[['TKT-015', 'all', 1, ['INC2']], ['TKT-015', 'network', 1, ['INC2']]]
>>> res.loc[res["table"] == "ticket_events", "error"].iloc[0][:52]  # a required table
'the ticket_events table is absent: no figure can be '
>>> supplier_score(r.results, "hosting") < 100, r.ok  # absent events count as failures
(True, False)
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from siamlib import quarantine as qr
from siamlib import schema
from siamlib.params import Params
from siamlib.quality_rules import (  # noqa: F401 - re-exported: quality.Rule, quality.build_rules ...
    DATE_MARGIN,
    EARLIEST,
    NOUN,
    PREFIX,
    SEVERITIES,
    SEVERITY_WEIGHT,
    Rule,
    _as_utc,
    _flag,
    build_rules,
)

ALL = "all"
UNATTRIBUTED = "(unattributed)"
N_EXAMPLES = 5
# Tables without which no figure can be computed: absent or empty, every rule on them fails
# (a run with no tickets must not score 99 and pass).
REQUIRED_TABLES = ("tickets", "ticket_events")

RESULT_COLUMNS = [
    "rule_id",
    "table",
    "column",
    "supplier_id",
    "scope",  # "supplier": broken down by supplier; "estate": whole estate only
    "severity",
    "description",
    "passed",
    "element_count",
    "unexpected_count",
    "unexpected_pct",
    "examples",
    "error",
]


# ------------------------------------------------------------------------------- validation ----
@dataclass
class QualityResult:
    """Outcome of one validation run.

    ``results`` is the tidy table (columns :data:`RESULT_COLUMNS`); ``window`` is the data
    window as ISO strings; ``suppliers`` the known supplier ids; ``seconds`` the time taken;
    ``quarantined`` every row failing a ``quarantine`` rule (columns
    :data:`siamlib.quarantine.QUARANTINE_COLUMNS`), applied by
    :func:`siamlib.quarantine.quarantine`.
    """

    results: pd.DataFrame
    window: tuple[str, str] | None = None
    suppliers: list[str] = field(default_factory=list)
    created_at: str = ""
    seconds: float = 0.0
    gx_version: str = ""
    quarantined: pd.DataFrame = field(default_factory=qr.quarantined_frame)

    @property
    def ok(self) -> bool:
        """True when nothing blocks anywhere (some report would be stopped otherwise)."""
        return not bool(blocks(self.results).any())


def blocks(results: pd.DataFrame) -> pd.Series:
    """Result rows that block: failed blocking rules, and quarantine rules that could not be
    checked (their rows cannot be found to take out) or fail on too many rows
    (:func:`siamlib.quarantine.over_limit`).

    >>> df = results_frame([
    ...     {"rule_id": "A", "severity": "quarantine", "passed": False, "unexpected_count": 1,
    ...      "unexpected_pct": 50.0},
    ...     {"rule_id": "B", "severity": "quarantine", "passed": False, "unexpected_count": 12,
    ...      "unexpected_pct": 60.0},
    ...     {"rule_id": "C", "severity": "warning", "passed": False, "error": "boom"}])
    >>> blocks(df).tolist()
    [False, True, False]
    """
    sev = results["severity"]
    quar = (sev == "quarantine") & (
        (results["error"] != "")
        | qr.over_limit(results["unexpected_count"], results["unexpected_pct"])
    )
    return ((sev == "blocking") | quar) & ~results["passed"]


def results_frame(records: Iterable[Mapping] = ()) -> pd.DataFrame:
    """Build a results table from records, with every column of :data:`RESULT_COLUMNS`.

    Missing fields get neutral defaults (passed, no rows, no examples, no error).

    >>> df = results_frame([{"rule_id": "TKT-001", "severity": "blocking", "passed": False}])
    >>> row = df.iloc[0]
    >>> row["supplier_id"], row["scope"], int(row["unexpected_count"]), row["examples"]
    ('all', 'estate', 0, [])
    """
    defaults = {
        "rule_id": "",
        "table": "",
        "column": "",
        "supplier_id": ALL,
        "scope": "estate",
        "severity": "warning",
        "description": "",
        "passed": True,
        "element_count": 0,
        "unexpected_count": 0,
        "unexpected_pct": 0.0,
        "error": "",
    }
    rows = []
    for rec in records:
        row = {k: rec.get(k, v) for k, v in defaults.items()}
        row["examples"] = [str(x) for x in (rec.get("examples") or [])]
        rows.append(row)
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    if df.empty:
        df = pd.DataFrame({c: pd.Series([], dtype=object) for c in RESULT_COLUMNS})
    for c in ("rule_id", "table", "column", "supplier_id", "scope", "severity", "description"):
        df[c] = df[c].astype("str")
    df["error"] = df["error"].fillna("").astype("str")
    df["passed"] = df["passed"].astype(bool)
    df["element_count"] = df["element_count"].astype("int64")
    df["unexpected_count"] = df["unexpected_count"].astype("int64")
    df["unexpected_pct"] = df["unexpected_pct"].astype("float64")
    df["examples"] = df["examples"].astype(object)
    return df


def _gx():
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under 1 GB (an md5 of a full-frame hash) for batch
    # metadata we never store; on our narrow per-column frames that is most of the run time.
    if hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        pandas_execution_engine.HASH_THRESHOLD = 0
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        # In memory only, and no Data Docs site: our reports render results themselves.
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        # Progress bars would print into notebooks and logs.
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx, gx.get_context(mode="ephemeral", project_config=config)


def _exception_message(info) -> str:
    """The message of a GX ``exception_info`` (flat, or keyed by metric id in GX 1.x)."""
    if not info:
        return ""
    if isinstance(info, Mapping) and "raised_exception" in info:
        return str(info.get("exception_message") or "") if info.get("raised_exception") else ""
    if isinstance(info, Mapping):
        msgs = [_exception_message(v) for v in info.values()]
        return "; ".join(dict.fromkeys(m for m in msgs if m))
    return str(info)


def _pct(count: int, total: int) -> float:
    return round(100.0 * count / total, 4) if total else 0.0


def _examples(df: pd.DataFrame, table: str, positions: list[int], n: int) -> list[str]:
    """Up to ``n`` distinct readable ids of the rows at ``positions``, in order.

    Ids are the table key (``INC1``, or ``INC1#3`` for compound keys); a row whose key is
    missing is named by its 1-based position, ``(row 12)``.
    """
    if not positions:
        return []
    sub = df.iloc[positions]
    cols = [k for k in schema.TABLES[table].key if k in df.columns]
    rows = [f"(row {p + 1})" for p in positions]
    if not cols:
        return _unique_first(rows, n)
    missing = sub[cols].isna().any(axis=1).to_numpy()
    labels = sub[cols[0]].astype("str")
    for k in cols[1:]:
        labels = labels + "#" + sub[k].astype("str")
    return _unique_first(
        (r if m else lab for lab, r, m in zip(labels.tolist(), rows, missing, strict=True)), n
    )


def _unique_first(values: Iterable, n: int) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))[:n]


def _attribution(df: pd.DataFrame, suppliers: list[str]) -> pd.Series:
    if "supplier_id" not in df.columns:
        return pd.Series(UNATTRIBUTED, index=df.index, dtype="str")
    s = df["supplier_id"].astype("str")  # the event log's is a categorical (schema.COMPACT)
    return s.where(s.isin(suppliers), UNATTRIBUTED).astype("str")


def _needed_columns(rule: Rule) -> tuple[str, ...]:
    """Columns a table rule's expectation reads; ``()`` for table-structure rules."""
    if rule.expectation == "ExpectTableColumnsToMatchSet":
        return ()
    k = rule.kwargs
    if "column" in k:
        return (k["column"],)
    if "column_list" in k:
        return tuple(k["column_list"])
    if "column_A" in k:
        return (k["column_A"], k["column_B"])
    return tuple(schema.TABLES[rule.table].column_names)


def _gx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as handed to GX: nullable integers as float64.

    GX 1.x vectorises ``expect_column_values_to_be_between`` only for numpy int/float and
    datetime columns; a pandas nullable ``Int64`` column takes a per-value Python path (minutes
    on millions of rows). float64 holds every count and priority exactly and keeps NA as NaN.
    """
    ints = [
        c
        for c in df.columns
        if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype)
        and pd.api.types.is_integer_dtype(df[c].dtype)
    ]
    return df.astype(dict.fromkeys(ints, "float64")) if ints else df


@dataclass
class _Outcome:
    success: bool = False
    count: int = 0
    elements: int = 0
    index: list = field(default_factory=list)  # failing row positions: some (pass 1), all (2)
    examples: list = field(default_factory=list)  # for table-level expectations
    error: str = ""


def _read_result(res, rule: Rule) -> _Outcome:
    """Take what we need from a GX result, as plain Python values (never its JSON)."""
    err = _exception_message(getattr(res, "exception_info", None))
    if err:
        return _Outcome(error=f"{rule.expectation} raised: {err}")
    r = res.result or {}
    out = _Outcome(success=bool(res.success))
    if rule.expectation == "ExpectTableColumnsToMatchSet":
        missing = ((r.get("details") or {}).get("mismatched") or {}).get("missing") or []
        out.examples = [str(m) for m in missing]
        out.count = len(missing)
        out.elements = len(rule.kwargs["column_set"])
        return out
    out.count = int(r.get("unexpected_count") or 0)
    out.elements = int(r.get("element_count") or 0)
    idx = r.get("unexpected_index_list")
    if idx is None:
        idx = r.get("partial_unexpected_index_list") or []
    out.index = [int(i) for i in idx]
    if not out.success and out.count == 0:
        out.count = max(len(out.index), 1)
    return out


def _run_suite(gx, batch, rules: list[Rule], result_format: dict) -> dict[str, _Outcome]:
    """Validate ``rules`` on one batch; each rule gets an outcome, errors included.

    The rules run as one suite (GX shares metrics between them); if the suite call itself
    raises, each expectation is retried alone so one bad expectation cannot lose the others.
    """
    outcomes: dict[str, _Outcome] = {}
    expectations = {}
    for rule in rules:
        try:
            cls = getattr(gx.expectations, rule.expectation)
            expectations[rule.rule_id] = cls(
                **rule.kwargs,
                meta={"rule_id": rule.rule_id, "table": rule.table, "severity": rule.severity},
                description=rule.description,
            )
        except Exception as exc:  # noqa: BLE001 - any construction failure is reported per rule
            outcomes[rule.rule_id] = _Outcome(error=f"cannot build {rule.expectation}: {exc}")
    by_id = {r.rule_id: r for r in rules}
    raw = {}
    if expectations:
        suite = gx.ExpectationSuite(name=f"siam-{rules[0].table}-{len(rules)}")
        for e in expectations.values():
            suite.add_expectation(e)
        try:
            # GX raises deprecation and future warnings from inside its metrics on pandas 3;
            # they would repeat in every notebook and log without telling the reader anything.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                suite_result = batch.validate(suite, result_format=result_format)
            for res in suite_result.results:
                raw[(res.expectation_config.meta or {}).get("rule_id")] = res
        except Exception:  # noqa: BLE001 - fall back to one expectation at a time
            for rule_id, e in expectations.items():
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        raw[rule_id] = batch.validate(e, result_format=result_format)
                except Exception as exc:  # noqa: BLE001
                    outcomes[rule_id] = _Outcome(error=f"{by_id[rule_id].expectation}: {exc}")
    for rule_id in expectations:
        if rule_id in outcomes:
            continue
        if rule_id not in raw:
            outcomes[rule_id] = _Outcome(error="no result returned by Great Expectations")
            continue
        try:
            outcomes[rule_id] = _read_result(raw[rule_id], by_id[rule_id])
        except Exception as exc:  # noqa: BLE001 - e.g. a result GX could not build on pandas 3
            outcomes[rule_id] = _Outcome(error=f"unreadable result: {exc}")
    return outcomes


def run_rules(
    tables: Mapping[str, pd.DataFrame],
    rules: list[Rule],
    suppliers: Iterable[str],
    *,
    window: tuple | None = None,
    n_examples: int = N_EXAMPLES,
) -> QualityResult:
    """Run ``rules`` (see :func:`build_rules`) on ``tables``; the engine behind :func:`validate`.

    Tables missing from ``tables`` are treated as empty. Each rule is guarded: a rule whose
    derived column cannot be computed, whose expectation cannot be built or raises, or whose
    result cannot be read becomes an error row (``passed=False``, severity kept, ``error`` set)
    and every other rule still reports.
    """
    t0 = time.perf_counter()
    gx, context = _gx()
    suppliers = list(suppliers)
    unknown = sorted({r.table for r in rules} - set(schema.TABLES))
    if unknown:
        raise ValueError(f"rules for tables outside the data model: {', '.join(unknown)}")
    frames = {
        name: (tables[name] if name in tables else schema.empty(name)).reset_index(drop=True)
        for name in schema.TABLES
    }
    # One asset and batch definition serve every frame: each new asset re-serialises the
    # context's configuration (tens of ms each).
    batch_def = (
        context.data_sources.add_pandas("siam")
        .add_dataframe_asset("frames")
        .add_batch_definition_whole_dataframe("whole")
    )
    fmt_summary = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": n_examples,
        "include_unexpected_rows": False,
        "return_unexpected_index_query": False,
    }
    fmt_detail = {**fmt_summary, "result_format": "COMPLETE"}
    outcomes: dict[str, _Outcome] = {}
    detail: dict[str, _Outcome] = {}
    for name in REQUIRED_TABLES:
        if frames[name].empty:
            why = "absent" if name not in tables else "empty"
            for r in rules:
                if r.table == name:
                    outcomes[r.rule_id] = _Outcome(
                        error=f"the {name} table is {why}: no figure can be computed without "
                        f"it; export {name} into the dataset"
                    )

    def run_frame(asset_name: str, data: pd.DataFrame, group: list[Rule]) -> None:
        try:
            batch = batch_def.get_batch(batch_parameters={"dataframe": data})
        except Exception as exc:  # noqa: BLE001
            for r in group:
                outcomes[r.rule_id] = _Outcome(error=f"cannot load {asset_name} into GX: {exc}")
            return
        outcomes.update(_run_suite(gx, batch, group, fmt_summary))
        # Second pass, only for failed per-supplier rules: the full list of failing rows, to
        # split counts and examples by supplier.
        failed = [
            r
            for r in group
            if r.per_supplier and not outcomes[r.rule_id].error and not outcomes[r.rule_id].success
        ]
        if failed:
            detail.update(_run_suite(gx, batch, failed, fmt_detail))

    for name in dict.fromkeys(r.table for r in rules if r.frame == "table"):
        df = frames[name]
        group = []
        derived = {}
        for r in rules:
            if r.table != name or r.frame != "table" or r.rule_id in outcomes:
                continue
            if r.derive is not None:
                try:
                    s = r.derive(frames)
                    if len(s) != len(df):
                        raise ValueError(f"derived column has {len(s)} rows, table {len(df)}")
                    derived[r.derived_column] = s.reset_index(drop=True).astype("boolean")
                except Exception as exc:  # noqa: BLE001 - reported as this rule's error row
                    outcomes[r.rule_id] = _Outcome(error=f"cannot compute the check: {exc!r}")
                    continue
            group.append(r)
        if not group:
            continue
        work = _gx_frame(df.assign(**derived) if derived else df)
        # One GX batch per column: GX copies the whole batch frame for every expectation
        # (its null filter), so narrow frames save most of the time on wide, long tables.
        by_columns: dict[tuple, list[Rule]] = {}
        for r in group:
            by_columns.setdefault(_needed_columns(r), []).append(r)
        for cols, rs in by_columns.items():
            # Structure rules need the table's columns only: give them no rows.
            data = work[[c for c in cols if c in work.columns]] if cols else df.iloc[:0]
            run_frame(f"{name}:{'+'.join(cols) or 'columns'}", data, rs)

    # Timestamp types of every table checked on one small frame: one row per timestamp column.
    dtype_rules = [r for r in rules if r.frame == "dtypes" and r.rule_id not in outcomes]
    if dtype_rules:
        rows = [
            (
                name,
                c.name,
                str(frames[name][c.name].dtype) if c.name in frames[name] else "(missing)",
            )
            for name in dict.fromkeys(r.table for r in dtype_rules)
            for c in schema.TABLES[name].columns
            if c.type == "timestamp"
        ]
        dtypes = pd.DataFrame(rows, columns=["table", "column", "dtype"])
        for r in dtype_rules:
            dtypes[f"__{r.rule_id}"] = _flag(
                dtypes["dtype"] == schema.TIMESTAMP_DTYPE, dtypes["table"] == r.table
            )
        run_frame("timestamp-dtypes", dtypes, dtype_rules)
        for r in dtype_rules:
            o = outcomes[r.rule_id]
            if not o.error:
                o.examples = [f"{dtypes['column'][i]} ({dtypes['dtype'][i]})" for i in o.index]
                o.elements = int((dtypes["table"] == r.table).sum())
                o.index = []
    records = []
    quarantined = []
    attribution: dict[str, pd.Series] = {}
    for rule in rules:
        o = outcomes.get(rule.rule_id) or _Outcome(error="not run")
        base = {
            "rule_id": rule.rule_id,
            "table": rule.table,
            "column": rule.column,
            "severity": rule.severity,
            "description": rule.description,
        }
        d = detail.get(rule.rule_id)
        if d is not None and d.error:
            o = _Outcome(error=f"per-supplier breakdown failed: {d.error}")
        if o.error:
            records.append({**base, "passed": False, "error": o.error})
            continue
        if not rule.per_supplier:
            records.append(
                {
                    **base,
                    "passed": o.success,
                    "element_count": o.elements,
                    "unexpected_count": o.count,
                    "unexpected_pct": _pct(o.count, o.elements),
                    "examples": o.examples,
                }
            )
            continue
        df = frames[rule.table]
        if rule.table not in attribution:
            attribution[rule.table] = _attribution(df, suppliers)
        attr = attribution[rule.table]
        records.append(
            {
                **base,
                "scope": "supplier",
                "passed": o.success,
                "element_count": len(df),
                "unexpected_count": o.count,
                "unexpected_pct": _pct(o.count, len(df)),
                "examples": _examples(df, rule.table, o.index, n_examples),
            }
        )
        counts, examples = pd.Series(dtype="int64"), {}
        if d is not None and d.index and rule.severity == "quarantine":
            quarantined.append(_quarantine_rows(df, rule, np.asarray(d.index), attr))
        if d is not None and d.index:
            failing = pd.DataFrame({"who": attr.to_numpy()[np.asarray(d.index, dtype=np.int64)]})
            failing["pos"] = np.asarray(d.index, dtype=np.int64)
            counts = failing["who"].value_counts()
            # A few more candidates than needed: duplicate keys collapse to one example.
            firsts = failing.groupby("who", sort=False).head(4 * n_examples)
            for who, pos in firsts.groupby("who", sort=False)["pos"]:
                examples[who] = _examples(df, rule.table, pos.tolist(), n_examples)
        rows_per = attr.value_counts()
        who_list = list(suppliers) + ([UNATTRIBUTED] if UNATTRIBUTED in counts.index else [])
        for who in who_list:
            bad = int(counts.get(who, 0))
            total = int(rows_per.get(who, 0))
            records.append(
                {
                    **base,
                    "supplier_id": who,
                    "scope": "supplier",
                    "passed": bad == 0,
                    "element_count": total,
                    "unexpected_count": bad,
                    "unexpected_pct": _pct(bad, total),
                    "examples": examples.get(who, []),
                }
            )
    try:
        from great_expectations import __version__ as gx_version
    except ImportError:  # pragma: no cover - GX is a declared dependency
        gx_version = ""
    return QualityResult(
        results=results_frame(records),
        window=None if window is None else tuple(_as_utc(w).isoformat() for w in window),
        suppliers=suppliers,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - t0, 3),
        gx_version=gx_version,
        quarantined=qr.quarantined_frame(
            pd.concat(quarantined, ignore_index=True) if quarantined else ()
        ),
    )


def _quarantine_rows(df: pd.DataFrame, rule: Rule, pos: np.ndarray, attr: pd.Series):
    """The quarantine list entries of one failed quarantine rule: every failing row."""
    pos = np.unique(pos.astype(np.int64))
    tid = (
        df["ticket_id"].iloc[pos].astype("str").where(df["ticket_id"].iloc[pos].notna(), "")
        if rule.table in ("tickets", "ticket_events") and "ticket_id" in df.columns
        else pd.Series("", index=df.index[pos])
    )
    return pd.DataFrame(
        {
            "table": rule.table,
            "row_key": qr.row_labels(df, rule.table, pos),
            "ticket_id": tid.to_numpy(),
            "supplier_id": attr.to_numpy()[pos],
            "rule_id": rule.rule_id,
            "reason": f"{rule.table}.{rule.column}: {rule.description}",
        }
    )


def validate(
    tables: Mapping[str, pd.DataFrame],
    params: Params,
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
    *,
    n_examples: int = N_EXAMPLES,
) -> QualityResult:
    """Validate a dataset once, in the driver process, against the generated rule catalogue.

    Parameters
    ----------
    tables
        Table name -> frame, coerced to the data model (``siamlib.io.read_dataset``); a table
        not given is treated as empty.
    params
        Validated params (known suppliers from ``params.estate``).
    window
        The dataset's declared window ``(start, end)``, start inclusive, end exclusive
        (``siamlib.io.read_dataset_info(folder).window``); ``None`` skips the window rules.
    n_examples
        How many example ids each result row keeps.

    Returns
    -------
    QualityResult
        ``.results`` holds one row per rule for ``"all"``, and per supplier for rules on rows
        carrying a supplier; see the module docstring.
    """
    suppliers = [s.id for s in params.estate.suppliers]
    return run_rules(
        tables, build_rules(suppliers, window), suppliers, window=window, n_examples=n_examples
    )


# ---------------------------------------------------------------------------- policy/score ----
def _frame(results) -> pd.DataFrame:
    return results.results if isinstance(results, QualityResult) else results


def supplier_view(results: pd.DataFrame | QualityResult, supplier_id: str | None) -> pd.DataFrame:
    """The rows a report may show: a supplier's own rows plus the estate-wide rules.

    ``supplier_id=None`` gives the board view: the ``"all"`` row of every rule (estate totals,
    with examples from every supplier). A supplier's view never holds another supplier's rows.

    >>> df = results_frame([
    ...     {"rule_id": "A", "supplier_id": "all", "scope": "supplier", "examples": ["X1", "Y1"]},
    ...     {"rule_id": "A", "supplier_id": "x", "scope": "supplier", "examples": ["X1"]},
    ...     {"rule_id": "A", "supplier_id": "y", "scope": "supplier", "examples": ["Y1"]},
    ...     {"rule_id": "B", "supplier_id": "all", "scope": "estate"}])
    >>> supplier_view(df, "x")[["rule_id", "supplier_id", "examples"]].values.tolist()
    [['A', 'x', ['X1']], ['B', 'all', []]]
    """
    df = _frame(results)
    if supplier_id is None:
        keep = df["supplier_id"] == ALL
    else:
        keep = (df["supplier_id"] == supplier_id) | (df["scope"] == "estate")
    return df[keep].reset_index(drop=True)


def supplier_score(results: pd.DataFrame | QualityResult, supplier_id: str | None) -> float:
    """Data-quality score 0-100: the severity-weighted share of applicable rules that passed.

    The rules counted are those in :func:`supplier_view` (the supplier's own rows plus the
    estate-wide rules; ``None``: the estate totals). A blocking rule weighs 3, a warning 1; an
    error row counts as not passed. No rules gives 100.

    >>> df = results_frame([
    ...     {"rule_id": "A", "supplier_id": "x", "scope": "supplier", "severity": "blocking"},
    ...     {"rule_id": "B", "supplier_id": "x", "scope": "supplier", "severity": "warning",
    ...      "passed": False},
    ...     {"rule_id": "C", "supplier_id": "y", "scope": "supplier", "severity": "blocking",
    ...      "passed": False}])
    >>> supplier_score(df, "x")  # 100 * 3 / (3 + 1)
    75.0
    """
    view = supplier_view(results, supplier_id)
    if view.empty:
        return 100.0
    w = view["severity"].map(SEVERITY_WEIGHT).fillna(1.0)
    return round(float(100.0 * (w * view["passed"]).sum() / w.sum()), 2)


def blocking_failures(
    results: pd.DataFrame | QualityResult, supplier_id: str | None
) -> pd.DataFrame:
    """Blocking failures that stop ``supplier_id``'s report (``None``: the board summary).

    Policy: a blocking failure in a supplier's own rows stops that supplier's report only; the
    other reports, the board summary included, still run (the board shows the supplier as
    stopped). A blocking failure that cannot be attributed to one supplier stops every report,
    the board's too: an estate-wide rule (table structure, timestamp types, or a rule that
    raised an error) or failing rows whose supplier is missing or unknown (``"(unattributed)"``).

    >>> df = results_frame([
    ...     {"rule_id": "A", "supplier_id": "x", "scope": "supplier", "severity": "blocking",
    ...      "passed": False},
    ...     {"rule_id": "B", "supplier_id": "all", "scope": "estate", "severity": "warning",
    ...      "passed": False}])
    >>> blocking_failures(df, "x")["rule_id"].tolist(), blocking_failures(df, "y").empty
    (['A'], True)
    >>> blocking_failures(df, None).empty  # the board still runs
    True
    """
    df = _frame(results)
    bad = blocks(df)
    who = (df["scope"] == "estate") | (df["supplier_id"] == UNATTRIBUTED)
    if supplier_id is not None:
        who |= df["supplier_id"] == supplier_id
    return df[bad & who].reset_index(drop=True)


def blocking_message(results: pd.DataFrame | QualityResult, supplier_id: str | None) -> str:
    """A plain-English message naming the failures that stop a report; ``""`` when none.

    >>> df = results_frame([{"rule_id": "TKT-004", "table": "tickets", "column": "opened_at",
    ...     "supplier_id": "x", "scope": "supplier", "severity": "blocking", "passed": False,
    ...     "unexpected_count": 2, "unexpected_pct": 0.5, "examples": ["INC1", "INC2"],
    ...     "description": "Every ticket has an opened_at."}])
    >>> print(blocking_message(df, "x"))
    Report for x stopped by 1 blocking data-quality failure:
    - TKT-004 tickets.opened_at: Every ticket has an opened_at. 2 rows (0.5%), e.g. INC1, INC2
    """
    bad = blocking_failures(results, supplier_id)
    if bad.empty:
        return ""
    who = "the board summary" if supplier_id is None else supplier_id
    n = len(bad)
    lines = [f"Report for {who} stopped by {n} blocking data-quality failure{'s' * (n != 1)}:"]
    for r in bad.itertuples(index=False):
        if r.error:
            detail = f"could not be checked ({r.error})"
        else:
            detail = f"{r.unexpected_count} rows ({r.unexpected_pct:g}%)"
            if len(r.examples):
                detail += ", e.g. " + ", ".join(r.examples)
            if r.supplier_id == UNATTRIBUTED:
                detail += " with no known supplier"
            if r.severity == "quarantine":
                detail += " (too many rows to quarantine)"
        lines.append(f"- {r.rule_id} {r.table}.{r.column}: {r.description} {detail}")
    return "\n".join(lines)


def score_table(results: pd.DataFrame | QualityResult, suppliers: Iterable[str]) -> pd.DataFrame:
    """Per-supplier data-quality score, failed rule counts and whether the report is stopped.

    >>> df = results_frame([{"rule_id": "A", "supplier_id": "x", "scope": "supplier",
    ...                      "severity": "warning", "passed": False}])
    >>> print(score_table(df, ["x"]).to_string(index=False))
    supplier_id  score  blocking_failed  warnings_failed  rows_quarantined  stopped
              x    0.0                0                1                 0    False
    """
    rows = []
    for s in suppliers:
        view = supplier_view(results, s)
        failed = view[~view["passed"]]
        blocked = blocks(failed)
        quarantined = failed[(failed["severity"] == "quarantine") & ~blocked]
        rows.append(
            {
                "supplier_id": s,
                "score": supplier_score(results, s),
                "blocking_failed": int(blocked.sum()),
                "warnings_failed": int((failed["severity"] == "warning").sum()),
                "rows_quarantined": int(quarantined["unexpected_count"].sum()),
                "stopped": not blocking_failures(results, s).empty,
            }
        )
    cols = ["supplier_id", "score", "blocking_failed", "warnings_failed", "rows_quarantined"]
    return pd.DataFrame(rows, columns=[*cols, "stopped"])


# Rendering and the audit trail live in siamlib.quality_report (it reads the policy functions
# above); served from here on first use, so either module may be imported first.
_REPORT = {
    "APPENDIX_NAME",
    "render_appendix_html",
    "summary_line",
    "from_json",
    "quarantine_lines",
    "render_html",
    "render_markdown_rules",
    "summary_text",
    "to_json",
}


def __getattr__(name: str):
    if name in _REPORT:
        from siamlib import quality_report

        return getattr(quality_report, name)
    raise AttributeError(f"module 'siamlib.quality' has no attribute {name!r}")
