"""Reproducible: the same inputs give the same figures, and the manifest says so.

The session's batch computed the period once (its hash is in the manifest); the ``work``
fixture computes it again, independently, from the same data and params.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_second_computation_gives_the_same_figures_hash(pack, work):
    assert re.fullmatch(r"[0-9a-f]{64}", pack.figures_sha256)
    assert work.figures_sha256() == pack.figures_sha256


def test_manifest_records_the_figures_hash(pack):
    assert pack.manifest["figures_sha256"] == pack.figures_sha256


def test_figures_hash_changes_when_a_figure_changes(work):
    # The hash is not a constant: nudge one scorecard actual and it must differ.
    name = next(n for n, c in work.cards.items() if c["actual"].notna().any())
    card = work.cards[name].copy()
    first = card.index[card["actual"].notna()][0]
    card.loc[first, "actual"] = card.loc[first, "actual"] + 1
    changed = dataclasses.replace(work, cards={**work.cards, name: card})
    assert changed.figures_sha256() != work.figures_sha256()
