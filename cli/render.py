"""Render evaluation results for people (text) and programs (JSON).

UI strings live in ``MESSAGES`` so that a message catalog can replace them
without touching the layout.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from crossroads.engine.answers import to_json as answer_json
from crossroads.engine.compiler import CompiledTable
from crossroads.engine.evaluate import Result

MESSAGES = {
    "placeholder": "Answer all questions to see the recommendation.",
    "unanswered": "Still to answer:",
    "possible": "Still possible:",
    "why": "Why",
    "choose_when": "Choose it when",
    "tradeoffs": "Trade-offs",
    "no_match": "No rule matches these answers, and the table has no default.",
    "collected": "Every matching row's outcome:",
}


def use_colour(stream: Any = None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def _style(text: str, colour: bool, **kw: Any) -> str:
    return click.style(text, **kw) if colour else text


def result_json(table: CompiledTable, result: Result) -> dict[str, Any]:
    out = result.to_json()
    out["answers"] = {k: answer_json(v) for k, v in out["answers"].items()}
    for c in out["conditions"]:
        c["answer"] = answer_json(c["answer"])
    out["table"] = {"id": table.id, "version": table.version}
    return out


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [f"  • {item}" for item in items]


def outcome_block(table: CompiledTable, outcome_id: str, because: str | None, colour: bool) -> list[str]:
    outcome = next(o for o in table.outcomes if o.id == outcome_id)
    lines = [_style(outcome.title, colour, bold=True)]
    if outcome.summary:
        lines.append(outcome.summary)
    if because:
        lines += ["", _style(MESSAGES["why"], colour, bold=True), f"  {because}"]
    if outcome.choose_when:
        lines += ["", _style(MESSAGES["choose_when"], colour, bold=True), *_bullets(outcome.choose_when)]
    if outcome.tradeoffs:
        lines += ["", _style(MESSAGES["tradeoffs"], colour, bold=True), *_bullets(outcome.tradeoffs)]
    return lines


def result_text(table: CompiledTable, result: Result, colour: bool = False) -> str:
    lines: list[str] = []
    if result.status == "decided" and result.outcome is not None:
        lines = outcome_block(table, result.outcome, result.because, colour)
    elif result.status == "decided":  # collect
        lines = [_style(MESSAGES["collected"], colour, bold=True)]
        for rule_id, outcome_id in result.matches or [(None, o) for o in result.outcomes]:
            title = next(o.title for o in table.outcomes if o.id == outcome_id)
            lines.append(f"  • {title} ({outcome_id})" + (f", rule {rule_id}" if rule_id else ""))
    elif result.status == "no-match":
        lines = [MESSAGES["no_match"]]
    else:
        lines = [MESSAGES["placeholder"], "", MESSAGES["unanswered"]]
        prompts = {i.id: i.prompt for i in table.inputs}
        lines += [f"  - {i}: {prompts[i]}" for i in result.missing]
        titles = {o.id: o.title for o in table.outcomes}
        lines += ["", MESSAGES["possible"]] + [f"  - {titles[o]} ({o})" for o in result.possible]
    return "\n".join(lines) + "\n"
