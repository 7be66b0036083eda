"""Completeness: required tables, grey notes for absent tables and months, empty-month blocks."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib import completeness, schema
from siamlib.io import DatasetError
from siamlib.measures.catalogue import MEASURES
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A data-model table from a few hand-written rows (unnamed columns empty)."""
    return schema.coerce(name, pd.DataFrame(rows).reindex(columns=schema.TABLES[name].column_names))


def ticket(tid: str, opened: str, resolved: str | None) -> dict:
    return {
        "ticket_id": tid,
        "ticket_type": "incident",
        "supplier_id": "euc",
        "service": "laptops",
        "priority": 3,
        "opened_at": opened,
        "resolved_at": resolved,
        "closed_at": resolved,
        "status": "closed" if resolved else "assigned",
        "reopen_count": 0,
    }


def event(tid: str, seq: int, at: str, status: str) -> dict:
    return {
        "ticket_id": tid,
        "event_seq": seq,
        "event_at": at,
        "status": status,
        "assignment_group": "EUC-L2",
        "supplier_id": "euc",
        "support_level": 2,
    }


# ------------------------------------------------------------------------ required tables ----
@pytest.mark.parametrize(
    ("present", "missing"),
    [(["ticket_events"], "tickets"), (["tickets", "outages"], "ticket_events")],
)
def test_a_dataset_without_a_required_table_is_rejected_naming_it(present, missing):
    with pytest.raises(DatasetError) as err:
        completeness.check_required(present, "data/sn")
    msg = str(err.value)
    assert msg.startswith(f"data/sn: no {missing} table ({missing}.parquet)")
    assert "siam import" in msg and "\n" not in msg


def test_the_ticket_log_alone_is_enough():
    completeness.check_required(["tickets", "ticket_events"])


# ---------------------------------------------------------------------------------- notes ----
WINDOW = (pd.Timestamp("2026-03-10T00:00Z"), pd.Timestamp("2026-05-01T00:00Z"))


def test_months_outside_the_window_note_every_measure():
    notes = completeness.coverage_notes(
        ["tickets", "ticket_events", "outages"], WINDOW, ["2026-02", "2026-03", "2026-05"]
    )
    for month in ("2026-02", "2026-05"):  # before the data begins / after it ends
        own = notes[notes["period"] == month]
        assert len(own) == len(MEASURES)
        assert set(own["note"]) == {"month outside the data window (2026-03-10 to 2026-05-01)"}


def test_a_measure_whose_source_table_is_absent_is_noted_with_the_table():
    notes = completeness.coverage_notes(
        ["tickets", "ticket_events", "outages"], WINDOW, ["2026-04"]
    )
    by = notes.set_index("measure")["note"]
    assert by["change_success_rate"] == "no changes table in the dataset"
    assert by["change_caused_incidents"] == "no changes table in the dataset"
    assert by["satisfaction"] == "no surveys table in the dataset"
    assert by["improvement_delivery"] == "no improvements table in the dataset"
    # outages present, ticket measures computed from the ticket log: not noted
    assert "availability" not in by and "sla_resolution_attainment" not in by


def test_without_a_window_only_absent_tables_are_noted():
    notes = completeness.coverage_notes(["tickets", "ticket_events"], None, ["1999-01"])
    assert "month outside" not in " ".join(notes["note"])
    assert (
        notes.set_index("measure").loc["availability", "note"] == "no outages table in the dataset"
    )


def test_blank_values_blanks_every_supplier_of_a_noted_month_and_measure_only():
    values = pd.DataFrame(
        {
            "supplier_id": ["euc", "hosting", "euc", "euc"],
            "period": ["2026-03", "2026-03", "2026-04", "2026-03"],
            "measure": ["availability", "availability", "availability", "backlog"],
            "scope": ["", "", "", ""],
            "value": [1.0, 1.0, 0.99, 7.0],
            "numerator": [10.0, 10.0, 9.9, float("nan")],
            "denominator": [10.0, 10.0, 10.0, float("nan")],
        }
    )
    notes = pd.DataFrame({"period": ["2026-03"], "measure": ["availability"], "note": ["x"]})
    out = completeness.blank_values(values, notes)
    assert out["value"].isna().tolist() == [True, True, False, False]
    assert out["denominator"].isna().tolist() == [True, True, False, True]
    assert values["value"].tolist() == [1.0, 1.0, 0.99, 7.0]  # input untouched


