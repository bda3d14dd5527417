"""The answer space of a compiled table, searched region by region, never point by point.

Enumerating answer sets explodes (ten inputs of ten options are 10¹⁰ of them),
but rows only ever distinguish answers through their conditions. So, per input,
the domain is cut into *pieces* that every row treats alike: a choice option, a
boolean, or a run of the compiler's numeric segments that holds at least one
answer of the domain (integers only for integer inputs, within the bounds).
The search then walks the product of pieces depth first with the bitmask of
*live* rows (rows that accept every piece chosen so far), and at every node

* drops live rows that accept no piece of some input (they match nothing here);
* stops when the live set is empty (a region no row matches), when every live
  row accepts every answer of the region (the live set is then constant over
  it), or when the caller's ``hook`` says nothing more can be learnt below;
* otherwise splits the region in two or three along one row's condition
  (see ``walk``), so that every region stays one condition per input.

Why this and not decision diagrams: the pieces are exactly the equivalence
classes a BDD would build, the live-row bitmask is the compiled index the engine
already has, and regions come out in the table's own condition syntax, which is
what lint, diff and ``possible`` must print. The search is explicit-stack (no
recursion limit on wide tables) and ticks a ``Budget`` so that a too-hard table
ends with a clear "incomplete" rather than a hang.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any, Callable, Container, Iterator, TypeVar, cast

from crossroads.engine.table.compiler import CompiledTable, InputSpec, segment_bounds, segment_witness
from crossroads.engine.table.conditions import Interval, format_number
from crossroads.engine.table.yamlscalar import quote


@dataclass(frozen=True, slots=True)
class Piece:
    """Answers to one input that the live rows treat alike.

    ``values`` are the option ids (choice) or booleans covered; numeric pieces
    cover the compiler's segments ``lo..hi`` (inclusive) instead. ``witness`` is
    one answer of the domain inside the piece.
    """

    mask: int
    values: tuple[Any, ...]
    lo: int
    hi: int
    witness: Any


IndexRange = tuple[int, int]
"""A number's part as its first and last index (inclusive): of its pieces in ``walk``, of its segments in ``parts``."""

Part = IndexRange | tuple[Piece, ...]
"""One input's part of a search node in ``walk``: a number's ``IndexRange`` of pieces, a choice's or boolean's pieces."""

RegionKey = tuple[IndexRange | frozenset[Any], ...]
"""A region in hashable form (``parts``): per input its segment range (a number) or the answers it allows."""

_Cut = tuple[IndexRange | frozenset[Any] | None, ...]
"""A ``RegionKey`` in ``merge_regions``, with None for an input's whole domain."""

_Payload = TypeVar("_Payload")


class Exhausted(Exception):
    """The search budget ran out."""


class Budget:
    """A deadline and a node allowance shared by one analysis; ``tick`` per node."""

    __slots__ = ("deadline", "nodes", "max_nodes")

    def __init__(self, max_seconds: float | None = None, max_nodes: int | None = None):
        self.deadline = None if max_seconds is None else time.monotonic() + max_seconds
        self.nodes = 0
        self.max_nodes = max_nodes

    def tick(self) -> None:
        self.nodes += 1
        if self.max_nodes is not None and self.nodes > self.max_nodes:
            raise Exhausted
        if self.deadline is not None and not self.nodes & 63 and time.monotonic() > self.deadline:
            raise Exhausted


@dataclass(frozen=True, slots=True)
class Leaf:
    """A region of the answer space: per input, the pieces it allows (their union).

    Over the region, every row in ``live`` matches some answer and no other row
    matches any; when ``constant`` the live rows match *every* answer of the
    region (otherwise the caller's hook settled it, and ``guaranteed`` is the
    subset that does).
    """

    region: tuple[tuple[Piece, ...], ...]
    live: int
    guaranteed: int
    constant: bool


Hook = Callable[[int, int], "tuple[int, bool]"]
"""``hook(live, guaranteed) -> (live, settle)``: the policy's chance to drop rows
that cannot matter below this node, or to stop the search here."""


