"""Run a table's examples, measure which rows they exercise, and write examples for the rest.

``crossroads test`` is to a table what ``opa test`` is to a policy: the
examples in the file are its tests. One definition of ``expect`` serves every
command (README, "Examples"):

* an outcome id: the answers decide that outcome;
* ``{outcome, rule}``: ... and that row is the deciding row;
* ``undecided``: the (partial) answers cannot decide yet;
* a list (``collect`` tables): the matching rows' outcomes, in table order.

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
    expect: Any  # as written: an outcome id, "undecided", a tuple of ids, or {"outcome", "rule"}
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
    from crossroads.engine.table.model import PinnedExpect

    if isinstance(expect, PinnedExpect):
        return {"outcome": expect.outcome, "rule": expect.rule}
    if isinstance(expect, tuple):
        return list(expect)
    return expect


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
    if isinstance(expect, list):
        return collect and list(result.outcomes) == expect
    if isinstance(expect, dict):
        return not collect and result.outcome == expect["outcome"] and result.rule == expect["rule"]
    return not collect and result.outcome == expect


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
        if policy_of(compiled).collects:
            expect: Any = list(result.outcomes)
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
    if isinstance(expect, dict):
        return f"{expect['outcome']} by row {expect['rule']}"
    if isinstance(expect, list):
        return "[" + ", ".join(expect) + "]"
    return str(expect)


def describe_result(run: ExampleRun, compiled: CompiledTable) -> str:
    """What came, in the words of ``describe_expect`` (plus what explains it)."""
    r = run.result
    if r is None:
        return f"error: {run.error}"
    if r.status == UNDECIDED:
        return (
            "undecided (still possible: "
            + ", ".join(r.possible)
            + ("; for some answers the hit policy breaks" if r.error_possible else "")
            + ")"
        )
    if r.status == NO_MATCH:
        return "no row matches, and the table has no default"
    if policy_of(compiled).collects:
        return "[" + ", ".join(r.outcomes) + "]"
    if r.rule:
        return f"{r.outcome} by row {r.rule}"
    default = compiled.outcomes[compiled.default].id if compiled.default is not None else None
    if r.outcome == default and not r.matches:
        return f"{r.outcome} (the default: no row matches)"
    return str(r.outcome)


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
        "expect": run.expect,
        "passed": run.passed,
        "result": None
        if r is None
        else {"status": r.status, "outcome": r.outcome, "outcomes": list(r.outcomes), "rule": r.rule},
        "error": run.error,
        "exercised": list(run.exercised),
        "expected_text": describe_expect(run.expect),
        "got_text": describe_result(run, compiled),
    }


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
