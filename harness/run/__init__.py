"""Running a config: gold x models -> items -> generations (run log, prediction cache) -> scores -> report."""

from harness.run import _events as events
from harness.run._agreement import MetricAgreement, agreement, format_agreement, measure_agreement
from harness.run._failures import FailureLimit
from harness.run._runner import RunOptions, RunResult, run

__all__ = ["FailureLimit", "MetricAgreement", "RunOptions", "RunResult", "agreement", "events", "format_agreement",
           "measure_agreement", "run"]
