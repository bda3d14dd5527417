"""The lint pipeline for one file: load, validate, then analyse the rows, every finding positioned.

Row analysis runs whenever the table is well-formed (warnings do not stop it)
and only here: evaluation never waits for it.
"""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Iterable
from pathlib import Path

from crossroads.engine.table import pipeline as tables
from crossroads.engine.analysis.rows import DEFAULT_MAX_SECONDS, analyse
from crossroads.engine.errors import TableError
from crossroads.engine.findings import Finding, has_errors, sort_key
from crossroads.engine.table.loader import MAX_BYTES, Document, read_bytes


def lint_paths(
    paths: Iterable[str], *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> list[Finding]:
    """Every finding of the tables under ``paths`` (files, or folders searched as ``tables.table_files``
    does), sorted by file and position: what ``crossroads lint --format json`` lists.
    Raises ``TableNotFound`` for a path that does not exist."""
    findings: list[Finding] = []
    for path in tables.table_files(paths):
        findings.extend(lint_file(path, max_bytes=max_bytes, max_seconds=max_seconds))
    return sorted(findings, key=sort_key)


def lint_file(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> list[Finding]:
    """Every finding of one table file, in file order."""
    try:
        source = tables.Source(str(path), read_bytes(path, max_bytes))
    except TableError as exc:
        return list(exc.findings)
    return lint_source(source, max_bytes=max_bytes, max_seconds=max_seconds)


def lint_source(
    source: tables.Source, *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> list[Finding]:
    """Every finding of one table's bytes, in file order."""
    loaded = tables.load(source, max_bytes)
    findings = list(loaded.findings)
    if loaded.table is not None and not has_errors(findings):
        from crossroads.engine.table.compiler import compile_table

        compiled = compile_table(loaded.table)
        rows = {rule.id: n for n, rule in enumerate(loaded.table.rules)}
        findings += [position(f, loaded.document, rows) for f in analyse(compiled, max_seconds=max_seconds)]
    return findings


def position(finding: Finding, doc: Document, rows: dict[str, int]) -> Finding:
    """Place a row finding in the file.

    Conflicts sit at the later row (the one an author just added, usually),
    other row findings at their first row; gaps and an incomplete analysis,
    which belong to no row, at the ``rules`` key.
    """
    if finding.code == "conflict":
        at: tuple[str, int] = ("rules", rows[finding.rules[1]])
    elif finding.rules:
        at = ("rules", rows[finding.rules[0]])
    else:
        line, column = doc.key_positions.get(("rules",), doc.position(("rules",)))
        return replace(finding, file=doc.file, line=line, column=column)
    line, column = doc.position(at)
    return replace(finding, file=doc.file, line=line, column=column)
