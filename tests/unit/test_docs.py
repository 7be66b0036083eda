"""docs/measures.md and docs/data-model.md are generated from the code and kept in sync."""

from siamlib import docs, paths, schema
from siamlib.measures.catalogue import MEASURES


def test_measures_doc_matches_the_catalogue():
    committed = (paths.DOCS_DIR / "measures.md").read_text(encoding="utf-8")
    assert committed == docs.measures_markdown().rstrip("\n") + "\n", (
        "docs/measures.md is stale: run `siam docs`"
    )


def test_data_model_doc_matches_the_schema():
    committed = (paths.DOCS_DIR / "data-model.md").read_text(encoding="utf-8")
    assert committed == schema.render_markdown().rstrip("\n") + "\n", (
        "docs/data-model.md is stale: run `siam docs`"
    )


def test_every_measure_documents_formula_counting_and_edge_cases():
    incomplete = [m.id for m in MEASURES.values() if not (m.formula and m.counted and m.edge_cases)]
    assert incomplete == []


def test_every_measure_names_an_existing_function():
    import importlib

    missing = []
    for m in MEASURES.values():
        module, _, name = m.function.rpartition(".")
        if not hasattr(importlib.import_module(module), name):
            missing.append(m.function)
    assert missing == []


def test_every_documented_table_is_in_the_data_model_doc():
    text = (paths.DOCS_DIR / "data-model.md").read_text(encoding="utf-8")
    for table in schema.TABLES:
        assert f"## `{table}`" in text
