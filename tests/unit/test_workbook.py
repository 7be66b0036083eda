"""Workbook: per-report cuts of one computed period (clock summary, attribution, evidence)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siamlib import bundles, periods
from siamlib.report_cuts import attribution as _attribution
from siamlib.report_cuts import clock_summary as _clock_summary
from siamlib.schema import isin as _isin
from siamlib.workbook import Work
from tests.fixtures.fixture_params import fixture_params

PARAMS = fixture_params()
PERIOD = "2026-03"
# March 2026 in Europe/London: 2026-03-01T00:00Z up to 2026-03-31T23:00Z (BST from the 29th)
BOUNDS = periods.period_bounds(PERIOD, PARAMS.estate.timezone)


def _utc(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, utc=True))


# A..E: A, B, C (euc) and D (hosting) resolved in March; E (euc) resolved on 1 April 00:30
# BST = 31 March 23:30Z, after the period end; F (euc) still open.
CLOCKS = pd.DataFrame(
    {
        "ticket_id": pd.Series(["A", "B", "C", "D", "E", "F"], dtype="str"),
        "supplier_id": pd.Series(["euc", "euc", "euc", "hosting", "euc", "euc"], dtype="str"),
        "priority": pd.array([1, 1, 2, 1, 1, 3], dtype="Int64"),
        "service": pd.Series(["laptops"] * 4 + ["laptops", "printing"], dtype="str"),
        "opened_at": _utc(["2026-01-05T09:00Z"] * 5 + ["2026-01-10T09:00Z"]),
        "first_response_at": _utc(["2026-01-05T09:15Z"] * 5 + ["2026-01-10T09:15Z"]),
        "resolved_at": _utc(
            [
                "2026-03-02T10:00Z",
                "2026-03-31T22:59Z",
                "2026-03-10T10:00Z",
                "2026-03-05T10:00Z",
                "2026-03-31T23:30Z",
                None,
            ]
        ),
        "status": pd.Series(["closed"] * 5 + ["assigned"], dtype="str"),
        "resolution_target_h": [8.0] * 6,
        "resolution_h": [10.0, 4.0, 6.0, 1.0, 99.0, None],
        "paused_h": [2.0, 0.0, 1.0, 0.0, 0.0, 0.0],
        "resolution_actual_h": [20.0, 8.0, 9.0, 1.0, 5.0, None],
        "response_target_h": [1.0] * 6,
        "response_h": [0.5] * 6,
        "response_breached": pd.array([False, False, False, False, False, True], dtype="boolean"),
        "resolution_breached": pd.array([True, False, False, True, True, False], dtype="boolean"),
    }
)
ATTRIBUTION = pd.DataFrame(
    {
        "ticket_id": pd.Series(["A", "A", "A", "B", "C", "D", "E"], dtype="str"),
        "supplier_id": pd.Series(
            ["euc", "integrator", "network", "euc", "hosting", "hosting", "euc"], dtype="str"
        ),
        "held_h": [6.0, 2.0, 2.0, 4.0, 3.0, 1.0, 50.0],
        "paused_h": [1.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0],
    }
)
TICKETS = CLOCKS[["ticket_id", "supplier_id", "opened_at", "resolved_at", "status"]].assign(
    ticket_type="incident"
)
# Open at the period end (31 March 23:00Z) by their event history and aged: E (resolved only
# at 23:30Z) and F (still open), both held by euc. compute_period derives this frame with
# integrator.open_at; here it is given, to test how reports share it out.
AGED_OPEN = CLOCKS.loc[CLOCKS["ticket_id"].isin(["E", "F"])].assign(age_days=[85.6, 80.6])


def _level(supplier: str, level: str, priority: int) -> dict:
    return {
        "supplier_id": supplier,
        "service_level": level,
        "measure": "sla_resolution_attainment",
        "scope": f"priority={priority}",
        "actual": 50.0,
        "rag": "red",
        "weight": 50.0,
        "points": 0.0,
    }


CARD = pd.DataFrame(
    [_level("euc", "P1-RES", 1), _level("euc", "P2-RES", 2), _level("hosting", "P1-RES", 1)]
)


def _work(excluded: list[tuple[str, str]] = (("X", "hosting"),)) -> Work:
    suppliers = [s.id for s in PARAMS.estate.suppliers]
    ledger = pd.DataFrame({"supplier_id": ["euc"], "amount": [100.0]})
    card = CARD
    return Work(
        period=PERIOD,
        params=PARAMS,
        info=None,
        tables={"tickets": TICKETS},
        clocks=CLOCKS,
        attribution=ATTRIBUTION,
        values=pd.DataFrame({"supplier_id": [], "period": []}),
        cards={s: card[card["supplier_id"] == s] for s in suppliers},
        trends={s: pd.DataFrame() for s in suppliers},
        ledgers={s: ledger[ledger["supplier_id"] == s] for s in suppliers},
        excluded=pd.DataFrame(list(excluded), columns=["ticket_id", "supplier_id"]),
        league=pd.DataFrame(),
        quality=None,
        aged_open=AGED_OPEN,
        # compute_period's provenance, which every bundle must carry (siamlib.bundles)
        meta={k: "" for k in bundles.COMMON_META if k not in ("period", "report", "role")},
    )


# ---------------------------------------------------------------------------- clock summary ----
def test_clock_summary_counts_the_suppliers_tickets_resolved_in_the_period():
    out = _clock_summary(CLOCKS[CLOCKS["supplier_id"] == "euc"], BOUNDS)
    # euc resolved in March: A, B (P1) and C (P2); E resolved after the end, F open
    # P1: 2 resolved, 1 breached (A); business (10 + 4) / 2 = 7; paused (2 + 0) / 2 = 1;
    #     actual (20 + 8) / 2 = 14.  P2: C alone: 1, 0, 6, 1, 9.
    assert out.to_dict("list") == {
        "priority": [1, 2],
        "resolved": [2, 1],
        "breached": [1, 0],
        "mean_business_h": [7.0, 6.0],
        "mean_paused_h": [1.0, 1.0],
        "mean_actual_h": [14.0, 9.0],
    }


# ------------------------------------------------------------------------------ attribution ----
def test_attribution_splits_held_time_of_own_resolved_tickets_by_holder():
    own = TICKETS.loc[TICKETS["supplier_id"] == "euc", "ticket_id"]
    out = _attribution(ATTRIBUTION, own, "euc", "integrator", CLOCKS, BOUNDS)
    # euc's tickets resolved in March: A, B, C (D is hosting's, E resolved after the end)
    # this supplier: A 6 + B 4 = 10; service integrator: A 2; other suppliers: A network 2 +
    # C hosting 3 = 5; total 17.  Paused: 1 + 0 = 1, 0, 0.5 + 0 = 0.5.
    assert out["holder"].tolist() == ["other suppliers", "service integrator", "this supplier"]
    assert out["held_business_h"].tolist() == [5.0, 2.0, 10.0]
    assert out["paused_h"].tolist() == [0.5, 0.0, 1.0]
    assert out["share"].tolist() == [5 / 17, 2 / 17, 10 / 17]


def test_tower_bundle_summaries_match_the_uncut_computation():
    # The bundle cuts the period's resolved clocks and attribution once for every tower;
    # the result must be what the helpers give on the full frames.
    work = _work()
    for tower in ["euc", "hosting", "network"]:
        own = TICKETS.loc[TICKETS["supplier_id"] == tower, "ticket_id"]
        frames = work.bundle(tower)["frames"]
        want_summary = _clock_summary(CLOCKS[CLOCKS["supplier_id"] == tower], BOUNDS)
        want_attr = _attribution(ATTRIBUTION, own, tower, "integrator", CLOCKS, BOUNDS)
        pd.testing.assert_frame_equal(frames["clocks_summary"], want_summary)
        pd.testing.assert_frame_equal(frames["attribution"], want_attr)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["euc", "hosting"]),
            st.integers(min_value=-3 * 24, max_value=33 * 24),  # hours from 1 March 00:00Z
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_clock_summary_of_the_resolved_cut_equals_that_of_all_clocks(rows):
    c = pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(len(rows))],
            "supplier_id": [r[0] for r in rows],
            "priority": pd.array([1 + i % 3 for i in range(len(rows))], dtype="Int64"),
            "resolved_at": [
                pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(hours=r[1]) for r in rows
            ],
            "resolution_breached": pd.array([r[2] for r in rows], dtype="boolean"),
            "resolution_h": [float(r[1]) for r in rows],
            "paused_h": [1.0] * len(rows),
            "resolution_actual_h": [2.0] * len(rows),
        }
    )
    start, end = BOUNDS
    cut = c[c["resolved_at"].ge(start) & c["resolved_at"].lt(end)]
    pd.testing.assert_frame_equal(
        _clock_summary(cut[cut["supplier_id"] == "euc"], BOUNDS),
        _clock_summary(c[c["supplier_id"] == "euc"], BOUNDS),
    )


# ------------------------------------------------------------------------------------ isin ----
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C", "ü", ""])), max_size=10),
    st.lists(st.sampled_from(["A", "B", "ü", "Z", ""]), max_size=5),
)
def test_isin_agrees_with_pandas_isin(left, right):
    s = pd.Series(left, dtype="str")
    values = pd.Series(right, dtype="str")
    assert _isin(s, values).tolist() == s.isin(values).tolist()


def test_isin_on_numbers_falls_back_to_pandas():
    assert _isin(pd.Series([1, 2, 3]), pd.Series([3, 1])).tolist() == [True, False, True]


# -------------------------------------------------------------------------------- evidence ----
def test_each_tower_gets_only_its_own_level_rows_and_aged_tickets():
    work = _work()
    euc, hosting = work.evidence("euc"), work.evidence("hosting")
    # Resolution levels count the tickets resolved in March (completed denominator): euc P1
    # A (breached) and B (met), P2 C (met); hosting P1 D (breached). E was resolved after the
    # period end and F is open: neither counts, whatever their flags.
    rows = euc["sla_tickets"][["service_level", "ticket_id", "in_denominator", "in_numerator"]]
    assert rows.values.tolist() == [
        ["P1-RES", "A", True, False],
        ["P1-RES", "B", True, True],
        ["P2-RES", "C", True, True],
    ]
    assert hosting["sla_tickets"][["ticket_id", "in_numerator"]].values.tolist() == [["D", False]]
    # aged (30 days): open at the end and opened before 1 March 23:00Z: E and F, both euc's
    assert euc["aged_tickets"]["ticket_id"].tolist() == ["E", "F"]
    assert hosting["aged_tickets"].empty
    assert hosting["excluded"]["ticket_id"].tolist() == ["X"] and euc["excluded"].empty
    assert euc["credits"]["amount"].tolist() == [100.0] and hosting["credits"].empty


def test_integrator_and_board_evidence_hold_every_supplier():
    work = _work()
    for name in ["integrator", "board-summary"]:
        assert work.evidence(name)["sla_tickets"]["ticket_id"].tolist() == ["A", "B", "C", "D"]


def test_the_integrators_evidence_holds_its_own_scorecard_as_a_towers_does():
    work = _work()
    for name in ["integrator", "euc"]:
        pd.testing.assert_frame_equal(work.evidence(name)["scorecard"], work.cards[name])


def test_an_excluded_ticket_leaves_level_evidence_clock_table_and_attribution():
    # A (euc, P1, resolved in March, breached) excluded: the P1 level counts B alone, the
    # clock table has 1 resolved P1 ticket (B: 4 business hours, none breached) and the
    # attribution keeps only B (euc 4 h) and C (hosting 3 h).
    work = _work(excluded=[("A", "euc")])
    ev = work.evidence("euc")
    assert ev["sla_tickets"]["ticket_id"].tolist() == ["B", "C"]
    assert ev["excluded"]["ticket_id"].tolist() == ["A"]
    frames = work.bundle("euc")["frames"]
    p1 = frames["clocks_summary"].set_index("priority").loc[1]
    assert (p1["resolved"], p1["breached"], p1["mean_business_h"]) == (1, 0, 4.0)
    attr = frames["attribution"].set_index("holder")["held_business_h"]
    assert attr.to_dict() == {"other suppliers": 3.0, "this supplier": 4.0}


def test_a_pickled_work_leaves_its_cache_behind_and_still_answers():
    work = _work()
    before = work.evidence("euc")["sla_tickets"]
    assert "_cache" in work.__dict__
    copy = pickle.loads(pickle.dumps(work))
    assert "_cache" not in copy.__dict__
    pd.testing.assert_frame_equal(copy.evidence("euc")["sla_tickets"], before)


def test_changing_one_reports_evidence_does_not_change_the_next():
    work = _work()
    first = work.evidence("integrator")["sla_tickets"]
    first["ticket_id"] = "changed"
    first["extra"] = 1
    again = work.evidence("board-summary")["sla_tickets"]
    assert again["ticket_id"].tolist() == ["A", "B", "C", "D"]
    assert "extra" not in again.columns


def test_aged_trend_and_aged_evidence_count_what_the_aged_ticket_measures_count(tmp_path):
    # The chart, the evidence list and the headline figures count the same tickets: open by
    # their event history at the period end (cancelled tickets are not open), under the
    # supplier holding them then, and an excluded ticket left out of all three.
    import datetime as dt

    from siamlib import demo
    from siamlib.measures.integrator import ALL
    from siamlib.params import Exclusion, Exclusions
    from siamlib.workbook import compute_period

    params = fixture_params()
    folder = demo.write_demo(tmp_path / "estate", n_tickets=3000, params=params)
    aged = compute_period(folder, params, "2026-10", validate=False).evidence("integrator")
    victim = aged["aged_tickets"]["ticket_id"].iloc[0]
    rule = Exclusion(ticket_id=victim, reason="test", approver="QA", approved_on=dt.date.today())
    params = params.model_copy(update={"exclusions": Exclusions(exclusions=[rule])})
    work = compute_period(folder, params, "2026-10", validate=False)
    values = work.values.set_index(["supplier_id", "period", "measure"])["value"]
    trend = work.bundle("integrator")["frames"]["aged_trend"]
    at_end = trend[(trend["period"] == "2026-10") & (trend["supplier_id"] == ALL)]
    assert at_end["aged_end"].item() == values[("integrator", "2026-10", "aged_tickets")]
    listed = work.evidence("integrator")["aged_tickets"]
    assert len(listed) == values[("integrator", "2026-10", "aged_tickets")]
    assert victim not in set(listed["ticket_id"])
    assert not listed["status"].isin(["cancelled", "closed", "resolved"]).any()
    for tower in ("euc", "hosting", "network", "service-desk", "applications"):
        own = work.evidence(tower)["aged_tickets"]
        assert len(own) == values.get((tower, "2026-10", "aged_tickets"), 0), tower


# ------------------------------------------------------------- one Work on a small demo estate ----
@pytest.fixture(scope="module")
def small_work(tmp_path_factory):
    from siamlib import demo
    from siamlib.workbook import compute_period

    folder = demo.write_demo(tmp_path_factory.mktemp("small") / "estate", n_tickets=3000)
    return compute_period(folder, fixture_params(), "2026-10", validate=False)


def _report_names(work: Work) -> list[str]:
    return ["board-summary", *(s.id for s in work.params.estate.suppliers)]


def test_the_excluded_tickets_appear_only_in_the_exclusions_evidence(small_work):
    excluded = set(small_work.excluded["ticket_id"])
    assert excluded == {"INC0000042", "INC0000777"}  # params/exclusions.yaml
    for name in _report_names(small_work):
        outputs = {
            "bundle": small_work.bundle(name)["frames"],
            "evidence": small_work.evidence(name),
        }
        for kind, frames in outputs.items():
            for frame_name, frame in frames.items():
                # the exclusions themselves: a supplier's rows, the board's per-supplier list
                if frame_name in ("excluded", "exclusions"):
                    continue
                for col in frame.columns:
                    hit = frame[col].astype("str").isin(excluded)
                    assert not hit.any(), f"{name} {kind} {frame_name}.{col}"


def test_the_event_log_without_exclusions_is_cut_for_each_caller_and_not_held(small_work):
    # Every report's evidence and bundle is built; then the Work holds no copy of the event
    # log (the largest table), only the row mask, and a new cut is the log without the
    # excluded tickets.
    for name in _report_names(small_work):
        small_work.evidence(name)
        small_work.bundle(name)
    small_work._kept("ticket_events")  # asked for directly too (no report reads it now)
    events = small_work.tables["ticket_events"]
    # (the excluded tickets' rows are a few of the log's: a copy is nearly its length)
    copies = [
        k
        for k, f in small_work._cache.items()
        if isinstance(f, pd.DataFrame) and len(f) > len(events) // 2
    ]
    assert copies == []
    mask = small_work._cache["kept_mask_ticket_events"]
    assert isinstance(mask, np.ndarray) and mask.dtype == bool and len(mask) == len(events)
    kept = small_work._kept("ticket_events")
    expected = events[~events["ticket_id"].isin(["INC0000042", "INC0000777"])]
    pd.testing.assert_frame_equal(kept, expected)
    assert len(kept) < len(events)  # the excluded tickets have events: a real cut


def test_the_excluded_tickets_count_in_no_clock_table_attribution_or_clock_stop_signal(
    small_work,
):
    # Both excluded tickets were resolved in 2026-10 (docs/demo-estate.md): the same Work
    # without exclusions counts each of them once more in its supplier's clock table and in
    # the estate's clock-stop tickets, and has more attributed hours for their suppliers.
    import dataclasses

    from siamlib.measures.integrator import ALL

    unexcluded = dataclasses.replace(small_work, excluded=small_work.excluded.iloc[:0])
    per_supplier = small_work.excluded["supplier_id"].value_counts()
    for s in small_work.params.estate.towers:
        kept = small_work.bundle(s.id)["frames"]
        every = unexcluded.bundle(s.id)["frames"]
        extra = every["clocks_summary"]["resolved"].sum() - (
            kept["clocks_summary"]["resolved"].sum()
        )
        assert extra == per_supplier.get(s.id, 0), s.id
        more_hours = every["attribution"]["held_business_h"].sum() - (
            kept["attribution"]["held_business_h"].sum()
        )
        assert (more_hours > 0) == (s.id in per_supplier), s.id
    kept_signals, every_signals = (
        w.bundle("integrator")["frames"]["paused_share"].set_index("supplier_id")
        for w in (small_work, unexcluded)
    )
    more = every_signals.loc[ALL, "tickets"] - kept_signals.loc[ALL, "tickets"]
    assert more == len(small_work.excluded)


def test_level_evidence_reconciles_with_every_sla_level_of_the_scorecards(small_work):
    cards = pd.concat(small_work.cards.values(), ignore_index=True)
    sla = cards[cards["measure"].str.startswith("sla_")].set_index(["supplier_id", "service_level"])
    assert len(sla) > 10  # every tower has response and resolution levels
    rows = small_work.evidence("board-summary")["sla_tickets"]
    sums = rows.groupby(["supplier_id", "service_level"])[["in_denominator", "in_numerator"]]
    sums = sums.sum().reindex(sla.index, fill_value=0)
    assert sums["in_denominator"].tolist() == sla["denominator"].fillna(0).tolist()
    assert sums["in_numerator"].tolist() == sla["numerator"].fillna(0).tolist()
    # each tower's own evidence holds exactly its rows
    for s in small_work.params.estate.towers:
        own = small_work.evidence(s.id)["sla_tickets"]
        assert len(own) == (rows["supplier_id"] == s.id).sum() and set(own["supplier_id"]) <= {s.id}


def test_scope_conformance_is_in_every_supplier_bundle_and_counts_the_out_of_scope_evidence(
    small_work,
):
    everyone = small_work.bundle("integrator")["frames"]["scope_conformance"]
    assert set(everyone["supplier_id"]) <= {s.id for s in small_work.params.estate.suppliers}
    for s in small_work.params.estate.towers:
        own = small_work.bundle(s.id)["frames"]["scope_conformance"]
        assert set(own["supplier_id"]) <= {s.id}
        listed = small_work.evidence(s.id)["out_of_scope_work"]
        assert len(listed) == own["out_of_scope"].sum(), s.id


def test_the_board_bundle_carries_each_suppliers_scope_verdict_and_the_exclusions(small_work):
    board = small_work.bundle("board-summary")["frames"]
    verdicts = board["scope_conformance"].set_index("supplier_id")
    # The integrator is Accountable, not Responsible, for the tickets it dispatches, yet the
    # equaliser contracts it a share of them: its 0 % cannot be judged.
    assert verdicts.loc["integrator", "status"] == "not assessable"
    own = small_work.bundle("hosting")["frames"]["scope_conformance"].set_index("supplier_id")
    assert own.loc["hosting", ["status", "reason"]].tolist() == (
        verdicts.loc["hosting", ["status", "reason"]].tolist()
    )
    # params/exclusions.yaml's two tickets, each under the supplier of record it has here
    ex = board["exclusions"]
    owner = small_work.excluded.set_index("ticket_id")["supplier_id"]
    assert sorted(zip(ex["ticket_ids"], ex["supplier_id"], strict=True)) == sorted(owner.items())
    assert ex["tickets"].tolist() == [1, 1]


# ---------------------------------------------------------------- trends on the demo estate ----
def test_the_report_lists_the_trends_the_measure_counts_including_the_rising_vpn_ci(tmp_path):
    # docs/demo-estate.md, behaviour 3: extra vpn incidents from June 2026, 70 % on CI vpn-03,
    # a problem on vpn raised only on 2026-09-15. The report's trend list is the measure's:
    # trend_to_problem_days of each month is the median lag of the listed trends started in it.
    from siamlib import demo
    from siamlib.measures.problems import incident_trends
    from siamlib.workbook import compute_period

    folder = demo.write_demo(tmp_path / "estate")
    work = compute_period(folder, fixture_params(), "2026-10", validate=False)
    listed = work.bundle("integrator")["frames"]["trend_response"]
    assert ("ci", "vpn-03") in set(zip(listed["by"], listed["key"], strict=True))
    kept = work.tables["tickets"]
    kept = kept[~kept["ticket_id"].isin(work.excluded["ticket_id"])]
    tz = work.params.estate.timezone
    want = incident_trends(kept, work.tables["problems"], tz=tz)
    pd.testing.assert_frame_equal(listed.reset_index(drop=True), want)
    started = periods.period_of(listed["start_week"], tz)
    v = work.values
    lag = v[(v["measure"] == "trend_to_problem_days") & v["period"].isin(set(started))]
    for period, value in zip(lag["period"], lag["value"], strict=True):
        expected = listed.loc[(started == period).to_numpy(), "lag_days"].median()
        assert value == pytest.approx(expected, nan_ok=True), period


def test_levels_file_reconciles_every_count_based_level(small_work, tmp_path):
    from siamlib.levels import LEVEL_MEASURES
    from siamlib.workbook import write_evidence

    counted = {*LEVEL_MEASURES, "first_time_fix", "reopen_rate", "change_success_rate"}
    counted |= {"emergency_change_ratio", "routing_accuracy", "ping_pong_rate"}
    counted |= {"proactive_problem_share"}
    cards = pd.concat(small_work.cards.values(), ignore_index=True)
    levels = cards[cards["measure"].isin(counted)].set_index(["supplier_id", "service_level"])
    assert {"first_time_fix", "reopen_rate", "routing_accuracy"} <= set(levels["measure"])
    rows = small_work.evidence("integrator")["levels"]
    sums = rows.groupby(["supplier_id", "service_level"])[["in_denominator", "in_numerator"]]
    sums = sums.sum().reindex(levels.index, fill_value=0)
    assert sums["in_denominator"].tolist() == levels["denominator"].fillna(0).tolist()
    assert sums["in_numerator"].tolist() == levels["numerator"].fillna(0).tolist()
    written = write_evidence(small_work, "euc", tmp_path)
    assert tmp_path / "euc-2026-10-levels.csv" in written
    listed = pd.read_csv(tmp_path / "euc-2026-10-levels.csv")
    assert set(listed["supplier_id"]) == {"euc"}
    assert len(listed) == (rows["supplier_id"] == "euc").sum()


def test_a_rerun_copies_every_evidence_workbook_byte_for_byte_from_the_cache(small_work, tmp_path):
    from siamlib.workbook import write_evidence

    names = [*small_work.cards, "board-summary"]
    cache_dir = tmp_path / "cache"
    for run in ("plain", "first", "rerun"):
        (tmp_path / run).mkdir()
        for name in names:
            write_evidence(
                small_work, name, tmp_path / run, cache_dir=None if run == "plain" else cache_dir
            )
        if run == "first":
            stored = {p: p.stat().st_mtime_ns for p in cache_dir.glob("*.bin")}
    assert len(stored) == len(names)  # one workbook each, none shared by accident
    assert {p: p.stat().st_mtime_ns for p in cache_dir.glob("*.bin")}.keys() == stored.keys()
    for name in names:
        book = f"{name}-2026-10.xlsx"
        plain = (tmp_path / "plain" / book).read_bytes()
        assert (tmp_path / "first" / book).read_bytes() == plain
        assert (tmp_path / "rerun" / book).read_bytes() == plain


# ------------------------------------------------------------------ completeness of the data ----
def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    from siamlib import schema

    return schema.coerce(name, pd.DataFrame(rows).reindex(columns=schema.TABLES[name].column_names))


def _ticket_log(opened: str, resolved: str) -> dict[str, pd.DataFrame]:
    """Two euc P3 incidents opened and resolved at the given times (the ticket log only)."""
    tickets = _table(
        "tickets",
        [
            {
                "ticket_id": tid,
                "ticket_type": "incident",
                "supplier_id": "euc",
                "service": "laptops",
                "priority": 3,
                "opened_at": opened,
                "first_response_at": opened,
                "resolved_at": resolved,
                "closed_at": resolved,
                "status": "closed",
                "reopen_count": 0,
            }
            for tid in ("T1", "T2")
        ],
    )
    events = _table(
        "ticket_events",
        [
            {
                "ticket_id": tid,
                "event_seq": seq,
                "event_at": at,
                "status": status,
                "assignment_group": "EUC-L2",
                "supplier_id": "euc",
                "support_level": 2,
            }
            for tid in ("T1", "T2")
            for seq, at, status in ((1, opened, "assigned"), (2, resolved, "resolved"))
        ],
    )
    return {"tickets": tickets, "ticket_events": events}


# March 2026 in Europe/London is 2026-03-01T00:00Z .. 2026-03-31T23:00Z
MARCH = (pd.Timestamp("2026-03-01T00:00Z"), pd.Timestamp("2026-03-31T23:00Z"))


def _info(window=MARCH):
    from siamlib import io

    return io.DatasetInfo("log", "tests", window[0].isoformat(), window[1].isoformat())


def _compute(tables, period=PERIOD, window=MARCH):
    from siamlib.workbook import compute_period

    return compute_period(None, PARAMS, period, validate=False, tables=tables, info=_info(window))


def test_a_dataset_folder_without_ticket_events_is_rejected_naming_the_table(tmp_path):
    from siamlib import io
    from siamlib.workbook import compute_period

    io.write_dataset(
        tmp_path, {"tickets": _ticket_log(*["2026-03-02T09:00Z"] * 2)["tickets"]}, _info()
    )
    with pytest.raises(io.DatasetError, match=r"no ticket_events table \(ticket_events.parquet\)"):
        compute_period(tmp_path, PARAMS, PERIOD, validate=False)


def test_an_unvalidated_run_leaves_suppliers_stopped_for_missing_data_out_of_the_boards_totals():
    # March alone: every contract's earn-back reads December, outside the data window, so
    # the run stops every supplier; without the gate's scores the board's totals must still
    # leave them out (the at-risk pool was counted in full), in the bundle and figures alike.
    from siamlib import figures

    work = _compute(_ticket_log("2026-03-02T09:00Z", "2026-03-03T09:00Z"))
    assert work.quality is None
    stopped = set(work.stopped_reports()) - {"board-summary"}
    assert stopped == {s.id for s in PARAMS.estate.suppliers}
    head = work.bundle("board-summary")["meta"]["board_headline"]
    assert sorted(head["blocked"]) == sorted(stopped)
    assert head["at_risk"] == 0.0 and head["net_credits"] == 0.0
    # The board is stopped too (the integrator's earn-back): its figures rows, were they
    # written, come from the same inputs.
    rows = figures.board_rows(*figures._board_inputs(work), "GBP").set_index("measure")
    assert rows.loc["at_risk", "actual"] == 0.0


def test_a_period_outside_the_data_window_is_an_error_naming_the_window():
    tables = _ticket_log("2026-03-02T09:00Z", "2026-03-03T09:00Z")
    with pytest.raises(periods.PeriodOutsideWindow, match="2026-03-01 to 2026-03-31"):
        _compute(tables, period="2026-04")


def test_availability_without_an_outages_table_is_grey_with_the_reason_never_green():
    work = _compute(_ticket_log("2026-03-02T09:00Z", "2026-03-03T09:00Z"))
    assert work.present_tables == ["tickets", "ticket_events"]
    card = work.cards["euc"].set_index("service_level")
    avail = card.loc[card["measure"].eq("availability")]
    assert len(avail) >= 1
    assert set(avail["rag"]) == {"grey"} and avail["actual"].isna().all()
    assert avail["points"].isna().all()
    assert set(avail["note"]) == {"no outages table in the dataset"}
    assert not work.ledgers["euc"]["measure"].eq("availability").any()
    # the measure values behind it are blanked too, so nothing else can read 100 %
    v = work.values
    assert v.loc[v["measure"].eq("availability") & v["period"].eq(PERIOD), "value"].isna().all()
    # the two P3 tickets resolved in March are still counted
    res = card.loc[card["measure"].eq("sla_resolution_attainment") & card["scope"].eq("priority=3")]
    assert res["denominator"].tolist() == [2.0]
    assert res["note"].tolist() == [""]


def test_months_before_the_data_begins_are_grey_in_the_trend_with_the_window_note():
    work = _compute(_ticket_log("2026-03-02T09:00Z", "2026-03-03T09:00Z"))
    t = work.trends["euc"]
    before = t[t["period"] < PERIOD]
    assert before["period"].nunique() == 11  # 2025-04 .. 2026-02
    assert set(before["rag"]) == {"grey"} and before["points"].isna().all()
    assert set(before["note"]) == {"month outside the data window (2026-03-01 to 2026-03-31)"}
    # the integrator's aged-ticket chart shows no month before the data either
    assert set(work.aged_trend["period"]) == {PERIOD}


def test_a_month_without_ticket_log_rows_blocks_the_suppliers_and_their_figures():
    from siamlib import figures

    window = (pd.Timestamp("2026-02-01T00:00Z"), MARCH[1])
    work = _compute(_ticket_log("2026-02-02T09:00Z", "2026-02-03T09:00Z"), window=window)
    reason = work.blocking_reason("euc")
    assert reason.startswith("Report for euc stopped: no rows in ticket_events and tickets for")
    assert work.blocking_reason("board-summary").startswith("Report for the board summary")
    frame = figures.from_work(work).frame
    assert set(frame["kind"]) == {"blocked"}
    assert len(frame) == len(PARAMS.estate.suppliers)


# ------------------------------------------------------------------------------ quarantine ----
def test_a_quarantined_out_of_scale_score_changes_no_figure_and_is_listed(tmp_path):
    # One hosting ticket resolved in the period gets satisfaction 9 on the 1-5 scale: the run
    # quarantines it (with its events), and every figure equals that of a run on the same
    # data with the ticket and its events left out by hand.
    from siamlib import demo
    from siamlib.workbook import compute_period, load_inputs

    params = fixture_params()
    folder = demo.write_demo(tmp_path / "estate", n_tickets=3000, params=params)
    tables, info = load_inputs(folder)
    tk = tables["tickets"]
    start, end = periods.period_bounds("2026-10", params.estate.timezone)
    pick = tk.index[
        (tk["supplier_id"] == "hosting") & tk["resolved_at"].ge(start) & tk["resolved_at"].lt(end)
    ][0]
    victim = tk.loc[pick, "ticket_id"]
    bad = {
        **tables,
        "tickets": tk.assign(satisfaction=tk["satisfaction"].mask(tk.index == pick, 9.0)),
    }
    work = compute_period(folder, params, "2026-10", tables=bad, info=info)
    listed = work.quarantined
    own = listed[listed["table"] == "tickets"]
    assert own[["row_key", "rule_id"]].values.tolist() == [[victim, "TKT-017"]]
    n_events = int((tables["ticket_events"]["ticket_id"] == victim).sum())
    assert (listed["table"] == "ticket_events").sum() == n_events
    assert victim not in set(work.tables["tickets"]["ticket_id"])

    without = {
        **tables,
        "tickets": tk[tk["ticket_id"] != victim],
        "ticket_events": tables["ticket_events"][tables["ticket_events"]["ticket_id"] != victim],
    }
    clean = compute_period(folder, params, "2026-10", tables=without, info=info, validate=False)
    assert clean.quarantined.empty
    pd.testing.assert_frame_equal(work.values, clean.values)
    assert work.figures_sha256() == clean.figures_sha256()


def test_without_validation_nothing_is_quarantined():
    from siamlib.quarantine import quarantine

    tickets = pd.DataFrame({"ticket_id": ["A"], "supplier_id": ["x"], "satisfaction": [9.0]})
    clean, listed = quarantine({"tickets": tickets}, None)
    assert listed.empty
    assert clean["tickets"] is tickets


def test_the_integrators_bundle_lists_a_towers_quarantined_tickets_and_the_towers_do_not(
    tmp_path,
):
    # Three of hosting's October tickets answered after their resolution (TKT-033) are
    # quarantined: out of hosting's figures and of the integrator's estate-wide ones. The
    # integrator's bundle carries them (and survives saving); another tower's does not.
    from siamlib import demo, io, sections
    from siamlib.workbook import compute_period, load_bundle, save_bundle

    folder = demo.write_demo(tmp_path / "estate", n_tickets=1500)
    tables, info = io.read_dataset(folder), io.read_dataset_info(folder)
    tk = tables["tickets"]
    hosting = (tk["supplier_id"] == "hosting") & tk["first_response_at"].notna()
    bad = tk[hosting & (tk["resolved_at"] >= pd.Timestamp("2026-10-01", tz="UTC"))].index[:3]
    tk.loc[bad, "first_response_at"] = tk.loc[bad, "resolved_at"] + pd.Timedelta(hours=2)
    ids = tk.loc[bad, "ticket_id"].tolist()
    work = compute_period(None, PARAMS, "2026-10", tables=tables, info=info)
    assert work.blocking_reason("integrator") == ""
    beside = work.bundle("integrator")["frames"]["quality_beside"]
    # A response two hours after the resolution is also at no event's time (TKT-037).
    assert sorted(beside[["rule_id", "supplier_id", "unexpected_count"]].values.tolist()) == [
        ["TKT-033", "hosting", 3],
        ["TKT-037", "hosting", 3],
    ]
    save_bundle(work.bundle("integrator"), tmp_path / "integrator")
    html = sections.quality_section(load_bundle(tmp_path / "integrator"))
    assert "TKT-033 hosting: 3" in html and all(i in html for i in ids)
    for tower in ("network", "euc"):
        frames = work.bundle(tower)["frames"]
        assert "quality_beside" not in frames
        assert not any(i in sections.quality_section(work.bundle(tower)) for i in ids)


def test_evidence_ledgers_and_scorecards_say_whether_minimum_holds_a_maximum():
    # credits.csv listed REOPEN's limit 6 under "minimum"; it is the most reopens allowed.
    from siamlib.workbook import _limit_named

    ledger = pd.DataFrame(
        {
            "service_level": ["REOPEN", "AVAIL"],
            "measure": ["reopen_rate", "availability"],
            "expected": [3.0, 99.5],
            "minimum": [6.0, 99.0],
            "amount": [1440.0, 7200.0],
        }
    )
    out = _limit_named(ledger)
    assert list(out.columns) == ["service_level", "measure", "expected", "minimum"] + [
        "limit_kind",
        "amount",
    ]
    assert out["limit_kind"].tolist() == ["maximum", "minimum"]


def test_evidence_csv_numbers_carry_no_float_noise(tmp_path):
    from siamlib import evidence

    frame = pd.DataFrame({"change": [-15.099999999999994], "actual": [98.6026597067]})
    (path,) = [
        p
        for p in evidence.write_evidence({"levels": frame}, tmp_path, "x-2026-10")
        if p.suffix == ".csv"
    ]
    assert path.read_text(encoding="utf-8-sig").splitlines()[1] == "-15.1,98.6026597067"
