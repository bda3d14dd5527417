"""Validation beyond loading: structure (models, then schema wording), then references.

Each check is a small function from the typed table (and the document, for
positions) to findings, so that lint can report every problem in a file at
once. Only errors from here and from the loader make a table invalid; row
findings (unreachable, conflicting, missing rows) belong to the analysis.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Iterator

from pydantic import ValidationError

from crossroads.engine.table import conditions as cond
from crossroads.engine.table import dates
from crossroads.engine.table import values as vals
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import input_spec
from crossroads.engine.errors import AnswerError
from crossroads.engine.findings import Finding
from crossroads.engine.table.loader import Document
from crossroads.engine.table.model import Not, PinnedExpect, Table, ValuesExpect
from crossroads.engine.table.policies import POLICIES, policy_of
from crossroads.engine.table.schema import schema_findings, where


def validate(doc: Document) -> tuple[Table | None, list[Finding]]:
    """The typed table (None when structurally invalid) and every finding."""
    try:
        table = Table.model_validate(doc.data)
    except ValidationError as exc:
        structural = schema_findings(doc)
        return None, structural or _pydantic_findings(exc, doc)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(table, doc))
    return table, findings


def _pydantic_findings(exc: ValidationError, doc: Document) -> list[Finding]:
    # Safety net only: the agreement test keeps the schema reporting whatever the models reject.
    out = []
    for err in exc.errors():
        path = tuple(
            p
            for p in err["loc"]
            if isinstance(p, (str, int)) and p not in ("choice", "boolean", "integer", "number", "date")
        )
        line, column = doc.position(path)
        out.append(Finding("schema", "error", f"{where(path) or 'table'}: {err['msg']}", doc.file, line, column))
    return out


def _error(
    doc: Document, code: str, path: tuple[Any, ...], message: str, *, key: bool = False, rules: tuple[str, ...] = ()
) -> Finding:
    line, column = doc.position(path, key=key)
    return Finding(code, "error", message, doc.file, line, column, rules)


def _duplicates(ids: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield index, value
        seen.add(value)


def _first_by_id(items: Any) -> dict[str, Any]:
    """By id, in table order; of duplicate ids the first counts (the others are duplicate-id errors)."""
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out


def check_duplicate_ids(table: Table, doc: Document) -> Iterator[Finding]:
    groups: list[tuple[tuple[str | int, ...], str, list[str], str]] = [  # (path, what, ids, where)
        (("inputs",), "input", [i.id for i in table.inputs], ""),
        (("outcomes",), "outcome", [o.id for o in table.outcomes], ""),
        (("rules",), "rule", [r.id for r in table.rules], ""),
        (("outputs",), "output", [o.id for o in table.outputs], ""),
    ]
    for n, spec in enumerate(table.inputs):
        if spec.type == "choice":
            groups.append((("inputs", n, "options"), "option", [o.id for o in spec.options], f" in input '{spec.id}'"))
    for n, out in enumerate(table.outputs):
        if out.options:
            groups.append((("outputs", n, "options"), "option", [o.id for o in out.options], f" in output '{out.id}'"))
    for base, what, ids, within in groups:
        for index, value in _duplicates(ids):
            yield _error(doc, "duplicate-id", base + (index, "id"), f"duplicate {what} id '{value}'{within}")


def check_bounds(table: Table, doc: Document) -> Iterator[Finding]:
    for n, spec in enumerate(table.inputs):
        if spec.type == "date":
            yield from _date_bounds(n, spec, doc)
            continue
        lo, hi = getattr(spec, "minimum", None), getattr(spec, "maximum", None)
        for name, value in (("minimum", lo), ("maximum", hi)):
            if isinstance(value, Decimal) and not value.is_finite():
                yield _error(
                    doc, "bad-bounds", ("inputs", n, name), f"input '{spec.id}': {name} must be a finite number"
                )
        if lo is not None and hi is not None and _finite(lo) and _finite(hi) and lo > hi:
            yield _error(
                doc,
                "bad-bounds",
                ("inputs", n, "maximum"),
                f"input '{spec.id}': minimum {lo} is greater than maximum {hi}",
            )


def _date_bounds(n: int, spec: Any, doc: Document) -> Iterator[Finding]:
    """A date input's minimum/maximum: dates in the one grammar (``dates.py``), in order."""
    days: dict[str, int] = {}
    for name in ("minimum", "maximum"):
        text = getattr(spec, name)
        if text is None:
            continue
        d = dates.parse_date(text)
        if d is None:
            yield _error(doc, "bad-bounds", ("inputs", n, name), f"input '{spec.id}': {name} {dates.problem(text)}")
        else:
            days[name] = dates.day(d)
    if len(days) == 2 and days["minimum"] > days["maximum"]:
        yield _error(
            doc,
            "bad-bounds",
            ("inputs", n, "maximum"),
            f"input '{spec.id}': minimum {spec.minimum.strip(' ')} is after maximum {spec.maximum.strip(' ')}",
        )


