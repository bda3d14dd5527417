"""``crossroads``: lint decision tables and answer them.

Exit codes (also in ``--help`` and the README):

* ``evaluate``/``ask``: 0 decided, 3 undecided or no matching row, 2 bad
  answers or usage, 1 the table is invalid or breaks its hit policy for these
  answers (``ask``: 130 on Ctrl-C, 1 on end of input);
* ``lint``: 0 no errors (warnings fail only with ``--strict``), 1 errors, 2 usage;
* ``batch``: 0 every line evaluated, 1 some lines failed (or the table is
  invalid), 2 usage.

One error boundary (``_Group.invoke``) turns every expected failure into a
one-line message on stderr; results go to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import click

from crossroads import __version__
from crossroads.engine import tables
from crossroads.engine.errors import AnswerError, CrossroadsError, HitPolicyViolation, TableError, TableNotFound
from crossroads.engine.evaluate import DECIDED, evaluate
from crossroads.engine.findings import Finding, has_errors, sort_key
from crossroads.engine.loader import MAX_BYTES

from . import formats, render

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNDECIDED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_LINE = 1024 * 1024  # a batch line longer than this is an error, not a memory spike


def _die(message: str, code: int) -> None:
    click.echo(f"crossroads: error: {message}", err=True)
    raise click.exceptions.Exit(code)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TableError as exc:
            click.echo(formats.render_text(exc.findings), err=True, nl=False)
            raise click.exceptions.Exit(EXIT_FAIL) from None
        except (AnswerError, TableNotFound) as exc:
            _die(str(exc), EXIT_USAGE)
        except HitPolicyViolation as exc:
            _die(str(exc), EXIT_FAIL)
        except CrossroadsError as exc:
            _die(str(exc), EXIT_FAIL)


EPILOG = """\b
Exit codes:
  evaluate, ask  0 decided · 3 undecided or no matching row · 2 bad answers or usage
                 1 table invalid or hit policy broken for these answers
                 (ask: 130 on Ctrl-C, 1 on end of input)
  lint           0 no errors · 1 errors (or warnings with --strict) · 2 usage
  batch          0 every line evaluated · 1 some lines failed · 2 usage
