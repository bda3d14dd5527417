"""``crossroads show``: a table at a glance, as text, Markdown or JSON (``engine/outputs/overview.py``).

The words around the table's content ("Questions", "Rows leading here", ...)
come from the UI catalogs (``engine/locales``, keys ``questions``, ``outcomes``,
``choose_when``, ``tradeoffs``, ``rows``, ``default``, ``any_answers``,
``accepts``); the content itself from the table, translated when ``--lang``
names a language its ``translations`` cover completely.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click

from crossroads.engine.outputs import i18n
from crossroads.engine.outputs.overview import overview

from .common import compiled_table, lang_option, localized_table, table_options, ui_catalog
from .terminal import visible, wrap


@click.command("show")
@click.argument("table", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@lang_option
@table_options
def show_cmd(table: str | None, fmt: str, lang: str | None, no_cache: bool, max_bytes: int) -> None:
    """Show TABLE at a glance: the questions and their options, then each
    outcome (summary, choose it when, trade-offs) and the rows that lead to it.

    --lang applies to text and Markdown; JSON is data and stays as the table
    has it. Exit 0, 1 invalid table, 2 usage.
    """
    compiled = compiled_table(table, no_cache, max_bytes)
    if fmt == "json":
        click.echo(json.dumps(overview(compiled), indent=2, ensure_ascii=False))
        return
    catalog = ui_catalog(lang)
    shown = localized_table(compiled, catalog)
    data = overview(shown)
    for question, spec in zip(data["questions"], shown.inputs):
        question["accepts"] = i18n.accepts(catalog, spec)
    render = render_markdown if fmt == "markdown" else render_text
    click.echo(visible(render(data, catalog.messages)), nl=False)


def _value(value: Any) -> str:
    """A value from the overview's JSON as the table writes it (``true``, ``4.9``, ``2025-01-31``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # a decimal a float writes back exactly (``answers.to_json``)
        from decimal import Decimal

        from crossroads.engine.table.conditions import format_number

        return format_number(Decimal(repr(value)))
    return str(value)


