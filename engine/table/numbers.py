"""The number grammar: what a number is, wherever one is read — a table, an answer, a data file.

One definition, so that the Python engine, the guide page's JavaScript
(``assets/page.js``) and the SQL (``sql.py``) accept and refuse the same
texts; ``tests/test_numbers.py`` holds the strings each of them is checked on.

* **Text form**: ``[-+]?(digits[.digits?] | .digits)([eE][-+]?digits)?``, with
  ASCII spaces (U+0020, nothing else) around it ignored. No other whitespace
  (tabs, newlines, NBSP, U+FEFF, the ASCII separators U+001C-U+001F), no
  ``_``, no ``inf``/``nan``. An integer input's text is ``[-+]?digits`` only.
* **Range**: at most ``MAX_SIGNIFICANT_DIGITS`` significant digits and, unless
  zero, a magnitude in ``[10^MIN_EXPONENT, 10^(MAX_EXPONENT + 1))``; as
  written, an exponent of at most ``MAX_EXPONENT_DIGITS`` digits and a literal
  of at most ``MAX_TEXT`` characters. Decision
  tables need nothing near these bounds; what they buy is that no number can
  make the engine materialize a million-digit integer, hang, or raise from
  ``decimal`` (whose exponent is itself bounded).
* **Integer-ness**: a number value (JSON ``1e3``, ``5.0``) is whole when its
  value is; the text form for an integer input is the digits form above.
* **Arithmetic** on such numbers runs in ``EXACT``, a context wide enough for
  the sum, difference and midpoint of any two of them, with ``Inexact``
  trapped: a result that would have to be rounded raises instead.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow
from typing import Any, Final, Union

Num = Union[int, Decimal]

MAX_SIGNIFICANT_DIGITS: Final = 100
MAX_EXPONENT: Final = 999  # |n| < 10^1000
MIN_EXPONENT: Final = -999  # |n| >= 10^-999, or n == 0
MAX_EXPONENT_DIGITS: Final = 6  # "1e1234567" is refused as written, whatever its value (even 0e1234567)
MAX_TEXT: Final = 4096  # characters of one literal: "000...1" of megabytes is never parsed
LIMITS: Final = f"at most {MAX_SIGNIFICANT_DIGITS} significant digits, magnitude from 1e{MIN_EXPONENT} to below 1e{MAX_EXPONENT + 1}"

# Written in the regular-expression syntax Python, JavaScript, RE2 (DuckDB), Java (Spark) and PostgreSQL share.
NUMBER: Final = r"[-+]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][-+]?[0-9]+)?"
INTEGER: Final = r"[-+]?[0-9]+"
_NUMBER_TEXT = re.compile(f" *({NUMBER}) *")
_INTEGER_TEXT = re.compile(f" *({INTEGER}) *")

# Operands span at most 10^999 .. 10^-(999+99): the sum of two needs about 2,100 digits, a midpoint one more.
EXACT: Final = Context(
    prec=2 * (MAX_EXPONENT - MIN_EXPONENT + MAX_SIGNIFICANT_DIGITS) + 8,
    Emax=10 * MAX_EXPONENT,
    Emin=10 * MIN_EXPONENT,
    traps=[Inexact, InvalidOperation, Overflow, DivisionByZero],
)


def in_range(d: Num) -> bool:
    """Whether a number (a finite ``Decimal``, or an ``int``) is one crossroads handles (see ``LIMITS``)."""
    if isinstance(d, int):  # fewer than 100 digits is always in range: no Decimal for the usual case
        return -_SHORT < d < _SHORT or in_range(Decimal(d))
    if not d.is_finite():
        return False
    if d.is_zero():
        return True
    return _significant(d.as_tuple().digits) <= MAX_SIGNIFICANT_DIGITS and MIN_EXPONENT <= d.adjusted() <= MAX_EXPONENT


_SHORT = 10**MAX_SIGNIFICANT_DIGITS


def _significant(digits: tuple[int, ...]) -> int:
    """Digits from the first non-zero one to the last non-zero one."""
    first = next((i for i, x in enumerate(digits) if x), len(digits))
    last = next((i for i in range(len(digits) - 1, -1, -1) if digits[i]), -1)
    return max(last - first + 1, 0)


def out_of_range(text: str) -> str:
    """The one wording of a number beyond the limits (the number clipped to 40 characters)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"number {shown} is out of range ({LIMITS})"


def exact(value: Any) -> Num:
    """An exact number: ``int`` when integral, else ``Decimal`` (the value must be ``in_range``).

    ints compare fastest, and integral values of any form (``1e3``, ``5.0``)
    are one number: whole.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return value
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if d.is_finite() and (d.is_zero() or d.adjusted() <= MAX_EXPONENT) and d == d.to_integral_value():
        return int(d)
    return d


def decimal(text: str) -> Decimal | None:
    """A decimal literal (no spaces; syntax already checked) as a ``Decimal`` within range, else None.

    Never raises: a literal of more than ``MAX_TEXT`` characters or with an exponent of more
    than ``MAX_EXPONENT_DIGITS`` digits is refused before ``decimal`` sees it.
    """
    if len(text) > MAX_TEXT:
        return None
    e = max(text.find("e"), text.find("E"))
    if e >= 0 and len(text) - e - 1 - (text[e + 1 : e + 2] in ("+", "-")) > MAX_EXPONENT_DIGITS:
        return None
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return d if in_range(d) else None


def parse_number(text: str) -> Num | None:
    """The text form of a number (spaces around allowed), within range, or None."""
    m = _NUMBER_TEXT.fullmatch(text)
    if m is None:
        return None
    d = decimal(m.group(1))
    return None if d is None else exact(d)


def parse_integer(text: str) -> int | None:
    """The text form of an integer input's answer: ``[-+]?digits``, spaces around allowed, within range."""
    m = _INTEGER_TEXT.fullmatch(text)
    if m is None:
        return None
    return integer(m.group(1))


def integer(digits: str) -> int | None:
    """``[-+]?digits`` (syntax already checked) as an ``int`` within range, else None: a literal
    of at most ``MAX_SIGNIFICANT_DIGITS`` characters is read at once, a longer one through ``decimal``."""
    if len(digits) <= MAX_SIGNIFICANT_DIGITS:
        return int(digits)
    d = decimal(digits)
    return None if d is None else int(d)


def format_number(n: Num) -> str:
    """A number as the table syntax writes it: plain digits (an integer always; a decimal unless
    its exponent is large, then scientific)."""
    if isinstance(n, int):
        return str(n)
    return format(n, "f") if -30 < n.adjusted() < 30 else str(n)


def add(a: Num, b: Num) -> Num:
    """``a + b``, exactly."""
    return exact(EXACT.add(Decimal(a), Decimal(b)))


def subtract(a: Num, b: Num) -> Num:
    """``a - b``, exactly."""
    return exact(EXACT.subtract(Decimal(a), Decimal(b)))


def midpoint(a: Num, b: Num) -> Num:
    """``(a + b) / 2``, exactly (a midpoint of two decimals is a decimal)."""
    return exact(EXACT.divide(EXACT.add(Decimal(a), Decimal(b)), Decimal(2)))
