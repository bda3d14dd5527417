"""``FastLines``, the JSON Lines fast path: byte-identical to the exact path on every line.

The exact path is ``evaluate_line`` (``answers.loads`` with exact numbers, ``parse_answers``,
``evaluate``) and ``result_text``; the fast path fills templates cut from that path's own output.
Proven equal: on the bundled table's every case (frozen from the code before the fast path, in
``tests/fixtures/batch/``), on random tables with random answers, on near-JSON noise, and with
numbers no float holds (which must take the exact path).
"""

from __future__ import annotations

import io
import itertools
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, compile_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import strategies as gen
from oracle import Oracle, data_of
from crossroads.cli.main import cli
from crossroads.engine.decision.evaluate import RESULT_FIELDS
from crossroads.engine.outputs import jsonlines
from crossroads.engine.outputs.jsonlines import (
    ErrorLine,
    FastLines,
    evaluate_line,
    input_lines,
    parse_fields,
    result_text,
)
from crossroads.engine.table import pipeline

GOLDEN_IN = FIXTURES / "batch" / "advisor.jsonl"
GOLDEN_OUT = FIXTURES / "batch" / "advisor.out.jsonl"  # `crossroads batch` before the fast path (a09a464)
READERS = {"orjson": None, "stdlib": jsonlines._stdlib_loads}  # None: the default (orjson when installed)


@pytest.fixture(scope="module")
def advisor():  # noqa: ANN201
    return pipeline.compiled(pipeline.find("rag-or-fine-tune"), use_cache=False)


def exact_output(table: Any, data: bytes, fields: tuple[str, ...] | None = None) -> str:
    """The exact path, line by line: what ``batch`` wrote before the fast path."""
    out = []
    for line in input_lines(io.BytesIO(data)):
        item = evaluate_line(table, line)
        out.append(item.text if isinstance(item, ErrorLine) else result_text(item.result, fields))
    return "".join(t + "\n" for t in out)


def fast_output(table: Any, data: bytes, fields: tuple[str, ...] | None = None, loads: Any = None) -> str:
    return "".join(FastLines(table, fields, loads=loads).lines(io.BytesIO(data)))


def test_result_fields_are_to_json_keys(advisor) -> None:  # noqa: ANN001
    result = evaluate_line(advisor, jsonlines.InputLine(1, '{"change": "knowledge"}'))
    assert tuple(result.result.to_json()) == RESULT_FIELDS  # type: ignore[union-attr]


@pytest.mark.parametrize("reader", READERS)
def test_golden_every_case_of_the_bundled_table(advisor, reader: str) -> None:  # noqa: ANN001
    # The 486 cases of tests/test_bundled_table.py, then other forms, errors and partial answers.
    data = GOLDEN_IN.read_bytes()
    golden = GOLDEN_OUT.read_text(encoding="utf-8")
    assert fast_output(advisor, data, loads=READERS[reader]) == golden
    assert fast_output(advisor, data + data, loads=READERS[reader]) == exact_output(advisor, data + data)


@pytest.mark.parametrize("reader", READERS)
def test_the_486_cases_take_the_fast_path_once_learned(advisor, reader: str) -> None:  # noqa: ANN001
    lines = GOLDEN_IN.read_bytes().splitlines()[:486]
    fast = FastLines(advisor, loads=READERS[reader])
    list(fast.lines(io.BytesIO(b"\n".join(lines))))
    assert fast.template_count == len(advisor.rules)  # one per row: a unique table's masks
    texts = [fast.fast_text(line) for line in lines]
    assert None not in texts
    assert "".join(texts) == "".join(GOLDEN_OUT.read_text(encoding="utf-8").splitlines(keepends=True)[:486])


def test_cli_output_is_the_golden_file() -> None:
    r = CliRunner().invoke(cli, ["batch", "--input", str(GOLDEN_IN)])
    assert r.exit_code == 1  # some lines are errors
    assert r.stdout == GOLDEN_OUT.read_text(encoding="utf-8")


# -- exactness: numbers a float cannot hold never take the fast path --------------------------------

