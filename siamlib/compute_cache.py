"""Incremental runs: the compute stage's expensive frames, cached by what they depend on.

A monthly run loads the dataset, runs the data-quality gate, computes every ticket's clocks and
every measure's monthly values, then scores. A rerun on the same data (a re-issue, a changed
target, weight or credit rule) needs none of the first three again. Three kinds of entry, each
keyed (:func:`keys`) by the SHA-256 of every dataset file, the period and data window, the
code and package versions (:func:`siamlib.cache.environment`) and only the params they read:

========  ==========================================  =========================================
kind      frames                                      params in the key
========  ==========================================  =========================================
gate      the gate's results, quarantine list, meta   estate (the rule catalogue reads its
                                                      suppliers, services and groups; the
                                                      month limit its time zone); each
                                                      contract's maintenance window (OUT-030);
                                                      :data:`GATE_FORMAT`
clocks    clocks, time held, aged-ticket frames       estate; every contract's calendars, clock
                                                      rules and SLA targets; exclusions, disputes
values    every measure's monthly values              all params except the pure scoring keys
                                                      (:data:`SCORING_KEYS`), recipients and
                                                      delivery; each level by measure, scope and
                                                      effective dates only
========  ==========================================  =========================================

So a changed target, weight, band, charge or credit rule re-scores from cached values; a new
level scope recomputes the values (clocks cached); a changed calendar or pause rule recomputes
clocks and values; any change to any dataset file recomputes everything. Per-month reuse after a
month of data is appended is not attempted: several measures look past their month (reopens
within N days, surveys answered later, tickets still open, trends against earlier months), so a
month's inputs are not just that month's rows (docs/performance.md, issue 18).

Entries are Parquet under the user's cache folder, checksummed, and ignored when corrupt or
foreign (:mod:`siamlib.cache`); a cache that cannot be written is skipped, never an error.

>>> from siamlib.params import load_params
>>> p = load_params()
>>> k = keys({"tickets.parquet": "ab12"}, p, "2026-10", None)
>>> sorted(k)
['clocks', 'gate', 'values']
>>> sl = p.contracts["hosting"].service_levels[0]
>>> lower = sl.model_copy(update={"minimum": sl.minimum - 1})
>>> c = p.contracts["hosting"].model_copy(update={"service_levels": [lower]
...     + p.contracts["hosting"].service_levels[1:]})
>>> k2 = keys({"tickets.parquet": "ab12"}, p.model_copy(update={"contracts":
...     {**p.contracts, "hosting": c}}), "2026-10", None)
>>> k2 == k  # a changed minimum re-scores: every cached frame still applies
True
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from siamlib import cache
from siamlib.params import Params
from siamlib.quality import read_months
from siamlib.quality_strict import maintenance_windows

KINDS = {
    "gate": ["results", "quarantined", "meta"],
    "clocks": ["clocks", "attribution", "aged_trend", "aged_start", "aged_open"],
    "values": ["values"],
}
SCORING_KEYS = ("monthly_charge", "at_risk_pct", "credit_regime", "small_samples", "recipients")
"""Contract keys only scoring reads (no clock, measure value or gate depends on them)."""
CLOCK_KEYS = ("calendars", "clock", "sla_targets")
LEVEL_KEYS = ("measure", "scope", "effective_from", "effective_to")
"""What a measure value depends on in a service level (its numbers are scoring only)."""
GATE_FORMAT = 5
"""The gate entry's format: 2 since results carry the reported month's quarantine counts (the
month limit, :func:`siamlib.quarantine.over_month_limit`); 3 since the limit is applied to
every month the figures read (earn-back, rolling windows: results gained a ``month`` column);
4 since a ticket-event rule's month counts the tickets its failing events take out (results
gained ``month_unit``; event counts let 10% of a month's tickets out unblocked); 5 since the
window's limit counts them too (results gained ``window_elements``, ``window_count``,
``window_pct``, ``window_unit``);
an entry of another format is never read, so results that never checked those months cannot
pass a run. The key also holds those months per result row (:func:`siamlib.quality.read_months`:
they follow the contracts' earn-back, small samples and effective dates)."""


def _json(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def _values_view(params: Params) -> dict:
    dump = params.model_dump(mode="json", exclude={"root", "delivery"})
    for contract in dump["contracts"].values():
        for key in SCORING_KEYS:
            contract.pop(key, None)
        contract["service_levels"] = sorted(
            _json({k: sl.get(k) for k in LEVEL_KEYS}) for sl in contract["service_levels"]
        )
    return dump


def keys(data_hashes: dict, params: Params, period: str, window) -> dict[str, str]:
    """The cache key of each kind of entry (see the module docstring)."""
    base = {
        "data": _json(data_hashes),
        "period": period,
        "window": _json([str(w) for w in window] if window else None),
        "environment": cache.environment(),
    }
    contracts = {
        k: c.model_dump(mode="json", include=set(CLOCK_KEYS)) for k, c in params.contracts.items()
    }
    clocks = {
        "estate": _json(params.estate.model_dump(mode="json")),
        "contracts": _json(contracts),
        "exclusions": _json(params.exclusions.model_dump(mode="json")),
        "disputes": _json(params.disputes.model_dump(mode="json")),
    }
    return {
        "gate": cache.entry_key(
            {
                **base,
                "kind": "gate",
                "format": GATE_FORMAT,
                "estate": clocks["estate"],
                # OUT-030 judges planned outages against each contract's maintenance window
                "maintenance": _json(
                    {k: c.model_dump(mode="json") for k, c in maintenance_windows(params).items()}
                ),
                "months": _json(read_months(params, period)),
            }
        ),
        "clocks": cache.entry_key({**base, "kind": "clocks", **clocks}),
        "values": cache.entry_key({**base, "kind": "values", "view": _json(_values_view(params))}),
    }


class Store:
    """Read and write one run's entries; ``folder=None`` (no cache) reads nothing, writes nothing.

    ``hits`` and ``misses`` record, per kind, what this run found (for the manifest).
    """

    def __init__(self, folder: Path | str | None, run_keys: dict[str, str] | None):
        self.folder = Path(folder) if folder is not None and run_keys else None
        self.keys = run_keys or {}
        self.hits: list[str] = []
        self.misses: list[str] = []
        self._pending: dict | None = None  # deferred writes (defer, flush, discard)

    def defer(self) -> None:
        """Hold ``clocks`` and ``values`` writes until :meth:`flush` (or drop them: discard)."""
        self._pending = {}

    def flush(self) -> None:
        pending, self._pending = self._pending or {}, None
        for kind, frames in pending.items():
            self.write(kind, frames)

    def discard(self) -> None:
        self._pending = None

    def read(self, kind: str) -> dict[str, pd.DataFrame] | None:
        if self.folder is None:
            return None
        found = cache.read_frames(self.folder, self.keys[kind], KINDS[kind])
        (self.hits if found is not None else self.misses).append(kind)
        return found

    def write(self, kind: str, frames: dict[str, pd.DataFrame]) -> None:
        if self.folder is None:
            return
        if self._pending is not None and kind != "gate":
            self._pending[kind] = frames
            return
        try:
            cache.write_frames(self.folder, self.keys[kind], {n: frames[n] for n in KINDS[kind]})
            cache.prune(self.folder)
        except OSError:  # a full or read-only cache folder costs speed, never a run
            pass


# ------------------------------------------------------------------ the frames, cached or not
def gate_frames(result) -> dict[str, pd.DataFrame]:
    """A :class:`siamlib.quality_policy.QualityResult` as the frames of a ``gate`` entry."""
    results = result.results.assign(examples=result.results["examples"].map(_json))
    meta = pd.DataFrame(
        [
            {
                "window": _json(list(result.window) if result.window else None),
                "suppliers": _json(result.suppliers),
                "created_at": result.created_at,
                "seconds": float(result.seconds),
                "gx_version": result.gx_version,
                "period": result.period,
            }
        ]
    )
    return {"results": results, "quarantined": result.quarantined, "meta": meta}


def gate_result(frames: dict[str, pd.DataFrame]):
    """The :class:`siamlib.quality_policy.QualityResult` a ``gate`` entry holds."""
    from siamlib.quality_policy import QualityResult

    meta = frames["meta"].iloc[0]
    window = json.loads(meta["window"])
    results = frames["results"]
    return QualityResult(
        results=results.assign(examples=results["examples"].map(json.loads)),
        window=tuple(window) if window else None,
        suppliers=json.loads(meta["suppliers"]),
        created_at=str(meta["created_at"]),
        seconds=float(meta["seconds"]),
        gx_version=str(meta["gx_version"]),
        quarantined=frames["quarantined"],
        period=str(meta.get("period", "")),
    )


def clock_frames(
    store: Store, tables, kept, params: Params, end, period, shown, timeline, clocks_fn=None
):
    """Clocks, time held and the aged-ticket frames, from ``store`` or computed (and stored).

    ``timeline()`` gives the event timeline (built only when something is computed);
    ``clocks_fn`` computes the clocks (default :func:`siamlib.clocks.clocks_and_attribution`;
    on a cluster, :func:`siamlib.scale_out.clocks_and_attribution` bound to its client).
    """
    from siamlib import clocks as clocks_mod
    from siamlib import periods
    from siamlib.measures import integrator

    found = store.read("clocks")
    if found is not None:
        return found
    tz, aged_days = params.estate.timezone, params.estate.aged_after_days
    clocks_fn = clocks_fn or clocks_mod.clocks_and_attribution
    clocks, attribution = clocks_fn(tables["tickets"], tables["ticket_events"], params, end)
    aged_trend = integrator.aged_ticket_trend(kept, shown, aged_days, events=timeline(), tz=tz)
    # The tickets aged at the period's bounds: INT-AGED's evidence (the trend asked the
    # timeline for both instants already, so these are its cached answers).
    start, end = periods.period_bounds(period, tz)
    frames = {
        "clocks": clocks,
        "attribution": attribution,
        "aged_trend": aged_trend,
        "aged_start": integrator.aged_at(kept, start, aged_days, events=timeline()),
        "aged_open": integrator.aged_at(kept, end, aged_days, events=timeline()),
    }
    store.write("clocks", frames)
    return frames


def measure_values(store: Store, kept_clocks, kept_tables, params: Params, months, timeline):
    """Every measure's monthly values (before blanking), from ``store`` or computed (and stored)."""
    from siamlib.measures import integrator, tower

    found = store.read("values")
    if found is not None:
        return found["values"]
    args = (kept_clocks, kept_tables, params, months)
    values = pd.concat(
        [
            tower.measure_values(*args, apply_exclusions=False, timeline=timeline()),
            integrator.measure_values(*args, apply_exclusions=False, timeline=timeline()),
        ],
        ignore_index=True,
    )
    store.write("values", {"values": values})
    return values
