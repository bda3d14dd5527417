"""``engine/outputs/sql.py``: the SQL a table compiles to answers every row as the engine does.

Run in DuckDB and SQLite (Python's own ``sqlite3`` with a ``REGEXP``
function), and in PostgreSQL when its server binaries are installed:
the bundled table and hypothesis-generated ones (every input type, condition
form, hit policy and bound) over data with valid, rewritten, boundary,
malformed and NULL cells; typed columns; the exact-number limits; option ids
that try to be SQL. Spark: ``test_spark.py``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, compile_yaml
from crossroads.engine.decision.evaluate import evaluate
from crossroads.engine.table import pipeline as tables
from crossroads.engine.errors import DataError, NotExpressible
from crossroads.engine.table.policies import policy_of
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from strategies import OUTPUT_POLICIES, output_tables, tables as generated_tables
from sqlparity import (
    DATE_TABLE,
    INJECTION,
    INJECTION_IDS,
    INJECTION_STRINGS,
    comparable,
    expected,
    require,
    rows,
    table_and_rows,
)

duckdb = require("duckdb", "the data extra: pip install '.[data]'")
require("sqlglot", "the data extra: pip install '.[data]'")
from crossroads.engine.outputs import sql

BUNDLED = tables.compiled(tables.find(None), use_cache=False)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def run_duckdb(
    table: Any,
    data: Sequence[dict[str, Any]],
    types: dict[str, str] | None = None,
    columns: dict[str, str] | None = None,
    *,
    typed: bool = False,
    bound: bool = True,
    staged: bool = False,
) -> list[tuple]:
    """``SELECT <to_sql> FROM data`` in DuckDB, the columns VARCHAR unless ``types`` says otherwise
    (``typed``: and ``to_sql`` is told the types; ``bound=False``: the unbound form; ``staged``: the
    file batch's, ``staged_trees`` over a subquery computing its shared columns)."""
    con = duckdb.connect()
    names = list(data[0]) if data else [i.id for i in table.inputs]
    types = types or {}
    con.execute("CREATE TABLE data (" + ", ".join(f"{quoted(n)} {types.get(n, 'VARCHAR')}" for n in names) + ")")
    con.executemany(f"INSERT INTO data VALUES ({', '.join('?' for _ in names)})", [[r[n] for n in names] for r in data])
    if staged:  # the prefix begins no column name: a column named like a stage's is read as data
        stage, trees = sql.staged_trees(table, "_s_", columns, types if typed else None)
        shared = "".join(f", {tree.sql(dialect='duckdb')} AS {quoted(name)}" for name, tree in stage.items())
        select = ", ".join(tree.sql(dialect="duckdb") for tree in trees.values())
        return con.execute(
            f"SELECT {select} FROM (SELECT *, rowid AS _s_row{shared} FROM data) ORDER BY _s_row"
        ).fetchall()
    trees = sql.select_trees(table, "duckdb", columns, types if typed else None, bound=bound)
    select = ", ".join(tree.sql(dialect="duckdb") for tree in trees.values())
    return con.execute(f"SELECT {select} FROM data ORDER BY rowid").fetchall()


def sqlite_connection() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.create_function("regexp", 2, lambda p, s: s is not None and re.search(p, s) is not None, deterministic=True)
    return con


def run_sqlite(table: Any, data: Sequence[dict[str, Any]]) -> list[tuple]:
    con = sqlite_connection()
    names = list(data[0])
    con.execute("CREATE TABLE data (" + ", ".join(f"{quoted(n)} TEXT" for n in names) + ")")
    con.executemany(f"INSERT INTO data VALUES ({', '.join('?' for _ in names)})", [[r[n] for n in names] for r in data])
    got = con.execute(f"SELECT {sql.to_sql(table, 'sqlite')} FROM data ORDER BY rowid").fetchall()
    return [sqlite_lists(table, row) for row in got]


def sqlite_lists(table: Any, row: tuple) -> tuple:
    """A SQLite result row with its JSON array texts read (SQLite has no arrays): ``outcome``,
    ``rule`` and the outputs under ``collect``/``output-order``, ``rule`` alone under an aggregate."""
    policy = policy_of(table)
    if not policy.collects:
        return row
    listed = [not policy.folds, True, False, *([not policy.folds] * len(table.outputs))]
    return tuple(
        json.loads(cell, parse_float=Decimal) if is_list and cell is not None else cell
        for is_list, cell in zip(listed, row)
    )


def assert_parity(table: Any, data: Sequence[dict[str, Any]], got: list[tuple], engine: str) -> None:
    assert len(got) == len(data)
    for row, result in zip(data, got):
        assert comparable(result, table) == expected(table, row), f"{engine}: {row}"


# -- parity -----------------------------------------------------------------------


def test_bundled_table_parity() -> None:
    oracle = Oracle(tables.load(tables.find(None)).document.data)
    data = rows(BUNDLED, oracle)
    assert len(data) > 100
    assert_parity(BUNDLED, data, run_duckdb(BUNDLED, data), "duckdb")
    assert_parity(BUNDLED, data, run_sqlite(BUNDLED, data), "sqlite")


@given(table_and_rows())
def test_generated_tables_parity(case: tuple[Any, list[dict[str, Any]]]) -> None:
    table, data = case
    assert_parity(table, data, run_duckdb(table, data), "duckdb")
    assert_parity(table, data, run_sqlite(table, data), "sqlite")


@given(table_and_rows())
def test_generated_tables_parity_unbound(case: tuple[Any, list[dict[str, Any]]]) -> None:
    """The file batch's form (``select_trees(bound=False)``: no bound values, no packed words,
    ``unique`` as a short-circuiting ``CASE``) gives the same answers."""
    table, data = case
    assert_parity(table, data, run_duckdb(table, data, bound=False), "duckdb unbound")
    assert_parity(table, data, run_duckdb(table, data, staged=True), "duckdb staged")


@pytest.mark.parametrize("policy", sql.DATA_POLICIES)
@given(data=st.data())
def test_rows_as_data_parity(policy: str, data: st.DataObject) -> None:
    """Issue 22: in DuckDB a table whose inputs are all packed or numeric holds its rows as one
    constant list filtered by one condition (``_rows_as_data``, quick to plan): the same answers,
    for every such input type, union conditions, bounds and defaults."""
    table, rows_ = data.draw(table_and_rows(generated_tables(hit_policy=policy)))
    assume(all(i.type != "string" for i in table.inputs))
    assert "LIST_FILTER(CAST(" in sql.to_sql(table, "duckdb")
    assert_parity(table, rows_, run_duckdb(table, rows_), "duckdb rows as data")


def test_rows_as_data_with_inputs_named_like_its_lambdas() -> None:
    """Inputs named ``b``, ``c``, ``p``, ``q`` (the names of the rows-as-data lambdas' variables) are
    read as columns, outside every lambda: the same answers, overlaps listed as the engine does."""
    table = compile_yaml(
        """format: crossroads/1
id: pq
version: 1.0.0
title: PQ
hit_policy: unique
inputs:
  - {id: p, prompt: P?, type: integer}
  - {id: q, prompt: Q?, type: choice, options: [{id: a}, {id: b}]}
  - {id: c, prompt: C?, type: number}
  - {id: b, prompt: B?, type: date}
outcomes:
  - {id: "yes", title: "Yes"}
  - {id: "no", title: "No"}
rules:
  - {id: r1, when: {p: "< 5", q: a}, then: "yes"}
  - {id: r2, when: {p: ">= 3", c: "[1, 2]", b: ">= 2025-01-01"}, then: "no"}
  - {id: r3, when: {p: "!= 4", q: b}, then: "no"}
"""
    )
    assert "LIST_FILTER(CAST(" in sql.to_sql(table, "duckdb")
    data = [
        {"p": p, "q": q, "c": c, "b": b}
        for p, q, c, b in [
            ("1", "a", "0", "2025-01-01"),
            ("4", "a", "1.5", "2025-06-30"),
            ("4", "a", "1.5", "2024-12-31"),
            ("4", "b", "0", "2025-01-01"),
            ("x", "a", "1", "2025-01-01"),
            ("6", "b", "2", "2026-01-01"),
        ]
    ]
    assert_parity(table, data, run_duckdb(table, data), "duckdb rows as data")
    assert_parity(table, data, run_duckdb(table, data, staged=True), "duckdb staged")


def test_a_row_of_too_many_combinations_keeps_the_rows_as_conditions() -> None:
    """A row whose union conditions make more than ``MAX_ITEMS_PER_ROW`` items (5 × 5 × 5 runs)
    is not held as data: the table's rows are written as conditions, with the same answers."""
    runs = '["< 1", 3, 5, 7, "> 9"]'
    table = compile_yaml(
        f"""format: crossroads/1
id: many
version: 1.0.0
title: Many
hit_policy: first
default: "no"
inputs:
  - {{id: x, prompt: X?, type: integer}}
  - {{id: y, prompt: Y?, type: integer}}
  - {{id: z, prompt: Z?, type: integer}}
outcomes:
  - {{id: "yes", title: "Yes"}}
  - {{id: "no", title: "No"}}
rules:
  - {{id: r1, when: {{x: {runs}, y: {runs}, z: {runs}}}, then: "yes"}}
"""
    )
    assert "LIST_FILTER(CAST(" not in sql.to_sql(table, "duckdb")
    data = [
        {"x": x, "y": y, "z": z} for x, y, z in [("0", "3", "10"), ("0", "4", "10"), ("7", "7", "7"), ("2", "5", "5")]
    ]
    assert_parity(table, data, run_duckdb(table, data), "duckdb")


@pytest.mark.parametrize("policy", sql.DATA_POLICIES)
@settings(max_examples=25)
@given(data=st.data())
def test_rows_as_data_output_tables_parity(policy: str, data: st.DataObject) -> None:
    """The same with outputs: each output's column looks its value up in the rows' list of values."""
    table, rows_ = data.draw(table_and_rows(output_tables(policy=(policy, None))))
    assume(all(i.type != "string" for i in table.inputs))
    assert "LIST_FILTER(CAST(" in sql.to_sql(table, "duckdb")
    assert_parity(table, rows_, run_duckdb(table, rows_), "duckdb rows as data")


def test_unique_sql_reads_each_row_once_per_column() -> None:
    """Issue 22: a ``unique`` table's SQL grows by a few short conditions a row (it used to test each
    row about nine times, each test repeating every input's reading): 1,000 rows stay under 0.4 MB."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synthetic  # noqa: E402  (benchmarks/ is not a package)

    table = compile_yaml(synthetic.render(synthetic.table("unique", 1000)))
    text = sql.to_sql(table, "duckdb", pretty=True)
    assert len(text.encode()) < 400_000
    small = len(sql.to_sql(compile_yaml(synthetic.render(synthetic.table("unique", 100))), "duckdb"))
    assert len(sql.to_sql(table, "duckdb")) < 12 * small  # linear: ten times the rows, about ten times the text


@given(table_and_rows(generated_tables(hit_policy="output-order")))
def test_output_order_tables_without_outputs_parity(case: tuple[Any, list[dict[str, Any]]]) -> None:
    """``output-order`` in a table without outputs: every match, sorted by the outcomes' order."""
    table, data = case
    assert_parity(table, data, run_duckdb(table, data), "duckdb")
    assert_parity(table, data, run_sqlite(table, data), "sqlite")


@pytest.mark.parametrize("policy", OUTPUT_POLICIES, ids=lambda p: "-".join(x for x in p if x))
@settings(max_examples=15)
@given(data=st.data())
def test_output_tables_parity(policy: tuple[str, str | None], data: st.DataObject) -> None:
    """Tables with outputs (every output type; values inline, by outcome, as the default) under every
    policy and aggregate: one column per output, lists under collect/output-order, the aggregate's number."""
    table, rows_ = data.draw(table_and_rows(output_tables(policy=policy)))
    assert_parity(table, rows_, run_duckdb(table, rows_), "duckdb")
    assert_parity(table, rows_, run_duckdb(table, rows_, staged=True), "duckdb staged")
    assert_parity(table, rows_, run_sqlite(table, rows_), "sqlite")


def typed_cell(kind: str, cell: str | None) -> tuple[bool, Any]:
    """(fits a typed column, the value): integers for BIGINT, booleans for BOOLEAN."""
    if cell is None:
        return True, None
    if kind == "BIGINT":
        return (True, int(cell)) if re.fullmatch(r"-?[0-9]+", cell) else (False, None)
    return (True, cell == "true") if cell in ("true", "false") else (False, None)


@given(table_and_rows())
def test_generated_tables_parity_with_typed_columns(case: tuple[Any, list[dict[str, Any]]]) -> None:
    """Integer and boolean inputs in BIGINT and BOOLEAN columns, told to ``to_sql``: the same answers."""
    table, data = case
    types = {i.id: {"integer": "BIGINT", "boolean": "BOOLEAN"}.get(i.type, "VARCHAR") for i in table.inputs}
    kept, values = [], []
    for row in data:
        converted = {k: typed_cell(types[k], v) if types[k] != "VARCHAR" else (True, v) for k, v in row.items()}
        if all(ok for ok, _ in converted.values()):
            kept.append(row)
            values.append({k: v for k, (_, v) in converted.items()})
    if kept:
        assert_parity(table, kept, run_duckdb(table, values, types, typed=True), "duckdb typed")
        assert_parity(table, kept, run_duckdb(table, values, types, typed=True, staged=True), "duckdb typed staged")


@pytest.mark.parametrize("typed", [False, True], ids=["as-text", "typed"])
@pytest.mark.parametrize(
    "types, row, outcome",
    [
        ({"citations": "BOOLEAN", "examples": "BIGINT"}, {"citations": False, "examples": 1000}, "fine-tune"),
        ({"citations": "BOOLEAN", "examples": "BIGINT"}, {"citations": True, "examples": 1000}, "rag-plus-fine-tune"),
        (
            {"citations": "VARCHAR", "examples": "DECIMAL(10, 2)"},
            {"citations": "false", "examples": Decimal("999.00")},
            None,
        ),  # '999.00' is no integer text
        (
            {"citations": "VARCHAR", "examples": "DOUBLE"},
            {"citations": "false", "examples": 1000.0},
            None,
        ),  # '1000.0' neither
        (
            {"citations": "INTEGER", "examples": "INTEGER"},
            {"citations": 0, "examples": 1000},
            "fine-tune",
        ),  # 0 is false, as -a citations=0
        ({"citations": "INTEGER", "examples": "INTEGER"}, {"citations": 2, "examples": 1000}, None),  # 2 is no boolean
        ({"citations": "VARCHAR", "examples": "HUGEINT"}, {"citations": "FALSE", "examples": 10**30}, "fine-tune"),
    ],
)
def test_typed_columns_are_read_as_their_text(
    types: dict[str, str], row: dict[str, Any], outcome: str | None, typed: bool
) -> None:
    full = {"change": "behaviour", "freshness": "static", "budget": "tight", **row}
    ((got, _, error),) = run_duckdb(BUNDLED, [full], types, typed=typed)
    assert got == outcome
    assert (error is None) == (outcome is not None), error


NUMBERS = """\
format: crossroads/1
id: numbers
version: 1.0.0
title: Numbers
hit_policy: first
inputs:
  - {id: x, prompt: X?, type: number}
outcomes:
  - {id: low, title: Low}
  - {id: high, title: High}
rules:
  - {id: at-most, when: {x: "<= 0.3"}, then: low}
  - {id: above, when: {x: "> 0.3"}, then: high}
"""


@pytest.mark.parametrize(
    "cell, outcome, error",
    [
        ("0.3", "low", None),
        ("0.30000000000000004", "high", None),  # 0.1 + 0.2 in binary floating point: not 0.3
        ("0.299999999999999999", "low", None),  # 18 decimal places: exact
        ("0.3000000000000000001", None, "beyond DECIMAL(38, 18)"),  # 19: an error, never rounded
        ("3e-1", "low", None),
        ("0.03E+1", "low", None),
        ("30000e-5", "low", None),
        ("1e-18", "low", None),
        ("1e-19", None, "beyond DECIMAL(38, 18)"),
        ("99999999999999999999", "high", None),  # 20 integer digits fit
        ("100000000000000000000", None, "beyond DECIMAL(38, 18)"),
        ("1e19", "high", None),
        ("1e20", None, "beyond DECIMAL(38, 18)"),
        ("0e-100", "low", None),  # zero, whatever its exponent
        ("0e9999999", None, "beyond DECIMAL(38, 18)"),  # ... of up to six digits
        (
            "0.000000000000000000000000000000000000000000000001e48",
            None,
            "beyond DECIMAL(38, 18)",
        ),  # 1, but DuckDB would round it to 0
        ("1e999999999", None, "beyond DECIMAL(38, 18)"),
        ("-00000000000000000000000000000000000001.5000000000000000000000", "low", None),  # padding is free
    ],
)
def test_numbers_are_exact_or_an_error(cell: str, outcome: str | None, error: str | None) -> None:
    table = compile_yaml(NUMBERS)
    ((got, _, message),) = run_duckdb(table, [{"x": cell}])
    assert got == outcome
    assert (message is None) if error is None else (error in message), message


@st.composite
def decimal_texts(draw: st.DrawFn) -> str:
    """Decimal literals as data files hold them: signs, leading and trailing zeros, exponents."""
    whole = draw(st.text("0123456789", max_size=22))
    fraction = draw(st.text("0123456789", max_size=22))
    if not (whole or fraction):
        whole = "0"
    text = draw(st.sampled_from(["", "-", "+"])) + whole + ("." + fraction if fraction or draw(st.booleans()) else "")
    if text.rstrip(".").lstrip("+-") in ("", "."):
        text = "0"
    if draw(st.booleans()):
        text += draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "-", "+"])) + str(draw(st.integers(0, 45)))
    return text


