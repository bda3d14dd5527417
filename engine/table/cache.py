"""A cache of compiled tables, so that a cold ``crossroads evaluate`` starts fast.

An entry's name (the *key*) is a hash of the table's bytes, the crossroads
version, the cache format and the compiler's identity (a hash of the source of
the modules that turn bytes into a compiled table, read once per process), so
that two builds of one version never read each other's entries. A key can be
computed by anyone, so it proves nothing: a cache directory is often shared or
restored from elsewhere (a CI cache), and anyone who can write there could
plant an entry. So every entry is

* **authenticated**: its first line is an HMAC-SHA256 of the key and the body
  under a per-user secret kept *outside* the cache directory
  (``$XDG_STATE_HOME/crossroads/cache-key``, default
  ``~/.local/state/crossroads``; 32 random bytes, mode 0600, created on first
  use; one that is not a regular 0600 file of this user disables the cache);
  an entry from anyone else fails the check;
* **read safely**: only a regular file (opened without following a symlink,
  without blocking on a FIFO), at most ``max_entry_bytes`` long;
* **validated in full** after that (types, ranges, lengths, every index in
  bounds), so that even a bug of our own cannot crash or mislead ``evaluate``.

Any failure is a miss: the caller compiles and rewrites the entry. The body is
JSON (never pickle: unpickling executes code) and holds nothing that grows
faster than the table: per row its texts and, per input, the one span of
segments (numbers) or the options (choices) it accepts; the indexes are rebuilt
on load. A table with outputs adds its outputs and its distinct results, each
value re-read by ``values.check`` (an entry holding a value the compiler would
not write, such as ``4.90``, is invalid); priority classes and agreement are
derived again, never read. Writes are atomic; any failure to write is silent (a cache is an
optimisation, never a reason to fail).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from crossroads.engine.table import dates
from crossroads.engine.table.compiler import (
    EMPTY_SPAN,
    NUMERIC_TYPES,
    ChoiceColumn,
    Column,
    CompiledTable,
    DateColumn,
    InputSpec,
    NumberColumn,
    OptionSpec,
    OutcomeSpec,
    OutputSpec,
    ResultSpec,
    RuleSpec,
    RowSpan,
    Runs,
    TextColumn,
    agreeing_rows,
    priority_classes,
    text_column,
)
from crossroads.engine.table import values as vals
from crossroads.engine.table.policies import POLICIES

CACHE_FORMAT = 4  # 2: translations; 3: spans and accepted options per row, authenticated; 4: outputs and results
KEY_BYTES = 32
_IDENTITY_MODULES = (
    "cache.py",
    "compiler.py",
    "conditions.py",
    "dates.py",
    "loader.py",
    "model.py",
    "validate.py",
    "translations.py",
    "values.py",
    "policies.py",
    "pipeline.py",
)
_POLICIES = frozenset(POLICIES)
_TYPES = ("choice", "boolean", "integer", "number", "string", "date")
_SLUG = re.compile(r"[a-z][a-z0-9_-]{0,63}")  # the schema's ids (tables, inputs, outcomes, rules)
_OPTION = re.compile(r"[^\x00-\x1f\x7f-\x9f]{1,200}")  # the schema's option ids


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crossroads"


def state_dir() -> Path:
    """Where the cache's secret lives: not in the cache directory, which may come from elsewhere."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "crossroads"


@cache
def compiler_identity() -> str:
    """A hash of the source of the modules that make a compiled table (once per process).

    A development tree and an installed copy of one version differ here as
    soon as their compilers do; a missing file (a zipped install) counts as
    its name only.
    """
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in _IDENTITY_MODULES:
        h.update(name.encode() + b"\0")
        try:
            h.update(hashlib.sha256((here / name).read_bytes()).digest())
        except OSError:
            pass
    return h.hexdigest()


def cache_key(data: bytes, version: str) -> str:
    h = hashlib.sha256()
    h.update(f"crossroads {version} cache {CACHE_FORMAT} compiler {compiler_identity()}\0".encode())
    h.update(data)
    return h.hexdigest()


def max_entry_bytes(table_bytes: int) -> int:
    """The largest entry read for a table of ``table_bytes`` (entries grow linearly with the table)."""
    return 16 * table_bytes + (1 << 20)


