"""The notebooks open in JupyterLab and their charts draw offline.

A real JupyterLab server on loopback (its own config, data and runtime folders), real kernels,
headless Chromium allowed to reach 127.0.0.1 only. Each notebook is a copy of the committed
one with only its parameters cell's defaults changed: the supplier report computes from the
small dataset (the analyst path); the integrator report and board summary read bundles computed
by this session (their own computing is proven by test_notebooks_default). The test runs every
cell through the Run menu, waits for the kernel, then requires every chart output to be drawn by
JupyterLab's built-in Vega renderer (an svg or canvas inside each rendered chart).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import sync_playwright

from siamlib import batch, paths, workbook
from tests.e2e.helpers import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.browser]

NOTEBOOKS = ["supplier_report", "integrator_report", "board_summary"]
RUN_TIMEOUT_S = 600
KERNEL_TIMEOUT_S = 180
CHART_SELECTOR = ".jp-RenderedVegaCommon5"
# Vega draws into <svg class="marks"> or <canvas class="marks">; the embed's action menu has
# its own small svg icon, which must not count as a drawn chart.
DRAWN = "svg.marks, canvas.marks"
LAB_SETTINGS = {
    # Do not ask to fetch Jupyter news from the internet (a toast over the page otherwise).
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set_default(source: str, name: str, value: str) -> str:
    pattern = re.compile(rf'^({name}: str = )""', re.MULTILINE)
    new, n = pattern.subn(lambda m: m.group(1) + json.dumps(value), source)
    assert n == 1, f'parameters cell has no `{name}: str = ""` line'
    return new


def _copy_with_defaults(name: str, root: Path, **defaults: str) -> Path:
    nb = nbformat.read(paths.NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for key, value in defaults.items():
        cell.source = _set_default(cell.source, key, value)
    target = root / f"{name}.ipynb"
    nbformat.write(nb, target)
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_data, work, params):
    """A JupyterLab server on 127.0.0.1 serving copies of the three report notebooks."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    root.mkdir()
    bundles = base / "bundles"
    integrator = params.estate.integrator.id
    for name in [integrator, batch.BOARD]:
        workbook.save_bundle(work.bundle(name), bundles / name)
    _copy_with_defaults("supplier_report", root, data_dir=str(demo_data))
    _copy_with_defaults("integrator_report", root, bundle_dir=str(bundles / integrator))
    _copy_with_defaults("board_summary", root, bundle_dir=str(bundles / batch.BOARD))

    env = dict(os.environ)
    for var in ["JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"]:
        env[var] = str(base / var.lower())
        Path(env[var]).mkdir()
    # The venv's share/jupyter (lab assets, the python3 kernel) stays on the data path: Jupyter
    # always adds sys.prefix/share/jupyter. Settings and workspaces go to temporary folders.
    env["JUPYTERLAB_SETTINGS_DIR"] = str(base / "lab-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(base / "lab-workspaces")
    for rel, value in LAB_SETTINGS.items():
        path = base / "lab-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--port", str(port),
        "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.root_dir", str(root), "--ServerApp.ip=127.0.0.1",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers often run as root
    log = (base / "jupyterlab.log").open("w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/api/status", timeout=5).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (base / "jupyterlab.log").read_text()
                    ) from None
                time.sleep(0.5)
        yield {"url": url, "root": root, "log": base / "jupyterlab.log"}
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def _code_prompts(page) -> list[str]:
    return page.eval_on_selector_all(
        ".jp-Notebook .jp-CodeCell .jp-InputPrompt", "ps => ps.map(p => p.textContent.trim())"
    )


