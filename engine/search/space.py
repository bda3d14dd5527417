"""The answer space of a compiled table, searched region by region, never point by point.

Enumerating answer sets explodes (ten inputs of ten options are 10¹⁰ of them),
but rows only ever distinguish answers through their conditions. So, per input,
the domain is cut into *pieces* that every row treats alike: a choice option, a
boolean, a string some row names or the class of every other string (``OTHER``), or a run of the compiler's numeric segments that holds at least one
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable, Container, Generic, Iterator, NamedTuple, TypeVar

from crossroads.engine.table.compiler import (
    ChoiceColumn,
    Column,
    NUMERIC_TYPES,
    CompiledTable,
    InputSpec,
    NumberColumn,
    TextColumn,
    other_witness,
    segment_bounds,
    segment_witness,
)
from crossroads.engine.table import dates
from crossroads.engine.table.conditions import Interval, Num


@dataclass(frozen=True, slots=True)
class OtherStrings:
    """The value of a string input's piece "every string no row names" (``OTHER``): never a string,
    so it cannot collide with one; the piece's witness is ``compiler.other_witness``."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER = OtherStrings()


@dataclass(frozen=True, slots=True)
class Piece:
    """Answers to one input that the live rows treat alike.

    ``values`` are the option ids (choice), booleans or strings covered (``OTHER`` for a string
    input's class of every string no row names); numeric pieces
    cover the compiler's segments ``lo..hi`` (inclusive) instead. ``witness`` is
    one answer of the domain inside the piece.
    """

    mask: int
    values: tuple[Any, ...]
    lo: int
    hi: int
    witness: Any


class PieceRange(NamedTuple):
    """A number's part of a search node in ``walk``: its pieces ``first..last`` (indexes, inclusive)."""

    first: int
    last: int


class SegmentRange(NamedTuple):
    """A number's part of a ``RegionKey``: the compiler's segments ``first..last`` (inclusive)."""

    first: int
    last: int


Part = PieceRange | tuple[Piece, ...]
"""One input's part of a search node in ``walk``: a number's ``PieceRange``, or the pieces a choice or boolean allows."""


@dataclass(frozen=True, slots=True)
class Stretch:
    """A number's part of a region (``Leaf.region``): every piece from ``first`` to ``last`` (one piece: both)."""

    first: Piece
    last: Piece


RegionPart = Stretch | tuple[Piece, ...]
"""One input's part of a region: a number's ``Stretch``, or the pieces (their union) a choice or boolean allows."""

Region = tuple[RegionPart, ...]
"""A region of the answer space, one part per input in input order."""

RegionKey = tuple[SegmentRange | frozenset[Any], ...]
"""A region in hashable form (``parts``): per input its ``SegmentRange`` (a number) or the answers it allows."""

_Cut = tuple[SegmentRange | frozenset[Any] | None, ...]
"""A ``RegionKey`` in ``merge_regions``, with None for an input's whole domain."""


class Rows(NamedTuple):
    """The rows accepting ``some`` / ``every`` answer of one input's part of a region."""

    some: int
    every: int


class _Node(NamedTuple):
    """A search node on ``walk``'s stack: per input its part and their ``Rows``, and the live rows."""

    parts: tuple[Part, ...]
    rows: tuple[Rows, ...]
    live: int


_Payload = TypeVar("_Payload")


class Merged(NamedTuple, Generic[_Payload]):
    """One region out of ``merge_regions``: its ``when`` mapping and the payload of its first part."""

    when: dict[str, Any]
    payload: _Payload


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
    """A region of the answer space: per input, the part of its domain it allows.

    Over the region, every row in ``live`` matches some answer and no other row
    matches any; when ``constant`` the live rows match *every* answer of the
    region (otherwise the caller's hook settled it, and ``guaranteed`` is the
    subset that does).
    """

    region: Region
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
    segments = sum(2 * len(c.points) + 1 for c in table.columns if isinstance(c, NumberColumn) and c.input not in skip)
    return segments * len(table.rules)


def too_large(table: CompiledTable, skip: Container[str] = ()) -> bool:
    """Whether splitting the numeric inputs not in ``skip`` into pieces is past ``MAX_PIECE_BITS``."""
    return piece_bits(table, skip) > MAX_PIECE_BITS


def root_pieces(table: CompiledTable) -> tuple[tuple[Piece, ...], ...]:
    """The finest pieces of every input (witness-less numeric segments absorbed)."""
    return tuple(input_pieces(spec, col) for spec, col in zip(table.inputs, table.columns))


