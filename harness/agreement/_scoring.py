"""Scoring a judged answer as a run scores it: the one place the QA task's scoring is called.

Every QA verdict `harness agreement` and `harness gold agreement` compare with a label comes
from `score_answer`, which runs the QA task's scoring (extraction, abstention detection, the
configured metrics) on the raw prediction. `verdicts` turns its scores into yes/no verdicts, each
with the rule that decided it; `containment` is the baseline of the tables (an accepted answer,
SQuAD-normalized, is a substring of the normalized answer), not a metric of a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.text import normalize_answer

F1_THRESHOLD = 0.5
QA_METRICS = ("exact_match", "f1", "correct")
NAMES = {"exact_match": "exact_match", "f1": f"f1>={F1_THRESHOLD}", "correct": "correct"}
BASELINES = ("containment",)


@dataclass(frozen=True)
class Scored:
    """One judged answer as the run scores it: the extracted answer, each metric's number, the
    rules behind the verdicts, and whether the answer abstains."""

    answer: str
    values: dict[str, float]
    reasons: dict[str, str]
    abstained: bool


def qa_item(question: str, references: tuple[str, ...], id: str = "judged", document: str = "") -> Any:
    """An item of the QA task to score a given answer against; it renders no prompt."""
    from types import SimpleNamespace

    from harness.tasks.qa import qa_item as task_item

    judged = SimpleNamespace(id=id, article_id="judged", type="judged", answers=tuple(references), question=question)
    return task_item(judged, document)


def score_answer(item: Any, prediction: str, options: Any) -> Scored:
    """One raw prediction scored as the run scores a generation (the answer extracted,
    abstention detected, the configured QA metrics)."""
    from harness.scoring import score_answers
    from harness.tasks import metric
    from harness.tasks.qa import QATask

    answer = QATask().answer(item, prediction, options)
    scored = score_answers([metric(name) for name in options.metrics], [item], [answer], options)[0]
    return Scored(scored.answer, scored.values, scored.reasons, answer.abstained)


def verdicts(scored: Scored, references: tuple[str, ...], metrics: tuple[str, ...]) -> dict[str, tuple[bool, str]]:
    """Metric name (as the tables show it) -> (verdict, the rule or answer that decided it)."""
    out = {}
    for metric in metrics:
        if metric == "containment":
            out[metric] = containment(scored.answer, references, scored.abstained)
            continue
        value = scored.values[metric]
        verdict = value >= F1_THRESHOLD if metric == "f1" else value == 1.0
        out[NAMES[metric]] = (verdict, scored.reasons.get(metric, f"answer {scored.answer!r}"))
    return out


def containment(answer: str, references: tuple[str, ...], abstained: bool) -> tuple[bool, str]:
    """An accepted answer, normalized, inside the normalized answer; on a question with no
    answer, an abstention."""
    if not references:
        return abstained, "abstains" if abstained else "does not abstain"
    said = f" {normalize_answer(answer)} "
    for reference in references:
        wanted = normalize_answer(reference)
        if wanted and wanted in said:
            return True, f"contains '{reference}'"
    return False, "contains no accepted answer"
