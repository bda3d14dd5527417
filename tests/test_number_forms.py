"""Richer number and date conditions (issue 19): ``"!= N"``, lists (any of) and ``{not: ...}``.

Each form is parsed to its exact set (an ``Interval`` when the union is one, else an
``IntervalSet``), each bad form is a positioned error, and the compiled column (several
``Runs`` per row, the ``SegmentIndex`` at every checkpoint step) answers exactly as the
condition itself does, through the cache too.
"""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import compile_yaml

from crossroads.engine.decision.evaluate import evaluate
from crossroads.engine.errors import TableError
from crossroads.engine.table import cache, compiler, dates
from crossroads.engine.table import conditions as cond
from crossroads.engine.table.conditions import Interval, IntervalSet

INF = None


def iv(lo: Any, lo_closed: bool, hi: Any, hi_closed: bool) -> Interval:
    return Interval(lo, lo_closed, hi, hi_closed)


def point(n: Any) -> Interval:
    return Interval(n, True, n, True)


@pytest.mark.parametrize(
    "raw, expected, text",
    [
        ("!= 5", IntervalSet((iv(INF, False, 5, False), iv(5, False, INF, False))), "!= 5"),
        ({"not": 5}, IntervalSet((iv(INF, False, 5, False), iv(5, False, INF, False))), "!= 5"),
        ((1, 2), IntervalSet((point(1), point(2))), "[1, 2]"),
        ((1, 2, 5), IntervalSet((point(1), point(2), point(5))), "[1, 2, 5]"),
        ((">= 60", "< 18"), IntervalSet((iv(INF, False, 18, False), iv(60, True, INF, False))), '["< 18", ">= 60"]'),
        ((1, 2, "(5, 10]"), IntervalSet((point(1), point(2), iv(5, False, 10, True))), '[1, 2, "(5, 10]"]'),
        ({"not": "[1, 5)"}, IntervalSet((iv(INF, False, 1, False), iv(5, True, INF, False))), '["< 1", ">= 5"]'),
        (
            {"not": (1, 2)},
            IntervalSet((iv(INF, False, 1, False), iv(1, False, 2, False), iv(2, False, INF, False))),
            '["< 1", "(1, 2)", "> 2"]',
        ),
        # a union that is one interval is that interval, as written the plain way
        ((1, "[1, 3]", "(3, 4]"), iv(1, True, 4, True), "[1, 4]"),
        (("[1, 2)", 2), iv(1, True, 2, True), "[1, 2]"),
        ((">= 5", "< 6"), iv(INF, False, INF, False), "any"),
        ({"not": "!= 5"}, point(5), "5"),
        ({"not": "< 3"}, iv(3, True, INF, False), ">= 3"),
        ((3,), point(3), "3"),
        ((Decimal("0.1"), Decimal("0.10")), point(Decimal("0.1")), "0.1"),
        # (1, 2) and (2, 3) do not touch: 2 lies between them
        (("(1, 2)", "(2, 3)"), IntervalSet((iv(1, False, 2, False), iv(2, False, 3, False))), '["(1, 2)", "(2, 3)"]'),
    ],
)
def test_number_forms(raw: Any, expected: Any, text: str) -> None:
    got = cond.parse("number", raw)
    assert got == expected
    assert not isinstance(got, str) and got.text() == text
    if text != "any":  # the text reads back as the same condition: a set as a YAML list, an interval as its string
        assert (
            cond.parse(
                "number", _written(text) if isinstance(expected, IntervalSet) and text[0] == "[" else _scalar(text)
            )
            == expected
        )


def _scalar(text: str) -> Any:
    n = cond.parse_number(text)
    return cond.exact(n) if n is not None else text


def _written(text: str) -> Any:
    from ruamel.yaml import YAML

    value = YAML(typ="safe").load(f"x: {text}")["x"]
    return tuple(Decimal(str(v)) if isinstance(v, float) else v for v in value)


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"not": {"not": 1}}, "{not: ...} does not nest"),
        ((), "an empty list matches nothing"),
        (((1, 2),), "a list holds numbers and condition strings, not a list"),
        ((1, "abc"), 'cannot read condition "abc"'),
        ((1, True), "a numeric input takes a number"),
        ((1, "[5, 3]"), "reversed bounds"),
        ({"not": (">= 5", "< 6")}, "matches nothing"),
        ({"not": "any"}, 'cannot read condition "any"'),
        ("!= abc", 'cannot read condition "!= abc"'),
        ((1, "2"), '"2" is a string'),
    ],
)
def test_bad_number_forms(raw: Any, message: str) -> None:
    got = cond.parse("integer", raw)
    assert isinstance(got, str) and message in got, got


