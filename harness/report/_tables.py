"""The tables both renderers show (report.md and report.html), as data: per task the summary of
every model, one table per breakdown, the worst items; and the timing. Cells hold values, not
markup: each renderer formats them by the column's kind. Nothing here knows a task by name:
titles, labels and metric names come from the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.report._model import MetricValue, Report, TaskInfo

WORST_ITEMS = 5
NOT_APPLICABLE = "n/a"  # a metric that gave no item a number
TEXT, COUNT, INTERVAL, SCORE, SECONDS, REFERENCES, PREDICTION, REASONS = (
    "text", "count", "interval", "score", "seconds", "references", "prediction", "reasons")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def task_names(report: Report) -> list[str]:
    """The tasks of the report in order: as the run listed them, else as the models hold them."""
    names = list(report.tasks)
    for model in report.models:
        names += [name for name in model.tasks if name not in names]
    return names


def task_info(report: Report, task: str) -> TaskInfo:
    """How the task is shown; a report without that record (schema 1) shows its name."""
    return report.tasks.get(task) or TaskInfo(title=task, group_label="group", item_field="question")


def scope_note(report: Report) -> str:
    """What "(n=K)" and "n/a" mean, when a metric of the report gave some items no number."""
    values = [value for model in report.models for task in model.tasks.values()
              for metrics in [task.metrics, *(g.metrics for groups in task.breakdowns.values() for g in groups.values())]
              for value in metrics.values()]
    if all(value.n is None for value in values):
        return ""
    return (" \"(n=K)\": the mean is over the K items the metric gave a number (it does not apply to the "
            "others, or could not score them); \"n/a\": it gave none.")


def no_value(metric: MetricValue | None) -> str | None:
    """What a table shows for a metric without a mean: "n/a" when it gave no item a number, "–"
    when it is missing or had no items; None when it has a mean."""
    if metric is None:
        return "–"
    if metric.value is not None:
        return None
    return NOT_APPLICABLE if metric.n == 0 else "–"


def over_n(metric: MetricValue) -> str:
    """" (n=K)" when the metric's mean is over K of the items (its `n`), else nothing."""
    return "" if metric.n is None else f" (n={metric.n})"


def item_value(prediction: dict[str, Any], metric: str, part: str | None = None) -> float | None:
    """The per-item number a metric averages (a multi-part one: its `part`, else its last
    part); None when the metric gave the item none."""
    value = prediction["scores"].get(metric, 0.0)
    if value is None:
        return None
    if isinstance(value, dict):
        return float(value[part] if part in value else list(value.values())[-1])
    return float(value)


def summary_table(report: Report, task: str) -> Table:
    """Per model: n, failures, each metric and each task-level value with its interval."""
    models = [m for m in report.models if task in m.tasks]
    metrics = metric_names(report, task)
    values = list(dict.fromkeys(label for m in models for label in m.tasks[task].values))
    truncated = any(m.tasks[task].truncated for m in models)
    judged = list(dict.fromkeys(name for m in models for name in m.tasks[task].metric_failures))
    columns = [Column("model"), Column("n", COUNT), Column("failed", COUNT),
               *([Column("truncated", COUNT)] if truncated else []),
               *(Column(f"{name} failed", COUNT) for name in judged),
               *(Column(name, INTERVAL) for name in metrics), *(Column(label, INTERVAL) for label in values)]
    rows = [[m.name, m.tasks[task].n, m.tasks[task].failed, *([m.tasks[task].truncated] if truncated else []),
             *(m.tasks[task].metric_failures.get(name, 0) for name in judged),
             *(m.tasks[task].metrics.get(name) for name in metrics), *(m.tasks[task].values.get(label) for label in values)]
            for m in models]
    return Table(task_info(report, task).title, columns, rows)


def metric_names(report: Report, task: str) -> list[str]:
    models = [m for m in report.models if task in m.tasks]
    return list(models[0].tasks[task].metrics) if models else []


def breakdown_tables(report: Report, task: str) -> list[Table]:
    """One table per breakdown of the task ("question type", "article"): per model and group."""
    models = [m for m in report.models if task in m.tasks]
    metrics = metric_names(report, task)
    labels = list(dict.fromkeys(label for m in models for label in m.tasks[task].breakdowns))
    tables = []
    for label in labels:
        rows = [[m.name, group, part.n, *(part.metrics.get(name) for name in metrics)]
                for m in models for group, part in m.tasks[task].breakdowns.get(label, {}).items()]
        columns = [Column("model"), Column(label), Column("n", COUNT), *(Column(name, INTERVAL) for name in metrics)]
        tables.append(Table(f"{task_info(report, task).title} by {label}", columns, rows))
    return tables


def weakest_first(table: Table, metric_column: int = 3) -> list[list[Any]]:
    """A breakdown's rows from the weakest group up (by the first metric; ties by model, group)."""
    def key(row: list[Any]) -> tuple:
        value = row[metric_column] if len(row) > metric_column else None
        number = value.value if isinstance(value, MetricValue) and value.value is not None else 0.0
        return (number, row[1], row[0])

    return sorted(table.rows, key=key)


def worst_items(report: Report, task: str, predictions: list[dict[str, Any]]) -> Table | None:
    """The WORST_ITEMS lowest-scored predictions by the task's first metric (of those it gave a
    number), with what each item asked, its references, the prediction and the rules behind its
    verdicts."""
    metrics = metric_names(report, task)
    if not metrics:
        return None
    metric, item_field = metrics[0], task_info(report, task).item_field
    rows = sorted((p for p in predictions if p["task"] == task and item_value(p, metric) is not None),
                  key=lambda p: (item_value(p, metric), p["model"], p["id"]))
    reasons = any(p.get("reasons") for p in rows)
    columns = [Column("model"), Column("id"), Column(metric, SCORE), Column(item_field), Column("gold", REFERENCES),
               Column("prediction", PREDICTION), *([Column("why", REASONS)] if reasons else [])]
    table = Table(f"Worst {WORST_ITEMS} items by {metric}", columns)
    for p in rows[:WORST_ITEMS]:
        table.rows.append([p["model"], p["id"], item_value(p, metric), (p.get("fields") or {}).get(item_field, ""),
                           p.get("references") or [], p, *([p] if reasons else [])])
    return table


def timing_table(report: Report) -> Table:
    columns = [Column("model"), Column("load s", SECONDS), Column("generation s", SECONDS),
               Column("generated", COUNT), Column("from cache", COUNT), Column("resumed", COUNT),
               Column("tokens out", COUNT), Column("tokens/s", SECONDS)]
    rows = [[m.name, m.timing.get("load_s"), m.timing.get("generate_s"),
             *(m.timing.get(k, 0) for k in ("generated", "cached", "resumed", "completion_tokens")),
             m.timing.get("tokens_per_s")] for m in report.models]
    return Table("Timing", columns, rows)


def reason_text(prediction: dict[str, Any]) -> str:
    """The rules that decided a prediction's verdicts ("correct: contains 'Hanoi'")."""
    return "; ".join(f"{name}: {rule}" for name, rule in (prediction.get("reasons") or {}).items())


def prediction_text(prediction: dict[str, Any]) -> str:
    """What the model said, or why it failed."""
    if prediction.get("error") is not None:
        return f"FAILED: {prediction['error']}"
    return prediction.get("prediction") or ""
