"""The DMN importer: hostile XML refused, every table of ../shared/interop imported or refused at its
element, imported tables valid, the TCK's own test cases passing, known analysis results found.

The models in ``../shared/interop`` are read in place, never copied here. Without that folder
the corpus tests skip, saying why; under ``CI=true`` its absence fails them.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from conftest import FIXTURES, SHARED

from crossroads.engine.decision.evaluate import evaluate_or_error
from crossroads.engine.errors import TableError
from crossroads.engine.interop import dmn
from crossroads.engine.interop.common import Imported, Refused, slug, to_yaml
from crossroads.engine.interop.models import lint_model
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.loader import load_bytes

INTEROP = SHARED / "interop"
LOAN = FIXTURES / "dmn" / "loan.dmn"


def need_interop() -> Path:
    if not INTEROP.is_dir():
        reason = f"the shared interop models are not at {INTEROP} (a folder 'shared/interop' beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run these tests", pytrace=False)
        pytest.skip(reason)
    return INTEROP


def tck_models() -> list[Path]:
    return sorted(INTEROP.glob("dmn-tck/*/*/*.dmn")) if INTEROP.is_dir() else []


def older_models() -> list[Path]:
    return sorted(INTEROP.glob("dmn-tck-older/*/*.dmn")) if INTEROP.is_dir() else []


def real_models() -> list[Path]:
    return sorted(INTEROP.glob("dmn-real/*.dmn")) if INTEROP.is_dir() else []


def compiled(imported: Imported, name: str = "m.dmn") -> Any:
    text = to_yaml(imported, name)
    return tables.compiled(tables.Source(f"{imported.id}.yaml", text.encode()), use_cache=False)


# ---------------------------------------------------------------- the fixture model


def test_the_fixture_imports_as_the_issue_maps_it() -> None:
    out = dmn.read_file(str(LOAN))
    assert [type(o).__name__ for o in out] == ["Imported", "Imported", "Refused"]
    approval, fee, bad = out
    assert isinstance(approval, Imported) and isinstance(fee, Imported) and isinstance(bad, Refused)
    doc = approval.document
    assert doc["hit_policy"] == "priority" and doc["default"] == "referred"
    assert doc["inputs"][0] == {
        "id": "age",
        "prompt": "Applicant age",
        "type": "integer",
        "minimum": 18,
        "maximum": 120,
    }
    assert doc["inputs"][1]["options"] == [{"id": "low"}, {"id": "medium"}, {"id": "high"}]
    assert doc["inputs"][2] == {"id": "country", "prompt": "Country", "type": "string"}
    assert [o["title"] for o in doc["outcomes"]] == ["Declined", "Referred", "Approved"]  # output values order
    assert doc["rules"][0] == {
        "id": "rule-1",
        "when": {"risk": "high"},
        "then": "declined",
        "because": "Too risky at any age",
    }
    assert doc["rules"][1]["when"] == {"age": "[18, 65)", "risk": {"not": "high"}, "country": ["NL", "BE"]}
    assert fee.document["aggregate"] == "sum" and fee.document["outputs"] == [
        {"id": "fee", "type": "number", "title": "fee"}
    ]
    assert str(fee.document["rules"][0]["then"]["fee"]) == "4.90"  # exact, as written
    # positions of inputs, outputs, rules and cells
    assert approval.positions[("inputs", 0)].line == 6
    assert approval.positions[("rules", 0)].line == 21
    assert approval.positions[("rules", 1, "when", "country")].line == 31
    assert fee.positions[("outputs", 0)].line == 41
    assert str(bad.at) == f"{LOAN}:59:9"
    assert '"< b"' in bad.message and "refers to the name 'b'" in bad.message


def test_the_yaml_round_trips_exactly_through_the_formatter() -> None:
    for o in dmn.read_file(str(LOAN)):
        if isinstance(o, Imported):
            text = to_yaml(o, "loan.dmn")
            assert text.startswith(f"# Imported from loan.dmn: {o.element}.\n")
            assert load_bytes(text.encode(), "t.yaml").data == dict(o.document)


def test_the_fixture_evaluates() -> None:
    approval, fee, _ = dmn.read_file(str(LOAN))
    assert isinstance(approval, Imported) and isinstance(fee, Imported)
    r = evaluate_or_error(compiled(approval), {"age": 30, "risk": "low", "country": "NL"})
    assert r.outcome == "approved"  # type: ignore[union-attr]
    r = evaluate_or_error(compiled(approval), {"age": 70, "risk": "low", "country": "NL"})
    assert r.outcome == "referred"  # type: ignore[union-attr]  # the default output entry
    r = evaluate_or_error(compiled(fee), {"weight": 30})
    assert r.values == {"fee": Decimal("5.00")}  # type: ignore[union-attr]


def _one_table(type_ref: str, allowed: str, output: str = 'name="out" typeRef="number"', entries: str = "1") -> bytes:
    """A one-input, one-output DMN 1.5 model: ``allowed`` the input's allowed values, ``output`` the output's attributes."""
    values = f"<inputValues><text>{escape(allowed)}</text></inputValues>" if allowed else ""
    rules = "".join(
        f'<rule id="r{n}"><inputEntry><text>-</text></inputEntry><outputEntry><text>{e}</text></outputEntry></rule>'
        for n, e in enumerate(entries.split("|"))
    )
    return f"""<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="d" name="d" namespace="urn:x">
