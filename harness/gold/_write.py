"""Adding to the gold set (add-qa, add-summary, add-article, import): under one lock per gold
directory, read the set, plan the new and appended files, check the would-be set with every
rule, then write: new article directories are built beside the set and renamed into place,
appended files are replaced atomically. On any problem nothing is written."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.errors import HarnessError, shown

from ._commit import commit, gold_lock, settle
from ._files import gold_root, read_tree
from ._model import GoldTree
from ._read import NotJSON, check_tree, parse_json
from ._rules import (
    ARTICLE_ID_RE, FIELDS, JSONL_FILES, GoldInvalid, Problem, article_id_problem, for_display,
    id_number, item_id, more, text_problem,
)

_NEW = "the new item"


@dataclass(frozen=True)
class Pending:
    """An item to add: its article, kind ("qa" or "summary"), fields (id optional), and where it
    came from (for messages)."""

    article: str
    kind: str
    record: dict
    origin: str


@dataclass(frozen=True)
class NewArticle:
    """An article directory to create: its id, article.txt text, meta.json, and where it came from."""

    id: str
    text: str
    meta: dict
    origin: str


@dataclass
class Plan:
    """New file contents by gold-relative path, the records as written, and the origin of each new line."""

    contents: dict[str, bytes] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    origins: dict[tuple[str, int], str] = field(default_factory=dict)


# -- authoring -----------------------------------------------------------------------------------

def add_qa(gold_dir: str | os.PathLike, article_id: str, question: str, answers: list[str],
           evidence: list[str] | str = (), type: str | None = None, reasoning: str | None = None,
           plausible_answers: list[str] | None = None, dry_run: bool = False) -> dict:
    """Append one QA item (type "description" and reasoning "lookup" when not given; an
    unanswerable item gets plausible_answers [] when none are given); return the record."""
    answers = [answers] if isinstance(answers, str) else list(answers)
    evidence = [evidence] if isinstance(evidence, str) else list(evidence)
    record = {"question": question.strip(), "answers": [a.strip() for a in answers],
              "evidence": [span for span in evidence if span], "type": type or "description",
              "reasoning": reasoning or "lookup"}
    if plausible_answers or record["type"] == "unanswerable":
        record["plausible_answers"] = list(plausible_answers or [])
    return add_items(gold_dir, [Pending(article_id, "qa", record, _NEW)], dry_run)[0]


def add_summary(gold_dir: str | os.PathLike, article_id: str, style: str, text: str,
                source: str = "written", dry_run: bool = False) -> dict:
    """Append one reference summary (one sentence a line); return the record as written."""
    record = {"style": style, "text": text.strip(), "source": source}
    return add_items(gold_dir, [Pending(article_id, "summary", record, _NEW)], dry_run)[0]


def known_articles(root: Path) -> list[str]:
    """The article ids (valid directory names) of a gold directory."""
    settle(root)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and ARTICLE_ID_RE.match(p.name))


def add_items(gold_dir: str | os.PathLike, pendings: list[Pending], dry_run: bool,
              new_articles: list[NewArticle] = ()) -> list[dict]:
    """Create `new_articles` and append `pendings`, all or nothing; the records as written."""
    root = gold_root(gold_dir)
    new_ids = {article.id for article in new_articles}
    _check_articles(root, {p.article for p in pendings} - new_ids)
    with gold_lock(root):  # reading the tree never blocks, so the lock is never held waiting on input
        plan = checked_plan(read_tree(root), pendings, new_articles)
        if not dry_run:
            commit(root, plan.contents, new_ids)
    return plan.records


def checked_plan(tree: GoldTree, pendings: list[Pending], new_articles: list[NewArticle] = ()) -> Plan:
    """The plan that creates `new_articles` and appends `pendings` to `tree`, checked with every
    rule (the would-be set); GoldInvalid or HarnessError when it breaks one."""
    base = _with_new_articles(tree, new_articles)
    plan = plan_append(base, pendings)
    plan.contents = {**{rel: base.files[rel] for rel in base.files.keys() - tree.files.keys()}, **plan.contents}
    problems = check_tree(tree.with_files(plan.contents), keep=False)[1]
    if problems:
        raise _rejected(problems, plan, tree.root, {a.id: a.origin for a in new_articles})
    return plan


def _with_new_articles(tree: GoldTree, new_articles: list[NewArticle]) -> GoldTree:
    """The tree with each new article's article.txt and meta.json; a clear error (exit 2) for an
    id that is not allowed or taken, or a text that some article already has."""
    texts = {data: rel.split("/")[0] for rel, data in tree.files.items() if rel.endswith("/article.txt")}
    taken = set(tree.dirs) | {rel.split("/")[0] for rel in tree.unread}
    files = {}
    for article in new_articles:
        message = article_id_problem(article.id)
        if message is None and article.id in taken:
            message = f"article '{article.id}' already exists in {tree.root}"
        if message is None and text_problem(article.text):
            message = f"article.txt of '{article.id}' {text_problem(article.text)}"
        data = article.text.encode("utf-8", errors="surrogatepass")
        if message is None and data in texts:
            message = f"article.txt of '{article.id}' is the same text as that of '{texts[data]}'"
        if message:
            raise HarnessError(f"nothing added: {article.origin}: {message}", exit_code=2)
        texts[data] = article.id
        taken.add(article.id)
        files[f"{article.id}/article.txt"] = data
        files[f"{article.id}/meta.json"] = _json_bytes(article.meta, indent=2)
        files[f"{article.id}/qa.jsonl"] = files[f"{article.id}/summaries.jsonl"] = b""
    return tree.with_files(files)


def _check_articles(root: Path, articles: set[str]) -> None:
    """Only existing article directories: an id is never turned into a path before this."""
    known_ids = known_articles(root)
    unknown = sorted(articles - set(known_ids))
    if unknown:
        known = ", ".join(known_ids) or "none"
        raise HarnessError(f"unknown article '{shown(unknown[0])}' in {root} (known: {known})", exit_code=2)


def _rejected(problems: list[Problem], plan: Plan, root: Path, new_articles: dict[str, str]) -> GoldInvalid:
    """The error for a refused addition: problems of the new lines and articles first, each
    naming its origin."""
    def origin(problem: Problem) -> str | None:
        return plan.origins.get((problem.path, problem.line)) or new_articles.get(problem.path.split("/")[0])

    new = [replace(p, message=f"{p.message} [{origin(p)}]") for p in problems if origin(p)]
    old = [p for p in problems if not origin(p)]
    listed = for_display(new, root) + for_display(old, root)
    lead = "not added" if new else "not added: the gold set is already invalid"
    return GoldInvalid(f"{lead}, gold files unchanged: {listed[0]}{more(len(listed))}", listed)


# -- planning an append (pure) -------------------------------------------------------------------

def plan_append(tree: GoldTree, pendings: list[Pending]) -> Plan:
    """Append each pending item to its file, assigning the next free id where none is given."""
    plan = Plan()
    numbers = _next_numbers(tree, pendings)
    chunks: dict[str, list[bytes]] = {}
    lines: dict[str, int] = {}
    for pending in pendings:
        rel = f"{pending.article}/{JSONL_FILES[pending.kind]}"
        if rel not in chunks:
            existing = _existing(tree, rel)
            chunks[rel], lines[rel] = [existing], existing.count(b"\n")
        record = _ordered(pending, numbers)
        lines[rel] += 1
        plan.origins[(rel, lines[rel])] = pending.origin
        chunks[rel].append(_json_line(record))
        plan.records.append(record)
    plan.contents = {rel: b"".join(parts) for rel, parts in chunks.items()}
    return plan


def _json_line(record: dict) -> bytes:
    """One JSONL line (see _json_bytes)."""
    return _json_bytes(record)


def _json_bytes(value: dict, indent: int | None = None) -> bytes:
    """JSON as UTF-8 with a final newline. A lone surrogate (e.g. an undecodable byte on the
    command line) cannot be UTF-8: it is written as a \\u escape, which validation then refuses
    by name."""
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(value, indent=indent).encode("ascii") + b"\n"


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
