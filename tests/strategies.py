"""Hypothesis strategies for random, valid crossroads/1 tables.

Property tests of anything that reads a table (the row analysis, evaluation,
renderers, exporters) need tables that are *valid* yet awkward: every input
type, every condition form, every hit policy, overlapping rows, gaps, rows
that match nothing, option ids that need quoting. ``tables()`` draws one and
hands back both forms:

* ``GeneratedTable.data`` — the document as plain data, exactly what the
  loader returns for ``text`` (``int``/``Decimal`` numbers, ``str`` ids);
* ``GeneratedTable.text`` — that document as YAML (``to_yaml``).

Numbers come from a small pool (``INTS``, ``DECIMALS``) so that bounds of
different rows coincide and touch: that is where overlaps, gaps and off-by-one
mistakes live. Pool decimals such as ``0.1`` and ``2.5`` also give integer
inputs conditions no integer satisfies (``"(2, 3)"``, ``2.5``), and an
integer minimum of 0 meets conditions like ``"< 0"``: rows that are valid but
unreachable.

Date inputs draw their bounds and conditions from ``DATES``: month ends,
leap days (``2024-02-29``, and the days around it) and the ends of the
domain (``0001-01-01``, ``9999-12-31``), so that neighbouring days, empty
open intervals between consecutive days and bounds at the domain's edge all
come up; dates are written unquoted (the loader keeps them strings) or quoted.

Every generated table validates without errors (``tests/test_strategies.py``
proves it, and that ``text`` loads back to ``data``); warnings such as
``unused-input`` are allowed, because real tables have them too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

INTS = (-1, 0, 1, 2, 3, 5)
DECIMALS = (Decimal("-0.5"), Decimal("0.1"), Decimal("0.5"), Decimal("2.5"))
NUMBERS = INTS + DECIMALS
"""The pool every bound and condition number is drawn from (ints and exact decimals)."""

DATES = (
    "0001-01-01",
    "0001-01-02",
    "2024-02-28",
    "2024-02-29",
    "2024-03-01",
    "2025-01-31",
    "2025-02-01",
    "2025-12-31",
    "9999-12-30",
    "9999-12-31",
)
"""The pool every date bound and condition is drawn from (``YYYY-MM-DD``: ordered as text)."""

INPUT_IDS = ("q1", "q_2", "q-3", "q4")
OUTCOME_IDS = ("approve", "review", "reject")
OPTION_IDS = (
    "red",
    "green",
    "blue",  # plain
    "Low Risk",
    "yes",
    "true",
    "null",
    "1",
    "a: b",
    "#tag",
    "[x]",
    "it's",
    'say "hi"',
    "ünï",  # need quotes
)
STRINGS = (
    "NL",
    "nl",
    "BE",
    "",  # the empty string is a value
    " NL",
    "NL ",  # spaces count
    "a b",
    "other",
    "other-2",  # the witness of "every other string" must skip these
    "12",
    "true",
    "null",
    "it's",
    'say "hi"',
    "back\\slash",
    "ünï",
    "日本",
)
"""The pool a string input's conditions name: case and space variants, quotes, unicode, YAML look-alikes."""
POLICIES = ("unique", "first", "priority", "any", "collect")
INPUT_TYPES = ("choice", "boolean", "integer", "number", "string", "date")
COMPARISONS = ("<", "<=", ">", ">=", "==")


@dataclass(frozen=True)
class GeneratedTable:
    """A random valid table: the plain document and its YAML text."""

    data: dict[str, Any]
    text: str


# -- numbers and conditions ---------------------------------------------------


def number_text(n: int | Decimal) -> str:
    """A pool number as a YAML/condition literal (``2.5``, ``-1``), never exponent form."""
    return str(n) if isinstance(n, int) else format(n, "f")


numbers = st.sampled_from(NUMBERS)


@st.composite
def bounds(draw: st.DrawFn, input_type: str) -> dict[str, Any]:
    """Optional ``minimum``/``maximum`` for a numeric input (integers for ``integer``), min <= max."""
    pool = INTS if input_type == "integer" else NUMBERS
    lo = draw(st.none() | st.sampled_from(pool))
    hi = draw(st.none() | st.sampled_from(pool))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return {k: v for k, v in (("minimum", lo), ("maximum", hi)) if v is not None}


@st.composite
def interval_condition(draw: st.DrawFn) -> str:
    """``"[a, b]"``, ``"[a, b)"``, ``"(a, b]"`` or ``"(a, b)"``; never reversed or empty (those are errors)."""
    a, b = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    left, right = draw(st.sampled_from("[(")), draw(st.sampled_from("])"))
    if a == b:  # "(3, 3)" is a validation error; the point interval must be closed
        left, right = "[", "]"
    return f"{left}{number_text(a)}, {number_text(b)}{right}"


