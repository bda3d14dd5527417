"""The number grammar (``engine/table/numbers.py``): one definition, the same answer in Python, SQL and the page.

``GRAMMAR`` is the list every engine is checked on: the guide page's
JavaScript in ``tests/test_page_browser.py::test_number_grammar_as_python``,
DuckDB and SQLite here (SQL is stricter by design: ``DECIMAL(38, s)``, so a
number it refuses may be one Python takes, never the other way round).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal, Inexact

import pytest

from conftest import compile_yaml
from crossroads.engine.table import numbers
from crossroads.engine.table.numbers import EXACT, parse_integer, parse_number

# (text, as a number input's answer, as an integer input's answer); None: refused
GRAMMAR: list[tuple[str, object, object]] = [
    ("5", 5, 5),
    (" 5 ", 5, 5),  # ASCII spaces around are the only whitespace ignored
    ("+5", 5, 5),
    ("-0", 0, 0),
    ("2.50", Decimal("2.50"), None),
    (".5", Decimal("0.5"), None),
    ("5.", 5, None),
    ("1e3", 1000, None),  # an integer input's text is digits only
    ("25E-1", Decimal("2.5"), None),
    ("1e999", 10**999, None),
    ("1e-999", Decimal("1e-999"), None),
    ("1e1000", None, None),
    ("1e-1000", None, None),
    ("1e99999999999999999999", None, None),
    ("1e-999999999999999999999", None, None),
    ("1e0000001", None, None),  # an exponent of more than six digits, as written
    ("0e1234567", None, None),
    ("0." + "1" * 100, Decimal("0." + "1" * 100), None),
    ("0." + "1" * 101, None, None),
    ("1" + "0" * 200, 10**200, 10**200),  # one significant digit
    ("\t5", None, None),
    ("5\t", None, None),
    ("5\n", None, None),
    ("\n5", None, None),
    ("\r5", None, None),
    ("\x1c5", None, None),
    ("5\x1f", None, None),
    ("\x855", None, None),
    ("\u00a05", None, None),
    ("\ufeff5", None, None),
    ("\u20035", None, None),
    ("1_000", None, None),
    ("0x10", None, None),
    ("inf", None, None),
    ("NaN", None, None),
    ("", None, None),
    (" ", None, None),
    ("1,5", None, None),
    ("--5", None, None),
    ("5 5", None, None),
]
IDS = [repr(text)[:30] for text, _, _ in GRAMMAR]


@pytest.mark.parametrize("text, number, integer", GRAMMAR, ids=IDS)
def test_python_grammar(text: str, number: object, integer: object) -> None:
    got_number, got_integer = parse_number(text), parse_integer(text)
    assert got_number == number and type(got_number) is type(number)
    assert got_integer == integer and type(got_integer) is type(integer)


@pytest.mark.parametrize(
    "a, b, total, middle",
    [
        (
            Decimal("1.0000000000000000000000000000000001"),
            1,
            Decimal("2.0000000000000000000000000000000001"),
            Decimal("1.00000000000000000000000000000000005"),
        ),
        (Decimal("9e999"), Decimal("1e-999"), None, None),  # exact: 1,999 digits
        (10**40, 1, 10**40 + 1, Decimal("5000000000000000000000000000000000000000.5")),
    ],
)
def test_arithmetic_is_exact(a, b, total, middle) -> None:
    got = numbers.add(a, b)
    assert numbers.subtract(got, b) == a
    if total is not None:
        assert got == total and numbers.midpoint(a, b) == middle
    assert EXACT.multiply(Decimal(numbers.midpoint(a, b)), Decimal(2)) == got


def test_arithmetic_that_would_round_raises_instead() -> None:
    with pytest.raises(Inexact):
        EXACT.divide(Decimal(1), Decimal(3))


NUMBER_TABLE = """
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
  - {id: n, prompt: N?, type: number}
  - {id: i, prompt: I?, type: integer}
  - {id: b, prompt: B?, type: boolean}
outcomes:
  - {id: a, title: A}
rules:
  - {id: r, when: {n: ">= -1e6"}, then: a}
  - {id: s, then: a}
"""


def _sql_accepts(dialect: str, column: str, texts: list[str]) -> list[bool]:
    from crossroads.engine.outputs.sql import to_sql

    table = compile_yaml(NUMBER_TABLE)
    select = to_sql(table, dialect=dialect)
    other = {"n": "i", "i": "n"}[column]
    rows = [(t, "1", "true") for t in texts]  # the column under test, then valid answers for the others
    if dialect == "sqlite":
        import re

        con = sqlite3.connect(":memory:")
        con.create_function("regexp", 2, lambda p, s: s is not None and re.search(p, s) is not None)
    else:
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
    con.execute(f"CREATE TABLE data (k INTEGER, {column} VARCHAR, {other} VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO data VALUES (?, ?, ?, ?)", [(k, *row) for k, row in enumerate(rows)])
    got = con.execute(f"SELECT k, {select} FROM data ORDER BY k").fetchall()
    return [row[-1] is None for row in got]


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
@pytest.mark.parametrize("column, index", [("n", 1), ("i", 2)])
def test_sql_grammar_as_python(dialect: str, column: str, index: int) -> None:
    pytest.importorskip("sqlglot")
    texts = [case[0] for case in GRAMMAR]
    accepted = _sql_accepts(dialect, column, texts)
    for case, sql_ok in zip(GRAMMAR, accepted):
        python_ok = case[index] is not None
        value = case[index]
        fits = value is not None and abs(Decimal(value)) < Decimal("1e15") and Decimal(value).as_tuple().exponent >= -15  # type: ignore[arg-type]
        if fits:
            assert sql_ok == python_ok, (dialect, case[0])
        else:  # beyond DECIMAL(38, 18) or SQLite's 15 digits: SQL may refuse more, never accept more
            assert not sql_ok or python_ok, (dialect, case[0])
