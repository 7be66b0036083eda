"""Blind imports of public incident-log layouts with the shipped mappings (docs/importing.md).

Each fixture is hand-made in the exact layout of a public log (nothing of the logs themselves
is in the repository) and imported the way a checker would, with the mapping shipped for it.
The expected figures are counted by hand from the fixture rows, as noted in each test.

- ``bpi2013_vinst_incidents_sample.csv``: BPI Challenge 2013 "VINST cases incidents.csv"
  (semicolon, Windows-1252, ``2012-05-02T09:12:40+02:00``), read with ``bpi2013.yaml``;
- ``helpdesk_sample.csv`` (and the same rows newest first): the Helpdesk log (``Case ID``,
  ``Activity``, ``Resource``, ``Complete Timestamp`` ``2012/10/09 14:50:17.000``), read with
  ``helpdesk.yaml``;
- ``servicenow_incident_list_sample.csv``: a ServiceNow incident *list* export (one row per
  incident), read with ``servicenow_list.yaml``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import paths
from siamlib.importers.eventlog import eventlog_to_model, import_eventlog, load_estate
from siamlib.importers.mapping import EventLogMapping
from tests.fixtures.fixture_params import FIXTURE_MAPPINGS_DIR, FIXTURE_PARAMS_DIR

FIXTURES = paths.ROOT / "tests" / "unit" / "fixtures" / "importers"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def run(name: str, mapping: str):
    return import_eventlog(
        FIXTURES / name, FIXTURE_MAPPINGS_DIR / mapping, params_root=FIXTURE_PARAMS_DIR
    )


def by_id(result) -> pd.DataFrame:
    return result.tables["tickets"].set_index("ticket_id")


# ------------------------------------------------------------- BPI Challenge 2013 ----------
@pytest.fixture(scope="module")
def vinst():
    return run("bpi2013_vinst_incidents_sample.csv", "bpi2013.yaml")


def test_bpi2013_published_layout_imports_with_hand_counted_figures(vinst):
    # 24 rows, 6 SR Numbers; one repeated Accepted / In Progress row of 1-364285768 (G97, same
    # organisation) changes nothing: 23 events. Resolved or closed at the end: 1-364285768,
    # 1-147898401 (Closed), 1-467153946, 1-631002211 (In Call); 1-655021930 cancelled,
    # 1-523970117 open. Impact Major 1, High 1, Medium 2, Low 2.
    s = vinst.summary
    assert (s.rows_read, s.rows_used, s.rows_collapsed, s.rows_rejected) == (24, 23, 1, 0)
    t = by_id(vinst)
    assert len(t) == 6
    assert int(t["status"].isin(["resolved", "closed"]).sum()) == 4
    assert t["priority"].value_counts().sort_index().to_dict() == {1: 1, 2: 1, 3: 2, 4: 2}
    # 1-147898401 is resolved, queued again (a reopen), resolved again and closed.
    assert t.loc["1-147898401", "reopen_count"] == 1
    assert t.loc["1-147898401", "resolved_at"] == ts("2012-05-10 10:00:00")  # 12:00 +02:00
    # The Windows-1252 owner names are read through the fallback encoding.
    assert vinst.meta["encoding"] == "cp1252"


def test_bpi2013_support_line_is_read_from_the_team_name_not_from_digits_inside_it(vinst):
    # "S42 3rd" is third line, "N15 2nd" and "V37 2nd" second; "G97", "G96", "D5" carry no
    # line: first (default_support_level). Any digit 1-3 read "S42 3rd" as 2, "N15 2nd" as 1.
    e = vinst.tables["ticket_events"]
    level = e.groupby("assignment_group")["support_level"].first().to_dict()
    assert level == {"D5": 1, "G96": 1, "G97": 1, "N15 2nd": 2, "S42 3rd": 3, "V37 2nd": 2}


def test_a_level_written_inside_a_name_is_no_level():
    m = EventLogMapping.model_validate(
        {
            "name": "levels",
            "columns": {"case_id": "C", "timestamp": "T", "status": "S", "team": "G",
                        "support_level": "G"},
            "status_map": {"Open": "in_progress"},
            "supplier_rules": [{"pattern": ".+", "supplier_id": "service-desk"}],
            "default_priority": 3, "default_service": "service-desk",
        }
    )  # fmt: skip
    groups = ["L2", "Tier 3", "2nd line", "Group 20", "Team13"]
    df = pd.DataFrame(
        {"C": [f"T{i}" for i in range(5)], "T": "2026-06-01T09:00:00Z", "S": "Open", "G": groups}
    )
    r = eventlog_to_model(df, m, estate=load_estate(FIXTURE_PARAMS_DIR))
    got = r.tables["ticket_events"].set_index("assignment_group")["support_level"]
    assert got.reindex(groups).tolist() == [2, 3, 2, pd.NA, pd.NA]
    assert r.summary.unmapped["support_level"] == {"Group 20": 1, "Team13": 1}


# ------------------------------------------------------------- Helpdesk -------------------
HELPDESK_EVENTS = {
    "Case 1": ["new", "in_progress", "resolved", "closed"],
    "Case 10": ["new", "in_progress", "resolved", "closed"],
    "Case 100": ["new", "in_progress", "awaiting_user", "in_progress", "resolved", "closed"],
    "Case 1000": ["new", "in_progress", "awaiting_problem", "in_progress", "resolved",
                  "in_progress", "resolved", "closed"],
    "Case 1001": ["new", "in_progress"],
    "Case 1002": ["new"],
}  # fmt: skip


@pytest.mark.parametrize("name", ["helpdesk_sample.csv", "helpdesk_sample_newest_first.csv"])
def test_helpdesk_activity_log_imports_with_hand_counted_figures(name):
    # 27 rows, 6 cases. Collapsed: Case 1's second 'Take in charge ticket' (another person,
    # same workgroup) and Case 1000's 'Assign seriousness' after 'Insert ticket' (both new):
    # 25 events. Four cases end Closed; Case 1000 is taken in charge again after 'Resolve
    # ticket' (one reopen); Case 1002 is a single event. Every ticket priority 3 (default).
    r = run(name, "helpdesk.yaml")
    s = r.summary
    assert (s.rows_read, s.rows_used, s.rows_collapsed, s.rows_rejected) == (27, 25, 2, 0)
    e = r.tables["ticket_events"]
    assert e.groupby("ticket_id")["status"].apply(list).to_dict() == HELPDESK_EVENTS
    t = by_id(r)
    assert int(t["status"].eq("closed").sum()) == 4
    assert t["reopen_count"].tolist() == [0, 0, 0, 1, 0, 0]
    assert set(t["priority"]) == {3}
    assert t.loc["Case 1", "resolved_at"] == ts("2012-10-25 09:54:26")  # 11:54:26 CEST


def test_a_log_listed_newest_first_keeps_same_time_rows_in_event_order():
    # Case 10 and Case 1001 each have 'Assign seriousness' and 'Take in charge ticket' in the
    # same second. Listed newest first, file order puts 'Take in charge' first; read as
    # listed, Case 1001 ended 'new' with events in_progress -> new.
    r = run("helpdesk_sample_newest_first.csv", "helpdesk.yaml")
    t = by_id(r)
    assert t.loc["Case 1001", "status"] == "in_progress"
    assert r.summary.counts["file_newest_first"] == 1
    assert r.summary.counts["rows_out_of_time_order"] == 0


# ------------------------------------------------------------- ServiceNow list export -----
@pytest.fixture(scope="module")
def sn_list():
    return run("servicenow_incident_list_sample.csv", "servicenow_list.yaml")


def test_servicenow_list_export_imports_one_ticket_per_row(sn_list):
    # 8 incidents, one row each. Closed 3, Resolved 1, Canceled 1, In Progress / On Hold /
    # New 3. Priorities: 1 - Critical 1, 2 - High 2, 3 - Moderate 3, 4 - Low 2.
    s = sn_list.summary
    assert (s.rows_read, s.rows_used, s.rows_collapsed, s.rows_rejected) == (8, 8, 0, 0)
    t = by_id(sn_list)
    assert int(t["status"].isin(["resolved", "closed"]).sum()) == 4
    assert t["priority"].value_counts().sort_index().to_dict() == {1: 1, 2: 2, 3: 3, 4: 2}
    assert t.loc["INC0010007", "supplier_id"] == "service-desk"  # New, no group yet


def test_servicenow_list_resolution_and_close_come_from_the_columns_not_the_last_update(sn_list):
    # INC0010003 (Resolved) was updated on 3 September 09:00 after its resolution at
    # 2 September 12:20:31; INC0010006 (Closed) closed 11 September 10:30, updated
    # 14 September 08:00 (London, +01:00). The row time is the last update.
    t = by_id(sn_list)
    assert t.loc["INC0010003", "resolved_at"] == ts("2026-09-02 11:20:31")
    assert t.loc["INC0010006", "closed_at"] == ts("2026-09-11 09:30:00")
    assert t.loc["INC0010006", "resolved_at"] == ts("2026-09-04 09:25:00")
    # No history: the first response is not known to be before the resolution.
    assert t.loc["INC0010006", "first_response_at"] == ts("2026-09-04 09:25:00")


def test_a_list_export_with_two_rows_for_one_ticket_rejects_both():
    from siamlib.importers.mapping import load_mapping

    m = load_mapping(FIXTURE_MAPPINGS_DIR / "servicenow_list.yaml")
    cols = ["number", "opened_at", "priority", "state", "category", "assignment_group",
            "sys_updated_on", "resolved_at", "closed_at"]  # fmt: skip
    rows = [
        ["INC1", "2026-09-01 08:00:00", "3 - Moderate", "In Progress", "", "SD-L1",
         "2026-09-01 09:00:00", "", ""],
        ["INC1", "2026-09-01 08:00:00", "3 - Moderate", "Resolved", "", "SD-L1",
         "2026-09-02 09:00:00", "2026-09-02 09:00:00", ""],
        ["INC2", "2026-09-01 08:00:00", "4 - Low", "New", "", "",
         "2026-09-01 08:00:00", "", ""],
    ]  # fmt: skip
    r = eventlog_to_model(pd.DataFrame(rows, columns=cols), m,
                          estate=load_estate(FIXTURE_PARAMS_DIR))  # fmt: skip
    assert r.summary.rows_rejected == 2
    assert set(r.rejects["reason"]) == {
        "more than one row for the ticket in a list export (row_per_ticket)"
    }
    assert r.tables["tickets"]["ticket_id"].tolist() == ["INC2"]


# ------------------------------------------------------------- BPI Challenge 2014 ----------
def test_bpi2014_activity_log_imports_with_hand_counted_figures():
    # 20 rows, 4 incidents, day-first DateStamp. Collapsed (a carried activity changing
    # nothing): IM0000004 'Update', IM0000005 'Update from customer' and 'Caused By CI' (no
    # group: keeps TEAM0150), IM0000006 'Status Change': 16 events. Closed: IM0000004 and
    # IM0000005, which is reopened once and closed again (no Resolved activity: resolved at
    # the close). Priority is not in this table: 3 for all.
    r = run("bpi2014_incident_activity_sample.csv", "bpi2014_activity.yaml")
    s = r.summary
    assert (s.rows_read, s.rows_used, s.rows_collapsed, s.rows_rejected) == (20, 16, 4, 0)
    e = r.tables["ticket_events"].groupby("ticket_id")["status"].apply(list).to_dict()
    assert e["IM0000005"] == ["new", "assigned", "awaiting_supplier", "in_progress", "closed",
                              "in_progress", "closed"]  # fmt: skip
    t = by_id(r)
    assert t["status"].to_dict() == {"IM0000004": "closed", "IM0000005": "closed",
                                     "IM0000006": "assigned", "IM0000007": "new"}  # fmt: skip
    assert t.loc["IM0000005", "reopen_count"] == 1
    assert t.loc["IM0000005", "resolved_at"] == ts("2013-01-24 08:00:00")  # 09:00 CET
    assert t.loc["IM0000004", "supplier_id"] == "applications"  # TEAM0002 at the close
    assert set(t["priority"]) == {3}


def test_carried_activities_keep_the_status_before_them_and_are_not_unknown():
    m = EventLogMapping.model_validate(
        {
            "name": "activities",
            "columns": {"case_id": "C", "timestamp": "T", "status": "S", "team": "G"},
            "status_map": {"Open": "new", "Work": "in_progress", "Close": "closed"},
            "carry_statuses": ["Note"],
            "supplier_rules": [{"equals": "Desk", "supplier_id": "service-desk"},
                               {"equals": "Net", "supplier_id": "network"}],
            "default_priority": 3, "default_service": "from_supplier",
        }
    )  # fmt: skip
    df = pd.DataFrame(
        {
            "C": ["A", "A", "A", "A", "A", "B"],
            "T": [f"2026-06-01T0{h}:00:00Z" for h in range(1, 7)],
            "S": ["Note", "Open", "Note", "Note", "Close", "Junk"],
            "G": ["Desk", "Desk", "Desk", "Net", "Net", "Desk"],
        }
    )
    r = eventlog_to_model(df, m, estate=load_estate(FIXTURE_PARAMS_DIR))
    e = r.tables["ticket_events"]
    # A note before any status is new (collapsed into Open); a note moving to another group
    # is an event in the status before it.
    assert list(zip(e["status"], e["supplier_id"], strict=True)) == [
        ("new", "service-desk"), ("new", "network"), ("closed", "network")
    ]  # fmt: skip
    assert (r.summary.rows_used, r.summary.rows_collapsed, r.summary.rows_rejected) == (3, 2, 1)
    assert r.summary.unmapped["status"] == {"Junk": 1}
