"""The disputes register, ``params/disputes.yaml``: figures a supplier contests, and the verdict.

Each dispute names one ticket, who raised it and why, and its status: ``open``, ``upheld`` or
``rejected``. A decided dispute (upheld or rejected) says when and by whom; an open one says
neither. An **upheld** dispute acts as an agreed exclusion: :func:`upheld_exclusions` turns it
into an :class:`~siamlib.params.Exclusion` that :func:`siamlib.params.load_params` adds to
``Params.exclusions``, so the ticket leaves every measure, level, credit and evidence row the
same way an exclusion does, and is listed in the exclusions evidence with the dispute's reason.
Open and rejected disputes change no figure. The file is optional (absent: no disputes).
One ticket upheld in one dispute and rejected in another is refused (the verdicts contradict
each other, and neither date nor order in the file decides which stands): keep one.

>>> import datetime as dt
>>> d = Disputes(disputes=[Dispute(id="D-1", ticket_id="INC1", raised_by="Summit Hosting",
...     reason="Clock ran while the site was closed", status="upheld",
...     decided_on=dt.date(2026, 11, 12), decided_by="J. Okafor")])
>>> [(e.ticket_id, e.approver) for e in upheld_exclusions(d)]
[('INC1', 'J. Okafor')]
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from siamlib.params.base import _Strict, first_repeat


class Dispute(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    ticket_id: str = Field(min_length=1)
    raised_by: str = Field(min_length=2)
    reason: str = Field(min_length=3)
    status: Literal["open", "upheld", "rejected"]
    decided_on: dt.date | None = None
    decided_by: str | None = Field(default=None, min_length=2)

    @field_validator("ticket_id")
    @classmethod
    def _bare(cls, v: str) -> str:
        if v != v.strip():
            raise ValueError(f"{v!r} has spaces around it; write the ticket id alone")
        return v

    @model_validator(mode="after")
    def _decision(self):
        decided = self.decided_on is not None or self.decided_by is not None
        if self.status == "open" and decided:
            raise ValueError(
                "status: an open dispute has no decided_on/decided_by; set status to upheld "
                "or rejected, or remove them"
            )
        if self.status != "open" and (self.decided_on is None or self.decided_by is None):
            raise ValueError(
                f"status: a {self.status} dispute needs decided_on (YYYY-MM-DD) and decided_by"
            )
        return self


class Disputes(_Strict):
    disputes: list[Dispute] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self):
        if rep := first_repeat(d.id for d in self.disputes):
            i, j, did = rep
            raise ValueError(
                f"disputes[{i}] and disputes[{j}] share the id {did!r}; "
                "give each dispute its own id"
            )
        decided: dict[tuple[str, str], tuple[int, str]] = {}
        for i, d in enumerate(self.disputes):
            if d.status == "open":
                continue
            decided.setdefault((d.ticket_id, d.status), (i, d.id))
            other = "rejected" if d.status == "upheld" else "upheld"
            if (d.ticket_id, other) in decided:
                j, jid = decided[(d.ticket_id, other)]
                raise ValueError(
                    f"disputes[{j}] ({jid}, {other}) and disputes[{i}] ({d.id}, {d.status}) "
                    f"decide ticket {d.ticket_id!r} both ways; keep the decision that stands"
                )
        return self


def upheld_exclusions(disputes: Disputes):
    """Exclusions standing for the upheld disputes (first upheld dispute per ticket).

    >>> upheld_exclusions(Disputes())
    []
    """
    from siamlib.params import Exclusion

    out, seen = [], set()
    for d in disputes.disputes:
        if d.status != "upheld" or d.ticket_id in seen:
            continue
        seen.add(d.ticket_id)
        out.append(
            Exclusion(
                ticket_id=d.ticket_id,
                reason=f"Dispute {d.id} upheld (raised by {d.raised_by}): {d.reason}",
                approver=d.decided_by,
                approved_on=d.decided_on,
            )
        )
    return out
