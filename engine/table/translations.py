"""Content translations a table carries, and the view of a table in a language.

A table's own text is English (the base language). ``translations`` maps a
language to replacements for that text, by id::

    translations:
      zh:
        title: ...
        summary: ...
        inputs: {change: {prompt: ..., help: ..., options: {knowledge: ...}}}
        outcomes: {rag: {title: ..., summary: ..., choose_when: [...], tradeoffs: [...]}}
        outputs: {carrier: {title: ..., options: {express: ...}}}
        rules: {knowledge-needs-retrieval: {because: ...}}

A translation is used only when it is *complete*: every text the table shows
(each ``required`` path) has one. Otherwise the English content is shown
with the catalog's fallback notice, exactly as the original guide page did
("showing the English version"); mixing languages mid-page reads worse than
either. Lint reports an id the table does not have as an error and a partial
translation as a warning, so an author learns why the notice appears.

The functions here take either the typed ``model.Table`` or the compiled
table (both have the attributes used), so lint and the renderers share one
definition of "complete".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from crossroads.engine.languages import BASE

Path = tuple[str, ...]


def required(table: Any) -> Iterator[Path]:
    """Every text path a complete translation of ``table`` provides, in table order."""
    yield ("title",)
    if table.summary:
        yield ("summary",)
    for spec in table.inputs:
        yield ("inputs", spec.id, "prompt")
        if spec.help:
            yield ("inputs", spec.id, "help")
        for option in getattr(spec, "options", ()) or ():
            yield ("inputs", spec.id, "options", option.id)
    for outcome in table.outcomes:
        yield ("outcomes", outcome.id, "title")
        for name in ("summary", "choose_when", "tradeoffs"):
            if getattr(outcome, name):
                yield ("outcomes", outcome.id, name)
    for output in getattr(table, "outputs", ()) or ():
        # every output: one without a title shows its id, which a reader of the language needs in words too
        yield ("outputs", output.id, "title")
        for option in output.options or ():
            yield ("outputs", output.id, "options", option.id)
    for rule in table.rules:
        if rule.because:
            yield ("rules", rule.id, "because")


def lookup(translation: Mapping[str, Any], path: Path) -> Any:
    """The translated value at ``path``, or None."""
    node: Any = translation
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def missing(table: Any, translation: Mapping[str, Any]) -> list[Path]:
    """The required paths ``translation`` leaves out."""
    return [p for p in required(table) if lookup(translation, p) is None]


def unknown(table: Any, translation: Mapping[str, Any]) -> Iterator[tuple[Path, str]]:
    """(path of the key, message) for every id in ``translation`` that ``table`` lacks."""
    inputs = {i.id: i for i in table.inputs}
    for input_id, entry in (translation.get("inputs") or {}).items():
        spec = inputs.get(input_id)
        if spec is None:
            yield ("inputs", input_id), f"'{input_id}' is not an input (inputs: {', '.join(inputs)})"
            continue
        options = [o.id for o in getattr(spec, "options", ()) or ()]
        for option_id in (entry.get("options") or {}) if isinstance(entry, Mapping) else ():
            if option_id not in options:
                known = f"options: {', '.join(options)}" if options else f"it is {spec.type}: no options"
                yield (
                    ("inputs", input_id, "options", option_id),
                    f"'{option_id}' is not an option of input '{input_id}' ({known})",
                )
    outputs = {o.id: o for o in getattr(table, "outputs", ()) or ()}
    for output_id, entry in (translation.get("outputs") or {}).items():
        output = outputs.get(output_id)
        if output is None:
            known = f"outputs: {', '.join(outputs)}" if outputs else "the table has no outputs"
            yield ("outputs", output_id), f"'{output_id}' is not an output ({known})"
            continue
        options = [o.id for o in output.options or ()]
        for option_id in (entry.get("options") or {}) if isinstance(entry, Mapping) else ():
            if option_id not in options:
                known = f"options: {', '.join(options)}" if options else f"it is {output.type}: no options"
                yield (
                    ("outputs", output_id, "options", option_id),
                    f"'{option_id}' is not an option of output '{output_id}' ({known})",
                )
    for kind, ids in (("outcomes", [o.id for o in table.outcomes]), ("rules", [r.id for r in table.rules])):
        for key in translation.get(kind) or {}:
            if key not in ids:
                yield (
                    (kind, key),
                    f"'{key}' is not {'an outcome' if kind == 'outcomes' else 'a rule'} ({kind}: {', '.join(ids)})",
                )


@dataclass(frozen=True, slots=True)
class Localized:
    """A compiled table whose texts are in ``lang`` where it can be; ``notice`` when not."""

    table: Any  # CompiledTable
    lang: str
    notice: bool


def localize(table: Any, lang: str) -> Localized:
    """The compiled ``table`` for an interface in ``lang`` (a supported UI language).

    Complete translation: its texts, no notice. Otherwise (none, or partial):
    the English texts, and ``notice`` unless ``lang`` is English.
    """
    if lang == BASE:
        return Localized(table, lang, False)
    translation = (getattr(table, "translations", None) or {}).get(lang)
    if translation is None or missing(table, translation):
        return Localized(table, lang, True)
    return Localized(_apply(table, translation), lang, False)


def _apply(table: Any, t: Mapping[str, Any]) -> Any:
    def text(path: Path, english: Any) -> Any:
        value = lookup(t, path)
        if value is None:
            return english
        return tuple(value) if isinstance(english, tuple) else value

    inputs = tuple(
        dataclasses.replace(
            spec,
            prompt=text(("inputs", spec.id, "prompt"), spec.prompt),
            help=text(("inputs", spec.id, "help"), spec.help),
            options=tuple(
                dataclasses.replace(o, label=text(("inputs", spec.id, "options", o.id), o.label)) for o in spec.options
            ),
        )
        for spec in table.inputs
    )
    outcomes = tuple(
        dataclasses.replace(
            o,
            title=text(("outcomes", o.id, "title"), o.title),
            summary=text(("outcomes", o.id, "summary"), o.summary),
            choose_when=text(("outcomes", o.id, "choose_when"), o.choose_when),
            tradeoffs=text(("outcomes", o.id, "tradeoffs"), o.tradeoffs),
        )
        for o in table.outcomes
    )
    outputs = tuple(
        dataclasses.replace(
            o,
            title=text(("outputs", o.id, "title"), o.title),
            options=tuple(
                dataclasses.replace(p, label=text(("outputs", o.id, "options", p.id), p.label)) for p in o.options
            ),
        )
        for o in table.outputs
    )
    rules = tuple(dataclasses.replace(r, because=text(("rules", r.id, "because"), r.because)) for r in table.rules)
    return dataclasses.replace(
        table,
        title=text(("title",), table.title),
        summary=text(("summary",), table.summary),
        inputs=inputs,
        outcomes=outcomes,
        outputs=outputs,
        rules=rules,
    )
