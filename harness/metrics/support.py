"""`support`: a reference-free, offline faithfulness score: how much of the summary the article
backs, word sequences and facts together.

support = (share of the summary's distinct word trigrams found in the article)
          x (entity precision: the share of its names and numbers the article supports)

Trigrams are those of harness.metrics.extractiveness (lower-cased letter/digit runs); a summary
of one or two words uses its unigrams instead. Entity precision is harness.metrics.entity_precision
with the spaCy extractor. The product is 0-1; "faithful" means support >= THRESHOLD. The
product was chosen over the minimum and weighted means, and the threshold over a grid, by the
mean balanced accuracy over the five SummaC validation splits (docs/metrics.md). An empty
summary scores 0.
"""

from __future__ import annotations

from typing import Any

from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION
from harness.metrics.entity_precision import EXTRACTOR, entity_precision_many
from harness.metrics.extractiveness import novel_ngram_share, tokens

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


SUPPORT = Metric("support", SUMMARIZATION, "faithfulness without references: article-held trigram share x "
                 f"entity precision; faithful at >= {THRESHOLD}", parts=("support", "faithful"),
                 value_part="support", score_many=_score_many)
