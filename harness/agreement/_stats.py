"""How far one metric's verdicts agree with the labels: the share that agree with a bootstrap
interval (resampling whole questions, seeded), Cohen's kappa, and the confusion counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Confusion:
    """Counts of a metric's verdicts against the labels (positive = accepted)."""

    true_positive: int = 0  # metric and label say correct
    false_positive: int = 0  # the metric says correct, the label wrong
    false_negative: int = 0  # the metric says wrong, the label correct
    true_negative: int = 0

    @property
    def n(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def agreement(self) -> float | None:
        return (self.true_positive + self.true_negative) / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: agreement beyond what the two rates of "correct" give by chance."""
        if not self.n:
            return None
        metric_yes = (self.true_positive + self.false_positive) / self.n
        label_yes = (self.true_positive + self.false_negative) / self.n
        chance = metric_yes * label_yes + (1 - metric_yes) * (1 - label_yes)
        return 1.0 if chance == 1 else (self.agreement - chance) / (1 - chance)


def confusion(verdicts: Sequence[bool], labels: Sequence[bool]) -> Confusion:
    """The confusion counts of paired verdicts and labels."""
    counts = [0, 0, 0, 0]
    for verdict, label in zip(verdicts, labels, strict=True):
        counts[(0 if label else 1) if verdict else (2 if label else 3)] += 1
    return Confusion(*counts)


def agreement_interval(verdicts: Sequence[bool], labels: Sequence[bool], clusters: Sequence[str],
                       resamples: int = 1000, seed: int = 0) -> tuple[float | None, float | None]:
    """The 95% percentile-bootstrap interval of the agreement, resampling clusters (questions)."""
    from harness.stats import mean_with_ci

    agrees = [float(v == label) for v, label in zip(verdicts, labels, strict=True)]
    if not agrees:
        return None, None
    ci = mean_with_ci(agrees, clusters if len(set(clusters)) > 1 else None, resamples=resamples, seed=seed)
    return ci["ci_low"], ci["ci_high"]
