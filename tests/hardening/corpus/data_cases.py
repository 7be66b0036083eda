"""Data mutations: each table of the data model and ``dataset.json`` of a dataset folder.

A case's ``apply(folder)`` edits a private copy of the clean dataset folder in place (Parquet
written straight by pandas, not through ``io.write_dataset``, so no coercion hides the damage)
and returns the suppliers whose rows it touched (``None``: the whole dataset).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from siamlib import resolution, schema
from tests.hardening.corpus.outcome import Case

VICTIM = "hosting"  # the tower whose rows row-level mutations damage
N_ROWS = 5


def _path(folder: Path, table: str) -> Path:
    return folder / f"{table}.parquet"


def _write(folder: Path, table: str, df: pd.DataFrame) -> None:
    try:
        df.to_parquet(_path(folder, table), index=False)
    except Exception:  # mixed types pyarrow cannot store: write them as text, as a CSV would
        df.astype({c: "string" for c in df.columns if df[c].dtype == object}).to_parquet(
            _path(folder, table), index=False
        )


def _rows(df: pd.DataFrame, table: str) -> pd.Index:
    """A few seeded rows of the victim supplier (or of the table when it has no supplier)."""
    pool = df.index[df["supplier_id"] == VICTIM] if "supplier_id" in df.columns else df.index
    if len(pool) == 0:
        pool = df.index
    rng = np.random.default_rng(zlib.crc32(table.encode()))
    return pd.Index(rng.choice(pool, size=min(N_ROWS, len(pool)), replace=False))


def _touched(df: pd.DataFrame, rows) -> frozenset[str] | None:
    if "supplier_id" not in df.columns:
        return None
    return frozenset(df.loc[rows, "supplier_id"].dropna().astype(str))


def _row_edit(table: str, fn):
    """Apply ``fn(df, rows)`` to a few victim rows of ``table``; return the touched suppliers."""

    def apply(folder: Path):
        df = pd.read_parquet(_path(folder, table))
        # Dictionary-encoded columns come back as categoricals over read-only buffers; an edit
        # (a null, an unknown value) works on plain text, as another tool's file would hold.
        df = df.astype(
            {c: object for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)}
        )
        rows = _rows(df, table)
        touched = _touched(df, rows)
        df = fn(df, rows)
        _write(folder, table, df)
        return touched

    return apply


def _table_edit(table: str, fn, touched=None):
    def apply(folder: Path):
        p = _path(folder, table)
        fn(p)
        return touched

    return apply


def _set_value(col, value):
    def fn(df, rows):
        if (
            pd.api.types.is_datetime64_any_dtype(df[col])
            and not isinstance(value, pd.Timestamp)
            or isinstance(value, str)
            and df[col].dtype != object
        ):
            df[col] = df[col].astype(object)
        df.loc[rows, col] = value
        return df

    return fn


def _null(col):
    def fn(df, rows):
        if df[col].dtype == bool:
            df[col] = df[col].astype("boolean")
        df.loc[rows, col] = None
        return df

    return fn


def _shift(col, base, delta):
    def fn(df, rows):
        df.loc[rows, col] = df.loc[rows, base] + delta
        return df

    return fn


def _dup(df, rows):
    return pd.concat([df, df.loc[rows]], ignore_index=True)


def _conflicting_dup(key, col):
    def fn(df, rows):
        extra = df.loc[rows].copy()
        extra[col] = extra[col].iloc[::-1].to_numpy()
        return pd.concat([df, extra], ignore_index=True)

    return fn


def _events_before_open(folder: Path):
    t = pd.read_parquet(_path(folder, "tickets"))
    e = pd.read_parquet(_path(folder, "ticket_events"))
    ids = t.loc[_rows(t, "tickets"), "ticket_id"]
    first = e["ticket_id"].isin(ids) & (
        e["event_seq"] == e.groupby("ticket_id")["event_seq"].transform("min")
    )
    opened = e["ticket_id"].map(t.set_index("ticket_id")["opened_at"])
    e.loc[first, "event_at"] = opened[first] - pd.Timedelta(days=10)
    _write(folder, "ticket_events", e)
    return frozenset(t.loc[t["ticket_id"].isin(ids), "supplier_id"])


def _orphan_events(folder: Path):
    e = pd.read_parquet(_path(folder, "ticket_events"))
    rows = _rows(e, "ticket_events")
    extra = e.loc[rows].copy()
    extra["ticket_id"] = "INC9999999"
    _write(folder, "ticket_events", pd.concat([e, extra], ignore_index=True))
    return _touched(e, rows)


# The baseline's period (runner.PERIOD, 2026-10): cases whose damage must reach its figures.
MONTH = pd.Timestamp("2026-10-01", tz="UTC"), pd.Timestamp("2026-11-01", tz="UTC")


def _resolved_in_month(t: pd.DataFrame) -> pd.Series:
    return (t["resolved_at"] >= MONTH[0]) & (t["resolved_at"] < MONTH[1])


def _responded_after_resolution(folder: Path):
    """The victim's tickets resolved in the month, first answered three days after it (the
    probe's case: the response level fell from 100 to 14 % and a credit appeared)."""
    t = pd.read_parquet(_path(folder, "tickets"))
    m = (t["supplier_id"] == VICTIM) & _resolved_in_month(t) & t["first_response_at"].notna()
    t.loc[m, "first_response_at"] = t.loc[m, "resolved_at"] + pd.Timedelta(days=3)
    _write(folder, "tickets", t)
    return frozenset({VICTIM})


