"""Compile a validated table into an index that decides without scanning rows.

For every input we map each possible answer to the bitmask of rows that accept
it (bit ``i`` is row ``i``, so "first match" is the lowest set bit):

* choice and boolean inputs: a dict from the answer to its mask;
* string inputs: a dict from every string some row names to its mask, and the
  mask of every other string (``TextColumn.other``);
* integer, number and date inputs (a date as its day number, ``dates.day``): the sorted distinct bounds of all conditions
  (``points``) cut the line into segments ``(-inf, p0), {p0}, (p0, p1), {p1},
  ...``; ``masks[s]`` is the rows accepting segment ``s``, found with one
  ``bisect``.

Evaluation ANDs one mask per answered input. For unanswered inputs each column
also carries ``every`` (rows that accept every answer in the input's domain)
and ``some`` (rows that accept at least one), which bound what a partial
answer set can still lead to. The compiled table is self-contained (texts
included) so that the cache can rebuild it from JSON without pydantic.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Iterator, Literal, Mapping

from crossroads.engine.table import conditions as cond
from crossroads.engine.table import dates, numbers
from crossroads.engine.table.conditions import Interval, IntervalSet, Num
from crossroads.engine.table.policies import POLICIES, PolicyName, agree
from crossroads.engine.table import values as vals

InputType = Literal["choice", "boolean", "integer", "number", "string", "date"]
"""The input types a table may declare (``inputs[].type``)."""

NUMERIC_TYPES: tuple[InputType, ...] = ("integer", "number", "date")
"""The input types indexed by a ``NumberColumn`` (a date by its day number): one interval per condition,
or an ``IntervalSet`` (a union) kept per row as ``Runs``."""


@dataclass(frozen=True, slots=True)
class OptionSpec:
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True, slots=True)
class InputSpec:
    id: str
    type: InputType
    prompt: str
    help: str | None = None
    options: tuple[OptionSpec, ...] = ()
    minimum: Num | None = None  # a date input's: its day number (``dates.day``)
    maximum: Num | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    id: str
    title: str
    summary: str | None = None
    choose_when: tuple[str, ...] = ()
    tradeoffs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """One declared output: ``options`` are a choice output's (their order is its priority), else empty."""

    id: str
    type: str
    title: str
    options: tuple[OptionSpec, ...] = ()

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True, slots=True)
class ResultSpec:
    """One distinct result a row or the default gives, in a table with ``outputs``.

    ``outcome``: the named outcome's index (None: values given inline); ``values``: every output's
    canonical value (``engine/table/values.py``). Results are interned: rows giving equal values
    inline share one, and ``CompiledTable.results[:len(outcomes)]`` are the named outcomes.
    """

    outcome: int | None
    values: vals.Values


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    then: int  # index into outcomes (a table with outputs: into results, whose first ones are the outcomes)
    because: str | None
    conditions: tuple[tuple[str, str], ...]  # (input id, condition as written)


Span = tuple[int, int]
"""A numeric row's run of segments, first and last (inclusive); ``EMPTY_SPAN`` when its condition holds none."""


@dataclass(frozen=True, slots=True)
class Runs:
    """A numeric row's several runs of segments (an ``IntervalSet`` condition: ``!=``, a list, ``{not: ...}``).

    ``parts``: at least two spans, in order, never adjacent (at least one segment lies between
    two runs: ``run[i][1] + 1 < run[i + 1][0]``), so that at a segment boundary a row only starts
    or only stops. Only such rows carry one; every other row keeps its one ``Span``.
    """

    parts: tuple[Span, ...]


RowSpan = Span | Runs
"""What a numeric column keeps per constrained row: one run, or several (``Runs``)."""


def runs_of(span: RowSpan) -> tuple[Span, ...]:
    """A row's runs as a tuple (one for a ``Span``, the empty span included)."""
    return span.parts if isinstance(span, Runs) else (span,)


