"""Compile a table into SQL: the engine's answers, computed inside a database.

``to_sql(table, dialect)`` gives a select list of three expressions aliased
``outcome``, ``rule`` and ``error`` (a table with ``outputs``: then one per
output, aliased by its id), over unqualified column names (the input
ids, or ``columns``), to be used as ``SELECT *, <it> FROM data``. Every row's
result is what ``evaluate.decide`` gives for that row's answers:

* ``first``: an ordered ``CASE``; ``priority``: the same, rows ordered by
  their outcome's position, then table order; ``unique`` with two or more
  matching rows, and ``any`` with matching rows that disagree: ``outcome`` and
  ``rule`` NULL and ``error`` the engine's own message naming the rows;
  ``collect``: ``outcome`` an array of the matching rows' outcomes in table
  order (``[default]`` when none match), ``rule`` the array of their ids;
  ``output-order``: the same, rows sorted by priority class (``_ranked``).
  With no match: the ``default`` (``rule`` NULL), else all three NULL.
* A table with outputs (``CompiledTable.results``): ``outcome`` is the
  outcome id, NULL where the deciding row (or the default) gives values
  inline; each output's column is the deciding row's value (the default's).
  Under ``collect``/``output-order`` every column is a list parallel to
  ``rule``: an inline row contributes NULL to ``outcome`` and its values to
  the outputs' lists; with no match the default is the one item of
  ``outcome`` and of each output's list, and ``rule`` is empty. ``priority``
  ranks by ``priority_rows``; ``any`` breaks when two matching rows do not
  agree (``agree_rows``, pair by pair: agreement is not transitive). With
  ``aggregate`` (``policies.Aggregated``): ``outcome`` NULL, ``rule`` the list
  of matching rows, the output's column the number (``_aggregate``). Values are
  literals of the output's type (``_output_types``): ``DECIMAL(38, s)`` with
  ``s`` its values' most decimal places, ``BIGINT`` (``DECIMAL(38, 0)`` beyond
  64 bits), ``BOOLEAN``, ``DATE``, text. SQLite has none of these: a number
  is a double (at most 15 significant digits, else ``NotExpressible``), a
  boolean ``1``/``0`` (``TRUE``/``FALSE``), a date its ``YYYY-MM-DD`` text, and
  lists are JSON array text holding each value as the table writes it.
* A NULL, an unknown option, a non-integer for an integer input, a value
  outside ``minimum``/``maximum`` or beyond exact arithmetic never yields a
  recommendation: ``outcome`` and ``rule`` NULL, ``error`` ``"<input>: ..."``
  (the first such input in table order).

Values are read as text (``CAST(col AS VARCHAR)``, so typed and text columns
alike), the way ``answers.parse_value`` reads a JSON string: a choice is its
option id exactly; a boolean ``true``/``false`` in any case; an integer
``[-+]?[0-9]+``; a number a decimal literal (``-0.5``, ``.5``, ``1e3``);
surrounding spaces are ignored for booleans and numbers. When ``types`` says
an integer input's column is an integer type, or a boolean input's is
boolean, the column is compared as it is: the same answers, less work.
Numbers are compared exactly as ``DECIMAL(38, s)``: ``s`` holds every
decimal place the table's numbers use (at least 18 for number inputs, fewer
only when the integer part of a condition needs the room), and a value with
more decimal places or more integer digits than that type holds is an
error, never a rounded answer.
A date is read as text too (a ``DATE`` column's text is its ``YYYY-MM-DD``):
spaces around ignored, it must be ``YYYY-MM-DD`` and a real day of 0001-9999
(checked digit by digit in SQL, the grammar of ``dates.py``), and is then
compared as ``DATE`` (``CAST(t AS DATE)``, exact: no times, no time zones);
anything else is an error, as a bad number is. SQLite has no ``DATE`` type:
there the checked ``YYYY-MM-DD`` text itself is compared, which orders days
correctly because every such text has the same width.
SQLite has no decimal type: there numbers are doubles, exact for values of at
most 15 significant digits, and longer ones are errors; SQLite needs a
``REGEXP`` function and has no arrays (``collect`` gives JSON array text).

One representation for every dialect: the expressions are sqlglot trees,
built from fixed SQL templates (parsed once, placeholders filled with nodes)
and from literal nodes for everything that comes from the table, so ids,
labels and messages are always quoted by sqlglot's generator for the
dialect, never pasted into SQL text (a row's condition is written once by that generator and
reused as its text, ``_rendered``). Each column binds the inputs' values once (``_bind``: a
lambda in DuckDB and Spark, a one-row subquery in PostgreSQL and SQLite), so the SQL grows
linearly and by short conditions per row. In DuckDB a ``unique``, ``first`` or ``priority``
table of packed and numeric inputs holds its rows as data instead (``_rows_as_data``: one
constant list filtered by one condition), which DuckDB plans in milliseconds whatever the rows.
``select_trees(bound=False)`` gives the same answers without binding, and ``staged_trees`` the
file batch's form: unbound, with what the columns share computed once in a subquery (DuckDB runs
it fastest over many rows). sqlglot is imported only by this module and ``filebatch``, and those
only by the commands that need them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from crossroads.engine.table import dates, numbers
from crossroads.engine.table.answers import FALSE_WORDS, TRUE_WORDS, accepts
from crossroads.engine.table.compiler import (
    ChoiceColumn,
    Column,
    CompiledTable,
    InputSpec,
    NumberColumn,
    Runs,
    Span,
    TextColumn,
    segment_bounds,
)
from crossroads.engine.table.conditions import Num, format_number
from crossroads.engine.table.policies import Aggregated, bits, policy_of, result_label
from crossroads.engine.errors import DataError, NotExpressible

try:
    import sqlglot
    from sqlglot import exp
except ImportError:  # pragma: no cover - exercised by the CLI test with the module hidden
    raise DataError("SQL needs sqlglot: pip install 'crossroads[data]'") from None

DIALECTS = ("duckdb", "spark", "postgres", "sqlite")
PRECISION = 38  # DECIMAL(38, s): the widest exact type DuckDB, Spark and PostgreSQL share
DATA_SCALE = 18  # decimal places a number input keeps at least (DECIMAL(38, 18): 20 integer digits)
SQLITE_DIGITS = 15  # significant digits every double holds exactly (DBL_DIG)
MAX_EXPONENT_DIGITS = 6  # "1e1234567": a longer exponent is beyond range (and could overflow the INT cast)

_INTEGER = f"^{numbers.INTEGER}$"
_NUMBER = f"^{numbers.NUMBER}$"


@dataclass(frozen=True, slots=True)
class NumberType:
    """How one numeric input is compared: ``DECIMAL(38, scale)``; ``digits`` integer digits fit."""

    scale: int
    digits: int
    significant: int | None = None  # SQLite: at most this many significant digits
    native: bool = False  # an integer column compared with integer literals as it is

    @property
    def sql_type(self) -> str:
        return f"DECIMAL({PRECISION}, {self.scale})"

    def limit(self, integer: bool) -> str:
        """The limit in words, for the error message."""
        if self.significant is not None:
            kind = "digits" if integer else "significant digits"
            return f"more than {min(self.significant, self.digits)} {kind} (SQLite compares numbers as doubles)"
        if integer:
            return f"more than {self.digits} digits (beyond {self.sql_type})"
        return f"beyond {self.sql_type}: more than {self.digits} integer digits or {self.scale} decimal places"


Columns = Mapping[str, str] | None
Types = Mapping[str, str] | None


def to_sql(
    table: CompiledTable, dialect: str = "duckdb", columns: Columns = None, types: Types = None, *, pretty: bool = False
) -> str:
    """The select list ``<outcome> AS outcome, <rule> AS rule, <error> AS error`` in ``dialect``.

    ``columns`` maps input ids to SQL expressions (in ``dialect``) holding
    their answers; inputs left out are read from the column named like the
    input. ``types`` may give an input's column type (``BIGINT``, ``boolean``,
    ``string``, in the dialect's spelling): an integer column for an integer
    input and a boolean one for a boolean input are then compared as they
    are, without the detour through text (same answers, less work); any other
    type is read as text. Raises ``DataError`` for an unknown dialect, input
    or unparsable expression, ``NotExpressible`` for a number SQL cannot
    compare exactly.
    """
    return (",\n" if pretty else ", ").join(expressions(table, dialect, columns, types, pretty=pretty).values())


def expressions(
    table: CompiledTable, dialect: str = "duckdb", columns: Columns = None, types: Types = None, *, pretty: bool = False
) -> dict[str, str]:
    """``{alias: "<expr> AS alias"}``: the select list as separate items (for Spark's ``selectExpr``)."""
    trees = select_trees(table, dialect, columns, types)
    return {alias: tree.sql(dialect=dialect, pretty=pretty, copy=False) for alias, tree in trees.items()}


def select_trees(
    table: CompiledTable,
    dialect: str = "duckdb",
    columns: Columns = None,
    types: Types = None,
    *,
    bound: bool = True,
) -> dict[str, exp.Expression]:
    """The aliased sqlglot expressions, ``outcome``, ``rule``, ``error`` and then one per output
    (for callers that wrap them).

    ``bound`` (the default, what ``to_sql`` prints): each column reads the inputs' values bound
    once (``_bind``), so a row's condition is short: SQL linear in the rows and small, quick to
    write and to plan (in DuckDB, where it can, the rows as data: ``_rows_as_data``).
    ``bound=False``: the conditions read the inputs' expressions themselves (DuckDB evaluates a
    large lambda body several times slower than the same expression outside one): larger SQL,
    faster over millions of rows; ``staged_trees`` is that form with the shared parts computed
    once, the file batch's. Same answers every way."""
    return _built(table, dialect, columns, types, bound, None)[1]


def staged_trees(
    table: CompiledTable, prefix: str, columns: Columns = None, types: Types = None
) -> tuple[dict[str, exp.Expression], dict[str, exp.Expression]]:
    """The file batch's form: ``(stage, trees)``, the unbound expressions in two steps. ``stage``
    maps names (``<prefix>e``, ``<prefix>m0``, ...) to what every column shares: the first
    input's error and, under a policy that reads every match (not ``first`` or ``priority``,
    whose ``CASE`` stops at the first), each row's match, to be computed once per row in a subquery
    (``SELECT *, <stage> FROM data``); ``trees`` are the result columns over those names (the
    caller drops the stage's columns: ``SELECT * EXCLUDE (...), <trees> FROM (...)``). Why:
    DuckDB does not share the validation and the matches between the columns of one select
    list, and computing them once is most of the gap to a hand-written query (issue 22). Same
    answers as ``select_trees``; ``prefix`` must begin no column name of the data. DuckDB's SQL
    (a ``unique`` column looks its value up in a list)."""
    return _built(table, "duckdb", columns, types, False, prefix)


def _built(
    table: CompiledTable, dialect: str, columns: Columns, types: Types, bound: bool, stage_prefix: str | None
) -> tuple[dict[str, exp.Expression], dict[str, exp.Expression]]:
    if dialect not in DIALECTS:
        raise DataError(f"unknown SQL dialect '{dialect}' (dialects: {', '.join(DIALECTS)})")
    sources = _sources(table, dialect, columns or {})
    kinds = {i.id: _kind((types or {}).get(i.id), dialect) for i in table.inputs}
    readers = [
        _reader(spec, column, sources[spec.id], dialect, kinds[spec.id])
        for spec, column in zip(table.inputs, table.columns)
    ]
    invalid = (
        exp.Coalesce(this=readers[0].error, expressions=[r.error for r in readers[1:]])
        if len(readers) > 1
        else readers[0].error
    )
    scope = _scope(table, readers, invalid, dialect, bound)
    stage: dict[str, exp.Expression] = {}

    def staged(name: str, value: exp.Expression) -> exp.Expression:
        if stage_prefix is None:
            return value
        stage[stage_prefix + name] = value
        return exp.column(stage_prefix + name, quoted=True)

    if stage_prefix is not None:
        scope = _Scope(dialect, (("e", staged("e", invalid)),), scope.readers, scope.words, bound=False)
    policy = policy_of(table)
    positions = (
        _rows_as_data(table, scope)
        if bound and dialect in DATA_DIALECTS and policy.name in DATA_POLICIES and not isinstance(policy, Aggregated)
        else None
    )
    if positions is not None:
        result = _from_positions(table, positions, dialect)
    else:
        matches = [
            _rendered(_row_match(table, n, scope.readers, scope.words), dialect) for n in range(len(table.rules))
        ]
        if policy.name not in ("first", "priority", "unique"):  # collect, any: every column reads every match
            matches = [staged(f"m{n}", m) for n, m in enumerate(matches)]
        result = _policy(table, matches, dialect, once=bound, stage=staged if stage_prefix is not None else None)
    valid = exp.Is(this=scope.ref("e"), expression=exp.Null())
    error = (
        scope.bind(exp.Coalesce(this=scope.ref("e"), expressions=[result.error]))
        if result.error is not None
        else scope.ref("e")
        if not bound
        else invalid
    )
    trees: dict[str, exp.Expression] = {
        "outcome": _alias(scope.bind(_when(valid, result.outcome)), "outcome"),
        "rule": _alias(scope.bind(_when(valid.copy(), result.rule)), "rule"),
        "error": _alias(error, "error"),
    }
    for output, value in result.values:  # a table with outputs: one column per output, after error
        trees[output] = _alias(scope.bind(_when(valid.copy(), value)), output)
    return stage, trees


def _rendered(tree: exp.Expression, dialect: str) -> exp.Expression:
    """A row's match written once, by sqlglot's generator for ``dialect``, and kept as that text
    (``exp.Var``, which the generator writes as it is; parenthesised when it is an ``AND``/``OR``,
    so that it reads the same inside ``NOT`` or a comparison). A match is used in several
    columns and several places of the policy's expressions: copying and writing a one-node
    tree instead of the whole condition keeps ``to_sql`` linear and fast (issue 22), and puts
    each row's condition on one line of the pretty output."""
    text = tree.sql(dialect=dialect, copy=False)
    return exp.Var(this=f"({text})" if isinstance(tree, exp.Connector) else text)


def _alias(tree: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=tree, alias=exp.to_identifier(name))  # exp.alias_ would copy the whole tree


# -- templates ------------------------------------------------------------------


def _parsed(tree: exp.Expr) -> exp.Expression:
    """A parse as the node type this module builds: sqlglot types ``parse_one`` by its ``Expr`` trait,
    and every node it returns is a concrete ``Expression``."""
    assert isinstance(tree, exp.Expression)
    return tree


@cache
def _template(text: str) -> exp.Expression:
    return _parsed(sqlglot.parse_one(text))


def _fill(text: str, **parts: exp.Expression) -> exp.Expression:
    """The template ``text`` (fixed SQL with ``:name`` placeholders) with each placeholder a copy of its part."""

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name in parts:
            part = parts[node.name].copy()
            # the generator writes the tree as it is: "a - :p" with p = "b + c" needs the parentheses
            return exp.Paren(this=part) if isinstance(part, (exp.Binary, exp.Unary, exp.Predicate)) else part
        return node

    return _template(text).transform(swap)


def _text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _when(condition: exp.Expression, then: exp.Expression) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=condition, true=then)])


