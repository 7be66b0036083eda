"""The board summary's front page: what is at stake this month, and why, in a minute's read.

Pure functions from the board bundle's frames to a small typed structure (:class:`FrontPage`):
one sentence per supplier, in the board's one order (:func:`board_order`, stated by
:data:`ORDER_CAPTION`), naming each red and amber level with its gap to
target, its trend against last month and its main driver where the supplier's own report
names one (the cause :mod:`siamlib.causes` proves drove the miss, with the period's counts,
never another event of the period); the alerts a board must not miss (clock-stop gaming
signals, watermelons, towers' own ping-pong rates, data the quality gate blocked); the
suppliers whose scope conformance is a finding or cannot be judged (:func:`scope_lines`); and
the money lines of :mod:`siamlib.frontpage_money` (decisions naming each credit's levels, what
the credit tiles do not say: the agreed exclusions, what was waived, small samples; levels
left unscored that would have failed).
:func:`siamlib.sections.front_page` renders it.

Amber levels are named as well as red ones: amber is below the expected level, the board's
early warning, and costs a line, not a credit.

>>> head = {"net_credits": 0.0, "at_risk": 0.0, "share": float("nan"), "credits_rag": "green"}
>>> fp = front_page({"meta": {"period": "2026-10", "currency": "GBP", "board_headline": head},
...                  "frames": {}})
>>> fp.suppliers, fp.net_credits, fp.alerts
((), 0.0, ())
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from siamlib import fairness, present
from siamlib import frontpage_money as money_lines
from siamlib.bundles import board_headline
from siamlib.raci import CONFORMS

# At most this many levels named per supplier sentence; the rest are counted (the scorecard
# lists them all).
MAX_LEVELS = 4
# Levels are stated as the suppliers' scorecards state them (present.fmt_cell: two decimals);
# a value off 100% (or a gap off 0) gets more decimals rather than reading as 100% (or 0).
LEVEL_DIGITS = 2
MAX_DIGITS = 6  # beyond this a difference is float noise, not a fact
DRIVER_COLUMNS = ["supplier_id", "service", "kind", "ref", "when", "hours", "incidents"]
_SEVERITY = {"red": 0, "amber": 1}
# The one order of suppliers on the board page and in the board email (:func:`board_order`).
ORDER_CAPTION = (
    "ordered worst first: by the colour of each supplier's worst level (red: a level failed; "
    "then amber, grey, green), then by weighted score, lowest first; suppliers whose data "
    "was blocked last"
)


@dataclass(frozen=True)
class LevelLine:
    """One failing service level as the front page names it."""

    service_level: str
    label: str
    rag: str
    text: str
    cause: str = ""  # the cause alone, as named once per supplier sentence
    counts: str = ""  # the cause's counts for this level (linked tickets, downtime minutes)
    value: str = ""  # its figure as the scorecard states it (98.65%), for a brief mention
    expected: str = ""  # the contract's expected figure, stated the same way (99.5%)

    @property
    def driver(self) -> str:
        """The cause and its counts for this level (``""`` when none drove the miss)."""
        return f"{self.cause}: {self.counts}" if self.cause else ""


@dataclass(frozen=True)
class SupplierLine:
    """One supplier's sentence (``rag``: its worst level; ``blocked``: data stopped)."""

    supplier_id: str
    name: str
    score: float
    rag: str
    blocked: bool
    levels: tuple[LevelLine, ...]
    sentence: str


