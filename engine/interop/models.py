"""DMN models where tables go: ``lint model.dmn`` and a ``.dmn`` TABLE argument (``--decision NAME``).

A model is imported in memory (``dmn.read_file``); each imported table is
written as crossroads YAML (``common.to_yaml``) and then goes through the
ordinary pipeline — the loader, validation, the row analysis, the compiled
cache — so a ``.dmn`` is checked and answered by exactly the code that checks
and answers a ``.yaml``. What the pipeline finds is placed back in the model
(``place``): a finding about rows at the first (for a conflict, the later)
DMN ``<rule>`` it names, others at the element the YAML node came from
(``Imported.positions``), the decision table itself otherwise; its file is
the ``.dmn`` path and its message starts with the table's name. Rule ids are
``rule-N``, N the DMN row number, as every DMN editor numbers them.

Finding code of its own: ``dmn-refused`` (error): a decision table, or the
whole file, that crossroads does not import (the message says which entry and
why). Hostile XML is reported with the loader's codes (``syntax``,
``too-deep``, ``too-large``, ``unreadable``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path as FilePath

from crossroads.engine.analysis.lint import lint_file, lint_source
from crossroads.engine.analysis.rows import DEFAULT_MAX_SECONDS
from crossroads.engine.errors import TableError, TableNotFound
from crossroads.engine.findings import Finding, sort_key
from crossroads.engine.interop.common import Imported, Outcome, Path, Position, Refused, to_yaml
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.loader import MAX_BYTES, load_bytes

MODEL_SUFFIXES = (".dmn",)
"""What ``lint DIR`` picks up besides ``*.yaml``/``*.yml``."""


def is_model(path: str) -> bool:
    return path.lower().endswith(MODEL_SUFFIXES)


def model_files(paths: Iterable[str]) -> list[str]:
    """``tables.table_files`` plus the ``*.dmn`` models under each folder (hidden folders skipped)."""
    files: list[str] = []
    for p in paths:
        path = FilePath(p)
        if path.is_dir():
            found = tables.table_files([p])
            found += [
                str(f)
                for f in sorted(path.rglob("*"))
                if is_model(f.name)
                and not f.is_dir()
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            ]
            files.extend(sorted(found))
        elif os.path.lexists(p):
            files.append(p)
        else:
            raise TableNotFound(f"{p}: no such file or directory")
    return files


def refusal(r: Refused) -> Finding:
    return Finding("dmn-refused", "error", r.message, r.at.file, r.at.line, r.at.column)


def lint_paths(
    paths: Iterable[str], *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> list[Finding]:
    """``analysis.lint.lint_paths`` over tables and DMN models: every finding, sorted by file and position."""
    findings: list[Finding] = []
    for path in model_files(paths):
        if is_model(path):
            findings.extend(lint_model(path, max_bytes=max_bytes, max_seconds=max_seconds))
        else:
            findings.extend(lint_file(path, max_bytes=max_bytes, max_seconds=max_seconds))
    return sorted(findings, key=sort_key)


def read_model(path: str, max_bytes: int = MAX_BYTES) -> list[Outcome]:
    from crossroads.engine.interop import dmn

    return dmn.read_file(path, max_bytes)


def lint_model(path: str, *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS) -> list[Finding]:
    """Every finding of one DMN model: its refusals, and validation and row analysis of each imported table."""
    try:
        outcomes = read_model(path, max_bytes)
    except TableError as exc:
        return list(exc.findings)
    return _lint_outcomes(outcomes, path, max_seconds)


def lint_model_bytes(
    data: bytes, file: str, *, max_bytes: int = MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> list[Finding]:
    """``lint_model`` of a model's bytes (an editor's unsaved text): the same findings as for a file
    holding them, the size cap included."""
    from crossroads.engine.interop import dmn

    if len(data) > max_bytes:
        return [Finding("too-large", "error", f"file is larger than the limit of {max_bytes} bytes", file, 1, 1)]
    try:
        outcomes = dmn.read_bytes(data, file)
    except TableError as exc:
        return list(exc.findings)
    return _lint_outcomes(outcomes, file, max_seconds)


def _lint_outcomes(outcomes: list[Outcome], path: str, max_seconds: float) -> list[Finding]:
    findings: list[Finding] = []
    for o in outcomes:
        if isinstance(o, Refused):
            findings.append(refusal(o))
        else:
            findings.extend(lint_imported(o, path, max_seconds=max_seconds))
    return findings


def _yaml_source(imported: Imported, path: str) -> tables.Source:
    text = to_yaml(imported, os.path.basename(path))
    return tables.Source(f"{path}#{imported.id}", text.encode("utf-8"))


def lint_imported(imported: Imported, path: str, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> list[Finding]:
    """Lint one imported table, every finding placed in the model (``place``)."""
    source = _yaml_source(imported, path)
    found = lint_source(source, max_bytes=max(MAX_BYTES, len(source.data)), max_seconds=max_seconds)
    return place(found, imported, source)


def place(findings: Iterable[Finding], imported: Imported, source: tables.Source) -> list[Finding]:
    """Findings about the YAML of ``imported`` moved to the DMN elements they are about."""
    doc = load_bytes(source.data, source.name, max(MAX_BYTES, len(source.data)))
    at_line: dict[tuple[int, int], Path] = {}
    for table in (doc.key_positions, doc.positions):
        for p, pos in table.items():
            if pos not in at_line or len(p) > len(at_line[pos]):
                at_line[pos] = p
    rows = {str(r.get("id")): n for n, r in enumerate(imported.document.get("rules", ()))}
    out = []
    for f in findings:
        path: Path = ()
        if f.rules and f.rules[0] in rows:
            path = ("rules", rows[f.rules[1] if f.code == "conflict" and len(f.rules) > 1 else f.rules[0]])
        elif f.line is not None:
            path = at_line.get((f.line, f.column or 1), ())
            if not path:
                path = next((p for (line, _), p in sorted(at_line.items()) if line == f.line), ())
        where = _nearest(imported, path)
        out.append(
            replace(f, file=where.file, line=where.line, column=where.column, message=f"{imported.name}: {f.message}")
        )
    return out


def _nearest(imported: Imported, path: Path) -> Position:
    p = tuple(path)
    while p:
        if p in imported.positions:
            return imported.positions[p]
        p = p[:-1]
    return imported.positions.get((), imported.at)


def choose(outcomes: list[Outcome], decision: str | None, path: str) -> Outcome:
    """The table ``--decision`` names (by the DMN name or the imported id), or the only one;
    ``TableNotFound`` (a usage error) listing the names otherwise."""
    names = ", ".join(f"'{o.name}'" for o in outcomes)
    if decision is None:
        if len(outcomes) == 1:
            return outcomes[0]
        if not outcomes:
            raise TableNotFound(f"{path}: the model holds no decision table")
        raise TableNotFound(f"{path} holds {len(outcomes)} decision tables: pass --decision NAME (one of {names})")
    for o in outcomes:
        if decision == o.name or (isinstance(o, Imported) and decision == o.id):
            return o
    raise TableNotFound(f"{path}: no decision table '{decision}' (the model has {names})")


def model_source(path: str, decision: str | None, max_bytes: int = MAX_BYTES) -> tables.Source:
    """The chosen table of a DMN model as a crossroads table source, for ``compiled`` and the commands
    that take a TABLE. A refused table, or an imported one that does not validate, raises
    ``TableError`` with its findings placed in the model."""
    chosen = choose(read_model(path, max_bytes), decision, path)
    if isinstance(chosen, Refused):
        raise TableError([refusal(chosen)])
    source = _yaml_source(chosen, path)
    loaded = tables.load(source, max(MAX_BYTES, len(source.data)))
    errors = tables.blocking_errors(loaded)
    if errors:
        raise TableError(place(errors, chosen, source))
    return source
