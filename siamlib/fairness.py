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
  report also the tower's own ping-pong rate, with the watermelon check's red-signal
  threshold when it is above it (:func:`own_ping_pong`);
- ``alerts``: the clock-stop gaming and watermelon sentences of :func:`siamlib.frontpage.alerts`.

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

WAIVED_COLUMNS = ["supplier_id", "service_level", "explanation", "cause_id"]
SMALL_COLUMNS = ["supplier_id", "service_level", "name", "denominator", "scored_on", "note"]
ROUTE_COLUMNS = ["measure", "name", "raw", "adjusted", "designed_share", "owner", "note"]
ESTATE_NOTE = "estate-wide: every supplier's tickets, the integrator's scored level"
_ROUTE_MEASURES = {
    "cross_supplier_handoffs": "Cross-supplier handoffs per ticket",
    "ping_pong_rate": "Ping-pong rate (%)",
}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class FairnessPanel:
    """The panel's four parts (frames may be empty; ``alerts`` is a tuple of sentences)."""

    waived: pd.DataFrame = field(default_factory=lambda: _empty(WAIVED_COLUMNS))
    small: pd.DataFrame = field(default_factory=lambda: _empty(SMALL_COLUMNS))
    routes: pd.DataFrame = field(default_factory=lambda: _empty(ROUTE_COLUMNS))
    alerts: tuple[str, ...] = ()

    def frames(self) -> dict[str, pd.DataFrame]:
        """The panel as bundle frames (``fairness_*``), alerts one per row."""
        return {
            "fairness_waived": self.waived,
            "fairness_small": self.small,
            "fairness_routes": self.routes,
            "fairness_alerts": pd.DataFrame({"alert": pd.Series(self.alerts, dtype="str")}),
        }


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
                "note": ESTATE_NOTE,
            }
        )
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS) if rows else _empty(ROUTE_COLUMNS)


def own_ping_pong(values: pd.DataFrame | None, supplier_id: str) -> pd.DataFrame:
    """A tower's own ping-pong rate (shown unit, %) as a ``routes`` row, its red signal said.

    The rate is the share of the tickets the tower touched that bounced back to a supplier
    they had left (the watermelon check's experience signal); above
    :data:`siamlib.measures.gaming.WATERMELON_PING_PONG_MAX` the note says it is red. Designed
    routes adjust the estate's figure only, so ``adjusted`` and ``designed_share`` are empty.

    >>> v = pd.DataFrame({"supplier_id": ["hosting"], "scope": [""],
    ...     "measure": ["ping_pong_rate"], "value": [60 / 337], "numerator": [60.0],
    ...     "denominator": [337.0]})
    >>> r = own_ping_pong(v, "hosting").iloc[0]
    >>> round(float(r["raw"]), 2), r["owner"], r["note"]
    (17.8, 'hosting', 'red signal: above the 5% threshold of the watermelon check \
(60 of the 337 tickets it touched bounced)')
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
    counts = f"{r['numerator']:.0f} of the {r['denominator']:.0f} tickets it touched bounced"
    above = float(r["value"]) > WATERMELON_PING_PONG_MAX
    limit = f"{WATERMELON_PING_PONG_MAX * 100:g}%"
    note = (
        f"red signal: above the {limit} threshold of the watermelon check ({counts})"
        if above
        else f"at or below the {limit} red-signal threshold ({counts})"
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
) -> FairnessPanel:
    """The panel of one report from the period's ledger(s), scorecard(s) and values.

    Pass the rows the report may show (a tower's own, or every supplier's for the
    integrator and the board); ``values`` must hold the integrator's route measures for the
    ``routes`` part. ``own``: the tower whose report it is (its own ping-pong row).
    """
    from siamlib import frontpage

    waived = _empty(WAIVED_COLUMNS)
    if ledger is not None and not ledger.empty and "line" in ledger.columns:
        w = ledger[ledger["line"].eq("waived")].copy()
        if "cause_id" not in w.columns:
            w["cause_id"] = ""
        waived = w[WAIVED_COLUMNS].reset_index(drop=True)
    small = _empty(SMALL_COLUMNS)
    if cards is not None and not cards.empty and "small_sample" in cards.columns:
        small = cards.loc[cards["small_sample"].astype(bool), SMALL_COLUMNS].reset_index(drop=True)
    bundle = {
        "meta": {"supplier_names": supplier_names or {}},
        "frames": {
            k: v
            for k, v in (("paused_share", paused_share), ("watermelon", watermelon))
            if v is not None
        },
    }
    routes = route_figures(values, integrator_id)
    if own is not None:
        mine = own_ping_pong(values, own)
        routes = pd.concat([routes, mine], ignore_index=True) if len(mine) else routes
    return FairnessPanel(
        waived=waived,
        small=small,
        routes=routes,
        alerts=frontpage.alerts(bundle),
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

    signals = work._cached("fairness_signals", signals_of)
    paused, melon = signals
    ids, tower = list(work.cards), None
    if name != BOARD and p.estate.supplier(name).role != "integrator":
        ids, tower = [name], name
        paused = paused[paused["supplier_id"] == name]
        melon = melon[melon["supplier_id"] == name]
    ledgers = [work.ledgers[i] for i in ids if i in work.ledgers]
    cards = [work.cards[i] for i in ids if i in work.cards]
    return fairness_panel(
        ledger=pd.concat(ledgers, ignore_index=True) if ledgers else None,
        cards=pd.concat(cards, ignore_index=True) if cards else None,
        values=current,
        integrator_id=integ,
        paused_share=paused,
        watermelon=melon,
        supplier_names={s.id: s.name for s in p.estate.suppliers},
        own=tower,
    )
