"""Tasks: what a task is (Task), its items (EvalItem), the scoring input every metric gets
(Answer and the tasks' subclasses) and the Metric contract. The tasks themselves are found by
entry point (`harness.tasks`), like backends and metrics: `task(name)`, `tasks()`."""

from harness.tasks._base import Answer, EvalItem, JudgePlan, Metric, NoScore, Score, Task, Verdict
from harness.tasks._options import ExtraMetric, TaskOptions
from harness.tasks._registry import metric, task, tasks

__all__ = ["Answer", "EvalItem", "ExtraMetric", "JudgePlan", "Metric", "NoScore", "Score", "Task", "TaskOptions",
           "Verdict", "metric", "task", "tasks"]
