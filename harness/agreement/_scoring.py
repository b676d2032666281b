"""Scoring a judged answer as a run scores it: the one place the QA task's scoring is called.

Every QA verdict `harness agreement` and `harness gold agreement` compare with a label comes
from `score_answer`, which runs the QA task's scoring (extraction, abstention detection, the
configured metrics) on the raw prediction. `verdicts` turns its scores into yes/no verdicts, each
with the rule that decided it; `containment` is the baseline of the tables (an accepted answer,
SQuAD-normalized, is a substring of the normalized answer), not a metric of a run.
"""

from __future__ import annotations

from typing import Any

from harness.text import normalize_answer

F1_THRESHOLD = 0.5
QA_METRICS = ("exact_match", "f1", "correct")
NAMES = {"exact_match": "exact_match", "f1": f"f1>={F1_THRESHOLD}", "correct": "correct"}
BASELINES = ("containment",)


def qa_item(question: str, references: tuple[str, ...], id: str = "judged") -> Any:
    """An item of the QA task to score a given answer against; it renders no prompt."""
    from harness.tasks._base import EvalItem

    def no_request(template: Any = None):
        raise RuntimeError(f"{id}: an item made to score given answers renders no prompt")

    return EvalItem("qa", id, "judged", "judged", tuple(references), no_request, question=question)


def score_answer(item: Any, prediction: str, options: Any) -> Any:
    """The QA task's Scored for one raw prediction (the answer extracted, abstention detected)."""
    from harness.tasks.qa import QATask

    return QATask().score(item, prediction, options)


def verdicts(scored: Any, references: tuple[str, ...], metrics: tuple[str, ...]) -> dict[str, tuple[bool, str]]:
    """Metric name (as the tables show it) -> (verdict, the rule or answer that decided it)."""
    rules = scored.extra.get("reasons", {})
    out = {}
    for metric in metrics:
        if metric == "containment":
            out[metric] = containment(scored.answer, references, bool(scored.scores["abstained"]))
            continue
        value = scored.scores[metric]
        verdict = value >= F1_THRESHOLD if metric == "f1" else value == 1.0
        out[NAMES[metric]] = (verdict, rules.get(metric, f"answer {scored.answer!r}"))
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
