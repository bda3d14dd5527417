"""GoRules JDM interop (engine/interop/jdm.py), proven against GoRules ZEN itself.

* Import: every decision table of the 89 ZEN test-data graphs in ``../shared/interop/jdm`` is
  imported or refused with a reason; every imported table validates, and on every
  representative answer set (one per class of matching rows, from ``tests/oracle.py``, plus
  every representative of each input — bounds, points next to them, the numbers written in the
  original cells) crossroads' result equals ZEN's evaluation of the ORIGINAL node (in a graph
  of its own: input → that table → output; its graph plumbing, ``passThrough`` and
  ``outputPath``, switched off).
* Export: the JDM of every fixture that exports, and of generated tables, evaluated by ZEN,
  equals crossroads on representative answers; importing it back gives no semantic difference
  (``engine/analysis/diff.py``).

ZEN is the ``bench`` extra (``zen-engine``): without it the ZEN tests skip, except under
``CI=true``, where they fail; so does the absence of the shared test data.
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SHARED
from hypothesis import given, settings
from oracle import Oracle
from strategies import output_tables, tables

from crossroads.engine.analysis.diff import diff
from crossroads.engine.decision.evaluate import decide
from crossroads.engine.errors import HitPolicyViolation, NotExpressible, TableError
from crossroads.engine.interop import jdm
from crossroads.engine.interop.common import Imported, Refused
from crossroads.engine.table import numbers
from crossroads.engine.table import pipeline as tables_pipeline
from crossroads.engine.table.compiler import compile_table
from crossroads.engine.table.loader import Document
from crossroads.engine.table.validate import validate

CI = os.environ.get("CI") == "true"
JDM = SHARED / "interop" / "jdm"
GRAPHS = sorted((JDM / "graphs").glob("*.json")) if JDM.is_dir() else []


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if CI:
            pytest.fail(reason + "; CI must run these tests", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def zen() -> Any:
    try:
        import zen as module
    except ImportError:
        _need(False, "zen-engine (GoRules ZEN, the bench extra) is not installed")
    return module


@pytest.fixture(scope="module")
def engine(zen: Any) -> Any:
    return zen.ZenEngine()


def _corpus() -> None:
    _need(bool(GRAPHS), f"the JDM graphs are not at {JDM} (a folder 'shared/interop' beside the repository)")


# -- helpers: ZEN's context and results -----------------------------------------------------


def _json(v: Any) -> str:
    """JSON text with numbers written exactly (ZEN reads the text; no float on the way)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, date):
        return json.dumps(v.isoformat())
    if isinstance(v, str):
        return json.dumps(v)
    assert isinstance(v, dict)
    return "{" + ",".join(f"{json.dumps(k)}:{_json(x)}" for k, x in v.items()) + "}"


def _context(answers: dict[str, Any], fields: dict[str, str]) -> str:
    ctx: dict[str, Any] = {}
    for key, value in answers.items():
        *path, last = fields.get(key, jdm.input_field(key)).split(".")
        at = ctx
        for p in path:
            at = at.setdefault(p, {})
        at[last] = value
    return _json(ctx)


def _typed(v: Any) -> Any:
    if isinstance(v, bool):
        return ("boolean", v)
    if isinstance(v, float):
        return ("number", numbers.exact(Decimal(repr(v))))  # ZEN hands numbers to Python as floats
    if isinstance(v, (int, Decimal)):
        return ("number", numbers.exact(v))
    if isinstance(v, date):
        return ("string", v.isoformat())
    return ("string", v)