"""


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="crossroads", message="%(prog)s %(version)s")
def cli() -> None:
    """Decision tables as data: lint them, and answer them.

    TABLE is a path, or the name of a bundled table (default: rag-or-fine-tune).
    """


def _table_options(f: Any) -> Any:
    f = click.option("--no-cache", is_flag=True, help="Do not read or write the compiled-table cache.")(f)
    f = click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True, help="Refuse table files larger than this.")(f)
    return f


def _compiled(table: str | None, no_cache: bool, max_bytes: int) -> Any:
    return tables.compiled(tables.find(table, max_bytes), use_cache=not no_cache, max_bytes=max_bytes)


def _read_answers_file(path: str, max_bytes: int) -> dict[str, Any]:
    """``--answers FILE|-``: a JSON or YAML mapping."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise AnswerError(f"{name}: cannot read answers: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise AnswerError(f"{name}: answers file is larger than {max_bytes} bytes")
    try:
        value = json.loads(data, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON: try YAML (depth-limited)
        from crossroads.engine.loader import load_bytes

        try:
            value = load_bytes(data, name, max_bytes).data
        except TableError as exc:
            f = exc.findings[0]
            raise AnswerError(f"{name}:{f.line}:{f.column}: {f.message}") from None
    if not isinstance(value, dict):
        raise AnswerError(f"{name}: answers must be a mapping of input id to answer")
    return value


def _answers(compiled: Any, pairs: tuple[str, ...], answers_file: str | None, max_bytes: int) -> dict[str, Any]:
    from crossroads.engine.answers import parse_answers, parse_pairs

    inputs = compiled.input_index
    parsed: dict[str, Any] = {}
    if answers_file:
        parsed.update(parse_answers(inputs, _read_answers_file(answers_file, max_bytes)))
    parsed.update(parse_pairs(inputs, list(pairs)))
    return parsed


def _exit_for(status: str) -> int:
    return EXIT_OK if status == DECIDED else EXIT_UNDECIDED


@cli.command("evaluate")
@click.argument("table", required=False)
@click.option("-a", "--answer", "pairs", multiple=True, metavar="ID=VALUE", help="An answer; repeat for each input.")
@click.option("--answers", "answers_file", metavar="FILE|-", help="A JSON or YAML mapping of answers.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_table_options
def evaluate_cmd(table: str | None, pairs: tuple[str, ...], answers_file: str | None, fmt: str, no_cache: bool, max_bytes: int) -> None:
    """Evaluate answers against TABLE and print the recommendation.

    Inputs left out are unanswered: the result says what is still possible.
    Exit 0 decided, 3 undecided or no matching row, 2 bad answers, 1 invalid table.
    """
    compiled = _compiled(table, no_cache, max_bytes)
    answers = _answers(compiled, pairs, answers_file, max_bytes)
    result = evaluate(compiled, answers)
    if fmt == "json":
        click.echo(render.dumps(render.result_json(compiled, result)))
    else:
        click.echo(render.result_text(compiled, result, render.use_colour()), nl=False)
    raise click.exceptions.Exit(_exit_for(result.status))


def _read_line(stream: Any) -> str | None:
    line = stream.readline()
    return None if line == "" else line.rstrip("\r\n")


@cli.command("ask")
@click.argument("table", required=False)
@_table_options
def ask_cmd(table: str | None, no_cache: bool, max_bytes: int) -> None:
    """Answer TABLE's questions one at a time, then print the recommendation.

    Options are numbered: type the number or the id. Stops as soon as the
    outcome is decided. Exit 0 decided, 3 no matching row, 130 on Ctrl-C,
    1 on end of input.
    """
    from crossroads.engine.answers import accepts, parse_text

    compiled = _compiled(table, no_cache, max_bytes)
    stdin = sys.stdin
    answers: dict[str, Any] = {}
    colour = render.use_colour()
    try:
        result = evaluate(compiled, answers)
        for spec in compiled.inputs:
            if result.status != "undecided":
                break
            click.echo(render._style(spec.prompt, colour, bold=True))
            if spec.help:
                click.echo(f"  {spec.help}")
            for n, option in enumerate(spec.options, 1):
                label = f" — {option.label}" if option.label != option.id else ""
                click.echo(f"  {n}) {option.id}{label}")
            while True:
                click.echo(f"[{accepts(spec)}] > ", nl=False)
                line = _read_line(stdin)
                if line is None:
                    click.echo("", err=True)
                    _die("end of input before the table was decided", EXIT_FAIL)
                text = line.strip()
                if spec.type == "choice" and text.isdigit() and 1 <= int(text) <= len(spec.options):
                    text = spec.options[int(text) - 1].id
                try:
                    answers[spec.id] = parse_text(spec, text)
                    break
                except AnswerError as exc:
                    click.echo(str(exc), err=True)
            result = evaluate(compiled, answers)
            click.echo()
    except KeyboardInterrupt:
        click.echo("", err=True)
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    click.echo(render.result_text(compiled, result, colour), nl=False)
    raise click.exceptions.Exit(_exit_for(result.status))


def _batch_lines(stream: Any) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line; text None for a line over ``MAX_LINE`` bytes."""
    number = 0
    while True:
        chunk = stream.readline(MAX_LINE + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # drain the rest of the long line
                chunk = stream.readline(MAX_LINE)
            yield number, None
            continue
        yield number, chunk.decode("utf-8", "replace").rstrip("\r\n")


@cli.command("batch")
@click.argument("table", required=False)
@click.option("--input", "input_path", default="-", show_default=True, metavar="FILE|-", help="JSON Lines of answer mappings.")
@_table_options
def batch_cmd(table: str | None, input_path: str, no_cache: bool, max_bytes: int) -> None:
    """Evaluate every line of a JSON Lines file; print one JSON result per line.

    A bad line prints {"line": N, "error": "..."} and processing continues.
    Exit 0 every line evaluated, 1 some lines failed.
    """
    from crossroads.engine.answers import parse_answers

    compiled = _compiled(table, no_cache, max_bytes)
    inputs = compiled.input_index
    if input_path == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = open(input_path, "rb")
        except OSError as exc:
            _die(f"{input_path}: {exc.strerror or exc}", EXIT_USAGE)
    failed = 0
    out = sys.stdout
    try:
        for number, text in _batch_lines(stream):
            try:
                if text is None:
                    raise ValueError(f"line longer than {MAX_LINE} bytes")
                try:
                    raw = json.loads(text, parse_float=Decimal)
                except (ValueError, RecursionError):
                    raise ValueError("not valid JSON") from None
                if not isinstance(raw, dict):
                    raise ValueError("expected a JSON object of input id to answer")
                result = evaluate(compiled, parse_answers(inputs, raw))
                line = render.dumps(render.result_json(compiled, result))
            except (ValueError, AnswerError, HitPolicyViolation) as exc:
                failed += 1
                line = render.dumps({"line": number, "error": str(exc)})
            out.write(line + "\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    out.flush()
    raise click.exceptions.Exit(EXIT_FAIL if failed else EXIT_OK)


def _lint_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(
                f for f in path.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            _die(f"{p}: no such file or directory", EXIT_USAGE)
    return files


def lint_findings(files: list[Path], max_bytes: int) -> list[Finding]:
    findings: list[Finding] = []
    for path in files:
        from crossroads.engine.loader import read_bytes

        try:
            source = tables.Source(str(path), read_bytes(path, max_bytes))
        except TableError as exc:
            findings.extend(exc.findings)
            continue
        findings.extend(tables.load(source, max_bytes).findings)
    return sorted(findings, key=sort_key)


@cli.command("lint")
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option("--format", "fmt", type=click.Choice(formats.FORMATS), default=None, help="Output format [default: text; github when GITHUB_ACTIONS=true].")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True, help="Refuse table files larger than this.")
def lint_cmd(paths: tuple[str, ...], fmt: str | None, strict: bool, max_bytes: int) -> None:
    """Check tables: YAML safety, schema, references, conditions, examples.

    Directories are searched for *.yaml and *.yml. Text lines read
    file:line:col: severity code: message. Exit 0 no errors, 1 errors
    (or warnings with --strict), 2 usage.
    """
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    files = _lint_files(paths)
    findings = lint_findings(files, max_bytes)
    if fmt == "json":
        click.echo(formats.render_json(findings), nl=False)
    elif fmt == "github":
        click.echo(formats.render_github(findings), nl=False)
    elif fmt == "sarif":
        click.echo(formats.render_sarif(findings, __version__), nl=False)
    else:
        click.echo(formats.render_text(findings), nl=False)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        click.echo(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    failing = has_errors(findings) or (strict and bool(findings))
    raise click.exceptions.Exit(EXIT_FAIL if failing else EXIT_OK)


@cli.command("schema")
def schema_cmd() -> None:
    """Print the crossroads/1 JSON Schema."""
    from crossroads.engine.schema import schema_text

    click.echo(schema_text(), nl=False)


def main() -> None:
    cli(prog_name="crossroads")
