"""The loaded gold set: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One article: its id (directory name), text, meta.json and paragraphs (in order)."""

    id: str
    text: str
    meta: dict
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class QAItem:
    """One question; answers are canonical first, then aliases ([] when unanswerable)."""

    id: str
    article_id: str
    question: str
    answers: tuple[str, ...]
    evidence: str
    type: str


@dataclass(frozen=True)
class SummaryRef:
    """One reference summary, one sentence a line."""

    id: str
    article_id: str
    style: str
    text: str


@dataclass(frozen=True)
class Gold:
    """A valid gold set: articles by id, QA items and summary references in file order, and its hash."""

    path: str
    articles: dict[str, Article]
    qa: tuple[QAItem, ...]
    summaries: tuple[SummaryRef, ...]
    hash: str


def paragraphs_of(text: str) -> tuple[str, ...]:
    """The paragraphs of an article.txt (separated by one blank line)."""
    return tuple(text.rstrip("\n").split("\n\n"))


def paragraph_spans(article: Article) -> list[tuple[int, int]]:
    """(start, end) character offsets of each paragraph in the article text."""
    spans, start = [], 0
    for paragraph in article.paragraphs:
        spans.append((start, start + len(paragraph)))
        start += len(paragraph) + 2
    return spans
