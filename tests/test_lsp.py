"""``crossroads lsp`` driven as a subprocess by pytest-lsp, as VS Code (pull diagnostics) and Neovim 0.7 (push).

Every diagnostic is checked against ``crossroads lint --format json`` on the same text (code,
severity, message, start of the range), so the editor and the command line never disagree.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from click.testing import CliRunner
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import FIXTURES, REPO
from crossroads.cli.main import cli

pytestmark = pytest.mark.asyncio(loop_scope="module")

CROSSROADS = shutil.which("crossroads", path=str(Path(sys.executable).parent)) or "crossroads"
BUNDLED = (REPO / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")
SETTLE = 30.0  # seconds a test waits for diagnostics to reach lint's (the analysis runs in a worker)


def vscode() -> types.ClientCapabilities:
    """VS Code's capabilities: pytest-lsp's capture of 1.65 plus pull diagnostics, which VS Code offers
    since 1.68 (``textDocument.diagnostic`` and ``workspace.diagnostics.refreshSupport``)."""
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False
    )
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


CLIENTS = {"vscode": vscode, "neovim": lambda: client_capabilities("neovim@v0.7.0")}


@pytest_lsp.fixture(
    scope="module",  # one server per client kind for the whole file: each test opens its own documents
    params=list(CLIENTS),
    config=ClientServerConfig(server_command=[CROSSROADS, "lsp", "--debounce", "0.05", "--max-seconds", "20"]),
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient):  # noqa: D103
    await lsp_client.initialize_session(types.InitializeParams(capabilities=CLIENTS[request.param]()))
    lsp_client.pull = request.param == "vscode"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------- helpers


def lint_json(text: str, tmp: Path, name: str = "t.yaml", *args: str) -> list[dict[str, Any]]:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--format", "json", *args, str(path)])
    return json.loads(result.output)["findings"]


def utf16(line: str, column: int) -> int:
    return len(line[:column].encode("utf-16-le")) // 2


def expected(text: str, tmp: Path, name: str = "t.yaml") -> list[tuple[str, int, str, int, int]]:
    """What each diagnostic must be: lint's code, severity, message and start (0-based, UTF-16)."""
    lines = text.split("\n")
    out = []
    for f in lint_json(text, tmp, name):
        line, column = f["line"] - 1, f["column"] - 1
        out.append((f["code"], 1 if f["severity"] == "error" else 2, f["message"], line, utf16(lines[line], column)))
    return sorted(out)


def key(d: types.Diagnostic) -> tuple[str, int, str, int, int]:
    return (str(d.code), int(d.severity or 0), d.message, d.range.start.line, d.range.start.character)


async def current(client: LanguageClient, uri: str) -> list[types.Diagnostic] | None:
    if client.pull:  # type: ignore[attr-defined]
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)
    got = client.diagnostics.get(uri)
    return None if got is None else list(got)


async def settled(client: LanguageClient, uri: str, want: list[Any], timeout: float = SETTLE) -> list[types.Diagnostic]:
    """The document's diagnostics once they equal ``want`` (fail with the last ones after ``timeout``)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    got: list[types.Diagnostic] | None = None
    while loop.time() < end:
        got = await current(client, uri)
        if got is not None and sorted(key(d) for d in got) == want:
            return got
        await asyncio.sleep(0.05)
    raise AssertionError(f"diagnostics {sorted(key(d) for d in got or [])} never became {want}")


def open_doc(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)
        )
    )
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to the text."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        if p.line >= len(lines):
            return len(text)
        before = sum(len(x) + 1 for x in lines[: p.line])
        units, col = 0, 0
        for ch in lines[p.line]:
            if units >= p.character:
                break
            units += len(ch.encode("utf-16-le")) // 2
            col += 1
        return before + col

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def at(text: str, needle: str, nth: int = 0, offset: int = 0) -> types.Position:
    """The position of the ``nth`` occurrence of ``needle`` (plus ``offset`` characters), UTF-16."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    start += offset
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    return types.Position(line=line, character=utf16(text.split("\n")[line], column))


