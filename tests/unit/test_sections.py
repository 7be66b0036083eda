"""Report sections: the data behind each chart and table is the figure it stands for, and
the scorecard table shows why a grey level has no actual."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from siamlib import present, sections
from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.measures.improvement import register_throughput
from siamlib.scorecard import scorecard
from tests.fixtures.fixture_params import fixture_params


def _ts(*values):
    return pd.to_datetime(list(values), utc=True)


# Three entries in March 2026: net raised 2 (one approved and delivered), host raised 1.
REGISTER = pd.DataFrame(
    {
        "improvement_id": ["I1", "I2", "I3"],
        "supplier_id": ["net", "net", "host"],
        "raised_at": _ts("2026-03-03", "2026-03-04", "2026-03-10"),
        "approved_at": _ts("2026-03-05", None, None),
        "delivered_at": _ts("2026-03-20", None, None),
    }
)


def _bundle(frames: dict) -> dict:
    meta = {"period": "2026-03", "currency": "GBP", "timezone": "Europe/London"}
    return {"meta": meta, "frames": frames}


def test_improvement_chart_counts_each_register_entry_once():
    # The throughput frame carries an estate-total row besides net and host; the chart's bars
    # must add up to the register itself: 3 raised, 1 approved, 1 delivered in March.
    thr = register_throughput(REGISTER, ["2026-03"], tz="UTC")
    chart = sections.improvements_chart(_bundle({"improvements": thr}))
    bars = chart.data.set_index("stage")["initiatives"]
    assert bars.to_dict() == {"approved": 1, "delivered": 1, "raised": 3}


def test_trends_table_names_the_level_and_the_local_monday_of_each_trend():
    week = pd.Timestamp("2026-05-31 23:00", tz="UTC")  # Monday 1 June 00:00 in London (BST)
    tr = pd.DataFrame(
        {
            "by": ["ci"],
            "key": ["vpn-03"],
            "start_week": [week],
            "detected_week": [week + pd.Timedelta(weeks=1)],
            "end_week": [week + pd.Timedelta(weeks=3)],
            "weeks": [4],
            "peak_week": [week],
            "peak_count": [30],
            "baseline_mean": [6.0],
            "threshold": [13.3],
            "problem_id": [None],
            "problem_opened_at": [pd.NaT],
            "lag_days": [float("nan")],
            "response": ["no problem raised"],
        }
    )
    html = sections.trends_table(_bundle({"trend_response": tr}))
    assert "configuration item" in html and "vpn-03" in html and "2026-06-01" in html
    empty = sections.trends_table(_bundle({"trend_response": tr.iloc[:0]}))
    assert "No incident trends" in empty


def test_the_problem_section_states_the_scored_proactive_level_with_its_counts():
    # The section showed one June trend beside a level scored on October's problems: it now
    # says the level's figure and counts first (4 of 8 proactive, 50%, green).
    card = pd.DataFrame(
        {"measure": ["proactive_problem_share"], "name": ["Proactive problem share"]}
        | {"unit": ["%"], "expected": [40.0], "minimum": [25.0], "actual": [50.0]}
        | {"rag": ["green"], "scored_numerator": [4.0], "scored_denominator": [8.0]}
    )
    html = sections.trends_table(_bundle({"scorecard": card, "trend_response": pd.DataFrame()}))
    assert html.startswith(
        "<p>Scored level: Proactive problem share 50% (4 of 8 problems raised in 2026-03 were "
        "raised proactively, not after incidents), against 40% expected and a 25% minimum: "
    )
    assert ">green</b>" in html and "No incident trends" in html
    # a contract without the level: nothing said about it
    assert sections.trends_table(_bundle({"trend_response": pd.DataFrame()})).startswith(
        "<p>No incident trends"
    )


def test_scope_table_shows_each_suppliers_conformance_in_per_cent():
    sc = pd.DataFrame(
        {
            "supplier_id": ["hosting"],
            "period": ["2026-03"],
            "work_items": [40],
            "in_scope": [30],
            "out_of_scope": [10],
            "out_of_scope_share": [0.25],
            "conformance": [0.75],
        }
    )
    html = sections.scope_table(_bundle({"scope_conformance": sc}))
    assert "hosting" in html and ">75<" in html and "75.0" not in html
    assert "No work items" in sections.scope_table(_bundle({}))


def test_scope_tables_say_what_a_work_item_is_and_which_tickets_held_hours_count():
    # The real ServiceNow log's 2016-10: no ticket opened in the month, 39 old ones resolved
    # by euc. The scope tables showed "No work items were recorded" and 0 work items beside
    # 88.9 % of held hours, with nothing saying the two count different tickets.
    assert "no ticket opened, change planned or problem opened" in sections.scope_table(_bundle({}))
    lived = pd.DataFrame(
        {
            "name": ["Incident management"],
            "party": ["euc"],
            "contracted_share": [15.0],
            "actual_share": [float("nan")],
            "work_items": [0],
            "held_share": [88.9],
            "drift": [False],
        }
    )
    html = sections.scope_lived_table(_bundle({"scope_lived": lived}))
    assert "held hours are those of the tickets resolved in it" in html


def test_scope_table_gives_each_supplier_a_verdict_and_why():
    # Keystone's 0 % is not assessable (the RACI and the equaliser disagree), not a failure.
    sc = pd.DataFrame(
        {"supplier_id": ["integrator"], "period": ["2026-10"], "work_items": [1335]}
        | {"in_scope": [0], "out_of_scope": [1335], "out_of_scope_share": [1.0]}
        | {"conformance": [0.0], "outside": [0], "not_assessable": [1335]}
        | {"status": ["not assessable"], "reason": ["its 1,335 work items lie where the RACI"]}
    )
    html = sections.scope_table(_bundle({"scope_conformance": sc}))
    assert '<th scope="col">status</th><th scope="col">why</th>' in html
    assert "<td>not assessable</td><td>its 1,335 work items lie where the RACI</td>" in html
    # no conformance figure to read: "–", never a "0" beside the verdict
    assert ">–</td><td>not assessable</td>" in html and ">0</td><td>not assessable" not in html


def test_watermelon_table_names_which_time_target_figure_is_the_lower():
    w = pd.DataFrame(
        {"supplier_id": ["desk"], "period": ["2026-10"], "sla_attainment": [0.975]}
        | {"sla_measure": ["sla_response_attainment"], "reopen_rate": [0.15]}
        | {"satisfaction": [2.98], "ping_pong_rate": [0.0], "sla_green": [True]}
        | {"red_signals": ["reopen_rate"], "watermelon": pd.array([True], dtype="boolean")}
    )
    html = sections.watermelon_table({"meta": {}, "frames": {"watermelon": w}})
    assert ">which one that is</th>" in html and "<td>response</td>" in html


PARAMS = fixture_params()


def _card_bundle(card: pd.DataFrame) -> dict:
    return {"meta": {"period": "2026-10"}, "frames": {"scorecard": card}}


def test_grey_levels_show_their_note_in_the_scorecard_table():
    notes = pd.DataFrame(
        {
            "period": ["2026-10"],
            "measure": ["availability"],
            "note": ["no outages table in the dataset"],
        }
    )
    values = pd.DataFrame(
        [("euc", "2026-10", "availability", "", 1.0, 100.0, 100.0)], columns=MEASURE_VALUE_COLUMNS
    )
    card = scorecard(values, PARAMS, "euc", "2026-10", notes=notes)
    html = sections.scorecard_table(_card_bundle(card))
    assert ">Why no figure</th>" in html
    assert "no outages table in the dataset" in html
    # the same availability value without the note is scored green and has no reason shown
    plain = scorecard(values, PARAMS, "euc", "2026-10")
    assert "no outages table" not in sections.scorecard_table(_card_bundle(plain))


def test_a_scorecard_from_an_older_bundle_without_notes_still_renders():
    card = scorecard(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS), PARAMS, "euc", "2026-10")
    html = sections.scorecard_table(_card_bundle(card.drop(columns="note")))
    assert "<table>" in html and ">Why no figure<" not in html


# ------------------------------------------------- every section of a small demo estate ----
STORED = {"supplier_id", "weighted_score", "service_level", "aged_end", "held_business_h"}
# A whole number written as a float ("21600.0", "88.0"), not a version such as 0.1.0, nor
# an end of an interval, whose two ends keep the same decimals ("2.8–8.0%").
RAW_FLOAT = re.compile(r"(?<![\w.–])\d[\d,]*\.0(?![\w.–])")


def _raw_floats(text: str, bundle: dict) -> list[str]:
    """RAW_FLOAT's hits in ``text``, less the bundle's weighted scores: a score keeps one
    decimal on purpose (``75.0`` beside ``75.1``, :func:`siamlib.present.fmt_score`)."""
    from siamlib import present

    scores = list(bundle["frames"].get("league", pd.DataFrame()).get("weighted_score", []))
    scores.append((bundle["meta"].get("headline") or {}).get("weighted_score"))
    shown = {present.fmt_score(s) for s in scores if not present.is_missing(s)}
    return [f for f in RAW_FLOAT.findall(text) if f not in shown]


TABLES = {
    "board": ["intro", "front_page", "league_table", "credits_table", "quality_scores_table"]
    + ["quality_section", "definitions"],
    "tower": ["intro", "headline", "scorecard_table", "clock_table", "credits_table"]
    + ["exclusions_table", "raci_table", "scope_table", "quality_section", "definitions"],
    "integrator": ["intro", "headline", "scorecard_table", "credits_table", "ping_pong_table"]
    + ["trends_table", "watermelon_table", "scope_table", "quality_section", "definitions"],
}
CHARTS = {
    "board": ["level_status_chart", "credits_chart"],
    "tower": ["score_trend_chart", "level_trend_chart", "sla_priority_chart"]
    + ["attribution_chart", "backlog_chart", "equaliser_chart"],
    "integrator": ["aged_chart", "handoff_chart", "gaming_chart", "improvements_chart"]
    + ["equaliser_chart", "score_trend_chart"],
}


@pytest.fixture(scope="module")
def demo_bundles(tmp_path_factory):
    from siamlib import demo
    from siamlib.workbook import BOARD, compute_period

    folder = demo.write_demo(tmp_path_factory.mktemp("sections") / "estate", n_tickets=1500)
    work = compute_period(folder, fixture_params(), "2026-10")
    names = [BOARD, *(s.id for s in work.params.estate.suppliers)]
    return [work.bundle(n) for n in names]


def _kind(bundle: dict) -> str:
    role = bundle["meta"]["role"]
    return role if role in TABLES else "tower"


def test_no_rendered_section_shows_a_stored_column_name_or_a_raw_float(demo_bundles):
    for bundle in demo_bundles:
        for name in TABLES[_kind(bundle)]:
            fn = getattr(sections, name)
            html = fn(bundle=bundle) if name == "definitions" else fn(bundle)
            where = f"{bundle['meta']['report']}: {name}"
            headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
            assert not [h for h in headers if h in STORED or "_" in h], where
            text = re.sub(r"<[^>]+>", " ", html)
            assert not _raw_floats(text, bundle), (where, _raw_floats(text, bundle)[:3])
            assert "£-" not in text, where


def test_no_chart_axis_or_legend_is_titled_with_a_stored_column_name(demo_bundles):
    for bundle in demo_bundles:
        for name in CHARTS[_kind(bundle)]:
            enc = getattr(sections, name)(bundle).to_dict().get("encoding", {})
            for channel in ("x", "y", "color"):
                if channel in enc:
                    shown = enc[channel].get("title", enc[channel].get("field"))
                    assert shown not in STORED, (bundle["meta"]["report"], name, channel)


def test_each_report_carries_the_boards_alerts_about_its_supplier_word_for_word(demo_bundles):
    from siamlib import frontpage

    board = demo_bundles[0]
    rows = board["frames"]["fairness_alerts"]
    assert frontpage.front_page(board).alerts[: len(set(rows["alert"]))] == tuple(
        dict.fromkeys(rows["alert"])
    )
    for bundle in demo_bundles[1:]:
        if bundle["meta"]["role"] != "tower":
            continue
        own = bundle["frames"]["fairness_alerts"].reset_index(drop=True)
        boards = rows[rows["supplier_id"] == bundle["meta"]["supplier_id"]]
        pd.testing.assert_frame_equal(own, boards.reset_index(drop=True), check_dtype=False)


def test_the_board_bundle_carries_every_suppliers_scope_verdict_and_exclusions(demo_bundles):
    board = demo_bundles[0]
    sc = board["frames"]["scope_conformance"]
    assert set(sc["status"]) <= {"conforms", "outside scope", "not assessable"}
    assert sc["reason"].str.len().gt(0).all()
    assert list(board["frames"]["exclusions"].columns) == ["supplier_id", "tickets", "ticket_ids"]


def test_the_board_front_page_names_every_supplier_and_the_at_risk_pool(demo_bundles):
    board = demo_bundles[0]
    html = sections.front_page(board)
    for supplier_name in board["meta"]["supplier_names"].values():
        assert supplier_name in html
    assert "at risk" in html and "<h2>Suppliers</h2>" in html and "ordered worst first" in html


def test_quality_section_is_one_line_and_only_the_failed_checks_with_a_link_to_the_appendix():
    from siamlib import quality

    # Hand-made: 3 checks for supplier x, one warning failed -> score 66.7, 1 of 3 failed.
    q = quality.results_frame(
        [
            {"rule_id": "OK-1", "supplier_id": "x", "scope": "supplier", "passed": True},
            {"rule_id": "OK-2", "supplier_id": "x", "scope": "supplier", "passed": True},
            {
                "rule_id": "BAD-1",
                "supplier_id": "x",
                "scope": "supplier",
                "passed": False,
                "severity": "warning",
                "unexpected_count": 2,
            },
        ]
    )
    b = {"meta": {"period": "2026-10", "supplier_id": "x"}, "frames": {"quality": q}}
    html = sections.quality_section(b)
    assert "1 of 3 checks failed (0 blocking)" in html
    assert "BAD-1" in html and "OK-1" not in html and "OK-2" not in html
    assert f'href="{quality.APPENDIX_NAME}"' in html


def _hosting_quarantined_inc7():
    """Hand-made gate result: TKT-033 quarantines hosting's INC7; the others pass it."""
    from siamlib import quality

    rule = {"rule_id": "TKT-033", "table": "tickets", "column": "first_response_at",
            "scope": "supplier", "severity": "quarantine",
            "description": "A ticket's first response is not after its resolution."}  # fmt: skip
    rows = [
        {**rule, "supplier_id": who, "passed": not n, "unexpected_count": n,
         "examples": ["INC7"] * n, "element_count": 40, "unexpected_pct": 2.5 * n}
        for who, n in [("all", 1), ("integrator", 0), ("hosting", 1), ("network", 0)]
    ]  # fmt: skip
    return quality.QualityResult(quality.results_frame(rows))