@dataclass(frozen=True)
class FrontPage:
    """The board's first screen."""

    period: str
    currency: str
    suppliers: tuple[SupplierLine, ...]
    net_credits: float
    at_risk: float
    # What the credit tiles do not say: the agreed exclusions removed before any figure,
    # blocked suppliers left out, credits waived and levels on small samples ("" if none).
    figures_note: str
    alerts: tuple[str, ...]
    share: float = float("nan")  # credits due, of the at-risk pool
    credits_rag: str = "grey"
    # Who pays whom: credits due from suppliers (name -> amount) and earn-back the customer
    # repays (name -> amount, positive); their totals differ by the net.
    credits_due: float = 0.0
    earn_back_due: float = 0.0
    owing: tuple[tuple[str, float], ...] = ()
    owed: tuple[tuple[str, float], ...] = ()
    # What the board is asked to do, one line each (:func:`frontpage_money.decisions`).
    decisions: tuple[str, ...] = ()
    # Credits given up under one cause, one credit (never in the credits due), and the levels
    # the small-sample rule left unscored whose month alone fails (information, not money).
    waived: float = 0.0
    unscored: tuple[str, ...] = ()
    # Suppliers whose scope conformance is not "conforms", each with its verdict and why.
    scope: tuple[str, ...] = ()


# ------------------------------------------------------------------------------ drivers ----
def drivers(
    outages: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    changes: pd.DataFrame | None,
    bounds: tuple[pd.Timestamp, pd.Timestamp],
) -> pd.DataFrame:
    """Events of the period, per supplier and service: what the board says of a cause.

    The page names a cause only from the causes table (:func:`cause_of`); this frame only
    gives the service and day of the record it names, never a count.

    - ``outage``: unplanned outages overlapping the period, ``hours`` inside the period
      (an ongoing one runs to the period end);
    - ``problem``: problem records open at some time in the period, ``incidents`` linked;
    - ``change``: changes started in the period that failed, were backed out or caused
      incidents, ``incidents`` caused.

    Returns
    -------
    DataFrame
        ``DRIVER_COLUMNS``; ``when`` is the UTC start (outage, change) or opening (problem).

    Examples
    --------
    >>> ts = lambda s: pd.Timestamp(s, tz="UTC")
    >>> o = pd.DataFrame({"outage_id": ["O1"], "service": ["email"], "supplier_id": ["h"],
    ...     "start_at": [ts("2026-10-14 08:00")], "end_at": [ts("2026-10-14 14:30")],
    ...     "planned": [False]})
    >>> drivers(o, None, None, (ts("2026-10-01"), ts("2026-11-01")))[["ref", "hours"]]
      ref  hours
    0  O1    6.5
    """
    start, end = bounds
    parts = []
    if outages is not None and not outages.empty:
        o = outages[~outages["planned"].fillna(False).astype(bool)]
        stop = o["end_at"].fillna(end).clip(upper=end)
        begin = o["start_at"].clip(lower=start)
        o = o.assign(hours=(stop - begin).dt.total_seconds() / 3600)[stop > begin]
        parts.append(
            pd.DataFrame(
                {
                    "supplier_id": o["supplier_id"],
                    "service": o["service"],
                    "kind": "outage",
                    "ref": o["outage_id"],
                    "when": o["start_at"],
                    "hours": o["hours"],
                    "incidents": 0,
                }
            )
        )
    if problems is not None and not problems.empty:
        p = problems[
            problems["opened_at"].lt(end)
            & (problems["closed_at"].isna() | problems["closed_at"].ge(start))
        ]
        parts.append(
            pd.DataFrame(
                {
                    "supplier_id": p["supplier_id"],
                    "service": p["service"],
                    "kind": "problem",
                    "ref": p["problem_id"],
                    "when": p["opened_at"],
                    "hours": 0.0,
                    "incidents": p["linked_incidents"].fillna(0).astype(int),
                }
            )
        )
    if changes is not None and not changes.empty:
        began = changes["actual_start"].fillna(changes["planned_start"])
        bad = changes["outcome"].isin(["failed", "backed_out"]) | changes[
            "incidents_caused"
        ].fillna(0).gt(0)
        c = changes[bad & began.ge(start) & began.lt(end)]
        parts.append(
            pd.DataFrame(
                {
                    "supplier_id": c["supplier_id"],
                    "service": c["service"],
                    "kind": "change",
                    "ref": c["change_id"],
                    "when": began[c.index],
                    "hours": 0.0,
                    "incidents": c["incidents_caused"].fillna(0).astype(int),
                }
            )
        )
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in DRIVER_COLUMNS})
    return pd.concat(parts, ignore_index=True)[DRIVER_COLUMNS]


