"""A snapshot of the files under gold/, read once; validation and hashing work on it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError

_HASH_TAG = b"harness-gold-v1\n"


@dataclass(frozen=True)
class GoldTree:
    """Every gold file's bytes by POSIX path relative to `root`, plus the top-level directories."""

    root: Path
    files: dict[str, bytes] = field(default_factory=dict)
    dirs: frozenset[str] = frozenset()

    def with_file(self, rel: str, data: bytes) -> "GoldTree":
        """The same tree with one file's content replaced (or added)."""
        top = rel.split("/", 1)[0]
        return GoldTree(self.root, {**self.files, rel: data}, self.dirs | {top})


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
    """Read every non-ignored file under `root`."""
    files: dict[str, bytes] = {}
    try:
        for current, dirnames, filenames in os.walk(root, onerror=_raise):
            dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
            base = Path(current).relative_to(root)
            for name in sorted(n for n in filenames if not is_ignored(n)):
                files[(base / name).as_posix()] = (Path(current) / name).read_bytes()
        dirs = frozenset(p.name for p in root.iterdir() if p.is_dir() and not is_ignored(p.name))
    except OSError as error:
        raise HarnessError(f"cannot read gold file {error.filename}: {error.strerror}", exit_code=2)
    return GoldTree(root, files, dirs)


def tree_hash(tree: GoldTree) -> str:
    """sha256 over sorted (path, bytes) pairs, each length-prefixed so no two trees collide."""
    digest = hashlib.sha256(_HASH_TAG)
    for rel in sorted(tree.files):
        for chunk in (os.fsencode(rel), tree.files[rel]):
            digest.update(len(chunk).to_bytes(8, "big"))
            digest.update(chunk)
    return digest.hexdigest()


def gold_hash(gold_dir: str | os.PathLike) -> str:
    """The gold hash of the gold set in `gold_dir` (see tree_hash)."""
    return tree_hash(read_tree(gold_root(gold_dir)))


def _raise(error: OSError) -> None:
    raise error
