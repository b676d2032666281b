"""The ROUGE metrics (rouge1, rouge2, rougeL, rougeLsum): F1 of the summary against the best
reference, with precision and recall as parts (rouge_score as the engine: harness.metrics._rouge)."""

from __future__ import annotations

from typing import Any

from harness.metrics._rouge import rouge_item_scores
from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION, ROUGE_TYPES, SummaryAnswer

ROUGE_PARTS = ("precision", "recall", "f1")


def _rouge(kind: str) -> Metric:
    def score(answer: SummaryAnswer, options: Any) -> dict[str, float]:
        return rouge_item_scores(answer.sentences, answer.references, (kind,), options.use_stemmer,
                                 options.tokenizer, options.reference_aggregate)[kind]

    return Metric(kind, SUMMARIZATION, f"{kind} F1 (rouge_score), best over the references or their mean "
                                       "(tasks.summarization.reference_aggregate)", score,
                  parts=ROUGE_PARTS, value_part="f1")


ROUGE1, ROUGE2, ROUGE_L, ROUGE_LSUM = (_rouge(kind) for kind in ROUGE_TYPES)