def _quality_bundle(supplier_id: str) -> dict:
    from siamlib import report_cuts

    frames = report_cuts.quality_frames(
        _hosting_quarantined_inc7(), fixture_params(), supplier_id, "2026-10"
    )
    meta = {"period": "2026-10", "supplier_id": supplier_id}
    return {"meta": meta, "frames": frames}


def test_the_integrators_quality_section_lists_another_suppliers_quarantined_ticket():
    # The integrator's levels read hosting's tickets too: INC7 is out of its figures, so its
    # report says so, labelled as another supplier's row; its own checks all passed.
    b = _quality_bundle("integrator")
    assert set(b["frames"]) == {"quality", "quality_beside"}
    html = sections.quality_section(b)
    assert "0 of 1 checks failed" in html
    assert "1 row quarantined in other suppliers&#x27; data" in html
    assert "TKT-033 hosting: 1" in html and "INC7" in html
    # As a saved bundle holds it: examples as one string.
    b["frames"]["quality_beside"] = b["frames"]["quality_beside"].assign(examples="INC7")
    assert "e.g. INC7 (rule" in sections.quality_section(b)


def test_a_towers_quality_section_does_not_list_another_towers_quarantined_rows():
    b = _quality_bundle("network")
    assert set(b["frames"]) == {"quality"}
    html = sections.quality_section(b)
    assert "INC7" not in html and "hosting" not in html and "quarantined" not in html


