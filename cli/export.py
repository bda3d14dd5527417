"""``export``: a table as a DMN 1.5 model or a GoRules JDM graph, for the tools people already run."""

from __future__ import annotations

import click
from crossroads.engine.atomic import write_atomic
from crossroads.engine.errors import NotExpressible
from crossroads.engine.table.compiler import CompiledTable

from .common import EXIT_FAIL, compiled_table, die, table_options

TARGETS = ("dmn", "jdm")


def render(compiled: CompiledTable, target: str) -> str:
    """The exported text; the exporters are imported only for the target asked for."""
    if target == "dmn":
        from crossroads.engine.interop.dmn_export import export_dmn

        return export_dmn(compiled)
    from crossroads.engine.interop.jdm import export_table

    return export_table(compiled)


@click.command("export")
@click.argument("table", required=False)
@click.option(
    "--to", "target", type=click.Choice(TARGETS), required=True, help="dmn: DMN 1.5 XML; jdm: a GoRules JDM graph."
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Where to write (- for stdout); a file is written atomically and never overwritten without --force.",
)
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@table_options
def export_cmd(table: str | None, target: str, output: str, force: bool, no_cache: bool, max_bytes: int) -> None:
    """Write TABLE as a DMN 1.5 decision (--to dmn) or a GoRules JDM graph (--to jdm).

    The export decides exactly as the table does, or is refused with the
    reason (for example, a `unique` table whose rows may overlap has no exact
    JDM form: ZEN knows only `first` and `collect`). `crossroads import` reads
    the result back with no semantic difference. Exit 0 written, 1 invalid
    table, refused or not written, 2 usage.
    """
    compiled = compiled_table(table, no_cache, max_bytes)
    try:
        text = render(compiled, target)
    except NotExpressible as exc:
        die(f"cannot export to {target}: {exc}", EXIT_FAIL)
    if output == "-":
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text.encode("utf-8"), overwrite=force)