def fits_decimal_38_18(n: Decimal) -> bool:
    _, digits, exponent = n.as_tuple()
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros, exactly (normalize() rounds to 28 digits)
        digits, exponent = digits[:-1], exponent + 1
    return n == 0 or (-exponent <= 18 and len(digits) + exponent <= 20)


@given(decimal_texts())
def test_a_number_is_read_exactly_or_refused(text: str) -> None:
    """The databases' own casts, after the fit checks: never a rounded value (DuckDB; SQLite below)."""
    value = Decimal(text)
    table = compile_yaml(NUMBERS.replace("0.3", "0.25"))  # DECIMAL(38, 18): 20 integer digits
    ((outcome, _, error),) = run_duckdb(table, [{"x": text}])
    fits, mantissa_fits = (fits_decimal_38_18(n) for n in (value, Decimal(re.split("[eE]", text)[0])))
    if not (fits and mantissa_fits):
        assert outcome is None and "beyond DECIMAL(38, 18)" in error
    elif error is not None:  # DuckDB refuses a few exponent forms at the top of the range
        assert "e" in text.lower() and value.adjusted() >= 18 and "beyond DECIMAL(38, 18)" in error
    else:
        assert outcome == ("low" if value <= Decimal("0.25") else "high")


def test_sqlite_numbers_beyond_fifteen_digits_are_errors() -> None:
    table = compile_yaml(NUMBERS)
    got = run_sqlite(
        table, [{"x": "0.3"}, {"x": "0.300000000000001"}, {"x": "0.3000000000000001"}, {"x": "1234567890123456"}]
    )
    assert [g[0] for g in got] == ["low", "high", None, None]
    assert "15 significant digits" in got[2][2]


