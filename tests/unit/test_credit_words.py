"""The credit ledger's words: a missed level against the limit it missed, and a figure
scored on a rolling window said as such (not as the month's own figure)."""

from __future__ import annotations

from siamlib import credit_words

_MISSED = {"service_level": "P1-RES", "name": "Resolution within target (priority 1)",
           "direction": "higher", "rag": "red", "actual": 88.0, "expected": 95.0,
           "minimum": 90.0, "unit": "%"}  # fmt: skip


def test_a_missed_level_scored_on_its_month_reads_as_before():
    assert credit_words.shortfall_text({**_MISSED, "scored_on": "month"}) == (
        "Resolution within target (priority 1) 88%, below its 90% minimum"
    )


def test_a_missed_level_scored_on_a_rolling_window_says_the_window_and_its_counts():
    row = {**_MISSED, "scored_on": "rolling 3 months (2026-08..2026-10)"}
    row |= {"scored_numerator": 22.0, "scored_denominator": 25.0}
    assert credit_words.shortfall_text(row) == (
        "Resolution within target (priority 1) 88% (3 months rolling: 22 of 25), below its "
        "90% minimum"
    )
