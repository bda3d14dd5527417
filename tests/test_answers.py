"""Answer parsing: per input type, from the command line and from data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossroads.engine.answers import parse_answers, parse_pairs, parse_text, parse_value, to_json
from crossroads.engine.compiler import InputSpec, OptionSpec
from crossroads.engine.errors import AnswerError

CHOICE = InputSpec("change", "choice", "?", options=(OptionSpec("knowledge", "Add knowledge"), OptionSpec("Low Risk", "Low Risk")))
BOOL = InputSpec("citations", "boolean", "?")
INT = InputSpec("examples", "integer", "?", minimum=0)
NUM = InputSpec("score", "number", "?", minimum=Decimal("-1.5"), maximum=10)
INPUTS = {s.id: s for s in (CHOICE, BOOL, INT, NUM)}


@pytest.mark.parametrize(
    "spec, text, expected",
    [
        (CHOICE, "knowledge", "knowledge"),
        (CHOICE, "Low Risk", "Low Risk"),
        (CHOICE, "add knowledge", "knowledge"),  # a label, in any case
        (BOOL, "true", True),
        (BOOL, "yes", True),
        (BOOL, "No", False),
        (BOOL, "false", False),
        (INT, "300", 300),
        (INT, " 0 ", 0),
        (NUM, "0.1", Decimal("0.1")),
        (NUM, "-1.5", Decimal("-1.5")),
        (NUM, "1e1", 10),
    ],
)
def test_parse_text_accepts(spec, text, expected) -> None:
    value = parse_text(spec, text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "spec, text, fragment",
    [
        (CHOICE, "nope", "change: unknown option 'nope'; expected one of: knowledge, Low Risk"),
        (BOOL, "maybe", "citations: expected true or false"),
        (INT, "3.5", "examples: expected a whole number ≥ 0, got '3.5'"),
        (INT, "-1", "examples: -1 is out of range"),
        (INT, "", "examples: expected a whole number"),
        (NUM, "10.01", "score: 10.01 is out of range: expected a number from -1.5 to 10"),
        (NUM, "abc", "score: expected a number"),
        (NUM, "nan", "score: expected a number"),
    ],
)
def test_parse_text_rejects(spec, text, fragment) -> None:
    with pytest.raises(AnswerError) as exc:
        parse_text(spec, text)
    assert fragment in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "spec, value, expected",
    [
        (CHOICE, "knowledge", "knowledge"),
        (BOOL, True, True),
        (BOOL, "false", False),
        (INT, 1000, 1000),
        (INT, Decimal("1000.0"), 1000),  # the same number
        (INT, "1000", 1000),
        (NUM, Decimal("0.1"), Decimal("0.1")),
        (NUM, "0.1", Decimal("0.1")),
        (NUM, 2, 2),
    ],
)
def test_parse_value_accepts(spec, value, expected) -> None:
    assert parse_value(spec, value) == expected


@pytest.mark.parametrize(
    "spec, value, fragment",
    [
        (CHOICE, None, "change: null is not an answer; leave the key out"),
        (CHOICE, "add knowledge", "unknown option"),  # data must carry the id itself
        (CHOICE, 1, "expected one of"),
        (BOOL, 1, "expected true or false"),
        (BOOL, "yes", "expected true or false"),
        (INT, Decimal("3.5"), "expected a whole number"),
        (INT, True, "expected a whole number"),
        (INT, -1, "out of range"),
        (NUM, [1], "expected a number"),
        (NUM, Decimal("Infinity"), "expected a number"),
    ],
)
def test_parse_value_rejects(spec, value, fragment) -> None:
    with pytest.raises(AnswerError) as exc:
        parse_value(spec, value)
    assert fragment in str(exc.value)


def test_unknown_inputs_are_named_with_the_known_ones() -> None:
    with pytest.raises(AnswerError, match="unknown input 'nope'; inputs: change, citations, examples, score"):
        parse_answers(INPUTS, {"nope": 1})
    with pytest.raises(AnswerError, match="unknown input 'nope'"):
        parse_pairs(INPUTS, ["nope=1"])
    with pytest.raises(AnswerError, match="is not ID=VALUE"):
        parse_pairs(INPUTS, ["examples"])


def test_pairs_parse_per_type() -> None:
    assert parse_pairs(INPUTS, ["change=knowledge", "citations=no", "examples=3", "score=0.5"]) == {
        "change": "knowledge",
        "citations": False,
        "examples": 3,
        "score": Decimal("0.5"),
    }


@pytest.mark.parametrize("value, out", [(Decimal("0.1"), 0.1), (3, 3), (Decimal("0.1000000000000000000001"), "0.1000000000000000000001"), ("a", "a"), (True, True)])
def test_to_json_keeps_decimals_exact(value, out) -> None:
    assert to_json(value) == out and type(to_json(value)) is type(out)