def _case(
    branches: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None
) -> exp.Expression:
    """``CASE WHEN c1 THEN v1 ... ELSE default END`` (NULL when there are no branches and no default)."""
    if not branches:
        return default if default is not None else exp.Null()
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in branches], default=default)


# -- inputs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reader:
    """How one input is read: its error message (NULL when valid) and its value (read only when valid)."""

    spec: InputSpec
    error: exp.Expression
    value: exp.Expression
    number: NumberType | None
    dialect: str = ""  # a date input's: how its literals are written (``_day``)


def _sources(table: CompiledTable, dialect: str, columns: Mapping[str, str]) -> dict[str, exp.Expression]:
    known = {i.id for i in table.inputs}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise DataError(
            f"column mapping: unknown input(s) {', '.join(unknown)} (inputs: {', '.join(i.id for i in table.inputs)})"
        )
    out: dict[str, exp.Expression] = {}
    for spec in table.inputs:
        if spec.id in columns:
            try:
                out[spec.id] = _parsed(sqlglot.parse_one(columns[spec.id], read=dialect))
            except sqlglot.errors.ParseError as exc:
                raise DataError(
                    f"column mapping for {spec.id}: cannot parse {columns[spec.id]!r} as {dialect} SQL: {str(exc).splitlines()[0]}"
                ) from None
        else:
            out[spec.id] = exp.column(spec.id, quoted=True)
    return out


def _kind(type_name: str | None, dialect: str) -> str | None:
    """``integer``, ``boolean`` or ``text`` for a column type in ``dialect``'s spelling; None: unknown or other."""
    if not type_name:
        return None
    try:
        parsed = exp.DataType.build(type_name, dialect=dialect)
    except (sqlglot.errors.ParseError, ValueError):
        return None
    if parsed.this in exp.DataType.INTEGER_TYPES:
        return "integer"
    if parsed.is_type("boolean"):
        return "boolean"
    return "text" if parsed.this in exp.DataType.TEXT_TYPES else None


