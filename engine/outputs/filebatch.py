"""Decide every row of a CSV or Parquet file with DuckDB, running the table's SQL.

``run`` reads the input with DuckDB (CSV cells as text, exactly as written;
Parquet columns as stored), adds the columns ``outcome``, ``rule`` and
``error`` and, in a table with outputs, one column per output (named by its
id), computed by ``sql.staged_trees`` (the engine's semantics, see
``engine/outputs/sql.py``; what the columns share computed once per row in a
subquery, ``staged_select``) and writes every input column plus those to the
output, in the format its extension names: one ``COPY (SELECT ...) TO``,
which DuckDB runs multi-threaded and streaming, spilling to a private
temporary folder rather than holding the file in memory.

Row order is kept by default (DuckDB's ``preserve_insertion_order``): output
row N is input row N, at the cost of buffering out-of-order chunks between
threads; ``keep_order=False`` lets rows leave in any order, with less memory.

In a CSV file an empty cell is a null (an error for every input type); the
lists of a ``collect`` or ``output-order`` table (and an aggregate's ``rule``)
are written as JSON array text there, and as lists in Parquet. Output values
keep their SQL types in Parquet (``DECIMAL(38, s)``, ``BIGINT``, ``BOOLEAN``,
``DATE``, text); in a CSV a number is written as its decimal, to its
output's ``s`` places (``4.90``: exact, as the engine's ``4.9``). The file must
have a column for every input (matched case-insensitively, as DuckDB binds
names); none may be called ``outcome``, ``rule``, ``error`` or like an output. The output is written atomically (``atomic``); an
output that is a FIFO or a device (through a ``.csv``/``.parquet`` symlink)
is written in the system's temporary folder first and then copied into it.
A path is a path: DuckDB would glob ``*``, ``?`` and ``[...]`` in it, so the
input (and the temporary output, read back to count errors) are read through
symlinks without such characters.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from crossroads.engine.atomic import replace_atomic
from crossroads.engine.table.compiler import CompiledTable
from crossroads.engine.errors import DataError
from crossroads.engine.table.policies import policy_of

FORMATS = {".csv": "csv", ".parquet": "parquet"}
INSTALL = "pip install 'crossroads[data]'"
_POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class Summary:
    rows: int
    errors: int  # rows whose ``error`` is not null


def file_format(path: str) -> str | None:
    """``csv`` or ``parquet`` by the file's extension (any case); None for anything else."""
    return FORMATS.get(os.path.splitext(path)[1].lower())


def run(
    table: CompiledTable,
    source: str,
    target: str,
    *,
    keep_order: bool = True,
    progress: Callable[[float], None] | None = None,
) -> Summary:
    """Decide every row of ``source`` into ``target``; ``progress(percent)`` is called while it runs.

    Raises ``DataError`` (usage) when DuckDB is missing, a format is not
    supported, the input cannot be read or lacks a column for an input.
    """
    in_format, out_format = file_format(source), file_format(target)
    if in_format is None or out_format is None:
        bad = source if in_format is None else target
        raise DataError(f"{bad}: not a .csv or .parquet file")
    if not os.path.isfile(source):
        raise DataError(f"{source}: no such file" if not os.path.exists(source) else f"{source}: not a regular file")
    try:
        import duckdb
    except ImportError:
        raise DataError(f"{source}: reading {in_format.upper()} files needs DuckDB: {INSTALL}") from None
    from sqlglot import exp

    from crossroads.engine.outputs import sql

    spill = tempfile.mkdtemp(prefix="crossroads-duckdb-")
    try:
        con = duckdb.connect(":memory:", config={"preserve_insertion_order": keep_order, "temp_directory": spill})
        try:
            # progress is tracked for query_progress(), never printed by DuckDB itself
            con.execute(
                f"SET enable_progress_bar = {str(progress is not None).lower()}; SET enable_progress_bar_print = false"
            )
            # headroom for very large tables' expressions (DuckDB's default limit is 1000 levels)
            con.execute(f"SET max_expression_depth = {1000 + 4 * len(table.rules)}")
            link = _literal(con, spill, source, f"input.{in_format}")
            reader = _reader(in_format, link)
            names = _column_names(con, duckdb, table, source, link)
            types = {i.id: names[i.id.casefold()] for i in table.inputs}
            prefix = _unused_prefix(names)
            stage, trees = sql.staged_trees(table, prefix, types=types)  # the fastest over many rows
            if out_format == "csv":  # lists as JSON text in a CSV cell
                for alias in _list_columns(table):
                    trees[alias] = exp.Alias(
                        this=exp.cast(exp.func("to_json", trees[alias].this), "VARCHAR"), alias=exp.to_identifier(alias)
                    )
            query = staged_select(stage, list(trees.values()), reader)
            counts: dict[str, int] = {}

            def fill(tmp: str) -> None:
                options = "FORMAT csv, HEADER true" if out_format == "csv" else "FORMAT parquet"
                copied = _execute(con, duckdb, f"COPY ({query}) TO {_quote(tmp)} ({options})", progress, source, link)
                counts["rows"] = int(copied[0][0]) if copied else 0
                written = _reader(out_format, _literal(con, spill, tmp, f"output.{out_format}"))
                errors = con.execute(f"SELECT count(error) FROM {written}").fetchone()
                assert errors is not None  # an aggregate without GROUP BY gives one row
                counts["errors"] = int(errors[0])

            replace_atomic(target, fill)
        finally:
            con.close()
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return Summary(counts["rows"], counts["errors"])


