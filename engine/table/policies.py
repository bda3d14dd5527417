"""The hit policies: the one definition of what ``unique``, ``first``, ``priority``, ``any`` and ``collect`` mean.

A hit policy turns the set of rows that match an answer set (a bit mask: bit
``i`` is row ``i``) into a result. Every consumer asks this module and none
dispatches on a policy's name: evaluation (complete answers, and the sound
bounds for partial ones), the exact search over partial answers, the row
analysis (who decides, what can be shadowed, which pairs clash), mergeable rows,
diff and examples. ``engine/decision/evaluate.py``'s ``decide`` keeps an inlined copy of
``result`` for speed, proven equal to it by ``tests/test_policies.py``; the
SQL (``engine/outputs/sql.py``) and the guide page (``engine/outputs/assets/page.js``) are
separate implementations, proven equal by their differential tests.

Results are plain values, comparable and hashable: an outcome index, a tuple of
outcome indexes (``collect``), ``ERROR`` (the policy breaks) or ``NO_MATCH``
(nothing matches and there is no default).

Each policy is one immutable object in ``POLICIES``; ``policy_of(table)`` picks
the table's. Nothing here imports the region search or the models: this is the
decision layer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from crossroads.engine.errors import HitPolicyViolation

if TYPE_CHECKING:
    from crossroads.engine.table.compiler import CompiledTable, ResultSpec

PolicyName = Literal["unique", "first", "priority", "any", "collect", "output-order"]
"""The hit policies a table may name (``hit_policy``)."""

Status = Literal["decided", "undecided", "no-match"]
"""A result's ``status`` (the JSON field): decided, not yet decided (partial answers), or no row matches."""
DECIDED: Final = "decided"
UNDECIDED: Final = "undecided"
NO_MATCH: Final = "no-match"  # a status, and the result of answers no row matches in a table without a default
ERROR = "error"  # the result of answers that break the hit policy (unique, any)
VARIES = -1  # as a deciding row: the deciding row differs between the answer sets considered

_MISSING = object()


def or_rows(rows: Iterator[int]) -> int:
    """The mask of the row indexes ``rows``."""
    out = 0
    for r in rows:
        out |= 1 << r
    return out


