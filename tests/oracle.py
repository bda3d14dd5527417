"""A brute-force oracle for the row analysis, independent of the compiler.

The row analysis (``engine/analysis/rows.py``) reasons about regions of the answer
space symbolically. This module answers the same questions by enumeration, so
that property tests can compare the two on random tables:

1. **Representatives.** Per input, a finite list of answers that hits every
   equivalence class of the table — two answers are equivalent when exactly the
   same rows accept them (``representatives``). For a choice that is every
   option, for a boolean both values. For a numeric input, the bounds of every
   row condition and of the domain cut the line into points and open segments;
   every class is a union of those pieces, and we take each point, each
   midpoint between consecutive points, one value below the first and one above
   the last, keeping those inside ``minimum``/``maximum`` (the domain bounds are
   points too, so every piece lies wholly inside or outside the domain). For an
   integer input a piece's integers matter, not its midpoint: an open segment
   ``(a, b)`` holds an integer iff it holds ``floor(a) + 1``, ``(-inf, b)``
   holds ``ceil(b) - 1`` and ``(a, inf)`` holds ``floor(a) + 1``, so we take
   ``floor(p) - 1 .. ceil(p) + 1`` around every point ``p`` (``p`` itself
   when it is an integer). For a string input: every string a row (or a region)
   names, and one string nobody names (``unnamed``), standing for all others.
   when it is an integer). A date input is an integer input over day numbers
   (``date.toordinal``, from the standard library, not the engine), inside
   0001-01-01..9999-12-31; its representatives are ``datetime.date`` values.
2. **Naive matching.** A cell is checked with ``conditions.parse`` and plain
   set membership or ``Interval.contains``; a row matches when every cell
   holds. Nothing here reads the compiler's masks.
3. **Classes.** The product of the representatives is folded input by input,
   keeping one example answer set per distinct set of matching rows
   (``classes``): every result depends only on which rows match, so every
   question below is a question about those few row sets.

Rows are referred to by index internally; the public answers use rule ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import combinations, pairwise
from typing import Any

from crossroads.engine.table import conditions as cond
from crossroads.engine.table import pipeline as tables

NO_MATCH = "<no match>"
VIOLATION = "<hit policy violated>"
"""Results that are not an outcome id (angle brackets: never a slug)."""

Value = Any  # str option id, bool, int or Decimal, datetime.date

LAST_DAY = date.max.toordinal()


def _day_of(text: Any) -> int:
    return date.fromisoformat(text.strip(" ")).toordinal()


@dataclass(frozen=True)
class InputInfo:
    id: str
    type: str
    options: tuple[str, ...]
    minimum: cond.Num | None
    maximum: cond.Num | None

    def in_domain(self, value: Value) -> bool:
        if isinstance(value, date):
            value = value.toordinal()
        if self.type == "date" and not (isinstance(value, int) and 1 <= value <= LAST_DAY):
            return False
        if self.type == "integer" and not isinstance(value, int):
            return False
        return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)


@dataclass(frozen=True)
class Row:
    id: str
    outcome: int
    when: Mapping[str, cond.Condition]  # only the inputs it conditions on


def data_of(yaml_text: str) -> dict[str, Any]:
    """The plain document of a table given as YAML (asserting that it is valid)."""
    loaded = tables.load(tables.Source("t.yaml", yaml_text.encode()))
    errors = [f for f in loaded.findings if f.severity == "error"]
    assert not errors, errors
    return loaded.document.data


def parse_condition(spec: InputInfo, raw: Any) -> cond.Condition:
    """A ``when`` value (as in YAML; floats tolerated) for ``spec``; asserts that it is well-formed."""
    if isinstance(raw, float):
        raw = cond.exact(Decimal(repr(raw)))
    parsed = cond.parse(spec.type, raw, spec.options)
    assert not isinstance(parsed, str), f"{spec.id}: {raw!r}: {parsed}"
    return parsed


def accepts(c: cond.Condition | None, value: Value) -> bool:
    """The naive cell check: no condition accepts anything."""
    if c is None:
        return True
    if isinstance(c, cond.OptionSet):
        return value in c.values
    if isinstance(c, cond.BoolIs):
        return value is c.value
    if isinstance(c, cond.StringSet):
        return isinstance(value, str) and (value in c.values) != c.negated
    if isinstance(value, date):
        return c.contains(value.toordinal())
    return c.contains(value)


def _bound_points(c: cond.Condition) -> Iterator[Any]:
    """A condition's numeric bounds, or the strings it names (a string input's "points")."""
    if isinstance(c, cond.Interval):
        yield from (p for p in (c.lo, c.hi) if p is not None)
    if isinstance(c, cond.IntervalSet):  # a union (``!=``, a list, ``{not: ...}``): every part's bounds
        yield from (p for part in c.parts for p in (part.lo, part.hi) if p is not None)
    if isinstance(c, cond.StringSet):
        yield from sorted(c.values)


def unnamed(named: Iterable[str]) -> str:
    """A string none of ``named`` is (chosen apart from the engine's own witness rule)."""
    taken = set(named)
    n = 0
    while f"\u2063unnamed{n}" in taken:
        n += 1
    return f"\u2063unnamed{n}"


def _around(p: cond.Num) -> set[int]:
    """The integers next to ``p`` (and ``p`` itself when it is one)."""
    lo, hi = math.floor(p), math.ceil(p)
    return {lo - 1, lo, hi, hi + 1}


def _numeric_candidates(spec: InputInfo, points: Iterable[cond.Num]) -> list[cond.Num]:
    ps = sorted(set(points))
    if not ps:
        return [0]
    if spec.type in ("integer", "date"):
        out: set[cond.Num] = set()
        for p in ps:
            out |= _around(p)
        return sorted(out)
    mids = [cond.exact((Decimal(a) + Decimal(b)) / 2) for a, b in pairwise(ps)]
    return sorted(set(ps) | set(mids) | {cond.exact(Decimal(ps[0]) - 1), cond.exact(Decimal(ps[-1]) + 1)})


class Oracle:
    """Brute-force semantics of one table (given as the loader's plain data)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.policy: str = data["hit_policy"]
        self.aggregate: str | None = data.get("aggregate")
        self.outcomes: tuple[str, ...] = tuple(o["id"] for o in data.get("outcomes", ()))
        # A table with outputs: every result is (outcome id or None, values in output order),
        # named outcomes first, then the inline mappings interned by value (Decimal("0.10") ==
        # Decimal("0.1") and hashes alike: plain equality is the exact comparison).
        self.outputs: tuple[Mapping[str, Any], ...] = tuple(data.get("outputs", ()))
        self.results: list[tuple[str | None, tuple[Any, ...]]] = [
            (o["id"], self._values(o["values"])) for o in data.get("outcomes", ()) if self.outputs
        ]
        raw_default = data.get("default")
        self.default: Any = raw_default if not self.outputs or raw_default is None else self._result(raw_default)
        self.inputs: tuple[InputInfo, ...] = tuple(
            InputInfo(
                i["id"],
                i["type"],
                tuple(o["id"] for o in i.get("options", ())),
                (_day_of if i["type"] == "date" else cond.exact)(i["minimum"]) if "minimum" in i else None,
                (_day_of if i["type"] == "date" else cond.exact)(i["maximum"]) if "maximum" in i else None,
            )
            for i in data["inputs"]
        )
        by_id = {i.id: i for i in self.inputs}
        self.rows: tuple[Row, ...] = tuple(
            Row(
                r["id"],
                self._result(r["then"]) if self.outputs else self.outcomes.index(r["then"]),
                {k: parse_condition(by_id[k], v) for k, v in (r.get("when") or {}).items()},
            )
            for r in data["rules"]
        )
        self.index = {r.id: n for n, r in enumerate(self.rows)}
        self._classes: dict[int, dict[str, Value]] | None = None  # computed once, on first use

    def _values(self, raw: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(raw[o["id"]] for o in self.outputs)

    def _result(self, then: Any) -> int:
        """The index of a ``then`` (or default) among ``results``: an outcome id or a values mapping."""
        if isinstance(then, str):
            return self.outcomes.index(then)
        key = (None, self._values(then))
        if key not in self.results:
            self.results.append(key)
        return self.results.index(key)

    def rank(self, result: int) -> tuple[int, ...]:
        """A result's priority (smaller first): lexicographic over the choice outputs with options."""
        values = self.results[result][1]
        return tuple(
            [x["id"] for x in o["options"]].index(values[n])
            for n, o in enumerate(self.outputs)
            if o["type"] == "choice" and "options" in o
        )

    def agree(self, a: int, b: int) -> bool:
        """The issue's agreement: equal values and, where both name an outcome, the same one."""
        (oa, va), (ob, vb) = self.results[a], self.results[b]
        return va == vb and (oa is None or ob is None or oa == ob)

    def shown(self, result: int) -> tuple[str | None, dict[str, Any]]:
        """A result as a decision shows it: (outcome id or None, values by output id)."""
        outcome, values = self.results[result]
        return outcome, {o["id"]: v for o, v in zip(self.outputs, values)}

    def _value_result(self, mask: int) -> Any:
        """``result`` for a table with outputs, from the issue's text (not the engine's classes)."""
        rows = [n for n in range(len(self.rows)) if mask >> n & 1]
        if self.aggregate == "count":
            return ("total", len(rows))
        if not rows:
            if self.default is None:
                return NO_MATCH
            if self.aggregate is not None:
                return ("total", self.results[self.default][1][0])
            return (
                (self.results[self.default],)
                if self.policy in ("collect", "output-order")
                else self.results[self.default]
            )
        got = [self.rows[n].outcome for n in rows]
        if self.aggregate is not None:
            numbers = [self.results[g][1][0] for g in got]
            if self.aggregate == "min":
                return ("total", min(numbers))
            if self.aggregate == "max":
                return ("total", max(numbers))
            total: Any = 0
            for x in numbers:
                total = total + x
            return ("total", total)
        if self.policy == "collect":
            return tuple(self.results[g] for g in got)
        if self.policy == "output-order":
            return tuple(self.results[g] for g in sorted(got, key=self.rank))  # stable: table order
        if self.policy == "unique":
            return VIOLATION if len(rows) > 1 else self.results[got[0]]
        if self.policy == "any":
            ok = all(self.agree(a, b) for a, b in combinations(got, 2))
            return self.results[got[0]] if ok else VIOLATION
        if self.policy == "first":
            return self.results[got[0]]
        best = min(self.rank(g) for g in got)  # priority: the first row of the best class
        return self.results[next(g for g in got if self.rank(g) == best)]

    def _shadows(self, m: int, n: int) -> bool:
        """Priority with outputs: row ``m`` keeps row ``n`` from deciding when both match (a better
        class, or an earlier row of its class with another result)."""
        rm, rn = self.rank(self.rows[m].outcome), self.rank(self.rows[n].outcome)
        return rm < rn or (rm == rn and m < n and self.rows[m].outcome != self.rows[n].outcome)

    # -- the answer space ----------------------------------------------------

    def draw_partial(self, data: Any, max_completions: int) -> dict[str, Any]:
        """A partial answer set of representatives drawn with hypothesis' ``data``, each input
        answered or not; an example with more than ``max_completions`` completions is rejected."""
        from hypothesis import assume
        from hypothesis import strategies as st

        reps = [self.representatives(i) for i in self.inputs]
        answered = [data.draw(st.booleans()) for _ in reps]
        size = 1
        for r, a in zip(reps, answered):
            size *= 1 if a else len(r)
        assume(size <= max_completions)
        return {i.id: data.draw(st.sampled_from(r)) for i, r, a in zip(self.inputs, reps, answered) if a}

    def representatives(self, spec: InputInfo, extra: Iterable[cond.Num] = ()) -> tuple[Value, ...]:
        """Answers of ``spec``'s domain hitting every class of the rows' conditions (and of ``extra`` bounds)."""
        if spec.type == "choice":
            return spec.options
        if spec.type == "boolean":
            return (True, False)
        if spec.type == "string":
            named = sorted(
                {p for r in self.rows if spec.id in r.when for p in _bound_points(r.when[spec.id])} | set(extra)
            )
            return (*named, unnamed(named))
        points = [p for r in self.rows if spec.id in r.when for p in _bound_points(r.when[spec.id])]
        points += [p for p in (spec.minimum, spec.maximum) if p is not None]
        points += list(extra)
        if spec.type == "date":
            days = [v for v in _numeric_candidates(spec, points or [date(2000, 1, 1).toordinal()]) if spec.in_domain(v)]
            return tuple(date.fromordinal(v) for v in days)
        return tuple(v for v in _numeric_candidates(spec, points) if spec.in_domain(v))

    def row_mask(self, spec: InputInfo, value: Value) -> int:
        """The rows whose cell for ``spec`` accepts ``value`` (bit i = row i)."""
        return sum(1 << n for n, r in enumerate(self.rows) if accepts(r.when.get(spec.id), value))

    def matches(self, answers: Mapping[str, Value]) -> tuple[int, ...]:
        """The naive row scan for a complete answer set: indexes of the matching rows."""
        return tuple(
            n for n, r in enumerate(self.rows) if all(accepts(r.when.get(i.id), answers[i.id]) for i in self.inputs)
        )

    def columns(self, extra: Mapping[str, Iterable[cond.Num]] | None = None) -> list[list[tuple[Value, int]]]:
        """Per input, (representative, row mask) pairs."""
        extra = extra or {}
        return [[(v, self.row_mask(i, v)) for v in self.representatives(i, extra.get(i.id, ()))] for i in self.inputs]

    def classes(self) -> dict[int, dict[str, Value]]:
        """Every set of matching rows (a mask) that some answer set produces, with one such answer set."""
        if self._classes is None:
            found = fold(self.columns(), (self.all_rows,))
            self._classes = {key[0]: self.answers(values) for key, values in found.items()}
        return self._classes

    def answers(self, values: tuple[Value, ...]) -> dict[str, Value]:
        return {i.id: v for i, v in zip(self.inputs, values)}

    @property
    def all_rows(self) -> int:
        return (1 << len(self.rows)) - 1

    # -- results -----------------------------------------------------------------

    def result(self, mask: int) -> Any:
        """The table's result when exactly the rows in ``mask`` match (hashable, comparable)."""
        if self.outputs:
            return self._value_result(mask)
        rows = [self.rows[n] for n in range(len(self.rows)) if mask >> n & 1]
        if not rows:
            if self.default is None:
                return NO_MATCH
            return (self.default,) if self.policy == "collect" else self.default
        outs = [self.outcomes[r.outcome] for r in rows]
        if self.policy == "collect":
            return tuple(outs)
        if self.policy == "unique":
            return VIOLATION if len(rows) > 1 else outs[0]
        if self.policy == "any":
            return VIOLATION if len(set(outs)) > 1 else outs[0]
        if self.policy == "first":
            return outs[0]
        return self.outcomes[min(r.outcome for r in rows)]  # priority

    def decides(self, n: int, mask: int) -> bool:
        """Whether row ``n`` is one the result comes from when the rows in ``mask`` match."""
        if not mask >> n & 1:
            return False
        if self.policy == "first":
            return mask & ((1 << n) - 1) == 0
        if self.policy == "priority" and self.outputs:
            return not any(self._shadows(m, n) for m in range(len(self.rows)) if mask >> m & 1)
        if self.policy == "priority":
            return all(self.rows[m].outcome >= self.rows[n].outcome for m in range(len(self.rows)) if mask >> m & 1)
        return True

    def credited(self, mask: int) -> int:
        """The rows a result is credited to (README ``rule``): unique the match, first and any the first
        match, priority the first match with the winning outcome; collect every match; none on a violation."""
        rows = [n for n in range(len(self.rows)) if mask >> n & 1]
        if not rows or self.result(mask) == VIOLATION:
            return 0
        if self.policy in ("collect", "output-order"):
            return mask
        if self.policy == "priority" and self.outputs:
            best_rank = min(self.rank(self.rows[n].outcome) for n in rows)
            return 1 << next(n for n in rows if self.rank(self.rows[n].outcome) == best_rank)
        if self.policy == "priority":
            best = min(self.rows[n].outcome for n in rows)
            return 1 << next(n for n in rows if self.rows[n].outcome == best)
        return 1 << rows[0]

    # -- the analysis, by brute force -------------------------------------------

    def unreachable(self) -> set[str]:
        """Rows that decide no answer set (see the issue's contract per hit policy)."""
        masks = self.classes()
        return {r.id for n, r in enumerate(self.rows) if not any(self.decides(n, m) for m in masks)}

    def conflicts(self) -> set[tuple[str, str]]:
        """(earlier, later) row pairs both matching some answer set (``any``: with different outcomes)."""
        if self.policy not in ("unique", "any"):
            return set()
        out = set()
        for mask in self.classes():
            for a, b in combinations([n for n in range(len(self.rows)) if mask >> n & 1], 2):
                if self.policy == "unique":
                    out.add((self.rows[a].id, self.rows[b].id))
                elif self.outputs and not self.agree(self.rows[a].outcome, self.rows[b].outcome):
                    out.add((self.rows[a].id, self.rows[b].id))
                elif not self.outputs and self.rows[a].outcome != self.rows[b].outcome:
                    out.add((self.rows[a].id, self.rows[b].id))
        return out

    def has_gap(self) -> bool:
        """Whether some answer set matches no row (regardless of ``default``)."""
        return 0 in self.classes()

    def redundant(self) -> set[str]:
        """Reachable rows whose removal changes no answer set's result."""
        masks = list(self.classes())
        unreachable = self.unreachable()
        out = set()
        for n, r in enumerate(self.rows):
            keep = self.all_rows & ~(1 << n)
            if r.id not in unreachable and all(self.result(m) == self.result(m & keep) for m in masks):
                out.add(r.id)
        return out

    def covered(self, row: str, by: Iterable[str]) -> bool:
        """Whether rows ``by`` cover ``row`` in the sense of ``unreachable`` for this hit policy.

        ``first``: every cover is earlier and every answer set ``row`` matches
        is matched by a cover; ``priority``: every cover's outcome has strictly
        higher priority and every such answer set is matched by a cover;
        otherwise ``row`` must match nothing.
        """
        n = self.index[row]
        cover = [self.index[b] for b in by]
        if self.policy == "first" and any(c >= n for c in cover):
            return False
        if self.policy == "priority" and self.outputs:
            if not all(self._shadows(c, n) for c in cover):
                return False
        elif self.policy == "priority" and any(self.rows[c].outcome >= self.rows[n].outcome for c in cover):
            return False
        cover_mask = sum(1 << c for c in cover) if self.policy in ("first", "priority") else 0
        return all(mask & cover_mask for mask in self.classes() if mask >> n & 1)

    def equivalent(self, other: Oracle) -> bool:
        """Whether ``other`` (same inputs and outcomes) gives the same result as this table on every answer set."""
        assert [i.id for i in self.inputs] == [i.id for i in other.inputs]
        columns = []
        for mine, theirs in zip(self.inputs, other.inputs):
            points = [p for r in other.rows if mine.id in r.when for p in _bound_points(r.when[mine.id])]
            columns.append(
                [(v, (self.row_mask(mine, v), other.row_mask(theirs, v))) for v in self.representatives(mine, points)]
            )
        found = fold(columns, (self.all_rows, other.all_rows))
        return all(self.result(a) == other.result(b) for a, b in found)

    # -- gap regions ---------------------------------------------------------------

    def region(self, when: Mapping[str, Any]) -> dict[str, cond.Condition]:
        """A rule-style ``when`` mapping (a gap region) parsed against this table's inputs."""
        by_id = {i.id: i for i in self.inputs}
        assert set(when) <= set(by_id), f"unknown inputs in {when}"
        return {k: parse_condition(by_id[k], v) for k, v in when.items()}

    def in_region(self, answers: Mapping[str, Value], when: Mapping[str, Any]) -> bool:
        return all(accepts(c, answers[k]) for k, c in self.region(when).items())

    def gap_partition_problems(self, regions: list[Mapping[str, Any]]) -> list[str]:
        """What keeps ``regions`` from being a partition of the gaps into non-empty parts ([] if nothing).

        Exact: the representatives include the regions' own bounds, so every
        class of rows-and-regions is visited.
        """
        parsed = [self.region(r) for r in regions]
        columns = []
        for spec in self.inputs:
            extra = [p for reg in parsed if spec.id in reg for p in _bound_points(reg[spec.id])]
            columns.append(
                [
                    (
                        v,
                        (
                            self.row_mask(spec, v),
                            sum(1 << k for k, reg in enumerate(parsed) if accepts(reg.get(spec.id), v)),
                        ),
                    )
                    for v in self.representatives(spec, extra)
                ]
            )
        problems = []
        seen = 0
        for (rows, inside), values in fold(columns, (self.all_rows, (1 << len(parsed)) - 1)).items():
            seen |= inside
            example = self.answers(values)
            if rows == 0 and inside.bit_count() != 1:
                problems.append(f"gap {example} lies in {inside.bit_count()} regions")
            if rows and inside:
                problems.append(f"{example} matches rows {self.ids(rows)} yet lies in a gap region")
        problems += [f"region {regions[k]} holds no answer set" for k in range(len(parsed)) if not seen >> k & 1]
        return problems

    def ids(self, mask: int) -> list[str]:
        return [r.id for n, r in enumerate(self.rows) if mask >> n & 1]


def fold(columns: list[list[tuple[Value, Any]]], start: tuple[int, ...]) -> dict[tuple[int, ...], tuple[Value, ...]]:
    """Every achievable AND of one key per column (keys: ints or tuples of ints), with an example.

    Exact over the product of the columns' values, but only distinct keys are
    carried from one column to the next, so the cost stays small.
    """
    found: dict[tuple[int, ...], tuple[Value, ...]] = {start: ()}
    for column in columns:
        nxt: dict[tuple[int, ...], tuple[Value, ...]] = {}
        distinct: dict[tuple[int, ...], Value] = {}
        for value, key in column:
            distinct.setdefault(key if isinstance(key, tuple) else (key,), value)
        for key, example in found.items():
            for bits, value in distinct.items():
                k = tuple(a & b for a, b in zip(key, bits))
                if k not in nxt:
                    nxt[k] = example + (value,)
        found = nxt
    return found


# -- merges ---------------------------------------------------------------------


def merged_table(data: Mapping[str, Any], group: Iterable[str]) -> dict[str, Any]:
    """``data`` with the rows of ``group`` replaced by their merge, at the first member's position.

    Asserts what makes a group mergeable: at least two rows, one outcome,
    conditions equal (over the domain) on every input but at most one, and a
    union on that input that one condition expresses. The merged condition is
    built here from the members' conditions, not taken from the analysis.
    """
    ids = list(group)
    oracle = Oracle(data)
    assert len(ids) >= 2 and len(set(ids)) == len(ids), ids
    members = [oracle.rows[oracle.index[i]] for i in ids]
    assert len({m.outcome for m in members}) == 1, f"{ids}: different outcomes"
    differing = [
        spec
        for spec in oracle.inputs
        if len({tuple(accepts(m.when.get(spec.id), v) for v in oracle.representatives(spec)) for m in members}) > 1
    ]
    assert len(differing) <= 1, f"{ids}: differ on {[s.id for s in differing]}"
    raw_rules = {r["id"]: r for r in data["rules"]}
    first = raw_rules[ids[0]]
    when = dict(first.get("when") or {})
    if differing:
        spec = differing[0]
        union = merged_condition(oracle, spec, [m.when.get(spec.id) for m in members])
        when.pop(spec.id, None)
        if union is not None:
            when[spec.id] = union
    merged = {k: v for k, v in first.items() if k != "when"}
    if when:
        merged = {"id": merged["id"], "when": when, **{k: v for k, v in merged.items() if k != "id"}}
    rules = []
    for r in data["rules"]:
        if r["id"] == ids[0]:
            rules.append(merged)
        elif r["id"] not in ids:
            rules.append(r)
    return {**data, "rules": rules}


def merged_condition(oracle: Oracle, spec: InputInfo, members: list[cond.Condition | None]) -> Any:
    """The single ``when`` value accepting exactly the union of ``members`` over the domain (None: any).

    Asserts that one condition does express the union.
    """
    reps = oracle.representatives(spec)
    union = {v for v in reps if any(accepts(c, v) for c in members)}
    if union == set(reps):
        return None
    if spec.type == "choice":
        return [o for o in spec.options if o in union]
    if spec.type == "boolean":
        (value,) = union
        return value
    if spec.type == "string":
        named = reps[:-1]
        if reps[-1] in union:  # every string no row names: a negation of the named ones left out
            rest = [v for v in named if v not in union]
            return {"not": rest}
        return [v for v in named if v in union]
    # numeric: the hull of the members' non-empty parts, clipped to the domain
    parts = [
        part
        for c in members
        for part in (c.parts if isinstance(c, cond.IntervalSet) else (c,) if isinstance(c, cond.Interval) else ())
        if any(accepts(part, v) for v in reps)
    ]
    assert parts, "an empty union is no condition"
    lo_part = min(parts, key=lambda c: (c.lo is not None, c.lo if c.lo is not None else 0, not c.lo_closed))
    hi_part = max(parts, key=lambda c: (c.hi is None, c.hi if c.hi is not None else 0, c.hi_closed))
    hull = cond.Interval(lo_part.lo, lo_part.lo_closed, hi_part.hi, hi_part.hi_closed)
    assert {v for v in reps if accepts(hull, v)} == union, f"{spec.id}: the union of {members} is not one interval"
    return when_value(hull, spec.type)


def when_value(iv: cond.Interval, kind: str = "number") -> Any:
    """An interval as a YAML ``when`` value: a bare number for a point, else a comparison or interval string
    (for a date input, day numbers written ``YYYY-MM-DD``)."""
    if kind == "date":
        show = lambda n: date.fromordinal(n).isoformat()  # noqa: E731
        return show(iv.lo) if iv.lo is not None and iv.lo == iv.hi else iv.text(show)
    if iv.lo is not None and iv.lo == iv.hi:
        return iv.lo
    return iv.text()
