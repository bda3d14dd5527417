"""Code actions as data: the text edits that fix a lint finding, for an editor (``crossroads lsp``).

``fixes_for(text, file, findings)`` takes the findings ``lint_source`` gave for
``text`` and returns the fixes it can compute, each a list of minimal text edits
(``TextEdit``: 0-based lines, 0-based columns in code points, end exclusive):

* ``gap``: a row covering the gap's region (``analysis.rows.gaps``: the region
  as data), added at the end of ``rules``, one fix per outcome (for a table of
  outputs alone, with the first row's values); and, when the table has no
  ``default``, ``default: <outcome>``, one fix per outcome. Several gaps: a fix
  each, with distinct new row ids (``gap-1``, ``gap-2``…, never one in use);
* ``unreachable``, ``redundant``: delete the row — the list item and the
  comment lines above it when they are its own (the row alone in its
  paragraph; a comment heading several rows stays), the blank line it leaves
  doubled, and what names it elsewhere: its ``translations.<lang>.rules``
  entry, and an example's ``rule:`` pin (the example then expects the outcome
  alone); never the last row of a table (an empty ``rules`` is a schema error);
* ``mergeable``: the group's first row takes the merged condition
  (``analysis.mergeable.groups``), the other members are deleted as above;
* ``conflict``: the later row narrowed by the earlier one — where the later
  row lies inside the earlier on every input but one, and what is left of it on
  that one is one condition (options, or one interval); else no fix.

``example_fixes(text, file)``: for each reachable row no example exercises, the
example ``crossroads test --generate`` would write for it
(``examples.missing_examples``), added at the end of ``examples``.

Edits keep everything else as written; inserted text is in the layout ``fmt``
prints (a block list item per row, ``when`` and ``then`` in flow style,
``"..."`` around a numeric condition), indented like the list it joins, so a
table ``fmt --check`` accepted stays accepted. Nothing here re-lints: the
tests apply every fix and lint again (the finding is gone, no error is new),
on fixtures in block and flow style and on random tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from crossroads.engine.analysis import mergeable as merging
from crossroads.engine.analysis import rows as analysis
from crossroads.engine.authoring import yamlsource as ys
from crossroads.engine.findings import Finding
from crossroads.engine.search import space
from crossroads.engine.table import dates
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import NUMERIC_TYPES, CompiledTable, NumberColumn, compile_table
from crossroads.engine.table.conditions import format_number
from crossroads.engine.table.loader import MAX_BYTES
from crossroads.engine.table.policies import policy_of
from crossroads.engine.table.wording import describe_when
from crossroads.engine.table.yamlscalar import quote


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text from (start_line, start_column) to (end_line, end_column) by ``text``.

    Lines and columns are 0-based, columns count Unicode code points, the end is exclusive
    (the language server converts columns to the client's encoding)."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """One code action: ``edits`` (non-overlapping, applied together) fix ``finding``.

    ``preferred``: the fix an editor may apply on its own (a "quick fix"): a deletion or a merge
    that changes no result, an example; not a fix that chooses an outcome for the author."""

    title: str
    finding: Finding
    edits: tuple[TextEdit, ...]
    preferred: bool


_BREAK = re.compile(r"\r\n|\r|\n")
_CONDITION_START = tuple("<>=[(")
_PLAIN_DATE = re.compile(dates.DATE)


def apply(text: str, edits: Sequence[TextEdit]) -> str:
    """``text`` with ``edits`` applied (positions refer to ``text``; they must not overlap).

    Raises ``ValueError`` for overlapping edits or a position outside the text."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    ends = [m.start() for m in _BREAK.finditer(text)] + [len(text)]

    def offset(line: int, column: int) -> int:
        if not 0 <= line < len(starts) or not 0 <= column <= ends[line] - starts[line]:
            raise ValueError(f"position {line}:{column} is outside the text")
        return starts[line] + column

    spans = sorted((offset(e.start_line, e.start_column), offset(e.end_line, e.end_column), e.text) for e in edits)
    out: list[str] = []
    at = 0
    for lo, hi, new in spans:
        if lo < at or hi < lo:
            raise ValueError("overlapping or reversed edits")
        out.append(text[at:lo])
        out.append(new)
        at = hi
    out.append(text[at:])
    return "".join(out)