<decision id="t" name="T"><decisionTable hitPolicy="FIRST">
<input id="i"><inputExpression typeRef="{type_ref}"><text>x</text></inputExpression>{values}</input>
<output id="o" {output}/>{rules}</decisionTable></decision></definitions>""".encode()


@pytest.mark.parametrize(
    ("type_ref", "allowed", "bounds"),
    [
        ("number", "[18..120]", {"minimum": 18, "maximum": 120}),
        ("number", ">= 0", {"minimum": 0}),
        ("number", "<= -1", {"maximum": -1}),
        ("number", ">=0.5", {"minimum": Decimal("0.5")}),
        ("number", "[0..1], null", {"minimum": 0, "maximum": 1}),
        ("integer", "> 0", {"minimum": 1}),  # crossroads bounds are inclusive: the next integer
        ("integer", "< 10", {"maximum": 9}),
        ("integer", "(0..10)", {"minimum": 1, "maximum": 9}),
        ("integer", "]0..10]", {"minimum": 1, "maximum": 10}),
        ("date", '[date("2020-01-01")..date("2030-12-31")]', {"minimum": "2020-01-01", "maximum": "2030-12-31"}),
        ("date", '>= date("2020-01-01")', {"minimum": "2020-01-01"}),
        ("date", '(date("2020-01-01")..date("2021-01-01"))', {"minimum": "2020-01-02", "maximum": "2020-12-31"}),
        ("date", '< date("2020-03-01")', {"maximum": "2020-02-29"}),
    ],
)
def test_allowed_values_of_one_range_or_comparison_are_the_bounds(
    type_ref: str, allowed: str, bounds: dict[str, Any]
) -> None:
    (o,) = dmn.read_bytes(_one_table(type_ref, allowed), "m.dmn")
    assert isinstance(o, Imported), o
    (spec,) = o.document["inputs"]
    assert {k: v for k, v in spec.items() if k in ("minimum", "maximum")} == bounds
    assert type(spec.get("minimum", spec.get("maximum"))) is type(next(iter(bounds.values())))
    compiled(o)  # valid


@pytest.mark.parametrize(
    ("type_ref", "allowed", "reason"),
    [
        ("number", "> 0", "exclude the bound 0, which a number input's minimum/maximum (inclusive) cannot say"),
        ("number", "[0..1)", "exclude the bound 1"),
        ("number", "= 5", "are not one range such as [18..120] or >= 0"),
        ("number", "[0..1], [5..6]", "are not one range"),
        ("number", "not([0..1])", "are not one range"),
        ("number", '>= date("2020-01-01")', 'the bound date("2020-01-01") is not a number'),
        ("integer", ">= 0.5", "the bound 0.5 of an integer input is no integer"),
        ("date", "[1..2]", "the bound 1 is not a date"),
        ("date", '"2020-01-01"', 'are not one range such as [date("2020-01-01")..date("2030-12-31")]'),
        ("boolean", "true", "on a boolean input are not expressible"),
    ],
)
def test_other_allowed_values_are_refused_saying_why(type_ref: str, allowed: str, reason: str) -> None:
    (o,) = dmn.read_bytes(_one_table(type_ref, allowed), "m.dmn")
    assert isinstance(o, Refused) and reason in o.message, o


def test_named_outcomes_come_only_from_one_output_named_outcome() -> None:
    """The exporter's named-outcome output (``outcome``, values the outcome ids) reads back as outcomes; any
    other string output, with output values or not, is an output (a choice with options, or a string)."""
    values = '<outputValues><text>"low","high"</text></outputValues>'
    xml = _one_table("number", "", f'name="outcome" typeRef="string">{values}</output><x', '"high"|"low"')
    xml = xml.replace(b"<x/>", b"")
    (o,) = dmn.read_bytes(xml, "m.dmn")
    assert isinstance(o, Imported) and "outputs" not in o.document
    assert o.document["outcomes"] == [{"id": "low", "title": "low"}, {"id": "high", "title": "high"}]
    assert [r["then"] for r in o.document["rules"]] == ["high", "low"]
    (o,) = dmn.read_bytes(xml.replace(b'name="outcome"', b'name="risk"'), "m.dmn")
    assert isinstance(o, Imported) and "outcomes" not in o.document
    assert o.document["outputs"] == [
        {"id": "risk", "type": "choice", "title": "risk", "options": [{"id": "low"}, {"id": "high"}]}
    ]
    assert [r["then"] for r in o.document["rules"]] == [{"risk": "high"}, {"risk": "low"}]
    (o,) = dmn.read_bytes(_one_table("number", "", 'name="risk" typeRef="string"', '"high"|"low"'), "m.dmn")
    assert isinstance(o, Imported) and o.document["outputs"] == [{"id": "risk", "type": "string", "title": "risk"}]
    long_id = "a" * 64  # an outcome id is kept exactly (a slug would shorten it), another value is slugged
    (o,) = dmn.read_bytes(xml.replace(b'"low"', f'"{long_id}"'.encode()).replace(b'"high"', b'"High"'), "m.dmn")
    assert isinstance(o, Imported)
    assert o.document["outcomes"] == [{"id": long_id, "title": long_id}, {"id": "high", "title": "High"}]
    # an output named outcome whose entries are no strings is no named-outcome table: an output (id outcome-2)
    (o,) = dmn.read_bytes(_one_table("number", "", 'name="outcome" typeRef="number"', "1|2"), "m.dmn")
    assert isinstance(o, Imported) and [x["id"] for x in o.document["outputs"]] == ["outcome-2"]


# ---------------------------------------------------------------- hostile XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">&lol3;</definitions>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">&xxe;</definitions>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://example.com/evil.dtd">
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"/>"""
UNDEFINED_ENTITY = b"""<?xml version="1.0"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">&nope;</definitions>"""
DEEP = (
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/">'
    + b"<a>" * 100
    + b"</a>" * 100
    + b"</definitions>"
)


