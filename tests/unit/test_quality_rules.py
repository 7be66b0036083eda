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


def dispatch_tickets(n: int, relabelled: int) -> dict[str, pd.DataFrame]:
    """``n`` hosting tickets H1..Hn routed by the integrator's dispatch (SIAM-Dispatch); the
    dispatch event of the first ``relabelled`` carries the service desk's supplier id."""
    base = good_tables()
    tickets = pd.concat([base["tickets"].iloc[[0]]] * n, ignore_index=True)
    tickets["ticket_id"] = [f"H{i}" for i in range(1, n + 1)]
    rows = []
    for i, t in enumerate(tickets["ticket_id"]):
        dispatcher = "service-desk" if i < relabelled else "integrator"
        rows += [
            (t, 1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
            (t, 2, ts("2026-01-05 09:05"), "assigned", "SIAM-Dispatch", dispatcher, 1),
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
    # 12 of 200 dispatch events: 1.2% of hosting's 1,000 events (quarantined), but 6% of the
    # integrator's (over the 5% limit with at least 10 rows): its report is stopped.
    result = run(dispatch_tickets(200, 12), "EVT-017")
    assert quality.blocking_failures(result, "integrator")["rule_id"].tolist() == ["EVT-017"]
    assert quality.blocking_failures(result, "hosting").empty
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
