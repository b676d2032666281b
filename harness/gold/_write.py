"""Adding gold items (add-qa, add-summary, import): under one lock per gold directory, read the
set, plan the appended files, check the would-be set with every rule, then replace the files
atomically. On any problem nothing is written."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path

from harness.errors import HarnessError, shown
from harness.files import replace_files

from ._model import GoldTree
from ._read import NotJSON, Unreadable, check_tree, gold_root, max_file_bytes, parse_json, read_at_most, read_tree
from ._rules import (
    ARTICLE_ID_RE, BOM, FIELDS, JSONL_FILES, GoldInvalid, Problem, display_path, for_display, has_bom,
    id_number, item_id,
)

LOCK_TIMEOUT_S = 60.0
_NEW = "the new item"


@dataclass(frozen=True)
class Pending:
    """An item to add: its article, kind ("qa" or "summary"), fields (id optional), and where it
    came from (for messages)."""

    article: str
    kind: str
    record: dict
    origin: str


@dataclass
class Plan:
    """New file contents by gold-relative path, the records as written, and the origin of each new line."""

    contents: dict[str, bytes] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    origins: dict[tuple[str, int], str] = field(default_factory=dict)


# -- authoring -----------------------------------------------------------------------------------

def add_qa(gold_dir: str | os.PathLike, article_id: str, question: str, answers: list[str],
           evidence: str, type: str | None = None, dry_run: bool = False) -> dict:
    """Append one QA item (type "other" when not given); return the record as written."""
    answers = [answers] if isinstance(answers, str) else list(answers)
    record = {"question": question.strip(), "answers": [a.strip() for a in answers],
              "evidence": evidence, "type": type or "other"}
    return _add(gold_dir, [Pending(article_id, "qa", record, _NEW)], dry_run)[0]


def add_summary(gold_dir: str | os.PathLike, article_id: str, style: str, text: str,
                dry_run: bool = False) -> dict:
    """Append one reference summary (one sentence a line); return the record as written."""
    record = {"style": style, "text": text.strip()}
    return _add(gold_dir, [Pending(article_id, "summary", record, _NEW)], dry_run)[0]


def import_items(gold_dir: str | os.PathLike, file: str | os.PathLike, dry_run: bool = False) -> list[dict]:
    """Append every item of a JSONL file, or none of them; return the records as written. The
    file is read before the gold directory is locked (it may be a pipe)."""
    root = gold_root(gold_dir)
    pendings = read_import(Path(file), known_articles(root))
    return _add(root, pendings, dry_run) if pendings else []


def known_articles(root: Path) -> list[str]:
    """The article ids (valid directory names) of a gold directory."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and ARTICLE_ID_RE.match(p.name))


def _add(gold_dir: str | os.PathLike, pendings: list[Pending], dry_run: bool) -> list[dict]:
    root = gold_root(gold_dir)
    for article in {p.article for p in pendings}:
        _check_article(root, article)
    with gold_lock(root):  # reading the tree never blocks, so the lock is never held waiting on input
        tree = read_tree(root)
        plan = plan_append(tree, pendings)
        would_be = reduce(lambda t, item: t.with_file(*item), plan.contents.items(), tree)
        problems = check_tree(would_be)[1]
        if problems:
            raise _rejected(problems, plan, root)
        if not dry_run:
            replace_files({root / rel: data for rel, data in plan.contents.items()})
    return plan.records


def _check_article(root: Path, article: str) -> None:
    """Only an existing article directory: the id is never turned into a path before this."""
    known_ids = known_articles(root)
    if article not in known_ids:
        known = ", ".join(known_ids) or "none"
        raise HarnessError(f"unknown article '{shown(article)}' in {root} (known: {known})", exit_code=2)


def _rejected(problems: list[Problem], plan: Plan, root: Path) -> GoldInvalid:
    """The error for a refused append: problems of the new lines first, each naming its origin."""
    new = [replace(p, message=f"{p.message} [{plan.origins[(p.path, p.line)]}]")
           for p in problems if (p.path, p.line) in plan.origins]
    old = [p for p in problems if (p.path, p.line) not in plan.origins]
    listed = for_display(new, root) + for_display(old, root)
    lead = "not added" if new else "not added: the gold set is already invalid"
    return GoldInvalid(f"{lead}, gold files unchanged: {listed[0]}{_more(len(listed))}", listed)


def _more(count: int) -> str:
    return "" if count == 1 else f" (and {count - 1} more problem{'' if count == 2 else 's'})"


# -- the lock ------------------------------------------------------------------------------------

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


# -- planning an append (pure) -------------------------------------------------------------------

