"""Causes: link breaches to the outage, change or problem behind them; one cause, one credit.

A *cause* is a record the data names as the reason for tickets:

``outage``   tickets on the outage's service opened between its start and end (an ongoing
             outage, with no end, covers every later ticket);
``change``   tickets whose ``change_id`` names the change (the change caused the incident);
``problem``  tickets whose ``problem_id`` names the problem record.

The data model has no major-incident table, so ``major_incident`` causes are not linked
(the kind is reserved in :data:`CAUSE_KINDS`).

With the contract's ``credit_regime.one_credit_per_incident`` (every shipped contract sets it),
the incidents behind a level's misses are a cause too (:func:`incident_causes`): kind
``incident``, id the level whose failed tickets they are. A level whose miss disappears
without the tickets that failed another missed level was missed by the same incidents, so the
two credits are one: the rule below keeps one of them, e.g. a P2 incident breaching both its
response and its resolution target pays the larger of the two credits, not both.

An outage cause is an *event*, not a record (:func:`outage_events`): unplanned records whose
downtime overlaps (or touches) on the same supplier and service are one event, named by its
earliest-starting record (``cause_id``; ``cause_records`` and a waived line list every id).
Availability is recomputed "with" and "without" the whole event by the availability measure
itself, on all the supplier's records, planned windows included (:func:`downtime_causes`), so
the test counts exactly the minutes the scorecard counts. The supplier would argue that a
minute counted once in availability is one failure however often it was recorded; the
customer, that two records may be two failures. We side with the measure: it cannot tell
overlapping minutes apart, so "the level is met without this cause" can only be asked of the
merged downtime; testing records one by one would find no cause at all (the other record
still covers the time) and charge twice for one outage. An unplanned record wholly inside a
planned window adds no minute, so it is no cause of an availability miss; one partly outside
counts its outside minutes only. Separate (non-overlapping) outages stay separate causes:
when only their sum misses the level, none of them drives the miss alone and nothing is
waived. There the customer's argument holds: two failures, neither of which alone cost the
level, are not "one cause", and pooling them would waive credits for repeated failure.

A cause *drives* a level's miss when the level is missed (actual below its minimum) and the
actual recomputed without the cause's tickets is not. When one cause drives misses in several
levels, their credits conflict, and the contract's ``credit_regime.one_credit_per_cause``
rule decides which stand, on all the conflicts at once (:mod:`siamlib.waivers`): under
``largest`` the set of credits with the largest total in which no two share a cause (within
one cause, its largest credit), under ``first_listed`` the earlier-listed levels', under
``all`` every one. The other credits become ``waived`` ledger lines (amount 0, the amount
given up in ``waived_amount``) naming the credit that stands, e.g. ``£5,760 waived: same
cause as Service availability (outage OUT00228); one cause, one credit (the largest credit
stands)``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"ticket_id": ["T1", "T2"], "service": ["email", "email"],
...     "opened_at": pd.to_datetime(["2026-10-01 10:00", "2026-10-03 10:00"], utc=True),
...     "change_id": [None, "CHG1"], "problem_id": [None, None]})
>>> o = pd.DataFrame({"outage_id": ["OUT1"], "service": ["email"],
...     "start_at": pd.to_datetime(["2026-10-01 09:00"], utc=True),
...     "end_at": pd.to_datetime(["2026-10-02 09:00"], utc=True), "planned": [False]})
>>> link_causes(t, o).values.tolist()
[['change', 'CHG1', 'T2'], ['outage', 'OUT1', 'T1']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# the waiver reads the causes table; re-exported here, where the causes are
from siamlib.waivers import RULE_WORDS, RULES, waive_credits  # noqa: F401

CAUSE_KINDS = ("outage", "change", "problem", "major_incident", "incident")
LINK_COLUMNS = ["cause_kind", "cause_id", "ticket_id"]
CAUSES_COLUMNS = [
    "service_level",
    "cause_kind",
    "cause_id",
    "records",
    "breached",
    "actual",
    "actual_without",
    "minimum",
    "drives_miss",
    "cause_records",
    "unit",
]
"""The ``causes`` table: one row per (level, cause). ``records`` counts the level's tickets
linked to the cause, ``breached`` those of them that missed, both in ``unit``: ``tickets``,
or ``minutes`` of downtime for an availability level (:func:`downtime_causes`, where every
minute counted is missed); ``actual`` and ``actual_without``
are the level's attainment (%) with and without the cause's tickets. ``cause_records`` lists
the data's record ids the cause stands for (", "-joined, earliest first): the ``cause_id``
itself, or every overlapping record of one outage event (:func:`outage_events`)."""


def link_causes(
    tickets: pd.DataFrame,
    outages: pd.DataFrame | None = None,
    *,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Link tickets to causes: outages (service + time), changes and problems (ids).

    Planned outages are not causes (agreed maintenance). Unplanned records whose downtime
    overlaps on one service are one outage (:func:`outage_events`): a ticket opened during any
    of them links to the event, named by its earliest record. A ticket may link to several
    causes.

    ``events``: :func:`outage_events` of ``outages`` when the caller already has it.

    Returns
    -------
    pandas.DataFrame
        ``LINK_COLUMNS``, sorted by kind, cause and ticket.

    Examples
    --------
    >>> t = pd.DataFrame({"ticket_id": ["T1"], "service": ["web"],
    ...     "opened_at": pd.to_datetime(["2026-10-01"], utc=True), "problem_id": ["PRB9"]})
    >>> link_causes(t).values.tolist()
    [['problem', 'PRB9', 'T1']]
    """
    parts = []
    for kind, col in (("change", "change_id"), ("problem", "problem_id")):
        if col in tickets.columns:
            ids = tickets[["ticket_id", col]].dropna()
            ids = ids[ids[col].astype(str).str.strip() != ""]
            parts.append(
                pd.DataFrame(
                    {
                        "cause_kind": kind,
                        "cause_id": ids[col].astype(str),
                        "ticket_id": ids["ticket_id"],
                    }
                )
            )
    if outages is not None and not outages.empty:
        # overlapping records of one outage are one cause, named by the event's id
        unplanned = outage_events(outages) if events is None else events
        unplanned = unplanned[unplanned["event"].notna()]
        pairs = tickets[["ticket_id", "service", "opened_at"]].merge(
            unplanned[["event", "service", "start_at", "end_at"]], on="service"
        )
        during = (pairs["opened_at"] >= pairs["start_at"]) & (
            pairs["end_at"].isna() | (pairs["opened_at"] <= pairs["end_at"])
        )
        hit = pairs[during]
        parts.append(
            pd.DataFrame(
                {
                    "cause_kind": "outage",
                    "cause_id": hit["event"].astype(str),
                    "ticket_id": hit["ticket_id"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=LINK_COLUMNS)
    links = pd.concat(parts, ignore_index=True).drop_duplicates()
    return links.sort_values(LINK_COLUMNS).reset_index(drop=True)[LINK_COLUMNS]


def outage_events(outages: pd.DataFrame) -> pd.DataFrame:
    """The unplanned outage records, each with the outage *event* it belongs to.

    Records of one supplier (when the table says) and service whose downtime overlaps or
    touches are one event: the union the availability measure counts once
    (:func:`siamlib.measures.availability._merge_intervals`, the measure's own merging; an
    outage without an end runs on). The event is named (``event``) by its earliest-starting
    record with an id (ties: the smallest id; missing when no record has one) and
    ``event_records`` lists its ids, earliest first. Records of no length stand alone.

    >>> t = lambda *v: pd.to_datetime(list(v), utc=True)
    >>> o = pd.DataFrame({"outage_id": ["B", "A", "C"], "service": "email",
    ...     "start_at": t("2026-10-01 10:00", "2026-10-01 09:00", "2026-10-02 09:00"),
    ...     "end_at": t("2026-10-01 12:00", "2026-10-01 11:00", "2026-10-02 10:00"),
    ...     "planned": False})
    >>> outage_events(o)[["outage_id", "event", "event_records"]].values.tolist()
    [['B', 'A', 'A, B'], ['A', 'A', 'A, B'], ['C', 'C', 'C']]
    """
    from siamlib.measures._base import _flag, _us
    from siamlib.measures.availability import _merge_intervals

    un = outages[~_flag(outages["planned"]).to_numpy()]
    keys = [k for k in ("supplier_id", "service") if k in un.columns]
    ids = un["outage_id"].astype(object)
    iv = pd.DataFrame({k: un[k].astype(object).fillna("").to_numpy() for k in keys})
    iv["start"], iv["end"] = _us(un["start_at"]), _us(un["end_at"])
    iv["id"] = [str(v) if pd.notna(v) else "" for v in ids]
    iv["block"] = [f"r{i}" for i in range(len(iv))]  # a record of no length: its own event
    down = iv[iv["end"] > iv["start"]].reset_index(names="row")
    if len(down):
        blocks = _merge_intervals(down, keys).reset_index(names="block").sort_values("start")
        # each record belongs to the merged block it starts in (blocks are disjoint)
        member = pd.merge_asof(
            down.drop(columns="block").sort_values("start"),
            blocks[[*keys, "start", "block"]],
            on="start",
            by=keys,
            direction="backward",
        )
        iv.loc[member["row"].to_numpy(), "block"] = [f"b{b}" for b in member["block"]]
    named = iv[iv["id"] != ""].sort_values(["block", "start", "id"], kind="stable")
    named = named.drop_duplicates(["block", "id"])
    first = named.groupby("block", sort=False)["id"].first()
    listed = named.groupby("block", sort=False)["id"].agg(", ".join)
    return un.assign(
        event=iv["block"].map(first).astype(object).to_numpy(),
        event_records=iv["block"].map(listed).astype(object).to_numpy(),
    )


def _den_num(lt: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """What each row adds to its level's denominator and numerator (1.0 or 0.0): the level
    evidence's ``in_denominator``/``in_numerator``, or every row counted and ``met`` met."""
    if "in_denominator" in lt.columns:
        den = lt["in_denominator"].fillna(False).astype(float)
        return den, lt["in_numerator"].fillna(False).astype(float)
    return pd.Series(1.0, index=lt.index), lt["met"].astype(float)


def level_causes(level_tickets: pd.DataFrame, links: pd.DataFrame, minimums: dict) -> pd.DataFrame:
    """The causes table: each level's attainment with and without each linked cause.

    Parameters
    ----------
    level_tickets
        One row per (``service_level``, ``ticket_id``) the level counts: either the level
        evidence of :func:`siamlib.levels.level_rows` (``in_denominator``, ``in_numerator``,
        which add up to the scorecard's denominator and numerator, so ``actual`` reconciles
        with the card), or a plain ``met`` flag (every row counted, met ones in the numerator).
    links
        From :func:`link_causes`.
    minimums
        Service level id -> minimum attainment (%); higher is better.

    Examples
    --------
    >>> lt = pd.DataFrame({"service_level": ["P2"] * 4, "ticket_id": ["A", "B", "C", "D"],
    ...                    "met": [True, True, False, False]})
    >>> links = pd.DataFrame({"cause_kind": ["outage"], "cause_id": ["O1"], "ticket_id": ["D"]})
    >>> row = level_causes(lt, links, {"P2": 60.0}).iloc[0]
    >>> (float(row.actual), round(float(row.actual_without), 1), bool(row.drives_miss))
    (50.0, 66.7, True)
    """
    lt = level_tickets
    den, num = _den_num(lt)
    lt = pd.DataFrame(
        {
            "service_level": lt["service_level"],
            "ticket_id": lt["ticket_id"].astype(str),
            "den": den,
            "num": num,
        }
    )
    totals = lt.groupby("service_level")[["den", "num"]].sum()
    merged = lt.merge(links.astype({"ticket_id": "str"}), on="ticket_id")
    keys = ["service_level", "cause_kind", "cause_id"]
    # a ticket linked twice to the same cause counts once; each cause's counts in one pass
    # (whole counts, so the sums are exact in any order)
    merged = merged.drop_duplicates([*keys, "ticket_id"])
    sums = merged.groupby(keys, sort=True)[["den", "num"]].sum()
    rows = []
    for (level, kind, cid), den_cause, num_cause in zip(
        sums.index, sums["den"].to_numpy(), sums["num"].to_numpy(), strict=True
    ):
        den_all, num_all = totals.loc[level, "den"], totals.loc[level, "num"]
        den_rest = den_all - den_cause
        num_rest = num_all - num_cause
        actual = float(100.0 * num_all / den_all) if den_all else float("nan")
        without = float(100.0 * num_rest / den_rest) if den_rest else float("nan")
        minimum = float(minimums.get(level, float("nan")))
        # no tickets left: nothing to miss, so the cause drove the miss
        missed_without = bool(den_rest) and without < minimum
        rows.append(
            {
                "service_level": level,
                "cause_kind": kind,
                "cause_id": cid,
                "records": int(den_cause),
                "breached": int(den_cause - num_cause),
                "actual": actual,
                "actual_without": without,
                "minimum": minimum,
                "drives_miss": bool(actual < minimum and not missed_without),
                "cause_records": cid,
                "unit": "tickets",
            }
        )
    return pd.DataFrame(rows, columns=CAUSES_COLUMNS)


def incident_causes(level_tickets: pd.DataFrame, minimums: dict) -> pd.DataFrame:
    """One credit per incident: the tickets that failed each level, as a cause of the others.

    For each level, its failed tickets (counted, not met) are one cause, kind ``incident``,
    id the level. Only causes driving the misses of two or more levels are kept: each other
    level a cause drives was missed by the level's failed incidents, so its credit and the
    level's are one (:func:`siamlib.waivers.waive_credits`; not the other levels' between
    them: two levels met without one level's failures may be failed by different tickets).

    >>> lt = pd.DataFrame({"service_level": ["RESP"] * 4 + ["RES"] * 4,
    ...     "ticket_id": list("ABCD") * 2, "met": [True, True, False, False] * 2})
    >>> c = incident_causes(lt, {"RESP": 60.0, "RES": 60.0})
    >>> c[["service_level", "cause_id", "actual", "actual_without"]].values.tolist()
    [['RES', 'RES', 50.0, 100.0], ['RESP', 'RES', 50.0, 100.0], \
['RES', 'RESP', 50.0, 100.0], ['RESP', 'RESP', 50.0, 100.0]]
    """
    if level_tickets.empty:
        return pd.DataFrame(columns=CAUSES_COLUMNS)
    lt = level_tickets
    den, num = _den_num(lt)
    failed = den.astype(bool) & ~num.astype(bool)
    links = pd.DataFrame(
        {
            "cause_kind": "incident",
            "cause_id": lt.loc[failed, "service_level"].astype(str),
            "ticket_id": lt.loc[failed, "ticket_id"].astype(str),
        }
    ).drop_duplicates()
    rows = level_causes(lt, links, minimums)
    rows = rows[rows["drives_miss"].astype(bool)]
    levels_driven = rows.groupby("cause_id")["service_level"].transform("nunique")
    return (
        rows[levels_driven >= 2].sort_values(["cause_id", "service_level"]).reset_index(drop=True)
    )


def level_evidence(
    clocks: pd.DataFrame,
    cards: pd.DataFrame,
    params,
    period: str,
    *,
    memo: dict | None = None,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The level evidence of ``cards``' levels (:func:`siamlib.levels.level_rows`, rolling
    windows of small samples included), worked out once per ``memo``.

    The causes tables and the evidence files read the same frame through one ``memo`` (the
    run keeps it on its :class:`siamlib.workbook.Work`), so the tickets a cause waives are
    the tickets the evidence lists, and the evidence is not computed twice. The frame depends
    on the levels and, for a small sample, on the window it was scored on (a draft may change
    ``min_volume`` or ``small_samples``), not on targets: both are in the memo's key, so a
    what-if replay re-scoring drafts reuses it.
    """
    from siamlib import levels  # here: levels reads the params, causes stays import-light

    keyed = cards.reindex(columns=["supplier_id", "service_level", "measure", "scope", "scored_on"])
    key = (period, *keyed.itertuples(index=False, name=None))
    if memo is not None and key in memo:
        return memo[key]
    evidence = levels.level_rows(clocks, cards, params, period, windows=True, notes=notes)
    if memo is not None:
        memo[key] = evidence
    return evidence


def cause_tables(
    tickets: pd.DataFrame,
    clocks: pd.DataFrame,
    outages: pd.DataFrame | None,
    cards: dict[str, pd.DataFrame],
    params,
    period: str,
    *,
    links: pd.DataFrame | None = None,
    memo: dict | None = None,
    notes: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Per supplier, the causes table of its count-based levels, from the level evidence.

    ``tickets`` and ``clocks`` are the period's kept tickets and clocks (exclusions out),
    ``cards`` the scorecards by supplier id, ``params`` the loaded params. A level is missed
    as its contract's credit trigger says (below minimum, or below expected). ``links``:
    :func:`link_causes` of ``tickets`` and ``outages`` when the caller already has it (it
    depends on the data only). ``memo``: a dict the caller keeps for the same ``tickets``
    and ``clocks``; the level evidence of a period and set of levels is worked out once (it
    does not depend on the levels' targets, only on the levels and the window each was scored
    on), as a what-if replay re-scoring drafts needs. ``events``: :func:`outage_events` of
    ``outages`` when the caller already has it (it depends on the data only).
    A level scored on its rolling window (small sample) is tested over the window's records,
    the rows its actual was computed from, less the months ``notes`` blank (as the scoring).
    """
    stacked = [c for c in cards.values() if not c.empty and "service_level" in c.columns]
    if not stacked:
        return {s.id: level_causes(_NO_ROWS, _NO_LINKS, {}) for s in params.estate.suppliers}
    all_cards = pd.concat(stacked, ignore_index=True)
    evidence = level_evidence(clocks, all_cards, params, period, memo=memo, notes=notes)
    if outages is not None and len(outages) and events is None:
        events = outage_events(outages)  # once, for the links and the records below
    links = link_causes(tickets, outages, events=events) if links is None else links
    records = {}  # outage event id -> its records, for the ticket levels' rows
    if outages is not None and len(outages):
        ev = events.dropna(subset=["event"])
        records = dict(zip(ev["event"], ev["event_records"], strict=True))
    out = {}
    for s in params.estate.suppliers:
        card = cards[s.id]
        if card.empty:  # no levels scored: nothing to link
            out[s.id] = pd.DataFrame(columns=CAUSES_COLUMNS)
            continue
        trigger = params.contract(s.id).credit_regime.trigger
        # the level is "missed" as the credit trigger says: below minimum, or below expected
        bar = "expected" if trigger == "below_expected" else "minimum"
        bars = dict(zip(card.get("service_level", []), card.get(bar, []), strict=False))
        mine = evidence[evidence["supplier_id"] == s.id]
        ticket_causes = level_causes(mine, links, bars)
        if records and len(ticket_causes):
            is_outage = ticket_causes["cause_kind"] == "outage"
            ticket_causes.loc[is_outage, "cause_records"] = [
                records.get(c, c) for c in ticket_causes.loc[is_outage, "cause_id"]
            ]
        parts = [ticket_causes, downtime_causes(outages, card, params, period, bar)]
        if params.contract(s.id).credit_regime.one_credit_per_incident:
            parts.append(incident_causes(mine, bars))
        parts = [p for p in parts if not p.empty]
        out[s.id] = (
            pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CAUSES_COLUMNS)
        )
    return out


def cause_tables_by_month(
    tickets: pd.DataFrame,
    clocks: pd.DataFrame,
    outages: pd.DataFrame | None,
    trends: dict[str, pd.DataFrame],
    params,
    months,
    notes: pd.DataFrame | None = None,
    *,
    links: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """:func:`cause_tables` of several months, each from that month's rows of the suppliers'
    stacked scorecards ``trends`` (:func:`siamlib.scorecard.trend`): ``{month: {supplier:
    causes}}``. Earn-back and the what-if replay read earlier months' causes this way.
    ``links`` and ``events`` as :func:`cause_tables` takes them (worked out once if not
    given)."""
    if not months:
        return {}
    if outages is not None and len(outages) and events is None:
        events = outage_events(outages)
    if links is None:
        links = link_causes(tickets, outages, events=events)
    return {
        month: cause_tables(
            tickets,
            clocks,
            outages,
            {sid: t[t["period"] == month].reset_index(drop=True) for sid, t in trends.items()},
            params,
            month,
            notes=notes,
            links=links,
            events=events,
        )
        for month in sorted(months)
    }


UNCHECKED_NOTE = "one cause, one credit not checked against outages: no outages data"


def note_unchecked(ledger: pd.DataFrame, outages: pd.DataFrame | None) -> pd.DataFrame:
    """Say on each SLA credit line when no outage could be checked as its cause.

    Without an outages table (absent, or without a single row) a miss cannot be linked to an
    outage, so a credit one outage would have waived stands; the line says why instead of
    reading like any other credit.

    >>> led = pd.DataFrame({"line": ["credit", "credit"], "measure": ["sla_resolution_attainment",
    ...     "reopen_rate"], "explanation": ["P2 missed", "REOPEN missed"]})
    >>> note_unchecked(led, None)["explanation"].str.endswith("no outages data").tolist()
    [True, False]
    """
    if (outages is not None and len(outages)) or ledger.empty or "measure" not in ledger.columns:
        return ledger
    sla = (ledger["line"] == "credit") & ledger["measure"].astype(str).str.startswith("sla_")
    if not sla.any():
        return ledger
    out = ledger.copy()
    out.loc[sla, "explanation"] = out.loc[sla, "explanation"].astype(str) + f"; {UNCHECKED_NOTE}"
    return out


_NO_ROWS = pd.DataFrame({"service_level": [], "ticket_id": [], "met": []})
_NO_LINKS = pd.DataFrame({"cause_kind": [], "cause_id": [], "ticket_id": []})


def downtime_causes(
    outages: pd.DataFrame | None, card: pd.DataFrame, params, period: str, bar: str = "minimum"
) -> pd.DataFrame:
    """Causes of one supplier's missed availability levels: its outage events' minutes.

    For each missed ``availability`` level of ``card`` and each outage event of the supplier
    (:func:`outage_events`: overlapping unplanned records are one event), availability is
    recomputed without every record of the event by the measure itself
    (:func:`siamlib.measures.tower.availability` on the supplier's outages, planned windows
    included: same calendar, merging of overlaps and planned-window rule as the scorecard);
    ``actual`` is the card's actual. ``records`` is the event's downtime minutes the measure
    counts in the period (``breached`` too: every minute of it is downtime); an event the
    measure counts no minute of (outside the period or the level's service, or inside a
    planned window) is no cause of the level's miss. ``cause_records`` lists its record ids.
    """
    from siamlib.measures import scope_key
    from siamlib.measures.tower import availability

    rows = []
    missed = card[(card.get("measure") == "availability") & (card.get("actual") < card.get(bar))]
    if outages is None or outages.empty or missed.empty:
        return pd.DataFrame(rows, columns=CAUSES_COLUMNS)
    supplier = str(missed["supplier_id"].iloc[0])
    # all the supplier's records, planned windows too: the measure's input, not a subset
    mine = outages[outages["supplier_id"] == supplier].reset_index(drop=True)
    events = outage_events(mine) if len(mine) else mine.assign(event=None)
    # An event without an id cannot be named as a cause (the gate blocks such rows).
    events = events[events["event"].notna()]
    # An event none of whose records reaches into the period counts no minute of it (the
    # measure clips every merged interval to the period), so it is no cause and recomputing
    # availability without it is skipped.
    if len(events):
        events = events[_in_period(events, period, params)]
    by_event = {}  # availability without an event, worked out once for every missed level

    def measured(eid) -> pd.DataFrame | None:
        if eid not in by_event:
            frame = mine if eid is None else mine.drop(index=event_rows[eid])
            by_event[eid] = availability(frame, period, params) if len(frame) else None
        return by_event[eid]

    def value(eid, scope: str) -> tuple[float, float]:
        a = measured(eid)
        if a is None or a.empty:
            return 100.0, 0.0
        a = a[a["supplier_id"] == supplier]
        if scope:
            a = a[[scope_key({"service": s}) == scope for s in a["service"]]]
        den = float(a["denominator"].sum())
        return (100.0 * float(a["numerator"].sum()) / den if den else 100.0), float(
            a["unplanned_minutes"].sum()
        )

    grouped = list(events.groupby("event", sort=True))
    event_rows = {eid: event.index for eid, event in grouped}
    for level in missed.itertuples(index=False):
        _, base_minutes = value(None, level.scope)
        for eid, event in grouped:
            without, minutes = value(eid, level.scope)
            if base_minutes - minutes <= 0:
                continue  # no minute counted in the period on the level's service
            minimum = float(getattr(level, bar))
            rows.append(
                {
                    "service_level": level.service_level,
                    "cause_kind": "outage",
                    "cause_id": str(eid),
                    "records": int(round(base_minutes - minutes)),
                    "breached": int(round(base_minutes - minutes)),
                    "actual": float(level.actual),
                    "actual_without": without,
                    "minimum": minimum,
                    "drives_miss": bool(without >= minimum),
                    "cause_records": str(event["event_records"].iloc[0]),
                    "unit": "minutes",
                }
            )
    return pd.DataFrame(rows, columns=CAUSES_COLUMNS)


def _in_period(records: pd.DataFrame, period: str, params) -> pd.Series:
    """Per outage record: whether its downtime reaches into ``period``, with the bounds and
    the clipping of :func:`siamlib.measures.tower.availability` (a record with no end runs
    on; one with no start counts nothing). True for every record of an event any of whose
    records reaches in, so an event is kept or dropped whole."""
    from siamlib.measures._base import _bounds_us, _tz, _us

    starts, ends = _bounds_us([period], _tz(None, params))
    start = np.maximum(_us(records["start_at"]), starts[0])
    end = np.minimum(_us(records["end_at"]), ends[0])
    reaches = pd.Series(end > start, index=records.index)
    return reaches.groupby(records["event"]).transform("any").astype(bool)


def stack(tables: dict) -> pd.DataFrame:
    """Causes tables by supplier id -> one frame with ``supplier_id`` first.

    >>> stack({}).columns[:2].tolist()
    ['supplier_id', 'service_level']
    """
    parts = [c.assign(supplier_id=k) for k, c in tables.items() if c is not None and len(c)]
    if not parts:
        return pd.DataFrame(columns=["supplier_id", *CAUSES_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["supplier_id", *CAUSES_COLUMNS]]
