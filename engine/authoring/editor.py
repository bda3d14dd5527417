"""What an editor shows for one table's text: diagnostics, hovers, ids, completions, lenses.

``crossroads lsp`` (``cli/lsp.py``) is a thin layer over this module: it keeps
the documents, the threads and the protocol; everything it shows is computed
here from a document's text, without pygls or click, so that it can be tested
and type-checked like the rest of the engine.

Findings are ``lint``'s own: ``fast_findings`` is the loader and validation
(``pipeline.load``, as ``lint_source`` runs them first) and ``all_findings`` is
``lint_source`` itself (a ``.dmn`` model's are ``interop.models.lint_model_bytes``',
which the server calls), so an editor and ``crossroads lint --format json`` never disagree about
a code or a position. What lint does not say is where a finding *ends*:
``diagnostics`` finds the node that starts at the finding's position in the
document's source tree (``yamlsource``) and spans it.

Positions here are 0-based lines and 0-based columns in Unicode code points;
the server converts them to the client's encoding (UTF-16 by default).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crossroads.engine.authoring import yamlsource as ys
from crossroads.engine.errors import CrossroadsError
from crossroads.engine.findings import CODES, Finding, has_errors
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.table.loader import MAX_BYTES

Kind = Literal["input", "option", "outcome", "output", "rule"]

ROW_CODES = frozenset({"unreachable", "conflict", "redundant", "mergeable"})
"""Findings about whole rows: their range is the row."""

KEY_CODES = frozenset({"duplicate-key", "key-type", "unknown-input", "unknown-output", "unknown-translation"})
"""Findings lint places at a key (``findings.Finding``): where a block mapping's first key starts at
the mapping's own position, these mean the key, every other code the mapping."""

_FORMAT_LINE = re.compile(r"^format:[ \t]*[\"']?crossroads/", re.MULTILINE)
_SLUG = re.compile(r"[a-z][a-z0-9_-]{0,63}")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the text: 0-based lines, 0-based code-point columns, the end exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        """Whether the cursor at (line, column) is on the span (its end included: a cursor after the last
        character of an id is still on it)."""
        return (self.start_line, self.start_column) <= (line, column) <= (self.end_line, self.end_column)


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding placed on a span of the text, with the other rows it names."""

    finding: Finding
    span: Span
    related: tuple[Related, ...]


# ---------------------------------------------------------------- which documents, which findings


def is_model(file: str) -> bool:
    return file.lower().endswith(".dmn")


def is_table(text: str, file: str) -> bool:
    """A document the server checks: a DMN model, or YAML/JSON whose top level says ``format: crossroads/…``
    (any other YAML — a workflow, a compose file — is left alone)."""
    if is_model(file):
        return True
    if file.lower().endswith(".json"):
        return '"crossroads/' in text
    return _FORMAT_LINE.search(text) is not None


def _source(text: str, file: str) -> tables.Source:
    return tables.Source(file, text.encode("utf-8", "surrogatepass"))


def fast_findings(text: str, file: str, max_bytes: int = MAX_BYTES) -> tuple[Finding, ...]:
    """The loader's, the schema's and the reference checks' findings: what every keystroke gets.

    For a ``.dmn`` model there is no fast part: ``all_findings`` is the whole answer."""
    if is_model(file):
        return ()
    return tables.load(_source(text, file), max_bytes).findings


def needs_analysis(findings: Sequence[Finding]) -> bool:
    """Whether the row analysis can run after ``fast_findings`` (lint runs it on tables without errors)."""
    return not has_errors(list(findings))


def all_findings(text: str, file: str, max_seconds: float, max_bytes: int = MAX_BYTES) -> list[Finding]:
    """Every finding ``crossroads lint`` gives for this table text, in its order: ``lint_source`` itself.
    (A DMN model's are ``interop.models.lint_model_bytes``', a layer above this one.) Safe to run in a
    worker process."""
    from crossroads.engine.analysis.lint import lint_source

    return lint_source(_source(text, file), max_bytes=max_bytes, max_seconds=max_seconds)


# ---------------------------------------------------------------- the source tree, indexed


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place the text names an id: its definition (``inputs[i].id``…) or a reference to it.

    ``owner`` is the input an option belongs to (empty for the other kinds); ``quoted`` says the
    span includes the quotes around the id."""

    kind: Kind
    id: str
    owner: str
    span: Span
    definition: bool
    quoted: bool
    path: tuple[Any, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.owner, self.id)


