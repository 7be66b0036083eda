"""What the quarantine limits count, for the data-quality runner (:mod:`siamlib.quality_runner`).

A quarantine rule blocks when its failing rows are too many to take out
(:func:`siamlib.quarantine.over_limit` over the data window,
:func:`siamlib.quarantine.over_month_limit` over a month the figures read). These helpers
count them in what the quarantine takes out: a table's own rows, except for a ticket-event
rule, whose failing event takes its whole ticket out (:func:`siamlib.quarantine.quarantine`),
so its limits count tickets (:func:`_event_units`, :func:`_tickets_all`,
:func:`_tickets_per`), over the window (:func:`window_fields`) and each month
(:func:`_month_fields`, :func:`_worst`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from siamlib import quarantine as qr


def _pct(count: int, total: int) -> float:
    return round(100.0 * count / total, 4) if total else 0.0


def _rows_per(attr: pd.Series, second: pd.Series | None) -> pd.Series:
    """Rows per supplier: each row's own, plus a second supplier's (Rule.also_counts).

    >>> _rows_per(pd.Series(["x", "x", "y"]), pd.Series(["y", None, None])).to_dict()
    {'x': 2.0, 'y': 2.0}
    """
    rows = attr.value_counts()
    return rows if second is None else rows.add(second.value_counts(), fill_value=0)


def _worst(
    period: str | None, months: Sequence[str], counts: Mapping, who: str | None = None
) -> tuple[str, int, int] | None:
    """The month a result row's month columns show, ``(month, rows, failing)``: ``period``
    unless an earlier month of ``months`` is over the month limit, then the latest such.
    ``counts``: month -> ``(rows, failing)``, or (``who`` given) month -> per-supplier
    ``(rows, failing)`` series. ``None`` when no month was checked.

    >>> _worst("2026-10", ["2026-08", "2026-09", "2026-10"],
    ...        {"2026-08": (12, 9), "2026-09": (10, 0), "2026-10": (11, 1)})
    ('2026-08', 12, 9)
    >>> _worst("2026-10", ["2026-09", "2026-10"], {"2026-09": (10, 0), "2026-10": (11, 1)})
    ('2026-10', 11, 1)
    """
    if not period or not counts:
        return None

    def of(m: str) -> tuple[str, int, int]:
        got = counts.get(m, (0, 0))
        if who is not None:
            got = (got[0].get(who, 0), got[1].get(who, 0)) if m in counts else (0, 0)
        return m, int(got[0]), int(got[1])

    found = [of(m) for m in months if m in counts]
    over = [c for c in found if bool(qr.over_month_limit(c[2], _pct(c[2], c[1])))]
    if any(c[0] == period for c in over) or not over:
        return of(period)
    return max(over)


def _month_fields(period: str | None, counted: tuple[str, int, int] | None, unit: str = "") -> dict:
    """The month columns of a result row: of ``counted`` (``(month, rows, failing)``, from
    :func:`_worst`), for the reported ``period``, counted in rows of the table ``unit``;
    ``None``: the rule's months are not checked, the columns keep their defaults.

    >>> _month_fields("2026-10", ("2026-10", 12, 9), "tickets")
    {'period': '2026-10', 'month': '2026-10', 'month_elements': 12, 'month_count': 9, \
'month_pct': 75.0, 'month_unit': 'tickets'}
    """
    if not period or counted is None:
        return {}
    month, rows, bad = counted
    return {
        "period": period,
        "month": month,
        "month_elements": rows,
        "month_count": bad,
        "month_pct": _pct(bad, rows),
        "month_unit": unit,
    }


def _event_units(ticket_id: pd.Series, tpos: np.ndarray, n_tickets: int) -> np.ndarray:
    """The ticket each event takes out when it fails, as a number: its row in ``tickets``
    (``tpos``, :func:`~siamlib.quality_cross._event_ticket_rows`); for an event of no known
    ticket, one number per ticket id after those (its events go together), and one per event
    whose id is missing (it goes alone).

    >>> _event_units(pd.Series(["A", "Z", "Z", None]), np.array([0, -1, -1, -1]), 2).tolist()
    [0, 2, 2, 3]
    """
    unit = np.asarray(tpos, dtype=np.int64).copy()
    away = np.flatnonzero(unit < 0)
    if len(away):
        codes, _ = pd.factorize(ticket_id.iloc[away])  # a missing id: -1
        codes = np.asarray(codes, dtype=np.int64)
        lone = codes < 0
        codes[lone] = codes.max(initial=-1) + 1 + np.arange(int(lone.sum()))
        unit[away] = n_tickets + codes
    return unit


def _tickets_all(
    unit: np.ndarray, n_tickets: int, tk_in: np.ndarray, x: np.ndarray, bad_pos: np.ndarray
) -> tuple[int, int]:
    """The estate's month of a ticket-event rule in tickets, ``(tickets, taken out)``: the
    month's tickets (``tk_in``) and ticket ids of its events (``x``) not in ``tickets``, and
    those with a failing event (``bad_pos``). ``unit``: :func:`_event_units`.

    >>> _tickets_all(np.array([0, 0, 1, 2]), 2, np.array([True, True]),
    ...              np.array([True, True, True, True]), np.array([0, 1, 3]))
    (3, 2)
    """
    away = x & (unit >= n_tickets)
    rows = int(tk_in.sum()) + len(np.unique(unit[away]))
    return rows, len(np.unique(unit[bad_pos[x[bad_pos]]]))


def _tickets_per(
    unit: np.ndarray,
    owner: np.ndarray,
    tk_in: np.ndarray,
    x: np.ndarray,
    attr: pd.Series,
    second: pd.Series | None,
    failing: pd.DataFrame,
) -> tuple[pd.Series, pd.Series]:
    """:func:`_tickets_all` per supplier, ``(tickets, taken out)`` series: its own tickets of
    the month (``owner``: each ticket's supplier), the month's events' tickets counted against
    it otherwise (``attr`` for those of no known ticket, ``second``: Rule.also_counts), each
    once, and those of them with a failing event of the month (``failing``: who, pos).

    >>> rows, bad = _tickets_per(np.array([0, 0, 1]), np.array(["x", "y"]),
    ...     np.array([True, True]), np.array([True, True, True]), pd.Series(["x", "x", "y"]),
    ...     None, pd.DataFrame({"who": ["x", "x"], "pos": [0, 1]}))
    >>> rows.to_dict(), bad.to_dict()
    ({'x': 1, 'y': 1}, {'x': 1})
    """
    pairs = [pd.DataFrame({"who": owner[tk_in], "unit": np.flatnonzero(tk_in)})]
    away = x & (unit >= len(owner))
    also = x & (second.notna().to_numpy() if second is not None else False)
    if away.any():
        pairs.append(pd.DataFrame({"who": attr.to_numpy()[away], "unit": unit[away]}))
    if also.any():
        pairs.append(
            pd.DataFrame({"who": second[also].astype("str").to_numpy(), "unit": unit[also]})
        )
    rows = pd.concat(pairs, ignore_index=True).drop_duplicates() if len(pairs) > 1 else pairs[0]
    pos = failing["pos"].to_numpy()
    hit = pd.DataFrame({"who": failing["who"].to_numpy()[x[pos]], "unit": unit[pos[x[pos]]]})
    return rows["who"].value_counts(), hit.drop_duplicates()["who"].value_counts()


def window_fields(rows: int, bad: int, unit: str) -> dict:
    """The window columns of a result row: ``rows`` of the data window that the rule's
    quarantine limit counts (tickets for a ticket-event rule, its own rows otherwise), how
    many of them fail (``bad``) and their share, in rows of the table ``unit``.

    >>> window_fields(200, 12, "tickets")
    {'window_elements': 200, 'window_count': 12, 'window_pct': 6.0, 'window_unit': 'tickets'}
    """
    return {
        "window_elements": int(rows),
        "window_count": int(bad),
        "window_pct": _pct(bad, rows),
        "window_unit": unit,
    }


def window_tickets(
    unit: np.ndarray,
    owner: np.ndarray,
    attr: pd.Series,
    second: pd.Series | None,
    failing: pd.DataFrame,
    cache: dict | None = None,
) -> tuple[tuple[int, int], pd.Series, pd.Series]:
    """A ticket-event rule over the whole data window, in tickets: the estate's
    ``(tickets, taken out)`` and, per supplier, its tickets and those taken out (as
    :func:`_tickets_all` and :func:`_tickets_per` count a month, with every ticket and event
    in it). ``failing``: who, pos of each failing event (a second supplier's rows too).
    ``cache`` (a dict kept for one run) holds the tickets per supplier of rules without a
    second supplier, which are the same for every such rule.

    >>> estate, rows, bad = window_tickets(np.array([0, 0, 1, 2]), np.array(["x", "y"]),
    ...     pd.Series(["x", "x", "y", "y"]), None,
    ...     pd.DataFrame({"who": ["x", "x", "y"], "pos": [0, 1, 3]}))
    >>> estate, dict(sorted(rows.items())), dict(sorted(bad.items()))
    ((3, 2), {'x': 1, 'y': 2}, {'x': 1, 'y': 1})
    """
    keep = cache is not None and second is None
    if keep and "rows" in cache:
        rows, total = cache["rows"], cache["total"]
    else:
        tk_in = np.ones(len(owner), dtype=bool)
        x = np.ones(len(unit), dtype=bool)
        none = failing.iloc[:0]
        total = _tickets_all(unit, len(owner), tk_in, x, none["pos"].to_numpy(dtype=np.int64))[0]
        rows = _tickets_per(unit, owner, tk_in, x, attr, second, none)[0]
        if keep:
            cache.update(rows=rows, total=total)
    pos = failing["pos"].to_numpy(dtype=np.int64)
    hit = pd.DataFrame({"who": failing["who"].to_numpy(), "unit": unit[pos]})
    bad = hit.drop_duplicates()["who"].value_counts()
    return (total, len(np.unique(unit[pos]))), rows, bad