@pytest.mark.parametrize("dialect", sql.DIALECTS)
def test_option_ids_are_quoted_literals_in_every_dialect(dialect: str) -> None:
    import sqlglot

    table = compile_yaml(INJECTION)
    text = sql.to_sql(table, dialect)
    parsed = sqlglot.parse_one(f"SELECT {text} FROM data", read=dialect)
    literals = {lit.this for lit in parsed.find_all(sqlglot.exp.Literal) if lit.is_string}
    assert set(INJECTION_IDS) <= literals
    assert not list(parsed.find_all(sqlglot.exp.Drop))
    data_columns = [c.name for c in parsed.find_all(sqlglot.exp.Column) if c.table not in sql.BOUND]
    assert data_columns and set(data_columns) == {"pick"}  # the rest read the values bound once (sql._bind)


@pytest.mark.parametrize("run", [run_duckdb, run_sqlite], ids=["duckdb", "sqlite"])
def test_option_ids_that_look_like_sql_are_data(run: Any) -> None:
    table = compile_yaml(INJECTION)
    data = [{"pick": o} for o in INJECTION_IDS] + [{"pick": "x"}]
    got = run(table, data)
    assert [g[0] for g in got] == ["first"] + ["other"] * (len(INJECTION_IDS) - 1) + [None]
    assert got[-1][2].startswith("pick: unknown option; expected one of: '; DROP TABLE x; --, it's")


