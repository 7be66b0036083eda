"""The board summary's rendered front page: the reports' precision, only period causes, one
order of suppliers, each coloured by its worst level, decisions first, no skipped heading."""

from __future__ import annotations

import html
import re

import pandas as pd

from siamlib import scorecard, sections_board


def _board() -> dict:
    cols = ["supplier_id", "service_level", "measure", "scope", "name", "unit", "direction"]
    cards = pd.DataFrame(
        [
            ["host", "AVAIL", "availability", "", "Service availability", "%", "higher"]
            + [99.5, 99.0, 98.646532, "red", 99.980736],
            ["net", "P2-RES", "sla_resolution_attainment", "priority=2"]
            + ["Resolution within target", "%", "higher", 90.0, 85.0, 86.956522, "amber", 95.8],
        ],
        columns=[*cols, "expected", "minimum", "actual", "rag", "previous_actual"],
    )
    league = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "supplier_name": ["Summit Hosting", "Meridian Networks"],
            "weighted_score": [53.9, 75.1],
        }
    )
    # An old problem still open on network's service, 334 links over its life and two
    # suppliers; none of them drove a miss this period.
    found = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "service": ["email", "vpn"],
            "kind": ["outage", "problem"],
            "ref": ["O1", "PRB49"],
            "when": pd.to_datetime(["2026-10-13 06:00", "2025-11-02 09:00"], utc=True),
            "hours": [30.25, 0.0],
            "incidents": [0, 334],
        }
    )
    causes = pd.DataFrame(
        {
            "supplier_id": ["host", "net"],
            "service_level": ["AVAIL", "P2-RES"],
            "cause_kind": ["outage", "problem"],
            "cause_id": ["O1", "PRB49"],
            "records": [1815, 28],
            "breached": [1815, 4],
            "drives_miss": [True, False],
        }
    )
    meta = {"period": "2026-10", "currency": "GBP", "timezone": "Europe/London"}
    meta["board_headline"] = scorecard.board_headline(pd.DataFrame(), pd.DataFrame())
    frames = {"league": league, "cards": cards, "drivers": found, "causes": causes}
    return {"meta": meta, "frames": frames}


def test_the_rendered_front_page_shows_the_reports_precision_and_only_period_causes():
    html = sections_board.front_page(_board())
    assert (
        "Service availability red at 98.65% against 99.5% expected and its 99% minimum (0.85 "
        "percentage points short; worse "
        "than last month, 99.98%); main driver: an unplanned outage of email on 13 Oct (O1): "
        "1,815 minutes of downtime for Service availability." in html
    )
    assert (
        "Resolution within target, P2 amber at 86.96% against 90% expected (3.04 percentage "
        "points short; worse than last month, 95.8%).</p>" in html
    )
    assert html.count("main driver") == 1
    assert "PRB49" not in html and "334" not in html


# ------------------------------------------------------- one order, one colour, one basis ----
# Four suppliers: Summit has a failed (red) level and the lowest score; Beacon a red level on
# a score of 75 computed on 80 of its 100 weight (a level not scored); Lattice scores 68.4
# with no level failed (amber); Harbour met every level. The league (as
# siamlib.scorecard.scorecards computes it) is best score first.
SUPPLIERS = [  # id, name, score, scored weight, worst level's RAG of its one scored level
    ("euc", "Harbour End-User Computing", 96.4, 100.0, "green"),
    ("desk", "Beacon Service Desk", 75.0, 80.0, "red"),
    ("apps", "Lattice Applications", 68.4, 100.0, "amber"),
    ("host", "Summit Hosting", 53.9, 100.0, "red"),
]
WORST_FIRST = ["Summit Hosting", "Beacon Service Desk", "Lattice Applications"]
WORST_FIRST += ["Harbour End-User Computing"]


def _four() -> dict:
    cols = ["supplier_id", "service_level", "measure", "scope", "name", "unit", "direction"]
    cols += ["expected", "minimum", "actual", "rag", "previous_actual"]
    actual = {"green": 2.0, "amber": 4.0, "red": 7.0}
    cards = pd.DataFrame(
        [
            [sid, "REOPEN", "reopen_rate", "", "Reopen rate", "%", "lower", 3.0, 6.0]
            + [actual[rag], rag, 3.0]
            for sid, _, _, _, rag in SUPPLIERS
        ],
        columns=cols,
    )
    league = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4],
            "supplier_id": [s[0] for s in SUPPLIERS],
            "supplier_name": [s[1] for s in SUPPLIERS],
            "role": "tower",
            "weighted_score": [s[2] for s in SUPPLIERS],
            "scored_weight": [s[3] for s in SUPPLIERS],
            "rag": [s[4] for s in SUPPLIERS],
            "levels": 1,
            "green": [int(s[4] == "green") for s in SUPPLIERS],
            "amber": [int(s[4] == "amber") for s in SUPPLIERS],
            "red": [int(s[4] == "red") for s in SUPPLIERS],
            "grey": 0,
            "credits": [0.0, 1440.0, 0.0, 7200.0],
            "currency": "GBP",
        }
    )
    ledger = pd.DataFrame(
        {"supplier_id": ["desk", "host"], "line": "credit", "service_level": "REOPEN"}
        | {"amount": [1440.0, 7200.0], "explanation": ["x", "y"]}
    )
    meta = {"period": "2026-10", "currency": "GBP", "timezone": "Europe/London"}
    meta |= {"role": "board", "estate": "Demo", "report": "board-summary"}
    meta["board_headline"] = scorecard.board_headline(ledger, pd.DataFrame())
    frames = {"league": league, "cards": cards, "ledger": ledger}
    frames |= {"drivers": pd.DataFrame(), "causes": pd.DataFrame()}
    return {"meta": meta, "frames": frames}


