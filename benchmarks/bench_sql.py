"""``crossroads sql`` of a large ``unique`` table: its size, the time to generate it, and DuckDB's time to plan it.

Issue 22's targets for the synthetic 1,000-row ``unique`` table (``synthetic.py unique
1000``: five choice inputs, one integer): the pretty SQL ≤ 0.4 MB, generating it
(``sql.to_sql``, in process) ≤ 1 s, DuckDB planning it ≤ 1 s. Planning is the first
``PREPARE`` of ``SELECT *, <it> FROM data`` over a table of VARCHAR columns, each in a fresh
connection after one trivial ``PREPARE`` (DuckDB's own start-up). Times are CPU seconds
(``time.process_time``: steadier than wall time on a shared machine), the best and the
worst of ``--runs``.

Run: ``python benchmarks/bench_sql.py`` (1,000 rows, 5 runs, a few seconds), or
``--quick`` for a smoke run (200 rows, 2 runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

TARGET_BYTES = 400_000
TARGET_SECONDS = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 rows, 2 runs")
    parser.add_argument("--rows", type=int, help="rows of the unique table (default 1,000; --quick 200)")
    parser.add_argument("--runs", type=int, help="runs of each measurement (default 5; --quick 2)")
    args = parser.parse_args(argv)
    rows = args.rows or (200 if args.quick else 1000)
    runs = args.runs or (2 if args.quick else 5)

    import duckdb

    from crossroads.engine.outputs import sql
    from crossroads.engine.table import pipeline as tables

    table = tables.compiled(
        tables.Source("unique.yaml", synthetic.render(synthetic.table("unique", rows)).encode()), use_cache=False
    )
    generating, planning = [], []
    text = ""
    for _ in range(runs):
        started = time.process_time()
        text = sql.to_sql(table, "duckdb")
        generating.append(time.process_time() - started)
    pretty = len(sql.to_sql(table, "duckdb", pretty=True).encode())
    for _ in range(runs):
        con = duckdb.connect()
        con.execute("CREATE TABLE data (" + ", ".join(f'"{i.id}" VARCHAR' for i in table.inputs) + ")")
        con.execute("PREPARE warm AS SELECT 1")
        started = time.process_time()
        con.execute(f"PREPARE decide AS SELECT *, {text} FROM data")
        planning.append(time.process_time() - started)
        con.close()

    print(f"bench_sql: the {rows:,}-row unique table, DuckDB {duckdb.__version__}; CPU seconds, best–worst of {runs}")
    print(f"{'SQL, pretty (as printed)':<36}{pretty / 1e6:9.3f} MB")
    print(f"{'SQL, one line (to_sql)':<36}{len(text.encode()) / 1e6:9.3f} MB")
    print(f"{'generating it (to_sql)':<36}{min(generating):9.3f}–{max(generating):.3f} s")
    print(f"{'DuckDB planning it (PREPARE)':<36}{min(planning):9.3f}–{max(planning):.3f} s")
    print()
    note = "" if rows == 1000 else f" (a {rows:,}-row table: the targets are for 1,000 rows)"
    for name, got, limit, unit in (
        ("size", pretty / 1e6, TARGET_BYTES / 1e6, "MB"),
        ("generating", max(generating), TARGET_SECONDS, "s"),
        ("planning", max(planning), TARGET_SECONDS, "s"),
    ):
        print(f"target {name} ≤ {limit:g} {unit}: {got:.3f} {unit} {'ok' if got <= limit else 'MISSED'}{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