MAX_PIECE_BITS = 1 << 29
"""A search holds one row mask per segment of every numeric input it splits: past rows ×
segments = 2²⁹ bits (64 MiB) in all it is not started — the row analysis and ``diff`` then
report that they are incomplete, partial answers fall back to the sound bound (``exact``
false) — so memory stays bounded on huge tables (100,000 rows of one integer input each
with its own value: 2·10¹⁰ bits). The guide page applies the same rule."""


def piece_bits(table: CompiledTable, skip: Container[str] = ()) -> int:
    """The bits ``root_pieces`` would hold for the numeric inputs not in ``skip``."""
    return sum(2 * len(c.points) + 1 for c in table.columns if c.points is not None and c.input not in skip) * len(
        table.rules
    )


def too_large(table: CompiledTable, skip: Container[str] = ()) -> bool:
    """Whether splitting the numeric inputs not in ``skip`` into pieces is past ``MAX_PIECE_BITS``."""
    return piece_bits(table, skip) > MAX_PIECE_BITS


def root_pieces(table: CompiledTable) -> tuple[tuple[Piece, ...], ...]:
    """The finest pieces of every input (witness-less numeric segments absorbed)."""
    return tuple(input_pieces(spec, col) for spec, col in zip(table.inputs, table.columns))


def input_pieces(spec: InputSpec, column: Any) -> tuple[Piece, ...]:
    if spec.type == "choice":
        return tuple(Piece(column.table[o], (o,), 0, 0, o) for o in spec.option_ids)
    if spec.type == "boolean":
        return tuple(Piece(column.table[b], (b,), 0, 0, b) for b in (True, False))
    points = column.points
    pieces: list[Piece] = []
    start = 0
    last = len(column.masks) - 1
    for s, mask in enumerate(column.masks):
        w = segment_witness(spec, points, s)
        if w is None:
            continue
        pieces.append(Piece(mask, (), start, s, w))
        start = s + 1
    if pieces and start <= last:  # trailing answer-less segments join the last piece
        p = pieces[-1]
        pieces[-1] = Piece(p.mask, (), p.lo, last, p.witness)
    return tuple(pieces)


def _union_every(pieces: tuple[Piece, ...]) -> tuple[int, int]:
    """Rows accepting some / every answer of these pieces."""
    union, every = 0, -1
    for p in pieces:
        union |= p.mask
        every &= p.mask
    return union, every


class Runs:
    """A number's pieces in a segment tree: sub-runs answered in O(log n), not O(n).

    A row's condition on a number is one interval, so the pieces it accepts
    are one contiguous run; where that run starts and ends inside a region is
    a descent of the OR tree. Wide tables cut numbers into thousands of pieces,
    and this keeps a split as cheap as on a choice.
    """

    def __init__(self, pieces: tuple[Piece, ...]):
        self.pieces = pieces
        size = 1 << max(len(pieces) - 1, 1).bit_length()
        self.size = size
        ors, ands = [0] * (2 * size), [-1] * (2 * size)
        for i, p in enumerate(pieces):
            ors[size + i] = ands[size + i] = p.mask
        for k in range(size - 1, 0, -1):
            ors[k] = ors[2 * k] | ors[2 * k + 1]
            ands[k] = ands[2 * k] & ands[2 * k + 1]
        self.ors, self.ands = ors, ands

    def _nodes(self, lo: int, hi: int) -> list[int]:
        """The tree nodes that tile pieces ``lo..hi``, left to right."""
        left, right = [], []
        l, r = lo + self.size, hi + self.size + 1
        while l < r:
            if l & 1:
                left.append(l)
                l += 1
            if r & 1:
                r -= 1
                right.append(r)
            l >>= 1
            r >>= 1
        return left + right[::-1]

    def union_every(self, lo: int, hi: int) -> tuple[int, int]:
        union, every = 0, -1
        for k in self._nodes(lo, hi):
            union |= self.ors[k]
            every &= self.ands[k]
        return union, every

    def run(self, bit: int, lo: int, hi: int) -> tuple[int, int]:
        """First and last piece in ``lo..hi`` that the row ``bit`` accepts (it accepts some)."""
        nodes = self._nodes(lo, hi)
        return self._descend(bit, nodes, 0), self._descend(bit, nodes[::-1], 1)

    def _descend(self, bit: int, nodes: list[int], right: int) -> int:
        ors = self.ors
        k = next(k for k in nodes if ors[k] & bit)
        while k < self.size:
            k = 2 * k + right if ors[2 * k + right] & bit else 2 * k + 1 - right
        return k - self.size


