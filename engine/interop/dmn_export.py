"""A compiled table out as DMN 1.5: one ``definitions`` holding one ``decision`` and its ``decisionTable``.

**Exact or refused.** What the XML says a DMN engine decides is what crossroads
decides, on every answer crossroads accepts; where DMN cannot hold a table
exactly, ``export_dmn`` raises ``NotExpressible`` saying why, and writes nothing.

**Conditions are read from the compiled columns**, not re-parsed from the text
as written: a numeric row is its runs of segments (``compiler.runs_of``), a
choice row the options whose mask holds it, a string row its named strings
(or, negated, the strings it excludes). So every form a table may write
(intervals, comparisons, lists, ``{not: ...}``, ``!=``) comes out in one
canonical FEEL unary test: ``-`` for a row that accepts everything; a number
or a ``date("YYYY-MM-DD")`` for one point; ``< n``, ``<= n``, ``> n``,
``>= n``; ``[a..b]``, ``(a..b)``, ``[a..b)``, ``(a..b]``; ``not(a, b)`` when
the row excludes only points (``!= 3`` is ``not(3)``); a list ``<18, >=60``
for any other union; strings as FEEL string literals (``"it\\"s"``, escapes
``\\" \\\\ \\n \\r \\t \\uXXXX``), ``not("a", "b")`` for a negated string row
or a choice row that excludes fewer options than it accepts.

**The mapping** (the README's "Export to DMN" table): input ``id`` → the input
expression (a FEEL name) and ``input.<id>`` the clause id; ``prompt`` → label;
types string/number/boolean/date, ``choice`` → string with the option ids as
``inputValues``, ``integer`` → number (DMN 1.5 has no integer type: every
integer answer decides as before, the DMN side also takes fractions);
``minimum``/``maximum`` → ``inputValues`` ``[min..max]``, ``>= min`` or
``<= max``. A value table: one ``output`` per output (name = id, label =
title, a choice output's options as ``outputValues`` in priority order); a
named-outcome table: one string output ``outcome`` whose ``outputValues`` are
the outcome ids in priority order. A value table's rows that name an outcome
write that outcome's values (DMN returns values; the outcome id beside them
has no place in DMN and is not written). Hit policies: unique U, first F,
priority P, any A, output-order O; ``collect`` → **RULE ORDER**, not COLLECT:
DMN leaves the order of COLLECT's matches open, RULE ORDER gives them in
table order, which is exactly crossroads' ``collect``; ``collect`` with
``aggregate`` sum/min/max/count → COLLECT with SUM/MIN/MAX/COUNT (C+, C<, C>,
C#). ``because`` → the rule's ``description``; ``default`` →
``defaultOutputEntry`` on every output (not on a ``count``: a count with no
match is 0 with or without one, so it is left out). The table ``title`` →
the decision's name, ``summary`` → its description, the table ``id`` →
the decision's id, rule ids → rule ids (``rule.<id>`` for all rules when one
equals the table id, since DMN ids are unique in a model), ``id`` and
``version`` → the definitions' namespace ``urn:crossroads:<id>:<version>``.

**Refused** (``NotExpressible``): a number with more than 34 significant
digits (FEEL numbers are IEEE 754 decimal128, 34 digits), a ``sum`` whose
totals may need more; a text with a character XML 1.0 cannot hold (most
control characters; FEEL literals escape them, labels and descriptions
cannot), or a carriage return in a description (XML reads it back as a line
feed); an ``any`` table with outputs in which two outcomes give equal values
(crossroads says two rows naming them disagree, DMN cannot tell them apart).

Built with ``xml.etree`` (which escapes), deterministic: the same table gives
the same bytes, ids derived from the table's ids only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Final

from crossroads.engine.errors import NotExpressible
from crossroads.engine.interop.common import slug
from crossroads.engine.table import dates, numbers
from crossroads.engine.table import values as vals
from crossroads.engine.table.compiler import (
    ChoiceColumn,
    Column,
    CompiledTable,
    InputSpec,
    NumberColumn,
    OutputSpec,
    Span,
    TextColumn,
    runs_of,
    segment_bounds,
)
from crossroads.engine.table.conditions import Interval, Num
from crossroads.engine.table.policies import POLICIES, AnyPolicy

NAMESPACE: Final = "https://www.omg.org/spec/DMN/20230324/MODEL/"
"""DMN 1.5's model namespace."""

FEEL_DIGITS: Final = 34
"""Significant digits of a FEEL number (IEEE 754 decimal128)."""

