"""The subset of FEEL unary tests that a crossroads condition says exactly, and nothing more.

DMN writes each input entry of a decision table as FEEL *unary tests*. This
module reads the part of that language that crossroads' conditions
(``engine/table/conditions.py``) express without approximation:

* ``-`` and the empty entry (Camunda's "any"): no condition;
* literals: strings (``"Gold"``), numbers (``18``, ``-0.5``, ``.5``), ``true``/``false``,
  ``date("2025-01-05")``;
* comparisons ``< <= > >= = !=`` with a literal, with or without a space (``<18``, ``>= 0.60``);
* ranges in every bracket form: ``[a..b]``, ``(a..b)``, ``]a..b[``, ``[a..b)``, ``(a..b]``…;
* lists of those (any of), mixed ones included (``<18, >=60``), and ``not(...)`` around a list.

``translate(text, kind, options)`` gives the crossroads ``when`` value for an
input of that kind — ``Cell(value)`` (a literal, ``"[1, 10)"``, ``">= 18"``, a
list, ``{"not": ...}``; dates written ``YYYY-MM-DD``), ``ANY``, or
``Refusal(reason)``. Everything else is refused, saying why: names (another
input or variable), function calls other than ``date``, arithmetic, ``?``,
``null``, the time/dateTime/duration functions, a string where a number is
compared (a type mismatch, never silently retyped). Numbers stay exact: the
literal's text is kept as written and read as a ``Decimal``, never a float.

The tokenizer is hand-written and linear; an entry longer than
``MAX_ENTRY`` characters is refused before it is read, and ``not`` does not
nest (crossroads' ``{not: ...}`` does not either), so nothing recurses on the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal, Union

from crossroads.engine.table import dates, numbers

MAX_ENTRY: Final = 4096
"""Characters of one entry; a decision table's cells are short, a hostile one is not read."""

Kind = Literal["number", "integer", "string", "choice", "boolean", "date"]

# ---------------------------------------------------------------- tokens

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
_NAME_START = re.compile(r"[A-Za-z_?\u00c0-\uffff]")
PLAIN_NAME = re.compile(r"[A-Za-z_\u00c0-\uffff][A-Za-z0-9_?'\u00c0-\uffff]*(?:(?: +|-)[A-Za-z0-9_?'\u00c0-\uffff]+)*")
"""An input expression or output name that is a plain FEEL name (``Age``, ``Risk Category``,
``risk-category``): what a DMN caller keys an answer by, and the one definition the importer and
the exporter share."""
_NAME = re.compile(r"[A-Za-z0-9_?'\u00c0-\uffff]+(?:[ .][A-Za-z0-9_?'\u00c0-\uffff]+)*")
_OPS = ("<=", ">=", "!=", "..", "<", ">", "=", "[", "]", "(", ")", ",", "-")


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["string", "number", "name", "op", "other"]
    text: str  # a string token's value (unescaped); otherwise as written
    at: int


class _Refused(Exception):
    """Raised inside the reader; ``translate`` turns it into a ``Refusal``."""


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``; raise ``_Refused`` on an unterminated string."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n\u00a0":
            i += 1
            continue
        if c == '"':
            j, value = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    esc = text[j + 1]
                    value.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}.get(esc, "\\" + esc))
                    j += 2
                    continue
                value.append(text[j])
                j += 1
            if j >= n:
                raise _Refused("has an unterminated string")
            out.append(Token("string", "".join(value), i))
            i = j + 1
            continue
        m = _NUMBER.match(text, i)
        if m and not (c == "." and text.startswith("..", i)):
            out.append(Token("number", m.group(), i))
            i = m.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op is not None:
            out.append(Token("op", op, i))
            i += len(op)
            continue
        if _NAME_START.match(c):
            m = _NAME.match(text, i)
            assert m is not None
            out.append(Token("name", m.group(), i))
            i = m.end()
            continue
        out.append(Token("other", c, i))
        i += 1
    return out


# ---------------------------------------------------------------- the unary tests, as read


