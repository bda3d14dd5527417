"""The Python API (``import crossroads``): the README's examples run, and every entry validates."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO

import crossroads

BUNDLED = "rag-or-fine-tune"


def _readme_examples() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))


def test_the_readme_examples_run() -> None:
    examples = _readme_examples()
    assert examples.count(">>>") > 10
    test = doctest.DocTestParser().get_doctest(examples, {}, "README Python API", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries == examples.count(">>>")


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"change": "knowlege"}, "change: unknown option 'knowlege'"),  # a typo decided no-match before
        ({"examples": -5}, "examples: -5 is out of range"),  # below minimum decided rag before
        ({"examples": True}, "examples: expected a whole number"),  # True was the number 1
        ({"examples": "lots"}, "examples: expected a whole number"),
        ({"examples": 3.5}, "examples: expected a whole number"),
        ({"citations": 1}, "citations: expected true or false"),
        ({"mood": "sad"}, "unknown input 'mood'"),
        ({"change": None}, "change: null is not an answer"),
    ],
)
@pytest.mark.parametrize("call", ["evaluate", "decide"])
def test_bad_answers_raise_answer_error(answers: dict, message: str, call: str) -> None:
    table = crossroads.load(BUNDLED)
    with pytest.raises(crossroads.AnswerError, match=re.escape(message)):
        getattr(table, call)(answers)
    assert issubclass(crossroads.AnswerError, ValueError)


def test_complete_answers_decide_as_the_cli() -> None:
    table = crossroads.load(BUNDLED)
    answers = {"change": "behaviour", "freshness": "static", "citations": False, "examples": "1000", "budget": "tight"}
    assert table.decide(answers) == ("decided", "fine-tune", "behaviour-static-enough-data", ("fine-tune",))
    assert table.decide_parsed(table.parse(answers)) == table.decide(answers)
    assert table.parse({"examples": Decimal("1000.0")}) == {"examples": 1000}


def test_result_json_is_the_cli_json() -> None:
    import json

    from click.testing import CliRunner
    from crossroads.cli.main import cli

    table = crossroads.load(BUNDLED)
    got = table.evaluate({"change": "both", "examples": 12}).to_json()
    cli_json = json.loads(
        CliRunner().invoke(cli, ["evaluate", "-a", "change=both", "-a", "examples=12", "--format", "json"]).stdout
    )
    assert got == cli_json


def test_lint_equals_the_cli(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner
    from crossroads.cli.main import cli

    folder = REPO / "tests" / "fixtures" / "formats"
    findings = [f.to_json() for f in crossroads.lint(folder)]
    cli_json = json.loads(CliRunner().invoke(cli, ["lint", str(folder), "--format", "json"]).stdout)["findings"]
    assert findings == cli_json and findings


def test_loads_and_errors_carry_every_finding() -> None:
    with pytest.raises(crossroads.TableError) as exc:
        crossroads.loads("format: crossroads/1\nid: t\n", name="t.yaml")
    assert exc.value.findings and all(f.file == "t.yaml" and f.line for f in exc.value.findings)
    with pytest.raises(crossroads.TableNotFound):
        crossroads.load("no-such-table")


def test_library_calls_write_nothing_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    crossroads.load(BUNDLED).evaluate({})
    assert not any(tmp_path.iterdir())
    crossroads.load(BUNDLED, cache=True)
    assert any((tmp_path / "crossroads").iterdir())


def test_outputs_are_one_call() -> None:
    table = crossroads.load(BUNDLED)
    from crossroads.engine.outputs.overview import overview
    from crossroads.engine.outputs.page import render_page

    assert table.page("zh") == render_page(table.compiled, "zh", generator_version=crossroads.__version__)
    assert table.overview() == overview(table.compiled)
    assert [(r.id, r.then) for r in table.rules][:2] == [
        ("knowledge-needs-retrieval", "rag"),
        ("too-few-examples", "rag"),
    ]


def test_rules_and_outputs_of_a_table_with_values() -> None:
    from conftest import FIXTURES

    table = crossroads.load(FIXTURES / "walk" / "shipping.yaml")
    assert [o.id for o in table.outputs] == ["fee", "carrier"] and crossroads.load(BUNDLED).outputs == ()
    assert [(r.id, r.then) for r in table.rules] == [
        ("heavy-abroad", {"fee": 49.5, "carrier": "express"}),
        ("light", "standard-delivery"),
    ]


CLASH = """\
format: crossroads/1
id: clash
version: 1.0.0
title: Clash
hit_policy: unique
inputs:
  - {id: n, prompt: How many?, type: integer}
outcomes:
  - {id: few, title: Few}
  - {id: five, title: Five}
rules:
  - {id: few, when: {n: "< 10"}, then: few}
  - {id: five, when: {n: "== 5"}, then: five}
"""


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"n": 3}, "few"),
        ({"n": "3"}, "few"),  # the forms a batch line accepts
        ({"n": True}, "n: expected a whole number, got true"),
        ({"m": 1}, "unknown input 'm'; inputs: n"),
        ([("n", 3)], "answers must be a mapping of input id to answer, not list"),
        ({"n": 5}, crossroads.HitPolicyViolation),
    ],
)
def test_evaluate_many_yields_each_result_or_its_error(answers: object, expected: object) -> None:
    table = crossroads.loads(CLASH)
    (item, after) = table.evaluate_many([answers, {"n": 4}])  # type: ignore[list-item]
    assert isinstance(after, crossroads.Result) and after.outcome == "few"  # one bad set never stops the rest
    if expected == "few":
        assert isinstance(item, crossroads.Result) and item.outcome == "few"
    elif isinstance(expected, str):
        assert isinstance(item, crossroads.AnswerError) and str(item) == expected
    else:
        assert isinstance(item, expected)  # type: ignore[arg-type]