HIT_POLICIES: Final = {
    "unique": ("UNIQUE", None),
    "first": ("FIRST", None),
    "priority": ("PRIORITY", None),
    "any": ("ANY", None),
    "collect": ("RULE ORDER", None),
    "output-order": ("OUTPUT ORDER", None),
}
"""crossroads hit policy → (DMN ``hitPolicy``, ``aggregation``); ``collect`` with an aggregate is ``AGGREGATIONS``."""

OUTCOME_OUTPUT: Final = "outcome"
"""The name of a named-outcome table's one output, its values the outcome ids; the importer reads a
single output of that name (and only that) back as named outcomes. No value table can have an output
of that name: ``outcome`` is a reserved output id (``validate.RESERVED_OUTPUT_IDS``)."""

AGGREGATIONS: Final = {"sum": "SUM", "min": "MIN", "max": "MAX", "count": "COUNT"}

TYPE_REFS: Final = {
    "choice": "string",
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
}
"""crossroads input/output type → DMN ``typeRef`` (FEEL built-in types)."""

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FEEL_ESCAPE = re.compile('["\\\\\n\r\t\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]')
_FEEL_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _q(tag: str) -> str:
    """An element's name: unqualified, in the default namespace the root declares (``xmlns``)."""
    return tag


def export_dmn(table: CompiledTable) -> str:
    """The DMN 1.5 XML of ``table`` (UTF-8 text with its XML declaration); raise ``NotExpressible``."""
    _check_any(table)
    policy, aggregation = HIT_POLICIES[table.hit_policy]
    if table.aggregate is not None:
        policy, aggregation = "COLLECT", AGGREGATIONS[table.aggregate]
    rule_ids = [r.id for r in table.rules]
    prefixed = table.id in rule_ids

    definitions = ET.Element(
        _q("definitions"),
        {
            "xmlns": NAMESPACE,
            "id": f"{table.id}.definitions",
            "name": _attr(table.title, "the title"),
            "namespace": f"urn:crossroads:{table.id}:{table.version}",
            "exporter": "crossroads",
        },
    )
    decision = ET.SubElement(definitions, _q("decision"), {"id": table.id, "name": _attr(table.title, "the title")})
    if table.summary:
        ET.SubElement(decision, _q("description")).text = _text(table.summary, "the summary")
    attrs = {"id": f"{table.id}.table", "hitPolicy": policy}
    if aggregation is not None:
        attrs["aggregation"] = aggregation
    dt = ET.SubElement(decision, _q("decisionTable"), attrs)

    for spec in table.inputs:
        _input_clause(dt, spec)
    outputs = _outputs(table)
    for out in outputs:
        clause = ET.SubElement(dt, _q("output"), out.attrs)
        if out.values:
            ET.SubElement(ET.SubElement(clause, _q("outputValues")), _q("text")).text = ", ".join(out.values)
        if out.default is not None:
            ET.SubElement(ET.SubElement(clause, _q("defaultOutputEntry")), _q("text")).text = out.default

    columns = {c.input: c for c in table.columns}
    for r, rule in enumerate(table.rules):
        e = ET.SubElement(dt, _q("rule"), {"id": f"rule.{rule.id}" if prefixed else rule.id})
        if rule.because:
            ET.SubElement(e, _q("description")).text = _text(rule.because, f"rule '{rule.id}': because")
        constrained = {input_id for input_id, _ in rule.conditions}
        for spec in table.inputs:
            test = _unary_test(spec, columns[spec.id], r, rule.id) if spec.id in constrained else "-"
            ET.SubElement(ET.SubElement(e, _q("inputEntry")), _q("text")).text = test
        for out in outputs:
            ET.SubElement(ET.SubElement(e, _q("outputEntry")), _q("text")).text = out.entries[r]

    ET.indent(definitions, space="  ")
    body = ET.tostring(definitions, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# -- inputs -------------------------------------------------------------------


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def caller_name(id_: str, text: str) -> str:
    """The FEEL name a DMN caller keys this input or output by: the table's text when it is one
    camel-case word whose slug is the id (``RiskCategory`` for ``risk-category``, ``isAffordable``:
    how an import from DMN keeps an unlabelled element's name), else the id itself. A text that is a
    sentence, or the id in other case (``Fee`` for ``fee``), never replaces the id: a table's own
    ids stay its callers' keys. Either way the importer reads the id back (``slug`` of the name)."""
    if text.lower() != id_ and _IDENTIFIER.fullmatch(text) and slug(text) == id_:
        return text
    return id_


def _input_clause(dt: ET.Element, spec: InputSpec) -> None:
    clause = ET.SubElement(
        dt, _q("input"), {"id": f"input.{spec.id}", "label": _attr(spec.prompt, f"input '{spec.id}': prompt")}
    )
    expr = ET.SubElement(
        clause, _q("inputExpression"), {"id": f"input.{spec.id}.expression", "typeRef": TYPE_REFS[spec.type]}
    )
    ET.SubElement(expr, _q("text")).text = caller_name(spec.id, spec.prompt)
    allowed = _allowed(spec)
    if allowed is not None:
        ET.SubElement(ET.SubElement(clause, _q("inputValues")), _q("text")).text = allowed


def _allowed(spec: InputSpec) -> str | None:
    """An input's ``inputValues``: a choice's option ids, or the range of its bounds (None: none)."""
    if spec.type == "choice":
        return ", ".join(feel_string(o) for o in spec.option_ids)
    if spec.type not in ("integer", "number", "date"):
        return None
    lo, hi = spec.minimum, spec.maximum
    where = f"input '{spec.id}'"
    if lo is not None and hi is not None:
        return f"[{_operand(spec, lo, where)}..{_operand(spec, hi, where)}]"
    if lo is not None:
        return f">= {_operand(spec, lo, where)}"
    if hi is not None:
        return f"<= {_operand(spec, hi, where)}"
    return None


def _unary_test(spec: InputSpec, column: Column, r: int, rule_id: str) -> str:
    """Row ``r``'s condition on ``spec`` (a constrained row) as FEEL unary tests."""
    bit = 1 << r
    where = f"rule '{rule_id}', input '{spec.id}'"
    if isinstance(column, ChoiceColumn):
        if spec.type == "boolean":
            return "true" if column.table[True] & bit else "false"
        accepted = [o for o in spec.option_ids if column.table[o] & bit]
        excluded = [o for o in spec.option_ids if not column.table[o] & bit]
        if not accepted or (excluded and len(excluded) < len(accepted)):  # none: not(every option)
            return "not(" + ", ".join(feel_string(o) for o in excluded) + ")"
        return ", ".join(feel_string(o) for o in accepted)
    if isinstance(column, TextColumn):
        negated = bool(column.other & bit)
        named = [s for s in column.table if bool(column.table[s] & bit) != negated]
        listed = ", ".join(feel_string(s) for s in sorted(named))
        return f"not({listed})" if negated else listed
    assert isinstance(column, NumberColumn)
    span = column.spans[r]
    assert span is not None  # a constrained row
    return _numeric_test(spec, column, runs_of(span), where)


def _numeric_test(spec: InputSpec, column: NumberColumn, runs: tuple[Span, ...], where: str) -> str:
    points = column.points
    last = 2 * len(points)
    runs = tuple(run for run in runs if run[0] <= run[1])
    if not runs:
        raise NotExpressible(f"{where}: the condition holds no value")
    if runs == ((0, last),):
        return "-"
    # The segments outside the row: when every one is a single point, "not(p, q)" says it best.
    gaps: list[Span] = []
    start = 0
    for a, b in runs:
        if a > start:
            gaps.append((start, a - 1))
        start = b + 1
    if start <= last:
        gaps.append((start, last))
    if all(a == b and a % 2 for a, b in gaps):
        return "not(" + ", ".join(_operand(spec, points[a // 2], where) for a, _ in gaps) + ")"
    return ", ".join(_interval_test(spec, points, run, where) for run in runs)


def _interval_test(spec: InputSpec, points: tuple[Num, ...], run: Span, where: str) -> str:
    """One run of segments ``(a, b)`` as one FEEL unary test: a point, a comparison or an interval."""
    first, final = segment_bounds(points, run[0]), segment_bounds(points, run[1])
    interval = Interval(first.lo, first.lo_closed, final.hi, final.hi_closed)
    assert interval.lo is not None or interval.hi is not None, "the whole line is written '-'"
    return interval.text(lambda n: _operand(spec, n, where), separator="..")


def _operand(spec: InputSpec, n: Num, where: str) -> str:
    """A bound of a numeric input in FEEL: a number literal, or ``date("…")`` for a date's day number."""
    if spec.type == "date":
        return f'date("{dates.format_day(int(n))}")'
    return feel_number(n, where)


# -- outputs ------------------------------------------------------------------


class _Output:
    """One output clause to write: its attributes, ``outputValues`` (FEEL literals), default and per-row entries."""

    def __init__(self, attrs: dict[str, str], values: list[str], default: str | None, entries: list[str]):
        self.attrs, self.values, self.default, self.entries = attrs, values, default, entries


def _outputs(table: CompiledTable) -> list[_Output]:
    keep_default = table.default is not None and table.aggregate != "count"
    if not table.outputs:  # a named-outcome table: one string output of outcome ids, in priority order
        ids = [o.id for o in table.outcomes]
        default = feel_string(ids[table.default]) if keep_default and table.default is not None else None
        entries = [feel_string(ids[rule.then]) for rule in table.rules]
        attrs = {"id": f"output.{OUTCOME_OUTPUT}", "name": OUTCOME_OUTPUT, "typeRef": "string"}
        return [_Output(attrs, [feel_string(i) for i in ids], default, entries)]
    if table.aggregate == "sum":
        _check_sum(table)
    out = []
    for k, spec in enumerate(table.outputs):
        where = f"output '{spec.id}'"
        entries = [_literal(spec, table.results[rule.then].values[k][1], where) for rule in table.rules]
        default = None
        if keep_default and table.default is not None:
            default = _literal(spec, table.results[table.default].values[k][1], where)
        attrs = {
            "id": f"output.{spec.id}",
            "label": _attr(spec.title, f"{where}: title"),
            "name": caller_name(spec.id, spec.title),
            "typeRef": TYPE_REFS[spec.type],
        }
        out.append(_Output(attrs, [feel_string(o) for o in spec.option_ids], default, entries))
    return out


def _literal(spec: OutputSpec, value: vals.Value, where: str) -> str:
    """An output value as a FEEL literal of the output's type."""
    if spec.type == "boolean":
        return "true" if value else "false"
    if spec.type in vals.NUMERIC:
        assert isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        return feel_number(value, where)
    assert isinstance(value, str)
    if spec.type == "date":
        return f'date("{value}")'
    return feel_string(value)


def _check_any(table: CompiledTable) -> None:
    """Under ``any``, rows naming two outcomes with equal values disagree in crossroads; DMN sees equal outputs."""
    if not isinstance(POLICIES[table.hit_policy], AnyPolicy) or not table.outputs:  # rows overlap when they agree
        return
    used = {rule.then for rule in table.rules}
    seen: dict[vals.Values, str] = {}
    for n, outcome in enumerate(table.outcomes):
        if n not in used:
            continue
        values = table.results[n].values
        if values in seen:
            raise NotExpressible(
                f"hit policy any: outcomes '{seen[values]}' and '{outcome.id}' give the same values, so DMN cannot "
                "tell rows naming them apart, while crossroads says such rows disagree"
            )
        seen[values] = outcome.id


def _check_sum(table: CompiledTable) -> None:
    """A ``sum`` whose totals could need more than 34 significant digits is not exact in FEEL."""
    given = [table.results[rule.then].values[0][1] for rule in table.rules]
    if table.default is not None:
        given.append(table.results[table.default].values[0][1])
    nonzero = [Decimal(n).copy_abs() for n in given if not isinstance(n, (bool, str)) and n]
    if not nonzero:
        return
    total = Decimal(0)
    for n in nonzero:  # every row matching at once: the largest total there is
        total = numbers.EXACT.add(total, n)
    lowest = min(int(n.normalize(numbers.EXACT).as_tuple().exponent) for n in nonzero)
    if total.adjusted() - lowest + 1 > FEEL_DIGITS:
        raise NotExpressible(
            f"aggregate sum: a total of output '{table.outputs[0].id}' may need more than {FEEL_DIGITS} significant "
            "digits, which a FEEL number (decimal128) rounds"
        )


# -- literals -----------------------------------------------------------------


def feel_string(text: str) -> str:
    """``text`` as a FEEL string literal: quotes, backslashes and line breaks escaped, and every character
    XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF) as ``\\uXXXX``."""
    return '"' + _FEEL_ESCAPE.sub(lambda m: _FEEL_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text) + '"'


def feel_number(n: Num, where: str) -> str:
    """An exact number as a FEEL numeric literal (plain digits, never an exponent); refused beyond 34 digits."""
    if isinstance(n, int):
        text = str(n)
        digits = text.lstrip("-").rstrip("0")
    else:
        d = n.normalize(numbers.EXACT)
        text = format(d, "f")
        digits = text.lstrip("-").replace(".", "").strip("0")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if len(digits) > FEEL_DIGITS:
        raise NotExpressible(
            f"{where}: the number {text if len(text) <= 40 else text[:37] + '...'} has more than {FEEL_DIGITS} "
            "significant digits, which a FEEL number (decimal128) rounds"
        )
    return text


def _attr(text: str, where: str) -> str:
    """Text for an XML attribute (the serializer escapes line breaks and tabs there)."""
    if _XML_INVALID.search(text):
        raise NotExpressible(f"{where} holds a control character that XML 1.0 cannot hold")
    return text


def _text(text: str, where: str) -> str:
    """Text for an XML element: as ``_attr``, and no carriage return (XML reads it back as a line feed)."""
    if "\r" in text:
        raise NotExpressible(f"{where} holds a carriage return, which XML reads back as a line feed")
    return _attr(text, where)


__all__ = ["NAMESPACE", "OUTCOME_OUTPUT", "NotExpressible", "export_dmn", "feel_number", "feel_string"]
