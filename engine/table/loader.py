"""Load a table's bytes into plain data with positions, treating the input as hostile.

Tables arrive in pull requests, so loading must never crash, hang, blow memory
or construct anything. We therefore do not use a YAML constructor at all:
``YAML(typ="safe").parse()`` gives the C parser's events (with anchors, tags,
implicit flags and marks), and an iterative composer of our own (an explicit
stack, no recursion) builds dicts, lists and scalars from them while it

* rejects anchors, aliases, merge keys and every explicit tag where they appear,
* rejects duplicate and non-string keys and nesting deeper than ``MAX_DEPTH``,
* resolves plain scalars by the YAML 1.2 core schema (``yes``/``on`` and dates
  stay strings; floats become exact ``Decimal``), and
* records every node's 1-based line and column, so that any later check can
  point at the value (or key) it is about.

libyaml rejects some valid YAML 1.2 that the pure-Python parser accepts (a plain
scalar ending in ``?`` inside a flow mapping); on a syntax error from the C
parser we parse again with the pure one before reporting.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from crossroads.engine.table import numbers
from crossroads.engine.errors import TableError
from crossroads.engine.findings import Finding

MAX_BYTES = 8 * 1024 * 1024
"""Default size cap: a clear error instead of a minutes-long load."""

MAX_DEPTH = 64
"""Deepest nesting accepted; a crossroads/1 table needs fewer than ten levels."""

MAX_FINDINGS = 100
"""Problems reported per file: a hostile file can hold millions, each costing time and memory."""

PathT = tuple[Any, ...]
Pos = tuple[int, int]

_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})


@dataclass(frozen=True, slots=True)
class Document:
    """Plain data plus where each node came from.

    ``positions`` maps a path (keys and list indexes from the root) to the
    node's (line, column); ``key_positions`` maps the path of a mapping entry
    to its key's position.
    """

    data: dict[str, Any]
    file: str
    positions: dict[PathT, Pos]
    key_positions: dict[PathT, Pos]

    def position(self, path: Iterable[Any], *, key: bool = False) -> Pos:
        """The closest recorded position for ``path`` (walking up to its parents)."""
        p = tuple(path)
        if key and p in self.key_positions:
            return self.key_positions[p]
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


@dataclass(frozen=True, slots=True)
class OutOfRange:
    """A plain scalar that YAML reads as a number beyond ``numbers.LIMITS`` (the composer refuses it)."""

    text: str


def resolve_plain(text: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema (``OutOfRange`` for a number
    crossroads cannot hold exactly: ``1e99999999999999999999``, a 5,000-digit integer)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if not (first.isdigit() or first in "+-."):
        return text
    if _INT.fullmatch(text):
        n = numbers.integer(text)
        return OutOfRange(text) if n is None else n
    if _FLOAT.fullmatch(text):
        d = numbers.decimal(text)
        return OutOfRange(text) if d is None else d
    if _OCT.fullmatch(text) or _HEX.fullmatch(text):
        d = numbers.decimal(str(int(text[2:], 8 if text[1] == "o" else 16))) if len(text) < 3000 else None
        return OutOfRange(text) if d is None else int(d)
    if _INF.fullmatch(text):
        return Decimal("-Infinity") if text[0] == "-" else Decimal("Infinity")
    if _NAN.fullmatch(text):
        return Decimal("NaN")
    return text


def _line_col(data: bytes, offset: int) -> Pos:
    before = data[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    col = len(before[start:].decode("utf-8", "replace")) + 1
    return line, col


def _fail(file: str, code: str, message: str, pos: Pos = (1, 1)) -> TableError:
    return TableError([Finding(code, "error", message, file, pos[0], pos[1])])


def decode(data: bytes, file: str) -> str:
    """Bytes to text: UTF-8 only, no NUL, an optional BOM dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _fail(file, "encoding", "file is UTF-16; tables must be UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _fail(file, "encoding", "NUL byte in file", _line_col(data, nul))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            file, "encoding", f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", _line_col(data, exc.start)
        ) from None
    hidden = _HIDDEN_BREAK.search(text)
    if hidden:
        char = hidden.group()
        raise _fail(
            file,
            "encoding",
            f"character U+{ord(char):04X} ({_HIDDEN_BREAK_NAMES[char]}) is not allowed: YAML parsers read it as a "
            f"line break that editors, grep and git do not show; write it as \\u{ord(char):04x} in a double-quoted string",
            _line_col(data, len(text[: hidden.start()].encode("utf-8"))),
        )
    return text


