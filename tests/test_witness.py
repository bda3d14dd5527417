"""Witnesses and regions stay exact beyond Decimal's default 28 digits (issue 17, item 12).

``compiler.witness`` picks an answer inside a region; ``lint`` prints it as a gap's example,
``test --generate`` writes it as an example, and ``diff`` finds changed regions with the same
search. Each number here needs more than 28 significant digits, where the default decimal
context used to round (a witness ``1.000000000000000000000000000E+40`` that a row matches, a
change between two close bounds that ``diff`` did not see).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import compile_yaml
from crossroads.cli.main import cli
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import InputSpec, witness
from crossroads.engine.table.conditions import Interval
from crossroads.engine.decision.evaluate import evaluate

TABLE = """format: crossroads/1
id: close
version: {version}
title: Close bounds
hit_policy: first
inputs:
  - {{id: x, prompt: X?, type: {kind}}}
outcomes:
  - {{id: low, title: Low}}
  - {{id: high, title: High}}
rules:
  - {{id: up-to, when: {{x: "{low}"}}, then: low}}
{more}"""


@pytest.mark.parametrize(
    "kind, iv, expected",
    [
        ("number", Interval(Decimal("1e40"), False, None, False), 10**40 + 1),
        ("number", Interval(None, False, Decimal("-1e40"), False), -(10**40) - 1),
        ("integer", Interval(Decimal("1e40"), False, None, False), 10**40 + 1),
        (
            "number",
            Interval(
                Decimal("1.0000000000000000000000000000000001"),
                False,
                Decimal("1.0000000000000000000000000000000003"),
                False,
            ),
            Decimal("1.0000000000000000000000000000000002"),
        ),
        (
            "number",
            Interval(Decimal("0.1"), False, Decimal("0.1000000000000000000000000000000000001"), False),
            Decimal("0.10000000000000000000000000000000000005"),
        ),
    ],
)
def test_witness_is_exact_and_inside(kind: str, iv: Interval, expected: object) -> None:
    got = witness(InputSpec("x", kind, "?"), iv)
    assert got == expected and iv.contains(got)


def test_lint_gap_example_is_an_answer_no_row_matches(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TABLE.format(version="1.0.0", kind="number", low="<= 1e40", more=""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path), "--format", "json"])
    (gap,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "gap"]
    table = compile_yaml(path.read_text(encoding="utf-8"))
    answers = parse_answers(table.input_index, json.loads(json.dumps(gap["example"]), parse_float=Decimal))
    assert answers["x"] > 10**40
    assert evaluate(table, answers).status == "no-match"


def test_generate_covers_the_row_it_says_it_covers(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    more = '  - {id: above, when: {x: "> 1e40"}, then: high}\nexamples:\n  - {answers: {x: 0}, expect: low}\n'
    path.write_text(TABLE.format(version="1.0.0", kind="number", low="<= 1e40", more=more), encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", "--generate", str(path)])
    assert "added 1 example for uncovered rows" in result.stderr, result.output
    again = CliRunner().invoke(cli, ["test", "--coverage", "--fail-under", "100", str(path)])
    assert again.exit_code == 0, again.output


def test_diff_sees_a_change_between_close_bounds(tmp_path: Path) -> None:
    # Only the open interval between two bounds 2e-34 apart changes; its midpoint has 35 digits.
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    a, b = "1.0000000000000000000000000000000001", "1.0000000000000000000000000000000003"
    old.write_text(
        TABLE.format(version="1.0.0", kind="number", low=f"({a}, {b})", more="  - {id: rest, then: high}\n"),
        encoding="utf-8",
    )
    new.write_text(
        TABLE.format(version="1.0.0", kind="number", low="[5, 6]", more="  - {id: rest, then: high}\n"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    inside = [c for c in changes if Decimal(a) < Decimal(str(c["example"]["x"])) < Decimal(b)]
    assert len(inside) == 1, changes
    table = compile_yaml(old.read_text(encoding="utf-8"))
    assert evaluate(table, {"x": Decimal(str(inside[0]["example"]["x"]))}).outcome == "low"
