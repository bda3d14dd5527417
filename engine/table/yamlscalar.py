"""How to write one string as a YAML scalar: plain where that reads back as the same string.

"The same string" for every reader, not only ours: a text that YAML 1.2 reads
as a string but a YAML 1.1 reader (PyYAML, yamllint) would take for a boolean,
a number or a date (``yes``, ``1_000``, ``2024-01-01``) is quoted too. Quotes
are double, or single when the text holds ``"`` or ``\\`` and nothing that needs
an escape. Conservative on purpose: a needless quote costs two characters, a
missing one changes a table's meaning (and ``formatter`` checks the result).
"""

from __future__ import annotations

import re
import unicodedata

from crossroads.engine.table.loader import resolve_plain

_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@` \t")
_FLOW_BAD = set(",[]{}?:")
_YAML11 = re.compile(  # what a YAML 1.1 reader (PyYAML, yamllint) would not read as a string
    r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)"
    r"|[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|\.(?:inf|Inf|INF))"
    r"|\.(?:nan|NaN|NAN)|~|null|Null|NULL|=|<<"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")  # plain in any context unless _YAML11 (no ':', '#', ',', space)
_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _printable(ch: str) -> bool:
    """A character to write as itself: visible (or a space), and no parser's line break."""
    if ch < "\x80":
        return " " <= ch <= "~"
    if ch in "\x85\u2028\u2029\ufeff":
        return False
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")


def _all_printable(text: str) -> bool:
    if text.isascii():
        return text.isprintable()  # the common case, in C: ASCII printable is exactly " " to "~"
    return all(_printable(ch) for ch in text)


def plain_ok(text: str, flow: bool) -> bool:
    """Whether ``text`` can be written unquoted and still read back as this exact string."""
    if _WORD.fullmatch(text):  # most ids, keys and values: only the YAML 1.1 words need quotes
        return _YAML11.fullmatch(text) is None
    if not text or text[0] in _PLAIN_FIRST_BAD or text[-1] in " \t:" or text.startswith(("---", "...")):
        return False
    if ": " in text or " #" in text or not _all_printable(text):
        return False
    if flow and any(ch in _FLOW_BAD for ch in text):
        return False
    if _YAML11.fullmatch(text):
        return False  # a string to us, but not to every YAML reader: quote it
    return type(resolve_plain(text)) is str


def quote(text: str, flow: bool, *, double: bool = False) -> str:
    """``text`` as a YAML scalar: plain where it can be, else quoted."""
    if not double and plain_ok(text, flow):
        return text
    if not double and ('"' in text or "\\" in text) and _all_printable(text):
        return "'" + text.replace("'", "''") + "'"
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
