"""The shared helpers of siamlib.common; fold_text on hand-written names and ids."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from siamlib.common import fold_text


def test_a_name_folds_spaces_invisible_characters_width_and_case_as_a_reader_reads_it():
    names = pd.Series(
        [
            " SIAM-Dispatch ",  # trailing and leading spaces
            "SIAM-\u200bDispatch",  # zero-width space inside
            "ＳＩＡＭ-Dispatch",  # full-width letters
            "siam-dispatch\u00a0",  # no-break space
            "Service\t\tDesk",  # a run of tabs is one space in a name
            None,
        ]
    )
    folded = fold_text(names)
    assert folded[:5].tolist() == ["siam-dispatch"] * 4 + ["service desk"]
    assert pd.isna(folded[5])  # missing stays missing


def test_an_id_folds_every_space_away():
    ids = pd.Series(["INC 0000042", "inc0000042\u2060", "\ufeffINC0000042"])
    assert fold_text(ids, spaces="").tolist() == ["inc0000042"] * 3


def test_a_homoglyph_is_not_folded_into_the_latin_letter():
    # Cyrillic І (U+0406) is a different letter: folding must not make it match INC...
    assert fold_text(pd.Series(["\u0406NC1"]), spaces="").tolist() == ["\u0456nc1"]


@given(st.lists(st.text(max_size=12), max_size=8))
def test_folding_is_idempotent_and_keeps_the_index(texts):
    s = pd.Series(texts, index=range(10, 10 + len(texts)), dtype="object")
    once = fold_text(s)
    assert once.index.equals(s.index)
    assert fold_text(once).tolist() == once.tolist()
