"""Report files of a run: report.json (versioned), predictions.jsonl, report.md."""

from harness.report._atomic import write_atomic
from harness.report._build import SCHEMA_VERSION, build_report
from harness.report._markdown import render_markdown
from harness.report._write import print_summary, write_report

__all__ = ["SCHEMA_VERSION", "build_report", "print_summary", "render_markdown", "write_atomic", "write_report"]
