"""Writing a run's files (atomically) and printing its summary table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.files import write_atomic
from harness.report._html import render_html
from harness.report._markdown import render_markdown


def write_report(out: Path, report: dict[str, Any], predictions: list[dict[str, Any]]) -> None:
    """predictions.jsonl, report.md and report.html first, report.json last: its presence marks a finished run."""
    lines = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions)
    write_atomic(out / "predictions.jsonl", lines)
    write_atomic(out / "report.md", render_markdown(report, predictions))
    write_atomic(out / "report.html", render_html(report, predictions))
    write_atomic(out / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def print_summary(report: dict[str, Any], out: Path) -> None:
    rows = []
    for model in report["models"]:
        for task, summary in model["tasks"].items():
            metrics = "  ".join(
                f"{name} {m['value']:.3f} [{m['ci_low']:.3f}, {m['ci_high']:.3f}]"
                for name, m in summary["metrics"].items() if m["value"] is not None
            )
            failed = f"  ({summary['failed']} failed)" if summary["failed"] else ""
            rows.append((model["name"], task, f"n={summary['n']}", metrics + failed))
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    print()
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    print(f"\nreport: {out / 'report.md'}")