NUMBER_TABLE = """\
format: crossroads/1
id: amounts
version: 1.0.0
title: Amounts
hit_policy: first
inputs:
  - {id: amount, prompt: How much?, type: number}
  - {id: count, prompt: How many?, type: integer}
  - {id: note, prompt: Note?, type: string}
outcomes:
  - {id: small, title: Small}
  - {id: big, title: Big}
rules:
  - {id: tiny, when: {amount: "<= 0.1", count: "< 9007199254740993"}, then: small}
  - {id: exact, when: {amount: "== 0.30000000000000001"}, then: big}
  - {id: huge, when: {count: ">= 9007199254740993"}, then: big}
  - {id: rest, then: small}
"""


def long_decimals() -> st.SearchStrategy[str]:
    """Number texts a float does not hold exactly, or that are floats to a JSON reader."""
    digits = st.text("0123456789", min_size=17, max_size=40)
    return st.one_of(
        st.builds(lambda a, b: f"{a}.{b}", st.sampled_from(["0", "1", "-3", "299"]), digits),
        st.builds(lambda m, e: f"{m}e{e}", st.sampled_from(["1", "1.5", "-2", "3E"]), st.integers(-30, 30)).map(
            lambda s: s.replace("Ee", "E")
        ),
        st.integers(min_value=2**53 + 1, max_value=2**70).map(str),
        st.integers(min_value=-(2**70), max_value=-(2**53) - 1).map(str),
        st.sampled_from(["0.1", "0.30000000000000001", "1.0", "5.0", "1e2", "-0.0", "100E-2"]),
    )


@pytest.fixture(scope="module")
def amounts():  # noqa: ANN201
    return compile_yaml(NUMBER_TABLE)


@pytest.mark.parametrize("reader", READERS)
@given(amount=long_decimals(), count=long_decimals())
@settings(max_examples=150)
def test_numbers_no_float_holds_take_the_exact_path(amounts, reader: str, amount: str, count: str) -> None:  # noqa: ANN001
    fast = FastLines(amounts, loads=READERS[reader])
    learn = b'{"amount": 1, "count": 1, "note": "x"}\n{"amount": 1, "count": 9007199254740993, "note": "x"}\n'
    list(fast.lines(io.BytesIO(learn)))  # templates for every mask these lines can have
    for line in (
        f'{{"amount": {amount}, "count": 1, "note": "x"}}',
        f'{{"amount": 1, "count": {count}, "note": "x"}}',
        f'{{"amount": {amount}, "count": {count}, "note": "x"}}',
    ):
        body = line.encode()
        assert fast.fast_text(body) is None, line  # a float (or an int past 2^53) is never trusted
        assert "".join(fast.lines(io.BytesIO(body))) == exact_output(amounts, body)


def test_whole_numbers_up_to_2_53_take_the_fast_path(amounts) -> None:  # noqa: ANN001
    fast = FastLines(amounts)
    for n in (0, -5, 2**53, -(2**53)):
        body = f'{{"amount": {n}, "count": 2, "note": "y \\u00e9 \\\\ /"}}'.encode()
        assert "".join(fast.lines(io.BytesIO(body))) == exact_output(amounts, body)  # leaves one
        assert fast.fast_text(body) == exact_output(amounts, body)


# -- random tables, random answers --------------------------------------------------------------------


def _json(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)  # a JSON number (``1E+2`` included)
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


@st.composite
def table_and_lines(draw: st.DrawFn) -> tuple[Any, bytes]:
    generated = draw(gen.tables())
    table = compile_yaml(generated.text)
    oracle = Oracle(data_of(generated.text))
    pools = {i.id: oracle.representatives(i) for i in oracle.inputs}
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        answers = {k: draw(st.sampled_from(v)) for k, v in pools.items() if v}
        items = [(k, _json(v)) for k, v in answers.items()]
        form = draw(st.sampled_from(["plain", "plain", "shuffled", "partial", "string", "extra", "duplicate"]))
        if form == "shuffled":
            items = draw(st.permutations(items))
        elif form == "partial" and items:
            items = items[1:]
        elif form == "string" and items:  # every answer as a JSON string (numbers as text, booleans as words)
            items = [(k, v if v.startswith('"') else json.dumps(v)) for k, v in items]
        elif form == "extra":
            items.append(("nope", "1"))
        elif form == "duplicate" and items:
            items.append(items[0])
        lines.append("{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in items) + "}")
    return table, ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("reader", READERS)
