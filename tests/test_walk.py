"""The outputs issue's "done when": five tables that each use one new form (values, a collect sum,
output order, free text, a date) go through every command with the same answers everywhere.

Each table is a fixture under ``tests/fixtures/walk/``, formatted and lint-clean; the answer sets
below are evaluated by ``evaluate --format json``, by ``batch`` (JSON Lines), by the Python API,
by the guide page's own evaluator and by DuckDB (``tests/sqlparity.py``), and must agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import crossroads
from crossroads.cli.main import cli

WALK = FIXTURES / "walk"

# table → (answer sets, an edit that changes some result: (old text, new text))
TABLES: dict[str, tuple[list[dict[str, Any]], tuple[str, str]]] = {
    "shipping": (
        [
            {"weight": 30, "destination": "eu"},
            {"weight": 5, "destination": "world"},
            {"weight": 30, "destination": "domestic"},
            {"weight": 20, "destination": "eu"},
            {"weight": "20.0000001", "destination": "world"},
            {"weight": 1},
        ],
        ("then: {fee: 49.5", "then: {fee: 59.5"),
    ),
    "fees": (
        [
            {"weight": 30, "express": True},
            {"weight": 1, "express": False},
            {"weight": 20, "express": True},
            {"weight": 21},
        ],
        ("then: {fee: 10}", "then: {fee: 12.5}"),
    ),
    "routes": (
        [
            {"weight": 10, "ship_by": "2026-03-01"},
            {"weight": 40, "ship_by": "2025-12-31"},
            {"weight": 1, "ship_by": "2020-01-01"},
            {"weight": "29.99", "ship_by": "2026-01-01"},
            {"weight": 30},
        ],
        ("then: {route: sea, days: 30}", "then: {route: sea, days: 35}"),
    ),
    "zones": (
        [
            {"country": "NL", "weight": 5},
            {"country": "nl", "weight": 25},
            {"country": "", "weight": 1},
            {"country": "BE", "weight": 30},
            {"country": " NL", "weight": 30},
            {"country": "LU"},
        ],
        ("when: {country: [BE, LU]}", "when: {country: [BE, LU, DE]}"),
    ),
    "reminders": (
        [
            {"due": "2024-12-31", "paid": False},
            {"due": "2025-03-31", "paid": False},
            {"due": "2028-02-29", "paid": False},
            {"due": "2026-01-01", "paid": True},
            {"due": "2025-04-01"},
        ],
        ('"[2025-01-01, 2025-04-01)"', '"[2025-01-01, 2025-05-01)"'),
    ),
}


def _path(name: str) -> str:
    return str(WALK / f"{name}.yaml")


def _json(output: str) -> Any:
    return json.loads(output)


@pytest.mark.parametrize("name", TABLES)
def test_lint_test_and_fmt_are_clean(name: str) -> None:
    runner = CliRunner()
    for args in (["lint", "--strict"], ["test"], ["fmt", "--check"]):
        got = runner.invoke(cli, [*args, _path(name)])
        assert got.exit_code == 0, (args, got.output)


@pytest.mark.parametrize("name", TABLES)
def test_evaluate_batch_and_the_api_give_the_same_answers(name: str) -> None:
    answer_sets, _ = TABLES[name]
    runner = CliRunner()
    table = crossroads.load(_path(name))
    lines = "".join(json.dumps(a) + "\n" for a in answer_sets)
    batch = runner.invoke(cli, ["batch", _path(name), "--no-cache"], input=lines)
    assert batch.exit_code == 0, batch.output
    batched = [_json(line) for line in batch.stdout.splitlines()]
    assert len(batched) == len(answer_sets)
    for answers, line in zip(answer_sets, batched):
        evaluated = runner.invoke(
            cli, ["evaluate", _path(name), "--answers", "-", "--format", "json"], input=json.dumps(answers)
        )
        assert evaluated.exit_code in (0, 3), evaluated.output
        cli_result = _json(evaluated.stdout)
        api_result = table.evaluate(answers).to_json()
        assert cli_result == api_result
        assert {k: v for k, v in line.items() if k != "line"} == api_result
        if table.compiled.outputs:
            assert "values" in api_result and (api_result["status"] != "decided" or api_result["values"] is not None)


@pytest.mark.parametrize("name", TABLES)
def test_text_output_names_the_outputs(name: str) -> None:
    table = crossroads.load(_path(name))
    answers = TABLES[name][0][0]
    got = CliRunner().invoke(cli, ["evaluate", _path(name), "--answers", "-"], input=json.dumps(answers))
    assert got.exit_code == 0, got.output
    for output in table.compiled.outputs:
        assert f"{output.title}: " in got.stdout


@pytest.mark.parametrize("name", TABLES)
def test_show_lists_every_row_and_its_values(name: str) -> None:
    table = crossroads.load(_path(name))
    got = CliRunner().invoke(cli, ["show", _path(name), "--format", "json"])
    assert got.exit_code == 0, got.output
    shown = _json(got.stdout)
    text = json.dumps(shown)
    for rule in table.rules:
        assert rule.id in text
    assert ("outputs" in shown) == bool(table.compiled.outputs)


@pytest.mark.parametrize("name", TABLES)
def test_diff_finds_the_changed_result_and_its_example_is_real(name: str, tmp_path: Path) -> None:
    _, (old, new) = TABLES[name]
    text = Path(_path(name)).read_text(encoding="utf-8")
    assert text.count(old) == 1
    changed = tmp_path / f"{name}.yaml"
    changed.write_text(text.replace(old, new).replace("version: 1.0.0", "version: 2.0.0"), encoding="utf-8")
    got = CliRunner().invoke(cli, ["diff", _path(name), str(changed), "--format", "json", "--check-version"])
    assert got.exit_code == 0, got.output
    report = _json(got.stdout)
    assert report["changes"] and report["complete"]
    before, after = crossroads.load(_path(name)), crossroads.load(changed)
    for change in report["changes"]:  # every printed example is checked by evaluating it
        a, b = before.evaluate(change["example"]).to_json(), after.evaluate(change["example"]).to_json()
        assert a != b
        shown = lambda r: r["values"] if r["values"] is not None else r["outcome"] or r["outcomes"]
        assert change["old"] == shown(a) and change["new"] == shown(b), change


def _complete(name: str) -> list[dict[str, Any]]:
    """The answer sets that answer every input (SQL reads a NULL as a bad answer, not as unanswered)."""
    inputs = {i.id for i in crossroads.load(_path(name)).inputs}
    return [a for a in TABLES[name][0] if set(a) == inputs]


@pytest.mark.parametrize("name", TABLES)
def test_duckdb_gives_the_same_answers(name: str) -> None:
    from sqlparity import comparable, expected, require, text_or_bool

    duckdb = require("duckdb", "the data extra: pip install '.[data]'")
    from crossroads.engine.outputs.sql import to_sql

    table = crossroads.load(_path(name)).compiled
    rows = _complete(name)
    assert rows
    ids = [i.id for i in table.inputs]
    con = duckdb.connect()
    con.execute("CREATE TABLE data (" + ", ".join(f'"{i}" VARCHAR' for i in ids) + ")")
    for row in rows:
        con.execute(f"INSERT INTO data VALUES ({', '.join('?' for _ in ids)})", [text_or_bool(row[i]) for i in ids])
    got = con.execute(f"SELECT {to_sql(table, 'duckdb')} FROM data").fetchall()  # rows come back in insert order
    assert [comparable(g, table) for g in got] == [comparable(expected(table, row), table) for row in rows]
