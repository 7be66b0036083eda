"""Proactive problem management: incident trends, the response to them, repeat incidents.

The integrator is expected to spot incidents trending up on a service, category or
configuration item and to get a problem record raised before the trend becomes an outage.

Trend rule (:func:`detect_trends`)
----------------------------------
Incidents are counted per key (``service``, ``category`` or ``ci``) and per week (Monday to
Sunday in the reporting time zone; weeks without incidents count 0, over the whole span of
the data). For each week the *baseline* is the mean count of the previous 8 weeks (all 8 must
exist: nothing can flag in the first 8 weeks of data). Treating counts as Poisson, whose
standard deviation is the square root of the mean, a week *exceeds* when

    count > baseline + 3 * sqrt(baseline)   and   count >= 5

(the minimum stops a key going from 0 to 1 incident counting as a trend). A *trend* is a run of
at least 2 consecutive exceeding weeks; it starts on the first week of the run, is *detected*
on its 2nd week and ends on the last exceeding week. A rolling baseline catches up with a
sustained rise, so the weeks stop exceeding while incidents stay high; when a new run starts
on the same key while the previous run's weeks are still inside its baseline (at most 8 weeks
after the previous run's last week), it is the same trend going on and the runs are merged.
All of these numbers are arguments.

The rule looks for a step up against the recent past; a slow ramp spread over a whole service
may never exceed 3 sigma week on week, which is why trends are looked for per service,
category and configuration item: a rise concentrated on one CI shows there first.

Examples
--------
>>> weekly = [2] * 8 + [7, 8, 3]
>>> t = _example_incidents("vpn", weekly)
>>> detect_trends(t)[["key", "start_week", "weeks", "peak_count"]]
   key                start_week  weeks  peak_count
0  vpn 2026-03-02 00:00:00+00:00      2           8
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from siamlib.common import ratio
from siamlib.periods import period_bounds

TREND_COLUMNS = [
    "by",
    "key",
    "start_week",
    "detected_week",
    "end_week",
    "weeks",
    "peak_week",
    "peak_count",
    "baseline_mean",
    "threshold",
]
_UTC = "datetime64[us, UTC]"


def _example_incidents(key: str, weekly: Sequence[int], first_monday: str = "2026-01-05"):
    """Incidents for doctests: ``weekly[i]`` incidents on ``key`` in week ``i`` (Tuesdays)."""
    start = pd.Timestamp(first_monday, tz="UTC") + pd.Timedelta(days=1, hours=10)
    opened = [start + pd.Timedelta(weeks=i) for i, n in enumerate(weekly) for _ in range(n)]
    n = len(opened)
    return pd.DataFrame(
        {
            "ticket_id": [f"{key}-{i}" for i in range(n)],
            "ticket_type": "incident",
            "service": key,
            "category": "fault",
            "ci": key + "-ci",
            "opened_at": pd.to_datetime(opened, utc=True).astype(_UTC),
            "problem_id": pd.Series([None] * n, dtype="str"),
        }
    )


def _ratio(numerator: float, denominator: float) -> pd.Series:
    value = ratio(numerator, denominator)
    return pd.Series(
        {"value": value, "numerator": float(numerator), "denominator": float(denominator)}
    )


def _opened_in(ts: pd.Series, period: str, tz: str) -> pd.Series:
    start, end = period_bounds(period, tz)
    return ((ts >= start) & (ts < end)).fillna(False).astype(bool)


# ---------------------------------------------------------------------------------- trends --
def trend_series(
    tickets: pd.DataFrame,
    by: str = "service",
    *,
    baseline_weeks: int = 8,
    sigmas: float = 3.0,
    min_count: int = 5,
    tz: str = "UTC",
    ticket_type: str = "incident",
) -> pd.DataFrame:
    """Weekly incident counts per key with their baseline and threshold (for a chart).

    See the module docstring for the rule.

    Returns
    -------
    DataFrame
        ``key``, ``week_start`` (UTC instant of local Monday 00:00), ``count``,
        ``baseline_mean`` (NaN until ``baseline_weeks`` weeks exist), ``threshold``,
        ``exceeds``; every key has every week from the first to the last week of the data.

    Examples
    --------
    >>> s = trend_series(_example_incidents("vpn", [2] * 8 + [7]))
    >>> w9 = s.iloc[8]  # 7 > 2 + 3 * sqrt(2) = 6.24
    >>> w9[["count", "baseline_mean", "threshold", "exceeds"]].astype(float).round(2).tolist()
    [7.0, 2.0, 6.24, 1.0]
    """
    inc = tickets[(tickets["ticket_type"] == ticket_type) & tickets[by].notna()]
    cols = ["key", "week_start", "count", "baseline_mean", "threshold", "exceeds"]
    if inc.empty:
        return pd.DataFrame(
            {
                "key": pd.Series([], dtype="str"),
                "week_start": pd.Series([], dtype=_UTC),
                "count": pd.Series([], dtype="int64"),
                "baseline_mean": pd.Series([], dtype="float64"),
                "threshold": pd.Series([], dtype="float64"),
                "exceeds": pd.Series([], dtype="bool"),
            }
        )[cols]
    local = inc["opened_at"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()
    week = local - pd.to_timedelta(local.dt.day_of_week, unit="D")
    weeks = pd.date_range(week.min(), week.max(), freq="7D")
    wide = pd.crosstab(week, inc[by]).reindex(weeks, fill_value=0)
    baseline = wide.rolling(baseline_weeks, min_periods=baseline_weeks).mean().shift(1)
    threshold = baseline + sigmas * np.sqrt(baseline)
    exceeds = (wide > threshold) & (wide >= min_count)
    local_weeks = weeks.tz_localize(
        tz, ambiguous=np.zeros(len(weeks), dtype=bool), nonexistent="shift_forward"
    )
    n_keys, n_weeks = wide.shape[1], wide.shape[0]
    out = pd.DataFrame(
        {
            # Key-major order: the transposed values run through each key's weeks in turn.
            "key": np.repeat(wide.columns.to_numpy(), n_weeks),
            "week_start": np.tile(local_weeks.tz_convert("UTC"), n_keys),
            "count": wide.to_numpy().T.ravel(),
            "baseline_mean": baseline.to_numpy().T.ravel(),
            "threshold": threshold.to_numpy().T.ravel(),
            "exceeds": exceeds.to_numpy().T.ravel(),
        }
    )
    return out.astype(
        {"key": "str", "week_start": _UTC, "count": "int64", "exceeds": "bool"}
    ).sort_values(["key", "week_start"], ignore_index=True)


def detect_trends(
    tickets: pd.DataFrame,
    by: str = "service",
    *,
    baseline_weeks: int = 8,
    sigmas: float = 3.0,
    min_count: int = 5,
    consecutive: int = 2,
    merge_within_weeks: int | None = None,
    tz: str = "UTC",
    ticket_type: str = "incident",
) -> pd.DataFrame:
    """Incident trend episodes per key, by the Poisson rule of the module docstring.

    Parameters
    ----------
    tickets : DataFrame
        ``tickets`` (only ``ticket_type`` rows count; rows with a missing key are ignored).
    by : {"service", "category", "ci"}
        Column the incidents are grouped by.
    baseline_weeks, sigmas, min_count, consecutive : int or float
        Weeks in the baseline (8), width in Poisson standard deviations (3), minimum weekly
        count (5) and consecutive exceeding weeks (2) that make a trend.
    merge_within_weeks : int, optional
        Runs of one key starting at most this many weeks after the previous run's last week
        are merged into one trend (default ``baseline_weeks``; 0 merges nothing).
    tz : str
        Time zone whose Mondays start the weeks.

    Returns
    -------
    DataFrame
        One row per trend: ``by``, ``key``, ``start_week``, ``detected_week`` (the week the
        first run reached ``consecutive`` weeks), ``end_week``, ``weeks`` (exceeding weeks),
        ``peak_week``, ``peak_count``, ``baseline_mean`` and ``threshold`` of the start week.
        Week columns are UTC instants of the local Monday 00:00.

    Examples
    --------
    Baseline 2 a week: 2 + 3 * sqrt(2) = 6.24, so week 9 (7 incidents) exceeds; week 10's
    baseline is (7 * 2 + 7) / 8 = 2.625, threshold 2.625 + 3 * 1.62 = 7.49 < 8: a trend.

    >>> tr = detect_trends(_example_incidents("vpn", [2] * 8 + [7, 8, 3]))
    >>> tr[["start_week", "detected_week", "peak_count"]].astype(str).iloc[0].tolist()
    ['2026-03-02 00:00:00+00:00', '2026-03-09 00:00:00+00:00', '8']
    """
    s = trend_series(
        tickets,
        by,
        baseline_weeks=baseline_weeks,
        sigmas=sigmas,
        min_count=min_count,
        tz=tz,
        ticket_type=ticket_type,
    )
    ex = s["exceeds"]
    s["run"] = (~ex).groupby(s["key"]).cumsum()
    hits = s[ex].copy()
    hits["nth"] = hits.groupby(["key", "run"]).cumcount()
    g = hits.groupby(["key", "run"])
    episodes = g.agg(
        start_week=("week_start", "first"),
        end_week=("week_start", "last"),
        weeks=("week_start", "size"),
        peak_count=("count", "max"),
        baseline_mean=("baseline_mean", "first"),
        threshold=("threshold", "first"),
    )
    # First week reaching the peak count, and the week the run became long enough.
    peak_rows = hits.sort_values(["key", "run", "count", "week_start"], ascending=[1, 1, 0, 1])
    episodes["peak_week"] = peak_rows.groupby(["key", "run"])["week_start"].first()
    detected = hits[hits["nth"] == consecutive - 1].set_index(["key", "run"])["week_start"]
    episodes["detected_week"] = detected
    runs = episodes[episodes["weeks"] >= consecutive].reset_index()
    # A run starting while an earlier run of the same key is still inside its baseline window
    # is the same trend going on (it paused only because the baseline caught up): merge them.
    gap = merge_within_weeks if merge_within_weeks is not None else baseline_weeks
    prev_end = runs.groupby("key")["end_week"].shift()
    new_trend = prev_end.isna() | (runs["start_week"] - prev_end > pd.Timedelta(weeks=gap))
    runs["trend"] = new_trend.cumsum()
    by_peak = runs.sort_values(["trend", "peak_count", "start_week"], ascending=[1, 0, 1])
    episodes = runs.groupby("trend").agg(
        key=("key", "first"),
        start_week=("start_week", "first"),
        detected_week=("detected_week", "first"),
        end_week=("end_week", "last"),
        weeks=("weeks", "sum"),
        peak_count=("peak_count", "max"),
        baseline_mean=("baseline_mean", "first"),
        threshold=("threshold", "first"),
    )
    episodes["peak_week"] = by_peak.groupby("trend")["peak_week"].first()
    episodes.insert(0, "by", by)
    out = episodes.reindex(columns=TREND_COLUMNS)
    return out.astype(
        {
            "by": "str",
            "key": "str",
            "start_week": _UTC,
            "detected_week": _UTC,
            "end_week": _UTC,
            "weeks": "int64",
            "peak_week": _UTC,
            "peak_count": "int64",
            "baseline_mean": "float64",
            "threshold": "float64",
        }
    ).reset_index(drop=True)


def trend_response(
    trends: pd.DataFrame, problems: pd.DataFrame, *, lookback_days: float = 14
) -> pd.DataFrame:
    """For each trend, the first problem raised on the same key, and how long it took.

    The problem answering a trend is the earliest problem whose ``problems.<by>`` equals the
    trend's key and that was opened on or after ``start_week - lookback_days`` (a problem
    raised shortly before the trend was already working on it). ``lag_days`` is the time from
    ``start_week`` to the problem's ``opened_at`` in days, floored at 0; trends without such a
    problem get ``response == "no problem raised"`` and a missing lag.

    Returns
    -------
    DataFrame
        The trends with ``problem_id``, ``problem_opened_at``, ``lag_days`` and ``response``
        (``"problem raised"`` / ``"no problem raised"``).

    Examples
    --------
    >>> tr = detect_trends(_example_incidents("vpn", [2] * 8 + [7, 8, 3]))  # starts 2 March
    >>> pr = pd.DataFrame({"problem_id": ["P1", "P2"], "service": ["vpn", "email"],
    ...     "opened_at": pd.to_datetime(["2026-03-07 12:00", "2026-03-03 00:00"], utc=True)})
    >>> trend_response(tr, pr)[["key", "problem_id", "lag_days", "response"]]
       key problem_id  lag_days        response
    0  vpn         P1       5.5  problem raised
    """
    t = trends.reset_index(drop=True)
    trend_no = pd.Series(np.arange(len(t)), index=t.index)
    matches = []
    for field in t["by"].unique():  # one merge per grouping column (service, category, ci)
        sub = t.loc[t["by"] == field, ["key", "start_week"]].assign(trend=trend_no)
        prob = problems.loc[problems[field].notna(), ["problem_id", "opened_at", field]]
        m = sub.merge(prob.rename(columns={field: "key"}), on="key")
        lookback = pd.Timedelta(days=lookback_days)
        matches.append(m[m["opened_at"] >= m["start_week"] - lookback])
    first = pd.DataFrame(
        {"problem_id": pd.Series([], dtype="str"), "opened_at": pd.Series([], dtype=_UTC)}
    )
    if matches:
        m = pd.concat(matches).sort_values(["trend", "opened_at", "problem_id"])
        first = m.groupby("trend")[["problem_id", "opened_at"]].first()
    # reindex (not map) keeps the timestamp dtype when no trend found a problem
    first = first.reindex(pd.RangeIndex(len(t)))
    t["problem_id"] = first["problem_id"].astype("str")
    t["problem_opened_at"] = first["opened_at"].astype(_UTC)
    lag = (t["problem_opened_at"] - t["start_week"]).dt.total_seconds() / 86400
    t["lag_days"] = lag.clip(lower=0).astype("float64")
    t["response"] = np.where(t["problem_id"].notna(), "problem raised", "no problem raised")
    t["response"] = t["response"].astype("str")
    return t


TREND_LEVELS = ("service", "category", "ci")
"""The levels trends are looked for at (see the module docstring: a rise concentrated on one
configuration item shows there before it shows on its whole service)."""


def incident_trends(
    tickets: pd.DataFrame,
    problems: pd.DataFrame,
    *,
    tz: str = "UTC",
    levels: Sequence[str] = TREND_LEVELS,
) -> pd.DataFrame:
    """Every incident trend at service, category and CI level, with the problem that followed.

    The one source of the trends: the ``trend_to_problem_days`` measure and the integrator
    report's trend section both read this frame, so they list the same trends.
    :func:`detect_trends` per level, stacked in ``levels`` order, then
    :func:`trend_response`.

    Examples
    --------
    >>> t = _example_incidents("vpn", [2] * 8 + [7, 8, 3])
    >>> pr = pd.DataFrame({"problem_id": ["P1"], "service": ["vpn"], "category": [None],
    ...     "ci": [None], "opened_at": pd.to_datetime(["2026-03-07 12:00"], utc=True)})
    >>> incident_trends(t, pr)[["by", "key", "response"]]
             by     key           response
    0   service     vpn     problem raised
    1  category   fault  no problem raised
    2        ci  vpn-ci  no problem raised
    """
    found = pd.concat(
        [detect_trends(tickets, by, tz=tz) for by in levels],
        ignore_index=True,
    )
    return trend_response(found, problems)


# ------------------------------------------------------------------------ repeat incidents --
def repeat_incidents(
    tickets: pd.DataFrame,
    by: str | Sequence[str] = "ci",
    *,
    window_days: float = 30,
    ticket_type: str = "incident",
) -> pd.DataFrame:
    """Flag incidents that repeat an earlier incident on the same key within a window.

    An incident is a *repeat* when another incident with the same ``by`` value(s) (e.g. the
    same CI, or the same service and category) was opened at most ``window_days`` days before
    it (same instant included; ties ordered by ticket id). Incidents with a missing key are
    left out.

    Returns
    -------
    DataFrame
        ``ticket_id``, ``opened_at``, ``previous_ticket_id``, ``gap_days``, ``repeat``.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["A", "B", "C", "D"], "ticket_type": "incident",
    ...     "ci": ["sw1", "sw1", "sw1", "sw2"],
    ...     "opened_at": pd.to_datetime(["2026-01-01", "2026-01-21", "2026-03-01",
    ...                                  "2026-01-02"], utc=True)})
    >>> repeat_incidents(t)[["ticket_id", "gap_days", "repeat"]]
      ticket_id  gap_days  repeat
    0         A       NaN   False
    1         D       NaN   False
    2         B      20.0    True
    3         C      39.0   False
    """
    cols = [by] if isinstance(by, str) else list(by)
    inc = tickets[tickets["ticket_type"] == ticket_type]
    inc = inc[inc[cols].notna().all(axis=1)]
    inc = inc.sort_values(["opened_at", "ticket_id"], kind="stable").reset_index(drop=True)
    g = inc.groupby(cols, sort=False)
    gap = (inc["opened_at"] - g["opened_at"].shift()).dt.total_seconds() / 86400
    out = pd.DataFrame(
        {
            "ticket_id": inc["ticket_id"],
            "opened_at": inc["opened_at"],
            "previous_ticket_id": g["ticket_id"].shift(),
            "gap_days": gap.astype("float64"),
            "repeat": (gap <= window_days).fillna(False).astype(bool),
        }
    )
    return out


def repeat_incident_rate(
    tickets: pd.DataFrame,
    period: str,
    by: str | Sequence[str] = "ci",
    *,
    window_days: float = 30,
    tz: str = "UTC",
) -> pd.Series:
    """Share of the incidents opened in ``period`` that repeat an earlier one.

    Earlier incidents are looked for across all the data, not only inside the period. See
    :func:`repeat_incidents`.

    Returns
    -------
    Series
        ``value`` (NaN without incidents), ``numerator`` (repeats), ``denominator``
        (incidents opened in the period with a key).

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["A", "B", "C"], "ticket_type": "incident",
    ...     "ci": ["sw1", "sw1", "sw2"],
    ...     "opened_at": pd.to_datetime(["2026-02-20", "2026-03-05", "2026-03-06"], utc=True)})
    >>> repeat_incident_rate(t, "2026-03").to_dict()  # B repeats A (13 days); C is new
    {'value': 0.5, 'numerator': 1.0, 'denominator': 2.0}
    """
    r = repeat_incidents(tickets, by, window_days=window_days)
    r = r[_opened_in(r["opened_at"], period, tz)]
    return _ratio(r["repeat"].sum(), len(r))


def problem_linked_share(tickets: pd.DataFrame, period: str, *, tz: str = "UTC") -> pd.Series:
    """Share of the incidents opened in ``period`` that are linked to a problem record.

    Links are as at the data extract: a recent period's value can still rise as incidents get
    linked later.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_type": ["incident", "incident", "request"],
    ...     "problem_id": ["P1", None, "P2"],
    ...     "opened_at": pd.to_datetime(["2026-03-01 12:00"] * 3, utc=True)})
    >>> problem_linked_share(t, "2026-03").to_dict()
    {'value': 0.5, 'numerator': 1.0, 'denominator': 2.0}
    """
    inc = tickets[
        (tickets["ticket_type"] == "incident") & _opened_in(tickets["opened_at"], period, tz)
    ]
    return _ratio(inc["problem_id"].notna().sum(), len(inc))


def proactive_share(problems: pd.DataFrame, period: str, *, tz: str = "UTC") -> pd.Series:
    """Share of the problems opened in ``period`` that were raised proactively.

    Examples
    --------
    >>> p = pd.DataFrame({"origin": ["proactive", "reactive", "reactive", "proactive"],
    ...     "opened_at": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-20",
    ...                                  "2026-04-01"], utc=True)})
    >>> proactive_share(p, "2026-03").to_dict()
    {'value': 0.3333333333333333, 'numerator': 1.0, 'denominator': 3.0}
    """
    p = problems[_opened_in(problems["opened_at"], period, tz)]
    return _ratio((p["origin"] == "proactive").sum(), len(p))
