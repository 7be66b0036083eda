"""Agreed exclusions and upheld disputes checked against the data before any figure.

An agreement names a ticket by its id, and ids are matched exactly (an exclusion takes out
exactly the ticket it names). An entry whose id is in the data only in another letter case,
with spaces or with characters that do not show would silently exclude nothing, so the agreed
money would not follow: :func:`misnamed_exclusions` finds those, and the run stops naming
them. So is an id matching no ticket that holds a character outside ASCII (a Cyrillic
``І`` for the Latin ``I`` looks the same and folds to nothing else): the run stops naming the
entry and the character. Otherwise, an id matching no ticket at all is no such sign (the
ticket may be older than the data): a pure-ASCII id with a wrong digit changes no figure.

An agreement cannot come before the ticket it names: :func:`approved_before_opened` finds the
exclusions approved (and upheld disputes decided) on a day before their ticket was opened, in
the estate's time zone; such an id names another ticket than the one agreed (INC0012121 for
INC0012112, say), and the run stops naming the entry, the ticket and both dates.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from siamlib.common import fold_text


def _foreign(ticket_id: str) -> str:
    """The characters of an id outside ASCII, by code point and name.

    >>> _foreign("\u0406NC1\u200b")
    'U+0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I, U+200B ZERO WIDTH SPACE'
    """
    chars = dict.fromkeys(c for c in ticket_id if not c.isascii())
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '(unnamed)')}" for c in chars)


def _upheld_by(params) -> dict[str, str]:
    """Ticket id -> the id of the first upheld dispute on it, the one
    :func:`siamlib.params.upheld_exclusions` turns into its exclusion."""
    disputes: dict[str, str] = {}
    for d in params.disputes.disputes:
        if d.status == "upheld":
            disputes.setdefault(d.ticket_id, d.id)
    return disputes


def _from_dispute(e, disputes: dict[str, str]) -> str | None:
    """The dispute an exclusion stands for, or ``None`` for an entry of exclusions.yaml."""
    did = disputes.get(e.ticket_id)
    return did if did is not None and e.reason.startswith(f"Dispute {did} upheld") else None


def misnamed_exclusions(ticket_ids: pd.Series, params) -> list[str]:
    """Agreed exclusions and upheld disputes whose ticket id is in the data only in another
    letter case, with spaces or with characters that do not show (a zero-width space, a
    full-width letter), or that match no ticket and hold a character outside ASCII (a
    Cyrillic ``І`` for ``I``): one message each, naming the file and the entry.

    Such an entry would silently exclude nothing, so the agreed money would not follow (a
    plain-ASCII id matching no ticket at all is no such sign: the ticket may be older than
    the data).

    >>> from siamlib.params import load_params
    >>> p = load_params()  # exclusions.yaml excludes INC0000042 and INC0000777
    >>> misnamed_exclusions(pd.Series(["inc0000042", "INC0000777"]), p)  # doctest: +ELLIPSIS
    ["exclusions.yaml: exclusions[0].ticket_id 'INC0000042' matches no ticket; the data has \
'inc0000042' (ticket ids are matched exactly): correct the id"]
    """
    agreed = {e.ticket_id for e in params.exclusions.exclusions}
    ids = ticket_ids.dropna().astype("str")
    missing = agreed - set(ids[ids.isin(list(agreed))])
    if not missing:
        return []
    missing_ids = pd.Series(sorted(missing), dtype="str")
    folded = dict(zip(fold_text(missing_ids, spaces=""), missing_ids, strict=True))
    data_folded = fold_text(ids, spaces="")
    hit = data_folded.isin(list(folded))
    near = {folded[f]: h for f, h in zip(data_folded[hit], ids[hit], strict=True)}
    disputes = _upheld_by(params)
    out = []
    # The file's entries come first in params.exclusions (upheld disputes follow), so an
    # entry's position is its index in exclusions.yaml.
    for i, e in enumerate(params.exclusions.exclusions):
        if e.ticket_id not in missing or (e.ticket_id not in near and e.ticket_id.isascii()):
            continue
        dispute = _from_dispute(e, disputes)
        where = (
            f"disputes.yaml: dispute {dispute} ticket_id"
            if dispute
            else f"exclusions.yaml: exclusions[{i}].ticket_id"
        )
        if e.ticket_id in near:
            out.append(
                f"{where} {e.ticket_id!r} matches no ticket; the data has "
                f"{near[e.ticket_id]!r} (ticket ids are matched exactly): correct the id"
            )
        else:
            out.append(
                f"{where} {e.ticket_id!r} holds {_foreign(e.ticket_id)} (not ASCII) and no "
                "ticket has that id: retype the id in plain letters and digits"
            )
    return out


def approved_before_opened(tickets: pd.DataFrame, params) -> list[str]:
    """Agreed exclusions and upheld disputes approved before their ticket was opened: one
    message each, naming the file, the entry, the ticket and both dates.

    An agreement cannot come before its ticket, so such an id names another ticket than the
    one agreed (probe: an exclusion approved on 2026-10-20 for a ticket opened on 2026-10-27
    took a level from amber to grey). The opening day is the local day in the estate's time
    zone (``estate.timezone``), the day an approver would write; an approval on that day is
    accepted. Ids matching no ticket, and tickets without an opening time, are not compared.

    Parameters
    ----------
    tickets : pandas.DataFrame
        The ticket table (``ticket_id``, ``opened_at``).
    params : siamlib.params.Params
        Its ``exclusions`` hold the upheld disputes too (``siamlib.params.load_params``).

    Returns
    -------
    list of str
        The messages, in the order of ``params.exclusions`` (exclusions.yaml first).

    Examples
    --------
    >>> from siamlib.params import load_params
    >>> p = load_params()  # INC0000777 excluded, approved on 2026-10-20
    >>> t = pd.DataFrame({"ticket_id": ["INC0000777"],
    ...                   "opened_at": pd.to_datetime(["2026-10-27 08:23Z"])})
    >>> approved_before_opened(t, p)  # doctest: +ELLIPSIS
    ['exclusions.yaml: exclusions[1] (ticket INC0000777) was approved on 2026-10-20, before \
the ticket was opened on 2026-10-27 (tickets.opened_at): ...']
    """
    agreed = {e.ticket_id for e in params.exclusions.exclusions}
    if not agreed or not {"ticket_id", "opened_at"} <= set(tickets.columns):
        return []
    ids = tickets["ticket_id"].astype("str")
    hit = tickets[ids.isin(list(agreed))]
    if hit.empty:
        return []
    opened = pd.to_datetime(hit["opened_at"], utc=True, errors="coerce")
    local = opened.dt.tz_convert(params.estate.timezone).dt.date
    # a ticket id twice in the data (the gate blocks it): its earliest opening counts
    first = local.groupby(hit["ticket_id"].astype("str").to_numpy()).min().dropna().to_dict()
    disputes = _upheld_by(params)
    out = []
    for i, e in enumerate(params.exclusions.exclusions):
        opened_on = first.get(e.ticket_id)
        if opened_on is None or e.approved_on >= opened_on:
            continue
        dispute = _from_dispute(e, disputes)
        where = (
            f"disputes.yaml: dispute {dispute} (ticket {e.ticket_id}) was upheld"
            if dispute
            else f"exclusions.yaml: exclusions[{i}] (ticket {e.ticket_id}) was approved"
        )
        out.append(
            f"{where} on {e.approved_on}, before the ticket was opened on {opened_on} "
            "(tickets.opened_at): an agreement cannot come before its ticket; check the "
            "ticket id (a mistyped id excludes another ticket) and the date"
        )
    return out
