"""The baseline the compiled index is measured against: a plain row scan.

One Python loop over the rows, testing each row's conditions in turn against
the answers, then the hit policy: ``first`` stops at the first match; the
others have to look at every row (``unique`` to prove no second row matches).
Conditions are pre-parsed once (like any sensible interpreter would) into a
predicate per cell, so what is measured is the scan, not the parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crossroads.engine.table import conditions as cond
from crossroads.engine.table.model import Table


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    then: str
    tests: tuple[tuple[str, Callable[[Any], bool]], ...]  # (input id, predicate)


@dataclass(frozen=True, slots=True)
class ScanTable:
    hit_policy: str
    default: str | None
    outcomes: tuple[str, ...]
    rows: tuple[Row, ...]


def _predicate(c: cond.Condition) -> Callable[[Any], bool]:
    if isinstance(c, cond.OptionSet):
        return c.values.__contains__
    if isinstance(c, cond.BoolIs):
        return c.value.__eq__
    return c.contains


def scan_table(table: Table) -> ScanTable:
    """Pre-parse a validated model table's cells into predicates."""
    by_id = {i.id: i for i in table.inputs}
    rows = []
    for rule in table.rules:
        tests = []
        for input_id, raw in (rule.when or {}).items():
            spec = by_id[input_id]
            options = tuple(o.id for o in getattr(spec, "options", ()))
            tests.append((input_id, _predicate(cond.parse(spec.type, raw, options))))  # type: ignore[arg-type]
        rows.append(Row(rule.id, rule.then, tuple(tests)))
    return ScanTable(table.hit_policy, table.default, tuple(o.id for o in table.outcomes), tuple(rows))


def decide(t: ScanTable, answers: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    """(status, outcome, rule) as ``crossroads.engine.decision.evaluate.decide`` gives them for complete answers."""
    matches = []
    for row in t.rows:
        for input_id, test in row.tests:
            if not test(answers[input_id]):
                break
        else:
            if t.hit_policy == "first":
                return "decided", row.then, row.id
            matches.append(row)
    if not matches:
        if t.default is None:
            return "no-match", None, None
        return "decided", None if t.hit_policy == "collect" else t.default, None  # collect: a list, no one outcome
    if t.hit_policy == "unique":
        if len(matches) > 1:
            raise ValueError("more than one row matches: " + ", ".join(r.id for r in matches))
        return "decided", matches[0].then, matches[0].id
    if t.hit_policy == "any":
        if len({r.then for r in matches}) > 1:
            raise ValueError("matching rows disagree")
        return "decided", matches[0].then, matches[0].id
    if t.hit_policy == "priority":
        best = min(matches, key=lambda r: t.outcomes.index(r.then))
        return "decided", best.then, best.id
    return "decided", None, None  # collect
