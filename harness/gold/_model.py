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

    def with_files(self, files: dict[str, bytes]) -> "GoldTree":
        """The same tree with these files' contents replaced (or added)."""
        tops = {rel.split("/", 1)[0] for rel in files}
        return GoldTree(self.root, {**self.files, **files}, self.dirs | tops, self.unread)


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
    judgments: tuple[Record, ...] = ()
    well_formed: bool = True  # article.txt keeps the paragraph format, so paragraph numbers mean something
    qa_complete: bool = True  # qa.jsonl was read and every line parsed, so a missing id is really missing


@dataclass(frozen=True)
class Article:
    """One article: its id (directory name), text, meta.json and paragraphs (in order)."""

    id: str
    text: str
    meta: dict
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class QAItem:
    """One question. `answers`: canonical first, then aliases ([] when unanswerable);
    `evidence`: verbatim spans of the article; `plausible_answers`: the spans a careless reader
    would give to an unanswerable question; `source_id`: the item's id in the dataset it was
    imported from."""

    id: str
    article_id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    type: str
    reasoning: str = "lookup"
    plausible_answers: tuple[str, ...] = ()
    source_id: str | None = None


@dataclass(frozen=True)
class SummaryRef:
    """One reference summary, one sentence a line; `source` says whether a person wrote it as a
    reference ("written") or it is the source's own headline ("source-headline")."""

    id: str
    article_id: str
    style: str
    text: str
    source: str = "written"
    source_id: str | None = None


@dataclass(frozen=True)
class Judgment:
    """A label on one answer to a QA item (judgments.jsonl): `source` produced the answer,
    `labelled_by` gave the label (a person only where a person did), `note` records a change."""

    id: str
    article_id: str
    prediction: str
    correct: bool
    reason: str
    split: str
    source: str
    labelled_by: str
    note: str | None = None


@dataclass(frozen=True)
class Gold:
    """A valid gold set: articles by id, QA items, summary references and judgments in file
    order, and its hash (judgments are not part of it: no score depends on them)."""

    path: str
    articles: dict[str, Article]
    qa: tuple[QAItem, ...]
    summaries: tuple[SummaryRef, ...]
    hash: str
    judgments: tuple[Judgment, ...] = ()


def qa_item(data: dict, article_id: str) -> QAItem:
    """The QAItem of a valid qa.jsonl record."""
    return QAItem(data["id"], article_id, data["question"], tuple(data["answers"]), tuple(data["evidence"]),
                  data["type"], data["reasoning"], tuple(data.get("plausible_answers", ())),
                  data.get("source_id"))


def summary_ref(data: dict, article_id: str) -> SummaryRef:
    """The SummaryRef of a valid summaries.jsonl record."""
    return SummaryRef(data["id"], article_id, data["style"], data["text"], data["source"], data.get("source_id"))


def judgment(data: dict, article_id: str) -> Judgment:
    """The Judgment of a valid judgments.jsonl record."""
    return Judgment(data["id"], article_id, data["prediction"], data["correct"], data["reason"],
                    data["split"], data["source"], data["labelled_by"], data.get("note"))


def paragraphs_of(text: str) -> tuple[str, ...]:
    """The paragraphs of an article.txt (separated by one blank line)."""
    return tuple(text.rstrip("\n").split("\n\n"))


def paragraph_spans(paragraphs: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) character offsets of each paragraph in the article text."""
    spans, start = [], 0
    for paragraph in paragraphs:
        spans.append((start, start + len(paragraph)))
        start += len(paragraph) + 2
    return spans


def paragraphs_touched(text: str, paragraphs: tuple[str, ...], span: str) -> list[int]:
    """The indexes of the paragraphs that the first occurrence of `span` in `text` overlaps."""
    start = text.find(span) if span else -1
    if start < 0:
        return []
    end = start + len(span)
    return [i for i, (p_start, p_end) in enumerate(paragraph_spans(paragraphs)) if start < p_end and end > p_start]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the article's sentences, paragraph by paragraph, as
    harness.sentences.split_sentences splits them."""
    from harness.sentences import split_sentences

    spans = []
    for p_start, p_end in paragraph_spans(paragraphs_of(text)):
        cursor = p_start
        for sentence in split_sentences(text[p_start:p_end]):
            start = text.index(sentence, cursor)
            spans.append((start, start + len(sentence)))
            cursor = start + len(sentence)
    return spans
