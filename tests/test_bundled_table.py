"""The bundled advisor answers exactly as the policy of issue §6, on every combination."""

from __future__ import annotations

import itertools

import pytest

from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.decision.evaluate import decide, evaluate

CHANGE = ["knowledge", "behaviour", "both"]
FRESHNESS = ["static", "occasional", "frequent"]
CITATIONS = [True, False]
EXAMPLES = [0, 1, 299, 300, 301, 999, 1000, 1001, 10**9]
BUDGET = ["tight", "moderate", "relaxed"]


def policy(change: str, freshness: str, citations: bool, examples: int, budget: str) -> str:
    """The policy, written independently of the table."""
    if (
        change == "behaviour"
        and freshness == "static"
        and not citations
        and (examples >= 1000 or (examples >= 300 and budget == "tight"))
    ):
        return "fine-tune"
    if examples >= 300 and (change == "both" or (change == "behaviour" and (freshness != "static" or citations))):
        return "rag-plus-fine-tune"
    return "rag"


@pytest.fixture(scope="module")
def advisor():
    return tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False)


def test_every_combination_matches_the_policy(advisor) -> None:
    seen_rules = set()
    count = 0
    for combo in itertools.product(CHANGE, FRESHNESS, CITATIONS, EXAMPLES, BUDGET):
        answers = dict(zip(["change", "freshness", "citations", "examples", "budget"], combo))
        d = decide(advisor, answers)
        assert d.status == "decided", answers
        assert d.outcome == policy(*combo), answers
        result = evaluate(advisor, answers)
        assert (result.outcome, result.rule) == (d.outcome, d.rule)
        assert result.because and result.because.strip(), f"row {d.rule} has no because"
        assert len(result.matches) == 1  # unique: the rows partition the answer space
        seen_rules.add(d.rule)
        count += 1
    assert count == 3 * 3 * 2 * 9 * 3
    assert seen_rules == {r.id for r in advisor.rules}, "every row decides some answer set"


def test_ids_are_the_contract(advisor) -> None:
    assert advisor.id == "rag-or-fine-tune"
    assert advisor.hit_policy == "unique" and advisor.default is None
    assert [(i.id, i.type, i.option_ids) for i in advisor.inputs] == [
        ("change", "choice", ("knowledge", "behaviour", "both")),
        ("freshness", "choice", ("static", "occasional", "frequent")),
        ("citations", "boolean", ()),
        ("examples", "integer", ()),
        ("budget", "choice", ("tight", "moderate", "relaxed")),
    ]
    assert advisor.inputs[3].minimum == 0
    assert [o.id for o in advisor.outcomes] == ["rag", "fine-tune", "rag-plus-fine-tune"]


def test_texts_come_from_the_seed_page(advisor) -> None:
    titles = {o.id: o.title for o in advisor.outcomes}
    assert titles == {
        "rag": "Start with RAG",
        "fine-tune": "Fine-tune",
        "rag-plus-fine-tune": "RAG + light fine-tuning",
    }
    rag = advisor.outcomes[0]
    assert "You're adding knowledge the model doesn't have" in rag.choose_when
    assert "Longer prompts mean higher per-call cost and latency" in rag.tradeoffs
    assert advisor.inputs[0].prompt == "What are you actually trying to change about the model's output?"


def test_examples_in_the_table_hold(advisor) -> None:
    loaded = tables.load(tables.find("rag-or-fine-tune"))
    assert loaded.table is not None and loaded.findings == ()
    examples = loaded.table.examples
    covered = set()
    for example in examples:
        result = evaluate(advisor, parse_answers(advisor.input_index, example.answers))
        expect = example.expect
        if expect == "undecided":
            assert result.status == "undecided"
        elif isinstance(expect, str):
            assert (result.status, result.outcome) == ("decided", expect)
        else:
            assert (result.outcome, result.rule) == (expect.outcome, expect.rule)
            covered.add(expect.rule)
    assert covered == {r.id for r in advisor.rules}
    boundaries = {e.answers.get("examples") for e in examples}
    assert {299, 300, 999, 1000} <= boundaries


@pytest.mark.parametrize(
    "answers, status, outcome",
    [
        ({"change": "knowledge"}, "decided", "rag"),  # decided before the last answer
        ({"change": "behaviour", "examples": 10}, "decided", "rag"),
        ({"change": "both", "examples": 300}, "decided", "rag-plus-fine-tune"),
        ({"change": "behaviour"}, "undecided", None),
        ({}, "undecided", None),
    ],
)
def test_partial_answers(advisor, answers, status, outcome) -> None:
    result = evaluate(advisor, answers)
    assert (result.status, result.outcome) == (status, outcome)
    assert set(result.missing) == {i.id for i in advisor.inputs} - set(answers)
    if status == "undecided":
        assert result.rule is None and result.outcomes == ()
        assert len(result.possible) > 1
    else:
        assert result.possible == (outcome,)
