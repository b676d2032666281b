"""The `judge` metric: the verdict of the model judge configured under `tasks.qa.judge`, which
the run obtains before scoring (harness.tasks._qa_judge)."""

from __future__ import annotations

from typing import Any

from harness.tasks import Metric, Verdict
from harness.tasks.qa import NAME as QA, QAAnswer


def _judged(answer: QAAnswer, options: Any) -> Verdict:
    if answer.judged is None:  # the config check makes this a bug, not a user's mistake
        raise RuntimeError("the judge metric is scored from the verdicts of tasks.qa.judge")
    return answer.judged


JUDGE = Metric("judge", QA, "1 when the model judge of tasks.qa.judge says CORRECT", _judged)
