"""Demo estate mechanics: the estate as integer codes, SLA clocks and column builders.

Shared by the demo generator's modules (:mod:`siamlib.demo_tickets`,
:mod:`siamlib.demo_records`, :mod:`siamlib.demo`): :func:`_resolve_estate` flattens
``params.estate`` into arrays for vectorised lookups, :class:`_Clock` maps wall time to SLA
clock time and back per business calendar, :func:`_targets` picks each (supplier, priority)'s
clock and targets from the contracts, and the helpers build schema-exact columns fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import schema
from siamlib.demo_plan import REQUIRED_SERVICES, REQUIRED_SUPPLIERS
from siamlib.params import Calendar, Params

# Moving groups carry no service in estate.yaml; this says which service they work on.
GROUP_SERVICE_HINTS = {"Messaging": "email"}

HOUR = 3600
DAY = 86_400
_DEFAULT_TARGETS = {1: (0.25, 4.0, True), 2: (0.5, 8.0, False), 3: (2.0, 24.0, False),
                    4: (4.0, 40.0, False)}  # fmt: skip  # (response h, resolution h, 24x7)


# ------------------------------------------------------------------------------ estate
@dataclass
class _Estate:
    """The estate flattened into integer codes for vectorised lookups."""

    tz: str
    suppliers: list[str]
    integrator: int
    sd: int  # the service-desk tower
    resolvers: list[int]  # towers other than the service desk
    services: list[str]
    service_owner: np.ndarray  # service -> supplier code
    groups: list[str]
    group_level: np.ndarray  # static level (first span)
    group_tower: np.ndarray  # static owner used for routing logic
    spans: list[tuple[int, int, int, int, int]]  # group, from_day, to_day, supplier, level
    sd_group: int
    dispatch_group: int
    l2_of: np.ndarray  # supplier -> its level-2 group
    l3_of: np.ndarray  # supplier -> its level-3 group
    home_group: np.ndarray  # service -> group a dispatched ticket goes to
    esc_of: np.ndarray  # group -> escalation group
    drop_of: np.ndarray  # group -> level-2 group of the same tower
    code: dict[str, int] = field(default_factory=dict)
    svc: dict[str, int] = field(default_factory=dict)


def _day_number(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _resolve_estate(p: Params) -> _Estate:
    est = p.estate
    suppliers = [s.id for s in est.suppliers]
    code = {s: i for i, s in enumerate(suppliers)}
    missing = [s for s in REQUIRED_SUPPLIERS if s not in code]
    towers = [s for s in est.suppliers if s.role == "tower"]
    services = [svc for t in towers for svc in t.services]
    missing += [s for s in REQUIRED_SERVICES if s not in services]
    if missing:
        raise ValueError(
            "the demo generator plants behaviours on named suppliers and services; the estate "
            f"lacks {', '.join(missing)}"
        )
    owner = np.array([code[t.id] for t in towers for _ in t.services])
    svc = {s: i for i, s in enumerate(services)}

    groups = list(dict.fromkeys(g.group for g in est.assignment_groups))
    gcode = {g: i for i, g in enumerate(groups)}
    spans, first = [], {}
    for g in est.assignment_groups:
        to = _day_number(g.effective_to) if g.effective_to else 10**7
        level = g.support_level or 2
        spans.append(
            (gcode[g.group], _day_number(g.effective_from), to, code[g.supplier_id], level)
        )
        first.setdefault(g.group, (code[g.supplier_id], level))
    moving = {g for g in groups if sum(s[0] == gcode[g] for s in spans) > 1}
    nsup = len(suppliers)

    def pick(sup: int, level: int) -> int | None:
        for g in groups:
            if g not in moving and first[g] == (sup, level):
                return gcode[g]
        return None

    sd, integrator = code["service-desk"], code[est.integrator.id]
    sd_group, dispatch_group = pick(sd, 1), pick(integrator, 1)
    if sd_group is None or dispatch_group is None:
        raise ValueError("the estate needs a level-1 group for service-desk and the integrator")
    l2_of = np.full(nsup, sd_group)
    l3_of = np.full(nsup, sd_group)
    for i in range(nsup):
        l2 = pick(i, 2)
        if l2 is not None:
            l2_of[i] = l2
            l3 = pick(i, 3)
            l3_of[i] = l3 if l3 is not None else l2
    for t in (code[s] for s in REQUIRED_SUPPLIERS if s != "service-desk"):
        if pick(t, 2) is None:
            raise ValueError(f"supplier {suppliers[t]!r} needs a level-2 assignment group")
    group_level = np.array([first[g][1] for g in groups])
    group_tower = np.array([first[g][0] for g in groups])
    home_group = l2_of[owner].copy()
    for g, s in GROUP_SERVICE_HINTS.items():
        if g in gcode and s in svc:
            home_group[svc[s]] = gcode[g]
            group_tower[gcode[g]] = owner[svc[s]]
    esc_of = np.arange(len(groups))
    drop_of = np.arange(len(groups))
    for gi in range(len(groups)):
        tower = group_tower[gi]
        if group_level[gi] == 2:
            esc_of[gi] = l3_of[tower]
        if group_level[gi] == 3:
            drop_of[gi] = l2_of[tower]
    return _Estate(
        tz=est.timezone,
        suppliers=suppliers,
        integrator=integrator,
        sd=sd,
        resolvers=[code[t.id] for t in towers if code[t.id] != sd],
        services=services,
        service_owner=owner,
        groups=groups,
        group_level=group_level,
        group_tower=group_tower,
        spans=spans,
        sd_group=sd_group,
        dispatch_group=dispatch_group,
        l2_of=l2_of,
        l3_of=l3_of,
        home_group=home_group,
        esc_of=esc_of,
        drop_of=drop_of,
        code=code,
        svc=svc,
    )


# ---------------------------------------------------------------------------- calendars
class _Grid:
    """An hourly UTC grid over the window (plus margins) with local-time attributes."""

    def __init__(self, tz: str, start: int, end: int):
        self.h0 = start - 2 * DAY
        self.n = (end + 60 * DAY - self.h0) // HOUR
        idx = pd.date_range(pd.Timestamp(self.h0, unit="s", tz="UTC"), periods=self.n, freq="h")
        local = idx.tz_convert(tz)
        naive = np.asarray(local.tz_localize(None).as_unit("s").asi8)
        self.offset = naive - np.asarray(idx.as_unit("s").asi8)  # UTC offset of each hour
        self.hour = np.asarray(local.hour)
        self.dow = np.asarray(local.day_of_week)
        self.day = naive // DAY
        self.month = np.asarray(local.month)

    def index(self, t: np.ndarray) -> np.ndarray:
        return np.clip((t - self.h0) // HOUR, 0, self.n - 1)


class _Clock:
    """Maps wall time (UTC seconds) to SLA clock seconds and back, for one calendar.

    Business calendars are held per minute: ``minutes`` lists the business minutes of the
    grid, so clock second ``b`` falls in business minute ``b // 60`` (a direct lookup, no
    search). A ``None`` calendar is the 24x7 clock (identity).
    """

    def __init__(self, grid: _Grid, cal: Calendar | None):
        self.h0 = grid.h0
        self.n = grid.n * 60
        self.end = self.h0 + self.n * 60
        self.identity = cal is None
        self.holidays: set[int] = set()
        if self.identity:
            return
        import holidays

        cover = np.zeros((7, 1440), dtype=bool)
        names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        for d, spans in cal.weekly_hours.items():
            for a, b in spans:
                lo, hi = int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])
                cover[names.index(d), lo:hi] = True
        if cal.holidays is not None:
            first, last = (dt.date(1970, 1, 1) + dt.timedelta(int(x)) for x in grid.day[[0, -1]])
            hol = holidays.country_holidays(
                cal.holidays.country,
                subdiv=cal.holidays.subdivision,
                years=range(first.year, last.year + 1),
            )
            self.holidays |= {_day_number(d) for d in hol}
        self.holidays |= {_day_number(d) for d in cal.extra_holidays}
        minute = np.arange(self.n, dtype=np.int64)
        local = self.h0 + minute * 60 + np.repeat(grid.offset, 60)
        day = local // DAY
        dow = (day + 3) % 7  # 1970-01-01 was a Thursday
        on = cover[dow, (local % DAY) // 60] & ~np.isin(day, list(self.holidays))
        self.on = on
        self.B = np.concatenate([[0], np.cumsum(on, dtype=np.int64) * 60])
        self.minutes = np.flatnonzero(on)

    def to_clock(self, t: np.ndarray) -> np.ndarray:
        if self.identity:
            return t - self.h0
        mi = np.clip((t - self.h0) // 60, 0, self.n - 1)
        b = self.B[mi] + np.where(self.on[mi], (t - self.h0) % 60, 0)
        return np.where(t >= self.end, self.B[-1] + (t - self.end), b)

    def from_clock(self, b: np.ndarray) -> np.ndarray:
        if self.identity:
            return b + self.h0
        # in place where possible: this runs on every event (millions)
        k = b // 60
        np.minimum(k, len(self.minutes) - 1, out=k)
        t = self.minutes[k]
        t *= 60
        t += self.h0
        np.remainder(b, 60, out=k)
        t += k
        beyond = np.flatnonzero(b >= self.B[-1])
        t[beyond] = self.end + (b[beyond] - self.B[-1])
        return t


def _is_24x7(cal: Calendar) -> bool:
    full = [("00:00", "24:00")]
    return (
        all(list(map(tuple, cal.weekly_hours.get(d, []))) == full for d in
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
        and cal.holidays is None
        and not cal.extra_holidays
    )  # fmt: skip


@dataclass
class _Targets:
    """SLA clocks per (supplier, priority): clock id and target seconds."""

    clocks: list[_Clock]
    clock_of: np.ndarray  # [supplier, priority] -> clock index
    resolution: np.ndarray  # [supplier, priority] -> seconds on that clock
    response: np.ndarray  # [priority] -> seconds, from the service desk's contract


def _targets(p: Params, e: _Estate, grid: _Grid, on: dt.date) -> _Targets:
    keys: dict[str, int] = {}
    clocks: list[_Clock] = []
    nsup = len(e.suppliers)
    clock_of = np.zeros((nsup, 5), dtype=np.int64)
    resolution = np.zeros((nsup, 5), dtype=np.int64)
    response = np.zeros(5, dtype=np.int64)

    def clock_index(cal: Calendar | None) -> int:
        key = "24x7" if cal is None or _is_24x7(cal) else cal.model_dump_json()
        if key not in keys:
            keys[key] = len(clocks)
            clocks.append(_Clock(grid, None if key == "24x7" else cal))
        return keys[key]

    for sup in range(nsup):
        contract = p.contracts.get(e.suppliers[sup])
        live = contract.targets_on(on) if contract else []
        business = contract.calendars.get("business") if contract else None
        for prio in range(1, 5):
            resp_h, res_h, always = _DEFAULT_TARGETS[prio]
            cal = None if always else business
            for t in live:
                if t.priority == prio and t.clock == "resolution":
                    res_h, cal = t.target_hours, contract.calendars[t.calendar]
                if t.priority == prio and t.clock == "response" and sup == e.sd:
                    resp_h = t.target_hours
            clock_of[sup, prio] = clock_index(cal)
            resolution[sup, prio] = int(res_h * HOUR)
            if sup == e.sd:
                response[prio] = int(resp_h * HOUR)
    return _Targets(clocks, clock_of, resolution, response)


# ------------------------------------------------------------------------------ helpers
def _local(ts: str, tz: str) -> int:
    return int(pd.Timestamp(ts).tz_localize(tz).tz_convert("UTC").timestamp())


def _choose(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray | None = None, n=None):
    """Draw one category per row: ``probs`` is (k,) or (groups, k) indexed by ``rows``."""
    probs = np.asarray(probs, dtype=float)
    k = probs.shape[-1]
    cp = np.cumsum(probs, axis=-1)
    cp = cp / cp[..., -1:]
    if probs.ndim == 1:
        return np.minimum(np.searchsorted(cp, rng.random(n), side="right"), k - 1)
    # one search over all rows' cumulative tables, each shifted by its row number
    shifted = (cp + np.arange(len(cp))[:, None]).ravel()
    rows = np.asarray(rows, dtype=np.int64)
    found = np.searchsorted(shifted, rows + rng.random(len(rows)), side="right") - rows * k
    return np.minimum(found, k - 1)


def _lognormal(rng: np.random.Generator, median, sigma, n: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(n))


def _strings(codes: np.ndarray, vocab, mask: np.ndarray | None = None) -> pd.Series:
    """Codes into a pandas ``str`` column (missing where ``mask``), through Arrow.

    A ``take`` from a large-string vocabulary is fast for millions of rows, and pandas' ``str``
    dtype wraps the result without a copy.
    """
    values = pa.array(list(vocab), pa.large_string())
    return _arrow_str(values.take(pa.array(np.asarray(codes, dtype=np.int64), mask=mask)))


def _numbered(prefix, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded ``numbers`` as an Arrow large-string array."""
    digits = pc.utf8_lpad(
        pa.array(np.asarray(numbers, dtype=np.int64)).cast(pa.string()), width, "0"
    )
    if isinstance(prefix, str):
        prefix = pa.scalar(prefix)
    return pc.binary_join_element_wise(prefix, digits, "").cast(pa.large_string())


def _arrow_str(arr: pa.Array) -> pd.Series:
    return pd.Series(pd.array(arr, dtype="str"))


def _ts(seconds: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    us = np.asarray(seconds, dtype=np.int64) * 1_000_000
    if missing is not None:
        us = np.where(missing, np.iinfo(np.int64).min, us)  # NaT
    return pd.Series(us.view("datetime64[us]"), dtype=schema.TIMESTAMP_DTYPE)


def _ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(np.asarray(values, dtype=np.int64), dtype="Int64")


def _fit(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as :func:`schema.coerce` would return it; skips the copy when already exact."""
    want = schema.empty(name).dtypes  # categoricals for schema.COMPACT columns
    exact = list(df.columns) == list(want.index) and all(
        str(df[c].dtype) == str(want[c]) for c in want.index
    )
    return df if exact else schema.coerce(name, df)
