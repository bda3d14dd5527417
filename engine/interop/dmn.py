"""DMN 1.1–1.5 decision tables in, as crossroads/1 documents: every one imported exactly, or refused saying why.

**XML is hostile until proven otherwise.** The bytes are read with the size
cap of tables (``loader.read_bytes``, 8 MiB unless ``max_bytes``) and parsed
by ``defusedxml`` (the maintained guard around the standard library's expat
parser; the ``interop`` extra): a DTD is refused outright (``forbid_dtd``),
so are entity declarations and external references — no billion laughs, no
XXE, nothing fetched from the network — and the element tree may be at most
``MAX_DEPTH`` deep. Every element keeps its source line and column, so every
refusal and every lint finding points into the model.

**What is imported.** Every ``decisionTable`` in a ``decision``, in a
``businessKnowledgeModel`` (its formal parameters give the inputs their
types) or in a boxed ``context`` when its input expressions are plain names.
One table per decision table, its ``id`` the slug of the decision's (BKM's,
context entry's) name, unique in the model.

* Inputs: ``id`` is the slug of the input expression when it is a plain FEEL
  name (what a DMN caller keys its answers by), else of the label (a note
  says the answer is that expression's value); the label (else the expression)
  is the ``prompt``. Types: ``string`` with allowed values → ``choice`` with
  those options in their order; ``string`` without → free-text ``string``;
  ``number`` and Camunda's ``double`` → ``number``; Camunda's ``integer`` and
  ``long`` → ``integer``; ``boolean``; ``date``. An ``itemDefinition`` type
  is resolved to its base type and allowed values; a missing type ref is
  taken from the BKM parameter or the input data of that name. Allowed values
  on a number, integer or date input that are one range (``[18..120]``,
  ``[date("2020-01-01")..date("2030-12-31")]``) or one comparison (``>= 0``,
  ``<= -1``) become ``minimum``/``maximum`` (what ``export`` writes back); an
  exclusive bound is the next integer (day) on an integer (date) input, with
  a note, and refused on a number input, whose inclusive bounds cannot say
  it; a ``null`` among them is dropped, with a note; any other form is
  refused. 1.1's QName type refs (``feel:string``) lose their prefix.
* Input entries: the FEEL subset of ``feel.py``; anything else refuses the table.
* Outputs. **Named ``outcomes`` come from one place only: a table whose one
  output is named ``outcome``** (``dmn_export.OUTCOME_OUTPUT``, what ``export``
  names a named-outcome table's output; no value table has an output id
  ``outcome``, it is reserved) and whose entries (and default) are string
  literals, without aggregation. Its values are the outcome ids — kept as they
  are when they are ids (what ``export`` writes), else slugged — and the
  outcome's ``title`` is the value as written; their order the output values'
  (DMN's priority order), else first use. Every other table gets ``outputs``
  — so a value table comes back a value table, whatever its outputs hold:
  ``id`` the slug of the output's name (else label, else the table's),
  ``title`` its label or name; a string output with output values becomes a
  ``choice`` with those options in priority order, one without a free-text
  ``string`` (no invented options); number, boolean, date outputs keep their type.
* Hit policies: U unique, A any, P priority, F first, R collect (rule order),
  O output-order, C collect (DMN leaves its order open; crossroads gives rule
  order), C+ C< C> C# collect with aggregate sum, min, max, count.
* Rules: ids ``rule-N``, N the DMN row number (1-based, what every DMN
  editor shows); ``<description>`` and annotation entries become ``because``;
  default output entries become ``default``.

**What is refused** (a ``Refused`` for that table, at the element, quoting
the entry): every input entry outside the FEEL subset (names of other
inputs, functions other than ``date``, arithmetic, ``?``, ``null``),
non-literal output entries (expressions, names, ``null``, empty), entries in
other expression languages (``juel``, ``groovy``, ``javascript``…), the
types time, dateTime and the durations, unknown or structured types, other
forms of allowed values, a table without inputs or rules, and a value outside
its output values or allowed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final, Iterator

from crossroads.engine.authoring.formatter import KEY_ORDER
from crossroads.engine.errors import DataError, TableError
from crossroads.engine.findings import Finding
from crossroads.engine.interop import feel
from crossroads.engine.interop.dmn_export import AGGREGATIONS as EXPORTED_AGGREGATIONS
from crossroads.engine.interop.dmn_export import OUTCOME_OUTPUT
from crossroads.engine.interop.common import Imported, Outcome, Path, Position, Refused, slug
from crossroads.engine.table import dates
from crossroads.engine.table.loader import MAX_BYTES
from crossroads.engine.table.model import SLUG_PATTERN
from crossroads.engine.table.policies import POLICIES, PolicyName
from crossroads.engine.table.loader import read_bytes as _read_capped

MAX_DEPTH: Final = 64
"""Deepest element nesting accepted; a DMN model with boxed contexts needs fewer than twenty levels."""

DMN_NAMESPACES: Final = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20151101/dmn11.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
CAMUNDA: Final = "http://camunda.org/schema/1.0/dmn"

_FEEL_LANGUAGES = re.compile(
    r"(?i)^(feel|https?://www\.omg\.org/spec/dmn/[0-9]+/feel/?|https?://www\.omg\.org/spec/feel/[0-9]+)$"
)

HIT_POLICIES: Final[dict[str, PolicyName]] = {
    "UNIQUE": "unique",
    "U": "unique",
    "ANY": "any",
    "A": "any",
    "PRIORITY": "priority",
    "P": "priority",
    "FIRST": "first",
    "F": "first",
    "RULE ORDER": "collect",
    "R": "collect",
    "OUTPUT ORDER": "output-order",
    "O": "output-order",
    "COLLECT": "collect",
    "C": "collect",
}
AGGREGATIONS: Final = {dmn: ours for ours, dmn in EXPORTED_AGGREGATIONS.items()}  # the exporter's, read back

_TYPES: Final = {
    "string": "string",
    "number": "number",
    "double": "number",
    "integer": "integer",
    "long": "integer",
    "int": "integer",
    "boolean": "boolean",
    "date": "date",
}
_UNSUPPORTED_TYPES: Final = {
    "time": "times of day have no crossroads type",
    "dateTime": "dateTime values have no crossroads type (dates are days)",
    "date and time": "dateTime values have no crossroads type (dates are days)",
    "dayTimeDuration": "durations have no crossroads type",
    "days and time duration": "durations have no crossroads type",
    "yearMonthDuration": "durations have no crossroads type",
    "years and months duration": "durations have no crossroads type",
    "duration": "durations have no crossroads type",
}

# A plain FEEL name: letters, digits, spaces and the few name characters DMN models use, no operators, no dots.


# ---------------------------------------------------------------- the parse: a small positioned tree


@dataclass(slots=True)
class Element:
    """One XML element: namespace, local name, attributes (``{ns}name`` for prefixed ones), children, text, position."""

    ns: str
    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list["Element"] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str, ns: str | None = None) -> list["Element"]:
        return [c for c in self.children if c.tag == tag and (ns is None or c.ns == ns)]

    def first(self, tag: str, ns: str | None = None) -> "Element | None":
        return next(iter(self.all(tag, ns)), None)

    def text_of(self, tag: str = "text") -> str | None:
        """The text of the child ``tag`` (None when there is no such child)."""
        child = self.first(tag)
        return None if child is None else child.text


class _TooDeep(Exception):
    pass


class _Builder:
    """The parser's target: builds ``Element``s, reading each start tag's position from expat."""

    def __init__(self) -> None:
        self.expat: Any = None
        self.stack: list[Element] = []
        self.root: Element | None = None
        self.parts: list[list[str]] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep((self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1))
        ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        e = Element(ns, local, dict(attrs), self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)
        if self.stack:
            self.stack[-1].children.append(e)
        else:
            self.root = e
        self.stack.append(e)
        self.parts.append([])

    def end(self, tag: str) -> None:
        e = self.stack.pop()
        e.text = "".join(self.parts.pop())

    def data(self, text: str) -> None:
        if self.parts:
            self.parts[-1].append(text)

    def close(self) -> Element | None:
        return self.root


def _fail(file: str, code: str, message: str, line: int | None = 1, column: int | None = None) -> TableError:
    return TableError([Finding(code, "error", message, file, line, column)])


def parse(data: bytes, file: str) -> Element:
    """The element tree of a DMN file; raise ``TableError`` (one positioned finding) for XML that
    is malformed, has a DTD or entities, nests too deep, or is no DMN model."""
    try:
        from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden  # type: ignore[import-untyped, unused-ignore]
        from defusedxml.ElementTree import DefusedXMLParser, ParseError  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise DataError(
            "reading DMN needs defusedxml, the maintained guard against hostile XML: pip install 'crossroads[interop]'"
        ) from None
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root: Element | None = parser.close()
    except DTDForbidden:
        raise _fail(
            file, "syntax", "a DTD (<!DOCTYPE>) is refused: DMN needs none, and DTDs carry entity attacks"
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise _fail(file, "syntax", "entity declarations and external references are refused") from None
    except _TooDeep as exc:
        line, column = exc.args[0]
        raise _fail(file, "too-deep", f"XML nesting deeper than {MAX_DEPTH} levels", line, column) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (1, 0))
        raise _fail(file, "syntax", f"not well-formed XML: {_first_clause(str(exc))}", line, column + 1) from None
    except (ValueError, LookupError) as exc:  # an unknown encoding declaration, for one
        raise _fail(file, "syntax", f"unreadable XML: {exc}") from None
    if root is None or root.tag != "definitions" or root.ns not in DMN_NAMESPACES:
        shown = "nothing" if root is None else f"<{root.tag}> in namespace '{root.ns}'"
        raise _fail(file, "dmn-refused", f"not a DMN 1.1–1.5 model: the root element is {shown}, not <definitions>")
    return root


def _first_clause(text: str) -> str:
    return text.split(": line")[0]


# ---------------------------------------------------------------- the model: names, types, where tables sit


@dataclass(frozen=True, slots=True)
class _Type:
    """A resolved type: the crossroads kind (or the reason it has none) and the allowed values' text."""

    kind: str | None
    why: str | None
    allowed: str | None
    allowed_at: Element | None


