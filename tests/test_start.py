"""``cli/start.py``, the console script: a warm ``evaluate`` before click, and click for all else.

Whole processes, both ways (the fast start, and the click command line alone), compared byte
for byte: stdout, stderr and the exit code, for the cases the fast start answers and for those
it must hand over (a bad answer, a cache miss, another option or command, ``--help``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from crossroads.cli import start
from crossroads.cli.render import BOLD, RESET

FAST = "import sys; from crossroads.cli.start import main; sys.argv[0] = 'crossroads'; main()"
CLICK = "import sys; from crossroads.cli.main import main; sys.argv[0] = 'crossroads'; main()"
# The fast start, then which modules it imported (at exit, so after the command ran).
PROBE = (
    "import atexit, json, sys; "
    "atexit.register(lambda: print('MODULES=' + json.dumps(sorted(sys.modules)))); " + FAST.split("; ", 1)[1]
)

FULL = ["-a", "change=behaviour", "-a", "freshness=static", "-a", "citations=false", "-a", "examples=1000"]
FULL += ["-a", "budget=tight"]
CONFLICT = str(FIXTURES / "analysis" / "conflict.yaml")
SHIPPING = str(FIXTURES / "outputs" / "shipping.yaml")


def run(code: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def run_both(args: list[str], env: dict[str, str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(exit code, stdout, stderr) of the fast start and of click, run side by side."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for code in (FAST, CLICK)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    fast, slow = ((p.returncode, out, err) for p, (out, err) in zip(procs, outs))
    return fast, slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state")}


@pytest.fixture(scope="module")
def warm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One cache for the module's comparisons, filled once with the tables they use (the warm case):
    no case writes to it, as each table it names is there or does not exist."""
    tmp = tmp_path_factory.mktemp("start")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_STATE_HOME": str(tmp / "state")}
    for table in ("rag-or-fine-tune", SHIPPING, CONFLICT):
        run(CLICK, ["evaluate", table], env)
    return env


CASES = [
    ["evaluate", *FULL],
    ["evaluate", "--format", "json", *FULL],
    ["evaluate", *FULL, "--format=json"],
    ["evaluate", "rag-or-fine-tune", "--answer", "change=knowledge"],  # partial: exit 3
    ["evaluate", "--answer=change=both", "-a", "examples=10", "--format", "json"],
    ["evaluate", SHIPPING, "-a", "weight=2.5", "-a", "destination=eu", "--format", "json"],
    ["evaluate", SHIPPING, "-a", "weight=2.5", "-a", "destination=eu"],
    # handed over to click: its errors, options and commands
    ["evaluate", "-a", "change=nope"],
    ["evaluate", "-a", "change=knowledge", "-a", "change=both"],
    ["evaluate", "-a", "colour=red"],
    ["evaluate", CONFLICT, "-a", "tier=gold", "-a", "total=600"],  # two rows match: exit 1
    ["evaluate", "no-such-table"],
    ["evaluate", "--format", "yaml", *FULL],
    ["evaluate", "--lang", "zh", *FULL],
    ["evaluate", "--why-not", *FULL],
    ["evaluate", "-a"],
    ["evaluate", "--help"],
    ["evaluate", "a", "b"],
    ["--version"],
    [],
    ["show"],
    # batch, JSON Lines: the fast start for a warm table; click for all else
    ["batch", "--input", str(FIXTURES / "batch" / "advisor.jsonl")],
    ["batch", "rag-or-fine-tune", "--input=" + str(FIXTURES / "batch" / "advisor.jsonl"), "--fields", "rule,outcome"],
    ["batch", SHIPPING, "--input", str(FIXTURES / "batch" / "advisor.jsonl")],
    ["batch", "--input", str(FIXTURES / "batch" / "advisor.jsonl"), "--fields", "nope"],
    ["batch", "--input", "no-such-file.jsonl"],
    ["batch", "--input", "answers.csv"],
    ["batch", "--input", str(FIXTURES / "batch" / "advisor.jsonl"), "--output", "-"],
    ["batch", "--help"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:60] or "no args")
def test_fast_start_is_the_click_command_line(args: list[str], warm_env: dict[str, str]) -> None:
    fast, slow = run_both(args, warm_env)
    assert fast == slow


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "xx_YY.UTF-8"])  # translated; unknown (a note: click's)
def test_fast_start_keeps_the_language_of_the_environment(lang: str, warm_env: dict[str, str]) -> None:
    fast, slow = run_both(["evaluate", *FULL], {**warm_env, "LC_ALL": lang})
    assert fast == slow


