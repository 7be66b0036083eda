"""Run corpus cases against the clean baseline and decide each one's outcome.

The baseline (:class:`Baseline`) is computed once per session: the demo estate at
``N_TICKETS`` tickets (seed 7), the project's params copied to a temporary folder, period
2026-10, its figures frame, and a clean import of the sample export. Every case works on its
own copy of the inputs. Inputs that load cleanly but differ from the baseline need a whole
compute (seconds each); those are run for a seeded sample whose size is printed
(``SIAM_CORPUS_COMPUTES``: a number per family, or ``all``).
"""

from __future__ import annotations

import os
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from siamlib import figures, gate, quality, workbook
from siamlib.params import Params, load_params
from tests.hardening.corpus import outcome as O
from tests.hardening.corpus.cli_cases import CliPaths
from tests.hardening.corpus.outcome import Case, Verdict

PERIOD = "2026-10"
N_TICKETS = 800  # holds both agreed exclusions (INC0000042, INC0000777) of params/
SEED = int(os.environ.get("SIAM_CORPUS_SEED", "7"))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def compute_budget(family: str) -> int | None:
    """How many compute-needing cases of ``family`` to run (None: all)."""
    raw = os.environ.get("SIAM_CORPUS_COMPUTES", "").strip().lower()
    if raw == "all":
        return None
    if raw:
        return int(raw)
    return {"params": 3, "data": 6}.get(family, 3)


@dataclass
class Baseline:
    root: Path
    data_dir: Path
    params_dir: Path
    params: Params
    params_dump: dict
    clean_csv: Path
    import_result: object
    cli: CliPaths
    compute_seconds: float = 0.0
    _frame: pd.DataFrame | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """The clean figures, computed on first use (imports and CLI cases never need them)."""
        if self._frame is None:
            t = time.perf_counter()
            self._frame = figures.compute_figures(PERIOD, self.data_dir, self.params_dir).frame
            self.compute_seconds = time.perf_counter() - t
            print(f"\nbaseline: {N_TICKETS} tickets, period {PERIOD}, one compute "
                  f"{self.compute_seconds:.1f} s")  # fmt: skip
        return self._frame


def params_dump(p: Params) -> dict:
    return p.model_dump(exclude={"root"})


def compute_verdict(params: Params, data_dir: Path, base: Baseline, touched, names) -> tuple:
    """Outcome of a whole compute of ``PERIOD`` (errors judged like load errors)."""
    try:
        work = workbook.compute_period(data_dir, params, PERIOD)
    except Exception as exc:
        return O.judge_error(exc, names)
    result = figures.from_work(work)
    n = O.quarantined_rows(work, result, work.quality)
    summary = ""
    if work.quality is not None:
        stopped = gate.stopped_reports(work.quality, params, PERIOD, work.incomplete)
        summary = quality.summary_text(work.quality, stopped)
    return O.judge_figures(result.frame, base.frame, touched, n, summary)


def _sample(family: str, pending: list) -> tuple[list, list]:
    budget = compute_budget(family)
    if budget is None or budget >= len(pending):
        return pending, []
    rng = random.Random(f"{SEED}-{family}")
    chosen = set(rng.sample(range(len(pending)), budget))
    return (
        [p for i, p in enumerate(pending) if i in chosen],
        [p for i, p in enumerate(pending) if i not in chosen],
    )


def _finish(family: str, verdicts: list[Verdict], pending: list) -> list[Verdict]:
    """Run the sampled compute-needing cases; the others are recorded as not sampled."""
    run, left = _sample(family, pending)
    for case, thunk in run:
        v = O.timed(case, thunk)
        v.computed = True
        verdicts.append(v)
    for case, _ in left:
        verdicts.append(Verdict(case.id, family, O.NOT_SAMPLED, "needs a compute; not sampled"))
    print(
        f"{family}: {len(pending)} cases needed a whole compute, {len(run)} run "
        f"(SIAM_CORPUS_COMPUTES={os.environ.get('SIAM_CORPUS_COMPUTES', 'default')})"
    )
    return verdicts


# ----------------------------------------------------------------------------- params
def run_params(cases: list[Case], base: Baseline, work: Path) -> list[Verdict]:
    verdicts, pending = [], []
    for i, case in enumerate(cases):
        folder = work / f"p{i}"
        shutil.copytree(base.params_dir, folder)
        loaded: dict = {}

        def load(case=case, folder=folder, loaded=loaded):
            case.apply(folder)
            try:
                loaded["p"] = load_params(folder)
            except Exception as exc:
                return O.judge_error(exc, case.names)
            if params_dump(loaded["p"]) == base.params_dump:
                return O.UNCHANGED, "loads to the same values as the clean params"
            return "pending", ""

        v = O.timed(case, load)
        if v.outcome == "pending":
            pending.append(
                (
                    case,
                    lambda c=case, ld=loaded: compute_verdict(
                        ld["p"], base.data_dir, base, None, c.names
                    ),
                )
            )
        else:
            verdicts.append(v)
    return _finish("params", verdicts, pending)


# ----------------------------------------------------------------------------- data
def run_data(cases: list[Case], base: Baseline, work: Path) -> list[Verdict]:
    verdicts, pending = [], []
    for i, case in enumerate(cases):
        folder = work / f"d{i}"
        shutil.copytree(base.data_dir, folder)
        state: dict = {}

        def load(case=case, folder=folder, state=state):
            state["touched"] = case.apply(folder)
            try:
                workbook.load_inputs(folder)
            except Exception as exc:
                return O.judge_error(exc, case.names)
            return "pending", ""

        v = O.timed(case, load)
        if v.outcome == "pending":
            pending.append(
                (
                    case,
                    lambda c=case, f=folder, s=state: compute_verdict(
                        base.params, f, base, s["touched"], c.names
                    ),
                )
            )
        else:
            verdicts.append(v)
    return _finish("data", verdicts, pending)


