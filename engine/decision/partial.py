"""Exact results for partial answers: what every completion of the answers leads to.

A partial answer set is decided when every way of answering the rest gives the
same result, and its ``possible`` outcomes are exactly those some completion
gives. Both come from one search of the unanswered part of the answer space
(``space.walk``), cut short wherever the hit policy already fixes the result
(``HitPolicy.fixed`` in ``engine/table/policies.py``).

The search is bounded by ``MAX_NODES`` regions; past it, ``outcomes`` returns
None and the caller falls back to the sound over-approximation (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from crossroads.engine.search import space
from crossroads.engine.table.compiler import CompiledTable, NumberColumn
from crossroads.engine.table.policies import VARIES, policy_of, result_of, row_masks
from crossroads.engine.search.space import Budget, Exhausted, Piece

MAX_NODES = 20_000
"""Regions searched per partial evaluation before falling back (a few ms)."""


@dataclass(frozen=True, slots=True)
class Completions:
    """What the completions of a partial answer set lead to.

    ``results``: outcome index (or, for collect, a tuple of them), ``ERROR`` or
    ``NO_MATCH`` (``engine/table/policies.py``) per distinct result; ``row``: the deciding row when one row
    decides every completion, ``VARIES`` otherwise, None when no row does.
    """

    results: frozenset[Any]
    row: int | None


def completions(
    table: CompiledTable, answers: Mapping[str, Any], *, max_nodes: int | None = None
) -> Completions | None:
    """The results of every completion of ``answers`` (parsed); None past the budget."""
    if space.too_large(table, skip=answers):  # see space.MAX_PIECE_BITS
        return None
    pieces = []
    for spec, column, root in zip(table.inputs, table.columns, _lazy_roots(table)):
        if spec.id in answers:
            value = answers[spec.id]
            pieces.append((Piece(column.lookup(value), (value,), 0, 0, value),))
        else:
            pieces.append(root())
    policy = policy_of(table)

    def fixed(live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        """(result, row) when the policy fixes it over the whole region, else None."""
        return policy.fixed(table, live, guaranteed) if guaranteed else None

    def hook(live: int, guaranteed: int) -> tuple[int, bool]:
        return live, fixed(live, guaranteed) is not None

    everything = set(range(len(table.outcome_rows)))  # every result (outcomes, or results with outputs)
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


def _lazy_roots(table: CompiledTable) -> list[Any]:
    """Per input, a thunk for its root pieces: only unanswered inputs pay for them."""
    return [
        lambda spec=spec, column=column: space.input_pieces(spec, column)
        for spec, column in zip(table.inputs, table.columns)
    ]


def open_questions(table: CompiledTable, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Unanswered inputs whose answer can still change the result, in input order.

    An input is closed when every row still able to match treats all its
    answers alike: whatever is answered, the same rows stay in play. (Sound:
    an open input may still turn out not to matter; a closed one never does.)
    """
    _, possible, missing = row_masks(table, answers)
    out = []
    for spec, column in zip(table.inputs, table.columns):
        if spec.id not in missing:
            continue
        if isinstance(column, NumberColumn) and space.too_large(
            table, skip=[i.id for i in table.inputs if i.id != spec.id]
        ):
            out.append(spec.id)  # too big to split into pieces: open (sound)
        elif len({p.mask & possible for p in space.input_pieces(spec, column)}) > 1:
            out.append(spec.id)
    return tuple(out)
