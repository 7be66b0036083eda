"""What the run refuses before any work, and which reports it stops: one decision for every path.

``siam run`` and ``siam figures`` (:func:`siamlib.workbook.compute_period`,
:meth:`siamlib.workbook.Work.blocking_reason`) and ``siam validate`` (:func:`check`) all call
these functions, so whatever the run refuses validate refuses with the same message, and
whatever report the run stops validate names:

* :func:`load_inputs` and :func:`check_inputs`: the refusals before any work starts, each a
  ``ValueError`` (exit 2 on the command line): a dataset without a required table
  (:func:`siamlib.completeness.check_required`), an agreed exclusion or upheld dispute whose
  ticket id is in the data only under another spelling, or matches no ticket and holds a
  character outside ASCII (:func:`siamlib.agreements.misnamed_exclusions`), or was approved
  before its ticket was opened (:func:`siamlib.agreements.approved_before_opened`), a period
  the data window does not cover in full (:func:`siamlib.periods.check_in_window`).
* :func:`stop_reason` and :func:`stopped_reports`: why a report is stopped, from the
  data-quality gate's results (:func:`siamlib.quality_policy.blocking_message`: blocking
  failures, quarantine rules over their limit; for the integrator, whose levels are
  estate-wide, every supplier's rows of the tables its levels read,
  :func:`siamlib.completeness.estate_tables`) and from data missing for the period
  (:func:`siamlib.completeness.empty_table_blocks`, on the tables left once quarantined rows
  are out).

:func:`check` is the run up to its gate decision without computing a measure: load, refuse,
validate, quarantine, decide.

>>> from siamlib.params import load_params
>>> from siamlib.quality_policy import results_frame
>>> df = results_frame([{"rule_id": "TKT-015", "table": "tickets", "column": "priority",
...     "supplier_id": "network", "scope": "supplier", "severity": "blocking", "passed": False,
...     "unexpected_count": 1, "unexpected_pct": 50.0, "description": "Priority 1-4."}])
>>> list(stopped_reports(df, load_params(), "2026-10", {}))  # tickets: the integrator's too
['integrator', 'network']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from siamlib import agreements, completeness, io, periods, schema
from siamlib import quality_policy as qp
from siamlib.common import BOARD
from siamlib.params import Params


def load_inputs(data_dir: Path | str) -> tuple[dict[str, pd.DataFrame], io.DatasetInfo]:
    """Read a dataset folder (all tables of the data model and ``dataset.json``).

    ``info.tables`` lists the tables whose file exists; absent optional tables read as empty.
    Raises :class:`siamlib.io.DatasetError` when ``dataset.json`` or a table file is bad or a
    required table (:data:`siamlib.completeness.REQUIRED_TABLES`) is absent.
    """
    info = io.read_dataset_info(data_dir)
    completeness.check_required(info.tables or [], str(data_dir))
    return io.read_dataset(data_dir), info


def check_inputs(
    tables: Mapping[str, pd.DataFrame],
    params: Params,
    period: str,
    info: io.DatasetInfo | None,
    where: str = "dataset",
) -> list[str]:
    """Refuse, before any work, what the run refuses; return the tables the dataset holds.

    Raises ``ValueError`` (:class:`siamlib.io.DatasetError` for a required table absent,
    :class:`siamlib.periods.PeriodOutsideWindow` for a month the window does not cover in
    full) with the message the command line prints. ``where`` names the dataset in it.
    """
    present = (
        list(info.tables)
        if info is not None and info.tables is not None
        else [n for n in schema.TABLES if n in tables]
    )
    completeness.check_required(present, where)
    tickets = tables["tickets"]
    refused = agreements.misnamed_exclusions(tickets["ticket_id"], params)
    refused += agreements.approved_before_opened(tickets, params)
    if refused:
        raise ValueError("; ".join(refused))
    if info is not None:
        periods.check_in_window(period, info.window, params.estate.timezone, where)
    return present


def stop_reason(
    name: str,
    quality_result: qp.QualityResult | pd.DataFrame | None,
    params: Params,
    period: str,
    incomplete: Mapping[str, str],
) -> str:
    """Why report ``name`` (a supplier id or ``board-summary``) must not be produced, or ``""``.

    A blocking data-quality failure (the gate's results; ``None``: not validated), or data
    missing for the period (``incomplete``: :func:`siamlib.completeness.empty_table_blocks`);
    the board summary is stopped by missing data only when every supplier is.
    """
    reasons = []
    if quality_result is not None:
        reasons.append(qp.blocking_message(quality_result, *_reader(name, params, period)))
    if name == BOARD:
        ids = [s.id for s in params.estate.suppliers]
        if incomplete and all(i in incomplete for i in ids):
            reasons.append(f"Report for the board summary stopped: {incomplete[ids[0]]}")
    elif name in incomplete:
        reasons.append(f"Report for {name} stopped: {incomplete[name]}")
    return "\n".join(r for r in reasons if r)


def _reader(name: str, params: Params, period: str) -> tuple[str | None, set[str]]:
    """Whose rows stop report ``name``: the supplier (``None``: the board) and the tables its
    levels read from every supplier's rows (the integrator's)."""
    if name == BOARD:
        return None, set()
    return name, completeness.estate_tables(params, name, period)


def stopping_rules(
    quality_result: qp.QualityResult | pd.DataFrame | None, params: Params, period: str
) -> set[str]:
    """The rule ids that stop at least one report (:func:`stop_reason`'s failures): what a
    "blocking" count counts. A rule whose rows are over a limit only in a total no report
    reads (the estate's ``all`` row of a table no estate-wide level reads) is not one.

    >>> from siamlib.params import load_params
    >>> df = qp.results_frame([{"rule_id": "CHG-020", "table": "changes", "scope": "supplier",
    ...     "severity": "quarantine", "passed": False, "unexpected_count": 12,
    ...     "unexpected_pct": 57.1}])
    >>> stopping_rules(df, load_params(), "2026-10")  # the estate's changes: no report reads
    set()
    """
    if quality_result is None:
        return set()
    names = [*(s.id for s in params.estate.suppliers), BOARD]
    return {
        rule
        for n in names
        for rule in qp.blocking_failures(quality_result, *_reader(n, params, period))["rule_id"]
    }


def stopped_reports(
    quality_result: qp.QualityResult | pd.DataFrame | None,
    params: Params,
    period: str,
    incomplete: Mapping[str, str],
) -> dict[str, str]:
    """Every report the run stops, ``{name: reason}`` (:func:`stop_reason`): the suppliers in
    estate order, then ``board-summary``; empty when every report runs."""
    names = [*(s.id for s in params.estate.suppliers), BOARD]
    reasons = {n: stop_reason(n, quality_result, params, period, incomplete) for n in names}
    return {n: r for n, r in reasons.items() if r}


def take_out_quarantined(
    tables: Mapping[str, pd.DataFrame], quality_result
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """:func:`siamlib.quarantine.quarantine`, and the result's list then holds the dependent
    rows too (the audit trail); ``quality_result`` ``None`` takes nothing out."""
    from siamlib.quarantine import quarantine

    clean, quarantined = quarantine(tables, quality_result)
    if quality_result is not None:
        quality_result.quarantined = quarantined
    return clean, quarantined


@dataclass
class GateCheck:
    """What :func:`check` found: the gate's results and the reports the run would stop."""

    period: str
    quality: qp.QualityResult
    incomplete: dict[str, str] = field(default_factory=dict)
    stopped: dict[str, str] = field(default_factory=dict)
    stopping: set[str] = field(default_factory=set)  # rule ids stopping a report

    @property
    def exit_code(self) -> int:
        """The run's: 1 when it would stop a report, else 0."""
        return 1 if self.stopped else 0

    def summary_text(self) -> str:
        """The month checked, then :func:`siamlib.quality_report.summary_text` with the run's
        decision: what ``siam validate`` prints."""
        from siamlib import quality_report

        head = f"Period {self.period}: what `siam run --period {self.period}` would stop."
        text = quality_report.summary_text(self.quality, self.stopped, self.stopping)
        return head + "\n" + text

    def to_json(self) -> dict:
        """The gate's results (:func:`siamlib.quality_report.to_json`), the period and the
        reports stopped with why."""
        from siamlib import quality_report

        return {
            **quality_report.to_json(self.quality),
            "period": self.period,
            "stopped": dict(self.stopped),
        }


def check(data_dir: Path | str, params: Params, period: str | None = None) -> GateCheck:
    """The run's refusals and gate decision for ``period`` on a dataset folder, no measure
    computed (``siam validate``).

    ``period`` ``None``: the last month the data window covers in full
    (:func:`siamlib.periods.latest_month`). Raises what the run raises before any work.
    """
    from siamlib import quality

    tables, info = load_inputs(data_dir)
    if period is None:
        period = periods.latest_month(info.window, params.estate.timezone)
    periods.check_period(period)
    check_inputs(tables, params, period, info, str(data_dir))
    result = quality.validate(tables, params, info.window, period=period)
    clean, _ = take_out_quarantined(tables, result)
    incomplete = completeness.period_blocks(clean, params, period, info.window)
    stopped = stopped_reports(result, params, period, incomplete)
    return GateCheck(period, result, incomplete, stopped, stopping_rules(result, params, period))
