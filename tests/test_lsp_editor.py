"""``engine/authoring/editor.py``: what the language server shows, computed without a client.

The server's own behaviour (pull/push, worker, cancellation) is in tests/test_lsp.py; here the pure
parts: every finding's span starts where lint puts it and covers the node, ids are found wherever
the format names them, completions fit the cursor, hovers say what the README promises.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, REPO
from crossroads.cli.main import cli
from crossroads.engine.authoring import editor
from crossroads.engine.findings import CODES, Finding

BUNDLED = (REPO / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")
TABLES = sorted(
    p for folder in ("analysis", "validate", "outputs", "dates", "strings") for p in (FIXTURES / folder).glob("*.yaml")
)


@pytest.mark.parametrize("path", TABLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_diagnostics_start_where_lint_positions_and_span_a_node(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    findings = editor.all_findings(text, str(path), 20)
    out = editor.outline(text, str(path))
    diagnostics = editor.diagnostics(findings, text, out)
    assert [d.finding for d in diagnostics] == findings
    lines = text.split("\n")
    for d in diagnostics:
        f = d.finding
        assert (d.span.start_line, d.span.start_column) == ((f.line or 1) - 1, (f.column or 1) - 1), f
        assert (d.span.end_line, d.span.end_column) >= (d.span.start_line, d.span.start_column)
        if d.span.start_line == d.span.end_line and d.span.start_line < len(lines):
            assert d.span.end_column <= len(lines[d.span.start_line])


def test_fast_findings_are_lints_when_the_table_has_errors() -> None:
    broken = BUNDLED.replace("    then: rag\n", "    then: rga\n", 1)
    assert list(editor.fast_findings(broken, "t.yaml")) == editor.all_findings(broken, "t.yaml", 10)
    assert not editor.needs_analysis(editor.fast_findings(broken, "t.yaml"))


@pytest.mark.parametrize(
    "text, file, checked",
    [
        (BUNDLED, "t.yaml", True),
        ('{"format": "crossroads/1"}', "t.json", True),
        ("name: CI\non: [push]\n", "ci.yaml", False),
        ("# format: crossroads/1 in a comment\nx: 1\n", "x.yaml", False),
        ("<definitions/>", "m.dmn", True),
    ],
)
def test_which_documents_are_checked(text: str, file: str, checked: bool) -> None:
    assert editor.is_table(text, file) is checked


def _pos(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    i = text.index(needle) + offset
    return text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1)


@pytest.mark.parametrize(
    "needle, offset, kind, count",
    [
        ("  - id: change", 8, "input", 22),  # definition, when keys, example answers
        ("{id: knowledge,", 5, "option", 5),
        ("  - id: rag\n", 8, "outcome", None),
        ("  - id: knowledge-needs-retrieval", 8, "rule", None),
    ],
)
def test_references_find_every_mention(needle: str, offset: int, kind: str, count: int | None) -> None:
    out = editor.outline(BUNDLED)
    assert out is not None
    refs = editor.references(out, *_pos(BUNDLED, needle, offset))
    assert refs and {r.kind for r in refs} == {kind} and sum(r.definition for r in refs) == 1
    if count is not None:
        assert len(refs) == count
    lines = BUNDLED.split("\n")
    assert {lines[r.span.start_line][r.span.start_column : r.span.end_column].strip("\"'") for r in refs} == {
        refs[0].id
    }


def test_rename_reaches_translations_examples_and_keeps_quotes() -> None:
    text = BUNDLED.replace(
        "\nrules:\n", "\ntranslations:\n  zh:\n    outcomes: {rag: {title: 从 RAG 开始}}\nrules:\n", 1
    )
    text = text.replace("    then: rag\n", '    then: "rag"\n', 1)
    out = editor.outline(text)
    assert out is not None
    renamed = editor.apply_edits(text, editor.rename(out, *_pos(text, "  - id: rag\n", 8), "retrieval"))
    assert "{retrieval: {title: 从 RAG 开始}}" in renamed and 'then: "retrieval"' in renamed
    assert "rag\n" not in renamed.replace("rag-plus", "")
    codes = {f.code for f in editor.all_findings(renamed, "t.yaml", 10)}
    assert not {c for c in codes if CODES[c].severity == "error"}, codes
    with pytest.raises(editor.RenameError):
        editor.rename(out, *_pos(text, "  - id: rag\n", 8), "Not An Id")


@pytest.mark.parametrize(
    "typed, labels",
    [
        ("  - {id: x, when: {change: ", ["knowledge", "behaviour", "both"]),
        ("  - {id: x, when: {change: {not: [both, ", ["knowledge", "behaviour", "both"]),
        ("  - {id: x, when: {", ["change", "freshness", "citations", "examples", "budget"]),
        ("  - id: x\n    when:\n      budget: ", ["tight", "moderate", "relaxed"]),
        ("  - id: x\n    when:\n      ", ["change", "freshness", "citations", "examples", "budget"]),
        ("  - id: x\n    then: ", ["rag", "fine-tune", "rag-plus-fine-tune"]),
        ("  - id: x\n    because: ", []),
        ("  - {id: x, when: {examples: ", []),
    ],
)
def test_completions(typed: str, labels: list[str]) -> None:
    data = editor.outline(BUNDLED)
    assert data is not None
    text = BUNDLED.replace("\nrules:\n", f"\nrules:\n{typed}\n", 1)
    line, column = _pos(text, typed, len(typed))
    assert [c.label for c in editor.completions(text, line, column, data.data)] == labels


def test_hover_on_a_row_names_its_findings() -> None:
    text = (FIXTURES / "analysis" / "conflict.yaml").read_text(encoding="utf-8")
    out = editor.outline(text)
    assert out is not None
    findings = editor.all_findings(text, "c.yaml", 10)
    said = editor.hover(out, *_pos(text, "  - id: big-order", 4), findings)
    assert said is not None and said.startswith("**row** `big-order` → `some`")
    assert "matches answers with total: >= 500" in said and "- conflict:" in said
    # under unique, where it meets the other rows the policy breaks: it decides only the rest
    assert "decides: `total >= 500`" not in said


@pytest.mark.parametrize(
    ("row", "decides"),
    [
        ("too-few-examples", "change in [behaviour, both], examples < 300"),
        ("behaviour-static-enough-data", "change=behaviour, freshness=static, citations=false, examples >= 1000"),
    ],
)
def test_hover_on_a_row_says_what_it_decides(row: str, decides: str) -> None:
    text = (REPO / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")
    out = editor.outline(text)
    assert out is not None
    said = editor.hover(out, *_pos(text, f"- id: {row}", 4))
    assert said is not None and f"decides: `{decides}`" in said


FIRST = """\
format: crossroads/1
id: t
version: 1.0.0
title: T
hit_policy: first
inputs:
  - {id: n, prompt: N?, type: integer}
