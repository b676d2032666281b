"""Running a config: gold x models -> items -> generations (run log, prediction cache) -> scores -> report."""

from harness.run import _events as events
from harness.run._failures import FailureLimit
from harness.run._runner import RunOptions, RunResult, run

__all__ = ["FailureLimit", "RunOptions", "RunResult", "events", "run"]
