"""UI message catalogs, and which interface language to use.

The words crossroads itself puts around a table's content (the page's
"Decision guide" label, the CLI's "Choose it when", the fallback notice) live
in JSON catalogs shipped as package data, ``engine/locales/<lang>.json``, one
per interface language. English is the base: every catalog has the same keys
(a test proves it), and a key a catalog lacks falls back to English anyway.

A language is a primary ISO 639 subtag (``zh``); ``zh-CN``, ``zh_CN.UTF-8``
and ``zh-Hans`` all mean ``zh``. ``resolve`` picks the language for a
command: the ``--lang`` value when given, else ``LC_ALL``, else ``LANG``, else
English. An unknown ``--lang`` falls back to English with a note for the
caller to print; an unsupported locale from the environment (``C``,
``de_DE.UTF-8``) falls back silently, since nobody asked for it explicitly.

Content (the table's own title, prompts, outcomes) is translated by the
table itself: see ``translations``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from crossroads.engine import packagedata
from crossroads.engine.languages import BASE, languages

__all__ = ["BASE", "Catalog", "Choice", "accepts", "alternative_lines", "languages", "messages", "normalize", "resolve"]

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crossroads.engine.analysis.alternatives import Alternative
    from crossroads.engine.table.compiler import CompiledTable, InputSpec

_ENV_VARS = ("LC_ALL", "LANG")


@dataclass(frozen=True, slots=True)
class Catalog:
    """The UI strings of one language; ``catalog[key]`` or ``catalog.format(key, **values)``."""

    lang: str
    messages: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.messages[key]

    def format(self, key: str, **values: object) -> str:
        return self.messages[key].format(**values)


@dataclass(frozen=True, slots=True)
class Choice:
    """The resolved language, and a note to show when the requested one is unknown."""

    lang: str
    note: str | None = None


def normalize(tag: str) -> str:
    """``zh_CN.UTF-8`` / ``zh-Hans`` / ``ZH`` → ``zh``: the primary subtag, lower case."""
    return re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()


def resolve(requested: str | None, environ: Mapping[str, str]) -> Choice:
    """The language for ``--lang requested`` (None: from the environment)."""
    if requested is not None:
        lang = normalize(requested)
        if lang in languages():
            return Choice(lang)
        shown = requested if len(requested) <= 40 else requested[:37] + "..."
        return Choice(BASE, f"no interface in language {shown!r}; using English (available: {', '.join(languages())})")
    for var in _ENV_VARS:  # the first one set wins, as POSIX does
        value = environ.get(var)
        if value:
            lang = normalize(value)
            return Choice(lang if lang in languages() else BASE)
    return Choice(BASE)


@cache
def _read(lang: str) -> dict[str, str]:
    data = packagedata.read("crossroads.engine", "locales", f"{lang}.json")
    if data is None:
        raise FileNotFoundError(f"no catalog for {lang!r}")
    catalog: dict[str, str] = json.loads(data.decode("utf-8"))
    return catalog


def messages(lang: str) -> Catalog:
    """The catalog for ``lang`` (any tag; unknown → English), English filling any gap."""
    lang = normalize(lang)
    if lang not in languages():
        lang = BASE
    merged = dict(_read(BASE))
    if lang != BASE:
        merged.update(_read(lang))
    return Catalog(lang, merged)


def accepts(catalog: Catalog, spec: InputSpec) -> str:
    """What an input accepts, in the UI language (``answers.accepts`` words errors, in English)."""
    from crossroads.engine.table.conditions import format_number

    if spec.type == "choice":
        return catalog.format("accepts_choice", options=", ".join(spec.option_ids))
    if spec.type == "boolean":
        return catalog["accepts_boolean"]
    if spec.type == "string":
        return catalog["accepts_string"]
    if spec.type == "date":  # bounds are day numbers inside: shown as YYYY-MM-DD
        from crossroads.engine.table import dates

        kind = catalog["date"]
        first = None if spec.minimum is None else dates.format_day(int(spec.minimum))
        last = None if spec.maximum is None else dates.format_day(int(spec.maximum))
        if first is not None and last is not None:
            return catalog.format("range_both", kind=kind, min=first, max=last)
        if first is not None:
            return catalog.format("date_range_min", kind=kind, min=first)
        if last is not None:
            return catalog.format("date_range_max", kind=kind, max=last)
        return kind
    kind = catalog["whole_number" if spec.type == "integer" else "number"]
    lo, hi = spec.minimum, spec.maximum
    if lo is not None and hi is not None:
        return catalog.format("range_both", kind=kind, min=format_number(lo), max=format_number(hi))
    if lo is not None:
        return catalog.format("range_min", kind=kind, min=format_number(lo))
    if hi is not None:
        return catalog.format("range_max", kind=kind, max=format_number(hi))
    return kind


def alternative_lines(table: CompiledTable, alts: Sequence[Alternative], catalog: Catalog) -> tuple[str, ...]:
    """What would change the answer, one line per other result (unwrapped): "<result> if <region>
    or <region>, or if <region>", a result named by its outcome's title and id (else its JSON), a
    region as ``describe_region`` words it. ``evaluate --why-not`` and ``ask`` wrap them; the
    guide page's script writes the same lines."""
    from crossroads.engine.analysis.alternatives import result_json
    from crossroads.engine.decision.evaluate import dumps
    from crossroads.engine.table.wording import describe_region

    titles = {o.id: o.title for o in table.outcomes}

    def label(result: object) -> str:
        if result is None:
            return catalog["why_not_no_match"]
        if result == "error":
            return catalog["why_not_error"]
        if isinstance(result, str):
            return f"{titles.get(result, result)} ({result})"
        return dumps(result_json(result))

    lines = []
    for alt in alts:
        if not alt.changes:
            key = "why_not_unreached" if alt.exact else "why_not_unknown"
            lines.append(catalog.format(key, result=label(alt.result)))
            continue
        ways = [" or ".join(describe_region(w) for w in c.region) or catalog["any_answers"] for c in alt.changes]
        text = catalog.format("why_not_line", result=label(alt.result), changes=catalog["why_not_or"].join(ways))
        lines.append(text if alt.exact else f"{text} {catalog['why_not_inexact']}")
    return tuple(lines)
