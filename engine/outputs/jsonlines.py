"""Evaluate a JSON Lines stream of answer sets: one output line per answer set, in order.

``crossroads batch`` without a CSV/Parquet file is this loop: each non-blank
input line is a JSON object of input id to answer (the rules of
``answers.loads``/``parse_answers``); its output line is the ``Result`` JSON
(``Result.to_json``, written by ``evaluate.dumps``) or ``{"line": N, "error":
"..."}``. A bad line never stops the lines after it. Memory stays bounded: a
line longer than ``MAX_LINE`` bytes is an error line, read past in pieces.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from bisect import bisect_left
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, BinaryIO

from crossroads.engine.decision.evaluate import RESULT_FIELDS, Result, dumps, evaluate_or_error
from crossroads.engine.table import answers
from crossroads.engine.table.compiler import ChoiceColumn, CompiledTable, NumberColumn, TextColumn

_orjson_loads: Callable[[bytes], Any] | None
try:  # the `fast` extra: a faster JSON reader for the fast path; the standard library's otherwise
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - depends on the install
    _orjson_loads = None

MAX_LINE = 1024 * 1024  # a batch line longer than this is an error, not a memory spike


@dataclass(frozen=True, slots=True)
class ResultLine:
    """An input line that evaluated: its line number (from 1, blank lines counted) and result."""

    number: int
    result: Result

    @property
    def text(self) -> str:
        """The output line, without its newline."""
        return dumps(self.result.to_json())


@dataclass(frozen=True, slots=True)
class ErrorLine:
    """An input line that did not evaluate: its line number and the one-line reason."""

    number: int
    error: str

    @property
    def text(self) -> str:
        """The output line, without its newline: ``{"line": N, "error": "..."}``."""
        return dumps({"line": self.number, "error": self.error})


@dataclass(frozen=True, slots=True)
class InputLine:
    """A non-blank input line; ``text`` None when it was longer than ``MAX_LINE`` bytes."""

    number: int
    text: str | None


def input_lines(stream: BinaryIO, max_line: int = MAX_LINE) -> Iterator[InputLine]:
    """The non-blank lines of a binary stream, numbered from 1 (blank lines count in the numbering).

    A blank line (only spaces/tabs: a file's trailing newline, a separator) is no answer set.
    Bytes that are not UTF-8 are replaced, so such a line fails as JSON instead of the stream.
    """
    for number, body in raw_lines(stream, max_line):
        yield InputLine(number, None if body is None else body.decode("utf-8", "replace"))


def raw_lines(stream: BinaryIO, max_line: int = MAX_LINE) -> Iterator[tuple[int, bytes | None]]:
    """``input_lines`` before decoding: (number, the line's bytes without its line break), None for a
    line longer than ``max_line`` bytes (read past in pieces: memory stays bounded); blank lines skipped."""
    number = 0
    readline = stream.readline
    limit = max_line + 1
    while True:
        chunk = readline(limit)
        if not chunk:
            return
        number += 1
        if len(chunk) > max_line and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # drain the rest of the long line
                chunk = readline(max_line)
            yield number, None
            continue
        body = chunk.rstrip(b"\r\n")
        if body.strip(b" \t"):
            yield number, body


def evaluate_line(table: CompiledTable, line: InputLine, max_line: int = MAX_LINE) -> ResultLine | ErrorLine:
    """One input line's output: its answers parsed (``answers.loads``, then ``parse_answers``) and evaluated."""
    if line.text is None:
        return ErrorLine(line.number, f"line longer than {max_line} bytes")
    try:
        raw = answers.loads(line.text)
    except ValueError as exc:  # AnswerError (NotJSON, a duplicate key, a number out of range) is one
        return ErrorLine(line.number, str(exc))
    if not isinstance(raw, dict):
        return ErrorLine(line.number, "expected a JSON object of input id to answer")
    try:
        outcome = evaluate_or_error(table, raw)
    except ValueError as exc:  # as every line's error: one bad line never stops the rest
        return ErrorLine(line.number, str(exc))
    if isinstance(outcome, Result):
        return ResultLine(line.number, outcome)
    return ErrorLine(line.number, str(outcome))


def evaluate_lines(
    table: CompiledTable, stream: BinaryIO, max_line: int = MAX_LINE
) -> Iterator[ResultLine | ErrorLine]:
    """One ``ResultLine`` or ``ErrorLine`` per non-blank line of ``stream``, lazily, in order;
    the caller counts the ``ErrorLine`` items for its exit status."""
    for line in input_lines(stream, max_line):
        yield evaluate_line(table, line, max_line)


def result_text(result: Result, fields: tuple[str, ...] | None = None) -> str:
    """A result's output line (without its newline): ``dumps(result.to_json())``, or only ``fields``
    of it (``batch --fields``; a subset of ``RESULT_FIELDS``, kept in the result's own order)."""
    doc = result.to_json()
    if fields is not None:
        doc = {k: doc[k] for k in RESULT_FIELDS if k in fields}
    return dumps(doc)


def parse_fields(text: str) -> tuple[str, ...]:
    """``--fields outcome,rule``: the named result fields (``RESULT_FIELDS``); ValueError names an unknown one."""
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if not names:
        raise ValueError(f"no field named; fields: {', '.join(RESULT_FIELDS)}")
    for name in names:
        if name not in RESULT_FIELDS:
            raise ValueError(f"unknown field {name!r}; fields: {', '.join(RESULT_FIELDS)}")
    return names


# -- the fast path ---------------------------------------------------------------------------------
#
# Complete answers in their plain JSON forms (an option id, true/false, a whole number a float holds
# exactly, a string) decide by their row mask alone: everything in the result but the answers
# themselves (``answers`` and each condition's ``answer``) is a function of the mask. So the first
# line of a mask (and key order) takes the exact path above, and its output line, with the answers
# cut out, becomes a template: later lines of that mask only look up their masks and fill in their
# answers, each written as ``json.dumps`` writes it. Anything else (a float, an exponent, a
# decimal string, ``"yes"``, a missing or unknown input, a duplicate key, a date, bad JSON) takes
# the exact path, line by line: the template is cut from that path's own output (``result_text``),
# and checked against it when made, so there is one definition of the result line.

EXACT_INT = 2**53
"""Whole numbers beyond ±2^53 take the exact path (a float cannot hold all of them: never trust a reader there)."""

MAX_TEMPLATES = 4096
"""Templates kept at most (then forgotten and made again): memory stays bounded whatever the input."""

_CHOICE, _BOOLEAN, _NUMBER, _TEXT = range(4)
_SLOT = "\x00crossroads-slot-{}\x00"  # stands for an answer while a template is cut: json writes it as \u0000...


@dataclass(frozen=True, slots=True)
class _Template:
    """An output line (UTF-8, newline included) with holes: ``data % args`` where ``args`` are the
    line's answers as JSON (UTF-8), picked by ``order``."""

    data: bytes
    order: tuple[int, ...]  # per hole, the index of the answer (in the line's key order) written there
    pick: Callable[[Any], Any]  # itemgetter(*order): the answers in hole order, a tuple


class FastLines:
    """``evaluate_lines`` for a whole stream, as output lines: each line's ``result_text`` or error line.

    Byte-identical to ``evaluate_line`` + ``result_text`` for every line (``tests/test_jsonlines_fast.py``
    proves it over the bundled table's every case, error lines and random tables); complete answers
    in plain forms skip parsing into ``Decimal`` and building a ``Result`` (see above). ``loads``:
    the JSON reader of the fast path (orjson when installed, else the standard library's); it may
    read numbers as floats, since a line holding a float never takes the fast path. Lines are made
    as UTF-8 (``byte_lines``: what a UTF-8 output writes, without encoding each line again);
    ``lines`` gives them as text.
    """

    def __init__(
        self,
        table: CompiledTable,
        fields: tuple[str, ...] | None = None,
        max_line: int = MAX_LINE,
        loads: Callable[[bytes], Any] | None = None,
    ) -> None:
        self.table = table
        self.fields = fields
        self.max_line = max_line
        self.loads = loads or _orjson_loads or _stdlib_loads
        self.template_count = 0  # templates made and kept, over every plan (``MAX_TEMPLATES`` at most)
        self.specs = _fast_specs(table)
        self.plans: dict[tuple[str, ...], _Plan] = {}  # per key order of every input
        self.failed = 0  # error lines written so far

    def byte_lines(self, stream: BinaryIO, errors: str = "strict") -> Iterator[bytes]:
        """Each non-blank input line's output line in UTF-8, newline included, lazily; ``failed``
        counts the error lines so far (the caller's exit status). ``errors``: how an exact-path line
        that is no valid Unicode (a lone surrogate a JSON escape made) is encoded, as a text
        stream's ``errors`` would."""
        loads, key_of, exact = self.loads, self._key, self.exact_text
        for number, body in raw_lines(stream, self.max_line):
            if body is not None:
                try:
                    raw = loads(body)
                except ValueError:  # orjson's JSONDecodeError and json's are ValueErrors
                    raw = None
                key = key_of(raw, body)
                if key is not None:
                    template = key[0].templates.get(key[1])
                    if template is not None:
                        yield template.data % template.pick(key[2])
                        continue
            yield exact(number, body).encode("utf-8", errors)

    def lines(self, stream: BinaryIO) -> Iterator[str]:
        """``byte_lines`` as text (every line, lone surrogates included, as ``evaluate_lines`` gives it)."""
        for data in self.byte_lines(stream, "surrogatepass"):
            yield data.decode("utf-8", "surrogatepass")

    def fast_text(self, body: bytes) -> str | None:
        """The output line of ``body`` (newline included) from a template, or None: it takes the exact path."""
        try:
            raw = self.loads(body)
        except ValueError:
            return None
        key = self._key(raw, body)
        if key is None:
            return None
        template = key[0].templates.get(key[1])
        return None if template is None else (template.data % template.pick(key[2])).decode()

    def exact_text(self, number: int, body: bytes | None) -> str:
        """A line the exact way (``evaluate_line``), newline included; a result of complete answers
        leaves a template behind."""
        line = evaluate_line(self.table, InputLine(number, None if body is None else body.decode("utf-8", "replace")))
        if isinstance(line, ErrorLine):
            self.failed += 1
            return line.text + "\n"
        text = result_text(line.result, self.fields) + "\n"
        if body is not None and not line.result.missing:
            self._learn(body, line.result, text)
        return text

    def _key(self, raw: Any, body: bytes) -> tuple[_Plan, int, list[bytes]] | None:
        """(the plan of their key order, row mask, each answer as JSON in UTF-8) of plain complete
        answers, else None."""
        if type(raw) is not dict:
            return None
        keys = tuple(raw)
        plan = self.plans.get(keys)
        if plan is None:  # a key order not seen yet (or not every input: looked at again, on the exact path anyway)
            plan = self._plan(keys)
            if plan is None:
                return None
        values = tuple(raw.values())
        fixed = plan.pick(values)
        for position in plan.booleans:  # true == 1 == 1.0: a boolean's type is checked, never its equality
            if fixed[position].__class__ is not bool:
                return None
        try:
            hit = plan.combos.get(fixed)
        except TypeError:  # a list or an object as an answer
            return None
        if hit is None:  # a combination not seen yet: each value checked (type included) and looked up
            if tuple(map(type, values)) != plan.types:
                return None
            hit = plan.combine(fixed)
            if hit is None:
                return None
        # A hit is a combination of option ids (only a str equals a str) and booleans (checked above).
        mask, texts = hit
        args = texts.copy()
        for position, column, lo, hi, points, full in plan.numbers:
            value = values[position]  # a whole number a float holds exactly, within the input's bounds
            if value.__class__ is not int or not lo <= value <= hi:
                return None
            if full is None:
                mask &= column.lookup(value)
            else:  # NumberColumn.lookup inlined: one bisect, then the segment's mask
                i = bisect_left(points, value)
                mask &= full[2 * i + 1 if i < len(points) and points[i] == value else 2 * i]
            args[position] = b"%d" % value  # int.__repr__, as json writes it
        for position, text_column in plan.texts:  # a string input: any text
            value = values[position]
            if value.__class__ is not str:
                return None
            mask &= text_column.lookup(value)
            try:
                args[position] = encode_basestring(value).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the exact path writes it, or fails, as before
                return None
        # A duplicate key (which the reader keeps the last of) or an escaped quote shows as more quote
        # marks than these keys and strings have: the exact path then says what is wrong.
        if body.count(b'"') != plan.quotes:
            return None
        return plan, mask, args

    def _plan(self, keys: tuple[str, ...]) -> _Plan | None:
        plan = _Plan.of(self.specs, keys, self.table.all_rows)
        if plan is not None:
            if len(self.plans) >= MAX_TEMPLATES:
                self._forget()
            self.plans[keys] = plan
        return plan

    def _forget(self) -> None:
        """Drop every plan and template: memory stays bounded whatever the input."""
        self.plans.clear()
        self.template_count = 0

    def _learn(self, body: bytes, result: Result, text: str) -> None:
        try:
            raw = self.loads(body)
        except ValueError:
            return
        key = self._key(raw, body)
        if key is None:
            return
        plan, mask, args = key
        template = _cut(result, self.fields, tuple(raw))
        if template is None or template.data % template.pick(args) != text.encode():
            return  # never trust a template that does not give back the line it was cut from
        if self.template_count >= MAX_TEMPLATES:
            self._forget()
            plan.templates.clear()
            self.plans[tuple(raw)] = plan  # kept: it reads these keys, now with no template
        plan.templates[mask] = template
        self.template_count += 1


class _Plan:
    """How ``FastLines._key`` reads the answers of one key order: the type each must have, the
    answers of choice and boolean inputs looked up together (``combos``: their values → the mask
    and JSON texts, made on first sight), the others one by one (``numbers``, ``texts``)."""

    __slots__ = (
        "types",
        "quotes",
        "pick",
        "numbers",
        "texts",
        "booleans",
        "combos",
        "templates",
        "_fixed",
        "_all_rows",
        "_width",
    )

    def __init__(self, specs: dict[str, tuple[int, Any]], keys: tuple[str, ...], all_rows: int) -> None:
        kinds = [specs[k] for k in keys]
        self.types = tuple({_CHOICE: str, _BOOLEAN: bool, _NUMBER: int, _TEXT: str}[kind] for kind, _ in kinds)
        self.quotes = 2 * len(keys) + 2 * sum(kind in (_CHOICE, _TEXT) for kind, _ in kinds)
        self._fixed = tuple((p, index) for p, (kind, index) in enumerate(kinds) if kind in (_CHOICE, _BOOLEAN))
        positions = [p for p, _ in self._fixed]
        self.pick: Callable[[tuple[Any, ...]], Any] = (
            itemgetter(*positions) if len(positions) > 1 else _picker(positions)
        )
        self.numbers = tuple((p, *index) for p, (kind, index) in enumerate(kinds) if kind == _NUMBER)
        self.texts = tuple((p, index) for p, (kind, index) in enumerate(kinds) if kind == _TEXT)
        # the boolean answers' places in ``pick``'s tuple (the choice and boolean answers, in key order)
        self.booleans = tuple(n for n, (p, _) in enumerate(self._fixed) if kinds[p][0] == _BOOLEAN)
        self.combos: dict[Any, tuple[int, list[bytes]]] = {}
        self.templates: dict[int, _Template] = {}  # by row mask: the output line of these keys' answers
        self._all_rows = all_rows
        self._width = len(keys)

    @classmethod
    def of(cls, specs: dict[str, tuple[int, Any]], keys: tuple[str, ...], all_rows: int) -> _Plan | None:
        """The plan of ``keys``; None unless they are every input (each once) the fast path reads."""
        if not specs or len(keys) != len(specs) or any(k not in specs for k in keys):
            return None
        return cls(specs, keys, all_rows)

    def combine(self, fixed: Any) -> tuple[int, list[bytes]] | None:
        """The mask and texts of these choice/boolean values (None: an option no input has)."""
        mask = self._all_rows
        texts = [b""] * self._width
        for (position, index), value in zip(self._fixed, fixed):
            hit = index.get(value)
            if hit is None:
                return None
            mask &= hit[0]
            texts[position] = hit[1]
        if len(self.combos) >= MAX_TEMPLATES:
            self.combos.clear()
        self.combos[fixed] = (mask, texts)
        return mask, texts


def _picker(positions: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """``itemgetter`` for fewer than two positions, as a tuple still."""

    def pick(values: Any) -> tuple[Any, ...]:
        return tuple(values[i] for i in positions)

    return pick


def _stdlib_loads(body: bytes) -> Any:
    """The standard library's reader, plain (floats, no hooks): the text must be UTF-8 (as ``input_lines``
    reads it; ``json.loads`` of bytes would guess UTF-16/32)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    return json.loads(text)


def _fast_specs(table: CompiledTable) -> dict[str, tuple[int, Any]]:
    """Per input id, how the fast path reads its answer: (kind, index); an input it does not read
    (a date) is left out, so that lines answering it take the exact path."""
    specs: dict[str, tuple[int, Any]] = {}
    for spec, column in zip(table.inputs, table.columns):
        if spec.type == "choice" and isinstance(column, ChoiceColumn):
            specs[spec.id] = (
                _CHOICE,
                {o: (column.lookup(o), encode_basestring(o).encode("utf-8", "surrogatepass")) for o in spec.option_ids},
            )
        elif spec.type == "boolean" and isinstance(column, ChoiceColumn):
            specs[spec.id] = (_BOOLEAN, {True: (column.lookup(True), b"true"), False: (column.lookup(False), b"false")})
        elif spec.type in ("integer", "number") and type(column) is NumberColumn:
            lo = -EXACT_INT if spec.minimum is None else max(-EXACT_INT, spec.minimum)
            hi = EXACT_INT if spec.maximum is None else min(EXACT_INT, spec.maximum)
            specs[spec.id] = (_NUMBER, (column, lo, hi, column.points, column.full_masks))
        elif spec.type == "string" and isinstance(column, TextColumn):
            specs[spec.id] = (_TEXT, column)
    if len(specs) != len(table.inputs):
        return {}  # some input always takes the exact path, so every complete line does: no fast path
    return specs


def _cut(result: Result, fields: tuple[str, ...] | None, keys: tuple[str, ...]) -> _Template | None:
    """The template of ``result``'s output line: its answers replaced by holes (None: it cannot be cut)."""
    doc = result.to_json()
    if fields is not None:
        doc = {k: doc[k] for k in RESULT_FIELDS if k in fields}
    if list(result.answers) != list(keys):
        return None
    holes: list[tuple[str, int]] = []  # (slot text, answer index), in the order they appear in the line

    def hole(index: int) -> str:
        slot = _SLOT.format(len(holes))
        holes.append((slot, index))
        return slot

    position = {k: i for i, k in enumerate(keys)}
    if "conditions" in doc:
        doc["conditions"] = [{**c, "answer": hole(position[c["input"]])} for c in doc["conditions"]]
    if "answers" in doc:
        doc["answers"] = {k: hole(position[k]) for k in doc["answers"]}
    pieces = [dumps(doc) + "\n"]
    for slot, _ in holes:
        written = dumps(slot)
        head, sep, tail = pieces[-1].partition(written)
        if not sep or written in tail:
            return None
        pieces[-1:] = [head, tail]
    try:
        data = "%s".join(p.replace("%", "%%") for p in pieces).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in the table's text: every such line the exact way
        return None
    order = tuple(i for _, i in holes)
    return _Template(data, order, itemgetter(*order) if len(order) > 1 else _picker(list(order)))
