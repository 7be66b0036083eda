"""siamlib.gate: the run's refusals and its decision which reports stop, shared by ``siam run``
and ``siam validate``.

The parity tests build a small dataset (the hand-written one of test_quality.py, mutated), ask
:func:`siamlib.gate.check` (what ``siam validate`` runs) which reports it stops, and compare with
what the run decides on the same folder: :meth:`siamlib.workbook.Work.blocking_reason` of every
report after :func:`siamlib.workbook.compute_period`. The expected reports are worked out by
hand from the policy (docs/data-quality.md): a tower is stopped by its own rows over a limit
(>= 10 rows and > 5 % failing one quarantine rule) or a blocking failure; the integrator's
levels read every supplier's tickets, events, problems, improvements and surveys, so it is
stopped by any supplier's blocking failure in those tables and by the estate's rows over the
limit there; a month without a ticket stops every supplier whose levels read the ticket log.

The fixture contracts earn back over 3 periods and score small samples on 3 months, so their
figures of a month read the three months before it too: a one-month dataset stops every
report (siamlib.completeness.window_blocks). Most cases here therefore use MONTH_PARAMS, the
same contracts without earn-back and with small samples left grey, which read no earlier month.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from siamlib import gate, io, periods, quality, schema, workbook
from siamlib.common import BOARD
from tests.fixtures.fixture_params import fixture_params
from tests.unit.test_quality import WINDOW, bad_tables, good_tables, many_tickets

PARAMS = fixture_params()
SUPPLIERS = [s.id for s in PARAMS.estate.suppliers]  # integrator first, then the towers
DEC_JAN = (pd.Timestamp("2025-12-01", tz="UTC"), WINDOW[1])
# October 2025 (from local midnight, BST) to January 2026: every month January's figures read
# under the fixture contracts (earn-back gives back October's credits; P1's rolling window is
# November..January).
OCT_JAN = (pd.Timestamp("2025-09-30T23:00Z"), WINDOW[1])


def reading_no_earlier_month(params, keep: tuple[str, ...] = ()):
    """``params`` whose contracts (but ``keep``'s) read no month before the reported one:
    earn-back off, small samples grey."""
    contracts = dict(params.contracts)
    for sid, c in params.contracts.items():
        if sid in keep:
            continue
        eb = c.credit_regime.earn_back.model_copy(update={"enabled": False})
        regime = c.credit_regime.model_copy(update={"earn_back": eb})
        grey = c.small_samples.model_copy(update={"policy": "grey"})
        contracts[sid] = c.model_copy(update={"credit_regime": regime, "small_samples": grey})
    return params.model_copy(update={"contracts": contracts})


MONTH_PARAMS = reading_no_earlier_month(PARAMS)


def write_folder(root: Path, tables: dict, window=WINDOW) -> Path:
    folder = root / "data"
    start, end = (t.isoformat() for t in window)
    io.write_dataset(folder, tables, io.DatasetInfo("t", "test", start, end))
    return folder


def tower_tickets(bad_each: int) -> dict[str, pd.DataFrame]:
    """10 hosting tickets (H1..H10) and 10 network ones (H11..H20, with network's service and
    assignment group), ``bad_each`` of each scored 9 of 5 (TKT-017, a quarantine rule)."""
    tables = many_tickets(20, 0)
    tk = tables["tickets"].copy()
    net = tk.index >= 10
    tk.loc[net, ["supplier_id", "service"]] = ["network", "wan"]
    tk.loc[[*range(bad_each), *range(10, 10 + bad_each)], "satisfaction"] = 9.0
    ev = tables["ticket_events"].copy()
    moved = ev["ticket_id"].isin(tk.loc[net, "ticket_id"]) & ev["supplier_id"].eq("hosting")
    ev.loc[moved, ["assignment_group", "supplier_id"]] = ["NET-NOC", "network"]
    return {**tables, "tickets": schema.coerce("tickets", tk), "ticket_events": ev}


def tower_changes(bad_each: int) -> dict[str, pd.DataFrame]:
    """CHG1 and 20 standard changes (C1..C10 hosting's, C11..C20 network's), ``bad_each`` of
    each planned to end before it starts (CHG-020, a quarantine rule on changes)."""
    tables = good_tables()
    changes = tables["changes"]
    copies = pd.concat([changes.iloc[[1]]] * 20, ignore_index=True)
    copies["change_id"] = [f"C{i}" for i in range(1, 21)]
    copies.loc[10:, ["supplier_id", "service"]] = ["network", "wan"]
    # A minute apart: twenty changes, not one change copied under twenty ids (CHG-028).
    later = pd.to_timedelta(range(20), unit="min")
    copies["planned_start"] += later
    copies["planned_end"] += later
    bad = [*range(bad_each), *range(10, 10 + bad_each)]
    copies.loc[bad, "planned_end"] = copies.loc[bad, "planned_start"] - pd.Timedelta(hours=1)
    both = pd.concat([changes.iloc[[0]], copies], ignore_index=True)
    return {**tables, "changes": schema.coerce("changes", both)}


def run_decision(folder: Path, period: str, params=MONTH_PARAMS) -> dict[str, str]:
    """The reports the run stops, with why: Work.blocking_reason, as batch.run and figures ask."""
    work = workbook.compute_period(folder, params, period)
    reasons = {n: work.blocking_reason(n) for n in [*SUPPLIERS, BOARD]}
    return {n: r for n, r in reasons.items() if r}


PARITY = {
    # INC2, network's, has priority 7 (TKT-015, blocking): network's own rows, and a table
    # the integrator's levels read.
    "a-towers-blocking-ticket": (lambda: bad_tables("TKT-015"), "2026-01", WINDOW,
                                 ["integrator", "network"]),
    # All the tickets are January's, the month checked. 6 of hosting's 10 and 6 of network's
    # 10: each tower is under the window's 10 rows but over the month's limit (5 rows and
    # more than 5 %), and so is the integrator, which reads all 20 (12 out of scale).
    "towers-rows-over-the-month-limit": (lambda: tower_tickets(6), "2026-01", WINDOW,
                                         ["integrator", "hosting", "network"]),
    # 4 and 4: each tower under the month's 5 rows; the integrator reads 8 of 20: stopped.
    "towers-rows-over-the-integrators-limit": (lambda: tower_tickets(4), "2026-01", WINDOW,
                                               ["integrator"]),
    # 2 and 2: 4 rows, under every limit; they are quarantined.
    "towers-rows-under-every-limit": (lambda: tower_tickets(2), "2026-01", WINDOW, []),
    # 12 of hosting's 20 tickets: hosting's own limit, and the estate's for the integrator.
    "one-towers-rows-over-its-limit": (lambda: many_tickets(20, 12), "2026-01", WINDOW,
                                       ["integrator", "hosting"]),
    # 6 + 6 of 21 changes, all January's: each tower's 6 of its 10 changes is over its month
    # limit; the integrator's levels read no change, so it runs without them.
    "changes-over-each-towers-month-limit": (lambda: tower_changes(6), "2026-01", WINDOW,
                                             ["hosting", "network"]),
    # December is in the window but holds no ticket and no event: every supplier's levels
    # read the ticket log, so every report stops, the board's too (all suppliers are).
    "a-month-without-tickets": (good_tables, "2025-12", DEC_JAN, [*SUPPLIERS, BOARD]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PARITY))
def test_validate_stops_exactly_the_reports_the_run_stops_with_the_same_reasons(case, tmp_path):
    build, period, window, expected = PARITY[case]
    folder = write_folder(tmp_path, build(), window)
    checked = gate.check(folder, MONTH_PARAMS, period)
    assert list(checked.stopped) == expected
    assert checked.stopped == run_decision(folder, period)
    assert checked.exit_code == (1 if expected else 0)


def test_the_integrator_is_stopped_by_the_estates_rows_with_the_rule_and_the_count():

    result = quality.validate(tower_tickets(6), PARAMS, WINDOW)
    reason = gate.stop_reason("integrator", result, PARAMS, "2026-01", {})
    assert reason.splitlines() == [
        "Report for integrator stopped by 1 blocking data-quality failure:",
        "- TKT-017 tickets.satisfaction: A ticket's satisfaction is between 1 and 5. "
        "12 rows (60%), e.g. H1, H2, H3, H4, H5 (too many rows to quarantine); "
        "by supplier: hosting 6, network 6",
    ]
    assert gate.stop_reason("hosting", result, PARAMS, "2026-01", {}) == ""
    assert gate.stop_reason(BOARD, result, PARAMS, "2026-01", {}) == ""


def test_data_missing_for_the_month_stops_the_supplier_and_the_board_only_when_all_are():
    missing = {"euc": "no rows in tickets for 2026-01: ..."}
    assert gate.stopped_reports(None, PARAMS, "2026-01", missing) == {
        "euc": "Report for euc stopped: no rows in tickets for 2026-01: ..."
    }
    everyone = dict.fromkeys(SUPPLIERS, "no rows in tickets for 2026-01: x")
    stopped = gate.stopped_reports(None, PARAMS, "2026-01", everyone)
    assert list(stopped) == [*SUPPLIERS, BOARD]
    board = "Report for the board summary stopped: no rows in tickets for 2026-01: x"
    assert stopped[BOARD] == board


def test_check_without_a_period_checks_the_last_month_the_window_covers_in_full(tmp_path):
    tables = good_tables()
    # OUT2 (planned, from 25 January) ends: still open, it would be down 16 days at the
    # window's end, over the longest outage the gate accepts (OUT-015, 7 days).
    tables["outages"].loc[1, "end_at"] = pd.Timestamp("2026-01-25T03:00Z")
    folder = write_folder(tmp_path, tables, (DEC_JAN[0], pd.Timestamp("2026-02-10T00:00Z")))
    checked = gate.check(folder, MONTH_PARAMS)
    assert checked.period == "2026-01"
    assert checked.stopped == {} and checked.exit_code == 0
    assert checked.summary_text().splitlines()[-1] == "OK: no report stopped."
    data = checked.to_json()
    assert data["period"] == "2026-01" and data["stopped"] == {} and data["ok"] is True


def test_a_homoglyph_exclusion_is_refused_by_check_as_by_compute_period(tmp_path):
    from siamlib.params import Exclusion, Exclusions

    excluded = Exclusion(
        ticket_id="\u0406NC2", reason="agreed", approver="J. Okafor", approved_on="2026-01-20"
    )
    params = PARAMS.model_copy(update={"exclusions": Exclusions(exclusions=[excluded])})
    folder = write_folder(tmp_path, good_tables())
    message = (
        "exclusions.yaml: exclusions[0].ticket_id '\u0406NC2' holds U+0406 CYRILLIC CAPITAL "
        "LETTER BYELORUSSIAN-UKRAINIAN I (not ASCII) and no ticket has that id: retype the id "
        "in plain letters and digits"
    )
    with pytest.raises(ValueError) as by_check:
        gate.check(folder, params, "2026-01")
    with pytest.raises(ValueError) as by_run:
        workbook.compute_period(folder, params, "2026-01")
    assert str(by_check.value) == str(by_run.value) == message


def test_a_month_outside_the_window_is_refused_by_check_as_by_compute_period(tmp_path):
    folder = write_folder(tmp_path, good_tables())
    with pytest.raises(periods.PeriodOutsideWindow) as by_check:
        gate.check(folder, PARAMS, "2026-03")
    with pytest.raises(periods.PeriodOutsideWindow) as by_run:
        workbook.compute_period(folder, PARAMS, "2026-03")
    assert str(by_check.value) == str(by_run.value)
    assert "period 2026-03 is outside the data window 2026-01-01 to 2026-02-01" in str(
        by_check.value
    )


def test_a_dataset_without_ticket_events_is_refused_by_check_as_by_compute_period(tmp_path):
    tables = {k: v for k, v in good_tables().items() if k != "ticket_events"}
    folder = write_folder(tmp_path, tables)
    with pytest.raises(io.DatasetError) as by_check:
        gate.check(folder, PARAMS, "2026-01")
    with pytest.raises(io.DatasetError) as by_run:
        workbook.compute_period(folder, PARAMS, "2026-01")
    assert str(by_check.value) == str(by_run.value)
    assert "no ticket_events table (ticket_events.parquet)" in str(by_check.value)


def test_an_exclusion_approved_before_its_ticket_opened_is_refused_by_check_as_by_run(tmp_path):
    from siamlib.params import Exclusion, Exclusions

    # INC2 was opened on 2026-01-10; an exclusion approved on the 5th names another ticket
    excluded = Exclusion(
        ticket_id="INC2", reason="agreed", approver="J. Okafor", approved_on="2026-01-05"
    )
    params = PARAMS.model_copy(update={"exclusions": Exclusions(exclusions=[excluded])})
    folder = write_folder(tmp_path, good_tables())
    message = (
        "exclusions.yaml: exclusions[0] (ticket INC2) was approved on 2026-01-05, before the "
        "ticket was opened on 2026-01-10 (tickets.opened_at): an agreement cannot come before "
        "its ticket; check the ticket id (a mistyped id excludes another ticket) and the date"
    )
    with pytest.raises(ValueError) as by_check:
        gate.check(folder, params, "2026-01")
    with pytest.raises(ValueError) as by_run:
        workbook.compute_period(folder, params, "2026-01")
    assert str(by_check.value) == str(by_run.value) == message


def test_the_integrators_message_names_a_towers_failing_rule_once_with_its_count():
    # INC2, network's, has priority 7 (TKT-015): the estate's row and network's row both fail;
    # the integrator's reason is one failure, the estate's 1 of 3 tickets, network's 1.
    result = quality.validate(bad_tables("TKT-015"), PARAMS, WINDOW, period="2026-01")
    reason = gate.stop_reason("integrator", result, PARAMS, "2026-01", {})
    assert reason.splitlines() == [
        "Report for integrator stopped by 1 blocking data-quality failure:",
        "- TKT-015 tickets.priority: A ticket's priority is between 1 and 4. 1 rows (33.3333%), "
        "e.g. INC2; by supplier: network 1",
    ]
    # network's own reason names its own row (INC2 is its only ticket), once
    assert gate.stop_reason("network", result, PARAMS, "2026-01", {}).splitlines()[1:] == [
        "- TKT-015 tickets.priority: A ticket's priority is between 1 and 4. 1 rows (100%), "
        "e.g. INC2"
    ]


def test_validates_blocking_count_counts_what_stops_a_report_and_says_why_a_row_stops_none(
    tmp_path,
):
    # 4 + 4 of the 21 January changes planned to end before they start (CHG-020): each tower's
    # 4 is under the month's 5 rows; the estate's 8 of 21 is over it, but only the integrator
    # reads the estate's rows, and none of its levels reads changes. No report stops.
    folder = write_folder(tmp_path, tower_changes(4))
    checked = gate.check(folder, MONTH_PARAMS, "2026-01")
    assert checked.stopped == {} and checked.exit_code == 0
    lines = checked.summary_text().splitlines()
    assert lines[1].endswith("failed (0 blocking), 0 errors.")
    at = lines.index("Over the quarantine limit in the estate's total, but stopping no report:")
    assert lines[at + 1].startswith(
        "CHG-020 changes.planned_end: over the limit only in the estate's total (8 rows, "
    )
    assert "none of its levels in force reads changes" in lines[at + 1]
    assert "the 8 rows are quarantined (taken out of every measure)" in lines[at + 1]
    assert lines[-1] == "OK: no report stopped (8 rows quarantined)."


def test_a_month_whose_earn_back_source_is_outside_the_window_stops_every_report(tmp_path):
    # The fixture contracts give back in January what October charged (earn-back over 3
    # periods); the data hold January only. Run and validate stop every report alike.
    folder = write_folder(tmp_path, good_tables())
    checked = gate.check(folder, PARAMS, "2026-01")
    assert list(checked.stopped) == [*SUPPLIERS, BOARD]
    assert checked.stopped == run_decision(folder, "2026-01", PARAMS)
    assert checked.stopped["hosting"].startswith(
        "Report for hosting stopped: earn-back: the hosting contract (credit_regime.earn_back, "
        "3 periods) gives back in 2026-01 a credit charged in 2025-10, when its service "
        "levels were in force, but the data window (2026-01-01 to 2026-02-01) does not "
        "cover 2025-10 in full"
    )


def test_the_board_leaves_out_a_supplier_stopped_only_by_a_month_outside_the_window(tmp_path):
    # Only hosting's contract reads earlier months (earn-back, rolling window): hosting alone
    # is stopped, by completeness; the board's column says so and its money leaves it out.
    params = reading_no_earlier_month(PARAMS, keep=("hosting",))
    folder = write_folder(tmp_path, good_tables())
    work = workbook.compute_period(folder, params, "2026-01")
    assert list(work.stopped_reports()) == ["hosting"]
    board = work.bundle(BOARD)
    scores = board["frames"]["quality_scores"]
    assert dict(zip(scores["supplier_id"], scores["stopped"], strict=True)) == {
        s: s == "hosting" for s in SUPPLIERS
    }
    assert board["meta"]["board_headline"]["blocked"] == ["hosting"]
