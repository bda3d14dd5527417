"""Exceptions the engine raises for expected failures.

The CLI has one error boundary that turns each of these into a one-line
message and its documented exit code; anything else escaping is a bug.
"""

from __future__ import annotations

from crossroads.engine.findings import Finding


class CrossroadsError(Exception):
    """Base of every expected failure."""


class TableError(CrossroadsError):
    """A table did not load or validate; ``findings`` says why, positioned."""

    def __init__(self, findings: "tuple[Finding, ...] | list[Finding]"):
        self.findings = tuple(findings)
        first = self.findings[0] if self.findings else None
        super().__init__(first.message if first else "invalid table")


class AnswerError(CrossroadsError, ValueError):
    """An answer is malformed, unknown or out of bounds (exit 2); a ``ValueError``, as a bad argument is."""

    def __init__(self, message: str, input_id: str | None = None):
        self.input_id = input_id
        super().__init__(message)


class NotJSON(AnswerError):
    """Answers that are not JSON at all (``--answers`` then tries YAML)."""


class HitPolicyViolation(CrossroadsError):
    """Answers for which a ``unique`` or ``any`` table breaks its policy (exit 1)."""

    def __init__(self, message: str, rules: tuple[str, ...]):
        self.rules = rules
        super().__init__(message)


class TableNotFound(CrossroadsError):
    """A TABLE argument is neither a file nor a bundled table (usage, exit 2)."""


class WriteError(CrossroadsError):
    """A file could not be written (or exists and must not be overwritten); it is left as it was (exit 1)."""


class FormatError(CrossroadsError):
    """Formatting would change what a table means, so nothing is written (exit 1; a bug to report)."""


class DataError(CrossroadsError):
    """Data or a tool a data command cannot use (usage, exit 2): an optional extra that is not
    installed, a data file that is unreadable or lacks a column for an input, a bad ``--column``."""


class NotExpressible(CrossroadsError):
    """A table that SQL cannot evaluate exactly, e.g. a number beyond ``DECIMAL(38)`` (exit 1)."""