def _values(data: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """Values with the outputs' titles: ``Delivery fee: 4.9, Carrier: standard``."""
    titles = {o["id"]: o["title"] for o in data["outputs"]}
    return ", ".join(f"{titles[k]}: {_value(v)}" for k, v in values.items())


def _policy(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """``collect, aggregate sum`` / ``output-order, ranked by Carrier (express, standard, economy)``."""
    t = data["table"]
    out = f"{labels['hit_policy']}: {t['hit_policy']}"
    if t["aggregate"]:
        out += f", {labels['aggregate']} {t['aggregate']}"
    outputs = {o["id"]: o for o in data["outputs"]}
    ranked = [f"{outputs[i]['title']} ({', '.join(p['id'] for p in outputs[i]['options'])})" for i in t["priority"]]
    if ranked:
        out += f", {labels['by_priority']} " + "; ".join(ranked)
    return out


def _when(when: Mapping[str, str], labels: Mapping[str, str]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in when.items()) or labels["any_answers"]


def _wrap(text: str, indent: int) -> list[str]:
    return wrap(text, indent)


def render_text(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    t = data["table"]
    lines = [f"{t['title']}  ({t['id']} {t['version']})"]
    if t["summary"]:
        lines += _wrap(t["summary"], 0)
    lines += ["", labels["questions"]]
    for n, q in enumerate(data["questions"], 1):
        lines.append(f"  {n}. {q['prompt']}  [{q['id']}]")
        if q["help"]:
            lines += _wrap(q["help"], 5)
        for o in q["options"]:
            lines.append(f"     - {o['id']}" + (f": {o['label']}" if o["label"] != o["id"] else ""))
        if not q["options"]:
            lines.append(f"     {labels['accepts']}: {q['accepts']}")
    if "outputs" in data:
        lines += ["", labels["outputs"]]
        for n, out in enumerate(data["outputs"], 1):
            lines.append(f"  {n}. {out['title']}  [{out['id']}]  {out['type']}")
            for p in out["options"]:
                lines.append(f"     - {p['id']}" + (f": {p['label']}" if p["label"] != p["id"] else ""))
        lines += ["", _policy(data, labels)]
    lines += ["", labels["outcomes"]] if data["outcomes"] else []
    for o in data["outcomes"]:
        lines.append(f"  {o['title']}  [{o['id']}]")
        if "values" in o:
            lines.append(f"    {_values(data, o['values'])}")
        if o["summary"]:
            lines += _wrap(o["summary"], 4)
        for key in ("choose_when", "tradeoffs"):
            if o[key]:
                lines.append(f"    {labels[key]}:")
                lines += [f"      • {item}" for item in o[key]]
        if o["rows"] or o["default"]:
            lines.append(f"    {labels['rows']}:")
            lines += [f"      • {r['rule']}: {_when(r['when'], labels)}" for r in o["rows"]]
            if o["default"]:
                lines.append(f"      • {labels['default']}")
        lines.append("")
    if "rows" in data:
        lines += ([] if lines[-1] == "" else [""]) + [labels["value_rows"]]
        for r in data["rows"]:
            then = f"{r['outcome']}: " if r["outcome"] else ""
            lines.append(f"  • {r['rule']}: {_when(r['when'], labels)} → {then}{_values(data, r['values'])}")
        shown = data["table"]["default_values"]
        if shown is not None:
            named = f"{data['table']['default']}: " if data["table"]["default"] else ""
            lines.append(f"  • {labels['default_values']} → {named}{_values(data, shown)}")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md(text: str) -> str:
    """Text safe inside Markdown (and a table cell): no accidental emphasis, links or cell breaks."""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>|":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(data: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    t = data["table"]
    lines = [f"# {_md(t['title'])}", ""]
    if t["summary"]:
        lines += [_md(t["summary"]), ""]
    lines += [f"## {labels['questions']}", ""]
    for n, q in enumerate(data["questions"], 1):
        lines.append(f"{n}. **{_md(q['prompt'])}** (`{q['id']}`)")
        if q["help"]:
            lines.append(f"   {_md(q['help'])}")
        for o in q["options"]:
            lines.append(f"   - `{o['id']}`" + (f" — {_md(o['label'])}" if o["label"] != o["id"] else ""))
        if not q["options"]:
            lines.append(f"   - {_md(q['accepts'])}")
    if "outputs" in data:
        lines += ["", f"## {labels['outputs']}", ""]
        for n, out in enumerate(data["outputs"], 1):
            lines.append(f"{n}. **{_md(out['title'])}** (`{out['id']}`, {out['type']})")
            for p in out["options"]:
                lines.append(f"   - `{p['id']}`" + (f" — {_md(p['label'])}" if p["label"] != p["id"] else ""))
        lines += ["", _md(_policy(data, labels))]
    lines += ["", f"## {labels['outcomes']}", ""] if data["outcomes"] else [""]
    for o in data["outcomes"]:
        lines += [f"### {_md(o['title'])} (`{o['id']}`)", ""]
        if "values" in o:
            lines += [_md(_values(data, o["values"])), ""]
        if o["summary"]:
            lines += [_md(o["summary"]), ""]
        for key in ("choose_when", "tradeoffs"):
            if o[key]:
                lines += [f"**{labels[key]}**", ""] + [f"- {_md(item)}" for item in o[key]] + [""]
        if o["rows"] or o["default"]:
            lines += [f"**{labels['rows']}**", ""]
            if o["rows"]:
                lines += ["| row | when | because |", "|---|---|---|"]
                lines += [
                    f"| `{r['rule']}` | {_md(_when(r['when'], labels))} | {_md(r['because'] or '')} |"
                    for r in o["rows"]
                ]
                lines.append("")
            if o["default"]:
                lines += [_md(labels["default"]), ""]
    if "rows" in data:
        lines += [
            f"## {labels['value_rows']}",
            "",
            "| row | when | outcome | values | because |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{r['rule']}` | {_md(_when(r['when'], labels))} | {_md(r['outcome'] or '')} "
            f"| {_md(_values(data, r['values']))} | {_md(r['because'] or '')} |"
            for r in data["rows"]
        ]
        shown = data["table"]["default_values"]
        if shown is not None:
            named = f"{data['table']['default']}: " if data["table"]["default"] else ""
            lines += ["", _md(f"{labels['default_values']}: {named}{_values(data, shown)}")]
    return "\n".join(lines).rstrip("\n") + "\n"
