"""The data-quality rules added after the seventh bad-input probe (EVT-021, TKT-042, CHG-027): small
hand-written tables on which each rule fails on exactly the rows expected. The
catalogue-wide checks (a crafted case per rule, the good dataset and the demo pass) are in
``tests/unit/test_quality.py``.
"""

from __future__ import annotations

import pandas as pd

from siamlib import quality
from siamlib.quarantine import quarantine
from tests.unit.test_quality import RULES, SUPPLIERS, WINDOW, good_tables, ts, with_events


def run(tables, *rule_ids) -> quality.QualityResult:
    return quality.run_rules(tables, [RULES[r] for r in rule_ids], SUPPLIERS, window=WINDOW)


def row(result: quality.QualityResult, rule_id: str, who: str = quality.ALL) -> pd.Series:
    res = result.results
    rows = res[(res["rule_id"] == rule_id) & (res["supplier_id"] == who)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ------------------------------------------- EVT-021: an event names its supplier ----
def dispatched_blank() -> dict[str, pd.DataFrame]:
    """INC1 logged by the service desk, dispatched (event 2) with neither group nor supplier
    written, then worked and resolved by hosting: the integrator's step is hidden."""
    return with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
        (2, ts("2026-01-05 09:10"), "assigned", None, None, None),
        (3, ts("2026-01-05 09:30"), "in_progress", "HOST-Ops", "hosting", 2),
        (4, ts("2026-01-05 12:00"), "resolved", "HOST-Ops", "hosting", 2),
    ])  # fmt: skip


def test_an_event_naming_no_supplier_after_events_that_do_fails_and_takes_its_ticket_out():
    tables = dispatched_blank()
    result = run(tables, "EVT-021")
    r = row(result, "EVT-021")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("quarantine", 1, ["INC1#2"])
    # Counted against the ticket's supplier of record (hosting), not the blank event's.
    assert not row(result, "EVT-021", "hosting")["passed"]
    assert row(result, "EVT-021", "network")["passed"]
    clean, _ = quarantine(tables, result)
    assert "INC1" not in set(clean["ticket_events"]["ticket_id"])
    assert "INC1" not in set(clean["tickets"]["ticket_id"])
    assert {"INC2", "REQ3"} <= set(clean["tickets"]["ticket_id"])


def test_a_blank_group_with_its_supplier_written_passes():
    # The public ServiceNow log has events with no group (2 %) but a supplier: not judged.
    tables = with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", "SD-L1", "service-desk", 1),
        (2, ts("2026-01-05 09:10"), "assigned", None, "hosting", None),
        (3, ts("2026-01-05 12:00"), "resolved", "HOST-Ops", "hosting", 2),
    ])  # fmt: skip
    assert row(run(tables, "EVT-021"), "EVT-021")["passed"]


def test_a_log_whose_events_name_no_supplier_passes():
    # An event log without a group mapping: no event of the ticket names a holder, so none
    # is missing one.
    tables = with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", None, None, None),
        (2, ts("2026-01-05 12:00"), "resolved", None, None, None),
    ])  # fmt: skip
    assert row(run(tables, "EVT-021"), "EVT-021")["passed"]


# ------------------------------------ TKT-042: a cancelled ticket was never resolved ----
def test_a_resolved_ticket_relabelled_cancelled_fails():
    # REQ3 was resolved on 2026-01-13: cancelled afterwards (its row and a last event), it
    # would leave euc's SLA and reopen figures with no finding.
    history = [
        (1, ts("2026-01-12 10:00"), "new", "SD-L1", "service-desk", 1),
        (2, ts("2026-01-12 10:30"), "assigned", "EUC-Field", "euc", 2),
        (3, ts("2026-01-13 10:00"), "resolved", "EUC-Field", "euc", 2),
        (4, ts("2026-01-13 11:00"), "cancelled", "EUC-Field", "euc", 2),
    ]
    tables = with_events(good_tables(), "REQ3", history)
    tables["tickets"].loc[2, "status"] = "cancelled"
    result = run(tables, "TKT-042")
    r = row(result, "TKT-042")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("quarantine", 1, ["REQ3"])
    assert not row(result, "TKT-042", "euc")["passed"]
    # Without resolved_at, the resolved event of its history still gives it away.
    tables["tickets"].loc[2, "resolved_at"] = pd.NaT
    assert row(run(tables, "TKT-042"), "TKT-042")["examples"] == ["REQ3"]
    # With no resolution in the events either, it is a plain cancellation.
    tables = with_events(tables, "REQ3", [history[0], history[1], history[3]])
    assert row(run(tables, "TKT-042"), "TKT-042")["passed"]


