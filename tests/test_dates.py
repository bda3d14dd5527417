"""Date inputs (``engine/table/dates.py``): one grammar, conditions over days, answers, validation.

``GRAMMAR`` is the list every engine is checked on: Python here, the guide
page's JavaScript in ``tests/test_page_browser.py`` and the SQL engines in
``tests/test_sql.py``, as ``tests/test_numbers.py`` does for numbers.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, compile_yaml
from crossroads.cli.main import cli
from crossroads.engine.analysis.lint import lint_source
from crossroads.engine.decision.evaluate import decide, evaluate
from crossroads.engine.errors import AnswerError
from crossroads.engine.table import answers, cache, conditions, dates
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import DateColumn, InputSpec, witness
from crossroads.engine.table.conditions import Interval

DUE = FIXTURES / "dates" / "due.yaml"

# (text, the date it is as an answer); None: refused
GRAMMAR: list[tuple[str, date | None]] = [
    ("2025-01-05", date(2025, 1, 5)),
    (" 2025-01-05 ", date(2025, 1, 5)),  # ASCII spaces around are ignored, as for numbers
    ("0001-01-01", date(1, 1, 1)),
    ("9999-12-31", date(9999, 12, 31)),
    ("2024-02-29", date(2024, 2, 29)),  # a leap day
    ("2000-02-29", date(2000, 2, 29)),
    ("1900-02-29", None),  # 1900 is no leap year
    ("2025-02-29", None),
    ("2025-02-30", None),
    ("2025-04-31", None),
    ("2025-13-01", None),
    ("2025-00-10", None),
    ("2025-01-00", None),
    ("0000-01-01", None),  # years 0001-9999
    ("10000-01-01", None),
    ("2025-1-5", None),
    ("2025-01-5", None),
    ("25-01-05", None),
    ("2025/01/05", None),
    ("20250105", None),
    ("2025-01-05T00:00", None),  # no times
    ("2025-01-05 00:00:00", None),
    ("2025-01-05Z", None),  # no time zones
    ("2025-01-05+01:00", None),
    ("-2025-01-05", None),
    ("+2025-01-05", None),
    ("２０２５-01-05", None),  # ASCII digits only
    ("\t2025-01-05", None),
    ("2025-01-05\n", None),
    ("\u00a02025-01-05", None),
    ("", None),
    (" ", None),
]
IDS = [repr(text)[:30] for text, _ in GRAMMAR]


@pytest.mark.parametrize("text, expected", GRAMMAR, ids=IDS)
def test_python_grammar(text: str, expected: date | None) -> None:
    assert dates.parse_date(text) == expected


def test_days_round_trip_at_the_ends() -> None:
    assert dates.day(date(1, 1, 1)) == dates.FIRST_DAY == 1
    assert dates.format_day(dates.LAST_DAY) == "9999-12-31"
    assert dates.format_day(dates.day(date(2024, 2, 29))) == "2024-02-29"


D = dates.day


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-01-05", Interval(D(date(2025, 1, 5)), True, D(date(2025, 1, 5)), True)),
        ("== 2025-01-05", Interval(D(date(2025, 1, 5)), True, D(date(2025, 1, 5)), True)),
        (">= 2025-01-01", Interval(D(date(2025, 1, 1)), True, None, False)),
        ("> 2025-01-01", Interval(D(date(2025, 1, 1)), False, None, False)),
        ("< 2025-03-31", Interval(None, False, D(date(2025, 3, 31)), False)),
        ("<=2025-03-31", Interval(None, False, D(date(2025, 3, 31)), True)),
        ("[2025-01-01, 2025-03-31)", Interval(D(date(2025, 1, 1)), True, D(date(2025, 3, 31)), False)),
        ("(2024-02-28,2024-03-01]", Interval(D(date(2024, 2, 28)), False, D(date(2024, 3, 1)), True)),
        ("[0001-01-01, 9999-12-31]", Interval(1, True, dates.LAST_DAY, True)),
    ],
)
def test_date_conditions(raw: str, expected: Interval) -> None:
    assert conditions.parse("date", raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("2025-1-5", "2025-1-5 is not a date: expected YYYY-MM-DD"),
        ("2025-02-30", "2025-02-30 is not a day of the calendar (years 0001-9999)"),
        ("0000-12-31", "0000-12-31 is not a day of the calendar"),
        ("2025-01-01T00:00", "2025-01-01T00:00 has a time: dates are days, YYYY-MM-DD, with no time or time zone"),
        (">= 2025-1-5", "2025-1-5 is not a date"),
        ("[2025-01-01, 2025-02-30)", "2025-02-30 is not a day of the calendar"),
        (
            "[2025-03-01, 2025-01-01]",
            'interval "[2025-03-01, 2025-01-01]" has reversed bounds (2025-03-01 > 2025-01-01)',
        ),
        ("(2025-01-01, 2025-01-01)", 'is empty; write "[2025-01-01, 2025-01-01]" or 2025-01-01 for a single day'),
        ("> 10", "10 is not a date"),
        ("soon or later", 'cannot read condition "soon or later": expected a date YYYY-MM-DD'),
        (20250105, "a date input takes a date YYYY-MM-DD"),
        (True, "a date input takes a date YYYY-MM-DD"),
        (("2025-01-01", ("2025-01-02",)), "a list holds dates and condition strings"),
        ((), "an empty list matches nothing"),
    ],
)
def test_bad_date_conditions(raw: object, message: str) -> None:
    got = conditions.parse("date", raw)
    assert isinstance(got, str) and message in got


def _table(inputs: str, rules: str, examples: str = "") -> str:
    return f"""format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
{inputs}
outcomes:
  - id: a
    title: A
  - id: b
    title: B
