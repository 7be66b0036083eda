"""A supplier's email repeats what the board's page says about it, with the same figures from
the same computed rows: its credits waived (one cause, one credit) and its scope finding."""

from __future__ import annotations

import pandas as pd

from siamlib import mailrender, scorecard
from tests.unit.test_mailrender import HOSTING, _tower
from tests.unit.test_sections_board import _four

# One ledger and one scope verdict, as the run computes them once: the board reads every
# supplier's rows, Summit's own report (and email) reads its own (siamlib.report_cuts).
_WAIVED_LEDGER = pd.DataFrame(
    {
        "supplier_id": ["host", "host", "desk"],
        "line": ["waived", "credit", "credit"],
        "service_level": ["P2-RES-2026H2", "AVAIL", "REOPEN"],
        "name": ["Resolution within target (priority 2)", "Service availability", "Reopen rate"],
        "amount": [0.0, 7200.0, 1440.0],
        "waived_amount": [5760.0, 0.0, 0.0],
        "explanation": [
            "£5,760 waived: same cause as Service availability (outage OUT00228); one cause, "
            "one credit (the largest credit stands)",
            "Service availability 98.65%, below its 99% minimum",
            "Reopen rate 15.12%, above its 6% maximum",
        ],
    }
)
_SCOPE = pd.DataFrame(
    {
        "supplier_id": ["host", "desk"],
        "status": ["outside scope", "conforms"],
        "reason": ["79 of its 342 work items (23.1%) outside its Responsible scope", "all"],
        "plain_reason": [
            "79 of its 342 work items (23.1%) outside the work its contract makes it "
            "responsible for",
            "all 1,760 work items inside the work its contract makes it responsible for",
        ],
    }
)


def _board_and_summit() -> tuple[dict, dict]:
    board = _four()
    board["meta"]["board_headline"] = scorecard.board_headline(_WAIVED_LEDGER, pd.DataFrame())
    board["frames"] |= {"ledger": _WAIVED_LEDGER, "scope_conformance": _SCOPE}
    summit = _tower(*HOSTING["frames"]["scorecard"].values.tolist())
    own = {"ledger": _WAIVED_LEDGER, "scope_conformance": _SCOPE}
    summit["frames"] |= {k: f[f["supplier_id"] == "host"] for k, f in own.items()}
    return board, summit


def test_a_suppliers_email_repeats_the_credit_waived_the_board_page_states():
    from siamlib import frontpage

    board, summit = _board_and_summit()
    assert "£5,760 waived under one cause, one credit" in frontpage.front_page(board).figures_note
    said = (
        "Resolution within target (priority 2): £5,760 waived: same cause as Service "
        "availability (outage OUT00228); one cause, one credit (the largest credit stands)."
    )
    body, text = mailrender.render_email_html(summit, []), mailrender.render_text(summit)
    assert ">Credits waived</h2>" in body and said in body
    assert f"Credits waived:\n- {said}" in text
    assert body.index(">Credits waived</h2>") < body.index(">Scorecard</h2>")


def test_a_suppliers_email_repeats_the_boards_scope_finding_word_for_word():
    from siamlib import frontpage

    board, summit = _board_and_summit()
    (finding,) = frontpage.front_page(board).scope
    assert finding.startswith("Summit Hosting (outside scope): 79 of its 342 work items")
    body, text = mailrender.render_email_html(summit, []), mailrender.render_text(summit)
    assert ">Scope conformance</h2>" in body and finding in body
    assert f"Scope conformance:\n- {finding}" in text


def test_a_supplier_that_conforms_and_waived_nothing_gets_neither_heading():
    _, summit = _board_and_summit()
    desk = _tower(*HOSTING["frames"]["scorecard"].values.tolist())
    desk["meta"] |= {"supplier_id": "desk", "supplier_name": "Beacon Service Desk"}
    desk["frames"] |= {
        "ledger": _WAIVED_LEDGER[_WAIVED_LEDGER["supplier_id"] == "desk"],
        "scope_conformance": _SCOPE[_SCOPE["supplier_id"] == "desk"],
    }
    body = mailrender.render_email_html(desk, [])
    assert ">Credits waived</h2>" not in body and ">Scope conformance</h2>" not in body


# ------------------------------------------- the email says why its credit is what it is ----
def test_a_suppliers_email_says_what_its_credit_due_is_for_in_the_ledgers_words():
    _, summit = _board_and_summit()
    body, text = mailrender.render_email_html(summit, []), mailrender.render_text(summit)
    said = "Service availability 98.65%, below its 99% minimum."
    assert ">Service credits</h2>" in body and said in body
    assert f"Service credits:\n- {said}" in text
    # Only its own money lines: the waived line is said under its own heading, and another
    # supplier's credit (Beacon's reopen rate) is not Summit's.
    assert "Reopen rate 15.12%" not in body and "Reopen rate 15.12%" not in text
    assert body.index(">Service credits</h2>") < body.index(">Credits waived</h2>")


def test_an_earn_back_line_is_said_and_a_zero_line_is_not():
    earn = pd.DataFrame(
        {
            "supplier_id": ["ksi", "ksi"],
            "line": ["earn_back", "credit"],
            "amount": [-4500.0, 0.0],
            "explanation": [
                "Aged ticket reduction credit of £4,500 for 2026-07 earned back, due back to "
                "the supplier",
                "nothing due",
            ],
        }
    )
    from siamlib import mail_findings

    got = mail_findings.credit_lines({"meta": {}, "frames": {"ledger": earn}})
    assert got == (
        "Aged ticket reduction credit of £4,500 for 2026-07 earned back, due back to the supplier.",
    )
