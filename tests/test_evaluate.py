"""Evaluation semantics: hit policies, defaults, partial answers, exact numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import compile_yaml

from crossroads.engine.table.answers import parse_answers
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import decide, evaluate

HEAD = """\
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: {policy}
{default}inputs:
  - {{id: size, prompt: Size?, type: integer, minimum: 0, maximum: 100}}
  - {{id: kind, prompt: Kind?, type: choice, options: [{{id: a}}, {{id: b}}, {{id: c}}]}}
outcomes:
  - {{id: high, title: High}}
  - {{id: mid, title: Mid}}
  - {{id: low, title: Low}}
rules:
"""


def table(policy: str, rows: str, default: str | None = None):
    head = HEAD.format(policy=policy, default=f"default: {default}\n" if default else "")
    return compile_yaml(head + rows)


OVERLAP = """\
  - {id: r1, when: {size: ">= 50"}, then: low}
  - {id: r2, when: {size: ">= 10", kind: a}, then: high}
  - {id: r3, when: {kind: [a, b]}, then: mid}
"""


@pytest.mark.parametrize(
    "policy, answers, outcome, rule",
    [
        ("first", {"size": 60, "kind": "a"}, "low", "r1"),
        ("first", {"size": 20, "kind": "a"}, "high", "r2"),
        ("first", {"size": 5, "kind": "b"}, "mid", "r3"),
        ("priority", {"size": 60, "kind": "a"}, "high", "r2"),  # outcome order beats row order
        ("priority", {"size": 60, "kind": "b"}, "mid", "r3"),
        ("priority", {"size": 60, "kind": "c"}, "low", "r1"),
    ],
)
def test_first_and_priority(policy, answers, outcome, rule) -> None:
    t = table(policy, OVERLAP)
    assert decide(t, answers) == ("decided", outcome, rule, (outcome,))
    r = evaluate(t, answers)
    assert (r.status, r.outcome, r.rule, r.outcomes) == ("decided", outcome, rule, (outcome,))


def test_collect_lists_every_match_in_row_order() -> None:
    t = table("collect", OVERLAP)
    r = evaluate(t, {"size": 60, "kind": "a"})
    assert r.status == "decided" and r.outcome is None and r.rule is None
    assert r.outcomes == ("low", "high", "mid")
    assert [m for m, _ in r.matches] == ["r1", "r2", "r3"]


def test_unique_violation_names_both_rows() -> None:
    t = table("unique", OVERLAP)
    assert decide(t, {"size": 5, "kind": "c"}) == ("no-match", None, None, ())
    assert decide(t, {"size": 5, "kind": "b"}) == ("decided", "mid", "r3", ("mid",))
    for call in (decide, evaluate):
        with pytest.raises(HitPolicyViolation) as exc:
            call(t, {"size": 60, "kind": "b"})
        assert exc.value.rules == ("r1", "r3")
        assert "r1" in str(exc.value) and "r3" in str(exc.value)


def test_any_agreeing_rows_decide_and_disagreeing_ones_raise() -> None:
    rows = """\
  - {id: r1, when: {size: ">= 50"}, then: low}
  - {id: r2, when: {kind: c}, then: low}
  - {id: r3, when: {kind: a, size: "< 50"}, then: high}
  - {id: r4, when: {kind: a, size: ">= 90"}, then: mid}
"""
    t = table("any", rows)
    assert decide(t, {"size": 60, "kind": "c"}) == ("decided", "low", "r1", ("low",))
    with pytest.raises(HitPolicyViolation):
        decide(t, {"size": 95, "kind": "a"})


@pytest.mark.parametrize("policy", ["unique", "first", "priority", "any", "collect"])
def test_default_applies_when_nothing_matches(policy) -> None:
    t = table(policy, "  - {id: r1, when: {kind: a}, then: high}\n", default="low")
    r = evaluate(t, {"size": 1, "kind": "b"})
    assert r.status == "decided" and r.rule is None and r.matches == ()
    if policy == "collect":
        assert r.outcome is None and r.outcomes == ("low",)
    else:
        assert r.outcome == "low" and r.outcomes == ("low",)
        assert decide(t, {"size": 1, "kind": "b"}) == ("decided", "low", None, ("low",))


def test_no_match_without_default() -> None:
    t = table("first", "  - {id: r1, when: {kind: a}, then: high}\n")
    r = evaluate(t, {"size": 1, "kind": "b"})
    assert (r.status, r.outcome, r.outcomes, r.possible) == ("no-match", None, (), ())


def test_partial_answers_decide_only_when_every_completion_agrees() -> None:
    t = table("first", OVERLAP)
    r = evaluate(t, {"size": 60})  # r1 matches whatever kind is
    assert (r.status, r.outcome, r.rule, r.missing) == ("decided", "low", "r1", ("kind",))
    r = evaluate(t, {"kind": "a"})  # size decides between r1, r2, r3
    assert r.status == "undecided" and r.outcome is None and r.rule is None
    assert set(r.possible) == {"low", "high", "mid"}
    assert r.matches == (("r3", "mid"),)  # r3 matches whatever size is
    r = evaluate(t, {"kind": "c"})
    assert r.status == "undecided" and set(r.possible) == {"low"}  # size < 50 would match nothing


def test_a_row_whose_condition_covers_the_whole_domain_matches_unanswered() -> None:
    t = table(
        "unique", '  - {id: r1, when: {size: "[0, 100]"}, then: high}\n  - {id: r2, when: {size: "> 100"}, then: low}\n'
    )
    r = evaluate(t, {})
    assert (r.status, r.outcome, r.rule) == ("decided", "high", "r1")


def test_conditions_explain_the_deciding_row() -> None:
    t = table("first", OVERLAP)
    r = evaluate(t, {"size": 20, "kind": "a"})
    assert r.conditions == (("size", ">= 10", 20), ("kind", "a", "a"))


def test_numbers_are_exact_decimals() -> None:
    doc = """\