def input_pieces(spec: InputSpec, column: Column) -> tuple[Piece, ...]:
    """One input's finest pieces: an option or a boolean each; for a number, runs of segments with an answer."""
    if isinstance(column, ChoiceColumn):
        values: tuple[Any, ...] = spec.option_ids if spec.type == "choice" else (True, False)
        return tuple(Piece(column.table[v], (v,), 0, 0, v) for v in values)
    if isinstance(column, TextColumn):
        named = tuple(Piece(m, (v,), 0, 0, v) for v, m in column.table.items())
        return named + (Piece(column.other, (OTHER,), 0, 0, other_witness(column.table)),)
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


def _union_every(pieces: tuple[Piece, ...]) -> Rows:
    """Rows accepting some / every answer of these pieces."""
    union, every = 0, -1
    for p in pieces:
        union |= p.mask
        every &= p.mask
    return Rows(union, every)


class Runs:
    """A number's pieces in a segment tree: sub-runs answered in O(log n), not O(n).

    A row's condition on a number is one interval, so the pieces it accepts
    are one contiguous run, or (a union) a few; where a run starts and ends
    inside a region is a descent of the OR tree (and of the AND tree). Wide tables cut numbers into thousands of pieces,
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

    def union_every(self, lo: int, hi: int) -> Rows:
        """Rows accepting some / every answer of pieces ``lo..hi``."""
        union, every = 0, -1
        for k in self._nodes(lo, hi):
            union |= self.ors[k]
            every &= self.ands[k]
        return Rows(union, every)

    def hull(self, bit: int, lo: int, hi: int) -> PieceRange:
        """First and last piece in ``lo..hi`` that the row ``bit`` accepts (it accepts some)."""
        nodes = self._nodes(lo, hi)
        return PieceRange(self._descend(bit, nodes, 0), self._descend(bit, nodes[::-1], 1))

    def run(self, bit: int, lo: int, hi: int) -> PieceRange:
        """The first run of pieces in ``lo..hi`` that the row ``bit`` accepts (it accepts some): from
        its first accepted piece to the last before one it refuses. One interval is one run; a union
        condition (``!=``, a list, ``{not: ...}``) may have several, split off one at a time."""
        nodes = self._nodes(lo, hi)
        first, last = self._descend(bit, nodes, 0), self._descend(bit, nodes[::-1], 1)
        inner = self._nodes(first, last)
        ands = self.ands
        k = next((k for k in inner if not ands[k] & bit), None)
        if k is None:
            return PieceRange(first, last)
        while k < self.size:  # the first refused piece after ``first``: the run ends before it
            k = 2 * k if not ands[2 * k] & bit else 2 * k + 1
        return PieceRange(first, k - self.size - 1)

    def _descend(self, bit: int, nodes: list[int], right: int) -> int:
        ors = self.ors
        k = next(k for k in nodes if ors[k] & bit)
        while k < self.size:
            k = 2 * k + right if ors[2 * k + right] & bit else 2 * k + 1 - right
        return k - self.size


def number_trees(table: CompiledTable, pieces: tuple[tuple[Piece, ...], ...]) -> dict[int, Runs]:
    """The numeric inputs' pieces as segment trees (``Runs``), by input index, for ``walk``."""
    return {k: Runs(ps) for k, (spec, ps) in enumerate(zip(table.inputs, pieces)) if spec.type in NUMERIC_TYPES}


