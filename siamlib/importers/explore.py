"""Checking a new source: coverage, mapping gaps, volumes (used by ``explore_import.ipynb``).

Pure functions over an :class:`~siamlib.importers.result.ImportResult` and its tables, plus the
Altair charts the notebook shows. :func:`run_import` picks the importer by name.

Examples
--------
>>> r = run_import("servicenow", "data/samples/servicenow_incident_sample.csv.gz")
>>> cov = coverage(r)
>>> int(cov["rows"].iloc[:3].sum()) == r.summary.rows_read
True
>>> int(cov.set_index("outcome").loc["read", "rows"])
4040
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from siamlib import charts, paths
from siamlib.importers.result import ImportResult
from siamlib.periods import period_of

IMPORTERS = ("servicenow", "eventlog")


def resolve(path: Path | str | None) -> Path | None:
    """``path`` as given when absolute, else relative to the project root (never the CWD).

    >>> resolve("params/mappings/servicenow.yaml") == paths.ROOT / "params/mappings/servicenow.yaml"
    True
    """
    if path is None or str(path) == "":
        return None
    p = Path(path)
    return p if p.is_absolute() else paths.ROOT / p


def run_import(
    importer: str,
    source: Path | str,
    mapping: Path | str | None = None,
    tz: str | None = None,
    params_root: Path | str | None = None,
) -> ImportResult:
    """Run the ``servicenow`` or ``eventlog`` importer on ``source`` (paths from the root)."""
    if importer == "servicenow":
        from siamlib.importers.servicenow import import_servicenow

        return import_servicenow(resolve(source), resolve(mapping), tz, params_root=params_root)
    if importer == "eventlog":
        from siamlib.importers.eventlog import import_eventlog

        if mapping is None:
            raise ValueError("the eventlog importer needs a mapping file")
        return import_eventlog(resolve(source), resolve(mapping), tz=tz, params_root=params_root)
    raise ValueError(f"unknown importer {importer!r}; known: {', '.join(IMPORTERS)}")


def coverage(result: ImportResult) -> pd.DataFrame:
    """Rows used / collapsed / rejected (shares of rows read), then events with a group.

    Columns: ``outcome``, ``rows``, ``share``.
    """
    s = result.summary
    read = max(s.rows_read, 1)
    rows = [
        ("used (became an event)", s.rows_used),
        ("collapsed (no change)", s.rows_collapsed),
        ("rejected", s.rows_rejected),
        ("read", s.rows_read),
    ]
    out = pd.DataFrame(rows, columns=["outcome", "rows"])
    out["share"] = out["rows"] / read
    events = result.tables.get("ticket_events")
    if events is not None and len(events):
        with_group = int(events["assignment_group"].notna().sum())
        extra = pd.DataFrame(
            {
                "outcome": ["events with an assignment group", "events"],
                "rows": [with_group, len(events)],
                "share": [with_group / len(events), 1.0],
            }
        )
        out = pd.concat([out, extra], ignore_index=True)
    return out


def mapping_gaps(result: ImportResult) -> pd.DataFrame:
    """Source values the mapping does not cover, most frequent first.

    Columns: ``field`` (status, team, organisation, priority, support_level), ``value``,
    ``rows``.

    >>> from siamlib.importers.result import ImportSummary
    >>> s = ImportSummary("x", "eventlog", 3, 2, 0, 1, {"unknown status": 1},
    ...                   unmapped={"status": {"Parked": 1}})
    >>> mapping_gaps(ImportResult({}, pd.DataFrame(), s)).values.tolist()
    [['status', 'Parked', 1]]
    """
    rows = [
        (field, value, n)
        for field, values in result.summary.unmapped.items()
        for value, n in values.items()
    ]
    out = pd.DataFrame(rows, columns=["field", "value", "rows"])
    return out.sort_values(["rows", "field", "value"], ascending=[False, True, True],
                           ignore_index=True)  # fmt: skip


def rejects_by_reason(result: ImportResult) -> pd.DataFrame:
    """Rejected rows per reason with their share of rows read. Columns: reason, rows, share.

    >>> from siamlib.importers.result import ImportSummary
    >>> s = ImportSummary("x", "eventlog", 4, 3, 0, 1, {"unknown status": 1})
    >>> rejects_by_reason(ImportResult({}, pd.DataFrame(), s)).values.tolist()
    [['unknown status', 1, 0.25]]
    """
    s = result.summary
    out = pd.DataFrame(list(s.rejected_by_reason.items()), columns=["reason", "rows"])
    out["share"] = out["rows"] / max(s.rows_read, 1)
    return out.sort_values("rows", ascending=False, ignore_index=True)


def group_suppliers(events: pd.DataFrame) -> pd.DataFrame:
    """Which supplier each assignment group was mapped to, with event counts.

    Columns: ``assignment_group`` (``(none)`` before the first assignment), ``supplier_id``,
    ``support_level``, ``events``.

    >>> ev = pd.DataFrame({"assignment_group": [None, "G1", "G1"],
    ...     "supplier_id": ["service-desk", "euc", "euc"], "support_level": [None, 2, 2]})
    >>> group_suppliers(ev)[["assignment_group", "events"]].values.tolist()
    [['G1', 2], ['(none)', 1]]
    """
    # The event log holds these columns as categoricals (schema.COMPACT): plain text here, so
    # the "(none)" marker is a value like any other and unused categories make no rows.
    df = events.assign(
        assignment_group=events["assignment_group"].astype(object).fillna("(none)"),
        supplier_id=events["supplier_id"].astype(object),
    )
    out = (
        df.groupby(["assignment_group", "supplier_id", "support_level"], dropna=False)
        .size()
        .rename("events")
        .reset_index()
    )
    return out.sort_values("events", ascending=False, ignore_index=True)


def volumes_by_supplier_month(tickets: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Tickets opened per month (in ``tz``) and supplier of record.

    Columns: ``period`` (YYYY-MM), ``supplier_id``, ``tickets``.

    >>> t = pd.DataFrame({"supplier_id": ["euc", "euc", "network"],
    ...     "opened_at": pd.to_datetime(["2026-03-31 23:30Z", "2026-04-02 09:00Z",
    ...                                  "2026-03-05 09:00Z"])})
    >>> volumes_by_supplier_month(t, "Europe/London").values.tolist()
    [['2026-03', 'network', 1], ['2026-04', 'euc', 2]]
    """
    df = pd.DataFrame(
        {"period": period_of(tickets["opened_at"], tz), "supplier_id": tickets["supplier_id"]}
    )
    out = df.groupby(["period", "supplier_id"]).size().rename("tickets").reset_index()
    return out.sort_values(["period", "supplier_id"], ignore_index=True)


def volume_chart(volumes: pd.DataFrame, title: str = "Tickets opened per month") -> alt.Chart:
    """Stacked bars of :func:`volumes_by_supplier_month`."""
    return (
        alt.Chart(volumes, title=title)
        .mark_bar()
        .encode(
            x=alt.X("period:O", title="Month opened"),
            y=alt.Y("tickets:Q", title="Tickets"),
            color=alt.Color(
                "supplier_id:N", title="Supplier", scale=alt.Scale(range=charts.PALETTE)
            ),
            tooltip=["period", "supplier_id", "tickets"],
        )
        .properties(width=charts.WIDTH, height=280)
    )


def rejects_chart(rejects: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of :func:`rejects_by_reason`."""
    return (
        alt.Chart(rejects, title="Rejected rows by reason")
        .mark_bar()
        .encode(
            x=alt.X("rows:Q", title="Rows"),
            y=alt.Y("reason:N", sort="-x", title=None),
            color=alt.value(charts.RAG_COLOURS["red"]),
            tooltip=["reason", "rows", alt.Tooltip("share:Q", format=".2%")],
        )
        .properties(width=480)
    )
