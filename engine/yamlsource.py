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
from typing import Any

from .loader import resolve_plain

Pos = tuple[int, int]

_BLOCK_HEADER = re.compile(r"([|>])([-+]?)([1-9]?)([-+]?)")


@dataclass(frozen=True, slots=True)
class Scalar:
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


@dataclass(frozen=True, slots=True)
class Mapping:
    entries: tuple[tuple[Scalar, Node], ...]
    flow: bool
    start: Pos | None
    end: Pos | None


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    flow: bool
    start: Pos | None  # block: the first dash
    end: Pos | None


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True, slots=True)
class Comment:
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
    """The document's tree and comments; ``text`` must be one the loader accepted."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text's final newline ends the last line; it starts none
    root, covered = _tree(parse_events(text), lines)
    return Source(root, tuple(_comments(lines, covered)))


def parse_events(text: str) -> list[Any]:
    """The parser events the loader composed: the C parser's, or the pure one's if it failed."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return list(YAML(typ="safe").parse(text))
    except YAMLError:
        return list(YAML(typ="safe", pure=True).parse(text))


def _pos(mark: Any) -> Pos:
    return (mark.line, mark.column)


def _tree(events: Any, lines: list[str]) -> tuple[Node, dict[int, list[tuple[int, int]]]]:
    """Compose nodes with an explicit stack; also record which columns scalars cover per line."""
    from ruamel.yaml.events import (
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    covered: dict[int, list[tuple[int, int]]] = {}
    stack: list[tuple[bool, list[Any], bool, Pos]] = []  # (is_map, children, flow, start)
    root: list[Node] = []

    def cover(line: int, c0: int, c1: int) -> None:
        covered.setdefault(line, []).append((c0, c1))

    def add(node: Node) -> None:
        (stack[-1][1] if stack else root).append(node)

    for ev in events:
        if isinstance(ev, ScalarEvent):
            add(_scalar(ev, lines, cover))
        elif isinstance(ev, (MappingStartEvent, SequenceStartEvent)):
            stack.append((isinstance(ev, MappingStartEvent), [], bool(ev.flow_style), _pos(ev.start_mark)))
        elif isinstance(ev, (MappingEndEvent, SequenceEndEvent)):
            is_map, children, flow, start = stack.pop()
            if flow:
                end = _pos(ev.end_mark)
            else:
                end = _end_of(children[-1]) if children else start
            if is_map:
                pairs = tuple((children[i], children[i + 1]) for i in range(0, len(children), 2))
                add(Mapping(pairs, flow, start, end))
            else:
                add(Sequence(tuple(children), flow, start, end))
    return root[0], covered


def _end_of(node: Node) -> Pos:
    if isinstance(node, Mapping) and not node.flow and node.entries:
        return _end_of(node.entries[-1][1])
    if isinstance(node, Sequence) and not node.flow and node.items:
        return _end_of(node.items[-1])
    return node.end  # type: ignore[return-value]


def _scalar(ev: Any, lines: list[str], cover: Any) -> Scalar:
    style = ev.style or ""
    start, end = _pos(ev.start_mark), _pos(ev.end_mark)
    value = resolve_plain(ev.value) if style == "" else ev.value
    if style not in ("|", ">"):
        if start[0] == end[0]:
            cover(start[0], start[1], end[1])
        else:
            cover(start[0], start[1], 1 << 30)
            for line in range(start[0] + 1, end[0]):
                cover(line, 0, 1 << 30)
            cover(end[0], 0, end[1])
        return Scalar(value, ev.value, style, start, end)
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


def _comments(lines: list[str], covered: dict[int, list[tuple[int, int]]]) -> list[Comment]:
    out = []
    for number, line in enumerate(lines):
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