# ------------------------------------------------------------------------ empty for period ----
FEB_ONLY = {
    "tickets": table("tickets", [ticket("T1", "2026-02-02T09:00Z", "2026-02-03T09:00Z")]),
    "ticket_events": table(
        "ticket_events",
        [
            event("T1", 1, "2026-02-02T09:00Z", "assigned"),
            event("T1", 2, "2026-02-03T09:00Z", "resolved"),
        ],
    ),
}


def test_a_month_without_ticket_log_rows_blocks_every_supplier_measured_on_it():
    blocks = completeness.empty_table_blocks(FEB_ONLY, PARAMS, "2026-03")
    assert set(blocks) == {s.id for s in PARAMS.estate.suppliers}
    assert blocks["euc"].startswith("no rows in ticket_events and tickets for 2026-03")
    assert "re-import an extract that covers 2026-03" in blocks["euc"]
    assert completeness.empty_table_blocks(FEB_ONLY, PARAMS, "2026-02") == {}


def test_a_ticket_open_through_the_month_without_events_blocks_on_events_only():
    tables = {
        "tickets": table("tickets", [ticket("T2", "2026-02-02T09:00Z", None)]),
        "ticket_events": table("ticket_events", [event("T2", 1, "2026-02-02T09:00Z", "assigned")]),
    }
    blocks = completeness.empty_table_blocks(tables, PARAMS, "2026-03")
    assert blocks["euc"].startswith("no rows in ticket_events for 2026-03:")


def test_no_outages_in_a_month_is_a_quiet_month_not_missing_data():
    tables = {**FEB_ONLY, "outages": schema.empty("outages"), "changes": schema.empty("changes")}
    assert completeness.empty_table_blocks(tables, PARAMS, "2026-02") == {}


def test_the_window_end_clips_a_partial_last_month():
    # a window ending at 12:00 on the 2nd holds the ticket's first event (09:00) and the ticket;
    # one ending at 08:00, before the ticket was opened, holds no row of either
    window = (pd.Timestamp("2026-02-01T00:00Z"), pd.Timestamp("2026-02-02T12:00Z"))
    assert completeness.empty_table_blocks(FEB_ONLY, PARAMS, "2026-02", window) == {}
    early = (pd.Timestamp("2026-02-01T00:00Z"), pd.Timestamp("2026-02-02T08:00Z"))
    assert set(completeness.empty_table_blocks(FEB_ONLY, PARAMS, "2026-02", early)) == {
        s.id for s in PARAMS.estate.suppliers
    }


def test_a_month_only_partly_inside_the_window_is_noted_for_every_measure():
    # WINDOW starts on 10 March: March's first nine days have no data, so no March level is
    # scored (an earn-back must not read a March verdict either).
    notes = completeness.coverage_notes(list(completeness.REQUIRED_TABLES), WINDOW, ["2026-03"])
    assert set(notes["measure"]) == set(MEASURES)
    assert set(notes["note"]) == {
        "month only partly inside the data window (2026-03-10 to 2026-05-01)"
    }


# ------------------------------------------------- months the figures read, outside the window ----
# Europe/London: August 2026 starts at 2026-07-31 23:00 UTC (BST).
AUG_TO_OCT = (pd.Timestamp("2026-07-31T23:00Z"), pd.Timestamp("2026-11-01T00:00Z"))
SEP_TO_OCT = (pd.Timestamp("2026-08-31T23:00Z"), pd.Timestamp("2026-11-01T00:00Z"))


def with_contract(supplier_id: str, **update) -> object:
    """PARAMS with one contract changed (``update``: the contract's fields)."""
    contract = PARAMS.contract(supplier_id).model_copy(update=update)
    return PARAMS.model_copy(update={"contracts": {**PARAMS.contracts, supplier_id: contract}})