def test_no_email_body_shows_a_raw_float(demo_bundles):
    from siamlib import mailrender

    for bundle in demo_bundles:
        where = bundle["meta"]["report"]
        body = mailrender.render_email_html(bundle, [("c1@x", "chart")])
        text = re.sub(r"<[^>]+>", " ", body)
        assert not _raw_floats(text, bundle), (where, "html", _raw_floats(text, bundle)[:3])
        plain = mailrender.render_text(bundle)
        assert not _raw_floats(plain, bundle), (where, "text", _raw_floats(plain, bundle)[:3])


def test_watermelon_table_states_its_own_thresholds_in_words_not_flags():
    # The check's fixed 95 % is not the contract's level: the table says which it uses, and
    # shows yes/no and measure names, never True/False or column ids.
    w = pd.DataFrame(
        {
            "supplier_id": ["harbour"],
            "period": ["2026-10"],
            "sla_attainment": [0.93],
            "reopen_rate": [0.030457],
            "satisfaction": [4.4],
            "ping_pong_rate": [0.12],
            "sla_green": [False],
            "red_signals": ["ping_pong_rate"],
            "watermelon": pd.array([False], dtype="boolean"),
        }
    )
    html = sections.watermelon_table(
        {"meta": {"supplier_names": {"harbour": "Harbour Apps"}}, "frames": {"watermelon": w}}
    )
    assert "at least 95%" in html and "not the contract&#x27;s levels" in html
    assert ">no<" in html and "<td>Ping-pong rate</td>" in html and "Harbour Apps" in html
    assert "ping pong rate" not in html  # the catalogue's display name, not the id spaced
    assert "True" not in html and "False" not in html and "ping_pong_rate" not in html
    # Rates at the scorecard's two decimals: 3.05 %, not a "3%" that reads as on target.
    assert "3.05%" in html and "93%" in html


