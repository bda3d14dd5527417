"""The compiled-table cache: JSON, keyed by content, version and compiler, authenticated, validated, self-healing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import REPO

from crossroads.engine.table import cache
from crossroads.engine.table import pipeline as tables
from crossroads.engine.decision.evaluate import decide, evaluate

sys.path.insert(0, str(REPO / "benchmarks"))

ANSWERS = [
    {"change": "knowledge", "freshness": "static", "citations": True, "examples": 0, "budget": "tight"},
    {"change": "behaviour", "freshness": "static", "citations": False, "examples": 999, "budget": "tight"},
    {"change": "both"},
]


@pytest.fixture(autouse=True)
def _isolated_secret(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


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


def _body(entry: Path) -> dict[str, Any]:
    mac, _, body = entry.read_bytes().partition(b"\n")
    assert len(mac) == 64
    return json.loads(body)


def test_written_once_then_read_and_corrupt_entries_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    source = tables.find("rag-or-fine-tune")
    first = tables.compiled(source)
    (entry,) = _entries()
    assert _body(entry)["id"] == "rag-or-fine-tune"  # JSON, never pickle

    import crossroads.engine.table.compiler as compiler

    def boom(*a, **k):
        raise AssertionError("compiled again despite a cache entry")

    with monkeypatch.context() as m:
        m.setattr(compiler, "compile_table", boom)
        assert tables.compiled(source) == first

    entry.write_text("{ truncated")
    assert tables.compiled(source) == first
    assert _body(entry)["id"] == "rag-or-fine-tune"  # rewritten


def test_no_cache_writes_nothing_and_key_depends_on_bytes_version_and_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False)
    assert _entries() == []
    assert cache.cache_key(b"a", "1") != cache.cache_key(b"b", "1")
    assert cache.cache_key(b"a", "1") != cache.cache_key(b"a", "2")
    before = cache.cache_key(b"a", "1")
    monkeypatch.setattr(cache, "compiler_identity", lambda: "another build of the same version")
    assert cache.cache_key(b"a", "1") != before


def test_compiler_identity_hashes_the_compiler_source() -> None:
    assert len(cache.compiler_identity()) == 64 and cache.compiler_identity() == cache.compiler_identity()
    assert "compiler.py" in cache._IDENTITY_MODULES and "cache.py" in cache._IDENTITY_MODULES


def test_unwritable_cache_is_not_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder should be
    compiled = tables.compiled(tables.find("rag-or-fine-tune"))
    assert decide(compiled, ANSWERS[0]).outcome == "rag"


# -- hostile entries: each is a miss, the result stays right, no hang, no traceback ----------


def _poisoned(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    body = cache.to_json(tables.compiled(tables.find("rag-or-fine-tune"), use_cache=False))
    edit(body)
    return body


def _because(d: dict[str, Any]) -> None:
    d["rules"][0][2] = "because the attacker says so"


def _outcome_id(d: dict[str, Any]) -> None:
    d["outcomes"][0][0] = 'rag"><meta http-equiv="refresh" content="0;url=https://example.invalid">'


def _short_rows(d: dict[str, Any]) -> None:
    d["columns"][0]["rows"] = d["columns"][0]["rows"][:2]


def _outcome_99(d: dict[str, Any]) -> None:
    d["rules"][0][1] = 99


def _span_out_of_range(d: dict[str, Any]) -> None:
    numeric = next(c for c in d["columns"] if c["points"] is not None)
    numeric["rows"][1] = [0, 10**6]


def _mask_beyond_rows(d: dict[str, Any]) -> None:
    d["columns"][0]["every"] = "f" * 40


def _wrong_type(d: dict[str, Any]) -> None:
    d["inputs"][0][4] = "not a list"


HOSTILE = [_because, _outcome_id, _short_rows, _outcome_99, _span_out_of_range, _mask_beyond_rows, _wrong_type]


@pytest.mark.parametrize("edit", HOSTILE, ids=lambda f: f.__name__.strip("_"))
def test_a_crafted_entry_is_a_miss(edit: Callable[[dict[str, Any]], None]) -> None:
    """Planted under the (computable) key, with the entry's own hash line kept or forged: never trusted."""
    source = tables.find("rag-or-fine-tune")
    key = cache.cache_key(source.data, __import__("crossroads").__version__)
    honest = tables.compiled(source)  # writes the genuine entry and this user's secret
    entry = cache.cache_dir() / f"{key}.json"
    mac = entry.read_bytes().partition(b"\n")[0]
    entry.write_bytes(mac + b"\n" + json.dumps(_poisoned(edit)).encode())
    got = tables.compiled(source)
    assert got == honest
    assert evaluate(got, ANSWERS[0]).because == evaluate(honest, ANSWERS[0]).because
    assert _body(entry) == cache.to_json(honest)  # rewritten


