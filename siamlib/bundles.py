"""Typed report bundles: what each report kind (tower, integrator, board) must carry.

A bundle travels as a plain dict ``{"meta": {...}, "frames": {name: DataFrame}}``: the batch
writes it into the pack (``bundles/<report>/``, Parquet frames plus ``meta.json``), delivery
and the notebooks read it back. This module names, per kind, the frames and meta keys that
dict must hold (:data:`SPECS`), checks a bundle against them (:func:`check`, which
:meth:`siamlib.workbook.Work.bundle` calls on everything it builds) and gives typed access
(:class:`Bundle`, :class:`Headline`). A missing required frame is an error naming the
report kind and the frame, never an empty table in a report.

Frames that are legitimately absent are declared optional: ``quality`` and
``quality_scores`` when the run was not validated, ``changes`` when the pack is not a
re-issue (:mod:`siamlib.reissue`); likewise the meta keys ``dq_score`` and ``reissue``.

>>> b = {"meta": {"role": "board", "report": "board-summary"}, "frames": {}}
>>> try:
...     check(b)
... except BundleError as e:
...     print(str(e).splitlines()[0])
board bundle board-summary: required frame 'league' is missing
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import pandas as pd

KINDS = ("tower", "integrator", "board")

# Meta keys every bundle carries (workbook.compute_period's provenance and the report's id).
COMMON_META = (
    "period",
    "report",
    "role",
    "estate",
    "currency",
    "timezone",
    "supplier_names",
    "data_window",
    "run_at",
    "code_version",
    "inputs_sha256",
    "params_sha256",
)
SUPPLIER_META = (
    *COMMON_META,
    "supplier_id",
    "supplier_name",
    "monthly_charge",
    "at_risk_pct",
    "headline",
)
# meta["headline"] (siamlib.scorecard.headline): the figures a supplier report's tiles show.
HEADLINE_KEYS = (
    "weighted_score",
    "score_rag",
    "scored_points",
    "scored_weight",
    "levels",
    "green",
    "amber",
    "red",
    "grey",
    "levels_rag",
    "net_credits",
    "credits_rag",
)
# meta["board_headline"] (siamlib.scorecard.board_headline): the board's credit figures.
BOARD_HEADLINE_KEYS = ("net_credits", "credits_due", "earn_back_due", "owing", "owed")
BOARD_HEADLINE_KEYS += ("at_risk", "share", "credits_rag", "blocked")
# Also ``waived`` (credits given up under one cause, one credit, never in the credits due):
# not required, so a pack written before it still reads (as nothing waived).
FAIRNESS_FRAMES = ("fairness_waived", "fairness_small", "fairness_routes", "fairness_alerts")
SUPPLIER_FRAMES = (
    "scorecard",
    "trend",
    "score_trend",
    "ledger",
    "causes",
    "values",
    "excluded",
    "raci",
    "equaliser",
    "scope_conformance",
    *FAIRNESS_FRAMES,
    "scope_lived",
)


@dataclass(frozen=True)
class Spec:
    """The frames and meta keys of one report kind: ``frames``/``meta`` must be present,
    ``optional_frames``/``optional_meta`` may be; any other frame is an error."""

    kind: str
    frames: tuple[str, ...]
    meta: tuple[str, ...]
    optional_frames: tuple[str, ...] = ("changes",)
    optional_meta: tuple[str, ...] = ("reissue",)

    def allows(self, frame: str) -> bool:
        return frame in self.frames or frame in self.optional_frames


SPECS: dict[str, Spec] = {
    "tower": Spec(
        "tower",
        (*SUPPLIER_FRAMES, "clocks_summary", "attribution"),
        SUPPLIER_META,
        ("quality", "changes"),
        ("dq_score", "reissue"),
    ),
    "integrator": Spec(
        "integrator",
        (
            *SUPPLIER_FRAMES,
            "aged_trend",
            "handoff_matrix",
            "ping_pong_pairs",
            "paused_share",
            "trend_response",
            "improvements",
            "watermelon",
            "all_values",
        ),
        SUPPLIER_META,
        ("quality", "quality_beside", "changes"),
        ("dq_score", "reissue"),
    ),
    "board": Spec(
        "board",
        (
            "league",
            "cards",
            "ledger",
            "causes",
            "at_risk",
            "drivers",
            "paused_share",
            "watermelon",
            *FAIRNESS_FRAMES,
        ),
        (*COMMON_META, "board_headline"),
        # exclusions and scope_conformance: optional, so a pack written before the front
        # page named them still reads (without them)
        ("quality", "quality_scores", "changes", "exclusions", "scope_conformance"),
    ),
}


class BundleError(ValueError):
    """A bundle does not hold what its report kind requires (the message names both)."""


def kind_of(bundle: Mapping) -> str:
    """``tower``, ``integrator`` or ``board`` from ``meta.role`` (any other role is a tower).

    >>> kind_of({"meta": {"role": "integrator"}}), kind_of({"meta": {"role": "tower"}})
    ('integrator', 'tower')
    """
    role = bundle["meta"].get("role", "tower")
    return role if role in ("integrator", "board") else "tower"


def problems(bundle: Mapping) -> list[str]:
    """Every way ``bundle`` departs from its kind's :class:`Spec` (empty when it conforms)."""
    if not isinstance(bundle, Mapping) or not {"meta", "frames"} <= set(bundle):
        return ["a bundle is a mapping with 'meta' and 'frames'"]
    spec = SPECS[kind_of(bundle)]
    meta, frames = bundle["meta"], bundle["frames"]
    out = [f"required frame {f!r} is missing" for f in spec.frames if f not in frames]
    out += [
        f"frame {f!r} is not a DataFrame ({type(v).__name__})"
        for f, v in frames.items()
        if not isinstance(v, pd.DataFrame)
    ]
    out += [
        f"frame {f!r} is not one of a {spec.kind} bundle's" for f in frames if not spec.allows(f)
    ]
    out += [f"required meta key {k!r} is missing" for k in spec.meta if k not in meta]
    for key, names in (("headline", HEADLINE_KEYS), ("board_headline", BOARD_HEADLINE_KEYS)):
        if key not in spec.meta or key not in meta:
            continue
        have = meta[key]
        if not isinstance(have, Mapping):
            out.append(f"meta {key!r} is not a mapping ({type(have).__name__})")
            continue
        out += [f"headline figure {k!r} is missing" for k in names if k not in have]
    return out


