"""``crossroads explain``: every code explained from the one catalogue; unknown codes are usage errors."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import REPO

from crossroads.cli.main import cli
from crossroads.engine.findings import CODES

ROW_CODES = ("unreachable", "conflict", "gap", "redundant", "mergeable", "analysis-incomplete")


def explain(*args: str) -> object:
    return CliRunner().invoke(cli, ["explain", *args])


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_explained(code: str) -> None:
    info = CODES[code]
    assert info.severity in ("error", "warning")
    assert info.summary and info.why and info.fix and info.example
    result = explain(code)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"{code} ({info.severity}): {info.summary}"
    for heading in ("Why it matters", "How to fix it", "Example"):
        assert heading in lines
    assert info.example.splitlines()[0] in result.stdout


def test_the_row_analysis_codes_are_there() -> None:
    assert set(ROW_CODES) <= set(CODES)


def test_without_a_code_every_code_is_listed_once() -> None:
    result = explain()
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(CODES)
    assert "conflict  " in result.stdout and CODES["conflict"].summary in result.stdout


@pytest.mark.parametrize(
    ("code", "hint"), [("conflcit", "did you mean conflict?"), ("nope", "crossroads explain lists them all")]
)
def test_an_unknown_code_exits_2(code: str, hint: str) -> None:
    result = explain(code)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"crossroads: error: unknown finding code '{code}'")
    assert hint in result.stderr


def test_the_readme_documents_every_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z]+(?:-[a-z]+)*)`", readme))
    assert set(CODES) - documented == set()