class Outline:
    """A loadable text's data and source tree: every node by path, the paths starting at each position,
    and (computed on first use, as hovers and renames need them) every id occurrence."""

    __slots__ = ("text", "data", "nodes", "keys", "at", "key_at", "_occurrences", "_compiled")

    def __init__(
        self,
        text: str,
        data: Mapping[str, Any],
        nodes: Mapping[tuple[Any, ...], ys.Node],
        keys: Mapping[tuple[Any, ...], ys.Scalar],
        at: Mapping[tuple[int, int], tuple[tuple[Any, ...], ...]],
        key_at: Mapping[tuple[int, int], tuple[Any, ...]],
    ) -> None:
        self.text = text
        self.data = data
        self.nodes = nodes
        self.keys = keys
        self.at = at  # start (0-based) -> paths of the nodes starting there
        self.key_at = key_at  # start (0-based) -> the path of the entry whose key starts there
        self._occurrences: tuple[Occurrence, ...] | None = None
        self._compiled: tuple[CompiledTable | None] | None = None  # (the table or None if invalid,) once compiled

    @property
    def occurrences(self) -> tuple[Occurrence, ...]:
        if self._occurrences is None:
            self._occurrences = tuple(_occurrences(self.data, self.nodes, self.keys))
        return self._occurrences

    @property
    def compiled(self) -> CompiledTable | None:
        """The text's compiled table (None when it is invalid), compiled once per version: every row
        hover of this version searches it."""
        if self._compiled is None:
            try:
                self._compiled = (tables.compiled(_source(self.text, "<text>"), use_cache=False),)
            except CrossroadsError:
                self._compiled = (None,)
        return self._compiled[0]


def outline(text: str, file: str = "<text>", max_bytes: int = MAX_BYTES) -> Outline | None:
    """The outline of a text the loader accepts (None for any other, and for a DMN model)."""
    if is_model(file):
        return None
    import gc

    from crossroads.engine.table.loader import load_bytes

    enabled = gc.isenabled()
    gc.disable()  # a large table is a million small containers and no cycle (see formatter._collector_paused)
    try:
        collect = ys.Collector()  # the source tree rides on the loader's own parse
        try:
            data = load_bytes(_source(text, file).data, file, max(max_bytes, 1), observe=collect, positions=False).data
        except CrossroadsError:
            return None
        source = collect.take()
        if source is None:
            return None
        nodes: dict[tuple[Any, ...], ys.Node] = {}
        keys: dict[tuple[Any, ...], ys.Scalar] = {}
        at: dict[tuple[int, int], tuple[tuple[Any, ...], ...]] = {}
        key_at: dict[tuple[int, int], tuple[Any, ...]] = {}
        stack: list[tuple[tuple[Any, ...], ys.Node]] = [((), source.root)]
        while stack:
            path, node = stack.pop()
            nodes[path] = node
            if node.start is not None:
                at[node.start] = (*at.get(node.start, ()), path)
            if isinstance(node, ys.Mapping):
                for k, v in node.entries:
                    keys[(*path, k.value)] = k
                    if k.start is not None:
                        key_at[k.start] = (*path, k.value)
                    stack.append(((*path, k.value), v))
            elif isinstance(node, ys.Sequence):
                stack.extend(((*path, i), item) for i, item in enumerate(node.items))
        return Outline(text, data, nodes, keys, at, key_at)
    finally:
        if enabled:
            gc.enable()


def node_span(node: ys.Node) -> Span:
    start = node.start or (0, 0)
    end = node.end or start
    return Span(start[0], start[1], end[0], end[1])


