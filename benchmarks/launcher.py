"""The one process launcher of the benchmarks: whole commands, timed, with their own peak RSS.

Children are started by this small helper process, not by the benchmark itself: on Linux a
child's peak RSS includes the memory of the process that forked it, and a benchmark may hold a
10k-row table. Each child is waited for with ``os.wait4`` (``Popen.wait`` would lose its resource
usage); one that runs past its time limit is killed and shows as ``inf`` seconds.

Installed packages come with their bytecode; a checkout run under ``PYTHONDONTWRITEBYTECODE``
(an editable install, some CI images) would compile every module from source in every process,
about 30 ms of a 75 ms ``evaluate``. So the launcher compiles crossroads' bytecode once and
starts its children without that variable: the figures are those of an installed tool.
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_HELPER = r"""
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    argv, env, limit = json.loads(line)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter_ns()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            pid, status, usage = os.wait4(proc.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        elapsed = time.perf_counter_ns() - start
        err.seek(0)
        message = err.read(4000).decode(errors="replace")
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps([elapsed, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status), message]), flush=True)
"""


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time; inf when killed at the time limit
    cpu_seconds: float  # user + system time of the process: steadier than wall time on a busy machine
    peak_mb: float


def median(runs: list[Run]) -> Run:
    """The median wall and CPU time of ``runs``, with the largest peak RSS."""
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.peak_mb for r in runs),
    )


class Launcher:
    """Runs commands one at a time; an exit code outside ``ok`` stops the benchmark."""

    def __init__(self, limit: float | None = None) -> None:
        self.limit = limit
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HELPER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        compile_bytecode()  # after the helper starts, so that it stays small

    def run(self, argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Run:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.proc.stdin.write(json.dumps([argv, env, self.limit]) + "\n")
        self.proc.stdin.flush()
        elapsed, cpu, maxrss_kib, code, message = json.loads(self.proc.stdout.readline())
        peak = maxrss_kib / 1024  # ru_maxrss is in KiB on Linux
        if code == -9 and self.limit is not None:
            return Run(float("inf"), cpu, peak)
        if code not in ok:
            raise SystemExit(f"{' '.join(argv)}: exit {code}: {message.strip()}")
        return Run(elapsed / 1e9, cpu, peak)

    def median(self, argv: list[str], env: dict[str, str], runs: int) -> Run:
        return median([self.run(argv, env) for _ in range(runs)])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def crossroads_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m crossroads``."""
    beside = Path(sys.executable).with_name("crossroads")
    found = str(beside) if beside.exists() else shutil.which("crossroads")
    return [found] if found else [sys.executable, "-m", "crossroads"]


def compile_bytecode() -> None:
    """Write the bytecode of crossroads' modules (where they are writable), as an install does."""
    for package in ("crossroads", "crossroads.engine", "crossroads.cli"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=2)
