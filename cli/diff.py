"""``diff``: what changes between two versions of a table, and whether its version says so."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import click

from crossroads.engine.table import values as vals
from crossroads.engine.table.wording import describe_answers, describe_region
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.loader import read_bytes

from .common import EXIT_FAIL, EXIT_OK, EXIT_USAGE, die, max_bytes_option, max_seconds_option
from .terminal import visible


def _from_git(path: str, rev: str, max_bytes: int) -> tables.Source | None:
    """The file as it was at commit ``rev`` (None when it did not exist there).

    ``rev`` reaches git only after ``--end-of-options`` and as ``REV^{commit}``
    (so it is never an option, and a tree or ``REV:path`` is refused); the
    blob's size is checked with ``git cat-file -s`` before it is read, and at
    most ``max_bytes`` + 1 bytes are ever read from git.
    """
    folder, name = os.path.split(os.path.abspath(path))
    commit = _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if commit is None:
        die(f"--base {rev}: not a commit (or {path} is not in a git repository)", EXIT_USAGE)
    blob = _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{commit}:./{name}")
    if blob is None:
        return None  # the file is new since that commit
    kind = _git(folder, "cat-file", "-t", blob)
    if kind != "blob":
        die(f"{path}@{rev}: is a {kind or 'missing object'}, not a file", EXIT_USAGE)
    size = _git(folder, "cat-file", "-s", blob)
    if size is None or not size.isdigit():
        die(f"{path}@{rev}: git cat-file -s failed", EXIT_USAGE)
    if int(size) > max_bytes:
        die(f"{path}@{rev}: file is larger than {max_bytes} bytes", EXIT_FAIL)
    data = _read_blob(folder, blob, max_bytes, f"{path}@{rev}")
    return tables.Source(f"{path}@{rev}", data)


def _git(folder: str, *args: str) -> str | None:
    """``git ARGS`` in ``folder``: its first output line, or None when git says no."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, timeout=60, stdin=subprocess.DEVNULL, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        die(f"cannot run git: {exc}", EXIT_USAGE)
    if done.returncode != 0:
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return lines[0].strip() if lines else ""


