"""The gold set as plain frozen dataclasses: the files read from disk, the parsed records, and
the loaded set that runs and reports use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class GoldTree:
    """A snapshot of gold/: every file's bytes by POSIX path relative to `root`, the top-level
    directories, and the entries that were not read, each with the reason."""

    root: Path
    files: dict[str, bytes] = field(default_factory=dict)
    dirs: frozenset[str] = frozenset()
    unread: dict[str, str] = field(default_factory=dict)

    def with_file(self, rel: str, data: bytes) -> "GoldTree":
        """The same tree with one file's content replaced (or added)."""
        top = rel.split("/", 1)[0]
        return GoldTree(self.root, {**self.files, rel: data}, self.dirs | {top}, self.unread)


@dataclass(frozen=True)
class Record:
    """One well-formed JSONL record and where it came from."""

    rel: str
    line: int
    data: dict


@dataclass(frozen=True)
class ArticleSource:
    """What was parsed for one article directory; text or meta is None when missing or unusable."""

    id: str
    text: str | None
    meta: dict | None
    qa: tuple[Record, ...]
    summaries: tuple[Record, ...]


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
