"""A cache of compiled tables, so that a cold ``crossroads evaluate`` starts fast.

Keyed by a hash of the file's bytes, the crossroads version and the cache
format; stored as JSON (never pickle: a cache directory is writable by other
processes, and unpickling executes code); under ``$XDG_CACHE_HOME/crossroads``
(default ``~/.cache/crossroads``); written atomically. A corrupt or unreadable
entry is ignored and rewritten; any failure to write is silent (a cache is an
optimisation, never a reason to fail).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from .compiler import Column, CompiledTable, InputSpec, OptionSpec, OutcomeSpec, RuleSpec

CACHE_FORMAT = 2  # 2: translations


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crossroads"


def cache_key(data: bytes, version: str) -> str:
    h = hashlib.sha256()
    h.update(f"crossroads {version} cache {CACHE_FORMAT}\0".encode())
    h.update(data)
    return h.hexdigest()


def _num(n: Any) -> Any:
    return None if n is None else (n if isinstance(n, int) else {"d": str(n)})


def _unnum(v: Any) -> Any:
    if v is None or isinstance(v, int):
        return v
    return Decimal(v["d"])


def _mask(m: int) -> str:
    return format(m, "x")


def to_json(t: CompiledTable) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "id": t.id,
        "version": t.version,
        "title": t.title,
        "summary": t.summary,
        "hit_policy": t.hit_policy,
        "default": t.default,
        "inputs": [
            [i.id, i.type, i.prompt, i.help, [[o.id, o.label, o.help] for o in i.options], _num(i.minimum), _num(i.maximum)]
            for i in t.inputs
        ],
        "outcomes": [[o.id, o.title, o.summary, list(o.choose_when), list(o.tradeoffs)] for o in t.outcomes],
        "rules": [[r.id, r.then, r.because, [list(c) for c in r.conditions]] for r in t.rules],
        "columns": [
            {
                "input": c.input,
                "table": None if c.table is None else [[k, _mask(v)] for k, v in c.table.items()],
                "points": None if c.points is None else [_num(p) for p in c.points],
                "masks": None if c.masks is None else [_mask(m) for m in c.masks],
                "every": _mask(c.every),
                "some": _mask(c.some),
            }
            for c in t.columns
        ],
        "all_rows": _mask(t.all_rows),
        "outcome_rows": [_mask(m) for m in t.outcome_rows],
        "translations": t.translations,
    }


def from_json(d: dict[str, Any]) -> CompiledTable:
    if d.get("format") != CACHE_FORMAT:
        raise ValueError("cache format")
    columns = []
    for c in d["columns"]:
        masks = None if c["masks"] is None else _shared_masks(c["masks"])
        columns.append(
            Column(
                c["input"],
                None if c["table"] is None else {k: int(v, 16) for k, v in c["table"]},
                None if c["points"] is None else tuple(_unnum(p) for p in c["points"]),
                masks,
                int(c["every"], 16),
                int(c["some"], 16),
            )
        )
    return CompiledTable(
        d["id"],
        d["version"],
        d["title"],
        d["summary"],
        d["hit_policy"],
        d["default"],
        tuple(
            InputSpec(i[0], i[1], i[2], i[3], tuple(OptionSpec(*o) for o in i[4]), _unnum(i[5]), _unnum(i[6]))
            for i in d["inputs"]
        ),
        tuple(OutcomeSpec(o[0], o[1], o[2], tuple(o[3]), tuple(o[4])) for o in d["outcomes"]),
        tuple(RuleSpec(r[0], r[1], r[2], tuple(tuple(c) for c in r[3])) for r in d["rules"]),
        tuple(columns),
        int(d["all_rows"], 16),
        tuple(int(m, 16) for m in d["outcome_rows"]),
        d["translations"],
    )


def _shared_masks(hexes: list[str]) -> tuple[int, ...]:
    # Neighbouring segments often share a mask: parse each distinct one once.
    seen: dict[str, int] = {}
    out = []
    for h in hexes:
        m = seen.get(h)
        if m is None:
            m = seen[h] = int(h, 16)
        out.append(m)
    return tuple(out)


def read(key: str) -> CompiledTable | None:
    path = cache_dir() / f"{key}.json"
    try:
        with open(path, "r", encoding="utf-8") as fh:
            return from_json(json.load(fh))
    except FileNotFoundError:
        return None
    except Exception:  # corrupt, truncated, old format: ignore and let the caller rewrite it
        return None


def write(key: str, table: CompiledTable) -> None:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(to_json(table), fh, separators=(",", ":"))
            os.replace(tmp, directory / f"{key}.json")
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
