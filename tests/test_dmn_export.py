"""``export_dmn``: DMN 1.5 that the XSD accepts, that dmn-moddle reads as written, and whose input
entries feelin (a FEEL implementation nobody here wrote) evaluates exactly as crossroads' columns do.

Every valid fixture table (``tests/fixtures/**/*.yaml`` that compiles) and random tables of
``tests/strategies.py`` (``tables()``, ``output_tables()``) are exported; the agreement test
evaluates every rule's exported input entry on every representative answer of every input
(``tests/oracle.py``: one per class, boundaries included) and compares with ``column.lookup``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from conftest import FIXTURES, compile_yaml
from hypothesis import HealthCheck, given, settings
from oracle import data_of
from strategies import output_tables, tables

import feelin
from crossroads.engine.errors import NotExpressible
from crossroads.engine.interop.dmn_export import NAMESPACE, export_dmn, feel_number, feel_string
from crossroads.engine.table import pipeline
from crossroads.engine.table.compiler import CompiledTable

XSD = FIXTURES / "dmn-xsd" / "DMN15.xsd"
NS = {"d": NAMESPACE}

REFUSED = {"formats/terminal-escapes.yaml": "the title holds a control character that XML 1.0 cannot hold"}
"""Valid fixtures DMN cannot hold exactly, and why (``NotExpressible``)."""


def _valid_fixtures() -> Iterator[Path]:
    """The fixture tables lint passes without an error (warnings allowed): what there is to export."""
    for path in sorted(FIXTURES.glob("**/*.yaml")):
        loaded = pipeline.load(pipeline.Source(str(path), path.read_bytes()))
        if not any(f.severity == "error" for f in loaded.findings):
            yield path


FIXTURE_TABLES = list(_valid_fixtures())
EXPORTED = [p for p in FIXTURE_TABLES if str(p.relative_to(FIXTURES)) not in REFUSED]


def _name(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    # allow="local": the schema and what it imports are read from tests/fixtures/dmn-xsd, never the network
    return xmlschema.XMLSchema(str(XSD.resolve()), allow="local")


@pytest.fixture(scope="module")
def oracle_js() -> Iterator[feelin.Feelin]:
    f = feelin.start()
    yield f
    f.close()


def _compiled(path: Path) -> tuple[CompiledTable, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    return compile_yaml(text, str(path)), data_of(text)


# -- the XSD ----------------------------------------------------------------------------------


def test_the_fixtures_are_there() -> None:
    assert len(FIXTURE_TABLES) >= 30
    assert {_name(p) for p in FIXTURE_TABLES} >= set(REFUSED)


@pytest.mark.parametrize("path", EXPORTED, ids=_name)
def test_fixture_export_is_valid_dmn_15(path: Path, schema: xmlschema.XMLSchema) -> None:
    table, _ = _compiled(path)
    xml = export_dmn(table)
    assert list(schema.iter_errors(xml)) == []
    assert export_dmn(table) == xml  # deterministic
    assert export_dmn(compile_yaml(path.read_text(encoding="utf-8"), "elsewhere.yaml")) == xml  # no file names in it


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_fixtures_say_why(name: str) -> None:
    table, _ = _compiled(FIXTURES / name)
    with pytest.raises(NotExpressible, match=REFUSED[name]):
        export_dmn(table)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_generated_tables_export_valid_dmn(schema: xmlschema.XMLSchema, t: Any) -> None:
    xml = export_dmn(compile_yaml(t.text))
    assert list(schema.iter_errors(xml)) == []


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(output_tables())
def test_generated_output_tables_export_valid_dmn(schema: xmlschema.XMLSchema, t: Any) -> None:
    table = compile_yaml(t.text)
    try:
        xml = export_dmn(table)
    except NotExpressible as e:
        assert "give the same values" in str(e)  # the one refusal random tables reach (any, equal outcomes)
        return
    assert list(schema.iter_errors(xml)) == []


# -- feelin agrees with the compiled columns ----------------------------------------------------


def _entries(xml: str) -> list[list[str]]:
    """Per rule, its input entries' texts, as the XML says."""
    root = ET.fromstring(xml)
    return [
        [e.findtext("d:text", namespaces=NS) or "" for e in rule.findall("d:inputEntry", NS)]
        for rule in root.iter(f"{{{NAMESPACE}}}rule")
    ]


