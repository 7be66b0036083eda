"""Demo records beside the tickets: problems, changes, outages, improvements, surveys.

Each builder returns its table (and, for problems and changes, the ticket -> record links that
fill ``tickets.problem_id`` / ``tickets.change_id``). The planted behaviours' numbers come from
:mod:`siamlib.demo_plan`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from siamlib.demo_estate import (
    DAY,
    HOUR,
    _arrow_str,
    _choose,
    _Estate,
    _Grid,
    _ints,
    _local,
    _lognormal,
    _numbered,
    _strings,
    _ts,
)
from siamlib.demo_plan import (
    CHANGES,
    EMAIL_OUTAGE,
    IMPROVEMENT_TITLES,
    IMPROVEMENTS,
    ROUTINE_OUTAGES,
    SURVEYS,
    VPN_TREND,
    WATERMELON,
)
from siamlib.demo_tickets import CIS_PER_SERVICE, INCIDENT_CATEGORIES, _sample_times, _Tickets


# ------------------------------------------------------------------------------ problems
def _problems(rng, e: _Estate, t: _Tickets, w: dict, n: int):
    """Problem records and the incident -> problem links (vectorised by searchsorted)."""
    vpn, email = e.svc[VPN_TREND.service], e.svc[EMAIL_OUTAGE.service]
    email_problem = w["outage_end"] + EMAIL_OUTAGE.problem_after_hours * HOUR
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
    opened = np.concatenate([opened, [w["vpn_problem"], email_problem]])
    proactive = np.concatenate([proactive, [False, False]])
    anchor = np.concatenate([anchor, [-1, -1]])
    m = len(service)
    ci_rank = _choose(rng, 1.0 / np.arange(1, CIS_PER_SERVICE + 1), n=m)
    ci_rank[-2] = VPN_TREND.ci_rank
    category = _choose(rng, np.ones(len(INCIDENT_CATEGORIES)), n=m)
    category[-2] = INCIDENT_CATEGORIES.index(VPN_TREND.category)
    category[-1] = INCIDENT_CATEGORIES.index(EMAIL_OUTAGE.problem_category)
    root = opened + (_lognormal(rng, 10 * DAY, 0.8, m)).astype(np.int64)
    root = np.where(rng.random(m) < 0.8, root, -1)
    root[-2] = _local(VPN_TREND.root_cause_at, e.tz)
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
    is_email_problem = (service == email) & (opened == email_problem)

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
    p_link = np.where(is_vpn_problem[pj], VPN_TREND.link_share, p_link)
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
    ch = CHANGES
    m = max(ch.min_changes, n // ch.tickets_per_change)
    towers = [s for s in range(len(e.suppliers)) if s != e.integrator]
    svc_pool = np.flatnonzero(np.isin(e.service_owner, towers))
    svc_w = np.where(e.service_owner[svc_pool] == e.sd, ch.desk_weight, 1.0)
    service = svc_pool[_choose(rng, svc_w, n=m)]
    supplier = e.service_owner[service]
    is_net = supplier == e.code[ch.emergency_supplier]
    # standard / normal / emergency: network runs more emergencies; the desk's few changes
    # (telephony, knowledge tooling) are never emergencies
    mix = np.array([ch.mix, ch.emergency_mix, ch.desk_mix])
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
    fail_p = np.where(ctype == 2, ch.failed_emergency, ch.failed_other)
    u = rng.random(m)
    # 0 ok, 1 failed, 2 backed out, 3 cancelled
    cancel = np.where(u < 2 * fail_p + ch.cancelled, 3, 0)
    outcome = np.where(u < fail_p, 1, np.where(u < 2 * fail_p, 2, cancel))
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
        within = ch.caused_within_hours * HOUR
        ok &= (t.opened[cand] > a_start[cj]) & (t.opened[cand] - a_start[cj] <= within)
        rate = np.bincount(t.service[cand], minlength=len(e.services)) / (w["end"] - w["start"])
        expected = np.maximum(rate[t.service[cand]] * within, 1)
        p = np.minimum(ch.caused_max_share, ch.caused_per_change / expected)
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
    email = e.svc[EMAIL_OUTAGE.service]
    ro = ROUTINE_OUTAGES
    for s in tower_svcs:
        # unplanned: about one every two months per service, mostly under an hour
        k = max(1, rng.poisson(ro.per_month * (len(months) - 1)))
        starts = np.sort(rng.integers(w["start"], w["end"] - DAY, k))
        length = _lognormal(rng, ro.median_minutes * 60, ro.sigma, k)
        lo_s, hi_s = (x * 60 for x in ro.clip_minutes)
        lengths = np.clip(length, lo_s, hi_s).astype(np.int64)
        for a, ln in zip(starts, lengths, strict=True):
            rows.append((s, int(a), int(a + ln), False))
        # planned maintenance: a weekend night most months, 22:00 local for 1-4 hours
        for mi in range(len(months) - 1):
            if rng.random() < ro.skip_maintenance:
                continue
            lo, hi = months[mi], months[mi + 1]
            hours = np.flatnonzero(
                (grid.h0 + np.arange(grid.n) * HOUR >= lo)
                & (grid.h0 + np.arange(grid.n) * HOUR < hi - DAY)
                & (grid.dow >= 5)
                & (grid.hour == ro.maintenance_hour)
            )
            if not len(hours):
                continue
            a = grid.h0 + int(hours[rng.integers(0, len(hours))]) * HOUR
            rows.append((s, a, a + int(rng.integers(*ro.maintenance_hours)) * HOUR, True))
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
def _improvements(rng, e: _Estate, w: dict) -> pd.DataFrame:
    im = IMPROVEMENTS
    span = w["end"] - w["start"]
    months = span / (30.4 * DAY)
    sup_l, raised_l = [], []
    for s in range(len(e.suppliers)):
        rate = im.per_month_integrator if s == e.integrator else im.per_month_tower
        k = rng.poisson(rate * months)
        sup_l.append(np.full(k, s))
        raised_l.append(rng.integers(w["start"], w["end"] - DAY, k))
    sup, raised = np.concatenate(sup_l), np.concatenate(raised_l)
    m = len(sup)
    is_int = sup == e.integrator
    approved = raised + _lognormal(rng, im.approval_median_days * DAY, 0.6, m).astype(np.int64)
    rejected = rng.random(m) < im.rejected
    delivers = rng.random(m) < np.where(is_int, im.delivers_integrator, im.delivers_tower)
    days = np.where(is_int, im.delivery_median_days_integrator, im.delivery_median_days_tower)
    delivered = approved + _lognormal(rng, days * DAY, 0.5, m).astype(np.int64)
    end = w["end"]
    status = np.full(m, 0)  # proposed
    status = np.where(approved < end, 1, status)  # approved
    started = (
        approved + rng.integers(*im.start_after_days, m) * DAY
    )  # work starts a while after approval
    status = np.where((approved < end) & (started < end), 2, status)  # in progress
    status = np.where(delivers & (delivered < end) & (status > 0), 3, status)  # delivered
    status = np.where(rejected & (approved < end), 4, status)  # rejected
    has_approval = np.isin(status, [1, 2, 3])
    estimated = np.round(_lognormal(rng, im.benefit_median, 0.7, m) / 500) * 500
    ratio = np.where(
        is_int, rng.uniform(*im.realised_integrator, m), rng.uniform(*im.realised_tower, m)
    )
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
    sv = SURVEYS
    n_per = sv.responses_per_tower
    rows_p, rows_t, rows_s, rows_r, mean = [], [], [], [], []
    raters = ["retained", *e.suppliers]
    for pi, period in enumerate(periods):
        late = pi >= len(periods) - WATERMELON.survey_months
        for s in towers:
            name = e.suppliers[s]
            mu = sv.satisfaction.get(name, sv.satisfaction_default)
            if name == WATERMELON.supplier and late:
                mu = WATERMELON.survey_score  # SLAs green, customers unhappy
            if name == EMAIL_OUTAGE.survey_supplier and period == periods[-1]:
                mu = EMAIL_OUTAGE.survey_score  # the outage month
            rows_p += [pi] * n_per
            rows_t += [0] * n_per
            rows_s += [s] * n_per
            rows_r += [0] * n_per
            mean += [mu] * n_per
        for s in range(len(e.suppliers)):
            default = sv.collaboration_integrator if s == e.integrator else sv.collaboration_default
            mu = sv.collaboration.get(e.suppliers[s], default)
            for ri, who in enumerate(raters):
                if who == e.suppliers[s]:
                    continue
                rows_p.append(pi)
                rows_t.append(1)
                rows_s.append(s)
                rows_r.append(ri)
                mean.append(mu)
    mean = np.array(mean)
    score = np.clip(np.rint(mean + sv.sigma * rng.standard_normal(len(mean))), 1, 5)
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
