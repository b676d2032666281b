"""The gate's options: `--max-drop METRIC=DELTA`, `--min-coverage FRACTION`, the bounds of `--alpha`.

`--max-drop`: how much a metric may drop before a significant drop fails the gate. METRIC is
a metric name (every task that has it) or TASK.METRIC (that task only; it wins over a plain
name). DELTA is a fraction >= 0 (0.02 = two points). Every metric is gated: a significant
drop fails unless it is within the metric's allowance, and a metric no allowance names has
allowance 0.

`--min-coverage`: the least fraction of the base's scored items, per model and task, the head
must hold (default 0.9); a head sharing no item with the base fails whatever it is.
"""

from __future__ import annotations

import math

from harness.errors import HarnessError

DEFAULT_MIN_COVERAGE = 0.9
MIN_ALPHA = 1e-15  # smaller, and 1 - alpha rounds to 1 (or nearly): no interval to draw


def check_min_coverage(value: float) -> None:
    """HarnessError unless 0 <= value <= 1."""
    if not 0 <= value <= 1:
        raise HarnessError(f"--min-coverage {value}: expected a fraction between 0 and 1, e.g. 0.9 (the head "
                           "must hold 90% of the base's items of each model and task)")


def parse_max_drop(entries: list[str], known: dict[str, set[str]]) -> dict[str, float]:
    """{"metric" or "task.metric": allowance}; `known` maps each task to its metric names."""
    allowances: dict[str, float] = {}
    for entry in entries:
        key, sep, text = entry.partition("=")
        key = key.strip()
        if not sep or not key:
            raise HarnessError(f"--max-drop {entry!r}: expected METRIC=DELTA or TASK.METRIC=DELTA, e.g. exact_match=0.02")
        _check_key(entry, key, known)
        allowances[key] = _parse_delta(entry, text)
    return allowances


def allowance_for(allowances: dict[str, float], task: str, metric: str) -> float | None:
    """The allowance that applies to task.metric, or None when it is not named."""
    return allowances.get(f"{task}.{metric}", allowances.get(metric))


def _check_key(entry: str, key: str, known: dict[str, set[str]]) -> None:
    every = sorted({f"{task}.{m}" for task, metrics in known.items() for m in metrics})
    names = {m for metrics in known.values() for m in metrics}
    task, dot, metric = key.partition(".")
    found = metric in known.get(task, set()) if dot else key in names
    if not found:
        allowed = ", ".join(every) if every else "none: the reports hold no per-item scores"
        raise HarnessError(f"--max-drop {entry!r}: unknown metric {key!r} (the reports have: {allowed})")


def _parse_delta(entry: str, text: str) -> float:
    try:
        delta = float(text)
    except ValueError:
        raise HarnessError(f"--max-drop {entry!r}: DELTA must be a number >= 0, a fraction like 0.02") from None
    if not math.isfinite(delta) or delta < 0:
        raise HarnessError(f"--max-drop {entry!r}: DELTA must be a finite number >= 0, a fraction like 0.02")
    return delta
