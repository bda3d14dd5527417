"""The row analysis equals the brute-force oracle, and every witness it prints holds.

Random valid tables (``strategies.tables``) are analysed twice: by
``engine/analysis/rows.py`` and by enumeration (``oracle.Oracle``). The sets must be
equal — unreachable rows, conflicting pairs, whether there is a gap, redundant
rows — and every example, cover, merge and gap region the analysis reports is
checked on its own: examples by evaluating them, covers and merges against
the oracle. Run ``HYPOTHESIS_PROFILE=thorough`` (1500 tables per test) before
changing the analysis.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from conftest import compile_yaml
from crossroads.engine.table import conditions as cond
from crossroads.engine.analysis import rows
from crossroads.engine.analysis.rows import Report, analyse, gap_regions, row_witnesses, run
from crossroads.engine.search.space import Exhausted
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import decide, evaluate
from crossroads.engine.findings import Finding
from hypothesis import given
from hypothesis import strategies as st
from oracle import NO_MATCH, VIOLATION, Oracle, data_of, merged_table
from strategies import OUTPUT_POLICIES, POLICIES, GeneratedTable, output_tables, tables, to_yaml

SEVERITY = {
    "unreachable": "error",
    "conflict": "error",
    "gap": "error",
    "redundant": "warning",
    "mergeable": "warning",
    "analysis-incomplete": "warning",
}
LISTED = 20  # gap and mergeable findings per table, at most


def grouped(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {code: [] for code in SEVERITY}
    for f in findings:
        assert f.code in SEVERITY, f
        assert f.severity == SEVERITY[f.code], f
        assert f.file is None and f.line is None, f"analysis findings are unpositioned: {f}"
        out[f.code].append(f)
    return out


def complete(table: CompiledTable, example: Any) -> dict[str, Any]:
    """``example`` parsed as answers; it must answer every input, validly."""
    assert example is not None
    assert set(example) == {i.id for i in table.inputs}, example
    return parse_answers(table.input_index, example)


# -- the comparison, shared by the random and the hand-written tables -------------


def check_analysis(data: dict[str, Any], text: str) -> dict[str, list[Finding]]:
    """Assert that the analysis of ``text`` equals the oracle on ``data``; the findings by code."""
    oracle = Oracle(data)
    found = check_sound(oracle, data, text, max_seconds=60.0)
    assert not found["analysis-incomplete"], "a small table must be analysed within the budget"
    assert {f.rules[0] for f in found["unreachable"]} == oracle.unreachable()
    assert Counter(tuple(f.rules) for f in found["conflict"]) == Counter(oracle.conflicts())  # once per pair
    assert bool(found["gap"]) == (oracle.has_gap() and oracle.default is None and oracle.aggregate != "count")
    assert {f.rules[0] for f in found["redundant"]} == oracle.redundant()
    if oracle.policy == "first" or (oracle.policy == "priority" and not data.get("outputs")):
        for f in found["unreachable"]:  # a cover names rows that decide, not other shadowed rows
            assert not set(f.rules[1:]) & oracle.unreachable(), f
    return found


def check_sound(oracle: Oracle, data: dict[str, Any], text: str, max_seconds: float) -> dict[str, list[Finding]]:
    """Assert that every finding the analysis reports is true, with its proof; the findings by code.

    Holds for a complete analysis and for one cut short by its budget alike.
    """
    table = compile_yaml(text)
    found = grouped(analyse(table, max_seconds=max_seconds))
    ids = {r.id for r in oracle.rows}
    for f in (f for fs in found.values() for f in fs):
        assert set(f.rules) <= ids and len(set(f.rules)) == len(f.rules), f

    # unreachable: the row decides nothing, and the rows named after it cover it
    assert {f.rules[0] for f in found["unreachable"]} <= oracle.unreachable()
    for f in found["unreachable"]:
        assert f.example is None
        assert oracle.covered(f.rules[0], f.rules[1:]), f"{f.rules[1:]} do not cover {f.rules[0]}"

    # conflicts: an (earlier, later) pair, with an example both rows match and evaluation refuses
    assert {tuple(f.rules) for f in found["conflict"]} <= oracle.conflicts()
    for f in found["conflict"]:
        answers = complete(table, f.example)
        a, b = (oracle.index[r] for r in f.rules)
        assert {a, b} <= set(oracle.matches(answers)), f
        with pytest.raises(HitPolicyViolation) as caught:
            evaluate(table, answers)
        assert set(f.rules) <= set(caught.value.rules)

    # gaps: only without a default, at most LISTED, each example a complete answer set no row matches
    assert not found["gap"] or (oracle.default is None and oracle.aggregate != "count")  # count decides 0
    assert len(found["gap"]) <= LISTED
    for f in found["gap"]:
        answers = complete(table, f.example)
        assert oracle.matches(answers) == ()
        assert evaluate(table, answers).status == "no-match"

    assert {f.rules[0] for f in found["redundant"]} <= oracle.redundant()

    # mergeable: replacing each group by its merge (built here) changes no result
    assert len(found["mergeable"]) <= LISTED
    for f in found["mergeable"]:
        merged = merged_table(data, f.rules)
        compile_yaml(to_yaml(merged))  # the merged table is valid
        assert Oracle(merged).equivalent(oracle), f"merging {f.rules} changes a result"
    return found


def check_gap_regions(data: dict[str, Any], text: str) -> None:
    """``gap_regions`` partitions exactly the gaps; gap findings' examples lie in distinct regions."""
    oracle = Oracle(data)
    table = compile_yaml(text)
    regions = gap_regions(table)
    assert oracle.gap_partition_problems(regions) == []
    assert bool(regions) == oracle.has_gap()
    gaps = [f for f in analyse(table) if f.code == "gap"]
    assert len(gaps) == min(len(regions), LISTED)
    homes = [[k for k, r in enumerate(regions) if oracle.in_region(f.example, r)] for f in gaps]
    assert all(len(h) == 1 for h in homes), homes
    assert len({h[0] for h in homes}) == len(homes), "two gap findings in one region"


