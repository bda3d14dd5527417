"""Write a user's file atomically: readers see the old bytes or the new, never half.

Every command that writes a file the user owns (``fmt``, ``test --generate``,
``init``, ``page``, ``batch --output``) goes through this module.

A regular file (or a new name) is written through one descriptor: a temporary
file beside it (so that the final rename stays on one filesystem), created
exclusively, without following links and private (0600) when it replaces a
file — a new file gets its final, umask-narrowed mode from the start — is
written, given the replaced file's owner, group (where permitted) and mode
with ``fchown``/``fchmod``, and fsynced, all through that descriptor; it is
never reopened by name. ``os.replace`` then puts it in place, relative to a
descriptor of the folder, and the name is checked to hold the inode that was
written: if another process swapped the temporary file in between, the write
fails with ``WriteError`` instead of passing silently. If anything fails on
the way the temporary file is removed and the original is untouched. The
folder is fsynced after the rename, so the new name survives a power cut too.

The temporary file is named ``.NAME.crossroads-PID-N.tmp``; a run that is
killed (SIGKILL, power cut) can leave one behind. The next write of the same
file removes such leftovers whose process is gone (regular files owned by the
current user, matching that pattern exactly; nothing else is touched).

A symlink is written through (its target is replaced), as editors do. A
target that is not a regular file — a FIFO, a character or block device such
as ``/dev/stdout`` or ``/dev/null``, also reached through a symlink — is
written into directly (opened without creating or truncating it), never
replaced: there is nothing to make atomic, and renaming over it would destroy
it. Opening a FIFO waits for its reader, as a shell redirection does.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from crossroads.engine.errors import WriteError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer  # stubs-only alias (collections.abc.Buffer is 3.12+)

_NEW_FILE_MODE = 0o666  # narrowed by the umask, as open() would: a new file's final mode
_PRIVATE_MODE = 0o600  # a temporary file that will take the replaced file's mode
_TEMP_PATTERN = ".{name}.crossroads-{pid}-{n}.tmp"
_LEFTOVER = re.compile(r"([0-9]+)-[0-9]+", re.ASCII)


def _flag(name: str) -> int:
    """An ``os.O_*`` flag, or 0 where the platform lacks it."""
    return int(getattr(os, name, 0))


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _flag("O_NOFOLLOW") | _flag("O_CLOEXEC")
_DIR_FD = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd and os.stat in os.supports_dir_fd


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> None:
    """Replace (or create) ``path`` with ``data``; raise ``WriteError`` and leave it as it was on failure.

    ``overwrite=False`` refuses an existing file, atomically: the finished
    temporary file is hard-linked to the name, which fails if the name exists
    (falling back to a check and a rename where hard links are unsupported).
    """
    with open_atomic(path, overwrite=overwrite) as out:
        out.write(data)


@contextmanager
def open_atomic(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become ``path`` when the block ends without an exception.

    The streaming form of ``write_atomic`` (same guarantees): when the block
    raises, nothing is put in place. Writing errors raise ``WriteError``.
    """
    shown = os.fspath(path)
    if not overwrite and os.path.lexists(shown):
        raise WriteError(f"{shown}: already exists; not overwriting it")
    device = _open_non_regular(shown) if overwrite else None
    if device is not None:
        try:
            out = io.BufferedWriter(_Sink(device, shown))
            yield out
            out.flush()
        finally:
            os.close(device)
        return
    target = Path(os.path.realpath(shown))
    folder = _Folder(target.parent, shown)
    try:
        existing = _existing(folder, target.name, shown)
        _remove_leftovers(folder, target.name)
        fd, tmp = _create_temp(folder, target.name, shown, _PRIVATE_MODE if existing else _NEW_FILE_MODE)
        placed = False
        try:
            out = io.BufferedWriter(_Sink(fd, shown))
            yield out
            out.flush()
            with _errors(shown):
                if existing is not None:
                    _take_over(fd, existing)
                os.fsync(fd)
                if overwrite:
                    folder.replace(tmp, target.name)
                    placed = True
                else:
                    placed = _link_new(folder, tmp, target.name, shown)
            _verify(target, fd, shown)
        finally:
            if not placed or not overwrite:
                folder.discard(tmp, fd)
            os.close(fd)
        folder.sync()
    finally:
        folder.close()


