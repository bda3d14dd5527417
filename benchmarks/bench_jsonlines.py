"""Lines per second of ``crossroads batch`` over JSON Lines, against bare Python loops of the same work.

Measures whole processes (wall and CPU time, the launcher of ``bench_cli.py``), over one file of
distinct complete answer sets of the bundled table (every line a different ``examples``), full
result lines out (the default: every field), interleaved so that each ratio compares runs made
under the same load:

* ``crossroads batch --input in.jsonl``: the fast path (``engine/outputs/jsonlines.py``,
  ``FastLines``) with orjson, as installed with the ``fast`` extra;
* the same with orjson hidden (``sys.modules["orjson"] = None``): the pure-Python fallback;
* ``crossroads batch --fields outcome,rule``: a caller that wants less;
* the floor: a bare Python loop that parses each line with orjson and writes, with orjson, a
  result object of the same size (the bundled table's result for that line's row, the line's
  answers in it) — no validation, no evaluation;
* the same loop written with the standard library's ``json`` (``ensure_ascii=False``, as the
  result lines are).

Targets (issue 22): within 2× of the orjson floor, ≥ 3× the standard-library loop, ≥ 100k lines/s
(on a quiet machine). Ratios are of wall time and of CPU time; on a busy machine the CPU ratio is
the steadier one.

Run: ``python benchmarks/bench_jsonlines.py`` (100k lines, 5 runs each, about a minute), or
``--quick`` (20k lines, one run each).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from launcher import Launcher, Run, crossroads_command, median

TARGET_FLOOR_RATIO = 2.0
TARGET_STDLIB_SPEEDUP = 3.0
TARGET_LINES_PER_SECOND = 100_000

# The reference loops: each line parsed, a result object of the same size built (the skeleton is a
# real result line of the bundled table, the line's answers put in), written as one JSON line.
LOOP = """
import sys
{imports}
skeleton = {loads}(open(sys.argv[2], "rb").readline())
out = sys.stdout.buffer
with open(sys.argv[1], "rb") as lines:
    for line in lines:
        answers = {loads}(line)
        result = dict(skeleton)
        result["answers"] = answers
        result["conditions"] = [dict(c, answer=answers.get(c["input"])) for c in skeleton["conditions"]]
        out.write({dumps})
