"""Mergeable rows: groups of same-outcome rows that one row could say, changing no result.

No search is needed: rows are compared through the pieces of the answer space
they accept (``space.root_pieces``), input by input, so "equal" means "accepts
the same answers", however the conditions are written. A group qualifies when
its rows agree on every input but one, their union there is one condition
(any options; adjacent or, where overlaps are harmless, overlapping
intervals), and putting the merged row at the first member's place changes no
result under the hit policy (``_components``, from the policy's ``counts_overlaps``
and ``positional``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossroads.engine.search import space
from crossroads.engine.table.compiler import NUMERIC_TYPES, CompiledTable, NumberColumn
from crossroads.engine.findings import MAX_LISTED, Finding
from crossroads.engine.table.policies import HitPolicy, bits, policy_of, result_label
from crossroads.engine.table.wording import describe_when
from crossroads.engine.search.space import Piece, PieceRange


@dataclass(frozen=True, slots=True)
class PieceRuns:
    """A number's part of a row that is several runs of pieces (a union condition: ``!=``, a list,
    ``{not: ...}``). Compared as data like a ``PieceRange`` (equal rows still merge on another
    input), but never merged on its own input: one row could not say the union of such rows."""

    runs: tuple[PieceRange, ...]


def _ranges(x: Any) -> tuple[PieceRange, ...]:
    return x.runs if isinstance(x, PieceRuns) else (x,)


def accepted(table: CompiledTable, pieces: Any) -> list[list[Any]]:
    """Per row, per input: what it accepts, as comparable data (option bitmask, ``PieceRange`` or
    ``PieceRuns``); None: nothing."""
    n = len(table.rules)
    out: list[list[Any]] = [[None] * len(pieces) for _ in range(n)]
    for i, ps in enumerate(pieces):
        numeric = table.inputs[i].type in NUMERIC_TYPES
        if numeric:  # a row's condition is one interval: a contiguous run of pieces
            start: dict[int, int] = {}
            prev = 0
            for j, p in enumerate(ps):
                for r in bits(p.mask & ~prev):
                    start[r] = j
                nxt = ps[j + 1].mask if j + 1 < len(ps) else 0
                for r in bits(p.mask & ~nxt):
                    run = PieceRange(start[r], j)
                    before = out[r][i]  # a union row starts again after a gap: one more run
                    out[r][i] = run if before is None else PieceRuns((*_ranges(before), run))
                prev = p.mask
        else:
            acc = [0] * n
            for j, p in enumerate(ps):
                for r in bits(p.mask):
                    acc[r] |= 1 << j
            for r in range(n):
                out[r][i] = acc[r] or None  # no option at all: the row matches nothing
    return out


def overlap(a: list[Any], b: list[Any]) -> bool:
    for x, y in zip(a, b):
        if x is None or y is None:
            return False
        if isinstance(x, (tuple, PieceRuns)):
            if not any(not (a[1] < b[0] or b[1] < a[0]) for a in _ranges(x) for b in _ranges(y)):
                return False
        elif not x & y:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Group:
    """One mergeable group as data: its rows (table order), the input they differ in, and the
    merged row's condition on it (a ``when`` value; None: no condition on that input). The merged
    row is the first member with that condition, at the first member's place."""

    rows: tuple[str, ...]
    input: str
    condition: Any


def groups(table: CompiledTable, pieces: Any, *, limit: int = MAX_LISTED) -> list[Group]:
    """The first ``limit`` groups ``mergeable`` reports (the listed ones, in its order), as data."""
    acc = accepted(table, pieces)
    return [
        Group(tuple(table.rules[r].id for r in g), table.inputs[k].id, _merged_condition(table, pieces, acc, k, g))
        for k, g in _groups(table, acc)[:limit]
    ]


def _groups(table: CompiledTable, acc: list[list[Any]]) -> list[tuple[int, list[int]]]:
    """Every maximal group as (the input it differs in, its rows), ordered by first row then input."""
    policy = policy_of(table)
    groups: list[tuple[int, list[int]]] = []
    for k in range(len(table.inputs)):
        keyed: dict[tuple[Any, ...], list[int]] = {}
        for r, rule in enumerate(table.rules):
            row = acc[r]
            if any(x is None for x in row):
                continue  # matches nothing: unreachable, not mergeable
            key = (rule.then, *row[:k], *row[k + 1 :])
            keyed.setdefault(key, []).append(r)
        for members in keyed.values():
            if len(members) > 1:
                for g in _components(table, acc, k, members, policy):
                    groups.append((k, g))
    groups.sort(key=lambda kg: (kg[1][0], kg[0]))
    return groups


