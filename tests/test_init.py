"""``crossroads init``: a starter table that lints clean, passes its examples, is formatted; never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crossroads.cli.main import cli
from crossroads.engine.authoring.formatter import format_text
from crossroads.engine.authoring.starter import table_id


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    path = tmp_path / "Team Rules.yaml"
    result = invoke("init", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_starter_lints_clean_with_no_findings(starter: Path) -> None:
    result = invoke("lint", "--strict", "--format", "json", str(starter))
    assert result.exit_code == 0, result.output
    assert '"findings": []' in result.stdout


def test_starter_examples_pass_with_full_coverage(starter: Path) -> None:
    result = invoke("test", "--fail-under", "100", str(starter))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "4 passed, 0 failed"


def test_starter_is_formatted_and_points_editors_at_the_schema(starter: Path) -> None:
    text = starter.read_text(encoding="utf-8")
    assert format_text(text) == text
    assert text.startswith("# yaml-language-server: $schema=https://crossroads.dev/schema/crossroads-1.schema.json\n")
    assert "\nid: team-rules\n" in text


def test_init_never_overwrites(starter: Path) -> None:
    starter.write_text("mine\n", encoding="utf-8")
    result = invoke("init", str(starter))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert starter.read_text(encoding="utf-8") == "mine\n"


def test_schema_option_and_a_hostile_name(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    result = invoke("init", "--schema", "../schema/crossroads-1.schema.json\nid: evil", str(path))
    assert result.exit_code == 0
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/crossroads-1.schema.json?id: evil"
    assert invoke("lint", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("name", "slug"),
    [("rules/My Table.yaml", "my-table"), ("x.yml", "x"), ("123.yaml", "my-decision"), ("ÜBER.yaml", "ber")],
)
def test_table_id_from_the_file_name(name: str, slug: str) -> None:
    assert table_id(name) == slug


def test_a_folder_that_cannot_be_made_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way\n", encoding="utf-8")
    result = invoke("init", str(tmp_path / "file" / "such.yaml"))
    assert result.exit_code == 1
    assert "crossroads: error:" in result.stderr and "cannot create" in result.stderr


def test_init_creates_parent_folders_and_names_the_path_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "rules/new one/db.yaml")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "rules" / "new one" / "db.yaml").read_text(encoding="utf-8")
    assert "`crossroads ask 'rules/new one/db.yaml'`" in text
    assert "next: crossroads lint 'rules/new one/db.yaml' && crossroads test 'rules/new one/db.yaml'" in result.stderr
    assert invoke("ask", "rules/new one/db.yaml").exit_code != 2  # the command in the comment finds the table


@pytest.mark.parametrize("name", ["x.txt", "x", "x.json", "yaml"])
def test_init_refuses_a_name_lint_would_never_find(name: str, tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / name))
    assert result.exit_code == 2 and "ends in .yaml or .yml" in result.stderr
    assert not (tmp_path / name).exists()