@given(case=table_and_lines(), fields=st.none() | st.lists(st.sampled_from(RESULT_FIELDS), min_size=1).map(tuple))
@settings(max_examples=60)
def test_random_tables_fast_equals_exact(reader: str, case: tuple[Any, bytes], fields: Any) -> None:
    table, data = case
    twice = data + data  # the second copy meets the templates the first left
    assert fast_output(table, twice, fields, READERS[reader]) == exact_output(table, twice, fields)


# -- near-JSON noise: whatever the reader accepts, the exact path decides ----------------------------

TOKENS = [
    '{"change": "knowledge"',
    '{"change": "behaviour"',
    ', "freshness": "static"',
    ', "citations": false',
    ', "citations": true',
    ', "citations": 1',
    ', "examples": 1000',
    ', "examples": 01',
    ', "examples": 1000.0',
    ', "examples": -0',
    ', "examples": 1e3',
    ', "budget": "tight"',
    ', "budget": "ti\\u0067ht"',
    ', "budget": "tight\\""',
    ', "change": "both"',
    ', "\\u0063hange": "both"',
    "}",
    "}",
    " ",
    "\t",
    "\x0c",
    "\xa0",
    ",",
    "\x00",
    '"',
    "\\",
    "NaN",
    "[",
    "]",
]


@pytest.mark.parametrize("reader", READERS)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=10).map("".join), min_size=1, max_size=8))
@settings(max_examples=200)
def test_noise_fast_equals_exact(advisor, reader: str, texts: list[str]) -> None:  # noqa: ANN001
    learn = GOLDEN_IN.read_bytes()
    data = "\n".join(t.replace("\n", " ") for t in texts).encode() + b"\n"
    out = fast_output(advisor, learn + data, loads=READERS[reader])
    assert out == exact_output(advisor, learn + data)


# -- bounded memory, --fields ------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [("outcome", "rule"), ("answers",), ("conditions", "table")])
def test_fields_lines_take_the_fast_path_too(advisor, fields: tuple[str, ...]) -> None:  # noqa: ANN001
    lines = GOLDEN_IN.read_bytes().splitlines()[:486]
    fast = FastLines(advisor, fields)
    list(fast.lines(io.BytesIO(b"\n".join(lines))))
    texts = [fast.fast_text(line) for line in lines]
    assert None not in texts  # a template with no answers in it (or only some) is a template
    assert "".join(texts) == exact_output(advisor, b"\n".join(lines), fields)


def test_templates_stay_bounded(advisor, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(jsonlines, "MAX_TEMPLATES", 3)
    data = GOLDEN_IN.read_bytes()
    fast = FastLines(advisor)
    out = "".join(fast.lines(io.BytesIO(data + data)))
    assert out == exact_output(advisor, data + data)
    assert fast.template_count == sum(len(p.templates) for p in fast.plans.values()) <= 3


@pytest.mark.parametrize(
    "text, fields",
    [
        ("outcome,rule", ("outcome", "rule")),
        (" rule , outcome,rule", ("rule", "outcome")),  # spaces dropped, repeats once
        ("table", ("table",)),
    ],
)
def test_parse_fields(text: str, fields: tuple[str, ...]) -> None:
    assert parse_fields(text) == fields


@pytest.mark.parametrize("text, message", [("", "no field named"), ("outcome,nope", "unknown field 'nope'")])
def test_parse_fields_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fields(text)


def test_cli_fields_selects_in_the_result_order(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text(
        '{"change": "knowledge", "freshness": "static", "citations": true, "examples": 5, "budget": "tight"}\n'
        "bad\n"
        '{"change": "both"}\n',
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["batch", "--input", str(f), "--fields", "rule,outcome,status"])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        '{"status": "decided", "outcome": "rag", "rule": "knowledge-needs-retrieval"}',
        '{"line": 2, "error": "not valid JSON"}',  # error lines stay whole
        '{"status": "undecided", "outcome": null, "rule": null}',
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fields", "outcome,colour"], "--fields: unknown field 'colour'; fields: status, outcome,"),
        (["--fields", ","], "--fields: no field named"),
    ],
)
def test_cli_fields_refuses_unknown_names(args: list[str], message: str) -> None:
    r = CliRunner().invoke(cli, ["batch", "--input", "-", *args], input="{}\n")
    assert r.exit_code == 2 and message in r.stderr and r.stdout == ""