def _flat(result: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out = {}
    for f in fields:
        at: Any = result
        for p in f.split("."):
            at = at.get(p) if isinstance(at, dict) else None
        if at is not None:
            out[f] = _typed(at)
    return out


def _graph(node: dict[str, Any]) -> str:
    """One decision table node in a graph of its own, its plumbing switched off."""
    node = json.loads(json.dumps(node))
    content = node["content"]
    content["passThrough"] = False
    for key in ("passThorough", "outputPath", "inputField"):
        content.pop(key, None)
    return json.dumps(
        {
            "nodes": [
                {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
                node,
                {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 0, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "request", "targetId": node["id"], "type": "edge"},
                {"id": "e2", "sourceId": node["id"], "targetId": "response", "type": "edge"},
            ],
        }
    )


def _fields(doc: dict[str, Any]) -> dict[str, str]:
    return jdm.fields_of(doc.get("summary"))


def _expected(ct: Any, doc: dict[str, Any], answers: dict[str, Any]) -> Any:
    """What ZEN must answer, in crossroads' terms: a mapping field → value (``first``), a list of them."""
    fields = _fields(doc)
    with_outcome = bool(ct.outcomes) and (not ct.outputs or all(r.then < len(ct.outcomes) for r in ct.rules))
    listed = ct.hit_policy in ("collect", "output-order")
    d = decide(ct, answers)
    if d.status == "no-match":
        return [] if listed else {}

    def item(values: Any, outcome: str | None) -> dict[str, Any]:
        out = {fields.get(k, k): _typed(v) for k, v in (values or {}).items()}
        if with_outcome:
            out["outcome"] = ("string", outcome)
        return out

    if listed:
        values = list(d.values) if ct.outputs else [None] * len(d.outcomes)
        return [item(v, o) for v, o in zip(values, d.outcomes or [None] * len(values))]
    return item(d.values, d.outcome)


def _zen_result(decision: Any, ctx: str, out_fields: list[str]) -> Any:
    result = decision.evaluate(ctx)["result"]
    if isinstance(result, list):
        return [_flat(r, out_fields) for r in result]
    return _flat(result, out_fields)


def _answer_sets(
    doc: dict[str, Any], extra: dict[str, list[Any]] | None = None, limit: int = 400
) -> list[dict[str, Any]]:
    """One answer set per class of matching rows, then each input's every representative in turn."""
    oracle = Oracle(doc)
    sets = list(oracle.classes().values())
    base = sets[0]
    for spec in oracle.inputs:
        for v in oracle.representatives(spec, (extra or {}).get(spec.id, ())):
            sets.append({**base, spec.id: v})
    return sets[:limit]


def _table(doc: dict[str, Any]) -> Any:
    model, findings = validate(Document(doc, "imported.yaml", {}, {}))
    errors = [f for f in findings if f.severity == "error"]
    assert model is not None and not errors, errors
    return model


def _numbers_in(cells: list[Any]) -> list[Any]:
    import re

    out = []
    for c in cells:
        for m in re.findall(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]+)?", c if isinstance(c, str) else ""):
            out.append(numbers.exact(Decimal(m.replace("_", ""))))
    return out


# -- import: the ZEN test-data corpus ---------------------------------------------------------


def _outcomes() -> list[tuple[Path, dict[str, Any], Any]]:
    found = []
    for path in GRAPHS:
        graph = json.loads(path.read_text())
        nodes = [n for n in graph["nodes"] if n.get("type") == "decisionTableNode"]
        for node, outcome in zip(nodes, jdm.read_file(str(path), 8 << 20)):
            found.append((path, node, outcome))
    return found


def test_every_jdm_table_is_imported_or_refused_with_a_reason() -> None:
    _corpus()
    found = _outcomes()
    assert len(GRAPHS) == 89
    assert len(found) == 217
    imported = [o for _, _, o in found if isinstance(o, Imported)]
    refused = [o for _, _, o in found if isinstance(o, Refused)]
    assert (len(imported), len(refused)) == (138, 79)
    for o in refused:
        assert o.message and "\n" not in o.message and o.at.line is not None, o
    for o in imported:
        _table(dict(o.document))  # validates without errors


def test_imported_tables_answer_as_zen_does(engine: Any) -> None:
    _corpus()
    checked = 0
    for path, node, outcome in _outcomes():
        if not isinstance(outcome, Imported):
            continue
        doc = dict(outcome.document)
        ct = compile_table(_table(doc))
        decision = engine.create_decision(_graph(node))
        fields = _fields(doc)
        out_fields = [fields.get(o.id, o.id) for o in ct.outputs] + (["outcome"] if ct.outcomes else [])
        by_field = {c.get("field"): c["id"] for c in node["content"]["inputs"]}
        extra = {
            i.id: _numbers_in(
                [r.get(by_field.get(fields.get(i.id, jdm.input_field(i.id))), "") for r in node["content"]["rules"]]
            )
            for i in ct.inputs
            if i.type == "number"
        }
        for answers in _answer_sets(doc, extra):
            want = _expected(ct, doc, answers)
            got = _zen_result(decision, _context(answers, fields), out_fields)
            assert got == want, (path.name, outcome.name, answers)
            checked += 1
    print(f"{checked} answer sets checked against ZEN")
    assert checked == 2370


# -- import: forms, refusals, positions, hostile input ------------------------------------------


def _node(inputs: list[tuple[str, str]], rows: list[list[str]], policy: str = "first", **content: Any) -> bytes:
    """A graph holding one decision table: inputs (field, name) and rows of cells (inputs, then the output)."""
    columns = [{"id": f"i{k}", "name": name, "field": field} for k, (field, name) in enumerate(inputs)]
    rules = []
    for n, row in enumerate(rows):
        cells = {"_id": f"r{n + 1}", **{f"i{k}": c for k, c in enumerate(row[:-1])}, "o": row[-1]}
        rules.append(cells)
    node = {
        "id": "node-1",
        "type": "decisionTableNode",
        "name": "Fees",
        "content": {
            "hitPolicy": policy,
            "inputs": columns,
            "outputs": [{"id": "o", "name": "Fee", "field": "fee.amount"}],
            "rules": rules,
            **content,
        },
    }
    return json.dumps({"nodes": [node]}, indent=2).encode()


def _one(data: bytes) -> Any:
    (outcome,) = jdm.read_bytes(data, "g.json")
    return outcome


@pytest.mark.parametrize(
    ("cell", "when"),
    [
        ("'US', 'CA'", ["CA", "US"]),
        ('"US"', "US"),
        ("!= 'US'", {"not": "US"}),
        ("!= 'a' and != 'b'", {"not": ["a", "b"]}),
        ("['platinum', 'gold']", ["gold", "platinum"]),
        ("[1..10]", "[1, 10]"),
        ("(0..100)", "(0, 100)"),
        ("[500..1_000)", "[500, 1000)"),
        ("> 5 and < 10", "(5, 10)"),
        ("<= 1.2 and >= 0.8", "[0.8, 1.2]"),
        ("!= 3", "!= 3"),
        ("0, 1", ["== 0", "== 1"]),
        ("1, 2, 12", [1, 2, 12]),
        ("< 18, >= 60", ["< 18", ">= 60"]),
        ("> 30, <= 60", None),
        ("1_000", 1000),
        ("-0.5", Decimal("-0.5")),
        ("true", True),
        ("== false", False),
        ("  ", None),
    ],
)
def test_cells_in_zen_unary_syntax(cell: str, when: Any) -> None:
    field_type = (
        "boolean" if "true" in cell or "false" in cell else "string" if "'" in cell or '"' in cell else "number"
    )
    out = _one(_node([("customer.x", "X"), ("y", "Y")], [[cell, "> 1", "1"], ["", "", "2"]]))
    assert isinstance(out, Imported), out
    rule = out.document["rules"][0]
    assert rule.get("when", {}).get("customer-x") == when
    if when is not None:
        assert out.document["inputs"][0]["type"] == field_type
    _table(dict(out.document))


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("contains($, 'iphone')", "$-expression"),
        ("$ > 10", "$-expression"),
        ("date('2023-01-01')", "function call"),
        ('> date("2023-01-01")', "function call"),
        ("!= userProfile.homeCountry", "reference to another field"),
        ("'Conditional' or 'Approved'", "or/not/in"),
        ("]0..5[", "open range"),
        ("> 'a'", "'>' on a string"),
        ("> 5 and < 3", "accepts no value"),
        ("null", "null"),
        ("'a", "unterminated string"),
    ],
)
def test_cells_refused_with_the_cell_quoted(cell: str, why: str) -> None:
    out = _one(_node([("x", "X")], [["", "1"], [cell, "2"]]))
    assert isinstance(out, Refused)
    assert json.dumps(cell) in out.message and why in out.message and "rule 2" in out.message
    assert out.at.file == "g.json" and out.at.line is not None and out.at.line > 1


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        ([["> 1", "'a'"], ["'x'", "'b'"]], "one column, one type"),
        ([["> 1", ""]], "every output needs a value"),
        ([["> 1", "null"]], "every output needs a value"),
        ([["> 1", "amount * 2"]], "output cells must be literals"),
        ([["> 1", "'a'"], ["", "1"]], "one column, one type"),
    ],
)
def test_tables_refused(rows: list[list[str]], why: str) -> None:
    out = _one(_node([("x", "X")], rows))
    assert isinstance(out, Refused) and why in out.message, out


