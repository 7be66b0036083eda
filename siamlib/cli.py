"""The ``siam`` command: a thin typer layer over the :mod:`siamlib` functions.

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["version"]).output.strip()
'0.1.0'
"""

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
