"""``crossroads page`` and ``engine/outputs/page.py``, without a browser (see test_page_browser.py for one)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, compile_yaml
from crossroads.cli.main import cli
from crossroads.engine.table import pipeline as tables
from crossroads.engine.outputs.page import UI_KEYS, WHY_NOT_UI_KEYS, asset, evaluator_data, render_page

NOTICE_ZH = "本页面尚未完全翻译为您的语言——正在显示英文版本。"


def bundled():
    return tables.compiled(tables.find(None), use_cache=False)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def test_bundled_page_is_small_and_self_contained() -> None:
    html = render_page(bundled(), "en", generator_version="9.9")
    assert len(html.encode("utf-8")) <= 100 * 1024
    tags = parse(html).tags
    # nothing to fetch: no src/href/action anywhere, no <link>, <img>, <iframe>
    assert not [t for t, a in tags if {"src", "href", "action", "srcset"} & set(a)]
    assert not [t for t, _ in tags if t in ("link", "img", "iframe", "object", "embed")]
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "form-action 'none'" in csp


def test_csp_hashes_match_the_inline_style_and_script() -> None:
    html = render_page(bundled(), "en")

    def sha(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL).group(1)
    assert style == asset("page.css") and script == asset("page.js")
    csp = next(
        a["content"] for t, a in parse(html).tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert f"style-src '{sha(style)}'" in csp and f"script-src '{sha(script)}'" in csp


def test_native_controls_as_the_issue_says() -> None:
    tags = parse(render_page(bundled(), "en")).tags
    radios = {(a["name"], a["value"]) for t, a in tags if t == "input" and a.get("type") == "radio"}
    assert {("change", "knowledge"), ("change", "behaviour"), ("change", "both")} <= radios
    assert {("citations", "true"), ("citations", "false")} <= radios
    assert {("budget", "tight"), ("budget", "moderate"), ("budget", "relaxed")} <= radios
    number = next(a for t, a in tags if t == "input" and a.get("type") == "number")
    assert (number["name"], number["min"], number["step"], "max" in number) == ("examples", "0", "1", False)
    assert len([t for t, _ in tags if t == "fieldset"]) == len([t for t, _ in tags if t == "legend"]) == 5
    assert [a for t, a in tags if a.get("id") == "result"][0]["aria-live"] == "polite"


@pytest.mark.parametrize(
    "lang, has, lacks",
    [
        (
            "en",
            [
                "Decision guide",
                "All options at a glance",
                "Answer all questions to see the recommendation.",
                "Choose it when",
                "Trade-offs",
                "RAG or fine-tuning?",
            ],
            [NOTICE_ZH],
        ),
        (
            "zh",
            [
                "决策指南",
                "所有选项一览",
                "回答所有问题以查看建议。",
                "在以下情况选择它",
                "权衡",
                NOTICE_ZH,
                "RAG or fine-tuning?",
                "Start with RAG",
            ],
            ["Decision guide"],
        ),
    ],
)
def test_page_words(lang: str, has: list[str], lacks: list[str]) -> None:
    html = render_page(bundled(), lang)
    text = "".join(parse(html).text)
    for words in has:
        assert words in text
    for words in lacks:
        assert words not in text


def test_zh_page_marks_english_content() -> None:
    tags = parse(render_page(bundled(), "zh")).tags
    assert tags[0] == ("html", {"lang": "zh-Hans"})
    assert ("h1", {"lang": "en"}) in tags
    assert ("p", {"class": "notice", "role": "note"}) in tags


def test_translated_table_page_has_no_notice() -> None:
    t = tables.compiled(tables.find(str(FIXTURES / "page" / "translated.yaml")), use_cache=False)
    html = render_page(t, "zh")
    assert "茶还是咖啡？" in html and "早上" in html and NOTICE_ZH not in html
    assert ' lang="en"' not in html


def test_hostile_text_is_escaped() -> None:
    t = compile_yaml(
        """