@pytest.mark.parametrize("run", [run_duckdb, run_sqlite], ids=["duckdb", "sqlite"])
def test_string_conditions_that_look_like_sql_are_exact_text(run: Any) -> None:
    table = compile_yaml(INJECTION_STRINGS)
    picks = [*INJECTION_IDS, "x", "", "IT'S", "back\\\\slash", "back/slash"]
    got = run(table, [{"pick": p} for p in picks] + [{"pick": None}])
    assert [g[0] for g in got[:-1]] == [evaluate(table, {"pick": p}).outcome for p in picks]
    assert [g[0] for g in got[: len(INJECTION_IDS)]] == ["first"] + ["listed"] * (len(INJECTION_IDS) - 1)
    assert got[-1][2].startswith("pick: null is not an answer")


def test_option_id_cannot_end_the_statement_in_duckdb() -> None:
    table = compile_yaml(INJECTION)
    con = duckdb.connect()
    con.execute("CREATE TABLE x (a INT); CREATE TABLE data (pick VARCHAR); INSERT INTO data VALUES ('it''s')")
    assert con.execute(f"SELECT {sql.to_sql(table)} FROM data").fetchall()[0][0] == "other"
    assert con.execute("SELECT count(*) FROM x").fetchone() == (0,)  # still there


# -- the API ------------------------------------------------------------------------


