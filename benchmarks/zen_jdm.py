"""Convert a crossroads table into a GoRules ZEN decision (JDM), to compare speed.

The JDM graph is input → one ``decisionTableNode`` → output. Every crossroads
input becomes a table input whose ``field`` is the input id (``-`` written ``_``:
``jdm.input_field``); every cell the ZEN unary test ``crossroads.engine.interop.jdm.zen_cell``
writes (the exporter's one definition); an unconditioned input is an empty cell. One
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

from crossroads.engine.interop.jdm import input_field, one_table_graph, zen_cell
from crossroads.engine.table import conditions as cond
from crossroads.engine.table.compiler import input_spec
from crossroads.engine.table.model import Table


def to_jdm(table: Table) -> dict[str, Any]:
    """The JDM document of a validated model table."""
    by_id = {i.id: i for i in table.inputs}
    columns = [{"id": f"in-{i.id}", "name": i.id, "field": input_field(i.id)} for i in table.inputs]
    rules = []
    for rule in table.rules:
        cells: dict[str, str] = {"_id": rule.id}
        for spec in table.inputs:
            cells[f"in-{spec.id}"] = ""
        for input_id, raw in (rule.when or {}).items():
            spec = by_id[input_id]
            options = tuple(o.id for o in getattr(spec, "options", ()))
            cells[f"in-{input_id}"] = zen_cell(input_spec(spec), cond.parse(spec.type, raw, options))  # type: ignore[arg-type]
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
    return one_table_graph(node)


def context(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as ZEN's JSON context (decimals as floats: the generators only use quarters)."""
    return {input_field(k): float(v) if isinstance(v, Decimal) else v for k, v in answers.items()}


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
