"""Evaluate answers against a compiled table, complete or partial.

``decide`` is the hot path (complete answers: one mask lookup per input, a few
integer operations, a small NamedTuple out). ``evaluate`` builds the full,
immutable ``Result`` the CLI and JSON output show.

The hit policies themselves live in ``engine/table/policies.py``. Partial answers are
normal: the exact search (``partial.completions``) decides them; past its
budget, ``definite`` (rows that match whatever the missing answers are) and
``possible`` (rows that match for at least one completion; ``policies.row_masks``)
give the policy's sound bounds (``HitPolicy.bounds``). Where those cannot prove
one result (e.g. whether the rows cover every completion), the result stays
``undecided``: ``possible`` is a sound over-approximation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple

from crossroads.engine.errors import AnswerError, HitPolicyViolation
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.answers import to_json as answer_json
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.table import values as vals
from crossroads.engine.table.policies import (
    DECIDED,
    ERROR,
    NO_MATCH,
    UNDECIDED,
    VARIES,
    Status,
    Total,
    bits,
    policy_of,
    result_of,
    row_masks,
    violation,
)

__all__ = [
    "DECIDED",
    "NO_MATCH",
    "UNDECIDED",
    "Decision",
    "ValuesDecision",
    "Result",
    "TableRef",
    "decide",
    "dumps",
    "evaluate",
    "evaluate_or_error",
    "row_masks",
    "RESULT_FIELDS",
]

RESULT_FIELDS: tuple[str, ...] = (
    "status",
    "outcome",
    "outcomes",
    "values",
    "matches",
    "rule",
    "because",
    "conditions",
    "answers",
    "missing",
    "possible",
    "exact",
    "error_possible",
    "table",
)
"""The fields of the result JSON (``Result.to_json``), in its order: what ``batch --fields`` selects from
(``tests/test_jsonlines.py`` holds them equal to ``to_json``'s keys)."""

_MISSING = object()


class Decision(NamedTuple):
    """``decide``'s answer, in ``Result``'s terms: ``outcome`` is None under ``collect`` (as in
    ``Result``), ``outcomes`` every outcome decided (the matches' in table order under ``collect``,
    else the one outcome; the default's when no row matches). A table with outputs gets a
    ``ValuesDecision`` instead (the same four fields, then ``values``): a table without outputs
    keeps today's four-tuple, whose ``values`` is None."""

    status: Status
    outcome: str | None
    rule: str | None
    outcomes: tuple[str, ...] = ()

    @property
    def values(self) -> Any:
        return None


class ValuesDecision(NamedTuple):
    """``decide``'s answer for a table with outputs: ``Decision``'s fields, then ``values`` as ``Result.values``."""

    status: Status
    outcome: str | None
    rule: str | None
    outcomes: tuple[str, ...] = ()
    values: Any = None


def decide(table: CompiledTable, answers: Mapping[str, Any]) -> Decision | ValuesDecision:
    """The decision for complete answers (already parsed); partial ones go the full way.

    The hot path: the hit policies' ``result`` (``engine/table/policies.py``) inlined, a
    few integer operations instead of method calls; ``tests/test_policies.py``
    proves it equal to the policy module, violations included.
    """
    mask = table.all_rows
    for column in table.columns:
        value = answers.get(column.input, _MISSING)
        if value is _MISSING:
            r = evaluate(table, answers)
            if table.outputs:
                return ValuesDecision(r.status, r.outcome, r.rule, r.outcomes, r.values)
            return Decision(r.status, r.outcome, r.rule, r.outcomes)
        mask &= column.lookup(value)
    if table.outputs:  # values: the policy module itself (a table with outputs is off the inlined path)
        return _decide_values(table, mask)
    if not mask:
        if table.default is None:
            return Decision(NO_MATCH, None, None)
        default = table.outcomes[table.default].id
        return Decision(DECIDED, None if table.hit_policy == "collect" else default, None, (default,))
    policy = table.hit_policy
    rules = table.rules
    if policy == "first":
        row = rules[(mask & -mask).bit_length() - 1]
    elif policy == "unique":
        if mask & (mask - 1):
            raise violation(table, mask)  # type: ignore[misc]
        row = rules[mask.bit_length() - 1]
    elif policy == "priority":
        for rows in table.outcome_rows:
            hit = mask & rows
            if hit:
                row = rules[(hit & -hit).bit_length() - 1]
                break
    elif policy == "any":
        row = rules[(mask & -mask).bit_length() - 1]
        if mask & ~table.outcome_rows[row.then]:
            raise violation(table, mask)  # type: ignore[misc]
    else:  # collect
        ids = table.outcomes
        return Decision(DECIDED, None, None, tuple(ids[rules[r].then].id for r in bits(mask)))
    outcome = table.outcomes[row.then].id
    return Decision(DECIDED, outcome, row.id, (outcome,))


def _decide_values(table: CompiledTable, mask: int) -> ValuesDecision:
    error = violation(table, mask)
    if error is not None:
        raise error
    result, row = result_of(table, mask)
    if result == NO_MATCH:
        return ValuesDecision(NO_MATCH, None, None)
    outcome, outcomes, values = present(table, result)
    return ValuesDecision(DECIDED, outcome, table.rules[row].id if row is not None else None, outcomes, values)


def present(table: CompiledTable, result: Any) -> tuple[str | None, tuple[str, ...], Any]:
    """(outcome, outcomes, values) of a decided policy result, as ``Result`` shows them: an outcome
    id only for a named outcome (None for values given inline, under collect, output-order and
    aggregates); ``outcomes`` the named ones; ``values`` None in a table without outputs."""
    n = len(table.outcomes)
    if isinstance(result, Total):
        return None, (), {table.outputs[0].id: result.value}
    if isinstance(result, tuple):
        ids = tuple(table.outcomes[r].id for r in result if r < n)
        shown = tuple(dict(table.results[r].values) for r in result) if table.outputs else None
        return None, ids, shown
    if result >= n:
        return None, (), dict(table.results[result].values)
    outcome = table.outcomes[result].id
    return outcome, (outcome,), (dict(table.results[result].values) if table.outputs else None)


def _possible(table: CompiledTable, reachable: set[Any]) -> tuple[Any, ...]:
    """``possible``: outcome ids without outputs (as before); with outputs, each result as ``values`` shows it."""
    if not table.outputs:
        return tuple(table.outcomes[o].id for o in sorted(reachable))
    totals = sorted(r.value for r in reachable if isinstance(r, Total))
    if totals:
        return tuple({table.outputs[0].id: v} for v in totals)
    return tuple(dict(table.results[o].values) for o in sorted(r for r in reachable if not isinstance(r, Total)))


def _values_json(values: Any) -> Any:
    if values is None:
        return None
    if isinstance(values, tuple):
        return [{k: vals.to_json(v) for k, v in m.items()} for m in values]
    return {k: vals.to_json(v) for k, v in values.items()}


def _outcome_id(table: CompiledTable, index: int) -> str | None:
    return table.outcomes[index].id if index < len(table.outcomes) else None


@dataclass(frozen=True, slots=True)
class TableRef:
    """Which table (and version) a result comes from."""

    id: str
    version: str


@dataclass(frozen=True, slots=True)
class Result:
    """Everything ``evaluate --format json`` shows (see the README for each field); ``to_json`` is
    that object, the one definition the CLI, ``batch`` and the Python API share."""

    status: Status
    outcome: str | None
    outcomes: tuple[str, ...]
    matches: tuple[tuple[str, str | None], ...]  # (rule id, outcome id: None for values inline), table order
    rule: str | None
    because: str | None
    conditions: tuple[tuple[str, str, Any], ...]  # (input id, condition text, answer)
    answers: Mapping[str, Any]
    missing: tuple[str, ...]
    possible: tuple[Any, ...]  # outcome ids; in a table with outputs, mappings as ``values`` shows them
    table: TableRef
    exact: bool = True  # False: the partial-answer search ran past its budget; status and possible are bounds
    error_possible: bool = False  # some completion breaks the hit policy (proven: exact results only)
    # A table with outputs: the decided values (a mapping; a tuple of mappings under collect and
    # output-order; {output: number} for an aggregate); None while undecided, with no match, or
    # in a table without outputs. ``possible`` then holds mappings too.
    values: Any = None

    def to_json(self) -> dict[str, Any]:
        """The JSON result: answers as the CLI writes them (an exact decimal a float cannot hold
        stays a string), ``table`` last."""
        return {
            "status": self.status,
            "outcome": self.outcome,
            "outcomes": list(self.outcomes),
            "values": _values_json(self.values),
            "matches": [{"rule": r, "outcome": o} for r, o in self.matches],
            "rule": self.rule,
            "because": self.because,
            "conditions": [{"input": i, "condition": c, "answer": answer_json(a)} for i, c, a in self.conditions],
            "answers": {k: answer_json(v) for k, v in self.answers.items()},
            "missing": list(self.missing),
            "possible": [p if isinstance(p, str) else _values_json(p) for p in self.possible],
            "exact": self.exact,
            "error_possible": self.error_possible,
            "table": {"id": self.table.id, "version": self.table.version},
        }


def dumps(obj: Any) -> str:
    """A JSON value on one line as the result contract writes it (``evaluate --format json``, each
    ``batch`` line): non-ASCII text kept as is. Pass ``Result.to_json()`` or a batch error object."""
    return json.dumps(obj, ensure_ascii=False)


def evaluate_or_error(table: CompiledTable, raw: Mapping[str, object]) -> Result | AnswerError | HitPolicyViolation:
    """One answer set from data (a ``batch`` line, an item of ``Table.evaluate_many``): parsed by
    ``answers.parse_answers`` and evaluated. Its error comes back as the value instead of being
    raised, so that one bad set never stops the sets after it."""
    try:
        return evaluate(table, parse_answers(table.input_index, raw))
    except (AnswerError, HitPolicyViolation) as exc:
        return exc


def evaluate(table: CompiledTable, answers: Mapping[str, Any]) -> Result:
    """Evaluate parsed answers (see ``answers.parse_answers``); may raise ``HitPolicyViolation``.

    With answers missing, the result is exact (``partial.completions``) unless
    that search runs past its budget; then it is the sound over-approximation
    below and ``exact`` is False.
    """
    definite, possible, missing = row_masks(table, answers)
    error = violation(table, definite)  # rows matching every completion already break the policy
    if error is not None:
        raise error
    if missing:
        from crossroads.engine.decision.partial import (
            completions,
        )  # the region search: only partial answers pay for its import

        found = completions(table, answers)
        if found is not None:
            return _exact(table, answers, definite, missing, found)
    return _approximate(table, answers, definite, possible, missing)


def _exact(
    table: CompiledTable, answers: Mapping[str, Any], definite: int, missing: tuple[str, ...], found: Any
) -> Result:
    results = found.results
    collect = policy_of(table).collects
    status: Status = UNDECIDED
    outcome: str | None = None
    outs: tuple[str, ...] = ()
    shown: Any = None
    if results == {NO_MATCH}:  # the result NO_MATCH is this very status
        status = NO_MATCH
    elif len(results) == 1 and ERROR not in results:
        status = DECIDED
        (only,) = results
        outcome, outs, shown = present(table, only)
    reachable: set[Any] = set()
    for r in results:
        if isinstance(r, tuple):
            reachable.update(r)
        elif r not in (ERROR, NO_MATCH):
            reachable.add(r)
    rule = None
    if status == DECIDED and not collect and found.row not in (None, VARIES):
        rule = table.rules[found.row]
    answer_of = dict(answers)
    return Result(
        status=status,
        outcome=outcome,
        outcomes=outs,
        matches=tuple((table.rules[r].id, _outcome_id(table, table.rules[r].then)) for r in bits(definite)),
        rule=rule.id if rule else None,
        because=rule.because if rule else None,
        conditions=tuple((i, text, answer_of.get(i)) for i, text in rule.conditions) if rule else (),
        answers=answer_of,
        missing=missing,
        possible=_possible(table, reachable),
        table=TableRef(table.id, table.version),
        exact=True,
        error_possible=ERROR in results,
        values=shown,
    )


def _approximate(
    table: CompiledTable, answers: Mapping[str, Any], definite: int, possible: int, missing: tuple[str, ...]
) -> Result:
    """Bounds from the rows matching every / some completion (``HitPolicy.bounds``): sound, not
    always decisive; exact for complete answers (then ``definite == possible``)."""
    outcome_of = [r.then for r in table.rules]
    collect = policy_of(table).collects

    status: Status = UNDECIDED
    row = None
    result: Any = None
    if possible:
        bound = policy_of(table).bounds(table, definite, possible)
        candidates = bound.candidates
        if bound.result is not None:
            status, row, result = DECIDED, bound.row, bound.result
    else:  # nothing can match, whatever the missing answers are: the default stands in (result_of)
        result = result_of(table, 0)[0]
        status = NO_MATCH if result == NO_MATCH else DECIDED
        candidates = 0

    reachable: set[Any] = {outcome_of[r] for r in bits(candidates)}
    if not definite:
        fallback = result_of(table, 0)[0]
        if fallback != NO_MATCH:
            reachable.update(fallback if isinstance(fallback, tuple) else (fallback,))
    outcome: str | None = None
    outs: tuple[str, ...] = ()
    shown: Any = None
    if status == DECIDED:
        outcome, outs, shown = present(table, result)
        reachable = set(result) if isinstance(result, tuple) else {result}
    elif table.aggregate is not None:
        reachable = set()  # an aggregate's reachable totals are not bounded by rows: none listed
    rule = table.rules[row] if row is not None and status == DECIDED and not collect else None
    answer_of = dict(answers)
    conditions = tuple((i, text, answer_of.get(i)) for i, text in rule.conditions) if rule else ()
    return Result(
        status=status,
        outcome=outcome,
        outcomes=outs,
        matches=tuple((table.rules[r].id, _outcome_id(table, outcome_of[r])) for r in bits(definite)),
        rule=rule.id if rule else None,
        because=rule.because if rule else None,
        conditions=conditions,
        answers=answer_of,
        missing=missing,
        possible=_possible(table, reachable),
        table=TableRef(table.id, table.version),
        exact=not missing,
        values=shown,
    )