def check(bundle: Mapping) -> Mapping:
    """``bundle`` itself when it holds what its kind requires; else :class:`BundleError`.

    The message starts ``<kind> bundle <report>: `` and lists each problem on its own line.
    """
    found = problems(bundle)
    if found:
        kind = kind_of(bundle) if isinstance(bundle, Mapping) and "meta" in bundle else "?"
        report = bundle["meta"].get("report", "?") if kind != "?" else "?"
        raise BundleError(f"{kind} bundle {report}: " + "\n".join(found))
    return bundle


@dataclass(frozen=True)
class Headline:
    """A supplier report's headline figures (:func:`siamlib.scorecard.headline`), as stored
    in ``meta["headline"]``: the render layer shows them and computes nothing."""

    weighted_score: float = float("nan")
    score_rag: str = "grey"  # the worst level's RAG (siamlib.scorecard.worst_rag)
    scored_points: float = float("nan")  # points of the levels with data
    scored_weight: float = float("nan")  # their weight: the score is points / weight x 100
    levels: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    grey: int = 0
    levels_rag: str = "grey"
    net_credits: float = 0.0
    credits_rag: str = "grey"
    dq_score: float | None = None
    dq_rag: str | None = None
    dq_thresholds: Mapping | None = None

    @classmethod
    def of(cls, meta: Mapping) -> Headline:
        """The headline of a bundle's ``meta`` (a :class:`BundleError` when it has none)."""
        h = meta.get("headline")
        if not isinstance(h, Mapping):
            raise BundleError(
                f"bundle {meta.get('report', '?')}: no headline figures in meta (the bundle "
                "predates them or was built by hand); build it with Work.bundle"
            )
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in h.items() if k in names})


def board_headline(meta: Mapping) -> Mapping:
    """A board bundle's credit figures (:func:`siamlib.scorecard.board_headline`)."""
    h = meta.get("board_headline")
    if not isinstance(h, Mapping):
        raise BundleError(
            f"board bundle {meta.get('report', '?')}: no board_headline figures in meta (the "
            "bundle predates them or was built by hand); build it with Work.bundle"
        )
    return h


@dataclass(frozen=True)
class Bundle:
    """Typed, checked view of a bundle dict: ``Bundle.of(d).frame("scorecard")``.

    :meth:`frame` returns a required frame, an optional one or an empty frame when an
    optional frame is absent, and raises :class:`BundleError` for a name the kind does not
    declare (a typo must not render as an empty table).
    """

    kind: str
    meta: Mapping
    frames: Mapping[str, pd.DataFrame]

    @classmethod
    def of(cls, bundle: Mapping) -> Bundle:
        check(bundle)
        return cls(kind_of(bundle), bundle["meta"], bundle["frames"])

    @property
    def spec(self) -> Spec:
        return SPECS[self.kind]

    @property
    def period(self) -> str:
        return self.meta["period"]

    @property
    def report(self) -> str:
        return self.meta["report"]

    @property
    def headline(self) -> Headline:
        return Headline.of(self.meta)

    def frame(self, name: str) -> pd.DataFrame:
        if not self.spec.allows(name):
            raise BundleError(f"{self.kind} bundle {self.report}: no frame {name!r} in its spec")
        return self.frames.get(name, pd.DataFrame())

    def to_dict(self) -> dict:
        """The transport form (what :func:`siamlib.workbook.save_bundle` writes)."""
        return {"meta": dict(self.meta), "frames": dict(self.frames)}
