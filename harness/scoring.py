"""Scoring answers with metrics: each configured metric scores every answer (its batch form
when it has one), and each result is checked before it is kept: a finite number, a Verdict (its
value, and the rule that decided it), the metric's declared parts, None (the metric does not
apply to the item) or a NoScore (it could not score it: a failure of the metric on the item,
with its rule); the last two leave the item without a number for that metric. A metric that
raises, or gives something else, is one HarnessError naming the metric, its distribution and
the item.
The run (harness.run) and agreement with judged answers (harness.agreement) score this way.
"""

from __future__ import annotations

import math
from typing import Any

from harness import plugins
from harness.errors import HarnessError, shown
from harness.tasks import EvalItem, Metric, NoScore, Verdict


class ItemScores:
    """One item's results as the metrics gave them, and the number each one averages."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}  # metric -> a number, named parts or None (as predictions.jsonl shows it)
        self.values: dict[str, float | None] = {}  # metric -> the number averaged; None: no number
        self.reasons: dict[str, str] = {}
        self.undecided: set[str] = set()
        self.answer = ""


def score_answers(metrics: list[Metric], items: list[EvalItem], answers: list[Any], options: Any) -> list[ItemScores]:
    """Each item's scores; an answer None (a failed generation) scores zero on every metric."""
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
    """Check one result and keep it: no number (None, a NoScore and its rule), a Verdict's
    value and rule, named parts, or a number."""
    def bad(what: str) -> HarnessError:
        return HarnessError(f"metric {metric.name!r} ({plugins.provider('metric', metric.name)}) gave {what} "
                            f"for item {shown(item.id)}; a metric gives a finite number, a Verdict, a dict "
                            f"of its parts {list(metric.parts)}, None (it does not apply) or a NoScore")

    if result is None or isinstance(result, NoScore):
        entry.results[metric.name] = entry.values[metric.name] = None
        if result is not None:
            entry.reasons[metric.name] = result.rule
            entry.undecided.add(metric.name)
        return
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
