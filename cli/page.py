"""``page``: write the table's guide page, one self-contained HTML file."""

from __future__ import annotations

import click
from crossroads import __version__
from crossroads.engine.atomic import write_atomic
from crossroads.engine.outputs.page import render_page

from .common import compiled_table, lang_option, table_options, ui_catalog


@click.command("page")
@click.argument("table", required=False)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Where to write the page (- for stdout); a file is written atomically, a FIFO or device (/dev/stdout) into.",
)
@lang_option
@table_options
def page_cmd(table: str | None, output: str, lang: str | None, no_cache: bool, max_bytes: int) -> None:
    """Write TABLE's guide page: questions, live recommendation, every option.

    One HTML file with inline CSS and JavaScript and no network requests: open
    it from disk or publish it on any static host. Answers are kept in the URL
    fragment, so a recommendation can be linked. --lang sets the interface
    language; the content is the table's translation when complete, else
    English with a notice. Exit 0 written, 1 invalid table or write error.
    """
    catalog = ui_catalog(lang)
    html = render_page(compiled_table(table, no_cache, max_bytes), catalog.lang, generator_version=__version__)
    if output == "-":
        click.echo(html, nl=False)
    else:
        write_atomic(output, html.encode("utf-8"))
