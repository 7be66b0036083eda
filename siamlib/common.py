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
- :func:`fold_text`: a name or id as a reader reads it, so that a variant cannot pass for, or
  evade, the one the params name.

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
import pyarrow as pa
import pyarrow.compute as pc

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


# Characters that do not show, by Unicode category (RE2 syntax, for pyarrow): control (Cc) and
# format characters (Cf: zero-width spaces and joiners, bidi marks, the BOM, the soft hyphen,
# tag characters...), as the gate's id rules (siamlib.quality_cross) refuse them in ids.
_UNSEEN = r"[\p{Cc}\p{Cf}]"
_SPACE = r"[\s\p{Z}]"  # every space and separator: tabs, line breaks, no-break spaces


def fold_text(values: pd.Series, *, spaces: str = " ") -> pd.Series:
    """Text as a reader reads it: NFKC (full-width letters as ASCII), every run of spaces as
    ``spaces``, characters that do not show removed, trimmed, letter case folded.

    Parameters
    ----------
    values
        Strings (missing values stay missing).
    spaces
        What a run of spaces becomes: ``" "`` for names (``"Service  Desk"`` is ``"service
        desk"``), ``""`` for ids, which hold no space.

    Examples
    --------
    >>> fold_text(pd.Series([" SIAM-\u200bDispatch\u00a0", "siam  dispatch"])).tolist()
    ['siam-dispatch', 'siam dispatch']
    >>> fold_text(pd.Series(["INC\u200b1", "ｉｎｃ1 ", "INC1\U000e0020"]), spaces="").tolist()
    ['inc1', 'inc1', 'inc1']
    """
    text = values.astype("object")
    normal = text.where(text.isna(), text.astype("str").str.normalize("NFKC"))
    arr = pa.array(normal.where(normal.notna(), None).to_numpy(dtype=object), type=pa.string())
    arr = pc.replace_substring_regex(arr, _SPACE, " ")
    arr = pc.replace_substring_regex(arr, _UNSEEN, "")
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, " +", spaces))
    return pd.Series(arr.to_pandas(), index=values.index, dtype="object").str.casefold()
