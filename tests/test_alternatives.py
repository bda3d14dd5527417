"""What would change the answer (issue 23): the nearest changes equal brute force.

Random small tables (``strategies.tables`` and ``output_tables``, at most three
inputs, few rows): for an answer set of the oracle's representatives, every set
of answered inputs is enumerated with every combination of representative
answers on it (one per class of every input, so every region is visited). Per
other result R', the smallest size that reaches it, the sets of inputs of that
size and, for each, the representative answers giving R' (the region) must equal
``alternatives``; every example is re-evaluated by the oracle and gives R'.
Then golden cases on the bundled advisor.
"""

from __future__ import annotations

import json
from itertools import combinations, product
from pathlib import Path
from typing import Any

import pytest
from conftest import compile_yaml
from crossroads.engine.analysis.alternatives import Alternative, alternatives, result_json
from crossroads.engine.analysis.diff import ValueResult
from crossroads.engine.table.answers import parse_answers
from hypothesis import assume, given
from hypothesis import strategies as st
from oracle import NO_MATCH, VIOLATION, Oracle
from strategies import GeneratedTable, output_tables, tables

ADVISOR = Path(__file__).resolve().parents[1] / "rules" / "rag-or-fine-tune.yaml"


def _as_oracle(result: Any) -> Any:
    """An engine result (diff's form) in the oracle's."""
    if result is None:
        return NO_MATCH
    if result == "error":
        return VIOLATION
    if isinstance(result, list):
        return tuple(result)
    if isinstance(result, ValueResult):
        items = tuple((o, tuple(v for _, v in values)) for o, values in result.items)
        if result.kind == "total":
            return ("total", items[0][1][0])
        return items if result.kind == "list" else items[0]
    return result


def _outcomes_in(oracle: Oracle, result: Any) -> set[str]:
    if result in (NO_MATCH, VIOLATION):
        return set()
    if oracle.outputs:
        if isinstance(result, tuple) and result and result[0] == "total":
            return set()
        items = result if isinstance(result, tuple) and result and isinstance(result[0], tuple) else (result,)
        return {o for o, _ in items if o is not None}
    return set(result) if isinstance(result, tuple) else {result}


def _check(oracle: Oracle, table: Any, answers: dict[str, Any]) -> None:
    reps = {i.id: oracle.representatives(i) for i in oracle.inputs}
    size = 1
    for r in reps.values():
        size *= len(r)
    assume(size <= 2000)

    def result_of(values: dict[str, Any]) -> Any:
        return oracle.result(sum(1 << n for n in oracle.matches(values)))

    answered = [i.id for i in oracle.inputs if i.id in answers]
    unanswered = [i.id for i in oracle.inputs if i.id not in answers]
    every = {result_of(oracle.answers(v)) for v in product(*reps.values())}

    def reached(subset: tuple[str, ...]) -> dict[Any, set[tuple[Any, ...]]]:
        free = [i.id for i in oracle.inputs if i.id in subset or i.id in unanswered]
        out: dict[Any, set[tuple[Any, ...]]] = {}
        for values in product(*(reps[k] for k in free)):
            full = {**answers, **dict(zip(free, values))}
            out.setdefault(result_of(full), set()).add(tuple(values))
        return out

    here = reached(())
    decided = len(here) == 1
    expected: dict[Any, dict[tuple[str, ...], set[tuple[Any, ...]]]] = {}
    for k in range(1 if decided else 0, len(answered) + 1):
        found: dict[Any, dict[tuple[str, ...], set[tuple[Any, ...]]]] = {}
        for subset in combinations(answered, k):
            for res, points in reached(subset).items():
                if (decided and res in here) or res in expected:
                    continue
                found.setdefault(res, {})[subset] = points
        expected.update(found)

    got = alternatives(table, answers, max_seconds=60.0)
    with_changes = {_as_oracle(a.result): a for a in got if a.changes}
    assert all(a.exact for a in got)
    assert set(with_changes) == set(expected), (set(with_changes), set(expected))
    for res, alt in with_changes.items():
        by_inputs = {c.inputs: c for c in alt.changes}
        assert len(by_inputs) == len(alt.changes)
        assert set(by_inputs) == set(expected[res]), (res, set(by_inputs), set(expected[res]))
        for subset, change in by_inputs.items():
            free = [i.id for i in oracle.inputs if i.id in subset or i.id in unanswered]
            assert set().union(*(set(w) for w in change.region)) <= set(free), change.region
            covered = set()
            for values in product(*(reps[k] for k in free)):
                full = {**answers, **dict(zip(free, values))}
                homes = [w for w in change.region if oracle.in_region(full, w)]
                assert len(homes) <= 1, ("regions overlap", homes)
                if homes:
                    covered.add(tuple(values))
            assert covered == expected[res][subset], (res, subset, change.region)
            example = {**answers, **change.example}
            assert set(change.example) == set(free)
            assert result_of(example) == res, (change.example, res)
            assert any(oracle.in_region(example, w) for w in change.region)
    unreached = {a.result for a in got if not a.changes}
    seen = set().union(*(_outcomes_in(oracle, r) for r in every))
    assert unreached == set(oracle.outcomes) - seen


