"""``crossroads test``: run tables' examples, with row coverage; ``--generate`` fills the gaps."""

from __future__ import annotations

import click

from crossroads.engine.authoring.testing import FileReport, run_file

from . import formats, testreport
from .common import EXIT_FAIL, EXIT_OK, max_bytes_option, max_seconds_option, table_files
from .terminal import visible


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
@max_bytes_option
@max_seconds_option(60.0, "Time budget of the row analysis behind --coverage/--generate, per file.")
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
    reports = [_run(name, show_coverage, generate, max_bytes, max_seconds) for name in table_files(paths)]
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


def _run(name: str, with_coverage: bool, generate: bool, max_bytes: int, max_seconds: float) -> FileReport:
    """``run_file``, with what it found for a person on stderr: an invalid table's errors, the notes."""
    report = run_file(name, coverage=with_coverage, generate=generate, max_bytes=max_bytes, max_seconds=max_seconds)
    if report.compiled is None:
        click.echo(formats.render_text(report.findings), err=True, nl=False)
    for note in report.notes:
        click.echo(note, err=True)
    return report