def test_credit_explanations_are_shown_word_for_word_as_the_ledger_wrote_them():
    # figures.csv and the credits evidence carry the ledger's text; the report must match it
    # character for character (it once showed "minimum 99%" for the ledger's "99.0%").
    text = "AVAIL 98.65% < minimum 99.0%: pool allocation 25% x at-risk £28,800.00 = £7,200.00"
    led = pd.DataFrame(
        {"supplier_id": ["hosting"], "line": ["credit"], "service_level": ["AVAIL"],
         "amount": [7200.0], "explanation": [text]}
    )  # fmt: skip
    html = sections.credits_table({"meta": {"currency": "GBP"}, "frames": {"ledger": led}})
    assert present.esc(text) in html


def test_the_credits_table_names_each_level_with_its_code_in_brackets():
    led = pd.DataFrame(
        {"supplier_id": ["hosting"], "line": ["credit"], "service_level": ["AVAIL"],
         "name": ["Service availability"], "amount": [7200.0], "explanation": ["x"]}
    )  # fmt: skip
    html = sections.credits_table({"meta": {"currency": "GBP"}, "frames": {"ledger": led}})
    assert "<td>Service availability (AVAIL)</td>" in html


def test_a_supplier_repaid_earn_back_sees_it_said_so_in_a_colour_that_is_no_rag():
    from siamlib.scorecard import headline

    meta = {"period": "2026-10", "currency": "GBP"}
    meta["headline"] = headline(
        pd.DataFrame({"actual": [97.0], "weight": [100.0], "points": [100.0], "rag": ["green"]}),
        pd.DataFrame({"amount": [-4500.0]}),
    )
    tiles = sections.headline({"meta": meta, "frames": {}})
    assert "Earn-back due back to the supplier, 2026-10" in tiles
    assert 'class="tile rag-repaid"' in tiles and "payable" not in tiles


