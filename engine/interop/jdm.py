"""GoRules JDM (the JSON decision graphs of GoRules ZEN): import decision tables, export one.

Import (``read_file``, ``read_bytes``): every ``decisionTableNode`` of a graph becomes an
``Imported`` crossroads/1 document or a ``Refused`` reason. The JSON is hostile until proven
otherwise: the loader's size cap, UTF-8 only, a nesting limit checked before ``json`` recurses,
duplicate keys and ``NaN``/``Infinity`` refused, numbers read exactly (``Decimal``). An
unreadable file is a ``TableError`` with a positioned finding, as the YAML loader gives.

What a table imports (the rest is refused, quoting the cell and saying why; never approximated):

* hit policy ``first`` or ``collect``; ``executionMode: loop`` is refused; ``passThrough``,
  ``inputField`` and ``outputPath`` are graph plumbing (where the table reads and writes in
  the graph's context), dropped with a note: they do not change what the table decides;
* input cells in ZEN's unary syntax: empty (any), literals (``'US'``, ``"US"``, ``5``,
  ``1_000``, ``true``), comparisons (``< <= > >= == !=`` before a literal), ranges ``[a..b]``,
  ``(a..b)``, ``[a..b)``, ``(a..b]``, arrays ``['a', 'b']``, ``and`` (an intersection:
  ``> 5 and < 10`` is ``(5, 10)``) and ``,`` (any of). ``$``-expressions, function calls
  (``date(...)``, ``contains(...)``), references to other fields, ``or``, ``]a..b[`` (which ZEN
  does not read as an open range) are refused;
* input types from the cells: numbers → ``number``, quoted strings → ``string`` (free text: JDM
  has no allowed values, so a ``choice`` would invent them), ``true``/``false`` → ``boolean``; a
  column mixing kinds is refused; a column whose every cell is empty constrains nothing and is
  dropped (noted);
* output cells: literals only (a string, a number, a boolean), every one given: an empty or
  ``null`` output cell is refused (crossroads gives every output a value);
* ids: slugs of the JDM ``field`` (``customer.country`` → ``customer-country``), labels from
  ``name`` (input ``prompt``, output ``title``). A field that is not its own slug is recorded
  in the table's ``summary`` as its last line, ``JDM fields: customer-country = customer.country,
  ...`` (``FIELDS``), which ``export_table`` reads to write the field back (else a field is the id).
  An output whose field is ``outcome`` and whose values are slugs is the table's named outcome.

Export (``export_table``): a graph of input node → one decision table → output node. Details
and what is refused (``NotExpressible``): see ``export_table``. Columns carry a ``crossroads``
key (ignored by ZEN) with what JDM cannot say — a choice input's options, an integer or a
bound, an outcome's title — so that importing an export gives the table back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Union

from crossroads.engine.errors import NotExpressible, TableError
from crossroads.engine.findings import Finding
from crossroads.engine.interop.common import Imported, Outcome, Path, Position, Refused, slug
from crossroads.engine.table import dates, loader, numbers
from crossroads.engine.table import conditions as cond
from crossroads.engine.table.compiler import CompiledTable, InputSpec
from crossroads.engine.table.model import RESERVED_OUTCOME, SEMVER_PATTERN, SLUG_PATTERN
from crossroads.engine.table.policies import policy_of

MAX_DEPTH = loader.MAX_DEPTH
"""Deepest JSON nesting read; a JDM graph needs about six levels."""

FIELDS = "JDM fields: "
"""Where an imported table keeps the JDM fields that are not their id: the summary's last line."""

EXTRA = "crossroads"
"""The key of a JDM column holding what JDM cannot express (ZEN ignores keys it does not know)."""

ZEN_POLICIES = ("first", "collect")
"""ZEN's hit policies (its names, which crossroads' ``first`` and ``collect`` mean exactly)."""

ZEN_DIGITS = 28
"""ZEN computes with 96-bit decimals: 28 significant digits, magnitudes below 7.9e28."""

_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_OUTPUT_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
"""An output field: ZEN writes it as keys split at dots (no expression: ``a-b`` is that key)."""
_SLUG = re.compile(SLUG_PATTERN)
_NUMBER = re.compile(r"[-+]?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+)?")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


# -- reading the JSON ---------------------------------------------------------------------------


def read_file(path: str, max_bytes: int) -> list[Outcome]:
    """Every decision table of the JDM graph at ``path`` (a regular file of at most ``max_bytes``).

    Raise ``TableError`` (one positioned finding) when the file cannot be read as a JDM graph.
    """
    return read_bytes(loader.read_bytes(path, max_bytes), path, max_bytes=max_bytes)


def read_bytes(data: bytes, file: str, *, max_bytes: int = loader.MAX_BYTES) -> list[Outcome]:
    """Every decision table of a JDM graph given as bytes; ``file`` names it in messages."""
    graph, text = _parse(data, file, max_bytes)
    nodes = graph.get("nodes")
    if not isinstance(nodes, list):
        raise _fail(file, "schema", "not a JDM graph: expected an object with a 'nodes' list")
    out: list[Outcome] = []
    taken: list[str] = []
    for node in nodes:
        if not isinstance(node, dict) or node.get("type") != "decisionTableNode":
            continue
        outcome = _table(node, file, text, taken)
        if isinstance(outcome, Imported):
            taken.append(outcome.id)
        out.append(outcome)
    return out


def _fail(file: str, code: str, message: str, line: int | None = None, column: int | None = None) -> TableError:
    return TableError([Finding(code, "error", message, file, line, column)])


