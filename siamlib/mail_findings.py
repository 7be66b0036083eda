"""What a supplier's email says beside its scorecard: the board's findings about it.

A supplier's email first says why its headline credit is what it is: each ledger line that
moves money, in the ledger's own words (:func:`credit_lines`). The board's page says three
things about a supplier that its scorecard does not: the alerts
about it (:func:`siamlib.fairness.alert_rows`), the credits waived under one cause, one credit
(its ledger's ``waived`` lines, :mod:`siamlib.credits`) and a scope conformance that is a
finding or cannot be judged (:func:`siamlib.frontpage.scope_lines`, the board's own sentence).
A supplier's email repeats each of them with the same figures, taken from the same computed
rows the board's page reads: nothing here adds up, rounds or decides anything. Kept apart from
:mod:`siamlib.mailrender` (which uses these and the shared table helpers) so that module stays
under the size rule.

>>> import pandas as pd
>>> led = pd.DataFrame({"supplier_id": ["h", "h"], "line": ["waived", "credit"],
...     "name": ["Resolution within target (priority 2)", "Service availability"],
...     "service_level": ["P2", "AVAIL"], "explanation": ["£5,760 waived: same cause as "
...     "Service availability (outage O1); one cause, one credit", "£7,200"]})
>>> waived_lines({"meta": {}, "frames": {"ledger": led}})
('Resolution within target (priority 2): £5,760 waived: same cause as Service availability \
(outage O1); one cause, one credit.',)
"""

from __future__ import annotations

from collections.abc import Mapping

from siamlib import present
from siamlib.fairness import alert_sentences

# A supplier's email: the credit ledger's lines behind its headline credit, in the ledger's
# own words (the board's credits table says the same), so the email says why money is due.
CREDITS_HEADING = "Service credits"
CREDITS_INTRO = (
    "Why the service credits are what they are: each line of the credit ledger with its "
    "arithmetic, as the board's page states it"
)
CHARGED = ("credit", "earn_back", "reward")  # ledger lines that move money (not ``waived``)
# A supplier's email: the alerts the board reads about it, with the figures behind them.
ALERTS_INTRO = "The board reads these alerts this month and asks about them"
WAIVED_HEADING = "Credits waived"
WAIVED_INTRO = (
    "Credits given up under one cause, one credit: never in the credits due; the board's page "
    "states the same amount"
)
SCOPE_HEADING = "Scope conformance"  # as the board's page heads it (sections_board)
# The report's own rows (siamlib.report_cuts): a tower its own verdict, the integrator every
# supplier's, as its report shows them.
SCOPE_INTRO = (
    "The board's page says this of work done outside the work a contract makes the supplier "
    "responsible for, or that cannot be judged"
)


