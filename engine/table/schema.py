"""The published JSON Schema, and its errors as positioned findings.

jsonschema is slow on big tables (seconds for 10k rows), so it never runs on
the evaluation path: the pydantic models, proven to agree with the schema,
validate there. It runs when the models reject a document, to report every
structural problem with the schema's own wording made readable, each at the
YAML node it is about.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Any, Iterable, Iterator

from crossroads.engine.findings import Finding
from crossroads.engine.table.loader import MAX_FINDINGS, Document, kind_of

SCHEMA_FILE = "crossroads-1.schema.json"


def schema_text() -> str:
    return resources.files("crossroads.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def where(path: Iterable[Any]) -> str:
    """``('rules', 3, 'when')`` → ``rules[3].when``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


def schema_findings(doc: Document) -> list[Finding]:
    """Every schema error in ``doc`` (up to ``MAX_FINDINGS``), positioned and worded for authors."""
    findings = list(islice(_findings(doc), MAX_FINDINGS + 1))
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    if len(findings) > MAX_FINDINGS:
        last = findings[MAX_FINDINGS - 1]
        more = f" (stopped here: more than {MAX_FINDINGS} problems in this file)"
        findings = findings[: MAX_FINDINGS - 1] + [replace(last, message=last.message + more)]
    return findings


def _findings(doc: Document) -> Iterator[Finding]:
    # Lazy, so that a hostile file with a million unknown keys costs only the first few.
    seen: set[tuple[Any, ...]] = set()
    for error in _validator().iter_errors(doc.data):
        for path, key, message in _explain(error):
            mark = (path, message)
            if mark in seen:
                continue
            seen.add(mark)
            line, column = doc.position(path, key=key)
            yield Finding("schema", "error", message, doc.file, line, column)


def _explain(error: Any) -> Iterable[tuple[tuple[Any, ...], bool, str]]:
    """(path, position-at-key?, message) for one jsonschema error."""
    path = tuple(error.absolute_path)
    at = where(path) or "table"
    validator, value, instance = error.validator, error.validator_value, error.instance
    if validator == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        return [(path, False, f"{at}: missing required key '{k}'") for k in missing]
    if validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        return (_unknown_key(path, at, k, known) for k in instance if k not in known)
    if validator == "type":
        wanted: list[str] = value if isinstance(value, list) else [value]  # the schema's type names
        named = ["true/false" if w == "boolean" and len(wanted) > 1 else _TYPE_WORDS.get(w, w) for w in wanted]
        words = " or ".join(filter(None, [", ".join(named[:-1]), named[-1]]))  # "a, b or c"
        return [(path, False, f"{at}: expected {words}, not {kind_of(instance)}")]
    if validator == "pattern":
        if "a-z0-9_-" in value:
            msg = f"{at}: {instance!r} is not a valid id: a lowercase letter, then letters, digits, '-' or '_', at most 64 characters"
        elif "0|[1-9]" in value:
            msg = f"{at}: {instance!r} is not a semantic version such as 1.2.0"
        else:
            msg = f"{at}: {instance!r} does not match {value}"
        return [(path, False, msg)]
    if validator == "enum":
        return [(path, False, f"{at}: {instance!r} is not one of: {', '.join(map(str, value))}")]
    if validator == "const":
        return [(path, False, f"{at}: must be {value!r}, not {instance!r}")]
    if validator in ("minItems", "minLength") and value == 1:
        return [(path, False, f"{at}: must not be empty")]
    if validator == "maxLength":
        return [(path, False, f"{at}: longer than {value} characters")]
    if validator == "not":
        if value.get("const") == "undecided":
            return [(path, False, f"{at}: 'undecided' is reserved and cannot be an outcome id")]
        return [(path, False, f"{at}: {instance!r} contains a control character")]
    if validator is False or (validator == "false") or error.schema is False:
        return [(path, True, f"{at}: not allowed here")]
    if validator == "anyOf" and len(path) >= 2 and path[-2] == "when":
        return [
            (
                path,
                False,
                f'{at}: not a condition: expected an option id, a list of ids, {{not: ...}}, true/false, a number or a string such as ">= 10" or "[1, 5)"',
            )
        ]
    if validator == "anyOf" and path and path[-1] == "expect":
        return [
            (
                path,
                False,
                f"{at}: expect must be an outcome id, 'undecided', a list of outcome ids or {{outcome: ID, rule: ID}}",
            )
        ]
    if validator == "anyOf" and path and path[-1] == "not":
        return [(path, False, f"{at}: 'not' takes an option id or a non-empty list of ids")]
    return [(path, False, f"{at}: {error.message}")]


def _unknown_key(path: tuple[Any, ...], at: str, key: str, known: list[str]) -> tuple[tuple[Any, ...], bool, str]:
    hint = difflib.get_close_matches(str(key), known, n=1)
    extra = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(known)})"
    return (path + (key,), True, f"{at}: unknown key '{key}'{extra}")
