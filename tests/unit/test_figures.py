"""The figures file from a hand-made scorecard and credit ledger (no computation)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from siamlib import figures


def _card(supplier: str, levels: list[tuple[str, float]]) -> pd.DataFrame:
    """A scorecard in the scorecard's column layout (extra columns the file must drop)."""
    return pd.DataFrame(
        {
            "supplier_id": supplier,
            "period": "2026-10",
            "service_level": [lv for lv, _ in levels],
            "measure": "sla_resolution_attainment",
            "scope": "priority=1",
            "name": "Resolution within SLA",
            "unit": "%",
            "expected": 95.0,
            "minimum": 90.0,
            "actual": [a for _, a in levels],
            "rag": ["green" if a >= 95 else "amber" if a >= 90 else "red" for _, a in levels],
            "weight": 50.0,
            "points": [50.0 if a >= 95 else 25.0 if a >= 90 else 0.0 for _, a in levels],
            "previous_actual": None,
            "change": None,
            "numerator": [a for _, a in levels],
            "denominator": 100.0,
        }
    )


def _ledger(supplier: str, lines: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier_id": supplier,
            "period": "2026-10",
            "line": [k for _, k, _ in lines],
            "service_level": [lv for lv, _, _ in lines],
            "measure": "sla_resolution_attainment",
            "scope": "priority=1",
            "actual": 88.0,
            "expected": 95.0,
            "minimum": 90.0,
            "regime": "fixed",
            "amount": [a for _, _, a in lines],
            "currency": "GBP",
            "explanation": "below minimum",
            "source_period": None,
        }
    )


class _Work(SimpleNamespace):
    """The parts of a computed period the figures file reads (estate, gate, cards, ledgers)."""

    def blocking_reason(self, name: str) -> str:
        return self.blocked.get(name, "")

    def stopped_reports(self) -> dict[str, str]:
        return {n: r for n, r in self.blocked.items() if r}


@pytest.fixture
def work() -> _Work:
    estate = SimpleNamespace(
        suppliers=[SimpleNamespace(id="hosting"), SimpleNamespace(id="euc")], currency="GBP"
    )
    # Each supplier's at-risk pool: 100,000 a month x 10% = 10,000.
    contract = SimpleNamespace(monthly_charge=100_000.0, at_risk_pct=10.0)
    return _Work(
        period="2026-10",
        params=SimpleNamespace(estate=estate, contract=lambda _id: contract),
        quality=None,
        blocked={},
        # P2 before P1 on purpose: the file sorts service levels within a supplier.
        cards={
            "hosting": _card("hosting", [("P2-RES", 96.0), ("P1-RES", 88.0)]),
            "euc": _card("euc", [("P1-RES", 92.5)]),
        },
        ledgers={
            "hosting": _ledger(
                "hosting", [("P1-RES", "credit", 1500.0), ("P1-RES", "cap", -500.0)]
            ),
            "euc": _ledger("euc", [])[:0],
        },
    )


def test_rows_follow_estate_order_then_kind_then_service_level(work):
    frame = figures.figures_frame(work)
    lines = frame[frame["kind"] != "headline"]
    got = list(zip(lines["supplier_id"], lines["kind"], lines["service_level"], strict=True))
    assert got == [
        ("hosting", "level", "P1-RES"),
        ("hosting", "level", "P2-RES"),
        ("hosting", "credit", "P1-RES"),
        ("hosting", "credit", "P1-RES"),
        ("euc", "level", "P1-RES"),
    ]
    # Each supplier's headline rows follow its credit lines; the board's come last.
    assert frame["supplier_id"].tolist() == ["hosting"] * 11 + ["euc"] * 8 + ["board-summary"] * 6
    assert frame["kind"].tolist()[4:11] == ["headline"] * 7
    assert list(frame.columns) == figures.FIGURE_COLUMNS


def test_credit_lines_keep_the_ledger_order_and_amounts(work):
    frame = figures.figures_frame(work)
    credit = frame[frame["kind"] == "credit"]
    assert credit["line"].tolist() == ["credit", "cap"]
    assert credit["amount"].tolist() == [1500.0, -500.0]
    assert credit["currency"].tolist() == ["GBP", "GBP"]
    # A credit row carries no scoring columns.
    assert credit["points"].isna().all() and credit["rag"].isna().all()


