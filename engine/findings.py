"""Findings are data: every check yields them, every formatter renders them.

One type serves the loader, the schema, the reference checks and (later) the
row analysis, so that text, JSON, GitHub and SARIF output never disagree about
what was found or where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file.

    ``line``/``column`` are 1-based and point at the offending node (the value
    that is wrong; for an unknown or duplicate key, the key). ``rules`` names
    the rows involved; ``example`` is a complete answer set that shows the
    problem, where there is one.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rules: tuple[str, ...] = ()
    example: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rules": list(self.rules),
            "example": dict(self.example) if self.example is not None else None,
        }


def has_errors(findings: "list[Finding] | tuple[Finding, ...]") -> bool:
    return any(f.severity == "error" for f in findings)


def sort_key(f: Finding) -> tuple:
    return (f.file or "", f.line or 0, f.column or 0, f.code)


CODES: dict[str, str] = {
    # loader (§4): the file is not a loadable YAML mapping
    "unreadable": "The file cannot be read.",
    "too-large": "The file is larger than the size cap.",
    "encoding": "The file is not valid UTF-8 or holds a NUL byte.",
    "syntax": "YAML syntax error.",
    "anchor": "YAML anchors are not allowed.",
    "alias": "YAML aliases are not allowed.",
    "merge-key": "YAML merge keys (<<) are not allowed.",
    "tag": "Explicit YAML tags are not allowed.",
    "duplicate-key": "A mapping repeats a key.",
    "key-type": "A mapping key is not a string.",
    "too-deep": "Nesting deeper than the limit.",
    "empty": "The file holds no document.",
    "not-a-mapping": "The top level is not a mapping.",
    "multiple-documents": "The file holds more than one YAML document.",
    # validation (§3)
    "schema": "The table does not match the crossroads/1 schema.",
    "duplicate-id": "Two inputs, options, outcomes or rules share an id.",
    "bad-bounds": "An input's minimum/maximum are not finite or are reversed.",
    "unknown-outcome": "A then, default or expect names no outcome.",
    "unknown-input": "A when key names no input.",
    "unknown-option": "A condition names no option of its input.",
    "bad-condition": "A condition does not fit its input's type or grammar.",
    "bad-example": "An example's answers or expectation are invalid.",
    "unused-input": "No rule conditions on this input.",
    "unused-outcome": "No rule or default yields this outcome.",
}
"""Every finding code with a one-line description (lint's SARIF rules, the README)."""
