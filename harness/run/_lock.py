"""One run at a time in an output directory: a run holds an exclusive lock on a file there from
before it reads or clears the run log until its report is written, so a second run (a fresh
one or a --resume) is refused at once instead of mixing its files with the first one's.

The lock is flock(2) on `.harness-run.lock`, which holds the owner's pid for the message; the
kernel drops it when the owner exits, however it dies, so a killed run never leaves a stale
lock. Where fcntl does not exist (Windows) filelock takes its place, without the pid.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from harness.errors import HarnessError

LOCK_NAME = ".harness-run.lock"


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output directory `out` (which exists) for one run; HarnessError (exit 2) when
    another run holds it."""
    path = out / LOCK_NAME
    try:
        import fcntl
    except ImportError:
        yield from _filelock(path, out)
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise HarnessError(f"{path}: cannot create the run lock: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(out, _pid(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _pid(fd: int) -> str:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return f"pid {text}" if text.isdigit() else "pid unknown"


def _busy(out: Path, owner: str) -> HarnessError:
    return HarnessError(f"{out}: another harness run ({owner}) is using this output directory; wait for it to "
                        "finish, or choose another --output")


def _filelock(path: Path, out: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(path), timeout=0):
            yield
    except Timeout:
        raise _busy(out, "pid unknown") from None