def test_a_blocked_supplier_has_one_blocked_row_and_no_figures(work):
    work.blocked = {"hosting": "tickets: 4 rows without a priority"}
    result = figures.from_work(work)
    hosting = result.frame[result.frame["supplier_id"] == "hosting"]
    assert hosting["kind"].tolist() == ["blocked"]
    assert hosting["explanation"].tolist() == ["tickets: 4 rows without a priority"]
    assert hosting["amount"].isna().all()
    assert result.blocked == {"hosting": "tickets: 4 rows without a priority"}
    assert result.exit_code == 1


def test_nothing_blocked_exits_zero(work):
    assert figures.from_work(work).exit_code == 0


def test_csv_text_is_exact_and_missing_values_are_empty(work):
    text = figures.to_csv_text(figures.figures_frame(work))
    lines = text.splitlines()
    assert lines[0] == ",".join(figures.FIGURE_COLUMNS)
    # kind,supplier,level,measure,scope,actual,expected,minimum,rag,num,den,weight,points,
    # line,amount,currency,explanation,limit_kind
    assert lines[1] == (
        "level,hosting,P1-RES,sla_resolution_attainment,priority=1,88,95,90,red,88,100,50,0,"
        ",,,,minimum"
    )
    assert lines[12] == (
        "level,euc,P1-RES,sla_resolution_attainment,priority=1,92.5,95,90,amber,92.5,100,50,25,"
        ",,,,minimum"
    )
    assert lines[3].endswith(",credit,1500,GBP,below minimum,minimum")
    worst, owes = figures.WORST_LEVEL_RAG, figures.SUPPLIER_CREDITS_RAG
    assert lines[5] == f'headline,hosting,,weighted_score,,50,,,red,,,100,50,,,,"{worst}",'
    assert lines[11] == f'headline,hosting,,net_credits,,1000,,,red,,,,,,,GBP,"{owes}",'

    assert text.endswith("\n") and "\r" not in text


def test_the_same_figures_give_the_same_hash_and_a_changed_figure_another(work):
    first = figures.text_sha256(figures.to_csv_text(figures.figures_frame(work)))
    again = figures.text_sha256(figures.to_csv_text(figures.figures_frame(work)))
    work.cards["euc"].loc[0, "actual"] = 92.6
    changed = figures.text_sha256(figures.to_csv_text(figures.figures_frame(work)))
    assert first == again and first != changed


def test_write_figures_chooses_csv_or_json_by_suffix(work, tmp_path):
    frame = figures.figures_frame(work)
    csv_path = figures.write_figures(frame, tmp_path / "f.csv")
    assert csv_path.read_text(encoding="utf-8") == figures.to_csv_text(frame)
    records = json.loads(figures.write_figures(frame, tmp_path / "f.JSON").read_text())
    assert len(records) == 25
    assert records[2]["line"] == "credit" and records[2]["amount"] == 1500.0
    assert records[0]["amount"] is None and records[0]["points"] == 0.0


def test_a_grey_level_carries_its_note_as_the_explanation_and_a_scored_one_none():
    card = _card("euc", [("P1-RES", 92.5), ("P2-RES", float("nan"))])
    card["rag"] = ["amber", "grey"]
    card["note"] = ["", "no outages table in the dataset"]
    rows = figures.level_rows(card)
    assert rows["explanation"].tolist() == [None, "no outages table in the dataset"]


# ------------------------------------------------ every figure a report shows is a row of the file
def _headline(frame: pd.DataFrame, supplier: str) -> dict:
    rows = frame[(frame["kind"] == "headline") & (frame["supplier_id"] == supplier)]
    return dict(zip(rows["measure"], rows["actual"], strict=True))


