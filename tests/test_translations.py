"""``translations:`` in tables: schema and models agree, lint checks them, the CLI and page use them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from crossroads.cli.main import cli
from crossroads.engine.table import cache
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.loader import Document
from crossroads.engine.table.model import Table
from crossroads.engine.table.schema import schema
from crossroads.engine.table.translations import localize, missing, required
from crossroads.engine.table.validate import validate
from jsonschema import Draft202012Validator
from pydantic import ValidationError

PAGE = FIXTURES / "page"
NOTICE_ZH = "此决策表尚未完全翻译为您的语言——正在显示英文版本。"  # the CLI's; the page says 本页面 ("this page")

BASE = {
    "format": "crossroads/1",
    "id": "t",
    "version": "1.0.0",
    "title": "T",
    "hit_policy": "first",
    "inputs": [{"id": "a", "prompt": "A?", "type": "choice", "options": [{"id": "x"}]}],
    "outcomes": [{"id": "o", "title": "O"}],
    "rules": [{"id": "r", "then": "o"}],
}


def _with(translations: object) -> dict:
    doc = copy.deepcopy(BASE)
    doc["translations"] = translations
    return doc


@pytest.mark.parametrize(
    "translations, valid",
    [
        ({}, True),
        ({"zh": {}}, True),
        ({"zh": {"title": "标题", "summary": ""}}, True),
        ({"zh": {"inputs": {"a": {"prompt": "甲？", "help": "", "options": {"x": "叉"}}}}}, True),
        ({"zh": {"inputs": {"Not A Slug": {}}}}, True),  # unknown ids are lint's business, not the schema's
        ({"zh": {"outcomes": {"o": {"title": "哦", "choose_when": ["一"], "tradeoffs": []}}}}, True),
        ({"zh": {"rules": {"r": {"because": "因为"}}}}, True),
        ({"zho": {}}, True),
        ({"zh-CN": {}}, False),  # a primary language subtag only
        ({"ZH": {}}, False),
        ({"zh\n": {}}, False),
        ({"zh": {"title": ""}}, False),
        ({"zh": {"title": None}}, False),  # optional means left out, never null
        ({"zh": None}, False),
        ({"zh": {"label": "x"}}, False),
        ({"zh": {"inputs": {"a": {"type": "choice"}}}}, False),
        ({"zh": {"inputs": {"a": {"options": {"x": 1}}}}}, False),
        ({"zh": {"inputs": {"a": {"prompt": ""}}}}, False),
        ({"zh": {"outcomes": {"o": {"choose_when": "one"}}}}, False),
        ({"zh": {"outcomes": {"o": {"tradeoffs": [1]}}}}, False),
        ({"zh": {"rules": {"r": {"because": 5}}}}, False),
        ({"zh": {"rules": {"r": {"then": "o"}}}}, False),
        ({"zh": {"rules": []}}, False),
        (None, False),
        ([], False),
    ],
)
def test_schema_and_models_agree(translations: object, valid: bool) -> None:
    doc = _with(translations)
    schema_ok = not list(Draft202012Validator(schema()).iter_errors(doc))
    try:
        Table.model_validate(doc)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert (schema_ok, model_ok) == (valid, valid)
    if not valid:  # lint words the rejection with the schema, positioned, never pydantic's text
        _, findings = validate(Document(doc, "t.yaml", {}, {}))
        assert findings and all(f.code == "schema" and "Input should" not in f.message for f in findings)


def _findings(name: str) -> list:
    source = tables.find(str(PAGE / name))
    return list(tables.load(source).findings)


def test_complete_translation_lints_clean() -> None:
    assert [
        f for f in _findings("translated.yaml") if "translation" in f.code or f.code == "unsupported-language"
    ] == []


def test_partial_translation_is_a_warning() -> None:
    found = [(f.code, f.severity, f.line) for f in _findings("partial.yaml")]
    assert ("partial-translation", "warning", 40) in found
    assert not any(sev == "error" for _, sev, _ in found)


@pytest.mark.parametrize(
    "code, severity, line, column, words",
    [
        ("unknown-translation", "error", 42, 24, "'noon' is not an option of input 'time' (options: morning, evening)"),
        ("unknown-translation", "error", 43, 7, "'mood' is not an input (inputs: time, cups)"),
        ("unknown-translation", "error", 44, 24, "'one' is not an option of input 'cups' (it is integer: no options)"),
        ("unknown-translation", "error", 46, 7, "'water' is not an outcome (outcomes: coffee, tea)"),
        (
            "unknown-translation",
            "error",
            48,
            7,
            "'nope' is not a rule (rules: too-many, morning-coffee, otherwise-tea)",
        ),
        ("unsupported-language", "warning", 49, 3, "crossroads has no 'fr' interface"),
        ("unsupported-language", "warning", 51, 3, "the table's own text is English"),
        ("partial-translation", "warning", 40, 3, "translations.zh lacks 14 text(s)"),
    ],
)
def test_unknown_ids_are_errors_at_the_key(code: str, severity: str, line: int, column: int, words: str) -> None:
    hits = [f for f in _findings("unknown-ids.yaml") if f.code == code and words in f.message]
    assert len(hits) == 1, [f.message for f in _findings("unknown-ids.yaml")]
    assert (hits[0].severity, hits[0].line, hits[0].column) == (severity, line, column)


def test_new_codes_are_described() -> None:
    from crossroads.engine.findings import CODES

    for code in ("unknown-translation", "partial-translation", "unsupported-language"):
        assert CODES[code]


def test_lint_cli_exit_codes() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["lint", str(PAGE / "translated.yaml"), "--strict"]).exit_code == 0
    assert runner.invoke(cli, ["lint", str(PAGE / "partial.yaml")]).exit_code == 0
    assert runner.invoke(cli, ["lint", str(PAGE / "partial.yaml"), "--strict"]).exit_code == 1
    assert runner.invoke(cli, ["lint", str(PAGE / "unknown-ids.yaml")]).exit_code == 1


# -- localizing -----------------------------------------------------------------


def _compiled(name: str):
    return tables.compiled(tables.find(str(PAGE / name)), use_cache=False)


def test_required_paths_of_the_fixture() -> None:
    paths = list(required(_compiled("translated.yaml")))
    assert paths[:4] == [("title",), ("summary",), ("inputs", "time", "prompt"), ("inputs", "time", "help")]
    assert ("outcomes", "tea", "summary") not in paths  # tea has no summary: nothing to translate
    assert ("rules", "otherwise-tea", "because") not in paths
    assert len(paths) == 14


@pytest.mark.parametrize(
    "name, lang, title, notice",
    [
        ("translated.yaml", "zh", "茶还是咖啡？", False),
        ("translated.yaml", "en", "Tea or coffee?", False),
        ("partial.yaml", "zh", "Tea or coffee?", True),  # partial: all English, with the notice
        ("partial.yaml", "en", "Tea or coffee?", False),
    ],
)
def test_localize(name: str, lang: str, title: str, notice: bool) -> None:
    view = localize(_compiled(name), lang)
    assert (view.table.title, view.notice) == (title, notice)


def test_localize_replaces_every_text() -> None:
    t = localize(_compiled("translated.yaml"), "zh").table
    assert t.inputs[0].help == "大概就行。"
    assert [o.label for o in t.inputs[0].options] == ["早上", "晚上"]
    assert t.outcomes[0].choose_when == ("现在是早上",) and t.outcomes[0].tradeoffs == ("心慌",)
    assert t.rules[1].because == "早上需要咖啡。"
    assert t.rules[2].because is None
    assert missing(t, t.translations["zh"]) == []


def test_translations_survive_the_cache(tmp_path: Path) -> None:
    t = _compiled("translated.yaml")
    again = cache.from_json(cache.to_json(t))
    assert again.translations == t.translations and again.translations["zh"]["title"] == "茶还是咖啡？"


@pytest.mark.parametrize("use_cache", [True, False])
def test_evaluate_shows_the_translation(use_cache: bool) -> None:
    runner = CliRunner()
    args = ["evaluate", str(PAGE / "translated.yaml"), "--lang", "zh", "-a", "time=morning", "-a", "cups=1"]
    for _ in range(2):  # the second run reads the cache
        result = runner.invoke(cli, args + ([] if use_cache else ["--no-cache"]))
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[:5] == ["咖啡", "醒醒神。", "", "原因", "  早上需要咖啡。"]
        assert NOTICE_ZH not in result.stderr


def test_partial_translation_shows_english_and_the_notice() -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", str(PAGE / "partial.yaml"), "--lang", "zh", "-a", "time=morning", "-a", "cups=1"]
    )
    assert result.stdout.splitlines()[:4] == ["Coffee", "Wake up.", "", "原因"]
    assert result.stderr.strip() == NOTICE_ZH


# -- outputs ----------------------------------------------------------------------

VALUES_TABLE = """\
format: crossroads/1
id: ship
version: 1.0.0
title: Shipping
hit_policy: first
inputs:
  - {id: heavy, prompt: Heavy?, type: boolean}