def test_level_status_chart_prints_the_status_letter_in_every_cell():
    # Red and green print as the same grey: the status must be readable without colour.
    cards = pd.DataFrame(
        {"supplier_id": ["a", "a", "b", "b"], "service_level": ["X", "Y", "X", "Y"],
         "name": ["x", "y", "x", "y"], "actual": [1.0, 2.0, 3.0, None],
         "expected": [1.0] * 4, "minimum": [1.0] * 4, "rag": ["red", "green", "amber", "grey"]}
    )  # fmt: skip
    b = {"meta": {"period": "2026-10"}, "frames": {"cards": cards}}
    spec = sections.level_status_chart(b).to_dict()
    text = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert text and text[0]["encoding"]["text"]["field"] == "letter"
    rows = next(iter(spec["datasets"].values()))
    assert [(r["supplier"], r["letter"]) for r in rows] == [
        ("a", "R"), ("a", "G"), ("b", "A"), ("b", "–")
    ]  # fmt: skip


def test_level_status_chart_shows_a_reissued_level_in_the_row_of_its_measure():
    # Hosting's P2 resolution level was re-issued as P2-RES-2026H2; the others keep P2-RES.
    # A board member sees one row "Resolution (P2)", not two half-empty ones.
    cards = pd.DataFrame(
        {"supplier_id": ["a", "b"], "service_level": ["P2-RES", "P2-RES-2026H2"],
         "name": ["Resolution (P2)", "Resolution (P2)"], "actual": [90.0, 80.0],
         "expected": [92.0] * 2, "minimum": [85.0] * 2, "rag": ["amber", "red"]}
    )  # fmt: skip
    b = {"meta": {"period": "2026-10"}, "frames": {"cards": cards}}
    spec = sections.level_status_chart(b).to_dict()
    rect = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    assert rect["encoding"]["y"]["field"] == "measure"
    rows = next(iter(spec["datasets"].values()))
    assert {r["measure"] for r in rows} == {"Resolution (P2)"}
    assert [r["service level"] for r in rows] == ["P2-RES", "P2-RES-2026H2"]  # in the tooltip