def test_columns_map_inputs_to_expressions() -> None:
    data = [{"c": "behaviour", "f": "static", "cites": "no", "n": "999", "b": "tight"}]
    columns = {
        "change": "c",
        "freshness": "f",
        "citations": "CASE WHEN cites = 'yes' THEN 'true' ELSE 'false' END",
        "examples": "CAST(n AS INT) + 1",
        "budget": "b",
    }
    ((outcome, rule, error),) = run_duckdb(BUNDLED, data, columns=columns)
    assert (outcome, rule, error) == ("fine-tune", "behaviour-static-enough-data", None)


@pytest.mark.parametrize(
    "dialect, columns, message",
    [
        ("oracle", None, "unknown SQL dialect 'oracle'"),
        ("duckdb", {"nope": "x"}, "unknown input(s) nope"),
        ("duckdb", {"change": "SELECT FROM ("}, "column mapping for change: cannot parse"),
    ],
)
def test_usage_errors(dialect: str, columns: dict[str, str] | None, message: str) -> None:
    with pytest.raises(DataError, match=re.escape(message)):
        sql.to_sql(BUNDLED, dialect, columns)


@pytest.mark.parametrize(
    "condition, dialect",
    [('"< 1e40"', "duckdb"), ('"[0.1, 1e37]"', "spark"), ('"<= 0.1234567890123456"', "sqlite")],
)
def test_numbers_sql_cannot_hold_are_refused(condition: str, dialect: str) -> None:
    table = compile_yaml(NUMBERS.replace('"<= 0.3"', condition))
    with pytest.raises(NotExpressible):
        sql.to_sql(table, dialect)


