"""From generations to numbers: each task turns its items' generations into answers, each
configured metric scores them, then means with bootstrap intervals overall, per group and per
article, the task's own summary values, and its extra `evaluate` metrics.

Failed items (the backend reported an error, or a replayed file lacks them) stay in the
denominator and score zero on every metric: dropping them would flatter a flaky model. An item
a metric gives no number (None: it does not apply; a NoScore: it could not score it) is left
out of that metric's mean, interval and part means, and the metric's `n` says over how many
items they are.
A metric that raises, or returns something that is not a score, stops the run with one line
naming the metric and the item (exit 2, harness.scoring); the run log keeps every generation
for --resume.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any, Sequence

from harness.metrics._evaluate import compute_extra_metric, load_extra_metric
from harness.report import ARTICLE_BREAKDOWN, FailedItem, GroupResult, ItemScore, MetricValue, PredictionLine, TaskResult
from harness.run._records import Generation
from harness.scoring import ItemScores, score_answers
from harness.stats import mean_with_ci
from harness.tasks import EvalItem, Metric, metric as load_metric, task as get_task


def score_task(model: str, task_name: str, options: Any, items: list[EvalItem], records: dict,
               bootstrap: Any, judged: dict[str, Any] | None = None) -> tuple[TaskResult, list[PredictionLine]]:
    """(the task's result for one model, its predictions.jsonl lines); `judged` holds the task's
    model judge's verdicts by item id, when it has one."""
    task = get_task(task_name)
    generations: list[Generation] = [records[(item.task, item.id)] for item in items]
    metrics = [load_metric(name) for name in options.metrics]
    answers = [None if g.failed else task.answer(item, g.prediction, options, (judged or {}).get(item.id))
               for item, g in zip(items, generations)]
    scored = score_answers(metrics, items, answers, options)
    extra_scores = [task.item_scores(item, answer, options) for item, answer in zip(items, answers)]
    lines = [PredictionLine.of(model, item, g, s, extra)
             for item, g, s, extra in zip(items, generations, scored, extra_scores)]
    clusters = [item.article_id for item in items]
    mean = functools.partial(_mean, clusters=clusters, bootstrap=bootstrap)
    breakdowns = {task.group_label: _groups(items, scored, metrics, bootstrap, lambda item: item.group)}
    if len({item.article_id for item in items}) > 1:
        breakdowns[ARTICLE_BREAKDOWN] = _groups(items, scored, metrics, bootstrap, lambda item: item.article_id)
    undecided = {m.name: sum(1 for s in scored if m.name in s.undecided) for m in metrics}
    result = TaskResult(
        n=len(items),
        metrics=_metrics(metrics, scored, clusters, bootstrap),
        failed=sum(1 for g in generations if g.failed),
        truncated=sum(1 for g in generations if g.truncated),
        metric_failures={name: count for name, count in undecided.items() if count},
        breakdowns=breakdowns,
        values={label: mean([float(extra[key]) for extra in extra_scores])
                for key, label in task.summary_values.items()},
        failed_items=[FailedItem(id=item.id, error=g.error) for item, g in zip(items, generations) if g.failed],
        extra_metrics=_extra_metrics(options, items, scored) if options.extra_metrics else None,
        items=[ItemScore(id=item.id, article_id=item.article_id, group=item.group,
                         scores={m.name: s.values[m.name] for m in metrics})
               for item, s in zip(items, scored)],
    )
    return result, lines


def _groups(items: list[EvalItem], scored: list[ItemScores], metrics: list[Metric], bootstrap: Any,
            key: Any) -> dict[str, GroupResult]:
    """The metrics of each group of items (a question type, a style, an article), sorted by group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[key(item)].append(index)
    return {group: GroupResult(n=len(indexes), metrics=_metrics(
                metrics, [scored[i] for i in indexes], [items[i].article_id for i in indexes], bootstrap))
            for group, indexes in sorted(groups.items())}


def _mean(values: Sequence[float], clusters: list[str], bootstrap: Any) -> MetricValue:
    return MetricValue(**mean_with_ci(values, clusters, resamples=bootstrap.resamples, seed=bootstrap.seed,
                                      confidence=bootstrap.confidence))


def _metrics(metrics: list[Metric], scored: list[ItemScores], clusters: list[str],
             bootstrap: Any) -> dict[str, MetricValue]:
    """Per metric, the mean of its per-item numbers over the items that have one (with `n`, how
    many, when some have none); a multi-part score also the mean of each part over them."""
    out = {}
    for metric in metrics:
        kept = [index for index, s in enumerate(scored) if s.values[metric.name] is not None]
        value = _mean([scored[i].values[metric.name] for i in kept], [clusters[i] for i in kept], bootstrap)
        if metric.parts and kept:
            value.parts = {part: sum(scored[i].results[metric.name][part] for i in kept) / len(kept)
                           for part in metric.parts}
        if len(kept) < len(scored):
            value.n = len(kept)
        out[metric.name] = value
    return out


def _extra_metrics(options: Any, items: list[EvalItem], scored: list[ItemScores]) -> dict[str, Any]:
    """Config-added `evaluate` metrics over the whole task: scored answers vs references."""
    answers = [s.answer for s in scored]
    references = [list(item.references) or [""] for item in items]  # no reference: the empty answer
    return {extra.name: compute_extra_metric(load_extra_metric(extra.path), answers, references, extra.kwargs)
            for extra in options.extra_metrics}