# ----------------------------------------------------------------------------- imports
def _formula_cells(path: Path) -> list[str]:
    if not path.exists():
        return []
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    bad = []
    for col in df.columns:
        for v in df[col]:
            if v.startswith(FORMULA_START):
                try:
                    float(v)
                except ValueError:
                    bad.append(f"{col}={v[:30]!r}")
    return bad


def import_verdict(case: Case, base: Baseline, folder: Path) -> tuple[str, str]:
    from siamlib.importers import import_servicenow, write_import

    src = case.apply(folder, base.clean_csv.read_text(encoding="utf-8"))
    existing = case.extra.get("into") == "existing"
    out = folder / ("existing-dataset" if existing else "out")
    names = ("existing-dataset",) if existing else case.names
    if existing:
        write_import(base.import_result, out)
    try:
        result = import_servicenow(src, params_root=base.params_dir)
        write_import(result, out)
    except Exception as exc:
        return O.judge_error(exc, names)
    if existing:
        return O.FAILED, "wrote into a folder holding a dataset without replace"
    bad = _formula_cells(out / "rejects.csv")
    if bad:
        return O.FAILED, f"rejects.csv holds live formula cells: {', '.join(bad[:3])}"
    s, b = result.summary, base.import_result.summary
    if s.rows_rejected > b.rows_rejected:
        rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
        if len(rejects) != s.rows_rejected or (rejects["reason"] == "").any():
            return O.FAILED, f"{s.rows_rejected} rejected but rejects.csv lists {len(rejects)}"
        return O.QUARANTINED, f"{s.rows_rejected - b.rows_rejected} rows rejected with reasons"
    for name, frame in base.import_result.tables.items():
        diff = O.frame_diff(result.tables.get(name, frame.iloc[:0]), frame)
        if diff:
            return O.FAILED, f"{name} changed without rejects: {diff}"
    return O.UNCHANGED, "same tables as the clean import"


def run_imports(cases: list[Case], base: Baseline, work: Path) -> list[Verdict]:
    out = []
    for i, case in enumerate(cases):
        folder = work / f"i{i}"
        folder.mkdir()
        out.append(O.timed(case, lambda c=case, f=folder: import_verdict(c, base, f)))
    return out


# ----------------------------------------------------------------------------- CLI
def cli_verdict(case: Case, base: Baseline) -> tuple[str, str]:
    from typer.testing import CliRunner

    from siamlib.cli import app

    args = case.apply(base.cli)
    res = CliRunner().invoke(app, args)
    text = (res.output or "") + (res.stderr or "")
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        return (
            O.FAILED,
            f"traceback: {type(res.exception).__name__}: {O.first_line(str(res.exception))[:140]}",
        )
    if "Traceback" in text:
        return O.FAILED, "a traceback was printed"
    if case.extra.get("harmless"):
        if res.exit_code == 0:
            return O.UNCHANGED, "same exit code as with plain names"
        return O.FAILED, f"exit {res.exit_code}: {O.first_line(res.stderr or res.output)[:140]}"
    lines = [ln for ln in (res.stderr or "").splitlines() if ln.strip()]
    first = O.first_line(res.stderr or res.output)[:140]
    if res.exit_code != 2:
        return O.FAILED, f"exit {res.exit_code} (want 2): {first}"
    if len(lines) != 1 or not lines[0].startswith("error:"):
        return O.FAILED, f"exit 2 but not a one-line 'error:' message ({len(lines)} lines): {first}"
    if case.names and not any(n in lines[0] for n in case.names):
        return O.FAILED, f"error names none of {', '.join(case.names)}: {first}"
    gone = case.extra.get("must_not_exist")
    if gone and (base.cli.root / gone).exists():
        return O.FAILED, f"rejected but wrote {gone}"
    return O.REJECTED, lines[0][:160]


def run_cli(cases: list[Case], base: Baseline) -> list[Verdict]:
    return [O.timed(c, lambda c=c: cli_verdict(c, base)) for c in cases]


def build_baseline(root: Path) -> Baseline:
    """The clean inputs and their figures (one compute)."""
    from siamlib import demo
    from siamlib.importers import SAMPLE, import_servicenow
    from tests.hardening.corpus.import_cases import clean_text
    from tests.hardening.support import copy_params

    params_dir = copy_params(root / "params")
    params = load_params(params_dir)
    data_dir = demo.write_demo(root / "data", n_tickets=N_TICKETS, seed=7)
    clean_csv = root / "clean.csv"
    clean_csv.write_text(clean_text(SAMPLE), encoding="utf-8")
    imported = import_servicenow(clean_csv, params_root=params_dir)
    cli_root = root / "corpus-cli"
    cli_root.mkdir()
    (cli_root / "reports").mkdir()  # an (empty) pack folder, so `send` reaches its --params check
    plain = cli_root / "a-file.txt"
    plain.write_text("not a folder\n", encoding="utf-8")
    spaced_data = cli_root / "data set ü"
    shutil.copytree(data_dir, spaced_data)
    spaced_params = cli_root / "paramş copy"
    shutil.copytree(params_dir, spaced_params)
    cli = CliPaths(cli_root, data_dir, params_dir, clean_csv, plain, spaced_data, spaced_params)
    return Baseline(
        root, data_dir, params_dir, params, params_dump(params), clean_csv, imported, cli,
    )  # fmt: skip
