"""``crossroads fmt``: one canonical layout for a table, comments kept, meaning unchanged.

``format_table(bytes) -> text`` is pure. It runs the hardened loader
(``loader.load_bytes``: a file that does not load raises its ``TableError`` and
nothing is printed), which hands the parser's events on to the source pass as it
composes them: a tree of styled nodes with its comments (``yamlsource``), printed
in canonical form:

* keys in the order of the README's format reference (unknown keys after the
  known ones, as written); ``when`` and example ``answers`` keys in the order
  of the table's inputs;
* two-space indentation, sequences indented under their key, one row (rule,
  input, outcome, example) per block list item;
* flow style for ``when``, example ``answers`` and ``expect``, and options
  (``- {id: x, label: X}``); block style for the table's structure; the rest
  as written; nothing is ever wrapped;
* quoting only where YAML needs it, or where a YAML 1.1 reader would misread
  the string (``"yes"``, ``"2024-01-01"``): double quotes, single quotes when
  the text holds ``"`` or ``\\``; numeric conditions (``">= 300"``) are always
  quoted, as the format reference writes them; numbers keep their literal
  (``1.50``), and a date written plain (``2025-01-05``, which the YAML 1.2
  core schema reads as text) stays plain, as written;
  folded and literal blocks keep their lines, re-indented;
* comments stay with the node they precede (or follow, on its line), so they
  move with it when keys are reordered; a comment indented under the end of a
  list stays at the end of that list; comments inside a mapping that becomes
  flow move before its line; an end-of-line comment inside a flow collection
  written over several lines stays after the entry it follows (the collection
  then prints one entry per line), one after a bare ``- `` on its item's first
  line; runs of blank lines become one; the comments before the first key
  stay at the top.

The result is checked before it is returned: the hardened loader must read
from it exactly the data it read from the input (types included), else
``FormatError`` and nothing is written (a result identical to the input needs
no second reading). Cost: the text is parsed once, the source tree riding on
the loader's own parse (``load_bytes(observe=...)``), and the result once more
(both loads without positions, which ``fmt`` does not need), linear in the
table: about 2.7× the loader's CPU time (2.1× on a formatted file) and 2× its peak
memory (``benchmarks/bench_fmt.py``). Formatting is idempotent (tests prove
it on the golden fixtures). ``append_examples`` adds examples (for
``crossroads test --generate``) as part of the same pass.

Why not ruamel's round-trip dumper: it hangs each comment on the node *before*
it, so reordering keys or restyling a ``when`` moves comments to the wrong row
or drops them; owning the few dozen lines of printing makes placement a rule.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from collections.abc import Mapping as MappingT
from collections.abc import Sequence as SequenceT
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crossroads.engine.authoring import yamlsource as ys
from crossroads.engine.table import dates
from crossroads.engine.table.conditions import format_number
from crossroads.engine.errors import FormatError, TableError
from crossroads.engine.table.loader import MAX_BYTES, decode, load_bytes, load_text
from crossroads.engine.table.yamlscalar import quote

ANY = object()
"""Matches any one path element in the patterns below."""

KEY_ORDER: dict[tuple[Any, ...], tuple[str, ...]] = {
    (): (
        "format",
        "id",
        "version",
        "title",
        "summary",
        "hit_policy",
        "aggregate",
        "default",
        "inputs",
        "outputs",
        "outcomes",
        "rules",
        "examples",
        "translations",
    ),
    ("inputs", ANY): ("id", "prompt", "help", "type", "options", "minimum", "maximum"),
    ("inputs", ANY, "options", ANY): ("id", "label", "help"),
    ("outputs", ANY): ("id", "type", "title", "options"),
    ("outputs", ANY, "options", ANY): ("id", "label", "help"),
    ("outcomes", ANY): ("id", "title", "summary", "choose_when", "tradeoffs", "values"),
    ("rules", ANY): ("id", "when", "then", "because"),
    ("examples", ANY): ("name", "answers", "expect"),
    ("examples", ANY, "expect"): ("outcome", "values", "rule"),
    ("translations", ANY): ("title", "summary", "inputs", "outcomes", "outputs", "rules"),
    ("translations", ANY, "outputs", ANY): ("title", "options"),
    ("translations", ANY, "inputs", ANY): ("prompt", "help", "options"),
    ("translations", ANY, "outcomes", ANY): ("title", "summary", "choose_when", "tradeoffs"),
}
"""Canonical key order per mapping (the format reference's)."""

BY_INPUT = (("rules", ANY, "when"), ("examples", ANY, "answers"))
"""Mappings keyed by input id: keys in the order of the table's inputs."""

FLOW = (
    ("inputs", ANY, "options", ANY),
    ("outputs", ANY, "options", ANY),
    ("rules", ANY, "then"),
    ("outcomes", ANY, "values"),
    ("default",),
    ("rules", ANY, "when"),
    ("examples", ANY, "answers"),
    ("examples", ANY, "expect"),
)
BLOCK = (
    (),
    ("inputs",),
    ("inputs", ANY),
    ("inputs", ANY, "options"),
    ("outputs",),
    ("outputs", ANY),
    ("outputs", ANY, "options"),
    ("outcomes",),
    ("outcomes", ANY),
    ("outcomes", ANY, "choose_when"),
    ("outcomes", ANY, "tradeoffs"),
    ("rules",),
    ("rules", ANY),
    ("examples",),
    ("examples", ANY),
)
"""Collections printed flow / block whatever their source style; others keep theirs."""

CONDITION = ("rules", ANY, "when", ANY)
_CONDITION_START = tuple("<>=[(")
_PLAIN_DATE = re.compile(dates.DATE)

INDENT = 2
_MAX_KEY = 1000  # YAML allows implicit keys of at most 1024 characters


def format_table(
    data: bytes, file: str, *, max_bytes: int = MAX_BYTES, append_examples: SequenceT[MappingT[str, Any]] = ()
) -> str:
    """The canonical text of a table file; raise ``TableError`` if it does not load, ``FormatError`` if unsafe.

    ``append_examples``: example mappings (``answers``, ``expect``, optional
    ``name``) to add at the end of ``examples``.
    """
    with _collector_paused():
        collect = ys.Collector()  # the source pass rides on the hardened loader's own parse
        expected = load_bytes(data, file, max_bytes, observe=collect, positions=False).data
        original = decode(data, file)
        out = _format(collect.take(), expected, append_examples)
        if append_examples:
            expected = dict(expected, examples=[*expected.get("examples", []), *(dict(e) for e in append_examples)])
        if out != original:  # the same text as the input loads to the same data: nothing to check
            _check(out, file, expected)
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one run, as it was afterwards.

    A large table is a million small containers alive at once (data, source tree, lines), none of
    them in a reference cycle; the collector would walk all of them again and again as they are
    made (a third of ``fmt``'s time on a 100k-row table) and free nothing. Memory is freed by
    reference counting as usual; the few cycles the YAML parser leaves go at the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _format(source: ys.Source | None, data: MappingT[str, Any], append_examples: SequenceT[MappingT[str, Any]]) -> str:
    """The canonical text; the tree, plan and notes are gone when it returns (the check needs their memory)."""
    if source is None:  # the loader returned, so the source pass saw its whole parse
        raise FormatError("internal error: the source pass saw no document; nothing written — please report this")
    root = source.root
    if append_examples:
        root = _with_examples(root, append_examples)
    plan = _Plan(root, _input_order(data))
    notes = _attach(source.comments, plan)
    return "\n".join(_print_document(root, plan, notes)) + "\n"


def format_text(text: str, file: str = "<text>") -> str:
    """``format_table`` for text (tests, editors)."""
    return format_table(text.encode("utf-8"), file, max_bytes=max(MAX_BYTES, len(text.encode("utf-8"))))


# ---------------------------------------------------------------- the plan: order and style of every node


def _matches(path: tuple[Any, ...], pattern: tuple[Any, ...]) -> bool:
    return len(path) == len(pattern) and all(p is ANY or p == q for p, q in zip(pattern, path))


def _input_order(data: MappingT[str, Any]) -> dict[str, int]:
    inputs = data.get("inputs")
    ids = [i.get("id") for i in inputs if isinstance(i, dict)] if isinstance(inputs, list) else []
    return {i: n for n, i in enumerate(ids) if isinstance(i, str)}


@dataclass(frozen=True, slots=True)
class _Kind:
    """What the format reference says about the nodes at one path shape."""

    flow: bool | None  # printed flow / block whatever the source style; None: as written
    rank: dict[str, int] | None  # canonical key order; None: by the table's inputs
    condition: bool


def _shape(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """``path`` with list indexes as None: patterns match an index only with ANY, so nodes of one
    shape share every rule, and a table's thousands of rows share a few dozen shapes."""
    return tuple([None if type(p) is int else p for p in path])


def _kind_of(shape: tuple[Any, ...]) -> _Kind:
    flow = True if any(_matches(shape, p) for p in FLOW) else False if any(_matches(shape, p) for p in BLOCK) else None
    if any(_matches(shape, p) for p in BY_INPUT):
        rank = None
    else:
        order = next((o for p, o in KEY_ORDER.items() if _matches(shape, p)), ())
        rank = {k: n for n, k in enumerate(order)}
    return _Kind(flow, rank, _matches(shape, CONDITION))


class _Plan:
    """Per path: children in canonical order, and whether the node prints flow."""

    def __init__(self, root: ys.Node, inputs: dict[str, int]):
        self.inputs = inputs
        self.flow: dict[tuple[Any, ...], bool] = {}
        self.root = root
        self._index: dict[int, dict[Any, ys.Node]] = {}  # keys of the large mappings comments were looked up in
        # Every key and list item in document order: its path, and its (line, column); two flat lists,
        # not a list of pairs, which at a million nodes would be a million tuples more.
        self.anchor_paths: list[tuple[Any, ...]] = []
        self.anchor_starts: list[tuple[int, int]] = []
        self._kinds: dict[tuple[Any, ...], _Kind] = {}
        self._keys: dict[tuple[str, str, bool], str] = {}
        self._walk(root, (), False)
        self.anchor_lines = [pos[0] for pos in self.anchor_starts]

    def key_text(self, key: ys.Scalar, flow: bool = False) -> str:
        """``_key_text``, once per key text: a table repeats a few keys on every row."""
        memo = (key.text, key.style, flow)
        found = self._keys.get(memo)
        if found is None:
            found = self._keys[memo] = _key_text(key, flow)
        return found

    def kind(self, path: tuple[Any, ...]) -> _Kind:
        shape = _shape(path)
        found = self._kinds.get(shape)
        if found is None:
            found = self._kinds[shape] = _kind_of(shape)
        return found

    def _walk(self, node: ys.Node, path: tuple[Any, ...], inside_flow: bool) -> None:
        if isinstance(node, ys.Scalar):
            return
        flow = inside_flow or self._canonical_flow(node, path)
        self.flow[path] = flow
        if isinstance(node, ys.Mapping):
            for key, value in node.entries:
                child = path + (key.value,)
                if key.start is not None:
                    self.anchor_paths.append(child)
                    self.anchor_starts.append(key.start)
                self._walk(value, child, flow)
        else:
            for index, item in enumerate(node.items):
                child = path + (index,)
                start = _item_anchor(node, index, item)
                if start is not None:
                    self.anchor_paths.append(child)
                    self.anchor_starts.append(start)
                self._walk(item, child, flow)

    def _canonical_flow(self, node: ys.Mapping | ys.Sequence, path: tuple[Any, ...]) -> bool:
        if not (node.entries if isinstance(node, ys.Mapping) else node.items):
            return True  # {} and [] have no block form
        rule = self.kind(path).flow
        return node.flow if rule is None else rule

    def ordered(self, node: ys.Mapping, path: tuple[Any, ...]) -> list[tuple[ys.Scalar, ys.Node]]:
        rank = self.kind(path).rank
        if rank is None:
            rank = self.inputs
        last = len(rank)
        return sorted(node.entries, key=lambda e: rank.get(e[0].value, last))  # stable: unknown keys as written

    def node(self, path: tuple[Any, ...]) -> ys.Node | None:
        """The node at ``path`` (for comments only: no per-node table is kept for a million nodes)."""
        return self.along(path)[-1] if path else self.root

    def along(self, path: tuple[Any, ...]) -> list[ys.Node | None]:
        """The nodes at ``path[:1]``, ``path[:2]``, ... ``path`` (None past a step that leads nowhere),
        found in one walk from the root."""
        out: list[ys.Node | None] = []
        node: ys.Node | None = self.root
        for step in path:
            if isinstance(node, ys.Sequence):
                node = node.items[step] if type(step) is int and 0 <= step < len(node.items) else None
            elif isinstance(node, ys.Mapping):
                if len(node.entries) <= 16:
                    node = next((v for k, v in node.entries if k.value == step), None)
                else:
                    index = self._index.get(id(node))
                    if index is None:
                        index = self._index[id(node)] = {k.value: v for k, v in node.entries}
                    node = index.get(step)
            else:
                node = None
            out.append(node)
        return out

    def source_flow_root(self, path: tuple[Any, ...], along: list[ys.Node | None] | None = None) -> tuple[Any, ...]:
        """The outermost node around ``path`` written flow in the source (whose first line an
        end-of-line comment after it is about), else ``path``; ``along``: ``self.along(path)``."""
        for n, node in enumerate(self.along(path) if along is None else along, 1):
            if isinstance(node, (ys.Mapping, ys.Sequence)) and node.flow:
                return path[:n]
        return path

    def host(self, path: tuple[Any, ...]) -> tuple[Any, ...]:
        """The anchor a comment at ``path`` hangs on: the outermost node printed flow, if any."""
        for n in range(1, len(path) + 1):
            if self.flow.get(path[:n]) and not self.flow.get(path[: n - 1]):
                return path[:n]
        return path


def _item_anchor(seq: ys.Sequence, index: int, item: ys.Node) -> tuple[int, int] | None:
    """Where a list item starts: for a block list, at its dash (the line and column comments align
    with; a comment after a bare ``- `` is on the item's first line)."""
    if item.start is None:
        return None
    if not seq.flow and seq.start is not None:
        dashes = seq.dashes
        return (dashes[index] if dashes is not None and index < len(dashes) else item.start[0], seq.start[1])
    return item.start


# ---------------------------------------------------------------- comments: which node each one belongs to


@dataclass
class _Notes:
    head: list[str]
    tail: list[str]
    before: dict[tuple[Any, ...], list[str]]
    eol: dict[tuple[Any, ...], list[str]]
    end: dict[tuple[Any, ...], list[str]]
    entry: dict[tuple[Any, ...], list[str]] = field(
        default_factory=dict
    )  # after an entry of a flow collection printed over lines
    spread: set[tuple[Any, ...]] = field(default_factory=set)  # those collections: one entry per line
    opening: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)  # on a spread collection's first line


def _attach(comments: Iterable[ys.Comment], plan: _Plan) -> _Notes:
    """Hang every comment and blank line on a node (see the module docstring for the rules)."""
    notes = _Notes([], [], {}, {}, {})
    paths, lines = plan.anchor_paths, plan.anchor_lines
    gap: list[ys.Comment] = []
    gap_at: tuple[int, int] | None = None
    for c in comments:
        if c.trailing:
            i = bisect_right(lines, c.line) - 1
            if i < 0:
                notes.head.append(c.text)
            else:
                _place_eol(c, paths[i], plan, notes)
            continue
        at = (bisect_left(lines, c.line) - 1, bisect_right(lines, c.line))
        if at != gap_at:
            _place_gap(gap, gap_at, plan, notes)
            gap, gap_at = [], at
        gap.append(c)
    _place_gap(gap, gap_at, plan, notes)
    for path, texts in notes.opening.items():
        if path not in notes.spread:  # printed on one line (or block): the end of its first line
            notes.eol[path] = texts + notes.eol.get(path, [])
    return notes


def _place_eol(c: ys.Comment, path: tuple[Any, ...], plan: _Plan, notes: _Notes) -> None:
    """An end-of-line comment after the node at ``path`` (the last one starting on or above its line).

    Outside flow collections, and after one that ends on its line, it is about the node (the
    collection) and stays at the end of its line. Inside a flow collection that goes on below,
    it is about the largest entry that ends on its line, and stays after it: at the end of that
    entry's line when the entry prints as a line of its own, else the collection printed flow
    around it is spread one entry per line. On a collection's opening line (``{  # note``) it
    stays on that line.
    """
    along = plan.along(path)  # along[n - 1]: the node at path[:n]
    root = plan.source_flow_root(path, along)
    node = along[len(root) - 1] if root else plan.root
    if not isinstance(node, (ys.Mapping, ys.Sequence)) or not node.flow or _end_line(node) <= c.line:
        notes.eol.setdefault(plan.host(root), []).append(c.text)
        return
    entry = next((path[:n] for n in range(len(root) + 1, len(path) + 1) if _end_line(along[n - 1]) <= c.line), None)
    if entry is None:  # on the opening line
        host = plan.host(root)
        if host == root:
            notes.opening.setdefault(root, []).append(c.text)
            return
        entry = root
    host = plan.host(entry)
    if host == entry:
        notes.eol.setdefault(entry, []).append(c.text)
        return
    notes.entry.setdefault(entry[: len(host) + 1], []).append(c.text)
    notes.spread.add(host)


def _end_line(node: ys.Node | None) -> int:
    end = None if node is None else node.end
    return -1 if end is None else end[0]


def _place_gap(gap: list[ys.Comment], at: tuple[int, int] | None, plan: _Plan, notes: _Notes) -> None:
    """The comments and blank lines between two consecutive nodes."""
    if not gap or at is None:
        return
    prev, nxt = at
    paths = plan.anchor_paths
    if prev < 0:
        notes.head.extend(c.text for c in gap)
        return
    following = (paths[nxt], plan.anchor_starts[nxt]) if nxt < len(paths) else None
    default = ("before", plan.host(following[0])) if following else ("tail", ())
    targets: list[tuple[str, tuple[Any, ...]] | None] = []
    floor = None  # comments keep their order: none goes deeper than the one above it
    for c in gap:
        target = _target(c, paths[prev], following, plan) if c.text else None
        if target is not None:
            if floor is not None and _depth(target) > _depth(floor):
                target = floor
            floor = target
        targets.append(target)
    for n, c in enumerate(gap):
        target = targets[n] or next((t for t in targets[n + 1 :] if t), default)
        if not c.text and target[0] == "before" and following and target[1] != following[0]:
            continue  # a blank line inside what now prints as one flow line
        _bucket(notes, target).append(c.text)


def _target(
    c: ys.Comment, prev: tuple[Any, ...], nxt: tuple[tuple[Any, ...], tuple[int, int]] | None, plan: _Plan
) -> tuple[str, tuple[Any, ...]]:
    """('before', anchor) or ('end', container) or ('tail', ())."""
    if nxt is not None and c.column <= nxt[1][1]:
        return ("before", plan.host(nxt[0]))
    common = _common(prev, nxt[0]) if nxt is not None else ()
    deepest = None
    path = plan.host(prev)
    for n in range(len(path) - 1, len(common), -1):  # containers that end before the next node
        container = path[:n]
        node = plan.node(container)
        if plan.flow.get(container, True) or node is None:
            continue
        if _child_column(node) <= c.column:
            deepest = container
            break
    if deepest is not None:
        return ("end", deepest)
    if nxt is not None:
        return ("before", plan.host(nxt[0]))
    return ("tail", ())


def _depth(target: tuple[str, tuple[Any, ...]]) -> int:
    return len(target[1]) + 1 if target[0] == "end" else 0


def _common(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return a[:n]


def _child_column(node: ys.Node) -> int:
    if isinstance(node, ys.Sequence):
        return node.start[1] if node.start else 0
    if isinstance(node, ys.Mapping) and node.entries and node.entries[0][0].start:
        return node.entries[0][0].start[1]
    return 0


def _bucket(notes: _Notes, target: tuple[str, tuple[Any, ...]]) -> list[str]:
    kind, path = target
    if kind == "before":
        return notes.before.setdefault(path, [])
    if kind == "end":
        return notes.end.setdefault(path, [])
    return notes.tail


# ---------------------------------------------------------------- printing


def _print_document(root: ys.Node, plan: _Plan, notes: _Notes) -> list[str]:
    out = _comment_block(notes.head, 0)
    while out and out[0] == "":
        out.pop(0)
    if isinstance(root, ys.Mapping) and root.entries:
        out += _block_map(root, (), 0, plan, notes)
    else:
        out.append(_inline(root, (), plan))
    tail = _comment_block(notes.tail, 0)
    while tail and tail[-1] == "":
        tail.pop()
    return out + tail


def _comment_block(items: Iterable[str], indent: int, *, first: bool = False) -> list[str]:
    """Comment lines at ``indent``; runs of blank lines become one, none right under a parent (``first``)."""
    out: list[str] = []
    for text in items:
        if text == "":
            if out and out[-1] == "":
                continue
            if not out and first:
                continue  # no blank line right under a parent's line
            out.append("")
        else:
            out.append(" " * indent + text)
    return out


def _eol(items: list[str] | None) -> str:
    return "  " + " ".join(items) if items else ""


def _block_map(
    node: ys.Mapping,
    path: tuple[Any, ...],
    indent: int,
    plan: _Plan,
    notes: _Notes,
    entries: list[tuple[ys.Scalar, ys.Node]] | None = None,
) -> list[str]:
    out: list[str] = []
    before, eols, end = notes.before, notes.eol, notes.end
    for n, (key, value) in enumerate(plan.ordered(node, path) if entries is None else entries):
        child = path + (key.value,)
        if child in before:
            out += _comment_block(before[child], indent, first=n == 0)
        out += _entry(plan.key_text(key), value, child, indent, plan, notes, eols.get(child))
    if path in end:
        out += _comment_block(end[path], indent)
    return out


def _entry(
    key: str, value: ys.Node, path: tuple[Any, ...], indent: int, plan: _Plan, notes: _Notes, eol: list[str] | None
) -> list[str]:
    head = " " * indent + key + ":"
    if isinstance(value, ys.Mapping) and not plan.flow[path]:
        return [head + _eol(eol)] + _block_map(value, path, indent + INDENT, plan, notes)
    if isinstance(value, ys.Sequence) and not plan.flow[path]:
        return [head + _eol(eol)] + _block_seq(value, path, indent + INDENT, plan, notes)
    block = _block_scalar(value, path, plan)
    if block is not None:
        header, body = block
        return [f"{head} {header}" + _eol(eol)] + _indent_block(body, indent + INDENT)
    if path in notes.spread:
        return _spread(head + " ", value, path, indent, plan, notes, eol)
    return [f"{head} {_inline(value, path, plan)}" + _eol(eol)]


def _block_seq(node: ys.Sequence, path: tuple[Any, ...], indent: int, plan: _Plan, notes: _Notes) -> list[str]:
    out: list[str] = []
    pad = " " * indent
    for n, item in enumerate(node.items):
        child = path + (n,)
        before = list(notes.before.get(child, ()))
        eol = list(notes.eol.get(child, ()))
        if isinstance(item, (ys.Mapping, ys.Sequence)) and not plan.flow[child]:
            entries = plan.ordered(item, child) if isinstance(item, ys.Mapping) else None
            first = child + (entries[0][0].value if entries is not None else 0,)
            before += notes.before.pop(first, [])  # the first entry shares the dash's line
            eol += notes.eol.pop(first, ())
            if eol:
                notes.eol[first] = eol
            out += _comment_block(before, indent, first=n == 0)
            if isinstance(item, ys.Mapping):
                inner = _block_map(item, child, indent + INDENT, plan, notes, entries)
            else:
                inner = _block_seq(item, child, indent + INDENT, plan, notes)
            out += [pad + "- " + inner[0][indent + INDENT :]] + inner[1:]
            continue
        out += _comment_block(before, indent, first=n == 0)
        block = _block_scalar(item, child, plan)
        if block is not None:
            header, body = block
            out += [f"{pad}- {header}" + _eol(eol)] + _indent_block(body, indent + INDENT)
        else:
            if child in notes.spread:
                out += _spread(pad + "- ", item, child, indent, plan, notes, eol)
            else:
                out.append(f"{pad}- {_inline(item, child, plan)}" + _eol(eol))
    out += _comment_block(notes.end.get(path, ()), indent)
    return out


def _spread(
    prefix: str, node: ys.Node, path: tuple[Any, ...], indent: int, plan: _Plan, notes: _Notes, eol: list[str] | None
) -> list[str]:
    """A flow collection one entry per line, each entry's comments after it; closed at ``indent``."""
    pad = " " * (indent + INDENT)
    if isinstance(node, ys.Mapping):
        brackets = "{}"
        entries = [
            (path + (k.value,), f"{plan.key_text(k, True)}: {_inline(v, path + (k.value,), plan)}")
            for k, v in plan.ordered(node, path)
        ]
    else:
        brackets = "[]"
        entries = [(path + (n,), _inline(v, path + (n,), plan)) for n, v in enumerate(node.items)]  # type: ignore[union-attr]
    out = [prefix + brackets[0] + _eol(notes.opening.get(path))]
    for n, (child, text) in enumerate(entries):
        out.append(pad + text + ("," if n < len(entries) - 1 else "") + _eol(notes.entry.get(child)))
    return out + [" " * indent + brackets[1] + _eol(eol)]


def _inline(node: ys.Node, path: tuple[Any, ...], plan: _Plan) -> str:
    if isinstance(node, ys.Mapping):
        parts = [
            f"{plan.key_text(k, True)}: {_inline(v, path + (k.value,), plan)}" for k, v in plan.ordered(node, path)
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(node, ys.Sequence):
        return "[" + ", ".join(_inline(v, path + (n,), plan) for n, v in enumerate(node.items)) + "]"
    return _scalar_text(node, path, plan, flow=plan.flow.get(path[:-1], False))


def _indent_block(body: tuple[str | None, ...], indent: int) -> list[str]:
    pad = " " * indent
    return [pad + line if line is not None else "" for line in body]


# ---------------------------------------------------------------- scalars


def _key_text(key: ys.Scalar, flow: bool = False) -> str:
    text = key.value if isinstance(key.value, str) else key.text
    if len(text) > _MAX_KEY:
        raise FormatError(f"a key of {len(text)} characters has no canonical form (YAML allows 1024 for a plain key)")
    return quote(text, flow)


def _scalar_text(node: ys.Scalar, path: tuple[Any, ...], plan: _Plan, flow: bool) -> str:
    value = node.value
    if isinstance(value, str) and node.style == "" and _PLAIN_DATE.fullmatch(value) and _date_slot(path):
        return value  # a date as written (a date input's condition, bound or answer)
    if isinstance(value, str):
        return quote(value, flow, double=value.lstrip().startswith(_CONDITION_START) and plan.kind(path).condition)
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    return node.text  # a number, exactly as written


def _block_scalar(node: ys.Node, path: tuple[Any, ...], plan: _Plan) -> tuple[str, tuple[str | None, ...]] | None:
    """(header, lines relative to the new indentation) for a folded/literal block that stays one."""
    if not isinstance(node, ys.Scalar) or node.block is None or plan.flow.get(path[:-1], False):
        return None
    header, content = node.block
    body_lines = [line for line in content if line.strip(" ")]
    if not body_lines:
        return None
    old = len(body_lines[0]) - len(body_lines[0].lstrip(" "))
    if old == 0:
        return None
    body: list[str | None] = []
    for line in content:
        if len(line) <= old and not line.strip(" "):
            body.append(None)
        elif line[:old].strip(" "):
            return None  # less indented than the first line: leave it to quoting
        else:
            body.append(line[old:])
    trial = "k: " + header + "\n" + "\n".join("  " + b if b is not None else "" for b in body) + "\n"
    try:
        if load_text(trial, "<block>", positions=False).data.get("k") != node.value:
            return None
    except TableError:
        return None
    return header, tuple(body)


# ---------------------------------------------------------------- new examples (test --generate)


def _synthetic(value: Any) -> ys.Node:
    if isinstance(value, dict):
        return ys.Mapping(tuple((_synthetic_key(str(k)), _synthetic(v)) for k, v in value.items()), False, None, None)
    if isinstance(value, (list, tuple)):
        return ys.Sequence(tuple(_synthetic(v) for v in value), False, None, None)
    if isinstance(value, bool):
        return ys.Scalar(value, "true" if value else "false", "", None, None)
    if isinstance(value, (int, Decimal)):
        text = format_number(value) if isinstance(value, Decimal) else str(value)
        return ys.Scalar(value, text, "", None, None)
    if isinstance(value, str) and _PLAIN_DATE.fullmatch(value):
        return ys.Scalar(value, value, "", None, None)  # a date, plain as a person writes it (_scalar_text)
    return ys.Scalar(value, str(value), '"', None, None)


def _date_slot(path: tuple[Any, ...]) -> bool:
    """Where a date input's value can stand: a ``when`` value, a ``minimum``/``maximum``, an example
    answer (elsewhere a date-like text keeps the quotes a YYYY-MM-DD reader of YAML 1.1 needs)."""
    return (
        (len(path) == 4 and path[0] == "rules" and path[2] == "when")
        or (len(path) == 3 and path[0] == "inputs" and path[2] in ("minimum", "maximum"))
        or (len(path) == 4 and path[0] == "examples" and path[2] == "answers")
    )


def _synthetic_key(key: str) -> ys.Scalar:
    """A mapping key: the string scalar ``_synthetic`` gives for a string."""
    return ys.Scalar(key, key, '"', None, None)


def _with_examples(root: ys.Node, examples: SequenceT[MappingT[str, Any]]) -> ys.Node:
    if not isinstance(root, ys.Mapping):
        raise FormatError("the top level is not a mapping; cannot add examples")
    new = tuple(_synthetic(dict(e)) for e in examples)
    entries = list(root.entries)
    for n, (key, value) in enumerate(entries):
        if key.value == "examples":
            if not isinstance(value, ys.Sequence):
                raise FormatError("'examples' is not a list; cannot add examples")
            entries[n] = (key, value._replace(items=value.items + new))
            break
    else:
        entries.append((_synthetic_key("examples"), ys.Sequence(new, False, None, None)))
    return root._replace(entries=tuple(entries))


# ---------------------------------------------------------------- the safety check


def _same(a: Any, b: Any) -> bool:
    """Equal data with equal types all the way down (``1 == 1.0 == True`` must not pass), without copies."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return len(a) == len(b) and all(k in b and _same(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is Decimal:
        return str(a) == str(b)  # 1.0 and 1.00 are different literals; NaN equals itself here
    return bool(a == b)


def _check(out: str, file: str, expected: Any) -> None:
    try:
        got = load_text(out, file, positions=False).data  # the same data, no positions (not needed)
    except TableError as exc:
        raise FormatError(
            f"{file}: formatting produced text the loader refuses ({exc}); nothing written — please report this"
        ) from None
    if not _same(got, expected):
        raise FormatError(f"{file}: formatting would change the table's data; nothing written — please report this")