D = dates.day


@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            "!= 2025-01-01",
            IntervalSet((iv(INF, False, D(date(2025, 1, 1)), False), iv(D(date(2025, 1, 1)), False, INF, False))),
        ),
        (("2025-01-01", "2025-02-01"), IntervalSet((point(D(date(2025, 1, 1))), point(D(date(2025, 2, 1)))))),
        (
            {"not": "[2025-01-01, 2025-04-01)"},
            IntervalSet((iv(INF, False, D(date(2025, 1, 1)), False), iv(D(date(2025, 4, 1)), True, INF, False))),
        ),
        (
            ("< 2020-01-01", ">= 2030-01-01"),
            IntervalSet((iv(INF, False, D(date(2020, 1, 1)), False), iv(D(date(2030, 1, 1)), True, INF, False))),
        ),
    ],
)
def test_date_forms(raw: Any, expected: Any) -> None:
    assert cond.parse("date", raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        (("2025-01-01", "2025-02-30"), "2025-02-30"),
        ({"not": {"not": "2025-01-01"}}, "does not nest"),
        (("2025-01-01", 5), "a date input takes a date"),
        ("!= 2025-1-5", "2025-1-5"),
    ],
)
def test_bad_date_forms(raw: Any, message: str) -> None:
    got = cond.parse("date", raw)
    assert isinstance(got, str) and message in got, got


# --- the column: several runs a row, every checkpoint step ------------------------------------------


def _random_spans(rng: random.Random, segments: int, rows: int) -> list[Any]:
    spans: list[Any] = []
    for _ in range(rows):
        t = rng.random()
        if t < 0.2:
            spans.append(None)
        elif t < 0.45:
            a = rng.randrange(segments)
            spans.append((a, rng.randrange(a, segments)))
        else:
            parts, pos = [], 0
            while pos < segments:
                a = rng.randrange(pos, segments)
                b = rng.randrange(a, segments)
                parts.append((a, b))
                pos = b + 2
                if rng.random() < 0.3:
                    break
            spans.append(compiler.Runs(tuple(parts)) if len(parts) > 1 else parts[0])
    return spans