def bits(mask: int) -> Iterator[int]:
    """Row indexes set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def lowest(mask: int) -> int:
    """The lowest row in ``mask`` (-1 for none)."""
    return (mask & -mask).bit_length() - 1


def outcomes_in(table: CompiledTable, mask: int) -> list[int]:
    """The outcomes (by priority) of the rows in ``mask``; costs the outcomes, not the rows."""
    return [o for o, rows in enumerate(table.outcome_rows) if mask & rows]


def _outcome_set(table: CompiledTable, mask: int) -> set[int]:
    """The outcomes of the rows in ``mask``; costs the rows (few, when answers are complete)."""
    rules = table.rules
    return {rules[r].then for r in bits(mask)}


def _best(table: CompiledTable, mask: int) -> tuple[int, int]:
    """(the best outcome of the rows in ``mask``, every row whose outcome is that good or better); ``mask`` non-empty."""
    acc = 0
    for o, rows in enumerate(table.outcome_rows):
        acc |= rows
        if mask & rows:
            return o, acc
    raise ValueError("no row in mask")


def agree(a: ResultSpec, b: ResultSpec) -> bool:
    """Whether two results may come together under ``any`` (and do not conflict for the analysis):
    their values are equal (exact decimals) and, where both name an outcome, it is the same one.

    Not transitive (values given inline agree with two outcomes of equal values that do not agree
    with each other): a set of matches agrees when every pair of it does (``CompiledTable.agree_rows``).
    """
    return a.values == b.values and (a.outcome is None or b.outcome is None or a.outcome == b.outcome)


def _classes(table: CompiledTable) -> tuple[int, ...]:
    """The priority classes of rows, best first: per outcome without outputs, else by the choice outputs."""
    return table.priority_rows or table.outcome_rows


def _best_class(classes: tuple[int, ...], mask: int) -> int:
    """The index of the best class holding a row of ``mask`` (non-empty)."""
    for c, rows in enumerate(classes):
        if mask & rows:
            return c
    raise ValueError("no row in mask")


def _results_of(table: CompiledTable, mask: int) -> set[int]:
    return {table.rules[r].then for r in bits(mask)}


def _disagreeing(table: CompiledTable, mask: int) -> bool:
    """Some two rows of ``mask`` disagree (every pair is checked: agreement is not transitive)."""
    agree_rows, rules = table.agree_rows, table.rules
    return any(mask & ~agree_rows[rules[r].then] for r in bits(mask))


def row_masks(table: CompiledTable, answers: Mapping[str, Any]) -> tuple[int, int, tuple[str, ...]]:
    """(definite, possible, missing) for parsed ``answers``: rows matching every / some completion.

    Exact, since a row's conditions are independent per input; for complete
    answers both masks are the rows that match.
    """
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


@dataclass(frozen=True, slots=True)
class Bound:
    """What a (definite, possible) pair proves about every completion (``HitPolicy.bounds``).

    ``result``: the one result of every completion (an outcome index, a tuple
    for ``collect``), None when not proven; ``row``: the deciding row when
    one row decides every completion; ``candidates``: the rows that can still
    decide some completion (their outcomes bound ``possible``).
    """

    result: Any
    row: int | None
    candidates: int


class HitPolicy(ABC):
    """One hit policy: how the rows that match decide, over complete and partial answers.

    Masks are rows of ``table``. Over a *region* of answers (a set of answer
    sets), ``live`` are the rows that match some answer of it and
    ``guaranteed`` (a subset) those that match every one.
    """

    __slots__ = ()

    name: ClassVar[PolicyName]
    collects: ClassVar[bool] = False
    """The result is the list of every matching row's outcome, in table order (no single outcome or rule)."""
    ranks_by: ClassVar[Literal["row", "outcome"] | None] = None
    """What picks the deciding row among several matches: the row order (``first``), the outcome order
    (``priority``), or nothing (None): then a row can be shadowed, that is match answers and never decide."""
    conflicts: ClassVar[bool] = False
    """Two rows matching the same answers can break the policy (``clashing``)."""
    counts_overlaps: ClassVar[bool] = False
    """Two rows matching the same answers give another result than one row (merging overlapping rows changes it)."""
    positional: ClassVar[bool] = False
    """Where a row stands can change the result (moving a row is not neutral)."""
    by_priority: ClassVar[bool] = False
    """Ranks results by priority: the outcomes' order, or with outputs the choice outputs' options."""
    takes_aggregate: ClassVar[bool] = False
    """A top-level ``aggregate`` may fold its results (``collect`` only, as in DMN)."""
    folds: ClassVar[bool] = False
    """Collects, then folds the list to one number (an aggregate): two matches need not both matter."""

    # -- complete answers ------------------------------------------------------
    @abstractmethod
    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        """(result, deciding row) for answers matched by exactly ``live`` (non-empty); ``ERROR`` when broken."""

    def violation(self, table: CompiledTable, live: int) -> str | None:
        """Why answers matched by every row of ``live`` break the policy (None: they do not).

        Monotone: if ``live`` breaks it, so does every superset, so the rows a
        partial answer set matches for sure prove every completion broken.
        """
        return None

    # -- partial answers -------------------------------------------------------
    @abstractmethod
    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        """(result, row) when it is the same over a whole region (``guaranteed`` non-empty), else None.

        ``row``: the deciding row, ``VARIES`` when it differs within the region,
        None when there is none (``ERROR``). Cheap and strict: the exact search
        over partial answers splits the region further when this says None.
        """

    @abstractmethod
    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        """What the rows matching every (``definite``) / some (``possible``, non-empty) completion prove.

        Sound, not always decisive: ``result`` is None when these two masks
        cannot tell (whether the rows cover every completion, say).
        """

    # -- the row analysis ------------------------------------------------------
    def deciders(self, table: CompiledTable, live: int) -> int:
        """Rows that take part in deciding (are the result's row) for answers matched by exactly ``live``."""
        return live  # unique, any, collect: every match takes part in the result

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        """Rows that evaluation reports as the deciding ``rule`` for exactly ``live`` (collect: every match)."""
        return live

    def sensitive(self, table: CompiledTable, live: int) -> int:
        """Rows of ``live`` whose removal can change the result for exactly ``live`` (a superset is fine)."""
        return live

    def could_decide(self, table: CompiledTable, live: int, guaranteed: int) -> int:
        """Rows of ``live`` that can decide somewhere in the region (the others are shadowed there)."""
        return live

    def prune(self, table: CompiledTable, live: int, guaranteed: int, mattering: int) -> int:
        """The rows of ``live`` a search below this region still needs, when ``mattering`` rows are
        already known to matter (not redundant) somewhere."""
        return live

    def clashing(self, table: CompiledTable, row: int, live: int) -> int:
        """Rows of ``live`` that break the policy when they match together with ``row``."""
        return 0

    def shadowers(self, table: CompiledTable, row: int) -> int:
        """Rows that decide instead of ``row`` wherever both match (``ranks_by`` policies)."""
        return 0

    def shadow_order(self, table: CompiledTable) -> tuple[int, ...] | None:
        """Every row, each after its ``shadowers``, when the shadowers of a row's shadower are the
        row's own too; None when not so (or nothing shadows). Then a row decides nothing exactly when
        its shadowers that decide something match every answer it matches, and the rows can be
        settled in this order (``analysis.rows._shadowed``)."""
        return None


