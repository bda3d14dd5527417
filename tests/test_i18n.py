"""UI catalogs and language choice: the page's and the CLI's words, en and zh."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli
from crossroads.engine.outputs import i18n

# The seed page's own wording is the reference for the zh interface.
SEED_ZH = {
    "label": "决策指南",
    "placeholder": "回答所有问题以查看建议。",
    "glance": "所有选项一览",
    "choose_when": "在以下情况选择它",
    "tradeoffs": "权衡",
    "fallback_notice": "本页面尚未完全翻译为您的语言——正在显示英文版本。",
}


def _raw(lang: str) -> dict[str, str]:
    return json.loads(
        resources.files("crossroads.engine").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    )


def test_languages_shipped() -> None:
    assert i18n.languages()[0] == "en"
    assert "zh" in i18n.languages()


@pytest.mark.parametrize("lang", ["zh"])
def test_every_catalog_has_exactly_the_english_keys_and_placeholders(lang: str) -> None:
    en, other = _raw("en"), _raw(lang)
    assert set(other) == set(en)
    for key, text in en.items():
        names = sorted(part.split("}")[0] for part in text.split("{")[1:])
        assert sorted(part.split("}")[0] for part in other[key].split("{")[1:]) == names, key


@pytest.mark.parametrize("key, text", sorted(SEED_ZH.items()))
def test_zh_uses_the_seed_wording(key: str, text: str) -> None:
    assert i18n.messages("zh")[key] == text


@pytest.mark.parametrize(
    "requested, env, lang, noted",
    [
        (None, {}, "en", False),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh", False),
        (None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh", False),  # LC_ALL wins
        (None, {"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en", False),  # set and unsupported: English, silently
        (None, {"LC_ALL": "", "LANG": "zh_CN"}, "zh", False),  # empty counts as unset
        (None, {"LANG": "de_DE.UTF-8"}, "en", False),
        ("zh", {"LANG": "en_US.UTF-8"}, "zh", False),  # --lang beats the environment
        ("zh-Hans", {}, "zh", False),
        ("ZH_cn", {}, "zh", False),
        ("en", {"LANG": "zh_CN.UTF-8"}, "en", False),
        ("fr", {"LANG": "zh_CN.UTF-8"}, "en", True),  # unknown --lang: English and a note
        ("", {}, "en", True),
    ],
)
def test_resolve(requested: str | None, env: dict[str, str], lang: str, noted: bool) -> None:
    choice = i18n.resolve(requested, env)
    assert choice.lang == lang
    assert (choice.note is not None) == noted
    if noted:
        assert "English" in choice.note and "zh" in choice.note


def test_unknown_catalog_is_english() -> None:
    assert i18n.messages("xx").lang == "en"
    assert i18n.messages("xx")["label"] == "Decision guide"


def test_render_messages_alias_is_the_english_catalog() -> None:
    from crossroads.cli import render

    assert render.MESSAGES["placeholder"] == "Answer all questions to see the recommendation."
    assert dict(render.MESSAGES) == dict(i18n.messages("en").messages)


# -- the CLI --------------------------------------------------------------------

DECIDED = ["-a", "change=knowledge"]
CLI_NOTICE_ZH = "此决策表尚未完全翻译为您的语言——正在显示英文版本。"  # the page's says 本页面, "this page"
UNDECIDED = ["-a", "change=behaviour"]


@pytest.mark.parametrize(
    "args, env, stdout_has, stderr_has, stderr_lacks",
    [
        (
            ["--lang", "zh", *UNDECIDED],
            {},
            ["回答所有问题以查看建议。", "尚未回答：", "仍有可能：", "How often does that"],
            [CLI_NOTICE_ZH],
            [],
        ),
        (["--lang", "zh", *DECIDED], {}, ["Start with RAG", "原因", "在以下情况选择它", "权衡"], [CLI_NOTICE_ZH], []),
        ([*DECIDED], {"LC_ALL": "zh_CN.UTF-8"}, ["原因"], [CLI_NOTICE_ZH], []),
        (["--lang", "en", *DECIDED], {"LC_ALL": "zh_CN.UTF-8"}, ["Why", "Choose it when"], [], [CLI_NOTICE_ZH]),
        (
            ["--lang", "fr", *DECIDED],
            {},
            ["Why"],
            ["crossroads: note: no interface in language 'fr'; using English"],
            [CLI_NOTICE_ZH],
        ),
        ([*DECIDED], {"LANG": "fr_FR.UTF-8", "LC_ALL": ""}, ["Why"], [], ["note"]),
    ],
)
def test_evaluate_text_in_a_language(
    args: list[str], env: dict[str, str], stdout_has: list[str], stderr_has: list[str], stderr_lacks: list[str]
) -> None:
    result = CliRunner().invoke(cli, ["evaluate", *args], env=env)
    assert result.exit_code in (0, 3), result.output
    for text in stdout_has:
        assert text in result.stdout
    for text in stderr_has:
        assert text in result.stderr
    for text in stderr_lacks:
        assert text not in result.stderr
    assert result.stderr.count("\n") <= 1  # a note or the notice: one line


def test_evaluate_json_is_never_translated() -> None:
    runner = CliRunner()
    en = runner.invoke(cli, ["evaluate", *DECIDED, "--format", "json"])
    zh = runner.invoke(cli, ["evaluate", *DECIDED, "--format", "json", "--lang", "zh"])
    assert zh.exit_code == 0 and zh.stdout == en.stdout
    assert zh.stderr == ""


def test_ask_in_zh() -> None:
    result = CliRunner().invoke(cli, ["ask", "--lang", "zh"], input="2\nstatic\nno\n1000\n")
    assert result.exit_code == 0, result.output
    assert "[以下之一：knowledge, behaviour, both] > " in result.stdout
    assert "[true 或 false（yes/no）] > " in result.stdout
    assert "[≥ 0 的整数] > " in result.stdout
    assert "Fine-tune" in result.stdout and "原因" in result.stdout
    assert CLI_NOTICE_ZH in result.stderr


@pytest.mark.parametrize("command", ["evaluate", "ask", "show", "page"])
def test_lang_in_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert "--lang LANG" in result.output


def test_ask_in_zh_re_asks_and_ends_in_zh() -> None:
    result = CliRunner().invoke(cli, ["ask", "--lang", "zh"], input="sideways\n")
    assert result.exit_code == 1
    assert "不是此问题的有效回答：'sideways'。应为以下之一：knowledge, behaviour, both。" in result.stderr
    assert "crossroads: error: 输入已结束，但决策表尚未得出结论" in result.stderr
    assert "unknown option" not in result.stderr and "end of input" not in result.stderr
