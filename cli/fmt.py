"""``crossroads fmt``: rewrite tables in the canonical layout (``engine/authoring/formatter.py``)."""

from __future__ import annotations

import difflib

import click

from crossroads.engine.atomic import rewrite_refusal, write_atomic
from crossroads.engine.errors import FormatError, TableError, WriteError
from crossroads.engine.authoring.formatter import format_table
from crossroads.engine.table.loader import read_bytes

from . import formats
from .common import EXIT_FAIL, EXIT_OK, max_bytes_option, table_files
from .terminal import counted


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change (exit 1 if any).")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@max_bytes_option
@click.option(
    "--force", is_flag=True, help="Rewrite read-only files and files with other hard links too (splitting the links)."
)
def fmt_cmd(paths: tuple[str, ...], check: bool, show_diff: bool, max_bytes: int, force: bool) -> None:
    """Format tables: canonical key order and layout, comments kept.

    Directories are searched for *.yaml and *.yml. Files are rewritten
    atomically, keeping their mode, owner and group; a file that does not
    load is left untouched, with the loader's error. A read-only file, and
    one with other hard links (which the rename would split), is refused
    unless --force. Exit 0 done (--check: nothing would change), 1 a file
    would change (--check) or could not be loaded, written or was refused,
    2 usage.
    """
    changed = unchanged = failed = 0
    for name in table_files(paths):
        if name.endswith(".json"):
            click.echo(f"{name}: skipped: a JSON table stays JSON", err=True)
            continue
        try:
            data = read_bytes(name, max_bytes)
            text = format_table(data, name, max_bytes=max_bytes)
        except TableError as exc:
            click.echo(formats.render_text(exc.findings), err=True, nl=False)
            failed += 1
            continue
        except FormatError as exc:
            click.echo(f"crossroads: error: {exc}", err=True)
            failed += 1
            continue
        new = text.encode("utf-8")
        if new == data:
            unchanged += 1
            continue
        changed += 1
        if show_diff:
            click.echo(_diff(name, data, text), nl=False)
        elif check:
            click.echo(name)
        if check or show_diff:
            continue
        refusal = None if force else rewrite_refusal(name)
        if refusal is not None:
            click.echo(
                f"crossroads: error: {name}: {refusal}: not rewriting it (--force to rewrite it anyway)", err=True
            )
            failed += 1
            continue
        try:
            write_atomic(name, new)
        except WriteError as exc:
            click.echo(f"crossroads: error: {exc}", err=True)
            failed += 1
            continue
        click.echo(f"formatted {name}", err=True)
    verb = "would be reformatted" if check or show_diff else "reformatted"
    click.echo(
        f"{counted(changed, 'file')} {verb}, {unchanged} already formatted" + (f", {failed} failed" if failed else ""),
        err=True,
    )
    raise click.exceptions.Exit(EXIT_FAIL if failed or (check and changed) else EXIT_OK)


def _diff(name: str, old: bytes, new: str) -> str:
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"{name}\t(original)", f"{name}\t(formatted)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
