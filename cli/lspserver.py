"""The language server's wiring: documents, debounce, the analysis worker, pull or push, the protocol.

Everything shown is computed by ``engine/authoring/editor.py`` (and the code actions' edits by
``engine/authoring/fixes.py``); this module only decides *when*:

* every change is checked after ``debounce`` seconds of quiet with the fast checks (load, schema,
  references: ``editor.fast_findings``) in a thread, and those diagnostics go out at once;
* then, if the table has no errors, the row analysis (``editor.all_findings``: ``lint_source``,
  exactly lint's findings) runs in a worker *process* under the ``--max-seconds`` budget, so a
  hard table never blocks the server (nor holds its GIL); a newer version of the document
  terminates the worker of the older one, and results of an older version are dropped, so a
  client only ever sees the newest version's findings;
* a client that offers pull diagnostics (``textDocument.diagnostic``, VS Code) gets them pulled,
  and ``workspace/diagnostic/refresh`` when the analysis lands; any other client (Neovim, Helix)
  gets ``publishDiagnostics`` — never both, so no finding is shown twice.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from crossroads import __version__
from crossroads.engine.authoring import editor
from crossroads.engine.findings import Finding

from . import formats

log = logging.getLogger("crossroads.lsp")

RUN_EXAMPLE = "crossroads.runExample"
_LINES = re.compile(r"\r\n|\r|\n")
_SETTLE = 5.0  # seconds past the analysis budget before a worker that has not answered is killed


# ---------------------------------------------------------------- the worker process


def lint_text(text: str, file: str, max_seconds: float, max_bytes: int) -> list[Finding]:
    """Every finding ``crossroads lint`` gives for the text: a table's (``editor.all_findings``) or a DMN model's."""
    if editor.is_model(file):
        from crossroads.engine.interop.models import lint_model_bytes

        data = text.encode("utf-8", "surrogatepass")
        return lint_model_bytes(data, file, max_bytes=max_bytes, max_seconds=max_seconds)
    return editor.all_findings(text, file, max_seconds, max_bytes)


def _serve(conn: Any) -> None:
    """The worker's loop: one analysis request at a time, until the pipe closes (or it is killed)."""
    while True:
        try:
            text, file, max_seconds, max_bytes = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", lint_text(text, file, max_seconds, max_bytes))
        except Exception as exc:  # the server reports it as an analysis-incomplete warning
            answer = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(answer)


class Worker:
    """A process that runs row analyses, forked from a fork server that has the engine imported.

    Workers are reused (``take``/``release``: a couple stay idle between versions, so a change
    costs no process start); one whose version was superseded is killed (``stop``), which is how
    a running analysis is cancelled, and never reused."""

    _context: Any = None
    _idle: list[Worker] = []
    KEEP_IDLE = 2

    def __init__(self) -> None:
        ctx = Worker.context()
        self._conn, child = ctx.Pipe(duplex=True)
        self._process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._stopped = False

    @classmethod
    def context(cls) -> Any:
        if cls._context is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx: Any = multiprocessing.get_context("forkserver")  # never fork this threaded process itself
                ctx.set_forkserver_preload(["crossroads.cli.lspserver", "crossroads.engine.analysis.lint"])
            else:  # Windows
                ctx = multiprocessing.get_context("spawn")
            cls._context = ctx
        return cls._context

    @classmethod
    def take(cls) -> Worker:
        while cls._idle:
            worker = cls._idle.pop()
            if worker._process.is_alive():
                return worker
        return cls()

    def release(self) -> None:
        if not self._stopped and self._process.is_alive() and len(Worker._idle) < Worker.KEEP_IDLE:
            Worker._idle.append(self)
        else:
            self.stop()

    def run(self, text: str, file: str, max_seconds: float, max_bytes: int) -> tuple[str, Any] | None:
        """The analysis' answer (blocking, in a thread); None when the worker was stopped or died;
        ``("timeout", None)`` past the budget and a margin (the worker is then killed)."""
        try:
            self._conn.send((text, file, max_seconds, max_bytes))
            if not self._conn.poll(max_seconds + _SETTLE):
                self.stop()
                return ("timeout", None)
            result: tuple[str, Any] = self._conn.recv()
            return result
        except (EOFError, OSError, BrokenPipeError):
            return None

    def stop(self) -> None:
        self._stopped = True
        if self._process.is_alive():
            self._process.kill()
        self._process.join(1)

    @classmethod
    def warm(cls) -> None:
        """Start the fork server and one idle worker ahead of the first analysis (in a thread)."""
        worker = cls()
        if len(cls._idle) < cls.KEEP_IDLE:
            cls._idle.append(worker)
        else:
            worker.stop()

    @classmethod
    def stop_all(cls) -> None:
        while cls._idle:
            cls._idle.pop().stop()