def _scalar_occ(
    kind: Kind, node: ys.Node | None, owner: str, path: tuple[Any, ...], definition: bool = False
) -> Iterator[Occurrence]:
    if isinstance(node, ys.Scalar) and isinstance(node.value, str) and node.style in ("", "'", '"'):
        if node.start is not None and node.end is not None and node.start[0] == node.end[0]:
            yield Occurrence(kind, node.value, owner, node_span(node), definition, node.style != "", path)


def _occurrences(
    data: Mapping[str, Any], nodes: Mapping[tuple[Any, ...], ys.Node], keys: Mapping[tuple[Any, ...], ys.Scalar]
) -> Iterator[Occurrence]:
    """Every id the table defines or names, where the format says an id goes."""
    raw_inputs = data.get("inputs")
    inputs: list[Any] = raw_inputs if isinstance(raw_inputs, list) else []
    types: dict[str, str] = {}
    for i, inp in enumerate(inputs):
        if not isinstance(inp, dict):
            continue
        iid = inp.get("id")
        yield from _scalar_occ("input", nodes.get(("inputs", i, "id")), "", ("inputs", i, "id"), True)
        if isinstance(iid, str):
            types[iid] = str(inp.get("type"))
            for j, _ in enumerate(inp.get("options") or []):
                p = ("inputs", i, "options", j, "id")
                yield from _scalar_occ("option", nodes.get(p), iid, p, True)
    for section, kind in (("outcomes", "outcome"), ("outputs", "output"), ("rules", "rule")):
        items = data.get(section)
        for i, _ in enumerate(items if isinstance(items, list) else ()):
            yield from _scalar_occ(kind, nodes.get((section, i, "id")), "", (section, i, "id"), True)  # type: ignore[arg-type]

    def keys_of(kind: Kind, path: tuple[Any, ...], owner: str = "") -> Iterator[Occurrence]:
        node = nodes.get(path)
        if isinstance(node, ys.Mapping):
            for k, _ in node.entries:
                yield from _scalar_occ(kind, keys.get((*path, k.value)), owner, (*path, k.value))

    def choice_values(input_id: str, path: tuple[Any, ...]) -> Iterator[Occurrence]:
        """Option ids in a ``when`` value or an answer of a choice input: a scalar, a list, ``{not: …}``."""
        if types.get(input_id) != "choice":
            return
        node = nodes.get(path)
        if isinstance(node, ys.Scalar):
            yield from _scalar_occ("option", node, input_id, path)
        elif isinstance(node, ys.Sequence):
            for n, _ in enumerate(node.items):
                yield from choice_values(input_id, (*path, n))
        elif isinstance(node, ys.Mapping) and (*path, "not") in nodes:
            yield from choice_values(input_id, (*path, "not"))

    def when_of(path: tuple[Any, ...]) -> Iterator[Occurrence]:
        node = nodes.get(path)
        if isinstance(node, ys.Mapping):
            for k, _ in node.entries:
                yield from _scalar_occ("input", keys.get((*path, k.value)), "", (*path, k.value))
                if isinstance(k.value, str):
                    yield from choice_values(k.value, (*path, k.value))

    def result_of(path: tuple[Any, ...]) -> Iterator[Occurrence]:
        """A ``then``/``default``: an outcome id, or a values mapping keyed by output ids."""
        node = nodes.get(path)
        if isinstance(node, ys.Scalar):
            yield from _scalar_occ("outcome", node, "", path)
        else:
            yield from keys_of("output", path)

    def expect_of(path: tuple[Any, ...]) -> Iterator[Occurrence]:
        node = nodes.get(path)
        if isinstance(node, ys.Scalar):
            if node.value != "undecided":
                yield from _scalar_occ("outcome", node, "", path)
        elif isinstance(node, ys.Sequence):
            for n, _ in enumerate(node.items):
                yield from expect_of((*path, n))
        elif isinstance(node, ys.Mapping):
            for k, _ in node.entries:
                if k.value == "outcome":
                    yield from _scalar_occ("outcome", nodes.get((*path, "outcome")), "", (*path, "outcome"))
                elif k.value == "rule":
                    yield from _scalar_occ("rule", nodes.get((*path, "rule")), "", (*path, "rule"))
                elif k.value == "values":
                    yield from keys_of("output", (*path, "values"))
                else:  # a bare values mapping in a list of them
                    yield from _scalar_occ("output", keys.get((*path, k.value)), "", (*path, k.value))

    rules = data.get("rules")
    for i, _ in enumerate(rules if isinstance(rules, list) else []):
        yield from when_of(("rules", i, "when"))
        yield from result_of(("rules", i, "then"))
    yield from result_of(("default",))
    outcomes = data.get("outcomes")
    for i, _ in enumerate(outcomes if isinstance(outcomes, list) else []):
        yield from keys_of("output", ("outcomes", i, "values"))
    examples = data.get("examples")
    for i, _ in enumerate(examples if isinstance(examples, list) else []):
        yield from when_of(("examples", i, "answers"))
        yield from expect_of(("examples", i, "expect"))
    translations = data.get("translations")
    for lang in translations if isinstance(translations, dict) else {}:
        base = ("translations", lang)
        yield from keys_of("outcome", (*base, "outcomes"))
        yield from keys_of("output", (*base, "outputs"))
        yield from keys_of("rule", (*base, "rules"))
        yield from keys_of("input", (*base, "inputs"))
        node = nodes.get((*base, "inputs"))
        if isinstance(node, ys.Mapping):
            for k, _ in node.entries:
                if isinstance(k.value, str):
                    yield from keys_of("option", (*base, "inputs", k.value, "options"), k.value)


