"""The Python API: ``crossroads.load(...)``, then ``table.evaluate(answers)``.

Everything here is validated at the boundary: a table is loaded, validated
and compiled exactly as the CLI does it, and answers are parsed by the same
rules as ``-a``/``--answers``/``batch`` (``engine/table/answers.py``), so a typo in an
option id, ``True`` for a number or ``-5`` below a ``minimum`` raise
``AnswerError`` instead of deciding something. Nothing is written to disk
unless asked (``cache=True``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.table.compiler import CompiledTable, InputSpec, OutcomeSpec, OutputSpec
from crossroads.engine.table.values import mapping_json
from crossroads.engine.errors import AnswerError, CrossroadsError
from crossroads.engine.decision.evaluate import Decision, Result, ValuesDecision, decide, evaluate, evaluate_or_error
from crossroads.engine.findings import Finding
from crossroads.engine.table.loader import MAX_BYTES


@dataclass(frozen=True, slots=True)
class Rule:
    """One row as written: its conditions as ``(input id, condition text)`` in table order.

    ``then``: the outcome id the row names, or (a table with ``outputs``) the values it gives
    inline, as the result JSON writes them (``{"fee": 49.5, "carrier": "express"}``).
    """

    id: str
    then: str | Mapping[str, Any]
    because: str | None
    conditions: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A valid, compiled table. Build one with ``load`` or ``loads``; it is immutable."""

    compiled: CompiledTable = field(repr=False)
    source: tables.Source = field(repr=False)
    _inputs: Mapping[str, InputSpec] = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return f"<crossroads.Table {self.id} {self.version} ({self.hit_policy}, {len(self.compiled.rules)} rows)>"

    @property
    def id(self) -> str:
        return self.compiled.id

    @property
    def version(self) -> str:
        return self.compiled.version

    @property
    def title(self) -> str:
        return self.compiled.title

    @property
    def hit_policy(self) -> str:
        return self.compiled.hit_policy

    @property
    def inputs(self) -> tuple[InputSpec, ...]:
        return self.compiled.inputs

    @property
    def outcomes(self) -> tuple[OutcomeSpec, ...]:
        return self.compiled.outcomes

    @property
    def outputs(self) -> tuple[OutputSpec, ...]:
        """The typed values a decision returns (empty: the table names outcomes only)."""
        return self.compiled.outputs

    @property
    def rules(self) -> tuple[Rule, ...]:
        ids = [o.id for o in self.compiled.outcomes]
        results = self.compiled.results

        def then(index: int) -> str | Mapping[str, Any]:
            if not results:
                return ids[index]
            named = results[index].outcome
            return ids[named] if named is not None else mapping_json(results[index].values)

        return tuple(Rule(r.id, then(r.then), r.because, r.conditions) for r in self.compiled.rules)

    def parse(self, answers: Mapping[str, object]) -> dict[str, Any]:
        """Answers parsed for this table (option ids, booleans, exact numbers); raise ``AnswerError``."""
        if not isinstance(answers, Mapping):
            raise _not_a_mapping(answers)
        return parse_answers(self._inputs, answers)

    def evaluate(self, answers: Mapping[str, object]) -> Result:
        """The full result for complete or partial answers (``Result.to_json()`` is ``evaluate --format
        json``); raise ``AnswerError`` for a bad answer, ``HitPolicyViolation`` where the policy breaks."""
        return evaluate(self.compiled, self.parse(answers))

    def decide(self, answers: Mapping[str, object]) -> Decision | ValuesDecision:
        """The decision alone: the fast path for complete answers, validated as ``evaluate`` is."""
        return decide(self.compiled, self.parse(answers))

    def decide_parsed(self, answers: Mapping[str, Any]) -> Decision | ValuesDecision:
        """``decide`` without validation, for answers ``parse`` returned: a wrong type or an unknown
        option here gives a wrong decision, not an error. Only for hot loops over parsed answers."""
        return decide(self.compiled, answers)

    def alternatives(self, answers: Mapping[str, object], *, only: Any = None, max_seconds: float = 10.0) -> Any:
        """What would change the answer (README: "What would change the answer"): per other result,
        its smallest changes of answers, as ``engine.analysis.alternatives.Alternative`` values
        (``alternatives.to_json`` gives ``evaluate --why-not``'s JSON); raise ``AnswerError``."""
        from crossroads.engine.analysis.alternatives import alternatives

        return alternatives(self.compiled, self.parse(answers), only=only, max_seconds=max_seconds)

    def evaluate_many(self, answer_sets: Iterable[Mapping[str, object]]) -> Iterator[Result | CrossroadsError]:
        """One item per answer set, in order, as ``batch`` does: a ``Result``, or the error (an
        ``AnswerError`` or ``HitPolicyViolation``) for that set — one bad set never stops the rest."""
        for answers in answer_sets:  # the per-set step of ``batch`` (``engine/outputs/jsonlines.py``)
            yield evaluate_or_error(self.compiled, answers) if isinstance(answers, Mapping) else _not_a_mapping(answers)

    def lint(self, max_seconds: float = 60.0) -> list[Finding]:
        """Every finding ``crossroads lint`` gives for this table (the row analysis within ``max_seconds``)."""
        from crossroads.engine.analysis.lint import lint_source

        return lint_source(self.source, max_bytes=max(len(self.source.data), MAX_BYTES), max_seconds=max_seconds)

    def to_sql(
        self, dialect: str = "duckdb", columns: Mapping[str, str] | None = None, types: Mapping[str, str] | None = None
    ) -> str:
        """The select list ``crossroads sql`` prints (needs the ``data`` extra: sqlglot)."""
        from crossroads.engine.outputs.sql import to_sql

        return to_sql(self.compiled, dialect, columns, types)

    def page(self, lang: str = "en") -> str:
        """The self-contained guide page ``crossroads page`` writes, as HTML text."""
        from . import __version__
        from crossroads.engine.outputs.page import render_page

        return render_page(self.compiled, lang, generator_version=__version__)

    def overview(self) -> dict[str, Any]:
        """What ``crossroads show --format json`` prints."""
        from crossroads.engine.outputs.overview import overview

        return overview(self.compiled)