def _scope(scope: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in str(scope or "").split(";") if "=" in part)


def cause_of(caused: pd.DataFrame | None, supplier_id: str, service_level: str) -> pd.Series | None:
    """The cause that drove a level's miss, as the supplier's own report shows it: its row of
    the causes table (:mod:`siamlib.causes`) behind most of the level's misses; None when
    the table names none (then the report says no cause drove a miss, and so does the board).

    The ledger's waivers read the same table, so the page and the credits name one cause.

    >>> c = pd.DataFrame({"supplier_id": ["h", "h", "h"], "service_level": ["P2"] * 3,
    ...     "cause_kind": ["problem", "outage", "change"], "cause_id": ["PRB1", "O1", "C1"],
    ...     "records": [9, 6, 40], "breached": [2, 5, 30], "drives_miss": [True, True, False]})
    >>> cause_of(c, "h", "P2")["cause_id"], cause_of(c, "h", "P3")
    ('O1', None)
    """
    if caused is None or caused.empty:
        return None
    mine = caused[
        (caused["supplier_id"] == supplier_id)
        & (caused["service_level"] == service_level)
        & caused["drives_miss"].fillna(False).astype(bool)
        # the incidents that failed another level are a credit rule's cause, not a driver
        & caused["cause_kind"].ne("incident")
    ]
    if mine.empty:
        return None
    return mine.sort_values(["breached", "cause_id"], ascending=[False, True]).iloc[0]


def cause_name(cause: pd.Series, found: pd.DataFrame | None, tz: str = "UTC") -> str:
    """A cause in words, its service and day from the period's events when they hold it:
    ``an unplanned outage of email on 14 Oct (O1)``, ``problem PRB9 on vpn``, ``change C7``.
    """
    kind, ref = str(cause["cause_kind"]), str(cause["cause_id"])
    hit = pd.DataFrame() if found is None or found.empty else found
    if not hit.empty:
        hit = hit[(hit["kind"] == kind) & (hit["ref"] == ref)]
        own = hit[hit["supplier_id"] == cause.get("supplier_id")]
        hit = own if not own.empty else hit
    service = f" of {hit['service'].iloc[0]}" if not hit.empty else ""
    when = hit["when"].iloc[0] if not hit.empty else None
    on = f" on {pd.Timestamp(when).tz_convert(tz).strftime('%-d %b')}" if pd.notna(when) else ""
    if kind == "outage":
        return f"an unplanned outage{service}{on} ({ref})"
    service = service.replace(" of ", " on ", 1)
    if kind == "problem":
        return f"problem {ref}{service}"
    if kind == "change":
        return f"change {ref}{service}{on}"
    return f"{kind.replace('_', ' ')} {ref}{service}"


def cause_counts(cause: pd.Series, measure: str) -> str:
    """A cause's counts for one level, as the causes table has them for the period: downtime
    minutes for availability, else the level's tickets linked to it and how many missed.

    >>> c = pd.Series({"records": 16, "breached": 9})
    >>> cause_counts(c, "sla_resolution_attainment"), cause_counts(c, "availability")
    ('16 linked tickets (9 missed)', '16 minutes of downtime')
    """
    n = int(cause["records"])
    if measure == "availability":
        return f"{present.fmt_number(n, '', 0)} minute{'s' * (n != 1)} of downtime"
    missed = present.fmt_number(int(cause["breached"]), "", 0)
    return f"{present.fmt_number(n, '', 0)} linked ticket{'s' * (n != 1)} ({missed} missed)"


