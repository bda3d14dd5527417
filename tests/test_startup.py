"""A warm ``evaluate`` or ``batch`` never imports pydantic, ruamel.yaml or jsonschema.

The compiled-table cache exists so that answering a table starts fast
(``benchmarks/bench_cli.py``: warm evaluate ≤ 8× ``python -c pass``); these
three imports alone cost more than the rest of the start-up. ``cli.main``
imports every command module, so a module-level ``from .model import ...``
anywhere under ``cli/`` (or in an engine module a command imports) breaks
this: import such things inside the function that needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "pydantic",
    "ruamel.yaml",
    "jsonschema",
    "sqlglot",
    "duckdb",
    "pygls",
    "lsprotocol",
)  # sqlglot, duckdb: only `sql` and file batch need them; pygls, lsprotocol: only `lsp`

# Runs the CLI in-process, then reports which heavy modules were imported.
PROBE = f"""
import json, sys
from crossroads.cli.main import cli
cli(args=sys.argv[1:], prog_name="crossroads", standalone_mode=False)
print("HEAVY=" + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""

ANSWERS = [
    "-a",
    "change=behaviour",
    "-a",
    "freshness=static",
    "-a",
    "citations=false",
    "-a",
    "examples=1000",
    "-a",
    "budget=tight",
]


def heavy_imports(args: list[str], stdin: str = "") -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], check=False, input=stdin, capture_output=True, text=True, timeout=120
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("HEAVY=")]
    assert done.returncode == 0 and line, done.stderr
    return json.loads(line[-1][len("HEAVY=") :])


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, stdin",
    [
        (["evaluate", *ANSWERS], ""),
        (["evaluate", "--format", "json", *ANSWERS], ""),
        (["batch", "--input", "-"], '{"change": "knowledge"}\n'),
    ],
)
def test_warm_cache_path_imports_no_heavy_module(args: list[str], stdin: str) -> None:
    # Without the cache the table is loaded and validated: the probe must see those imports happen.
    cold = heavy_imports([*args, "--no-cache"], stdin)
    assert "pydantic" in cold and "ruamel.yaml" in cold
    heavy_imports(args, stdin)  # fills the cache
    assert heavy_imports(args, stdin) == []


# The console script (cli/start.py) answers a warm `evaluate` before click is imported: the same
# guard, on what it imports, and click itself (and the cache's writer, importlib.resources) must
# stay out of it.
START_PROBE = """
import atexit, json, sys
atexit.register(lambda: print("MODULES=" + json.dumps(sorted(sys.modules))))
from crossroads.cli.start import main
sys.argv[0] = "crossroads"
main()
"""
START_LIGHT = (*HEAVY, "click", "crossroads.cli.main", "tempfile", "importlib.resources")


def start_imports(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", START_PROBE, *args], check=False, capture_output=True, text=True, timeout=120
    )
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES=")]
    assert done.returncode == 0 and line, done.stderr
    return sorted(m for m in json.loads(line[-1][len("MODULES=") :]) if m in START_LIGHT)


@pytest.mark.slow
@pytest.mark.parametrize("args", [["evaluate", *ANSWERS], ["evaluate", "--format", "json", *ANSWERS]])
def test_warm_evaluate_from_the_console_script_imports_no_click(args: list[str]) -> None:
    assert "click" in start_imports(args)  # a cold cache: click's command line loads the table
    assert start_imports(args) == []