outputs:
  - {id: fee, type: number, title: Fee}
  - id: carrier
    type: choice
    options: [{id: express, label: Express}, {id: standard}]
rules:
  - {id: big, when: {heavy: true}, then: {fee: 9.5, carrier: express}}
  - {id: small, then: {fee: 2, carrier: standard}}
translations:
  zh:
    title: 运输
    inputs: {heavy: {prompt: 重吗？}}
"""


@pytest.mark.parametrize(
    "outputs, gaps, unknown",
    [
        (
            {
                "fee": {"title": "运费"},
                "carrier": {"title": "承运", "options": {"express": "快递", "standard": "标准"}},
            },
            [],
            [],
        ),
        (
            {"fee": {"title": "运费"}},
            [
                ("outputs", "carrier", "title"),
                ("outputs", "carrier", "options", "express"),
                ("outputs", "carrier", "options", "standard"),
            ],
            [],
        ),
        (
            {"cost": {"title": "x"}, "fee": {"options": {"a": "b"}}},
            None,
            [
                "'cost' is not an output (outputs: fee, carrier)",
                "'a' is not an option of output 'fee' (it is number: no options)",
            ],
        ),
    ],
)
def test_output_translations_are_required_and_checked(outputs: dict, gaps: list | None, unknown: list) -> None:
    from crossroads.engine.table import translations
    from crossroads.engine.table.loader import load_bytes

    text = VALUES_TABLE + "    outputs: " + json.dumps(outputs, ensure_ascii=False) + "\n"
    doc = load_bytes(text.encode(), "t.yaml")
    table = Table.model_validate(doc.data)
    data = doc.data["translations"]["zh"]
    assert [m for _, m in translations.unknown(table, data)] == unknown
    if gaps is not None:
        assert missing(table, data) == gaps


def test_evaluate_shows_translated_output_titles_and_option_labels(tmp_path: Path) -> None:
    path = tmp_path / "ship.yaml"
    path.write_text(
        VALUES_TABLE
        + "    outputs: {fee: {title: 运费}, carrier: {title: 承运, options: {express: 快递, standard: 标准}}}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    zh = runner.invoke(cli, ["evaluate", str(path), "--lang", "zh", "-a", "heavy=yes", "--no-cache"])
    assert zh.exit_code == 0, zh.output
    assert zh.stdout.splitlines() == ["运费: 9.5", "承运: 快递"]
    en = runner.invoke(cli, ["evaluate", str(path), "-a", "heavy=no", "--no-cache"])
    assert en.stdout.splitlines() == ["Fee: 2", "carrier: standard"]  # no title: the id; no label: the option id
    lint = runner.invoke(cli, ["lint", str(path), "--strict"])
    assert lint.exit_code == 0, lint.output
