"""Semantic diff of two versions of a table, and the version bump it needs.

Not a text diff: two tables are compared by what they answer. Both are laid
over one *joint* answer space — every input of either version; for an input
both have, the answers valid in both (common options, the tighter bounds, the
numeric breakpoints of both) — whose rows are the old table's rows followed by
the new one's. ``space.walk`` cuts that space into regions where both live-row
sets are constant, each version's hit policy gives its result there, and the
regions where the results differ are the changes (merged, in condition
syntax, each with an example). Reordering rows that do not overlap, renaming
rows or reformatting changes nothing; a changed ``because`` is a text change.

In a table with ``outputs`` a result is what ``values`` shows (``ValueResult``):
the deciding row's values and outcome id, the list of them (``collect``,
``output-order``) or the aggregate; values compare exactly (``0.10`` is ``0.1``).
A table that gains or loses ``outputs`` (or an output) changes the result of
every answer a row or the default decides.

Version rules (semver): a changed result for any existing answer, or a removed
input, option, outcome or output → major; only additions → minor; only texts → patch.
"""

from __future__ import annotations

import re
from decimal import Decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crossroads.engine.search import space
from crossroads.engine.table import dates
from crossroads.engine.table.compiler import (
    ChoiceColumn,
    Column,
    CompiledTable,
    DateColumn,
    InputSpec,
    InputType,
    NumberColumn,
    TextColumn,
    RowSpan,
    Runs,
    Span,
    compile_table,
)
from crossroads.engine.table import numbers, values as vals
from crossroads.engine.table.conditions import format_number
from crossroads.engine.table.policies import ERROR, NO_MATCH, Total, result_of
from crossroads.engine.table.wording import describe_when
from crossroads.engine.search.space import Budget, Exhausted

BUMPS = ("none", "patch", "minor", "major")


@dataclass(frozen=True, slots=True)
class ValueResult:
    """A result of a table with ``outputs``, as ``values`` shows it (hashable: regions group by it).

    ``kind``: ``one`` (a single-hit policy: ``items`` holds one (outcome id or None, values)),
    ``list`` (``collect``, ``output-order``: one item per match, in the policy's order) or
    ``total`` (an aggregate: one (None, ((output id, number),)) item).
    """

    kind: str
    items: tuple[tuple[str | None, vals.Values], ...]

    def to_json(self) -> Any:
        """What ``values`` shows: a mapping, a list of mappings, or ``{output: number}``."""
        shown = [vals.mapping_json(v) for _, v in self.items]
        return shown if self.kind == "list" else shown[0]

    @property
    def outcome(self) -> Any:
        """The outcome id(s) beside the values (None where a row gives values inline)."""
        ids = [o for o, _ in self.items]
        return ids if self.kind == "list" else ids[0]


@dataclass(frozen=True, slots=True)
class Change:
    """Answers in ``when`` (a rule-style mapping) whose result changes; ``example`` is one of them."""

    when: dict[str, Any]
    example: dict[str, Any]
    old: Any  # outcome id, list of ids (collect), ValueResult (outputs), None: no match, "error": policy breaks
    new: Any


@dataclass(frozen=True, slots=True)
class TextChange:
    """Wording that changed where the ids stayed: where (``outcomes.rag.title``), before and after."""

    path: str
    old: Any  # a string, a list of strings (choose_when, tradeoffs), or None where it was left out
    new: Any


