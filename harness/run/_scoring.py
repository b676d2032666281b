"""From generations to numbers: each task turns its items' generations into answers, each
configured metric scores them, then means with bootstrap intervals overall, per group and per
article, the task's own summary values, and its extra `evaluate` metrics.

Failed items (the backend reported an error, or a replayed file lacks them) stay in the
denominator and score zero on every metric: dropping them would flatter a flaky model.
A metric that raises, or returns something that is not a score, stops the run with one line
naming the metric and the item (exit 2); the run log keeps every generation for --resume.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from typing import Any, Sequence

from harness import plugins
from harness.errors import HarnessError, shown
from harness.metrics._evaluate import compute_extra_metric, load_extra_metric
from harness.report import ARTICLE_BREAKDOWN, FailedItem, GroupResult, ItemScore, MetricValue, PredictionLine, TaskResult
from harness.run._records import Generation
from harness.stats import mean_with_ci
from harness.tasks import EvalItem, Metric, Verdict, metric as load_metric, task as get_task


def score_task(model: str, task_name: str, options: Any, items: list[EvalItem], records: dict,
               bootstrap: Any, judged: dict[str, Verdict] | None = None) -> tuple[TaskResult, list[PredictionLine]]:
    """(the task's result for one model, its predictions.jsonl lines); `judged` holds the task's
    model judge's verdicts by item id, when it has one."""
    task = get_task(task_name)
    generations: list[Generation] = [records[(item.task, item.id)] for item in items]
    metrics = [load_metric(name) for name in options.metrics]
    answers = [None if g.failed else task.answer(item, g.prediction, options, (judged or {}).get(item.id))
               for item, g in zip(items, generations)]
    scored = _score_items(metrics, items, answers, options)
    extra_scores = [task.item_scores(item, answer, options) for item, answer in zip(items, answers)]
    lines = [PredictionLine.of(model, item, g, s, extra)
             for item, g, s, extra in zip(items, generations, scored, extra_scores)]
    mean = functools.partial(_mean, clusters=[item.article_id for item in items], bootstrap=bootstrap)
    breakdowns = {task.group_label: _groups(items, scored, metrics, bootstrap, lambda item: item.group)}
    if len({item.article_id for item in items}) > 1:
        breakdowns[ARTICLE_BREAKDOWN] = _groups(items, scored, metrics, bootstrap, lambda item: item.article_id)
    undecided = {m.name: sum(1 for s in scored if m.name in s.undecided) for m in metrics}
    result = TaskResult(
        n=len(items),
        metrics=_metrics(metrics, scored, mean),
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


class ItemScores:
    """One item's results as the metrics gave them, and the number each one averages."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}  # metric -> a number or named parts (as predictions.jsonl shows it)
        self.values: dict[str, float] = {}  # metric -> the number averaged
        self.reasons: dict[str, str] = {}
        self.undecided: set[str] = set()
        self.answer = ""


def score_given(task_name: str, options: Any, items: list[EvalItem], raws: list[str]) -> list[ItemScores]:
    """Each given raw output scored as its item's answer by the configured metrics, exactly as a
    run scores a generation (for agreement with judged answers)."""
    task = get_task(task_name)
    metrics = [load_metric(name) for name in options.metrics]
    return _score_items(metrics, items, [task.answer(item, raw, options) for item, raw in zip(items, raws)], options)


def _score_items(metrics: list[Metric], items: list[EvalItem], answers: list[Any], options: Any) -> list[ItemScores]:
    scored = [ItemScores() for _ in items]
    for entry, answer in zip(scored, answers):
        entry.answer = answer.text if answer is not None else ""
    present = [(index, answer) for index, answer in enumerate(answers) if answer is not None]
    for metric in metrics:
        results = _run_metric(metric, [answer for _, answer in present], items, options)
        failed = metric.failed()
        for entry in scored:
            entry.results[metric.name] = failed
            entry.values[metric.name] = 0.0
        for (index, answer), result in zip(present, results):
            _keep(scored[index], metric, result, items[index])
    return scored


def _run_metric(metric: Metric, answers: list[Any], items: list[EvalItem], options: Any) -> list[Any]:
    """The metric's results on every answer; a HarnessError naming the metric (and, where it is
    known, the item) when it raises or gives the wrong number of results."""
    if metric.score_many is None:
        results = []
        for answer in answers:
            try:
                results.append(metric.score(answer, options))
            except HarnessError:
                raise
            except Exception as error:
                raise _metric_error(metric, answer.id, error) from None
        return results
    try:
        results = list(metric.score_many(answers, options))
    except HarnessError:
        raise
    except Exception as error:
        raise _metric_error(metric, None, error) from None
    if len(results) != len(answers):
        raise HarnessError(f"metric {metric.name!r} ({plugins.provider('metric', metric.name)}) gave "
                           f"{len(results)} scores for {len(answers)} answers")
    return results


def _metric_error(metric: Metric, item_id: str | None, error: BaseException) -> HarnessError:
    where = f" on item {shown(item_id)}" if item_id is not None else ""
    return HarnessError(f"metric {metric.name!r} ({plugins.provider('metric', metric.name)}) failed{where}: "
                        f"{type(error).__name__}: {shown(str(error), 200)}; the generations are kept in the run "
                        "log: fix or remove the metric, then rerun with --resume")


def _keep(entry: ItemScores, metric: Metric, result: Any, item: EvalItem) -> None:
    """Check one result and keep it: a Verdict's value and rule, named parts, or a number."""
    def bad(what: str) -> HarnessError:
        return HarnessError(f"metric {metric.name!r} ({plugins.provider('metric', metric.name)}) gave {what} "
                            f"for item {shown(item.id)}; a metric gives a finite number, a Verdict, or a dict "
                            f"of its parts {list(metric.parts)}")

    if isinstance(result, Verdict):
        entry.results[metric.name] = entry.values[metric.name] = result.value
        entry.reasons[metric.name] = result.rule
        if not result.decided:
            entry.undecided.add(metric.name)
        return
    if metric.parts:
        if not (isinstance(result, dict) and set(result) == set(metric.parts)
                and all(_finite(v) for v in result.values())):
            raise bad(shown(repr(result), 120))
        entry.results[metric.name] = {part: float(result[part]) for part in metric.parts}
        entry.values[metric.name] = float(result[metric.number_part])
        return
    if not _finite(result):
        raise bad(shown(repr(result), 120))
    entry.results[metric.name] = entry.values[metric.name] = float(result)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _groups(items: list[EvalItem], scored: list[ItemScores], metrics: list[Metric], bootstrap: Any,
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


def _metrics(metrics: list[Metric], scored: list[ItemScores], mean: Any) -> dict[str, MetricValue]:
    """Per metric, the mean of its per-item numbers; a multi-part score also the mean of each part."""
    out = {}
    for metric in metrics:
        value = mean([s.values[metric.name] for s in scored])
        if metric.parts and scored:
            value.parts = {part: sum(s.results[metric.name][part] for s in scored) / len(scored)
                           for part in metric.parts}
        out[metric.name] = value
    return out


def _extra_metrics(options: Any, items: list[EvalItem], scored: list[ItemScores]) -> dict[str, Any]:
    """Config-added `evaluate` metrics over the whole task: scored answers vs references."""
    answers = [s.answer for s in scored]
    references = [list(item.references) or [""] for item in items]  # no reference: the empty answer
    return {extra.name: compute_extra_metric(load_extra_metric(extra.path), answers, references, extra.kwargs)
            for extra in options.extra_metrics}
