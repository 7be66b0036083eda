"""The pack's ``index.html``: the board summary first, then every supplier worst first.

A board member opening the pack reads the index as a verdict, so it says what the board
says and in the board's order: the board summary's row first, then the suppliers in the
board's one order (:func:`siamlib.frontpage.board_order`, worst first), each with the RAG
of its worst level and its net service credit for the month, both taken from the board's
bundle (:func:`standing`: the one computation the board summary shows, never recomputed).
Whether a report's page was built is a separate, plainly named column ("report built"),
so "ok" never stands beside a red supplier as if it were a judgement.

>>> from types import SimpleNamespace
>>> run = SimpleNamespace(period="2026-10", run_id="r1", status="ok", supersedes={},
...     reports={"h": {"status": "ok", "file": "h.html", "title": "Summit", "evidence": []}})
>>> page = render_index(run, "Acme", [{"supplier_id": "h", "name": "Summit", "rag": "red",
...     "credits": 7200.0, "blocked": False, "currency": "GBP"}])
>>> "report built" in page, "£7,200 due from the supplier" in page
(True, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from siamlib import frontpage, present, report
from siamlib.common import BOARD, FIGURES_NAME

QUALITY_NAME = "data-quality.json"  # the gate's full results (siamlib.batch writes it)
QUALITY_PAGE = "data-quality.html"  # the same results as a page (quality.APPENDIX_NAME)
CHANGES_NAME = "changes.csv"  # a re-issue's changed figures (siamlib.reissue)
RAG_TEXT = {
    "red": "red: a level failed",
    "amber": "amber: below expected",
    "green": "green: every level met",
    "grey": "grey: not scored",
}
"""What the index says of a supplier's worst level (a word, never colour alone)."""


def standing(bundle: dict) -> list[dict]:
    """Each supplier's standing as the board summary shows it, in the board's order.

    Parameters
    ----------
    bundle : dict
        The board's bundle (``league``, ``cards``; ``quality_scores`` when validated).

    Returns
    -------
    list of dict
        ``supplier_id``, ``name``, ``rag`` (:func:`siamlib.frontpage.supplier_rags`),
        ``credits`` (the league's net ledger total, the figures file's ``net_credits``),
        ``currency`` and ``blocked`` (the data-quality gate withheld its figures), worst first;
        first, when the bundle has its headline, the board's own row (``supplier_id`` is
        :data:`siamlib.common.BOARD`, ``credits`` the headline's ``net_credits``).

    Examples
    --------
    >>> league = pd.DataFrame({"supplier_id": ["a", "b"], "supplier_name": ["A", "B"],
    ...     "weighted_score": [90.0, 50.0], "rag": ["green", "red"], "credits": [0.0, 7200.0],
    ...     "currency": ["GBP", "GBP"]})
    >>> [(s["name"], s["rag"], s["credits"]) for s in standing(
    ...     {"meta": {}, "frames": {"league": league}})]
    [('B', 'red', 7200.0), ('A', 'green', 0.0)]
    """
    league = bundle["frames"].get("league", pd.DataFrame())
    if league.empty:
        return []
    scores = bundle["frames"].get("quality_scores", pd.DataFrame())
    blocked = set()
    if not scores.empty and "stopped" in scores.columns:
        blocked = set(scores.loc[scores["stopped"].astype(bool), "supplier_id"])
    rags = frontpage.supplier_rags(bundle)
    rows = league.set_index("supplier_id", drop=False)
    out = []
    head = bundle["meta"].get("board_headline")
    if isinstance(head, Mapping) and "net_credits" in head:  # the board row: its headline total
        out.append(
            {
                "supplier_id": BOARD,
                "name": BOARD,
                "rag": "grey",
                "credits": float(head["net_credits"]),
                "currency": str(bundle["meta"].get("currency", "GBP")),
                "blocked": False,
                # Who pays whom, as the board's tiles say it: never only the net.
                "credits_due": head.get("credits_due"),
                "earn_back_due": head.get("earn_back_due"),
                "owing": len(head.get("owing") or {}),
                "owed": len(head.get("owed") or {}),
            }
        )
    for sid in frontpage.board_order(bundle):
        row = rows.loc[sid]
        out.append(
            {
                "supplier_id": sid,
                "name": str(row.get("supplier_name") or sid),
                "rag": rags.get(sid, "grey"),
                "credits": float(row.get("credits", 0.0) or 0.0),
                "currency": str(row.get("currency") or bundle["meta"].get("currency", "GBP")),
                "blocked": sid in blocked,
            }
        )
    return out