def plan_append(tree: GoldTree, pendings: list[Pending]) -> Plan:
    """Append each pending item to its file, assigning the next free id where none is given."""
    plan = Plan()
    numbers = _next_numbers(tree, pendings)
    for pending in pendings:
        rel = f"{pending.article}/{JSONL_FILES[pending.kind]}"
        record = _ordered(pending, numbers)
        data = plan.contents.get(rel)
        data = _existing(tree, rel) if data is None else data
        plan.origins[(rel, data.count(b"\n") + 1)] = pending.origin
        plan.contents[rel] = data + _json_line(record)
        plan.records.append(record)
    return plan


def _json_line(record: dict) -> bytes:
    """One JSONL line, UTF-8. A lone surrogate (e.g. an undecodable byte on the command line)
    cannot be UTF-8: it is written as a \\u escape, which validation then refuses by name."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii") + b"\n"


def _ordered(pending: Pending, numbers: dict[tuple[str, str], int]) -> dict:
    """The record with an id, known fields in the documented order, unknown ones after."""
    record = dict(pending.record)
    if "id" not in record:
        key = (pending.article, pending.kind)
        record["id"] = item_id(pending.article, pending.kind, numbers[key])
        numbers[key] += 1
    names = [name for name in FIELDS[pending.kind] if name in record]
    return {name: record[name] for name in names + [n for n in record if n not in names]}


def _next_numbers(tree: GoldTree, pendings: list[Pending]) -> dict[tuple[str, str], int]:
    """For each (article, kind), one more than the highest id number in the file or the new items."""
    highest: dict[tuple[str, str], int] = {}
    for pending in pendings:
        key = (pending.article, pending.kind)
        if key not in highest:
            ids = _ids_in(_existing(tree, f"{pending.article}/{JSONL_FILES[pending.kind]}"))
            highest[key] = _max_number(ids, *key)
        given = pending.record.get("id")
        highest[key] = max(highest[key], _max_number([given], *key))
    return {key: number + 1 for key, number in highest.items()}


def _max_number(ids: list, article: str, kind: str) -> int:
    return max((n for n in (id_number(article, kind, i) for i in ids) if n is not None), default=0)


def _ids_in(data: bytes) -> list:
    ids = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        try:
            obj = parse_json(line)
        except NotJSON:
            continue
        if isinstance(obj, dict):
            ids.append(obj.get("id"))
    return ids


def _existing(tree: GoldTree, rel: str) -> bytes:
    data = tree.files.get(rel, b"")
    return data + b"\n" if data and not data.endswith(b"\n") else data


# -- import files --------------------------------------------------------------------------------

def read_import(path: Path, known: list[str]) -> list[Pending]:
    """The items of an import file; GoldInvalid listing every problem of the file itself."""
    where = display_path(path)
    data = _import_bytes(path, where)
    if has_bom(data):
        problem = Problem(where, 1, BOM)
        raise GoldInvalid(f"nothing imported: {problem}", [problem])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = Problem(where, None, f"not UTF-8 (byte offset {error.start}); save the file as UTF-8")
        raise GoldInvalid(f"nothing imported: {problem}", [problem]) from None
    pendings, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            result = _parse_import_line(line, known, f"{where}:{number}")
            if isinstance(result, Pending):
                pendings.append(result)
            else:
                problems.append(Problem(where, number, result))
    if problems:
        raise GoldInvalid(f"nothing imported: {problems[0]}" + _more(len(problems)), problems)
    return pendings


def _import_bytes(path: Path, where: str) -> bytes:
    """The bytes of an import file (a regular file or a pipe), at most the gold file cap."""
    cap = max_file_bytes()
    try:
        with open(path, "rb") as file:
            return read_at_most(file.fileno(), cap)
    except (OSError, Unreadable) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise HarnessError(f"cannot read import file {where}: {reason}", exit_code=2) from None


def _parse_import_line(line: str, known: list[str], origin: str) -> Pending | str:
    """A Pending item, or the message saying why the line cannot be one."""
    try:
        obj = parse_json(line)
    except NotJSON as error:
        return error.message
    if not isinstance(obj, dict):
        return "expected a JSON object"
    article = obj.pop("article", None)
    if not isinstance(article, str) or not article:
        return "missing field 'article' (the article id)"
    if article not in known:
        return f"unknown article '{shown(article)}' (known: {', '.join(known) or 'none'})"
    if "question" in obj:
        return Pending(article, "qa", {"type": "other", **obj}, origin)
    if "style" in obj or "text" in obj:
        return Pending(article, "summary", obj, origin)
    return "neither a QA item ('question', ...) nor a summary ('style', 'text')"
