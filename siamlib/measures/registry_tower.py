"""Registry entries of the tower measures and the loop behind ``tower.measure_values``.

Each entry's ``compute`` takes a :class:`TowerRun` (the inputs with agreed exclusions already
removed) and returns one row per tower supplier, period and scope; scoped measures add their
all-scope rows (scope ``""``) by summing the scoped ones. :func:`values` runs every entry,
lays the rows over the expected grid (every tower, period, measure and scope) and fills what
was not counted: 0 for counts, a 0 numerator and denominator for ratios and means.

Examples
--------
>>> [e.measure for e in ENTRIES][:3]
['sla_response_attainment', 'sla_resolution_attainment', 'availability']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from siamlib import schema
from siamlib.common import bucket_labels
from siamlib.measures import scope_key
from siamlib.measures._base import PRIORITIES, _periods, _ratio
from siamlib.measures.aged import EventTimeline, backlog_held
from siamlib.measures.availability import availability
from siamlib.measures.changes import change_caused_incidents, change_success, emergency_change_ratio
from siamlib.measures.registry import Entry, long_columns, stack, typed
from siamlib.measures.satisfaction import satisfaction
from siamlib.measures.sla import sla_attainment
from siamlib.measures.tickets import backlog, first_time_fix, mttr, reopen_rate
from siamlib.periods import period_bounds

if TYPE_CHECKING:
    from siamlib.params import Params

KEYS = ["supplier_id", "period", "measure", "scope"]


@dataclass(frozen=True)
class TowerRun:
    """The inputs every tower entry computes from."""

    clocks: pd.DataFrame
    tickets: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    params: Params
    periods: list[str]
    first_time_fix_after: Literal["first_group", "supplier_first_group"]
    # The compute stage's event timeline of these tickets (siamlib.measures.aged), shared with
    # the aged-ticket measures so the backlog reuses its answers at the month ends; None: built.
    timeline: EventTimeline | None = None

    @property
    def tz(self) -> str:
        return self.params.estate.timezone

    @property
    def towers(self) -> list[str]:
        return [s.id for s in self.params.estate.towers]

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name] if name in self.tables else schema.empty(name)


def _with_totals(frame: pd.DataFrame, sums: list[str]) -> pd.DataFrame:
    """Add the all-scope rows (scope '') by summing the scoped rows per supplier and period."""
    total = frame.groupby(["supplier_id", "period"], as_index=False)[sums].sum()
    total["scope"] = ""
    return pd.concat([frame, total], ignore_index=True)


def _scoped_ratio(frame: pd.DataFrame, key: str, column: str) -> pd.DataFrame:
    """Scope ``key=<column>`` rows plus their totals, value = numerator / denominator."""
    sums = ["numerator", "denominator"]
    f = frame[["supplier_id", "period", column, *sums]].copy()
    f["scope"] = [scope_key({key: v}) for v in f[column]]
    f = _with_totals(f.drop(columns=column), sums)
    f["value"] = _ratio(f["numerator"], f["denominator"])
    return f


def _sla(clock: Literal["response", "resolution"]):
    def compute(r: TowerRun) -> pd.DataFrame:
        f = sla_attainment(r.clocks, r.periods, clock=clock, params=r.params, tz=r.tz)
        f = f.assign(priority=[int(p) for p in f["priority"]])
        return _scoped_ratio(f, "priority", "priority")

    return compute


def _availability(r: TowerRun) -> pd.DataFrame:
    outages = r.table("outages")
    a = availability(outages[outages["supplier_id"].isin(r.towers)], r.periods, r.params, tz=r.tz)
    return _scoped_ratio(a, "service", "service")


def _first_time_fix(r: TowerRun) -> pd.DataFrame | None:
    if "ticket_events" not in r.tables:  # no event log: NaN throughout, not 0 of 0
        return None
    events = r.tables["ticket_events"]
    return first_time_fix(r.tickets, events, r.periods, after=r.first_time_fix_after, tz=r.tz)


def _backlog(r: TowerRun) -> pd.DataFrame:
    ends = {p: period_bounds(p, r.tz)[1] for p in r.periods}
    events = r.tables.get("ticket_events")
    # the aged tickets' definition (who held a ticket at the month end, open by its events),
    # so a tower's backlog chart and its aged-ticket evidence list the same tickets
    if events is not None and len(events) and {"event_at", "status"} <= set(events.columns):
        source = r.timeline if r.timeline is not None else events
        b = backlog_held(r.tickets, source, list(ends.values()))
    else:  # no event log: open from the tickets table, held by the supplier of record
        b = backlog(r.tickets, list(ends.values()))
    b["period"] = b["at"].map({v: k for k, v in ends.items()})
    b["scope"] = [scope_key({"age": x}) for x in b["bucket"]]
    return _with_totals(b[["supplier_id", "period", "scope", "count"]], ["count"])


def _priorities(params: Params, supplier: str) -> list[str]:
    return [""] + [scope_key({"priority": p}) for p in PRIORITIES]


def _services(params: Params, supplier: str) -> list[str]:
    return [""] + [scope_key({"service": s}) for s in params.estate.supplier(supplier).services]


def _ages(params: Params, supplier: str) -> list[str]:
    return [""] + [scope_key({"age": b}) for b in bucket_labels()]


_COUNT = {"numerator": None, "denominator": None}
ENTRIES: tuple[Entry, ...] = (
    Entry(
        "sla_response_attainment",
        "tower",
        _sla("response"),
        scope_keys=("priority",),
        scopes=_priorities,
    ),
    Entry(
        "sla_resolution_attainment",
        "tower",
        _sla("resolution"),
        scope_keys=("priority",),
        scopes=_priorities,
    ),
    Entry("availability", "tower", _availability, scope_keys=("service",), scopes=_services),
    Entry("first_time_fix", "tower", _first_time_fix),
    Entry("reopen_rate", "tower", lambda r: reopen_rate(r.tickets, r.periods, tz=r.tz)),
    # means: the sum of hours over the tickets counted
    Entry("mttr_business_hours", "tower", lambda r: mttr(r.clocks, r.periods, tz=r.tz)),
    Entry(
        "mttr_actual_hours",
        "tower",
        lambda r: mttr(r.clocks, r.periods, basis="actual", tz=r.tz),
    ),
    Entry(
        "change_success_rate",
        "tower",
        lambda r: change_success(r.table("changes"), r.periods, tz=r.tz),
    ),
    Entry(
        "emergency_change_ratio",
        "tower",
        lambda r: emergency_change_ratio(r.table("changes"), r.periods, tz=r.tz),
    ),
    # mean score: the sum of scores over the responses
    Entry(
        "satisfaction",
        "tower",
        lambda r: satisfaction(r.table("surveys"), r.tickets, r.periods, tz=r.tz),
    ),
    Entry(
        "change_caused_incidents",
        "tower",
        lambda r: change_caused_incidents(r.tickets, r.table("changes"), r.periods, tz=r.tz),
        **_COUNT,
    ),
    Entry("backlog", "tower", _backlog, value="count", scope_keys=("age",), scopes=_ages, **_COUNT),
)


def expected_rows(
    entries: tuple[Entry, ...], params: Params, towers: list[str], periods: list[str]
) -> pd.DataFrame:
    """The supplier/period/measure/scope rows the tower values always hold."""
    rows = [
        (sup, p, e.measure, sc)
        for sup in towers
        for e in entries
        for sc in (e.scopes(params, sup) if e.scopes else [""])
        for p in periods
    ]
    return pd.DataFrame(rows, columns=KEYS)


def values(
    clocks: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    params: Params,
    periods,
    *,
    apply_exclusions: bool = True,
    first_time_fix_after: Literal["first_group", "supplier_first_group"] = "supplier_first_group",
    entries: tuple[Entry, ...] = ENTRIES,
    timeline: EventTimeline | None = None,
) -> pd.DataFrame:
    """Every entry's rows for every tower supplier and period (see ``tower.measure_values``).

    ``timeline``: an :class:`~siamlib.measures.aged.EventTimeline` of ``tables``' tickets
    (after exclusions) and events, when the caller has one; only with
    ``apply_exclusions=False``, as it must hold the same tickets.
    """
    if timeline is not None and apply_exclusions:
        raise ValueError("a timeline is of the tickets after exclusions: apply_exclusions=False")
    periods = _periods(periods)
    tickets = tables["tickets"] if "tickets" in tables else schema.empty("tickets")
    if apply_exclusions:
        excluded = {e.ticket_id for e in params.exclusions.exclusions}
        clocks = clocks[~clocks["ticket_id"].isin(excluded)]
        tickets = tickets[~tickets["ticket_id"].isin(excluded)]
    run = TowerRun(clocks, tickets, tables, params, periods, first_time_fix_after, timeline)

    parts, computed = [], set()
    for e in entries:
        frame = e.compute(run)
        if frame is not None:
            parts.append(long_columns(e, frame))
            computed.add(e.measure)
    found = stack(parts)
    found = found[found["supplier_id"].isin(run.towers)]
    grid = expected_rows(entries, params, run.towers, periods)
    out = grid.merge(found, on=KEYS, how="outer")
    # Nothing counted: a count is 0, a ratio or mean 0 over 0 (value NaN); a measure whose
    # source table is absent (compute gave None) keeps NaN throughout.
    counts = {e.measure for e in entries if e.counts} & computed
    ratios = {e.measure for e in entries if not e.counts} & computed
    c = out["measure"].isin(counts)
    out.loc[c, "value"] = out.loc[c, "value"].fillna(0.0)
    r = out["measure"].isin(ratios)
    out.loc[r, ["numerator", "denominator"]] = out.loc[r, ["numerator", "denominator"]].fillna(0.0)
    out = out.sort_values(KEYS).reset_index(drop=True)
    return typed(out)
