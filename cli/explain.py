"""``crossroads explain``: what a finding code means, why it matters, how to fix it, an example."""

from __future__ import annotations

import difflib
import textwrap

import click

from crossroads.engine.findings import CODES, CodeInfo

from .common import EXIT_USAGE, die


@click.command("explain")
@click.argument("code", required=False)
def explain_cmd(code: str | None) -> None:
    """Explain finding CODE (as lint prints it), or list every code.

    Exit 0, 2 for an unknown code.
    """
    if code is None:
        width = max(len(c) for c in CODES)
        for name, entry in CODES.items():
            click.echo(f"{name.ljust(width)}  {entry.severity.ljust(7)}  {entry.summary}")
        return
    info = CODES.get(code.strip().lower())
    if info is None:
        close = difflib.get_close_matches(code.strip().lower(), list(CODES), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        die(f"unknown finding code {code!r}{hint} (crossroads explain lists them all)", EXIT_USAGE)
    click.echo(explanation(code.strip().lower(), info), nl=False)


def explanation(code: str, info: CodeInfo) -> str:
    def para(text: str) -> list[str]:
        return textwrap.wrap(text, 78, initial_indent="  ", subsequent_indent="  ")

    lines = [
        f"{code} ({info.severity}): {info.summary}",
        "",
        "Why it matters",
        *para(info.why),
        "",
        "How to fix it",
        *para(info.fix),
    ]
    if info.example:
        lines += ["", "Example", *("    " + line for line in info.example.splitlines())]
    return "\n".join(lines) + "\n"
