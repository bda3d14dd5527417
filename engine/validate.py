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

from . import conditions as cond
from .answers import parse_answers
from .compiler import input_spec
from .errors import AnswerError
from .findings import Finding
from .loader import Document
from .model import PinnedExpect, Table
from .schema import schema_findings, where


def validate(doc: Document) -> tuple[Table | None, list[Finding]]:
    """The typed table (None when structurally invalid) and every finding."""
    try:
        table = Table.model_validate(doc.data)
    except ValidationError as exc:
        findings = schema_findings(doc)
        return None, findings or _pydantic_findings(exc, doc)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(table, doc))
    return table, findings


def _pydantic_findings(exc: ValidationError, doc: Document) -> list[Finding]:
    # Safety net only: the agreement test keeps the schema reporting whatever the models reject.
    out = []
    for err in exc.errors():
        path = tuple(p for p in err["loc"] if isinstance(p, (str, int)) and p not in ("choice", "boolean", "integer", "number"))
        line, column = doc.position(path)
        out.append(Finding("schema", "error", f"{where(path) or 'table'}: {err['msg']}", doc.file, line, column))
    return out


def _error(doc: Document, code: str, path: tuple[Any, ...], message: str, *, key: bool = False, rules: tuple[str, ...] = ()) -> Finding:
    line, column = doc.position(path, key=key)
    return Finding(code, "error", message, doc.file, line, column, rules)


def _duplicates(ids: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield index, value
        seen.add(value)


def check_duplicate_ids(table: Table, doc: Document) -> Iterator[Finding]:
    groups = [
        (("inputs",), "input", [i.id for i in table.inputs]),
        (("outcomes",), "outcome", [o.id for o in table.outcomes]),
        (("rules",), "rule", [r.id for r in table.rules]),
    ]
    for n, spec in enumerate(table.inputs):
        if spec.type == "choice":
            groups.append((("inputs", n, "options"), f"option of input '{spec.id}'", [o.id for o in spec.options]))
    for base, what, ids in groups:
        for index, value in _duplicates(ids):
            yield _error(doc, "duplicate-id", base + (index, "id"), f"duplicate {what} id '{value}'")


def check_bounds(table: Table, doc: Document) -> Iterator[Finding]:
    for n, spec in enumerate(table.inputs):
        lo, hi = getattr(spec, "minimum", None), getattr(spec, "maximum", None)
        for name, value in (("minimum", lo), ("maximum", hi)):
            if isinstance(value, Decimal) and not value.is_finite():
                yield _error(doc, "bad-bounds", ("inputs", n, name), f"input '{spec.id}': {name} must be a finite number")
        if lo is not None and hi is not None and _finite(lo) and _finite(hi) and lo > hi:
            yield _error(doc, "bad-bounds", ("inputs", n, "maximum"), f"input '{spec.id}': minimum {lo} is greater than maximum {hi}")


def _finite(value: Any) -> bool:
    return not isinstance(value, Decimal) or value.is_finite()


def check_outcome_references(table: Table, doc: Document) -> Iterator[Finding]:
    outcomes = [o.id for o in table.outcomes]
    listing = ", ".join(outcomes)
    if table.default is not None and table.default not in outcomes:
        yield _error(doc, "unknown-outcome", ("default",), f"default '{table.default}' is not an outcome (outcomes: {listing})")
    for n, rule in enumerate(table.rules):
        if rule.then not in outcomes:
            yield _error(doc, "unknown-outcome", ("rules", n, "then"), f"rule '{rule.id}': then '{rule.then}' is not an outcome (outcomes: {listing})", rules=(rule.id,))


def check_conditions(table: Table, doc: Document) -> Iterator[Finding]:
    inputs = {i.id: i for i in table.inputs}
    for n, rule in enumerate(table.rules):
        for key, raw in (rule.when or {}).items():
            path = ("rules", n, "when", key)
            spec = inputs.get(key)
            if spec is None:
                yield _error(doc, "unknown-input", path, f"rule '{rule.id}': '{key}' is not an input (inputs: {', '.join(inputs)})", key=True, rules=(rule.id,))
                continue
            options = tuple(o.id for o in spec.options) if spec.type == "choice" else ()
            parsed = cond.parse(spec.type, raw, options)
            if isinstance(parsed, str):
                code = "unknown-option" if parsed.startswith("unknown option") else "bad-condition"
                yield _error(doc, code, path, f"rule '{rule.id}', {key}: {parsed}", rules=(rule.id,))


def check_examples(table: Table, doc: Document) -> Iterator[Finding]:
    specs = {i.id: input_spec(i) for i in table.inputs}
    outcomes = {o.id for o in table.outcomes}
    rules = {r.id: r for r in table.rules}
    collect = table.hit_policy == "collect"
    for n, example in enumerate(table.examples):
        base = ("examples", n)
        for key, value in example.answers.items():
            try:
                parse_answers(specs, {key: value})
            except AnswerError as exc:
                path = base + ("answers", key)
                yield _error(doc, "bad-example", path, f"examples[{n}]: {exc}", key=key not in specs)
        expect = example.expect
        at = base + ("expect",)
        if isinstance(expect, PinnedExpect):
            if expect.outcome not in outcomes:
                yield _error(doc, "unknown-outcome", at + ("outcome",), f"examples[{n}]: expected outcome '{expect.outcome}' is not an outcome")
            if expect.rule not in rules:
                yield _error(doc, "bad-example", at + ("rule",), f"examples[{n}]: expected rule '{expect.rule}' is not a rule")
            elif rules[expect.rule].then != expect.outcome:
                yield _error(doc, "bad-example", at + ("rule",), f"examples[{n}]: rule '{expect.rule}' leads to '{rules[expect.rule].then}', not '{expect.outcome}'")
            if collect:
                yield _error(doc, "bad-example", at, f"examples[{n}]: a collect table expects a list of outcome ids")
        elif isinstance(expect, tuple):
            if not collect:
                yield _error(doc, "bad-example", at, f"examples[{n}]: a list of outcomes is only for collect tables; expect one outcome id")
            for k, value in enumerate(expect):
                if value not in outcomes:
                    yield _error(doc, "unknown-outcome", at + (k,), f"examples[{n}]: expected outcome '{value}' is not an outcome")
        elif expect != "undecided":
            if expect not in outcomes:
                yield _error(doc, "unknown-outcome", at, f"examples[{n}]: expected outcome '{expect}' is not an outcome")
            elif collect:
                yield _error(doc, "bad-example", at, f"examples[{n}]: a collect table expects a list of outcome ids, e.g. [{expect}]")


def check_unused(table: Table, doc: Document) -> Iterator[Finding]:
    used_inputs = Counter(k for r in table.rules for k in (r.when or {}))
    for n, spec in enumerate(table.inputs):
        if not used_inputs[spec.id]:
            line, column = doc.position(("inputs", n, "id"))
            yield Finding("unused-input", "warning", f"input '{spec.id}' is asked but no rule conditions on it", doc.file, line, column)
    used = {r.then for r in table.rules} | ({table.default} if table.default else set())
    for n, outcome in enumerate(table.outcomes):
        if outcome.id not in used:
            line, column = doc.position(("outcomes", n, "id"))
            yield Finding("unused-outcome", "warning", f"outcome '{outcome.id}' is never the result: no rule or default yields it", doc.file, line, column)


CHECKS = (
    check_duplicate_ids,
    check_bounds,
    check_outcome_references,
    check_conditions,
    check_examples,
    check_unused,
)
