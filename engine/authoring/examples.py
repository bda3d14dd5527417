"""Run a table's examples, measure which rows they exercise, and write examples for the rest.

``crossroads test`` is to a table what ``opa test`` is to a policy: the
examples in the file are its tests. One definition of ``expect`` serves every
command (README, "Examples"):

* an outcome id: the answers decide that outcome;
* ``{outcome, rule}``: ... and that row is the deciding row;
* ``undecided``: the (partial) answers cannot decide yet;
* a list (``collect`` tables): the matching rows' outcomes, in table order.

A table with ``outputs`` expects values, compared exactly in their canonical
form (``values.check``: ``0.10`` equals ``0.1``):

* ``{values: {...}}``: the single-hit result's values (every output), with
  ``rule:`` to pin the deciding row; with ``aggregate``, ``{values: {<the one
  output>: <number>}}`` (``count`` too);
* a list of values mappings (``collect``, ``output-order``): the matches' values,
  in that policy's order;
* an outcome id or ``{outcome, rule}`` still name a single-hit result's outcome.

A row is *exercised* by an example when it is the deciding row of the
example's result (for ``collect``: every matching row of a decided result),
whether or not the example passed. Coverage is the share of *reachable* rows
(rows that decide some answer set, from the row analysis) that some example
exercises; an unreachable row can never be covered and is listed apart, since
lint reports it anyway. ``missing_examples`` writes one example per uncovered
reachable row from the analysis' witness: a complete answer set that row
decides. Everything here is pure; the CLI prints and writes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.answers import to_json as answer_json
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.table.conditions import format_number
from crossroads.engine.errors import CrossroadsError
from crossroads.engine.decision.evaluate import DECIDED, NO_MATCH, UNDECIDED, Result, evaluate
from crossroads.engine.table.loader import Document
from crossroads.engine.table import values as vals
from crossroads.engine.table.policies import policy_of

if TYPE_CHECKING:  # pydantic stays off the import path of the other commands (cli.main imports every command)
    from crossroads.engine.table.model import Table


@dataclass(frozen=True, slots=True)
class ExampleRun:
    """One example: what it asked, what it expected, what came, and which rows it exercised."""

    index: int
    name: str | None
    line: int | None
    answers: Mapping[str, Any]  # parsed
    expect: Any  # normalized: an outcome id, "undecided", a list, {"outcome", "rule"} or {"values"[, "rule"]}
    result: Result | None  # None when evaluation failed (``error``)
    error: str | None
    passed: bool
    exercised: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"examples[{self.index}]" + (f" {self.name!r}" if self.name else "")


@dataclass(frozen=True, slots=True)
class Coverage:
    """Rows exercised, of the rows that can decide something (reachable)."""

    rows: tuple[str, ...]  # every row, table order
    reachable: tuple[str, ...]
    covered: tuple[str, ...]  # reachable and exercised
    uncovered: tuple[str, ...]  # reachable, exercised by no example
    unreachable: tuple[str, ...]
    complete: bool = True  # False: the analysis ran out of time, every row counted as reachable
    conflicting: tuple[str, ...] = ()  # rows that match answers but always conflict (lint's conflict): never coverable

    @property
    def percent(self) -> float:
        """100 when there is nothing to cover."""
        return 100.0 * len(self.covered) / len(self.reachable) if self.reachable else 100.0


def normalized_expect(expect: Any) -> Any:
    """The model's ``expect`` as plain data (what JSON output and messages show)."""
    from crossroads.engine.table.model import PinnedExpect, ValuesExpect

    if isinstance(expect, PinnedExpect):
        return {"outcome": expect.outcome, "rule": expect.rule}
    if isinstance(expect, ValuesExpect):
        return {"values": dict(expect.values)} | ({"rule": expect.rule} if expect.rule is not None else {})
    if isinstance(expect, tuple):
        return [dict(e) if isinstance(e, Mapping) else e for e in expect]
    return expect


def expected_values(compiled: CompiledTable, raw: Any) -> dict[str, vals.Value] | None:
    """An expected values mapping in canonical form (``values.check``, the one definition of a value),
    so that it compares with ``==`` to ``Result.values``; None when it is not one (lint's bad-example).

    Under an aggregate the one output holds a number of the aggregate's type: an integer for
    ``count`` (whatever the output's type), else the output's own."""
    if not isinstance(raw, Mapping):
        return None
    specs = {o.id: o for o in compiled.outputs}
    out: dict[str, vals.Value] = {}
    for key, value in raw.items():
        spec = specs.get(key)
        if spec is None:
            return None
        type_ = "integer" if compiled.aggregate == "count" else spec.type
        try:
            out[key] = vals.check(type_, () if compiled.aggregate else spec.option_ids, value)
        except vals.BadValue:
            return None
    return out


