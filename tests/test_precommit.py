"""``.pre-commit-hooks.yaml`` run by pre-commit's own ``try-repo`` on a temporary repository.

The hooks use ``language: system``: they run the ``crossroads`` on PATH (the
one under test), so this needs no network. Only tables under ``rules/`` are
checked by default: a CI workflow elsewhere must never be linted as a table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow

GIT = shutil.which("git")


def git(cwd: Path, *args: str) -> None:
    subprocess.run([GIT, *args], cwd=cwd, check=True, capture_output=True)  # type: ignore[list-item]


def commit_all(cwd: Path) -> None:
    git(cwd, "add", "-A")
    git(cwd, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--no-verify", "-m", "x")


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    if GIT is None:
        pytest.skip("git is not installed")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(REPO / ".pre-commit-hooks.yaml", hooks)
    git(hooks, "init", "-q")
    commit_all(hooks)
    user = tmp_path / "user"
    (user / "rules").mkdir(parents=True)
    (user / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(REPO / "rules" / "rag-or-fine-tune.yaml", user / "rules")
    (user / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (user / "config.yaml").write_text("not: a table\n", encoding="utf-8")
    git(user, "init", "-q")
    commit_all(user)
    return hooks, user


def try_repo(hooks: Path, user: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # this crossroads
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--all-files", "--color", "never"],
        cwd=user,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_hooks_pass_on_good_tables_and_skip_other_yaml(repos: tuple[Path, Path], tmp_path: Path) -> None:
    hooks, user = repos
    result = try_repo(hooks, user, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("crossroads lint", "crossroads fmt --check", "crossroads test"):
        assert any(line.startswith(name + ".") and line.endswith("Passed") for line in result.stdout.splitlines()), (
            result.stdout
        )


def test_hooks_fail_on_a_bad_table(repos: tuple[Path, Path], tmp_path: Path) -> None:
    hooks, user = repos
    shutil.copy(FIXTURES / "examples" / "failing.yaml", user / "rules")  # formatted, valid, failing examples
    (user / "rules" / "messy.yml").write_bytes((FIXTURES / "fmt" / "styles.yaml").read_bytes())  # valid, not formatted
    commit_all(user)
    result = try_repo(hooks, user, tmp_path)
    assert result.returncode == 1
    out = result.stdout
    status = {
        line.split(".")[0]: line.rsplit(".", 1)[-1] for line in out.splitlines() if line.startswith("crossroads ")
    }
    assert status == {"crossroads lint": "Passed", "crossroads fmt --check": "Failed", "crossroads test": "Failed"}, out
    assert "rules/messy.yml" in out
    assert "FAIL examples[1] 'wrong outcome'" in out
    assert ".github" not in out and "config.yaml" not in out