# -- the secret -----------------------------------------------------------------------


def _read_secret(path: Path) -> bytes | None:
    """The secret if it is a regular file of the user's own, readable by nobody else, of the right size."""
    data = _read_regular(path, KEY_BYTES, private=True)
    return data if data is not None and len(data) == KEY_BYTES else None


def secret(create: bool = False) -> bytes | None:
    """This user's cache secret; None when there is none (or it is not safe to trust)."""
    path = state_dir() / "cache-key"
    found = _read_secret(path)
    if found is not None or not create:
        return found
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return _read_secret(path)  # another process made it first (or we cannot): use theirs, if sound
    try:
        os.write(fd, os.urandom(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    return _read_secret(path)


def _mac(key_secret: bytes, key: str, body: bytes) -> bytes:
    return hmac.new(key_secret, key.encode("ascii") + b"\0" + body, hashlib.sha256).hexdigest().encode("ascii")


# -- JSON ------------------------------------------------------------------------------


def _num(n: Any) -> Any:
    return None if n is None else (n if isinstance(n, int) else {"d": str(n)})


def _mask(m: int) -> str:
    return format(m, "x")


def _accepts(spec: InputSpec, column: ChoiceColumn, rows: int) -> list[Any]:
    """Per row of a choice/boolean column: None (every answer) or [0, accepted] / [1, refused] value indexes."""
    values: tuple[Any, ...] = spec.option_ids if spec.type == "choice" else (True, False)
    accepted: list[list[int]] = [[] for _ in range(rows)]
    for v, value in enumerate(values):  # each value's rows read off its mask's binary digits, lowest row first
        digits = format(column.table[value], "b")[::-1]
        row = digits.find("1")
        while row >= 0:
            accepted[row].append(v)
            row = digits.find("1", row + 1)
    everything = list(range(len(values)))
    out: list[Any] = []
    for row_values in accepted:
        if len(row_values) == len(values):
            out.append(None)
        elif 2 * len(row_values) <= len(values):
            out.append([0, row_values])
        else:
            out.append([1, [v for v in everything if v not in row_values]])
    return out


def to_json(t: CompiledTable) -> dict[str, Any]:
    rows = len(t.rules)
    return {
        "format": CACHE_FORMAT,
        "id": t.id,
        "version": t.version,
        "title": t.title,
        "summary": t.summary,
        "hit_policy": t.hit_policy,
        "default": t.default,
        "inputs": [
            [
                i.id,
                i.type,
                i.prompt,
                i.help,
                [[o.id, o.label, o.help] for o in i.options],
                _num(i.minimum),
                _num(i.maximum),
            ]
            for i in t.inputs
        ],
        "outcomes": [[o.id, o.title, o.summary, list(o.choose_when), list(o.tradeoffs)] for o in t.outcomes],
        "rules": [[r.id, r.then, r.because, [list(c) for c in r.conditions]] for r in t.rules],
        "columns": [_column_json(i, c, rows) for i, c in zip(t.inputs, t.columns)],
        "translations": t.translations,
        "outputs": [[o.id, o.type, o.title, [[p.id, p.label, p.help] for p in o.options]] for o in t.outputs],
        "results": [
            [r.outcome, [_num(v) if not isinstance(v, (bool, str)) else v for _, v in r.values]] for r in t.results
        ],
        "aggregate": t.aggregate,
    }


def _column_json(spec: InputSpec, c: Column, rows: int) -> dict[str, Any]:
    """A column as an entry holds it: a number's points and per-row spans, a choice's accepted values per row."""
    if isinstance(c, TextColumn):
        return {
            "input": c.input,
            "points": None,
            "rows": _text_rows(c, rows),
            "every": _mask(c.every),
            "some": _mask(c.some),
            "strings": list(c.table),
        }
    if isinstance(c, NumberColumn):
        points: list[Any] | None = [_num(p) for p in c.points]
        per_row = [
            None if s is None else [list(r) for r in s.parts] if isinstance(s, Runs) else list(s) for s in c.spans
        ]
    else:
        points, per_row = None, _accepts(spec, c, rows)
    return {"input": c.input, "points": points, "rows": per_row, "every": _mask(c.every), "some": _mask(c.some)}


def _text_rows(c: TextColumn, rows: int) -> list[Any]:
    """Per row of a string column: None (no condition), or [negated, indexes into the named strings].

    A row accepting the other class is negated (it names the strings it refuses), else it names the
    strings it accepts; ``text_column`` rebuilds the same column from these."""
    strings = list(c.table)
    nbytes = (rows + 7) // 8
    masks = [c.table[s].to_bytes(nbytes, "little") for s in strings]
    other = c.other.to_bytes(nbytes, "little")
    out: list[Any] = []
    for row in range(rows):
        at, bit = row >> 3, 1 << (row & 7)
        accepted = [k for k, m in enumerate(masks) if m[at] & bit]
        if other[at] & bit:
            out.append(
                None
                if len(accepted) == len(strings)
                else [1, [k for k in range(len(strings)) if not masks[k][at] & bit]]
            )
        else:
            out.append([0, accepted])
    return out


class Invalid(ValueError):
    """A cache entry that is not what this compiler writes."""


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise Invalid(what)


def _text(v: Any, optional: bool = False) -> Any:
    _check(isinstance(v, str) or (optional and v is None), "text")
    return v


def _slug(v: Any) -> str:
    _check(isinstance(v, str) and _SLUG.fullmatch(v) is not None, "id")
    slug: str = v  # checked above
    return slug


def _list(v: Any, length: int | None = None) -> list[Any]:
    _check(isinstance(v, list) and (length is None or len(v) == length), "list")
    items: list[Any] = v  # checked above
    return items


def _index(v: Any, bound: int, optional: bool = False) -> Any:
    if optional and v is None:
        return None
    _check(type(v) is int and 0 <= v < bound, "index")
    return v


def _unnum(v: Any) -> Any:
    if v is None or type(v) is int:
        return v
    _check(isinstance(v, dict) and set(v) == {"d"} and isinstance(v["d"], str) and len(v["d"]) <= 200, "number")
    try:
        d = Decimal(v["d"])
    except ArithmeticError:
        raise Invalid("number") from None
    _check(d.is_finite(), "number")
    return d


def _hexmask(v: Any, all_rows: int) -> int:
    _check(isinstance(v, str) and 0 < len(v) <= all_rows.bit_length() // 4 + 1, "mask")
    try:
        m = int(v, 16)
    except ValueError:
        raise Invalid("mask") from None
    _check(m >= 0 and not m & ~all_rows, "mask")
    return m


def _input(i: Any) -> InputSpec:
    i = _list(i, 7)
    _check(i[1] in _TYPES, "input type")
    options = tuple(
        OptionSpec(_text(o[0]), _text(o[1]), _text(o[2], True)) for o in map(lambda o: _list(o, 3), _list(i[4]))
    )
    _check(all(_OPTION.fullmatch(o.id) for o in options), "option id")
    _check(len({o.id for o in options}) == len(options) and (i[1] == "choice" or not options), "options")
    return InputSpec(_slug(i[0]), i[1], _text(i[2]), _text(i[3], True), options, _unnum(i[5]), _unnum(i[6]))


def _output(o: Any) -> OutputSpec:
    o = _list(o, 4)
    _check(o[1] in vals.OUTPUT_TYPES, "output type")
    options = tuple(
        OptionSpec(_text(p[0]), _text(p[1]), _text(p[2], True)) for p in map(lambda p: _list(p, 3), _list(o[3]))
    )
    _check(all(_OPTION.fullmatch(p.id) for p in options), "option id")
    _check(len({p.id for p in options}) == len(options) and (o[1] == "choice" or not options), "options")
    return OutputSpec(_slug(o[0]), o[1], _text(o[2]), options)


def _result(r: Any, outputs: tuple[OutputSpec, ...], outcomes: int) -> ResultSpec:
    """One interned result, each value re-read by the one definition of a value (``values.check``):
    an entry whose value is not canonical for its output is invalid."""
    outcome, raw = _list(r, 2)
    out = []
    for spec, v in zip(outputs, _list(raw, len(outputs)), strict=True):
        v = v if isinstance(v, (bool, str)) else _unnum(v)
        try:
            canonical = vals.check(spec.type, spec.option_ids, v)
        except vals.BadValue:
            raise Invalid("value") from None
        _check(type(canonical) is type(v) and str(canonical) == str(v), "value")  # 4.90 is 4.9 but not canonical
        out.append((spec.id, canonical))
    return ResultSpec(_index(outcome, outcomes, True), tuple(out))


def _column(c: Any, spec: InputSpec, rows: int, all_rows: int) -> Column:
    keys = {"input", "points", "rows", "every", "some"} | ({"strings"} if spec.type == "string" else set())
    _check(isinstance(c, dict) and set(c) == keys and c["input"] == spec.id, "column")
    per_row = _list(c["rows"], rows)
    every, some = _hexmask(c["every"], all_rows), _hexmask(c["some"], all_rows)
    if spec.type in NUMERIC_TYPES:
        points = tuple(_unnum(p) for p in _list(c["points"]))
        _check(None not in points and all(a < b for a, b in zip(points, points[1:])), "points")
        last = 2 * len(points)
        spans: list[RowSpan | None] = []
        for s in per_row:
            if s is None:
                spans.append(None)
                continue
            if (
                isinstance(s, list) and s and isinstance(s[0], list)
            ):  # several runs (``Runs``): in order, never adjacent
                parts = [tuple(_list(r, 2)) for r in s]
                _check(len(parts) >= 2 and all(type(x) is int for r in parts for x in r), "runs")
                _check(all(0 <= a <= b <= last for a, b in parts), "runs")
                _check(all(p[1] + 1 < q[0] for p, q in zip(parts, parts[1:])), "runs")
                spans.append(Runs(tuple((a, b) for a, b in parts)))
                continue
            a, b = _list(s, 2)
            _check(type(a) is int and type(b) is int and ((0 <= a <= b <= last) or (a, b) == EMPTY_SPAN), "span")
            spans.append((a, b))
        if spec.type == "date":  # day numbers: whole, within 0001-01-01 .. 9999-12-31
            bounds = [*points, *(b for b in (spec.minimum, spec.maximum) if b is not None)]
            _check(all(type(p) is int and dates.FIRST_DAY <= p <= dates.LAST_DAY for p in bounds), "days")
            return DateColumn(spec.id, points, tuple(spans), every, some)
        return NumberColumn(spec.id, points, tuple(spans), every, some)
    _check(c["points"] is None, "points")
    if spec.type == "string":
        strings = [_text(s) for s in _list(c["strings"])]
        _check(len(set(strings)) == len(strings), "strings")
        cells = []
        for row, accepts in enumerate(per_row):
            if accepts is not None:
                negated, listed = _list(accepts, 2)
                _check(negated in (0, 1), "accepts")
                cells.append((row, [strings[_index(k, len(strings))] for k in _list(listed)], bool(negated)))
        column = text_column(spec.id, cells, all_rows)
        _check(list(column.table) == strings and (column.every, column.some) == (every, some), "strings")
        return column
    values: tuple[Any, ...] = spec.option_ids if spec.type == "choice" else (True, False)
    buffers = [bytearray((rows + 7) // 8) for _ in values]
    for row, accepts in enumerate(per_row):
        if accepts is None:
            chosen: Any = range(len(values))
        else:
            negated, listed = _list(accepts, 2)
            _check(negated in (0, 1), "accepts")
            listed = {_index(v, len(values)) for v in _list(listed)}
            chosen = [v for v in range(len(values)) if v not in listed] if negated else listed
        for v in chosen:
            buffers[v][row >> 3] |= 1 << (row & 7)
    table = {value: int.from_bytes(buf, "little") for value, buf in zip(values, buffers)}
    return ChoiceColumn(spec.id, table, every, some)


def from_json(d: Any) -> CompiledTable:
    """The compiled table of an entry's body; raise ``Invalid`` on anything this compiler would not write."""
    _check(isinstance(d, dict) and d.get("format") == CACHE_FORMAT, "cache format")
    try:
        inputs = tuple(_input(i) for i in _list(d["inputs"]))
        _check(len({i.id for i in inputs}) == len(inputs), "input ids")
        outcomes = tuple(
            OutcomeSpec(
                _slug(o[0]),
                _text(o[1]),
                _text(o[2], True),
                tuple(map(_text, _list(o[3]))),
                tuple(map(_text, _list(o[4]))),
            )
            for o in map(lambda o: _list(o, 5), _list(d["outcomes"]))
        )
        _check(len({o.id for o in outcomes}) == len(outcomes), "outcome ids")
        outputs = tuple(_output(o) for o in _list(d["outputs"]))
        _check(len({o.id for o in outputs}) == len(outputs), "output ids")
        results = tuple(_result(r, outputs, len(outcomes)) for r in _list(d["results"])) if outputs else ()
        _check(bool(outputs) or d["results"] == [], "results")
        # the compiler's interning: the named outcomes first, in order, then distinct inline values
        _check(all(r.outcome == n for n, r in enumerate(results[: len(outcomes)])), "results")
        inline = [r.values for r in results[len(outcomes) :]]
        _check(all(r.outcome is None for r in results[len(outcomes) :]) and len(set(inline)) == len(inline), "results")
        _check(not outputs or len(results) >= len(outcomes), "results")
        targets = len(results) if outputs else len(outcomes)
        ids = {i.id for i in inputs}
        rules = []
        for r in map(lambda r: _list(r, 4), _list(d["rules"])):
            conditions = tuple((_text(_list(c, 2)[0]), _text(c[1])) for c in _list(r[3]))
            _check(all(c[0] in ids for c in conditions), "condition input")
            rules.append(RuleSpec(_slug(r[0]), _index(r[1], targets), _text(r[2], True), conditions))
        _check(len({r.id for r in rules}) == len(rules), "rule ids")
        n = len(rules)
        all_rows = (1 << n) - 1
        columns = _list(d["columns"], len(inputs))
        _check(d["hit_policy"] in _POLICIES and isinstance(d["translations"], dict), "table")
        aggregate = d["aggregate"]
        _check(aggregate is None or (aggregate in vals.AGGREGATES and len(outputs) == 1), "aggregate")
        outcome_rows = [0] * targets
        for index, rule in enumerate(rules):
            outcome_rows[rule.then] |= 1 << index
        priority_rows: tuple[int, ...] = ()
        agree_rows: tuple[int, ...] = ()
        if results:  # derived, as the compiler derives them: never trusted from the entry
            if POLICIES[d["hit_policy"]].by_priority:
                _check(any(o.options for o in outputs), "priority")
                priority_rows = priority_classes(outputs, results, rules)
            agree_rows = agreeing_rows(results, outcome_rows)
        return CompiledTable(
            _slug(d["id"]),
            _text(d["version"]),
            _text(d["title"]),
            _text(d["summary"], True),
            d["hit_policy"],
            _index(d["default"], targets, True),
            inputs,
            outcomes,
            tuple(rules),
            tuple(_column(c, spec, n, all_rows) for c, spec in zip(columns, inputs)),
            all_rows,
            tuple(outcome_rows),
            d["translations"],
            outputs,
            results,
            priority_rows,
            agree_rows,
            aggregate,
        )
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(f"malformed: {exc.__class__.__name__}") from None


# -- files -----------------------------------------------------------------------------


def _read_regular(path: Path, cap: int, *, private: bool = False) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (no symlink, FIFO or device) of at most ``cap``
    bytes; ``private``: also owned by this user and closed to everyone else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
            return None
        if private and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
            return None
        chunks, left = [], cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= cap else None
    except OSError:
        return None
    finally:
        os.close(fd)


def read(key: str, max_bytes: int = 64 << 20) -> CompiledTable | None:
    """The entry ``key`` if it is ours and sound; None (a miss) otherwise, never an error."""
    key_secret = secret()
    if key_secret is None:
        return None
    data = _read_regular(cache_dir() / f"{key}.json", max_bytes)
    if data is None:
        return None
    mac, _, body = data.partition(b"\n")
    if not hmac.compare_digest(mac, _mac(key_secret, key, body)):
        return None
    try:
        return from_json(json.loads(body))
    except (Invalid, ValueError, RecursionError):  # corrupt, old format: let the caller rewrite it
        return None


def write(key: str, table: CompiledTable) -> None:
    directory = cache_dir()
    try:
        key_secret = secret(create=True)
        if key_secret is None:
            return
        body = json.dumps(to_json(table), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        directory.mkdir(parents=True, exist_ok=True)
        import tempfile  # only a miss writes: the warm start does not import it

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_mac(key_secret, key, body) + b"\n" + body)
            os.replace(tmp, directory / f"{key}.json")
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
