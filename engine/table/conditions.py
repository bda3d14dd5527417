"""Cell conditions: parse a ``when`` value for an input of a given type.

A condition is one of three shapes, chosen by the input's type:

* ``OptionSet`` (choice): the options it accepts, already resolved against the
  input's options, so ``{not: x}`` is just a smaller set;
* ``BoolIs`` (boolean);
* ``Interval`` (integer/number): one interval with exact ``Decimal``/``int``
  bounds; a bare number is the point interval ``[n, n]``;
* ``StringSet`` (string): the strings named, or (``negated``) every string but
  those; free text has no option list to resolve ``{not: x}`` against.
* ``Interval`` (date) too, in the number forms over ``YYYY-MM-DD`` dates
  (``engine/table/dates.py``), its bounds day numbers (``dates.day``): a bare
  date is that day.
* ``IntervalSet`` (integer/number/date): the richer forms ``"!= N"``, a list
  (any of) and ``{not: ...}``, only when their union is not one interval: its
  parts disjoint, sorted and never touching, so that a single interval keeps
  one shape (``Interval``) everywhere, and tables without the new forms compile
  and cache exactly as before.

Numbers are decimal literals compared exactly; there is no binary floating
point anywhere on this path. ``parse`` returns an error message string instead
of raising, so that the validator can report every bad cell with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Union

from crossroads.engine.table import dates, numbers
from crossroads.engine.table.numbers import NUMBER, Num, exact, format_number, parse_number

__all__ = [
    "BoolIs",
    "Condition",
    "Interval",
    "IntervalSet",
    "Num",
    "OptionSet",
    "StringSet",
    "exact",
    "format_number",
    "parse",
    "parse_number",
    "text_of",
]

_COMPARISON = re.compile(rf"\s*(<=|>=|==|!=|<|>)\s*({NUMBER})\s*")
_INTERVAL = re.compile(rf"\s*([\[(])\s*({NUMBER})\s*,\s*({NUMBER})\s*([\])])\s*")
# Dates: the number forms with a looser operand (any run up to a separator), so that a malformed
# date in a well-formed comparison or interval is reported as a bad date, not as an unreadable condition.
_DATE_OPERAND = r"[^\s,\[\]()<>=]+(?:[ T][^\s,\[\]()<>=]+)?"
_DATE_COMPARISON = re.compile(rf"\s*(<=|>=|==|!=|<|>)\s*({_DATE_OPERAND})\s*")
_DATE_INTERVAL = re.compile(rf"\s*([\[(])\s*({_DATE_OPERAND})\s*,\s*({_DATE_OPERAND})\s*([\])])\s*")


def _bound(text: str) -> Num | str:
    """A number written in a condition, or the message saying it is out of range."""
    if len(text) < 19 and text.isdigit():  # the usual bound, and always in range (``text`` is ASCII: NUMBER)
        return int(text)
    d = numbers.decimal(text)
    if d is None:
        return numbers.out_of_range(text)
    return exact(d)


@dataclass(frozen=True, slots=True)
class OptionSet:
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class BoolIs:
    value: bool


@dataclass(frozen=True, slots=True)
class Interval:
    """``lo``/``hi`` None mean unbounded on that side."""

    lo: Num | None
    lo_closed: bool
    hi: Num | None
    hi_closed: bool

    def contains(self, x: Num) -> bool:
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_closed)):
            return False
        return True

    def intersection(self, other: "Interval") -> "Interval":
        """The numbers in both (maybe none: ``is_empty`` says), e.g. a condition within its input's bounds."""
        lo, lo_closed = self.lo, self.lo_closed
        if other.lo is not None and (lo is None or other.lo > lo or (other.lo == lo and not other.lo_closed)):
            lo, lo_closed = other.lo, other.lo_closed
        hi, hi_closed = self.hi, self.hi_closed
        if other.hi is not None and (hi is None or other.hi < hi or (other.hi == hi and not other.hi_closed)):
            hi, hi_closed = other.hi, other.hi_closed
        return Interval(lo, lo_closed, hi, hi_closed)

    def text(
        self, format_number: Callable[[Any], str] = format_number, *, separator: str = ", ", anything: str = "any"
    ) -> str:
        """The condition in table syntax (bounds written by ``format_number``: ``dates.format_day`` for a date).

        The shape — a point, a comparison, a bracketed range — is shared with the unary tests of
        other tools: ``separator=".."`` writes FEEL's and ZEN's ``[a..b)``; ``anything`` is what the
        whole line is written as (ZEN: the empty cell)."""
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None and lo == hi:
            return format_number(lo)
        if lo is None and hi is None:
            return anything
        if lo is None:
            return f"{'<=' if self.hi_closed else '<'} {format_number(hi)}"
        if hi is None:
            return f"{'>=' if self.lo_closed else '>'} {format_number(lo)}"
        opening, closing = "[" if self.lo_closed else "(", "]" if self.hi_closed else ")"
        return f"{opening}{format_number(lo)}{separator}{format_number(hi)}{closing}"


