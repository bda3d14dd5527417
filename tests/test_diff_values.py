"""``diff`` of tables with outputs: a changed value is a changed result, compared exactly."""

from __future__ import annotations

import copy
import json
import re
from itertools import product
from pathlib import Path

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli
from crossroads.engine.analysis.diff import ValueResult, diff
from crossroads.engine.table import pipeline as tables
from hypothesis import assume, given
from hypothesis import strategies as st
from oracle import NO_MATCH, VIOLATION, Oracle
from strategies import output_table_data, rules, to_yaml

OUTPUTS = Path(__file__).parent / "fixtures" / "outputs"
SHIPPING = (OUTPUTS / "shipping.yaml").read_text()
FEES = (OUTPUTS / "fees-sum.yaml").read_text()
ETA_OUTPUT = "    options: [{id: express}, {id: standard}, {id: economy}]\n  - id: eta\n    type: integer\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def with_eta(text: str) -> str:
    """The shipping table with a third output, ``eta``, given a value everywhere."""
    text = text.replace("    options: [{id: express}, {id: standard}, {id: economy}]\n", ETA_OUTPUT)
    return re.sub(r"carrier: (\w+)\}", r"carrier: \1, eta: 2}", text)


CASES = [
    # (name, old text, new text, words in the text output, required bump)
    ("fee", SHIPPING, SHIPPING.replace("fee: 4.90,", "fee: 5.90,"), "weight <= 20: fee: 4.9 → 5.9", "major"),
    ("same-number", SHIPPING, SHIPPING.replace("fee: 4.90,", "fee: 4.9,"), "No answer changes its result.", "none"),
    (
        "carrier",
        SHIPPING,
        SHIPPING.replace("{fee: 49.5, carrier: express}", "{fee: 49.5, carrier: standard}"),
        "weight > 20, destination in [eu, world]: carrier: express → standard",
        "major",
    ),
    (
        "added-output",
        SHIPPING,
        with_eta(SHIPPING),
        "weight <= 20: standard-delivery {fee: 4.9, carrier: standard} → "
        "standard-delivery {fee: 4.9, carrier: standard, eta: 2}",
        "major",
    ),
    (
        "aggregate",
        FEES,
        FEES.replace("aggregate: sum", "aggregate: max"),
        "weight > 20, express=true: fee: 22.4 → 10",
        "major",
    ),
    ("aggregate-same-number", FEES, FEES.replace("fee: 4.90", "fee: 4.9"), "No answer changes its result.", "none"),
    (
        "title",
        SHIPPING,
        SHIPPING.replace("title: Delivery fee", "title: Fee"),
        'outputs.fee.title: "Delivery fee" → "Fee"',
        "patch",
    ),
]