# -- random tables -------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
@given(t=tables())
def test_analysis_equals_oracle(policy: str, t: GeneratedTable) -> None:
    data = {**t.data, "hit_policy": policy}  # every policy gets the full example budget
    check_analysis(data, to_yaml(data))


@pytest.mark.parametrize("policy", ["first", "priority"])
@given(t=tables(min_inputs=3, min_rules=8, max_rules=32))
def test_reports_the_same_whether_shadowed_rows_are_known_first(policy: str, t: GeneratedTable) -> None:
    """Under ``first`` and ``priority`` by outcomes the rows that decide nothing are found before the
    main search, which then lets them hold no region open (``rows._shadowed``); without that step
    (covers after the search, as by outputs) every finding is the same but for which rows a cover
    names."""
    table = compile_yaml(to_yaml({**t.data, "hit_policy": policy}))
    known = run(table)
    with mock.patch.object(rows, "_shadowed", lambda *args: {}):
        searched = run(table)
    assert known.complete and searched.complete
    assert known.witnesses == searched.witnesses and known.gap_regions == searched.gap_regions

    def shown(report: Report) -> list[Any]:
        return [f.rules[:1] if f.code == "unreachable" else f for f in report.findings]

    assert shown(known) == shown(searched)


@pytest.mark.parametrize("policy", ["first", "priority"])
@given(t=tables(min_inputs=2, min_rules=4, max_rules=24))
def test_keeps_the_shadowed_rows_when_the_main_search_runs_out(policy: str, t: GeneratedTable) -> None:
    """The rows found to decide nothing before the main search are proven: cut short after them, the
    analysis still reports each, with its cover."""
    data = {**t.data, "hit_policy": policy}
    oracle = Oracle(data)

    def out_of_time(*args: Any) -> None:
        raise Exhausted

    with mock.patch.object(rows._Search, "leaf", out_of_time):
        found = check_sound(oracle, data, to_yaml(data), max_seconds=60.0)
    assert found["analysis-incomplete"]
    assert {f.rules[0] for f in found["unreachable"]} == oracle.unreachable()


