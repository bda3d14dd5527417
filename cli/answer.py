"""``evaluate`` and ``ask``: answer a table's questions and show the recommendation."""

from __future__ import annotations

import sys
from typing import Any

import click

from crossroads.engine.errors import AnswerError, HitPolicyViolation
from crossroads.engine.decision.evaluate import Result, evaluate

from . import render
from .terminal import one_line, visible
from .common import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    compiled_table,
    die,
    exit_for,
    lang_option,
    localized_table,
    read_answers,
    table_options,
    ui_catalog,
)


@click.command("evaluate")
@click.argument("table", required=False)
@click.option("-a", "--answer", "pairs", multiple=True, metavar="ID=VALUE", help="An answer; repeat for each input.")
@click.option("--answers", "answers_file", metavar="FILE|-", help="A JSON or YAML mapping of answers.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--why-not",
    "why_not",
    is_flag=True,
    help="Also show the smallest changes of answers that lead to each other result.",
)
@click.option(
    "--why-not-outcome",
    "why_not_outcome",
    metavar="OUTCOME",
    help="Like --why-not, for the one result OUTCOME (an outcome id, or error).",
)
@lang_option
@table_options
def evaluate_cmd(
    table: str | None,
    pairs: tuple[str, ...],
    answers_file: str | None,
    fmt: str,
    lang: str | None,
    no_cache: bool,
    max_bytes: int,
    why_not: bool = False,
    why_not_outcome: str | None = None,
) -> None:
    """Evaluate answers against TABLE and print the recommendation.

    Inputs left out are unanswered: the result says what is still possible.
    --lang applies to text output; JSON is data and stays as the table has it.
    Exit 0 decided, 3 undecided or no matching row, 2 bad answers, 1 invalid table.
    """
    compiled = compiled_table(table, no_cache, max_bytes)
    answers = read_answers(compiled, pairs, answers_file, max_bytes)
    known = [o.id for o in compiled.outcomes]
    if why_not_outcome is not None and why_not_outcome not in (*known, "error"):
        die(f"--why-not-outcome: no outcome {why_not_outcome!r} (one of: {', '.join(known)}, error)", EXIT_USAGE)
    asked = why_not or why_not_outcome is not None
    result: Result | HitPolicyViolation
    try:
        result = evaluate(compiled, answers)
    except HitPolicyViolation as exc:
        if not asked:
            raise
        result = exc  # the current result is the error: --why-not lists the ways out of it
    alts = None
    if asked:  # the region search of engine/analysis/alternatives.py
        from crossroads.engine.analysis.alternatives import alternatives

        alts = alternatives(compiled, answers, only=why_not_outcome)
    if fmt == "json":
        data: dict[str, Any] = {"error": str(result)} if isinstance(result, HitPolicyViolation) else result.to_json()
        if alts is not None:
            from crossroads.engine.analysis.alternatives import to_json as alternatives_json

            data["alternatives"] = alternatives_json(alts)
        click.echo(render.dumps(data))
    else:
        catalog = ui_catalog(lang)
        shown = localized_table(compiled, catalog)
        if not isinstance(result, HitPolicyViolation):
            click.echo(visible(render.result_text(shown, result, render.use_colour(), catalog)), nl=False)
        if alts is not None:
            click.echo(visible(render.alternatives_text(shown, alts, catalog)), nl=False)
    if isinstance(result, HitPolicyViolation):  # as without --why-not: the error on stderr, exit 1
        die(str(result), EXIT_FAIL)
    raise click.exceptions.Exit(exit_for(result.status))


def _read_line(stream: Any) -> str | None:
    line = stream.readline()
    return None if line == "" else line.rstrip("\r\n")


def _numbered(spec: Any) -> bool:
    """Whether a question's options are numbered for typing: a choice whose ids cannot be read as
    menu numbers. With ids such as "10", "2", "1", typing 1 would mean two options, so the menu
    lists the ids without numbers and the id typed is the answer."""
    if spec.type != "choice":
        return False
    return not any(o.id.strip().isdigit() and 1 <= int(o.id) <= len(spec.options) for o in spec.options)


@click.command("ask")
@click.argument("table", required=False)
@lang_option
@table_options
def ask_cmd(table: str | None, lang: str | None, no_cache: bool, max_bytes: int) -> None:
    """Answer TABLE's questions one at a time, then print the recommendation.

    Options are numbered: type the number or the id (options whose ids
    are themselves menu numbers are listed unnumbered). A free-text question
    takes the line as typed (spaces kept; an empty line is the empty
    string). Stops as soon as the
    outcome is decided. Exit 0 decided, 3 no matching row, 130 on Ctrl-C,
    1 on end of input.
    """
    from crossroads.engine.table.answers import parse_text
    from crossroads.engine.outputs.i18n import accepts
    from crossroads.engine.decision.partial import open_questions

    catalog = ui_catalog(lang)
    compiled = localized_table(compiled_table(table, no_cache, max_bytes), catalog)
    stdin = sys.stdin
    answers: dict[str, Any] = {}
    colour = render.use_colour()
    try:
        result = evaluate(compiled, answers)
        for spec in compiled.inputs:
            if result.status != "undecided":
                break
            if spec.id not in open_questions(compiled, answers):
                continue  # no row still in play tells its answers apart
            click.echo(render._style(visible(spec.prompt), colour, bold=True))
            if spec.help:
                click.echo(visible(f"  {spec.help}"))
            if spec.type == "string":
                click.echo(visible(f"  {catalog['empty_line_text']}"))
            numbered = _numbered(spec)
            for n, option in enumerate(spec.options, 1):
                label = f" — {option.label}" if option.label != option.id else ""
                click.echo(visible(f"  {n}) {option.id}{label}" if numbered else f"  - {option.id}{label}"))
            while True:
                click.echo(visible(f"[{accepts(catalog, spec)}] > "), nl=False)
                line = _read_line(stdin)
                if line is None:
                    click.echo("", err=True)
                    die(catalog["end_of_input"], EXIT_FAIL)
                text = line if spec.type == "string" else line.strip()  # free text: as typed, "" included
                if numbered and text.isdigit() and 1 <= int(text) <= len(spec.options):
                    text = spec.options[int(text) - 1].id
                try:
                    answers[spec.id] = parse_text(spec, text)
                    break
                except AnswerError:  # in the interface language: what was typed, and what the question takes
                    click.echo(
                        one_line(catalog["bad_answer"].format(got=repr(text), accepts=accepts(catalog, spec))), err=True
                    )
            result = evaluate(compiled, answers)
            click.echo()
    except KeyboardInterrupt:
        click.echo("", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    click.echo(visible(render.result_text(compiled, result, colour, catalog)), nl=False)
    if result.status != "undecided":  # what would change it: over the questions asked, the rest free
        from crossroads.engine.analysis.alternatives import alternatives

        alts = alternatives(compiled, answers)
        if alts:
            click.echo(visible(render.alternatives_text(compiled, alts, catalog)), nl=False)
    raise click.exceptions.Exit(exit_for(result.status))
