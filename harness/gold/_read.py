"""Reading a gold set: the files under gold/ (read once, safely), parsed and checked, loaded.

Only regular files whose real path lies inside the gold directory are read, each at most
HARNESS_GOLD_MAX_FILE_BYTES; opening never blocks (a FIFO cannot hang a command). Anything else
is recorded as unread and becomes a Problem.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from pathlib import Path

from harness.errors import HarnessError, printable, shown

from ._model import Article, ArticleSource, Gold, GoldTree, QAItem, Record, SummaryRef, paragraphs_of
from ._rules import (
    BOM, TOO_DEEP, GoldInvalid, Problem, article_format, check_across, check_meta, check_qa,
    check_summary, directory_name_problem, display_path, for_display, has_bom, stray_files,
)

MAX_FILE_BYTES_ENV = "HARNESS_GOLD_MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
_HASH_TAG = b"harness-gold-v1\n"
_JSONL = {"qa.jsonl": check_qa, "summaries.jsonl": check_summary}
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
    """Read every non-ignored file under `root` (see the module docstring for what is refused)."""
    reader = _TreeReader(root, os.path.realpath(root), max_file_bytes())
    reader.visit("", reader.real_root, (reader.real_root,))
    return GoldTree(root, reader.files, frozenset(reader.dirs), reader.unread)


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
    """sha256 over sorted (path, bytes) pairs, each length-prefixed so no two trees collide."""
    digest = hashlib.sha256(_HASH_TAG)
    for rel in sorted(tree.files):
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


# -- parsing and checking ------------------------------------------------------------------------

def check_tree(tree: GoldTree) -> tuple[list[ArticleSource], list[Problem]]:
    """Parse a gold tree and apply every rule; problem paths are relative to the gold root."""
    problems = [Problem(rel, None, why) for rel, why in tree.unread.items()]
    if not tree.dirs:
        problems.append(Problem("", None, "no articles: expected directories gold/<article-id>/"))
    articles = []
    for name in sorted(tree.dirs):
        message = directory_name_problem(name)
        if message:
            problems.append(Problem(name, None, message))
        else:
            articles.append(_parse_article(tree, name, problems))
    problems += stray_files(list(tree.files))
    return articles, problems + check_across(articles)


def _parse_article(tree: GoldTree, name: str, problems: list[Problem]) -> ArticleSource:
    text = _read_text(tree, f"{name}/article.txt", problems)
    if text is not None:
        problems += article_format(f"{name}/article.txt", text)
    meta_text = _read_text(tree, f"{name}/meta.json", problems)
    meta = None if meta_text is None else _parse_meta(f"{name}/meta.json", meta_text, name, problems)
    records = {}
    for filename, check in _JSONL.items():
        rel = f"{name}/{filename}"
        records[filename] = _parse_jsonl(rel, _read_text(tree, rel, problems, required=False) or "",
                                         name, check, problems)
    return ArticleSource(name, text, meta, records["qa.jsonl"], records["summaries.jsonl"])


def _read_text(tree: GoldTree, rel: str, problems: list[Problem], required: bool = True) -> str | None:
    """The text of one gold file, or None (with a problem unless the file was already refused)."""
    data = tree.files.get(rel)
    if data is None:
        if required and rel not in tree.unread:
            problems.append(Problem(rel, None, f"missing {rel.rsplit('/', 1)[-1]}"))
        return None
    if has_bom(data):
        problems.append(Problem(rel, 1, BOM))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start: error.start + 1].hex()
        problems.append(Problem(rel, line, f"not UTF-8 (byte 0x{bad} at offset {error.start}); "
                                "save the file as UTF-8"))
        return None


class NotJSON(Exception):
    """Text that json cannot read; `message` says why, `line` where (when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def parse_json(text: str) -> object:
    """json.loads, with every way of failing (syntax, nesting too deep, a number too long to
    convert) as NotJSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise NotJSON(f"not JSON: {error.msg} (column {error.colno})", error.lineno) from None
    except RecursionError:
        raise NotJSON(f"not JSON that can be read: {TOO_DEEP}") from None
    except ValueError:  # Python's cap on the digits of an int
        raise NotJSON("not JSON that can be read: a number with too many digits") from None


def _parse_jsonl(rel: str, text: str, article_id: str, check, problems: list[Problem]) -> tuple[Record, ...]:
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if line or number < text.count("\n") + 1:
                problems.append(Problem(rel, number, "blank line (JSONL needs one object a line)"))
            continue
        try:
            data = parse_json(line)
        except NotJSON as error:
            problems.append(Problem(rel, number, error.message))
            continue
        messages = check(data, article_id)
        problems += [Problem(rel, number, message) for message in messages]
        if not messages:
            records.append(Record(rel, number, data))
    return tuple(records)


def _parse_meta(rel: str, text: str, article_id: str, problems: list[Problem]) -> dict | None:
    try:
        data = parse_json(text)
    except NotJSON as error:
        problems.append(Problem(rel, error.line, error.message))
        return None
    messages = check_meta(data, article_id)
    problems += [Problem(rel, None, message) for message in messages]
    return None if messages else data


# -- the public entry points ---------------------------------------------------------------------

def validate_gold(gold_dir: str | os.PathLike) -> list[Problem]:
    """Every problem of the gold set in `gold_dir`, sorted by path and line ([] when valid)."""
    root = gold_root(gold_dir)
    return for_display(check_tree(read_tree(root))[1], root)


def load_gold(gold_dir: str | os.PathLike) -> Gold:
    """Load and validate the gold set; GoldInvalid (exit code 1) names the first problem if any."""
    root = gold_root(gold_dir)
    tree = read_tree(root)
    articles, problems = check_tree(tree)
    if problems:
        problems = for_display(problems, root)
        raise GoldInvalid(_invalid_message(problems, display_path(root)), problems)
    return Gold(
        path=display_path(root),
        articles={a.id: Article(a.id, a.text, a.meta, paragraphs_of(a.text)) for a in articles},
        qa=tuple(QAItem(r.data["id"], a.id, r.data["question"], tuple(r.data["answers"]),
                        r.data["evidence"], r.data["type"]) for a in articles for r in a.qa),
        summaries=tuple(SummaryRef(r.data["id"], a.id, r.data["style"], r.data["text"])
                        for a in articles for r in a.summaries),
        hash=tree_hash(tree),
    )


def _invalid_message(problems: list[Problem], shown_root: str) -> str:
    command = "harness gold validate" + ("" if shown_root == "gold" else f" --gold {shown_root}")
    count = len(problems)
    return (f"invalid gold set: {problems[0]}; run `{command}` "
            f"for all {count} problem{'' if count == 1 else 's'}")
