"""FEEL unary tests onto crossroads conditions: every form of the subset, and every refusal, by example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossroads.engine.interop import feel
from crossroads.engine.table import conditions

OPTIONS = ("A", "B", "C")

CELLS = [
    # (entry, input kind, crossroads condition)
    ("<18", "number", "< 18"),
    ("< 18", "number", "< 18"),
    ("<=0.60", "number", "<= 0.60"),
    (">= 0.60", "number", ">= 0.60"),
    (">130", "integer", "> 130"),
    ("= 5", "number", "== 5"),
    ("!= 3", "integer", "!= 3"),
    ("!=3", "integer", "!= 3"),
    ("0.0375", "number", Decimal("0.0375")),
    ("18", "integer", 18),
    ("-5", "number", -5),
    ("-0.5", "number", Decimal("-0.5")),
    (".5", "number", Decimal(".5")),
    ("[1..10]", "number", "[1, 10]"),
    ("[1..10)", "number", "[1, 10)"),
    ("(1..10]", "number", "(1, 10]"),
    ("(1..10)", "number", "(1, 10)"),
    ("]1..10[", "number", "(1, 10)"),
    ("]1..10]", "number", "(1, 10]"),
    ("[1..10[", "number", "[1, 10)"),
    ("[-5..5]", "number", "[-5, 5]"),
    ("[0.36..0.45]", "number", "[0.36, 0.45]"),
    ("<18,>=60", "number", ["< 18", ">= 60"]),
    ("<18, >=60", "integer", ["< 18", ">= 60"]),
    ("1, 2, [5..10)", "integer", [1, 2, "[5, 10)"]),
    ("not(1, 2)", "number", {"not": [1, 2]}),
    ("not([18..60))", "integer", {"not": "[18, 60)"}),
    ("not(< 0)", "number", {"not": "< 0"}),
    ('"A"', "choice", "A"),
    ('"A","B"', "choice", ["A", "B"]),
    ('"A", "B"', "choice", ["A", "B"]),
    ('not("A")', "choice", {"not": "A"}),
    ('not("A", "B")', "choice", {"not": ["A", "B"]}),
    ('= "A"', "choice", "A"),
    ('!= "A"', "choice", {"not": "A"}),
    ('"NL"', "string", "NL"),
    ('"a \\"quoted\\" word"', "string", 'a "quoted" word'),
    ('""', "string", ""),
    ('"x, y"', "string", "x, y"),
    ("true", "boolean", True),
    ("false", "boolean", False),
    ("= true", "boolean", True),
    ("!= true", "boolean", False),
    ("not(false)", "boolean", True),
    ('date("2016-10-01")', "date", "2016-10-01"),
    ('<=date("2016-10-01")', "date", "<= 2016-10-01"),
    ('>date("2016-10-01")', "date", "> 2016-10-01"),
    ('[date("2025-01-01")..date("2025-04-01"))', "date", "[2025-01-01, 2025-04-01)"),
]


@pytest.mark.parametrize(("entry", "kind", "expected"), CELLS)
def test_an_entry_translates_exactly(entry: str, kind: str, expected: object) -> None:
    got = feel.translate(entry, kind, OPTIONS)  # type: ignore[arg-type]
    assert got == feel.Cell(expected)
    assert type(got.value) is type(expected)  # type: ignore[union-attr]
    # and crossroads reads the condition it gave
    parsed = conditions.parse(kind, expected, OPTIONS)
    assert not isinstance(parsed, str), parsed


@pytest.mark.parametrize("entry", ["-", "", "  ", " - ", "\n\t-\n"])
@pytest.mark.parametrize("kind", ["number", "string", "choice", "boolean", "date", "integer"])
def test_dash_and_empty_are_any(entry: str, kind: str) -> None:
    assert feel.translate(entry, kind, OPTIONS) is feel.ANY  # type: ignore[arg-type]


def test_true_or_false_is_any_boolean() -> None:
    assert feel.translate("true, false", "boolean") is feel.ANY


REFUSED = [
    # (entry, kind, a fragment of the reason)
    ("< Complex.aDate", "date", "refers to the name 'Complex.aDate'"),
    ("[numB..numC]", "number", "refers to the name 'numB'"),
    (">dateE", "date", "refers to the name 'dateE'"),
    ("Flu Symtoms", "string", "refers to the name 'Flu Symtoms'"),
    ("not(Complex.aBoolean)", "boolean", "refers to the name"),
    ("string(x)", "string", "calls the function string()"),
    ('time("10:00:00")', "date", "calls the function time() (time values"),
    ('date and time("2020-01-01T00:00:00")', "date", "calls the function date and time()"),
    ('duration("P1D")', "number", "calls the function duration()"),
    ("1 + 2", "number", "arithmetic"),
    ("> 2 * 3", "number", "arithmetic"),
    ("? > 5", "number", "'?'"),
    ("null", "number", "null"),
    ('"x"', "number", "a type mismatch"),
    ("> 60", "string", "compares the string input with the number 60 (a type mismatch)"),
    ("5", "choice", "a type mismatch"),
    ("true", "number", "a type mismatch"),
    ('"true"', "boolean", "a type mismatch"),
    ("10", "date", "a type mismatch"),
    ('< "b"', "string", "orders strings"),
    ('["a".."b"]', "string", "range over strings"),
    ('"D"', "choice", "not among the allowed values"),
    ('date("2025-02-30")', "date", "no YYYY-MM-DD day"),
    ('date("2025-01-01T10:00")', "date", "no YYYY-MM-DD day"),
    ('"unterminated', "string", "unterminated string"),
    ("[1..", "number", "ends early"),
    ("not(not(1))", "number", "nests not(...)"),
    ("not(1", "number", "ends early"),
    ("1e5", "number", "refers to the name 'e5'"),
    ("x" * 5000, "string", "longer than 4096"),
    ("true, not(false)", "boolean", "inside a list"),
]


@pytest.mark.parametrize(("entry", "kind", "reason"), REFUSED)
def test_an_entry_outside_the_subset_is_refused_saying_why(entry: str, kind: str, reason: str) -> None:
    got = feel.translate(entry, kind, OPTIONS)  # type: ignore[arg-type]
    assert isinstance(got, feel.Refusal), got
    assert reason in got.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Approved"', feel.Value("string", "Approved")),
        ("0.10", feel.Value("number", "0.10")),
        ("-3", feel.Value("number", "-3")),
        ("true", feel.Value("boolean", "true")),
        ('date("2025-01-05")', feel.Value("date", "2025-01-05")),
    ],
)
def test_output_literals(text: str, expected: feel.Value) -> None:
    assert feel.literal(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("null", "null"),
        ("a", "refers to the name 'a'"),
        ("(Principal*Rate/12)", "cannot be read"),
        ('"Respectfully, "+normal greeting', "arithmetic"),
        ('"a", "b"', "cannot be read at ','"),
    ],
)
def test_output_expressions_are_refused(text: str, reason: str) -> None:
    got = feel.literal(text)
    assert isinstance(got, feel.Refusal) and reason in got.reason


def test_numbers_stay_exact_decimals() -> None:
    got = feel.value_of(feel.Value("number", "0.10"), "number")
    assert got == Decimal("0.10") and str(got) == "0.10"
    assert feel.value_of(feel.Value("number", "3"), "integer") == 3
    assert isinstance(feel.value_of(feel.Value("number", "3.5"), "integer"), feel.Refusal)
    assert isinstance(feel.value_of(feel.Value("string", "3"), "number"), feel.Refusal)
