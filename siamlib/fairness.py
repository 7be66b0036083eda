"""The fairness panel: what a supplier would contest, gathered in one place.

Every supplier report, the integrator report and the board summary show the same panel,
computed here from frames the period's single computation already holds (the money rule):

- ``waived``: credit-ledger lines of kind ``waived`` (one cause, one credit: amount 0, the
  explanation says which line the cause is already charged on; ``cause_id`` when present);
- ``small``: scorecard levels whose month counted fewer records than their ``min_volume``,
  with what they were scored on instead (:mod:`siamlib.samples`);
- ``routes``: the integrator's handoff and ping-pong figures raw and with designed-route
  moves left out, and the designed share of the raw moves (:mod:`siamlib.measures.routes`),
  each row naming whose figure it is (``owner``: the integrator, estate-wide); in a tower's
  report also the tower's own ping-pong rate, with the ping-pong red-signal threshold
  when it is above it (:func:`own_ping_pong`);
- ``alerts``: the signals a board must not miss, one sentence each, and the figures behind
  them (:func:`alert_rows`): clock-stop gaming, watermelons and a tower's own ping-pong rate
  above the red-signal threshold. The board's front page, the supplier's report and its email
  all show these rows, so an alert reads the same, with the same figures, everywhere.

>>> import pandas as pd
>>> ledger = pd.DataFrame({"supplier_id": ["hosting", "hosting"], "service_level": ["AVAIL",
...     "P2-RES"], "line": ["credit", "waived"], "amount": [7200.0, 0.0],
...     "explanation": ["AVAIL ...", "waived: same cause as AVAIL, outage OUT1"],
...     "cause_id": ["OUT1", "OUT1"]})
>>> fairness_panel(ledger=ledger).waived[["service_level", "cause_id"]].values.tolist()
[['P2-RES', 'OUT1']]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from siamlib import present
from siamlib.common import ALL
from siamlib.measures import gaming

WAIVED_COLUMNS = ["supplier_id", "service_level", "explanation", "cause_id"]
SMALL_COLUMNS = ["supplier_id", "service_level", "name", "denominator", "scored_on", "note"]
ROUTE_COLUMNS = ["measure", "name", "raw", "adjusted", "designed_share", "owner", "note"]
ESTATE_NOTE = "estate-wide: every supplier's tickets, the integrator's scored level"
# The estate-wide ping-pong row's note adds what sets it apart from a supplier's own rate.
ESTATE_PING_PONG_NOTE = (
    f"{ESTATE_NOTE}; each bounced ticket counted once over all tickets (a supplier's own rate "
    "is its share of the tickets it touched, not comparable with it)"
)
# Where the ping-pong red signal comes from: a fixed threshold of the workbook
# (:data:`siamlib.measures.gaming.WATERMELON_PING_PONG_MAX`, the one the watermelon check also
# reads), not a contract's level; and what a supplier's own rate counts.
PING_PONG_THRESHOLD = "ping-pong red-signal threshold (fixed in the workbook, not a contract level)"
PING_PONG_BOTH_SIDES = (
    "a bounce counts against both suppliers in it, so the other supplier's rate counts the "
    "same tickets (who bounced whom: the ping-pong by supplier pair table of the integrator's "
    "report to the board; a supplier asks the integrator for its rows)"
)
# Clock-stop gaming signal: a quarter of the clock time stopped, or a quarter of the tickets
# paused right before resolution, is far above what waiting-for-customer explains in the
# estates we measure; the board should ask why.
GAMING_PAUSED_SHARE = 0.25
GAMING_PAUSE_BEFORE_RESOLUTION = 0.25
# One row per figure behind an alert (``alert`` repeats on each): ``value`` in the shown unit,
# ``shown`` as the sentence says it, ``counted`` the records it is taken over, ``signal``
# the check's threshold for it (``signal at 25% or more``, ``green at 95% or more``,
# ``red above 10%``).
ALERT_COLUMNS = ["supplier_id", "kind", "alert", "figure", "value", "shown", "counted", "signal"]
CLOCK_STOP, WATERMELON, PING_PONG = "Clock-stop signal", "Watermelon", "Ping-pong"
_SLA = {"sla_response_attainment": "responded to", "sla_resolution_attainment": "resolved"}
_ROUTE_MEASURES = {
    "cross_supplier_handoffs": "Cross-supplier handoffs per ticket",
    "ping_pong_rate": "Ping-pong rate (%)",
}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class FairnessPanel:
    """The panel's four parts (frames may be empty; ``alert_figures`` are the report's
    :func:`alert_rows`, ``alerts`` their sentences)."""

    waived: pd.DataFrame = field(default_factory=lambda: _empty(WAIVED_COLUMNS))
    small: pd.DataFrame = field(default_factory=lambda: _empty(SMALL_COLUMNS))
    routes: pd.DataFrame = field(default_factory=lambda: _empty(ROUTE_COLUMNS))
    alert_figures: pd.DataFrame = field(default_factory=lambda: _empty(ALERT_COLUMNS))

    @property
    def alerts(self) -> tuple[str, ...]:
        """The alert sentences, each once, in order."""
        return alert_sentences(self.alert_figures)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The panel as bundle frames (``fairness_*``), alerts one row per figure."""
        return {
            "fairness_waived": self.waived,
            "fairness_small": self.small,
            "fairness_routes": self.routes,
            "fairness_alerts": self.alert_figures,
        }


