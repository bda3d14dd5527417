"""``batch``: evaluate a stream of answer sets, one JSON line each, or a CSV/Parquet file with DuckDB."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import click

from crossroads.engine.outputs.jsonlines import MAX_LINE as MAX_LINE  # re-exported (the line limit)
from crossroads.engine.outputs.jsonlines import parse_fields

from .lines import json_lines
from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, compiled_table, die, table_options
from .terminal import counted


@click.command("batch")
@click.argument("table", required=False)
@click.option(
    "--input",
    "input_path",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="JSON Lines of answer mappings, or a .csv or .parquet file (run with DuckDB).",
)
@click.option(
    "--output",
    "output_path",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Where results go: .csv or .parquet for file input (required there); JSON Lines otherwise.",
)
@click.option(
    "--any-order", is_flag=True, help="CSV/Parquet: let output rows come in any order (less memory on large files)."
)
@click.option(
    "--fields",
    metavar="NAME,...",
    help="JSON Lines: write only these fields of each result (e.g. outcome,rule); default: the full result.",
)
@table_options
def batch_cmd(
    table: str | None,
    input_path: str,
    output_path: str,
    any_order: bool,
    fields: str | None,
    no_cache: bool,
    max_bytes: int,
) -> None:
    """Evaluate every line of a JSON Lines file, or every row of a CSV or Parquet file.

    JSON Lines: one JSON result per line; a bad line prints
    {"line": N, "error": "..."} and processing continues.
    CSV/Parquet (needs the data extra): runs the table's SQL in DuckDB and
    writes every input column plus outcome, rule and error to --output.
    Exit 0 every line/row evaluated, 1 some failed, 2 usage.
    """
    from crossroads.engine.outputs.filebatch import file_format

    selected = None
    if fields is not None:
        try:
            selected = parse_fields(fields)
        except ValueError as exc:
            die(f"--fields: {exc}", EXIT_USAGE)
    compiled = compiled_table(table, no_cache, max_bytes)
    if input_path != "-" and file_format(input_path):
        if selected is not None:
            die("--fields: JSON Lines only (CSV/Parquet output has its own columns)", EXIT_USAGE)
        _files(compiled, input_path, output_path, not any_order)
    if input_path == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(input_path, "rb")
        except OSError as exc:
            die(f"{input_path}: {exc.strerror or exc}", EXIT_USAGE)
    failed = 0
    try:
        if output_path == "-":
            failed = _json_lines(compiled, stream, sys.stdout, selected)
        else:
            import io

            from crossroads.engine.atomic import open_atomic

            with open_atomic(output_path) as raw:  # atomic for a file; a FIFO or device is written into
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True)
                failed = _json_lines(compiled, stream, out, selected)
                out.detach()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    raise click.exceptions.Exit(EXIT_FAIL if failed else EXIT_OK)


def _json_lines(compiled: Any, stream: Any, out: Any, fields: tuple[str, ...] | None = None) -> int:
    """Write one JSON line per answer set of ``stream`` (``cli/lines.py``); the number that failed."""
    return json_lines(compiled, stream, out, fields)


def _files(compiled: Any, input_path: str, output_path: str, keep_order: bool) -> None:
    """CSV/Parquet in, CSV/Parquet out through DuckDB (``engine/outputs/filebatch.py``); exits."""
    from crossroads.engine.errors import DataError
    from crossroads.engine.outputs.filebatch import file_format, run

    if output_path == "-" or not file_format(output_path):
        die(f"--output: a .csv or .parquet file is required for {input_path} (got {output_path!r})", EXIT_USAGE)
    if not os.path.isfile(input_path):
        die(f"{input_path}: no such file", EXIT_USAGE)
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        summary = run(compiled, input_path, output_path, keep_order=keep_order, progress=bar)
    except DataError as exc:
        die(str(exc), EXIT_USAGE)
    finally:
        if bar is not None:
            bar.clear()
    errors = f"{summary.errors:,} with an error" if summary.errors else "no errors"
    click.echo(f"crossroads: {counted(summary.rows, 'row')} → {output_path} ({errors})", err=True)
    raise click.exceptions.Exit(EXIT_FAIL if summary.errors else EXIT_OK)


class _ProgressBar:
    """A one-line progress bar on stderr (a terminal), shown once a run takes longer than a second."""

    WIDTH = 30

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, percent: float) -> None:
        if time.monotonic() - self.start < 1.0:
            return
        filled = int(self.WIDTH * min(percent, 100.0) / 100)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:5.1f}%")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * (self.WIDTH + 10) + "\r")
            sys.stderr.flush()