format: crossroads/1
id: n
version: 1.0.0
title: N
hit_policy: first
inputs:
  - {id: x, prompt: X?, type: number}
outcomes:
  - {id: yes, title: Yes}
  - {id: no, title: No}
rules:
  - {id: point, when: {x: 0.3}, then: yes}
  - {id: open, when: {x: "(0.1, 0.2)"}, then: yes}
  - {id: rest, then: no}
"""
    t = compile_yaml(doc)
    inputs = t.input_index
    assert decide(t, parse_answers(inputs, {"x": Decimal("0.3")})).outcome == "yes"
    assert decide(t, parse_answers(inputs, {"x": "0.30"})).outcome == "yes"
    assert decide(t, parse_answers(inputs, {"x": 0.1 + 0.2})).outcome == "no"  # 0.30000000000000004
    assert decide(t, parse_answers(inputs, {"x": "0.1"})).outcome == "no"
    assert decide(t, parse_answers(inputs, {"x": "0.1000001"})).outcome == "yes"
    assert decide(t, parse_answers(inputs, {"x": "0.2"})).outcome == "no"


def test_an_open_interval_between_integers_matches_no_integer() -> None:
    t = table("first", '  - {id: never, when: {size: "(2, 3)"}, then: high}\n  - {id: rest, then: low}\n')
    for size in range(0, 6):
        assert decide(t, {"size": size, "kind": "a"}).rule == "rest"
    r = evaluate(t, {"kind": "a"})  # 'never' cannot match any integer: r2 decides
    assert (r.status, r.outcome) == ("decided", "low")


def test_rule_without_when_matches_everything() -> None:
    t = table("unique", "  - {id: all, when: {}, then: mid}\n")
    assert decide(t, {"size": 0, "kind": "c"}) == ("decided", "mid", "all", ("mid",))
    assert evaluate(t, {}).status == "decided"


def test_partial_answers_say_when_some_completions_break_the_hit_policy(compile_table_text) -> None:
    table = compile_table_text(
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: unique\n"
        "inputs: [{id: x, prompt: X?, type: integer}, {id: y, prompt: Y?, type: boolean}]\n"
        "outcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        "rules: [{id: low, when: {x: '< 5'}, then: a}, {id: high, when: {x: '> 3'}, then: b}]\n"
    )
    from crossroads.cli.render import result_text

    result = evaluate(table, {"y": True})
    assert (result.status, result.possible, result.error_possible) == ("undecided", ("a", "b"), True)
    assert result.to_json()["error_possible"] is True
    assert "the table's hit policy breaks" in result_text(table, result)
    assert evaluate(table, {"x": 9}).error_possible is False


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"size": 1, "kind": "c"}, ("decided", None, None, ("mid",))),  # no row: the default, as a list
        ({"size": 60, "kind": "a"}, ("decided", None, None, ("low", "high"))),  # every match, table order
    ],
)
def test_collect_decides_as_evaluate_does(answers: dict[str, object], expected: tuple[object, ...]) -> None:
    """``decide`` and ``evaluate`` agree under collect, with and without matches (the default was an outcome)."""
    t = table(
        "collect",
        '  - {id: r1, when: {size: "> 50"}, then: low}\n  - {id: r2, when: {kind: a}, then: high}\n',
        default="mid",
    )
    r = evaluate(t, answers)
    assert tuple(decide(t, answers)) == (r.status, r.outcome, r.rule, r.outcomes) == expected
