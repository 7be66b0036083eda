"""The fairness panel: waived lines, small samples, designed-route share, alerts."""

from __future__ import annotations

import pandas as pd
import pytest

from siamlib.fairness import (
    ALERT_COLUMNS,
    alert_rows,
    alert_sentences,
    fairness_panel,
    route_figures,
)
from siamlib.sections_fairness import fairness_panel as render


def _ledger():
    # hand-written to the interface agreed with the causes helper: line "waived", amount 0
    return pd.DataFrame(
        {
            "supplier_id": ["hosting", "hosting", "hosting"],
            "service_level": ["AVAIL", "P2-RES", "P3-RES"],
            "line": ["credit", "waived", "credit"],
            "amount": [7200.0, 0.0, 2880.0],
            "explanation": ["AVAIL 98.6% < 99%", "waived: same cause as AVAIL, outage OUT7", "x"],
            "cause_id": ["OUT7", "OUT7", ""],
        }
    )


def test_panel_lists_only_waived_lines_with_their_reason():
    panel = fairness_panel(ledger=_ledger())
    assert panel.waived["service_level"].tolist() == ["P2-RES"]
    assert panel.waived["explanation"].iloc[0].startswith("waived: same cause as AVAIL")
    assert "waived: same cause as AVAIL" in render({"meta": {}, "frames": panel.frames()})


def test_ledger_without_cause_column_still_gives_the_panel():
    panel = fairness_panel(ledger=_ledger().drop(columns=["cause_id"]))
    assert panel.waived["cause_id"].tolist() == [""]


def test_small_sample_levels_are_listed():
    cards = pd.DataFrame(
        {
            "supplier_id": ["euc", "euc"],
            "service_level": ["P1-RES", "P2-RES"],
            "name": ["a", "b"],
            "denominator": [2.0, 40.0],
            "scored_on": ["rolling 3 months (2026-08..2026-10)", "month"],
            "note": ["small sample: ...", ""],
            "small_sample": [True, False],
        }
    )
    assert fairness_panel(cards=cards).small["service_level"].tolist() == ["P1-RES"]


def test_designed_share_is_the_raw_moves_left_out():
    # raw 3099 handoffs over 1808 tickets, adjusted 299: designed (3099 - 299) / 3099
    v = pd.DataFrame(
        {
            "supplier_id": ["integrator"] * 2,
            "scope": ["", ""],
            "measure": ["cross_supplier_handoffs", "cross_supplier_handoffs_raw"],
            "value": [299 / 1808, 3099 / 1808],
            "numerator": [299.0, 3099.0],
            "denominator": [1808.0, 1808.0],
        }
    )
    r = route_figures(v, "integrator").iloc[0]
    assert r["designed_share"] == pytest.approx(2800 / 3099)
    assert r["adjusted"] <= r["raw"]


def test_clock_stop_alert_reaches_the_panel():
    ps = pd.DataFrame(
        {"supplier_id": ["euc"], "paused_share": [0.34], "pause_before_resolution_share": [0.64]}
    )
    panel = fairness_panel(paused_share=ps, supplier_names={"euc": "Harbour"})
    assert panel.alerts and panel.alerts[0].startswith("Clock-stop signal, Harbour")


def _route_values() -> pd.DataFrame:
    # Keystone's estate-wide ping-pong: raw 3.65 %, adjusted 3.65 %; Summit's own rate:
    # 60 of the 337 tickets it touched bounced = 17.80 %, above the 5 % red-signal threshold.
    return pd.DataFrame(
        {
            "supplier_id": ["integrator", "integrator", "hosting", "euc"],
            "scope": [""] * 4,
            "measure": ["ping_pong_rate", "ping_pong_rate_raw", "ping_pong_rate"]
            + ["ping_pong_rate"],
            "value": [0.0365, 0.0365, 60 / 337, 4 / 400],
            "numerator": [73.0, 73.0, 60.0, 4.0],
            "denominator": [2000.0, 2000.0, 337.0, 400.0],
        }
    )