def walk(
    table: CompiledTable,
    pieces: tuple[tuple[Piece, ...], ...],
    live: int,
    budget: Budget,
    hook: Hook | None = None,
) -> Iterator[Leaf]:
    """Every region of the space within ``pieces``, depth first, in a row-driven order.

    A node splits on the lowest live row that does not yet match its whole
    region, along that row's first condition that cuts it: the answers it
    accepts, and the ones it refuses (for a number, those below and those
    above). So the first rows' regions are carved out first, which is what the
    ``first`` policy decides by, and every region stays one condition per input.
    Per input, the rows accepting some / every answer of the region are kept
    with the node, so a node costs the one input it splits: its pieces for a
    choice, a few tree lookups for a number (``Runs``). A
    number's part of a region is then a pair of piece indexes; ``Leaf.region``
    shows it as its first and last piece, which is all a region needs.
    """
    numeric = (i.type in ("integer", "number") for i in table.inputs)
    runs = tuple(Runs(ps) if num else None for num, ps in zip(numeric, pieces))
    start: tuple[Part, ...] = tuple((0, len(ps) - 1) if r is not None else ps for r, ps in zip(runs, pieces))
    summary = tuple(r.union_every(0, len(ps) - 1) if r is not None else _union_every(ps) for r, ps in zip(runs, pieces))
    stack: list[tuple[tuple[Part, ...], tuple[tuple[int, int], ...], int]] = [(start, summary, live)]
    while stack:
        budget.tick()
        work, summary, live = stack.pop()
        while True:
            for union, _ in summary:  # rows refusing every answer of some input match nothing here
                live &= union
            guaranteed = live
            for _, every in summary:
                guaranteed &= every
            if hook is None or not live:
                settle = False
                break
            new_live, settle = hook(live, guaranteed)
            if new_live == live:
                break
            live = new_live
        if not live or settle or live == guaranteed:
            yield Leaf(_region(work, runs), live, guaranteed, live == guaranteed)
            continue
        bit = live & ~guaranteed
        bit &= -bit
        at = next(i for i, (_, every) in enumerate(summary) if not every & bit)
        tree = runs[at]
        children: list[tuple[Part, tuple[int, int]]] = []
        if tree is not None:  # refused below, accepted, refused above
            lo, hi = cast(IndexRange, work[at])  # runs[at] is set for numbers only
            first, last = tree.run(bit, lo, hi)
            for a, b in ((lo, first - 1), (first, last), (last + 1, hi)):
                if a <= b:
                    children.append(((a, b), tree.union_every(a, b)))
        else:
            choices = cast(tuple[Piece, ...], work[at])
            for g in (tuple(p for p in choices if p.mask & bit), tuple(p for p in choices if not p.mask & bit)):
                children.append((g, _union_every(g)))
        for part, union_every in reversed(children):
            stack.append(
                (
                    work[:at] + (part,) + work[at + 1 :],
                    summary[:at] + (union_every,) + summary[at + 1 :],
                    live & union_every[0],
                )
            )


def _region(work: tuple[Part, ...], runs: tuple[Runs | None, ...]) -> tuple[tuple[Piece, ...], ...]:
    out: list[tuple[Piece, ...]] = []
    for part, tree in zip(work, runs):
        if tree is None:
            out.append(cast(tuple[Piece, ...], part))
        else:
            lo, hi = cast(IndexRange, part)
            out.append((tree.pieces[lo],) if lo == hi else (tree.pieces[lo], tree.pieces[hi]))
    return tuple(out)


