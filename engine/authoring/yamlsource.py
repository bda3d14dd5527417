"""A YAML document as it was written: nodes with styles and spans, plus its comments.

The formatter needs what a loader throws away: whether a collection was flow
or block, how a scalar was quoted, the lines of a folded or literal block, and
where each comment and blank line sits. We get it from the same parser events
the hardened loader composes (the C parser, or the pure one where libyaml is
stricter than YAML 1.2, exactly as ``loader.load_text`` chooses), so this module only ever sees text the loader has already accepted
(``formatter`` runs ``load_bytes`` first) and never constructs anything.

Comments are found lexically: a ``#`` that no scalar covers and that starts a
line or follows whitespace. Scalars' spans come from the events, so a ``#``
inside a quoted string or a block scalar is never mistaken for a comment. A
blank line is a whitespace-only line outside every scalar (the blank lines a
block scalar swallows after its last line count as blank lines, unless its
chomping keeps them).

Positions here are 0-based (line, column) in characters, as the parser gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Generator, Iterator
from typing import Any, NamedTuple

from crossroads.engine.table.loader import resolve_plain

Pos = tuple[int, int]

_BLOCK_HEADER = re.compile(r"([|>])([-+]?)([1-9]?)([-+]?)")
_BLOCK_STYLES = ("|", ">")


# Nodes and comments are named tuples: immutable, and several times cheaper to build than frozen
# dataclasses, which matters at a million nodes (a 100k-row table).


class Scalar(NamedTuple):
    """``style``: '' plain, ``'``, ``"``, ``|`` or ``>``; ``text`` is the parser's text (plain: as written).

    ``block`` holds a block scalar's header (``>-``) and content lines as written
    (indentation included); None for other styles, or when the header has an
    explicit indentation indicator (then the formatter quotes the value instead).
    """

    value: Any
    text: str
    style: str
    start: Pos | None
    end: Pos | None
    block: tuple[str, tuple[str, ...]] | None = None


class Mapping(NamedTuple):
    entries: tuple[tuple[Scalar, Node], ...]
    flow: bool
    start: Pos | None
    end: Pos | None


class Sequence(NamedTuple):
    """``dashes``: a block list's dash line per item (an item may start lines below its dash)."""

    items: tuple[Node, ...]
    flow: bool
    start: Pos | None  # block: the first dash
    end: Pos | None
    dashes: tuple[int, ...] | None = None


Node = Scalar | Mapping | Sequence


class Comment(NamedTuple):
    """A comment (``text`` from ``#`` to the end of the line) or a blank line (``text`` '').

    ``trailing``: the comment follows content on its line (an end-of-line comment).
    """

    line: int
    column: int
    text: str
    trailing: bool


@dataclass(frozen=True, slots=True)
class Source:
    root: Node
    comments: tuple[Comment, ...]  # in line order


def parse(text: str) -> Source:
    """The document's tree and comments, parsed on their own; ``text`` must be one the loader accepted
    (``fmt`` does not use this: it collects the same from the loader's own parse, see ``Collector``)."""
    from ruamel.yaml.error import YAMLError

    collect = Collector()
    try:
        for _ in collect(text, _events(text, pure=False)):
            pass
    except YAMLError:  # as the loader does: the pure parser where libyaml is stricter than YAML 1.2
        for _ in collect(text, _events(text, pure=True)):
            pass
    source = collect.take()
    if source is None:
        raise ValueError("not a YAML document the loader accepts")
    return source


