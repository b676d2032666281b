"""Writing gold files safely: one lock per gold directory, atomic replacement of files."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from harness.errors import HarnessError

LOCK_TIMEOUT_S = 60.0


@contextlib.contextmanager
def gold_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock on the gold directory (flock on the directory itself, so no
    lock file is left behind; filelock on a dotfile where fcntl does not exist)."""
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None
    if fcntl is None:
        from filelock import FileLock
        with FileLock(str(root / ".harness-gold.lock"), timeout=timeout):
            yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        _flock(fcntl, fd, root, timeout)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _flock(fcntl, fd: int, root: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise HarnessError(f"gold directory {root} is locked by another command; "
                                   f"waited {timeout:.0f} s", exit_code=2) from None
            time.sleep(0.02)


def replace_files(contents: dict[Path, bytes]) -> None:
    """Write every file to a synced temporary file first, then rename each over its target."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in contents.items():
            staged.append((_stage(path, data), path))
    except BaseException:
        for temp, _ in staged:
            os.unlink(temp)
        raise
    for temp, path in staged:
        os.replace(temp, path)
    for directory in {path.parent for path in contents}:
        _fsync_dir(directory)


def _stage(path: Path, data: bytes) -> str:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode if path.exists() else 0o644
        os.chmod(temp, mode & 0o7777)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

