"""What would change the answer: the smallest changes of answers that lead to each other result.

The contract is the README's ("What would change the answer"). For an answer set
with result R and every other result R' some answer set reaches (a result as
``diff`` writes one: an outcome id, a values mapping, a list under ``collect``,
None for no match, ``"error"``), the *nearest changes* are the sets of answered
inputs of the minimum size whose new answers, every other answer kept, give R'.
Unanswered inputs are free: they count toward no size, and they are named in a
change's region and example wherever they matter.

How: for k = 0, 1, 2, ... and every set S of k answered inputs (table order),
the exact partial evaluation (``partial.completions``) with S unanswered says
which results S can still reach; only where a result still without a change is
among them, one region search (``space.walk``) over S (and the unanswered
inputs), the other answers fixed, yields the regions where the hit policy's
result is R' — earlier or higher-priority rows and conflicts cut into them —
merged and written as ``gap`` findings write regions (``space.merge_regions``).
The search stops at the first k where a result is reached: it is minimal.

The example of a change: input by input in table order, a choice or boolean takes
the first option (in option order) the region allows, a string the first named
string (else the text standing for every other one), a number the value nearest
to the current answer (ties to the smaller; unanswered, the
witness a ``gap`` finding's example would take), where an open
bound gives the nearest value the input can hold: the next integer (a date: the
next day), for a number the bound plus one step at the table's decimal places
(the most decimal places any number condition or bound is written with; 1 with none).

Everything runs under ``max_seconds``; past it, the results not yet settled are
``exact: False`` (their changes, if any, are proven to reach them but not proven minimal
or complete at that size).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import combinations, product
from typing import Any

from crossroads.engine.analysis.diff import ValueResult
from crossroads.engine.analysis.diff import present_result, result_key, result_when
from crossroads.engine.decision.partial import completions
from crossroads.engine.search import space
from crossroads.engine.search.space import Budget, Exhausted, Leaf, Piece, Stretch
from crossroads.engine.table import numbers
from crossroads.engine.table.answers import to_json as answer_json
from crossroads.engine.table.compiler import (
    NUMERIC_TYPES,
    CompiledTable,
    InputSpec,
    NumberColumn,
    segment_bounds,
    witness,
)
from crossroads.engine.table.conditions import Interval

__all__ = ["DEFAULT_MAX_SECONDS", "Alternative", "Change", "alternatives", "result_json", "to_json"]

DEFAULT_MAX_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Change:
    """One set of inputs whose new answers give the result: ``inputs`` (table order), ``region``
    (disjoint rule-style ``when`` mappings over those inputs and any unanswered ones) and one
    ``example`` answer set inside it (parsed answers of those inputs)."""

    inputs: tuple[str, ...]
    region: tuple[Mapping[str, Any], ...]
    example: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another result and its nearest changes (every minimal set of inputs, smallest first).

    ``changes`` is empty for an outcome no answer set reaches; ``exact`` False: the budget ran
    out before these changes were proven minimal and complete."""

    result: Any
    changes: tuple[Change, ...]
    exact: bool


def result_json(result: Any) -> Any:
    """A result as the JSON shows it (diff's form: values mappings for a table with outputs)."""
    return result.to_json() if isinstance(result, ValueResult) else result