class _Model:
    def __init__(self, root: Element, file: str):
        self.root, self.file = root, file
        self.ns = root.ns
        self.items = {e.attrs.get("name", ""): e for e in root.all("itemDefinition", self.ns)}
        self.input_data: dict[str, str] = {}
        for e in root.all("inputData", self.ns):
            var = e.first("variable", self.ns)
            if var is not None and var.attrs.get("typeRef"):
                self.input_data[e.attrs.get("name", "")] = var.attrs["typeRef"]

    def at(self, e: Element) -> Position:
        return Position(self.file, e.line, e.column)

    def resolve(self, type_ref: str | None, depth: int = 0, element: bool = False) -> _Type:
        """The type ``type_ref`` names; ``element``: a collection of a simple type gives that type (the
        decision's result type under a multi-hit policy is the list of its output's values)."""
        if type_ref is None or not type_ref.strip():
            return _Type(None, "has no type ref", None, None)
        name = type_ref.strip()
        if ":" in name and not name.startswith("date and"):
            name = name.split(":", 1)[1]  # DMN 1.1's QNames: feel:string
        if name in _TYPES:
            return _Type(_TYPES[name], None, None, None)
        if name in _UNSUPPORTED_TYPES:
            return _Type(None, f"is typed {name}: {_UNSUPPORTED_TYPES[name]}", None, None)
        item = self.items.get(name) or self.items.get(type_ref.strip())
        if item is None or depth > 8:
            return _Type(
                None,
                f"has the type '{type_ref}', which is neither a FEEL base type nor an item definition here",
                None,
                None,
            )
        if element and item.attrs.get("isCollection") == "true" and not item.all("itemComponent", self.ns):
            return self.resolve(item.text_of("typeRef"), depth + 1)
        if item.all("itemComponent", self.ns) or item.attrs.get("isCollection") == "true":
            return _Type(None, f"has the structured or collection type '{name}'", None, None)
        base_ref = item.text_of("typeRef") if item.first("typeRef", self.ns) is not None else item.attrs.get("typeRef")
        base = self.resolve(base_ref, depth + 1)
        allowed_el = item.first("allowedValues", self.ns)
        if allowed_el is not None:
            return _Type(base.kind, base.why, allowed_el.text_of() or "", allowed_el)
        return base


