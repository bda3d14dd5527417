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
    from crossroads.engine.table.compiler import CompiledTable

PolicyName = Literal["unique", "first", "priority", "any", "collect"]
"""The hit policies a table may name (``hit_policy``)."""

Status = Literal["decided", "undecided", "no-match"]
"""A result's ``status`` (the JSON field): decided, not yet decided (partial answers), or no row matches."""
DECIDED: Final = "decided"
UNDECIDED: Final = "undecided"
NO_MATCH: Final = "no-match"  # a status, and the result of answers no row matches in a table without a default
ERROR = "error"  # the result of answers that break the hit policy (unique, any)
VARIES = -1  # as a deciding row: the deciding row differs between the answer sets considered

_MISSING = object()


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


@dataclass(frozen=True)
class Priority(HitPolicy):
    """The matching row with the best outcome (outcomes in priority order) decides; the first such row is the rule."""

    __slots__ = ()

    name = "priority"
    ranks_by = "outcome"

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        best = outcomes_in(table, live)[0]
        return best, lowest(live & table.outcome_rows[best])

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        best = outcomes_in(table, guaranteed)[0]
        if outcomes_in(table, live)[0] < best:
            return None
        d = lowest(live & table.outcome_rows[best])
        return best, (d if guaranteed >> d & 1 else VARIES)

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if not definite:
            return Bound(None, None, possible)
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
        return live & _best(table, guaranteed)[1]

    def prune(self, table: CompiledTable, live: int, guaranteed: int, mattering: int) -> int:
        if not guaranteed:
            return live
        best, up_to = _best(table, guaranteed)
        tops = guaranteed & table.outcome_rows[best]
        if tops.bit_count() >= 2 or tops & ~mattering == 0:
            return live & up_to
        return live

    def shadowers(self, table: CompiledTable, row: int) -> int:
        better = 0
        for o in range(table.rules[row].then):
            better |= table.outcome_rows[o]
        return better


@dataclass(frozen=True)
class AnyPolicy(HitPolicy):
    """Rows may overlap when they agree: every matching row must give the same outcome; the first is the rule."""

    __slots__ = ()

    name = "any"
    conflicts = True

    def result(self, table: CompiledTable, live: int) -> tuple[Any, int | None]:
        outs = outcomes_in(table, live)
        return (outs[0], lowest(live)) if len(outs) == 1 else (ERROR, None)

    def violation(self, table: CompiledTable, live: int) -> str | None:
        if live and live & ~table.outcome_rows[table.rules[lowest(live)].then]:
            return "matching rows disagree"
        return None

    def fixed(self, table: CompiledTable, live: int, guaranteed: int) -> tuple[Any, int | None] | None:
        outs = outcomes_in(table, live)
        if len(outs) > 1:
            return (ERROR, None) if len(outcomes_in(table, guaranteed)) > 1 else None
        d = lowest(live)
        return outs[0], (d if guaranteed >> d & 1 else VARIES)

    def bounds(self, table: CompiledTable, definite: int, possible: int) -> Bound:
        if definite:
            outs = _outcome_set(table, possible)
            if len(outs) == 1:
                p = lowest(possible)
                return Bound(outs.pop(), p if p == lowest(definite) else None, possible)
        return Bound(None, None, possible)

    def rule_rows(self, table: CompiledTable, live: int) -> int:
        return live & -live if self.result(table, live)[0] != ERROR else 0

    def sensitive(self, table: CompiledTable, live: int) -> int:
        if live.bit_count() == 1:
            return live
        return live if len(outcomes_in(table, live)) == 2 else 0

    def clashing(self, table: CompiledTable, row: int, live: int) -> int:
        return live & ~table.outcome_rows[table.rules[row].then]


@dataclass(frozen=True)
class Collect(HitPolicy):
    """Every matching row counts: the result is their outcomes, in table order."""

    __slots__ = ()

    name = "collect"
    collects = True
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


POLICIES: Mapping[PolicyName, HitPolicy] = MappingProxyType(
    {p.name: p for p in (Unique(), First(), Priority(), AnyPolicy(), Collect())}
)
"""Every hit policy by name (the schema's order)."""


def policy_of(table: Any) -> HitPolicy:
    """The hit policy of ``table`` (anything with a valid ``hit_policy``: a compiled table or a model)."""
    return POLICIES[table.hit_policy]


def result_of(table: CompiledTable, live: int) -> tuple[Any, int | None]:
    """(result, deciding row) for answers matched by exactly ``live``, the default included."""
    if not live:
        if table.default is None:
            return NO_MATCH, None
        return ((table.default,) if POLICIES[table.hit_policy].collects else table.default), None
    return POLICIES[table.hit_policy].result(table, live)


def violation(table: CompiledTable, live: int) -> HitPolicyViolation | None:
    """The error for answers matched by every row of ``live``, when they break the policy."""
    reason = POLICIES[table.hit_policy].violation(table, live)
    if reason is None:
        return None
    rows = list(bits(live))
    ids = tuple(table.rules[r].id for r in rows)
    detail = ", ".join(f"{table.rules[r].id} → {table.outcomes[table.rules[r].then].id}" for r in rows)
    return HitPolicyViolation(f"hit policy '{table.hit_policy}' violated: {reason} ({detail})", ids)
