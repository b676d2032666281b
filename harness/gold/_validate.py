"""Validation of a whole gold set: per-record checks (in _parse) plus the rules across records."""

from __future__ import annotations

import os

from ._parse import ArticleSource, Record, parse_tree
from ._problem import Problem, for_display, shown
from ._text import jaccard, occurs_in, question_key
from ._tree import GoldTree, gold_root, read_tree

NEAR_DUPLICATE = 0.9


def validate_gold(gold_dir: str | os.PathLike) -> list[Problem]:
    """Every problem of the gold set in `gold_dir`, sorted by path and line ([] when valid)."""
    root = gold_root(gold_dir)
    return for_display(check_tree(read_tree(root))[1], root)


def check_tree(tree: GoldTree) -> tuple[list[ArticleSource], list[Problem]]:
    """Parse and check a gold tree; problem paths are relative to the gold root."""
    articles, problems = parse_tree(tree)
    problems += _duplicate_ids(articles)
    for article in articles:
        problems += _duplicate_questions(article.qa)
        problems += [p for record in article.qa for p in _evidence_problems(record, article)]
    return articles, problems


def _duplicate_ids(articles: list[ArticleSource]) -> list[Problem]:
    first: dict[str, Record] = {}
    problems = []
    for record in (r for a in articles for r in a.qa + a.summaries):
        seen = first.setdefault(record.data["id"], record)
        if seen is not record:
            problems.append(Problem(record.rel, record.line,
                                    f"duplicate id '{record.data['id']}' (first used at {seen.rel}:{seen.line})"))
    return problems


def _duplicate_questions(records: list[Record]) -> list[Problem]:
    """Questions equal after normalization, or with token-set Jaccard >= 0.9, to an earlier one."""
    earlier: list[tuple[str, set[str], str]] = []
    problems = []
    for record in records:
        key = question_key(record.data["question"])
        tokens = set(key.split())
        message = _compare_question(key, tokens, earlier)
        if message:
            problems.append(Problem(record.rel, record.line, message))
        earlier.append((key, tokens, record.data["id"]))
    return problems


def _compare_question(key: str, tokens: set[str], earlier: list[tuple[str, set[str], str]]) -> str | None:
    for other_key, other_tokens, other_id in earlier:
        if key == other_key:
            return f"question duplicates {other_id} after normalization (case, punctuation, whitespace)"
        score = jaccard(tokens, other_tokens)
        if score >= NEAR_DUPLICATE:
            return (f"question is a near-duplicate of {other_id} "
                    f"(token-set Jaccard {score:.2f} >= {NEAR_DUPLICATE})")
    return None


def _evidence_problems(record: Record, article: ArticleSource) -> list[Problem]:
    data = record.data
    if data["type"] == "unanswerable":
        return []
    messages = []
    if article.text is not None and data["evidence"] not in article.text:
        messages.append(f"evidence is not a verbatim span of {article.id}/article.txt: "
                        f"\"{shown(data['evidence'], 60)}\"")
    if data["type"] != "yes_no":
        messages += [f"answer '{shown(answer)}' does not occur in the evidence (compared after SQuAD "
                     "normalization: lower-case, no punctuation, no a/an/the)"
                     for answer in data["answers"] if not occurs_in(answer, data["evidence"])]
    return [Problem(record.rel, record.line, m) for m in messages]
