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


# `siam import servicenow|eventlog|returns`: the commands live with the importers.
from siamlib.importers.commands import import_app  # noqa: E402

app.add_typer(import_app, name="import")


if __name__ == "__main__":
    app()