@given(tables(default=False))
def test_gap_regions_partition_the_gaps(t: GeneratedTable) -> None:
    check_gap_regions(t.data, t.text)


@given(tables(min_inputs=3, min_rules=16, max_rules=32))
def test_analysis_equals_oracle_on_larger_tables(t: GeneratedTable) -> None:
    check_analysis(t.data, t.text)
    if "default" not in t.data:
        check_gap_regions(t.data, t.text)


@given(tables(min_inputs=4, min_rules=24, max_rules=40))
def test_findings_hold_when_the_budget_runs_out(t: GeneratedTable) -> None:
    """Cut short (about one table in four this size is), the analysis keeps only what it proved."""
    check_sound(Oracle(t.data), t.data, t.text, max_seconds=1e-9)


@given(t=tables())
def test_row_witnesses_are_decided_by_their_row(t: GeneratedTable) -> None:
    """Every row that is ever the deciding row has a witness, and evaluating it names that row."""
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    witnesses = row_witnesses(table)
    credited = 0
    for mask in oracle.classes():
        credited |= oracle.credited(mask)
    assert set(witnesses) == set(oracle.ids(credited))
    for row, answers in witnesses.items():
        result = evaluate(table, complete(table, answers))
        if oracle.policy in ("collect", "output-order"):
            assert row in [r for r, _ in result.matches], (row, answers)
        else:
            assert result.rule == row, (row, answers)


@given(tables(max_inputs=3, max_rules=5))
def test_oracle_agrees_with_the_engine(t: GeneratedTable) -> None:
    """The oracle's naive matcher and results agree with ``decide``/``evaluate`` on every class."""
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    for mask, answers in oracle.classes().items():
        parsed = complete(table, answers)
        assert sum(1 << n for n in oracle.matches(answers)) == mask
        expected = oracle.result(mask)
        try:
            got = decide(table, parsed)
        except HitPolicyViolation:
            assert expected == VIOLATION
            continue
        if expected == NO_MATCH:
            assert got.status == "no-match"
        elif isinstance(expected, tuple):  # collect
            assert evaluate(table, parsed).outcomes == got.outcomes == expected and got.outcome is None
        else:
            assert got.outcome == expected


# -- tables with outputs (issue 19): the same properties over value results -----------

OUTPUT_POLICY_IDS = [p if a is None else f"{p}-{a}" for p, a in OUTPUT_POLICIES]


def as_oracle_result(oracle: Oracle, got: Any) -> Any:
    """A decision (``decide`` or ``evaluate``) of a table with outputs in the oracle's terms."""
    if got.status == "no-match":
        assert got.values is None and got.outcome is None
        return NO_MATCH
    assert got.status == "decided"
    if oracle.aggregate is not None:
        ((key, total),) = got.values.items()
        assert key == oracle.outputs[0]["id"] and got.outcome is None and got.outcomes == ()
        return ("total", total)
    if oracle.policy in ("collect", "output-order"):
        assert got.outcome is None
        return tuple(tuple(m.values()) for m in got.values), got.outcomes
    return got.outcome, tuple(got.values.values())


def oracle_shown(oracle: Oracle, expected: Any) -> Any:
    """The oracle's result in ``as_oracle_result``'s form."""
    if expected == NO_MATCH or (isinstance(expected, tuple) and expected[:1] == ("total",)):
        return expected
    if oracle.policy in ("collect", "output-order"):
        return tuple(v for _, v in expected), tuple(o for o, _ in expected if o is not None)
    return expected


@pytest.mark.parametrize("policy", OUTPUT_POLICIES, ids=OUTPUT_POLICY_IDS)
@given(data=st.data())
def test_analysis_equals_oracle_on_output_tables(policy: tuple[str, str | None], data: st.DataObject) -> None:
    t = data.draw(output_tables(policy=policy))
    check_analysis(t.data, t.text)
    if "default" not in t.data and policy[1] != "count":
        check_gap_regions(t.data, t.text)