def mergeable(table: CompiledTable, pieces: Any) -> list[Finding]:
    """Maximal groups of same-outcome rows that one row could replace, changing no result."""
    acc = accepted(table, pieces)
    groups = _groups(table, acc)
    findings = []
    for n, (k, g) in enumerate(groups[:MAX_LISTED]):
        spec = table.inputs[k]
        merged = _merged_condition(table, pieces, acc, k, g)
        ids = [table.rules[r].id for r in g]
        shown = "no condition on " + spec.id if merged is None else describe_when({spec.id: merged})
        message = (
            f"rows {', '.join(ids)} (→ {result_label(table, table.rules[g[0]].then)}) differ only in "
            f"{spec.id} and can be one row with {shown}"
        )
        if n == MAX_LISTED - 1 and len(groups) > MAX_LISTED:
            more = len(groups) - MAX_LISTED
            message += f"; {more} more group{'s' if more > 1 else ''} not listed"
        findings.append(Finding("mergeable", "warning", message, rules=tuple(ids)))
    return findings


def _components(table: CompiledTable, acc: Any, k: int, members: list[int], policy: HitPolicy) -> list[list[int]]:
    """Split rows equal but on input ``k`` into maximal groups whose merge is exact."""
    seen: dict[Any, int] = {}
    rows = []
    members = [r for r in members if not isinstance(acc[r][k], PieceRuns)]  # a union row: not merged here
    for r in members:  # identical rows are duplicates (unreachable/redundant), not a merge
        if acc[r][k] not in seen:
            seen[acc[r][k]] = r
            rows.append(r)
    if not rows:
        return []
    disjoint_needed = policy.counts_overlaps  # unique, collect: an overlap is a conflict or a second list entry
    numeric = isinstance(acc[rows[0]][k], tuple)
    if numeric:
        rows.sort(key=lambda r: acc[r][k])
        comps: list[list[int]] = []
        end = None
        for r in rows:
            lo, hi = acc[r][k]
            joined = end is not None and (lo == end + 1 or (lo <= end and not disjoint_needed))
            if joined:
                comps[-1].append(r)
                end = max(end, hi)
            else:
                comps.append([r])
                end = hi
    else:
        comps = [[]]
        union = 0
        for r in rows:
            if disjoint_needed and union & acc[r][k]:
                continue
            comps[0].append(r)
            union |= acc[r][k]
    out = []
    for comp in comps:
        # first, collect, and every single-hit policy in a table with outputs (any: agreeing rows with
        # other results, an outcome and equal values inline, give the first one's; priority: a class
        # keeps table order): the merged row at the first member's place must not reorder
        if policy.positional or (table.results and not policy.collects):
            comp = _positionally_safe(table, acc, sorted(comp))
        if len(comp) > 1 and (not numeric or _contiguous(acc, k, comp)):
            out.append(sorted(comp))
    return out


def _positionally_safe(table: CompiledTable, acc: Any, comp: list[int]) -> list[int]:
    """Members the merged row (at the first member's place) can absorb without reordering."""
    first = comp[0]
    keep = [first]
    for r in comp[1:]:
        between = range(first + 1, r)
        if not any(table.rules[b].then != table.rules[r].then and overlap(acc[b], acc[r]) for b in between):
            keep.append(r)
    return keep


def _contiguous(acc: Any, k: int, comp: list[int]) -> bool:
    spans = sorted(acc[r][k] for r in comp)
    end = spans[0][1]
    for lo, hi in spans[1:]:
        if lo > end + 1:
            return False
        end = max(end, hi)
    return True


def _merged_condition(table: CompiledTable, pieces: Any, acc: Any, k: int, group: list[int]) -> Any:
    ps = pieces[k]
    spec = table.inputs[k]
    column = table.columns[k]
    if isinstance(column, NumberColumn):
        lo = min(acc[r][k].first for r in group)
        hi = max(acc[r][k].last for r in group)
        lo_piece, hi_piece = ps[lo], ps[hi]
        whole = Piece(0, (), lo_piece.lo, hi_piece.hi, lo_piece.witness)
        return space.condition(spec, whole, column.points)
    union = 0
    for r in group:
        union |= acc[r][k]
    values = tuple(v for j, p in enumerate(ps) if union >> j & 1 for v in p.values)
    return space.condition(spec, Piece(0, values, 0, 0, values[0]), named=space.named_strings(column))