@dataclass(frozen=True, slots=True)
class _Owner:
    """Where a decision table sits: ``kind`` decision/bkm/context, the name the table takes, a description."""

    kind: str
    name: str
    element: str
    decision: Element
    params: dict[str, str]
    summary: str | None


def _tables(model: _Model) -> Iterator[tuple[Element, _Owner]]:
    ns = model.ns
    for e in model.root.children:
        if e.ns != ns or e.tag not in ("decision", "businessKnowledgeModel"):
            continue
        name = e.attrs.get("name") or e.attrs.get("id") or "table"
        described = f"{'decision' if e.tag == 'decision' else 'business knowledge model'} '{name}'"
        described += f" (id {e.attrs['id']})" if e.attrs.get("id") else ""
        summary = (e.text_of("description") or "").strip() or None
        if e.tag == "decision":
            holder: Element | None = e
            params: dict[str, str] = {}
        else:
            holder = e.first("encapsulatedLogic", ns)
            params = {}
            if holder is not None:
                for p in holder.all("formalParameter", ns):
                    if p.attrs.get("name"):
                        params[p.attrs["name"]] = p.attrs.get("typeRef", "")
        if holder is None:
            continue
        kind = "decision" if e.tag == "decision" else "bkm"
        dt = holder.first("decisionTable", ns)
        if dt is not None:
            yield dt, _Owner(kind, name, described, e, params, summary)
        context = holder.first("context", ns)
        if context is not None:
            yield from _in_context(context, ns, name, described, e, params, summary)