def test_cli_fields_is_json_lines_only(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("change\nknowledge\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["batch", "--input", str(f), "--output", str(tmp_path / "o.csv"), "--fields", "rule"])
    assert r.exit_code == 2 and "--fields: JSON Lines only" in r.stderr


def test_every_combination_once_each_result_field_subset(advisor) -> None:  # noqa: ANN001
    data = GOLDEN_IN.read_bytes()
    for fields in itertools.islice(itertools.combinations(RESULT_FIELDS, 3), 0, None, 17):
        assert fast_output(advisor, data, fields) == exact_output(advisor, data, fields)


class _Captured(io.TextIOWrapper):
    """A text stream whose text, not its buffer, is what a caller reads back (as click's CliRunner)."""


@pytest.mark.parametrize(
    "make, straight",
    [
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), True),
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="UTF8", newline="\n"), True),
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="latin-1"), False),
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape"), True),  # C locale
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace"), False),
        (lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", line_buffering=True), False),  # a terminal
        (lambda: _Captured(io.BytesIO(), encoding="utf-8"), False),
        (io.StringIO, False),
    ],
)
def test_bytes_go_straight_only_to_a_plain_utf8_stream(make: Any, straight: bool) -> None:
    from crossroads.cli.lines import json_lines, writes_utf8_as_is

    out = make()
    assert writes_utf8_as_is(out) is straight
    table = pipeline.compiled(pipeline.find("rag-or-fine-tune"), use_cache=False)
    data = GOLDEN_IN.read_bytes()
    if out.encoding in (None, "utf-8", "UTF8") and getattr(out, "errors", "strict") == "strict":
        assert json_lines(table, io.BytesIO(data), out) > 0  # the golden file's error lines
        got = out.getvalue() if isinstance(out, io.StringIO) else out.buffer.getvalue().decode()  # type: ignore[attr-defined]
        assert got == GOLDEN_OUT.read_text(encoding="utf-8")


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
@pytest.mark.parametrize(
    "escape, writable",  # writable: what surrogateescape can write (U+DC80..U+DCFF); strict writes no surrogate
    [("\\udcff", True), ("\\udc80", True), ("\\ud800", False), ("\\udfff", False), ("\\u00e9", None)],
)
def test_straight_bytes_write_what_the_text_stream_writes(errors: str, escape: str, writable: bool | None) -> None:
    """The straight path encodes with the stream's own ``errors``: the same bytes, or the same failure
    (a string answer is written back as it came, lone surrogates too)."""
    from crossroads.cli.lines import json_lines

    table = pipeline.compiled(pipeline.find(str(FIXTURES / "strings" / "country.yaml")), use_cache=False)
    data = ('{"country": "NL", "weight": 1}\n{"country": "x%s", "weight": 2}\n' % escape).encode()

    def run(out: io.TextIOWrapper) -> tuple[bytes, str | None]:
        try:
            json_lines(table, io.BytesIO(data), out)
            out.flush()
        except UnicodeEncodeError as exc:
            return b"", exc.reason
        return out.buffer.getvalue(), None  # type: ignore[attr-defined]

    straight = run(io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors))
    assert straight == run(_Captured(io.BytesIO(), encoding="utf-8", errors=errors))
    assert (straight[1] is None) == (writable is None or (writable and errors == "surrogateescape"))