def alert_sentences(rows: pd.DataFrame | None) -> tuple[str, ...]:
    """The sentences of :func:`alert_rows` (or of a pack's ``fairness_alerts`` frame written
    before the figures were added: one ``alert`` per row), each once, in order.

    >>> alert_sentences(pd.DataFrame({"alert": ["a", "a", "b"]}))
    ('a', 'b')
    """
    if rows is None or rows.empty or "alert" not in rows.columns:
        return ()
    return tuple(dict.fromkeys(rows["alert"].astype(str)))


def _overall(values: pd.DataFrame | None, supplier_id: str, measure: str) -> pd.Series | None:
    """A supplier's overall (scope ``""``) value row of ``measure``, or None."""
    if values is None or values.empty:
        return None
    hit = values[
        values["supplier_id"].eq(supplier_id)
        & values["scope"].eq("")
        & values["measure"].eq(measure)
        & values["value"].notna()
    ]
    return None if hit.empty else hit.iloc[0]


def _n(value) -> str:
    return present.fmt_number(value, "", 0)


def _of(row: pd.Series | None, what: str) -> str:
    """``62 of 410 resolved tickets`` from a value row's counts (``""`` without)."""
    if row is None or present.is_missing(row.get("numerator")):
        return ""
    return f"{_n(row['numerator'])} of {_n(row['denominator'])} {what}"


def _row(sid: str, kind: str, figure: str, value, shown: str, counted: str, signal: str):
    """One figure of an alert (its sentence is added once all its figures are known)."""
    cells = [sid, kind, "", figure, float(value), shown, counted, signal]
    return dict(zip(ALERT_COLUMNS, cells, strict=True))


def _said(rows: list[dict], alert: str) -> list[dict]:
    return [{**r, "alert": alert} for r in rows]


def _clock_stop(r: pd.Series, name: str) -> list[dict]:
    """A clock-stop alert's two figures, with the paused hours and tickets they count."""
    sid = r["supplier_id"]
    a, b = (
        present.fmt_percent(t, 0) for t in (GAMING_PAUSED_SHARE, GAMING_PAUSE_BEFORE_RESOLUTION)
    )
    # The counts behind each share, where the frame has them (a hand-built one may not).
    r = r.reindex(r.index.union(["paused_h", "clock_h", "paused_before_resolution", "tickets"]))
    hours = f"{_n(r['paused_h'])} of {_n(r['clock_h'])} business hours on the clock"
    tickets = f"{_n(r['paused_before_resolution'])} of {_n(r['tickets'])} resolved tickets"
    paused, before = r["paused_share"], r["pause_before_resolution_share"]
    hours = "" if present.is_missing(r["clock_h"]) else hours
    tickets = "" if present.is_missing(r["tickets"]) else tickets
    rows = [
        _row(sid, CLOCK_STOP, "clock time paused", paused * 100, present.fmt_percent(paused, 0),
             hours, f"signal at {a} or more"),
        _row(sid, CLOCK_STOP, "tickets paused just before resolution", before * 100,
             present.fmt_percent(before, 0), tickets, f"signal at {b} or more"),
    ]  # fmt: skip
    signal = f"a signal at {a} or more of either" if a == b else f"signals at {a} and {b} or more"
    return _said(
        rows,
        f"{CLOCK_STOP}, {name}: {rows[0]['shown']} of clock time paused and {rows[1]['shown']} "
        f"of tickets paused just before resolution ({signal}); ask why.",
    )