def no_earn_back(supplier_id: str) -> object:
    regime = PARAMS.contract(supplier_id).credit_regime
    off = regime.model_copy(
        update={"earn_back": regime.earn_back.model_copy(update={"enabled": False})}
    )
    return with_contract(supplier_id, credit_regime=off)


def test_a_supplier_whose_earn_back_source_month_is_outside_the_window_is_blocked_naming_it():
    # Every fixture contract earns back over 3 periods: October gives back July's credits, and
    # the data begin in August.
    blocks = completeness.window_blocks(PARAMS, "2026-10", AUG_TO_OCT)
    assert list(blocks) == [s.id for s in PARAMS.estate.suppliers]
    assert blocks["hosting"] == (
        "earn-back: the hosting contract (credit_regime.earn_back, 3 periods) gives back in "
        "2026-10 a credit charged in 2026-07, when its service levels were in force, but the "
        "data window (2026-07-31 to 2026-11-01) does not cover 2026-07 in full, so whether a "
        "credit was charged then, and is due back now, cannot be computed; import an extract "
        "that covers 2026-07 (or, if the contract started later, set its service levels' "
        "effective_from to its start)"
    )
    # July in the window: nothing to block.
    assert (
        completeness.window_blocks(
            PARAMS, "2026-10", (AUG_TO_OCT[0] - pd.Timedelta(days=31), AUG_TO_OCT[1])
        )
        == {}
    )


def test_an_earn_back_source_month_before_the_contracts_levels_blocks_nothing():
    # hosting's levels all start on 2026-08-01: no credit can have been charged in July.
    levels = [
        sl.model_copy(
            update={"effective_from": max(sl.effective_from, pd.Timestamp("2026-08-01").date())}
        )
        for sl in PARAMS.contract("hosting").service_levels
        if sl.effective_to is None
    ]
    params = with_contract("hosting", service_levels=levels)
    assert completeness.earn_back_window(params.contract("hosting"), "2026-10") == []
    assert "hosting" not in completeness.window_blocks(params, "2026-10", AUG_TO_OCT)
    assert "network" in completeness.window_blocks(params, "2026-10", AUG_TO_OCT)


def test_a_small_samples_rolling_window_reaching_outside_the_window_blocks_the_supplier():
    # hosting without earn-back: its P1-RES (min_volume 10) is scored, when October counts
    # fewer than 10, on August..October, and the data begin in September.
    blocks = completeness.window_blocks(no_earn_back("hosting"), "2026-10", SEP_TO_OCT)
    assert blocks["hosting"] == (
        "small samples: the hosting contract scores a level counting fewer records than its "
        "min_volume (P1-RES) on the 3 months 2026-08..2026-10 (small_samples: rolling), but "
        "the data window (2026-08-31 to 2026-11-01) does not cover 2026-08 in full, so such a "
        "level would be scored on fewer months than the contract says; import an extract "
        "that covers 2026-08 (or set small_samples.policy: grey)"
    )
    # The integrator sets no min_volume: only its earn-back (July) is outside the window.
    assert blocks["integrator"].startswith("earn-back: the integrator contract")
    assert "small samples" not in blocks["integrator"]


def test_the_months_a_suppliers_figures_read_are_its_earn_back_and_rolling_windows():
    assert completeness.scored_months(PARAMS, "hosting", "2026-10") == [
        "2026-07", "2026-08", "2026-09", "2026-10"
    ]  # fmt: skip
    assert completeness.scored_months(no_earn_back("hosting"), "hosting", "2026-10") == [
        "2026-08", "2026-09", "2026-10"
    ]  # fmt: skip
    # the integrator without earn-back reads its own month only (no min_volume level)
    assert completeness.scored_months(no_earn_back("integrator"), "integrator", "2026-10") == [
        "2026-10"
    ]


# ------------------------------------------------------------- a month's missing return ----
def survey(rid: str, supplier: str, period: str, kind: str = "satisfaction") -> dict:
    respondent = "customer" if kind == "satisfaction" else "retained"
    return dict(response_id=rid, supplier_id=supplier, period=period, survey_type=kind,
                respondent=respondent, score=4.0)  # fmt: skip


