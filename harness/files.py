"""The harness's file-system conventions: where its cache lives, and writes that are atomic.

A reader of any file the harness writes (report, gold file, cache entry, converted weights)
sees the old content or the new one, never half of either: data goes to a synced temporary
file (or directory: `staged`) in the same directory, which is then renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from harness.errors import HarnessError


def cache_dir() -> Path:
    """HARNESS_CACHE_DIR, or ~/.cache/harness: converted weights and the prediction cache."""
    return Path(os.environ.get("HARNESS_CACHE_DIR") or Path.home() / ".cache" / "harness")


@contextlib.contextmanager
def staged(target: Path, directory: bool = False) -> Iterator[Path]:
    """A temporary path beside `target` for a writer that wants a path of its own (a model's
    save_pretrained, a package's assemble()); renamed over `target` when the block ends
    without an error, removed otherwise. A directory that another process published first is
    kept (both wrote the same content)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if directory:
        temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    else:  # a path the writer creates itself (some refuse an existing file)
        temp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        yield temp
        try:
            os.replace(temp, target)
        except OSError:
            if not (directory and target.is_dir()):
                raise
    finally:
        if directory:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
    _fsync_dir(target.parent)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write one file atomically; a HarnessError (exit 2) names the file when that fails."""
    replace_files({Path(path): data})


def replace_files(contents: dict[Path, str | bytes]) -> None:
    """Write several files: each to a synced temporary file first, then all renamed over their
    targets, so a failure before the renames leaves every target as it was."""
    staged: list[tuple[str, Path]] = []
    target = None  # the file being written: errors name it, not its temporary file
    try:
        for path, data in contents.items():
            target = Path(path)
            staged.append((_stage(target, data), target))
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as error:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        kept = "; the previous file is unchanged" if target.exists() else ""
        raise HarnessError(f"{target}: cannot write: {error.strerror or error}{kept}") from None
    except BaseException:
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    for directory in {path.parent for path in contents}:
        _fsync_dir(Path(directory))


def _stage(path: Path, data: str | bytes) -> str:
    """A synced temporary file beside `path` holding `data`, with the target's permissions
    (or the umask's, for a new file: mkstemp's 0600 would hide a report from its readers)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
            os.fchmod(file.fileno(), mode)
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
