"""The figures file: every figure of a period, one row per supplier and service level.

This is the file a finance team imports, and the one the hardening corpus compares with its
clean baseline: if an input changes money, it changes a row here. Rows come from the one
computation (:func:`siamlib.workbook.compute_period`); nothing is recomputed.

Columns (``FIGURE_COLUMNS``)
    ``kind``            ``level`` (a scorecard row), ``credit`` (a credit ledger line),
                        ``headline`` (a figure shown beside them, below) or ``blocked`` (the
                        data-quality gate blocked this supplier: no figures, the reason in
                        ``explanation``)
    ``supplier_id``, ``service_level``, ``measure``, ``scope``
    ``actual``, ``expected``, ``minimum``, ``rag``, ``numerator``, ``denominator``,
    ``weight``, ``points``   for ``level`` rows (shown unit, as in the scorecard);
                        ``numerator``/``denominator`` are the counts ``actual`` was computed
                        from: the scorecard's ``scored_numerator``/``scored_denominator``, the
                        month's unless a small sample was scored on a rolling window (its
                        level evidence lists every month of that window, :mod:`siamlib.levels`);
                        a median or a count (``dispatch_time``, ``improvement_delivery``) has
                        no numerator and the records it is taken over as ``denominator``
    ``explanation``     for ``level`` rows: why a grey level has no figure (the scorecard's
                        note, e.g. "no outages table in the dataset"), else empty
    ``line``, ``amount``, ``currency``, ``explanation``   for ``credit`` rows (``line`` is the
                        ledger's line kind: credit, reward, cap, earn_back, waived)
    ``limit_kind``      for ``level`` and ``credit`` rows with a limit: what ``minimum`` holds,
                        ``minimum`` (higher is better: at least) or ``maximum`` (lower is
                        better: at most, e.g. a reopen rate); the last column, so a reader
                        that reads the file by column position is not moved (the column
                        ``minimum`` keeps its name for the same reason)

``headline`` rows hold the figures the reports and emails show beside the scorecard and the
ledger, each computed here by the same function the report's bundle uses, so these are rows
of this file too (and a re-issue lists them when they move, :mod:`siamlib.reissue`).
``measure`` names the figure, ``actual`` is its value as shown, ``rag`` its tile's RAG
(what that RAG means is in the row's ``explanation``: a level's for the score and the levels,
the credits tile's own rule for ``net_credits``):

* per supplier (:func:`headline_rows`, :func:`siamlib.scorecard.headline`: the report's
  tiles, the board's league table and narrative, the emails): ``weighted_score`` (with the
  ``points`` and ``weight`` of the levels with data it divides; its ``rag`` is the worst
  level's, :func:`siamlib.scorecard.worst_rag`, not a band of the score), ``levels`` and
  ``levels_green``/``_amber``/``_red``/``_grey`` (the levels met and the RAG counts),
  ``net_credits`` (the ledger's total, in ``currency``; negative: earn-back payable to the
  supplier);
* for the board summary (``supplier_id`` ``board-summary``, :func:`board_rows`,
  :func:`siamlib.scorecard.board_headline`; none when the board is blocked):
  ``net_credits``, ``credits_due``, ``earn_back_due``, ``at_risk``, ``waived`` (credits
  given up under one cause, one credit: said beside the credits, in no total; in
  ``currency``) and ``share`` (credits due, % of the at-risk pool).

Money in ``headline`` rows is in ``actual``, never ``amount``: the ``amount`` column still
adds up to the credit ledger lines only. The data-quality tile's score is not a row: it
describes the data, not the performance, and is published in ``data-quality.json``.

Rows are sorted by supplier (estate order, the board's rows last), kind (blocked, level,
credit, headline), then service level, so the same inputs give the same bytes.

Examples
--------
>>> import pandas as pd
>>> card = pd.DataFrame({"supplier_id": ["hosting"], "service_level": ["P1-RES"],
...     "measure": ["sla_resolution_attainment"], "scope": ["priority=1"], "actual": [92.0],
...     "expected": [95.0], "minimum": [90.0], "rag": ["amber"], "numerator": [92.0],
...     "denominator": [100.0], "weight": [20.0], "points": [8.0]})
>>> rows = level_rows(card)
>>> r = rows.loc[0]
>>> r["kind"], r["service_level"], r["rag"], float(r["points"])
('level', 'P1-RES', 'amber', 8.0)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from siamlib import credits, io, scorecard
from siamlib import report_cuts as cuts
from siamlib.common import BOARD
from siamlib.measures.catalogue import limit_kind

FIGURE_COLUMNS = [
    "kind",
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "actual",
    "expected",
    "minimum",
    "rag",
    "numerator",
    "denominator",
    "weight",
    "points",
    "line",
    "amount",
    "currency",
    "explanation",
    "limit_kind",
]
HEADLINE = "headline"  # the kind of the rows of the figures shown beside the scorecard
_KIND_ORDER = {"blocked": 0, "level": 1, "credit": 2, "headline": 3}
_LEVEL_FIELDS = [
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "actual",
    "expected",
    "minimum",
    "rag",
    "numerator",
    "denominator",
    "weight",
    "points",
]
_CREDIT_FIELDS = [
    "supplier_id",
    "service_level",
    "measure",
    "scope",
    "actual",
    "expected",
    "minimum",
    "line",
    "amount",
    "currency",
    "explanation",
]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=FIGURE_COLUMNS)
    for col in ("actual", "expected", "minimum", "numerator", "denominator", "weight", "points"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    out["amount"] = pd.to_numeric(out["amount"], errors="coerce").astype("float64")
    for col in FIGURE_COLUMNS:
        if out[col].dtype != "float64":
            out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out


def with_limit_kind(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``limit_kind`` (what ``minimum`` holds) where they have a limit: the
    figures file's column, and the evidence scorecards' and credit ledgers'.

    >>> rows = pd.DataFrame({"measure": ["reopen_rate", "availability", "availability"],
    ...                      "minimum": [6.0, 99.0, None]})
    >>> with_limit_kind(rows)["limit_kind"].tolist()
    ['maximum', 'minimum', None]
    """
    has_limit = rows["minimum"].notna()
    kinds = [
        limit_kind(m) if isinstance(m, str) and has else None
        for m, has in zip(rows["measure"], has_limit, strict=True)
    ]
    return rows.assign(limit_kind=pd.Series(kinds, index=rows.index, dtype="object"))


