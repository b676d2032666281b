"""SQuAD v1.1 exact match and token F1, plus the abstention rule for unanswerable questions.

Normalization (SQuAD v1.1): lower-case, drop ASCII punctuation, drop the words a/an/the,
collapse whitespace. EM and F1 are the maximum over the gold aliases. When the normalized
prediction or gold is empty, F1 is 1 if both are empty and 0 otherwise (SQuAD v2 rule).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

from harness.errors import HarnessError
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


def says_abstain_phrase(answer: str, abstain_phrase: str) -> bool:
    """True if the normalized answer is the normalized phrase, or begins with it as whole words.

    With phrase "unanswerable": "Unanswerable.", "**Unanswerable**" and "unanswerable - the article
    does not say" say it; "unanswerables", "It is unanswerable" and "" do not. On an answerable
    item this alone zeroes exact match and F1, as it always has (harness.metrics.is_abstention
    hears abstentions in other words too; on answerable items they keep their SQuAD scores).
    """
    phrase = normalize_answer(abstain_phrase)
    if not phrase:
        raise HarnessError(f"abstain_phrase {abstain_phrase!r} is empty after normalization; use words")
    normalized = normalize_answer(answer)
    return normalized == phrase or normalized.startswith(phrase + " ")


def qa_item_scores(answer: str, answers: Sequence[str], abstain_phrase: str) -> dict:
    """Scores of one extracted answer: {"exact_match", "f1", "abstained"}.

    `abstained` is the abstention detector's verdict (harness.metrics.is_abstention).
    Unanswerable item (answers == []): 1.0/1.0 if the answer abstains, else 0.0/0.0.
    Answerable item: an answer that says the abstain phrase scores 0.0/0.0; anything else (the
    empty answer included) gets SQuAD EM and F1, maximum over the aliases.
    """
    from harness.metrics._abstention import is_abstention

    if isinstance(answers, str):
        raise HarnessError("answers must be a list of strings, not a string")
    abstained = is_abstention(answer, abstain_phrase)
    if not answers:
        score = float(abstained)
        return {"exact_match": score, "f1": score, "abstained": abstained}
    if says_abstain_phrase(answer, abstain_phrase):
        return {"exact_match": 0.0, "f1": 0.0, "abstained": abstained}
    return {"exact_match": exact_match(answer, answers), "f1": token_f1(answer, answers), "abstained": abstained}


def abstention_item_score(abstained: bool, answers: Sequence[str]) -> float:
    """1.0 when the model abstained exactly when the item is unanswerable (answers == [])."""
    return float(bool(abstained) == (len(answers) == 0))


def abstention_accuracy(abstained: Sequence[bool], answers: Sequence[Sequence[str]]) -> float | None:
    """Share of items where abstaining matched unanswerability; None for no items."""
    if len(abstained) != len(answers):
        raise HarnessError(f"abstention_accuracy: {len(abstained)} flags but {len(answers)} answer lists")
    if not abstained:
        return None
    return sum(abstention_item_score(a, g) for a, g in zip(abstained, answers)) / len(abstained)