def _reader(spec: InputSpec, column: Column, source: exp.Expression, dialect: str, kind: str | None = None) -> _Reader:
    text = source.copy() if kind == "text" else exp.cast(source.copy(), "VARCHAR")
    expected = "true or false" if spec.type == "boolean" else accepts(spec)
    is_null = exp.Is(this=source.copy(), expression=exp.Null())
    missing = (is_null, _text(f"{spec.id}: null is not an answer (an empty cell is null); expected {expected}"))
    if spec.type == "choice":
        bad = exp.Not(this=exp.In(this=text.copy(), expressions=[_text(o) for o in spec.option_ids]))
        return _Reader(
            spec, _case([missing, (bad, _text(f"{spec.id}: unknown option; expected {accepts(spec)}"))]), text, None
        )
    if spec.type == "string":  # free text, compared exactly as stored: no trimming, no case folding
        if kind in ("integer", "boolean"):  # a typed column holds no text (as a JSON number is no string answer)
            typed = (
                exp.Not(this=is_null.copy()),
                _text(
                    f"{spec.id}: expected {accepts(spec)}, got {'an integer' if kind == 'integer' else 'a boolean'} column"
                ),
            )
            return _Reader(spec, _case([missing, typed]), text, None)
        return _Reader(spec, _case([missing]), text, None)
    if spec.type == "boolean":
        if kind == "boolean":
            return _Reader(spec, _case([missing]), source.copy(), None)
        word = _fill(
            "LOWER(TRIM(BOTH ' ' FROM :t))", t=text
        )  # spaces only (numbers.py): DuckDB's TRIM also strips NBSP
        bad = exp.Not(this=exp.In(this=word.copy(), expressions=[_text(b) for b in TRUE_WORDS + FALSE_WORDS]))
        is_true = exp.In(this=word, expressions=[_text(b) for b in TRUE_WORDS])
        return _Reader(spec, _case([missing, (bad, _text(f"{spec.id}: expected {accepts(spec)}"))]), is_true, None)
    if spec.type == "date":
        return _date_reader(spec, text, missing, dialect)
    number = number_type(spec, column, dialect)
    integer = spec.type == "integer"
    if integer and kind == "integer" and number.significant is None:  # SQLite: via text, to count digits
        branches: list[tuple[exp.Expression, exp.Expression]] = [missing]
        if number.scale == 0 and number.significant is None:  # integer literals only: compare the column as it is
            number = NumberType(0, PRECISION, None, native=True)
            value: exp.Expression = source.copy()
        else:
            value = exp.TryCast(this=source.copy(), to=_type(number.sql_type), safe=True)
            branches.append(
                (exp.Is(this=value.copy(), expression=exp.Null()), _text(f"{spec.id}: {number.limit(integer)}"))
            )
    else:
        trimmed = _fill("TRIM(BOTH ' ' FROM :t)", t=text)
        # "$" also matches before a final newline in Java (Spark) and Python (SQLite's REGEXP): refuse any
        # character outside the grammar's own first
        syntax = _fill(
            f"(REGEXP_LIKE(:t, '{_INTEGER if integer else _NUMBER}') AND NOT REGEXP_LIKE(:t, '[^-+.0-9eE]'))", t=trimmed
        )
        fits = _integer_fits(trimmed, number) if integer else _number_fits(trimmed, number)
        value = exp.TryCast(this=trimmed.copy(), to=_type(number.sql_type), safe=True)  # PostgreSQL: CAST
        branches = [
            missing,
            (
                exp.Not(this=syntax),
                _text(f"{spec.id}: not {'a whole number' if integer else 'a number'}; expected {accepts(spec)}"),
            ),
            (exp.Not(this=fits), _text(f"{spec.id}: {number.limit(integer)}")),
            (
                exp.Is(this=value.copy(), expression=exp.Null()),
                _text(f"{spec.id}: {number.limit(integer)}"),
            ),  # the cast refused it
        ]
    out_of_range: list[exp.Expression] = []
    if spec.minimum is not None:
        out_of_range.append(exp.LT(this=value.copy(), expression=_number(spec.minimum, number)))
    if spec.maximum is not None:
        out_of_range.append(exp.GT(this=value.copy(), expression=_number(spec.maximum, number)))
    if out_of_range:
        branches.append((_or(out_of_range), _text(f"{spec.id}: out of range; expected {accepts(spec)}")))
    return _Reader(spec, _case(branches), value, number)


_DATE = f"^{dates.DATE}$"
_DAYS_IN_MONTH = (
    "CASE WHEN :m IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN :m IN (4, 6, 9, 11) THEN 30"
    " WHEN MOD(:y, 4) = 0 AND (MOD(:y, 100) <> 0 OR MOD(:y, 400) = 0) THEN 29 ELSE 28 END"
)


def _date_reader(
    spec: InputSpec, text: exp.Expression, missing: tuple[exp.Expression, exp.Expression], dialect: str
) -> _Reader:
    """A date input: ``YYYY-MM-DD`` text (spaces around ignored), a real day (years 0001-9999, the
    month's length by the Gregorian leap rule, all in integer arithmetic: no dialect's own date parser
    decides what is a date), compared as ``DATE`` (SQLite: as the text, of fixed width)."""
    trimmed = _fill("TRIM(BOTH ' ' FROM :t)", t=text)
    syntax = _fill(f"(REGEXP_LIKE(:t, '{_DATE}') AND NOT REGEXP_LIKE(:t, '[^-0-9]'))", t=trimmed)

    def part(start: int, length: int) -> exp.Expression:  # TRY_CAST: DuckDB may evaluate it on any row
        return exp.TryCast(this=_fill(f"SUBSTRING(:t, {start}, {length})", t=trimmed), to=_type("INT"), safe=True)

    y, m, d = part(1, 4), part(6, 2), part(9, 2)
    real = _fill(f"(:y >= 1 AND :m BETWEEN 1 AND 12 AND :d >= 1 AND :d <= {_DAYS_IN_MONTH})", y=y, m=m, d=d)
    # TRY_CAST, as for numbers: DuckDB may evaluate it on rows whose CASE branch does not need it
    value = trimmed if dialect == "sqlite" else exp.TryCast(this=trimmed.copy(), to=_type("DATE"), safe=True)
    branches = [
        missing,
        (exp.Not(this=syntax), _text(f"{spec.id}: not a date; expected {accepts(spec)}")),
        (exp.Not(this=real), _text(f"{spec.id}: not a day of the calendar; expected {accepts(spec)}")),
    ]
    out_of_range: list[exp.Expression] = []
    if spec.minimum is not None:
        out_of_range.append(exp.LT(this=value.copy(), expression=_day(spec.minimum, dialect)))
    if spec.maximum is not None:
        out_of_range.append(exp.GT(this=value.copy(), expression=_day(spec.maximum, dialect)))
    if out_of_range:
        branches.append((_or(out_of_range), _text(f"{spec.id}: out of range; expected {accepts(spec)}")))
    return _Reader(spec, _case(branches), value, None, dialect)


def _day(n: Num, dialect: str) -> exp.Expression:
    """A day number as a literal of the date input's type: ``CAST('2025-01-01' AS DATE)`` (SQLite: the text)."""
    literal = _text(dates.format_day(int(n)))
    return literal if dialect == "sqlite" else exp.Cast(this=literal, to=_type("DATE"))


def _integer_fits(t: exp.Expression, number: NumberType) -> exp.Expression:
    """Whether an integer's text (syntax checked) has few enough digits, leading zeros aside."""
    limit = number.digits if number.significant is None else min(number.digits, number.significant)
    return _fill(f"LENGTH(TRIM(LEADING '0' FROM TRIM(LEADING '+-' FROM :t))) <= {limit}", t=t)


def _number_fits(t: exp.Expression, number: NumberType) -> exp.Expression:
    """Whether a decimal literal (syntax checked) fits ``number`` exactly, so that the database's
    own cast of it is exact (``tests/test_sql.py`` checks that cast against Python's decimals).

    Plain forms fit by one pattern: leading zeros, at most ``digits`` integer
    digits, at most ``scale`` decimal places, trailing zeros. A form with an
    exponent needs its mantissa to fit that pattern too (databases round a
    longer one before they apply the exponent), an exponent of at most six
    digits, and its value to fit: with ``sig`` the mantissa's digits from the
    first to the last non-zero one and ``k`` the value's integer digits (the
    mantissa's point moved by the exponent, less its leading zeros), the value
    is ``0.sig × 10^k``, so it needs ``len(sig) - k`` decimal places and ``k``
    integer digits (zero always fits).
    """
    s, d = number.scale, number.digits
    fitting = f"[-+]?0*[0-9]{{0,{d}}}([.][0-9]{{0,{s}}}0*)?"
    plain = _fill(f"REGEXP_LIKE(:t, '^{fitting}$')", t=t)
    scientific = _fill(f"REGEXP_LIKE(:t, '^{fitting}[eE][-+]?[0-9]{{1,{MAX_EXPONENT_DIGITS}}}$')", t=t)
    u = _fill("TRIM(LEADING '+-' FROM :t)", t=t)
    epos = _fill("POSITION('e' IN LOWER(:u))", u=u)
    mantissa = _fill("SUBSTRING(:u, 1, :epos - 1)", u=u, epos=epos)
    digits = _fill("REPLACE(:m, '.', '')", m=mantissa)
    nonzero = _fill("TRIM(LEADING '0' FROM :digits)", digits=digits)
    sig = _fill("TRIM(TRAILING '0' FROM :nz)", nz=nonzero)
    # TRY_CAST: DuckDB may evaluate it on rows whose CASE branch does not need it
    exponent = exp.TryCast(this=_fill("SUBSTRING(:u, :epos + 1)", u=u, epos=epos), to=_type("INT"), safe=True)
    k = _fill(
        "POSITION('.' IN :m || '.') - 1 + :e - LENGTH(:digits) + LENGTH(:nz)",
        m=mantissa,
        e=exponent,
        digits=digits,
        nz=nonzero,
    )
    counted = _fill(f"LENGTH(:sig) - :k <= {s} AND :k <= {d}", sig=sig, k=k)
    if number.significant is not None:
        most = number.significant
        plain = _and(
            [plain, _fill(f"LENGTH(TRIM(BOTH '0' FROM REPLACE(TRIM(LEADING '+-' FROM :t), '.', ''))) <= {most}", t=t)]
        )
        counted = _and([counted, _fill(f"LENGTH(:sig) <= {most}", sig=sig)])
    return _fill(
        "CASE WHEN POSITION('e' IN LOWER(:t)) = 0 THEN :plain WHEN NOT :scientific THEN FALSE WHEN :nz = '' THEN TRUE ELSE :counted END",
        t=t,
        plain=plain,
        scientific=scientific,
        nz=nonzero,
        counted=counted,
    )


# -- bound values -------------------------------------------------------------------

LAMBDA_DIALECTS = ("duckdb", "spark")  # bind by a lambda over a one-item list; the others by a subquery
BOUND = ("b", "c")  # the names of the bound values' scopes: the inputs' (``_Scope``), a policy's (``_unique``)
WORD_BITS = 62  # answers packed into one BIGINT: its bits below the sign's neighbour


def _field(dialect: str, var: str, name: str) -> exp.Expression:
    """A bound value, ``var.name``: a struct's field in a lambda, a derived table's column otherwise."""
    if dialect in LAMBDA_DIALECTS:  # "(b).e": DuckDB reads "b.e" as a field of a data column named b, if any
        return exp.Dot(this=exp.Paren(this=exp.to_identifier(var)), expression=exp.to_identifier(name))
    return exp.column(name, table=var)