# The watermelon check's experience signals: the figure's name, its decimals (as the
# scorecard states it), the check's threshold and side, and what its counts count.
_SIGNALS = {
    "reopen_rate": ("reopen rate", 2, gaming.WATERMELON_REOPEN_MAX, "above", "resolved tickets"),
    "satisfaction": ("satisfaction", 2, gaming.WATERMELON_SATISFACTION_MIN, "below", "responses"),
    "ping_pong_rate": ("ping-pong rate", 1, gaming.WATERMELON_PING_PONG_MAX, "above",
                       "tickets it touched"),
}  # fmt: skip


def _time_targets(r: pd.Series, values: pd.DataFrame | None, green: str) -> list[dict]:
    """A watermelon's time-target figures: the one the check read (the lower of response and
    resolution, ``sla_measure``), named for what it is, then the other one beside it."""
    sid, which = r["supplier_id"], r.get("sla_measure")
    if which not in _SLA:  # a frame without the measure's name: say what the check reads
        shown = present.fmt_percent(r["sla_attainment"], 2)
        what = "tickets within target, the lower of response and resolution"
        return [_row(sid, WATERMELON, what, r["sla_attainment"] * 100, shown, "", green)]
    rows = []
    for m in [which, *(k for k in _SLA if k != which)]:
        own = _overall(values, sid, m)
        value = r["sla_attainment"] if m == which else (None if own is None else own["value"])
        if not present.is_missing(value):
            what = f"tickets {_SLA[m]} within target"
            shown = present.fmt_percent(value, 2)  # as the supplier's scorecard states it
            rows.append(_row(sid, WATERMELON, what, value * 100, shown, _of(own, "tickets"), green))
    return rows


def _watermelon(r: pd.Series, name: str, values: pd.DataFrame | None) -> list[dict]:
    """A watermelon alert: its time-target figures (:func:`_time_targets`) and each red
    experience signal's figure against the check's threshold."""
    sid = r["supplier_id"]
    green = f"{present.fmt_percent(gaming.WATERMELON_SLA_EXPECTED, 0)} or more"
    rows = _time_targets(r, values, f"green at {green}")
    head = " and ".join(f"{x['shown']} of {x['figure']}" for x in rows)
    reds = []
    for signal in [s.strip() for s in str(r.get("red_signals") or "").split(",") if s.strip()]:
        figure, digits, limit, side, what = _SIGNALS[signal]
        value, own = r.get(signal), _overall(values, sid, signal)
        if present.is_missing(value):  # a frame without the signal's figure: named alone
            reds.append(figure)
            continue
        value = float(value)
        if signal == "satisfaction":  # a mean score: its responses, no share
            shown = f"{present.fmt_number(value, '', digits)} of 5"
            limit = present.fmt_number(limit, "", 1)
            counted = "" if own is None else f"{_n(own['denominator'])} {what}"
        else:
            shown, limit = present.fmt_percent(value, digits), present.fmt_percent(limit, 0)
            value, counted = value * 100, _of(own, what)
        reds.append(f"{figure} {shown}, {side} {limit}")
        rows.append(_row(sid, WATERMELON, figure, value, shown, counted, f"red {side} {limit}"))
    return _said(
        rows,
        f"{WATERMELON}, {name}: {head} (all priorities; green at {green}), but experience red "
        "against the watermelon check's own fixed thresholds, not the contract's "
        f"({'; '.join(reds)}); ask what the time targets miss.",
    )


def _ping_pong(row: pd.Series, name: str) -> list[dict]:
    """A tower's own ping-pong rate above the ping-pong red-signal threshold
    (:data:`siamlib.measures.gaming.WATERMELON_PING_PONG_MAX`, :data:`PING_PONG_THRESHOLD`).

    The rate counts a bounce against both suppliers in it (the one bounced back to and the
    one bouncing), so two suppliers' rates largely count the same tickets: the sentence says
    so and points to the integrator report's pair table for who bounced whom."""
    limit = present.fmt_percent(gaming.WATERMELON_PING_PONG_MAX, 0)
    shown, counted = present.fmt_percent(row["value"], 1), _of(row, "tickets it touched")
    figure = "ping-pong rate, own tickets"
    fig = _row(row["supplier_id"], PING_PONG, figure, row["value"] * 100, shown, counted,
               f"red above {limit}")  # fmt: skip
    return _said(
        [fig],
        f"{PING_PONG}, {name}: {shown} of the tickets it touched had a bounce it was party to, "
        f"as sender or receiver ({_of(row, '').strip()}), above the {limit} "
        f"{PING_PONG_THRESHOLD}; {PING_PONG_BOTH_SIDES}; ask why its tickets bounce.",
    )


