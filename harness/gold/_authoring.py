"""Adding gold items: validate the would-be gold set with the same rules, then append atomically."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import reduce
from pathlib import Path

from harness.errors import HarnessError

from ._import import read_import
from ._plan import Pending, Plan, plan_append
from ._problem import GoldInvalid, Problem, for_display, shown
from ._schema import ARTICLE_ID_RE
from ._tree import gold_root, read_tree
from ._validate import check_tree
from ._write import gold_lock, replace_files

_NEW = "the new item"


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
    """Append every item of a JSONL file, or none of them; return the records as written."""
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
    with gold_lock(root):
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
    shown = for_display(new, root) + for_display(old, root)
    lead = "not added" if new else "not added: the gold set is already invalid"
    more = len(shown) - 1
    suffix = f" (and {more} more problem{'' if more == 1 else 's'})" if more else ""
    return GoldInvalid(f"{lead}, gold files unchanged: {shown[0]}{suffix}", shown)


