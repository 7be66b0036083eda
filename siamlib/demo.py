"""Deterministic demo estate: a year of plausible SIAM data with known behaviours planted in it.

:func:`generate` returns every table of :mod:`siamlib.schema` for the estate in
``params/estate.yaml`` (an integrator and five towers), covering 13 reporting months
(2025-10 .. 2026-10 in the estate's time zone) as at the end of that window. The same seed gives
the same tables, byte for byte. :func:`write_demo` writes them as a dataset folder.

The data are not random noise: ten behaviours are planted so that every measure and report has
something to find (clock-stop gaming at ``euc``, hosting/applications ping-pong, a rising VPN
incident trend with a late problem record, an aged backlog the integrator works down, a big
email outage, failed changes causing incidents, an improvement register, 360 collaboration
surveys, push-to-front at ``applications`` and a "watermelon" service desk). Each is described
in ``docs/demo-estate.md`` with how to see it; ``tests/unit/test_demo.py`` checks it is there.

How it stays fast: every ticket follows one template of optional steps ("slots": logged, service
desk work, dispatch, first assignment, pauses, ping-pong, escalation, resolution, reopen,
closure). Which slots a ticket goes through is a ``tickets x slots`` boolean matrix drawn slot by
slot for all tickets at once; events are its true cells, flattened, and each event's status,
group and duration are then computed per slot on the flat arrays. Durations are drawn on the
contract's SLA clock (business seconds, or wall seconds for 24x7 priorities) and mapped back to
wall time through a per-minute business calendar, so resolution times relate to the contract
targets the way real ones do. No Python loop runs per ticket.

>>> [str(x) for x in window()]
['2025-09-30 23:00:00+00:00', '2026-11-01 00:00:00+00:00']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import io, paths, schema
from siamlib.params import Calendar, Params, load_params

GENERATOR_VERSION = 1
MIN_TICKETS = 100
WINDOW_START = "2025-10-01"  # local midnight in the estate's time zone, inclusive
WINDOW_END = "2026-11-01"  # exclusive; also the as-of time of the extract
DEFAULT_PERIOD = "2026-10"

# Ids the demo relies on; a custom estate must provide them (see _resolve_estate).
REQUIRED_SUPPLIERS = ("service-desk", "euc", "hosting", "network", "applications")
REQUIRED_SERVICES = ("vpn", "email")
# Moving groups carry no service in estate.yaml; this says which service they work on.
GROUP_SERVICE_HINTS = {"Messaging": "email"}

# Tickets named in params/exclusions.yaml: stuck for months, resolved in 2026-10, so the
# agreed exclusions change the October figures. Value: local release time.
EXCLUDED_TICKETS = {42: "2026-10-02 10:00", 777: "2026-10-16 11:00"}

_ST = {s: i for i, s in enumerate(schema.TICKET_STATUSES)}
NEW, ASSIGNED, IN_PROGRESS = _ST["new"], _ST["assigned"], _ST["in_progress"]
AW_USER, AW_SUPPLIER, AW_CHANGE = (
    _ST["awaiting_user"],
    _ST["awaiting_supplier"],
    _ST["awaiting_change"],
)
AW_PROBLEM, RESOLVED, CLOSED, CANCELLED = (
    _ST["awaiting_problem"],
    _ST["resolved"],
    _ST["closed"],
    _ST["cancelled"],
)
VAR = -1  # status drawn per ticket

# The slot template every ticket follows (status; "q" = queue segment and "w" = work segment
# share the resolution budget, "p" = pause). Order matters: it is the event order.
SLOTS: tuple[tuple[str, int, str], ...] = (
    ("new", NEW, "resp"),
    ("sd_work", IN_PROGRESS, "sd"),
    ("sd_wait", AW_USER, "p"),
    ("sd_resume", IN_PROGRESS, "sd"),
    ("cancel", CANCELLED, "end"),
    ("dispatch", ASSIGNED, "disp"),
    ("first_assign", ASSIGNED, "q"),
    ("first_work", IN_PROGRESS, "w"),
    ("reroute_assign", ASSIGNED, "q"),
    ("reroute_work", IN_PROGRESS, "w"),
    ("pause1", VAR, "p"),
    ("pause1_resume", IN_PROGRESS, "w"),
    ("pause1b", VAR, "p"),
    ("pause1b_resume", IN_PROGRESS, "w"),
    ("pp_out", ASSIGNED, "q"),
    ("pp_out_work", IN_PROGRESS, "w"),
    ("pp_back", ASSIGNED, "q"),
    ("pp_back_work", IN_PROGRESS, "w"),
    ("pp_out2", ASSIGNED, "q"),
    ("pp_out2_work", IN_PROGRESS, "w"),
    ("pp_back2", ASSIGNED, "q"),
    ("pp_back2_work", IN_PROGRESS, "w"),
    ("stuck", VAR, "hold"),
    ("stuck_resume", IN_PROGRESS, "w"),
    ("escalate", ASSIGNED, "q"),
    ("escalate_work", IN_PROGRESS, "w"),
    ("pause2", VAR, "p"),
    ("pause2_resume", IN_PROGRESS, "w"),
    ("drop", ASSIGNED, "q"),
    ("drop_work", IN_PROGRESS, "w"),
    ("park", AW_USER, "park"),
    ("resolve", RESOLVED, "res"),
    ("reopen", IN_PROGRESS, "rw"),
    ("resolve_r1", RESOLVED, "res"),
    ("reopen2", IN_PROGRESS, "rw"),
    ("resolve_r2", RESOLVED, "res"),
    ("close", CLOSED, "end"),
)
S = {name: k for k, (name, _, _) in enumerate(SLOTS)}
K = len(SLOTS)

HOUR = 3600
DAY = 86_400
_DEFAULT_TARGETS = {1: (0.25, 4.0, True), 2: (0.5, 8.0, False), 3: (2.0, 24.0, False),
                    4: (4.0, 40.0, False)}  # fmt: skip  # (response h, resolution h, 24x7)

INCIDENT_CATEGORIES = ("hardware-fault", "software-error", "performance", "access",
                       "connectivity", "data")  # fmt: skip
REQUEST_CATEGORIES = ("new-access", "install", "information", "hardware-request",
                      "change-setting", "password-reset")  # fmt: skip
CIS_PER_SERVICE = 30

# Relative ticket volumes per service (unknown services weigh 1).
SERVICE_WEIGHTS = {
    "incident": {"service-desk": 0.6, "laptops": 1.6, "printing": 0.8, "mobile": 0.7,
                 "email": 1.1, "storage": 0.6, "erp-hosting": 0.5, "wan": 0.5, "wifi": 0.8,
                 "vpn": 0.9, "erp": 1.2, "crm": 0.9, "hr-portal": 0.7},
    "request": {"service-desk": 2.0, "laptops": 2.0, "printing": 0.6, "mobile": 1.0,
                "email": 0.5, "storage": 0.5, "erp-hosting": 0.2, "wan": 0.1, "wifi": 0.2,
                "vpn": 0.5, "erp": 0.9, "crm": 0.6, "hr-portal": 0.9},
}  # fmt: skip
INCIDENT_SHARE = 0.6
# Priority mix per ticket type; with 60 % incidents the overall mix is about 1/9/50/40 %.
PRIORITY_MIX = {"incident": (0.016, 0.14, 0.52, 0.324), "request": (0.001, 0.015, 0.47, 0.514)}


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


# ------------------------------------------------------------------------------ arrivals
def _hour_profile(grid: _Grid, hol_clock: _Clock) -> np.ndarray:
    """Relative ticket arrival rate per grid hour: weekday business hours dominate."""
    weekday = np.array([
        0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.06, 0.25, 0.8, 1.0, 1.0, 0.95,
        0.75, 0.85, 0.9, 0.85, 0.7, 0.5, 0.22, 0.12, 0.08, 0.06, 0.04, 0.03,
    ])  # fmt: skip
    weekend = np.where((np.arange(24) >= 8) & (np.arange(24) < 20), 0.06, 0.015)
    day_factor = np.array([1.12, 1.05, 1.0, 1.0, 0.88, 1.0, 1.0])
    off = (grid.dow >= 5) | np.isin(grid.day, list(hol_clock.holidays))  # holidays: weekends
    w = np.where(off, weekend[grid.hour], weekday[grid.hour] * day_factor[grid.dow])
    season = {12: 0.85, 8: 0.9, 1: 1.05}
    return w * np.vectorize(lambda m: season.get(m, 1.0))(grid.month)


def _sample_times(rng, grid: _Grid, weights: np.ndarray, n: int) -> np.ndarray:
    cw = np.cumsum(weights)
    h = np.searchsorted(cw, rng.random(n) * cw[-1], side="right")
    return grid.h0 + h * HOUR + rng.integers(0, HOUR, n)


# ------------------------------------------------------------------------------ tickets
@dataclass
class _Tickets:
    opened: np.ndarray
    incident: np.ndarray  # bool
    priority: np.ndarray
    service: np.ndarray
    category: np.ndarray  # code into INCIDENT_CATEGORIES + REQUEST_CATEGORIES
    ci: np.ndarray  # code into the CI vocabulary, -1 = none
    surge: np.ndarray  # bool: part of the VPN trend
    burst: np.ndarray  # bool: raised during the big email outage
    number: np.ndarray  # running number within the ticket type


def _arrivals(rng, e: _Estate, grid: _Grid, profile, n: int, w: dict) -> _Tickets:
    in_window = (grid.h0 + np.arange(grid.n) * HOUR >= w["start"]) & (
        grid.h0 + np.arange(grid.n) * HOUR < w["end"]
    )
    base_w = profile * in_window
    t_abs = grid.h0 + np.arange(grid.n) * HOUR
    # VPN trend: extra incidents, as a multiple of the baseline vpn rate, from June 2026;
    # it peaks when the problem is raised (mid-September) and eases afterwards.
    ramp = np.interp(
        t_abs,
        [w["trend_start"], w["vpn_problem"], w["end"]],
        [0.0, 2.8, 1.9],
        left=0.0,
    )
    svc_w = {
        kind: np.array([SERVICE_WEIGHTS[kind].get(s, 1.0) for s in e.services])
        for kind in ("incident", "request")
    }
    vpn = e.svc["vpn"]
    p_vpn_inc = INCIDENT_SHARE * svc_w["incident"][vpn] / svc_w["incident"].sum()
    n_burst = round(n * 0.0015)
    mean_ramp = (base_w * ramp).sum() / base_w.sum()
    n_surge = round((n - n_burst) * p_vpn_inc * mean_ramp / (1 + p_vpn_inc * mean_ramp))
    n_base = n - n_burst - n_surge

    opened = np.concatenate([
        _sample_times(rng, grid, base_w, n_base),
        _sample_times(rng, grid, base_w * ramp, n_surge),
        w["outage_start"] + rng.integers(0, 3 * HOUR, n_burst),
    ])  # fmt: skip
    surge = np.repeat([False, True, False], [n_base, n_surge, n_burst])
    burst = np.repeat([False, False, True], [n_base, n_surge, n_burst])
    incident = np.concatenate([rng.random(n_base) < INCIDENT_SHARE, np.ones(n - n_base, bool)])
    kind = (~incident).astype(np.int64)
    mix = np.array([PRIORITY_MIX["incident"], PRIORITY_MIX["request"]])
    priority = _choose(rng, mix, kind) + 1
    service = _choose(rng, np.stack([svc_w["incident"], svc_w["request"]]), kind)
    service[surge] = vpn
    service[burst] = e.svc["email"]
    priority[burst] = np.where(rng.random(n_burst) < 0.4, 2, 3)
    nic, nrc = len(INCIDENT_CATEGORIES), len(REQUEST_CATEGORIES)
    category = np.where(
        incident,
        _choose(rng, np.ones(nic), n=n),
        nic + _choose(rng, np.ones(nrc), n=n),
    )
    category[surge] = INCIDENT_CATEGORIES.index("connectivity")
    # CIs: a few configuration items per service take most tickets (Zipf-like).
    ci_rank = _choose(rng, 1.0 / np.arange(1, CIS_PER_SERVICE + 1), n=n)
    ci_rank[surge & (rng.random(n) < 0.7)] = 2  # the trend sits on one VPN gateway
    ci = service * CIS_PER_SERVICE + ci_rank
    no_ci = rng.random(n) < np.where(incident, 0.05, 0.4)
    ci[no_ci & ~surge & ~burst] = -1

    order = np.argsort(opened, kind="stable")
    t = _Tickets(
        opened[order], incident[order], priority[order], service[order], category[order],
        ci[order], surge[order], burst[order], np.zeros(n, dtype=np.int64),
    )  # fmt: skip
    inc = t.incident
    t.number[inc] = np.arange(1, inc.sum() + 1)
    t.number[~inc] = np.arange(1, (~inc).sum() + 1)
    return t


def _month_index(t: np.ndarray, month_starts: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(month_starts, t, side="right") - 1, 0, len(month_starts) - 2)


@dataclass
class _Built:
    """Flat events and per-ticket results of the slot model."""

    ev_ticket: np.ndarray
    ev_slot: np.ndarray
    ev_time: np.ndarray
    ev_status: np.ndarray
    ev_group: np.ndarray
    ev_supplier: np.ndarray
    ev_level: np.ndarray
    supplier: np.ndarray
    status: np.ndarray
    first_response: np.ndarray  # -1 = none
    resolved: np.ndarray  # -1 = none
    closed: np.ndarray  # -1 = none
    reopens: np.ndarray
    satisfaction: np.ndarray  # NaN = none


# Tickets per chunk of the event build: bounds the memory of the tickets x slots matrix and
# the per-event temporaries whatever the estate size. Estates up to this size are one chunk;
# the chunk size is part of what a seed means for bigger ones.
CHUNK_TICKETS = 100_000


def _build_events(rng, e: _Estate, tg: _Targets, grid: _Grid, t: _Tickets, w: dict) -> _Built:
    """Events and per-ticket results for all tickets, built chunk by chunk (in ticket order)."""
    n = len(t.opened)
    parts = []
    for lo in range(0, n, CHUNK_TICKETS):
        part = slice(lo, min(n, lo + CHUNK_TICKETS))
        chunk = _Tickets(*(getattr(t, f.name)[part] for f in fields(_Tickets)))
        built = _build_chunk(rng, e, tg, grid, chunk, w)
        built.ev_ticket += lo
        parts.append(built)
    if len(parts) == 1:
        return parts[0]
    return _Built(*(np.concatenate([getattr(b, f.name) for b in parts]) for f in fields(_Built)))


def _build_chunk(rng, e: _Estate, tg: _Targets, grid: _Grid, t: _Tickets, w: dict) -> _Built:
    n = len(t.opened)
    prio, svc = t.priority, t.service
    home = e.service_owner[svc]
    month = _month_index(t.opened, w["months"])
    p1 = prio == 1
    late = t.opened >= w["watermelon_start"]  # the watermelon months

    # ---- paths
    sd_service = home == e.sd
    special = np.zeros(n, dtype=bool)
    release = np.zeros(n, dtype=np.int64)
    for number, local in EXCLUDED_TICKETS.items():
        hit = np.flatnonzero(t.incident & (t.number == number))
        special[hit] = True
        release[hit] = _local(local, e.tz)
    sd_service &= ~special
    cancelled = ~p1 & ~special & ~t.burst & (rng.random(n) < 0.012)
    # first-time fix at the desk; P1s, the VPN surge, the outage burst and the excluded
    # tickets always go to a tower
    desk_fix = (
        ~p1 & ~special & ~t.burst & ~t.surge & (rng.random(n) < np.where(t.incident, 0.15, 0.22))
    )
    ftf = (sd_service | desk_fix) & ~cancelled
    dispatched = ~ftf & ~cancelled
    r = rng.random((n, 12))
    misroute = dispatched & ~t.burst & (r[:, 0] < 0.07)
    is_app = home == e.code["applications"]
    start_l3 = dispatched & ~misroute & (r[:, 1] < np.where(is_app, 0.10, 0.006))
    pair = np.array([e.code["hosting"], e.code["applications"]])
    pp_home = np.isin(home, pair) & (svc != e.svc["email"])
    pp = dispatched & pp_home & ~special & (r[:, 2] < 0.14)
    pp_other = dispatched & ~pp_home & ~special & (r[:, 2] < 0.008)
    pp_any = pp | pp_other
    pp2 = pp_any & (r[:, 3] < 0.6)
    pp3 = pp2 & (r[:, 4] < 0.5)
    want_esc = dispatched & (r[:, 5] < np.where(p1, 0.4, 0.22))
    want_drop = r[:, 6] < np.where(is_app, 0.45, 0.05)
    pause1 = dispatched & (r[:, 7] < np.where(p1, 0.15, 0.8))
    pause1b = pause1 & ~p1 & (r[:, 8] < 0.5)
    pause2 = dispatched & ~p1 & (r[:, 9] < 0.5)
    sd_pause = ~p1 & (r[:, 10] < 0.3)
    # Aged backlog: tickets forgotten in a queue; many in spring 2026, few once the
    # integrator starts its clean-up in August.
    p_stuck = np.array([0.003, 0.003, 0.003, 0.004, 0.006, 0.015, 0.03, 0.045, 0.045, 0.008,
                        0.003, 0.002, 0.002])[month]  # fmt: skip
    stuck = (dispatched & (prio >= 3) & ~pp_any & (r[:, 11] < p_stuck)) | special | t.burst
    natural = t.opened + (rng.uniform(35, 150, n) * DAY).astype(np.int64)
    # the clean-up clears the old queue front-loaded from August; a tenth is left at the end
    campaign = (rng.random(n) ** 1.3 * (w["end"] - w["cleanup_start"])).astype(np.int64)
    cleanup = np.where(rng.random(n) < 0.1, w["end"] + 30 * DAY, w["cleanup_start"] + campaign)
    stuck_release = np.where(
        (t.opened < w["cleanup_start"]) & (natural > w["cleanup_start"]), cleanup, natural
    )
    stuck_release = np.where(special, release, stuck_release)
    outage_fix = w["outage_end"] + rng.integers(10 * 60, 2 * HOUR, n)
    stuck_release = np.where(t.burst, outage_fix, stuck_release)
    stuck_status = np.where(special | t.burst | (rng.random(n) < 0.65), ASSIGNED, AW_PROBLEM)

    # ---- inclusion, group changes and drawn statuses, slot by slot (1-D per slot)
    inc = np.zeros((n, K), dtype=bool)
    target: dict[int, np.ndarray] = {}  # slot -> group each ticket is assigned to there
    var_status: dict[int, np.ndarray] = {}  # slot -> status drawn per ticket
    tower_l2 = e.l2_of
    others = np.array(e.resolvers)
    pick = rng.integers(0, len(others) - 1, n)
    position = np.full(len(e.suppliers), len(others))
    position[others] = np.arange(len(others))
    home_pos = position[home]  # skip the home tower when picking another one
    other_tower = others[np.where(pick >= home_pos, pick + 1, pick) % len(others)]
    partner = np.where(home == pair[0], pair[1], pair[0])
    # stray ping-pong must not look like the planted pair
    clash = np.isin(home, pair) & np.isin(other_tower, pair)
    stray = np.where(clash, e.code["network"], other_tower)
    partner_group = np.where(pp, tower_l2[partner], tower_l2[stray]).astype(np.int16)
    first_group = np.where(
        misroute, tower_l2[other_tower], np.where(start_l3, e.l3_of[home], e.home_group[svc])
    ).astype(np.int16)
    pause_status = np.array([AW_USER, AW_SUPPLIER, AW_CHANGE], dtype=np.int8)
    pause_p = np.array([0.55, 0.3, 0.15])
    reopen_p = np.where(ftf, np.where(late, 0.17, 0.03), 0.04)
    reopen1 = ~cancelled & ~special & (rng.random(n) < reopen_p)
    reopen2 = reopen1 & (rng.random(n) < 0.2)
    everyone = np.ones(n, dtype=bool)
    static = {
        "new": everyone, "sd_work": everyone, "sd_wait": sd_pause, "sd_resume": sd_pause,
        "cancel": cancelled, "dispatch": dispatched, "first_assign": dispatched,
        "first_work": dispatched, "reroute_assign": misroute, "reroute_work": misroute,
        "pause1": pause1, "pause1_resume": pause1, "pause1b": pause1b, "pause1b_resume": pause1b,
        "pp_out": pp_any, "pp_out_work": pp_any, "pp_back": pp_any, "pp_back_work": pp_any,
        "pp_out2": pp2, "pp_out2_work": pp2, "pp_back2": pp3, "pp_back2_work": pp3,
        "stuck": stuck, "stuck_resume": stuck, "pause2": pause2, "pause2_resume": pause2,
        "resolve": ~cancelled, "reopen": reopen1,
        "resolve_r1": reopen1, "reopen2": reopen2, "resolve_r2": reopen2, "close": ~cancelled,
    }  # fmt: skip
    euc = e.code["euc"]
    cur = np.full(n, e.sd_group, dtype=np.int16)
    left = cur
    for k, (name, status, _) in enumerate(SLOTS):
        if name in static:
            inc[:, k] = static[name]
        if name == "new":
            target[k] = cur
        elif name == "dispatch":
            target[k] = np.full(n, e.dispatch_group, dtype=np.int16)
        elif name == "first_assign":
            target[k] = first_group
        elif name == "reroute_assign":
            target[k] = e.home_group[svc].astype(np.int16)
        elif name in ("pp_out", "pp_out2"):
            left = cur if name == "pp_out" else left
            target[k] = partner_group
        elif name in ("pp_back", "pp_back2"):
            target[k] = left
        elif name == "escalate":
            esc = want_esc & (e.group_level[cur] == 2)
            target[k] = e.esc_of[cur].astype(np.int16)
            inc[:, k] = inc[:, k + 1] = esc
        elif name == "drop":
            drop = dispatched & want_drop & (e.group_level[cur] == 3)
            target[k] = e.drop_of[cur].astype(np.int16)
            inc[:, k] = inc[:, k + 1] = drop
        elif name == "park":
            # clock-stop gaming: euc parks tickets with the user just before resolving them
            park_euc = e.group_tower[cur] == euc
            p_park = np.where(park_euc, 0.65, np.where(cur == e.sd_group, 0.03, 0.05))
            inc[:, k] = ~cancelled & ~p1 & ~special & (rng.random(n) < p_park)
        if k in target:
            cur = np.where(inc[:, k], target[k], cur)
        if status == VAR:
            var_status[k] = (
                stuck_status if name == "stuck" else pause_status[_choose(rng, pause_p, n=n)]
            )

    # ---- flatten: one row per included (ticket, slot), in ticket then slot order
    flat = np.flatnonzero(inc.ravel())
    del inc
    ev_slot = (flat % K).astype(np.int8)
    flat //= K
    ev_ticket = flat.astype(np.int32)  # half the memory traffic of int64 indices
    del flat
    m = len(ev_ticket)
    by_slot = np.argsort(ev_slot, kind="stable")
    bounds = np.searchsorted(ev_slot[by_slot], np.arange(K + 1))
    counts = np.bincount(ev_ticket, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])

    # ---- per event: status, group set there, and segment duration on the ticket's SLA clock
    clock = tg.clock_of[home, prio]
    res_target = tg.resolution[home, prio].astype(float)
    resp_target = tg.response[prio].astype(float)
    vpn_busy = (svc == e.svc["vpn"]) & (t.opened >= w["trend_start"])
    median_share = np.where(ftf, 0.1, np.where(vpn_busy, 0.5, np.where(p1, 0.4, 0.3)))
    median_share = np.where(t.burst, 1.2, median_share)
    budget = res_target * _lognormal(rng, median_share, np.where(p1, 0.6, 0.7), n)
    d_new = np.maximum(60, resp_target * _lognormal(rng, 0.22, 0.75, n))
    # dispatch gets quicker over the year (the integrator improving)
    disp_median = np.interp(t.opened, [w["start"], w["end"]], [0.35 * HOUR, 0.15 * HOUR])
    d_dispatch = np.maximum(60, _lognormal(rng, disp_median, 0.8, n))
    triage = np.maximum(60, _lognormal(rng, 8 * 60, 0.6, n))
    close_delay = np.where(p1, 72 * HOUR, 30 * HOUR) + rng.integers(-90 * 60, 150 * 60, n)
    wait_reopen = np.maximum(60, _lognormal(rng, 5 * HOUR, 0.8, n))
    pause_median = np.zeros(len(schema.TICKET_STATUSES))
    pause_median[[AW_USER, AW_SUPPLIER, AW_CHANGE]] = [0.6 * HOUR, 1.2 * HOUR, 2.5 * HOUR]
    p_scale = np.where(p1, 0.3, 1.0)
    const_status = np.array([s for _, s, _ in SLOTS], dtype=np.int8)

    ev_status = const_status[ev_slot]
    set_group = np.full(m, -1, dtype=np.int16)
    dur = np.zeros(m, dtype=np.float64)
    share_w = np.zeros(m, dtype=np.float64)  # weights of segments sharing the budget
    for k, (name, _, kind) in enumerate(SLOTS):
        pos = by_slot[bounds[k] : bounds[k + 1]]
        if not len(pos):
            continue
        tix = ev_ticket[pos]
        size = len(pos)
        if k in var_status:
            ev_status[pos] = var_status[k][tix]
        if k in target:
            set_group[pos] = target[k][tix]
        if kind == "resp":
            dur[pos] = d_new[tix]
        elif kind == "sd":
            desk = ftf[tix]
            share_w[pos] = np.where(desk, 0.5 + rng.random(size), 0.0)
            dur[pos] = np.where(desk, 0, triage[tix] if name == "sd_work" else 60 + triage[tix] / 2)
        elif kind == "disp":
            dur[pos] = d_dispatch[tix]
        elif kind == "q":
            share_w[pos] = 0.1 + 0.5 * rng.random(size)
        elif kind == "w":
            share_w[pos] = 0.5 + rng.random(size)
        elif kind == "p":
            dur[pos] = p_scale[tix] * _lognormal(rng, pause_median[ev_status[pos]], 0.8, size)
        elif kind == "park":
            euc_t = park_euc[tix]
            dur[pos] = _lognormal(rng, np.where(euc_t, 26 * HOUR, 2 * HOUR),
                                  np.where(euc_t, 0.5, 0.7), size)  # fmt: skip
        elif kind == "res":
            again = {"resolve": reopen1, "resolve_r1": reopen2}.get(name)
            later = again[tix] if again is not None else np.zeros(size, dtype=bool)
            dur[pos] = np.where(later, wait_reopen[tix], close_delay[tix])
        elif kind == "rw":
            dur[pos] = budget[tix] * rng.uniform(0.05, 0.3, size)
        else:  # hold (stretched below) and the final events
            dur[pos] = 60
    del by_slot
    # queue and work segments share what is left of the ticket's resolution budget
    fixed = d_new + np.where(dispatched, d_dispatch + 1.5 * triage + 60, 0)
    n_share = np.bincount(ev_ticket, weights=share_w > 0, minlength=n)
    w_sum = np.bincount(ev_ticket, weights=share_w, minlength=n)
    remaining = np.maximum(budget - fixed, 120.0 * n_share) / np.maximum(w_sum, 1e-9)
    sharing = share_w > 0
    dur[sharing] = share_w[sharing] * remaining[ev_ticket[sharing]]
    dur = np.maximum(60, dur).astype(np.int64)
    del share_w, sharing

    # ---- event times: cumulative clock offsets within each ticket, plus the stuck hold
    b_open = np.empty(n, dtype=np.int64)
    b_release = np.empty(n, dtype=np.int64)
    for c, clk in enumerate(tg.clocks):
        sel = clock == c
        b_open[sel] = clk.to_clock(t.opened[sel])
        b_release[sel] = clk.to_clock(stuck_release[sel])

    def clock_at(dur: np.ndarray) -> np.ndarray:
        """Clock time of each event: the ticket's opening plus the durations before it."""
        cum = np.cumsum(dur)
        cum -= dur
        cum -= (cum[starts] - b_open)[ev_ticket]
        return cum

    b = clock_at(dur)
    held = np.flatnonzero(ev_slot == S["stuck"])
    th = ev_ticket[held]
    dur[held] = np.maximum(60, b_release[th] - b[held])
    b = clock_at(dur)
    del dur
    # map back to wall time: the commonest clock for every event, then the others' events
    common = int(np.bincount(clock, minlength=len(tg.clocks)).argmax())
    ev_time = tg.clocks[common].from_clock(b)
    for c, clk in enumerate(tg.clocks):
        if c != common and (clock == c).any():
            sel = np.flatnonzero(clock[ev_ticket] == c)
            ev_time[sel] = clk.from_clock(b[sel])
    del b
    ev_time[starts] = t.opened

    # the group holding the ticket: the last group set at or before each event
    last_set = np.where(set_group >= 0, np.arange(m), 0)
    np.maximum.accumulate(last_set, out=last_set)
    ev_group = set_group[last_set]
    del last_set, set_group

    keep = ev_time < w["end"]
    ev_ticket, ev_slot, ev_time = ev_ticket[keep], ev_slot[keep], ev_time[keep]
    ev_status, ev_group = ev_status[keep], ev_group[keep]

    # ---- supplier of the group on the event's local date (groups can move)
    ev_day = grid.day[grid.index(ev_time)]
    ev_supplier = np.zeros(len(ev_time), dtype=np.int16)
    ev_level = np.zeros(len(ev_time), dtype=np.int8)
    for g, frm, to, sup, level in e.spans:
        m = ev_group == g
        if sum(s[0] == g for s in e.spans) > 1:
            m &= (ev_day >= frm) & (ev_day < to)
        ev_supplier[m] = sup
        ev_level[m] = level

    # ---- tickets from their kept events
    kept = np.bincount(ev_ticket, minlength=n)
    starts = np.concatenate([[0], np.cumsum(kept)[:-1]])
    last = starts + kept - 1
    status = ev_status[last]
    supplier = ev_supplier[last]
    first_response = np.where(kept >= 2, ev_time[np.minimum(starts + 1, len(ev_time) - 1)], -1)
    res_time = np.maximum.reduceat(np.where(ev_status == RESOLVED, ev_time, -1), starts)
    resolved = np.where(np.isin(status, [RESOLVED, CLOSED]), res_time, -1)
    closed = np.where(np.isin(status, [CLOSED, CANCELLED]), ev_time[last], -1)
    is_reopen = np.isin(ev_slot, [S["reopen"], S["reopen2"]])
    reopens = np.bincount(ev_ticket, weights=is_reopen, minlength=n).astype(np.int64)

    # ---- caller satisfaction on about a fifth of closed tickets
    answered = (status == CLOSED) & (rng.random(n) < 0.2)
    mood = np.where((supplier == e.sd) & late, 3.0, 4.35) - 0.9 * (reopens > 0)
    mood -= np.where(supplier == e.code["applications"], 0.3, 0.0)
    score = np.clip(np.rint(mood + 0.9 * rng.standard_normal(n)), 1, 5)
    satisfaction = np.where(answered, score, np.nan)
    return _Built(
        ev_ticket, ev_slot, ev_time, ev_status, ev_group, ev_supplier, ev_level, supplier,
        status, first_response, resolved, closed, reopens, satisfaction,
    )  # fmt: skip