def test_each_supplier_has_the_headline_figures_its_report_and_the_board_show(work):
    from siamlib import scorecard

    frame = figures.figures_frame(work)
    for sid in ("hosting", "euc"):
        # The report's tiles, the league table, the board narrative and the emails show these.
        shown = scorecard.headline(work.cards[sid], work.ledgers[sid])
        got = _headline(frame, sid)
        assert got["weighted_score"] == shown["weighted_score"]
        assert got["net_credits"] == shown["net_credits"]
        assert got["levels"] == shown["levels"]
        assert [got[f"levels_{r}"] for r in scorecard.RAG_ORDER] == [
            shown[r] for r in scorecard.RAG_ORDER
        ]
    # hosting: P2 green (50 points), P1 red (0) of weights 50 + 50; credits 1,500 - 500.
    assert _headline(frame, "hosting")["weighted_score"] == 50.0
    score = frame[(frame["measure"] == "weighted_score") & (frame["supplier_id"] == "hosting")]
    assert score[["rag", "points", "weight"]].values.tolist() == [["red", 50.0, 100.0]]
    assert _headline(frame, "hosting")["net_credits"] == 1000.0
    # Money of the headline rows is in `actual`: `amount` still adds up to the ledger lines.
    assert frame["amount"].sum() == 1000.0


def test_the_board_credit_figures_are_rows(work):
    board = _headline(figures.figures_frame(work), "board-summary")
    # 1,000 due from hosting, nothing earned back, of 2 x 10,000 at risk: 5%.
    assert board == {
        "net_credits": 1000.0,
        "credits_due": 1000.0,
        "earn_back_due": 0.0,
        "at_risk": 20000.0,
        "waived": 0.0,
        "share": 5.0,
    }


def test_the_board_waived_total_is_a_row_beside_the_credits_never_in_them():
    # Hosting: a £7,200 availability credit stands; a £5,760 P2 credit of the same outage
    # is waived (amount 0, waived_amount 5,760). Euc: £300 credit. Due 7,500; waived 5,760.
    ledger = pd.DataFrame(
        {
            "supplier_id": ["hosting", "hosting", "euc"],
            "line": ["credit", "waived", "credit"],
            "amount": [7200.0, 0.0, 300.0],
            "waived_amount": [0.0, 5760.0, 0.0],
        }
    )
    risk = pd.DataFrame({"supplier_id": ["hosting", "euc"], "at_risk_amount": [28800.0, 1200.0]})
    rows = figures.board_rows(ledger, risk, None, "GBP").set_index("measure")["actual"]
    assert rows["waived"] == 5760.0
    assert rows["credits_due"] == 7500.0 and rows["net_credits"] == 7500.0


def test_a_headline_rows_rag_says_in_the_row_what_it_is_the_rag_of():
    # A reader of figures.csv saw "red" on a money row and took it for the worst level's
    # RAG: a supplier's net_credits RAG is the credits tile's (red: it owes), the board's
    # is by the share of the pool (9,360 of 115,800 = 8.1%, below 50%: amber).
    card = pd.DataFrame(
        {"actual": [92.0, 97.0], "weight": [50.0, 50.0], "points": [20.0, 50.0]}
        | {"rag": ["amber", "green"]}
    )
    owes = figures.headline_rows("h", card, pd.DataFrame({"amount": [720.0]}), "GBP")
    why = owes.set_index("measure")["explanation"]
    assert why["net_credits"].startswith("RAG of the credits tile, not a level's: red when")
    assert why["weighted_score"] == why["levels"] == figures.WORST_LEVEL_RAG
    assert owes.set_index("measure").loc["net_credits", "rag"] == "red"  # owes: red
    assert "levels_green" not in why.dropna()  # a count with no RAG needs no words
    ledger = pd.DataFrame({"supplier_id": ["a", "b"], "amount": [9360.0, -4500.0]})
    risk = pd.DataFrame({"supplier_id": ["a", "b"], "at_risk_amount": [100000.0, 15800.0]})
    board = figures.board_rows(ledger, risk, None, "GBP").set_index("measure")
    assert board.loc["net_credits", "rag"] == "amber"
    assert (
        "amber when the credits due are below 50% of the amount at risk"
        in board.loc["net_credits", "explanation"]
    )
    assert board["explanation"].drop("net_credits").isna().all()  # no RAG, no words


def test_a_blocked_supplier_has_no_headline_rows_and_a_blocked_board_none(work):
    work.blocked = {"hosting": "tickets: 4 rows without a priority"}
    frame = figures.figures_frame(work)
    assert frame.loc[frame["supplier_id"] == "hosting", "kind"].tolist() == ["blocked"]
    assert _headline(frame, "euc")["levels"] == 1.0  # the others keep theirs
    work.blocked["board-summary"] = "Report for the board summary stopped: no data"
    frame = figures.figures_frame(work)
    assert "board-summary" not in set(frame["supplier_id"])
    assert _headline(frame, "euc")["levels"] == 1.0


