"""The analyst path: each report notebook runs top to bottom with its DEFAULT parameters (no
bundle from the batch; it loads, validates and computes by itself), only ``data_dir`` pointed
at the session's small dataset, from a working directory outside the project."""

from __future__ import annotations

import ast
import multiprocessing as mp
import re
from concurrent.futures import ProcessPoolExecutor

import nbformat
import papermill as pm
import pytest

from siamlib import batch
from siamlib.charts import VEGALITE_MIMETYPE
from tests.e2e.helpers import execute_notebook_json

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NOTEBOOKS = {
    "tower": "supplier_report",
    "integrator": "integrator_report",
    "board": "board_summary",
}


def _defaults(kind: str) -> dict:
    found = pm.inspect_notebook(str(batch.NOTEBOOKS[kind]))
    return {k: ast.literal_eval(v["default"]) for k, v in found.items()}


@pytest.fixture(scope="module")
def executed(demo_data, tmp_path_factory) -> dict[str, object]:
    """kind -> executed notebook (or the exception it raised); two kernels at a time."""
    cwd = tmp_path_factory.mktemp("analyst")
    out = {}
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn")) as pool:
        futures = {
            kind: pool.submit(
                execute_notebook_json,
                str(batch.NOTEBOOKS[kind]),
                {"data_dir": str(demo_data)},
                str(cwd),
            )
            for kind in NOTEBOOKS
        }
        for kind, fut in futures.items():
            try:
                out[kind] = nbformat.reads(fut.result(), as_version=4)
            except Exception as exc:  # noqa: BLE001 - reported by the test of that notebook
                out[kind] = exc
    return out


def _charts(nb) -> int:
    return sum(
        VEGALITE_MIMETYPE in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def test_notebooks_declare_papermill_parameters():
    for kind in NOTEBOOKS:
        d = _defaults(kind)
        assert {"period", "bundle_dir", "data_dir", "params_dir"} <= set(d), kind
        assert d["bundle_dir"] == "" and d["data_dir"] == "", kind


@pytest.mark.parametrize("kind", list(NOTEBOOKS))
def test_notebook_runs_top_to_bottom_with_its_defaults(executed, pack, params, kind):
    nb = executed[kind]
    if isinstance(nb, Exception):
        pytest.fail(f"{NOTEBOOKS[kind]} failed: {nb}")
    code = [c for c in nb.cells if c.cell_type == "code"]
    injected = [c for c in code if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "data_dir" in injected[0].source
    assert "bundle_dir" not in injected[0].source  # the default: no bundle, compute here
    assert all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []

    defaults = _defaults(kind)
    html = "".join(
        o.get("data", {}).get("text/html", "") for c in code for o in c.get("outputs", [])
    )
    who = (
        params.estate.name
        if kind == "board"
        else params.estate.supplier(defaults["supplier_id"]).name
    )
    assert f"{who}: " in html and defaults["period"] in html
    # Same charts as the batch's report of the same supplier (bundle path).
    name = batch.BOARD if kind == "board" else defaults["supplier_id"]
    page = pack.report_html(name).read_text(encoding="utf-8")
    # A dense chart's figure is "siam-chart siam-scroll" (it scrolls on a phone).
    assert _charts(nb) == len(re.findall(r'class="siam-chart(?: [^"]*)?"', page)) > 0