@dataclass(frozen=True, slots=True)
class Diff:
    changes: tuple[Change, ...]
    added: dict[str, list[str]]  # inputs, options ("input:option"), outcomes, ranges (numeric answers)
    removed: dict[str, list[str]]
    text_changes: tuple[TextChange, ...]
    complete: bool  # False: the search ran out of time; more results may change
    old_version: str
    new_version: str

    @property
    def text(self) -> tuple[str, ...]:
        """Where the wording changed (the JSON field ``text``)."""
        return tuple(t.path for t in self.text_changes)

    @property
    def required(self) -> str:
        if self.changes or any(self.removed.values()) or not self.complete:
            return "major"
        if any(self.added.values()):
            return "minor"
        return "patch" if self.text else "none"

    @property
    def bump(self) -> str:
        return bump(self.old_version, self.new_version)

    @property
    def ok(self) -> bool:
        return self.bump != "downgrade" and BUMPS.index(self.bump) >= BUMPS.index(self.required)

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [
                {"region": describe_when(c.when), "example": c.example, **_change_json(c)} for c in self.changes
            ],
            "added": self.added,
            "removed": self.removed,
            "text": list(self.text),
            "text_changes": [{"path": t.path, "old": t.old, "new": t.new} for t in self.text_changes],
            "complete": self.complete,
            "version": {"old": self.old_version, "new": self.new_version, "required": self.required, "ok": self.ok},
        }


def _change_json(c: Change) -> dict[str, Any]:
    """``old``/``new`` as ``values`` shows them; with outputs, also the outcome ids beside them."""
    out = {"old": _json(c.old), "new": _json(c.new)}
    if isinstance(c.old, ValueResult) or isinstance(c.new, ValueResult):
        out["old_outcome"] = c.old.outcome if isinstance(c.old, ValueResult) else c.old
        out["new_outcome"] = c.new.outcome if isinstance(c.new, ValueResult) else c.new
    return out


def _json(result: Any) -> Any:
    return result.to_json() if isinstance(result, ValueResult) else result


_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def bump(old: str, new: str) -> str:
    """Which part of the version went up: major, minor, patch, none, or downgrade."""
    a = tuple(int(x) for x in _SEMVER.match(old).groups())  # type: ignore[union-attr]
    b = tuple(int(x) for x in _SEMVER.match(new).groups())  # type: ignore[union-attr]
    if b < a:
        return "downgrade"
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    return "patch" if b[2] > a[2] else "none"


def diff(old_model: Any, new_model: Any, *, max_seconds: float = 60.0) -> Diff:
    """Compare two validated tables (``model.Table``)."""
    old, new = compile_table(old_model), compile_table(new_model)
    added, removed = _structure(old, new)
    joint, n_old = _joint(old, new)
    if space.too_large(joint):  # too big to search (space.MAX_PIECE_BITS): incomplete, so a major bump is required
        return Diff((), added, removed, tuple(_texts(old_model, new_model)), False, old.version, new.version)
    pieces = space.root_pieces(joint)
    old_rows, new_rows = (1 << n_old) - 1, joint.all_rows >> n_old
    regions: dict[tuple[Any, Any], list[Any]] = {}
    complete = True
    common = all(pieces)  # an input whose versions share no answer leaves no common answer set
    try:
        for leaf in space.walk(joint, pieces, joint.all_rows, Budget(max_seconds)) if common else ():
            before = result_when(old, leaf.live & old_rows)
            after = result_when(new, leaf.live >> n_old & new_rows)
            if before != after:
                regions.setdefault((result_key(before), result_key(after)), []).append(
                    (space.parts(leaf.region), (space.leaf_witness(joint, leaf), before, after))
                )
    except Exhausted:
        complete = False
    changes = [
        Change(when, example, before, after)
        for group in regions.values()
        for when, (example, before, after) in space.merge_regions(joint, pieces, group)
    ]
    return Diff(tuple(changes), added, removed, tuple(_texts(old_model, new_model)), complete, old.version, new.version)


def result_key(result: Any) -> Any:
    """A result as diff writes one, hashable (a collect list as a tuple): what groups regions."""
    return tuple(result) if isinstance(result, list) else result


def result_when(table: CompiledTable, live: int) -> Any:
    """The table's result when exactly ``live`` of its rows match: by outcome id, or (a table with
    outputs) as a ``ValueResult``."""
    return present_result(table, result_of(table, live)[0])


