"""The QA scores of one extracted answer as a run computes them, through the harness's own
pieces (abstention detection, the exact_match and f1 metric objects), for tests that check a
run's numbers item by item."""

from __future__ import annotations

from typing import Sequence

from harness.errors import HarnessError
from harness.metrics.exact_match_f1 import EXACT_MATCH, F1
from harness.tasks._abstention import is_abstention, says_abstain_phrase
from harness.tasks.qa import QAAnswer


def qa_item_scores(answer: str, answers: Sequence[str], abstain_phrase: str) -> dict:
    """{"exact_match", "f1", "abstained"} of an extracted answer against its accepted answers
    ([] for an unanswerable question)."""
    if isinstance(answers, str):
        raise HarnessError("answers must be a list of strings, not a string")
    scoring = QAAnswer("", "", "", answer, answer, tuple(answers), "",
                       abstained=is_abstention(answer, abstain_phrase),
                       said_phrase=says_abstain_phrase(answer, abstain_phrase))
    return {"exact_match": EXACT_MATCH.score(scoring, None), "f1": F1.score(scoring, None),
            "abstained": scoring.abstained}
