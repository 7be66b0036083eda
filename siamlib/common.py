"""Shared constants and tiny helpers used across the layers (one place, no copies).

This module sits at the bottom of the import layers (see ``docs/architecture.md``): it imports
nothing from :mod:`siamlib`, so any module may use it.

- :data:`DEFAULT_TZ`: the estate's default reporting time zone. It is the default of
  ``estate.timezone`` in ``params/estate.yaml`` (:class:`siamlib.params.Estate` takes its
  default from here); code that has params uses ``params.estate.timezone`` instead.
- :data:`ALL`: the ``supplier_id`` of estate-wide summary rows in measure tables.
- :data:`BOARD`: the report name of the board summary (its bundle, HTML and email name).
- :data:`DEFAULT_AGE_BUCKETS` and :func:`bucket_labels`: the backlog ageing buckets.
- :func:`ratio`: numerator / denominator, NaN when nothing was counted.

Examples
--------
>>> ratio(1, 4)
0.25
>>> ratio(3, 0)
nan
>>> bucket_labels()
['0-5', '6-10', '11-30', '>30']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import pandas as pd

#: Default reporting time zone of the estate (``estate.timezone`` in params/estate.yaml).
DEFAULT_TZ: str = "Europe/London"

#: supplier_id of estate-wide summary rows; never a valid supplier slug.
ALL: str = "(all)"

#: Report name of the board summary (bundle folder, HTML file, email).
BOARD: str = "board-summary"
FIGURES_NAME: str = "figures.csv"  # in every published pack; `siam figures` writes the same bytes

#: Default ageing buckets: upper edges, in whole days since opened, of 0-5, 6-10, 11-30, >30.
DEFAULT_AGE_BUCKETS: tuple[int, ...] = (5, 10, 30)


def bucket_labels(buckets: Sequence[int] = DEFAULT_AGE_BUCKETS) -> list[str]:
    """Labels of ageing buckets given their inclusive upper edges in days.

    >>> bucket_labels((5, 10, 30))
    ['0-5', '6-10', '11-30', '>30']
    """
    edges = list(buckets)
    if edges != sorted(set(edges)) or (edges and edges[0] < 0):
        raise ValueError(f"buckets must be increasing non-negative day counts, got {buckets}")
    lows = [0] + [e + 1 for e in edges]
    return [f"{lo}-{hi}" for lo, hi in zip(lows, edges, strict=False)] + [f">{edges[-1]}"]


@overload
def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series: ...
@overload
def ratio(numerator: float, denominator: float) -> float: ...
def ratio(numerator, denominator):
    """``numerator / denominator``; NaN where the denominator is 0 (nothing counted).

    An empty denominator means "no value", never zero and never an error. Works on two
    numbers (returns a float) or on two aligned Series (returns a float64 Series).

    >>> ratio(pd.Series([1.0, 2.0]), pd.Series([2.0, 0.0])).tolist()
    [0.5, nan]
    >>> ratio(0, 5)
    0.0
    """
    if isinstance(denominator, pd.Series):
        return (numerator / denominator.where(denominator > 0)).astype("float64")
    return float(numerator) / float(denominator) if denominator else float("nan")
