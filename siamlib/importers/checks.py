"""File-level checks of an event log: problems that make a whole import wrong, not one row.

A bad row is rejected with a reason; some problems cannot be left to row rejects because the
rows that *pass* are wrong too, or because nothing would be left. Each raises
:class:`ImporterError` naming the file, the column, the problem and a sample value:

- :func:`check_timestamps`: no value of the timestamp column parses; values that do not parse
  in the mapping's day/month order but do in the swapped one (a month-first export read with a
  day-first format); dates whose event order says they are month-first although every value
  reads either way (:func:`date_order_evidence`);
- :func:`check_source_dates`: a value of ``opened_at`` / ``resolved_at`` that does not parse
  (those columns must not silently fall back to the events);
- :func:`explain_nothing_used`: every row was rejected (the main reasons, counts and samples).

:func:`reject_whole_cases` applies the rule that a case with a rejected row is rejected whole.

Examples
--------
>>> swap_day_month("%d/%m/%Y %H:%M")
'%m/%d/%Y %H:%M'
>>> swap_day_month("ISO8601") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from siamlib.importers.result import ImporterError

# Event-order test of the day/month order (docs/importing.md, "Day and month order"). Updates
# of a case, in update-counter order, should not go back in time. Counted over consecutive
# updates of a case whose values read either way: the dates look swapped when, read as
# declared, more than ORDER_MIN_SHARE of those steps go back in time, at least
# ORDER_MIN_BACKWARD of them, and more than ORDER_RATIO times as many as read swapped.
# On the public ServiceNow log (41,780 such steps) the day-first reading puts 0 steps back and
# the month-first reading 785 (1.9%); the same rows written month-first give the reverse.
ORDER_MIN_SHARE = 0.01
ORDER_MIN_BACKWARD = 5
ORDER_RATIO = 2.0
# Span test, for short exports where no update crosses a month end (then both readings keep
# the order): read as declared, the values that read either way span more than SPAN_RATIO
# times as long as read swapped, and more than SPAN_MIN_DAYS (March 1-12 written month-first
# and read day-first spreads over 3 January .. 3 December).
SPAN_RATIO = 3.0
SPAN_MIN_DAYS = 31
# Reasons that only follow from another row's reason: left out of "main reasons".
CASE_REJECTED = "case rejected: another row of this case was rejected"
# The mapping key to look at, per reject reason (messages for a file with no usable row).
MAPPING_HINTS = {
    "bad timestamp": "timestamps.format",
    "unknown status": "status_map",
    "unmapped group": "supplier_rules",
    "ticket never assigned to a group": "unassigned_supplier",
    "no priority": "priority_map or default_priority",
    "no service": "service_map or default_service",
}


def swap_day_month(fmt: str) -> str | None:
    """``fmt`` with ``%d`` and ``%m`` exchanged; None when it lacks either (ISO 8601 is Y-M-D).

    >>> swap_day_month("%m.%d.%y")
    '%d.%m.%y'
    """
    if "%d" not in fmt or "%m" not in fmt:
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def order_name(fmt: str) -> str:
    """``'day first'`` or ``'month first'``, from where ``%d`` and ``%m`` sit in ``fmt``.

    >>> order_name("%m/%d/%Y")
    'month first'
    """
    return "day first" if fmt.index("%d") < fmt.index("%m") else "month first"


def parse_exact(values: pd.Series, fmt: str) -> pd.Series:
    """Naive datetimes of ``values`` read with exactly ``fmt`` (NaT where they do not parse).

    No ISO fallback and no time zone: only the order of the fields matters here.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="str").str.strip()
    parsed = pd.to_datetime(text, format=fmt, errors="coerce").to_numpy(dtype="datetime64[ns]")
    out = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(out, index=values.index, dtype="datetime64[ns]")


def _sample(values: pd.Series, mask: pd.Series, rows: pd.Series) -> str:
    """``'<first value>' (row N)`` for the first row where ``mask`` holds."""
    i = mask.to_numpy().argmax()
    v = values.iloc[i]
    shown = "an empty cell" if pd.isna(v) or not str(v).strip() else repr(v)
    return f"{shown} (row {int(rows.iloc[i])})"