def _not_a_mapping(answers: object) -> AnswerError:
    return AnswerError(f"answers must be a mapping of input id to answer, not {type(answers).__name__}")


def _table(source: tables.Source, *, cache: bool, max_bytes: int) -> Table:
    compiled = tables.compiled(source, use_cache=cache, max_bytes=max_bytes)
    return Table(compiled, source, compiled.input_index)


def load(table: str | Path, *, max_bytes: int = MAX_BYTES, cache: bool = False) -> Table:
    """A table from a path, or the name of a bundled table (``"rag-or-fine-tune"``).

    Raises ``TableError`` (every finding, positioned) for an invalid table and ``TableNotFound``
    when there is no such file or bundled table. ``cache=True`` reads and writes the compiled-table
    cache the CLI uses (``$XDG_CACHE_HOME/crossroads``).
    """
    return _table(tables.find(str(table), max_bytes), cache=cache, max_bytes=max_bytes)


def loads(text: str | bytes, *, name: str = "<string>", max_bytes: int = MAX_BYTES) -> Table:
    """A table from YAML (or JSON) text; ``name`` is the file name findings carry."""
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    return _table(tables.Source(name, data), cache=False, max_bytes=max_bytes)


def lint(*paths: str | Path, max_bytes: int = MAX_BYTES, max_seconds: float = 60.0) -> list[Finding]:
    """Every finding under the paths (files or folders), sorted: ``crossroads lint --format json``."""
    from crossroads.engine.analysis.lint import lint_paths

    return lint_paths([str(p) for p in paths], max_bytes=max_bytes, max_seconds=max_seconds)
