"""What the commands share: exit codes, the one-line error, TABLE options, answers."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from crossroads.engine.outputs import i18n
from crossroads.engine.table import pipeline as tables
from crossroads.engine.errors import TableNotFound
from crossroads.engine.decision.evaluate import DECIDED
from crossroads.engine.table.loader import MAX_BYTES

from .terminal import one_line

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNDECIDED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def die(message: str, code: int) -> NoReturn:
    click.echo(one_line(f"crossroads: error: {message}"), err=True)
    raise click.exceptions.Exit(code)


max_bytes_option = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=MAX_BYTES,
    show_default=True,
    help="Refuse table files larger than this.",
)


def max_seconds_option(default: float, help: str) -> Any:
    """``--max-seconds``: the time budget of an exact analysis (its default and what it bounds vary)."""
    return click.option(
        "--max-seconds", type=click.FloatRange(min=0, min_open=True), default=default, show_default=True, help=help
    )


def _remember_decision(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta["crossroads.decision"] = value


def table_options(f: Any) -> Any:
    f = click.option("--no-cache", is_flag=True, help="Do not read or write the compiled-table cache.")(f)
    f = click.option(
        "--decision",
        metavar="NAME",
        default=None,
        expose_value=False,
        callback=_remember_decision,
        help="The decision table of a .dmn TABLE (its name or imported id); required when the model has several.",
    )(f)
    return max_bytes_option(f)


def is_dmn(table: str | None) -> bool:
    """A TABLE argument that is a DMN model (``.dmn``), read through the importer (``--decision``)."""
    return table is not None and table.lower().endswith(".dmn") and os.path.lexists(table)


def lang_option(f: Any) -> Any:
    """``--lang LANG``: the interface language of a command that shows text to people."""
    return click.option(
        "--lang",
        metavar="LANG",
        default=None,
        help=f"Interface language ({', '.join(i18n.languages())}; zh-CN works too). Default: from LC_ALL/LANG, else English.",
    )(f)


def ui_catalog(lang: str | None) -> i18n.Catalog:
    """The catalog for ``--lang`` (None: from the environment); an unknown one is a note on stderr."""
    choice = i18n.resolve(lang, os.environ)
    if choice.note:
        click.echo(f"crossroads: note: {choice.note}", err=True)
    return i18n.messages(choice.lang)


def localized_table(compiled: Any, catalog: i18n.Catalog) -> Any:
    """The table with its content in the catalog's language when its translation is complete.

    Otherwise the English content, and the fallback notice (in the interface
    language) on stderr, as the guide page shows it above the content.
    """
    from crossroads.engine.table.translations import localize

    view = localize(compiled, catalog.lang)
    if view.notice:
        click.echo(catalog["fallback_notice_cli"], err=True)
    return view.table


def compiled_table(table: str | None, no_cache: bool, max_bytes: int) -> Any:
    ctx = click.get_current_context(silent=True)
    decision = ctx.meta.get("crossroads.decision") if ctx is not None else None
    if is_dmn(table):
        from crossroads.engine.interop.models import model_source

        source = model_source(str(table), decision, max_bytes)
        return tables.compiled(source, use_cache=not no_cache, max_bytes=max(max_bytes, len(source.data)))
    if decision is not None:
        die("--decision picks a table of a .dmn model; TABLE is not one", EXIT_USAGE)
    return tables.compiled(tables.find(table, max_bytes), use_cache=not no_cache, max_bytes=max_bytes)


def read_answers_file(path: str, max_bytes: int) -> dict[str, Any]:
    """``--answers FILE|-``: a JSON or YAML mapping (``answers.read_file``; ``-`` is standard input)."""
    from crossroads.engine.table import answers

    if path == "-":
        return answers.read_stream(sys.stdin.buffer, "<stdin>", max_bytes)
    return answers.read_file(path, max_bytes)


def read_answers(compiled: Any, pairs: tuple[str, ...], answers_file: str | None, max_bytes: int) -> dict[str, Any]:
    from crossroads.engine.table.answers import parse_answers, parse_pairs

    inputs = compiled.input_index
    parsed: dict[str, Any] = {}
    if answers_file:
        parsed.update(parse_answers(inputs, read_answers_file(answers_file, max_bytes)))
    parsed.update(parse_pairs(inputs, list(pairs)))
    return parsed


def exit_for(status: str) -> int:
    return EXIT_OK if status == DECIDED else EXIT_UNDECIDED


def table_files(paths: tuple[str, ...]) -> list[str]:
    """FILE_OR_DIR arguments to table files (``tables.table_files``); a missing path is a usage error."""
    try:
        return tables.table_files(paths)
    except TableNotFound as exc:
        die(str(exc), EXIT_USAGE)
