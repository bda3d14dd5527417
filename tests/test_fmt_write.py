"""``fmt`` writing files (issue 17): read-only files, owners, hard links, leftovers of a killed run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from crossroads.cli.main import cli

FMT = FIXTURES / "fmt"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def fmt(*args: str):  # click's Result
    return CliRunner().invoke(cli, ["fmt", *args])


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """A table that ``fmt`` changes."""
    target = tmp_path / "t.yaml"
    target.write_bytes((FMT / "comments.yaml").read_bytes())
    return target


FORMATTED = (FMT / "comments.expected.yaml").read_bytes()


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_a_read_only_file_is_refused_unless_forced(table: Path, mode: int) -> None:
    """As editors warn: no write bit is refused, also for root (whom os.access lets write anything)."""
    before = table.read_bytes()
    os.chmod(table, mode)
    result = fmt(str(table))
    assert result.exit_code == 1
    assert (
        f"crossroads: error: {table}: read-only (mode {mode:04o}): not rewriting it (--force to rewrite it anyway)"
        in result.stderr
    )
    assert table.read_bytes() == before and table.stat().st_mode & 0o777 == mode
    assert fmt("--check", str(table)).exit_code == 1  # checking writes nothing, so it is not refused
    if ROOT or os.access(table, os.W_OK) or os.access(table.parent, os.W_OK):
        forced = fmt("--force", str(table))
        assert forced.exit_code == 0, forced.output
        assert table.read_bytes() == FORMATTED and table.stat().st_mode & 0o777 == mode


def test_a_file_the_user_may_not_write_is_refused(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's file in a folder one may write: os.access says no."""
    before = table.read_bytes()
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **kw: False if m == os.W_OK and Path(p) == table else real(p, m, **kw)
    )
    result = fmt(str(table))
    assert result.exit_code == 1 and "read-only (mode 0644)" in result.stderr.replace("0664", "0644")
    assert table.read_bytes() == before


@pytest.mark.skipif(not ROOT, reason="changing a file's owner needs root")
def test_owner_and_group_are_kept(table: Path) -> None:
    os.chown(table, 4321, 5432)
    os.chmod(table, 0o664)
    assert fmt(str(table)).exit_code == 0
    st = table.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4321, 5432, 0o664)
    assert table.read_bytes() == FORMATTED


def test_hard_links_are_not_split_silently(table: Path) -> None:
    """Refused by default (the atomic rename would leave the other name with the old text); --force splits them."""
    other = table.parent / "other.yaml"
    os.link(table, other)
    before = table.read_bytes()
    result = fmt(str(table))
    assert result.exit_code == 1
    assert f"{table}: has 2 hard links, which rewriting would split" in result.stderr and "--force" in result.stderr
    assert table.read_bytes() == other.read_bytes() == before and table.stat().st_nlink == 2
    assert fmt("--force", str(table)).exit_code == 0
    assert table.read_bytes() == FORMATTED and other.read_bytes() == before and table.stat().st_nlink == 1


def test_leftovers_of_a_killed_run_are_named_by_the_pattern_and_cleaned_by_the_next(table: Path) -> None:
    """A SIGKILL mid-write leaves ``.NAME.crossroads-PID-N.tmp``; the next fmt of that file removes it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    leftover = table.parent / f".t.yaml.crossroads-{child.pid}-0.tmp"
    leftover.write_bytes(b"half a tab")
    result = fmt(str(table))
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(table.parent)) == ["t.yaml"] and table.read_bytes() == FORMATTED
