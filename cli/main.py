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

from typing import Any

import click

from crossroads import __version__
from crossroads.engine.errors import AnswerError, CrossroadsError, HitPolicyViolation, TableError, TableNotFound

from . import answer, batch, diff, explain, fmt, formats, init, lint, page, show, test
from .common import EXIT_FAIL, EXIT_USAGE, die


class _Group(click.Group):
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
  batch          0 every line evaluated · 1 some lines failed · 2 usage
  test           0 all passed · 1 a failure, an invalid table or coverage under --fail-under · 2 usage
  fmt            0 formatted (--check: nothing to change) · 1 would change (--check), or a file
                 does not load or cannot be written · 2 usage
  show, explain  0 · 1 table invalid (show) · 2 usage, unknown code (explain)
  init           0 written · 1 the file exists or cannot be written · 2 usage
"""


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="crossroads", message="%(prog)s %(version)s")
def cli() -> None:
    """Decision tables as data: lint them, and answer them.

    TABLE is a path, or the name of a bundled table (default: rag-or-fine-tune).
    """


for command in (answer.evaluate_cmd, answer.ask_cmd, batch.batch_cmd, lint.lint_cmd, lint.schema_cmd, page.page_cmd,
                test.test_cmd, fmt.fmt_cmd, show.show_cmd, init.init_cmd, explain.explain_cmd, diff.diff_cmd):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="crossroads")