@pytest.mark.parametrize("budget", [1, 3, 7, 10**9])
def test_segment_index_with_runs_equals_brute_force(budget: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row that stops and starts again between two checkpoints (the events of one batch) is still right."""
    monkeypatch.setattr(compiler, "CHECKPOINT_BITS", budget)
    monkeypatch.setattr(compiler, "CHECKPOINT_BITS_PER_ROW", 0)
    rng = random.Random(budget)
    for _ in range(400):
        segments, rows = rng.randint(1, 17), rng.randint(1, 9)
        spans = _random_spans(rng, segments, rows)
        index = compiler.SegmentIndex(segments, spans)
        want = [
            sum(1 << r for r, sp in enumerate(spans) if sp is None or any(a <= s <= b for a, b in compiler.runs_of(sp)))
            for s in range(segments)
        ]
        assert [index.mask(s) for s in range(segments)] == want, spans
        assert list(index) == want


TABLE = """format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
  - {id: age, type: integer, prompt: Age?, minimum: 0, maximum: 120}
  - {id: day, type: date, prompt: Day?}
outcomes: [{id: a, title: A}, {id: b, title: B}, {id: c, title: C}, {id: d, title: D}]
rules:
  - {id: r1, when: {age: [">= 60", "< 18"]}, then: a}
  - {id: r2, when: {age: [20, 22, "(30, 40]"], day: {not: "[2025-01-01, 2025-04-01)"}}, then: b}
  - {id: r3, when: {age: "!= 50", day: ["2025-02-01", "2025-03-01"]}, then: c}
  - {id: r4, when: {age: {not: [50, "[25, 27]"]}}, then: d}
"""


def _expected(age: int, day: date) -> str | None:
    if age >= 60 or age < 18:
        return "a"
    if (age in (20, 22) or 30 < age <= 40) and not date(2025, 1, 1) <= day < date(2025, 4, 1):
        return "b"
    if age != 50 and day in (date(2025, 2, 1), date(2025, 3, 1)):
        return "c"
    if age != 50 and not 25 <= age <= 27:
        return "d"
    return None


def test_compiled_table_decides_as_the_conditions_say() -> None:
    compiled = compile_yaml(TABLE)
    age = compiled.columns[0]
    assert isinstance(age, compiler.NumberColumn) and isinstance(compiled.columns[1], compiler.DateColumn)
    assert isinstance(age.spans[0], compiler.Runs) and isinstance(age.spans[1], compiler.Runs)
    again = cache.from_json(json.loads(json.dumps(cache.to_json(compiled))))
    assert again == compiled
    days = [
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
        date(2025, 3, 31),
        date(2025, 4, 1),
    ]
    for a in range(0, 121):
        for d in days:
            want = _expected(a, d)
            for table in (compiled, again):
                got = evaluate(table, {"age": a, "day": d})
                assert got.outcome == want, (a, d, got)


def test_single_interval_tables_compile_as_before() -> None:
    """A list whose union is one interval keeps one span, as a table without the new forms."""
    compiled = compile_yaml(TABLE.replace('[">= 60", "< 18"]', '[">= 60", "> 70"]'))
    span = compiled.columns[0].spans[0]  # type: ignore[union-attr]
    assert type(span) is tuple and span[1] == 2 * len(compiled.columns[0].points)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "edit",
    [
        lambda rows: rows.__setitem__(0, [[0, 1], [1, 3]]),  # overlapping runs
        lambda rows: rows.__setitem__(0, [[0, 1], [2, 3]]),  # adjacent runs
        lambda rows: rows.__setitem__(0, [[0, 1]]),  # one run written as several
        lambda rows: rows.__setitem__(0, [[0, 1], [3, 99]]),  # past the last segment
        lambda rows: rows.__setitem__(0, [[0, 1], [3, True]]),
    ],
)
def test_the_cache_refuses_runs_the_compiler_would_not_write(edit: Any) -> None:
    body = cache.to_json(compile_yaml(TABLE))
    edit(body["columns"][0]["rows"])
    with pytest.raises(cache.Invalid):
        cache.from_json(json.loads(json.dumps(body)))


def test_a_bad_form_in_a_table_is_a_positioned_bad_condition() -> None:
    with pytest.raises(TableError) as exc:
        compile_yaml(TABLE.replace('"!= 50"', '[1, "about 5"]'))
    (finding,) = exc.value.findings
    assert (
        finding.code == "bad-condition" and finding.line == 13 and 'cannot read condition "about 5"' in finding.message
    )


# --- analysis, diff, fmt ---------------------------------------------------------------------------

HEADER = "format: crossroads/1\nid: t\nversion: {version}\ntitle: T\nhit_policy: first\n"
AGE = "inputs:\n  - {{id: age, type: integer, prompt: Age?, minimum: 0, maximum: 120}}\n  - {{id: vip, type: boolean, prompt: VIP?}}\n"


def _table(rules: str, version: str = "1.0.0", default: str = "") -> str:
    return (
        HEADER.format(version=version)
        + AGE.format()
        + "outcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        + default
        + "rules:\n"
        + rules
    )


def _run(*args: str) -> Any:
    from click.testing import CliRunner

    from crossroads.cli.main import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_diff_of_a_row_whose_condition_becomes_a_union(tmp_path: Any) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(_table('  - {id: r1, when: {age: ">= 18"}, then: a}\n  - {id: r2, then: b}\n'))
    new.write_text(
        _table(
            '  - {id: r1, when: {age: [">= 18", "< 5"], vip: false}, then: a}\n  - {id: r2, then: b}\n'.replace(
                "{not: true}", "false"
            ),
            "2.0.0",
        )
    )
    data = json.loads(_run("diff", str(old), str(new), "--format", "json").stdout)
    changes = {(c["region"], c["old"], c["new"]) for c in data["changes"]}
    assert changes == {('age: "< 5", vip: false', "b", "a"), ('age: ">= 18", vip: true', "a", "b")}
    for c in data["changes"]:  # every example is re-checked by evaluation
        for path, want in ((old, c["old"]), (new, c["new"])):
            answers = [f"{k}={str(v).lower()}" for k, v in c["example"].items()]
            r = _run("evaluate", str(path), *[x for a in answers for x in ("-a", a)], "--format", "json")
            assert json.loads(r.stdout)["outcome"] == want


def test_diff_when_a_point_is_taken_out(tmp_path: Any) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(_table('  - {id: r1, when: {age: ">= 18"}, then: a}\n'))
    new.write_text(_table('  - {id: r1, when: {age: {not: [30, "< 18"]}}, then: a}\n', "2.0.0"))
    data = json.loads(_run("diff", str(old), str(new), "--format", "json").stdout)
    assert [(c["region"], c["example"]["age"], c["old"], c["new"]) for c in data["changes"]] == [
        ("age: 30", 30, "a", None)
    ]


def test_equal_union_rows_merge_on_another_input_but_a_union_is_not_merged_on_its_own() -> None:
    from crossroads.engine.analysis.rows import analyse

    text = _table(
        '  - {id: r1, when: {age: [">= 60", "< 18"], vip: true}, then: a}\n'
        '  - {id: r2, when: {age: [">= 60", "< 18"], vip: false}, then: a}\n'
        "  - {id: r3, when: {age: [20, 22], vip: true}, then: b}\n"
        '  - {id: r4, when: {age: "[23, 25]", vip: true}, then: b}\n'
    )
    findings = [f for f in analyse(compile_yaml(text)) if f.code == "mergeable"]
    assert [(f.rules, f.message.split("can be one row with ")[1]) for f in findings] == [
        (("r1", "r2"), "no condition on vip")
    ]


def test_fmt_keeps_the_forms_exactly_as_written() -> None:
    from crossroads.engine.authoring.formatter import format_text

    rules = (
        '  - id: r1\n    when: {age: [1.50, 2, "( 5,10]", "!=  3"]}\n    then: a\n'
        '  - id: r2\n    when: {age: {not: [1.0, ">= 7"]}}\n    then: a\n'
        "  - id: r3\n    when: {age: {not: 4}, vip: true}\n    then: b\n"
    )
    text = (
        _table(rules)
        .replace(
            "inputs:\n  - {id: age, type: integer, prompt: Age?, minimum: 0, maximum: 120}\n  - {id: vip, type: boolean, prompt: VIP?}\n",
            "inputs:\n  - id: age\n    prompt: Age?\n    type: number\n  - id: vip\n    prompt: VIP?\n    type: boolean\n",
        )
        .replace(
            "outcomes: [{id: a, title: A}, {id: b, title: B}]\n",
            "outcomes:\n  - id: a\n    title: A\n  - id: b\n    title: B\n",
        )
    )
    assert format_text(text) == text


# --- lint: a list of two bare values reads like an interval --------------------------------------


@pytest.mark.parametrize(
    "kind, when, warned",
    [
        ("integer", "[1, 2]", True),
        ("number", "[2.5, 1]", True),
        ("date", "[2025-01-01, 2025-03-31]", True),
        ("date", '[2025-01-01, "2025-03-31"]', True),  # quoted or not, a bare date is one value
        ("integer", '"[1, 2]"', False),  # the interval
        ("integer", "[1, 2, 3]", False),
        ("integer", '[1, "== 2"]', False),  # a condition string: a list on purpose
        ("integer", '["== 1", "== 2"]', False),
        ("integer", "{not: [1, 2]}", False),  # inside {not: ...} the list is plainly a list
        ("integer", "[1]", False),
        ("date", '[2025-01-01, ">= 2025-03-31"]', False),
    ],
)
def test_two_value_list_warning(kind: str, when: str, warned: bool, tmp_path: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        HEADER.format(version="1.0.0")
        + f"inputs:\n  - {{id: v, type: {kind}, prompt: V?}}\n"
        + "outcomes: [{id: a, title: A}]\ndefault: a\nrules:\n"
        + f"  - {{id: r1, when: {{v: {when}}}, then: a}}\n"
    )
    r = _run("lint", str(path), "--format", "json")
    findings = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "two-value-list"]
    if not warned:
        assert findings == []
        return
    (f,) = findings
    assert (f["severity"], f["line"], f["column"]) == ("warning", 11, 24)
    assert "is a list of two values" in f["message"] and "quote it" in f["message"]
    assert r.exit_code == 0


def test_two_value_list_is_explained() -> None:
    r = _run("explain", "two-value-list")
    assert r.exit_code == 0 and "two-value-list (warning)" in r.stdout and '"[1, 2]"' in r.stdout


@pytest.mark.parametrize(
    ("a", "b", "expected", "empty"),
    [
        ((None, False, 300, False), (0, True, None, False), (0, True, 300, False), False),  # "< 300" within >= 0
        ((1, False, 5, True), (1, True, 5, True), (1, False, 5, True), False),  # the open end at the bound stays open
        ((1, True, 5, True), (1, False, 9, False), (1, False, 5, True), False),
        ((None, False, 2, True), (3, True, None, False), (3, True, 2, True), True),  # disjoint
        ((None, False, 3, False), (3, True, 7, True), (3, True, 3, False), True),  # touching at an open end
    ],
)
def test_interval_intersection(a: tuple, b: tuple, expected: tuple, empty: bool) -> None:
    from crossroads.engine.table.conditions import Interval, is_empty

    got = Interval(*a).intersection(Interval(*b))
    assert (got.lo, got.lo_closed, got.hi, got.hi_closed) == expected
    assert is_empty(got) == empty
    assert got == Interval(*b).intersection(Interval(*a))