@pytest.mark.parametrize("policy", OUTPUT_POLICIES, ids=OUTPUT_POLICY_IDS)
@given(data=st.data())
def test_oracle_agrees_with_the_engine_on_output_tables(policy: tuple[str, str | None], data: st.DataObject) -> None:
    """``decide`` and ``evaluate`` give the oracle's values (and outcome ids) on every class."""
    t = data.draw(output_tables(policy=policy))
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    for mask, answers in oracle.classes().items():
        parsed = complete(table, answers)
        assert sum(1 << n for n in oracle.matches(answers)) == mask
        expected = oracle.result(mask)
        try:
            got = decide(table, parsed)
        except HitPolicyViolation:
            assert expected == VIOLATION
            with pytest.raises(HitPolicyViolation):
                evaluate(table, parsed)
            continue
        assert expected != VIOLATION
        want = oracle_shown(oracle, expected)
        assert as_oracle_result(oracle, got) == want
        assert as_oracle_result(oracle, evaluate(table, parsed)) == want


@given(output_tables())
def test_row_witnesses_on_output_tables(t: GeneratedTable) -> None:
    oracle = Oracle(t.data)
    table = compile_yaml(t.text)
    witnesses = row_witnesses(table)
    credited = 0
    for mask in oracle.classes():
        credited |= oracle.credited(mask)
    assert set(witnesses) == set(oracle.ids(credited))
    for row, answers in witnesses.items():
        result = evaluate(table, complete(table, answers))
        if oracle.policy in ("collect", "output-order"):
            assert row in [r for r, _ in result.matches], (row, answers)
        else:
            assert result.rule == row, (row, answers)


def test_any_with_outputs_keeps_table_order_in_merges() -> None:
    """Under ``any`` an outcome and equal values inline agree, yet the first match's result is shown:
    merging r1 into r3's place would turn r2's inline result into the outcome (found by the thorough run)."""
    data = {
        "format": "crossroads/1",
        "id": "generated",
        "version": "1.0.0",
        "title": "Generated table",
        "hit_policy": "any",
        "inputs": [{"id": "q1", "prompt": "What is q1?", "type": "integer"}],
        "outputs": [{"id": "fee", "type": "choice", "options": [{"id": "red"}]}],
        "outcomes": [{"id": "approve", "title": "Approve", "values": {"fee": "red"}}],
        "rules": [
            {"id": "r1", "when": {"q1": -1}, "then": "approve"},
            {"id": "r2", "then": {"fee": "red"}},
            {"id": "r3", "then": "approve"},
        ],
    }
    found = check_analysis(data, to_yaml(data))
    assert not found["mergeable"]


# -- hand-written tables ---------------------------------------------------------------

HEAD = """\
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: {policy}
{default}inputs:
  - {{id: n, prompt: N?, type: integer, minimum: 0}}
  - {{id: x, prompt: X?, type: number}}
  - {{id: k, prompt: K?, type: choice, options: [{{id: a}}, {{id: "Low Risk"}}]}}
outcomes:
  - {{id: high, title: High}}
  - {{id: low, title: Low}}
rules:
"""


