"""Paired comparison of two reports: per model, task and metric, the delta and its bootstrap interval.

Items are paired by id (base order) and resampled together, clustered by article, with the
base report's bootstrap seed and resamples at confidence 1 - alpha. Per metric, only the pairs
whose items both reports scored are compared (a metric gives no number to an item it does not
apply to); `n` counts them. A change is significant
when its interval excludes 0, so the verdict always agrees with the interval shown.

The head must cover the base: every model, task and metric of the base must be in the head,
and of each model and task the head must hold at least `min_coverage` of the base's scored
items (and at least one). What it lacks fails the comparison like a regression beyond its
allowance; what only the head has is listed and does not fail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from harness.compare._gate import DEFAULT_MIN_COVERAGE, MIN_ALPHA, allowance_for, check_min_coverage
from harness.report import Report, TaskResult
from harness.errors import HarnessError
from harness.stats import paired_delta_ci

IMPROVED, REGRESSED, NO_CHANGE, NO_ITEMS = "improved", "regressed", "no significant change", "no items scored in both"
_ZERO = 1e-12  # bounds within float rounding of 0 count as 0
_MISSING = object()  # a key one side of a diff lacks


@dataclass(frozen=True)
class MetricDelta:
    """One metric of one model on one task: base, head, their paired difference and the verdict."""

    model: str
    task: str
    metric: str
    n: int
    base: float | None
    head: float | None
    delta: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    verdict: str
    allowance: float | None
    fails: bool


@dataclass(frozen=True)
class Dropped:
    """Items of one model and task that only one report holds (left out of the comparison)."""

    model: str
    task: str
    only_in_base: int
    only_in_head: int
    compared: int


@dataclass
class Comparison:
    alpha: float
    resamples: int
    seed: int
    base_gold: str
    head_gold: str
    allowances: dict[str, float]
    base: str = "base"
    head: str = "head"
    rows: list[MetricDelta] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    only_in_base: list[str] = field(default_factory=list)
    only_in_head: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    min_coverage: float = DEFAULT_MIN_COVERAGE
    too_few: list[str] = field(default_factory=list)  # model and task the head holds too few items of

    @property
    def failures(self) -> list[MetricDelta]:
        return [row for row in self.rows if row.fails]

    @property
    def passed(self) -> bool:
        """No failing row, nothing of the base missing from the head, enough items, something compared."""
        return bool(self.rows) and not self.failures and not self.only_in_base and not self.too_few

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def compare_reports(base: Report, head: Report, alpha: float = 0.05, allowances: dict[str, float] | None = None,
                    allow_gold_change: bool = False, labels: tuple[str, str] = ("base", "head"),
                    min_coverage: float = DEFAULT_MIN_COVERAGE) -> Comparison:
    """Compare HEAD against BASE. Different gold is an error (exit 2) unless allow_gold_change.

    `labels` name the two reports in the output (their paths, for the CLI)."""
    if not MIN_ALPHA <= alpha < 1:  # below MIN_ALPHA the confidence 1 - alpha rounds to 1
        raise HarnessError(f"--alpha must be between 0 and 1 (exclusive) and at least {MIN_ALPHA:g}, got {alpha}")
    check_min_coverage(min_coverage)
    result = Comparison(alpha, base.scoring.bootstrap.resamples, base.scoring.bootstrap.seed,
                        base.gold.hash, head.gold.hash, dict(allowances or {}), *labels, min_coverage=min_coverage)
    _check_gold(result, allow_gold_change)
    _check_settings(result, base, head)
    heads = {model.name: model for model in head.models}
    for model in base.models:
        if model.name not in heads:
            result.only_in_base.append(f"model {model.name}")
            continue
        head_tasks = heads[model.name].tasks
        for task_name, task in model.tasks.items():
            if task_name in head_tasks:
                _compare_task(result, model.name, task_name, task, head_tasks[task_name])
            else:
                result.only_in_base.append(f"task {task_name} of model {model.name}")
        result.only_in_head += [f"task {t} of model {model.name}" for t in head_tasks if t not in model.tasks]
    names = {model.name for model in base.models}
    result.only_in_head[:0] = [f"model {m.name}" for m in head.models if m.name not in names]
    return result


def _check_gold(result: Comparison, allow_gold_change: bool) -> None:
    if result.base_gold == result.head_gold:
        return
    hashes = f"base {result.base_gold[:12]}, head {result.head_gold[:12]}"
    if not allow_gold_change:
        raise HarnessError(f"the reports are about different gold data ({hashes}); "
                           "pass --allow-gold-change to compare the items both hold")
    result.warnings.append(f"gold data changed ({hashes}): compared only the item ids both reports hold")


def _check_settings(result: Comparison, base: Report, head: Report) -> None:
    base_config = {k: v for k, v in base.config.items() if k != "models"}
    head_config = {k: v for k, v in head.config.items() if k != "models"}
    if changed := differences(base_config, head_config):
        result.warnings.append("configs differ besides the model list: " + ", ".join(changed))
    if changed := differences(base.scoring_options(), head.scoring_options()):
        result.warnings.append("scoring options differ: " + ", ".join(changed))


def differences(base: Any, head: Any, path: str = "") -> list[str]:
    """Dotted key paths where two JSON values differ (lists are compared whole)."""
    if isinstance(base, dict) and isinstance(head, dict):
        return [d for key in sorted(base.keys() | head.keys(), key=str)
                for d in differences(base.get(key, _MISSING), head.get(key, _MISSING), f"{path}.{key}" if path else str(key))]
    return [] if base == head else [path or "(whole value)"]


def _compare_task(result: Comparison, model: str, task_name: str, base: TaskResult, head: TaskResult) -> None:
    head_items = {item.id: item for item in head.items}
    pairs = [(item, head_items[item.id]) for item in base.items if item.id in head_items]
    only_base, only_head = len(base.items) - len(pairs), len(head.items) - len(pairs)
    if only_base or only_head:
        result.dropped.append(Dropped(model, task_name, only_base, only_head, len(pairs)))
    _check_coverage(result, model, task_name, len(pairs), len(base.items))
    head_metrics = head.metric_names()
    for metric in base.metric_names():
        if metric not in head_metrics:
            result.only_in_base.append(f"metric {task_name}.{metric} of model {model}")
            continue
        scored = [(b, h) for b, h in pairs if b.scores[metric] is not None and h.scores[metric] is not None]
        base_values = [b.scores[metric] for b, _ in scored]
        head_values = [h.scores[metric] for _, h in scored]
        clusters = [b.article_id for b, _ in scored]
        result.rows.append(_row(result, model, task_name, metric, base_values, head_values, clusters))
    result.only_in_head += [f"metric {task_name}.{m} of model {model}" for m in head_metrics if m not in base.metric_names()]


def _check_coverage(result: Comparison, model: str, task: str, compared: int, held: int) -> None:
    """Record model and task in `too_few` when the head shares no item with the base, or fewer
    than min_coverage of the base's items (a base task without scored items compares nothing)."""
    if held == 0:
        result.too_few.append(f"{model} {task}: the base holds no scored items")
    elif compared == 0:
        result.too_few.append(f"{model} {task}: 0 of the base's {held} items (no common item ids)")
    elif compared / held < result.min_coverage:
        result.too_few.append(f"{model} {task}: {compared} of the base's {held} items ({compared / held:.0%}), "
                              f"below --min-coverage {result.min_coverage:g}")


def _row(result: Comparison, model: str, task: str, metric: str,
         base_values: list[float], head_values: list[float], clusters: list[str]) -> MetricDelta:
    ci = paired_delta_ci(base_values, head_values, clusters=clusters, resamples=result.resamples,
                         seed=result.seed, confidence=1 - result.alpha)
    n = len(base_values)
    verdict = _verdict(ci)
    allowance = allowance_for(result.allowances, task, metric)
    # Every metric is gated; --max-drop gives a metric room to drop (0 when not named).
    fails = verdict == REGRESSED and -ci["delta"] > (allowance or 0.0)
    return MetricDelta(model, task, metric, n, _mean(base_values), _mean(head_values), ci["delta"], ci["ci_low"],
               ci["ci_high"], ci["p_value"], verdict, allowance, fails)


def _verdict(ci: dict[str, Any]) -> str:
    if ci["delta"] is None:
        return NO_ITEMS
    if ci["ci_low"] > _ZERO:
        return IMPROVED
    if ci["ci_high"] < -_ZERO:
        return REGRESSED
    return NO_CHANGE


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None
