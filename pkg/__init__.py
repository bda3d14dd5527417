"""crossroads: decision tables kept entirely as data.

The Python API, in full (see the README's "Python API")::

    import crossroads

    table = crossroads.load("rag-or-fine-tune")          # a path, or a bundled table
    result = table.evaluate({"change": "knowledge"})      # partial answers are normal
    result.status, result.possible                        # ('decided', ('rag',))

The installed package maps the repository's top-level folders: ``engine/`` is
``crossroads.engine``, ``cli/`` is ``crossroads.cli``, ``schema/`` and ``rules/``
ship the JSON Schema and the bundled tables as package data. The API is
imported on first use, so ``crossroads --version`` and the CLI's start-up do
not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AnswerError",
    "Decision",
    "Finding",
    "HitPolicyViolation",
    "Result",
    "Rule",
    "Table",
    "TableError",
    "TableNotFound",
    "__version__",
    "lint",
    "load",
    "loads",
]

if TYPE_CHECKING:
    from .api import Rule, Table, lint, load, loads
    from crossroads.engine.errors import AnswerError, HitPolicyViolation, TableError, TableNotFound
    from crossroads.engine.decision.evaluate import Decision, Result
    from crossroads.engine.findings import Finding

_HOMES = {
    "Rule": "api",
    "Table": "api",
    "lint": "api",
    "load": "api",
    "loads": "api",
    "AnswerError": "engine.errors",
    "HitPolicyViolation": "engine.errors",
    "TableError": "engine.errors",
    "TableNotFound": "engine.errors",
    "Decision": "engine.decision.evaluate",
    "Result": "engine.decision.evaluate",
    "Finding": "engine.findings",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'crossroads' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