def _order_in(html: str) -> list[str]:
    found = {name: html.find(name) for name in WORST_FIRST}
    assert all(at >= 0 for at in found.values()), found
    return sorted(found, key=found.get)


def test_the_board_lists_suppliers_in_one_order_everywhere_and_says_which():
    from siamlib import frontpage, mailrender

    b = _four()
    caption = html.escape(frontpage.ORDER_CAPTION)  # as the pages write it
    front = sections_board.front_page(b)
    listed = front[front.index("<h2>Suppliers</h2>") :]  # the decisions name some before
    league = sections_board.league_table(b)
    assert _order_in(listed) == _order_in(league) == WORST_FIRST
    assert caption in front and caption in league
    email = mailrender.email_league(b)
    assert _order_in(email) == WORST_FIRST and caption in email
    text = mailrender.render_text(b)
    table = text[text.index("League table (") :]
    assert _order_in(table) == WORST_FIRST and frontpage.ORDER_CAPTION in table
    # the charts list the suppliers in the same order
    from siamlib import sections

    grid = sections.level_status_chart(b).to_dict()["layer"][0]["encoding"]["x"]["sort"]
    bars = sections_board.credits_chart(b).to_dict()["encoding"]["x"]["sort"]
    assert grid == WORST_FIRST and bars == WORST_FIRST


def test_each_suppliers_colour_on_the_board_is_its_worst_level_and_says_so():
    from siamlib import mailrender

    b = _four()
    league = sections_board.league_table(b)
    # Lattice: 68.4 but no level failed: amber, as its own score tile
    row = league[league.index("Lattice Applications") - 200 : league.index("Lattice Applications")]
    assert 'class="rag-amber"' in row and "rag-red" not in row
    email = mailrender.email_league(b)
    assert "amber: no level failed; 1 worse than expected" in email
    text = mailrender.render_text(b)
    assert (
        "- Lattice Applications: weighted score 68.4 (out of 100), net credits £0 (amber: no "
        "level failed; 1 worse than expected)" in text
    )


def test_the_board_says_the_weight_a_score_was_computed_on():
    from siamlib import mailrender

    b = _four()
    front = sections_board.front_page(b)
    assert (
        "Beacon Service Desk</b> (weighted score 75.0 of 100, scored on 80 of 100 weighting "
        "points)" in front
    )
    assert "Lattice Applications</b> (weighted score 68.4 of 100)" in front
    assert ">weighting points scored (of 100)</th>" in sections_board.league_table(b)
    assert (
        "- Beacon Service Desk: weighted score 75.0 (out of 100, scored on 80 of 100 weighting "
        "points), net credits £1,440" in mailrender.render_text(b)
    )
    assert "on the 80 weight scored" not in front + mailrender.render_text(b)


def test_every_weighted_score_keeps_one_decimal_so_75_never_sits_beside_75_1():
    # Beacon's whole score was "75" beside Lattice's "68.4" on the front page, the league
    # table, the email's league and its text: read as rounded more coarsely than the others.
    from siamlib import mailrender

    b = _four()
    front, league = sections_board.front_page(b), sections_board.league_table(b)
    assert "(weighted score 75.0 of 100" in front
    assert re.search(r">75\.0</td>", league) and not re.search(r">75</td>", league)
    assert ">75.0<" in mailrender.email_league(b)
    assert "- Beacon Service Desk: weighted score 75.0 (" in mailrender.render_text(b)
    assert "(weighted score 68.4 of 100)" in front  # one decimal already: unchanged


def test_the_front_page_asks_for_decisions_before_the_figures():
    html = sections_board.front_page(_four())
    asks = html.index("<h2>For decision</h2>")
    assert asks < html.index('class="tiles') and asks < html.index("Service credits due, 2026")
    from siamlib import mailrender

    text = mailrender.render_text(_four())
    assert text.index("For decision:") < text.index("Service credits due, 2026-10:")


def _levels(html: str) -> list[int]:
    return [int(h) for h in re.findall(r"<h([1-6])[\s>]", html)]


def test_the_board_page_and_email_never_skip_a_heading_level():
    from siamlib import mailrender, sections

    b = _four()
    for page in (
        sections.intro(b) + sections_board.front_page(b),
        mailrender.render_email_html(b, []),
        mailrender.render_static_html(b, pngs=[]),
    ):
        seen = _levels(page)
        assert seen[0] == 1, seen
        assert all(b - a <= 1 for a, b in zip(seen, seen[1:], strict=False)), seen


