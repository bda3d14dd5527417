"""Examples of tables with outputs (issue 19): expects by values, lint's bad-example, coverage, --generate."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from strategies import GeneratedTable, output_tables

from crossroads.cli.main import cli
from crossroads.engine.authoring.examples import run_examples
from crossroads.engine.authoring.testing import run_file
from crossroads.engine.table.compiler import compile_table
from crossroads.engine.table.loader import Document
from crossroads.engine.table.validate import validate

SHIPPING = FIXTURES / "outputs" / "shipping.yaml"


def _two(policy: str) -> dict[str, Any]:
    """Overlapping rows with a fee and a carrier (express ranks first)."""
    return {
        "format": "crossroads/1",
        "id": "c",
        "version": "1.0.0",
        "title": "C",
        "hit_policy": policy,
        "inputs": [{"id": "n", "prompt": "N?", "type": "integer"}],
        "outputs": [
            {"id": "fee", "type": "number"},
            {"id": "carrier", "type": "choice", "options": [{"id": "express"}, {"id": "standard"}]},
        ],
        "rules": [
            {"id": "s1", "then": {"fee": Decimal("0.10"), "carrier": "standard"}},
            {"id": "e1", "when": {"n": "> 10"}, "then": {"fee": 9, "carrier": "express"}},
            {"id": "e2", "when": {"n": "> 5"}, "then": {"fee": Decimal("8.5"), "carrier": "express"}},
        ],
    }


def _one(aggregate: str) -> dict[str, Any]:
    data = _two("collect")
    data["aggregate"] = aggregate
    data["outputs"] = data["outputs"][:1]
    data["rules"] = [{**r, "then": {"fee": r["then"]["fee"]}} for r in data["rules"]]
    return data


def _runs(data: dict[str, Any], *examples: dict[str, Any]) -> Any:
    data = {**data, "examples": list(examples)}
    table, findings = validate(Document(data, "t.yaml", {}, {}))
    assert table is not None and [f for f in findings if f.severity == "error"] == [], findings
    return run_examples(table, compile_table(table))


S1 = {"fee": Decimal("0.1"), "carrier": "standard"}
E1 = {"fee": 9, "carrier": "express"}
E2 = {"fee": Decimal("8.50"), "carrier": "express"}


@pytest.mark.parametrize(
    "data, n, expect, passed",
    [
        (_two("first"), 20, {"values": S1}, True),  # 0.10 in the table equals 0.1 here
        (_two("first"), 20, {"values": S1, "rule": "s1"}, True),
        (_two("first"), 20, {"values": {"fee": Decimal("0.11"), "carrier": "standard"}}, False),
        (_two("unique"), 1, {"values": S1, "rule": "s1"}, True),
        (_two("unique"), 20, {"values": S1}, False),  # a violation: a failing run
        (_two("any"), 1, {"values": S1}, True),
        (_two("any"), 20, {"values": S1}, False),
        (_two("priority"), 20, {"values": E1, "rule": "e1"}, True),
        (_two("priority"), 7, {"values": E2, "rule": "e2"}, True),
        (_two("first"), 20, {"values": E1, "rule": "e1"}, False),  # a row that matches, not the deciding one
        (_two("collect"), 20, [S1, E1, E2], True),
        (_two("collect"), 20, [E1, E2, S1], False),
        (_two("output-order"), 20, [E1, E2, S1], True),
        (_two("output-order"), 20, [S1, E1, E2], False),
        (_one("sum"), 20, {"values": {"fee": Decimal("17.6")}}, True),
        (_one("sum"), 20, {"values": {"fee": 17}}, False),
        (_one("min"), 20, {"values": {"fee": Decimal("0.100")}}, True),
        (_one("max"), 20, {"values": {"fee": 9}}, True),
        (_one("count"), 20, {"values": {"fee": 3}}, True),
        (_one("count"), 7, {"values": {"fee": 3}}, False),
    ],
)
def test_value_expects_pass_and_fail(data: dict[str, Any], n: int, expect: Any, passed: bool) -> None:
    (run,) = _runs(data, {"answers": {"n": n}, "expect": expect})
    assert run.passed is passed, (run.result, run.error)


def _decided_form(data: dict[str, Any]) -> Any:
    """A well-formed decided expect for the table's policy (which partial answers cannot meet)."""
    if "aggregate" in data:
        return {"values": {"fee": 1}}
    return [S1] if data["hit_policy"] in ("collect", "output-order") else {"values": S1}