# YAML 1.1 line breaks that YAML 1.2, JSON and every editor treat as ordinary characters. The parser
# would split a comment or a plain scalar at them, so text that looks like one comment line could
# hold a rule nobody sees: refused anywhere in the file (escapes such as "\u2028" stay allowed).
_HIDDEN_BREAK = re.compile("[\u0085\u2028\u2029]")
_HIDDEN_BREAK_NAMES = {"\u0085": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Read at most ``max_bytes`` of a regular file; a larger file is an error, not a slow load.

    Anything else is refused before a byte is read: a FIFO would block until a writer comes (or
    forever), a device such as ``/dev/zero`` never ends, a broken symbolic link names nothing.
    The file is opened non-blocking and checked through that descriptor, so a name swapped
    between the check and the read cannot slip past it.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise _fail(name, "unreadable", f"broken symbolic link (to {os.readlink(path)})") from None
        raise _fail(name, "unreadable", "no such file") from None
    except IsADirectoryError:
        raise _fail(name, "unreadable", "is a directory, not a table file") from None
    except OSError as exc:
        raise _fail(name, "unreadable", f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _fail(name, "unreadable", "is a directory, not a table file")
        if not stat.S_ISREG(mode):
            raise _fail(name, "unreadable", f"is {_file_kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(name, "unreadable", f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _fail(
            name,
            "too-large",
            f"file is larger than the limit of {max_bytes} bytes",
        )
    return data


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


Observer = Callable[[str, Iterator[Any]], Iterable[Any]]
"""``observe(text, events)``: returns the events unchanged, one at a time, seeing each as it passes."""


def load_bytes(
    data: bytes, file: str, max_bytes: int = MAX_BYTES, *, observe: Observer | None = None, positions: bool = True
) -> Document:
    """Load one table document; raise ``TableError`` with positioned findings (keywords: see ``load_text``)."""
    if len(data) > max_bytes:
        raise _fail(file, "too-large", f"file is larger than the limit of {max_bytes} bytes")
    text = decode(data, file)
    return load_text(text, file, observe=observe, positions=positions)


def load_text(text: str, file: str, *, observe: Observer | None = None, positions: bool = True) -> Document:
    """Load decoded text (see ``load_bytes``).

    ``positions=False``: the same data and the same findings, but the document's ``positions`` hold
    the root's alone and ``key_positions`` nothing (a caller that needs only the data saves their
    time and memory; findings take their positions from the parser's marks either way).

    ``observe``: a second reader of the same parse (``fmt`` collects styles and comments this
    way instead of parsing the text again). Each parse attempt passes its event stream through
    ``observe(text, events)`` before composing, so the observer sees exactly the events the
    composer consumes, from whichever parser this function settles on: a C-parser attempt that
    fails over to the pure parser calls it again from the first event (an observer starts afresh
    on each call). Its work counts only when this function returns; after a ``TableError`` it
    may have seen part of a refused text, and must never raise itself.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    def compose(parser: Any) -> Document:
        events = parser.parse(text)
        if observe is not None:
            events = observe(text, events)
        return _compose(events, file) if positions else _compose(events, file, record=False)

    try:
        return compose(YAML(typ="safe"))
    except YAMLError as exc:
        if not _libyaml_quirk(exc, text):
            raise _syntax_error(exc, file, text) from None
    # The pure parser is about 15 times slower, so it only gets the one case it exists for.
    try:
        return compose(YAML(typ="safe", pure=True))
    except YAMLError as exc:
        raise _syntax_error(exc, file, text) from None


def _libyaml_quirk(exc: Exception, text: str) -> bool:
    """libyaml (YAML 1.1) ends a plain scalar at '?' in a flow collection; YAML 1.2 does not."""
    index = getattr(getattr(exc, "problem_mark", None), "index", None)
    return isinstance(index, int) and 0 <= index < len(text) and text[index] == "?"


def _syntax_error(exc: Exception, file: str, text: str) -> TableError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    if mark is not None:
        return _fail(file, "syntax", message, (mark.line + 1, mark.column + 1))
    position = getattr(exc, "position", None)
    if isinstance(position, int):  # ReaderError: a character YAML does not allow
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        char = getattr(exc, "character", "")
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return _fail(file, "syntax", f"character {code} is not allowed in YAML", (line, column))
    return _fail(file, "syntax", message)


_BAD_KEY = object()  # stands for a key we refused; its value is composed and dropped


class _Frame:
    __slots__ = ("container", "path", "key", "key_pos", "is_map", "as_key")

    def __init__(self, container: Any, path: PathT, is_map: bool, as_key: bool):
        self.container = container
        self.path = path
        self.is_map = is_map
        self.key: Any = None  # None: expecting a key (maps only)
        self.key_pos: Pos = (0, 0)
        self.as_key = as_key


def _compose(events: Iterable[Any], file: str, record: bool = True) -> Document:
    """The document of ``events``; ``record=False`` records no positions below the root (nor builds paths)."""
    from ruamel.yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    problems: list[Finding] = []
    positions: dict[PathT, Pos] = {}
    key_positions: dict[PathT, Pos] = {}
    stack: list[_Frame] = []
    root: list[Any] = []
    root_pos: Pos = (1, 1)
    documents = 0

    def problem(code: str, message: str, pos: Pos) -> None:
        if len(problems) == MAX_FINDINGS:  # one more than is reported: stop reading
            last = problems[-1]
            problems[-1] = replace(
                last, message=f"{last.message} (stopped here: more than {MAX_FINDINGS} problems in this file)"
            )
            raise TableError(problems)
        problems.append(Finding(code, "error", message, file, pos[0], pos[1]))

    def check_node(ev: Any, pos: Pos) -> None:
        if ev.anchor is not None:
            problem("anchor", f"anchors are not allowed (&{ev.anchor}): write the value out", pos)
        if ev.tag is not None:
            problem("tag", f"explicit tags are not allowed ({ev.tag}): remove it", pos)

    def place(value: Any, pos: Pos) -> PathT | None:
        """Attach a finished value to its parent; return its path (None when dropped)."""
        if not stack:
            root.append(value)
            positions[()] = pos
            return ()
        top = stack[-1]
        if not top.is_map:
            if not record:
                top.container.append(value)
                return ()
            path = top.path + (len(top.container),)
            top.container.append(value)
            positions[path] = pos
            return path
        if top.key is None:  # this value is a key
            return None
        key, top.key = top.key, None
        if key is _BAD_KEY or top.container is None:
            return None
        if not record:
            top.container[key] = value
            return ()
        path = top.path + (key,)
        top.container[key] = value
        positions[path] = pos
        key_positions[path] = top.key_pos
        return path

    def expecting_key() -> bool:
        return bool(stack) and stack[-1].is_map and stack[-1].key is None

    def accept_key(key: Any, pos: Pos, text: str = "", plain: bool = True) -> None:
        top = stack[-1]
        if key is _BAD_KEY:
            top.key = _BAD_KEY
            return
        if key == "<<" and plain:  # a quoted "<<" is an ordinary (unknown) key
            problem("merge-key", "merge keys (<<) are not allowed: write the entries out", pos)
            top.key = _BAD_KEY
            return
        if not isinstance(key, str):
            problem("key-type", f"keys must be strings, not {kind_of(key)} ({text}): quote it", pos)
            top.key = _BAD_KEY
            return
        if top.container is not None and key in top.container:
            problem("duplicate-key", f"duplicate key '{key}'", pos)
            top.key = _BAD_KEY
            return
        top.key = key
        top.key_pos = pos

    # The loop is the loader's hot path (a 10k-row table is ~230k events): the common cases — a
    # plain scalar as a new string key, or as a value in a mapping or a list — are written out
    # inline; ``accept_key`` and ``place`` keep every other case. ``top`` is ``stack[-1]``.
    top: _Frame | None = None
    for ev in events:
        cls = type(ev)
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            top = stack[-1] if stack else None
            if frame.as_key:
                stack[-1].key = _BAD_KEY
            continue
        mark = ev.start_mark
        pos = (mark.line + 1, mark.column + 1)
        if cls is ScalarEvent:
            if ev.anchor is not None or ev.ctag is not None:
                check_node(ev, pos)
            text = ev.value
            plain = ev.style in (None, "")
            value = resolve_plain(text) if plain and ev.ctag is None else text
            if top is not None and top.is_map and top.key is None:  # a key
                container = top.container
                if value.__class__ is str and value != "<<" and container is not None and value not in container:
                    top.key = value
                    top.key_pos = pos
                else:  # as a key, an out-of-range number is refused for its type
                    accept_key(value, pos, text, plain)
                continue
            if isinstance(value, OutOfRange):
                problem("number-range", f"{numbers.out_of_range(value.text)}; quote it if it is text", pos)
                value = None
            if top is not None and top.is_map and top.key is not _BAD_KEY and top.container is not None:
                key, top.key = top.key, None
                top.container[key] = value
                if record:
                    path = top.path + (key,)
                    positions[path] = pos
                    key_positions[path] = top.key_pos
            elif top is not None and not top.is_map and not record:
                top.container.append(value)
            else:
                place(value, pos)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            check_node(ev, pos)
            if len(stack) >= MAX_DEPTH:
                raise _fail(file, "too-deep", f"nesting deeper than {MAX_DEPTH} levels", pos)
            is_map = cls is MappingStartEvent
            as_key = expecting_key()
            if as_key:
                problem("key-type", "keys must be strings, not collections", pos)
                container = None
                path = stack[-1].path + ("<key>",)
            else:
                container = {} if is_map else []
                placed = place(container, pos)
                if placed is None:  # under a refused key: compose, then drop
                    container, placed = None, stack[-1].path + ("<dropped>",)
                path = placed
                if not stack and not is_map:  # fail now, not after composing a huge list
                    problems.append(
                        Finding(
                            "not-a-mapping", "error", "top level must be a mapping, not a list", file, pos[0], pos[1]
                        )
                    )
                    raise TableError(problems)
                if not stack and is_map:
                    root_pos = pos
            if container is None and not is_map:
                container = []  # a throwaway list keeps the index bookkeeping simple
            top = _Frame(container, path, is_map, as_key)
            stack.append(top)
        elif cls is AliasEvent:
            problem("alias", f"aliases are not allowed (*{ev.anchor}): write the value out", pos)
            if expecting_key():
                accept_key(_BAD_KEY, pos)
            else:
                place(None, pos)
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                problem("multiple-documents", "a table file holds one YAML document", pos)
                break

    if problems:
        raise TableError(problems)
    if not root or root[0] is None:
        raise _fail(file, "empty", "file is empty: expected a table (a YAML mapping)")
    if not isinstance(root[0], dict):
        raise _fail(
            file, "not-a-mapping", f"top level must be a mapping, not {kind_of(root[0])}", positions.get((), (1, 1))
        )
    positions[()] = root_pos
    return Document(root[0], file, positions, key_positions)


def kind_of(value: Any) -> str:
    """What a loaded value is, in the words of every message that names it ("an integer", "a list").

    One definition for the loader's and the schema's messages; ``OutOfRange`` is a number too.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, (float, Decimal, OutOfRange)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a string"
