"""`evaluate` wrapper of the harness's ROUGE: the same pure functions, so the same numbers.

evaluate.load(harness.metrics.evaluate_module_path("harness_rouge")).compute(
    predictions=[...], references=[[...], ...], rouge_types=None, use_stemmer=True,
    tokenizer="default", use_aggregator=True)
Predictions are split with harness.metrics.split_sentences (as the runner does); each reference is
one sentence a line. Returns per type the mean F1 over items, or the per-item F1 lists when
use_aggregator is False.
"""

import math

import datasets
import evaluate

from harness.metrics._rouge import rouge_item_scores
from harness.sentences import split_sentences
from harness.tasks.summarization import ROUGE_TYPES

_DESCRIPTION = "ROUGE-1/2/L/Lsum F1 with rouge_score 0.1.2; best reference per type; harness sentence splitter."
_INPUTS = "predictions: list of str; references: list of str or list of lists of str (one sentence a line)."


class HarnessRouge(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=[
                datasets.Features({"predictions": datasets.Value("string"),
                                   "references": datasets.Sequence(datasets.Value("string"))}),
                datasets.Features({"predictions": datasets.Value("string"),
                                   "references": datasets.Value("string")}),
            ],
        )

    def _compute(self, predictions, references, rouge_types=None, use_stemmer=True,
                 tokenizer="default", use_aggregator=True):
        types = tuple(rouge_types or ROUGE_TYPES)
        per_type = {kind: [] for kind in types}
        for prediction, refs in zip(predictions, references):
            refs = [refs] if isinstance(refs, str) else list(refs)
            scores = rouge_item_scores(split_sentences(prediction), refs, types, use_stemmer, tokenizer)
            for kind in types:
                per_type[kind].append(scores[kind]["f1"])
        if not use_aggregator:
            return per_type
        return {kind: (math.fsum(vals) / len(vals) if vals else None) for kind, vals in per_type.items()}
