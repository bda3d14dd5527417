"""Convert a crossroads table into a GoRules ZEN decision (JDM), to compare speed.

The JDM graph is input → one ``decisionTableNode`` → output. Every crossroads
input becomes a table input whose ``field`` is the input id; every cell a ZEN
unary test: an option list ``"red", "blue"`` (a ``{not: ...}`` is written as
the options it leaves), ``true``/``false``, a number, ``< 300``/``>= 300``,
or an interval ``[300..1000)``; an unconditioned input is an empty cell. One
output, ``outcome``, holds the outcome id as a string literal.

Hit policies: ZEN has ``first`` and ``collect``. ``first`` maps to ``first``;
every other policy maps to ``collect`` and the policy is applied to the
matches in Python (``unique`` then really checks that only one row matched,
as crossroads does). A ``default`` is applied when nothing matches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from crossroads.engine.table import conditions as cond
from crossroads.engine.table.model import Table


def unary(c: cond.Condition) -> str:
    """A crossroads condition as a ZEN unary test."""
    if isinstance(c, cond.OptionSet):
        return ", ".join(json.dumps(v) for v in sorted(c.values))
    if isinstance(c, cond.BoolIs):
        return "true" if c.value else "false"
    lo, hi = c.lo, c.hi
    f = cond.format_number
    if lo is not None and hi is not None and lo == hi:
        return f(lo)
    if lo is None:
        return f"{'<=' if c.hi_closed else '<'} {f(hi)}"  # type: ignore[arg-type]
    if hi is None:
        return f"{'>=' if c.lo_closed else '>'} {f(lo)}"
    return f"{'[' if c.lo_closed else '('}{f(lo)}..{f(hi)}{']' if c.hi_closed else ')'}"


def to_jdm(table: Table) -> dict[str, Any]:
    """The JDM document of a validated model table."""
    by_id = {i.id: i for i in table.inputs}
    columns = [{"id": f"in-{i.id}", "name": i.id, "field": i.id} for i in table.inputs]
    rules = []
    for rule in table.rules:
        cells: dict[str, str] = {"_id": rule.id}
        for spec in table.inputs:
            cells[f"in-{spec.id}"] = ""
        for input_id, raw in (rule.when or {}).items():
            spec = by_id[input_id]
            options = tuple(o.id for o in getattr(spec, "options", ()))
            cells[f"in-{input_id}"] = unary(cond.parse(spec.type, raw, options))  # type: ignore[arg-type]
        cells["out-outcome"] = json.dumps(rule.then)
        rules.append(cells)
    node = {
        "id": "table",
        "type": "decisionTableNode",
        "name": table.id,
        "position": {"x": 300, "y": 0},
        "content": {
            "hitPolicy": "first" if table.hit_policy == "first" else "collect",
            "inputs": columns,
            "outputs": [{"id": "out-outcome", "name": "outcome", "field": "outcome"}],
            "rules": rules,
        },
    }
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            node,
            {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "response", "type": "edge"},
        ],
    }


def context(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as ZEN's JSON context (decimals as floats: the generators only use quarters)."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in answers.items()}


def outcome_of(table: Table, result: Any) -> tuple[str, str | None]:
    """(status, outcome) from ZEN's ``result``, with the hit policy and default applied."""
    if isinstance(result, dict):  # first
        hits = [result["outcome"]] if "outcome" in result else []
    else:
        hits = [r["outcome"] for r in result]
    if not hits:
        return ("decided", table.default) if table.default is not None else ("no-match", None)
    policy = table.hit_policy
    if policy == "unique" and len(hits) > 1:
        return "violation", None
    if policy == "any" and len(set(hits)) > 1:
        return "violation", None
    if policy == "priority":
        order = [o.id for o in table.outcomes]
        return "decided", min(hits, key=order.index)
    if policy == "collect":
        return "decided", None
    return "decided", hits[0]
