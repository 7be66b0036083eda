"""The measure registry: one entry per monthly measure, and the generic loops that emit them."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from siamlib.common import ALL
from siamlib.measures import MEASURE_VALUE_COLUMNS, registry_integrator, registry_tower
from siamlib.measures.aged import aged_tickets
from siamlib.measures.catalogue import MEASURES
from siamlib.measures.integrator import ESTATE_SCOPE, watermelon_values
from siamlib.measures.registry import COMBINED, Entry, entries, long_rows
from tests.fixtures.fixture_params import fixture_params


@pytest.fixture(scope="module")
def params():
    return fixture_params()


def monthly(m) -> bool:
    """A catalogue measure with monthly values (a service level can sit on it)."""
    return bool(m.level_roles)


# ------------------------------------------------------------------------- one entry each ----
def test_every_monthly_catalogue_measure_has_exactly_one_registry_entry():
    listed = [e.measure for e in (*registry_tower.ENTRIES, *registry_integrator.ENTRIES)]
    listed += [e.measure for e in COMBINED]
    assert [m for m, n in Counter(listed).items() if n > 1] == []
    assert set(listed) == {k for k, m in MEASURES.items() if monthly(m)}
    assert set(entries()) == set(listed)


def test_clock_and_scorecard_measures_are_not_registered_as_monthly_values():
    assert {"breach", "rag_status", "service_credit", "scope_conformance"}.isdisjoint(entries())


def test_registry_scopes_and_roles_are_the_catalogues():
    for measure, e in entries().items():
        assert e.scope_keys == MEASURES[measure].scope_keys, measure
        assert e.roles == MEASURES[measure].level_roles, measure


def test_registry_families_are_the_catalogues():
    family = {"tower": {"tower"}, "integrator": {"integrator", "both"}, "combined": {"both"}}
    for measure, e in entries().items():
        assert MEASURES[measure].family in family[e.family], measure


def test_each_family_emits_exactly_its_registered_measures(params):
    from siamlib import schema

    clocks = schema.empty("tickets").assign(
        response_target_h=pd.Series(dtype="float64"),
        resolution_target_h=pd.Series(dtype="float64"),
        response_breached=pd.Series(dtype="boolean"),
        resolution_breached=pd.Series(dtype="boolean"),
        resolution_h=pd.Series(dtype="float64"),
        resolution_actual_h=pd.Series(dtype="float64"),
    )
    tower = registry_tower.values(clocks, {}, params, ["2026-04"])
    integ = registry_integrator.values(None, {}, params, ["2026-04"])
    assert set(tower["measure"]) == {e.measure for e in registry_tower.ENTRIES}
    assert set(integ["measure"]) == {e.measure for e in registry_integrator.ENTRIES}


# ------------------------------------------------------------------- value, num, den ----
def test_long_rows_read_value_numerator_and_denominator_from_the_entrys_columns():
    e = Entry("m", "tower", lambda r: r, value="rate", numerator="met", denominator="counted")
    frame = pd.DataFrame(
        {
            "supplier_id": ["a", "b"],
            "period": ["2026-03", "2026-03"],
            "rate": [0.75, None],
            "met": [3, 0],
            "counted": [4, 0],
        }
    )
    out = long_rows(e, frame)
    assert list(out.columns) == MEASURE_VALUE_COLUMNS
    assert out.iloc[0][["measure", "scope", "value", "numerator", "denominator"]].tolist() == [
        "m",
        "",
        0.75,
        3.0,
        4.0,
    ]
    assert math.isnan(out.iloc[1]["value"]) and out.iloc[1]["denominator"] == 0.0


def test_a_count_entry_has_no_numerator_nor_denominator():
    e = Entry("n", "tower", lambda r: r, value="count", numerator=None, denominator=None)
    frame = pd.DataFrame(
        {"supplier_id": ["a"], "period": ["2026-03"], "count": [pd.NA], "numerator": [5]}
    )
    row = long_rows(e, frame).iloc[0]
    assert math.isnan(row["value"])  # pd.NA -> NaN, as the old emit code did
    assert math.isnan(row["numerator"]) and math.isnan(row["denominator"])


def test_the_watermelon_entry_gives_the_rows_watermelon_values_gives():
    flags = pd.DataFrame(
        {
            "supplier_id": ["a", "b", "c"],
            "period": ["2026-03"] * 3,
            "watermelon": pd.array([True, False, None], dtype="boolean"),
        }
    )
    e = entries()["watermelon_flag"]
    pd.testing.assert_frame_equal(long_rows(e, flags), watermelon_values(flags))


# ------------------------------------------------------------------ the tower loop ----
def _tower_frame(r, **figures) -> pd.DataFrame:
    # One row for hosting in the first month only: every other tower and month is missing.
    return pd.DataFrame({"supplier_id": ["hosting"], "period": [r.periods[0]], **figures})


TINY_TOWER = (
    Entry(
        "reopen_rate",
        "tower",
        lambda r: _tower_frame(r, value=[0.25], numerator=[1], denominator=[4]),
    ),
    Entry(
        "backlog",
        "tower",
        lambda r: _tower_frame(r, count=[7], scope=["age=0-5"]),
        value="count",
        numerator=None,
        denominator=None,
        scopes=lambda params, supplier: ["", "age=0-5"],
    ),
    Entry("first_time_fix", "tower", lambda r: None),  # as without a ticket_events table
)


def test_the_tower_loop_fills_what_was_not_counted_as_the_old_code_did(params):
    mv = registry_tower.values(
        pd.DataFrame({"ticket_id": []}), {}, params, ["2026-03", "2026-04"], entries=TINY_TOWER
    )
    towers = [s.id for s in params.estate.towers]
    # 2 months x towers x (reopen 1 + backlog 2 scopes + first-time fix 1)
    assert len(mv) == 2 * len(towers) * 4
    get = mv.set_index(["supplier_id", "period", "measure", "scope"])
    counted = get.loc[("hosting", "2026-03", "reopen_rate", "")]
    assert counted[["value", "numerator", "denominator"]].tolist() == [0.25, 1.0, 4.0]
    # a ratio nobody counted: 0 of 0, no value
    empty = get.loc[("hosting", "2026-04", "reopen_rate", "")]
    assert math.isnan(empty["value"]) and (empty["numerator"], empty["denominator"]) == (0, 0)
    # a count: its own figure, 0 where nothing was counted, never a numerator
    assert get.loc[("hosting", "2026-03", "backlog", "age=0-5"), "value"] == 7.0
    assert get.loc[("euc", "2026-03", "backlog", ""), "value"] == 0.0
    assert math.isnan(get.loc[("euc", "2026-03", "backlog", ""), "numerator"])
    # a measure whose source table is absent: NaN throughout, not 0 of 0
    ftf = mv[mv["measure"] == "first_time_fix"]
    assert ftf[["value", "numerator", "denominator"]].isna().all().all()
    assert mv["supplier_id"].is_monotonic_increasing


# ------------------------------------------------------------- the integrator loop ----
def _by_supplier(params) -> pd.DataFrame:
    # A hand-made per-supplier summary with its estate-wide row (ALL).
    ids = [ALL, *(s.id for s in params.estate.suppliers)]
    return pd.DataFrame(
        {"supplier_id": ids, "score": np.arange(len(ids), dtype="float64"), "n": 10}
    ).set_index("supplier_id")


def test_the_integrator_loop_emits_each_entry_every_month_in_entry_order(params):
    summary = _by_supplier(params)
    tiny = (
        Entry(
            "routing_accuracy",
            "integrator",
            lambda c: c.one(2 / 3, 2, 3),
            roles=("integrator",),
        ),
        Entry(
            "aged_tickets",
            "integrator",
            lambda c: c.integrator_and_towers(summary),
            value="n",
            numerator=None,
            denominator=None,
        ),
        Entry(
            "collaboration_score",
            "integrator",
            lambda c: c.estate_and_suppliers(summary),
            value="score",
            numerator="score",
            denominator="n",
        ),
    )
    mv = registry_integrator.values(None, {}, params, ["2026-03", "2026-04"], entries=tiny)
    integ = params.estate.integrator.id
    suppliers = [s.id for s in params.estate.suppliers]
    towers = [s for s in suppliers if s != integ]
    per_month = 1 + (1 + len(towers)) + (1 + len(suppliers))
    assert len(mv) == 2 * per_month
    assert mv["period"].tolist() == ["2026-03"] * per_month + ["2026-04"] * per_month
    assert mv["measure"].iloc[:3].tolist() == ["routing_accuracy", "aged_tickets", "aged_tickets"]
    r = mv.iloc[0]
    assert (r["supplier_id"], r["value"], r["numerator"], r["denominator"]) == (integ, 2 / 3, 2, 3)
    get = mv[mv["period"] == "2026-04"].set_index(["supplier_id", "measure", "scope"])
    # the integrator reads the estate-wide row (score 0), every supplier its own
    assert get.loc[(integ, "aged_tickets", ""), "value"] == 10.0
    assert math.isnan(get.loc[(integ, "aged_tickets", ""), "denominator"])
    estate = get.loc[(integ, "collaboration_score", ESTATE_SCOPE)]
    assert estate[["value", "numerator", "denominator"]].tolist() == [0.0, 0.0, 10.0]
    own = get.loc[(suppliers[0], "collaboration_score", ""), "value"]
    assert own == 1.0  # the first supplier's own row
    assert (integ, "collaboration_score", "") in get.index  # its own ratings too
    assert str(mv["value"].dtype) == "float64" and str(mv["scope"].dtype) == "str"


def test_the_integrator_loop_counts_each_instant_and_register_once(params, monkeypatch):
    # Three months: the aged tickets are counted at the 4 month bounds (a month's end is the
    # next month's start), not twice per month (6); the improvement register is counted once
    # for all months, each month reading its own count; the ping-pong rows that the rate and
    # the count both read are worked out once a month.
    from siamlib import schema
    from siamlib.measures import aged, improvement

    calls = Counter()

    def counting(module, name):
        real = getattr(module, name)

        def counted(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    counting(aged, "aged_tickets")
    counting(improvement, "register_throughput")
    counting(registry_integrator, "_ping_pong_rates")
    at = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    improvements = schema.coerce(
        "improvements",
        pd.DataFrame(
            {
                "improvement_id": ["I1", "I2"],
                "supplier_id": ["hosting", "network"],
                "title": ["a", "b"],
                "raised_at": [at("2026-01-05"), at("2026-01-06")],
                "approved_at": [at("2026-02-01"), at("2026-02-01")],
                "delivered_at": [at("2026-04-10"), at("2026-04-20")],
                "estimated_benefit": [100.0, 100.0],
                "realised_benefit": [50.0, None],
                "status": ["delivered", "delivered"],
            }
        ),
    )
    months = ["2026-03", "2026-04", "2026-05"]
    mv = registry_integrator.values(None, {"improvements": improvements}, params, months)
    assert calls == {"aged_tickets": 4, "register_throughput": 1, "_ping_pong_rates": 3}
    delivered = mv[mv["measure"] == "improvement_delivery"].set_index("period")["value"]
    assert delivered.to_dict() == {"2026-03": 0.0, "2026-04": 2.0, "2026-05": 0.0}
    count = mv[(mv["measure"] == "ping_pong_count")]
    assert len(count) == 3 * len([s for s in params.estate.suppliers])


def test_the_tower_backlog_counts_who_held_a_ticket_at_the_month_end_as_the_aged_tickets_do(
    params,
):
    # T0: euc held it all April; hosting resolved it on 10 May (hosting is its supplier of
    # record). T1: hosting resolved it on 5 March, it was reopened on 5 May (resolved_at is the
    # latest resolution, 6 May): at the end of April it was resolved, so open for nobody.
    # The backlog at the end of April is euc's T0 (>30 days), as in the aged-ticket evidence;
    # it counted T0 and T1 for hosting (who resolved them later) and nothing for euc.
    utc = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T0", "T1"],
            "supplier_id": "hosting",
            "status": "closed",
            "opened_at": [utc("2026-02-02 09:00"), utc("2026-03-02 09:00")],
            "resolved_at": [utc("2026-05-10 09:00"), utc("2026-05-06 09:00")],
            "closed_at": [utc("2026-05-12 09:00"), utc("2026-05-08 09:00")],
        }
    )
    events = pd.DataFrame(
        [
            ("T0", 1, "2026-02-02 09:00", "in_progress", "euc"),
            ("T0", 2, "2026-05-10 09:00", "resolved", "hosting"),
            ("T1", 1, "2026-03-02 09:00", "in_progress", "hosting"),
            ("T1", 2, "2026-03-05 09:00", "resolved", "hosting"),
            ("T1", 3, "2026-05-05 09:00", "in_progress", "hosting"),
            ("T1", 4, "2026-05-06 09:00", "resolved", "hosting"),
        ],
        columns=["ticket_id", "event_seq", "event_at", "status", "supplier_id"],
    )
    events["event_at"] = pd.to_datetime(events["event_at"], utc=True)
    only_backlog = tuple(e for e in registry_tower.ENTRIES if e.measure == "backlog")
    mv = registry_tower.values(
        pd.DataFrame({"ticket_id": []}),
        {"tickets": tickets, "ticket_events": events},
        params,
        ["2026-04"],
        entries=only_backlog,
    )
    got = mv.set_index(["supplier_id", "scope"])["value"]
    assert got[("euc", "")] == 1 and got[("euc", "age=>30")] == 1
    assert got[("hosting", "")] == 0
    end = pd.Timestamp("2026-05-01", tz=params.estate.timezone)
    held = aged_tickets(tickets, end, 30, events=events)
    assert held.set_index("supplier_id")["aged"].get("euc") == 1