def walk(
    table: CompiledTable,
    pieces: tuple[tuple[Piece, ...], ...],
    live: int,
    budget: Budget,
    hook: Hook | None = None,
    prefer: int = 0,
    trees: dict[int, Runs] | None = None,
    start: tuple[Part, ...] | None = None,
) -> Iterator[Leaf]:
    """Every region of the space within ``pieces``, depth first, in a row-driven order.

    A node splits on the lowest live row that does not yet match its whole
    region, along that row's first condition that cuts it: the answers it
    accepts, and the ones it refuses (for a number, those below and those
    above). So the first rows' regions are carved out first, which is what the
    ``first`` policy decides by, and every region stays one condition per input.
    Per input, the ``Rows`` accepting some / every answer of the region are kept
    with the node, so a node costs the one input it splits: its pieces for a
    choice, a few tree lookups for a number (``Runs``). A number's part of a
    node is a ``PieceRange``; ``Leaf.region`` shows it as a ``Stretch`` of its
    first and last piece, which is all a region needs.

    ``prefer``: rows to split on first, when one split makes one of them match its whole part
    (it cuts the region on one input only). A search for a cover wants that: the accepted part
    is then settled at once, where the lowest row might cut into a dozen parts on the way.

    ``trees`` (``number_trees(table, pieces)``) and ``start`` (a node's parts, within ``pieces``;
    default: all of them) let many small searches over the same pieces share the numbers' trees.
    """
    if trees is None:
        trees = number_trees(table, pieces)
    if start is None:
        start = tuple(PieceRange(0, len(ps) - 1) if k in trees else ps for k, ps in enumerate(pieces))
    summary = tuple(
        trees[k].union_every(*part) if isinstance(part, PieceRange) else _union_every(part)
        for k, part in enumerate(start)
    )
    stack = [_Node(start, summary, live)]
    while stack:
        budget.tick()
        work, summary, live = stack.pop()
        while True:
            for some, _ in summary:  # rows refusing every answer of some input match nothing here
                live &= some
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
            yield Leaf(_region(work, trees), live, guaranteed, live == guaranteed)
            continue
        bit = live & ~guaranteed
        if prefer:
            near = bit & prefer & _nearly(summary)
            if near:
                bit = near
        bit &= -bit
        at = next(i for i, (_, every) in enumerate(summary) if not every & bit)
        part = work[at]
        children: list[tuple[Part, Rows]] = []
        if isinstance(part, PieceRange):  # refused below, accepted, refused above
            tree = trees[at]
            lo, hi = part
            first, last = tree.run(bit, lo, hi)
            for a, b in ((lo, first - 1), (first, last), (last + 1, hi)):
                if a <= b:
                    children.append((PieceRange(a, b), tree.union_every(a, b)))
        else:
            for g in (tuple(p for p in part if p.mask & bit), tuple(p for p in part if not p.mask & bit)):
                children.append((g, _union_every(g)))
        for child, rows in reversed(children):
            stack.append(
                _Node(
                    work[:at] + (child,) + work[at + 1 :], summary[:at] + (rows,) + summary[at + 1 :], live & rows.some
                )
            )


def _nearly(summary: tuple[Rows, ...]) -> int:
    """Rows accepting every answer of the region on all inputs but at most one."""
    n = len(summary)
    prefix = [-1] * (n + 1)
    for k, (_, every) in enumerate(summary):
        prefix[k + 1] = prefix[k] & every
    out, suffix = 0, -1
    for k in range(n - 1, -1, -1):
        out |= prefix[k] & suffix
        suffix &= summary[k].every
    return out


def _region(work: tuple[Part, ...], trees: dict[int, Runs]) -> Region:
    return tuple(
        Stretch(trees[k].pieces[part.first], trees[k].pieces[part.last]) if isinstance(part, PieceRange) else part
        for k, part in enumerate(work)
    )


