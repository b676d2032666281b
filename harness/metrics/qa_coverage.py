"""`qa_coverage`: content coverage without a reference summary. For an article with answerable
gold questions, the share of them whose accepted answer the summary states.

A question counts as covered when the `correct` matcher (harness.metrics.judge, with
abstained=False) accepts one of the summary's sentences as an answer to it, or accepts the
whole summary. Sentence by sentence, because the matcher reads a long text as a hedge or a
list; the whole text as well, for an answer that spans two sentences. The matcher's rules
decide, so a sentence that merely names the answer among other candidates is not counted.

An article without answerable gold questions has no coverage: `qa_coverage` gives NaN (not a
zero) with `covered` and `questions` 0, and the registered metric gives None (it does not
apply), so the item is left out of the metric's mean. An empty summary covers nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION



def covers(sentences: Sequence[str], question: str, accepted: Sequence[str]) -> bool:
    """Whether one of `sentences`, or all of them together, states an accepted answer."""
    from harness.metrics import judge

    if not accepted:
        return False
    texts = [s for s in sentences if s.strip()]
    if len(texts) > 1:
        texts.append(" ".join(texts))
    return any(judge(text, list(accepted), question, abstained=False).correct for text in texts)


def qa_coverage(sentences: Sequence[str], qa: Sequence[tuple[str, Sequence[str]]]) -> dict[str, float]:
    """{coverage, covered, questions} of a summary (as sentences) over the article's gold QA."""
    questions = [(q, a) for q, a in qa if a]
    covered = sum(covers(sentences, q, a) for q, a in questions)
    coverage = covered / len(questions) if questions else math.nan
    return {"coverage": coverage, "covered": float(covered), "questions": float(len(questions))}


def _score(answer: Any, options: Any) -> dict[str, float] | None:
    """The metric's parts; None (not applicable) for an article without answerable questions."""
    result = qa_coverage(answer.sentences, answer.qa)
    return result if result["questions"] else None


QA_COVERAGE = Metric("qa_coverage", SUMMARIZATION, "share of the article's answerable gold questions whose accepted "
                     "answer the summary states (the correct matcher, sentence by sentence)", _score,
                     parts=("coverage", "covered", "questions"), value_part="coverage")
