"""The benchmarks keep running, and the synthetic tables keep their promises.

The scripts run with ``--quick`` (a few seconds) and must print their figures;
the generators must give valid, deterministic tables with the structure the
benchmarks and the row-analysis tests rely on.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO, compile_yaml
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import decide

BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

import synthetic

FIGURE = r"[0-9]+\.[0-9]+"


def run_script(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, figures",
    [
        (
            ["benchmarks/bench_evaluate.py", "--quick"],
            [
                rf"^bundled +8 +{FIGURE} +{FIGURE}",
                rf"^unique-1k +1000 +{FIGURE}",
                rf"^first-1k +1000 +{FIGURE}",
                r"^target bundled",
            ],
        ),
        (
            ["benchmarks/bench_cli.py", "--quick", "--runs", "1"],
            [
                rf"^python -c pass +{FIGURE}",
                rf"^crossroads evaluate \(bundled, warm cache\) +{FIGURE} +{FIGURE}×",
                r"^target warm evaluate",
            ],
        ),
        (
            ["benchmarks/bench_jsonlines.py", "--quick", "--lines", "2000"],
            [
                rf"^crossroads batch \(orjson\) +{FIGURE}",
                rf"^floor: orjson loop +{FIGURE}",
                r"^target within 2× of the orjson floor \(orjson\): [0-9.]+× wall",
                r"^target ≥ 3× the standard-library loop \(orjson\)",
            ],
        ),
        (
            ["benchmarks/bench_growth.py", "--quick"],
            [
                rf"^ +300 +[0-9]+ +{FIGURE}",
                rf"^ +1200 +[0-9]+ +{FIGURE}",
                r"^entry bytes per row, .*\(linear\)$",
                r"^page bytes per row, .*\(linear\)$",
            ],
        ),
        (
            ["benchmarks/bench_lint.py", "--quick"],
            [
                rf"^bundled rag-or-fine-tune +{FIGURE}",
                r"^7,776-row unique, broken .*conflict 1, gap 1,",
                rf"^12 inputs × 2,000 rows, first \(seed 1\) +2000 +{FIGURE} +≤ 10 .*unreachable 1627 \((met|MISSED)\)$",
            ],
        ),
        (
            ["benchmarks/bench_fmt.py", "--quick"],
            [
                rf"^commented, to format +4,000 .* {FIGURE}× +{FIGURE}× ",
                rf"^already formatted +4,000 .* {FIGURE}×",
                r"^target fmt within 2× of the loader",
            ],
        ),
    ],
    ids=["evaluate", "cli", "jsonlines", "growth", "lint", "fmt"],
)
def test_benchmark_prints_figures(args: list[str], figures: list[str]) -> None:
    if "jsonlines" in args[0]:
        pytest.importorskip("orjson")  # the floor it measures against is an orjson loop (the `fast` extra)
    out = run_script(*args)
    for pattern in figures:
        assert re.search(pattern, out, re.MULTILINE), f"{pattern!r} not in:\n{out}"
    assert "MISMATCH" not in out


@pytest.mark.slow
def test_bench_lsp_prints_figures() -> None:
    pytest.importorskip("pygls", reason="the lsp extra: pip install '.[lsp]'")
    out = run_script("benchmarks/bench_lsp.py", "--quick")
    for pattern in (
        rf"^bundled rag-or-fine-tune +{FIGURE} +{FIGURE}$",
        rf"^300-row unique +{FIGURE} +{FIGURE}$",
        r"^target bundled: fast ≤ 50 ms, analysis ≤ 1000 ms: ",
    ):
        assert re.search(pattern, out, re.MULTILINE), f"{pattern!r} not in:\n{out}"


@pytest.mark.slow
def test_bench_sql_prints_figures() -> None:
    from sqlparity import require

    require("duckdb", "the data extra: pip install '.[data]'")
    out = run_script("benchmarks/bench_sql.py", "--quick")
    for pattern in (
        rf"^SQL, pretty \(as printed\) +{FIGURE} MB$",
        rf"^DuckDB planning it \(PREPARE\) +{FIGURE}–{FIGURE} s$",
        r"^target planning ≤ 1 s: ",
    ):
        assert re.search(pattern, out, re.MULTILINE), f"{pattern!r} not in:\n{out}"


@pytest.mark.slow
def test_bench_batch_prints_figures_and_agrees_with_the_hand_written_query() -> None:
    from sqlparity import require

    require("duckdb", "the data extra: pip install '.[data]'")
    out = run_script("benchmarks/bench_batch.py", "--quick")
    for pattern in (
        rf"^crossroads batch \(order kept\) +{FIGURE} +{FIGURE} +{FIGURE} +[0-9]+$",
        rf"^hand-written DuckDB query \(any order\) +{FIGURE} +{FIGURE}",
        rf"^crossroads batch, JSON Lines \(20k lines\) +{FIGURE}",
        r"^crossroads and the hand-written query agree on all 200,000 rows$",
        r"^target ≥ 3 M rows/s: ",
        r"^target within 1.3× of the hand-written query: ",
        rf"^part: read and write only \(SELECT \*\) +{FIGURE}",
        rf"^part: error column only +{FIGURE}",
        rf"^part: all result columns \(its query\) +{FIGURE}",
    ):
        assert re.search(pattern, out, re.MULTILINE), f"{pattern!r} not in:\n{out}"
    assert "MISMATCH" not in out


def test_synthetic_cli_writes_the_table() -> None:
    assert run_script("benchmarks/synthetic.py", "first", "50") == synthetic.table("first", 50).text


@pytest.mark.parametrize("kind, n", [("unique", 300), ("first", 300), ("wide", 200)])
def test_synthetic_tables_are_valid_and_deterministic(kind: str, n: int) -> None:
    s = synthetic.table(kind, n)
    assert s.text == synthetic.table(kind, n).text
    assert len(s.rows) == n
    compiled = compile_yaml(s.text)
    assert len(compiled.rules) == n
    statuses = {decide(compiled, a).status for a in s.answers(300)}
    assert statuses == {"decided"}  # unique: a partition (never two rows, never none); first: a catch-all


def test_unique_rows_partition_the_answer_space() -> None:
    s = synthetic.table("unique", 400)
    compiled = compile_yaml(s.text)
    seen = {decide(compiled, a).rule for a in s.answers(2000)}
    assert len(seen) > 100  # many different rows decide, not one big catch-all
    assert any(r.when and len(r.when) < 6 for r in s.rows)  # and rows leave inputs out


def test_analysis_table_has_every_combination_once() -> None:
    s = synthetic.table("analysis")
    combos = [tuple(r.when[i] for i in synthetic.CHOICES) for r in s.rows]
    assert len(combos) == len(set(combos)) == 6**5 == 7776
    assert all(len(r.when) == 5 for r in s.rows)
    assert {r.then for r in s.rows} == {"accept", "review", "reject"}
    assert [i.id for i in s.inputs][5:] == ["quantity", "age"]


def test_broken_analysis_table_has_one_gap_and_one_conflict() -> None:
    s = synthetic.table("analysis-broken")
    by_id = {r.id: r for r in s.rows}
    assert len(s.rows) == 7776 and synthetic.ANALYSIS_REMOVED not in by_id
    original, copy = by_id[synthetic.ANALYSIS_DUPLICATED], by_id[synthetic.ANALYSIS_DUPLICATE]
    assert copy.when == original.when and copy.then != original.then
    compiled = compile_yaml(s.text)
    gap = dict(zip(synthetic.CHOICES, synthetic.ANALYSIS_REMOVED.split("-")), quantity=1, age=30)
    assert decide(compiled, gap).status == "no-match"
    with pytest.raises(HitPolicyViolation):
        decide(compiled, {**original.when, "quantity": 1, "age": 30})
