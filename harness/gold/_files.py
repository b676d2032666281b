"""Reading the files under gold/ once, safely: only regular files whose real path lies inside
the gold directory are read, each at most HARNESS_GOLD_MAX_FILE_BYTES; opening never blocks (a
FIFO cannot hang a command). Anything else is recorded as unread and becomes a Problem. Also the
gold hash over what was read."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from harness.errors import HarnessError, printable, shown

from ._commit import gold_lock, settle
from ._model import GoldTree
from ._rules import BOM, GoldInvalid, Problem, display_path, for_display, has_bom, is_unhashed

MAX_FILE_BYTES_ENV = "HARNESS_GOLD_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
_HASH_TAG = b"harness-gold-v1\n"
_O_NONBLOCK, _O_NOFOLLOW, _O_CLOEXEC = (getattr(os, name, 0) for name in ("O_NONBLOCK", "O_NOFOLLOW", "O_CLOEXEC"))
_KINDS = {stat.S_ISFIFO: "a named pipe", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device",
          stat.S_ISSOCK: "a socket", stat.S_ISDIR: "a directory"}


class Unreadable(Exception):
    """A file the harness refuses to read (not a regular file, or over the cap); the message says why."""


# -- files ---------------------------------------------------------------------------------------

def max_file_bytes() -> int:
    """The cap on one gold or import file: HARNESS_GOLD_MAX_FILE_BYTES, default 64 MiB."""
    raw = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_BYTES
    if not re.fullmatch("[0-9]+", raw) or int(raw) < 1:
        raise HarnessError(f"{MAX_FILE_BYTES_ENV} must be a positive whole number of bytes, got '{shown(raw)}'")
    return int(raw)


def read_regular_file(path: str, cap: int) -> bytes:
    """The bytes of a regular file of at most `cap` bytes, read without ever blocking: a FIFO,
    device or socket is refused, and so is a symbolic link as the last component (callers pass
    a resolved path). The type is checked again on the open descriptor, so a swap after the
    first check cannot make the read hang. Raises Unreadable, or OSError for the file system's
    own errors."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):  # checked before opening: opening a device can have effects
        raise Unreadable(_not_regular(mode))
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOFOLLOW | _O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket swapped in after the check
            raise Unreadable("not a regular file (it cannot be opened for reading)") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(_not_regular(mode))
        return read_at_most(fd, cap)
    finally:
        os.close(fd)


def read_at_most(fd: int, cap: int) -> bytes:
    """Everything an open descriptor yields, or Unreadable once it yields more than `cap` bytes."""
    chunks, size = [], 0
    while True:
        chunk = os.read(fd, min(1 << 20, cap + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            raise Unreadable(f"larger than the cap of {cap} bytes (set {MAX_FILE_BYTES_ENV} to raise it)")


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS.items() if test(mode)), "not a file")
    return f"not a regular file ({kind}); gold files must be regular files"


# -- the tree ------------------------------------------------------------------------------------

def gold_root(gold_dir: str | os.PathLike) -> Path:
    """The gold directory as a Path; a clear error if it is not a directory."""
    root = Path(gold_dir)
    try:
        found = root.is_dir()
    except OSError:  # e.g. a name too long for the file system
        found = False
    if not found:
        raise HarnessError(f"gold directory not found: {root} (pass --gold DIR)", exit_code=2)
    return root


def is_ignored(name: str) -> bool:
    """Dotfiles (locks, temp files, editor swap files) and editor backups are not gold data."""
    return name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))


def read_tree(root: Path) -> GoldTree:
    """Read every non-ignored file under `root` (see the module docstring for what is refused),
    after settling what a killed command left (see _commit). When the gold root changed while
    it was read (a commit of another command), it is read again under the lock."""
    settle(root)
    before = _stamp(root)
    tree = _read_tree(root)
    if _stamp(root) == before:
        return tree
    with gold_lock(root):
        return _read_tree(root)


def _read_tree(root: Path) -> GoldTree:
    reader = _TreeReader(root, os.path.realpath(root), max_file_bytes())
    reader.visit("", reader.real_root, (reader.real_root,))
    return GoldTree(root, reader.files, frozenset(reader.dirs), reader.unread)