def test_a_reissue_of_a_work_whose_score_alone_moved_lists_the_score(work):
    # A level's points move within its RAG (amber 25 -> 24): the level and every figure
    # shown from it (weighted score) are listed; nothing else.
    from siamlib import reissue

    old = reissue.read_figures_text(figures.to_csv_text(figures.figures_frame(work)))
    work.cards["euc"].loc[0, "points"] = 24.0
    out = reissue.changes(old, figures.figures_frame(work))
    got = out[["supplier_id", "kind", "measure", "field", "after"]].values.tolist()
    assert got == [
        ["euc", "level", "sla_resolution_attainment", "points", "24"],
        ["euc", "headline", "weighted_score", "actual", "48"],
        ["euc", "headline", "weighted_score", "points", "24"],
    ]


def test_a_small_sample_row_carries_the_counts_its_actual_was_computed_from():
    # euc's P1-RES (min_volume 10, rolling 3 months) met 7 of 8 in August, 4 of 4 in
    # September and 1 of 2 in October: October is small (2 < 10) and scored on
    # August..October, (7 + 4 + 1) / (8 + 4 + 2) = 12 / 14 = 85.71 %. P2-RES (no minimum
    # volume) is scored on its month, 45 of 50 = 90 %.
    from siamlib import scorecard
    from tests.fixtures.fixture_params import fixture_params

    counts = [("2026-08", 7, 8), ("2026-09", 4, 4), ("2026-10", 1, 2)]
    values = pd.DataFrame(
        [("euc", p, "priority=1", n / d, n, d) for p, n, d in counts]
        + [("euc", "2026-10", "priority=2", 0.9, 45, 50)],
        columns=["supplier_id", "period", "scope", "value", "numerator", "denominator"],
    ).assign(measure="sla_resolution_attainment")
    card = scorecard.scorecard(values, fixture_params(), "euc", "2026-10")
    rows = figures.level_rows(card).set_index("service_level")
    p1 = rows.loc["P1-RES"]
    assert (p1["numerator"], p1["denominator"]) == (12.0, 14.0)
    assert p1["actual"] == pytest.approx(100 * 12 / 14)
    assert "rolling 3 months (2026-08..2026-10): 12 / 14" in p1["explanation"]
    assert tuple(rows.loc["P2-RES", ["actual", "numerator", "denominator"]]) == (90.0, 45, 50)
    # Every scored row reconciles with itself: actual = numerator / denominator.
    scored = rows[rows["actual"].notna()]
    assert scored["actual"].to_numpy() == pytest.approx(
        100 * scored["numerator"] / scored["denominator"]
    )


def test_limit_kind_says_the_minimum_column_holds_a_maximum_where_lower_is_better():
    # A reopen rate of at most 6 %: its "minimum" (params' name) is a maximum.
    card = _card("hosting", [("REOPEN", 4.78)]).assign(
        measure="reopen_rate", scope="", expected=3.0, minimum=6.0
    )
    ledger = _ledger("hosting", [("REOPEN", "credit", 1440.0)]).assign(
        measure="reopen_rate", scope="", minimum=6.0
    )
    assert figures.level_rows(card)["limit_kind"].tolist() == ["maximum"]
    assert figures.credit_rows(ledger)["limit_kind"].tolist() == ["maximum"]
    assert figures.level_rows(_card("euc", [("P1-RES", 92.5)]))["limit_kind"].tolist() == [
        "minimum"
    ]


def test_limit_kind_is_the_last_column_so_no_existing_column_moves():
    # Readers that take figures.csv by position (finance imports) keep every column index.
    assert figures.FIGURE_COLUMNS[-1] == "limit_kind"
    assert figures.FIGURE_COLUMNS.index("minimum") == 7
    assert figures.FIGURE_COLUMNS.index("explanation") == 16


def test_headline_rows_have_no_limit_kind(work):
    frame = figures.figures_frame(work)
    assert frame.loc[frame["kind"] == "headline", "limit_kind"].isna().all()
