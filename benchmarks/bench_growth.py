"""How time, memory, cache entries and pages grow with the rows (issue 17, item 10).

The table: one integer input ``x`` and ``n`` equality rows (``x: i`` → one of
two outcomes), then a default — the shape that made the compiled index grow
with the square of the rows (one full row mask per segment: 10k rows gave a
49 MB cache entry and a 75 MB page, 100k rows a 5 GB entry). For 10k, 30k and
100k rows (``--quick``: 300 and 1,200) each command runs as a fresh process,
started by a small helper so that the peak RSS (``os.wait4``) is the
command's own:

* ``evaluate -a x=…`` cold (``--no-cache``) and warm (the cache filled by a
  first run);
* ``lint`` (its row analysis under the default time budget), ``sql``
  (SQLite) and ``page``;

with the cache entry's and the page's bytes. Each figure should grow about
linearly: the ``bytes/row`` columns stay flat. The cache lives in a temporary
``XDG_CACHE_HOME`` (and its secret in a temporary ``XDG_STATE_HOME``).

Run: ``python benchmarks/bench_growth.py`` (a few minutes), ``--quick`` for a
smoke run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from launcher import Launcher, Run, crossroads_command


def equality_table(n: int) -> str:
    """``n`` rows ``x: i`` (i = 0 … n-1) under ``first``, outcomes alternating, a default for the rest."""
    lines = [
        "format: crossroads/1",
        f"id: equality-{n}",
        "version: 1.0.0",
        f"title: {n} equality rows",
        "hit_policy: first",
        "default: other",
        "inputs:",
        "  - {id: x, prompt: Pick x, type: integer}",  # no '?': a flow scalar ending in one takes the slow parser
        "outcomes:",
        "  - {id: even, title: Even}",
        "  - {id: odd, title: Odd}",
        "  - {id: other, title: Other}",
        "rules:",
    ]
    lines += [f"  - {{id: r{i}, when: {{x: {i}}}, then: {'odd' if i % 2 else 'even'}}}" for i in range(n)]
    return "\n".join(lines) + "\n"


def _seconds_mb(run: Run) -> tuple[float, float]:
    return run.seconds, run.peak_mb


def measure(n: int, launcher: Launcher, work: Path, exe: list[str]) -> dict[str, float]:
    table = work / f"eq{n}.yaml"
    table.write_text(equality_table(n))
    cache_home, state_home = work / f"cache{n}", work / f"state{n}"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home), XDG_STATE_HOME=str(state_home))
    answer = ["-a", f"x={n // 2}"]
    out: dict[str, float] = {"rows": n, "table": table.stat().st_size}
    out["cold_s"], out["cold_mb"] = _seconds_mb(
        launcher.run(exe + ["evaluate", str(table), "--no-cache", *answer], env)
    )
    launcher.run(exe + ["evaluate", str(table), *answer], env)  # fills the cache
    out["warm_s"], out["warm_mb"] = _seconds_mb(launcher.run(exe + ["evaluate", str(table), *answer], env))
    entries = list((cache_home / "crossroads").glob("*.json"))
    out["entry"] = sum(e.stat().st_size for e in entries)
    out["lint_s"], out["lint_mb"] = _seconds_mb(launcher.run(exe + ["lint", str(table)], env, ok=(0, 1)))
    out["sql_s"], out["sql_mb"] = _seconds_mb(launcher.run(exe + ["sql", str(table), "--dialect", "sqlite"], env))
    page = work / f"eq{n}.html"
    out["page_s"], out["page_mb"] = _seconds_mb(launcher.run(exe + ["page", str(table), "-o", str(page)], env))
    out["page"] = page.stat().st_size
    shutil.rmtree(cache_home, ignore_errors=True)
    return out


def report(rows: list[dict[str, float]]) -> list[str]:
    head = (
        f"{'rows':>7} {'table':>8} {'cold s':>7} {'MB':>6} {'warm s':>7} {'MB':>6} {'lint s':>7} {'MB':>6}"
        f" {'sql s':>7} {'MB':>6} {'page s':>7} {'MB':>6} {'entry':>9} {'B/row':>6} {'page':>9} {'B/row':>6}"
    )
    lines = [head]
    for r in rows:
        n = r["rows"]
        lines.append(
            f"{int(n):>7} {int(r['table']):>8} {r['cold_s']:>7.2f} {r['cold_mb']:>6.0f} {r['warm_s']:>7.2f} {r['warm_mb']:>6.0f}"
            f" {r['lint_s']:>7.2f} {r['lint_mb']:>6.0f} {r['sql_s']:>7.2f} {r['sql_mb']:>6.0f} {r['page_s']:>7.2f} {r['page_mb']:>6.0f}"
            f" {int(r['entry']):>9} {r['entry'] / n:>6.1f} {int(r['page']):>9} {r['page'] / n:>6.1f}"
        )
    first, last = rows[0], rows[-1]
    scale = last["rows"] / first["rows"]
    for what in ("entry", "page"):
        ratio = (last[what] / first[what]) / scale
        lines.append(
            f"{what} bytes per row, {int(last['rows'])} vs {int(first['rows'])} rows: {ratio:.2f}× ({'linear' if ratio < 1.5 else 'NOT LINEAR'})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 and 1,200 rows")
    parser.add_argument("--rows", type=int, nargs="*", help="row counts (default 10000 30000 100000)")
    parser.add_argument(
        "--limit", type=float, default=300.0, help="seconds a command may run before it is killed (shown as inf)"
    )
    args = parser.parse_args(argv)
    sizes = args.rows or ([300, 1200] if args.quick else [10_000, 30_000, 100_000])
    exe = crossroads_command()
    launcher = Launcher(args.limit)
    try:
        with tempfile.TemporaryDirectory(prefix="crossroads-growth-") as tmp:
            rows = [measure(n, launcher, Path(tmp), exe) for n in sizes]
    finally:
        launcher.close()
    for line in report(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