@pytest.mark.parametrize("data", [_two(p) for p in ("priority", "collect", "output-order")] + [_one("sum")])
def test_undecided_is_expected_by_name(data: dict[str, Any]) -> None:
    runs = _runs(
        data,
        {"answers": {}, "expect": "undecided"},
        {"answers": {}, "expect": _decided_form(data)},
    )
    assert [r.passed for r in runs] == [True, False]


def test_an_outcome_id_still_expects_a_named_outcome() -> None:
    (run,) = _runs(_data_of(SHIPPING), {"answers": {"weight": 3, "destination": "eu"}, "expect": "standard-delivery"})
    assert run.passed


def _data_of(path: Path) -> dict[str, Any]:
    from crossroads.engine.table.loader import load_bytes

    return dict(load_bytes(path.read_bytes(), path.name).data)


def _cli(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args)


def _with_example(tmp_path: Path, expect: str, body: str | None = None) -> Path:
    path = tmp_path / "t.yaml"
    text = body if body is not None else SHIPPING.read_text()
    path.write_text(text + f"examples:\n  - answers: {{weight: 30, destination: eu}}\n    expect: {expect}\n")
    return path


@pytest.mark.parametrize(
    "expect",
    [
        "{values: {fee: 49.50, carrier: express}}",
        "{values: {fee: 49.5, carrier: express}, rule: heavy-abroad}",
        "standard-delivery",
        "undecided",
    ],
)
def test_lint_accepts_the_expect_forms_of_a_single_hit_value_table(tmp_path: Path, expect: str) -> None:
    r = _cli(["lint", str(_with_example(tmp_path, expect))])
    assert "bad-example" not in r.output and "Traceback" not in r.output, r.output