def _bind(
    dialect: str, var: str, fields: tuple[tuple[str, exp.Expression], ...], body: exp.Expression
) -> exp.Expression:
    """``body`` with each field computed once and read as ``var.name`` (``_field``): in DuckDB and
    Spark ``LIST_TRANSFORM([{...}], LAMBDA var : body)[1]`` (executed vectorised, no join); in
    PostgreSQL and SQLite a scalar subquery over a one-row derived table (``SELECT body FROM
    (SELECT ... AS name) AS var``). Why: one row's match would otherwise repeat every input's
    reading (its cast, trim and checks) in every condition of every column."""
    if dialect in LAMBDA_DIALECTS:
        struct = exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier(n), expression=v) for n, v in fields])
        lam = exp.Lambda(this=body, expressions=[exp.to_identifier(var)])
        mapped = exp.Transform(this=exp.Array(expressions=[struct]), expression=lam)
        # returns_list_for_maps: a list is no map, so DuckDB's generator need not infer the types of the whole body
        return exp.Bracket(this=mapped, expressions=[exp.Literal.number(0)], returns_list_for_maps=True)
    inner = exp.Select(expressions=[exp.Alias(this=v, alias=exp.to_identifier(n)) for n, v in fields])
    source = exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(var)))
    return exp.Subquery(this=exp.Select(expressions=[body]).from_(source, copy=False))


@dataclass(frozen=True, slots=True)
class _Word:
    """Choice and boolean inputs packed into one integer ``value_ref``: each input's answer sets the
    bit ``bits[input position][answer]`` (distinct bits across the word). A row refuses a set of
    answers; it accepts every packed input's answer exactly when the word has none of those bits:
    one ``(w & refused) = 0`` for all of the word's inputs, whatever their number."""

    value_ref: exp.Expression
    bits: dict[int, dict[Any, int]]


@dataclass(frozen=True, slots=True)
class _Scope:
    """The values every column reads, bound once per column (``_bind``): ``e`` the first input's
    error (NULL: all valid), each unpacked input's value ``x<position>``, each word ``k<n>``;
    ``readers`` read the bound values, ``words`` hold the packed inputs."""

    dialect: str
    fields: tuple[tuple[str, exp.Expression], ...]
    readers: list[_Reader]
    words: tuple[_Word, ...]
    bound: bool = True  # False: nothing bound, every reference is the expression itself

    def ref(self, name: str) -> exp.Expression:
        if not self.bound:
            return dict(self.fields)[name].copy()
        return _field(self.dialect, "b", name)

    def bind(self, body: exp.Expression) -> exp.Expression:
        if not self.bound:
            return body
        return _bind(self.dialect, "b", tuple((n, v.copy()) for n, v in self.fields), body)


def _scope(
    table: CompiledTable, readers: list[_Reader], invalid: exp.Expression, dialect: str, bound: bool = True
) -> _Scope:
    fields: list[tuple[str, exp.Expression]] = [("e", invalid)]
    if not bound:
        return _Scope(dialect, tuple(fields), readers, (), bound=False)
    groups: list[list[int]] = []
    used = WORD_BITS
    for position, column in enumerate(table.columns):
        if isinstance(column, ChoiceColumn) and len(column.table) <= WORD_BITS:
            if used + len(column.table) > WORD_BITS:
                groups.append([])
                used = 0
            groups[-1].append(position)
            used += len(column.table)
    words: list[_Word] = []
    for n, group in enumerate(groups):
        bits: dict[int, dict[Any, int]] = {}
        terms: list[exp.Expression] = []
        shift = 0
        for position in group:
            column = table.columns[position]
            assert isinstance(column, ChoiceColumn)
            values = {v: 1 << (shift + k) for k, v in enumerate(column.table)}
            shift += len(values)
            bits[position] = values
            value = readers[position].value
            if readers[position].spec.type == "boolean":
                terms.append(
                    _case([(value.copy(), exp.Literal.number(values[True]))], exp.Literal.number(values[False]))
                )
            else:
                terms.append(
                    exp.Case(
                        this=value.copy(),
                        ifs=[exp.If(this=_text(v), true=exp.Literal.number(b)) for v, b in values.items()],
                    )
                )
        name = f"k{n}"
        fields.append((name, _balanced(exp.Add, terms)))
        words.append(_Word(_field(dialect, "b", name), bits))
    packed = {position for group in groups for position in group}
    rebound: list[_Reader] = []
    for position, reader in enumerate(readers):
        if position in packed:  # read through its word only
            rebound.append(reader)
            continue
        name = f"x{position}"
        value = reader.value
        if dialect == "postgres" and (reader.number is not None or reader.spec.type == "date"):
            value = _when(exp.Is(this=reader.error.copy(), expression=exp.Null()), value.copy())  # CAST raises
        fields.append((name, value))
        rebound.append(_Reader(reader.spec, reader.error, _field(dialect, "b", name), reader.number, reader.dialect))
    return _Scope(dialect, tuple(fields), rebound, tuple(words))


# -- numbers ----------------------------------------------------------------------


def _stripped(n: Num) -> tuple[tuple[int, ...], int]:
    """(digits, exponent) without trailing zeros — exactly: ``Decimal.normalize`` rounds to the
    context's 28 digits."""
    _, digits, exponent = Decimal(n).as_tuple()
    assert isinstance(exponent, int), "table numbers are finite"
    while len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return digits, exponent


def _scale(n: Num) -> int:
    return max(0, -_stripped(n)[1])


def _integer_digits(n: Num) -> int:
    digits, exponent = _stripped(n)
    return 0 if digits == (0,) else max(0, len(digits) + exponent)


def _significant(n: Num) -> int:
    return len(_stripped(n)[0])


def number_type(spec: InputSpec, column: Column, dialect: str = "duckdb") -> NumberType:
    """The exact SQL type for a numeric input: room for every number of its conditions and bounds."""
    points = column.points if isinstance(column, NumberColumn) else ()
    literals = [*points, *(b for b in (spec.minimum, spec.maximum) if b is not None)]
    scale = max((_scale(n) for n in literals), default=0)
    digits = max((_integer_digits(n) for n in literals), default=1)
    if scale + digits > PRECISION:
        raise NotExpressible(
            f"{spec.id}: its numbers need {digits} integer digits and {scale} decimal places; SQL's DECIMAL({PRECISION}) holds {PRECISION} digits"
        )
    if spec.type == "number" and scale < DATA_SCALE:
        scale = min(DATA_SCALE, PRECISION - max(digits, 1))
    significant = None
    if dialect == "sqlite":
        significant = SQLITE_DIGITS
        wide = [n for n in literals if _significant(n) > SQLITE_DIGITS]
        if wide:
            raise NotExpressible(
                f"{spec.id}: {format_number(wide[0])} has more than {SQLITE_DIGITS} significant digits, which SQLite cannot compare exactly"
            )
    return NumberType(scale, PRECISION - scale, significant)


def _number(n: Num, number: NumberType) -> exp.Expression:
    """An exact numeric literal of the input's type: ``CAST('2.5' AS DECIMAL(38, s))``."""
    text = str(n) if isinstance(n, int) else format(Decimal(n), "f")  # plain digits, never an exponent
    if number.native:
        return exp.Literal.number(text)
    return exp.Cast(this=_text(text), to=_type(number.sql_type))


def _short_number(n: Num, number: NumberType) -> exp.Expression:
    """A row condition's number as a plain literal (``8790``, ``-2.5``), compared with the input's
    ``DECIMAL(38, s)`` value exactly in every dialect: the literal is itself an exact decimal (or
    an integer of at most 64 bits) with no more integer digits or decimal places than that type
    holds (``number_type``), so the common type is the input's own. A wider integer keeps its
    ``CAST`` (DuckDB would type it ``HUGEINT``, whose common type with ``DECIMAL(38, s)`` is not exact)."""
    if isinstance(n, int) and abs(n) > INT64:
        return _number(n, number)
    return _number_literal(str(n) if isinstance(n, int) else format(Decimal(n), "f"))


def _number_literal(text: str) -> exp.Expression:
    """A number literal from its plain digits (``exp.Literal.number`` parses each one back: slow
    for thousands of rows)."""
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal(this=text[1:], is_string=False))
    return exp.Literal(this=text, is_string=False)


@cache
def _parsed_type(name: str) -> exp.DataType:
    return exp.DataType.build(name)


def _type(name: str) -> exp.DataType:
    return _parsed_type(name).copy()


# -- rows ---------------------------------------------------------------------------


def _text_cell(reader: _Reader, column: TextColumn, bit: int) -> exp.Expression | None:
    """A string input's condition for one row: ``= 'NL'`` / ``IN (...)`` for the strings it names, or,
    when it accepts every other string (``TextColumn.other``), ``NOT IN`` the named strings it refuses."""
    if column.other & bit:
        refused = [v for v, mask in column.table.items() if not mask & bit]
        if not refused:
            return None
        if len(refused) == 1:
            return exp.NEQ(this=reader.value.copy(), expression=_text(refused[0]))
        return exp.Not(this=exp.In(this=reader.value.copy(), expressions=[_text(v) for v in refused]))
    accepted = [v for v, mask in column.table.items() if mask & bit]
    if not accepted:
        return exp.false()
    if len(accepted) == 1:
        return exp.EQ(this=reader.value.copy(), expression=_text(accepted[0]))
    return exp.In(this=reader.value.copy(), expressions=[_text(v) for v in accepted])