def _in_context(
    context: Element, ns: str, name: str, described: str, decision: Element, params: dict[str, str], summary: str | None
) -> Iterator[tuple[Element, _Owner]]:
    stack = [context]
    while stack:
        c = stack.pop()
        for entry in reversed(c.all("contextEntry", ns)):
            var = entry.first("variable", ns)
            entry_name = var.attrs.get("name") if var is not None else None
            dt = entry.first("decisionTable", ns)
            if dt is not None:
                label = entry_name or name
                yield dt, _Owner("context", label, f"context entry '{label}' in {described}", decision, params, summary)
            inner = entry.first("context", ns)
            if inner is not None:
                stack.append(inner)


# ---------------------------------------------------------------- one decision table


class _Refuse(Exception):
    def __init__(self, message: str, at: Element):
        super().__init__(message)
        self.at = at


def _language(e: Element, default: str | None) -> None:
    lang = e.attrs.get("expressionLanguage") or default
    if lang and not _FEEL_LANGUAGES.match(lang.strip()):
        raise _Refuse(f"is written in the expression language '{lang}', not FEEL", e)


def _quote(text: str) -> str:
    one = " ".join(text.split())
    return f'"{one[:120]}…"' if len(one) > 120 else f'"{one}"'


@dataclass
class _Input:
    id: str
    kind: str
    options: tuple[str, ...]


def _input(
    model: _Model, owner: _Owner, n: int, e: Element, taken: set[str], notes: list[str], default_lang: str | None
) -> tuple[dict[str, Any], _Input]:
    ns = model.ns
    expr = e.first("inputExpression", ns)
    text = (expr.text_of() or "").strip() if expr is not None else ""
    label = (e.attrs.get("label") or "").strip()
    where = f"input {n + 1}" + (f" '{label or text}'" if label or text else "")
    if expr is None or not text:
        raise _Refuse(f"{where} has no input expression", e)
    _language(expr, default_lang)
    plain = bool(feel.PLAIN_NAME.fullmatch(text))
    if not plain:
        if owner.kind == "context":
            raise _Refuse(
                f"{where}: the input expression {_quote(text)} is not a plain name, which a table inside a boxed context needs",
                expr,
            )
        notes.append(f"{where}: the answer is the value of the expression {_quote(text)}")
    key = text if plain else (label or text)
    input_id = slug(key, taken, fallback="input")
    taken.add(input_id)
    type_ref = expr.attrs.get("typeRef") or owner.params.get(text) or model.input_data.get(text)
    t = model.resolve(type_ref)
    if t.kind is None:
        raise _Refuse(f"{where} {t.why}", expr)
    values_el = e.first("inputValues", ns)
    allowed, allowed_at = (values_el.text_of() or "", values_el) if values_el is not None else (t.allowed, t.allowed_at)
    doc: dict[str, Any] = {"id": input_id, "prompt": label or text}
    kind = t.kind
    options: tuple[str, ...] = ()
    if allowed is not None and allowed.strip() and allowed.strip() != "-" and allowed_at is not None:
        if kind == "string":
            values = feel.literals(allowed)
            if isinstance(values, feel.Refusal) or not all(v.kind == "string" for v in values):
                raise _Refuse(f"{where}: allowed values {_quote(allowed)} are not a list of strings", allowed_at)
            options = tuple(dict.fromkeys(v.text for v in values))
            bad = [o for o in options if not re.fullmatch(r"[^\x00-\x1f\x7f-\x9f]{1,200}", o)]
            if bad:
                raise _Refuse(
                    f"{where}: the allowed value {_quote(bad[0])} cannot be an option id (1-200 characters, no control characters)",
                    allowed_at,
                )
            kind = "choice"
            doc["type"] = "choice"
            doc["options"] = [{"id": o} for o in options]
        elif kind in ("number", "integer", "date"):
            doc["type"] = kind
            lo, hi = _one_range(allowed, kind, where, allowed_at, notes)
            if lo is not None:
                doc["minimum"] = lo
            if hi is not None:
                doc["maximum"] = hi
        else:
            raise _Refuse(
                f"{where}: allowed values {_quote(allowed)} on a {kind} input are not expressible", allowed_at
            )
    else:
        doc["type"] = kind
    doc = {k: doc[k] for k in ("id", "prompt", "type", "options", "minimum", "maximum") if k in doc}
    return doc, _Input(input_id, kind, options)


