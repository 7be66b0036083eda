"""Source vocabulary -> the data model's: support levels and priorities of an event log.

Used by :mod:`siamlib.importers.eventlog`; the mapping (:mod:`siamlib.importers.mapping`)
holds the lookups. ``docs/importing.md`` documents the rules.
"""

from __future__ import annotations

import re

import pandas as pd

from siamlib.importers.mapping import EventLogMapping

# A support level written in a value: a digit 1-3 standing on its own, optionally after L, T,
# Level, Tier or Line and before st/nd/rd ("L2", "2nd", "Level 3", "N15 2nd" -> 2). A digit
# inside a name ("N15", "S42", "Group 20") is not a level: read as one it gave BPI 2013 team
# "S42 3rd" level 2 and "N15 2nd" level 1.
LEVEL_TOKEN = r"(?i)(?<![a-z0-9])(?:l|t|level|tier|line)?\s*([1-3])(?:st|nd|rd)?(?![a-z0-9])"


def support_levels(raw: pd.Series, mapping: EventLogMapping) -> tuple[pd.Series, pd.Series]:
    """Support level from the source column.

    The map first, else a level token in the value (:data:`LEVEL_TOKEN`), else the mapping's
    ``default_support_level`` for a value that names no level (BPI 2013: a team without
    "2nd" / "3rd" is first line). Returns ``(level, unknown)``; ``unknown`` marks values
    read as no level.

    >>> from siamlib.importers.mapping import EventLogMapping
    >>> m = EventLogMapping.model_validate({"name": "x", "status_map": {"A": "new"},
    ...     "columns": {"case_id": "c", "timestamp": "t", "status": "s"}})
    >>> support_levels(pd.Series(["N15 2nd", "S42 3rd", "L2", "G97", "Group 20"]), m)[0].tolist()
    [2, 3, 2, <NA>, <NA>]
    """
    mapped = pd.to_numeric(raw.map(mapping.support_level_map), errors="coerce")
    token = pd.to_numeric(raw.str.extract(LEVEL_TOKEN, expand=False), errors="coerce")
    out = mapped.fillna(token)
    if mapping.default_support_level is not None:
        out = out.mask(raw.notna() & out.isna(), mapping.default_support_level)
    out = out.astype("Int64")
    unknown = raw.notna() & out.isna()
    return out, unknown


def priority_lookup(priority_map: dict[str, int]) -> dict[str, int]:
    """``priority_map`` plus each ``"N - Label"`` key's raw value ``"N"`` (ServiceNow style).

    An export made without display values writes ``5`` where the display export writes
    ``5 - Planning``; both must map alike. A key given in the map wins; a raw value two labels
    disagree about is left out (it stays unknown).

    >>> priority_lookup({"4 - Low": 4, "5 - Planning": 4})
    {'4': 4, '5': 4, '4 - Low': 4, '5 - Planning': 4}
    """
    raw: dict[str, set[int]] = {}
    for key, p in priority_map.items():
        m = re.fullmatch(r"\s*(\d+)\s+-\s+\S.*", key)
        if m:
            raw.setdefault(m.group(1), set()).add(p)
    derived = {k: next(iter(v)) for k, v in raw.items() if len(v) == 1}
    return {**derived, **priority_map}


def priorities(raw: pd.Series, mapping: EventLogMapping) -> tuple[pd.Series, pd.Series]:
    mapped = pd.to_numeric(raw.map(priority_lookup(mapping.priority_map)), errors="coerce")
    direct = pd.to_numeric(raw.where(raw.isin(["1", "2", "3", "4"])), errors="coerce")
    out = mapped.fillna(direct).astype("Int64")
    unknown = raw.notna() & out.isna()
    return out, unknown
