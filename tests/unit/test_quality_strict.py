"""siamlib.quality_strict: dates against the rest of a record (PRB-030, IMP-030), a problem's
origin against its incidents (PRB-031) and the same ticket under another id (TKT-050), on the
hand-written good dataset of tests/unit/test_quality.py (January 2026)."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import io, quality, quality_strict
from siamlib.params import Contract
from tests.fixtures import datasets
from tests.fixtures.fixture_params import fixture_params
from tests.unit.test_quality import (
    RULES,
    SUPPLIERS,
    WINDOW,
    copy_row,
    good_tables,
    set_cell,
    then,
    ts,
)

PARAMS = fixture_params()


def gate(tables, rule_id: str) -> quality.QualityResult:
    return quality.run_rules(tables, [RULES[rule_id]], SUPPLIERS, window=WINDOW)


def row(result, who: str = quality.ALL) -> pd.Series:
    res = result.results
    return res[res["supplier_id"] == who].iloc[0]


def mutated(*mutations) -> dict[str, pd.DataFrame]:
    tables = good_tables()
    then(*mutations)(tables)
    return tables


# INC1 (hosting, 4 events) timed to the second: its closure at 12:00:07.
TIMED = set_cell("tickets", 0, "closed_at", ts("2026-01-08 12:00:07"))


# ------------------------------------------------------------------------------ TKT-050 ----
def test_a_ticket_copied_with_its_events_under_a_new_id_blocks_its_supplier_naming_both():
    result = gate(mutated(TIMED, copy_row("tickets", 0, "INC9")), "TKT-050")
    assert RULES["TKT-050"].severity == "blocking"
    assert sorted(row(result)["examples"]) == ["INC1", "INC9"]
    assert row(result, "hosting")["unexpected_count"] == 2
    assert quality.blocking_failures(result, "hosting")["rule_id"].tolist() == ["TKT-050"]
    assert quality.blocking_failures(result, "network").empty


def test_twins_timed_to_the_minute_are_not_judged():
    # As the ServiceNow log's 43 twins: every time on a whole minute, two calls of one minute.
    result = gate(mutated(copy_row("tickets", 0, "INC9")), "TKT-050")
    assert row(result)["passed"]


@pytest.mark.parametrize(
    "change",
    [
        # one event of the copy a second later
        set_cell("ticket_events", 9, "event_at", ts("2026-01-05 09:10:01")),
        # the copy's category differs
        set_cell("tickets", 3, "category", "spam"),
    ],
)
def test_a_copy_differing_in_one_event_or_one_column_is_another_ticket(change):
    # the copy's events are appended after the good log's 9 (rows 9-12 are INC9's)
    result = gate(mutated(TIMED, copy_row("tickets", 0, "INC9"), change), "TKT-050")
    assert row(result)["passed"]


# ------------------------------------------------------------------------------ PRB-030 ----
@pytest.mark.parametrize(
    ("opened", "passes"),
    [
        ("2025-12-30 09:00", True),
        ("2025-12-29 09:00", True),
        ("2025-12-29 08:59", False),
        ("2025-12-06 09:00", False),
    ],
)
def test_a_reactive_problem_is_raised_at_most_7_days_before_its_first_incident(opened, passes):
    # PRB1 (reactive) is linked from INC1, opened 2026-01-05 09:00: 7 days before passes, a
    # minute more fails, and so does its opening keyed a month early.
    tables = mutated(set_cell("problems", 0, "opened_at", ts(opened)))
    r = row(gate(tables, "PRB-030"))
    assert bool(r["passed"]) == passes
    assert r["examples"] == ([] if passes else ["PRB1"])


def test_proactive_and_unlinked_problems_are_not_judged_by_their_incidents():
    proactive = mutated(set_cell("problems", 0, "opened_at", ts("2025-12-06 09:00")),
                        set_cell("problems", 0, "origin", "proactive"))  # fmt: skip
    assert row(gate(proactive, "PRB-030"))["passed"]
    unlinked = mutated(set_cell("problems", 0, "opened_at", ts("2025-12-06 09:00")),
                       set_cell("tickets", 0, "problem_id", None))  # fmt: skip
    r = row(gate(unlinked, "PRB-030"))
    assert r["passed"] and r["unexpected_count"] == 0


# ------------------------------------------------------------------------------ PRB-031 ----
def test_a_proactive_problem_raised_days_after_its_first_incident_blocks():
    # PRB1 (hosting), raised 2026-01-06 09:00, a day after INC1 links to it, relabelled
    # proactive: the relabel probe 8 made on the demo (INT-PROACTIVE 0 % to 100 %, -2,700).
    result = gate(mutated(set_cell("problems", 0, "origin", "proactive")), "PRB-031")
    assert RULES["PRB-031"].severity == "blocking"
    assert row(result)["examples"] == ["PRB1"]
    assert quality.blocking_failures(result, "hosting")["rule_id"].tolist() == ["PRB-031"]
    assert quality.blocking_failures(result, "network").empty


@pytest.mark.parametrize(
    "opened",
    [
        "2026-01-05 08:59",  # before INC1 (2026-01-05 09:00): raised ahead of its incidents
        "2026-01-12 09:01",  # 7 days and a minute after: a longer history, as trend analysis
    ],
)
def test_a_proactive_problem_before_its_incidents_or_weeks_after_passes(opened):
    tables = mutated(
        set_cell("problems", 0, "origin", "proactive"),
        set_cell("problems", 0, "opened_at", ts(opened)),
        # keep the root cause and closure after the opening (PRB-016/017 are not under test)
        set_cell("problems", 0, "root_cause_at", ts("2026-01-13 09:00")),
        set_cell("problems", 0, "closed_at", ts("2026-01-20 09:00")),
    )
    r = row(gate(tables, "PRB-031"))
    assert r["passed"] and r["unexpected_count"] == 0


def test_a_proactive_problem_raised_days_after_a_new_trend_of_two_incidents_passes():
    # INC2 linked to PRB1 too and opened the day before INC1: two incidents before PRB1 is
    # raised, a trend however new; a quick proactive response is what the integrator is for.
    tables = mutated(
        set_cell("problems", 0, "origin", "proactive"),
        set_cell("tickets", 1, "problem_id", "PRB1"),
        set_cell("tickets", 1, "opened_at", ts("2026-01-04 08:00")),
    )
    r = row(gate(tables, "PRB-031"))
    assert r["passed"] and r["unexpected_count"] == 0


def test_the_good_datasets_reactive_and_unlinked_proactive_problems_pass_prb_031():
    r = row(gate(good_tables(), "PRB-031"))
    assert r["passed"] and r["unexpected_count"] == 0


# ------------------------------------------------------------------------------ IMP-030 ----
@pytest.mark.parametrize(
    ("delivered", "passes"), [("2026-01-05 10:00", False), ("2026-01-06 10:00", True)]
)
def test_an_improvement_is_not_delivered_before_it_was_approved(delivered, passes):
    # IMP2: raised 4 January, approved 6 January 10:00 (IMP-014 passes both: after raising).
    tables = mutated(set_cell("improvements", 1, "delivered_at", ts(delivered)))
    assert bool(row(gate(tables, "IMP-030"))["passed"]) == passes
    assert bool(row(gate(tables, "IMP-014"))["passed"])


# ------------------------------------------------------------------------------ OUT-030 ----
# The fixture contracts' maintenance window: Saturday 22:00-24:00, Sunday 00:00-03:00 and
# 22:00-24:00, Monday 00:00-03:00, Europe/London (GMT in January, BST in July).
def planned(start: str, end: str | None, supplier: str = "network", service: str = "wan"):
    return then(
        set_cell("outages", 1, "start_at", ts(start)),
        set_cell("outages", 1, "end_at", ts(end) if end else None),
        set_cell("outages", 1, "supplier_id", supplier),
        set_cell("outages", 1, "service", service),
    )


@pytest.mark.parametrize(
    "start, end, passes",
    [
        (None, None, True),  # the good dataset's OUT2: Sunday 01:00 GMT, still running
        ("2026-01-24 22:30", "2026-01-25 02:30", True),  # Saturday night into Sunday
        ("2026-01-25 22:00", "2026-01-26 03:00", True),  # Sunday night to the window's end
        ("2026-01-24 21:30", "2026-01-24 23:00", False),  # starts half an hour early
        ("2026-01-26 02:00", "2026-01-26 03:01", False),  # overruns by a minute
        ("2026-01-13 05:10", "2026-01-14 11:25", False),  # a Tuesday (probe 7's OUT00228)
        ("2026-01-06 10:00", None, False),  # still running, started on a Tuesday
        ("2026-07-04 21:30", "2026-07-04 23:30", True),  # 22:30-00:30 BST: inside
        ("2026-07-05 01:30", "2026-07-05 02:30", False),  # 02:30-03:30 BST: half outside
        ("2026-03-28 22:00", "2026-03-29 02:00", True),  # 4 h over the spring-forward night
    ],
)
def test_a_planned_outage_lies_inside_its_suppliers_maintenance_window(start, end, passes):
    tables = mutated(planned(start, end)) if start else good_tables()
    result = gate(tables, "OUT-030")
    assert RULES["OUT-030"].severity == "blocking"
    assert bool(row(result)["passed"]) is passes
    if not passes:
        assert row(result)["examples"] == ["OUT2"]
        assert quality.blocking_failures(result, "network")["rule_id"].tolist() == ["OUT-030"]
        assert quality.blocking_failures(result, "hosting").empty


def test_an_unplanned_outage_is_not_judged_by_the_maintenance_window():
    # OUT1: hosting, a Monday morning, unplanned.
    windows = quality_strict.maintenance_windows(PARAMS)
    judged = quality_strict.strict_rules(windows)["outages"][0][1][3](good_tables())
    assert judged.tolist() == [pd.NA, True]


def test_a_supplier_whose_contract_names_no_window_is_not_judged():
    tables = mutated(planned("2026-01-13 05:10", "2026-01-14 11:25"))

    def judged(windows) -> pd.Series:
        return quality_strict.strict_rules(windows)["outages"][0][1][3](tables)

    windows = quality_strict.maintenance_windows(PARAMS)
    assert judged(windows).tolist() == [pd.NA, False]
    assert judged({k: v for k, v in windows.items() if k != "network"}).isna().all()


def test_a_window_naming_no_calendar_of_the_contract_is_refused():
    c = PARAMS.contracts["network"].model_dump()
    with pytest.raises(ValueError, match="maintenance_window: unknown calendar 'nights'"):
        Contract.model_validate({**c, "maintenance_window": "nights"})


def test_an_unplanned_demo_outage_relabelled_planned_blocks_its_supplier(demo_folder):
    # Probe 7: the demo's one long unplanned outage relabelled planned took its minutes out
    # of availability (AVAIL red to green) and passed the gate.
    tables = io.read_dataset(demo_folder)
    o = tables["outages"]
    assert quality.blocking_failures(gate(tables, "OUT-030"), quality.ALL).empty
    longest = (o["end_at"] - o["start_at"])[~o["planned"].astype(bool)].idxmax()
    tables["outages"] = o.assign(planned=o["planned"].astype(bool).where(o.index != longest, True))
    result = gate(tables, "OUT-030")
    assert row(result)["examples"] == [o.loc[longest, "outage_id"]]
    assert not quality.blocking_failures(result, o.loc[longest, "supplier_id"]).empty


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    return datasets.small_demo(tmp_path_factory.mktemp("data"), seed=5)


# ---------------------------------------------------------------------- fixed numbers ----
def test_fixed_numbers_sit_above_the_numbered_rules_and_move_none():
    ids = [r.rule_id for r in quality.build_rules(SUPPLIERS)]
    for fixed in ("TKT-050", "PRB-030", "PRB-031", "IMP-030", "OUT-030"):
        assert fixed in ids
    # the numbered ones end where they did (TKT-041 is retired: its number stays taken)
    assert "TKT-042" in ids and "TKT-043" not in ids and "TKT-041" not in ids
    with pytest.raises(ValueError, match="TKT-041 is both a fixed rule number"):
        quality_strict.fixed_numbers("TKT", [41], 41)
