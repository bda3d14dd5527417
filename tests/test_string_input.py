"""Free-text (``type: string``) inputs: validation, answers, the compiled column, evaluation, the CLI.

Strings are compared exactly (case and spaces count, the empty string is a value); every string
no row names is one class, whose witness is the first of ``other``, ``other-2``, ... not named.
The random-table properties (oracle, page, SQL) cover string inputs through ``tests/strategies.py``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import compile_yaml

from crossroads.cli.main import cli
from crossroads.engine.decision.evaluate import decide, evaluate
from crossroads.engine.errors import AnswerError, TableError
from crossroads.engine.table import cache
from crossroads.engine.table.answers import parse_answers, parse_pairs, parse_text, parse_value
from crossroads.engine.table.compiler import InputSpec, TextColumn, other_witness

COUNTRY = Path(__file__).parent / "fixtures" / "strings" / "country.yaml"
SPEC = InputSpec("country", "string", "Country?")

HEAD = "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"


def table(when: str, *, extra_inputs: str = "", policy: str = "first", default: str = "") -> str:
    return (
        HEAD.replace("first", policy)
        + default
        + f"inputs: [{{id: country, prompt: Country?, type: string}}{extra_inputs}]\n"
        + "outcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        + f"rules:\n  - {{id: r1, when: {when}, then: a}}\n  - {{id: r2, then: b}}\n"
    )


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


# -- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, fragment",
    [
        (
            "{country: 12}",
            'the number 12 is not a string: YAML reads it unquoted as a number; quote it to mean the text: "12"',
        ),
        (
            "{country: true}",
            'a boolean is not a string: YAML reads it unquoted as a boolean; quote it to mean the text: "true"',
        ),
        ("{country: [NL, 1.5]}", "the number 1.5 is not a string: YAML reads it unquoted as a number"),
        ("{country: []}", "not a condition"),  # as for a choice input
        ("{country: {not: []}}", "not a condition"),
        ("{country: {not: {not: NL}}}", "rules[0].when.country"),  # not does not nest
    ],
)
def test_a_string_condition_that_is_not_text_is_a_positioned_error(when: str, fragment: str) -> None:
    with pytest.raises(TableError) as exc:
        compile_yaml(table(when))
    findings = exc.value.findings
    assert any(fragment in f.message for f in findings), [f.message for f in findings]
    assert all(f.line == 9 for f in findings), [(f.line, f.message) for f in findings]
    assert {f.code for f in findings} <= {"bad-condition", "schema"}


def test_an_unquoted_number_is_bad_condition_naming_the_rule() -> None:
    with pytest.raises(TableError) as exc:
        compile_yaml(table("{country: 12}"))
    (f,) = exc.value.findings
    assert (f.code, f.line, f.rules) == ("bad-condition", 9, ("r1",))
    assert f.message.startswith("rule 'r1', country: the number 12 is not a string")


@pytest.mark.parametrize("key", ["options: [{id: NL}]", "minimum: 1", "maximum: 2"])
def test_a_string_input_takes_no_options_nor_bounds(key: str) -> None:
    text = table("{country: NL}").replace("type: string}", f"type: string, {key}}}")
    with pytest.raises(TableError) as exc:
        compile_yaml(text)
    assert exc.value.findings[0].code == "schema"


@pytest.mark.parametrize(
    "when", ['{country: "12"}', "{country: ''}", '{country: [NL, "", " nl "]}', "{country: {not: NL}}"]
)
def test_quoted_and_listed_strings_are_valid(when: str) -> None:
    compile_yaml(table(when))


# -- answers ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NL", "nl", " NL ", "", "a=b", "ünï", "12", "true", "'quoted'"])
def test_a_typed_answer_is_the_text_verbatim(text: str) -> None:
    assert parse_text(SPEC, text) == text
    assert parse_value(SPEC, text) == text
    assert parse_pairs({"country": SPEC}, [f"country={text}"]) == {"country": text}


@pytest.mark.parametrize(
    "value, got", [(12, "got 12"), (Decimal("1.5"), "got 1.5"), (True, "got true"), (False, "got false")]
)
def test_a_non_string_answer_is_an_error_naming_the_input(value: Any, got: str) -> None:
    with pytest.raises(AnswerError) as exc:
        parse_value(SPEC, value)
    assert str(exc.value) == f"country: expected a string (any text), {got}"
    assert exc.value.input_id == "country"


def test_null_is_not_a_string_answer() -> None:
    with pytest.raises(AnswerError, match="country: null is not an answer"):
        parse_answers({"country": SPEC}, {"country": None})


# -- the column and evaluation ----------------------------------------------------------


def test_the_column_maps_named_strings_and_the_other_class() -> None:
    t = compile_yaml(COUNTRY.read_text())
    column = t.columns[0]
    assert isinstance(column, TextColumn)
    assert column.table == {"NL": 0b001, "BE": 0b110, "LU": 0b110}
    assert column.other == 0b100  # heavy-abroad's {not: NL}
    assert column.lookup("nl") == column.lookup("") == column.lookup("NL ") == 0b100
    assert (column.every, column.some) == (0, 0b111)


@pytest.mark.parametrize(
    "country, weight, outcome",
    [
        ("NL", 5, "domestic"),
        ("NL", 50, "domestic"),
        ("nl", 50, "heavy"),  # case counts
        (" NL", 5, "world"),  # spaces count
        ("", 5, "world"),  # the empty string is a value
        ("", 25, "heavy"),
        ("BE", 25, "benelux"),
        ("LU", 1, "benelux"),
    ],
)
def test_strings_are_compared_exactly(country: str, weight: int, outcome: str) -> None:
    t = compile_yaml(COUNTRY.read_text())
    assert evaluate(t, {"country": country, "weight": weight}).outcome == outcome
    assert decide(t, {"country": country, "weight": weight}).outcome == outcome


def test_partial_answers_know_the_other_class() -> None:
    t = compile_yaml(COUNTRY.read_text())
    r = evaluate(t, {"weight": 3})
    assert (r.status, r.possible, r.exact) == ("undecided", ("domestic", "benelux", "world"), True)
    r = evaluate(t, {"weight": 30})
    assert set(r.possible) == {"domestic", "benelux", "heavy"}
    assert evaluate(t, {"country": "NL"}).outcome == "domestic"  # decided early, weight unasked


def test_the_cache_round_trips_a_string_column() -> None:
    t = compile_yaml(COUNTRY.read_text())
    again = cache.from_json(json.loads(json.dumps(cache.to_json(t))))
    assert again == t


def test_a_tampered_string_column_is_invalid() -> None:
    body = cache.to_json(compile_yaml(COUNTRY.read_text()))
    body["columns"][0]["strings"] = ["NL", "NL", "LU"]
    with pytest.raises(cache.Invalid):
        cache.from_json(body)


@pytest.mark.parametrize(
    "named, witness",
    [((), "other"), (("NL",), "other"), (("other",), "other-2"), (("other", "other-2", "other-4"), "other-3")],
)
def test_the_other_witness_is_the_first_unnamed_of_other_other_2(named: tuple[str, ...], witness: str) -> None:
    assert other_witness(named) == witness


# -- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, expected",
    [
        (["-a", "country=nl", "-a", "weight=30"], "heavy"),
        (["-a", "country=", "-a", "weight=1"], "world"),
        (["-a", "country= NL", "-a", "weight=1"], "world"),
        (["-a", "country=NL"], "domestic"),
    ],
)
def test_evaluate_takes_the_text_after_the_equals_sign_verbatim(args: list[str], expected: str) -> None:
    r = run("evaluate", str(COUNTRY), *args, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["outcome"] == expected


def test_an_answers_file_number_for_a_string_input_is_a_one_line_error(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"country": 31, "weight": 1}')
    r = CliRunner().invoke(cli, ["evaluate", str(COUNTRY), "--answers", str(answers)])
    assert r.exit_code == 2
    assert "country: expected a string (any text), got 31" in r.output
    assert "Traceback" not in r.output


def test_batch_compares_strings_exactly_and_reports_bad_lines() -> None:
    lines = ['{"country": "BE", "weight": 1}', '{"country": "be", "weight": 1}', '{"country": 1, "weight": 1}']
    r = run("batch", str(COUNTRY), "--input", "-", input="\n".join(lines) + "\n")
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o.get("outcome") for o in out[:2]] == ["benelux", "world"]
    assert "country: expected a string" in json.dumps(out[2])


def test_ask_takes_a_free_text_line_as_typed_and_an_empty_line_as_the_empty_string() -> None:
    r = run("ask", str(COUNTRY), input="\n3\n")
    assert r.exit_code == 0, r.output
    assert "[any text] > " in r.output and "empty line to answer the empty string" in r.output
    assert "Rest of the world" in r.output
    r = run("ask", str(COUNTRY), input=" NL\n3\n")
    assert "Rest of the world" in r.output  # " NL" is not "NL"
    r = run("ask", str(COUNTRY), input="NL\n")
    assert r.exit_code == 0 and "Domestic" in r.output  # decided: weight is not asked


def test_lint_reports_the_other_class_gap_with_a_witness_that_evaluates_to_no_match(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(COUNTRY.read_text().replace("default: world\n", ""))
    r = run("lint", str(path))
    assert r.exit_code == 1
    assert 'no row matches country: {not: [NL, BE, LU]}, weight: "<= 20" (e.g. country=other, weight=19)' in r.output
    t = compile_yaml(path.read_text())
    assert evaluate(t, {"country": "other", "weight": 19}).status == "no-match"


# -- diff, fmt, show, test --generate ---------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_diff_names_the_strings_whose_result_changes_and_asks_for_a_major_bump(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.yaml", COUNTRY.read_text())
    new_text = COUNTRY.read_text().replace("[BE, LU]", "[BE, LU, DE]").replace("1.0.0", "1.1.0")
    new = _write(tmp_path, "new.yaml", new_text)
    r = run("diff", str(old), str(new))
    assert "country=DE, weight <= 20: world → benelux" in r.stdout
    assert "country=DE, weight > 20: heavy → benelux" in r.stdout
    assert "major required" in r.stdout
    assert "option" not in r.stdout  # naming a new string is no option change
    t_old, t_new = compile_yaml(old.read_text()), compile_yaml(new_text)
    for weight, before, after in ((19, "world", "benelux"), (21, "heavy", "benelux")):
        answers = {"country": "DE", "weight": weight}
        assert (evaluate(t_old, answers).outcome, evaluate(t_new, answers).outcome) == (before, after)


def test_diff_of_the_other_class_is_written_as_a_negation(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.yaml", table("{country: NL}"))
    new = _write(tmp_path, "new.yaml", table("{country: {not: BE}}").replace("1.0.0", "2.0.0"))
    r = run("diff", str(old), str(new), "--format", "json")
    data = json.loads(r.stdout)
    assert [(c["region"], c["example"], c["old"], c["new"]) for c in data["changes"]] == [
        ("country: {not: [NL, BE]}", {"country": "other"}, "b", "a")
    ]
    t_old, t_new = compile_yaml(old.read_text()), compile_yaml(new.read_text())
    for change in data["changes"]:
        answers = change["example"]
        assert evaluate(t_old, answers).outcome != evaluate(t_new, answers).outcome


def test_fmt_places_a_string_input_like_any_other_and_keeps_its_strings(tmp_path: Path) -> None:
    messy = (
        HEAD + "inputs:\n  - type: string\n    id: country\n    prompt: Country?\n"
        "outcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        "rules:\n  - {then: a, id: r1, when: {country: [' NL', \"it's\", '']}}\n  - {id: r2, then: b}\n"
    )
    path = _write(tmp_path, "t.yaml", messy)
    r = run("fmt", str(path))
    assert r.exit_code == 0, r.output
    out = path.read_text()
    assert "  - id: country\n    prompt: Country?\n    type: string\n" in out
    before, after = compile_yaml(messy), compile_yaml(out)
    assert before.columns == after.columns


def test_show_lists_the_question_and_the_rows_conditions() -> None:
    r = run("show", str(COUNTRY))
    assert "Destination country code  [country]" in r.stdout
    assert "Answer: any text" in r.stdout
    assert "near: country: [BE, LU]" in r.stdout
    assert "heavy-abroad: country: not NL" in r.stdout


def test_generate_uses_the_other_witness_and_every_example_passes(tmp_path: Path) -> None:
    text = (
        HEAD + "inputs: [{id: country, prompt: Country?, type: string}]\n"
        "outcomes: [{id: a, title: A}, {id: b, title: B}, {id: c, title: C}]\n"
        "rules:\n  - {id: r1, when: {country: [\"it's\", '']}, then: a}\n"
        "  - {id: r2, when: {country: {not: other}}, then: b}\n  - {id: r3, then: c}\n"
    )
    path = _write(tmp_path, "t.yaml", text)
    r = run("test", "--generate", str(path))
    assert r.exit_code == 0, r.output
    out = path.read_text()
    assert "{country: other-2}" in out and "{country: other}" in out and '{country: ""}' in out
    r = run("test", "--coverage", str(path))
    assert r.exit_code == 0 and "100.0%" in r.stdout