@dataclass(frozen=True)
class Unique(HitPolicy):
    """At most one row may match; two are an error."""

    __slots__ = ()

    name = "unique"
    conflicts = True
    counts_overlaps = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        if live & (live - 1):
            return ERROR, None
        d = lowest(live)
        return table.rules[d].then, d

    def violation(self, table: CompiledTable, live: int) -> str | None:
        return "more than one row matches" if live & (live - 1) else None

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        return (ERROR, None) if guaranteed & (guaranteed - 1) else None

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if definite and possible == definite:  # one row (two would be a violation), and no other can join
            d = lowest(definite)
            return Bound(table.rules[d].then, d, possible)
        return Bound(None, None, possible)

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        return live if live.bit_count() == 1 else 0

    def sensitive(self, table: CompiledTable, live: int) -> int:
        return live if live.bit_count() <= 2 else 0

    def clashing(self, table: CompiledTable, row: int, live: int) -> int:
        return live & ~(1 << row)


@dataclass(frozen=True)
class First(HitPolicy):
    """The first matching row, in table order, decides."""

    __slots__ = ()

    name = "first"
    ranks_by = "row"
    positional = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        d = lowest(live)
        return table.rules[d].then, d

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        d = lowest(live)
        return (table.rules[d].then, d) if guaranteed >> d & 1 else None

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if not definite:
            return Bound(None, None, possible)
        d = lowest(definite)
        candidates = possible & ((1 << (d + 1)) - 1)  # rows after the first sure match never decide
        outs = _outcome_set(table, candidates)
        if len(outs) == 1:
            c = lowest(candidates)
            return Bound(outs.pop(), c if c == d else None, candidates)
        return Bound(None, None, candidates)

    def deciders(self, table: CompiledTable, live: int) -> int:
        return live & -live

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        return live & -live

    def sensitive(self, table: CompiledTable, live: int) -> int:
        return live & -live

    def could_decide(self, table: CompiledTable, live: int, guaranteed: int) -> int:
        if not guaranteed:
            return live
        return live & ((2 << lowest(guaranteed)) - 1)

    def prune(self, table: CompiledTable, live: int, guaranteed: int, mattering: int) -> int:
        if not guaranteed:
            return live
        g = lowest(guaranteed)
        keep_to = g
        if not (mattering >> g) & 1:  # g's fall-back rows still matter
            later = guaranteed & ~((2 << g) - 1)
            keep_to = lowest(later) if later else live.bit_length()
        return live & ((2 << keep_to) - 1)

    def shadowers(self, table: CompiledTable, row: int) -> int:
        return (1 << row) - 1

    def shadow_order(self, table: CompiledTable) -> tuple[int, ...] | None:
        return tuple(range(len(table.rules)))


