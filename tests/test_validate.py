"""Validation findings, pinned as golden ``crossroads lint`` text, one fixture per finding code.

Each expected finding also names the source text found at its line:column, which
proves the position is the offending value (or, for unknown and duplicate keys,
the key) and not merely somewhere near it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli
from crossroads.engine.table import pipeline as tables
from crossroads.engine.findings import CODES

FIXTURES = Path(__file__).parent / "fixtures" / "validate"

VALIDATION_CODES = {
    "schema",
    "duplicate-id",
    "bad-bounds",
    "unknown-outcome",
    "unknown-input",
    "unknown-option",
    "bad-condition",
    "bad-example",
    "unused-input",
    "unused-outcome",
    "two-value-list",
}

# fixture: [(line:col, "severity code", message, source text at line:col)], in lint's order
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    "schema-title-number.yaml": [
        ("4:8", "error schema", "title: expected a string, not an integer", "12"),
    ],
    "schema-unknown-key.yaml": [
        ("1:1", "error schema", "table: missing required key 'hit_policy'", "format"),
        ("5:1", "error schema", "table: unknown key 'hit_polcy' (did you mean 'hit_policy'?)", "hit_polcy:"),
        ("10:5", "error schema", "inputs[0]: unknown key 'promt' (did you mean 'prompt'?)", "promt:"),
    ],
    "schema-reserved-outcome.yaml": [
        ("9:10", "error schema", "outcomes[0].id: 'undecided' is reserved and cannot be an outcome id", "undecided"),
    ],
    "schema-several.yaml": [
        (
            "2:5",
            "error schema",
            "id: 'Several-Problems' is not a valid id: a lowercase letter, then letters, digits, '-' or '_', at most 64 characters",
            "Several-Problems",
        ),
        ("3:10", "error schema", "version: '1.0' is not a semantic version such as 1.2.0", '"1.0"'),
        (
            "5:13",
            "error schema",
            "hit_policy: 'sometimes' is not one of: unique, first, priority, any, collect, output-order",
            "sometimes",
        ),
        (
            "9:11",
            "error schema",
            "inputs[0].type: 'text' is not one of: choice, boolean, integer, number, string, date",
            "text",
        ),
        ("13:14", "error schema", "inputs[1].minimum: expected an integer, not a number", "0.5"),
        ("17:14", "error schema", "inputs[2].options: must not be empty", "[]"),
        ("19:32", "error schema", "outcomes[0].summary: expected a string, not null", "null"),
        (
            "21:24",
            "error schema",
            'rules[0].when.x: not a condition: expected an option id, a list of ids, {not: ...}, true/false, a number or a string such as ">= 10" or "[1, 5)"',
            "{any: [a]}",
        ),
        (
            "23:18",
            "error schema",
            "examples[0].answers.x: expected a string, a number or true/false, not a list",
            "[true]",
        ),
        (
            "24:13",
            "error schema",
            "examples[0].expect: expect must be an outcome id, 'undecided', a list of outcome ids or {outcome: ID, rule: ID}",
            "{outcome: a}",
        ),
    ],
    "duplicate-id.yaml": [
        ("13:14", "error duplicate-id", "duplicate option id 'a' in input 'x'", "a}"),
        ("14:10", "error duplicate-id", "duplicate input id 'x'", "x,"),
        ("17:10", "error duplicate-id", "duplicate outcome id 'o'", "o,"),
        ("20:10", "error duplicate-id", "duplicate rule id 'r'", "r,"),
    ],
    "bad-bounds.yaml": [
        ("7:62", "error bad-bounds", "input 'n': minimum 10 is greater than maximum 3", "3}"),
        ("8:48", "error bad-bounds", "input 'm': minimum must be a finite number", "-.inf"),
        ("9:48", "error bad-bounds", "input 'k': maximum must be a finite number", ".nan"),
    ],
    "unknown-outcome.yaml": [
        (
            "6:10",
            "error unknown-outcome",
            "default 'maybe' is not an outcome (outcomes: yes-outcome, no-outcome)",
            "maybe",
        ),
        (
            "11:10",
            "warning unused-outcome",
            "outcome 'no-outcome' is never the result: no rule or default yields it",
            "no-outcome",
        ),
        (
            "14:38",
            "error unknown-outcome",
            "rule 'r2': then 'no-outcom' is not an outcome (outcomes: yes-outcome, no-outcome)",
            "no-outcom}",
        ),
    ],
    "unknown-input.yaml": [
        ("14:7", "error unknown-input", "rule 'r1': 'y' is not an input (inputs: x)", "y:"),
    ],
    "unknown-option.yaml": [
        ("14:29", "error unknown-option", "rule 'r1', colour: unknown option 'blue' (options: red, green)", "blue"),
        ("15:35", "error unknown-option", "rule 'r2', colour: unknown option 'purple' (options: red, green)", "purple"),
        ("16:35", "error unknown-option", "rule 'r3', colour: unknown option 'Green' (options: red, green)", "Green"),
    ],
    "bad-condition.yaml": [
        (
            "20:44",
            "error bad-condition",
            "rule 'numeric-on-choice', colour: the number 1 is not an option id; quote it: \"1\"",
            "1}",
        ),
        (
            "21:41",
            "error bad-condition",
            "rule 'number-on-choice', size: a choice input takes an option id, a list of ids or {not: ...}, not the number 3",
            "3}",
        ),
        (
            "22:42",
            "error bad-condition",
            "rule 'string-on-boolean', flag: a boolean input takes true or false, not the string \"yes\"",
            '"yes"',
        ),
        (
            "23:30",
            "error bad-condition",
            "rule 'reversed', n: interval \"[5, 3]\" has reversed bounds (5 > 3)",
            '"[5, 3]"',
        ),
        (
            "24:36",
            "error bad-condition",
            'rule \'empty-interval\', n: interval "(3, 3)" is empty; write "[3, 3]" or 3 for a single value',
            '"(3, 3)"',
        ),
        (
            "25:35",
            "error bad-condition",
            'rule \'quoted-number\', n: "5" is a string; write the number unquoted (5) or as "== 5"',
            '"5"',
        ),
        (
            "26:30",
            "error bad-condition",
            'rule \'nonsense\', n: cannot read condition "about 5": expected a number, "< N", "<= N", "> N", ">= N", "== N", "!= N" or an interval such as "[a, b)"',
            '"about 5"',
        ),
        (
            "27:36",
            "error bad-condition",
            'rule \'list-on-number\', n: cannot read condition "a": expected a number, "< N", "<= N", "> N", ">= N", "== N", "!= N" or an interval such as "[a, b)"',
            "[a]",
        ),
        ("28:32", "error bad-condition", "rule 'not-finite', n: numbers must be finite, not Infinity", ".inf"),
    ],
    "bad-example.yaml": [
        (
            "20:23",
            "error bad-example",
            "examples[0]: colour: unknown option 'blue'; expected one of: red, green",
            "blue",
        ),
        ("20:32", "error bad-example", "examples[0]: n: -1 is out of range: expected a whole number ≥ 0", "-1"),
        ("20:36", "error bad-example", "examples[0]: unknown input 'size'; inputs: colour, n", "size:"),
        ("24:35", "error bad-example", "examples[1]: rule 'green-row' leads to 'cool', not 'warm'", "green-row"),
        ("25:31", "error bad-example", "examples[2]: n: expected a whole number ≥ 0, got 2.5", "2.5"),
        ("26:35", "error bad-example", "examples[2]: expected rule 'no-such-row' is not a rule", "no-such-row"),
        (
            "28:13",
            "error bad-example",
            "examples[3]: a list of outcomes is only for collect tables; expect one outcome id",
            "[warm]",
        ),
        ("30:13", "error unknown-outcome", "examples[4]: expected outcome 'hot' is not an outcome", "hot"),
    ],
    "unused.yaml": [
        (
            "8:10",
            "warning unused-input",
            "input 'asked-for-nothing' is asked but no rule conditions on it",
            "asked-for-nothing",
        ),
        (
            "12:10",
            "warning unused-outcome",
            "outcome 'never' is never the result: no rule or default yields it",
            "never",
        ),
    ],
    "two-value-list.yaml": [
        (
            "12:41",
            "warning two-value-list",
            'rule \'meant-an-interval\', age: [0, 17] is a list of two values (0 or 17), not an interval; if every value from 0 to 17 was meant, quote it: "[0, 17]" (two values: ["== 0", "== 17"])',
            "[0, 17]",
        ),
    ],
    "several.yaml": [
        ("6:10", "error unknown-outcome", "default 'nowhere' is not an outcome (outcomes: o)", "nowhere"),
        ("9:60", "error bad-bounds", "input 'n': minimum 5 is greater than maximum 1", "1}"),
        ("12:10", "error duplicate-id", "duplicate outcome id 'o'", "o,"),
        (
            "14:24",
            "error bad-condition",
            "rule 'r1', x: a boolean input takes true or false, not the string \"true\"",
            '"true"',
        ),
        ("15:21", "error unknown-input", "rule 'r2': 'z' is not an input (inputs: x, n)", "z:"),
        ("15:37", "error unknown-outcome", "rule 'r2': then 'p' is not an outcome (outcomes: o)", "p}"),
    ],
}


def lint(path: Path, *args: str):
    return CliRunner().invoke(cli, ["lint", str(path), *args], catch_exceptions=False)


def _code(line: str) -> str:
    return line.split(": ", 2)[1].split(" ")[1]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_text_is_pinned(name: str) -> None:
    path = FIXTURES / name
    expected = [f"{path}:{pos}: {what}: {message}" for pos, what, message, _ in EXPECTED[name]]
    r = lint(path)
    lines = r.stdout.splitlines()
    errors = sum(" error " in line for line in expected)
    if errors:  # an invalid table: validation is all there is (the row analysis needs a valid one)
        assert lines == expected
    else:  # warnings only: the row analysis runs too; it is not this module's business
        assert [line for line in lines if _code(line) in VALIDATION_CODES] == expected
    assert r.exit_code == (1 if errors else 0)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_positions_point_at_the_offending_text(name: str) -> None:
    source = (FIXTURES / name).read_text().splitlines()
    for pos, _, message, text in EXPECTED[name]:
        line, column = map(int, pos.split(":"))
        assert source[line - 1][column - 1 :].startswith(text), (pos, message)


def test_every_validation_code_has_a_fixture() -> None:
    produced = {what.split(" ")[1] for findings in EXPECTED.values() for _, what, _, _ in findings}
    assert produced == VALIDATION_CODES
    assert VALIDATION_CODES <= set(CODES)


@pytest.mark.parametrize("name", ["schema-several.yaml", "several.yaml", "bad-condition.yaml", "bad-example.yaml"])
def test_every_problem_is_reported_not_just_the_first(name: str) -> None:
    path = FIXTURES / name
    loaded = tables.load(tables.Source(str(path), path.read_bytes()))
    assert len(loaded.findings) == len(EXPECTED[name]) >= 3
    assert loaded.table is None if name.startswith("schema") else loaded.table is not None


@pytest.mark.parametrize("unknown, capped", [(100, False), (101, True), (2_000, True)])
def test_schema_findings_are_capped(unknown: int, capped: bool) -> None:
    from crossroads.engine.table.loader import MAX_FINDINGS

    text = (FIXTURES / "unused.yaml").read_text() + "".join(f"extra{n:06d}: 1\n" for n in range(unknown))
    findings = tables.load(tables.Source("t.yaml", text.encode())).findings
    assert len(findings) == MAX_FINDINGS and all("unknown key" in f.message for f in findings)
    assert findings[-1].message.endswith(f"(stopped here: more than {MAX_FINDINGS} problems in this file)") == capped


def test_evaluate_reports_only_the_errors_one_line_each() -> None:
    path = FIXTURES / "unknown-outcome.yaml"
    r = CliRunner().invoke(cli, ["evaluate", str(path), "-a", "x=true"], catch_exceptions=False)
    expected = [
        f"{path}:{pos}: {what}: {message}\n"
        for pos, what, message, _ in EXPECTED["unknown-outcome.yaml"]
        if what.startswith("error")
    ]
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "".join(expected))


def test_warnings_do_not_stop_evaluation() -> None:
    r = CliRunner().invoke(
        cli, ["evaluate", str(FIXTURES / "unused.yaml"), "-a", "x=true", "--format", "json"], catch_exceptions=False
    )
    assert r.exit_code == 0 and '"outcome": "yes-outcome"' in r.stdout


@pytest.mark.parametrize(
    "when, message",
    [
        ("{n: .nan}", "numbers must be finite, not NaN"),
        ('{n: "<= 1e3"}', None),
        ('{n: "[0.1, 0.3)"}', None),
        ('{n: "(1, 2]"}', None),
        ('{n: " >=  2 "}', None),
        ("{n: 1e400}", None),
        ('{n: "<"}', "cannot read condition"),
        ('{n: "[1, 2"}', "cannot read condition"),
        ('{n: "== 0x10"}', "cannot read condition"),
        ("{n: true}", "a numeric input takes a number"),
        ('{n: {not: "3"}}', '"3" is a string; write the number unquoted'),
        ("{n: {not: 3}}", None),  # != 3
        ('{n: "!= 3"}', None),
        ('{n: [1, 2, "(5, 10]"]}', None),
        ('{n: [">= 60", "< 18"]}', None),
        ('{n: {not: [1, "> 5"]}}', None),
        ("{n: [1, abc]}", "cannot read condition"),
        ("{n: [1, true]}", "schema"),  # a boolean in a list: the schema says so
        ("{n: []}", "schema"),  # an empty list, as for a choice input
        ("{n: [[1, 2]]}", "schema"),  # a list inside a list
        ("{n: {not: {not: 3}}}", "schema"),  # not does not nest
        ('{n: {not: [">= 5", "< 6"]}}', "matches nothing"),
        ('{n: "!= 1e400"}', None),
    ],
)
def test_numeric_condition_grammar(when: str, message: str | None) -> None:
    text = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        "inputs: [{id: n, prompt: N?, type: number}]\noutcomes: [{id: o, title: O}]\n"
        f"rules: [{{id: r, when: {when}, then: o}}]\n"
    )
    findings = tables.load(tables.Source("t.yaml", text.encode())).findings
    if message is None:
        assert findings == ()
    elif message == "schema":
        assert [f.code for f in findings] == ["schema"] and "not a condition" in findings[0].message
    else:
        assert [f.code for f in findings] == ["bad-condition"] and message in findings[0].message


@pytest.mark.parametrize(
    "option_id, message",
    [
        ("10", "expected a string, not an integer"),
        ("true", "expected a string, not a boolean"),
        ("[a]", "expected a string, not a list"),
    ],
)
def test_a_non_string_option_id_gets_one_finding_not_a_bogus_control_character(option_id: str, message: str) -> None:
    text = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        f"inputs: [{{id: x, prompt: X?, type: choice, options: [{{id: {option_id}}}]}}]\n"
        "outcomes: [{id: a, title: A}]\nrules: [{id: r, then: a}]\n"
    )
    findings = tables.load(tables.Source("t.yaml", text.encode())).findings
    assert [f.message for f in findings] == [f"inputs[0].options[0].id: {message}"]


@pytest.mark.parametrize(
    "when, line, column",
    [('{n: "<< 5x"}', 12, 15), ("{m: 3}", 12, 12), ("{n: [1, true]}", 12, 15)],  # the value; the key
)
def test_valid_names_the_line_of_each_error(tmp_path: Path, when: str, line: int, column: int) -> None:
    """``valid`` reads a valid table without positions; an invalid one's errors still point at their node."""
    path = tmp_path / "t.yaml"
    path.write_text(
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        "inputs:\n  - {id: n, prompt: n?, type: integer}\n"
        "outcomes:\n  - {id: a, title: A}\n"
        f"rules:\n  - id: one\n    when: {when}\n    then: a\n",
        encoding="utf-8",
    )
    with pytest.raises(tables.TableError) as caught:
        tables.valid(tables.find(str(path)))
    first = caught.value.findings[0]
    assert (first.line, first.column) == (line, column), first
    assert tables.load(tables.find(str(path))).findings[0] == first  # as lint reports it
