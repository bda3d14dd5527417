"""The hit policies live in one module: ``decide``'s inlined copy equals it, its partial-answer bounds are sound.

``engine/table/policies.py`` defines each policy once; ``evaluate.decide`` keeps an
inlined copy of ``HitPolicy.result`` for speed. These properties hold that copy
to the module on random tables (``strategies.tables``) and every class of
complete answers (``oracle.Oracle.classes``), violations and their messages
included, and check the module's partial-answer operations (``bounds``,
``fixed``) against every completion. A source scan keeps the rest of
``engine/`` from dispatching on policy names again.
"""

from __future__ import annotations

import ast
from itertools import product
from typing import Any, get_args

import pytest
from conftest import REPO, compile_yaml
from crossroads.engine.table import model
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import CompiledTable, InputType
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import decide, evaluate
from crossroads.engine.table.policies import (
    DECIDED,
    ERROR,
    NO_MATCH,
    POLICIES,
    VARIES,
    PolicyName,
    bits,
    policy_of,
    result_of,
    row_masks,
    violation,
)
from crossroads.engine.table.schema import schema as load_schema
from hypothesis import given
from hypothesis import strategies as st
from oracle import Oracle
from strategies import GeneratedTable, output_tables, tables


def expected_decision(table: CompiledTable, mask: int) -> tuple[Any, ...] | HitPolicyViolation:
    """What the policy module says ``decide`` returns for answers matched by exactly ``mask``:
    ``Result``'s status, outcome, rule and outcomes."""
    result, row = result_of(table, mask)
    if result == ERROR:
        error = violation(table, mask)
        assert error is not None, "ERROR and violation() must agree"
        return error
    if result == NO_MATCH:
        return (NO_MATCH, None, None, ())
    collects = table.hit_policy == "collect"
    if not mask:  # the default: the one outcome, or under collect the list of it
        default = table.outcomes[table.default].id  # type: ignore[index]
        return (DECIDED, None if collects else default, None, (default,))
    if isinstance(result, tuple):  # collect: decided, the list, no single outcome or rule
        return (DECIDED, None, None, tuple(table.outcomes[o].id for o in result))
    outcome = table.outcomes[result].id
    return (DECIDED, outcome, table.rules[row].id if row is not None else None, (outcome,))


def decided(table: CompiledTable, answers: dict[str, Any]) -> tuple[Any, ...] | HitPolicyViolation:
    try:
        return tuple(decide(table, answers))  # type: ignore[return-value]
    except HitPolicyViolation as exc:
        return exc


def same(got: Any, want: Any) -> bool:
    if isinstance(want, HitPolicyViolation):
        return isinstance(got, HitPolicyViolation) and (str(got), got.rules) == (str(want), want.rules)
    return got == want


@given(tables())
def test_decide_equals_the_policy_module_on_every_class(t: GeneratedTable) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    for mask, raw in oracle.classes().items():
        answers = parse_answers(table.input_index, raw)
        definite, possible, missing = row_masks(table, answers)
        assert definite == possible == mask and not missing
        want = expected_decision(table, mask)
        assert same(decided(table, answers), want), (raw, want)