@given(t=tables(max_inputs=3, max_rules=5), data=st.data())
def test_nearest_changes_equal_brute_force(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    answers = {i.id: data.draw(st.sampled_from(oracle.representatives(i))) for i in oracle.inputs}
    _check(oracle, compile_yaml(t.text), answers)


@given(t=output_tables(max_inputs=3, max_rules=5), data=st.data())
def test_nearest_changes_equal_brute_force_with_outputs(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    answers = {i.id: data.draw(st.sampled_from(oracle.representatives(i))) for i in oracle.inputs}
    _check(oracle, compile_yaml(t.text), answers)


@given(t=tables(max_inputs=3, max_rules=5), data=st.data())
def test_nearest_changes_for_partial_answers(t: GeneratedTable, data: st.DataObject) -> None:
    oracle = Oracle(t.data)
    answers = oracle.draw_partial(data, max_completions=500)
    _check(oracle, compile_yaml(t.text), answers)


# -- the bundled advisor --------------------------------------------------------------


@pytest.fixture(scope="module")
def advisor() -> Any:
    return compile_yaml(ADVISOR.read_text(encoding="utf-8"), str(ADVISOR))


def _summary(got: tuple[Alternative, ...]) -> list[tuple[Any, list[tuple[tuple[str, ...], list[Any], Any]]]]:
    return [
        (result_json(a.result), [(c.inputs, [dict(w) for w in c.region], dict(c.example)) for c in a.changes])
        for a in got
    ]


BEHAVIOUR_500 = {"change": "behaviour", "freshness": "static", "citations": False, "examples": 500}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {**BEHAVIOUR_500, "budget": "moderate"},
            [
                (
                    "rag-plus-fine-tune",
                    [
                        (("change",), [{"change": "both"}], {"change": "both"}),
                        (("freshness",), [{"freshness": ["occasional", "frequent"]}], {"freshness": "occasional"}),
                        (("citations",), [{"citations": True}], {"citations": True}),
                    ],
                ),
                (
                    "fine-tune",
                    [
                        (("examples",), [{"examples": ">= 1000"}], {"examples": 1000}),
                        (("budget",), [{"budget": "tight"}], {"budget": "tight"}),
                    ],
                ),
            ],
        ),
        (
            {**BEHAVIOUR_500, "budget": "tight"},  # fine-tune; rag via the first input whose change reaches it
            [
                (
                    "rag",
                    [
                        (("change",), [{"change": "knowledge"}], {"change": "knowledge"}),
                        (("examples",), [{"examples": "< 300"}], {"examples": 299}),
                        (("budget",), [{"budget": ["moderate", "relaxed"]}], {"budget": "moderate"}),
                    ],
                ),
                (
                    "rag-plus-fine-tune",
                    [
                        (("change",), [{"change": "both"}], {"change": "both"}),
                        (("freshness",), [{"freshness": ["occasional", "frequent"]}], {"freshness": "occasional"}),
                        (("citations",), [{"citations": True}], {"citations": True}),
                    ],
                ),
            ],
        ),
    ],
)
def test_advisor_golden(advisor: Any, answers: dict[str, Any], expected: list[Any]) -> None:
    parsed = parse_answers(advisor.input_index, answers)
    got = alternatives(advisor, parsed)
    assert _summary(got) == expected
    assert all(a.exact for a in got)


