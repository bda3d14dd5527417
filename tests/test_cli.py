"""The command line, through CliRunner, and once as a real subprocess of the installed script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossroads import __version__
from crossroads.cli.main import cli

FULL = [
    "-a",
    "change=behaviour",
    "-a",
    "freshness=static",
    "-a",
    "citations=false",
    "-a",
    "examples=1000",
    "-a",
    "budget=relaxed",
]


def run(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def test_evaluate_text_shows_the_reasoned_recommendation() -> None:
    r = run("evaluate", *FULL)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("Fine-tune\n")
    for part in (
        "This is the rare case fine-tuning is built for",
        "Why",
        "a thousand or more clean examples",
        "Choose it when",
        "Trade-offs",
        "• Baked-in facts can't be cited or traced",
    ):
        assert part in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_evaluate_json_has_every_result_field() -> None:
    r = run("evaluate", "rag-or-fine-tune", *FULL, "--format", "json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data == {
        "status": "decided",
        "outcome": "fine-tune",
        "outcomes": ["fine-tune"],
        "values": None,  # a table without outputs (issue 19)
        "matches": [{"rule": "behaviour-static-enough-data", "outcome": "fine-tune"}],
        "rule": "behaviour-static-enough-data",
        "because": data["because"],
        "conditions": [
            {"input": "change", "condition": "behaviour", "answer": "behaviour"},
            {"input": "freshness", "condition": "static", "answer": "static"},
            {"input": "citations", "condition": "false", "answer": False},
            {"input": "examples", "condition": ">= 1000", "answer": 1000},
        ],
        "answers": {
            "change": "behaviour",
            "freshness": "static",
            "citations": False,
            "examples": 1000,
            "budget": "relaxed",
        },
        "missing": [],
        "possible": ["fine-tune"],
        "exact": True,
        "error_possible": False,
        "table": {"id": "rag-or-fine-tune", "version": "1.0.0"},
    }
    assert data["because"]


def test_undecided_exits_3_and_lists_what_is_left() -> None:
    r = run("evaluate", "-a", "change=behaviour")
    assert r.exit_code == 3
    assert "Answer all questions to see the recommendation" in r.stdout
    assert "freshness: How often does that underlying information change?" in r.stdout
    assert "Start with RAG (rag)" in r.stdout


def test_no_match_exits_3(tmp_path: Path) -> None:
    table = tmp_path / "t.yaml"
    table.write_text(
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        "inputs: [{id: x, prompt: X?, type: boolean}]\noutcomes: [{id: o, title: O}]\n"
        "rules: [{id: r, when: {x: true}, then: o}]\n"
    )
    r = run("evaluate", str(table), "-a", "x=false", "--format", "json")
    assert r.exit_code == 3 and json.loads(r.stdout)["status"] == "no-match"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-a", "nope=1"], "unknown input 'nope'; inputs: change, freshness, citations, examples, budget"),
        (["-a", "change=sideways"], "change: unknown option 'sideways'; expected one of: knowledge, behaviour, both"),
        (["-a", "examples=3.5"], "examples: expected a whole number ≥ 0, got '3.5'"),
        (["-a", "examples=-1"], "examples: -1 is out of range"),
        (["-a", "citations=perhaps"], "citations: expected true or false"),
        (["-a", "change"], "is not ID=VALUE"),
        (["--answers", "/nonexistent/answers.json"], "cannot read answers"),
    ],
)
def test_bad_answers_exit_2_with_one_line(args, message) -> None:
    r = run("evaluate", *args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and message in r.stderr


def test_answers_file_json_and_yaml(tmp_path: Path) -> None:
    j = tmp_path / "a.json"
    j.write_text('{"change": "knowledge", "examples": 0}')
    assert json.loads(run("evaluate", "--answers", str(j), "--format", "json").stdout)["outcome"] == "rag"
    y = tmp_path / "a.yaml"
    y.write_text("change: both\nexamples: 300\ncitations: no\n")  # YAML 1.2: `no` is a string, read as -a reads it
    r = run("evaluate", "--answers", str(y), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["answers"]["citations"] is False
    y.write_text("change: both\nexamples: 300\ncitations: maybe\n")
    r = run("evaluate", "--answers", str(y))
    assert r.exit_code == 2 and "citations: expected true or false (yes/no), got 'maybe'" in r.stderr
    y.write_text("change: both\nexamples: 300\n")
    assert (
        json.loads(run("evaluate", "--answers", str(y), "--format", "json").stdout)["outcome"] == "rag-plus-fine-tune"
    )
    r = run("evaluate", "--answers", "-", "--format", "json", input='{"change": "knowledge"}')
    assert json.loads(r.stdout)["outcome"] == "rag"
    bad = tmp_path / "bad.yaml"
    bad.write_text("change: [unclosed\n")
    r = run("evaluate", "--answers", str(bad))
    assert r.exit_code == 2 and f"{bad}:2:1:" in r.stderr
    lst = tmp_path / "list.json"
    lst.write_text("[1, 2]")
    r = run("evaluate", "--answers", str(lst))
    assert r.exit_code == 2 and "answers must be a mapping" in r.stderr
    null = tmp_path / "null.json"
    null.write_text('{"change": null}')
    r = run("evaluate", "--answers", str(null))
    assert r.exit_code == 2 and "leave the key out" in r.stderr


def test_invalid_table_exits_1_with_positioned_findings(tmp_path: Path) -> None:
    t = tmp_path / "bad.yaml"
    t.write_text("format: crossroads/1\nid: Bad\n")
    r = run("evaluate", str(t))
    assert r.exit_code == 1
    assert f"{t}:2:5: error schema:" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_table_is_usage() -> None:
    r = run("evaluate", "no/such/table.yaml")
    assert r.exit_code == 2 and "no/such/table.yaml: no such file" in r.stderr
    r = run("lint", "no/such/dir")
    assert r.exit_code == 2 and "no/such/dir: no such file or directory" in r.stderr


def test_hit_policy_violation_exits_1(tmp_path: Path) -> None:
    t = tmp_path / "u.yaml"
    t.write_text(
        "format: crossroads/1\nid: u\nversion: 1.0.0\ntitle: U\nhit_policy: unique\n"
        "inputs: [{id: x, prompt: X?, type: integer}]\noutcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        "rules:\n  - {id: r1, when: {x: '>= 0'}, then: a}\n  - {id: r2, when: {x: '<= 0'}, then: b}\n"
    )
    r = run("evaluate", str(t), "-a", "x=0")
    assert r.exit_code == 1 and "r1" in r.stderr and "r2" in r.stderr
    assert run("evaluate", str(t), "-a", "x=1").exit_code == 0


def test_ask_numbers_options_reasks_and_stops_when_decided() -> None:
    r = run("ask", input="4\n1\n")  # 4 is not an option: asked again
    assert r.exit_code == 0, r.output
    assert "1) knowledge — Add knowledge the model doesn't have" in r.stdout
    assert r.stdout.count("What are you actually trying to change") == 1
    assert "How often does that underlying information change?" not in r.stdout  # decided after one answer
    assert "Start with RAG" in r.stdout
    assert "Not an answer to this question: '4'. Expected one of: knowledge, behaviour, both." in r.stderr


def test_ask_full_path_accepts_ids() -> None:
    r = run("ask", input="behaviour\nstatic\nno\n1000\n")
    assert r.exit_code == 0 and "Fine-tune" in r.stdout


def test_ask_end_of_input_exits_1_cleanly() -> None:
    r = run("ask", input="behaviour\n")
    assert r.exit_code == 1
    assert "end of input" in r.stderr and "Traceback" not in r.stderr


def test_batch_streams_one_line_per_input_line_and_continues_after_bad_lines() -> None:
    lines = [
        '{"change": "knowledge"}',
        "not json",
        '{"change": "sideways"}',
        "[1]",
        '{"change": "behaviour", "freshness": "static", "citations": false, "examples": "999", "budget": "tight"}',
        '{"examples": null}',
        "",
        '{"change": "behaviour"}',
        "[" * 100_000,
    ]
    r = run("batch", "--input", "-", input="\n".join(lines) + "\n")
    assert r.exit_code == 1
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(out) == len(lines) - 1  # the blank line is skipped
    assert out[0]["outcome"] == "rag" and out[0]["table"] == {"id": "rag-or-fine-tune", "version": "1.0.0"}
    assert out[1] == {"line": 2, "error": "not valid JSON"}
    assert out[2]["line"] == 3 and "unknown option 'sideways'" in out[2]["error"]
    assert out[3]["line"] == 4 and "JSON object" in out[3]["error"]
    assert (out[4]["outcome"], out[4]["rule"]) == ("fine-tune", "behaviour-static-tight-budget")
    assert out[5]["line"] == 6 and "leave the key out" in out[5]["error"]
    assert out[6]["status"] == "undecided"
    assert out[7] == {"line": 9, "error": "not valid JSON"}  # deep nesting: no RecursionError; numbers count every line


def test_batch_bounds_line_length() -> None:
    from crossroads.cli.batch import MAX_LINE

    huge = '{"change": "' + "x" * (MAX_LINE + 10) + '"}'
    r = run("batch", "--input", "-", input=huge + "\n" + '{"change": "knowledge"}\n')
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.exit_code == 1 and len(out) == 2
    assert out[0]["line"] == 1 and "longer than" in out[0]["error"]
    assert out[1]["outcome"] == "rag"


def test_batch_all_good_exits_0(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text('{"change": "knowledge"}\n\n{"change": "both", "examples": 10}\n \t\n\n')  # blank lines are no answers
    r = run("batch", "--input", str(f))
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 2


def test_lint_bundled_rules_is_clean() -> None:
    rules = Path(__file__).resolve().parent.parent / "rules"
    r = run("lint", str(rules))
    assert r.exit_code == 0 and r.stdout == ""
    r = run("lint", str(rules), "--format", "json")
    assert json.loads(r.stdout) == {"findings": []}


def test_lint_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    t = tmp_path / "w.yaml"
    t.write_text(
        "format: crossroads/1\nid: w\nversion: 1.0.0\ntitle: W\nhit_policy: first\n"
        "inputs: [{id: x, prompt: X?, type: boolean}, {id: unused, prompt: U?, type: boolean}]\n"
        "outcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        "rules: [{id: r1, when: {x: true}, then: a}, {id: r2, then: b}]\n"
    )
    r = run("lint", str(t))
    assert r.exit_code == 0 and "warning unused-input" in r.stdout
    assert run("lint", "--strict", str(t)).exit_code == 1


def test_schema_and_version_and_help() -> None:
    r = run("schema")
    assert r.exit_code == 0 and json.loads(r.stdout)["$id"].endswith("crossroads-1.schema.json")
    assert run("--version").stdout.strip() == f"crossroads {__version__}"
    help_text = run("--help").stdout
    assert "Exit codes" in help_text and "3 undecided" in help_text


def test_colour_only_on_terminals_and_never_with_no_color(monkeypatch) -> None:
    from crossroads.cli import render

    class Tty:
        def isatty(self) -> bool:
            return True

    assert render.use_colour(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not render.use_colour(Tty())


def test_real_subprocess_of_the_installed_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "crossroads"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "crossroads"]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for attempt in ("cold", "cached"):
        p = subprocess.run(
            [*cmd, "evaluate", *FULL, "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert p.returncode == 0, (attempt, p.stderr)
        assert json.loads(p.stdout)["outcome"] == "fine-tune"
    assert list((tmp_path / "cache" / "crossroads").glob("*.json")), "the compiled table was cached"
    p = subprocess.run(
        [sys.executable, "-m", "crossroads", "evaluate", "-a", "examples=x"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_ask_ctrl_c_exits_130_without_traceback(monkeypatch) -> None:
    import crossroads.cli.answer as answer

    def interrupted(stream):
        raise KeyboardInterrupt

    monkeypatch.setattr(answer, "_read_line", interrupted)
    r = run("ask")
    assert r.exit_code == 130 and "Traceback" not in r.output


def test_ask_skips_questions_no_row_in_play_tells_apart() -> None:
    table = str(Path(__file__).parent / "fixtures" / "ask-skip.yaml")
    r = run("ask", table, input="yes\nno\n")  # a=true: only r1 (needs c), r3 (needs c) and r4 remain
    assert r.exit_code == 0, r.output
    assert "A?" in r.stdout and "C?" in r.stdout and "B?" not in r.stdout
    assert r.stdout.endswith("\nY\n\nThis would change if …\n  - X (x) if c=true\n")
    r = run("ask", table, input="no\nyes\n")  # a=false: b decides between r2 and the rest
    assert "B?" in r.stdout and r.exit_code == 0


def test_ask_with_option_ids_that_look_like_menu_numbers_takes_the_id(tmp_path: Path) -> None:
    table = tmp_path / "sizes.yaml"
    table.write_text(
        "format: crossroads/1\nid: sizes\nversion: 1.0.0\ntitle: Sizes\nhit_policy: unique\n"
        "inputs:\n  - {id: size, prompt: Size?, type: choice, options: [{id: '10'}, {id: '2'}, {id: '1'}]}\n"
        "outcomes:\n  - {id: big, title: Big}\n  - {id: small, title: Small}\n"
        "rules:\n  - {id: r10, when: {size: '10'}, then: big}\n  - {id: r-small, when: {size: ['1', '2']}, then: small}\n",
        encoding="utf-8",
    )
    r = run("ask", str(table), input="1\n")
    assert r.exit_code == 0, r.output
    assert "  - 10\n" in r.stdout and "1) 10" not in r.stdout  # no menu numbers that mean two options
    assert "Small" in r.stdout  # "1" is the option 1, not the first option "10"
    assert "Small" in run("evaluate", str(table), "-a", "size=1").stdout  # as evaluate reads it


def test_a_partial_result_lists_only_the_questions_that_can_still_change_it() -> None:
    r = run("evaluate", "-a", "change=both")  # only the number of examples tells the two rows apart
    assert r.exit_code == 3
    still = r.stdout.split("Still to answer:\n", 1)[1].split("\n\n", 1)[0]
    assert still == "  - examples: How many high-quality training examples do you have?"
    assert json.loads(run("evaluate", "-a", "change=both", "--format", "json").stdout)["missing"] == [
        "freshness",
        "citations",
        "examples",
        "budget",
    ]


def test_text_wraps_at_word_boundaries_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    out = run("evaluate", *FULL).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 50
    words = " ".join(out.split())
    assert "you're changing behaviour, the knowledge is static, you have the data" in words  # nothing split mid-word
