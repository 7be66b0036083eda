"""What the demo estate plants: the ten behaviours of ``docs/demo-estate.md`` as data.

Each planted behaviour is one frozen dataclass instance, numbered as in the docs (``CLOCK_STOP``
is behaviour 1 ... ``WATERMELON`` behaviour 10): who it is planted on, when, and how strongly.
The generator mechanics (:mod:`siamlib.demo_tickets`, :mod:`siamlib.demo_records`) read these
values and contain no planted number of their own; the base rates every ticket follows (how
often tickets are cancelled, misrouted, escalated, paused ...) stay with the mechanics.

Suppliers and services are named by id; :data:`REQUIRED_SUPPLIERS` and
:data:`REQUIRED_SERVICES` are the ids the plan relies on, so an estate without them is refused.
Times are local wall-clock strings in the estate's time zone; durations say their unit in the
field name. Changing any value changes the data for a seed: bump
:data:`siamlib.demo.GENERATOR_VERSION` and the golden figures with it.

>>> PING_PONG.pair, VPN_TREND.problem_at
(('hosting', 'applications'), '2026-09-15 10:30')
>>> set(REQUIRED_SUPPLIERS) >= {CLOCK_STOP.supplier, PUSH_TO_FRONT.supplier, WATERMELON.supplier}
True
"""

from __future__ import annotations

from dataclasses import dataclass

# Ids the demo relies on; a custom estate must provide them (siamlib.demo_estate checks).
REQUIRED_SUPPLIERS = ("service-desk", "euc", "hosting", "network", "applications")
REQUIRED_SERVICES = ("vpn", "email")

# Tickets named in params/exclusions.yaml: stuck for months, resolved in 2026-10, so the
# agreed exclusions change the October figures. Key: incident number; value: local release time.
EXCLUDED_TICKETS = {42: "2026-10-02 10:00", 777: "2026-10-16 11:00"}


# ------------------------------------------------------------------- 1. clock-stop gaming
@dataclass(frozen=True)
class ClockStopGaming:
    """A tower parks tickets with the user (clock stopped) just before resolving them."""

    supplier: str
    share: float  # of the tower's tickets parked before resolution
    median_hours: int  # parking time, lognormal, on the ticket's SLA clock
    sigma: float
    # Everyone else parks now and then, briefly: the background the gaming stands out from.
    share_desk: float
    share_others: float
    others_median_hours: int
    others_sigma: float


CLOCK_STOP = ClockStopGaming(
    supplier="euc", share=0.65, median_hours=26, sigma=0.5,
    share_desk=0.03, share_others=0.05, others_median_hours=2, others_sigma=0.7,
)  # fmt: skip


# -------------------------------------------------------------------------- 2. ping-pong
@dataclass(frozen=True)
class PingPong:
    """Two towers bounce tickets between their level-2 groups (A -> B -> A, often again)."""

    pair: tuple[str, str]
    not_on_service: str  # the pair's tickets on this service stay put (its own group)
    share: float  # of the pair's dispatched tickets that bounce
    share_others: float  # stray bounces anywhere else
    # a stray bounce between the pair's towers would look planted: it goes here instead
    stray_instead: str
    again: float  # of bouncing tickets that go a second time (A -> B -> A -> B)
    third: float  # of those, that come back once more


PING_PONG = PingPong(
    pair=("hosting", "applications"), not_on_service="email", share=0.14, share_others=0.008,
    stray_instead="network", again=0.6, third=0.5,
)  # fmt: skip


# --------------------------------------------------------------- 3. rising VPN incidents
@dataclass(frozen=True)
class RisingTrend:
    """Extra incidents on one service ramp up; the problem record comes late."""

    service: str
    start: str  # the ramp starts
    quiet_from: str  # no problem record on the service from here until problem_at
    problem_at: str  # the reactive problem is raised (and the ramp peaks)
    root_cause_at: str  # its root cause is found (it stays open)
    # extra incidents as a multiple of the service's baseline: at start, problem_at, window end
    ramp: tuple[float, float, float]
    category: str  # incident category of the extra incidents
    ci_rank: int  # the CI most extra incidents sit on (0-based rank: 2 = vpn-03)
    ci_share: float
    link_share: float  # of the service's later incidents linked to the late problem
    # resolution budget (share of target, median) of the service's tickets while it lasts
    busy_budget_share: float