# ---------------------------------------------------------------- the document


class _Doc:
    """One text as the fixes see it: its lines, its styled YAML tree, the validated and compiled table."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.lines = _BREAK.split(text)  # a text ending in a line break ends with an empty line
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self.bom = 1 if text.startswith("\ufeff") else 0
        data = text.encode("utf-8")
        loaded = tables.load(tables.Source(file, data), max(MAX_BYTES, len(data)))
        if loaded.table is None or loaded.document is None or any(f.severity == "error" for f in loaded.findings):
            raise _NoFix
        self.table = loaded.table
        self.document = loaded.document
        self.compiled: CompiledTable = compile_table(loaded.table)
        self.tree = ys.parse(text[self.bom :])
        if not isinstance(self.tree.root, ys.Mapping):
            raise _NoFix
        self.root: ys.Mapping = self.tree.root
        rules = _entry(self.root, "rules")
        if rules is None or not isinstance(rules[2], ys.Sequence) or not rules[2].items:
            raise _NoFix
        self.rules: ys.Sequence = rules[2]
        self.rules_line = _start(rules[1])[0]  # the ``rules:`` key's line
        self.row_index = {r.id: n for n, r in enumerate(self.table.rules)}
        self.comments = {c.line: c for c in self.tree.comments}

    def pos(self, at: ys.Pos) -> tuple[int, int]:
        """A tree position as a text position (the tree was parsed without a byte order mark)."""
        return (at[0], at[1] + self.bom) if at[0] == 0 else at

    def edit(self, start: ys.Pos, end: ys.Pos, text: str) -> TextEdit:
        (a, b), (c, d) = self.pos(start), self.pos(end)
        return TextEdit(a, b, c, d, text)

    def line_edit(self, first: int, last: int, text: str = "") -> TextEdit:
        """Replace whole lines ``first..last`` (inclusive, with their line breaks) by ``text``."""
        if last + 1 < len(self.lines):
            return TextEdit(first, 0, last + 1, 0, text)
        # the last line has no break after it: take the break before the first line instead
        if first == 0:
            return TextEdit(0, 0, last, len(self.lines[last]), text)
        return TextEdit(first - 1, len(self.lines[first - 1]), last, len(self.lines[last]), text)

    def insert_lines(self, before: int, new: list[str]) -> TextEdit:
        """New lines inserted before line ``before`` (``len(lines)`` or the empty last line: at the end)."""
        body = self.nl.join(new)
        if before < len(self.lines) and not (before == len(self.lines) - 1 and self.lines[before] == ""):
            return TextEdit(before, 0, before, 0, body + self.nl)
        last = len(self.lines) - 1
        if self.lines[last] == "":  # the text ends in a line break
            return TextEdit(last, 0, last, 0, body + self.nl)
        return TextEdit(last, len(self.lines[last]), last, len(self.lines[last]), self.nl + body)

    def starts_line(self, at: ys.Pos) -> bool:
        """Whether only spaces stand before tree position ``at`` on its line."""
        line, column = self.pos(at)
        return not self.lines[line][:column].strip(" \t")

    def blank(self, line: int) -> bool:
        return 0 <= line < len(self.lines) and not self.lines[line].strip(" \t")

    def comment_only(self, line: int) -> ys.Comment | None:
        c = self.comments.get(line)
        return c if c is not None and c.text and not c.trailing else None

    def ids(self) -> set[str]:
        t = self.table
        return (
            {r.id for r in t.rules} | {o.id for o in t.outcomes} | {i.id for i in t.inputs} | {o.id for o in t.outputs}
        )

    def item(self, rule: str) -> ys.Node:
        return self.rules.items[self.row_index[rule]]


class _NoFix(Exception):
    """The text gives no ground for a fix (it does not load, or is laid out in a way not handled)."""


def _value(mapping: ys.Node | None, key: str) -> ys.Node | None:
    if not isinstance(mapping, ys.Mapping):
        return None
    return next((v for k, v in mapping.entries if k.value == key), None)


def _entry(mapping: ys.Mapping, key: str) -> tuple[int, ys.Scalar, ys.Node] | None:
    for n, (k, v) in enumerate(mapping.entries):
        if k.value == key:
            return n, k, v
    return None


def _end(node: ys.Node) -> ys.Pos:
    """Where a node's text ends (exclusive); a block collection's is its last child's."""
    if isinstance(node, ys.Mapping) and not node.flow and node.entries:
        return _end(node.entries[-1][1])
    if isinstance(node, ys.Sequence) and not node.flow and node.items:
        return _end(node.items[-1])
    assert node.end is not None
    return node.end


