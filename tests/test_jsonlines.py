"""``engine/outputs/jsonlines.py``: a JSON Lines stream of answer sets to one result or error line each."""

from __future__ import annotations

import io
import json

import pytest
from conftest import compile_yaml

from crossroads.engine.decision.evaluate import dumps
from crossroads.engine.outputs.jsonlines import (
    ErrorLine,
    InputLine,
    ResultLine,
    evaluate_line,
    evaluate_lines,
    input_lines,
)

TABLE = """\
format: crossroads/1
id: sizes
version: 1.0.0
title: Sizes
hit_policy: unique
inputs:
  - {id: n, prompt: How many?, type: integer, minimum: 0}
  - {id: sure, prompt: Sure?, type: boolean}
outcomes:
  - {id: few, title: Few}
  - {id: many, title: Many}
  - {id: both, title: Both}
rules:
  - {id: few, when: {n: "< 10"}, then: few}
  - {id: many, when: {n: ">= 10"}, then: many}
  - {id: clash, when: {n: "== 5", sure: true}, then: both}
"""


@pytest.fixture(scope="module")
def table():  # noqa: ANN201
    return compile_yaml(TABLE)


@pytest.mark.parametrize(
    "data, lines",
    [
        (b"", []),
        (b"a\n", [InputLine(1, "a")]),
        (b"a", [InputLine(1, "a")]),  # no newline at the end
        (b"a\r\n\n \t\r\nb\n\n", [InputLine(1, "a"), InputLine(4, "b")]),  # blank lines skipped, still counted
        (b"\xff\n", [InputLine(1, "\ufffd")]),  # not UTF-8: replaced, so the line fails as JSON
        (b"x" * 9 + b"\nok\n", [InputLine(1, None), InputLine(2, "ok")]),  # over the limit, drained
        (b"x" * 8 + b"\n", [InputLine(1, "x" * 8)]),  # exactly the limit
    ],
)
def test_input_lines(data: bytes, lines: list[InputLine]) -> None:
    assert list(input_lines(io.BytesIO(data), max_line=8)) == lines


@pytest.mark.parametrize(
    "text, error",
    [
        (None, "line longer than 1048576 bytes"),
        ("nope", "not valid JSON"),
        ("[1]", "expected a JSON object of input id to answer"),
        ('{"n": 1, "n": 2}', "duplicate key 'n'"),
        ('{"n": NaN}', "NaN is not a number (not valid JSON)"),
        ('{"m": 1}', "unknown input 'm'; inputs: n, sure"),
        ('{"n": -1}', "n: -1 is out of range: expected a whole number ≥ 0"),
        ('{"n": 3.5}', "n: expected a whole number ≥ 0, got 3.5"),
        ('{"sure": "maybe"}', "sure: expected true or false (yes/no), got 'maybe'"),
    ],
)
def test_a_bad_line_is_an_error_line(table, text: str | None, error: str) -> None:  # noqa: ANN001
    line = evaluate_line(table, InputLine(7, text))
    assert line == ErrorLine(7, error)
    assert json.loads(line.text) == {"line": 7, "error": error}


def test_a_hit_policy_violation_is_an_error_line(table) -> None:  # noqa: ANN001
    line = evaluate_line(table, InputLine(1, '{"n": 5, "sure": true}'))
    assert isinstance(line, ErrorLine) and "clash" in line.error and "few" in line.error


@pytest.mark.parametrize(
    "text, status, outcome",
    [
        ('{"n": 3, "sure": false}', "decided", "few"),
        ('{"n": "12", "sure": "no"}', "decided", "many"),  # strings as a batch line accepts them
        ("{}", "undecided", None),  # partial answers are normal
    ],
)
def test_a_good_line_is_the_result_json(table, text: str, status: str, outcome: str | None) -> None:  # noqa: ANN001
    line = evaluate_line(table, InputLine(1, text))
    assert isinstance(line, ResultLine)
    assert line.text == dumps(line.result.to_json())
    doc = json.loads(line.text)
    assert (doc["status"], doc["outcome"]) == (status, outcome)
    assert doc["table"] == {"id": "sizes", "version": "1.0.0"}


def test_evaluate_lines_one_item_per_non_blank_line_in_order(table) -> None:  # noqa: ANN001
    stream = io.BytesIO(b'{"n": 3, "sure": true}\n\nbad\n{"n": 30, "sure": true}\n')
    items = list(evaluate_lines(table, stream))
    assert [type(i) for i in items] == [ResultLine, ErrorLine, ResultLine]
    assert [i.number for i in items] == [1, 3, 4]
    assert sum(isinstance(i, ErrorLine) for i in items) == 1  # the caller's failed count


def test_evaluate_lines_is_lazy(table) -> None:  # noqa: ANN001
    class Endless(io.RawIOBase):
        def readline(self, size: int | None = -1) -> bytes:
            return b'{"n": 1, "sure": false}\n'

    items = evaluate_lines(table, Endless())  # type: ignore[arg-type]
    assert [next(items).number for _ in range(3)] == [1, 2, 3]


@pytest.mark.parametrize(
    "value, text",
    [
        ({"error": "ü → x"}, '{"error": "ü → x"}'),  # non-ASCII kept, as every JSON line of the CLI
        ({"line": 1, "error": 'a "q"'}, '{"line": 1, "error": "a \\"q\\""}'),
    ],
)
def test_dumps_is_the_result_line_format(value: dict[str, object], text: str) -> None:
    assert dumps(value) == text and "\n" not in dumps(value)
