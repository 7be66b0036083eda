"""RACI and "graphic equaliser" tables, and scope conformance of the work actually done.

``params/raci.yaml`` says, per capability of the service lifecycle, which party is Responsible,
Accountable, Consulted or Informed, and how the work is split between parties (the graphic
equaliser). The RACI rules (exactly one A per capability, shares sum to 100, known parties)
are validated in :mod:`siamlib.params`.

Scope conformance
    Each piece of work is mapped to a capability through ``raci.work_mapping`` (``incident``,
    ``request``, ``change``, ``problem``). A *work item* is one (record, party that handled it)
    pair: for tickets the resolver of record (``tickets.supplier_id``) and every supplier that
    held the ticket in ``ticket_events``; for changes and problems their ``supplier_id``. The
    item is *in scope* when the party's RACI letter for that capability contains ``R``
    (``in_scope_letters``), otherwise out of scope. Conformance = in-scope items / work items.
    Items fall in the period of the ticket's ``opened_at`` (changes: ``planned_start``,
    problems: ``opened_at``) in the estate's time zone. Kinds of work missing from
    ``work_mapping`` and events of tickets not in ``tickets`` are left out.

Verdict (:func:`conformance_status`)
    The figure alone misleads where the RACI and the graphic equaliser disagree: a party the
    equaliser contracts a share of a capability's work but the RACI does not make Responsible
    (the integrator, Accountable for incidents, contracted 15 % of them for dispatch) scores
    its contracted work as out of scope. Such items are *not assessable*: there is no
    Responsible scope to conform to. Each supplier gets a ``status``: ``conforms`` (no
    assessable item outside its R scope), ``outside scope`` (a finding: work where it is
    neither Responsible nor contracted a share) or ``not assessable`` (every item lies where
    the two disagree), and a ``reason`` that names the capabilities, letters and shares.

Examples
--------
>>> from siamlib.params import load_params
>>> raci = load_params().raci
>>> t = raci_table(raci)
>>> t.loc[(t["capability"] == "incident-management") & (t["party"] == "integrator"),
...       "letter"].item()
'A'
>>> eq = equaliser(raci)
>>> float(eq.groupby("capability")["share"].sum().min())
100.0
"""

from __future__ import annotations

import pandas as pd

from siamlib import periods, schema
from siamlib.params import Estate, Raci

RACI_COLUMNS = ["capability", "name", "stage", "party", "letter"]
EQUALISER_COLUMNS = [
    "capability",
    "name",
    "stage",
    "party",
    "share",
    "capability_order",
    "party_order",
]
WORK_ITEM_COLUMNS = [
    "kind",
    "record_id",
    "supplier_id",
    "role",
    "capability",
    "letter",
    "in_scope",
    "at",
    "period",
]
CONFORMANCE_COLUMNS = [
    "supplier_id",
    "period",
    "work_items",
    "in_scope",
    "out_of_scope",
    "out_of_scope_share",
    "conformance",
]
STATUS_COLUMNS = [
    *CONFORMANCE_COLUMNS,
    *["outside", "not_assessable", "status", "reason", "plain_reason"],
]
CONFORMS, OUTSIDE, NOT_ASSESSABLE = "conforms", "outside scope", "not assessable"
LETTER_WORDS = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}
# The same letters in plain words, for the board's front page (``plain_reason``).
PLAIN_LETTER_WORDS = {
    "R": "to do the work",
    "A": "to answer for the outcome",
    "C": "to be consulted",
    "I": "to be kept informed",
}


def raci_table(raci: Raci) -> pd.DataFrame:
    """Long RACI table: one row per capability and party (letter ``""`` where none given).

    >>> from siamlib.params import load_params
    >>> raci_table(load_params().raci).columns.tolist()
    ['capability', 'name', 'stage', 'party', 'letter']
    """
    rows = [
        (c.id, c.name, c.stage, party, c.raci.get(party, ""))
        for c in raci.capabilities
        for party in raci.parties
    ]
    return pd.DataFrame(rows, columns=RACI_COLUMNS).astype(dict.fromkeys(RACI_COLUMNS, "str"))


def raci_matrix(raci: Raci) -> pd.DataFrame:
    """Wide RACI matrix for display: capabilities down, parties across, letters inside.

    >>> from siamlib.params import load_params
    >>> m = raci_matrix(load_params().raci)
    >>> m.loc["Incident management", "service-desk"]
    'R'
    """
    t = raci_table(raci)
    wide = t.pivot(index="name", columns="party", values="letter")
    order = [c.name for c in raci.capabilities]
    wide = wide.reindex(index=order, columns=raci.parties)
    wide.columns.name = None
    wide.index.name = "capability"
    return wide


