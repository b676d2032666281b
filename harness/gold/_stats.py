"""Views of a loaded gold set: counts, article metadata and paragraph coverage as text for the
terminal, and the `datasets.Dataset` tables."""

from __future__ import annotations

from collections import Counter

from harness.errors import shown

from ._model import Article, Gold, QAItem, paragraphs_touched
from ._rules import JUDGMENT_SPLITS, QA_TYPES, REASONING, STYLES, SUMMARY_SOURCES

_META_SHOWN = ("source", "dateline", "place", "date", "license", "retrieved")


def summarize_counts(gold: Gold) -> str:
    """The one line `harness gold validate` prints for a valid set: "ok: 1 article, 60 QA items, 12 summaries"."""
    return f"ok: {_counts(gold)}"


def gold_stats(gold: Gold) -> str:
    """Counts by QA type, reasoning and summary style and source; each article's metadata; per
    article which paragraphs have a question."""
    unanswerable = sum(not q.answers for q in gold.qa)
    lines = [
        _counts(gold),
        "QA items by type: " + tally(Counter(q.type for q in gold.qa), QA_TYPES),
        "QA items by reasoning: " + tally(Counter(q.reasoning for q in gold.qa), REASONING),
        f"unanswerable: {unanswerable} of {len(gold.qa)} ({percent(unanswerable, len(gold.qa))})",
        "summaries by style: " + ", ".join(_style_counts(gold, style) for style in STYLES),
    ]
    if gold.judgments:
        lines.append(f"judgments: {len(gold.judgments)} ("
                     + tally(Counter(j.split for j in gold.judgments), JUDGMENT_SPLITS) + ")")
    lines.append("articles:")
    for article in gold.articles.values():
        lines += meta_lines(article)
    lines.append("paragraph coverage (a paragraph is covered when some item's evidence lies in it):")
    items = items_by_article(gold)
    for article in gold.articles.values():
        lines += _coverage_lines(article, items.get(article.id, []))
    return "\n".join(lines)


def meta_lines(article: Article) -> list[str]:
    """An article's meta.json as two or three lines: id and title, then the other fields."""
    meta = article.meta
    fields = [f"{name} {shown(meta[name], 70) if meta[name] is not None else '-'}" for name in _META_SHOWN]
    truncated = meta["truncated"]
    where = ", ".join(str(t["paragraph"]) for t in truncated)
    fields.append(f"truncated {len(truncated)}" + (f" (paragraphs {where})" if truncated else ""))
    return [f"  {article.id}: \"{shown(meta['title'])}\"", "    " + "; ".join(fields)]


def items_by_article(gold: Gold) -> dict[str, list[QAItem]]:
    """The QA items of each article, in file order."""
    grouped: dict[str, list[QAItem]] = {}
    for item in gold.qa:
        grouped.setdefault(item.article_id, []).append(item)
    return grouped


def covered_paragraphs(article: Article, items: list[QAItem]) -> list[int]:
    """For each paragraph, how many items have evidence in it (first occurrence of each span)."""
    counts = [0] * len(article.paragraphs)
    for item in items:
        touched = {i for span in item.evidence for i in paragraphs_touched(article.text, article.paragraphs, span)}
        for index in touched:
            counts[index] += 1
    return counts


def _coverage_lines(article: Article, items: list[QAItem]) -> list[str]:
    covered = [count > 0 for count in covered_paragraphs(article, items)]
    lines = [f"  {article.id}: {sum(covered)} of {len(covered)} paragraphs have a question"]
    for index, is_covered in enumerate(covered):
        if not is_covered:
            preview = shown(article.paragraphs[index], 60)
            lines.append(f"    no question: paragraph {index + 1} (line {2 * index + 1}): {preview}")
    return lines


def _style_counts(gold: Gold, style: str) -> str:
    counts = Counter(s.source for s in gold.summaries if s.style == style)
    parts = [f"{counts[source]} {source}" for source in SUMMARY_SOURCES if counts[source]]
    return f"{style} {' + '.join(parts) or 0}"


def _counts(gold: Gold) -> str:
    return (f"{plural(len(gold.articles), 'article')}, {plural(len(gold.qa), 'QA item')}, "
            f"{plural(len(gold.summaries), 'summary', 'summaries')}")


def tally(counter: Counter, order: tuple[str, ...]) -> str:
    """"a 3, b 1" in the given order, names with a zero count left out; "none" if all are."""
    parts = [f"{name} {counter[name]}" for name in order if counter[name]]
    return ", ".join(parts) or "none"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def qa_dataset(gold: Gold):
    """One row per QA item: id, article_id, question, answers, evidence, type, reasoning,
    plausible_answers, source_id (None unless imported), article."""
    import datasets  # slow to import; only the callers that need it pay

    strings = datasets.Sequence(datasets.Value("string"))
    features = datasets.Features({
        "id": datasets.Value("string"), "article_id": datasets.Value("string"),
        "question": datasets.Value("string"), "answers": strings, "evidence": strings,
        "type": datasets.Value("string"), "reasoning": datasets.Value("string"), "plausible_answers": strings,
        "source_id": datasets.Value("string"), "article": datasets.Value("string"),
    })
    rows = [{"id": q.id, "article_id": q.article_id, "question": q.question, "answers": list(q.answers),
             "evidence": list(q.evidence), "type": q.type, "reasoning": q.reasoning,
             "plausible_answers": list(q.plausible_answers), "source_id": q.source_id,
             "article": gold.articles[q.article_id].text}
            for q in gold.qa]
    return datasets.Dataset.from_list(rows, features=features)


def summarization_dataset(gold: Gold, sources: tuple[str, ...] = ("written",)):
    """One row per (article, style) with references: id "<article-id>/<style>", article_id, style,
    references (every text of that style for that article whose source is in `sources`), article."""
    import datasets

    features = datasets.Features({
        "id": datasets.Value("string"), "article_id": datasets.Value("string"),
        "style": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string")),
        "article": datasets.Value("string"),
    })
    grouped: dict[tuple[str, str], list[str]] = {}
    for summary in gold.summaries:
        if summary.source in sources:
            grouped.setdefault((summary.article_id, summary.style), []).append(summary.text)
    rows = []
    for article_id, article in sorted(gold.articles.items()):
        for style in STYLES:
            references = grouped.get((article_id, style))
            if references:
                rows.append({"id": f"{article_id}/{style}", "article_id": article_id, "style": style,
                             "references": references, "article": article.text})
    return datasets.Dataset.from_list(rows, features=features)
