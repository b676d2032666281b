"""Running a config: gold x models -> items -> generations (run log, prediction cache) -> scores -> report."""

from harness.run._runner import RunOptions, run

__all__ = ["RunOptions", "run"]