@pytest.mark.parametrize("edit", HOSTILE, ids=lambda f: f.__name__.strip("_"))
def test_validation_refuses_what_the_compiler_would_not_write(edit: Callable[[dict[str, Any]], None]) -> None:
    """Even a correctly authenticated entry is checked in full (types, ranges, ids, lengths)."""
    body = _poisoned(edit)
    if edit is _because:  # a text is any string: only the authentication can catch this one
        return
    with pytest.raises(cache.Invalid):
        cache.from_json(json.loads(json.dumps(body)))


def test_an_entry_signed_with_another_secret_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tables.find("rag-or-fine-tune")
    honest = tables.compiled(source)
    (entry,) = _entries()
    forged_body = json.dumps(_poisoned(_because)).encode()
    key = entry.name[:-5]
    entry.write_bytes(cache._mac(b"x" * 32, key, forged_body) + b"\n" + forged_body)
    assert evaluate(tables.compiled(source), ANSWERS[0]).because == evaluate(honest, ANSWERS[0]).because


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_entry_is_a_miss_without_hanging() -> None:
    source = tables.find("rag-or-fine-tune")
    honest = tables.compiled(source, use_cache=False)
    cache.secret(create=True)
    key = cache.cache_key(source.data, __import__("crossroads").__version__)
    cache.cache_dir().mkdir(parents=True, exist_ok=True)
    os.mkfifo(cache.cache_dir() / f"{key}.json")
    assert cache.read(key) is None  # returns at once: opened non-blocking, then refused as not a regular file
    assert tables.compiled(source) == honest


def test_a_symlink_entry_is_a_miss(tmp_path: Path) -> None:
    source = tables.find("rag-or-fine-tune")
    honest = tables.compiled(source)
    (entry,) = _entries()
    target = tmp_path / "elsewhere.json"
    target.write_bytes(entry.read_bytes())  # even a genuine entry behind a link
    entry.unlink()
    entry.symlink_to(target)
    key = entry.name[:-5]
    assert cache.read(key) is None
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.read(key) is None
    assert tables.compiled(source) == honest


def test_an_oversized_entry_is_not_read() -> None:
    source = tables.find("rag-or-fine-tune")
    tables.compiled(source)
    (entry,) = _entries()
    key = entry.name[:-5]
    assert cache.read(key, cache.max_entry_bytes(len(source.data))) is not None
    entry.write_bytes(entry.read_bytes() + b" " * cache.max_entry_bytes(len(source.data)))
    assert cache.read(key, cache.max_entry_bytes(len(source.data))) is None


@pytest.mark.parametrize("mode", [0o644, 0o600])
def test_a_secret_others_can_read_or_that_is_no_file_disables_the_cache(mode: int) -> None:
    path = cache.state_dir() / "cache-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"k" * cache.KEY_BYTES)
    path.chmod(mode)
    assert (cache.secret() is None) == (mode != 0o600)
    path.unlink()
    path.symlink_to("/dev/zero")
    assert cache.secret() is None and cache.secret(create=True) is None
    source = tables.find("rag-or-fine-tune")
    assert decide(tables.compiled(source), ANSWERS[0]).outcome == "rag"
    assert _entries() == []  # no trusted secret: nothing written, nothing read