def replace_atomic(path: str | os.PathLike[str], fill: Callable[[str], None]) -> None:
    """``write_atomic`` for writers that need a path (DuckDB's ``COPY ... TO``).

    ``fill(file)`` creates ``file`` (a name in a new private (0700) folder
    beside ``path``, named like the temporary files above; on Linux reached
    through the folder's descriptor, so it cannot be swapped). The file is
    then opened without following links, checked to be a regular file, given
    the replaced file's owner, group and mode and fsynced through that
    descriptor, renamed into place and checked as in ``write_atomic``.
    Whatever ``fill`` raises propagates, and ``path`` is left as it was. A
    non-regular target (a FIFO, a device) is filled in a private folder under
    the system's temporary folder and then copied into it.
    """
    shown = os.fspath(path)
    device = _open_non_regular(shown, probe=True)
    if device is not None:
        _copy_into_non_regular(shown, fill)
        return
    target = Path(os.path.realpath(shown))
    folder = _Folder(target.parent, shown)
    try:
        existing = _existing(folder, target.name, shown)
        _remove_leftovers(folder, target.name)
        private, name = _create_private_folder(folder, target.name, shown)
        try:
            fill(os.path.join(_path_of(private.fd, private.path), "out"))
            with _errors(shown):
                fd = private.open("out", os.O_RDONLY | _flag("O_NOFOLLOW") | _flag("O_CLOEXEC"))
            try:
                with _errors(shown):
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        raise WriteError(f"{shown}: cannot write: the temporary file is not a regular file")
                    if existing is not None:
                        _take_over(fd, existing)
                    os.fsync(fd)
                    private.replace("out", target.name, to=folder)
                _verify(target, fd, shown)
            finally:
                os.close(fd)
        finally:
            private.close()
            folder.remove_tree(name)
        folder.sync()
    finally:
        folder.close()


def rewrite_refusal(path: str | os.PathLike[str]) -> str | None:
    """Why rewriting the existing ``path`` would surprise its owner, or None.

    For commands that rewrite a file in place (``fmt``), as editors warn:
    a file the user may not write (``os.access``; for root, which passes
    it, a mode without any write bit) and a file with other hard links, which
    the atomic rename would split (the other names would keep the old text).
    """
    try:
        st = os.stat(path)
    except OSError:
        return None  # the write itself reports it
    if not stat.S_ISREG(st.st_mode):
        return None
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:
        return f"read-only (mode {stat.S_IMODE(st.st_mode):04o})"
    if st.st_nlink > 1:
        return f"has {st.st_nlink} hard links, which rewriting would split (the other names would keep the old text)"
    return None


