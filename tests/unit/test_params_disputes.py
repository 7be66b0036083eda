"""disputes.yaml: one ticket upheld in one dispute and rejected in another is refused, naming
the file, both disputes and the ticket (as exclusions.yaml refuses a ticket listed twice)."""

from __future__ import annotations

import pytest

from siamlib.params import Disputes, ParamsError, load_model


def _disputes(tmp_path, *rows: str):
    path = tmp_path / "disputes.yaml"
    path.write_text("disputes:\n" + "".join(f"  - {r}\n" for r in rows), encoding="utf-8")
    return path


def _row(did: str, ticket: str, status: str) -> str:
    decided = ", decided_on: 2026-11-02, decided_by: J. Okafor" if status != "open" else ""
    return (
        f"{{id: {did}, ticket_id: {ticket}, raised_by: Harbour, reason: site closed, "
        f"status: {status}{decided}}}"
    )


def test_a_ticket_upheld_and_rejected_in_two_disputes_is_refused_naming_both(tmp_path):
    path = _disputes(tmp_path, _row("D-1", "INC7", "upheld"), _row("D-2", "INC7", "rejected"))
    with pytest.raises(ParamsError) as exc:
        load_model(path, Disputes)
    assert str(exc.value).endswith(
        "disputes.yaml: disputes[0] (D-1, upheld) and disputes[1] (D-2, rejected) decide "
        "ticket 'INC7' both ways; keep the decision that stands"
    )


def test_a_rejection_listed_before_the_upholding_is_refused_too(tmp_path):
    path = _disputes(
        tmp_path,
        _row("D-1", "INC7", "rejected"),
        _row("D-2", "INC8", "upheld"),
        _row("D-3", "INC7", "upheld"),
    )
    with pytest.raises(ParamsError, match=r"disputes\[0\] \(D-1, rejected\) and disputes\[2\] "):
        load_model(path, Disputes)


@pytest.mark.parametrize(
    "statuses",
    [("upheld", "upheld"), ("rejected", "rejected"), ("open", "upheld"), ("open", "rejected")],
)
def test_two_disputes_on_one_ticket_that_do_not_contradict_each_other_load(tmp_path, statuses):
    a, b = statuses
    path = _disputes(tmp_path, _row("D-1", "INC7", a), _row("D-2", "INC7", b))
    assert [d.status for d in load_model(path, Disputes).disputes] == [a, b]


def test_upheld_and_rejected_disputes_on_different_tickets_load(tmp_path):
    path = _disputes(tmp_path, _row("D-1", "INC7", "upheld"), _row("D-2", "INC8", "rejected"))
    assert len(load_model(path, Disputes).disputes) == 2