def run_examples(table: Table, compiled: CompiledTable, document: Document | None = None) -> tuple[ExampleRun, ...]:
    """Evaluate every example of a valid table (``compiled`` from the same table)."""
    runs = []
    for index, example in enumerate(table.examples):
        line = document.position(("examples", index))[0] if document is not None else None
        expect = normalized_expect(example.expect)
        try:
            answers = parse_answers(compiled.input_index, example.answers)
            result = evaluate(compiled, answers)
        except CrossroadsError as exc:  # a hit-policy violation for these answers: a failure
            runs.append(ExampleRun(index, example.name, line, dict(example.answers), expect, None, str(exc), False, ()))
            continue
        runs.append(
            ExampleRun(
                index,
                example.name,
                line,
                answers,
                expect,
                result,
                None,
                holds(expect, result, compiled),
                exercised(result, compiled),
            )
        )
    return tuple(runs)


def holds(expect: Any, result: Result, compiled: CompiledTable) -> bool:
    """Whether ``result`` is what ``expect`` (normalized) says."""
    collect = policy_of(compiled).collects
    if expect == UNDECIDED:
        return result.status == UNDECIDED
    if result.status != DECIDED:
        return False
    if compiled.outputs:
        return _holds_values(expect, result, compiled)
    if isinstance(expect, list):
        return collect and list(result.outcomes) == expect
    if isinstance(expect, dict):
        return not collect and result.outcome == expect["outcome"] and result.rule == expect["rule"]
    return not collect and result.outcome == expect


def _holds_values(expect: Any, result: Result, compiled: CompiledTable) -> bool:
    """``holds`` for a decided result of a table with outputs: values compared canonically."""
    listed = policy_of(compiled).collects and compiled.aggregate is None  # the result's values are a list
    if isinstance(expect, list):
        if not listed or len(expect) != len(result.values):
            return False
        return all(expected_values(compiled, e) == dict(got) for e, got in zip(expect, result.values))
    if isinstance(expect, dict) and "values" in expect:
        if listed or expected_values(compiled, expect["values"]) != dict(result.values):
            return False
        return "rule" not in expect or result.rule == expect["rule"]
    if listed or compiled.aggregate is not None:  # an outcome id names no list and no total
        return False
    if isinstance(expect, dict):
        return bool(result.outcome == expect["outcome"] and result.rule == expect["rule"])
    return bool(result.outcome == expect)


def exercised(result: Result, compiled: CompiledTable) -> tuple[str, ...]:
    """The rows a result exercises: its deciding row; for ``collect``, every matching row once decided."""
    if result.status != DECIDED:
        return ()
    if policy_of(compiled).collects:
        return tuple(rule for rule, _ in result.matches)
    return (result.rule,) if result.rule else ()


def coverage(
    compiled: CompiledTable,
    runs: tuple[ExampleRun, ...],
    witnesses: Mapping[str, Any],
    *,
    complete: bool = True,
    conflicting: Collection[str] = (),
) -> Coverage:
    """Coverage of the reachable rows: the keys of ``witnesses`` (``analysis.row_witnesses``).

    A row without a witness is unreachable, unless it is one of ``conflicting`` (rows in the
    analysis' conflicts): it matches answers, but each of them breaks the hit policy, so no
    example can exercise it — listed apart, as ``lint`` reports it, not as unreachable.
    When the analysis did not complete (``complete=False``) reachability is
    unknown, so every row counts as reachable: the percentage can only be too
    low, never flatter the table.
    """
    rows = tuple(r.id for r in compiled.rules)
    hit = {rule for run in runs for rule in run.exercised}
    reachable = tuple(r for r in rows if r in witnesses or r in hit or not complete)
    others = [r for r in rows if r not in reachable]
    return Coverage(
        rows,
        reachable,
        tuple(r for r in reachable if r in hit),
        tuple(r for r in reachable if r not in hit),
        tuple(r for r in others if r not in conflicting),
        complete,
        tuple(r for r in others if r in conflicting),
    )