@functools.lru_cache(maxsize=None)
def synthetic_text(kind: str, rows: int) -> str:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synthetic

    return synthetic.render(synthetic.table(kind, rows))


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


# a table with row findings (a conflict with its related row, a gap) and a non-ASCII title before them
ROWS = (
    (FIXTURES / "analysis" / "conflict.yaml")
    .read_text(encoding="utf-8")
    .replace("title: Discount", "title: Discount 🎯 für alle")
)
BROKEN = BUNDLED.replace("    then: rag\n", "    then: rga\n", 1)  # an unknown outcome (and two bad examples)
# findings after astral and accented characters on their own line: columns in UTF-16 units, not code points
WIDE = ROWS.replace(
    "  - id: basic\n    when: {tier: basic}\n    then: none",
    '  - {id: basic, because: "🎯é🎯", when: {tier: basic}, then: nix}',
)


# ---------------------------------------------------------------- diagnostics


@pytest.mark.parametrize("text", [ROWS, BROKEN, BUNDLED, WIDE], ids=["rows", "references", "clean", "utf-16"])
async def test_diagnostics_on_open_equal_lint(client: LanguageClient, tmp_path: Path, text: str) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", text)
    got = await settled(client, uri, expected(text, tmp_path))
    for d in got:
        assert d.source == "crossroads"
        assert d.code_description is not None and d.code_description.href.endswith(f"#{d.code}")
    if client.pull:  # type: ignore[attr-defined]
        assert uri not in client.diagnostics  # pulled, never also pushed


async def test_diagnostics_follow_changes(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BUNDLED)
    await settled(client, uri, expected(BUNDLED, tmp_path))
    change(client, uri, BROKEN, 2)
    await settled(client, uri, expected(BROKEN, tmp_path))
    change(client, uri, ROWS, 3)
    await settled(client, uri, expected(ROWS, tmp_path))


async def test_ranges_span_the_offending_node_and_relate_rows(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BROKEN)
    got = await settled(client, uri, expected(BROKEN, tmp_path))
    unknown = next(d for d in got if d.code == "unknown-outcome")
    assert apply(BROKEN, [types.TextEdit(range=unknown.range, new_text="<<>>")]).count("then: <<>>\n") == 1
    uri2 = open_doc(client, tmp_path / "r.yaml", ROWS)
    got = await settled(client, uri2, expected(ROWS, tmp_path, "r.yaml"))
    conflicts = [d for d in got if d.code == "conflict"]
    assert all(c.range.start.line < c.range.end.line for c in conflicts)  # the whole (later) row
    assert sorted(r.message for c in conflicts for r in c.related_information or []) == [
        "row basic also matches the example's answers",
        "row gold-large also matches the example's answers",
    ]
    gap = next((d for d in got if d.code == "gap"), None)
    if gap is not None:
        assert ROWS.split("\n")[gap.range.start.line][gap.range.start.character : gap.range.end.character] == "rules"


async def test_cancellation_newer_version_wins(client: LanguageClient, tmp_path: Path) -> None:
    """A slow analysis (a 2,000-row wide table) is superseded by a small table: only the newer
    version's findings ever arrive after the change."""
    slow = synthetic_text("wide", 2000)
    uri = open_doc(client, tmp_path / "t.yaml", slow)
    await asyncio.sleep(1.5)  # its fast checks are done, its analysis is running
    change(client, uri, ROWS, 2)
    want = expected(ROWS, tmp_path)
    await settled(client, uri, want)
    await asyncio.sleep(1.0)
    assert sorted(key(d) for d in await current(client, uri) or []) == want  # nothing of version 1 came later