@pytest.mark.slow
def test_a_cold_cache_goes_to_click_which_fills_it(env: dict[str, str]) -> None:
    first = run(FAST, ["evaluate", *FULL], env)  # a miss: click loads, compiles and writes the cache
    assert first.returncode == 0 and first.stdout.startswith("Fine-tune\n")
    assert list(Path(env["XDG_CACHE_HOME"], "crossroads").glob("*.json"))


def modules_of(args: list[str], env: dict[str, str]) -> list[str]:
    done = run(PROBE, args, env)
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES=")]
    assert line, done.stderr
    return json.loads(line[-1][len("MODULES=") :])


@pytest.mark.slow
@pytest.mark.parametrize("args", [["evaluate", *FULL], ["evaluate", "--format", "json", *FULL]])
def test_the_warm_evaluate_never_imports_click(args: list[str], env: dict[str, str]) -> None:
    run(CLICK, args, env)  # fills the cache
    modules = modules_of(args, env)
    assert "crossroads.cli.start" in modules and "crossroads.engine.decision.evaluate" in modules
    assert not [m for m in modules if m == "click" or m.startswith("click.")]
    assert "crossroads.cli.main" not in modules
    assert "tempfile" not in modules and "importlib.resources" not in modules  # nor the cache's writer
    assert "click" in modules_of(["evaluate", "-a", "change=nope"], env)  # handed over: click says it


@pytest.mark.parametrize(
    "argv, parsed",
    [
        (["evaluate"], (None, [], "text")),
        (
            ["evaluate", "t.yaml", "-a", "x=1", "--answer", "y=2", "--answer=z=3"],
            ("t.yaml", ["x=1", "y=2", "z=3"], "text"),
        ),
        (["evaluate", "-a", "x=1", "t", "--format", "json"], ("t", ["x=1"], "json")),
        (["evaluate", "--format=json"], (None, [], "json")),
    ],
)
def test_parse_reads_plain_evaluate_command_lines(argv: list[str], parsed: object) -> None:
    assert start.parse(argv) == parsed


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["batch"],
        ["evaluate", "--help"],
        ["evaluate", "-h"],
        ["evaluate", "--lang", "zh"],
        ["evaluate", "--no-cache"],
        ["evaluate", "-a"],  # no value: click's message
        ["evaluate", "-a", "-x"],
        ["evaluate", "-ax=1"],
        ["evaluate", "--answers", "f.json"],
        ["evaluate", "--format", "yaml"],
        ["evaluate", "a", "b"],
        ["evaluate", "-"],
        ["evaluate", "--", "t"],
    ],
)
def test_parse_hands_everything_else_to_click(argv: list[str]) -> None:
    assert start.parse(argv) is None


@pytest.mark.slow
def test_fast_batch_reads_standard_input(env: dict[str, str]) -> None:
    data = (FIXTURES / "batch" / "advisor.jsonl").read_text(encoding="utf-8")
    run(CLICK, ["evaluate"], env)  # fills the cache
    fast = subprocess.run([sys.executable, "-c", FAST, "batch"], input=data, capture_output=True, text=True, env=env)
    assert fast.returncode == 1 and fast.stdout == (FIXTURES / "batch" / "advisor.out.jsonl").read_text(
        encoding="utf-8"
    )
    assert "click" not in modules_of(["batch", "--input", str(FIXTURES / "batch" / "advisor.jsonl")], env)


@pytest.mark.parametrize(
    "argv, parsed",
    [
        (["batch"], (None, "-", None)),
        (["batch", "t", "--input", "-", "--fields=rule"], ("t", "-", "rule")),
        (["batch", "--input", "-"], (None, "-", None)),
        (["batch", "--output", "x"], None),
        (["batch", "--input"], None),
        (["batch", "--any-order"], None),
        (["evaluate"], None),
    ],
)
def test_parse_batch(argv: list[str], parsed: object) -> None:
    assert start.parse_batch(argv) == parsed


def test_bold_is_what_click_writes() -> None:
    import click

    assert BOLD + "Why" + RESET == click.style("Why", bold=True)
