"""How far each QA metric agrees with the labels (`harness gold agreement`): the labelled
answers of the gold set (gold/<article>/judgments.jsonl, each row naming who labelled it in
`labelled_by`) are replayed through the QA task's scoring (harness.agreement.score_answer, as
`harness agreement` does) and a configured model judge, and each metric's verdict is compared
with the label.

A metric's verdict on one answer: exact_match = 1, f1 >= F1_THRESHOLD, correct = 1, a judge
says CORRECT. Reported per metric: agreement (share of answers where verdict = label), Cohen's
kappa, the confusion counts, and the disagreements.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from harness.agreement._stats import Confusion
from harness.errors import HarnessError, shown
from harness.run._judge import judge_given

F1_THRESHOLD = 0.5
NOT_RECORDED = "labeller not recorded"
VERDICTS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "exact_match": lambda scores: scores["exact_match"] == 1.0,
    f"f1>={F1_THRESHOLD}": lambda scores: scores["f1"] >= F1_THRESHOLD,
    "correct": lambda scores: scores["correct"] == 1.0,
}


@dataclass(frozen=True)
class Disagreement:
    id: str
    prediction: str
    human: bool  # the label
    metric: bool
    reason: str  # the labeller's reason
    rule: str  # what decided the metric's verdict, where it says


@dataclass
class MetricAgreement:
    """One metric against the labels."""

    metric: str
    true_positive: int = 0  # metric and label say correct
    false_positive: int = 0  # metric says correct, label wrong
    false_negative: int = 0  # metric says wrong, label correct
    true_negative: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    labelled_by: Counter = field(default_factory=Counter)  # who gave the labels compared, as the rows say

    @property
    def counts(self) -> Confusion:
        return Confusion(self.true_positive, self.false_positive, self.false_negative, self.true_negative)

    @property
    def n(self) -> int:
        return self.counts.n

    @property
    def agreement(self) -> float | None:
        return self.counts.agreement

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa (harness.agreement._stats.Confusion)."""
        return self.counts.kappa

    def add(self, judged: Any, verdict: bool, rule: str) -> None:
        self.labelled_by[getattr(judged, "labelled_by", None) or NOT_RECORDED] += 1
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


def measure_agreement(gold: Any, split: str, options: Any) -> list[MetricAgreement]:
    """Each QA metric's agreement with the labels of `split` ("dev", "heldout" or "all").
    `options` are the QA task's options (extraction, abstain phrase, judge); with a judge, it
    grades every judged answer (cached like any generation)."""
    from harness.tasks.qa import qa_item

    judgments = [j for j in gold.judgments if split in ("all", j.split)]
    if not judgments:
        raise HarnessError(f"{gold.path}: no labelled answers{'' if split == 'all' else f' in split {split!r}'} "
                           "(gold/<article>/judgments.jsonl)")
    questions = {q.id: q for q in gold.qa}
    items = [qa_item(questions[j.id], gold.articles[questions[j.id].article_id].text) for j in judgments]
    verdicts = judge_given(items, [j.prediction for j in judgments], options) if options.judge else None
    return agreement(judgments, items, options, verdicts)


def agreement(judgments: Sequence[Any], items: Sequence[Any], options: Any,
              judge_verdicts: Sequence[Any] | None = None) -> list[MetricAgreement]:
    """Each metric's agreement with the labels; `items` are the judged answers' QA items, in
    order, and `judge_verdicts` a model judge's verdicts on them, if any."""
    from harness.agreement._scoring import score_answer

    options = options.model_copy(update={"metrics": ["exact_match", "f1", "correct"], "judge": None})
    results = {name: MetricAgreement(name) for name in VERDICTS}
    if judge_verdicts is not None:
        results["judge"] = MetricAgreement("judge")
    for index, (judged, item) in enumerate(zip(judgments, items)):
        scored = score_answer(item, judged.prediction, options)
        for name, decide in VERDICTS.items():
            results[name].add(judged, decide(scored.values), scored.reasons.get(name, f"answer {scored.answer!r}"))
        if judge_verdicts is not None:
            results["judge"].add(judged, judge_verdicts[index].correct, judge_verdicts[index].rule)
    return list(results.values())


def format_agreement(results: Sequence[MetricAgreement], split: str) -> str:
    """The table of every metric, then each metric's disagreements, as text for the terminal."""
    n = results[0].n if results else 0
    who = "; ".join(f"{name}: {count}" for name, count in results[0].labelled_by.most_common()) if results else ""
    lines = [f"agreement with {n} labelled answers (split: {split}); labelled by {who or 'nobody'}", "",
             f"{'metric':<12} {'agreement':>9} {'kappa':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}"]
    for r in results:
        lines.append(f"{r.metric:<12} {r.agreement:>9.3f} {r.kappa:>6.3f} {r.true_positive:>4} "
                     f"{r.false_positive:>4} {r.false_negative:>4} {r.true_negative:>4}")
    lines.append("(TP: metric and label say correct; FP: the metric says correct, the label wrong; "
                 "FN: the reverse)")
    for r in results:
        lines += ["", f"{r.metric}: {len(r.disagreements)} disagreement(s)"]
        lines += [f"  {'FP' if d.metric else 'FN'} {d.id}: {shown(d.prediction, 100)} | label's reason: "
                  f"{shown(d.reason, 80)} | metric: {shown(d.rule, 80)}" for d in r.disagreements]
    return "\n".join(lines)
