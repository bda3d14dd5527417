"""``crossroads show``: the questions, then each outcome with its texts and the rows that lead to it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from crossroads.cli.main import cli


def show(*args: str) -> object:
    return CliRunner().invoke(cli, ["show", *args])


def test_json_has_questions_then_outcomes_with_their_rows() -> None:
    result = show("--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["table"]["id"] == "rag-or-fine-tune"
    assert [q["id"] for q in doc["questions"]] == ["change", "freshness", "citations", "examples", "budget"]
    examples = doc["questions"][3]
    assert (examples["type"], examples["minimum"], examples["accepts"]) == ("integer", 0, "a whole number ≥ 0")
    outcomes = {o["id"]: o for o in doc["outcomes"]}
    assert [r["rule"] for r in outcomes["fine-tune"]["rows"]] == [
        "behaviour-static-enough-data",
        "behaviour-static-tight-budget",
    ]
    assert outcomes["rag"]["rows"][1]["when"] == {"change": "[behaviour, both]", "examples": "< 300"}
    assert sum(len(o["rows"]) for o in doc["outcomes"]) == 8
    assert outcomes["rag"]["choose_when"][0] == "You're adding knowledge the model doesn't have"


def test_text_at_a_glance() -> None:
    result = show()
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("RAG or fine-tuning?  (rag-or-fine-tune 1.0.0)\n")
    assert (
        "  1. What are you actually trying to change about the model's output?  [change]\n     - knowledge: Add knowledge the model doesn't have\n"
        in out
    )
    assert "     Answer: a whole number ≥ 0\n" in out
    assert out.index("Questions") < out.index("Outcomes") < out.index("  Fine-tune  [fine-tune]")
    assert "    Rows leading here:\n      • knowledge-needs-retrieval: change: knowledge\n" in out
    assert "    Trade-offs:\n      • Every knowledge update means another training run\n" in out


def test_markdown() -> None:
    out = show("--format", "markdown").stdout
    assert out.startswith("# RAG or fine-tuning?\n")
    assert "## Questions" in out and "### Start with RAG (`rag`)" in out
    assert "| `too-few-examples` | change: \\[behaviour, both\\], examples: \\< 300 |" in out


def test_the_default_is_shown_with_its_outcome() -> None:
    out = show(str(FIXTURES / "examples" / "failing.yaml")).stdout
    assert "  Maybe  [maybe]\n    Rows leading here:\n      • The default: the outcome when no row matches.\n" in out


@pytest.mark.parametrize(("args", "code"), [(["nope-table"], 2), ([str(FIXTURES / "examples" / "invalid.yaml")], 1)])
def test_errors(args: list[str], code: int) -> None:
    assert show(*args).exit_code == code


def test_lang_sets_the_interface_words_and_json_stays_data() -> None:
    out = show("--lang", "zh").stdout
    assert "\n问题\n" in out and "\n结果\n" in out
    assert "     回答: ≥ 0 的整数\n" in out
    assert (
        json.loads(show("--format", "json", "--lang", "zh").stdout)["questions"][3]["accepts"] == "a whole number ≥ 0"
    )
