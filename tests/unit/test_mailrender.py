"""The emails as a reader reads them: figures in their own units, the worst levels first,
the league's signs explained, and the board told what it would otherwise miss."""

from __future__ import annotations

import pandas as pd

from siamlib import mailrender, scorecard
from tests.unit.test_sections_board import _four

CARD_COLUMNS = ["supplier_id", "service_level", "name", "measure", "unit", "direction"]
CARD_COLUMNS += ["expected", "minimum", "actual", "rag", "note"]


def _tower(*rows) -> dict:
    card = pd.DataFrame(list(rows), columns=CARD_COLUMNS)
    meta = {"period": "2026-10", "role": "tower", "estate": "Demo", "supplier_id": "host"}
    meta |= {"supplier_name": "Summit Hosting", "report": "host", "currency": "GBP"}
    meta["headline"] = scorecard.headline(card.assign(weight=10.0, points=5.0), pd.DataFrame())
    return {"meta": meta, "frames": {"scorecard": card}}


RES = "sla_resolution_attainment"
# In the contract's order: P1 not scored, P2 red, P4 green, reopen amber, availability red.
HOSTING = _tower(
    ["host", "P1-RES", "Resolution within target (priority 1)", RES, "%", "higher"]
    + [95.0, 90.0, float("nan"), "grey", "small sample: 6 counted in the month"],
    ["host", "P2-RES-2026H2", "Resolution within target (priority 2)", RES, "%", "higher"]
    + [92.0, 88.0, 76.923077, "red", ""],
    ["host", "P4-RES", "Resolution within target (priority 4)", RES, "%", "higher"]
    + [85.0, 75.0, 92.592593, "green", ""],
    ["host", "REOPEN", "Reopen rate", "reopen_rate", "%", "lower", 3.0, 6.0, 4.78, "amber", ""],
    ["host", "AVAIL", "Service availability", "availability", "%", "higher"]
    + [99.5, 99.0, 98.646532, "red", ""],
)


def _scorecard_lines(text: str) -> list[str]:
    start = text.index("Scorecard for 2026-10, worst first:")
    return [ln for ln in text[start:].splitlines()[1:] if ln.startswith("- ")]


def test_the_text_scorecard_says_each_figure_in_its_unit_without_a_stray_space():
    lines = _scorecard_lines(mailrender.render_text(HOSTING))
    assert (
        "- Resolution within target (priority 2): 76.92% (expected at least "
        "92%; minimum 88%) - RED" in lines
    )
    assert (
        "- Resolution within target (priority 1): not scored (expected at least 95%; "
        "minimum 90%) - GREY (small sample: 6 counted in the month)" in lines
    )
    assert not any(" %" in ln or "– %" in ln for ln in lines)


def test_hours_counts_and_scores_read_as_a_person_says_them():
    b = _tower(
        ["i", "INT-DISPATCH", "Integrator dispatch time", "dispatch_time", "hours", "lower"]
        + [0.5, 1.0, 0.15, "green", ""],
        ["i", "INT-CSI", "Improvements delivered", "improvement_delivery", "count", "higher"]
        + [3.0, 1.0, 3.0, "green", ""],
        ["i", "INT-COLLAB", "Collaboration (360) score", "collaboration_score", "score 1-5"]
        + ["higher", 4.0, 3.5, 4.333333, "green", ""],
    )
    lines = _scorecard_lines(mailrender.render_text(b))
    assert lines == [
        # 0.15 hours is 9 minutes; its target and limit in the same units
        "- Integrator dispatch time: 9 minutes (expected at most 30 minutes; "
        "maximum 1 hour) - GREEN",
        "- Improvements delivered: 3 (expected at least 3; minimum 1) - GREEN",
        "- Collaboration (360) score: 4.33 of 5 (expected at least 4 of 5; "
        "minimum 3.5 of 5) - GREEN",
    ]


