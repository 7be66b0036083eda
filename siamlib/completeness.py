"""Is the data complete enough to score? Required tables, absent tables, months without data.

Three questions, each a pure function over the tables the dataset holds, its data window and
the params:

* **Required tables** (:data:`REQUIRED_TABLES`): every measure family reads the ticket log, and
  every ticket has status events, so a dataset without ``tickets`` or ``ticket_events`` is
  rejected (:func:`check_required`, a :class:`siamlib.io.DatasetError`).
* **Notes** (:func:`coverage_notes`): one row per month and measure that must not be scored,
  with the reason a grey level shows. A month with no overlap with the data window, or only
  part of it inside, is never scored ("month outside the data window ...", "month only partly
  inside ..."), and a measure whose source table (the
  catalogue's ``sources``) is absent from the dataset is grey ("no outages table in the
  dataset"). :func:`blank_values` turns those measure values into NaN so nothing downstream
  (scorecards, credits, earn-back, the integrator's watermelon) can read them as a figure.
* **Empty for the period** (:func:`empty_table_blocks`): a table where "no rows" means missing
  data, not a quiet month, blocks the suppliers whose levels in force need it. That holds for
  :data:`ROWS_EXPECTED`, the ticket log: a month in the data window with no ticket or no
  status event is an extract that lost the month. Zero outages in a month is a real 100 %
  availability; zero changes, problems or improvement records is a quiet month whose
  ratios are grey (empty denominator) and whose counts are a real 0, so those never block.
* **Earlier months outside the window** (:func:`window_blocks`): a month's figures also read
  earlier months (:func:`scored_months`): the earn-back's source month, when the contract's
  levels were in force then (:func:`earn_back_window`), and a small sample's rolling window
  (:func:`rolling_window`). Such a month outside the data window would be blanked and the
  money would change with the extract's first day, so the supplier is blocked, the reason
  naming the contract, the month and the window. :func:`period_blocks` is both questions, as
  the run and ``siam validate`` ask them.
* **A missing survey return** (:func:`missing_returns`, part of :func:`empty_table_blocks`):
  survey responses come as monthly returns. A supplier scored on them (a level in force on
  :data:`RETURN_MEASURES`) whose return came for an earlier month of the data window but not
  for the period is blocked: its level would be scored on what is left (CSAT on ticket
  closure surveys alone; a probe took hosting's October return out, CSAT amber to green).

>>> import pandas as pd
>>> window = (pd.Timestamp("2026-03-10T00:00Z"), pd.Timestamp("2026-05-01T00:00Z"))
>>> notes = coverage_notes(["tickets", "ticket_events"], window, ["2026-02", "2026-03"])
>>> notes.loc[notes["measure"].eq("availability"), ["period", "note"]].values.tolist()
[['2026-02', 'month outside the data window (2026-03-10 to 2026-05-01)'], \
['2026-03', 'month only partly inside the data window (2026-03-10 to 2026-05-01)']]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from siamlib import periods as periods_mod
from siamlib.io import DatasetError
from siamlib.measures.catalogue import MEASURES

REQUIRED_TABLES = ("tickets", "ticket_events")
ROWS_EXPECTED = ("tickets", "ticket_events")
HOW_TO_BUILD = {
    "tickets": "import the ticket export with `siam import servicenow` or `siam import eventlog`",
    "ticket_events": "import the status history with `siam import servicenow` (audit export) "
    "or `siam import eventlog`",
}
NOTE_COLUMNS = ["period", "measure", "note"]
# Measures read from monthly survey returns: measure -> survey_type of the rows it reads about
# the supplier scored (satisfaction: the customers' responses the supplier returns;
# collaboration: the other parties' 360 ratings of it).
RETURN_MEASURES = {"satisfaction": "satisfaction", "collaboration_score": "collaboration"}


def check_required(present: Iterable[str], where: str = "dataset") -> None:
    """Raise :class:`~siamlib.io.DatasetError` when a required table is not in ``present``.

    >>> check_required(["tickets"], "data/x")
    Traceback (most recent call last):
    ...
    siamlib.io.DatasetError: data/x: no ticket_events table (ticket_events.parquet), which every \
