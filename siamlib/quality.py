"""Data-quality gate: Great Expectations suites generated from the data model and the params.

One call, :func:`validate`, checks every table of a dataset in the driver process and returns a
:class:`QualityResult` whose ``results`` is a tidy table: one row per rule for the whole estate
(``supplier_id == "all"``), plus, for rules on rows that carry a supplier, one row per known
supplier and one ``"(unattributed)"`` row when failing rows have a missing or unknown supplier.

Rules are generated from :data:`siamlib.schema.TABLES` (required columns, keys, vocabularies,
units) and from the params (known supplier ids), plus cross-table rules (events refer to
tickets, timestamps in order ...). Every rule has an id (``TKT-003``), a table, a severity
(``blocking``, ``quarantine`` or ``warning``, see :data:`SEVERITIES`) and a plain-English
description, carried in the Great Expectations expectation's ``meta`` and ``description``.
Cross-table rules are computed in pandas into a derived boolean column (``True`` = row passes,
``<NA>`` = rule does not apply to the row) that is then validated by a Great Expectations
expectation, so all rules report through one mechanism. ``docs/data-quality.md`` lists the rules
and the policy.

The gate is split by concern: the rule catalogue in :mod:`siamlib.quality_rules`, the Great
Expectations runner in :mod:`siamlib.quality_runner`, the results table and the policy (what
blocks, the score) in :mod:`siamlib.quality_policy`, rendering and the audit trail in
:mod:`siamlib.quality_report`, and applying the quarantine in :mod:`siamlib.quarantine`. This
module is the front door: :func:`validate`, and every name callers use
(``quality.build_rules``, ``quality.blocking_failures``, ``quality.render_html`` ...).

Great Expectations is imported lazily inside the functions that need it (it takes seconds to
import): importing :mod:`siamlib` or reading saved results (:func:`from_json`,
:func:`render_html`, :func:`supplier_score`) never imports it.

Examples
--------
>>> import pandas as pd
>>> from siamlib import schema
>>> from siamlib.params import load_params
>>> tickets = schema.coerce("tickets", pd.DataFrame({
...     "ticket_id": ["INC1", "INC2"], "ticket_type": ["incident", "incident"],
...     "supplier_id": ["hosting", "network"], "service": ["email", "wan"],
...     "category": [None, None], "ci": [None, None], "priority": [2, 7],
...     "opened_at": ["2026-01-05 10:00Z", "2026-01-06 10:00Z"],
...     "first_response_at": [None, None], "resolved_at": [None, None],
...     "closed_at": [None, None], "status": ["new", "new"], "reopen_count": [0, 0],
...     "problem_id": [None, None], "change_id": [None, None], "satisfaction": [None, None]}))
>>> window = (pd.Timestamp("2026-01-01", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))
>>> r = validate({"tickets": tickets}, load_params(), window)
>>> res = r.results[~r.results["passed"]]
>>> bad = res[res["table"] == "tickets"]
>>> bad[["rule_id", "supplier_id", "unexpected_count", "examples"]].values.tolist()
[['TKT-015', 'all', 1, ['INC2']], ['TKT-015', 'network', 1, ['INC2']]]
>>> res.loc[res["table"] == "ticket_events", "error"].iloc[0][:52]  # a required table
'the ticket_events table is absent: no figure can be '
>>> supplier_score(r.results, "hosting") < 100, r.ok  # absent events count as failures
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from siamlib.completeness import scored_months
from siamlib.params import Params
from siamlib.periods import check_period
from siamlib.quality_policy import (  # noqa: F401 - re-exported: quality.blocks, quality.ALL ...
    ALL,
    RESULT_COLUMNS,
    UNATTRIBUTED,
    QualityResult,
    blocking_failures,
    blocking_message,
    blocks,
    estate_quarantine,
    month_text,
    over_month,
    over_window,
    results_frame,
    score_table,
    supplier_score,
    supplier_view,
    window_text,
)
from siamlib.quality_report import (  # noqa: F401 - re-exported: quality.render_html ...
    APPENDIX_NAME,
    beside_html,
    beside_lines,
    from_json,
    quarantine_lines,
    render_appendix_html,
    render_html,
    render_markdown_rules,
    summary_line,
    summary_text,
    to_json,
)
from siamlib.quality_rules import (  # noqa: F401 - re-exported: quality.Rule, quality.build_rules ...
    DATE_MARGIN,
    EARLIEST,
    NOUN,
    PREFIX,
    SEVERITIES,
    SEVERITY_WEIGHT,
    Rule,
    build_rules,
)
from siamlib.quality_runner import (  # noqa: F401 - re-exported: quality.run_rules ...
    N_EXAMPLES,
    REQUIRED_TABLES,
    run_rules,
)


def validate(
    tables: Mapping[str, pd.DataFrame],
    params: Params,
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
    *,
    period: str | None = None,
    n_examples: int = N_EXAMPLES,
) -> QualityResult:
    """Validate a dataset once, in the driver process, against the generated rule catalogue.

    Parameters
    ----------
    tables
        Table name -> frame, coerced to the data model (``siamlib.io.read_dataset``); a table
        not given is treated as empty.
    params
        Validated params (known suppliers from ``params.estate``).
    window
        The dataset's declared window ``(start, end)``, start inclusive, end exclusive
        (``siamlib.io.read_dataset_info(folder).window``); ``None`` skips the window rules.
    period
        The reported month (``YYYY-MM``, in the estate's time zone): the quarantine limit is
        then also applied to each supplier's rows of that month
        (:func:`siamlib.quarantine.over_month_limit`), so a quarantine concentrated in it
        blocks. ``None`` applies the window's limit only.
    n_examples
        How many example ids each result row keeps.

    Returns
    -------
    QualityResult
        ``.results`` holds one row per rule for ``"all"``, and per supplier for rules on rows
        carrying a supplier; see the module docstring.
    """
    suppliers = [s.id for s in params.estate.suppliers]
    months = None
    if period is not None:
        check_period(period)
        months = read_months(params, period)
    # The params, not only the supplier ids: the service rules read the estate's services.
    return run_rules(
        tables,
        build_rules(params, window),
        suppliers,
        window=window,
        period=period,
        months=months,
        tz=params.estate.timezone,
        n_examples=n_examples,
    )


def read_months(params: Params, period: str) -> dict[str, list[str]]:
    """Whose result row reads which months of data for ``period``'s figures: each supplier its
    :func:`siamlib.completeness.scored_months`; the estate's row (``all``) the integrator's,
    whose estate-wide levels read it; the ``(unattributed)`` row, which stops every report,
    all of them. The gate applies the month limit to each (:func:`run_rules`).

    >>> from siamlib.params import load_params
    >>> read_months(load_params(), "2026-10")["all"]
    ['2026-07', '2026-08', '2026-09', '2026-10']
    """
    out = {s.id: scored_months(params, s.id, period) for s in params.estate.suppliers}
    out[ALL] = out[params.estate.integrator.id]
    out[UNATTRIBUTED] = sorted({m for ms in list(out.values()) for m in ms})
    return out