@pytest.mark.parametrize(
    ("data", "code", "fragment"),
    [
        (BILLION_LAUGHS, "syntax", "DTD"),
        (XXE, "syntax", "DTD"),
        (EXTERNAL_DTD, "syntax", "DTD"),
        (UNDEFINED_ENTITY, "syntax", "not well-formed XML: undefined entity"),
        (DEEP, "too-deep", "deeper than 64"),
        (b"<definitions", "syntax", "not well-formed"),
        (b"", "syntax", "not well-formed"),
        (b'<definitions xmlns="urn:other"/>', "dmn-refused", "not a DMN 1.1"),
        (b"<html/>", "dmn-refused", "<html>"),
    ],
)
def test_hostile_or_foreign_xml_is_one_positioned_error(data: bytes, code: str, fragment: str) -> None:
    with pytest.raises(TableError) as info:
        dmn.read_bytes(data, "evil.dmn")
    (finding,) = info.value.findings
    assert finding.code == code and fragment in finding.message and finding.file == "evil.dmn"
    assert finding.line is not None


def test_a_model_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.dmn"
    big.write_bytes(LOAN.read_bytes())
    with pytest.raises(TableError) as info:
        dmn.read_file(str(big), max_bytes=100)
    assert info.value.findings[0].code == "too-large"