def staged_select(stage: dict[str, Any], trees: list[Any], reader: str) -> str:
    """``SELECT * EXCLUDE (<stage>), <trees> FROM (SELECT *, <stage> FROM <reader>)``: the stage's
    columns (``sql.staged_trees``) computed once per row, read by every result column, dropped
    from the output."""
    from sqlglot import exp

    results = ", ".join(t.sql(dialect="duckdb") for t in trees)
    if not stage:
        return f"SELECT *, {results} FROM {reader}"
    shared = ", ".join(exp.alias_(t, n, quoted=True).sql(dialect="duckdb") for n, t in stage.items())
    dropped = ", ".join(exp.to_identifier(n, quoted=True).sql(dialect="duckdb") for n in stage)
    return f"SELECT * EXCLUDE ({dropped}), {results} FROM (SELECT *, {shared} FROM {reader})"


def _list_columns(table: CompiledTable) -> list[str]:
    """The result columns that hold lists: under ``collect`` and ``output-order`` ``outcome``, ``rule``
    and every output; under an aggregate ``rule`` alone (its output is a number)."""
    policy = policy_of(table)
    if not policy.collects:
        return []
    if policy.folds:
        return ["rule"]
    return ["outcome", "rule", *(o.id for o in table.outputs)]


def _quote(text: str) -> str:
    """A DuckDB string literal (standard SQL: quotes doubled, backslashes literal)."""
    return "'" + text.replace("'", "''") + "'"


def _literal(con: Any, spill: str, path: str, name: str) -> str:
    """A name by which DuckDB reads exactly ``path``: a symlink to it in the private ``spill`` folder.

    DuckDB's readers treat ``*``, ``?`` and ``[...]`` in a path as a glob
    (``q[12].csv`` reads ``q1.csv``; ``x*.csv`` merges files) and have no
    escape for them; the symlink's own name has none, and DuckDB opens it
    without looking at its target. Should the temporary folder's name itself
    glob to anything else, the file is refused rather than misread.
    """
    link = os.path.join(spill, name)
    os.symlink(os.path.abspath(path), link)
    matched = [row[0] for row in con.execute(f"SELECT file FROM glob({_quote(link)})").fetchall()]
    if matched != [link]:
        raise DataError(
            f"{path}: cannot be read exactly: the temporary folder {spill} has glob characters in its name (set TMPDIR)"
        )
    return link


def _reader(file_format: str, path: str) -> str:
    if file_format == "csv":  # every cell as text, exactly as written; the header names the columns
        return f"read_csv({_quote(path)}, header = true, all_varchar = true)"
    return f"read_parquet({_quote(path)})"


def _unused_prefix(names: dict[str, str]) -> str:
    """A prefix for the query's own intermediate columns (``sql.staged_trees``) that begins no
    column name of the file, whatever its columns are called."""
    prefix = "_crossroads_"
    while any(name.startswith(prefix) for name in names):
        prefix += "_"
    return prefix


def _column_names(con: Any, duckdb: Any, table: CompiledTable, source: str, link: str) -> dict[str, str]:
    """The file's column names (case-folded, as DuckDB binds them) → their types (typed Parquet
    columns skip the detour through text); ``link`` names ``source`` for DuckDB."""
    reader = _reader(file_format(source) or "csv", link)
    try:
        described = [(row[0], row[1]) for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        raise DataError(f"{source}: cannot read: {_first_line(exc).replace(link, source)}") from None
    names = [name for name, _ in described]
    type_of = {name.casefold(): kind for name, kind in described}
    missing = [i.id for i in table.inputs if i.id.casefold() not in type_of]
    if missing:
        raise DataError(f"{source}: no column for input(s) {', '.join(missing)} (columns: {', '.join(names)})")
    added = {n.casefold() for n in ("outcome", "rule", "error", *(o.id for o in table.outputs))}
    taken = [n for n in names if n.casefold() in added]
    if taken:
        raise DataError(f"{source}: already has column(s) {', '.join(taken)}, which the output adds; rename them")
    return type_of


class _Outcome(TypedDict, total=False):
    """What the worker thread of ``_execute`` hands back: the rows, or what it raised."""

    rows: list[tuple[Any, ...]]
    error: BaseException


def _execute(
    con: Any, duckdb: Any, query: str, progress: Callable[[float], None] | None, source: str, link: str
) -> list[tuple[Any, ...]]:
    """Run ``query``; with ``progress``, in a worker thread while this one reports DuckDB's progress."""
    outcome: _Outcome = {}

    def work() -> None:
        try:
            outcome["rows"] = con.execute(query).fetchall()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, re-raised there
            outcome["error"] = exc

    if progress is None:
        work()
    else:
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                done = con.query_progress()
                if done >= 0:
                    progress(float(done))
                worker.join(_POLL_SECONDS)
        except KeyboardInterrupt:
            con.interrupt()
            worker.join()
            raise
        progress(100.0)
    error = outcome.get("error")
    if isinstance(error, duckdb.Error):
        raise DataError(f"{source}: {_first_line(error).replace(link, source)}") from None
    if error is not None:
        raise error
    return outcome["rows"]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