@pytest.mark.parametrize(
    "policy, rows, expected",
    [
        pytest.param(
            "unique",
            ['{id: r1, when: {n: "(2, 3)"}, then: high}', "{id: r2, then: low}"],
            {("unreachable", "r1", ())},
            id="integer-open-interval-matches-nothing",
        ),
        pytest.param(
            "unique",
            ['{id: r1, when: {n: "< 0"}, then: high}', '{id: r2, when: {n: ">= 0"}, then: low}'],
            {("unreachable", "r1", ())},
            id="below-minimum",
        ),
        pytest.param(
            "collect",
            ["{id: r1, when: {k: {not: [a, Low Risk]}}, then: high}", "{id: r2, then: low}"],
            {("unreachable", "r1", ())},
            id="not-every-option",
        ),
        pytest.param(
            "first",
            [
                '{id: r1, when: {x: "< 5"}, then: high}',
                '{id: r2, when: {x: ">= 5"}, then: low}',
                '{id: r3, when: {x: "[1, 8]"}, then: high}',
            ],
            {("unreachable", "r3", ("r1", "r2"))},
            id="first-covered-by-union-of-two",
        ),
        pytest.param(
            "first",
            [
                '{id: r1, when: {x: "< 5"}, then: high}',
                '{id: r2, when: {x: "> 5"}, then: low}',
                '{id: r3, when: {x: "[1, 8]"}, then: high}',
            ],
            set(),
            id="first-union-leaves-a-point",
        ),
        pytest.param(
            "priority",
            ['{id: r1, when: {x: ">= 0"}, then: low}', '{id: r2, when: {x: ">= -1"}, then: high}'],
            {("unreachable", "r1", ("r2",))},
            id="priority-covered-by-higher-outcome",
        ),
        pytest.param(
            "priority",
            ['{id: r1, when: {x: ">= 0"}, then: high}', '{id: r2, when: {x: ">= -1"}, then: low}'],
            set(),
            id="priority-lower-outcome-does-not-cover",
        ),
        pytest.param(
            "any",
            ['{id: r1, when: {x: "< 5"}, then: high}', '{id: r2, when: {x: "< 3"}, then: high}'],
            set(),
            id="any-overlap-same-outcome-is-no-conflict",
        ),
        pytest.param(
            "any",
            ['{id: r1, when: {x: "< 5"}, then: high}', '{id: r2, when: {x: "[4.5, 6]"}, then: low}'],
            {("conflict", "r1", ("r2",))},
            id="any-overlap-different-outcomes",
        ),
        pytest.param(
            "unique",
            ["{id: r1, when: {k: Low Risk}, then: high}", '{id: r2, when: {n: ">= 3"}, then: high}'],
            {("conflict", "r1", ("r2",))},
            id="unique-overlap-same-outcome",
        ),
        pytest.param(
            "unique",
            ['{id: r1, when: {n: "(2, 3]"}, then: high}', '{id: r2, when: {n: "[2.5, 4)"}, then: low}'],
            {("conflict", "r1", ("r2",))},
            id="unique-integer-overlap-at-3",
        ),
        pytest.param(
            "unique",
            ['{id: r1, when: {n: "(2, 3)"}, then: high}', '{id: r2, when: {n: "[2.5, 4)"}, then: low}'],
            {("unreachable", "r1", ())},
            id="unique-no-integer-overlap",
        ),
    ],
)
def test_hand_written_tables(policy: str, rows: list[str], expected: set[tuple[str, str, tuple[str, ...]]]) -> None:
    text = HEAD.format(policy=policy, default="default: low\n") + "".join(f"  - {r}\n" for r in rows)
    found = check_analysis(data_of(text), text)
    got = {
        (f.code, f.rules[0], tuple(sorted(f.rules[1:]))) for code in ("unreachable", "conflict") for f in found[code]
    }
    assert got == expected


@pytest.mark.parametrize(
    "rows, gaps",
    [
        (['{id: r1, when: {n: "<= 3"}, then: high}', '{id: r2, when: {n: "> 3"}, then: low}'], False),
        (['{id: r1, when: {n: "< 3"}, then: high}', '{id: r2, when: {n: "> 3"}, then: low}'], True),
        (
            [
                '{id: r1, when: {n: "< 3"}, then: high}',
                '{id: r2, when: {n: "(2.5, 9)"}, then: low}',
                '{id: r3, when: {n: ">= 9"}, then: low}',
            ],
            False,
        ),
        (['{id: r1, when: {x: "< 3"}, then: high}', '{id: r2, when: {x: "> 2.5"}, then: low}'], False),
        (['{id: r1, when: {x: "<= 0.1"}, then: high}', '{id: r2, when: {x: "> 0.1", k: a}, then: low}'], True),
    ],
)
def test_hand_written_gaps(rows: list[str], gaps: bool) -> None:
    text = HEAD.format(policy="first", default="") + "".join(f"  - {r}\n" for r in rows)
    data = data_of(text)
    assert Oracle(data).has_gap() == gaps
    found = check_analysis(data, text)
    assert bool(found["gap"]) == gaps
    check_gap_regions(data, text)