def equaliser(raci: Raci) -> pd.DataFrame:
    """Graphic-equaliser table: how each capability's work is split between parties.

    One row per capability with ``share`` defined and per party (0 where the party has no
    share), ``share`` in per cent summing to 100 per capability; ``capability_order`` and
    ``party_order`` keep the YAML order for the stacked bars. Capabilities without shares are
    left out rather than invented.

    >>> from siamlib.params import load_params
    >>> eq = equaliser(load_params().raci)
    >>> eq.loc[(eq["capability"] == "request-fulfilment") & (eq["share"] > 0),
    ...        ["party", "share"]].values.tolist()
    [['integrator', 10.0], ['service-desk', 40.0], ['euc', 30.0], ['applications', 20.0]]
    """
    rows = [
        (c.id, c.name, c.stage, party, float(c.share.get(party, 0.0)), ci, pi)
        for ci, c in enumerate(raci.capabilities)
        if c.share
        for pi, party in enumerate(raci.parties)
    ]
    out = pd.DataFrame(rows, columns=EQUALISER_COLUMNS)
    return out.astype({"capability": "str", "name": "str", "stage": "str", "party": "str"})


def _frame(df: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    if df is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"scope_conformance: missing columns {', '.join(missing)}")
    return df[columns]


def _opened_in(df: pd.DataFrame | None, column: str, bounds) -> pd.DataFrame | None:
    """The rows of ``df`` whose ``column`` falls within ``bounds`` (start, end)."""
    if df is None or column not in df.columns:
        return df
    at = pd.to_datetime(df[column], utc=True)
    return df[(at >= bounds[0]) & (at < bounds[1])]


def _ticket_items(tickets: pd.DataFrame | None, events: pd.DataFrame | None) -> pd.DataFrame:
    t = _frame(tickets, ["ticket_id", "ticket_type", "supplier_id", "opened_at"])
    e = _frame(events, ["ticket_id", "supplier_id"])
    resolvers = pd.DataFrame(
        {
            "kind": t["ticket_type"],
            "record_id": t["ticket_id"],
            "supplier_id": t["supplier_id"],
            "role": "resolver",
            "at": t["opened_at"],
        }
    )
    held = e.dropna(subset=["supplier_id"]).drop_duplicates(["ticket_id", "supplier_id"])
    held = held.merge(t[["ticket_id", "ticket_type", "opened_at"]], on="ticket_id", how="inner")
    holders = pd.DataFrame(
        {
            "kind": held["ticket_type"],
            "record_id": held["ticket_id"],
            "supplier_id": held["supplier_id"],
            "role": "holder",
            "at": held["opened_at"],
        }
    )
    both = pd.concat([resolvers, holders], ignore_index=True)
    # The resolver also held the ticket: count the pair once, as resolver.
    return both.drop_duplicates(["kind", "record_id", "supplier_id"], keep="first")


