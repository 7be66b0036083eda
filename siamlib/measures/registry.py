"""The measure registry: where every value of the measure-values table comes from.

One :class:`Entry` per measure id of the catalogue that is a monthly measure value (families
``tower``, ``integrator`` and ``both``). An entry binds the id to the function computing it
(``compute``: the family's context in, a frame of rows out), the scope keys of its rows, the
roles of the suppliers that get rows, and the columns of that frame its value, numerator and
denominator are read from (None: no such figure, NaN). The families' ``measure_values`` are
one generic loop over their entries (:mod:`siamlib.measures.registry_tower` and
:mod:`siamlib.measures.registry_integrator`), so adding a measure is a catalogue entry, a
registry entry, the function and its tests.

Examples
--------
>>> e = Entry("x", "tower", lambda ctx: ctx, value="rate", numerator="met", denominator="n")
>>> frame = pd.DataFrame({"supplier_id": ["a"], "period": ["2026-03"], "rate": [0.5],
...                       "met": [1], "n": [2]})
>>> long_rows(e, frame)[["measure", "value", "numerator", "denominator"]].values.tolist()
[['x', 0.5, 1.0, 2.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from siamlib.measures import MEASURE_VALUE_COLUMNS


@dataclass(frozen=True)
class Entry:
    """How one measure's rows of the measure-values table are produced.

    Attributes
    ----------
    measure : str
        Measure id (a key of :data:`siamlib.measures.catalogue.MEASURES`).
    family : {"tower", "integrator", "combined"}
        The ``measure_values`` loop that emits it; ``combined``: derived afterwards from the
        two families' values together (no loop emits it).
    compute : callable
        The family's context in, a frame out with ``supplier_id``, ``period`` (the integrator
        loop adds it), optionally ``scope`` (default ``""``), and the columns below.
    value, numerator, denominator : str or None
        Columns of the computed frame holding each figure; None: NaN (a count or a median).
    scope_keys : tuple of str
        Keys of the scopes its rows carry besides ``""`` (the catalogue's ``scope_keys``).
    roles : tuple of str
        Roles of the suppliers that get rows (the catalogue's ``level_roles``).
    scopes : callable, optional
        Tower measures: ``(params, supplier_id) -> scopes`` every tower supplier and period
        gets a row for even when nothing was counted (default ``[""]``).
    """

    measure: str
    family: Literal["tower", "integrator", "combined"]
    compute: Callable[[Any], pd.DataFrame | None]
    value: str = "value"
    numerator: str | None = "numerator"
    denominator: str | None = "denominator"
    scope_keys: tuple[str, ...] = ()
    roles: tuple[str, ...] = ("tower",)
    scopes: Callable[[Any, str], list[str]] | None = None

    @property
    def counts(self) -> bool:
        """A count or a single figure (no numerator nor denominator), not a ratio or a mean."""
        return self.numerator is None and self.denominator is None


def _floats(s: pd.Series) -> np.ndarray:
    # Any missing marker (None, pd.NA, NaN) becomes NaN, whatever the column's dtype.
    return s.to_numpy(dtype="float64", na_value=np.nan)


def long_columns(entry: Entry, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`long_rows` as arrays by column (cheap to stack: see :func:`stack`)."""
    n = len(frame)

    def figure(col: str | None) -> np.ndarray:
        return _floats(frame[col]) if col is not None else np.full(n, np.nan)

    scope = frame["scope"].to_numpy(dtype=object) if "scope" in frame else np.full(n, "", object)
    return {
        "supplier_id": frame["supplier_id"].astype("str").to_numpy(dtype=object),
        "period": frame["period"].astype("str").to_numpy(dtype=object),
        "measure": np.full(n, entry.measure, dtype=object),
        "scope": scope,
        "value": figure(entry.value),
        "numerator": figure(entry.numerator),
        "denominator": figure(entry.denominator),
    }


def stack(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Rows of :func:`long_columns` one after the other, as one measure-values frame."""
    if not parts:
        return typed(pd.DataFrame(columns=MEASURE_VALUE_COLUMNS))
    return typed(
        pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in MEASURE_VALUE_COLUMNS})
    )


def long_rows(entry: Entry, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (one row per supplier, period and scope) as rows of the measure-values table.

    Value, numerator and denominator are read from the entry's columns (NaN where the entry
    names none); scope is ``frame["scope"]`` or ``""``.

    Examples
    --------
    >>> e = Entry("n", "tower", lambda ctx: ctx, value="count", numerator=None,
    ...           denominator=None)
    >>> f = pd.DataFrame({"supplier_id": ["a", "a"], "period": ["2026-03"] * 2,
    ...                   "scope": ["", "age=0-5"], "count": [3, None]})
    >>> long_rows(e, f)[["scope", "value", "numerator"]].values.tolist()
    [['', 3.0, nan], ['age=0-5', nan, nan]]
    """
    return stack([long_columns(entry, frame)])


def typed(out: pd.DataFrame) -> pd.DataFrame:
    """The measure-values columns in their dtypes (keys str, figures float64)."""
    for col in ("supplier_id", "period", "measure", "scope"):
        out[col] = out[col].astype("str")
    for col in ("value", "numerator", "denominator"):
        out[col] = out[col].astype("float64")
    return out[MEASURE_VALUE_COLUMNS]


def entries() -> dict[str, Entry]:
    """Every registered measure by id: the towers', the integrator's, the combined ones.

    Examples
    --------
    >>> reg = entries()
    >>> reg["reopen_rate"].family, reg["aged_tickets"].roles
    ('tower', ('tower', 'integrator'))
    """
    # Imported here: the family modules import this one for Entry and long_rows.
    from siamlib.measures import registry_integrator, registry_tower

    found: dict[str, Entry] = {}
    for e in _all(registry_tower.ENTRIES, registry_integrator.ENTRIES, COMBINED):
        if e.measure in found:
            raise ValueError(f"measure {e.measure!r} is registered twice")
        found[e.measure] = e
    return found


def _all(*groups: Iterable[Entry]) -> list[Entry]:
    return [e for g in groups for e in g]


def _watermelon(values: pd.DataFrame) -> pd.DataFrame:
    # As siamlib.measures.integrator.watermelon_values: the flag (1, 0 or NaN) per tower and
    # period, read off the combined values of both families.
    from siamlib.measures.integrator import watermelon

    return watermelon(values)


# Derived from both families' values together, after both loops ran.
COMBINED = (
    Entry(
        "watermelon_flag",
        "combined",
        lambda values: _watermelon(values),
        value="watermelon",
        numerator=None,
        denominator=None,
        roles=("tower",),
    ),
)