# ---------------------------------------------------------------- diagnostics


def _point_span(text: str, line: int, column: int) -> Span:
    """Where no node is known (the text does not load, a DMN model): the word at the position."""
    lines = text.splitlines()
    if line >= len(lines):
        return Span(line, column, line, column)
    m = re.compile(r"\S*").match(lines[line], column)
    end = m.end() if m else column
    return Span(line, column, line, max(end, min(column + 1, len(lines[line]))))


def finding_span(finding: Finding, out: Outline | None, text: str) -> Span:
    """The range of the node a finding points at: the offending value, the key, or the row."""
    line, column = (finding.line or 1) - 1, (finding.column or 1) - 1
    if out is None:
        return _point_span(text, line, column)
    here = (line, column)
    paths = out.at.get(here, ())
    key_path = out.key_at.get(here)
    if not paths:
        return node_span(out.keys[key_path]) if key_path is not None else _point_span(text, line, column)
    at_key = finding.code in KEY_CODES or (finding.code == "schema" and "additional" in finding.message.lower())
    if at_key and key_path is not None:
        return node_span(out.keys[key_path])
    return node_span(out.nodes[min(paths, key=len)])  # the outermost node starting there


def _row_spans(out: Outline | None) -> dict[str, Span]:
    """Each row id's span (its ``id`` value), for related information."""
    if out is None:
        return {}
    rules = out.data.get("rules")
    spans = {}
    for n, rule in enumerate(rules if isinstance(rules, list) else []):
        node = out.nodes.get(("rules", n, "id"))
        if isinstance(rule, dict) and isinstance(rule.get("id"), str) and node is not None:
            spans[rule["id"]] = node_span(node)
    return spans


_ROLES = {
    "conflict": "also matches the example's answers",
    "unreachable": "covers it",
    "redundant": "gives its results without it",
    "mergeable": "can be merged with it",
}


def diagnostics(findings: Sequence[Finding], text: str, out: Outline | None) -> tuple[Diagnostic, ...]:
    """The findings on spans of the text, each with the other rows it names as related information."""
    rows = _row_spans(out)
    result = []
    for f in findings:
        span = finding_span(f, out, text)
        own = f.rules[1] if f.code == "conflict" and len(f.rules) > 1 else (f.rules[0] if f.rules else None)
        related = tuple(
            Related(rows[r], f"row {r} {_ROLES.get(f.code, 'is involved')}")
            for r in dict.fromkeys(f.rules)
            if r != own and r in rows
        )
        result.append(Diagnostic(f, span, related))
    return tuple(result)


