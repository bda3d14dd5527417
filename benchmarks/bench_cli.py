"""How long a whole ``crossroads evaluate`` process takes, against ``python -c pass``.

Measures, as separate processes (median wall time of N runs, N = 21; the
median CPU time, user + system, is shown too, as it is steadier on a busy
machine):

* ``python -c pass`` with the same interpreter: the floor any Python CLI pays;
* ``crossroads evaluate`` of the bundled table with full answers, with a warm
  compiled-table cache (the normal case: the first run fills it) and cold
  (``--no-cache``: read, load, validate and compile every time);
* ``crossroads evaluate`` of the synthetic 10k-row block-style ``unique``
  table (``synthetic.py``, ~1.7 MB): cold (``--no-cache``) and warm, in
  seconds, median of 3, with the peak RSS of the process (``os.wait4``;
  the commands are started by a small helper process, so that figure is the
  command's own).

The cache lives in a temporary ``XDG_CACHE_HOME``, so ``~/.cache`` is never
touched. Every run must exit 0 (decided); anything else stops the benchmark.

Targets (issue 22): warm evaluate ≤ 5× ``python -c pass`` (the console script answers it
before importing click, ``cli/start.py``); cold 10k rows ≤ 1 s and ≤ 100 MB (issue 9: 4 s, 250 MB).

Run: ``python benchmarks/bench_cli.py`` (about a minute), or ``--quick``
for a smoke run (3 runs each, a 1k-row table instead of 10k).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from launcher import Launcher, crossroads_command, median

TARGET_WARM_RATIO = 5.0  # issue 22 (issue 9: 8×)
TARGET_BIG_SECONDS = 1.0  # issue 22 (issue 9: 4 s, 250 MB)
TARGET_BIG_MB = 100.0

BUNDLED_ANSWERS = ("change=behaviour", "freshness=static", "citations=false", "examples=1000", "budget=tight")


def answer_flags(answers: dict[str, object]) -> list[str]:
    flags = []
    for key, value in answers.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        flags += ["-a", f"{key}={text}"]
    return flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 runs each, a 1k-row table")
    parser.add_argument("--runs", type=int, help="runs per small measurement (default 21, --quick 3)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 21)
    big_runs = 1 if args.quick else 3
    rows = 1000 if args.quick else 10_000

    crossroads = crossroads_command()
    launcher = Launcher()  # first, while this process is small
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": os.path.join(tmp, "cache")}
        env.pop("NO_COLOR", None)
        bundled = [*crossroads, "evaluate", *(f for a in BUNDLED_ANSWERS for f in ("-a", a))]
        big = synthetic.table("unique", rows)
        big_path = Path(tmp, f"unique-{rows}.yaml")
        big_path.write_text(big.text, encoding="utf-8")
        big_cmd = [*crossroads, "evaluate", str(big_path), *answer_flags(big.answers(1)[0])]

        try:
            launcher.run([sys.executable, "-c", "pass"], env)  # warm the OS file cache first
            launcher.run(bundled, env)  # fills the compiled-table cache
            baseline = launcher.median([sys.executable, "-c", "pass"], env, runs)
            warm = launcher.median(bundled, env, runs)
            cold = launcher.median([*bundled, "--no-cache"], env, runs)
            big_cold = launcher.median([*big_cmd, "--no-cache"], env, big_runs)
            big_fresh = median(  # each run with an empty cache, which it fills
                [
                    launcher.run(big_cmd, {**env, "XDG_CACHE_HOME": os.path.join(tmp, f"fresh-{n}")})
                    for n in range(big_runs)
                ]
            )
            launcher.run(big_cmd, env)  # fills the cache for the big table
            big_warm = launcher.median(big_cmd, env, big_runs)
        finally:
            launcher.close()

    size_mb = len(big.text.encode()) / 1e6
    print(
        f"whole-process wall time, median of {runs} runs; Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"{'command':<46}{'wall ms':>9}{'× python':>10}{'CPU ms':>9}{'× python':>10}{'peak MB':>9}")
    for name, r in (
        ("python -c pass", baseline),
        ("crossroads evaluate (bundled, warm cache)", warm),
        ("crossroads evaluate (bundled, --no-cache)", cold),
        (f"evaluate {rows // 1000}k rows, {size_mb:.1f} MB (--no-cache)", big_cold),
        (f"evaluate {rows // 1000}k rows, {size_mb:.1f} MB (fresh cache)", big_fresh),
        (f"evaluate {rows // 1000}k rows, {size_mb:.1f} MB (warm cache)", big_warm),
    ):
        print(
            f"{name:<46}{r.seconds * 1000:9.1f}{r.seconds / baseline.seconds:9.1f}×"
            f"{r.cpu_seconds * 1000:9.1f}{r.cpu_seconds / baseline.cpu_seconds:9.1f}×{r.peak_mb:9.1f}"
        )
    print()
    ratio = warm.seconds / baseline.seconds
    verdict = "ok" if ratio <= TARGET_WARM_RATIO else "MISSED"
    print(
        f"target warm evaluate ≤ {TARGET_WARM_RATIO:g}× python -c pass: {ratio:.1f}× wall ({warm.cpu_seconds / baseline.cpu_seconds:.1f}× CPU) {verdict}"
    )
    if rows >= 10_000:
        for name, r in (("--no-cache", big_cold), ("fresh cache", big_fresh)):
            ok = r.seconds <= TARGET_BIG_SECONDS and r.peak_mb <= TARGET_BIG_MB
            print(
                f"target cold 10k rows ({name}) ≤ {TARGET_BIG_SECONDS:g} s and ≤ {TARGET_BIG_MB:g} MB: "
                f"{r.seconds:.2f} s ({r.cpu_seconds:.2f} s CPU), {r.peak_mb:.0f} MB {'ok' if ok else 'MISSED'}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
