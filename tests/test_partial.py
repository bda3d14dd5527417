"""Partial answers are exact: decided iff every completion agrees, ``possible`` = what some completion gives.

Checked against enumeration of every completion over the oracle's
representative answers (one per class of every input), on random tables, and
on hand-made cases where only the exact search can decide.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from conftest import compile_yaml
from crossroads.engine.decision import partial
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import evaluate
from hypothesis import given
from hypothesis import strategies as st
from oracle import NO_MATCH, VIOLATION, Oracle
from strategies import GeneratedTable, output_tables, tables


def _completion_results(oracle: Oracle, fixed: dict[str, Any]) -> set[Any]:
    choices = [[fixed[i.id]] if i.id in fixed else oracle.representatives(i) for i in oracle.inputs]
    out = set()
    for values in product(*choices):
        matched = oracle.matches(oracle.answers(values))
        out.add(oracle.result(sum(1 << n for n in matched)))
    return out


@given(t=tables(), data=st.data())
def test_partial_evaluation_equals_enumeration(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    fixed = oracle.draw_partial(data, max_completions=4000)
    results = _completion_results(oracle, fixed)
    try:
        r = evaluate(table, fixed)
    except HitPolicyViolation:
        assert results == {VIOLATION}
        return
    assert r.exact
    outcomes = {
        o for res in results if res not in (VIOLATION, NO_MATCH) for o in (res if isinstance(res, tuple) else (res,))
    }
    assert set(r.possible) == outcomes
    if results == {NO_MATCH}:
        assert r.status == "no-match"
    elif len(results) == 1 and VIOLATION not in results:
        (only,) = results
        assert r.status == "decided"
        assert (list(r.outcomes) == list(only)) if isinstance(only, tuple) else (r.outcome == only)
    else:
        assert r.status == "undecided" and r.outcome is None and r.rule is None


FIRST_JOINT = """\
format: crossroads/1
id: joint
version: 1.0.0
title: Joint cover
hit_policy: first
inputs:
  - {id: a, prompt: A?, type: boolean}
  - {id: n, prompt: N?, type: integer}
outcomes: [{id: yes, title: Yes}, {id: no, title: No}]
rules:
  - {id: low, when: {n: "< 10"}, then: yes}
  - {id: high, when: {n: ">= 10"}, then: yes}
  - {id: rest, then: no}
"""


@pytest.mark.parametrize(
    "answers, status, outcome, possible",
    [
        ({}, "decided", "yes", ["yes"]),  # no single row covers every n, the two together do
        ({"a": True}, "decided", "yes", ["yes"]),
        ({"n": 3}, "decided", "yes", ["yes"]),
    ],
)
def test_rows_that_cover_only_jointly_decide(answers: dict, status: str, outcome: str, possible: list) -> None:
    r = evaluate(compile_yaml(FIRST_JOINT), answers)
    assert (r.status, r.outcome, list(r.possible), r.exact) == (status, outcome, possible, True)
    if answers.get("n") == 3:
        assert r.rule == "low"
    else:
        assert r.rule is None  # a different row decides different completions


def test_past_the_budget_it_falls_back_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(partial, "MAX_NODES", 0)
    r = evaluate(compile_yaml(FIRST_JOINT), {})
    assert r.exact is False
    assert r.status == "undecided" and set(r.possible) == {"yes", "no"}  # sound, not decisive


def _possible_values(oracle: Oracle, results: set[Any]) -> set[tuple[Any, ...]]:
    """Every result some completion gives, as ``possible`` lists it in a table with outputs (values only)."""
    out: set[tuple[Any, ...]] = set()
    for res in results - {VIOLATION, NO_MATCH}:
        if res[0] == "total":
            out.add((res[1],))
        elif oracle.policy in ("collect", "output-order"):
            out.update(values for _, values in res)
        else:
            out.add(res[1])
    return out


@given(t=output_tables(max_inputs=3), data=st.data())
def test_partial_evaluation_equals_enumeration_on_output_tables(t: GeneratedTable, data: st.DataObject) -> None:
    """Partial answers to a table with outputs: status, values and ``possible`` (as values) by enumeration."""
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    fixed = oracle.draw_partial(data, max_completions=4000)
    results = _completion_results(oracle, fixed)
    try:
        r = evaluate(table, fixed)
    except HitPolicyViolation:
        assert results == {VIOLATION}
        return
    assert r.exact
    assert {tuple(p.values()) for p in r.possible} == _possible_values(oracle, results)
    if results == {NO_MATCH}:
        assert r.status == "no-match" and r.values is None
    elif len(results) == 1 and VIOLATION not in results:
        (only,) = results
        assert r.status == "decided"
        if only[0] == "total":
            assert tuple(r.values.values()) == (only[1],)
        elif oracle.policy in ("collect", "output-order"):
            assert [tuple(m.values()) for m in r.values] == [v for _, v in only]
            assert r.outcomes == tuple(o for o, _ in only if o is not None)
        else:
            assert (r.outcome, tuple(r.values.values())) == only
    else:
        assert r.status == "undecided" and r.outcome is None and r.rule is None and r.values is None
