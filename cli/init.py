"""``crossroads init``: write a commented starter table that lints clean and whose examples pass."""

from __future__ import annotations

import os

import click

from crossroads.engine.atomic import write_atomic
from crossroads.engine.starter import starter_table


def default_schema_ref() -> str:
    """The schema's published ``$id``, for the editor modeline."""
    from crossroads.engine.schema import schema

    return str(schema().get("$id", "crossroads-1.schema.json"))


@click.command("init")
@click.argument("path", metavar="PATH")
@click.option("--schema", "schema_ref", default=None, metavar="PATH_OR_URL", help="Where the modeline points editors for the JSON Schema [default: the schema's $id].")
def init_cmd(path: str, schema_ref: str | None) -> None:
    """Write a small commented starter table to PATH.

    It lints clean and its examples pass; an existing file is never
    overwritten. Exit 0 written, 1 PATH exists or cannot be written, 2 usage.
    """
    text = starter_table(os.path.basename(path), schema_ref or default_schema_ref())
    write_atomic(path, text.encode("utf-8"), overwrite=False)
    click.echo(f"wrote {path}; next: crossroads lint {path} && crossroads test {path}", err=True)