def test_a_suppliers_email_lists_its_worst_levels_first_as_the_board_orders_suppliers():
    # red, then amber, then not scored, then green (the board's order of colours); levels of
    # one colour keep the contract's order
    want = ["priority 2)", "Service availability", "Reopen rate", "priority 1)", "priority 4)"]
    lines = _scorecard_lines(mailrender.render_text(HOSTING))
    assert [next(c for c in want if c in ln) for ln in lines] == want
    html = mailrender.email_scorecard(HOSTING)
    at = [html.index(name) for name in want]
    assert at == sorted(at)


def test_the_html_league_table_explains_its_signs_as_the_text_one_does():
    html = mailrender.email_league(_four())
    assert "net credits: + owed by the supplier, - earn-back due back to it" in html


def test_the_board_text_says_the_levels_left_unscored_that_would_have_failed():
    b = _four()
    grey = {
        "supplier_id": "host",
        "service_level": "P1-RES",
        "measure": RES,
        "scope": "priority=1",
        "name": "Resolution within target (priority 1)",
        "unit": "%",
        "direction": "higher",
        "expected": 95.0,
        "minimum": 90.0,
        "actual": float("nan"),
        "rag": "grey",
        "previous_actual": float("nan"),
        "denominator": 6.0,
        "month_actual": 500 / 6,
        "month_missed": 1.0,
        "unscored_fail": True,
    }
    b["frames"]["cards"] = pd.concat([b["frames"]["cards"], pd.DataFrame([grey])])
    text = mailrender.render_text(b)
    assert (
        "- Summit Hosting: Resolution within target (priority 1) not scored: 6 tickets, 1 "
        "missed (83.33%, below its 90% minimum); no credit under the small-sample rule." in text
    )
    assert "Not scored, though worse than the limit:" in text


def test_a_suppliers_email_says_what_its_unscored_month_alone_shows():
    b = _tower(
        ["host", "P1-RES", "Resolution within target (priority 1)", RES, "%", "higher"]
        + [95.0, 90.0, float("nan"), "grey", "small sample: 6 counted; not scored, no credit"],
    )
    b["frames"]["scorecard"] = b["frames"]["scorecard"].assign(
        denominator=6.0, month_actual=500 / 6, month_missed=1.0, unscored_fail=True
    )
    said = (
        "small sample: 6 counted; not scored, no credit; the month alone: 6 tickets, 1 missed "
        "(83.33%, below its 90% minimum)"
    )
    assert f"- GREY ({said})" in mailrender.render_text(b)
    assert said in mailrender.email_scorecard(b)


def test_the_html_and_text_parts_give_each_figure_and_its_bounds_in_the_same_unit():
    b = _tower(
        ["i", "INT-DISPATCH", "Integrator dispatch time", "dispatch_time", "hours", "lower"]
        + [0.5, 1.0, 0.152778, "green", ""],
        ["i", "INT-CSAT", "Customer satisfaction", "csat", "score 1-5", "higher"]
        + [4.2, 3.8, 4.16, "amber", ""],
    )
    text, html = mailrender.render_text(b), mailrender.email_scorecard(b)
    for said in ("9.17 minutes", "expected at most 30 minutes; maximum 1 hour", "4.16 of 5"):
        assert said in text and said in html
    assert "0.15" not in html and "0.5;" not in html


_ROLLED = ["host", "P1-RES", "Resolution within target (priority 1)", RES, "%", "higher"]
_ROLLED += [95.0, 90.0, 90.0, "amber", "small sample: 4 counted in the month"]


def test_a_level_scored_on_a_rolling_window_is_labelled_so_in_both_parts():
    b = _tower(_ROLLED)
    b["frames"]["scorecard"] = b["frames"]["scorecard"].assign(
        scored_on="rolling 3 months (2026-08..2026-10)", scored_numerator=9.0,
        scored_denominator=10.0, numerator=3.0, denominator=4.0
    )  # fmt: skip
    said = "90% (3 months rolling: 9 of 10)"
    assert f"- Resolution within target (priority 1): {said} (" in mailrender.render_text(b)
    assert said in mailrender.email_scorecard(b)