def level_rows(card: pd.DataFrame) -> pd.DataFrame:
    """One ``level`` row per scorecard row (pure); a grey level's note is its explanation.

    ``numerator``/``denominator`` are the counts the ``actual`` was computed from (the
    scorecard's ``scored_*``: a small sample's rolling window), so every row reconciles:

    >>> card = pd.DataFrame({"service_level": ["P1-RES"], "actual": [90.0],
    ...     "numerator": [3.0], "denominator": [4.0], "scored_numerator": [9.0],
    ...     "scored_denominator": [10.0]})
    >>> level_rows(card)[["actual", "numerator", "denominator"]].values.tolist()
    [[90.0, 9.0, 10.0]]
    """
    rows = card.reindex(columns=_LEVEL_FIELDS).copy()
    for side in ("numerator", "denominator"):
        if f"scored_{side}" in card.columns:
            rows[side] = card[f"scored_{side}"]
    rows.insert(0, "kind", "level")
    if "note" in card.columns:
        rows["explanation"] = card["note"].where(card["note"].fillna("") != "", None)
    return _typed(with_limit_kind(rows))


def credit_rows(ledger: pd.DataFrame) -> pd.DataFrame:
    """One ``credit`` row per credit ledger line (pure)."""
    rows = ledger.reindex(columns=_CREDIT_FIELDS).copy()
    rows.insert(0, "kind", "credit")
    return _typed(with_limit_kind(rows))


# What a headline row's RAG means, in the row (``explanation``): a reader of the file sees a
# colour on a score or on money and would otherwise take it for a band of that figure.
WORST_LEVEL_RAG = "RAG: the worst level's (red: a level failed), not a band of this figure"
SUPPLIER_CREDITS_RAG = (
    "RAG of the credits tile, not a level's: red when the supplier owes credits (net above 0), "
    "green when it owes none or is owed earn-back"
)