@pytest.mark.parametrize(
    "text, code",
    [
        ("format: crossroads/1\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "anchor"),
        ("format: crossroads/1\ntitle: " + "[" * 200 + "]" * 200 + "\n", "too-deep"),
        ("format: crossroads/1\ntitle: x\n" + "#" * (8 * 1024 * 1024) + "\n", "too-large"),
    ],
    ids=["alias-bomb", "deep", "8MiB"],
)
async def test_hostile_document_gives_its_diagnostic_and_the_server_stays_up(
    client: LanguageClient, tmp_path: Path, text: str, code: str
) -> None:
    uri = open_doc(client, tmp_path / "h.yaml", text)
    got = await settled(client, uri, expected(text, tmp_path, "h.yaml"))
    assert code in {d.code for d in got}
    uri2 = open_doc(client, tmp_path / "ok.yaml", BUNDLED)  # still answering
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri2), position=at(BUNDLED, "- id: change", 0, 6))
    )
    assert hover is not None


async def test_other_yaml_is_left_alone(client: LanguageClient, tmp_path: Path) -> None:
    text = "name: CI\non: [push]\njobs: {}\n"
    uri = open_doc(client, tmp_path / "ci.yaml", text)
    await asyncio.sleep(0.5)
    assert not (await current(client, uri))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=types.Position(line=0, character=1))
    )
    assert hover is None


async def test_dmn_model_diagnostics_equal_lint(client: LanguageClient, tmp_path: Path) -> None:
    text = (FIXTURES / "dmn" / "loan.dmn").read_text(encoding="utf-8")
    broken = text.replace("<inputEntry", "<inputEntry", 1)
    uri = open_doc(client, tmp_path / "m.dmn", broken)
    await settled(client, uri, expected(broken, tmp_path, "m.dmn"))


async def test_large_table_stays_responsive(client: LanguageClient, tmp_path: Path) -> None:
    """A 10,000-row table: the fast checks' diagnostics arrive and requests are answered while its
    row analysis runs in the worker (one client kind: this is the server's work, not the protocol's)."""
    if client.pull:  # type: ignore[attr-defined]
        pytest.skip("the same server work as under the push client")
    big = synthetic_text("unique", 10_000)
    uri = open_doc(client, tmp_path / "big.yaml", big)
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() - started < SETTLE:
        got = await current(client, uri)
        if got is not None:
            break
        await asyncio.sleep(0.1)
    assert got is not None and not [d for d in got if d.severity == types.DiagnosticSeverity.Error]
    other = open_doc(client, tmp_path / "small.yaml", BUNDLED)
    t = loop.time()
    items = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(other), position=at(BUNDLED, "then: rag", 0, len("then: ")))
    )
    assert items is not None and loop.time() - t < 10


# ---------------------------------------------------------------- ids


async def test_hover_texts(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BUNDLED)
    await settled(client, uri, expected(BUNDLED, tmp_path))

    async def text(pos: types.Position) -> str:
        h = await client.text_document_hover_async(types.HoverParams(text_document=doc(uri), position=pos))
        assert h is not None and isinstance(h.contents, types.MarkupContent)
        return h.contents.value

    row = await text(at(BUNDLED, "- id: too-few-examples", 0, 8))
    assert row.startswith("**row** `too-few-examples` → `rag`")
    assert "matches answers with change: [behaviour, both]; examples: [0, 300)" in row  # within minimum 0
    assert "decides: `change in [behaviour, both], examples < 300`" in row
    assert (await text(at(BUNDLED, "  - id: change", 0, 8))).startswith(
        "**input** `change` (choice): What are you actually trying to change about the model's output?"
    )
    condition = await text(at(BUNDLED, 'examples: "< 300"', 0, 12))
    assert "accepts: `[0, 300)`" in condition
    option = await text(at(BUNDLED, "when: {change: knowledge}", 0, 16))
    assert "**option** `knowledge` of `change`: Add knowledge the model doesn't have" in option
    outcome = await text(at(BUNDLED, "then: rag", 0, 7))
    assert outcome.startswith("**outcome** `rag`: Start with RAG")


