"""``crossroads import``, ``lint model.dmn`` and ``.dmn`` as a TABLE (``--decision``), through click's CliRunner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED

from crossroads.cli.main import cli

LOAN = str(FIXTURES / "dmn" / "loan.dmn")
INTEROP = SHARED / "interop"


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_import_writes_each_table_and_reports_the_refused_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("import", LOAN, "-o", str(out))
    assert r.exit_code == 1  # type: ignore[attr-defined]
    assert sorted(p.name for p in out.iterdir()) == ["approval.yaml", "fee.yaml"]
    assert f"wrote {out / 'approval.yaml'} (decision 'Approval' (id approval))" in r.stdout  # type: ignore[attr-defined]
    assert f"{LOAN}:59:9: refused decision 'Bad' (id bad): rule 1, input 'a'" in r.stderr  # type: ignore[attr-defined]
    text = (out / "approval.yaml").read_text()
    assert text.startswith("# Imported from loan.dmn: decision 'Approval' (id approval).\nformat: crossroads/1\n")
    # the written table is formatted and lints clean of errors
    assert run("fmt", "--check", str(out / "approval.yaml")).exit_code == 0  # type: ignore[attr-defined]
    assert run("lint", str(out)).exit_code == 0  # type: ignore[attr-defined]


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / "fee.yaml").write_text("mine\n")
    r = run("import", LOAN, "-o", str(tmp_path), "--decision", "Fee")
    assert r.exit_code == 1  # type: ignore[attr-defined]
    assert "exists (pass --force to overwrite it)" in r.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "fee.yaml").read_text() == "mine\n"
    r = run("import", LOAN, "-o", str(tmp_path), "--decision", "Fee", "--force")
    assert r.exit_code == 0  # type: ignore[attr-defined]
    assert "format: crossroads/1" in (tmp_path / "fee.yaml").read_text()


def test_import_of_one_decision_by_name_or_id(tmp_path: Path) -> None:
    for name in ("Approval", "approval"):
        r = run("import", LOAN, "-o", str(tmp_path / name), "--decision", name)
        assert r.exit_code == 0 and os.listdir(tmp_path / name) == ["approval.yaml"]  # type: ignore[attr-defined]
    r = run("import", LOAN, "-o", str(tmp_path), "--decision", "Nope")
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert "no decision table 'Nope' (the model has 'Approval', 'Fee', 'Bad')" in r.stderr  # type: ignore[attr-defined]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">&lol2;</definitions>
"""


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (BILLION_LAUGHS, "error syntax: a DTD (<!DOCTYPE>) is refused"),
        ('<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">' + "<a>" * 80, "error too-deep"),
        ("<definitions", "error syntax: not well-formed XML"),
    ],
)
def test_hostile_xml_is_one_line_exit_2_nothing_written(tmp_path: Path, content: str, fragment: str) -> None:
    model = tmp_path / "evil.dmn"
    model.write_text(content)
    out = tmp_path / "out"
    r = run("import", str(model), "-o", str(out))
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert len(r.stderr.splitlines()) == 1 and fragment in r.stderr  # type: ignore[attr-defined]
    assert not out.exists()


def test_import_usage_errors(tmp_path: Path) -> None:
    r = run("import", str(tmp_path / "missing.dmn"))
    assert r.exit_code == 2 and "no such file" in r.stderr  # type: ignore[attr-defined]
    (tmp_path / "m.txt").write_text("x")
    r = run("import", str(tmp_path / "m.txt"))
    assert r.exit_code == 2 and "expected a .dmn or .xml (DMN) or .json" in r.stderr  # type: ignore[attr-defined]
    r = run("import", LOAN, "--max-bytes", "10")
    assert r.exit_code == 2 and "too-large" in r.stderr  # type: ignore[attr-defined]


def test_lint_a_model_positions_every_finding_in_it() -> None:
    r = run("lint", LOAN, "--format", "json")
    assert r.exit_code == 1  # type: ignore[attr-defined]
    findings = json.loads(r.stdout)["findings"]  # type: ignore[attr-defined]
    assert [(f["code"], f["file"], f["line"]) for f in findings] == [("dmn-refused", LOAN, 59)]


