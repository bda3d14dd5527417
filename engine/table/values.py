"""Output values: the one definition of what a value of an output type is, and how it is shown.

A table with ``outputs`` gives every output a value in each inline ``then``,
each outcome's ``values`` and a mapping ``default``. ``check`` reads one
value as written into its canonical form — exact numbers (``int`` when
integral, else a normalised ``Decimal``: ``0.10`` and ``0.1`` are one value),
booleans, strict ``YYYY-MM-DD`` dates kept as text, option ids — or says why
it is not one. Canonical values compare with ``==`` exactly, which is what
interns equal results and what ``policies.agree`` compares.

Nothing here imports pydantic or the YAML parser: the compiler and the cache
use it on the evaluation path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from crossroads.engine.table import dates, numbers

Value = Union[bool, int, Decimal, str]
"""A canonical output value."""
Values = tuple[tuple[str, Value], ...]
"""Output id → value, in the outputs' declaration order (hashable: results are interned by it)."""

NUMERIC = ("number", "integer")
OUTPUT_TYPES = ("string", "number", "integer", "boolean", "date", "choice")
AGGREGATES = ("sum", "min", "max", "count")


def date_error(text: str) -> str | None:
    """Why ``text`` is not a strict ``YYYY-MM-DD`` date of years 0001–9999 (None: it is one), by the
    one date grammar (``engine/table/dates.py``); a value is exact, so no spaces around it either."""
    if text != text.strip(" ") or dates.parse_date(text) is None:
        return f"'{text}' is not a date (YYYY-MM-DD, a real day of the years 0001-9999)"
    return None


class BadValue(ValueError):
    """A value that is not one of its output's type; the message says why (one line)."""


def check(type_: str, options: tuple[str, ...], raw: Any) -> Value:
    """``raw`` (as loaded: str, bool, int or Decimal) as a canonical value of an output of ``type_``
    (``options``: a choice output's option ids, empty when it declares none); raise ``BadValue``."""
    if type_ in NUMERIC:
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise BadValue(f"expected a number, got {_shown(raw)}")
        if isinstance(raw, Decimal) and not raw.is_finite() or not numbers.in_range(raw):
            raise BadValue(f"{_shown(raw)} is not a finite number in range")
        n = numbers.exact(raw)
        if type_ == "integer" and not isinstance(n, int):
            raise BadValue(f"expected an integer, got {_shown(raw)}")
        return n.normalize(numbers.EXACT) if isinstance(n, Decimal) else n
    if type_ == "boolean":
        if not isinstance(raw, bool):
            raise BadValue(f"expected true or false, got {_shown(raw)}")
        return raw
    if not isinstance(raw, str):
        raise BadValue(f"expected text, got {_shown(raw)}")
    if type_ == "date":
        why = date_error(raw)
        if why is not None:
            raise BadValue(why)
    if type_ == "choice" and options and raw not in options:
        raise BadValue(f"'{raw}' is not an option (options: {', '.join(options)})")
    return raw


def _shown(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, Decimal)):
        return f"the number {raw}"
    return f"'{raw}'"


def to_json(value: Value) -> Any:
    """A value as the result JSON writes it: numbers as the CLI writes answers (``answers.to_json``)."""
    from crossroads.engine.table.answers import to_json as number_json

    return number_json(value)


def mapping_json(values: Values) -> dict[str, Any]:
    """Values as the JSON object ``{"<output id>": value}``."""
    return {k: to_json(v) for k, v in values}


def text(value: Value) -> str:
    """A value as people read it (and as the table syntax writes it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return numbers.format_number(value)
    return value


def label(values: Values) -> str:
    """Values on one line, ``{fee: 4.9, carrier: express}``: how findings and diffs name an inline result."""
    return "{" + ", ".join(f"{k}: {text(v)}" for k, v in values) + "}"