def present_result(table: CompiledTable, result: Any) -> Any:
    """A policy result (``result_of``'s) as diff writes one: an outcome id, a list of them
    (collect), a ``ValueResult`` (outputs), None (no match) or ``"error"``."""
    if isinstance(result, Total):
        total = numbers.exact(result.value)  # canonical, as an output's value: 5.0 is 5, 0.10 is 0.1
        total = total.normalize(numbers.EXACT) if isinstance(total, Decimal) else total
        return ValueResult("total", ((None, ((table.outputs[0].id, total),)),))
    if result == NO_MATCH:
        return None
    if result == ERROR:
        return "error"
    if table.outputs:
        n = len(table.outcomes)

        def item(r: int) -> tuple[str | None, vals.Values]:
            return (table.outcomes[r].id if r < n else None), table.results[r].values

        if isinstance(result, tuple):
            return ValueResult("list", tuple(item(r) for r in result))
        return ValueResult("one", (item(result),))
    ids = [o.id for o in table.outcomes]
    return [ids[o] for o in result] if isinstance(result, tuple) else ids[result]


def _structure(old: CompiledTable, new: CompiledTable) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    def ids(items: Any) -> list[str]:
        return [i.id for i in items]

    def options(t: CompiledTable) -> list[str]:
        return [f"{i.id}:{o}" for i in t.inputs for o in i.option_ids]

    def minus(a: list[str], b: list[str]) -> list[str]:
        return [x for x in a if x not in set(b)]

    shared = {i.id for i in old.inputs} & {i.id for i in new.inputs}
    old_opts = [o for o in options(old) if o.split(":", 1)[0] in shared]
    new_opts = [o for o in options(new) if o.split(":", 1)[0] in shared]
    added = {
        "inputs": minus(ids(new.inputs), ids(old.inputs)),
        "options": minus(new_opts, old_opts),
        "outcomes": minus(ids(new.outcomes), ids(old.outcomes)),
    }
    removed = {
        "inputs": minus(ids(old.inputs), ids(new.inputs)),
        "options": minus(old_opts, new_opts),
        "outcomes": minus(ids(old.outcomes), ids(new.outcomes)),
    }
    if old.outputs or new.outputs:  # listed only where a version has outputs (the JSON stays as it was)
        added["outputs"] = minus(ids(new.outputs), ids(old.outputs))
        removed["outputs"] = minus(ids(old.outputs), ids(new.outputs))
        types = {o.id: o.type for o in old.outputs}
        for o in new.outputs:
            if types.get(o.id, o.type) != o.type:  # another type of value under the same id
                removed["outputs"].append(o.id)
                added["outputs"].append(o.id)
    added["ranges"], removed["ranges"] = [], []
    for a in old.inputs:
        b = next((i for i in new.inputs if i.id == a.id), None)
        if b is None:
            continue
        if a.type != b.type and not {a.type, b.type} <= {"integer", "number"}:
            removed["inputs"].append(a.id)  # a different kind of question
            added["inputs"].append(b.id)
        elif a.type in ("integer", "number", "date"):  # a date's bounds, as a number's
            _ranges(a, b, added["ranges"], removed["ranges"])
    return added, removed


def _ranges(a: InputSpec, b: InputSpec, added: list[str], removed: list[str]) -> None:
    """Numeric answers one version accepts and the other refuses (bounds, whole numbers)."""
    if (a.type, b.type) == ("number", "integer"):
        removed.append(f"{a.id}: numbers that are not whole")
    if (a.type, b.type) == ("integer", "number"):
        added.append(f"{a.id}: numbers that are not whole")
    checks: tuple[tuple[str, Callable[[Any, Any], bool]], ...] = (
        ("minimum", lambda old, new: new > old),
        ("maximum", lambda old, new: new < old),
    )
    for bound, narrower in checks:
        before, after = getattr(a, bound), getattr(b, bound)
        if before == after:
            continue
        shown = f"{a.id}: {bound} {_num(before, a.type)} → {_num(after, a.type)}"
        if after is not None and (before is None or narrower(before, after)):
            removed.append(shown)
        else:
            added.append(shown)