@dataclass(frozen=True)
class Priority(HitPolicy):
    """The matching row with the best outcome (outcomes in priority order) decides; the first such row is the rule."""

    __slots__ = ()

    name = "priority"
    ranks_by = "outcome"
    by_priority = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        if table.priority_rows:
            d = lowest(live & table.priority_rows[_best_class(table.priority_rows, live)])
            return table.rules[d].then, d
        best = outcomes_in(table, live)[0]
        return best, lowest(live & table.outcome_rows[best])

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        if table.priority_rows:  # classes by the outputs: a class may hold rows of several results
            classes = table.priority_rows
            b = _best_class(classes, guaranteed)
            if _best_class(classes, live) < b:
                return None
            g = lowest(guaranteed & classes[b])
            contenders = live & classes[b] & ((2 << g) - 1)  # the class's lowest live row is one of these
            d = lowest(contenders)
            if len(_results_of(table, contenders)) > 1:
                return None
            return table.rules[d].then, (d if guaranteed >> d & 1 else VARIES)
        best = outcomes_in(table, guaranteed)[0]
        if outcomes_in(table, live)[0] < best:
            return None
        d = lowest(live & table.outcome_rows[best])
        return best, (d if guaranteed >> d & 1 else VARIES)

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if not definite:
            return Bound(None, None, possible)
        if table.priority_rows:
            classes = table.priority_rows
            b = _best_class(classes, definite)
            g = lowest(definite & classes[b])
            candidates = possible & classes[b] & ((2 << g) - 1)
            for c in range(b):
                candidates |= possible & classes[c]
            outs = _results_of(table, candidates)
            if len(outs) == 1:
                first = lowest(candidates)
                return Bound(outs.pop(), first if (definite >> first) & 1 else None, candidates)
            return Bound(None, None, candidates)
        best = min(_outcome_set(table, definite))
        candidates = 0
        for o in range(best + 1):  # rows with a worse outcome than a sure match never decide
            candidates |= possible & table.outcome_rows[o]
        if _outcome_set(table, candidates) == {best}:
            first_best = lowest(possible & table.outcome_rows[best])
            return Bound(best, first_best if (definite >> first_best) & 1 else None, candidates)
        return Bound(None, None, candidates)

    def deciders(self, table: CompiledTable, live: int) -> int:
        if not live:
            return 0
        if table.priority_rows:  # the class's first rows giving the result of its lowest one
            hit = live & table.priority_rows[_best_class(table.priority_rows, live)]
            then = table.rules[lowest(hit)].then
            out = 0
            for r in bits(hit):
                if table.rules[r].then != then:
                    break
                out |= 1 << r
            return out
        return live & table.outcome_rows[outcomes_in(table, live)[0]]

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        d = self.deciders(table, live)
        return d & -d

    def sensitive(self, table: CompiledTable, live: int) -> int:
        d = self.deciders(table, live)
        return d if d.bit_count() == 1 else 0

    def could_decide(self, table: CompiledTable, live: int, guaranteed: int) -> int:
        if not guaranteed:
            return live
        if table.priority_rows:
            classes = table.priority_rows
            b = _best_class(classes, guaranteed)
            g = lowest(guaranteed & classes[b])
            then = table.rules[g].then
            keep = classes[b] & ((2 << g) - 1)
            keep |= or_rows(r for r in bits(classes[b] & live & ~keep) if table.rules[r].then == then)
            for c in range(b):
                keep |= classes[c]
            return live & keep
        return live & _best(table, guaranteed)[1]

    def prune(self, table: CompiledTable, live: int, guaranteed: int, mattering: int) -> int:
        if not guaranteed or table.priority_rows:  # classes by the outputs: no pruning (sound)
            return live
        best, up_to = _best(table, guaranteed)
        tops = guaranteed & table.outcome_rows[best]
        if tops.bit_count() >= 2 or tops & ~mattering == 0:
            return live & up_to
        return live

    def shadowers(self, table: CompiledTable, row: int) -> int:
        if table.priority_rows:
            classes = table.priority_rows
            c = _best_class(classes, 1 << row)
            then = table.rules[row].then
            better = or_rows(r for r in bits(classes[c] & ((1 << row) - 1)) if table.rules[r].then != then)
            for k in range(c):
                better |= classes[k]
            return better
        better = 0
        for o in range(table.rules[row].then):
            better |= table.outcome_rows[o]
        return better

    def shadow_order(self, table: CompiledTable) -> tuple[int, ...] | None:
        if table.priority_rows:  # an earlier row of the class with another result shadows, not transitively
            return None
        return tuple(sorted(range(len(table.rules)), key=lambda r: (table.rules[r].then, r)))


