"""Write a user's file atomically: readers see the old bytes or the new, never half.

Every command that writes a file the user owns (``fmt``, ``test --generate``,
``init``, ``page``) goes through ``write_atomic``: the bytes go to a temporary
file in the same folder (so that the final rename stays on one filesystem),
are flushed and fsynced, take the mode of the file they replace, and only then
``os.replace`` puts them in place. If anything fails on the way, the temporary
file is removed and the original is untouched. The folder is fsynced after the
rename where the platform allows, so the new name survives a power cut too.

A symlink is written through (its target is replaced), as editors do.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import WriteError

_NEW_FILE_MODE = 0o666  # narrowed by the umask, as open() would


def write_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> None:
    """Replace (or create) ``path`` with ``data``; raise ``WriteError`` and leave it as it was on failure.

    ``overwrite=False`` refuses an existing file, atomically: the finished
    temporary file is hard-linked to the name, which fails if the name exists
    (falling back to a check and a rename where hard links are unsupported).
    """
    shown = os.fspath(path)
    target = Path(os.path.realpath(path))
    if not overwrite and os.path.lexists(path):
        raise WriteError(f"{shown}: already exists; not overwriting it")
    mode = _existing_mode(target) if overwrite else None
    tmp = _temp_file(target, shown)
    try:
        try:
            _fill(tmp, data, mode)
            if overwrite:
                os.replace(tmp, target)
            else:
                _link_new(tmp, target, shown)
        except OSError as exc:
            raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    finally:
        _discard(tmp)
    _sync_folder(target.parent)


def replace_atomic(path: str | os.PathLike[str], fill: Callable[[str], None]) -> None:
    """``write_atomic`` for writers that need a path (DuckDB's ``COPY ... TO``, a stream).

    ``fill(tmp)`` writes the temporary file beside ``path`` (overwriting the
    empty one there); it is then fsynced, given the replaced file's mode and
    renamed into place. Whatever ``fill`` raises propagates, and ``path`` is
    left as it was.
    """
    shown = os.fspath(path)
    target = Path(os.path.realpath(path))
    mode = _existing_mode(target)
    tmp = _temp_file(target, shown)
    try:
        fill(str(tmp))
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as exc:
            raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    finally:
        _discard(tmp)
    _sync_folder(target.parent)


def _existing_mode(target: Path) -> int | None:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(f"{target.name}: cannot write: {exc.strerror or exc}") from None


def _temp_file(target: Path, shown: str) -> Path:
    """A new, empty file beside ``target``, created exclusively (never someone else's)."""
    folder = target.parent
    for attempt in range(100):
        tmp = folder / f".{target.name}.{os.getpid()}.{attempt}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _NEW_FILE_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteError(f"{shown}: cannot write: {exc.strerror or exc}") from None
        os.close(fd)
        return tmp
    raise WriteError(f"{shown}: cannot create a temporary file beside it")


def _fill(tmp: Path, data: bytes, mode: int | None) -> None:
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(tmp, mode)


def _link_new(tmp: Path, target: Path, shown: str) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise WriteError(f"{shown}: already exists; not overwriting it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(target):  # no hard links here: check, then rename (a small race)
            raise WriteError(f"{shown}: already exists; not overwriting it") from None
        os.replace(tmp, target)


def _discard(tmp: Path) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    except OSError:
        pass  # best effort: the original is intact either way


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows: folders cannot be opened
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
