"""Shared by the SQL tests: the parity reference, the rows to try, and tables to try them on.

A data row is text cells (``None`` for NULL / an empty CSV cell). ``expected``
reads each cell the way the README says files are read — as a JSON string
answer (``answers.parse_value``), in table order so that the first bad input is
the one named — and evaluates with the engine. ``cells`` gives, per input, the
text values worth trying: every equivalence class of the table (the oracle's
representatives), the same numbers written differently, values on and beyond
the bounds, malformed ones and NULL; ``rows`` puts them in rows, and
``table_and_rows`` draws a random valid table with its rows. ``INJECTION`` is
a table whose option ids try to be SQL; ``INJECTION_STRINGS`` one whose string
conditions do. ``require`` skips a test module
without its optional dependency, or fails it under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import compile_yaml
from crossroads.engine.table.answers import parse_value
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.errors import AnswerError, HitPolicyViolation
from crossroads.engine.decision.evaluate import DECIDED, evaluate
from crossroads.engine.table.policies import policy_of
from hypothesis import strategies as st
from oracle import InputInfo, Oracle
from strategies import tables as generated_tables

Row = Mapping[str, "str | None"]


def require(module: str, what: str) -> Any:
    """Import ``module`` or skip with the reason (fail under ``CI=true``: CI must run these tests)."""
    try:
        return __import__(module)
    except ImportError:
        reason = f"{module} is not installed ({what})"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; CI must run these tests")
    pytest.skip(reason, allow_module_level=True)


def require_java() -> None:
    if shutil.which("java") is None:
        reason = "no java on PATH (PySpark needs Java 17: openjdk-17-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run these tests")
        pytest.skip(reason, allow_module_level=True)


def expected(table: CompiledTable, row: Row) -> tuple[Any, ...]:
    """(outcome, rule, error, then one value per output) as the SQL must give them; an input error
    as ``"<input>:"`` (its prefix).

    Single-hit policies: the engine's ``outcome`` and ``rule`` and each output's value (None
    without a decision). ``collect`` and ``output-order``: ``rule`` the matching rows in the
    policy's order (the engine's own order: checked against its ``outcomes``/``values``),
    ``outcome`` their outcome ids (None for a row giving values inline), each output the list
    of its values; with no match the default's one item (``rule`` empty). An aggregate:
    ``outcome`` None, ``rule`` the matching rows in table order, its output the number.
    """
    nothing = (None,) * len(table.outputs)
    answers = {}
    for spec in table.inputs:
        try:
            answers[spec.id] = parse_value(spec, row[spec.id])
        except AnswerError:
            return None, None, f"{spec.id}:", *nothing
    try:
        result = evaluate(table, answers)
    except HitPolicyViolation as exc:
        return None, None, str(exc), *nothing
    policy = policy_of(table)
    if policy.folds:  # an aggregate: the number, keyed by the one output
        total = None if result.values is None else result.values[table.outputs[0].id]
        return None, [rule for rule, _ in result.matches], None, total
    if policy.collects:
        ordered = ranked(table, [rule for rule, _ in result.matches])
        then = [table.rules[n].then for n in ordered]
        if table.outputs:
            assert [dict(table.results[t].values) for t in then] == list(result.values or ())[: len(then)]
        else:
            assert [table.outcomes[t].id for t in then] == list(result.outcomes)[: len(then)]
        outcomes: list[str | None] = [outcome_id(table, t) for t in then]
        if not ordered and result.status == DECIDED:  # the default stands in
            assert table.default is not None
            outcomes = [outcome_id(table, table.default)]
        lists = [[m[o.id] for m in result.values or ()] for o in table.outputs]
        return outcomes, [table.rules[n].id for n in ordered], None, *lists
    values = tuple(None if result.values is None else result.values[o.id] for o in table.outputs)
    return result.outcome, result.rule, None, *values


def outcome_id(table: CompiledTable, result: int) -> str | None:
    """The outcome id of a result index (None: values given inline)."""
    return table.outcomes[result].id if result < len(table.outcomes) else None


def ranked(table: CompiledTable, rule_ids: Sequence[str]) -> list[int]:
    """The matching rows (by id, in table order) in the policy's order: ``output-order`` sorts them
    by priority class (``CompiledTable.priority_rows``, else per outcome), keeping table order."""
    index = {r.id: n for n, r in enumerate(table.rules)}
    rows_ = [index[r] for r in rule_ids]
    if table.hit_policy != "output-order":
        return rows_
    classes = table.priority_rows or table.outcome_rows
    return sorted(rows_, key=lambda n: (next(c for c, mask in enumerate(classes) if mask >> n & 1), n))


def comparable(got: Sequence[Any], table: CompiledTable | None = None) -> tuple[Any, ...]:
    """A SQL result row with an input error cut to its ``"<input>:"`` prefix (the texts differ by design),
    arrays as lists and, given the ``table``, each output's value(s) as the engine holds them
    (``value``)."""
    outcome, rule, error, *values = got
    if isinstance(outcome, tuple):
        outcome = list(outcome)
    if isinstance(rule, tuple):
        rule = list(rule)
    if error is not None and not error.startswith("hit policy"):
        error = error.split(":", 1)[0] + ":"
    if table is not None:
        folds = policy_of(table).folds  # an aggregate is a number, whatever its output's type (count)
        values = [
            [value(spec.type, v) for v in cell]
            if isinstance(cell, (list, tuple))
            else value("number" if folds else spec.type, cell)
            for spec, cell in zip(table.outputs, values)
        ]
    return outcome, rule, error, *values


def value(output_type: str, got: Any) -> Any:
    """An output value from a database as the engine's canonical value: exact numbers (a SQLite
    double by its shortest text), booleans (SQLite's 0/1), dates as ``YYYY-MM-DD`` text."""
    if got is None:
        return None
    if output_type in ("number", "integer"):
        assert not isinstance(got, bool), got
        n = Decimal(repr(got)) if isinstance(got, float) else Decimal(got)
        return int(n) if n == n.to_integral_value() else n
    if output_type == "boolean":
        assert got in (0, 1), got
        return bool(got)
    if isinstance(got, date):
        return got.isoformat()
    assert isinstance(got, str), got
    return got


def text(n: Any) -> str:
    if isinstance(n, date):
        return n.isoformat()
    return str(n) if isinstance(n, int) else format(Decimal(n), "f")


def valid_cells(spec: InputInfo, oracle: Oracle) -> list[str]:
    """One text per equivalence class of the input (its domain only)."""
    if spec.type == "choice":
        return list(spec.options)
    if spec.type == "boolean":
        return ["true", "false"]
    if spec.type == "string":  # every named string and one nobody names
        return list(oracle.representatives(spec))
    return [text(v) for v in oracle.representatives(spec)]


def cells(spec: InputInfo, oracle: Oracle) -> list[str | None]:
    """Every cell worth trying for one input: valid, rewritten, boundary, invalid, NULL."""
    valid = valid_cells(spec, oracle)
    out: list[str | None] = [*valid, None, ""]
    if spec.type == "choice":
        out += ["nope", *(o.upper() for o in spec.options), spec.options[0] + " "]
    elif spec.type == "boolean":
        out += ["TRUE", " False ", "yes", "1", "t"]
    elif spec.type == "string":  # case and spaces count; text that tries to be SQL is just text
        named = [v for v in valid[:-1] if v]
        out += [v.swapcase() for v in named] + [f" {v}" for v in named] + [f"{v} " for v in named]
        out += ["'; DROP TABLE x; --", "a\\'b", "\\", "ünï ✓", "%", "_"]
    elif spec.type == "date":  # bounds are day numbers (the oracle's); cells are texts
        out += [f" {v} " for v in valid]
        for bound, step in ((spec.minimum, -1), (spec.maximum, 1)):
            if bound is not None:
                out += [
                    date.fromordinal(b).isoformat() for b in (bound, bound + step) if 1 <= b <= date.max.toordinal()
                ]
        out += ["2025-1-5", "2025-02-30", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-01-01"]
        out += ["2025-04-31", "2025-13-01", "2025-01-05T00:00", "2025-01-05 00:00:00", "20250105", "2025/01/05"]
        out += ["2025-01-05\n", "\t2025-01-05", "+2025-01-05", "abc"]
    else:
        numbers = [Decimal(v) for v in valid]
        for n in numbers:
            out += [f"+{text(n)}", f" {text(n)} ", f"0{text(abs(n))}" if n >= 0 else f"-0{text(abs(n))}"]
            if spec.type == "number":
                out += [
                    f"{text(n)}0" if "." in text(n) else f"{text(n)}.0",
                    f"{text(n.scaleb(1))}e-1",
                    f"{text(n.scaleb(-2))}E+2",
                ]
            else:
                out += [f"{text(n)}.0", f"{text(n)}e0"]
        for bound, step in ((spec.minimum, -1), (spec.maximum, 1)):
            if bound is not None:
                out += [text(bound), text(Decimal(bound) + step), text(Decimal(bound) + step * Decimal("0.1"))]
        out += ["abc", "1.2.3", "e5", "--1", ".", "1e", "0x10", "1_000"]
    return out


def rows(
    table: CompiledTable, oracle: Oracle, drawn: Sequence[dict[str, str | None]] = ()
) -> list[dict[str, str | None]]:
    """Every class of valid answers (one row per distinct set of matching rows), then each input's
    every cell swapped into a valid row, then ``drawn`` rows (several bad cells at once)."""
    ids = [spec.id for spec in table.inputs]
    valid = [{i: text_or_bool(answers[i]) for i in ids} for answers in oracle.classes().values()]
    out = list(valid)
    for spec in oracle.inputs:
        for n, cell in enumerate(cells(spec, oracle)):
            out.append({**valid[n % len(valid)], spec.id: cell})
    return out + list(drawn)


def text_or_bool(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return value if isinstance(value, str) else text(value)  # a date: YYYY-MM-DD


@st.composite
def table_and_rows(draw: st.DrawFn, source: st.SearchStrategy[Any] | None = None) -> tuple[Any, list[dict[str, Any]]]:
    """A random valid table (``tests/strategies.py``; ``source``: another strategy of its
    ``GeneratedTable``, e.g. ``output_tables()``), compiled, with ``rows`` for it."""
    generated = draw(source if source is not None else generated_tables())
    table = compile_yaml(generated.text)
    oracle = Oracle(generated.data)
    choices = {spec.id: cells(spec, oracle) for spec in oracle.inputs}
    mixed = draw(st.lists(st.fixed_dictionaries({i: st.sampled_from(c) for i, c in choices.items()}), max_size=10))
    return table, rows(table, oracle, mixed)


# Option ids that try to be SQL, or need quoting in some dialect: a table built on them.
INJECTION_IDS = ["'; DROP TABLE x; --", "it's", 'say "hi"', "back\\slash", "a\\'b", "ünï ✓", "/* c */", "$$ $1 ?"]
INJECTION = f"""\
format: crossroads/1
id: injection
version: 1.0.0
title: Quotes
hit_policy: first
inputs:
  - id: pick
    prompt: Which?
    type: choice
    options: [{", ".join("{id: " + json.dumps(o, ensure_ascii=False) + "}" for o in INJECTION_IDS)}]
outcomes:
  - {{id: first, title: First}}
  - {{id: other, title: Other}}
rules:
  - {{id: r1, when: {{pick: {json.dumps(INJECTION_IDS[0])}}}, then: first}}
  - {{id: r2, when: {{pick: {{not: {json.dumps(INJECTION_IDS[0])}}}}}, then: other}}
"""


# The same strings as free text: a string input's conditions are SQL string literals too.
INJECTION_STRINGS = f"""\
format: crossroads/1
id: injection-strings
version: 1.0.0
title: Quotes
hit_policy: first
inputs:
  - {{id: pick, prompt: Which?, type: string}}
outcomes:
  - {{id: first, title: First}}
  - {{id: listed, title: Listed}}
  - {{id: other, title: Other}}
rules:
  - {{id: r1, when: {{pick: {json.dumps(INJECTION_IDS[0])}}}, then: first}}
  - {{id: r2, when: {{pick: {json.dumps(INJECTION_IDS[1:], ensure_ascii=False)}}}, then: listed}}
  - {{id: r3, when: {{pick: {{not: {json.dumps(INJECTION_IDS[:3])}}}}}, then: other}}
"""

# Dates on the edges: a leap day, the first and last day of the domain, a bound on each input.
DATE_TABLE = """\
format: crossroads/1
id: dates
version: 1.0.0
title: Dates
hit_policy: first
inputs:
  - {id: due, prompt: Due?, type: date}
  - {id: signed, prompt: Signed?, type: date, minimum: 2024-02-29, maximum: "9999-12-31"}
outcomes:
  - {id: early, title: Early}
  - {id: late, title: Late}
rules:
  - {id: r1, when: {due: "< 2024-03-01", signed: 2024-02-29}, then: early}
  - {id: r2, when: {due: "[2024-03-01, 2025-01-01)"}, then: late}
  - {id: r3, when: {due: "(2025-01-01, 9999-12-31]"}, then: early}
"""