def credit_text(
    amount: float, currency: str, blocked: bool = False, who: str = "the supplier"
) -> str:
    """A net credit for the month in words: who pays whom (``who``: the supplier, or the
    suppliers for the board's net total).

    >>> credit_text(7200.0, "GBP"), credit_text(-4500.0, "GBP"), credit_text(0.0, "GBP")
    ('£7,200 due from the supplier', '£4,500 earn-back due back to the supplier', 'none')
    >>> credit_text(100.0, "GBP", blocked=True)
    'withheld: data blocked'
    """
    if blocked:
        return "withheld: data blocked"
    if amount > 0:
        return f"{present.fmt_money(amount, currency)} due from {who}"
    if amount < 0:
        return f"{present.fmt_money(-amount, currency)} earn-back due back to {who}"
    return "none"


def _suppliers(n: int) -> str:
    return f"{n} supplier{'' if n == 1 else 's'}"


def board_credit_text(s: Mapping) -> str:
    """The board's row: who pays whom, as its tiles say it (the headline's ``credits_due``
    from the suppliers that owe, the ``earn_back_due`` to those owed, then the net), never
    only a net "due from the suppliers" that no supplier owes; a headline without the split
    (an older pack) says its net as such.

    >>> board_credit_text({"credits": 4860.0, "currency": "GBP", "credits_due": 9360.0,
    ...     "earn_back_due": 4500.0, "owing": 2, "owed": 1})
    '£9,360 due from 2 suppliers; £4,500 earn-back due back to 1 supplier; net £4,860 to the \
customer'
    >>> board_credit_text({"credits": 7200.0, "currency": "GBP", "credits_due": 7200.0,
    ...     "earn_back_due": 0.0, "owing": 1, "owed": 0})
    '£7,200 due from 1 supplier'
    >>> board_credit_text({"credits": 4860.0, "currency": "GBP"})
    'net £4,860 due to the customer'
    """
    money = lambda x: present.fmt_money(x, s["currency"])  # noqa: E731 - one currency
    due, back = s.get("credits_due"), s.get("earn_back_due")
    if present.is_missing(due) or present.is_missing(back):
        net = float(s["credits"])
        if net == 0:
            return "none"
        return f"net {money(abs(net))} due {'to the customer' if net > 0 else 'to suppliers'}"
    said = []
    if due:
        said.append(f"{money(due)} due from {_suppliers(int(s.get('owing') or 0))}")
    if back:
        said.append(f"{money(back)} earn-back due back to {_suppliers(int(s.get('owed') or 0))}")
    if due and back:
        net = float(s["credits"])
        to = "to the customer" if net >= 0 else "to the suppliers"
        said.append(f"net {money(abs(net))} {to}")
    return "; ".join(said) or "none"


def built_text(entry: dict) -> str:
    """Whether the report's page was built (not a verdict on the supplier).

    >>> built_text({"status": "ok"}), built_text({"status": "blocked", "error": "no tickets"})
    ('yes', 'no (blocked: no tickets)')
    """
    status = entry.get("status", "")
    if status == "ok":
        carried = entry.get("carried_over_from")
        return f"yes (carried over from run {carried})" if carried else "yes"
    why = f"{status}: {entry['error']}" if entry.get("error") else status
    return f"no ({why})"


def _rag_cell(rag: str) -> str:
    rag = rag if rag in RAG_TEXT else "grey"
    return (
        f'<td class="rag-{rag}" style="background:{present.RAG_BACKGROUND[rag]}">'
        f"{present.rag_word(rag)}{html.escape(RAG_TEXT[rag].removeprefix(rag))}</td>"
    )