def codes_page() -> str:
    """An HTML page of every finding code's ``explain`` text, one anchor per code: the target of each
    diagnostic's ``codeDescription`` (offline, and the same words as ``crossroads explain``)."""
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>crossroads finding codes</title>",
        "<h1>crossroads finding codes</h1>",
    ]
    for code, info in CODES.items():
        parts.append(
            f'<section id="{code}"><h2>{code} ({info.severity})</h2><p>{html.escape(info.summary)}</p>'
            f"<p><b>Why:</b> {html.escape(info.why)}</p><p><b>Fix:</b> {html.escape(info.fix)}</p>"
            f"<pre>{html.escape(info.example)}</pre></section>"
        )
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- ids: definition, references, rename


def occurrence_at(out: Outline, line: int, column: int) -> Occurrence | None:
    for o in out.occurrences:
        if o.span.contains(line, column):
            return o
    return None


def definition(out: Outline, line: int, column: int) -> Occurrence | None:
    """The definition of the id under the cursor (None if the cursor is on no id, or it is defined nowhere)."""
    o = occurrence_at(out, line, column)
    if o is None:
        return None
    return next((d for d in out.occurrences if d.definition and d.key == o.key), None)


def references(out: Outline, line: int, column: int, *, include_definition: bool = True) -> tuple[Occurrence, ...]:
    """Every occurrence of the id under the cursor, in text order."""
    o = occurrence_at(out, line, column)
    if o is None:
        return ()
    found = [r for r in out.occurrences if r.key == o.key and (include_definition or not r.definition)]
    return tuple(sorted(found, key=lambda r: (r.span.start_line, r.span.start_column)))


class RenameError(ValueError):
    """A new name that is not an id (``[a-z][a-z0-9_-]*``, at most 64 characters)."""


def rename(out: Outline, line: int, column: int, new_name: str) -> tuple[tuple[Span, str], ...]:
    """The edits renaming the id under the cursor everywhere it is named (quotes kept); () if on no id."""
    if not _SLUG.fullmatch(new_name):
        raise RenameError(f"'{new_name}' is not an id: a lowercase letter, then letters, digits, _ or -")
    edits = []
    for r in references(out, line, column):
        s = r.span
        if r.quoted:
            s = Span(s.start_line, s.start_column + 1, s.end_line, s.end_column - 1)
        edits.append((s, new_name))
    return tuple(edits)


def apply_edits(text: str, edits: Sequence[tuple[Span, str]]) -> str:
    """The text with non-overlapping edits applied (for tests and previews)."""
    lines = text.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)

    def offset(line: int, column: int) -> int:
        return offsets[min(line, len(lines))] + column

    out = text
    for span, new in sorted(edits, key=lambda e: (e[0].start_line, e[0].start_column), reverse=True):
        a, b = offset(span.start_line, span.start_column), offset(span.end_line, span.end_column)
        out = out[:a] + new + out[b:]
    return out


# ---------------------------------------------------------------- hover


def _find(items: Any, id_: str) -> Mapping[str, Any] | None:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id") == id_:
            return item
    return None


def _uses(out: Outline, key: tuple[str, str, str]) -> str:
    refs = [o for o in out.occurrences if o.key == key and not o.definition]
    if not refs:
        return "named nowhere else"
    lines = sorted({o.span.start_line + 1 for o in refs})
    shown = ", ".join(str(n) for n in lines[:12]) + (", …" if len(lines) > 12 else "")
    return f"named {len(refs)} time{'s' if len(refs) != 1 else ''} (line{'s' if len(lines) != 1 else ''} {shown})"


def _row_at(out: Outline, line: int, column: int) -> int | None:
    rules = out.data.get("rules")
    for n, _ in enumerate(rules if isinstance(rules, list) else []):
        node = out.nodes.get(("rules", n))
        if node is not None and node_span(node).contains(line, column):
            return n
    return None