@dataclass(frozen=True, slots=True)
class Value:
    """A literal: ``kind`` number (``text`` as written), string, boolean (``true``/``false``) or date (``YYYY-MM-DD``)."""

    kind: Literal["number", "string", "boolean", "date"]
    text: str

    def number(self) -> Decimal:
        return Decimal(self.text)


@dataclass(frozen=True, slots=True)
class Compare:
    op: Literal["<", "<=", ">", ">=", "=", "!="]
    value: Value


@dataclass(frozen=True, slots=True)
class Range:
    lo_closed: bool
    lo: Value
    hi: Value
    hi_closed: bool


Test = Union[Value, Compare, Range]


@dataclass(frozen=True, slots=True)
class Tests:
    """A list of positive unary tests (any of), ``negated`` for ``not(...)``."""

    items: tuple[Test, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class AnyValue:
    """``-`` or an empty entry: every value."""


ANY: Final = AnyValue()


@dataclass(frozen=True, slots=True)
class Cell:
    """The crossroads ``when`` value (plain data, as the YAML loader would give it)."""

    value: Any


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an entry is not expressible exactly (one clause: ``uses arithmetic``)."""

    reason: str


_FUNCTIONS = {
    "time": "time values have no crossroads type",
    "date and time": "dateTime values have no crossroads type",
    "duration": "durations have no crossroads type",
    "years and months duration": "durations have no crossroads type",
}


class _Reader:
    def __init__(self, toks: list[Token]):
        self.toks = toks
        self.i = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Token:
        t = self.peek()
        if t is None:
            raise _Refused("ends early")
        self.i += 1
        return t

    def op(self, *texts: str) -> bool:
        t = self.peek()
        if t is not None and t.kind == "op" and t.text in texts:
            self.i += 1
            return True
        return False

    def unexpected(self, t: Token | None) -> _Refused:
        if t is None:
            return _Refused("ends early")
        if t.kind == "name":
            nxt = self.toks[self.toks.index(t) + 1] if self.toks.index(t) + 1 < len(self.toks) else None
            if nxt is not None and nxt.kind == "op" and nxt.text == "(" and t.text == "not":
                return _Refused("nests not(...) or uses it inside a list (it may only enclose the whole entry, once)")
            if nxt is not None and nxt.kind == "op" and nxt.text == "(":
                why = _FUNCTIONS.get(t.text, "only literals and date() are read")
                return _Refused(f"calls the function {t.text}() ({why})")
            if t.text == "null":
                return _Refused("tests for null (crossroads answers always have a value)")
            if t.text.startswith("?") or t.text == "?":
                return _Refused("uses '?', the input value inside an expression")
            return _Refused(f"refers to the name '{t.text}' (another input or variable), not a literal")
        if t.kind == "other" and t.text in "+*/%^":
            return _Refused(f"uses arithmetic ('{t.text}')")
        if t.kind == "op" and t.text == "-":
            return _Refused("uses arithmetic ('-')")
        return _Refused(f"cannot be read at '{t.text}'")

    def value(self) -> Value:
        t = self.peek()
        if t is None:
            raise _Refused("ends early")
        if t.kind == "string":
            self.i += 1
            return Value("string", t.text)
        if t.kind == "number":
            self.i += 1
            return Value("number", t.text)
        if t.kind == "op" and t.text == "-":
            n = self.peek(1)
            if n is not None and n.kind == "number" and n.at == t.at + 1:
                self.i += 2
                return Value("number", "-" + n.text)
            raise self.unexpected(t)
        if t.kind == "name" and t.text in ("true", "false"):
            self.i += 1
            return Value("boolean", t.text)
        if t.kind == "name" and t.text == "date":
            n = self.peek(1)
            if n is not None and n.kind == "op" and n.text == "(":
                self.i += 2
                s = self.next()
                if s.kind != "string":
                    raise _Refused("calls date() with something other than a string literal")
                if not self.op(")"):
                    raise _Refused("calls date() with more than one string literal")
                if dates.parse_date(s.text) is None or s.text.strip() != s.text:
                    raise _Refused(f'has date("{s.text}"), which is no YYYY-MM-DD day')
                return Value("date", s.text)
        raise self.unexpected(t)

    def test(self) -> Test:
        t = self.peek()
        if t is not None and t.kind == "op" and t.text in ("<", "<=", ">", ">=", "=", "!="):
            self.i += 1
            return Compare(t.text, self.value())  # type: ignore[arg-type]
        if t is not None and t.kind == "op" and t.text in ("[", "(", "]"):
            self.i += 1
            lo = self.value()
            if not self.op(".."):
                raise self.unexpected(self.peek())
            hi = self.value()
            end = self.next()
            if not (end.kind == "op" and end.text in ("]", ")", "[")):
                raise self.unexpected(end)
            return Range(t.text == "[", lo, hi, end.text == "]")
        return self.value()

    def tests(self) -> tuple[Test, ...]:
        items = [self.test()]
        while self.op(","):
            items.append(self.test())
        return tuple(items)


def read(text: str) -> Tests | AnyValue | Refusal:
    """``text`` (an input entry) as unary tests, ``ANY``, or why it is outside the subset."""
    if len(text) > MAX_ENTRY:
        return Refusal(f"is longer than {MAX_ENTRY} characters")
    stripped = text.strip()
    if stripped in ("", "-"):
        return ANY
    try:
        toks = tokens(stripped)
        r = _Reader(toks)
        first, second = r.peek(), r.peek(1)
        negated = False
        if first is not None and first.kind == "name" and first.text == "not" and second is not None:
            if second.kind == "op" and second.text == "(":
                r.i = 2
                negated = True
        items = r.tests()
        if negated:
            if not r.op(")"):
                raise r.unexpected(r.peek())
        if r.peek() is not None:
            raise r.unexpected(r.peek())
        return Tests(items, negated)
    except _Refused as exc:
        return Refusal(str(exc))


def literal(text: str) -> Value | Refusal:
    """An output entry (or a default output entry, an output value): one literal, or why not."""
    if len(text) > MAX_ENTRY:
        return Refusal(f"is longer than {MAX_ENTRY} characters")
    try:
        toks = tokens(text.strip())
        if not toks:
            return Refusal("is empty (every output needs a value)")
        r = _Reader(toks)
        v = r.value()
        if r.peek() is not None:
            raise r.unexpected(r.peek())
        return v
    except _Refused as exc:
        return Refusal(str(exc))


def literals(text: str) -> tuple[Value, ...] | Refusal:
    """A comma-separated list of literals (output values, allowed values of strings)."""
    read_ = read(text)
    if isinstance(read_, Refusal):
        return read_
    if isinstance(read_, AnyValue) or read_.negated or not all(isinstance(t, Value) for t in read_.items):
        return Refusal("is not a list of literals")
    return tuple(t for t in read_.items if isinstance(t, Value))


# ---------------------------------------------------------------- onto crossroads conditions


def _number(v: Value, kind: Kind) -> Any:
    """A number literal as the loader would give it: an ``int`` for an integer literal, else an exact ``Decimal``."""
    if v.kind != "number":
        raise _Refused(_mismatch(v, kind))
    d = Decimal(v.text)
    if not numbers.in_range(d):
        raise _Refused(f"has the number {v.text}, {numbers.out_of_range(v.text)}")
    return int(v.text) if re.fullmatch(r"-?[0-9]+", v.text) else d


def _operand(v: Value, kind: Kind) -> str:
    """A bound as written in a condition string: the number literal as written, or the day."""
    if kind == "date":
        if v.kind != "date":
            raise _Refused(_mismatch(v, kind))
        return v.text
    _number(v, kind)
    return v.text


def _shown(v: Value) -> str:
    shown = {"string": f'the string "{v.text}"', "number": f"the number {v.text}", "boolean": f"the boolean {v.text}"}
    return shown.get(v.kind, f'date("{v.text}")')


def _mismatch(v: Value, kind: Kind) -> str:
    what = _shown(v)
    typed = {"choice": "string", "integer": "integer", "number": "number"}.get(kind, kind)
    return f"compares the {typed} input with {what} (a type mismatch)"


def _numeric(t: Test, kind: Kind) -> Any:
    if isinstance(t, Value):
        if kind == "date":
            if t.kind != "date":
                raise _Refused(_mismatch(t, kind))
            return t.text
        return _number(t, kind)
    if isinstance(t, Compare):
        operand = _operand(t.value, kind)
        op = "==" if t.op == "=" else t.op
        return f"{op} {operand}"
    lo, hi = _operand(t.lo, kind), _operand(t.hi, kind)
    return f"{'[' if t.lo_closed else '('}{lo}, {hi}{']' if t.hi_closed else ')'}"


def _text(t: Test, kind: Kind, options: tuple[str, ...]) -> tuple[str, bool]:
    """A string test as (the string, whether it is negated: ``!= "x"``)."""
    if isinstance(t, Range):
        raise _Refused("has a range over strings (crossroads compares strings for equality only)")
    v, negated = (t.value, t.op == "!=") if isinstance(t, Compare) else (t, False)
    if isinstance(t, Compare) and t.op not in ("=", "!="):
        if v.kind == "string":
            raise _Refused(f"orders strings ('{t.op}'): crossroads compares strings for equality only")
        raise _Refused(_mismatch(v, kind))
    if v.kind != "string":
        raise _Refused(_mismatch(v, kind))
    if kind == "choice" and v.text not in options:
        raise _Refused(f'names "{v.text}", which is not among the allowed values')
    return v.text, negated


def _boolean(t: Test) -> tuple[bool, bool]:
    if isinstance(t, Range):
        raise _Refused("has a range over booleans")
    v, negated = (t.value, t.op == "!=") if isinstance(t, Compare) else (t, False)
    if isinstance(t, Compare) and t.op not in ("=", "!="):
        raise _Refused(f"orders booleans ('{t.op}')")
    if v.kind != "boolean":
        raise _Refused(_mismatch(v, "boolean"))
    return v.text == "true", negated


def translate(text: str, kind: Kind, options: tuple[str, ...] = ()) -> Cell | AnyValue | Refusal:
    """The crossroads condition for the input entry ``text`` on an input of ``kind`` (``options``:
    a choice input's option ids, its allowed values), ``ANY``, or why it is refused."""
    tests = read(text)
    if not isinstance(tests, Tests):
        return tests
    try:
        return _translate(tests, kind, options)
    except _Refused as exc:
        return Refusal(str(exc))


def _translate(tests: Tests, kind: Kind, options: tuple[str, ...]) -> Cell | AnyValue:
    items = tests.items
    if kind == "boolean":
        read_ = [_boolean(t) for t in items]
        accepted = {value != negated for value, negated in read_}
        if tests.negated:
            accepted = {True, False} - accepted
        if not accepted:
            raise _Refused("matches no boolean")
        return Cell(accepted.pop()) if len(accepted) == 1 else ANY
    if kind in ("string", "choice"):
        read_s = [_text(t, kind, options) for t in items]
        if any(negated for _, negated in read_s):
            if len(read_s) != 1 or tests.negated:
                raise _Refused("mixes '!=' with other tests on a string (say it as not(...))")
            return Cell({"not": read_s[0][0]})
        values = list(dict.fromkeys(s for s, _ in read_s))
        cell: Any = values[0] if len(values) == 1 else values
        return Cell({"not": cell} if tests.negated else cell)
    members = [_numeric(t, kind) for t in items]
    cell = members[0] if len(members) == 1 else members
    return Cell({"not": cell} if tests.negated else cell)


def value_of(v: Value, kind: str) -> Any | Refusal:
    """An output literal as the crossroads value of an output of ``kind`` (``string``/``choice``,
    ``number``, ``integer``, ``boolean``, ``date``), or why it is not one."""
    try:
        wanted = {"choice": "string", "integer": "number"}.get(kind, kind)
        if v.kind != wanted:
            return Refusal(f"gives {_shown(v)} for a {kind} output (a type mismatch)")
        if kind in ("string", "choice", "date"):
            return v.text
        if kind == "boolean":
            return v.text == "true"
        n = _number(v, "number")
        if kind == "integer" and not isinstance(n, int):
            return Refusal(f"gives {v.text} for an integer output")
        return n
    except _Refused as exc:
        return Refusal(str(exc))