def _stamp(root: Path) -> int | None:
    """The modification time of the gold root: every commit with a staging directory changes it."""
    try:
        return os.stat(root).st_mtime_ns
    except OSError:
        return None


class _TreeReader:
    """One walk over a gold directory; follows links that stay inside it, refuses the rest."""

    def __init__(self, root: Path, real_root: str, cap: int):
        self.root, self.real_root, self.cap = root, real_root, cap
        self.files: dict[str, bytes] = {}
        self.unread: dict[str, str] = {}
        self.dirs: set[str] = set()

    def visit(self, rel_dir: str, real_dir: str, ancestors: tuple[str, ...]) -> None:
        for name in sorted(n for n in self._listdir(rel_dir, real_dir) if not is_ignored(n)):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            real = os.path.realpath(os.path.join(real_dir, name))
            if os.path.commonpath([real, self.real_root]) != self.real_root:
                self.unread[rel] = (f"resolves to {printable(real)}, outside the gold directory; "
                                    "only links that stay inside it are followed")
            elif not os.path.isdir(real):
                self._read(rel, real)
            elif real in ancestors:
                self.unread[rel] = "a link to a directory that contains it (a loop)"
            else:
                if not rel_dir:
                    self.dirs.add(name)
                self.visit(rel, real, (*ancestors, real))

    def _listdir(self, rel_dir: str, real_dir: str) -> list[str]:
        try:
            return os.listdir(real_dir)
        except OSError as error:
            raise self._error(rel_dir, error) from None

    def _read(self, rel: str, real: str) -> None:
        try:
            self.files[rel] = read_regular_file(real, self.cap)
        except Unreadable as reason:
            self.unread[rel] = str(reason)
        except OSError as error:
            raise self._error(rel, error) from None

    def _error(self, rel: str, error: OSError) -> HarnessError:
        return HarnessError(f"cannot read gold file {self.root / rel}: {error.strerror}", exit_code=2)


def tree_hash(tree: GoldTree) -> str:
    """sha256 over sorted (path, bytes) pairs, each length-prefixed so no two trees collide; an
    article's judgments.jsonl is left out (no score depends on it)."""
    digest = hashlib.sha256(_HASH_TAG)
    for rel in sorted(r for r in tree.files if not is_unhashed(r)):
        for chunk in (os.fsencode(rel), tree.files[rel]):
            digest.update(len(chunk).to_bytes(8, "big"))
            digest.update(chunk)
    return digest.hexdigest()


def gold_hash(gold_dir: str | os.PathLike) -> str:
    """The gold hash of the gold set in `gold_dir` (see tree_hash); GoldInvalid if some file
    could not be read, since the hash would not cover it."""
    root = gold_root(gold_dir)
    tree = read_tree(root)
    if tree.unread:
        problems = for_display([Problem(rel, None, why) for rel, why in tree.unread.items()], root)
        raise GoldInvalid(f"cannot hash the gold set: {problems[0]}", problems)
    return tree_hash(tree)


def read_input(path: Path, what: str, lead: str) -> tuple[str, str]:
    """(text, display path) of an input file (a regular file or a pipe, at most the gold file
    cap): HarnessError (exit 2) when it cannot be read, GoldInvalid starting with `lead` when it
    is not UTF-8 text without a byte order mark."""
    where = display_path(path)
    try:
        with open(path, "rb") as file:
            data = read_at_most(file.fileno(), max_file_bytes())
    except (OSError, Unreadable) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise HarnessError(f"cannot read {what} {where}: {reason}", exit_code=2) from None
    if has_bom(data):
        problem = Problem(where, 1, BOM)
        raise GoldInvalid(f"{lead}: {problem}", [problem])
    try:
        return data.decode("utf-8"), where
    except UnicodeDecodeError as error:
        problem = Problem(where, None, f"not UTF-8 (byte offset {error.start}); save the file as UTF-8")
        raise GoldInvalid(f"{lead}: {problem}", [problem]) from None
