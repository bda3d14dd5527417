"""Exact results for partial answers: what every completion of the answers leads to.

A partial answer set is decided when every way of answering the rest gives the
same result, and its ``possible`` outcomes are exactly those some completion
gives. Both come from one search of the unanswered part of the answer space
(``space.walk``), cut short wherever the hit policy already fixes the result.

The search is bounded by ``MAX_NODES`` regions; past it, ``outcomes`` returns
None and the caller falls back to the sound over-approximation (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from . import space
from .compiler import CompiledTable
from .space import Budget, Exhausted, Piece, bits, lowest

MAX_NODES = 20_000
"""Regions searched per partial evaluation before falling back (a few ms)."""

ERROR = "error"  # a completion breaks the unique/any hit policy
NO_MATCH = "no-match"  # a completion matches no row and there is no default
VARIES = -1  # the deciding row differs between completions


@dataclass(frozen=True, slots=True)
class Completions:
    """What the completions of a partial answer set lead to.

    ``results``: outcome index (or, for collect, a tuple of them), ``ERROR`` or
    ``NO_MATCH`` per distinct result; ``row``: the deciding row when one row
    decides every completion, ``VARIES`` otherwise, None when no row does.
    """

    results: frozenset[Any]
    row: int | None


def completions(table: CompiledTable, answers: Mapping[str, Any], *, max_nodes: int | None = None) -> Completions | None:
    """The results of every completion of ``answers`` (parsed); None past the budget."""
    rows = len(table.rules)
    if space.too_large(table, skip=answers):  # see space.MAX_PIECE_BITS
        return None
    pieces = []
    for spec, column, root in zip(table.inputs, table.columns, _lazy_roots(table)):
        if spec.id in answers:
            value = answers[spec.id]
            pieces.append((Piece(column.lookup(value), (value,), 0, 0, value),))
        else:
            pieces.append(root())
    rules = table.rules
    policy = table.hit_policy
    outcome_rows = table.outcome_rows

    def fixed(live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        """(result, row) when the policy fixes it over the whole region, else None."""
        if not guaranteed:
            return None
        if policy == "first":
            d = lowest(live)
            return (rules[d].then, d) if guaranteed >> d & 1 else None
        if policy == "priority":
            best = outcomes_in(table, guaranteed)[0]
            if outcomes_in(table, live)[0] < best:
                return None
            d = lowest(live & outcome_rows[best])
            return best, (d if guaranteed >> d & 1 else VARIES)
        if policy == "unique":
            return (ERROR, None) if guaranteed & (guaranteed - 1) else None
        if policy == "any":
            outs = outcomes_in(table, live)
            if len(outs) > 1:
                return (ERROR, None) if len(outcomes_in(table, guaranteed)) > 1 else None
            d = lowest(live)
            return outs[0], (d if guaranteed >> d & 1 else VARIES)
        return None

    def hook(live: int, guaranteed: int) -> tuple[int, bool]:
        return live, fixed(live, guaranteed) is not None

    everything = set(range(len(table.outcomes)))
    seen: set[int] = set()
    results: set[Any] = set()
    rows: set[int | None] = set()
    budget = Budget(max_nodes=MAX_NODES if max_nodes is None else max_nodes)
    try:
        for leaf in space.walk(table, tuple(pieces), table.all_rows, budget, hook):
            got = fixed(leaf.live, leaf.guaranteed) if not leaf.constant else None
            result, row = got if got is not None else result_of(table, leaf.live)
            results.add(result)
            rows.add(row)
            seen.update(result if isinstance(result, tuple) else (result,))
            if len(results) > 1 and everything <= seen:
                break  # undecided, and every outcome is possible: nothing left to learn
    except Exhausted:
        return None
    row = rows.pop() if len(rows) == 1 else VARIES
    return Completions(frozenset(results), row)


def outcomes_in(table: CompiledTable, mask: int) -> list[int]:
    """The outcomes (by priority) of the rows in ``mask``; costs the outcomes, not the rows."""
    return [o for o, rows in enumerate(table.outcome_rows) if mask & rows]


def result_of(table: CompiledTable, live: int) -> tuple[Any, int | None]:
    """The result and deciding row for answers matched by exactly ``live``."""
    policy = table.hit_policy
    if not live:
        if table.default is None:
            return NO_MATCH, None
        return ((table.default,) if policy == "collect" else table.default), None
    if policy == "collect":
        return tuple(table.rules[r].then for r in bits(live)), None
    d = lowest(live)
    if policy == "first":
        return table.rules[d].then, d
    if policy == "priority":
        best = outcomes_in(table, live)[0]
        return best, lowest(live & table.outcome_rows[best])
    if policy == "unique":
        return (ERROR, None) if live & (live - 1) else (table.rules[d].then, d)
    outs = outcomes_in(table, live)  # any
    return (outs[0], d) if len(outs) == 1 else (ERROR, None)


def _lazy_roots(table: CompiledTable) -> list[Any]:
    """Per input, a thunk for its root pieces: only unanswered inputs pay for them."""
    return [lambda spec=spec, column=column: space.input_pieces(spec, column) for spec, column in zip(table.inputs, table.columns)]


def open_questions(table: CompiledTable, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Unanswered inputs whose answer can still change the result, in input order.

    An input is closed when every row still able to match treats all its
    answers alike: whatever is answered, the same rows stay in play. (Sound:
    an open input may still turn out not to matter; a closed one never does.)
    """
    from .evaluate import row_masks

    _, possible, missing = row_masks(table, answers)
    out = []
    for spec, column in zip(table.inputs, table.columns):
        if spec.id not in missing:
            continue
        if column.points is not None and space.too_large(table, skip=[i.id for i in table.inputs if i.id != spec.id]):
            out.append(spec.id)  # too big to split into pieces: open (sound)
        elif len({p.mask & possible for p in space.input_pieces(spec, column)}) > 1:
            out.append(spec.id)
    return tuple(out)
