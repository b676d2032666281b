"""`support`: a reference-free, offline faithfulness score: how much of the summary the article
backs, word sequences and facts together.

support = (share of the summary's distinct word trigrams found in the article)
          x (entity precision: the share of its names and numbers the article supports)

Trigrams are those of harness.metrics._extractiveness (lower-cased letter/digit runs); a summary
of one or two words uses its unigrams instead. Entity precision is harness.metrics._entities
with the spaCy extractor. The product is 0-1; "faithful" means support >= THRESHOLD. The
product was chosen over the minimum and weighted means, and the threshold over a grid, by the
mean balanced accuracy over the five SummaC validation splits (docs/metrics.md). An empty
summary scores 0.
"""

from __future__ import annotations

from typing import Any

from harness.metrics._entities import EXTRACTOR, entity_precision_many
from harness.metrics._extractiveness import novel_ngram_share, tokens

TASK = "summarization"  # the task these metrics belong to (the task table's name)
THRESHOLD = 0.787  # "faithful" at or above: chosen on the SummaC validation splits (docs/metrics.md)


def trigram_support(article: str, summary: str) -> float:
    """Share of the summary's distinct word trigrams (unigrams if shorter) that the article holds."""
    a, s = tokens(article), tokens(summary)
    if not s:
        return 0.0
    return 1.0 - novel_ngram_share(a, s, 3 if len(s) >= 3 else 1)


def support_many(pairs: list[tuple[str, str]], extractor: str = EXTRACTOR) -> list[float]:
    """support for many (article, summary) pairs."""
    entities = entity_precision_many(pairs, extractor)
    return [trigram_support(article, summary) * e for (article, summary), e in zip(pairs, entities)]


def _score_many(answers: list[Any], options: Any) -> list[dict[str, float]]:
    values = support_many([(a.document, a.text) for a in answers])
    return [{"support": v, "faithful": float(v >= THRESHOLD)} for v in values]


def _batch(metric_class: Any, score_many: Any) -> dict[str, Any]:
    """score_many for a Metric class that takes it (the metric contract), else nothing."""
    import dataclasses

    fields = {f.name for f in dataclasses.fields(metric_class)}
    return {"score_many": score_many} if "score_many" in fields else {}


def _metric():
    from harness.tasks import Metric

    return Metric("support", TASK, "faithfulness without references: article-held trigram share x entity "
                  f"precision; faithful at >= {THRESHOLD}",
                  lambda answer, options: _score_many([answer], options)[0], ("support", "faithful"),
                  **_batch(Metric, _score_many))


SUPPORT = _metric()
