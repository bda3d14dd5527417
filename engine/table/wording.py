"""Conditions and answers written out in the table's own ``when`` syntax, for people.

The region search (``engine/search/space.py``) returns regions as ``when``
mappings, data in the syntax ``conditions`` parses; lint, ``diff`` and
``possible`` then print them. The printing lives here, next to that syntax,
so the search builds no message text and every layer above the table (analysis,
the CLI) words a region the same way. Values are written as a table would hold
them: flow YAML, quoted only where a plain scalar would read back differently
(``yamlscalar.quote``), numbers in their exact decimal form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from crossroads.engine.table.numbers import format_number
from crossroads.engine.table.yamlscalar import quote

__all__ = ["describe_answers", "describe_region", "describe_when", "yaml_scalar"]


def yaml_scalar(value: Any) -> str:
    """A value as it would be written in a table (flow YAML), quoted only where needed."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value, flow=True)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, date):  # a date answer: YYYY-MM-DD, plain (the core schema reads it back as that text)
        return value.isoformat()
    return format_number(value)


def describe_when(when: Mapping[str, Any]) -> str:
    """A ``when`` mapping as a table would write it: ``change: both, examples: "< 300"``; ``any answer`` for none."""
    if not when:
        return "any answer"
    parts = []
    for key, value in when.items():
        if isinstance(value, str) and value[:1] in "<>=[(":
            parts.append(f'{key}: "{value}"')  # an interval or a comparison: quoted, as YAML needs
        else:
            parts.append(f"{key}: {yaml_scalar(value)}")
    return ", ".join(parts)


_BARE = re.compile(r"[^\s,=\"'\\]+")  # text that reads back unchanged in a list of k=v pairs


def describe_answers(answers: Mapping[str, Any]) -> str:
    """Complete answers as ``-a`` pairs: ``change=both, citations=true, examples=300``.

    Option ids and strings stay bare where that is unambiguous; any other text (the empty string,
    spaces, a comma, an equals sign, quotes) is a JSON string, so ``country=""`` and
    ``country=" NL"`` say exactly which answer is meant.
    """
    return ", ".join(f"{k}={_answer_text(v)}" for k, v in answers.items())


def _answer_text(value: Any) -> str:
    if not isinstance(value, str):
        return yaml_scalar(value)
    return value if _BARE.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def describe_region(when: Mapping[str, Any]) -> str:
    """A ``when`` mapping for people: ``change=behaviour, examples in [300, 1000), budget not in [tight]``."""
    if not when:
        return "every answer"
    parts = []
    for key, value in when.items():
        if isinstance(value, dict):
            inner = value["not"]
            parts.append(f"{key} not in {yaml_scalar(inner if isinstance(inner, list) else [inner])}")
        elif isinstance(value, list):
            parts.append(f"{key} in {yaml_scalar(value)}")
        elif isinstance(value, str) and value and value[:1] in "[(":  # ("" is the empty string: below)
            parts.append(f"{key} in {value}")
        elif isinstance(value, str) and value and value[:1] in "<>=":
            parts.append(f"{key} {value}")
        else:
            parts.append(f"{key}={yaml_scalar(value)}")
    return ", ".join(parts)