def alert_rows(
    *,
    paused_share: pd.DataFrame | None = None,
    watermelon: pd.DataFrame | None = None,
    values: pd.DataFrame | None = None,
    towers: tuple[str, ...] | list[str] = (),
    supplier_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The alerts of a period and the figures behind each: the one source of every alert the
    board's front page, a supplier's report and its email show.

    Parameters
    ----------
    paused_share : DataFrame, optional
        :func:`siamlib.measures.gaming.paused_share` of the period: a clock-stop alert where
        either share reaches :data:`GAMING_PAUSED_SHARE` /
        :data:`GAMING_PAUSE_BEFORE_RESOLUTION` (the estate row is no supplier's).
    watermelon : DataFrame, optional
        :func:`siamlib.measures.gaming.watermelon` of the period: an alert per watermelon.
    values : DataFrame, optional
        The period's measure values: the counts behind the figures, the other time-target
        figure of a watermelon, and each tower's own ping-pong rate.
    towers : sequence of str
        Suppliers whose own ping-pong rate above the ping-pong red-signal threshold
        (:data:`siamlib.measures.gaming.WATERMELON_PING_PONG_MAX`) is an alert, unless their
        watermelon alert already names it.
    supplier_names : dict, optional
        Supplier id -> name, as the sentences name them.

    Returns
    -------
    DataFrame
        ``ALERT_COLUMNS``, one row per figure; clock-stop alerts first, then watermelons,
        then ping-pong.

    Examples
    --------
    >>> ps = pd.DataFrame({"supplier_id": ["euc"], "paused_share": [0.34],
    ...     "pause_before_resolution_share": [0.64]})
    >>> rows = alert_rows(paused_share=ps, supplier_names={"euc": "Harbour"})
    >>> print(rows["alert"].iloc[0])
    Clock-stop signal, Harbour: 34% of clock time paused and 64% of tickets paused just before \
resolution (a signal at 25% or more of either); ask why.
    >>> rows[["figure", "shown", "signal"]].values.tolist()[1]
    ['tickets paused just before resolution', '64%', 'signal at 25% or more']
    """
    names = supplier_names or {}
    out: list[dict] = []
    if paused_share is not None and not paused_share.empty:
        ps = paused_share[paused_share["supplier_id"] != ALL]  # the estate is not a supplier
        hit = ps[
            ps["paused_share"].ge(GAMING_PAUSED_SHARE)
            | ps["pause_before_resolution_share"].ge(GAMING_PAUSE_BEFORE_RESOLUTION)
        ]
        for _, r in hit.iterrows():
            out += _clock_stop(r, names.get(r["supplier_id"], r["supplier_id"]))
    said_ping_pong = set()
    if watermelon is not None and not watermelon.empty:
        for _, r in watermelon[watermelon["watermelon"].fillna(False).astype(bool)].iterrows():
            out += _watermelon(r, names.get(r["supplier_id"], r["supplier_id"]), values)
            if "ping_pong_rate" in str(r.get("red_signals") or ""):
                said_ping_pong.add(r["supplier_id"])
    for sid in towers:
        own = _overall(values, sid, "ping_pong_rate")
        if own is None or sid in said_ping_pong:
            continue
        if float(own["value"]) > gaming.WATERMELON_PING_PONG_MAX:
            out += _ping_pong(own, names.get(sid, sid))
    if not out:
        return _empty(ALERT_COLUMNS)
    return pd.DataFrame(out, columns=ALERT_COLUMNS)


def route_figures(values: pd.DataFrame | None, integrator_id: str) -> pd.DataFrame:
    """Raw and adjusted handoff and ping-pong figures of the integrator (shown unit).

    ``designed_share`` = (raw numerator - adjusted numerator) / raw numerator: the share of
    the raw handoffs (bounced tickets) that lay along designed routes.

    >>> v = pd.DataFrame({"supplier_id": ["i", "i"], "scope": ["", ""],
    ...     "measure": ["cross_supplier_handoffs", "cross_supplier_handoffs_raw"],
    ...     "value": [0.1, 1.0], "numerator": [1.0, 10.0], "denominator": [10.0, 10.0]})
    >>> route_figures(v, "i")[["raw", "adjusted", "designed_share"]].values.tolist()
    [[1.0, 0.1, 0.9]]
    """
    if values is None or values.empty:
        return _empty(ROUTE_COLUMNS)
    own = values[values["supplier_id"].eq(integrator_id) & values["scope"].eq("")]
    own = own.set_index("measure")
    rows = []
    for m, name in _ROUTE_MEASURES.items():
        if m not in own.index or f"{m}_raw" not in own.index:
            continue
        adj, raw = own.loc[m], own.loc[f"{m}_raw"]
        scale = 100.0 if m == "ping_pong_rate" else 1.0
        share = (
            (raw["numerator"] - adj["numerator"]) / raw["numerator"]
            if raw["numerator"]
            else float("nan")
        )
        rows.append(
            {
                "measure": m,
                "name": name,
                "raw": round(float(raw["value"]) * scale, 10),
                "adjusted": round(float(adj["value"]) * scale, 10),
                "designed_share": float(share),
                "owner": integrator_id,
                "note": ESTATE_PING_PONG_NOTE if m == "ping_pong_rate" else ESTATE_NOTE,
            }
        )
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS) if rows else _empty(ROUTE_COLUMNS)


def own_ping_pong(values: pd.DataFrame | None, supplier_id: str) -> pd.DataFrame:
    """A tower's own ping-pong rate (shown unit, %) as a ``routes`` row, its red signal said.

    The rate is the share of the tickets the tower touched with a bounce (A -> B -> A) it was
    party to, as sender or receiver (a bounce counts against both suppliers in it); above
    :data:`siamlib.measures.gaming.WATERMELON_PING_PONG_MAX` the note says it is red. Designed
    routes adjust the estate's figure only, so ``adjusted`` and ``designed_share`` are empty.

    >>> v = pd.DataFrame({"supplier_id": ["hosting"], "scope": [""],
    ...     "measure": ["ping_pong_rate"], "value": [60 / 337], "numerator": [60.0],
    ...     "denominator": [337.0]})
    >>> r = own_ping_pong(v, "hosting").iloc[0]
    >>> round(float(r["raw"]), 2), r["owner"]
    (17.8, 'hosting')
    >>> print(r["note"])
    red signal: above the 5% ping-pong red-signal threshold (fixed in the workbook, not a \
contract level); this supplier's own share: tickets it touched with a bounce it was party to, \
as sender or receiver (60 of 337), not the estate-wide rate
    """
    from siamlib.measures.gaming import WATERMELON_PING_PONG_MAX

    if values is None or values.empty:
        return _empty(ROUTE_COLUMNS)
    own = values[
        values["supplier_id"].eq(supplier_id)
        & values["scope"].eq("")
        & values["measure"].eq("ping_pong_rate")
        & values["value"].notna()
    ]
    if own.empty:
        return _empty(ROUTE_COLUMNS)
    r = own.iloc[0]
    counts = f"{r['numerator']:.0f} of {r['denominator']:.0f}"
    above = float(r["value"]) > WATERMELON_PING_PONG_MAX
    limit = f"{WATERMELON_PING_PONG_MAX * 100:g}%"
    own_share = (
        "this supplier's own share: tickets it touched with a bounce it was party to, as "
        f"sender or receiver ({counts}), not the estate-wide rate"
    )
    note = (
        f"red signal: above the {limit} {PING_PONG_THRESHOLD}; {own_share}"
        if above
        else f"at or below the {limit} {PING_PONG_THRESHOLD}; {own_share}"
    )
    row = {"measure": "ping_pong_rate", "name": _ROUTE_MEASURES["ping_pong_rate"]}
    row |= {"raw": round(float(r["value"]) * 100, 10), "adjusted": float("nan")}
    row |= {"designed_share": float("nan"), "owner": supplier_id, "note": note}
    return pd.DataFrame([row], columns=ROUTE_COLUMNS)


def fairness_panel(
    *,
    ledger: pd.DataFrame | None = None,
    cards: pd.DataFrame | None = None,
    values: pd.DataFrame | None = None,
    integrator_id: str = "integrator",
    paused_share: pd.DataFrame | None = None,
    watermelon: pd.DataFrame | None = None,
    supplier_names: dict[str, str] | None = None,
    own: str | None = None,
    alerts: pd.DataFrame | None = None,
) -> FairnessPanel:
    """The panel of one report from the period's ledger(s), scorecard(s) and values.

    Pass the rows the report may show (a tower's own, or every supplier's for the
    integrator and the board); ``values`` must hold the integrator's route measures for the
    ``routes`` part. ``own``: the tower whose report it is (its own ping-pong row).
    ``alerts``: the report's :func:`alert_rows`, when already computed for the period; else
    they are computed from ``paused_share``, ``watermelon`` and ``values`` (with ``own`` as
    the one tower whose ping-pong rate may raise one).
    """
    waived = _empty(WAIVED_COLUMNS)
    if ledger is not None and not ledger.empty and "line" in ledger.columns:
        w = ledger[ledger["line"].eq("waived")].copy()
        if "cause_id" not in w.columns:
            w["cause_id"] = ""
        waived = w[WAIVED_COLUMNS].reset_index(drop=True)
    small = _empty(SMALL_COLUMNS)
    if cards is not None and not cards.empty and "small_sample" in cards.columns:
        small = cards.loc[cards["small_sample"].astype(bool), SMALL_COLUMNS].reset_index(drop=True)
    if alerts is None:
        alerts = alert_rows(
            paused_share=paused_share,
            watermelon=watermelon,
            values=values,
            towers=[own] if own is not None else [],
            supplier_names=supplier_names,
        )
    routes = route_figures(values, integrator_id)
    if own is not None:
        mine = own_ping_pong(values, own)
        routes = pd.concat([routes, mine], ignore_index=True) if len(mine) else routes
    return FairnessPanel(
        waived=waived,
        small=small,
        routes=routes,
        alert_figures=alerts.reset_index(drop=True),
    )


def panel_for(work, name: str) -> FairnessPanel:
    """The panel of report ``name`` (a supplier id, or the board) from a computed period.

    ``work`` is a :class:`siamlib.workbook.Work`; a tower sees only its own lines, levels and
    alerts, the integrator and the board every supplier's.
    """
    from siamlib.common import BOARD
    from siamlib.measures import integrator

    p = work.params
    integ = p.estate.integrator.id
    current = work.values[work.values["period"] == work.period]

    def signals_of():
        clocks = work._kept("clocks")
        # A hand-built Work may carry clocks without the pause columns: no clock-stop signal.
        needed = {"paused_h", "resolution_h", "pause_before_resolution", "resolved_at"}
        paused = (
            integrator.paused_share(clocks, work.period, tz=p.estate.timezone)
            if needed <= set(clocks.columns)
            else pd.DataFrame(columns=["supplier_id", "paused_share"])
        )
        melon = (
            integrator.watermelon(current)
            if {"value", "measure", "scope"} <= set(current.columns)
            else pd.DataFrame(columns=["supplier_id", "watermelon"])
        )
        return paused, melon

    names = {s.id: s.name for s in p.estate.suppliers}

    def alerts_of():
        # Every supplier's alerts once per period: the board, the integrator and each tower
        # read the same rows (a tower its own), so an alert says the same everywhere.
        paused, melon = signals_of()
        towers = [s.id for s in p.estate.suppliers if s.role != "integrator"]
        return alert_rows(
            paused_share=paused,
            watermelon=melon,
            values=current,
            towers=towers,
            supplier_names=names,
        )

    alerts = work._cached("fairness_alerts", alerts_of)
    ids, tower = list(work.cards), None
    if name != BOARD and p.estate.supplier(name).role != "integrator":
        ids, tower = [name], name
        alerts = alerts[alerts["supplier_id"] == name]
    ledgers = [work.ledgers[i] for i in ids if i in work.ledgers]
    cards = [work.cards[i] for i in ids if i in work.cards]
    return fairness_panel(
        ledger=pd.concat(ledgers, ignore_index=True) if ledgers else None,
        cards=pd.concat(cards, ignore_index=True) if cards else None,
        values=current,
        integrator_id=integ,
        supplier_names=names,
        own=tower,
        alerts=alerts,
    )
