"""Generated documentation: the data model and the measure catalogue, from the code.

A measure has one definition: its :mod:`siamlib.measures.catalogue` entry. ``docs/measures.md``
and ``docs/data-model.md`` are rendered from the code by ``siam docs`` and a test fails when the
committed files differ, so code and docs cannot drift apart.

>>> "## Tower measures" in measures_markdown()
True
"""

from __future__ import annotations

from pathlib import Path

from siamlib import io, paths, schema
from siamlib.measures.catalogue import MEASURES

FAMILIES = {
    "clock": "Per-ticket clocks",
    "tower": "Tower measures",
    "integrator": "Integrator measures",
    "both": "Measures for every supplier",
    "scorecard": "Scorecards and money",
}


def measures_markdown() -> str:
    """Render the measure catalogue as Markdown (the body of ``docs/measures.md``)."""
    lines = [
        "# Measure catalogue",
        "",
        "Generated from `siamlib/measures/catalogue.py` (entries in `catalogue_tower.py`, "
        "`catalogue_integrator.py`, `catalogue_derived.py`) by `siam docs`; do not edit by hand (a "
        "test checks this file matches the code). Each entry names the function computing the "
        "measure; its hand-computed tests are in `tests/unit/test_<module>.py`.",
        "",
        "Rates are computed as fractions in [0, 1] and shown in per cent; contract levels in "
        "`params/contracts/*.yaml` are written in the shown unit. *Direction* says whether a "
        "higher or a lower value is better.",
        "",
    ]
    for family, heading in FAMILIES.items():
        items = [m for m in MEASURES.values() if m.family == family]
        if not items:
            continue
        lines += [f"## {heading}", ""]
        for m in items:
            lines += [
                f"### `{m.id}`: {m.name}",
                "",
                m.definition,
                "",
                f"- **Formula:** {m.formula or 'see definition'}",
                f"- **Unit:** {m.unit}; **direction:** {m.direction} is better",
                f"- **Counted:** {m.counted or 'see definition'}",
                f"- **Edge cases:** {m.edge_cases or 'none beyond the definition'}",
                f"- **Code:** `{m.function}`",
                "- **Source tables:** "
                + (
                    ", ".join(f"`{t}`" for t in m.sources)
                    + " (a level is grey, with a note, when one is absent from the dataset)"
                    if m.sources
                    else "none (derived from other figures)"
                ),
                "",
            ]
    return "\n".join(lines)


def write_docs(folder: Path | str | None = None) -> list[Path]:
    """Write ``data-model.md`` and ``measures.md`` into ``folder`` (default ``docs/``)."""
    folder = Path(folder) if folder else paths.DOCS_DIR
    out = []
    for name, text in (
        ("data-model.md", schema.render_markdown()),
        ("measures.md", measures_markdown()),
    ):
        io.write_text_atomic(folder / name, text.rstrip("\n") + "\n")
        out.append(folder / name)
    return out
