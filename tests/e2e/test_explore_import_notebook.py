"""notebooks/explore_import.ipynb runs top to bottom under papermill, with its defaults and with
the BPI 2013-shaped example, from a working directory outside the project."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from siamlib import paths

NOTEBOOK = paths.NOTEBOOKS_DIR / "explore_import.ipynb"
pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _outputs(nb, kind: str) -> list[str]:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if kind == "stream" and out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            elif kind in out.get("data", {}):
                data = out["data"][kind]
                texts.append(data if isinstance(data, str) else json.dumps(data))
    return texts


def _run(tmp_path, **parameters):
    out = tmp_path / "explore_import.out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(tmp_path),  # the notebook must not depend on the working directory
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


def test_python3_kernelspec_exists():
    assert "python3" in KernelSpecManager().find_kernel_specs()


def test_notebook_runs_with_its_defaults(tmp_path):
    nb = _run(tmp_path)
    stream = "".join(_outputs(nb, "stream"))
    assert "import servicenow: data/samples/servicenow_incident_sample.csv.gz" in stream
    assert "rows read             4040" in stream
    charts = _outputs(nb, "application/vnd.vegalite.v5+json")  # siamlib.charts renderer
    assert len(charts) == 2  # volumes and rejects
    assert "supplier_id" in charts[0]
    tables = "".join(_outputs(nb, "text/html"))
    assert "data error: state -100" in tables  # rejects table


def test_notebook_runs_on_the_bpi_shaped_example(tmp_path):
    nb = _run(
        tmp_path,
        importer="eventlog",
        source="tests/unit/fixtures/importers/bpi2013_volvo_small.csv",
        mapping="params/mappings/bpi2013_volvo_example.yaml",
        tz="Europe/Brussels",
    )
    stream = "".join(_outputs(nb, "stream"))
    assert "rows read             20" in stream
    assert "Org line Z9" in "".join(_outputs(nb, "text/html"))