def _agree(f: feelin.Feelin, table: CompiledTable, data: dict[str, Any]) -> int:
    """feelin's matching rows equal the columns' on every representative answer; the pairs compared."""
    entries = _entries(export_dmn(table))
    expected, got = feelin.rows_by_feelin(f, table, entries, data)
    wrong = [(e, g) for e, g in zip(expected, got) if g != {"ok": e[-1], "error": None, "warnings": []}]
    assert wrong == []
    return len(expected)


@pytest.mark.parametrize("path", EXPORTED, ids=_name)
def test_feelin_matches_the_same_rows_on_fixtures(path: Path, oracle_js: feelin.Feelin) -> None:
    table, data = _compiled(path)
    assert _agree(oracle_js, table, data) > 0


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_feelin_matches_the_same_rows_on_generated_tables(oracle_js: feelin.Feelin, t: Any) -> None:
    assert _agree(oracle_js, compile_yaml(t.text), t.data) > 0


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(output_tables(policy=("first", None)))
def test_feelin_matches_the_same_rows_on_generated_output_tables(oracle_js: feelin.Feelin, t: Any) -> None:
    assert _agree(oracle_js, compile_yaml(t.text), t.data) > 0


def test_feelin_evaluates_output_entries_and_allowed_values_as_literals(oracle_js: feelin.Feelin) -> None:
    """Output entries, defaults and allowed values are FEEL literals feelin reads back to the same value."""
    got = oracle_js.unary(
        [
            (feel_string('say "hi"\\\n\t\x01'), 'say "hi"\\\n\t\x01'),
            (feel_string("日本"), "日本"),
            (feel_number(Decimal("-0.50"), "x"), Decimal("-0.5")),
            ('date("0001-01-01")', date(1, 1, 1)),
            ("[0..120]", 120),
            (">= 0", -1),
        ]
    )
    assert [g["ok"] for g in got] == [True, True, True, True, True, False]


# -- dmn-moddle reads what was written ---------------------------------------------------------


def _summary(xml: str) -> dict[str, Any]:
    """The decision table as the standard library's parser reads the export (dmn-moddle's summary shape)."""
    root = ET.fromstring(xml)
    decision = root.find("d:decision", NS)
    assert decision is not None
    dt = decision.find("d:decisionTable", NS)
    assert dt is not None

    def text(e: ET.Element | None, path: str) -> str | None:
        found = e.find(path, NS) if e is not None else None
        return found.text if found is not None else None

    return {
        "decision": {
            "id": decision.get("id"),
            "name": decision.get("name"),
            "description": text(decision, "d:description"),
        },
        "id": dt.get("id"),
        "hitPolicy": dt.get("hitPolicy"),
        "aggregation": dt.get("aggregation"),
        "inputs": [
            {
                "id": i.get("id"),
                "label": i.get("label"),
                "expression": text(i, "d:inputExpression/d:text"),
                "typeRef": (i.find("d:inputExpression", NS) or ET.Element("x")).get("typeRef"),
                "values": text(i, "d:inputValues/d:text"),
            }
            for i in dt.findall("d:input", NS)
        ],
        "outputs": [
            {
                "id": o.get("id"),
                "name": o.get("name"),
                "label": o.get("label"),
                "typeRef": o.get("typeRef"),
                "values": text(o, "d:outputValues/d:text"),
                "default": text(o, "d:defaultOutputEntry/d:text"),
            }
            for o in dt.findall("d:output", NS)
        ],
        "rules": [
            {
                "id": r.get("id"),
                "description": text(r, "d:description"),
                "inputs": [text(e, "d:text") for e in r.findall("d:inputEntry", NS)],
                "outputs": [text(e, "d:text") for e in r.findall("d:outputEntry", NS)],
            }
            for r in dt.findall("d:rule", NS)
        ],
    }


def _moddle_reads(f: feelin.Feelin, xml: str) -> None:
    read = f.moddle(xml)
    assert read["ok"], read["error"]
    assert read["warnings"] == []
    assert read["tables"] == [_summary(xml)]


@pytest.mark.parametrize("path", EXPORTED, ids=_name)
def test_dmn_moddle_reads_fixture_exports_without_warnings(path: Path, oracle_js: feelin.Feelin) -> None:
    _moddle_reads(oracle_js, export_dmn(_compiled(path)[0]))


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(output_tables(policy=("collect", "sum")) | output_tables() | tables())
def test_dmn_moddle_reads_generated_exports(oracle_js: feelin.Feelin, t: Any) -> None:
    try:
        xml = export_dmn(compile_yaml(t.text))
    except NotExpressible:
        return
    _moddle_reads(oracle_js, xml)