def _standing_cells(name: str, s: dict | None) -> str:
    """The RAG and credit cells of a report's row (the board's row points down the list)."""
    if name == BOARD:
        what = "<td>every supplier, worst first below</td>"
        if s is None:
            return f"{what}<td>–</td>"
        credit = board_credit_text(s)
        return f"{what}<td>{html.escape(credit)}</td>"
    if s is None:
        return "<td>see the board summary</td><td>–</td>"
    credit = credit_text(s["credits"], s["currency"], s["blocked"])
    return _rag_cell(s["rag"]) + f"<td>{html.escape(credit)}</td>"


def _order(reports: dict, standings: list[dict] | None) -> list[str]:
    """Board summary first, then the suppliers worst first, then any other report by name."""
    ranked = [
        s["supplier_id"]
        for s in standings or []
        if s["supplier_id"] in reports and s["supplier_id"] != BOARD
    ]
    rest = sorted(n for n in reports if n != BOARD and n not in ranked)
    return ([BOARD] if BOARD in reports else []) + ranked + rest


def render_index(
    result, estate_name: str, standings: list[dict] | None = None, quality: bool = True
) -> str:
    """The pack's ``index.html`` (no script): a row per report, the board summary first.

    Parameters
    ----------
    result : siamlib.batch.RunResult
        The run (``period``, ``run_id``, ``status``, ``reports``, ``supersedes``).
    estate_name : str
        The estate's name, for the title.
    standings : list of dict, optional
        :func:`standing` of the run's board bundle; without it (the board was not built
        in this run) the RAG and credit columns are left out and the page says why.
    quality : bool, default True
        Whether the data-quality gate ran and its report (:data:`QUALITY_PAGE`) is in the
        pack (:func:`status_text`).
    """
    by_sid = {s["supplier_id"]: s for s in standings or []}
    rows = []
    for name in _order(result.reports, standings):
        r = result.reports[name]
        label = html.escape(r.get("title") or name)
        if r["status"] == "ok" and r.get("file"):
            label = f'<a href="{html.escape(r["file"])}">{label}</a>'
        ev = "; ".join(report.evidence_link(e, name, result.period) for e in r.get("evidence", []))
        cells = f"<td>{label}</td>"
        if standings is not None:
            cells += _standing_cells(name, by_sid.get(name))
        built = html.escape(built_text(r))
        rows.append(
            f"<tr>{cells}<td class='status-{html.escape(r['status'])}'>{built}</td>"
            f"<td>{ev}</td></tr>"
        )
    head = ["report"]
    if standings is not None:
        head += ["worst level (RAG)", "net service credit this month"]
    head += ["report built", "evidence"]
    header = "".join(f'<th scope="col">{h}</th>' for h in head)
    order_note = (
        f"Suppliers {html.escape(frontpage.ORDER_CAPTION)}; the RAG and credit are the board "
        "summary's. "
        if standings is not None
        else "The board summary was not built in this run: its order, RAG and credits are "
        "in the board summary of the pack. "
    )
    name = html.escape(estate_name)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{name}: performance pack {result.period}</title>"
        f"<style>{report.report_css()} .status-failed,.status-blocked{{color:#c62828;"
        "font-weight:bold}</style></head><body><main class='siam-report'>"
        f"<h1>{name}: performance pack {result.period}</h1>"
        f"<p class='run-status'>{status_text(result, quality)}</p>"
        f"<p class='note'>Run {html.escape(result.run_id)}. "
        "Every report is a single self-contained page that works offline. "
        f'{order_note}"Report built" says only whether the page was made.</p>'
        + reissue_note(result)
        + f"<table><caption>Reports of {result.period}</caption><thead><tr>{header}</tr>"
        + "</thead><tbody>"
        + "".join(rows)
        + "</tbody></table><p class='provenance'>Every figure of the pack (one row per "
        "supplier and service level, plus credit lines and the headline figures: scores, "
        f"levels met, credits): <a href='{FIGURES_NAME}'>{FIGURES_NAME}</a>. "
        "The data-quality gate's full results: "
        + (
            f"<a href='{QUALITY_PAGE}'>{QUALITY_PAGE}</a> (every rule, readable), "
            if quality
            else ""
        )
        + f"<a href='{QUALITY_NAME}'>{QUALITY_NAME}</a>. "
        "Inputs, versions and timings: "
        "<a href='manifest.json'>manifest.json</a></p></main></body></html>"
    )


