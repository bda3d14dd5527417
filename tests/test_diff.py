"""Semantic diff: changed regions are exactly where results differ; the version check per bump class."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from itertools import product
from pathlib import Path

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli
from crossroads.engine.table import pipeline as tables
from crossroads.engine.analysis.diff import bump, diff
from hypothesis import assume, given
from hypothesis import strategies as st
from oracle import NO_MATCH, VIOLATION, Oracle
from strategies import rules, table_data, to_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "diff"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def model(text: str):
    return tables.load(tables.Source("t.yaml", text.encode())).table


@pytest.mark.parametrize(
    "new, required, ok, exit_code, words",
    [
        ("v1-reordered.yaml", "none", True, 0, "No answer changes its result."),
        (
            "v1-text.yaml",
            "patch",
            True,
            0,
            'Text changed (1):\n  rules.low.because: "Low severity waits." → "Low severity can wait."',
        ),
        ("v1-option.yaml", "minor", True, 0, "Added: options severity:critical"),
        ("v2-threshold.yaml", "major", False, 1, "severity=high, customers in [5, 10): backlog → page"),
    ],
)
def test_bump_classes(new: str, required: str, ok: bool, exit_code: int, words: str) -> None:
    old = str(FIXTURES / "v1.yaml")
    r = run("diff", old, str(FIXTURES / new), "--check-version")
    assert r.exit_code == exit_code, r.output
    assert words in r.stdout
    if not ok:
        assert "a major bump is required" in r.stderr and r.stderr.count("\n") == 1
    data = json.loads(run("diff", old, str(FIXTURES / new), "--format", "json").stdout)
    assert data["version"] == {"old": "1.0.0", "new": data["version"]["new"], "required": required, "ok": ok}
    assert run("diff", old, str(FIXTURES / new)).exit_code == 0  # without --check-version the comparison just runs


def test_json_change_fields() -> None:
    r = run("diff", str(FIXTURES / "v1.yaml"), str(FIXTURES / "v2-threshold.yaml"), "--format", "json")
    data = json.loads(r.stdout)
    assert data["changes"] == [
        {
            "region": 'severity: high, customers: "[5, 10)"',
            "example": {"severity": "high", "customers": 5},
            "old": "backlog",
            "new": "page",
        }
    ]
    assert data["added"] == {"inputs": [], "options": [], "outcomes": [], "ranges": []}
    assert data["removed"] == {"inputs": [], "options": [], "outcomes": [], "ranges": []}


def test_removed_option_needs_a_major_bump() -> None:
    r = run("diff", str(FIXTURES / "v1-option.yaml"), str(FIXTURES / "v1.yaml"), "--format", "json")
    data = json.loads(r.stdout)
    assert data["removed"]["options"] == ["severity:critical"] and data["version"]["required"] == "major"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("1.2.3", "2.0.0", "major"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "1.2.4", "patch"),
        ("1.2.3", "1.2.3", "none"),
        ("1.2.3", "1.2.2", "downgrade"),
    ],
)
def test_bump(old: str, new: str, expected: str) -> None:
    assert bump(old, new) == expected


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("diff", str(FIXTURES / "v1.yaml")).exit_code == 2
    assert run("diff", str(FIXTURES / "v1.yaml"), str(FIXTURES / "v1.yaml"), "--base", "HEAD").exit_code == 2
    assert run("diff", str(tmp_path / "nope.yaml"), str(FIXTURES / "v1.yaml")).exit_code == 2


def test_base_reads_the_old_version_from_git(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    table = tmp_path / "rules.yaml"
    table.write_text((FIXTURES / "v1.yaml").read_text())
    git("add", "rules.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    table.write_text((FIXTURES / "v2-threshold.yaml").read_text())
    r = run("diff", str(table), "--base", "HEAD", "--check-version")
    assert r.exit_code == 1 and "backlog → page" in r.stdout
    assert run("diff", str(table), "--base", "no-such-rev").exit_code == 2
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text(table.read_text())
    r = run("diff", str(fresh), "--base", "HEAD", "--check-version")
    assert r.exit_code == 0 and "new since HEAD" in r.stdout


def _norm(result):
    if result == NO_MATCH:
        return None
    if result == VIOLATION:
        return "error"
    return list(result) if isinstance(result, tuple) else result


@given(data=st.data())
def test_changes_are_exactly_where_results_differ(data: st.DataObject) -> None:
    old = data.draw(table_data(max_inputs=3, max_rules=5))
    new = copy.deepcopy(old)
    outcomes = [o["id"] for o in old["outcomes"]]
    n = data.draw(st.integers(1, 5))
    new["rules"] = [data.draw(rules(f"n{k}", old["inputs"], outcomes)) for k in range(n)]
    if data.draw(st.booleans()):
        new["hit_policy"] = data.draw(st.sampled_from(["unique", "first", "priority", "any", "collect"]))
    a, b = Oracle(old), Oracle(new)
    reps = [
        sorted(set(a.representatives(i)) | set(b.representatives(j)), key=lambda v: (str(type(v)), v))
        for i, j in zip(a.inputs, b.inputs)
    ]
    size = 1
    for r in reps:
        size *= len(r)
    assume(size <= 3000)
    d = diff(model(to_yaml(old)), model(to_yaml(new)))
    assert d.complete
    for values in product(*reps):
        answers = a.answers(values)
        before = _norm(a.result(sum(1 << k for k in a.matches(answers))))
        after = _norm(b.result(sum(1 << k for k in b.matches(answers))))
        inside = [c for c in d.changes if a.in_region(answers, c.when)]
        if before == after:
            assert not inside, (answers, inside)
        else:
            assert len(inside) == 1, (answers, d.changes)
            assert (inside[0].old, inside[0].new) == (before, after)
    for c in d.changes:  # every example lies in its region and shows the change
        ex = c.example
        assert a.in_region(ex, c.when)
        assert _norm(a.result(sum(1 << k for k in a.matches(ex)))) == c.old
        assert _norm(b.result(sum(1 << k for k in b.matches(ex)))) == c.new


def test_narrowed_bounds_remove_answers_and_widened_ones_add_them() -> None:
    old, new = str(FIXTURES / "v1.yaml"), str(FIXTURES / "v2-bounds.yaml")
    data = json.loads(run("diff", old, new, "--format", "json").stdout)
    assert data["changes"] == []  # every answer both accept gets the same result
    assert data["removed"]["ranges"] == ["customers: minimum 0 → 1", "customers: maximum none → 1000000"]
    assert data["version"] == {"old": "1.0.0", "new": "2.0.0", "required": "major", "ok": True}
    back = json.loads(run("diff", new, old, "--format", "json").stdout)
    assert back["added"]["ranges"] == ["customers: minimum 1 → 0", "customers: maximum 1000000 → none"]
    assert back["version"]["required"] == "minor" and back["version"]["ok"] is False  # 2.0.0 → 1.0.0 is a downgrade


def test_versions_sharing_no_answer_compare_without_crashing(tmp_path: Path) -> None:
    text = (FIXTURES / "v1.yaml").read_text()
    far = tmp_path / "far.yaml"
    far.write_text(text.replace("version: 1.0.0", "version: 2.0.0").replace("    minimum: 0", "    minimum: 5000000"))
    near = tmp_path / "near.yaml"
    near.write_text(text.replace("    minimum: 0", "    minimum: 0\n    maximum: 10"))
    r = run("diff", str(near), str(far), "--check-version")
    assert r.exit_code == 0, r.output  # 1.0.0 → 2.0.0 is the major bump the removal needs
    assert "Removed: ranges customers: minimum 0 → 5000000" in r.stdout
    assert "Added: ranges customers: maximum 10 → none" in r.stdout
    assert "No answer changes its result." in r.stdout  # none is accepted by both


# --- issue 17: --base is a revision, never an option; bounded reads; --check-version validates first ---


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with rules.yaml (v1) committed twice, and a folder git could be tricked into writing to."""

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.name", "t")
    git("config", "user.email", "t@t")
    (tmp_path / "rules.yaml").write_text((FIXTURES / "v1.yaml").read_text())
    git("add", "rules.yaml")
    git("commit", "-qm", "v1")
    git("commit", "-q", "--allow-empty", "-m", "again")
    return tmp_path


