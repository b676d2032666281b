"""report.json as one typed model (read and written here), and the report files of a run:
report.json, predictions.jsonl, report.md and report.html.

The model and reading it back import little (`harness compare` needs only these); the writers
and renderers are imported when first used.
"""

from harness.report._model import (
    ARTICLE_BREAKDOWN,
    SCHEMA_VERSION,
    FailedItem,
    GoldInfo,
    GroupResult,
    MetricInfo,
    ItemScore,
    MetricValue,
    ModelResult,
    Provenance,
    Report,
    RunTiming,
    Scoring,
    Selection,
    TaskInfo,
    TaskResult,
)
from harness.report._predictions import PredictionLine
from harness.report._read import read_report

_WRITERS = {
    "build_report": "harness.report._build",
    "render_html": "harness.report._html",
    "render_markdown": "harness.report._markdown",
    "summary_table": "harness.report._write",
    "write_pages": "harness.report._write",
}

__all__ = [
    "ARTICLE_BREAKDOWN", "SCHEMA_VERSION", "FailedItem", "GoldInfo", "GroupResult", "ItemScore", "MetricInfo", "MetricValue",
    "ModelResult", "PredictionLine", "Provenance", "Report", "RunTiming", "Scoring", "Selection", "TaskInfo",
    "TaskResult", "read_report", *_WRITERS,
]


def __getattr__(name: str):
    """The writers and renderers, imported on first use (they need charts and Jinja-free HTML helpers)."""
    if name in _WRITERS:
        import importlib

        return getattr(importlib.import_module(_WRITERS[name]), name)
    raise AttributeError(f"module 'harness.report' has no attribute {name!r}")