def test_a_ticket_cancelled_before_any_resolution_passes():
    tables = with_events(good_tables(), "INC2", [
        (1, ts("2026-01-10 08:00"), "new", "SD-L1", "service-desk", 1),
        (2, ts("2026-01-10 08:05"), "in_progress", "NET-NOC", "network", 2),
        (3, ts("2026-01-10 09:00"), "cancelled", "NET-NOC", "network", 2),
    ])  # fmt: skip
    tables["tickets"].loc[1, "status"] = "cancelled"
    assert row(run(tables, "TKT-042"), "TKT-042")["passed"]


# ------------------------------------- CHG-027: a change that ended is not pending ----
def test_a_failed_change_relabelled_pending_blocks_its_supplier():
    # CHG1 failed (network, ended 2026-01-09 21:30): relabelled pending with its end kept, it
    # would leave change success. Quarantine would drop it the same way: it blocks.
    tables = good_tables()
    tables["changes"].loc[0, "outcome"] = "pending"
    result = run(tables, "CHG-027")
    r = row(result, "CHG-027")
    assert (r["severity"], r["unexpected_count"], r["examples"]) == ("blocking", 1, ["CHG1"])
    assert not quality.blocking_failures(result, "network").empty
    assert quality.blocking_failures(result, "hosting").empty
    # The same change cancelled, or the pending CHG2 with no actual dates: not judged wrong.
    tables["changes"].loc[0, "actual_end"] = pd.NaT
    tables["changes"].loc[0, "outcome"] = "cancelled"
    assert row(run(tables, "CHG-027"), "CHG-027")["passed"]


# ------------------------- CHG-028, PRB-021, IMP-018: a record copied under a new id ----
def test_a_delivered_improvement_copied_under_a_new_id_blocks_and_a_near_copy_passes():
    # IMP2 (hosting, delivered 2026-01-30) exported again as IMP2-B: it would count twice in
    # the delivered count. Both copies fail (which is the record is unknown); hosting blocks.
    tables = good_tables()
    im = tables["improvements"]
    copy = im.iloc[[1]].assign(improvement_id="IMP2-B")
    tables["improvements"] = pd.concat([im, copy], ignore_index=True)
    result = run(tables, "IMP-018")
    r = row(result, "IMP-018")
    assert (r["severity"], r["unexpected_count"]) == ("blocking", 2)
    assert sorted(r["examples"]) == ["IMP2", "IMP2-B"]
    assert not quality.blocking_failures(result, "hosting").empty
    assert quality.blocking_failures(result, "euc").empty
    # The same title raised a second later is another entry (the demo repeats titles).
    tables["improvements"].loc[2, "raised_at"] = ts("2026-01-04 10:00:01")
    assert row(run(tables, "IMP-018"), "IMP-018")["passed"]


def test_a_change_copied_under_a_new_id_fails_on_both_copies():
    tables = good_tables()
    ch = tables["changes"]
    tables["changes"] = pd.concat([ch, ch.iloc[[0]].assign(change_id="CHG1-B")], ignore_index=True)
    r = row(run(tables, "CHG-028"), "CHG-028")
    assert (r["unexpected_count"], sorted(r["examples"])) == (2, ["CHG1", "CHG1-B"])


def test_events_before_the_first_naming_a_supplier_pass():
    # The event-log importer leaves the events before the first assignment without a
    # supplier when the mapping names no unassigned_supplier: not judged.
    tables = with_events(good_tables(), "INC1", [
        (1, ts("2026-01-05 09:00"), "new", None, None, None),
        (2, ts("2026-01-05 09:10"), "assigned", "HOST-Ops", "hosting", 2),
        (3, ts("2026-01-05 12:00"), "resolved", "HOST-Ops", "hosting", 2),
    ])  # fmt: skip
    assert row(run(tables, "EVT-021"), "EVT-021")["passed"]
