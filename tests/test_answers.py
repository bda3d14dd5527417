"""Answer parsing: per input type, from the command line and from data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossroads.engine.table.answers import (
    document,
    loads,
    parse_answers,
    parse_pairs,
    parse_text,
    parse_value,
    read_file,
    read_stream,
    to_json,
)
from crossroads.engine.table.compiler import InputSpec, OptionSpec
from crossroads.engine.errors import AnswerError

CHOICE = InputSpec(
    "change", "choice", "?", options=(OptionSpec("knowledge", "Add knowledge"), OptionSpec("Low Risk", "Low Risk"))
)
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
        (BOOL, "no", False),  # the words -a takes, in data too
        (BOOL, " YES ", True),
        (BOOL, "0", False),
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
        (BOOL, "t", "expected true or false (yes/no)"),
        (BOOL, "\tyes", "expected true or false (yes/no)"),
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


@pytest.mark.parametrize(
    "value, out",
    [
        (Decimal("0.1"), 0.1),
        (3, 3),
        (Decimal("0.1000000000000000000001"), "0.1000000000000000000001"),
        ("a", "a"),
        (True, True),
    ],
)
def test_to_json_keeps_decimals_exact(value, out) -> None:
    assert to_json(value) == out and type(to_json(value)) is type(out)


# An exact id wins over any label or case-folded match; several options fitting one step is an error.
LETTERS = InputSpec("v", "choice", "?", options=(OptionSpec("a", "b"), OptionSpec("b", "b")))
SHARP_S = InputSpec("v", "choice", "?", options=(OptionSpec("ß", "ß"), OptionSpec("ss", "ss")))
LABELS = InputSpec("v", "choice", "?", options=(OptionSpec("x", "Same"), OptionSpec("y", "same")))


@pytest.mark.parametrize(
    "spec, text, expected",
    [
        (LETTERS, "b", "b"),  # the exact id, though it is also a's label
        (LETTERS, "a", "a"),
        (LETTERS, "B", "b"),  # b's id in another case comes before a's label in another case
        (SHARP_S, "ss", "ss"),
        (SHARP_S, "ß", "ß"),
        (LABELS, "Same", "x"),  # an exact label before a case-folded one
        (LABELS, "same", "y"),
    ],
)
def test_an_exact_id_or_label_wins(spec, text, expected) -> None:
    assert parse_text(spec, text) == expected


@pytest.mark.parametrize(
    "spec, text, candidates",
    [
        (SHARP_S, "SS", "ß, ss"),  # casefold("ß") == "ss"
        (LABELS, "SAME", "x, y"),
    ],
)
def test_an_ambiguous_option_is_an_error_naming_the_candidates(spec, text, candidates) -> None:
    with pytest.raises(AnswerError, match=f"is ambiguous: it fits options {candidates}; type the option id"):
        parse_text(spec, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"n": 1.50}', {"n": Decimal("1.50")}),
        ('{"n": 1e30}', {"n": Decimal("1e30")}),
        ('{"n": 12345678901234567890}', {"n": 12345678901234567890}),
    ],
)
def test_loads_keeps_numbers_exact(text, expected) -> None:
    got = loads(text)
    assert got == expected and type(got["n"]) is type(expected["n"])


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"n": 1, "n": 2}', "duplicate key 'n'"),
        ('{"a": {"b": 1, "b": 1}}', "duplicate key 'b'"),
        ('{"n": 1e99999999999999999999}', "number 1e99999999999999999999 is out of range"),  # InvalidOperation before
        ('{"n": 1e1000}', "is out of range"),
        ('{"n": ' + "9" * 5000 + "}", "is out of range"),  # past int-from-string's limit
        ('{"n": NaN}', "NaN is not a number"),
        ('{"n": Infinity}', "Infinity is not a number"),
        ('{"n": ', "not valid JSON"),
        ("[" * 100000, "not valid JSON"),
    ],
)
def test_loads_refuses_with_one_line(text, message) -> None:
    with pytest.raises(AnswerError) as exc:
        loads(text)
    assert message in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("value", [Decimal("1e29"), Decimal("1e30"), Decimal("1e999"), Decimal("5.000")])
def test_a_whole_number_of_any_size_answers_an_integer_input(value) -> None:
    assert parse_value(INT, value) == int(value) and type(parse_value(INT, value)) is int


@pytest.mark.parametrize("value", [Decimal("1e1000"), Decimal("1e-1000"), 10**1000, Decimal("0." + "1" * 101)])
def test_numbers_beyond_the_limits_are_bad_answers(value) -> None:
    with pytest.raises(AnswerError, match="out of range"):
        parse_value(NUM if not isinstance(value, int) else INT, value)


def test_an_input_answered_twice_on_the_command_line_is_an_error() -> None:
    with pytest.raises(AnswerError, match="change: answered twice \\('knowledge' after an earlier answer\\)"):
        parse_pairs(INPUTS, ["change=Low Risk", "citations=no", "change=knowledge"])


@pytest.mark.parametrize(
    "data, expected",
    [
        (b'{"examples": 12.50, "change": "knowledge"}', {"examples": Decimal("12.50"), "change": "knowledge"}),
        (b"examples: 12\ncitations: no\n", {"examples": 12, "citations": "no"}),  # YAML when not JSON
        (b"{}", {}),
    ],
)
def test_an_answers_document_is_json_else_yaml(data: bytes, expected: dict[str, object]) -> None:
    assert document(data, "a.yaml", 1000) == expected
    assert parse_answers(INPUTS, document(b"citations: no\n", "a.yaml", 1000)) == {"citations": False}


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"a": 1, "a": 2}', "a.yaml: duplicate key 'a'"),
        (b"a: 1\na: 2\n", "a.yaml:2:1: duplicate key 'a'"),
        (b"a: [1", "a.yaml:2:1: YAML syntax error"),
        (b"- 1\n", "a.yaml: answers must be a mapping of input id to answer"),
        (b"", "a.yaml: answers file is empty: expected a mapping of input id to answer"),
        (b"# only a comment\n", "a.yaml: answers file is empty: expected a mapping of input id to answer"),
        (b"null", "a.yaml: answers must be a mapping of input id to answer"),
        (b'["x"]', "a.yaml: answers must be a mapping of input id to answer"),
    ],
)
def test_a_bad_answers_document_is_one_line_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        document(data, "a.yaml", 1000)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_reading_answers_is_bounded_and_names_the_source(tmp_path) -> None:  # noqa: ANN001
    import io

    path = tmp_path / "a.json"
    path.write_bytes(b'{"examples": 3}')
    assert read_file(str(path), 15) == {"examples": 3}
    assert read_stream(io.BytesIO(b'{"examples": 3}'), "<stdin>", 15) == {"examples": 3}
    for call, message in [
        (lambda: read_file(str(path), 14), f"{path}: answers file is larger than 14 bytes"),
        (lambda: read_stream(io.BytesIO(b"x" * 15), "<stdin>", 14), "<stdin>: answers file is larger than 14 bytes"),
        (lambda: read_file(str(tmp_path / "nope"), 14), f"{tmp_path / 'nope'}: cannot read answers: No such file"),
        (lambda: read_file(str(tmp_path), 14), f"{tmp_path}: cannot read answers: Is a directory"),
    ]:
        with pytest.raises(AnswerError) as caught:
            call()
        assert str(caught.value).startswith(message)