def test_expressions_are_the_select_list_items() -> None:
    items = sql.expressions(BUNDLED, "spark")
    assert list(items) == ["outcome", "rule", "error"]
    assert all(v.endswith(f"AS {k}") for k, v in items.items())
    assert sql.to_sql(BUNDLED, "spark") == ", ".join(items.values())


def test_a_thousand_rows_run_in_a_file_batch(tmp_path: Any) -> None:
    from crossroads.engine.outputs import filebatch

    rows_yaml = "\n".join(
        f'  - {{id: r{n}, when: {{x: "[{n}, {n + 1})"}}, then: {"low" if n % 2 else "high"}}}' for n in range(1000)
    )
    table = compile_yaml(NUMBERS.split("rules:")[0] + "rules:\n" + rows_yaml + "\n")
    (tmp_path / "in.csv").write_text("x\n0.5\n999.5\n1000\n")
    summary = filebatch.run(table, str(tmp_path / "in.csv"), str(tmp_path / "out.csv"))
    assert (summary.rows, summary.errors) == (3, 0)
    assert (tmp_path / "out.csv").read_text().splitlines()[1:] == ["0.5,high,r0,", "999.5,low,r999,", "1000,,,"]


# -- dates (engine/table/dates.py) -----------------------------------------------------


def test_date_grammar_in_sql() -> None:
    """Every string of test_dates.GRAMMAR is a date in DuckDB and SQLite exactly when it is one in Python."""
    from test_dates import GRAMMAR

    table = compile_yaml(DATE_TABLE)
    data = [{"due": text, "signed": "2024-02-29"} for text, _ in GRAMMAR]
    for engine, got in (("duckdb", run_duckdb(table, data)), ("sqlite", run_sqlite(table, data))):
        assert_parity(table, data, got, engine)
        assert [e is None for _, _, e in got] == [d is not None for _, d in GRAMMAR], engine


