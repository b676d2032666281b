"""Paired comparison of two reports (`harness compare`): deltas, bootstrap intervals, verdicts, exit codes."""

from harness.compare._command import compare_command
from harness.compare._compare import (
    IMPROVED,
    NO_CHANGE,
    NO_ITEMS,
    REGRESSED,
    Comparison,
    Dropped,
    MetricDelta,
    compare_reports,
    differences,
)
from harness.compare._gate import DEFAULT_MIN_COVERAGE, allowance_for, check_min_coverage, parse_max_drop
from harness.compare._render import headline, render_comparison_json, render_comparison_markdown

__all__ = [
    "DEFAULT_MIN_COVERAGE",
    "IMPROVED",
    "NO_CHANGE",
    "NO_ITEMS",
    "REGRESSED",
    "Comparison",
    "Dropped",
    "MetricDelta",
    "allowance_for",
    "check_min_coverage",
    "compare_command",
    "compare_reports",
    "differences",
    "headline",
    "parse_max_drop",
    "render_comparison_json",
    "render_comparison_markdown",
]
