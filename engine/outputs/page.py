"""The guide page: one self-contained HTML file generated from a compiled table.

The page is the table's third face next to the CLI and CI, so it must decide
exactly as the engine does: it embeds the *compiled* table as JSON (row
bitmasks as hex, numbers as decimal strings) and ``assets/page.js`` evaluates
it with the same masks, the same hit policies and an exact decimal comparison
(``window.crossroads.evaluate(answers)`` returns what ``evaluate --format
json`` does). A table with outputs also embeds its interned results (values as
exact text), priority classes, agreement masks and aggregate, and the page
shows values under the outputs' titles. Everything is inline (``assets/page.css``, ``assets/page.js``),
a Content-Security-Policy with their hashes forbids every request, so the
file works from ``file://`` and from any static host.

The HTML itself is complete without JavaScript or CSS: native radio and
number inputs in fieldsets with legends, every option described; the script
only adds the live recommendation (``aria-live``) and keeps the answers in
the URL fragment. UI words come from the catalog of ``lang``; content from
the table's translation when complete, else English with the notice.

``render_page`` is pure: a string out, no I/O beyond reading package data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from html import escape
from importlib import resources
from decimal import Decimal
from typing import Any

from crossroads.engine.table.answers import FALSE_WORDS, TRUE_WORDS, accepts as accepts_en
from crossroads.engine.table import dates
from crossroads.engine.table.compiler import (
    CHECKPOINT_BITS,
    CHECKPOINT_BITS_PER_ROW,
    ChoiceColumn,
    TextColumn,
    Column,
    CompiledTable,
    InputSpec,
    RowSpan,
    Runs,
    Span,
    segment_witness,
)
from crossroads.engine.table.conditions import format_number
from crossroads.engine.table import values as vals
from crossroads.engine.outputs.i18n import Catalog, accepts, messages
from crossroads.engine.search.space import MAX_PIECE_BITS
from crossroads.engine.analysis.alternatives import CANONICAL_CELLS
from crossroads.engine.table.wording import yaml_scalar
from crossroads.engine.table.translations import localize

UI_KEYS = ("placeholder", "why", "choose_when", "tradeoffs", "recommendation", "no_match", "collected", "violation")
WHY_NOT_UI_KEYS = (
    "why_not_page",
    "why_not_line",
    "why_not_or",
    "why_not_unreached",
    "why_not_no_match",
    "why_not_error",
)
OUTPUT_UI_KEYS = ("yes", "no")
"""Further UI words a table with outputs needs (a boolean value); other tables' pages stay as they were."""


@cache
def asset(name: str) -> str:
    """``assets/page.css`` / ``assets/page.js`` (package data)."""
    return resources.files("crossroads.engine.outputs").joinpath("assets", name).read_text(encoding="utf-8")


def _first_run(span: RowSpan | None) -> Span:
    """A row's span as the page reads it: its one run, a union's first (``runs`` holds the rest), -1, -1 for none."""
    if span is None:
        return (-1, -1)
    return span.parts[0] if isinstance(span, Runs) else span


def _hex(mask: int) -> str:
    return format(mask, "x")


def _num(n: Any) -> str | None:
    return None if n is None else format_number(n)


def _bound(spec: InputSpec, n: Any) -> str | None:
    """A point or bound as page.js reads it: an exact decimal string, a date input's ``YYYY-MM-DD``."""
    if n is not None and spec.type == "date":
        return dates.format_day(int(n))
    return _num(n)


def _input_data(spec: InputSpec, column: Column) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": spec.id,
        "type": spec.type,
        "accepts": accepts_en(spec),
        "min": _bound(spec, spec.minimum),
        "max": _bound(spec, spec.maximum),
    }
    out["every"], out["some"] = _hex(column.every), _hex(column.some)
    if isinstance(column, ChoiceColumn):
        if spec.type == "choice":
            out["options"] = list(spec.option_ids)
            out["scalars"] = [yaml_scalar(o) for o in spec.option_ids]  # the words of "what would change"
        values: tuple[Any, ...] = spec.option_ids if spec.type == "choice" else (True, False)
        out["masks"] = [_hex(column.table[v]) for v in values]
    elif isinstance(column, TextColumn):
        # The strings rows name, each with its rows, and the rows of every other string (TextColumn.lookup).
        out["strings"] = list(column.table)
        out["scalars"] = [yaml_scalar(v) for v in column.table]
        out["masks"] = [_hex(m) for m in column.table.values()]
        out["other"] = _hex(column.other)
    else:
        # Linear in the rows (issue 17): per row its run of segments, flat (first, last; -1, -1: no
        # condition), and per segment whether the domain has an answer there; page.js builds the masks
        # from them as Column does (checkpoints and events), never one full mask per segment.
        out["points"] = [_bound(spec, p) for p in column.points]
        out["spans"] = [x for span in column.spans for x in _first_run(span)]
        runs = [
            x
            for row, span in enumerate(column.spans)
            if isinstance(span, Runs)
            for a, b in span.parts[1:]
            for x in (row, a, b)
        ]
        if runs:  # a union condition's further runs (row, first, last): only where a table has one
            out["runs"] = runs
        out["inside"] = "".join(
            "1" if segment_witness(spec, column.points, s) is not None else "0"
            for s in range(2 * len(column.points) + 1)
        )
    return out