@dataclass(frozen=True)
class AnyPolicy(HitPolicy):
    """Rows may overlap when they agree: every matching row must give the same outcome; the first is the rule."""

    __slots__ = ()

    name = "any"
    conflicts = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        if table.agree_rows:
            if _disagreeing(table, live):
                return ERROR, None
            d = lowest(live)
            return table.rules[d].then, d
        outs = outcomes_in(table, live)
        return (outs[0], lowest(live)) if len(outs) == 1 else (ERROR, None)

    def violation(self, table: CompiledTable, live: int) -> str | None:
        if table.agree_rows:
            return "matching rows disagree" if _disagreeing(table, live) else None
        if live and live & ~table.outcome_rows[table.rules[lowest(live)].then]:
            return "matching rows disagree"
        return None

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        if table.agree_rows:
            if _disagreeing(table, guaranteed):
                return ERROR, None
            outs_of = _results_of(table, live)
            if len(outs_of) == 1 and not _disagreeing(table, live):
                d = lowest(live)
                return outs_of.pop(), (d if guaranteed >> d & 1 else VARIES)
            return None
        outs = outcomes_in(table, live)
        if len(outs) > 1:
            return (ERROR, None) if len(outcomes_in(table, guaranteed)) > 1 else None
        d = lowest(live)
        return outs[0], (d if guaranteed >> d & 1 else VARIES)

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if table.agree_rows and definite and possible == definite and not _disagreeing(table, definite):
            d = lowest(definite)  # every row matches: they agree, the first is the rule
            return Bound(table.rules[d].then, d, possible)
        if definite:
            outs = _outcome_set(table, possible)  # one result: no two rows can disagree
            if len(outs) == 1:
                p = lowest(possible)
                return Bound(outs.pop(), p if p == lowest(definite) else None, possible)
        return Bound(None, None, possible)

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        return live & -live if self.result(table, live)[0] != ERROR else 0

    def sensitive(self, table: CompiledTable, live: int) -> int:
        if live.bit_count() == 1 or table.agree_rows:
            return live
        return live if len(outcomes_in(table, live)) == 2 else 0

    def clashing(self, table: CompiledTable, row: int, live: int) -> int:
        if table.agree_rows:
            return live & ~table.agree_rows[table.rules[row].then]
        return live & ~table.outcome_rows[table.rules[row].then]


@dataclass(frozen=True)
class Collect(HitPolicy):
    """Every matching row counts: the result is their outcomes, in table order."""

    __slots__ = ()

    name = "collect"
    collects = True
    takes_aggregate = True
    counts_overlaps = True
    positional = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        return tuple(table.rules[r].then for r in bits(live)), None

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        return None  # every live row counts: only a region where all of them match fixes the list

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if possible == definite:
            return Bound(tuple(table.rules[r].then for r in bits(definite)), None, possible)
        return Bound(None, None, possible)