def check_timestamps(
    values: pd.Series,
    utc: pd.Series,
    fmt: str,
    *,
    case: pd.Series,
    seq: pd.Series | None,
    rows: pd.Series,
    where: str,
    column: str,
    check_order: bool = True,
) -> None:
    """Raise :class:`ImporterError` when the timestamp column cannot be read as the mapping says.

    Parameters
    ----------
    values : Series
        The column's text (missing as NA).
    utc : Series
        The values parsed by :func:`siamlib.importers.timestamps.parse_timestamps`.
    fmt : str
        The mapping's ``timestamps.format``.
    case, seq : Series
        Case id and update counter (``None`` without a ``sequence`` column) of each row.
    rows : Series
        Spreadsheet row number of each row, for the sample in the message.
    where, column : str
        File and column names for the message.
    check_order : bool
        ``timestamps.check_date_order``: test the day/month order (the default).
    """
    present = values.notna()
    if present.any() and utc[present].isna().all():
        raise ImporterError(
            f"{where}: column {column!r}: no value parses as timestamps.format {fmt!r}, "
            f"e.g. {_sample(values, present, rows)}; set timestamps.format in the mapping to "
            "the export's format"
        )
    swapped = swap_day_month(fmt)
    if swapped is None or not check_order:
        return
    declared, other = parse_exact(values, fmt), parse_exact(values, swapped)
    _refuse_swapped_values(values, utc, other, fmt, swapped, rows, where, column)
    evidence = date_order_evidence(declared, other, case, seq)
    if evidence is not None:
        raise ImporterError(
            f"{where}: column {column!r}: the dates look {order_name(swapped)}: {evidence}; "
            f"e.g. {_sample(values, declared.notna() & other.notna(), rows)}. Set "
            f"timestamps.format: {swapped!r} in the mapping, or, if the dates are "
            f"{order_name(fmt)} indeed, timestamps.check_date_order: false"
        )


def _refuse_swapped_values(values, utc, other, fmt, swapped, rows, where, column) -> None:
    """Values bad as declared that parse with day and month swapped: the file's order."""
    flipped = values.notna() & utc.isna() & other.notna()
    if flipped.any():
        raise ImporterError(
            f"{where}: column {column!r}: {int(flipped.sum())} value(s) do not parse as "
            f"{fmt!r} ({order_name(fmt)}) but do as {swapped!r} ({order_name(swapped)}), e.g. "
            f"{_sample(values, flipped, rows)}: the dates look {order_name(swapped)}. Set "
            f"timestamps.format: {swapped!r} in the mapping; if those are typing errors in a "
            f"{order_name(fmt)} file, correct them (timestamps.check_date_order: false "
            "rejects such rows instead)"
        )


@dataclass
class OrderCount:
    """Consecutive updates of a case compared, and how many went back in time."""

    steps: int
    backward: int


def backward_steps(case: pd.Series, seq: pd.Series, at: pd.Series) -> OrderCount:
    """Count updates earlier than the update before them, cases in update-counter order.

    >>> c = pd.Series(["A", "A", "A", "B"])
    >>> at = pd.Series(pd.to_datetime(["2016-01-02", "2016-01-01", "2016-01-03", "2016-01-01"]))
    >>> backward_steps(c, pd.Series([0, 1, 2, 0]), at)
    OrderCount(steps=2, backward=1)
    """
    k = pd.DataFrame({"case": case, "seq": seq, "pos": np.arange(len(case)), "at": at})
    k = k.sort_values(["case", "seq", "pos"], kind="stable")
    same = k["case"].eq(k["case"].shift())
    back = same & (k["at"] < k["at"].shift())
    return OrderCount(steps=int(same.sum()), backward=int(back.sum()))