def _bad_date_bound(spec: Any) -> bool:
    return spec.type == "date" and any(
        isinstance(getattr(spec, b), str) and dates.parse_date(getattr(spec, b)) is None for b in ("minimum", "maximum")
    )


def _finite(value: Any) -> bool:
    return not isinstance(value, Decimal) or value.is_finite()


def check_outcome_references(table: Table, doc: Document) -> Iterator[Finding]:
    outcomes = [o.id for o in table.outcomes]
    listing = ", ".join(dict.fromkeys(outcomes))
    if isinstance(table.default, str) and table.default not in outcomes:
        yield _error(
            doc, "unknown-outcome", ("default",), f"default '{table.default}' is not an outcome (outcomes: {listing})"
        )
    for n, rule in enumerate(table.rules):
        if isinstance(rule.then, str) and rule.then not in outcomes:
            yield _error(
                doc,
                "unknown-outcome",
                ("rules", n, "then"),
                f"rule '{rule.id}': then '{rule.then}' is not an outcome (outcomes: {listing})",
                rules=(rule.id,),
            )


def check_conditions(table: Table, doc: Document) -> Iterator[Finding]:
    inputs = _first_by_id(table.inputs)
    options = {i.id: tuple(o.id for o in i.options) if i.type == "choice" else () for i in inputs.values()}
    parsed_cells: dict[tuple[Any, ...], Any] = {}  # big tables repeat the same cells: parse each once
    for n, rule in enumerate(table.rules):
        for key, raw in (rule.when or {}).items():
            path = ("rules", n, "when", key)
            spec = inputs.get(key)
            if spec is None:
                yield _error(
                    doc,
                    "unknown-input",
                    path,
                    f"rule '{rule.id}': '{key}' is not an input (inputs: {', '.join(inputs)})",
                    key=True,
                    rules=(rule.id,),
                )
                continue
            cell = (key, type(raw), raw)
            parsed = parsed_cells.get(cell)
            if parsed is None:
                parsed = parsed_cells[cell] = cond.parse(spec.type, raw, options[key])
            if isinstance(parsed, str):
                if parsed.startswith("unknown option"):
                    yield _error(
                        doc,
                        "unknown-option",
                        _first_unknown(path, raw, options[key]),
                        f"rule '{rule.id}', {key}: {parsed}",
                        rules=(rule.id,),
                    )
                else:
                    yield _error(doc, "bad-condition", path, f"rule '{rule.id}', {key}: {parsed}", rules=(rule.id,))


def _first_unknown(path: tuple[Any, ...], raw: Any, options: tuple[str, ...]) -> tuple[Any, ...]:
    """The path of the first unknown option id in a choice condition (inside a list or ``not``)."""
    if isinstance(raw, Not):
        raw, path = raw.not_, path + ("not",)
    if isinstance(raw, tuple):
        index = next(i for i, value in enumerate(raw) if value not in options)
        path += (index,)
    return path