def board_credits_rag_text(red_share: float = scorecard.CREDITS_RED_SHARE) -> str:
    """What the board's ``net_credits`` RAG means (:func:`siamlib.scorecard.board_headline`).

    >>> board_credits_rag_text(0.5)
    "RAG of the credits tile, not a level's: green when no supplier owes credits, amber when \
the credits due are below 50% of the amount at risk, red from it"
    """
    return (
        "RAG of the credits tile, not a level's: green when no supplier owes credits, amber "
        f"when the credits due are below {red_share:.0%} of the amount at risk, red from it"
    )


def _headline_frame(supplier_id: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "kind", HEADLINE)
    frame.insert(1, "supplier_id", supplier_id)
    return _typed(frame)


def headline_rows(
    supplier_id: str, card: pd.DataFrame, ledger: pd.DataFrame, currency: str
) -> pd.DataFrame:
    """A supplier's ``headline`` rows (pure): the figures of :func:`siamlib.scorecard.headline`.

    >>> card = pd.DataFrame({"actual": [92.0, 97.0, None], "weight": [20.0, 30.0, 50.0],
    ...     "points": [8.0, 30.0, None], "rag": ["amber", "green", "grey"]})
    >>> rows = headline_rows("euc", card, pd.DataFrame({"amount": [250.0, -50.0]}), "GBP")
    >>> rows[["measure", "actual", "rag"]].values.tolist()[:3]
    [['weighted_score', 76.0, 'amber'], ['levels', 3.0, 'amber'], ['levels_green', 1.0, None]]
    >>> rows.loc[rows["measure"] == "net_credits", ["actual", "currency"]].values.tolist()
    [[200.0, 'GBP']]
    """
    h = scorecard.headline(card, ledger)
    scored = bool(h["scored_weight"])
    rows = [
        {
            "measure": "weighted_score",
            "actual": h["weighted_score"],
            "rag": h["score_rag"],
            "points": h["scored_points"] if scored else None,
            "weight": h["scored_weight"] if scored else None,
            "explanation": WORST_LEVEL_RAG,
        },
        {
            "measure": "levels",
            "actual": h["levels"],
            "rag": h["levels_rag"],
            "explanation": WORST_LEVEL_RAG,
        },
        *({"measure": f"levels_{r}", "actual": h[r]} for r in scorecard.RAG_ORDER),
        {
            "measure": "net_credits",
            "actual": h["net_credits"],
            "rag": h["credits_rag"],
            "currency": currency,
            "explanation": SUPPLIER_CREDITS_RAG,
        },
    ]
    return _headline_frame(supplier_id, rows)


def board_rows(
    ledger: pd.DataFrame,
    at_risk: pd.DataFrame,
    quality_scores: pd.DataFrame | None,
    currency: str,
) -> pd.DataFrame:
    """The board summary's ``headline`` rows (pure): :func:`siamlib.scorecard.board_headline`
    on the same inputs as the board's bundle (blocked suppliers left out, as it does).

    >>> ledger = pd.DataFrame({"supplier_id": ["a", "b"], "amount": [300.0, -100.0]})
    >>> risk = pd.DataFrame({"supplier_id": ["a", "b"], "at_risk_amount": [1000.0, 1000.0]})
    >>> board_rows(ledger, risk, None, "GBP")[["measure", "actual"]].values.tolist()
    [['net_credits', 200.0], ['credits_due', 300.0], ['earn_back_due', 100.0], \
['at_risk', 2000.0], ['waived', 0.0], ['share', 15.0]]
    """
    h = scorecard.board_headline(ledger, at_risk, quality_scores)
    money = ("net_credits", "credits_due", "earn_back_due", "at_risk", "waived")
    rows = [{"measure": m, "actual": h[m], "currency": currency} for m in money]
    rows[0]["rag"] = h["credits_rag"]
    rows[0]["explanation"] = board_credits_rag_text()
    rows.append({"measure": "share", "actual": h["share"] * 100})
    return _headline_frame(BOARD, rows)


def _board_inputs(work) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The board bundle's ledger, at-risk pool and data-quality scores (as Work.bundle)."""
    p = work.params
    ledgers = [lg for lg in work.ledgers.values() if not lg.empty]
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame()
    at_risk = credits.at_risk_frame(p)
    if work.quality:
        scores = cuts.quality_scores(work.quality, p, work.period, work.incomplete)
    else:  # not validated: the run's other stops (missing data) as Work.bundle leaves out
        scores = cuts.stopped_table(p, work.stopped_reports())
    return ledger, at_risk, scores