def _dispatch_relabelled(folder: Path):
    """The integrator's dispatch events (group SIAM-Dispatch) on the victim's tickets resolved
    in the month, labelled service-desk: the integrator's dispatch and routing levels lose
    them. Last events are untouched (TKT-032 cannot see it)."""
    t = pd.read_parquet(_path(folder, "tickets"))
    e = pd.read_parquet(_path(folder, "ticket_events"))
    ids = t.loc[(t["supplier_id"] == VICTIM) & _resolved_in_month(t), "ticket_id"]
    e["supplier_id"] = e["supplier_id"].astype(object)
    m = e["ticket_id"].isin(ids) & (e["assignment_group"] == "SIAM-Dispatch")
    e.loc[m, "supplier_id"] = "service-desk"
    _write(folder, "ticket_events", e)
    return frozenset({VICTIM, "integrator"})


def _handed_on_after_resolution(folder: Path):
    """The victim's tickets resolved in the month passed, after their last resolution, to
    network's queue (group and supplier), which closes them: the resolver stays the supplier
    of record and the measures hold those events by it, so no figure may move."""
    t = pd.read_parquet(_path(folder, "tickets"))
    e = pd.read_parquet(_path(folder, "ticket_events"))
    e = e.astype({c: object for c in ("assignment_group", "supplier_id")})
    ids = t.loc[(t["supplier_id"] == VICTIM) & _resolved_in_month(t), "ticket_id"]
    m = e["ticket_id"].isin(ids) & resolution.after_resolution(e)
    e.loc[m, ["assignment_group", "supplier_id"]] = ["NET-NOC", "network"]
    _write(folder, "ticket_events", e)
    return frozenset({VICTIM, "network"})


def _twin_with_zero_width_space(folder: Path):
    """The victim's tickets resolved in the month written a second time, events and all, under
    the same id with a zero-width space (U+200B) at its end: the ids differ, so the duplicate
    id rule cannot see the twin, and each ticket counted twice."""
    t = pd.read_parquet(_path(folder, "tickets"))
    ids = t.loc[(t["supplier_id"] == VICTIM) & _resolved_in_month(t), "ticket_id"]
    for table in ("tickets", "ticket_events"):
        df = pd.read_parquet(_path(folder, table))
        twin = df[df["ticket_id"].isin(ids)].copy()
        twin["ticket_id"] = twin["ticket_id"].astype(object) + "\u200b"
        _write(folder, table, pd.concat([df.astype({"ticket_id": object}), twin],
                                        ignore_index=True))  # fmt: skip
    return frozenset({VICTIM})


def _info_edit(fn):
    def apply(folder: Path):
        p = folder / "dataset.json"
        fn(p)
        return None

    return apply


def _info_json(fn):
    def edit(p: Path):
        d = json.loads(p.read_text(encoding="utf-8"))
        fn(d)
        p.write_text(json.dumps(d), encoding="utf-8")

    return edit


def _del_key(key):
    def fn(d):
        del d[key]

    return fn


def _set_key(key, value):
    def fn(d):
        d[key] = value

    return fn


def _invert(d):
    d["window_start"], d["window_end"] = d["window_end"], d["window_start"]


