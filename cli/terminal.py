"""Text for a terminal: whatever a table, an answer or a file name holds, it cannot drive the terminal.

A table arrives in a pull request, and its titles, conditions and ids are
printed by ``lint``, ``evaluate``, ``show``, ``diff`` and ``test``. Written raw,
``\\x1b[2J`` clears the reviewer's screen, an OSC sequence rewrites the window
title or a hyperlink, ``\\r`` overwrites the start of a line (hiding an error
behind a clean-looking one, even in a CI log), and the bidi controls of
"Trojan Source" reorder what is shown. ``visible`` writes each such character
as an escape (``\\x1b``, ``\\r``, ``\\u202e``); JSON, SARIF and JUnit output are
data and escape them by their own rules.
"""

from __future__ import annotations

import re
import textwrap

# C0 controls but tab and newline (which text output lays lines out with), DEL, C1 controls,
# and the Unicode bidi and line/paragraph controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}")


def visible(text: str) -> str:
    """``text`` with every terminal control written as an escape; newlines and tabs kept."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` as one line: newlines and tabs escaped too (a finding, an error message)."""
    return _UNSAFE_IN_LINE.sub(_escape, text)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,000 rows``: a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


MAX_WIDTH = 88  # lines people read: no wider than this even on a wide terminal


def width() -> int:
    """The text width: the terminal's (``COLUMNS`` too), at most ``MAX_WIDTH``; ``MAX_WIDTH`` when piped."""
    import shutil  # here: its import (bz2, lzma, ...) is most of what the warm start would spend on it

    return max(20, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


def wrap(text: str, indent: int = 0, first: str | None = None) -> list[str]:
    """``text`` filled to ``width()`` at word boundaries, every line indented by ``indent``
    (the first by ``first`` instead, e.g. a bullet); never an empty list."""
    pad = " " * indent
    lines = textwrap.wrap(
        " ".join(text.split()),
        width(),
        initial_indent=pad if first is None else first,
        subsequent_indent=pad,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [pad]
