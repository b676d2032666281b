"""From generations to numbers: each task scores its items, then means with bootstrap intervals
overall and per group, the task's own summary values, and its extra `evaluate` metrics.

Failed items (the backend reported an error, or a replayed file lacks them) stay in the
denominator and score zero on every metric: dropping them would flatter a flaky model.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any, Sequence

from harness.metrics import compute_extra_metric, load_extra_metric, mean_with_ci
from harness.report import FailedItem, GroupResult, ItemScore, MetricValue, TaskResult
from harness.tasks import TASKS, EvalItem, Scored, metric_value


def score_task(model: str, task_name: str, options: Any, items: list[EvalItem], records: dict,
               bootstrap: Any, judged: dict[str, Any] | None = None) -> tuple[TaskResult, list[dict[str, Any]]]:
    """(the task's result for one model, its predictions.jsonl lines); `judged` holds a model
    judge's verdicts by item id (QA with the judge metric)."""
    task = TASKS[task_name]
    records = [records[(item.task, item.id)] for item in items]
    extra = (lambda item: {"judged": judged.get(item.id)}) if judged else (lambda item: {})
    scored = [task.score(item, r["prediction"] if r.get("error") is None else None, options, **extra(item))
              for item, r in zip(items, records)]
    lines = [_prediction_line(model, item, record, s) for item, record, s in zip(items, records, scored)]
    mean = functools.partial(_mean, clusters=[item.article_id for item in items], bootstrap=bootstrap)
    articles = {item.article_id for item in items}
    result = TaskResult(
        n=len(items),
        metrics=_metrics(options.metrics, scored, mean),
        failed=sum(1 for r in records if r.get("error") is not None),
        truncated=sum(1 for r in records if r.get("truncated")),
        **{task.group_field: _groups(items, scored, options.metrics, bootstrap, lambda item: item.group)},
        by_article=_groups(items, scored, options.metrics, bootstrap, lambda item: item.article_id)
        if len(articles) > 1 else None,
        **task.summary(items, scored, mean),
        failed_items=[FailedItem(id=item.id, error=r["error"]) for item, r in zip(items, records)
                      if r.get("error") is not None],
        extra_metrics=_extra_metrics(options, items, scored) if options.extra_metrics else None,
        items=[ItemScore(id=item.id, article_id=item.article_id, group=item.group,
                         scores={m: metric_value(s.scores, m) for m in options.metrics})
               for item, s in zip(items, scored)],
    )
    return result, lines


def _groups(items: list[EvalItem], scored: list[Scored], metrics: list[str], bootstrap: Any,
            key: Any) -> dict[str, GroupResult]:
    """The metrics of each group of items (a question type, a style, an article), sorted by group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[key(item)].append(index)
    return {group: GroupResult(n=len(indexes), metrics=_metrics(
                metrics, [scored[i] for i in indexes],
                functools.partial(_mean, clusters=[items[i].article_id for i in indexes], bootstrap=bootstrap)))
            for group, indexes in sorted(groups.items())}


def _mean(values: Sequence[float], clusters: list[str], bootstrap: Any) -> MetricValue:
    return MetricValue(**mean_with_ci(values, clusters, resamples=bootstrap.resamples, seed=bootstrap.seed,
                                      confidence=bootstrap.confidence))


def _metrics(names: list[str], scored: list[Scored], mean: Any) -> dict[str, MetricValue]:
    """Per metric, the mean of its per-item values; multi-part scores also the means of their parts."""
    out = {}
    for name in names:
        value = mean([metric_value(s.scores, name) for s in scored])
        if scored and isinstance(scored[0].scores[name], dict):
            for part in ("precision", "recall"):
                parts = [s.scores[name][part] for s in scored]
                setattr(value, part, sum(parts) / len(parts))
        out[name] = value
    return out


def _extra_metrics(options: Any, items: list[EvalItem], scored: list[Scored]) -> dict[str, Any]:
    """Config-added `evaluate` metrics over the whole task: extracted answers vs references."""
    answers = [s.answer for s in scored]
    references = [list(item.references) or [""] for item in items]  # unanswerable: the empty answer
    return {extra.name: compute_extra_metric(load_extra_metric(extra.path), answers, references, extra.kwargs)
            for extra in options.extra_metrics}


def _prediction_line(model: str, item: EvalItem, record: dict[str, Any], scored: Scored) -> dict[str, Any]:
    return {
        "model": model, "task": item.task, "id": item.id, "article_id": item.article_id,
        "question": item.question, "style": item.style,
        "prediction": record.get("prediction"), "answer": scored.answer,
        "references": list(item.references), "scores": scored.scores, "error": record.get("error"),
        "truncated": bool(record.get("truncated")), **scored.extra,
    }