# -- the mapping, form by form --------------------------------------------------------------------

HEAD = "format: crossroads/1\nid: t\nversion: 1.2.3\ntitle: T\n"


def _one_cell(kind: str, condition: str, extra: str = "") -> str:
    """The exported input entry of a one-input, one-rule table with ``condition`` on that input."""
    text = (
        HEAD
        + f"hit_policy: first\ninputs:\n  - {{id: x, prompt: X?, type: {kind}{extra}}}\n"
        + "outcomes: [{id: yes-, title: Yes}]\n"
        + f"rules:\n  - {{id: r1, when: {{x: {condition}}}, then: yes-}}\n"
    )
    return _entries(export_dmn(compile_yaml(text)))[0][0]


CHOICE = ", options: [{id: a}, {id: b}, {id: c}, {id: 'say \"hi\"'}]"


@pytest.mark.parametrize(
    ("kind", "condition", "extra", "feel"),
    [
        ("number", '"[1, 5)"', "", "[1..5)"),
        ("number", '"(1, 5]"', "", "(1..5]"),
        ("number", '"(1, 5)"', "", "(1..5)"),
        ("number", '"[1, 5]"', "", "[1..5]"),
        ("number", '"< 18"', "", "< 18"),
        ("number", '"<= -0.5"', "", "<= -0.5"),
        ("number", '"> 2.50"', "", "> 2.5"),
        ("number", '">= 0"', "", ">= 0"),
        ("number", '"== 3"', "", "3"),
        ("number", "3", "", "3"),
        ("number", '"!= 3"', "", "not(3)"),
        ("number", "{not: [1, 2]}", "", "not(1, 2)"),
        ("number", '["< 18", ">= 60"]', "", "< 18, >= 60"),
        ("number", "[1, 2, 5]", "", "1, 2, 5"),
        ("number", '["< 0", ">= 0"]', "", "-"),
        ("number", '{not: "[1, 5)"}', "", "< 1, >= 5"),
        ("integer", '"> 5"', ", minimum: 0", "> 5"),
        ("number", "0.000000000000000000000000000000001", "", "0.000000000000000000000000000000001"),
        ("date", "2025-01-31", "", 'date("2025-01-31")'),
        ("date", '">= 2025-01-01"', "", '>= date("2025-01-01")'),
        ("date", '"[2025-01-01, 2025-04-01)"', "", '[date("2025-01-01")..date("2025-04-01"))'),
        ("date", '"!= 2024-02-29"', "", 'not(date("2024-02-29"))'),
        ("boolean", "true", "", "true"),
        ("boolean", "false", "", "false"),
        ("string", "NL", "", '"NL"'),
        ("string", '[NL, BE, ""]', "", '"", "BE", "NL"'),
        ("string", "{not: [NL, BE]}", "", 'not("BE", "NL")'),
        ("string", "'say \"hi\" \\ 日本'", "", '"say \\"hi\\" \\\\ 日本"'),
        ("string", '"tab\\there\\nline\\u0001"', "", '"tab\\there\\nline\\u0001"'),
        ("choice", "a", CHOICE, '"a"'),
        ("choice", "[a, b]", CHOICE, '"a", "b"'),
        ("choice", "{not: a}", CHOICE, 'not("a")'),
        ("choice", "{not: [a, b]}", CHOICE, '"c", "say \\"hi\\""'),
        ("choice", "{not: [a, b, c, 'say \"hi\"']}", CHOICE, 'not("a", "b", "c", "say \\"hi\\"")'),
    ],
)
def test_each_condition_form_exports_as_feel(kind: str, condition: str, extra: str, feel: str) -> None:
    assert _one_cell(kind, condition, extra) == feel


def _table(body: str) -> str:
    return export_dmn(compile_yaml(HEAD + body))


TWO_OUTPUTS = """inputs: [{id: n, prompt: N?, type: integer, minimum: 0, maximum: 120}]
outputs:
  - {id: fee, type: number, title: Fee}
  - {id: carrier, type: choice, options: [{id: express}, {id: standard, label: Std}]}
  - {id: when, type: date}
  - {id: flag, type: boolean}
  - {id: note, type: string}
"""


