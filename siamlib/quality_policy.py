"""The results table of the data-quality gate and the policy on it: what blocks, the score.

:func:`results_frame` and :class:`QualityResult` are the shape every part of the gate shares
(the runner in :mod:`siamlib.quality_runner` fills it, :mod:`siamlib.quality_report` renders
it); the policy functions decide from it which reports stop (:func:`blocking_failures`) and
score each supplier (:func:`supplier_score`). Everything here reads results only: it never
imports Great Expectations. :mod:`siamlib.quality` re-exports every public name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from siamlib import quarantine as qr
from siamlib.quality_rules import NOUN, SEVERITY_WEIGHT, with_article

ALL = "all"
UNATTRIBUTED = "(unattributed)"

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
    # The reported month (quarantine rules, when the gate was given one; "" otherwise), and
    # the month counted: the reported one, or an earlier month its figures read (earn-back,
    # rolling window) that is over the limit. Its rows (month_elements), how many fail
    # (month_count) and their share (month_pct), counted in rows of the table month_unit:
    # the row's own, but tickets for a ticket-event rule (a failing event takes its whole
    # ticket out); "" where no month was counted (and in results from before the column).
    "period",
    "month",
    "month_elements",
    "month_count",
    "month_pct",
    "month_unit",
    # What the window's quarantine limit counts: the rows of the data window the quarantine
    # takes out (window_elements), how many fail (window_count) and their share (window_pct),
    # in rows of the table window_unit: the rule's own rows (the element and unexpected
    # counts), but tickets for a ticket-event quarantine rule (a failing event takes its whole
    # ticket out). Results from before these columns: the element and unexpected counts.
    "window_elements",
    "window_count",
    "window_pct",
    "window_unit",
]


# ----------------------------------------------------------------------------- results ----
@dataclass
class QualityResult:
    """Outcome of one validation run.

    ``results`` is the tidy table (columns :data:`RESULT_COLUMNS`); ``window`` is the data
    window as ISO strings; ``suppliers`` the known supplier ids; ``seconds`` the time taken;
    ``quarantined`` every row failing a ``quarantine`` rule (columns
    :data:`siamlib.quarantine.QUARANTINE_COLUMNS`), applied by
    :func:`siamlib.quarantine.quarantine`; ``period`` the reported month whose rows the
    quarantine limit was also applied to (``""``: none, the window's limit only).
    """

    results: pd.DataFrame
    window: tuple[str, str] | None = None
    suppliers: list[str] = field(default_factory=list)
    created_at: str = ""
    seconds: float = 0.0
    gx_version: str = ""
    quarantined: pd.DataFrame = field(default_factory=qr.quarantined_frame)
    period: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing blocks anywhere (some report would be stopped otherwise)."""
        return not bool(blocks(self.results).any())


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
        "period": "",
        "month": "",
        "month_elements": 0,
        "month_count": 0,
        "month_pct": 0.0,
        "month_unit": "",
    }
    # The window's limit counts the rule's own rows unless told otherwise (ticket events).
    same = {
        "window_elements": "element_count",
        "window_count": "unexpected_count",
        "window_pct": "unexpected_pct",
    }
    rows = []
    for rec in records:
        row = {k: rec.get(k, v) for k, v in defaults.items()}
        for k, v in same.items():
            row[k] = rec[k] if rec.get(k) is not None else row[v]
        row["window_unit"] = rec.get("window_unit") or ""
        row["examples"] = [str(x) for x in (rec.get("examples") or [])]
        rows.append(row)
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    if df.empty:
        df = pd.DataFrame({c: pd.Series([], dtype=object) for c in RESULT_COLUMNS})
    for c in ("rule_id", "table", "column", "supplier_id", "scope", "severity", "description"):
        df[c] = df[c].astype("str")
    for c in ("error", "period", "month", "month_unit", "window_unit"):
        df[c] = df[c].fillna("").astype("str")
    df["passed"] = df["passed"].astype(bool)
    for c in ("element_count", "unexpected_count", "month_elements", "month_count"):
        df[c] = df[c].astype("int64")
    for c in ("window_elements", "window_count"):
        df[c] = df[c].astype("int64")
    for c in ("unexpected_pct", "month_pct", "window_pct"):
        df[c] = df[c].astype("float64")
    df["examples"] = df["examples"].astype(object)
    return df


