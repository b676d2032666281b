"""Counts and paragraph coverage of a loaded gold set, as text for the terminal."""

from __future__ import annotations

from collections import Counter

from ._model import Article, Gold, QAItem, paragraph_spans
from ._schema import QA_TYPES, STYLES


def summarize_counts(gold: Gold) -> str:
    """The one line `harness gold validate` prints for a valid set: "ok: 1 article, 60 QA items, 12 summaries"."""
    return f"ok: {_counts(gold)}"


def gold_stats(gold: Gold) -> str:
    """Counts by QA type and summary style, and per article which paragraphs have a question."""
    types = Counter(q.type for q in gold.qa)
    styles = Counter(s.style for s in gold.summaries)
    lines = [
        _counts(gold),
        "QA items by type: " + _tally(types, QA_TYPES),
        "summaries by style: " + _tally(styles, STYLES),
        "paragraph coverage (a paragraph is covered when some item's evidence lies in it):",
    ]
    for article in gold.articles.values():
        lines += _coverage_lines(article, [q for q in gold.qa if q.article_id == article.id])
    return "\n".join(lines)


def covered_paragraphs(article: Article, items: list[QAItem]) -> list[bool]:
    """For each paragraph, whether the evidence of some item overlaps it (first occurrence)."""
    spans = paragraph_spans(article)
    covered = [False] * len(spans)
    for item in items:
        start = article.text.find(item.evidence) if item.evidence else -1
        if start < 0:
            continue
        end = start + len(item.evidence)
        for index, (p_start, p_end) in enumerate(spans):
            covered[index] = covered[index] or (start < p_end and end > p_start)
    return covered


def _coverage_lines(article: Article, items: list[QAItem]) -> list[str]:
    covered = covered_paragraphs(article, items)
    lines = [f"  {article.id}: {sum(covered)} of {len(covered)} paragraphs have a question"]
    for index, is_covered in enumerate(covered):
        if not is_covered:
            text = article.paragraphs[index]
            preview = text if len(text) <= 60 else text[:57] + "..."
            lines.append(f"    no question: paragraph {index + 1} (line {2 * index + 1}): {preview}")
    return lines


def _counts(gold: Gold) -> str:
    return (f"{_plural(len(gold.articles), 'article')}, {_plural(len(gold.qa), 'QA item')}, "
            f"{_plural(len(gold.summaries), 'summary', 'summaries')}")


def _tally(counter: Counter, order: tuple[str, ...]) -> str:
    parts = [f"{name} {counter[name]}" for name in order if counter[name]]
    return ", ".join(parts) or "none"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"
