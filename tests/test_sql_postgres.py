"""``engine/outputs/sql.py``'s PostgreSQL dialect, run by a real server against the Python engine.

Starts a throwaway cluster (``initdb`` in a temporary folder, a Unix socket,
no TCP) when PostgreSQL's server binaries are installed, and skips otherwise:
CI does not install a database server for one dialect; DuckDB, SQLite and
Spark are the ones CI must run. PostgreSQL has no ``TRY_CAST``: its plain
``CAST`` is safe there because every value is checked before it is cast.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from conftest import compile_yaml
from crossroads.engine.table import pipeline as tables
from hypothesis import given, settings
from oracle import Oracle
from strategies import output_tables
from sqlparity import (
    INJECTION,
    INJECTION_IDS,
    comparable,
    expected,
    require,
    rows,
    table_and_rows,
)

require("sqlglot", "the data extra: pip install '.[data]'")
from crossroads.engine.outputs import sql

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _as_postgres() -> list[str]:
    """Run server commands as the ``postgres`` user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a PostgreSQL server")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="module")
def psql() -> Iterator[Any]:
    if not BIN:
        pytest.skip("PostgreSQL server binaries not installed (Debian: postgresql)")
    bin_dir, prefix = BIN[-1], _as_postgres()
    folder = tempfile.mkdtemp(prefix="crossroads-pg-")
    if prefix:
        shutil.chown(folder, "postgres")
    data = os.path.join(folder, "data")
    run = lambda *args, **kw: subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, **kw)
    try:
        run(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "postgres")
        run(
            f"{bin_dir}/pg_ctl",
            "-D",
            data,
            "-o",
            f"-k {folder} -c listen_addresses=''",
            "-l",
            os.path.join(folder, "log"),
            "-w",
            "start",
        )

        def query(script: str) -> list[str]:
            done = run(f"{bin_dir}/psql", "-h", folder, "-U", "postgres", "-At", "-v", "ON_ERROR_STOP=1", input=script)
            return done.stdout.splitlines()

        yield query
    finally:
        subprocess.run(
            [*prefix, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True, check=False
        )
        shutil.rmtree(folder, ignore_errors=True)


def literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"  # standard_conforming_strings: on


def run_postgres(query: Any, table: Any, data: Sequence[dict[str, Any]]) -> list[tuple]:
    names = [i.id for i in table.inputs]
    columns = ", ".join(f'"{n}" TEXT' for n in names)
    values = ",\n".join("(" + ", ".join([str(k), *(literal(r[n]) for n in names)]) + ")" for k, r in enumerate(data))
    script = (
        f"CREATE TEMP TABLE data (n INT, {columns});\nINSERT INTO data VALUES {values};\n"
        f"SELECT json_build_array(outcome, rule, error)::text FROM (SELECT n, {sql.to_sql(table, 'postgres')} FROM data) AS t ORDER BY n;\n"
    )
    return [tuple(json.loads(line)) for line in query(script)[2:]]  # after CREATE TABLE and INSERT's tags


def test_bundled_table_parity(psql: Any) -> None:
    table = tables.compiled(tables.find(None), use_cache=False)
    data = rows(table, Oracle(tables.load(tables.find(None)).document.data))
    got = run_postgres(psql, table, data)
    assert len(got) == len(data)
    for row, result in zip(data, got):
        assert comparable(result) == expected(table, row), row


@settings(max_examples=15)
@given(table_and_rows())
def test_generated_tables_parity(psql: Any, case: tuple[Any, list[dict[str, Any]]]) -> None:
    table, data = case
    got = run_postgres(psql, table, data)
    assert len(got) == len(data)
    for row, result in zip(data, got):
        assert comparable(result) == expected(table, row), row


def test_option_ids_that_look_like_sql_are_data(psql: Any) -> None:
    table = compile_yaml(INJECTION)
    got = run_postgres(psql, table, [{"pick": o} for o in INJECTION_IDS])
    assert [g[0] for g in got] == ["first"] + ["other"] * (len(INJECTION_IDS) - 1)


def run_postgres_values(query: Any, table: Any, data: Sequence[dict[str, Any]]) -> list[tuple]:
    """``run_postgres`` with every column (a table with outputs: one per output), numbers exact."""
    from decimal import Decimal

    names = [i.id for i in table.inputs]
    columns = ", ".join(f'"{n}" TEXT' for n in names)
    values = ",\n".join("(" + ", ".join([str(k), *(literal(r[n]) for n in names)]) + ")" for k, r in enumerate(data))
    aliases = ", ".join(['"outcome"', '"rule"', '"error"', *(f'"{o.id}"' for o in table.outputs)])
    script = (
        f"CREATE TEMP TABLE data (n INT, {columns});\nINSERT INTO data VALUES {values};\n"
        f"SELECT json_build_array({aliases})::text FROM (SELECT n, {sql.to_sql(table, 'postgres')} FROM data) AS t ORDER BY n;\n"
    )
    return [tuple(json.loads(line, parse_float=Decimal)) for line in query(script)[2:]]


@pytest.mark.parametrize("name", ["shipping", "fees-sum", "routes-order"])
def test_value_fixtures_parity(psql: Any, name: str) -> None:
    from conftest import FIXTURES

    path = str(FIXTURES / "outputs" / f"{name}.yaml")
    table = tables.compiled(tables.find(path), use_cache=False)
    data = rows(table, Oracle(tables.load(tables.find(path)).document.data))
    for row, result in zip(data, run_postgres_values(psql, table, data), strict=True):
        assert comparable(result, table) == expected(table, row), row


@settings(max_examples=15)
@given(table_and_rows(output_tables()))
def test_generated_value_tables_parity(psql: Any, case: tuple[Any, list[dict[str, Any]]]) -> None:
    table, data = case
    for row, result in zip(data, run_postgres_values(psql, table, data), strict=True):
        assert comparable(result, table) == expected(table, row), row