@dataclass(frozen=True, slots=True)
class StringSet:
    """A string input's condition: ``values`` exactly (case and spaces count), or every other string
    when ``negated`` (``{not: ...}``). The strings a table names split free text into those strings
    and one class of every other string (see ``compiler.TextColumn``)."""

    values: frozenset[str]
    negated: bool

    def accepts(self, value: str) -> bool:
        return (value in self.values) != self.negated


@dataclass(frozen=True, slots=True)
class IntervalSet:
    """A union of at least two intervals (``"!= N"``, a list, ``{not: ...}``): ``parts`` sorted,
    disjoint and never touching (between two parts lies at least one number of the line), so a
    value is in at most one part and each part is one run of a column's segments. Built only by
    ``union``, which returns a plain ``Interval`` when the union is one."""

    parts: tuple[Interval, ...]

    def contains(self, x: Num) -> bool:
        return any(p.contains(x) for p in self.parts)

    def text(self, format_number: Callable[[Any], str] = format_number) -> str:
        """The condition in table syntax: ``!= N`` for the line without one point, else a list of the parts."""
        a, b = self.parts[0], self.parts[-1]
        if len(self.parts) == 2 and a.lo is None and b.hi is None and a.hi == b.lo and not a.hi_closed:
            if not b.lo_closed:
                return f"!= {format_number(a.hi)}"
        return "[" + ", ".join(_quoted(p.text(format_number)) for p in self.parts) + "]"


def _quoted(text: str) -> str:
    """A part of a list as written in YAML: a bare value stays bare, a condition string is quoted."""
    return text if text[:1].isdigit() or text[:1] == "-" and text[1:2].isdigit() else f'"{text}"'


def _starts_before(a: Interval, b: Interval) -> bool:
    """``a``'s lower end is below ``b``'s (None is -inf; a closed end is below an open one at the same point)."""
    if a.lo is None or b.lo is None:
        return a.lo is None and b.lo is not None
    return a.lo < b.lo or (a.lo == b.lo and a.lo_closed and not b.lo_closed)


def _reaches(a: Interval, b: Interval) -> bool:
    """``a`` (starting no later than ``b``) overlaps or touches ``b``: their union is one interval."""
    if a.hi is None or b.lo is None:
        return True
    return b.lo < a.hi or (b.lo == a.hi and (a.hi_closed or b.lo_closed))


def _higher_end(a: Interval, b: Interval) -> tuple[Num | None, bool]:
    if a.hi is None or b.hi is None:
        return None, False
    if a.hi != b.hi:
        return (a.hi, a.hi_closed) if a.hi > b.hi else (b.hi, b.hi_closed)
    return a.hi, a.hi_closed or b.hi_closed


def union(parts: list[Interval]) -> "Interval | IntervalSet | None":
    """The union of ``parts`` (each non-empty) in canonical form: None when empty, an ``Interval``
    when it is one, else an ``IntervalSet`` of its maximal parts in order."""
    ordered = sorted(parts, key=lambda p: (p.lo is not None, p.lo if p.lo is not None else 0, not p.lo_closed))
    merged: list[Interval] = []
    for p in ordered:
        if merged and _reaches(merged[-1], p):
            last = merged[-1]
            hi, hi_closed = _higher_end(last, p)
            merged[-1] = Interval(last.lo, last.lo_closed, hi, hi_closed)
        else:
            merged.append(p)
    if not merged:
        return None
    return merged[0] if len(merged) == 1 else IntervalSet(tuple(merged))


def complement(c: "Interval | IntervalSet") -> "Interval | IntervalSet | None":
    """Every number of the line outside ``c`` (None: ``c`` is the whole line)."""
    parts = c.parts if isinstance(c, IntervalSet) else (c,)
    gaps: list[Interval] = []
    lo: Num | None = None
    lo_closed = False
    for p in parts:
        if p.lo is not None:
            gap = Interval(lo, lo_closed, p.lo, not p.lo_closed)
            if not is_empty(gap):
                gaps.append(gap)
        if p.hi is None:
            return union(gaps)
        lo, lo_closed = p.hi, not p.hi_closed
    gaps.append(Interval(lo, lo_closed, None, False))
    return union(gaps)


def is_empty(iv: Interval) -> bool:
    """Whether ``iv`` holds no number (``(3, 3)``, ``[5, 2]``): what a bound pair written by hand can be."""
    if iv.lo is None or iv.hi is None:
        return False
    return iv.lo > iv.hi or (iv.lo == iv.hi and not (iv.lo_closed and iv.hi_closed))


