"""Report files of a run: report.json (versioned, with a JSON Schema), predictions.jsonl, report.md, report.html."""

from harness.report._build import SCHEMA_VERSION, build_report
from harness.report._html import render_html
from harness.report._markdown import render_markdown
from harness.report._schema import REPORT_SCHEMA_PATH, validate_report
from harness.report._write import print_summary, write_report

__all__ = [
    "REPORT_SCHEMA_PATH", "SCHEMA_VERSION", "build_report", "print_summary", "render_html", "render_markdown",
    "validate_report", "write_report",
]
