"""Per-ticket SLA clocks: hand-computed tickets and invariants.

The contracts below are built in code so every number can be checked by hand. Unless a test
says otherwise a ticket is P3 on supplier ``tower-a``: response target 2 h and resolution
target 16 h on the ``business`` calendar (Mon-Fri 08:00-17:00 Europe/London, English bank
holidays), pause status ``awaiting_user``. January 2026 is GMT, so local time = UTC;
12 Jan 2026 is a Monday.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siamlib.clocks import CLOCK_COLUMNS, CLOCK_DTYPES, ticket_clocks, time_by_supplier
from siamlib.params import (
    DAYS,
    Calendar,
    Capability,
    ClockRules,
    Contract,
    Delivery,
    Estate,
    Exclusions,
    Params,
    Raci,
    SlaTarget,
    Supplier,
)

WEEKDAYS = DAYS[:5]
CALENDARS = {
    "business": Calendar(
        timezone="Europe/London",
        weekly_hours={d: [("08:00", "17:00")] for d in WEEKDAYS},
        holidays={"country": "GB", "subdivision": "ENG"},
    ),
    "always": Calendar(
        timezone="Europe/London", weekly_hours={d: [("00:00", "24:00")] for d in DAYS}
    ),
    "night": Calendar(
        timezone="Europe/London", weekly_hours={d: [("00:00", "03:00")] for d in DAYS}
    ),
}
NEW_YORK = {
    "business": Calendar(
        timezone="America/New_York",
        weekly_hours={d: [("09:00", "17:00")] for d in WEEKDAYS},
        holidays={"country": "US"},
    )
}
TARGETS = [
    SlaTarget(priority=1, clock="response", target_hours=0.5, calendar="always"),
    SlaTarget(priority=1, clock="resolution", target_hours=4, calendar="always"),
    SlaTarget(priority=2, clock="response", target_hours=1, calendar="night"),
    SlaTarget(priority=2, clock="resolution", target_hours=6, calendar="night"),
    SlaTarget(priority=3, clock="response", target_hours=2, calendar="business"),
    SlaTarget(priority=3, clock="resolution", target_hours=16, calendar="business"),
]


def make_params(**clock) -> Params:
    """Estate: integrator, tower-a (London), tower-b (New York), with clock rules ``clock``."""
    rules = ClockRules(**clock)
    suppliers = [
        Supplier(id="integrator", name="Integrator", role="integrator"),
        Supplier(id="tower-a", name="Tower A", role="tower"),
        Supplier(id="tower-b", name="Tower B", role="tower"),
    ]
    contracts = {
        "integrator": Contract(
            supplier_id="integrator", monthly_charge=0, calendars=CALENDARS, clock=rules
        ),
        "tower-a": Contract(
            supplier_id="tower-a",
            monthly_charge=0,
            calendars=CALENDARS,
            clock=rules,
            sla_targets=TARGETS,
        ),
        "tower-b": Contract(
            supplier_id="tower-b",
            monthly_charge=0,
            calendars=NEW_YORK,
            clock=rules,
            sla_targets=[
                SlaTarget(priority=3, clock="response", target_hours=2),
                SlaTarget(priority=3, clock="resolution", target_hours=16),
            ],
        ),
    }
    return Params(
        root=Path("."),
        estate=Estate(name="Test estate", suppliers=suppliers),
        contracts=contracts,
        raci=Raci(
            parties=["retained"],
            capabilities=[
                Capability(id="ops", name="Ops", stage="operations", raci={"retained": "A"})
            ],
        ),
        exclusions=Exclusions(),
        delivery=Delivery(),
    )


PARAMS = make_params()
AS_OF = pd.Timestamp("2026-12-01T00:00Z")


def ticket(tid="T1", opened="2026-01-12T08:00Z", first_response=None, resolved=None, **kw):
    row = {
        "ticket_id": tid,
        "ticket_type": "incident",
        "supplier_id": "tower-a",
        "service": "email",
        "priority": 3,
        "opened_at": opened,
        "first_response_at": first_response,
        "resolved_at": resolved,
        "closed_at": None,
        "status": "resolved" if resolved else "in_progress",
    }
    row.update(kw)
    return row


def frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in ("opened_at", "first_response_at", "resolved_at", "closed_at"):
        df[c] = pd.to_datetime(df[c], utc=True)
    df["priority"] = df["priority"].astype("Int64")
    return df


def history(tid: str, *steps, supplier="tower-a") -> list[dict]:
    """Events from (time, status) or (time, status, supplier) steps."""
    out = []
    for i, step in enumerate(steps, start=1):
        at, status = step[0], step[1]
        out.append(
            {
                "ticket_id": tid,
                "event_seq": i,
                "event_at": pd.Timestamp(at),
                "status": status,
                "supplier_id": step[2] if len(step) > 2 else supplier,
            }
        )
    return out


def events_frame(rows) -> pd.DataFrame:
    cols = ["ticket_id", "event_seq", "event_at", "status", "supplier_id"]
    df = pd.DataFrame(rows, columns=cols)
    df["event_at"] = pd.to_datetime(df["event_at"], utc=True)
    return df


def clocks(tickets, events=(), params=PARAMS, as_of=AS_OF) -> pd.DataFrame:
    return ticket_clocks(frame(tickets), events_frame(list(events)), params, as_of).set_index(
        "ticket_id"
    )


# ------------------------------------------------------------------- hand-computed cases ----
def test_measures_md_example_friday_night_to_monday_morning():
    # Opened Fri 9 Jan 21:00, first response and resolution Mon 12 Jan 09:30.
    # Business: Monday 08:00-09:30 = 1.5 h. Wall clock: 3 h + 48 h + 9.5 h = 60.5 h.
    c = clocks([ticket(opened="2026-01-09T21:00Z", first_response="2026-01-12T09:30Z",
                       resolved="2026-01-12T09:30Z")])  # fmt: skip
    row = c.loc["T1"]
    assert row["response_h"] == 1.5
    assert row["resolution_h"] == 1.5
    assert row["resolution_actual_h"] == 60.5
    assert row["completed"] and not row["is_open"]
    assert row["resolved_at"] == pd.Timestamp("2026-01-12T09:30Z")


def test_output_has_the_documented_columns_one_row_per_ticket():
    c = ticket_clocks(frame([ticket("A"), ticket("B")]), events_frame([]), PARAMS, AS_OF)
    assert tuple(c.columns) == CLOCK_COLUMNS
    assert c["ticket_id"].tolist() == ["A", "B"]


def test_weekend_crossing_in_resolution_time():
    # Opened Fri 9 Jan 16:00, resolved Mon 12 Jan 10:00: Fri 1 h + Mon 2 h = 3 h.
    c = clocks([ticket(opened="2026-01-09T16:00Z", resolved="2026-01-12T10:00Z")])
    assert c.loc["T1", "resolution_h"] == 3.0
    # Wall clock: Fri 16:00 -> Mon 10:00 = 8 h + 48 h + 10 h = 66 h.
    assert c.loc["T1", "resolution_actual_h"] == 66.0


def test_bank_holiday_crossing():
    # Fri 28 Aug 16:00 BST (15:00Z) -> Tue 1 Sep 10:00 BST (09:00Z): Fri 1 h, Mon 31 Aug bank
    # holiday 0 h, Tue 08:00-10:00 2 h = 3 h.
    c = clocks([ticket(opened="2026-08-28T15:00Z", resolved="2026-09-01T09:00Z")])
    assert c.loc["T1", "resolution_h"] == 3.0


def test_dst_days_on_a_24x7_calendar():
    # P1 uses the 24x7 calendar: every instant counts, so the spring Sunday (local midnight
    # 29 Mar 00:00Z -> local midnight 30 Mar 23:00Z) has 23 h and the autumn one
    # (24 Oct 23:00Z -> 26 Oct 00:00Z) has 25 h.
    c = clocks([
        ticket("S", opened="2026-03-29T00:00Z", resolved="2026-03-29T23:00Z", priority=1),
        ticket("A", opened="2026-10-24T23:00Z", resolved="2026-10-26T00:00Z", priority=1),
    ])  # fmt: skip
    assert c.loc["S", "resolution_h"] == 23.0
    assert c.loc["A", "resolution_h"] == 25.0
    assert bool(c.loc["S", "resolution_breached"]) and bool(c.loc["A", "resolution_breached"])


def test_dst_days_on_a_night_schedule():
    # P2 uses the 00:00-03:00 calendar. Sat 28 Mar 12:00Z -> Mon 30 Mar 12:00Z: Sunday loses
    # the skipped hour (2 h), Monday 00:00-03:00 BST = 3 h: 5 h.
    # Sat 24 Oct 12:00Z -> Mon 26 Oct 12:00Z: Sunday repeats 01:00-02:00 (4 h), Monday 3 h: 7 h.
    c = clocks([
        ticket("S", opened="2026-03-28T12:00Z", resolved="2026-03-30T12:00Z", priority=2),
        ticket("A", opened="2026-10-24T12:00Z", resolved="2026-10-26T12:00Z", priority=2),
    ])  # fmt: skip
    assert c.loc["S", "resolution_h"] == 5.0
    assert c.loc["A", "resolution_h"] == 7.0
    assert c.loc["A", "resolution_calendar"] == "night"


def test_new_york_supplier_is_measured_on_its_own_calendar():
    # tower-b: 09:00-17:00 New York, US holidays. Thu 2 Jul 16:00 EDT (20:00Z) -> Mon 6 Jul
    # 10:00 EDT (14:00Z): Thu 1 h, Fri 3 Jul Independence Day (observed) 0, Mon 1 h = 2 h.
    c = clocks([ticket(opened="2026-07-02T20:00Z", resolved="2026-07-06T14:00Z",
                       supplier_id="tower-b")])  # fmt: skip
    assert c.loc["T1", "resolution_h"] == 2.0
    assert c.loc["T1", "resolution_target_h"] == 16.0


def test_pause_status_is_excluded_from_resolution_time():
    # Mon 12 Jan: new 09:00, in_progress 10:00, awaiting_user 11:00, in_progress 14:00,
    # resolved 15:30. Running 09:00-11:00 (2 h) + 14:00-15:30 (1.5 h) = 3.5 h; paused 3 h;
    # wall clock 6.5 h.
    ev = history("T1", ("2026-01-12T09:00Z", "new"), ("2026-01-12T10:00Z", "in_progress"),
                 ("2026-01-12T11:00Z", "awaiting_user"), ("2026-01-12T14:00Z", "in_progress"),
                 ("2026-01-12T15:30Z", "resolved"))  # fmt: skip
    c = clocks([ticket(opened="2026-01-12T09:00Z", resolved="2026-01-12T15:30Z")], ev)
    row = c.loc["T1"]
    assert (row["resolution_h"], row["paused_h"], row["resolution_actual_h"]) == (3.5, 3.0, 6.5)
    assert not row["pause_before_resolution"]


def test_resolving_straight_from_a_pause_is_flagged():
    ev = history("T1", ("2026-01-12T09:00Z", "new"), ("2026-01-12T10:00Z", "awaiting_user"),
                 ("2026-01-12T11:00Z", "resolved"), ("2026-01-12T12:00Z", "closed"))  # fmt: skip
    c = clocks([ticket(opened="2026-01-12T09:00Z", resolved="2026-01-12T11:00Z")], ev)
    assert bool(c.loc["T1", "pause_before_resolution"])
    assert c.loc["T1", "status"] == "closed"
    # The final resolution is the entry into `resolved`, not the later close.
    assert c.loc["T1", "resolved_at"] == pd.Timestamp("2026-01-12T11:00Z")


REOPENED = history(
    "T1",
    ("2026-01-12T08:00Z", "in_progress"),  # cycle 1: Mon 08:00-17:00 = 9 h
    ("2026-01-13T16:00Z", "resolved"),  # ... + Tue 08:00-16:00 = 8 h -> 17 h (over 16 h)
    ("2026-01-14T08:00Z", "in_progress"),  # reopened Wed 08:00, cycle 2
    ("2026-01-14T10:00Z", "resolved"),  # cycle 2: 2 h
)


def test_reopen_resume_accumulates_across_cycles():
    # resume: one clock, 17 h + 2 h = 19 h > 16 h. It reached 16 h on Tue at 15:00
    # (9 h Monday + 7 h Tuesday from 08:00).
    c = clocks([ticket(resolved="2026-01-14T10:00Z")], REOPENED, make_params(reopen="resume"))
    row = c.loc["T1"]
    assert row["resolution_h"] == 19.0 and row["cycles"] == 2 and row["last_cycle_h"] == 2.0
    assert bool(row["resolution_breached"]) and bool(row["ever_breached"])
    assert row["resolution_breached_at"] == pd.Timestamp("2026-01-13T15:00Z")
    assert row["resolved_at"] == pd.Timestamp("2026-01-14T10:00Z")
    # Wall clock from opening to the last resolution: Mon 08:00 -> Wed 10:00 = 50 h.
    assert row["resolution_actual_h"] == 50.0


def test_reopen_restart_measures_each_cycle_on_its_own():
    # restart: cycle 1 = 17 h (breached), cycle 2 = 2 h (met). The current clock (cycle 2) is
    # within target, but the ticket has breached in some cycle.
    c = clocks([ticket(resolved="2026-01-14T10:00Z")], REOPENED, make_params(reopen="restart"))
    row = c.loc["T1"]
    assert row["resolution_h"] == 19.0  # all open cycles still add up
    assert not row["resolution_breached"]
    assert bool(row["ever_breached"])
    assert row["elapsed_share"] == 2.0 / 16.0
    assert pd.isna(row["resolution_breached_at"])


def test_restart_with_every_cycle_in_target_never_breaches():
    # Cycle 1: Mon 08:00-17:00 9 h + Tue 08:00-15:00 7 h = 16 h (exactly on target = met);
    # cycle 2: 2 h. resume would total 18 h (breached); restart breaches nowhere.
    ev = history("T1", ("2026-01-12T08:00Z", "in_progress"),
                 ("2026-01-13T15:00Z", "resolved"),
                 ("2026-01-14T08:00Z", "in_progress"),
                 ("2026-01-14T10:00Z", "resolved"))  # fmt: skip
    t = [ticket(resolved="2026-01-14T10:00Z")]
    restart = clocks(t, ev, make_params(reopen="restart")).loc["T1"]
    resume = clocks(t, ev, make_params(reopen="resume")).loc["T1"]
    assert not restart["ever_breached"] and not restart["resolution_breached"]
    assert resume["resolution_h"] == 18.0 and bool(resume["ever_breached"])


def test_response_pause_before_first_response_vs_none():
    # Opened Mon 08:00, awaiting_user 09:00-11:00, first response 12:00 (target 2 h).
    # none: 08:00 -> 12:00 = 4 h, breached at 10:00 (2 h in).
    # before_first_response: 4 h - 2 h paused = 2 h, exactly on target: met.
    ev = history("T1", ("2026-01-12T08:00Z", "new"),
                 ("2026-01-12T09:00Z", "awaiting_user"),
                 ("2026-01-12T11:00Z", "in_progress"),
                 ("2026-01-12T13:00Z", "resolved"))  # fmt: skip
    t = [ticket(first_response="2026-01-12T12:00Z", resolved="2026-01-12T13:00Z")]
    none = clocks(t, ev, make_params(response_pause="none")).loc["T1"]
    paused = clocks(t, ev, make_params(response_pause="before_first_response")).loc["T1"]
    assert none["response_h"] == 4.0 and bool(none["response_breached"])
    assert none["response_breached_at"] == pd.Timestamp("2026-01-12T10:00Z")
    assert paused["response_h"] == 2.0 and not paused["response_breached"]


def test_resolution_without_a_recorded_response_ends_the_response_clock():
    # No first_response_at; resolved Mon 09:30 after opening at 08:00: response 1.5 h.
    c = clocks([ticket(resolved="2026-01-12T09:30Z")])
    assert c.loc["T1", "response_h"] == 1.5


def test_open_ticket_is_measured_to_as_of_with_an_at_risk_band():
    # Opened Mon 08:00, in progress. As of Tue 11:00: 9 h + 3 h = 12 h of 16 h = 75% -> band
    # "75-85%" (lower edges inclusive). As of Tue 08:30: 9.5 h = 59.4% -> "50-75%".
    # As of Wed 09:00: 9 + 9 + 1 = 19 h > 16 h -> "breached".
    ev = history("T1", ("2026-01-12T08:00Z", "in_progress"))
    t = [ticket()]
    at = {a: clocks(t, ev, as_of=pd.Timestamp(a)).loc["T1"]
          for a in ("2026-01-13T11:00Z", "2026-01-13T08:30Z", "2026-01-14T09:00Z")}  # fmt: skip
    first = at["2026-01-13T11:00Z"]
    assert first["resolution_h"] == 12.0 and first["elapsed_share"] == 0.75
    assert first["at_risk_band"] == "75-85%" and first["is_open"] and not first["completed"]
    assert not first["resolution_breached"]
    # Wall clock to as_of: Mon 08:00 -> Tue 11:00 = 27 h.
    assert first["resolution_actual_h"] == 27.0 and pd.isna(first["resolved_at"])
    assert at["2026-01-13T08:30Z"]["at_risk_band"] == "50-75%"
    late = at["2026-01-14T09:00Z"]
    assert late["at_risk_band"] == "breached" and bool(late["resolution_breached"])
    # 16 h were reached on Tue 15:00 (9 h Monday + 7 h Tuesday).
    assert late["resolution_breached_at"] == pd.Timestamp("2026-01-13T15:00Z")


def test_done_tickets_have_no_at_risk_band():
    c = clocks([ticket(resolved="2026-01-12T09:00Z")])
    assert pd.isna(c.loc["T1", "at_risk_band"])


def test_ticket_without_events_is_one_running_interval():
    # No events: running from opened (Mon 10:00) to resolved (Mon 15:00) = 5 h.
    c = clocks([ticket(opened="2026-01-12T10:00Z", resolved="2026-01-12T15:00Z")])
    row = c.loc["T1"]
    assert row["resolution_h"] == 5.0 and row["status"] == "resolved" and row["cycles"] == 1


def test_gap_before_the_first_event_counts_as_new():
    # Opened Mon 08:00, first event (assigned) at 10:00, resolved 11:00: 2 h + 1 h = 3 h.
    ev = history("T1", ("2026-01-12T10:00Z", "assigned"), ("2026-01-12T11:00Z", "resolved"))
    assert clocks([ticket(resolved="2026-01-12T11:00Z")], ev).loc["T1", "resolution_h"] == 3.0


def test_cancelled_tickets_are_excluded_from_breach():
    ev = history("T1", ("2026-01-12T08:00Z", "new"), ("2026-01-16T08:00Z", "cancelled"))
    row = clocks([ticket(status="cancelled")], ev).loc["T1"]
    assert row["cancelled"] and not row["completed"] and not row["is_open"]
    assert pd.isna(row["resolution_breached"]) and pd.isna(row["response_breached"])
    assert pd.isna(row["ever_breached"]) and pd.isna(row["at_risk_band"])
    assert row["resolution_h"] == 36.0  # Mon-Thu 4 x 9 h: measured, just not judged


def test_supplier_without_targets_is_measured_without_a_verdict():
    # The integrator's contract has no targets: hours on its business calendar, no breach.
    row = clocks([ticket(supplier_id="integrator", resolved="2026-01-12T10:00Z")]).loc["T1"]
    assert row["resolution_h"] == 2.0
    assert np.isnan(row["resolution_target_h"]) and pd.isna(row["resolution_breached"])


def test_events_after_as_of_are_ignored_and_later_tickets_left_out():
    ev = history("T1", ("2026-01-12T08:00Z", "in_progress"), ("2026-01-12T12:00Z", "resolved"))
    t = [ticket(resolved="2026-01-12T12:00Z"), ticket("T2", opened="2026-01-12T11:00Z")]
    c = clocks(t, ev, as_of=pd.Timestamp("2026-01-12T10:00Z"))
    assert list(c.index) == ["T1"]
    assert c.loc["T1", "resolution_h"] == 2.0 and c.loc["T1", "is_open"]


def test_targets_follow_the_contract_in_force_on_the_opened_date():
    params = make_params()
    tightened = params.contracts["tower-a"].model_copy(
        update={
            "sla_targets": [
                SlaTarget(
                    priority=3, clock="resolution", target_hours=16, effective_to="2026-02-01"
                ),
                SlaTarget(
                    priority=3, clock="resolution", target_hours=8, effective_from="2026-02-01"
                ),
            ]
        }
    )
    params = params.model_copy(update={"contracts": {**params.contracts, "tower-a": tightened}})
    jan, feb = ticket("JAN", opened="2026-01-30T10:00Z"), ticket("FEB", opened="2026-02-02T10:00Z")
    c = clocks([jan, feb], params=params)
    assert c.loc["JAN", "resolution_target_h"] == 16.0
    assert c.loc["FEB", "resolution_target_h"] == 8.0


def test_unknown_supplier_is_a_clear_error():
    with pytest.raises(ValueError, match="without a contract"):
        clocks([ticket(supplier_id="nobody")])


def test_time_by_supplier_splits_resolution_time_across_handoffs():
    # Mon 12 Jan: integrator holds 08:00-09:00 (1 h), tower-b 09:00-12:00 (3 h, 1 h of it
    # awaiting_user), tower-a 12:00-14:00 (2 h) then resolves. On tower-a's business calendar.
    ev = history("T1", ("2026-01-12T08:00Z", "new", "integrator"),
                 ("2026-01-12T09:00Z", "assigned", "tower-b"),
                 ("2026-01-12T10:00Z", "awaiting_user", "tower-b"),
                 ("2026-01-12T11:00Z", "in_progress", "tower-b"),
                 ("2026-01-12T12:00Z", "in_progress", "tower-a"),
                 ("2026-01-12T14:00Z", "resolved", "tower-a"))  # fmt: skip
    t = frame([ticket(resolved="2026-01-12T14:00Z")])
    held = time_by_supplier(t, events_frame(ev), PARAMS, AS_OF).set_index("supplier_id")
    assert held["held_h"].to_dict() == {"integrator": 1.0, "tower-a": 2.0, "tower-b": 2.0}
    assert held.loc["tower-b", "paused_h"] == 1.0 and held.loc["tower-b", "held_actual_h"] == 3.0
    total = ticket_clocks(t, events_frame(ev), PARAMS, AS_OF)["resolution_h"].item()
    assert held["held_h"].sum() == total == 5.0


# ------------------------------------------------------------------------- properties ----
OPEN_ST = ["new", "assigned", "in_progress", "awaiting_user", "awaiting_supplier"]
ALL_ST = OPEN_ST + ["resolved", "closed", "cancelled"]
BASE = pd.Timestamp("2026-03-27T06:00Z")  # Friday before the spring DST change


@st.composite
def estates(draw):
    n = draw(st.integers(1, 4))
    tickets, events = [], []
    for i in range(n):
        tid = f"T{i}"
        opened = BASE + pd.Timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        k = draw(st.integers(0, 6))
        at = opened
        steps = []
        for _ in range(k):
            at = at + pd.Timedelta(minutes=draw(st.integers(0, 30 * 60)))
            steps.append(
                (at, draw(st.sampled_from(ALL_ST)), draw(st.sampled_from(["tower-a", "tower-b"])))
            )
        events += history(tid, *steps)
        res = at if steps and steps[-1][1] in ("resolved", "closed") else None
        tickets.append(
            ticket(tid, opened=opened, resolved=res, priority=draw(st.integers(1, 3)),
                   supplier_id=draw(st.sampled_from(["tower-a", "tower-b", "integrator"])),
                   first_response=opened + pd.Timedelta(minutes=draw(st.integers(0, 600))))
        )  # fmt: skip
    as_of = BASE + pd.Timedelta(days=draw(st.integers(1, 8)))
    return frame(tickets), events_frame(events), as_of


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=estates())
def test_business_time_never_exceeds_wall_time(data):
    t, e, as_of = data
    c = ticket_clocks(t, e, PARAMS, as_of)
    assert (c["resolution_h"] + c["paused_h"] <= c["resolution_actual_h"] + 1e-9).all()
    opened = c["opened_at"]
    resp_wall = (c["first_response_at"].fillna(as_of).clip(upper=as_of) - opened).dt.total_seconds()
    assert (c["response_h"] * 3600 <= resp_wall.clip(lower=0) + 1e-6).all()


@SETTINGS
@given(data=estates(), which=st.integers(0, 1000), pause=st.sampled_from(["awaiting_user"]))
def test_turning_an_interval_into_a_pause_never_lengthens_resolution_time(data, which, pause):
    t, e, as_of = data
    if e.empty:
        return
    before = ticket_clocks(t, e, PARAMS, as_of).set_index("ticket_id")["resolution_h"]
    e2 = e.copy()
    row = which % len(e2)
    if e2.loc[row, "status"] in ("resolved", "closed", "cancelled"):
        return  # turning a stopped interval into a pause would reopen the ticket
    e2.loc[row, "status"] = pause
    after = ticket_clocks(t, e2, PARAMS, as_of).set_index("ticket_id")["resolution_h"]
    assert (after <= before + 1e-9).all()


@SETTINGS
@given(data=estates(), seed=st.integers(0, 2**16))
def test_results_do_not_depend_on_row_order(data, seed):
    t, e, as_of = data
    expected = ticket_clocks(t, e, PARAMS, as_of)
    ts = t.sample(frac=1, random_state=seed).reset_index(drop=True)
    es = e.sample(frac=1, random_state=seed + 1).reset_index(drop=True)
    pd.testing.assert_frame_equal(ticket_clocks(ts, es, PARAMS, as_of), expected)
    pd.testing.assert_frame_equal(
        time_by_supplier(ts, es, PARAMS, as_of), time_by_supplier(t, e, PARAMS, as_of)
    )


@SETTINGS
@given(data=estates(), reopen=st.sampled_from(["resume", "restart"]))
def test_time_held_by_suppliers_adds_up_to_resolution_time(data, reopen):
    t, e, as_of = data
    params = make_params(reopen=reopen)
    c = ticket_clocks(t, e, params, as_of).set_index("ticket_id")
    held = time_by_supplier(t, e, params, as_of).groupby("ticket_id")["held_h"].sum()
    held = held.reindex(c.index, fill_value=0.0)
    np.testing.assert_allclose(held.to_numpy(), c["resolution_h"].to_numpy(), atol=1e-9)
    # With resume the verdict never un-breaches: ever_breached equals resolution_breached.
    if reopen == "resume":
        judged = c["resolution_breached"].notna()
        assert (c.loc[judged, "ever_breached"] == c.loc[judged, "resolution_breached"]).all()


@SETTINGS
@given(data=estates())
def test_one_pass_for_clocks_and_attribution_gives_both_functions_results(data):
    from siamlib.clocks import clocks_and_attribution

    t, e, as_of = data
    c, a = clocks_and_attribution(t, e, PARAMS, as_of)
    pd.testing.assert_frame_equal(c, ticket_clocks(t, e, PARAMS, as_of))
    pd.testing.assert_frame_equal(a, time_by_supplier(t, e, PARAMS, as_of))


def test_columns_have_the_documented_dtypes():
    c = ticket_clocks(frame([ticket()]), events_frame([]), PARAMS, AS_OF)
    assert {k: str(v) for k, v in c.dtypes.items()} == CLOCK_DTYPES
    before = pd.Timestamp("2025-01-01T00:00Z")  # before every ticket: no rows
    empty = ticket_clocks(frame([ticket()]), events_frame([]), PARAMS, before)
    assert empty.empty and {k: str(v) for k, v in empty.dtypes.items()} == CLOCK_DTYPES


def test_large_inputs_take_the_per_minute_table_with_identical_results(monkeypatch):
    # 60,000 events (over the table threshold) on three calendars, computed with the
    # side-by-side minute table and, with the table disabled, calendar by calendar.
    from siamlib import clock_intervals as clocks_module  # home of the B() look-up table

    rng = np.random.default_rng(11)
    n = 12_000
    minutes = rng.integers(0, 40 * 24 * 60, n)
    opened = pd.Timestamp("2026-03-20T00:00Z") + pd.to_timedelta(minutes, "min")
    priority = rng.integers(1, 4, n)
    owner = rng.choice(["tower-a", "tower-b"], n)
    ids = [f"T{i:05d}" for i in range(n)]
    tickets = frame(
        [ticket(ids[i], opened=opened[i], priority=int(priority[i]), supplier_id=owner[i])
         for i in range(n)]
    )  # fmt: skip
    steps = ["new", "in_progress", "awaiting_user", "in_progress", "resolved"]
    gaps = np.cumsum(rng.integers(0, 3000, (n, 5)), axis=1)
    ev = events_frame(
        [{"ticket_id": ids[i], "event_seq": k + 1,
          "event_at": opened[i] + pd.Timedelta(minutes=int(gaps[i, k])),
          "status": steps[k], "supplier_id": "tower-a"}
         for i in range(n) for k in range(5)]
    )  # fmt: skip
    as_of = pd.Timestamp("2026-05-15T00:00Z")
    fast = ticket_clocks(tickets, ev, PARAMS, as_of)
    monkeypatch.setattr(clocks_module, "_STACK_MAX_CELLS", 0)
    slow = ticket_clocks(tickets, ev, PARAMS, as_of)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["resolution_h"].gt(0).any() and fast["paused_h"].gt(0).any()


def test_event_order_does_not_matter_grouped_or_shuffled_or_with_duplicate_seq():
    # Same events: sorted, ticket blocks in reverse order (each ticket's events together),
    # fully shuffled; and a ticket whose two events share event_seq 2 (ordered by time).
    ev = (
        history("A", ("2026-01-12T08:00Z", "new"), ("2026-01-12T09:00Z", "in_progress"),
                ("2026-01-12T10:00Z", "awaiting_user"), ("2026-01-12T12:00Z", "resolved"))
        + history("B", ("2026-01-12T08:00Z", "new"), ("2026-01-12T11:00Z", "resolved"))
    )  # fmt: skip
    dup = history("C", ("2026-01-12T08:00Z", "new"), ("2026-01-12T09:00Z", "awaiting_user"),
                  ("2026-01-12T13:00Z", "in_progress"))  # fmt: skip
    dup[2]["event_seq"] = 2  # same seq as the awaiting_user event, 4 h later
    t = frame([ticket("A"), ticket("B"), ticket("C")])
    base = events_frame(ev + dup)
    expected = ticket_clocks(t, base, PARAMS, pd.Timestamp("2026-01-12T14:00Z"))
    # C: running 08:00-09:00 and 13:00-14:00 = 2 h; paused 09:00-13:00 = 4 h.
    assert expected.set_index("ticket_id").loc["C", ["resolution_h", "paused_h"]].tolist() == [
        2.0,
        4.0,
    ]
    blocks = events_frame(dup[::-1] + ev[4:] + ev[:4])
    shuffled = base.sample(frac=1, random_state=3)
    for events in (blocks, shuffled):
        got = ticket_clocks(t, events, PARAMS, pd.Timestamp("2026-01-12T14:00Z"))
        pd.testing.assert_frame_equal(got, expected)
    # Without the duplicate, reversed blocks take the run-sorting path.
    t2 = frame([ticket("A"), ticket("B")])
    at = pd.Timestamp("2026-01-12T14:00Z")
    pd.testing.assert_frame_equal(
        ticket_clocks(t2, events_frame(ev[4:] + ev[:4]), PARAMS, at),
        ticket_clocks(t2, events_frame(ev), PARAMS, at),
    )
