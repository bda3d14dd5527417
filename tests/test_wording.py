"""engine/table/wording.py: regions and answers written out in the table's ``when`` syntax."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crossroads.engine.table.wording import describe_answers, describe_region, describe_when, yaml_scalar


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        ("both", "both"),
        ("yes", '"yes"'),  # a YAML 1.1 boolean: quoted so that it reads back as a string
        ("a,b", '"a,b"'),  # a flow indicator: quoted in flow style
        (300, "300"),
        (Decimal("2.5"), "2.5"),
        (["a", "yes"], '[a, "yes"]'),
        ({"not": ["a", "b"]}, "{not: [a, b]}"),
    ],
)
def test_yaml_scalar(value: Any, text: str) -> None:
    assert yaml_scalar(value) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        ({}, "any answer"),
        ({"change": "both"}, "change: both"),
        ({"change": "both", "examples": "< 300"}, 'change: both, examples: "< 300"'),
        ({"examples": "[300, 1000)"}, 'examples: "[300, 1000)"'),
        ({"citations": True, "examples": 5}, "citations: true, examples: 5"),
        ({"budget": ["tight", "no"]}, 'budget: [tight, "no"]'),
        ({"budget": {"not": "tight"}}, "budget: {not: tight}"),
    ],
)
def test_describe_when(when: dict[str, Any], text: str) -> None:
    assert describe_when(when) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        ({}, "every answer"),
        ({"change": "behaviour"}, "change=behaviour"),
        ({"examples": "[300, 1000)"}, "examples in [300, 1000)"),
        ({"examples": ">= 10"}, "examples >= 10"),
        ({"examples": 7}, "examples=7"),
        ({"budget": ["tight", "loose"]}, "budget in [tight, loose]"),
        ({"budget": {"not": "tight"}}, "budget not in [tight]"),
        ({"budget": {"not": ["tight", "loose"]}, "citations": False}, "budget not in [tight, loose], citations=false"),
    ],
)
def test_describe_region(when: dict[str, Any], text: str) -> None:
    assert describe_region(when) == text


@pytest.mark.parametrize(
    ("answers", "text"),
    [
        ({}, ""),
        ({"change": "both", "citations": True, "examples": 300}, "change=both, citations=true, examples=300"),
        ({"change": "yes", "ratio": Decimal("0.5")}, "change=yes, ratio=0.5"),  # option ids bare, as ``-a`` takes them
        ({"country": ""}, 'country=""'),  # free text: quoted where bare text would be ambiguous
        ({"country": " NL", "city": "a b"}, 'country=" NL", city="a b"'),
        ({"country": "a, b=c"}, 'country="a, b=c"'),
        ({"country": 'say "hi"'}, 'country="say \\"hi\\""'),
        ({"country": "Zürich"}, "country=Zürich"),
    ],
)
def test_describe_answers(answers: dict[str, Any], text: str) -> None:
    assert describe_answers(answers) == text


def test_the_search_builds_no_text() -> None:
    """The region search returns data; its wording lives in the table layer (issue 18, part 3)."""
    from crossroads.engine.search import space

    assert not any(
        hasattr(space, name) for name in ("yaml_scalar", "describe_when", "describe_region", "describe_answers")
    )
    assert "yamlscalar" not in open(space.__file__, encoding="utf-8").read()