# ---------------------------------------------------------------- the shared corpus

EXPECTED_TCK = (40, 18)  # imported, refused: the 58 decision tables of the 31 TCK folders
EXPECTED_OLDER = {"dmn1.1": (27, 21), "dmn1.2": (40, 18), "dmn1.3": (40, 18), "dmn1.4": (40, 18)}
EXPECTED_REAL = (20, 7)  # the 27 decision tables of the 19 real-world models


def _counts(models: list[Path]) -> tuple[int, int]:
    out = [o for m in models for o in dmn.read_file(str(m))]
    return sum(isinstance(o, Imported) for o in out), sum(isinstance(o, Refused) for o in out)


def test_the_corpus_counts() -> None:
    need_interop()
    assert _counts(tck_models()) == EXPECTED_TCK
    for version, expected in EXPECTED_OLDER.items():
        assert _counts(sorted((INTEROP / "dmn-tck-older" / version).glob("*.dmn"))) == expected, version
    assert _counts(real_models()) == EXPECTED_REAL


ALL_MODELS = tck_models() + older_models() + real_models()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_table_imports_validates_and_lints_or_is_refused_at_its_element(model: Path) -> None:
    need_interop()
    lines = model.read_text(encoding="utf-8").splitlines()
    for o in dmn.read_file(str(model)):
        if isinstance(o, Refused):
            assert o.at.file == str(model) and o.at.line is not None and 1 <= o.at.line <= len(lines)
            assert o.message.startswith(o.element)
            continue
        text = to_yaml(o, model.name)
        loaded = tables.load(tables.Source(f"{o.id}.yaml", text.encode()))
        assert loaded.table is not None and not [f for f in loaded.findings if f.severity == "error"], loaded.findings
    for f in lint_model(str(model)):  # every finding sits in the model itself
        assert f.file == str(model) and f.line is not None and 1 <= f.line <= len(lines), f


def _value(node: Any) -> Any:
    """A TCK ``<expected>``/``<inputNode>`` value as Python data (None for nil, a shape it cannot say)."""
    ns = "{http://www.omg.org/spec/DMN/20160719/testcase}"
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}"
    value, comps, lst = node.find(f"{ns}value"), node.findall(f"{ns}component"), node.find(f"{ns}list")
    if comps:
        return {c.get("name"): _value(c) for c in comps}
    if lst is not None:
        return [_value(item) for item in lst.findall(f"{ns}item")]
    if value is None or value.get(f"{xsi}nil") == "true":
        return None
    kind = value.get(f"{xsi}type", "xsd:string")
    text = value.text or ""
    if kind in ("xsd:decimal", "xsd:double", "xsd:integer", "xsd:int", "xsd:long"):
        return Decimal(text)
    if kind == "xsd:boolean":
        return text == "true"
    if kind in ("xsd:string", "xsd:date"):
        return text
    return NotImplemented


def _cases(model: Path) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    from defusedxml import ElementTree

    ns = "{http://www.omg.org/spec/DMN/20160719/testcase}"
    out = []
    for test_file in sorted(model.parent.glob("*-test-01.xml")):
        for case in ElementTree.parse(test_file).getroot().findall(f"{ns}testCase"):
            inputs = {n.get("name"): _value(n) for n in case.findall(f"{ns}inputNode")}
            results = {n.get("name"): _value(n.find(f"{ns}expected")) for n in case.findall(f"{ns}resultNode")}
            out.append((f"{test_file.name}#{case.get('id')}", inputs, results))
    return out


def _shown(table: Any, imported: Imported, result: Any) -> Any:
    """The crossroads result in the TCK's terms: outcome titles (a table whose one output is named
    ``outcome``), else the output's value (one output) or the values keyed by output id, the slug of the
    DMN output's name (several: the test slugs the TCK's keys, its output names, alike)."""
    doc = imported.document
    titles = {o["id"]: o["title"] for o in doc.get("outcomes", ())}
    if result.status != "decided":
        return None
    if "outputs" not in doc:
        if doc["hit_policy"] in ("collect", "output-order"):
            return [titles[i] for i in result.outcomes]
        return titles[result.outcome]

    def one(values: dict[str, Any]) -> Any:
        if len(values) == 1:
            return next(iter(values.values()))
        return dict(values)

    if isinstance(result.values, (list, tuple)):
        return [one(v) for v in result.values]
    return one(result.values)


