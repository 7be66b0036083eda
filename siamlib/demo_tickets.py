"""Demo tickets and their events: arrivals, then the slot model every ticket follows.

:func:`_arrivals` draws when tickets open and what they are (type, priority, service, CI),
planted surges included; :func:`_build_events` runs the slot template (see :mod:`siamlib.demo`)
over all tickets at once and returns the flat event arrays and per-ticket results. The planted
behaviours' numbers come from :mod:`siamlib.demo_plan`; the base rates are here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from siamlib import schema
from siamlib.demo_estate import (
    DAY,
    HOUR,
    _choose,
    _Clock,
    _Estate,
    _Grid,
    _local,
    _lognormal,
    _Targets,
)
from siamlib.demo_plan import (
    AGED_BACKLOG,
    CLOCK_STOP,
    EMAIL_OUTAGE,
    EXCLUDED_TICKETS,
    PING_PONG,
    PUSH_TO_FRONT,
    VPN_TREND,
    WATERMELON,
)
from siamlib.resolution import after_stop

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
        VPN_TREND.ramp,
        left=0.0,
    )
    svc_w = {
        kind: np.array([SERVICE_WEIGHTS[kind].get(s, 1.0) for s in e.services])
        for kind in ("incident", "request")
    }
    vpn = e.svc[VPN_TREND.service]
    p_vpn_inc = INCIDENT_SHARE * svc_w["incident"][vpn] / svc_w["incident"].sum()
    n_burst = round(n * EMAIL_OUTAGE.burst_share)
    mean_ramp = (base_w * ramp).sum() / base_w.sum()
    n_surge = round((n - n_burst) * p_vpn_inc * mean_ramp / (1 + p_vpn_inc * mean_ramp))
    n_base = n - n_burst - n_surge

    opened = np.concatenate([
        _sample_times(rng, grid, base_w, n_base),
        _sample_times(rng, grid, base_w * ramp, n_surge),
        w["outage_start"] + rng.integers(0, EMAIL_OUTAGE.burst_hours * HOUR, n_burst),
    ])  # fmt: skip
    surge = np.repeat([False, True, False], [n_base, n_surge, n_burst])
    burst = np.repeat([False, False, True], [n_base, n_surge, n_burst])
    incident = np.concatenate([rng.random(n_base) < INCIDENT_SHARE, np.ones(n - n_base, bool)])
    kind = (~incident).astype(np.int64)
    mix = np.array([PRIORITY_MIX["incident"], PRIORITY_MIX["request"]])
    priority = _choose(rng, mix, kind) + 1
    service = _choose(rng, np.stack([svc_w["incident"], svc_w["request"]]), kind)
    service[surge] = vpn
    service[burst] = e.svc[EMAIL_OUTAGE.service]
    priority[burst] = np.where(rng.random(n_burst) < EMAIL_OUTAGE.burst_p2_share, 2, 3)
    nic, nrc = len(INCIDENT_CATEGORIES), len(REQUEST_CATEGORIES)
    category = np.where(
        incident,
        _choose(rng, np.ones(nic), n=n),
        nic + _choose(rng, np.ones(nrc), n=n),
    )
    category[surge] = INCIDENT_CATEGORIES.index(VPN_TREND.category)
    # CIs: a few configuration items per service take most tickets (Zipf-like).
    ci_rank = _choose(rng, 1.0 / np.arange(1, CIS_PER_SERVICE + 1), n=n)
    ci_rank[surge & (rng.random(n) < VPN_TREND.ci_share)] = VPN_TREND.ci_rank  # one gateway
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
    is_app = home == e.code[PUSH_TO_FRONT.supplier]
    start_l3 = (
        dispatched
        & ~misroute
        & (
            r[:, 1]
            < np.where(is_app, PUSH_TO_FRONT.straight_to_l3, PUSH_TO_FRONT.straight_to_l3_others)
        )
    )
    pair = np.array([e.code[s] for s in PING_PONG.pair])
    pp_home = np.isin(home, pair) & (svc != e.svc[PING_PONG.not_on_service])
    pp = dispatched & pp_home & ~special & (r[:, 2] < PING_PONG.share)
    pp_other = dispatched & ~pp_home & ~special & (r[:, 2] < PING_PONG.share_others)
    pp_any = pp | pp_other
    pp2 = pp_any & (r[:, 3] < PING_PONG.again)
    pp3 = pp2 & (r[:, 4] < PING_PONG.third)
    want_esc = dispatched & (r[:, 5] < np.where(p1, 0.4, 0.22))
    want_drop = r[:, 6] < np.where(is_app, PUSH_TO_FRONT.back_down, PUSH_TO_FRONT.back_down_others)
    pause1 = dispatched & (r[:, 7] < np.where(p1, 0.15, 0.8))
    pause1b = pause1 & ~p1 & (r[:, 8] < 0.5)
    pause2 = dispatched & ~p1 & (r[:, 9] < 0.5)
    sd_pause = ~p1 & (r[:, 10] < 0.3)
    # Aged backlog: tickets forgotten in a queue; many in spring 2026, few once the
    # integrator starts its clean-up in August.
    ab = AGED_BACKLOG
    p_stuck = np.array(ab.share_by_month)[month]
    stuck = (dispatched & (prio >= ab.min_priority) & ~pp_any & (r[:, 11] < p_stuck)) | special
    stuck |= t.burst
    natural = t.opened + (rng.uniform(*ab.held_days, n) * DAY).astype(np.int64)
    # the clean-up clears the old queue front-loaded from August; a tenth is left at the end
    campaign = (rng.random(n) ** ab.front_load * (w["end"] - w["cleanup_start"])).astype(np.int64)
    still_open = w["end"] + ab.left_days_after_end * DAY
    cleanup = np.where(rng.random(n) < ab.left_share, still_open, w["cleanup_start"] + campaign)
    stuck_release = np.where(
        (t.opened < w["cleanup_start"]) & (natural > w["cleanup_start"]), cleanup, natural
    )
    stuck_release = np.where(special, release, stuck_release)
    fix_lo, fix_hi = EMAIL_OUTAGE.fixed_after_minutes
    outage_fix = w["outage_end"] + rng.integers(fix_lo * 60, fix_hi * 60, n)
    stuck_release = np.where(t.burst, outage_fix, stuck_release)
    as_assigned = special | t.burst | (rng.random(n) < ab.assigned_share)
    stuck_status = np.where(as_assigned, ASSIGNED, AW_PROBLEM)

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
    stray = np.where(clash, e.code[PING_PONG.stray_instead], other_tower)
    partner_group = np.where(pp, tower_l2[partner], tower_l2[stray]).astype(np.int16)
    first_group = np.where(
        misroute, tower_l2[other_tower], np.where(start_l3, e.l3_of[home], e.home_group[svc])
    ).astype(np.int16)
    pause_status = np.array([AW_USER, AW_SUPPLIER, AW_CHANGE], dtype=np.int8)
    pause_p = np.array([0.55, 0.3, 0.15])
    wm = WATERMELON
    reopen_p = np.where(
        ftf, np.where(late, wm.reopen_share, wm.reopen_share_before), wm.reopen_share_towers
    )
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
    cs = CLOCK_STOP
    parker = e.code[cs.supplier]
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
            # clock-stop gaming (plan 1): one tower parks tickets with the user before resolving
            park_gaming = e.group_tower[cur] == parker
            p_park = np.where(
                park_gaming, cs.share, np.where(cur == e.sd_group, cs.share_desk, cs.share_others)
            )
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
    vpn_busy = (svc == e.svc[VPN_TREND.service]) & (t.opened >= w["trend_start"])
    median_share = np.where(
        ftf, 0.1, np.where(vpn_busy, VPN_TREND.busy_budget_share, np.where(p1, 0.4, 0.3))
    )
    median_share = np.where(t.burst, EMAIL_OUTAGE.burst_budget_share, median_share)
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
            gaming_t = park_gaming[tix]
            median = np.where(gaming_t, cs.median_hours * HOUR, cs.others_median_hours * HOUR)
            dur[pos] = _lognormal(rng, median, np.where(gaming_t, cs.sigma, cs.others_sigma), size)
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
    # the supplier of record: the one holding the ticket at its last resolution (in April the
    # Messaging group moves supplier, so a March ticket closed in April keeps its resolver)
    is_open = np.isin(ev_status, [_ST[s] for s in schema.OPEN_STATUSES])
    first = np.zeros(len(ev_ticket), dtype=bool)
    first[starts] = True
    after = after_stop(first, is_open)
    work = np.maximum.reduceat(np.where(after, -1, np.arange(len(ev_ticket))), starts)
    supplier = ev_supplier[work]
    first_response = np.where(kept >= 2, ev_time[np.minimum(starts + 1, len(ev_time) - 1)], -1)
    res_time = np.maximum.reduceat(np.where(ev_status == RESOLVED, ev_time, -1), starts)
    resolved = np.where(np.isin(status, [RESOLVED, CLOSED]), res_time, -1)
    closed = np.where(np.isin(status, [CLOSED, CANCELLED]), ev_time[last], -1)
    is_reopen = np.isin(ev_slot, [S["reopen"], S["reopen2"]])
    reopens = np.bincount(ev_ticket, weights=is_reopen, minlength=n).astype(np.int64)

    # ---- caller satisfaction on about a fifth of closed tickets
    answered = (status == CLOSED) & (rng.random(n) < 0.2)
    desk = e.code[wm.supplier]
    mood = np.where((supplier == desk) & late, wm.satisfaction, wm.satisfaction_before)
    mood -= 0.9 * (reopens > 0)
    mood -= np.where(
        supplier == e.code[PUSH_TO_FRONT.supplier], PUSH_TO_FRONT.satisfaction_penalty, 0.0
    )
    score = np.clip(np.rint(mood + 0.9 * rng.standard_normal(n)), 1, 5)
    satisfaction = np.where(answered, score, np.nan)
    return _Built(
        ev_ticket, ev_slot, ev_time, ev_status, ev_group, ev_supplier, ev_level, supplier,
        status, first_response, resolved, closed, reopens, satisfaction,
    )  # fmt: skip
