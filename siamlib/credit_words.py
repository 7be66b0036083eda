"""How the credit ledger writes money and levels in words: amounts with their currency,
numbers as a reader writes them, a missed level against the limit it missed.

The ledger's explanations (and so the reports, figures.csv and the evidence) show this text
word for word; :mod:`siamlib.credits` and :mod:`siamlib.waivers` write with it.

>>> money(7200.0, "GBP"), money(-4500.5, "EUR"), money(12.0, "CHF")
('£7,200', '-€4,500.50', 'CHF 12')
"""

from __future__ import annotations

from collections.abc import Mapping

_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: float, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    digits = 0 if abs(amount - round(amount)) < 0.005 else 2
    symbol = _SYMBOLS.get(currency)
    body = f"{amount:,.{digits}f}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency} {body}"


def num(value: float, differ_from: float | None = None) -> str:
    """At most two decimals, no trailing zeros: 88 -> 88, 99.45 -> 99.45, 88.333 -> 88.33.

    The report shows this text word for word (figures.csv and the evidence carry it too), so
    it is written once, as a reader writes numbers. With ``differ_from``, more decimals (up
    to six) are shown until the text differs from that level's, so 89.999 is not shown as
    "90 < minimum 90".

    >>> num(88.0), num(99.45), num(88.333), num(89.999, differ_from=90.0)
    ('88', '99.45', '88.33', '89.999')
    """
    for digits in range(2, 7):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        if differ_from is None or text != num(differ_from):
            break
    return text


def pct(value: float) -> str:
    return f"{value:g}%"


def level_text(value: float, unit: str, differ_from: float | None = None) -> str:
    shown = num(value, differ_from)
    return f"{shown}%" if unit == "%" else f"{shown} {unit}"


def window_text(row: Mapping) -> str:
    """`` (3 months rolling: 22 of 25)`` when the small-sample rule scored the level on a
    rolling window (the card's ``scored_on``, ``scored_numerator``, ``scored_denominator``,
    :func:`siamlib.samples.apply_small_samples`), else ``""``: the figure is not the month's.

    >>> window_text({"scored_on": "rolling 3 months (2026-08..2026-10)", "unit": "%",
    ...     "scored_numerator": 22.0, "scored_denominator": 25.0})
    ' (3 months rolling: 22 of 25)'
    >>> window_text({"scored_on": "month"}), window_text({})
    ('', '')
    """
    on = str(row.get("scored_on") or "")
    if not on.startswith("rolling "):
        return ""
    window = f"{on.removeprefix('rolling ').split(' (')[0]} rolling"
    n, d = row.get("scored_numerator"), row.get("scored_denominator")
    if d is None or d != d:  # no counts: NaN
        return f" ({window})"
    if row.get("unit") == "%" and n is not None and n == n:
        return f" ({window}: {num(n)} of {num(d)})"
    return f" ({window}: {num(d)} counted)"


def shortfall_text(row: Mapping) -> str:
    """A missed level by its name against the limit it missed: 'Resolution within target
    (priority 1) 88%, below its 90% minimum'; a lower-is-better measure's limit is a maximum
    ('Reopen rate 7.5%, above its 6% maximum'); a unit other than per cent is said once; a
    figure scored on a rolling window says so (:func:`window_text`).

    >>> shortfall_text({"service_level": "CSAT", "name": "Customer satisfaction",
    ...     "direction": "higher", "rag": "red", "actual": 2.98, "expected": 4.2,
    ...     "minimum": 3.8, "unit": "score 1-5"})
    'Customer satisfaction 2.98, below its 3.8 minimum (score 1-5)'
    """
    worse = "below" if row["direction"] == "higher" else "above"
    if row["rag"] == "red":
        limit = "minimum" if row["direction"] == "higher" else "maximum"
        threshold, level = limit, row["minimum"]
    else:
        threshold, level = "expected level", row["expected"]
    pct = "%" if row["unit"] == "%" else ""
    unit = f" ({row['unit']})" if row["unit"] and not pct else ""
    return (
        f"{row.get('name') or row['service_level']} {num(row['actual'], level)}{pct}"
        f"{window_text(row)}, "
        f"{worse} its {num(level)}{pct} {threshold}{unit}"
    )
