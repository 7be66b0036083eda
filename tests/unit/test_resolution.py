"""Where a ticket's work ends (siamlib.resolution): hand-written histories, then invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import figures, io, resolution, workbook
from siamlib.measures import collaboration
from siamlib.schema import OPEN_STATUSES, TICKET_STATUSES
from tests.fixtures import datasets
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()


def events(rows):
    """(ticket, seq, status, group, supplier) rows as a ticket_events-like frame."""
    df = pd.DataFrame(
        rows, columns=["ticket_id", "event_seq", "status", "assignment_group", "supplier_id"]
    )
    df["event_at"] = pd.Timestamp("2026-03-02 09:00Z") + pd.to_timedelta(df["event_seq"], "h")
    df["support_level"] = 2
    return df


# INC1: the desk logs it, euc resolves it, the desk takes it back and closes it (the
# public ServiceNow log's pattern). INC2: resolved, reopened, resolved again by network,
# closed by the desk. INC3: still open. INC4: its first event is already closed.
LOG = events([
    ("INC1", 1, "new", "SD-L1", "service-desk"),
    ("INC1", 2, "assigned", "EUC-L2", "euc"),
    ("INC1", 3, "resolved", "EUC-L2", "euc"),
    ("INC1", 4, "resolved", "SD-L1", "service-desk"),
    ("INC1", 5, "closed", "SD-L1", "service-desk"),
    ("INC2", 1, "assigned", "HOST-Ops", "hosting"),
    ("INC2", 2, "resolved", "HOST-Ops", "hosting"),
    ("INC2", 3, "in_progress", "NET-NOC", "network"),
    ("INC2", 4, "resolved", "NET-NOC", "network"),
    ("INC2", 5, "closed", "SD-L1", "service-desk"),
    ("INC3", 1, "assigned", "HOST-Ops", "hosting"),
    ("INC3", 2, "in_progress", "NET-NOC", "network"),
    ("INC4", 1, "closed", "SD-L1", "service-desk"),
    ("INC4", 2, "closed", "EUC-L2", "euc"),
])  # fmt: skip


def test_events_after_resolution_are_those_after_the_first_done_one_after_the_last_open_one():
    # INC1: resolved at 3, so 4 and 5 are after; INC2: reopened at 3, resolved at 4, so 5;
    # INC3: open, none; INC4: never open, everything after its first event.
    assert resolution.after_resolution(LOG).tolist() == [
        False, False, False, True, True,
        False, False, False, False, True,
        False, False,
        False, True,
    ]  # fmt: skip


def test_the_order_is_event_seq_whatever_the_row_order():
    shuffled = LOG.sample(frac=1, random_state=3)
    assert resolution.after_resolution(shuffled).tolist() == (
        resolution.after_resolution(LOG)[shuffled.index].tolist()
    )


def test_the_resolver_holds_every_later_event_and_statuses_are_untouched():
    held = resolution.held_by_resolver(LOG)
    assert held["supplier_id"].tolist() == [
        "service-desk", "euc", "euc", "euc", "euc",
        "hosting", "hosting", "network", "network", "network",
        "hosting", "network",
        "service-desk", "service-desk",
    ]  # fmt: skip
    assert held["assignment_group"].iloc[3:5].tolist() == ["EUC-L2", "EUC-L2"]
    others = ["supplier_id", "assignment_group"]
    pd.testing.assert_frame_equal(held.drop(columns=others), LOG.drop(columns=others))
    assert LOG.loc[3, "supplier_id"] == "service-desk"  # the input is not modified


def test_a_closure_by_the_service_desk_after_resolution_is_no_handoff_and_no_bounce():
    # Raw, INC1 reads desk > euc > desk: 2 hand-offs and a bounce against both suppliers.
    # Held by its resolver it reads desk > euc: 1 hand-off, no bounce.
    one = LOG[LOG["ticket_id"] == "INC1"]
    raw = collaboration.ping_pong(one)
    held = collaboration.ping_pong(resolution.held_by_resolver(one))
    assert raw["ping_pong"].tolist() == [True]
    assert held["ping_pong"].tolist() == [False]
    assert collaboration.handoffs(one)["handoffs"].tolist() == [2]
    assert collaboration.handoffs(resolution.held_by_resolver(one))["handoffs"].tolist() == [1]


def test_an_event_log_without_events_after_resolution_comes_back_as_it_is():
    open_only = LOG[LOG["ticket_id"] == "INC3"]
    assert resolution.held_by_resolver(open_only) is open_only


def test_rows_without_a_ticket_or_a_seq_are_never_after_a_resolution():
    log = LOG.copy()
    log["event_seq"] = log["event_seq"].astype("Int64")
    log.loc[4, "event_seq"] = pd.NA
    log.loc[9, "ticket_id"] = None
    after = resolution.after_resolution(log)
    assert not after[4] and not after[9]
    assert after[3]


STATUS = st.sampled_from(TICKET_STATUSES)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), STATUS, st.sampled_from(["a", "b", "c"])),
                min_size=0, max_size=30))  # fmt: skip
def test_holding_by_the_resolver_changes_nothing_up_to_each_resolution_and_freezes_the_holder_after(
    rows,
):
    df = pd.DataFrame(rows, columns=["ticket_id", "status", "supplier_id"])
    df["ticket_id"] = "T" + df["ticket_id"].astype(str)
    df["event_seq"] = df.groupby("ticket_id").cumcount() + 1
    after = resolution.after_resolution(df)
    held = resolution.held_by_resolver(df)
    assert (held["supplier_id"][~after] == df["supplier_id"][~after]).all()
    for _, g in held.groupby("ticket_id"):
        a = after[g.index]
        if a.any():
            # Every event after the resolution has the resolution event's holder, and no
            # event after it is in an open status (else it would not be after).
            stop = g.index[np.flatnonzero(~a)[-1]]
            assert (g.loc[a, "supplier_id"] == held.loc[stop, "supplier_id"]).all()
            assert not g.loc[a, "status"].isin(OPEN_STATUSES).any()


# ----------------------------------------------------------- a whole period, end to end ----
@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    return datasets.small_demo(tmp_path_factory.mktemp("data"), seed=5)


def test_tickets_handed_to_another_suppliers_queue_after_resolution_change_no_figure(
    demo_folder, tmp_path
):
    # Every ticket resolved in October by a tower other than network is passed, after its
    # last resolution, to network's NET-NOC queue, which closes it (group and supplier
    # agree, as the estate says). The gate passes it and every figure equals the clean run's.
    tables, info = io.read_dataset(demo_folder), io.read_dataset_info(demo_folder)
    t, e = tables["tickets"], tables["ticket_events"].copy()
    start, end = pd.Timestamp("2026-09-30 23:00Z"), pd.Timestamp("2026-10-31 23:59Z")
    ids = t.loc[t["resolved_at"].between(start, end) & (t["supplier_id"] != "network"),
                "ticket_id"]  # fmt: skip
    moved = e["ticket_id"].isin(ids) & resolution.after_resolution(e)
    assert moved.sum() >= 20
    for c, v in (("assignment_group", "NET-NOC"), ("supplier_id", "network")):
        e[c] = e[c].astype(object).where(~moved, v)
    io.write_dataset(tmp_path, {**tables, "ticket_events": e}, info)

    clean = workbook.compute_period(demo_folder, PARAMS, "2026-10")
    handed = workbook.compute_period(tmp_path, PARAMS, "2026-10")
    assert handed.quarantined.empty
    pd.testing.assert_frame_equal(figures.from_work(handed).frame, figures.from_work(clean).frame)
