"""Changing a gold directory in one step: the lock, and commits through a staging directory.

A commit writes every new article directory and every changed file into a hidden staging
directory of the gold root (`.harness-new-*`), then writes the marker file `COMMITTED` into
it: that is the commit point. Then it moves each entry into place and removes the staging
directory; SIGINT and SIGTERM are held back while it moves (one is acted on right after).
A command that finds a staging directory (one a killed command left) settles it under the
lock before it reads the set: one with the marker is finished, one without it is removed.
So every command sees the set as it was or with the whole change.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from harness.errors import HarnessError
from harness.files import replace_files

LOCK_TIMEOUT_S = 60.0
STAGING_PREFIX = ".harness-new-"
MARKER = "COMMITTED"
_NEW, _CHANGED = "new", "changed"  # staging/new/<article-id>/..., staging/changed/<gold-relative path>


# -- the lock ------------------------------------------------------------------------------------

@contextlib.contextmanager
def gold_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock on the gold directory (flock on the directory itself, so no
    lock file is left behind; filelock on a dotfile where fcntl does not exist). A staging
    directory a killed command left is settled first."""
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None
    if fcntl is None:
        from filelock import FileLock
        with FileLock(str(root / ".harness-gold.lock"), timeout=timeout):
            settle_locked(root)
            yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        _flock(fcntl, fd, root, timeout)
        settle_locked(root)
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


# -- settling what a killed command left ---------------------------------------------------------

def staging_dirs(root: Path) -> list[Path]:
    """The staging directories in the gold root."""
    try:
        return sorted(root / name for name in os.listdir(root) if name.startswith(STAGING_PREFIX))
    except OSError:
        return []


def settle(root: Path) -> None:
    """Finish or remove the staging directories a killed command left (taking the lock when
    there is one)."""
    if staging_dirs(root):
        with gold_lock(root):
            pass


def settle_locked(root: Path) -> None:
    """settle, for a caller that holds the lock."""
    for staging in staging_dirs(root):
        try:
            if (staging / MARKER).is_file():
                _apply(root, staging)
            shutil.rmtree(staging)
        except OSError as error:
            raise HarnessError(f"{staging}: cannot settle what an interrupted command left in the gold "
                               f"directory: {error.strerror or error}; remove it by hand if it has no "
                               f"file {MARKER}", exit_code=2) from None


# -- a commit ------------------------------------------------------------------------------------

def commit(root: Path, contents: dict[str, bytes], new_ids: set[str]) -> None:
    """Write `contents` (gold-relative path -> bytes): the files of the articles `new_ids` as
    new directories, the others over the files they replace; all or nothing (module docstring).
    The caller holds the lock."""
    changed = {rel: data for rel, data in contents.items() if rel.split("/")[0] not in new_ids}
    if not new_ids and len(changed) <= 1:
        replace_files({root / rel: data for rel, data in changed.items()})  # one file: one rename
        return
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        _write_staged(staging, contents, new_ids, root)
    except BaseException as error:
        raise _rolled_back(root, staging, error) from None
    with _signals_held():
        try:
            _write_staged(staging, {MARKER: b""}, set())
        except BaseException as error:
            raise _rolled_back(root, staging, error) from None
        try:
            _apply(root, staging)
            shutil.rmtree(staging)
        except OSError as error:
            raise HarnessError(f"{root}: the change is committed but could not be moved into place: "
                               f"{error.strerror or error}; the next gold command finishes it") from None


def _write_staged(staging: Path, contents: dict[str, bytes], new_ids: set[str], root: Path | None = None) -> None:
    """Write and sync each file under the staging directory (new/ or changed/, or the marker
    at the top; a changed file keeps the permissions of the file in `root` it replaces), then
    sync the directories that hold them."""
    directories = {staging}
    for rel, data in contents.items():
        part = _NEW if rel.split("/")[0] in new_ids else _CHANGED if rel != MARKER else ""
        path = staging / part / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        directories.add(path.parent)
        with open(path, "wb") as file:
            file.write(data)
            file.flush()
            if part == _CHANGED and root is not None and (root / rel).exists():
                os.fchmod(file.fileno(), (root / rel).stat().st_mode & 0o7777)
            os.fsync(file.fileno())
    for directory in sorted(directories, key=lambda d: -len(d.parts)):
        _fsync_dir(directory)


def _rolled_back(root: Path, staging: Path, error: BaseException) -> BaseException:
    """Remove an uncommitted staging directory; the error to raise."""
    shutil.rmtree(staging, ignore_errors=True)
    if isinstance(error, OSError):
        return HarnessError(f"{root}: cannot write the new gold files: {error.strerror or error}; "
                            "the gold set is unchanged", exit_code=2)
    return error


def _apply(root: Path, staging: Path) -> None:
    """Move every entry of a committed staging directory into place (what was moved before is
    no longer there, so a second call finishes the first)."""
    new = staging / _NEW
    if new.is_dir():
        for name in sorted(os.listdir(new)):
            if not (root / name).exists():
                os.rename(new / name, root / name)
    changed = staging / _CHANGED
    if changed.is_dir():
        for directory, _, files in os.walk(changed):
            for name in files:
                source = Path(directory) / name
                os.replace(source, root / source.relative_to(changed))
    _fsync_dir(root)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread while the block runs; a signal that came is
    delivered when it ends."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # no pthread_sigmask (Windows)
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