def data_cases() -> list[Case]:
    """Every data mutation in a stable order."""
    cases: list[Case] = []

    def add(what: str, apply, names):
        cases.append(Case(f"data/{what}", "data", apply, names=tuple(names)))

    for table, spec in schema.TABLES.items():
        file = f"{table}.parquet"
        names = (table, file)
        add(f"{table}/missing", _table_edit(table, lambda p: p.unlink()), names)

        def empty(p: Path):
            pd.read_parquet(p).iloc[:0].to_parquet(p, index=False)

        add(f"{table}/empty", _table_edit(table, empty), names)

        def truncate(p: Path):
            p.write_bytes(p.read_bytes()[: max(8, p.stat().st_size // 2)])

        def garbage(p: Path):
            p.write_bytes(b"PAR1" + bytes(range(256)) * 8)

        add(f"{table}/corrupt-truncated", _table_edit(table, truncate), names)
        add(f"{table}/corrupt-garbage", _table_edit(table, garbage), names)
        for col in spec.column_names:
            add(
                f"{table}/drop-column/{col}",
                _table_edit(
                    table,
                    lambda p, c=col: (
                        pd.read_parquet(p).drop(columns=[c]).to_parquet(p, index=False)
                    ),
                ),
                (*names, col),
            )
            # A null is a bad input only where the data model requires a value; in an
            # optional column it is data (an ongoing outage, an undelivered improvement, a
            # ticket resolved without a separate response) and the figures follow it.
            if spec.column(col).required:
                add(f"{table}/nulls/{col}", _row_edit(table, _null(col)), (*names, col))
        key = spec.key[0] if spec.key else spec.column_names[0]
        add(f"{table}/duplicate-ids/{key}", _row_edit(table, _dup), (*names, key))
        if "supplier_id" in spec.column_names:
            add(
                f"{table}/unknown-supplier",
                _row_edit(table, _set_value("supplier_id", "acme")),
                (*names, "supplier_id"),
            )

    ts = "tickets", "tickets.parquet"
    for col in ("opened_at", "resolved_at"):
        for year in (1900, 2200):
            add(
                f"tickets/{col}-in-{year}",
                _row_edit("tickets", _set_value(col, pd.Timestamp(f"{year}-01-01", tz="UTC"))),
                (*ts, col),
            )
    add(
        "tickets/resolved-before-opened",
        _row_edit("tickets", _shift("resolved_at", "opened_at", -pd.Timedelta(days=1))),
        (*ts, "resolved_at"),
    )
    add(
        "tickets/responded-before-opened",
        _row_edit("tickets", _shift("first_response_at", "opened_at", -pd.Timedelta(hours=5))),
        (*ts, "first_response_at"),
    )
    add(
        "tickets/unknown-priority",
        _row_edit("tickets", _set_value("priority", 9)),
        (*ts, "priority"),
    )
    add("tickets/priority-zero", _row_edit("tickets", _set_value("priority", 0)), (*ts, "priority"))
    add(
        "tickets/priority-text",
        _row_edit("tickets", _set_value("priority", "high")),
        (*ts, "priority"),
    )
    add(
        "tickets/unknown-status",
        _row_edit("tickets", _set_value("status", "wibble")),
        (*ts, "status"),
    )
    add(
        "tickets/satisfaction-out-of-scale",
        _row_edit("tickets", _set_value("satisfaction", 11.0)),
        (*ts, "satisfaction"),
    )
    add(
        "tickets/negative-reopen-count",
        _row_edit("tickets", _set_value("reopen_count", -3)),
        (*ts, "reopen_count"),
    )
    add(
        "tickets/conflicting-duplicate-ids",
        _row_edit("tickets", _conflicting_dup("ticket_id", "priority")),
        (*ts, "ticket_id"),
    )
    add(
        "tickets/opened-at-text",
        _row_edit("tickets", _set_value("opened_at", "yesterday")),
        (*ts, "opened_at"),
    )
    ev = "ticket_events", "ticket_events.parquet"
    add(
        "ticket_events/unknown-status",
        _row_edit("ticket_events", _set_value("status", "wibble")),
        (*ev, "status"),
    )
    add(
        "ticket_events/event-in-2200",
        _row_edit("ticket_events", _set_value("event_at", pd.Timestamp("2200-01-01", tz="UTC"))),
        (*ev, "event_at"),
    )
    add(
        "ticket_events/event-in-1900",
        _row_edit("ticket_events", _set_value("event_at", pd.Timestamp("1900-01-01", tz="UTC"))),
        (*ev, "event_at"),
    )
    add(
        "ticket_events/negative-seq",
        _row_edit("ticket_events", _set_value("event_seq", -1)),
        (*ev, "event_seq"),
    )
    add(
        "ticket_events/unknown-group",
        _row_edit("ticket_events", _set_value("assignment_group", "Nobody-L9")),
        (*ev, "assignment_group"),
    )
    add(
        "ticket_events/support-level-9",
        _row_edit("ticket_events", _set_value("support_level", 9)),
        (*ev, "support_level"),
    )
    add("ticket_events/before-open", _events_before_open, ev)
    add("ticket_events/orphans", _orphan_events, ev)
    add("tickets/responded-after-resolution", _responded_after_resolution,
        (*ts, "first_response_at"))  # fmt: skip
    add("ticket_events/supplier-not-its-groups", _dispatch_relabelled, (*ev, "supplier_id"))
    add("ticket_events/handed-on-after-resolution", _handed_on_after_resolution,
        (*ev, "assignment_group"))  # fmt: skip
    add("tickets/twin-id-with-zero-width-space", _twin_with_zero_width_space, (*ts, "ticket_id"))
    sv = "surveys", "surveys.parquet"
    add("surveys/score-11", _row_edit("surveys", _set_value("score", 11.0)), (*sv, "score"))
    add("surveys/score-negative", _row_edit("surveys", _set_value("score", -4.0)), (*sv, "score"))
    add(
        "surveys/period-garbled",
        _row_edit("surveys", _set_value("period", "2026-13")),
        (*sv, "period"),
    )
    og = "outages", "outages.parquet"
    add(
        "outages/end-before-start",
        _row_edit("outages", _shift("end_at", "start_at", -pd.Timedelta(hours=2))),
        (*og, "end_at"),
    )
    add(
        "outages/start-in-1900",
        _row_edit("outages", _set_value("start_at", pd.Timestamp("1900-01-01", tz="UTC"))),
        (*og, "start_at"),
    )
    ch = "changes", "changes.parquet"
    add(
        "changes/negative-incidents",
        _row_edit("changes", _set_value("incidents_caused", -2)),
        (*ch, "incidents_caused"),
    )
    add(
        "changes/actual-end-before-start",
        _row_edit("changes", _shift("actual_end", "actual_start", -pd.Timedelta(hours=3))),
        (*ch, "actual_end"),
    )
    im = "improvements", "improvements.parquet"
    add(
        "improvements/negative-benefit",
        _row_edit("improvements", _set_value("realised_benefit", -1e9)),
        (*im, "realised_benefit"),
    )
    add(
        "improvements/delivered-in-2200",
        _row_edit("improvements", _set_value("delivered_at", pd.Timestamp("2200-01-01", tz="UTC"))),
        (*im, "delivered_at"),
    )

    ds = ("dataset.json",)
    add("dataset.json/missing", _info_edit(lambda p: p.unlink()), ds)
    add("dataset.json/garbled", _info_edit(lambda p: p.write_bytes(b'{"name": \x00\xff')), ds)
    add("dataset.json/empty", _info_edit(lambda p: p.write_bytes(b"")), ds)
    add("dataset.json/a-list", _info_edit(lambda p: p.write_text("[1, 2]")), ds)
    for key in ("name", "source", "window_start", "window_end"):
        add(f"dataset.json/key-missing/{key}", _info_edit(_info_json(_del_key(key))), ds)
    add("dataset.json/unknown-key", _info_edit(_info_json(_set_key("colour", "blue"))), ds)
    add("dataset.json/window-inverted", _info_edit(_info_json(_invert)), ds)
    add("dataset.json/window-garbage", _info_edit(_info_json(_set_key("window_end", "soon"))), ds)
    add(
        "dataset.json/period-outside-window",
        _info_edit(
            _info_json(
                lambda d: d.update(
                    window_start="2020-01-01T00:00:00+00:00", window_end="2020-06-01T00:00:00+00:00"
                )
            )
        ),
        ds,
    )
    add(
        "dataset.json/window-naive",
        _info_edit(_info_json(_set_key("window_end", "2026-11-01T00:00:00"))),
        ds,
    )
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate data case ids"
    return cases