def test_the_designed_route_share_is_not_shown_for_the_ping_pong_row():
    # Keystone's ping-pong: raw 3.65 %, adjusted 3.65 %: its designed share (0) is no
    # handoff share; the column shows "–" there, the figure itself is kept in the frame.
    panel = fairness_panel(values=_route_values(), integrator_id="integrator")
    assert panel.routes["designed_share"].tolist() == [0.0]
    html = render({"meta": {}, "frames": panel.frames()})
    assert ">0%</td>" not in html and ">–</td>" in html


def test_estate_wide_route_rows_name_the_integrator_as_their_owner():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator")
    assert panel.routes["owner"].tolist() == ["integrator"]
    names = {"integrator": "Keystone", "hosting": "Summit"}
    html = render({"meta": {"supplier_names": names}, "frames": panel.frames()})
    assert "<td>Keystone (estate-wide)</td>" in html


def test_a_towers_panel_shows_its_own_ping_pong_rate_and_its_red_signal():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator", own="hosting")
    own = panel.routes[panel.routes["owner"] == "hosting"].iloc[0]
    assert own["raw"] == pytest.approx(100 * 60 / 337)  # 17.80 %
    assert own["note"].startswith("red signal: above the 5% ping-pong red-signal threshold")
    assert "own share" in own["note"] and "not the estate-wide rate" in own["note"]
    assert "watermelon" not in own["note"]
    estate = panel.routes[panel.routes["owner"] == "integrator"].iloc[0]
    assert "counted once over all tickets" in estate["note"]  # estate-wide vs own share
    names = {"integrator": "Keystone", "hosting": "Summit"}
    html = render({"meta": {"supplier_names": names}, "frames": panel.frames()})
    assert "<td>Summit (own tickets)</td>" in html and "17.8" in html
    assert "<td>Keystone (estate-wide)</td>" in html  # the longer estate note still reads so


def test_an_own_ping_pong_rate_at_or_below_the_threshold_is_not_called_red():
    panel = fairness_panel(values=_route_values(), integrator_id="integrator", own="euc")
    own = panel.routes[panel.routes["owner"] == "euc"].iloc[0]
    assert own["raw"] == pytest.approx(1.0)
    assert own["note"].startswith("at or below the 5% ping-pong red-signal threshold")


# ------------------------------------------------------------ alerts and their figures ----
def _beacon_values() -> pd.DataFrame:
    # Beacon, October: 395 of 405 tickets responded to within target (97.53 %), 410 of 410
    # resolved within target (100 %); 62 of 410 resolved tickets reopened (15.12 %, over the
    # check's 10 %), satisfaction 2.98 over 88 responses (under 3.5).
    rows = [
        ("sla_response_attainment", 395 / 405, 395.0, 405.0),
        ("sla_resolution_attainment", 1.0, 410.0, 410.0),
        ("reopen_rate", 62 / 410, 62.0, 410.0),
        ("satisfaction", 262 / 88, 262.0, 88.0),
    ]
    return pd.DataFrame(
        [
            {"supplier_id": "desk", "period": "2026-10", "measure": m, "scope": ""}
            | {"value": v, "numerator": n, "denominator": d}
            for m, v, n, d in rows
        ]
    )


def test_a_watermelon_alert_says_which_time_target_figure_it_reads():
    from siamlib.measures.gaming import watermelon

    v = _beacon_values()
    rows = alert_rows(watermelon=watermelon(v), values=v, supplier_names={"desk": "Beacon"})
    assert alert_sentences(rows) == (
        "Watermelon, Beacon: 97.53% of tickets responded to within target and 100% of tickets "
        "resolved within target (all priorities; green at 95% or more), but experience red "
        "against the watermelon check's own fixed thresholds, not the contract's (reopen rate "
        "15.12%, above 10%; satisfaction 2.98 of 5, below 3.5); ask what the time targets miss.",
    )  # the check's 10 % and 3.5, not the contract's limits: the sentence says whose they are
    figures = rows[["figure", "shown", "counted", "signal"]].values.tolist()
    assert figures == [
        ["tickets responded to within target", "97.53%", "395 of 405 tickets",
         "green at 95% or more"],
        ["tickets resolved within target", "100%", "410 of 410 tickets", "green at 95% or more"],
        ["reopen rate", "15.12%", "62 of 410 resolved tickets", "red above 10%"],
        ["satisfaction", "2.98 of 5", "88 responses", "red below 3.5"],
    ]  # fmt: skip


