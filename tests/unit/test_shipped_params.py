"""The shipped ``params/`` folder: it loads, is valid, and its example files still fit it.

The only unit tests that read the live ``params/`` (users edit it for their own estate; every
other unit test reads ``tests/fixtures/params/``). They check validity and shape, never
figures, so an edited estate that still loads keeps them green.
"""

from __future__ import annotations

from siamlib import paths
from siamlib.importers.eventlog import load_estate
from siamlib.importers.mapping import MAPPINGS_DIR, check_against_estate, load_mapping
from siamlib.importers.returns import template_path
from siamlib.params import load_params


def test_the_shipped_params_load_with_one_contract_per_supplier_and_one_integrator():
    p = load_params(paths.PARAMS_DIR)
    assert sorted(p.contracts) == sorted(s.id for s in p.estate.suppliers)
    assert sum(s.role == "integrator" for s in p.estate.suppliers) == 1


def test_every_shipped_draft_loads_like_a_params_folder():
    drafts = sorted(d for d in (paths.PARAMS_DIR / "drafts").iterdir() if d.is_dir())
    assert drafts  # the what-if example ships with the project
    for draft in drafts:
        assert load_params(draft).contracts


def test_every_shipped_mapping_is_valid_against_the_project_estate():
    estate = load_estate()
    files = sorted(MAPPINGS_DIR.glob("*.yaml"))
    assert {p.name for p in files} >= {"servicenow.yaml", "bpi2013_volvo_example.yaml"}
    for path in files:
        check_against_estate(load_mapping(path), estate, where=path.name)


def test_mappings_and_templates_live_under_params():
    assert MAPPINGS_DIR == paths.PARAMS_DIR / "mappings"
    assert template_path("surveys").parent == paths.PARAMS_DIR / "templates"


def test_the_example_draft_is_the_shipped_params_with_only_scoring_changes_to_hosting():
    # A draft folder is a whole copy of params: when params gain a key the example must too,
    # or the what-if would show the new key's effect as the draft's (and recompute clocks).
    from siamlib import compare

    shipped = load_params(paths.PARAMS_DIR)
    draft = load_params(paths.PARAMS_DIR / "drafts" / "example")
    assert compare.change_scope(shipped, draft) == "scoring"
    assert {k for k in shipped.contracts if draft.contracts[k] != shipped.contracts[k]} == {
        "hosting"
    }