def _condition_path(out: Outline, row: int, line: int, column: int) -> str | None:
    when = out.nodes.get(("rules", row, "when"))
    if not isinstance(when, ys.Mapping):
        return None
    for k, v in when.entries:
        if node_span(v).contains(line, column) and isinstance(k.value, str):
            return k.value
    return None


def accepted(input_def: Mapping[str, Any], raw: Any) -> str:
    """The answers a condition accepts within its input's bounds, in condition syntax."""
    from crossroads.engine.table import conditions as cond
    from crossroads.engine.table.numbers import format_number

    kind = str(input_def.get("type"))
    options = tuple(str(o.get("id")) for o in input_def.get("options") or [] if isinstance(o, dict))
    parsed = cond.parse(kind, raw, options)
    if isinstance(parsed, str):
        return parsed
    if isinstance(parsed, cond.OptionSet):
        return "[" + ", ".join(o for o in options if o in parsed.values) + "]"
    if isinstance(parsed, cond.BoolIs):
        return "true" if parsed.value else "false"
    if isinstance(parsed, cond.StringSet):
        listed = ", ".join(sorted(parsed.values))
        return f"every string but [{listed}]" if parsed.negated else f"[{listed}]"
    lo: Any = None
    hi: Any = None
    show: Any = format_number
    if kind == "date":
        from crossroads.engine.table import dates

        days = [dates.parse_date(str(input_def[b])) if b in input_def else None for b in ("minimum", "maximum")]
        lo, hi = (dates.day(d) if d is not None else None for d in days)
        show = dates.format_day
    else:
        lo, hi = (cond.exact(input_def[b]) if b in input_def else None for b in ("minimum", "maximum"))
    bounds = cond.Interval(lo, True, hi, True)
    parts = parsed.parts if isinstance(parsed, cond.IntervalSet) else (parsed,)
    kept = [c for c in (p.intersection(bounds) for p in parts) if not cond.is_empty(c)]
    if not kept:
        return "no answer (nothing within the input's bounds)"
    whole = cond.union(kept)
    if whole is None:
        return "no answer (nothing within the input's bounds)"
    return whole.text(show)


def hover(out: Outline, line: int, column: int, findings: Sequence[Finding] = ()) -> str | None:
    """Markdown for the cursor: an id (what it is, where it is named), a condition (the answers it
    accepts), a row (what it decides and what the analysis says about it); None elsewhere."""
    data = out.data
    o = occurrence_at(out, line, column)
    row = _row_at(out, line, column)
    if row is not None and (o is None or o.kind in ("input", "option")):
        input_id = _condition_path(out, row, line, column)
        inp = _find(data.get("inputs"), input_id) if input_id else None
        if input_id and inp is not None:
            raw = data["rules"][row]["when"][input_id]
            text = f"**condition** on `{input_id}` ({inp.get('type')}): {inp.get('prompt', '')}\n\naccepts: `{accepted(inp, raw)}`"
            if o is not None and o.kind == "option":
                text += "\n\n" + _id_hover(out, o)
            return text
    if o is not None and not (o.kind == "rule" and o.definition):
        return _id_hover(out, o)
    if row is not None:
        return _row_hover(out, row, findings)
    return None


def _id_hover(out: Outline, o: Occurrence) -> str:
    data = out.data
    uses = _uses(out, o.key)
    if o.kind == "input":
        inp = _find(data.get("inputs"), o.id)
        if inp is None:
            return f"**input** `{o.id}`: no such input"
        bounds = "".join(f", {b} {inp[b]}" for b in ("minimum", "maximum") if b in inp)
        return f"**input** `{o.id}` ({inp.get('type')}{bounds}): {inp.get('prompt', '')}\n\n{uses}"
    if o.kind == "option":
        inp = _find(data.get("inputs"), o.owner)
        opt = _find(inp.get("options") if inp else None, o.id)
        if opt is None:
            return f"**option** `{o.id}`: no such option of `{o.owner}`"
        return f"**option** `{o.id}` of `{o.owner}`: {opt.get('label', o.id)}\n\n{uses}"
    if o.kind == "outcome":
        oc = _find(data.get("outcomes"), o.id)
        if oc is None:
            return f"**outcome** `{o.id}`: no such outcome"
        summary = f" — {oc['summary']}" if oc.get("summary") else ""
        return f"**outcome** `{o.id}`: {oc.get('title', '')}{summary}\n\n{uses}"
    if o.kind == "output":
        op = _find(data.get("outputs"), o.id)
        if op is None:
            return f"**output** `{o.id}`: no such output"
        title = f": {op['title']}" if op.get("title") else ""
        return f"**output** `{o.id}` ({op.get('type')}){title}\n\n{uses}"
    return f"**row** `{o.id}`\n\n{uses}"


