"""``siam import ...``: the command-line face of the importers (a thin typer layer).

Each command imports one file, writes the dataset folder, ``rejects*.csv`` and
``import_summary*.json`` into ``--out``, and prints the summary. It exits with status 1 when
the source cannot be imported at all (empty, unreadable, columns missing, bad mapping) and 0
otherwise, rejects or not: rejected rows are data to look at, listed in the rejects file.

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(import_app, ["--help"]).exit_code
0
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import_app = typer.Typer(
    help="Import real exports (ServiceNow, event logs, supplier returns) into a dataset folder.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="Source file: CSV, .csv.gz or .xlsx.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Dataset folder to write.")]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", help="Time zone of the source's times (default: the mapping's)."),
]
ParamsOpt = Annotated[
    Path | None, typer.Option("--params", help="Params folder (default: the project's).")
]


def _finish(result, out: Path, name: str | None) -> None:
    from siamlib.importers.files import write_import

    written = write_import(result, out, name=name)
    typer.echo(result.summary.to_text())
    what = "dataset and rejects" if result.window is not None else "rejects only (nothing imported)"
    typer.echo(f"  wrote {what} to {out} ({written['rejects'].name})")


def _run(fn, *args, **kwargs):
    from siamlib.importers.result import ImporterError
    from siamlib.params import ParamsError

    try:
        return fn(*args, **kwargs)
    except (ImporterError, ParamsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@import_app.command("servicenow")
def servicenow_cmd(
    file: FileArg,
    out: OutOpt,
    tz: TzOpt = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="Mapping file (default: params/mappings/servicenow.yaml)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Dataset name.")] = None,
    params: ParamsOpt = None,
) -> None:
    """Import a ServiceNow incident audit export (one row per update)."""
    from siamlib.importers.servicenow import import_servicenow

    result = _run(import_servicenow, file, mapping, tz, params_root=params)
    _run(_finish, result, out, name)


@import_app.command("eventlog")
def eventlog_cmd(
    file: FileArg,
    mapping: Annotated[Path, typer.Option(help="Mapping file (params/mappings/*.yaml).")],
    out: OutOpt,
    tz: TzOpt = None,
    name: Annotated[str | None, typer.Option(help="Dataset name.")] = None,
    params: ParamsOpt = None,
) -> None:
    """Import any status-change event log with a mapping file."""
    from siamlib.importers.eventlog import import_eventlog

    result = _run(import_eventlog, file, mapping, tz=tz, params_root=params)
    _run(_finish, result, out, name)


@import_app.command("returns")
def returns_cmd(
    file: FileArg,
    kind: Annotated[str, typer.Option(help="improvements or surveys.")],
    out: OutOpt,
    supplier: Annotated[
        str | None, typer.Option(help="Submitting supplier: other suppliers' rows are rejected.")
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="Time zone of the dates (default: the estate's).")
    ] = None,
    params: ParamsOpt = None,
) -> None:
    """Import a supplier return (improvement register or survey results)."""
    from siamlib.importers.returns import KINDS, import_returns

    if kind not in KINDS:
        typer.echo(f"error: --kind must be one of {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)
    result = _run(import_returns, file, kind, supplier_id=supplier, tz=tz, params_root=params)
    _run(_finish, result, out, None)