def test_advisor_only_one_result(advisor: Any) -> None:
    parsed = parse_answers(advisor.input_index, {**BEHAVIOUR_500, "budget": "moderate"})
    got = alternatives(advisor, parsed, only="fine-tune")
    assert [result_json(a.result) for a in got] == ["fine-tune"]


def test_open_bound_takes_the_next_value() -> None:
    text = """\
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
  - {id: n, prompt: N, type: integer}
  - {id: x, prompt: X, type: number}
outcomes:
  - {id: big, title: Big}
  - {id: wide, title: Wide}
  - {id: small, title: Small}
rules:
  - {id: r1, when: {n: "> 1000"}, then: big}
  - {id: r2, when: {x: "> 2.25"}, then: wide}
  - {id: r3, then: small}
"""
    table = compile_yaml(text)
    got = alternatives(table, parse_answers(table.input_index, {"n": 500, "x": 1}))
    examples = {a.result: [dict(c.example) for c in a.changes] for a in got}
    assert examples["big"] == [{"n": 1001}]
    assert [str(v) for e in examples["wide"] for v in e.values()] == ["2.26"]  # bound + 0.01 (two places)


# -- the command line and the Python API ----------------------------------------------

MODERATE = [
    "-a",
    "change=behaviour",
    "-a",
    "freshness=static",
    "-a",
    "citations=false",
    "-a",
    "examples=500",
    "-a",
    "budget=moderate",
]


def _run(*args: str, input: str | None = None) -> Any:
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False, env={"NO_COLOR": "1"})


