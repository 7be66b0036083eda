"""Presentation layer for the report notebooks: human labels, formatted figures, HTML pieces.

Everything a notebook shows as HTML goes through here, so that every text (ticket fields,
supplier or service names from the data) is HTML-escaped in one place, every column a reader
sees has a human label (:data:`LABELS`), and every number is formatted with babel in the
estate's locale (``en_GB`` unless given): ``-£2,700`` not ``£-2,700``, ``21,600`` not
``21600.0``. Tiles and RAG rows carry inline styles, so they keep their colours in JupyterLab
as in the exported page.

>>> t = tiles([{"label": "Score", "value": "87.5", "sub": "out of 100", "rag": "green"}])
>>> t.startswith('<div class="tiles siam-tiles"')
True
>>> "&lt;script&gt;" in table(pd.DataFrame({"a": ["<script>"]}))
True
>>> fmt_money(-2700, "GBP"), fmt_number(21600.0), fmt_percent(0.955)
('-£2,700', '21,600', '95.5%')
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.numbers import format_currency, format_decimal

RAGS = ("green", "amber", "red", "grey")
LOCALE = "en_GB"
NO_DATA = "–"
# Background of a RAG row or tile, and the colour of a RAG word (inline: survives JupyterLab).
RAG_BACKGROUND = {"green": "#d7f0dd", "amber": "#ffe8b3", "red": "#f8d0d0", "grey": "#e5e7eb"}
RAG_INK = {"green": "#1b5e20", "amber": "#8a5a00", "red": "#b71c1c", "grey": "#4b5563"}
# Tiles may also show money due back to a supplier (earn-back): no RAG, and never the grey that
# means "not scored", so a colour of its own.
REPAID = "repaid"
TILE_BACKGROUND = {**RAG_BACKGROUND, REPAID: "#dbe7f5"}
# What the sign of a league's net credits means, in every league table the board reads.
CREDIT_SIGNS = "net credits: + owed by the supplier, - earn-back due back to it"

# Stored column name -> what a reader sees. Every table a report shows maps its headers here.
LABELS: dict[str, str] = {
    "note": "Why no figure",
    "supplier_id": "supplier",
    "supplier_name": "supplier",
    "supplier": "supplier",
    "role": "role",
    "rank": "rank",
    "weighted_score": "weighted score (0-100)",
    "levels": "service levels",
    "green": "green",
    "amber": "amber",
    "red": "red",
    "grey": "not scored (grey)",
    "credits": "net credits",
    "currency": "currency",
    "service_level": "service level",
    "measure": "measure",
    "name": "measure",
    "scope": "scope",
    "unit": "unit",
    "expected": "expected",
    "minimum": "minimum",
    "actual": "actual",
    "rag": "RAG",
    "line": "line",
    "amount": "amount",
    "explanation": "explanation",
    "period": "month",
    "source_period": "earned back from",
    "cause_id": "cause",
    "regime": "credit regime",
    "score": "score (0-100)",
    "blocking_failed": "blocking rules failed",
    "warnings_failed": "warnings",
    "stopped": "report stopped",
    "ticket_id": "ticket",
    "reason": "reason",
    "approver": "approved by",
    "approved_on": "approved on",
    "from_supplier": "from",
    "to_supplier": "to",
    "bounces": "bounces",
    "returned_to": "returned to",
    "returned_by": "bounced back by",
    "tickets": "tickets",
    "sla_attainment": "worst SLA attainment",
    "reopen_rate": "reopen rate",
    "satisfaction": "satisfaction (1-5)",
    "ping_pong_rate": "ping-pong rate",
    "sla_green": "SLA green",
    "red_signals": "red experience signals",
    "watermelon": "watermelon",
    "stage": "stage",
    "party": "party",
}


def label(column: str) -> str:
    """The human label of a stored column name (unknown names: underscores become spaces).

    >>> label("supplier_id"), label("weighted_score"), label("held_business_h")
    ('supplier', 'weighted score (0-100)', 'held business h')
    """
    return LABELS.get(column, str(column).replace("_", " "))


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def esc(value: object) -> str:
    """HTML-escape any value (None / NaN become an en dash)."""
    if is_missing(value):
        return NO_DATA
    return html.escape(str(value))


def _half_up(value: object, digits: int) -> Decimal:
    """Round half away from zero, as readers do (7.25 -> 7.3), from the shortest decimal
    text of the float; never a negative zero."""
    q = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return q.copy_abs() if q.is_zero() else q


def fmt_money(value: object, currency: str = "GBP", digits: int = 0, locale: str = LOCALE) -> str:
    """Money with its currency sign, minus sign first: ``-£2,700``, ``£134,100``.

    >>> fmt_money(134100.0, "GBP"), fmt_money(-2700, "GBP"), fmt_money(12.5, "EUR", 2)
    ('£134,100', '-£2,700', '€12.50')
    >>> fmt_money(float("nan"), "GBP")
    '–'
    """
    if is_missing(value):
        return NO_DATA
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    amount = _half_up(value, digits)
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)


def fmt_number(value: object, unit: str = "", digits: int = 1, locale: str = LOCALE) -> str:
    """A figure with its unit, at most ``digits`` decimals and no trailing ``.0``.

    A three-letter upper-case ``unit`` is a currency (:func:`fmt_money`).

    >>> fmt_number(95.456, "%"), fmt_number(1200, "GBP", 0), fmt_number(float("nan"), "%")
    ('95.5%', '£1,200', '–')
    >>> fmt_number(21600.0), fmt_number(3.25, "hours", 2), fmt_number(-0.04, "%")
    ('21,600', '3.25 hours', '0%')
    """
    if is_missing(value):
        return NO_DATA
    if len(unit) == 3 and unit.isupper():
        return fmt_money(value, unit, digits, locale)
    rounded = _half_up(value, digits)
    text = format_decimal(
        rounded, format="#,##0." + "#" * digits if digits else "#,##0", locale=locale
    )
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def fmt_score(value: object) -> str:
    """A weighted score (0-100) with exactly one decimal, so scores read alike side by side.

    :func:`fmt_number` drops a trailing ``.0``, which put "75" beside "75.1" in the league
    table and made a whole score look rounded more coarsely than its neighbours.

    >>> fmt_score(75.0), fmt_score(75.06), fmt_score(100), fmt_score(float("nan"))
    ('75.0', '75.1', '100.0', '–')
    """
    if is_missing(value):
        return NO_DATA
    return format_decimal(_half_up(value, 1), format="#,##0.0", locale=LOCALE)


def interval_text(low: pd.Series, high: pd.Series, digits: int = 1) -> pd.Series:
    """A 95% interval as ``low–high`` (shown unit, per cent); ``""`` where there is none.

    Both ends, and every row, keep ``digits`` decimals (``2.8–8.0%``, not ``2.8–8%``), so the
    column's intervals read alike beside each other.

    >>> import pandas as pd
    >>> interval_text(pd.Series([59.58, 2.8, float("nan")]),
    ...               pd.Series([98.21, 8.0, float("nan")])).tolist()
    ['59.6–98.2%', '2.8–8.0%', '']
    """
    pattern = "#,##0." + "0" * digits if digits else "#,##0"

    def fixed(v: object) -> str:
        return format_decimal(_half_up(v, digits), format=pattern, locale=LOCALE)

    return pd.Series(
        [
            "" if is_missing(lo) else f"{fixed(lo)}–{fixed(hi)}%"
            for lo, hi in zip(low, high, strict=True)
        ],
        index=low.index,
        dtype="str",
    )


def fmt_percent(share: object, digits: int = 1, locale: str = LOCALE) -> str:
    """A share (0..1) as per cent: ``0.955`` -> ``95.5%``; NaN -> ``–``.

    >>> fmt_percent(0.25), fmt_percent(1.0), fmt_percent(None)
    ('25%', '100%', '–')
    """
    if is_missing(share):
        return NO_DATA
    return fmt_number(float(share) * 100, "%", digits, locale)


def fmt_date(value: object, tz: str = "UTC", with_time: bool = False) -> str:
    """A timestamp as a date (or date and time) in the estate's zone: ``2026-10-14 09:30``.

    >>> fmt_date(pd.Timestamp("2026-10-14 08:30", tz="UTC"), "Europe/London", with_time=True)
    '2026-10-14 09:30'
    """
    if is_missing(value):
        return NO_DATA
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(tz)
    return ts.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def fmt_cell(value: object, tz: str = "UTC") -> str:
    """Any table cell as text: numbers formatted (no ``21600.0``), dates in ``tz``.

    >>> fmt_cell(21600.0), fmt_cell(0.123456), fmt_cell(True), fmt_cell(float("nan"))
    ('21,600', '0.12', 'yes', '–')
    """
    if is_missing(value):
        return NO_DATA
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return fmt_date(value, tz, with_time=bool(pd.Timestamp(value).time() != dt.time()))
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return format_decimal(int(value), format="#,##0", locale=LOCALE)
    if isinstance(value, float) or (hasattr(value, "dtype") and "float" in str(value.dtype)):
        return fmt_number(value, "", 2)
    return str(value)


# A whole number written with a ".0" (88.0, 21,600.0), not part of a version like 0.1.0.
_TRAILING_ZERO = re.compile(r"(?<![\w.])(\d[\d,]*)\.0(?![\w.])")


def tidy_numbers(text: str) -> str:
    """Drop the ``.0`` of whole numbers in prose made elsewhere: ``80.0%`` -> ``80%``.

    >>> tidy_numbers("actual 79.17% < minimum 80.0%; 21600.0 at risk; siamlib 0.1.0")
    'actual 79.17% < minimum 80%; 21600 at risk; siamlib 0.1.0'
    """
    return _TRAILING_ZERO.sub(r"\1", text)


def limit_name(direction: str) -> str:
    """The name of a level's contract limit (params ``minimum``) in the measure's direction:
    ``minimum`` where higher is better, ``maximum`` where lower is better (a reopen rate of
    at most 6 %).

    >>> limit_name("higher"), limit_name("lower")
    ('minimum', 'maximum')
    """
    return "maximum" if direction == "lower" else "minimum"


def bound_text(value: object, direction: str, unit: str = "", digits: int = 2) -> str:
    """A level's expected value or limit as a bound in the measure's direction.

    Parameters
    ----------
    value : float
        The level (the contract's ``expected`` or ``minimum``), in the shown unit.
    direction : {"higher", "lower"}
        The measure's direction (:attr:`siamlib.measures.catalogue.Measure.direction`).
    unit : str
        ``%`` or a currency to print with the number; any other unit is left to the caller.
    digits : int
        Decimals at most.

    Returns
    -------
    str
        ``at least 95%`` where higher is better, ``at most 6%`` where lower is better (a
        maximum); ``–`` when missing.

    Examples
    --------
    >>> bound_text(95.0, "higher", "%"), bound_text(6.0, "lower", "%"), bound_text(4.2, "higher")
    ('at least 95%', 'at most 6%', 'at least 4.2')
    """
    if is_missing(value):
        return NO_DATA
    shown = unit if unit == "%" or (len(unit) == 3 and unit.isupper()) else ""
    word = "at most" if direction == "lower" else "at least"
    return f"{word} {fmt_number(value, shown, digits)}"


def worst_level_text(rag: str, red: int, amber: int) -> str:
    """What a supplier-wide RAG says, in words, so a colour is never read as more (or less).

    Parameters
    ----------
    rag : str
        The supplier's RAG: its worst level's (:func:`siamlib.scorecard.worst_rag`).
    red, amber : int
        Its levels worse than their minimum (or maximum), and worse than expected only.

    Returns
    -------
    str
        ``<rag>: ...``, e.g. ``amber: no level failed; 3 worse than expected``.

    Examples
    --------
    >>> worst_level_text("amber", 0, 3)
    'amber: no level failed; 3 worse than expected'
    >>> worst_level_text("red", 1, 0)
    'red: 1 level failed, worse than its minimum or maximum'
    """
    if rag == "red":
        its = "its" if red == 1 else "their"
        return f"red: {red} level{'s' * (red != 1)} failed, worse than {its} minimum or maximum"
    if rag == "amber":
        return f"amber: no level failed; {amber} worse than expected"
    if rag == "green":
        return "green: every level scored met expected"
    return "grey: no level scored"


def score_basis(
    weight: object, points: object = None, unscored: Iterable[tuple[str, float, str]] = ()
) -> str:
    """What a weighted score is out of, in words a board member reads without a glossary.

    The levels' weighting points total 100; levels not scored are left out and the score is
    the points earned over the weighting points left, x 100, so a score on fewer than 100
    says how many, and which levels were left out and why.

    Parameters
    ----------
    weight : float
        The weighting points of the levels scored (:func:`siamlib.scorecard.scored_totals`).
    points : float, optional
        The points they earned, said when given.
    unscored : iterable of (str, float, str)
        The levels left out: name, weighting points, why (:func:`unscored_levels`).

    Returns
    -------
    str
        ``out of 100``, or with the weighting points scored (and points earned, and the
        levels left out) when fewer than 100 were.

    Examples
    --------
    >>> score_basis(100.0), score_basis(80.0)
    ('out of 100', 'out of 100, scored on 80 of 100 weighting points')
    >>> score_basis(80.0, 60.0)
    'out of 100: 60 points earned, scored on 80 of 100 weighting points'
    >>> score_basis(80.0, unscored=[("Resolution (P1)", 20.0, "small sample")])
    'out of 100, scored on 80 of 100 weighting points; Resolution (P1), 20 points, not \
scored: small sample'
    """
    if is_missing(weight) or not 0 < float(weight) < 100 - 1e-9:
        return "out of 100"  # every level scored, or none (no score)
    text = f"scored on {fmt_number(weight, '', 1)} of 100 weighting points"
    left = "".join(
        f"; {name}, {fmt_number(w, '', 1)} points, not scored: {why}" for name, w, why in unscored
    )
    if is_missing(points):
        return f"out of 100, {text}{left}"
    return f"out of 100: {fmt_number(points, '', 1)} points earned, {text}{left}"


def unscored_levels(card: pd.DataFrame) -> list[tuple[str, float, str]]:
    """The levels of a scorecard left out of its weighted score: name, weighting points, why
    (``small sample`` where the small-sample rule left it unscored, else ``no data``).

    >>> card = pd.DataFrame({"name": ["P1", "P2"], "weight": [20.0, 80.0],
    ...     "rag": ["grey", "green"], "scored_on": ["not scored", "month"]})
    >>> unscored_levels(card)
    [('P1', 20.0, 'small sample')]
    """
    if card is None or card.empty or "rag" not in card or "weight" not in card:
        return []
    grey = card[card["rag"].eq("grey")]
    on = grey["scored_on"] if "scored_on" in grey else pd.Series("", index=grey.index)
    why = on.eq("not scored").map({True: "small sample", False: "no data"})
    names = grey["name"] if "name" in grey else grey.get("service_level", grey.index)
    return [(str(n), float(w), str(y)) for n, w, y in zip(names, grey["weight"], why, strict=True)]


ROLLING = "rolling "  # how a scorecard's ``scored_on`` starts on a window (siamlib.samples)
_WINDOW = re.compile(r"rolling (\d+) months?")


def rolling_text(row: Mapping) -> str:
    """What a level's figure was scored on when not the month alone: ``3 months rolling: 9 of
    10`` (the scorecard's ``scored_on``, ``scored_numerator`` and ``scored_denominator``, as
    :func:`siamlib.samples.apply_small_samples` computed them; a unit other than per cent says
    only how many were counted); ``""`` for a level scored on its month.

    >>> rolling_text({"scored_on": "rolling 3 months (2026-08..2026-10)", "unit": "%",
    ...     "scored_numerator": 9.0, "scored_denominator": 10.0})
    '3 months rolling: 9 of 10'
    >>> rolling_text({"scored_on": "month", "unit": "%"}), rolling_text({"unit": "%"})
    ('', '')
    """
    on = row.get("scored_on")
    if is_missing(on) or not str(on).startswith(ROLLING):
        return ""
    found = _WINDOW.match(str(on))
    window = f"{found.group(1)} months rolling" if found else str(on)
    num, den = row.get("scored_numerator"), row.get("scored_denominator")
    if is_missing(den):
        return window
    if row.get("unit") == "%" and not is_missing(num):
        return f"{window}: {fmt_number(num, '', 2)} of {fmt_number(den, '', 2)}"
    return f"{window}: {fmt_number(den, '', 2)} counted"


def scored_value(row: Mapping) -> str:
    """A level's actual in its own unit (:func:`level_value`), labelled with the rolling window
    it was scored on (:func:`rolling_text`) when not its month alone.

    >>> scored_value({"actual": 90.0, "unit": "%", "scored_on": "rolling 3 months (a..b)",
    ...     "scored_numerator": 9.0, "scored_denominator": 10.0})
    '90% (3 months rolling: 9 of 10)'
    """
    shown = level_value(row.get("actual"), str(row.get("unit", "")))
    window = rolling_text(row)
    return f"{shown} ({window})" if window else shown


def level_value(value: object, unit: str) -> str:
    """A level's figure (or target) as a reader says it, in the level's own unit.

    Two decimals at most; a score out of 5 says so; a time under an hour is in minutes.

    >>> level_value(76.923077, "%"), level_value(4.3333, "score 1-5"), level_value(3.0, "count")
    ('76.92%', '4.33 of 5', '3')
    >>> level_value(0.15, "hours"), level_value(1.0, "hours"), level_value(float("nan"), "%")
    ('9 minutes', '1 hour', 'not scored')
    """
    if is_missing(value):
        return "not scored"
    value = float(value)
    if unit == "%":
        return fmt_number(value, "%", 2)
    if unit == "score 1-5":
        return f"{fmt_number(value, '', 2)} of 5"
    if unit == "count":
        return fmt_number(value, "", 2)
    if unit in ("hours", "days"):
        if unit == "hours" and 0 < abs(value) < 1:
            value, unit = value * 60, "minutes"
        one = fmt_number(value, "", 2) == "1"
        return f"{fmt_number(value, '', 2)} {unit.removesuffix('s') if one else unit}"
    return fmt_number(value, unit, 2)


def rag_word(rag: str) -> str:
    """A RAG status as a coloured word (inline style)."""
    rag = rag if rag in RAGS else "grey"
    return f'<b style="color:{RAG_INK[rag]}">{esc(rag)}</b>'


# The tiles' text styles travel with the tiles (JupyterLab has no report stylesheet); the
# label/value/sub markup stays plain because the email text is read back from it.
_TILE_STYLE = (
    "<style>.siam-tiles .label,.siam-tiles .sub{font-size:12px;color:#3c4757}"
    ".siam-tiles .value{font-size:22px;font-weight:bold}</style>"
)


def tiles(items: Iterable[Mapping]) -> str:
    """RAG tiles: each item has label, value, optional sub and rag (green/amber/red/grey, or
    ``repaid``: money back to a supplier, :data:`TILE_BACKGROUND`)."""
    out = []
    box = (
        "flex:1 1 150px;border-radius:6px;padding:10px 12px;border:1px solid #c9d0db;"
        "background:{bg};color:#1d2430"
    )
    for it in items:
        rag = it.get("rag", "grey")
        rag = rag if rag in TILE_BACKGROUND else "grey"
        sub = f'<div class="sub">{esc(it["sub"])}</div>' if it.get("sub") else ""
        out.append(
            f'<div class="tile rag-{rag}" style="{box.format(bg=TILE_BACKGROUND[rag])}">'
            f'<div class="label">{esc(it["label"])}</div>'
            f'<div class="value">{esc(it["value"])}</div>{sub}</div>'
        )
    return (
        '<div class="tiles siam-tiles" style="display:flex;flex-wrap:wrap;gap:10px;'
        f'margin:12px 0">{_TILE_STYLE}' + "".join(out) + "</div>"
    )


PROSE_CHARS = 40  # a text column holding a longer value is prose (class "prose")


def table(
    df: pd.DataFrame,
    rag_column: str | None = None,
    numeric: Iterable[str] = (),
    max_rows: int = 200,
    caption: str | None = None,
    formats: Mapping[str, Callable[[object], str]] | None = None,
    tz: str = "UTC",
) -> str:
    """An escaped HTML table with human headers (:func:`label`) and formatted cells.

    ``rag_column`` colours each row by its RAG value (inline style); ``formats`` maps a
    column to the function that turns its values into text (default :func:`fmt_cell`);
    numeric columns (``numeric`` or any number dtype) are right-aligned.

    Every header cell is a column header (``scope="col"``), so a screen reader reads each
    cell with its column's name.

    >>> t = table(pd.DataFrame({"supplier_id": ["x"], "credits": [21600.0]}))
    >>> '<th scope="col">supplier</th>' in t and ">21,600<" in t and "21600.0" not in t
    True
    """
    formats = dict(formats or {})
    cols = list(df.columns)
    numeric = set(numeric) | {
        c
        for c in cols
        if pd.api.types.is_numeric_dtype(df[c].dtype)
        and not pd.api.types.is_bool_dtype(df[c].dtype)
    }
    # Numbers never break inside ("-£4,500" on two lines misreads): no wrap in their cells.
    right = ' class="num" style="text-align:right;white-space:nowrap"'
    # Headers wrap between words ("change on last month" over three lines), so a number
    # column is as wide as its numbers, not its label.
    head_right = ' class="num" style="text-align:right"'
    head = "".join(
        f'<th scope="col"{head_right if c in numeric else ""}>{esc(label(c))}</th>' for c in cols
    )
    shown_df = df.head(max_rows)
    # Prose columns (a note, "what it covers") keep a readable width on a phone: squeezed
    # beside other columns they wrapped word by word into cells hundreds of pixels tall.
    prose = {
        c
        for c in cols
        if c not in numeric and shown_df[c].astype("str").str.len().max(skipna=True) > PROSE_CHARS
    }
    wide = ' class="prose"'
    rows = []
    for rec in shown_df.itertuples(index=False):
        values = dict(zip(cols, rec, strict=True))
        style = ""
        if rag_column and rag_column in values:
            rag = values[rag_column] if values[rag_column] in RAGS else "grey"
            style = f' class="rag-{rag}" style="background:{RAG_BACKGROUND[rag]}"'
        cells = "".join(
            f"<td{right if c in numeric else (wide if c in prose else '')}>"
            f"{esc(formats[c](values[c]) if c in formats else fmt_cell(values[c], tz))}</td>"
            for c in cols
        )
        rows.append(f"<tr{style}>{cells}</tr>")
    more = ""
    if len(df) > max_rows:
        more = (
            f'<p class="note">Showing {max_rows} of {len(df)} rows; '
            "all rows are in the evidence files.</p>"
        )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def provenance(meta: Mapping) -> str:
    """The provenance footer: period, run time, code version, hashes of inputs and params."""
    items = [
        ("Period", meta.get("period")),
        ("Run at (UTC)", meta.get("run_at")),
        ("Code version", meta.get("code_version")),
        ("Data window", meta.get("data_window")),
        ("Inputs", meta.get("inputs_sha256")),
        ("Params", meta.get("params_sha256")),
    ]
    body = "".join(f"<li><b>{esc(k)}:</b> {esc(v)}</li>" for k, v in items if v)
    return f'<div class="provenance"><h3>Provenance</h3><ul>{body}</ul></div>'
