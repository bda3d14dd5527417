"""``crossroads show`` of tables with outputs: the outputs, values per outcome and per row, the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli

OUTPUTS = Path(__file__).parent / "fixtures" / "outputs"
SHIPPING = str(OUTPUTS / "shipping.yaml")
FEES = str(OUTPUTS / "fees-sum.yaml")


def show(*args: str):
    return CliRunner().invoke(cli, ["show", *args])


def test_json_has_outputs_values_and_rows() -> None:
    r = show(SHIPPING, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert {k: doc["table"][k] for k in ("hit_policy", "aggregate", "priority", "default", "default_values")} == {
        "hit_policy": "first",
        "aggregate": None,
        "priority": [],
        "default": None,
        "default_values": {"fee": 0, "carrier": "economy"},
    }
    assert [(o["id"], o["type"], o["title"]) for o in doc["outputs"]] == [
        ("fee", "number", "Delivery fee"),
        ("carrier", "choice", "Carrier"),
    ]
    assert [p["id"] for p in doc["outputs"][1]["options"]] == ["express", "standard", "economy"]
    [outcome] = doc["outcomes"]
    assert outcome["values"] == {"fee": 4.9, "carrier": "standard"}  # 4.90 as written: one value
    assert [r["rule"] for r in outcome["rows"]] == ["light"]
    assert doc["rows"] == [
        {
            "rule": "heavy-abroad",
            "when": {"weight": "> 20", "destination": "not domestic"},
            "because": "Heavy parcels abroad go express.",
            "outcome": None,
            "values": {"fee": 49.5, "carrier": "express"},
        },
        {
            "rule": "light",
            "when": {"weight": "<= 20"},
            "because": None,
            "outcome": "standard-delivery",
            "values": {"fee": 4.9, "carrier": "standard"},
        },
        {
            "rule": "light-same",
            "when": {"weight": "<= 20", "destination": "world"},
            "because": None,
            "outcome": None,
            "values": {"fee": 4.9, "carrier": "standard"},
        },
    ]


def test_json_of_a_collect_sum_table() -> None:
    doc = json.loads(show(FEES, "--format", "json").stdout)
    assert (doc["table"]["hit_policy"], doc["table"]["aggregate"]) == ("collect", "sum")
    assert doc["outcomes"] == [] and doc["table"]["default_values"] is None
    assert [(r["rule"], r["values"]) for r in doc["rows"]] == [
        ("base", {"fee": 4.9}),
        ("heavy", {"fee": 10}),
        ("fast", {"fee": 7.5}),
    ]


@pytest.mark.parametrize(
    "table, fmt, lines",
    [
        (
            SHIPPING,
            "text",
            [
                "Outputs",
                "  1. Delivery fee  [fee]  number",
                "  2. Carrier  [carrier]  choice",
                "     - express",
                "Hit policy: first",
                "  Standard delivery  [standard-delivery]",
                "    Delivery fee: 4.9, Carrier: standard",
                "Rows and their values",
                "  • heavy-abroad: weight: > 20, destination: not domestic → Delivery fee: 49.5, Carrier: express",
                "  • light: weight: <= 20 → standard-delivery: Delivery fee: 4.9, Carrier: standard",
                "  • The default, when no row matches → Delivery fee: 0, Carrier: economy",
            ],
        ),
        (
            FEES,
            "text",
            [
                "  1. Fee  [fee]  number",
                "Hit policy: collect, aggregate sum",
                "  • base: any answers → Fee: 4.9",
                "  • fast: express: true → Fee: 7.5",
            ],
        ),
        (
            SHIPPING,
            "markdown",
            [
                "## Outputs",
                "1. **Delivery fee** (`fee`, number)",
                "   - `express`",
                "Hit policy: first",
                "Delivery fee: 4.9, Carrier: standard",
                "## Rows and their values",
                "| row | when | outcome | values | because |",
                "| `light` | weight: \\<= 20 | standard-delivery | Delivery fee: 4.9, Carrier: standard |  |",
                "The default, when no row matches: Delivery fee: 0, Carrier: economy",
            ],
        ),
        (
            FEES,
            "markdown",
            [
                "Hit policy: collect, aggregate sum",
                "| `fast` | express: true |  | Fee: 7.5 | Express costs extra. |",
            ],
        ),
    ],
)
def test_text_and_markdown_show_values_with_titles(table: str, fmt: str, lines: list[str]) -> None:
    r = show(table, "--format", fmt)
    assert r.exit_code == 0, r.output
    out = r.stdout.splitlines()
    for line in lines:
        assert line in out, (line, r.stdout)
    assert "\n\n\n" not in r.stdout


def test_output_order_names_its_ranking(tmp_path: Path) -> None:
    table = tmp_path / "t.yaml"
    table.write_text(Path(SHIPPING).read_text().replace("hit_policy: first", "hit_policy: output-order"))
    r = show(str(table))
    assert r.exit_code == 0, r.output
    assert "Hit policy: output-order, ranked by Carrier (express, standard, economy)" in r.stdout.splitlines()
    assert json.loads(show(str(table), "--format", "json").stdout)["table"]["priority"] == ["carrier"]


def test_a_table_without_outputs_keeps_its_json_keys() -> None:
    doc = json.loads(show("--format", "json").stdout)
    assert set(doc) == {"table", "questions", "outcomes"}
    assert set(doc["table"]) == {"id", "version", "title", "summary", "hit_policy", "default"}
    assert all("values" not in o for o in doc["outcomes"])