# ------------------------------------------------------------------------------ levels -----
def level_label(name: str, scope: str) -> str:
    """A level as a reader names it: ``Resolution within target, P2``.

    >>> level_label("Resolution within target", "priority=2"), level_label("Reopen rate", "")
    ('Resolution within target, P2', 'Reopen rate')
    >>> level_label("Service availability", "service=email")
    'Service availability, email'
    """
    parts = []
    for key, value in _scope(scope).items():
        if f"{key} {value}" in name.lower() or value in name:
            continue  # the measure name already says it: "Resolution within target (priority 2)"
        parts.append(f"P{value}" if key == "priority" else value)
    return ", ".join([name, *parts])


def _digits(value: float, edge: float) -> int:
    """Decimals to state ``value`` with: the scorecard's :data:`LEVEL_DIGITS`, more when
    those would round a value that is not ``edge`` onto it (99.996 is not 100%).

    >>> _digits(98.646532, 100), _digits(99.996, 100), _digits(100.0, 100), _digits(0.004, 0)
    (2, 3, 2, 3)
    """
    digits = LEVEL_DIGITS
    while (
        digits < MAX_DIGITS
        and value != edge
        and present.fmt_number(value, "", digits) == present.fmt_number(edge, "", digits)
    ):
        digits += 1
    return digits


def _value(value: float, unit: str) -> str:
    """A level's value as the supplier's scorecard states it (two decimals, ``98.65%``).

    >>> _value(98.646532, "%"), _value(99.980736, "%"), _value(2.977273, "score 1-5")
    ('98.65%', '99.98%', '2.98 of 5')
    """
    if unit == "%":
        return present.fmt_number(value, "%", _digits(value, 100.0))
    if unit in ("count", "per ticket"):
        return present.fmt_number(value, "", LEVEL_DIGITS)
    if unit == "score 1-5":
        return f"{present.fmt_number(value, '', LEVEL_DIGITS)} of 5"
    return present.fmt_number(value, unit, LEVEL_DIGITS)


def _gap(gap: float, unit: str) -> str:
    digits = _digits(gap, 0.0)
    if unit == "%":
        return present.fmt_number(gap, "percentage points", digits)
    plain = unit in ("count", "per ticket", "score 1-5")
    return present.fmt_number(gap, "" if plain else unit, digits)


def level_text(row: pd.Series, driver: str = "") -> str:
    """One level's clause: value against expected, gap, trend and driver; a red level also
    names the contract limit it missed (what makes it red, not amber, and may cost a credit).

    >>> r = pd.Series({"name": "Service availability", "scope": "", "unit": "%",
    ...     "direction": "higher", "expected": 99.5, "minimum": 99.0, "actual": 98.646532,
    ...     "rag": "red", "previous_actual": 99.980736})
    >>> level_text(r, "an unplanned outage of erp on 14 Oct (O1)")
    'Service availability red at 98.65% against 99.5% expected and its 99% minimum (0.85 \
percentage points short; worse than last month, 99.98%), main driver an unplanned outage of erp \
on 14 Oct (O1)'
    """
    unit = str(row["unit"])
    higher = row["direction"] == "higher"
    gap = (row["expected"] - row["actual"]) if higher else (row["actual"] - row["expected"])
    short = "short" if higher else "over"
    prev = row.get("previous_actual")
    if present.is_missing(prev):
        trend = "no figure last month"
    elif _value(row["actual"], unit) == _value(prev, unit):  # the scorecard's change is 0
        trend = f"same as last month, {_value(prev, unit)}"
    else:
        better = (row["actual"] > prev) == higher
        trend = f"{'better' if better else 'worse'} than last month, {_value(prev, unit)}"
    # A level scored on a rolling window (small samples) says so: not the month's own figure.
    window = present.rolling_text(row)
    actual = _value(row["actual"], unit) + (f" ({window})" if window else "")
    limit = _red_limit(row)
    text = (
        f"{level_label(row['name'], row['scope'])} {row['rag']} at {actual} "
        f"against {_value(row['expected'], unit)} expected{limit} ({_gap(gap, unit)} {short}; "
        f"{trend})"
    )
    return f"{text}, main driver {driver}" if driver else text