MAR = {
    "tickets": table("tickets", [ticket("T3", "2026-03-02T09:00Z", "2026-03-03T09:00Z")]),
    "ticket_events": table(
        "ticket_events",
        [
            event("T3", 1, "2026-03-02T09:00Z", "assigned"),
            event("T3", 2, "2026-03-03T09:00Z", "resolved"),
        ],
    ),
}
Q1 = (pd.Timestamp("2026-01-01T00:00Z"), pd.Timestamp("2026-04-01T00:00Z"))


def test_a_suppliers_missing_satisfaction_return_blocks_its_report_naming_it():
    # hosting returned satisfaction surveys for January and February, none for March: its
    # March CSAT would be scored on ticket closure surveys alone.
    surveys = [survey("S1", "hosting", "2026-01"), survey("S2", "hosting", "2026-02"),
               survey("S3", "euc", "2026-02"), survey("S4", "euc", "2026-03")]  # fmt: skip
    tables = {**MAR, "surveys": table("surveys", surveys)}
    blocks = completeness.empty_table_blocks(tables, PARAMS, "2026-03", Q1)
    assert list(blocks) == ["hosting"]
    assert blocks["hosting"].startswith(
        "no satisfaction survey return from hosting for 2026-03, though it has returns for "
        "2 earlier months of the data window (2026-01 to 2026-02): CSAT would be scored "
        "without it"
    )
    assert "siam import returns" in blocks["hosting"] and "\n" not in blocks["hosting"]
    feb = {**FEB_ONLY, "surveys": tables["surveys"]}
    assert completeness.empty_table_blocks(feb, PARAMS, "2026-02", Q1) == {}


def test_a_return_is_not_expected_before_a_suppliers_first_or_without_any():
    # euc's returns start in March: February is not missing one; network never returns
    # surveys (its CSAT is its closure surveys): never blocked for it.
    tables = {**MAR, "surveys": table("surveys", [survey("S4", "euc", "2026-03")])}
    assert completeness.empty_table_blocks(tables, PARAMS, "2026-03", Q1) == {}
    feb = {**FEB_ONLY, "surveys": tables["surveys"]}
    assert completeness.empty_table_blocks(feb, PARAMS, "2026-02", Q1) == {}
    # No surveys table at all: no return history (the absent table greys CSAT elsewhere).
    assert completeness.empty_table_blocks(MAR, PARAMS, "2026-03", Q1) == {}


def test_a_return_before_the_data_window_does_not_make_one_expected():
    tables = {**MAR, "surveys": table("surveys", [survey("S1", "hosting", "2025-12")])}
    assert completeness.empty_table_blocks(tables, PARAMS, "2026-03", Q1) == {}


def test_missing_collaboration_ratings_of_the_integrator_block_it():
    # INT-COLLAB reads the integrator's 360 ratings; January's and February's came, March's
    # did not. The satisfaction returns of hosting are all there.
    surveys = [survey("C1", "integrator", "2026-01", "collaboration"),
               survey("C2", "integrator", "2026-02", "collaboration"),
               survey("S1", "hosting", "2026-02"), survey("S2", "hosting", "2026-03")]  # fmt: skip
    tables = {**MAR, "surveys": table("surveys", surveys)}
    blocks = completeness.empty_table_blocks(tables, PARAMS, "2026-03", Q1)
    assert list(blocks) == ["integrator"]
    assert blocks["integrator"].startswith(
        "no collaboration (360) ratings of integrator for 2026-03, though it was rated in 2 "
        "earlier months of the data window (2026-01 to 2026-02): INT-COLLAB would be scored "
        "without them"
    )


def test_a_missing_return_adds_to_a_missing_ticket_log():
    tables = {
        **FEB_ONLY,
        "surveys": table(
            "surveys", [survey("S1", "hosting", "2026-01"), survey("S2", "hosting", "2026-02")]
        ),
    }
    blocks = completeness.empty_table_blocks(tables, PARAMS, "2026-03", Q1)
    assert blocks["hosting"].startswith("no rows in ticket_events and tickets for 2026-03")
    assert "; no satisfaction survey return from hosting for 2026-03" in blocks["hosting"]