def scope_conformance_items(
    tickets: pd.DataFrame | None,
    events: pd.DataFrame | None,
    changes: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    raci: Raci,
    estate: Estate,
    *,
    period: str | None = None,
    in_scope_letters: str = "R",
) -> pd.DataFrame:
    """Every work item with its capability, the handling party's RACI letter and in/out scope.

    The evidence rows behind :func:`scope_conformance` (``WORK_ITEM_COLUMNS``); filter
    ``~in_scope`` for the out-of-scope list. Any of the four frames may be ``None``.

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> p = load_params()
    >>> tickets = pd.DataFrame({"ticket_id": ["T1"], "ticket_type": ["incident"],
    ...     "supplier_id": ["euc"], "opened_at": pd.to_datetime(["2026-03-02T09:00Z"])})
    >>> events = pd.DataFrame({"ticket_id": ["T1", "T1"], "supplier_id": ["integrator", "euc"]})
    >>> items = scope_conformance_items(tickets, events, None, None, p.raci, p.estate)
    >>> items[["supplier_id", "role", "letter", "in_scope"]].values.tolist()
    [['euc', 'resolver', 'R', True], ['integrator', 'holder', 'A', False]]
    """
    if period is not None:
        # Every item is dated by its record (a ticket's holders by the ticket's opening), so
        # the period's records alone give the period's items: no pass over the whole log.
        bounds = periods.period_bounds(periods.check_period(period), estate.timezone)
        tickets = _opened_in(tickets, "opened_at", bounds)
        changes = _opened_in(changes, "planned_start", bounds)
        problems = _opened_in(problems, "opened_at", bounds)
        if events is not None and tickets is not None and "ticket_id" in events.columns:
            events = schema.of_tickets(events, tickets)
    c = _frame(changes, ["change_id", "supplier_id", "planned_start"])
    p = _frame(problems, ["problem_id", "supplier_id", "opened_at"])
    items = pd.concat(
        [
            _ticket_items(tickets, events),
            pd.DataFrame(
                {
                    "kind": "change",
                    "record_id": c["change_id"],
                    "supplier_id": c["supplier_id"],
                    "role": "implementer",
                    "at": c["planned_start"],
                }
            ),
            pd.DataFrame(
                {
                    "kind": "problem",
                    "record_id": p["problem_id"],
                    "supplier_id": p["supplier_id"],
                    "role": "owner",
                    "at": p["opened_at"],
                }
            ),
        ],
        ignore_index=True,
    )
    items = items.astype({"kind": "str", "record_id": "str", "supplier_id": "str", "role": "str"})
    items["capability"] = items["kind"].map(raci.work_mapping)
    items = items.dropna(subset=["capability", "supplier_id"])
    letters = raci_table(raci)[["capability", "party", "letter"]].rename(
        columns={"party": "supplier_id"}
    )
    items = items.merge(letters, on=["capability", "supplier_id"], how="left")
    items["letter"] = items["letter"].fillna("").astype("str")
    pattern = "[" + "".join(sorted(set(in_scope_letters))) + "]"
    items["in_scope"] = items["letter"].str.contains(pattern, regex=True)
    at = pd.to_datetime(items["at"], utc=True).astype("datetime64[us, UTC]")
    items["at"] = at
    items["period"] = periods.period_of(at, estate.timezone).astype("str")
    if period is not None:
        items = items[items["period"] == periods.check_period(period)]
    items = items[WORK_ITEM_COLUMNS].astype({"capability": "str", "in_scope": "bool"})
    return items.sort_values(["kind", "record_id", "supplier_id"]).reset_index(drop=True)


def scope_conformance(
    tickets: pd.DataFrame | None,
    events: pd.DataFrame | None,
    changes: pd.DataFrame | None,
    problems: pd.DataFrame | None,
    raci: Raci,
    estate: Estate,
    *,
    period: str | None = None,
    in_scope_letters: str = "R",
) -> pd.DataFrame:
    """Work handled outside each party's Responsible scope: counts and shares per supplier.

    One row per supplier and period with work (``CONFORMANCE_COLUMNS``): ``work_items``,
    ``in_scope``, ``out_of_scope``, ``out_of_scope_share`` and ``conformance``
    (``in_scope / work_items``, a fraction; the catalogue's ``scope_conformance`` measure).
    ``period`` restricts to one ``YYYY-MM``. The rows behind it come from
    :func:`scope_conformance_items`. With the default letters, the integrator holding
    incidents in its dispatch queue counts as out of scope (it is A, not R, for incidents);
    pass ``in_scope_letters="RA"`` to accept the accountable party's handling too.

    >>> import pandas as pd
    >>> from siamlib.params import load_params
    >>> p = load_params()
    >>> changes = pd.DataFrame({"change_id": ["C1", "C2"], "supplier_id": ["hosting", "hosting"],
    ...     "planned_start": pd.to_datetime(["2026-03-02T09:00Z", "2026-03-09T09:00Z"])})
    >>> problems = pd.DataFrame({"problem_id": ["P1"], "supplier_id": ["service-desk"],
    ...     "opened_at": pd.to_datetime(["2026-03-03T09:00Z"])})
    >>> s = scope_conformance(None, None, changes, problems, p.raci, p.estate)
    >>> s[["supplier_id", "work_items", "out_of_scope", "conformance"]].values.tolist()
    [['hosting', 2, 0, 1.0], ['service-desk', 1, 1, 0.0]]
    """
    items = scope_conformance_items(
        tickets,
        events,
        changes,
        problems,
        raci,
        estate,
        period=period,
        in_scope_letters=in_scope_letters,
    )
    return conformance_summary(items)


