"""The task table: every task the harness runs, by name. Config validation, the runner and
both report renderers ask it; adding a task means adding its module and its line here."""

from harness.tasks._base import EvalItem, Metric, Scored, Task, metric_value
from harness.tasks._options import ExtraMetric, TaskOptions
from harness.tasks.qa import QAAnswer, QAOptions, QATask
from harness.tasks.summarization import SummarizationOptions, SummarizationTask, SummaryAnswer

TASKS: dict[str, Task] = {task.name: task for task in (QATask(), SummarizationTask())}

__all__ = [
    "TASKS", "EvalItem", "ExtraMetric", "Metric", "QAAnswer", "QAOptions", "QATask", "Scored",
    "SummarizationOptions", "SummarizationTask", "SummaryAnswer", "Task", "TaskOptions", "metric_value",
]
