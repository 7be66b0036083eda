"""ServiceNow incident audit export -> ``tickets`` + ``ticket_events``.

The export has one row per update of an incident (``number`` repeats, ``sys_mod_count`` counts
the updates), ``?`` for missing values and day-first wall-clock times without a zone. It is
the generic event-log importer (:mod:`siamlib.importers.eventlog`) driven by
``params/mappings/servicenow.yaml``; the source time zone is a parameter. This module adds a
plausibility check: reopens rebuilt from the state changes against the export's own
``reopen_count``.

Examples
--------
>>> r = import_servicenow(SAMPLE, tz="Europe/London")
>>> s = r.summary
>>> s.rows_read == s.rows_used + s.rows_collapsed + s.rows_rejected
True
>>> s.tickets_built > 500
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from siamlib import paths
from siamlib.importers.eventlog import _note_source, eventlog_to_model, load_estate
from siamlib.importers.files import read_source
from siamlib.importers.mapping import (
    SERVICENOW_MAPPING,
    EventLogMapping,
    display_path,
    load_mapping,
)
from siamlib.importers.result import ImportResult
from siamlib.params import Estate

SAMPLE = paths.SAMPLES_DIR / "servicenow_incident_sample.csv.gz"
# The full public log, kept beside the repository (not committed); see data/samples/README.md.
FULL_LOG = paths.ROOT.parent / "shared" / "realdata" / "servicenow_incident_event_log.csv.gz"


def reopen_check(df: pd.DataFrame, tickets: pd.DataFrame, mapping: EventLogMapping) -> float:
    """Share of built tickets whose rebuilt reopen count equals the export's ``reopen_count``.

    The export's count is taken from the ticket's last update (highest ``sys_mod_count``).
    Returns NaN when the export has no ``reopen_count`` column or no tickets were built.

    >>> df = pd.DataFrame({"number": ["A", "A"], "sys_mod_count": ["0", "1"],
    ...                    "reopen_count": ["0", "1"]})
    >>> t = pd.DataFrame({"ticket_id": ["A"], "reopen_count": [1]})
    >>> reopen_check(df, t, load_mapping(SERVICENOW_MAPPING))
    1.0
    """
    c = mapping.columns
    if "reopen_count" not in df.columns or tickets.empty:
        return float("nan")
    src = pd.DataFrame(
        {
            "ticket_id": df[c.case_id],
            "seq": pd.to_numeric(df[c.sequence], errors="coerce") if c.sequence else 0,
            "src": pd.to_numeric(df["reopen_count"], errors="coerce"),
        }
    )
    last = src.sort_values(["ticket_id", "seq"], kind="stable").groupby("ticket_id").tail(1)
    both = tickets[["ticket_id", "reopen_count"]].merge(last, on="ticket_id", how="left")
    return float((both["reopen_count"].astype("float") == both["src"]).mean())


def servicenow_to_model(
    df: pd.DataFrame,
    mapping: EventLogMapping,
    tz: str | None = None,
    *,
    estate: Estate | None = None,
    source: str = "(data frame)",
    first_row: int | None = None,
) -> ImportResult:
    """Build the data model from a ServiceNow audit export read as text (pure).

    ``tz`` is the time zone of the export's wall-clock times (default: the mapping's).
    The summary's ``checks["reopen_count_match_share"]`` is the share of tickets whose rebuilt
    reopen count equals the export's ``reopen_count``.

    Examples
    --------
    >>> df = pd.DataFrame({"number": ["INC1", "INC1"], "sys_mod_count": ["0", "1"],
    ...     "incident_state": ["New", "Resolved"], "assignment_group": ["Group 70", "?"],
    ...     "sys_updated_at": ["2/3/2026 09:00", "2/3/2026 09:40"], "priority": ["4 - Low"] * 2,
    ...     "category": ["?"] * 2, "cmdb_ci": ["?"] * 2, "opened_at": ["2/3/2026 08:58"] * 2,
    ...     "resolved_at": ["?", "2/3/2026 09:40"], "problem_id": ["?"] * 2, "rfc": ["?"] * 2,
    ...     "reopen_count": ["0", "0"]})
    >>> r = servicenow_to_model(df, load_mapping(SERVICENOW_MAPPING), "Europe/London")
    >>> t = r.tables["tickets"]
    >>> t.loc[0, "supplier_id"], int(t.loc[0, "priority"]), t.loc[0, "status"]
    ('service-desk', 4, 'resolved')
    >>> str(t.loc[0, "resolved_at"]), r.summary.checks["reopen_count_match_share"]
    ('2026-03-02 09:40:00+00:00', 1.0)
    """
    result = eventlog_to_model(
        df, mapping, estate=estate, tz=tz, source=source, first_row=first_row, kind="servicenow"
    )
    share = reopen_check(df, result.tables["tickets"], mapping)
    if share == share:  # not NaN
        result.summary.checks["reopen_count_match_share"] = share
    return result


def import_servicenow(
    path: Path | str,
    mapping: Path | str | None = None,
    tz: str | None = None,
    *,
    params_root: Path | str | None = None,
) -> ImportResult:
    """Read a ServiceNow audit export (CSV, .csv.gz or Excel) and build the data model.

    ``mapping`` defaults to ``params/mappings/servicenow.yaml``; ``tz`` to its time zone.
    """
    mapping_path = Path(mapping) if mapping is not None else SERVICENOW_MAPPING
    m = load_mapping(mapping_path)
    src = read_source(path, m.format)
    result = servicenow_to_model(
        src.frame,
        m,
        tz,
        estate=load_estate(params_root),
        source=display_path(path),
        first_row=src.first_row,
    )
    _note_source(result, src, m.format.encoding)
    result.meta["mapping_file"] = display_path(mapping_path)
    return result
