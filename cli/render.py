"""Render evaluation results for people (text) and programs (JSON).

UI strings come from the message catalogs (``engine/locales``, see
``crossroads.engine.outputs.i18n``): pass the ``Catalog`` of the interface language,
and the table already localized (``translations.localize``) for its content.
JSON output is data: it is never translated.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.decision.evaluate import Result
from crossroads.engine.decision.evaluate import dumps as dumps  # the result JSON's one serializer
from crossroads.engine.outputs.i18n import Catalog, messages

from .terminal import wrap

ENGLISH = messages("en")
MESSAGES = ENGLISH.messages  # the English strings, for callers that predate the catalogs


def use_colour(stream: Any = None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


BOLD, RESET = "\x1b[1m", "\x1b[0m"  # what click.style(text, bold=True) writes (tests/test_start.py)


def _style(text: str, colour: bool, **kw: Any) -> str:
    """``click.style`` when colour is on; bold, the one style text output uses, without importing click
    (the warm ``evaluate`` starts without it: ``cli/start.py``)."""
    if not colour:
        return text
    if kw == {"bold": True}:
        return BOLD + text + RESET
    import click

    return click.style(text, **kw)


def _bullets(items: tuple[str, ...]) -> list[str]:
    return [line for item in items for line in wrap(item, 4, first="  • ")]


def outcome_block(
    table: CompiledTable, outcome_id: str, because: str | None, colour: bool, catalog: Catalog = ENGLISH
) -> list[str]:
    outcome = next(o for o in table.outcomes if o.id == outcome_id)
    lines = [_style(outcome.title, colour, bold=True)]
    if outcome.summary:
        lines += wrap(outcome.summary)
    if because:
        lines += ["", _style(catalog["why"], colour, bold=True), *wrap(because, 2)]
    if outcome.choose_when:
        lines += ["", _style(catalog["choose_when"], colour, bold=True), *_bullets(outcome.choose_when)]
    if outcome.tradeoffs:
        lines += ["", _style(catalog["tradeoffs"], colour, bold=True), *_bullets(outcome.tradeoffs)]
    return lines


def _because(table: CompiledTable, result: Result) -> str | None:
    # The result carries the table's own text; a localized table has the rule's translation.
    if result.rule is None:
        return result.because
    return next((r.because for r in table.rules if r.id == result.rule), result.because)


def _still_open(table: CompiledTable, result: Result) -> tuple[str, ...]:
    """The unanswered questions that can still change the result (``ask`` asks only those)."""
    from crossroads.engine.decision.partial import open_questions

    return open_questions(table, result.answers) or result.missing


def _shown(table: CompiledTable, values: Any) -> list[str]:
    """``Title: value`` per output, in the outputs' order; a choice output's value by its option's
    label (the table's, or its translation's when the table is localized)."""
    from crossroads.engine.table.values import text

    outputs = {o.id: o for o in table.outputs}
    shown = []
    for k, v in values.items():
        labels = {p.id: p.label for p in outputs[k].options}
        shown.append(f"{outputs[k].title}: {labels.get(v, text(v)) if isinstance(v, str) else text(v)}")
    return shown


def _values_lines(table: CompiledTable, values: Any, indent: str = "") -> list[str]:
    """One line per output, ``Title: value``."""
    return [indent + line for line in _shown(table, values)]


def _inline(table: CompiledTable, values: Any) -> str:
    return ", ".join(_shown(table, values))


def values_text(table: CompiledTable, result: Result, colour: bool = False, catalog: Catalog = ENGLISH) -> str:
    """``result_text`` for a table with outputs: the values with the outputs' titles."""
    lines: list[str] = []
    if result.status == "decided" and isinstance(result.values, tuple):  # collect, output-order
        lines = [_style(catalog["collected"], colour, bold=True)]
        lines += [f"  • {_inline(table, v)}" for v in result.values]
    elif result.status == "decided":
        if result.outcome is not None:
            lines = outcome_block(table, result.outcome, _because(table, result), colour, catalog) + [""]
        lines += _values_lines(table, result.values)
        because = _because(table, result)
        if result.outcome is None and because:
            lines += ["", _style(catalog["why"], colour, bold=True), *wrap(because, 2)]
    elif result.status == "no-match":
        lines = [catalog["no_match"]]
    else:
        lines = _undecided(table, result, catalog, [_inline(table, p) for p in result.possible])
    return "\n".join(lines) + "\n"


def _undecided(table: CompiledTable, result: Result, catalog: Catalog, possible: list[str]) -> list[str]:
    """Partial answers: the questions that can still change the result, and what it can still be."""
    lines = [catalog["placeholder"], "", catalog["unanswered"]]
    prompts = {i.id: i.prompt for i in table.inputs}
    lines += [line for i in _still_open(table, result) for line in wrap(f"{i}: {prompts[i]}", 4, first="  - ")]
    lines += ["", catalog["possible"]] + [f"  - {p}" for p in possible]
    if result.error_possible:
        lines += ["", *wrap(catalog["possible_error"])]
    return lines


def result_text(table: CompiledTable, result: Result, colour: bool = False, catalog: Catalog = ENGLISH) -> str:
    if table.outputs:
        return values_text(table, result, colour, catalog)
    lines: list[str] = []
    if result.status == "decided" and result.outcome is not None:
        lines = outcome_block(table, result.outcome, _because(table, result), colour, catalog)
    elif result.status == "decided":  # collect
        lines = [_style(catalog["collected"], colour, bold=True)]
        for rule_id, outcome_id in result.matches or [(None, o) for o in result.outcomes]:
            title = next(o.title for o in table.outcomes if o.id == outcome_id)
            lines.append(f"  • {title} ({outcome_id})" + (f", rule {rule_id}" if rule_id else ""))
    elif result.status == "no-match":
        lines = [catalog["no_match"]]
    else:
        titles = {o.id: o.title for o in table.outcomes}
        lines = _undecided(table, result, catalog, [f"{titles[o]} ({o})" for o in result.possible])
    return "\n".join(lines) + "\n"


def alternatives_text(table: CompiledTable, alts: Any, catalog: Catalog = ENGLISH) -> str:
    """``evaluate --why-not`` and ``ask`` in text: after the recommendation, the heading and one
    wrapped line per other result (``i18n.alternative_lines``, which the guide page equals)."""
    from crossroads.engine.outputs.i18n import alternative_lines

    lines = ["", catalog["why_not"]]
    for line in alternative_lines(table, alts, catalog):
        lines += wrap(line, 4, first="  - ")
    return "\n".join(lines) + "\n"