@pytest.mark.parametrize(
    ("policy", "dmn"),
    [
        ("hit_policy: unique", ("UNIQUE", None)),
        ("hit_policy: first", ("FIRST", None)),
        ("hit_policy: priority", ("PRIORITY", None)),
        ("hit_policy: any", ("ANY", None)),
        ("hit_policy: collect", ("RULE ORDER", None)),
        ("hit_policy: output-order", ("OUTPUT ORDER", None)),
    ],
)
def test_hit_policies(policy: str, dmn: tuple[str, str | None]) -> None:
    xml = _table(
        policy
        + "\n"
        + TWO_OUTPUTS
        + "rules:\n  - {id: r1, then: {fee: 1, carrier: express, when: 2025-01-01, flag: true, note: x}}\n"
    )
    s = _summary(xml)
    assert (s["hitPolicy"], s["aggregation"]) == dmn


@pytest.mark.parametrize(("aggregate", "dmn"), [("sum", "SUM"), ("min", "MIN"), ("max", "MAX"), ("count", "COUNT")])
def test_aggregates_are_collect_with_an_aggregation(aggregate: str, dmn: str) -> None:
    xml = _table(
        f"hit_policy: collect\naggregate: {aggregate}\ndefault: {{fee: 0}}\n"
        "inputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: fee, type: number}]\n"
        'rules:\n  - {id: r1, when: {n: "> 1"}, then: {fee: 2.5}}\n'
    )
    s = _summary(xml)
    assert (s["hitPolicy"], s["aggregation"]) == ("COLLECT", dmn)
    # a count with no match is 0 with or without a default: the default is left out there
    assert s["outputs"][0]["default"] == (None if aggregate == "count" else "0")


def test_a_value_table_maps_every_part() -> None:
    xml = _table(
        "summary: What it costs.\nhit_policy: priority\ndefault: {fee: 0, carrier: standard, when: 2025-01-01, flag: false, note: none}\n"
        + TWO_OUTPUTS
        + "outcomes:\n  - {id: std, title: Standard, values: {fee: 4.90, carrier: standard, when: 2024-02-29, flag: false, note: 'a \"b\"'}}\n"
        + 'rules:\n  - {id: r1, when: {n: "> 20"}, then: {fee: 49.5, carrier: express, when: 2025-01-01, flag: true, note: x}, because: Heavy & far <go>.}\n'
        + "  - {id: r2, then: std}\n"
    )
    assert xml.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"'
    )
    assert 'namespace="urn:crossroads:t:1.2.3"' in xml
    assert "<description>Heavy &amp; far &lt;go&gt;.</description>" in xml
    s = _summary(xml)
    assert s["decision"] == {"id": "t", "name": "T", "description": "What it costs."}
    assert s["inputs"] == [
        {"id": "input.n", "label": "N?", "expression": "n", "typeRef": "number", "values": "[0..120]"}
    ]
    assert s["outputs"] == [
        {"id": "output.fee", "name": "fee", "label": "Fee", "typeRef": "number", "values": None, "default": "0"},
        {
            "id": "output.carrier",
            "name": "carrier",
            "label": "carrier",
            "typeRef": "string",
            "values": '"express", "standard"',
            "default": '"standard"',
        },
        {
            "id": "output.when",
            "name": "when",
            "label": "when",
            "typeRef": "date",
            "values": None,
            "default": 'date("2025-01-01")',
        },
        {
            "id": "output.flag",
            "name": "flag",
            "label": "flag",
            "typeRef": "boolean",
            "values": None,
            "default": "false",
        },
        {
            "id": "output.note",
            "name": "note",
            "label": "note",
            "typeRef": "string",
            "values": None,
            "default": '"none"',
        },
    ]
    assert s["rules"] == [
        {
            "id": "r1",
            "description": "Heavy & far <go>.",
            "inputs": ["> 20"],
            "outputs": ["49.5", '"express"', 'date("2025-01-01")', "true", '"x"'],
        },
        # a row naming an outcome writes that outcome's values
        {
            "id": "r2",
            "description": None,
            "inputs": ["-"],
            "outputs": ["4.9", '"standard"', 'date("2024-02-29")', "false", '"a \\"b\\""'],
        },
    ]


