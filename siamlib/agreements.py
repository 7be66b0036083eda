"""Agreed exclusions and upheld disputes checked against the data before any figure.

An agreement names a ticket by its id, and ids are matched exactly (an exclusion takes out
exactly the ticket it names). An entry whose id is in the data only in another letter case,
with spaces or with characters that do not show would silently exclude nothing, so the agreed
money would not follow: :func:`misnamed_exclusions` finds those, and the run stops naming
them. So is an id matching no ticket that holds a character outside ASCII (a Cyrillic
``І`` for the Latin ``I`` looks the same and folds to nothing else): the run stops naming the
entry and the character. Otherwise, an id matching no ticket at all is no such sign (the
ticket may be older than the data): a pure-ASCII id with a wrong digit changes no figure.
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
    disputes: dict[str, str] = {}
    for d in params.disputes.disputes:  # the first upheld dispute per ticket, as
        if d.status == "upheld":  # params.upheld_exclusions turns them into exclusions
            disputes.setdefault(d.ticket_id, d.id)
    out = []
    # The file's entries come first in params.exclusions (upheld disputes follow), so an
    # entry's position is its index in exclusions.yaml.
    for i, e in enumerate(params.exclusions.exclusions):
        if e.ticket_id not in missing or (e.ticket_id not in near and e.ticket_id.isascii()):
            continue
        from_dispute = e.reason.startswith(f"Dispute {disputes.get(e.ticket_id)} upheld")
        where = (
            f"disputes.yaml: dispute {disputes[e.ticket_id]} ticket_id"
            if from_dispute
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