class _Folder:
    """A folder held by a descriptor (where the platform allows), so its entries are reached through it."""

    def __init__(self, path: Path, shown: str, fd: int | None = None):
        self.path = path
        self.fd = fd
        if fd is None and _DIR_FD:
            with _errors(shown):
                self.fd = os.open(path, os.O_RDONLY | _flag("O_DIRECTORY") | _flag("O_CLOEXEC"))

    def _at(self, name: str) -> str:
        return name if self.fd is not None else os.path.join(self.path, name)

    def open(self, name: str, flags: int, mode: int = 0o777) -> int:
        return os.open(self._at(name), flags, mode, dir_fd=self.fd)

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(self._at(name), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def replace(self, name: str, new: str, to: _Folder | None = None) -> None:
        to = to or self
        os.replace(self._at(name), to._at(new), src_dir_fd=self.fd, dst_dir_fd=to.fd)

    def link(self, name: str, new: str) -> None:
        os.link(self._at(name), self._at(new), src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)

    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd is not None else self.path)

    def unlink(self, name: str) -> None:
        os.unlink(self._at(name), dir_fd=self.fd)

    def discard(self, name: str, fd: int) -> None:
        """Remove ``name`` if it still is the file open as ``fd`` (best effort: never someone else's)."""
        try:
            st, mine = self.lstat(name), os.fstat(fd)
            if st is not None and (st.st_ino, st.st_dev) == (mine.st_ino, mine.st_dev):
                self.unlink(name)
        except OSError:
            pass  # the original is intact either way

    def remove_tree(self, name: str) -> None:
        try:
            shutil.rmtree(self._at(name), dir_fd=self.fd)
        except OSError:
            pass

    def sync(self) -> None:
        fd = self.fd
        try:
            if fd is None:
                fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                if self.fd is None:
                    os.close(fd)
        except OSError:
            pass  # e.g. Windows: folders cannot be opened or synced

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Sink(io.RawIOBase):
    """Writes to a descriptor; an ``OSError`` becomes ``WriteError`` naming the file."""

    def __init__(self, fd: int, shown: str):
        super().__init__()
        self._fd, self._shown = fd, shown

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        with _errors(self._shown):
            return os.write(self._fd, data)


