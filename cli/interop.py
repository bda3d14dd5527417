"""``import``: decision tables from DMN models and GoRules JDM graphs, one crossroads table file each."""

from __future__ import annotations

import os

import click

from crossroads.engine.errors import DataError, TableError, WriteError
from crossroads.engine.findings import Finding
from crossroads.engine.interop.common import Outcome, Refused

from . import formats
from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, die, max_bytes_option


def _read(model: str, max_bytes: int) -> list[Outcome]:
    """The model's tables, by its suffix: ``.dmn``/``.xml`` DMN, ``.json`` GoRules JDM."""
    lower = model.lower()
    if lower.endswith((".dmn", ".xml")):
        from crossroads.engine.interop import dmn

        return dmn.read_file(model, max_bytes)
    if lower.endswith(".json"):
        from crossroads.engine.interop import jdm

        return jdm.read_file(model, max_bytes)
    raise DataError(f"{model}: cannot tell the model's kind: expected a .dmn or .xml (DMN) or .json (GoRules JDM) file")


@click.command("import")
@click.argument("model", metavar="MODEL.dmn|MODEL.json")
@click.option(
    "-o",
    "--output",
    "out_dir",
    default=".",
    show_default=True,
    metavar="DIR",
    help="Folder to write the tables into (created if missing).",
)
@click.option("--decision", metavar="NAME", default=None, help="Import only this decision table (its name or id).")
@click.option("--force", is_flag=True, help="Overwrite table files that exist.")
@max_bytes_option
def import_cmd(model: str, out_dir: str, decision: str | None, force: bool, max_bytes: int) -> None:
    """Import the decision tables of a DMN model or a GoRules JDM graph.

    Writes DIR/<id>.yaml per table (formatted, atomically; an existing file
    only with --force), prints each file written on stdout and each table
    refused on stderr (file:line: refused ...). Exit 0 every table imported,
    1 some refused or not written (the rest are written), 2 usage or an
    unreadable model.
    """
    from crossroads.engine.interop.common import to_yaml
    from crossroads.engine.interop.models import choose, place
    from crossroads.engine.table import pipeline as tables

    try:
        outcomes = _read(model, max_bytes)
    except TableError as exc:
        click.echo(formats.render_text(exc.findings), err=True, nl=False)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    except DataError as exc:
        die(str(exc), EXIT_USAGE)
    if decision is not None:
        outcomes = [choose(outcomes, decision, model)]
    if not outcomes:
        die(f"{model}: the model holds no decision table", EXIT_USAGE)
    failed = 0
    source_name = os.path.basename(model)
    for o in outcomes:
        if isinstance(o, Refused):
            click.echo(f"{o.at}: refused {o.message}", err=True)
            failed += 1
            continue
        text = to_yaml(o, source_name)
        source = tables.Source(f"{model}#{o.id}", text.encode("utf-8"))
        errors = tables.blocking_errors(tables.load(source, max(max_bytes, len(source.data))))
        if errors:
            for f in place(errors, o, source):
                click.echo(f"{_where(f)}: refused {o.element}: {f.message}", err=True)
            failed += 1
            continue
        target = os.path.join(out_dir, f"{o.id}.yaml")
        try:
            os.makedirs(out_dir, exist_ok=True)
            from crossroads.engine.atomic import write_atomic

            write_atomic(target, source.data, overwrite=force)
        except (WriteError, OSError) as exc:
            reason = str(exc) if isinstance(exc, WriteError) else (exc.strerror or str(exc))
            if not force and os.path.lexists(target):
                reason = f"{target} exists (pass --force to overwrite it)"
            click.echo(f"crossroads: error: {reason}", err=True)
            failed += 1
            continue
        click.echo(f"wrote {target} ({o.element})")
        for note in o.notes:
            click.echo(f"{o.at}: note: {note}", err=True)
    raise click.exceptions.Exit(EXIT_FAIL if failed else EXIT_OK)


def _where(f: Finding) -> str:
    out = f.file or "?"
    if f.line is not None:
        out += f":{f.line}"
        if f.column is not None:
            out += f":{f.column}"
    return out