def reissue_note(result) -> str:
    """The index's re-issue line: which pack this replaces and where the changes are."""
    if not result.supersedes:
        return ""
    s = result.supersedes
    return (
        f"<p class='note'><b>Re-issue</b> of the pack of {html.escape(s['date'])} (run "
        f"{html.escape(s['run_id'])}): {int(s['changed_figures'])} figure(s) changed, listed "
        f"in <a href='{CHANGES_NAME}'>{CHANGES_NAME}</a>.</p>"
    )


def status_text(result, quality: bool = True) -> str:
    """What the run's status means, in words, as HTML: which checks the run made and what they
    found; never a judgement of a supplier (that is each row's worst level).

    Parameters
    ----------
    result : siamlib.batch.RunResult
        The run (``status``, ``reports``, ``reconciliation``).
    quality : bool, default True
        Whether the data-quality gate ran (its report, :data:`QUALITY_PAGE`, is linked).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(status="ok", reports={"h": {"status": "ok"}},
    ...     reconciliation={"levels_checked": 52, "levels_reconciled": 52, "mismatches": []})
    >>> print(status_text(run))  # doctest: +NORMALIZE_WHITESPACE
    <b>Run status: ok.</b> Checked: the data-quality gate ran on the month's data and stopped no
    report (every rule and its result: <a href='data-quality.html'>data-quality.html</a>); all 1
    reports were built; 52 of 52 service levels counted from records match the evidence rows
    behind them. This says the pack is complete and its figures trace to their records; it is
    not a verdict on any supplier (that is each row's worst level).
    """
    reports = result.reports
    blocked = sorted(n for n, r in reports.items() if r.get("status") == "blocked")
    failed = sorted(n for n, r in reports.items() if r.get("status") not in ("ok", "blocked"))
    built = len(reports) - len(blocked) - len(failed)
    said = []
    if quality:
        link = f"<a href='{QUALITY_PAGE}'>{QUALITY_PAGE}</a>"
        stopped = (
            f"stopped {len(blocked)} report{'s' * (len(blocked) != 1)} "
            f"({html.escape(', '.join(blocked))})"
            if blocked
            else "stopped no report"
        )
        said.append(
            f"the data-quality gate ran on the month's data and {stopped} (every rule and its "
            f"result: {link})"
        )
    else:
        said.append("the data-quality gate did not run: no rule was checked")
    whole = f"all {built}" if built == len(reports) else f"{built} of {len(reports)}"
    said.append(
        f"{whole} reports were built"
        + (f"; {len(failed)} failed ({html.escape(', '.join(failed))})" if failed else "")
    )
    rec = getattr(result, "reconciliation", None) or {}
    if rec.get("levels_checked"):
        bad = len(rec.get("mismatches") or [])
        said.append(
            f"{rec['levels_reconciled']} of {rec['levels_checked']} service levels counted from "
            "records match the evidence rows behind them"
            + (f"; {bad} do not (listed in manifest.json)" if bad else "")
        )
    whole_pack = not (blocked or failed or rec.get("mismatches"))
    meaning = (
        "This says the pack is complete and its figures trace to their records"
        if whole_pack
        else 'The pack is not complete: see the "report built" column'
    )
    return (
        f"<b>Run status: {html.escape(result.status)}.</b> Checked: {'; '.join(said)}. "
        f"{meaning}; it is not a verdict on any supplier (that is each row's worst level)."
    )
