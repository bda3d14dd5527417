"""Code-action fixes (engine/authoring/fixes.py): each, applied, removes its finding and adds no error.

Table-driven on fixtures in block style (the bundled table, with a defect added) and in flow
style, with the exact text each first fix writes (``fixtures/fixes/expected``), and a hypothesis
property on random tables: every fix offered for a gap, unreachable, redundant, mergeable or
conflict finding removes it, adds no error, and changes no result outside what it fixes — checked
by the brute-force oracle and by evaluating a sample of answers with the engine.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossroads.engine.analysis.lint import lint_source
from crossroads.engine.authoring import fixes
from crossroads.engine.authoring.examples import coverage, run_examples
from crossroads.engine.authoring.formatter import format_text
from crossroads.engine.authoring.testing import witnesses_of
from crossroads.engine.decision.evaluate import Result, evaluate_or_error
from crossroads.engine.findings import Finding
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import compile_table

import strategies
from oracle import Oracle, _bound_points, data_of, fold

FIXTURES = Path(__file__).parent / "fixtures" / "fixes"
EXPECTED = FIXTURES / "expected"
UPDATE = os.environ.get("CROSSROADS_UPDATE_FIXES") == "1"  # rewrite the expected texts (review the diff)


def lint(text: str, name: str = "table.yaml") -> list[Finding]:
    return lint_source(tables.Source(name, text.encode("utf-8")))


def key(f: Finding) -> tuple[Any, ...]:
    """What identifies a finding across an edit (lines move, witnesses and covers may change)."""
    if f.code == "conflict":
        return (f.code, frozenset(f.rules))
    if f.code in ("unreachable", "redundant"):
        return (f.code, f.rules[0])
    if f.code == "mergeable":
        return (f.code, f.rules)
    return (f.code, f.message)


def check_fix(text: str, name: str, fix: fixes.Fix, *, gaps_by_message: bool = True) -> list[Finding]:
    """Apply ``fix``: its finding is gone and no error is new (gaps compared by message unless told
    otherwise: the property test checks them by evaluation). Returns the findings after."""
    before = lint(text, name)
    new = fixes.apply(text, fix.edits)
    after = lint(new, name)
    assert key(fix.finding) not in {key(f) for f in after}, (fix.title, new)
    if fix.finding.code == "mergeable":  # the merged row takes over its members' findings
        first = fix.finding.rules[0]
        before = [
            f if f.code == "gap" else replace(f, rules=tuple(first if r in fix.finding.rules else r for r in f.rules))
            for f in before
        ]
    old_errors = {key(f) for f in before if f.severity == "error"}
    fresh = [
        f for f in after if f.severity == "error" and key(f) not in old_errors and (gaps_by_message or f.code != "gap")
    ]
    assert not fresh, (fix.title, [f.message for f in fresh], new)
    return after


def new_warnings(text: str, name: str, after: list[Finding]) -> set[str]:
    old = {key(f) for f in lint(text, name)}
    return {f.code for f in after if f.severity == "warning" and key(f) not in old}


# ---------------------------------------------------------------- apply


def test_apply_edits_in_any_order() -> None:
    text = "ab\ncd\r\nef"
    edits = [fixes.TextEdit(2, 2, 2, 2, "!"), fixes.TextEdit(0, 0, 0, 1, "A"), fixes.TextEdit(0, 2, 1, 1, "-")]
    assert fixes.apply(text, edits) == "Ab-d\r\nef!"


@pytest.mark.parametrize(
    "edits",
    [
        [fixes.TextEdit(0, 0, 0, 2, ""), fixes.TextEdit(0, 1, 0, 1, "x")],  # overlapping
        [fixes.TextEdit(0, 3, 0, 3, "x")],  # past the line's end
        [fixes.TextEdit(3, 0, 3, 0, "x")],  # past the last line
    ],
)
def test_apply_refuses_bad_edits(edits: list[fixes.TextEdit]) -> None:
    with pytest.raises(ValueError):
        fixes.apply("ab\ncd", edits)


def test_columns_are_code_points() -> None:
    assert fixes.apply("é😀x\n", [fixes.TextEdit(0, 2, 0, 3, "y")]) == "é😀y\n"


# ---------------------------------------------------------------- fixtures

# (fixture, finding code, its first row (gap: a text in its message), the fix titles,
#  the new warnings each fix may leave (per title; missing: none))
CASES: list[tuple[str, str, str, list[str], dict[str, set[str]]]] = [
    (
        "block-gap.yaml",
        "gap",
        "budget: tight",
        [
            'Add row gap-1 for change: behaviour, freshness: static, citations: false, examples: "[300, 1000)", budget: tight → rag',
            'Add row gap-1 for change: behaviour, freshness: static, citations: false, examples: "[300, 1000)", budget: tight → fine-tune',
            'Add row gap-1 for change: behaviour, freshness: static, citations: false, examples: "[300, 1000)", budget: tight → rag-plus-fine-tune',
            "Add default: rag",
            "Add default: fine-tune",
            "Add default: rag-plus-fine-tune",
        ],
        {
            # the natural fix: behaviour-static-room-in-budget then differs only in budget
            'Add row gap-1 for change: behaviour, freshness: static, citations: false, examples: "[300, 1000)", budget: tight → rag': {
                "mergeable"
            },
            # a default makes the rows that give the same outcome redundant
            "Add default: rag": {"redundant"},
            "Add default: fine-tune": {"redundant"},
            "Add default: rag-plus-fine-tune": {"redundant"},
        },
    ),
    (
        "flow-unique.yaml",
        "gap",
        "severity: high",
        [
            'Add row gap-1 for severity: high, customers: "[10, 100)" → backlog',
            'Add row gap-1 for severity: high, customers: "[10, 100)" → page',
            "Add default: backlog",
            "Add default: page",
        ],
        {
            'Add row gap-1 for severity: high, customers: "[10, 100)" → backlog': {"mergeable"},
            "Add default: backlog": {"redundant"},
        },
    ),
    (
        "block-unreachable.yaml",
        "unreachable",
        "negative-examples",
        ["Delete row negative-examples (never decides)"],
        {},
    ),
    ("block-redundant.yaml", "unreachable", "light-express", ["Delete row light-express (never decides)"], {}),
    ("block-redundant.yaml", "redundant", "express", ["Delete row express (changes no result)"], {}),
    ("flow-unique.yaml", "unreachable", "never", ["Delete row never (never decides)"], {}),
    (
        "flow-first.yaml",
        "unreachable",
        "heavy-express",
        ["Delete row heavy-express (never decides)"],
        {"Delete row heavy-express (never decides)": {"mergeable"}},
    ),
    (
        "flow-first.yaml",
        "unreachable",
        "light-express",
        ["Delete row light-express (never decides)"],
        {"Delete row light-express (never decides)": {"mergeable"}},
    ),
    (
        "flow-first.yaml",
        "redundant",
        "express",
        ["Delete row express (changes no result)"],
        {"Delete row express (changes no result)": {"mergeable"}},
    ),
    (
        "block-mergeable.yaml",
        "mergeable",
        "too-few-examples",
        ["Merge rows too-few-examples, too-few-for-both into too-few-examples with change: [behaviour, both]"],
        {},
    ),
    (
        "block-redundant.yaml",
        "mergeable",
        "express",
        ["Merge rows express, light-express into express with no condition on weight"],
        {},
    ),
    (
        "flow-unique.yaml",
        "mergeable",
        "low",
        [
            "Merge rows low, high-few into low with severity: [low, high]",
            "Merge rows low, low-many into low with no condition on customers",
        ],
        {},
    ),
    (
        "flow-first.yaml",
        "mergeable",
        "heavy-express",
        ["Merge rows heavy-express, express, light-express into heavy-express with no condition on weight"],
        {},
    ),
    (
        "block-conflict.yaml",
        "conflict",
        "too-few-examples",
        ['Narrow row both-some-data to examples: ">= 300" (leave the overlap to too-few-examples)'],
        {},
    ),
    (
        "block-conflict.yaml",
        "conflict",
        "both-with-data",
        ['Narrow row both-some-data to examples: "[100, 300)" (leave the overlap to both-with-data)'],
        {'Narrow row both-some-data to examples: "[100, 300)" (leave the overlap to both-with-data)': {"mergeable"}},
    ),
    (
        "flow-unique.yaml",
        "conflict",
        "low-many",
        ["Narrow row critical-many to severity: [high, critical] (leave the overlap to low-many)"],
        {},
    ),
    (
        "flow-unique.yaml",
        "conflict",
        "critical",
        ["Narrow row critical-many to severity: [low, high] (leave the overlap to critical)"],
        {},
    ),
]


def _findings(name: str, code: str, which: str) -> tuple[str, list[Finding]]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = [
        f
        for f in lint(text, name)
        if f.code == code and ((f.rules and f.rules[0] == which) or (not f.rules and which in f.message))
    ]
    assert found, f"{name}: no {code} finding for {which}"
    return text, found


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


@pytest.mark.parametrize(
    ("name", "code", "which", "titles", "warnings"), CASES, ids=lambda x: x if isinstance(x, str) else ""
)
def test_fixture_fixes(name: str, code: str, which: str, titles: list[str], warnings: dict[str, set[str]]) -> None:
    text, found = _findings(name, code, which)
    offered = [fx for fx in fixes.fixes_for(text, name, lint(text, name)) if fx.finding in found]
    assert [fx.title for fx in offered] == titles
    formatted = format_text(text) == text
    for fx in offered:
        after = check_fix(text, name, fx)
        assert new_warnings(text, name, after) == warnings.get(fx.title, set()), fx.title
        new = fixes.apply(text, fx.edits)
        if formatted:  # inserted text is in fmt's layout; deletions leave none of its blank lines doubled
            assert format_text(new) == new, fx.title
    first = fixes.apply(text, offered[0].edits)
    # not *.yaml: the sweeps over every fixture table (schema agreement, DMN and JDM exports) skip them
    expected = EXPECTED / f"{Path(name).stem}--{_slug(titles[0])}.expected"
    if UPDATE:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(first, encoding="utf-8")
    assert first == expected.read_text(encoding="utf-8")


def test_every_fixture_finding_of_a_fixable_kind_has_a_case() -> None:
    covered = {(name, code, which) for name, code, which, _, _ in CASES}
    for path in sorted(FIXTURES.glob("*.yaml")):
        for f in lint(path.read_text(encoding="utf-8"), path.name):
            if f.code in ("unreachable", "redundant", "mergeable", "conflict"):
                assert (path.name, f.code, f.rules[0]) in covered, (path.name, f.code, f.rules)


def test_deleting_a_row_takes_its_translation_and_its_own_comment() -> None:
    text, found = _findings("block-unreachable.yaml", "unreachable", "negative-examples")
    (fx,) = fixes.fixes_for(text, "t.yaml", found)
    new = fixes.apply(text, fx.edits)
    assert "negative-examples" not in new
    assert "A row nobody can reach" not in new  # its own comment (the row alone in its paragraph)
    assert "# Behaviour, static knowledge" in new  # the next paragraph's heading stays
    assert "knowledge-needs-retrieval: {because:" in new  # the other translation stays


def test_deleting_a_pinned_row_leaves_its_examples_the_outcome() -> None:
    text, found = _findings("block-redundant.yaml", "unreachable", "light-express")
    (fx,) = fixes.fixes_for(text, "t.yaml", found)
    new = fixes.apply(text, fx.edits)
    assert "  - answers: {weight: 1, express: true}\n    expect: courier\n" in new
    assert "# Light and express" not in new and "# Everything else." in new


def test_a_merge_repins_examples_to_the_merged_row() -> None:
    text, found = _findings("block-mergeable.yaml", "mergeable", "too-few-examples")
    (fx,) = fixes.fixes_for(text, "t.yaml", found)
    new = fixes.apply(text, fx.edits)
    assert "rule: too-few-for-both" not in new and new.count("rule: too-few-examples}") == 2
    assert "# The same for both" not in new


def test_heading_comment_stays_when_the_next_row_follows() -> None:
    text = (Path(__file__).parent.parent / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")
    heading = "  # Behaviour, static knowledge, no citations: the case fine-tuning is built for.\n"
    text = text.replace(heading, heading + '  - id: never\n    when: {examples: "< 0"}\n    then: rag\n')
    found = [f for f in lint(text) if f.code == "unreachable"]
    (fx,) = fixes.fixes_for(text, "t.yaml", found)
    new = fixes.apply(text, fx.edits)
    assert new == (Path(__file__).parent.parent / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")


def test_no_fix_deletes_the_last_row() -> None:
    text = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: unique\n"
        "inputs:\n  - {id: n, prompt: N?, type: integer, minimum: 0}\n"
        'outcomes:\n  - {id: a, title: A}\nrules:\n  - {id: never, when: {n: "< 0"}, then: a}\n'
    )
    findings = lint(text)
    assert {f.code for f in findings} >= {"unreachable"}
    assert [fx for fx in fixes.fixes_for(text, "t.yaml", findings) if fx.finding.code == "unreachable"] == []


def test_gap_fixes_get_distinct_ids_skipping_used_ones() -> None:
    text = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: unique\n"
        "inputs:\n  - {id: c, prompt: C?, type: choice, options: [{id: x}, {id: y}, {id: z}]}\n"
        "  - {id: n, prompt: N?, type: integer, minimum: 0, maximum: 9}\n"
        "outcomes:\n  - {id: a, title: A}\n"
        'rules:\n  - {id: gap-1, when: {c: x}, then: a}\n  - {id: r2, when: {c: y, n: "< 5"}, then: a}\n'
        '  - {id: r3, when: {c: z, n: ">= 5"}, then: a}\n'
    )
    findings = [f for f in lint(text) if f.code == "gap"]
    assert len(findings) == 2
    rows = [fx for fx in fixes.fixes_for(text, "t.yaml", findings) if fx.title.startswith("Add row")]
    assert [fx.title.split()[2] for fx in rows] == ["gap-2", "gap-3"]
    for fx in rows:
        check_fix(text, "t.yaml", fx)


def test_not_a_table_gives_no_fixes() -> None:
    assert fixes.fixes_for("a: [1\n", "t.yaml", []) == ()
    assert fixes.example_fixes("just: text\n", "t.yaml") == ()


def test_fixes_keep_crlf_line_breaks() -> None:
    text = (FIXTURES / "block-unreachable.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    found = [f for f in lint(text) if f.code == "unreachable"]
    (fx,) = fixes.fixes_for(text, "t.yaml", found)
    new = fixes.apply(text, fx.edits)
    assert "\n" not in new.replace("\r\n", "")
    check_fix(text, "t.yaml", fx)


# ---------------------------------------------------------------- uncovered rows: examples


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("block-uncovered.yaml", ["behaviour-but-citations", "behaviour-static-room-in-budget"]),
        ("flow-unique.yaml", ["low", "low-many", "high-few", "critical", "critical-many"]),
        ("flow-first.yaml", []),  # a flow root: nowhere for an example in fmt's layout
        ("block-gap.yaml", []),
        ("block-conflict.yaml", []),
    ],
)
def test_example_fixes(name: str, rows: list[str]) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    offered = fixes.example_fixes(text, name)
    assert [fx.finding.rules for fx in offered] == [(r,) for r in rows]
    for fx in offered:
        assert fx.finding.code == "uncovered" and fx.finding.severity == "warning"
        row = re.compile(rf"(- |\{{)id: {re.escape(fx.finding.rules[0])}(,|$)")
        assert fx.finding.line == next(n for n, line in enumerate(text.splitlines(), 1) if row.search(line))
        new = fixes.apply(text, fx.edits)
        if format_text(text) == text:
            assert format_text(new) == new
        check_fix(text, name, fx)
        _assert_covered(new, name, fx.finding.rules[0])


def test_example_fix_adds_the_examples_key() -> None:
    text = (FIXTURES / "block-redundant.yaml").read_text(encoding="utf-8")
    text = text[: text.index("examples:")].rstrip("\n") + "\n"
    offered = fixes.example_fixes(text, "t.yaml")
    assert [fx.finding.rules[0] for fx in offered] == ["heavy", "express", "parcel"]
    for fx in offered:
        new = fixes.apply(text, fx.edits)
        assert new.startswith(text) and new[len(text) :].startswith("\nexamples:\n  - answers: {")
        _assert_covered(new, "t.yaml", fx.finding.rules[0])


def test_example_fix_goes_before_translations() -> None:
    text = (FIXTURES / "block-unreachable.yaml").read_text(encoding="utf-8")
    start, end = text.index("examples:\n  - answers"), text.index("translations:")
    text = text[:start] + text[end:]
    (fx, *_) = fixes.example_fixes(text, "t.yaml")
    new = fixes.apply(text, fx.edits)
    assert new.index("examples:\n  - answers") < new.index("translations:")
    assert format_text(new) == new


def _assert_covered(text: str, name: str, rule: str) -> None:
    loaded = tables.load(tables.Source(name, text.encode("utf-8")))
    assert loaded.table is not None
    compiled = compile_table(loaded.table)
    runs = run_examples(loaded.table, compiled, loaded.document)
    assert all(r.passed for r in runs if r.exercised), [r.label for r in runs if not r.passed]
    witnesses, complete, conflicting = witnesses_of(compiled, 10)
    cov = coverage(compiled, runs, witnesses, complete=complete, conflicting=conflicting)
    assert rule in cov.covered


# ---------------------------------------------------------------- random tables


def _result(r: Result | Exception) -> Any:
    if isinstance(r, Exception):
        return type(r).__name__
    return (r.status, r.outcome, r.outcomes, repr(r.values))


def _raw(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in answers.items()}


def _pairs(before: Oracle, after: Oracle) -> dict[tuple[int, ...], tuple[Any, ...]]:
    """Every (rows matching before, rows matching after) pair some answer set gives, with one such set."""
    columns = []
    for mine, theirs in zip(before.inputs, after.inputs):
        points = [p for r in after.rows if mine.id in r.when for p in _points(r.when[mine.id])]
        columns.append(
            [(v, (before.row_mask(mine, v), after.row_mask(theirs, v))) for v in before.representatives(mine, points)]
        )
    return fold(columns, (before.all_rows, after.all_rows))


def _points(c: Any) -> list[Any]:
    return list(_bound_points(c))


FIXABLE = ("gap", "unreachable", "redundant", "mergeable", "conflict")


def _check_random(text: str) -> None:
    findings = lint(text, "t.yaml")
    if any(f.code == "analysis-incomplete" for f in findings):
        return
    before_data = strategies_data(text)
    before = Oracle(before_data)
    compiled_before = compile_table(tables.valid(tables.Source("t.yaml", text.encode())))
    for fx in fixes.fixes_for(text, "t.yaml", findings):
        assert fx.finding.code in FIXABLE
        new = fixes.apply(text, fx.edits)
        check_fix(text, "t.yaml", fx, gaps_by_message=False)
        after_data = strategies_data(new)
        after = Oracle(after_data)
        compiled_after = compile_table(tables.valid(tables.Source("t.yaml", new.encode())))
        assert [i.id for i in after.inputs] == [i.id for i in before.inputs]
        for (ma, mb), values in _pairs(before, after).items():
            answers = before.answers(values)
            old, now = before.result(ma), after.result(mb)
            code = fx.finding.code
            if code in ("unreachable", "redundant", "mergeable"):
                assert old == now, (fx.title, answers)  # identical on every representative answer
            elif code == "gap" and fx.title.startswith("Add row"):
                added = 1 << (len(after.rows) - 1)
                if mb & added:
                    assert ma == 0 and mb == added, (fx.title, answers)  # only the gap's answers
                else:
                    assert old == now, (fx.title, answers)
            elif code == "gap":  # a default: only answers no row matched change
                assert old == now or ma == 0, (fx.title, answers)
            else:  # conflict: the later row no longer matches where the earlier one does
                a, b = (1 << before.index[r] for r in fx.finding.rules)
                assert mb == ma or (ma & a and ma & b and mb == ma & ~b), (fx.title, answers)
                if mb != ma:
                    assert now == after.result(mb)
                    continue
                assert old == now, (fx.title, answers)
            if old == now:  # the engine agrees on the sample: these answers are unaffected
                raw = _raw(answers)
                assert _result(evaluate_or_error(compiled_before, raw)) == _result(
                    evaluate_or_error(compiled_after, raw)
                ), (fx.title, answers)


def strategies_data(text: str) -> dict[str, Any]:
    return data_of(text)


@given(t=strategies.tables(max_rules=6))
def test_random_tables_fixes_remove_their_finding_and_change_nothing_else(t: strategies.GeneratedTable) -> None:
    _check_random(t.text)


@given(t=strategies.output_tables())
def test_random_tables_with_outputs(t: strategies.GeneratedTable) -> None:
    _check_random(t.text)


@given(t=strategies.tables(max_rules=6), style=st.sampled_from(["flow-rules", "block-rows", "block-when"]))
def test_random_tables_in_other_styles(t: strategies.GeneratedTable, style: str) -> None:
    """The same property with ``rules`` as one flow list, every row as a block mapping, or with its
    ``when`` as a block mapping too."""
    data = t.data
    lines = t.text.splitlines()
    at = lines.index("rules:")
    end = at + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    if style == "flow-rules":
        rows = ["rules: [" + ",\n  ".join(strategies.flow(r) for r in data["rules"]) + "]"]
    else:
        rows = ["rules:"]
        for r in data["rules"]:
            rows += [f"  - id: {r['id']}"]
            for k, v in r.items():
                if k == "when" and v and style == "block-when":
                    rows += ["    when:"] + [
                        f"      {strategies.scalar(c)}: {strategies.flow(x)}" for c, x in v.items()
                    ]
                elif k != "id":
                    rows.append(f"    {k}: {strategies.flow(v)}")
    _check_random("\n".join(lines[:at] + rows + lines[end:]) + "\n")


def test_the_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import doctest

    repo = Path(__file__).parent.parent
    text = (repo / "README.md").read_text(encoding="utf-8")
    section = text.split("**Fixes.**", 1)[1].split("\n## ", 1)[0]
    examples = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
    assert examples.count(">>>") >= 8
    monkeypatch.chdir(repo)
    test = doctest.DocTestParser().get_doctest(examples, {}, "README Fixes", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.failures == 0


TRIAGE = (Path(__file__).parent / "fixtures" / "analysis" / "gap.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("ending", ["\n", ""])
def test_edits_at_the_end_of_the_text(ending: str) -> None:
    """The rows are the file's last lines: a row added after them, or the last one deleted, with or
    without a final line break."""
    text = TRIAGE.rstrip("\n") + '\n  - id: never\n    when: {customers: "< 0"}\n    then: page' + ending
    findings = lint(text)
    offered = fixes.fixes_for(text, "t.yaml", findings)
    delete = [fx for fx in offered if fx.finding.code == "unreachable"]
    add = [fx for fx in offered if fx.title.startswith("Add row gap-1")]
    assert len(delete) == 1 and len(add) == 2
    assert fixes.apply(text, delete[0].edits) == TRIAGE.rstrip("\n") + ending
    added = fixes.apply(text, add[0].edits)
    assert added.endswith(
        '    then: page\n  - id: gap-1\n    when: {severity: high, customers: ">= 10"}\n    then: backlog' + ending
    )
    gaps = sum(f.code == "gap" for f in findings)
    for fx in delete + add:
        # the row "< 0" cut the customers' domain at 0: the same gap is worded anew without it
        after = check_fix(text, "t.yaml", fx, gaps_by_message=False)
        assert sum(f.code == "gap" for f in after) == gaps - (fx in add)


def test_stale_findings_give_no_fix_and_no_error() -> None:
    """Findings of another text (an editor's, one version behind) name rows that are not there."""
    other = (FIXTURES / "flow-first.yaml").read_text(encoding="utf-8")
    stale = lint(other)
    assert fixes.fixes_for(TRIAGE, "t.yaml", stale) == ()


def test_a_byte_order_mark_shifts_no_edit() -> None:
    text = "\ufeff" + TRIAGE
    findings = [f for f in lint(text) if f.code == "gap"]
    (fx, *_) = fixes.fixes_for(text, "t.yaml", findings)
    assert fixes.apply(text, fx.edits).startswith("\ufeffformat: crossroads/1\n")
    check_fix(text, "t.yaml", fx)
