"""Aged tickets (siamlib.measures.aged): the monthly trend counts each instant once."""

from __future__ import annotations

import pandas as pd

from siamlib import schema
from siamlib.common import ALL
from siamlib.measures import aged


def _tickets():
    # T0 opened 1 Jan, still open; T1 opened 20 Feb, resolved 15 Apr (both held by net).
    at = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    return schema.coerce(
        "tickets",
        pd.DataFrame(
            {
                "ticket_id": ["T0", "T1"],
                "ticket_type": "incident",
                "supplier_id": "net",
                "service": "vpn",
                "category": "connectivity",
                "priority": 3,
                "opened_at": [at("2026-01-01"), at("2026-02-20")],
                "resolved_at": [pd.NaT, at("2026-04-15")],
                "closed_at": pd.NaT,
                "status": ["assigned", "resolved"],
                "reopen_count": 0,
                "ci": None,
                "first_response_at": pd.NaT,
                "problem_id": None,
                "change_id": None,
                "satisfaction": None,
            }
        ),
    )


def test_the_trend_counts_each_month_bound_once_with_the_months_own_figures(monkeypatch):
    # Feb..Apr (UTC): bounds 1 Feb, 1 Mar, 1 Apr, 1 May are counted once each (4, not 6: a
    # month's end is the next month's start). Aged (open > 30 days) at each bound:
    # 1 Feb T0 (31 d) -> 1; 1 Mar T0 -> 1 (T1 9 d); 1 Apr T0, T1 (40 d) -> 2; 1 May T0 -> 1.
    calls = []
    real = aged.aged_tickets

    def counted(tickets, at, *args, **kwargs):
        calls.append(at)
        return real(tickets, at, *args, **kwargs)

    monkeypatch.setattr(aged, "aged_tickets", counted)
    tr = aged.aged_ticket_trend(_tickets(), ["2026-02", "2026-03", "2026-04"], 30)
    assert len(calls) == len(set(calls)) == 4
    rows = tr[tr["supplier_id"] == ALL].set_index("period")
    assert rows["aged_start"].to_dict() == {"2026-02": 1, "2026-03": 1, "2026-04": 2}
    assert rows["aged_end"].to_dict() == {"2026-02": 1, "2026-03": 2, "2026-04": 1}
    assert rows.loc["2026-04", "reduction"] == 0.5  # 1 - 1 / 2


def test_one_months_reduction_is_that_months_rows_of_the_trend():
    t = _tickets()
    tr = aged.aged_ticket_trend(t, ["2026-03", "2026-04"], 30, suppliers=["net", "host"])
    one = aged.aged_ticket_reduction(t, "2026-04", 30, suppliers=["net", "host"])
    april = tr[tr["period"] == "2026-04"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, april)
    assert one["supplier_id"].tolist() == ["host", "net", ALL]