@pytest.mark.parametrize("fmt", ["sarif", "github", "text"])
def test_lint_formats_work_on_a_model(fmt: str) -> None:
    r = run("lint", LOAN, "--format", fmt)
    assert r.exit_code == 1  # type: ignore[attr-defined]
    if fmt == "sarif":
        sarif = json.loads(r.stdout)  # type: ignore[attr-defined]
        (result,) = sarif["runs"][0]["results"]
        assert result["ruleId"] == "dmn-refused"
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 59
    elif fmt == "github":
        assert r.stdout.startswith(f"::error file={LOAN},line=59")  # type: ignore[attr-defined]
    else:
        assert r.stdout.startswith(f"{LOAN}:59:9: error dmn-refused: ")  # type: ignore[attr-defined]


def test_lint_a_folder_picks_up_models(tmp_path: Path) -> None:
    (tmp_path / "loan.dmn").write_bytes(Path(LOAN).read_bytes())
    r = run("lint", str(tmp_path))
    assert r.exit_code == 1 and "loan.dmn:59:9: error dmn-refused" in r.stdout  # type: ignore[attr-defined]
    assert "1 file checked" in r.stderr  # type: ignore[attr-defined]


def test_evaluate_a_model_needs_decision_when_it_holds_several() -> None:
    r = run("evaluate", LOAN, "-a", "age=30")
    assert r.exit_code == 2  # type: ignore[attr-defined]
    assert r.stderr == (  # type: ignore[attr-defined]
        f"crossroads: error: {LOAN} holds 3 decision tables: pass --decision NAME (one of 'Approval', 'Fee', 'Bad')\n"
    )


def test_evaluate_show_sql_page_batch_and_ask_take_a_model(tmp_path: Path) -> None:
    r = run(
        "evaluate",
        LOAN,
        "--decision",
        "Approval",
        "-a",
        "age=30",
        "-a",
        "risk=low",
        "-a",
        "country=NL",
        "--format",
        "json",
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["outcome"] == "approved"  # type: ignore[attr-defined]
    r = run("evaluate", LOAN, "--decision", "fee", "-a", "weight=30", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["values"] == {"fee": 5}  # type: ignore[attr-defined]
    r = run("show", LOAN, "--decision", "Approval")
    assert r.exit_code == 0 and "rule-2" in r.stdout  # type: ignore[attr-defined]
    r = run("sql", LOAN, "--decision", "Approval")
    # risk, a choice input, is read once into the packed word k0 (sql._Word): 'high' is its bit 4
    assert r.exit_code == 0 and "'k0': CASE CAST(\"risk\" AS TEXT) WHEN 'low' THEN 1" in r.stdout  # type: ignore[attr-defined]
    page = tmp_path / "p.html"
    r = run("page", LOAN, "--decision", "Approval", "-o", str(page))
    assert r.exit_code == 0 and page.read_text().startswith("<!DOCTYPE html>")  # type: ignore[attr-defined]
    r = run(
        "batch", LOAN, "--decision", "Approval", "--input", "-", stdin='{"age": 70, "risk": "low", "country": "NL"}\n'
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["outcome"] == "referred"  # type: ignore[attr-defined]
    r = run("ask", LOAN, "--decision", "Approval", stdin="30\nhigh\n")
    assert r.exit_code == 0 and "Declined" in r.stdout  # type: ignore[attr-defined]


def test_a_refused_table_and_decision_on_yaml() -> None:
    r = run("evaluate", LOAN, "--decision", "Bad", "-a", "a=1")
    assert r.exit_code == 1 and f"{LOAN}:59:9: error dmn-refused" in r.stderr  # type: ignore[attr-defined]
    r = run("evaluate", "--decision", "X")
    assert r.exit_code == 2 and "--decision picks a table of a .dmn model" in r.stderr  # type: ignore[attr-defined]


def test_lint_the_shared_tck_models_in_sarif() -> None:
    if not INTEROP.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared interop models are not at {INTEROP}; CI must run these tests", pytrace=False)
        pytest.skip(f"the shared interop models are not at {INTEROP}")
    r = run("lint", str(INTEROP / "dmn-tck" / "compliance-level-3" / "0004-lending"), "--format", "sarif")
    assert r.exit_code == 1  # type: ignore[attr-defined]
    results = json.loads(r.stdout)["runs"][0]["results"]  # type: ignore[attr-defined]
    assert {x["ruleId"] for x in results} == {"gap"}
    assert any("application-risk-score: 130" in x["message"]["text"] for x in results)
