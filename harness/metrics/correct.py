"""The `correct` metric: 1 when the answer says what an accepted answer says, with the rule that
decided it (the rules: harness.metrics._correct)."""

from __future__ import annotations

from typing import Any

from harness.metrics._correct import judge
from harness.tasks import Metric, Verdict
from harness.tasks.qa import NAME as QA, QAAnswer


def _correct(answer: QAAnswer, options: Any) -> Verdict:
    return judge(answer.text, answer.references, answer.question, answer.abstained)


CORRECT = Metric("correct", QA, "1 when the answer says what an accepted answer says (rules in docs/metrics.md)",
                 _correct)
