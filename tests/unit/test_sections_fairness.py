"""The fairness panel as a supplier reads it: the alerts the board reads about it, worded as
the board words them, with the figures behind each."""

from __future__ import annotations

import html

import pandas as pd

from siamlib import sections_fairness
from siamlib.fairness import alert_rows


def _harbour() -> dict:
    ps = pd.DataFrame(
        {"supplier_id": ["euc"], "tickets": [420], "paused_h": [1310.0], "clock_h": [2945.4]}
        | {"paused_share": [1310 / 2945.4], "paused_before_resolution": [261]}
        | {"pause_before_resolution_share": [261 / 420]}
    )
    names = {"euc": "Harbour End-User Computing"}
    rows = alert_rows(paused_share=ps, supplier_names=names)
    return {"meta": {"supplier_names": names}, "frames": {"fairness_alerts": rows}}


def test_a_suppliers_report_shows_its_alert_with_the_figures_behind_it():
    page = html.unescape(sections_fairness.alerts_section(_harbour()))
    assert (
        "<li>Clock-stop signal, Harbour End-User Computing: 44% of clock time paused and 62% of "
        "tickets paused just before resolution (a signal at 25% or more of either); ask why.</li>"
        in page
    )
    # the figures: value, what it counts, when it raises the alert
    assert "<td>clock time paused</td>" in page and "1,310 of 2,945 business hours" in page
    assert ">261 of 420 resolved tickets</td>" in page and "<td>signal at 25% or more</td>" in page


def test_a_pack_written_before_alerts_carried_figures_still_shows_its_sentences():
    old = {"meta": {}, "frames": {"fairness_alerts": pd.DataFrame({"alert": ["A; ask why."]})}}
    page = sections_fairness.alerts_section(old)
    assert "<li>A; ask why.</li>" in page and "<table" not in page


def test_no_alert_says_so():
    empty = {"meta": {}, "frames": {"fairness_alerts": alert_rows()}}
    assert sections_fairness.alerts_section(empty) == f"<p>{sections_fairness.NO_ALERT}</p>"


def test_the_board_pdf_states_each_alert_once_and_points_to_it_elsewhere():
    from siamlib import mailrender
    from tests.unit.test_mailrender import _alerted
    from tests.unit.test_sections_board import _four

    board = _alerted(_four())
    (said,) = board["frames"]["fairness_alerts"]["alert"].unique()
    pdf_html = html.unescape(mailrender.render_static_html(board, pngs=[]))
    assert pdf_html.count(said) == 1  # the front page's Alerts list, nowhere else
    assert pdf_html.index(said) < pdf_html.index("<h2>Fairness</h2>")
    fairness = pdf_html[pdf_html.index("<h2>Fairness</h2>") :]
    assert "The month's 1 alert is stated in full on the front page (Alerts)" in fairness
    assert "44%" in fairness and "signal at 25% or more" in fairness  # its figures stay


def test_a_suppliers_report_still_states_its_alert_in_full():
    page = html.unescape(sections_fairness.alerts_section(_harbour()))
    assert "stated in full on the front page" not in page
    assert page.count("Clock-stop signal, Harbour End-User Computing: 44%") == 1


def _pages_of(static_html: str, *texts: str) -> list[int]:
    """The PDF page (WeasyPrint's layout, as the email's PDF) each text first lies on."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    found: dict[str, int] = {}
    for number, page in enumerate(weasyprint.HTML(string=static_html).render().pages, 1):
        for b in page._page_box.descendants():
            if isinstance(b, boxes.TextBox):
                for t in texts:
                    if t in b.text:
                        found.setdefault(t, number)
    return [found.get(t, 0) for t in texts]


def test_the_board_pdf_keeps_the_alerts_lead_in_on_the_page_of_its_table():
    # The demo board PDF ended page 6 with "The month's 4 alerts are stated in full on the
    # front page (Alerts); the figures behind them:" and began the table on page 7.
    from siamlib import mailrender
    from tests.unit.test_mailrender import _alerted
    from tests.unit.test_sections_board import _four

    board = _alerted(_four())
    board["meta"]["role"] = "board"
    section = sections_fairness.alerts_section(board)
    # a block that leaves room for the lead-in's line at the page's foot, not for the table
    page = (
        f"<html><head><style>{mailrender.PDF_CSS}</style></head><body>"
        f'<div style="height:160mm"></div>{section}</body></html>'
    )
    lead, head = _pages_of(page, "stated in full on the front page", "threshold")
    assert lead and head and lead == head, (lead, head)
