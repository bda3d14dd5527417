"""Atomic writes: the original survives any failure, no temporary file is left, the mode is kept."""

from __future__ import annotations

import os
import re
import select
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

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
def test_a_failure_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"original\n")

    def boom(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    if step == "replace":
        monkeypatch.setattr(atomic.os, "replace", boom)
    elif step == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", boom)
    else:
        monkeypatch.setattr(atomic.os, "write", boom)
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

    def boom(*_: object, **__: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", boom)
    result = CliRunner().invoke(cli, ["fmt", str(target)])
    assert result.exit_code == 1
    assert f"crossroads: error: {target}: cannot write: Input/output error" in result.stderr
    assert target.read_bytes() == original
    assert os.listdir(tmp_path) == ["t.yaml"]


# --- issue 17: private temporary files, one descriptor, leftovers, owners, non-regular targets ---

TEMP = re.compile(r"\.t\.yaml\.crossroads-(\d+)-(\d+)\.tmp")


def _temporaries(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if TEMP.fullmatch(n)]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o400])
def test_the_temporary_file_never_shows_the_new_bytes_to_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    """It is private (0600) while the data is written, and named by the documented pattern."""
    target = tmp_path / "t.yaml"
    target.write_bytes(b"secret\n")
    os.chmod(target, mode)
    seen: list[tuple[str, int]] = []
    real_write, real_fsync = os.write, os.fsync

    def spy(fd: int, *data: Any) -> Any:  # both see the temporary file, holding the new bytes or about to
        seen.extend((n, (tmp_path / n).stat().st_mode & 0o777) for n in _temporaries(tmp_path))
        return real_write(fd, *data) if data else real_fsync(fd)

    monkeypatch.setattr(atomic.os, "write", spy)
    monkeypatch.setattr(atomic.os, "fsync", spy)
    write_atomic(target, b"new secret\n")
    assert seen and all(m & 0o077 == 0 for _, m in seen[:1]), seen  # private while the bytes go in
    assert int(TEMP.fullmatch(seen[0][0]).group(1)) == os.getpid()  # type: ignore[union-attr]
    assert target.stat().st_mode & 0o777 == mode and target.read_bytes() == b"new secret\n"


