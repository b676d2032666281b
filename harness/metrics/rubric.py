"""`rubric`: the ratings of the summarization task's rubric judge (`tasks.summarization.judge`),
which the run obtains before scoring and attaches to each answer (`answer.rubric`;
harness.tasks._rubric_judge prompts the judge and parses its replies).

Parts: the four dimensions' 1-5 scores and `mean`, their mean (the metric's number). A rating
with a dimension the judge gave no clear score for has no number: the item is left out of the
metric's means and counts as a failure of the metric (a NoScore, whose rule names the
dimensions and keeps the reply as data).
"""

from __future__ import annotations

from typing import Any

from harness.tasks import Metric, NoScore
from harness.tasks._rubric_judge import DIMENSIONS, RubricVerdict
from harness.tasks.summarization import NAME as TASK, SummaryAnswer

PARTS = (*DIMENSIONS, "mean")
DESCRIPTION = ("the 1-5 ratings of consistency, relevance, coherence and fluency by the model judge of "
               "tasks.summarization.judge (summary_judge.jinja), and their mean")


def parts_of(verdict: RubricVerdict) -> dict[str, float | None]:
    """Each dimension's 1-5 score (None: no verdict), and their mean when all four have one
    (else None)."""
    parts: dict[str, float | None] = {d: (None if verdict.scores[d] is None else float(verdict.scores[d]))
                                      for d in DIMENSIONS}
    parts["mean"] = sum(parts[d] for d in DIMENSIONS) / len(DIMENSIONS) if verdict.complete else None
    return parts


def score(answer: SummaryAnswer, options: Any = None) -> dict[str, float] | NoScore:
    """The parts of the rating the runner attached to the answer, or a NoScore when a dimension
    has no verdict."""
    verdict = getattr(answer, "rubric", None)
    if verdict is None:  # the config check makes this a bug, not a user's mistake
        raise RuntimeError("the rubric metric is scored from the ratings of tasks.summarization.judge")
    if verdict.complete:
        return parts_of(verdict)
    if verdict.failed:
        return NoScore(verdict.reason)
    scored = "".join(f"; {d} {s}" for d, s in verdict.scores.items() if s is not None)
    return NoScore(f"judge gave no full rating ({'; '.join(verdict.problems)}{scored}): {verdict.reply!r}")


RUBRIC = Metric("rubric", TASK, DESCRIPTION, score=score, parts=PARTS, value_part="mean")
