"""``diff``: what changes between two versions of a table, and whether its version says so."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import click

from crossroads.engine import space, tables
from crossroads.engine.loader import MAX_BYTES, read_bytes

from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, die


def _from_git(path: str, rev: str, max_bytes: int) -> tables.Source | None:
    """The file as it was at ``rev`` (None when it did not exist there)."""
    folder, name = os.path.split(os.path.abspath(path))
    try:
        done = subprocess.run(["git", "show", f"{rev}:./{name}"], cwd=folder, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        die(f"cannot run git: {exc}", EXIT_USAGE)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        text = message[-1] if message else "git show failed"
        if "exists on disk, but not in" in text or "does not exist in" in text:
            return None
        die(f"{path}: git show {rev}: {text}", EXIT_USAGE)
    if len(done.stdout) > max_bytes:
        die(f"{path}@{rev}: file is larger than {max_bytes} bytes", EXIT_FAIL)
    return tables.Source(f"{path}@{rev}", done.stdout)


def _show(result: Any) -> str:
    if result is None:
        return "no match"
    if result == "error":
        return "hit policy violated"
    return "[" + ", ".join(result) + "]" if isinstance(result, list) else str(result)


def render_text(d: Any, old_name: str, new_name: str) -> str:
    lines = [f"{old_name} ({d.old_version}) → {new_name} ({d.new_version})"]
    if d.changes:
        lines.append(f"Results that change ({len(d.changes)}):")
        for c in d.changes:
            lines.append(f"  {space.describe_region(c.when)}: {_show(c.old)} → {_show(c.new)}")
            lines.append(f"    e.g. {space.describe_answers(c.example)}")
    else:
        lines.append("No answer changes its result.")
    if not d.complete:
        lines.append("The comparison ran out of time (raise --max-seconds): more results may change.")
    for title, group in (("Added", d.added), ("Removed", d.removed)):
        listed = [f"{kind} {', '.join(ids)}" for kind, ids in group.items() if ids]
        if listed:
            lines.append(f"{title}: " + "; ".join(listed))
    if d.text:
        lines.append("Text changed: " + ", ".join(d.text))
    mark = "ok" if d.ok else "too small"
    lines.append(f"Version: {d.old_version} → {d.new_version} is {_bump_words(d.bump)}; {d.required} required ({mark})")
    return "\n".join(lines) + "\n"


def _reason(d: Any) -> str:
    if d.changes or not d.complete:
        why = "results change for existing answers"
    elif any(d.removed.values()):
        why = "inputs, options, outcomes or numeric answers were removed"
    elif any(d.added.values()):
        why = "inputs, options, outcomes or numeric answers were added"
    else:
        why = "texts changed"
    return f"version {d.new_version} is {_bump_words(d.bump)} from {d.old_version}, but {why}: a {d.required} bump is required"


def _bump_words(bump: str) -> str:
    return {"none": "no bump", "downgrade": "a downgrade"}.get(bump, f"a {bump} bump")


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option("--base", "rev", metavar="GIT_REV", help="Compare OLD as it is now against its version at GIT_REV.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check-version", is_flag=True, help="Exit 1 when the version bump is smaller than the changes need.")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True, help="Time budget of the comparison.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True, help="Refuse table files larger than this.")
def diff_cmd(old: str, new: str | None, rev: str | None, fmt: str, check_version: bool, max_seconds: float, max_bytes: int) -> None:
    """Semantic diff: which answers change their result between two versions.

    \b
    crossroads diff OLD NEW
    crossroads diff TABLE --base GIT_REV     (TABLE as committed at GIT_REV → as it is now)

    Lists the regions of the answer space whose result changes (each with an
    example), added and removed inputs, options and outcomes, and text-only
    changes. --check-version applies semver: changed results or removals need
    a major bump, additions a minor one, texts a patch. Exit 0 when the
    comparison ran, 1 when --check-version fails or a table is invalid, 2 usage.
    """
    from crossroads.engine.diff import diff

    if (new is None) == (rev is None):
        die("give OLD and NEW, or one TABLE with --base GIT_REV", EXIT_USAGE)
    for path in (old, new):
        if path is not None and not os.path.isfile(path):
            die(f"{path}: no such file", EXIT_USAGE)
    if rev is not None:
        before = _from_git(old, rev, max_bytes)
        after = tables.Source(old, read_bytes(old, max_bytes))
        if before is None:
            click.echo(f"{old} is new since {rev}: nothing to compare")
            raise click.exceptions.Exit(EXIT_OK)
    else:
        before = tables.Source(old, read_bytes(old, max_bytes))
        after = tables.Source(new, read_bytes(new, max_bytes))  # type: ignore[arg-type]
    d = diff(tables.valid(before, max_bytes), tables.valid(after, max_bytes), max_seconds=max_seconds)
    if fmt == "json":
        click.echo(json.dumps(d.to_json(), ensure_ascii=False, indent=2, default=_json_default))
    else:
        click.echo(render_text(d, before.name, after.name), nl=False)
    if check_version and not d.ok:
        die(_reason(d), EXIT_FAIL)
    raise click.exceptions.Exit(EXIT_OK)


def _json_default(value: Any) -> Any:
    from crossroads.engine.answers import to_json

    return to_json(value)