def numeric_conditions() -> st.SearchStrategy[Any]:
    """Every numeric form: a bare number, ``"<= N"``-style comparisons, intervals, and the richer
    forms (``richer``)."""
    comparison = st.builds(lambda op, n: f"{op} {number_text(n)}", st.sampled_from(COMPARISONS), numbers)
    return richer(st.one_of(numbers, comparison, interval_condition()), numbers.map(lambda n: f"!= {number_text(n)}"))


def richer(one: st.SearchStrategy[Any], unequal: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A single condition (``one``, mostly), ``"!= N"`` (``unequal``), a list of 1-4 of them (any of:
    bare values and condition strings mixed, touching, overlapping, nested in the list's order) or
    ``{not: <one or a list>}``. A ``{not: ...}`` that excludes every value is a validation error,
    so it is left out (``_satisfiable``)."""
    single = st.one_of(one, unequal)
    listed = st.lists(single, min_size=1, max_size=4)
    negated = st.one_of(single, listed).map(lambda x: {"not": x}).filter(_satisfiable)
    return st.one_of(one, one, one, unequal, listed, negated)


def _satisfiable(raw: dict[str, Any]) -> bool:
    from crossroads.engine.table import conditions

    inner = raw["not"]
    kind = "date" if any(isinstance(v, str) and re.search(r"\d{4}-\d\d-\d\d", v) for v in _listed(inner)) else "number"
    return not isinstance(conditions.parse(kind, {"not": tuple(inner) if isinstance(inner, list) else inner}), str)


def _listed(x: Any) -> list[Any]:
    return x if isinstance(x, list) else [x]


@st.composite
def date_interval_condition(draw: st.DrawFn) -> str:
    """A date interval, never reversed or empty (``"(2024-02-28, 2024-02-29)"`` holds no day yet is valid)."""
    a, b = sorted(draw(st.lists(st.sampled_from(DATES), min_size=2, max_size=2)))
    left, right = draw(st.sampled_from("[(")), draw(st.sampled_from("])"))
    if a == b:
        left, right = "[", "]"
    return f"{left}{a}, {b}{right}"


def date_conditions() -> st.SearchStrategy[Any]:
    """Every date form: a bare date (that day), ``">= D"``-style comparisons, intervals, and the richer forms."""
    days = st.sampled_from(DATES)
    comparison = st.builds(lambda op, d: f"{op} {d}", st.sampled_from(COMPARISONS), days)
    return richer(st.one_of(days, comparison, date_interval_condition()), days.map(lambda d: f"!= {d}"))


def choice_conditions(options: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """An option id, a list of ids, ``{not: id}`` or ``{not: [ids]}`` (possibly every option: matches nothing)."""
    one = st.sampled_from(options)
    several = st.lists(one, min_size=1, max_size=len(options), unique=True)
    return st.one_of(one, several, one.map(lambda o: {"not": o}), several.map(lambda os: {"not": os}))


def string_conditions() -> st.SearchStrategy[Any]:
    """A string, a list of strings (any of), ``{not: string}`` or ``{not: [strings]}``."""
    one = st.sampled_from(STRINGS)
    several = st.lists(one, min_size=1, max_size=4, unique=True)
    return st.one_of(one, several, one.map(lambda v: {"not": v}), several.map(lambda vs: {"not": vs}))


def conditions(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A ``when`` value for the input ``spec`` (a generated input mapping)."""
    if spec["type"] == "choice":
        return choice_conditions(tuple(o["id"] for o in spec["options"]))
    if spec["type"] == "string":
        return string_conditions()
    if spec["type"] == "boolean":
        return st.booleans()
    if spec["type"] == "date":
        return date_conditions()
    return numeric_conditions()


# -- inputs, rows, tables -------------------------------------------------------


@st.composite
def inputs(draw: st.DrawFn, input_id: str, input_type: str | None = None) -> dict[str, Any]:
    """One input of the given (or a drawn) type, with optional help and bounds."""
    kind = input_type or draw(st.sampled_from(INPUT_TYPES))
    spec: dict[str, Any] = {"id": input_id, "prompt": f"What is {input_id}?", "type": kind}
    if draw(st.booleans()):
        spec["help"] = "Some help."
    if kind == "choice":
        ids = draw(st.lists(st.sampled_from(OPTION_IDS), min_size=1, max_size=4, unique=True))
        spec["options"] = [{"id": o, "label": f"Option {o}"} if draw(st.booleans()) else {"id": o} for o in ids]
    elif kind in ("integer", "number"):
        spec.update(draw(bounds(kind)))
    elif kind == "date":
        lo, hi = draw(st.none() | st.sampled_from(DATES)), draw(st.none() | st.sampled_from(DATES))
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        spec.update({k: v for k, v in (("minimum", lo), ("maximum", hi)) if v is not None})
    return spec


@st.composite
def rules(draw: st.DrawFn, rule_id: str, specs: list[dict[str, Any]], outcomes: list[str]) -> dict[str, Any]:
    """One row: a subset of inputs with conditions (or no ``when`` at all, or ``when: {}``)."""
    rule: dict[str, Any] = {"id": rule_id}
    chosen = draw(st.lists(st.sampled_from(specs), max_size=len(specs), unique_by=lambda s: s["id"]))
    if chosen or draw(st.booleans()):
        order = {s["id"]: n for n, s in enumerate(specs)}
        rule["when"] = {s["id"]: draw(conditions(s)) for s in sorted(chosen, key=lambda s: order[s["id"]])}
    rule["then"] = draw(st.sampled_from(outcomes))
    if draw(st.booleans()):
        rule["because"] = f"Because of {rule_id}."
    return rule


@st.composite
def table_data(
    draw: st.DrawFn,
    *,
    min_inputs: int = 1,
    max_inputs: int = 4,
    min_rules: int = 1,
    max_rules: int = 8,
    hit_policy: str | None = None,
    default: bool | None = None,
) -> dict[str, Any]:
    """A valid table as plain data (min_inputs..max_inputs inputs, at most 4; min_rules..max_rules rows).

    ``hit_policy`` fixes the policy (default: drawn); ``default`` forces a
    ``default`` outcome on (True) or off (False) (None: drawn).
    """
    n_inputs = draw(st.integers(min_inputs, max_inputs))
    specs = [draw(inputs(INPUT_IDS[n])) for n in range(n_inputs)]
    outcomes = list(OUTCOME_IDS[: draw(st.integers(1, len(OUTCOME_IDS)))])
    n_rules = draw(st.integers(min_rules, max_rules))
    data: dict[str, Any] = {
        "format": "crossroads/1",
        "id": "generated",
        "version": "1.0.0",
        "title": "Generated table",
        "hit_policy": hit_policy or draw(st.sampled_from(POLICIES)),
    }
    if default if default is not None else draw(st.booleans()):
        data["default"] = draw(st.sampled_from(outcomes))
    data["inputs"] = specs
    data["outcomes"] = [{"id": o, "title": o.capitalize()} for o in outcomes]
    data["rules"] = [draw(rules(f"r{k + 1}", specs, outcomes)) for k in range(n_rules)]
    return data


def tables(**kwargs: Any) -> st.SearchStrategy[GeneratedTable]:
    """``table_data(**kwargs)`` with its YAML text."""
    return table_data(**kwargs).map(lambda d: GeneratedTable(d, to_yaml(d)))


# -- YAML -----------------------------------------------------------------------

_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # plain in YAML 1.2: the loader reads it back as text
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def scalar(value: Any) -> str:
    """One scalar in YAML 1.2: strings quoted (JSON style) unless they are plain slugs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return number_text(value)
    if isinstance(value, str):
        if (_PLAIN.match(value) and value not in _RESERVED) or (_DATE.match(value) and int(value[-1]) % 2):
            return value  # half the dates unquoted, half quoted
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"not a table scalar: {value!r}")


def flow(value: Any) -> str:
    """A value in YAML flow style (``{a: 1, b: [x, y]}``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def to_yaml(data: dict[str, Any]) -> str:
    """A table's plain data as YAML: top-level keys in block style, list items as flow mappings."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {flow(item)}" for item in value)
        else:
            lines.append(f"{key}: {flow(value)}")
    return "\n".join(lines) + "\n"


# -- tables with outputs (values) --------------------------------------------------

OUTPUT_IDS = ("fee", "carrier", "o-3")
OUTPUT_TYPES = ("number", "integer", "boolean", "choice", "string", "date")
OUTPUT_POLICIES = (
    ("unique", None),
    ("first", None),
    ("priority", None),
    ("any", None),
    ("collect", None),
    ("output-order", None),
    ("collect", "sum"),
    ("collect", "min"),
    ("collect", "max"),
    ("collect", "count"),
)
"""(hit_policy, aggregate) pairs a table with outputs may take."""
OUTPUT_STRINGS = ("", "a", "A", " a", "it's")
OUTPUT_DATES = ("2025-01-01", "2025-03-31", "0001-01-01")
"""The pools of string and date output values (apart from the inputs' ``STRINGS`` and ``DATES``,
which these names shadowed: input conditions then drew from these three dates and five strings)."""
OUTPUT_NUMBERS = NUMBERS + (Decimal("0.10"), Decimal("2.50"))
"""Output numbers: ``0.10`` and ``0.1`` are one value (exact decimals), so rows agree across spellings."""


@st.composite
def output_specs(draw: st.DrawFn, output_id: str, output_type: str) -> dict[str, Any]:
    """One output; a choice output has options (drawn) or none (free option ids)."""
    spec: dict[str, Any] = {"id": output_id, "type": output_type}
    if draw(st.booleans()):
        spec["title"] = f"Output {output_id}"
    if output_type == "choice":
        ids = draw(st.lists(st.sampled_from(OPTION_IDS), min_size=1, max_size=3, unique=True))
        spec["options"] = [{"id": o, "label": f"Option {o}"} if draw(st.booleans()) else {"id": o} for o in ids]
    return spec


def output_values(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value of the output ``spec`` as written, from small pools (so that rows share values)."""
    kind = spec["type"]
    if kind == "number":
        return st.sampled_from(OUTPUT_NUMBERS)
    if kind == "integer":
        return st.sampled_from(INTS)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return st.sampled_from(OUTPUT_STRINGS)
    if kind == "date":
        return st.sampled_from(OUTPUT_DATES)
    return st.sampled_from([o["id"] for o in spec["options"]])


def value_mappings(specs: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping giving every output a value (an inline ``then``, an outcome's ``values``, a default)."""
    return st.fixed_dictionaries({s["id"]: output_values(s) for s in specs})


@st.composite
def output_table_data(
    draw: st.DrawFn,
    *,
    policy: tuple[str, str | None] | None = None,
    max_inputs: int = 3,
    max_rules: int = 7,
    default: bool | None = None,
) -> dict[str, Any]:
    """A valid table with ``outputs`` (issue 19): rows give values inline or name outcomes that carry
    ``values``; the default is an outcome id or a mapping; ``policy`` fixes (hit_policy, aggregate).

    Priority and output-order get a choice output with options (their priority); an aggregate gets
    exactly one output, numeric for sum/min/max.
    """
    hit_policy, aggregate = policy or draw(st.sampled_from(OUTPUT_POLICIES))
    if aggregate is not None:
        kinds = [draw(st.sampled_from(("number", "integer") if aggregate != "count" else OUTPUT_TYPES))]
    else:
        kinds = draw(st.lists(st.sampled_from(OUTPUT_TYPES), min_size=1, max_size=3))
        if hit_policy in ("priority", "output-order") and "choice" not in kinds:
            kinds[draw(st.integers(0, len(kinds) - 1))] = "choice"
    outs = [draw(output_specs(OUTPUT_IDS[n], k)) for n, k in enumerate(kinds)]
    n_inputs = draw(st.integers(1, max_inputs))
    specs = [draw(inputs(INPUT_IDS[n])) for n in range(n_inputs)]
    n_outcomes = draw(st.integers(0, len(OUTCOME_IDS)))
    outcomes = [
        {"id": o, "title": o.capitalize(), "values": draw(value_mappings(outs))} for o in OUTCOME_IDS[:n_outcomes]
    ]
    names = [o["id"] for o in outcomes]
    then = value_mappings(outs) | st.sampled_from(names) if names else value_mappings(outs)
    data: dict[str, Any] = {
        "format": "crossroads/1",
        "id": "generated",
        "version": "1.0.0",
        "title": "Generated table",
        "hit_policy": hit_policy,
    }
    if aggregate is not None:
        data["aggregate"] = aggregate
    if default if default is not None else draw(st.booleans()):
        data["default"] = draw(then)
    data["inputs"] = specs
    data["outputs"] = outs
    if outcomes:
        data["outcomes"] = outcomes
    rows = []
    for k in range(draw(st.integers(1, max_rules))):
        row = draw(rules(f"r{k + 1}", specs, ["x"]))
        row["then"] = draw(then)
        rows.append(row)
    data["rules"] = rows
    return data


def output_tables(**kwargs: Any) -> st.SearchStrategy[GeneratedTable]:
    """``output_table_data(**kwargs)`` with its YAML text."""
    return output_table_data(**kwargs).map(lambda d: GeneratedTable(d, to_yaml(d)))
