"""From a TABLE argument to a compiled table: find, read, load, validate, compile.

A TABLE is a path, or the name of a bundled table (``rag-or-fine-tune``),
found in the package (``engine/packagedata.py``; ``importlib.resources`` in a zip) so that a regular install works from any
folder. ``compiled`` is the evaluation path: it consults the cache first and
imports the YAML parser, pydantic and jsonschema only on a miss.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from crossroads.engine import packagedata
from crossroads.engine.table import cache
from crossroads.engine.errors import TableError, TableNotFound
from crossroads.engine.findings import Finding
from crossroads.engine.table.loader import MAX_BYTES

if TYPE_CHECKING:
    from crossroads.engine.table.compiler import CompiledTable
    from crossroads.engine.table.loader import Document
    from crossroads.engine.table.model import Table

DEFAULT_TABLE = "rag-or-fine-tune"


def bundled_names() -> list[str]:
    return sorted(n[:-5] for n in packagedata.names("crossroads.rules") if n.endswith(".yaml"))


@dataclass(frozen=True, slots=True)
class Source:
    """A table's bytes and the name to show in messages."""

    name: str
    data: bytes


def find(table: str | None, max_bytes: int = MAX_BYTES) -> Source:
    """Read a TABLE argument: an existing path wins over a bundled name."""
    from crossroads.engine.table.loader import read_bytes

    arg = table or DEFAULT_TABLE
    if os.path.lexists(arg):  # a broken link is this path's error, not a bundled name
        return Source(arg, read_bytes(arg, max_bytes))
    if "/" not in arg and os.sep not in arg:
        data = packagedata.read("crossroads.rules", f"{arg}.yaml")
        if data is not None:
            return Source(f"{arg}.yaml", data)
    bundled = ", ".join(bundled_names())
    raise TableNotFound(f"{arg}: no such file, and no bundled table of that name (bundled: {bundled})")


def table_files(paths: "Iterable[str]") -> list[str]:
    """FILE_OR_DIR paths to table files: a folder gives its ``*.yaml``/``*.yml`` (sorted, hidden
    folders skipped), a file itself; raise ``TableNotFound`` for a path that does not exist.

    Every ``*.yaml``/``*.yml`` entry that is not a folder is listed — a broken link, a FIFO — so
    that the reader reports it instead of a folder's problem passing unseen."""
    from pathlib import Path

    files: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(
                str(f)
                for f in sorted(path.rglob("*"))
                if f.suffix in (".yaml", ".yml")
                and not f.is_dir()
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
        elif os.path.lexists(p):
            files.append(p)
        else:
            raise TableNotFound(f"{p}: no such file or directory")
    return files


@dataclass(frozen=True, slots=True)
class Loaded:
    document: "Document"
    table: "Table | None"
    findings: tuple[Finding, ...]


def load(source: Source, max_bytes: int = MAX_BYTES, *, positions: bool = True) -> Loaded:
    """Load and validate; loader errors come back as findings, not exceptions.

    ``positions=False``: the same table and findings, but the findings found after loading (schema,
    references, conditions) all point at the table's first line; for a caller that only needs
    to know whether there are any (``valid``)."""
    from crossroads.engine.table.loader import load_bytes
    from crossroads.engine.table.validate import validate

    try:
        document = load_bytes(source.data, source.name, max_bytes, positions=positions)
    except TableError as exc:
        return Loaded(None, None, exc.findings)  # type: ignore[arg-type]
    table, findings = validate(document)
    return Loaded(document, table, tuple(findings))


def blocking_errors(loaded: Loaded) -> tuple[Finding, ...]:
    """The errors that make a table unusable: every error but those of its ``examples``.

    Examples are tests: a bad one is an error for ``lint`` and a failure for ``test``, but the
    table it tests still evaluates (one typo in an example must not take a decision offline).
    """
    errors = tuple(f for f in loaded.findings if f.severity == "error")
    if not errors or loaded.table is None:
        return errors
    from crossroads.engine.table.validate import check_examples

    of_examples = set(check_examples(loaded.table, loaded.document))
    return tuple(f for f in errors if f not in of_examples)


def valid(source: Source, max_bytes: int = MAX_BYTES) -> "Table":
    """The validated table; raise ``TableError`` with its errors if it has any (bad examples aside).

    A valid table is loaded without positions (a tenth of a cold 10k-row ``evaluate``, and ~20 MB);
    one with errors is loaded again with them, so that each error names its line."""
    loaded = load(source, max_bytes, positions=False)
    if loaded.table is not None and not blocking_errors(loaded):
        return loaded.table
    loaded = load(source, max_bytes)
    raise TableError(blocking_errors(loaded))


def cached(source: Source, key: str | None = None) -> "CompiledTable | None":
    """The compiled table from the cache alone (None on a miss: nothing is loaded, nothing written);
    ``compiled``'s first step, and the fast start's (``cli/start.py``) whole lookup."""
    if key is None:
        from crossroads import __version__

        key = cache.cache_key(source.data, __version__)
    return cache.read(key, cache.max_entry_bytes(len(source.data)))


def compiled(source: Source, *, use_cache: bool = True, max_bytes: int = MAX_BYTES) -> "CompiledTable":
    """The compiled table for evaluation; raise ``TableError`` if it is invalid."""
    from crossroads import __version__

    key = cache.cache_key(source.data, __version__) if use_cache else None
    if key is not None:
        hit = cached(source, key)
        if hit is not None:
            return hit
    from crossroads.engine.table.compiler import compile_table

    result = compile_table(valid(source, max_bytes))
    if key is not None:
        cache.write(key, result)
    return result
