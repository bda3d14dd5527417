"""Evaluate a JSON Lines stream of answer sets: one output line per answer set, in order.

``crossroads batch`` without a CSV/Parquet file is this loop: each non-blank
input line is a JSON object of input id to answer (the rules of
``answers.loads``/``parse_answers``); its output line is the ``Result`` JSON
(``Result.to_json``, written by ``evaluate.dumps``) or ``{"line": N, "error":
"..."}``. A bad line never stops the lines after it. Memory stays bounded: a
line longer than ``MAX_LINE`` bytes is an error line, read past in pieces.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from crossroads.engine.decision.evaluate import Result, dumps, evaluate_or_error
from crossroads.engine.table import answers
from crossroads.engine.table.compiler import CompiledTable

MAX_LINE = 1024 * 1024  # a batch line longer than this is an error, not a memory spike


@dataclass(frozen=True, slots=True)
class ResultLine:
    """An input line that evaluated: its line number (from 1, blank lines counted) and result."""

    number: int
    result: Result

    @property
    def text(self) -> str:
        """The output line, without its newline."""
        return dumps(self.result.to_json())


@dataclass(frozen=True, slots=True)
class ErrorLine:
    """An input line that did not evaluate: its line number and the one-line reason."""

    number: int
    error: str

    @property
    def text(self) -> str:
        """The output line, without its newline: ``{"line": N, "error": "..."}``."""
        return dumps({"line": self.number, "error": self.error})


@dataclass(frozen=True, slots=True)
class InputLine:
    """A non-blank input line; ``text`` None when it was longer than ``MAX_LINE`` bytes."""

    number: int
    text: str | None


def input_lines(stream: BinaryIO, max_line: int = MAX_LINE) -> Iterator[InputLine]:
    """The non-blank lines of a binary stream, numbered from 1 (blank lines count in the numbering).

    A blank line (only spaces/tabs: a file's trailing newline, a separator) is no answer set.
    Bytes that are not UTF-8 are replaced, so such a line fails as JSON instead of the stream.
    """
    number = 0
    while True:
        chunk = stream.readline(max_line + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > max_line and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # drain the rest of the long line
                chunk = stream.readline(max_line)
            yield InputLine(number, None)
            continue
        text = chunk.decode("utf-8", "replace").rstrip("\r\n")
        if text.strip(" \t"):
            yield InputLine(number, text)


def evaluate_line(table: CompiledTable, line: InputLine, max_line: int = MAX_LINE) -> ResultLine | ErrorLine:
    """One input line's output: its answers parsed (``answers.loads``, then ``parse_answers``) and evaluated."""
    if line.text is None:
        return ErrorLine(line.number, f"line longer than {max_line} bytes")
    try:
        raw = answers.loads(line.text)
    except ValueError as exc:  # AnswerError (NotJSON, a duplicate key, a number out of range) is one
        return ErrorLine(line.number, str(exc))
    if not isinstance(raw, dict):
        return ErrorLine(line.number, "expected a JSON object of input id to answer")
    try:
        outcome = evaluate_or_error(table, raw)
    except ValueError as exc:  # as every line's error: one bad line never stops the rest
        return ErrorLine(line.number, str(exc))
    if isinstance(outcome, Result):
        return ResultLine(line.number, outcome)
    return ErrorLine(line.number, str(outcome))


def evaluate_lines(
    table: CompiledTable, stream: BinaryIO, max_line: int = MAX_LINE
) -> Iterator[ResultLine | ErrorLine]:
    """One ``ResultLine`` or ``ErrorLine`` per non-blank line of ``stream``, lazily, in order;
    the caller counts the ``ErrorLine`` items for its exit status."""
    for line in input_lines(stream, max_line):
        yield evaluate_line(table, line, max_line)