class Collector:
    """The source pass riding on the loader's parse: ``loader.load_bytes(data, file, observe=collector)``.

    Called once per parse attempt (the loader may retry with the pure parser), it passes the events
    through while composing the nodes and covering scalar spans, and after the last event finds
    the comments. ``take()`` then gives the ``Source`` of the attempt that completed, once (None if
    none did: the loader refused the text). It never raises on any event stream, so the loader's
    own error always wins; the work it does on a refused text is bounded by the text's size.
    """

    __slots__ = ("_source",)

    def __init__(self) -> None:
        self._source: Source | None = None

    def __call__(self, text: str, events: Any) -> Iterator[Any]:
        self._source = None
        return self._run(text, events)

    def take(self) -> Source | None:
        """The collected source, released (the caller owns it; a large table's tree is large)."""
        source, self._source = self._source, None
        return source

    def _run(self, text: str, events: Any) -> Iterator[Any]:
        lines = _LINE_BREAK.split(text)  # the parser's line breaks (the loader refuses U+0085, U+2028, U+2029)
        if lines[-1] == "":
            lines.pop()  # the text's final newline ends the last line; it starts none
        # Only lines that hold a '#' or nothing but whitespace can be (or hold) a comment or a blank
        # line: scalar spans are recorded for those alone, which keeps a large table's pass lean.
        candidates = {n for n, line in enumerate(lines) if "#" in line or not line.strip(" \t")}
        covered: dict[int, list[tuple[int, int]]] = {}
        root = yield from _tree(events, lines, candidates, covered)
        if root is not None:
            self._source = Source(root, tuple(_comments(lines, covered, candidates)))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_events(text: str) -> list[Any]:
    """The parser events the loader composed: the C parser's, or the pure one's if it failed."""
    from ruamel.yaml.error import YAMLError

    try:
        return list(_events(text, pure=False))
    except YAMLError:
        return list(_events(text, pure=True))