def _ids_yaml(values: tuple[Any, ...]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def condition(spec: InputSpec, piece: Piece, points: Any = None) -> Any:
    """A piece as a ``when`` value in the table's own syntax; None when it is the whole domain."""
    if spec.type == "choice":
        if len(piece.values) == len(spec.options):
            return None
        chosen = set(piece.values)
        values = tuple(o for o in spec.option_ids if o in chosen)
        rest = tuple(o for o in spec.option_ids if o not in chosen)
        if len(values) > 2 and len(rest) < len(values):
            return {"not": _ids_yaml(rest)}
        return _ids_yaml(values)
    if spec.type == "boolean":
        return None if len(piece.values) == 2 else piece.values[0]
    iv = interval(points, piece)
    if iv.lo is None and iv.hi is None:
        return None
    if iv.lo is not None and iv.lo == iv.hi:
        return iv.lo
    return iv.text()


def interval(points: Any, piece: Piece) -> Interval:
    """The numeric piece as one interval (from its first segment's start to its last's end)."""
    first, last = segment_bounds(points, piece.lo), segment_bounds(points, piece.hi)
    return Interval(first.lo, first.lo_closed, last.hi, last.hi_closed)


def span(spec: InputSpec, pieces: tuple[Piece, ...]) -> Piece:
    """Several pieces of one input as one (numeric pieces are adjacent)."""
    if spec.type in ("integer", "number"):
        return Piece(0, (), pieces[0].lo, pieces[-1].hi, pieces[0].witness)
    return Piece(0, tuple(v for p in pieces for v in p.values), 0, 0, pieces[0].witness)


def region_when(table: CompiledTable, region: tuple[tuple[Piece, ...], ...]) -> dict[str, Any]:
    """A region as a rule-style ``when`` mapping, in input order (unrestricted inputs left out)."""
    out: dict[str, Any] = {}
    for spec, column, pieces in zip(table.inputs, table.columns, region):
        c = condition(spec, span(spec, pieces), column.points)
        if c is not None:
            out[spec.id] = c
    return out


def parts(table: CompiledTable, region: tuple[tuple[Piece, ...], ...]) -> RegionKey:
    """A region in hashable form: per input its option set, or its segment range (numbers)."""
    return tuple(
        (ps[0].lo, ps[-1].hi) if spec.type in ("integer", "number") else frozenset(v for p in ps for v in p.values)
        for spec, ps in zip(table.inputs, region)
    )


def merge_regions(
    table: CompiledTable, pieces: tuple[tuple[Piece, ...], ...], regions_in: Sequence[tuple[RegionKey, _Payload]]
) -> list[tuple[dict[str, Any], _Payload]]:
    """Join regions (``parts``, payload) that differ on one input where one condition covers both.

    The search cuts the space in its own order, so one area (a gap, a changed
    result) can come out in several pieces; regions equal but on one input,
    whose parts there are options (any) or adjacent intervals, are one region.
    Still disjoint, still covering the same answers, just fewer and easier to
    read. Each result keeps the payload of its first part; → (``when``, payload).
    """
    numeric = [i.type in ("integer", "number") for i in table.inputs]
    last = [ps[-1].hi if numeric[i] else None for i, ps in enumerate(pieces)]
    everything = [None if numeric[i] else frozenset(v for p in ps for v in p.values) for i, ps in enumerate(pieces)]
    whole = [(0, last[i]) if numeric[i] else everything[i] for i in range(len(pieces))]
    regions: list[tuple[_Cut, _Payload]] = [
        (tuple(None if part == whole[i] else part for i, part in enumerate(ps_)), payload)
        for ps_, payload in regions_in
    ]

    def span_at(n: int, k: int) -> IndexRange:  # a number's part of region n: set on every member of a bucket
        return cast(IndexRange, regions[n][0][k])

    def values_at(n: int, k: int) -> frozenset[Any]:  # a choice's or boolean's part of region n, likewise
        return cast(frozenset[Any], regions[n][0][k])

    changed = True
    while changed and len(regions) > 1:
        changed = False
        for k in range(len(table.inputs)):
            buckets: dict[tuple[Any, ...], list[int]] = {}
            for n, (cut, _) in enumerate(regions):
                if cut[k] is not None:
                    buckets.setdefault(cut[:k] + cut[k + 1 :], []).append(n)
            merged: dict[int, tuple[_Cut, _Payload]] = {}
            gone: set[int] = set()
            for members in buckets.values():
                if len(members) < 2:
                    continue
                if numeric[k]:
                    members.sort(key=lambda n: span_at(n, k))
                    runs = [[members[0]]]
                    for n in members[1:]:
                        if span_at(n, k)[0] == span_at(runs[-1][-1], k)[1] + 1:
                            runs[-1].append(n)
                        else:
                            runs.append([n])
                else:
                    runs = [members]
                for run_ in runs:
                    if len(run_) < 2:
                        continue
                    cut, payload = regions[run_[0]]
                    joined: IndexRange | frozenset[Any] | None
                    if numeric[k]:
                        joined = (span_at(run_[0], k)[0], span_at(run_[-1], k)[1])
                        joined = None if joined == (0, last[k]) else joined
                    else:
                        joined = frozenset().union(*(values_at(n, k) for n in run_))
                        joined = None if joined == everything[k] else joined
                    merged[min(run_)] = (cut[:k] + (joined,) + cut[k + 1 :], payload)
                    gone.update(run_)
            if gone:
                changed = True
                regions = [
                    merged[n] if n in merged else r for n, r in enumerate(regions) if n in merged or n not in gone
                ]
    out = []
    for cut, payload in regions:
        region = []
        for i, part in enumerate(cut):
            if part is None:
                region.append(pieces[i])
            elif numeric[i]:
                lo, hi = cast(IndexRange, part)
                region.append((Piece(0, (), lo, hi, None),))
            else:
                region.append((Piece(0, tuple(v for p in pieces[i] for v in p.values if v in part), 0, 0, None),))
        out.append((region_when(table, tuple(region)), payload))
    return out


def leaf_witness(table: CompiledTable, leaf: Leaf) -> dict[str, Any]:
    """One complete answer set inside the region (every input answered, in input order)."""
    return {spec.id: pieces[0].witness for spec, pieces in zip(table.inputs, leaf.region)}


def yaml_scalar(value: Any) -> str:
    """A value as it would be written in a table (flow YAML), quoted only where needed."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value, flow=True)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    return format_number(value)


def describe_when(when: dict[str, Any]) -> str:
    """``change: both, examples: "< 300"``; ``any answer`` for the whole space."""
    if not when:
        return "any answer"
    parts = []
    for key, value in when.items():
        if isinstance(value, str) and value[:1] in "<>=[(":
            parts.append(f'{key}: "{value}"')
        else:
            parts.append(f"{key}: {yaml_scalar(value)}")
    return ", ".join(parts)


def describe_answers(answers: dict[str, Any]) -> str:
    """``change=both, freshness=static, citations=true, examples=300``."""
    return ", ".join(f"{k}={yaml_scalar(v) if not isinstance(v, str) else v}" for k, v in answers.items())


def describe_region(when: dict[str, Any]) -> str:
    """A region for people: ``change=behaviour, examples in [300, 1000), budget=tight``."""
    if not when:
        return "every answer"
    parts = []
    for key, value in when.items():
        if isinstance(value, dict):
            inner = value["not"]
            parts.append(f"{key} not in {yaml_scalar(inner if isinstance(inner, list) else [inner])}")
        elif isinstance(value, list):
            parts.append(f"{key} in {yaml_scalar(value)}")
        elif isinstance(value, str) and value[:1] in "[(":
            parts.append(f"{key} in {value}")
        elif isinstance(value, str) and value[:1] in "<>=":
            parts.append(f"{key} {value}")
        else:
            parts.append(f"{key}={yaml_scalar(value)}")
    return ", ".join(parts)
