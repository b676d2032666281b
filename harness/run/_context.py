"""What every generation of one run shares: the run log of an earlier attempt (for --resume),
the prediction cache, the run log being written, and where progress events go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.run._cache import PredictionCache
from harness.run._events import Emit
from harness.run._runlog import RunLog


@dataclass(frozen=True)
class RunContext:
    resumed: dict[tuple[str, str, str], Any]  # (model, task, id) -> the earlier attempt's run-log record
    cache: PredictionCache
    log: RunLog
    emit: Emit