def _red_limit(row: pd.Series) -> str:
    """`` and its 88% minimum`` for a red level (the limit it missed), else ``""``: a board
    member reading "red against 92% expected" would not see why it is red, not amber."""
    limit = row.get("minimum")
    if row.get("rag") != "red" or present.is_missing(limit):
        return ""
    name = present.limit_name(str(row.get("direction", "higher")))
    return f" and its {_value(limit, str(row['unit']))} {name}"


def _past_expected(own: pd.DataFrame) -> pd.Series:
    """How far past expected, in widths of the expected-minimum band: a 0.9-point miss on a
    0.5-point availability band outranks a 3-point miss on a 10-point resolution band."""
    higher = own["direction"] == "higher"
    gap = (own["expected"] - own["actual"]).where(higher, own["actual"] - own["expected"])
    band = (own["expected"] - own["minimum"]).abs()
    return gap / band.where(band > 0, own["expected"].abs().where(own["expected"] != 0, 1))


def _failing(cards: pd.DataFrame, supplier_id: str) -> pd.DataFrame:
    own = cards[(cards["supplier_id"] == supplier_id) & cards["rag"].isin(list(_SEVERITY))]
    if own.empty:
        return own
    return own.assign(_sev=own["rag"].map(_SEVERITY), _rel=_past_expected(own)).sort_values(
        ["_sev", "_rel", "service_level"], ascending=[True, False, True]
    )


def worst_first(card: pd.DataFrame) -> pd.DataFrame:
    """A scorecard's levels worst first, as the board orders suppliers: red, amber, not
    scored (grey), green; red and amber levels furthest past expected first (as the front
    page names them), the others in the contract's order.

    >>> card = pd.DataFrame({"service_level": ["P1", "P2", "AVAIL"],
    ...     "rag": ["green", "grey", "red"], "direction": "higher", "expected": [95.0] * 3,
    ...     "minimum": [90.0] * 3, "actual": [96.0, None, 80.0]})
    >>> worst_first(card)["service_level"].tolist()
    ['AVAIL', 'P2', 'P1']
    """
    if card.empty:
        return card
    rank = card["rag"].map(_RAG_RANK).fillna(_RAG_RANK["grey"])
    past = _past_expected(card).where(card["rag"].isin(list(_SEVERITY)), 0.0).fillna(0.0)
    order = pd.DataFrame({"rank": rank, "past": -past}, index=card.index)
    return card.loc[order.sort_values(["rank", "past"], kind="stable").index]


# ------------------------------------------------------------------------------ the page ---
def _f(bundle: dict, name: str) -> pd.DataFrame:
    return bundle["frames"].get(name, pd.DataFrame())


def _blocked(bundle: dict) -> set[str]:
    q = _f(bundle, "quality_scores")
    if q.empty or "stopped" not in q.columns:
        return set()
    return set(q.loc[q["stopped"].astype(bool), "supplier_id"])


