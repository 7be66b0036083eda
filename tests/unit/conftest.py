"""Unit tests read ``tests/fixtures/params/``, never the live ``params/`` users edit.

Tests pass the fixture explicitly (``tests.fixtures.fixture_params``); ``test_fixtures.py``
fails on any direct read of the live folder. This redirect is the safety net for the indirect
ones: library defaults that fall back to ``paths.PARAMS_DIR`` when no params are given
(``demo.generate``, ``siam figures`` without ``--params``, ``load_estate()``, the ServiceNow
mapping and the returns templates...).
"""

from __future__ import annotations

import pytest

from siamlib import paths
from siamlib.importers import mapping, returns, servicenow
from tests.fixtures.fixture_params import (
    FIXTURE_PARAMS_DIR,
    FIXTURE_SERVICENOW_MAPPING,
    LIVE_PARAMS_READERS,
)


@pytest.fixture(scope="module", autouse=True)
def _fixture_params_by_default(request):
    # Module scope (not session): set before any module-scoped fixture builds its data, and
    # undone after the module, so e2e tests and doctests in the same run keep the live folder.
    if request.path.name in LIVE_PARAMS_READERS:
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "PARAMS_DIR", FIXTURE_PARAMS_DIR)
        # Bound from paths.PARAMS_DIR when siamlib was imported, so redirected one by one.
        mp.setattr(mapping, "MAPPINGS_DIR", FIXTURE_PARAMS_DIR / "mappings")
        for module in (mapping, servicenow):
            mp.setattr(module, "SERVICENOW_MAPPING", FIXTURE_SERVICENOW_MAPPING)
        mp.setattr(returns, "TEMPLATES_DIR", FIXTURE_PARAMS_DIR / "templates")
        yield
