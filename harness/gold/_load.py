"""Loading a gold set (validated first) into the Gold dataclasses."""

from __future__ import annotations

import os

from ._model import Article, Gold, QAItem, SummaryRef, paragraphs_of
from ._parse import ArticleSource
from ._problem import GoldInvalid, display_path, for_display
from ._tree import gold_root, read_tree, tree_hash
from ._validate import check_tree


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
        articles={a.id: _article(a) for a in articles},
        qa=tuple(_qa_item(a.id, r.data) for a in articles for r in a.qa),
        summaries=tuple(SummaryRef(r.data["id"], a.id, r.data["style"], r.data["text"])
                        for a in articles for r in a.summaries),
        hash=tree_hash(tree),
    )


def _article(source: ArticleSource) -> Article:
    return Article(source.id, source.text, source.meta, paragraphs_of(source.text))


def _qa_item(article_id: str, data: dict) -> QAItem:
    return QAItem(data["id"], article_id, data["question"], tuple(data["answers"]),
                  data["evidence"], data["type"])


def _invalid_message(problems: list, shown_root: str) -> str:
    command = "harness gold validate" + ("" if shown_root == "gold" else f" --gold {shown_root}")
    count = len(problems)
    return (f"invalid gold set: {problems[0]}; run `{command}` "
            f"for all {count} problem{'' if count == 1 else 's'}")