def _parse(data: bytes, file: str, max_bytes: int) -> tuple[dict[str, Any], str]:
    if len(data) > max_bytes:
        raise _fail(file, "too-large", f"file is larger than the limit of {max_bytes} bytes")
    text = loader.decode(data, file)
    depth = 0
    for m in _TOKENS.finditer(text):  # strings skipped whole: a bracket inside one is text
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _line_col(text, m.start())
                raise _fail(file, "too-deep", f"nesting deeper than {MAX_DEPTH} levels", line, column)
        elif c in "]}":
            depth -= 1

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise _Duplicate(k)
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise _Constant(name)

    try:
        graph = json.loads(text, parse_float=Decimal, parse_constant=constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise _fail(file, "syntax", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except _Duplicate as exc:
        raise _fail(file, "duplicate-key", f"duplicate key '{exc.args[0]}'") from None
    except _Constant as exc:
        raise _fail(file, "syntax", f"JSON syntax error: {exc.args[0]} is not a JSON number") from None
    except (ValueError, RecursionError) as exc:  # an integer of more than 4,300 digits
        raise _fail(file, "number-range", f"unreadable number: {str(exc).splitlines()[0]}") from None
    if not isinstance(graph, dict):
        raise _fail(file, "not-a-mapping", "top level must be a JSON object (a JDM graph)", 1, 1)
    return graph, text


class _Duplicate(Exception):
    pass


class _Constant(Exception):
    pass


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _find(text: str, key: str, value: str, start: int = 0) -> int | None:
    """The offset of ``"key": "value"`` in the raw JSON at or after ``start`` (JSON carries no lines)."""
    m = re.compile(rf'"{re.escape(key)}"\s*:\s*{re.escape(json.dumps(value))}').search(text, start)
    if m is None and value.isascii() is False:
        m = re.compile(rf'"{re.escape(key)}"\s*:\s*{re.escape(json.dumps(value, ensure_ascii=False))}').search(
            text, start
        )
    return None if m is None else m.start()


# -- cells ------------------------------------------------------------------------------------

Kind = str  # "number", "string", "boolean"

_KINDS: dict[Any, Kind] = {
    "number": "number",
    "integer": "number",
    "string": "string",
    "choice": "string",
    "boolean": "boolean",
    "date": "date",  # only ever a column without conditions: export refuses date conditions
}
"""The cells' kind of each crossroads input type (a column of an export says its type: ``EXTRA``)."""


@dataclass(frozen=True, slots=True)
class _Nums:
    """A set of numbers: disjoint sorted intervals (``conditions.union``'s form), ``()`` = none."""

    parts: tuple[cond.Interval, ...]


@dataclass(frozen=True, slots=True)
class _Strs:
    """``values`` (or every string but them, ``negated``)."""

    values: frozenset[str]
    negated: bool


@dataclass(frozen=True, slots=True)
class _Bools:
    values: frozenset[bool]


Cell = Union[_Nums, _Strs, _Bools]

_EVERY = cond.Interval(None, False, None, False)


class _NotUnary(Exception):
    """A cell outside the unary forms read exactly; the message says why."""


def _nums(parts: Iterable[cond.Interval]) -> _Nums:
    u = cond.union([p for p in parts if not cond.is_empty(p)])
    return _Nums(() if u is None else u.parts if isinstance(u, cond.IntervalSet) else (u,))


def _meet(a: cond.Interval, b: cond.Interval) -> cond.Interval:
    if a.lo is None or (b.lo is not None and (b.lo > a.lo or (b.lo == a.lo and not b.lo_closed))):
        lo, lo_closed = b.lo, b.lo_closed
    else:
        lo, lo_closed = a.lo, a.lo_closed
    if a.hi is None or (b.hi is not None and (b.hi < a.hi or (b.hi == a.hi and not b.hi_closed))):
        hi, hi_closed = b.hi, b.hi_closed
    else:
        hi, hi_closed = a.hi, a.hi_closed
    return cond.Interval(lo, lo_closed, hi, hi_closed)


def _and(a: Cell, b: Cell) -> Cell:
    if isinstance(a, _Nums) and isinstance(b, _Nums):
        return _nums(_meet(x, y) for x in a.parts for y in b.parts)
    if isinstance(a, _Strs) and isinstance(b, _Strs):
        if not a.negated and not b.negated:
            return _Strs(a.values & b.values, False)
        if a.negated and b.negated:
            return _Strs(a.values | b.values, True)
        pos, neg = (a, b) if not a.negated else (b, a)
        return _Strs(pos.values - neg.values, False)
    assert isinstance(a, _Bools) and isinstance(b, _Bools)
    return _Bools(a.values & b.values)


def _or(a: Cell, b: Cell) -> Cell:
    if isinstance(a, _Nums) and isinstance(b, _Nums):
        return _nums(a.parts + b.parts)
    if isinstance(a, _Strs) and isinstance(b, _Strs):
        if not a.negated and not b.negated:
            return _Strs(a.values | b.values, False)
        if a.negated and b.negated:
            return _Strs(a.values & b.values, True)
        pos, neg = (a, b) if not a.negated else (b, a)
        return _Strs(neg.values - pos.values, True)
    assert isinstance(a, _Bools) and isinstance(b, _Bools)
    return _Bools(a.values | b.values)


def _kind(c: Cell) -> Kind:
    return "number" if isinstance(c, _Nums) else "string" if isinstance(c, _Strs) else "boolean"


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside quotes and brackets (ZEN strings have no escapes)."""
    out, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            out.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    if quote:
        raise _NotUnary("an unterminated string")
    out.append(text[start:])
    return out


def _literal(text: str) -> tuple[Kind, Any]:
    """A ZEN literal: a quoted string, a number (``1_000``, ``-0.5``) or a boolean."""
    t = text.strip()
    if len(t) >= 2 and t[0] in "'\"" and t[-1] == t[0] and t[0] not in t[1:-1]:
        return "string", t[1:-1]
    if t in ("true", "false"):
        return "boolean", t == "true"
    if _NUMBER.fullmatch(t):
        d = numbers.decimal(t.replace("_", ""))
        if d is None:
            raise _NotUnary(numbers.out_of_range(t))
        return "number", numbers.exact(d)
    raise _NotUnary(_why(t))


def _why(t: str) -> str:
    if "$" in t:
        return "a $-expression (crossroads reads only unary tests)"
    if re.search(r"[A-Za-z_][A-Za-z0-9_]*\s*\(", t):
        return "a function call"
    if t == "null":
        return "null"
    if re.search(r"\b(or|not|in)\b", t):
        return "an expression with or/not/in"
    if re.match(r"[A-Za-z_]", t):
        return "a reference to another field (or an expression)"
    return "not a unary test crossroads reads exactly"


def _point(kind: Kind, value: Any) -> Cell:
    if kind == "number":
        return _Nums((cond.Interval(value, True, value, True),))
    if kind == "string":
        return _Strs(frozenset([value]), False)
    return _Bools(frozenset([value]))


def _not(c: Cell) -> Cell:
    if isinstance(c, _Nums):
        if not c.parts:
            return _Nums((_EVERY,))
        rest = cond.complement(cond.IntervalSet(c.parts) if len(c.parts) > 1 else c.parts[0])
        return _nums(() if rest is None else rest.parts if isinstance(rest, cond.IntervalSet) else (rest,))
    if isinstance(c, _Strs):
        return _Strs(c.values, not c.negated)
    return _Bools(frozenset([True, False]) - c.values)


_RANGE = re.compile(r"([\[(\]])\s*(\S+?)\s*\.\.\s*(\S+?)\s*([\])\[])")
_OPS = ("<=", ">=", "==", "!=", "<", ">")


def _atom(text: str) -> Cell:
    t = text.strip()
    if not t:
        raise _NotUnary("an empty part of a list")
    m = _RANGE.fullmatch(t)
    if m:
        opening, a, b, closing = m.groups()
        if opening == "]" or closing == "[":
            raise _NotUnary("ZEN does not read ]a..b[ as an open range")
        (ka, lo), (kb, hi) = _literal(a), _literal(b)
        if ka != "number" or kb != "number":
            raise _NotUnary("a range of anything but numbers")
        iv = cond.Interval(lo, opening == "[", hi, closing == "]")
        if cond.is_empty(iv):
            raise _NotUnary("an empty range")
        return _Nums((iv,))
    if t.startswith("[") and t.endswith("]"):
        members = [_literal(x) for x in _split(t[1:-1], ",")]
        kinds = {k for k, _ in members}
        if len(kinds) != 1 or "boolean" in kinds:
            raise _NotUnary("an array mixing kinds of values")
        cells = [_point(k, v) for k, v in members]
        out = cells[0]
        for c in cells[1:]:
            out = _or(out, c)
        return out
    for op in _OPS:
        if t.startswith(op):
            kind, value = _literal(t[len(op) :])
            if kind != "number" and op not in ("==", "!="):
                raise _NotUnary(f"'{op}' on {'a string' if kind == 'string' else 'a boolean'}")
            if kind == "number":
                return _Nums((_compared(op, value),)) if op != "!=" else _not(_point(kind, value))
            p = _point(kind, value)
            return p if op == "==" else _not(p)
    kind, value = _literal(t)
    return _point(kind, value)


def _compared(op: str, n: Any) -> cond.Interval:
    return {
        "<": cond.Interval(None, False, n, False),
        "<=": cond.Interval(None, False, n, True),
        ">": cond.Interval(n, False, None, False),
        ">=": cond.Interval(n, True, None, False),
        "==": cond.Interval(n, True, n, True),
    }[op]


def read_cell(text: str) -> Cell | None:
    """A ZEN unary input cell as the set of values it accepts (None: empty, any value).

    Raise ``_NotUnary`` for every other form; ``a, b`` is any of, ``a and b`` both."""
    if not text.strip():
        return None
    out: Cell | None = None
    for part in _split(text, ","):
        conj: Cell | None = None
        for atom in _split(part, " and "):
            c = _atom(atom)
            if conj is not None and _kind(conj) != _kind(c):
                raise _NotUnary("'and' between values of different kinds")
            conj = c if conj is None else _and(conj, c)
        assert conj is not None
        if out is not None and _kind(out) != _kind(conj):
            raise _NotUnary("a list mixing kinds of values")
        out = conj if out is None else _or(out, conj)
    return out


def when_value(c: Cell) -> Any:
    """A cell's set as a crossroads ``when`` value; ``None``: every value (no condition). Raise
    ``_NotUnary`` for a cell that accepts no value (crossroads has no such condition)."""
    if isinstance(c, _Bools):
        if len(c.values) == 2:
            return None
        if not c.values:
            raise _NotUnary("it accepts no value")
        return next(iter(c.values))
    if isinstance(c, _Strs):
        values = sorted(c.values)
        if c.negated and not values:
            return None
        if not values:
            raise _NotUnary("it accepts no value")
        one: Any = values[0] if len(values) == 1 else values
        return {"not": one} if c.negated else one
    if not c.parts:
        raise _NotUnary("it accepts no value")
    if c.parts == (_EVERY,):
        return None
    if len(c.parts) == 1:
        return _interval_value(c.parts[0])
    whole = cond.IntervalSet(c.parts)
    text = whole.text()
    if text.startswith("!="):
        return text
    members = [_interval_value(p) for p in c.parts]
    if len(members) == 2 and all(not isinstance(m, str) for m in members):  # not the two-value-list lint
        return [f"== {cond.format_number(m)}" for m in members]
    return members


def _interval_value(iv: cond.Interval) -> Any:
    if iv.lo is not None and iv.lo == iv.hi:
        return iv.lo
    return iv.text()


def _output_literal(text: str) -> tuple[Kind, Any]:
    t = text.strip()
    if not t:
        raise _NotUnary("an empty output cell (every output needs a value)")
    if t == "null":
        raise _NotUnary("null (every output needs a value)")
    return _literal(t)


# -- one table --------------------------------------------------------------------------------


@dataclass
class _Column:
    col_id: str
    name: str
    field: str
    extra: Mapping[str, Any]


def _table_id(content: dict[str, Any], name: str, taken: list[str]) -> str:
    """The exported table's own id (``EXTRA``) when it is a free slug, so that a round trip keeps it;
    else the slug of the node's name."""
    extra = content.get(EXTRA)
    wanted = extra.get("id") if isinstance(extra, dict) else None
    if isinstance(wanted, str) and _SLUG.match(wanted) and wanted not in taken:
        return wanted
    return slug(name, taken, "table")


def _table_version(content: dict[str, Any]) -> str:
    """The exported table's version (``EXTRA``) when it is one, else ``1.0.0``."""
    extra = content.get(EXTRA)
    wanted = extra.get("version") if isinstance(extra, dict) else None
    return wanted if isinstance(wanted, str) and re.match(SEMVER_PATTERN, wanted) else "1.0.0"


def _table(node: dict[str, Any], file: str, text: str, taken: list[str]) -> Outcome:
    raw_name = node.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name else str(node.get("id", "table"))
    node_id = node.get("id")
    offset = _find(text, "id", node_id) if isinstance(node_id, str) else None
    at = Position(file, _line_col(text, offset)[0] if offset is not None else None)
    element = f"decisionTableNode '{name}'" + (f" (id {node_id})" if isinstance(node_id, str) else "")

    def refuse(message: str, where: Position | None = None) -> Refused:
        return Refused(name, element, where or at, message)

    content = node.get("content")
    if not isinstance(content, dict):
        return refuse("the node has no decision table content")
    policy = content.get("hitPolicy", "first")
    if policy not in ZEN_POLICIES:
        return refuse(f"hit policy {json.dumps(policy)}: ZEN tables are 'first' or 'collect'")
    notes: list[str] = []
    if content.get("executionMode", "single") not in ("single", None):
        return refuse(
            f"execution mode '{content.get('executionMode')}': a loop runs the table once per item of a list, "
            "which a crossroads table does not"
        )
    for key in ("passThrough", "passThorough", "inputField", "outputPath"):
        if content.get(key) not in (None, False, ""):
            notes.append(f"{key} {json.dumps(content[key], default=str)} dropped: graph plumbing, not the table")
    columns_in, columns_out, rules = content.get("inputs"), content.get("outputs"), content.get("rules")
    if not (isinstance(columns_in, list) and isinstance(columns_out, list) and isinstance(rules, list)):
        return refuse("the table needs 'inputs', 'outputs' and 'rules' lists")
    if not rules:
        return refuse("the table has no rules")
    if not columns_out:
        return refuse("the table has no outputs")
    ins: list[_Column] = []
    outs: list[_Column] = []
    for group, cols in ((ins, columns_in), (outs, columns_out)):
        for c in cols:
            if not isinstance(c, dict) or not isinstance(c.get("id"), str):
                return refuse("a column without an id")
            extra = c.get(EXTRA)
            group.append(
                _Column(
                    c["id"],
                    c["name"] if isinstance(c.get("name"), str) else "",
                    c["field"] if isinstance(c.get("field"), str) else "",
                    extra if isinstance(extra, dict) else {},
                )
            )
    rule_at: list[Position] = []
    rule_offsets: list[int | None] = []
    search_from = offset or 0
    for n, r in enumerate(rules):
        if not isinstance(r, dict):
            return refuse(f"rule {n + 1} is not an object")
        rid = r.get("_id")
        found = _find(text, "_id", rid, search_from) if isinstance(rid, str) else None
        rule_offsets.append(found)
        rule_at.append(Position(file, _line_col(text, found)[0]) if found is not None else at)
        if found is not None:
            search_from = found

    def cell_at(n: int, value: str) -> Position:
        start = rule_offsets[n]
        if start is None:
            return rule_at[n]
        hit = text.find(json.dumps(value), start)
        if hit < 0:
            hit = text.find(json.dumps(value, ensure_ascii=False), start)
        return Position(file, _line_col(text, hit)[0]) if hit >= 0 else rule_at[n]

    def raw(r: dict[str, Any], col: _Column) -> Any:
        return r.get(col.col_id, "")

    # inputs: each column's cells as sets of values
    inputs: list[dict[str, Any]] = []
    kept: list[_Column] = []
    conditions: list[list[Any]] = []  # per kept input, per rule: a when value or None
    input_fields: list[str] = []
    for col in ins:
        cells = [raw(r, col) for r in rules]
        label = col.name or col.field or col.col_id
        for n, v in enumerate(cells):
            if not isinstance(v, str):
                return refuse(
                    f"input '{label}', rule {n + 1}: a cell must be text, not {json.dumps(v, default=str)}", rule_at[n]
                )
        if all(not v.strip() for v in cells) and col.extra.get("type") not in _KINDS:
            notes.append(f"input column '{label}' dropped: every cell is empty, so it constrains nothing")
            continue
        if not col.field:
            return refuse(
                f"input '{label}' has no field: its cells are full expressions, which crossroads does not read"
            )
        if not _PATH.fullmatch(col.field):
            return refuse(f"input '{label}': field {json.dumps(col.field)} is an expression, not a field path")
        parsed: list[Cell | None] = []
        for n, v in enumerate(cells):
            try:
                parsed.append(read_cell(v))
            except _NotUnary as exc:
                return refuse(f"input '{label}', rule {n + 1}: {json.dumps(v)} is {exc}", cell_at(n, v))
        kinds = {_kind(c) for c in parsed if c is not None}
        if len(kinds) > 1:
            first = next(c for c in parsed if c is not None)
            n, v = next((n, cells[n]) for n, c in enumerate(parsed) if c is not None and _kind(c) != _kind(first))
            return refuse(
                f"input '{label}', rule {n + 1}: {json.dumps(v)} compares {_kind(parsed[n])}s "  # type: ignore[arg-type]
                f"where other cells compare {_kind(first)}s: one column, one type",
                cell_at(n, v),
            )
        kind = kinds.pop() if kinds else _KINDS[col.extra["type"]]
        whens: list[Any] = []
        for n, c in enumerate(parsed):
            try:
                whens.append(None if c is None else when_value(c))
            except _NotUnary as exc:
                return refuse(f"input '{label}', rule {n + 1}: {json.dumps(cells[n])}: {exc}", cell_at(n, cells[n]))
        if col.field in input_fields:
            return refuse(f"input '{label}': field {col.field} is read by two columns")
        spec = _input_spec(kind, col, label)
        if isinstance(spec, str):
            return refuse(f"input '{label}': {spec}")
        input_fields.append(col.field)
        inputs.append(spec)
        kept.append(col)
        conditions.append(whens)
    if not inputs:
        return refuse("no input column has a condition (a crossroads table needs at least one input)")
    clash = _overlapping(input_fields)
    if clash:
        return refuse(f"input fields {clash[0]} and {clash[1]} overlap: one is inside the other")

    # outputs: literals only
    output_fields: list[str] = []
    out_values: list[list[Any]] = []
    out_kinds: list[Kind] = []
    for col in outs:
        label = col.name or col.field or col.col_id
        if not col.field or not _OUTPUT_PATH.fullmatch(col.field):
            return refuse(f"output '{label}': field {json.dumps(col.field)} is not a field path")
        if col.field in output_fields:
            return refuse(f"output '{label}': field {col.field} is written by two columns")
        values, kinds_seen = [], set()
        for n, r in enumerate(rules):
            v = raw(r, col)
            if not isinstance(v, str):
                return refuse(f"output '{label}', rule {n + 1}: a cell must be text", rule_at[n])
            try:
                kind, value = _output_literal(v)
            except _NotUnary as exc:
                reason = str(exc) if not v.strip() or v.strip() == "null" else f"{exc}: output cells must be literals"
                return refuse(
                    f"output '{label}', rule {n + 1}: {json.dumps(v)} is {reason}", cell_at(n, v) if v else rule_at[n]
                )
            kinds_seen.add(kind)
            if len(kinds_seen) > 1:
                return refuse(
                    f"output '{label}', rule {n + 1}: {json.dumps(v)} is a {kind} where other rows give "
                    f"{(kinds_seen - {kind}).pop()}s: one column, one type",
                    cell_at(n, v),
                )
            values.append(value)
        output_fields.append(col.field)
        out_values.append(values)
        out_kinds.append(kinds_seen.pop())
    clash = _overlapping(output_fields)
    if clash:
        return refuse(f"output fields {clash[0]} and {clash[1]} overlap: one is inside the other")

    # ids and the document
    ids: list[str] = []
    for f, col, spec in zip(input_fields, kept, inputs):
        wanted = col.extra.get("id")
        ids.append(
            wanted if isinstance(wanted, str) and _SLUG.match(wanted) and wanted not in ids else slug(f, ids, "input")
        )
        spec["id"] = ids[-1]
    fields_map = {i: f for i, f in zip(ids, input_fields) if i != f and input_field(i) != f}
    outcome_col = _outcome_column(outs, output_fields, out_kinds, out_values)
    out_ids: list[str] = []
    outputs: list[dict[str, Any]] = []
    for n, (col, f, kind) in enumerate(zip(outs, output_fields, out_kinds)):
        if n == outcome_col:
            out_ids.append("outcome")
            continue
        oid = slug(f, [*ids, *out_ids, "outcome", "rule", "error"], "output")
        out_ids.append(oid)
        if oid != f:
            fields_map[oid] = f
        outputs.append(_output_spec(oid, kind, col))
    doc: dict[str, Any] = {
        "format": "crossroads/1",
        "id": _table_id(content, name, taken),
        "version": _table_version(content),
        "title": name,
    }
    if fields_map:
        doc["summary"] = FIELDS + ", ".join(f"{k} = {v}" for k, v in fields_map.items())
    doc["hit_policy"] = policy
    doc["inputs"] = inputs
    if outputs:
        doc["outputs"] = outputs
    rule_ids: list[str] = []
    out_rules: list[dict[str, Any]] = []
    positions: dict[Path, Position] = {(): at}
    for n, r in enumerate(rules):
        rid = r.get("_id")
        rid = (
            rid
            if isinstance(rid, str) and _SLUG.match(rid) and rid not in rule_ids
            else slug(f"rule-{n + 1}", rule_ids)
        )
        rule_ids.append(rid)
        row: dict[str, Any] = {"id": rid}
        when = {i: whens[n] for i, whens in zip(ids, conditions) if whens[n] is not None}
        if when:
            row["when"] = when
        given = {oid: column[n] for oid, column in zip(out_ids, out_values) if oid != "outcome"}
        row["then"] = out_values[outcome_col][n] if outcome_col is not None else given
        because = r.get("_description")
        if isinstance(because, str) and because.strip():
            row["because"] = because
        out_rules.append(row)
        positions[("rules", n)] = rule_at[n]
    listed = content.get(EXTRA, {}).get("outcomes") if isinstance(content.get(EXTRA), dict) else None
    if outcome_col is not None or listed:
        by_output = {k: v for k, v in zip(out_ids, out_values) if k != "outcome"}
        named = _outcomes(listed, out_values[outcome_col] if outcome_col is not None else [], by_output)
        if named:
            doc["outcomes"] = named
    doc["rules"] = out_rules
    return Imported(name, element, at, doc, positions, tuple(notes))


def _input_spec(kind: Kind, col: _Column, label: str) -> dict[str, Any] | str:
    """The crossroads input of a column; a ``crossroads`` key (an export's) restores what JDM lacks."""
    spec: dict[str, Any] = {"id": "", "prompt": label, "type": kind}
    extra = col.extra
    want = extra.get("type")
    if want is None:
        return spec
    if want == "choice" and kind == "string":
        options = extra.get("options")
        if not isinstance(options, list) or not options or not all(isinstance(o, dict) for o in options):
            return "its crossroads options are not a list of options"
        spec["type"] = "choice"
        spec["options"] = [{k: o[k] for k in ("id", "label", "help") if isinstance(o.get(k), str)} for o in options]
    elif want in ("integer", "number") and kind == "number":
        spec["type"] = want
    elif want == "date" and kind == "date":
        for bound in ("minimum", "maximum"):
            if isinstance(extra.get(bound), str):
                spec[bound] = extra[bound]
    elif want != kind:
        return f"its crossroads type {json.dumps(want)} does not fit its cells ({kind}s)"
    for bound in ("minimum", "maximum"):
        value = extra.get(bound)
        if isinstance(value, str) and spec["type"] in ("integer", "number"):
            n = numbers.parse_number(value)
            if n is None:
                return f"its crossroads {bound} {json.dumps(value)} is not a number"
            spec[bound] = n
    if isinstance(extra.get("help"), str):
        spec["help"] = extra["help"]
    return spec


def _output_spec(oid: str, kind: Kind, col: _Column) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": oid, "type": kind}
    want = col.extra.get("type")
    if want == "integer" and kind == "number" or want == "date" and kind == "string":
        spec["type"] = want
    if want == "choice" and kind == "string":
        spec["type"] = "choice"
        options = col.extra.get("options")
        if isinstance(options, list) and options and all(isinstance(o, dict) for o in options):
            spec["options"] = [{k: o[k] for k in ("id", "label", "help") if isinstance(o.get(k), str)} for o in options]
    if col.name:
        spec["title"] = col.name
    return spec


def _outcome_column(outs: list[_Column], fields: list[str], kinds: list[Kind], values: list[list[Any]]) -> int | None:
    """The output that names the outcome: field ``outcome``, slugs, and (beside other outputs) one
    set of values per outcome."""
    if "outcome" not in fields:
        return None
    n = fields.index("outcome")
    if kinds[n] != "string" or not all(_SLUG.match(v) and v != RESERVED_OUTCOME for v in values[n]):
        return None
    seen: dict[str, tuple[Any, ...]] = {}
    for row, oid in enumerate(values[n]):
        others = tuple((type(v[row]), v[row]) for k, v in enumerate(values) if k != n)
        if seen.setdefault(oid, others) != others:
            return None
    return n


def _outcomes(listed: Any, ids: list[str], values: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The named outcomes: the exported list (``EXTRA``: ids, titles, values as cells), then any other
    id the outcome column gives, in row order. Beside other outputs (``values``: output id → the
    rows' values) each carries its values: its rows', else its exported cells' (else it is left out)."""
    order: list[tuple[str, str]] = []
    given: dict[str, Any] = {}
    for o in listed if isinstance(listed, list) else ():
        if isinstance(o, dict) and isinstance(o.get("id"), str) and _SLUG.match(o["id"]) and o["id"] not in given:
            title = o.get("title")
            order.append((o["id"], title if isinstance(title, str) and title else o["id"]))
            given[o["id"]] = o.get("values")
    for oid in ids:
        if oid not in given:
            order.append((oid, oid))
            given[oid] = None
    out = []
    for oid, title in order:
        item: dict[str, Any] = {"id": oid, "title": title}
        if values:
            if oid in ids:
                row = ids.index(oid)
                item["values"] = {k: v[row] for k, v in values.items()}
            else:
                try:
                    item["values"] = {k: _output_literal(given[oid][k])[1] for k in values}
                except (_NotUnary, KeyError, TypeError, AttributeError):
                    continue  # no values to carry: the outcome is left out
        out.append(item)
    return out


def _overlapping(fields: list[str]) -> tuple[str, str] | None:
    for a in fields:
        for b in fields:
            if b.startswith(a + "."):
                return a, b
    return None


# -- export -----------------------------------------------------------------------------------


def fields_of(summary: str | None) -> dict[str, str]:
    """The id → JDM field pairs an imported table keeps in its summary's last line (``FIELDS``)."""
    if not summary:
        return {}
    last = summary.rstrip("\n").rsplit("\n", 1)[-1]
    if not last.startswith(FIELDS):
        return {}
    out = {}
    for pair in last[len(FIELDS) :].split(", "):
        k, sep, v = pair.partition(" = ")
        if sep and _SLUG.match(k) and _OUTPUT_PATH.fullmatch(v):
            out[k] = v
    return out


def input_field(input_id: str) -> str:
    """The JDM field of a crossroads input id: ZEN reads an input field as an expression, so
    ``a-b`` would be ``a`` minus ``b``; a ``-`` is written ``_`` (the column keeps the id, ``EXTRA``)."""
    return input_id.replace("-", "_")


def _zen_number(n: Any) -> str:
    """A number as ZEN reads it exactly (plain digits), or ``NotExpressible``."""
    d = Decimal(n)
    if not d.is_zero():
        t = d.normalize().as_tuple()
        if len(t.digits) > ZEN_DIGITS or d.adjusted() >= ZEN_DIGITS or d.adjusted() - len(t.digits) + 1 < -ZEN_DIGITS:
            raise NotExpressible(f"number {cond.format_number(n)} has more digits than ZEN's decimals hold (28)")
    text = format(d.normalize() if not isinstance(n, int) else d, "f")
    return text


def _zen_string(s: str) -> str:
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    raise NotExpressible(f"string {json.dumps(s)} holds both quote characters: ZEN strings have no escapes")


def _zen_interval(iv: cond.Interval) -> str:
    return iv.text(_zen_number, separator="..", anything="")


def zen_cell(spec: InputSpec, c: cond.Condition) -> str:
    """A crossroads condition as a ZEN unary cell that accepts exactly the same answers of ``spec``."""
    if isinstance(c, cond.OptionSet):
        if not c.values:
            raise NotExpressible(f"a condition on {spec.id} accepts no option")
        return ", ".join(_zen_string(o) for o in spec.option_ids if o in c.values)
    if isinstance(c, cond.BoolIs):
        return "true" if c.value else "false"
    if isinstance(c, cond.StringSet):
        values = sorted(c.values)
        if c.negated:
            return " and ".join(f"!= {_zen_string(v)}" for v in values)
        return ", ".join(_zen_string(v) for v in values)
    if spec.type == "date":
        raise NotExpressible(
            f"input {spec.id} is a date: ZEN compares no date strings (only date($) expressions, which are not unary tests)"
        )
    if isinstance(c, cond.IntervalSet):
        a, b = c.parts[0], c.parts[-1]
        if len(c.parts) == 2 and a.lo is None and b.hi is None and a.hi == b.lo and not a.hi_closed and not b.lo_closed:
            return f"!= {_zen_number(a.hi)}"
        return ", ".join(_zen_interval(p) for p in c.parts)
    return _zen_interval(c)


def _zen_value(kind: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return _zen_number(value)
    return _zen_string(str(value))


def _column_extra(spec: InputSpec) -> dict[str, Any]:
    extra: dict[str, Any] = {"type": spec.type}
    if spec.type == "choice":
        extra["options"] = [_option(o.id, o.label, o.help) for o in spec.options]
    for bound in ("minimum", "maximum"):
        value = getattr(spec, bound)
        if value is not None:
            extra[bound] = dates.format_day(int(value)) if spec.type == "date" else cond.format_number(value)
    if spec.help is not None:
        extra["help"] = spec.help
    return extra


def _option(oid: str, label: str, help: str | None) -> dict[str, str]:
    out = {"id": oid}
    if label != oid:
        out["label"] = label
    if help is not None:
        out["help"] = help
    return out


def _row_order(table: CompiledTable) -> list[int]:
    """Rows in the order a ZEN table must hold them: priority classes first (stable), else as written."""
    n = len(table.rules)
    if not policy_of(table).by_priority:
        return list(range(n))
    if table.outputs:
        classes = table.priority_rows
        rank = {r: k for k, mask in enumerate(classes) for r in range(n) if mask >> r & 1}
    else:
        rank = {r: table.rules[r].then for r in range(n)}
    return sorted(range(n), key=lambda r: rank[r])


def _single_hit_exact(table: CompiledTable) -> None:
    """Raise ``NotExpressible`` unless the row analysis proves ``first`` gives every ``unique``/``any`` result."""
    from crossroads.engine.analysis.rows import analyse

    findings = analyse(table)
    for f in findings:
        if f.code == "conflict":
            raise NotExpressible(
                f"hit policy {table.hit_policy} has a conflict ({f.message}): ZEN's first would answer it"
            )
        if f.code == "analysis-incomplete":
            raise NotExpressible(f"hit policy {table.hit_policy}: the row analysis could not prove first is exact")


def one_table_graph(node: dict[str, Any]) -> dict[str, Any]:
    """A JDM graph of one decision table node (its ``id`` is ``table``): request → table → response,
    the shape of ZEN's own test data."""
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            node,
            {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": node["id"], "type": "edge"},
            {"id": "e2", "sourceId": node["id"], "targetId": "response", "type": "edge"},
        ],
    }


def export_table(table: CompiledTable) -> str:
    """The table as a JDM graph (JSON text): input node → one decision table → output node.

    ZEN has ``first`` and ``collect``. ``first`` and ``collect`` map to themselves; ``priority``
    to ``first`` with rows reordered by priority (stable), ``output-order`` to ``collect`` so
    reordered; ``unique`` and ``any`` to ``first`` when the row analysis proves no two rows can
    match with different results (``unique``: can match at all). A ``default`` is a last row with
    no condition under a single-hit policy. Refused (``NotExpressible``, saying why): an aggregate,
    a default under ``collect``/``output-order``, rows mixing named outcomes and inline values,
    date inputs (ZEN compares no date strings), a number beyond ZEN's 28 digits, a string with
    both quote characters. A table without outputs writes its outcome id as the output
    ``outcome``; one whose rows all name outcomes writes the outcome beside the values.
    """
    if table.aggregate is not None:
        raise NotExpressible(f"aggregate {table.aggregate}: ZEN's collect returns the list, not its {table.aggregate}")
    policy = policy_of(table)
    if policy.conflicts:  # unique, any
        _single_hit_exact(table)
    zen_policy = ZEN_POLICIES[1] if policy.collects else ZEN_POLICIES[0]
    if table.default is not None and policy.collects:
        raise NotExpressible(f"a default under {policy.name}: a ZEN collect table has no value for no match")
    n_outcomes = len(table.outcomes)
    named = [r.then < n_outcomes for r in table.rules] if table.outputs else [True] * len(table.rules)
    if table.default is not None:
        named.append(table.default < n_outcomes if table.outputs else True)
    if table.outputs and any(named) and not all(named):
        raise NotExpressible("rows mixing named outcomes and inline values: a JDM column gives one kind of value")
    with_outcome = all(named) and bool(table.outcomes)
    fields = fields_of(table.summary)
    columns = []
    written: dict[str, str] = {}
    for spec in table.inputs:
        field = fields.get(spec.id, input_field(spec.id))
        if field in written:
            raise NotExpressible(f"inputs {written[field]} and {spec.id} would both be the JDM field {field}")
        written[field] = spec.id
        column: dict[str, Any] = {"id": f"in-{spec.id}", "name": spec.prompt, "field": field}
        extra = {**_column_extra(spec), "id": spec.id}
        if extra:
            column[EXTRA] = extra
        columns.append(column)
    outputs = []
    for o in table.outputs:
        column = {"id": f"out-{o.id}", "name": o.title, "field": fields.get(o.id, o.id)}
        if o.type in ("integer", "date", "choice"):
            column[EXTRA] = {"type": o.type}
            if o.options:
                column[EXTRA]["options"] = [_option(x.id, x.label, x.help) for x in o.options]
        outputs.append(column)
    if with_outcome:
        outputs.append(
            {
                "id": "out-outcome",
                "name": "Outcome",
                "field": "outcome",
            }
        )
    by_id = table.input_index
    rows = []

    def then_cells(then: int) -> dict[str, str]:
        cells: dict[str, str] = {}
        if table.outputs:
            for (oid, value), spec in zip(table.results[then].values, table.outputs):
                cells[f"out-{oid}"] = _zen_value(spec.type, value)
        if with_outcome:
            cells["out-outcome"] = _zen_string(table.outcomes[then].id)
        return cells

    for r in _row_order(table):
        rule = table.rules[r]
        cells: dict[str, str] = {"_id": rule.id}
        conditions = dict(rule.conditions)
        for spec in table.inputs:
            if spec.id in conditions:
                cells[f"in-{spec.id}"] = zen_cell(by_id[spec.id], _raw_condition(table, r, spec.id))
            else:
                cells[f"in-{spec.id}"] = ""
        cells.update(then_cells(rule.then))
        if rule.because is not None:
            cells["_description"] = rule.because
        rows.append(cells)
    if table.default is not None:
        cells = {"_id": _default_id(table)}
        cells.update({f"in-{spec.id}": "" for spec in table.inputs})
        cells.update(then_cells(table.default))
        cells["_description"] = "the default: no other row matches"
        rows.append(cells)
    node = {
        "id": "table",
        "type": "decisionTableNode",
        "name": table.title,
        "position": {"x": 300, "y": 0},
        "content": {
            "hitPolicy": zen_policy,
            "inputs": columns,
            "outputs": outputs,
            "rules": rows,
            "passThrough": False,
            "executionMode": "single",
            EXTRA: {
                "id": table.id,
                "version": table.version,
                **(
                    {"outcomes": [_outcome_extra(table, n) for n in range(len(table.outcomes))]}
                    if table.outcomes
                    else {}
                ),
            },
        },
    }
    graph = one_table_graph(node)
    return json.dumps(graph, indent=2, ensure_ascii=False) + "\n"


def _outcome_extra(table: CompiledTable, n: int) -> dict[str, Any]:
    """An outcome's id, title and (a table with outputs) its values as ZEN cells, for the import."""
    o = table.outcomes[n]
    out: dict[str, Any] = {"id": o.id, "title": o.title}
    if table.outputs:
        out["values"] = {
            oid: _zen_value(spec.type, value) for (oid, value), spec in zip(table.results[n].values, table.outputs)
        }
    return out


def _default_id(table: CompiledTable) -> str:
    ids = {r.id for r in table.rules}
    return slug("default", ids)


def _raw_condition(table: CompiledTable, row: int, input_id: str) -> cond.Condition:
    """A row's parsed condition on an input, read back from its column (the compiled table keeps
    the cell's text, not its value): the column's segments or strings it accepts."""
    from crossroads.engine.table.compiler import ChoiceColumn, NumberColumn, TextColumn, runs_of, segment_bounds

    spec = table.input_index[input_id]
    column = next(c for c in table.columns if c.input == input_id)
    bit = 1 << row
    if isinstance(column, ChoiceColumn):
        accepted = [v for v, mask in column.table.items() if mask & bit]
        if spec.type == "boolean":
            return cond.BoolIs(accepted[0]) if len(accepted) == 1 else cond.BoolIs(True)
        return cond.OptionSet(frozenset(accepted))
    if isinstance(column, TextColumn):
        if column.other & bit:
            return cond.StringSet(frozenset(v for v, mask in column.table.items() if not mask & bit), True)
        return cond.StringSet(frozenset(v for v, mask in column.table.items() if mask & bit), False)
    assert isinstance(column, NumberColumn)
    span = column.spans[row]
    assert span is not None
    parts = []
    for a, b in runs_of(span):
        if a > b:
            continue
        lo, hi = segment_bounds(column.points, a), segment_bounds(column.points, b)
        parts.append(cond.Interval(lo.lo, lo.lo_closed, hi.hi, hi.hi_closed))
    merged = cond.union(parts)
    if merged is None:
        raise NotExpressible(f"row {table.rules[row].id}'s condition on {input_id} accepts no value")
    return merged