def date_order_evidence(
    declared: pd.Series, swapped: pd.Series, case: pd.Series, seq: pd.Series | None
) -> str | None:
    """Why the dates look swapped, or None: the event-order and span tests (module constants).

    Only rows whose value reads both ways (day of month up to 12) are compared.
    """
    both = declared.notna() & swapped.notna() & case.notna()
    if both.sum() < 2:
        return None
    if seq is not None:
        a = backward_steps(case[both], seq[both], declared[both])
        b = backward_steps(case[both], seq[both], swapped[both])
        if (
            a.backward >= ORDER_MIN_BACKWARD
            and a.backward > ORDER_MIN_SHARE * a.steps
            and a.backward > ORDER_RATIO * b.backward
        ):
            return (
                f"read as declared, {a.backward} of {a.steps} consecutive updates of a case "
                f"go back in time, read swapped {b.backward}"
            )
    span_a = (declared[both].max() - declared[both].min()) / pd.Timedelta(days=1)
    span_b = (swapped[both].max() - swapped[both].min()) / pd.Timedelta(days=1)
    if span_a > SPAN_MIN_DAYS and span_a > SPAN_RATIO * span_b:
        return (
            f"read as declared, the dates span {span_a:.0f} days, read swapped {span_b:.0f} "
            "days (every value reads either way)"
        )
    return None


def check_source_dates(
    values: pd.Series, bad: pd.Series, fmt: str, *, rows: pd.Series, where: str, column: str
) -> None:
    """Raise when a value of an ``opened_at`` / ``resolved_at`` column does not parse.

    Those columns feed ``tickets.opened_at`` and ``resolved_at``; an unreadable value would
    silently fall back to the events, so the import stops instead.
    """
    if not bad.any():
        return
    swapped = swap_day_month(fmt)
    hint = ""
    if swapped is not None and parse_exact(values[bad], swapped).notna().any():
        hint = f" (they parse as {swapped!r}: the dates look {order_name(swapped)})"
    raise ImporterError(
        f"{where}: column {column!r}: {int(bad.sum())} value(s) do not parse as "
        f"timestamps.format {fmt!r}, e.g. {_sample(values, bad, rows)}{hint}; set "
        "timestamps.format in the mapping, or correct the values"
    )


def reject_whole_cases(reason: pd.Series, case: pd.Series) -> pd.Series:
    """Reject every row of a case one of whose rows is rejected.

    The rows left would build a different ticket (closed ones open, first responses moved),
    so none is kept. The reason names the first rejected row's reason (file order).

    >>> r = pd.Series(["bad timestamp", None, None], dtype="str")
    >>> reject_whole_cases(r, pd.Series(["A", "A", "B"], dtype="str")).tolist()[1]
    'case rejected: another row of this case was rejected (bad timestamp)'
    """
    hit = reason.notna() & case.notna()
    first = reason[hit].groupby(case[hit], sort=False).first()
    inherit = reason.isna() & case.isin(first.index)
    why = f"{CASE_REJECTED} (" + case[inherit].map(first) + ")"
    return reason.mask(inherit, why)


def explain_nothing_used(
    reason: pd.Series, columns: dict[str, str], values: dict[str, pd.Series], rows: pd.Series,
    *, where: str, fmt: str, top: int = 3,
) -> str:  # fmt: skip
    """Message for a file in which every row was rejected: the main reasons, counts, samples.

    ``columns`` maps a reason to the source column it is about (``values`` holds that
    column's text); reasons only inherited from another row of the case are left out.
    """
    own = reason[~reason.str.startswith(CASE_REJECTED)]
    parts = []
    for why, n in own.value_counts().head(top).items():
        col = columns.get(why)
        text = f"{n} {why}"
        if col is not None:
            text += f" (column {col!r}, e.g. {_sample(values[col], reason.eq(why), rows)}"
            text += f", expected {fmt!r})" if why == "bad timestamp" else ")"
        if why in MAPPING_HINTS:
            text += f" [mapping: {MAPPING_HINTS[why]}]"
        parts.append(text)
    more = own.nunique() - len(parts)
    tail = f"; and {more} other reason(s)" if more > 0 else ""
    return (
        f"{where}: no row can be used: all {len(reason)} rows were rejected: "
        f"{'; '.join(parts)}{tail} (mapping keys: docs/importing.md)"
    )