# ---------------------------------------------------------------------------- policy/score ----
def blocks(results: pd.DataFrame) -> pd.Series:
    """Result rows that block: failed blocking rules, and quarantine rules that could not be
    checked (their rows cannot be found to take out) or fail on too many rows, over the data
    window (:func:`siamlib.quarantine.over_limit`) or over the reported month's rows
    (:func:`over_month`).

    >>> df = results_frame([
    ...     {"rule_id": "A", "severity": "quarantine", "passed": False, "unexpected_count": 1,
    ...      "unexpected_pct": 50.0},
    ...     {"rule_id": "B", "severity": "quarantine", "passed": False, "unexpected_count": 12,
    ...      "unexpected_pct": 60.0},
    ...     {"rule_id": "C", "severity": "warning", "passed": False, "error": "boom"},
    ...     {"rule_id": "D", "severity": "quarantine", "passed": False, "unexpected_count": 9,
    ...      "unexpected_pct": 4.5, "period": "2026-10", "month_count": 9, "month_pct": 75.0}])
    >>> blocks(df).tolist()
    [False, True, False, True]
    """
    sev = results["severity"]
    quar = (sev == "quarantine") & (
        (results["error"] != "") | over_window(results) | over_month(results)
    )
    return ((sev == "blocking") | quar) & ~results["passed"]


def over_window(results: pd.DataFrame) -> pd.Series:
    """Result rows whose failing rows are too many to quarantine over the data window
    (:func:`siamlib.quarantine.over_limit`), counted in what the quarantine takes out: the
    window columns (tickets for a ticket-event rule), or, in results from before them, the
    rule's rows.

    >>> df = results_frame([{"rule_id": "EVT-011", "table": "ticket_events",
    ...     "unexpected_count": 12, "unexpected_pct": 3.0, "window_elements": 100,
    ...     "window_count": 12, "window_pct": 12.0, "window_unit": "tickets"}])
    >>> over_window(df).tolist()  # 12 events, 3% of events; 12% of the tickets
    [True]
    """
    if "window_count" not in results.columns:
        return qr.over_limit(results["unexpected_count"], results["unexpected_pct"])
    return qr.over_limit(results["window_count"], results["window_pct"])


def window_text(r) -> str:
    """What the window's limit counted, when not the rule's own rows: ``""`` otherwise.

    >>> r = next(results_frame([{"rule_id": "EVT-011", "table": "ticket_events",
    ...     "window_elements": 100, "window_count": 12, "window_pct": 12.0,
    ...     "window_unit": "tickets"}]).itertuples())
    >>> window_text(r)
    '12 of 100 tickets (12%) have a ticket event failing EVT-011 (which takes its whole \
ticket out)'
    """
    unit = getattr(r, "window_unit", "") or r.table
    if unit == r.table:
        return ""
    noun = NOUN.get(unit, f"{unit} row") + "s" * (r.window_elements != 1)
    return (
        f"{r.window_count} of {r.window_elements} {noun} ({r.window_pct:g}%) have "
        f"{with_article(NOUN.get(r.table, r.table))} failing {r.rule_id} (which takes its whole "
        f"{NOUN.get(unit, unit)} out)"
    )