def blocked_row(supplier_id: str, reason: str) -> pd.DataFrame:
    """The single row standing for a supplier the gate blocked (no figures)."""
    return _typed(
        pd.DataFrame({"kind": ["blocked"], "supplier_id": [supplier_id], "explanation": [reason]})
    )


def figures_frame(work) -> pd.DataFrame:
    """Every figure of a computed period (a :class:`siamlib.workbook.Work`).

    A supplier the data-quality gate blocks contributes one ``blocked`` row and no figures.
    """
    currency = work.params.estate.currency
    parts = []
    for s in work.params.estate.suppliers:
        reason = work.blocking_reason(s.id)
        if reason:
            parts.append(blocked_row(s.id, reason))
            continue
        card, ledger = work.cards[s.id], work.ledgers[s.id]
        parts.append(level_rows(card))
        parts.append(credit_rows(ledger))
        parts.append(headline_rows(s.id, card, ledger, currency))
    if not work.blocking_reason(BOARD):
        parts.append(board_rows(*_board_inputs(work), currency))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _typed(pd.DataFrame(columns=FIGURE_COLUMNS))
    frame = pd.concat(parts, ignore_index=True)
    order = {s.id: i for i, s in enumerate(work.params.estate.suppliers)}
    keys = pd.DataFrame(
        {
            # The board's rows (not a supplier) come last.
            "supplier": frame["supplier_id"].map(order).fillna(len(order)).astype(int),
            "kind": frame["kind"].map(_KIND_ORDER),
            "level": frame["service_level"].astype(object).fillna("").astype(str),
        }
    )
    # Stable: a service level's credit lines keep the ledger's order (credit, cap, earn-back),
    # headline rows their order above.
    position = keys.sort_values(["supplier", "kind", "level"], kind="stable").index
    return _typed(frame.loc[position].reset_index(drop=True))


@dataclass
class FiguresResult:
    """What :func:`compute_figures` returns."""

    period: str
    frame: pd.DataFrame
    blocked: dict[str, str] = field(default_factory=dict)
    quality: object | None = None  # siamlib.quality.QualityResult

    @property
    def exit_code(self) -> int:
        """0 when every supplier was computed, 1 when the gate blocked any."""
        return 1 if self.blocked else 0


def from_work(work) -> FiguresResult:
    """The figures of an already computed period (no recomputation)."""
    frame = figures_frame(work)
    blocked = dict(
        zip(
            frame.loc[frame["kind"] == "blocked", "supplier_id"],
            frame.loc[frame["kind"] == "blocked", "explanation"],
            strict=True,
        )
    )
    return FiguresResult(period=work.period, frame=frame, blocked=blocked, quality=work.quality)


def compute_figures(
    period: str,
    data_dir: Path | str | None = None,
    params_dir: Path | str | None = None,
) -> FiguresResult:
    """Load params and data, run the gate, compute ``period`` and return its figures."""
    from siamlib import workbook
    from siamlib.params import load_params

    params = load_params(params_dir)
    work = workbook.compute_period(data_dir, params, period)
    return from_work(work)


def to_csv_text(frame: pd.DataFrame) -> str:
    """The figures as CSV text: numbers to 10 significant digits, empty for missing.

    >>> to_csv_text(blocked_row("hosting", "tickets: 3 rows without a priority")).splitlines()[1]
    'blocked,hosting,,,,,,,,,,,,,,,tickets: 3 rows without a priority,'
    """
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def text_sha256(text: str) -> str:
    """SHA-256 of the figures file's UTF-8 bytes (the manifest's ``figures_sha256``).

    >>> text_sha256("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_figures(frame: pd.DataFrame, target: Path | str) -> Path:
    """Write the figures atomically as ``.csv`` or ``.json`` (by the target's suffix)."""
    target = Path(target)
    if target.suffix.lower() == ".json":
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        io.write_json_atomic(target, records)
    else:
        io.write_text_atomic(target, to_csv_text(frame))
    return target