HOVER_SECONDS = 0.5
"""The budget of a row hover's region search (``rows.decided_region``); past it the line is left out."""


def _decided(out: Outline, row: int) -> str | None:
    """The answers row ``row`` decides — its condition less what earlier or higher-priority rows and
    policy breaks take — in condition syntax; "nothing" for an unreachable row; None for a table
    that does not compile or a search past ``HOVER_SECONDS``."""
    from crossroads.engine.analysis.rows import decided_region
    from crossroads.engine.table.wording import describe_region

    table = out.compiled
    if table is None or row >= len(table.rules):
        return None
    region = decided_region(table, row, max_seconds=HOVER_SECONDS)
    if region is None:
        return None
    return " or ".join(describe_region(w) for w in region) if region else "nothing"


def _row_hover(out: Outline, row: int, findings: Sequence[Finding]) -> str:
    from crossroads.engine.table.wording import describe_when, yaml_scalar

    rule = out.data["rules"][row]
    rid = str(rule.get("id"))
    when = rule.get("when") or {}
    then = rule.get("then")
    lines = [f"**row** `{rid}` → `{then if isinstance(then, str) else yaml_scalar(then)}`"]
    lines.append(f"when: `{describe_when(when) if isinstance(when, dict) else when}`")
    inputs = out.data.get("inputs")
    region = []
    for key, raw in when.items() if isinstance(when, dict) else ():
        inp = _find(inputs, key)
        if inp is not None:
            try:
                region.append(f"{key}: {accepted(inp, raw)}")
            except (ArithmeticError, ValueError, TypeError, KeyError):
                region.append(f"{key}: {raw}")
    lines.append("matches answers with " + ("; ".join(region) if region else "any answer"))
    decided = _decided(out, row)
    if decided is not None:
        lines.append(f"decides: `{decided}`")
    if rule.get("because"):
        lines.append(f"because: {rule['because']}")
    for f in findings:
        if rid in f.rules:
            others = [r for r in f.rules if r != rid]
            lines.append(f"- {f.code}: {f.message}" + (f" (rows {', '.join(others)})" if others else ""))
    return "\n\n".join(lines)


# ---------------------------------------------------------------- completion


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: Kind
    detail: str


def _ids(data: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    items = data.get(section)
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)] if isinstance(items, list) else []


_OUTCOME_SLOT = re.compile(r"(?:^|[\s{,\[-])(?:then|default|expect|outcome):\s*(?:\[(?:[^\]]*,)?\s*)?$")
_FLOW_VALUE = re.compile(r"([a-z][a-z0-9_-]*):\s*(?:\{\s*not:\s*)?(?:\[(?:[^\]]*,)?\s*)?$")
_FLOW_KEY = re.compile(r"(?:^|[{,])\s*$")
_BLOCK_VALUE = re.compile(r"^(\s*)(?:-\s+)?([a-z][a-z0-9_-]*):\s*(?:\{\s*not:\s*)?(?:\[(?:[^\]]*,)?\s*)?$")
_PARENT = re.compile(r"^(\s*)(?:-\s+)?(when|answers):\s*(?:#.*)?$")