def _start(node: ys.Node) -> ys.Pos:
    assert node.start is not None
    return node.start


def _last_line(node: ys.Node) -> int:
    line, column = _end(node)
    start = _start(node)[0]
    return line - 1 if column == 0 and line > start else line


# ---------------------------------------------------------------- YAML text in fmt's style


def _scalar(value: Any, *, condition: bool = False, date_slot: bool = False) -> str:
    """A scalar as ``fmt`` prints it in a flow collection (``formatter._scalar_text``)."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if date_slot and _PLAIN_DATE.fullmatch(text):
        return text
    return quote(text, True, double=condition and text.lstrip().startswith(_CONDITION_START))


def _flow(value: Any, *, condition: bool = False, date_slot: bool = False) -> str:
    """A value in flow style; ``condition``: a ``when`` value (a numeric condition gets double quotes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(str(k), True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, condition=condition, date_slot=date_slot)


def _when(when: dict[str, Any]) -> str:
    """A ``when`` mapping in flow style, keys in the order given (the table's input order)."""
    return (
        "{" + ", ".join(f"{quote(k, True)}: {_flow(v, condition=True, date_slot=True)}" for k, v in when.items()) + "}"
    )


def _answers(answers: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{quote(k, True)}: {_flow(v, date_slot=True)}" for k, v in answers.items()) + "}"


# ---------------------------------------------------------------- entry points


def fixes_for(text: str, file: str, findings: Sequence[Finding], *, max_seconds: float = 10.0) -> tuple[Fix, ...]:
    """The fixes for those of ``findings`` (``lint_source``'s, for ``text``) that can be fixed, in
    the order of ``findings`` (gaps first); each fix is for one finding, computed on ``text``: apply
    one, then ask again.

    Cost: deleting and narrowing are bit operations on the compiled table; gap fixes repeat the row
    analysis once (their regions as data), and under ``first``/``priority`` each merge fix lints
    the merged text (to find rows it leaves never deciding) — so pass the findings a code action
    is asked for, not every finding of a large table. ``max_seconds`` is those analyses' budget;
    past it those fixes are left out."""
    try:
        doc = _Doc(text, file)
    except (_NoFix, ValueError):
        return ()
    out: list[Fix] = []
    gap_findings = [f for f in findings if f.code == "gap"]
    if gap_findings:
        out += _gap_fixes(doc, gap_findings, max_seconds)
    merge_groups: dict[tuple[str, ...], merging.Group] | None = None
    for f in findings:
        try:
            if f.code in ("unreachable", "redundant") and f.rules:
                out += _delete_fix(doc, f)
            elif f.code == "mergeable" and f.rules:
                if merge_groups is None:
                    pieces = space.root_pieces(doc.compiled)
                    merge_groups = {g.rows: g for g in merging.groups(doc.compiled, pieces)}
                group = merge_groups.get(f.rules)
                if group is not None:
                    unreachable = {x.rules[0] for x in findings if x.code == "unreachable" and x.rules}
                    out += _merge_fix(doc, f, group, unreachable, max_seconds)
            elif f.code == "conflict" and len(f.rules) == 2:
                out += _conflict_fix(doc, f)
        except _NoFix:
            continue
    return tuple(out)


def example_fixes(text: str, file: str, *, max_seconds: float = 10.0) -> tuple[Fix, ...]:
    """For each reachable row no example exercises, a fix adding the example ``test --generate``
    writes for it; ``Fix.finding`` is an ``uncovered`` warning at the row."""
    from crossroads.engine.authoring.examples import coverage, missing_examples, run_examples
    from crossroads.engine.authoring.testing import witnesses_of

    try:
        doc = _Doc(text, file)
    except (_NoFix, ValueError):
        return ()
    witnesses, complete, conflicting = witnesses_of(doc.compiled, max_seconds)
    if not complete:
        return ()
    runs = run_examples(doc.table, doc.compiled, doc.document)
    cov = coverage(doc.compiled, runs, witnesses, complete=complete, conflicting=conflicting)
    out = []
    for rule in cov.uncovered:
        new = missing_examples(doc.compiled, replace(cov, uncovered=(rule,)), witnesses)
        if not new:
            continue
        try:
            edit = _add_example(doc, new[0])
        except _NoFix:
            continue
        line, column = doc.document.position(("rules", doc.row_index[rule]))
        finding = Finding(
            "uncovered",
            "warning",
            f"row {rule} is exercised by no example",
            file,
            line,
            column,
            rules=(rule,),
            example=new[0]["answers"],
        )
        out.append(Fix(f"Add an example for row {rule}", finding, (edit,), True))
    return tuple(out)


# ---------------------------------------------------------------- gaps


def _gap_fixes(doc: _Doc, findings: list[Finding], max_seconds: float) -> Iterator[Fix]:
    regions = {f.message: when for f, when in analysis.gaps(doc.compiled, max_seconds=max_seconds)}
    used = doc.ids()
    results = _results(doc)
    default_free = "default" not in doc.document.data
    n = 0
    for f in findings:
        when = regions.get(f.message)
        if when is None:
            continue
        n += 1
        while f"gap-{n}" in used:
            n += 1
        rule_id = f"gap-{n}"
        used.add(rule_id)
        for label, then in results:
            try:
                edit = _add_row(doc, rule_id, when, then)
            except _NoFix:
                break
            yield Fix(f"Add row {rule_id} for {describe_when(when)} → {label}", f, (edit,), False)
        if default_free:
            for label, then in results:
                try:
                    edit = _add_default(doc, then)
                except _NoFix:
                    break
                yield Fix(f"Add default: {label}", f, (edit,), False)


def _results(doc: _Doc) -> list[tuple[str, Any]]:
    """What a new row (or default) can decide: every outcome; a table of outputs alone, the first row's values."""
    if doc.table.outcomes:
        return [(o.id, o.id) for o in doc.table.outcomes]
    then = doc.document.data["rules"][0]["then"]
    return [(_flow(then), then)]


def _add_row(doc: _Doc, rule_id: str, when: dict[str, Any], then: Any) -> TextEdit:
    seq = doc.rules
    last = seq.items[-1]
    then_text = _flow(then)
    if seq.flow:
        parts = [f"id: {rule_id}"] + ([f"when: {_when(when)}"] if when else []) + [f"then: {then_text}"]
        return _append_flow_item(doc, seq, "{" + ", ".join(parts) + "}")
    assert seq.start is not None
    pad = " " * seq.start[1]
    if isinstance(last, ys.Mapping) and last.flow:
        parts = [f"id: {rule_id}"] + ([f"when: {_when(when)}"] if when else []) + [f"then: {then_text}"]
        lines = [f"{pad}- {{{', '.join(parts)}}}"]
    else:
        lines = [f"{pad}- id: {rule_id}"]
        if when:
            lines.append(f"{pad}  when: {_when(when)}")
        lines.append(f"{pad}  then: {then_text}")
    return doc.insert_lines(_item_last_line(doc, len(seq.items) - 1) + 1, lines)


def _add_default(doc: _Doc, then: Any) -> TextEdit:
    root = doc.root
    if root.flow:
        raise _NoFix
    column = _start(root.entries[0][0])[1]
    after = None
    for key, value in root.entries:  # fmt's place: after hit_policy (and aggregate), before inputs
        if key.value in ("format", "id", "version", "title", "summary", "hit_policy", "aggregate"):
            after = _last_line(value)
    if after is None:
        raise _NoFix
    return doc.insert_lines(after + 1, [" " * column + f"default: {_flow(then)}"])


# ---------------------------------------------------------------- deleting rows


def _delete_fix(doc: _Doc, f: Finding) -> list[Fix]:
    rule = f.rules[0]
    if rule not in doc.row_index or len(doc.rules.items) < 2:
        return []
    edits = _delete_rows(doc, [doc.row_index[rule]]) + _forget(doc, {rule})
    why = "never decides" if f.code == "unreachable" else "changes no result"
    return [Fix(f"Delete row {rule} ({why})", f, tuple(edits), True)]


def _item_last_line(doc: _Doc, index: int) -> int:
    """A block list item's last line: its content's, and the comment lines indented under it."""
    seq = doc.rules
    assert seq.dashes is not None and seq.start is not None
    line = max(_last_line(seq.items[index]), seq.dashes[index])
    limit = seq.dashes[index + 1] if index + 1 < len(seq.items) else len(doc.lines)
    while line + 1 < limit:
        c = doc.comment_only(line + 1)
        if c is None or c.column <= seq.start[1]:
            break
        line += 1
    return line


def _item_lines(doc: _Doc, index: int) -> tuple[int, int]:
    """The lines a block list item holds: from its dash (or the comments above it that are its
    own: the item alone in its paragraph) to its last line."""
    seq = doc.rules
    assert seq.dashes is not None and seq.start is not None
    first = seq.dashes[index]
    last = _item_last_line(doc, index)
    column = seq.start[1]
    followed = index + 1 < len(seq.items) and seq.dashes[index + 1] == last + 1  # the next row right below
    if not followed:
        floor = (_item_last_line(doc, index - 1) + 1) if index > 0 else doc.rules_line + 1
        above = first - 1
        while above >= floor:
            c = doc.comment_only(above)
            if c is None or c.column > column:
                break
            above -= 1
        first = above + 1
    return first, last


def _delete_rows(doc: _Doc, indexes: list[int]) -> list[TextEdit]:
    """Edits deleting the rows at ``indexes`` (not every row) from the ``rules`` list."""
    seq = doc.rules
    chosen = sorted(set(indexes))
    if len(chosen) >= len(seq.items):
        raise _NoFix
    if seq.flow:
        return _delete_flow_items(doc, seq, chosen)
    lines: set[int] = set()
    for i in chosen:
        first, last = _item_lines(doc, i)
        lines.update(range(first, last + 1))
    edits = []
    for first, last in _runs(sorted(lines)):
        if doc.blank(last + 1) and (doc.blank(first - 1) or first - 1 == doc.rules_line):
            last += 1  # one blank line left, not two (nor one right under ``rules:``)
        elif last + 1 >= len(doc.lines) - (1 if doc.lines[-1] == "" else 0) and doc.blank(first - 1):
            first -= 1  # the end of the file: no blank line left before it
        edits.append(doc.line_edit(first, last))
    return edits


def _runs(lines: list[int]) -> Iterator[tuple[int, int]]:
    start = prev = lines[0]
    for n in lines[1:]:
        if n != prev + 1:
            yield start, prev
            start = n
        prev = n
    yield start, prev


def _delete_flow_items(doc: _Doc, seq: ys.Sequence, chosen: list[int]) -> list[TextEdit]:
    """Flow-list items deleted with their commas: a run ``a..b`` from the end of item ``a-1`` to the
    end of ``b`` (or, at the front, from ``a`` to the start of the item after ``b``)."""
    edits = []
    items = seq.items
    for a, b in _runs(chosen):
        if b + 1 < len(items) and (a == 0 or doc.starts_line(_start(items[a]))):
            edits.append(doc.edit(_start(items[a]), _start(items[b + 1]), ""))  # the next item takes its place
        else:
            edits.append(doc.edit(_end(items[a - 1]), _end(items[b]), ""))
    return edits


def _append_flow_item(doc: _Doc, seq: ys.Sequence, text: str) -> TextEdit:
    """An item added at the end of a flow list: on a line of its own where the items are one a line."""
    items = seq.items
    last = items[-1]
    own_line = doc.starts_line(_start(last)) and (len(items) == 1 or _end(items[-2])[0] < _start(last)[0])
    if own_line:
        column = doc.pos(_start(last))[1]
        return doc.edit(_end(last), _end(last), "," + doc.nl + " " * column + text)
    return doc.edit(_end(last), _end(last), ", " + text)


def _forget(doc: _Doc, rules: set[str], *, pin_to: str | None = None) -> list[TextEdit]:
    """Edits removing what names deleted ``rules``: translations of them, examples' pins to them
    (re-pinned to ``pin_to``, the row that now decides, or reduced to the outcome)."""
    edits: list[TextEdit] = []
    translations = _value(doc.root, "translations")
    if isinstance(translations, ys.Mapping):
        for _, translation in translations.entries:
            by_rule = _value(translation, "rules")
            if not isinstance(by_rule, ys.Mapping) or not isinstance(translation, ys.Mapping):
                continue
            keys = [k.value for k, _ in by_rule.entries if k.value in rules]
            if not keys:
                continue
            if len(keys) == len(by_rule.entries):
                edits += _delete_entries(doc, translation, ["rules"])
            else:
                edits += _delete_entries(doc, by_rule, keys)
    examples = _value(doc.root, "examples")
    if isinstance(examples, ys.Sequence):
        for example in examples.items:
            expect = _value(example, "expect")
            if not isinstance(expect, ys.Mapping):
                continue
            pinned = _entry(expect, "rule")
            if pinned is None or not isinstance(pinned[2], ys.Scalar) or pinned[2].value not in rules:
                continue
            if pin_to is not None:
                value = pinned[2]
                edits.append(doc.edit(_start(value), _end(value), quote(pin_to, expect.flow)))
                continue
            outcome = _value(expect, "outcome")
            if isinstance(outcome, ys.Scalar) and len(expect.entries) == 2:
                edits.append(doc.edit(_start(expect), _end(expect), _flow(outcome.value)))
            else:
                edits += _delete_entries(doc, expect, ["rule"])
    return edits


def _delete_entries(doc: _Doc, mapping: ys.Mapping, keys: list[str]) -> list[TextEdit]:
    """Edits deleting the entries ``keys`` of ``mapping`` (some entries stay)."""
    drop = [n for n, (k, _) in enumerate(mapping.entries) if k.value in keys]
    if len(drop) >= len(mapping.entries):
        raise _NoFix
    entries = mapping.entries
    edits = []
    if mapping.flow:
        for a, b in _runs(drop):
            if a > 0:
                edits.append(doc.edit(_end(entries[a - 1][1]), _end(entries[b][1]), ""))
            else:
                edits.append(doc.edit(_start(entries[a][0]), _start(entries[b + 1][0]), ""))
        return edits
    for a, b in _runs(drop):
        first = _start(entries[a][0])[0]
        last = _last_line(entries[b][1])
        if first == _start(mapping)[0] and a == 0 and _line_starts_before(doc, first, _start(entries[a][0])[1]):
            raise _NoFix  # the first key shares its line with a dash or a parent key: not a line edit
        edits.append(doc.line_edit(first, last))
    return edits


def _line_starts_before(doc: _Doc, line: int, column: int) -> bool:
    return bool(doc.lines[line][:column].strip(" "))


# ---------------------------------------------------------------- conditions of a row


def _set_condition(doc: _Doc, rule: str, input_id: str, value: Any) -> list[TextEdit]:
    """Edits making row ``rule``'s condition on ``input_id`` ``value`` (None: no condition)."""
    item = doc.item(rule)
    if not isinstance(item, ys.Mapping):
        raise _NoFix
    order = {i.id: n for n, i in enumerate(doc.table.inputs)}
    text = None if value is None else _flow(value, condition=True, date_slot=True)
    found = _entry(item, "when")
    if found is None:
        if text is None:
            return []
        return [_add_entry(doc, item, "when", "{" + f"{quote(input_id, True)}: {text}" + "}", after="id")]
    when = found[2]
    if isinstance(when, ys.Scalar) and when.value is None:  # ``when:`` with nothing: none
        if text is None:
            return []
        return [doc.edit(_start(when), _end(when), "{" + f"{quote(input_id, True)}: {text}" + "}")]
    if not isinstance(when, ys.Mapping):
        raise _NoFix
    present = _entry(when, input_id)
    if present is not None:
        if text is None:
            if len(when.entries) == 1:
                return (
                    [doc.edit(_start(when), _end(when), "{}")] if when.flow else _delete_entries_or_all(doc, item, when)
                )
            return _delete_entries(doc, when, [input_id])
        node = present[2]
        return [doc.edit(_start(node), _end(node), text)]
    if text is None:
        return []
    entry = f"{quote(input_id, True)}: {text}"
    later = [k for k, _ in when.entries if order.get(k.value, len(order)) > order[input_id]]
    if when.flow:
        if not when.entries:
            return [doc.edit(_start(when), _end(when), "{" + entry + "}")]
        if later:
            return [doc.edit(_start(later[0]), _start(later[0]), entry + ", ")]
        return [doc.edit(_end(when.entries[-1][1]), _end(when.entries[-1][1]), ", " + entry)]
    column = _start(when.entries[0][0])[1]
    if later:
        at = _start(later[0])
        if _line_starts_before(doc, at[0], at[1]):
            raise _NoFix
        return [doc.insert_lines(at[0], [" " * column + entry])]
    return [doc.insert_lines(_last_line(when.entries[-1][1]) + 1, [" " * column + entry])]


def _delete_entries_or_all(doc: _Doc, item: ys.Mapping, when: ys.Mapping) -> list[TextEdit]:
    """A block ``when`` losing its only entry: the ``when`` goes (a row without one matches every answer)."""
    return _delete_entries(doc, item, ["when"])


def _add_entry(doc: _Doc, mapping: ys.Mapping, key: str, text: str, *, after: str) -> TextEdit:
    """An entry ``key: text`` added to ``mapping`` after its entry ``after``."""
    found = _entry(mapping, after)
    if found is None:
        raise _NoFix
    _, _, value = found
    if mapping.flow:
        return doc.edit(_end(value), _end(value), f", {key}: {text}")
    column = _start(mapping.entries[0][0])[1]
    return doc.insert_lines(_last_line(value) + 1, [" " * column + f"{key}: {text}"])


# ---------------------------------------------------------------- mergeable


def _merge_fix(doc: _Doc, f: Finding, group: merging.Group, unreachable: set[str], max_seconds: float) -> list[Fix]:
    """The merge; under ``first`` or ``priority`` the merged row, taking its later members' answers
    at the first member's place, can leave a row between them that gave the same result never
    deciding: such rows (an analysis of the merged text finds them) are deleted too, which changes
    no result either. Without a complete analysis, no fix."""
    from crossroads.engine.analysis.lint import lint_source

    first, *others = group.rows
    edits = _set_condition(doc, first, group.input, group.condition)
    shown = (
        f"no condition on {group.input}" if group.condition is None else describe_when({group.input: group.condition})
    )
    title = f"Merge rows {', '.join(group.rows)} into {first} with {shown}"
    shadowed: list[str] = []
    if policy_of(doc.compiled).ranks_by is not None:  # elsewhere a row never decides only if it matches nothing
        merged = apply(
            doc.text,
            edits + _delete_rows(doc, [doc.row_index[r] for r in others]) + _forget(doc, set(others), pin_to=first),
        )
        after = lint_source(
            tables.Source(doc.document.file, merged.encode("utf-8")),
            max_bytes=max(MAX_BYTES, len(merged) * 4),
            max_seconds=max_seconds,
        )
        if any(x.code == "analysis-incomplete" for x in after) or any(
            x.severity == "error" and x.code not in ("unreachable", "conflict", "gap") for x in after
        ):
            return []
        shadowed = [
            x.rules[0] for x in after if x.code == "unreachable" and x.rules[0] not in unreachable | set(others)
        ]
    gone = others + shadowed
    edits += _delete_rows(doc, [doc.row_index[r] for r in gone])
    edits += _forget(doc, set(gone), pin_to=first)  # their answers are the merged row's now
    if shadowed:
        title += f"; delete {', '.join(shadowed)} (then never reached)"
    return [Fix(title, f, tuple(edits), True)]


# ---------------------------------------------------------------- conflicts


def _conflict_fix(doc: _Doc, f: Finding) -> list[Fix]:
    earlier, later = f.rules
    t = doc.compiled
    if earlier not in doc.row_index or later not in doc.row_index:
        return []
    pieces = space.root_pieces(t)
    acc = merging.accepted(t, pieces)
    a, b = acc[doc.row_index[earlier]], acc[doc.row_index[later]]
    if any(x is None for x in a) or any(x is None for x in b):
        return []
    outside = [k for k in range(len(pieces)) if not _within(b[k], a[k])]
    if len(outside) != 1:
        return []  # inside the earlier row everywhere (nothing left) or outside on two inputs (no one row)
    k = outside[0]
    left = _minus(b[k], a[k])
    if left is None:
        return []
    condition = _condition(t, pieces, k, left)
    spec = t.inputs[k]
    edits = _set_condition(doc, later, spec.id, condition)
    shown = f"no condition on {spec.id}" if condition is None else describe_when({spec.id: condition})
    return [Fix(f"Narrow row {later} to {shown} (leave the overlap to {earlier})", f, tuple(edits), False)]


def _indexes(part: Any) -> set[int]:
    """A row's part on one input as the set of piece indexes it accepts."""
    if isinstance(part, int):
        return {j for j in range(part.bit_length()) if part >> j & 1}
    return {j for r in merging._ranges(part) for j in range(r.first, r.last + 1)}


def _within(b: Any, a: Any) -> bool:
    return _indexes(b) <= _indexes(a)


def _minus(b: Any, a: Any) -> Any:
    """What ``b`` accepts and ``a`` does not, in ``accepted``'s form, if one condition says it (else None)."""
    left = _indexes(b) - _indexes(a)
    if not left:
        return None
    if isinstance(b, int):
        return sum(1 << j for j in left)
    lo, hi = min(left), max(left)
    if len(left) != hi - lo + 1:
        return None  # two intervals: not one condition of this form
    return space.PieceRange(lo, hi)


def _condition(t: CompiledTable, pieces: Any, k: int, part: Any) -> Any:
    """``accepted``'s form of one input's part as a ``when`` value (None: the whole domain)."""
    ps = pieces[k]
    spec = t.inputs[k]
    column = t.columns[k]
    if spec.type in NUMERIC_TYPES and isinstance(column, NumberColumn):
        whole = space.Piece(0, (), ps[part.first].lo, ps[part.last].hi, ps[part.first].witness)
        return space.condition(spec, whole, column.points)
    values = tuple(v for j, p in enumerate(ps) if part >> j & 1 for v in p.values)
    return space.condition(spec, space.Piece(0, values, 0, 0, values[0]), named=space.named_strings(column))


# ---------------------------------------------------------------- examples


def _add_example(doc: _Doc, example: dict[str, Any]) -> TextEdit:
    answers = _answers(example["answers"])
    expect = _flow(example["expect"])
    examples = _entry(doc.root, "examples")
    if examples is not None and isinstance(examples[2], ys.Sequence) and examples[2].items:
        seq = examples[2]
        last = seq.items[-1]
        if seq.flow:
            return _append_flow_item(doc, seq, f"{{answers: {answers}, expect: {expect}}}")
        assert seq.start is not None and seq.dashes is not None
        pad = " " * seq.start[1]
        if isinstance(last, ys.Mapping) and last.flow:
            lines = [f"{pad}- {{answers: {answers}, expect: {expect}}}"]
        else:
            lines = [f"{pad}- answers: {answers}", f"{pad}  expect: {expect}"]
        line = _last_line(last)
        while line + 1 < len(doc.lines):  # comments indented under the last example are its own
            c = doc.comment_only(line + 1)
            if c is None or c.column <= seq.start[1]:
                break
            line += 1
        return doc.insert_lines(line + 1, lines)
    if examples is not None:
        raise _NoFix  # ``examples: []`` or not a list: left to the author
    root = doc.root
    if root.flow:
        raise _NoFix
    column = _start(root.entries[0][0])[1]
    pad = " " * column
    new = [f"{pad}examples:", f"{pad}  - answers: {answers}", f"{pad}    expect: {expect}"]
    if doc.blank(doc.rules_line - 1):  # sections apart, as ``rules`` is: ``examples`` too
        new.insert(0, "")
    translations = _entry(root, "translations")
    if translations is not None:  # fmt's place: before translations (and the comments above it)
        line = _start(translations[1])[0]
        while doc.comment_only(line - 1) is not None:
            line -= 1
        return doc.insert_lines(line, new)
    return doc.insert_lines(_last_line(root.entries[-1][1]) + 1, new)