def check_examples(table: Table, doc: Document) -> Iterator[Finding]:
    specs = {key: input_spec(i) for key, i in _first_by_id(table.inputs).items()}
    outcomes = {o.id for o in table.outcomes}
    rules = {r.id: r for r in table.rules}
    collect = policy_of(table).collects
    # An input with a non-finite bound (already bad-bounds) cannot range-check answers: skip it.
    unbounded = {
        i.id
        for i in table.inputs
        if not all(_finite(getattr(i, b, None)) for b in ("minimum", "maximum")) or _bad_date_bound(i)
    }
    for n, example in enumerate(table.examples):
        base = ("examples", n)
        for key, value in example.answers.items():
            if key in unbounded:
                continue
            try:
                parse_answers(specs, {key: value})
            except AnswerError as exc:
                path = base + ("answers", key)
                yield _error(doc, "bad-example", path, f"examples[{n}]: {exc}", key=key not in specs)
        expect = example.expect
        at = base + ("expect",)
        by_values = isinstance(expect, ValuesExpect) or (
            isinstance(expect, tuple) and any(isinstance(e, dict) for e in expect)
        )
        single_hit = not collect and table.aggregate is None
        if table.outputs and not (single_hit and isinstance(expect, (str, PinnedExpect))):
            yield from _check_value_expect(table, doc, n, at, expect)
            continue  # an outcome id (or pinned one) of a single-hit table with outputs: the checks below
        if by_values:
            yield _error(doc, "bad-example", at, f"examples[{n}]: expect by values needs outputs; this table has none")
            continue
        if isinstance(expect, PinnedExpect):
            if expect.outcome not in outcomes:
                yield _error(
                    doc,
                    "unknown-outcome",
                    at + ("outcome",),
                    f"examples[{n}]: expected outcome '{expect.outcome}' is not an outcome",
                )
            if expect.rule not in rules:
                yield _error(
                    doc, "bad-example", at + ("rule",), f"examples[{n}]: expected rule '{expect.rule}' is not a rule"
                )
            elif rules[expect.rule].then != expect.outcome:
                yield _error(
                    doc,
                    "bad-example",
                    at + ("rule",),
                    f"examples[{n}]: rule '{expect.rule}' leads to '{rules[expect.rule].then}', not '{expect.outcome}'",
                )
            if collect:
                yield _error(doc, "bad-example", at, f"examples[{n}]: a collect table expects a list of outcome ids")
        elif isinstance(expect, tuple):
            if not collect:
                yield _error(
                    doc,
                    "bad-example",
                    at,
                    f"examples[{n}]: a list of outcomes is only for collect tables; expect one outcome id",
                )
            for k, expected in enumerate(expect):
                if not isinstance(expected, str) or expected not in outcomes:
                    yield _error(
                        doc,
                        "unknown-outcome",
                        at + (k,),
                        f"examples[{n}]: expected outcome '{expected}' is not an outcome",
                    )
        elif expect != "undecided":
            if expect not in outcomes:
                yield _error(
                    doc, "unknown-outcome", at, f"examples[{n}]: expected outcome '{expect}' is not an outcome"
                )
            elif collect:
                yield _error(
                    doc,
                    "bad-example",
                    at,
                    f"examples[{n}]: a collect table expects a list of outcome ids, e.g. [{expect}]",
                )


def _check_value_expect(table: Table, doc: Document, n: int, at: tuple[Any, ...], expect: Any) -> Iterator[Finding]:
    """An expect of a table with outputs (README, "Examples"): ``{values: {...}}`` (every output, of
    its type; ``rule`` a row giving those values) for a single-hit result, ``{values: {<output>:
    <number>}}`` under an aggregate (an integer for count), a list of values mappings under
    ``collect``/``output-order``; ``undecided`` anywhere. Every mistake is a positioned bad-example."""
    what = f"examples[{n}]"
    if expect == "undecided":
        return
    listed = policy_of(table).collects and table.aggregate is None
    out = table.outputs[0].id
    shape = (
        f"a list of values mappings, e.g. [{{values of one match}}] (hit policy {table.hit_policy})"
        if listed
        else f"{{values: {{{out}: <number>}}}} (aggregate {table.aggregate})"
        if table.aggregate is not None
        else "{values: {...}} with every output"
    )
    if isinstance(expect, tuple):
        if not listed or any(isinstance(e, str) for e in expect):
            yield _error(doc, "bad-example", at, f"{what}: this table expects {shape}")
            return
        for k, item in enumerate(expect):
            yield from _check_values(table, doc, at + (k,), f"{what}: expect[{k}]", item, code="bad-example")
        return
    if not isinstance(expect, ValuesExpect) or listed:
        yield _error(doc, "bad-example", at, f"{what}: this table expects {shape}")
        return
    if table.aggregate is not None:
        yield from _check_total(table, doc, at, what, expect)
        return
    findings = list(_check_values(table, doc, at + ("values",), f"{what}: expect", expect.values, code="bad-example"))
    yield from findings
    if expect.rule is None:
        return
    rules = {r.id: r for r in table.rules}
    if expect.rule not in rules:
        yield _error(doc, "bad-example", at + ("rule",), f"{what}: expected rule '{expect.rule}' is not a rule")
        return
    then = rules[expect.rule].then
    given = then if not isinstance(then, str) else next((o.values for o in table.outcomes if o.id == then), None)
    if not findings and given is not None and _canonical(table, given) != _canonical(table, expect.values):
        yield _error(
            doc,
            "bad-example",
            at + ("rule",),
            f"{what}: rule '{expect.rule}' gives {vals.label(tuple(_canonical(table, given).items()))}, not the expected values",
        )


