"""Parse answers for a table's inputs, from the command line or from data.

Two entry points share one set of rules per input type:

* ``parse_text`` for ``-a ID=VALUE`` (everything is a string there);
* ``parse_value`` for a JSON/YAML mapping (``--answers``, a ``batch`` line, an
  example): an option id, ``true``/``false``, a number or a decimal string.

An input left out is unanswered; an explicit null is an error (leave the key
out instead). Numbers stay exact (``int`` or ``Decimal``). Every error names
the input and what it accepts, in one line.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from .compiler import InputSpec
from .conditions import exact, format_number
from .errors import AnswerError

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_INTEGER = re.compile(r"\s*[-+]?[0-9]+\s*")
_DECIMAL = re.compile(r"\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*")


def accepts(spec: InputSpec) -> str:
    """What an input accepts, for error messages and prompts."""
    if spec.type == "choice":
        return "one of: " + ", ".join(spec.option_ids)
    if spec.type == "boolean":
        return "true or false (yes/no)"
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
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, (int, Decimal)):
        return format_number(exact(value)) if not (isinstance(value, Decimal) and not value.is_finite()) else str(value)
    return f"a {type(value).__name__}"


def _in_bounds(spec: InputSpec, n: Any) -> Any:
    if (spec.minimum is not None and n < spec.minimum) or (spec.maximum is not None and n > spec.maximum):
        raise AnswerError(f"{spec.id}: {_show(n)} is out of range: expected {accepts(spec)}", spec.id)
    return n


def _number(spec: InputSpec, text: str) -> Any:
    pattern = _INTEGER if spec.type == "integer" else _DECIMAL
    if not pattern.fullmatch(text):
        raise _bad(spec, _show(text))
    try:
        return _in_bounds(spec, exact(Decimal(text.strip())))
    except InvalidOperation:
        raise _bad(spec, _show(text)) from None


def parse_text(spec: InputSpec, text: str) -> Any:
    """An answer typed on the command line."""
    if spec.type == "choice":
        if text in spec.option_ids:
            return text
        for option in spec.options:  # forgiving: the label, or the id in another case
            if text.casefold() in (option.label.casefold(), option.id.casefold()):
                return option.id
        raise AnswerError(f"{spec.id}: unknown option {_show(text)}; expected {accepts(spec)}", spec.id)
    if spec.type == "boolean":
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise _bad(spec, _show(text))
    return _number(spec, text)


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
    if spec.type == "boolean":
        if value is True or value is False:
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise _bad(spec, _show(value))
    if isinstance(value, bool):
        raise _bad(spec, _show(value))
    if isinstance(value, str):
        return _number(spec, value)
    if isinstance(value, float):  # from a JSON reader that was not asked for Decimal
        value = Decimal(repr(value))
    if isinstance(value, (int, Decimal)):
        if isinstance(value, Decimal) and not value.is_finite():
            raise _bad(spec, _show(value))
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
        out[key] = parse_text(spec, text)
    return out


def to_json(value: Any) -> Any:
    """An answer as JSON: exact decimals stay numbers when a float writes them back exactly."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format_number(value)
    return value
