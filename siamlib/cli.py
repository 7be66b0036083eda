"""The ``siam`` command: a thin typer layer over the :mod:`siamlib` functions.

Every command checks its period and path options first (:mod:`siamlib.pathcheck`), so a bad
value is one line on stderr, ``error: ...``, and exit code 2 before any long work; nothing is
written then. Exit 1 means the data-quality gate blocked a supplier (or a report failed).

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["version"]).output.strip()
'0.1.0'
>>> CliRunner().invoke(app, ["--version"]).output.strip()
'0.1.0'
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from pathlib import Path

import typer

from siamlib import __version__, pathcheck

app = typer.Typer(
    help="SIAM Performance Workbook: monthly supplier scorecards, reports and delivery.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_flag(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version_flag,
        is_eager=True,
        help="Print the workbook version and exit.",
    ),
) -> None:
    """SIAM Performance Workbook command line."""


def _fail(message: object) -> typer.Exit:
    """Print ``error: message`` on one line (stderr); the caller raises the returned Exit(2)."""
    text = " ".join(str(message).split())
    typer.echo(f"error: {text}", err=True)
    return typer.Exit(2)


def _period(period: str) -> str:
    from siamlib.periods import check_period

    try:
        return check_period(period)
    except ValueError:
        raise _fail(f"--period {period!r}: not a month; pass YYYY-MM, e.g. 2026-10") from None


def _check(*checks) -> None:
    """Run path checks in order (reads first, then writes); the first problem exits 2."""
    try:
        for check in checks:
            check()
    except pathcheck.PathError as exc:
        raise _fail(exc) from None


def _data(data: str | None):
    from siamlib import paths

    return lambda: pathcheck.existing_dir(Path(data) if data else paths.DEMO_DATA_DIR, "--data")


def _params(params: str | None):
    return lambda: params is None or pathcheck.existing_dir(params, "--params")


@app.command()
def version() -> None:
    """Print the workbook version."""
    typer.echo(__version__)


@app.command("demo-data")
def demo_data(
    tickets: int = typer.Option(20_000, "--tickets", help="Number of tickets to generate (>= 1)."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives the same data."),
    out: str = typer.Option(None, "--out", help="Dataset folder (default: data/demo)."),
) -> None:
    """Generate the deterministic demo estate and write it as a dataset folder."""
    import time

    from siamlib import demo, paths

    if tickets < 1:
        raise _fail(f"--tickets {tickets}: must be at least 1; pass e.g. --tickets 300")
    target = Path(out) if out else paths.DEMO_DATA_DIR
    _check(lambda: pathcheck.writable_dir(target, "--out", create=False))
    start = time.perf_counter()
    try:
        folder = demo.write_demo(target, n_tickets=tickets, seed=seed)
    except OSError as exc:
        raise _fail(f"--out {target}: cannot write the dataset ({exc.strerror or exc})") from None
    seconds = time.perf_counter() - start
    for name, rows in demo.row_counts(folder).items():
        typer.echo(f"{name:<14} {rows:>12,}")
    typer.echo(f"wrote {folder} in {seconds:.1f} s")


@app.command("run")
def run_cmd(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    reports: str = typer.Option(None, "--reports", help="Reports folder (default: reports/)."),
    suppliers: str = typer.Option(
        None, "--suppliers", help="Comma-separated supplier ids (and/or board-summary)."
    ),
    jobs: int = typer.Option(2, "--jobs", help="Parallel report workers (1 or more)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and compute; render nothing."),
    executor: str = typer.Option("local", "--executor", help="local (process pool) or dask."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
    use_cache: bool = typer.Option(
        True,
        "--cache/--no-cache",
        help="Reuse the gate's results, clocks and measure values of a run on the same "
        "inputs (SIAM_CACHE_DIR, default ~/.cache/siam-workbook).",
    ),
) -> None:
    """The monthly job: validate and compute once, render every report, write the pack.

    Exit 0 when every report was rendered (or, with --dry-run, computed), 1 when the
    data-quality gate blocked a supplier or a report failed, 2 on bad options or inputs.
    """
    from siamlib import batch, paths
    from siamlib.params import ParamsError

    _period(period)
    if jobs < 1:
        raise _fail(f"--jobs {jobs}: pass 1 or more parallel report workers")
    if executor not in ("local", "dask"):
        raise _fail(f"--executor {executor!r}: pass local or dask")
    if executor == "dask" and not scheduler:
        raise _fail("--executor dask needs --scheduler ADDRESS")
    reports_dir = Path(reports) if reports else paths.REPORTS_DIR
    checks = [_data(data), _params(params)]
    if not dry_run:
        checks.append(lambda: pathcheck.writable_dir(reports_dir, "--reports", create=False))
    _check(*checks)
    try:
        with _sigterm_ends_the_run():
            result = batch.run(
                period,
                data_dir=data,
                params_dir=params,
                reports_dir=reports,
                suppliers=[s.strip() for s in suppliers.split(",")] if suppliers else None,
                jobs=jobs,
                dry_run=dry_run,
                executor=executor,
                scheduler=scheduler,
                progress=progress,
                use_cache=use_cache,
            )
    except (ParamsError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from None
    code = batch.main_exit(result)
    if result.status == "dry-run":
        blocked = result.blocked
        planned = len(result.reports) - len(blocked)
        typer.echo(f"dry run: {planned} reports planned, nothing written")
        if blocked:
            typer.echo(f"blocked by data quality: {', '.join(sorted(blocked))}", err=True)
    else:
        typer.echo(f"index: {Path(result.folder).parent.parent / period / 'index.html'}")
    raise typer.Exit(code)


@contextlib.contextmanager
def _sigterm_ends_the_run():
    """Within the block, SIGTERM (a scheduler's timeout, ``kill``, a stopped service) raises
    ``SystemExit(143)`` like Ctrl-C raises KeyboardInterrupt, so the batch's clean-up runs:
    warming stops, render workers and kernels are shut down, nothing half-written is published.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command("figures")
def figures_cmd(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    out: str = typer.Option(
        None, "--out", help="Write to this .csv or .json file (default: CSV on stdout)."
    ),
) -> None:
    """Every figure of a period (the figures file), computed with the data-quality gate.

    Exit 0 when every supplier was computed, 1 when the gate blocked a supplier (listed on
    stderr; its row says why), 2 on bad options or inputs.
    """
    from siamlib import figures
    from siamlib.params import ParamsError

    _period(period)
    checks = [_data(data), _params(params)]
    if out:
        checks.append(
            lambda: pathcheck.writable_file(out, "--out", (".csv", ".json"), create=False)
        )
    _check(*checks)
    try:
        result = figures.compute_figures(period, data, params)
    except (ParamsError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from None
    if out:
        try:
            figures.write_figures(result.frame, out)
        except OSError as exc:
            raise _fail(f"--out {out}: cannot write ({exc.strerror or exc})") from None
        typer.echo(f"figures: {out}", err=True)
    else:
        sys.stdout.write(figures.to_csv_text(result.frame))
        sys.stdout.flush()
    for name, reason in sorted(result.blocked.items()):
        typer.echo(f"blocked: {name} ({reason})", err=True)
    raise typer.Exit(result.exit_code)


@app.command("validate")
def validate_cmd(
    period: str = typer.Option(
        None,
        "--period",
        help="Reporting month, YYYY-MM, whose rows the quarantine limit is also applied to "
        "(default: the last month the data window covers in full).",
    ),
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    out: str = typer.Option(None, "--out", help="Write the results as JSON to this .json file."),
) -> None:
    """Run the data-quality gate and name the reports `siam run` would stop for the month.

    The run's own checks and decision (siamlib.gate): exit 0 when no report would be stopped,
    1 when one would (named on the BLOCKED line, with why), 2 on bad options or inputs,
    with the message the run gives (a missing table, a misspelt exclusion, a month outside
    the data window ...).
    """
    from siamlib import gate, io, paths
    from siamlib.params import ParamsError, load_params

    if period is not None:
        _period(period)
    folder = Path(data) if data else paths.DEMO_DATA_DIR
    checks = [_data(data), _params(params)]
    if out:
        checks.append(lambda: pathcheck.writable_file(out, "--out", (".json",), create=False))
    _check(*checks)
    try:
        result = gate.check(folder, load_params(params), period)
    except (ParamsError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from None
    typer.echo(result.summary_text())
    if out:
        try:
            io.write_json_atomic(out, result.to_json())
        except OSError as exc:
            raise _fail(f"--out {out}: cannot write ({exc.strerror or exc})") from None
        typer.echo(f"results: {out}")
    raise typer.Exit(result.exit_code)


@app.command("docs")
def docs_cmd(
    out: str = typer.Option(None, "--out", help="Folder for the generated files (default: docs/)."),
) -> None:
    """Regenerate docs/data-model.md and docs/measures.md from the code."""
    from siamlib import docs

    if out:
        _check(lambda: pathcheck.writable_dir(out, "--out", create=False))
    try:
        written = docs.write_docs(out)
    except OSError as exc:
        raise _fail(f"--out {out}: cannot write ({exc.strerror or exc})") from None
    for path in written:
        typer.echo(f"wrote {path}")


@app.command("send")
def send_cmd(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write .eml files only; send nothing."),
    outbox: str = typer.Option(None, "--outbox", help="Outbox folder (default: outbox/)."),
    reports: str = typer.Option(None, "--reports", help="Reports folder (default: reports/)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    only: str = typer.Option(None, "--only", help="Comma-separated report names to send."),
) -> None:
    """Email the published pack (summary body + PDF); SMTP settings come from SIAM_SMTP_* only.

    Sends what `siam run` published under reports/<period> (its bundles, figures.csv and
    manifest); nothing is recomputed. Refuses (exit 2) when the pack is missing or its
    figures.csv does not match the manifest's figures_sha256.
    """
    from siamlib import delivery, paths
    from siamlib.params import ParamsError

    _period(period)
    reports_dir = Path(reports) if reports else paths.REPORTS_DIR
    box = delivery.outbox_folder(period, outbox)
    _check(
        lambda: pathcheck.existing_dir(reports_dir, "--reports"),
        _params(params),
        lambda: pathcheck.writable_dir(box.parent, "--outbox", create=False),
        lambda: pathcheck.writable_dir(box, "--outbox", create=False),
    )
    names = [s.strip() for s in only.split(",") if s.strip()] if only else None
    try:
        result = delivery.deliver_period(
            period,
            params_dir=params,
            reports_dir=reports_dir,
            outbox=outbox,
            dry_run=dry_run,
            names=names,
            log=typer.echo,
        )
    except (delivery.DeliveryError, ParamsError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _fail(f"--outbox {box}: cannot write ({exc.strerror or exc})") from None
    s = result.summary
    if s is None:
        typer.echo(f"dry run: {len(result.files)} message(s) in {result.folder}")
    else:
        typer.echo(
            f"sent {len(s.sent)}, already sent {len(s.skipped)}, failed {len(s.failed)}; "
            f"ledger {result.folder / delivery.LEDGER_NAME}"
        )
    raise typer.Exit(result.exit_code)


# `siam import servicenow|eventlog|returns`: the commands live with the importers.
from siamlib.importers.commands import import_app  # noqa: E402

app.add_typer(import_app, name="import")


@app.command("compare")
def compare_cmd(
    period: str = typer.Option(..., "--period", help="Last month replayed, YYYY-MM."),
    months: int = typer.Option(12, "--months", help="Months replayed up to --period (1-12)."),
    against: str = typer.Option(
        ..., "--against", help="Draft params folder (laid out like params/)."
    ),
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Current params folder (default: params/)."),
    out: str = typer.Option(
        None, "--out", help="Output folder (default: reports/whatif/<period>-<draft name>)."
    ),
) -> None:
    """Contract what-if: the months up to --period under the current params and a draft.

    Writes compare.html (offline, the reports' presentation), summary.csv (per supplier and
    month: weighted score, red levels and credits under both, differences), levels.csv (every
    level's RAG both ways) and totals.csv. Exit 2 on bad options, paths or params (a draft
    error names the draft's file and key).
    """
    from siamlib import compare, compare_report, paths
    from siamlib.io import DatasetError
    from siamlib.params import ParamsError, load_params

    _period(period)
    try:
        compare.month_window(period, months)
    except ValueError as exc:
        raise _fail(exc) from None
    target = Path(out) if out else paths.REPORTS_DIR / "whatif" / f"{period}-{Path(against).name}"
    _check(
        _data(data),
        _params(params),
        lambda: pathcheck.existing_dir(against, "--against"),
        lambda: pathcheck.writable_dir(target, "--out", create=False),
    )
    try:
        current = load_params(params)
        draft = load_params(against)
        replay = compare.prepare(period, months, current, data)
        result = compare.against(replay, draft)
    except (ParamsError, DatasetError, FileNotFoundError, ValueError) as exc:
        raise _fail(exc) from None
    title = f"{current.estate.name}: contract what-if to {period}"
    try:
        written = compare_report.write_comparison(result, target, title, str(against))
    except OSError as exc:
        raise _fail(f"--out {target}: cannot write ({exc.strerror or exc})") from None
    every = result.totals.iloc[-1]
    typer.echo(
        f"{len(result.months)} months, draft changes {result.scope}: credits "
        f"{every['credits_current']:,.2f} -> {every['credits_draft']:,.2f} "
        f"({every['credits_diff']:+,.2f} {result.currency})"
    )
    for path in written:
        typer.echo(f"wrote {path}")


if __name__ == "__main__":
    app()