format: crossroads/1
id: x
version: 1.0.0
title: "</script><script>alert(1)</script> & <b>"
hit_policy: first
inputs:
  - {id: a, prompt: "<img src=x onerror=alert(1)>", type: choice, options: [{id: "\\"><svg onload=alert(1)>", label: "</script>"}]}
outcomes: [{id: o, title: "<!-- O -->"}]
rules: [{id: r, then: o, because: "</script><!--"}]
"""
    )
    html = render_page(t, "en")
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "<img" not in html and "<svg" not in html and "<!-- O" not in html
    data = re.search(r'<script type="application/json" id="crossroads-data">(.*?)</script>', html, re.DOTALL).group(1)
    assert json.loads(data)["engine"]["rules"][0][2] == "</script><!--"


def test_evaluator_data_numbers_are_exact_strings() -> None:
    t = compile_yaml(
        """
format: crossroads/1
id: x
version: 1.0.0
title: X
hit_policy: first
inputs:
  - {id: n, prompt: N?, type: number, minimum: -0.5, maximum: 12345678901234567890123}
  - {id: b, prompt: B?, type: boolean}
outcomes: [{id: o, title: O}, {id: p, title: P}]
rules:
  - {id: r1, when: {n: "(0.1, 2.5]", b: true}, then: o}
  - {id: r2, when: {n: ">= 12345678901234567890000"}, then: p}
"""
    )
    data = evaluator_data(t)
    n, b = data["inputs"]
    assert n["points"] == ["0.1", "2.5", "12345678901234567890000"]
    assert (n["min"], n["max"]) == ("-0.5", "12345678901234567890123")
    # per row its run of segments (0..6), not a mask per segment: linear in the rows
    assert "masks" not in n and n["spans"] == [2, 3, 5, 6] and n["inside"] == "1111111"
    assert all(re.fullmatch(r"[0-9a-f]+", m) for m in (n["every"], n["some"]))
    assert b["masks"] == ["3", "2"]  # true: r1 and r2; false: r2 only
    assert data["outcomeRows"] == ["1", "2"] and data["all"] == "3"


# -- the command ------------------------------------------------------------------


def test_page_to_stdout() -> None:
    result = CliRunner().invoke(cli, ["page", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.endswith("</html>\n")
    assert CliRunner().invoke(cli, ["page"]).stdout == result.stdout  # stdout is the default


def test_page_to_a_file_replaces_it_atomically_and_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "guide.html"
    out.write_text("old")
    os.chmod(out, 0o640)
    result = CliRunner().invoke(cli, ["page", "--lang", "zh", "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    assert "决策指南" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guide.html"]  # no temporary file left


@pytest.mark.parametrize(
    "args, code, stderr",
    [
        (["page", "no-such-table"], 2, "no such file, and no bundled table"),
        (["page", str(FIXTURES / "page" / "unknown-ids.yaml")], 1, "unknown-translation"),
        (["page", "-o", "/nonexistent-folder/guide.html"], 1, "crossroads: error: "),
    ],
)
def test_page_errors(args: list[str], code: int, stderr: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code
    assert stderr in result.stderr
    assert result.stdout == ""


def test_page_unknown_lang_notes_and_uses_english() -> None:
    result = CliRunner().invoke(cli, ["page", "--lang", "tlh"])
    assert result.exit_code == 0
    assert result.stderr.startswith("crossroads: note: no interface in language 'tlh'")
    assert "Decision guide" in result.stdout


def test_page_lang_from_environment() -> None:
    result = CliRunner().invoke(cli, ["page"], env={"LC_ALL": "zh_CN.UTF-8"})
    assert '<html lang="zh-Hans">' in result.stdout and result.stderr == ""


# -- hardening (issue 17) ---------------------------------------------------------------


def test_ids_are_escaped_where_they_are_written() -> None:
    """An id that reaches the page unvalidated (a crafted compiled table) stays text: no element, no attribute."""
    import dataclasses

    table = tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False)
    evil = 'rag"><meta http-equiv="refresh" content="0;url=https://example.invalid">'
    spec = dataclasses.replace(table.inputs[0], id='change"><b x="')
    table = dataclasses.replace(
        table,
        outcomes=(dataclasses.replace(table.outcomes[0], id=evil), *table.outcomes[1:]),
        inputs=(spec, *table.inputs[1:]),
    )
    html = render_page(table, generator_version="test")
    tags = parse(html).tags
    assert not [a for t, a in tags if t == "meta" and a.get("http-equiv") == "refresh"]
    assert not [t for t, _ in tags if t == "b"]
    assert any(a.get("data-outcome") == evil for t, a in tags if t == "article")
    assert any(a.get("id") == 'f-change"><b x="' for t, a in tags if t == "fieldset")


def test_csp_forbids_base_and_form_targets() -> None:
    html = render_page(tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False), generator_version="test")
    csp = next(
        a["content"] for t, a in parse(html).tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "base-uri 'none'" in csp and "form-action 'none'" in csp and "default-src 'none'" in csp


def test_page_grows_linearly_with_equality_rows() -> None:
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_growth import equality_table

    sizes = [len(render_page(compile_yaml(equality_table(n)), generator_version="test").encode()) for n in (2000, 8000)]
    assert sizes[1] / sizes[0] < 4 * 1.25  # 4× the rows, about 4× the bytes (a mask per segment: 16×)


# -- tables with outputs (issue 19) ----------------------------------------------------------

OUTPUTS = FIXTURES / "outputs"


def _fixture(name: str):
    return tables.compiled(tables.find(str(OUTPUTS / f"{name}.yaml")), use_cache=False)


def test_evaluator_data_of_a_value_table() -> None:
    """Results as [outcome index or null, values]: numbers as exact decimal strings (4.90 is 4.9)."""
    data = evaluator_data(_fixture("shipping"))
    assert data["outputs"] == [
        {"id": "fee", "type": "number", "options": []},
        {"id": "carrier", "type": "choice", "options": ["express", "standard", "economy"]},
    ]
    assert data["results"] == [
        [0, ["4.9", "standard"]],  # the named outcome first
        [None, ["49.5", "express"]],
        [None, ["4.9", "standard"]],  # light-same: equal values inline, its own result
        [None, ["0", "economy"]],  # the default
    ]
    assert [r[1] for r in data["rules"]] == [1, 0, 2] and data["default"] == 3
    assert data["priorityRows"] == [] and data["aggregate"] is None
    assert data["agreeRows"] == ["6", "1", "6", "0"]  # per result, the rows agreeing with it: 4.9/standard twice
    assert data["outcomeRows"] == ["2", "1", "4", "0"]


@pytest.mark.parametrize(
    "name, key, expected",
    [
        ("fees-sum", "aggregate", "sum"),
        ("fees-sum", "results", [[None, ["4.9"]], [None, ["10"]], [None, ["7.5"]]]),
        ("routes-order", "priorityRows", ["4", "2", "1"]),  # air, road, sea: by the options' order
        ("routes-order", "results", [[None, ["sea", "30"]], [None, ["road", "4"]], [None, ["air", "1"]]]),
    ],
)
def test_evaluator_data_policies(name: str, key: str, expected: object) -> None:
    assert evaluator_data(_fixture(name))[key] == expected


def test_a_table_without_outputs_keeps_its_evaluator_data_and_words() -> None:
    """The bundled advisor's page embeds exactly the keys it did (no outputs, results or new UI words)."""
    html = render_page(bundled(), "en")
    data = json.loads(re.search(r'id="crossroads-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert set(data["engine"]) == {
        "policy",
        "default",
        "outcomes",
        "rules",
        "all",
        "outcomeRows",
        "inputs",
        "booleanWords",
        "maxPieceBits",
        "alternativeCells",
        "checkpointBits",
    }
    assert set(data["ui"]) == set(UI_KEYS + WHY_NOT_UI_KEYS) and "outputs" not in data["view"]
    assert 'data-result="' not in html and '<dl class="values">' not in html


@pytest.mark.parametrize("name", ["shipping", "fees-sum", "routes-order"])
def test_value_table_page_renders(name: str) -> None:
    result = CliRunner().invoke(cli, ["page", str(OUTPUTS / f"{name}.yaml"), "-o", "-"])
    assert result.exit_code == 0, result.output
    tags = parse(result.stdout).tags
    assert [a["data-result"] for t, a in tags if t == "article"] == [str(k) for k in range(len(_fixture(name).results))]


def test_value_cards_without_javascript() -> None:
    """The glance lists every result: a named outcome's card with its values, inline values by their titles."""
    html = render_page(_fixture("shipping"))
    text = "\n".join(parse(html).text)
    assert (
        '<dl class="values"><div><dt>Delivery fee</dt><dd>4.9</dd></div><div><dt>Carrier</dt><dd>standard</dd></div></dl>'
        in html
    )
    assert "Delivery fee: 49.5, Carrier: express" in text and "Heavy parcels abroad go express." in text
    assert "Delivery fee: 0, Carrier: economy\nThe default, when no row matches" in text
    routes = "\n".join(parse(render_page(_fixture("routes-order"))).text)
    assert "Route: By air, Days on the way: 1" in routes  # a choice output's option label


def test_translated_output_titles() -> None:
    table = tables.compiled(tables.find(str(FIXTURES / "page" / "translated-outputs.yaml")), use_cache=False)
    html = render_page(table, "zh")
    text = "\n".join(parse(html).text)
    assert "运费: 49.5, 承运方式: 快递, 保险: 是" in text and NOTICE_ZH not in html
    data = json.loads(re.search(r'id="crossroads-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["view"]["outputs"][1] == {"title": "承运方式", "options": {"express": "快递", "standard": "标准"}}
    assert (data["ui"]["yes"], data["ui"]["no"]) == ("是", "否")
    english = render_page(table, "en")
    assert "Delivery fee: 49.5, Carrier: Express, Insured: Yes" in "\n".join(parse(english).text)