def supplier_line(
    row: pd.Series,
    cards: pd.DataFrame,
    found: pd.DataFrame,
    blocked: bool,
    tz: str,
    caused: pd.DataFrame | None = None,
) -> SupplierLine:
    """One supplier's sentence from its league row, the cards and the causes table
    (``caused``): a level's driver is the cause that table proves drove its miss, named with
    the period's counts (``found``, the period's events, only gives its service and day)."""
    sid, name = row["supplier_id"], row.get("supplier_name") or row["supplier_id"]
    score = row.get("weighted_score", float("nan"))
    weight = row.get("scored_weight", float("nan"))
    if blocked:
        sentence = (
            f"{name}: no figures this month; the data-quality gate blocked its data, so its "
            "levels and credits are withheld until the data is corrected (see Data quality)."
        )
        return SupplierLine(sid, name, score, "grey", True, (), sentence)
    failing = _failing(cards, sid)
    levels = []
    for _, lv in failing.iterrows():
        c = cause_of(caused, sid, lv["service_level"])
        cause = cause_name(c, found, tz) if c is not None else ""
        counts = cause_counts(c, str(lv["measure"])) if c is not None else ""
        levels.append(
            LevelLine(
                lv["service_level"],
                level_label(lv["name"], lv["scope"]),
                lv["rag"],
                level_text(lv),
                cause,
                counts,
                _value(lv["actual"], str(lv["unit"])),
                _value(lv["expected"], str(lv["unit"])),
            )
        )
    own = cards[cards["supplier_id"] == sid]
    left_out = present.unscored_levels(own)
    basis = present.score_basis(weight, unscored=left_out).removeprefix("out of 100")
    head = f"{name} (weighted score {present.fmt_score(score)} of 100{basis})"
    if not levels:
        if own.empty or own["rag"].eq("grey").all():
            sentence = f"{head} had no service level scored ({len(own)} in force)."
            return SupplierLine(sid, name, score, "grey", False, (), sentence)
        sentence = f"{head} met all {len(own)} of its service levels."
        return SupplierLine(sid, name, score, "green", False, (), sentence)
    shown = "; ".join(lv.text for lv in levels[:MAX_LEVELS])
    more = len(levels) - MAX_LEVELS
    # the rest named briefly: the board's email has no scorecard to send a reader to
    brief = "; ".join(
        f"{lv.label} {lv.rag} at {lv.value} against {lv.expected} expected"
        for lv in levels[MAX_LEVELS:]
    )
    tail = f"; and {more} more below expected: {brief}" if more > 0 else ""
    reds = sum(lv.rag == "red" for lv in levels)
    ambers = len(levels) - reds
    counted = ", ".join(f"{n} {rag}" for n, rag in ((reds, "red"), (ambers, "amber")) if n)
    sentence = (
        f"{head} is below expected on {len(levels)} of {len(own)} levels ({counted}): "
        f"{shown}{tail}{_drivers(levels)}."
    )
    rag = "red" if reds else "amber"
    return SupplierLine(sid, name, score, rag, False, tuple(levels), sentence)


def _drivers(levels: list[LevelLine]) -> str:
    """The causes of a supplier's missed levels, each named once with its counts per level:
    ``; main driver: an unplanned outage of email on 13 Oct (O1): 1,815 minutes of downtime
    for Service availability``; the cause behind most levels first."""
    by: dict[str, list[LevelLine]] = {}
    for lv in levels:
        if lv.cause:
            by.setdefault(lv.cause, []).append(lv)
    if not by:
        return ""
    ranked = sorted(by.items(), key=lambda kv: -len(kv[1]))
    named = [
        f"{cause}: {' and '.join(f'{lv.counts} for {lv.label}' for lv in lvs)}"
        for cause, lvs in ranked
    ]
    return f"; main driver{'s' * (len(named) > 1)}: {'; '.join(named)}"