@dataclass(frozen=True)
class OutputOrder(HitPolicy):
    """Every matching row counts, sorted by output priority (DMN's O); rows of one class keep table order."""

    __slots__ = ()

    name = "output-order"
    collects = True
    counts_overlaps = True
    positional = True
    by_priority = True

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        return None  # as collect: only a region where every live row matches fixes the list

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        return tuple(table.rules[r].then for rows in _classes(table) for r in bits(live & rows)), None

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if possible == definite:
            return Bound(self.result(table, definite)[0], None, possible)
        return Bound(None, None, possible)


@dataclass(frozen=True, slots=True)
class Total:
    """The result of an aggregated ``collect``: the one output's sum, least or greatest value, or the count."""

    value: Any


AggregateName = Literal["sum", "min", "max", "count"]


@dataclass(frozen=True)
class Aggregated(Collect):
    """``collect`` with ``aggregate`` (DMN's C+, C<, C>, C#): the matches' one output folded to a number."""

    __slots__ = ("how",)

    how: AggregateName
    takes_aggregate = False
    folds = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        if self.how == "count":
            return Total(live.bit_count()), None
        return Total(fold(self.how, [table.results[table.rules[r].then].values[0][1] for r in bits(live)])), None

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if possible == definite:
            return Bound(self.result(table, definite)[0], None, possible)
        return Bound(None, None, possible)


def fold(how: str, numbers_: list[Any]) -> Any:
    """``sum``, ``min`` or ``max`` of exact numbers (non-empty), exactly."""
    from crossroads.engine.table import numbers

    if how == "min":
        return min(numbers_)
    if how == "max":
        return max(numbers_)
    total: Any = 0
    for n in numbers_:
        total = numbers.add(total, n)
    return total


POLICIES: Mapping[PolicyName, HitPolicy] = MappingProxyType(
    {p.name: p for p in (Unique(), First(), Priority(), AnyPolicy(), Collect(), OutputOrder())}
)
"""Every hit policy by name (the schema's order)."""
AGGREGATED: Mapping[AggregateName, HitPolicy] = MappingProxyType(
    {how: Aggregated(how) for how in ("sum", "min", "max", "count")}
)
"""``collect`` with each ``aggregate``."""


def policy_of(table: Any) -> HitPolicy:
    """The hit policy of ``table`` (anything with a valid ``hit_policy``: a compiled table or a model)."""
    how = getattr(table, "aggregate", None)
    if how is not None:
        return AGGREGATED[how]
    return POLICIES[table.hit_policy]


def result_of(table: CompiledTable, live: int) -> tuple[Any, int | None]:
    """(result, deciding row) for answers matched by exactly ``live``, the default included.

    With no match the default stands in: ``(default,)`` under collect and output-order; an
    aggregate of its one value (``count``: 0, with or without a default)."""
    policy = policy_of(table)
    if not live:
        if isinstance(policy, Aggregated):
            if policy.how == "count":
                return Total(0), None
            if table.default is None:
                return NO_MATCH, None
            return Total(table.results[table.default].values[0][1]), None
        if table.default is None:
            return NO_MATCH, None
        return ((table.default,) if policy.collects else table.default), None
    return policy.result(table, live)


def result_label(table: CompiledTable, index: int) -> str:
    """How messages name result ``index``: its outcome id, or its values given inline."""
    if index < len(table.outcomes):
        return table.outcomes[index].id
    from crossroads.engine.table import values

    return values.label(table.results[index].values)


def violation(table: CompiledTable, live: int) -> HitPolicyViolation | None:
    """The error for answers matched by every row of ``live``, when they break the policy."""
    reason = policy_of(table).violation(table, live)
    if reason is None:
        return None
    rows = list(bits(live))
    ids = tuple(table.rules[r].id for r in rows)
    detail = ", ".join(f"{table.rules[r].id} → {result_label(table, table.rules[r].then)}" for r in rows)
    return HitPolicyViolation(f"hit policy '{table.hit_policy}' violated: {reason} ({detail})", ids)