def over_month(results: pd.DataFrame) -> pd.Series:
    """Quarantine result rows failing on too many of the reported month's rows
    (:func:`siamlib.quarantine.over_month_limit`); all false when no month was checked.

    >>> df = results_frame([{"rule_id": "D", "severity": "quarantine", "passed": False,
    ...     "period": "2026-10", "month_count": 4, "month_pct": 33.3}])
    >>> over_month(df).tolist()  # 4 rows of the month: under the month's minimum of 5
    [False]
    """
    if "month_count" not in results.columns:  # a results table from before the month limit
        return pd.Series(False, index=results.index)
    month = qr.over_month_limit(results["month_count"], results["month_pct"])
    return (results["severity"] == "quarantine") & (results["period"] != "") & month


def month_text(r) -> str:
    """Why a quarantine result row (a row of :func:`results_frame`) is over the month's limit.

    >>> r = next(results_frame([{"rule_id": "TKT-017", "table": "tickets", "period": "2026-10",
    ...     "month_elements": 40, "month_count": 12, "month_pct": 30.0}]).itertuples())
    >>> month_text(r)
    "in 2026-10, 12 of 40 tickets (30%) fail TKT-017: more than 5% of the month's, too many \
to quarantine"
    >>> month_text(r._replace(month="2026-08"))  # doctest: +ELLIPSIS
    "in 2026-08, a month whose data 2026-10's figures read (earn-back, rolling window), 12 of ...
    >>> month_text(r._replace(table="ticket_events", rule_id="EVT-020", month_unit="tickets"))
    "in 2026-10, 12 of 40 tickets (30%) have a ticket event failing EVT-020 (which takes its \
whole ticket out): more than 5% of the month's, too many to quarantine"
    """
    # The month's counts are in rows of month_unit (tickets for a ticket-event rule); results
    # without it counted the rule's own rows.
    unit = getattr(r, "month_unit", "") or r.table
    noun = NOUN.get(unit, f"{unit} row") + "s" * (r.month_elements != 1)
    fail = f"fail {r.rule_id}"
    if unit != r.table:
        row = with_article(NOUN.get(r.table, r.table))
        fail = f"have {row} failing {r.rule_id} (which takes its whole {NOUN.get(unit, unit)} out)"
    month = getattr(r, "month", "") or r.period
    where = month
    if month != r.period:
        where += f", a month whose data {r.period}'s figures read (earn-back, rolling window)"
    return (
        f"in {where}, {r.month_count} of {r.month_elements} {noun} ({r.month_pct:g}%) {fail}: "
        f"more than {qr.BLOCK_PCT:g}% of the month's, too many to quarantine"
    )


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


