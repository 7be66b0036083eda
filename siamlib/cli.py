"""The ``siam`` command: a thin typer layer over the :mod:`siamlib` functions.

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["version"]).output.strip()
'0.1.0'
"""

from pathlib import Path

import typer

from siamlib import __version__

app = typer.Typer(
    help="SIAM Performance Workbook: monthly supplier scorecards, reports and delivery.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """SIAM Performance Workbook command line."""


@app.command()
def version() -> None:
    """Print the workbook version."""
    typer.echo(__version__)


@app.command("demo-data")
def demo_data(
    tickets: int = typer.Option(20_000, "--tickets", help="Number of tickets to generate."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives the same data."),
    out: str = typer.Option(None, "--out", help="Dataset folder (default: data/demo)."),
) -> None:
    """Generate the deterministic demo estate and write it as a dataset folder."""
    import time

    from siamlib import demo

    start = time.perf_counter()
    folder = demo.write_demo(out, n_tickets=tickets, seed=seed)
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
    jobs: int = typer.Option(2, "--jobs", min=1, help="Parallel report workers."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and compute; render nothing."),
    executor: str = typer.Option("local", "--executor", help="local (process pool) or dask."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
) -> None:
    """The monthly job: validate and compute once, render every report, write the pack."""
    from siamlib import batch
    from siamlib.params import ParamsError

    if executor not in ("local", "dask"):
        raise typer.BadParameter("--executor must be 'local' or 'dask'")
    if executor == "dask" and not scheduler:
        raise typer.BadParameter("--executor dask needs --scheduler ADDRESS")
    try:
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
        )
    except (ParamsError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    code = batch.main_exit(result)
    if result.status == "dry-run":
        typer.echo(f"dry run: {len(result.reports)} reports planned, nothing written")
    else:
        typer.echo(f"index: {Path(result.folder).parent.parent / period / 'index.html'}")
    raise typer.Exit(code)


@app.command("validate")
def validate_cmd(
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    out: str = typer.Option(None, "--out", help="Write the results as JSON to this file."),
) -> None:
    """Run the data-quality gate; exit 1 when a blocking rule fails."""
    from siamlib import io, paths, quality
    from siamlib.params import ParamsError, load_params

    folder = Path(data) if data else paths.DEMO_DATA_DIR
    try:
        p = load_params(params)
        window = io.read_dataset_info(folder).window
        tables = io.read_dataset(folder)
    except (ParamsError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    result = quality.validate(tables, p, window)
    typer.echo(quality.summary_text(result))
    if out:
        io.write_json_atomic(out, quality.to_json(result))
        typer.echo(f"results: {out}")
    raise typer.Exit(0 if result.ok else 1)


@app.command("docs")
def docs_cmd() -> None:
    """Regenerate docs/data-model.md and docs/measures.md from the code."""
    from siamlib import docs

    for path in docs.write_docs():
        typer.echo(f"wrote {path}")


@app.command("send")
def send_cmd(
    period: str = typer.Option(..., "--period", help="Reporting month, YYYY-MM."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write .eml files only; send nothing."),
    outbox: str = typer.Option(None, "--outbox", help="Outbox folder (default: outbox/)."),
    reports: str = typer.Option(None, "--reports", help="Reports folder (default: reports/)."),
    data: str = typer.Option(None, "--data", help="Dataset folder (default: data/demo)."),
    params: str = typer.Option(None, "--params", help="Params folder (default: params/)."),
    only: str = typer.Option(None, "--only", help="Comma-separated report names to send."),
) -> None:
    """Email every report (summary body + PDF); SMTP settings come from SIAM_SMTP_* only."""
    from siamlib import delivery
    from siamlib.params import ParamsError

    names = [s.strip() for s in only.split(",") if s.strip()] if only else None
    try:
        result = delivery.deliver_period(
            period,
            data_dir=data,
            params_dir=params,
            reports_dir=reports,
            outbox=outbox,
            dry_run=dry_run,
            names=names,
            log=typer.echo,
        )
    except (delivery.DeliveryError, ParamsError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
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


if __name__ == "__main__":
    app()
