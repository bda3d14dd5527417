"""The compiled-table cache: JSON, keyed by content and version, atomic, self-healing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.engine import cache, tables
from crossroads.engine.evaluate import decide, evaluate

ANSWERS = [
    {"change": "knowledge", "freshness": "static", "citations": True, "examples": 0, "budget": "tight"},
    {"change": "behaviour", "freshness": "static", "citations": False, "examples": 999, "budget": "tight"},
    {"change": "both"},
]


def test_round_trip_is_identical() -> None:
    compiled = tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False)
    again = cache.from_json(json.loads(json.dumps(cache.to_json(compiled))))
    assert again == compiled
    for answers in ANSWERS:
        assert evaluate(again, answers) == evaluate(compiled, answers)


def test_decimal_points_survive(compile_table_text) -> None:
    t = compile_table_text(
        "format: crossroads/1\nid: n\nversion: 1.0.0\ntitle: N\nhit_policy: first\n"
        "inputs: [{id: x, prompt: X?, type: number, minimum: -0.5}]\noutcomes: [{id: a, title: A}, {id: b, title: B}]\n"
        "rules: [{id: r1, when: {x: '(0.1, 0.2]'}, then: a}, {id: r2, then: b}]\n"
    )
    assert cache.from_json(json.loads(json.dumps(cache.to_json(t)))) == t


def _entries() -> list[Path]:
    return sorted(cache.cache_dir().glob("*.json"))


def test_written_once_then_read_and_corrupt_entries_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    source = tables.find("rag-or-fine-tune")
    first = tables.compiled(source)
    (entry,) = _entries()
    assert json.loads(entry.read_text())["id"] == "rag-or-fine-tune"  # JSON, never pickle

    import crossroads.engine.compiler as compiler

    def boom(*a, **k):
        raise AssertionError("compiled again despite a cache entry")

    with monkeypatch.context() as m:
        m.setattr(compiler, "compile_table", boom)
        assert tables.compiled(source) == first

    entry.write_text("{ truncated")
    assert tables.compiled(source) == first
    assert json.loads(entry.read_text())["id"] == "rag-or-fine-tune"  # rewritten


def test_no_cache_writes_nothing_and_key_depends_on_bytes_and_version() -> None:
    tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False)
    assert _entries() == []
    assert cache.cache_key(b"a", "1") != cache.cache_key(b"b", "1")
    assert cache.cache_key(b"a", "1") != cache.cache_key(b"a", "2")


def test_unwritable_cache_is_not_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder should be
    compiled = tables.compiled(tables.find("rag-or-fine-tune"))
    assert decide(compiled, ANSWERS[0]).outcome == "rag"