@given(t=tables(), data=st.data())
def test_decide_and_evaluate_equal_the_policy_module_on_random_answers(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    raw = {i.id: data.draw(st.sampled_from(oracle.representatives(i))) for i in oracle.inputs}
    answers = parse_answers(table.input_index, raw)
    mask, _, _ = row_masks(table, answers)
    want = expected_decision(table, mask)
    assert same(decided(table, answers), want)
    try:
        r = evaluate(table, answers)
    except HitPolicyViolation as exc:
        assert same(exc, want)
        return
    assert not isinstance(want, HitPolicyViolation)
    assert tuple(decide(table, answers)) == (r.status, r.outcome, r.rule, r.outcomes)  # one contract, two paths
    result, row = result_of(table, mask)
    if result == NO_MATCH:
        assert (r.status, r.outcome, r.outcomes) == (NO_MATCH, None, ())
    elif isinstance(result, tuple):  # collect: the list, no single outcome or rule
        assert (r.status, r.outcome, r.rule) == (DECIDED, None, None)
        assert r.outcomes == tuple(table.outcomes[o].id for o in result)
    else:
        assert (r.status, r.outcome, r.rule) == (
            DECIDED,
            table.outcomes[result].id,
            None if row is None else table.rules[row].id,
        )


def _completions(oracle: Oracle, table: CompiledTable, fixed: dict[str, Any]) -> list[tuple[Any, int | None]]:
    """(result, row) of every completion of ``fixed`` over the oracle's representatives."""
    choices = [[fixed[i.id]] if i.id in fixed else oracle.representatives(i) for i in oracle.inputs]
    out = []
    for values in product(*choices):
        answers = parse_answers(table.input_index, oracle.answers(values))
        mask, _, _ = row_masks(table, answers)
        out.append(result_of(table, mask))
    return out


@given(t=tables(max_inputs=3), data=st.data())
def test_partial_bounds_and_fixed_hold_for_every_completion(t: GeneratedTable, data: st.DataObject) -> None:
    """``bounds`` and ``fixed`` over (definite, possible) of partial answers: what they prove, every completion shows."""
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    policy = policy_of(table)
    fixed = oracle.draw_partial(data, max_completions=2000)
    definite, possible, _ = row_masks(table, parse_answers(table.input_index, fixed))
    done = _completions(oracle, table, fixed)
    results = {res for res, _ in done}
    if violation(table, definite) is not None:  # the sure matches alone break the policy
        assert results == {ERROR}
        return
    if possible:
        bound = policy.bounds(table, definite, possible)
        if bound.result is not None:
            assert results == {bound.result}
            if bound.row is not None:
                assert {row for _, row in done} == {bound.row}
        reachable = {
            o for res in results if res not in (ERROR, NO_MATCH) for o in (res if isinstance(res, tuple) else (res,))
        }
        assert reachable - {table.rules[r].then for r in bits(bound.candidates)} <= ({table.default} - {None})
    if definite:
        got = policy.fixed(table, possible, definite)
        if got is not None:
            result, row = got
            assert results == {result}
            if row not in (None, VARIES):
                assert {r for _, r in done} == {row}


@given(tables(max_rules=6), st.data())
def test_violation_is_the_error_result_and_monotone(t: GeneratedTable, data: st.DataObject) -> None:
    table = compile_yaml(t.text)
    policy = policy_of(table)
    live = data.draw(st.integers(1, table.all_rows))
    more = live | data.draw(st.integers(0, table.all_rows))
    broken = policy.violation(table, live) is not None
    assert broken == (policy.result(table, live)[0] == ERROR)
    if broken:
        assert policy.violation(table, more) is not None
    result, row = policy.result(table, live)
    if result != ERROR and not policy.collects:
        assert row is not None and live >> row & 1 and table.rules[row].then == result
        assert policy.rule_rows(table, live) == 1 << row  # the row evaluation reports
        assert policy.deciders(table, live) >> row & 1
    for r in bits(live):  # a row shadowed by one that matches with it never decides
        if policy.shadowers(table, r) & live:
            assert not policy.deciders(table, live) >> r & 1


# -- the registry and the names -------------------------------------------------


def test_the_registry_holds_every_policy_the_schema_allows() -> None:
    schema = load_schema()
    assert tuple(POLICIES) == tuple(schema["properties"]["hit_policy"]["enum"]) == get_args(PolicyName)
    assert get_args(model.Table.model_fields["hit_policy"].annotation) == get_args(PolicyName)
    for name, policy in POLICIES.items():
        assert policy.name == name
    with pytest.raises(AttributeError):
        POLICIES["first"].ranks_by = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        POLICIES["bogus"] = POLICIES["first"]  # type: ignore[index]


def test_input_types_are_the_models() -> None:
    kinds = {
        get_args(cls.model_fields["type"].annotation)[0]
        for cls in (
            model.ChoiceInput,
            model.BooleanInput,
            model.IntegerInput,
            model.NumberInput,
            model.StringInput,
            model.DateInput,
        )
    }
    assert kinds == set(get_args(InputType))


@pytest.mark.parametrize(
    "name, collects, ranks_by, conflicts",
    [
        ("unique", False, None, True),
        ("first", False, "row", False),
        ("priority", False, "outcome", False),
        ("any", False, None, True),
        ("collect", True, None, False),
    ],
)
def test_what_each_policy_says_about_itself(name: str, collects: bool, ranks_by: str | None, conflicts: bool) -> None:
    policy = POLICIES[name]  # type: ignore[index]
    assert (policy.collects, policy.ranks_by, policy.conflicts) == (collects, ranks_by, conflicts)


# Modules allowed to name policies in a comparison: the policies themselves, the SQL
# (a separate implementation, proven equal by tests/test_sql.py) and, in evaluate.py,
# only ``decide``'s inlined hot path (proven equal above).
SEPARATE = {"policies.py", "sql.py"}
PENDING: set[str] = set()  # modules not yet moved to the policy module


def _policy_comparisons(source: str) -> list[tuple[str, int]]:
    """(enclosing function, line) of every comparison against a policy name."""
    names = set(POLICIES)
    out = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Compare):
                for side in (child.left, *child.comparators):
                    consts = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                    if any(isinstance(c, ast.Constant) and c.value in names for c in consts):
                        out.append((where, child.lineno))
                        break
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return out


