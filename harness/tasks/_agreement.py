"""How far each QA metric agrees with a person: the human-judged answers of the gold set
(gold/<article>/judgments.jsonl) are replayed through the QA task's scoring, and each metric's
verdict is compared with the human label.

A metric's verdict on one answer: exact_match = 1, f1 >= F1_THRESHOLD, correct = 1, a judge
says CORRECT. Reported per metric: agreement (share of answers where verdict = label), Cohen's
kappa, the confusion counts, and the disagreements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

F1_THRESHOLD = 0.5
VERDICTS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "exact_match": lambda scores: scores["exact_match"] == 1.0,
    f"f1>={F1_THRESHOLD}": lambda scores: scores["f1"] >= F1_THRESHOLD,
    "correct": lambda scores: scores["correct"] == 1.0,
}


@dataclass(frozen=True)
class Disagreement:
    id: str
    prediction: str
    human: bool
    metric: bool
    reason: str  # the human's reason
    rule: str  # what decided the metric's verdict, where it says


@dataclass
class MetricAgreement:
    """One metric against the human labels."""

    metric: str
    true_positive: int = 0  # metric and person say correct
    false_positive: int = 0  # metric says correct, person wrong
    false_negative: int = 0  # metric says wrong, person correct
    true_negative: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def n(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def agreement(self) -> float | None:
        return (self.true_positive + self.true_negative) / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two label rates give by chance."""
        if not self.n:
            return None
        metric_yes = (self.true_positive + self.false_positive) / self.n
        human_yes = (self.true_positive + self.false_negative) / self.n
        chance = metric_yes * human_yes + (1 - metric_yes) * (1 - human_yes)
        return 1.0 if chance == 1 else (self.agreement - chance) / (1 - chance)

    def add(self, judged: Any, verdict: bool, rule: str) -> None:
        if verdict and judged.correct:
            self.true_positive += 1
        elif verdict:
            self.false_positive += 1
        elif judged.correct:
            self.false_negative += 1
        else:
            self.true_negative += 1
        if verdict != judged.correct:
            self.disagreements.append(Disagreement(judged.id, judged.prediction, judged.correct, verdict,
                                                   judged.reason, rule))


def agreement(judgments: Sequence[Any], questions: dict[str, Any], options: Any,
              judge_verdicts: dict[tuple[str, str], tuple[bool, str]] | None = None) -> list[MetricAgreement]:
    """Each metric's agreement with the human labels. `questions` maps a QA id to its gold item
    (question, answers); `options` are the QA task's options (extraction, abstain phrase);
    `judge_verdicts` maps (id, prediction) to a model judge's (verdict, raw output), if any."""
    from harness.tasks.qa import QATask, qa_item

    task = QATask()
    options = options.model_copy(update={"metrics": ["exact_match", "f1", "correct"]})
    results = {name: MetricAgreement(name) for name in VERDICTS}
    if judge_verdicts is not None:
        results["judge"] = MetricAgreement("judge")
    for judged in judgments:
        item = qa_item(questions[judged.id])
        scored = task.score(item, judged.prediction, options)
        rules = scored.extra.get("reasons", {})
        for name, decide in VERDICTS.items():
            results[name].add(judged, decide(scored.scores), rules.get(name, f"answer {scored.answer!r}"))
        if judge_verdicts is not None:
            verdict, raw = judge_verdicts[(judged.id, judged.prediction)]
            results["judge"].add(judged, verdict, f"judge said {raw!r}")
    return list(results.values())
