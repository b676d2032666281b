"""`evaluate` wrapper of the harness's SQuAD exact match and F1 (fractions in [0, 1]).

evaluate.load(harness.metrics.evaluate_module_path("harness_squad")).compute(
    predictions=[...], references=[[alias, ...], ...], abstain_phrase=None, use_aggregator=True)
With abstain_phrase, items with references [] are unanswerable and scored by the harness's
abstention rule (the exact_match and f1 metrics of harness.metrics.exact_match_f1); without it, plain SQuAD EM/F1 (max over aliases).
Predictions are scored as given: extraction is the caller's step.
"""

import math

import datasets
import evaluate

from harness.metrics.exact_match_f1 import EXACT_MATCH, F1, exact_match, token_f1
from harness.tasks._abstention import is_abstention, says_abstain_phrase
from harness.tasks.qa import QAAnswer

_DESCRIPTION = "SQuAD v1.1 exact match and token F1, max over aliases; harness abstention rule."
_INPUTS = "predictions: list of str; references: list of lists of str (aliases; [] = unanswerable)."


class HarnessSquad(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Sequence(datasets.Value("string"))}),
        )

    def _compute(self, predictions, references, abstain_phrase=None, use_aggregator=True):
        em, f1 = [], []
        for prediction, golds in zip(predictions, references):
            if abstain_phrase is not None:
                answer = QAAnswer("", "", "", prediction, prediction, tuple(golds), "",
                                  abstained=is_abstention(prediction, abstain_phrase),
                                  said_phrase=says_abstain_phrase(prediction, abstain_phrase))
                em.append(EXACT_MATCH.score(answer, None))
                f1.append(F1.score(answer, None))
            else:
                em.append(exact_match(prediction, list(golds)))
                f1.append(token_f1(prediction, list(golds)))
        if not use_aggregator:
            return {"exact_match": em, "f1": f1}
        return {"exact_match": _mean(em), "f1": _mean(f1)}


def _mean(values):
    return math.fsum(values) / len(values) if values else None