def alerts(bundle: dict) -> tuple[str, ...]:
    """The alerts of the period (:func:`siamlib.fairness.alert_rows`: clock-stop signals,
    watermelons, towers' own ping-pong rates above the red-signal threshold), then blocked
    data, one sentence each.

    The sentences are the bundle's computed ``fairness_alerts`` rows, the ones each supplier's
    report and email carry; a bundle without that frame (built by hand) has them computed
    from its ``paused_share`` and ``watermelon`` frames by the same function.

    >>> b = {"meta": {}, "frames": {"paused_share": pd.DataFrame({"supplier_id": ["euc"],
    ...     "paused_share": [0.34], "pause_before_resolution_share": [0.64]})}}
    >>> alerts(b)[0]
    'Clock-stop signal, euc: 34% of clock time paused and 64% of tickets paused just before \
resolution (a signal at 25% or more of either); ask why.'
    """
    names = bundle["meta"].get("supplier_names") or {}
    league = _f(bundle, "league")
    if not league.empty and "supplier_name" in league.columns:
        names = {**dict(zip(league["supplier_id"], league["supplier_name"], strict=True)), **names}
    if "fairness_alerts" in bundle["frames"]:
        out = list(fairness.alert_sentences(_f(bundle, "fairness_alerts")))
    else:
        rows = fairness.alert_rows(
            paused_share=_f(bundle, "paused_share"),
            watermelon=_f(bundle, "watermelon"),
            supplier_names=names,
        )
        out = list(fairness.alert_sentences(rows))
    q = _f(bundle, "quality_scores")
    for sid in sorted(_blocked(bundle)):
        n = q.loc[q["supplier_id"] == sid, "blocking_failed"]
        rules = present.fmt_number(n.iloc[0], "", 0) if not n.empty else "some"
        out.append(
            f"Data blocked, {names.get(sid, sid)}: {rules} blocking data-quality rules failed; "
            "its report is stopped and its figures are left out of this page."
        )
    return tuple(out)


def front_page(bundle: dict) -> FrontPage:
    """The front page of a board bundle (see module docstring)."""
    meta = bundle["meta"]
    tz = meta.get("timezone", "UTC")
    currency = meta.get("currency", "GBP")
    league = _f(bundle, "league")
    cards = _f(bundle, "cards")
    found = _f(bundle, "drivers")
    blocked = _blocked(bundle)
    lines = []
    if not league.empty:
        rows = league.set_index("supplier_id", drop=False).loc[board_order(bundle)]
        lines = [
            supplier_line(r, cards, found, r["supplier_id"] in blocked, tz, _f(bundle, "causes"))
            for _, r in rows.iterrows()
        ]
    # The credit figures and their RAG come with the bundle (siamlib.scorecard.board_headline).
    head = board_headline(meta)
    names = {**(meta.get("supplier_names") or {}), **{s.supplier_id: s.name for s in lines}}
    owing = tuple((names.get(k, k), v) for k, v in money_lines.by_amount(head.get("owing")))
    owed = tuple((names.get(k, k), v) for k, v in money_lines.by_amount(head.get("owed")))
    ledger = _f(bundle, "ledger")
    if not ledger.empty:
        ledger = ledger[~ledger["supplier_id"].isin(blocked)]
    waived = float(head.get("waived", 0.0))
    # The credit figures are the tiles'; this says only what they do not.
    note = [
        money_lines.exclusions_note(_f(bundle, "exclusions"), names),
        "Blocked suppliers are left out of these figures." if blocked else "",
        money_lines.fairness_note(ledger, cards, blocked, waived, names, currency).strip(),
    ]
    unblocked = cards[~cards["supplier_id"].isin(blocked)] if not cards.empty else cards
    found_alerts = alerts(bundle)
    return FrontPage(
        period=meta["period"],
        currency=currency,
        suppliers=tuple(lines),
        net_credits=head["net_credits"],
        at_risk=head["at_risk"],
        share=head["share"],
        credits_rag=head["credits_rag"],
        figures_note=" ".join(n for n in note if n),
        alerts=found_alerts,
        credits_due=head.get("credits_due", 0.0),
        earn_back_due=head.get("earn_back_due", 0.0),
        owing=owing,
        owed=owed,
        decisions=money_lines.decisions(
            lines,
            owing,
            owed,
            found_alerts,
            currency,
            money_lines.credit_reasons(ledger, names, currency),
        ),
        waived=waived,
        unscored=money_lines.unscored_notes(unblocked, names),
        scope=scope_lines(bundle, names),
    )