def test_cli_why_not_json() -> None:
    r = _run("evaluate", str(ADVISOR), *MODERATE, "--why-not", "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["outcome"] == "rag"
    assert data["alternatives"] == [
        {
            "result": "rag-plus-fine-tune",
            "changes": [
                {"inputs": ["change"], "region": [{"change": "both"}], "example": {"change": "both"}},
                {
                    "inputs": ["freshness"],
                    "region": [{"freshness": ["occasional", "frequent"]}],
                    "example": {"freshness": "occasional"},
                },
                {"inputs": ["citations"], "region": [{"citations": True}], "example": {"citations": True}},
            ],
            "exact": True,
        },
        {
            "result": "fine-tune",
            "changes": [
                {"inputs": ["examples"], "region": [{"examples": ">= 1000"}], "example": {"examples": 1000}},
                {"inputs": ["budget"], "region": [{"budget": "tight"}], "example": {"budget": "tight"}},
            ],
            "exact": True,
        },
    ]


def test_cli_without_why_not_keeps_the_json() -> None:
    r = _run("evaluate", str(ADVISOR), *MODERATE, "--format", "json")
    assert "alternatives" not in json.loads(r.stdout)


def test_cli_why_not_outcome_text() -> None:
    r = _run("evaluate", str(ADVISOR), *MODERATE, "--why-not-outcome", "fine-tune")
    assert r.exit_code == 0
    assert r.stdout.endswith(
        "\nThis would change if …\n  - Fine-tune (fine-tune) if examples >= 1000, or if budget=tight\n"
    )


def test_cli_why_not_text_all_and_exit_code_of_evaluate() -> None:
    r = _run("evaluate", str(ADVISOR), "-a", "change=behaviour", "--why-not")
    assert r.exit_code == 3  # undecided, as evaluate says
    assert "This would change if …" in r.stdout


def test_cli_why_not_in_chinese() -> None:
    r = _run("evaluate", str(ADVISOR), *MODERATE, "--why-not-outcome", "fine-tune", "--lang", "zh")
    assert "以下情况会改变结果：" in r.stdout


def test_api_alternatives() -> None:
    import crossroads

    t = crossroads.load(ADVISOR)
    got = t.alternatives(
        {"change": "behaviour", "freshness": "static", "citations": False, "examples": 500, "budget": "moderate"}
    )
    assert [result_json(a.result) for a in got] == ["rag-plus-fine-tune", "fine-tune"]
    assert [c.inputs for c in got[1].changes] == [("examples",), ("budget",)]


def test_a_union_region_and_an_outcome_no_answer_reaches() -> None:
    text = """\
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
  - {id: m, prompt: M, type: integer}
outcomes:
  - {id: a, title: A}
  - {id: b, title: B}
  - {id: c, title: C}
rules:
  - {id: r1, when: {m: 3}, then: a}
  - {id: r2, then: b}
"""
    table = compile_yaml(text)
    got = alternatives(table, parse_answers(table.input_index, {"m": 3}))
    assert _summary(got) == [("b", [(("m",), [{"m": "< 3"}, {"m": "> 3"}], {"m": 2})]), ("c", [])]
    assert all(a.exact for a in got)


def test_cli_unknown_why_not_outcome_is_a_usage_error() -> None:
    r = _run("evaluate", str(ADVISOR), *MODERATE, "--why-not-outcome", "nope")
    assert r.exit_code == 2
    assert "no outcome 'nope'" in r.stderr


@pytest.mark.parametrize("nodes", [1, 20])  # out of budget: at the first search; after finding the results
def test_past_the_budget_nothing_is_claimed_exact(advisor: Any, monkeypatch: Any, nodes: int) -> None:
    from crossroads.engine.analysis import alternatives as module
    from crossroads.engine.search.space import Budget

    monkeypatch.setattr(module, "Budget", lambda _seconds: Budget(max_nodes=nodes))
    parsed = parse_answers(advisor.input_index, {**BEHAVIOUR_500, "budget": "moderate"})
    got = alternatives(advisor, parsed)
    assert got and not any(a.exact for a in got)
    assert all(not a.changes for a in got)


CONFLICT = Path(__file__).resolve().parent / "fixtures" / "analysis" / "conflict.yaml"


@pytest.mark.parametrize(
    ("fmt", "stdout"),
    [
        (
            "text",
            "\nThis would change if …\n  - No discount (none) if total < 500\n"
            "  - Five percent (some) if tier=gold, total in [100, 500)\n",
        ),
        (
            "json",
            '{"error": "hit policy \'unique\' violated: more than one row matches (basic → none, big-order → some)", '
            '"alternatives": [{"result": "none", "changes": [{"inputs": ["total"], "region": [{"total": "< 500"}], '
            '"example": {"total": 499}}], "exact": true}, {"result": "some", "changes": [{"inputs": ["tier", "total"], '
            '"region": [{"tier": "gold", "total": "[100, 500)"}], "example": {"tier": "gold", "total": 499}}], '
            '"exact": true}]}\n',
        ),
    ],
)
def test_cli_why_not_when_the_answers_break_the_policy(fmt: str, stdout: str) -> None:
    """The result is the error: evaluate's exit 1 and message, and the ways out of it."""
    r = _run("evaluate", str(CONFLICT), "-a", "tier=basic", "-a", "total=600", "--why-not", "--format", fmt)
    assert r.exit_code == 1
    assert r.stdout == stdout
    assert r.stderr == (
        "crossroads: error: hit policy 'unique' violated: more than one row matches (basic → none, big-order → some)\n"
    )


def test_cli_a_broken_policy_without_why_not_prints_only_the_error() -> None:
    r = _run("evaluate", str(CONFLICT), "-a", "tier=basic", "-a", "total=600")
    assert (r.exit_code, r.stdout) == (1, "")


@pytest.mark.parametrize(
    ("typed", "tail"),
    [
        (  # every question asked: the advisor's example
            "2\n1\nno\n500\n2\n",
            "This would change if …\n  - RAG + light fine-tuning (rag-plus-fine-tune) if change=both, or if freshness in\n"
            "    [occasional, frequent], or if citations=true\n"
            "  - Fine-tune (fine-tune) if examples >= 1000, or if budget=tight\n",
        ),
        (  # decided at the first question: the questions not asked are free, so they appear in the regions
            "1\n",
            "  - Fine-tune (fine-tune) if change=behaviour, freshness=static, citations=false,\n"
            "    examples >= 300, budget=tight or change=behaviour, freshness=static,\n"
            "    citations=false, examples >= 1000, budget in [moderate, relaxed]\n",
        ),
    ],
)
def test_ask_says_what_would_change_its_recommendation(typed: str, tail: str) -> None:
    r = _run("ask", str(ADVISOR), input=typed)
    assert r.exit_code == 0
    assert r.stdout.endswith(tail)


def test_ask_in_chinese_translates_the_lines() -> None:
    r = _run("ask", str(ADVISOR), "--lang", "zh", input="2\n1\nno\n500\n2\n")
    assert "以下情况会改变结果：" in r.stdout