def _num(value: Any, kind: str = "number") -> str:
    if value is not None and kind == "date":  # a day number inside: YYYY-MM-DD
        return dates.format_day(int(value))
    return "none" if value is None else format_number(value)


def _joint(old: CompiledTable, new: CompiledTable) -> tuple[CompiledTable, int]:
    """One table over both versions' answer space; rows: old's, then new's (bit ``n_old + i``)."""
    n_old = len(old.rules)
    old_all, new_all = old.all_rows, new.all_rows << n_old
    old_inputs = {i.id: (i, c) for i, c in zip(old.inputs, old.columns)}
    new_inputs = {i.id: (i, c) for i, c in zip(new.inputs, new.columns)}
    inputs, columns = [], []
    for input_id in list(old_inputs) + [k for k in new_inputs if k not in old_inputs]:
        a, b = old_inputs.get(input_id), new_inputs.get(input_id)
        if a and b and (a[0].type == b[0].type or {a[0].type, b[0].type} <= {"integer", "number"}):
            spec, column = _shared(a, b, n_old)
        elif a:
            spec, column = a[0], _shifted(a[1], 1, new_all)
        else:
            spec, column = b[0], _shifted(b[1], 1 << n_old, old_all)  # type: ignore[index]
        inputs.append(spec)
        columns.append(column)
    joint = CompiledTable(
        id=new.id,
        version=new.version,
        title=new.title,
        summary=None,
        hit_policy=new.hit_policy,
        default=None,
        inputs=tuple(inputs),
        outcomes=(),
        rules=old.rules + new.rules,
        columns=tuple(columns),
        all_rows=old_all | new_all,
        outcome_rows=(),
    )
    return joint, n_old


def _shifted(column: Column, factor: int, others: int) -> Column:
    """A column of one version in the joint table: its masks moved into place, the other version's rows free."""
    every, some = column.every * factor | others, column.some * factor | others
    if isinstance(column, ChoiceColumn):
        return ChoiceColumn(column.input, {k: v * factor | others for k, v in column.table.items()}, every, some)
    if isinstance(column, TextColumn):
        table = {k: v * factor | others for k, v in column.table.items()}
        return TextColumn(column.input, table, column.other * factor | others, every, some)
    before = factor.bit_length() - 1
    after = max(others.bit_length() - before - len(column.spans), 0)
    spans = (None,) * before + column.spans + (None,) * after
    return type(column)(column.input, column.points, spans, every, some)  # a DateColumn stays one


def _shared(a: tuple[InputSpec, Column], b: tuple[InputSpec, Column], n_old: int) -> tuple[InputSpec, Column]:
    (sa, ca), (sb, cb) = a, b
    shift = 1 << n_old
    if isinstance(ca, ChoiceColumn) and isinstance(cb, ChoiceColumn):  # one type, choice or boolean (``_joint``)
        common = tuple(o for o in sb.options if o.id in set(sa.option_ids))
        values = [o.id for o in common] if sa.type == "choice" else [True, False]
        table = {v: ca.table[v] | cb.table[v] * shift for v in values}
        spec = InputSpec(sb.id, sb.type, sb.prompt, sb.help, common)
        every = some = 0
        return spec, ChoiceColumn(sb.id, table, every, some)
    if isinstance(ca, TextColumn) and isinstance(cb, TextColumn):  # both free text: the strings either names
        named = list(dict.fromkeys([*ca.table, *cb.table]))
        texts = {v: ca.lookup(v) | cb.lookup(v) * shift for v in named}
        return sb, TextColumn(sb.id, texts, ca.other | cb.other * shift, 0, 0)
    assert isinstance(ca, NumberColumn) and isinstance(cb, NumberColumn)  # both numeric (``_joint``)
    lo = max((x for x in (sa.minimum, sb.minimum) if x is not None), default=None)
    hi = min((x for x in (sa.maximum, sb.maximum) if x is not None), default=None)
    kind: InputType = "date" if sa.type == "date" else "integer" if "integer" in (sa.type, sb.type) else "number"
    spec = InputSpec(sb.id, kind, sb.prompt, sb.help, (), lo, hi)
    points = tuple(sorted(set(ca.points) | set(cb.points)))
    spans = _moved(ca, points) + _moved(cb, points)
    return spec, (DateColumn if kind == "date" else NumberColumn)(sb.id, points, spans, 0, 0)