def _row_match(table: CompiledTable, row: int, readers: list[_Reader], words: tuple[_Word, ...] = ()) -> exp.Expression:
    """Whether row ``row`` matches, read from the compiled index (the same masks ``decide`` ANDs):
    one test per packed word (``_Word``: the row refuses none of the word's answers), then one
    condition per other input."""
    bit = 1 << row
    conditions: list[exp.Expression] = []
    packed: set[int] = set()
    for word in words:
        packed.update(word.bits)
        refused = _refused(table, word, bit)
        if refused:
            test = exp.BitwiseAnd(this=word.value_ref.copy(), expression=_number_literal(str(refused)))
            conditions.append(exp.EQ(this=exp.Paren(this=test), expression=_number_literal("0")))
    conditions += [
        c
        for position, (reader, column) in enumerate(zip(readers, table.columns))
        if position not in packed and (c := _cell(reader, column, row)) is not None
    ]
    return _and(conditions)


def _refused(table: CompiledTable, word: _Word, bit: int) -> int:
    """The bits of ``word`` that the row ``bit`` refuses (0: it accepts every answer the word packs)."""
    refused = 0
    for position, values in word.bits.items():
        column = table.columns[position]
        assert isinstance(column, ChoiceColumn)
        refused |= sum(b for v, b in values.items() if not column.table[v] & bit)
    return refused


def _cell(reader: _Reader, column: Column, row: int) -> exp.Expression | None:
    """The condition row ``row`` puts on one input (None: it accepts every answer)."""
    bit = 1 << row
    if isinstance(column, ChoiceColumn):
        accepted = [v for v, mask in column.table.items() if mask & bit]
        if len(accepted) == len(column.table):
            return None
        if not accepted:
            return exp.false()
        if reader.spec.type == "boolean":
            return reader.value.copy() if accepted == [True] else exp.Not(this=reader.value.copy())
        if len(accepted) == 1:
            return exp.EQ(this=reader.value.copy(), expression=_text(accepted[0]))
        return exp.In(this=reader.value.copy(), expressions=[_text(v) for v in accepted])
    if isinstance(column, TextColumn):
        return _text_cell(reader, column, bit)
    span = column.spans[row]  # the row's own run of segments: O(1), not a scan of every mask
    if span is None or span == (0, 2 * len(column.points)):
        return None
    if isinstance(span, Runs):  # a union condition: any of its runs (never adjacent, so none is the whole line)
        return exp.Paren(this=_or([_run(reader, column, run) for run in span.parts]))
    return _run(reader, column, span)


@dataclass(frozen=True, slots=True)
class _Bounds:
    """One run of a numeric column's segments as bounds (None: unbounded on that side); an integer
    input's are whole and closed."""

    lo: Num | None
    lo_closed: bool
    hi: Num | None
    hi_closed: bool


def _run_bounds(reader: _Reader, column: NumberColumn, span: Span) -> _Bounds | None:
    """The bounds of one run (None: ``EMPTY_SPAN``, or no whole number inside an integer's run)."""
    if span[0] > span[1]:
        return None
    lo = segment_bounds(column.points, span[0])
    hi = segment_bounds(column.points, span[1])
    if reader.spec.type != "integer":
        return _Bounds(lo.lo, lo.lo_closed, hi.hi, hi.hi_closed)
    least = None if lo.lo is None else (math.ceil(lo.lo) if lo.lo_closed else math.floor(lo.lo) + 1)
    most = None if hi.hi is None else (math.floor(hi.hi) if hi.hi_closed else math.ceil(hi.hi) - 1)
    if least is not None and most is not None and least > most:
        return None
    return _Bounds(least, True, most, True)


def _run(reader: _Reader, column: NumberColumn, span: Span) -> exp.Expression:
    """The predicate of one run of a numeric column's segments (``EMPTY_SPAN``: false; the whole line: true)."""
    bounds = _run_bounds(reader, column, span)
    if bounds is None:
        return exp.false()
    number = reader.number
    literal: Callable[[Num], exp.Expression]
    if reader.spec.type == "date":  # day numbers, written as the date reader's literals
        literal = lambda n: _day(n, reader.dialect)  # noqa: E731
    else:
        assert number is not None
        literal = lambda n: _short_number(n, number)  # noqa: E731
    lo, hi = bounds.lo, bounds.hi
    if reader.spec.type == "integer" and lo is not None and hi is not None:  # whole answers: one BETWEEN
        if lo == hi:
            return exp.EQ(this=reader.value.copy(), expression=literal(lo))
        return exp.Between(this=reader.value.copy(), low=literal(lo), high=literal(hi))
    parts: list[exp.Expression] = []
    compare: type[exp.Binary]
    if lo is not None:
        compare = exp.GTE if bounds.lo_closed else exp.GT
        parts.append(compare(this=reader.value.copy(), expression=literal(lo)))
    if hi is not None:
        compare = exp.LTE if bounds.hi_closed else exp.LT
        parts.append(compare(this=reader.value.copy(), expression=literal(hi)))
    return _and(parts)


# -- hit policies ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Result:
    outcome: exp.Expression
    rule: exp.Expression
    error: exp.Expression | None  # the hit-policy violation message, NULL otherwise
    values: tuple[tuple[str, exp.Expression], ...] = ()  # a table with outputs: (output id, its column)


@dataclass(frozen=True, slots=True)
class _Given:
    """What every row gives to one result column, as SQL: per row (table order) its item (None: a
    NULL item, an inline row's outcome) and that item as JSON text (SQLite's lists); the default's
    (``default`` None: no default; ``default_text`` its JSON)."""

    items: list[exp.Expression | None]
    texts: list[str]
    default: exp.Expression | None
    default_text: str
    has_default: bool


def _ranked(table: CompiledTable) -> list[int]:
    """The rows in the order the policy looks at them: by priority class (``priority``,
    ``output-order``: the outcomes' order, or with outputs ``CompiledTable.priority_rows``), rows of
    one class in table order; otherwise table order."""
    if not policy_of(table).by_priority:
        return list(range(len(table.rules)))
    return [r for rows in (table.priority_rows or table.outcome_rows) for r in bits(rows)]


def _outcome_given(table: CompiledTable) -> _Given:
    """The ``outcome`` column's items: the outcome id, NULL for a row (or default) giving values inline."""

    def item(result: int) -> exp.Expression | None:
        return _text(table.outcomes[result].id) if result < len(table.outcomes) else None

    def text(result: int) -> str:
        return json.dumps(table.outcomes[result].id) if result < len(table.outcomes) else "null"

    d = table.default
    return _Given(
        [item(r.then) for r in table.rules],
        [text(r.then) for r in table.rules],
        item(d) if d is not None else None,
        text(d) if d is not None else "",
        d is not None,
    )


def _givens(table: CompiledTable, dialect: str) -> list[tuple[str, _Given]]:
    """What the rows give to each result column: ``outcome``, then each output (by its id)."""
    types = _output_types(table, dialect)
    given = [("outcome", _outcome_given(table))]
    return given + [(o.id, _value_given(table, k, types[o.id], dialect)) for k, o in enumerate(table.outputs)]


def _names_outcomes(table: CompiledTable, outcome: _Given) -> bool:
    """Whether a row or the default names an outcome (else ``outcome`` is a text NULL: a NULL of no
    type would not write to Parquet)."""
    return not table.outputs or any(i is not None for i in outcome.items + [outcome.default])


def _policy(
    table: CompiledTable,
    matches: list[exp.Expression],
    dialect: str,
    once: bool = True,
    stage: Callable[[str, exp.Expression], exp.Expression] | None = None,
) -> _Result:
    """The policy's columns over the rows' ``matches``; ``once``: ``unique`` reads each match once per
    column (``_unique``: small SQL, quick to plan), else as a short-circuiting ``CASE`` (faster to run
    for a small table, several readings of each match). ``stage`` (DuckDB, ``staged_trees``): ``unique``
    computes the first and the last matching row once (``stage(name, expression)`` gives the
    expression's shared column), and each column looks its value up by the first."""
    rule_of = [r.id for r in table.rules]
    policy = policy_of(table)
    if isinstance(policy, Aggregated):
        types = _output_types(table, dialect)
        return _aggregate(table, policy.how, matches, types[table.outputs[0].id], dialect)
    given = _givens(table, dialect)
    order = _ranked(table)
    if policy.collects:  # collect (table order), output-order (priority order)
        return _collect(table, [matches[n] for n in order], given, [rule_of[n] for n in order], dialect)
    columns = [_case([(matches[n].copy(), _item(g.items[n])) for n in order], g.default) for _, g in given]
    outcome = columns[0] if _names_outcomes(table, given[0][1]) else exp.cast(exp.Null(), "VARCHAR")
    rule = _case([(matches[n].copy(), _text(rule_of[n])) for n in order])
    values = tuple((alias, column) for (alias, _), column in zip(given[1:], columns[1:]))
    if policy.name in ("first", "priority"):
        return _Result(outcome, rule, None, values)
    if policy.name == "unique" and once:
        return _unique(table, matches, given, rule_of, dialect)
    if policy.name == "unique":  # two rows match when the first match is not the last one
        first = _case([(m.copy(), exp.Literal.number(n + 1)) for n, m in enumerate(matches)])
        last = _case([(m.copy(), exp.Literal.number(n + 1)) for n, m in reversed(list(enumerate(matches)))])
        if stage is not None and matches:
            first, last = stage("f", first), stage("l", last)
            none = exp.Is(this=first.copy(), expression=exp.Null())

            def looked_up(values: list[exp.Expression], default: exp.Expression | None) -> exp.Expression:
                return _case([(none.copy(), default.copy())] if default is not None else [], _at(values, first.copy()))

            columns = [looked_up([_item(i) for i in g.items], g.default) for _, g in given]
            outcome = columns[0] if _names_outcomes(table, given[0][1]) else exp.cast(exp.Null(), "VARCHAR")
            rule = looked_up([_text(r) for r in rule_of], None)
            values = tuple((alias, column) for (alias, _), column in zip(given[1:], columns[1:]))
        violated: exp.Expression = exp.NEQ(this=first, expression=last)
        reason = "more than one row matches"
    elif table.outputs:  # any: two matching rows that do not agree (policies.agree, pair by pair)
        disagreeing = _disagreeing(table, matches)
        if disagreeing is None:
            return _Result(outcome, rule, None, values)
        violated = disagreeing
        reason = "matching rows disagree"
    else:  # any: more than one outcome among the matching rows (few outcomes: a short sum)
        outcome_of = [table.outcomes[r.then].id for r in table.rules]
        counted = [
            _one_if(_or([matches[n].copy() for n in range(len(matches)) if outcome_of[n] == o]))
            for o in dict.fromkeys(outcome_of)
        ]
        violated = exp.GT(this=_sum(counted), expression=exp.Literal.number(1))
        reason = "matching rows disagree"
    label_of = [result_label(table, r.then) for r in table.rules]  # the engine's message (policies.violation)
    pieces = [_case([(m.copy(), _text(f"{rule_of[n]} → {label_of[n]}, "))], _text("")) for n, m in enumerate(matches)]
    listing = _fill("TRIM(TRAILING ', ' FROM :s)", s=_concat(pieces, dialect))  # ids and labels never end in ',' or ' '
    message = _concat([_text(f"hit policy '{policy.name}' violated: {reason} ("), listing, _text(")")], dialect)
    return _Result(
        _case([(violated.copy(), exp.Null())], outcome),
        _case([(violated.copy(), exp.Null())], rule),
        _when(violated, message),
        tuple((alias, _case([(violated.copy(), exp.Null())], column)) for alias, column in values),
    )


