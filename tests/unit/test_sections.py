"""Report sections: the scorecard table shows why a grey level has no actual."""

from __future__ import annotations

import pandas as pd

from siamlib import sections
from siamlib.measures import MEASURE_VALUE_COLUMNS
from siamlib.params import load_params
from siamlib.scorecard import scorecard

PARAMS = load_params()


def _bundle(card: pd.DataFrame) -> dict:
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
    html = sections.scorecard_table(_bundle(card))
    assert '<th class="">note</th>' in html
    assert "no outages table in the dataset" in html
    # the same availability value without the note is scored green and has no reason shown
    plain = scorecard(values, PARAMS, "euc", "2026-10")
    assert "no outages table" not in sections.scorecard_table(_bundle(plain))


def test_a_scorecard_from_an_older_bundle_without_notes_still_renders():
    card = scorecard(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS), PARAMS, "euc", "2026-10")
    html = sections.scorecard_table(_bundle(card.drop(columns="note")))
    assert "<table>" in html and ">note<" not in html
