"""Run one table file as a test suite: its examples, row coverage, and examples generated for the gaps.

``crossroads test`` is a thin layer over ``run_file``: the command parses its
options, calls it per file and renders the ``FileReport`` (text, JSON, JUnit).
Everything a person should read comes back as data — the invalid table's
``findings``, the ``notes`` about generated examples — so nothing here prints;
the only side effect is ``generate=True`` rewriting the file (formatted,
comments kept, atomically) with one example per uncovered reachable row.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crossroads.engine.authoring.examples import Coverage, ExampleRun, missing_examples, run_examples
from crossroads.engine.authoring.examples import coverage as row_coverage
from crossroads.engine.errors import CrossroadsError, TableError
from crossroads.engine.findings import Finding, has_errors
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import CompiledTable, compile_table
from crossroads.engine.table.loader import MAX_BYTES, read_bytes

if TYPE_CHECKING:  # the models import pydantic; cli.main imports every command, and this with ``test``
    from crossroads.engine.table.loader import Document
    from crossroads.engine.table.model import Table


@dataclass(frozen=True, slots=True)
class FileReport:
    """One table file's run; ``compiled`` None (``findings`` set, ``runs`` empty) when it is invalid.

    ``skipped`` counts the examples of an invalid table, which were not run; ``notes`` are lines
    for a person about ``generate`` (a JSON table left alone, examples added), in the order they
    happened; ``added`` is how many examples ``generate`` wrote into the file.
    """

    file: str
    compiled: CompiledTable | None
    runs: tuple[ExampleRun, ...] = ()
    coverage: Coverage | None = None
    findings: tuple[Finding, ...] = ()
    skipped: int = 0
    seconds: float = 0.0
    row_lines: Mapping[str, int] = field(default_factory=dict)  # rule id -> its line in the file
    notes: tuple[str, ...] = ()
    added: int = 0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.runs)

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.runs)


def run_file(
    name: str, *, coverage: bool = False, generate: bool = False, max_bytes: int = MAX_BYTES, max_seconds: float = 60.0
) -> FileReport:
    """Run the examples of the table file ``name``.

    ``coverage``: measure the rows they exercise (the row analysis, within ``max_seconds``).
    ``generate``: first add one example per uncovered reachable row to the file (not to a JSON
    table, which stays JSON: a note says so), then run the examples as written back.
    An unreadable or invalid table is a report with its ``findings`` (a bad example alone is
    not: it is a failing run). Raises ``CrossroadsError`` only if generated examples made the
    table invalid, which would be a bug.
    """
    started = time.perf_counter()
    try:
        data = read_bytes(name, max_bytes)
    except TableError as exc:
        return _invalid(name, exc.findings, 0, started)
    loaded = tables.load(tables.Source(name, data), max_bytes)
    errors = tables.blocking_errors(loaded)
    if loaded.table is None or loaded.document is None or errors:  # a bad example is a failing test, below
        return _invalid(name, errors, example_count(loaded), started)
    table, document = loaded.table, loaded.document
    compiled = compile_table(table)
    notes: list[str] = []
    added = 0
    witnesses: dict[str, Any] = {}
    complete, conflicting = True, frozenset[str]()
    if coverage or generate:
        witnesses, complete, conflicting = witnesses_of(compiled, max_seconds)
        if generate and name.endswith(".json"):
            notes.append(f"{name}: not generating examples: a JSON table stays JSON (add them by hand)")
        elif generate:
            runs = run_examples(table, compiled, document)
            gaps = row_coverage(compiled, runs, witnesses, complete=complete, conflicting=conflicting)
            new = missing_examples(compiled, gaps, witnesses)
            if new:
                table, document, compiled = write_examples(name, data, new, max_bytes)
                added = len(new)
                notes.append(f"{name}: added {_examples(added)} for uncovered rows")
    runs = run_examples(table, compiled, document)
    cov = row_coverage(compiled, runs, witnesses, complete=complete, conflicting=conflicting) if coverage else None
    row_lines = {rule.id: document.position(("rules", n))[0] for n, rule in enumerate(table.rules)}
    return FileReport(
        name,
        compiled,
        runs,
        cov,
        seconds=time.perf_counter() - started,
        row_lines=row_lines,
        notes=tuple(notes),
        added=added,
    )


def witnesses_of(compiled: CompiledTable, max_seconds: float) -> tuple[dict[str, Any], bool, frozenset[str]]:
    """The analysis' row witnesses, whether it completed within its budget, and the rows in conflicts."""
    from crossroads.engine.analysis import rows as analysis

    report = analysis.run(compiled, max_seconds=max_seconds)
    conflicting = frozenset(r for f in report.findings if f.code == "conflict" for r in f.rules)
    return dict(report.witnesses), report.complete, conflicting


def write_examples(
    name: str, data: bytes, new: list[dict[str, Any]], max_bytes: int
) -> tuple[Table, Document, CompiledTable]:
    """Add the examples to the file (formatted, atomically) and load it again."""
    from crossroads.engine.atomic import write_atomic
    from crossroads.engine.authoring.formatter import format_table

    text = format_table(data, name, max_bytes=max_bytes, append_examples=new)
    encoded = text.encode("utf-8")
    write_atomic(name, encoded)
    loaded = tables.load(tables.Source(name, encoded), max(max_bytes, len(encoded)))
    if (
        loaded.table is None or loaded.document is None or has_errors(loaded.findings)
    ):  # each example was checked by evaluation
        raise CrossroadsError(f"{name}: the generated examples made the table invalid; please report this")
    return loaded.table, loaded.document, compile_table(loaded.table)


def example_count(loaded: tables.Loaded) -> int:
    """How many examples the document lists (those an invalid table skips)."""
    examples = loaded.document.data.get("examples") if loaded.document is not None else None
    return len(examples) if isinstance(examples, list) else 0


def _invalid(name: str, findings: tuple[Finding, ...], skipped: int, started: float) -> FileReport:
    return FileReport(name, None, findings=findings, skipped=skipped, seconds=time.perf_counter() - started)


def _examples(n: int) -> str:
    return f"{n:,} example" + ("" if n == 1 else "s")