@pytest.mark.parametrize(
    "policy, rows, groups",
    [
        (
            "unique",
            [
                '{id: r1, when: {n: "[0, 3)"}, then: high}',
                '{id: r2, when: {n: "[3, 7]"}, then: high}',
                '{id: r3, when: {n: "> 7"}, then: low}',
            ],
            {("r1", "r2")},
        ),
        (
            "unique",
            [
                '{id: r1, when: {n: "[0, 2]"}, then: high}',
                '{id: r2, when: {n: "[3, 7]"}, then: high}',
                '{id: r3, when: {n: "> 7"}, then: low}',
            ],
            {("r1", "r2")},
        ),
        (
            "unique",
            [
                '{id: r1, when: {n: "[0, 2)"}, then: high}',
                '{id: r2, when: {n: "[3, 7]"}, then: high}',
                '{id: r3, when: {n: "> 7"}, then: low}',
            ],
            set(),
        ),
        ("unique", ['{id: r1, when: {x: "[0, 3)"}, then: high}', '{id: r2, when: {x: "(3, 7]"}, then: high}'], set()),
        ("unique", ['{id: r1, when: {n: "[0, 3)"}, then: high}', '{id: r2, when: {n: "[3, 7]"}, then: low}'], set()),
        (
            "first",
            [
                "{id: r1, when: {k: a, x: 1}, then: low}",
                "{id: r2, when: {x: 2}, then: high}",
                '{id: r3, when: {k: "Low Risk", x: 1}, then: low}',
            ],
            {("r1", "r3")},
        ),
        (
            "first",
            [
                "{id: r1, when: {k: a, x: 1}, then: low}",
                "{id: r2, when: {x: 1}, then: high}",
                '{id: r3, when: {k: "Low Risk", x: 1}, then: low}',
            ],
            set(),
        ),
    ],
)
def test_hand_written_merges(policy: str, rows: list[str], groups: set[tuple[str, ...]]) -> None:
    text = HEAD.format(policy=policy, default="default: low\n") + "".join(f"  - {r}\n" for r in rows)
    found = check_analysis(data_of(text), text)
    assert {f.rules for f in found["mergeable"]} == groups


def test_gap_findings_stop_at_twenty() -> None:
    rows = [f"{{id: r{k}, when: {{n: {2 * k}}}, then: high}}" for k in range(25)]
    text = HEAD.format(policy="unique", default="") + "".join(f"  - {r}\n" for r in rows)
    data = data_of(text)
    assert len(gap_regions(compile_yaml(text))) == 25  # (0, 2), (2, 4), ..., (46, 48), > 48
    assert len(check_analysis(data, text)["gap"]) == LISTED
    check_gap_regions(data, text)


@pytest.mark.parametrize(
    "policy, rows, group",
    [
        (
            "unique",
            ['{id: r1, when: {n: "[0, 3)"}, then: high}', '{id: r2, when: {n: "[3, 7]"}, then: high}'],
            ["r1", "r2"],
        ),
        (
            "unique",
            ['{id: r1, when: {n: "[0, 2]"}, then: high}', '{id: r2, when: {n: "[3, 7]"}, then: high}'],
            ["r1", "r2"],
        ),
        (
            "first",
            ["{id: r1, when: {k: a, x: 1}, then: low}", '{id: r2, when: {k: "Low Risk", x: 1}, then: low}'],
            ["r1", "r2"],
        ),
    ],
)
def test_merge_checker_accepts_true_merges(policy: str, rows: list[str], group: list[str]) -> None:
    text = HEAD.format(policy=policy, default="default: low\n") + "".join(f"  - {r}\n" for r in rows)
    data = data_of(text)
    merged = merged_table(data, group)
    compile_yaml(to_yaml(merged))
    assert len(merged["rules"]) == len(rows) - len(group) + 1
    assert Oracle(merged).equivalent(Oracle(data))


