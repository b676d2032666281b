"""The `exact_match` and `f1` metrics: SQuAD v1.1 exact match and token F1, with the abstention
rule for unanswerable questions.

Normalization (SQuAD v1.1): lower-case, drop ASCII punctuation, drop the words a/an/the,
collapse whitespace. EM and F1 are the maximum over the gold aliases. When the normalized
prediction or gold is empty, F1 is 1 if both are empty and 0 otherwise (SQuAD v2 rule).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

from typing import Any, Callable

from harness.errors import HarnessError
from harness.tasks import Metric
from harness.tasks.qa import NAME as QA, QAAnswer
from harness.text import normalize_answer


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 if the normalized prediction equals any normalized gold alias, else 0.0."""
    _check_golds(golds)
    normalized = normalize_answer(prediction)
    return float(any(normalized == normalize_answer(gold) for gold in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """Bag-of-tokens F1 against each gold alias; the maximum."""
    _check_golds(golds)
    tokens = normalize_answer(prediction).split()
    return max(_f1(tokens, normalize_answer(gold).split()) for gold in golds)


def _f1(prediction: list[str], gold: list[str]) -> float:
    if not prediction or not gold:
        return float(prediction == gold)
    same = sum((collections.Counter(prediction) & collections.Counter(gold)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(prediction), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def _check_golds(golds: Sequence[str]) -> None:
    if isinstance(golds, str) or not golds:
        raise HarnessError("SQuAD metrics need a non-empty list of gold answers")


def _with_abstention(rule: Callable[[str, Sequence[str]], float]) -> Callable[[QAAnswer, Any], float]:
    """A SQuAD metric with the abstention rule: an unanswerable item scores 1 when the model
    abstains and 0 otherwise; on an answerable item the abstain phrase scores 0, anything else
    the official SQuAD v1.1 number."""

    def score(answer: QAAnswer, options: Any) -> float:
        if not answer.references:
            return float(answer.abstained)
        return 0.0 if answer.said_phrase else rule(answer.text, answer.references)

    return score


EXACT_MATCH = Metric("exact_match", QA, "SQuAD v1.1 exact match, maximum over the accepted answers",
                     _with_abstention(exact_match))
F1 = Metric("f1", QA, "SQuAD v1.1 token F1, maximum over the accepted answers", _with_abstention(token_f1))
