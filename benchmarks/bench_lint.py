"""Whole-process ``crossroads lint`` on the tables the row-analysis issue names.

Measures, as separate processes (what a CI step pays):

* the bundled advisor (target ≤ 0.3 s);
* the 7,776-row ``unique`` table (five choice inputs of six options, one row
  per combination, two unconstrained integers; target ≤ 5 s), and the same
  with one row removed and one conflicting duplicate added (exactly one gap
  and one conflict must be reported; same bound);
* random tables of 12 inputs and 2,000 rows under ``first`` (seeds 1 and 2; target ≤ 10 s
  each, issue 22), whose analysis must finish inside the default ``--max-seconds`` budget.

Each figure is the median of ``--repeat`` runs next to ``python -c pass`` in
the same run, so a noisy machine shows in both.

Run: ``python benchmarks/bench_lint.py [--quick] [--repeat N] [--max-seconds S]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

REPO = HERE.parent


def _crossroads() -> list[str]:
    script = Path(sys.executable).parent / "crossroads"
    return [str(script)] if script.exists() else [sys.executable, "-m", "crossroads"]


def timed(cmd: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess]:
    times = []
    last = None
    for _ in range(repeat):
        start = time.perf_counter()
        last = subprocess.run(cmd, check=False, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        times.append(time.perf_counter() - start)
    return statistics.median(times), last  # type: ignore[return-value]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, one wide table")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    budget = args.max_seconds
    lint = [*_crossroads(), "lint", "--format", "json"]
    baseline, _ = timed([sys.executable, "-c", "pass"], repeat)
    print(f"python -c pass: {baseline:.3f} s (median of {repeat})")
    print(f"{'table':<40} {'rows':>6} {'seconds':>8} {'target':>7} {'× pass':>7}  findings")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("bundled rag-or-fine-tune", str(REPO / "rules" / "rag-or-fine-tune.yaml"), 0, 0.3)]
        for kind, label in (("analysis", "7,776-row unique"), ("analysis-broken", "7,776-row unique, broken")):
            path = Path(tmp) / f"{kind}.yaml"
            path.write_text(synthetic.render(synthetic.table(kind)))
            cases.append((label, str(path), 7776, 5.0))
        for seed in (1, 2) if not args.quick else (1,):
            path = Path(tmp) / f"wide-{seed}.yaml"
            path.write_text(synthetic.render(synthetic.wide(2000, seed=seed)))
            cases.append((f"12 inputs × 2,000 rows, first (seed {seed})", str(path), 2000, 10.0))
        for label, path, rows, target in cases:
            wide = rows == 2000
            seconds, proc = timed([*lint, "--max-seconds", str(budget), path], 1 if wide else repeat)
            findings = json.loads(proc.stdout or '{"findings": []}')["findings"]
            counts: dict[str, int] = {}
            for f in findings:
                counts[f["code"]] = counts.get(f["code"], 0) + 1
            shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
            mark = "met" if seconds <= target else "MISSED"
            print(
                f"{label:<40} {rows or '':>6} {seconds:>8.2f} {f'≤ {target:g}':>7} {seconds / baseline:>7.1f}  "
                f"{shown} ({mark})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