# ---------------------------------------------------------------- documents


@dataclass
class Doc:
    """One open document at its newest version, and what is known about that version."""

    uri: str
    file: str
    version: int
    text: str
    fast: tuple[Finding, ...] | None = None
    full: list[Finding] | None = None
    fast_done: asyncio.Event = field(default_factory=asyncio.Event)
    full_done: asyncio.Event = field(default_factory=asyncio.Event)
    timer: asyncio.Task[None] | None = None
    worker: Worker | None = None
    outline: editor.Outline | None = None
    outlined: bool = False
    outlining: asyncio.Task[Any] | None = None  # building ``outline`` while the analysis runs
    last_data: Any = None  # the data of the last version that loaded (completion while typing)
    fallback: str | None = None  # an earlier version's text, outlined for ``last_data`` when it is needed

    @property
    def findings(self) -> Sequence[Finding]:
        return self.full if self.full is not None else (self.fast or ())


def _file_of(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


class CrossroadsServer(LanguageServer):
    def __init__(self, max_seconds: float, max_bytes: int, debounce: float) -> None:
        super().__init__("crossroads", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.debounce = debounce
        self.docs: dict[str, Doc] = {}
        self.codes_uri = _codes_page()

    # which way diagnostics go (decided by the client's capabilities at initialize)
    @property
    def pull(self) -> bool:
        caps = self.client_capabilities.text_document
        return caps is not None and caps.diagnostic is not None

    @property
    def refresh(self) -> bool:
        ws = self.client_capabilities.workspace
        return ws is not None and ws.diagnostics is not None and bool(ws.diagnostics.refresh_support)

    # ------------------------------------------------------------ the checks

    def changed(self, uri: str, delay: float) -> None:
        """A new version of ``uri``: drop what was known, stop its analysis, check again after ``delay``."""
        td = self.workspace.get_text_document(uri)
        old = self.docs.get(uri)
        if old is not None:
            if old.timer is not None:
                old.timer.cancel()
            if old.worker is not None:
                old.worker.stop()
        doc = Doc(uri, _file_of(uri), td.version or 0, td.source)
        if old is not None:
            doc.last_data = old.last_data
            doc.fallback = old.text if old.last_data is None and old.fallback is None else old.fallback
        self.docs[uri] = doc
        if not editor.is_table(doc.text, doc.file):
            doc.fast, doc.full = (), []
            doc.fast_done.set()
            doc.full_done.set()
            self.show(doc)
            return
        doc.timer = asyncio.get_running_loop().create_task(self.check(doc, delay))

    def current(self, doc: Doc) -> bool:
        return self.docs.get(doc.uri) is doc

    async def check(self, doc: Doc, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            fast = await asyncio.to_thread(editor.fast_findings, doc.text, doc.file, self.max_bytes)
            if not self.current(doc):
                return
            if fast:
                await self.outline_async(doc)
            doc.fast = fast
            doc.fast_done.set()
            if editor.is_model(doc.file) or editor.needs_analysis(fast):
                self.show(doc)
                if not editor.is_model(doc.file):  # the tree the findings will be placed on, meanwhile
                    doc.outlining = asyncio.get_running_loop().create_task(self.outline_async(doc))
                await self.analyse(doc)
            else:
                doc.full = list(fast)
                doc.full_done.set()
                self.show(doc)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never take the server down: say it in the log
            log.exception("checking %s failed", doc.uri)
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"crossroads: checking {doc.uri} failed: {exc}")
            )
            doc.fast_done.set()
            doc.full_done.set()

    async def analyse(self, doc: Doc) -> None:
        worker = Worker.take()
        doc.worker = worker
        answer = await asyncio.to_thread(worker.run, doc.text, doc.file, self.max_seconds, self.max_bytes)
        doc.worker = None
        worker.release()
        if not self.current(doc) or answer is None:
            return  # superseded: the newer version has its own analysis
        status, value = answer
        if value:
            await self.outline_async(doc)
            if not self.current(doc):
                return
        if status == "ok":
            doc.full = list(value)
        else:
            line, column = _rules_position(doc.text)
            message = (
                f"the row analysis did not finish within {self.max_seconds:g} seconds (the worker was stopped)"
                if status == "timeout"
                else f"the row analysis failed: {value}"
            )
            doc.full = [*(doc.fast or ()), Finding("analysis-incomplete", "warning", message, doc.file, line, column)]
        doc.full_done.set()
        self.show(doc)

    def show(self, doc: Doc) -> None:
        """Send what is known now: published (push clients) or a refresh request (pull clients)."""
        if not self.current(doc):
            return
        if self.pull:
            if self.refresh:
                self.workspace_diagnostic_refresh(None)
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(doc.uri, self.lsp_diagnostics(doc), version=doc.version)
        )

    async def outline_async(self, doc: Doc) -> editor.Outline | None:
        """``outline_of`` in a thread (a large table's tree takes seconds to build), once per version."""
        if doc.outlining is not None and doc.outlining is not asyncio.current_task():
            await asyncio.shield(doc.outlining)
        if not doc.outlined:
            await asyncio.to_thread(self.outline_of, doc)
        return doc.outline

    def outline_of(self, doc: Doc) -> editor.Outline | None:
        if not doc.outlined:
            doc.outline = (
                editor.outline(doc.text, doc.file, self.max_bytes) if editor.is_table(doc.text, doc.file) else None
            )
            doc.outlined = True
            if doc.outline is not None:
                doc.last_data = doc.outline.data
        return doc.outline

    # ------------------------------------------------------------ positions

    def lines(self, doc: Doc) -> list[str]:
        return _LINES.split(doc.text)

    def to_lsp(self, doc: Doc, line: int, column: int, lines: list[str] | None = None) -> types.Position:
        lines = lines if lines is not None else self.lines(doc)
        if line >= len(lines):
            return types.Position(len(lines), 0)
        units = self.workspace.position_codec.client_num_units(lines[line][:column])
        return types.Position(line, units)

    def span(self, doc: Doc, s: editor.Span, lines: list[str] | None = None) -> types.Range:
        lines = lines if lines is not None else self.lines(doc)
        return types.Range(
            self.to_lsp(doc, s.start_line, s.start_column, lines), self.to_lsp(doc, s.end_line, s.end_column, lines)
        )

    def from_lsp(self, doc: Doc, pos: types.Position) -> tuple[int, int]:
        p = self.workspace.position_codec.position_from_client_units(
            self.lines(doc), types.Position(pos.line, pos.character)
        )
        return p.line, p.character

    def lsp_diagnostics(self, doc: Doc) -> list[types.Diagnostic]:
        if not doc.findings:
            return []
        lines = self.lines(doc)
        out = []
        for d in editor.diagnostics(doc.findings, doc.text, self.outline_of(doc)):
            f = d.finding
            out.append(
                types.Diagnostic(
                    range=self.span(doc, d.span, lines),
                    message=formats.message(f),
                    severity=types.DiagnosticSeverity.Error
                    if f.severity == "error"
                    else types.DiagnosticSeverity.Warning,
                    code=f.code,
                    code_description=types.CodeDescription(f"{self.codes_uri}#{f.code}") if self.codes_uri else None,
                    source="crossroads",
                    related_information=[
                        types.DiagnosticRelatedInformation(
                            types.Location(doc.uri, self.span(doc, r.span, lines)), r.message
                        )
                        for r in d.related
                    ]
                    or None,
                    data={"rules": list(f.rules)} if f.rules else None,
                )
            )
        return out


