"""RACI / graphic equaliser tables, RACI validation and scope conformance."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib.params import ParamsError, Raci, load_model
from siamlib.raci import (
    CONFORMANCE_COLUMNS,
    CONFORMS,
    NOT_ASSESSABLE,
    OUTSIDE,
    STATUS_COLUMNS,
    WORK_ITEM_COLUMNS,
    conformance_status,
    equaliser,
    raci_matrix,
    raci_table,
    scope_conformance,
    scope_conformance_items,
    scope_conformance_values,
)
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()

# A small RACI: the service desk is R for incidents, the integrator A; hosting is R for
# changes; problems belong to the integrator (R and A).
SMALL = Raci.model_validate(
    {
        "parties": ["retained", "integrator", "service-desk", "hosting"],
        "work_mapping": {
            "incident": "incidents",
            "change": "changes",
            "problem": "problems",
        },
        "capabilities": [
            {
                "id": "incidents",
                "name": "Incident management",
                "stage": "operations",
                "raci": {"integrator": "A", "service-desk": "R", "hosting": "C"},
                "share": {"integrator": 20, "service-desk": 80},
            },
            {
                "id": "changes",
                "name": "Change enablement",
                "stage": "transition",
                "raci": {"integrator": "A", "hosting": "R"},
            },
            {
                "id": "problems",
                "name": "Problem management",
                "stage": "operations",
                "raci": {"integrator": "AR", "hosting": "C"},
                "share": {"integrator": 70, "hosting": 30},
            },
        ],
    }
)


def utc(*stamps: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(stamps), utc=True))


# ---------------------------------------------------------------------------------- tables ----
def test_raci_table_has_every_capability_and_party_with_blank_letters():
    t = raci_table(SMALL)
    assert len(t) == 3 * 4  # 3 capabilities x 4 parties
    letters = t.set_index(["capability", "party"])["letter"]
    assert letters["incidents", "service-desk"] == "R"
    assert letters["problems", "integrator"] == "AR"
    assert letters["changes", "retained"] == ""


def test_raci_matrix_is_capabilities_by_parties():
    m = raci_matrix(SMALL)
    assert m.index.tolist() == ["Incident management", "Change enablement", "Problem management"]
    assert m.columns.tolist() == ["retained", "integrator", "service-desk", "hosting"]
    assert m.loc["Change enablement", "hosting"] == "R"


def test_equaliser_splits_each_capability_to_100_and_skips_capabilities_without_shares():
    eq = equaliser(SMALL)
    assert sorted(eq["capability"].unique()) == ["incidents", "problems"]
    per_cap = eq.groupby("capability")["share"].sum()
    assert per_cap.tolist() == [100.0, 100.0]
    inc = eq[eq["capability"] == "incidents"].set_index("party")["share"]
    assert inc.to_dict() == {
        "retained": 0.0,
        "integrator": 20.0,
        "service-desk": 80.0,
        "hosting": 0.0,
    }
    # stacking order follows the YAML
    assert eq["party_order"].tolist()[:4] == [0, 1, 2, 3]


def test_project_equaliser_covers_every_capability():
    eq = equaliser(PARAMS.raci)
    assert eq["capability"].nunique() == len(PARAMS.raci.capabilities)
    assert (eq.groupby("capability")["share"].sum() == 100).all()


# ------------------------------------------------------------------------------ validation ----
def test_raci_with_two_accountable_parties_fails_naming_the_capability(tmp_path):
    path = tmp_path / "raci.yaml"
    path.write_text(
        "parties: [retained, integrator, hosting]\n"
        "capabilities:\n"
        "  - id: change-enablement\n"
        "    name: Change enablement\n"
        "    stage: transition\n"
        "    raci: {retained: A, integrator: A, hosting: R}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParamsError) as err:
        load_model(path, Raci)
    message = str(err.value)
    assert "change-enablement" in message
    assert "needs exactly one A" in message and "has 2: retained, integrator" in message
    assert "raci.yaml" in message


def test_raci_without_accountable_party_fails(tmp_path):
    path = tmp_path / "raci.yaml"
    path.write_text(
        "parties: [retained, hosting]\n"
        "capabilities:\n"
        "  - {id: design, name: Design, stage: design, raci: {retained: C, hosting: R}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParamsError, match="capability 'design' needs exactly one A"):
        load_model(path, Raci)


# ------------------------------------------------------------------------ scope conformance ----
TICKETS = pd.DataFrame(
    {
        "ticket_id": ["INC1", "INC2", "INC3", "REQ1"],
        "ticket_type": ["incident", "incident", "incident", "request"],
        "supplier_id": ["service-desk", "hosting", "service-desk", "service-desk"],
        "opened_at": utc(
            "2026-03-02T09:00Z", "2026-03-03T09:00Z", "2026-03-31T23:30Z", "2026-03-04T09:00Z"
        ),
    }
)
EVENTS = pd.DataFrame(
    {
        "ticket_id": ["INC1", "INC1", "INC1", "INC2", "INC2", "GHOST"],
        "supplier_id": [
            "integrator",
            "service-desk",
            "service-desk",
            "service-desk",
            "hosting",
            "x",
        ],
    }
)
CHANGES = pd.DataFrame(
    {
        "change_id": ["CHG1", "CHG2"],
        "supplier_id": ["hosting", "service-desk"],
        "planned_start": utc("2026-03-10T20:00Z", "2026-03-11T20:00Z"),
    }
)
PROBLEMS = pd.DataFrame(
    {"problem_id": ["PRB1"], "supplier_id": ["hosting"], "opened_at": utc("2026-03-12T10:00Z")}
)


def test_work_items_pair_each_record_with_every_party_that_handled_it():
    items = scope_conformance_items(TICKETS, EVENTS, CHANGES, PROBLEMS, SMALL, PARAMS.estate)
    assert list(items.columns) == WORK_ITEM_COLUMNS
    got = items[["record_id", "supplier_id", "role", "letter", "in_scope"]].values.tolist()
    assert got == [
        # changes: hosting R (in), service-desk not in the RACI for changes (out)
        ["CHG1", "hosting", "implementer", "R", True],
        ["CHG2", "service-desk", "implementer", "", False],
        # INC1: resolved by service-desk (R), held by the integrator for dispatch (A: out);
        # service-desk's own events do not add a second item
        ["INC1", "integrator", "holder", "A", False],
        ["INC1", "service-desk", "resolver", "R", True],
        # INC2: resolved by hosting (C for incidents: out), held by service-desk (in)
        ["INC2", "hosting", "resolver", "C", False],
        ["INC2", "service-desk", "holder", "R", True],
        ["INC3", "service-desk", "resolver", "R", True],
        # problems: hosting is C (out). REQ1 has no work_mapping entry; GHOST no ticket.
        ["PRB1", "hosting", "owner", "C", False],
    ]


def test_work_items_fall_in_the_period_of_the_estate_time_zone():
    items = scope_conformance_items(TICKETS, None, None, None, SMALL, PARAMS.estate)
    # 2026-03-31 23:30 UTC is 00:30 on 1 April in London (BST)
    assert items.set_index("record_id").loc["INC3", "period"] == "2026-04"
    march = scope_conformance_items(
        TICKETS, None, None, None, SMALL, PARAMS.estate, period="2026-03"
    )
    assert march["record_id"].tolist() == ["INC1", "INC2"]


@pytest.mark.parametrize("period", ["2026-02", "2026-03", "2026-04"])
def test_a_periods_items_are_that_period_of_every_item(period):
    every = scope_conformance_items(TICKETS, EVENTS, CHANGES, PROBLEMS, SMALL, PARAMS.estate)
    one = scope_conformance_items(
        TICKETS, EVENTS, CHANGES, PROBLEMS, SMALL, PARAMS.estate, period=period
    )
    want = every[every["period"] == period].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, want, check_dtype=False)


def test_scope_conformance_counts_and_shares_per_supplier():
    s = scope_conformance(
        TICKETS, EVENTS, CHANGES, PROBLEMS, SMALL, PARAMS.estate, period="2026-03"
    )
    assert list(s.columns) == CONFORMANCE_COLUMNS
    rows = s.set_index("supplier_id")
    # hosting: CHG1 in, INC2 out, PRB1 out -> 3 items, 2 out, share 2/3
    assert rows.loc["hosting", ["work_items", "in_scope", "out_of_scope"]].tolist() == [3, 1, 2]
    assert rows.loc["hosting", "out_of_scope_share"] == pytest.approx(2 / 3)
    # integrator: INC1 held -> 1 item, out of scope
    assert rows.loc["integrator", "conformance"] == 0.0
    # service-desk: CHG2 out, INC1 in, INC2 in (INC3 is April) -> 3 items, 1 out
    assert rows.loc["service-desk", ["work_items", "out_of_scope"]].tolist() == [3, 1]
    assert rows.loc["service-desk", "conformance"] == pytest.approx(2 / 3)


def test_accepting_accountable_letters_puts_dispatch_holds_in_scope():
    s = scope_conformance(
        TICKETS, EVENTS, None, None, SMALL, PARAMS.estate, period="2026-03", in_scope_letters="RA"
    )
    assert s.set_index("supplier_id").loc["integrator", "conformance"] == 1.0


def test_scope_conformance_values_fit_the_measure_values_table():
    s = scope_conformance(TICKETS, EVENTS, CHANGES, PROBLEMS, SMALL, PARAMS.estate)
    v = scope_conformance_values(s)
    assert list(v.columns) == [
        "supplier_id",
        "period",
        "measure",
        "scope",
        "value",
        "numerator",
        "denominator",
    ]
    hosting = v[(v["supplier_id"] == "hosting") & (v["period"] == "2026-03")].iloc[0]
    assert (hosting["numerator"], hosting["denominator"]) == (1.0, 3.0)
    assert hosting["value"] == pytest.approx(1 / 3)


def test_missing_columns_are_reported():
    with pytest.raises(ValueError, match="missing columns opened_at"):
        scope_conformance(TICKETS.drop(columns="opened_at"), None, None, None, SMALL, PARAMS.estate)


# ------------------------------------------------------------------ the verdict ----
def _items(*rows) -> pd.DataFrame:
    cols = ["supplier_id", "capability", "letter", "in_scope"]
    return pd.DataFrame(list(rows), columns=cols).assign(period="2026-10")


def test_conformance_is_not_assessable_where_the_raci_and_the_equaliser_disagree():
    # The integrator is Accountable, not Responsible, for incidents, yet the equaliser
    # contracts it 20 % of them (dispatch): its 0 % is no finding, there is no R scope.
    items = _items(*[["integrator", "incidents", "A", False]] * 3)
    s = conformance_status(items, SMALL).iloc[0]
    assert (s["conformance"], s["status"], s["not_assessable"], s["outside"]) == (
        0.0,
        NOT_ASSESSABLE,
        3,
        0,
    )
    assert s["reason"] == (
        "its 3 work items lie where the RACI and the graphic equaliser disagree in Incident "
        "management, where it is Accountable (A), not Responsible, yet contracted 20% of the "
        "work; there is no Responsible scope to conform to (align the two to assess it)"
    )
    # The board's front page reads the same verdict without RACI jargon.
    assert s["plain_reason"] == (
        "its 3 work items cannot be judged: its contract's responsibility chart and its agreed "
        "share of the work disagree in Incident management, where the chart has it to answer "
        "for the outcome, not to do the work, yet it is agreed 20% of the work (align the two "
        "to judge it)"
    )


def test_work_where_a_party_is_neither_responsible_nor_contracted_is_a_finding():
    # Hosting is Consulted on incidents and contracted no share of them.
    items = _items(
        ["hosting", "changes", "R", True],
        ["hosting", "changes", "R", True],
        ["hosting", "changes", "R", True],
        ["hosting", "incidents", "C", False],
    )
    s = conformance_status(items, SMALL).iloc[0]
    assert (s["status"], s["outside"]) == (OUTSIDE, 1)
    assert s["reason"] == (
        "1 of its 4 work items (25%) outside its Responsible scope in Incident management, "
        "where it is Consulted (C) and contracted no share of the work"
    )
    assert s["plain_reason"] == (
        "1 of its 4 work items (25%) outside the work its contract makes it responsible for in "
        "Incident management, where the chart has it to be consulted and it is agreed no share"
    )


def test_conformance_with_every_assessable_item_in_scope_conforms_and_says_the_rest():
    items = _items(
        ["service-desk", "incidents", "R", True],
        ["service-desk", "incidents", "R", True],
        ["integrator", "incidents", "A", False],
        ["integrator", "problems", "RA", True],
    )
    s = conformance_status(items, SMALL).set_index("supplier_id")
    assert s.loc["service-desk", "status"] == CONFORMS
    assert s.loc["service-desk", "reason"] == "all 2 work items inside its Responsible scope"
    assert s.loc["integrator", "status"] == CONFORMS
    assert s.loc["integrator", "reason"].startswith(
        "all 1 assessable work item inside its Responsible scope; 1 more not assessable in "
        "Incident management"
    )
    assert list(s.reset_index().columns) == STATUS_COLUMNS


@pytest.mark.parametrize("jargon", ["equaliser", "Responsible", "Accountable", "Consulted", "(A)"])
def test_the_plain_reason_the_board_reads_carries_no_raci_jargon(jargon):
    items = _items(
        ["integrator", "incidents", "A", False],
        ["hosting", "changes", "R", True],
        ["hosting", "incidents", "C", False],
        ["service-desk", "incidents", "R", True],
    )
    s = conformance_status(items, SMALL)
    assert not s["plain_reason"].str.contains(jargon, regex=False).any()
    assert s["reason"].str.contains("Responsible").all()  # the report keeps the RACI terms