def email_rows(head: list[tuple[str, bool]], rows: list[tuple], caption: str) -> str:
    """A 100 %-wide email table: ``head`` is (label, numeric) per column, each row its RAG
    (None: no colour) and cells (HTML, already escaped); header cells carry ``scope="col"``."""
    num = ' class="num"'
    ths = "".join(
        f'<th scope="col"{num if right else ""}>{present.esc(lab)}</th>' for lab, right in head
    )
    body = []
    for rag, cells in rows:
        colour = present.RAG_BACKGROUND.get(rag, "#e5e7eb")
        tr = f'<tr class="rag-{rag}" bgcolor="{colour}">' if rag else "<tr>"
        tds = (f"<td{num if r else ''}>{c}</td>" for (_, r), c in zip(head, cells, strict=True))
        body.append(tr + "".join(tds) + "</tr>")
    return (
        '<table class="data" width="100%" cellpadding="0" cellspacing="0">'
        f"<caption>{present.esc(caption)}</caption><thead><tr>{ths}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def sub(text: str) -> str:
    """``text`` as a small note under a cell's main line (``""`` when there is none)."""
    return f'<br><span class="sub">{present.esc(text)}</span>' if text else ""


def alert_lines(bundle: Mapping) -> list[str]:
    """A supplier's alerts as text, as its email's table (:func:`email_alerts`) shows them."""
    rows = bundle["frames"].get("fairness_alerts")
    said = alert_sentences(rows)
    if not said:
        return []
    lines = ["", f"{ALERTS_INTRO}:"]
    for alert in said:
        lines.append(f"- {alert}")
        if "figure" in rows.columns:
            for r in rows[rows["alert"] == alert].to_dict("records"):
                lines.append(f"  {r['figure']}: {r['shown']} ({figure_note(r)})")
    return lines


def figure_note(row: Mapping) -> str:
    """What an alert's figure counts and when it raises the alert: ``1,310 of 2,945 business
    hours on the clock; signal at 25% or more`` (the signal as the alert rows word it)."""
    counted = row.get("counted")
    counted = "" if present.is_missing(counted) else str(counted)
    return "; ".join(x for x in (counted, str(row["signal"])) if x)


def email_alerts(bundle: Mapping) -> str:
    """A supplier's alerts (the board's words, :func:`siamlib.fairness.alert_rows`), each
    with the figures behind it in a two-column table that fits a phone; ``""`` when none.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"supplier_id": ["euc"], "alert": ["Clock-stop signal, Harbour: "
    ...     "44% of clock time paused; ask why."], "figure": ["clock time paused"],
    ...     "shown": ["44%"], "counted": ["1,310 of 2,945 business hours on the clock"],
    ...     "signal": ["signal at 25% or more"]})
    >>> html = email_alerts({"meta": {}, "frames": {"fairness_alerts": rows}})
    >>> "<h2>Alerts</h2>" in html, "signal at 25% or more" in html
    (True, True)
    """
    rows = bundle["frames"].get("fairness_alerts")
    said = alert_sentences(rows)
    if not said:
        return ""
    out = [f"<h2>Alerts</h2><p>{present.esc(ALERTS_INTRO)}.</p>"]
    for alert in said:
        out.append(f"<p><b>{present.esc(alert)}</b></p>")
        if "figure" not in rows.columns:  # a pack written before the alerts carried figures
            continue
        figures = [
            (None, [present.esc(r["figure"]) + sub(figure_note(r)), present.esc(r["shown"])])
            for r in rows[rows["alert"] == alert].to_dict("records")
        ]
        head = [("figure", False), ("value", True)]
        out.append(email_rows(head, figures, "The figures behind it"))
    return "".join(out)


def waived_lines(bundle: Mapping) -> tuple[str, ...]:
    """The credits waived of a report's suppliers, one sentence per ``waived`` ledger line: the
    level and the ledger's own explanation (the amount given up and the cause it shares), the
    words the board's credits table and fairness panel show for the same line."""
    ledger = bundle["frames"].get("ledger")
    if ledger is None or ledger.empty or "line" not in ledger.columns:
        return ()
    out = []
    for r in ledger[ledger["line"].eq("waived")].to_dict("records"):
        name = r.get("name")
        level = r["service_level"] if present.is_missing(name) or not name else name
        out.append(f"{level}: {str(r['explanation']).rstrip('.')}.")
    return tuple(out)


def credit_lines(bundle: Mapping) -> tuple[str, ...]:
    """The report's credit ledger lines that move money (a credit, an earn-back, a reward),
    one sentence each: the ledger's own explanation, which names the level, its figure, the
    limit and the arithmetic (the words of the board's credits table for the same line).

    >>> import pandas as pd
    >>> led = pd.DataFrame({"line": ["credit", "waived"], "amount": [7200.0, 0.0],
    ...     "explanation": ["Service availability 98.65%, below its 99% minimum: 25% of the "
    ...     "£28,800 at risk = £7,200", "£5,760 waived"]})
    >>> credit_lines({"meta": {}, "frames": {"ledger": led}})
    ('Service availability 98.65%, below its 99% minimum: 25% of the £28,800 at risk = £7,200.',)
    """
    ledger = bundle["frames"].get("ledger")
    if ledger is None or ledger.empty or not {"line", "explanation"} <= set(ledger.columns):
        return ()
    moved = ledger[ledger["line"].isin(CHARGED)]
    if "amount" in moved.columns:  # a zero line moves nothing (the headline says none due)
        moved = moved[moved["amount"].fillna(0).ne(0)]
    return tuple(f"{str(e).rstrip('.')}." for e in moved["explanation"])


def scope_findings(bundle: Mapping) -> tuple[str, ...]:
    """The report's scope conformance as the board's page says it
    (:func:`siamlib.frontpage.scope_lines`: a finding, or conformance that cannot be judged;
    ``()`` when the supplier conforms)."""
    from siamlib import frontpage

    names = dict(bundle["meta"].get("supplier_names") or {})
    sid = bundle["meta"].get("supplier_id")
    if sid and bundle["meta"].get("supplier_name"):
        names.setdefault(sid, bundle["meta"]["supplier_name"])
    return frontpage.scope_lines(dict(bundle), names)


def _listed(heading: str, intro: str, items: tuple[str, ...]) -> str:
    if not items:
        return ""
    said = "".join(f"<li>{present.esc(x)}</li>" for x in items)
    return f"<h2>{present.esc(heading)}</h2><p>{present.esc(intro)}.</p><ul>{said}</ul>"


def email_findings(bundle: Mapping) -> str:
    """A supplier's email: its credits due and why (:func:`credit_lines`), its alerts
    (:func:`email_alerts`), credits waived (:func:`waived_lines`) and scope finding
    (:func:`scope_findings`), each only when there is one; ``""`` when there is none."""
    return (
        _listed(CREDITS_HEADING, CREDITS_INTRO, credit_lines(bundle))
        + email_alerts(bundle)
        + _listed(WAIVED_HEADING, WAIVED_INTRO, waived_lines(bundle))
        + _listed(SCOPE_HEADING, SCOPE_INTRO, scope_findings(bundle))
    )


def findings_lines(bundle: Mapping) -> list[str]:
    """:func:`email_findings` as plain text, in the same order and words."""
    lines = []
    if said := credit_lines(bundle):
        lines += ["", f"{CREDITS_HEADING}:", *(f"- {x}" for x in said)]
    lines += alert_lines(bundle)
    for heading, items in (
        (WAIVED_HEADING, waived_lines(bundle)),
        (SCOPE_HEADING, scope_findings(bundle)),
    ):
        if items:
            lines += ["", f"{heading}:", *(f"- {x}" for x in items)]
    return lines
