"""Generic event-log importer: BPI 2013 Volvo-shaped log, supplier mapping, invariants.

fixtures/importers/bpi2013_volvo_small.csv is hand-made in the shape of the public BPI
Challenge 2013 Volvo IT incident log (nothing of the real log is in the repository): 20 rows,
4 cases, read with params/mappings/bpi2013_volvo_example.yaml. Offsets in the file are +02:00
(CEST), so UTC = local - 2 h.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import paths
from siamlib.importers.eventlog import (
    eventlog_to_model,
    import_eventlog,
    load_estate,
    map_suppliers,
    month_window,
)
from siamlib.importers.mapping import EventLogMapping, load_mapping
from siamlib.importers.result import ImporterError
from siamlib.importers.window import declare_extracted_at
from tests.fixtures.fixture_params import FIXTURE_BPI_MAPPING, FIXTURE_PARAMS_DIR

FIXTURES = paths.ROOT / "tests" / "unit" / "fixtures" / "importers"
BPI = FIXTURES / "bpi2013_volvo_small.csv"
BPI_MAPPING = FIXTURE_BPI_MAPPING


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture(scope="module")
def bpi():
    return import_eventlog(BPI, BPI_MAPPING)


def tiny_mapping(**over) -> EventLogMapping:
    base = {
        "name": "tiny",
        "columns": {"case_id": "Case", "timestamp": "When", "status": "State", "team": "Team"},
        "timestamps": {"format": "%Y-%m-%d %H:%M", "timezone": "Europe/London"},
        "status_map": {"Open": "in_progress", "Wait": "awaiting_user", "Done": "resolved"},
        "supplier_rules": [
            {"equals": "Desk", "supplier_id": "service-desk", "support_level": 1},
            {"equals": "Net", "supplier_id": "network", "support_level": 2},
        ],
        "default_priority": 3,
        "default_service": "from_supplier",
    }
    base.update(over)
    return EventLogMapping.model_validate(base)


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Case", "When", "State", "Team"], dtype="str")


# ------------------------------------------------------------------ BPI shape -------------
def test_bpi_rows_are_accounted_for(bpi):
    s = bpi.summary
    # 20 rows: rejected = 'Accepted / Pending Review' (unknown), 'Unmatched / Unmatched'
    # (reject status), 'Org line Z9' (unmapped); collapsed = the duplicated 14:00 row of case
    # 1-364285768; events = 7 + 2 + 2 + 5 = 16.
    assert (s.rows_read, s.rows_used, s.rows_collapsed, s.rows_rejected) == (20, 16, 1, 3)
    assert s.rejected_by_reason == {
        "unknown status": 1,
        "unmatched: the source recorded no status": 1,
        "unmapped group": 1,
    }
    assert bpi.rejects["source_row"].tolist() == [12, 13, 14]
    assert s.unmapped["status"] == {"Accepted / Pending Review": 1}
    assert s.unmapped["organisation"] == {"Org line Z9": 1}


def test_bpi_status_and_sub_status_are_joined_and_levels_read(bpi):
    ev = bpi.tables["ticket_events"]
    a = ev[ev["ticket_id"] == "1-364285768"]
    assert a["status"].tolist() == [
        "assigned",  # Queued / Awaiting Assignment
        "in_progress",
        "assigned",  # handed to Org line C, level 2
        "in_progress",
        "awaiting_user",  # Wait - User
        "resolved",
        "closed",
    ]
    assert a["supplier_id"].tolist() == ["service-desk"] * 2 + ["applications"] * 5
    assert a["support_level"].tolist() == [1, 1, 2, 2, 2, 2, 2]
    assert a["assignment_group"].iloc[2] == "N15 2nd"


def test_bpi_tickets_are_built_by_hand_computed_rules(bpi):
    t = bpi.tables["tickets"].set_index("ticket_id")
    a = t.loc["1-364285768"]
    # 13:00+02:00 -> 11:00Z; first response = first in_progress 13:05+02 -> 11:05Z;
    # resolved 14/5 08:00+02 -> 06:00Z; closed 21/5 08:00+02 -> 06:00Z.
    assert (a["opened_at"], a["first_response_at"]) == (
        ts("2012-05-11 11:00"),
        ts("2012-05-11 11:05"),
    )
    assert (a["resolved_at"], a["closed_at"]) == (ts("2012-05-14 06:00"), ts("2012-05-21 06:00"))
    assert (a["priority"], a["service"], a["status"]) == (3, "PROD582", "closed")
    b = t.loc["1-470125561"]
    # File lists 10:30 (In Call) before 10:00 (In Progress): time order puts 10:00 first.
    assert (b["status"], b["resolved_at"], b["priority"]) == ("resolved", ts("2012-06-01 08:30"), 4)
    c = t.loc["1-520361190"]
    assert (c["status"], c["supplier_id"], c["priority"]) == ("awaiting_change", "hosting", 2)
    assert pd.isna(c["resolved_at"]) and pd.isna(c["closed_at"])
    d = t.loc["1-631247893"]
    # Resolved 01/8 12:00, reopened 02/8 08:00, resolved again 16:00 (+02) -> 14:00Z.
    assert (d["reopen_count"], d["resolved_at"], d["priority"]) == (1, ts("2012-08-02 14:00"), 1)


def test_bpi_window_is_the_span_of_the_log_not_whole_months(bpi):
    # First row 2012-05-11T13:00+02:00 = 11:00Z; last 2012-08-09T16:00+02:00 = 14:00Z, and the
    # end is exclusive, so one second after it. May and August are held only in part.
    assert bpi.window == (ts("2012-05-11 11:00"), ts("2012-08-09 14:00:01"))
    assert bpi.summary.window == ("2012-05-11T11:00:00+00:00", "2012-08-09T14:00:01+00:00")


def test_extracted_at_ends_the_window_at_the_export_time(tmp_path):
    r = import_eventlog(BPI, BPI_MAPPING)
    # 1 Sep 2012 00:00 in London (BST) is 31 Aug 23:00Z: August is then declared whole.
    declare_extracted_at(r, "2012-09-01", "Europe/London")
    assert r.window == (ts("2012-05-11 11:00"), ts("2012-08-31 23:00"))
    assert r.summary.window[1] == "2012-08-31T23:00:00+00:00"


def test_extracted_at_before_the_logs_last_row_is_refused():
    r = import_eventlog(BPI, BPI_MAPPING)
    with pytest.raises(
        ImporterError,
        match=r"--extracted-at 2012-08-05: the log has rows up to "
        r"2012-08-09 14:00:00 UTC",
    ):
        declare_extracted_at(r, "2012-08-05", "Europe/London")
    with pytest.raises(ImporterError, match="--extracted-at soon: not a date or time"):
        declare_extracted_at(r, "soon", "Europe/London")
    assert r.window == (ts("2012-05-11 11:00"), ts("2012-08-09 14:00:01"))


# ------------------------------------------------------------------ supplier mapping ------
def test_estate_groups_are_effective_dated():
    m = tiny_mapping(supplier_rules=[])
    team = pd.Series(["Messaging", "Messaging", "HOST-Ops"], dtype="str")
    # Messaging moved from applications to hosting on 2026-04-01 (London midnight = 23:00Z).
    at = pd.Series(
        pd.to_datetime(["2026-03-31 22:59", "2026-03-31 23:00", "2026-01-01 00:00"], utc=True)
    )
    sup, lvl, ok = map_suppliers(team, None, at, m, load_estate(FIXTURE_PARAMS_DIR))
    assert sup.tolist() == ["applications", "hosting", "hosting"]
    assert lvl.tolist() == [2, 2, 2]
    assert ok.all()


def test_first_matching_rule_wins_and_number_ranges_bound_inclusively():
    m = tiny_mapping(
        supplier_rules=[
            {"equals": "Group 20", "supplier_id": "euc"},
            {"pattern": r"Group (\d+)", "number_range": [20, 39], "supplier_id": "applications"},
            {"pattern": r"Group \d+", "supplier_id": "network"},
        ]
    )
    team = pd.Series(["Group 20", "Group 39", "Group 40", "Group 19", "Groupie"], dtype="str")
    at = pd.Series(pd.to_datetime(["2026-01-01"] * 5, utc=True))
    sup, _, ok = map_suppliers(team, None, at, m, load_estate(FIXTURE_PARAMS_DIR))
    assert sup.tolist()[:4] == ["euc", "applications", "network", "network"]
    assert ok.tolist() == [True, True, True, True, False]


def test_unmapped_group_goes_to_the_fallback_supplier_when_one_is_set():
    df = frame(
        [
            ("T1", "2026-02-02 09:00", "Open", "Mystery"),
            ("T1", "2026-02-02 10:00", "Done", "Net"),
            ("T2", "2026-02-02 11:00", "Open", "Desk"),
        ]
    )
    rejected = eventlog_to_model(df, tiny_mapping())
    # T1's other row goes with it: T1 is rejected whole.
    assert rejected.summary.rejected_by_reason == {
        "unmapped group": 1,
        "case rejected: another row of this case was rejected (unmapped group)": 1,
    }
    kept = eventlog_to_model(df, tiny_mapping(unmapped_group_supplier="integrator"))
    assert kept.summary.rows_rejected == 0
    ev = kept.tables["ticket_events"]
    assert ev["supplier_id"].tolist() == ["integrator", "network", "service-desk"]
    assert kept.summary.counts["rows_mapped_to_unmapped_group_supplier"] == 1
    assert kept.summary.unmapped == {"team": {"Mystery": 1}}


def test_never_assigned_case_is_rejected_without_an_unassigned_supplier():
    df = frame(
        [
            ("T1", "2026-02-02 09:00", "Open", ""),
            ("T1", "2026-02-02 10:00", "Done", ""),
            ("T2", "2026-02-02 11:00", "Open", "Desk"),
        ]
    )
    r = eventlog_to_model(df, tiny_mapping())
    assert r.summary.rejected_by_reason == {"ticket never assigned to a group": 2}
    assert r.tables["tickets"]["ticket_id"].tolist() == ["T2"]
    assert r.summary.cases_rejected == 1


def test_cases_without_priority_and_no_default_stop_the_import_naming_the_mapping_key():
    m = tiny_mapping(default_priority=None)
    df = frame([("T1", "2026-02-02 09:00", "Open", "Desk")])
    with pytest.raises(
        ImporterError,
        match=r"^x\.csv: no row can be used: all 1 rows were rejected: 1 no priority "
        r"\[mapping: priority_map or default_priority\]",
    ):
        eventlog_to_model(df, m, source="x.csv")


def test_row_checks_name_missing_and_bad_values():
    df = frame(
        [
            ("", "2026-02-02 09:00", "Open", "Desk"),
            ("T2", "", "Open", "Desk"),
            ("T3", "02/02/2026 9am", "Open", "Desk"),
            ("T4", "2026-02-02 09:00", "", "Desk"),
            ("T5", "2026-02-02 09:00", "Parked", "Desk"),
            ("T1", "2026-02-02 10:00", "Open", "Desk"),
        ]
    )
    r = eventlog_to_model(df, tiny_mapping())
    assert r.rejects["reason"].tolist() == [
        "missing case id",
        "missing timestamp",
        "bad timestamp",
        "missing status",
        "unknown status",
    ]
    assert r.summary.rows_used == 1


def test_status_alone_is_used_when_the_joined_key_is_not_mapped():
    m = tiny_mapping(
        columns={"case_id": "Case", "timestamp": "When", "status": "State", "sub_status": "Sub",
                 "team": "Team"},
        status_map={"Open": "in_progress", "Open / Waiting": "awaiting_user"},
    )  # fmt: skip
    df = pd.DataFrame(
        {
            "Case": ["T1", "T1"],
            "When": ["2026-02-02 09:00", "2026-02-02 10:00"],
            "State": ["Open", "Open"],
            "Sub": ["Fresh", "Waiting"],
            "Team": ["Desk", "Desk"],
        }
    )
    r = eventlog_to_model(df, m)
    assert r.tables["ticket_events"]["status"].tolist() == ["in_progress", "awaiting_user"]


def test_a_mapping_naming_absent_columns_is_a_clear_error():
    df = pd.DataFrame({"Case": ["T1"], "When": ["2026-02-02 09:00"], "Status": ["Open"]})
    with pytest.raises(ImporterError, match=r"columns.status = 'State'.*columns.team = 'Team'"):
        eventlog_to_model(df, tiny_mapping(), source="x.csv")


def test_month_window_handles_a_year_end():
    s, e = month_window(ts("2025-12-31 23:30"), ts("2026-01-01 00:30"), "UTC")
    assert (s, e) == (ts("2025-12-01"), ts("2026-02-01"))


def test_shipped_mappings_load():
    assert load_mapping(BPI_MAPPING).columns.sub_status == "Sub Status"


# ------------------------------------------------------------------ invariants ------------
_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", ""]),
        st.integers(min_value=0, max_value=50),
        st.sampled_from(["Open", "Wait", "Done", "Junk", ""]),
        st.sampled_from(["Desk", "Net", "Unknown", ""]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(_rows)
def test_every_row_is_used_collapsed_or_rejected_and_events_are_ordered(rows):
    df = frame(
        [
            (c, (pd.Timestamp("2026-06-01 08:00") + pd.Timedelta(minutes=15 * m)).strftime(
                "%Y-%m-%d %H:%M"), s, t)
            for c, m, s, t in rows
        ]
    )  # fmt: skip
    m = tiny_mapping(unassigned_supplier="service-desk")
    try:
        r = eventlog_to_model(df, m)
    except ImporterError as exc:
        # Only a file with no usable row stops (the times here are all valid).
        assert "no row can be used" in str(exc)
        return
    s = r.summary
    assert s.rows_read == len(df) == s.rows_used + s.rows_collapsed + s.rows_rejected
    assert len(r.rejects) == s.rows_rejected
    ev = r.tables["ticket_events"]
    assert len(ev) == s.rows_used
    # A case with a rejected row builds nothing.
    assert not set(r.rejects["Case"]) & set(ev["ticket_id"])
    for _, g in ev.groupby("ticket_id"):
        assert g["event_seq"].tolist() == list(range(1, len(g) + 1))
        assert g["event_at"].is_monotonic_increasing
        # Consecutive events always differ in something the model keeps.
        keys = g[["status", "assignment_group", "supplier_id"]].astype("str").fillna("-")
        assert not (keys == keys.shift()).all(axis=1).iloc[1:].any()
    t = r.tables["tickets"]
    assert set(t["ticket_id"]) == set(ev["ticket_id"])
    assert (t["reopen_count"] >= 0).all()
    done = t["status"].isin(["resolved", "closed"])
    assert t.loc[done, "resolved_at"].notna().all()
    assert t.loc[~done, "resolved_at"].isna().all()


def test_extracted_at_in_the_future_is_refused():
    # 2062 for 2026: the months up to it would be declared complete with no row in them.
    r = import_eventlog(BPI, BPI_MAPPING)
    with pytest.raises(ImporterError, match="--extracted-at 2062-11-01: is in the future"):
        declare_extracted_at(r, "2062-11-01", "Europe/London")
    assert r.window == (ts("2012-05-11 11:00"), ts("2012-08-09 14:00:01"))


def test_a_ticket_is_the_suppliers_that_resolved_it_not_the_one_that_closed_it():
    # T1: network resolves, the desk takes it back and closes it (the public ServiceNow
    # log's pattern). T2: network resolves, the caller reopens, the desk resolves it. T3: open.
    df = frame(
        [
            ("T1", "2026-02-02 09:00", "Open", "Desk"),
            ("T1", "2026-02-02 10:00", "Open", "Net"),
            ("T1", "2026-02-02 11:00", "Done", "Net"),
            ("T1", "2026-02-03 09:00", "Done", "Desk"),
            ("T1", "2026-02-03 10:00", "Closed", "Desk"),
            ("T2", "2026-02-02 09:00", "Open", "Net"),
            ("T2", "2026-02-02 10:00", "Done", "Net"),
            ("T2", "2026-02-02 11:00", "Open", "Desk"),
            ("T2", "2026-02-02 12:00", "Done", "Desk"),
            ("T3", "2026-02-02 09:00", "Open", "Desk"),
            ("T3", "2026-02-02 10:00", "Open", "Net"),
        ]
    )
    status_map = {"Open": "in_progress", "Done": "resolved", "Closed": "closed"}
    out = eventlog_to_model(df, tiny_mapping(status_map=status_map))
    t = out.tables["tickets"].set_index("ticket_id")
    assert t["supplier_id"].to_dict() == {"T1": "network", "T2": "service-desk", "T3": "network"}
    assert t.loc["T1", "status"] == "closed"
    # The events keep who held them: the desk's closure is in the log as it happened.
    ev = out.tables["ticket_events"]
    assert ev.loc[ev["ticket_id"] == "T1", "supplier_id"].tolist()[-1] == "service-desk"
