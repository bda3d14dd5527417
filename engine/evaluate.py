"""Evaluate answers against a compiled table, complete or partial.

``decide`` is the hot path (complete answers: one mask lookup per input, a few
integer operations, a small NamedTuple out). ``evaluate`` builds the full,
immutable ``Result`` the CLI and JSON output show.

Partial answers are normal. For every unanswered input a row either accepts
*every* answer of the domain or only *some*; with ``definite`` (rows that match
whatever the missing answers are) and ``possible`` (rows that match for at
least one completion; exact, since a row's conditions are independent per
input) the hit policy tells whether every completion ends in the same
outcome. Where it cannot prove that (e.g. whether the rows cover every
completion), the result stays ``undecided``: ``possible`` is a sound
over-approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple

from .answers import to_json as answer_json
from .compiler import CompiledTable
from .errors import HitPolicyViolation

DECIDED, UNDECIDED, NO_MATCH = "decided", "undecided", "no-match"
_MISSING = object()


class Decision(NamedTuple):
    status: str
    outcome: str | None
    rule: str | None


def _rows(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _first(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _violation(table: CompiledTable, mask: int, reason: str) -> HitPolicyViolation:
    rows = _rows(mask)
    ids = tuple(table.rules[r].id for r in rows)
    detail = ", ".join(f"{table.rules[r].id} → {table.outcomes[table.rules[r].then].id}" for r in rows)
    return HitPolicyViolation(f"hit policy '{table.hit_policy}' violated: {reason} ({detail})", ids)


def decide(table: CompiledTable, answers: Mapping[str, Any]) -> Decision:
    """The decision for complete answers (already parsed); partial ones go the full way."""
    mask = table.all_rows
    for column in table.columns:
        value = answers.get(column.input, _MISSING)
        if value is _MISSING:
            r = evaluate(table, answers)
            return Decision(r.status, r.outcome, r.rule)
        mask &= column.lookup(value)
    if not mask:
        if table.default is None:
            return Decision(NO_MATCH, None, None)
        return Decision(DECIDED, table.outcomes[table.default].id, None)
    policy = table.hit_policy
    rules = table.rules
    if policy == "first":
        row = rules[(mask & -mask).bit_length() - 1]
    elif policy == "unique":
        if mask & (mask - 1):
            raise _violation(table, mask, "more than one row matches")
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
            raise _violation(table, mask, "matching rows disagree")
    else:  # collect
        return Decision(DECIDED, None, None)
    return Decision(DECIDED, table.outcomes[row.then].id, row.id)


@dataclass(frozen=True, slots=True)
class TableRef:
    """Which table (and version) a result comes from."""

    id: str
    version: str


@dataclass(frozen=True, slots=True)
class Result:
    """Everything ``evaluate --format json`` shows (see the README for each field); ``to_json`` is
    that object, the one definition the CLI, ``batch`` and the Python API share."""

    status: str
    outcome: str | None
    outcomes: tuple[str, ...]
    matches: tuple[tuple[str, str], ...]  # (rule id, outcome id), table order
    rule: str | None
    because: str | None
    conditions: tuple[tuple[str, str, Any], ...]  # (input id, condition text, answer)
    answers: Mapping[str, Any]
    missing: tuple[str, ...]
    possible: tuple[str, ...]
    table: TableRef
    exact: bool = True  # False: the partial-answer search ran past its budget; status and possible are bounds
    error_possible: bool = False  # some completion breaks the hit policy (proven: exact results only)

    def to_json(self) -> dict[str, Any]:
        """The JSON result: answers as the CLI writes them (an exact decimal a float cannot hold
        stays a string), ``table`` last."""
        return {
            "status": self.status,
            "outcome": self.outcome,
            "outcomes": list(self.outcomes),
            "matches": [{"rule": r, "outcome": o} for r, o in self.matches],
            "rule": self.rule,
            "because": self.because,
            "conditions": [{"input": i, "condition": c, "answer": answer_json(a)} for i, c, a in self.conditions],
            "answers": {k: answer_json(v) for k, v in self.answers.items()},
            "missing": list(self.missing),
            "possible": list(self.possible),
            "exact": self.exact,
            "error_possible": self.error_possible,
            "table": {"id": self.table.id, "version": self.table.version},
        }


def row_masks(table: CompiledTable, answers: Mapping[str, Any]) -> tuple[int, int, tuple[str, ...]]:
    """(definite, possible, missing): rows matching every / some completion of ``answers``."""
    definite = possible = table.all_rows
    missing = []
    for column in table.columns:
        value = answers.get(column.input, _MISSING)
        if value is _MISSING:
            missing.append(column.input)
            definite &= column.every
            possible &= column.some
        else:
            m = column.lookup(value)
            definite &= m
            possible &= m
    return definite, possible, tuple(missing)


def evaluate(table: CompiledTable, answers: Mapping[str, Any]) -> Result:
    """Evaluate parsed answers (see ``answers.parse_answers``); may raise ``HitPolicyViolation``.

    With answers missing, the result is exact (``partial.completions``) unless
    that search runs past its budget; then it is the sound over-approximation
    below and ``exact`` is False.
    """
    definite, possible, missing = row_masks(table, answers)
    if table.hit_policy == "unique" and definite & (definite - 1):
        raise _violation(table, definite, "more than one row matches")
    if table.hit_policy == "any" and definite and definite & ~table.outcome_rows[table.rules[_first(definite)].then]:
        raise _violation(table, definite, "matching rows disagree")
    if missing:
        from .partial import completions

        found = completions(table, answers)
        if found is not None:
            return _exact(table, answers, definite, missing, found)
    return _approximate(table, answers, definite, possible, missing)


def _exact(table: CompiledTable, answers: Mapping[str, Any], definite: int, missing: tuple[str, ...], found: Any) -> Result:
    from .partial import ERROR, VARIES

    ids = [o.id for o in table.outcomes]
    results = found.results
    collect = table.hit_policy == "collect"
    status, outcome, outs = UNDECIDED, None, ()
    if results == {NO_MATCH}:  # partial.NO_MATCH is this very status
        status = NO_MATCH
    elif len(results) == 1 and ERROR not in results:
        status = DECIDED
        (only,) = results
        outs = tuple(ids[o] for o in only) if collect else (ids[only],)
        outcome = None if collect else ids[only]
    reachable: set[int] = set()
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
        matches=tuple((table.rules[r].id, ids[table.rules[r].then]) for r in _rows(definite)),
        rule=rule.id if rule else None,
        because=rule.because if rule else None,
        conditions=tuple((i, text, answer_of.get(i)) for i, text in rule.conditions) if rule else (),
        answers=answer_of,
        missing=missing,
        possible=tuple(ids[o] for o in sorted(reachable)),
        table=TableRef(table.id, table.version),
        exact=True,
        error_possible=ERROR in results,
    )


def _approximate(table: CompiledTable, answers: Mapping[str, Any], definite: int, possible: int, missing: tuple[str, ...]) -> Result:
    """Bounds from the rows matching every / some completion: sound, not always decisive."""
    outcome_of = [r.then for r in table.rules]
    policy = table.hit_policy
    default = table.default

    def outcomes_of(mask: int) -> set[int]:
        return {outcome_of[r] for r in _rows(mask)}

    status, outcome, row = UNDECIDED, None, None
    collected: tuple[int, ...] = ()
    candidates = possible
    if policy == "unique":
        if definite & (definite - 1):
            raise _violation(table, definite, "more than one row matches")
        if definite and possible == definite:
            status, row = DECIDED, _first(definite)
    elif policy == "any":
        if definite and len(outcomes_of(definite)) > 1:
            raise _violation(table, definite, "matching rows disagree")
        if definite and len(outcomes_of(possible)) == 1:
            status = DECIDED
            row = _first(possible) if _first(possible) == _first(definite) else None
    elif policy == "first":
        if definite:
            d = _first(definite)
            candidates = possible & ((1 << (d + 1)) - 1)
            if len(outcomes_of(candidates)) == 1:
                status = DECIDED
                row = _first(candidates) if _first(candidates) == d else None
    elif policy == "priority":
        if definite:
            best = min(outcomes_of(definite))
            candidates = 0
            for o in range(best + 1):
                candidates |= possible & table.outcome_rows[o]
            if outcomes_of(candidates) == {best}:
                status = DECIDED
                first_best = _first(possible & table.outcome_rows[best])
                row = first_best if (definite >> first_best) & 1 else None
    else:  # collect
        if possible == definite:
            status = DECIDED
            collected = tuple(outcome_of[r] for r in _rows(definite))

    if not possible:  # nothing can match, whatever the missing answers are
        status = DECIDED if default is not None else NO_MATCH
        candidates = 0
    if status == DECIDED and row is not None:
        outcome = outcome_of[row]
    elif status == DECIDED and policy != "collect" and possible:
        outcome = outcome_of[_first(candidates)]
    elif status == DECIDED and not possible:
        outcome = default if policy != "collect" else None
        collected = (default,) if policy == "collect" else ()

    reachable = outcomes_of(candidates)
    if default is not None and not definite:
        reachable.add(default)
    ids = [o.id for o in table.outcomes]
    if status == DECIDED:
        if policy == "collect":
            outs = tuple(ids[o] for o in collected)
            reachable = set(collected)
        else:
            outs = (ids[outcome],) if outcome is not None else ()
            reachable = {outcome} if outcome is not None else set()
    else:
        outs = ()
    rule = table.rules[row] if row is not None and status == DECIDED and policy != "collect" else None
    answer_of = dict(answers)
    conditions = tuple((i, text, answer_of.get(i)) for i, text in rule.conditions) if rule else ()
    return Result(
        status=status,
        outcome=ids[outcome] if outcome is not None and policy != "collect" else None,
        outcomes=outs,
        matches=tuple((table.rules[r].id, ids[outcome_of[r]]) for r in _rows(definite)),
        rule=rule.id if rule else None,
        because=rule.because if rule else None,
        conditions=conditions,
        answers=answer_of,
        missing=missing,
        possible=tuple(ids[o] for o in sorted(reachable)),
        table=TableRef(table.id, table.version),
        exact=not missing,
    )