@pytest.mark.parametrize("rev", ["--output=OUT/evil", "-p", "--output=OUT/evil:./rules.yaml", "-"])
def test_base_refuses_an_option_as_the_revision(repo: Path, rev: str) -> None:
    out = repo / "OUT"
    (out / "evil:.").mkdir(parents=True)  # where git show --output=OUT/evil:./rules.yaml would write
    rev = rev.replace("OUT", str(out))
    r = run("diff", str(repo / "rules.yaml"), "--base", rev)
    assert r.exit_code == 2, r.output
    assert "must not begin with '-'" in r.stderr
    assert [p.name for p in out.rglob("*")] == ["evil:."]


@pytest.mark.parametrize("rev", ["HEAD~1:rules.yaml", "HEAD:x", "HEAD^{tree}", "no-such-rev"])
def test_base_must_name_a_commit(repo: Path, rev: str) -> None:
    r = run("diff", str(repo / "rules.yaml"), "--base", rev, "--check-version")
    assert r.exit_code == 2 and f"--base {rev}: not a commit" in r.stderr, r.output


INVALID = "id: t\nformat: crossroads/1\nversion: 1.0.0\ninputs: nope\n"


@pytest.mark.parametrize("rev", ["HEAD", "HEAD~1", "HEAD~1:x"])
@pytest.mark.parametrize("name", ["rules.yaml", "fresh.yaml"])  # changed since the revision, or new since then
def test_check_version_never_passes_an_invalid_table(repo: Path, rev: str, name: str) -> None:
    (repo / name).write_text(INVALID)
    r = run("diff", str(repo / name), "--base", rev, "--check-version")
    assert r.exit_code == 1 and "inputs" in r.stderr, r.output  # the table's error, whatever the base