# -- size: linear in the rows (issue 17) ------------------------------------------------------


def test_entry_grows_linearly_with_equality_rows() -> None:
    from bench_growth import equality_table

    sizes = []
    for n in (2000, 8000):
        source = tables.Source(f"eq{n}.yaml", equality_table(n).encode())
        tables.compiled(source)
        key = cache.cache_key(source.data, __import__("crossroads").__version__)
        sizes.append((cache.cache_dir() / f"{key}.json").stat().st_size)
    assert sizes[1] / sizes[0] < 4 * 1.25  # 4× the rows: about 4× the bytes (it was 16×)


# -- the index the cache rebuilds: lookups equal a brute-force row scan -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

try:
    from strategies import tables as generated_tables
except ImportError:  # pragma: no cover - tests/strategies.py is shared
    generated_tables = None


@pytest.mark.skipif(generated_tables is None, reason="tests/strategies.py is not there")
@settings(max_examples=60, deadline=None)
@given(generated=st.deferred(lambda: generated_tables()), budget=st.sampled_from([None, 1, 40, 400]))
def test_lookup_equals_a_row_scan_at_any_checkpoint_step(generated: Any, budget: Any) -> None:
    """Column.lookup (checkpoint + events) and NumberColumn.masks give the rows a scan of the conditions finds;
    so does the column rebuilt from a cache entry, and its every/some."""
    from conftest import compile_yaml
    from crossroads.engine.table import compiler
    from oracle import Oracle

    saved = compiler.CHECKPOINT_BITS, compiler.CHECKPOINT_BITS_PER_ROW
    try:
        if budget is not None:  # checkpoints every budget / rows segments or so: the path of huge tables
            compiler.CHECKPOINT_BITS, compiler.CHECKPOINT_BITS_PER_ROW = budget, 0
        table = compile_yaml(generated.text)
        again = cache.from_json(json.loads(json.dumps(cache.to_json(table))))
    finally:
        compiler.CHECKPOINT_BITS, compiler.CHECKPOINT_BITS_PER_ROW = saved
    oracle = Oracle(generated.data)
    for info, column, rebuilt in zip(oracle.inputs, table.columns, again.columns):
        values = oracle.representatives(info)
        for value in values:
            truth = oracle.row_mask(info, value)
            assert column.lookup(value) == rebuilt.lookup(value) == truth, (info.id, value)
        assert type(column) is type(rebuilt)
        kinds = {
            "integer": compiler.NumberColumn,
            "number": compiler.NumberColumn,
            "date": compiler.NumberColumn,
            "string": compiler.TextColumn,
        }
        assert isinstance(column, kinds.get(info.type, compiler.ChoiceColumn))
        if isinstance(column, compiler.TextColumn):
            assert list(column.table) == list(rebuilt.table) and column.other == rebuilt.other
        if isinstance(column, compiler.NumberColumn):
            assert list(column.masks) == [column.masks[s] for s in range(len(column.masks))] == list(rebuilt.masks)
        assert (column.every, column.some) == (rebuilt.every, rebuilt.some)
        inside = [oracle.row_mask(info, v) for v in values]
        if inside:
            every, some = -1, 0
            for m in inside:
                every &= m
                some |= m
            assert column.every == every & table.all_rows and column.some == some, info.id


# -- tables with outputs ------------------------------------------------------------------

from conftest import FIXTURES  # noqa: E402

VALUE_TABLES = ["outputs/shipping.yaml", "outputs/fees-sum.yaml", "outputs/routes-order.yaml"]
VALUE_ANSWERS = [
    {"weight": 30, "destination": "eu"},
    {"weight": 3, "destination": "world", "express": True, "ship_by": "2026-02-01"},
    {"weight": 3},
    {},
]


