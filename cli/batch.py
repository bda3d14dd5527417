"""``batch``: evaluate a stream of answer sets, one JSON line each."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any, Iterator

import click

from crossroads.engine.errors import AnswerError, HitPolicyViolation
from crossroads.engine.evaluate import evaluate

from . import render
from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, compiled_table, die, table_options

MAX_LINE = 1024 * 1024  # a batch line longer than this is an error, not a memory spike


def _batch_lines(stream: Any) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line; text None for a line over ``MAX_LINE`` bytes."""
    number = 0
    while True:
        chunk = stream.readline(MAX_LINE + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # drain the rest of the long line
                chunk = stream.readline(MAX_LINE)
            yield number, None
            continue
        yield number, chunk.decode("utf-8", "replace").rstrip("\r\n")


@click.command("batch")
@click.argument("table", required=False)
@click.option("--input", "input_path", default="-", show_default=True, metavar="FILE|-", help="JSON Lines of answer mappings.")
@table_options
def batch_cmd(table: str | None, input_path: str, no_cache: bool, max_bytes: int) -> None:
    """Evaluate every line of a JSON Lines file; print one JSON result per line.

    A bad line prints {"line": N, "error": "..."} and processing continues.
    Exit 0 every line evaluated, 1 some lines failed.
    """
    from crossroads.engine.answers import parse_answers

    compiled = compiled_table(table, no_cache, max_bytes)
    inputs = compiled.input_index
    if input_path == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(input_path, "rb")
        except OSError as exc:
            die(f"{input_path}: {exc.strerror or exc}", EXIT_USAGE)
    failed = 0
    out = sys.stdout
    try:
        for number, text in _batch_lines(stream):
            try:
                if text is None:
                    raise ValueError(f"line longer than {MAX_LINE} bytes")
                try:
                    raw = json.loads(text, parse_float=Decimal)
                except (ValueError, RecursionError):
                    raise ValueError("not valid JSON") from None
                if not isinstance(raw, dict):
                    raise ValueError("expected a JSON object of input id to answer")
                result = evaluate(compiled, parse_answers(inputs, raw))
                line = render.dumps(render.result_json(compiled, result))
            except (ValueError, AnswerError, HitPolicyViolation) as exc:
                failed += 1
                line = render.dumps({"line": number, "error": str(exc)})
            out.write(line + "\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    out.flush()
    raise click.exceptions.Exit(EXIT_FAIL if failed else EXIT_OK)