VPN_TREND = RisingTrend(
    service="vpn", start="2026-06-01", quiet_from="2026-03-01", problem_at="2026-09-15 10:30",
    root_cause_at="2026-10-02 15:00", ramp=(0.0, 2.8, 1.9), category="connectivity",
    ci_rank=2, ci_share=0.7, link_share=0.8, busy_budget_share=0.5,
)  # fmt: skip


# ----------------------------------------------------------------------- 4. aged backlog
@dataclass(frozen=True)
class AgedBacklog:
    """Tickets forgotten in a queue pile up in spring; the integrator clears them from August."""

    # chance a dispatched P3/P4 ticket gets stuck, per month of the window (2025-10 .. 2026-10)
    share_by_month: tuple[float, ...]
    min_priority: int
    held_days: tuple[int, int]  # uniform, when nobody cleans up
    cleanup_start: str
    front_load: float  # power on the release time within the clean-up: > 1 front-loads it
    left_share: float  # of the old queue still held at the end of the window
    left_days_after_end: int  # released that long after the window end (so: still open)
    assigned_share: float  # held as "assigned"; the rest "awaiting_problem"


AGED_BACKLOG = AgedBacklog(
    share_by_month=(0.003, 0.003, 0.003, 0.004, 0.006, 0.015, 0.03, 0.045, 0.045, 0.008,
                    0.003, 0.002, 0.002),
    min_priority=3, held_days=(35, 150), cleanup_start="2026-08-01", front_load=1.3,
    left_share=0.1, left_days_after_end=30, assigned_share=0.65,
)  # fmt: skip


# ------------------------------------------------------------------------ 5. outages
@dataclass(frozen=True)
class MajorOutage:
    """One long unplanned outage, with a burst of incidents held until it ends."""

    service: str
    start: str
    end: str
    burst_share: float  # of all tickets: incidents raised in its first hours
    burst_hours: int
    burst_p2_share: float  # the burst's P2s; the rest are P3
    burst_budget_share: float  # resolution budget (share of target, median)
    fixed_after_minutes: tuple[int, int]  # burst tickets resolved this long after the end
    problem_after_hours: int  # the reactive problem is raised this long after the end
    problem_category: str
    survey_supplier: str  # whose satisfaction survey dips in the outage month ...
    survey_score: float  # ... to this mean


@dataclass(frozen=True)
class RoutineOutages:
    """Unplanned outages and planned weekend-night maintenance on every tower service."""

    per_month: float  # unplanned, Poisson per service (at least one)
    median_minutes: int
    sigma: float
    clip_minutes: tuple[int, int]
    skip_maintenance: float  # chance a month has no maintenance window
    maintenance_hour: int  # local start hour, Saturday or Sunday
    maintenance_hours: tuple[int, int]  # length, integer hours, upper bound exclusive


EMAIL_OUTAGE = MajorOutage(
    service="email", start="2026-10-13 06:10", end="2026-10-14 12:25", burst_share=0.0015,
    burst_hours=3, burst_p2_share=0.4, burst_budget_share=1.2, fixed_after_minutes=(10, 120),
    problem_after_hours=20, problem_category="performance", survey_supplier="hosting",
    survey_score=3.4,
)  # fmt: skip
ROUTINE_OUTAGES = RoutineOutages(
    per_month=0.5, median_minutes=35, sigma=0.9, clip_minutes=(5, 300), skip_maintenance=0.15,
    maintenance_hour=22, maintenance_hours=(1, 5),
)  # fmt: skip


# ------------------------------------------------------------------------ 6. changes
@dataclass(frozen=True)
class Changes:
    """Changes by the towers; one tower runs many emergencies; failures cause incidents."""

    tickets_per_change: int
    min_changes: int
    desk_weight: float  # the desk's services get fewer changes than the towers'
    # standard / normal / emergency mix: most towers, the emergency-prone one, the desk
    mix: tuple[float, float, float]
    emergency_supplier: str
    emergency_mix: tuple[float, float, float]
    desk_mix: tuple[float, float, float]
    failed_emergency: float  # chance of failing; as many again are backed out
    failed_other: float
    cancelled: float
    caused_within_hours: int  # incidents on the service opened this soon after are linked
    caused_per_change: float  # expected links per failed change ...
    caused_max_share: float  # ... at most this share of the candidate incidents


