"""Writing a run's files (atomically), and the summary table the CLI prints."""

from __future__ import annotations

from pathlib import Path

from harness.files import write_atomic
from harness.report._html import render_html
from harness.report._markdown import render_markdown
from harness.report._model import Report
from harness.report._predictions import PredictionLine


def write_pages(out: Path, report: Report, predictions: list[PredictionLine]) -> None:
    """Every file of a run but report.json (which the caller writes last, once it is complete)."""
    write_atomic(out / "predictions.jsonl", "".join(p.line() for p in predictions))
    lines = [p.to_json() for p in predictions]
    write_atomic(out / "report.md", render_markdown(report, lines))
    write_atomic(out / "report.html", render_html(report, lines))


def summary_table(report: Report) -> str:
    """One line per model and task: n, each metric with its interval, failures."""
    rows = []
    for model in report.models:
        for task, summary in model.tasks.items():
            metrics = "  ".join(
                f"{name} {m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}]"
                for name, m in summary.metrics.items() if m.value is not None
            )
            failed = f"  ({summary.failed} failed)" if summary.failed else ""
            failed += "".join(f"  ({metric}: no verdict on {count})" for metric, count in summary.metric_failures.items())
            rows.append((model.name, task, f"n={summary.n}", metrics + failed))
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
                     for row in rows)
