"""Outputs with values (issue 19): format, validation, evaluation, the result's ``values``."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from crossroads.engine.decision.evaluate import decide, evaluate
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import compile_table
from crossroads.engine.table.loader import Document
from crossroads.engine.table.model import Table
from crossroads.engine.table.validate import validate

SHIPPING = FIXTURES / "outputs" / "shipping.yaml"


def _data(path: Path = SHIPPING) -> dict[str, Any]:
    from crossroads.engine.table.loader import load_bytes

    return load_bytes(path.read_bytes(), path.name).data


def _codes(data: dict[str, Any]) -> list[str]:
    _, findings = validate(Document(data, "t.yaml", {}, {}))
    return sorted(f.code for f in findings if f.severity == "error")


def _edit(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_data())
    change(data)
    return data


def test_the_shipping_table_is_valid() -> None:
    assert _codes(_data()) == []


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda d: d["rules"][0]["then"].pop("carrier"), "missing-value"),
        (lambda d: d["rules"][0]["then"].update(fees=1), "unknown-output"),
        (lambda d: d["rules"][0]["then"].update(fee="cheap"), "bad-value"),
        (lambda d: d["rules"][0]["then"].update(carrier="drone"), "bad-value"),
        (lambda d: d["outcomes"][0].pop("values"), "missing-values"),
        (lambda d: d.update(default={"fee": True, "carrier": "economy"}), "bad-value"),
        (lambda d: d["outputs"][0].update(id="weight"), "bad-output-id"),
        (lambda d: d["outputs"][0].update(id="rule"), "bad-output-id"),
        (
            lambda d: d.update(
                hit_policy="priority", outputs=[{"id": "fee", "type": "number"}, {"id": "carrier", "type": "choice"}]
            ),
            "no-priority-output",
        ),
        (lambda d: d.update(aggregate="sum"), "bad-aggregate"),
        (lambda d: d.update(hit_policy="collect", aggregate="sum"), "bad-aggregate"),
        (lambda d: d["outputs"][1]["options"].append({"id": "express"}), "duplicate-id"),
    ],
)
def test_bad_outputs_are_positioned_findings(change: Any, code: str) -> None:
    assert code in _codes(_edit(change))


@pytest.mark.parametrize(
    "output, value, ok",
    [
        ({"type": "date"}, "2025-01-05", True),
        ({"type": "date"}, "2025-1-5", False),
        ({"type": "date"}, "2025-02-30", False),
        ({"type": "date"}, "0000-01-01", False),
        ({"type": "integer"}, 3, True),
        ({"type": "integer"}, 3.5, False),
        ({"type": "string"}, "", True),
        ({"type": "string"}, 1, False),
        ({"type": "boolean"}, True, True),
        ({"type": "choice"}, "anything", True),  # a choice output without options takes any id
    ],
)
def test_value_types(output: dict[str, Any], value: Any, ok: bool) -> None:
    data = {
        "format": "crossroads/1",
        "id": "t",
        "version": "1.0.0",
        "title": "T",
        "hit_policy": "first",
        "inputs": [{"id": "x", "prompt": "X?", "type": "boolean"}],
        "outputs": [{"id": "v", **output}],
        "rules": [{"id": "r", "when": {"x": True}, "then": {"v": value}}],
    }
    assert (_codes(data) == []) is ok


def test_a_table_needs_outcomes_or_outputs() -> None:
    data = _edit(lambda d: (d.pop("outcomes"), d.pop("outputs")))
    assert "schema" in _codes(data)


def test_values_without_outputs_are_unknown() -> None:
    data = _edit(lambda d: d.pop("outputs"))
    assert "unknown-output" in _codes(data)


# --- evaluation -------------------------------------------------------------------------------


def _compiled(data: dict[str, Any]) -> Any:
    return compile_table(Table.model_validate(data))


def _run(data: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    t = _compiled(data)
    return evaluate(t, parse_answers(t.input_index, answers)).to_json()


@pytest.mark.parametrize(
    "answers, outcome, values, rule",
    [
        ({"weight": 30, "destination": "eu"}, None, {"fee": 49.5, "carrier": "express"}, "heavy-abroad"),
        ({"weight": 3, "destination": "eu"}, "standard-delivery", {"fee": 4.9, "carrier": "standard"}, "light"),
        ({"weight": 30, "destination": "domestic"}, None, {"fee": 0, "carrier": "economy"}, None),
    ],
)
def test_single_hit_values(answers: dict[str, Any], outcome: Any, values: Any, rule: Any) -> None:
    got = _run(_data(), answers)
    assert (got["status"], got["outcome"], got["values"], got["rule"]) == ("decided", outcome, values, rule)
    t = _compiled(_data())
    d = decide(t, parse_answers(t.input_index, answers))
    assert (d.outcome, d.rule, {k: float(v) for k, v in d.values.items() if k == "fee"}) == (
        outcome,
        rule,
        {"fee": values["fee"]},
    )


def test_partial_answers_list_possible_values() -> None:
    got = _run(_data(), {"weight": 30})
    assert got["status"] == "undecided" and got["values"] is None
    assert got["possible"] == [{"fee": 49.5, "carrier": "express"}, {"fee": 0, "carrier": "economy"}]


def test_a_table_without_outputs_has_values_null() -> None:
    data = {
        "format": "crossroads/1",
        "id": "t",
        "version": "1.0.0",
        "title": "T",
        "hit_policy": "first",
        "inputs": [{"id": "x", "prompt": "X?", "type": "boolean"}],
        "outcomes": [{"id": "a", "title": "A"}],
        "rules": [{"id": "r", "when": {"x": True}, "then": "a"}],
    }
    got = _run(data, {"x": True})
    assert got["values"] is None and got["outcome"] == "a"
    t = _compiled(data)
    assert decide(t, {"x": True}) == ("decided", "a", "r", ("a",))  # still the four-tuple


def _fees(policy: str, **extra: Any) -> dict[str, Any]:
    return {
        "format": "crossroads/1",
        "id": "fees",
        "version": "1.0.0",
        "title": "Fees",
        "hit_policy": policy,
        "inputs": [{"id": "n", "prompt": "N?", "type": "integer"}],
        "outputs": [{"id": "fee", "type": "number", "title": "Fee"}],
        "rules": [
            {"id": "base", "then": {"fee": Decimal("4.90")}},
            {"id": "big", "when": {"n": "> 10"}, "then": {"fee": 2}},
            {"id": "huge", "when": {"n": "> 100"}, "then": {"fee": Decimal("0.1")}},
        ],
        **extra,
    }


@pytest.mark.parametrize(
    "how, n, total",
    [("sum", 5, 4.9), ("sum", 50, 6.9), ("sum", 500, 7), ("min", 500, 0.1), ("max", 500, 4.9), ("count", 500, 3)],
)
def test_aggregates(how: str, n: int, total: Any) -> None:
    got = _run(_fees("collect", aggregate=how), {"n": n})
    assert got["status"] == "decided" and got["values"] == {"fee": total}


def test_count_with_no_match_is_zero_and_sum_takes_the_default() -> None:
    data = _fees("collect", aggregate="count")
    data["rules"] = data["rules"][1:]
    assert _run(data, {"n": 1})["values"] == {"fee": 0}
    data = {**_fees("collect", aggregate="sum"), "default": {"fee": 1}}
    data["rules"] = data["rules"][1:]
    assert _run(data, {"n": 1})["values"] == {"fee": 1}


def test_collect_lists_the_mappings_in_table_order() -> None:
    got = _run(_fees("collect"), {"n": 50})
    assert got["values"] == [{"fee": 4.9}, {"fee": 2}]


def _carriers(policy: str) -> dict[str, Any]:
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
            {"id": "s1", "then": {"fee": 1, "carrier": "standard"}},
            {"id": "e1", "when": {"n": "> 10"}, "then": {"fee": 9, "carrier": "express"}},
            {"id": "e2", "when": {"n": "> 5"}, "then": {"fee": 8, "carrier": "express"}},
        ],
    }


@pytest.mark.parametrize(
    "n, values, rule",
    [
        (1, {"fee": 1, "carrier": "standard"}, "s1"),
        (6, {"fee": 8, "carrier": "express"}, "e2"),
        (20, {"fee": 9, "carrier": "express"}, "e1"),
    ],
)
def test_priority_by_the_choice_outputs_then_table_order(n: int, values: Any, rule: str) -> None:
    got = _run(_carriers("priority"), {"n": n})
    assert (got["values"], got["rule"]) == (values, rule)


def test_output_order_sorts_by_priority() -> None:
    got = _run(_carriers("output-order"), {"n": 20})
    assert got["values"] == [
        {"fee": 9, "carrier": "express"},
        {"fee": 8, "carrier": "express"},
        {"fee": 1, "carrier": "standard"},
    ]


def test_priority_partial_answers_are_exact() -> None:
    t = _compiled(_carriers("priority"))
    r = evaluate(t, {})
    assert r.status == "undecided" and len(r.possible) == 3


def test_any_agreement_compares_values_and_named_outcomes() -> None:
    data = {
        "format": "crossroads/1",
        "id": "a",
        "version": "1.0.0",
        "title": "A",
        "hit_policy": "any",
        "inputs": [{"id": "n", "prompt": "N?", "type": "integer"}],
        "outputs": [{"id": "fee", "type": "number"}],
        "outcomes": [
            {"id": "x", "title": "X", "values": {"fee": 1}},
            {"id": "y", "title": "Y", "values": {"fee": 1}},
        ],
        "rules": [
            {"id": "inline", "then": {"fee": Decimal("1.0")}},
            {"id": "rx", "when": {"n": "> 0"}, "then": "x"},
            {"id": "ry", "when": {"n": "> 10"}, "then": "y"},
        ],
    }
    assert _run(data, {"n": 5})["values"] == {"fee": 1}  # inline 1.0 agrees with x
    from crossroads.engine.errors import HitPolicyViolation

    with pytest.raises(HitPolicyViolation):  # x and y: equal values, two outcomes
        _run(data, {"n": 50})
    t = _compiled(data)
    with pytest.raises(HitPolicyViolation):
        decide(t, {"n": 50})


def test_text_output_shows_the_values_with_titles() -> None:
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    r = CliRunner().invoke(cli, ["evaluate", str(SHIPPING), "-a", "weight=30", "-a", "destination=eu"])
    assert r.exit_code == 0 and "Delivery fee: 49.5" in r.output and "Carrier: express" in r.output


def test_fmt_places_outputs_after_inputs_and_keeps_values() -> None:
    from crossroads.engine.authoring.formatter import format_text

    text = SHIPPING.read_text()
    out = format_text(text, "s.yaml")
    assert out.index("outputs:") > out.index("inputs:") and out.index("outputs:") < out.index("outcomes:")
    assert "4.90" in out


def _cli(args: list[str], stdin: str | None = None) -> Any:
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    return CliRunner().invoke(cli, args, input=stdin)


@pytest.mark.parametrize(
    "args, words",
    [
        (["show", str(SHIPPING)], "Delivery fee: 4.9, Carrier: standard"),
        (["show", str(SHIPPING), "--format", "json"], '"default_values"'),
        (["diff", str(SHIPPING), str(SHIPPING)], "No answer changes its result."),
    ],
)
def test_show_and_diff_support_outputs(args: list[str], words: str) -> None:
    """show and diff no longer refuse a table with outputs (tests/test_show_values.py, test_diff_values.py)."""
    r = _cli(args)
    assert r.exit_code == 0, r.output
    assert words in r.output and "does not support outputs" not in r.output


def test_lint_refuses_an_expect_by_values_without_outputs(tmp_path: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        "inputs: [{id: n, prompt: N?, type: integer}]\noutcomes: [{id: a, title: A}]\n"
        "rules: [{id: r1, then: a}]\nexamples:\n  - answers: {n: 1}\n    expect: {values: {fee: 1}}\n"
    )
    r = _cli(["lint", str(path)])
    assert r.exit_code == 1 and "expect by values needs outputs" in r.output and "Traceback" not in r.output


def test_batch_json_lines_gives_values() -> None:
    r = _cli(["batch", str(SHIPPING)], stdin='{"weight": 30, "destination": "eu"}\n{"weight": 3}\n')
    assert r.exit_code == 0
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert lines[0]["values"] == {"fee": 49.5, "carrier": "express"} and lines[0]["outcome"] is None
    assert lines[1]["values"] == {"fee": 4.9, "carrier": "standard"} and lines[1]["outcome"] == "standard-delivery"


def test_file_batch_writes_a_column_per_output(tmp_path: Any) -> None:
    pytest.importorskip("duckdb")
    data = tmp_path / "in.csv"
    data.write_text("weight,destination\n30,eu\n")
    r = _cli(["batch", str(SHIPPING), "--input", str(data), "--output", str(tmp_path / "out.csv")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out.csv").read_text().splitlines()[1] == "30,eu,,heavy-abroad,,49.5,express"


def test_ask_decides_with_values() -> None:
    r = _cli(["ask", str(SHIPPING)], stdin="30\neu\n")
    assert r.exit_code == 0 and "Delivery fee: 49.5" in r.output and "Carrier: express" in r.output