def test_a_level_scored_on_its_month_has_no_window_label():
    b = _tower(_ROLLED)
    b["frames"]["scorecard"] = b["frames"]["scorecard"].assign(scored_on="month")
    assert "rolling" not in mailrender.render_text(b) + mailrender.email_scorecard(b)


def test_a_levels_code_is_said_only_where_its_name_is_shared_on_the_card():
    b = _tower(
        ["host", "P2-RES-2026H2", "Resolution within target (priority 2)", RES, "%", "higher"]
        + [92.0, 88.0, 76.923077, "red", ""],
        ["host", "AVAIL-A", "Service availability", "availability", "%", "higher"]
        + [99.5, 99.0, 99.7, "green", ""],
        ["host", "AVAIL-B", "Service availability", "availability", "%", "higher"]
        + [99.5, 99.0, 99.8, "green", ""],
    )
    text, html = mailrender.render_text(b), mailrender.email_scorecard(b)
    for part in (text, html):
        assert "P2-RES-2026H2" not in part
        assert "(AVAIL-A)" in part and "(AVAIL-B)" in part


# ------------------------------------------------ the board's alerts reach the supplier ----
def _alerted(bundle: dict) -> dict:
    from siamlib import fairness

    ps = pd.DataFrame(
        {"supplier_id": ["host"], "tickets": [420], "paused_h": [1310.0], "clock_h": [2945.4]}
        | {"paused_share": [1310 / 2945.4], "paused_before_resolution": [261]}
        | {"pause_before_resolution_share": [261 / 420]}
    )
    rows = fairness.alert_rows(paused_share=ps, supplier_names={"host": "Summit Hosting"})
    bundle["frames"] = {**bundle["frames"], "fairness_alerts": rows}
    return bundle


def test_a_suppliers_email_carries_the_boards_alert_about_it_with_its_figures():
    from siamlib import fairness

    b = _alerted(_tower(*HOSTING["frames"]["scorecard"].values.tolist()))
    said = fairness.alert_sentences(b["frames"]["fairness_alerts"])[0]
    assert said.startswith("Clock-stop signal, Summit Hosting: 44% of clock time paused")
    body = mailrender.render_email_html(b, [])  # CSS inlined: headings carry a style
    assert ">Alerts</h2>" in body and said in body
    assert "1,310 of 2,945 business hours on the clock; signal at 25% or more" in body
    assert body.index(">Alerts</h2>") < body.index(">Scorecard</h2>")
    assert "<script" not in body
    text = mailrender.render_text(b)
    assert f"- {said}" in text
    assert (
        "  tickets paused just before resolution: 62% (261 of 420 resolved tickets; signal at "
        "25% or more)" in text
    )


def test_the_board_reads_the_same_alert_sentence_as_the_suppliers_email():
    from siamlib import frontpage
    from tests.unit.test_sections_board import _four

    b = _alerted(_four())
    supplier = _alerted(_tower(*HOSTING["frames"]["scorecard"].values.tolist()))
    assert frontpage.front_page(b).alerts[0] in mailrender.render_text(supplier)


def test_a_suppliers_email_without_an_alert_has_no_alerts_heading():
    assert ">Alerts</h2>" not in mailrender.render_email_html(HOSTING, [])


def test_the_board_text_names_the_exclusions_and_the_scope_findings():
    from siamlib import sections_board
    from tests.unit.test_sections_board import _four

    b = _four()
    b["frames"]["exclusions"] = pd.DataFrame(
        {"supplier_id": ["host"], "tickets": [1], "ticket_ids": ["INC0000042"]}
    )
    b["frames"]["scope_conformance"] = pd.DataFrame(
        {"supplier_id": ["host"], "status": ["outside scope"], "reason": ["79 of its 342"]}
    )
    text = mailrender.render_text(b)
    assert "Summit Hosting 1 ticket (INC0000042)" in text
    assert f"{sections_board.SCOPE_HEADING}:\n- Summit Hosting (outside scope): 79 of its 342." in (
        text
    )
    assert "Service credits due for 2026-10" not in text  # the tiles say it, once