@dataclass(frozen=True, slots=True)
class ChoiceColumn:
    """The row index of a choice or boolean input: ``table[answer]`` is the rows accepting it.

    Keyed by option id (choice) or by ``True``/``False`` (boolean), in the
    input's order; ``every``/``some``: rows accepting every / at least one answer.
    """

    input: str
    table: dict[Any, int]
    every: int
    some: int

    def lookup(self, value: Any) -> int:
        """The rows accepting ``value`` (0 for an answer not in the table)."""
        return self.table.get(value, 0)


@dataclass(frozen=True, slots=True)
class NumberColumn:
    """The row index of an integer or number input: segments cut at ``points``.

    It keeps, per row, the one run of segments its condition accepts
    (``spans[row] = (first, last)``; None: no condition on this input,
    ``EMPTY_SPAN``: a condition no segment satisfies; ``Runs``: several runs,
    for a union condition) — O(rows), never a full
    row mask per segment (that grew with rows², issue 17). ``lookup`` reads the
    mask of a segment from a ``SegmentIndex`` built from the spans: checkpoint
    masks every ``step`` segments plus the start/stop events since.
    """

    input: str
    points: tuple[Num, ...]
    spans: tuple[RowSpan | None, ...]
    every: int
    some: int
    index: "SegmentIndex" = field(init=False, compare=False, repr=False)
    _full: tuple[int, ...] | None = field(init=False, compare=False, repr=False)  # every segment's mask (step 1)

    def __post_init__(self) -> None:
        index = SegmentIndex(2 * len(self.points) + 1, self.spans)
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "_full", index.full)

    def lookup(self, value: Any) -> int:
        """The rows accepting the number ``value``: one ``bisect``, then its segment's mask."""
        points = self.points
        i = bisect_left(points, value)
        s = 2 * i + 1 if i < len(points) and points[i] == value else 2 * i
        full = self._full
        return full[s] if full is not None else self.index.mask(s)

    @property
    def full_masks(self) -> tuple[int, ...] | None:
        """Every segment's mask when the index keeps one per segment (``lookup`` is then one bisect
        and one index; ``engine/outputs/jsonlines.py`` inlines that), else None."""
        return self._full

    @property
    def masks(self) -> "Masks":
        """Per segment, the rows accepting it: a read-only sequence computed on demand."""
        return Masks(self.index)


@dataclass(frozen=True, slots=True)
class TextColumn:
    """The row index of a string input: free text is the strings rows name, and everything else.

    ``table[s]`` is the rows accepting the string ``s``, for every string some
    row names (keys in the order rows first name them); ``other`` is the rows
    accepting every string no row names: rows with no condition on the input
    and rows of ``{not: ...}``. So the input's domain, for the analysis, is the
    keys of ``table`` plus one class "every other string" (``other_witness``).
    ``every``/``some``: rows accepting every / at least one string.
    """

    input: str
    table: dict[str, int]
    other: int
    every: int
    some: int

    def lookup(self, value: Any) -> int:
        """The rows accepting the string ``value`` (compared exactly)."""
        return self.table.get(value, self.other)


def other_witness(named: Iterable[str]) -> str:
    """The string that stands for "every other string" of a string input: the first of
    ``other``, ``other-2``, ``other-3``, ... that no row names (deterministic, readable)."""
    taken = set(named)
    if "other" not in taken:
        return "other"
    n = 2
    while f"other-{n}" in taken:
        n += 1
    return f"other-{n}"


class DateColumn(NumberColumn):
    """The row index of a date input: a ``NumberColumn`` over day numbers (``dates.day``).

    Answers arrive as ``datetime.date`` (``answers.py``); ``lookup`` turns one
    into its day number, the one conversion on the way in. A subclass, so that
    every ``isinstance(column, NumberColumn)`` treats it as the number it is
    inside, and other tables' lookups stay as they were.
    """

    def lookup(self, value: Any) -> int:
        """The rows accepting the date ``value``."""
        return NumberColumn.lookup(self, value.toordinal())