def estate_quarantine(
    results: pd.DataFrame | QualityResult, supplier_id: str, estate_tables: Iterable[str]
) -> pd.DataFrame:
    """Rows quarantined in other suppliers' data that ``supplier_id``'s levels also leave out.

    The integrator's levels are estate-wide: they read every supplier's rows of
    ``estate_tables`` (``siamlib.completeness.estate_tables``), so a row quarantined in a
    tower's tickets moves the integrator's figure too, although :func:`supplier_view` (own
    rows only) never lists it. This is what its report shows beside its own rows, so the
    figure can be explained from the report.

    Parameters
    ----------
    results
        The gate's results (or the :class:`QualityResult`).
    supplier_id
        The report's supplier (the integrator).
    estate_tables
        The tables whose every supplier's rows its levels read; empty for a tower, which then
        gets an empty frame.

    Returns
    -------
    DataFrame
        The failed, not blocking, per-supplier rows of quarantine rules on those tables whose
        supplier is another one (``"(unattributed)"`` included), columns
        :data:`RESULT_COLUMNS` plus ``rule_rows``: the rule's failing rows not counted against
        ``supplier_id`` (the estate row's count less its own; a row of a rule with a second
        supplier can be counted against two suppliers, so the per-supplier counts may add up
        to more). A rule none of whose rows is left once its own are counted is not listed.
        Tickets and ticket events go together: quarantining one takes the other out.

    >>> df = results_frame([
    ...     {"rule_id": "T", "table": "tickets", "supplier_id": "all", "scope": "supplier",
    ...      "severity": "quarantine", "passed": False, "unexpected_count": 3},
    ...     {"rule_id": "T", "table": "tickets", "supplier_id": "si", "scope": "supplier",
    ...      "severity": "quarantine", "passed": False, "unexpected_count": 1},
    ...     {"rule_id": "T", "table": "tickets", "supplier_id": "x", "scope": "supplier",
    ...      "severity": "quarantine", "passed": False, "unexpected_count": 2}])
    >>> estate_quarantine(df, "si", ["ticket_events"])[["supplier_id", "rule_rows"]].values.tolist()
    [['x', 2]]
    >>> estate_quarantine(df, "x", []).empty  # a tower reads its own rows only
    True
    """
    df = _frame(results)
    tables = set(estate_tables)
    if tables & {"tickets", "ticket_events"}:
        # siamlib.quarantine takes a ticket's events with it and a bad event's ticket.
        tables |= {"tickets", "ticket_events"}
    quar = (df["severity"] == "quarantine") & ~df["passed"] & ~blocks(df)
    others = (df["scope"] == "supplier") & ~df["supplier_id"].isin([ALL, supplier_id])
    out = df[quar & others & df["table"].isin(list(tables))].reset_index(drop=True)
    key = ["rule_id", "table"]
    total = df[df["supplier_id"] == ALL].groupby(key)["unexpected_count"].sum()
    own = df[df["supplier_id"] == supplier_id].groupby(key)["unexpected_count"].sum()
    summed = out.groupby(key)["unexpected_count"].transform("sum")
    idx = pd.MultiIndex.from_frame(out[key])
    # Hand-made results may lack the estate row: the per-supplier sum stands in for it.
    rule_rows = total.reindex(idx).to_numpy() - own.reindex(idx).fillna(0).to_numpy()
    out["rule_rows"] = pd.Series(rule_rows).fillna(summed).astype("int64")
    # A rule whose every failing row is also counted against the supplier is in its own list.
    return out[out["rule_rows"] > 0].reset_index(drop=True)


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
    results: pd.DataFrame | QualityResult,
    supplier_id: str | None,
    estate_tables: Iterable[str] = (),
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
    # A report whose levels are estate-wide (the integrator's) reads every supplier's rows of
    # these tables: a blocking failure in any of them stops it too.
    who |= df["table"].isin(list(estate_tables))
    return df[bad & who].reset_index(drop=True)


def blocking_message(
    results: pd.DataFrame | QualityResult,
    supplier_id: str | None,
    estate_tables: Iterable[str] = (),
) -> str:
    """A plain-English message naming the failures that stop a report; ``""`` when none.

    Each failing rule is named once: for a report whose levels are estate-wide (the
    integrator's, ``estate_tables``) a rule blocking in the estate's rows (its ``all`` row)
    is one line with the estate's count, followed by the suppliers whose rows fail it, each
    with its count; a rule blocking only in some suppliers' rows gets a line per supplier.

    >>> df = results_frame([{"rule_id": "TKT-004", "table": "tickets", "column": "opened_at",
    ...     "supplier_id": "x", "scope": "supplier", "severity": "blocking", "passed": False,
    ...     "unexpected_count": 2, "unexpected_pct": 0.5, "examples": ["INC1", "INC2"],
    ...     "description": "Every ticket has an opened_at."}])
    >>> print(blocking_message(df, "x"))
    Report for x stopped by 1 blocking data-quality failure:
    - TKT-004 tickets.opened_at: Every ticket has an opened_at. 2 rows (0.5%), e.g. INC1, INC2
    """
    df = _frame(results)
    bad = _one_per_rule(blocking_failures(df, supplier_id, estate_tables))
    if bad.empty:
        return ""
    who = "the board summary" if supplier_id is None else supplier_id
    n = len(bad)
    lines = [f"Report for {who} stopped by {n} blocking data-quality failure{'s' * (n != 1)}:"]
    window = over_window(bad)
    for r, over_win, in_month in zip(
        bad.itertuples(index=False), window, over_month(bad), strict=True
    ):
        if r.error:
            detail = f"could not be checked ({r.error})"
        else:
            detail = f"{r.unexpected_count} rows ({r.unexpected_pct:g}%)"
            if r.supplier_id not in (ALL, UNATTRIBUTED, supplier_id):
                detail = f"rows of {r.supplier_id}: {detail}"
            if len(r.examples):
                detail += ", e.g. " + ", ".join(r.examples)
            if r.supplier_id == UNATTRIBUTED:
                detail += " with no known supplier"
            if r.severity == "quarantine" and over_win:
                counted = window_text(r)
                detail += f" (too many rows to quarantine{': ' + counted if counted else ''})"
            if r.severity == "quarantine" and in_month:
                detail += f"; {month_text(r)}"
            if r.supplier_id == ALL and r.scope == "supplier":
                detail += _by_supplier(df, r)
        lines.append(f"- {r.rule_id} {r.table}.{r.column}: {r.description} {detail}")
    return "\n".join(lines)