"""
ORJSON_LOOP = LOOP.format(imports="import orjson", loads="orjson.loads", dumps='orjson.dumps(result) + b"\\n"')
STDLIB_LOOP = LOOP.format(
    imports="import json", loads="json.loads", dumps='(json.dumps(result, ensure_ascii=False) + "\\n").encode()'
)
WITHOUT_ORJSON = "import sys; sys.modules['orjson'] = None; from crossroads.cli.start import main; sys.argv[0] = 'crossroads'; main()"

CHANGE = ("knowledge", "behaviour", "both")
FRESHNESS = ("static", "occasional", "frequent")
BUDGET = ("tight", "moderate", "relaxed")


def write_lines(path: Path, count: int) -> None:
    """``count`` distinct complete answer sets of the bundled table (seeded: every run the same file)."""
    pick = random.Random(22)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            answers = {
                "change": pick.choice(CHANGE),
                "freshness": pick.choice(FRESHNESS),
                "citations": pick.random() < 0.5,
                "examples": pick.randrange(2000) + 2000 * i,  # distinct lines, all below 2^53
                "budget": pick.choice(BUDGET),
            }
            out.write(json.dumps(answers) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 20k lines, one run each")
    parser.add_argument("--lines", type=int, help="lines in the input (default 100,000; --quick 20,000)")
    parser.add_argument("--runs", type=int, help="runs per measurement, median shown (default 5; --quick 1)")
    args = parser.parse_args(argv)
    count = args.lines or (20_000 if args.quick else 100_000)
    runs = args.runs or (1 if args.quick else 5)

    try:
        import orjson
    except ImportError:
        raise SystemExit("bench_jsonlines: needs orjson (pip install 'crossroads[fast]')") from None

    crossroads = crossroads_command()
    launcher = Launcher()  # first, while this process is small
    with tempfile.TemporaryDirectory(prefix="crossroads-bench-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache")}
        lines, skeleton = folder / "in.jsonl", folder / "skeleton.json"
        write_lines(lines, count)
        first = lines.open("rb").readline()
        from crossroads.engine.outputs.jsonlines import FastLines
        from crossroads.engine.table import pipeline

        import io

        table = pipeline.compiled(pipeline.find("rag-or-fine-tune"), use_cache=False)
        skeleton.write_text(next(iter(FastLines(table).lines(io.BytesIO(first)))), encoding="utf-8")
        size = len(skeleton.read_bytes())
        commands = {
            "crossroads batch (orjson)": [*crossroads, "batch", "--input", str(lines)],
            "crossroads batch (no orjson: standard library)": [
                sys.executable,
                "-c",
                WITHOUT_ORJSON,
                "batch",
                "--input",
                str(lines),
            ],
            "crossroads batch --fields outcome,rule": [
                *crossroads,
                "batch",
                "--input",
                str(lines),
                "--fields",
                "outcome,rule",
            ],
            "floor: orjson loop": [sys.executable, "-c", ORJSON_LOOP, str(lines), str(skeleton)],
            "standard-library json loop": [sys.executable, "-c", STDLIB_LOOP, str(lines), str(skeleton)],
        }
        try:
            launcher.run(commands["crossroads batch (orjson)"], env)  # fills the compiled-table cache
            samples: dict[str, list[Run]] = {name: [] for name in commands}
            for _ in range(runs):  # interleaved: each round's runs share the machine's load
                for name, argv in commands.items():
                    samples[name].append(launcher.run(argv, env))
        finally:
            launcher.close()
    results = {name: median(r) for name, r in samples.items()}

    print(
        f"bench_jsonlines: {count:,} distinct complete answer sets of the bundled table, result lines of "
        f"~{size} bytes; orjson {orjson.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; median of {runs}"
    )
    print(f"{'what':<48}{'seconds':>9}{'k lines/s':>11}{'CPU s':>8}{'peak MB':>9}")
    for name, r in results.items():
        print(f"{name:<48}{r.seconds:9.2f}{count / r.seconds / 1e3:11.1f}{r.cpu_seconds:8.2f}{r.peak_mb:9.0f}")
    print()
    ours, fallback = results["crossroads batch (orjson)"], results["crossroads batch (no orjson: standard library)"]
    floor, stdlib = results["floor: orjson loop"], results["standard-library json loop"]

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    for name, r in (("orjson", ours), ("no orjson", fallback)):
        wall, cpu = r.seconds / floor.seconds, r.cpu_seconds / floor.cpu_seconds
        print(
            f"target within {TARGET_FLOOR_RATIO:g}× of the orjson floor ({name}): {wall:.2f}× wall, {cpu:.2f}× CPU "
            f"{verdict(wall <= TARGET_FLOOR_RATIO)}"
        )
    for name, r in (("orjson", ours), ("no orjson", fallback)):
        wall, cpu = stdlib.seconds / r.seconds, stdlib.cpu_seconds / r.cpu_seconds
        print(
            f"target ≥ {TARGET_STDLIB_SPEEDUP:g}× the standard-library loop ({name}): {wall:.2f}× wall, {cpu:.2f}× CPU "
            f"{verdict(wall >= TARGET_STDLIB_SPEEDUP)}"
        )
    rate = count / ours.seconds
    print(
        f"target ≥ {TARGET_LINES_PER_SECOND // 1000}k lines/s (quiet machine): {rate / 1e3:.0f}k lines/s "
        f"{verdict(rate >= TARGET_LINES_PER_SECOND)} (load average {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