@pytest.mark.parametrize(
    "rows, group",
    [
        (
            ['{id: r1, when: {n: "[0, 2)"}, then: high}', '{id: r2, when: {n: "[3, 7]"}, then: high}'],
            ["r1", "r2"],
        ),  # 2 missing
        (
            ['{id: r1, when: {x: "[0, 3)"}, then: high}', '{id: r2, when: {x: "(3, 7]"}, then: high}'],
            ["r1", "r2"],
        ),  # 3 missing
        (
            ["{id: r1, when: {k: a, x: 1}, then: high}", '{id: r2, when: {k: "Low Risk", x: 2}, then: high}'],
            ["r1", "r2"],
        ),  # two inputs
        (
            ["{id: r1, when: {k: a}, then: high}", '{id: r2, when: {k: "Low Risk"}, then: low}'],
            ["r1", "r2"],
        ),  # outcomes
    ],
)
def test_merge_checker_refuses_false_merges(rows: list[str], group: list[str]) -> None:
    text = HEAD.format(policy="unique", default="") + "".join(f"  - {r}\n" for r in rows)
    with pytest.raises(AssertionError):
        merged_table(data_of(text), group)


@given(tables())
def test_representatives_hit_every_class(t: GeneratedTable) -> None:
    """Every value of a fine grid (and far out) accepts the same rows as some representative."""
    oracle = Oracle(t.data)
    grid = [Decimal(k) / 20 for k in range(-80, 161)] + [Decimal(-1000), Decimal(1000)]
    for spec in oracle.inputs:
        if spec.type in ("integer", "number"):
            seen = {oracle.row_mask(spec, v) for v in oracle.representatives(spec)}
            values = [cond.exact(v) for v in grid]
            assert {oracle.row_mask(spec, v) for v in values if spec.in_domain(v)} <= seen


def test_oracle_finds_nothing_wrong_with_the_bundled_table() -> None:
    from crossroads.engine.table import pipeline as engine_tables

    text = engine_tables.find("rag-or-fine-tune").data.decode()
    oracle = Oracle(data_of(text))
    assert (oracle.unreachable(), oracle.conflicts(), oracle.has_gap()) == (set(), set(), False)
    check_analysis(data_of(text), text)


def _decided_regions_equal_oracle(t: GeneratedTable) -> None:
    from itertools import product

    from crossroads.engine.analysis.rows import decided_region

    table = compile_yaml(t.text)
    oracle = Oracle(t.data)
    reps = [oracle.representatives(i) for i in oracle.inputs]
    size = 1
    for r in reps:
        size *= len(r)
    if size > 3000:
        return
    points = [oracle.answers(v) for v in product(*reps)]
    credited = [oracle.credited(sum(1 << n for n in oracle.matches(a))) for a in points]
    for row in range(len(table.rules)):
        region = decided_region(table, row, max_seconds=60.0)
        assert region is not None
        for answers, mask in zip(points, credited):
            homes = [w for w in region if oracle.in_region(answers, w)]
            assert len(homes) <= 1, ("regions overlap", homes)
            assert bool(homes) == bool(mask >> row & 1), (table.rules[row].id, answers, region)


@given(t=tables(max_inputs=3, max_rules=6))
def test_decided_region_equals_oracle(t: GeneratedTable) -> None:
    """The answers a row decides (the language server's row hover): exactly those the brute force
    credits to it, every hit policy and input type."""
    _decided_regions_equal_oracle(t)


@given(t=output_tables(max_inputs=3, max_rules=6))
def test_decided_region_equals_oracle_with_outputs(t: GeneratedTable) -> None:
    _decided_regions_equal_oracle(t)
