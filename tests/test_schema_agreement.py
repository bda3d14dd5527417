"""The JSON Schema and the pydantic models accept and reject exactly the same documents.

That agreement is what lets evaluation validate with the (fast) models alone and
lint word its errors with the (published) schema. It is checked over a corpus of
real files and over hypothesis-mutated valid tables: keys dropped and added,
types swapped, nulls, bad ids, empty lists, wrong condition shapes, and
Decimal/int/bool/str in every slot. Documents are plain data of the kinds the
loader produces (str keys; str, int, Decimal, bool, None, list, dict values).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, TCK
from crossroads.engine.errors import TableError
from crossroads.engine.table.loader import Document, load_bytes
from crossroads.engine.table.model import Table
from crossroads.engine.table.schema import schema
from crossroads.engine.table.validate import validate
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

VALIDATOR = Draft202012Validator(schema())


def schema_accepts(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


def model_accepts(data: Any) -> bool:
    try:
        Table.model_validate(data)
    except ValidationError:
        return False
    return True


def assert_agree(data: Any) -> None:
    by_schema, by_model = schema_accepts(data), model_accepts(data)
    assert by_schema == by_model, (
        f"schema {'accepts' if by_schema else 'rejects'}, models {'accept' if by_model else 'reject'}: {data!r}"
    )
    if not by_model and isinstance(data, dict):
        # validate() words model rejections with the schema: never the pydantic safety net.
        _, findings = validate(Document(data, "t.yaml", {}, {}))
        assert findings and all(f.code == "schema" and "Input should" not in f.message for f in findings)


# --- the corpus ----------------------------------------------------------------------------------


def corpus() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.yaml")) + sorted((REPO / "rules").glob("*.yaml"))
    if TCK.is_dir():
        files += sorted(TCK.glob("*.yaml"))
    return files


def _loaded(path: Path) -> dict | None:
    try:
        return load_bytes(path.read_bytes(), str(path)).data
    except TableError:
        return None  # refused by the loader: not the schema's business


@pytest.mark.parametrize("path", corpus(), ids=lambda p: str(p.relative_to(p.parents[1])))
def test_corpus_file(path: Path) -> None:
    data = _loaded(path)
    if data is not None:
        assert_agree(data)


def test_the_corpus_has_both_kinds() -> None:
    verdicts = [schema_accepts(d) for d in map(_loaded, corpus()) if d is not None]
    assert verdicts.count(True) >= 3 and verdicts.count(False) >= 3


# --- hand-picked edges ---------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "format": "crossroads/1",
    "id": "base",
    "version": "1.2.3-rc.1+build.5",
    "title": "Base",
    "summary": "Every slot filled.",
    "hit_policy": "first",
    "default": "b",
    "inputs": [
        {
            "id": "c",
            "prompt": "C?",
            "help": "h",
            "type": "choice",
            "options": [{"id": "x", "label": "X", "help": "h"}, {"id": "Low Risk"}],
        },
        {"id": "f", "prompt": "F?", "type": "boolean"},
        {"id": "i", "prompt": "I?", "type": "integer", "minimum": 0, "maximum": 10},
        {"id": "n", "prompt": "N?", "type": "number", "minimum": Decimal("-0.5"), "maximum": 3},
        {"id": "d", "prompt": "D?", "type": "date", "minimum": "2024-02-29", "maximum": "2030-12-31"},
    ],
    "outcomes": [
        {"id": "a", "title": "A", "summary": "s", "choose_when": ["w"], "tradeoffs": ["t"]},
        {"id": "b", "title": "B"},
    ],
    "rules": [
        {"id": "r1", "when": {"c": "x", "f": True, "i": ">= 3", "n": Decimal("0.1")}, "then": "a", "because": "why"},
        {"id": "r2", "when": {"c": ["x", "Low Risk"], "i": 4, "n": "[0, 1)", "d": "2025-01-05"}, "then": "b"},
        {"id": "r3", "when": {"c": {"not": "x"}}, "then": "a"},
        {"id": "r4", "when": {"c": {"not": ["x"]}}, "then": "b"},
        {"id": "r5", "when": {}, "then": "b"},
        {"id": "r6", "then": "a"},
    ],
    "examples": [
        {"name": "one", "answers": {"c": "x", "f": False, "i": 3, "n": Decimal("0.1")}, "expect": "a"},
        {"answers": {"n": "0.1"}, "expect": {"outcome": "a", "rule": "r1"}},
        {"answers": {}, "expect": []},
        {"answers": {"c": "x"}, "expect": ["a", "b"]},
        {"answers": {}, "expect": "undecided"},
    ],
}


def _with(path: tuple, value: Any = ..., *, drop: bool = False) -> dict:
    doc = copy.deepcopy(BASE)
    node = doc
    for part in path[:-1]:
        node = node[part]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


EDGES = [
    ("base", BASE),
    ("inf-bound", _with(("inputs", 3, "minimum"), Decimal("-Infinity"))),
    ("nan-bound", _with(("inputs", 3, "maximum"), Decimal("NaN"))),
    ("nan-condition", _with(("rules", 0, "when", "n"), Decimal("NaN"))),
    ("inf-answer", _with(("examples", 0, "answers", "n"), Decimal("Infinity"))),
    ("decimal-integer-bound", _with(("inputs", 2, "minimum"), Decimal("5"))),
    ("bool-bound", _with(("inputs", 3, "minimum"), True)),
    ("string-bound", _with(("inputs", 3, "minimum"), "1")),
    ("bounds-on-choice", _with(("inputs", 0, "minimum"), 1)),
    ("date-number-bound", _with(("inputs", 4, "minimum"), 20240229)),
    ("date-decimal-bound", _with(("inputs", 4, "maximum"), Decimal("2030.5"))),
    ("date-bool-bound", _with(("inputs", 4, "minimum"), True)),
    ("date-malformed-bound", _with(("inputs", 4, "minimum"), "2025-1-5")),  # the grammar's: bad-bounds
    ("date-options", _with(("inputs", 4, "options"), [{"id": "x"}])),
    ("date-number-condition", _with(("rules", 1, "when", "d"), 5)),
    ("date-string-bound-on-number", _with(("inputs", 3, "maximum"), "2030-12-31")),
    ("bounds-on-boolean", _with(("inputs", 1, "maximum"), 1)),
    ("options-on-number", _with(("inputs", 3, "options"), [{"id": "x"}])),
    ("choice-without-options", _with(("inputs", 0, "options"), drop=True)),
    ("empty-options", _with(("inputs", 0, "options"), [])),
    ("no-type", _with(("inputs", 1, "type"), drop=True)),
    ("unknown-type", _with(("inputs", 1, "type"), "text")),
    ("type-not-a-string", _with(("inputs", 1, "type"), 1)),
    ("option-id-empty", _with(("inputs", 0, "options", 1, "id"), "")),
    ("option-id-200", _with(("inputs", 0, "options", 1, "id"), "x" * 200)),
    ("option-id-201", _with(("inputs", 0, "options", 1, "id"), "x" * 201)),
    ("option-id-newline", _with(("inputs", 0, "options", 1, "id"), "x\n")),
    ("option-id-c1-control", _with(("inputs", 0, "options", 1, "id"), "x\x85")),
    ("option-id-astral", _with(("inputs", 0, "options", 1, "id"), "😀" * 200)),
    ("option-id-number", _with(("inputs", 0, "options", 1, "id"), 1)),
    ("slug-trailing-newline", _with(("id",), "base\n")),
    ("slug-64", _with(("id",), "a" * 64)),
    ("slug-65", _with(("id",), "a" * 65)),
    ("slug-upper", _with(("id",), "Base")),
    ("version-newline", _with(("version",), "1.0.0\n")),
    ("version-leading-zero", _with(("version",), "01.0.0")),
    ("title-empty", _with(("title",), "")),
    ("title-number", _with(("title",), 12)),
    ("summary-null", _with(("summary",), None)),
    ("default-null", _with(("default",), None)),
    ("undecided-outcome", _with(("outcomes", 1, "id"), "undecided")),
    ("undecided-default", _with(("default",), "undecided")),
    ("tradeoffs-string", _with(("outcomes", 0, "tradeoffs"), "t")),
    ("tradeoffs-mapping", _with(("outcomes", 0, "tradeoffs"), {"t": "u"})),
    ("tradeoffs-numbers", _with(("outcomes", 0, "tradeoffs"), [1])),
    ("empty-rules", _with(("rules",), [])),
    ("when-null", _with(("rules", 0, "when"), None)),
    ("when-list", _with(("rules", 0, "when"), [])),
    ("condition-null", _with(("rules", 0, "when", "c"), None)),
    ("condition-empty-list", _with(("rules", 0, "when", "c"), [])),
    ("condition-list-of-numbers", _with(("rules", 0, "when", "c"), [1])),
    ("condition-not-empty", _with(("rules", 0, "when", "c"), {"not": []})),
    ("condition-not-number", _with(("rules", 0, "when", "c"), {"not": 1})),
    ("condition-not-extra", _with(("rules", 0, "when", "c"), {"not": "x", "also": "y"})),
    ("condition-empty-mapping", _with(("rules", 0, "when", "c"), {})),
    ("condition-not_", _with(("rules", 0, "when", "c"), {"not_": "x"})),
    ("then-missing", _with(("rules", 0, "then"), drop=True)),
    ("answers-null", _with(("examples", 0, "answers", "c"), None)),
    ("answers-list", _with(("examples", 0, "answers", "c"), ["x"])),
    ("expect-bad-slug", _with(("examples", 0, "expect"), "A")),
    ("expect-list-of-bad", _with(("examples", 0, "expect"), ["a", 1])),
    ("expect-pinned-partial", _with(("examples", 0, "expect"), {"outcome": "a"})),
    ("expect-pinned-extra", _with(("examples", 0, "expect"), {"outcome": "a", "rule": "r1", "x": 1})),
    ("example-without-answers", _with(("examples", 0, "answers"), drop=True)),
    ("examples-null", _with(("examples",), None)),
    ("unknown-top-level-key", _with(("extra",), 1)),
    ("format-2", _with(("format",), "crossroads/2")),
    (
        "translation",
        _with(
            ("translations",),
            {
                "zh": {
                    "title": "标题",
                    "inputs": {"c": {"prompt": "?", "options": {"x": "叉"}}},
                    "rules": {"r1": {"because": "因"}},
                }
            },
        ),
    ),
    ("translation-language-upper", _with(("translations",), {"ZH": {"title": "T"}})),
    ("translation-language-region", _with(("translations",), {"zh-CN": {"title": "T"}})),
    ("translation-null", _with(("translations",), {"zh": None})),
    ("translation-empty-title", _with(("translations",), {"zh": {"title": ""}})),
    ("translation-option-number", _with(("translations",), {"zh": {"inputs": {"c": {"options": {"x": 1}}}}})),
    ("translation-unknown-key", _with(("translations",), {"zh": {"outcomes": {"a": {"titel": "T"}}}})),
]


@pytest.mark.parametrize("data", [pytest.param(d, id=i) for i, d in EDGES])
def test_edge(data: dict) -> None:
    assert_agree(data)


def test_the_base_document_is_valid() -> None:
    assert schema_accepts(BASE) and model_accepts(BASE)


# --- hypothesis: mutated valid tables -----------------------------------------------------------

ATOMS = [
    None, True, False, 0, 1, -1, 10**30, Decimal("1.5"), Decimal("-0.5"), Decimal("5"), Decimal("Infinity"), Decimal("NaN"),
    "", "a", "x", "Low Risk", "Bad Id", "undecided", "1.0.0", "choice", "boolean", "integer", "number", "crossroads/1",
    "first", "collect", ">= 3", "[1, 2)", "a\n", "tab\there", "x" * 201,
    [], {}, ["a"], ["a", 1], [None], {"not": "a"}, {"not": []}, {"not": ["x"]}, {"outcome": "a", "rule": "r1"}, {"a": 1},
]  # fmt: skip
KEYS = [
    "id",
    "type",
    "options",
    "minimum",
    "maximum",
    "label",
    "help",
    "not",
    "when",
    "then",
    "expect",
    "answers",
    "extra",
    "Id",
    "",
]


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, path + (index,))
    return out


def _get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    doc = copy.deepcopy(BASE)
    doc["hit_policy"] = draw(st.sampled_from(["unique", "first", "priority", "any", "collect"]))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        node = _get(doc, path)
        parent, last = (_get(doc, path[:-1]), path[-1]) if path else (None, None)
        how = draw(st.sampled_from(["replace", "drop", "add-key", "wrap", "empty", "duplicate"]))
        if how == "replace" and parent is not None:
            parent[last] = copy.deepcopy(draw(st.sampled_from(ATOMS)))
        elif how == "drop" and isinstance(parent, dict):
            del parent[last]
        elif how == "drop" and isinstance(parent, list):
            parent.pop(last)
        elif how == "add-key" and isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = copy.deepcopy(draw(st.sampled_from(ATOMS)))
        elif how == "wrap" and parent is not None:
            parent[last] = [node]
        elif how == "empty" and isinstance(node, (list, dict)):
            node.clear()
        elif how == "duplicate" and isinstance(node, list) and node:
            node.append(copy.deepcopy(node[0]))
    return doc


@given(mutated())
def test_mutated_tables(doc: dict) -> None:
    assert_agree(doc)


@given(
    st.recursive(
        st.sampled_from(ATOMS[:20]),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
        max_leaves=8,
    )
)
def test_arbitrary_documents(data: Any) -> None:
    assert_agree(data)