def test_a_named_outcome_table_is_one_outcome_output_in_priority_order() -> None:
    xml = _table(
        "hit_policy: priority\ndefault: low\n"
        "inputs:\n  - {id: score, prompt: Score?, type: number, minimum: 0}\n  - {id: day, prompt: Day?, type: date, maximum: 2030-12-31}\n"
        "outcomes: [{id: high, title: High}, {id: low, title: Low}]\n"
        'rules:\n  - {id: t, when: {score: ">= 50"}, then: high}\n  - {id: r2, then: low}\n'
    )
    s = _summary(xml)
    assert s["inputs"][0]["values"] == ">= 0"
    assert s["inputs"][1]["values"] == '<= date("2030-12-31")'
    assert s["outputs"] == [
        {
            "id": "output.outcome",
            "name": "outcome",
            "label": None,
            "typeRef": "string",
            "values": '"high", "low"',
            "default": '"low"',
        }
    ]
    # a rule id equal to the table's id (the decision's): every rule id gets the "rule." prefix
    assert [r["id"] for r in s["rules"]] == ["rule.t", "rule.r2"]
    assert [r["outputs"] for r in s["rules"]] == [['"high"'], ['"low"']]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            "hit_policy: first\ninputs: [{id: n, prompt: N?, type: number}]\noutcomes: [{id: a, title: A}]\n"
            'rules: [{id: r1, when: {n: "> 1.0000000000000000000000000000000001"}, then: a}]\n',
            r"rule 'r1', input 'n': the number 1.0000000000000000000000000000000001 has more than 34 significant digits",
        ),
        (
            "hit_policy: first\ninputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: v, type: number}]\n"
            "rules: [{id: r1, then: {v: 12345678901234567890123456789012345}}]\n",
            r"output 'v': the number 12345678901234567890123456789012345 has more than 34",
        ),
        (
            "hit_policy: collect\naggregate: sum\ninputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: v, type: number}]\n"
            "rules: [{id: r1, then: {v: 1000000000000000000000000000000}}, {id: r2, then: {v: 0.00001}}]\n",
            r"aggregate sum: a total of output 'v' may need more than 34 significant digits",
        ),
        (
            "hit_policy: any\ninputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: v, type: number}]\n"
            "outcomes: [{id: a, title: A, values: {v: 1}}, {id: b, title: B, values: {v: 1.0}}]\n"
            "rules: [{id: r1, then: a}, {id: r2, then: b}]\n",
            r"hit policy any: outcomes 'a' and 'b' give the same values",
        ),
        (
            'hit_policy: first\ninputs: [{id: n, prompt: "N\\x01?", type: number}]\noutcomes: [{id: a, title: A}]\nrules: [{id: r1, then: a}]\n',
            r"input 'n': prompt holds a control character that XML 1.0 cannot hold",
        ),
        (
            'hit_policy: first\ninputs: [{id: n, prompt: N?, type: number}]\noutcomes: [{id: a, title: A}]\nrules: [{id: r1, then: a, because: "x\\ry"}]\n',
            r"rule 'r1': because holds a carriage return",
        ),
    ],
)
def test_not_expressible(body: str, why: str) -> None:
    with pytest.raises(NotExpressible, match=why):
        _table(body)


def test_a_sum_within_34_digits_and_equal_outcomes_under_first_export() -> None:
    _table(
        "hit_policy: collect\naggregate: sum\ninputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: v, type: number}]\n"
        "rules: [{id: r1, then: {v: 1000000000000000000000000000}}, {id: r2, then: {v: 0.00001}}]\n"
    )
    _table(
        "hit_policy: first\ninputs: [{id: n, prompt: N?, type: number}]\noutputs: [{id: v, type: number}]\n"
        "outcomes: [{id: a, title: A, values: {v: 1}}, {id: b, title: B, values: {v: 1.0}}]\n"
        "rules: [{id: r1, then: a}, {id: r2, then: b}]\n"
    )


@pytest.mark.parametrize(
    "id_, text, name",
    [
        ("risk-category", "RiskCategory", "RiskCategory"),  # an unlabelled DMN input imported: its name back
        ("is-affordable", "isAffordable", "isAffordable"),
        ("age", "Age", "age"),  # case alone never replaces a table's id
        ("fee", "Fee", "fee"),
        ("weight-class", "Weight class?", "weight-class"),  # a sentence is a prompt, not a name
        ("ship_by", "Ship by which day?", "ship_by"),
        ("applicant-age", "Applicant age", "applicant-age"),
        ("x", "Y", "x"),  # another word: the id
    ],
)
def test_caller_name_is_the_name_an_import_came_from_else_the_id(id_: str, text: str, name: str) -> None:
    from crossroads.engine.interop.common import slug
    from crossroads.engine.interop.dmn_export import caller_name

    assert caller_name(id_, text) == name
    assert slug(name) == id_ or name == id_  # the importer reads the same id back
