"""Compile a validated table into an index that decides without scanning rows.

For every input we map each possible answer to the bitmask of rows that accept
it (bit ``i`` is row ``i``, so "first match" is the lowest set bit):

* choice and boolean inputs: a dict from the answer to its mask;
* integer and number inputs: the sorted distinct bounds of all conditions
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

from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any, Iterable, Mapping

from . import conditions as cond
from .conditions import Interval, Num


@dataclass(frozen=True, slots=True)
class OptionSpec:
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True, slots=True)
class InputSpec:
    id: str
    type: str  # choice | boolean | integer | number
    prompt: str
    help: str | None = None
    options: tuple[OptionSpec, ...] = ()
    minimum: Num | None = None
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
class RuleSpec:
    id: str
    then: int  # index into outcomes
    because: str | None
    conditions: tuple[tuple[str, str], ...]  # (input id, condition as written)


@dataclass(frozen=True, slots=True)
class Column:
    """The row index of one input; ``points`` is None for choice/boolean."""

    input: str
    table: dict[Any, int] | None
    points: tuple[Num, ...] | None
    masks: tuple[int, ...] | None
    every: int
    some: int

    def lookup(self, value: Any) -> int:
        if self.points is None:
            return self.table.get(value, 0)  # type: ignore[union-attr]
        i = bisect_left(self.points, value)
        if i < len(self.points) and self.points[i] == value:
            return self.masks[2 * i + 1]  # type: ignore[index]
        return self.masks[2 * i]  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class CompiledTable:
    id: str
    version: str
    title: str
    summary: str | None
    hit_policy: str
    default: int | None  # outcome index
    inputs: tuple[InputSpec, ...]
    outcomes: tuple[OutcomeSpec, ...]
    rules: tuple[RuleSpec, ...]
    columns: tuple[Column, ...]
    all_rows: int
    outcome_rows: tuple[int, ...]  # per outcome: mask of rows yielding it
    # language → the table's content translation as plain JSON data (engine/translations.py)
    translations: Mapping[str, Any] = field(default_factory=dict)

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
    return InputSpec(
        model_input.id,
        model_input.type,
        model_input.prompt,
        model_input.help,
        options,
        cond.exact(lo) if lo is not None else None,
        cond.exact(hi) if hi is not None else None,
    )


def compile_table(table: Any) -> CompiledTable:
    """Compile a validated ``model.Table`` (references and conditions already checked)."""
    inputs = tuple(input_spec(i) for i in table.inputs)
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
        rules.append(RuleSpec(rule.id, outcome_ids.index(rule.then), rule.because, tuple(texts)))
    outcome_rows = [0] * len(outcomes)
    for index, r in enumerate(rules):
        outcome_rows[r.then] |= 1 << index
    columns = tuple(_column(spec, parsed[spec.id], all_rows) for spec in inputs)
    default = outcome_ids.index(table.default) if table.default is not None else None
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
        {lang: t.model_dump(mode="json", exclude_none=True) for lang, t in (getattr(table, "translations", None) or {}).items()},
    )


def _hashable(raw: Any) -> Any:
    """A ``when`` value as a dict key (type included: ``1`` and ``true`` differ)."""
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
        return Column(spec.id, table, None, None, _and_all(masks, all_rows), or_all(masks))
    points = sorted({p for _, c in cells for p in (c.lo, c.hi) if p is not None})
    position = {p: i for i, p in enumerate(points)}
    k = len(points)
    add = [0] * (2 * k + 2)
    remove = [0] * (2 * k + 2)
    for index, c in cells:
        start = 0 if c.lo is None else 2 * position[c.lo] + (1 if c.lo_closed else 2)
        end = 2 * k if c.hi is None else 2 * position[c.hi] + (1 if c.hi_closed else 0)
        if start <= end:
            add[start] |= 1 << index
            remove[end + 1] |= 1 << index
    masks = []
    running = free
    for s in range(2 * k + 1):
        if add[s] or remove[s]:
            running = (running | add[s]) & ~remove[s] | free
        masks.append(running)
    inside = [m for s, m in enumerate(masks) if segment_witness(spec, points, s) is not None]
    return Column(spec.id, None, tuple(points), tuple(masks), _and_all(inside, all_rows), or_all(inside))


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


def segment_witness(spec: InputSpec, points: tuple[Num, ...] | list[Num], s: int) -> Num | None:
    """An answer inside segment ``s`` and the input's domain, or None if there is none."""
    return witness(spec, segment_bounds(points, s))


def witness(spec: InputSpec, iv: Interval) -> Num | None:
    """An answer of ``spec``'s domain inside ``iv`` (None when empty); small and readable."""
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
        ctx = Context(prec=max(_digits(lo), _digits(hi)) + 4)
        return cond.exact(ctx.divide(ctx.add(Decimal(lo), Decimal(hi)), Decimal(2)))
    if lo is not None:
        return lo if lo_closed else cond.exact(Decimal(lo) + 1)
    if hi is not None:
        return hi if hi_closed else cond.exact(Decimal(hi) - 1)
    return 0


def _digits(n: Num) -> int:
    d = Decimal(n)
    return max(len(d.as_tuple().digits), 1) + abs(d.as_tuple().exponent if isinstance(d.as_tuple().exponent, int) else 0)


def _ceil(n: Num) -> int:
    return n if isinstance(n, int) else int(Decimal(n).to_integral_value(rounding="ROUND_CEILING"))


def _floor(n: Num) -> int:
    return n if isinstance(n, int) else int(Decimal(n).to_integral_value(rounding="ROUND_FLOOR"))