def _moved(column: NumberColumn, points: tuple[Any, ...]) -> tuple[RowSpan | None, ...]:
    """The column's row spans as segments of the joint ``points`` (a superset of its own)."""
    own = column.points
    at = {p: 2 * i + 1 for i, p in enumerate(points)}  # a point's own segment in the joint line
    last = 2 * len(points)

    def start(s: int) -> int:
        if s % 2:
            return at[own[s // 2]]
        return 0 if s == 0 else at[own[s // 2 - 1]] + 1

    def end(s: int) -> int:
        if s % 2:
            return at[own[s // 2]]
        return last if s // 2 == len(own) else at[own[s // 2]] - 1

    def move(span: Span) -> Span:
        return span if span[0] > span[1] else (start(span[0]), end(span[1]))

    # a union row (``Runs``) moves run by run: a gap of its own segments stays a gap of joint ones
    return tuple(
        None if span is None else Runs(tuple(map(move, span.parts))) if isinstance(span, Runs) else move(span)
        for span in column.spans
    )


def _texts(old: Any, new: Any) -> list[TextChange]:
    """Wording that changed where the ids stayed: prompts, labels, titles, summaries, reasons."""
    out: list[TextChange] = []

    def check(where: str, a: Any, b: Any) -> None:
        if a != b:
            out.append(
                TextChange(where, list(a) if isinstance(a, tuple) else a, list(b) if isinstance(b, tuple) else b)
            )

    check("title", old.title, new.title)
    check("summary", old.summary, new.summary)
    new_inputs = {i.id: i for i in new.inputs}
    for a in old.inputs:
        b = new_inputs.get(a.id)
        if b is None:
            continue
        check(f"inputs.{a.id}.prompt", a.prompt, b.prompt)
        check(f"inputs.{a.id}.help", a.help, b.help)
        b_options = {o.id: o for o in getattr(b, "options", ())}
        for o in getattr(a, "options", ()):
            if o.id in b_options:
                check(f"inputs.{a.id}.options.{o.id}.label", o.label, b_options[o.id].label)
                check(f"inputs.{a.id}.options.{o.id}.help", o.help, b_options[o.id].help)
    new_outcomes = {o.id: o for o in new.outcomes}
    for a in old.outcomes:
        b = new_outcomes.get(a.id)
        if b is not None:
            for field in ("title", "summary", "choose_when", "tradeoffs"):
                check(f"outcomes.{a.id}.{field}", getattr(a, field), getattr(b, field))
    new_outputs = {o.id: o for o in new.outputs}
    for a in old.outputs:
        b = new_outputs.get(a.id)
        if b is not None:
            check(f"outputs.{a.id}.title", a.title, b.title)
            b_options = {o.id: o for o in b.options or ()}
            for o in a.options or ():
                if o.id in b_options:
                    check(f"outputs.{a.id}.options.{o.id}.label", o.label, b_options[o.id].label)
                    check(f"outputs.{a.id}.options.{o.id}.help", o.help, b_options[o.id].help)
    new_rules = {r.id: r for r in new.rules}
    for a in old.rules:
        b = new_rules.get(a.id)
        if b is not None:
            check(f"rules.{a.id}.because", a.because, b.because)
    return out
