"""Deterministic demo estate: a year of plausible SIAM data with known behaviours planted in it.

:func:`generate` returns every table of :mod:`siamlib.schema` for the estate in
``params/estate.yaml`` (an integrator and five towers), covering 13 reporting months
(2025-10 .. 2026-10 in the estate's time zone) as at the end of that window. The same seed gives
the same tables, byte for byte. :func:`write_demo` writes them as a dataset folder.

The data are not random noise: ten behaviours are planted so that every measure and report has
something to find (clock-stop gaming at ``euc``, hosting/applications ping-pong, a rising VPN
incident trend with a late problem record, an aged backlog the integrator works down, a big
email outage, failed changes causing incidents, an improvement register, 360 collaboration
surveys, push-to-front at ``applications`` and a "watermelon" service desk). Each is described
in ``docs/demo-estate.md`` with how to see it; ``tests/unit/test_demo.py`` checks it is there.
What is planted (on whom, when, how strongly) is data, in :mod:`siamlib.demo_plan`.

How it stays fast: every ticket follows one template of optional steps ("slots": logged, service
desk work, dispatch, first assignment, pauses, ping-pong, escalation, resolution, reopen,
closure). Which slots a ticket goes through is a ``tickets x slots`` boolean matrix drawn slot by
slot for all tickets at once; events are its true cells, flattened, and each event's status,
group and duration are then computed per slot on the flat arrays. Durations are drawn on the
contract's SLA clock (business seconds, or wall seconds for 24x7 priorities) and mapped back to
wall time through a per-minute business calendar, so resolution times relate to the contract
targets the way real ones do. No Python loop runs per ticket.

The mechanics are split by concern: :mod:`siamlib.demo_estate` (the estate as integer codes,
SLA clocks, column builders), :mod:`siamlib.demo_tickets` (arrivals and the slot model) and
:mod:`siamlib.demo_records` (problems, changes, outages, improvements, surveys); this module
puts them together and keeps the names callers use (``demo.generate``, ``demo.CHUNK_TICKETS``
...).

>>> [str(x) for x in window()]
['2025-09-30 23:00:00+00:00', '2026-11-01 00:00:00+00:00']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from siamlib import io, paths, schema
from siamlib.demo_estate import (  # noqa: F401 - re-exported: demo.GROUP_SERVICE_HINTS ...
    DAY,
    GROUP_SERVICE_HINTS,
    HOUR,
    _arrow_str,
    _fit,
    _Grid,
    _ints,
    _local,
    _numbered,
    _resolve_estate,
    _strings,
    _targets,
    _ts,
)
from siamlib.demo_plan import (  # noqa: F401 - re-exported: demo.EXCLUDED_TICKETS ...
    AGED_BACKLOG,
    EMAIL_OUTAGE,
    EXCLUDED_TICKETS,
    IMPROVEMENT_TITLES,
    REQUIRED_SERVICES,
    REQUIRED_SUPPLIERS,
    VPN_TREND,
    WATERMELON,
)
from siamlib.demo_records import (  # noqa: F401 - re-exported: demo.OUTCOMES ...
    OUTCOMES,
    _changes,
    _ci_vocab,
    _improvements,
    _outages,
    _problems,
    _surveys,
)
from siamlib.demo_tickets import (  # noqa: F401 - re-exported: demo.CHUNK_TICKETS, demo.SLOTS ...
    ASSIGNED,
    AW_CHANGE,
    AW_PROBLEM,
    AW_SUPPLIER,
    AW_USER,
    CANCELLED,
    CHUNK_TICKETS,
    CIS_PER_SERVICE,
    CLOSED,
    IN_PROGRESS,
    INCIDENT_CATEGORIES,
    INCIDENT_SHARE,
    NEW,
    PRIORITY_MIX,
    REQUEST_CATEGORIES,
    RESOLVED,
    SERVICE_WEIGHTS,
    SLOTS,
    VAR,
    K,
    S,
    _arrivals,
    _build_events,
    _hour_profile,
)
from siamlib.params import Params, load_params

GENERATOR_VERSION = 1
MIN_TICKETS = 100
WINDOW_START = "2025-10-01"  # local midnight in the estate's time zone, inclusive
WINDOW_END = "2026-11-01"  # exclusive; also the as-of time of the extract
DEFAULT_PERIOD = "2026-10"


# ------------------------------------------------------------------------------- the lot
def window(params: Params | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC start (inclusive) and end (exclusive, also the as-of time) of the demo data.

    >>> start, end = window()
    >>> (end - start).days
    396
    """
    tz = (params or load_params()).estate.timezone
    return (
        pd.Timestamp(WINDOW_START).tz_localize(tz).tz_convert("UTC"),
        pd.Timestamp(WINDOW_END).tz_localize(tz).tz_convert("UTC"),
    )