def _rules_position(text: str) -> tuple[int, int]:
    m = re.search(r"^rules:", text, re.MULTILINE)
    return (text.count("\n", 0, m.start()) + 1, 1) if m else (1, 1)


def _codes_page() -> str | None:
    """Write the page of finding codes once per version (the target of ``codeDescription``); its file URI."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for folder in (os.path.join(base, "crossroads", "lsp"), os.path.join(tempfile.gettempdir(), "crossroads-lsp")):
        path = Path(folder) / f"codes-{__version__}.html"
        try:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(editor.codes_page(), encoding="utf-8")
                os.replace(tmp, path)
            return path.resolve().as_uri()
        except OSError:
            continue
    return None


# ---------------------------------------------------------------- the features


def build(max_seconds: float, max_bytes: int, debounce: float) -> CrossroadsServer:
    server = CrossroadsServer(max_seconds, max_bytes, debounce)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CrossroadsServer, params: types.InitializedParams) -> None:
        await asyncio.to_thread(Worker.warm)  # the first table's analysis then starts at once

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CrossroadsServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CrossroadsServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CrossroadsServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.docs.get(params.text_document.uri)
        stalled = doc is not None and doc.timer is not None and doc.timer.done() and doc.full is None
        if doc is None or stalled:  # a check that ended without its findings (it failed): once more
            ls.changed(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CrossroadsServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.docs.pop(params.text_document.uri, None)
        if doc is not None:
            if doc.timer is not None:
                doc.timer.cancel()
            if doc.worker is not None:
                doc.worker.stop()
        if not ls.pull:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="crossroads", inter_file_dependencies=False, workspace_diagnostics=False),
    )
    async def pull_diagnostics(
        ls: CrossroadsServer, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        await doc.fast_done.wait()
        if not ls.refresh:  # no way to tell the client later: wait for the analysis (within its budget)
            try:
                await asyncio.wait_for(doc.full_done.wait(), ls.max_seconds + _SETTLE)
            except TimeoutError:
                pass
        while not ls.current(doc):  # a newer version arrived while waiting: answer for it
            newer = ls.docs.get(doc.uri)
            if newer is None:  # closed meanwhile
                return types.RelatedFullDocumentDiagnosticReport(items=[])
            doc = newer
            await doc.fast_done.wait()
        return types.RelatedFullDocumentDiagnosticReport(items=ls.lsp_diagnostics(doc), result_id=f"{doc.version}")

    async def doc_at(ls: CrossroadsServer, uri: str) -> tuple[Doc, editor.Outline] | None:
        doc = ls.docs.get(uri)
        if doc is None:
            return None
        out = await ls.outline_async(doc)
        if out is not None:
            await asyncio.to_thread(lambda: out.occurrences)  # built once, off the event loop
        return (doc, out) if out is not None else None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: CrossroadsServer, params: types.HoverParams) -> types.Hover | None:
        found = await doc_at(ls, params.text_document.uri)
        if found is None:
            return None
        doc, out = found
        line, column = ls.from_lsp(doc, params.position)
        text = await asyncio.to_thread(editor.hover, out, line, column, doc.findings)  # a row's region: a search
        if text is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text))

    def location(ls: CrossroadsServer, doc: Doc, o: editor.Occurrence) -> types.Location:
        return types.Location(doc.uri, ls.span(doc, o.span))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: CrossroadsServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = await doc_at(ls, params.text_document.uri)
        if found is None:
            return None
        doc, out = found
        d = editor.definition(out, *ls.from_lsp(doc, params.position))
        return [location(ls, doc, d)] if d is not None else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: CrossroadsServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = await doc_at(ls, params.text_document.uri)
        if found is None:
            return None
        doc, out = found
        line, column = ls.from_lsp(doc, params.position)
        refs = editor.references(out, line, column, include_definition=params.context.include_declaration)
        return [location(ls, doc, r) for r in refs] or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: CrossroadsServer, params: types.PrepareRenameParams) -> types.Range | None:
        found = await doc_at(ls, params.text_document.uri)
        if found is None:
            return None
        doc, out = found
        o = editor.occurrence_at(out, *ls.from_lsp(doc, params.position))
        if o is None:
            return None
        s = o.span
        if o.quoted:
            s = editor.Span(s.start_line, s.start_column + 1, s.end_line, s.end_column - 1)
        return ls.span(doc, s)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    async def rename(ls: CrossroadsServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = await doc_at(ls, params.text_document.uri)
        if found is None:
            return None
        doc, out = found
        line, column = ls.from_lsp(doc, params.position)
        try:
            edits = editor.rename(out, line, column, params.new_name)
        except editor.RenameError as exc:
            from pygls.exceptions import JsonRpcInvalidParams

            raise JsonRpcInvalidParams(str(exc)) from None
        if not edits:
            return None
        return types.WorkspaceEdit(changes={doc.uri: [types.TextEdit(ls.span(doc, s), new) for s, new in edits]})

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[":", " ", "[", ",", "{"])
    )
    async def completion(ls: CrossroadsServer, params: types.CompletionParams) -> types.CompletionList | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or not editor.is_table(doc.text, doc.file) or editor.is_model(doc.file):
            return None
        out = await ls.outline_async(doc)
        if out is None and doc.last_data is None and doc.fallback is not None:  # the ids of the version before
            before = await asyncio.to_thread(editor.outline, doc.fallback, doc.file, ls.max_bytes)
            doc.last_data, doc.fallback = (before.data if before is not None else None), None
        line, column = ls.from_lsp(doc, params.position)
        items = editor.completions(doc.text, line, column, out.data if out is not None else doc.last_data)
        kinds = {
            "input": types.CompletionItemKind.Field,
            "option": types.CompletionItemKind.EnumMember,
            "outcome": types.CompletionItemKind.Value,
            "output": types.CompletionItemKind.Property,
            "rule": types.CompletionItemKind.Reference,
        }
        return types.CompletionList(
            is_incomplete=False,
            items=[types.CompletionItem(c.label, kind=kinds[c.kind], detail=c.detail) for c in items],
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: CrossroadsServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or editor.is_model(doc.file) or not editor.is_table(doc.text, doc.file):
            return None
        new = editor.formatted(doc.text, doc.file)
        if new is None:
            return []
        lines = ls.lines(doc)
        whole = types.Range(types.Position(0, 0), types.Position(len(lines), 0))
        return [types.TextEdit(whole, new)]

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: CrossroadsServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or not editor.is_table(doc.text, doc.file):
            return None
        lenses = await asyncio.to_thread(editor.example_lenses, doc.text, doc.file, ls.max_bytes)
        return [
            types.CodeLens(
                types.Range(types.Position(lens.line, 0), types.Position(lens.line, 0)),
                command=types.Command(lens.title, RUN_EXAMPLE, arguments=[doc.uri, lens.index]),
            )
            for lens in lenses
        ]

    @server.command(RUN_EXAMPLE)
    async def run_example(ls: CrossroadsServer, *args: Any) -> str:
        """Run one example (``[uri, index]``) and say the result in a message."""
        values = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
        uri, index = str(values[0]), int(values[1])
        doc = ls.docs.get(uri)
        if doc is None:
            return "the document is not open"
        started = time.perf_counter()
        lenses = await asyncio.to_thread(editor.example_lenses, doc.text, doc.file, ls.max_bytes)
        lens = next((x for x in lenses if x.index == index), None)
        text = (
            f"examples[{index}]: {lens.title} ({(time.perf_counter() - started) * 1000:.0f} ms)"
            if lens is not None
            else f"examples[{index}]: not run (the table has errors, or no such example)"
        )
        kind = types.MessageType.Info if lens is not None and lens.passed else types.MessageType.Warning
        ls.window_show_message(types.ShowMessageParams(kind, text))
        return text

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
    )
    async def code_action(ls: CrossroadsServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = ls.docs.get(params.text_document.uri)
        if doc is None or editor.is_model(doc.file) or not editor.is_table(doc.text, doc.file):
            return None
        fixes = _fixes_module()
        if fixes is None:
            return None
        await doc.fast_done.wait()
        start = ls.from_lsp(doc, params.range.start)
        end = ls.from_lsp(doc, params.range.end)
        found = await asyncio.to_thread(_all_fixes, fixes, doc.text, doc.file, list(doc.findings))
        if not ls.current(doc):
            return None
        return code_actions(ls, doc, found, start, end, params.context.diagnostics)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CrossroadsServer, params: None) -> None:
        for doc in ls.docs.values():
            if doc.worker is not None:
                doc.worker.stop()
        Worker.stop_all()

    return server


def _fixes_module() -> Any:
    """``crossroads.engine.authoring.fixes`` (the code actions' edits), None where it is not installed."""
    try:
        from crossroads.engine.authoring import fixes  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return fixes


def _all_fixes(fixes: Any, text: str, file: str, findings: list[Finding]) -> tuple[Any, ...]:
    return (*fixes.fixes_for(text, file, findings), *fixes.example_fixes(text, file))


def code_actions(
    ls: CrossroadsServer,
    doc: Doc,
    found: Sequence[Any],
    start: tuple[int, int],
    end: tuple[int, int],
    context: Sequence[types.Diagnostic],
) -> list[types.CodeAction]:
    """The fixes whose finding lies on the requested range, as quick fixes (edits in the client's units)."""
    out = ls.outline_of(doc)
    lines = ls.lines(doc)
    actions = []
    for fix in found:
        span = editor.finding_span(fix.finding, out, doc.text)
        if (span.end_line, span.end_column) < start or (span.start_line, span.start_column) > end:
            continue
        edits = [
            types.TextEdit(
                ls.span(doc, editor.Span(e.start_line, e.start_column, e.end_line, e.end_column), lines), e.text
            )
            for e in fix.edits
        ]
        said = formats.message(fix.finding)
        matching = [d for d in context if d.code == fix.finding.code and d.message == said] or None
        actions.append(
            types.CodeAction(
                title=fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=matching,
                is_preferred=fix.preferred,
                edit=types.WorkspaceEdit(changes={doc.uri: edits}),
            )
        )
    return actions


def serve(max_seconds: float, max_bytes: int, debounce: float) -> None:
    logging.basicConfig(level=logging.WARNING, format="crossroads lsp: %(message)s")
    build(max_seconds, max_bytes, debounce).start_io()