def test_a_temporary_file_swapped_for_a_symlink_is_detected_and_harms_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user replacing the temporary file by a symlink (a world-writable, non-sticky folder)."""
    victim = tmp_path / "victim"
    victim.write_bytes(b"root only\n")
    os.chmod(victim, 0o600)
    target = tmp_path / "t.yaml"
    target.write_bytes(b"old\n")
    real_open = os.open

    def racing_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        if flags & os.O_EXCL and TEMP.fullmatch(os.path.basename(path)):
            os.unlink(path, dir_fd=dir_fd)  # the attacker's move, right after the exclusive create
            os.symlink(victim, path, dir_fd=dir_fd)
        return fd

    monkeypatch.setattr(atomic.os, "open", racing_open)
    with pytest.raises(WriteError, match="replaced during the write"):
        write_atomic(target, b"formatted\n")
    assert victim.read_bytes() == b"root only\n" and victim.stat().st_mode & 0o777 == 0o600


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_run_are_removed_by_the_next_write_of_that_file(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"old\n")
    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".t.yaml.crossroads-{dead}-0.tmp"
    stale.write_bytes(b"half")
    kept = [
        f".t.yaml.crossroads-{alive}-0.tmp",  # its writer may still be running
        f".other.yaml.crossroads-{dead}-0.tmp",  # another file's
        f".t.yaml.crossroads-{dead}-0.tmp.bak",  # not the pattern exactly
        f".t.yaml.{dead}.0.tmp",
    ]
    for name in kept:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / f".t.yaml.crossroads-{dead}-1.tmp").symlink_to(tmp_path / "t.yaml")  # not a regular file
    write_atomic(target, b"new\n")
    assert not stale.exists() and target.read_bytes() == b"new\n"
    assert sorted(os.listdir(tmp_path)) == sorted([*kept, "t.yaml", f".t.yaml.crossroads-{dead}-1.tmp"])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "t.yaml"
    target.write_bytes(b"old\n")
    os.chown(target, 4321, 5432)
    os.chmod(target, 0o640)
    write_atomic(target, b"new\n")
    st = target.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4321, 5432, 0o640)


class _Drain:
    """Reads a FIFO in a thread until told to stop, so that a writer never blocks (and a test never hangs)."""

    def __init__(self, fifo: Path):
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader exists from now on: writers can open it
        self.data = bytearray()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            finishing = self.done.is_set()
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            chunk = os.read(self.fd, 65536) if ready else b""
            self.data += chunk
            if finishing and not chunk:
                return

    def stop(self) -> bytes:
        self.done.set()
        self.thread.join(10)
        os.close(self.fd)
        return bytes(self.data)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_is_written_into_not_replaced(fifo: Path, through_link: bool) -> None:
    name = fifo
    if through_link:
        name = fifo.parent / "out.html"
        name.symlink_to(fifo)
    reader = _Drain(fifo)
    write_atomic(name, b"through the pipe\n")
    assert reader.stop() == b"through the pipe\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(os.listdir(fifo.parent)) == sorted(["pipe"] + (["out.html"] if through_link else []))


def test_a_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """A character device (a copy of /dev/null's node, so writing to it is harmless) stays one; /dev/null too."""
    fake = tmp_path / "null"
    try:
        os.mknod(fake, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.close(os.open(fake, os.O_WRONLY))
    except (OSError, AttributeError):
        pytest.skip("cannot make or open a device node here (not root, or a nodev mount)")
    link = tmp_path / "out.csv"
    link.symlink_to(fake)
    for name in (fake, link):
        write_atomic(name, b"gone\n")
    assert stat.S_ISCHR(os.lstat(fake).st_mode) and link.is_symlink()
    write_atomic(os.devnull, b"gone\n")  # opening it for writing only
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_page_and_batch_output_into_a_fifo(fifo: Path) -> None:
    """``page -o FIFO`` (as ``-o /dev/stdout`` into a pipe) and ``batch --output FIFO`` stream into it."""
    reader = _Drain(fifo)
    result = CliRunner().invoke(cli, ["page", "-o", str(fifo)])
    assert result.exit_code == 0, result.output
    assert reader.stop().startswith(b"<!DOCTYPE html>")
    reader = _Drain(fifo)
    result = CliRunner().invoke(cli, ["batch", "--output", str(fifo)], input='{"change": "knowledge"}\nnot json\n')
    assert result.exit_code == 1, result.output
    lines = reader.stop().decode().splitlines()
    assert len(lines) == 2 and '"error"' in lines[1]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(fifo.parent) == ["pipe"]


def test_batch_output_keeps_the_mode_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    os.chmod(out, 0o600)
    result = CliRunner().invoke(cli, ["batch", "--output", str(out)], input='{"change": "knowledge"}\n')
    assert result.exit_code in (0, 1), result.output
    assert out.read_text().count("\n") == 1 and out.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_replace_atomic_fills_a_private_folder_keeps_the_mode_and_cleans_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)
    dead = _dead_pid()
    stale = tmp_path / f".t.csv.crossroads-{dead}-0.tmp"  # a killed run's private folder
    stale.mkdir()
    (stale / "out").write_bytes(b"half")
    seen: list[int] = []

    def fill(name: str) -> None:
        folder = Path(name).parent
        seen.append(os.stat(folder).st_mode & 0o777)
        Path(name).write_bytes(b"new\n")

    atomic.replace_atomic(target, fill)
    assert seen == [0o700] and target.read_bytes() == b"new\n" and target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["t.csv"]


def test_replace_atomic_refuses_a_symlink_left_as_the_filled_file(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep\n")
    target = tmp_path / "t.csv"
    target.write_bytes(b"old\n")
    with pytest.raises(WriteError, match="t.csv: cannot write"):
        atomic.replace_atomic(target, lambda name: os.symlink(victim, name))
    assert target.read_bytes() == b"old\n" and victim.read_bytes() == b"keep\n"
    assert sorted(os.listdir(tmp_path)) == ["t.csv", "victim"]


def test_replace_atomic_copies_into_a_fifo(fifo: Path) -> None:
    reader = _Drain(fifo)
    atomic.replace_atomic(fifo, lambda name: Path(name).write_bytes(b"rows\n"))
    assert reader.stop() == b"rows\n" and stat.S_ISFIFO(os.lstat(fifo).st_mode)
