"""``sql``: print a table as one SQL select list (``engine/outputs/sql.py``)."""

from __future__ import annotations

import click
from crossroads.engine.errors import DataError

from .common import EXIT_USAGE, compiled_table, die, table_options

DIALECTS = ("duckdb", "spark", "postgres", "sqlite")  # engine.sql.DIALECTS, without importing sqlglot at start-up


@click.command("sql")
@click.argument("table", required=False)
@click.option(
    "--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True, help="SQL dialect to write."
)
@click.option(
    "--column",
    "column_pairs",
    multiple=True,
    metavar="INPUT=EXPR",
    help="Read INPUT from the SQL expression EXPR (default: the column named like the input).",
)
@table_options
def sql_cmd(table: str | None, dialect: str, column_pairs: tuple[str, ...], no_cache: bool, max_bytes: int) -> None:
    """Print the table as a SQL select list: outcome, rule, error (then one column per output).

    Use it as SELECT *, <it> FROM data, where each row's columns hold the
    answers. A row with an invalid answer gets outcome NULL and an error
    naming the input; see the README for the semantics per dialect.
    Exit 0 printed, 1 table invalid or not expressible in SQL, 2 usage.
    """
    columns: dict[str, str] = {}
    for pair in column_pairs:
        name, sep, expression = pair.partition("=")
        if not sep or not name.strip() or not expression.strip():
            die(f"--column {pair!r}: expected INPUT=EXPR", EXIT_USAGE)
        columns[name.strip()] = expression
    compiled = compiled_table(table, no_cache, max_bytes)
    try:
        from crossroads.engine.outputs.sql import to_sql

        text = to_sql(compiled, dialect, columns, pretty=True)
    except DataError as exc:
        die(str(exc), EXIT_USAGE)
    click.echo(text)
