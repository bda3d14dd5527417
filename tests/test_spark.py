"""``to_sql(table, dialect="spark")`` in PySpark local mode gives the Python engine's answers.

One SparkSession for the module (local, one core, no UI), tiny data: the
bundled table over every class of answers plus rewritten, boundary, malformed
and NULL cells; a few generated tables; option ids that try to be SQL; the
README's ``selectExpr`` recipe. Spark 4 runs with ANSI mode on, where a bad
``CAST`` raises: every value is checked before it is cast.

Without pyspark or Java the module skips with the reason; under ``CI=true``
it fails (``.ci/run`` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import compile_yaml
from crossroads.engine.decision.evaluate import evaluate
from crossroads.engine.table import pipeline as tables
from hypothesis import given, settings
from oracle import Oracle
from strategies import output_tables, tables as generated_tables
from sqlparity import (
    DATE_TABLE,
    INJECTION,
    INJECTION_IDS,
    INJECTION_STRINGS,
    comparable,
    expected,
    require,
    require_java,
    rows,
    table_and_rows,
)

require("pyspark", "the spark extra: pip install '.[spark]'")
require("sqlglot", "the data extra: pip install '.[data]'")
require_java()
from crossroads.engine.outputs import sql
from pyspark.sql import SparkSession
from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

BUNDLED = tables.compiled(tables.find(None), use_cache=False)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    session = (
        SparkSession.builder.master("local[1]")
        .appName("crossroads-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def run_spark(spark: SparkSession, table: Any, data: Sequence[dict[str, Any]]) -> list[tuple]:
    names = [i.id for i in table.inputs]
    frame = spark.createDataFrame(
        [tuple(r[n] for n in names) for r in data], StructType([StructField(n, StringType()) for n in names])
    )
    return [tuple(r) for r in frame.selectExpr(*sql.expressions(table, "spark").values()).collect()]


def assert_parity(table: Any, data: Sequence[dict[str, Any]], got: list[tuple]) -> None:
    assert len(got) == len(data)
    for row, result in zip(data, got):
        assert comparable(result, table) == expected(table, row), row


def test_bundled_table_parity(spark: SparkSession) -> None:
    data = rows(BUNDLED, Oracle(tables.load(tables.find(None)).document.data))
    assert_parity(BUNDLED, data, run_spark(spark, BUNDLED, data))


@settings(max_examples=6)
@given(table_and_rows())
def test_generated_tables_parity(spark: SparkSession, case: tuple[Any, list[dict[str, Any]]]) -> None:
    table, data = case
    assert_parity(table, data, run_spark(spark, table, data))


def test_option_ids_that_look_like_sql_are_data(spark: SparkSession) -> None:
    table = compile_yaml(INJECTION)
    got = run_spark(spark, table, [{"pick": o} for o in INJECTION_IDS])
    assert [g[0] for g in got] == ["first"] + ["other"] * (len(INJECTION_IDS) - 1)


def test_readme_recipe_keeps_every_column_and_reads_typed_ones(spark: SparkSession) -> None:
    schema = StructType(
        [
            StructField("customer", StringType()),
            StructField("change", StringType()),
            StructField("freshness", StringType()),
            StructField("citations", BooleanType()),
            StructField("examples", LongType()),
            StructField("budget", StringType()),
        ]
    )
    df = spark.createDataFrame(
        [("c1", "behaviour", "static", False, 1000, "tight"), ("c2", "knowledge", "static", True, None, "tight")],
        schema,
    )
    out = df.selectExpr("*", *sql.expressions(BUNDLED, "spark").values())
    assert out.columns == [
        "customer",
        "change",
        "freshness",
        "citations",
        "examples",
        "budget",
        "outcome",
        "rule",
        "error",
    ]
    got = [(r.customer, r.outcome, r.rule, r.error) for r in out.orderBy("customer").collect()]
    assert got[0] == ("c1", "fine-tune", "behaviour-static-enough-data", None)
    assert got[1][:3] == ("c2", None, None) and got[1][3].startswith("examples: null is not an answer")
    typed = df.selectExpr("*", *sql.expressions(BUNDLED, "spark", types=dict(df.dtypes)).values())  # the faster form
    assert [(r.customer, r.outcome, r.rule, r.error) for r in typed.orderBy("customer").collect()] == got


def test_string_conditions_that_look_like_sql_are_exact_text_in_spark(spark: Any) -> None:
    table = compile_yaml(INJECTION_STRINGS)
    picks = [*INJECTION_IDS, "x", "", "IT'S", "back\\\\slash"]
    got = run_spark(spark, table, [{"pick": p} for p in picks])
    assert [g[0] for g in got] == [evaluate(table, {"pick": p}).outcome for p in picks]


def test_dates_in_spark(spark: SparkSession) -> None:
    """The date grammar (test_dates.GRAMMAR) and date comparisons as in the engine; a DateType column too."""
    from datetime import date

    from pyspark.sql.types import DateType
    from test_dates import GRAMMAR

    table = compile_yaml(DATE_TABLE)
    data = [{"due": text, "signed": "2024-02-29"} for text, _ in GRAMMAR]
    data += [
        {"due": d, "signed": s}
        for d in ("2024-02-29", "2024-03-01", "2025-01-01", "2025-01-02")
        for s in ("2024-02-28", "2024-02-29")
    ]
    assert_parity(table, data, run_spark(spark, table, data))
    frame = spark.createDataFrame(
        [(date(2024, 2, 28), date(2024, 2, 29)), (date(1, 1, 1), date(2024, 2, 28))],
        StructType([StructField("due", DateType()), StructField("signed", DateType())]),
    )
    got = [tuple(r) for r in frame.selectExpr(*sql.expressions(table, "spark").values()).collect()]
    assert got[0] == ("early", "r1", None)
    assert got[1][:2] == (None, None) and got[1][2].startswith("signed: out of range")


def test_union_conditions_in_spark(spark: SparkSession) -> None:
    """``!=``, lists and ``{not: ...}`` (several runs a row), as in the engine (test_sql.UNION_TABLE)."""
    from test_sql import UNION_TABLE

    table = compile_yaml(UNION_TABLE)
    data = [
        {"age": a, "day": d, "kind": k}
        for a in ("0", "18", "20", "25", "30", "31", "50", "60")
        for d in ("2024-12-31", "2025-02-01", "2025-04-01")
        for k in ("x", "y")
    ]
    assert_parity(table, data, run_spark(spark, table, data))


@pytest.mark.parametrize("name", ["shipping", "fees-sum", "routes-order"])
def test_value_fixtures_in_spark(spark: SparkSession, name: str) -> None:
    """One column per output (DECIMAL, BIGINT, text), lists under output-order, a collect sum."""
    path = Path(__file__).parent / "fixtures" / "outputs" / f"{name}.yaml"
    table = tables.compiled(tables.find(str(path)), use_cache=False)
    data = rows(table, Oracle(tables.load(tables.find(str(path))).document.data))
    assert_parity(table, data, run_spark(spark, table, data))


@settings(max_examples=8)
@given(table_and_rows(output_tables()))
def test_generated_value_tables_parity(spark: SparkSession, case: tuple[Any, list[dict[str, Any]]]) -> None:
    """Tables with outputs under every policy and aggregate (drawn), every output type."""
    table, data = case
    assert_parity(table, data, run_spark(spark, table, data))


@settings(max_examples=3)
@given(table_and_rows(generated_tables(hit_policy="output-order")))
def test_output_order_without_outputs_in_spark(spark: SparkSession, case: tuple[Any, list[dict[str, Any]]]) -> None:
    table, data = case
    assert_parity(table, data, run_spark(spark, table, data))
