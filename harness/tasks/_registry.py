"""Tasks by name, from the registry (harness.plugins, entry point group `harness.tasks`):
built-ins and plugins alike. An entry names a Task subclass (its import is cached by the registry)."""

from __future__ import annotations

from harness import plugins
from harness.errors import HarnessError
from harness.tasks._base import Metric, Task


def task(name: str) -> Task:
    """The task registered as `name` (HarnessError listing the names if unknown)."""
    cls = plugins.load("task", name)
    if not (isinstance(cls, type) and issubclass(cls, Task)):
        raise HarnessError(f"task {name!r} is registered as {cls!r}, which is not a harness Task class")
    if getattr(cls, "name", None) != name:
        raise HarnessError(f"task {name!r}: {cls.__name__}.name is {getattr(cls, 'name', None)!r}, "
                           "not the name it is registered under")
    return cls()


def metric(name: str) -> Metric:
    """The metric registered as `name`; HarnessError if it is unknown or not a Metric."""
    found = plugins.load("metric", name)
    if not isinstance(found, Metric):
        raise HarnessError(f"metric {name!r} ({plugins.provider('metric', name)}) is registered as "
                           f"{type(found).__name__}, which is not a harness Metric")
    return found


def tasks() -> dict[str, Task]:
    """Every registered task, by name, in name order."""
    return {name: task(name) for name in plugins.names("task")}
