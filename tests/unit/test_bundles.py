"""Typed report bundles: each kind's required frames and meta keys are checked, the headline's
figures are computed into the bundle and the render layer only formats them."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from siamlib import bundles, scorecard, sections, workbook
from siamlib.bundles import Bundle, BundleError, Headline, check

ROOT = Path(__file__).resolve().parents[2]
RENDER_MODULES = [
    "sections",
    "sections_base",
    "sections_board",
    "sections_fairness",
    "sections_causes",
]
RENDER_MODULES += ["frontpage", "frontpage_money", "mailrender"]


def _headline(**over) -> dict:
    h = {
        "weighted_score": 100.0,
        "score_rag": "green",
        "scored_points": 100.0,
        "scored_weight": 100.0,
        "levels": 0,
        "green": 0,
        "amber": 0,
        "red": 0,
        "grey": 0,
        "levels_rag": "green",
        "net_credits": 0.0,
        "credits_rag": "green",
    }
    return {**h, **over}


def _full(kind: str) -> dict:
    """A bundle of ``kind`` holding every required frame (empty) and meta key."""
    spec = bundles.SPECS[kind]
    meta = {k: "" for k in spec.meta}
    meta.update(period="2026-10", report=f"my-{kind}", role=kind, currency="GBP")
    if "headline" in spec.meta:
        meta["headline"] = _headline()
    if "board_headline" in spec.meta:
        meta["board_headline"] = scorecard.board_headline(pd.DataFrame(), pd.DataFrame())
    return {"meta": meta, "frames": {f: pd.DataFrame() for f in spec.frames}}


# ------------------------------------------------------------------------------ checking ----
@pytest.mark.parametrize("kind", bundles.KINDS)
def test_a_bundle_with_every_required_frame_and_meta_key_passes(kind):
    b = _full(kind)
    assert check(b) is b


@pytest.mark.parametrize(
    ("kind", "frame"),
    [("tower", "scorecard"), ("tower", "clocks_summary"), ("integrator", "handoff_matrix")]
    + [("board", "league"), ("board", "cards")],
)
def test_a_bundle_missing_a_required_frame_is_an_error_naming_kind_and_frame(kind, frame):
    b = _full(kind)
    del b["frames"][frame]
    with pytest.raises(BundleError, match=rf"^{kind} bundle my-{kind}: required frame '{frame}'"):
        check(b)


def test_quality_and_changes_frames_are_optional():
    # quality: the run was not validated; changes: the pack is not a re-issue.
    for kind in bundles.KINDS:
        assert "quality" in bundles.SPECS[kind].optional_frames
        b = _full(kind)
        b["frames"]["quality"] = pd.DataFrame()
        b["frames"]["changes"] = pd.DataFrame()
        check(b)


def test_a_frame_the_kind_does_not_declare_is_an_error():
    b = _full("tower")
    b["frames"]["league"] = pd.DataFrame()  # the board's, not a tower's
    with pytest.raises(BundleError, match="frame 'league' is not one of a tower bundle's"):
        check(b)


def test_a_frame_that_is_not_a_dataframe_is_an_error():
    b = _full("integrator")
    b["frames"]["aged_trend"] = None
    with pytest.raises(BundleError, match=r"frame 'aged_trend' is not a DataFrame \(NoneType\)"):
        check(b)


def test_a_missing_meta_key_or_headline_figure_is_an_error_naming_it():
    b = _full("tower")
    del b["meta"]["supplier_id"]
    del b["meta"]["headline"]["net_credits"]
    with pytest.raises(BundleError) as err:
        check(b)
    assert "required meta key 'supplier_id' is missing" in str(err.value)
    assert "headline figure 'net_credits' is missing" in str(err.value)


def test_every_problem_is_listed_not_only_the_first():
    b = _full("board")
    del b["frames"]["league"], b["frames"]["ledger"]
    with pytest.raises(BundleError) as err:
        check(b)
    assert str(err.value).splitlines()[1:] == ["required frame 'ledger' is missing"]


def test_typed_access_gives_optional_frames_empty_and_refuses_unknown_names():
    b = Bundle.of(_full("tower"))
    assert b.kind == "tower" and b.period == "2026-10"
    assert b.frame("quality").empty  # optional and absent: validation was off
    with pytest.raises(BundleError, match="no frame 'scorecards' in its spec"):
        b.frame("scorecards")  # a typo is an error, not an empty table
    assert b.headline == Headline(**_headline())


# ------------------------------------------------------------------ headline figures ----
CARD = pd.DataFrame(
    {
        "service_level": ["A", "B", "C"],
        "actual": [88.0, 96.5, None],
        "weight": [60.0, 40.0, 25.0],
        "points": [42.0, 30.5, None],
        "rag": ["amber", "green", "grey"],
    }
)
LEDGER = pd.DataFrame({"line": ["credit", "earn_back"], "amount": [1200.0, -450.0]})


def test_headline_figures_are_computed_from_card_and_ledger():
    h = scorecard.headline(CARD, LEDGER, dq_score=82.0)
    # score: (42 + 30.5) / (60 + 40) x 100 = 72.5, C (grey) left out: 72.5 points of the
    # 100 weight scored; its RAG is the worst level's: A is amber
    assert h["weighted_score"] == 72.5 and h["score_rag"] == "amber"
    assert (h["scored_points"], h["scored_weight"]) == (72.5, 100.0)
    assert "score_thresholds" not in h  # the score has no bands of its own
    assert (h["levels"], h["green"], h["amber"], h["red"], h["grey"]) == (3, 1, 1, 0, 1)
    assert h["levels_rag"] == "amber"  # no red level, one amber
    assert h["net_credits"] == 750.0 and h["credits_rag"] == "red"  # 1200 - 450 owed
    assert h["dq_score"] == 82.0 and h["dq_rag"] == "amber"  # 80 <= 82 < 95


def test_the_data_quality_rag_thresholds_are_inclusive_at_their_lower_bound():
    got = [scorecard.rag_of(v, scorecard.DQ_RAG) for v in (95.0, 94.99, 80.0, 79.99, None)]
    assert got == ["green", "amber", "amber", "red", "grey"]


def test_a_score_below_70_with_no_level_failed_is_amber_not_red():
    # Lattice Applications in the demo: 68.4, three levels amber, none red. A red tile says
    # a level failed (worse than its minimum); none did, so the tile is amber.
    card = pd.DataFrame(
        {
            "actual": [90.0, 3.8, 3.53, 100.0],
            "weight": [20.0, 5.0, 10.0, 65.0],
            "points": [0.0, 0.0, 1.37, 65.0],
            "rag": ["amber", "amber", "amber", "green"],
        }
    )
    h = scorecard.headline(card, LEDGER.iloc[:0])
    assert h["weighted_score"] < 70 and h["score_rag"] == "amber" == h["levels_rag"]


def test_a_high_score_with_a_failed_level_is_red():
    # 95 of 100, but the 5-weight level is worse than its minimum: the tile says it.
    card = pd.DataFrame(
        {"actual": [99.0, 50.0], "weight": [95.0, 5.0], "points": [95.0, 0.0]}
        | {"rag": ["green", "red"]}
    )
    h = scorecard.headline(card, LEDGER.iloc[:0])
    assert (h["weighted_score"], h["score_rag"]) == (95.0, "red")


def test_a_supplier_with_no_level_scored_is_grey_on_both_tiles():
    card = CARD.assign(actual=None, points=None, rag="grey")
    h = scorecard.headline(card, LEDGER.iloc[:0])
    assert (h["score_rag"], h["levels_rag"], h["scored_weight"]) == ("grey", "grey", 0.0)


def test_the_league_carries_each_suppliers_worst_level_and_the_weight_it_scored():
    from siamlib.params import load_params
    from tests.fixtures.fixture_params import FIXTURE_PARAMS_DIR

    p = load_params(FIXTURE_PARAMS_DIR)
    cards = {
        s.id: CARD.assign(supplier_id=s.id, rag=["amber", "green", "grey"])
        for s in p.estate.suppliers
    }
    ledgers = {s.id: LEDGER.iloc[:0] for s in p.estate.suppliers}
    league = scorecard.scorecards(
        pd.DataFrame(columns=scorecard.MEASURE_VALUE_COLUMNS),
        p,
        "2026-10",
        cards=cards,
        ledgers=ledgers,
    )
    assert set(league["rag"]) == {"amber"} and set(league["scored_weight"]) == {100.0}


def test_the_headline_renders_exactly_the_score_in_the_bundle():
    b = _full("tower")
    b["meta"]["headline"] = scorecard.headline(CARD, LEDGER)
    tiles = sections.headline(b)
    assert re.search(
        r'rag-amber"[^>]*><div class="label">Weighted score, 2026-10</div>'
        r'<div class="value">72.5</div><div class="sub">out of 100; amber: no level failed; '
        r"1 worse than expected</div>",
        tiles,
    )
    # The third level is grey: said, so the counts add up to the 3 levels.
    sub = '<div class="sub">1 amber, 0 red, 1 not scored</div>'
    assert f'<div class="value">1 of 3</div>{sub}' in tiles
    assert "£750" in tiles
    assert "Data quality" not in tiles  # no data-quality score: validation was off


def test_the_headline_shows_the_bundles_figures_and_never_recomputes_them():
    # A scorecard frame that would score 72.5 and a headline that says 12.3: the page shows
    # what the bundle says, so the figure a reader sees is the one computed and stored.
    b = _full("tower")
    b["frames"]["scorecard"] = CARD
    b["meta"]["headline"] = _headline(weighted_score=12.3, score_rag="red")
    tiles = sections.headline(b)
    assert '<div class="value">12.3</div>' in tiles and "72.5" not in tiles


def test_the_headline_figures_survive_the_pack_round_trip(tmp_path):
    b = _full("tower")
    b["meta"]["headline"] = scorecard.headline(CARD.iloc[:0], LEDGER.iloc[:0])
    workbook.save_bundle(b, tmp_path / "b")
    back = Bundle.of(workbook.load_bundle(tmp_path / "b")).headline
    assert math.isnan(back.weighted_score) and back.score_rag == "grey"
    assert (back.levels, back.net_credits, back.credits_rag) == (0, 0.0, "green")


def test_a_bundle_read_back_without_a_required_frame_is_refused_by_name(tmp_path):
    workbook.save_bundle(_full("tower"), tmp_path / "b")
    (tmp_path / "b" / "scorecard.parquet").unlink()  # deleted by hand after the run
    with pytest.raises(BundleError, match="required frame 'scorecard' is missing"):
        workbook.load_bundle(tmp_path / "b")


def test_the_score_trend_is_the_weighted_score_of_each_month():
    trend = pd.concat([CARD.assign(period="2026-09"), CARD.assign(period="2026-10")])
    trend.loc[trend.index.isin([0]) & trend["period"].eq("2026-10"), "points"] = 60.0
    got = scorecard.score_trend(trend)
    # September 72.5 (as above); October A earns its full 60: (60 + 30.5) / 100 x 100 = 90.5
    assert got.to_dict("list") == {"period": ["2026-09", "2026-10"], "score": [72.5, 90.5]}


LEDGERS = pd.DataFrame({"supplier_id": ["a", "a", "b", "c"], "amount": [900.0, -100.0, 50.0, 0.0]})
AT_RISK = pd.DataFrame({"supplier_id": ["a", "b", "c"], "at_risk_amount": [1000.0, 400.0, 600.0]})
SCORES = pd.DataFrame(
    {"supplier_id": ["a", "b", "c"], "stopped": [False, True, False], "blocking_failed": [0, 2, 0]}
)


def test_board_credit_figures_leave_blocked_suppliers_out():
    h = scorecard.board_headline(LEDGERS, AT_RISK, SCORES)
    # b is blocked: net 900 - 100 + 0 = 800 against a pool of 1000 + 600 = 1600, share 0.5,
    # which is the red share (amber only below half the pool).
    assert (h["net_credits"], h["at_risk"], h["share"]) == (800.0, 1600.0, 0.5)
    assert h["credits_rag"] == "red" and h["blocked"] == ["b"]
    below = scorecard.board_headline(LEDGERS.iloc[[0, 1]].assign(amount=[700.0, 0.0]), AT_RISK)
    assert below["share"] == 0.35 and below["credits_rag"] == "amber"  # 700 of 2000


def test_board_credits_owed_against_no_pool_are_red_and_nothing_owed_is_green():
    owed = scorecard.board_headline(LEDGERS, pd.DataFrame())
    assert owed["at_risk"] == 0.0 and math.isnan(owed["share"]) and owed["credits_rag"] == "red"
    assert scorecard.board_headline(LEDGERS.iloc[[3]], AT_RISK)["credits_rag"] == "green"


def test_a_board_bundle_without_its_credit_figures_is_an_error():
    b = _full("board")
    del b["meta"]["board_headline"]["share"]
    with pytest.raises(BundleError, match="headline figure 'share' is missing"):
        check(b)


def test_the_board_credits_tile_shows_the_rag_computed_in_the_bundle():
    b = _full("board")
    b["frames"].update(ledger=LEDGERS, at_risk=AT_RISK, quality_scores=SCORES)
    b["meta"]["board_headline"] = scorecard.board_headline(LEDGERS, AT_RISK, SCORES)
    page = sections.front_page(b)
    # a owes 900 - 100 = 800 of the 1,600 pool left when b is blocked: 50 %, the red share.
    assert re.search(
        r'rag-red"[^>]*><div class="label">Service credits due, 2026-10</div>'
        r'<div class="value">£800</div><div class="sub">from [^;<]+; 50% of £1,600 at risk<',
        page,
    )


# ------------------------------------------------------------------------ render layer ----
@pytest.mark.parametrize("module", RENDER_MODULES)
def test_render_modules_do_not_import_the_scorecard_or_compute_scores(module):
    source = (ROOT / "siamlib" / f"{module}.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    assert "siamlib.scorecard" not in imported
    assert "weighted_score(" not in source and "_score_rag" not in source


def test_a_score_on_part_of_the_weight_says_the_weight_it_was_computed_on():
    # C (weight 25) not scored: 60 points of the 80 weight left, shown as 75 out of 100, and
    # the tile says so rather than a bare "out of 100"; red because B failed.
    card = pd.DataFrame(
        {"service_level": ["A", "B", "C"], "actual": [97.0, 50.0, None]}
        | {"weight": [60.0, 20.0, 20.0], "points": [60.0, 0.0, None]}
        | {"rag": ["green", "red", "grey"]}
    )
    b = _full("tower")
    b["meta"]["headline"] = scorecard.headline(card, LEDGER.iloc[:0])
    tiles = sections.headline(b)
    assert (
        '<div class="value">75.0</div><div class="sub">out of 100: 60 points earned, scored on '
        "80 of 100 weighting points; red: 1 level failed, worse than its minimum or "
        "maximum</div>" in tiles
    )
    # the level left out, by name, with its weighting points and why (its scorecard row)
    b["frames"]["scorecard"] = card.assign(name=["A", "B", "Level C"], scored_on="month")
    assert (
        "scored on 80 of 100 weighting points; Level C, 20 points, not scored: no data; red:"
        in sections.headline(b)
    )
