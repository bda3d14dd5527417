"""``crossroads fmt`` against the loader on a large commented table: time and memory.

Measures, each in a fresh process (so that one run's garbage never counts in
the next), the wall time of one call and the peak RSS of the whole process
(``VmHWM``, which an ``exec`` resets; ``ru_maxrss`` elsewhere):

* ``loader.load_bytes`` — what ``crossroads lint`` pays to read the table;
* ``formatter.format_table`` — what ``crossroads fmt`` pays for the same file
  (the loader with the source tree and its comments collected from the same
  parse, printing, and the check that the result loads to the same data —
  skipped when the result is the input);

on two generated tables of ``--rows`` rows (106,000 by default, about 7 MB),
every row carrying a comment (above it, at the end of a line, inside a block
``when`` that becomes flow): one written out of canonical order (``fmt``
has work to do), and the same table already formatted (what ``fmt --check``
sees in CI). The ratios fmt/loader are printed (wall time, CPU time — steadier
on a busy machine — and peak RSS); the target is 2×.

Run: ``python benchmarks/bench_fmt.py [--rows N] [--repeat N]``, or
``--quick`` for a smoke run (4,000 rows, one run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_RATIO = 2.0

CHILD = r"""
import sys, time
from pathlib import Path
which, path = sys.argv[1], sys.argv[2]
data = Path(path).read_bytes()
if which == "load":
    from crossroads.engine.table.loader import load_bytes as run
    call = lambda: run(data, path, len(data))
else:
    from crossroads.engine.authoring.formatter import format_table as run
    call = lambda: run(data, path, max_bytes=len(data))
start, cpu = time.perf_counter(), time.process_time()
result = call()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
try:
    status = Path("/proc/self/status").read_text()
    peak_kib = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
except (OSError, StopIteration):
    import resource
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = result.encode("utf-8") if isinstance(result, str) else b""
print(f"{seconds} {cpu} {peak_kib} {int(out == data)}")
if which == "fmt" and len(sys.argv) > 3:
    Path(sys.argv[3]).write_bytes(out)
"""


def generate(rows: int) -> str:
    """A valid table of ``rows`` rows, each with a comment, keys not in canonical order (deterministic)."""
    out = [
        "# A generated table: every row carries a comment (benchmarks/bench_fmt.py).",
        "id: commented",
        "format: crossroads/1",
        "version: 1.0.0",
        "title: Commented rows",
        "hit_policy: first  # the first row that matches",
        "default: lo",
        "",
        "inputs:",
        "  - id: n",
        "    prompt: How many?",
        "    type: integer",
        "    minimum: 0",
        "  - id: kind",
        "    type: choice",
        "    prompt: Which kind?",
        "    options:",
        "      - {id: a, label: A}",
        "      - {id: b, label: B}",
        "",
        "outcomes:",
        "  - {id: lo, title: Low}",
        "  - {id: hi, title: High}",
        "",
        "rules:",
    ]
    for i in range(rows):
        k = i % 3
        if k == 0:
            out += [f"  # {i}", f"  - id: r{i}", f"    when: {{n: {i}}}", "    then: hi"]
        elif k == 1:
            out += ["  - then: lo", f"    id: r{i}  # {i}", f"    when: {{n: '< {i}', kind: a}}"]
        else:
            out += [f"  - id: r{i}", "    when:", f"      kind: b  # {i}", f"      n: '>= {i}'", "    then: hi"]
    return "\n".join(out) + "\n"


def measure(which: str, path: Path, repeat: int, save: Path | None = None) -> tuple[float, float, float, bool]:
    """(median wall seconds, median CPU seconds, max peak MB, output == input) of ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        argv = [sys.executable, "-c", CHILD, which, str(path)] + ([str(save)] if save else [])
        done = subprocess.run(argv, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{which} {path}: exit {done.returncode}: {done.stderr.strip()[-2000:]}")
        seconds, cpu, peak_kib, same = done.stdout.split()
        runs.append((float(seconds), float(cpu), int(peak_kib) / 1024, same == "1"))
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        max(r[2] for r in runs),
        runs[-1][3],
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4,000 rows, one run each")
    parser.add_argument("--rows", type=int, default=106_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    rows = 4000 if args.quick else args.rows
    repeat = 1 if args.quick else args.repeat
    print(
        f"{'table':<22} {'rows':>7} {'MB':>4} {'load s':>7} {'fmt s':>6} {'× time':>6} {'× CPU':>6} {'load MB':>8} {'fmt MB':>7} {'× memory':>8}"
    )
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "commented.yaml"
        raw.write_text(generate(rows), encoding="utf-8")
        formatted = Path(tmp) / "formatted.yaml"
        for label, path in (("commented, to format", raw), ("already formatted", formatted)):
            load_s, load_cpu, load_mb, _ = measure(
                "load", path, repeat
            )  # the formatted one: written by the first fmt run
            fmt_s, fmt_cpu, fmt_mb, same = measure("fmt", path, repeat, formatted if path == raw else None)
            if path == formatted and not same:
                print("MISMATCH: formatting the formatted table changed it (not idempotent)")
            time_ratio, cpu_ratio, memory_ratio = fmt_s / load_s, fmt_cpu / load_cpu, fmt_mb / load_mb
            worst = max(worst, cpu_ratio, memory_ratio)
            size = path.stat().st_size / 1e6
            print(
                f"{label:<22} {rows:>7,} {size:>4.1f} {load_s:>7.2f} {fmt_s:>6.2f} {time_ratio:>5.1f}× {cpu_ratio:>5.1f}× "
                f"{load_mb:>8.0f} {fmt_mb:>7.0f} {memory_ratio:>7.1f}×"
            )
    verdict = "met" if worst <= TARGET_RATIO else f"missed (worst {worst:.1f}×)"
    print(f"target fmt within {TARGET_RATIO:.0f}× of the loader in CPU time and memory: {verdict}")
    print(json.dumps({"worst_ratio": round(worst, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