def _value_data(value: vals.Value) -> Any:
    """An output value as page.js reads it: a number as its exact decimal text (``values.text``), else as is."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format_number(value)
    return value


def _outputs_data(table: CompiledTable) -> dict[str, Any]:
    """What page.js needs of a table with ``outputs`` (issue 19), beside the rows' ``then`` (a result index).

    ``outputs``: id, type and a choice output's option ids; ``results``: every interned result
    (``CompiledTable.results``) as [its outcome index or null, its values in the outputs' order];
    ``priorityRows`` (priority, output-order) and ``agreeRows`` (any) as hex masks, as
    ``policies`` reads them; ``aggregate``: sum, min, max, count or null.
    """
    return {
        "outputs": [{"id": o.id, "type": o.type, "options": list(o.option_ids)} for o in table.outputs],
        "results": [[r.outcome, [_value_data(v) for _, v in r.values]] for r in table.results],
        "priorityRows": [_hex(m) for m in table.priority_rows],
        "agreeRows": [_hex(m) for m in table.agree_rows],
        "aggregate": table.aggregate,
    }


def evaluator_data(table: CompiledTable) -> dict[str, Any]:
    """The compiled table as the page's evaluator reads it (JSON-ready); a table with outputs adds
    ``_outputs_data`` (a table without keeps exactly the keys it had)."""
    data = {
        "policy": table.hit_policy,
        "default": table.default,
        "outcomes": [o.id for o in table.outcomes],
        "rules": [[r.id, r.then, r.because] for r in table.rules],
        "all": _hex(table.all_rows),
        "outcomeRows": [_hex(m) for m in table.outcome_rows],
        "inputs": [_input_data(spec, column) for spec, column in zip(table.inputs, table.columns)],
        "booleanWords": [list(TRUE_WORDS), list(FALSE_WORDS)],
        "maxPieceBits": MAX_PIECE_BITS,
        "checkpointBits": [CHECKPOINT_BITS, CHECKPOINT_BITS_PER_ROW],
        "alternativeCells": CANONICAL_CELLS,  # "what would change this" up to this many cells
    }
    if table.outputs:
        data.update(_outputs_data(table))
    return data


def _view_data(table: CompiledTable, english: bool) -> dict[str, Any]:
    view = _outcomes_view(table, english)
    if table.outputs:  # the (localized) outputs' titles and choice labels, by position as ``outputs``
        view["outputs"] = [{"title": o.title, "options": {p.id: p.label for p in o.options}} for o in table.outputs]
    return view


def _outcomes_view(table: CompiledTable, english: bool) -> dict[str, Any]:
    return {
        "lang": "en" if english else None,
        "outcomes": {
            o.id: {
                "title": o.title,
                "summary": o.summary,
                "choose_when": list(o.choose_when),
                "tradeoffs": list(o.tradeoffs),
            }
            for o in table.outcomes
        },
        "because": {r.id: r.because for r in table.rules},
    }


def _script_json(value: Any) -> str:
    # Safe inside <script>: no "<", ">" or "&" survives as itself.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _list(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _question(spec: InputSpec, catalog: Catalog, content_lang: str) -> str:
    q = _e(f"q-{spec.id}")
    help_html = f'<p class="help" id="{q}-help"{content_lang}>{_e(spec.help)}</p>' if spec.help else ""
    described = [f"{q}-help"] if spec.help else []
    if spec.type in ("choice", "boolean"):
        if spec.type == "choice":
            pairs = [(o.id, o.label, content_lang) for o in spec.options]
        else:
            pairs = [("true", catalog["yes"], ""), ("false", catalog["no"], "")]
        radios = "".join(
            f'<label><input type="radio" name="{_e(spec.id)}" value="{_e(value)}"> <span{lang}>{_e(label)}</span></label>'
            for value, label, lang in pairs
        )
        body = f'<div class="choices">{radios}</div>'
        fieldset_attrs = f' aria-describedby="{q}-help"' if spec.help else ""
    elif spec.type == "string":  # free text, exactly as typed; an empty box is unanswered
        hint = accepts(catalog, spec)
        described += [f"{q}-hint"]
        body = (
            f'<input type="text" id="{q}" name="{_e(spec.id)}" autocomplete="off" spellcheck="false"'
            f' aria-labelledby="{q}-legend" aria-describedby="{" ".join(described)}">'
            f'<span class="hint" id="{q}-hint">{_e(hint[:1].upper() + hint[1:])}</span>'
        )
        fieldset_attrs = ""
    elif spec.type == "date":  # the browser's own date picker; min/max as YYYY-MM-DD
        bounds = "".join(
            f' {name}="{_bound(spec, v)}"'
            for name, v in (("min", spec.minimum), ("max", spec.maximum))
            if v is not None
        )
        hint = accepts(catalog, spec)
        described += [f"{q}-hint", f"{q}-error"]
        body = (
            f'<input type="date" id="{q}" name="{_e(spec.id)}"{bounds} autocomplete="off"'
            f' aria-labelledby="{q}-legend" aria-describedby="{" ".join(described)}">'
            f'<span class="hint" id="{q}-hint">{_e(hint[:1].upper() + hint[1:])}</span>'
            f'<p class="error" id="{q}-error" hidden>{_e(catalog.format("expected", accepts=hint))}</p>'
        )
        fieldset_attrs = ""
    else:
        bounds = "".join(
            f' {name}="{_e(format_number(v))}"'
            for name, v in (("min", spec.minimum), ("max", spec.maximum))
            if v is not None
        )
        step = "1" if spec.type == "integer" else "any"
        mode = "numeric" if spec.type == "integer" and (spec.minimum is not None and spec.minimum >= 0) else "decimal"
        hint = accepts(catalog, spec)
        described += [f"{q}-hint", f"{q}-error"]
        body = (
            f'<input type="number" id="{q}" name="{_e(spec.id)}" step="{step}"{bounds} inputmode="{mode}" autocomplete="off"'
            f' aria-labelledby="{q}-legend" aria-describedby="{" ".join(described)}">'
            f'<span class="hint" id="{q}-hint">{_e(hint[:1].upper() + hint[1:])}</span>'
            f'<p class="error" id="{q}-error" hidden>{_e(catalog.format("expected", accepts=hint))}</p>'
        )
        fieldset_attrs = ""
    return f'<fieldset id="{_e(f"f-{spec.id}")}"{fieldset_attrs}><legend id="{q}-legend"{content_lang}>{_e(spec.prompt)}</legend>{help_html}{body}</fieldset>'


def _option_card(outcome: Any, catalog: Catalog, result: int | None = None, values_html: str = "") -> str:
    """An outcome's card; in a table with outputs also its result index and values (after the summary)."""
    marker = f' data-result="{result}"' if result is not None else ""
    parts = [
        f'<article class="option" data-outcome="{_e(outcome.id)}"{marker} aria-labelledby="{_e(f"o-{outcome.id}")}">',
        f'<p class="badge" hidden>{_e(catalog["recommended"])}</p>',
        f'<h3 id="{_e(f"o-{outcome.id}")}">{_e(outcome.title)}</h3>',
    ]
    if outcome.summary:
        parts.append(f"<p>{_e(outcome.summary)}</p>")
    if values_html:
        parts.append(values_html)
    if outcome.choose_when:
        parts.append(f"<h4>{_e(catalog['choose_when'])}</h4>{_list(outcome.choose_when)}")
    if outcome.tradeoffs:
        parts.append(f"<h4>{_e(catalog['tradeoffs'])}</h4>{_list(outcome.tradeoffs)}")
    parts.append("</article>")
    return "".join(parts)


def _value_text(output: Any, value: vals.Value, catalog: Catalog) -> str:
    """A value as the page shows it: a choice output's option label, yes/no, exact number text."""
    if output.type == "choice":
        return next((o.label for o in output.options if o.id == value), str(value))
    if isinstance(value, bool):
        return catalog["yes"] if value else catalog["no"]
    return vals.text(value) if value != "" else '""'


def _values_html(table: CompiledTable, values: vals.Values, catalog: Catalog) -> str:
    """A result's values, each under its output's title (the same markup page.js builds)."""
    items = "".join(
        f"<div><dt>{_e(o.title)}</dt><dd>{_e(_value_text(o, v, catalog))}</dd></div>"
        for o, (_, v) in zip(table.outputs, values)
    )
    return f'<dl class="values">{items}</dl>'


def _inline_text(table: CompiledTable, values: vals.Values, catalog: Catalog) -> str:
    return ", ".join(f"{o.title}: {_value_text(o, v, catalog)}" for o, (_, v) in zip(table.outputs, values))


def _result_cards(table: CompiledTable, catalog: Catalog) -> str:
    """The glance of a table with outputs: each named outcome's card with its values, then one card
    per result given inline (titled by its values, with the ``because`` of the rows giving it);
    ``data-result`` is the result's index, which page.js marks when it is decided."""
    cards = []
    for k, result in enumerate(table.results):
        if result.outcome is not None:
            outcome = table.outcomes[result.outcome]
            cards.append(_option_card(outcome, catalog, k, _values_html(table, result.values, catalog)))
            continue
        because = [r.because for r in table.rules if r.then == k and r.because]
        cards.append(
            f'<article class="option" data-result="{k}" aria-labelledby="r-{k}">'
            f'<p class="badge" hidden>{_e(catalog["recommended"])}</p>'
            f'<h3 id="r-{k}">{_e(_inline_text(table, result.values, catalog))}</h3>'
            + (f"<p>{_e(catalog['default_values'])}</p>" if k == table.default else "")
            + (f"<h4>{_e(catalog['why'])}</h4>{_list(tuple(dict.fromkeys(because)))}" if because else "")
            + "</article>"
        )
    return "\n".join(cards)


def render_page(table: CompiledTable, lang: str = "en", *, generator_version: str = "") -> str:
    """The guide page of ``table`` with its interface in ``lang`` (unknown → English)."""
    catalog = messages(lang)
    view = localize(table, catalog.lang)
    shown = view.table
    content_lang = ' lang="en"' if view.notice else ""  # English content under another interface
    css, js = asset("page.css"), asset("page.js")
    assert "</" not in css and "</script" not in js.lower(), "assets must not close their element"
    csp = (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    data = {
        "engine": evaluator_data(table),
        "view": _view_data(shown, view.notice),
        "ui": {k: catalog[k] for k in UI_KEYS + WHY_NOT_UI_KEYS + (OUTPUT_UI_KEYS if table.outputs else ())},
    }
    notice = f'<p class="notice" role="note">{_e(catalog["fallback_notice"])}</p>' if view.notice else ""
    intro = f'<p class="intro"{content_lang}>{_e(shown.summary)}</p>' if shown.summary else ""
    questions = "\n".join(_question(spec, catalog, content_lang) for spec in shown.inputs)
    if shown.outputs:
        cards = _result_cards(shown, catalog)
    else:
        cards = "\n".join(_option_card(o, catalog) for o in shown.outcomes)
    generated = catalog.format("generated", version=generator_version, table=table.id, table_version=table.version)
    return f"""<!DOCTYPE html>
<html lang="{_e(catalog["html_lang"])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">
<meta name="generator" content="crossroads {_e(generator_version)}">
<title>{_e(shown.title)}</title>
<style>{css}</style>
</head>
<body>
<main>
<header>
<p class="eyebrow">{_e(catalog["label"])}</p>
<h1{content_lang}>{_e(shown.title)}</h1>
{notice}
{intro}
</header>
<form id="questions" aria-label="{_e(catalog["questions"])}" novalidate>
{questions}
<div class="actions"><button type="reset">{_e(catalog["start_over"])}</button></div>
</form>
<section class="result" aria-label="{_e(catalog["recommendation"])}">
<div id="result" aria-live="polite"><p class="placeholder">{_e(catalog["placeholder"])}</p></div>
<noscript><p>{_e(catalog["noscript"])}</p></noscript>
</section>
<section aria-labelledby="glance-heading">
<h2 id="glance-heading">{_e(catalog["glance"])}</h2>
<div class="glance"{content_lang}>
{cards}
</div>
</section>
<footer><p>{_e(generated)}</p></footer>
</main>
<script type="application/json" id="crossroads-data">{_script_json(data)}</script>
<script>{js}</script>
</body>
</html>
"""
