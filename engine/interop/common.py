"""What every importer returns: one definition of an imported table and of a refusal.

``Imported.document`` is a crossroads/1 table as plain data (str, bool, int,
``Decimal``, lists and dicts — what ``loader.load_bytes`` gives), ready for
``to_yaml`` or for validation in memory (``lint model.dmn``). ``positions``
maps a path in that document (``("rules", 3)``, ``("inputs", 0)``,
``("rules", 3, "when", "age")``) to the source element it came from, so that
a finding about the table can be shown at the model's own line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

Path = tuple[Union[str, int], ...]


@dataclass(frozen=True, slots=True)
class Position:
    """Where in the source model an element starts: ``file``, 1-based ``line``, ``column`` when the parser gives it."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


@dataclass(frozen=True, slots=True)
class Imported:
    """One decision table, converted.

    ``name``: what the source calls it (the decision's or BKM's name, the JDM node's name);
    ``element``: a short description of the element (``decision 'Loan' (id d1)``) for the header
    comment; ``notes``: what the conversion dropped or adjusted on purpose (one line each).
    """

    name: str
    element: str
    at: Position
    document: Mapping[str, Any]
    positions: Mapping[Path, Position] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return str(self.document["id"])


@dataclass(frozen=True, slots=True)
class Refused:
    """A decision table that uses a form crossroads does not express exactly; ``message`` says which
    entry (quoted) and why, in one line; ``at`` is that entry's element."""

    name: str
    element: str
    at: Position
    message: str


Outcome = Union[Imported, Refused]


_SLUG_CHARS = re.compile(r"[^a-z0-9_-]+")


def slug(text: str, taken: Iterable[str] = (), fallback: str = "x") -> str:
    """A crossroads slug (``^[a-z][a-z0-9_-]{0,63}$``) for ``text``, unique among ``taken``.

    Stable: the same text and the same ``taken`` give the same slug, so a re-import writes the same
    ids. Accents are folded (``Prêt`` → ``pret``), runs of other characters become ``-``, camel case
    is split (``applicantAge`` → ``applicant-age``), and a clash gets ``-2``, ``-3``…
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").lower()
    base = _SLUG_CHARS.sub("-", folded).strip("-_")
    if not base or not base[0].isalpha():
        base = f"{fallback}-{base}".rstrip("-") if base else fallback
    base = base[:60].rstrip("-_")
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _json_text(value: Any) -> str:
    """``value`` as JSON text (which is YAML): numbers exactly as the loader holds them (a ``Decimal``
    by its literal, never through a float), strings with every non-ASCII character as itself."""
    import json
    from decimal import Decimal

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = str(value)
        return text if "E" not in text else text.replace("E", "e")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_json_text(str(k))}: {_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    raise TypeError(f"not table data: {type(value).__name__}")


def to_yaml(imported: Imported, source_name: str) -> str:
    """The imported table as crossroads YAML in ``fmt``'s canonical layout, headed by a comment naming
    the source file and element (and the conversion's notes).

    The document is written as JSON (a subset of YAML, exact for every value the loader gives) and
    put through ``formatter.format_table``, which re-reads its own output and refuses (``FormatError``)
    unless it loads to exactly the same data, types and number literals included.
    """
    from crossroads.engine.authoring.formatter import format_table

    header = [f"# Imported from {source_name}: {imported.element}."]
    header += [f"# Note: {note}" for note in imported.notes]
    header = [" ".join(line.split()) for line in header]  # one line each, whatever the model's names hold
    text = "\n".join(header) + "\n" + _json_text(imported.document) + "\n"
    data = text.encode("utf-8")
    return format_table(data, source_name, max_bytes=max(len(data), 8 * 1024 * 1024))
