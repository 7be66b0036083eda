"""The workbook's Python API: compute a period once, then hand each report only its own rows.

:func:`compute_period` loads a dataset, runs the data-quality gate once, computes the clocks
and every measure once (13 months: the period and the 12 before it, for trends), scorecards,
credit ledgers and evidence. :meth:`Work.bundle` cuts the small per-report input a notebook
needs: a tower's bundle holds only that supplier's tickets and figures.

Notebooks call :func:`open_report`: in the monthly batch it reads the bundle the driver wrote
(fast, no Great Expectations import in the kernel); run by hand in JupyterLab with no bundle,
it computes the same bundle itself from the data and params folders.

>>> import inspect
>>> "bundle_dir" in inspect.signature(open_report).parameters
True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from siamlib import causes, heap, io, paths, periods, provenance, schema
from siamlib import report_cuts as cuts
from siamlib.common import BOARD
from siamlib.params import Params, load_params

TREND_MONTHS = 12
_NO_LEVELS = pd.DataFrame(
    {c: pd.Series(dtype="str") for c in ("supplier_id", "service_level", "measure", "scope")}
)


def _frame_hash(df: pd.DataFrame) -> str:
    """Order-independent content hash of a frame (for reproducibility checks)."""
    if df.empty:
        return hashlib.sha256(b"empty").hexdigest()
    cols = sorted(df.columns)
    canon = df[cols].astype("str").sort_values(cols).to_csv(index=False)
    return hashlib.sha256(canon.encode()).hexdigest()


def _limit_named(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """An evidence scorecard or ledger with ``limit_kind`` beside ``minimum``: whether that
    column holds a minimum or, where lower is better, a maximum (:func:`figures.with_limit_kind`).
    """
    if frame is None or "minimum" not in frame.columns or "measure" not in frame.columns:
        return frame
    from siamlib.figures import with_limit_kind

    out = with_limit_kind(frame.drop(columns=["limit_kind"], errors="ignore"))
    cols = [c for c in out.columns if c != "limit_kind"]
    cols.insert(cols.index("minimum") + 1, "limit_kind")
    return out[cols]


@dataclass
class Work:
    """Everything computed once for a period (all suppliers)."""

    period: str
    params: Params
    info: io.DatasetInfo
    tables: dict[str, pd.DataFrame]
    clocks: pd.DataFrame
    attribution: pd.DataFrame
    values: pd.DataFrame
    cards: dict[str, pd.DataFrame]
    trends: dict[str, pd.DataFrame]
    ledgers: dict[str, pd.DataFrame]
    excluded: pd.DataFrame
    league: pd.DataFrame
    quality: object | None  # siamlib.quality.QualityResult
    meta: dict = field(default_factory=dict)
    # Aged tickets at the period end (holder, age) and start, and the integrator's monthly
    # aged trend, all from the same event timeline and exclusions as the aged measures.
    aged_open: pd.DataFrame | None = None
    aged_trend: pd.DataFrame | None = None
    aged_start: pd.DataFrame | None = None
    # Data completeness (siamlib.completeness): the tables the dataset holds, the months and
    # measures left grey (period, measure, note) and the suppliers blocked because a table
    # where "no rows" means missing data has none for the period.
    present_tables: list[str] = field(default_factory=list)
    notes: pd.DataFrame | None = None
    incomplete: dict[str, str] = field(default_factory=dict)
    # Rows taken out of every measure by the data-quality gate (siamlib.quarantine): table,
    # row key, rule and reason; empty when the run was not validated.
    quarantined: pd.DataFrame | None = None
    cache_use: dict = field(default_factory=dict)  # compute_cache kinds read / computed
    # One cause, one credit (siamlib.causes): per supplier, one row per (level, cause) with
    # the level's actual with and without the cause's tickets; the ledgers' waived lines
    # come from these.
    causes: dict[str, pd.DataFrame] = field(default_factory=dict)
    level_memo: dict = field(default_factory=dict)  # causes.level_evidence: causes + evidence

    # ------------------------------------------------------------------ helpers
    @property
    def bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        return periods.period_bounds(self.period, self.params.estate.timezone)

    def quality_frame(self) -> pd.DataFrame:
        return self.quality.results if self.quality is not None else pd.DataFrame()

    def figures_sha256(self) -> str:
        """SHA-256 of the figures file's bytes (:mod:`siamlib.figures`): same inputs, same hash."""
        from siamlib import figures

        return figures.text_sha256(figures.to_csv_text(figures.figures_frame(self)))

    def blocking_reason(self, name: str) -> str:
        """Why a report must not be produced, or ``""`` (:func:`siamlib.gate.stop_reason`,
        the decision ``siam validate`` names too)."""
        from siamlib import gate

        return gate.stop_reason(name, self.quality, self.params, self.period, self.incomplete)

    def stopped_reports(self) -> dict[str, str]:
        """Every report the run stops, ``{name: reason}`` (:func:`siamlib.gate.stopped_reports`:
        :meth:`blocking_reason` of each report, in estate order, the board's last)."""
        from siamlib import gate

        return gate.stopped_reports(self.quality, self.params, self.period, self.incomplete)

    # ------------------------------------------------------------------ bundles
    def _own_tickets(self, supplier_id: str) -> pd.Series:
        t = self.tables["tickets"]
        return t.loc[t["supplier_id"] == supplier_id, "ticket_id"]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_cache", None)  # derived frames: recomputed on demand, not shipped
        state["level_memo"] = {}
        return state

    def _cached(self, key: str, make):
        """``make()`` once per Work: the cuts every report shares (a Work is never changed
        after :func:`compute_period`, so they cannot go stale)."""
        memo = self.__dict__.setdefault("_cache", {})
        if key not in memo:
            memo[key] = make()
        return memo[key]

    def _kept(self, name: str) -> pd.DataFrame:
        """``clocks``, ``attribution`` or a ticket table without the agreed exclusions.

        Exclusions are applied once, here, for every artefact built from this Work (breach
        and level evidence, clock table, time attribution, clock-stop signals, handoffs,
        trends, scope conformance): an excluded ticket shows only in the exclusions evidence.
        """

        frame = getattr(self, name) if name in ("clocks", "attribution") else None
        if frame is None:
            frame = self.tables.get(name)
        if frame is None or self.excluded.empty or "ticket_id" not in frame.columns:
            return frame

        def keep():
            return ~schema.isin(frame["ticket_id"], self.excluded["ticket_id"])

        if name == "ticket_events":
            # The event log's copy (all but the excluded tickets' rows: 460 MB at 1M
            # tickets) lives only as long as its caller, whose results are cached; the mask
            # is kept, so each copy costs a take, not the id look-up again.
            return frame.loc[self._cached("kept_mask_ticket_events", keep)]
        return self._cached(f"kept_{name}", lambda: frame.loc[keep()])

    def _resolved_clocks(self) -> pd.DataFrame:
        """Clocks of the tickets resolved in the period (all suppliers), cut once."""

        def make():
            start, end = self.bounds
            c = self._kept("clocks")
            return c.loc[c["resolved_at"].ge(start) & c["resolved_at"].lt(end)]

        return self._cached("resolved_clocks", make)

    def _resolved_attribution(self) -> pd.DataFrame:
        """Attribution rows of the tickets resolved in the period, cut once."""

        def make():
            a = self._kept("attribution")
            return a.loc[schema.isin(a["ticket_id"], self._resolved_clocks()["ticket_id"])]

        return self._cached("resolved_attribution", make)

    def _scope_items(self) -> pd.DataFrame:
        """Scope-conformance work items of the period (:mod:`siamlib.raci`), all suppliers."""
        from siamlib import raci

        def make():
            # The whole log, not a copy without the excluded tickets' rows: the items read
            # only the events of the (kept) tickets opened in the period.
            return raci.scope_conformance_items(
                self._kept("tickets"),
                self.tables.get("ticket_events"),
                self.tables.get("changes"),
                self.tables.get("problems"),
                self.params.raci,
                self.params.estate,
                period=self.period,
            )

        return self._cached("scope_items", make)

    def scope_conformance(self, name: str) -> pd.DataFrame:
        """Scope conformance of the period with its verdict: this supplier's row, or every
        supplier's for the integrator and the board (``siamlib.raci.STATUS_COLUMNS``)."""
        from siamlib import raci

        items = self._scope_items()
        if name != BOARD and self.params.estate.supplier(name).role != "integrator":
            items = items[items["supplier_id"] == name]
        return raci.conformance_status(items, self.params.raci)

    def evidence(self, name: str) -> dict[str, pd.DataFrame]:
        """Ticket-level rows behind the figures of one report (CSV/XLSX evidence)."""
        # shallow copies: a caller changing its frames cannot reach the shared cut
        breached, records, aged = (
            f.copy(deep=False) for f in self._cached("evidence_rows", self._evidence_rows)
        )
        ledger = pd.concat(self.ledgers.values(), ignore_index=True) if self.ledgers else None
        frames = {"sla_tickets": breached, "levels": records, "aged_tickets": aged}
        frames["excluded"] = self.excluded
        scope = self._scope_items()
        frames["out_of_scope_work"] = scope[~scope["in_scope"]].reset_index(drop=True)
        frames["causes"] = self.causes_table(name)
        if name == BOARD:
            frames["credits"] = _limit_named(ledger)
            frames["scorecards"] = _limit_named(pd.concat(self.cards.values(), ignore_index=True))
            return {k: v for k, v in frames.items() if v is not None}
        frames["credits"] = _limit_named(self.ledgers[name])
        frames["scorecard"] = _limit_named(self.cards[name])  # the integrator's too
        if self.params.estate.supplier(name).role == "integrator":
            return frames
        from siamlib.evidence import evidence_frames

        frames["out_of_scope_work"] = cuts.mask_foreign_records(
            frames["out_of_scope_work"], self._kept("tickets"), name
        )
        return evidence_frames(frames, name)

    def causes_table(self, name: str) -> pd.DataFrame:
        """The causes table of one report: its supplier's, or every supplier's for the board."""
        return causes.stack(self.causes if name == BOARD else {name: self.causes.get(name)})

    def _evidence_rows(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Level, level-record and aged tickets of every supplier (each report keeps its own).

        The breach evidence is the level evidence of :mod:`siamlib.levels`: per SLA level of
        every scorecard, each ticket the level counted with ``in_denominator`` and
        ``in_numerator``, so the flags add up to the scorecard's denominator and numerator;
        the ``levels`` frame does the same, one row per level and record, for every
        count-based tower level.
        """
        from siamlib import levels

        cards = pd.concat(self.cards.values(), ignore_index=True) if self.cards else None
        if cards is None or "service_level" not in cards.columns:
            cards = _NO_LEVELS
        clocks = self._kept("clocks")
        rolling = {"windows": True, "notes": self.notes}  # small samples: the window's months too
        breached = causes.level_evidence(
            clocks, cards, self.params, self.period, memo=self.level_memo, notes=self.notes
        )
        # The whole event log: every level's rows read only the events of tickets of
        # ``tables["tickets"]`` (the kept ones) resolved in the period, so no copy of the log
        # without the excluded tickets is made (460 MB at 1M tickets).
        tables = {**self.tables, "tickets": self._kept("tickets")}
        rolling |= {"sla": breached, "aged": (self.aged_start, self.aged_open)}
        records = levels.record_rows(clocks, tables, cards, self.params, self.period, **rolling)
        # The aged-ticket measures' own tickets: open (by the event history) and aged at the
        # period end, under the supplier holding them then, exclusions left out.
        aged = self.aged_open[
            ["ticket_id", "supplier_id", "priority", "service", "opened_at", "status"]
        ]
        return breached, records, aged

    def bundle(self, name: str) -> dict:
        """One report's inputs (frames, ``meta``), checked by :func:`siamlib.bundles.check`."""
        from siamlib import bundles, fairness, raci, scope_lived, scorecard
        from siamlib import quality as q

        p = self.params
        meta = dict(self.meta, period=self.period, report=name)
        meta["supplier_names"] = {s.id: s.name for s in p.estate.suppliers}
        if name == BOARD:
            cards = pd.concat(self.cards.values(), ignore_index=True)
            ledger = pd.concat(self.ledgers.values(), ignore_index=True)
            frames = {"league": self.league, "cards": cards, "ledger": ledger}
            frames["causes"] = self.causes_table(BOARD)
            if self.quality:  # optional frames: none when the run was not validated
                frames["quality"] = q.supplier_view(self.quality, None)
                frames["quality_scores"] = cuts.quality_scores(
                    self.quality, p, self.period, self.incomplete
                )
            frames.update(cuts.front_page_frames(self), **fairness.panel_for(self, BOARD).frames())
            # Not validated: the run's other stops (missing data) still leave the totals.
            stops = frames.get("quality_scores")
            if stops is None:
                stops = cuts.stopped_table(p, self.stopped_reports())
            front = scorecard.board_headline(ledger, frames["at_risk"], stops)
            meta.update(role="board", board_headline=front)
            return bundles.check({"meta": meta, "frames": frames})

        supplier = p.estate.supplier(name)
        values = self.values[self.values["supplier_id"] == name]
        frames = {
            "scorecard": self.cards[name],
            "trend": self.trends[name],
            "score_trend": scorecard.score_trend(self.trends[name]),
            "ledger": self.ledgers[name],
            "causes": self.causes_table(name),
            "values": values,
            "excluded": self.excluded[self.excluded["supplier_id"] == name],
            "raci": cuts.own_raci(raci.raci_table(p.raci), name, p.estate.integrator.id),
            "equaliser": cuts.own_equaliser(raci.equaliser(p.raci), name, p.estate.integrator.id),
            "scope_conformance": self.scope_conformance(name),
        }
        frames.update(fairness.panel_for(self, name).frames())
        frames["scope_lived"] = scope_lived.for_report(self, name)
        if self.quality is not None:
            frames.update(cuts.quality_frames(self.quality, p, name, self.period))
            meta["dq_score"] = q.supplier_score(self.quality, name)
        meta.update(
            supplier_id=name,
            supplier_name=supplier.name,
            role=supplier.role,
            monthly_charge=p.contract(name).monthly_charge,
            at_risk_pct=p.contract(name).at_risk_pct,
            headline=scorecard.headline(self.cards[name], self.ledgers[name], meta.get("dq_score")),
        )
        if supplier.role == "tower":
            # Both summaries only look at tickets resolved in the period: cut those once for
            # all towers rather than scan every clock and attribution row per tower.
            resolved = self._resolved_clocks()
            own = resolved[resolved["supplier_id"] == name]
            frames["clocks_summary"] = cuts.clock_summary(own, self.bounds)
            frames["attribution"] = cuts.attribution(
                self._resolved_attribution(),
                self._own_tickets(name),
                name,
                p.estate.integrator.id,
                resolved,
                self.bounds,
            )
        else:
            frames.update(cuts.integrator_frames(self, TREND_MONTHS))
        return bundles.check({"meta": meta, "frames": frames})


def load_inputs(data_dir: Path | str) -> tuple[dict[str, pd.DataFrame], io.DatasetInfo]:
    """:func:`siamlib.gate.load_inputs` (the same loader as ``siam validate``)."""
    from siamlib import gate

    return gate.load_inputs(data_dir)


def compute_period(
    data_dir: Path | str | None,
    params: Params,
    period: str,
    *,
    validate: bool = True,
    stages: dict | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    info: io.DatasetInfo | None = None,
    beside: bool | None = None,
    cache_dir: Path | str | None = None,
    data_hashes: dict | None = None,
    scheduler: str | None = None,
) -> Work:
    """Load, validate and compute everything for ``period`` once (see module docstring).

    ``beside``: validate in a worker process while this one computes
    (:mod:`siamlib.quality_beside`; only for tables read here from ``data_dir``); ``None``
    decides by the event log's size. ``cache_dir``: read and write the gate's results,
    clocks and measure values there (:mod:`siamlib.compute_cache`, keyed by ``data_hashes``,
    the SHA-256 of each dataset file, computed here if not given). ``scheduler``: a Dask
    scheduler address; the clocks are computed there in supplier partitions
    (:mod:`siamlib.scale_out`). The figures are the same either way.
    """
    options = dict(validate=validate, stages=stages, tables=tables, info=info, beside=beside)
    options.update(cache_dir=cache_dir, data_hashes=data_hashes)
    if not scheduler:
        return _load_and_compute(data_dir, params, period, **options)
    from dask.distributed import Client

    from siamlib import scale_out

    with Client(scheduler) as client:
        clocks_fn = functools.partial(scale_out.clocks_and_attribution, client)
        return _load_and_compute(data_dir, params, period, clocks_fn=clocks_fn, **options)


def _load_and_compute(
    data_dir: Path | str | None,
    params: Params,
    period: str,
    *,
    validate: bool,
    stages: dict | None,
    tables: dict[str, pd.DataFrame] | None,
    info: io.DatasetInfo | None,
    beside: bool | None,
    cache_dir: Path | str | None,
    data_hashes: dict | None,
    clocks_fn=None,
) -> Work:
    """:func:`compute_period` once its cluster client (if any) is open."""
    from siamlib import compute_cache, gate, quality_beside

    stages = stages if stages is not None else {}
    periods.check_period(period)
    t = time.perf_counter()
    loaded = tables is None
    if loaded:
        data_dir = Path(data_dir) if data_dir else paths.DEMO_DATA_DIR
        tables, info = load_inputs(data_dir)
    stages["load"] = time.perf_counter() - t
    where = str(data_dir) if data_dir else (info.name if info else "dataset")
    # The refusals before any work, as `siam validate` refuses them (siamlib.gate).
    present = gate.check_inputs(tables, params, period, info, where)
    window = info.window if info is not None else None

    if beside is None:
        beside = quality_beside.worth_it(len(tables["ticket_events"]))
    run_keys = None
    if cache_dir is not None and loaded:
        hashes = data_hashes if data_hashes is not None else io.dataset_hashes(data_dir)
        run_keys = compute_cache.keys(hashes, params, period, window)
    store = compute_cache.Store(cache_dir, run_keys)
    compute = functools.partial(
        _compute,
        params=params,
        period=period,
        info=info,
        store=store,
        clocks_fn=clocks_fn,
        present=present,
        data_dir=data_dir,
        stages=stages,
    )
    t = time.perf_counter()
    work, error = None, None
    cached = store.read("gate") if validate else None
    if cached is not None:
        quality_result = compute_cache.gate_result(cached)
        stages["validate"] = time.perf_counter() - t
    elif validate and beside and loaded:
        # The gate on the other core; the computation here is used if nothing is quarantined
        # (until then it is not cached: it read the tables before quarantine).
        store.defer()
        quality_result, work, error, stages["validate"] = quality_beside.validate_beside(
            data_dir, params, window, functools.partial(compute, tables), tables, period=period
        )
        stages["waiting_for_validate"] = time.perf_counter() - t - stages.get("compute", 0.0)
    elif validate:
        from siamlib import quality

        quality_result = quality.validate(tables, params, window, period=period)
        stages["validate"] = time.perf_counter() - t
    else:
        quality_result = None
    if quality_result is not None and cached is None:
        store.write("gate", compute_cache.gate_frames(quality_result))
    # Quarantined rows (and their dependants, which the audit trail lists too) leave here,
    # before any figure reads them.
    clean, quarantined = gate.take_out_quarantined(tables, quality_result)
    if not quarantined.empty or (work is None and error is None):
        store.discard()  # frames computed before quarantine are never cached
        work = compute(clean)  # computed on the gate's tables (again, if rows were taken out)
    elif error is not None:
        raise error
    store.flush()
    work.quality, work.quarantined = quality_result, quarantined
    work.cache_use = {"hits": sorted(set(store.hits)), "misses": sorted(set(store.misses))}
    heap.release_freed()  # the load's and the gate's temporaries: the reports' steps follow
    return work


def _compute(
    tables: dict[str, pd.DataFrame],
    *,
    params: Params,
    period: str,
    info: io.DatasetInfo | None,
    present: list[str],
    data_dir: Path | str | None,
    stages: dict,
    store,
    clocks_fn=None,
) -> Work:
    """Every figure of ``period`` from validated tables (quarantined rows already out).

    ``store`` (:class:`siamlib.compute_cache.Store`) gives the clocks and measure values
    when a run with the same inputs computed them already.
    """
    from siamlib import completeness, compute_cache, credits, resolution, scorecard
    from siamlib.measures import integrator

    # A ticket passed on for closure after its last resolution stays its resolver's: no
    # hand-off, bounce or scope finding for the closer (siamlib.resolution).
    tables = {**tables, "ticket_events": resolution.held_by_resolver(tables["ticket_events"])}
    window = info.window if info is not None else None
    t = time.perf_counter()
    start, end = periods.period_bounds(period, params.estate.timezone)
    if info is not None:
        end = min(end, info.window[1])
    kept, excluded = credits.apply_exclusions(tables["tickets"], params.exclusions)
    months = periods.previous_periods(period, TREND_MONTHS + 1)
    tz = params.estate.timezone
    # Months outside the data window are left out of the chart too (no data, not zero aged).
    shown = [m for m in months[1:] if window is None or periods.overlaps(m, window, tz)]
    # One event timeline for every "open at instant" question (the aged-ticket measures,
    # trend and evidence), built once and only if something is not read from the cache.
    timeline = functools.cache(lambda: integrator.EventTimeline(kept, tables["ticket_events"]))
    frames = compute_cache.clock_frames(
        store, tables, kept, params, end, period, shown, timeline, clocks_fn
    )
    clocks, attribution = frames["clocks"], frames["attribution"]
    aged_trend, aged_open = frames["aged_trend"], frames["aged_open"]
    # Exclusions applied once, here, for both families (each would otherwise copy the
    # tickets and clocks again to drop the same few rows).
    kept_clocks = clocks[~schema.isin(clocks["ticket_id"], excluded["ticket_id"])]
    kept_tables = {**tables, "tickets": kept}
    values = compute_cache.measure_values(store, kept_clocks, kept_tables, params, months, timeline)
    del kept_tables, timeline
    heap.release_freed()  # the measures' temporaries and the event timeline
    # Months outside the data window and measures whose source table is absent are never
    # scored: blank their values so no card, credit, earn-back or watermelon reads them.
    empty = [n for n in present if n not in completeness.REQUIRED_TABLES and tables[n].empty]
    notes = completeness.coverage_notes(present, window, months, tz, empty)
    values = completeness.blank_values(values, notes)
    incomplete = completeness.period_blocks(tables, params, period, window)
    cards, trends, ledgers = {}, {}, {}
    by_supplier = dict(tuple(values.groupby("supplier_id", sort=False)))
    for s in params.estate.suppliers:
        own = by_supplier.get(s.id, values.iloc[:0])  # scoring scans only this supplier's rows
        # Each month is scored once: the card is the trend's last month, and only this
        # month's ledger is needed (its earn-back reads the earlier months of the trend).
        trends[s.id] = scorecard.trend(own, params, s.id, period, months=TREND_MONTHS, notes=notes)
        cards[s.id] = trends[s.id][trends[s.id]["period"] == period].reset_index(drop=True)
    # Causes read the level evidence (the tickets each level counted), so a level's actual
    # with its cause is the scorecard's actual, and without it is recomputed from the same rows.
    level_memo: dict = {}  # the level evidence: computed here once, the evidence files read it
    # The outage events and the ticket-to-cause links depend on the data only: worked out
    # once for this month's causes and the earn-back months'.
    outages = tables.get("outages")
    events = causes.outage_events(outages) if outages is not None and len(outages) else None
    links = causes.link_causes(kept, outages, events=events)
    cause_tables = causes.cause_tables(
        kept,
        kept_clocks,
        outages,
        cards,
        params,
        period,
        links=links,
        memo=level_memo,
        notes=notes,
        events=events,
    )
    # Earn-back gives back what an earlier period charged: that period's own waivers apply.
    sources = {
        credits.earn_back_source(period, params.contract(s.id)) for s in params.estate.suppliers
    }
    source_causes = causes.cause_tables_by_month(
        kept,
        kept_clocks,
        outages,
        trends,
        params,
        sources - {None},
        notes,
        links=links,
        events=events,
    )
    del kept_clocks
    for s in params.estate.suppliers:
        contract = params.contract(s.id)
        source = credits.earn_back_source(period, contract)
        ledgers[s.id] = credits.service_credits(
            cards[s.id],
            contract,
            history=trends[s.id],
            currency=params.estate.currency,
            causes=cause_tables[s.id],
            source_causes=source_causes[source][s.id] if source else None,
        )
        ledgers[s.id] = causes.note_unchecked(ledgers[s.id], tables.get("outages"))
    league = scorecard.scorecards(values, params, period, cards=cards, ledgers=ledgers, notes=notes)
    stages["compute"] = time.perf_counter() - t

    meta = {
        **provenance.provenance(data_dir, params),
        "estate": params.estate.name,
        "currency": params.estate.currency,
        "timezone": params.estate.timezone,
        "data_window": provenance.window_words(info.window, params.estate.timezone) if info else "",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    return Work(
        period=period,
        params=params,
        info=info,
        tables=tables,
        clocks=clocks,
        attribution=attribution,
        values=values,
        cards=cards,
        trends=trends,
        ledgers=ledgers,
        excluded=excluded,
        league=league,
        quality=None,  # set by compute_period with the gate's result
        meta=meta,
        aged_open=aged_open.merge(
            kept[["ticket_id", "priority", "service", "status"]], on="ticket_id", how="left"
        ),
        aged_trend=aged_trend,
        aged_start=frames["aged_start"],
        present_tables=present,
        notes=notes,
        incomplete=incomplete,
        quarantined=None,  # set by compute_period
        causes=cause_tables,
        level_memo=level_memo,
    )


# ---------------------------------------------------------------------- bundle files
def save_bundle(bundle: dict, folder: Path | str) -> None:
    """Write a bundle as Parquet frames plus ``meta.json`` (atomically, meta last)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in bundle["frames"].items():
        df = df.copy()
        for col in df.columns:  # list cells (examples) do not round-trip through every engine
            if df[col].dtype == object and df[col].map(lambda v: isinstance(v, list)).any():
                df[col] = df[col].map(
                    lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v
                )
        with io.atomic_path(folder / f"{name}.parquet") as tmp:
            df.to_parquet(tmp, index=False)
    io.write_json_atomic(folder / "meta.json", bundle["meta"])


def load_bundle(folder: Path | str) -> dict:
    """Read a bundle written by :func:`save_bundle`, checked as when it was built.

    Raises :class:`siamlib.bundles.BundleError` naming what is missing or foreign (a frame
    file deleted or added by hand since the run), so a report or an email is never built
    from a silently incomplete bundle.
    """
    from siamlib import bundles

    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    frames = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    return bundles.check({"meta": meta, "frames": frames})


def write_evidence(
    work: Work, name: str, folder: Path | str, *, submit=None, cache_dir=None
) -> list | Future:
    """Write one report's evidence files (CSV per frame + one XLSX) under ``folder``.

    Returns the paths written. ``submit`` (an executor's ``submit``) writes them there
    instead and returns the future of that list: the batch writes each report's evidence in
    its render workers, beside the reports (xlsxwriter costs about 10 microseconds a cell, the
    CSVs a few seconds at a million tickets). ``cache_dir``: reuse a workbook whose cells are
    unchanged (:func:`siamlib.evidence.write_workbook`).
    """
    from siamlib import evidence as ev

    frames, base = work.evidence(name), f"{name}-{work.period}"
    options = {"tz": work.params.estate.timezone, "cache_dir": cache_dir}
    if submit is None:
        return ev.write_evidence(frames, folder, base, **options)
    return submit(ev.write_evidence, frames, folder, base, **options)


def open_report(
    supplier_id: str | None,
    period: str,
    *,
    bundle_dir: str | None = None,
    data_dir: str | None = None,
    params_dir: str | None = None,
) -> dict:
    """What a report notebook needs: the driver's bundle, or the same bundle computed here.

    ``supplier_id=None`` means the board summary.
    """
    if bundle_dir:
        return load_bundle(bundle_dir)
    data_dir = data_dir or None  # notebooks pass "" for "not given" (papermill-friendly)
    params = load_params(params_dir or None)
    if data_dir is None and not (paths.DEMO_DATA_DIR / "dataset.json").exists():
        from siamlib import demo

        demo.write_demo(paths.DEMO_DATA_DIR, params=params)  # first run in a fresh clone
    work = compute_period(data_dir, params, period)
    return work.bundle(supplier_id or BOARD)
