"""``crossroads test``: run tables' examples, with row coverage; ``--generate`` fills the gaps."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import click

from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import CompiledTable, compile_table
from crossroads.engine.errors import CrossroadsError, TableError
from crossroads.engine.authoring.examples import coverage, missing_examples, run_examples
from crossroads.engine.findings import Finding, has_errors
from crossroads.engine.table.loader import MAX_BYTES, read_bytes

from . import formats, testreport
from .common import EXIT_FAIL, EXIT_OK, table_files
from .testreport import FileReport
from .terminal import counted, visible

if TYPE_CHECKING:  # the models import pydantic; cli.main imports every command
    from crossroads.engine.table.loader import Document
    from crossroads.engine.table.model import Table


@click.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="Show which rows no example exercises, and the share of reachable rows covered.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PCT",
    help="Exit 1 when total row coverage is below PCT (implies --coverage).",
)
@click.option(
    "--generate",
    is_flag=True,
    help="Add one example per uncovered reachable row to the file (formatted, comments kept).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(testreport.FORMATS),
    default="text",
    show_default=True,
    help="Report format; json and junit put the closing line on stderr.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=MAX_BYTES,
    show_default=True,
    help="Refuse table files larger than this.",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Time budget of the row analysis behind --coverage/--generate, per file.",
)
def test_cmd(
    paths: tuple[str, ...],
    show_coverage: bool,
    fail_under: float | None,
    generate: bool,
    fmt: str,
    max_bytes: int,
    max_seconds: float,
) -> None:
    """Run the examples of tables as tests.

    Directories are searched for *.yaml and *.yml. The report's last line is
    "N passed, N failed" (", N skipped" when an invalid table's examples were
    not run). Exit 0 all passed (and coverage not under --fail-under), 1 a
    failure, an invalid table or coverage under PCT, 2 usage.
    """
    show_coverage = show_coverage or fail_under is not None
    reports = [_run_file(name, show_coverage, generate, max_bytes, max_seconds) for name in table_files(paths)]
    if fmt == "json":
        click.echo(testreport.render_json(reports), nl=False)
    elif fmt == "junit":
        click.echo(testreport.render_junit(reports), nl=False)
    else:
        click.echo(visible(testreport.render_text(reports, show_coverage)), nl=False)
    if fmt != "text":
        click.echo(testreport.closing_line(reports), err=True)
    _, failed, _ = testreport.totals(reports)
    failing = failed > 0 or any(r.findings for r in reports)
    percent = testreport.total_percent(reports)
    if fail_under is not None and percent is not None and percent < fail_under:
        click.echo(f"crossroads: coverage {percent:.1f}% is under --fail-under {fail_under:g}%", err=True)
        failing = True
    raise click.exceptions.Exit(EXIT_FAIL if failing else EXIT_OK)


def _run_file(name: str, with_coverage: bool, generate: bool, max_bytes: int, max_seconds: float) -> FileReport:
    started = time.perf_counter()
    try:
        data = read_bytes(name, max_bytes)
    except TableError as exc:
        return _invalid(name, exc.findings, 0, started)
    loaded = tables.load(tables.Source(name, data), max_bytes)
    errors = tables.blocking_errors(loaded)
    if loaded.table is None or loaded.document is None or errors:  # a bad example is a failing test, below
        return _invalid(name, errors, _example_count(loaded), started)
    table, document = loaded.table, loaded.document
    compiled = compile_table(table)
    cov = None
    if with_coverage or generate:
        witnesses, complete, conflicting = _witnesses(compiled, max_seconds)
        if generate and name.endswith(".json"):
            click.echo(f"{name}: not generating examples: a JSON table stays JSON (add them by hand)", err=True)
        elif generate:
            runs = run_examples(table, compiled, document)
            new = missing_examples(
                compiled, coverage(compiled, runs, witnesses, complete=complete, conflicting=conflicting), witnesses
            )
            if new:
                table, document, compiled = _write_examples(name, data, new, max_bytes)
                click.echo(f"{name}: added {counted(len(new), 'example')} for uncovered rows", err=True)
    runs = run_examples(table, compiled, document)
    if with_coverage:
        cov = coverage(compiled, runs, witnesses, complete=complete, conflicting=conflicting)
    row_lines = {rule.id: document.position(("rules", n))[0] for n, rule in enumerate(table.rules)}
    return FileReport(name, compiled, runs, cov, seconds=time.perf_counter() - started, row_lines=row_lines)


def _witnesses(compiled: CompiledTable, max_seconds: float) -> tuple[dict[str, Any], bool, frozenset[str]]:
    """The analysis' row witnesses, whether it completed within its budget, and the rows in conflicts."""
    from crossroads.engine.analysis import rows as analysis

    report = analysis.run(compiled, max_seconds=max_seconds)
    conflicting = frozenset(r for f in report.findings if f.code == "conflict" for r in f.rules)
    return dict(report.witnesses), report.complete, conflicting


def _write_examples(
    name: str, data: bytes, new: list[dict[str, Any]], max_bytes: int
) -> tuple[Table, Document, CompiledTable]:
    """Add the examples to the file (formatted, atomically) and load it again."""
    from crossroads.engine.atomic import write_atomic
    from crossroads.engine.authoring.formatter import format_table

    text = format_table(data, name, max_bytes=max_bytes, append_examples=new)
    encoded = text.encode("utf-8")
    write_atomic(name, encoded)
    loaded = tables.load(tables.Source(name, encoded), max(max_bytes, len(encoded)))
    if (
        loaded.table is None or loaded.document is None or has_errors(loaded.findings)
    ):  # each example was checked by evaluation
        raise CrossroadsError(f"{name}: the generated examples made the table invalid; please report this")
    return loaded.table, loaded.document, compile_table(loaded.table)


def _invalid(name: str, findings: tuple[Finding, ...], skipped: int, started: float) -> FileReport:
    click.echo(formats.render_text(findings), err=True, nl=False)
    return FileReport(name, None, findings=findings, skipped=skipped, seconds=time.perf_counter() - started)


def _example_count(loaded: tables.Loaded) -> int:
    examples = loaded.document.data.get("examples") if loaded.document is not None else None
    return len(examples) if isinstance(examples, list) else 0
