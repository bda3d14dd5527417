"""The ``crossroads`` console script: a warm ``evaluate`` answered before click is imported.

Importing the click command line (``cli/main.py``) costs more than answering a cached table does
(click alone is about a third of it). So ``main`` first tries the one common case itself:

    crossroads evaluate [TABLE] [-a ID=VALUE | --answer ID=VALUE]... [--format text|json]

with TABLE's compiled table in the cache (``pipeline.cached``: nothing is loaded or written) and
answers that parse, evaluate and print without a note. Then it writes what the click command
writes (the same functions: ``render.result_text``, ``Result.to_json``, ``dumps``) and exits
with its code. Anything else — another command or option, ``--help``, a cache miss, a bad answer,
a hit policy violation, a language note, any exception — returns before a byte is written, and
the click command line runs from the start, untouched: its output, errors and exit codes are
the only ones. ``tests/test_start.py`` runs both ways and compares them byte for byte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection
from typing import Any

VALUE_OPTIONS = {"-a": "answer", "--answer": "answer", "--format": "format"}
"""The options the fast start reads (each takes a value); any other option goes to click."""


GC_THRESHOLD = 10_000
"""Allocations between the collector's young passes (Python's default is 700). Loading, validating
and compiling a big table allocates millions of objects that live until the command ends, and at
the default the collector re-scans them all along: a sixth of a cold 10k-row ``evaluate``. The
tables are acyclic data; what cycles there are still get collected, just less often. The command
line's process alone is set so: an application embedding the engine chooses its own."""


def main() -> None:
    """The console script (``crossroads``) and ``python -m crossroads``."""
    import gc

    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    code = fast_evaluate(sys.argv[1:])
    if code is None:
        code = fast_batch(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from crossroads.cli.main import main as click_main

    click_main()


def _plain(
    argv: list[str], command: str, options: Collection[str], *, stdin: bool
) -> tuple[str | None, list[tuple[str, str]]] | None:
    """TABLE and the (option, value) pairs in order of ``crossroads COMMAND [TABLE] OPTION VALUE ...``
    (``--name=value`` too), every option one of ``options``; None for any other command line — a
    second TABLE, another option, ``--``, a value missing or looking like an option (``-`` is a
    value where ``stdin``) — which click reads instead."""
    if not argv or argv[0] != command:
        return None
    table: str | None = None
    given: list[tuple[str, str]] = []
    rest = iter(argv[1:])
    for arg in rest:
        name, sep, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in options and (sep or name == arg):
            if not sep:
                following = next(rest, None)
                if following is None or (following.startswith("-") and not (stdin and following == "-")):
                    return None  # none left (click says so), or click's own reading decides
                value = following
            given.append((name, value))
        elif arg.startswith("-") or table is not None:  # another option, "-", "--", a second TABLE
            return None
        else:
            table = arg
    return table, given


def parse(argv: list[str]) -> tuple[str | None, list[str], str] | None:
    """(TABLE, the ``-a`` pairs in order, the format) of a plain ``evaluate`` command line, else None."""
    command = _plain(argv, "evaluate", VALUE_OPTIONS, stdin=False)
    if command is None:
        return None
    table, given = command
    pairs = [value for name, value in given if VALUE_OPTIONS[name] == "answer"]
    fmt = next((value for name, value in reversed(given) if VALUE_OPTIONS[name] == "format"), "text")
    if fmt not in ("text", "json"):
        return None
    return table, pairs, fmt


def fast_evaluate(argv: list[str]) -> int | None:
    """Answer a plain warm ``evaluate`` (see the module docstring): its exit code, or None to run click."""
    command = parse(argv)
    if command is None:
        return None
    try:
        output, code = _answer(*command)
    except Exception:  # noqa: BLE001 - whatever went wrong, click's command line says it properly
        return None
    if output is None:
        return None
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # as click's standalone mode: quietly, exit 1
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


def _answer(table: str | None, pairs: list[str], fmt: str) -> tuple[str | None, int]:
    """The output text and exit code, or (None, 0) when this is not the fast start's to answer."""
    import codecs

    stdout = sys.stdout
    if stdout is None or codecs.lookup(getattr(stdout, "encoding", None) or "ascii").name == "ascii":
        return None, 0  # click would rewrap such a stream
    if table is not None and table.lower().endswith(".dmn") and os.path.lexists(table):
        return None, 0  # a DMN model goes through the importer
    from crossroads.engine.decision.evaluate import DECIDED, dumps, evaluate
    from crossroads.engine.table import pipeline
    from crossroads.engine.table.answers import parse_pairs

    compiled = pipeline.cached(pipeline.find(table))
    if compiled is None:
        return None, 0
    result = evaluate(compiled, parse_pairs(compiled.input_index, pairs))
    code = 0 if result.status == DECIDED else 3  # common.exit_for
    if fmt == "json":
        return dumps(result.to_json()) + "\n", code
    return _text(compiled, result), code


def _text(compiled: Any, result: Any) -> str | None:
    """``evaluate``'s text output (``answer.evaluate_cmd``), or None when it would print a note first."""
    from crossroads.engine.outputs import i18n
    from crossroads.engine.table.translations import localize

    from .render import result_text, use_colour
    from .terminal import visible

    choice = i18n.resolve(None, os.environ)
    if choice.note:
        return None
    catalog = i18n.messages(choice.lang)
    view = localize(compiled, catalog.lang)
    if view.notice:
        return None
    return visible(result_text(view.table, result, use_colour(), catalog))


BATCH_OPTIONS = ("--input", "--fields")


def parse_batch(argv: list[str]) -> tuple[str | None, str, str | None] | None:
    """(TABLE, --input, --fields) of a plain JSON Lines ``batch`` command line, else None."""
    command = _plain(argv, "batch", BATCH_OPTIONS, stdin=True)
    if command is None:
        return None
    table, pairs = command
    given = dict(pairs)  # the last of a repeated option, as click takes it
    return table, given.get("--input", "-"), given.get("--fields")


def fast_batch(argv: list[str]) -> int | None:
    """A plain warm JSON Lines ``batch`` (standard output), before click: its exit code, or None to
    run click. Only what comes before the first line read may hand over; from there on this is
    the command (``cli/lines.py``, as ``batch_cmd`` runs it), and a broken pipe ends it as click's would."""
    command = parse_batch(argv)
    if command is None:
        return None
    table, input_path, fields = command
    try:
        stream = _batch_input(table, input_path, fields)
    except Exception:  # noqa: BLE001 - click's command line says what is wrong
        return None
    if stream is None:
        return None
    compiled, selected, source = stream
    from .lines import json_lines

    try:
        failed = json_lines(compiled, source, sys.stdout, selected)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 1 if failed else 0


def _batch_input(table: str | None, input_path: str, fields: str | None) -> tuple[Any, Any, Any] | None:
    """(compiled table, fields, the open input) for ``fast_batch``, or None when click should run."""
    import codecs

    if sys.stdout is None or codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name == "ascii":
        return None
    if table is not None and table.lower().endswith(".dmn") and os.path.lexists(table):
        return None
    from crossroads.engine.outputs.filebatch import file_format
    from crossroads.engine.outputs.jsonlines import parse_fields
    from crossroads.engine.table import pipeline

    selected = None if fields is None else parse_fields(fields)
    if input_path != "-" and file_format(input_path):
        return None
    compiled = pipeline.cached(pipeline.find(table))
    if compiled is None:
        return None
    source = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")
    return compiled, selected, source
