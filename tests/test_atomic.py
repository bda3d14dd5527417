"""Atomic writes: the original survives any failure, no temporary file is left, the mode is kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from crossroads.cli.main import cli
from crossroads.engine import atomic
from crossroads.engine.atomic import write_atomic
from crossroads.engine.errors import WriteError


def test_replaces_content_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o600)
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "n.yaml", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "n.yaml").stat().st_mode & 0o777 == 0o640


def test_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_bytes(b"old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


@pytest.mark.parametrize("step", ["replace", "fsync", "write"])
def test_a_failure_leaves_the_original_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"original\n")

    def boom(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    if step == "replace":
        monkeypatch.setattr(atomic.os, "replace", boom)
    elif step == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", boom)
    else:
        monkeypatch.setattr(atomic, "_fill", boom)
    with pytest.raises(WriteError, match="No space left on device"):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_no_overwrite_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"mine")
    with pytest.raises(WriteError, match="already exists"):
        write_atomic(target, b"theirs", overwrite=False)
    assert target.read_bytes() == b"mine"
    assert os.listdir(tmp_path) == ["t.yaml"]


def test_fmt_keeps_the_original_when_the_replace_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "t.yaml"
    original = b"id: t\nformat: crossroads/1   # out of order\n"
    target.write_bytes(original)

    def boom(*_: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", boom)
    result = CliRunner().invoke(cli, ["fmt", str(target)])
    assert result.exit_code == 1
    assert f"crossroads: error: {target}: cannot write: Input/output error" in result.stderr
    assert target.read_bytes() == original
    assert os.listdir(tmp_path) == ["t.yaml"]