# ------------------------------------------------------------ money: waived, repaid, signs ----
def _with_earn_back() -> dict:
    b = _four()
    ledger = pd.concat(
        [
            b["frames"]["ledger"],
            pd.DataFrame(
                {"supplier_id": ["euc"], "line": ["earn_back"], "service_level": ["REOPEN"]}
                | {"amount": [-4500.0], "explanation": ["z"]}
            ),
        ],
        ignore_index=True,
    )
    b["frames"]["ledger"] = ledger
    b["meta"]["board_headline"] = scorecard.board_headline(ledger, pd.DataFrame())
    return b


def test_the_earn_back_tile_says_repaid_and_is_not_the_grey_of_not_scored():
    front = sections_board.front_page(_with_earn_back())
    at = front.index("Earn-back due back to the supplier")
    tile = front[front.rfind('<div class="tile', 0, at) : at]
    assert 'class="tile rag-repaid"' in tile and "rag-grey" not in tile
    assert "payable" not in front and "repayable" not in front


def test_the_league_explains_a_negative_net_credit_as_earn_back_repaid():
    league = sections_board.league_table(_with_earn_back())
    assert "net credits: + owed by the supplier, - earn-back due back to it" in league


def test_the_credits_chart_draws_earn_back_in_its_own_colour_not_the_grey_of_not_scored():
    from siamlib import charts

    spec = sections_board.credits_chart(_with_earn_back()).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    repaid = scale["range"][scale["domain"].index("earn-back due back to the supplier")]
    assert repaid != charts.RAG_COLOURS["grey"]


def test_the_front_page_says_what_was_waived_and_what_was_left_unscored():
    b = _four()
    ledger = pd.concat(
        [
            b["frames"]["ledger"],
            pd.DataFrame(
                {"supplier_id": ["host"], "line": ["waived"], "service_level": ["P2-RES"]}
                | {"amount": [0.0], "waived_amount": [5760.0], "explanation": ["w"]}
                | {"name": ["Resolution within target (priority 2)"]}
            ),
        ],
        ignore_index=True,
    )
    b["frames"]["ledger"] = ledger
    b["meta"]["board_headline"] = scorecard.board_headline(ledger, pd.DataFrame())
    grey = pd.DataFrame(
        [
            {
                "supplier_id": "host",
                "service_level": "P1-RES",
                "measure": "sla_resolution_attainment",
                "name": "Resolution within target (priority 1)",
                "unit": "%",
                "direction": "higher",
                "minimum": 90.0,
                "rag": "grey",
                "denominator": 6.0,
                "month_actual": 500 / 6,
                "month_missed": 1.0,
                "unscored_fail": True,
            }
        ]
    )
    b["frames"]["cards"] = pd.concat([b["frames"]["cards"], grey], ignore_index=True)
    front = html.unescape(sections_board.front_page(b))
    assert "£5,760 waived under one cause, one credit" in front
    assert (
        "Summit Hosting: Resolution within target (priority 1) not scored: 6 tickets, 1 missed "
        "(83.33%, below its 90% minimum); no credit under the small-sample rule." in front
    )


# ------------------------------------------------- what the tiles do not say; scope ----
def test_under_the_credit_tiles_the_page_says_only_what_they_do_not():
    b = _four()
    b["frames"]["exclusions"] = pd.DataFrame(
        {"supplier_id": ["host"], "tickets": [1], "ticket_ids": ["INC0000042"]}
    )
    front = html.unescape(sections_board.front_page(b))
    tiles_end = front.index("</div></div></div>", front.index('class="tiles'))
    under = front[tiles_end : front.index("<h2>", tiles_end)]
    assert (
        "Agreed exclusions, removed before any figure or credit: Summit Hosting 1 ticket "
        "(INC0000042)." in under
    )
    # the credits due, whom from and the pool are the tiles': not said again beneath them
    assert "£8,640" not in under and "at risk" not in under and "from 2 suppliers" not in under


def test_the_front_page_names_the_scope_findings_under_their_own_heading():
    b = _four()
    b["frames"]["scope_conformance"] = pd.DataFrame(
        {"supplier_id": ["host"], "status": ["outside scope"]}
        | {"reason": ["79 of its 342 work items (23.1%) outside its Responsible scope"]}
    )
    front = sections_board.front_page(b)
    at = front.index(f"<h2>{sections_board.SCOPE_HEADING}</h2>")
    assert at < front.index("<h2>Suppliers</h2>")
    assert (
        "<li>Summit Hosting (outside scope): 79 of its 342 work items (23.1%) outside its "
        "Responsible scope.</li>" in front[at:]
    )


def test_with_no_alert_the_tile_says_every_kind_it_looked_for_including_ping_pong():
    front = sections_board.front_page(_four())
    assert "ping-pong signal" in front and sections_board.NO_ALERTS in front
