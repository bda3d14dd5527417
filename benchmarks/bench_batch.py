"""Rows per second of ``crossroads batch`` over Parquet, against DuckDB running a hand-written query.

Measures whole processes (wall time, peak RSS by ``os.wait4``; the launcher
from ``bench_cli.py``), over one generated Parquet file of the bundled
table's five inputs (typed columns: VARCHAR, BOOLEAN, BIGINT), Parquet out:

* ``crossroads batch --input in.parquet --output out.parquet``: the table's
  compiled SQL in DuckDB, row order kept, and with ``--any-order``;
* the limit: DuckDB itself (the same library, in a bare Python process)
  running a hand-written query of the same ``unique`` policy — one ``CASE``
  per column over the typed columns, no validation — over the same files,
  with and without ``preserve_insertion_order``;
* the baseline: the Python engine's JSON Lines batch (``--input x.jsonl``)
  over a sample of the same rows;
* the rest (``parts``): DuckDB copying the file with only part of crossroads'
  SQL — nothing, each result column alone, all of them — so the figures say
  which part of the gap to the hand-written query is reading and writing, which
  the validation (in ``error``) and which the result columns.

Both outputs are compared row by row (a positional join): any difference
prints MISMATCH. Targets: ≥ 3 million rows/s (issue 13), within 1.3× of the hand-written
query in every run (issue 22).

Run: ``python benchmarks/bench_batch.py`` (10 million rows, about a minute),
or ``--quick`` for a smoke run (200k rows, one run each).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from launcher import Launcher, crossroads_command

TARGET_ROWS_PER_SECOND = 3e6
TARGET_RATIO = 1.3  # issue 22 (issue 13 asked for 2×)

# The bundled table's answers, typed, from a hash of the row number (deterministic).
GENERATE = """
COPY (SELECT
    (['knowledge', 'behaviour', 'both'])[1 + (hash(i) % 3)::BIGINT] AS change,
    (['static', 'occasional', 'frequent'])[1 + (hash(i + 1) % 3)::BIGINT] AS freshness,
    hash(i + 2) % 2 = 0 AS citations,
    (hash(i + 3) % 2000)::BIGINT AS examples,
    (['tight', 'moderate', 'relaxed'])[1 + (hash(i + 4) % 3)::BIGINT] AS budget
FROM range({rows}) AS t(i)) TO '{path}' (FORMAT parquet)
"""

# What someone would write by hand for rules/rag-or-fine-tune.yaml (policy unique: two matching
# rows are an error), over typed columns and without checking the values.
HAND_WRITTEN = """
COPY (
  SELECT * EXCLUDE (m1, m2, m3, m4, m5, m6, m7, m8),
    CASE WHEN m1::INT + m2::INT + m3::INT + m4::INT + m5::INT + m6::INT + m7::INT + m8::INT > 1 THEN NULL
         WHEN m1 THEN 'rag' WHEN m2 THEN 'rag' WHEN m3 THEN 'rag-plus-fine-tune' WHEN m4 THEN 'rag-plus-fine-tune'
         WHEN m5 THEN 'rag-plus-fine-tune' WHEN m6 THEN 'fine-tune' WHEN m7 THEN 'fine-tune' WHEN m8 THEN 'rag' END AS outcome,
    CASE WHEN m1::INT + m2::INT + m3::INT + m4::INT + m5::INT + m6::INT + m7::INT + m8::INT > 1 THEN NULL
         WHEN m1 THEN 'knowledge-needs-retrieval' WHEN m2 THEN 'too-few-examples' WHEN m3 THEN 'both-with-data'
         WHEN m4 THEN 'behaviour-but-facts-move' WHEN m5 THEN 'behaviour-but-citations'
         WHEN m6 THEN 'behaviour-static-enough-data' WHEN m7 THEN 'behaviour-static-tight-budget'
         WHEN m8 THEN 'behaviour-static-room-in-budget' END AS rule,
    CASE WHEN m1::INT + m2::INT + m3::INT + m4::INT + m5::INT + m6::INT + m7::INT + m8::INT > 1
         THEN 'hit policy ''unique'' violated' END AS error
  FROM (
    SELECT *,
      change = 'knowledge' AS m1,
      change IN ('behaviour', 'both') AND examples < 300 AS m2,
      change = 'both' AND examples >= 300 AS m3,
      change = 'behaviour' AND freshness <> 'static' AND examples >= 300 AS m4,
      change = 'behaviour' AND freshness = 'static' AND citations AND examples >= 300 AS m5,
      change = 'behaviour' AND freshness = 'static' AND NOT citations AND examples >= 1000 AS m6,
      change = 'behaviour' AND freshness = 'static' AND NOT citations AND examples >= 300 AND examples < 1000
        AND budget = 'tight' AS m7,
      change = 'behaviour' AND freshness = 'static' AND NOT citations AND examples >= 300 AND examples < 1000
        AND budget IN ('moderate', 'relaxed') AS m8
    FROM read_parquet('{source}')
  )
) TO '{target}' (FORMAT parquet)
"""

DUCKDB_SCRIPT = "import duckdb, sys; duckdb.connect(config={'preserve_insertion_order': sys.argv[2] == 'ordered'}).execute(sys.argv[1])"


def parts(source: Path, target: Path) -> dict[str, str]:
    """Where crossroads' time goes beyond the hand-written query (issue 22): the same DuckDB, the
    same file, ``COPY`` of only part of the compiled SQL (``sql.staged_trees``, what ``batch``
    runs: the validation and every row's match computed once in a subquery, then the result
    columns over them): the copy alone (read, write), each result column alone (with the whole
    shared stage; ``error`` holds the policy's check), and all of them."""
    import duckdb

    from crossroads.engine.outputs import filebatch, sql
    from crossroads.engine.table import pipeline as tables

    rules = Path(__file__).resolve().parents[1] / "rules" / "rag-or-fine-tune.yaml"
    table = tables.compiled(tables.Source(str(rules), rules.read_bytes()), use_cache=False)
    described = duckdb.connect().execute(f"DESCRIBE SELECT * FROM read_parquet('{source}')").fetchall()
    stage, trees = sql.staged_trees(table, "_crossroads_", types={r[0]: r[1] for r in described})
    reader = f"read_parquet('{source}')"

    def copy(select: str) -> str:
        return f"COPY ({select}) TO '{target}' (FORMAT parquet)"

    out = {"part: read and write only (SELECT *)": copy(f"SELECT * FROM {reader}")}
    for alias, tree in trees.items():
        out[f"part: {alias} column only"] = copy(filebatch.staged_select(stage, [tree], reader))
    out["part: all result columns (its query)"] = copy(filebatch.staged_select(stage, list(trees.values()), reader))
    return out


def mismatches(ours: Path, theirs: Path) -> int:
    import duckdb

    query = (
        f"SELECT count(*) FROM (SELECT outcome, rule FROM read_parquet('{ours}')) AS a "
        f"POSITIONAL JOIN (SELECT outcome AS o, rule AS r FROM read_parquet('{theirs}')) AS b "
        "WHERE a.outcome IS DISTINCT FROM b.o OR a.rule IS DISTINCT FROM b.r"
    )
    return int(duckdb.connect().execute(query).fetchone()[0])


def write_json_lines(source: Path, target: Path, rows: int) -> None:
    import duckdb

    duckdb.connect().execute(f"COPY (SELECT * FROM read_parquet('{source}') LIMIT {rows}) TO '{target}' (FORMAT json)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 200k rows, one run each")
    parser.add_argument("--rows", type=int, help="rows in the Parquet file (default 10,000,000; --quick 200,000)")
    parser.add_argument("--runs", type=int, help="runs per measurement, median shown (default 3; --quick 1)")
    args = parser.parse_args(argv)
    rows = args.rows or (200_000 if args.quick else 10_000_000)
    runs = args.runs or (1 if args.quick else 3)
    sample = min(rows, 20_000 if args.quick else 100_000)

    import duckdb

    crossroads = crossroads_command()
    launcher = Launcher()  # first, while this process is small
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        source, ours, theirs, lines = (
            folder / "in.parquet",
            folder / "ours.parquet",
            folder / "theirs.parquet",
            folder / "in.jsonl",
        )
        started = time.perf_counter()
        duckdb.connect().execute(GENERATE.format(rows=rows, path=source))
        write_json_lines(source, lines, sample)
        generated = time.perf_counter() - started
        batch = [*crossroads, "batch", "--input", str(source), "--output", str(ours)]
        hand = HAND_WRITTEN.format(source=source, target=theirs)
        try:
            launcher.run([*crossroads, "batch", "--input", str(lines)], env)  # fills the compiled-table cache
            script = [sys.executable, "-c", DUCKDB_SCRIPT, hand]
            results = {
                "crossroads batch (order kept)": launcher.median(batch, env, runs),
                "hand-written DuckDB query (order kept)": launcher.median([*script, "ordered"], env, runs),
            }
            differ = mismatches(ours, theirs)  # both in input order
            results["crossroads batch --any-order"] = launcher.median([*batch, "--any-order"], env, runs)
            results["hand-written DuckDB query (any order)"] = launcher.median([*script, "unordered"], env, runs)
            json_lines = launcher.median([*crossroads, "batch", "--input", str(lines)], env, runs)
            breakdown = {
                name: launcher.median([sys.executable, "-c", DUCKDB_SCRIPT, query, "ordered"], env, runs)
                for name, query in parts(source, folder / "part.parquet").items()
            }
        finally:
            launcher.close()

    print(
        f"bench_batch: {rows:,} rows of the bundled table, Parquet in, Parquet out (generated in {generated:.1f} s); "
        f"DuckDB {duckdb.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; median of {runs}"
    )
    print(f"{'what':<44}{'seconds':>9}{'M rows/s':>10}{'CPU s':>8}{'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<44}{r.seconds:9.2f}{rows / r.seconds / 1e6:10.2f}{r.cpu_seconds:8.2f}{r.peak_mb:9.0f}")
    name = f"crossroads batch, JSON Lines ({sample // 1000}k lines)"
    print(
        f"{name:<44}{json_lines.seconds:9.2f}{sample / json_lines.seconds / 1e6:10.3f}{json_lines.cpu_seconds:8.2f}{json_lines.peak_mb:9.0f}"
    )
    for name, r in breakdown.items():
        print(f"{name:<44}{r.seconds:9.2f}{rows / r.seconds / 1e6:10.2f}{r.cpu_seconds:8.2f}{r.peak_mb:9.0f}")
    print()
    if differ:
        print(f"MISMATCH: {differ:,} rows differ between crossroads and the hand-written query")
    else:
        print(f"crossroads and the hand-written query agree on all {rows:,} rows")
    ours_rate = rows / results["crossroads batch (order kept)"].seconds
    ratio = results["crossroads batch (order kept)"].seconds / results["hand-written DuckDB query (order kept)"].seconds
    note = "" if rows >= 10_000_000 else f" (a {rows:,}-row run: start-up weighs more than at 10M)"
    print(
        f"target ≥ {TARGET_ROWS_PER_SECOND / 1e6:g} M rows/s: {ours_rate / 1e6:.2f} M rows/s {'ok' if ours_rate >= TARGET_ROWS_PER_SECOND else 'MISSED'}{note}"
    )
    print(
        f"target within {TARGET_RATIO:g}× of the hand-written query: {ratio:.2f}× {'ok' if ratio <= TARGET_RATIO else 'MISSED'}{note}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