def _window_points(tz: str) -> dict:
    months = pd.date_range(WINDOW_START, WINDOW_END, freq="MS").tz_localize(tz).tz_convert("UTC")
    return {
        "start": _local(WINDOW_START, tz),
        "end": _local(WINDOW_END, tz),
        "months": np.asarray(months.as_unit("s").asi8),
        "periods": [str(p) for p in pd.period_range(WINDOW_START, "2026-10", freq="M")],
        "trend_start": _local(VPN_TREND.start, tz),
        "quiet_vpn": _local(VPN_TREND.quiet_from, tz),
        "vpn_problem": _local(VPN_TREND.problem_at, tz),
        "cleanup_start": _local(AGED_BACKLOG.cleanup_start, tz),
        "watermelon_start": _local(WATERMELON.start, tz),
        "outage_start": _local(EMAIL_OUTAGE.start, tz),
        "outage_end": _local(EMAIL_OUTAGE.end, tz),
    }


def generate(
    n_tickets: int = 20_000, seed: int = 7, params: Params | None = None
) -> dict[str, pd.DataFrame]:
    """Build the demo estate: every table of the data model, coerced to the schema.

    Parameters
    ----------
    n_tickets : int
        Number of tickets (incidents and requests); other tables scale with it where that
        makes sense (problems, changes). At least ``MIN_TICKETS``; the two tickets named in
        ``params/exclusions.yaml`` exist from about 1,300 tickets.
    seed : int
        Seed of the random generator; the same seed gives identical tables.
    params : Params, optional
        Estate and contracts to use (default: the project's ``params/``).

    Returns
    -------
    dict of str to DataFrame
        One frame per table of :data:`siamlib.schema.TABLES`.

    Examples
    --------
    >>> t = generate(n_tickets=1_000, seed=3)
    >>> sorted(t) == sorted(schema.TABLES)
    True
    >>> len(t["tickets"]), t["tickets"]["ticket_id"].iloc[0][:3] in ("INC", "REQ")
    (1000, True)
    >>> bool((t["ticket_events"]["event_at"] < window()[1]).all())
    True
    """
    if n_tickets < MIN_TICKETS:
        raise ValueError(f"n_tickets must be at least {MIN_TICKETS}, got {n_tickets}")
    p = params if params is not None else load_params()
    e = _resolve_estate(p)
    rng = np.random.default_rng(seed)
    w = _window_points(e.tz)
    grid = _Grid(e.tz, w["start"], w["end"])
    tg = _targets(p, e, grid, dt.date.fromisoformat(WINDOW_START))
    business = next((c for c in tg.clocks if not c.identity), tg.clocks[0])
    profile = _hour_profile(grid, business)

    t = _arrivals(rng, e, grid, profile, n_tickets, w)
    b = _build_events(rng, e, tg, grid, t, w)
    problems, problem_link, problem_ci = _problems(rng, e, t, w, n_tickets)
    changes, change_link = _changes(rng, e, grid, t, w, n_tickets, profile)
    outages = _outages(rng, e, grid, w)
    improvements = _improvements(rng, e, w)
    surveys = _surveys(rng, e, w["periods"])

    linked = problem_link >= 0
    ci = np.where(linked, problem_ci[np.maximum(problem_link, 0)], t.ci)
    ids = pc.if_else(
        pa.array(t.incident),
        _numbered("INC", t.number, 7),
        _numbered("REQ", t.number, 7),
    )
    tickets = pd.DataFrame(copy=False, data={
        "ticket_id": _arrow_str(ids),
        "ticket_type": _strings(np.where(t.incident, 0, 1), ("incident", "request")),
        "supplier_id": _strings(b.supplier, e.suppliers),
        "service": _strings(t.service, e.services),
        "category": _strings(t.category, INCIDENT_CATEGORIES + REQUEST_CATEGORIES),
        "ci": _strings(np.maximum(ci, 0), _ci_vocab(e), ci < 0),
        "priority": _ints(t.priority),
        "opened_at": _ts(t.opened),
        "first_response_at": _ts(b.first_response, b.first_response < 0),
        "resolved_at": _ts(b.resolved, b.resolved < 0),
        "closed_at": _ts(b.closed, b.closed < 0),
        "status": _strings(b.status, schema.TICKET_STATUSES),
        "reopen_count": _ints(b.reopens),
        "problem_id": _strings(np.maximum(problem_link, 0), problems["problem_id"], ~linked),
        "change_id": _strings(np.maximum(change_link, 0), changes["change_id"], change_link < 0),
        "satisfaction": b.satisfaction,
    })  # fmt: skip
    seq = np.arange(len(b.ev_ticket)) - np.repeat(
        np.concatenate([[0], np.cumsum(np.bincount(b.ev_ticket, minlength=n_tickets))[:-1]]),
        np.bincount(b.ev_ticket, minlength=n_tickets),
    )
    events = pd.DataFrame(copy=False, data={
        "ticket_id": _arrow_str(ids.take(pa.array(b.ev_ticket))),
        "event_seq": _ints(seq + 1),
        "event_at": _ts(b.ev_time),
        "status": _strings(b.ev_status, schema.TICKET_STATUSES),
        "assignment_group": _strings(b.ev_group, e.groups),
        "supplier_id": _strings(b.ev_supplier, e.suppliers),
        "support_level": _ints(b.ev_level),
    })  # fmt: skip
    tables = {
        "tickets": tickets,
        "ticket_events": events,
        "problems": problems,
        "changes": changes,
        "outages": outages,
        "improvements": improvements,
        "surveys": surveys,
    }
    return {name: _fit(name, tables[name]) for name in schema.TABLES}


