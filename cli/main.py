"""``crossroads``: lint decision tables and answer them.

Exit codes (also in ``--help`` and the README):

* ``evaluate``/``ask``: 0 decided, 3 undecided or no matching row, 2 bad
  answers or usage, 1 the table is invalid or breaks its hit policy for these
  answers (``ask``: 130 on Ctrl-C, 1 on end of input);
* ``lint``: 0 no errors (warnings fail only with ``--strict``), 1 errors, 2 usage;
* ``batch``: 0 every line evaluated, 1 some lines failed (or the table is
  invalid), 2 usage;
* ``test``, ``fmt``, ``show``, ``init``, ``explain``: see ``EPILOG``.

One error boundary (``_Group.invoke``) turns every expected failure into a
one-line message on stderr; results go to stdout.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from crossroads import __version__
from crossroads.engine.errors import AnswerError, CrossroadsError, HitPolicyViolation, TableError, TableNotFound

from . import formats
from .common import EXIT_FAIL, EXIT_USAGE, die

COMMANDS: dict[str, tuple[str, str]] = {
    "evaluate": ("answer", "evaluate_cmd"),
    "ask": ("answer", "ask_cmd"),
    "batch": ("batch", "batch_cmd"),
    "sql": ("sql", "sql_cmd"),
    "lint": ("lint", "lint_cmd"),
    "test": ("test", "test_cmd"),
    "fmt": ("fmt", "fmt_cmd"),
    "diff": ("diff", "diff_cmd"),
    "show": ("show", "show_cmd"),
    "page": ("page", "page_cmd"),
    "import": ("interop", "import_cmd"),
    "export": ("export", "export_cmd"),
    "init": ("init", "init_cmd"),
    "explain": ("explain", "explain_cmd"),
    "schema": ("lint", "schema_cmd"),
    "lsp": ("lsp", "lsp_cmd"),
}
"""Command name → (module in ``crossroads.cli``, attribute). A command's module is
imported only when it runs (or for ``--help``), so ``evaluate`` starts without the rest."""


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TableError as exc:
            click.echo(formats.render_text(exc.findings), err=True, nl=False)
            raise click.exceptions.Exit(EXIT_FAIL) from None
        except (AnswerError, TableNotFound) as exc:
            die(str(exc), EXIT_USAGE)
        except HitPolicyViolation as exc:
            die(str(exc), EXIT_FAIL)
        except CrossroadsError as exc:
            die(str(exc), EXIT_FAIL)


EPILOG = """\b
Exit codes:
  evaluate, ask  0 decided · 3 undecided or no matching row · 2 bad answers or usage
                 1 table invalid or hit policy broken for these answers
                 (ask: 130 on Ctrl-C, 1 on end of input)
  lint           0 no errors · 1 errors (or warnings with --strict) · 2 usage
  batch          0 every line/row evaluated · 1 some lines/rows failed · 2 usage (CSV/Parquet:
                 a missing input column, DuckDB not installed)
  sql            0 printed · 1 table invalid or beyond exact SQL · 2 usage
  test           0 all passed · 1 a failure, an invalid table or coverage under --fail-under · 2 usage
  fmt            0 formatted (--check: nothing to change) · 1 would change (--check), or a file
                 does not load or cannot be written · 2 usage
  show, explain  0 · 1 table invalid (show) · 2 usage, unknown code (explain)
  init           0 written · 1 the file exists or cannot be written · 2 usage
  diff           0 compared · 1 --check-version finds the bump too small, or a table is invalid · 2 usage
  page           0 written · 1 table invalid or the file cannot be written · 2 usage
  import         0 every table imported · 1 some refused or not written · 2 usage, unreadable model
  export         0 written · 1 table invalid, not exactly expressible there, or not written · 2 usage
  lsp            0 after the client's shutdown and exit · 2 usage, pygls not installed (the lsp extra)
"""


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="crossroads", message="%(prog)s %(version)s")
def cli() -> None:
    """Decision tables as data: lint them, and answer them.

    TABLE is a path, or the name of a bundled table (default: rag-or-fine-tune).
    """


def main() -> None:
    cli(prog_name="crossroads")
