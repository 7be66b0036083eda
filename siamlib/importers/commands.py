"""``siam import ...``: the command-line face of the importers (a thin typer layer).

Each command imports one file, writes the dataset folder, ``rejects*.csv`` and
``import_summary*.json`` into ``--out``, and prints the summary. It exits with status 2 and a
one-line error, writing nothing, when a path is unusable (checked before any work), ``--out``
already holds a dataset (event logs; ``--replace`` replaces it whole) or the source cannot be
imported at all (empty, unreadable, columns missing, bad mapping, dates in the other
day/month order, no usable row: :mod:`siamlib.importers.checks`); it exits 0 otherwise,
rejects or not: rejected rows are data to look at, listed in the rejects file (they never
reach the dataset).

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
ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace", help="Replace the dataset already in --out (swapped in whole when done)."
    ),
]
ExtractedOpt = Annotated[
    str | None,
    typer.Option(
        "--extracted-at",
        help="When the export was taken (ISO date or time; no offset: the estate's zone). "
        "The data window then ends there; without it, at the log's last timestamp, so a "
        "month the log holds only in part is never reported on as whole.",
    ),
]
ParamsOpt = Annotated[
    Path | None, typer.Option("--params", help="Params folder (default: the project's).")
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _check_paths(
    file: Path,
    out: Path,
    *,
    mapping: Path | None = None,
    params: Path | None = None,
    dataset_out: bool = False,
    replace: bool = False,
) -> None:
    """Every path option checked before any work; nothing is created here."""
    from siamlib.importers.publish import holds_dataset
    from siamlib.pathcheck import PathError, existing_dir, existing_file, writable_dir

    try:
        existing_file(file, "FILE")
        if file.stat().st_size == 0:
            _fail(f"FILE {file}: the file is empty (0 bytes); export it again")
        if mapping is not None:
            existing_file(mapping, "--mapping")
        if params is not None:
            existing_dir(params, "--params")
        if out.exists() and not out.is_dir():
            _fail(f"--out {out}: is a file, not a folder; pass a folder")
        if out.exists():
            writable_dir(out, "--out")
        # The new folder is built beside --out, so its parent must take new files.
        parent = next(p for p in out.absolute().parents if p.exists())
        if not parent.is_dir():
            _fail(f"--out {out}: {parent} is a file, so no folder can be made there")
        writable_dir(parent, "--out")
    except PathError as exc:
        _fail(str(exc))
    if dataset_out and not replace and holds_dataset(out):
        _fail(
            f"--out {out}: already holds a dataset; pass --replace to replace it whole, or "
            "choose another --out"
        )


def _finish(
    result, out: Path, name: str | None, replace: bool = False, shrink: bool = False
) -> None:
    from siamlib.importers.files import write_import

    written = write_import(result, out, name=name, replace=replace, shrink=shrink)
    typer.echo(result.summary.to_text())
    what = "dataset and rejects" if result.window is not None else "rejects only (nothing imported)"
    typer.echo(f"  wrote {what} to {out} ({written['rejects'].name})")


def _check_when(extracted_at: str | None) -> None:
    """``--extracted-at`` must read as a date or time: checked before the import's work."""
    import pandas as pd

    if extracted_at is not None:
        try:
            pd.Timestamp(extracted_at)
        except ValueError:
            _fail(f"--extracted-at {extracted_at}: not a date or time; e.g. 2026-11-01T06:30")


def _declare(result, extracted_at: str | None, params: Path | None) -> None:
    """End the data window at ``--extracted-at`` (read in the estate's zone without offset)."""
    from siamlib.importers.eventlog import load_estate
    from siamlib.importers.window import declare_extracted_at

    if extracted_at is not None:
        tz = _run(load_estate, params).timezone
        _run(declare_extracted_at, result, extracted_at, tz)


def _run(fn, *args, **kwargs):
    from siamlib.importers.result import ImporterError
    from siamlib.params import ParamsError

    try:
        return fn(*args, **kwargs)
    except (ImporterError, ParamsError) as exc:
        _fail(str(exc))
    except OSError as exc:  # a file vanished or a disk filled up between the checks and now
        _fail(f"{exc.filename or 'file'}: {exc.strerror or exc}; nothing was written")


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
    replace: ReplaceOpt = False,
    extracted_at: ExtractedOpt = None,
) -> None:
    """Import a ServiceNow incident audit export (one row per update)."""
    from siamlib.importers.servicenow import import_servicenow

    _check_paths(file, out, mapping=mapping, params=params, dataset_out=True, replace=replace)
    _check_when(extracted_at)
    result = _run(import_servicenow, file, mapping, tz, params_root=params)
    _declare(result, extracted_at, params)
    _run(_finish, result, out, name, replace)


@import_app.command("eventlog")
def eventlog_cmd(
    file: FileArg,
    mapping: Annotated[Path, typer.Option(help="Mapping file (params/mappings/*.yaml).")],
    out: OutOpt,
    tz: TzOpt = None,
    name: Annotated[str | None, typer.Option(help="Dataset name.")] = None,
    params: ParamsOpt = None,
    replace: ReplaceOpt = False,
    extracted_at: ExtractedOpt = None,
) -> None:
    """Import any status-change event log with a mapping file."""
    from siamlib.importers.eventlog import import_eventlog

    _check_paths(file, out, mapping=mapping, params=params, dataset_out=True, replace=replace)
    _check_when(extracted_at)
    result = _run(import_eventlog, file, mapping, tz=tz, params_root=params)
    _declare(result, extracted_at, params)
    _run(_finish, result, out, name, replace)


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
    shrink: Annotated[
        bool,
        typer.Option(
            "--shrink",
            help="Replace a held month even with fewer than half its rows (refused otherwise).",
        ),
    ] = False,
) -> None:
    """Import a supplier return (improvement register or survey results).

    Into a folder that already holds a dataset the return merges: the submitting supplier's
    rows of the periods the file covers are replaced, everything else is kept. A return that
    would leave fewer than half of a held month's rows is refused unless --shrink.
    """
    from siamlib.importers.returns import KINDS, import_returns

    if kind not in KINDS:
        _fail(f"--kind must be one of {', '.join(KINDS)}")
    _check_paths(file, out, params=params)
    result = _run(import_returns, file, kind, supplier_id=supplier, tz=tz, params_root=params)
    _run(_finish, result, out, None, shrink=shrink)
