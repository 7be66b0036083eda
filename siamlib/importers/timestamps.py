"""Source timestamps -> UTC, with the source's time zone and its daylight-saving changes.

Exports write wall-clock times without a zone (``29/2/2016 01:23``). They are read with the
mapping's format, localised to the source time zone, and converted to UTC. Two local times need
a rule, and the rule is the same everywhere so that results are reproducible:

- **nonexistent** (inside the spring-forward gap, e.g. 01:30 on 29 March 2026 in
  Europe/London): shifted forward by the gap, to 02:00 local (01:00 UTC);
- **ambiguous** (inside the repeated autumn hour, e.g. 01:30 on 25 October 2026 in
  Europe/London): read as the ``first`` occurrence (daylight time, 00:30 UTC) by default, or
  the ``second`` (standard time, 01:30 UTC).

Both are counted so the import summary can report them. Values carrying an offset or ``Z`` are
converted with their own offset. ISO 8601 values are accepted whatever the format says (Excel
date cells arrive as ISO strings).

Examples
--------
>>> s = pd.Series(["29/3/2026 01:30", "25/10/2026 01:30", "1/2/2026 09:00", "junk", None,
...                "31/12/9999 23:59"])
>>> p = parse_timestamps(s, "%d/%m/%Y %H:%M", "Europe/London")
>>> [str(t) for t in p.utc[:3]]
['2026-03-29 01:00:00+00:00', '2026-10-25 00:30:00+00:00', '2026-02-01 09:00:00+00:00']
>>> p.utc[3:].isna().tolist()
[True, True, True]
>>> p.nonexistent.tolist(), p.ambiguous.tolist()
([True, False, False, False, False, False], [False, True, False, False, False, False])
>>> p.bad.tolist()
[False, False, False, True, False, True]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from siamlib.schema import TIMESTAMP_DTYPE

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
# Years outside this range are typing slips or placeholders (01/01/0001, 31/12/9999): read as
# bad timestamps (rejected rows), they cannot stretch a dataset's window over centuries or
# overflow the time-zone conversion.
PLAUSIBLE = (np.datetime64("1900-01-01", "us"), np.datetime64("2200-01-01", "us"))
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass
class ParsedTimestamps:
    """UTC timestamps plus masks: which values were bad, nonexistent or ambiguous locally."""

    utc: pd.Series  # datetime64[us, UTC]; NaT where missing or bad
    bad: pd.Series  # present but unreadable
    nonexistent: pd.Series
    ambiguous: pd.Series


def _naive_utc(s: pd.Series) -> np.ndarray:
    """Tz-aware values as naive UTC datetime64[us] (NaT stays NaT)."""
    return s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")


def parse_timestamps(
    values: pd.Series, fmt: str = "ISO8601", tz: str = "UTC", ambiguous: str = "first"
) -> ParsedTimestamps:
    """Parse ``values`` (text, missing as NA) to UTC; see the module notes for DST rules.

    Each distinct text is parsed once, so long logs with repeated minutes stay fast.
    """
    values = pd.Series(values, dtype="str")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    u = pd.Series(uniques, dtype="str").str.strip()
    n = len(u)
    # UTC instants as naive datetime64[us], filled per kind of value, made tz-aware at the end.
    utc = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    nonexistent = np.zeros(n, dtype=bool)
    amb = np.zeros(n, dtype=bool)

    has_offset = u.str.contains(_OFFSET).to_numpy(dtype=bool)
    if has_offset.any():
        parsed = pd.to_datetime(u[has_offset], format="ISO8601", utc=True, errors="coerce")
        utc[has_offset] = _naive_utc(parsed)

    naive_idx = ~has_offset
    if naive_idx.any():
        local_text = u[naive_idx]
        if fmt.upper() == "ISO8601":
            naive = pd.to_datetime(local_text, format="ISO8601", errors="coerce")
        else:
            naive = pd.to_datetime(local_text, format=fmt, errors="coerce")
            iso = naive.isna() & local_text.str.match(_ISO)
            if iso.any():
                naive[iso] = pd.to_datetime(local_text[iso], format="ISO8601", errors="coerce")
        naive = naive.astype("datetime64[us]")
        naive = naive.where(naive.between(*PLAUSIBLE))
        strict = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        problem = strict.isna() & naive.notna()
        loose = strict.copy()
        if problem.any():
            is_dst = np.full(int(problem.sum()), ambiguous == "first")
            sub = naive[problem]
            shifted = sub.dt.tz_localize(tz, ambiguous=is_dst, nonexistent="shift_forward")
            gap = sub.dt.tz_localize(tz, ambiguous=is_dst, nonexistent="NaT").isna()
            loose[problem] = shifted
            pos = np.flatnonzero(naive_idx)
            prob_pos = pos[problem.to_numpy()]
            nonexistent[prob_pos] = gap.to_numpy()
            amb[prob_pos] = ~gap.to_numpy()
        utc[naive_idx] = _naive_utc(loose)

    utc[(utc < PLAUSIBLE[0]) | (utc >= PLAUSIBLE[1])] = np.datetime64("NaT")
    bad_u = np.isnat(utc) & (u.str.len() > 0).to_numpy(dtype=bool)

    valid = codes >= 0
    if n == 0:
        empty = np.zeros(len(values), dtype=bool)
        nat = pd.Series(pd.NaT, index=values.index, dtype=TIMESTAMP_DTYPE)
        return ParsedTimestamps(nat, *(pd.Series(empty, index=values.index) for _ in range(3)))
    take = np.where(valid, codes, 0)
    out = np.where(valid, utc[take], np.datetime64("NaT"))
    out_utc = pd.Series(out, index=values.index).dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)
    return ParsedTimestamps(
        utc=out_utc,
        bad=pd.Series(valid & bad_u[take], index=values.index),
        nonexistent=pd.Series(valid & nonexistent[take], index=values.index),
        ambiguous=pd.Series(valid & amb[take], index=values.index),
    )