def missing_examples(
    compiled: CompiledTable, cov: Coverage, witnesses: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One example per uncovered reachable row, from its witness, with the expectation it meets.

    Each is checked by evaluation before it is proposed: its result must be
    decided with that row exercised (a witness that does not is skipped, never
    written as a wrong example).
    """
    out = []
    for rule in cov.uncovered:
        if rule not in witnesses:
            continue
        answers = dict(witnesses[rule])
        try:
            result = evaluate(compiled, answers)
        except CrossroadsError:
            continue
        if result.status != DECIDED or rule not in exercised(result, compiled):
            continue
        expect: Any
        if compiled.outputs:  # by values, written as the canonical values (exact, as the table reads them)
            if compiled.aggregate is not None:
                expect = {"values": dict(result.values)}
            elif policy_of(compiled).collects:
                expect = [dict(m) for m in result.values]
            else:
                expect = {"values": dict(result.values), "rule": rule}
        elif policy_of(compiled).collects:
            expect = list(result.outcomes)
        else:
            expect = {"outcome": result.outcome, "rule": rule}
        out.append(
            {
                "answers": {k: _as_written(answers[k]) for k in (i.id for i in compiled.inputs) if k in answers},
                "expect": expect,
            }
        )
    return out


# ---------------------------------------------------------------- words for reports


def describe_expect(expect: Any) -> str:
    if isinstance(expect, dict) and "values" in expect:
        return _values_text(expect["values"]) + (f" by row {expect['rule']}" if "rule" in expect else "")
    if isinstance(expect, dict):
        return f"{expect['outcome']} by row {expect['rule']}"
    if isinstance(expect, list):
        return "[" + ", ".join(_values_text(e) if isinstance(e, Mapping) else str(e) for e in expect) + "]"
    return str(expect)


def _values_text(values: Mapping[str, Any]) -> str:
    """``{fee: 4.9, carrier: express}`` (``values.label``)."""
    return vals.label(tuple(values.items()))


def describe_result(run: ExampleRun, compiled: CompiledTable) -> str:
    """What came, in the words of ``describe_expect`` (plus what explains it)."""
    r = run.result
    if r is None:
        return f"error: {run.error}"
    if r.status == UNDECIDED:
        return (
            "undecided (still possible: "
            + ", ".join(p if isinstance(p, str) else _values_text(p) for p in r.possible)
            + ("; for some answers the hit policy breaks" if r.error_possible else "")
            + ")"
        )
    if r.status == NO_MATCH:
        return "no row matches, and the table has no default"
    if compiled.outputs:
        return _values_result(r, compiled)
    if policy_of(compiled).collects:
        return "[" + ", ".join(r.outcomes) + "]"
    if r.rule:
        return f"{r.outcome} by row {r.rule}"
    default = compiled.outcomes[compiled.default].id if compiled.default is not None else None
    if r.outcome == default and not r.matches:
        return f"{r.outcome} (the default: no row matches)"
    return str(r.outcome)


def _values_result(r: Result, compiled: CompiledTable) -> str:
    """A decided result of a table with outputs, in ``describe_expect``'s words."""
    if isinstance(r.values, tuple):
        return "[" + ", ".join(_values_text(m) for m in r.values) + "]"
    text = _values_text(r.values) if r.outcome is None else f"{r.outcome} {_values_text(r.values)}"
    if compiled.aggregate is not None:
        return text
    if r.rule:
        return f"{text} by row {r.rule}"
    return f"{text} (the default: no row matches)"


def _as_written(value: Any) -> Any:
    """A parsed answer as a table's data holds it: a date as its ``YYYY-MM-DD`` text, the rest as is."""
    return value.isoformat() if isinstance(value, date) else value


def describe_answers(answers: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_answer_text(v)}" for k, v in answers.items()) or "(none)"


def _answer_text(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return format_number(value)
    return _as_written(value) if isinstance(value, date) else str(value)


def run_json(run: ExampleRun, compiled: CompiledTable) -> dict[str, Any]:
    r = run.result
    return {
        "index": run.index,
        "name": run.name,
        "line": run.line,
        "answers": {k: answer_json(v) for k, v in run.answers.items()},
        "expect": _json_data(run.expect),
        "passed": run.passed,
        "result": None
        if r is None
        else {
            "status": r.status,
            "outcome": r.outcome,
            "outcomes": list(r.outcomes),
            "values": r.to_json()["values"],
            "rule": r.rule,
        },
        "error": run.error,
        "exercised": list(run.exercised),
        "expected_text": describe_expect(run.expect),
        "got_text": describe_result(run, compiled),
    }


def _json_data(data: Any) -> Any:
    """An expect as JSON: numbers as the CLI writes answers (an exact decimal a float cannot hold stays a string)."""
    if isinstance(data, Mapping):
        return {k: _json_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_data(v) for v in data]
    return answer_json(data)


def coverage_json(cov: Coverage) -> dict[str, Any]:
    return {
        "rows": len(cov.rows),
        "reachable": len(cov.reachable),
        "covered": len(cov.covered),
        "percent": round(cov.percent, 2),
        "uncovered": list(cov.uncovered),
        "unreachable": list(cov.unreachable),
        "conflicting": list(cov.conflicting),
        "complete": cov.complete,
    }
