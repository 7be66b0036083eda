"""Agreed exclusions and upheld disputes checked against the data before any figure.

An agreement names a ticket by its id, and ids are matched exactly (an exclusion takes out
exactly the ticket it names). An entry whose id is in the data only in another letter case,
with spaces or with characters that do not show would silently exclude nothing, so the agreed
money would not follow: :func:`misnamed_exclusions` finds those, and the run stops naming
them. An id matching no ticket at all is no such sign (the ticket may be older than the data).
"""

from __future__ import annotations

import pandas as pd

# Characters that do not show: whitespace, controls, and Unicode format characters
# (zero-width spaces and joiners, bidi marks, the BOM, the soft hyphen, invisible operators).
_UNSEEN = (
    r"[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def _fold(ids: pd.Series) -> pd.Series:
    """An id as a reader sees it: NFKC (full-width letters as ASCII), characters that do not
    show removed, letter case folded."""
    return ids.str.normalize("NFKC").str.replace(_UNSEEN, "", regex=True).str.casefold()


def misnamed_exclusions(ticket_ids: pd.Series, params) -> list[str]:
    """Agreed exclusions and upheld disputes whose ticket id is in the data only in another
    letter case, with spaces or with characters that do not show (a zero-width space, a
    full-width letter): one message each, naming the file and the entry.

    Such an entry would silently exclude nothing, so the agreed money would not follow (an
    id matching no ticket at all is no such sign: the ticket may be older than the data).

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
    folded = dict(zip(_fold(missing_ids), missing_ids, strict=True))
    data_folded = _fold(ids)
    hit = data_folded.isin(list(folded))
    near = {folded[f]: h for f, h in zip(data_folded[hit], ids[hit], strict=True)}
    disputes = {d.ticket_id: d.id for d in params.disputes.disputes if d.status == "upheld"}
    out = []
    # The file's entries come first in params.exclusions (upheld disputes follow), so an
    # entry's position is its index in exclusions.yaml.
    for i, e in enumerate(params.exclusions.exclusions):
        if e.ticket_id not in near:
            continue
        from_dispute = e.reason.startswith(f"Dispute {disputes.get(e.ticket_id)} upheld")
        where = (
            f"disputes.yaml: dispute {disputes[e.ticket_id]} ticket_id"
            if from_dispute
            else f"exclusions.yaml: exclusions[{i}].ticket_id"
        )
        out.append(
            f"{where} {e.ticket_id!r} matches no ticket; the data has {near[e.ticket_id]!r} "
            "(ticket ids are matched exactly): correct the id"
        )
    return out
