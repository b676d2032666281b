"""How many failed items a run may have before `harness run` exits 1 (`--max-failed`), so a CI
gate cannot pass on a dead server. The limit applies to each model's each task: a count of
items (`3`), or a fraction of the task's items written with a decimal point (`0.1`; `1.0`
allows everything). Without one, a model that failed every item of a task breaks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.errors import HarnessError, shown

_COUNT = re.compile(r"[0-9]+\Z")
_FRACTION = re.compile(r"[0-9]*\.[0-9]+\Z|[0-9]+\.\Z")


@dataclass(frozen=True)
class FailureLimit:
    """`count` failed items, or `fraction` of a task's items; neither: all but every item."""

    count: int | None = None
    fraction: float | None = None

    @classmethod
    def parse(cls, text: str) -> "FailureLimit":
        """`--max-failed`'s value; HarnessError (exit 2) unless a count or a fraction in [0, 1]."""
        text = text.strip()
        if _COUNT.match(text):
            return cls(count=int(text))
        if _FRACTION.match(text) and float(text) <= 1:
            return cls(fraction=float(text))
        raise HarnessError(f"--max-failed: expected a number of items (e.g. 3) or a fraction with a decimal "
                           f"point from 0.0 to 1.0 (e.g. 0.1), got {shown(text)!r}")

    def allowed(self, n: int) -> int:
        """How many of a task's `n` items may fail."""
        if self.count is not None:
            return self.count
        if self.fraction is not None:
            return int(self.fraction * n + 1e-9)
        return n - 1

    def breaches(self, report) -> list[str]:
        """One line per model and task with more failed items than allowed, in report order. An
        item fails when its generation failed, or when a metric reached no verdict on it (a
        judge that failed or gave none); per metric, its items count with the failed ones."""
        lines = []
        for model in report.models:
            for task, result in model.tasks.items():
                if result.n and result.failed > self.allowed(result.n):
                    lines.append(f"model {model.name} failed {result.failed} of {result.n} {task} items; "
                                 f"{self._rule(result.n)}")
                for metric, undecided in result.metric_failures.items():
                    if result.n and result.failed + undecided > self.allowed(result.n):
                        lines.append(f"model {model.name}: {metric} reached no verdict on {undecided} and "
                                     f"{result.failed} failed, of {result.n} {task} items; {self._rule(result.n)}")
        return lines

    def _rule(self, n: int) -> str:
        if self.count is None and self.fraction is None:
            return "a model that fails every item of a task fails the run (set a limit with --max-failed N|FRACTION)"
        return f"--max-failed allows {self.allowed(n)}"
