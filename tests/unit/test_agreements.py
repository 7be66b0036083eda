"""siamlib.agreements: an agreed exclusion or upheld dispute approved before its ticket was
opened is refused, naming the file, the entry, the ticket and both dates.

Probe 07: an exclusion approved on 2026-10-20 for INC0012121, a ticket opened on 2026-10-27
(a week later: a mistyped id hitting another ticket), was accepted and took applications'
P1-RES from amber to grey. An agreement cannot come before the ticket it names. Dates are
compared in the estate's time zone (Europe/London in the fixture), the day the approver wrote.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from siamlib.agreements import approved_before_opened
from siamlib.params import Dispute, Disputes, Exclusion, Exclusions, upheld_exclusions
from tests.fixtures.fixture_params import fixture_params

TICKETS = pd.DataFrame(
    {
        "ticket_id": ["INC0000042", "INC0012121", "INC9", "INC10"],
        "opened_at": pd.to_datetime(
            [
                "2025-10-02 09:38Z",
                "2026-10-27 08:23Z",
                "2026-10-20 23:30Z",  # 2026-10-21 00:30 in London (summer time)
                None,  # no opening time: nothing to compare with
            ],
            utc=True,
        ),
    }
)


def _params(exclusions: dict[str, str], upheld: dict[str, str] | None = None):
    """Fixture params with these exclusions ``{ticket: approved_on}`` and upheld disputes
    ``{ticket: decided_on}`` (ids D-1, D-2... in order)."""
    disputes = Disputes(
        disputes=[
            Dispute(id=f"D-{i}", ticket_id=t, raised_by="Summit Hosting", reason="clock ran",
                    status="upheld", decided_on=dt.date.fromisoformat(on), decided_by="J. Okafor")
            for i, (t, on) in enumerate((upheld or {}).items(), start=1)
        ]
    )  # fmt: skip
    listed = [
        Exclusion(ticket_id=t, reason="agreed", approver="J. Okafor",
                  approved_on=dt.date.fromisoformat(on))
        for t, on in exclusions.items()
    ]  # fmt: skip
    merged = Exclusions(exclusions=[*listed, *upheld_exclusions(disputes)])
    return fixture_params().model_copy(update={"exclusions": merged, "disputes": disputes})


def test_an_exclusion_approved_before_its_ticket_was_opened_is_refused_naming_both_dates():
    p = _params({"INC0000042": "2026-10-06", "INC0012121": "2026-10-20"})
    assert approved_before_opened(TICKETS, p) == [
        "exclusions.yaml: exclusions[1] (ticket INC0012121) was approved on 2026-10-20, before "
        "the ticket was opened on 2026-10-27 (tickets.opened_at): an agreement cannot come "
        "before its ticket; check the ticket id (a mistyped id excludes another ticket) and "
        "the date"
    ]


def test_an_upheld_dispute_decided_before_its_ticket_was_opened_is_refused():
    p = _params({}, {"INC0000042": "2026-11-02", "INC0012121": "2026-10-26"})
    assert approved_before_opened(TICKETS, p) == [
        "disputes.yaml: dispute D-2 (ticket INC0012121) was upheld on 2026-10-26, before the "
        "ticket was opened on 2026-10-27 (tickets.opened_at): an agreement cannot come before "
        "its ticket; check the ticket id (a mistyped id excludes another ticket) and the date"
    ]


def test_approval_on_the_day_the_ticket_was_opened_is_accepted():
    p = _params({"INC0012121": "2026-10-27"})
    assert approved_before_opened(TICKETS, p) == []


def test_the_opening_day_is_the_estates_local_day():
    # INC9 opened at 23:30 UTC on 20 October, 00:30 on the 21st in London: an approval dated
    # the 20th came before it, one dated the 21st did not.
    assert approved_before_opened(TICKETS, _params({"INC9": "2026-10-21"})) == []
    refused = approved_before_opened(TICKETS, _params({"INC9": "2026-10-20"}))
    assert len(refused) == 1
    assert "approved on 2026-10-20, before the ticket was opened on 2026-10-21" in refused[0]


def test_an_id_matching_no_ticket_or_a_ticket_without_an_opening_time_is_not_compared():
    p = _params({"INC0000043": "2020-01-01", "INC10": "2020-01-01"})
    assert approved_before_opened(TICKETS, p) == []


def test_an_agreed_exclusion_wins_over_an_upheld_dispute_of_the_same_ticket():
    # load_params keeps the listed exclusion (approved after the opening), so the dispute's
    # earlier decision is no exclusion and is not refused
    p = _params({"INC0012121": "2026-10-28"})
    d = Disputes(
        disputes=[Dispute(id="D-1", ticket_id="INC0012121", raised_by="x y", reason="late",
                          status="upheld", decided_on=dt.date(2026, 10, 1), decided_by="J. O")]
    )  # fmt: skip
    p = p.model_copy(update={"disputes": d})
    assert approved_before_opened(TICKETS, p) == []


def test_the_shipped_exclusions_pass_against_the_demo_tickets():
    from siamlib import demo

    tickets = demo.generate(n_tickets=1_500, seed=7, params=fixture_params())["tickets"]
    assert {"INC0000042", "INC0000777"} <= set(tickets["ticket_id"])
    assert approved_before_opened(tickets, fixture_params()) == []