def test_the_old_wide_rag_grid_is_gone_from_the_sections():
    # The board shows level_status_chart (a row per measure, readable on a phone); the wide
    # grid it replaced is no longer rendered anywhere.
    from siamlib import sections_board

    assert not hasattr(sections, "rag_grid") and not hasattr(sections_board, "rag_grid")


def test_credits_chart_tells_earn_back_from_credits_owed():
    led = pd.DataFrame({"supplier_id": ["a", "b", "b"], "amount": [7200.0, -4500.0, 0.0]})
    spec = sections.credits_chart(
        {"meta": {"period": "2026-10", "currency": "GBP"}, "frames": {"ledger": led}}
    ).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["supplier"]: r["direction"] for r in rows} == {
        "a": "owed by the supplier",
        "b": "earn-back due back to the supplier",
    }


def test_scorecard_counts_what_a_small_sample_was_scored_on():
    # Network P1: 2 tickets in October, scored on 14 / 15 over the rolling window: the
    # counted column says 15 (what 93.33 % is 14 of), the small-sample column the month's 2.
    card = pd.DataFrame(
        {
            "service_level": ["P1-RES"], "name": ["Resolution (P1)"], "unit": ["%"],
            "expected": [95.0], "minimum": [90.0], "actual": [1400 / 15], "rag": ["amber"],
            "weight": [20.0], "points": [13.3], "change": [-1.67], "denominator": [2.0],
            "scored_denominator": [15.0], "ci_low": [0.7], "ci_high": [0.99],
            "small_sample": [True],
        }
    )  # fmt: skip
    html = sections.scorecard_table({"meta": {"period": "2026-10"}, "frames": {"scorecard": card}})
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert "15" in cells and "2 this month" in cells
    assert "2" not in cells


def _rows(html: str, needle: str) -> list[str]:
    return [r for r in re.findall(r"<tr[^>]*>.*?</tr>", html) if needle in r]