def _one_per_rule(bad: pd.DataFrame) -> pd.DataFrame:
    """The blocking rows to name, one per failing rule and supplier: where a rule's estate row
    (``all``) blocks, it stands for the rule's per-supplier rows (:func:`_by_supplier` names
    them), which are not listed again.

    >>> df = results_frame([
    ...     {"rule_id": "T", "supplier_id": "all", "scope": "supplier"},
    ...     {"rule_id": "T", "supplier_id": "x", "scope": "supplier"},
    ...     {"rule_id": "U", "supplier_id": "x", "scope": "supplier"}])
    >>> _one_per_rule(df)[["rule_id", "supplier_id"]].values.tolist()
    [['T', 'all'], ['U', 'x']]
    """
    key = ["rule_id", "table"]
    estate = bad.loc[bad["supplier_id"] == ALL, key].drop_duplicates()
    covered = pd.MultiIndex.from_frame(bad[key]).isin(pd.MultiIndex.from_frame(estate))
    return bad[~covered | (bad["supplier_id"] == ALL)].reset_index(drop=True)


def _by_supplier(df: pd.DataFrame, r) -> str:
    """``; by supplier: hosting 6, network 6``: the per-supplier counts of an estate row's
    failing rows (``""`` when the results have none)."""
    rows = df[
        (df["rule_id"] == r.rule_id)
        & (df["table"] == r.table)
        & ~df["supplier_id"].isin([ALL])
        & (df["unexpected_count"] > 0)
    ]
    if rows.empty:
        return ""
    return "; by supplier: " + ", ".join(
        f"{s} {int(n)}" for s, n in zip(rows["supplier_id"], rows["unexpected_count"], strict=True)
    )


def score_table(
    results: pd.DataFrame | QualityResult,
    suppliers: Iterable[str],
    estate_tables: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Per-supplier data-quality score, failed rule counts and whether the report is stopped.

    ``estate_tables`` (supplier -> ``siamlib.completeness.estate_tables``) makes ``stopped``
    agree with the run's :func:`blocking_failures` for the integrator, whose estate-wide
    levels are stopped by any supplier's rows of those tables; without it only a supplier's
    own rows and the failures that stop everyone count.

    >>> df = results_frame([{"rule_id": "A", "supplier_id": "x", "scope": "supplier",
    ...                      "severity": "warning", "passed": False}])
    >>> print(score_table(df, ["x"]).to_string(index=False))
    supplier_id  score  blocking_failed  warnings_failed  rows_quarantined  stopped
              x    0.0                0                1                 0    False
    """
    rows, whole = [], estate_tables or {}
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
                "stopped": not blocking_failures(results, s, whole.get(s, ())).empty,
            }
        )
    cols = ["supplier_id", "score", "blocking_failed", "warnings_failed", "rows_quarantined"]
    return pd.DataFrame(rows, columns=[*cols, "stopped"])
