"""The gold set as `datasets.Dataset` objects, article text joined in."""

from __future__ import annotations

from ._model import Gold
from ._schema import STYLES


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