def _one_range(text: str, kind: str, where: str, at: Element, notes: list[str]) -> tuple[Any, Any]:
    """Allowed values on a number, integer or date input that are one range (``[18..120]``,
    ``[date("2020-01-01")..date("2030-12-31")]``) or one comparison (``>= 0``, ``<= -1``): the
    input's ``minimum``/``maximum`` (None for an open side). crossroads' bounds are inclusive, so an
    exclusive bound is the next value when the input's values are discrete — an integer's next
    integer, a date's next day, with a note — and refused on a number input, where no inclusive
    bound says it. A ``null`` among the values is dropped, with a note."""
    stripped = re.sub(r"(^|,)\s*null\s*(?=,|$)", r"\1", text.strip()).strip(" ,")
    if stripped != text.strip():
        notes.append(
            f"{where}: 'null' among the allowed values {_quote(text)} is dropped (crossroads answers always have a value)"
        )
    tests = feel.read(stripped)
    operand = 'a date("…")' if kind == "date" else "a number"
    refused = f"{where}: allowed values {_quote(text)} are not one range such as " + (
        '[date("2020-01-01")..date("2030-12-31")] or >= date("2020-01-01")' if kind == "date" else "[18..120] or >= 0"
    )
    if not isinstance(tests, feel.Tests) or tests.negated or len(tests.items) != 1:
        raise _Refuse(refused, at)
    t = tests.items[0]
    sides: list[tuple[feel.Value, bool] | None]  # (bound, inclusive) for the lower and the upper side
    if isinstance(t, feel.Range):
        sides = [(t.lo, t.lo_closed), (t.hi, t.hi_closed)]
    elif isinstance(t, feel.Compare) and t.op in ("<", "<=", ">", ">="):
        bound = (t.value, t.op in ("<=", ">="))
        sides = [bound, None] if t.op.startswith(">") else [None, bound]
    else:
        raise _Refuse(refused, at)
    want = "date" if kind == "date" else "number"
    out: list[Any] = []
    for side, (got, step) in zip(sides, (("minimum", 1), ("maximum", -1))):
        if side is None:
            out.append(None)
            continue
        v, inclusive = side
        if v.kind != want:
            shown = f'date("{v.text}")' if v.kind == "date" else f'"{v.text}"' if v.kind == "string" else v.text
            raise _Refuse(f"{refused}: the bound {shown} is not {operand}", at)
        if kind == "date":
            day = dates.day(date.fromisoformat(v.text))
            if not inclusive:
                day += step
                if not dates.day(date.min) <= day <= dates.day(date.max):
                    raise _Refuse(f"{where}: allowed values {_quote(text)} exclude every day", at)
                notes.append(f'{where}: the exclusive bound date("{v.text}") is the {got} {dates.format_day(day)}')
            out.append(dates.format_day(day))
            continue
        whole = bool(re.fullmatch(r"-?[0-9]+", v.text))
        if kind == "integer" and not whole:
            raise _Refuse(f"{where}: the bound {v.text} of an integer input is no integer", at)
        if not inclusive:
            if kind != "integer":
                raise _Refuse(
                    f"{where}: allowed values {_quote(text)} exclude the bound {v.text}, which a number input's "
                    "minimum/maximum (inclusive) cannot say",
                    at,
                )
            notes.append(f"{where}: the exclusive bound {v.text} of an integer input is the {got} {int(v.text) + step}")
            out.append(int(v.text) + step)
            continue
        out.append(int(v.text) if whole else Decimal(v.text))
    return out[0], out[1]


@dataclass
class _Output:
    e: Element
    name: str
    label: str
    type_ref: str | None
    values: tuple[feel.Value, ...] | None
    values_at: Element | None