Numeric = Union[Interval, IntervalSet]
"""An integer, number or date input's condition."""


Condition = Union[OptionSet, BoolIs, Interval, IntervalSet, StringSet]


def parse(input_type: str, raw: Any, options: tuple[str, ...] = ()) -> Condition | str:
    """Parse ``raw`` (a ``when`` value) for an input; a ``str`` result is an error message."""
    if input_type == "choice":
        return _parse_choice(raw, options)
    if input_type == "boolean":
        if isinstance(raw, bool):
            return BoolIs(raw)
        return f"a boolean input takes true or false, not {_show(raw)}"
    if input_type == "string":
        return _parse_string(raw)
    if input_type == "date":
        return _parse_date(raw)
    return _parse_numeric(raw)


def _parse_string(raw: Any) -> StringSet | str:
    """A string, a list of strings (any of) or ``{not: <string or list>}``. YAML reads ``12``,
    ``true`` or ``1.0`` unquoted as a number or a boolean, never as the text: an error saying to quote it."""
    negate = False
    if isinstance(raw, dict) or hasattr(raw, "not_"):
        raw = raw["not"] if isinstance(raw, dict) else raw.not_
        negate = True
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
    if values is None or not all(isinstance(v, str) for v in values):
        scalars = [raw] if values is None else values
        bad = next((v for v in scalars if isinstance(v, (bool, int, Decimal))), None)
        if bad is not None:
            return f'{_show(bad)} is not a string: YAML reads it unquoted as {"a boolean" if isinstance(bad, bool) else "a number"}; quote it to mean the text: "{text_of(bad)}"'
        return f"a string input takes a string, a list of strings or {{not: ...}}, not {_show(raw)}"
    if not values:
        return "an empty list matches nothing: name at least one string"
    return StringSet(frozenset(values), negate)


def _parse_choice(raw: Any, options: tuple[str, ...]) -> OptionSet | str:
    negate = False
    if isinstance(raw, dict) or hasattr(raw, "not_"):
        raw = raw["not"] if isinstance(raw, dict) else raw.not_
        negate = True
    values = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else None
    if values is None or not all(isinstance(v, str) for v in values):
        if isinstance(raw, (bool, int, Decimal)) and text_of(raw) in options:
            return f'{_show(raw)} is not an option id; quote it: "{text_of(raw)}"'
        return f"a choice input takes an option id, a list of ids or {{not: ...}}, not {_show(raw)}"
    unknown = [v for v in values if v not in options]
    if unknown:
        return "unknown option " + ", ".join(f"'{v}'" for v in unknown) + " (options: " + ", ".join(options) + ")"
    chosen = frozenset(values)
    return OptionSet(frozenset(options) - chosen if negate else chosen)


def _parse_numeric(raw: Any) -> Numeric | str:
    """A number condition, or a list of them (any of), or ``{not: <one or a list>}`` (see ``_richer``)."""
    return _richer(raw, _numeric_one, "a number")


def _richer(raw: Any, one: Callable[[Any], Numeric | str], kind: str) -> Numeric | str:
    """The richer numeric forms over ``one`` (the parser of a single condition): a list means any of
    its members, ``{not: x}`` every value outside ``x`` (one condition or a list; it does not nest).
    A union that is one interval is that ``Interval``; one that holds nothing is an error, as an empty
    interval is."""
    negate = False
    if raw.__class__ is not str and (isinstance(raw, dict) or hasattr(raw, "not_")):
        raw = raw.get("not") if isinstance(raw, dict) else raw.not_
        negate = True
        if isinstance(raw, dict) or hasattr(raw, "not_"):
            return "{not: ...} does not nest: write the condition itself, or list what to exclude in one {not: [...]}"
    if isinstance(raw, (list, tuple)):
        if not raw:
            return f"an empty list matches nothing: name at least one {kind[2:]} or condition"
        parts: list[Interval] = []
        for member in raw:
            if isinstance(member, (list, tuple, dict)) or hasattr(member, "not_"):
                return f"a list holds {kind[2:]}s and condition strings, not {_show(member)}: write one flat list"
            c = one(member)
            if isinstance(c, str):
                return c
            parts.extend(c.parts if isinstance(c, IntervalSet) else (c,))
        merged = union(parts)
        assert merged is not None  # every member holds a value
        result: Numeric = merged
    else:
        single = one(raw)
        if isinstance(single, str) or not negate:
            return single
        result = single
    if not negate:
        return result
    outside = complement(result)
    if outside is None:
        return f"{{not: {text_of(raw)}}} matches nothing: what it excludes covers every value"
    return outside


