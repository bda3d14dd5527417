"""A table at a glance: its questions with their options, then each outcome and the rows that lead to it.

A table with ``outputs`` adds what it returns: the outputs (id, type, title, options), each
outcome's ``values``, every row with its outcome id or the values it gives inline (``rows``),
the default's values, and the policy's ranking (``priority``: the choice outputs whose options
order the results under ``priority`` and ``output-order``) and ``aggregate``.

This is what ``crossroads show`` prints (text, Markdown) and its JSON output,
and what a guide page's "all options at a glance" section shows: everything a
reader needs to judge the table without answering it. Plain data, built from
the compiled table (or a localized view of it, which has the same fields).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crossroads.engine.table.answers import accepts
from crossroads.engine.table import values as vals
from crossroads.engine.table.compiler import CompiledTable, bound_value
from crossroads.engine.table.conditions import format_number
from crossroads.engine.table.policies import POLICIES


def overview(table: CompiledTable) -> dict[str, Any]:
    """JSON-ready: ``table``, ``questions`` (in order) and ``outcomes`` (in order, with their ``rows``);
    with outputs also ``outputs`` and ``rows`` (every row, in table order), and in ``table``
    ``aggregate``, ``priority`` and ``default_values``. A table without outputs keeps today's keys."""
    n = len(table.outcomes)
    default = table.outcomes[table.default].id if table.default is not None and table.default < n else None
    data = {
        "table": {
            "id": table.id,
            "version": table.version,
            "title": table.title,
            "summary": table.summary,
            "hit_policy": table.hit_policy,
            "default": default,
        },
        "questions": [
            {
                "id": spec.id,
                "prompt": spec.prompt,
                "help": spec.help,
                "type": spec.type,
                "options": [{"id": o.id, "label": o.label, "help": o.help} for o in spec.options],
                "minimum": _number(bound_value(spec, spec.minimum)),
                "maximum": _number(bound_value(spec, spec.maximum)),
                "accepts": accepts(spec),
            }
            for spec in table.inputs
        ],
        "outcomes": [
            {
                "id": outcome.id,
                "title": outcome.title,
                "summary": outcome.summary,
                "choose_when": list(outcome.choose_when),
                "tradeoffs": list(outcome.tradeoffs),
                "default": outcome.id == default,
                "rows": [
                    {"rule": rule.id, "when": dict(rule.conditions), "because": rule.because}
                    for rule in table.rules
                    if rule.then == index
                ],
            }
            for index, outcome in enumerate(table.outcomes)
        ],
    }
    if table.outputs:
        _add_values(table, data)
    return data


def _add_values(table: CompiledTable, data: dict[str, Any]) -> None:
    """The outputs, values per outcome and per row, the default's values and the policy's ranking."""
    n = len(table.outcomes)
    data["table"]["aggregate"] = table.aggregate
    ranked = POLICIES[table.hit_policy].by_priority
    data["table"]["priority"] = [o.id for o in table.outputs if o.options] if ranked else []
    data["table"]["default_values"] = (
        vals.mapping_json(table.results[table.default].values) if table.default is not None else None
    )
    data["outputs"] = [
        {
            "id": o.id,
            "type": o.type,
            "title": o.title,
            "options": [{"id": p.id, "label": p.label, "help": p.help} for p in o.options],
        }
        for o in table.outputs
    ]
    for index, outcome in enumerate(data["outcomes"]):
        outcome["values"] = vals.mapping_json(table.results[index].values)
    data["rows"] = [
        {
            "rule": rule.id,
            "when": dict(rule.conditions),
            "because": rule.because,
            "outcome": table.outcomes[rule.then].id if rule.then < n else None,
            "values": vals.mapping_json(table.results[rule.then].values),
        }
        for rule in table.rules
    ]


def _number(value: Any) -> Any:
    """Bounds as JSON: integers stay numbers, decimals become exact strings, dates ``YYYY-MM-DD``."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return format_number(value)
