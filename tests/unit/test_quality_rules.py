"""The data-quality rules added after the bad-input probe (TKT-033..036, EVT-017/018, PRB-019,
CHG-024, OUT-014, IMP-016, SRV-013): small hand-written tables on which each rule fails on
exactly the rows expected. The catalogue-wide checks (a crafted case per rule, the good
dataset and the demo estate pass) are in ``tests/unit/test_quality.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import quality, schema
from siamlib.quality_cross import _invisible
from siamlib.quarantine import quarantine
from tests.unit.test_quality import PARAMS, RULES, SUPPLIERS, WINDOW, good_tables, ts, with_events


def run(tables, *rule_ids, window=WINDOW) -> quality.QualityResult:
    return quality.run_rules(tables, [RULES[r] for r in rule_ids], SUPPLIERS, window=window)


def row(result: quality.QualityResult, rule_id: str, who: str = quality.ALL) -> pd.Series:
    res = result.results
    rows = res[(res["rule_id"] == rule_id) & (res["supplier_id"] == who)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ------------------------------------------------- TKT-033: no response after resolution ----
def test_a_first_response_after_the_resolution_fails_on_that_ticket_only():
    tables = good_tables()
    tk = tables["tickets"]
    tk.loc[0, "first_response_at"] = ts("2026-01-05 12:00:01")  # INC1, resolved 12:00
    tk.loc[2, "first_response_at"] = tk.loc[2, "resolved_at"]  # REQ3: at the resolution
    tk.loc[1, "first_response_at"] = ts("2026-01-20")  # INC2: open, nothing to compare
    result = run(tables, "TKT-033")
    r = row(result, "TKT-033")
    assert (r["unexpected_count"], r["examples"]) == (1, ["INC1"])
    assert not row(result, "TKT-033", "hosting")["passed"]
    assert row(result, "TKT-033", "euc")["passed"] and row(result, "TKT-033", "network")["passed"]
    assert RULES["TKT-033"].severity == "quarantine"
    # One ticket: quarantined (not blocked), taken out of every measure with its events.
    assert quality.blocking_failures(result, "hosting").empty
    clean, listed = quarantine(tables, result)
    assert "INC1" not in set(clean["tickets"]["ticket_id"])
    assert "INC1" not in set(clean["ticket_events"]["ticket_id"])
    assert set(listed.loc[listed["table"] == "tickets", "row_key"]) == {"INC1"}


def test_a_ticket_resolved_without_a_response_is_not_judged():
    tables = good_tables()
    tables["tickets"].loc[0, "first_response_at"] = pd.NaT
    assert row(run(tables, "TKT-033"), "TKT-033")["passed"]


# -------------------------------------------- EVT-017: an event's supplier is its group's ----
def test_an_event_whose_supplier_is_not_its_groups_fails_and_unlisted_groups_are_left_out():
    tables = good_tables()
    ev = tables["ticket_events"]
    ev["supplier_id"] = ev["supplier_id"].astype(object)
    ev["assignment_group"] = ev["assignment_group"].astype(object)
    ev.loc[0, "supplier_id"] = None  # INC1#1, SD-L1 (service-desk): supplier missing
    ev.loc[1, "supplier_id"] = "network"  # INC1#2, HOST-Ops (hosting)
    ev.loc[7, "assignment_group"] = "EUC-Contractor"  # REQ3#2: a group the estate lacks
    ev.loc[4, "assignment_group"] = None  # INC2#1: no group at all
    ev.loc[4, "supplier_id"] = "hosting"
    tables["ticket_events"] = schema.coerce("ticket_events", ev)
    r = row(run(tables, "EVT-017"), "EVT-017")
    assert (r["unexpected_count"], r["examples"]) == (2, ["INC1#1", "INC1#2"])
    assert r["element_count"] == 9


def test_evt_017_matches_a_group_spelt_with_spaces_invisible_characters_or_another_case():
    tables = good_tables()
    ev = tables["ticket_events"]
    ev["supplier_id"] = ev["supplier_id"].astype(object)
    ev["assignment_group"] = ev["assignment_group"].astype(object)
    ev.loc[0, ["assignment_group", "supplier_id"]] = ["SD-\u200bL1", "hosting"]  # INC1#1: wrong
    ev.loc[1, ["assignment_group", "supplier_id"]] = ["HOST-Ops ", "network"]  # INC1#2: wrong
    ev.loc[2, ["assignment_group", "supplier_id"]] = ["host-ops", "hosting"]  # INC1#3: right
    ev.loc[7, ["assignment_group", "supplier_id"]] = ["\u00a0EUC-FIELD", "hosting"]  # REQ3#2
    tables["ticket_events"] = schema.coerce("ticket_events", ev)
    r = row(run(tables, "EVT-017"), "EVT-017")
    assert (r["unexpected_count"], r["examples"]) == (3, ["INC1#1", "INC1#2", "REQ3#2"])


# --------------------------------------- EVT-019: a group is spelt as the estate spells it ----
def test_a_variant_spelling_of_an_estate_group_fails_and_unlisted_groups_are_left_out():
    tables = good_tables()
    ev = tables["ticket_events"]
    ev["assignment_group"] = ev["assignment_group"].astype(object)
    ev.loc[1, "assignment_group"] = "HOST-Ops\u200b"  # INC1#2: zero-width space
    ev.loc[2, "assignment_group"] = "host-ops"  # INC1#3: another case
    ev.loc[7, "assignment_group"] = "EUC-Contractor"  # REQ3#2: not an estate group at all
    tables["ticket_events"] = schema.coerce("ticket_events", ev)
    r = row(run(tables, "EVT-019"), "EVT-019")
    assert (r["unexpected_count"], r["examples"]) == (2, ["INC1#2", "INC1#3"])
    assert r["element_count"] == 9
    clean, _ = quarantine(tables, run(tables, "EVT-019"))
    assert "INC1" not in set(clean["ticket_events"]["ticket_id"])  # the whole ticket goes
    assert "INC1" not in set(clean["tickets"]["ticket_id"])


# ------------------------------------ TKT-037, SRV-014/015: responses and respondents ----
def test_a_first_response_no_event_shows_fails_and_one_at_an_event_passes():
    tables = good_tables()
    tk = tables["tickets"]
    tk.loc[0, "first_response_at"] = ts("2026-01-05 09:05")  # INC1: events at 09:00, 09:10
    tk.loc[2, "first_response_at"] = ts("2026-01-13 10:00")  # REQ3: its resolved event
    r = row(run(tables, "TKT-037"), "TKT-037")
    assert (r["unexpected_count"], r["examples"]) == (1, ["INC1"])


def test_a_ticket_without_events_or_without_work_is_not_judged_on_its_response():
    tables = good_tables()
    ev = tables["ticket_events"]
    # INC1 loses its events; REQ3 keeps only new and assigned: no event shows work on it.
    tables["ticket_events"] = ev.iloc[4:8].reset_index(drop=True)
    tables["tickets"].loc[2, "first_response_at"] = pd.NaT  # REQ3: no response, none due
    r = row(run(tables, "TKT-037"), "TKT-037")
    assert r["unexpected_count"] == 0 and r["passed"]


def test_a_first_response_after_the_first_work_at_the_opening_or_missing_fails():
    tables = good_tables()
    tk = tables["tickets"]
    # INC1: events new 09:00, assigned 09:10, resolved 12:00 (first worked), closed 8 Jan.
    tk.loc[0, "first_response_at"] = ts("2026-01-08 12:00")  # the closure: after first work
    tk.loc[1, "first_response_at"] = pd.NaT  # INC2: blank, yet in_progress at 08:05
    tk.loc[2, "first_response_at"] = ts("2026-01-12 10:00")  # REQ3: its opening (new) event
    r = row(run(tables, "TKT-037"), "TKT-037")
    assert (r["unexpected_count"], r["examples"]) == (3, ["INC1", "INC2", "REQ3"])


def test_a_first_response_at_the_first_worked_event_or_an_earlier_assignment_passes():
    tables = good_tables()
    tables["tickets"].loc[0, "first_response_at"] = ts("2026-01-05 12:00")  # INC1: resolved
    # REQ3 keeps 10:30 (assigned), INC2 08:05 (in_progress): both already at or before work.
    assert row(run(tables, "TKT-037"), "TKT-037")["passed"]


# ------------------------------------------- TKT-038/039: a ticket's life is in its events ----
def test_a_ticket_opened_more_than_a_day_before_its_first_event_fails():
    tables = good_tables()
    tk = tables["tickets"]
    tk.loc[1, "opened_at"] = ts("2026-01-09 07:59")  # INC2: first event 10 Jan 08:00
    tk.loc[2, "opened_at"] = ts("2026-01-11 10:00")  # REQ3: exactly one day before, allowed
    r = row(run(tables, "TKT-038"), "TKT-038")
    assert (r["unexpected_count"], r["examples"]) == (1, ["INC2"])


def test_a_ticket_without_events_fails_only_when_the_dataset_has_events():
    tables = good_tables()
    ev = tables["ticket_events"]
    tables["ticket_events"] = ev[ev["ticket_id"] != "INC2"].reset_index(drop=True)
    r = row(run(tables, "TKT-039"), "TKT-039")
    assert (r["unexpected_count"], r["examples"]) == (1, ["INC2"])
    tables["ticket_events"] = ev.iloc[:0]  # no event log at all: tickets' own dates only
    assert row(run(tables, "TKT-039"), "TKT-039")["passed"]


def test_surveys_answered_by_the_wrong_party_are_quarantined():
    tables = good_tables()
    sv = tables["surveys"]
    extra = pd.DataFrame(
        [
            dict(response_id="S3", supplier_id="euc", period="2026-01",
                 survey_type="collaboration", respondent="retained", score=4.0),
            dict(response_id="S4", supplier_id="euc", period="2026-01",
                 survey_type="satisfaction", respondent="euc", score=5.0),
            dict(response_id="S5", supplier_id="euc", period="2026-01",
                 survey_type="collaboration", respondent="customer", score=1.0),
        ]
    )  # fmt: skip
    tables["surveys"] = schema.coerce("surveys", pd.concat([sv, extra], ignore_index=True))
    result = run(tables, "SRV-014", "SRV-015")
    sat, collab = row(result, "SRV-014"), row(result, "SRV-015")
    assert (sat["unexpected_count"], sat["examples"]) == (1, ["S4"])
    assert (collab["unexpected_count"], collab["examples"]) == (1, ["S5"])
    assert sat["severity"] == collab["severity"] == "quarantine"


def test_a_group_that_moved_supplier_is_read_on_the_events_local_date():
    # Messaging moved from applications to hosting on 2026-04-01 (params/estate.yaml), a date
    # in the estate's time zone: Europe/London is on BST then, so the move is at 23:00 UTC.
    tables = with_events(good_tables(), "INC1", [
        (1, ts("2026-03-31 22:30"), "new", "Messaging", "applications", 2),
        (2, ts("2026-03-31 23:30"), "assigned", "Messaging", "hosting", 2),
        (3, ts("2026-03-31 23:40"), "in_progress", "Messaging", "applications", 2),
        (4, ts("2026-03-31 22:59"), "resolved", "Messaging", "hosting", 2),
    ])  # fmt: skip
    r = row(run(tables, "EVT-017", window=None), "EVT-017")
    assert sorted(r["examples"]) == ["INC1#3", "INC1#4"]


def dispatch_tickets(n: int, relabelled: int, direct: int = 0) -> dict[str, pd.DataFrame]:
    """``n`` hosting tickets H1..Hn routed by the integrator's dispatch (SIAM-Dispatch); the
    dispatch event of the first ``relabelled`` carries the service desk's supplier id. The
    last ``direct`` of them go from the service desk to hosting with no dispatch."""
    base = good_tables()
    tickets = pd.concat([base["tickets"].iloc[[0]]] * n, ignore_index=True)
    tickets["ticket_id"] = [f"H{i}" for i in range(1, n + 1)]
    rows = []
    for i, t in enumerate(tickets["ticket_id"]):
        dispatcher = "service-desk" if i < relabelled else "integrator"
        second = ("SIAM-Dispatch", dispatcher) if i < n - direct else ("HOST-Ops", "hosting")
        rows += [
            (t, 1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
            (t, 2, ts("2026-01-05 09:05"), "assigned", *second, 1),
            (t, 3, ts("2026-01-05 09:10"), "in_progress", "HOST-Ops", "hosting", 2),
            (t, 4, ts("2026-01-05 12:00"), "resolved", "HOST-Ops", "hosting", 2),
            (t, 5, ts("2026-01-08 12:00"), "closed", "HOST-Ops", "hosting", 2),
        ]
    events = pd.DataFrame(rows, columns=schema.TABLES["ticket_events"].column_names)
    return {**base, "tickets": schema.coerce("tickets", tickets),
            "ticket_events": schema.coerce("ticket_events", events)}  # fmt: skip


def test_a_relabelled_dispatch_event_counts_against_the_record_and_the_groups_supplier():
    # The integrator's dispatch and routing levels read its group's events: relabelled, they
    # go grey, so the integrator sees the finding beside hosting (the ticket's supplier).
    result = run(dispatch_tickets(3, 1), "EVT-017")
    assert (row(result, "EVT-017")["unexpected_count"], row(result, "EVT-017")["examples"]) == (
        1, ["H1#2"])  # fmt: skip
    hosting, integrator = row(result, "EVT-017", "hosting"), row(result, "EVT-017", "integrator")
    assert (hosting["unexpected_count"], hosting["element_count"]) == (1, 15)
    # The integrator's rows: the events its group held on the three tickets.
    assert (integrator["unexpected_count"], integrator["element_count"]) == (1, 3)
    assert integrator["examples"] == ["H1#2"]
    assert row(result, "EVT-017", "service-desk")["passed"]
    # Listed once, under the ticket's supplier: the quarantine takes H1 out of every measure.
    listed = result.quarantined[["row_key", "supplier_id", "rule_id"]].values.tolist()
    assert listed == [["H1#2", "hosting", "EVT-017"]]
    view = quality.supplier_view(result, "integrator")
    assert "EVT-017" in quality.render_html(view, "integrator")


def test_relabelled_dispatch_events_block_the_integrator_when_its_share_is_over_the_limit():
    # 12 of 200 dispatched tickets (of hosting's 300) with a relabelled dispatch event: 4% of
    # hosting's tickets (quarantined), but 6% of the tickets the integrator held an event of
    # (over the 5% limit with at least 10): its report is stopped. (Limits count tickets: a
    # failing event takes its ticket out.)
    result = run(dispatch_tickets(300, 12, direct=100), "EVT-017")
    assert quality.blocking_failures(result, "integrator")["rule_id"].tolist() == ["EVT-017"]
    assert quality.blocking_failures(result, "hosting").empty
    got = {s: tuple(row(result, "EVT-017", s)[["window_elements", "window_count"]])
           for s in ("hosting", "integrator")}  # fmt: skip
    assert got == {"hosting": (300, 12), "integrator": (200, 12)}
    assert len(result.quarantined) == 12


def test_a_rule_whose_second_attribution_fails_is_an_error_row():
    rule = quality.Rule("X-020", "ticket_events", "supplier_id", "quarantine", "A check.",
                        "ExpectColumnValuesToBeInSet", {"column": "__X-020", "value_set": [True]},
                        derive=lambda t: pd.Series(True, index=t["ticket_events"].index),
                        also_counts=lambda t: t["ticket_events"]["no_such_column"])  # fmt: skip
    r = row(quality.run_rules(good_tables(), [rule], SUPPLIERS, window=WINDOW), "X-020")
    assert not r["passed"] and "no_such_column" in r["error"]


# ------------------------------------------------------ ids without invisible characters ----
INVISIBLE = ["INC\u200b1", "\ufeffINC1", "INC1\u200e", "INC\u202e1", "INC\u00a01", "INC\u30001",
             "INC1\u2028", "INC\t1", "INC1\n", "INC\x001", "INC\u00ad1", "INC\u20601", " INC1",
             "INC1 "]  # fmt: skip
VISIBLE = ["INC1", "INC 1", "Café-1", "Ärende-7", "事件-1", ""]


@pytest.mark.parametrize("value", INVISIBLE, ids=ascii)
def test_an_id_with_an_invisible_character_or_an_edge_space_is_caught(value):
    assert _invisible(pd.Series([value, "INC2"])).tolist() == [True, False]
    assert _invisible(pd.Series([value, "INC2"], dtype="category")).tolist() == [True, False]


def test_visible_ids_and_missing_ids_pass():
    assert not _invisible(pd.Series([*VISIBLE, None], dtype="str")).any()
    assert not _invisible(pd.Series([*VISIBLE, None], dtype=object)).any()


def test_own_ids_block_and_links_quarantine():
    severity = {r: RULES[r].severity for r in ("TKT-034", "TKT-035", "TKT-036", "EVT-018",
                                               "PRB-019", "CHG-024", "OUT-014", "IMP-016",
                                               "SRV-013")}  # fmt: skip
    links = {"TKT-035", "TKT-036"}
    assert severity == {r: "quarantine" if r in links else "blocking" for r in severity}
    assert [RULES[r].column for r in severity] == [
        "ticket_id", "problem_id", "change_id", "ticket_id", "problem_id", "change_id",
        "outage_id", "improvement_id", "response_id"]  # fmt: skip


def test_invisible_characters_in_ticket_ids_block_exactly_their_suppliers():
    tables = good_tables()
    tables["tickets"].loc[1, "ticket_id"] = "INC\u200b2"  # network
    tables["tickets"].loc[2, "ticket_id"] = "REQ3 "  # euc
    result = run(tables, "TKT-034")
    assert sorted(row(result, "TKT-034")["examples"]) == ["INC\u200b2", "REQ3 "]
    assert quality.blocking_failures(result, "network")["rule_id"].tolist() == ["TKT-034"]
    assert quality.blocking_failures(result, "euc")["rule_id"].tolist() == ["TKT-034"]
    assert quality.blocking_failures(result, "hosting").empty


def test_an_exclusions_ticket_renamed_with_a_zero_width_space_blocks_its_supplier():
    # The probe's case: INC1 written INC\u200b1 in both tables, so no exclusion or dispute
    # naming INC1 finds it. Tickets and events both block hosting's report.
    tables = good_tables()
    tables["tickets"].loc[0, "ticket_id"] = "INC\u200b1"
    ev = tables["ticket_events"]
    ev.loc[ev["ticket_id"] == "INC1", "ticket_id"] = "INC\u200b1"
    result = quality.validate(tables, PARAMS, WINDOW)
    assert quality.blocking_failures(result, "hosting")["rule_id"].tolist() == [
        "TKT-034", "EVT-018"]  # fmt: skip
    assert row(result, "EVT-018")["unexpected_count"] == 4
    assert quality.blocking_failures(result, "network").empty


def test_an_invisible_character_in_a_link_quarantines_the_ticket_only():
    tables = good_tables()
    tables["tickets"].loc[0, "problem_id"] = "PRB\u200b1"  # INC1
    tables["tickets"].loc[1, "change_id"] = "CHG1\u00a0"  # INC2
    result = run(tables, "TKT-035", "TKT-036")
    assert row(result, "TKT-035")["examples"] == ["INC1"]
    assert row(result, "TKT-036")["examples"] == ["INC2"]
    assert result.ok
    assert sorted(result.quarantined["row_key"]) == ["INC1", "INC2"]


@pytest.mark.parametrize(("rule_id", "table", "column", "key"), [
    ("PRB-019", "problems", "problem_id", "PRB\u200b2"),
    ("CHG-024", "changes", "change_id", "\u200fCHG2"),
    ("OUT-014", "outages", "outage_id", "OUT2\r"),
    ("IMP-016", "improvements", "improvement_id", "IMP\u20032"),
    ("SRV-013", "surveys", "response_id", " S2"),
])  # fmt: skip
def test_every_tables_own_id_is_checked(rule_id, table, column, key):
    tables = good_tables()
    tables[table].loc[1, column] = key
    result = run(tables, rule_id)
    assert row(result, rule_id)["examples"] == [key]
    assert row(result, rule_id)["unexpected_count"] == 1
    assert run(good_tables(), rule_id).ok


# ------------------------------------------------ OUT-010/011: an outage's dates block ----
def test_an_outage_ending_after_the_window_blocks_its_supplier_rather_than_dropping_downtime():
    tables = good_tables()
    tables["outages"].loc[0, "end_at"] = WINDOW[1] + pd.Timedelta(days=30)  # OUT1, hosting
    result = run(tables, "OUT-011")
    r = row(result, "OUT-011")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("blocking", 1, ["OUT1"])
    assert not quality.blocking_failures(result, "hosting").empty
    assert quality.blocking_failures(result, "network").empty
    assert result.quarantined.empty  # the outage's downtime is never silently dropped


def test_an_outage_without_a_service_blocks_its_supplier_rather_than_dropping_downtime():
    tables = good_tables()
    tables["outages"].loc[0, "service"] = pd.NA  # OUT1, hosting
    result = run(tables, "OUT-005")
    r = row(result, "OUT-005")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("blocking", 1, ["OUT1"])
    assert not quality.blocking_failures(result, "hosting").empty
    assert quality.blocking_failures(result, "network").empty
    assert result.quarantined.empty


def test_no_rule_quarantines_an_outage():
    severities = {r.severity for r in RULES.values() if r.table == "outages"}
    assert "quarantine" not in severities


# ------------------------------------------- OUT-015: an outage is not implausibly long ----
def run_without_window(tables, *rule_ids) -> quality.QualityResult:
    """The rules as built for a dataset whose window is not known."""
    rules = {r.rule_id: r for r in quality.build_rules(PARAMS, None)}
    return quality.run_rules(tables, [rules[r] for r in rule_ids], SUPPLIERS)


def params_with(**estate) -> object:
    """The fixture params with some estate keys changed (validated as loaded)."""
    est = type(PARAMS.estate).model_validate({**PARAMS.estate.model_dump(), **estate})
    return PARAMS.model_copy(update={"estate": est})


def test_an_outage_started_a_month_early_blocks_its_supplier_rather_than_counting_a_month_down():
    # OUT1 (hosting email, 08:50-11:00 on 5 January) with its start keyed a month early: a
    # 2 h 10 min outage would count 31 days of downtime.
    tables = good_tables()
    tables["outages"].loc[0, "start_at"] = ts("2025-12-05 08:50")
    result = run(tables, "OUT-015")
    r = row(result, "OUT-015")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("blocking", 1, ["OUT1"])
    assert not quality.blocking_failures(result, "hosting").empty
    assert quality.blocking_failures(result, "network").empty
    assert result.quarantined.empty


def test_an_outage_of_exactly_the_limit_passes_and_one_minute_more_fails():
    tables = good_tables()
    tables["outages"].loc[0, "end_at"] = ts("2026-01-12 08:50")  # OUT1 from 5 Jan 08:50: 7 days
    assert row(run(tables, "OUT-015"), "OUT-015")["passed"]
    tables["outages"].loc[0, "end_at"] = ts("2026-01-12 08:51")
    assert row(run(tables, "OUT-015"), "OUT-015")["examples"] == ["OUT1"]


def test_an_outage_still_open_counts_to_the_windows_end_and_is_not_judged_without_a_window():
    # OUT2 (network wan, no end_at) from 25 January runs 6 days 23 h to the window's end
    # (1 February): within 7 days. Started on 20 January, it would run 12 days.
    tables = good_tables()
    assert row(run(tables, "OUT-015"), "OUT-015")["passed"]
    tables["outages"].loc[1, "start_at"] = ts("2026-01-20 01:00")
    assert row(run(tables, "OUT-015"), "OUT-015")["examples"] == ["OUT2"]
    assert row(run_without_window(tables, "OUT-015"), "OUT-015")["passed"]


def test_the_longest_outage_is_the_estates_max_outage_days():
    tables = good_tables()
    tables["outages"].loc[0, "start_at"] = ts("2025-12-05 08:50")  # 31 days
    rules = {r.rule_id: r for r in quality.build_rules(params_with(max_outage_days=40), WINDOW)}
    result = quality.run_rules(tables, [rules["OUT-015"]], SUPPLIERS, window=WINDOW)
    assert row(result, "OUT-015")["passed"]
    assert "40 days" in rules["OUT-015"].description
    assert "7 days" in RULES["OUT-015"].description  # the default


def test_a_changes_end_slack_is_the_estates_change_end_slack_days():
    # CHG1 (network, planned 20:00-22:00 on 9 January) ending 3 days after its window: within
    # the default 7 days, outside a slack of 2 days.
    tables = good_tables()
    tables["changes"].loc[0, "actual_end"] = ts("2026-01-12 22:00")
    assert row(run(tables, "CHG-025"), "CHG-025")["passed"]
    rules = {
        r.rule_id: r for r in quality.build_rules(params_with(change_end_slack_days=2), WINDOW)
    }
    result = quality.run_rules(tables, [rules["CHG-025"]], SUPPLIERS, window=WINDOW)
    assert row(result, "CHG-025")["examples"] == ["CHG1"]
    assert "within 2 days" in rules["CHG-025"].description
    assert "within 7 days" in RULES["CHG-025"].description  # the default


# ------------------------------------- EVT-020: the order of events at one instant ----
def dispatched(tied: list[tuple]) -> dict[str, pd.DataFrame]:
    """INC1 logged by the service desk at 09:00, then ``tied`` events (seq 2, 3) both at 09:10,
    then hosting working it and resolving it (seq 4, 5)."""
    return with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
        *[(2 + i, ts("2026-01-05 09:10"), *e) for i, e in enumerate(tied)],
        (4, ts("2026-01-05 09:30"), "in_progress", "HOST-Ops", "hosting", 2),
        (5, ts("2026-01-05 12:00"), "resolved", "HOST-Ops", "hosting", 2),
    ])  # fmt: skip


SD = ("SD-L1", "service-desk", 1)
DISPATCH = ("SIAM-Dispatch", "integrator", 1)
HOST = ("HOST-Ops", "hosting", 2)


def test_tied_events_exported_in_an_order_that_bounces_the_ticket_fail():
    # The service desk works INC1 and dispatches it in the same minute. Listed dispatch first,
    # the ticket goes SD > dispatch > SD > hosting in no time: 3 hand-offs where the events
    # allow 2, and a ping-pong. Both tied events fail; the ticket is quarantined whole.
    tables = dispatched([("assigned", *DISPATCH), ("in_progress", *SD)])
    result = run(tables, "EVT-020")
    r = row(result, "EVT-020")
    assert (r["severity"], r["unexpected_count"]) == ("quarantine", 2)
    assert sorted(r["examples"]) == ["INC1#2", "INC1#3"]
    clean, _ = quarantine(tables, result)
    assert "INC1" not in set(clean["ticket_events"]["ticket_id"])


def test_tied_events_in_an_order_that_adds_no_hand_off_pass():
    # SD works it, then dispatch takes it: SD > dispatch > hosting, the fewest hand-offs.
    assert row(run(dispatched([("in_progress", *SD), ("assigned", *DISPATCH)]), "EVT-020"),
               "EVT-020")["passed"]  # fmt: skip
    # Two events of one group at one instant: no order changes anything.
    assert row(run(dispatched([("assigned", *HOST), ("in_progress", *HOST)]), "EVT-020"),
               "EVT-020")["passed"]  # fmt: skip


def test_tied_events_visiting_the_next_holder_before_another_group_fail():
    # Dispatch and hosting at 09:10, hosting again at 09:30: listed hosting first, the ticket
    # goes SD > hosting > dispatch > hosting (3 hand-offs, a ping-pong) where 2 will do.
    tables = dispatched([("assigned", *HOST), ("assigned", *DISPATCH)])
    assert sorted(row(run(tables, "EVT-020"), "EVT-020")["examples"]) == ["INC1#2", "INC1#3"]


def test_tied_events_whose_every_order_gives_as_many_hand_offs_pass_and_missing_groups_skip():
    # The last two events of a ticket tied: SD > dispatch > hosting or SD > hosting > dispatch,
    # 2 hand-offs either way (who held it last is TKT-032's question).
    tables = with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
        (2, ts("2026-01-05 09:10"), "assigned", "HOST-Ops", "hosting", 2),
        (3, ts("2026-01-05 09:10"), "assigned", "SIAM-Dispatch", "integrator", 1),
    ])  # fmt: skip
    assert row(run(tables, "EVT-020"), "EVT-020")["passed"]
    # An event without a group is skipped, as the hand-off measures skip it.
    tables = dispatched([("in_progress", None, None, None), ("in_progress", *SD)])
    assert row(run(tables, "EVT-020"), "EVT-020")["passed"]


def test_events_of_different_tickets_at_one_instant_are_not_a_tie():
    # INC2's two events (SD, then network) at the times of INC1's first two (SD, then
    # hosting), the log interleaved: rows of two tickets side by side at one instant.
    tables = good_tables()
    ev = tables["ticket_events"]
    inc1, inc2 = ev.index[ev["ticket_id"] == "INC1"], ev.index[ev["ticket_id"] == "INC2"]
    ev.loc[inc2, "event_at"] = ev.loc[inc1[:2], "event_at"].to_numpy()
    tables["ticket_events"] = ev.loc[[inc1[0], inc2[0], inc1[1], inc2[1], *inc1[2:], *ev.index[6:]]]
    assert row(run(tables, "EVT-020"), "EVT-020")["passed"]


# --------------------------------------------- SRV-016: one rating per party and month ----
def with_surveys(tables, rows: list[dict]) -> dict[str, pd.DataFrame]:
    sv = tables["surveys"]
    extra = pd.DataFrame(rows).reindex(columns=sv.columns)
    both = pd.concat([sv, extra], ignore_index=True)
    return {**tables, "surveys": schema.coerce("surveys", both)}


def test_a_partys_rating_repeated_under_new_response_ids_is_quarantined_every_copy():
    # S2: the integrator's January rating of network (3.5), sent four times more (one at 1.0).
    copies = [dict(response_id=f"S2-{i}", supplier_id="network", period="2026-01",
                   survey_type="collaboration", respondent="integrator",
                   score=1.0 if i == 4 else 3.5) for i in range(1, 5)]  # fmt: skip
    others = [
        dict(response_id="S6", supplier_id="network", period="2026-01",
             survey_type="collaboration", respondent="hosting", score=4.0),  # another party
        dict(response_id="S7", supplier_id="euc", period="2026-01",
             survey_type="collaboration", respondent="integrator", score=4.0),  # another rated
        dict(response_id="S8", supplier_id="hosting", period="2026-01",
             survey_type="satisfaction", respondent="customer", score=2.0),  # many customers
    ]  # fmt: skip
    tables = with_surveys(good_tables(), copies + others)
    result = run(tables, "SRV-016")
    r = row(result, "SRV-016")
    assert (r["severity"], r["unexpected_count"]) == ("quarantine", 5)
    assert sorted(r["examples"]) == ["S2", "S2-1", "S2-2", "S2-3", "S2-4"]
    assert row(result, "SRV-016", "network")["unexpected_count"] == 5
    assert row(result, "SRV-016", "euc")["passed"] and row(result, "SRV-016", "hosting")["passed"]


def test_one_rating_per_party_per_month_passes_and_two_copies_are_taken_out():
    next_month = dict(
        response_id="S9",
        supplier_id="network",
        period="2026-02",
        survey_type="collaboration",
        respondent="integrator",
        score=2.0,
    )
    assert row(run(with_surveys(good_tables(), [next_month]), "SRV-016"), "SRV-016")["passed"]
    twice = with_surveys(good_tables(), [{**next_month, "period": "2026-01"}])
    result = run(twice, "SRV-016")
    clean, _ = quarantine(twice, result)
    assert set(clean["surveys"]["response_id"]) == {"S1"}
    assert quality.blocking_failures(result, "network").empty  # 2 rows: under the limit


# ------------------------------- SRV-010 / SRV-017: a survey's period, as written and when ----
def test_a_period_with_a_trailing_line_break_is_not_a_month():
    tables = good_tables()
    tables["surveys"].loc[1, "period"] = "2026-01\n"
    tables["surveys"].loc[0, "period"] = "٢٠٢٦-01"  # Arabic-Indic digits
    r = row(run(tables, "SRV-010"), "SRV-010")
    assert (r["severity"], sorted(r["examples"])) == ("blocking", ["S1", "S2"])


def test_a_survey_period_outside_the_data_window_blocks_its_supplier():
    tables = good_tables()
    tables["surveys"].loc[0, "period"] = "2027-01"  # hosting's response, a year late
    result = run(tables, "SRV-017")
    r = row(result, "SRV-017")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("blocking", 1, ["S1"])
    assert not quality.blocking_failures(result, "hosting").empty
    assert quality.blocking_failures(result, "network").empty
    tables["surveys"].loc[0, "period"] = "2025-12"  # the month before the window
    assert row(run(tables, "SRV-017"), "SRV-017")["examples"] == ["S1"]
    assert row(run_without_window(tables, "SRV-017"), "SRV-017")["passed"]  # no window known


def test_a_survey_period_in_a_month_the_window_holds_in_part_passes():
    # A window from 10 January to 10 February holds part of February: its returns are data.
    tables = good_tables()
    tables["surveys"].loc[0, "period"] = "2026-02"
    window = (ts("2026-01-10"), ts("2026-02-10"))
    rules = {r.rule_id: r for r in quality.build_rules(PARAMS, window)}
    result = quality.run_rules(tables, [rules["SRV-017"]], SUPPLIERS, window=window)
    assert row(result, "SRV-017")["passed"]
