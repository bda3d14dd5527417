"""A bridge to a FEEL implementation nobody here wrote: feelin and dmn-moddle (bpmn-io), in Node.js.

``tests/feel/`` pins both packages (``package.json`` with exact versions and
its ``package-lock.json``; ``npm ci --prefix tests/feel`` installs them, as
``.ci/run`` does). ``start()`` starts ``node tests/feel/unary.mjs`` once — a
test module holds it in a module-scoped fixture — and each call sends a whole
batch of JSON lines and reads one answer line per request, in order.

Without node or ``tests/feel/node_modules`` the tests that need it skip,
saying why, except under ``CI=true``, where that is a failure: CI must run them.

Numbers: feelin holds FEEL numbers as JavaScript doubles, not decimals. A
number is sent as its exact decimal text and read the way feelin reads a
number literal, so an answer equal to a literal is equal there too, and the
order of two numbers survives the rounding unless both round to one double;
``distinct_as_doubles`` tells the caller when that holds, so that a
comparison is only made where feelin can tell the numbers apart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

FEEL_DIR = Path(__file__).parent / "feel"
SCRIPT = FEEL_DIR / "unary.mjs"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
"""The one DMN namespace dmn-moddle reads (DMN 1.3)."""


def unavailable() -> str | None:
    """Why the oracle cannot run here (None: it can)."""
    if shutil.which("node") is None:
        return "node (Node.js) is not on PATH"
    if not (FEEL_DIR / "node_modules" / "feelin").is_dir() or not (FEEL_DIR / "node_modules" / "dmn-moddle").is_dir():
        return f"feelin/dmn-moddle are not installed: run npm ci --prefix {FEEL_DIR}"
    return None


def skip_or_fail() -> None:
    """Skip the calling test when the oracle is unavailable; under CI=true, fail instead."""
    reason = unavailable()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; CI must run the FEEL oracle tests", pytrace=False)
    pytest.skip(reason)


def encode(value: Any) -> tuple[Any, str]:
    """An answer as the script takes it: (value, type); numbers as exact decimal text, dates as ISO text."""
    if isinstance(value, bool):
        return value, "boolean"
    if isinstance(value, (int, Decimal)):
        return number_text(value), "number"
    if isinstance(value, date):
        return value.isoformat(), "date"
    return value, "string"


def number_text(n: int | Decimal) -> str:
    """Plain digits, never an exponent (FEEL literals have none)."""
    if isinstance(n, int):
        return str(n)
    text = format(n, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def distinct_as_doubles(numbers: Iterable[int | Decimal]) -> bool:
    """Whether distinct exact numbers stay distinct as the doubles feelin holds."""
    exact = {Decimal(n) for n in numbers}
    return len({float(n) for n in exact}) == len(exact)


class Feelin:
    """One node process answering batches of requests (see ``tests/feel/unary.mjs``)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(SCRIPT)],
            cwd=FEEL_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lock = threading.Lock()

    def _batch(self, requests: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        stdin = self.proc.stdin

        def write() -> None:  # a thread, so that a large batch never blocks on a full pipe
            for r in requests:
                stdin.write(json.dumps(r, ensure_ascii=True) + "\n")
            stdin.flush()

        with self.lock:
            writer = threading.Thread(target=write)
            writer.start()
            out = []
            for _ in requests:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("the feelin script stopped")
                out.append(json.loads(line))
            writer.join()
        return out

    def unary(self, pairs: Sequence[tuple[str, Any]]) -> list[dict[str, Any]]:
        """feelin's verdict on each (unary tests text, answer): ``{"ok": True|False|None, "error": ...}``."""
        requests = []
        for test, value in pairs:
            v, t = encode(value)
            requests.append({"test": test, "value": v, "type": t})
        return self._batch(requests)

    def moddle(self, xml: str) -> dict[str, Any]:
        """dmn-moddle's reading of a DMN 1.5 model (its namespace swapped to 1.3, the one dmn-moddle knows)."""
        from crossroads.engine.interop.dmn_export import NAMESPACE

        return self._batch([{"dmn": xml.replace(NAMESPACE, DMN13)}])[0]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def start() -> Feelin:
    """A running oracle, or skip (fail under CI=true) when it is unavailable."""
    skip_or_fail()
    return Feelin()


def rows_by_feelin(f: "Feelin", table: Any, entries: Sequence[Sequence[str]], data: Any) -> tuple[list[Any], list[Any]]:
    """feelin's verdict and the compiled column's for every rule's input entry (``entries[rule][input]``,
    FEEL unary tests) on every representative answer of that input (``tests/oracle.py``): the
    expected rows ``(input, value, rule, entry, matches)`` and feelin's answers, in the same order."""
    from crossroads.engine.table.compiler import NumberColumn
    from oracle import Oracle

    oracle = Oracle(data)
    columns = {c.input: c for c in table.columns}
    pairs, expected = [], []
    for n, spec in enumerate(table.inputs):
        column = columns[spec.id]
        reps = oracle.representatives(oracle.inputs[n])
        if isinstance(column, NumberColumn) and spec.type != "date":
            # feelin holds numbers as doubles: compare only where it can tell them apart
            assert distinct_as_doubles([*column.points, *reps]), (spec.id, reps)
        for value in reps:
            mask = column.lookup(value)
            for r in range(len(table.rules)):
                pairs.append((entries[r][n], value))
                expected.append((spec.id, value, table.rules[r].id, entries[r][n], bool(mask >> r & 1)))
    return expected, f.unary(pairs)