def test_policies_loops_and_plumbing() -> None:
    assert isinstance(_one(_node([("x", "X")], [["", "1"]], policy="unique")), Refused)
    loop = _one(_node([("x", "X")], [["", "1"]], executionMode="loop", inputField="items"))
    assert isinstance(loop, Refused) and "loop" in loop.message
    plumbing = _one(_node([("x", "X")], [["> 1", "1"]], passThrough=True, outputPath="out"))
    assert isinstance(plumbing, Imported)
    assert any("passThrough" in n for n in plumbing.notes) and any("outputPath" in n for n in plumbing.notes)
    collect = _one(_node([("x", "X")], [["> 1", "1"]], policy="collect"))
    assert collect.document["hit_policy"] == "collect"


def test_ids_labels_and_fields() -> None:
    out = _one(
        _node(
            [("customer.country", "Country"), ("applicantAge", "Age"), ("plain", "P")], [["'NL'", "> 1", "true", "1"]]
        )
    )
    doc = out.document
    assert [i["id"] for i in doc["inputs"]] == ["customer-country", "applicant-age", "plain"]
    assert [i["prompt"] for i in doc["inputs"]] == ["Country", "Age", "P"]
    assert doc["outputs"] == [{"id": "fee-amount", "type": "number", "title": "Fee"}]
    assert (
        doc["summary"]
        == "JDM fields: customer-country = customer.country, applicant-age = applicantAge, fee-amount = fee.amount"
    )
    assert jdm.fields_of(doc["summary"]) == {
        "customer-country": "customer.country",
        "applicant-age": "applicantAge",
        "fee-amount": "fee.amount",
    }
    assert doc["rules"][0]["id"] == "r1" and doc["rules"][0]["then"] == {"fee-amount": 1}
    assert out.element == "decisionTableNode 'Fees' (id node-1)" and out.at.line == 4
    assert out.positions[("rules", 0)].line is not None