@pytest.mark.parametrize("name, old, new, words, required", CASES, ids=[c[0] for c in CASES])
def test_value_changes_are_result_changes(
    tmp_path: Path, name: str, old: str, new: str, words: str, required: str
) -> None:
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    r = run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"))
    assert r.exit_code == 0, r.output
    assert words in r.stdout
    data = json.loads(run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", "json").stdout)
    assert data["version"]["required"] == required
    assert (data["changes"] == []) == (required in ("none", "patch"))


def test_json_shows_the_old_and_new_values(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(SHIPPING)
    (tmp_path / "new.yaml").write_text(SHIPPING.replace("fee: 4.90,", "fee: 5.90,"))
    data = json.loads(run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", "json").stdout)
    [change] = data["changes"]
    assert change["old"] == {"fee": 4.9, "carrier": "standard"}
    assert change["new"] == {"fee": 5.9, "carrier": "standard"}
    assert (change["old_outcome"], change["new_outcome"]) == ("standard-delivery", "standard-delivery")
    assert data["added"]["outputs"] == [] and data["removed"]["outputs"] == []


def test_json_lists_added_outputs_and_aggregates_as_mappings(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(SHIPPING)
    (tmp_path / "new.yaml").write_text(with_eta(SHIPPING))
    data = json.loads(run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", "json").stdout)
    assert data["added"]["outputs"] == ["eta"]
    assert all(set(c["new"]) == {"fee", "carrier", "eta"} for c in data["changes"])
    assert len(data["changes"]) >= 3  # every region a row or the default decides
    (tmp_path / "a.yaml").write_text(FEES)
    (tmp_path / "b.yaml").write_text(FEES.replace("aggregate: sum", "aggregate: count"))
    data = json.loads(run("diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--format", "json").stdout)
    assert {"old": {"fee": 4.9}, "new": {"fee": 1}}.items() <= next(
        c for c in data["changes"] if c["example"]["express"] is False and c["example"]["weight"] <= 20
    ).items()


@pytest.mark.parametrize(
    "version, exit_code",
    [("1.0.0", 1), ("1.1.0", 1), ("1.0.1", 1), ("2.0.0", 0)],
)
def test_check_version_needs_a_major_bump_for_a_changed_value(tmp_path: Path, version: str, exit_code: int) -> None:
    (tmp_path / "old.yaml").write_text(SHIPPING)
    new = SHIPPING.replace("fee: 4.90,", "fee: 5.90,").replace("version: 1.0.0", f"version: {version}")
    (tmp_path / "new.yaml").write_text(new)
    r = run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--check-version")
    assert r.exit_code == exit_code, r.output
    if exit_code:
        assert "results change for existing answers: a major bump is required" in r.stderr
        assert r.stderr.count("\n") == 1


def test_check_version_passes_a_rewritten_number(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(SHIPPING)
    (tmp_path / "new.yaml").write_text(SHIPPING.replace("fee: 4.90,", "fee: 4.9,"))
    r = run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--check-version")
    assert r.exit_code == 0 and "none required (ok)" in r.stdout


def test_gaining_outputs_changes_every_decided_result(tmp_path: Path) -> None:
    plain = """format: crossroads/1
id: shipping
version: 1.0.0
title: Shipping cost
hit_policy: first
inputs:
  - id: weight
    prompt: Weight in kg?
    type: number
    minimum: 0
outcomes:
  - id: standard-delivery
    title: Standard delivery
rules:
  - id: light
    when: {weight: "<= 20"}
    then: standard-delivery
"""
    valued = plain.replace("outcomes:\n", "outputs:\n  - id: fee\n    type: number\noutcomes:\n").replace(
        "title: Standard delivery\n", "title: Standard delivery\n    values: {fee: 4.9}\n"
    )
    (tmp_path / "old.yaml").write_text(plain)
    (tmp_path / "new.yaml").write_text(valued)
    r = run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    [change] = data["changes"]  # weight > 20: no match in both
    assert (change["old"], change["new"], change["new_outcome"]) == (
        "standard-delivery",
        {"fee": 4.9},
        "standard-delivery",
    )
    assert data["added"]["outputs"] == ["fee"] and data["version"]["required"] == "major"


# -- against brute force -------------------------------------------------------


def _model(text: str):
    return tables.load(tables.Source("t.yaml", text.encode())).table


def _norm(result):
    if result == NO_MATCH:
        return None
    if result == VIOLATION:
        return "error"
    return result


def _as_oracle(result):
    """A diff result in the oracle's form: (outcome, values), a tuple of them, or ("total", n)."""
    if not isinstance(result, ValueResult):
        return result
    items = tuple((o, tuple(v for _, v in values)) for o, values in result.items)
    if result.kind == "total":
        return ("total", items[0][1][0])
    return items if result.kind == "list" else items[0]


@given(data=st.data())
def test_value_changes_are_exactly_where_results_differ(data: st.DataObject) -> None:
    old = data.draw(output_table_data(max_inputs=3, max_rules=5))
    new = copy.deepcopy(old)
    thens = [r["then"] for r in old["rules"]] + [o["id"] for o in old.get("outcomes", ())]
    n = data.draw(st.integers(1, 5))
    new["rules"] = []
    for k in range(n):
        row = data.draw(rules(f"n{k}", old["inputs"], ["x"]))
        row["then"] = copy.deepcopy(data.draw(st.sampled_from(thens)))
        new["rules"].append(row)
    if new.get("outcomes") and data.draw(st.booleans()):  # an outcome's values change, or stay as another's
        mappings = [t for t in thens if isinstance(t, dict)] or [new["outcomes"][-1]["values"]]
        new["outcomes"][0]["values"] = copy.deepcopy(data.draw(st.sampled_from(mappings)))
    a, b = Oracle(old), Oracle(new)
    reps = [
        sorted(set(a.representatives(i)) | set(b.representatives(j)), key=lambda v: (str(type(v)), v))
        for i, j in zip(a.inputs, b.inputs)
    ]
    size = 1
    for r in reps:
        size *= len(r)
    assume(size <= 3000)
    d = diff(_model(to_yaml(old)), _model(to_yaml(new)))
    assert d.complete
    for values in product(*reps):
        answers = a.answers(values)
        before = _norm(a.result(sum(1 << k for k in a.matches(answers))))
        after = _norm(b.result(sum(1 << k for k in b.matches(answers))))
        inside = [c for c in d.changes if a.in_region(answers, c.when)]
        if before == after:
            assert not inside, (answers, inside)
        else:
            assert len(inside) == 1, (answers, d.changes)
            assert (_as_oracle(inside[0].old), _as_oracle(inside[0].new)) == (before, after)
    for c in d.changes:  # every example lies in its region and shows the change
        ex = c.example
        assert a.in_region(ex, c.when)
        assert _norm(a.result(sum(1 << k for k in a.matches(ex)))) == _as_oracle(c.old)
        assert _norm(b.result(sum(1 << k for k in b.matches(ex)))) == _as_oracle(c.new)


@pytest.mark.parametrize(
    "new, added, removed, changes",
    [
        # the carrier output becomes free text: same values, another kind of value (removed and added)
        (
            SHIPPING.replace(
                "    type: choice\n    title: Carrier\n", "    type: string\n    title: Carrier\n"
            ).replace("    options: [{id: express}, {id: standard}, {id: economy}]\n", ""),
            ["carrier"],
            ["carrier"],
            False,
        ),
        (with_eta(SHIPPING), ["eta"], [], True),
    ],
)
def test_outputs_added_removed_or_retyped(
    tmp_path: Path, new: str, added: list[str], removed: list[str], changes: bool
) -> None:
    (tmp_path / "old.yaml").write_text(SHIPPING)
    (tmp_path / "new.yaml").write_text(new)
    forth = json.loads(run("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", "json").stdout)
    back = json.loads(run("diff", str(tmp_path / "new.yaml"), str(tmp_path / "old.yaml"), "--format", "json").stdout)
    assert (forth["added"]["outputs"], forth["removed"]["outputs"]) == (added, removed)
    assert (back["added"]["outputs"], back["removed"]["outputs"]) == (removed, added)
    assert bool(forth["changes"]) == bool(back["changes"]) == changes
    assert forth["version"]["required"] == back["version"]["required"] == "major"
