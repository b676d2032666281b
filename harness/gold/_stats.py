"""Views of a loaded gold set: counts and paragraph coverage as text for the terminal, and the
`datasets.Dataset` tables."""

from __future__ import annotations

from collections import Counter

from ._model import Article, Gold, QAItem, paragraph_spans
from ._rules import QA_TYPES, STYLES


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


def qa_dataset(gold: Gold):
    """One row per QA item: id, article_id, question, answers, evidence, type, article."""
    import datasets  # slow to import; only the callers that need it pay

    features = datasets.Features({
        "id": datasets.Value("string"), "article_id": datasets.Value("string"),
        "question": datasets.Value("string"), "answers": datasets.Sequence(datasets.Value("string")),
        "evidence": datasets.Value("string"), "type": datasets.Value("string"),
        "article": datasets.Value("string"),
    })
    rows = [{"id": q.id, "article_id": q.article_id, "question": q.question, "answers": list(q.answers),
             "evidence": q.evidence, "type": q.type, "article": gold.articles[q.article_id].text}
            for q in gold.qa]
    return datasets.Dataset.from_list(rows, features=features)


def summarization_dataset(gold: Gold):
    """One row per (article, style) with references: id "<article-id>/<style>", article_id, style,
    references (every text of that style for that article), article."""
    import datasets

    features = datasets.Features({
        "id": datasets.Value("string"), "article_id": datasets.Value("string"),
        "style": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string")),
        "article": datasets.Value("string"),
    })
    rows = []
    for article_id, article in sorted(gold.articles.items()):
        for style in STYLES:
            references = [s.text for s in gold.summaries if s.article_id == article_id and s.style == style]
            if references:
                rows.append({"id": f"{article_id}/{style}", "article_id": article_id, "style": style,
                             "references": references, "article": article.text})
    return datasets.Dataset.from_list(rows, features=features)
