"""Render lint findings: text, JSON, GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Iterable
from urllib.parse import quote

from crossroads.engine.table.answers import to_json
from crossroads.engine.findings import CODES, Finding

from .terminal import one_line, visible

FORMATS = ("text", "json", "github", "sarif")

# The engine's messages name no command-line flag (a library caller has none); where a finding is
# fixed by one, the command line says which.
FLAG_HINTS = {"too-large": "raise it with --max-bytes", "analysis-incomplete": "raise it with --max-seconds"}


def message(f: Finding) -> str:
    """The finding's message as the command line shows it, with the flag that fixes it."""
    hint = FLAG_HINTS.get(f.code)
    return f"{f.message} ({hint})" if hint else f.message


def text_line(f: Finding) -> str:
    """``file:line:col: severity code: message`` (the yamllint/gcc shape editors parse)."""
    return one_line(f"{f.file}:{f.line or 1}:{f.column or 1}: {f.severity} {f.code}: {message(f)}")


def render_text(findings: Iterable[Finding]) -> str:
    return "".join(text_line(f) + "\n" for f in findings)


def render_json(findings: Iterable[Finding]) -> str:
    return (
        json.dumps(
            {"findings": [{**f.to_json(), "message": message(f)} for f in findings]},
            indent=2,
            ensure_ascii=False,
            default=_exact,
        )
        + "\n"
    )


def _exact(value: Any) -> Any:
    """``json.dumps`` fallback: example answers hold exact decimals (a number when a float is exact)
    and dates (``YYYY-MM-DD``)."""
    if isinstance(value, (Decimal, date)):
        return to_json(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _gh_data(s: str) -> str:
    # GitHub's own escapes for % and line breaks; any other control would reach the log viewer raw
    return visible(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Iterable[Finding]) -> str:
    out = []
    for f in findings:
        props = f"file={_gh_property(f.file or '')},line={f.line or 1},col={f.column or 1},title={_gh_property(f.code)}"
        out.append(f"::{f.severity} {props}::{_gh_data(message(f))}\n")
    return "".join(out)


def _uri(path: str) -> str:
    """A relative path stays a relative reference (to the checkout); an absolute one is a file: URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()  # SARIF §3.10.2: an absolute location is an absolute URI
    return quote(pure.as_posix(), safe="/._-~")


def sarif(findings: list[Finding], version: str) -> dict[str, Any]:
    codes = sorted({f.code for f in findings})
    index = {c: i for i, c in enumerate(codes)}
    rules = []
    for code in codes:
        levels = {f.severity for f in findings if f.code == code}
        rules.append(
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": CODES[code].summary if code in CODES else code},
                **(
                    {
                        "fullDescription": {"text": CODES[code].why},
                        "help": {"text": f"{CODES[code].fix} (crossroads explain {code})"},
                    }
                    if code in CODES
                    else {}
                ),
                "defaultConfiguration": {"level": "error" if "error" in levels else "warning"},
            }
        )
    results = []
    for f in findings:
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": f.severity,
            "message": {"text": message(f)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file or "")},
                        "region": {"startLine": f.line or 1, "startColumn": f.column or 1},
                    }
                }
            ],
        }
        if f.rules or f.example is not None:
            result["properties"] = {"rules": list(f.rules), "example": f.to_json()["example"]}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "crossroads",
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def render_sarif(findings: list[Finding], version: str) -> str:
    return json.dumps(sarif(findings, version), indent=2, ensure_ascii=False, default=_exact) + "\n"