def test_a_median_and_a_count_level_show_what_they_were_counted_on(demo_bundles):
    # INT-DISPATCH (a median) and INT-CSI (a count) have no numerator, but the records they
    # are computed from are their denominator: the scorecard's "counted" shows it, not "–".
    integ = next(b for b in demo_bundles if b["meta"]["role"] == "integrator")
    card = integ["frames"]["scorecard"].set_index("service_level")
    html = sections.scorecard_table(integ)
    for level in ("INT-DISPATCH", "INT-CSI"):
        counted = card.loc[level, "scored_denominator"]
        assert counted == card.loc[level, "denominator"] and counted >= 0, level
        (row,) = _rows(html, f">{level}<")
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        heads = re.findall(r"<th[^>]*>(.*?)</th>", html)
        assert cells[heads.index("counted")] == present.fmt_cell(counted), (level, row)


def test_a_lower_is_better_levels_limit_is_said_as_a_maximum_everywhere(demo_bundles):
    from siamlib import mailrender

    for b in demo_bundles:
        card = b["frames"].get("scorecard")
        lower = card["direction"].eq("lower") & card["unit"].eq("%") if card is not None else None
        if lower is None or not lower.any():
            continue
        where = b["meta"]["report"]
        r = card[lower].iloc[0]  # a reopen or ping-pong rate
        expected, limit = (present.fmt_number(r[c], "", 2) for c in ("expected", "minimum"))
        (row,) = _rows(sections.scorecard_table(b), f">{r['service_level']}<")
        assert f">at most {expected}<" in row and f">at most {limit}<" in row, where
        assert ">minimum or maximum<" in sections.scorecard_table(b)
        said = f"expected at most {expected}%; maximum {limit}%"
        assert said in mailrender.render_text(b), where
        assert said in mailrender.render_email_html(b, []), where
        higher = card[card["direction"].eq("higher")].iloc[0]
        assert f"minimum {present.fmt_number(higher['minimum'], '%', 2)}" in (
            mailrender.render_text(b)
        )


def _pages(bundle: dict) -> dict[str, str]:
    from siamlib import mailrender

    return {
        "pdf source": mailrender.render_static_html(bundle, pngs=[]),
        "email": mailrender.render_email_html(bundle, [("c1@x", "chart")]),
    }


def test_every_header_cell_says_whether_it_heads_a_column_or_a_row(demo_bundles):
    for bundle in demo_bundles:
        for kind, page in _pages(bundle).items():
            cells = re.findall(r"<th\b[^>]*>", page)
            bare = [c for c in cells if not re.search(r'scope="(col|row)"', c)]
            assert cells and not bare, (bundle["meta"]["report"], kind, bare[:2])


def test_no_rendering_of_a_report_skips_a_heading_level(demo_bundles):
    for bundle in demo_bundles:
        for kind, page in _pages(bundle).items():
            seen = [int(h) for h in re.findall(r"<h([1-6])[\s>]", page)]
            skips = [(a, b) for a, b in zip(seen, seen[1:], strict=False) if b > a + 1]
            assert seen[0] == 1 and not skips, (bundle["meta"]["report"], kind, seen)


# ------------------------------------------- a level not scored never reads as a bar ----
def _priority_bundle() -> dict:
    res, resp = "sla_resolution_attainment", "sla_response_attainment"
    values = pd.DataFrame(
        {
            "period": "2026-10",
            "measure": [res, res, res, resp],
            "scope": ["priority=1", "priority=2", "priority=3", "priority=1"],
            # P1: 5 of 6 in the month (83.3%), but the level is grey (small sample);
            # P3: no ticket completed, no value.
            "value": [5 / 6, 10 / 13, float("nan"), 1.0],
            "denominator": [6, 13, 0, 6],
        }
    )
    card = pd.DataFrame(
        {
            "measure": [res, res, res],
            "scope": ["priority=1", "priority=2", "priority=3"],
            "rag": ["grey", "red", "grey"],
        }
    )
    return {"meta": {"period": "2026-10"}, "frames": {"values": values, "scorecard": card}}


