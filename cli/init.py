"""``crossroads init``: write a commented starter table that lints clean and whose examples pass."""

from __future__ import annotations

import os
import shlex

import click

from crossroads.engine.atomic import write_atomic
from crossroads.engine.authoring.starter import starter_table

from .common import EXIT_FAIL, EXIT_USAGE, die
from .terminal import one_line


def default_schema_ref() -> str:
    """The schema's published ``$id``, for the editor modeline."""
    from crossroads.engine.table.schema import schema

    return str(schema().get("$id", "crossroads-1.schema.json"))


@click.command("init")
@click.argument("path", metavar="PATH")
@click.option(
    "--schema",
    "schema_ref",
    default=None,
    metavar="PATH_OR_URL",
    help="Where the modeline points editors for the JSON Schema [default: the schema's $id].",
)
def init_cmd(path: str, schema_ref: str | None) -> None:
    """Write a small commented starter table to PATH.

    It lints clean and its examples pass; an existing file is never
    overwritten; missing parent folders are created. Exit 0 written,
    1 PATH exists or cannot be written, 2 usage (PATH not *.yaml/*.yml).
    """
    if not path.lower().endswith((".yaml", ".yml")):
        die(f"{path}: a table file's name ends in .yaml or .yml (lint and test look for those)", EXIT_USAGE)
    text = starter_table(path, schema_ref or default_schema_ref())
    folder = os.path.dirname(path)
    if folder:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            die(f"{path}: cannot create {folder}: {exc.strerror or exc}", EXIT_FAIL)
    write_atomic(path, text.encode("utf-8"), overwrite=False)
    shown = shlex.quote(path)
    click.echo(one_line(f"wrote {path}; next: crossroads lint {shown} && crossroads test {shown}"), err=True)