rules:
{rules}
  - id: rest
    then: b
{examples}"""


DUE_INPUT = "  - id: due\n    prompt: Due?\n    type: date\n"


@pytest.mark.parametrize(
    "inputs, rules, examples, expected",
    [
        (
            DUE_INPUT,
            '  - id: r\n    when: {due: "2025-1-5"}\n    then: a',
            "",
            ("bad-condition", '"2025-1-5"', "2025-1-5 is not a date"),
        ),
        (
            DUE_INPUT,
            "  - id: r\n    when: {due: 2025-02-30}\n    then: a",
            "",
            ("bad-condition", "2025-02-30", "not a day of the calendar"),
        ),
        # unquoted: never resolved as a YAML timestamp
        (
            DUE_INPUT,
            "  - id: r\n    when:\n      due: 2025-01-01T00:00:00Z\n    then: a",
            "",
            ("bad-condition", "2025-01-01T00:00:00Z", "has a time"),
        ),
        (
            DUE_INPUT,
            '  - id: r\n    when: {due: ">= 2025-13-01"}\n    then: a',
            "",
            ("bad-condition", '">= 2025-13-01"', "2025-13-01"),
        ),
        (DUE_INPUT, "  - id: r\n    when: {due: 5}\n    then: a", "", ("bad-condition", "5}", "not the number 5")),
        (
            DUE_INPUT + "    minimum: 2025-1-1\n",
            "  - id: r\n    when: {due: 2025-01-01}\n    then: a",
            "",
            ("bad-bounds", "2025-1-1", "input 'due': minimum 2025-1-1 is not a date"),
        ),
        (
            DUE_INPUT + "    minimum: 2025-02-01\n    maximum: 2025-01-31\n",
            "  - id: r\n    when: {due: 2025-01-01}\n    then: a",
            "",
            ("bad-bounds", "2025-01-31", "input 'due': minimum 2025-02-01 is after maximum 2025-01-31"),
        ),
        (
            DUE_INPUT,
            "  - id: r\n    when: {due: 2025-01-01}\n    then: a",
            "examples:\n  - answers: {due: 2025-1-1}\n    expect: a\n",
            ("bad-example", "2025-1-1}", "due: expected a date YYYY-MM-DD, got '2025-1-1'"),
        ),
        (
            DUE_INPUT + "    minimum: 2025-01-01\n",
            "  - id: r\n    when: {due: 2025-01-01}\n    then: a",
            "examples:\n  - answers: {due: 2024-12-31}\n    expect: a\n",
            (
                "bad-example",
                "2024-12-31}",
                "2024-12-31 is out of range: expected a date YYYY-MM-DD on or after 2025-01-01",
            ),
        ),
    ],
)
def test_validation_findings(inputs: str, rules: str, examples: str, expected: tuple[str, str, str]) -> None:
    """One error, of its code, positioned at the offending value (the source text found there)."""
    text = _table(inputs, rules, examples)
    found = [f for f in lint_source(tables.Source("t.yaml", text.encode())) if f.severity == "error"]
    code, at, message = expected
    assert [(f.code, message in f.message) for f in found] == [(code, True)], found
    line = text.splitlines()[found[0].line - 1]
    assert line[found[0].column - 1 :].startswith(at), (found[0], line)


def test_quoted_and_unquoted_dates_are_one() -> None:
    unquoted = compile_yaml(
        _table(DUE_INPUT + "    minimum: 2025-01-01\n", "  - id: r\n    when: {due: 2025-01-05}\n    then: a")
    )
    quoted = compile_yaml(
        _table(DUE_INPUT + '    minimum: "2025-01-01"\n', '  - id: r\n    when: {due: "2025-01-05"}\n    then: a')
    )
    assert unquoted.inputs == quoted.inputs and unquoted.columns == quoted.columns
    assert isinstance(unquoted.columns[0], DateColumn)
    assert unquoted.inputs[0].minimum == dates.day(date(2025, 1, 1))


SPEC = InputSpec("due", "date", "Due?", minimum=dates.day(date(2025, 1, 1)), maximum=dates.day(date(2025, 12, 31)))


@pytest.mark.parametrize(
    "text, expected",
    [("2025-01-05", date(2025, 1, 5)), (" 2025-12-31 ", date(2025, 12, 31))],
)
def test_answer_text(text: str, expected: date) -> None:
    assert answers.parse_text(SPEC, text) == expected
    assert answers.parse_value(SPEC, text) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("2025-1-5", "due: expected a date YYYY-MM-DD from 2025-01-01 to 2025-12-31, got '2025-1-5'"),
        ("2025-02-30", "due: expected a date YYYY-MM-DD from 2025-01-01 to 2025-12-31, got '2025-02-30'"),
        ("2025-01-05T10:00", "got '2025-01-05T10:00'"),
        ("2024-12-31", "due: 2024-12-31 is out of range: expected a date YYYY-MM-DD from 2025-01-01 to 2025-12-31"),
        ("2026-01-01", "due: 2026-01-01 is out of range"),
        (20250105, "got 20250105"),
        (True, "got true"),
    ],
)
def test_bad_answers(value: object, message: str) -> None:
    with pytest.raises(AnswerError) as exc:
        answers.parse_value(SPEC, value)
    assert message in str(exc.value)
    assert exc.value.input_id == "due"


def test_answer_json_and_python_date() -> None:
    assert answers.to_json(date(2025, 1, 5)) == "2025-01-05"
    assert answers.parse_value(SPEC, date(2025, 6, 1)) == date(2025, 6, 1)


@pytest.mark.parametrize(
    "day, outcome",
    [
        ("2024-12-31", "final"),
        ("2025-01-01", "gentle"),
        ("2025-03-31", "gentle"),
        ("2025-04-01", "none"),
        ("2028-02-28", "none"),
        ("2028-02-29", "final"),  # the leap-day row comes before "later"
        ("2028-03-01", "none"),
    ],
)
def test_evaluate_and_decide(day: str, outcome: str) -> None:
    t = tables.compiled(tables.Source(str(DUE), DUE.read_bytes()), use_cache=False)
    a = answers.parse_answers(t.input_index, {"due": day, "paid": False})
    assert a["due"] == date.fromisoformat(day)
    assert decide(t, a).outcome == evaluate(t, a).outcome == outcome
    assert evaluate(t, a).to_json()["answers"]["due"] == day


def test_witness_days() -> None:
    plain = InputSpec("due", "date", "Due?")
    jan1 = dates.day(date(2025, 1, 1))
    assert witness(plain, Interval(None, False, None, False)) == date(2000, 1, 1)
    assert witness(plain, Interval(jan1, False, None, False)) == date(2025, 1, 2)
    assert witness(plain, Interval(None, False, jan1, False)) == date(2024, 12, 31)
    assert witness(plain, Interval(jan1, False, jan1 + 1, False)) is None
    assert witness(plain, Interval(None, False, 1, False)) is None  # nothing before 0001-01-01
    assert witness(plain, Interval(dates.LAST_DAY, False, None, False)) is None
    assert witness(SPEC, Interval(None, False, None, False)) == date(2025, 1, 1)


def test_cache_round_trip(tmp_path: Path) -> None:
    t = tables.compiled(tables.Source(str(DUE), DUE.read_bytes()), use_cache=False)
    back = cache.from_json(json.loads(json.dumps(cache.to_json(t))))
    assert back.inputs == t.inputs and back.columns == t.columns
    assert isinstance(back.columns[0], DateColumn)


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_cli_evaluate() -> None:
    code, out = run("evaluate", str(DUE), "-a", "due=2025-01-05", "-a", "paid=no")
    assert code == 0 and out.startswith("A gentle reminder")
    code, out = run("evaluate", str(DUE), "-a", "due=2025-01-05", "--format", "json")
    data = json.loads(out)
    assert data["answers"] == {"due": "2025-01-05"} and data["possible"] == ["none", "gentle"]
    code, out = run("evaluate", str(DUE), "-a", "due=2025-1-5")
    assert code == 2 and "due: expected a date YYYY-MM-DD from 2020-01-01 to 2030-12-31, got '2025-1-5'" in out


def test_cli_answers_file_unquoted_date(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("due: 2024-06-30\npaid: false\n")
    code, out = run("evaluate", str(DUE), "--answers", str(f), "--format", "json")
    assert code == 0 and json.loads(out)["outcome"] == "final"
    f.write_text('{"due": "2025-02-01", "paid": false}')
    code, out = run("evaluate", str(DUE), "--answers", str(f), "--format", "json")
    assert json.loads(out)["outcome"] == "gentle"


def test_cli_lint_and_test() -> None:
    assert run("lint", str(DUE))[0] == 0
    code, out = run("test", str(DUE))
    assert code == 0 and "3 passed" in out


GAP = """format: crossroads/1
id: gap
version: 1.0.0
title: Gap
hit_policy: unique
inputs:
  - id: due
    prompt: Due?
    type: date
