"""Writing a run's files (atomically), and the summary table the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.files import write_atomic
from harness.report._html import render_html
from harness.report._markdown import render_markdown
from harness.report._model import Report


def write_report(out: Path, report: Report, predictions: list[dict[str, Any]]) -> None:
    """predictions.jsonl, report.md and report.html first, report.json last: its presence marks a finished run."""
    write_pages(out, report, predictions)
    write_atomic(out / "report.json", report.to_json())


def write_pages(out: Path, report: Report, predictions: list[dict[str, Any]]) -> None:
    """Every file of a run but report.json (which the caller writes last, once it is complete)."""
    lines = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions)
    write_atomic(out / "predictions.jsonl", lines)
    write_atomic(out / "report.md", render_markdown(report, predictions))
    write_atomic(out / "report.html", render_html(report, predictions))


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
            rows.append((model.name, task, f"n={summary.n}", metrics + failed))
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3]
                     for row in rows)