def _canonical(table: Table, raw: Any) -> dict[str, Any]:
    """A checked values mapping in canonical form (``values.check``); values that do not check are left out."""
    out = {}
    for spec in table.outputs:
        try:
            out[spec.id] = vals.check(spec.type, tuple(o.id for o in spec.options or ()), raw.get(spec.id))
        except vals.BadValue:
            pass
    return out


def _check_total(
    table: Table, doc: Document, at: tuple[Any, ...], what: str, expect: ValuesExpect
) -> Iterator[Finding]:
    """An aggregate's expect: ``{values: {<the one output>: <number>}}``, no ``rule`` (a total has no deciding row)."""
    out = table.outputs[0]
    type_ = "integer" if table.aggregate == "count" else out.type
    if expect.rule is not None:
        yield _error(doc, "bad-example", at + ("rule",), f"{what}: an aggregate has no deciding row; leave out 'rule'")
    for key, value in expect.values.items():
        if key != out.id:
            yield _error(
                doc, "bad-example", at + ("values", key), f"{what}: '{key}' is not the output '{out.id}'", key=True
            )
            continue
        try:
            vals.check(type_, (), value)
        except vals.BadValue as exc:
            yield _error(doc, "bad-example", at + ("values", key), f"{what}: aggregate '{table.aggregate}': {exc}")
    if out.id not in expect.values:
        yield _error(doc, "bad-example", at + ("values",), f"{what}: no value for output '{out.id}'")


def check_unused(table: Table, doc: Document) -> Iterator[Finding]:
    used_inputs = Counter(k for r in table.rules for k in (r.when or {}))
    for n, spec in enumerate(table.inputs):
        if not used_inputs[spec.id]:
            line, column = doc.position(("inputs", n, "id"))
            yield Finding(
                "unused-input",
                "warning",
                f"input '{spec.id}' is asked but no rule conditions on it",
                doc.file,
                line,
                column,
            )
    used = {r.then for r in table.rules if isinstance(r.then, str)} | (
        {table.default} if isinstance(table.default, str) else set()
    )
    for n, outcome in enumerate(table.outcomes):
        if outcome.id not in used:
            line, column = doc.position(("outcomes", n, "id"))
            yield Finding(
                "unused-outcome",
                "warning",
                f"outcome '{outcome.id}' is never the result: no rule or default yields it",
                doc.file,
                line,
                column,
            )


def check_translations(table: Table, doc: Document) -> Iterator[Finding]:
    """Unknown ids are errors; a partial translation or one never shown, warnings."""
    from crossroads.engine.languages import BASE, languages
    from crossroads.engine.table import translations

    for lang, translation in (table.translations or {}).items():
        base = ("translations", lang)
        data = translation.model_dump(exclude_none=True)
        for path, message in translations.unknown(table, data):
            yield _error(doc, "unknown-translation", base + path, f"translations.{lang}: {message}", key=True)
        line, column = doc.position(base, key=True)
        if lang == BASE or lang not in languages():
            why = (
                "the table's own text is English"
                if lang == BASE
                else f"crossroads has no '{lang}' interface (languages: {', '.join(languages())})"
            )
            yield Finding(
                "unsupported-language", "warning", f"translations.{lang} is never shown: {why}", doc.file, line, column
            )
            continue
        gaps = translations.missing(table, data)
        if gaps:
            listed = ", ".join(".".join(p) for p in gaps[:3]) + (", ..." if len(gaps) > 3 else "")
            yield Finding(
                "partial-translation",
                "warning",
                f"translations.{lang} lacks {len(gaps)} text(s) ({listed}); the English content is shown with a notice until it is complete",
                doc.file,
                line,
                column,
            )


RESERVED_OUTPUT_IDS = ("outcome", "rule", "error")
"""Output ids that would clash with the result's columns (SQL, file batch)."""


def _check_values(
    table: Table, doc: Document, path: tuple[Any, ...], what: str, raw: Any, *, code: str | None = None
) -> Iterator[Finding]:
    """A values mapping (an inline then, an outcome's values, a mapping default; an example's expected
    values, reported under ``code``): every output, of its type."""
    if not table.outputs:
        yield _error(doc, "unknown-output", path, f"{what}: gives values, but the table declares no outputs")
        return
    outputs = _first_by_id(table.outputs)
    for key, value in raw.items():
        spec = outputs.get(key)
        if spec is None:
            yield _error(
                doc,
                code or "unknown-output",
                path + (key,),
                f"{what}: '{key}' is not an output (outputs: {', '.join(outputs)})",
                key=True,
            )
            continue
        options = tuple(o.id for o in spec.options or ())
        try:
            vals.check(spec.type, options, value)
        except vals.BadValue as exc:
            yield _error(doc, code or "bad-value", path + (key,), f"{what}, output '{key}' ({spec.type}): {exc}")
    missing = [o for o in outputs if o not in raw]
    if missing:
        yield _error(doc, code or "missing-value", path, f"{what}: no value for output(s) {', '.join(missing)}")