@pytest.mark.parametrize("name", VALUE_TABLES)
def test_a_table_with_outputs_is_cached_and_read_back_equal(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tables.find(str(FIXTURES / name))
    first = tables.compiled(source)
    (entry,) = _entries()
    assert _body(entry)["outputs"]  # written, values and all

    import crossroads.engine.table.compiler as compiler

    def boom(*a: Any, **k: Any) -> None:
        raise AssertionError("compiled again despite a cache entry")

    with monkeypatch.context() as m:
        m.setattr(compiler, "compile_table", boom)
        hit = tables.compiled(source)
    assert hit == first and hit.priority_rows == first.priority_rows and hit.agree_rows == first.agree_rows
    for answers in VALUE_ANSWERS:
        known = {k: v for k, v in answers.items() if k in first.input_index}
        assert _outcome(hit, known) == _outcome(first, known)


def _outcome(table: Any, answers: dict[str, Any]) -> Any:
    """The result JSON, or the error's words (both compiled tables must give the same)."""
    from crossroads.engine.decision.evaluate import evaluate_or_error

    got = evaluate_or_error(table, answers)
    return str(got) if isinstance(got, Exception) else got.to_json()


def _values_body() -> dict[str, Any]:
    return cache.to_json(tables.compiled(tables.find(str(FIXTURES / "outputs/shipping.yaml")), use_cache=False))


def _value_not_canonical(d: dict[str, Any]) -> None:
    d["results"][0][1][0] = {"d": "4.90"}  # 4.9 written another way: the compiler never writes it


def _value_of_wrong_type(d: dict[str, Any]) -> None:
    d["results"][0][1][0] = "free"


def _unknown_option(d: dict[str, Any]) -> None:
    d["results"][1][1][1] = "drone"


def _result_99(d: dict[str, Any]) -> None:
    d["rules"][0][1] = 99


def _inline_names_an_outcome(d: dict[str, Any]) -> None:
    d["results"][1][0] = 0


def _duplicate_inline(d: dict[str, Any]) -> None:
    d["results"][2] = d["results"][1]


def _aggregate_on_two_outputs(d: dict[str, Any]) -> None:
    d["aggregate"] = "sum"


def _output_type(d: dict[str, Any]) -> None:
    d["outputs"][0][1] = "money"


VALUE_HOSTILE = [
    _value_not_canonical,
    _value_of_wrong_type,
    _unknown_option,
    _result_99,
    _inline_names_an_outcome,
    _duplicate_inline,
    _aggregate_on_two_outputs,
    _output_type,
]


@pytest.mark.parametrize("edit", VALUE_HOSTILE, ids=lambda f: f.__name__.strip("_"))
def test_an_entry_with_outputs_is_validated_in_full(edit: Callable[[dict[str, Any]], None]) -> None:
    body = _values_body()
    cache.from_json(json.loads(json.dumps(body)))  # the honest entry reads
    edit(body)
    with pytest.raises(cache.Invalid):
        cache.from_json(json.loads(json.dumps(body)))


try:
    from strategies import output_tables as generated_output_tables
except ImportError:  # pragma: no cover - tests/strategies.py is shared
    generated_output_tables = None


@pytest.mark.skipif(generated_output_tables is None, reason="tests/strategies.py is not there")
@settings(max_examples=60, deadline=None)
@given(generated=st.deferred(lambda: generated_output_tables()))
def test_an_entry_of_any_table_with_outputs_reads_back_equal(generated: Any) -> None:
    """Every output type, policy and aggregate: the entry gives the same table, and the same results."""
    from conftest import compile_yaml
    from oracle import Oracle

    table = compile_yaml(generated.text)
    again = cache.from_json(json.loads(json.dumps(cache.to_json(table))))
    assert again == table
    oracle = Oracle(generated.data)
    for info in oracle.inputs[:1]:
        for value in oracle.representatives(info):
            first, second = (_outcome(t, {info.id: value}) for t in (table, again))
            assert first == second
