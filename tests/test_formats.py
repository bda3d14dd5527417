"""The four lint output formats, on one fixture with an error and a warning.

Text and GitHub output are pinned exactly; JSON by its whole shape; SARIF by
validating against the official SARIF 2.1.0 schema (``fixtures/sarif``, see its
README for source and license) and by the fields code-scanning tools read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO
from crossroads import __version__
from crossroads.cli import formats
from crossroads.cli.main import cli
from crossroads.engine.findings import Finding
from jsonschema.validators import validator_for

FIXTURE = "tests/fixtures/formats/error-and-warning.yaml"  # relative: output is pinned byte for byte
WARNING = (8, 10, "unused-input", "input 'spare' is asked but no rule conditions on it")
ERROR = (14, 24, "bad-condition", "rule 'r2', x: a boolean input takes true or false, not the string \"no\"")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def lint(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["lint", *args], env=env, catch_exceptions=False)


def test_text() -> None:
    r = lint(FIXTURE)
    assert r.exit_code == 1
    assert r.stdout == (
        f"{FIXTURE}:8:10: warning unused-input: {WARNING[3]}\n{FIXTURE}:14:24: error bad-condition: {ERROR[3]}\n"
    )
    assert r.stderr == "1 file checked: 1 error, 1 warning\n"


def test_json() -> None:
    r = lint(FIXTURE, "--format", "json")
    assert r.exit_code == 1 and r.stderr == ""
    data = json.loads(r.stdout)
    assert data == {
        "findings": [
            {
                "code": "unused-input",
                "severity": "warning",
                "message": WARNING[3],
                "file": FIXTURE,
                "line": 8,
                "column": 10,
                "rules": [],
                "example": None,
            },
            {
                "code": "bad-condition",
                "severity": "error",
                "message": ERROR[3],
                "file": FIXTURE,
                "line": 14,
                "column": 24,
                "rules": ["r2"],
                "example": None,
            },
        ]
    }
    assert all(
        list(f) == ["code", "severity", "message", "file", "line", "column", "rules", "example"]
        for f in data["findings"]
    )


GITHUB = (
    f"::warning file={FIXTURE},line=8,col=10,title=unused-input::{WARNING[3]}\n"
    f"::error file={FIXTURE},line=14,col=24,title=bad-condition::{ERROR[3]}\n"
)


def test_github() -> None:
    r = lint(FIXTURE, "--format", "github")
    assert (r.exit_code, r.stdout, r.stderr) == (1, GITHUB, "")


@pytest.mark.parametrize(
    "env, args, shape",
    [
        ({"GITHUB_ACTIONS": "true"}, [], "github"),
        ({"GITHUB_ACTIONS": "true"}, ["--format", "text"], "text"),
        ({"GITHUB_ACTIONS": "false"}, [], "text"),
        ({}, [], "text"),
    ],
)
def test_github_is_chosen_on_actions_unless_a_format_is_given(env: dict, args: list, shape: str) -> None:
    r = lint(FIXTURE, *args, env=env)
    assert (r.stdout == GITHUB) == (shape == "github")
    assert r.stdout.startswith(f"{FIXTURE}:8:10: warning") == (shape == "text")


def test_github_escapes_properties_and_data() -> None:
    f = Finding("syntax", "error", "100% sure,\nnot: really\r", "dir/a:b,c.yaml", 3, 4)
    assert (
        formats.render_github([f])
        == "::error file=dir/a%3Ab%2Cc.yaml,line=3,col=4,title=syntax::100%25 sure,%0Anot: really%0D\n"
    )


# --- SARIF ---------------------------------------------------------------------------------------

SARIF_SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF = validator_for(SARIF_SCHEMA)(SARIF_SCHEMA, format_checker=validator_for(SARIF_SCHEMA).FORMAT_CHECKER)


def assert_valid_sarif(log: dict) -> None:
    errors = sorted(SARIF.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_official_schema_is_the_one_we_think() -> None:
    assert (
        SARIF_SCHEMA["id"]
        == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert SARIF.is_valid({"version": "2.1.0", "runs": []})
    assert not SARIF.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})  # a driver needs a name
    assert not SARIF.is_valid(
        {
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "m"}}]}],
        }
    )


def test_sarif() -> None:
    r = lint(FIXTURE, "--format", "sarif")
    assert r.exit_code == 1 and r.stderr == ""
    log = json.loads(r.stdout)
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("crossroads", __version__)
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == ["bad-condition", "unused-input"]  # one rule per code found, sorted
    assert rules["bad-condition"]["defaultConfiguration"] == {"level": "error"}
    assert rules["unused-input"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["unused-input"]["shortDescription"]["text"] == "No rule conditions on this input."
    results = [
        (
            res["ruleId"],
            driver["rules"][res["ruleIndex"]]["id"],
            res["level"],
            res["message"]["text"],
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            res["locations"][0]["physicalLocation"]["region"],
        )
        for res in log["runs"][0]["results"]
    ]
    assert results == [
        ("unused-input", "unused-input", "warning", WARNING[3], FIXTURE, {"startLine": 8, "startColumn": 10}),
        ("bad-condition", "bad-condition", "error", ERROR[3], FIXTURE, {"startLine": 14, "startColumn": 24}),
    ]


def test_sarif_of_a_clean_run_is_valid() -> None:
    r = lint("rules/", "--format", "sarif")
    log = json.loads(r.stdout)
    assert r.exit_code == 0 and log["runs"][0]["results"] == []
    assert_valid_sarif(log)


def test_sarif_and_json_with_examples_rules_and_awkward_paths(tmp_path: Path) -> None:
    findings = [
        Finding(
            "gap",
            "error",
            "no row matches n < 0.5",
            "rules/my table,ü.yaml",
            8,
            1,
            (),
            {"n": Decimal("0.1"), "ok": True},
        ),
        Finding(
            "conflict",
            "warning",
            "two rows",
            str(tmp_path / "abs path.yaml"),
            2,
            3,
            ("r1", "r2"),
            {"n": Decimal("1E+400")},
        ),
        Finding("unreadable", "error", "no such file", "x.yaml"),  # no line or column
    ]
    log = json.loads(formats.render_sarif(findings, __version__))
    assert_valid_sarif(log)
    uris = [res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in log["runs"][0]["results"]]
    assert uris == ["rules/my%20table%2C%C3%BC.yaml", (tmp_path / "abs path.yaml").as_uri(), "x.yaml"]
    assert log["runs"][0]["results"][0]["properties"] == {"rules": [], "example": {"n": 0.1, "ok": True}}
    assert log["runs"][0]["results"][1]["properties"] == {"rules": ["r1", "r2"], "example": {"n": "1E+400"}}
    assert log["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }
    data = json.loads(formats.render_json(findings))  # exact decimals do not break JSON either
    assert [f["example"] for f in data["findings"]] == [{"n": 0.1, "ok": True}, {"n": "1E+400"}, None]


def test_loader_findings_render_in_every_format(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: &x 1\n")
    for fmt in formats.FORMATS:
        r = lint(str(bad), "--format", fmt)
        assert r.exit_code == 1 and "anchor" in r.stdout
        if fmt == "sarif":
            assert_valid_sarif(json.loads(r.stdout))


# --- the package itself ---------------------------------------------------------------------------


def test_python_m_crossroads_and_package_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """``python -m crossroads`` is the CLI, and the package data is found via importlib.resources.

    test_cli.py already runs the installed script and ``python -m crossroads`` in real
    subprocesses; this runs the ``__main__`` module in-process, from a folder that is not
    the checkout, so neither depends on the working directory.
    """
    import runpy
    import sys
    from importlib import resources

    from crossroads.engine.table import pipeline as tables

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["crossroads", "--version"])
    monkeypatch.delitem(sys.modules, "crossroads.__main__", raising=False)
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("crossroads", run_name="__main__", alter_sys=True)
    assert exc.value.code == 0 and capsys.readouterr().out == f"crossroads {__version__}\n"
    schema = resources.files("crossroads.schema").joinpath("crossroads-1.schema.json")
    assert json.loads(schema.read_text(encoding="utf-8"))["title"] == "crossroads/1 decision table"
    bundled = resources.files("crossroads.rules").joinpath("rag-or-fine-tune.yaml")
    assert b"\nformat: crossroads/1\n" in bundled.read_bytes()
    assert "rag-or-fine-tune" in tables.bundled_names()
    assert tables.find(None).name == "rag-or-fine-tune.yaml"  # the default TABLE, found as package data


RAW_CONTROLS = ("\x1b", "\x07", "\r", "\u202e")


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "--format", "text"],
        ["lint", "--format", "github"],
        ["lint", "--format", "text", "invalid"],
        ["lint", "--format", "github", "invalid"],
        ["evaluate", "-a", "n=7", "-a", "c=x"],
        ["evaluate", "-a", "n=3", "-a", "c=y\u202ex"],
        ["show"],
        ["test"],
    ],
)
def test_table_text_never_reaches_the_terminal_raw(args: list[str]) -> None:
    # A hostile table's titles, prompts, ids and conditions are printed escaped: \x1b[2J would clear
    # the screen, an OSC sequence retitle the window or forge a link, \r hide the start of a line.
    name = "terminal-escapes-invalid.yaml" if args[-1] == "invalid" else "terminal-escapes.yaml"
    args = [a for a in args if a != "invalid"]
    result = CliRunner().invoke(cli, [args[0], str(FIXTURES / "formats" / name), *args[1:]])
    out = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert not [c for c in RAW_CONTROLS if c in out], repr(out)
    assert "\\x1b" in out or "\\u202e" in out  # escaped, not dropped


def test_one_finding_is_one_line_whatever_its_message_holds() -> None:
    f = Finding("schema", "error", "bad\nline\rtwo\x1b]0;x\x07", "we\x1bird.yaml", 1, 1)
    line = formats.text_line(f)
    assert line == "we\\x1bird.yaml:1:1: error schema: bad\\nline\\rtwo\\x1b]0;x\\x07"
    assert (
        formats.render_github([f])
        == "::error file=we\\x1bird.yaml,line=1,col=1,title=schema::bad%0Aline%0Dtwo\\x1b]0;x\\x07\n"
    )


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("too-large", "file is larger than the limit of 10 bytes (raise it with --max-bytes)"),
        ("analysis-incomplete", "file is larger than the limit of 10 bytes (raise it with --max-seconds)"),
        ("gap", "file is larger than the limit of 10 bytes"),
    ],
)
def test_the_command_line_names_the_flag_that_fixes_a_finding(code: str, shown: str) -> None:
    f = Finding(code, "error", "file is larger than the limit of 10 bytes", file="t.yaml", line=1, column=1)
    assert formats.text_line(f).endswith(f"{code}: {shown}")
    assert json.loads(formats.render_json([f]))["findings"][0]["message"] == shown
    assert json.loads(formats.render_sarif([f], "0"))["runs"][0]["results"][0]["message"]["text"] == shown


def test_engine_messages_name_no_command_line_flag() -> None:
    """A library caller has no flags: the engine words its limits; the CLI adds the flag (FLAG_HINTS)."""
    import re

    flag = re.compile(r"""f?["'][^"'\n]*--(max-bytes|max-seconds|column|lang)\b""")
    found = []
    for path in sorted((REPO / "engine").rglob("*.py")):
        if path.name == "findings.py":  # the `explain` texts: how to fix, with the command that does it
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("#") or stripped.startswith('"""') or "``" in line:
                continue
            if flag.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {stripped}")
    assert found == []