def test_the_tck_test_cases_pass_for_every_table_whose_inputs_they_give() -> None:
    need_interop()
    checked = Counter[str]()
    for model in tck_models():
        for o in dmn.read_file(str(model)):
            if not isinstance(o, Imported) or not o.element.startswith("decision "):
                continue
            table = compiled(o)
            ids = [i["id"] for i in o.document["inputs"]]
            for where, inputs, results in _cases(model):
                if o.name not in results:
                    continue
                answers = {slug(k): v for k, v in inputs.items()}
                if not all(i in answers and answers[i] is not None and answers[i] is not NotImplemented for i in ids):
                    continue
                expected = results[o.name]
                result = evaluate_or_error(table, {i: answers[i] for i in ids})
                got = _shown(table, o, result)
                if isinstance(expected, dict) and isinstance(got, dict):
                    got = {slug(k): v for k, v in got.items()}
                    expected = {slug(k): v for k, v in expected.items()}
                if isinstance(expected, list) and isinstance(got, list) and o.document["hit_policy"] == "collect":
                    key = lambda v: repr(sorted(v.items())) if isinstance(v, dict) else repr(v)  # noqa: E731
                    expected, got = sorted(expected, key=key), sorted(got, key=key)
                if isinstance(expected, list) and isinstance(got, list):
                    got = [{slug(k): v for k, v in g.items()} if isinstance(g, dict) else g for g in got]
                    expected = [{slug(k): v for k, v in e.items()} if isinstance(e, dict) else e for e in expected]
                assert got == expected, (where, o.name, result)
                checked[model.name] += 1
    assert sum(checked.values()) == 53, checked


def _lint(model: str) -> list[Any]:
    return lint_model(str(INTEROP / model))


def test_known_analysis_results() -> None:
    need_interop()
    dup = _lint("dmn-real/dmn-check__duplicate_unique.dmn")
    (conflict,) = [f for f in dup if f.code == "conflict"]
    assert conflict.rules == ("rule-1", "rule-2") and conflict.line == 22  # the second <rule>
    loan = _lint("dmn-real/incubator-kie-kogito-examples__LoanEligibility.dmn")
    gaps = [f.message for f in loan if f.code == "gap"]
    assert any(m.startswith("Decide: ") and '"(0, 100)"' in m for m in gaps), gaps
    assert any(m.startswith("Judgement: ") for m in gaps), gaps
    lending = _lint("dmn-tck/compliance-level-3/0004-lending/0004-lending.dmn")
    pre = [f for f in lending if f.code == "gap" and f.message.startswith("Pre-bureauRiskCategoryTable")]
    assert len(pre) == 1 and "application-risk-score: 130" in pre[0].message, lending


def _why(message: str) -> str:
    if "output entries must be literals" in message:
        return "an output expression"
    if "refers to the name" in message:
        return "an entry refers to another input"
    typed = re.search(r"is typed (\w+)", message)
    if typed:
        return f"{typed.group(1)} input"
    if "not a plain name" in message:
        return "input not a plain name in a boxed context"
    return "type mismatch" if "type mismatch" in message else message


def tck_report() -> str:
    """The README's per-TCK-folder table, generated from the importer's own results."""
    lines = ["| TCK folder | imported | refused (why) |", "|---|---|---|"]
    for model in tck_models():
        if model.stem != model.parent.name:
            continue  # 0086-import's imported model
        out = dmn.read_file(str(model))
        imp = [o.name for o in out if isinstance(o, Imported)]
        ref = [f"{o.name} ({_why(o.message)})" for o in out if isinstance(o, Refused)]
        lines.append(
            f"| {model.parent.name} | {len(imp)}{': ' + ', '.join(imp) if imp else ''} | {len(ref)}{': ' + '; '.join(ref) if ref else ''} |"
        )
    return "\n".join(lines) + "\n"


def test_the_readme_lists_what_each_tck_folder_imports() -> None:
    need_interop()
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert tck_report() in readme, (
        "regenerate the README's TCK table: python -c 'import test_dmn; print(test_dmn.tck_report())'"
    )