CHANGES = Changes(
    tickets_per_change=45, min_changes=40, desk_weight=0.2, mix=(0.6, 0.35, 0.05),
    emergency_supplier="network", emergency_mix=(0.45, 0.3, 0.25), desk_mix=(0.8, 0.2, 0.0),
    failed_emergency=0.12, failed_other=0.035, cancelled=0.02, caused_within_hours=48,
    caused_per_change=3.0, caused_max_share=0.6,
)  # fmt: skip


# ------------------------------------------------------------ 7. improvement register
@dataclass(frozen=True)
class Improvements:
    """Continual-improvement initiatives: the integrator raises and delivers most."""

    per_month_integrator: float
    per_month_tower: float
    approval_median_days: int
    rejected: float
    delivers_integrator: float
    delivers_tower: float
    delivery_median_days_integrator: int
    delivery_median_days_tower: int
    start_after_days: tuple[int, int]  # work starts this long after approval (upper excl.)
    benefit_median: int
    realised_integrator: tuple[float, float]  # realised share of the estimate, uniform
    realised_tower: tuple[float, float]


IMPROVEMENTS = Improvements(
    per_month_integrator=2.4, per_month_tower=0.6, approval_median_days=12, rejected=0.12,
    delivers_integrator=0.85, delivers_tower=0.55, delivery_median_days_integrator=35,
    delivery_median_days_tower=60, start_after_days=(3, 40), benefit_median=20_000,
    realised_integrator=(0.5, 1.2), realised_tower=(0.2, 0.9),
)  # fmt: skip
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


# --------------------------------------------------------------------------- 8. surveys
@dataclass(frozen=True)
class Surveys:
    """Monthly customer satisfaction per tower and a 360 collaboration rating of everyone."""

    responses_per_tower: int
    satisfaction: dict[str, float]  # mean per tower; others satisfaction_default
    satisfaction_default: float
    collaboration: dict[str, float]  # the planted outlier; others below
    collaboration_integrator: float
    collaboration_default: float
    sigma: float


SURVEYS = Surveys(
    responses_per_tower=30,
    satisfaction={"service-desk": 4.2, "euc": 3.9, "hosting": 4.1, "network": 4.0,
                  "applications": 3.8},
    satisfaction_default=4.0, collaboration={"applications": 2.9}, collaboration_integrator=4.1,
    collaboration_default=3.9, sigma=0.8,
)  # fmt: skip


# ------------------------------------------------------------------- 9. push-to-front
@dataclass(frozen=True)
class PushToFront:
    """A tower dispatches straight to its level 3 and sends work back down to level 2."""

    supplier: str
    straight_to_l3: float
    straight_to_l3_others: float
    back_down: float  # of its tickets that reach level 3
    back_down_others: float
    # callers notice: satisfaction on its tickets is this much lower
    satisfaction_penalty: float


PUSH_TO_FRONT = PushToFront(
    supplier="applications", straight_to_l3=0.10, straight_to_l3_others=0.006, back_down=0.45,
    back_down_others=0.05, satisfaction_penalty=0.3,
)  # fmt: skip


# ------------------------------------------------------------------------ 10. watermelon
@dataclass(frozen=True)
class Watermelon:
    """SLAs green, customers unhappy: the desk's first-time fixes stop sticking."""

    supplier: str
    start: str  # tickets opened from here (and the last survey_months surveys)
    reopen_share: float  # of first-time fixes reopened from start ...
    reopen_share_before: float  # ... and before
    reopen_share_towers: float  # dispatched tickets, all year
    satisfaction: float  # caller satisfaction (mean) on its tickets from start ...
    satisfaction_before: float  # ... and on every other ticket
    survey_months: int
    survey_score: float


WATERMELON = Watermelon(
    supplier="service-desk", start="2026-08-01", reopen_share=0.17, reopen_share_before=0.03,
    reopen_share_towers=0.04, satisfaction=3.0, satisfaction_before=4.35, survey_months=3,
    survey_score=2.9,
)  # fmt: skip
