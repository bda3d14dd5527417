"""feelin (bpmn-io's FEEL interpreter, nobody here wrote it) on the ORIGINAL input entries of every
imported DMN table: it matches exactly the rows crossroads' compiled columns match.

For every table of ``../shared/interop`` (the DMN 1.5 TCK folders and the real-world models) that
imports, each rule's input entry is read from the model's own XML as written (``dmn.parse``, the
importer's hostile-XML-safe parser; the decision table found by the position the import reports;
Camunda's empty entry is ``-``), evaluated by feelin's ``unaryTest`` on every representative answer
of its input (``tests/oracle.py``: one per class of the rows' conditions, boundaries and bounds
included) and compared with ``column.lookup`` of the compiled import for that row. An entry feelin
cannot read, or a null verdict, is a disagreement like any other: it fails the test.

Skipped without the shared models or without node/feelin (failing under ``CI=true``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from oracle import data_of
from test_dmn import compiled, need_interop, real_models, tck_models

import feelin
from crossroads.engine.interop import dmn
from crossroads.engine.interop.common import Imported, to_yaml

MODELS = tck_models() + real_models()


@pytest.fixture(scope="module")
def oracle_js() -> Iterator[feelin.Feelin]:
    f = feelin.start()
    yield f
    f.close()


def _find(e: dmn.Element, line: int | None, column: int | None) -> dmn.Element | None:
    """The ``decisionTable`` element starting at (line, column), depth first without recursion."""
    stack = [e]
    while stack:
        x = stack.pop()
        if x.tag == "decisionTable" and (x.line, x.column) == (line, column):
            return x
        stack.extend(x.children)
    return None


def original_entries(model: Path, imported: Imported) -> list[list[str]]:
    """Per DMN rule, its input entries' texts as the model writes them (empty → ``-``, Camunda's any)."""
    root = dmn.parse(model.read_bytes(), str(model))
    dt = _find(root, imported.at.line, imported.at.column)
    assert dt is not None, imported.at
    return [
        [(x.text_of() or "").strip() or "-" for x in rule.all("inputEntry", root.ns)]
        for rule in dt.all("rule", root.ns)
    ]


def agree(f: feelin.Feelin, model: Path, imported: Imported) -> tuple[int, list[Any]]:
    """(pairs compared, disagreements) of feelin's verdict and the compiled column, every rule × representative."""
    table = compiled(imported, model.name)
    data = data_of(to_yaml(imported, model.name))
    entries = original_entries(model, imported)
    assert len(entries) == len(table.rules) and all(len(row) == len(table.inputs) for row in entries)
    expected, got = feelin.rows_by_feelin(f, table, entries, data)
    wrong = [(e, g) for e, g in zip(expected, got) if (g["ok"], g["error"]) != (e[-1], None)]
    return len(expected), wrong


def _imported(model: Path) -> list[Imported]:
    return [o for o in dmn.read_file(str(model)) if isinstance(o, Imported)]


@pytest.mark.parametrize("model", MODELS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_feelin_matches_the_same_rows_on_the_original_entries(model: Path, oracle_js: feelin.Feelin) -> None:
    need_interop()
    for o in _imported(model):
        n, wrong = agree(oracle_js, model, o)
        assert n > 0 and wrong == [], (o.name, wrong[:10])


def test_every_imported_table_is_checked() -> None:
    """40 TCK tables and 20 real-world ones: the counts ``test_dmn`` pins, all of them compared above."""
    need_interop()
    assert sum(len(_imported(m)) for m in tck_models()) == 40
    assert sum(len(_imported(m)) for m in real_models()) == 20
