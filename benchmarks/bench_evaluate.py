"""How long one evaluation takes: the compiled index vs a row scan vs GoRules ZEN.

Measures µs per call of ``crossroads.engine.decision.evaluate.decide(compiled, answers)``
(complete, already-parsed answers: the hot path of ``batch`` and of a service)
on the bundled table and on synthetic tables (``synthetic.py``: ``unique`` and
``first`` at 1k and 10k rows, the 12-input ``wide`` table), side by side in
the same run with

* a naive row scan (``naive.py``: a Python loop over rows testing each cell);
* GoRules ZEN (``pip install zen-engine``, the ``bench`` extra), when
  installed: the same table converted to a JDM decision table
  (``zen_jdm.py``), prepared once with ``ZenEngine().create_decision``, then
  ``decision.evaluate(context)`` timed. ZEN also reports its own in-engine
  time per call (``performance``); its median is shown as "ZEN engine".

Every engine answers the same answer sets (all combinations for the bundled
table; 1,000 seeded random ones for the others), and every answer set is
checked: crossroads, the scan and ZEN must give the same outcome. A mismatch
is printed, never hidden. Timing: ``time.perf_counter_ns`` (``--cpu``:
``time.process_time_ns``) around a loop over the answer sets, iterations
calibrated so one repeat lasts ≥ 0.2 s, garbage collector off, the median of
7 repeats.

Targets (issue 9 §8): bundled ≤ 2 µs; 10k rows ≤ 5 µs and ≥ 4× faster than ZEN.

Run: ``python benchmarks/bench_evaluate.py`` (a couple of minutes), or
``--quick`` for a smoke run (bundled and 1k tables, short timings).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import naive
import synthetic
import zen_jdm
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.compiler import CompiledTable, NumberColumn, compile_table
from crossroads.engine.errors import HitPolicyViolation
from crossroads.engine.decision.evaluate import decide
from crossroads.engine.table.model import Table

TARGET_BUNDLED_US = 2.0
TARGET_10K_US = 5.0
TARGET_VS_ZEN = 4.0


@dataclass(frozen=True)
class Case:
    name: str
    model: Table
    compiled: CompiledTable
    answers: list[dict[str, Any]]


def load_case(name: str, source: tables.Source, answers: list[dict[str, Any]] | None, count: int) -> Case:
    loaded = tables.load(source)
    if loaded.table is None:
        raise SystemExit(f"{name}: table is invalid: {loaded.findings[0].message}")
    compiled = compile_table(loaded.table)
    if answers is None:
        answers = every_answer(compiled)[:count]
    return Case(name, loaded.table, compiled, answers)


def every_answer(t: CompiledTable) -> list[dict[str, Any]]:
    """Every combination of options, booleans and one number per numeric segment."""
    axes = []
    for spec, column in zip(t.inputs, t.columns):
        if spec.type == "choice":
            axes.append(spec.option_ids)
        elif spec.type == "boolean":
            axes.append((True, False))
        else:
            values = {spec.minimum if spec.minimum is not None else 0}
            for p in column.points if isinstance(column, NumberColumn) else ():
                values.update((p - 1, p, p + 1))
            lo, hi = spec.minimum, spec.maximum
            axes.append(tuple(sorted(v for v in values if (lo is None or v >= lo) and (hi is None or v <= hi))))
    return [dict(zip((i.id for i in t.inputs), combo)) for combo in itertools.product(*axes)]


Clock = Callable[[], int]  # time.perf_counter_ns, or time.process_time_ns (--cpu: steadier on a busy machine)


def per_call_ns(
    call: Callable[[Any, Any], Any], table: Any, inputs: list[Any], min_ns: int, repeats: int, clock: Clock
) -> float:
    """Median over ``repeats`` of ns per ``call(table, input)``, cycling through ``inputs``.

    A slow engine may not get through every input in ``min_ns``: it is timed on
    the first ones (the synthetic answer sets are in random order).
    """
    n = 4
    while True:  # calibrate: enough iterations for one repeat to last min_ns
        batch = list(itertools.islice(itertools.cycle(inputs), n))
        elapsed = _run(call, table, batch, clock)
        if elapsed >= min_ns:
            break
        n = max(n * 2, int(n * min_ns / max(elapsed, 1) * 1.2))
    samples = [elapsed / n] + [_run(call, table, batch, clock) / n for _ in range(repeats - 1)]
    return statistics.median(samples)


def _run(call: Callable[[Any, Any], Any], table: Any, batch: list[Any], clock: Clock) -> int:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for a in batch:
            call(table, a)
        return clock() - start
    finally:
        if enabled:
            gc.enable()


def crossroads_outcome(t: CompiledTable, answers: dict[str, Any]) -> tuple[str, str | None]:
    try:
        d = decide(t, answers)
    except HitPolicyViolation:
        return "violation", None
    return d.status, d.outcome


def naive_outcome(t: naive.ScanTable, answers: dict[str, Any]) -> tuple[str, str | None]:
    try:
        status, outcome, _ = naive.decide(t, answers)
    except ValueError:
        return "violation", None
    return status, outcome


_UNITS = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}


def _engine_us(performance: str) -> float:
    m = re.fullmatch(r"([0-9.]+)\s*(ns|µs|us|ms|s)", performance.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


@dataclass
class Row:
    name: str
    rows: int
    crossroads_us: float
    naive_us: float
    zen_us: float | None = None
    zen_engine_us: float | None = None
    checked: int = 0
    mismatches: int = 0


def measure(case: Case, zen: Any, min_ns: int, repeats: int, clock: Clock) -> Row:
    scan = naive.scan_table(case.model)
    mismatches = []
    expected = [crossroads_outcome(case.compiled, a) for a in case.answers]
    for a, want in zip(case.answers, expected):
        got = naive_outcome(scan, a)
        if got != want:
            mismatches.append(("naive", a, want, got))
    row = Row(
        case.name,
        len(case.model.rules),
        per_call_ns(decide, case.compiled, case.answers, min_ns, repeats, clock) / 1000,
        per_call_ns(naive.decide, scan, case.answers, min_ns, repeats, clock) / 1000,
    )
    if zen is not None:
        import json

        decision = zen.ZenEngine().create_decision(json.dumps(zen_jdm.to_jdm(case.model)))
        contexts = [zen_jdm.context(a) for a in case.answers]
        engine_times = []
        for a, ctx, want in zip(case.answers, contexts, expected):
            response = decision.evaluate(ctx)
            engine_times.append(_engine_us(response["performance"]))
            got = zen_jdm.outcome_of(case.model, response["result"])
            if got != want:
                mismatches.append(("ZEN", a, want, got))
        row.zen_us = per_call_ns(type(decision).evaluate, decision, contexts, min_ns, repeats, clock) / 1000
        row.zen_engine_us = statistics.median(engine_times)
    row.checked = len(case.answers)
    row.mismatches = len(mismatches)
    for engine, a, want, got in mismatches[:5]:
        print(f"MISMATCH {case.name}: {engine} gives {got}, crossroads {want}, for {a}", file=sys.stderr)
    return row


def report(rows: list[Row], zen_version: str | None) -> list[str]:
    """The figures as a text table, then the targets."""
    header = f"{'table':<22}{'rows':>7}{'crossroads µs':>15}{'scan µs':>11}{'ZEN µs':>10}{'ZEN engine µs':>15}"
    lines = [header + f"{'scan/cr':>9}{'ZEN/cr':>9}{'agree':>14}"]
    for r in rows:
        zen = f"{r.zen_us:10.1f}{r.zen_engine_us:15.1f}" if r.zen_us is not None else f"{'—':>10}{'—':>15}"
        vs_zen = f"{r.zen_us / r.crossroads_us:8.0f}×" if r.zen_us is not None else f"{'—':>9}"
        agree = f"{r.checked - r.mismatches}/{r.checked}"
        lines.append(
            f"{r.name:<22}{r.rows:>7}{r.crossroads_us:15.2f}{r.naive_us:11.1f}{zen}"
            f"{r.naive_us / r.crossroads_us:8.1f}×{vs_zen}{agree:>14}"
        )
    lines.append("")
    lines.append(
        f"ZEN: {'zen-engine ' + zen_version if zen_version else 'left out (not installed: pip install zen-engine; or --no-zen)'}"
    )
    for r in rows:
        if r.name == "bundled":
            lines.append(
                _target(
                    f"bundled ≤ {TARGET_BUNDLED_US:g} µs",
                    r.crossroads_us <= TARGET_BUNDLED_US,
                    f"{r.crossroads_us:.2f} µs",
                )
            )
        if r.rows >= 10_000:
            lines.append(
                _target(
                    f"{r.name} ≤ {TARGET_10K_US:g} µs", r.crossroads_us <= TARGET_10K_US, f"{r.crossroads_us:.2f} µs"
                )
            )
            if r.zen_us is not None:
                ratio = r.zen_us / r.crossroads_us
                lines.append(
                    _target(f"{r.name} ≥ {TARGET_VS_ZEN:g}× faster than ZEN", ratio >= TARGET_VS_ZEN, f"{ratio:.0f}×")
                )
    if any(r.mismatches for r in rows):
        lines.append("MISMATCHES: the engines disagree on some answers (see above)")
    return lines


def _target(what: str, ok: bool, figure: str) -> str:
    return f"target {what}: {figure} {'ok' if ok else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: bundled and 1k-row tables, short timings")
    parser.add_argument("--no-zen", action="store_true", help="leave ZEN out even if installed")
    parser.add_argument(
        "--cpu", action="store_true", help="time CPU time (process_time_ns), not wall time: for a busy machine"
    )
    args = parser.parse_args(argv)
    clock = time.process_time_ns if args.cpu else time.perf_counter_ns
    min_ns, repeats, count = (10_000_000, 3, 200) if args.quick else (200_000_000, 7, 1000)
    try:
        from importlib.metadata import version

        import zen  # type: ignore[import-not-found]

        zen_version: str | None = version("zen-engine")
    except ImportError:
        zen, zen_version = None, None
    if args.no_zen:
        zen, zen_version = None, None

    cases = [load_case("bundled", tables.find(None), None, 100_000)]
    sizes = (1000,) if args.quick else (1000, 10_000)
    kinds = [(k, n) for k in ("unique", "first") for n in sizes] + ([] if args.quick else [("wide", 2000)])
    for kind, n in kinds:
        s = synthetic.table(kind, n)
        name = f"{kind}-{n // 1000}k"
        cases.append(load_case(name, tables.Source(f"{name}.yaml", s.text.encode()), s.answers(count), count))

    clock_name = "CPU time" if args.cpu else "wall time"
    load = os.getloadavg()[0]
    print(
        f"µs per evaluation ({clock_name}), median of {repeats}; Python {sys.version.split()[0]}, load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print("ratios: how many times slower than crossroads", flush=True)
    rows = []
    for case in cases:
        rows.append(measure(case, zen, min_ns, repeats, clock))
    print("\n".join(report(rows, zen_version)))
    return 1 if any(r.mismatches for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