@contextmanager
def _errors(shown: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None


def _open_non_regular(shown: str, *, probe: bool = False) -> int | None:
    """A write descriptor of ``shown`` when it is (through any symlinks) a FIFO or device; else None.

    Opened without ``O_CREAT`` or ``O_TRUNC``, and checked again on the
    descriptor: a name that became a regular file meanwhile is written
    atomically after all. ``probe`` only answers whether it is one (returns
    -1 then, opening nothing: a FIFO's open would wait for a reader).
    """
    try:
        st = os.stat(shown)
    except OSError:
        return None  # missing, or an error the regular path reports
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return None
    if stat.S_ISSOCK(st.st_mode):
        raise WriteError(f"{shown}: is a socket; cannot write a file there")
    if probe:
        return -1
    with _errors(shown):
        fd = os.open(shown, os.O_WRONLY | _flag("O_NOCTTY") | _flag("O_CLOEXEC"))
    if stat.S_ISREG(os.fstat(fd).st_mode) or stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def _copy_into_non_regular(shown: str, fill: Callable[[str], None]) -> None:
    private = tempfile.mkdtemp(prefix="crossroads-")
    try:
        filled = os.path.join(private, "out")
        fill(filled)
        with _errors(shown):
            src = os.open(filled, os.O_RDONLY | _flag("O_NOFOLLOW") | _flag("O_CLOEXEC"))
        with os.fdopen(src, "rb") as data, open_atomic(shown) as out:
            shutil.copyfileobj(data, out)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _existing(folder: _Folder, name: str, shown: str) -> os.stat_result | None:
    """The file being replaced (None for a new name); refuse a folder or something swapped in."""
    with _errors(shown):
        st = folder.lstat(name)
    if st is None or stat.S_ISREG(st.st_mode):
        return st
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(f"{shown}: is a folder")
    raise WriteError(
        f"{shown}: cannot write: it changed while being written"
    )  # a link or device appeared after resolving


def _temp_names(name: str) -> Iterator[str]:
    pid = os.getpid()
    return (_TEMP_PATTERN.format(name=name, pid=pid, n=n) for n in range(100))


def _create_temp(folder: _Folder, name: str, shown: str, mode: int) -> tuple[int, str]:
    """A new, empty file beside ``name``, created exclusively (never someone else's, never through a link)."""
    for tmp in _temp_names(name):
        try:
            return folder.open(tmp, _CREATE, mode), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    raise WriteError(f"{shown}: cannot create a temporary file beside it")


def _create_private_folder(folder: _Folder, name: str, shown: str) -> tuple[_Folder, str]:
    """A new folder (0700) beside ``name``, created here and held by a descriptor."""
    for tmp in _temp_names(name):
        try:
            if folder.fd is not None:
                os.mkdir(tmp, 0o700, dir_fd=folder.fd)
            else:
                os.mkdir(folder.path / tmp, 0o700)
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None
        try:
            fd = (
                folder.open(tmp, os.O_RDONLY | _flag("O_DIRECTORY") | _flag("O_NOFOLLOW") | _flag("O_CLOEXEC"))
                if _DIR_FD
                else None
            )
        except OSError:
            folder.remove_tree(tmp)
            raise WriteError(f"{shown}: cannot write: the temporary folder changed while being created") from None
        return _Folder(folder.path / tmp, shown, fd), tmp
    raise WriteError(f"{shown}: cannot create a temporary folder beside it")


def _path_of(fd: int | None, path: Path) -> str:
    """A name for the folder open as ``fd`` that no rename can redirect (Linux's /proc), else its path."""
    if fd is not None and os.path.isdir(f"/proc/self/fd/{fd}"):
        return f"/proc/self/fd/{fd}"
    return str(path)


def _take_over(fd: int, existing: os.stat_result) -> None:
    """Give the new file the replaced one's owner and group where permitted (root, or a group one is in), then its mode."""
    mine = os.fstat(fd)
    if hasattr(os, "fchown") and (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
        try:
            os.fchown(fd, existing.st_uid, existing.st_gid)
        except PermissionError:
            try:
                os.fchown(fd, -1, existing.st_gid)
            except PermissionError:
                pass  # another user's group: the file becomes ours, as any editor's save would
    os.fchmod(fd, stat.S_IMODE(existing.st_mode))  # after fchown, which clears set-id bits


def _link_new(folder: _Folder, tmp: str, name: str, shown: str) -> bool:
    """Link ``tmp`` to ``name`` unless ``name`` exists; True when ``tmp`` was renamed (nothing to discard)."""
    try:
        folder.link(tmp, name)
        return False
    except FileExistsError:
        raise WriteError(f"{shown}: already exists; not overwriting it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if folder.lstat(name) is not None:  # no hard links here: check, then rename (a small race)
            raise WriteError(f"{shown}: already exists; not overwriting it") from None
        folder.replace(tmp, name)
        return True


def _verify(target: Path, fd: int, shown: str) -> None:
    """Fail unless ``target`` now is the file written through ``fd`` (not something swapped in for it)."""
    try:
        st = os.lstat(target)
    except OSError:
        st = None
    mine = os.fstat(fd)
    if st is None or (st.st_ino, st.st_dev) != (mine.st_ino, mine.st_dev):
        raise WriteError(
            f"{shown}: the file was replaced during the write (another process changed its folder); check what it holds now"
        )


def _remove_leftovers(folder: _Folder, name: str) -> None:
    """Remove ``.NAME.crossroads-PID-N.tmp`` files (and folders) of ``name`` left by processes that are gone."""
    prefix, suffix = f".{name}.crossroads-", ".tmp"
    try:
        names = folder.names()
    except OSError:
        return
    for entry in names:
        if not (entry.startswith(prefix) and entry.endswith(suffix)):
            continue
        found = _LEFTOVER.fullmatch(entry[len(prefix) : -len(suffix)])
        if found is None or int(found.group(1)) == os.getpid() or _alive(int(found.group(1))):
            continue
        try:
            st = folder.lstat(entry)
            if st is None or st.st_uid != os.geteuid():
                continue
            if stat.S_ISREG(st.st_mode):
                folder.unlink(entry)
            elif stat.S_ISDIR(st.st_mode):
                folder.remove_tree(entry)
        except OSError:
            pass  # best effort: a leftover is harmless


def _alive(pid: int) -> bool:
    """Whether process ``pid`` may exist (True when unsure: a leftover is kept rather than a live file removed)."""
    if os.name == "nt":  # os.kill would terminate it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True
