"""The date grammar: what a date is, wherever one is read — a table, an answer, a data file.

One definition, so that the Python engine, the guide page's JavaScript
(``assets/page.js``) and the SQL (``sql.py``) accept and refuse the same
texts; ``tests/test_dates.py`` holds the strings each of them is checked on.

* **Text form**: ``YYYY-MM-DD`` exactly (``DATE``): four-digit year 0001–9999,
  two-digit month and day, a real calendar day of the proleptic Gregorian
  calendar (``2024-02-29`` is one, ``2025-02-30`` is not), with ASCII spaces
  (U+0020) around it ignored, as for numbers. No times, no time zones, no
  other separators: ``2025-1-5``, ``2025/01/05``, ``2025-01-01T00:00`` and
  ``20250101`` are refused.
* **Comparison**: dates compare exactly as days. A day is held two ways, and
  converted in one place each: a ``datetime.date`` at the boundary (parsed
  answers, witnesses, everything shown), its proleptic ordinal (``day``, an
  ``int``: ``0001-01-01`` is 1) inside conditions and the compiled index, so
  that the numeric machinery (segments, the search's integer neighbours)
  works on dates unchanged. ``FIRST_DAY``/``LAST_DAY`` bound that domain.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

# Written in the regular-expression syntax Python, JavaScript, RE2 (DuckDB), Java (Spark) and PostgreSQL share.
DATE: Final = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATE_TEXT = re.compile(f" *({DATE}) *")
FORM: Final = "a date YYYY-MM-DD"
"""How messages name the accepted form."""

FIRST_DAY: Final = date.min.toordinal()  # 0001-01-01
LAST_DAY: Final = date.max.toordinal()  # 9999-12-31


def literal(text: str) -> date | None:
    """A ``YYYY-MM-DD`` literal (no spaces; syntax already checked) as a real day, else None."""
    try:
        return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:  # year 0000, month 13, 2025-02-30
        return None


def parse_date(text: str) -> date | None:
    """The text form of a date (ASCII spaces around allowed), or None."""
    m = _DATE_TEXT.fullmatch(text)
    return None if m is None else literal(m.group(1))


def day(value: date) -> int:
    """A date as its day number (the proleptic ordinal): the engine's inside form."""
    return value.toordinal()


def from_day(n: int) -> date:
    """A day number back to its date (``FIRST_DAY <= n <= LAST_DAY``)."""
    return date.fromordinal(n)


def format_day(n: int) -> str:
    """A day number as the table syntax writes it: ``YYYY-MM-DD``."""
    return from_day(n).isoformat()


def problem(text: str) -> str:
    """Why ``text`` is not a date, in one line (for a text ``parse_date`` refused)."""
    shown = text.strip(" ")
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    if re.fullmatch(DATE, shown):
        return f"{shown} is not a day of the calendar (years 0001-9999)"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].*", shown):
        return f"{shown} has a time: dates are days, YYYY-MM-DD, with no time or time zone"
    return f"{shown} is not a date: expected YYYY-MM-DD (four-digit year, two-digit month and day)"
