"""``crossroads export``: a table as DMN or JDM, atomically, refused with the reason when not exact."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO

from crossroads.cli.main import cli

DMN_NS = "{https://www.omg.org/spec/DMN/20230324/MODEL/}"


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, ["export", *args])


def test_dmn_to_stdout_is_the_model() -> None:
    got = _run("--to", "dmn")
    assert got.exit_code == 0, got.output
    root = ET.fromstring(got.stdout)
    assert root.tag == f"{DMN_NS}definitions"
    (table,) = root.iter(f"{DMN_NS}decisionTable")
    assert len(list(table.iter(f"{DMN_NS}rule"))) == 8


def test_jdm_to_a_file_then_imported_back_without_a_semantic_difference(tmp_path: Path) -> None:
    out = tmp_path / "advisor.json"
    got = _run("--to", "jdm", "-o", str(out))
    assert got.exit_code == 0 and got.stdout == "", got.output
    graph = json.loads(out.read_text(encoding="utf-8"))
    assert [n["type"] for n in graph["nodes"]].count("decisionTableNode") == 1
    imported = CliRunner().invoke(cli, ["import", str(out), "-o", str(tmp_path / "back")])
    assert imported.exit_code == 0, imported.output
    (back,) = (tmp_path / "back").glob("*.yaml")
    assert back.name == "rag-or-fine-tune.yaml"  # the table's own id and version come back
    diff = CliRunner().invoke(
        cli, ["diff", str(REPO / "rules" / "rag-or-fine-tune.yaml"), str(back), "--format", "json"]
    )
    report = json.loads(diff.stdout)
    assert report["changes"] == [] and report["complete"] and report["version"]["new"] == "1.0.0"


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "t.dmn"
    out.write_text("keep me", encoding="utf-8")
    got = _run("--to", "dmn", "-o", str(out))
    assert got.exit_code == 1 and "already exists" in got.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert _run("--to", "dmn", "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize(
    "table, target, words",
    [
        ("walk/reminders.yaml", "jdm", "input due is a date"),
        ("walk/fees.yaml", "jdm", "aggregate sum"),
    ],
)
def test_a_table_the_target_cannot_hold_exactly_is_refused_with_the_reason(table: str, target: str, words: str) -> None:
    got = _run(str(FIXTURES / table), "--to", target)
    assert got.exit_code == 1 and got.stdout == ""
    assert got.stderr.startswith(f"crossroads: error: cannot export to {target}: ") and words in got.stderr
    assert len(got.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [["--to", "bpmn"], []])
def test_usage(args: list[str]) -> None:
    assert _run(*args).exit_code == 2