def scope_lines(bundle: dict, names: dict[str, str]) -> tuple[str, ...]:
    """Suppliers whose scope conformance the board should hear of, in the board's order: work
    outside the work its contract makes it responsible for (a finding), or conformance that
    cannot be judged because its contract's responsibility chart and its agreed share of the
    work disagree; the verdicts are the computed ones (:func:`siamlib.raci.conformance_status`),
    in their plain words (``plain_reason``; a pack written before it: ``reason``). Blocked
    suppliers are left out.

    >>> sc = pd.DataFrame({"supplier_id": ["h", "e"], "status": ["outside scope", "conforms"],
    ...     "reason": ["79 of its 342 work items (23.1%) outside its Responsible scope", "x"],
    ...     "plain_reason": ["79 of its 342 work items (23.1%) outside the work its contract "
    ...     "makes it responsible for", "x"]})
    >>> print(scope_lines({"meta": {}, "frames": {"scope_conformance": sc}}, {"h": "Summit"})[0])
    Summit (outside scope): 79 of its 342 work items (23.1%) outside the work its contract makes \
it responsible for.
    """
    sc = _f(bundle, "scope_conformance")
    if sc.empty or "status" not in sc.columns:
        return ()
    order = {sid: i for i, sid in enumerate(board_order(bundle))}
    sc = sc[sc["status"].ne(CONFORMS) & ~sc["supplier_id"].isin(_blocked(bundle))]
    rows = sorted(sc.to_dict("records"), key=lambda r: order.get(r["supplier_id"], len(order)))
    out = []
    for r in rows:
        said = r.get("plain_reason")  # the board's plain words; an older pack: its reason
        said = r["reason"] if present.is_missing(said) else said
        out.append(f"{names.get(r['supplier_id'], r['supplier_id'])} ({r['status']}): {said}.")
    return tuple(out)


_RAG_RANK = {"red": 0, "amber": 1, "grey": 2, "green": 3}


def supplier_rags(bundle: dict) -> dict[str, str]:
    """Supplier id -> the RAG the board shows: the league's ``rag`` (its worst level, as its
    score tile: :func:`siamlib.scorecard.worst_rag`), else its cards' worst; blocked: grey."""
    league, cards, blocked = _f(bundle, "league"), _f(bundle, "cards"), _blocked(bundle)
    if league.empty:
        return {}
    if "rag" in league.columns:
        rags = dict(zip(league["supplier_id"], league["rag"], strict=True))
    else:
        rags = {}
        for sid in league["supplier_id"]:
            own = set(cards.loc[cards["supplier_id"] == sid, "rag"]) if not cards.empty else set()
            rags[sid] = next((r for r in ("red", "amber", "green") if r in own), "grey")
    return {sid: "grey" if sid in blocked else rag for sid, rag in rags.items()}


def board_order(bundle: dict) -> list[str]:
    """The board's one order of suppliers (:data:`ORDER_CAPTION`), for every list of them.

    Parameters
    ----------
    bundle : dict
        A board bundle (``league``; ``cards`` and ``quality_scores`` when it has them).

    Returns
    -------
    list of str
        Supplier ids, worst first by their worst level's RAG (:func:`supplier_rags`: red,
        amber, grey, green), then weighted score, lowest (none) first, then name; blocked last.

    Examples
    --------
    >>> league = pd.DataFrame({"supplier_id": ["a", "b", "c"], "supplier_name": ["A", "B", "C"],
    ...     "weighted_score": [75.0, 53.9, 68.4], "rag": ["red", "red", "amber"]})
    >>> board_order({"meta": {}, "frames": {"league": league}})
    ['b', 'a', 'c']
    """
    league = _f(bundle, "league")
    if league.empty:
        return []
    rags, blocked = supplier_rags(bundle), _blocked(bundle)

    def key(row) -> tuple:
        score = row.get("weighted_score")
        score = float("-inf") if present.is_missing(score) else float(score)
        name = str(row.get("supplier_name") or row["supplier_id"])
        sid = row["supplier_id"]
        return (sid in blocked, _RAG_RANK.get(rags.get(sid, "grey"), 2), score, name, sid)

    return [r["supplier_id"] for r in sorted(league.to_dict("records"), key=key)]
