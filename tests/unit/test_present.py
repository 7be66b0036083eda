"""Presentation layer: money, numbers, per cent, missing values, labels and tables."""

from __future__ import annotations

import pandas as pd

from siamlib import present


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