@pytest.mark.parametrize(
    "due, outcome, error",
    [
        ("2024-02-29", "early", None),
        ("0001-01-01", "early", None),
        ("2024-03-01", "late", None),
        (" 2024-12-31 ", "late", None),
        ("2025-01-01", None, None),  # no row: no default
        ("9999-12-31", "early", None),
        ("2025-02-29", None, "due: not a day of the calendar; expected a date YYYY-MM-DD"),
        ("2025-1-5", None, "due: not a date; expected a date YYYY-MM-DD"),
        ("2025-01-05T00:00", None, "due: not a date"),
        ("", None, "due: not a date"),
    ],
)
def test_dates_compare_as_days(due: str, outcome: str | None, error: str | None) -> None:
    table = compile_yaml(DATE_TABLE)
    for got in (
        run_duckdb(table, [{"due": due, "signed": "2024-02-29"}]),
        run_sqlite(table, [{"due": due, "signed": "2024-02-29"}]),
    ):
        ((o, _, e),) = got
        assert o == outcome and (e is None if error is None else e.startswith(error)), got


def test_date_bounds_and_date_columns() -> None:
    """A DATE column is read as its YYYY-MM-DD text; the bounds hold (0001-01-01 and 9999-12-31 included)."""
    from datetime import date

    table = compile_yaml(DATE_TABLE)
    data = [
        {"due": date(2024, 2, 28), "signed": date(2024, 2, 29)},
        {"due": date(2024, 2, 28), "signed": date(2024, 2, 28)},
        {"due": date(1, 1, 1), "signed": date(9999, 12, 31)},
        {"due": date(9999, 12, 31), "signed": None},
    ]
    types = {"due": "DATE", "signed": "DATE"}
    for typed in (False, True):
        got = run_duckdb(table, data, types, typed=typed)
        assert [o for o, _, _ in got] == ["early", None, None, None]
        assert got[1][2] == "signed: out of range; expected a date YYYY-MM-DD from 2024-02-29 to 9999-12-31"
        assert got[2][2] is None and got[3][2].startswith("signed: null is not an answer")