def _compared(op: str, bound: Num) -> Numeric:
    """``op bound``, the comparison of a number or a day (its day number), as the values it holds."""
    if op == "!=":
        return IntervalSet((Interval(None, False, bound, False), Interval(bound, False, None, False)))
    if op == "==":
        return Interval(bound, True, bound, True)
    closed = op[-1] == "="
    return Interval(None, False, bound, closed) if op[0] == "<" else Interval(bound, closed, None, False)


def _operator_form(
    raw: str,
    comparison: re.Pattern[str],
    interval: re.Pattern[str],
    read: Callable[[str], Any],
    show: Callable[[Any], str],
    unit: str,
) -> Numeric | str | None:
    """``raw`` as a comparison or an interval whose operands ``read`` takes (a number, or a date as
    its day number; a ``str`` back is why not), the error message, or None when it is neither form."""
    m = comparison.fullmatch(raw)
    if m:
        bound = read(m.group(2))
        return bound if isinstance(bound, str) else _compared(m.group(1), bound)
    m = interval.fullmatch(raw)
    if m:
        lo, hi = read(m.group(2)), read(m.group(3))
        for bound in (lo, hi):
            if isinstance(bound, str):
                return bound
        return _between(raw, m.group(1), lo, hi, m.group(4), show, unit)
    return None


def _between(
    raw: str, opening: str, lo: Num, hi: Num, closing: str, show: Callable[[Any], str], unit: str
) -> Interval | str:
    """The interval ``raw`` with its brackets and bounds read (numbers, or day numbers shown as dates)."""
    lo_closed, hi_closed = opening == "[", closing == "]"
    if lo > hi:
        return f'interval "{raw}" has reversed bounds ({show(lo)} > {show(hi)})'
    if lo == hi and not (lo_closed and hi_closed):
        a = show(lo)
        return f'interval "{raw}" is empty; write "[{a}, {show(hi)}]" or {a} for a single {unit}'
    return Interval(lo, lo_closed, hi, hi_closed)


def _numeric_one(raw: Any) -> Numeric | str:
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        return f'a numeric input takes a number, a comparison such as ">= 10" or an interval such as "[1, 5)", not {_show(raw)}'
    if not isinstance(raw, str):
        if isinstance(raw, Decimal) and not raw.is_finite():
            return f"numbers must be finite, not {raw}"
        if isinstance(raw, Decimal) and not numbers.in_range(raw):
            return numbers.out_of_range(str(raw))
        value = exact(raw)
        return Interval(value, True, value, True)
    formed = _operator_form(raw, _COMPARISON, _INTERVAL, _bound, format_number, "value")
    if formed is not None:
        return formed
    n = parse_number(raw)
    if n is not None:
        return f'"{raw}" is a string; write the number unquoted ({raw.strip()}) or as "== {raw.strip()}"'
    return f'cannot read condition "{raw}": expected a number, "< N", "<= N", "> N", ">= N", "== N", "!= N" or an interval such as "[a, b)"'


def _day(text: str) -> int | str:
    """A date written in a condition as its day number, or the message saying why it is no date."""
    d = dates.parse_date(text)
    return dates.problem(text) if d is None else dates.day(d)


def _parse_date(raw: Any) -> Numeric | str:
    """A date input's condition: the number forms (``_parse_numeric``) with ``YYYY-MM-DD`` operands."""
    return _richer(raw, _date_one, "a date")


def _date_one(raw: Any) -> Numeric | str:
    if not isinstance(raw, str):
        return f'a date input takes a date YYYY-MM-DD, a comparison such as ">= 2025-01-01" or an interval such as "[2025-01-01, 2025-04-01)", not {_show(raw)}'
    single = dates.parse_date(raw)
    if single is not None:
        n = dates.day(single)
        return Interval(n, True, n, True)
    formed = _operator_form(raw, _DATE_COMPARISON, _DATE_INTERVAL, _day, dates.format_day, "day")
    if formed is not None:
        return formed
    if re.fullmatch(r"\s*[^\s<>=\[(]\S*(?: \S+)?\s*", raw):
        return dates.problem(raw)
    return f'cannot read condition "{raw}": expected a date YYYY-MM-DD, "< D", "<= D", "> D", ">= D", "== D", "!= D" or an interval such as "[2025-01-01, 2025-04-01)"'


def text_of(raw: Any) -> str:
    """A ``when`` value as written, for messages and explanations."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, Decimal)):
        return format_number(exact(raw))
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (list, tuple)):
        return "[" + ", ".join(text_of(v) for v in raw) + "]"
    if isinstance(raw, dict) or hasattr(raw, "not_"):
        inner = raw["not"] if isinstance(raw, dict) else raw.not_
        return "not " + text_of(inner)
    return str(raw)


def _show(raw: Any) -> str:
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, (int, Decimal)):
        return f"the number {text_of(raw)}"
    if isinstance(raw, str):
        return f'the string "{raw}"'
    if isinstance(raw, (list, tuple)):
        return "a list"
    return "a mapping"