measure needs; import the status history with `siam import servicenow` (audit export) or \
`siam import eventlog`
    """
    have = set(present)
    for name in REQUIRED_TABLES:
        if name not in have:
            raise DatasetError(
                f"{where}: no {name} table ({name}.parquet), which every measure needs; "
                f"{HOW_TO_BUILD[name]}"
            )


def window_text(window: tuple[pd.Timestamp, pd.Timestamp]) -> str:
    """The data window as dates, end exclusive (``2016-02-01 to 2017-03-01``)."""
    return f"{window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}"


def coverage_notes(
    present: Iterable[str],
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
    months: Sequence[str],
    tz: str = "UTC",
    empty: Iterable[str] = (),
) -> pd.DataFrame:
    """Per month and measure, why it must be grey; only rows that must be (``NOTE_COLUMNS``).

    A month outside ``window``, or only partly inside it (``None``: no window known, every
    month in), notes every measure;
    otherwise a measure with a source table not in ``present``, or in ``empty`` (a table
    present without a single row: no data, not "nothing happened"), is noted.

    >>> n = coverage_notes(["tickets", "outages"], None, ["2026-10"], empty=["outages"])
    >>> n.set_index("measure").loc["availability", "note"]
    'the outages table in the dataset has no rows'
    """
    blank = set(empty)
    have = set(present) - blank
    rows = []
    for period in months:
        outside = window is not None and not periods_mod.overlaps(period, window, tz)
        # A month the window holds only in part is not scored either: the missing days would
        # read as days without tickets or outages.
        partial = window is not None and not outside and not periods_mod.covers(window, period, tz)
        for measure in MEASURES.values():
            if outside:
                note = f"month outside the data window ({window_text(window)})"
            elif partial:
                note = f"month only partly inside the data window ({window_text(window)})"
            else:
                absent = [t for t in measure.sources if t not in have]
                if not absent:
                    continue
                if set(absent) <= blank:
                    note = f"the {' and '.join(absent)} table in the dataset has no rows"
                else:
                    missing = " or ".join(t for t in absent if t not in blank)
                    note = f"no {missing} table in the dataset"
            rows.append((period, measure.id, note))
    return pd.DataFrame(rows, columns=NOTE_COLUMNS).astype("str")


def blank_values(values: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """Measure values with ``value``, ``numerator`` and ``denominator`` NaN where noted.

    >>> values = pd.DataFrame({"supplier_id": ["euc", "euc"], "period": ["2026-03"] * 2,
    ...     "measure": ["availability", "backlog"], "scope": ["", ""], "value": [1.0, 4.0],
    ...     "numerator": [10.0, None], "denominator": [10.0, None]})
    >>> notes = pd.DataFrame({"period": ["2026-03"], "measure": ["availability"],
    ...     "note": ["no outages table in the dataset"]})
    >>> blank_values(values, notes)["value"].tolist()
    [nan, 4.0]
    """
    if notes.empty or values.empty:
        return values
    keys = pd.MultiIndex.from_frame(notes[["period", "measure"]])
    hit = pd.MultiIndex.from_frame(values[["period", "measure"]]).isin(keys)
    if not hit.any():
        return values
    out = values.copy()
    out.loc[hit, ["value", "numerator", "denominator"]] = float("nan")
    return out


def _rows_in_period(tables: dict[str, pd.DataFrame], name: str, start, end) -> int:
    """Rows of a ticket-log table that belong to the period: events in it; tickets open in it."""
    df = tables.get(name)
    if df is None or df.empty:
        return 0
    if name == "ticket_events":
        at = df["event_at"]
        return int((at.ge(start) & at.lt(end)).sum())
    opened = df["opened_at"]
    done = df["resolved_at"].fillna(df["closed_at"]) if "closed_at" in df else df["resolved_at"]
    live = opened.lt(end) & (done.isna() | done.ge(start))
    return int(live.sum())


def empty_table_blocks(
    tables: dict[str, pd.DataFrame],
    params,
    period: str,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> dict[str, str]:
    """Suppliers to block because a :data:`ROWS_EXPECTED` table has no row for ``period``.

    A supplier is blocked when a service level in force on the period's first day measures
    something computed from that table. The reason names the table, the period and the fix.
    ``window`` (the dataset's) clips the period's end, as a partial last month is allowed.

    Returns
    -------
    dict
        ``{supplier_id: reason}``; empty when every table has rows.
    """
    tz = params.estate.timezone
    start, end = periods_mod.period_bounds(period, tz)
    if window is not None:
        start, end = max(start, window[0]), min(end, window[1])
    empty = [t for t in ROWS_EXPECTED if _rows_in_period(tables, t, start, end) == 0]
    blocks = {}
    first = periods_mod.first_day(period)
    for s in params.estate.suppliers if empty else ():
        levels = params.contract(s.id).service_levels_on(first)
        needs = sorted({t for sl in levels for t in MEASURES[sl.measure].sources} & set(empty))
        if needs:
            names = " and ".join(needs)
            blocks[s.id] = (
                f"no rows in {names} for {period}: the data of the month is missing, so no "
                f"figure of {s.id} is produced; re-import an extract that covers {period}"
            )
    for sid, reason in missing_returns(tables, params, period, window).items():
        blocks[sid] = f"{blocks[sid]}; {reason}" if sid in blocks else reason
    return blocks


def earn_back_months(contract, period: str) -> list[str]:
    """The months of ``period``'s earn-back, oldest first: its source month (whose credit it
    gives back), the months between and ``period``; ``[]`` without earn-back. The one
    definition the ledger (:mod:`siamlib.credits`) and the window check share.

    >>> from siamlib.params import load_params
    >>> earn_back_months(load_params().contract("hosting"), "2026-10")[0]
    '2026-07'
    """
    eb = contract.credit_regime.earn_back
    return periods_mod.previous_periods(period, eb.periods + 1) if eb.enabled else []


def earn_back_window(contract, period: str) -> list[str]:
    """The months ``period``'s earn-back reads, oldest first, ending with ``period``: its
    source month (whose credit it gives back) and the months between (each must meet the
    level); ``[]`` without earn-back, or when no service level of the contract was in force
    on the source month's first day (no credit was charged then: none is due back).

    >>> from siamlib.params import load_params
    >>> earn_back_window(load_params().contract("hosting"), "2026-10")  # 3 periods
    ['2026-07', '2026-08', '2026-09', '2026-10']
    """
    months = earn_back_months(contract, period)
    return months if months and contract.service_levels_on(periods_mod.first_day(months[0])) else []


def rolling_window(contract, period: str) -> list[str]:
    """The months a small sample of ``period`` is scored on (``small_samples: rolling``), when
    a level in force on its first day sets a ``min_volume``; ``[]`` otherwise.

    >>> from siamlib.params import load_params
    >>> rolling_window(load_params().contract("hosting"), "2026-10")  # P1-RES: min_volume
    ['2026-08', '2026-09', '2026-10']
    """
    ss = contract.small_samples
    levels = contract.service_levels_on(periods_mod.first_day(period))
    if ss.policy != "rolling" or not any(sl.min_volume is not None for sl in levels):
        return []
    return periods_mod.previous_periods(period, ss.months)


def scored_months(params, supplier_id: str, period: str) -> list[str]:
    """Every month whose data ``supplier_id``'s figures of ``period`` read, oldest first and
    ending with ``period``: the month itself, its earn-back's months (:func:`earn_back_window`)
    and its small samples' rolling window (:func:`rolling_window`). The data window must
    cover each (:func:`window_blocks`) and the quarantine month limit is applied to each
    (:func:`siamlib.quarantine.over_month_limit`).

    >>> from siamlib.params import load_params
    >>> scored_months(load_params(), "hosting", "2026-10")
    ['2026-07', '2026-08', '2026-09', '2026-10']
    """
    contract = params.contract(supplier_id)
    months = {period, *earn_back_window(contract, period), *rolling_window(contract, period)}
    return sorted(months)


def window_blocks(
    params, period: str, window: tuple[pd.Timestamp, pd.Timestamp] | None
) -> dict[str, str]:
    """Suppliers to block because a month their figures of ``period`` read is not in the data
    window in full: the source month of an earn-back (:func:`earn_back_window`) or a month of
    a small sample's rolling window (:func:`rolling_window`).

    Such a month's values are blanked (:func:`coverage_notes`), so its credit could not be
    earned back and a rolling sum would hold fewer months than the contract says: the money
    would change with the extract's first day. ``window`` ``None`` (not known): nothing.

    >>> from siamlib.params import load_params
    >>> w = (pd.Timestamp("2026-08-01T00:00+01:00"), pd.Timestamp("2026-11-01T00:00Z"))
    >>> blocked = window_blocks(load_params(), "2026-10", w)
    >>> print(blocked["hosting"])  # doctest: +NORMALIZE_WHITESPACE
    earn-back: the hosting contract (credit_regime.earn_back, 3 periods) gives back in 2026-10
    a credit charged in 2026-07, when its service levels were in force, but the data window
    (2026-08-01 to 2026-11-01) does not cover 2026-07 in full, so whether a credit was
    charged then, and is due back now, cannot be computed; import an extract that covers
    2026-07 (or, if the contract started later, set its service levels' effective_from to
    its start)
    """
    if window is None:
        return {}
    tz = params.estate.timezone
    blocks = {}
    for s in params.estate.suppliers:
        contract = params.contract(s.id)
        reasons = []
        earn = earn_back_window(contract, period)
        if earn and not periods_mod.covers(window, earn[0], tz):
            n = contract.credit_regime.earn_back.periods
            reasons.append(
                f"earn-back: the {s.id} contract (credit_regime.earn_back, {n} period"
                f"{'s' * (n != 1)}) gives back in {period} a credit charged in {earn[0]}, when "
                f"its service levels were in force, but the data window "
                f"({window_text(window)}) does not cover {earn[0]} in full, so whether a "
                f"credit was charged then, and is due back now, cannot be computed; import an "
                f"extract that covers {earn[0]} (or, if the contract started later, set its "
                "service levels' effective_from to its start)"
            )
        rolling = rolling_window(contract, period)
        gaps = [m for m in rolling if not periods_mod.covers(window, m, tz)]
        if gaps:
            levels = contract.service_levels_on(periods_mod.first_day(period))
            ids = ", ".join(sl.id for sl in levels if sl.min_volume is not None)
            reasons.append(
                f"small samples: the {s.id} contract scores a level counting fewer records than "
                f"its min_volume ({ids}) on the {len(rolling)} months {rolling[0]}..{period} "
                f"(small_samples: rolling), but the data window ({window_text(window)}) does "
                f"not cover {', '.join(gaps)} in full, so such a level would be scored on fewer "
                f"months than the contract says; import an extract that covers "
                f"{', '.join(gaps)} (or set small_samples.policy: grey)"
            )
        if reasons:
            blocks[s.id] = "; ".join(reasons)
    return blocks


def period_blocks(
    tables: dict[str, pd.DataFrame],
    params,
    period: str,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> dict[str, str]:
    """Every supplier the data's completeness stops for ``period``, ``{supplier_id: reason}``:
    :func:`empty_table_blocks` and :func:`window_blocks` (reasons joined), in estate order.
    The run (:func:`siamlib.workbook.compute_period`) and ``siam validate``
    (:func:`siamlib.gate.check`) both ask this."""
    empty = empty_table_blocks(tables, params, period, window)
    months = window_blocks(params, period, window)
    out = {}
    for s in params.estate.suppliers:
        reasons = [r for r in (empty.get(s.id), months.get(s.id)) if r]
        if reasons:
            out[s.id] = "; ".join(reasons)
    return out


def missing_returns(
    tables: dict[str, pd.DataFrame],
    params,
    period: str,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> dict[str, str]:
    """Suppliers whose survey return for ``period`` is missing, with why.

    A return is expected for ``period`` from supplier ``s`` and survey type ``k`` when a level
    of ``s`` in force on the period's first day measures from ``k`` (:data:`RETURN_MEASURES`)
    and the surveys hold rows about ``s`` of type ``k`` for an earlier month of the data
    window (``None``: any earlier month): ``s`` returns them month by month. A supplier
    whose returns start later, or that has none (its CSAT is its closure surveys), is not
    expected to have one. Malformed or out-of-window periods are the gate's (SRV-010/017).

    Returns
    -------
    dict
        ``{supplier_id: reason}`` in estate order; empty when no expected return is missing.

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> sv = pd.DataFrame({"supplier_id": "hosting", "period": ["2026-08", "2026-09"],
    ...     "survey_type": "satisfaction"})
    >>> missing_returns({"surveys": sv}, load_params(), "2026-10")["hosting"][:58]
    'no satisfaction survey return from hosting for 2026-10, th'
    >>> missing_returns({"surveys": sv}, load_params(), "2026-09")
    {}
    """
    sv = tables.get("surveys")
    if sv is None or sv.empty:
        return {}
    tz = params.estate.timezone
    p = sv["period"].astype("str")
    earlier = p.str.match(periods_mod.PERIOD_RE.pattern) & p.lt(period)
    if window is not None:
        earlier &= p.ge(periods_mod.period_of(pd.Series([window[0]]), tz).iloc[0])
    first = periods_mod.first_day(period)
    out = {}
    for s in params.estate.suppliers:
        for sl in params.contract(s.id).service_levels_on(first):
            kind = RETURN_MEASURES.get(sl.measure)
            if kind is None or s.id in out:
                continue
            about = sv["supplier_id"].eq(s.id) & sv["survey_type"].eq(kind)
            months = sorted(p[about & earlier].unique())
            if not months or (about & p.eq(period)).any():
                continue
            span = f"{months[0]} to {months[-1]}" if len(months) > 1 else months[0]
            span = (
                f"{len(months)} earlier month{'s' * (len(months) > 1)} of the data window ({span})"
            )
            fix = "import the month's return with `siam import returns FILE --kind surveys`"
            if kind == "satisfaction":
                out[s.id] = (
                    f"no satisfaction survey return from {s.id} for {period}, though it has "
                    f"returns for {span}: {sl.id} would be scored without it; {fix}"
                )
            else:
                out[s.id] = (
                    f"no collaboration (360) ratings of {s.id} for {period}, though it was "
                    f"rated in {span}: {sl.id} would be scored without them; {fix}"
                )
    return out


def estate_tables(params, supplier_id: str, period: str) -> set[str]:
    """Tables the estate-wide levels of ``supplier_id`` read from every supplier's rows.

    The integrator is judged on the whole estate (its levels' measures read every supplier's
    tickets, events, problems...), so a blocking data failure in any supplier's rows of these
    tables stops its figures too. A tower's levels read its own rows only: empty.

    >>> from siamlib.params import load_params
    >>> p = load_params()
    >>> sorted(estate_tables(p, "integrator", "2026-10"))[:2], estate_tables(p, "euc", "2026-10")
    (['improvements', 'problems'], set())
    """
    if params.estate.supplier(supplier_id).role != "integrator":
        return set()
    levels = params.contract(supplier_id).service_levels_on(periods_mod.first_day(period))
    return {t for sl in levels for t in MEASURES[sl.measure].sources}