# ------------------------------------------------------------------------------ problems
def _problems(rng, e: _Estate, t: _Tickets, w: dict, n: int):
    """Problem records and the incident -> problem links (vectorised by searchsorted)."""
    vpn, email = e.svc["vpn"], e.svc["email"]
    n_random = max(8, n // 350)
    inc_idx = np.flatnonzero(t.incident & ~t.surge & ~t.burst)
    # reactive problems follow a major incident; proactive ones come from trend analysis and
    # become more common as the integrator's problem practice matures
    opened_frac = rng.random(n_random)
    proactive = rng.random(n_random) < 0.2 + 0.3 * opened_frac
    major = inc_idx[t.priority[inc_idx] <= 2]
    # no problem on vpn from March: the trend there goes unnoticed until September
    major = major[(t.service[major] != vpn) | (t.opened[major] < w["quiet_vpn"] - 3 * DAY)]
    anchor = major[rng.integers(0, len(major), n_random)] if len(major) else np.zeros(0, int)
    svc_pool = np.array([s for s in range(len(e.services)) if s != vpn])
    weights = np.bincount(t.service[inc_idx], minlength=len(e.services))[svc_pool] + 1.0
    p_service = svc_pool[_choose(rng, weights, n=n_random)]
    p_opened = w["start"] + (opened_frac * (w["end"] - 3 * DAY - w["start"])).astype(np.int64)
    if len(anchor):
        r_service = t.service[anchor]
        r_opened = t.opened[anchor] + rng.integers(4 * HOUR, 3 * DAY, n_random)
    else:
        r_service, r_opened = p_service, p_opened
    service = np.where(proactive, p_service, r_service)
    opened = np.minimum(np.where(proactive, p_opened, r_opened), w["end"] - HOUR)
    anchor = np.where(proactive, -1, anchor if len(anchor) else -1)
    # the late vpn problem and the email outage problem
    service = np.concatenate([service, [vpn, email]])
    opened = np.concatenate([opened, [w["vpn_problem"], w["outage_end"] + 20 * HOUR]])
    proactive = np.concatenate([proactive, [False, False]])
    anchor = np.concatenate([anchor, [-1, -1]])
    m = len(service)
    ci_rank = _choose(rng, 1.0 / np.arange(1, CIS_PER_SERVICE + 1), n=m)
    ci_rank[-2] = 2
    category = _choose(rng, np.ones(len(INCIDENT_CATEGORIES)), n=m)
    category[-2] = INCIDENT_CATEGORIES.index("connectivity")
    category[-1] = INCIDENT_CATEGORIES.index("performance")
    root = opened + (_lognormal(rng, 10 * DAY, 0.8, m)).astype(np.int64)
    root = np.where(rng.random(m) < 0.8, root, -1)
    root[-2] = _local("2026-10-02 15:00", e.tz)
    closed = np.where(root > 0, root + _lognormal(rng, 15 * DAY, 0.7, m).astype(np.int64), -1)
    closed = np.where(rng.random(m) < 0.7, closed, -1)
    closed[-2:] = -1
    root = np.where(root >= w["end"], -1, root)
    closed = np.where((closed >= w["end"]) | (root < 0), -1, closed)

    order = np.argsort(opened, kind="stable")
    service, opened, proactive, anchor = (
        service[order],
        opened[order],
        proactive[order],
        anchor[order],
    )
    ci_rank, category, root, closed = ci_rank[order], category[order], root[order], closed[order]
    is_vpn_problem = (service == vpn) & (opened == w["vpn_problem"])
    is_email_problem = (service == email) & (opened == w["outage_end"] + 20 * HOUR)

    # link incidents: the latest problem on the service opened before the incident, if
    # within 45 days, with a probability that keeps a handful of links per problem
    link = np.full(len(t.opened), -1, dtype=np.int64)
    horizon = 45 * DAY
    pkey = service.astype(np.int64) * 10**11 + opened
    sort_p = np.argsort(pkey, kind="stable")
    cand = np.flatnonzero(t.incident & ~t.burst)
    tkey = t.service[cand].astype(np.int64) * 10**11 + t.opened[cand]
    j = np.searchsorted(pkey[sort_p], tkey, side="right") - 1
    ok = j >= 0
    pj = sort_p[np.maximum(j, 0)]
    ok &= (service[pj] == t.service[cand]) & (t.opened[cand] - opened[pj] <= horizon)
    rate = np.bincount(t.service[cand], minlength=len(e.services)) / (w["end"] - w["start"])
    expected = rate[t.service[cand]] * horizon
    p_link = np.minimum(0.5, 6.0 / np.maximum(expected, 1))
    p_link = np.where(is_vpn_problem[pj], 0.8, p_link)
    ok &= rng.random(len(cand)) < p_link
    link[cand[ok]] = pj[ok]
    has_anchor = anchor >= 0
    link[anchor[has_anchor]] = np.flatnonzero(has_anchor)
    link[t.burst] = np.flatnonzero(is_email_problem)[0]
    linked = np.bincount(link[link >= 0], minlength=m)
    ci = service * CIS_PER_SERVICE + ci_rank
    table = pd.DataFrame({
        "problem_id": _arrow_str(_numbered("PRB", np.arange(1, m + 1), 7)),
        "supplier_id": _strings(e.service_owner[service], e.suppliers),
        "service": _strings(service, e.services),
        "category": _strings(category, INCIDENT_CATEGORIES),
        "ci": _strings(ci, _ci_vocab(e)),
        "opened_at": _ts(opened),
        "root_cause_at": _ts(root, root < 0),
        "closed_at": _ts(closed, closed < 0),
        "origin": _strings(np.where(proactive, 0, 1), ("proactive", "reactive")),
        "linked_incidents": _ints(linked),
    })  # fmt: skip
    return table, link, ci


def _ci_vocab(e: _Estate) -> list[str]:
    return [f"{s}-{k + 1:02d}" for s in e.services for k in range(CIS_PER_SERVICE)]


# ------------------------------------------------------------------------------- changes
OUTCOMES = ("successful", "failed", "backed_out", "cancelled", "pending")


def _changes(rng, e: _Estate, grid: _Grid, t: _Tickets, w: dict, n: int, profile):
    m = max(40, n // 45)
    towers = [s for s in range(len(e.suppliers)) if s != e.integrator]
    svc_pool = np.flatnonzero(np.isin(e.service_owner, towers))
    svc_w = np.where(e.service_owner[svc_pool] == e.sd, 0.2, 1.0)
    service = svc_pool[_choose(rng, svc_w, n=m)]
    supplier = e.service_owner[service]
    is_net = supplier == e.code["network"]
    # standard / normal / emergency: network runs more emergencies; the desk's few changes
    # (telephony, knowledge tooling) are never emergencies
    mix = np.array([[0.6, 0.35, 0.05], [0.45, 0.3, 0.25], [0.8, 0.2, 0.0]])
    ctype = _choose(rng, mix, np.where(supplier == e.sd, 2, is_net.astype(np.int64)))
    hours = np.arange(grid.n)
    t_abs = grid.h0 + hours * HOUR
    usable = (t_abs >= w["start"]) & (t_abs < w["end"] - 4 * DAY)
    night = (grid.hour >= 19) | (grid.hour < 5) | (grid.dow >= 5)
    prof = {
        0: profile * usable,  # standard: business hours
        1: np.where(night, 1.0, 0.25) * usable,  # normal: mostly out of hours
        2: usable * 1.0,  # emergency: any time
    }
    start = np.zeros(m, dtype=np.int64)
    for c, pr in prof.items():
        sel = ctype == c
        start[sel] = _sample_times(rng, grid, pr, sel.sum())
    start = (start // 900) * 900  # windows start on the quarter hour
    dur_h = np.where(ctype == 0, rng.uniform(0.5, 2, m), rng.uniform(1, 4, m))
    end = start + (dur_h * HOUR).astype(np.int64)
    fail_p = np.where(ctype == 2, 0.12, 0.035)
    u = rng.random(m)
    outcome = np.where(u < fail_p, 1, np.where(u < 2 * fail_p, 2, np.where(u < 2 * fail_p +
                       0.02, 3, 0)))  # fmt: skip  # 0 ok, 1 failed, 2 backed out, 3 cancelled
    a_start = start + rng.integers(-5 * 60, 20 * 60, m)
    a_end = a_start + (dur_h * HOUR * rng.uniform(0.6, 1.3, m)).astype(np.int64)
    a_end = np.where(outcome == 2, a_end + rng.integers(HOUR, 3 * HOUR, m), a_end)
    pending = (a_end >= w["end"]) | (start >= w["end"] - 6 * DAY)
    outcome = np.where(pending & (outcome != 3), 4, outcome)
    no_actual = np.isin(outcome, [3, 4])
    order = np.argsort(start, kind="stable")
    service, supplier, ctype, start, end = (
        x[order] for x in (service, supplier, ctype, start, end)
    )
    outcome, a_start, a_end, no_actual = (x[order] for x in (outcome, a_start, a_end, no_actual))

    # failed and backed-out changes cause incidents on their service in the next 48 hours
    bad = np.flatnonzero(np.isin(outcome, [1, 2]))
    link = np.full(len(t.opened), -1, dtype=np.int64)
    if len(bad):
        ckey = service[bad].astype(np.int64) * 10**11 + a_start[bad]
        sort_c = np.argsort(ckey, kind="stable")
        cand = np.flatnonzero(t.incident & ~t.surge & ~t.burst)
        tkey = t.service[cand].astype(np.int64) * 10**11 + t.opened[cand]
        j = np.searchsorted(ckey[sort_c], tkey, side="right") - 1
        cj = bad[sort_c[np.maximum(j, 0)]]
        ok = (j >= 0) & (service[cj] == t.service[cand])
        ok &= (t.opened[cand] > a_start[cj]) & (t.opened[cand] - a_start[cj] <= 2 * DAY)
        rate = np.bincount(t.service[cand], minlength=len(e.services)) / (w["end"] - w["start"])
        p = np.minimum(0.6, 3.0 / np.maximum(rate[t.service[cand]] * 2 * DAY, 1))
        ok &= rng.random(len(cand)) < p
        link[cand[ok]] = cj[ok]
    caused = np.bincount(link[link >= 0], minlength=m)
    table = pd.DataFrame({
        "change_id": _arrow_str(_numbered("CHG", np.arange(1, m + 1), 7)),
        "supplier_id": _strings(supplier, e.suppliers),
        "service": _strings(service, e.services),
        "change_type": _strings(ctype, ("standard", "normal", "emergency")),
        "planned_start": _ts(start),
        "planned_end": _ts(end),
        "actual_start": _ts(a_start, no_actual),
        "actual_end": _ts(a_end, no_actual),
        "outcome": _strings(outcome, OUTCOMES),
        "incidents_caused": _ints(caused),
    })  # fmt: skip
    return table, link


# ------------------------------------------------------------------------------- outages
def _outages(rng, e: _Estate, grid: _Grid, w: dict) -> pd.DataFrame:
    rows: list[tuple[int, int, int, bool]] = []  # service, start, end, planned
    tower_svcs = np.flatnonzero(e.service_owner != e.integrator)
    months = w["months"]
    email = e.svc["email"]
    for s in tower_svcs:
        # unplanned: about one every two months per service, mostly under an hour
        k = max(1, rng.poisson(0.5 * (len(months) - 1)))
        starts = np.sort(rng.integers(w["start"], w["end"] - DAY, k))
        lengths = np.clip(_lognormal(rng, 35 * 60, 0.9, k), 5 * 60, 5 * HOUR).astype(np.int64)
        for a, ln in zip(starts, lengths, strict=True):
            rows.append((s, int(a), int(a + ln), False))
        # planned maintenance: a weekend night most months, 22:00 local for 1-4 hours
        for mi in range(len(months) - 1):
            if rng.random() < 0.15:
                continue
            lo, hi = months[mi], months[mi + 1]
            hours = np.flatnonzero(
                (grid.h0 + np.arange(grid.n) * HOUR >= lo)
                & (grid.h0 + np.arange(grid.n) * HOUR < hi - DAY)
                & (grid.dow >= 5)
                & (grid.hour == 22)
            )
            if not len(hours):
                continue
            a = grid.h0 + int(hours[rng.integers(0, len(hours))]) * HOUR
            rows.append((s, a, a + int(rng.integers(1, 5)) * HOUR, True))
    rows.append((email, w["outage_start"], w["outage_end"], False))
    df = pd.DataFrame(rows, columns=["service", "start", "end", "planned"])
    df = df.sort_values(["service", "start"], kind="stable").reset_index(drop=True)
    # no outage of a service overlaps another of the same service (downtime would count twice)
    keep: list[bool] = []
    last_end: dict[int, int] = {}
    big = (df["service"] == email) & (df["start"] == w["outage_start"])
    for s, a, b, is_big in zip(df["service"], df["start"], df["end"], big, strict=True):
        # the big email outage always stays; anything of email overlapping it goes
        clash = a < last_end.get(s, -1) or (
            not is_big and s == email and a < w["outage_end"] and b > w["outage_start"]
        )
        keep.append(not clash)
        if not clash:
            last_end[s] = b
    df = df[keep].sort_values("start", kind="stable").reset_index(drop=True)
    df = df[df["end"] < w["end"]]
    m = len(df)
    svc = df["service"].to_numpy()
    return pd.DataFrame({
        "outage_id": _arrow_str(_numbered("OUT", np.arange(1, m + 1), 5)),
        "service": _strings(svc, e.services),
        "supplier_id": _strings(e.service_owner[svc], e.suppliers),
        "start_at": _ts(df["start"].to_numpy()),
        "end_at": _ts(df["end"].to_numpy()),
        "planned": pd.array(df["planned"].to_numpy(), dtype="boolean"),
    })  # fmt: skip


# --------------------------------------------------------------------------- improvements
IMPROVEMENT_TITLES = {
    "integrator": ("Cross-tower major incident playbook", "Automated ticket routing rules",
                   "Weekly trend review with all towers", "Shared known-error database",
                   "Dispatch queue triage bot", "Aged ticket clinic", "Supplier handoff standard",
                   "Single service catalogue", "Knowledge article quality review",
                   "Problem management training for towers"),
    "tower": ("Self-service password reset", "Proactive capacity alerts", "Runbook automation",
              "Patch window consolidation", "Monitoring coverage gaps closed",
              "Standard change catalogue extended", "Remote fix tooling",
              "Shift-left knowledge articles", "Spare-parts stock at sites"),
}  # fmt: skip


def _improvements(rng, e: _Estate, w: dict) -> pd.DataFrame:
    span = w["end"] - w["start"]
    months = span / (30.4 * DAY)
    sup_l, raised_l = [], []
    for s in range(len(e.suppliers)):
        rate = 2.4 if s == e.integrator else 0.6
        k = rng.poisson(rate * months)
        sup_l.append(np.full(k, s))
        raised_l.append(rng.integers(w["start"], w["end"] - DAY, k))
    sup, raised = np.concatenate(sup_l), np.concatenate(raised_l)
    m = len(sup)
    is_int = sup == e.integrator
    approved = raised + _lognormal(rng, 12 * DAY, 0.6, m).astype(np.int64)
    rejected = rng.random(m) < 0.12
    delivers = rng.random(m) < np.where(is_int, 0.85, 0.55)
    delivered = approved + _lognormal(rng, np.where(is_int, 35, 60) * DAY, 0.5, m).astype(np.int64)
    end = w["end"]
    status = np.full(m, 0)  # proposed
    status = np.where(approved < end, 1, status)  # approved
    started = approved + rng.integers(3, 40, m) * DAY  # work starts a while after approval
    status = np.where((approved < end) & (started < end), 2, status)  # in progress
    status = np.where(delivers & (delivered < end) & (status > 0), 3, status)  # delivered
    status = np.where(rejected & (approved < end), 4, status)  # rejected
    has_approval = np.isin(status, [1, 2, 3])
    estimated = np.round(_lognormal(rng, 20_000, 0.7, m) / 500) * 500
    ratio = np.where(is_int, rng.uniform(0.5, 1.2, m), rng.uniform(0.2, 0.9, m))
    realised = np.round(estimated * ratio / 500) * 500
    titles_int, titles_tower = IMPROVEMENT_TITLES["integrator"], IMPROVEMENT_TITLES["tower"]
    title_code = np.where(
        is_int,
        rng.integers(0, len(titles_int), m),
        len(titles_int) + rng.integers(0, len(titles_tower), m),
    )
    order = np.argsort(raised, kind="stable")
    pick = lambda x: x[order]  # noqa: E731
    return pd.DataFrame({
        "improvement_id": _arrow_str(_numbered("CSI", np.arange(1, m + 1), 4)),
        "supplier_id": _strings(pick(sup), e.suppliers),
        "title": _strings(pick(title_code), titles_int + titles_tower),
        "raised_at": _ts(pick(raised)),
        "approved_at": _ts(pick(approved), pick(~has_approval)),
        "delivered_at": _ts(pick(delivered), pick(status != 3)),
        "estimated_benefit": pick(np.where(has_approval, estimated, np.nan)),
        "realised_benefit": pick(np.where(status == 3, realised, np.nan)),
        "status": _strings(pick(status),
                           ("proposed", "approved", "in_progress", "delivered", "rejected")),
    })  # fmt: skip


# -------------------------------------------------------------------------------- surveys
def _surveys(rng, e: _Estate, periods: list[str]) -> pd.DataFrame:
    towers = [s for s in range(len(e.suppliers)) if s != e.integrator]
    base_sat = {"service-desk": 4.2, "euc": 3.9, "hosting": 4.1, "network": 4.0,
                "applications": 3.8}  # fmt: skip
    base_collab = {"applications": 2.9}
    n_per = 30
    rows_p, rows_t, rows_s, rows_r, mean = [], [], [], [], []
    raters = ["retained", *e.suppliers]
    for pi, period in enumerate(periods):
        late = pi >= len(periods) - 3
        for s in towers:
            name = e.suppliers[s]
            mu = base_sat.get(name, 4.0)
            if name == "service-desk" and late:
                mu = 2.9  # watermelon: SLAs green, customers unhappy
            if name == "hosting" and period == periods[-1]:
                mu = 3.4  # the email outage month
            rows_p += [pi] * n_per
            rows_t += [0] * n_per
            rows_s += [s] * n_per
            rows_r += [0] * n_per
            mean += [mu] * n_per
        for s in range(len(e.suppliers)):
            mu = base_collab.get(e.suppliers[s], 4.1 if s == e.integrator else 3.9)
            for ri, who in enumerate(raters):
                if who == e.suppliers[s]:
                    continue
                rows_p.append(pi)
                rows_t.append(1)
                rows_s.append(s)
                rows_r.append(ri)
                mean.append(mu)
    mean = np.array(mean)
    score = np.clip(np.rint(mean + 0.8 * rng.standard_normal(len(mean))), 1, 5)
    m = len(mean)
    respondent = np.where(np.array(rows_t) == 0, 0, np.array(rows_r) + 1)
    return pd.DataFrame({
        "response_id": _arrow_str(_numbered("SRV", np.arange(1, m + 1), 7)),
        "supplier_id": _strings(np.array(rows_s), e.suppliers),
        "period": _strings(np.array(rows_p), periods),
        "survey_type": _strings(np.array(rows_t), ("satisfaction", "collaboration")),
        "respondent": _strings(respondent, ["customer", *raters]),
        "score": score,
    })  # fmt: skip


# ------------------------------------------------------------------------------- the lot
def window(params: Params | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC start (inclusive) and end (exclusive, also the as-of time) of the demo data.

    >>> start, end = window()
    >>> (end - start).days
    396
    """
    tz = (params or load_params()).estate.timezone
    return (
        pd.Timestamp(WINDOW_START).tz_localize(tz).tz_convert("UTC"),
        pd.Timestamp(WINDOW_END).tz_localize(tz).tz_convert("UTC"),
    )


def _window_points(tz: str) -> dict:
    months = pd.date_range(WINDOW_START, WINDOW_END, freq="MS").tz_localize(tz).tz_convert("UTC")
    return {
        "start": _local(WINDOW_START, tz),
        "end": _local(WINDOW_END, tz),
        "months": np.asarray(months.as_unit("s").asi8),
        "periods": [str(p) for p in pd.period_range(WINDOW_START, "2026-10", freq="M")],
        "trend_start": _local("2026-06-01", tz),
        "quiet_vpn": _local("2026-03-01", tz),
        "vpn_problem": _local("2026-09-15 10:30", tz),
        "cleanup_start": _local("2026-08-01", tz),
        "watermelon_start": _local("2026-08-01", tz),
        "outage_start": _local("2026-10-13 06:10", tz),
        "outage_end": _local("2026-10-14 12:25", tz),
    }


def generate(
    n_tickets: int = 20_000, seed: int = 7, params: Params | None = None
) -> dict[str, pd.DataFrame]:
    """Build the demo estate: every table of the data model, coerced to the schema.

    Parameters
    ----------
    n_tickets : int
        Number of tickets (incidents and requests); other tables scale with it where that
        makes sense (problems, changes). At least ``MIN_TICKETS``; the two tickets named in
        ``params/exclusions.yaml`` exist from about 1,300 tickets.
    seed : int
        Seed of the random generator; the same seed gives identical tables.
    params : Params, optional
        Estate and contracts to use (default: the project's ``params/``).

    Returns
    -------
    dict of str to DataFrame
        One frame per table of :data:`siamlib.schema.TABLES`.

    Examples
    --------
    >>> t = generate(n_tickets=1_000, seed=3)
    >>> sorted(t) == sorted(schema.TABLES)
    True
    >>> len(t["tickets"]), t["tickets"]["ticket_id"].iloc[0][:3] in ("INC", "REQ")
    (1000, True)
    >>> bool((t["ticket_events"]["event_at"] < window()[1]).all())
    True
    """
    if n_tickets < MIN_TICKETS:
        raise ValueError(f"n_tickets must be at least {MIN_TICKETS}, got {n_tickets}")
    p = params if params is not None else load_params()
    e = _resolve_estate(p)
    rng = np.random.default_rng(seed)
    w = _window_points(e.tz)
    grid = _Grid(e.tz, w["start"], w["end"])
    tg = _targets(p, e, grid, dt.date.fromisoformat(WINDOW_START))
    business = next((c for c in tg.clocks if not c.identity), tg.clocks[0])
    profile = _hour_profile(grid, business)

    t = _arrivals(rng, e, grid, profile, n_tickets, w)
    b = _build_events(rng, e, tg, grid, t, w)
    problems, problem_link, problem_ci = _problems(rng, e, t, w, n_tickets)
    changes, change_link = _changes(rng, e, grid, t, w, n_tickets, profile)
    outages = _outages(rng, e, grid, w)
    improvements = _improvements(rng, e, w)
    surveys = _surveys(rng, e, w["periods"])

    linked = problem_link >= 0
    ci = np.where(linked, problem_ci[np.maximum(problem_link, 0)], t.ci)
    ids = pc.if_else(
        pa.array(t.incident),
        _numbered("INC", t.number, 7),
        _numbered("REQ", t.number, 7),
    )
    tickets = pd.DataFrame(copy=False, data={
        "ticket_id": _arrow_str(ids),
        "ticket_type": _strings(np.where(t.incident, 0, 1), ("incident", "request")),
        "supplier_id": _strings(b.supplier, e.suppliers),
        "service": _strings(t.service, e.services),
        "category": _strings(t.category, INCIDENT_CATEGORIES + REQUEST_CATEGORIES),
        "ci": _strings(np.maximum(ci, 0), _ci_vocab(e), ci < 0),
        "priority": _ints(t.priority),
        "opened_at": _ts(t.opened),
        "first_response_at": _ts(b.first_response, b.first_response < 0),
        "resolved_at": _ts(b.resolved, b.resolved < 0),
        "closed_at": _ts(b.closed, b.closed < 0),
        "status": _strings(b.status, schema.TICKET_STATUSES),
        "reopen_count": _ints(b.reopens),
        "problem_id": _strings(np.maximum(problem_link, 0), problems["problem_id"], ~linked),
        "change_id": _strings(np.maximum(change_link, 0), changes["change_id"], change_link < 0),
        "satisfaction": b.satisfaction,
    })  # fmt: skip
    seq = np.arange(len(b.ev_ticket)) - np.repeat(
        np.concatenate([[0], np.cumsum(np.bincount(b.ev_ticket, minlength=n_tickets))[:-1]]),
        np.bincount(b.ev_ticket, minlength=n_tickets),
    )
    events = pd.DataFrame(copy=False, data={
        "ticket_id": _arrow_str(ids.take(pa.array(b.ev_ticket))),
        "event_seq": _ints(seq + 1),
        "event_at": _ts(b.ev_time),
        "status": _strings(b.ev_status, schema.TICKET_STATUSES),
        "assignment_group": _strings(b.ev_group, e.groups),
        "supplier_id": _strings(b.ev_supplier, e.suppliers),
        "support_level": _ints(b.ev_level),
    })  # fmt: skip
    tables = {
        "tickets": tickets,
        "ticket_events": events,
        "problems": problems,
        "changes": changes,
        "outages": outages,
        "improvements": improvements,
        "surveys": surveys,
    }
    return {name: _fit(name, tables[name]) for name in schema.TABLES}


def write_demo(
    out_dir: Path | str | None = None,
    n_tickets: int = 20_000,
    seed: int = 7,
    params: Params | None = None,
) -> Path:
    """Generate the demo estate and write it as a dataset folder; return the folder.

    The default folder is ``siamlib.paths.DEMO_DATA_DIR``.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_demo(tempfile.mkdtemp(), n_tickets=500, seed=1)
    >>> io.read_dataset_info(folder).generator["n_tickets"]
    500
    >>> row_counts(folder)["tickets"]
    500
    """
    folder = Path(out_dir) if out_dir is not None else paths.DEMO_DATA_DIR
    p = params if params is not None else load_params()
    tables = generate(n_tickets, seed, p)
    start, end = window(p)
    info = io.DatasetInfo(
        name="demo",
        source="siamlib.demo",
        window_start=start.isoformat(),
        window_end=end.isoformat(),
        generator={"n_tickets": n_tickets, "seed": seed, "version": GENERATOR_VERSION},
    )
    io.write_dataset(folder, tables, info)
    return folder


def row_counts(folder: Path | str) -> dict[str, int]:
    """Rows per table of a written dataset, from the Parquet footers (no data read).

    See :func:`write_demo` for an example.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    return {
        name: pq.ParquetFile(folder / f"{name}.parquet").metadata.num_rows
        for name in schema.TABLES
        if (folder / f"{name}.parquet").exists()
    }
