"""``lint`` and ``schema``: check tables and publish the contract."""

from __future__ import annotations

import os

import click

from crossroads import __version__
from crossroads.engine.analysis.rows import DEFAULT_MAX_SECONDS
from crossroads.engine.findings import has_errors
from crossroads.engine.errors import TableNotFound
from crossroads.engine.interop.models import lint_paths, model_files

from . import formats
from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, die, max_bytes_option, max_seconds_option
from .terminal import counted


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats.FORMATS),
    default=None,
    help="Output format [default: text; github when GITHUB_ACTIONS=true].",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@max_bytes_option
@max_seconds_option(
    DEFAULT_MAX_SECONDS, "Time budget of the row analysis per file; past it, an analysis-incomplete warning."
)
def lint_cmd(paths: tuple[str, ...], fmt: str | None, strict: bool, max_bytes: int, max_seconds: float) -> None:
    """Check tables: YAML safety, schema, references, conditions, examples,
    and the rows: unreachable, conflicting, missing, redundant, mergeable.

    Directories are searched for *.yaml, *.yml and DMN models (*.dmn),
    which are imported in memory and checked table by table. Text lines read
    file:line:col: severity code: message. Exit 0 no errors, 1 errors
    (or warnings with --strict), 2 usage.
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    try:
        files = model_files(paths)
    except TableNotFound as exc:
        die(str(exc), EXIT_USAGE)
    findings = lint_paths(files, max_bytes=max_bytes, max_seconds=max_seconds)
    if fmt == "json":
        click.echo(formats.render_json(findings), nl=False)
    elif fmt == "github":
        click.echo(formats.render_github(findings), nl=False)
    elif fmt == "sarif":
        click.echo(formats.render_sarif(findings, __version__), nl=False)
    else:
        click.echo(formats.render_text(findings), nl=False)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        click.echo(
            f"{counted(len(files), 'file')} checked: {counted(errors, 'error')}, {counted(warnings, 'warning')}",
            err=True,
        )
    failing = has_errors(findings) or (strict and bool(findings))
    raise click.exceptions.Exit(EXIT_FAIL if failing else EXIT_OK)


@click.command("schema")
def schema_cmd() -> None:
    """Print the crossroads/1 JSON Schema."""
    from crossroads.engine.table.schema import schema_text

    click.echo(schema_text(), nl=False)
