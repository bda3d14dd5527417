"""``crossroads test``: examples as tests, the closing line, coverage, JSON, JUnit, --generate."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, compile_yaml

from crossroads.cli.main import cli
from crossroads.engine.table import pipeline as tables
from crossroads.engine.authoring.examples import coverage, missing_examples, run_examples

EXAMPLES = FIXTURES / "examples"
JUNIT = {  # elements and attributes of the common JUnit schema (Jenkins' junit-10.xsd)
    "testsuites": {"name", "time", "tests", "failures", "disabled", "errors"},
    "testsuite": {
        "name",
        "tests",
        "failures",
        "errors",
        "time",
        "disabled",
        "skipped",
        "timestamp",
        "hostname",
        "id",
        "package",
    },
    "properties": set(),
    "property": {"name", "value"},
    "testcase": {"name", "assertions", "time", "classname", "status"},
    "failure": {"type", "message"},
    "error": {"type", "message"},
    "skipped": {"message"},
}


def run(*args: str) -> object:
    return CliRunner().invoke(cli, ["test", *args])


def load(name: str) -> tuple:
    loaded = tables.load(tables.find(str(EXAMPLES / name)))
    compiled = compile_yaml((EXAMPLES / name).read_text(encoding="utf-8"))
    return loaded, compiled


@pytest.mark.parametrize(
    ("name", "passed"),
    [
        ("partial.yaml", [True, True]),
        ("failing.yaml", [True, False, False, False, False]),
        ("collect.yaml", [True, False]),
    ],
)
def test_each_expect_form(name: str, passed: list[bool]) -> None:
    loaded, compiled = load(name)
    assert [r.passed for r in run_examples(loaded.table, compiled, loaded.document)] == passed


def test_rows_exercised_and_coverage() -> None:
    loaded, compiled = load("partial.yaml")
    runs = run_examples(loaded.table, compiled, loaded.document)
    assert [r.exercised for r in runs] == [("big-red",), ("tiny",)]  # a partial answer set can decide its row
    cov = coverage(compiled, runs, {"tiny": {}, "big-red": {}, "big-blue": {}})
    assert (cov.covered, cov.uncovered, cov.unreachable) == (("tiny", "big-red"), ("big-blue",), ())
    assert round(cov.percent, 1) == 66.7
    unknown = coverage(compiled, runs, {}, complete=False)  # analysis out of time: every row counts
    assert unknown.uncovered == ("big-blue",) and not unknown.complete


def test_collect_exercises_every_matching_row() -> None:
    loaded, compiled = load("collect.yaml")
    assert [r.exercised for r in run_examples(loaded.table, compiled)] == [("always", "when-fast"), ("always",)]


def test_text_report_and_the_closing_line() -> None:
    result = run(str(EXAMPLES / "failing.yaml"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 passed, 4 failed"
    assert f"{EXAMPLES / 'failing.yaml'}:31: FAIL examples[1] 'wrong outcome'\n" in result.stdout
    assert "  answers:  n=500, sure=false\n  expected: few\n  got:      many by row lots\n" in result.stdout
    assert "  expected: many by row lots\n  got:      few by row few-sure\n" in result.stdout
    assert "  expected: undecided\n  got:      many by row lots\n" in result.stdout
    assert "  got:      maybe (the default: no row matches)\n" in result.stdout


def test_all_passing_exits_0() -> None:
    result = run(str(EXAMPLES / "partial.yaml"))
    assert result.exit_code == 0
    assert result.stdout == f"{EXAMPLES / 'partial.yaml'}: 2 examples: 2 passed, 0 failed\n2 passed, 0 failed\n"


def test_an_invalid_table_skips_its_examples() -> None:
    result = run(str(EXAMPLES / "invalid.yaml"), str(EXAMPLES / "partial.yaml"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed, 2 skipped"
    assert "error unknown-outcome:" in result.stderr


def test_coverage_table_comes_before_the_closing_line() -> None:
    result = run("--coverage", str(EXAMPLES / "partial.yaml"), str(EXAMPLES / "collect.yaml"))
    lines = result.stdout.splitlines()
    table = lines[lines.index("Coverage: reachable rows an example exercises") :]
    assert table[1].split() == ["file", "reachable", "covered", "%", "not", "covered"]
    assert table[2].split()[1:] == ["3", "2", "66.7%", "big-blue", "(line", "30)"]
    assert table[3].split()[1:] == ["2", "2", "100.0%"]
    assert table[4].split() == ["total", "5", "4", "80.0%"]
    assert table[5] == "3 passed, 1 failed"


@pytest.mark.parametrize(("under", "code"), [("66", 0), ("67", 1)])
def test_fail_under(under: str, code: int) -> None:
    result = run("--fail-under", under, str(EXAMPLES / "partial.yaml"))
    assert result.exit_code == code
    assert ("under --fail-under" in result.stderr) is (code == 1)
    assert "Coverage:" in result.stdout  # --fail-under shows the table too


def test_the_bundled_table_passes_with_full_coverage() -> None:
    result = run("--coverage", "--fail-under", "100", str(REPO / "rules"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "13 passed, 0 failed"
    assert "8        8  100.0%" in result.stdout


def test_json_report() -> None:
    result = run("--format", "json", "--coverage", str(EXAMPLES / "failing.yaml"), str(EXAMPLES / "invalid.yaml"))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["passed"], doc["failed"], doc["skipped"]) == (1, 4, 2)
    failing, invalid = doc["files"]
    assert failing["table"] == {"id": "failing", "version": "1.0.0"}
    second = failing["examples"][1]
    assert second["expect"] == "few" and not second["passed"]
    assert second["result"] == {
        "status": "decided",
        "outcome": "many",
        "outcomes": ["many"],
        "values": None,
        "rule": "lots",
    }
    assert failing["coverage"]["uncovered"] == [] and failing["coverage"]["percent"] == 100.0
    assert invalid["errors"][0]["code"] == "unknown-outcome" and invalid["examples"] == []
    assert result.stderr.splitlines()[-1] == "1 passed, 4 failed, 2 skipped"


def test_junit_report_parses() -> None:
    result = run(
        "--format",
        "junit",
        "--coverage",
        str(EXAMPLES / "failing.yaml"),
        str(EXAMPLES / "invalid.yaml"),
        str(EXAMPLES / "partial.yaml"),
    )
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "4", "1")
    assert set(root.attrib) <= {"name", "time", "tests", "failures", "disabled", "errors"}  # junit-10.xsd
    for element in root.iter():  # only the elements (and attributes) of the common schema
        allowed = JUNIT.get(element.tag)
        assert allowed is not None and set(element.attrib) <= allowed, (element.tag, element.attrib)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        str(EXAMPLES / n) for n in ("failing.yaml", "invalid.yaml", "partial.yaml")
    ]
    failing = suites[0]
    assert failing.get("tests") == "5" and failing.get("failures") == "4"
    cases = failing.findall("testcase")
    assert [c.get("name") for c in cases][:2] == ["examples[0]", "examples[1] 'wrong outcome'"]
    assert cases[0].find("failure") is None
    assert cases[1].find("failure").get("message") == "expected few, got many by row lots"
    invalid = suites[1]
    assert invalid.find("testcase/error") is not None and len(invalid.findall("testcase/skipped")) == 2
    partial = suites[2]
    assert partial.find("properties/property").attrib == {"name": "coverage", "value": "66.7"}
    for suite in suites:  # the counts CI systems read agree with the cases
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)


def test_generate_adds_an_example_per_uncovered_row(tmp_path: Path) -> None:
    target = tmp_path / "partial.yaml"
    shutil.copy(EXAMPLES / "partial.yaml", target)
    result = run("--generate", "--coverage", str(target))
    assert result.exit_code == 0, result.output
    assert "added 1 example for uncovered rows" in result.stderr
    text = target.read_text(encoding="utf-8")
    assert "# Two of three rows have an example" in text and "  # the red one\n" in text  # comments kept
    assert text.endswith("    expect: {outcome: small, rule: big-blue}\n")
    assert result.stdout.splitlines()[-1] == "3 passed, 0 failed"
    again = run("--generate", "--fail-under", "100", str(target))
    assert again.exit_code == 0 and "added" not in again.stderr
    assert target.read_text(encoding="utf-8") == text


def test_generated_examples_are_checked_by_evaluation() -> None:
    loaded, compiled = load("partial.yaml")
    runs = run_examples(loaded.table, compiled)
    cov = coverage(compiled, runs, {"big-blue": {"size": 10, "colour": "blue"}, "tiny": {}, "big-red": {}})
    assert missing_examples(compiled, cov, {"big-blue": {"size": 10, "colour": "blue"}}) == [
        {"answers": {"size": 10, "colour": "blue"}, "expect": {"outcome": "small", "rule": "big-blue"}}
    ]
    assert (
        missing_examples(compiled, cov, {"big-blue": {"size": 3, "colour": "blue"}}) == []
    )  # a wrong witness is dropped


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.yaml")).exit_code == 2


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["evaluate", "-a", "n=3"], 0, "Few"),
        (["lint"], 1, "error bad-example: examples[1]: n: -5 is out of range"),
        (["test"], 1, "1 passed, 2 failed"),
        (["page", "-o", "-"], 0, "<html"),
    ],
)
def test_a_bad_example_fails_as_a_test_and_the_table_still_evaluates(args: list[str], code: int, words: str) -> None:
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    path = str(EXAMPLES / "bad-examples.yaml")
    result = CliRunner().invoke(cli, [args[0], path, *args[1:]], input='{"n": 3}\n')
    assert result.exit_code == code, result.output
    assert words in result.output


def test_coverage_and_lint_agree_on_a_row_that_only_conflicts() -> None:
    # lint reports `overlap` as a conflict, never as unreachable; coverage says the same.
    from click.testing import CliRunner
    from crossroads.cli.main import cli

    path = str(EXAMPLES / "conflicting-row.yaml")
    lint = json.loads(CliRunner().invoke(cli, ["lint", path, "--format", "json"]).stdout)["findings"]
    assert [(f["code"], f["rules"]) for f in lint] == [("conflict", ["low", "overlap"])]
    report = json.loads(CliRunner().invoke(cli, ["test", "--coverage", "--format", "json", path]).stdout)
    (file_report,) = report["files"]
    cov = file_report["coverage"]
    assert cov["unreachable"] == [] and cov["conflicting"] == ["overlap"]
    text = CliRunner().invoke(cli, ["test", "--coverage", path]).stdout
    assert "overlap (always conflicts: see lint)" in text and "unreachable" not in text