def test_nothing_else_in_the_engine_dispatches_on_policy_names() -> None:
    found = {}
    paths = sorted((REPO / "engine").rglob("*.py"))
    assert len(paths) > 20  # the scan sees every engine module, in every sub-package
    for path in paths:
        if path.name in SEPARATE | PENDING:
            continue
        hits = [
            (f, line)
            for f, line in _policy_comparisons(path.read_text(encoding="utf-8"))
            if not (path.name == "evaluate.py" and f == "decide")
        ]
        if hits:
            found[path.name] = hits
    assert found == {}, "use engine/table/policies.py (policy_of(table)) instead of comparing hit_policy to names"


def test_the_scan_sees_a_dispatch() -> None:
    assert _policy_comparisons('def f(t):\n    if t.hit_policy in ("unique", "any"):\n        pass\n') == [("f", 2)]
    assert _policy_comparisons('x = "first"\n') == []


# -- tables with outputs (issue 19): the same contract over value results ---------------


def expected_values_decision(table: CompiledTable, mask: int) -> tuple[Any, ...] | HitPolicyViolation:
    """``expected_decision`` for a table with outputs: ``ValuesDecision``'s five fields."""
    from crossroads.engine.decision.evaluate import present

    result, row = result_of(table, mask)
    if result == ERROR:
        error = violation(table, mask)
        assert error is not None, "ERROR and violation() must agree"
        return error
    if result == NO_MATCH:
        return (NO_MATCH, None, None, (), None)
    outcome, outcomes, values = present(table, result)
    rule = table.rules[row].id if row is not None and not policy_of(table).collects else None
    return (DECIDED, outcome, rule, outcomes, values)


@given(t=output_tables(), data=st.data())
def test_decide_and_evaluate_equal_the_policy_module_on_output_tables(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    for mask, raw in oracle.classes().items():
        answers = parse_answers(table.input_index, raw)
        assert row_masks(table, answers)[0] == mask
        want = expected_values_decision(table, mask)
        got = decided(table, answers)
        assert same(got, want), (raw, got, want)
        try:
            r = evaluate(table, answers)
        except HitPolicyViolation as exc:
            assert same(exc, want)
            continue
        assert (r.status, r.outcome, r.rule, r.outcomes, r.values) == want


@given(t=output_tables(max_inputs=3), data=st.data())
def test_partial_bounds_and_fixed_hold_on_output_tables(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    policy = policy_of(table)
    fixed = oracle.draw_partial(data, max_completions=2000)
    definite, possible, _ = row_masks(table, parse_answers(table.input_index, fixed))
    done = _completions(oracle, table, fixed)
    results = {res for res, _ in done}
    if violation(table, definite) is not None:
        assert results == {ERROR}
        return
    if possible:
        bound = policy.bounds(table, definite, possible)
        if bound.result is not None:
            assert results == {bound.result}
            if bound.row is not None:
                assert {row for _, row in done} == {bound.row}
    if definite:
        got = policy.fixed(table, possible, definite)
        if got is not None:
            result, row = got
            assert results == {result}
            if row not in (None, VARIES):
                assert {r for _, r in done} == {row}


@given(output_tables(max_rules=6), st.data())
def test_violation_is_the_error_result_and_monotone_on_output_tables(t: GeneratedTable, data: st.DataObject) -> None:
    table = compile_yaml(t.text)
    policy = policy_of(table)
    live = data.draw(st.integers(1, table.all_rows))
    more = live | data.draw(st.integers(0, table.all_rows))
    broken = policy.violation(table, live) is not None
    assert broken == (policy.result(table, live)[0] == ERROR)
    if broken:
        assert policy.violation(table, more) is not None
    result, row = policy.result(table, live)
    if result != ERROR and not policy.collects:
        assert row is not None and live >> row & 1 and table.rules[row].then == result
        assert policy.rule_rows(table, live) == 1 << row
        assert policy.deciders(table, live) >> row & 1
    for r in bits(live):
        if policy.shadowers(table, r) & live:
            assert not policy.deciders(table, live) >> r & 1
