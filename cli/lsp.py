"""``crossroads lsp``: the language server on stdin/stdout (``cli/lspserver.py``, the ``lsp`` extra).

pygls is imported only when the command runs, so that the other commands start without it and a
core install without the extra gets a one-line error, not a traceback.
"""

from __future__ import annotations

import click

from .common import EXIT_USAGE, die, max_bytes_option, max_seconds_option

DEFAULT_ANALYSIS_SECONDS = 10.0


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@max_seconds_option(
    DEFAULT_ANALYSIS_SECONDS,
    "Time budget of the row analysis per document version; past it, an analysis-incomplete warning.",
)
@max_bytes_option
@click.option(
    "--debounce",
    type=click.FloatRange(min=0),
    default=0.15,
    show_default=True,
    help="Seconds of quiet after a change before the document is checked again.",
)
def lsp_cmd(stdio: bool, max_seconds: float, max_bytes: int, debounce: float) -> None:
    """Run the language server: lint findings as diagnostics while typing, hover, go to definition,
    references, rename and completion of ids, formatting (= fmt), code actions and code lenses.

    Needs the lsp extra: pip install 'crossroads[lsp]'.
    """
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        die("the language server needs pygls and lsprotocol: pip install 'crossroads[lsp]'", EXIT_USAGE)
    from .lspserver import serve

    serve(max_seconds=max_seconds, max_bytes=max_bytes, debounce=debounce)