def test_base_checks_the_size_before_reading_the_blob(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is checked against ``git cat-file -s`` first; the blob itself is never read whole."""
    (repo / "rules.yaml").write_text((FIXTURES / "v1.yaml").read_text() + "# " + "x" * 5000 + "\n")
    subprocess.run(["git", "commit", "-qam", "big"], cwd=repo, check=True, capture_output=True)
    (repo / "rules.yaml").write_text((FIXTURES / "v1.yaml").read_text())
    log = tmp_path / "git.log"
    fake = tmp_path / "bin"
    fake.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True, check=True).stdout.strip()
    (fake / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (fake / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    r = run("diff", str(repo / "rules.yaml"), "--base", "HEAD", "--max-bytes", "3000")
    assert r.exit_code == 1 and "larger than 3000 bytes" in r.stderr, r.output
    calls = log.read_text().splitlines()
    assert any(c.startswith("cat-file -s ") for c in calls) and not any(
        c.startswith(("show", "cat-file blob")) for c in calls
    ), calls
    ok = run("diff", str(repo / "rules.yaml"), "--base", "HEAD~1", "--max-bytes", "3000")
    assert ok.exit_code == 0 and "No answer changes its result." in ok.stdout, ok.output


def test_base_reads_a_file_in_a_subfolder_and_from_a_tag(repo: Path) -> None:
    sub = repo / "a b"
    sub.mkdir()
    (sub / "r.yaml").write_text((FIXTURES / "v1.yaml").read_text())
    subprocess.run(["git", "add", "."], cwd=repo, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-qm", "sub"], cwd=repo, check=True, capture_output=True)
    subprocess.run(["git", "tag", "v1"], cwd=repo, check=True, capture_output=True)
    (sub / "r.yaml").write_text((FIXTURES / "v2-threshold.yaml").read_text())
    r = run("diff", str(sub / "r.yaml"), "--base", "v1", "--check-version")
    assert r.exit_code == 1 and "backlog → page" in r.stdout, r.output


def test_text_changes_carry_the_old_and_new_wording() -> None:
    result = run("diff", str(FIXTURES / "v1.yaml"), str(FIXTURES / "v1-text.yaml"), "--format", "json")
    data = json.loads(result.stdout)
    assert data["text"] == ["rules.low.because"]  # the paths, as before
    assert data["text_changes"] == [
        {"path": "rules.low.because", "old": "Low severity waits.", "new": "Low severity can wait."}
    ]