def write_demo(
    out_dir: Path | str | None = None,
    n_tickets: int = 20_000,
    seed: int = 7,
    params: Params | None = None,
) -> Path:
    """Generate the demo estate and write it as a dataset folder; return the folder.

    The default folder is ``siamlib.paths.DEMO_DATA_DIR``.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_demo(tempfile.mkdtemp(), n_tickets=500, seed=1)
    >>> io.read_dataset_info(folder).generator["n_tickets"]
    500
    >>> row_counts(folder)["tickets"]
    500
    """
    folder = Path(out_dir) if out_dir is not None else paths.DEMO_DATA_DIR
    p = params if params is not None else load_params()
    tables = generate(n_tickets, seed, p)
    start, end = window(p)
    info = io.DatasetInfo(
        name="demo",
        source="siamlib.demo",
        window_start=start.isoformat(),
        window_end=end.isoformat(),
        generator={"n_tickets": n_tickets, "seed": seed, "version": GENERATOR_VERSION},
    )
    io.write_dataset(folder, tables, info)
    return folder


def row_counts(folder: Path | str) -> dict[str, int]:
    """Rows per table of a written dataset, from the Parquet footers (no data read).

    See :func:`write_demo` for an example.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    return {
        name: pq.ParquetFile(folder / f"{name}.parquet").metadata.num_rows
        for name in schema.TABLES
        if (folder / f"{name}.parquet").exists()
    }