def check_outputs(table: Table, doc: Document) -> Iterator[Finding]:
    """Output ids, every values mapping, and what priority and aggregate need of the outputs."""
    inputs = {i.id for i in table.inputs}
    for n, out in enumerate(table.outputs):
        if out.id in inputs or out.id in RESERVED_OUTPUT_IDS:
            why = "an input's id" if out.id in inputs else "reserved for the result's columns"
            yield _error(doc, "bad-output-id", ("outputs", n, "id"), f"output id '{out.id}' is {why}")
    for n, rule in enumerate(table.rules):
        if not isinstance(rule.then, str):
            yield from _check_values(table, doc, ("rules", n, "then"), f"rule '{rule.id}'", rule.then)
    for n, outcome in enumerate(table.outcomes):
        if outcome.values is not None:
            yield from _check_values(table, doc, ("outcomes", n, "values"), f"outcome '{outcome.id}'", outcome.values)
        elif table.outputs:
            yield _error(
                doc,
                "missing-values",
                ("outcomes", n, "id"),
                f"outcome '{outcome.id}' has no values; in a table with outputs every outcome gives them",
            )
    if table.default is not None and not isinstance(table.default, str):
        yield from _check_values(table, doc, ("default",), "default", table.default)
    if table.outputs and POLICIES[table.hit_policy].by_priority:
        if not any(o.type == "choice" and o.options for o in table.outputs):
            yield _error(
                doc,
                "no-priority-output",
                ("hit_policy",),
                f"hit policy '{table.hit_policy}' ranks by the choice outputs' options, and no output is a choice with options",
            )
    if table.aggregate is not None:
        if not POLICIES[table.hit_policy].takes_aggregate:
            yield _error(
                doc, "bad-aggregate", ("aggregate",), f"aggregate '{table.aggregate}' needs hit_policy: collect"
            )
        elif len(table.outputs) != 1:
            yield _error(
                doc,
                "bad-aggregate",
                ("aggregate",),
                f"aggregate '{table.aggregate}' needs exactly one output (the table has {len(table.outputs)})",
            )
        elif table.aggregate != "count" and table.outputs[0].type not in vals.NUMERIC:
            yield _error(
                doc,
                "bad-aggregate",
                ("aggregate",),
                f"aggregate '{table.aggregate}' needs a number or integer output, not {table.outputs[0].type}",
            )


def check_two_value_lists(table: Table, doc: Document) -> Iterator[Finding]:
    """``two-value-list``: a number, integer or date condition written as a YAML list of exactly two
    bare values (``[1, 2]``) is those two values, any of (``"!= N"``, lists and ``{not: ...}``,
    issue 19), yet reads like the interval ``"[1, 2]"``: a warning naming both readings. Quoting the
    interval, or writing the values as conditions (``["== 1", "== 2"]``), says which is meant; a
    list with a condition string in it is never one. Bad cells are
    ``check_conditions``' business: skipped here."""
    kinds = {i.id: i.type for i in table.inputs}
    for n, rule in enumerate(table.rules):
        for key, raw in (rule.when or {}).items():
            kind = kinds.get(key)
            if kind not in ("integer", "number", "date") or not isinstance(raw, tuple) or len(raw) != 2:
                continue
            if not all(_bare_value(kind, v) for v in raw) or isinstance(cond.parse(kind, raw), str):
                continue
            a, b = (cond.text_of(v) for v in raw)
            line, column = doc.position(("rules", n, "when", key))
            yield Finding(
                "two-value-list",
                "warning",
                f"rule '{rule.id}', {key}: [{a}, {b}] is a list of two values ({a} or {b}), not an interval; "
                f'if every value from {a} to {b} was meant, quote it: "[{a}, {b}]" (two values: ["== {a}", "== {b}"])',
                doc.file,
                line,
                column,
                rules=(rule.id,),
            )


def _bare_value(kind: str, value: Any) -> bool:
    """A list member that is one value, not a condition: a number, or a date for a date input."""
    if kind == "date":
        return isinstance(value, str) and dates.parse_date(value) is not None
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


CHECKS = (
    check_duplicate_ids,
    check_bounds,
    check_outcome_references,
    check_outputs,
    check_conditions,
    check_examples,
    check_unused,
    check_two_value_lists,
    check_translations,
)
