"""`harness compare BASE HEAD`: read, check, compare, render; the exit code is the CI gate."""

from __future__ import annotations

from pathlib import Path

from harness.compare._compare import compare_reports
from harness.compare._gate import DEFAULT_MIN_COVERAGE, parse_max_drop
from harness.compare._render import render_comparison_json, render_comparison_markdown
from harness.errors import HarnessError
from harness.report import Report, read_report

FORMATS = {"markdown": render_comparison_markdown, "json": render_comparison_json}


def compare_command(base: str | Path, head: str | Path, max_drop: list[str] | None = None, alpha: float = 0.05,
                    output_format: str = "markdown", allow_gold_change: bool = False,
                    min_coverage: float = DEFAULT_MIN_COVERAGE) -> tuple[str, int]:
    """(the comparison as text, exit code): 0 pass, 1 a significant regression beyond its
    allowance or a head that does not cover the base; bad input is a HarnessError (exit 2)."""
    if output_format not in FORMATS:
        raise HarnessError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
    base_report, head_report = read_report(base), read_report(head)
    allowances = parse_max_drop(list(max_drop or []), _known_metrics(base_report, head_report))
    comparison = compare_reports(base_report, head_report, alpha=alpha, allowances=allowances,
                                 allow_gold_change=allow_gold_change, labels=(str(base), str(head)),
                                 min_coverage=min_coverage)
    text = FORMATS[output_format](comparison)
    return (text if output_format == "markdown" else text + "\n"), comparison.exit_code


def _known_metrics(*reports: Report) -> dict[str, set[str]]:
    """Task -> metrics with per-item scores, over every model of both reports."""
    known: dict[str, set[str]] = {}
    for report in reports:
        for model in report.models:
            for task_name, task in model.tasks.items():
                known.setdefault(task_name, set()).update(task.metric_names())
    return known
