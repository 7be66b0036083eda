"""The demo's hosting outage: one cause, one credit, computed in-process (session fixture)."""

from __future__ import annotations

import re


def test_demo_hosting_outage_keeps_one_credit_and_waives_the_others_with_their_reason(work):
    ledger = work.ledgers["hosting"]
    waived = ledger[ledger["line"] == "waived"]
    assert len(waived) >= 1 and (waived["amount"] == 0.0).all()
    causes = work.causes_table("hosting")
    card = work.cards["hosting"].set_index("service_level")["actual"]
    own = work.cards["hosting"]
    by_name = dict(zip(own["name"], own["service_level"], strict=True))
    kept = set(ledger.loc[ledger["line"] == "credit", "service_level"])
    for line in waived.itertuples():
        m = re.fullmatch(
            r"£([\d,]+) waived: same cause as (.+) \(outage (\S+)\); one cause, one credit "
            r"\(the largest credit stands\)",
            line.explanation,
        )
        # the amount given up is kept (and said), the kept level named by its name
        assert m and m.group(3) == line.cause_id and by_name[m.group(2)] in kept
        assert line.waived_amount == float(m.group(1).replace(",", "")) > 0
        # the cause drives both the kept and the waived level's miss: missed with it,
        # met without it; the table's actual is the scorecard's (one computation)
        rows = causes[(causes.cause_id == line.cause_id) & causes.drives_miss]
        assert {by_name[m.group(2)], line.service_level} <= set(rows.service_level)
        assert (rows.actual < rows.minimum).all() and (rows.actual_without >= rows.minimum).all()
        for r in rows.itertuples():
            assert abs(card[r.service_level] - r.actual) < 1e-6