def _events(text: str, *, pure: bool) -> Any:
    """The parser's events one at a time (a list of a large table's events costs more than its tree)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).parse(text) if pure else YAML(typ="safe").parse(text)


def _tree(
    events: Any, lines: list[str], candidates: set[int], covered: dict[int, list[tuple[int, int]]]
) -> Generator[Any, None, Node | None]:
    """Yield every event on; compose nodes with an explicit stack and record which columns scalars
    cover on the candidate lines. Returns the root node (None without one)."""
    from ruamel.yaml.events import (
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    stack: list[tuple[bool, list[Any], bool, Pos]] = []  # (is_map, children, flow, start)
    root: list[Node] = []
    children = root
    in_map = False  # children are a mapping's: keys at even places
    new = tuple.__new__  # a named tuple's own constructor is a Python call: a third of this loop

    def cover(line: int, c0: int, c1: int) -> None:
        if line in candidates:
            covered.setdefault(line, []).append((c0, c1))

    for ev in events:
        yield ev  # the loader composes it first: it may refuse it, and then this pass is moot
        kind = type(ev)
        if kind is ScalarEvent:
            style = ev.style or ""
            if style in _BLOCK_STYLES:
                children.append(_block_scalar(ev, style, lines, cover))
                continue
            text, sm, em = ev.value, ev.start_mark, ev.end_mark
            line, end_line = sm.line, em.line
            if line == end_line:  # the common case, inline
                end_line = line  # one int object for both
                if line in candidates:
                    covered.setdefault(line, []).append((sm.column, em.column))
            else:
                _cover_lines(cover, (line, sm.column), (end_line, em.column))
            if style or (in_map and not len(children) & 1):
                value = text  # a key the loader accepted is a string, as written
            else:
                value = _plain_value(text)
            children.append(new(Scalar, (value, text, style, (line, sm.column), (end_line, em.column), None)))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            mark = ev.start_mark
            children = []
            in_map = kind is MappingStartEvent
            stack.append((in_map, children, bool(ev.flow_style), (mark.line, mark.column)))
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            is_map, done, flow, start = stack.pop()
            if flow:
                end = _pos(ev.end_mark)
            else:
                end = _end_of(done[-1]) if done else start
            if stack:
                in_map, children = stack[-1][0], stack[-1][1]
            else:
                in_map, children = False, root
            if is_map:
                it = iter(done)
                children.append(new(Mapping, (tuple(zip(it, it)), flow, start, end)))
            else:
                dashes = None if flow else tuple(_dash_line(lines, item, start[1]) for item in done)
                children.append(new(Sequence, (tuple(done), flow, start, end, dashes)))
    return root[0] if root else None


def _plain_value(text: str) -> Any:
    """``resolve_plain(text)``, short-cut for the commonest number: the loader resolved (and
    range-checked) this very scalar, and a short run of ASCII digits is the same ``int``."""
    if len(text) < 19 and text.isdigit() and text.isascii():
        return int(text)
    return resolve_plain(text)


def _dash_line(lines: list[str], item: Node, column: int) -> int:
    """The line of a block list item's dash: the item's first line, or the last line above it whose
    text starts with the dash at ``column`` (``- # note`` with the item below)."""
    line = item.start[0]  # type: ignore[index]
    if lines[line][column : column + 1] == "-" and item.start[1] > column:  # type: ignore[index]
        return line
    for above in range(line - 1, -1, -1):
        text = lines[above]
        if text[column : column + 1] == "-" and not text[:column].strip(" "):
            return above
    return line


def _pos(mark: Any) -> Pos:
    return (mark.line, mark.column)


def _end_of(node: Node) -> Pos:
    if isinstance(node, Mapping) and not node.flow and node.entries:
        return _end_of(node.entries[-1][1])
    if isinstance(node, Sequence) and not node.flow and node.items:
        return _end_of(node.items[-1])
    return node.end  # type: ignore[return-value]


def _cover_lines(cover: Any, start: Pos, end: Pos) -> None:
    """The spans of a quoted or plain scalar written over several lines."""
    cover(start[0], start[1], 1 << 30)
    for line in range(start[0] + 1, end[0]):
        cover(line, 0, 1 << 30)
    cover(end[0], 0, end[1])


def _block_scalar(ev: Any, style: str, lines: list[str], cover: Any) -> Scalar:
    """A literal or folded block: its header and content lines as written."""
    start, end = _pos(ev.start_mark), _pos(ev.end_mark)
    value = ev.value
    header_line = lines[start[0]]
    m = _BLOCK_HEADER.match(header_line, start[1])
    header = m.group(0) if m else header_line[start[1] : start[1] + 1]
    cover(start[0], start[1], start[1] + len(header))
    last = end[0] if end[1] > 0 else end[0] - 1
    content = lines[start[0] + 1 : last + 1]
    keep = "+" in header
    if not keep:
        while content and not content[-1].strip(" "):
            content.pop()  # swallowed blank lines: layout, not content
    for line in range(start[0] + 1, start[0] + 1 + len(content)):
        cover(line, 0, 1 << 30)
    explicit = bool(m and m.group(3))
    block = None if explicit else (header, tuple(content))
    end = (start[0] + len(content), len(content[-1])) if content else (start[0], start[1] + len(header))
    return Scalar(value, ev.value, style, start, end, block)


def _comments(lines: list[str], covered: dict[int, list[tuple[int, int]]], candidates: set[int]) -> list[Comment]:
    out = []
    for number in sorted(candidates):
        line = lines[number]
        spans = covered.get(number, ())
        if any(c0 == 0 and c1 >= len(line) for c0, c1 in spans) and line.strip(" \t"):
            continue  # wholly inside a scalar
        if not line.strip(" \t"):
            if not any(c0 == 0 for c0, _ in spans):
                out.append(Comment(number, 0, "", False))
            continue
        column = _comment_start(line, spans)
        if column is not None:
            out.append(Comment(number, column, line[column:].rstrip(" \t\r"), bool(line[:column].strip(" \t"))))
    return out


def _comment_start(line: str, spans: Any) -> int | None:
    start = 0
    while True:
        column = line.find("#", start)
        if column < 0:
            return None
        inside = any(c0 <= column < c1 for c0, c1 in spans)
        if not inside and (column == 0 or line[column - 1] in " \t"):
            return column
        start = column + 1