def _plain(value: Any) -> Any:
    """A region's condition value as JSON (exact numbers as the answers' JSON writes them)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return answer_json(value)


def to_json(alts: tuple[Alternative, ...]) -> list[dict[str, Any]]:
    """The result JSON's ``alternatives`` field: ``[{"result", "changes": [{"inputs", "region",
    "example"}], "exact"}]``, as ``evaluate --why-not`` writes it."""
    return [
        {
            "result": result_json(a.result),
            "changes": [
                {
                    "inputs": list(c.inputs),
                    "region": [{k: _plain(v) for k, v in w.items()} for w in c.region],
                    "example": {k: answer_json(v) for k, v in c.example.items()},
                }
                for c in a.changes
            ],
            "exact": a.exact,
        }
        for a in alts
    ]


def _matches(result: Any, only: Any) -> bool:
    if result == only:
        return True
    return isinstance(result, ValueResult) and result.kind == "one" and result.outcome == only


def _pieces(table: CompiledTable, answers: Mapping[str, Any], free: set[str]) -> tuple[tuple[Piece, ...], ...]:
    out = []
    for spec, column in zip(table.inputs, table.columns):
        if spec.id in free:
            out.append(space.input_pieces(spec, column))
        else:
            value = answers[spec.id]
            out.append((Piece(column.lookup(value), (value,), 0, 0, value),))
    return tuple(out)


def _raw_key(table: CompiledTable, raw: Any) -> Any:
    """A policy result (``result_of``'s, as ``completions`` gives them) as diff's hashable result."""
    return result_key(present_result(table, raw))


def _decimal_step(table: CompiledTable) -> Decimal:
    places = 0
    for spec, column in zip(table.inputs, table.columns):
        if spec.type != "number" or not isinstance(column, NumberColumn):
            continue
        for p in (*column.points, spec.minimum, spec.maximum):
            if isinstance(p, Decimal):
                exp = p.normalize().as_tuple().exponent
                if isinstance(exp, int) and exp < 0:
                    places = max(places, -exp)
    return Decimal(1).scaleb(-places)


def _inside(iv: Interval, v: Any) -> bool:
    if iv.lo is not None and (v < iv.lo or (v == iv.lo and not iv.lo_closed)):
        return False
    return not (iv.hi is not None and (v > iv.hi or (v == iv.hi and not iv.hi_closed)))


def _nearest(spec: InputSpec, iv: Interval, c: Any, step: Decimal) -> Any:
    """The value of ``spec``'s domain in ``iv`` nearest to ``c`` (day numbers for a date), or None."""
    whole = spec.type != "number"
    if _inside(iv, c) and (not whole or c == int(c)):
        return c
    if iv.lo is not None and c <= iv.lo:
        lo = iv.lo
        if whole:
            v: Any = int(lo) + (1 if lo == int(lo) and not iv.lo_closed else 0) if lo == int(lo) else int(lo) + 1
            if lo < 0 and lo != int(lo):
                v = int(lo)
        else:
            v = lo if iv.lo_closed else numbers.add(lo, step)
    else:
        assert iv.hi is not None
        hi = iv.hi
        if whole:
            v = int(hi) - (1 if hi == int(hi) and not iv.hi_closed else 0) if hi == int(hi) else int(hi)
            if hi < 0 and hi != int(hi):
                v = int(hi) - 1
        else:
            v = hi if iv.hi_closed else numbers.subtract(hi, step)
    if _inside(iv, v):
        return v
    w = witness(spec, iv)  # the step overshoots a narrow interval: any value inside it
    return w.toordinal() if isinstance(w, date) else w


def _example(
    table: CompiledTable, leaves: list[Leaf], free: list[int], answers: Mapping[str, Any], step: Decimal
) -> dict[str, Any]:
    """The issue's example, input by input in table order, among the leaves giving the result."""
    out: dict[str, Any] = {}
    for i in free:
        spec, column = table.inputs[i], table.columns[i]
        best: tuple[Any, Any] | None = None  # (sort key, value)
        if spec.type in NUMERIC_TYPES:
            assert isinstance(column, NumberColumn)
            if spec.id in answers:
                current = answers[spec.id]
            else:  # unanswered: the example a gap finding would give (the first region's witness)
                first_part = leaves[0].region[i]
                assert isinstance(first_part, Stretch)
                current = first_part.first.witness
            c = current.toordinal() if isinstance(current, date) else current
            bounds = Interval(spec.minimum, True, spec.maximum, True)  # the input's own, in day numbers for a date
            for leaf in leaves:
                part = leaf.region[i]
                assert isinstance(part, Stretch)
                first, last = segment_bounds(column.points, part.first.lo), segment_bounds(column.points, part.last.hi)
                iv = Interval(first.lo, first.lo_closed, last.hi, last.hi_closed).intersection(bounds)
                v = _nearest(spec, iv, c, step)
                if v is not None and (best is None or (abs(v - c), v) < best[0]):
                    best = ((abs(v - c), v), v)
            assert best is not None
            value = best[1]

            def holds(leaf: Leaf, value: Any = value, i: int = i, column: NumberColumn = column) -> bool:
                part = leaf.region[i]
                assert isinstance(part, Stretch)
                points = column.points
                k = bisect_left(points, value)
                s = 2 * k + 1 if k < len(points) and points[k] == value else 2 * k
                return part.first.lo <= s <= part.last.hi

            leaves = [leaf for leaf in leaves if holds(leaf)]
            out[spec.id] = date.fromordinal(int(value)) if spec.type == "date" else value
        else:
            order = [p.values[0] for p in space.input_pieces(spec, column)]
            rank = {v: n for n, v in enumerate(order)}
            allowed: set[Any] = set()
            for leaf in leaves:
                for p in leaf.region[i]:  # type: ignore[union-attr]
                    allowed.update(p.values)
            chosen = min(allowed, key=lambda v: rank.get(v, len(order)))
            leaves = [leaf for leaf in leaves if any(chosen in p.values for p in leaf.region[i])]  # type: ignore[union-attr]
            witness_of = {p.values[0]: p.witness for p in space.input_pieces(spec, column)}
            out[spec.id] = witness_of.get(chosen, chosen)
    return out


def _regions(
    table: CompiledTable, answers: Mapping[str, Any], free: set[str], budget: Budget
) -> dict[Any, tuple[Any, list[Leaf]]]:
    """result key -> (result, the leaves giving it), one search with ``free`` unanswered."""
    pieces = _pieces(table, answers, free)
    found: dict[Any, tuple[Any, list[Leaf]]] = {}
    for leaf in space.walk(table, pieces, table.all_rows, budget):
        result = result_when(table, leaf.live)
        found.setdefault(result_key(result), (result, []))[1].append(leaf)
    return found


def alternatives(
    table: CompiledTable,
    answers: Mapping[str, Any],
    *,
    only: Any = None,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> tuple[Alternative, ...]:
    """The other results and their nearest changes, for parsed ``answers`` (see the module doc).

    ``only``: report just that result (as ``diff`` writes one; an outcome id also names a
    values result of that outcome). Results in order of their first change's size, then in the
    order the search reaches them; outcomes no answer reaches last, with no changes.
    """
    budget = Budget(max_seconds)
    unanswered = {i.id for i in table.inputs if i.id not in answers}
    answered = [i.id for i in table.inputs if i.id in answers]
    step = _decimal_step(table)
    settled: dict[Any, Alternative] = {}
    order: list[Any] = []
    targets: dict[Any, Any] | None = None  # key -> result still without a change (None: not known yet)
    current: set[Any] = set()
    exhausted = False
    try:
        if space.too_large(table):  # see space.MAX_PIECE_BITS: no search, nothing proven
            raise Exhausted
        everything = _regions(table, answers, set(answered) | unanswered, budget)
        targets = {k: r for k, (r, _) in everything.items() if only is None or _matches(r, only)}
        here = _regions(table, answers, unanswered, budget) if answered else everything
        if len(here) == 1:  # decided: its own result is no alternative
            current = set(here)
            for k in current:
                targets.pop(k, None)
        for size in range(0 if len(here) > 1 else 1, len(answered) + 1):
            if not targets:
                break
            found: dict[Any, list[Change]] = {}
            for subset in combinations(answered, size):
                free = set(subset) | unanswered
                rest = {k: v for k, v in answers.items() if k not in free}
                reach = completions(table, rest)
                if reach is not None and not _cut_short(table, reach.results):
                    keys = {_raw_key(table, r) for r in reach.results}
                    if not keys & targets.keys():
                        continue
                pieces = _pieces(table, answers, free)
                reached = [
                    (key, leaves, _cells(pieces, leaves))
                    for key, (_, leaves) in _regions(table, answers, free, budget).items()
                    if key in targets
                ]
                if all(cells is not None for _, _, cells in reached):  # the canonical order (see _cells)
                    reached.sort(key=lambda r: r[2][0])  # type: ignore[index]
                for key, leaves, cells in reached:
                    found.setdefault(key, []).append(_change(table, answers, subset, free, pieces, leaves, cells, step))
            for key, changes in found.items():
                settled[key] = Alternative(targets.pop(key), tuple(changes), True)
                order.append(key)
    except Exhausted:
        exhausted = True
    out = [settled[k] for k in order]
    if exhausted:
        if targets is not None:
            out.extend(Alternative(r, (), False) for r in targets.values())
        else:  # not even the results were found: every outcome unproven
            out.extend(Alternative(o.id, (), False) for o in table.outcomes if only is None or _matches(o.id, only))
        return tuple(out)
    out.extend(_unreached(table, out, current, only))
    return tuple(out)


def _cut_short(table: CompiledTable, results: frozenset[Any]) -> bool:
    """Whether ``completions`` may have stopped before seeing every result: it stops once every
    outcome is possible (enough for ``possible``, not for a no-match, an error or a list)."""
    seen: set[Any] = set()
    for r in results:
        seen.update(r if isinstance(r, tuple) else (r,))
    return len(results) > 1 and set(range(len(table.outcome_rows))) <= seen


CANONICAL_CELLS = 20_000
"""A result's region of at most this many cells (one piece of every input each) is merged from its
cells in their order, not from the search's leaves: the same region then reads the same whichever
way it was found — the guide page, which enumerates the cells of tables this small, writes the
same lines (``assets/page.js``, ``alternatives``)."""

Cell = tuple[int, ...]
"""One piece of every input (its index in ``_pieces``), in input order."""


def _cells(pieces: tuple[tuple[Piece, ...], ...], leaves: list[Leaf]) -> list[Cell] | None:
    """The leaves' region as its cells, sorted (input by input, pieces in order); None past
    ``CANONICAL_CELLS``. Results of one change are listed by their first cell, so their order
    is canonical too."""
    starts = [[p.lo for p in ps] for ps in pieces]  # a number's pieces by their first segment
    index = [{v: n for n, p in enumerate(ps) for v in p.values} for ps in pieces]  # the others' by value
    per_leaf: list[list[range | list[int]]] = []
    total = 0
    for leaf in leaves:
        axes: list[range | list[int]] = []
        count = 1
        for los, where, part in zip(starts, index, leaf.region):
            if isinstance(part, Stretch):
                axes.append(range(bisect_left(los, part.first.lo), bisect_left(los, part.last.lo) + 1))
            else:
                axes.append(sorted({where[v] for p in part for v in p.values}))
            count *= len(axes[-1])
        total += count
        if total > CANONICAL_CELLS:
            return None
        per_leaf.append(axes)
    return sorted(cell for axes in per_leaf for cell in product(*axes))


def _cell_key(table: CompiledTable, pieces: tuple[tuple[Piece, ...], ...], cell: Cell) -> space.RegionKey:
    return tuple(
        space.SegmentRange(ps[n].lo, ps[n].hi) if spec.type in NUMERIC_TYPES else frozenset(ps[n].values)
        for spec, ps, n in zip(table.inputs, pieces, cell)
    )


def _change(
    table: CompiledTable,
    answers: Mapping[str, Any],
    subset: tuple[str, ...],
    free: set[str],
    pieces: tuple[tuple[Piece, ...], ...],
    leaves: list[Leaf],
    cells: list[Cell] | None,
    step: Decimal,
) -> Change:
    keys = (
        [_cell_key(table, pieces, c) for c in cells]
        if cells is not None
        else [space.parts(leaf.region) for leaf in leaves]
    )
    merged = space.merge_regions(table, pieces, [(k, None) for k in keys])
    region = tuple({k: v for k, v in when.items() if k in free} for when, _ in merged)
    index = [n for n, spec in enumerate(table.inputs) if spec.id in free]
    example = _example(table, leaves, index, answers, step)
    return Change(subset, region, example)


def _unreached(table: CompiledTable, listed: list[Alternative], current: set[Any], only: Any) -> list[Alternative]:
    """Outcomes that no answer set reaches (listed with no changes)."""
    if any(not a.exact for a in listed):
        return []
    seen: set[str] = set()
    for a in listed:
        seen.update(_outcome_ids(a.result))
    for key in current:
        seen.update(_outcome_ids(key))
    out = []
    for o in table.outcomes:
        if o.id not in seen and (only is None or only == o.id):
            out.append(Alternative(o.id, (), True))
    return out


def _outcome_ids(result: Any) -> list[str]:
    if isinstance(result, ValueResult):
        return [o for o, _ in result.items if o is not None]
    if isinstance(result, (list, tuple)):
        return [x for x in result if isinstance(x, str)]
    return [result] if isinstance(result, str) else []