def _read_blob(folder: str, blob: str, max_bytes: int, shown: str) -> bytes:
    """The blob's bytes, reading at most ``max_bytes`` + 1 of them (its size could lie, or change)."""
    try:
        proc = subprocess.Popen(
            ["git", "cat-file", "blob", blob],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError as exc:
        die(f"cannot run git: {exc}", EXIT_USAGE)
    assert proc.stdout is not None
    chunks, size = [], 0
    try:
        while size <= max_bytes:
            chunk = proc.stdout.read(min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        proc.stdout.close()
        if size > max_bytes:
            proc.kill()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if size > max_bytes:
        die(f"{shown}: file is larger than {max_bytes} bytes", EXIT_FAIL)
    if proc.returncode != 0:
        die(f"{shown}: git cat-file failed", EXIT_USAGE)
    return b"".join(chunks)


def _show(result: Any) -> str:
    from crossroads.engine.analysis.diff import ValueResult  # loaded by then (``diff_cmd``): startup stays light

    if result is None:
        return "no match"
    if isinstance(result, ValueResult):
        shown = [_item(outcome, values) for outcome, values in result.items]
        return "[" + ", ".join(shown) + "]" if result.kind == "list" else shown[0]
    if result == "error":
        return "hit policy violated"
    return "[" + ", ".join(result) + "]" if isinstance(result, list) else str(result)


def _item(outcome: str | None, values: Any) -> str:
    """One result with values: ``{fee: 4.9, carrier: standard}``, after its outcome id when it names one."""
    return vals.label(values) if outcome is None else f"{outcome} {vals.label(values)}"


def _change(old: Any, new: Any) -> str:
    """``old → new``; two single results of the same outputs and outcome show only the changed
    values (``fee: 4.9 → 5.9``), the way a reviewer reads a changed value."""
    from crossroads.engine.analysis.diff import ValueResult

    if (
        isinstance(old, ValueResult)
        and isinstance(new, ValueResult)
        and old.kind == new.kind != "list"
        and old.outcome == new.outcome
        and [k for k, _ in old.items[0][1]] == [k for k, _ in new.items[0][1]]
    ):
        pairs = zip(old.items[0][1], new.items[0][1])
        return ", ".join(f"{k}: {vals.text(a)} → {vals.text(b)}" for (k, a), (_, b) in pairs if a != b)
    return f"{_show(old)} → {_show(new)}"


def render_text(d: Any, old_name: str, new_name: str) -> str:
    lines = [f"{old_name} ({d.old_version}) → {new_name} ({d.new_version})"]
    if d.changes:
        lines.append(f"Results that change ({len(d.changes)}):")
        for c in d.changes:
            lines.append(f"  {describe_region(c.when)}: {_change(c.old, c.new)}")
            lines.append(f"    e.g. {describe_answers(c.example)}")
    else:
        lines.append("No answer changes its result.")
    if not d.complete:
        lines.append("The comparison ran out of time (raise --max-seconds): more results may change.")
    for title, group in (("Added", d.added), ("Removed", d.removed)):
        listed = [f"{kind} {', '.join(ids)}" for kind, ids in group.items() if ids]
        if listed:
            lines.append(f"{title}: " + "; ".join(listed))
    if d.text_changes:
        lines.append(f"Text changed ({len(d.text_changes)}):")
        for t in d.text_changes:
            lines.append(f"  {t.path}: {_quoted(t.old)} → {_quoted(t.new)}")
    mark = "ok" if d.ok else "too small"
    lines.append(f"Version: {d.old_version} → {d.new_version} is {_bump_words(d.bump)}; {d.required} required ({mark})")
    return "\n".join(lines) + "\n"


def _quoted(text: Any) -> str:
    """A text as a reviewer compares it: quoted (a changed space shows), lists item by item."""
    if text is None:
        return "(none)"
    if isinstance(text, list):
        return "[" + ", ".join(_quoted(t) for t in text) + "]"
    return json.dumps(text, ensure_ascii=False)


def _reason(d: Any) -> str:
    if d.changes or not d.complete:
        why = "results change for existing answers"
    elif any(d.removed.values()):
        why = "inputs, options, outcomes, outputs or numeric answers were removed"
    elif any(d.added.values()):
        why = "inputs, options, outcomes, outputs or numeric answers were added"
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
@max_seconds_option(60.0, "Time budget of the comparison.")
@max_bytes_option
def diff_cmd(
    old: str, new: str | None, rev: str | None, fmt: str, check_version: bool, max_seconds: float, max_bytes: int
) -> None:
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
    from crossroads.engine.analysis.diff import diff

    if (new is None) == (rev is None):
        die("give OLD and NEW, or one TABLE with --base GIT_REV", EXIT_USAGE)
    for path in (old, new):
        if path is not None and not os.path.isfile(path):
            die(f"{path}: no such file", EXIT_USAGE)
    if rev is not None:
        if rev.startswith("-"):
            die(f"--base {rev}: a revision must not begin with '-'", EXIT_USAGE)
        after = tables.Source(old, read_bytes(old, max_bytes))
        current = tables.valid(after, max_bytes)  # an invalid table fails (exit 1), whatever the base
        before = _from_git(old, rev, max_bytes)
        if before is None:
            click.echo(f"{old} is new since {rev}: nothing to compare")
            raise click.exceptions.Exit(EXIT_OK)
        previous = tables.valid(before, max_bytes)
    else:
        before = tables.Source(old, read_bytes(old, max_bytes))
        after = tables.Source(new, read_bytes(new, max_bytes))  # type: ignore[arg-type]
        previous, current = tables.valid(before, max_bytes), tables.valid(after, max_bytes)
    d = diff(previous, current, max_seconds=max_seconds)
    if fmt == "json":
        click.echo(json.dumps(d.to_json(), ensure_ascii=False, indent=2, default=_json_default))
    else:
        click.echo(visible(render_text(d, before.name, after.name)), nl=False)
    if check_version and not d.ok:
        die(_reason(d), EXIT_FAIL)
    raise click.exceptions.Exit(EXIT_OK)


def _json_default(value: Any) -> Any:
    from crossroads.engine.table.answers import to_json

    return to_json(value)