def _ids_yaml(values: tuple[Any, ...]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def condition(spec: InputSpec, piece: Piece, points: tuple[Num, ...] = (), named: tuple[str, ...] = ()) -> Any:
    """A piece as a ``when`` value in the table's own syntax; None when it is the whole domain.

    Data, not text (``engine/table/wording.py`` writes it out); ``points`` are the
    numeric column's, for a number's piece; ``named`` the strings a string input's rows
    name (``TextColumn.table``), for a string's piece.
    """
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
    if spec.type == "string":
        return _string_condition(piece.values, named)
    iv = interval(points, piece)
    if iv.lo is None and iv.hi is None:
        return None
    if spec.type == "date":  # day numbers inside, YYYY-MM-DD in the syntax (a bare date: that day)
        if iv.lo is not None and iv.lo == iv.hi:
            return dates.format_day(int(iv.lo))
        return iv.text(lambda n: dates.format_day(int(n)))
    if iv.lo is not None and iv.lo == iv.hi:
        return iv.lo
    return iv.text()


def _string_condition(values: tuple[Any, ...], named: tuple[str, ...]) -> Any:
    """A string input's piece (named strings, maybe ``OTHER``) as a condition: a string, a list of
    them, or, with every other string, ``{not: <the named strings left out>}``; None: every string."""
    chosen = set(values)
    if OTHER in chosen:
        rest = tuple(v for v in named if v not in chosen)
        return {"not": _ids_yaml(rest)} if rest else None
    return _ids_yaml(tuple(v for v in named if v in chosen))


def named_strings(column: Column) -> tuple[str, ...]:
    """The strings a string input's rows name (empty for any other column)."""
    return tuple(column.table) if isinstance(column, TextColumn) else ()


def interval(points: tuple[Num, ...], piece: Piece) -> Interval:
    """The numeric piece as one interval (from its first segment's start to its last's end)."""
    first, last = segment_bounds(points, piece.lo), segment_bounds(points, piece.hi)
    return Interval(first.lo, first.lo_closed, last.hi, last.hi_closed)


def span(part: RegionPart) -> Piece:
    """One input's part of a region as one piece (a number's from its first to its last segment)."""
    if isinstance(part, Stretch):
        return Piece(0, (), part.first.lo, part.last.hi, part.first.witness)
    return Piece(0, tuple(v for p in part for v in p.values), 0, 0, part[0].witness)


def region_when(table: CompiledTable, region: Region) -> dict[str, Any]:
    """A region as a rule-style ``when`` mapping, in input order (unrestricted inputs left out)."""
    out: dict[str, Any] = {}
    for spec, column, part in zip(table.inputs, table.columns, region):
        c = condition(
            spec, span(part), column.points if isinstance(column, NumberColumn) else (), named_strings(column)
        )
        if c is not None:
            out[spec.id] = c
    return out


def parts(region: Region) -> RegionKey:
    """A region in hashable form: per input its option set, or its segment range (numbers)."""
    return tuple(
        SegmentRange(part.first.lo, part.last.hi)
        if isinstance(part, Stretch)
        else frozenset(v for p in part for v in p.values)
        for part in region
    )


def merge_regions(
    table: CompiledTable, pieces: tuple[tuple[Piece, ...], ...], regions_in: Sequence[tuple[RegionKey, _Payload]]
) -> list[Merged[_Payload]]:
    """Join regions (``parts``, payload) that differ on one input where one condition covers both.

    The search cuts the space in its own order, so one area (a gap, a changed
    result) can come out in several pieces; regions equal but on one input,
    whose parts there are options (any) or adjacent intervals, are one region.
    Still disjoint, still covering the same answers, just fewer and easier to
    read. Each result keeps the payload of its first part.
    """
    numeric = [i.type in NUMERIC_TYPES for i in table.inputs]
    whole: list[SegmentRange | frozenset[Any]] = [
        SegmentRange(0, ps[-1].hi) if numeric[i] else frozenset(v for p in ps for v in p.values)
        for i, ps in enumerate(pieces)
    ]
    regions: list[tuple[_Cut, _Payload]] = [
        (tuple(None if part == whole[i] else part for i, part in enumerate(key)), payload)
        for key, payload in regions_in
    ]

    def span_at(n: int, k: int) -> SegmentRange:  # a number's part of region n: set on every member of a bucket
        part = regions[n][0][k]
        assert isinstance(part, SegmentRange)
        return part

    def values_at(n: int, k: int) -> frozenset[Any]:  # a choice's or boolean's part of region n, likewise
        part = regions[n][0][k]
        assert isinstance(part, frozenset)
        return part

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
                        if span_at(n, k).first == span_at(runs[-1][-1], k).last + 1:
                            runs[-1].append(n)
                        else:
                            runs.append([n])
                else:
                    runs = [members]
                for run_ in runs:
                    if len(run_) < 2:
                        continue
                    cut, payload = regions[run_[0]]
                    joined: SegmentRange | frozenset[Any] | None
                    if numeric[k]:
                        joined = SegmentRange(span_at(run_[0], k).first, span_at(run_[-1], k).last)
                    else:
                        joined = frozenset().union(*(values_at(n, k) for n in run_))
                    joined = None if joined == whole[k] else joined
                    merged[min(run_)] = (cut[:k] + (joined,) + cut[k + 1 :], payload)
                    gone.update(run_)
            if gone:
                changed = True
                regions = [
                    merged[n] if n in merged else r for n, r in enumerate(regions) if n in merged or n not in gone
                ]
    out = []
    for cut, payload in regions:
        region: list[RegionPart] = []
        for i, part in enumerate(cut):
            if part is None:
                region.append(Stretch(pieces[i][0], pieces[i][-1]) if numeric[i] else pieces[i])
            elif isinstance(part, SegmentRange):
                p = Piece(0, (), part.first, part.last, None)
                region.append(Stretch(p, p))
            else:
                region.append((Piece(0, tuple(v for p in pieces[i] for v in p.values if v in part), 0, 0, None),))
        out.append(Merged(region_when(table, tuple(region)), payload))
    return out


def leaf_witness(table: CompiledTable, leaf: Leaf) -> dict[str, Any]:
    """One complete answer set inside the region (every input answered, in input order)."""
    return {
        spec.id: part.first.witness if isinstance(part, Stretch) else part[0].witness
        for spec, part in zip(table.inputs, leaf.region)
    }
