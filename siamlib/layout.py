"""One layout per report kind: the ordered sections that every rendering of a report shows.

The notebooks, the PDF (:func:`siamlib.mailrender.render_static_html`) and the email (its key
charts) all follow :data:`LAYOUT`, so a section moves in one place and a test
(tests/unit/test_layout.py) proves the notebooks still agree. The opening (``intro``, and the
board's ``front_page``) and the closing ``provenance`` frame every report and are not listed.

>>> [s.id for s in LAYOUT["board"]][:2]
['league_table', 'level_status_chart']
>>> heading_of("tower", "scorecard_table")
'Scorecard'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One section of a report: ``id`` is the :mod:`siamlib.sections` function that renders it,
    ``heading`` the PDF heading ("" continues the previous heading), ``email`` whether the
    email body shows it as one of the 2-3 key charts."""

    id: str
    heading: str = ""
    email: bool = False

    @property
    def is_chart(self) -> bool:
        """True when the section renders as a chart (PNG in the PDF and email)."""
        return self.id.endswith("_chart")


S = Section
LAYOUT: dict[str, tuple[Section, ...]] = {
    "tower": (
        S("headline", "Headline"),
        S("scorecard_table", "Scorecard"),
        S("fairness_panel", "Fairness"),
        S("score_trend_chart", "Trend", email=True),
        S("level_trend_chart"),
        S("sla_priority_chart", "Service levels by priority", email=True),
        S("clock_table"),
        S("attribution_chart", "Who held the tickets"),
        S("backlog_chart", "Backlog", email=True),
        S("credits_table", "Service credits"),
        S("exclusions_table", "Exclusions"),
        S("causes_section", "Causes"),
        S("equaliser_chart", "Roles and responsibilities"),
        S("scope_lived_table"),
        S("raci_table"),
        S("scope_table", "Scope conformance"),
        S("quality_section", "Data quality"),
        S("definitions", "Definitions"),
    ),
    "integrator": (
        S("headline", "Headline"),
        S("scorecard_table", "Scorecard"),
        S("fairness_panel", "Fairness"),
        S("score_trend_chart", "Trend", email=True),
        S("aged_chart", "Aged tickets", email=True),
        S("handoff_chart", "Collaboration"),
        S("ping_pong_table"),
        S("trends_table", "Problem management"),
        S("improvements_chart", "Continual improvement"),
        S("gaming_chart", "Clock-stop signals", email=True),
        S("watermelon_table", "Watermelon check"),
        S("credits_table", "Service credits"),
        S("equaliser_chart", "Roles and responsibilities"),
        S("scope_lived_table"),
        S("scope_table", "Scope conformance"),
        S("quality_section", "Data quality"),
        S("definitions", "Definitions"),
    ),
    "board": (
        S("league_table", "League table"),
        # A row per measure, a column per supplier: read on a phone (a wide grid, a column
        # per measure, was shrunk unreadable in the email).
        S("level_status_chart", "Service levels", email=True),
        S("credits_chart", "Service credits", email=True),
        S("credits_table"),
        S("fairness_panel", "Fairness"),
        S("quality_scores_table", "Data quality"),
        S("quality_section"),
        S("definitions", "Definitions"),
    ),
}
del S


def section_ids(kind: str) -> list[str]:
    """The ordered section ids of a report kind (``tower``, ``integrator`` or ``board``)."""
    return [s.id for s in LAYOUT[kind]]


def email_charts(kind: str) -> list[str]:
    """The key charts the email body shows, in layout order."""
    return [s.id for s in LAYOUT[kind] if s.email]


def heading_of(kind: str, section_id: str) -> str:
    """The PDF heading of a section ("" when it continues the previous one)."""
    return next(s.heading for s in LAYOUT[kind] if s.id == section_id)