async def test_definition_and_references(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BUNDLED)
    await settled(client, uri, expected(BUNDLED, tmp_path))
    got = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=at(BUNDLED, "when: {change: knowledge}", 0, 16))
    )
    assert isinstance(got, list) and got[0].range.start == at(BUNDLED, "{id: knowledge,", 0, 5)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=at(BUNDLED, "then: fine-tune", 0, 7),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    lines = BUNDLED.split("\n")
    texts = {lines[r.range.start.line][r.range.start.character : r.range.end.character] for r in refs}
    assert texts == {"fine-tune"} and len(refs) == len(re.findall(r"(?:id|then|outcome): fine-tune(?![\w-])", BUNDLED))


@pytest.mark.parametrize(
    "needle, offset, new",
    [
        ("  - id: change", 8, "goal"),  # an input: when keys, example answers
        ("{id: knowledge,", 5, "facts"),  # an option: when values, answers
        ("  - id: rag\n", 8, "retrieval"),  # an outcome: then, expect
    ],
)
async def test_rename_then_relint_clean(
    client: LanguageClient, tmp_path: Path, needle: str, offset: int, new: str
) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BUNDLED)
    await settled(client, uri, expected(BUNDLED, tmp_path))
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=at(BUNDLED, needle, 0, offset), new_name=new)
    )
    assert edit is not None and edit.changes is not None
    renamed = apply(BUNDLED, list(edit.changes[uri]))
    assert renamed != BUNDLED and lint_json(renamed, tmp_path) == []
    assert len(edit.changes[uri]) > 2


@pytest.mark.parametrize(
    "line, labels",
    [
        ("  - {id: x, when: {change: ", ["knowledge", "behaviour", "both"]),
        ("  - {id: x, when: {change: [knowledge, ", ["knowledge", "behaviour", "both"]),
        ("  - {id: x, when: {change: both, ", ["change", "freshness", "citations", "examples", "budget"]),
        ("    then: ", ["rag", "fine-tune", "rag-plus-fine-tune"]),
        ("  - {id: x, when: {citations: ", []),  # a boolean: the schema's business
    ],
)
async def test_completion_of_ids(client: LanguageClient, tmp_path: Path, line: str, labels: list[str]) -> None:
    uri = open_doc(client, tmp_path / "t.yaml", BUNDLED)
    await settled(client, uri, expected(BUNDLED, tmp_path))
    typed = BUNDLED.replace("\nrules:\n", f"\nrules:\n{line}\n", 1)
    change(client, uri, typed, 2)
    got = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=at(typed, line, 0, len(line)))
    )
    items = got.items if isinstance(got, types.CompletionList) else (got or [])
    assert [i.label for i in items] == labels


# ---------------------------------------------------------------- formatting, lenses, actions


async def test_formatting_is_fmt(client: LanguageClient, tmp_path: Path) -> None:
    messy = BUNDLED.replace("id: rag-or-fine-tune\nversion: 1.0.0\n", "version: 1.0.0\nid:   rag-or-fine-tune\n")
    uri = open_doc(client, tmp_path / "t.yaml", messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=doc(uri), options=types.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert edits
    (tmp_path / "f.yaml").write_text(messy, encoding="utf-8")
    assert CliRunner().invoke(cli, ["fmt", str(tmp_path / "f.yaml")]).exit_code == 0
    assert apply(messy, list(edits)) == (tmp_path / "f.yaml").read_text(encoding="utf-8") == BUNDLED


async def test_code_lens_per_example_and_its_command(client: LanguageClient, tmp_path: Path) -> None:
    failing = BUNDLED.replace("expect: {outcome: rag, rule: knowledge-needs-retrieval}", "expect: fine-tune", 1)
    uri = open_doc(client, tmp_path / "t.yaml", failing)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(uri)))
    assert lenses is not None
    titles = [lens.command.title for lens in lenses if lens.command is not None]
    assert len(titles) == failing.count("expect:") and sum(t.startswith("✓ passes") for t in titles) == len(titles) - 1
    bad = next(lens for lens in lenses if lens.command is not None and lens.command.title.startswith("✗"))
    assert (
        bad.command is not None and "expected fine-tune, got rag by row knowledge-needs-retrieval" in bad.command.title
    )
    said = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=bad.command.command, arguments=bad.command.arguments)
    )
    assert said.startswith("examples[0]: ✗ fails")
    await asyncio.sleep(0.2)
    assert client.messages and client.messages[-1].message == said