outcomes:
  - {id: a, title: A}
  - {id: b, title: B}
rules:
  - {id: low, when: {n: "< 10"}, then: a}
  - {id: rest, when: {n: "< 100"}, then: b}
  - {id: never, when: {n: 5}, then: b}
"""


@pytest.mark.parametrize(("row", "decides"), [("rest", "n in [10, 100)"), ("never", "nothing")])
def test_hover_under_first_the_earlier_rows_cut_into_a_row(row: str, decides: str) -> None:
    out = editor.outline(FIRST)
    assert out is not None
    said = editor.hover(out, *_pos(FIRST, f"{{id: {row}", 4))
    assert said is not None and f"decides: `{decides}`" in said, said


def test_hover_on_an_unreachable_row_says_it_decides_nothing() -> None:
    text = (FIXTURES / "analysis" / "unreachable.yaml").read_text(encoding="utf-8")
    out = editor.outline(text)
    assert out is not None
    rows = [r["id"] for r in out.data["rules"]]
    said = [editor.hover(out, *_pos(text, f"- id: {r}", 4)) or "" for r in rows]
    assert any("decides: `nothing`" in h for h in said)


@pytest.mark.parametrize(
    "inp, raw, accepts",
    [
        ({"type": "integer", "minimum": 0, "maximum": 10}, "< 3", "[0, 3)"),
        ({"type": "integer", "minimum": 5}, "< 3", "no answer (nothing within the input's bounds)"),
        ({"type": "number"}, "!= 2", "!= 2"),
        ({"type": "choice", "options": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}, {"not": "b"}, "[a, c]"),
        ({"type": "boolean"}, True, "true"),
        ({"type": "date", "minimum": "2025-01-01"}, "< 2025-02-01", "[2025-01-01, 2025-02-01)"),
    ],
)
def test_condition_accepts_within_bounds(inp: dict, raw: object, accepts: str) -> None:
    assert editor.accepted(inp, raw) == accepts


def test_formatted_is_fmt(tmp_path: Path) -> None:
    messy = BUNDLED.replace("id: rag-or-fine-tune\nversion: 1.0.0\n", "version: 1.0.0\nid:   rag-or-fine-tune\n")
    assert editor.formatted(messy, "t.yaml") == BUNDLED
    assert editor.formatted(BUNDLED, "t.yaml") is None
    assert editor.formatted("format: crossroads/1\n: [", "t.yaml") is None


def test_example_lenses_say_pass_and_fail() -> None:
    failing = BUNDLED.replace("expect: {outcome: rag, rule: knowledge-needs-retrieval}", "expect: fine-tune", 1)
    lenses = editor.example_lenses(failing, "t.yaml")
    assert len(lenses) == failing.count("expect:")
    assert [lens.passed for lens in lenses].count(False) == 1
    assert failing.split("\n")[lenses[0].line].lstrip().startswith("- ")


def test_codes_page_has_every_code() -> None:
    page = editor.codes_page()
    assert all(f'<section id="{code}">' in page for code in CODES)


def test_lsp_without_pygls_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # import pygls -> ImportError
    result = CliRunner().invoke(cli, ["lsp"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "crossroads: error: the language server needs pygls and lsprotocol: pip install 'crossroads[lsp]'"
    )


def test_code_actions_convert_fixes_to_the_clients_units() -> None:
    """The code-action wiring against the fixes contract, with a fake fix: its edit (code points)
    arrives in UTF-16 units, on the diagnostic it fixes, preferred as the fix says."""
    pytest.importorskip("pygls")
    from dataclasses import dataclass

    from lsprotocol import types
    from pygls.workspace import Workspace

    from crossroads.cli import lspserver

    @dataclass(frozen=True)
    class TextEdit:
        start_line: int
        start_column: int
        end_line: int
        end_column: int
        text: str

    @dataclass(frozen=True)
    class Fix:
        title: str
        finding: Finding
        edits: tuple[TextEdit, ...]
        preferred: bool

    text = "format: crossroads/1\ntitle: 🎯 x\n"
    server = lspserver.CrossroadsServer(10, 1 << 20, 0)
    server.protocol._workspace = Workspace(None)
    doc = lspserver.Doc("file:///t.yaml", "/t.yaml", 1, text)
    finding = Finding("schema", "error", "m", "/t.yaml", 2, 8)
    fix = Fix("Say y", finding, (TextEdit(1, 9, 1, 10, "y"),), True)
    diag = types.Diagnostic(range=types.Range(types.Position(1, 7), types.Position(1, 11)), message="m", code="schema")
    [action] = lspserver.code_actions(server, doc, [fix], (1, 8), (1, 8), [diag])
    assert action.title == "Say y" and action.is_preferred and action.diagnostics == [diag]
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes["file:///t.yaml"]
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (10, 11, "y")  # 🎯 is 2 units
    assert lspserver.code_actions(server, doc, [fix], (0, 0), (0, 3), []) == []  # not on this range


def test_rename_an_output_everywhere_it_is_a_key() -> None:
    text = (FIXTURES / "outputs" / "shipping.yaml").read_text(encoding="utf-8")
    out = editor.outline(text)
    assert out is not None
    refs = editor.references(out, *_pos(text, "  - id: fee", 8))
    lines = {r.span.start_line for r in refs if not r.definition}
    assert {n for n, line in enumerate(text.split("\n")) if "{fee:" in line} <= lines
    renamed = editor.apply_edits(text, editor.rename(out, *_pos(text, "  - id: fee", 8), "price"))
    assert "fee" not in renamed.replace("Delivery fee", "")
    assert editor.all_findings(renamed, "s.yaml", 10) == editor.all_findings(text, "s.yaml", 10)
    said = editor.hover(out, *_pos(text, "{fee: 4.9, carrier", 2))
    assert said is not None and said.startswith("**output** `fee` (number): Delivery fee")
