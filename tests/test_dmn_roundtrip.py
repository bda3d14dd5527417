"""Round trip: ``import(export_dmn(t))`` answers exactly as ``t`` does (``engine/analysis/diff.py``).

For every fixture table that lint passes and DMN can hold (``test_dmn_export.EXPORTED``) and for
generated tables: export to DMN 1.5, import the XML with the DMN importer
(``crossroads.engine.interop.dmn.read_bytes``), and diff. No semantic difference means no
changed result anywhere, nothing removed, nothing added — except what DMN 1.5 cannot say and
the export documents: there is no integer type (an integer input becomes a number: the diff
then lists "numbers that are not whole" as added answers, every integer answer deciding as
before; an integer output is a number output), and a value table's rows that name an outcome
are written as that outcome's values (so ``t`` is compared with those values inline).

Skipped until the DMN importer is there (another branch; the lead merges both).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import output_tables, tables
from test_dmn_export import EXPORTED, _name

from crossroads.engine.analysis.diff import Diff, diff
from crossroads.engine.errors import NotExpressible
from crossroads.engine.interop.common import Imported
from crossroads.engine.interop.dmn_export import export_dmn
from crossroads.engine.table.compiler import compile_table
from crossroads.engine.table.loader import Document, load_bytes
from crossroads.engine.table.validate import validate

dmn = pytest.importorskip("crossroads.engine.interop.dmn")


def _model(data: dict[str, Any], name: str) -> Any:
    table, findings = validate(Document(data, name, {}, {}))
    errors = [f.message for f in findings if f.severity == "error"]
    assert table is not None and not errors, errors
    return table


def _as_dmn_holds_it(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as DMN holds it: outcome-naming rows of a value table give the values inline, integer outputs are numbers."""
    out = copy.deepcopy(data)
    if not out.get("outputs"):
        return out
    values = {o["id"]: o["values"] for o in out.pop("outcomes", [])}
    out.pop("examples", None)  # not decision logic (diff ignores them); some expect the outcome ids dropped here
    for rule in out["rules"]:
        if isinstance(rule["then"], str):
            rule["then"] = dict(values[rule["then"]])
    if isinstance(out.get("default"), str):
        out["default"] = dict(values[out["default"]])
    for o in out["outputs"]:
        if o["type"] == "integer":
            o["type"] = "number"
    return out


def _round_trip(data: dict[str, Any], name: str) -> Diff | None:
    original = _model(data, name)
    try:
        xml = export_dmn(compile_table(original))
    except NotExpressible:
        return None  # refused, saying why (test_dmn_export covers which)
    outcomes = dmn.read_bytes(xml.encode("utf-8"), name + ".dmn")
    assert len(outcomes) == 1
    imported = outcomes[0]
    assert isinstance(imported, Imported), imported
    back = _model(dict(imported.document), name + ".dmn")
    return diff(_model(_as_dmn_holds_it(data), name), back)


def _no_semantic_difference(d: Diff, data: dict[str, Any]) -> None:
    """No change, nothing removed; added only the fractions of the integer inputs (DMN 1.5 has no integer type)."""
    assert d.complete
    assert d.changes == ()
    assert {k: v for k, v in d.removed.items() if v} == {}
    added = {k: v for k, v in d.added.items() if v}
    integers = {i["id"] for i in data["inputs"] if i.get("type") == "integer"}
    assert sorted(added.pop("ranges", [])) == sorted(f"{i}: numbers that are not whole" for i in integers)
    assert added == {}


@pytest.mark.parametrize("path", EXPORTED, ids=_name)
def test_fixtures_round_trip(path: Path) -> None:
    data = load_bytes(path.read_bytes(), str(path)).data
    d = _round_trip(data, path.stem)
    assert d is not None
    _no_semantic_difference(d, data)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(tables() | output_tables())
def test_generated_tables_round_trip(t: Any) -> None:
    d = _round_trip(t.data, "generated")
    if d is not None:
        _no_semantic_difference(d, t.data)