async def test_code_actions_applied_remove_their_finding(client: LanguageClient, tmp_path: Path) -> None:
    """Every quick fix offered on a row finding, applied: that finding is gone and no error is new."""
    pytest.importorskip("crossroads.engine.authoring.fixes")
    for name in ("gap", "unreachable", "redundant", "mergeable", "conflict"):
        text = (FIXTURES / "analysis" / f"{name}.yaml").read_text(encoding="utf-8")
        uri = open_doc(client, tmp_path / f"{name}.yaml", text)
        got = await settled(client, uri, expected(text, tmp_path, f"{name}.yaml"))
        before = {(f["code"], f["message"]) for f in lint_json(text, tmp_path, f"{name}.yaml")}
        target = next(d for d in got if d.code == name)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc(uri), range=target.range, context=types.CodeActionContext(diagnostics=got)
            )
        )
        fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.diagnostics]
        assert fixes, name
        for action in fixes:
            assert action.kind == types.CodeActionKind.QuickFix and action.diagnostics is not None
            assert action.edit is not None and action.edit.changes is not None
            fixed = apply(text, list(action.edit.changes[uri]))
            after = lint_json(fixed, tmp_path, f"{name}-fixed.yaml")
            fixed_one = action.diagnostics[0]
            assert (fixed_one.code, fixed_one.message) not in {(f["code"], f["message"]) for f in after}, action.title
            new_errors = {(f["code"], f["message"]) for f in after if f["severity"] == "error"} - before
            assert not new_errors, (action.title, new_errors)


async def test_code_action_inserts_an_example_for_an_uncovered_row(client: LanguageClient, tmp_path: Path) -> None:
    pytest.importorskip("crossroads.engine.authoring.fixes")
    text = BUNDLED[: BUNDLED.index("\nexamples:")] + "\n"  # no examples: every row is uncovered
    uri = open_doc(client, tmp_path / "t.yaml", text)
    await settled(client, uri, expected(text, tmp_path))
    row = at(text, "  - id: too-few-examples", 0, 4)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(start=row, end=row),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    examples = [a for a in actions or [] if isinstance(a, types.CodeAction) and "example" in a.title.lower()]
    assert examples, [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert examples[0].edit is not None and examples[0].edit.changes is not None
    fixed = apply(text, list(examples[0].edit.changes[uri]))
    assert lint_json(fixed, tmp_path, "t2.yaml") == []
    (tmp_path / "t2.yaml").write_text(fixed, encoding="utf-8")
    ran = CliRunner().invoke(cli, ["test", "--format", "json", str(tmp_path / "t2.yaml")])
    assert ran.exit_code == 0, ran.output


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[CROSSROADS, "lsp", "--debounce", "0", "--max-seconds", "0.5"]),
)
async def hurried(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim@v0.7.0")))
    lsp_client.pull = False  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def test_too_hard_for_the_budget_is_analysis_incomplete(hurried: LanguageClient, tmp_path: Path) -> None:
    """A table the row analysis cannot finish within ``--max-seconds`` shows ``analysis-incomplete``
    (lint's own warning, as ``lint --max-seconds`` gives it) instead of freezing the editor."""
    hard = synthetic_text("wide", 2000)
    uri = open_doc(hurried, tmp_path / "hard.yaml", hard)
    loop = asyncio.get_running_loop()
    end = loop.time() + SETTLE
    codes: set[str] = set()
    while loop.time() < end and "analysis-incomplete" not in codes:
        await asyncio.sleep(0.1)
        codes = {str(d.code) for d in hurried.diagnostics.get(uri, [])}
    assert "analysis-incomplete" in codes
    hover = await hurried.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=at(hard, "  - id: ", 0, 8))
    )
    assert hover is not None