Column = ChoiceColumn | NumberColumn | TextColumn
"""One input's row index; its type says which kind of input it indexes (dispatch with ``isinstance``)."""


CHECKPOINT_BITS = 1 << 28
CHECKPOINT_BITS_PER_ROW = 512
"""Checkpoint masks of a numeric column hold at most max(CHECKPOINT_BITS,
CHECKPOINT_BITS_PER_ROW × rows) bits in all (32 MiB, or 64 bytes a row): linear in
the rows, and tables up to ~10k rows of interval conditions keep a checkpoint at
every segment, so their lookups stay one index (as fast as before issue 17)."""


def _apply(base: int, adds: Any, removes: Any, nbytes: int) -> int:
    """``(base | adds) & ~removes`` for row lists: bit operations when few, one byte buffer when many."""
    if len(adds) + len(removes) <= 16:
        for r in adds:
            base |= 1 << r
        for r in removes:
            base &= ~(1 << r)
        return base
    buf = bytearray(base.to_bytes(nbytes, "little"))
    for r in adds:
        buf[r >> 3] |= 1 << (r & 7)
    for r in removes:
        buf[r >> 3] &= ~(1 << (r & 7)) & 0xFF
    return int.from_bytes(buf, "little")


class SegmentIndex:
    """Masks of a numeric column's segments in O(rows + segments) memory.

    Events: ``adds[add_at[s]:add_at[s + 1]]`` are the rows whose span starts at
    segment ``s``, ``removes[...]`` the rows whose span ended at ``s - 1``.
    ``checkpoints[j]`` is the mask of segment ``j × step``; the mask of ``s`` is
    its checkpoint with the events of the segments after it up to ``s``
    applied. With one span a row, the order of the events does not matter; a
    row of several ``Runs`` can stop and start again between two checkpoints, so
    then (``multi``) the events are reduced in order to each row's last one
    (runs are never adjacent: one segment never both stops and starts a row).
    ``step`` keeps the checkpoints within ``CHECKPOINT_BITS``; at step 1 every
    mask is a checkpoint (``full``) and a lookup is one index.
    """

    __slots__ = (
        "segments",
        "rows",
        "free",
        "adds",
        "add_at",
        "removes",
        "remove_at",
        "step",
        "checkpoints",
        "full",
        "multi",
    )

    def __init__(self, segments: int, spans: Any):
        n = len(spans)
        self.segments, self.rows = segments, n
        starts: list[list[int]] = [[] for _ in range(segments + 1)]
        stops: list[list[int]] = [[] for _ in range(segments + 1)]
        free = 0
        multi = False
        for row, span in enumerate(spans):
            if span is None:
                free |= 1 << row
            elif isinstance(span, Runs):
                multi = True
                for a, b in span.parts:
                    starts[a].append(row)
                    stops[b + 1].append(row)
            elif span[0] <= span[1]:
                starts[span[0]].append(row)
                stops[span[1] + 1].append(row)
        self.free = free
        self.multi = multi
        self.adds, self.add_at = _flatten(starts)
        self.removes, self.remove_at = _flatten(stops)
        budget = max(CHECKPOINT_BITS, CHECKPOINT_BITS_PER_ROW * n)
        self.step = step = max(1, -(-segments * max(n, 1) // budget))
        nbytes = (n + 7) // 8 + 1
        checkpoints = []
        running, adds, removes = free, [], []
        last: dict[int, bool] = {}  # multi: each row's last event since the checkpoint (True: started)
        for s in range(segments):  # events gathered between checkpoints, applied once: O(rows + budget)
            if multi:
                last.update(dict.fromkeys(stops[s], False))
                last.update(dict.fromkeys(starts[s], True))
            else:
                adds += starts[s]
                removes += stops[s]
            if s % step == 0:
                if last:
                    adds = [r for r, on in last.items() if on]
                    removes = [r for r, on in last.items() if not on]
                    last = {}
                if adds or removes:
                    running = _apply(running, adds, removes, nbytes)
                    adds, removes = [], []
                checkpoints.append(running)
        self.checkpoints = tuple(checkpoints)
        self.full = self.checkpoints if step == 1 else None

    def mask(self, s: int) -> int:
        """The rows accepting segment ``s``."""
        j, at = divmod(s, self.step)
        base = self.checkpoints[j]
        if not at:
            return base
        lo, hi = s - at + 1, s + 1
        adds: Any = self.adds[self.add_at[lo] : self.add_at[hi]]
        removes: Any = self.removes[self.remove_at[lo] : self.remove_at[hi]]
        if self.multi and adds and removes:  # a row may stop and start again: its last event decides
            last: dict[int, bool] = {}
            for t in range(lo, hi):
                last.update(dict.fromkeys(self.removes[self.remove_at[t] : self.remove_at[t + 1]], False))
                last.update(dict.fromkeys(self.adds[self.add_at[t] : self.add_at[t + 1]], True))
            adds = [r for r, on in last.items() if on]
            removes = [r for r, on in last.items() if not on]
        return _apply(base, adds, removes, (self.rows + 7) // 8 + 1)

    def __iter__(self) -> Iterator[int]:
        """Every segment's mask in order, incrementally (no checkpoint rebuilt)."""
        if self.full is not None:
            yield from self.full
            return
        nbytes = (self.rows + 7) // 8 + 1
        running = 0
        for s in range(self.segments):
            if s % self.step == 0:
                running = self.checkpoints[s // self.step]
            else:
                adds = self.adds[self.add_at[s] : self.add_at[s + 1]]
                removes = self.removes[self.remove_at[s] : self.remove_at[s + 1]]
                if adds or removes:
                    running = _apply(running, adds, removes, nbytes)
            yield running


def _flatten(lists: list[list[int]]) -> tuple[array[int], array[int]]:
    """Lists as one flat array of values and one of offsets (compact: no object per segment)."""
    values, offsets = array("q"), array("q", [0])
    for items in lists:
        values.extend(items)
        offsets.append(len(values))
    return values, offsets


class Masks(Sequence[int]):
    """A read-only view of a numeric column's per-segment masks (``NumberColumn.masks``)."""

    __slots__ = ("_index",)

    def __init__(self, index: SegmentIndex):
        self._index = index

    def __len__(self) -> int:
        return self._index.segments

    def __getitem__(self, s: Any) -> Any:
        if isinstance(s, slice):
            return [self[i] for i in range(*s.indices(len(self)))]
        if s < 0:
            s += len(self)
        if not 0 <= s < len(self):
            raise IndexError(s)
        return self._index.mask(s)

    def __iter__(self) -> Iterator[int]:
        return iter(self._index)


@dataclass(frozen=True, slots=True)
class CompiledTable:
    id: str
    version: str
    title: str
    summary: str | None
    hit_policy: PolicyName
    default: int | None  # outcome index
    inputs: tuple[InputSpec, ...]
    outcomes: tuple[OutcomeSpec, ...]
    rules: tuple[RuleSpec, ...]
    columns: tuple[Column, ...]
    all_rows: int
    outcome_rows: tuple[int, ...]  # per outcome (per result, in a table with outputs): mask of rows yielding it
    # language → the table's content translation as plain JSON data (engine/table/translations.py)
    translations: Mapping[str, Any] = field(default_factory=dict)
    # A table with outputs (all empty without): the outputs, every distinct result (row.then and
    # default index it), the priority classes of rows in priority order (priority, output-order) and,
    # per result, the rows agreeing with it (``policies.agree``).
    outputs: tuple[OutputSpec, ...] = ()
    results: tuple[ResultSpec, ...] = ()
    priority_rows: tuple[int, ...] = ()
    agree_rows: tuple[int, ...] = ()
    aggregate: str | None = None

    @property
    def input_index(self) -> dict[str, InputSpec]:
        return {i.id: i for i in self.inputs}


def input_spec(model_input: Any) -> InputSpec:
    """The engine's plain view of a validated model input."""
    options = tuple(
        OptionSpec(o.id, o.label if o.label is not None else o.id, o.help) for o in getattr(model_input, "options", ())
    )
    lo = getattr(model_input, "minimum", None)
    hi = getattr(model_input, "maximum", None)
    if model_input.type == "date":  # a bound that is no date (validation's bad-bounds) is left out
        lo, hi = _day_or_none(lo), _day_or_none(hi)
    return InputSpec(
        model_input.id,
        model_input.type,
        model_input.prompt,
        model_input.help,
        options,
        cond.exact(lo) if lo is not None else None,
        cond.exact(hi) if hi is not None else None,
    )


def _day_or_none(text: Any) -> int | None:
    d = dates.parse_date(text) if isinstance(text, str) else None
    return None if d is None else dates.day(d)


def bound_value(spec: InputSpec, n: Num | None) -> Any:
    """An input's ``minimum``/``maximum`` in the form its answers take: a ``datetime.date`` for a
    date input (whose bounds are day numbers inside), else the number itself (None stays None)."""
    if n is None or spec.type != "date":
        return n
    return dates.from_day(int(n))


def output_spec(model_output: Any) -> OutputSpec:
    """The engine's plain view of a validated model output."""
    options = tuple(
        OptionSpec(o.id, o.label if o.label is not None else o.id, o.help) for o in model_output.options or ()
    )
    return OutputSpec(model_output.id, model_output.type, model_output.text, options)


def canonical_values(outputs: tuple[OutputSpec, ...], raw: Mapping[str, Any]) -> vals.Values:
    """A validated values mapping in canonical form, in the outputs' order."""
    out = []
    for spec in outputs:
        out.append((spec.id, vals.check(spec.type, spec.option_ids, raw[spec.id])))  # validation ran first
    return tuple(out)


class _Results:
    """Interns the results of a table with outputs: named outcomes first, then inline values."""

    def __init__(self, table: Any, outputs: tuple[OutputSpec, ...]):
        self.outputs = outputs
        self.specs: list[ResultSpec] = [
            ResultSpec(n, canonical_values(outputs, o.values)) for n, o in enumerate(table.outcomes)
        ]
        self.outcome_ids = [o.id for o in table.outcomes]
        self.inline: dict[vals.Values, int] = {}

    def index(self, then: Any) -> int:
        if isinstance(then, str):
            return self.outcome_ids.index(then)
        key = canonical_values(self.outputs, then)
        hit = self.inline.get(key)
        if hit is None:
            hit = self.inline[key] = len(self.specs)
            self.specs.append(ResultSpec(None, key))
        return hit


def priority_classes(outputs: tuple[OutputSpec, ...], results: tuple[ResultSpec, ...], rules: Any) -> tuple[int, ...]:
    """Masks of rows by priority class, best first: lexicographic over the choice outputs with
    options (declaration order, each by its options order); rows in one class keep table order."""
    ranked = [(n, {o: k for k, o in enumerate(spec.option_ids)}) for n, spec in enumerate(outputs) if spec.options]

    def key(result: ResultSpec) -> tuple[int, ...]:
        return tuple(order[result.values[n][1]] for n, order in ranked)  # type: ignore[index]

    masks: dict[tuple[int, ...], int] = {}
    for index, rule in enumerate(rules):
        k = key(results[rule.then])
        masks[k] = masks.get(k, 0) | 1 << index
    return tuple(masks[k] for k in sorted(masks))


def compile_table(table: Any) -> CompiledTable:
    """Compile a validated ``model.Table`` (references and conditions already checked)."""
    inputs = tuple(input_spec(i) for i in table.inputs)
    outputs = tuple(output_spec(o) for o in table.outputs)
    interned = _Results(table, outputs) if outputs else None
    outcome_ids = [o.id for o in table.outcomes]
    outcomes = tuple(OutcomeSpec(o.id, o.title, o.summary, o.choose_when, o.tradeoffs) for o in table.outcomes)
    n = len(table.rules)
    all_rows = (1 << n) - 1
    rules = []
    parsed: dict[str, list[tuple[int, Any]]] = {i.id: [] for i in inputs}
    by_id = {i.id: (i.type, i.option_ids) for i in inputs}
    seen: dict[tuple[str, Any], tuple[Any, str]] = {}  # big tables repeat the same cells: parse each once
    for index, rule in enumerate(table.rules):
        texts = []
        for input_id, raw in (rule.when or {}).items():
            key = (input_id, _hashable(raw))
            hit = seen.get(key)
            if hit is None:
                kind, options = by_id[input_id]
                c = cond.parse(kind, raw, options)
                assert not isinstance(c, str), c  # validation ran first
                hit = seen[key] = (c, cond.text_of(raw))
            parsed[input_id].append((index, hit[0]))
            texts.append((input_id, hit[1]))
        then = interned.index(rule.then) if interned is not None else outcome_ids.index(rule.then)
        rules.append(RuleSpec(rule.id, then, rule.because, tuple(texts)))
    if interned is not None:
        default = interned.index(table.default) if table.default is not None else None
        results = tuple(interned.specs)
    else:
        default = outcome_ids.index(table.default) if table.default is not None else None
        results = ()
    outcome_rows = [0] * (len(results) or len(outcomes))
    for index, r in enumerate(rules):
        outcome_rows[r.then] |= 1 << index
    columns = tuple(_column(spec, parsed[spec.id], all_rows) for spec in inputs)
    priority_rows: tuple[int, ...] = ()
    agree_rows: tuple[int, ...] = ()
    if results:
        if POLICIES[table.hit_policy].by_priority:
            priority_rows = priority_classes(outputs, results, rules)
        agree_rows = agreeing_rows(results, outcome_rows)
    return CompiledTable(
        table.id,
        table.version,
        table.title,
        table.summary,
        table.hit_policy,
        default,
        inputs,
        outcomes,
        tuple(rules),
        columns,
        all_rows,
        tuple(outcome_rows),
        {
            lang: t.model_dump(mode="json", exclude_none=True)
            for lang, t in (getattr(table, "translations", None) or {}).items()
        },
        outputs,
        results,
        priority_rows,
        agree_rows,
        getattr(table, "aggregate", None),
    )


def agreeing_rows(results: tuple[ResultSpec, ...], result_rows: list[int] | tuple[int, ...]) -> tuple[int, ...]:
    """Per result, the rows whose result agrees with it (``policies.agree``): what ``any`` allows together."""
    return tuple(or_all(rows for other, rows in zip(results, result_rows) if agree(spec, other)) for spec in results)


def _hashable(raw: Any) -> Any:
    """A ``when`` value as a dict key (type included: ``1`` and ``true`` differ)."""
    cls = raw.__class__
    if cls is str or cls is int or cls is bool:  # the usual cells, first: ``hasattr`` below is slow on them
        return (cls.__name__, raw)
    if isinstance(raw, (list, tuple)):
        return ("list", tuple(raw))
    if hasattr(raw, "not_"):
        inner = raw.not_
        return ("not", tuple(inner) if isinstance(inner, (list, tuple)) else inner)
    return (type(raw).__name__, raw)


def _column(spec: InputSpec, cells: list[tuple[int, Any]], all_rows: int) -> Column:
    constrained = 0
    for index, _ in cells:
        constrained |= 1 << index
    free = all_rows & ~constrained  # rows with no condition on this input
    if spec.type in ("choice", "boolean"):
        values: tuple[Any, ...] = spec.option_ids if spec.type == "choice" else (True, False)
        table = {v: free for v in values}
        for index, c in cells:
            accepted = c.values if spec.type == "choice" else (c.value,)
            bit = 1 << index
            for v in accepted:
                table[v] |= bit
        masks = list(table.values())
        return ChoiceColumn(spec.id, table, _and_all(masks, all_rows), or_all(masks))
    if spec.type == "string":
        return text_column(spec.id, [(index, c.values, c.negated) for index, c in cells], all_rows)
    points = sorted({p for _, c in cells for part in _parts(c) for p in (part.lo, part.hi) if p is not None})
    position = {p: i for i, p in enumerate(points)}
    k = len(points)
    spans: list[RowSpan | None] = [None] * (all_rows.bit_length())
    for index, c in cells:
        if isinstance(c, IntervalSet):  # parts never touch, so their runs are never adjacent
            spans[index] = Runs(tuple(_span(part, position, k) for part in c.parts))
        else:
            spans[index] = _span(c, position, k)
    every, some = span_bounds(spans, [segment_witness(spec, points, s) is not None for s in range(2 * k + 1)])
    kind = DateColumn if spec.type == "date" else NumberColumn
    return kind(spec.id, tuple(points), tuple(spans), every, some)


def _parts(c: Interval | IntervalSet) -> tuple[Interval, ...]:
    return c.parts if isinstance(c, IntervalSet) else (c,)


def _span(c: Interval, position: dict[Num, int], k: int) -> Span:
    """The run of segments an interval covers (``EMPTY_SPAN`` for none)."""
    start = 0 if c.lo is None else 2 * position[c.lo] + (1 if c.lo_closed else 2)
    end = 2 * k if c.hi is None else 2 * position[c.hi] + (1 if c.hi_closed else 0)
    return (start, end) if start <= end else EMPTY_SPAN


def text_column(input_id: str, cells: Iterable[tuple[int, Iterable[str], bool]], all_rows: int) -> TextColumn:
    """A string input's column from its rows' conditions ``(row, strings, negated)`` (rows left out:
    no condition). Named strings are keyed in the order rows first name them (each row's sorted), so
    the column is the same in every process (a frozenset's order is not)."""
    cells = [(index, tuple(sorted(values)), negated) for index, values, negated in cells]
    constrained = negated_rows = 0
    for index, _, negated in cells:
        constrained |= 1 << index
        if negated:
            negated_rows |= 1 << index
    other = (all_rows & ~constrained) | negated_rows
    table: dict[str, int] = {}
    for _, values, _ in cells:
        for v in values:
            table.setdefault(v, other)
    for index, values, negated in cells:
        bit = 1 << index
        for v in values:
            if negated:
                table[v] &= ~bit
            else:
                table[v] |= bit
    masks = [*table.values(), other]
    return TextColumn(input_id, table, other, _and_all(masks, all_rows), or_all(masks))


EMPTY_SPAN: Span = (1, 0)
"""The span of a condition no segment satisfies."""


def span_bounds(spans: Any, inside: list[bool]) -> tuple[int, int]:
    """(every, some): rows accepting every / at least one of the segments marked ``inside``.

    From the spans alone, in O(rows + segments): a row accepts some inside
    segment when its span holds one, every one when it spans the first to the
    last (no inside segment at all: every row accepts "all", none "some").
    """
    before = [0]
    for flag in inside:
        before.append(before[-1] + flag)
    marked = [s for s, flag in enumerate(inside) if flag]
    first, last = (marked[0], marked[-1]) if marked else (None, None)
    every = some = 0
    for row, span in enumerate(spans):
        if span is None:
            every |= 1 << row
            if first is not None:
                some |= 1 << row
            continue
        if isinstance(span, Runs):
            covered = sum(before[b + 1] - before[a] for a, b in span.parts)
            if covered:
                some |= 1 << row
            if covered == len(marked):
                every |= 1 << row
            continue
        a, b = span
        if a <= b and before[b + 1] - before[a]:
            some |= 1 << row
        if first is None or (a <= first and last <= b):
            every |= 1 << row
    return every, some


def _and_all(masks: list[int], all_rows: int) -> int:
    out = all_rows
    for m in masks:
        out &= m
    return out


def or_all(masks: Iterable[int]) -> int:
    """Rows in any of the masks."""
    out = 0
    for m in masks:
        out |= m
    return out


def segment_bounds(points: tuple[Num, ...] | list[Num], s: int) -> Interval:
    """Segment ``s`` of a numeric column as an interval."""
    if s % 2:
        p = points[s // 2]
        return Interval(p, True, p, True)
    i = s // 2
    lo = points[i - 1] if i > 0 else None
    hi = points[i] if i < len(points) else None
    return Interval(lo, False, hi, False)


def segment_witness(spec: InputSpec, points: tuple[Num, ...] | list[Num], s: int) -> Any:
    """An answer inside segment ``s`` and the input's domain, or None if there is none."""
    return witness(spec, segment_bounds(points, s))


def witness(spec: InputSpec, iv: Interval) -> Any:
    """An answer of ``spec``'s domain inside ``iv`` (None when empty); small and readable.

    A number (``Num``) for integer and number inputs; for a date input (``iv`` in day
    numbers) a ``datetime.date``: the one conversion of a day on the way out.
    """
    if spec.type == "date":
        return _date_witness(spec, iv)
    lo, lo_closed, hi, hi_closed = iv.lo, iv.lo_closed, iv.hi, iv.hi_closed
    if spec.minimum is not None and (lo is None or spec.minimum > lo or (spec.minimum == lo and lo_closed)):
        lo, lo_closed = spec.minimum, True
    if spec.maximum is not None and (hi is None or spec.maximum < hi or (spec.maximum == hi and hi_closed)):
        hi, hi_closed = spec.maximum, True
    if spec.type == "integer":
        first = None if lo is None else _ceil(lo) + (1 if not lo_closed and lo == _ceil(lo) else 0)
        last = None if hi is None else _floor(hi) - (1 if not hi_closed and hi == _floor(hi) else 0)
        if first is not None and last is not None:
            return first if first <= last else None
        if first is not None:
            return first
        if last is not None:
            return min(last, 0) if last >= 0 else last
        return 0
    if lo is not None and hi is not None:
        if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
            return None
        if lo == hi:
            return lo
        if lo_closed:
            return lo
        if hi_closed:
            return hi
        return numbers.midpoint(lo, hi)
    if lo is not None:
        return lo if lo_closed else numbers.add(lo, 1)
    if hi is not None:
        return hi if hi_closed else numbers.subtract(hi, 1)
    return 0


REFERENCE_DAY = dates.day(date(2000, 1, 1))
"""A date input's witness when nothing bounds it: a round, readable day."""


def _date_witness(spec: InputSpec, iv: Interval) -> date | None:
    """A day of ``spec``'s domain (its bounds, and 0001-01-01 to 9999-12-31) inside ``iv`` (day
    numbers): the first day above a lower bound, else the last below an upper one, else ``REFERENCE_DAY``."""
    lo = dates.FIRST_DAY if spec.minimum is None else max(int(spec.minimum), dates.FIRST_DAY)
    hi = dates.LAST_DAY if spec.maximum is None else min(int(spec.maximum), dates.LAST_DAY)
    if iv.lo is not None:
        lo = max(lo, _ceil(iv.lo) + (0 if iv.lo_closed or iv.lo != _ceil(iv.lo) else 1))
    if iv.hi is not None:
        hi = min(hi, _floor(iv.hi) - (0 if iv.hi_closed or iv.hi != _floor(iv.hi) else 1))
    if lo > hi:
        return None
    if iv.lo is not None or spec.minimum is not None:
        return dates.from_day(lo)
    if iv.hi is not None or spec.maximum is not None:
        return dates.from_day(hi)
    return dates.from_day(REFERENCE_DAY)


def _ceil(n: Num) -> int:
    return n if isinstance(n, int) else int(Decimal(n).to_integral_value(rounding="ROUND_CEILING"))


def _floor(n: Num) -> int:
    return n if isinstance(n, int) else int(Decimal(n).to_integral_value(rounding="ROUND_FLOOR"))