def _table(model: _Model, dt: Element, owner: _Owner, table_ids: set[str]) -> Imported:
    ns = model.ns
    notes: list[str] = []
    positions: dict[Path, Position] = {(): model.at(dt)}
    default_lang = model.root.attrs.get("expressionLanguage")
    policy_text = (dt.attrs.get("hitPolicy") or "UNIQUE").strip().upper()
    if policy_text not in HIT_POLICIES:
        raise _Refuse(f"has the hit policy '{policy_text}', which DMN does not define", dt)
    policy = HIT_POLICIES[policy_text]
    aggregation = (dt.attrs.get("aggregation") or "").strip().upper() or None
    if aggregation is not None and (policy_text not in ("COLLECT", "C") or aggregation not in AGGREGATIONS):
        raise _Refuse(f"has the aggregation '{aggregation}' with hit policy {policy_text}", dt)
    if dt.attrs.get("preferredOrientation") == "CrossTable":
        raise _Refuse("is a cross table", dt)

    input_els = dt.all("input", ns)
    if not input_els:
        raise _Refuse("has no inputs (crossroads tables ask at least one question)", dt)
    taken: set[str] = set()
    inputs_doc, inputs = [], []
    for n, e in enumerate(input_els):
        d, i = _input(model, owner, n, e, taken, notes, default_lang)
        if e.attrs.get(f"{{{CAMUNDA}}}inputVariable"):
            notes.append(
                f"input {n + 1}: camunda:inputVariable '{e.attrs[f'{{{CAMUNDA}}}inputVariable']}' is not used by any entry crossroads reads"
            )
        inputs_doc.append(d)
        inputs.append(i)
        positions[("inputs", n)] = model.at(e)

    out_els = dt.all("output", ns)
    if not out_els:
        raise _Refuse("has no outputs", dt)
    outputs: list[_Output] = []
    for e in out_els:
        values_el = e.first("outputValues", ns)
        values: tuple[feel.Value, ...] | None = None
        if values_el is not None and (values_el.text_of() or "").strip():
            got = feel.literals(values_el.text_of() or "")
            if isinstance(got, feel.Refusal):
                raise _Refuse(f"output values {_quote(values_el.text_of() or '')} {got.reason}", values_el)
            values = got
        type_ref = e.attrs.get("typeRef")
        if type_ref is None and len(out_els) == 1 and owner.kind == "decision":
            var = owner.decision.first("variable", ns)
            if var is not None and var.attrs.get("typeRef"):
                result = model.resolve(var.attrs["typeRef"], element=POLICIES[policy].collects)
                type_ref = var.attrs["typeRef"] if result.kind is not None else None
                if result.kind is not None and result.allowed is not None:
                    type_ref = var.attrs["typeRef"]
        outputs.append(
            _Output(
                e,
                (e.attrs.get("name") or "").strip(),
                (e.attrs.get("label") or "").strip(),
                type_ref,
                values,
                values_el,
            )
        )

    rule_els = dt.all("rule", ns)
    if not rule_els:
        raise _Refuse("has no rules", dt)

    # Every cell read first (so the first refusal is the first bad cell in document order).
    when_rows: list[dict[str, Any]] = []
    then_rows: list[list[tuple[feel.Value, Element]]] = []
    because_rows: list[str | None] = []
    for r, rule in enumerate(rule_els):
        entries = rule.all("inputEntry", ns)
        out_entries = rule.all("outputEntry", ns)
        if len(entries) != len(inputs) or len(out_entries) != len(outputs):
            raise _Refuse(
                f"rule {r + 1} has {len(entries)} input entries and {len(out_entries)} output entries for {len(inputs)} inputs and {len(outputs)} outputs",
                rule,
            )
        when: dict[str, Any] = {}
        for entry, inp in zip(entries, inputs):
            _language(entry, None)
            text = entry.text_of() or ""
            cell = feel.translate(text, inp.kind, inp.options)  # type: ignore[arg-type]
            if isinstance(cell, feel.Refusal):
                raise _Refuse(f"rule {r + 1}, input '{inp.id}': the entry {_quote(text)} {cell.reason}", entry)
            if isinstance(cell, feel.Cell):
                when[inp.id] = cell.value
                positions[("rules", r, "when", inp.id)] = model.at(entry)
        row: list[tuple[feel.Value, Element]] = []
        for k, entry in enumerate(out_entries):
            _language(entry, None)
            text = entry.text_of() or ""
            v = feel.literal(text)
            if isinstance(v, feel.Refusal):
                if not text.strip():
                    what = "is empty (every output needs a value)"
                elif text.strip() == "null":
                    what = "is null (every output needs a value)"
                else:
                    what = (
                        f"is no literal (output entries must be literals): it {v.reason.replace(', not a literal', '')}"
                    )
                raise _Refuse(f"rule {r + 1}, output {k + 1}: the entry {_quote(text)} {what}", entry)
            row.append((v, entry))
        because = [(rule.text_of("description") or "").strip()]
        because += [(a.text_of() or "").strip() for a in rule.all("annotationEntry", ns)]
        because_rows.append(" ".join(b for b in because if b) or None)
        when_rows.append(when)
        then_rows.append(row)
        positions[("rules", r)] = model.at(rule)

    defaults: list[tuple[feel.Value, Element] | None] = []
    for o in outputs:
        d_el = o.e.first("defaultOutputEntry", ns)
        if d_el is None or not (d_el.text_of() or "").strip():
            defaults.append(None)
            continue
        v = feel.literal(d_el.text_of() or "")
        if isinstance(v, feel.Refusal):
            raise _Refuse(
                f"the default output entry {_quote(d_el.text_of() or '')} {v.reason} (defaults must be literals)", d_el
            )
        defaults.append((v, d_el))
        positions[("default",)] = model.at(d_el)
    if any(d is not None for d in defaults) and any(d is None for d in defaults):
        raise _Refuse("gives default output entries for some outputs only (a default needs every output's value)", dt)

    name = owner.name
    table_id = slug(name, table_ids, fallback="table")
    doc: dict[str, Any] = {"format": "crossroads/1", "id": table_id, "version": "1.0.0", "title": name}
    if owner.summary:
        doc["summary"] = owner.summary
    doc["hit_policy"] = policy
    if aggregation is not None:
        doc["aggregate"] = AGGREGATIONS[aggregation]
    as_outcomes = (
        len(outputs) == 1
        and outputs[0].name == OUTCOME_OUTPUT
        and aggregation is None
        and _declared(model, outputs[0], policy) in ("string", None)
        and all(row[0][0].kind == "string" and row[0][0].text for row in then_rows)
        and all(d is None or (d[0].kind == "string" and d[0].text) for d in defaults)
        and (outputs[0].values is None or all(v.kind == "string" for v in outputs[0].values))
    )
    if POLICIES[policy].by_priority and any(o.values is None for o in outputs) and (as_outcomes or len(outputs) == 1):
        raise _Refuse(f"has hit policy {policy_text} but its output has no output values to rank by", outputs[0].e)
    doc["inputs"] = inputs_doc
    rules_doc: list[dict[str, Any]] = []
    if as_outcomes:
        out = outputs[0]
        order: list[str] = []
        if out.values is not None:
            order = list(dict.fromkeys(v.text for v in out.values))
        used = [row[0] for row in then_rows] + [d for d in defaults if d is not None]
        for v, at in used:
            if v.text not in order:
                if out.values is not None:
                    raise _Refuse(
                        f"gives {_quote(chr(34) + v.text + chr(34))}, which is not among the output values", at
                    )
                order.append(v.text)
        ids: dict[str, str] = {}
        outcome_ids: set[str] = {"undecided"}
        for value in order:  # an outcome id (what the exporter writes) is kept as it is, any other value slugged
            kept = re.fullmatch(SLUG_PATTERN, value) is not None and value not in outcome_ids
            ids[value] = value if kept else slug(value, outcome_ids | set(order), fallback="outcome")
            outcome_ids.add(ids[value])
        if defaults[0] is not None:
            doc["default"] = ids[defaults[0][0].text]
        doc["outcomes"] = [{"id": ids[v], "title": v} for v in order]
        for r, row in enumerate(then_rows):
            rule_doc: dict[str, Any] = {"id": f"rule-{r + 1}"}
            if when_rows[r]:
                rule_doc["when"] = when_rows[r]
            rule_doc["then"] = ids[row[0][0].text]
            if because_rows[r]:
                rule_doc["because"] = because_rows[r]
            rules_doc.append(rule_doc)
    else:
        outputs_doc: list[dict[str, Any]] = []
        out_taken = set(i.id for i in inputs) | {OUTCOME_OUTPUT, "rule", "error"}
        kinds: list[str] = []
        for k, o in enumerate(outputs):
            key = o.name or o.label or (name if len(outputs) == 1 else f"output {k + 1}")
            out_id = slug(key, out_taken, fallback="output")
            out_taken.add(out_id)
            kind = _output_kind(model, o, [row[k][0] for row in then_rows], k, policy)
            spec: dict[str, Any] = {"id": out_id, "type": kind}
            title = o.label or o.name
            if title:
                spec["title"] = title
            if o.values is not None:
                if kind == "string":
                    opts = list(dict.fromkeys(v.text for v in o.values))
                    if not all(v.kind == "string" for v in o.values) or any(not x or len(x) > 200 for x in opts):
                        raise _Refuse(f"output {k + 1}: output values cannot be choice options", o.values_at or o.e)
                    spec["type"] = kind = "choice"
                    spec["options"] = [{"id": x} for x in opts]
                elif POLICIES[policy].by_priority:
                    raise _Refuse(
                        f"output {k + 1}: output values on a {kind} output cannot rank (crossroads ranks choice outputs)",
                        o.values_at or o.e,
                    )
                else:
                    notes.append(
                        f"output {k + 1}: its output values are not kept (they rank nothing under {policy_text})"
                    )
            outputs_doc.append(spec)
            kinds.append(kind)
            positions[("outputs", k)] = model.at(o.e)
        for r, row in enumerate(then_rows):
            then: dict[str, Any] = {}
            for k, (v, at) in enumerate(row):
                then[outputs_doc[k]["id"]] = _value(v, kinds[k], outputs_doc[k], r, k, at)
            rule_doc = {"id": f"rule-{r + 1}"}
            if when_rows[r]:
                rule_doc["when"] = when_rows[r]
            rule_doc["then"] = then
            if because_rows[r]:
                rule_doc["because"] = because_rows[r]
            rules_doc.append(rule_doc)
        if defaults[0] is not None:
            doc["default"] = {
                outputs_doc[k]["id"]: _value(d_[0], kinds[k], outputs_doc[k], None, k, d_[1])
                for k, d_ in enumerate(defaults)
                if d_ is not None
            }
        doc["outputs"] = outputs_doc
    doc["rules"] = rules_doc
    ordered: dict[str, Any] = {k: doc[k] for k in KEY_ORDER[()] if k in doc}  # the format reference's order
    if policy_text in ("COLLECT", "C") and aggregation is None:
        notes.append(
            "hit policy COLLECT: DMN leaves the order of the matches open; crossroads lists them in rule order"
        )
    table_ids.add(table_id)
    return Imported(name, owner.element, model.at(dt), ordered, positions, tuple(notes))