def _accept_kernel_dialog(page) -> bool:
    """JupyterLab asks which kernel to start; accept its choice (the notebook's python3)."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "kernel" in dialog.first.inner_text().lower():
        dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        return True
    return False


# Waits poll with page.wait_for_timeout, not time.sleep: Playwright's sync API only runs the
# route handler (which lets each request through) while Python is inside a Playwright call, so
# a plain sleep would hold the page's requests (e.g. the save) until the next call.


def _kernel_state(lab, notebook: Path) -> str | None:
    """The server's view of the notebook's kernel (``idle``, ``busy``...), or None."""
    with urllib.request.urlopen(lab["url"] + "/api/sessions", timeout=10) as r:
        sessions = json.load(r)
    for s in sessions:
        if s.get("path") == notebook.name and s.get("kernel"):
            return s["kernel"].get("execution_state")
    return None


def _shut_down_kernel(lab, notebook: Path) -> None:
    with urllib.request.urlopen(lab["url"] + "/api/sessions", timeout=10) as r:
        sessions = [s for s in json.load(r) if s.get("path") == notebook.name]
    for s in sessions:
        req = urllib.request.Request(f"{lab['url']}/api/sessions/{s['id']}", method="DELETE")
        urllib.request.urlopen(req, timeout=30).read()


def _wait_for_kernel(page, lab, notebook: Path) -> None:
    """Open the notebook's kernel (accepting JupyterLab's kernel dialog) and wait until idle."""
    deadline = time.monotonic() + KERNEL_TIMEOUT_S
    while _kernel_state(lab, notebook) != "idle":
        _accept_kernel_dialog(page)
        assert time.monotonic() < deadline, f"{notebook.name}: no idle kernel"
        page.wait_for_timeout(1000)


def _run_all_and_wait(page, notebook: Path) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    started = time.monotonic()
    while True:
        _accept_kernel_dialog(page)
        prompts = _code_prompts(page)
        status = page.get_attribute(".jp-Notebook-ExecutionIndicator", "data-status")
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts) and status == "idle":
            return
        waited = time.monotonic() - started
        assert waited < 60 or any(p != "[ ]:" for p in prompts), (
            f"{notebook.name}: Run All Cells did not start any cell"
        )
        assert waited < RUN_TIMEOUT_S, f"{notebook.name}: not finished: {prompts} {status}"
        page.wait_for_timeout(1000)


def _save_and_read(page, notebook: Path) -> nbformat.NotebookNode:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^File$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Save( Notebook)?$")).click()
    deadline = time.monotonic() + 60
    while True:
        nb = nbformat.read(notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if code and all(c.execution_count for c in code):
            return nb
        assert time.monotonic() < deadline, f"{notebook.name} was not saved"
        page.wait_for_timeout(500)


def _chart_outputs(nb) -> int:
    """Chart outputs in the saved notebook (any Vega or Vega-Lite mimetype)."""
    return sum(
        any(k.startswith(("application/vnd.vegalite", "application/vnd.vega.")) for k in o.data)
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "data" in o
    )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_and_every_chart_draws_offline(lab, artifacts, name):
    notebook = lab["root"] / f"{name}.ipynb"
    console_errors, page_errors, outside = [], [], []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def loopback_only(route):
            url = route.request.url
            if url.startswith((lab["url"] + "/", "data:", "blob:")):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", loopback_only)
        page = context.new_page()
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else 0)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        # A workspace of its own: the server's default workspace would reopen earlier tabs.
        page.goto(f"{lab['url']}/lab/workspaces/{name}/tree/{notebook.name}?reset")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=180_000)
        assert page.locator(".jp-NotebookPanel").count() == 1
        try:
            _wait_for_kernel(page, lab, notebook)
            _run_all_and_wait(page, notebook)
        except AssertionError:
            page.screenshot(path=str(artifacts / f"jupyterlab-{name}-failed.png"))
            raise
        rendered = page.locator(CHART_SELECTOR)
        # Rendering is asynchronous: wait until each chart container has settled.
        page.wait_for_function(
            f"""() => [...document.querySelectorAll('{CHART_SELECTOR}')]
                 .every(c => c.querySelector('{DRAWN}') || c.textContent.trim())""",
            timeout=60_000,
        )
        n_rendered = rendered.count()
        n_drawn = page.evaluate(
            f"""() => [...document.querySelectorAll('{CHART_SELECTOR}')]
                 .filter(c => c.querySelector('{DRAWN}')).length"""
        )
        not_drawn = page.evaluate(
            f"""() => [...document.querySelectorAll('{CHART_SELECTOR}')]
                 .filter(c => !c.querySelector('{DRAWN}')).map(c => c.innerText.slice(0, 500))"""
        )
        page.evaluate(
            f"() => document.querySelector('{CHART_SELECTOR}')?.scrollIntoView({{block: 'start'}})"
        )
        page.screenshot(path=str(artifacts / f"jupyterlab-{name}.png"))
        try:
            saved = _save_and_read(page, notebook)
        except AssertionError:
            page.screenshot(path=str(artifacts / f"jupyterlab-{name}-failed.png"))
            raise
        browser.close()
    _shut_down_kernel(lab, notebook)

    errors = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in errors if o.output_type == "error"]
    assert errors == []
    expected = _chart_outputs(saved)
    assert expected > 0, f"{name}: the notebook produced no chart output"
    assert not_drawn == [], f"{name}: charts JupyterLab did not draw: {not_drawn}"
    assert n_rendered == n_drawn == expected
    assert outside == [], f"{name}: requests outside the lab server: {outside[:5]}"
    assert page_errors == []
    assert console_errors == []
