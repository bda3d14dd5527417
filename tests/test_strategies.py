"""The random-table strategies produce what they promise: valid tables whose text is their data."""

from __future__ import annotations

from crossroads.engine.table import pipeline as engine_tables
from hypothesis import given
from strategies import GeneratedTable, tables


@given(tables())
def test_generated_tables_are_valid_and_text_loads_back_to_data(t: GeneratedTable) -> None:
    loaded = engine_tables.load(engine_tables.Source("generated.yaml", t.text.encode()))
    errors = [f for f in loaded.findings if f.severity == "error"]
    assert errors == [], (t.text, errors)
    assert loaded.document.data == t.data