def _joined(matches: list[exp.Expression], texts: list[str], dialect: str) -> exp.Expression:
    """The texts of the matching rows, concatenated in order ('' when none match): each match read
    once. ``CONCAT`` skips NULL (Spark: ``CONCAT_WS('', ...)``); PostgreSQL takes at most 100
    arguments, so nested by 100; SQLite has no ``concat``: ``||`` as a balanced, parenthesised tree."""
    if dialect == "sqlite":
        pieces = [_rendered(_case([(m.copy(), _text(t))], _text("")), dialect) for m, t in zip(matches, texts)]
        if not pieces:
            return _text("")

        def tree(items: list[exp.Expression]) -> exp.Expression:
            if len(items) == 1:
                return items[0]
            half = len(items) // 2
            return exp.Paren(this=exp.DPipe(this=tree(items[:half]), expression=tree(items[half:])))

        return tree(pieces)
    parts: list[exp.Expression] = [_rendered(_when(m.copy(), _text(t)), dialect) for m, t in zip(matches, texts)]
    if not parts:
        return _text("")
    while dialect == "postgres" and len(parts) > 100:
        parts = [_concat_skipping(parts[k : k + 100], dialect) for k in range(0, len(parts), 100)]
    return _concat_skipping(parts, dialect)


def _concat_skipping(parts: list[exp.Expression], dialect: str) -> exp.Expression:
    if dialect == "spark":
        return exp.Anonymous(this="CONCAT_WS", expressions=[_text(""), *parts])
    return exp.Anonymous(this="CONCAT", expressions=parts)


def _unique(
    table: CompiledTable,
    matches: list[exp.Expression],
    given: list[tuple[str, _Given]],
    rule_of: list[str],
    dialect: str,
) -> _Result:
    """``unique`` with each row's match read once per column: the column binds ``s``, the matching
    rows' positions as text (``'3,'``, ``'3,7,'``; ``_joined``), and looks it up: a single match is
    one of the texts ``'n,'``, none is ``''``, and two or more are neither, so every lookup misses
    (NULL) without a count. The error binds the engine's listing (``'r3 → a, r7 → b, '``): the
    policy is broken when it is neither empty nor one row's piece (a piece begins with its rule's
    id, a slug, then ``' → '``, so two pieces never read as one)."""
    keys = [f"{n}," for n in range(len(matches))]
    positions = _joined(matches, keys, dialect)
    s = _field(dialect, "c", "s")

    def looked_up(g: _Given) -> exp.Expression:
        groups: dict[str, tuple[exp.Expression, list[str]]] = {}
        for n, item in enumerate(g.items):
            if item is not None:
                groups.setdefault(item.sql(dialect=dialect, copy=False), (item, []))[1].append(keys[n])
        branches: list[tuple[exp.Expression, exp.Expression]] = []
        if g.default is not None:
            branches.append((exp.EQ(this=s.copy(), expression=_text("")), g.default.copy()))
        for item, group in groups.values():
            test = (
                exp.EQ(this=s.copy(), expression=_text(group[0]))
                if len(group) == 1
                else exp.In(this=s.copy(), expressions=[_text(k) for k in group])
            )
            branches.append((test, item.copy()))
        return _bind(dialect, "c", (("s", positions.copy()),), _case(branches))

    columns = [looked_up(g) for _, g in given]
    outcome = columns[0] if _names_outcomes(table, given[0][1]) else exp.cast(exp.Null(), "VARCHAR")
    rule = _bind(
        dialect,
        "c",
        (("s", positions.copy()),),
        exp.Case(this=s.copy(), ifs=[exp.If(this=_text(k), true=_text(r)) for k, r in zip(keys, rule_of)])
        if keys
        else exp.Null(),
    )
    label_of = [result_label(table, r.then) for r in table.rules]  # the engine's message (policies.violation)
    pieces = [f"{rule_of[n]} → {label_of[n]}, " for n in range(len(matches))]
    listing = _joined(matches, pieces, dialect)
    broken = _and(
        [
            exp.NEQ(this=s.copy(), expression=_text("")),
            exp.Not(this=exp.In(this=s.copy(), expressions=[_text(p) for p in pieces])) if pieces else exp.true(),
        ]
    )
    shown = _fill("TRIM(TRAILING ', ' FROM :s)", s=s)  # ids and labels never end in ',' or ' '
    message = _concat([_text("hit policy 'unique' violated: more than one row matches ("), shown, _text(")")], dialect)
    error = _bind(dialect, "c", (("s", listing),), _when(broken, message))
    values = tuple((alias, column) for (alias, _), column in zip(given[1:], columns[1:]))
    return _Result(outcome, rule, error, values)


# -- rows as data (DuckDB) --------------------------------------------------------------

DATA_DIALECTS = ("duckdb",)  # the rows as one constant list, filtered by one lambda (``_rows_as_data``)
DATA_POLICIES = ("unique", "first", "priority")
MAX_ITEMS_PER_ROW = 64  # a row's combinations of runs; past it, the row's condition is written instead


def _rows_as_data(table: CompiledTable, scope: _Scope) -> exp.Expression | None:
    """The rows matching the bound answers, as the list of their positions in the policy's order
    (``_ranked``, 1-based): ``LIST_TRANSFORM(LIST_FILTER(CAST('[{r: 1, w0: 531611567, a5: 8790,
    z5: 9792}, ...]' AS STRUCT(...)[]), LAMBDA p : <one condition over p>), LAMBDA p : (p).r)``.

    Why: DuckDB binds and optimises each expression of a query one by one, about 0.2 ms a row
    condition, so a column over 1,000 rows' conditions takes most of a second to plan; the same
    rows as one constant (one cast of one string) under one condition plan in milliseconds
    (issue 22). The condition reads each packed word against the item's refused bits (``_Word``)
    and each numeric input against the item's bounds (``_run_bounds``; NULL: unbounded). A row
    with a union condition is one item per combination of its runs; one input's runs never
    overlap, so a row matches through at most one item and the list holds each matching row
    once. None when an input is neither packed nor numeric (a string input, a choice of more than
    62 options), or a row has more than ``MAX_ITEMS_PER_ROW`` items: the caller then writes each
    row's condition."""
    dialect = scope.dialect
    order = _ranked(table)
    if not order:
        return None
    packed = {position for word in scope.words for position in word.bits}
    numeric: list[tuple[int, _Reader, NumberColumn]] = []
    for position, (reader, column) in enumerate(zip(scope.readers, table.columns)):
        if position in packed:
            continue
        if not isinstance(column, NumberColumn):
            return None
        numeric.append((position, reader, column))
    words = [[_refused(table, word, 1 << row) for row in range(len(table.rules))] for word in scope.words]

    def number_text(reader: _Reader, n: Num | None) -> str:
        if n is None:
            return "NULL"
        if reader.spec.type == "date":
            return dates.format_day(int(n))
        return str(n) if isinstance(n, int) else format(Decimal(n), "f")

    items: list[str] = []
    for k, row in enumerate(order, start=1):
        combinations: list[list[str]] = [[f"r: {k}"] + [f"w{n}: {refused[row]}" for n, refused in enumerate(words)]]
        for position, reader, column in numeric:
            span = column.spans[row]
            if span is None or span == (0, 2 * len(column.points)):
                runs: list[_Bounds | None] = [_Bounds(None, True, None, True)]
            else:
                runs = [
                    _run_bounds(reader, column, part) for part in (span.parts if isinstance(span, Runs) else (span,))
                ]
            fields = [
                [
                    f"a{position}: {number_text(reader, b.lo)}",
                    f"z{position}: {number_text(reader, b.hi)}",
                    f"ac{position}: {str(b.lo_closed).lower()}",
                    f"zc{position}: {str(b.hi_closed).lower()}",
                ]
                for b in runs
                if b is not None
            ]
            combinations = [c + f for c in combinations for f in fields]
            if len(combinations) > MAX_ITEMS_PER_ROW:
                return None
        items += ["{" + ", ".join(c) + "}" for c in combinations]
    types = ["r INT"] + [f"w{n} BIGINT" for n in range(len(words))]

    def p(name: str) -> exp.Expression:
        return _field(dialect, "p", name)

    conditions: list[exp.Expression] = [
        exp.EQ(
            this=exp.Paren(this=exp.BitwiseAnd(this=word.value_ref.copy(), expression=p(f"w{n}"))),
            expression=_number_literal("0"),
        )
        for n, word in enumerate(scope.words)
    ]
    for position, reader, _column in numeric:
        kind = "DATE" if reader.spec.type == "date" else (reader.number or NumberType(0, PRECISION)).sql_type
        types += [f"a{position} {kind}", f"z{position} {kind}", f"ac{position} BOOLEAN", f"zc{position} BOOLEAN"]
        x = reader.value
        for bound, closed, strict, loose in (("a", "ac", exp.GT, exp.GTE), ("z", "zc", exp.LT, exp.LTE)):
            b = p(f"{bound}{position}")
            holds: exp.Expression = exp.Or(
                this=strict(this=x.copy(), expression=b.copy()),
                expression=exp.And(
                    this=p(f"{closed}{position}"), expression=exp.EQ(this=x.copy(), expression=b.copy())
                ),
            )
            if reader.spec.type == "integer":  # whole, closed bounds
                holds = loose(this=x.copy(), expression=b.copy())
            conditions.append(
                exp.Paren(this=exp.Or(this=exp.Is(this=b, expression=exp.Null()), expression=exp.Paren(this=holds)))
            )
    data = exp.cast(
        _text("[" + ", ".join(items) + "]"), exp.DataType.build(f"STRUCT({', '.join(types)})[]", dialect=dialect)
    )
    matching = exp.ArrayFilter(
        this=data, expression=exp.Lambda(this=_and(conditions), expressions=[exp.to_identifier("p")])
    )
    return exp.Transform(this=matching, expression=exp.Lambda(this=p("r"), expressions=[exp.to_identifier("p")]))