def test_a_clock_stop_alert_carries_the_hours_and_tickets_behind_each_share():
    ps = pd.DataFrame(
        {"supplier_id": ["euc", "(all)"], "tickets": [420, 1808], "paused_h": [1310.0, 1400.0]}
        | {"clock_h": [2945.4, 5800.0], "paused_share": [1310 / 2945.4, 0.24]}
        | {"paused_before_resolution": [261, 300]}
        | {"pause_before_resolution_share": [261 / 420, 0.17]}
    )
    rows = alert_rows(paused_share=ps, supplier_names={"euc": "Harbour"})
    assert alert_sentences(rows) == (
        "Clock-stop signal, Harbour: 44% of clock time paused and 62% of tickets paused just "
        "before resolution (a signal at 25% or more of either); ask why.",
    )  # the estate row raises no alert of its own
    assert rows["counted"].tolist() == [
        "1,310 of 2,945 business hours on the clock",
        "261 of 420 resolved tickets",
    ]
    assert rows["signal"].tolist() == ["signal at 25% or more"] * 2


def test_a_towers_own_ping_pong_rate_above_the_red_signal_threshold_is_an_alert():
    # Summit: 60 of the 337 tickets it touched bounced (17.8 %, over 5 %); Harbour 1 %.
    rows = alert_rows(
        values=_route_values(), towers=["hosting", "euc"], supplier_names={"hosting": "Summit"}
    )
    assert alert_sentences(rows) == (
        "Ping-pong, Summit: 17.8% of the tickets it touched had a bounce it was party to, as "
        "sender or receiver (60 of 337), above the 5% ping-pong red-signal threshold (fixed in "
        "the workbook, not a contract level); a bounce counts against both suppliers in it, so "
        "the other supplier's rate counts the same tickets (who bounced whom: the ping-pong by "
        "supplier pair table of the integrator's report to the board; a supplier asks the "
        "integrator for its rows); ask why its tickets bounce.",
    )
    assert "watermelon" not in alert_sentences(rows)[0]  # not a watermelon: its own threshold
    assert rows[["supplier_id", "shown", "signal"]].values.tolist() == [
        ["hosting", "17.8%", "red above 5%"]
    ]


def test_a_ping_pong_rate_a_watermelon_alert_already_names_is_not_alerted_twice():
    v = pd.concat(
        [
            _route_values(),
            pd.DataFrame(
                {"supplier_id": ["hosting"], "scope": [""], "period": ["2026-10"]}
                | {"measure": ["sla_resolution_attainment"], "value": [0.97]}
                | {"numerator": [97.0], "denominator": [100.0]}
            ),
        ],
        ignore_index=True,
    ).assign(period="2026-10")
    from siamlib.measures.gaming import watermelon

    rows = alert_rows(watermelon=watermelon(v), values=v, towers=["hosting"])
    assert [a.split(",")[0] for a in alert_sentences(rows)] == ["Watermelon"]
    assert "ping-pong rate 17.8%, above 5%" in alert_sentences(rows)[0]


def test_a_towers_panel_carries_its_alert_rows_as_one_frame_with_each_sentence_once():
    panel = fairness_panel(values=_route_values(), own="hosting")
    frame = panel.frames()["fairness_alerts"]
    assert list(frame.columns) == ALERT_COLUMNS and len(frame) == 1
    assert panel.alerts == alert_sentences(frame) and panel.alerts[0].startswith("Ping-pong")