def test_the_priority_chart_says_not_scored_instead_of_a_bar_for_a_grey_level():
    spec = sections.sla_priority_chart(_priority_bundle()).to_dict()
    rows = {(r["priority"], r["clock"]): r for r in spec["datasets"][spec["data"]["name"]]}
    p1 = rows["P1", "resolution"]
    assert p1["attainment %"] is None and p1["status"] == "not scored"  # no 83.3% bar
    assert round(rows["P2", "resolution"]["attainment %"], 2) == 76.92  # a scored level stays
    assert rows["P2", "resolution"]["status"] == ""
    assert rows["P1", "response"]["attainment %"] == 100.0  # no level: the measured value
    assert rows["P3", "resolution"]["status"] == "not scored"
    words = spec["layer"][1]
    assert words["mark"]["type"] == "text" and words["encoding"]["text"]["field"] == "status"


def test_the_priority_chart_draws_not_scored_in_words_where_the_bar_would_be():
    import vl_convert

    # The drawn chart, as the email's PNG and the PDF show it: the words, once per level.
    svg = vl_convert.vegalite_to_svg(sections.sla_priority_chart(_priority_bundle()).to_dict())
    assert svg.count(">not scored<") == 2


def test_the_scorecard_says_why_a_level_at_its_limit_shows_the_same_0_points_as_a_red_one():
    from siamlib.scorecard import rag_status, score_points

    # Expected 95, minimum 90, weight 20: 90 is exactly at the limit, 85 past it, 92.5 between.
    actual = pd.Series([90.0, 85.0, 92.5])
    expected, minimum = pd.Series([95.0] * 3), pd.Series([90.0] * 3)
    higher, weight = pd.Series(["higher"] * 3), pd.Series([20.0] * 3)
    rag = rag_status(actual, expected, minimum, higher)
    points = score_points(actual, expected, minimum, weight, higher)
    assert rag.tolist() == ["amber", "red", "amber"] and points.tolist() == [0.0, 0.0, 10.0]
    card = pd.DataFrame(
        {"service_level": ["AT", "PAST", "MID"], "name": ["At", "Past", "Mid"], "unit": "%"}
        | {"direction": higher, "expected": expected, "minimum": minimum, "actual": actual}
        | {"rag": rag, "weight": weight, "points": points, "change": 0.0, "denominator": 10.0}
    )
    text = re.sub(r"\s+", " ", sections.scorecard_table(_card_bundle(card)))
    assert (
        "So a level exactly at its limit (amber: it met the contract, no credit) and one past "
        "it (red: a credit may be due) both show 0 points; the RAG tells them apart." in text
    )


# ------------------------------------- the handoff heat map's largest cell is not 'worst' ----


def test_the_handoff_heat_map_never_calls_a_designed_route_the_worst_pair():
    # The demo's largest cell is the service desk's dispatch to the integrator (1,398), a
    # designed route the scored handoff level leaves out: "worst pair" pointed the board at it.
    matrix = pd.DataFrame(
        {
            "from_supplier": ["service-desk", "hosting"],
            "to_supplier": ["integrator", "applications"],
            "handoffs": [1398, 91],
            "tickets": [1398, 65],
        }
    )
    bundle = {"meta": {"period": "2026-10"}, "frames": {"handoff_matrix": matrix}}
    title = sections.handoff_chart(bundle).to_dict()["title"]
    assert "worst" not in title
    assert title == (
        "Handoffs between suppliers, 2026-10 (every move, designed routes included; largest "
        "pair outlined)"
    )


def test_the_clock_table_says_what_each_hours_column_counts():
    cs = pd.DataFrame({"priority": [1], "resolved": [4], "breached": [1],
                       "mean_business_h": [6.5], "mean_paused_h": [1.0],
                       "mean_actual_h": [30.25]})  # fmt: skip
    page = sections.clock_table({"frames": {"clocks_summary": cs}, "meta": {"period": "2026-10"}})
    assert "mean elapsed hours" in page.lower() and "actual hours" not in page.lower()
    assert sections.CLOCK_NOTE in page