def _from_positions(table: CompiledTable, positions: exp.Expression, dialect: str) -> _Result:
    """``unique``, ``first`` and ``priority`` over the matching rows' positions (``_rows_as_data``),
    bound once per column as ``c.s``: each column looks its value up in one list of the rows'
    values (``first``, ``priority``: the first position; ``unique``: the only one, and with two or
    more the error lists them, the engine's message)."""
    order = _ranked(table)
    rule_of = [r.id for r in table.rules]
    unique = policy_of(table).name == "unique"
    s = _field(dialect, "c", "s")
    count = exp.Anonymous(this="LEN", expressions=[s.copy()])

    def looked_up(values: list[exp.Expression], default: exp.Expression | None) -> exp.Expression:
        value = _at(values, exp.Anonymous(this="LIST_EXTRACT", expressions=[s.copy(), exp.Literal.number(1)]))
        branches: list[tuple[exp.Expression, exp.Expression]] = []
        if default is not None:
            branches.append((exp.EQ(this=count.copy(), expression=exp.Literal.number(0)), default.copy()))
        if unique:
            branches.append((exp.EQ(this=count.copy(), expression=exp.Literal.number(1)), value))
            return _bind(dialect, "c", (("s", positions.copy()),), _case(branches))
        return _bind(dialect, "c", (("s", positions.copy()),), _case(branches, value) if branches else value)

    given = _givens(table, dialect)
    columns = [looked_up([_item(g.items[n]) for n in order], g.default) for _, g in given]
    outcome = columns[0] if _names_outcomes(table, given[0][1]) else exp.cast(exp.Null(), "VARCHAR")
    rule = looked_up([_text(rule_of[n]) for n in order], None)
    values = tuple((alias, column) for (alias, _), column in zip(given[1:], columns[1:]))
    if not unique:
        return _Result(outcome, rule, None, values)
    pieces: list[exp.Expression] = [_text(f"{rule_of[n]} → {result_label(table, table.rules[n].then)}") for n in order]
    listed = exp.Transform(
        this=s.copy(),
        expression=exp.Lambda(this=_at(pieces, exp.to_identifier("q")), expressions=[exp.to_identifier("q")]),
    )
    shown = exp.Anonymous(this="ARRAY_TO_STRING", expressions=[listed, _text(", ")])
    message = _concat([_text("hit policy 'unique' violated: more than one row matches ("), shown, _text(")")], dialect)
    broken = exp.GT(this=count, expression=exp.Literal.number(1))
    return _Result(outcome, rule, _bind(dialect, "c", (("s", positions),), _when(broken, message)), values)


def _at(values: list[exp.Expression], index: exp.Expression) -> exp.Expression:
    """``LIST_EXTRACT([values], index)``: the value at a 1-based position (NULL: none there)."""
    return exp.Anonymous(this="LIST_EXTRACT", expressions=[exp.Array(expressions=values), index])


def _item(item: exp.Expression | None) -> exp.Expression:
    return item.copy() if item is not None else exp.Null()


def _disagreeing(table: CompiledTable, matches: list[exp.Expression]) -> exp.Expression | None:
    """Whether two matching rows disagree (``CompiledTable.agree_rows``; agreement is not
    transitive, so per result: one of its rows matches and so does a row that does not agree with
    it). None when every two rows of the table agree."""
    terms: list[exp.Expression] = []
    for result in dict.fromkeys(r.then for r in table.rules):
        own = [matches[n].copy() for n, r in enumerate(table.rules) if r.then == result]
        others = [matches[n].copy() for n in range(len(matches)) if not table.agree_rows[result] >> n & 1]
        if others:
            terms.append(exp.And(this=exp.Paren(this=_or(own)), expression=exp.Paren(this=_or(others))))
    return exp.Paren(this=_or(terms)) if terms else None


def _collect(
    table: CompiledTable,
    matches: list[exp.Expression],
    given: list[tuple[str, _Given]],
    rule_of: list[str],
    dialect: str,
) -> _Result:
    """Lists of the matching rows' outcomes, ids and values, ``matches`` in the policy's order (SQLite:
    JSON array text); with no match the default's one item (``rule`` empty)."""
    none_match = exp.Not(this=exp.Paren(this=_or([m.copy() for m in matches])))
    order = _ranked(table)  # given's items are in table order, ``matches`` already in this order
    columns = []
    for _, g in given:
        column = _listed(matches, [g.items[k] for k in order], [g.texts[k] for k in order], dialect)
        if g.has_default:
            if dialect == "sqlite":
                fallback: exp.Expression = _text("[" + g.default_text + "]")
            else:
                fallback = exp.Array(expressions=[g.default if g.default is not None else _null_text()])
            column = _case([(none_match.copy(), fallback)], column)
        columns.append(column)
    rule = _listed(matches, [_text(r) for r in rule_of], [json.dumps(r) for r in rule_of], dialect)
    values = tuple((alias, column) for (alias, _), column in zip(given[1:], columns[1:]))
    return _Result(columns[0], rule, None, values)


def _null_text() -> exp.Expression:
    return exp.cast(exp.Null(), "VARCHAR")


def _listed(
    matches: list[exp.Expression], items: list[exp.Expression | None], texts: list[str], dialect: str
) -> exp.Expression:
    """The items of the matching rows, in order: an array (SQLite: JSON array text). An item None is
    a NULL in the list (an inline row's outcome): written as ``''`` (no outcome id is empty), kept
    by the filter that drops the rows that do not match, then turned back into NULL."""
    if dialect == "sqlite":  # no arrays: '["a","b"]' built from pieces '"a",'
        pieces = [_case([(m.copy(), _text(t + ","))], _text("")) for m, t in zip(matches, texts)]
        joined = _fill("TRIM(TRAILING ',' FROM :s)", s=_concat(pieces, dialect))
        return _concat([_text("["), joined, _text("]")], dialect)
    nullable = any(i is None for i in items)
    array = exp.Array(
        expressions=[_case([(m.copy(), i.copy() if i is not None else _text(""))]) for m, i in zip(matches, items)]
    )
    x = exp.to_identifier("x")
    kept = exp.Lambda(this=exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null())), expressions=[x.copy()])
    if not nullable:
        return exp.ArrayFilter(this=array, expression=kept)
    if dialect == "postgres":  # no lambdas: the filter's own form, with NULLIF
        return _postgres_unnest().transform(lambda node: array if isinstance(node, exp.Placeholder) else node)
    restored = exp.Lambda(this=exp.Nullif(this=x.copy(), expression=_text("")), expressions=[x.copy()])
    return exp.Transform(this=exp.ArrayFilter(this=array, expression=kept), expression=restored)


@cache
def _postgres_unnest() -> exp.Expression:
    return _parsed(
        sqlglot.parse_one("ARRAY(SELECT NULLIF(x, '') FROM UNNEST(:a) AS _t0(x) WHERE NOT x IS NULL)", read="postgres")
    )


# -- output values ------------------------------------------------------------------------

INT64 = 2**63 - 1
"""The largest BIGINT (and SQLite INTEGER): an integer output beyond it is a DECIMAL(38, 0)."""


@dataclass(frozen=True, slots=True)
class _OutputType:
    """How one output's values are written in SQL: ``kind`` ``decimal`` (``DECIMAL(38, scale)``;
    SQLite: a number literal, a double or an integer), ``bigint``, ``boolean``, ``date`` or ``text``."""

    kind: str
    scale: int = 0

    @property
    def sql_type(self) -> str:
        return f"DECIMAL({PRECISION}, {self.scale})" if self.kind == "decimal" else self.kind.upper()


