"""Parse answers for a table's inputs, from the command line or from data.

Two entry points share one set of rules per input type:

* ``parse_text`` for ``-a ID=VALUE`` (everything is a string there);
* ``parse_value`` for a JSON/YAML mapping (``--answers``, a ``batch`` line, an
  example): an option id, ``true``/``false``, a number or a decimal string, a
  date string ``YYYY-MM-DD`` (``engine/table/dates.py``).

A string input takes any text exactly as given, in both: no trimming, no case
folding, the empty string included; in a mapping only a JSON/YAML string is
text (a number, a boolean or null for it is an error naming the input).

An input left out is unanswered; an explicit null is an error (leave the key
out instead). Numbers stay exact (``int`` or ``Decimal``); a date is a
``datetime.date`` (never a time, never a time zone). Every error names
the input and what it accepts, in one line.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from collections.abc import Callable
from typing import Any, BinaryIO, Mapping

from crossroads.engine.table import dates, numbers
from crossroads.engine.table.compiler import InputSpec, OptionSpec
from crossroads.engine.table.conditions import exact, format_number
from crossroads.engine.errors import AnswerError, NotJSON, TableError

TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
"""A boolean written as text, in any case, ASCII spaces around ignored: the same words for ``-a``,
``--answers``, ``batch`` lines, CSV/Parquet cells (``sql.py``) and the page (``page.py`` passes them on)."""


def boolean_word(text: str) -> bool | None:
    """The boolean a word means (``TRUE_WORDS``/``FALSE_WORDS``), or None."""
    word = text.strip(" ").lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def accepts(spec: InputSpec) -> str:
    """What an input accepts, for error messages and prompts."""
    if spec.type == "choice":
        return "one of: " + ", ".join(spec.option_ids)
    if spec.type == "boolean":
        return "true or false (yes/no)"
    if spec.type == "string":
        return "a string (any text)"
    if spec.type == "date":
        lo = None if spec.minimum is None else dates.format_day(int(spec.minimum))
        hi = None if spec.maximum is None else dates.format_day(int(spec.maximum))
        if lo is not None and hi is not None:
            return f"{dates.FORM} from {lo} to {hi}"
        if lo is not None:
            return f"{dates.FORM} on or after {lo}"
        if hi is not None:
            return f"{dates.FORM} on or before {hi}"
        return dates.FORM
    kind = "a whole number" if spec.type == "integer" else "a number"
    if spec.minimum is not None and spec.maximum is not None:
        return f"{kind} from {format_number(spec.minimum)} to {format_number(spec.maximum)}"
    if spec.minimum is not None:
        return f"{kind} ≥ {format_number(spec.minimum)}"
    if spec.maximum is not None:
        return f"{kind} ≤ {format_number(spec.maximum)}"
    return kind


def _bad(spec: InputSpec, got: str) -> AnswerError:
    return AnswerError(f"{spec.id}: expected {accepts(spec)}, got {got}", spec.id)


def _show(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, int):
        text = str(value) if value.bit_length() < 3000 else "a very long integer"
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, Decimal):
        text = format_number(exact(value)) if numbers.in_range(value) else str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"a {type(value).__name__}"


def _in_bounds(spec: InputSpec, n: Any) -> Any:
    if (spec.minimum is not None and n < spec.minimum) or (spec.maximum is not None and n > spec.maximum):
        raise AnswerError(f"{spec.id}: {_show(n)} is out of range: expected {accepts(spec)}", spec.id)
    return n


def _date(spec: InputSpec, text: str) -> date:
    d = dates.parse_date(text)
    if d is None:
        raise _bad(spec, _show(text))
    n = dates.day(d)
    if (spec.minimum is not None and n < spec.minimum) or (spec.maximum is not None and n > spec.maximum):
        raise AnswerError(f"{spec.id}: {_show(d)} is out of range: expected {accepts(spec)}", spec.id)
    return d


def _number(spec: InputSpec, text: str) -> Any:
    n = numbers.parse_integer(text) if spec.type == "integer" else numbers.parse_number(text)
    if n is None:
        raise _bad(spec, _show(text))
    return _in_bounds(spec, n)


def parse_text(spec: InputSpec, text: str) -> Any:
    """An answer typed on the command line (a string input's: the text verbatim)."""
    if spec.type == "string":
        return text
    if spec.type == "choice":
        return _option(spec, text)
    if spec.type == "boolean":
        value = boolean_word(text)
        if value is None:
            raise _bad(spec, _show(text))
        return value
    if spec.type == "date":
        return _date(spec, text)
    return _number(spec, text)


def _option(spec: InputSpec, text: str) -> str:
    """A typed option: the exact id always wins; then, forgivingly, the label, the id in another
    case, the label in another case — the first of these that fits one option. Several options
    fitting at one step is an error naming them, never a silent pick."""
    folded = text.casefold()
    steps: tuple[Callable[[OptionSpec], bool], ...] = (
        lambda o: o.id == text,
        lambda o: o.label == text,
        lambda o: o.id.casefold() == folded,
        lambda o: o.label.casefold() == folded,
    )
    for fits in steps:
        candidates = [o.id for o in spec.options if fits(o)]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AnswerError(
                f"{spec.id}: {_show(text)} is ambiguous: it fits options {', '.join(candidates)}; type the option id",
                spec.id,
            )
    raise AnswerError(f"{spec.id}: unknown option {_show(text)}; expected {accepts(spec)}", spec.id)


def parse_value(spec: InputSpec, value: Any) -> Any:
    """An answer from a JSON/YAML mapping."""
    if value is None:
        raise AnswerError(f"{spec.id}: null is not an answer; leave the key out to leave it unanswered", spec.id)
    if spec.type == "choice":
        if isinstance(value, str) and value in spec.option_ids:
            return value
        if isinstance(value, str):
            raise AnswerError(f"{spec.id}: unknown option {_show(value)}; expected {accepts(spec)}", spec.id)
        raise _bad(spec, _show(value))
    if spec.type == "string":
        if isinstance(value, str):
            return value
        raise _bad(spec, _show(value))
    if spec.type == "boolean":
        if value is True or value is False:
            return value
        word = boolean_word(value) if isinstance(value, str) else None
        if word is None:
            raise _bad(spec, _show(value))
        return word
    if spec.type == "date":
        if isinstance(value, str):
            return _date(spec, value)
        if isinstance(value, date) and not isinstance(value, datetime):  # from Python: a day, never a time
            return _date(spec, value.isoformat())
        raise _bad(spec, _show(value))
    if isinstance(value, bool):
        raise _bad(spec, _show(value))
    if isinstance(value, str):
        return _number(spec, value)
    if isinstance(value, float):  # from a JSON reader that was not asked for Decimal
        value = Decimal(repr(value))
    if isinstance(value, (int, Decimal)):
        if not numbers.in_range(value):
            raise _bad(spec, f"{_show(value)}, out of range ({numbers.LIMITS})")
        n = exact(value)
        if spec.type == "integer" and not isinstance(n, int):
            raise _bad(spec, _show(value))
        return _in_bounds(spec, n)
    raise _bad(spec, _show(value))


def _unknown(inputs: Mapping[str, InputSpec], key: Any) -> AnswerError:
    return AnswerError(f"unknown input {_show(key)}; inputs: {', '.join(inputs)}")


def parse_answers(inputs: Mapping[str, InputSpec], raw: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping of answers (``--answers``, a batch line, an example) to parsed answers."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = inputs.get(key) if isinstance(key, str) else None
        if spec is None:
            raise _unknown(inputs, key)
        out[key] = parse_value(spec, value)
    return out


def parse_pairs(inputs: Mapping[str, InputSpec], pairs: list[str]) -> dict[str, Any]:
    """``-a ID=VALUE`` options to parsed answers."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep:
            raise AnswerError(f"answer {_show(pair)} is not ID=VALUE")
        key = key.strip()
        spec = inputs.get(key)
        if spec is None:
            raise _unknown(inputs, key)
        if key in out:  # the last one would silently win, as a repeated key in a table would
            raise AnswerError(
                f"{key}: answered twice ({_show(text)} after an earlier answer); give each input once", key
            )
        out[key] = parse_text(spec, text)
    return out


def to_json(value: Any) -> Any:
    """An answer as JSON: exact decimals stay numbers when a float writes them back exactly; a date
    is its ``YYYY-MM-DD`` text (the one conversion of a date answer on the way out)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format_number(value)
    return value


def loads(text: str | bytes) -> Any:
    """A JSON document of answers (``--answers``, a ``batch`` line), parsed as the answers grammar
    wants it: numbers exact (``Decimal``/``int``) and within ``numbers.LIMITS``, duplicate keys an
    error (as in tables: a JSON reader would silently keep the last one), no ``NaN``/``Infinity``.

    Raises ``AnswerError`` with a one-line reason; never ``decimal`` or recursion errors.
    """
    try:
        return json.loads(
            text,
            parse_float=_json_number,
            parse_int=_json_integer,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except AnswerError:
        raise
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise NotJSON("not valid JSON") from None


def _json_number(text: str) -> Decimal:
    d = numbers.decimal(text)
    if d is None:
        raise _out_of_range(text)
    return d


def _json_integer(text: str) -> int:
    n = numbers.integer(text)
    if n is None:
        raise _out_of_range(text)
    return n


def _out_of_range(text: str) -> AnswerError:
    return AnswerError(numbers.out_of_range(text))


def _json_constant(text: str) -> Any:
    raise NotJSON(f"{text} is not a number (not valid JSON)")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise AnswerError(f"duplicate key {_show(key)}")
        out[key] = value
    return out


def read_file(path: str, max_bytes: int) -> dict[str, Any]:
    """A JSON or YAML answers file (``--answers FILE``) as a raw mapping, for ``parse_answers``.

    Reads at most ``max_bytes`` (a larger file is an error, not a slow load); anything ``open``
    reads will do (a FIFO, ``/dev/fd/N`` from a shell's process substitution). See ``document``.
    """
    try:
        with open(path, "rb") as fh:
            return read_stream(fh, path, max_bytes)
    except OSError as exc:
        raise AnswerError(f"{path}: cannot read answers: {exc.strerror or exc}") from None


def read_stream(stream: BinaryIO, name: str, max_bytes: int) -> dict[str, Any]:
    """``read_file`` for an open binary stream (standard input) that errors call ``name``."""
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise AnswerError(f"{name}: cannot read answers: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise AnswerError(f"{name}: answers file is larger than {max_bytes} bytes")
    return document(data, name, max_bytes)


def document(data: bytes, name: str, max_bytes: int) -> dict[str, Any]:
    """An answers document: JSON (``loads``), else YAML read as tables are (depth-limited; exact
    numbers, duplicate keys and hidden line breaks refused). It must be a mapping. Every error is
    an ``AnswerError`` of one line starting with ``name`` (and ``:line:column`` for YAML)."""
    try:
        value = loads(data)
    except NotJSON:
        from crossroads.engine.table.loader import load_bytes  # the YAML parser: only YAML answers pay for it

        try:
            value = load_bytes(data, name, max_bytes).data
        except TableError as exc:
            f = exc.findings[0]
            if f.code == "empty":  # the loader words it for a table
                raise AnswerError(f"{name}: answers file is empty: expected a mapping of input id to answer") from None
            if f.code == "not-a-mapping":
                raise AnswerError(f"{name}: answers must be a mapping of input id to answer") from None
            raise AnswerError(f"{name}:{f.line}:{f.column}: {f.message}") from None
    except AnswerError as exc:
        raise AnswerError(f"{name}: {exc}") from None
    if not isinstance(value, dict):
        raise AnswerError(f"{name}: answers must be a mapping of input id to answer")
    return value