def completions(text: str, line: int, column: int, data: Mapping[str, Any] | None) -> tuple[Completion, ...]:
    """The ids that fit at the cursor, from ``data`` (the document's, or its last loadable version's):
    option ids as a ``when``/``answers`` value, input ids as their keys, outcome ids after
    ``then``/``default``/``expect``. Structure is the JSON Schema's business (yaml-language-server)."""
    if data is None:
        return ()
    lines = text.split("\n")
    if line >= len(lines):
        return ()
    prefix = lines[line][:column]
    word = re.search(r"[A-Za-z0-9_-]*$", prefix)
    before = prefix[: word.start()] if word else prefix
    if _OUTCOME_SLOT.search(before):
        return tuple(Completion(o["id"], "outcome", str(o.get("title", ""))) for o in _ids(data, "outcomes"))
    flow = re.search(r"\b(?:when|answers):\s*\{([^{}]*(?:\{[^{}]*)?)$", before)
    if flow:
        inner = flow.group(1)
        value = _FLOW_VALUE.search(inner)
        if value:
            return _options(data, value.group(1))
        if _FLOW_KEY.search(inner):
            return _inputs(data)
        return ()
    value = _BLOCK_VALUE.match(before)
    if value and _parent(lines, line, len(value.group(1))):
        return _options(data, value.group(2))
    if re.fullmatch(r"\s*", before) and _parent(lines, line, len(before)):
        return _inputs(data)
    return ()


def _parent(lines: list[str], line: int, indent: int) -> bool:
    """Whether the nearest less-indented line above is a block ``when:`` or ``answers:``."""
    for n in range(line - 1, -1, -1):
        text = lines[n]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        own = len(text) - len(text.lstrip(" "))
        m = _PARENT.match(text)
        if m is not None:
            key_column = len(m.group(1)) + (text[len(m.group(1)) :].index(m.group(2)))
            if key_column < indent:
                return True
        if own < indent:
            return False
    return False


def _inputs(data: Mapping[str, Any]) -> tuple[Completion, ...]:
    return tuple(Completion(i["id"], "input", str(i.get("prompt", ""))) for i in _ids(data, "inputs"))


def _options(data: Mapping[str, Any], input_id: str) -> tuple[Completion, ...]:
    inp = _find(data.get("inputs"), input_id)
    if inp is None or inp.get("type") != "choice":
        return ()
    return tuple(
        Completion(o["id"], "option", str(o.get("label", o["id"])))
        for o in inp.get("options") or []
        if isinstance(o, dict) and isinstance(o.get("id"), str)
    )


# ---------------------------------------------------------------- formatting and examples


def formatted(text: str, file: str) -> str | None:
    """``crossroads fmt``'s text for this document; None when it does not load (or is already canonical)."""
    from crossroads.engine.authoring.formatter import format_text

    try:
        out = format_text(text, file)
    except CrossroadsError:  # TableError, FormatError
        return None
    return None if out == text else out


@dataclass(frozen=True, slots=True)
class Lens:
    """One example: its line (0-based), its index, whether it passes, and what came."""

    line: int
    index: int
    passed: bool
    title: str


def example_lenses(text: str, file: str, max_bytes: int = MAX_BYTES) -> tuple[Lens, ...]:
    """Each example's run, as ``crossroads test`` runs it (``examples.run_examples`` on the table the
    text loads to); () for a table with blocking errors."""
    if is_model(file):
        return ()
    from crossroads.engine.authoring.examples import describe_expect, describe_result, run_examples
    from crossroads.engine.table.compiler import compile_table

    loaded = tables.load(_source(text, file), max_bytes)
    if loaded.table is None or loaded.document is None or tables.blocking_errors(loaded):
        return ()
    compiled = compile_table(loaded.table)
    lenses = []
    for run in run_examples(loaded.table, compiled, loaded.document):
        if run.passed:
            title = f"✓ passes: {describe_expect(run.expect)}"
        else:
            title = f"✗ fails: expected {describe_expect(run.expect)}, got {describe_result(run, compiled)}"
        lenses.append(Lens((run.line or 1) - 1, run.index, run.passed, title))
    return tuple(lenses)