def test_dates_in_a_csv_and_a_parquet_batch(tmp_path: Any) -> None:
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    (tmp_path / "t.yaml").write_text(DATE_TABLE)
    (tmp_path / "in.csv").write_text("due,signed\n2024-02-29,2024-02-29\n2024-06-01,2025-01-01\n2024-6-1,2025-01-01\n")
    result = CliRunner().invoke(
        cli,
        ["batch", str(tmp_path / "t.yaml"), "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "o.csv")],
    )
    assert result.exit_code == 1 and "3 rows" in result.output and "(1 with an error)" in result.output, result.output
    lines = (tmp_path / "o.csv").read_text().splitlines()
    assert lines[1:3] == ["2024-02-29,2024-02-29,early,r1,", "2024-06-01,2025-01-01,late,r2,"]
    assert lines[3].startswith("2024-6-1,2025-01-01,,,due: not a date")
    source = tmp_path / "in.parquet"
    duckdb.execute(
        f"COPY (SELECT * FROM (VALUES (DATE '2024-02-29', DATE '2024-02-29'), (DATE '2030-01-01', DATE '2024-01-01'))"
        f" AS t(due, signed)) TO '{source}' (FORMAT parquet)"
    )
    result = CliRunner().invoke(
        cli, ["batch", str(tmp_path / "t.yaml"), "--input", str(source), "--output", str(tmp_path / "o.parquet")]
    )
    assert result.exit_code == 1 and "(1 with an error)" in result.output, result.output  # a row with an error: exit 1
    got = duckdb.execute(f"SELECT due, outcome, rule, error FROM read_parquet('{tmp_path / 'o.parquet'}')").fetchall()
    assert got[0][1:3] == ("early", "r1") and got[1][3].startswith("signed: out of range")


UNION_TABLE = """format: crossroads/1
id: unions
version: 1.0.0
title: Unions
hit_policy: first
inputs:
  - {id: age, type: integer, prompt: Age?, minimum: 0, maximum: 120}
  - {id: day, type: date, prompt: Day?}
  - {id: kind, type: choice, prompt: Kind?, options: [{id: x}, {id: y}]}
outcomes: [{id: a, title: A}, {id: b, title: B}, {id: c, title: C}, {id: d, title: D}]
rules:
  - {id: r1, when: {age: [">= 60", "< 18"], kind: x}, then: a}
  - {id: r2, when: {age: [20, 22, "(30, 40]"], day: {not: "[2025-01-01, 2025-04-01)"}}, then: b}
  - {id: r3, when: {age: "!= 50", day: [2025-02-01, "2025-03-01"], kind: y}, then: c}
  - {id: r4, when: {age: {not: [50, "[25, 27]"]}}, then: d}
"""


def test_union_conditions_parity() -> None:
    """``!=``, lists and ``{not: ...}`` (several runs a row) beside other conditions: an OR kept inside its AND."""
    table = compile_yaml(UNION_TABLE)
    ages = ["0", "17", "18", "20", "21", "22", "25", "27", "28", "30", "31", "40", "41", "50", "59", "60", "120", "121"]
    days = ["2024-12-31", "2025-01-01", "2025-02-01", "2025-03-01", "2025-03-31", "2025-04-01"]
    data = [{"age": a, "day": d, "kind": k} for a in ages for d in days for k in ("x", "y")]
    assert_parity(table, data, run_duckdb(table, data), "duckdb")
    assert_parity(table, data, run_sqlite(table, data), "sqlite")


FEES = (FIXTURES / "outputs" / "fees-sum.yaml").read_text()


@pytest.mark.parametrize(
    "fee, dialect, refused",
    [
        ("4.90", "sqlite", False),
        ("0.1234567890123456", "sqlite", True),  # 16 significant digits: no double holds it
        ("0.123456789012345", "sqlite", True),  # 15, but a sum of three needs more room (scaled beyond 10^15)
        ("123456789012345678901234567890.12345678", "duckdb", True),  # 38 digits: its sum needs 39
        ("12345678901234567890123456789.12345678", "duckdb", False),
    ],
)
def test_output_numbers_sql_cannot_hold_exactly_are_refused(fee: str, dialect: str, refused: bool) -> None:
    table = compile_yaml(FEES.replace("then: {fee: 4.90}", f"then: {{fee: {fee}}}"))
    if refused:
        with pytest.raises(NotExpressible, match="output fee"):
            sql.to_sql(table, dialect)
    else:
        assert "AS fee" in sql.to_sql(table, dialect)


def test_an_exact_sum_of_decimals_in_duckdb_and_sqlite() -> None:
    """0.1 + 0.2 is 0.3, exactly (DECIMAL; SQLite: scaled integers, so the double nearest 0.3)."""
    text = FEES.replace("fee: 4.90", "fee: 0.1").replace("fee: 10}", "fee: 0.2}").replace("fee: 7.5", "fee: 0.05")
    table = compile_yaml(text)
    data = [{"weight": "30", "express": "false"}, {"weight": "30", "express": "true"}]
    assert [r[3] for r in run_duckdb(table, data)] == [Decimal("0.30"), Decimal("0.35")]
    assert [r[3] for r in run_sqlite(table, data)] == [0.3, 0.35]