@pytest.mark.parametrize(
    "expect, column, words",
    [
        ("{values: {fee: 49.5, carier: express}}", 34, "'carier' is not an output"),
        ("{values: {fee: cheap, carrier: express}}", 28, "output 'fee' (number): expected a number"),
        ("{values: {fee: 49.5}}", 22, "no value for output(s) carrier"),
        ("[{fee: 49.5, carrier: express}]", 13, "this table expects {values: {...}} with every output"),
        ("{values: {fee: 49.5, carrier: express}, rule: nope}", 59, "expected rule 'nope' is not a rule"),
        (
            "{values: {fee: 49.5, carrier: express}, rule: light}",
            59,
            "rule 'light' gives {fee: 4.9, carrier: standard}",
        ),
    ],
)
def test_a_bad_expect_is_a_positioned_lint_error(tmp_path: Path, expect: str, column: int, words: str) -> None:
    path = _with_example(tmp_path, expect)
    r = _cli(["lint", str(path)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    line = len(SHIPPING.read_text().splitlines()) + 3
    assert f"{path}:{line}:{column}: error bad-example: examples[0]" in r.output and words in r.output, r.output


@pytest.mark.parametrize(
    "policy, aggregate, expect, words",
    [
        ("collect", None, "{values: {fee: 1, carrier: express}}", "expects a list of values mappings"),
        ("output-order", None, "express-ish", "expects a list of values mappings"),
        ("collect", "sum", "[{fee: 1}]", "expects {values: {fee: <number>}} (aggregate sum)"),
        ("collect", "sum", "{values: {fee: 1}, rule: s1}", "an aggregate has no deciding row"),
        ("collect", "count", "{values: {fee: 1.5}}", "aggregate 'count': expected an integer"),
        ("collect", "max", "{values: {fees: 1}}", "'fees' is not the output 'fee'"),
    ],
)
def test_a_bad_expect_for_the_policy_is_a_lint_error(
    tmp_path: Path, policy: str, aggregate: str | None, expect: str, words: str
) -> None:
    outputs = "outputs: [{id: fee, type: number}" + (
        "]" if aggregate else ", {id: carrier, type: choice, options: [{id: express}]}]"
    )
    then = "{fee: 1}" if aggregate else "{fee: 1, carrier: express}"
    path = tmp_path / "t.yaml"
    path.write_text(
        f"format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: {policy}\n"
        + (f"aggregate: {aggregate}\n" if aggregate else "")
        + f"inputs: [{{id: n, prompt: N?, type: integer}}]\n{outputs}\n"
        + f"rules: [{{id: s1, then: {then}}}]\nexamples:\n  - answers: {{n: 1}}\n    expect: {expect}\n"
    )
    r = _cli(["lint", str(path)])
    assert r.exit_code == 1 and "error bad-example: examples[0]" in r.output and words in r.output, r.output


def test_test_runs_value_examples_and_reports_values(tmp_path: Path) -> None:
    path = _with_example(tmp_path, "{values: {fee: 49.50, carrier: express}, rule: heavy-abroad}")
    path.write_text(
        path.read_text()
        + "  - answers: {weight: 30, destination: domestic}\n    expect: {values: {fee: 1, carrier: economy}}\n"
    )
    r = _cli(["test", str(path), "--coverage"])
    assert r.exit_code == 1, r.output
    assert "expected: {fee: 1, carrier: economy}" in r.output
    assert "got:      {fee: 0, carrier: economy} (the default: no row matches)" in r.output
    assert "1 passed, 1 failed" in r.output and "light-same (unreachable)" in r.output
    report = json.loads(_cli(["test", str(path), "--format", "json"]).stdout)
    first, second = report["files"][0]["examples"]
    assert first["passed"] and first["result"]["values"] == {"fee": 49.5, "carrier": "express"}
    assert first["expect"] == {"values": {"fee": 49.5, "carrier": "express"}, "rule": "heavy-abroad"}
    assert not second["passed"] and second["got_text"].startswith("{fee: 0, carrier: economy}")
    junit = _cli(["test", str(path), "--format", "junit"]).stdout
    assert "expected {fee: 1, carrier: economy}, got {fee: 0, carrier: economy}" in junit


@pytest.mark.parametrize(
    "answers, expect, got",
    [
        (
            "{weight: 3, destination: eu}",
            "{values: {fee: 49.5, carrier: express}}",
            "standard-delivery {fee: 4.9, carrier: standard} by row light",
        ),
        (
            "{weight: 30}",
            "{values: {fee: 0, carrier: economy}}",
            "undecided (still possible: {fee: 49.5, carrier: express}",
        ),
    ],
)
def test_a_failure_names_what_came(tmp_path: Path, answers: str, expect: str, got: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SHIPPING.read_text() + f"examples:\n  - answers: {answers}\n    expect: {expect}\n")
    r = _cli(["test", str(path)])
    assert r.exit_code == 1 and f"got:      {got}" in r.output, r.output


def test_generate_writes_value_examples_that_pass(tmp_path: Path) -> None:
    path = tmp_path / "shipping.yaml"
    path.write_text(SHIPPING.read_text())
    r = _cli(["test", str(path), "--generate", "--coverage"])
    assert r.exit_code == 0, r.output
    text = path.read_text()
    assert "expect: {values: {fee: 49.5, carrier: express}, rule: heavy-abroad}" in text
    assert "expect: {values: {fee: 4.9, carrier: standard}, rule: light}" in text
    assert "2 passed, 0 failed" in r.output and "100.0%" in r.output
    lint = _cli(["lint", str(path)])
    assert "bad-example" not in lint.output, lint.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(output_tables())
def test_generated_examples_of_random_value_tables_pass_and_lint(t: GeneratedTable) -> None:
    """--generate on any table with outputs writes examples that lint accepts and that pass,
    and coverage then misses only rows no example can exercise."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.yaml"
        path.write_text(t.text)
        report = run_file(str(path), coverage=True, generate=True, max_seconds=10)
        assert report.compiled is not None, report.findings
        assert report.failed == 0, [(r.expect, r.result, r.error) for r in report.runs if not r.passed]
        assert report.coverage is not None and (report.coverage.uncovered == () or not report.coverage.complete)
        r = _cli(["lint", str(path)])
        assert "bad-example" not in r.output, r.output
