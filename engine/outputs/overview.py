"""A table at a glance: its questions with their options, then each outcome and the rows that lead to it.

This is what ``crossroads show`` prints (text, Markdown) and its JSON output,
and what a guide page's "all options at a glance" section shows: everything a
reader needs to judge the table without answering it. Plain data, built from
the compiled table (or a localized view of it, which has the same fields).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crossroads.engine.table.answers import accepts
from crossroads.engine.table.compiler import CompiledTable, bound_value
from crossroads.engine.table.conditions import format_number


def overview(table: CompiledTable) -> dict[str, Any]:
    """JSON-ready: ``table``, ``questions`` (in order) and ``outcomes`` (in order, with their ``rows``)."""
    if table.outputs:  # TODO(issue 19): values per outcome and per row; refuse rather than misname results
        from crossroads.engine.errors import NotExpressible

        raise NotExpressible(f"table '{table.id}' has outputs: show does not support outputs yet")
    default = table.outcomes[table.default].id if table.default is not None else None
    return {
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


def _number(value: Any) -> Any:
    """Bounds as JSON: integers stay numbers, decimals become exact strings, dates ``YYYY-MM-DD``."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return format_number(value)