def test_empty_columns_are_dropped() -> None:
    out = _one(_node([("x", "X"), ("", "Nothing")], [["> 1", "", "1"]]))
    assert [i["id"] for i in out.document["inputs"]] == ["x"]
    assert any("Nothing" in n for n in out.notes)
    none_left = _one(_node([("x", "X")], [["", "1"]]))
    assert isinstance(none_left, Refused) and "no input column" in none_left.message


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", "syntax"),
        (b"[1]", "not-a-mapping"),
        (b'{"nodes": 1}', "schema"),
        (b'{"nodes": [], "nodes": []}', "duplicate-key"),
        (b'{"nodes": [NaN]}', "syntax"),
        (b"[" * 100 + b"]" * 100, "too-deep"),
        (b'{"a": "\xff"}', "encoding"),
        (b'{"a": 1' + b"0" * 5000 + b"}", "number-range"),
    ],
)
def test_unreadable_json_is_one_positioned_error(data: bytes, code: str) -> None:
    with pytest.raises(TableError) as exc:
        jdm.read_bytes(data, "g.json")
    (finding,) = exc.value.findings
    assert finding.code == code and finding.file == "g.json" and "\n" not in finding.message


def test_size_cap_and_files(tmp_path: Path) -> None:
    with pytest.raises(TableError) as exc:
        jdm.read_bytes(b'{"nodes": []}', "g.json", max_bytes=5)
    assert exc.value.findings[0].code == "too-large"
    with pytest.raises(TableError) as exc:
        jdm.read_file(str(tmp_path / "missing.json"), 1000)
    assert exc.value.findings[0].code == "unreadable"
    p = tmp_path / "g.json"
    p.write_bytes(_node([("x", "X")], [["> 1", "1"]]))
    assert isinstance(jdm.read_file(str(p), 1 << 20)[0], Imported)
    with pytest.raises(TableError):
        jdm.read_file(str(p), 10)
    assert jdm.read_bytes(b'{"nodes": [{"type": "inputNode"}]}', "g.json") == []


# -- export ---------------------------------------------------------------------------------------


def _fixture_tables() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.yaml"))


def _compiled_fixture(path: Path) -> Any:
    try:
        return tables_pipeline.compiled(tables_pipeline.Source(str(path), path.read_bytes()), use_cache=False)
    except TableError:
        return None


def _round_trip(model: Any) -> None:
    """``read_bytes(export_table(t))`` has no semantic difference from ``t``."""
    text = jdm.export_table(compile_table(model))
    (back,) = jdm.read_bytes(text.encode(), "exported.json")
    assert isinstance(back, Imported), back
    d = diff(model, _table(dict(back.document)))
    assert not d.changes and d.complete, [c for c in d.changes][:3]
    assert not any(d.removed.values()) and not any(d.added.values()), (d.added, d.removed)


