"""Presentation layer: money, numbers, per cent, missing values, labels and tables."""

from __future__ import annotations

import pandas as pd

from siamlib import present, report


def test_negative_money_puts_the_minus_before_the_currency_sign():
    assert present.fmt_money(-2700, "GBP") == "-£2,700"
    assert present.fmt_money(-2700.5, "EUR", 2) == "-€2,700.50"


def test_money_has_thousands_separators_and_no_raw_decimals():
    assert present.fmt_money(134100.0, "GBP") == "£134,100"
    assert present.fmt_money(21600.0, "USD") == "US$21,600"


def test_numbers_show_thousands_and_drop_a_trailing_zero_decimal():
    assert present.fmt_number(21600.0) == "21,600"
    assert present.fmt_number(1234567.891, "", 2) == "1,234,567.89"
    assert present.fmt_number(3.25, "hours", 1) == "3.3 hours"  # half up, as readers round


def test_per_cent_of_a_share_and_of_a_percentage_value():
    assert present.fmt_percent(0.955) == "95.5%"
    assert present.fmt_percent(0.25) == "25%"
    assert present.fmt_number(99.5, "%") == "99.5%"


def test_missing_values_show_an_en_dash():
    for missing in (float("nan"), None, pd.NA, pd.NaT):
        assert present.fmt_cell(missing) == "–"
    assert present.fmt_money(float("nan"), "GBP") == "–"
    assert present.fmt_percent(float("nan")) == "–"


def test_a_minus_zero_is_shown_as_zero():
    assert present.fmt_number(-0.04, "", 1) == "0"


def test_dates_are_shown_in_the_estate_zone():
    # 23:30 UTC on 31 October is 00:30 on 1 November in Berlin (CET).
    ts = pd.Timestamp("2026-10-31 23:30", tz="UTC")
    assert present.fmt_date(ts, "Europe/Berlin") == "2026-11-01"
    assert present.fmt_cell(ts, "Europe/Berlin") == "2026-11-01 00:30"


def test_table_headers_are_human_labels_and_cells_formatted():
    df = pd.DataFrame({"supplier_id": ["hosting"], "weighted_score": [87.0], "credits": [21600.0]})
    html = present.table(df)
    assert '<th scope="col">supplier</th>' in html
    assert "weighted score (0-100)" in html and "weighted_score" not in html
    assert ">87<" in html and ">21,600<" in html and "21600.0" not in html


def test_rag_rows_and_tiles_carry_their_colour_inline():
    html = present.table(pd.DataFrame({"rag": ["red"]}), rag_column="rag")
    assert 'style="background:#f8d0d0"' in html
    tile = present.tiles([{"label": "x", "value": "1", "rag": "amber"}])
    assert "background:#ffe8b3" in tile


def test_tidy_numbers_drops_whole_number_decimals_but_not_versions():
    assert present.tidy_numbers("minimum 80.0%, 12.50 GBP, v0.1.0") == (
        "minimum 80%, 12.50 GBP, v0.1.0"
    )


# --- what a weighted score is out of, in words ----------------------------------------------
def test_a_score_on_every_level_is_simply_out_of_100():
    assert present.score_basis(100.0) == "out of 100"


def test_a_score_on_part_of_the_weight_names_the_weighting_points_and_each_level_left_out():
    # P1 resolution (weight 20) was not scored on a small sample: 80 of the 100 points left.
    left_out = [("Resolution within target (priority 1)", 20.0, "small sample")]
    assert present.score_basis(80.0, unscored=left_out) == (
        "out of 100, scored on 80 of 100 weighting points; Resolution within target "
        "(priority 1), 20 points, not scored: small sample"
    )
    assert present.score_basis(80.0) == "out of 100, scored on 80 of 100 weighting points"
    # with the points earned on them (a supplier's own tile)
    assert present.score_basis(80.0, 43.1) == (
        "out of 100: 43.1 points earned, scored on 80 of 100 weighting points"
    )


def test_the_levels_left_out_of_a_score_are_read_off_the_card_with_why():
    card = pd.DataFrame(
        {
            "name": ["Resolution within target (priority 1)", "Service availability", "Reopen"],
            "weight": [20.0, 10.0, 10.0],
            "rag": ["grey", "grey", "green"],
            "scored_on": ["not scored", "month", "month"],
        }
    )
    assert present.unscored_levels(card) == [
        ("Resolution within target (priority 1)", 20.0, "small sample"),
        ("Service availability", 10.0, "no data"),
    ]


# --- a level's figure as a reader says it ---------------------------------------------------
def test_a_levels_figure_reads_in_its_own_unit():
    assert present.level_value(76.923077, "%") == "76.92%"
    assert present.level_value(4.3333, "score 1-5") == "4.33 of 5"
    assert present.level_value(3.0, "count") == "3"
    assert present.level_value(0.17, "per ticket") == "0.17 per ticket"
    # under an hour, in minutes: 0.15 hours is 9 minutes
    assert present.level_value(0.15, "hours") == "9 minutes"
    assert present.level_value(1.0, "hours") == "1 hour"
    assert present.level_value(2.5, "hours") == "2.5 hours"
    assert present.level_value(float("nan"), "%") == "not scored"


def test_the_earn_back_tile_has_a_colour_of_its_own_not_the_grey_of_not_scored():
    t = present.tiles([{"label": "Earn-back", "value": "£4,500", "rag": "repaid"}])
    assert 'class="tile rag-repaid"' in t
    assert present.TILE_BACKGROUND["repaid"] not in present.RAG_BACKGROUND.values()


def test_an_interval_keeps_the_same_decimals_at_both_ends_and_in_every_row():
    low, high = pd.Series([2.8, 61.66, 92.4]), pd.Series([8.0, 87.43, 100.0])
    assert present.interval_text(low, high).tolist() == ["2.8–8.0%", "61.7–87.4%", "92.4–100.0%"]


def test_a_figure_scored_on_a_rolling_window_says_the_window_and_its_counts():
    row = {"actual": 90.0, "unit": "%", "scored_on": "rolling 3 months (2026-08..2026-10)",
           "scored_numerator": 9.0, "scored_denominator": 10.0}  # fmt: skip
    assert present.scored_value(row) == "90% (3 months rolling: 9 of 10)"
    assert present.scored_value({**row, "scored_on": "month"}) == "90%"
    csat = {**row, "actual": 4.16, "unit": "score 1-5", "scored_numerator": 41.6}
    assert present.scored_value(csat) == "4.16 of 5 (3 months rolling: 10 counted)"


def test_a_column_of_long_text_is_marked_prose_so_a_phone_keeps_it_readable():
    df = pd.DataFrame({"measure": ["handoffs", "ping_pong"],
                       "what it covers": ["every move between suppliers, designed routes left out",
                                          "short"],
                       "raw": [0.5, 0.1]})  # fmt: skip
    t = present.table(df)
    assert t.count('<td class="prose">') == 2  # the whole column, short cells too
    assert '<td class="prose">handoffs' not in t and "<td>handoffs</td>" in t
    assert "td.prose" in report.report_css()