outcomes:
  - id: a
    title: A
  - id: b
    title: B
rules:
  - id: r1
    when: {due: "< 2025-01-01"}
    then: a
  - id: r2
    when: {due: "[2025-01-01, 2025-02-01)"}
    then: b
  - id: r3
    when: {due: "(2025-01-15, 2025-03-01]"}
    then: b
  - id: r4
    when: {due: "[2025-01-01, 2025-01-31]"}
    then: a
"""


def test_lint_words_dates(tmp_path: Path) -> None:
    f = tmp_path / "gap.yaml"
    f.write_text(GAP)
    code, out = run("lint", str(f))
    assert code == 1
    assert 'error gap: no row matches due: "> 2025-03-01" (e.g. due=2025-03-02)' in out
    assert 'mergeable: rows r1, r4 (→ a) differ only in due and can be one row with due: "<= 2025-01-31"' in out
    assert "conflict: rows r2 and r4 both match due=2025-01-01 (r2 → b, r4 → a)" in out
    code, out = run("lint", "--format", "json", str(f))
    examples = [x["example"] for x in json.loads(out)["findings"] if x["example"]]
    assert {"due": "2025-03-02"} in examples and {"due": "2025-01-01"} in examples
    code, out = run("lint", "--format", "sarif", str(f))
    assert '"2025-03-02"' in out


def test_ask_words_dates() -> None:
    code, out = run("ask", str(DUE), input="2025-1-5\n2025-02-10\nno\n")
    assert code == 0 and "\nA gentle reminder\n\nThis would change if …\n" in out
    assert '  - A final notice (final) if due < 2025-01-01 or due="2028-02-29"\n' in out
    assert "[a date YYYY-MM-DD from 2020-01-01 to 2030-12-31] > Not an answer to this question: '2025-1-5'" in out
    code, out = run("ask", "--lang", "zh", str(DUE), input="2025-02-10\nno\n")
    assert "[2020-01-01 到 2030-12-31 之间的日期（YYYY-MM-DD）]" in out


def test_show_words_dates() -> None:
    code, out = run("show", "--format", "json", str(DUE))
    due = json.loads(out)["questions"][0]
    assert (due["type"], due["minimum"], due["maximum"]) == ("date", "2020-01-01", "2030-12-31")
    code, out = run("show", str(DUE))
    assert "leap-day: due: 2028-02-29" in out and "first-quarter: due: [2025-01-01, 2025-04-01)" in out


def test_fmt_keeps_dates_as_written(tmp_path: Path) -> None:
    f = tmp_path / "due.yaml"
    f.write_text(DUE.read_text().replace("when: {due: 2028-02-29}", "when: {due:    2028-02-29}"))
    assert run("fmt", str(f))[0] == 0
    assert f.read_text() == DUE.read_text()  # plain dates stay plain, quoted ones quoted
    f.write_text(DUE.read_text().replace("title: No reminder", "title: No reminder\n    summary: 2025-01-01"))
    assert run("fmt", str(f))[0] == 0
    assert 'summary: "2025-01-01"' in f.read_text()  # a date-like text elsewhere keeps YAML 1.1 readers' quotes


def test_generate_writes_plain_dates(tmp_path: Path) -> None:
    f = tmp_path / "gap.yaml"
    f.write_text(GAP.replace("hit_policy: unique", "hit_policy: first"))
    code, out = run("test", "--generate", str(f))
    assert code == 0, out
    assert f.read_text().endswith(
        "examples:\n"
        "  - answers: {due: 2024-12-31}\n    expect: {outcome: a, rule: r1}\n"
        "  - answers: {due: 2025-01-01}\n    expect: {outcome: b, rule: r2}\n"
        "  - answers: {due: 2025-02-01}\n    expect: {outcome: b, rule: r3}\n"
    )
    assert run("test", str(f)) == (0, f"{f}: 3 examples: 3 passed, 0 failed\n3 passed, 0 failed\n")


def test_diff_words_dates(tmp_path: Path) -> None:
    new = tmp_path / "due2.yaml"
    new.write_text(
        DUE.read_text()
        .replace("version: 1.0.0", "version: 2.0.0")
        .replace('maximum: "2030-12-31"', 'maximum: "2029-12-31"')
        .replace('"[2025-01-01, 2025-04-01)"', '"[2025-01-01, 2025-04-15)"')
    )
    code, out = run("diff", str(DUE), str(new))
    assert "due in [2025-04-01, 2025-04-15), paid=false: none → gentle" in out
    assert "e.g. due=2025-04-01, paid=false" in out
    assert "Removed: ranges due: maximum 2030-12-31 → 2029-12-31" in out
    code, out = run("diff", "--format", "json", str(DUE), str(new))
    data = json.loads(out)
    assert data["changes"][0]["example"] == {"due": "2025-04-01", "paid": False}
    assert data["removed"]["ranges"] == ["due: maximum 2030-12-31 → 2029-12-31"]
    assert data["version"]["required"] == "major"


def test_batch_lines_and_the_library() -> None:
    code, out = run(
        "batch", str(DUE), input='{"due": "2025-01-05", "paid": false}\n{"due": "2025-02-30"}\n{"due": 20250105}\n'
    )
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["answers"] == {"due": "2025-01-05", "paid": False}
    assert first["conditions"] == [{"input": "due", "condition": "[2025-01-01, 2025-04-01)", "answer": "2025-01-05"}]
    assert second["error"] == "due: expected a date YYYY-MM-DD from 2020-01-01 to 2030-12-31, got '2025-02-30'"
    assert third["error"].endswith("got 20250105") and code == 1
    import crossroads

    table = crossroads.load(str(DUE))
    assert table.evaluate({"due": "2028-02-29", "paid": False}).outcome == "final"
    assert table.decide({"due": "2028-02-29", "paid": False}).rule == "leap-day"