def _zen_equal(engine: Any, model: Any, doc: dict[str, Any]) -> None:
    ct = compile_table(model)
    text = jdm.export_table(ct)
    decision = engine.create_decision(text)
    with_outcome = bool(ct.outcomes) and (not ct.outputs or all(r.then < len(ct.outcomes) for r in ct.rules))
    out_fields = [o.id for o in ct.outputs] + (["outcome"] if with_outcome else [])
    for answers in _answer_sets(doc, limit=200):
        try:
            want = _expected(ct, doc, answers)
        except HitPolicyViolation:  # export refuses every table where this can happen
            raise AssertionError("a violation on an exported table") from None
        got = _zen_result(decision, _context(answers, {}), out_fields)
        assert got == want, (answers, got, want)


def _exportable(ct: Any) -> bool:
    try:
        jdm.export_table(ct)
    except NotExpressible:
        return False
    return True


def test_fixtures_export_as_zen_evaluates_them(engine: Any) -> None:
    exported = refused = 0
    for path in _fixture_tables():
        ct = _compiled_fixture(path)
        if ct is None:
            continue
        if not _exportable(ct):
            refused += 1
            continue
        loaded = tables_pipeline.load(tables_pipeline.Source(str(path), path.read_bytes()))
        _zen_equal(engine, loaded.table, loaded.document.data)
        exported += 1
    assert (exported, refused) == (38, 12)  # refused: 4 dates, 4 unique overlaps, 2 aggregates, 2 mixed rows


def test_fixtures_round_trip() -> None:
    done = 0
    for path in _fixture_tables():
        ct = _compiled_fixture(path)
        if ct is None or not _exportable(ct):
            continue
        loaded = tables_pipeline.load(tables_pipeline.Source(str(path), path.read_bytes()))
        _round_trip(loaded.table)
        done += 1
    assert done == 38


def _generated(data: dict[str, Any]) -> Any:
    return _table(data)


@settings(max_examples=int(os.environ.get("JDM_EXAMPLES", "25")))
@given(tables())
def test_generated_tables_export_and_round_trip(engine: Any, generated: Any) -> None:
    model = _generated(generated.data)
    if not _exportable(compile_table(model)):
        return
    _zen_equal(engine, model, generated.data)
    _round_trip(model)


@settings(max_examples=int(os.environ.get("JDM_EXAMPLES", "25")))
@given(output_tables())
def test_generated_output_tables_export_and_round_trip(engine: Any, generated: Any) -> None:
    model = _generated(generated.data)
    if not _exportable(compile_table(model)):
        return
    _zen_equal(engine, model, generated.data)
    _round_trip(model)


@pytest.mark.parametrize(
    ("yaml", "why"),
    [
        ("hit_policy: collect\naggregate: sum\n", "aggregate"),
        ("hit_policy: collect\ndefault: {fee: 1}\n", "a default under collect"),
    ],
)
def test_export_refuses_what_zen_cannot_say(yaml: str, why: str) -> None:
    text = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\n"
        + yaml
        + "inputs: [{id: w, prompt: W, type: number}]\n"
        "outputs: [{id: fee, type: number}]\nrules:\n  - {id: a, when: {w: '> 1'}, then: {fee: 2}}\n"
    )
    ct = tables_pipeline.compiled(tables_pipeline.Source("t.yaml", text.encode()), use_cache=False)
    with pytest.raises(NotExpressible) as exc:
        jdm.export_table(ct)
    assert why in str(exc.value)


def test_export_unique_with_overlap_is_refused_and_priority_reorders() -> None:
    base = (
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: {policy}\n"
        "inputs: [{{id: w, prompt: W, type: number}}]\n"
        "outcomes: [{{id: high, title: High}}, {{id: low, title: Low}}]\n"
        "rules:\n  - {{id: a, when: {{w: '> 1'}}, then: low}}\n  - {{id: b, when: {{w: '> 5'}}, then: high}}\n"
    )
    unique = tables_pipeline.compiled(
        tables_pipeline.Source("t.yaml", base.format(policy="unique").encode()), use_cache=False
    )
    with pytest.raises(NotExpressible) as exc:
        jdm.export_table(unique)
    assert "conflict" in str(exc.value)
    priority = tables_pipeline.compiled(
        tables_pipeline.Source("t.yaml", base.format(policy="priority").encode()), use_cache=False
    )
    graph = json.loads(jdm.export_table(priority))
    table = graph["nodes"][1]["content"]
    assert table["hitPolicy"] == "first"
    assert [r["_id"] for r in table["rules"]] == ["b", "a"]
    assert [r["in-w"] for r in table["rules"]] == ["> 5", "> 1"]