def _output_types(table: CompiledTable, dialect: str) -> dict[str, _OutputType]:
    """Each output's SQL type, from every value the table gives it (its results: rows, outcomes, default)."""
    out: dict[str, _OutputType] = {}
    for k, spec in enumerate(table.outputs):
        given = [r.values[k][1] for r in table.results]
        if spec.type in ("number", "integer"):
            out[spec.id] = _numeric_type(spec.id, spec.type, given, dialect)
        elif spec.type in ("boolean", "date"):
            out[spec.id] = _OutputType(spec.type)
        else:
            out[spec.id] = _OutputType("text")
    return out


def _numeric_type(output: str, type_: str, given: list[Any], dialect: str) -> _OutputType:
    """``BIGINT`` for an integer output whose values fit, else ``DECIMAL(38, s)`` with ``s`` the
    most decimal places a value has; beyond 38 digits (SQLite: an integer beyond 64 bits, a number
    of more than 15 significant digits) ``NotExpressible``."""
    if type_ == "integer" and all(abs(v) <= INT64 for v in given):
        return _OutputType("bigint")
    if dialect == "sqlite":
        wide = [v for v in given if _significant(v) > SQLITE_DIGITS or (isinstance(v, int) and abs(v) > INT64)]
        if wide:
            raise NotExpressible(
                f"output {output}: {format_number(wide[0])} has more than {SQLITE_DIGITS} significant digits, which SQLite cannot hold exactly"
            )
    scale = max((_scale(v) for v in given), default=0)
    digits = max((_integer_digits(v) for v in given), default=1)
    if scale + digits > PRECISION:
        raise NotExpressible(
            f"output {output}: its values need {digits} integer digits and {scale} decimal places; SQL's DECIMAL({PRECISION}) holds {PRECISION} digits"
        )
    return _OutputType("decimal", scale)


def _value(value: Any, kind: _OutputType, dialect: str) -> exp.Expression:
    """One output value as a literal of its column's type: ``CAST('4.9' AS DECIMAL(38, 1))``,
    ``CAST(5 AS BIGINT)``, ``TRUE``, ``CAST('2025-01-01' AS DATE)``, ``'express'`` (SQLite: the
    number, ``1``/``0`` by ``TRUE``/``FALSE``, the date's text)."""
    if kind.kind == "decimal":
        text = _plain(value)
        return exp.Literal.number(text) if dialect == "sqlite" else exp.Cast(this=_text(text), to=_type(kind.sql_type))
    if kind.kind == "bigint":
        literal = exp.Literal.number(str(value))
        return literal if dialect == "sqlite" else exp.Cast(this=literal, to=_type("BIGINT"))
    if kind.kind == "boolean":
        return exp.true() if value else exp.false()
    if kind.kind == "date":
        return _text(value) if dialect == "sqlite" else exp.Cast(this=_text(value), to=_type("DATE"))
    return _text(value)


def _plain(n: Any) -> str:
    """An exact number as plain digits, never an exponent (``4.9``, ``-0.5``, ``12``)."""
    return str(n) if isinstance(n, int) else format(Decimal(n), "f")


def _value_text(value: Any) -> str:
    """One output value as JSON text, exactly (SQLite's lists): a number's own digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return _plain(value)
    return json.dumps(value)


def _value_given(table: CompiledTable, k: int, kind: _OutputType, dialect: str) -> _Given:
    """Output ``k``'s column items: every row's value, and the default's."""
    results = table.results

    def item(result: int) -> exp.Expression:
        return _value(results[result].values[k][1], kind, dialect)

    d = table.default
    return _Given(
        [item(r.then) for r in table.rules],
        [_value_text(results[r.then].values[k][1]) for r in table.rules],
        item(d) if d is not None else None,
        _value_text(results[d].values[k][1]) if d is not None else "",
        d is not None,
    )


def _aggregate(
    table: CompiledTable, how: str, matches: list[exp.Expression], kind: _OutputType, dialect: str
) -> _Result:
    """``collect`` with ``aggregate`` (``policies.Aggregated``, ``result_of``): ``outcome`` NULL,
    ``rule`` the list of the matching rows (table order), the one output's column the number: the
    matches' count (0 without one), or their values' sum, least or greatest, exactly; with no match
    the default's value (NULL without a default)."""
    output = table.outputs[0].id
    rule_of = [r.id for r in table.rules]
    rule = _listed(matches, [_text(r) for r in rule_of], [json.dumps(r) for r in rule_of], dialect)
    outcome = _null_text()
    if how == "count":
        count = _sum([_one_if(m) for m in matches])
        total = count if dialect == "sqlite" else exp.Cast(this=count, to=_type("BIGINT"))
        return _Result(outcome, rule, None, ((output, total),))
    given = [table.results[r.then].values[0][1] for r in table.rules]
    default = _value(table.results[table.default].values[0][1], kind, dialect) if table.default is not None else None
    if how in ("min", "max"):  # the best value some matching row gives: a CASE over the distinct values
        ranked = sorted(set(given), reverse=how == "max")
        branches = [
            (_or([m.copy() for m, v in zip(matches, given) if v == best]), _value(best, kind, dialect))
            for best in ranked
        ]
        return _Result(outcome, rule, None, ((output, _case(branches, default)),))
    total = _exact_sum(output, matches, given, kind, dialect)
    none_match = exp.Not(this=exp.Paren(this=_or([m.copy() for m in matches])))
    return _Result(outcome, rule, None, ((output, _case([(none_match, default or exp.Null())], total)),))


def _exact_sum(
    output: str, matches: list[exp.Expression], given: list[Any], kind: _OutputType, dialect: str
) -> exp.Expression:
    """The sum of the matching rows' values, exact: each term ``DECIMAL(p, s)`` with ``p`` the digits
    the largest possible sum needs (at most 37), every partial sum cast back to it, so that no
    database widens past 38 digits (where Spark would round); a ``BIGINT`` sum when it fits.
    SQLite: integers scaled by ``10^s``, added, then divided by ``10^s``: the double nearest the
    exact sum (at most 15 digits). ``NotExpressible`` when the largest possible sum does not fit."""
    bound = sum((abs(v) for v in given), start=Decimal(0))
    scale = kind.scale
    if dialect == "sqlite":
        scaled = bound.scaleb(scale)
        if scaled >= 10**SQLITE_DIGITS:
            raise NotExpressible(
                f"output {output}: a sum of its values can need more than {SQLITE_DIGITS} digits, which SQLite cannot hold exactly"
            )
        terms = [
            _case([(m.copy(), exp.Literal.number(str(int(Decimal(v).scaleb(scale)))))], exp.Literal.number(0))
            for m, v in zip(matches, given)
        ]
        total = _sum(terms)
        return exp.Div(this=total, expression=exp.Literal.number("1" + "0" * scale + ".0")) if scale else total
    if kind.kind == "bigint" and bound <= INT64:
        zero = exp.Cast(this=exp.Literal.number(0), to=_type("BIGINT"))
        return _sum([_case([(m.copy(), _value(v, kind, dialect))], zero.copy()) for m, v in zip(matches, given)])
    digits = max(_integer_digits(bound), 1) + scale
    if digits > PRECISION - 1:
        raise NotExpressible(
            f"output {output}: a sum of its values can need {digits} digits; SQL's DECIMAL({PRECISION}) holds {PRECISION}"
        )
    part = f"DECIMAL({digits}, {scale})"
    terms = [
        _case([(m.copy(), exp.Cast(this=_text(_plain(v)), to=_type(part)))], exp.Cast(this=_text("0"), to=_type(part)))
        for m, v in zip(matches, given)
    ]

    def add(items: list[exp.Expression]) -> exp.Expression:
        if len(items) == 1:
            return items[0]
        half = len(items) // 2
        return exp.Cast(this=exp.Add(this=add(items[:half]), expression=add(items[half:])), to=_type(part))

    return exp.Cast(this=add(terms), to=_type(f"DECIMAL({PRECISION}, {scale})"))


def _one_if(condition: exp.Expression) -> exp.Expression:
    return _case([(condition.copy(), exp.Literal.number(1))], exp.Literal.number(0))


def _balanced(kind: type[exp.Expression], items: list[exp.Expression]) -> exp.Expression:
    """``a op b op c ...`` for an associative ``op`` as a balanced tree: thousands of rows stay
    a few dozen levels deep (a left-deep chain would exhaust Python's recursion in sqlglot)."""
    if len(items) == 1:
        return items[0]
    half = len(items) // 2
    return kind(this=_balanced(kind, items[:half]), expression=_balanced(kind, items[half:]))


def _and(items: list[exp.Expression]) -> exp.Expression:
    return _balanced(exp.And, items) if items else exp.true()


def _or(items: list[exp.Expression]) -> exp.Expression:
    return _balanced(exp.Or, items) if items else exp.false()


def _sum(terms: list[exp.Expression]) -> exp.Expression:
    return exp.Paren(this=_balanced(exp.Add, terms))


def _concat(parts: list[exp.Expression], dialect: str) -> exp.Expression:
    """Strings joined: one flat ``CONCAT(...)`` (DuckDB plans thousands of nested ``||`` very slowly),
    or, in SQLite (no ``concat`` before 3.44), ``||`` as a balanced tree (its depth limit is 1000)."""
    if dialect == "sqlite":
        return _balanced(exp.DPipe, parts)
    return exp.Anonymous(this="CONCAT", expressions=parts)