def _declared(model: _Model, o: _Output, policy: PolicyName) -> str | None:
    """The output's declared crossroads kind (None: no type ref, or ``Any``); ``_Refuse`` for a type crossroads lacks."""
    if not o.type_ref or o.type_ref.strip() in ("Any", "feel:Any"):
        return None
    t = model.resolve(o.type_ref, element=POLICIES[policy].collects)
    if t.kind is None:
        raise _Refuse(f"output '{o.name or o.label or 1}' {t.why}", o.e)
    return t.kind


def _output_kind(model: _Model, o: _Output, values: list[feel.Value], k: int, policy: PolicyName) -> str:
    declared = _declared(model, o, policy)
    if declared is not None:
        return declared
    seen = {v.kind for v in values}
    if len(seen) == 1:
        return seen.pop()
    raise _Refuse(f"output {k + 1} has no type ref and its entries mix {', '.join(sorted(seen))} values", o.e)


def _value(v: feel.Value, kind: str, out: dict[str, Any], r: int | None, k: int, at: Element) -> Any:
    got = feel.value_of(v, kind)
    where = f"rule {r + 1}, output {k + 1}" if r is not None else f"output {k + 1}'s default"
    if isinstance(got, feel.Refusal):
        raise _Refuse(f"{where}: the entry {got.reason}", at)
    if kind == "choice" and got not in [o["id"] for o in out["options"]]:
        raise _Refuse(f'{where}: "{got}" is not among the output values', at)
    return got


# ---------------------------------------------------------------- entry points


def read_bytes(data: bytes, file: str) -> list[Outcome]:
    """Every decision table of the DMN model ``data`` (shown as ``file``), in document order: an
    ``Imported`` table or a ``Refused`` reason each. Raise ``TableError`` (one positioned finding)
    when the file itself is refused: malformed or hostile XML, no DMN model."""
    root = parse(data, file)
    model = _Model(root, file)
    out: list[Outcome] = []
    table_ids: set[str] = set()
    for dt, owner in _tables(model):
        try:
            out.append(_table(model, dt, owner, table_ids))
        except _Refuse as exc:
            out.append(Refused(owner.name, owner.element, model.at(exc.at), f"{owner.element}: {exc}"))
    return out


def read_file(path: str, max_bytes: int = MAX_BYTES) -> list[Outcome]:
    """``read_bytes`` of the file at ``path``, read with the tables' size cap (``TableError`` beyond it)."""
    return read_bytes(_read_capped(path, max_bytes), path)