def conformance_summary(items: pd.DataFrame) -> pd.DataFrame:
    """Per supplier and period, the counts and shares of :func:`scope_conformance` from its
    work items (``WORK_ITEM_COLUMNS``), e.g. items already cut to one supplier.

    >>> import pandas as pd
    >>> items = pd.DataFrame({"supplier_id": ["euc"] * 4, "period": ["2026-03"] * 4,
    ...     "in_scope": [True, True, True, False]})
    >>> conformance_summary(items)[["work_items", "out_of_scope", "conformance"]]
       work_items  out_of_scope  conformance
    0           4             1         0.75
    """
    summary = (
        items.groupby(["supplier_id", "period"], sort=True)["in_scope"]
        .agg(work_items="size", in_scope="sum")
        .reset_index()
    )
    summary["work_items"] = summary["work_items"].astype("int64")
    summary["in_scope"] = summary["in_scope"].astype("int64")
    summary["out_of_scope"] = summary["work_items"] - summary["in_scope"]
    summary["out_of_scope_share"] = summary["out_of_scope"] / summary["work_items"]
    summary["conformance"] = summary["in_scope"] / summary["work_items"]
    return summary[CONFORMANCE_COLUMNS]


def scope_conformance_values(summary: pd.DataFrame) -> pd.DataFrame:
    """The ``scope_conformance`` measure in the measure-values long table layout.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"supplier_id": ["euc"], "period": ["2026-03"], "work_items": [4],
    ...     "in_scope": [3], "out_of_scope": [1], "out_of_scope_share": [0.25],
    ...     "conformance": [0.75]})
    >>> scope_conformance_values(s)[["measure", "value", "numerator"]].values.tolist()
    [['scope_conformance', 0.75, 3.0]]
    """
    return pd.DataFrame(
        {
            "supplier_id": summary["supplier_id"].astype("str"),
            "period": summary["period"].astype("str"),
            "measure": "scope_conformance",
            "scope": "",
            "value": summary["conformance"].astype(float),
            "numerator": summary["in_scope"].astype(float),
            "denominator": summary["work_items"].astype(float),
        }
    ).reset_index(drop=True)


def _letter_words(letter: str) -> str:
    """``Accountable (A)``; ``given no RACI letter`` for a party the RACI does not name."""
    said = " and ".join(LETTER_WORDS.get(x, x) for x in letter)
    return f"{said} ({letter})" if letter else "given no RACI letter"


def conformance_status(items: pd.DataFrame, raci: Raci) -> pd.DataFrame:
    """:func:`conformance_summary` with a verdict per supplier: what the figure means.

    An out-of-scope item is *outside* when the party has neither R nor a contracted share
    (``share`` in ``raci.yaml``) of the capability, and *not assessable* when the equaliser
    contracts it a share the RACI gives no R for (see the module docstring).

    Parameters
    ----------
    items : DataFrame
        Work items (``WORK_ITEM_COLUMNS``) of :func:`scope_conformance_items`.
    raci : Raci
        The RACI: capability names and the equaliser's shares.

    Returns
    -------
    DataFrame
        ``STATUS_COLUMNS``: the summary's, ``outside`` and ``not_assessable`` (item counts),
        ``status`` (:data:`CONFORMS`, :data:`OUTSIDE` or :data:`NOT_ASSESSABLE`),
        ``reason`` (a clause about the supplier, "its ...", in RACI terms: the integrator
        report names it) and ``plain_reason`` (the same clause without RACI jargon: the
        board's front page).

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> raci = load_params().raci
    >>> items = pd.DataFrame({"supplier_id": ["integrator"] * 2 + ["hosting"] * 4,
    ...     "period": "2026-10", "capability": ["incident-management"] * 2
    ...     + ["incident-management"] * 3 + ["request-fulfilment"],
    ...     "letter": ["A", "A", "R", "R", "R", "C"], "in_scope": [False] * 2 + [True] * 3
    ...     + [False]})
    >>> s = conformance_status(items, raci).set_index("supplier_id")
    >>> s.loc["hosting", "status"], s.loc["integrator", "status"]
    ('outside scope', 'not assessable')
    >>> print(s.loc["hosting", "reason"])
    1 of its 4 work items (25%) outside its Responsible scope in Request fulfilment, where it \
is Consulted (C) and contracted no share of the work
    >>> print(s.loc["integrator", "reason"])
    its 2 work items lie where the RACI and the graphic equaliser disagree in Incident \
management, where it is Accountable (A), not Responsible, yet contracted 15% of the work; \
there is no Responsible scope to conform to (align the two to assess it)
    >>> print(s.loc["integrator", "plain_reason"])
    its 2 work items cannot be judged: its contract's responsibility chart and its agreed share \
of the work disagree in Incident management, where the chart has it to answer for the outcome, \
not to do the work, yet it is agreed 15% of the work (align the two to judge it)
    """
    summary = conformance_summary(items)
    caps = {c.id: c for c in raci.capabilities}
    shares = {(c.id, party): float(v) for c in raci.capabilities for party, v in c.share.items()}
    keys = zip(items["capability"], items["supplier_id"], strict=True)
    share = pd.Series([shares.get(k, 0.0) for k in keys], index=items.index, dtype="float64")
    out_items = items.assign(share=share)[~items["in_scope"].astype(bool)]
    rows = []
    for _, r in summary.iterrows():
        mine = out_items[
            out_items["supplier_id"].eq(r["supplier_id"]) & out_items["period"].eq(r["period"])
        ]
        outside, unclear = mine[mine["share"].le(0)], mine[mine["share"].gt(0)]
        rows.append(
            {
                **r.to_dict(),
                "outside": len(outside),
                "not_assessable": len(unclear),
                **_verdict(int(r["work_items"]), outside, unclear, caps),
            }
        )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in STATUS_COLUMNS})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _plain_letter(letter: str) -> str:
    """``to answer for the outcome``; ``given no part`` for a party the chart does not name."""
    said = " and ".join(PLAIN_LETTER_WORDS.get(x, x) for x in letter)
    return said or "given no part"


