"""Outcomes of the money rule and the checks that decide them.

A case ends in exactly one of ``rejected``, ``blocked``, ``quarantined`` or ``unchanged``;
anything else is ``FAILED`` with a one-line reason. The checks only read what the workbook
returned (an exception, a figures frame, a ``Work``); they never stand in for it.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

REJECTED, BLOCKED, QUARANTINED, UNCHANGED, FAILED = (
    "rejected",
    "blocked",
    "quarantined",
    "unchanged",
    "FAILED",
)
OUTCOMES = (REJECTED, BLOCKED, QUARANTINED, UNCHANGED, FAILED)
# Not an outcome: a case whose input loaded and needs a full compute, left out of this run's
# seeded sample (the count is printed; SIAM_CORPUS_COMPUTES=all runs them all).
NOT_SAMPLED = "not sampled"


@dataclass
class Case:
    """One mutation: ``apply`` builds the bad input; ``names`` are what an error must name."""

    id: str
    family: str
    apply: Callable
    names: tuple[str, ...] = ()
    touched: frozenset[str] | None = None  # suppliers whose rows changed (None: all)
    extra: dict = field(default_factory=dict)


@dataclass
class Verdict:
    case_id: str
    family: str
    outcome: str
    detail: str = ""
    seconds: float = 0.0
    computed: bool = False  # went through a whole compute of the period


def first_line(text: str) -> str:
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else ""


def judge_error(exc: BaseException, names: Iterable[str]) -> tuple[str, str]:
    """``rejected`` for a one-line ValueError naming one of ``names``; else ``FAILED``."""
    msg = str(exc)
    where = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    head = f"{type(exc).__name__}: {first_line(msg)[:160]}"
    if not isinstance(exc, ValueError):
        return FAILED, f"unexpected exception {head} ({where[-1][:80] if where else ''})"
    lines = [ln for ln in msg.splitlines() if ln.strip()]
    if len(lines) != 1:
        return FAILED, f"{len(lines)}-line error: {head}"
    names = [n for n in names if n]
    if names and not any(n in msg for n in names):
        return FAILED, f"error names none of {', '.join(names)}: {head}"
    return REJECTED, head


def quarantined_rows(*holders) -> int:
    """Rows the gate quarantined, from a ``quarantined`` attribute on any holder (0: none).

    The attribute may be a frame (one row per quarantined row), a mapping of counts or a
    number; whichever the gate grows, a non-zero count is recognised.
    """
    for h in holders:
        q = getattr(h, "quarantined", None)
        if q is None:
            continue
        if isinstance(q, pd.DataFrame):
            if "count" in q.columns and "ticket_id" not in q.columns:
                n = int(pd.to_numeric(q["count"], errors="coerce").fillna(0).sum())
            else:
                n = len(q)
        elif isinstance(q, dict):
            n = sum(int(v) if isinstance(v, int | float) else len(v) for v in q.values())
        elif isinstance(q, int | float):
            n = int(q)
        else:
            n = len(q)
        if n:
            return n
    return 0


def frame_diff(a: pd.DataFrame, b: pd.DataFrame) -> str:
    """'' when equal (same rows, values, order and dtypes), else a short description."""
    if list(a.columns) != list(b.columns):
        return "columns differ"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)} in the baseline"
    if len(a) == 0:
        return ""
    try:
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True
        )
    except AssertionError as exc:
        return "values differ: " + first_line(str(exc))[:120]
    return ""


def greyed_by_missing_data(frame: pd.DataFrame, baseline: pd.DataFrame) -> list[str]:
    """The levels a case greyed for missing data, when that explains every difference.

    Issue 13: a measure whose source table is absent (or has no rows at all) is grey with the
    reason, never scored. Such a case is accepted when every changed row is a level now grey
    whose explanation names the table, or a credit line of such a level that is gone, and
    every other row equals the baseline. Returns the greyed levels, or [] when anything else
    changed.
    """
    key = ["supplier_id", "service_level"]
    new_lv = frame[frame["kind"] == "level"].set_index(key)
    old_lv = baseline[baseline["kind"] == "level"].set_index(key)
    if set(new_lv.index) != set(old_lv.index):
        return []
    changed = [
        k
        for k in old_lv.index
        if not new_lv.loc[[k]].reset_index(drop=True).equals(old_lv.loc[[k]].reset_index(drop=True))
    ]
    for k in changed:
        row = new_lv.loc[k]
        note = str(row.get("explanation") or "")
        if row["rag"] != "grey" or "table in the dataset" not in note:
            return []
    greyed = set(changed)
    # Without outage data no credit can be waived as caused by an outage: such a credit line
    # says so ("not checked against outages: no outages data") and may differ from the
    # baseline's waived line.
    said = frame["explanation"].astype(str).str.contains("no outages data", regex=False)
    unproven = set(frame.loc[said & (frame["kind"] == "credit")].set_index(key).index)
    skip = greyed | unproven
    rest_new = frame[~frame.set_index(key).index.isin(skip)]
    rest_old = baseline[~baseline.set_index(key).index.isin(skip)]
    if frame_diff(rest_new, rest_old):
        return []
    still = frame[(frame["kind"] == "credit") & frame.set_index(key).index.isin(greyed)]
    if len(still[still["amount"].fillna(0) != 0]):
        return []
    return [f"{s} {lv}" for s, lv in sorted(greyed)]


def judge_figures(
    frame: pd.DataFrame,
    baseline: pd.DataFrame,
    touched: frozenset[str] | None,
    quarantined: int,
    summary: str,
) -> tuple[str, str]:
    """Classify a computed figures frame against the clean baseline.

    ``headline`` rows (scores, RAG counts, net credits, the board's totals) are worked out
    from the level and credit rows, so those are compared; the headlines move with them (a
    blocked supplier leaves the board's totals, a grey level the score's weights).
    """
    frame = frame[frame["kind"] != "headline"]
    baseline = baseline[baseline["kind"] != "headline"]
    blocked = set(frame.loc[frame["kind"] == "blocked", "supplier_id"])
    if blocked:
        want = set(baseline["supplier_id"]) if touched is None else set(touched)
        missing = sorted(want - blocked)
        if missing:
            return FAILED, f"blocked {sorted(blocked)} but not touched {missing}"
        rest = frame[~frame["supplier_id"].isin(blocked)]
        base_rest = baseline[~baseline["supplier_id"].isin(blocked)]
        diff = frame_diff(rest, base_rest)
        if diff and quarantined and "quarantined" in summary:
            # The gate blocked the touched suppliers and took rows out of every measure,
            # saying so: estate-wide figures may rest on fewer rows (rule outcome 3).
            return BLOCKED, (
                f"blocked {', '.join(sorted(blocked))}; others rest on {quarantined} "
                "fewer rows (quarantined, said)"
            )
        if diff:
            return FAILED, f"blocked {sorted(blocked)}, others changed: {diff}"
        return BLOCKED, f"blocked {', '.join(sorted(blocked))}"
    if quarantined:
        if "quarantined" not in summary:
            return FAILED, f"{quarantined} rows quarantined but the summary never says so"
        return QUARANTINED, f"{quarantined} rows quarantined"
    diff = frame_diff(frame, baseline)
    if diff:
        greyed = greyed_by_missing_data(frame, baseline)
        if greyed:
            return BLOCKED, f"levels grey for missing data, with the reason: {', '.join(greyed)}"
        return FAILED, f"figures changed without block or quarantine: {diff}"
    return UNCHANGED, "figures equal the baseline"


def timed(case: Case, fn: Callable[[], tuple[str, str]]) -> Verdict:
    """Run ``fn`` for ``case``; any escaping exception is a FAILED verdict, never a crash."""
    t = time.perf_counter()
    try:
        outcome, detail = fn()
    except Exception as exc:  # the harness itself must survive every case
        outcome, detail = FAILED, f"harness: {type(exc).__name__}: {first_line(str(exc))[:160]}"
    return Verdict(case.id, case.family, outcome, detail, time.perf_counter() - t)


def summary_table(verdicts: list[Verdict]) -> str:
    """Outcome counts per family, then the FAILED ids grouped by family."""
    fams = sorted({v.family for v in verdicts})
    cols = [*OUTCOMES, NOT_SAMPLED]
    counts = Counter((v.family, v.outcome) for v in verdicts)
    width = max([len("family"), len("total"), *map(len, fams)])
    head = f"{'family':<{width}} " + " ".join(f"{c:>11}" for c in cols) + f" {'cases':>6}"
    lines = [head, "-" * len(head)]
    for f in [*fams, "total"]:
        row = [sum(counts[(g, c)] for g in fams) if f == "total" else counts[(f, c)] for c in cols]
        lines.append(f"{f:<{width}} " + " ".join(f"{n:>11}" for n in row) + f" {sum(row):>6}")
    for label, pick in (("load-level", False), ("whole compute", True)):
        secs = [v.seconds for v in verdicts if v.outcome != NOT_SAMPLED and v.computed == pick]
        if secs:
            lines.append(
                f"{label}: {len(secs)} cases, {sum(secs):.1f} s, "
                f"mean {sum(secs) / len(secs):.2f} s, max {max(secs):.2f} s"
            )
    for f in fams:
        failed = [v for v in verdicts if v.family == f and v.outcome == FAILED]
        if failed:
            lines.append(f"\nFAILED {f} ({len(failed)}):")
            lines += [f"  {v.case_id}: {v.detail}" for v in failed]
    for f in fams:
        left = [v.case_id for v in verdicts if v.family == f and v.outcome == NOT_SAMPLED]
        if left:
            lines.append(f"\nnot sampled {f} ({len(left)}; SIAM_CORPUS_COMPUTES=all runs them):")
            lines.append("  " + ", ".join(left))
    return "\n".join(lines)
