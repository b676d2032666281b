"""The agreement figures as text for the terminal, and as one JSON-ready object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.agreement._measure import MetricResult
from harness.agreement._stats import Confusion
from harness.errors import shown


def _row(label: str, counts: Confusion, interval: tuple[float | None, float | None] | None = None) -> str:
    ci = f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval and interval[0] is not None else ""
    return (f"{label:<14} {counts.n:>6} {counts.agreement:>9.3f}{ci:<17} {counts.kappa:>6.3f} "
            f"{counts.true_positive:>6} {counts.false_positive:>6} {counts.false_negative:>6} {counts.true_negative:>6}")


def format_text(results: Sequence[MetricResult], files: Sequence[str], examples: int = 2) -> str:
    """Every metric's table (overall, then by group), then its most frequent disagreements."""
    n = results[0].overall.n if results else 0
    header = f"{'':<14} {'n':>6} {'agreement':>9}{' [95% interval]':<17} {'kappa':>6} {'TP':>6} {'FP':>6} {'FN':>6} {'TN':>6}"
    lines = [f"agreement with {n} judged answers ({', '.join(files)})", "", header]
    lines += [_row(r.metric, r.overall, r.interval) for r in results]
    for group in (results[0].by if results else {}):
        for r in results:
            lines += ["", f"{r.metric} by {group}", header]
            lines += [_row(value, counts) for value, counts in r.by[group].items()]
    lines += ["", "(TP: metric and label say correct; FP: the metric says correct, the label wrong; FN: the reverse)"]
    for r in results:
        lines += ["", f"{r.metric}: most frequent disagreements ({r.overall.false_positive} FP, "
                      f"{r.overall.false_negative} FN)"]
        for kind in r.kinds:
            lines.append(f"  {kind.count:>5} {kind.direction} {shown(kind.rule, 90)}")
            for ex in kind.examples[:examples]:
                lines.append(f"        {shown(ex.question, 60)} | gold: {shown(' / '.join(ex.references), 40)} | "
                             f"answer: {shown(ex.prediction, 100)}")
    return "\n".join(lines)


def _counts(counts: Confusion) -> dict[str, Any]:
    return {"agreement": counts.agreement, "kappa": counts.kappa, "n": counts.n, "tp": counts.true_positive,
            "fp": counts.false_positive, "fn": counts.false_negative, "tn": counts.true_negative}


def as_json(results: Sequence[MetricResult], files: Sequence[str]) -> dict[str, Any]:
    """{"files", "metrics": {name: {agreement, kappa, n, tp, fp, fn, tn, ci_low, ci_high, by,
    disagreements}}}."""
    metrics = {}
    for r in results:
        entry = _counts(r.overall) | {"ci_low": r.interval[0], "ci_high": r.interval[1]}
        entry["by"] = {group: {value: _counts(c) for value, c in values.items()} for group, values in r.by.items()}
        entry["disagreements"] = [
            {"direction": k.direction, "rule": k.rule, "count": k.count,
             "examples": [{"where": e.where, "question": e.question, "references": list(e.references),
                           "prediction": e.prediction, "rule": e.rule, "source": e.source} for e in k.examples]}
            for k in r.kinds]
        metrics[r.metric] = entry
    return {"files": list(files), "metrics": metrics}