def _where(items: pd.DataFrame, caps: dict, contracted: bool, plain: bool = False) -> str:
    """Where out-of-scope items lie: `` in Request fulfilment, where it is Consulted (C) and
    contracted no share of the work``; with several capabilities, ``: 50 in ...; 29 in ...``.
    ``plain``: the same without RACI terms (the board's wording)."""
    parts = []
    groups = items.groupby(["capability", "letter"], sort=True).size()
    for (cap, letter), n in groups.items():
        c = caps.get(cap)
        name = c.name if c is not None else cap
        pct = float(items.loc[items["capability"] == cap, "share"].iloc[0]) if contracted else 0
        if plain and contracted:
            what = (
                f"where the chart has it {_plain_letter(letter)}, not to do the work, yet it is "
                f"agreed {pct:g}% of the work"
            )
        elif plain:
            what = f"where the chart has it {_plain_letter(letter)} and it is agreed no share"
        elif contracted:
            what = (
                f"where it is {_letter_words(letter)}, not Responsible, yet contracted "
                f"{pct:g}% of the work"
            )
        else:
            what = f"where it is {_letter_words(letter)} and contracted no share of the work"
        parts.append(f"{n:,} in {name}, {what}")
    if len(parts) == 1:
        return " " + parts[0].split(" ", 1)[1]  # one capability: its count is the total
    return ": " + "; ".join(parts)


def _verdict(work: int, outside: pd.DataFrame, unclear: pd.DataFrame, caps: dict) -> dict:
    """The status, reason and plain reason of one supplier's conformance
    (:func:`conformance_status`)."""
    plural = "s" * (work != 1)
    unsure = f"; {len(unclear):,} more not assessable{_where(unclear, caps, True)}"
    unsure = unsure if len(unclear) else ""
    plain_unsure = f"; {len(unclear):,} more cannot be judged{_where(unclear, caps, True, True)}"
    plain_unsure = plain_unsure if len(unclear) else ""
    if len(outside):
        pct = f"{len(outside) / work * 100:.1f}".removesuffix(".0")
        head = f"{len(outside):,} of its {work:,} work item{plural} ({pct}%) outside"
        return {
            "status": OUTSIDE,
            "reason": f"{head} its Responsible scope{_where(outside, caps, False)}{unsure}",
            "plain_reason": f"{head} the work its contract makes it responsible for"
            f"{_where(outside, caps, False, True)}{plain_unsure}",
        }
    if len(unclear) == work:
        return {
            "status": NOT_ASSESSABLE,
            "reason": f"its {work:,} work item{plural} {'lie' if plural else 'lies'} where the "
            f"RACI and the graphic equaliser disagree{_where(unclear, caps, True)}; there is "
            "no Responsible scope to conform to (align the two to assess it)",
            "plain_reason": f"its {work:,} work item{plural} cannot be judged: its contract's "
            "responsibility chart and its agreed share of the work disagree"
            f"{_where(unclear, caps, True, True)} (align the two to judge it)",
        }
    judged = work - len(unclear)
    which = "assessable " if len(unclear) else ""
    items = f"all {judged:,} {which}work item{'s' * (judged != 1)}"
    return {
        "status": CONFORMS,
        "reason": f"{items} inside its Responsible scope{unsure}",
        "plain_reason": f"{items} inside the work its contract makes it responsible for"
        f"{plain_unsure}",
    }
